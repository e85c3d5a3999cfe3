"""A package that grows: a new article goes from add-source to every check CI runs, green.

The contributor's path, on a git repository holding a copy of the committed package: add a
made-up article with ``add-source``, record its one number, bump the version the way
CONTRIBUTING says (datapackage.json, CITATION.cff, a CHANGELOG entry), regenerate what
``make`` regenerates (README counts, the codebook), commit, then run what CI runs: validate,
the version gate against the commit before, the README and codebook staleness checks, and a
build. Nothing here names an id or a count of the committed data: they are read from it.
"""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from conftest import ROOT, append_row, git, make_repo, next_source, rows
from recruitment.cli import main
from recruitment.package import load_package
from recruitment.publish.codebook import CODEBOOK, render

ARTICLE = (
    "date 2024-06-01\n"
    "The regional governor said the region aims to recruit 5,000 volunteers.\n"
    "Officials gave no further details.\n"
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def bump_minor(repo) -> str:
    """The version bump CONTRIBUTING describes, by hand: descriptor, citation, changelog."""
    descriptor = repo / "datapackage.json"
    old = json.loads(descriptor.read_text(encoding="utf-8"))["version"]
    major, minor, _ = map(int, old.split("."))
    new = f"{major}.{minor + 1}.0"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text.replace(f'"version": "{old}"', f'"version": "{new}"', 1))
    citation = repo / "CITATION.cff"
    citation.write_text(
        re.sub(rf"^version: {re.escape(old)}$", f"version: {new}", citation.read_text(), flags=re.M)
    )
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    at = text.index(f"## {old} ")
    entry = f"## {new} — 2026-12-03\n\n- A made-up article about a regional recruitment aim.\n\n"
    changelog.write_text(text[:at] + entry + text[at:], encoding="utf-8")
    return new


def test_a_new_article_and_its_bump_pass_every_check_ci_runs(tmp_path):
    repo = make_repo(tmp_path / "repo")
    for rel in ("README.md", CODEBOOK):
        (repo / rel).parent.mkdir(exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the committed state")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    source_id, prefix = next_source(repo)

    added = run("add-source", "--package", repo, article)
    assert added.exit_code == 0, added.output
    assert f"as {source_id}" in added.output and "'5,000'" in added.output
    figure_id = run("next-id", "figures", "--package", repo).output.strip()
    template = {k: "" for k in rows(repo, "figures")[-1]}
    append_row(
        repo,
        "figures",
        **{
            **template,
            "figure_id": figure_id,
            "measure": "recruitment_target",
            "value": "5000",
            "value_text": "5,000",
            "qualifier": "exact",
            "unit": "persons",
            "claim_key": "regional-recruitment-aim-5000",
            "notes": "A made-up article.",
            "source_id": source_id,
            "line": "2",
            "quote": "the region aims to recruit 5,000 volunteers",
        },
    )
    assert run("validate", "--package", repo).exit_code == 0
    new = bump_minor(repo)
    assert run("readme", "--package", repo).exit_code == 0
    assert run("codebook", "--package", repo).exit_code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{new}: a new article")

    checks = {
        "validate": run("validate", "--package", repo, "--format", "github"),
        "gate": run("diff", "HEAD^1", "--check-version", "--package", repo),
        "readme": run("readme", "--check", "--package", repo),
        "build": run("build", "--package", repo, "--out", tmp_path / "dist"),
    }
    failed = {name: r.output for name, r in checks.items() if r.exit_code != 0}
    assert not failed, failed
    assert "required bump: minor" in checks["gate"].output
    model, _ = load_package(repo)
    codebook = (repo / CODEBOOK).read_text(encoding="utf-8")
    assert codebook == render(model) and f"version {new}" in codebook
    assert any((repo / "seeds").glob(f"{prefix}*.txt"))
    published = (tmp_path / "dist" / "csv" / "figures.csv").read_text(encoding="utf-8")
    assert f"{figure_id},recruitment_target,5000," in published
