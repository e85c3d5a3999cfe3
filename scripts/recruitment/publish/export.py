"""Publish a valid package to dist/: CSV, Parquet, one DuckDB file, a descriptor and checksums.

Everything is written into a fresh temporary folder beside ``dist/`` and swapped in only
when complete (see :mod:`recruitment.outdir`), so a failure or a kill at any step leaves
the previous ``dist/`` as it was. Every file is byte-reproducible: rows sorted by primary
key, no timestamps, fixed options, and the DuckDB file written without the two compression
methods whose bytes vary from run to run (see DUCKDB_UNSTABLE_COMPRESSION), up to the size
where DuckDB's own bytes stop being reproducible (:func:`reproducible`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path

from .. import limits
from ..checks.validate import Validation, temp_relations, validate
from ..core import ddl, views
from ..core.package import Package, Resource
from ..core.snapshot import build_info
from ..core.sqltypes import PANDAS_TYPE, ident, literal
from ..core.strict_json import unique_keys
from ..paths import Refusal, confine, read_bounded, sha256_file
from . import changes
from .outdir import MARKER, MARKER_TEXT, check_out, replace_folder

DUCKDB_FILE = "recruitment.duckdb"
DUCKDB_STORAGE_VERSION = "v1.1.0"
"""Storage format of the published DuckDB file. DuckDB 2.0 writes format 69 by default, which
no DuckDB 1.x opens; v1.1.0 (format 64) keeps every feature published (keys, CHECKs,
comments, views, macros) and opens in DuckDB 1.1.0 and newer. Older choices do not help:
DuckDB 1.0 cannot read the primary-key indexes DuckDB 2.0 writes, whatever the version."""
DUCKDB_OLDEST_READER = "1.1.0"
DUCKDB_UNSTABLE_COMPRESSION = "fsst,bitpacking"
"""Compression methods the DuckDB file is written without, so that the same data give the
same bytes. FSST (which storage v1.1.0 still uses) judges its gain on a sample of a
column's vectors drawn by a generator seeded from the operating system's randomness, so
one build stored a text column as FSST and the next uncompressed, which moved every block
after it. Bitpacking packs, for each NULL of an integer or date column, whatever
its buffer held before: uninitialised memory. The rest of what DuckDB writes here is
deterministic, and it zeroes the unused space of the blocks that segments share.

Costs no time, and this package's file keeps its size. Only applied when the file can be
reproducible at all (:func:`reproducible`): a text segment that fills a whole 256 KiB
block is written with its few unused bytes uninitialised, which no setting changes, so a
package with a text column of more than REPRODUCIBLE_COLUMN_BYTES gives a different file
each build anyway, and keeps the compression (at 1M figure rows it halves the file:
224 MB instead of 443 MB)."""
REPRODUCIBLE_COLUMN_BYTES = 200 * 1024
"""The most text one column may hold for DuckDB to write it in blocks it does not fill."""


def reproducible(con, pkg: Package) -> bool:
    """Whether DuckDB can write the same file twice from these tables: every text column
    (seed_lines' text too) holds less than REPRODUCIBLE_COLUMN_BYTES."""
    sizes = [
        f"SELECT sum(strlen({ident(f.name)})) AS n FROM {ident(res.name)}"
        for res in pkg.in_dependency_order()
        for f in res.fields
        if f.type == "string"
    ]
    sizes.append("SELECT sum(strlen(text)) AS n FROM seed_lines")
    (most,) = con.execute(
        f"SELECT coalesce(max(n), 0) FROM ({' UNION ALL '.join(sizes)})"
    ).fetchone()
    return most < REPRODUCIBLE_COLUMN_BYTES


PARQUET_BATCH_ROWS = 262_144
"""Rows per Parquet write (and row group): bounded memory, same bytes on every run."""


def export(
    root: Path, out: Path, extra: list[Callable[[Validation, Path], None]] | None = None
) -> Validation:
    """Validate ``root`` and, if valid, publish it to ``out``; return the validation.

    ``out`` must be a previous export or not exist (:func:`outdir.check_out`). ``extra``
    steps (``build`` adds the static site) write into the temporary folder after the data
    files and before the marker, the checksums and the swap.
    """
    check_out(Path(root), Path(out))
    result = validate(Path(root))
    if not result.valid:
        return result

    def write(tmp: Path) -> None:
        write_all(result, tmp)
        for step in extra or ():
            step(result, tmp)
        keep_releases(Path(out), tmp)
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        write_checksums(tmp)

    replace_folder(Path(out), write)
    return result


RELEASE_DIR = "release"
"""Where ``recruitment release`` writes its zip and CHANGES, inside the export folder."""


def keep_releases(out: Path, tmp: Path) -> list[str]:
    """Carry the release files of the previous export (``out/release/``) into the new one,
    so `make` after `make release` keeps them: the regular files directly in that folder,
    hard-linked (copied across file systems), each at most limits.DIST_FILE_MAX_BYTES;
    a symlink, a subfolder or anything else is left behind. Returns the names kept."""
    old = out / RELEASE_DIR
    try:
        if old.is_symlink() or not old.is_dir():
            return []
        entries = sorted(os.scandir(old), key=lambda e: e.name)
    except OSError:
        return []
    kept = []
    for entry in entries:
        st = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.DIST_FILE_MAX_BYTES:
            continue
        (tmp / RELEASE_DIR).mkdir(exist_ok=True)
        try:
            os.link(entry.path, tmp / RELEASE_DIR / entry.name, follow_symlinks=False)
        except OSError:
            shutil.copy2(entry.path, tmp / RELEASE_DIR / entry.name, follow_symlinks=False)
        kept.append(entry.name)
    return kept


def write_all(result: Validation, tmp: Path) -> None:
    """CSV, Parquet, then the DuckDB file, one after the other: written concurrently they
    ran DuckDB out of its memory limit at 3M rows (two sorts and the inserts at once)."""
    pkg, con = result.package, result.con
    (tmp / "csv").mkdir()
    (tmp / "parquet").mkdir()
    for res in pkg.in_dependency_order():
        write_csv(con, res, tmp / "csv" / f"{res.name}.csv")
        write_parquet(con, pkg, res, tmp / "parquet" / f"{res.name}.parquet")
    write_duckdb(con, pkg, tmp / DUCKDB_FILE)
    write_descriptor(pkg, tmp)


def _select(res: Resource) -> str:
    cols = ", ".join(ident(f.name) for f in res.fields)
    order = ", ".join(ident(k) for k in res.primary_key) or ident("__line")
    return f"SELECT {cols} FROM {ident(res.name)} ORDER BY {order}"


def write_csv(con, res: Resource, path: Path) -> None:
    target = str(path).replace("'", "''")
    con.execute(
        f"COPY ({_select(res)}) TO '{target}' "
        f"(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\n')"
    )


def pandas_metadata(res: Resource) -> str:
    """The ``pandas`` key of the Parquet schema metadata, as pyarrow writes it."""
    columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": PANDAS_TYPE[f.type][0],
            "numpy_type": PANDAS_TYPE[f.type][1],
            "metadata": None,
        }
        for f in res.fields
    ]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns})


def arrow_schema(con, pkg: Package, res: Resource):
    """The Parquet schema: DuckDB's Arrow types, nullability from the Table Schema's required,
    and the pandas metadata that keeps nullable integers integers (see PANDAS_TYPE)."""
    import pyarrow as pa

    empty = con.sql(f"{_select(res)} LIMIT 0").to_arrow_table()
    fields = []
    for af in empty.schema:
        f = res.field(af.name)
        kind = (
            pa.string()
            if pa.types.is_string_view(af.type) or pa.types.is_large_string(af.type)
            else af.type
        )
        meta = {"description": f.description}
        if f.enum_descriptions:
            meta["enum"] = json.dumps(f.enum_descriptions, ensure_ascii=False)
        fields.append(
            pa.field(
                af.name, kind, nullable=not (f.required or f.name in res.primary_key), metadata=meta
            )
        )
    return pa.schema(
        fields,
        metadata={
            "package": pkg.name,
            "version": pkg.version,
            "resource": res.name,
            "pandas": pandas_metadata(res),
        },
    )


def write_parquet(con, pkg: Package, res: Resource, path: Path) -> None:
    """Stream the table into Parquet in batches, so memory stays flat as tables grow."""
    import pyarrow.parquet as pq

    schema = arrow_schema(con, pkg, res)
    reader = con.sql(_select(res)).to_arrow_reader(batch_size=PARQUET_BATCH_ROWS)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch.cast(schema))


def data_files(pkg: Package) -> list[str]:
    """The published CSV and Parquet files, relative to the publication folder."""
    return [f"csv/{res.name}.csv" for res in pkg.in_dependency_order()] + [
        f"parquet/{res.name}.parquet" for res in pkg.in_dependency_order()
    ]


def write_duckdb(
    con, pkg: Package, path: Path, files_written: Callable[[], object] | None = None
) -> None:
    """The DuckDB file, in a storage format DuckDB 1.x reads (see DUCKDB_STORAGE_VERSION).

    Holds the tables with their keys, constraints and comments, seed_lines, the views and
    the quote_context macro, and ``meta`` with the hashes of the data files beside ``path``
    (``files_written`` waits for them, when another thread writes them meanwhile).
    """
    target = str(path).replace("'", "''")
    stable = (
        duckdb_setting(con, "disabled_compression_methods", DUCKDB_UNSTABLE_COMPRESSION)
        if reproducible(con, pkg)
        else nullcontext()
    )
    with stable:
        con.execute(f"ATTACH '{target}' AS pub (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')")
        tables = _aside(con, pkg)
        try:
            _fill_duckdb(con, pkg, path, tables, files_written)
        finally:
            con.execute("USE memory")
            con.execute("DETACH pub")  # the checkpoint: the file is written here
            _back(con)


@contextmanager
def duckdb_setting(con, name: str, value: str) -> Iterator[None]:
    """``SET name = value`` on ``con`` for the block, then the value it had before."""
    (before,) = con.execute("SELECT current_setting(?)", [name]).fetchone()
    con.execute(f"SET {ident(name)} = {literal(value)}")
    try:
        yield
    finally:
        con.execute(f"SET {ident(name)} = {literal(before)}")


def _fill_duckdb(
    con,
    pkg: Package,
    path: Path,
    tables: Callable[[str], str],
    files_written: Callable[[], object] | None,
) -> None:
    """Create and fill the attached database ``pub`` from the validated ``tables``: tables,
    seed lines, meta and views."""
    info = build_info(pkg.root)
    commit, created = info.get("commit"), info.get("created")
    meta: dict[str, tuple[str | None, int | None]] = {
        "package": (pkg.name, None),
        "version": (pkg.version, None),
        "build_commit": (commit, None),
        "created": (created, None),
        "duckdb_storage_version": (DUCKDB_STORAGE_VERSION, None),
    }
    later = ddl.unreferenced(pkg)
    con.execute("USE pub")
    for stmt in ddl.create_statements(pkg, keys_later=later):
        con.execute(stmt)
    for res in pkg.in_dependency_order():
        con.execute(ddl.insert_statement(res, tables))
    for stmt in ddl.key_statements(pkg, later) + ddl.seed_lines_statements(pkg, tables):
        con.execute(stmt)
    if files_written is not None:
        files_written()
    for rel in data_files(pkg):
        file = path.parent / rel
        meta[rel] = (f"sha256:{sha256_of(file)}", file.stat().st_size)
    log = changes.corrections(pkg.root, pkg.version)
    meta["changes_note"] = (log.note, None)
    for stmt in ddl.meta_statements(meta):
        con.execute(stmt)
    _fill_changes(con, log)
    views.create(con, pkg)


def _fill_changes(con, log: changes.Log) -> None:
    """The changes table of the attached database, from the rows of ``log``."""
    import pyarrow as pa

    names = [name for name, _, _ in ddl.CHANGES.columns]
    data = pa.table(
        {n: pa.array([r[i] for r in log.rows], pa.string()) for i, n in enumerate(names)}
    )
    relation = "changes_rows_"
    con.register(relation, data)
    try:
        for stmt in ddl.changes_statements(f"temp.main.{relation}"):
            con.execute(stmt)
    finally:
        con.unregister(relation)


ASIDE = "_validated_"


def _aside(con, pkg: Package) -> Callable[[str], str]:
    """Rename the validated tables (temp views of Arrow data, or temp tables, named like
    the resources) while the published database is built: DuckDB looks up an unqualified
    name in the temp catalog first, so the published DDL would name them instead of the
    new tables. Returns the SQL name of each validated table by resource name."""
    kinds = temp_relations(con)
    for res in pkg.in_dependency_order():
        if res.name in kinds:
            con.execute(
                f"ALTER {kinds[res.name]} temp.main.{ident(res.name)} "
                f"RENAME TO {ident(ASIDE + res.name)}"
            )
    return lambda name: (
        "memory.main.seed_lines" if name == "seed_lines" else f"temp.main.{ident(ASIDE + name)}"
    )


def _back(con) -> None:
    """Undo :func:`_aside`."""
    for name, kind in temp_relations(con).items():
        if name.startswith(ASIDE):
            con.execute(
                f"ALTER {kind} temp.main.{ident(name)} RENAME TO {ident(name[len(ASIDE) :])}"
            )


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, in hex. The descriptor and SHA256SUMS both need each file's hash,
    so it is remembered for as long as the file's size and modification time stay the same."""
    st = Path(path).stat()
    return _sha256(Path(path), st.st_size, st.st_mtime_ns)


@cache
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
"""The Data Package profile dist/datapackage.json follows (vendored in schemas/profiles/)."""


def write_descriptor(pkg: Package, tmp: Path) -> None:
    """dist/datapackage.json: the package metadata, describing the exported files.

    A Data Package 2.0 descriptor: CSV and Parquet files are tables with their Table
    Schema; the DuckDB file is a plain resource (no type: the standard defines only
    "table"). Every resource has its ``hash`` as ``sha256:<hex>`` and, except the Parquet
    tables, its ``bytes``: frictionless 5.21 reads Parquet through pyarrow and never counts
    its bytes, so a declared size fails ``frictionless validate`` ("actual is None"); the
    Parquet sizes are in the ``meta`` table of the DuckDB file instead. ``created`` is the
    build commit's date, so the descriptor does not change between builds of one commit.
    """
    meta = {k: v for k, v in pkg.descriptor.items() if k != "resources"}
    meta["$schema"] = DATA_PACKAGE_PROFILE
    if isinstance(meta.get("sources"), list):  # the seeds are not published as files
        meta["sources"] = [_published_source(s) for s in meta["sources"]]
    meta.update(build_info(pkg.root))  # created (the commit's date) and commit
    resources = []

    def describe(rel: str, count_bytes: bool = True, **entry) -> dict:
        path = tmp / rel
        size = {"bytes": path.stat().st_size} if count_bytes else {}
        return {**entry, "path": rel, **size, "hash": f"sha256:{sha256_of(path)}"}

    schemas = {res.name: _schema(pkg, res) for res in pkg.in_dependency_order()}
    for res in pkg.in_dependency_order():
        resources.append(
            describe(
                f"csv/{res.name}.csv",
                name=res.name,
                type="table",
                title=res.title,
                description=res.description,
                format="csv",
                mediatype="text/csv",
                encoding="utf-8",
                schema=schemas[res.name],
            )
        )
    for res in pkg.in_dependency_order():
        resources.append(
            describe(
                f"parquet/{res.name}.parquet",
                count_bytes=False,
                name=f"{res.name}-parquet",
                type="table",
                title=f"{res.title} (Parquet)",
                description=f"{res.description} The same rows as csv/{res.name}.csv, typed.",
                format="parquet",
                mediatype="application/vnd.apache.parquet",
                schema=schemas[res.name],
            )
        )
    resources.append(
        describe(
            DUCKDB_FILE,
            name="recruitment-duckdb",
            title="All tables, keys, comments and views in one DuckDB database",
            description=(
                "Every table with its primary and foreign keys, constraints (codes as text) and "
                "comments, plus seed_lines, meta, the views "
                f"{', '.join(views.view_sql(pkg))}, and the quote_context macro. Opens in DuckDB "
                f"{DUCKDB_OLDEST_READER} or newer (storage version {DUCKDB_STORAGE_VERSION})."
            ),
            format="duckdb",
        )
    )
    meta["resources"] = resources
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    (tmp / "datapackage.json").write_text(text, encoding="utf-8")


def _published_source(source: object) -> object:
    """A ``sources`` entry of the published descriptor: a seed's path (seeds/…, a file of
    the repository, not of dist/ or the release) becomes a note that its lines are in the
    DuckDB file's seed_lines; a URL stays."""
    if not isinstance(source, dict) or "://" in str(source.get("path", "://")):
        return source
    out = {k: v for k, v in source.items() if k != "path"}
    out["description"] = (
        f"Seed article {source['path']} of the repository; its lines are in the table "
        f"seed_lines of {DUCKDB_FILE}."
    )
    return out


def _schema(pkg: Package, res: Resource) -> dict:
    """A resource's Table Schema as published: read as validation read it (confined, bounded)."""
    real = confine(pkg.root, res.schema_path, limits.JSON_MAX_BYTES)
    if isinstance(real, Refusal):
        raise OSError(real.message)
    return json.loads(read_bounded(real, limits.JSON_MAX_BYTES), object_pairs_hook=unique_keys)


def write_checksums(tmp: Path) -> None:
    """dist/SHA256SUMS in the format ``sha256sum -c`` reads."""
    files = sorted(p for p in tmp.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_of(p)}  {p.relative_to(tmp).as_posix()}\n" for p in files]
    (tmp / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
