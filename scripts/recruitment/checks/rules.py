"""Layer 2: rules a Table Schema cannot say, checked with pandera over whole polars frames.

The rules attach to column groups the schemas declare, not to table names: any table with
``value``/``value_low``/``value_high`` gets the bounds rules, and every ``<p>_start``,
``<p>_end``, ``<p>_precision`` group (an event's date, a figure's period, a source's
publication date) gets the interval rules. Each rule is one polars expression that is true
where a row passes; pandera runs them lazily and reports the failing rows.

Why pandera does not carry the declaration (one ``DataFrameSchema`` per table derived from
the Table Schemas, as PUDL's ``to_pandera()`` does): every column's type, required, enum,
bounds, length and pattern is declared once, in ``schemas/``, and checked once, by
frictionless on the descriptor and by the polars screen (``standard.screen_and_type``) on
the cells, whose findings name the CSV line and cell. A derived pandera schema would check
the same constraints a second time with a third parser that has to agree with the other
two, and its failure cases are built row by row, so a file where every cell fails would
cost memory in proportion to its size (the bound issue 19 set). pandera's part is the
cross-column rules only, declared here as data (``RowRule``), counted first by polars over
the whole frame, and handed to pandera for at most ``MAX_LISTED`` failing rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .. import limits
from ..core.package import Resource
from ..findings import Finding, Findings
from .csvfile import LINE_COLUMN

MAX_SPAN_DAYS = {
    "day": 0,
    "week": 6,
    "month": 30,
    "season": 91,
    "year": 365,
    "multi_year": 3652,
}
"""Largest end - start, in days, that each date precision allows."""

UPPER = ("as_many_as", "up_to", "less_than")
LOWER = ("at_least", "more_than")
POINT = ("exact", "approximately")
NEEDS = {
    **{q: "a value and no bounds" for q in POINT},
    **{q: "a value, value_high equal to it and no value_low" for q in UPPER},
    **{q: "a value, value_low equal to it and no value_high" for q in LOWER},
    "range": "value_low < value_high and no value",
}
"""What each qualifier asks of value, value_low and value_high, as a message says it."""
QUALIFIERS = (*POINT, *UPPER, *LOWER, "range")
"""Every qualifier qualifier-bounds knows."""
BASES = ("stated", "relative", "inferred")
"""Every date basis the basis rules (and curation's date rules) know."""


@dataclass(frozen=True)
class RowRule:
    rule: str
    column: str
    ok: Callable[[], object]
    """Builds a polars expression, true (or null) where the row passes."""
    message: Callable[[dict], str]

    def reads(self) -> set[str]:
        """The columns the rule's expression reads (polars can tell)."""
        return set(self.ok().meta.root_names())


def date_groups(res: Resource) -> list[str]:
    """Prefixes p for which the schema declares p_start, p_end and p_precision."""
    return [
        f.name[: -len("_start")]
        for f in res.fields
        if f.name.endswith("_start") and res.has(f.name[:-6] + "_end", f.name[:-6] + "_precision")
    ]


def known_codes(res: Resource, column: str, known) -> RowRule:
    """``rules/unknown-code`` on ``column``: a code a rule branches on but does not know
    (one a schema's enum gained) is a finding, never a row the rule silently passes. A
    value outside the schema's enum is ``standard/enum``'s finding, not this rule's."""
    import polars as pl

    enum = res.field(column).enum
    unknown = [str(v) for v in enum if v not in known] if enum is not None else None
    return RowRule(
        "rules/unknown-code",
        column,
        lambda: (
            pl.col(column).is_null()
            | pl.col(column).is_in(list(known))
            | (False if unknown is None else ~pl.col(column).is_in(unknown))
        ),
        lambda r: (
            f"{column} {str(r[column])[:60]!r} is no code the rules know "
            f"({', '.join(known)}), so they cannot check this row."
        ),
    )


def row_rules(res: Resource) -> list[RowRule]:
    import polars as pl

    c = pl.col
    rules: list[RowRule] = []
    if res.has("value", "value_low", "value_high"):
        rules.append(
            RowRule(
                "rules/value-bounds",
                "value",
                lambda: (
                    (
                        c("value_low").is_null()
                        | c("value").is_null()
                        | (c("value_low") <= c("value"))
                    )
                    & (
                        c("value_high").is_null()
                        | c("value").is_null()
                        | (c("value") <= c("value_high"))
                    )
                    & (
                        c("value_low").is_null()
                        | c("value_high").is_null()
                        | (c("value_low") <= c("value_high"))
                    )
                ),
                lambda r: (
                    f"value_low {_shown(r['value_low'])}, value {_shown(r['value'])}, "
                    f"value_high {_shown(r['value_high'])} are not in order."
                ),
            )
        )
        if res.has("qualifier"):
            q, v, lo, hi = c("qualifier"), c("value"), c("value_low"), c("value_high")
            rules.append(known_codes(res, "qualifier", QUALIFIERS))
            rules.append(
                RowRule(
                    "rules/qualifier-bounds",
                    "qualifier",
                    lambda: (
                        pl.when(q.is_in(POINT))
                        .then(v.is_not_null() & lo.is_null() & hi.is_null())
                        .when(q.is_in(UPPER))
                        .then(v.is_not_null() & hi.is_not_null() & (hi == v) & lo.is_null())
                        .when(q.is_in(LOWER))
                        .then(v.is_not_null() & lo.is_not_null() & (lo == v) & hi.is_null())
                        .when(q == "range")
                        .then(v.is_null() & lo.is_not_null() & hi.is_not_null() & (lo < hi))
                        .otherwise(True)
                    ),
                    lambda r: (
                        f"qualifier {r['qualifier']} needs {NEEDS.get(r['qualifier'], '?')}; "
                        f"the row has value {_shown(r['value'])}, value_low "
                        f"{_shown(r['value_low'])}, value_high {_shown(r['value_high'])}."
                    ),
                )
            )
    for p in date_groups(res):
        rules += _interval_rules(res, p)
    return rules


def _interval_rules(res: Resource, p: str) -> list[RowRule]:
    import polars as pl

    c = pl.col
    start, end, prec = f"{p}_start", f"{p}_end", f"{p}_precision"
    basis, text = f"{p}_basis", f"{p}_text"
    group = [start, end, prec] + ([basis] if res.has(basis) else [])
    out = [known_codes(res, prec, tuple(MAX_SPAN_DAYS))]
    if res.has(basis):
        out.append(known_codes(res, basis, BASES))
    out += [
        RowRule(
            "rules/date-incomplete",
            start,
            lambda: (
                pl.all_horizontal([c(x).is_null() for x in group])
                | pl.all_horizontal([c(x).is_not_null() for x in group])
            ),
            lambda r: (
                f"{', '.join(x for x in group if r[x] is None)} empty while "
                f"{', '.join(x for x in group if r[x] is not None)} filled."
            ),
        ),
        RowRule(
            "rules/date-order",
            end,
            lambda: c(start) <= c(end),
            lambda r: f"{end} {r[end]} is before {start} {r[start]}.",
        ),
        RowRule(
            "rules/date-precision",
            prec,
            lambda: (
                (c(end) - c(start)).dt.total_days()
                <= c(prec).replace_strict(MAX_SPAN_DAYS, default=None, return_dtype=pl.Int64)
            ),
            lambda r: (
                f"{r[start]}..{r[end]} spans {(r[end] - r[start]).days + 1} days; "
                f"{r[prec]} allows {MAX_SPAN_DAYS[r[prec]] + 1}."
            ),
        ),
    ]
    if res.has(basis, text):
        out.append(
            RowRule(
                "rules/basis-text",
                text,
                lambda: (c(basis) != "stated") | c(text).is_not_null(),
                lambda r: f"{basis} is stated but {text} is empty.",
            )
        )
    if res.has(basis, "notes"):
        out.append(
            RowRule(
                "rules/basis-notes",
                "notes",
                lambda: ~c(basis).is_in(["relative", "inferred"]) | c("notes").is_not_null(),
                lambda r: f"{basis} is {r[basis]} but notes are empty.",
            )
        )
    return out


def _shown(value) -> str:
    """A cell in a message: its value, or 'empty' (never 'None')."""
    return "empty" if value is None else str(value)


def check_rules(con, res: Resource, skip: str | None = None) -> Findings:
    """Run the resource's row rules through pandera; one finding per failing row and rule.

    Rows whose line is in the table ``skip`` (cells that failed their type, so read as
    empty) are left out: their type error is the finding, not the rules it would seem to
    break. polars evaluates every rule over the whole frame first, counting the failures
    of each; pandera then checks only the first MAX_LISTED failing rows (all a report
    lists), so its failure cases, built row by row, stay bounded however many rows fail.
    """
    rules = row_rules(res)
    if not rules:
        return Findings()
    import pandera.polars as pa
    import polars as pl

    from ..core.sqltypes import ident

    needed = sorted(set().union(*(r.reads() for r in rules)))
    line = ident(LINE_COLUMN)
    cols = ", ".join(ident(c) for c in [LINE_COLUMN, *needed])
    where = f"WHERE {line} NOT IN (SELECT line FROM {skip})" if skip else ""
    frame = con.sql(f"SELECT {cols} FROM {ident(res.name)} {where} ORDER BY {line}").pl()
    ok = [r.ok().fill_null(True).alias(f"_ok{i}") for i, r in enumerate(rules)]
    flags = frame.select(pl.col(LINE_COLUMN), *ok)
    failed = flags.select((~pl.col(f"_ok{i}")).sum() for i in range(len(rules))).row(0)
    if not any(failed):
        return Findings()
    counts: Counter[tuple[str, str]] = Counter()
    for r, n in zip(rules, failed, strict=True):
        counts[(res.path, r.rule)] += n
    first = flags.filter(~pl.all_horizontal(pl.col(f"_ok{i}") for i in range(len(rules))))
    frame = frame.filter(
        pl.col(LINE_COLUMN).is_in(first[LINE_COLUMN].head(limits.MAX_LISTED).to_list())
    )
    schema = pa.DataFrameSchema(
        {name: pa.Column(nullable=True) for name in needed},
        checks=[
            pa.Check(
                lambda data, r=r: data.lazyframe.select(r.ok().fill_null(True)),
                name=r.rule,
                error=f"{r.rule} ({r.column})",
            )
            for r in rules
        ],
        name=res.name,
    )
    out = []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        # check_number is the position of the check in the schema's list: our rule.
        cases = err.failure_cases.filter(
            (pl.col("schema_context") == "DataFrameSchema") & pl.col("index").is_not_null()
        )
        for number, index in cases.select("check_number", "index").iter_rows():
            row = frame.row(index, named=True)
            r = rules[number]
            out.append(Finding(res.path, row[LINE_COLUMN], r.column, r.rule, r.message(row)))
    return Findings.of(out, counts)
