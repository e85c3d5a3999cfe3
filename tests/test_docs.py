"""The README's numbers and examples agree with the built database.

Every SQL query of the README is run in DuckDB 1.x and 2.x by test_use_the_data.py."""

from __future__ import annotations

import difflib
import re

import duckdb
import pytest

from conftest import ROOT, rows

README = (ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.S)


@pytest.fixture(scope="module")
def database(committed_dist):
    with duckdb.connect(str(committed_dist / "recruitment.duckdb"), read_only=True) as con:
        yield con


def test_readme_quotas_query_gives_every_quota_by_year(committed, database):
    got = database.execute(SQL_BLOCKS[0]).fetchall()
    quotas = [r for r in rows(committed, "figures") if r["measure"] == "conscription_quota"]
    assert sorted((r[0], r[1]) for r in got) == sorted(
        (int(r["period_start"][:4]), int(r["value"])) for r in quotas
    )
    assert [r[0] for r in got] == sorted(r[0] for r in got)


def test_readme_generated_text_is_current():
    """A valid new row never fails here once `make` has run; a stale README names the fix."""
    from recruitment.publish import readme

    fresh = readme.render(ROOT, README)
    if fresh != README:
        diff = "".join(
            difflib.unified_diff(
                README.splitlines(keepends=True), fresh.splitlines(keepends=True), n=0
            )
        )
        pytest.fail(
            f"README.md's generated text is stale: run `{readme.REGENERATE}` (or `make`) and "
            f"commit README.md.\n{diff}",
            pytrace=False,
        )


def test_readme_row_counts_match_the_data(database):
    from recruitment.core.snapshot import FolderSource, load
    from recruitment.publish import readme

    rendered = readme.render_counts(load(FolderSource(ROOT)))
    table = re.search(r"\| table \| rows \|\n\| --- \| --- \|\n((?:\|.*\|\n)+)", rendered)
    stated = {
        name.strip(): int(n)
        for name, n in (row.strip("|").split("|") for row in table.group(1).splitlines())
    }
    actual = {
        name: database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in stated
    }
    assert stated == actual


def test_version_is_the_same_in_descriptor_citation_and_changelog():
    import json

    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(version)}$", citation, flags=re.M)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)} ", changelog, flags=re.M)
