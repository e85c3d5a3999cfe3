"""Releases and a coherent dist/: build metadata, the deterministic zip, CHANGES, checksums."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import ROOT, append_row, bump_version, git, make_repo, rows, set_cells
from recruitment.cli import main
from recruitment.core.snapshot import build_info
from recruitment.publish.release import release, zip_name

NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
VERSION = json.loads((ROOT / "datapackage.json").read_text())["version"]
_major, _minor, _patch = map(int, VERSION.split("."))
NEXT = f"{_major}.{_minor}.{_patch + 1}"
"""The patch release after the committed version."""
RECRUITMENT = Path(sys.executable).parent / "recruitment"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def release_repo(path: Path) -> Path:
    repo = make_repo(path)
    for rel in ("LICENSE", "LICENSE-DATA.md", "docs/codebook.md"):
        (repo / rel).parent.mkdir(exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "licences and codebook")
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A git repository with the package, built into repo/dist (site included)."""
    repo = release_repo(tmp_path_factory.mktemp("release") / "repo")
    result = run("build", "--package", repo, "--out", repo / "dist")
    assert result.exit_code == 0, result.output
    return repo


def sums(text: str) -> dict[str, str]:
    """A SHA256SUMS file's lines as path -> hex digest."""
    out = {}
    for line in text.splitlines():
        digest, rel = line.split("  ", 1)
        out[rel] = digest
    return out


def listed(dist: Path) -> dict[str, str]:
    return sums((dist / "SHA256SUMS").read_text())


def assert_checksums_exact(dist: Path) -> None:
    files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    files.discard("SHA256SUMS")
    assert set(listed(dist)) == files
    for rel, digest in listed(dist).items():
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest, rel


def test_descriptor_names_the_commit_and_its_date(built):
    doc = json.loads((built / "dist" / "datapackage.json").read_text())
    commit, stamp = git(built, "log", "-1", "--format=%H %cI").split()
    assert doc["commit"] == commit and doc["version"] == VERSION
    from datetime import datetime

    assert datetime.fromisoformat(doc["created"]) == datetime.fromisoformat(stamp)


def test_build_info_marks_a_dirty_tree_and_honours_source_date_epoch(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    clean = build_info(repo)
    assert not clean["commit"].endswith("-dirty")
    set_cells(repo, "figures", 2, notes="Edited.")
    assert build_info(repo)["commit"] == clean["commit"] + "-dirty"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_info(repo)["created"] == "2023-11-14T22:13:20Z"
    assert "commit" not in build_info(tmp_path)  # not a repository: no commit to name


def test_release_zip_verifies_with_sha256sum(built, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    result = run("release", "--package", built, "--out", dist)
    assert result.exit_code == 0, result.output
    archive = dist / "release" / zip_name(NAME, VERSION)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "unzipped")
    folder = f"{NAME}-{VERSION}"
    assert names == sorted(names)
    inside = {n.removeprefix(f"{folder}/") for n in names}
    assert {"datapackage.json", "SHA256SUMS", "CITATION.cff", "LICENSE", "LICENSE-DATA.md",
            "codebook.md", "recruitment.duckdb", "csv/figures.csv",
            "parquet/figures.parquet", "croissant.json"} <= inside  # fmt: skip
    assert not any(n.startswith(("site/", "release/")) for n in inside)
    done = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"],
        cwd=tmp_path / "unzipped" / folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(inside) - 1
    assert_checksums_exact(dist)  # dist's own SHA256SUMS now lists the release files too
    assert f"release/{zip_name(NAME, VERSION)}" in listed(dist)


def test_release_zip_is_deterministic(built, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    archive = dist / "release" / zip_name(NAME, VERSION)
    release(built, dist)
    first = archive.read_bytes()
    (dist / "release").rename(tmp_path / "old-release")
    release(built, dist)
    assert archive.read_bytes() == first
    with zipfile.ZipFile(archive) as zf:
        doc = json.loads(zf.read(f"{NAME}-{VERSION}/datapackage.json"))
        stamp = doc["created"][:19].replace("-", " ").replace("T", " ").replace(":", " ")
        *day_minute, second = (int(x) for x in stamp.split())
        expected = (*day_minute, second - second % 2)  # zip keeps even seconds
        for info in zf.infolist():
            assert info.date_time == expected
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED


def zip_entries(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_two_builds_of_a_commit_give_byte_identical_releases(built, tmp_path):
    """`make release` twice: a second build of the same commit, from scratch in its own
    process and folder, gives the same zip and CHANGES bytes, and the zip's SHA256SUMS
    verifies what it holds."""
    first = tmp_path / "first"
    shutil.copytree(built / "dist", first)
    one = release(built, first)
    again = tmp_path / "again"
    for command in ("build", "release"):
        done = subprocess.run(
            [RECRUITMENT, command, "--package", built, "--out", again],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    two = [again / path.relative_to(first) for path in one]
    zips = [zip_entries(paths[0]) for paths in (one, two)]
    differ = sorted(n for n in zips[0] if zips[0][n] != zips[1].get(n))
    assert zips[0].keys() == zips[1].keys() and not differ, f"differ between builds: {differ}"
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    folder = f"{NAME}-{VERSION}/"
    inside = {n.removeprefix(folder): data for n, data in zips[1].items()}
    digests = sums(inside.pop("SHA256SUMS").decode())
    assert digests.keys() == inside.keys()  # sha256sum -c, in Python
    for name, data in inside.items():
        assert hashlib.sha256(data).hexdigest() == digests[name], name


def test_tag_must_match_the_version(built, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    result = run("release", "--package", built, "--out", dist, "--tag", "v9.9.9")
    assert result.exit_code == 1
    assert f"does not match datapackage.json's version '{VERSION}'" in result.output
    result = run("release", "--package", built, "--out", dist, "--tag", f"v{VERSION}")
    assert result.exit_code == 0, result.output


def test_release_needs_a_build(tmp_path):
    result = run("release", "--package", ROOT, "--out", tmp_path / "nothing")
    assert result.exit_code == 1 and "run `recruitment build`" in result.output


def test_changes_are_written_for_data_users(tmp_path, monkeypatch):
    """CHANGES: the version, its bump against the previous release, a summary per table
    whose counts are the changes table's, the row-level list bounded with a count, the
    CHANGELOG's words, and only a pointer to its pipeline notes, in that order."""
    from recruitment.publish import release_notes

    monkeypatch.setattr(release_notes, "ROWS_PER_TABLE", 1)
    repo = release_repo(tmp_path / "repo")
    gone = append_row(repo, "actors", actor_id="act-test-removed", name="Removed later")
    git(repo, "commit", "-qam", "an actor the next version removes")
    git(repo, "tag", f"v{VERSION}")  # the released state of VERSION
    actors = (repo / "data" / "actors.csv").read_text(encoding="utf-8").splitlines(True)
    (repo / "data" / "actors.csv").write_text("".join(actors[:-1]), encoding="utf-8")
    first = rows(repo, "actors")[0]
    set_cells(repo, "actors", 2, name="UK MoD")
    set_cells(repo, "figures", 2, notes="Corrected.")
    set_cells(repo, "figures", 3, notes="Corrected too.")
    added = append_row(repo, "measures", code="test_measure", label="Test measure")
    bump_version(repo, NEXT)
    changelog = repo / "CHANGELOG.md"
    entry = (
        f"## {NEXT} — 2026-12-02\n\nShorter names.\n\n### Data\n\n- Shorter name for the UK "
        "MoD.\n\n### Pipeline, tests\n\n- A pipeline detail.\n- Another.\n\n"
    )
    changelog.write_text(changelog.read_text().replace(f"## {VERSION}", entry + f"## {VERSION}", 1))
    git(repo, "commit", "-qam", f"{NEXT}")
    assert run("build", "--package", repo, "--out", repo / "dist").exit_code == 0
    result = run("release", "--package", repo, "--out", repo / "dist", "--tag", f"v{NEXT}")
    assert result.exit_code == 0, result.output
    text = (repo / "dist" / "release" / f"CHANGES-{NEXT}.md").read_text()
    assert text.startswith(f"# {NAME} {NEXT}\n\nVersion **{NEXT}**, built on ")
    assert f"**{NEXT} (patch) compared with {VERSION}**" in text and f"tag v{VERSION}" in text
    assert "first release" not in text
    order = ["## Summary", "## Row-level changes", "## From the CHANGELOG", "## Pipeline notes"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    summary = text[text.index("## Summary") : text.index("## Row-level changes")]
    counted = {
        cells[0].strip(" `"): tuple(int(c) for c in cells[1:])
        for line in summary.splitlines()
        if line.startswith("| `") and (cells := line.strip("|").split("|"))
    }
    expected = {"actors": (0, 1, 1, 1), "figures": (0, 0, 2, 2), "measures": (1, 0, 0, 0)}
    assert counted == expected
    with duckdb.connect(str(repo / "dist" / "recruitment.duckdb"), read_only=True) as con:
        logged = con.execute(
            "SELECT table_name, count(*) FILTER (kind = 'added'), count(*) FILTER (kind = "
            "'removed'), count(DISTINCT key) FILTER (kind = 'changed'), count(*) FILTER "
            "(kind = 'changed') FROM changes WHERE version_to = ? GROUP BY ALL",
            [NEXT],
        ).fetchall()
    assert {t: tuple(c) for t, *c in logged} == counted  # one source: the changes table
    listed = text[text.index("## Row-level changes") : text.index("## From the CHANGELOG")]
    assert f"| `{gone['actor_id']}` | removed |" in listed
    assert f"| `{first['actor_id']}` | changed |" not in listed  # one row per table: the first
    assert f"| `{added['code']}` | added |" in listed
    assert "… and 1 more change(s) of `actors` not shown" in listed
    assert "… and 1 more change(s) of `figures` not shown" in listed
    assert f"SELECT * FROM changes WHERE version_to = '{NEXT}'" in listed
    words = text[text.index("## From the CHANGELOG") : text.index("## Pipeline notes")]
    assert "Shorter names." in words and "- Shorter name for the UK MoD." in words
    assert "A pipeline detail" not in text
    assert "“Pipeline, tests”, 2 lines" in text[text.index("## Pipeline notes") :]


def test_changes_quote_the_changelog_without_its_pipeline_notes():
    """A ``### Pipeline…`` section and a ``Pipeline:`` paragraph (up to the next label or
    heading) are left out and counted; the rest is quoted a heading level down."""
    from recruitment.publish.release_notes import split_changelog

    entry = (
        "## 9.9.9 — 2026-01-01\n\nWords.\n\n### Data: x\n\nData (issue 1):\n- a row.\n\n"
        "Pipeline:\n- a detail.\n- more.\n\nData again:\n- kept.\n\n### Pipeline, tests\n\n"
        "- gone.\n\n### Data: y\n\n- also kept.\n"
    )
    words, pipeline = split_changelog(entry)
    assert words.startswith("### 9.9.9 — 2026-01-01\n\nWords.\n\n#### Data: x\n")
    assert all(w in words for w in ("- a row.", "Data again:", "- kept.", "- also kept."))
    assert "detail" not in words and "more." not in words and "gone" not in words
    assert pipeline == [("Data: x › Pipeline", 2), ("Pipeline, tests", 1)]


# --- dist/ stays coherent ----------------------------------------------------------------


def test_export_after_build_keeps_the_site_and_the_checksums_exact(built, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    assert (dist / "site" / "index.html").is_file()
    result = run("export", "--package", built, "--out", dist)
    assert result.exit_code == 0, result.output
    assert (dist / "site" / "index.html").is_file()
    assert_checksums_exact(dist)


def test_export_into_an_empty_folder_writes_no_site(built, tmp_path):
    dist = tmp_path / "dist"
    assert run("export", "--package", built, "--out", dist).exit_code == 0
    assert not (dist / "site").exists()
    assert_checksums_exact(dist)


def test_report_and_checksums_rewrite_sha256sums(built, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    (dist / "site" / "index.html").write_text("stale")
    assert run("report", "--package", built, "--out", dist).exit_code == 0
    assert_checksums_exact(dist)
    (dist / "site" / "screenshots").mkdir()
    (dist / "site" / "screenshots" / "overview.png").write_bytes(b"\x89PNG")
    assert run("checksums", "--out", dist).exit_code == 0
    assert_checksums_exact(dist)
    assert "site/screenshots/overview.png" in listed(dist)


def test_a_new_build_keeps_the_release_files(built, tmp_path):
    """`make` after `make release`: the new dist/ still holds dist/release/, unchanged, and
    SHA256SUMS lists it; a symlink put there is not carried over."""
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    written = release(built, dist)
    before = {p.name: p.read_bytes() for p in written}
    (dist / "release" / "elsewhere").symlink_to(tmp_path)
    assert run("build", "--package", built, "--out", dist).exit_code == 0
    assert {p.name: p.read_bytes() for p in (dist / "release").iterdir()} == before
    assert_checksums_exact(dist)


def test_the_release_stands_alone(built, tmp_path, monkeypatch):
    """Unpacked in an empty folder, the zip has a README whose DuckDB, pandas and polars
    snippets run there as written, every path of its descriptor and codebook is a file of
    the zip, and it holds no internal file."""
    import re

    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    release(built, dist)
    with zipfile.ZipFile(dist / "release" / zip_name(NAME, VERSION)) as zf:
        zf.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / f"{NAME}-{VERSION}"
    inside = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"README.md", "CHANGES.md", "codebook.md"} <= inside
    assert not any(n.startswith(".") or "/." in n for n in inside), inside
    doc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    paths = [r["path"] for r in doc["resources"]]
    paths += [s["path"] for s in doc.get("sources", []) if "://" not in s.get("path", "://")]
    assert paths and set(paths) <= inside, set(paths) - inside
    codebook = (folder / "codebook.md").read_text(encoding="utf-8")
    named = re.findall(r"`((?:csv|parquet|data|schemas|seeds)/[^`]*)`", codebook)
    assert named and set(named) <= inside, set(named) - inside
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "dist/" not in readme
    text = (folder / "CHANGES.md").read_text(encoding="utf-8")
    generated = text.split("## From the CHANGELOG")[0]  # the rest is the curators' words
    assert "first release" not in generated
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for snippet in re.findall(r"^```sh\n(.*?)^```", readme, flags=re.S | re.M):
        if "duckdb " not in snippet and "sha256sum" not in snippet:
            continue
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", snippet], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, snippet + done.stderr
    monkeypatch.chdir(folder)
    python = re.findall(r"^```python\n(.*?)^```", readme, flags=re.S | re.M)
    ran = set()
    for i, snippet in enumerate(python):
        needs = re.search(r"^import (\w+)", snippet, re.M)[1]
        if needs == "pandas" and importlib.util.find_spec("pandas") is None:
            continue  # pandas is not in this environment: that snippet is shown, not run
        namespace: dict = {}
        exec(compile(snippet, f"release README python snippet {i + 1}", "exec"), namespace)
        ran.add(needs)
        for name, value in namespace.items():
            if name in ("figures", "estimates"):
                assert len(value) > 0, name
    assert {"duckdb", "polars"} <= ran
