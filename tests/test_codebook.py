"""docs/codebook.md is generated from the Table Schemas and must match a fresh render."""

from __future__ import annotations

import difflib

import pytest

from conftest import ROOT, edit_json, load_model, schema_field
from recruitment.publish.codebook import CODEBOOK, REGENERATE, cell, render, write


def _package(root=ROOT):
    return load_model(root)


def stale(root=ROOT) -> str | None:
    """Why ``root``'s docs/codebook.md is not what the package renders now (with the command
    that fixes it), or None when it is current."""
    path = root / CODEBOOK
    if not path.is_file():
        return f"{CODEBOOK} is missing: run `{REGENERATE}` (or `make`) and commit it."
    committed, fresh = path.read_text(encoding="utf-8"), render(_package(root))
    if committed == fresh:
        return None
    diff = "".join(
        list(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                f"{CODEBOOK} (committed)",
                f"{CODEBOOK} (rendered now)",
            )
        )[:40]
    )
    return (
        f"{CODEBOOK} is stale: it is generated from datapackage.json (its version among the "
        f"rest), the Table Schemas and the code lists. Run `{REGENERATE}` (or `make`, or "
        f"`recruitment bump` for a version bump) and commit {CODEBOOK}.\n{diff}"
    )


def test_committed_codebook_is_current():
    problem = stale()
    if problem:
        pytest.fail(problem, pytrace=False)


def test_a_version_bump_makes_the_codebook_stale_and_the_message_names_the_fix(pkg):
    (pkg / "docs").mkdir()
    (pkg / CODEBOOK).write_text(render(_package(pkg)), encoding="utf-8")
    assert stale(pkg) is None
    edit_json(pkg, "datapackage.json", lambda d: d.update(version="99.0.0"))
    problem = stale(pkg)
    assert problem and f"Run `{REGENERATE}` (or `make`, or `recruitment bump`" in problem
    assert "+" in problem and "99.0.0" in problem
    write(pkg)
    assert stale(pkg) is None


def test_every_table_column_and_code_is_documented():
    pkg = _package()
    text = render(pkg)
    for res in pkg.resources.values():
        assert f"## `{res.name}`: {res.title}" in text
        assert res.description in text
        for key in res.primary_key:
            assert f"- Primary key: `{key}`" in text
        for fk in res.foreign_keys:
            assert f"`{fk.resource}.{fk.reference_fields[0]}`" in text
        for f in res.fields:
            assert f"| `{f.name}` | " in text, f"{res.name}.{f.name} is missing"
            for code, meaning in f.enum_descriptions.items():
                row = f"| `{code}` | {cell(meaning)} |"
                assert row in text, f"{res.name}.{f.name} code {code} is missing"
            if f.enum:
                assert f"### `{res.name}.{f.name}` codes" in text


def test_render_is_deterministic_and_ends_with_a_newline():
    pkg = _package()
    assert render(pkg) == render(pkg)
    assert render(pkg).endswith("\n") and not render(pkg).endswith("\n\n")


def test_write_renders_a_changed_schema(pkg):
    """A new description or code meaning shows up after write(), escaped for a table cell."""

    def change(doc):
        f = schema_field(doc, "qualifier")
        f["description"] = "How the text | qualifies *it*."
        f["enumDescriptions"]["exact"] = "Plain <number>."

    edit_json(pkg, "schemas/figures.json", change)
    path = write(pkg)
    assert path == pkg / CODEBOOK
    text = path.read_text(encoding="utf-8")
    assert "How the text \\| qualifies \\*it\\*." in text
    assert "| `exact` | Plain \\<number\\>. |" in text
    # Every table row has the header's number of cells once escaped pipes are ignored.
    for line in text.splitlines():
        if line.startswith("| `") and "`qualifier`" in line:
            assert line.replace("\\|", "").count("|") == 7


def test_write_refuses_unreadable_schemas(pkg):
    (pkg / "schemas" / "figures.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="no codebook"):
        write(pkg)
