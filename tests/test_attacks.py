"""A stranger's pull request, tried class by class (issue: hostile contributions).

Each class of attack has one test over several cases. Every case breaks a copy of the
package, runs the CLI in every output format and ``export`` over an existing ``dist/``,
and expects: the exit code, the rule, file and line; no traceback; nothing from outside
the package in the output (files outside hold a canary string); no output line that
GitHub could read as a workflow command unless it is one of our own annotations; and
``dist/`` byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import edit_bytes, edit_json, find_row, rows, schema_field, set_cells, snapshot
from recruitment.cli import main
from recruitment.publish.export import export

FIG, EVT, SRC, ACT = "data/figures.csv", "data/events.csv", "data/sources.csv", "data/actors.csv"
CANARY = "CANARY-outside-the-package-7f3a"
OURS = re.compile(r"::(error|notice) (file=[^:]*,)?(line=\d+,)?title=[^:]*::")
"""Our own annotation lines; nothing else may start a line with '::'."""


@dataclass
class Expect:
    rule: str
    file: str
    line: int | None = None
    exit_code: int = 1


def outside(pkg: Path) -> Path:
    """A folder beside the package, holding files with the canary string."""
    folder = pkg.parent / "outside"
    folder.mkdir(exist_ok=True)
    (folder / "secret.txt").write_text(f"{CANARY}\n{CANARY},{CANARY}\n")
    (folder / "secret.json").write_text(json.dumps({"fields": [{"name": CANARY}]}))
    return folder


def assert_safe_output(text: str, github: bool = False) -> None:
    assert "Traceback" not in text
    assert CANARY not in text
    for line in text.splitlines():
        if github and OURS.match(line):
            continue
        assert not line.lstrip().startswith(("::", "##[")), line


def run(pkg: Path, published: Path, expect: Expect) -> None:
    runner = CliRunner()
    for fmt in ("text", "json", "github"):
        result = runner.invoke(main, ["validate", "--package", str(pkg), "--format", fmt])
        assert result.exit_code == expect.exit_code, (fmt, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert_safe_output(result.output, github=fmt == "github")
        if fmt == "json" and expect.exit_code == 1:
            doc = json.loads(result.stdout)
            located = {(f["file"], f["line"], f["rule"]) for f in doc["findings"]}
            assert (expect.file, expect.line, expect.rule) in located, doc["findings"][:5]
    before = snapshot(published)
    result = runner.invoke(main, ["export", "--package", str(pkg), "--out", str(published)])
    assert result.exit_code == expect.exit_code, result.output
    assert_safe_output(result.output)
    assert snapshot(published) == before
    assert [p.name for p in published.parent.iterdir() if p.name.startswith(".")] == []


def cases(registry: dict) -> Callable:
    def case(fn):
        registry[fn.__name__] = fn
        return fn

    return case


def _rewrite_csv(pkg: Path, rel: str, fn) -> None:
    records = list(csv.reader(io.StringIO((pkg / rel).read_text(encoding="utf-8"))))
    fn(records)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    (pkg / rel).write_text(out.getvalue(), encoding="utf-8")


# --- 1. provenance cannot be skipped -------------------------------------------------------
PROVENANCE: dict[str, Callable] = {}
provenance = cases(PROVENANCE)


@provenance
def glob_in_seed_path_is_no_pattern(pkg):
    """'seeds/00*.txt' matches every seed as a glob; as the path it is, it does not exist."""
    line = set_cells(pkg, "sources", 2, seed_file="seeds/00*.txt")
    return Expect("provenance/seed-missing", SRC, line)


@provenance
def question_mark_and_brackets_are_no_pattern(pkg):
    line = set_cells(pkg, "sources", 3, seed_file="seeds/00[0-9]_?.txt")
    return Expect("provenance/seed-missing", SRC, line)


@provenance
def rows_citing_an_unread_seed_are_findings(pkg):
    _, row = find_row(pkg, "sources", source_id="src-001")
    (pkg / row["seed_file"]).write_bytes(b"\xff\xfe not the article\n")
    line, _ = find_row(pkg, "figures", source_id="src-001")
    return Expect("provenance/unverified", FIG, line)


def test_a_seed_named_like_a_glob_is_read_as_that_exact_file(pkg):
    """A seed whose name holds glob characters is read, hashed and quoted as itself."""
    from recruitment.checks.validate import validate

    _, row = find_row(pkg, "sources", source_id="src-000")
    literal = "seeds/0[0]0_*?.txt"
    (pkg / row["seed_file"]).rename(pkg / literal)
    set_cells(pkg, "sources", 2, seed_file=literal)
    assert validate(pkg).findings == []


def test_coverage_never_says_complete_over_an_unread_seed(pkg):
    _, row = find_row(pkg, "sources", source_id="src-002")
    edit_bytes(pkg, row["seed_file"], lambda b: b + b"A new sentence with 42 numbers.\n")
    runner = CliRunner()
    text = runner.invoke(main, ["coverage", "--package", str(pkg)])
    assert text.exit_code == 1 and "every number" not in text.output
    doc = json.loads(runner.invoke(main, ["coverage", "-p", str(pkg), "--format", "json"]).stdout)
    assert doc["valid"] is False and doc["other_problems"] > 0
    github = runner.invoke(main, ["coverage", "-p", str(pkg), "--format", "github"]).output
    assert "title=valid" not in github and "coverage incomplete" in github


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_provenance_cannot_be_skipped(name, pkg, published):
    run(pkg, published, PROVENANCE[name](pkg))


# --- 2. one bad cell never switches a rule off for other rows ------------------------------
CELLS: dict[str, Callable] = {}
cell = cases(CELLS)


def _with_second_fault(pkg, expect: Expect) -> Expect:
    """Break another row too (not the first fault's): its finding must still be reported
    beside the first."""
    first = expect.line if expect.file == EVT else None
    line = next(
        i + 2
        for i, row in enumerate(rows(pkg, "events"))
        if row["date_precision"] == "day" and i + 2 != first
    )
    set_cells(pkg, "events", line, date_end="2001-01-01", date_start="2001-01-05")
    return expect


@cell
def year_zero(pkg):
    return _with_second_fault(
        pkg, Expect("standard/type", EVT, set_cells(pkg, "events", 2, date_start="0000-01-01"))
    )


@cell
def year_beyond_9999(pkg):
    line = set_cells(pkg, "events", 2, date_end="10000-01-01")
    return _with_second_fault(pkg, Expect("standard/type", EVT, line))


@cell
def integer_out_of_range(pkg):
    line, _ = find_row(pkg, "figures", qualifier="exact")
    set_cells(pkg, "figures", line, value="99999999999999999999")
    return _with_second_fault(pkg, Expect("standard/type", FIG, line))


@cell
def number_beyond_a_double(pkg):
    line, _ = find_row(pkg, "figures", qualifier="exact")
    set_cells(pkg, "figures", line, value="1e309")
    return _with_second_fault(pkg, Expect("standard/type", FIG, line))


@pytest.mark.parametrize("name", sorted(CELLS))
def test_one_bad_cell_leaves_every_rule_on(name, pkg, published):
    from recruitment.checks.validate import validate

    expect = CELLS[name](pkg)
    run(pkg, published, expect)
    rules = {(f.file, f.rule) for f in validate(pkg).findings}
    assert (EVT, "rules/date-order") in rules  # the other row's finding is still there


def test_what_validate_accepts_build_publishes(pkg, tmp_path):
    """Extreme but valid values (the last representable date) go through build too."""
    # (an inferred date: a stated or relative one must be what its words say)
    line, _ = find_row(pkg, "events", date_precision="day", date_basis="inferred")
    set_cells(pkg, "events", line, date_start="9999-12-31", date_end="9999-12-31")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", "-p", str(pkg)]).exit_code == 0
    result = runner.invoke(main, ["build", "-p", str(pkg), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output


# --- 3. nothing outside the repository is read, fetched or printed -------------------------
OUTSIDE: dict[str, Callable] = {}
out_case = cases(OUTSIDE)


def _replace_with_link(pkg: Path, rel: str, target: Path) -> None:
    path = pkg / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    os.symlink(target, path)


@out_case
def data_file_links_out(pkg):
    """A file that is a symlink is refused as one, before the link is followed."""
    _replace_with_link(pkg, ACT, outside(pkg) / "secret.txt")
    return Expect("file/type", ACT)


@out_case
def data_folder_links_out(pkg):
    folder = outside(pkg)
    shutil.copytree(pkg / "data", folder / "data")
    (folder / "data" / "actors.csv").write_text(CANARY + "\n")
    _replace_with_link(pkg, "data", folder / "data")
    return Expect("package/path", ACT)


@out_case
def schema_links_out(pkg):
    _replace_with_link(pkg, "schemas/events.json", outside(pkg) / "secret.json")
    return Expect("file/type", "schemas/events.json")


@out_case
def descriptor_links_out(pkg):
    _replace_with_link(pkg, "datapackage.json", outside(pkg) / "secret.json")
    return Expect("file/type", "datapackage.json")


@out_case
def seeds_folder_links_out(pkg):
    folder = outside(pkg)
    shutil.copytree(pkg / "seeds", folder / "seeds")
    _replace_with_link(pkg, "seeds", folder / "seeds")
    return Expect("provenance/seed-path", SRC, 2)


@out_case
def resource_path_is_a_url(pkg):
    edit_json(
        pkg, "datapackage.json", lambda d: d["resources"][1].update(path="http://127.0.0.1:9/a.csv")
    )
    return Expect("package/path", "datapackage.json")


@out_case
def schema_path_is_a_url(pkg):
    edit_json(
        pkg, "datapackage.json", lambda d: d["resources"][1].update(schema="file:///etc/passwd")
    )
    return Expect("package/path", "datapackage.json")


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_nothing_outside_is_read_or_printed(name, pkg, published):
    run(pkg, published, OUTSIDE[name](pkg))


def test_duckdb_spills_inside_the_package(pkg):
    from recruitment.checks.validate import duckdb_config

    spill = Path(duckdb_config(pkg)["temp_directory"])
    assert spill.is_relative_to(pkg.resolve() / ".recruitment")


def test_a_linked_work_folder_is_refused(pkg):
    os.symlink(outside(pkg), pkg / ".recruitment")
    result = CliRunner().invoke(main, ["validate", "--package", str(pkg)])
    assert result.exit_code == 2 and ".recruitment" in result.output
    assert sorted(p.name for p in outside(pkg).iterdir()) == ["secret.json", "secret.txt"]


# --- 4. bounded time and memory -------------------------------------------------------------
BOUNDED: dict[str, Callable] = {}
bounded = cases(BOUNDED)


@bounded
def data_file_links_to_dev_zero(pkg):
    _replace_with_link(pkg, ACT, Path("/dev/zero"))
    return Expect("file/type", ACT)


@bounded
def data_file_is_a_fifo(pkg):
    (pkg / ACT).unlink()
    os.mkfifo(pkg / ACT)
    return Expect("file/type", ACT)


@bounded
def seed_is_a_fifo(pkg):
    _, row = find_row(pkg, "sources", source_id="src-001")
    (pkg / row["seed_file"]).unlink()
    os.mkfifo(pkg / row["seed_file"])
    return Expect("file/type", SRC, 3)


@bounded
def descriptor_is_a_fifo(pkg):
    (pkg / "datapackage.json").unlink()
    os.mkfifo(pkg / "datapackage.json")
    return Expect("file/type", "datapackage.json")


@bounded
def header_with_a_hundred_thousand_columns(pkg):
    header = ",".join(f"c{i}" for i in range(100_000))
    edit_bytes(pkg, ACT, lambda b: header.encode() + b[b.index(b"\n") :])
    return Expect("csv/header", ACT, 1)


@bounded
def three_gigabyte_csv(pkg):
    with open(pkg / FIG, "r+b") as fh:
        fh.truncate(3 * 1024**3)  # sparse: no disk is used
    return Expect("file/size", FIG)


@bounded
def three_gigabyte_seed(pkg):
    _, row = find_row(pkg, "sources", source_id="src-000")
    with open(pkg / row["seed_file"], "r+b") as fh:
        fh.truncate(3 * 1024**3)
    return Expect("file/size", SRC, 2)


@bounded
def json_nested_a_hundred_thousand_levels(pkg):
    (pkg / "schemas/actors.json").write_text("[" * 100_000 + "]" * 100_000)
    return Expect("package/json", "schemas/actors.json")


@bounded
def json_nested_just_below_recursion_limit(pkg):
    doc = json.loads((pkg / "schemas/actors.json").read_text())
    deep: list = []
    for _ in range(500):
        deep = [deep]
    doc["description"] = deep
    (pkg / "schemas/actors.json").write_text(json.dumps(doc))
    return Expect("package/json", "schemas/actors.json")


@bounded
def exponential_pattern_for_pythons_re(pkg):
    """(a+)+$ takes Python's re exponential time on 'aaa…b'; RE2 (DuckDB) is linear."""
    edit_json(
        pkg,
        "schemas/actors.json",
        lambda d: schema_field(d, "aliases")["constraints"].update(pattern="(a+)+"),
    )
    return Expect("standard/pattern", ACT, set_cells(pkg, "actors", 2, aliases="a" * 50 + "b"))


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_bounded_time_and_memory(name, pkg, published):
    expect = BOUNDED[name](pkg)
    run(pkg, published, expect)


def test_header_finding_stays_short(pkg):
    from recruitment.checks.validate import validate

    BOUNDED["header_with_a_hundred_thousand_columns"](pkg)
    (finding,) = [f for f in validate(pkg).findings if f.rule == "csv/header"]
    assert len(finding.message) < 2_000 and "more" in finding.message


def test_findings_listing_is_capped_and_counts_stay_exact(pkg, monkeypatch):
    from recruitment import report

    monkeypatch.setattr(report, "MAX_LISTED", 5)
    _rewrite_csv(
        pkg,
        EVT,
        lambda rs: [
            r.__setitem__(at, r[at] + " ") for at in [rs[0].index("summary")] for r in rs[1:]
        ],
    )
    rows = len((pkg / EVT).read_text().splitlines()) - 1
    runner = CliRunner()
    doc = json.loads(runner.invoke(main, ["validate", "-p", str(pkg), "--format", "json"]).stdout)
    assert doc["counts"]["text/whitespace"] == rows == doc["total"]
    assert doc["listed"] == len(doc["findings"]) == 5
    text = runner.invoke(main, ["validate", "-p", str(pkg)]).output
    assert f"{rows - 5} more finding(s) not listed (text/whitespace {rows - 5})" in text
    assert f"invalid: {rows} problem(s)" in text
    github = runner.invoke(main, ["validate", "-p", str(pkg), "--format", "github"]).output
    assert github.count("::error file=") == 5 and "more findings" in github


# --- 5. every malformed schema or descriptor edit is a finding on that file ----------------
def _field(table, name, **constraints):
    def edit(pkg):
        edit_json(
            pkg,
            f"schemas/{table}.json",
            lambda d: schema_field(d, name).setdefault("constraints", {}).update(constraints),
        )

    return edit


def _descriptor(fn):
    return lambda pkg: edit_json(pkg, "datapackage.json", fn)


def _schema(table, fn):
    return lambda pkg: edit_json(pkg, f"schemas/{table}.json", fn)


def _raw(rel, old: bytes, new: bytes):
    return lambda pkg: edit_bytes(pkg, rel, lambda b: b.replace(old, new, 1))


MALFORMED = {
    "invalid_regex": (_field("events", "event_id", pattern="evt-(["), "package/constraint"),
    "minimum_not_a_number": (_field("figures", "value", minimum="abc"), "package/constraint"),
    "minimum_overflows_a_double": (
        _raw("schemas/figures.json", b'"minimum": 1', b'"minimum": 1e400'),
        "package/json",
    ),
    "date_minimum_no_date": (
        _field("events", "date_start", minimum="2023-02-30"),
        "package/constraint",
    ),
    "integer_enum": (_field("events", "date_precision", enum=[1, 2]), "package/constraint"),
    "mixed_enum": (_field("events", "date_precision", enum=["day", 2]), "package/constraint"),
    "max_length_text": (_field("events", "summary", maxLength="long"), "package/constraint"),
    "enum_descriptions_a_list": (
        _schema("events", lambda d: schema_field(d, "date_precision").update(enumDescriptions=[])),
        "package/constraint",
    ),
    "foreign_key_to_a_non_unique_field": (
        _schema(
            "figures",
            lambda d: d["foreignKeys"][1]["reference"].update(fields=["name"], resource="actors"),
        ),
        "package/key",
    ),
    "line_retyped": (
        _schema(
            "events",
            lambda d: schema_field(d, "line").update(type="string", constraints={"required": True}),
        ),
        "package/citation",
    ),
    "quote_dropped_from_required": (
        _schema("figures", lambda d: schema_field(d, "quote")["constraints"].pop("required")),
        "package/citation",
    ),
    "sha256_not_required": (
        _schema("sources", lambda d: schema_field(d, "sha256")["constraints"].pop("required")),
        "package/citation",
    ),
    "exclusive_minimum": (_field("figures", "line", exclusiveMinimum=0), "package/unsupported"),
    "true_values": (
        _schema("sources", lambda d: schema_field(d, "title").update(trueValues=["yes"])),
        "package/unsupported",
    ),
    "date_format": (
        _schema("events", lambda d: schema_field(d, "date_start").update(format="%d/%m/%Y")),
        "package/unsupported",
    ),
    "missing_values": (
        _schema("events", lambda d: d.update(missingValues=["", "n/a"])),
        "package/unsupported",
    ),
    "sources_removed": (
        _descriptor(lambda d: d.update(resources=d["resources"][1:])),
        "package/citation",
    ),
    "duplicate_resource_names": (
        _descriptor(lambda d: d["resources"].append(dict(d["resources"][1]))),
        "package/name",
    ),
    "name_of_a_view": (
        _descriptor(lambda d: d["resources"][4].update(name="figures_cited")),
        "package/reserved",
    ),
    "version_nan": (
        lambda pkg: edit_bytes(
            pkg, "datapackage.json", lambda b: re.sub(rb'"version": "[^"]*"', b'"version": NaN', b)
        ),
        "package/json",
    ),
    "version_a_number": (_descriptor(lambda d: d.update(version=1)), "package/version"),
    "dialect_delimiter": (
        _descriptor(lambda d: d["resources"][1]["dialect"].update(delimiter=";")),
        "package/unsupported",
    ),
    "dialect_skip_initial_space": (
        _descriptor(lambda d: d["resources"][1]["dialect"].update(skipInitialSpace=True)),
        "package/unsupported",
    ),
    "encoding_latin1": (
        _descriptor(lambda d: d["resources"][1].update(encoding="latin-1")),
        "package/unsupported",
    ),
    "compression": (
        _descriptor(lambda d: d["resources"][1].update(compression="gz")),
        "package/unsupported",
    ),
    "remote_profile": (
        _schema("actors", lambda d: d.update({"$schema": "https://127.0.0.1:9/evil.json"})),
        "package/unsupported",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_metadata_is_a_finding_on_its_file(name, pkg, published):
    edit, rule = MALFORMED[name]
    edit(pkg)
    result = CliRunner().invoke(main, ["validate", "-p", str(pkg), "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert rule in doc["counts"], doc["findings"]
    files = {f["file"] for f in doc["findings"] if f["rule"] == rule}
    assert files <= {
        "datapackage.json",
        *(f"schemas/{t}.json" for t in ["sources", "actors", "events", "figures", "exclusions"]),
    }
    before = snapshot(published)
    export_result = CliRunner().invoke(main, ["export", "-p", str(pkg), "--out", str(published)])
    assert export_result.exit_code == 1 and snapshot(published) == before


# --- 6. no contributor text can start a workflow command ----------------------------------
INJECT = "\n::error file=x.csv::owned\n"
WORKFLOW: dict[str, Callable] = {}
workflow = cases(WORKFLOW)


@workflow
def line_break_in_a_cell(pkg):
    return Expect("csv/newline-in-field", EVT, set_cells(pkg, "events", 2, summary=INJECT))


@workflow
def unicode_line_separator_in_a_cell(pkg):
    line = set_cells(pkg, "events", 2, summary="a\u2028::error::owned\u2029::warning::b")
    return Expect("text/control", EVT, line)


@workflow
def command_at_the_start_of_a_cell(pkg):
    line = set_cells(pkg, "actors", 2, country="::add-mask::x")
    return Expect("standard/pattern", ACT, line)


@workflow
def command_in_a_seed_path(pkg):
    line = set_cells(pkg, "sources", 2, seed_file="seeds/x\n::error::owned.txt")
    return Expect("csv/newline-in-field", SRC, line)


@workflow
def command_as_a_resource_path(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(path="::error::a.csv"))
    return Expect("package/missing-file", "datapackage.json")


@workflow
def command_in_a_pattern(pkg):
    _field("actors", "country", pattern="\n::error::owned\n[")(pkg)
    return Expect("package/constraint", "schemas/actors.json")


@workflow
def legacy_command_in_a_cell(pkg):
    line = set_cells(pkg, "actors", 2, country="##[error]owned")
    return Expect("standard/pattern", ACT, line)


@workflow
def seed_named_with_a_command(pkg):
    (pkg / "seeds" / "::error::owned.txt").write_text("A new article.\n")
    return Expect("provenance/seed-unlisted", "seeds/::error::owned.txt")


@pytest.mark.parametrize("name", sorted(WORKFLOW))
def test_no_contributor_text_starts_a_workflow_command(name, pkg, published):
    run(pkg, published, WORKFLOW[name](pkg))


def test_error_path_output_is_escaped_too(tmp_path):
    folder = tmp_path / "x\n::error::owned"
    folder.mkdir()
    result = CliRunner().invoke(main, ["validate", "--package", str(folder)])
    assert result.exit_code == 2
    assert_safe_output(result.output)
    assert "\\n::error::owned" in result.output


# --- 7. nothing is lost ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    ["not-an-export", "root", "parent", "data", "seeds", "schemas", "docs", ".git", "link"],
)
def test_out_never_replaces_a_folder_that_is_not_an_export(target, pkg):
    (pkg / "docs").mkdir(exist_ok=True)
    (pkg / ".git").mkdir(exist_ok=True)
    (pkg / "not-an-export").mkdir()
    (pkg / "not-an-export" / "keep.txt").write_text("mine")
    (pkg / "real-dist").mkdir()
    os.symlink(pkg / "real-dist", pkg / "link")
    out = {"root": pkg, "parent": pkg.parent}.get(target, pkg / target)
    before = {p: p.stat().st_mtime_ns for p in pkg.parent.rglob("*") if not p.is_symlink()}
    result = CliRunner().invoke(main, ["export", "-p", str(pkg), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "--out refused" in result.output
    after = {p: p.stat().st_mtime_ns for p in pkg.parent.rglob("*") if not p.is_symlink()}
    assert after == before


def test_read_only_out_is_refused(pkg, tmp_path):
    out = tmp_path / "dist"
    assert export(pkg, out).valid
    out.chmod(0o555)
    try:
        result = CliRunner().invoke(main, ["export", "-p", str(pkg), "--out", str(out)])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2 and "read-only" in result.output


def test_codebook_writes_only_inside_the_package(pkg):
    folder = outside(pkg)
    (pkg / "docs").mkdir(exist_ok=True)
    shutil.rmtree(pkg / "docs")
    os.symlink(folder, pkg / "docs")
    result = CliRunner().invoke(main, ["codebook", "-p", str(pkg)])
    assert result.exit_code == 2
    assert sorted(p.name for p in folder.iterdir()) == ["secret.json", "secret.txt"]


def test_codebook_replaces_a_linked_file_instead_of_writing_through_it(pkg):
    folder = outside(pkg)
    (pkg / "docs").mkdir(exist_ok=True)
    os.symlink(folder / "secret.txt", pkg / "docs" / "codebook.md")
    assert CliRunner().invoke(main, ["codebook", "-p", str(pkg)]).exit_code == 0
    assert (folder / "secret.txt").read_text().startswith(CANARY)
    assert not (pkg / "docs" / "codebook.md").is_symlink()


def test_full_disk_leaves_dist_as_it_was(pkg, tmp_path, monkeypatch):
    import errno

    from recruitment.publish import export as export_mod

    out = tmp_path / "dist"
    assert export(pkg, out).valid
    before = snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_mod, "write_checksums", full)
    result = CliRunner().invoke(main, ["export", "-p", str(pkg), "--out", str(out)])
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- 8. CI's trust model --------------------------------------------------------------------
def test_workflows_are_least_privilege():
    from conftest import ROOT

    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    for path in workflows:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^permissions:\s*\n\s+contents:\s*read\s*$", text, re.M), path.name
        if "pull_request" in text:
            assert not re.search(r"\$\{\{[^}]*secrets\.", text), path.name
    assert (ROOT / "SECURITY.md").is_file()


def test_the_suite_cannot_open_a_network_socket():
    import socket

    with pytest.raises(OSError, match="network"), socket.create_connection(("192.0.2.1", 80), 1):
        pass


def test_every_name_the_pipeline_publishes_is_reserved(published):
    """A resource can take no name of the published database's own tables, views or macros."""
    import duckdb

    from conftest import load_model
    from recruitment.core.package import RESERVED

    pkg = load_model()
    con = duckdb.connect(str(published / "recruitment.duckdb"), read_only=True)
    names = {
        n
        for (n,) in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() "
            "WHERE NOT internal UNION SELECT function_name FROM duckdb_functions() "
            "WHERE NOT internal AND database_name = current_database()"
        ).fetchall()
    }
    assert names - set(pkg.resources) <= RESERVED, names - set(pkg.resources) - RESERVED
