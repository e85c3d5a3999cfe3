"""recruitment coverage: every number and date span in the seeds is recorded or excluded."""

from __future__ import annotations

import csv
import hashlib

from click.testing import CliRunner

from conftest import ROOT
from recruitment.checks.validate import validate
from recruitment.cli import main

SEED = (
    "On Monday the ministry said 1,200 men, about three hundred of them aged 18-30, "
    "joined last autumn; a second wave follows in March.\n"
)
SPANS = ["Monday", "1,200", "three", "hundred", "18", "30", "last autumn", "second", "March"]


def append_row(pkg, table: str, **values) -> None:
    path = pkg / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow(values)


def add_synthetic_seed(pkg) -> None:
    path = pkg / "seeds" / "003_synthetic.txt"
    path.write_text(SEED, encoding="utf-8")
    append_row(
        pkg,
        "sources",
        source_id="src-003",
        seed_file="seeds/003_synthetic.txt",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        line=1,
        quote="the ministry said",
    )


def uncovered(pkg) -> list[tuple]:
    findings = validate(pkg).findings
    assert all(f.rule == "coverage/uncovered" for f in findings), findings
    return [(f.file, f.line, f.message.split("'")[1]) for f in findings]


def test_committed_seeds_are_fully_covered():
    assert [f for f in validate(ROOT).findings if f.rule.startswith("coverage/")] == []


def test_a_new_seed_shows_every_span_left(pkg):
    add_synthetic_seed(pkg)
    assert sorted(uncovered(pkg)) == sorted(("seeds/003_synthetic.txt", 1, s) for s in SPANS)


def test_rows_and_exclusions_cover_spans(pkg):
    add_synthetic_seed(pkg)
    append_row(
        pkg,
        "figures",
        figure_id="fig-9001",
        measure="recruitment_target",
        value=1200,
        value_text="1,200",
        qualifier="exact",
        unit="persons",
        claim_key="synthetic-1200",
        source_id="src-003",
        line=1,
        quote="said 1,200 men",
    )
    append_row(
        pkg,
        "exclusions",
        exclusion_id="exc-9001",
        span_text="a second wave",
        reason="ordinal",
        notes="Synthetic ordinal.",
        source_id="src-003",
        line=1,
        quote="a second wave follows",
    )
    assert sorted(s for *_, s in uncovered(pkg)) == sorted(
        [
            "Monday",
            "three",
            "hundred",
            "18",
            "30",
            "last autumn",
            "March",
        ]
    )


def test_coverage_command_lists_spans_and_exits_1(pkg):
    add_synthetic_seed(pkg)
    result = CliRunner().invoke(main, ["coverage", "--package", str(pkg)])
    assert result.exit_code == 1
    assert "seeds/003_synthetic.txt: 9 problem(s)" in result.output
    assert "'last autumn' on line 1 is neither recorded nor excluded." in result.output


def test_coverage_command_on_the_committed_package():
    result = CliRunner().invoke(main, ["coverage", "--package", str(ROOT)])
    assert result.exit_code == 0
    assert result.output.startswith("coverage: every number and date")
