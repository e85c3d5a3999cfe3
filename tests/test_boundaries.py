"""Every rule at its edges: the last value it accepts and the first it refuses.

test_rule_fixtures.py breaks each rule once; here each rule gets boundary cases beyond
that fixture, each naming the exact findings (file, line, column, rule) it must give, or
none. Two kinds of case:

* ``ROWS``: a change to cells of one row (or a copy of it appended). The cases of a batch
  edit different rows of one copy of the package, validated once, and each case expects
  exactly its findings on its own line (so the batch is as fast as one fixture).
* ``PACKAGES``: a change to a file, a schema or the descriptor, validated on its own and
  expecting exactly the findings listed, nothing else.

The version gate's rules (review/versioning.py) have cases of their own at the end.
``test_every_rule_has_a_boundary_case`` derives the rules from the catalogues.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from conftest import (
    ROOT,
    append_row,
    at_line,
    copy_package,
    edit_bytes,
    edit_json,
    find_row,
    located,
    rows,
    schema_field,
    set_cells,
)
from recruitment.checks.rules import MAX_SPAN_DAYS
from recruitment.checks.validate import validate
from recruitment.findings import RULES
from recruitment.review.versioning import RULES as VERSION_RULES

FIG = "data/figures.csv"
EVT = "data/events.csv"
SRC = "data/sources.csv"
EXC = "data/exclusions.csv"


# --- row cases ------------------------------------------------------------------------------
@dataclass
class Row:
    """Set ``cells`` (a dict, or a function of the row and the package giving one) on the
    first row of ``table`` that ``pick`` accepts and no earlier case of the batch took;
    with ``append``, on a copy of that row appended to the table. ``expect``: the findings
    (column, rule) on that line."""

    rules: tuple[str, ...]
    table: str
    pick: Callable[[dict], bool]
    cells: dict | Callable
    expect: set[tuple[str, str]]
    batch: int = 0
    """0: packed with other cases into as few packages as the rows allow; n > 0: a package
    of its own (a change that reaches every row citing a source)."""
    append: bool = False
    elsewhere: set[str] = field(default_factory=set)
    """Rules the change may rightly break on other lines (a seed's coverage, the rows
    citing a source), given in full."""


def _numeric(row: dict) -> bool:
    return row["qualifier"] == "exact" and re.fullmatch(
        r"[0-9]{1,3}(,[0-9]{3})*", row["value_text"]
    )


def _word(row: dict) -> bool:
    return (
        row["qualifier"] == "exact" and row["value_text"].isalpha() and len(row["value_text"]) > 2
    )


def _inferred(row: dict) -> bool:
    return row["date_basis"] == "inferred" and row["date_start"] != ""


def _day(d: str, days: int) -> str:
    return (dt.date.fromisoformat(d) + dt.timedelta(days=days)).isoformat()


def _v(row: dict, delta: int = 0) -> str:
    return str(int(row["value"]) + delta)


def _span(precision: str, days: int, p: str = "date") -> Callable:
    return lambda r, _: {f"{p}_precision": precision, f"{p}_end": _day(r[f"{p}_start"], days)}


def _period_inferred(row: dict) -> bool:
    return row["period_basis"] == "inferred" and row["period_start"] != ""


def _precision_case(p: str, days: int, fails: bool) -> Row:
    """A span of ``days`` at precision ``p``: an event's date, or a figure's period for
    multi_year (an event's date_precision has no multi_year)."""
    if p == "multi_year":
        return Row(
            ("rules/date-precision",),
            "figures",
            _period_inferred,
            _span(p, days, "period"),
            {("period_precision", "rules/date-precision")} if fails else set(),
        )
    return Row(
        ("rules/date-precision",), "events", _inferred, _span(p, days), {PREC} if fails else set()
    )


def _quote_not_touching(col: str) -> Callable[[dict], bool]:
    """Rows whose ``col`` words are neither at the start nor at the end of the quote."""

    def ok(row: dict) -> bool:
        q, w = row["quote"], row[col]
        return bool(w) and w in q and not q.startswith(w) and not q.endswith(w) and q[0].isalpha()

    return ok


QB = ("qualifier", "rules/qualifier-bounds")
VB = ("value", "rules/value-bounds")
VT = ("value_text", "provenance/value-text")
PREC = ("date_precision", "rules/date-precision")

ROWS: dict[str, Row] = {
    # qualifier-bounds: each qualifier's valid row and each clause it rejects
    "qualifier/approximately-valid": Row(
        ("rules/qualifier-bounds",), "figures", _numeric, {"qualifier": "approximately"}, set()
    ),
    "qualifier/exact-with-value-high": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"value_high": r["value"]},
        {QB},
    ),
    "qualifier/exact-with-value-low": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"value_low": r["value"]},
        {QB},
    ),
    "qualifier/exact-without-value": Row(
        ("rules/qualifier-bounds",), "figures", _numeric, {"value": ""}, {QB, VT}
    ),
    "qualifier/up_to-valid": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "up_to", "value_high": r["value"]},
        set(),
    ),
    "qualifier/as_many_as-high-above-value": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "as_many_as", "value_high": _v(r, 1)},
        {QB},
    ),
    "qualifier/less_than-without-value-high": Row(
        ("rules/qualifier-bounds",), "figures", _numeric, {"qualifier": "less_than"}, {QB}
    ),
    "qualifier/up_to-with-value-low": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "up_to", "value_high": r["value"], "value_low": r["value"]},
        {QB},
    ),
    "qualifier/at_least-valid": Row(
        ("rules/qualifier-bounds", "rules/value-bounds"),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "at_least", "value_low": r["value"]},
        set(),
    ),
    "qualifier/more_than-low-below-value": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "more_than", "value_low": _v(r, -1)},
        {QB},
    ),
    "qualifier/at_least-with-value-high": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "at_least", "value_low": r["value"], "value_high": r["value"]},
        {QB},
    ),
    "qualifier/at_least-low-above-value": Row(
        ("rules/qualifier-bounds", "rules/value-bounds"),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "at_least", "value_low": _v(r, 1)},
        {QB, VB},
    ),
    "qualifier/range-low-equals-high": Row(
        ("rules/qualifier-bounds",),
        "figures",
        _numeric,
        lambda r, _: {
            "qualifier": "range",
            "value": "",
            "value_low": r["value"],
            "value_high": r["value"],
        },
        {QB},
    ),
    "qualifier/range-low-above-high": Row(
        ("rules/qualifier-bounds", "rules/value-bounds"),
        "figures",
        _numeric,
        lambda r, _: {
            "qualifier": "range",
            "value": "",
            "value_low": _v(r, 1),
            "value_high": r["value"],
        },
        {QB, VB, VT},
    ),
    "qualifier/range-with-a-value": Row(
        ("rules/qualifier-bounds",),
        "figures",
        lambda r: r["qualifier"] == "range",
        lambda r, _: {"value": r["value_low"]},
        {QB},
    ),
    # value-bounds: value at either bound passes, one past it fails
    "value-bounds/value-above-high": Row(
        ("rules/value-bounds",),
        "figures",
        _numeric,
        lambda r, _: {"qualifier": "up_to", "value_high": _v(r, -1)},
        {QB, VB},
    ),
    # value-text: a range's words for a single-value qualifier; words in another case
    "value-text/range-words-for-one-value": Row(
        ("provenance/value-text",),
        "figures",
        lambda r: r["qualifier"] == "range",
        lambda r, _: {
            "qualifier": "exact",
            "value": r["value_low"],
            "value_low": "",
            "value_high": "",
        },
        {VT},
    ),
    "value-text/range-high-off-by-one": Row(
        ("provenance/value-text",),
        "figures",
        lambda r: r["qualifier"] == "range",
        lambda r, _: {"value_high": str(int(r["value_high"]) + 1)},
        {VT},
    ),
    "value-text/value-off-by-minus-one": Row(
        ("provenance/value-text",), "figures", _numeric, lambda r, _: {"value": _v(r, -1)}, {VT}
    ),
    "text-in-quote/value-text-in-capitals": Row(
        ("provenance/text-in-quote",),
        "figures",
        _word,
        lambda r, _: {"value_text": r["value_text"].upper()},
        {("value_text", "provenance/text-in-quote")},
    ),
    # quotes: only the case differs, only the last character, a quote on line 1
    "quote/first-letter-case": Row(
        ("provenance/quote",),
        "figures",
        _quote_not_touching("value_text"),
        lambda r, _: {"quote": r["quote"][0].swapcase() + r["quote"][1:]},
        {("quote", "provenance/quote")},
    ),
    "quote/last-character": Row(
        ("provenance/quote",),
        "figures",
        _quote_not_touching("value_text"),
        lambda r, _: {"quote": r["quote"][:-1] + ("x" if r["quote"][-1] != "x" else "y")},
        {("quote", "provenance/quote")},
    ),
    "quote/line-1-last-character": Row(
        ("provenance/quote",),
        "events",
        lambda r: r["line"] == "1" and r["date_text"] == "" and r["quote"][-1].isalpha(),
        lambda r, _: {"quote": r["quote"][:-1] + ("x" if r["quote"][-1] != "x" else "y")},
        {("quote", "provenance/quote")},
    ),
    "quote/line-1-valid": Row(
        ("provenance/quote",), "events", lambda r: r["line"] == "1", {}, set()
    ),
    "quote/the-whole-line": Row(
        ("provenance/quote", "provenance/text-in-quote"),
        "figures",
        _numeric,
        lambda r, pkg: {"quote": _seed_line(pkg, r).strip()},
        set(),
    ),
    "line-range/the-last-line": Row(
        ("provenance/line-range",),
        "figures",
        lambda r, pkg: _numeric(r) and _seed_lines(pkg, r)[-1].strip() != "",
        lambda r, pkg: {"line": str(len(_seed_lines(pkg, r)))},
        {("quote", "provenance/quote")},
    ),
    "line-range/one-past-the-last-line": Row(
        ("provenance/line-range",),
        "figures",
        lambda r, pkg: _numeric(r) and _seed_lines(pkg, r)[-1].strip() != "",
        lambda r, pkg: {"line": str(len(_seed_lines(pkg, r)) + 1)},
        {("line", "provenance/line-range")},
    ),
    "line-blank/a-blank-line": Row(
        ("provenance/line-blank",),
        "events",
        lambda r: True,
        lambda r, pkg: {"line": str(_seed_lines(pkg, r).index("") + 1)},
        {("line", "provenance/line-blank")},
    ),
    # every precision at its largest span, and one day past it
    **{f"precision/{p}-max": _precision_case(p, n, False) for p, n in MAX_SPAN_DAYS.items()},
    **{
        f"precision/{p}-one-day-past": _precision_case(p, n + 1, True)
        for p, n in MAX_SPAN_DAYS.items()
    },
    "precision/a-week-of-8-days": Row(
        ("rules/date-precision",), "events", _inferred, _span("week", 7), {PREC}
    ),
    "precision/a-century-as-multi_year": _precision_case("multi_year", 36524, True),
    "date-order/end-the-day-before-start": Row(
        ("rules/date-order",),
        "events",
        _inferred,
        _span("day", -1),
        {("date_end", "rules/date-order")},
    ),
    "date-incomplete/basis-missing": Row(
        ("rules/date-incomplete",),
        "events",
        _inferred,
        {"date_basis": ""},
        {("date_start", "rules/date-incomplete"), ("date_basis", "standard/required")},
    ),
    "date-incomplete/precision-missing": Row(
        ("rules/date-incomplete",),
        "figures",
        lambda r: r["period_start"] != "",
        {"period_precision": ""},
        {("period_start", "rules/date-incomplete")},
    ),
    "basis-text/inferred-needs-no-text": Row(
        ("rules/basis-text",),
        "events",
        lambda r: _inferred(r) and r["date_text"] != "",
        {"date_text": ""},
        set(),
        elsewhere={"coverage/uncovered"},
    ),
    "basis-notes/inferred-without-notes": Row(
        ("rules/basis-notes",),
        "events",
        _inferred,
        {"notes": ""},
        {("notes", "rules/basis-notes")},
    ),
    "basis-notes/stated-needs-no-notes": Row(
        ("rules/basis-notes",),
        "events",
        lambda r: r["date_basis"] == "stated",
        {"notes": ""},
        set(),
    ),
    "unknown-code/known-codes-pass": Row(
        ("rules/unknown-code",), "events", lambda r: r["date_precision"] == "season", {}, set()
    ),
    # curation
    "interval-honest/stated-starts-a-day-late": Row(
        ("curation/interval-honest",),
        "events",
        lambda r: r["date_basis"] == "stated" and r["date_precision"] == "month",
        lambda r, _: {"date_start": _day(r["date_start"], 1)},
        {("date_start", "curation/interval-honest")},
    ),
    "interval-honest/stated-ends-a-day-early": Row(
        ("curation/interval-honest",),
        "events",
        lambda r: r["date_basis"] == "stated" and r["date_precision"] == "month",
        lambda r, _: {"date_end": _day(r["date_end"], -1)},
        {("date_end", "curation/interval-honest")},
    ),
    "interval-honest/stated-widened-a-day": Row(
        ("curation/interval-honest",),
        "events",
        lambda r: r["date_basis"] == "stated" and r["date_precision"] == "day",
        lambda r, _: {"date_precision": "week", "date_start": _day(r["date_start"], -1)},
        set(),
    ),
    "relative-date/starts-a-day-late": Row(
        ("curation/relative-date",),
        "events",
        lambda r: r["date_basis"] == "relative" and r["date_precision"] == "month",
        lambda r, _: {"date_start": _day(r["date_start"], 1)},
        {("date_start", "curation/relative-date")},
    ),
    "relative-date/words-in-capitals": Row(
        ("curation/relative-date", "provenance/text-in-quote"),
        "events",
        lambda r: r["date_basis"] == "relative" and r["date_precision"] == "year",
        lambda r, _: {"date_text": r["date_text"].upper()},
        {("date_text", "provenance/text-in-quote")},
        elsewhere={"coverage/uncovered"},
    ),
    "duplicate/same-line-other-measure": Row(
        ("curation/duplicate",),
        "figures",
        lambda r: r["measure"] == "recruitment_target" and _numeric(r),
        lambda r, _: {"figure_id": "fig-9998", "measure": "recruits"},
        set(),
        append=True,
    ),
    "duplicate/same-line-same-words": Row(
        ("curation/duplicate",),
        "figures",
        _numeric,
        lambda r, _: {"figure_id": "fig-9999"},
        {("value_text", "curation/duplicate")},
        append=True,
    ),
    "measure-unit/same-kind-passes": Row(
        ("curation/measure-unit",),
        "figures",
        lambda r: r["measure"] == "age_range",
        {"unit": "months"},
        set(),
    ),
    "unit-words/money-for-troops": Row(
        ("curation/unit-words",),
        "figures",
        lambda r: r["unit"] == "persons" and "troops" in r["quote"],
        lambda r, _: {"measure": "signing_bonus", "unit": "rub", "quote": r["quote"]},
        {("unit", "curation/unit-words")},
    ),
    "other-source/same-source-passes": Row(
        ("curation/other-source",),
        "figures",
        lambda r: r["event_id"] != "",
        lambda r, pkg: {
            "event_id": next(
                e["event_id"]
                for e in rows(pkg, "events")
                if e["source_id"] == r["source_id"] and e["event_id"] != r["event_id"]
            )
        },
        set(),
    ),
    # text hygiene on a cell: the boundary characters
    "whitespace/trailing-space": Row(
        ("text/whitespace",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": r["summary"] + " "},
        {("summary", "text/whitespace")},
    ),
    "whitespace/inner-double-space-passes": Row(
        ("text/whitespace",),
        "events",
        lambda r: " " in r["summary"],
        lambda r, _: {"summary": r["summary"].replace(" ", "  ", 1)},
        set(),
    ),
    "formula/plus": Row(
        ("text/formula",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": "+" + r["summary"]},
        {("summary", "text/formula")},
    ),
    "formula/at-sign": Row(
        ("text/formula",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": "@" + r["summary"]},
        {("summary", "text/formula")},
    ),
    "formula/inner-equals-passes": Row(
        ("text/formula",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": r["summary"][:-1] + " = 1."},
        set(),
    ),
    "nfc/composed-passes": Row(
        ("text/nfc",), "events", lambda r: True, {"summary": "Caf\u00e9 decree."}, set()
    ),
    "control/tab-at-the-end": Row(
        ("text/control",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": r["summary"] + "\t."},
        {("summary", "text/control")},
    ),
    "format-character/word-joiner": Row(
        ("text/format-character",),
        "events",
        lambda r: True,
        lambda r, _: {"summary": r["summary"][:-1] + "\u2060."},
        {("summary", "text/format-character")},
    ),
    "invisible/one-visible-character-passes": Row(
        ("text/invisible",), "events", lambda r: r["place"] == "", {"place": "\u3164X"}, set()
    ),
    "invisible/hangul-filler-only": Row(
        ("text/invisible",),
        "events",
        lambda r: r["place"] == "",
        {"place": "\u3164"},
        {("place", "text/invisible")},
    ),
    # Table Schema, per cell
    "required/a-required-cell-emptied": Row(
        ("standard/required",),
        "events",
        lambda r: True,
        {"summary": ""},
        {("summary", "standard/required")},
    ),
    "type/integer-with-a-point": Row(
        ("standard/type",),
        "figures",
        _numeric,
        lambda r, _: {"line": r["line"] + ".0"},
        {("line", "standard/type")},
    ),
    "enum/code-in-another-case": Row(
        ("standard/enum",),
        "figures",
        _numeric,
        {"qualifier": "Exact"},
        {("qualifier", "standard/enum")},
    ),
    "pattern/five-digit-id-passes": Row(
        ("standard/pattern",), "figures", _numeric, {"figure_id": "fig-12345"}, set()
    ),
    "pattern/three-digit-id": Row(
        ("standard/pattern",),
        "figures",
        _numeric,
        {"figure_id": "fig-123"},
        {("figure_id", "standard/pattern")},
    ),
    "minimum/zero-passes": Row(
        ("standard/minimum",),
        "figures",
        _numeric,
        {"qualifier": "exact", "value": "0", "value_text": "0"},
        set(),
    ),
    "minimum/minus-one": Row(
        ("standard/minimum",),
        "figures",
        _numeric,
        {"value": "-1"},
        {("value", "standard/minimum"), VT},
    ),
    "max-length/notes-at-the-limit-pass": Row(
        ("standard/max-length",), "figures", _numeric, {"notes": "x" * 2000}, set()
    ),
    "min-length/quote-at-the-limit-passes": Row(
        ("standard/min-length",),
        "events",
        lambda r: r["date_text"] == "",
        lambda r, _: {"quote": _piece(r["quote"], 8)},
        set(),
    ),
    "min-length/quote-one-short": Row(
        ("standard/min-length",),
        "events",
        lambda r: r["date_text"] == "",
        lambda r, _: {"quote": _piece(r["quote"], 7)},
        {("quote", "standard/min-length")},
    ),
    "unique/seed-file-differs-in-case": Row(
        ("standard/unique",),
        "sources",
        lambda r: True,
        lambda r, _: {"seed_file": "seeds/" + r["seed_file"][len("seeds/") :].upper()},
        {("seed_file", "provenance/seed-missing")},
        batch=2,
        elsewhere={"provenance/unverified", "provenance/seed-unlisted"},
    ),
    "primary-key/new-id-passes": Row(
        ("standard/primary-key",),
        "figures",
        _numeric,
        lambda r, _: {"figure_id": "fig-9997", "measure": "recruits"},
        set(),
        append=True,
    ),
    "foreign-key/id-in-another-case": Row(
        ("standard/foreign-key",),
        "figures",
        lambda r: r["claimed_by"] != "",
        lambda r, _: {"claimed_by": r["claimed_by"] + "x"},
        {("claimed_by", "standard/foreign-key")},
    ),
    "excluded-but-recorded/other-words-pass": Row(
        ("curation/excluded-but-recorded",),
        "exclusions",
        lambda r: True,
        {},
        set(),
    ),
    "sha256/pinned-hash-in-capitals": Row(
        ("provenance/sha256",),
        "sources",
        lambda r: True,
        lambda r, _: {"sha256": r["sha256"].upper()},
        {("sha256", "standard/pattern"), ("sha256", "provenance/sha256")},
        batch=3,
        elsewhere={"provenance/unverified"},
    ),
}


def _piece(quote: str, n: int) -> str:
    """The first ``n`` characters of ``quote`` that neither start nor end with a space (so
    only their length can be wrong)."""
    return next(p for i in range(len(quote)) if len(p := quote[i : i + n]) == n and p == p.strip())


def _seed_lines(pkg, row) -> list[str]:
    seed = next(s["seed_file"] for s in rows(pkg, "sources") if s["source_id"] == row["source_id"])
    return (pkg / seed).read_text(encoding="utf-8").splitlines()


def _seed_line(pkg, row) -> str:
    return _seed_lines(pkg, row)[int(row["line"]) - 1]


def _apply(pkg, case: Row, taken: set[tuple[str, int]]) -> tuple[str, int]:
    """Make the case's change; (file, line) of the row it changed or appended."""
    data = rows(pkg, case.table)
    at = next(
        i + 2
        for i, r in enumerate(data)
        if (case.table, i + 2) not in taken
        and (case.pick(r, pkg) if case.pick.__code__.co_argcount == 2 else case.pick(r))
    )
    taken.add((case.table, at))
    row = data[at - 2]
    cells = case.cells(row, pkg) if callable(case.cells) else case.cells
    if case.append:
        append_row(pkg, case.table, **{**row, **cells})
        at = len(data) + 2
        taken.add((case.table, at))
    else:
        set_cells(pkg, case.table, at, **cells)
    return f"data/{case.table}.csv", at


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """The row cases applied to as few copies of the package as the rows allow, each copy
    validated once: [(where each case's row is, findings)]."""
    groups: list[tuple] = []  # (key, package, rows taken, where each case is)
    for name, case in ROWS.items():
        for key, pkg, taken, where in groups:
            if key == case.batch and (key == 0 or not where):
                try:
                    where[name] = _apply(pkg, case, taken)
                    break
                except StopIteration:
                    continue
        else:
            pkg = copy_package(tmp_path_factory.mktemp("batch") / "pkg")
            groups.append((case.batch, pkg, set(), {}))
            try:
                groups[-1][3][name] = _apply(pkg, case, groups[-1][2])
            except StopIteration:
                raise AssertionError(f"{name}: no row of {case.table} fits the case") from None
    return [(where, validate(pkg).findings) for _, pkg, _, where in groups]


def _batch_of(name: str, batches):
    return next((where, found) for where, found in batches if name in where)


@pytest.mark.parametrize("name", list(ROWS))
def test_row_boundary(name, batches):
    case = ROWS[name]
    where, findings = _batch_of(name, batches)
    file, line = where[name]
    got = {f for f in located(findings) if f[:2] == (file, line)}
    assert got == {(file, line, col, rule) for col, rule in case.expect}, findings


def test_a_batch_finds_nothing_but_its_cases(batches):
    """Every finding of a batch is on a case's line, or of a rule a case allows elsewhere."""
    for where, findings in batches:
        lines = set(where.values())
        allowed = set().union(*(ROWS[name].elsewhere for name in where))
        stray = [f for f in findings if (f.file, f.line) not in lines and f.rule not in allowed]
        assert stray == [], sorted(where)


# --- package cases ---------------------------------------------------------------------------
PACKAGES: dict[str, tuple[tuple[str, ...], Callable]] = {}


def package_case(*rules: str):
    def register(fn):
        PACKAGES[fn.__name__.strip("_").replace("__", "/")] = (rules, fn)
        return fn

    return register


def _last_line(pkg, rel: str) -> int:
    return len((pkg / rel).read_bytes().split(b"\n")) - 1


@package_case("package/json")
def _duplicate_key(pkg):
    """A key given twice: JSON parsers would silently keep the last value."""
    text = (pkg / "datapackage.json").read_text()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"name":' in t)
    (pkg / "datapackage.json").write_text(text.replace("{", '{\n  "name": "x",', 1))
    return {("datapackage.json", line + 1, None, "package/json")}


@package_case("package/descriptor", "package/field-type")
def _field_type_in_capitals(pkg):
    edit_json(pkg, "schemas/events.json", lambda d: schema_field(d, "line").update(type="Integer"))
    return {("schemas/events.json", None, None, "package/descriptor")}


@package_case("file/type")
def _resource_path_is_a_folder(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(path="data"))
    return {("data", None, None, "file/type")}


@package_case("file/type")
def _data_file_linked_to_a_file_inside_the_package(pkg):
    """A link to a regular file inside the package is still a link: what is read is the file
    a reviewer sees in the pull request, never what a link points at."""
    (pkg / "figures-copy.csv").write_bytes((pkg / FIG).read_bytes())
    (pkg / FIG).unlink()
    (pkg / FIG).symlink_to("../figures-copy.csv")
    return {(FIG, None, None, "file/type")}


@package_case("file/type", "provenance/unverified")
def _seed_linked_to_a_copy_inside_the_package(pkg):
    """The same bytes (its pinned sha256 still matches), yet a link: refused on its sources
    row, and every row citing that source is unverified."""
    source = rows(pkg, "sources")[0]
    seed = pkg / source["seed_file"]
    (pkg / "seed-copy.txt").write_bytes(seed.read_bytes())
    seed.unlink()
    seed.symlink_to("../seed-copy.txt")
    citing = {
        (f"data/{table.name}", line, "source_id", "provenance/unverified")
        for table in (pkg / "data").glob("*.csv")
        if table.name != "sources.csv"
        for line, row in enumerate(rows(pkg, table.stem), 2)
        if row.get("source_id") == source["source_id"]
    }
    return {(SRC, 2, "seed_file", "file/type")} | citing


@package_case("package/missing-file")
def _path_in_another_case(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(path="data/Actors.csv"))
    return {("datapackage.json", None, None, "package/missing-file")}


@package_case("package/path")
def _absolute_path(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(path="/data/x.csv"))
    return {("datapackage.json", None, None, "package/path")}


@package_case("package/name")
def _name_of_100_characters_passes(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d.update(name="a" * 100))
    return set()


@package_case("package/name")
def _name_of_101_characters(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d.update(name="a" * 101))
    return {("datapackage.json", None, "name", "package/name")}


@package_case("package/key")
def _foreign_key_to_an_unknown_field(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: d["foreignKeys"][0]["reference"].update(fields=["nothing"]),
    )
    return {("schemas/figures.json", None, None, "package/key")}


@package_case("package/codebook")
def _a_description_too_many(pkg):
    def extra(doc):
        schema_field(doc, "qualifier")["enumDescriptions"]["roughly"] = "No such code."

    edit_json(pkg, "schemas/figures.json", extra)
    return {("schemas/figures.json", None, None, "package/codebook")}


@package_case("package/unsupported")
def _no_header_row(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][2]["dialect"].update(header=False))
    return {("datapackage.json", None, None, "package/unsupported")}


@package_case("package/constraint")
def _max_length_as_text(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: schema_field(d, "notes")["constraints"].update(maxLength="2000"),
    )
    return {("schemas/figures.json", None, "notes", "package/constraint")}


@package_case("package/citation")
def _line_not_an_integer(pkg):
    edit_json(pkg, "schemas/events.json", lambda d: schema_field(d, "line").update(type="number"))
    return {("schemas/events.json", None, "line", "package/citation")}


@package_case("package/codelist")
def _codelist_with_a_foreign_key(pkg):
    def fk(doc):
        doc["foreignKeys"] = [
            {"fields": ["code"], "reference": {"resource": "measures", "fields": ["code"]}}
        ]

    edit_json(pkg, "schemas/units.json", fk)
    return {("schemas/units.json", None, None, "package/codelist")}


@package_case("package/reserved")
def _raw_prefix(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][4].update(name="raw_x"))
    return {("datapackage.json", None, None, "package/reserved")}


@package_case("package/version")
def _leading_zero(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d.update(version="01.0.0"))
    return {("datapackage.json", None, "version", "package/version")}


def _drop_column(pkg, table: str, name: str) -> None:
    import csv
    import io

    edit_json(
        pkg,
        f"schemas/{table}.json",
        lambda d: d.update(fields=[f for f in d["fields"] if f["name"] != name]),
    )
    path = pkg / "data" / f"{table}.csv"
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    at = records[0].index(name)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1 :] for r in records])
    path.write_text(out.getvalue(), encoding="utf-8")


@package_case("package/publish")
def _a_field_no_view_reads_may_go(pkg):
    """Dropping a column the views do not read is no publish finding."""
    _drop_column(pkg, "figures", "notes")
    return set()


@package_case("file/size")
def _size_at_the_limit_passes(pkg, monkeypatch):
    from recruitment import limits

    largest = max(p.stat().st_size for p in (pkg / "data").glob("*.csv"))
    monkeypatch.setattr(limits, "CSV_MAX_BYTES", largest)
    return set()


@package_case("csv/encoding")
def _latin1_on_the_header(pkg):
    edit_bytes(pkg, EVT, lambda b: b.replace(b"summary", "summ\xe9ry".encode("latin-1"), 1))
    return {(EVT, 1, None, "csv/encoding")}


@package_case("csv/bom")
def _bom_inside_a_cell(pkg):
    """U+FEFF after the start is a format character in a cell, not a byte-order mark."""
    line = set_cells(pkg, "events", 3, summary="\ufeffPutin signs a decree.")
    return {(EVT, line, "summary", "text/format-character")}


@package_case("csv/nul")
def _nul_on_the_last_line(pkg):
    n = _last_line(pkg, EVT)
    edit_bytes(pkg, EVT, lambda b: at_line(b, n, b"\x00"))
    return {(EVT, n, None, "csv/nul")}


@package_case("csv/line-ending")
def _one_cr_on_the_last_line(pkg):
    n = _last_line(pkg, EVT)
    edit_bytes(pkg, EVT, lambda b: b[:-1] + b"\r\n")
    return {(EVT, n, None, "csv/line-ending")}


@package_case("csv/empty")
def _only_a_newline(pkg):
    edit_bytes(pkg, EVT, lambda b: b"\n")
    return {(EVT, 1, None, "csv/empty")}


@package_case("csv/no-rows", "csv/parse")
def _header_without_newline(pkg):
    """Only the header, and no newline after it: a file without rows, not a parse error."""
    edit_bytes(pkg, EVT, lambda b: b.split(b"\n")[0])
    return {(EVT, 1, None, "csv/no-rows")}


@package_case("csv/no-rows", "csv/blank-line")
def _header_and_a_blank_line(pkg):
    """A blank line after the header is that line's finding, not a file without rows."""
    edit_bytes(pkg, EVT, lambda b: b.split(b"\n")[0] + b"\n\n")
    return {(EVT, 2, None, "csv/blank-line")}


@package_case("csv/header")
def _two_columns_swapped(pkg):
    edit_bytes(pkg, EVT, lambda b: b.replace(b"event_id,event_key", b"event_key,event_id", 1))
    return {(EVT, 1, None, "csv/header")}


@package_case("csv/blank-line")
def _blank_line_at_the_end(pkg):
    n = _last_line(pkg, EVT)
    edit_bytes(pkg, EVT, lambda b: b + b"\n")
    return {(EVT, n + 1, None, "csv/blank-line")}


@package_case("csv/newline-in-field")
def _newline_at_the_end_of_a_cell(pkg):
    line = set_cells(pkg, "events", 3, summary="Putin signs a decree.\n")
    return {(EVT, line, "summary", "csv/newline-in-field")}


@package_case("csv/ragged-row")
def _one_cell_short(pkg):
    import csv
    import io

    records = list(csv.reader(io.StringIO((pkg / EVT).read_text(encoding="utf-8"))))
    records[2] = records[2][:-1]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    (pkg / EVT).write_text(out.getvalue(), encoding="utf-8")
    return {(EVT, 3, None, "csv/ragged-row")}


@package_case("csv/unclosed-quote")
def _quote_opened_on_the_last_line(pkg):
    n = _last_line(pkg, EVT)
    lines = (pkg / EVT).read_text().split("\n")
    lines[n - 1] = lines[n - 1].replace(",", ',"', 1)
    (pkg / EVT).write_text("\n".join(lines))
    return {(EVT, n, None, "csv/unclosed-quote")}


def _top_line(pkg) -> int:
    return max(int(r["line"]) for r in rows(pkg, "figures"))


def _set_maximum(pkg, top: int) -> None:
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: schema_field(d, "line")["constraints"].update(maximum=top),
    )


@package_case("standard/maximum")
def _at_the_maximum_passes(pkg):
    _set_maximum(pkg, _top_line(pkg))
    return set()


@package_case("standard/maximum")
def _one_above_the_maximum(pkg):
    top = _top_line(pkg)
    _set_maximum(pkg, top - 1)
    found = {i + 2 for i, r in enumerate(rows(pkg, "figures")) if int(r["line"]) == top}
    return {(FIG, line, "line", "standard/maximum") for line in found}


def _unverified(pkg, source_id: str) -> set[tuple]:
    """provenance/unverified on every row (of every table but sources) citing source_id."""
    return {
        (f"data/{p.stem}.csv", i + 2, "source_id", "provenance/unverified")
        for p in (pkg / "data").glob("*.csv")
        if p.stem != "sources"
        for i, r in enumerate(rows(pkg, p.stem))
        if r.get("source_id") == source_id
    }


@package_case("provenance/seed-path", "provenance/unverified")
def _dot_dot_inside_seeds(pkg):
    first = rows(pkg, "sources")[0]
    set_cells(pkg, "sources", 2, seed_file="seeds/../" + first["seed_file"])
    return {
        (SRC, 2, "seed_file", "provenance/seed-path"),
        (first["seed_file"], None, None, "provenance/seed-unlisted"),
    } | _unverified(pkg, first["source_id"])


@package_case("provenance/seed-missing", "provenance/seed-unlisted")
def _seed_renamed(pkg):
    first = rows(pkg, "sources")[0]
    seed = first["seed_file"]
    (pkg / seed).rename(pkg / (seed + ".bak"))
    return {
        (SRC, 2, "seed_file", "provenance/seed-missing"),
        (seed + ".bak", None, None, "provenance/seed-unlisted"),
    } | _unverified(pkg, first["source_id"])


@package_case("provenance/seed-encoding")
def _utf8_with_a_bom_passes(pkg):
    import hashlib

    from conftest import next_source

    source_id, prefix = next_source(pkg)
    seed = pkg / "seeds" / f"{prefix}bom.txt"
    seed.write_bytes("\ufeffLe décret du président.\n".encode())  # UTF-8, with a BOM
    with (pkg / SRC).open("a", encoding="utf-8") as fh:
        sha = hashlib.sha256(seed.read_bytes()).hexdigest()
        fh.write(f"{source_id},seeds/{seed.name},{sha},,,,,,,,1,Le décret du président\n")
    return set()


def _line_1_ends_with(pkg, words: bytes) -> str:
    """``words`` added at the end of the first seed's line 1 (pinned again); its file."""
    import hashlib

    source = rows(pkg, "sources")[0]
    edit_bytes(pkg, source["seed_file"], lambda b: b.replace(b"\n", words + b"\n", 1))
    sha = hashlib.sha256((pkg / source["seed_file"]).read_bytes()).hexdigest()
    set_cells(pkg, "sources", 2, sha256=sha)
    return source["seed_file"]


@package_case("coverage/uncovered")
def _a_number_on_line_1(pkg):
    """A numeral added at the end of a seed's line 1: nothing records it."""
    return {(_line_1_ends_with(pkg, b" 77"), 1, None, "coverage/uncovered")}


@package_case("coverage/statement")
def _a_reporting_word_on_line_1(pkg):
    """A reporting word added at the end of line 1: no row names who said it."""
    return {(_line_1_ends_with(pkg, b" officials said"), 1, None, "coverage/statement")}


@package_case("coverage/statement")
def _a_reporting_word_inside_a_word(pkg):
    """'unsaid' holds 'said' but is no reporting word: nothing to record."""
    _line_1_ends_with(pkg, b" unsaid")
    return set()


@package_case("curation/measure-unit", "curation/unit-words")
def _units_list_without_rows(pkg):
    """The unit code list reads as no table: the figures are not checked against it, and
    the one finding is the file's."""
    edit_bytes(pkg, "data/units.csv", lambda b: b.split(b"\n")[0] + b"\n")
    return {("data/units.csv", 1, None, "csv/no-rows")}


@package_case("curation/measure-unit", "curation/unit-words")
def _figures_without_rows(pkg):
    """The figures read as no table: the code lists are there, and the unit rules do not
    look for the figures' rows."""
    edit_bytes(pkg, FIG, lambda b: b.split(b"\n")[0] + b"\n")
    return {(FIG, 1, None, "csv/no-rows")}


@package_case("curation/measure-unit")
def _measures_list_without_rows(pkg):
    """The measure code list reads as no table: the same for the measures."""
    edit_bytes(pkg, "data/measures.csv", lambda b: b.split(b"\n")[0] + b"\n")
    return {("data/measures.csv", 1, None, "csv/no-rows")}


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_package_boundary(name, pkg, request):
    _, fn = PACKAGES[name]
    args = [pkg] + ([request.getfixturevalue("monkeypatch")] if fn.__code__.co_argcount > 1 else [])
    expected = fn(*args)
    assert located(validate(pkg).findings) == expected


# --- the version gate --------------------------------------------------------------------------
def _with_root_files(path):
    for name in ("CHANGELOG.md", "CITATION.cff"):
        shutil.copy2(ROOT / name, path / name)
    return path


def _gate(base, head):
    from recruitment.core.snapshot import FolderSource, load
    from recruitment.review import diff as d
    from recruitment.review.versioning import check

    return located(
        check(d.compare(load(FolderSource(base)), load(FolderSource(head))), FolderSource(head))
    )


def _version(root) -> tuple[int, int, int]:
    import json

    x, y, z = json.loads((root / "datapackage.json").read_text())["version"].split(".")
    return int(x), int(y), int(z)


def _bumped(head, version: str) -> None:
    edit_json(head, "datapackage.json", lambda d: d.update(version=version))
    text = (head / "CITATION.cff").read_text()
    (head / "CITATION.cff").write_text(re.sub(r"(?m)^version:.*$", f"version: {version}", text))
    with (head / "CHANGELOG.md").open("a") as fh:
        fh.write(f"\n## {version} — 2030-01-01\n\n- A patch.\n")


VERSIONS = {
    "a patch bump for a corrected value passes": (
        "patch",
        lambda x, y, z: f"{x}.{y}.{z + 1}",
        set(),
    ),
    "no bump for a corrected value": ("patch", lambda x, y, z: f"{x}.{y}.{z}", {"version/bump"}),
    "a patch bump for an added row": (
        "minor",
        lambda x, y, z: f"{x}.{y}.{z + 1}",
        {"version/bump"},
    ),
    "a minor bump for an added row passes": ("minor", lambda x, y, z: f"{x}.{y + 1}.0", set()),
    "a leading v": ("patch", lambda x, y, z: f"v{x}.{y}.{z + 1}", {"version/format"}),
}


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_version_gate_boundary(name, tmp_path):
    change, version, rules = VERSIONS[name]
    base = _with_root_files(copy_package(tmp_path / "base"))
    head = _with_root_files(copy_package(tmp_path / "head"))
    if change == "patch":
        line, _ = next((i + 2, r) for i, r in enumerate(rows(head, "events")) if r["notes"])
        set_cells(head, "events", line, notes="A corrected note.")
    else:
        append_row(head, "actors", actor_id="act-zz-new-actor", name="A new actor")
    _bumped(head, version(*_version(base)))
    assert {f[3] for f in _gate(base, head)} == rules


def test_version_gate_changelog_and_citation_edges(tmp_path):
    """An entry for 1.2.30 is none for 1.2.3; CITATION in quotes is read, a comment is not."""
    base = _with_root_files(copy_package(tmp_path / "base"))
    head = _with_root_files(copy_package(tmp_path / "head"))
    x, y, z = _version(base)
    new = f"{x}.{y}.{z + 1}"
    line, _ = next((i + 2, r) for i, r in enumerate(rows(head, "events")) if r["notes"])
    set_cells(head, "events", line, notes="A corrected note.")
    _bumped(head, new)
    text = (head / "CITATION.cff").read_text()
    (head / "CITATION.cff").write_text(
        re.sub(r"(?m)^version:.*$", f'version: "{new}" # quoted', text)
    )
    assert _gate(base, head) == set()
    (head / "CHANGELOG.md").write_text(
        (head / "CHANGELOG.md").read_text().replace(f"## {new} ", f"## {new}0 ")
    )
    (head / "CITATION.cff").write_text(re.sub(r"(?m)^version:.*$", f"version: {new}0", text))
    cff_line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("version:"))
    assert _gate(base, head) == {
        ("CHANGELOG.md", None, None, "version/changelog"),
        ("CITATION.cff", cff_line, "version", "version/citation"),
    }


def test_every_rule_has_a_boundary_case():
    """Derived from the catalogues: a rule added to RULES without a case here fails."""
    covered = set().union(*(c.rules for c in ROWS.values()), *(r for r, _ in PACKAGES.values()))
    covered |= set().union(*({r for r in rules} for _, _, rules in VERSIONS.values()))
    covered |= {"version/changelog", "version/citation"}  # the test just above
    assert sorted((set(RULES) | set(VERSION_RULES)) - covered) == []


def test_unit_rules_count_each_finding_under_its_file_and_rule(pkg):
    """A figure whose unit fits neither its measure's kinds nor its words: both findings
    listed, each counted under (file, rule), and a measure taking two kinds names both."""
    line, row = find_row(pkg, "figures", measure="recruitment_target", unit="persons")
    assert row["quote"][row["quote"].find(row["value_text"]) :].startswith(
        row["value_text"] + " troops"
    )
    set_cells(pkg, "figures", line, unit="years")
    findings = validate(pkg).findings
    assert located(findings) == {
        (FIG, line, "unit", "curation/measure-unit"),
        (FIG, line, "unit", "curation/unit-words"),
    }
    assert findings.by_place == {(FIG, "curation/measure-unit"): 1, (FIG, "curation/unit-words"): 1}
    messages = {f.rule: f.message for f in findings}
    assert messages["curation/measure-unit"] == (
        "unit 'years' is a duration unit; measure 'recruitment_target' takes count or rate "
        "units (data/units.csv, data/measures.csv)."
    )
    assert messages["curation/unit-words"] == (
        f"{row['value_text']!r} is followed by 'troops', words of unit 'persons' "
        "(data/units.csv); the row's unit is 'years'."
    )


def test_unit_rules_check_every_table_that_references_both_code_lists(pkg):
    """The checked tables are found through their foreign keys, not named: a second table
    with the figures' schema is checked too, and the first table's findings stay."""

    def add_copy(d):
        figures = next(r for r in d["resources"] if r["name"] == "figures")
        d["resources"].append(dict(figures, name="figures_b", path="data/figures_b.csv"))

    edit_json(pkg, "datapackage.json", add_copy)
    shutil.copy2(pkg / FIG, pkg / "data/figures_b.csv")
    line, _ = find_row(pkg, "figures", measure="recruitment_target", unit="persons")
    set_cells(pkg, "figures", line, unit="years")
    assert located(validate(pkg).findings) == {
        (FIG, line, "unit", "curation/measure-unit"),
        (FIG, line, "unit", "curation/unit-words"),
    }
