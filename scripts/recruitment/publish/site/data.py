"""What the site shows, read once from a Validation into plain Python values.

The pages and charts never query DuckDB themselves: they get a :class:`SiteData` built
here, so every page sees the same rows in the same (primary-key) order, and the column
lists always come from the Table Schemas through the package model, never retyped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ... import limits
from ...core.package import Package, Resource
from ...core.sqltypes import ident
from ...paths import read_published
from ..discovery import dataset_jsonld, read_descriptor, temporal_coverage
from ..export import DUCKDB_FILE, sha256_of

HISTORY_PER_ROW = 20
"""Changes listed on a row's evidence page at most (the earliest first); the rest are
counted there, and every one is in the changes table of the DuckDB file."""
HISTORY_VALUE_CHARS = 300
"""Characters of an old or new value shown in a row's history (an added or removed row's
value is its whole JSON)."""
CITING = ("source_id", "line", "quote")
"""The columns that make a row evidence: a resource with all three gets provenance pages."""


@dataclass(frozen=True)
class Row:
    """One row of one table, with the values typed as DuckDB returned them."""

    table: str
    id: str
    values: dict

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    @property
    def cites(self) -> bool:
        return all(self.values.get(c) is not None for c in CITING)


@dataclass(frozen=True)
class Article:
    """One seed article: its lines (split on "\\n", as the citations count them)."""

    source_id: str
    seed_file: str
    title: str
    lines: list[str]


@dataclass(frozen=True)
class Download:
    """A published file beside the site, with the hash of the bytes a reader gets."""

    label: str
    rel: str
    """Path relative to the site folder's parent (the dist folder)."""
    sha256: str
    size: int


@dataclass(frozen=True)
class Change:
    """One entry of a row's history: a row of the changes table."""

    version_from: str
    version_to: str
    kind: str
    column: str | None
    old: str | None
    new: str | None


@dataclass(frozen=True)
class History:
    """A row's changes between released versions, at most HISTORY_PER_ROW, and how many
    there are in all."""

    changes: tuple[Change, ...]
    total: int


@dataclass
class SiteData:
    package: Package
    rows: dict[str, list[Row]] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    downloads: list[Download] = field(default_factory=list)
    citation: str = ""
    jsonld: dict = field(default_factory=dict)
    """The schema.org Dataset of the index page (publish.discovery.dataset_jsonld)."""
    estimates: list[Row] = field(default_factory=list)
    """The rows of the ``estimates`` view (publish.views) of the published DuckDB file, in
    its as_of order, each named by its figure_id; empty without that file or view."""
    history: dict[tuple[str, str], History] | None = None
    """(table, key as the changes table writes it) -> that row's history, from the changes
    table of the published DuckDB file; None when there is no such file beside the site."""

    def history_of(self, row: Row) -> History | None:
        """The row's history; None when the site has no changes table to read."""
        if self.history is None:
            return None
        res = self.resource(row.table)
        key = ", ".join(str(row.get(k)) for k in res.primary_key)
        return self.history.get((row.table, key), History((), 0))

    def resource(self, table: str) -> Resource:
        return self.package.resources[table]

    def citing_tables(self) -> list[str]:
        return [t for t, res in self.package.resources.items() if res.has(*CITING)]

    def by_id(self, table: str) -> dict[str, Row]:
        return {r.id: r for r in self.rows.get(table, [])}

    def citing_rows(self, source_id: str | None = None) -> list[Row]:
        """Every row that cites a seed (of ``source_id`` if given), table by table."""
        out = []
        for table in self.citing_tables():
            out += [r for r in self.rows[table] if r.cites]
        if source_id is not None:
            out = [r for r in out if r.get("source_id") == source_id]
        return out


def row_id(res: Resource, values: dict) -> str:
    """A row's name on the site: its primary key (joined with '_' if compound)."""
    keys = res.primary_key or ["__line"]
    return "_".join(str(values[k]) for k in keys)


def read_rows(con, res: Resource) -> list[Row]:
    cols = ", ".join(ident(f.name) for f in res.fields)
    order = ", ".join(ident(k) for k in res.primary_key) or ident("__line")
    cur = con.execute(f"SELECT {cols}, {ident('__line')} FROM {ident(res.name)} ORDER BY {order}")
    out = []
    for tup in cur.fetchall():
        values = dict(zip([*res.field_names, "__line"], tup, strict=True))
        out.append(Row(res.name, row_id(res, values), values))
    return out


def read_articles(con, data: SiteData) -> dict[str, Article]:
    lines: dict[str, list[str]] = {}
    for source_id, _, text in con.execute(
        "SELECT source_id, line, text FROM seed_lines ORDER BY source_id, line"
    ).fetchall():
        lines.setdefault(source_id, []).append(text)
    titles = {
        s.get("path"): s.get("title", "")
        for s in data.package.descriptor.get("sources", [])
        if isinstance(s, dict)
    }
    out = {}
    for src in data.rows.get("sources", []):
        sid, rel = src.get("source_id"), src.get("seed_file")
        title = src.get("title") or titles.get(rel) or rel
        out[sid] = Article(sid, rel, title, lines.get(sid, []))
    return out


def read_estimates(dist: Path) -> list[Row]:
    """The rows of the ``estimates`` view of ``dist``'s DuckDB file, in the view's order;
    none when there is no such file or view."""
    found = _published(dist, "SELECT * FROM estimates", names=True)
    if not found:
        return []
    names, rows = found
    return [
        Row("figures", str(values["figure_id"]), values)
        for values in (dict(zip(names, tup, strict=True)) for tup in rows)
    ]


def _published(dist: Path, sql: str, names: bool = False):
    """The rows ``sql`` gives on the DuckDB file the export wrote into ``dist`` (opened
    read-only), with the column names first if ``names``; None when the file is missing,
    not a regular file, or lacks what ``sql`` reads."""
    import duckdb

    path = Path(dist) / DUCKDB_FILE
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            cur = con.execute(sql)
            rows = cur.fetchall()
            return ([c[0] for c in cur.description], rows) if names else rows
    except duckdb.Error:
        return None


def find_downloads(pkg: Package, dist: Path) -> list[Download]:
    """The exported files that exist beside the site (CSV, Parquet, DuckDB, descriptor).

    Hashes are computed from the files themselves, which export writes before any extra
    step runs; a file that is missing (a site built on its own) is simply not offered.
    """
    wanted = []
    for res in pkg.in_dependency_order():
        wanted.append((f"{res.title} (CSV)", f"csv/{res.name}.csv"))
    for res in pkg.in_dependency_order():
        wanted.append((f"{res.title} (Parquet)", f"parquet/{res.name}.parquet"))
    wanted.append(("All tables and views (DuckDB database)", "recruitment.duckdb"))
    wanted.append(("Package descriptor (Frictionless datapackage.json)", "datapackage.json"))
    out = []
    for label, rel in wanted:
        path = dist / rel
        if path.is_file():
            out.append(Download(label, rel, sha256_of(path), path.stat().st_size))
    return out


def read_history(dist: Path) -> dict[tuple[str, str], History] | None:
    """Every row's history from the changes table of ``dist``'s DuckDB file (the one the
    export just wrote): at most HISTORY_PER_ROW changes per row, in the table's order,
    each value cut to HISTORY_VALUE_CHARS, counted in SQL. None when the file is missing,
    not a regular file, or holds no changes table."""
    sql = f"""
        SELECT table_name, key, version_from, version_to, kind, column_name,
               left(old, {HISTORY_VALUE_CHARS + 1}), left(new, {HISTORY_VALUE_CHARS + 1}),
               length(old), length(new), total
        FROM (
            SELECT *, row_number() OVER (PARTITION BY table_name, key ORDER BY rowid) AS n,
                   count(*) OVER (PARTITION BY table_name, key) AS total
            FROM changes
        )
        WHERE n <= {HISTORY_PER_ROW}
        ORDER BY table_name, key, n
    """
    found = _published(dist, sql)
    if found is None:
        return None
    out: dict[tuple[str, str], list[Change]] = {}
    totals: dict[tuple[str, str], int] = {}
    for table, key, a, b, kind, column, old, new, n_old, n_new, total in found:
        out.setdefault((table, key), []).append(
            Change(a, b, kind, column, _cut(old, n_old), _cut(new, n_new))
        )
        totals[(table, key)] = total
    return {k: History(tuple(v), totals[k]) for k, v in out.items()}


def _cut(value: str | None, length: int | None) -> str | None:
    """A value read as its first HISTORY_VALUE_CHARS + 1 characters, with the count of
    what is cut when the whole is longer."""
    if value is None or length is None or length <= HISTORY_VALUE_CHARS:
        return value
    return f"{value[:HISTORY_VALUE_CHARS]}… (+{length - HISTORY_VALUE_CHARS} characters)"


def citation_text(pkg: Package) -> str:
    """CITATION.cff verbatim when the package has one; else a line built from the descriptor."""
    cff = read_published(pkg.root, "CITATION.cff", limits.PUBLISHED_MAX_BYTES)
    if cff is not None:
        return cff.decode("utf-8", errors="replace")
    d = pkg.descriptor
    authors = "; ".join(
        c.get("title", "") for c in d.get("contributors", []) if isinstance(c, dict)
    )
    lic = ", ".join(x.get("name", "") for x in d.get("licenses", []) if isinstance(x, dict))
    text = (
        f"{authors or 'The maintainers'}. {d.get('title', pkg.name)}. "
        f"Data package {pkg.name}, version {pkg.version}."
    )
    return f"{text} Licence: {lic}." if lic else text


def collect(validation, dist: Path | None) -> SiteData:
    """Everything the pages need, from a valid Validation (its package and connection)."""
    pkg, con = validation.package, validation.con
    if pkg is None or con is None:
        raise ValueError("the site needs a package that could be read (validate it first)")
    data = SiteData(pkg)
    for res in pkg.resources.values():
        data.rows[res.name] = read_rows(con, res)
    data.articles = read_articles(con, data)
    data.downloads = find_downloads(pkg, dist) if dist is not None else []
    data.citation = citation_text(pkg)
    published = read_descriptor(dist) if dist is not None else None
    if published is None:  # a bare site: the package's metadata, and no files to offer
        published = {k: v for k, v in pkg.descriptor.items() if k != "resources"}
    data.history = read_history(dist) if dist is not None else None
    data.estimates = read_estimates(dist) if dist is not None else []
    data.jsonld = dataset_jsonld(published, temporal_coverage(con, pkg), base="../")
    return data
