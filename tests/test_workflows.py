"""The GitHub workflows and the job summary: schema-valid, least privilege, nothing lost.

The workflows are checked against GitHub's workflow schema (check-jsonschema's vendored
copy, offline), then against this project's rules: read-only by default, no secrets and
no write on pull requests, checkouts that keep no credentials, and every
``recruitment`` command they run exists.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, make_repo, set_cells
from recruitment.cli import main
from recruitment.findings import Finding
from recruitment.review.summary import render

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays


def test_both_workflows_exist():
    assert [p.name for p in FILES] == ["release.yml", "validate.yml"]


def test_workflows_follow_githubs_schema():
    done = lint(*FILES)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "validate.yml").read_text().replace("contents: read", "contents: reed")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))
    done = lint(broken)
    assert done.returncode == 1 and "broken.yml" in done.stdout


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_least_privilege(path):
    doc = load(path)
    assert doc["permissions"] == {"contents": "read"}
    text = path.read_text()
    assert "pull_request_target" not in text
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] == "false"
        if job.get("permissions", {}).get("contents") == "write":
            assert set(doc["on"]) == {"push"} and set(doc["on"]["push"]) == {"tags"}


def test_pull_requests_get_no_secrets_and_the_full_report():
    doc = load(WORKFLOWS / "validate.yml")
    assert "pull_request" in doc["on"]
    text = (WORKFLOWS / "validate.yml").read_text()
    assert "${{ secrets." not in text and "github.token" not in text
    runs = [s.get("run", "") for s in doc["jobs"]["validate"]["steps"]]
    assert any("recruitment validate --format github" in r for r in runs)
    assert any('recruitment summary HEAD^1 >> "$GITHUB_STEP_SUMMARY"' in r for r in runs)
    assert any("recruitment diff HEAD^1 --check-version" in r for r in runs)


def test_release_checks_the_tag_and_publishes_the_files():
    doc = load(WORKFLOWS / "release.yml")
    assert doc["on"]["push"]["tags"] == ["v*"]
    steps = doc["jobs"]["release"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert runs.index('"v$version"') < runs.index("make test") < runs.index("gh release create")
    assert "recruitment release --tag" in runs and "dist/release/*.zip" in runs


def _commands(text: str) -> set[str]:
    return set(re.findall(r"recruitment ([a-z][a-z-]*)", text))


@pytest.mark.parametrize(
    "path", [*FILES, ROOT / ".pre-commit-config.yaml"], ids=lambda p: Path(p).name
)
def test_every_recruitment_command_they_run_exists(path):
    used = _commands(path.read_text())
    assert used and used <= set(main.commands), used - set(main.commands)


# --- the job summary ---------------------------------------------------------------------


def test_summary_lists_every_finding_beyond_githubs_ten(pkg):
    for line in range(2, 17):
        set_cells(pkg, "figures", line, claim_key="Not A Key")
    from recruitment.checks.validate import validate

    findings = validate(pkg).findings
    assert len(findings) == 15
    out = render(findings, "pkg", None, None)
    assert "## Validation: 15 problem(s) in 1 file(s)" in out
    assert "| standard/pattern | 15 |" in out
    for line in range(2, 17):
        assert f"- `data/figures.csv:{line}` column `claim_key` **standard/pattern**" in out
    assert out.count("**Fix:** Write it in the pattern shown.") == 15


def test_summary_escapes_contributor_text():
    f = Finding("data/x`y.csv", 3, "notes", "text/control", "bad\n::error::x <b>|</b>")
    out = render([f], "pkg", None, None)
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "<b>" not in out and "&lt;b&gt;\\|&lt;/b&gt;" in out
    assert "`data/x'y.csv:3`" in out


def test_summary_command_on_a_contribution(tmp_path):
    repo = make_repo(tmp_path / "repo")
    set_cells(repo, "figures", 3, measure="recruits")
    result = CliRunner().invoke(main, ["summary", "--package", str(repo)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("## Validation: 1 problem(s)") < out.index("## Data changes")
    assert out.index("## Data changes") < out.index("## Version gate: 1 problem(s)")
    assert "| fig-0002 | `measure`: duration → recruits |" in out
    major, minor, patch = map(
        int, json.loads((repo / "datapackage.json").read_text())["version"].split(".")
    )
    assert f"make it {major}.{minor}.{patch + 1}" in out
