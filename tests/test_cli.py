"""The CLI: exit codes, the three output formats, and help with an example for every command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import rows, set_cells
from recruitment.cli import main
from recruitment.findings import Finding
from recruitment.report import as_github


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_valid_package_exits_0(committed):
    result = run("validate", "--package", str(committed))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid:")


def test_invalid_package_exits_1_and_names_file_line_column_rule_fix(pkg):
    set_cells(pkg, "figures", 3, qualifier="roughly")
    result = run("validate", "--package", str(pkg))
    assert result.exit_code == 1
    assert "data/figures.csv: 1 problem(s)" in result.output
    row = rows(pkg, "figures")[1]["figure_id"]
    assert f"line 3 ({row}), column qualifier: [standard/enum]" in result.output
    assert "fix: Use one of the codes listed." in result.output
    assert "Traceback" not in result.output


def test_json_format_is_stable(pkg):
    set_cells(pkg, "figures", 3, qualifier="roughly")
    result = run("validate", "--package", str(pkg), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert set(doc) == {"valid", "package", "version", "counts", "total", "listed", "findings"}
    assert doc["valid"] is False and doc["counts"] == {"standard/enum": 1}
    (finding,) = doc["findings"]
    assert finding["file"] == "data/figures.csv" and finding["line"] == 3
    assert set(finding) == {"file", "line", "column", "rule", "row", "title", "message", "fix"}


def test_github_format_escapes_like_the_actions_toolkit():
    finding = Finding("data/a,b.csv", 7, "quote", "provenance/quote", "50% off:\nnext line")
    out = as_github([finding])
    assert out.startswith("::error file=data/a%2Cb.csv,line=7,title=provenance/quote (quote)%3A ")
    assert "::50%25 off:%0Anext line Fix: " in out


def test_github_format_from_the_cli(pkg):
    set_cells(pkg, "events", 2, summary=" leading space")
    result = run("validate", "--package", str(pkg), "--format", "github")
    assert result.exit_code == 1
    assert result.output.startswith("::error file=data/events.csv,line=2,title=text/whitespace")


def test_missing_package_is_a_usage_error(tmp_path):
    result = run("validate", "--package", str(tmp_path))
    assert result.exit_code == 2
    assert "no datapackage.json" in result.output


def test_unexpected_error_is_one_line_not_a_traceback(committed, monkeypatch):
    import recruitment.checks.validate as v

    def broken(root):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(v, "validate", broken)
    result = run("validate", "--package", str(committed))
    assert result.exit_code == 2
    assert "unexpected ZeroDivisionError: boom" in result.output
    assert "Traceback" not in result.output


def test_export_of_invalid_package_writes_nothing(pkg, tmp_path):
    set_cells(pkg, "figures", 2, value="-1")
    out = tmp_path / "dist"
    result = run("export", "--package", str(pkg), "--out", str(out))
    assert result.exit_code == 1
    assert "nothing exported" in result.output
    assert not out.exists()


def test_build_writes_all_three_formats(committed, tmp_path):
    out = tmp_path / "dist"
    result = run("build", "--package", str(committed), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "recruitment.duckdb").is_file()
    assert (out / "csv" / "figures.csv").is_file() and (
        out / "parquet" / "figures.parquet"
    ).is_file()


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and f"recruitment {command}" in result.output
