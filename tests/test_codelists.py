"""Code lists as data: their contract, the rules that read them, and the messages they give.

The expectations are derived from the package under test (its code lists and rows), never
from the committed counts.
"""

from __future__ import annotations

import json

import pytest

from conftest import add_row, edit_json, find_row, located, rows, set_cells
from recruitment.checks import nearest
from recruitment.checks.validate import validate
from recruitment.core.package import load_package

FIG = "data/figures.csv"


def rules_of(findings) -> set[str]:
    return {f.rule for f in findings}


# --- the package model --------------------------------------------------------------------


def test_coded_fields_take_their_codes_from_the_code_list(pkg):
    package, findings = load_package(pkg)
    assert findings == []
    figures = package.resources["figures"]
    measures = package.codelist_of(figures, "measure")
    assert measures is not None and measures.is_codelist
    listed = {r["code"]: r["description"] for r in rows(pkg, measures.name)}
    assert package.code_meanings(figures, "measure") == listed
    # an enum field keeps its meanings in the schema, a plain field has none
    qualifier = figures.field("qualifier")
    assert package.code_meanings(figures, "qualifier") == qualifier.enum_descriptions
    assert package.code_meanings(figures, "value_text") is None
    assert measures not in package.evidence and figures in package.evidence


def test_a_new_code_is_a_row_of_the_code_list(pkg):
    """Adding a code takes one row; a figure may then use it."""
    add_row(
        pkg,
        "measures",
        {
            "code": "deserters",
            "label": "deserters",
            "kind": "tally",
            "unit_kinds": "count",
            "description": "Soldiers who left their units without leave.",
        },
    )
    line, _ = find_row(pkg, "figures", unit="persons", measure="casualties")
    set_cells(pkg, "figures", line, measure="deserters")
    assert validate(pkg, use_cache=False).findings == []
    set_cells(pkg, "figures", line, measure="deserter")
    (found,) = validate(pkg, use_cache=False).findings
    assert (found.file, found.line, found.column, found.rule) == (
        FIG,
        line,
        "measure",
        "standard/foreign-key",
    )
    assert found.message.endswith("Did you mean 'deserters'?")


@pytest.mark.parametrize(
    "change, column, says",
    [
        (lambda d: d.update(primaryKey=["label"]), None, "primary key must be code"),
        (
            lambda d: d["fields"][2]["constraints"].update(required=False),
            "description",
            "description must be a required string column",
        ),
        (
            lambda d: d.update(
                foreignKeys=[
                    {"fields": ["code"], "reference": {"resource": "units", "fields": ["code"]}}
                ]
            ),
            None,
            "refers to no other table",
        ),
    ],
)
def test_the_code_list_contract(pkg, change, column, says):
    edit_json(pkg, "schemas/event_types.json", change)
    findings = validate(pkg, use_cache=False).findings
    hits = [f for f in findings if f.rule == "package/codelist"]
    assert [(f.file, f.column) for f in hits] == [("schemas/event_types.json", column)]
    assert says in hits[0].message


def test_a_code_list_that_cites_a_seed_is_refused(pkg):
    def cite(d):
        d["fields"].append({"name": "quote", "type": "string"})

    edit_json(pkg, "schemas/actor_kinds.json", cite)
    findings = validate(pkg, use_cache=False).findings
    assert ("schemas/actor_kinds.json", None, "quote", "package/codelist") in located(findings)


def test_an_unknown_role_is_unsupported(pkg):
    def role(d):
        next(r for r in d["resources"] if r["name"] == "units")["role"] = "lookup"

    edit_json(pkg, "datapackage.json", role)
    findings = validate(pkg, use_cache=False).findings
    assert [f.rule for f in findings] == ["package/unsupported"]
    assert "role: lookup" in findings[0].message


def test_a_code_list_over_its_size_limit_is_not_read(pkg, monkeypatch):
    from recruitment import limits

    package, _ = load_package(pkg)
    sizes = {
        r.path: (pkg / r.path).stat().st_size for r in package.resources.values() if r.is_codelist
    }
    biggest, size = max(sizes.items(), key=lambda kv: kv[1])
    monkeypatch.setattr(limits, "CODELIST_MAX_BYTES", size - 1)
    findings = validate(pkg, use_cache=False).findings
    assert (biggest, None, None, "file/size") in located(findings)
    monkeypatch.setattr(limits, "CODELIST_MAX_BYTES", size)
    assert validate(pkg, use_cache=False).findings == []


# --- curation/measure-unit ------------------------------------------------------------------


def _unit_of_kind(pkg, kind: str) -> str:
    return next(r["code"] for r in rows(pkg, "units") if r["kind"] == kind)


def test_each_listed_unit_kind_is_accepted_and_no_other(pkg):
    """A measure that takes two kinds accepts either (its boundary) and refuses a third."""
    measures = {r["code"]: r for r in rows(pkg, "measures")}
    code = next(c for c, r in measures.items() if len(r["unit_kinds"].split()) == 2)
    kinds = measures[code]["unit_kinds"].split()
    line, _ = find_row(pkg, "figures", unit="persons")
    set_cells(pkg, "figures", line, measure=code, notes="A unit-kind test row.")
    for kind in kinds:
        set_cells(pkg, "figures", line, unit=_unit_of_kind(pkg, kind))
        found = validate(pkg, use_cache=False).findings
        assert "curation/measure-unit" not in rules_of(found), found
    other = next(k for k in ("count", "rate", "currency", "share", "duration") if k not in kinds)
    set_cells(pkg, "figures", line, unit=_unit_of_kind(pkg, other))
    found = [
        f for f in validate(pkg, use_cache=False).findings if f.rule == "curation/measure-unit"
    ]
    assert [(f.line, f.column) for f in found] == [(line, "unit")]


# --- curation/unit-words ------------------------------------------------------------------


def _figure_saying(pkg, after: str, unit: str, measure: str) -> int:
    """Make the row citing 'N troops' say 'N <after>' in its quote and seed line."""
    line, row = find_row(pkg, "figures", unit="persons", quote=lambda q: "troops" in q)
    seed = next(r["seed_file"] for r in rows(pkg, "sources") if r["source_id"] == row["source_id"])
    quote = row["quote"].replace(f"{row['value_text']} troops", f"{row['value_text']} {after}")
    path = pkg / seed
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[int(row["line"]) - 1] = lines[int(row["line"]) - 1].replace(row["quote"], quote)
    path.write_text("\n".join(lines), encoding="utf-8")
    import hashlib

    sources_line, src = find_row(pkg, "sources", source_id=row["source_id"])
    set_cells(pkg, "sources", sources_line, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    set_cells(pkg, "figures", line, quote=quote, unit=unit, measure=measure)
    return line


def _unit_words_findings(pkg):
    return [f for f in validate(pkg, use_cache=False).findings if f.rule == "curation/unit-words"]


def test_money_words_name_a_currency(pkg):
    line = _figure_saying(pkg, "roubles in bonuses", "persons", "recruits")
    (found,) = _unit_words_findings(pkg)
    assert (found.line, found.column) == (line, "unit")
    assert "followed by 'roubles', words of unit 'rub'" in found.message


def test_the_longest_words_win(pkg):
    """'roubles a month' is rub_per_month: rub is wrong, rub_per_month right."""
    line = _figure_saying(pkg, "roubles a month", "rub", "pay")
    (found,) = _unit_words_findings(pkg)
    assert found.line == line and "'rub_per_month'" in found.message
    set_cells(pkg, "figures", line, unit="rub_per_month")
    assert _unit_words_findings(pkg) == []


def test_words_match_whole_words_only(pkg):
    """'regionsx' is no unit word ('regions' must end at a non-letter)."""
    _figure_saying(pkg, "regionsx", "persons", "recruits")
    assert _unit_words_findings(pkg) == []


def test_words_that_name_no_unit_say_nothing(pkg):
    _figure_saying(pkg, "new faces", "rub", "signing_bonus")
    assert _unit_words_findings(pkg) == []


# --- did you mean --------------------------------------------------------------------------


@pytest.fixture
def lookups():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE k AS SELECT * FROM (VALUES ('casualties'), ('fatalities'), ('rub'),"
        " ('rub_per_month'), ('hours'), ('act-uk-mod'), ('act-military-observers')) t(k)"
    )
    return con


@pytest.mark.parametrize(
    "value, names, meanings, expected",
    [
        ("casualty", None, None, "casualties"),  # edit distance
        (
            "roubles",
            {"rub": ["roubles", "rubles"], "rub_per_month": ["roubles a month"]},
            None,
            "rub",
        ),
        ("roubles", None, None, None),  # 'hours' is 3 edits from 7 letters: too far
        ("about", None, {"casualties": "killed about", "rub": "money"}, "casualties"),
        ("about", None, {"casualties": "about", "rub": "about"}, None),  # two meanings: none
        (
            "act-uk-ministry-of-defence",
            {"act-uk-mod": ["UK Ministry of Defence"], "act-military-observers": ["observers"]},
            None,
            "act-uk-mod",
        ),
        ("xyzzy", None, None, None),
        ("casualties", None, None, None),  # an existing key is never its own suggestion
    ],
)
def test_nearest(lookups, value, names, meanings, expected):
    found = nearest.suggestions(lookups, [value], "SELECT k FROM k", names, meanings)
    assert found.get(value) == expected
    assert nearest.hint(value, found) == (f" Did you mean {expected!r}?" if expected else "")


def test_nearest_is_bounded(lookups, monkeypatch):
    monkeypatch.setattr(nearest, "MAX_VALUES", 2)
    found = nearest.suggestions(lookups, ["casualtie", "fatalitie", "casualty"], "SELECT k FROM k")
    assert set(found) == {"casualtie", "fatalitie"}
    monkeypatch.setattr(nearest, "MAX_CANDIDATES", 3)
    assert nearest.suggestions(lookups, ["casualty"], "SELECT k FROM k") == {}


# --- findings that save round trips ------------------------------------------------------


def test_a_ragged_row_hides_no_other_finding(pkg):
    path = pkg / "data/events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] += ",one too many"  # CSV line 3
    other = 5  # and a bad id on CSV line 5
    lines[other - 1] = "evt-x," + lines[other - 1].split(",", 1)[1]
    path.write_text("\n".join(lines), encoding="utf-8")
    findings = validate(pkg, use_cache=False).findings
    assert ("data/events.csv", 3, None, "csv/ragged-row") in located(findings)
    assert ("data/events.csv", other, "event_id", "standard/pattern") in located(findings)
    # no echo: the rows that cite the left-out event are not said to cite nothing
    assert "standard/foreign-key" not in rules_of(findings)


def test_findings_name_the_row_id_in_every_format(pkg):
    from recruitment.report import as_github, as_json, as_text

    line, row = find_row(pkg, "figures", qualifier="exact", value=lambda v: v != "")
    set_cells(pkg, "figures", line, qualifier="about")
    findings = validate(pkg, use_cache=False).findings
    (found,) = findings
    assert found.row == row["figure_id"]
    assert f"line {line} ({row['figure_id']}), column qualifier:" in as_text(findings)
    assert json.loads(as_json(findings))["findings"][0]["row"] == row["figure_id"]
    assert f"({row['figure_id']}%2C qualifier)" in as_github(findings)


def test_no_message_says_none(pkg):
    """An upper-bound qualifier with empty bounds: the message says 'empty'."""
    line, _ = find_row(pkg, "figures", qualifier="exact", value=lambda v: v != "")
    set_cells(pkg, "figures", line, qualifier="up_to")
    (found,) = validate(pkg, use_cache=False).findings
    assert found.rule == "rules/qualifier-bounds"
    assert "None" not in found.message
    assert "value_low empty, value_high empty" in found.message
    assert "needs a value, value_high equal to it and no value_low" in found.message


def test_a_blank_line_citation_names_the_seed_and_where_the_quote_stands(pkg):
    src_line, src = find_row(pkg, "sources", source_id=lambda s: True)
    seed = (pkg / src["seed_file"]).read_text(encoding="utf-8").split("\n")
    blank = next(i for i, t in enumerate(seed, 1) if not t.strip() and i < len(seed))
    line, row = find_row(pkg, "figures", source_id=src["source_id"])
    set_cells(pkg, "figures", line, line=blank)
    found = [
        f for f in validate(pkg, use_cache=False).findings if f.rule == "provenance/line-blank"
    ]
    assert [(f.line, f.column) for f in found] == [(line, "line")]
    assert f"of {src['source_id']}'s seed ({src['seed_file']}) is blank" in found[0].message
    assert f"the quote stands on line {row['line']}" in found[0].message
