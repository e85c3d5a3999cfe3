"""recruitment add-source: a new article copied byte for byte, its sources row, and refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, next_source, rows
from recruitment import limits
from recruitment.checks.validate import validate
from recruitment.cli import main
from recruitment.curate.add_source import Refused, add_source

ARTICLE = ROOT / "tests" / "fixtures" / "suggest_article.txt"


def snapshot(pkg: Path) -> dict:
    """Every file of seeds/ and data/, by path, with its bytes."""
    return {
        p.relative_to(pkg).as_posix(): p.read_bytes()
        for part in ("seeds", "data")
        for p in sorted((pkg / part).rglob("*"))
        if p.is_file()
    }


def test_the_article_is_copied_byte_for_byte_with_its_row(pkg):
    source_id, prefix = next_source(pkg)
    added = add_source(pkg, ARTICLE)
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert added.seed_file == f"seeds/{prefix}{digest[:16]}.txt"
    assert (pkg / added.seed_file).read_bytes() == ARTICLE.read_bytes()
    row = rows(pkg, "sources")[-1]
    assert row["source_id"] == source_id and row["sha256"] == digest
    assert row["seed_file"] == added.seed_file
    # "date 2024-05-02" on line 1: a stated publication date, cited by its words
    assert (row["published_start"], row["published_end"]) == ("2024-05-02", "2024-05-02")
    assert row["published_precision"] == "day" and row["published_basis"] == "stated"
    assert row["published_text"] == "2024-05-02"
    assert (row["line"], row["quote"]) == ("1", "date 2024-05-02")
    findings = validate(pkg).findings
    assert findings and {f.rule for f in findings} == {"coverage/uncovered", "coverage/statement"}
    assert {f.file for f in findings} == {added.seed_file}


def test_without_a_stated_date_the_date_is_left_and_the_first_line_cited(pkg, tmp_path):
    article = tmp_path / "undated.txt"
    article.write_text("\nTroops gathered near the border, as planned.\n", encoding="utf-8")
    added = add_source(pkg, article)
    assert not added.date_stated
    row = rows(pkg, "sources")[-1]
    assert [row[c] for c in ("published_start", "published_end", "published_basis")] == [""] * 3
    assert (row["line"], row["quote"]) == ("2", "Troops gathered near the border")
    assert validate(pkg).valid  # no numbers or dates: nothing left to record


def test_the_next_number_follows_both_seeds_and_source_ids(pkg, tmp_path):
    source_id, _ = next_source(pkg)
    stray = int(source_id.removeprefix("src-")) + 4  # a seed numbered past every source id
    (pkg / "seeds" / f"{stray:03d}_stray.txt").write_text("A stray seed.\n", encoding="utf-8")
    added = add_source(pkg, ARTICLE)
    assert added.source_id == f"src-{stray + 1:03d}"
    assert added.seed_file.startswith(f"seeds/{stray + 1:03d}_")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("Plan für 2024: Rekruten".encode("latin-1"), "not UTF-8"),
        (b"text\x00with a NUL byte", "NUL"),
        (b"\xef\xbb\xbfWith a byte-order mark", "byte-order mark"),
        (b"  \n\n", "empty"),
        (sorted((ROOT / "seeds").glob("*.txt"))[0].read_bytes(), "already in the package"),
    ],
    ids=["latin-1", "binary", "bom", "blank", "duplicate"],
)
def test_refusals_write_nothing(pkg, tmp_path, content, says):
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    before = snapshot(pkg)
    with pytest.raises(Refused, match=says):
        add_source(pkg, article)
    assert snapshot(pkg) == before


def test_an_article_over_the_size_limit_is_refused(pkg, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "SEED_MAX_BYTES", 100)
    article = tmp_path / "long.txt"
    article.write_text("Troops. " * 13, encoding="utf-8")  # 104 bytes
    before = snapshot(pkg)
    with pytest.raises(Refused, match="over the seed limit of 100"):
        add_source(pkg, article)
    assert snapshot(pkg) == before
    article.write_text("Troops. " * 12, encoding="utf-8")  # 96 bytes: accepted
    source_id, _ = next_source(pkg)
    assert add_source(pkg, article).source_id == source_id


@pytest.mark.parametrize("folder", ["seeds", "data"])
def test_a_symlinked_folder_pointing_out_is_refused(pkg, tmp_path, folder):
    outside = tmp_path / "outside"
    (pkg / folder).rename(outside)
    (pkg / folder).symlink_to(outside, target_is_directory=True)
    before = sorted(p.name for p in outside.iterdir())
    with pytest.raises(Refused, match="symlink"):
        add_source(pkg, ARTICLE)
    assert sorted(p.name for p in outside.iterdir()) == before


def test_cli_adds_prints_what_is_left_and_refuses_a_second_time(pkg):
    source_id, prefix = next_source(pkg)
    result = CliRunner().invoke(main, ["add-source", "--package", str(pkg), str(ARTICLE)])
    assert result.exit_code == 0, result.output
    assert f"added seeds/{prefix}" in result.output and f"as {source_id}" in result.output
    assert "publication date: 2024-05-02" in result.output
    assert (
        "  line 2: 'said', 'Tuesday', '12,000', 'April', '2024', '9,500', 'March'\n"
        in result.output
    )
    assert f"next: recruitment suggest {source_id}" in result.output
    again = CliRunner().invoke(main, ["add-source", "--package", str(pkg), str(ARTICLE)])
    assert again.exit_code == 2
    assert "already in the package" in again.output and "Nothing was added" in again.output


def test_cli_output_escapes_control_characters_of_the_article(pkg, tmp_path):
    article = tmp_path / "hostile.txt"
    article.write_text("date 2024-05-02\x1b[31m red\n::error::forged 12 men\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["add-source", "--package", str(pkg), str(article)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert not any(line.startswith("::") for line in result.output.splitlines())
