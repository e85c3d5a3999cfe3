"""Layer 1: every cell against its Table Schema field, and the keys across tables.

The checks are generated from the schemas (type, required, enum, pattern, minimum, maximum,
minLength, maxLength, unique, primaryKey, foreignKeys, plus the text hygiene every string
must meet) and run as one SQL query per table over the whole column, so a million rows
cost a few column scans, not a million Python calls. Passing rows are then cast into a
typed table of the same name, which the later layers and the export read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import limits
from ..core.package import Field, Package, Resource
from ..core.sqltypes import (
    FALSE_VALUES,
    LEXICAL,
    TRUE_VALUES,
    TYPE_HINT,
    ident,
    literal,
    parse_expr,
    typed_literal,
)
from ..findings import Finding, Findings
from . import nearest
from .csvfile import LINE_COLUMN
from .listing import query_findings

MAX_SHOWN = 60
WHITESPACE = r"[\s\x{00A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"
"""Spaces (ASCII, no-break, the typographic ones); the zero-width ones are format characters."""
FORMAT = r"\p{Cf}"
"""Unicode format characters (category Cf): zero-width spaces and joiners, direction
overrides and isolates, the byte-order mark, the soft hyphen, tags. Each shows nothing or
changes how the text around it displays, so a name could read as another."""
CONTROL = r"[\x00-\x1F\x7F-\x9F\x{2028}\x{2029}]"
"""C0 and C1 controls (NEL, U+0085, among them), DEL, and the Unicode line and paragraph
separators: anything a terminal or a CI log could read as a line break or a command."""
INVISIBLE = r"[\p{Cf}\p{Z}\p{Mn}\p{Me}\x{115F}\x{1160}\x{3164}\x{FFA0}\x{2800}]+"
"""Text made only of characters that show nothing: format characters (zero-width joiners,
U+2060, U+FEFF), spaces, lone combining marks, Hangul and Braille fillers."""
TEXT_SCREEN = rf"^{WHITESPACE}|{WHITESPACE}$|^[=+\-@]|{CONTROL}|{FORMAT}|^{INVISIBLE}$"
"""One pattern that every white-space, formula, control-character, format-character or
invisible-text problem matches: the scan tests it once per string instead of five."""
SCREENED = {
    "text/whitespace",
    "text/formula",
    "text/control",
    "text/format-character",
    "text/invisible",
}


def shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…")


def format_message(value: object) -> str:
    """Name the first format character of ``value``: its code point, name and position."""
    text = str(value)
    at, ch = next(
        ((i, c) for i, c in enumerate(text) if unicodedata.category(c) == "Cf"), (None, None)
    )
    if ch is None:  # RE2's Unicode tables are newer than this Python's
        return f"{shown(value)} holds a format character (invisible or direction-changing)."
    name = unicodedata.name(ch, "unnamed")
    return (
        f"{shown(value)} holds U+{ord(ch):04X} {name} at character {at + 1}: a format "
        "character, invisible or changing the direction of the text around it."
    )


BOUNDS = (
    # constraint, rule, SQL true where the cell breaks it, what the message says
    (
        "minimum",
        "standard/minimum",
        lambda v, t, f, limit: f"{t} < {typed_literal(f, limit)}",
        lambda v, limit: f"is below the minimum {limit}.",
    ),
    (
        "maximum",
        "standard/maximum",
        lambda v, t, f, limit: f"{t} > {typed_literal(f, limit)}",
        lambda v, limit: f"is above the maximum {limit}.",
    ),
    (
        "minLength",
        "standard/min-length",
        lambda v, t, f, limit: f"length({v}) < {int(limit)}",
        lambda v, limit: f"has {len(v)} characters; at least {limit} are needed.",
    ),
    (
        "maxLength",
        "standard/max-length",
        lambda v, t, f, limit: f"length({v}) > {int(limit)}",
        lambda v, limit: f"has {len(v)} characters; at most {limit} allowed.",
    ),
)
"""The Table Schema's bound constraints: on the typed value, or on the text's length."""


@dataclass(frozen=True)
class CellCheck:
    column: str
    rule: str
    failing: Callable[[str, str], str]
    """SQL condition, true where the cell fails, given the raw text ``v`` and typed value ``t``."""
    message: Callable[[str], str]


def raw_name(name: str) -> str:
    """The name under which a resource's CSV strings are registered in DuckDB."""
    return f"raw_{name}"


def raw_table(name: str) -> str:
    return ident(raw_name(name))


def cell_checks(res: Resource) -> list[CellCheck]:
    """All per-cell checks of a resource, derived from its Table Schema."""
    checks: list[CellCheck] = []
    for f in res.fields:
        checks += _field_checks(res, f)
    return checks


def _field_checks(res: Resource, f: Field) -> list[CellCheck]:
    c = f.constraints
    out: list[CellCheck] = []
    add = out.append
    if f.required or f.name in res.primary_key:
        add(
            CellCheck(
                f.name,
                "standard/required",
                lambda v, t: f"{v} IS NULL",
                lambda v: "The cell is empty.",
            )
        )
    if f.type != "string":
        add(
            CellCheck(
                f.name,
                "standard/type",
                lambda v, t: f"{v} IS NOT NULL AND {t} IS NULL",
                lambda v, f=f: f"{shown(v)} is not {TYPE_HINT[f.type]}.",
            )
        )
    else:
        add(
            CellCheck(
                f.name,
                "text/whitespace",
                lambda v, t: f"regexp_matches({v}, '^{WHITESPACE}|{WHITESPACE}$')",
                lambda v: f"{shown(v)} starts or ends with white space.",
            )
        )
        add(
            CellCheck(
                f.name,
                "text/formula",
                lambda v, t: f"regexp_matches({v}, '^[=+\\-@\\t\\r]')",
                lambda v: f"{shown(v)} would run as a formula in a spreadsheet.",
            )
        )
        add(
            CellCheck(
                f.name,
                "text/control",
                lambda v, t: f"regexp_matches({v}, {literal(CONTROL)})",
                lambda v: f"{shown(v)} holds a control character or line separator.",
            )
        )
        add(
            CellCheck(
                f.name,
                "text/format-character",
                lambda v, t: f"regexp_matches({v}, {literal(FORMAT)})",
                format_message,
            )
        )
        add(
            CellCheck(
                f.name,
                "text/invisible",
                lambda v, t: (
                    f"regexp_full_match({v}, {literal(INVISIBLE)}) "
                    f"AND NOT regexp_matches({v}, '^{WHITESPACE}|{WHITESPACE}$')"
                ),
                lambda v: f"{shown(v)} holds only characters that show nothing.",
            )
        )
        add(
            CellCheck(
                f.name,
                "text/nfc",
                # ASCII is always NFC: only text with a multi-byte character is normalised
                lambda v, t: f"strlen({v}) <> length({v}) AND {v} <> nfc_normalize({v})",
                lambda v: f"{shown(v)} has decomposed (NFD) characters.",
            )
        )
    if f.enum is not None:
        codes = ", ".join(literal(x) for x in f.enum)
        add(
            CellCheck(
                f.name,
                "standard/enum",
                lambda v, t, codes=codes: f"{v} IS NOT NULL AND {v} NOT IN ({codes})",
                lambda v, f=f: (
                    f"{shown(v)} is not a code of {f.name}; codes: {', '.join(map(str, f.enum))}."
                    + _enum_hint(f, v)
                ),
            )
        )
    if "pattern" in c:
        add(
            CellCheck(
                f.name,
                "standard/pattern",
                lambda v, t: (
                    f"{v} IS NOT NULL AND NOT regexp_full_match({v}, {literal(c['pattern'])})"
                ),
                lambda v, f=f: f"{shown(v)} does not match {c['pattern']} ({f.description})",
            )
        )
    for key, rule, failing, says in BOUNDS:
        if key in c:
            add(
                CellCheck(
                    f.name,
                    rule,
                    lambda v, t, failing=failing, key=key: failing(v, t, f, c[key]),
                    lambda v, says=says, key=key: f"{shown(v)} {says(v, c[key])}",
                )
            )
    return out


def _enum_hint(f: Field, value: str) -> str:
    """'Did you mean …?' for a value that is not one of ``f``'s enum codes."""
    from ..numbers import _connection  # the one DuckDB connection for such look-ups

    codes = [str(c) for c in f.enum]
    meanings = {c: f.enum_descriptions.get(c, "") for c in codes}
    found = nearest.suggestions(_connection(), [value], nearest.list_sql(codes), meanings=meanings)
    return nearest.hint(value, found)


def mistyped_table(con, res: Resource) -> str | None:
    """The temp table of the lines of ``res`` whose cells failed their type (check_cells
    writes it), which the row rules leave out; None when no cell failed its type."""
    name = f"_mistyped_{res.name}"
    ((exists,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary", [name]
    ).fetchall()
    return ident(name) if exists else None


def check_cells(con, res: Resource, only: str | None = None) -> Findings:
    """Run every cell check of ``res`` in one scan; return the findings in line order.

    The scan keeps only rows where some check fails (all conditions OR-ed); those few
    rows are then classified check by check, into a temp table of (line, check) that is
    counted by rule, and only the first MAX_LISTED of which are made into findings. The
    lines whose cells failed their type are kept in :func:`mistyped_table`. With ``only``
    (a table with a ``line`` column), only those lines are scanned: :func:`screen_and_type`
    names them.
    """
    checks = cell_checks(res)
    if not checks:
        return Findings()
    index = {f.name: i for i, f in enumerate(res.fields)}
    typed = ", ".join(
        f"{ident(f.name)} AS v{i}, {parse_expr(f, ident(f.name))} AS t{i}"
        for i, f in enumerate(res.fields)
    )
    conds = [chk.failing(f"v{index[chk.column]}", f"t{index[chk.column]}") for chk in checks]
    screened = sorted({index[c.column] for c in checks if c.rule in SCREENED})
    screen = [c for c, chk in zip(conds, checks, strict=True) if chk.rule not in SCREENED]
    screen += [f"regexp_matches(v{i}, {literal(TEXT_SCREEN)})" for i in screened]
    hits = ", ".join(f"CASE WHEN {c} THEN {k} END" for k, c in enumerate(conds))
    kinds = ", ".join(
        f"({k}, {literal(chk.column)}, {literal(chk.rule)})" for k, chk in enumerate(checks)
    )
    line = ident(LINE_COLUMN)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _cell_hits AS
        SELECT line, k, c.col, c.rule FROM (
            SELECT line, unnest(list_filter([{hits}], lambda x: x IS NOT NULL)) AS k
            FROM (SELECT {line} AS line, {typed} FROM {raw_table(res.name)}
                  {f"WHERE {line} IN (SELECT line FROM {only})" if only else ""})
            WHERE {" OR ".join(f"({c})" for c in screen)})
        JOIN (VALUES {kinds}) c(k, col, rule) USING (k)"""
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {ident('_mistyped_' + res.name)} AS "
            "SELECT DISTINCT line FROM _cell_hits WHERE rule = 'standard/type'"
        )
        counts = con.execute("SELECT rule, count(*) FROM _cell_hits GROUP BY ALL").fetchall()
        raw = ", ".join(f"r.{ident(f.name)}" for f in res.fields)
        rows = con.execute(
            f"""SELECT h.line, h.k, {raw} FROM (
                SELECT line, k, col, rule FROM _cell_hits
                ORDER BY line, col, rule LIMIT {int(limits.MAX_LISTED)}) h
            JOIN {raw_table(res.name)} r ON r.{line} = h.line ORDER BY h.line, h.col, h.rule"""
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _cell_hits")
    return Findings.of(
        (
            Finding(
                res.path,
                at,
                checks[k].column,
                checks[k].rule,
                checks[k].message(raw_values[index[checks[k].column]]),
            )
            for at, k, *raw_values in rows
        ),
        {(res.path, rule): n for rule, n in counts},
    )


def create_typed_table(con, res: Resource) -> None:
    """Cast the raw strings to the schema's types (NULL where a cell failed its type)."""
    cols = ", ".join(f"{parse_expr(f, ident(f.name))} AS {ident(f.name)}" for f in res.fields)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ident(res.name)} AS "
        f"SELECT {ident(LINE_COLUMN)}, {cols} FROM {raw_table(res.name)}"
    )


def check_unique(con, res: Resource) -> Findings:
    """Repeated primary keys and unique values: each repeat is reported at its own line."""
    keys = [(res.primary_key, "standard/primary-key")] if res.primary_key else []
    keys += [
        ([f.name], "standard/unique")
        for f in res.fields
        if f.constraints.get("unique") and [f.name] != res.primary_key
    ]
    out = Findings()
    line = ident(LINE_COLUMN)
    for cols, rule in keys:
        cs = ", ".join(ident(c) for c in cols)
        not_null = " AND ".join(f"{ident(c)} IS NOT NULL" for c in cols)
        rows, distinct = con.execute(
            f"SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {cs} FROM "
            f"{ident(res.name)} WHERE {not_null})) FROM {ident(res.name)} WHERE {not_null}"
        ).fetchall()[0]
        if rows == distinct:
            continue  # no repeat: the repeats are located only when there are some
        out += query_findings(
            con,
            f"SELECT line, first, key FROM (SELECT {line} AS line, "
            f"min({line}) OVER (PARTITION BY {cs}) AS first, "
            f"concat_ws(', ', {cs}) AS key FROM {ident(res.name)} WHERE {not_null}) "
            f"WHERE line > first",
            order="line",
            file=literal(res.path),
            rule=literal(rule),
            make=lambda ln, first, key, rule=rule, col=cols[0]: Finding(
                res.path, ln, col, rule, f"{shown(key)} is already used on line {first}."
            ),
        )
    return out


def check_foreign_keys(con, pkg: Package, res: Resource, loaded: set[str]) -> Findings:
    """References to rows that do not exist (NULL references are allowed)."""
    out = Findings()
    for fk in res.foreign_keys:
        if fk.resource not in loaded:
            continue  # the target's own findings explain why it could not be read
        target = pkg.resources[fk.resource]
        on = " AND ".join(
            f"s.{ident(a)} = r.{ident(b)}"
            for a, b in zip(fk.fields, fk.reference_fields, strict=True)
        )
        not_null = " AND ".join(f"s.{ident(a)} IS NOT NULL" for a in fk.fields)
        ref = f"{target.name}.{', '.join(fk.reference_fields)}"
        what = (
            f"is not a code of the code list {target.name} ({target.path})"
            if target.is_codelist
            else f"is no {ref} in {target.path}"
        )
        keys: dict[int, str] = {}

        def make(ln, key, what=what, fk=fk, keys=keys):
            keys[ln] = key
            return Finding(
                res.path, ln, fk.fields[0], "standard/foreign-key", f"{shown(key)} {what}."
            )

        found = query_findings(
            con,
            f"SELECT s.{ident(LINE_COLUMN)} AS line, concat_ws(', ', "
            + ", ".join(f"s.{ident(a)}" for a in fk.fields)
            + f") AS key FROM {ident(res.name)} s ANTI JOIN {ident(target.name)} r ON {on} "
            f"WHERE {not_null}",
            order="line",
            file=literal(res.path),
            rule="'standard/foreign-key'",
            make=make,
        )
        if keys and len(fk.fields) == 1:
            key = fk.reference_fields[0]
            near = nearest.suggestions(
                con,
                list(keys.values()),
                nearest.column_sql(target.name, key),
                names=nearest.names_of(con, target.name, key, target.field_names),
                meanings=pkg.code_meanings(res, fk.fields[0]) if target.is_codelist else None,
            )
            if near:
                found = Findings.of(
                    (
                        replace(f, message=f.message + nearest.hint(keys[f.line], near))
                        for f in found.listed
                    ),
                    found.by_place,
                )
        out += found
    return out


# --- the fast screen: one polars pass that types every column and flags suspect rows -------

SCREEN_RUST = rf"^{WHITESPACE}|{WHITESPACE}$|^[=+\-@]|{CONTROL}|{FORMAT}|^[^\x21-\x7E]+$"
"""TEXT_SCREEN for polars (Rust's linear-time regex): white space, formula starts and
controls as in TEXT_SCREEN; for invisible-only text, any text without a visible ASCII
character (a superset: the exact rule is decided by DuckDB on the flagged rows)."""
_LEXICAL_RUST = {kind: f"^{form}$" for kind, form in LEXICAL.items()}
_BOUNDED_TYPES = {"integer", "number", "date"}
SCREEN_ROWS = 262_144
"""Rows screened at a time: only one slice of strings is ever copied into polars."""


def screen_and_type(con, res: Resource, table) -> list[Finding] | None:
    """The cell checks and the typed table of ``res`` in one polars pass over its strings.

    polars parses every column into its type and ORs a *superset* of every cell condition
    into one flag per row (white space, formula, control, invisible, type, required, enum,
    bounds, lengths; NFC only on rows holding non-ASCII text; schema patterns by DuckDB's
    RE2 over those columns alone). Only the flagged rows are classified, by the exact SQL
    of :func:`check_cells`, so the findings are the same; the flagged rows also take their
    typed values from DuckDB's strict parse. Returns None (the caller falls back to
    check_cells and create_typed_table) when a schema uses a constraint this pass does
    not screen.

    The typed table is left in DuckDB's temp catalog under the resource's name: an Arrow
    table of pyarrow's string columns and polars' typed ones, which DuckDB scans in place
    (no copy), or, when rows were flagged, a TEMP TABLE holding DuckDB's parse of them.
    """
    import polars as pl
    import pyarrow as pa

    if any(
        f.type not in _BOUNDED_TYPES and ("minimum" in f.constraints or "maximum" in f.constraints)
        for f in res.fields
    ):
        return None
    flags, typed = [], []
    for f in res.fields:
        c = pl.col(f.name)
        cons = f.constraints
        if f.required or f.name in res.primary_key:
            flags.append(c.is_null())
        if f.type == "string":
            t = c
            flags.append(c.str.contains(SCREEN_RUST))
        elif f.type == "boolean":
            t = pl.when(c.is_in(TRUE_VALUES)).then(True).when(c.is_in(FALSE_VALUES)).then(False)
        else:
            lexical = c.str.contains(_LEXICAL_RUST[f.type])
            if f.type == "integer":
                t = pl.when(lexical).then(c.str.to_integer(strict=False))
            elif f.type == "number":
                v = c.cast(pl.Float64, strict=False)
                t = pl.when(lexical & v.is_finite()).then(v)
            else:
                v = c.str.to_date("%Y-%m-%d", strict=False)
                t = pl.when(lexical & (v >= pl.date(1, 1, 1))).then(v)
        if f.type != "string":
            flags.append(c.is_not_null() & t.is_null())
        if f.enum is not None:
            flags.append(c.is_not_null() & ~c.is_in([str(x) for x in f.enum]))
        for key, below in (("minimum", True), ("maximum", False)):
            if key in cons:
                (limit,) = con.execute(f"SELECT {typed_literal(f, cons[key])}").fetchall()[0]
                flags.append(t < limit if below else t > limit)
        if "minLength" in cons:
            flags.append(c.str.len_chars() < int(cons["minLength"]))
        if "maxLength" in cons:
            flags.append(c.str.len_chars() > int(cons["maxLength"]))
        if f.type != "string":  # strings stay pyarrow's (a polars copy would be larger)
            typed.append(t.alias(f.name))
    line = pl.col(LINE_COLUMN)
    flag = pl.any_horizontal(flags).fill_null(False) if flags else pl.lit(False)
    strings = [f.name for f in res.fields if f.type == "string"]
    flagged, frames = [], []
    # In slices, so that only one slice's strings are ever copied into polars at a time
    # (the whole table at 3M rows would double the memory of its strings).
    for start in range(0, max(table.num_rows, 1), SCREEN_ROWS):
        frame = pl.from_arrow(table.slice(start, SCREEN_ROWS))
        out = frame.select(line, *typed, flag.alias("__flag"))
        flagged.append(out.filter(pl.col("__flag")).select(line.alias("line")))
        for n in strings:  # NFC only on the values that are not ASCII (more bytes than chars)
            c = pl.col(n)
            values = frame.select(line, c).filter(c.str.len_bytes() != c.str.len_chars())
            if values.height:
                flagged.append(
                    values.filter(c != c.str.normalize("NFC")).select(line.alias("line"))
                )
        frames.append(out.drop("__flag", LINE_COLUMN))
        del frame, out
    patterns = [f for f in res.fields if "pattern" in f.constraints]
    if patterns:
        cond = " OR ".join(
            f"NOT regexp_full_match({ident(f.name)}, {literal(f.constraints['pattern'])})"
            for f in patterns
        )
        flagged.append(
            con.sql(
                f"SELECT {ident(LINE_COLUMN)} AS line FROM {raw_table(res.name)} WHERE {cond}"
            ).pl()
        )
    lines = pl.concat(flagged).unique()
    # The typed table: pyarrow's own string columns, polars' typed columns, no copy.
    converted = pl.concat(frames, rechunk=False).to_arrow() if typed else None
    del frames
    typed_table = pa.table(
        {
            n: table.column(n)
            if n == LINE_COLUMN or res.field(n).type == "string"
            else converted.column(n)
            for n in [LINE_COLUMN, *res.field_names]
        }
    )
    del converted
    if lines.height == 0:  # DuckDB scans it in place
        con.register(res.name, typed_table)
        return []
    # Flagged rows take DuckDB's strict parse: the table becomes DuckDB's own.
    con.register("_typed", typed_table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(res.name)} AS SELECT * FROM _typed")
    con.unregister("_typed")
    del typed_table
    con.register("_flagged", lines)
    try:
        findings = check_cells(con, res, only="_flagged")
        sets = ", ".join(
            f"{ident(f.name)} = {parse_expr(f, 'r.' + ident(f.name))}" for f in res.fields
        )
        con.execute(
            f"UPDATE {ident(res.name)} t SET {sets} FROM {raw_table(res.name)} r "
            f"WHERE t.{ident(LINE_COLUMN)} = r.{ident(LINE_COLUMN)} "
            f"AND r.{ident(LINE_COLUMN)} IN (SELECT line FROM _flagged)"
        )
    finally:
        con.unregister("_flagged")
    return findings
