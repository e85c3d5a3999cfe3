"""No trap for a valid contribution: generated README counts and the next free id."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT, append_row, copy_package, find_row, rows
from recruitment.checks.validate import validate
from recruitment.cli import main
from recruitment.core.package import load_package
from recruitment.curate.ids import IdError, next_id
from recruitment.publish import readme


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def pkg_with_readme(tmp_path):
    root = copy_package(tmp_path / "pkg")
    shutil.copy2(ROOT / "README.md", root / "README.md")
    return root


def test_next_id_is_one_more_than_the_highest(pkg):
    highest = max(int(r["figure_id"].removeprefix("fig-")) for r in rows(pkg, "figures"))
    assert next_id(pkg, "figures") == f"fig-{highest + 1:04d}"
    result = run("next-id", "figures", "--package", pkg)
    assert result.exit_code == 0 and result.output == f"fig-{highest + 1:04d}\n"


def test_next_id_follows_each_tables_pattern(pkg):
    pkg_model, _ = load_package(pkg)
    for name, res in pkg_model.resources.items():
        pattern = res.field(res.primary_key[0]).constraints["pattern"]
        try:
            new = next_id(pkg, name)
        except IdError:
            assert name == "actors" or res.is_codelist  # slugs and codes, not numbers
            continue
        assert re.fullmatch(pattern, new)
        assert new not in {r[res.primary_key[0]] for r in rows(pkg, name)}


def test_next_id_of_a_slug_table_or_unknown_table_is_a_usage_error(pkg):
    result = run("next-id", "actors", "--package", pkg)
    assert result.exit_code == 2 and "not numbered" in result.output
    result = run("next-id", "nope", "--package", pkg)
    assert result.exit_code == 2 and "no table 'nope'" in result.output


def test_a_valid_new_row_with_the_next_id_passes_once_readme_is_regenerated(pkg_with_readme):
    """The contributor's loop: next-id, add the row, validate, `make` (readme), tests."""
    root = pkg_with_readme
    _, row = find_row(root, "figures", figure_id="fig-0025")
    # a new record of the line (the same measure and words again would be a duplicate)
    new_row = {**row, "figure_id": next_id(root, "figures"), "measure": "targets_struck"}
    append_row(root, "figures", **{**new_row, "unit": "targets"})
    assert validate(root).valid
    text = (root / "README.md").read_text(encoding="utf-8")
    assert readme.render(root, text) != text  # the count of figures went up: stale
    result = run("readme", "--check", "--package", root)
    assert result.exit_code == 1 and "run `recruitment readme`" in result.output
    result = run("readme", "--package", root)
    assert result.exit_code == 0 and result.output.startswith("updated:")
    new = (root / "README.md").read_text(encoding="utf-8")
    assert f"| figures | {len(rows(root, 'figures'))} |" in new
    assert readme.render(root, new) == new
    assert run("readme", "--check", "--package", root).exit_code == 0
    # only the block between the markers changed
    outside = readme._block("counts").sub("", text)
    assert readme._block("counts").sub("", new) == outside


def test_readme_without_markers_is_refused(pkg_with_readme):
    (pkg_with_readme / "README.md").write_text("# no markers\n", encoding="utf-8")
    result = run("readme", "--package", pkg_with_readme)
    assert result.exit_code == 2
