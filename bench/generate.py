"""Write a synthetic copy of the package at any size: one valid variant, one with known faults.

The benchmark needs packages far larger than the real one, valid by every rule the
validator checks, so that any finding on the clean variant is a validator bug and every
finding on the faulty variant can be traced to one injected fault. The rows are built
from the row number with polars expressions (no per-row Python), so a million figures
take seconds. Every figure cites its own seed line, which is written from the same
columns, so quotes, ``*_text`` words and ``value_text`` stand where the rows say, and
every number or date word on a line is covered by the ``*_text`` of a row citing it.

Layout of ``bench/work/<n>/`` (the output folder)::

    clean/          the valid package (export is timed on it)
    faulty/         the same package with about 0.1% of rows broken
    expected.json   [{file, line, column, rule}] the findings the faults must produce
    meta.json       what was generated, written last: a cache stamp

Usage: ``python bench/generate.py --n 100000 --out bench/work/100000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SEED = 20250401
FAULT_RATE = 0.001
LINES_PER_SEED = 998
"""Figure lines per seed file; each seed also has a dateline (line 1) and a blank line 2."""
FIRST_FIGURE_LINE = 3
BLANK_LINE = 2

MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
QUALIFIERS = [
    "exact",
    "approximately",
    "as_many_as",
    "up_to",
    "less_than",
    "at_least",
    "more_than",
    "range",
]
PHRASES = {
    "approximately": "about",
    "as_many_as": "as many as",
    "up_to": "up to",
    "less_than": "fewer than",
    "at_least": "at least",
    "more_than": "more than",
}
MEASURES = [
    ("recruitment_target", "persons", "recruits"),
    ("casualties", "persons", "casualties"),
    ("attacks", "attacks", "attacks"),
    ("duration", "days", "days"),
    ("targets_struck", "targets", "targets"),
    ("equipment_destroyed", "aircraft", "aircraft"),
    ("conscription_quota", "persons", "conscripts"),
]
# Period kinds, by row number modulo 6: (precision, basis, notes).
PERIODS = [
    (None, None, None),
    ("day", "stated", "Stated plainly in the dispatch."),
    ("month", "stated", None),
    ("year", "inferred", "‘this year’ read as the year of the count, not the dispatch's."),
    ("week", "inferred", "Inferred from the dispatch’s reporting week."),
    ("season", "inferred", "‘last autumn’ read as the autumn before the count's year."),
]
EVENT_TYPES = ["recruitment_campaign", "conscription_call_up", "statement", "assessment"]
ACTOR_KINDS = ["ministry", "armed_forces", "government", "person", "collective"]
COUNTRIES = ["RUS", "UKR", "GBR", None]
PLACES = ["Kharkiv", "Zaporizhzhia", "Bilhorod-Dnistrovskyi", None]
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


UNITS = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_word(v: int) -> str:
    """English words for 0..99, written independently of the validator's own vocabulary."""
    if v < 20:
        return UNITS[v]
    return TENS[v // 10] + (f"-{UNITS[v % 10]}" if v % 10 else "")


def _lookup(expr: pl.Expr, values: list) -> pl.Expr:
    """``values[expr]`` for an integer expression (a vectorised list index)."""
    return expr.replace_strict(dict(enumerate(values)), default=None, return_dtype=pl.String)


def _padded(prefix: str, expr: pl.Expr, width: int) -> pl.Expr:
    return pl.concat_str(pl.lit(prefix), expr.cast(pl.String).str.zfill(width))


def _actor_name(a: pl.Expr) -> pl.Expr:
    """'Office QABCD of …': letters, not digits, since a digit in a seed would be a number
    the coverage check wants recorded; the leading Q keeps the code from spelling a
    number word such as FIVE."""
    code = [_lookup((a // 26**p) % 26, LETTERS) for p in (3, 2, 1, 0)]
    return pl.concat_str(pl.lit("Office Q"), *code, pl.lit(" of the Ministère de la Défense"))


def _words(*parts: pl.Expr | str) -> pl.Expr:
    """Join the non-null parts with single spaces."""
    exprs = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return pl.concat_str(exprs, separator=" ", ignore_nulls=True)


# --- the valid package ------------------------------------------------------------------------


def _figure_values(i: pl.Expr) -> dict[str, pl.Expr]:
    """qualifier, value, bounds and value_text: four spellings (digits with commas, plain
    digits, number words, a scale word) and ranges, so the number reader is exercised."""
    q = (i // 6) % 8
    style = (i // 48) % 4
    comma = 1000 + (i * 7919) % 999_000
    plain = 1 + (i * 31) % 999
    word = 1 + i % 99
    scaled = 1 + i % 9
    low = 18 + i % 10
    high = low + 5 + (i // 10) % 20
    point = (
        pl.when(style == 0)
        .then(comma)
        .when(style == 1)
        .then(plain)
        .when(style == 2)
        .then(word)
        .otherwise(scaled * 1_000_000)
    )
    point_text = (
        pl.when(style == 0)
        .then(pl.format("{},{}", comma // 1000, (comma % 1000).cast(pl.String).str.zfill(3)))
        .when(style == 1)
        .then(plain.cast(pl.String))
        .when(style == 2)
        .then(_lookup(word, [number_word(v) for v in range(100)]))
        .otherwise(pl.format("{} million", scaled))
    )
    is_range = q == 7
    dash = pl.when((i // 48) % 2 == 0).then(pl.lit("-")).otherwise(pl.lit("–"))
    return {
        "qualifier": _lookup(q, QUALIFIERS),
        "value": pl.when(is_range).then(None).otherwise(point),
        "value_low": pl.when(is_range).then(low).when(q.is_in([5, 6])).then(point),
        "value_high": pl.when(is_range).then(high).when(q.is_in([2, 3, 4])).then(point),
        "value_text": pl.when(is_range)
        .then(pl.concat_str(low.cast(pl.String), dash, high.cast(pl.String)))
        .otherwise(point_text),
        "phrase": _lookup(q, [PHRASES.get(name) for name in QUALIFIERS]),
    }


def _figure_period(i: pl.Expr) -> dict[str, pl.Expr]:
    """The period group, one of six kinds (none, day, month, year, week, season)."""
    kind = i % 6
    y = 2022 + (i // 6) % 3
    m = 1 + (i // 18) % 12
    d = 1 + (i // 216) % 28
    day = pl.date(y, m, d)
    month_name = _lookup(m - 1, MONTHS)
    start = [None, day, pl.date(y, m, 1), pl.date(y, 1, 1), day, pl.date(y - 1, 9, 1)]
    end = [
        None,
        day,
        pl.date(y, m, 1).dt.month_end(),
        pl.date(y, 12, 31),
        day + pl.duration(days=6),
        pl.date(y - 1, 11, 30),
    ]
    words = [
        None,
        pl.format("on {} {} {}", d, month_name, y),
        pl.format("in {} {}", month_name, y),
        pl.lit("this year"),
        None,
        pl.lit("last autumn"),
    ]

    def by_kind(options: list) -> pl.Expr:
        expr = pl.when(kind == 0).then(options[0])
        for k, option in enumerate(options[1:], 1):
            expr = expr.when(kind == k).then(option)
        return expr

    return {
        "period_start": by_kind(start).dt.to_string(),
        "period_end": by_kind(end).dt.to_string(),
        "period_precision": _lookup(kind, [p for p, _, _ in PERIODS]),
        "period_text": by_kind(words),
        "period_basis": _lookup(kind, [b for _, b, _ in PERIODS]),
        "notes": _lookup(kind, [n for _, _, n in PERIODS]),
    }


def build_figures(n: int, n_actors: int, n_events: int) -> pl.DataFrame:
    """Figures plus helper columns: ``text`` (the seed line), ``core`` (an event's quote),
    ``actor_name`` and ``k`` (the seed file's number)."""
    i = pl.col("i")
    values, period = _figure_values(i), _figure_period(i)
    measure = (i // 3) % 7
    actor = i % n_actors
    actor_name = _actor_name(actor)
    quote = _words(
        period["period_text"],
        values["phrase"],
        values["value_text"],
        _lookup(measure, [noun for _, _, noun in MEASURES]),
        "were counted",
    )
    event = i // 10
    same_source = (_cited_figure(event) // LINES_PER_SEED) == (i // LINES_PER_SEED)
    frame = pl.DataFrame({"i": pl.int_range(0, n, eager=True)}).with_columns(
        figure_id=_padded("fig-", i + 1, 7),
        measure=_lookup(measure, [m for m, _, _ in MEASURES]),
        unit=_lookup(measure, [u for _, u, _ in MEASURES]),
        claimed_by=pl.format("act-office-{}", actor),
        event_id=pl.when((i % 10 != 9) & (event < n_events) & same_source).then(
            _padded("evt-", event + 1, 7)
        ),
        claim_key=pl.format("claim-{}", i // 3),
        k=i // LINES_PER_SEED,
        line=(FIRST_FIGURE_LINE + i % LINES_PER_SEED),
        core=_words("officials said", quote),
        actor_name=actor_name,
        **values,
        **period,
    )
    # The figure quotes its line up to the report words: "According to <its claimant>,
    # officials said …", so the statements of the line are covered by a row naming the
    # speaker the words name (the claimant, whose name follows "According to").
    return frame.with_columns(
        source_id=_padded("src-", pl.col("k"), 5),
        quote=_words("According to", pl.concat_str(actor_name, pl.lit(",")), pl.col("core")),
    ).with_columns(
        text=_words(
            pl.col("quote"),
            pl.when(_excluded(i, n)).then(pl.lit(EXCLUDED_WORDS)).otherwise(pl.lit(REPORT_WORDS)),
        ),
    )


def _cited_figure(j):
    """The figure near row 10j, with a period, whose line event j cites (a figure links to
    its group's event only when both are of one seed: references stay inside an article)."""
    f = 10 * j + 1 + j % 4
    return f + (f % 6 == 0).cast(pl.Int64)


def build_events(figures: pl.DataFrame, n_events: int) -> pl.DataFrame:
    """Event j cites a figure's line near row 10j that has a period, and takes its dates."""
    j = pl.int_range(0, n_events, eager=True)
    cited = figures[_cited_figure(j)].with_columns(j=j)
    return cited.select(
        event_id=_padded("evt-", pl.col("j") + 1, 7),
        event_key=pl.format("happening-{}", pl.col("j") // 2),
        event_type=_lookup(pl.col("j") % len(EVENT_TYPES), EVENT_TYPES),
        summary=pl.format("Officials reported a count in report {}.", pl.col("i") + 1),
        date_start=pl.col("period_start"),
        date_end=pl.col("period_end"),
        date_precision=pl.col("period_precision"),
        date_text=pl.col("period_text"),
        date_basis=pl.col("period_basis"),
        actor_id=pl.col("claimed_by"),
        place=_lookup(pl.col("j") % len(PLACES), PLACES),
        notes=pl.col("notes"),
        source_id=pl.col("source_id"),
        line=pl.col("line"),
        quote=pl.col("core"),
    )


def build_actors(figures: pl.DataFrame, n_actors: int) -> pl.DataFrame:
    """Actor a is named on figure a's line (figure a is claimed by actor a)."""
    a = pl.col("i")
    return figures.head(n_actors).select(
        actor_id=pl.col("claimed_by"),
        name=pl.col("actor_name"),
        kind=_lookup(a % len(ACTOR_KINDS), ACTOR_KINDS),
        country=_lookup(a % len(COUNTRIES), COUNTRIES),
        aliases=pl.format("the office | Office {}", a),
        source_id=pl.col("source_id"),
        line=pl.col("line"),
        quote=pl.col("actor_name"),
    )


EXCLUDED = 5
"""Figure lines that also hold an ordinal, which an exclusion lists (never the recorded
words themselves: that is a curation/excluded-but-recorded finding)."""
REPORT_WORDS = "– from the ministry’s report."
EXCLUDED_WORDS = "– from the ministry’s second report."


def _excluded(i: pl.Expr, n: int) -> pl.Expr:
    step = max(n // EXCLUDED, 1)
    return (i % step == 2) & (i // step < EXCLUDED)


def build_exclusions(figures: pl.DataFrame) -> pl.DataFrame:
    """The ordinal 'second' on a few figures' lines, excluded as not a count."""
    picked = figures.filter(_excluded(pl.col("i"), figures.height))
    return picked.select(
        exclusion_id=_padded("exc-", pl.int_range(1, pl.len() + 1), 4),
        span_text=pl.lit("second"),
        reason=pl.lit("ordinal"),
        notes=pl.format("An ordinal beside {}, not a count.", pl.col("figure_id")),
        source_id=pl.col("source_id"),
        line=pl.col("line"),
        quote=pl.lit(EXCLUDED_WORDS[2:-1]),
    )


def seed_texts(figures: pl.DataFrame) -> dict[int, str]:
    """Seed file k: a dateline, a blank line, then the lines of its figures."""
    bodies = figures.group_by("k", maintain_order=True).agg(pl.col("text").str.join("\n"))
    return {k: f"{dateline(k)}\n\n{body}\n" for k, body in bodies.iter_rows()}


def published(k: int) -> str:
    return (dt.date(2023, 1, 1) + dt.timedelta(days=k % 1000)).isoformat()


def dateline(k: int) -> str:
    """Line 1 of seed k; its only numbers are the date, which published_text covers."""
    return f"{published(k)} – Synthetic dispatch: “Recruitment figures” from the régions"


def source_row(k: int, seed_file: str, sha256: str, source_id: str | None = None) -> dict:
    return {
        "source_id": source_id or f"src-{k:05d}",
        "seed_file": seed_file,
        "sha256": sha256,
        "title": f"Synthetic dispatch {k}",
        "published_start": published(k),
        "published_end": published(k),
        "published_precision": "day",
        "published_text": published(k),
        "published_basis": "stated",
        "notes": None,
        "line": "1",
        "quote": f"{published(k)} – Synthetic dispatch",
    }


@dataclass
class Package:
    """Tables (all columns strings, in schema order) and seed files, by path."""

    tables: dict[str, pl.DataFrame]
    seeds: dict[str, bytes]


def schema_columns(table: str) -> list[str]:
    schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    return [f["name"] for f in schema["fields"]]


def as_strings(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.select(  # a column the generator does not fill (an optional one) is empty
        pl.col(c).cast(pl.String) if c in frame.columns else pl.lit(None, pl.String).alias(c)
        for c in schema_columns(table)
    )


def build_package(n: int) -> Package:
    """The valid package with ``n`` figures, ~n/10 events and ~n/100 actors."""
    n_actors, n_events = max(1, n // 100), max(1, n // 10)
    figures = build_figures(n, n_actors, n_events)
    seeds = {
        f"seeds/{k:05d}_synthetic.txt": text.encode("utf-8")
        for k, text in seed_texts(figures).items()
    }
    sources = pl.DataFrame(
        [
            source_row(k, path, hashlib.sha256(data).hexdigest())
            for k, (path, data) in enumerate(seeds.items())
        ],
        schema={c: pl.String for c in schema_columns("sources")},
    )
    frames = {
        "sources": sources,
        "actors": build_actors(figures, n_actors),
        "events": build_events(figures, n_events),
        "figures": figures,
        "exclusions": build_exclusions(figures),
    }
    return Package({t: as_strings(f, t) for t, f in frames.items()}, seeds)


# --- the faults -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One way to break one row so that exactly one finding names it."""

    rule: str
    column: str
    """The column the finding names."""
    edit: Callable[[dict, int], dict]
    """New cells for the row (its dict and index)."""
    fits: Callable[[dict], bool] = lambda row: True


def _shift(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def _is_day(row: dict) -> bool:
    return row.get("period_precision", row.get("date_precision")) == "day"


# Figure faults leave every figure's line and *_text words in place: a figure is the only
# row covering its line's value words, so moving or emptying them would add coverage
# findings. Faults that do that are put on events, whose date words the figure on the same
# line covers as well.
FIGURE_FAULTS = [
    Fault(
        "standard/type",
        "period_start",
        lambda r, i: {"period_start": r["period_start"][:5] + "02-30"},
        _is_day,
    ),
    Fault("standard/required", "claim_key", lambda r, i: {"claim_key": None}),
    Fault("standard/foreign-key", "unit", lambda r, i: {"unit": "soldiers"}),
    Fault(
        "standard/enum",
        "qualifier",
        lambda r, i: {"qualifier": "roughly"},
        lambda r: r["qualifier"] == "exact",
    ),
    Fault("standard/pattern", "claim_key", lambda r, i: {"claim_key": f"Claim_{i}"}),
    Fault("standard/max-length", "notes", lambda r, i: {"notes": ("Curator's note. " * 126)[:-1]}),
    Fault("standard/primary-key", "figure_id", lambda r, i: {"figure_id": f"fig-{i:07d}"}),
    Fault("standard/foreign-key", "event_id", lambda r, i: {"event_id": "evt-9999999"}),
    Fault("standard/foreign-key", "claimed_by", lambda r, i: {"claimed_by": "act-ghost"}),
    Fault("text/whitespace", "notes", lambda r, i: {"notes": "Ends in a no-break space\u00a0"}),
    Fault("text/formula", "notes", lambda r, i: {"notes": "=1+1 counted twice"}),
    Fault("text/control", "notes", lambda r, i: {"notes": "A tab\tinside"}),
    Fault("text/nfc", "notes", lambda r, i: {"notes": "Re\u0301gion named in the dispatch"}),
    Fault(
        "rules/qualifier-bounds",
        "qualifier",
        lambda r, i: {"value_high": r["value"]},
        lambda r: r["qualifier"] == "exact",
    ),
    Fault(
        "rules/date-order",
        "period_end",
        lambda r, i: {"period_end": _shift(r["period_start"], -1)},
        _is_day,
    ),
    Fault(
        "rules/date-precision",
        "period_precision",
        lambda r, i: {"period_end": _shift(r["period_start"], 1)},
        _is_day,
    ),
    Fault(
        "rules/date-incomplete",
        "period_start",
        lambda r, i: {"period_precision": None},
        lambda r: r["period_precision"] is not None,
    ),
    Fault(
        "rules/basis-notes",
        "notes",
        lambda r, i: {"notes": None},
        lambda r: r["period_basis"] in ("relative", "inferred"),
    ),
    Fault("provenance/quote", "quote", lambda r, i: {"quote": r["quote"] + " in full"}),
    Fault(
        "provenance/text-in-quote",
        "period_text",
        lambda r, i: {
            "quote": r["quote"][r["quote"].index(r["period_text"]) + len(r["period_text"]) + 1 :]
        },
        lambda r: r["period_text"] is not None,
    ),
    Fault(
        "provenance/value-text",
        "value_text",
        lambda r, i: {"value": str(int(r["value"]) + 1)},
        lambda r: r["qualifier"] == "exact",
    ),
]
EVENT_FAULTS = [
    Fault("standard/type", "line", lambda r, i: {"line": f"{r['line']}.0"}),
    Fault("standard/foreign-key", "event_type", lambda r, i: {"event_type": "battle"}),
    Fault("standard/foreign-key", "actor_id", lambda r, i: {"actor_id": "act-ghost"}),
    Fault(
        "rules/date-order",
        "date_end",
        lambda r, i: {"date_end": _shift(r["date_start"], -1)},
        _is_day,
    ),
    Fault(
        "rules/basis-text",
        "date_text",
        lambda r, i: {"date_text": None},
        lambda r: r["date_basis"] == "stated",
    ),
    Fault("provenance/line-range", "line", lambda r, i: {"line": "5000"}),
    Fault("provenance/line-blank", "line", lambda r, i: {"line": str(BLANK_LINE)}),
]
ACTOR_FAULTS = [
    Fault("standard/min-length", "quote", lambda r, i: {"quote": "Accordi"}),
    Fault("standard/pattern", "country", lambda r, i: {"country": "Rus"}),
]
EXCLUSION_FAULTS = [Fault("standard/foreign-key", "reason", lambda r, i: {"reason": "unclear"})]


def pick_rows(
    frame: pl.DataFrame, faults: list[Fault], per_fault: int, rng: random.Random
) -> list[tuple[int, Fault]]:
    """Distinct random rows for each fault, each fitting its fault; a primary-key fault's
    previous row (whose id it copies) is kept clean too."""
    n = frame.height
    pool = rng.sample(range(1, n), min(n - 1, 40 * per_fault * len(faults)))
    used: set[int] = set()
    picked = []
    for fault in faults:
        rows = (i for i in pool if i not in used and fault.fits(frame.row(i, named=True)))
        for i in [next(rows) for _ in range(per_fault)]:
            used.update((i - 1, i, i + 1))
            picked.append((i, fault))
    return picked


def apply_edits(frame: pl.DataFrame, edits: dict[int, dict]) -> pl.DataFrame:
    """Overwrite cells given as {row index: {column: value}}, one scatter per column."""
    by_column: dict[str, tuple[list, list]] = {}
    for i, cells in edits.items():
        for col, value in cells.items():
            by_column.setdefault(col, ([], []))
            by_column[col][0].append(i)
            by_column[col][1].append(value)
    return frame.with_columns(
        frame[col].scatter(idx, values) for col, (idx, values) in by_column.items()
    )


def break_table(frame, table, faults, rng) -> tuple[pl.DataFrame, list[dict]]:
    """Inject ~FAULT_RATE of rows' worth of ``faults`` (at least one of each)."""
    per_fault = max(1, round(frame.height * FAULT_RATE / len(faults)))
    edits, expected = {}, []
    for i, fault in pick_rows(frame, faults, per_fault, rng):
        edits[i] = fault.edit(frame.row(i, named=True), i)
        expected.append(finding(f"data/{table}.csv", i + 2, fault.column, fault.rule))
    return apply_edits(frame, edits), expected


def finding(file: str, line: int | None, column: str | None, rule: str) -> dict:
    return {"file": file, "line": line, "column": column, "rule": rule}


def break_sources(pkg: Package) -> list[dict]:
    """Extra sources rows and seed files, one per seed-level rule; returns their findings.

    The extra seeds hold one line each (a dateline, covered by published_text), and no row
    but their sources row cites them, so a seed a fault disables hides no other fault.
    ``line`` 0 (standard/minimum) sits on the row whose seed is missing: on a row whose
    seed is read it would also be a provenance/line-range echo.
    """
    sources = pkg.tables["sources"]
    base = sources.height + 2
    twice, tampered = "seeds/99990_twice.txt", "seeds/99991_tampered.txt"
    unlisted = "seeds/99994_unlisted.txt"
    for k, rel in ((99990, twice), (99991, tampered), (99994, unlisted)):
        pkg.seeds[rel] = dateline(k).encode("utf-8") + b"\n"
    twice_sha = hashlib.sha256(pkg.seeds[twice]).hexdigest()
    rows = [
        source_row(99990, twice, twice_sha),
        source_row(99990, twice, twice_sha, source_id="src-99995"),
        source_row(99991, tampered, hashlib.sha256(b"the original bytes").hexdigest()),
        {**source_row(99992, "seeds/99992_missing.txt", "0" * 64), "line": "0"},
        source_row(99993, "../99993_outside.txt", "0" * 64),
    ]
    pkg.tables["sources"] = pl.concat([sources, pl.DataFrame(rows, schema=sources.schema)])
    src = "data/sources.csv"
    return [
        finding(src, base + 1, "seed_file", "standard/unique"),
        finding(src, base + 2, "sha256", "provenance/sha256"),
        finding(src, base + 3, "line", "standard/minimum"),
        finding(src, base + 3, "seed_file", "provenance/seed-missing"),
        finding(src, base + 4, "seed_file", "provenance/seed-path"),
        finding(unlisted, None, None, "provenance/seed-unlisted"),
    ]


def break_package(pkg: Package, seed: int) -> list[dict]:
    """Inject every fault kind into ``pkg`` (in place); return the expected findings."""
    rng = random.Random(seed)
    expected = break_sources(pkg)
    for table, faults in (
        ("figures", FIGURE_FAULTS),
        ("events", EVENT_FAULTS),
        ("actors", ACTOR_FAULTS),
        ("exclusions", EXCLUSION_FAULTS),
    ):
        pkg.tables[table], found = break_table(pkg.tables[table], table, faults, rng)
        expected += found
    return sorted(expected, key=lambda f: (f["file"], f["line"] or 0, f["column"] or "", f["rule"]))


# --- writing ----------------------------------------------------------------------------------


def write_package(pkg: Package, dest: Path) -> None:
    """datapackage.json and schemas/ from the repository, then the synthetic data and seeds."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "data").mkdir(parents=True)
    (dest / "seeds").mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "schemas", dest / "schemas")
    for rel in codelist_paths():
        shutil.copy2(ROOT / rel, dest / rel)
    for table, frame in pkg.tables.items():
        frame.write_csv(dest / "data" / f"{table}.csv", line_terminator="\n")
    for rel, data in pkg.seeds.items():
        (dest / rel).write_bytes(data)


def codelist_paths() -> list[str]:
    """The code lists (data/measures.csv, …): copied from the repository as they are."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return [r["path"] for r in descriptor["resources"] if r.get("role") == "codelist"]


def fingerprint(n: int, seed: int) -> dict:
    """What a cached folder must match: size, RNG seed, and this generator and the schemas."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    parts = sorted((ROOT / "schemas").glob("*.json")) + [ROOT / "datapackage.json"]
    for part in parts + [ROOT / rel for rel in codelist_paths()]:
        h.update(part.read_bytes())
    return {"n": n, "seed": seed, "source": h.hexdigest()}


def generate(n: int, out: Path, seed: int = SEED, force: bool = False) -> bool:
    """Write ``out``/clean, ``out``/faulty and ``out``/expected.json; False if cached."""
    out = Path(out)
    meta = out / "meta.json"
    stamp = fingerprint(n, seed)
    if not force and meta.is_file() and json.loads(meta.read_text()) == stamp:
        return False
    if n < 1000:
        raise ValueError("n must be at least 1000: every fault kind needs rows to land on")
    meta.unlink(missing_ok=True)
    pkg = build_package(n)
    write_package(pkg, out / "clean")
    expected = break_package(pkg, seed)
    write_package(pkg, out / "faulty")
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    meta.write_text(json.dumps(stamp) + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="figure rows")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    made = generate(args.n, args.out, args.seed, args.force)
    print(f"{'generated' if made else 'cached'}: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
