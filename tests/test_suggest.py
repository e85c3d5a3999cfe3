"""recruitment suggest: a draft for every span left, drafts that validate once a reviewer
fills them, and the measured quality on the real seeds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package, next_source
from recruitment.checks.coverage import SPAN_PATTERN
from recruitment.checks.dates import resolve
from recruitment.checks.rules import MAX_SPAN_DAYS
from recruitment.checks.validate import validate
from recruitment.cli import main
from recruitment.core.package import load_package
from recruitment.curate.add_source import add_source
from recruitment.curate.spans import SPAN_RE, quote_for
from recruitment.curate.suggest import REVIEW_COLUMNS, outstanding, suggest

FIXTURES = ROOT / "tests" / "fixtures"
ARTICLE = FIXTURES / "suggest_article.txt"
NEW, _ = next_source(ROOT)  # the source id add-source gives ARTICLE
EXPECTED = FIXTURES / "suggest_article_expected.csv"
TABLES = ("actors", "figures", "events", "exclusions")

sys.path.insert(0, str(ROOT / "bench"))
import suggest_eval  # noqa: E402


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> Path:
    """The package with the fixture article added (as NEW) and nothing recorded from it."""
    pkg = copy_package(tmp_path_factory.mktemp("suggest") / "pkg")
    suggest_eval.ensure_codes(pkg)  # the measures and units an ordinary article needs
    add_source(pkg, ARTICLE)
    return pkg


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _key(table, line, words):
    return (table, int(line), words)


def _facts(d) -> dict:
    row = d.row
    out = {"reason": row.get("reason")}
    if d.table == "figures":
        out |= {k: row[k] for k in ("value", "value_low", "value_high", "qualifier", "unit")}
        out["measure"] = row["measure"]
    if d.table == "events":
        out |= {
            "start": row["date_start"],
            "end": row["date_end"],
            "precision": row["date_precision"],
            "basis": row["date_basis"],
        }
    return {k: "" if v is None else str(v) for k, v in out.items() if v is not None}


def test_every_number_date_and_name_of_the_fixture_is_drafted_as_expected(added):
    words = {"figures": "value_text", "events": "date_text", "exclusions": "span_text"}
    drafts = [  # one per expression; statements without date words are tested apart
        d for d in suggest(added, NEW).drafts if d.table in words and d.row[words[d.table]]
    ]
    got = {_key(d.table, d.row["line"], d.row[words[d.table]]): _facts(d) for d in drafts}
    with EXPECTED.open(encoding="utf-8", newline="") as fh:
        expected = {
            _key(r.pop("table"), r.pop("line"), r.pop("words")): {k: v for k, v in r.items() if v}
            for r in csv.DictReader(fh)
        }
    assert len(drafts) == len(got)  # one draft per expression
    assert sorted(got) == sorted(expected)
    for key, facts in expected.items():
        assert {k: got[key].get(k, "") for k in facts} == facts, key


def test_no_span_is_left_without_a_draft(added):
    drafts = suggest(added, NEW).drafts
    text = (added / drafts[0].seed_file).read_text(encoding="utf-8").split("\n")
    left = outstanding(validate(added))
    assert left
    for seed_file, line, span in left:
        assert seed_file == drafts[0].seed_file
        held = [
            m.group()
            for d in drafts
            if d.row["line"] == line
            for lo, hi in _words_at(text[line - 1], d)
            for m in SPAN_RE.finditer(text[line - 1], lo, hi)
        ]
        assert span in held, (line, span)


def _words_at(text: str, d) -> list[tuple[int, int]]:
    """Where a draft's words stand on its line: its own, and a figure's period words."""
    out = [(d.start, d.end)]
    period = d.row.get("period_text")
    if period and d.row["quote"]:
        at = text.index(d.row["quote"]) + d.row["quote"].index(period)
        out.append((at, at + len(period)))
    return out


FILL_INTERVAL = {
    "day": ("2024-04-30", "2024-04-30"),
    "week": ("2024-04-22", "2024-04-28"),
    "month": ("2024-03-01", "2024-03-31"),
    "season": ("2024-03-01", "2024-05-31"),
    "year": ("2024-01-01", "2024-12-31"),
}


def _reviewed(table: str, row: dict) -> dict:
    """What a reviewer adds: only the columns the draft leaves empty and the table requires."""
    if table == "actors":
        row["kind"] = row["kind"] or "collective"
    if table == "figures" and not row["measure"]:  # left to the reviewer: no code fits
        row["measure"], row["unit"] = "recruitment_target", row["unit"] or "persons"
        row["claim_key"] = f"test-{row['figure_id']}"
    if table == "events" and row["date_basis"] == "inferred" and row["date_start"]:
        row["summary"] = row["summary"] or "A synthetic statement of the test article."
        return row  # the drafted interval of an undated statement, with its notes
    if table == "events":
        row["summary"] = row["summary"] or "A synthetic event of the test article."
        row["event_type"] = row["event_type"] or "statement"
        if row["date_basis"] != "stated":
            # CONTRIBUTING: relative words take the one resolver's interval; words it cannot
            # read become inferred, with the reviewer's interval and reasoning.
            published = dt.date(2024, 5, 2)
            resolved = resolve(row["date_text"], published, published)
            if row["date_basis"] == "relative" and resolved is not None:
                start, end = resolved
                row["date_start"], row["date_end"] = start.isoformat(), end.isoformat()
                row["date_precision"] = next(
                    p for p, days in MAX_SPAN_DAYS.items() if (end - start).days <= days
                )
            else:
                row["date_basis"] = "inferred"
                row["date_start"], row["date_end"] = FILL_INTERVAL[row["date_precision"]]
            row["notes"] = "Resolved in the test against the article date 2024-05-02."
    return row


def test_drafts_from_the_csv_validate_once_a_reviewer_fills_them(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    add_source(pkg, ARTICLE)
    result = run("suggest", NEW, "--package", pkg, "--format", "csv")
    assert result.exit_code == 0, result.output
    blocks = result.output.split("\n\n")
    assert len(blocks) == len(TABLES)
    resources = load_package(pkg)[0].resources
    for block in blocks:
        reader = csv.DictReader(io.StringIO(block))
        table = next(t for t in TABLES if resources[t].field_names[0] == reader.fieldnames[0])
        assert reader.fieldnames == [*resources[table].field_names, *REVIEW_COLUMNS]
        with (pkg / "data" / f"{table}.csv").open("a", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(
                fh, fieldnames=resources[table].field_names, lineterminator="\n"
            )
            for row in reader:
                for column in REVIEW_COLUMNS:
                    del row[column]
                writer.writerow(_reviewed(table, row))
    findings = validate(pkg).findings
    # suggest drafts numbers and dates; the article's statements are left to the curator
    assert [f for f in findings if f.rule != "coverage/statement"] == []


def test_a_wrong_draft_would_fail_validation(tmp_path):
    """The check above can fail: a draft whose quote misses its words is caught."""
    pkg = copy_package(tmp_path / "pkg")
    add_source(pkg, ARTICLE)
    draft = next(d for d in suggest(pkg, NEW).drafts if d.table == "figures")
    row = {k: "" if v is None else str(v) for k, v in draft.row.items()}
    row["quote"] = row["quote"].replace(row["value_text"], "").strip() or "x" * 8
    with (pkg / "data" / "figures.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(row), lineterminator="\n").writerow(row)
    rules = {f.rule for f in validate(pkg).findings}
    assert "provenance/text-in-quote" in rules or "provenance/quote" in rules


def _eval_expected(path: Path, bump: int = 0) -> Path:
    """The fixture's expected figures in the evaluation's format (bench/suggest_eval/)."""
    with EXPECTED.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["table"] == "figures"]
    header = ["kind", "line", "text", "measure", "value", "value_low", "value_high",
              "qualifier", "unit", "claimed_by", "reported_by", "subject", "period_start",
              "period_end", "period_text", "date_start", "date_end", "notes"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, restval="", lineterminator="\n")
        writer.writeheader()
        for r in rows:
            value = str(int(r["value"]) + bump) if r["value"] else ""
            writer.writerow({**{k: r[k] for k in header if k in r}, "kind": "figure",
                             "text": r["words"], "value": value})  # fmt: skip
    return path


def test_suggest_eval_scores_the_fixture_article_field_by_field(tmp_path):
    expected = _eval_expected(tmp_path / "expected.csv")
    outcomes = suggest_eval.evaluate_article(ROOT, ARTICLE, expected, tmp_path / "a")
    assert len(outcomes) == len(suggest_eval.expected_rows(ARTICLE, expected))
    assert all(o.drafted and o.marks["value"] == "right" for o in outcomes)
    shares = suggest_eval.summary(outcomes)
    assert set(shares) == set(suggest_eval.FIELDS) and not shares["dates"]
    # The same drafts against expected values one higher: every value is wrong, not empty.
    wrong = _eval_expected(tmp_path / "wrong.csv", bump=1)
    outcomes = suggest_eval.evaluate_article(ROOT, ARTICLE, wrong, tmp_path / "b")
    scalar = [o for o in outcomes if o.got.get("value") != "-" and o.marks["value"] != "right"]
    assert scalar and all(o.marks["value"] == "wrong" for o in scalar)


@pytest.mark.parametrize(
    ("got", "want", "right"),
    [
        ("act-a", "act-a", True),
        ("act-a", "act-b", False),
        ("act-a", "act-b|act-a", True),
        ("act-new", "new:Vyorstka", True),  # the draft's new actor holds the words
        ("act-new", "new:TASS", False),
        ("act-a", "new:Vyorstka", False),  # an existing actor where a new one is expected
        ("act-new", "new:Vyorstka;not:independent", False),  # the words hold what must not be
        ("act-new", "new:Vyorstka;not:Nepal", True),
    ],
)
def test_suggest_eval_claimants(got, want, right):
    new = {"act-new": ["the independent outlet Vyorstka", "Vyorstka"]}
    assert suggest_eval._actor_right(got, want, new) is right


def test_json_format_and_unknown_source(added):
    result = run("suggest", NEW, "--package", added, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert {d["table"] for d in doc["drafts"]} == set(TABLES)
    fields = load_package(added)[0].resources["figures"].field_names
    figure = next(d for d in doc["drafts"] if d["table"] == "figures")
    assert list(figure["row"]) == fields and figure["confidence"] and figure["why"]
    unknown = run("suggest", "src-999", "--package", added)
    assert unknown.exit_code == 2 and "src-999" in unknown.output


def test_write_goes_to_a_file_but_never_into_data(added, tmp_path):
    out = tmp_path / "drafts.csv"
    result = run("suggest", "--package", added, "--format", "csv", "--table", "figures",
                 "--write", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert written.startswith("figure_id,") and "date_basis" not in written
    figures = sum(d.table == "figures" for d in suggest(added).drafts)
    assert f"wrote {figures} draft(s)" in result.output
    before = sorted((added / "data").iterdir())
    refused = run("suggest", "--package", added, "--write", added / "data" / "drafts.csv")
    assert refused.exit_code == 2 and "inside data/" in refused.output
    assert sorted((added / "data").iterdir()) == before


def test_hostile_seed_text_never_starts_an_output_line_or_prints_raw_controls(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    article = tmp_path / "hostile.txt"
    article.write_text(
        "date 2024-05-02 A hostile article.\n"
        "::error file=x::12 men joined, \x1b[2Jabout 30 more\u2028::warning::40 troops left.\n",
        encoding="utf-8",
    )
    add_source(pkg, article)
    for fmt in ("text", "json", "csv"):
        result = run("suggest", "--package", pkg, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "12" in result.output and "40" in result.output
        for line in result.output.split("\n"):
            assert not line.startswith("::"), (fmt, line)
        assert not any(ch in result.output for ch in "\x1b\u2028\r"), fmt


@pytest.mark.parametrize(
    ("line", "words", "quote"),
    [
        (
            "He said, on reflection, that 400,000 troops left.",
            "400,000",
            "that 400,000 troops left",
        ),
        ("In 2023, troops left.", "2023", "In 2023, troops left"),  # widened to 8 characters
        (
            "Putin on March 27, 2023 signed it.",
            "March 27, 2023",
            "Putin on March 27, 2023 signed it",
        ),
        ("=+ 12 men joined today", "12", "12 men joined today"),
    ],
)
def test_quote_is_the_shortest_clause_holding_the_words(line, words, quote):
    start = line.index(words)
    got, offset = quote_for(line, start, start + len(words))
    assert got == quote and line[offset : offset + len(got)] == got


def test_python_reads_the_coverage_pattern_as_duckdb_does():
    lines = [
        line
        for seed in sorted((ROOT / "seeds").iterdir())
        for line in seed.read_text(encoding="utf-8").split("\n")
    ]
    lines += [ARTICLE.read_text(encoding="utf-8"), "Ünïcode ２０ 1.5e3 25th 1,2,3 Su-24M’s"]
    con = duckdb.connect()
    for line in lines:
        (duck,) = con.execute("SELECT regexp_extract_all(?, ?)", [line, SPAN_PATTERN]).fetchone()
        assert SPAN_RE.findall(line) == duck, line


def test_validate_does_not_import_the_drafting_code(committed):
    code = (
        "import sys, recruitment.checks.validate as v; assert v.validate(sys.argv[1]).valid; "
        "print(sorted(m for m in sys.modules if m.startswith('recruitment')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(committed)], capture_output=True, text=True, check=True
    )
    assert "recruitment.checks.coverage" in done.stdout  # the list is the one validate loaded
    assert (
        "recruitment.curate.suggest" not in done.stdout
        and "recruitment.curate.spans" not in done.stdout
    )


# ---------------------------------------------------------------- codes, claimants, dates

ATTRIBUTED = FIXTURES / "suggest_attributed.txt"
TEST_ACTOR = {
    "actor_id": "act-test-mod",
    "name": "Test Ministry of Defence",
    "kind": "ministry",
    "country": "GBR",
    "aliases": "Test Ministry of Defence",
}


def _attributed(tmp_path: Path, codes: bool) -> tuple[Path, str, list]:
    """A package with an actor of the test's own and the attributed article added."""
    pkg = copy_package(tmp_path / "pkg")
    if codes:
        suggest_eval.ensure_codes(pkg)
    else:
        _drop_money_codes(pkg)
    path = pkg / "data" / "actors.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, first = reader.fieldnames, next(reader)
    citation = {k: first[k] for k in ("source_id", "line", "quote")}
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, header, lineterminator="\n").writerow({**TEST_ACTOR, **citation})
    source_id = add_source(pkg, ATTRIBUTED).source_id
    return pkg, source_id, suggest(pkg, source_id).drafts


def _drop_money_codes(pkg: Path) -> None:
    """Remove every unit of kind currency, and every measure that takes only money, from
    the package copy's code lists (a package that has no codes for money)."""
    for name, keep in (
        ("units", lambda r: r["kind"] != "currency"),
        ("measures", lambda r: r["unit_kinds"].split() != ["currency"]),
    ):
        path = pkg / "data" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header, rows = reader.fieldnames, [r for r in reader if keep(r)]
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def _figure(drafts, line: int):
    return next(d for d in drafts if d.table == "figures" and d.row["line"] == line)


def test_money_is_never_drafted_as_a_count_of_persons(tmp_path):
    """Without money codes in the package the unit and measure stay empty, and validate
    stops the row; with them, roubles and a bonus."""
    _, _, drafts = _attributed(tmp_path / "a", codes=False)
    bonus = _figure(drafts, 3)
    assert bonus.row["value"] == 2500000
    assert bonus.row["unit"] is None and bonus.row["measure"] is None
    assert bonus.field_confidence["unit"] == bonus.field_confidence["measure"] == "empty"
    assert bonus.confidence == "low"
    _, _, drafts = _attributed(tmp_path / "b", codes=True)
    bonus = _figure(drafts, 3)
    assert (bonus.row["unit"], bonus.row["measure"]) == ("rub", "signing_bonus")
    assert _figure(drafts, 4).row["unit"] == "persons_per_day"


def test_claimants_from_the_attribution_lexicon(tmp_path):
    _, source_id, drafts = _attributed(tmp_path, codes=True)
    assert _figure(drafts, 2).row["claimed_by"] == TEST_ACTOR["actor_id"]  # its name
    new = {d.row["actor_id"]: d.row for d in drafts if d.table == "actors"}
    relayed = _figure(drafts, 3)  # "a statement carried by Testfax"
    assert relayed.row["claimed_by"] is None
    assert new[relayed.row["reported_by"]]["name"] == "Testfax"
    told = _figure(drafts, 4)  # "The ministry told state media": the ministry of line 2
    assert told.row["claimed_by"] == TEST_ACTOR["actor_id"]
    assert new[told.row["reported_by"]]["name"] == "state media"
    assert all(r["source_id"] == source_id and r["quote"] for r in new.values())
    assert told.field_confidence["claimed_by"] == "medium"


def test_relative_dates_resolved_and_periods_not_taken_from_a_statement(tmp_path):
    _, _, drafts = _attributed(tmp_path, codes=True)
    published = dt.date(2024, 5, 2)
    monday = next(d for d in drafts if d.table == "events" and d.row["date_text"] == "on Monday")
    assert (monday.row["date_start"], monday.row["date_end"]) == resolve(
        "on Monday", published, published
    )
    assert monday.row["date_basis"] == "relative" and monday.row["notes"]
    assert monday.row["event_type"] == "statement"
    assert monday.row["actor_id"] == TEST_ACTOR["actor_id"]
    figure = _figure(drafts, 2)  # "said on Monday that 2,000 … since January"
    assert (figure.row["period_start"], figure.row["period_end"]) == (
        dt.date(2024, 1, 1),
        published,
    )
    assert figure.row["period_basis"] == "inferred" and "since January" in figure.row["quote"]
    deadline = next(d for d in drafts if d.table == "events" and d.row["line"] == 5)
    assert deadline.row["date_start"] is None  # "before December 31" may lie ahead
    assert deadline.field_confidence["date"] == "empty"
    undated = next(d for d in drafts if d.table == "events" and d.row["line"] == 4)
    assert undated.row["date_basis"] == "inferred"  # CONTRIBUTING: undated statements
    assert undated.row["date_start"] == published - dt.timedelta(days=6)


def test_codes_come_from_the_code_list_a_column_references():
    """A unit a contributor adds to a code list table (currency and per columns) is drafted
    as soon as it is there; the enum path knows only the project's own codes."""
    from recruitment.curate.codes import Codes, Unit, _unit_of

    assert _unit_of("gbp", "GBP", None) == Unit("gbp", "money", "GBP")
    assert _unit_of("persons_per_week", None, "week") == Unit(
        "persons_per_week", "persons", None, "week"
    )
    assert _unit_of("gbp", None, None) is None  # no currency column: not known
    codes = Codes({"pay"}, {"gbp": _unit_of("gbp", "GBP", None)})
    from recruitment.curate.spans import read_line

    (pounds,) = [
        e for e in read_line("Recruits are paid 5,000 pounds.", codes) if e.kind == "number"
    ]
    assert (pounds.facts["unit"], pounds.facts["measure"]) == ("gbp", "pay")
    (none,) = [e for e in read_line("Recruits are paid 5,000 pounds.") if e.kind == "number"]
    assert none.facts["unit"] is None  # the project's codes have no pounds
    counted = Codes(set(), {"countries": _unit_of("countries", None, None, "count")},
                    {"countries": "countries"})  # fmt: skip
    line = "Foreigners from 48 countries signed up."
    (n,) = [e for e in read_line(line, counted) if e.kind == "number"]
    assert n.facts["unit"] == "countries"  # a code a contributor adds, by its words


def test_code_lists_are_read_through_the_foreign_key(tmp_path):
    import duckdb as ddb

    from recruitment.core.package import Field, ForeignKey, Package, Resource
    from recruitment.curate.codes import from_package

    def field(name, enum=None):
        return Field(name, "string", name, "", {"enum": enum} if enum else {}, {})

    columns = [field(c) for c in ("code", "kind", "currency", "per", "words")]
    units = Resource("units", "", "", "data/units.csv", "", columns, ["code"], [])
    figures = Resource("figures", "", "", "", "", [field("measure", ["pay"]), field("unit")],
                       [], [ForeignKey(["unit"], "units", ["code"])])  # fmt: skip
    pkg = Package(tmp_path, {}, {"units": units, "figures": figures})
    con = ddb.connect()
    con.execute(
        "CREATE TABLE units (code VARCHAR, kind VARCHAR, currency VARCHAR, per VARCHAR, "
        "words VARCHAR)"
    )
    con.execute(
        "INSERT INTO units VALUES ('gbp', 'currency', 'GBP', NULL, 'pounds|pounds sterling'), "
        "('rub_per_week', 'currency', 'RUB', 'week', NULL), "
        "('countries', 'count', NULL, NULL, 'countries|nations')"
    )
    codes = from_package(pkg, con, {"units", "figures"})
    assert codes.measures == {"pay"}
    assert codes.unit("money", "GBP") == "gbp" and codes.unit("money", "RUB", "week")
    assert codes.words == {"pounds": "gbp", "countries": "countries", "nations": "countries"}
    assert from_package(pkg, con, {"figures"}).units == {}  # the table did not load
