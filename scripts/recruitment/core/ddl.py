"""DuckDB DDL for the published database, derived from the Table Schemas.

Each field becomes a typed column with NOT NULL and CHECK (pattern, minimum, maximum, lengths,
and for an enum field ``IN`` its codes); keys become PRIMARY KEY, UNIQUE and FOREIGN KEY; every
description becomes a COMMENT (enum comments carry the codebook).

An enum field is VARCHAR with a CHECK, not an ENUM type: the DuckDB command line prints an
ENUM column's whole code list as its type under the header (a named type too), while a
VARCHAR column reads ``varchar``; a comparison with an unknown code returns no rows either
way (in every DuckDB from 1.1.0 to 2.0.1, not an error), and the CHECK keeps any other code
out of the table. Citing tables also get the
citation expanded: the seed file and the code-point span of the quote in its line.

Three tables that are not resources of the package are published beside them, described
here once: ``seed_lines`` (every line of every seed, so a row's context is one join away),
``meta`` (what was built, from which commit, and the SHA-256 of every data file) and
``changes`` (the corrections log, filled by :mod:`recruitment.publish.changes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .package import Field, Package, Resource
from .sqltypes import duckdb_type, ident, literal, typed_literal

CITATION_EXTRAS = {
    "seed_file": (
        "VARCHAR",
        "Path of the cited seed file (from sources.seed_file), for reading the quote in place.",
    ),
    "char_start": (
        "INTEGER",
        "Code-point offset (0-based) where the quote starts in the cited line.",
    ),
    "char_end": (
        "INTEGER",
        "Code-point offset (exclusive) where the quote ends in the cited line.",
    ),
}


@dataclass(frozen=True)
class ExtraTable:
    """A published table that no Table Schema defines: its columns, key and comments."""

    name: str
    comment: str
    columns: tuple[tuple[str, str, str], ...]
    """(name, DuckDB type, comment) of each column, all NOT NULL unless the comment allows."""
    primary_key: tuple[str, ...]
    nullable: tuple[str, ...] = ()


SEED_LINES = ExtraTable(
    "seed_lines",
    "Every line of every seed article, numbered as citations count them: join on "
    "(source_id, line) to read the line a row cites, or use quote_context(id) for the "
    "lines around it.",
    (
        ("source_id", "VARCHAR", "The seed article (sources.source_id)."),
        ("line", "BIGINT", "1-based line number in the seed file (a final newline ends a line)."),
        ("text", "VARCHAR", "The text of the line, without its line end."),
    ),
    ("source_id", "line"),
)

META = ExtraTable(
    "meta",
    "How this database was built: package, version, build commit, creation time and the "
    "SHA-256 of every published data file (key = its path relative to the download folder).",
    (
        (
            "key",
            "VARCHAR",
            "package, version, build_commit, created, duckdb_storage_version, changes_note "
            "(what the changes table covers), or the path of a published data file "
            "(csv/<table>.csv, parquet/<table>.parquet).",
        ),
        (
            "value",
            "VARCHAR",
            "The value; for a data file its hash as sha256:<hex>; NULL for build_commit and "
            "created when the package was not built from a git checkout.",
        ),
        ("bytes", "BIGINT", "Size of a data file in bytes; NULL for the other keys."),
    ),
    ("key",),
    nullable=("value", "bytes"),
)


CHANGES_COLUMNS = (
    ("version_from", "VARCHAR", "The released version the change is measured from."),
    ("version_to", "VARCHAR", "The released version that made the change."),
    (
        "commit_from",
        "VARCHAR",
        "The git commit of version_from: its tag's once tagged, else the last commit of "
        "that version before the CHANGELOG opened its Unreleased section (else before the "
        "next bump).",
    ),
    (
        "commit_to",
        "VARCHAR",
        "The git commit of version_to, as commit_from; NULL for the version of this build "
        "(the package as built, meta's build_commit).",
    ),
    ("table_name", "VARCHAR", "The table of the row."),
    ("key", "VARCHAR", "The row's primary key (its values joined by ', ')."),
    ("kind", "VARCHAR", "added, removed or changed."),
    (
        "column_name",
        "VARCHAR",
        "For a changed row, the column whose value changed; NULL for an added or removed row.",
    ),
    (
        "old",
        "VARCHAR",
        "The value before (a changed cell), or the whole removed row as a JSON object; NULL "
        "for an added row. Every value as the CSV writes it.",
    ),
    (
        "new",
        "VARCHAR",
        "The value after (a changed cell), or the whole added row as a JSON object; NULL "
        "for a removed row.",
    ),
)
CHANGES_COMMENT = (
    "The corrections log: every row added, removed or changed between consecutive released "
    "versions (found where datapackage.json's version changed; each version as its tag, "
    "else its last commit before the CHANGELOG's Unreleased section opened, and this "
    "build), one row per changed cell. The note in meta (key changes_note) says what it "
    "covers."
)

CHANGES = ExtraTable(
    "changes",
    CHANGES_COMMENT,
    CHANGES_COLUMNS,
    (),
    nullable=("commit_from", "commit_to", "column_name", "old", "new"),
)

EXTRA_TABLES = (SEED_LINES, META, CHANGES)
"""The published tables that no Table Schema defines, in the order the codebook lists them."""


def extra_table_statements(
    table: ExtraTable, foreign_keys: Sequence[str] = (), key_later: bool = False
) -> list[str]:
    """CREATE TABLE and COMMENT statements of an :class:`ExtraTable` (without its primary
    key if ``key_later``: :func:`add_key_statement` adds it)."""
    cols = [
        f"{ident(name)} {kind}" + ("" if name in table.nullable else " NOT NULL")
        for name, kind, _ in table.columns
    ]
    if not key_later and table.primary_key:
        cols.append(f"PRIMARY KEY ({', '.join(map(ident, table.primary_key))})")
    cols += list(foreign_keys)
    out = [f"CREATE TABLE {ident(table.name)} (\n  " + ",\n  ".join(cols) + "\n)"]
    out.append(f"COMMENT ON TABLE {ident(table.name)} IS {literal(table.comment)}")
    out += [
        f"COMMENT ON COLUMN {ident(table.name)}.{ident(name)} IS {literal(text)}"
        for name, _, text in table.columns
    ]
    return out


def add_key_statement(table: str, columns: Sequence[str]) -> str:
    """The primary key of a table that already holds its rows (one index build)."""
    return f"ALTER TABLE {ident(table)} ADD PRIMARY KEY ({', '.join(map(ident, columns))})"


def seed_lines_statements(pkg: Package, tables: Callable[[str], str] | None = None) -> list[str]:
    """The published ``seed_lines`` table, keyed to the resource whose key is source_id,
    filled from ``tables('seed_lines')`` (without ``tables``, only the table: the schema
    check of validate builds it empty).
    Its primary key, which no foreign key references, is added once the rows are in: one
    index build instead of a check per row."""
    fks = [
        f"FOREIGN KEY ({ident('source_id')}) REFERENCES {ident(res.name)} ({ident('source_id')})"
        for res in pkg.resources.values()
        if res.primary_key == ["source_id"]
    ]
    cols = ", ".join(ident(name) for name, _, _ in SEED_LINES.columns)
    fill = (
        [
            f"INSERT INTO {ident(SEED_LINES.name)} SELECT {cols} FROM {tables(SEED_LINES.name)} "
            "ORDER BY source_id, line"
        ]
        if tables is not None
        else []
    )
    return [
        *extra_table_statements(SEED_LINES, fks, key_later=True),
        *fill,
        add_key_statement(SEED_LINES.name, SEED_LINES.primary_key),
    ]


def meta_statements(values: dict[str, tuple[str | None, int | None]]) -> list[str]:
    """The published ``meta`` table holding ``values`` (key → (value, bytes)) in order."""

    def sql(v: object) -> str:
        return "NULL" if v is None else literal(v)

    rows = ", ".join(f"({literal(k)}, {sql(v)}, {sql(n)})" for k, (v, n) in values.items())
    fill = [f"INSERT INTO {ident(META.name)} VALUES {rows}"] if values else []
    return [*extra_table_statements(META), *fill]


def extras(res: Resource) -> list[str]:
    """The expanded-citation columns this resource gets in DuckDB."""
    if not res.has("line", "quote", "source_id"):
        return []
    return [name for name in CITATION_EXTRAS if name not in res.field_names]


def column_comment(f: Field) -> str:
    text = f.description
    if f.enum_descriptions:
        codes = "; ".join(f"{k}: {v}" for k, v in f.enum_descriptions.items())
        text = f"{text} Codes: {codes}"
    return text


def _column(res: Resource, f: Field) -> str:
    c = f.constraints
    parts = [ident(f.name), duckdb_type(f)]
    if f.required or f.name in res.primary_key:
        parts.append("NOT NULL")
    col = ident(f.name)
    if f.enum:
        parts.append(f"CHECK ({col} IN ({', '.join(literal(str(v)) for v in f.enum)}))")
    if "pattern" in c:
        parts.append(f"CHECK (regexp_full_match({col}, {literal(c['pattern'])}))")
    if "minimum" in c:
        parts.append(f"CHECK ({col} >= {typed_literal(f, c['minimum'])})")
    if "maximum" in c:
        parts.append(f"CHECK ({col} <= {typed_literal(f, c['maximum'])})")
    if "minLength" in c:
        parts.append(f"CHECK (length({col}) >= {int(c['minLength'])})")
    if "maxLength" in c:
        parts.append(f"CHECK (length({col}) <= {int(c['maxLength'])})")
    if c.get("unique") and [f.name] != res.primary_key:
        parts.append("UNIQUE")
    return " ".join(parts)


def unreferenced(pkg: Package) -> set[str]:
    """Tables whose primary key no foreign key references (seed_lines references the table
    keyed by source_id): their key can be added after the rows, in one pass."""
    referenced = {fk.resource for res in pkg.resources.values() for fk in res.foreign_keys}
    referenced |= {r.name for r in pkg.resources.values() if r.primary_key == ["source_id"]}
    return {r.name for r in pkg.resources.values() if r.primary_key} - referenced


def create_statements(pkg: Package, keys_later: set[str] = frozenset()) -> list[str]:
    """CREATE TABLE / COMMENT ON statements, tables in dependency order.

    Tables in ``keys_later`` get their primary key from :func:`key_statements` once they
    hold their rows (DuckDB builds the index once instead of checking row by row); foreign
    keys and CHECKs cannot be added later, so every other constraint is declared here.
    """
    out: list[str] = []
    for res in pkg.in_dependency_order():
        cols = [_column(res, f) for f in res.fields]
        cols += [f"{ident(n)} {CITATION_EXTRAS[n][0]}" for n in extras(res)]
        if res.primary_key and res.name not in keys_later:
            cols.append(f"PRIMARY KEY ({', '.join(map(ident, res.primary_key))})")
        for fk in res.foreign_keys:
            cols.append(
                f"FOREIGN KEY ({', '.join(map(ident, fk.fields))}) REFERENCES "
                f"{ident(fk.resource)} ({', '.join(map(ident, fk.reference_fields))})"
            )
        out.append(f"CREATE TABLE {ident(res.name)} (\n  " + ",\n  ".join(cols) + "\n)")
        out.append(f"COMMENT ON TABLE {ident(res.name)} IS {literal(res.description)}")
        for f in res.fields:
            out.append(
                f"COMMENT ON COLUMN {ident(res.name)}.{ident(f.name)} "
                f"IS {literal(column_comment(f))}"
            )
        for n in extras(res):
            out.append(
                f"COMMENT ON COLUMN {ident(res.name)}.{ident(n)} "
                f"IS {literal(CITATION_EXTRAS[n][1])}"
            )
    return out


def key_statements(pkg: Package, names: set[str]) -> list[str]:
    """The primary keys :func:`create_statements` left out for ``names``."""
    return [
        add_key_statement(res.name, res.primary_key)
        for res in pkg.in_dependency_order()
        if res.name in names and res.primary_key
    ]


def insert_statement(res: Resource, tables: Callable[[str], str]) -> str:
    """Copy the validated table into the published one, adding the extras; ``tables`` gives
    the SQL name of each validated table (and of ``seed_lines``) by its name."""
    cols = [f"t.{ident(f.name)}" for f in res.fields]
    joins = ""
    add = extras(res)
    if add:
        joins = (
            f" LEFT JOIN {tables('sources')} src ON src.source_id = t.source_id"
            f" LEFT JOIN {tables('seed_lines')} sl"
            " ON sl.source_id = t.source_id AND sl.line = t.line"
        )
        exprs = {
            "seed_file": "src.seed_file",
            "char_start": "CAST(strpos(sl.text, t.quote) - 1 AS INTEGER)",
            "char_end": "CAST(strpos(sl.text, t.quote) - 1 + length(t.quote) AS INTEGER)",
        }
        cols += [exprs[n] for n in add]
    order = ", ".join(f"t.{ident(k)}" for k in res.primary_key) or "t.__line"
    return (
        f"INSERT INTO {ident(res.name)} SELECT {', '.join(cols)} "
        f"FROM {tables(res.name)} t{joins} ORDER BY {order}"
    )


def changes_statements(rows_relation: str) -> list[str]:
    """The published ``changes`` table, filled from ``rows_relation`` in its order."""
    cols = ", ".join(ident(name) for name, _, _ in CHANGES.columns)
    return [
        *extra_table_statements(CHANGES),
        f"INSERT INTO {ident(CHANGES.name)} SELECT {cols} FROM {rows_relation}",
    ]
