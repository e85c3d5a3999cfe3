"""What a contributor does, end to end: a new article, its rows, the bump, every CI check.

The repository is copied into a temporary git repository whose ``main`` is the committed
state; on a branch, the test adds a made-up article with ``add-source``, records its
numbers and the statement they come from, excludes what is not data, bumps the version
with ``recruitment bump`` as CONTRIBUTING says, rebuilds, and runs the checks CI runs
(validate, the version gate, the job summary, the generated-text staleness checks). Ids
and line numbers are read from what the commands wrote, never assumed.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT, add_row, git, rows
from recruitment.cli import main

PARTS = (
    "datapackage.json",
    "schemas",
    "data",
    "seeds",
    "docs/codebook.md",
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
)

ARTICLE = """\
Published: 2026-11-14
Moscow is offering new recruits a one-off bonus of 400,000 roubles.
The regional defence office said 5,000 volunteers had signed contracts, twice as many.
Synthetic article written for the test suite; it is not news.
"""
"""A made-up article: a stated date, a payment, a count with its speaker, and 'one-off',
which is not data."""


def cli(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def next_id(repo, table: str) -> str:
    return cli("next-id", table, "--package", str(repo)).output.strip()


@pytest.fixture
def repo(tmp_path):
    """The committed package as the main branch of a new repository, on a branch."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for part in PARTS:
        src, dest = ROOT / part, repo / part
        dest.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the committed package")
    git(repo, "checkout", "-q", "-b", "new-article")
    return repo


def test_a_new_article_goes_from_add_source_to_green_checks(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(repo)
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    cli("add-source", str(article), "--package", str(repo), ok=False)
    source = rows(repo, "sources")[-1]
    sid, lines = source["source_id"], ARTICLE.splitlines()
    assert (source["published_start"], source["published_basis"]) == ("2026-11-14", "stated")
    # coverage names what is left to record: the bonus, 'one-off', the count
    left = json.loads(cli("coverage", "--format", "json", ok=False).output)
    assert left["total"] > 0 and {f["file"] for f in left["findings"]} == {source["seed_file"]}

    actor = "act-synthetic-regional-defence-office"
    add_row(
        repo,
        "actors",
        {
            "actor_id": actor,
            "name": "Regional defence office (synthetic)",
            "kind": "ministry",
            "country": "RUS",
            "aliases": "The regional defence office",
            "source_id": sid,
            "line": "3",
            "quote": "The regional defence office said",
        },
    )
    common = {"source_id": sid, "qualifier": "exact", "subject": "", "event_id": ""}
    add_row(
        repo,
        "figures",
        {
            **common,
            "figure_id": next_id(repo, "figures"),
            "measure": "signing_bonus",
            "value": "400000",
            "value_text": "400,000",
            "unit": "rub",
            "claim_key": "synthetic-bonus-400000",
            "line": "2",
            "quote": "a one-off bonus of 400,000 roubles",
        },
    )
    add_row(
        repo,
        "figures",
        {
            **common,
            "figure_id": next_id(repo, "figures"),
            "measure": "recruits",
            "value": "5000",
            "value_text": "5,000",
            "unit": "persons",
            "claimed_by": actor,
            "claim_key": "synthetic-volunteers-5000",
            "line": "3",
            "quote": lines[2].split(", twice")[0],
        },
    )
    add_row(
        repo,
        "exclusions",
        {
            "exclusion_id": next_id(repo, "exclusions"),
            "span_text": "one-off",
            "reason": "not_data",
            "notes": "'one-off' says the bonus is paid once; it counts nothing.",
            "source_id": sid,
            "line": "2",
            "quote": "a one-off bonus",
        },
    )
    cli("validate", "--package", str(repo))

    bumped = cli("bump", "--package", str(repo)).output
    assert "(minor)" in bumped  # rows and a seed added
    cli("build", "--package", str(repo), "--out", str(tmp_path / "dist"))
    cli("readme", "--check", "--package", str(repo))
    from recruitment.publish import codebook

    assert (repo / codebook.CODEBOOK).read_text(encoding="utf-8") == codebook.render(
        codebook.loadable(repo)
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a new article")
    # the checks CI runs on the pull request, against the base branch
    cli("validate", "--package", str(repo), "--format", "github")
    cli("diff", "main", "--package", str(repo), "--check-version")
    assert "Version gate: passed" in cli("summary", "main", "--package", str(repo)).output


def test_a_one_cell_correction_with_its_bump_passes(repo, monkeypatch):
    monkeypatch.chdir(repo)
    path = repo / "data" / "figures.csv"
    text = path.read_text(encoding="utf-8")
    header, first, *rest = text.split("\n")
    notes = header.split(",").index("notes")
    import csv
    import io

    (row,) = list(csv.reader([first]))
    row[notes] = (row[notes] + " Corrected in a test.").strip()
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    path.write_text("\n".join([header, out.getvalue(), *rest]), encoding="utf-8")
    gate = cli("diff", "main", "--package", str(repo), "--check-version", ok=False)
    assert gate.exit_code == 1 and "recruitment bump" in gate.output
    assert "(patch)" in cli("bump", "--package", str(repo)).output
    cli("readme", "--check", "--package", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a correction")
    cli("diff", "main", "--package", str(repo), "--check-version")
