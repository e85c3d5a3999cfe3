"""The corrections log: the changes table of the DuckDB file, built from the history of
versions by the keyed diff, and empty with a note when there is no history."""

from __future__ import annotations

import json
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
    """A version is released by the commit that bumps it: what is committed after the
    bump is the next version's (the CHANGELOG's Unreleased), the working tree this build's."""
    repo = make_repo(tmp_path / "repo")
    first = rows(repo, "figures")
    base = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, patch = map(int, base.split("."))
    nxt, later = f"{major}.{minor}.{patch + 1}", f"{major}.{minor}.{patch + 2}"
    set_cells(repo, "figures", 2, notes="Corrected with the bump.")
    bump_version(repo, nxt)
    git(repo, "commit", "-qam", "bump")
    set_cells(repo, "figures", 3, notes="Corrected after the bump.")
    git(repo, "commit", "-qam", "a correction for the next version")
    bump_version(repo, later)
    git(repo, "commit", "-qam", "bump again")
    set_cells(repo, "figures", 2, notes="Corrected in the working tree.")  # this build
    log, note = build(repo)
    key = rows(repo, "figures")[0]["figure_id"], rows(repo, "figures")[1]["figure_id"]
    assert log == [
        (base, nxt, "figures", key[0], "changed", "notes", first[0]["notes"],
         "Corrected with the bump."),
        (nxt, later, "figures", key[0], "changed", "notes", "Corrected with the bump.",
         "Corrected in the working tree."),
        (nxt, later, "figures", key[1], "changed", "notes", first[1]["notes"],
         "Corrected after the bump."),
    ]  # fmt: skip
    assert note.startswith(f"3 row-level change(s) between the versions {base} (")
    assert f"{later} (this build)" in note
    git(repo, "tag", f"v{nxt}", "HEAD~1")  # a tag names the released state of its version
    log, _ = build(repo)
    assert [r[6:] for r in log if r[1] == nxt] == [
        (first[0]["notes"], "Corrected with the bump."),
        (first[1]["notes"], "Corrected after the bump."),
    ]
    assert [r[3] for r in log if r[1] == later] == [key[0]]


def test_without_git_history_changes_is_empty_with_a_note(tmp_path):
    pkg = copy_package(tmp_path / "pkg")  # a tarball's folder: no repository
    log, note = build(pkg)
    assert log == [] and "no history of versions" in note
    assert corrections(pkg, "1.0.0").rows == []
