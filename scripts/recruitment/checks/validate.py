"""Run the layers in order over one package, collecting findings in one list.

package metadata → CSV structure → Table Schema (cells, keys) → rules → provenance →
coverage.
A layer runs on what the layers before it could read: a file whose structure is broken is
reported and its rows are left alone, so one mistake does not bury the report in echoes.
Coverage, which asks whether the rows are complete, runs once every other check passes.
The DuckDB connection with the typed tables is kept, so ``export`` need not load twice.
A state that validated once is not validated again (:mod:`.cache`): its typed tables are
loaded, unchecked, from the same bytes, and only when a command asks for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import limits
from ..core import cache
from ..core.package import DESCRIPTOR, REFUSAL_RULE, Package, load_package
from ..core.sqltypes import ident
from ..findings import Finding, Findings
from ..paths import PUBLISHED_FILES, Refusal, confine
from . import coverage, curation, provenance, rules, standard  # light: no library at import
from .csvfile import LINE_COLUMN, read_csv, read_typed


class Validation:
    """The findings of one validation, and the typed tables of the package it read."""

    def __init__(
        self,
        package: Package | None,
        findings: Findings | list[Finding] | None = None,
        con: object | None = None,
        load: Callable[[], object] | None = None,
        cached: bool = False,
    ) -> None:
        self.package = package
        self.findings = findings if isinstance(findings, Findings) else Findings(findings or [])
        """Every finding, counted; the first limits.MAX_LISTED of them listed."""
        self._con = con
        self._load = load
        self.cached = cached
        """True when the findings come from the validation cache (nothing was re-checked)."""

    @property
    def con(self):
        """DuckDB connection holding one typed table per resource (when all could be read);
        for a cached validation, loaded on first use."""
        if self._con is None and self._load is not None:
            self._con, self._load = self._load(), None
        return self._con

    @property
    def valid(self) -> bool:
        return self.package is not None and not self.findings


def validate(root: Path, use_cache: bool = True) -> Validation:
    """Validate the package at ``root``; raises PackageNotFound if there is none."""
    stamp = cache.fingerprint(root) if use_cache and cache.enabled() else None
    if stamp is not None and cache.is_valid(root, stamp) and not check_published(Path(root)):
        pkg, findings = load_package(Path(root), known=stamp.texts)
        if pkg is not None and not findings:
            return Validation(pkg, [], load=lambda: load_tables(pkg, stamp), cached=True)
    result = check_all(Path(root))
    if stamp is not None and result.valid and stamp.unchanged(root):
        cache.remember_valid(root, stamp)
    return result


def check_all(root: Path) -> Validation:
    """Every layer over the package at ``root``."""
    import duckdb

    pkg, loaded_findings = load_package(Path(root))
    findings = Findings(loaded_findings)
    findings += check_published(Path(root))
    if pkg is None:
        return Validation(None, findings)
    findings += check_publishable(pkg)
    if findings:
        return Validation(None, findings)
    con = duckdb.connect(config=duckdb_config(pkg.root))
    loaded: set[str] = set()
    partial: set[str] = set()  # tables that lost ragged rows: references to them not judged
    for res in pkg.in_dependency_order():
        csv = read_csv(pkg.root, res)
        findings += csv.findings
        if csv.table is None:
            continue
        if csv.partial:
            partial.add(res.name)
        # The checks scan pyarrow's table in place; once typed, the strings are let go.
        con.register(standard.raw_name(res.name), csv.table)
        screened = standard.screen_and_type(con, res, csv.table)
        if screened is None:  # a constraint the fast screen does not cover
            screened = standard.check_cells(con, res)
            standard.create_typed_table(con, res)
        findings += screened
        con.unregister(standard.raw_name(res.name))
        del csv
        findings += standard.check_unique(con, res)
        loaded.add(res.name)
    _release_arrow_memory()  # the CSV strings are let go; the typed tables remain
    for res in pkg.in_dependency_order():
        if res.name in loaded:
            findings += standard.check_foreign_keys(con, pkg, res, loaded - partial)
            findings += rules.check_rules(con, res, standard.mistyped_table(con, res))
    findings += provenance.check_sources(con, pkg, loaded)
    for res in provenance.citing_resources(pkg, loaded):
        sources_path = pkg.resources["sources"].path if "sources" in loaded else None
        findings += provenance.check_citations(con, res, sources_path)
    findings += curation.check_curation(con, pkg, loaded)
    if not findings:  # a broken row would make the spans it quotes look unrecorded
        findings += coverage.check_coverage(con, pkg, loaded)
    return Validation(pkg, with_row_ids(con, pkg, findings, loaded), con)


def with_row_ids(con, pkg: Package, findings: Findings, loaded: set[str]) -> Findings:
    """The findings, each on a row of a loaded table given that row's primary key (read from
    the typed table, one query per file; a key that did not read stays unknown)."""
    tables = {r.path: r for r in pkg.resources.values() if r.name in loaded and r.primary_key}
    lines: dict[str, set[int]] = {}
    for f in findings.listed:
        if f.line and f.line > 1 and f.row is None and f.file in tables:
            lines.setdefault(f.file, set()).add(f.line)
    ids: dict[tuple[str, int], str] = {}
    for path, wanted in lines.items():
        res = tables[path]
        key = ", ".join(f"{ident(k)}::VARCHAR" for k in res.primary_key)
        rows = con.execute(
            f"SELECT {ident(LINE_COLUMN)}, concat_ws('_', {key}) FROM {ident(res.name)} "
            f"WHERE {ident(LINE_COLUMN)} IN (SELECT unnest(?::BIGINT[])) "
            f"AND {' AND '.join(f'{ident(k)} IS NOT NULL' for k in res.primary_key)}",
            [sorted(wanted)],
        ).fetchall()
        ids.update(((path, line), row) for line, row in rows)
    if not ids:
        return findings
    return Findings.of(
        (
            replace(f, row=ids[(f.file, f.line)]) if (f.file, f.line) in ids else f
            for f in findings.listed
        ),
        findings.by_place,
    )


def load_tables(pkg: Package, stamp: cache.Fingerprint):
    """The typed tables and seed lines of a state the cache says is valid, unchecked.

    The data files must still hash as they did; a seed is verified against its pin as
    always. Anything else raises OSError: the package changed since it was validated.
    """
    import duckdb

    con = duckdb.connect(config=duckdb_config(pkg.root))
    loaded: set[str] = set()
    for res in pkg.in_dependency_order():
        table = read_typed(pkg.root, res, stamp.inputs.get(res.path, ""))
        # DuckDB scans the Arrow table in place, as it does the validation's typed tables.
        con.register(res.name, table.select([LINE_COLUMN, *res.field_names]))
        del table
        loaded.add(res.name)
    if provenance.check_sources(con, pkg, loaded):
        raise OSError("a seed changed since the package was validated; run the command again")
    return con


def temp_relations(con) -> dict[str, str]:
    """Name -> "TABLE" or "VIEW" of each relation in the connection's temp catalog, where
    every loaded resource's typed table lives: a view of the Arrow data DuckDB scans in
    place, or a temp table (flagged rows, or the SQL fallback)."""
    return dict(
        con.execute(
            "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = 'temp' "
            "UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() "
            "WHERE database_name = 'temp' AND NOT internal"
        ).fetchall()
    )


MEMORY_LIMIT = "1GB"
"""DuckDB's share of memory; beyond it DuckDB spills to a private temporary folder. It keeps
a 1M-row export under 1.3 GiB without slowing it. RECRUITMENT_MEMORY_LIMIT overrides it."""

WORK_DIR = ".recruitment"
"""The package's own ignored folder for DuckDB's spill files (see .gitignore)."""


def duckdb_config(root: Path) -> dict:
    """No extension is installed or loaded behind our back, and spills stay in the package."""
    return {
        "memory_limit": os.environ.get("RECRUITMENT_MEMORY_LIMIT", MEMORY_LIMIT),
        "temp_directory": str(spill_dir(root)),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def spill_dir(root: Path) -> Path:
    """ROOT/.recruitment/duckdb-<pid>: inside the package, refused if .recruitment is a link."""
    work = Path(root).resolve() / WORK_DIR
    if work.is_symlink() or (work.exists() and not work.is_dir()):
        raise OSError(f"{WORK_DIR} in the package is not a folder of ours; remove it")
    work.mkdir(exist_ok=True)
    return work / f"duckdb-{os.getpid()}"


def check_published(root: Path) -> list[Finding]:
    """The files published beside the data (CITATION.cff, the licences, the codebook,
    CHANGELOG.md) are regular files inside the package when they exist: a symlink, a FIFO
    or an oversized file is a finding here rather than copied into the site or the zip."""
    out = []
    for rel in PUBLISHED_FILES:
        real = confine(root, rel, limits.PUBLISHED_MAX_BYTES)
        if isinstance(real, Refusal) and real.kind != "missing":
            out.append(Finding(rel, None, None, REFUSAL_RULE[real.kind], real.message))
    return out


def check_publishable(pkg: Package) -> list[Finding]:
    """Build the published database's tables and views, empty, from the schemas.

    Whatever the metadata checks let through must also give a DuckDB file: a schema that
    DuckDB refuses (or that lacks a column a view reads) is a finding here, not an error
    after a green validate.
    """
    import duckdb

    from ..core import ddl, views

    con = duckdb.connect(config={"autoload_known_extensions": False})
    try:
        statements = ddl.create_statements(pkg)
        statements += ddl.seed_lines_statements(pkg) + ddl.meta_statements({})
        for stmt in statements:
            con.execute(stmt)
        views.create(con, pkg)
    except (duckdb.Error, KeyError) as err:
        message = str(err).splitlines()[0][:300]
        return [Finding(DESCRIPTOR, None, None, "package/publish", message)]
    finally:
        con.close()
    return []


def _release_arrow_memory() -> None:
    """Hand the parsed CSVs' memory back to the system rather than keep it pooled."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
