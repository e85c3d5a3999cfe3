"""Hostile and broken contributions: each gets a clear finding and leaves dist/ as it was.

Every case breaks a copy of the package the way a stranger's pull request might, runs
``recruitment export`` over an existing dist/, and expects: the exit code, the rule and the
line named in the output, no traceback, and dist/ byte for byte unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from conftest import at_line, edit_bytes, edit_json, find_row, schema_field, set_cells, snapshot
from recruitment.cli import main

FIG, EVT, SRC, ACT = "data/figures.csv", "data/events.csv", "data/sources.csv", "data/actors.csv"


@dataclass
class Hostile:
    rule: str
    file: str
    line: int | None = None
    exit_code: int = 1


CASES: dict[str, Callable] = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def _lines(pkg, rel):
    return (pkg / rel).read_text(encoding="utf-8").split("\n")


def _write_lines(pkg, rel, lines):
    (pkg / rel).write_text("\n".join(lines), encoding="utf-8")


# --- CSV ----------------------------------------------------------------------------------
def _edit_records(pkg, rel, fn) -> None:
    """Rewrite a CSV through the csv module, ``fn`` changing its list of records."""
    import csv
    import io

    records = list(csv.reader(io.StringIO((pkg / rel).read_text(encoding="utf-8"))))
    fn(records)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    (pkg / rel).write_text(out.getvalue(), encoding="utf-8")


@case
def unclosed_quote(pkg):
    lines = _lines(pkg, EVT)
    lines[4] = 'evt-9999,"never closed'
    _write_lines(pkg, EVT, lines)
    return Hostile("csv/unclosed-quote", EVT, 5)


@case
def too_few_cells(pkg):
    _edit_records(pkg, EVT, lambda rs: rs[2].pop())
    return Hostile("csv/ragged-row", EVT, 3)


@case
def too_many_cells(pkg):
    _edit_records(pkg, EVT, lambda rs: rs[2].append("surplus"))
    return Hostile("csv/ragged-row", EVT, 3)


@case
def empty_file(pkg):
    edit_bytes(pkg, ACT, lambda b: b"")
    return Hostile("csv/empty", ACT, 1)


@case
def header_only(pkg):
    edit_bytes(pkg, ACT, lambda b: b.split(b"\n")[0] + b"\n")
    return Hostile("csv/no-rows", ACT, 1)


@case
def missing_column(pkg):
    _edit_records(pkg, ACT, lambda rs: [r.pop() for r in rs])
    return Hostile("csv/header", ACT, 1)


@case
def extra_column(pkg):
    lines = _lines(pkg, ACT)
    _write_lines(pkg, ACT, [ln + ",x" if ln else ln for ln in lines])
    return Hostile("csv/header", ACT, 1)


@case
def renamed_column(pkg):
    edit_bytes(pkg, ACT, lambda b: b.replace(b"aliases", b"alias", 1))
    return Hostile("csv/header", ACT, 1)


@case
def duplicated_column(pkg):
    edit_bytes(pkg, ACT, lambda b: b.replace(b"aliases", b"name", 1))
    return Hostile("csv/header", ACT, 1)


@case
def blank_line_in_the_middle(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 6, b"\n"))
    return Hostile("csv/blank-line", EVT, 6)


@case
def newline_inside_a_field(pkg):
    set_cells(pkg, "events", 4, summary="first line\nsecond line")
    return Hostile("csv/newline-in-field", EVT, 4)


@case
def crlf_line_ends(pkg):
    edit_bytes(pkg, EVT, lambda b: b.replace(b"\n", b"\r\n"))
    return Hostile("csv/line-ending", EVT, 1)


@case
def utf8_bom(pkg):
    edit_bytes(pkg, EVT, lambda b: b"\xef\xbb\xbf" + b)
    return Hostile("csv/bom", EVT, 1)


@case
def latin1_bytes(pkg):
    set_cells(pkg, "actors", 2, name="Vladimir Pütin")  # ü is one byte, 0xFC, in Latin-1
    edit_bytes(pkg, ACT, lambda b: b.decode("utf-8").encode("latin-1", errors="replace"))
    return Hostile("csv/encoding", ACT, 2)


@case
def utf16_bytes(pkg):
    edit_bytes(pkg, ACT, lambda b: b.decode("utf-8").encode("utf-16"))
    return Hostile("csv/nul", ACT, 1)


@case
def invalid_utf8(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 7, b"\xc3\x28"))
    return Hostile("csv/encoding", EVT, 7)


@case
def nul_byte(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 8, b"\x00"))
    return Hostile("csv/nul", EVT, 8)


@case
def ten_megabyte_line(pkg):
    return Hostile("standard/max-length", FIG, set_cells(pkg, "figures", 3, notes="x" * 10_000_000))


# --- values -------------------------------------------------------------------------------
@case
def leading_space(pkg):
    return Hostile("text/whitespace", ACT, set_cells(pkg, "actors", 2, name=" Vladimir Putin"))


@case
def trailing_space(pkg):
    return Hostile("text/whitespace", ACT, set_cells(pkg, "actors", 2, name="Vladimir Putin "))


@case
def non_breaking_space(pkg):
    return Hostile("text/whitespace", ACT, set_cells(pkg, "actors", 2, name="Putin\u00a0"))


@case
def nfd_text(pkg):
    return Hostile(
        "text/nfc", EVT, set_cells(pkg, "events", 2, summary="Zaporizhzhia re\u0301gion")
    )


@case
def ids_that_differ_only_by_case(pkg):
    _, first = find_row(pkg, "figures")
    line = set_cells(pkg, "figures", 3, figure_id=first["figure_id"].upper())
    return Hostile("standard/pattern", FIG, line)


@case
def locale_thousands_dot(pkg):
    line, _ = find_row(pkg, "figures", value="134500")
    return Hostile("standard/type", FIG, set_cells(pkg, "figures", line, value="134.500"))


@case
def locale_thousands_space(pkg):
    line, _ = find_row(pkg, "figures", value="134500")
    return Hostile("standard/type", FIG, set_cells(pkg, "figures", line, value="134 500"))


@case
def date_in_another_format(pkg):
    return Hostile("standard/type", EVT, set_cells(pkg, "events", 2, date_start="30/03/2023"))


@case
def nan_value(pkg):
    line, _ = find_row(pkg, "figures", qualifier="exact")
    return Hostile("standard/type", FIG, set_cells(pkg, "figures", line, value="NaN"))


@case
def inf_value(pkg):
    line, _ = find_row(pkg, "figures", qualifier="exact")
    return Hostile("standard/type", FIG, set_cells(pkg, "figures", line, value="inf"))


@case
def negative_count(pkg):
    line, _ = find_row(pkg, "figures", qualifier="exact")
    return Hostile("standard/minimum", FIG, set_cells(pkg, "figures", line, value="-5"))


# --- spreadsheet safety -------------------------------------------------------------------
@case
def formula_cell(pkg):
    line = set_cells(pkg, "events", 2, summary="=cmd|' /C calc'!A0")
    return Hostile("text/formula", EVT, line)


@case
def carriage_return_cell(pkg):
    return Hostile("csv/line-ending", EVT, set_cells(pkg, "events", 2, summary="\rcmd"))


# --- provenance ---------------------------------------------------------------------------
@case
def seed_file_absolute(pkg):
    return Hostile(
        "provenance/seed-path", SRC, set_cells(pkg, "sources", 2, seed_file="/etc/passwd")
    )


@case
def seed_file_dotdot(pkg):
    line = set_cells(pkg, "sources", 2, seed_file="seeds/../datapackage.json")
    return Hostile("provenance/seed-path", SRC, line)


@case
def seed_file_symlink_out(pkg):
    outside = pkg.parent / "outside.txt"
    outside.write_text("not a seed\n")
    os.symlink(outside, pkg / "seeds" / "link.txt")
    line = set_cells(pkg, "sources", 2, seed_file="seeds/link.txt")
    return Hostile("file/type", SRC, line)


@case
def seed_edited_by_one_character(pkg):
    _, row = find_row(pkg, "sources", source_id="src-000")
    edit_bytes(pkg, row["seed_file"], lambda b: b.replace(b"400,000", b"400.000", 1))
    return Hostile("provenance/sha256", SRC, 2)


@case
def seed_added_without_a_row(pkg):
    from conftest import next_source

    seed = f"seeds/{next_source(pkg)[1]}unlisted.txt"
    (pkg / seed).write_text("Another article.\n", encoding="utf-8")
    return Hostile("provenance/seed-unlisted", seed)


@case
def seed_file_gone(pkg):
    _, row = find_row(pkg, "sources", source_id="src-002")
    (pkg / row["seed_file"]).unlink()
    return Hostile("provenance/seed-missing", SRC, 4)


@case
def quote_on_a_neighbouring_line(pkg):
    line, row = find_row(pkg, "figures", source_id="src-002", line="5")
    return Hostile("provenance/quote", FIG, set_cells(pkg, "figures", line, line="4"))


@case
def quote_of_white_space(pkg):
    return Hostile("text/whitespace", FIG, set_cells(pkg, "figures", 2, quote=" " * 12))


@case
def quote_of_one_character(pkg):
    return Hostile("standard/min-length", FIG, set_cells(pkg, "figures", 2, quote="R"))


# --- metadata -----------------------------------------------------------------------------
@case
def datapackage_not_json(pkg):
    edit_bytes(pkg, "datapackage.json", lambda b: b.replace(b"{", b"", 1))
    return Hostile("package/json", "datapackage.json", 2)


@case
def schema_not_json(pkg):
    edit_bytes(pkg, "schemas/events.json", lambda b: b + b"}")
    lines = (pkg / "schemas/events.json").read_text().count("\n") + 1
    return Hostile("package/json", "schemas/events.json", lines)


@case
def descriptor_refers_to_a_missing_file(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(schema="schemas/no.json"))
    return Hostile("package/missing-file", "schemas/no.json")


@case
def resource_name_not_an_identifier(pkg):
    edit_json(
        pkg, "datapackage.json", lambda d: d["resources"][1].update(name='a"; DROP TABLE x;--')
    )
    return Hostile("package/name", "datapackage.json")


@case
def field_name_not_an_identifier(pkg):
    edit_json(pkg, "schemas/actors.json", lambda d: schema_field(d, "aliases").update(name="a b"))
    return Hostile("package/name", "schemas/actors.json")


@case
def foreign_key_to_an_unknown_table(pkg):
    edit_json(
        pkg, "schemas/events.json", lambda d: d["foreignKeys"][1]["reference"].update(resource="x")
    )
    return Hostile("package/key", "schemas/events.json")


@case
def no_datapackage_at_all(pkg):
    (pkg / "datapackage.json").unlink()
    return Hostile("", "", exit_code=2)


# --- the harness --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(name, pkg, published):
    expect = CASES[name](pkg)
    before = snapshot(published)
    result = CliRunner().invoke(main, ["export", "--package", str(pkg), "--out", str(published)])
    assert result.exit_code == expect.exit_code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if expect.rule:
        where = f"line {expect.line}" if expect.line else "file"
        assert f"{expect.file}: " in result.output, result.output
        assert f"  {where}" in result.output and f"[{expect.rule}]" in result.output, result.output
        assert "fix: " in result.output
    assert snapshot(published) == before
    assert sorted(p.name for p in published.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_every_formula_start_is_rejected(pkg, start):
    from recruitment.checks.validate import validate

    line = set_cells(pkg, "events", 2, summary=f"{start}SUM(A1:A2)")
    rules = {(f.line, f.rule) for f in validate(pkg).findings}
    assert (line, "text/formula") in rules


def test_json_report_of_a_hostile_input_is_machine_readable(pkg):
    set_cells(pkg, "actors", 2, name=" Vladimir Putin")
    result = CliRunner().invoke(main, ["validate", "--package", str(pkg), "--format", "json"])
    doc = json.loads(result.output)
    assert doc["findings"][0]["rule"] == "text/whitespace"
