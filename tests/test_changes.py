"""The corrections log: the changes table of the DuckDB file, built from the history of
versions by the keyed diff, and empty with a note when there is no history."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
from click.testing import CliRunner

from conftest import bump_version, copy_package, git, make_repo, rows, set_cells
from recruitment.cli import main
from recruitment.publish.changes import corrections


def build(root: Path) -> tuple[list[tuple], str]:
    result = CliRunner().invoke(main, ["export", "--package", str(root), "--out", str(root / "d")])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(root / "d" / "recruitment.duckdb"), read_only=True) as con:
        log = con.execute(
            "SELECT version_from, version_to, table_name, key, kind, column_name, old, new "
            "FROM changes"
        ).fetchall()
        (note,) = con.execute("SELECT value FROM meta WHERE key = 'changes_note'").fetchone()
    shutil.rmtree(root / "d")
    return log, note


def test_changes_list_each_correction_between_released_versions(tmp_path):
    """An untagged version's state is its last commit before the CHANGELOG opens an
    "Unreleased" section: a correction committed after the bump is the version's own, a
    change made once the section is open is the next version's; the working tree is this
    build's; a tag names the state of its version."""
    repo = make_repo(tmp_path / "repo")
    first = rows(repo, "figures")
    key = [r["figure_id"] for r in first[:3]]
    base = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, patch = map(int, base.split("."))
    nxt, later = f"{major}.{minor}.{patch + 1}", f"{major}.{minor}.{patch + 2}"
    changelog = repo / "CHANGELOG.md"
    log_text = re.sub(r"^## Unreleased\n", "", changelog.read_text(encoding="utf-8"), flags=re.M)
    changelog.write_text(log_text.replace("\n## ", f"\n## {nxt}\n\n- Notes.\n\n## ", 1))
    set_cells(repo, "figures", 2, notes="Corrected with the bump.")
    bump_version(repo, nxt)
    git(repo, "commit", "-qam", "bump")
    set_cells(repo, "figures", 3, notes="Corrected after the bump.")
    git(repo, "commit", "-qam", "a correction the version keeps")
    set_cells(repo, "figures", 4, notes="Work for the next version.")
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace(f"\n## {nxt}", f"\n## Unreleased\n\n- Work.\n\n## {nxt}", 1))
    git(repo, "commit", "-qam", "the next version's work opens Unreleased")
    bump_version(repo, later)
    git(repo, "commit", "-qam", "bump again")
    set_cells(repo, "figures", 2, notes="Corrected in the working tree.")  # this build
    log, note = build(repo)
    assert sorted(log) == sorted([
        (base, nxt, "figures", key[0], "changed", "notes", first[0]["notes"],
         "Corrected with the bump."),
        (base, nxt, "figures", key[1], "changed", "notes", first[1]["notes"],
         "Corrected after the bump."),
        (nxt, later, "figures", key[0], "changed", "notes", "Corrected with the bump.",
         "Corrected in the working tree."),
        (nxt, later, "figures", key[2], "changed", "notes", first[2]["notes"],
         "Work for the next version."),
    ])  # fmt: skip
    assert note.startswith(f"4 row-level change(s) between the versions {base} (")
    assert f"{later} (this build)" in note
    git(repo, "tag", f"v{nxt}", "HEAD~1")  # a tag names the released state of its version
    log, _ = build(repo)
    assert sorted(r[3] for r in log if r[1] == nxt) == sorted(key)
    assert [r[3] for r in log if r[1] == later] == [key[0]]


def test_a_bump_that_keeps_an_unreleased_section_is_the_version(tmp_path):
    """A bump whose CHANGELOG still has an "Unreleased" section releases that commit:
    what is committed after it is the next version's."""
    repo = make_repo(tmp_path / "repo")
    changelog = repo / "CHANGELOG.md"
    if not re.search(r"^## Unreleased", changelog.read_text(encoding="utf-8"), re.M):
        changelog.write_text("## Unreleased\n\n- Work.\n\n" + changelog.read_text())
    first = rows(repo, "figures")
    base = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, patch = map(int, base.split("."))
    nxt, later = f"{major}.{minor}.{patch + 1}", f"{major}.{minor}.{patch + 2}"
    bump_version(repo, nxt)
    git(repo, "commit", "-qam", "bump, Unreleased kept")
    set_cells(repo, "figures", 2, notes="After the bump.")
    git(repo, "commit", "-qam", "the next version's work")
    bump_version(repo, later)
    log, _ = build(repo)
    assert [(r[0], r[1], r[3]) for r in log] == [(nxt, later, first[0]["figure_id"])]


def test_without_git_history_changes_is_empty_with_a_note(tmp_path):
    pkg = copy_package(tmp_path / "pkg")  # a tarball's folder: no repository
    log, note = build(pkg)
    assert log == [] and "no history of versions" in note
    assert corrections(pkg, "1.0.0").rows == []
