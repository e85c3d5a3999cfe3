"""recruitment diff: keyed by primary key, with schema and seed changes, bumps and the gate.

The scripted contribution runs in a temporary git repository: a branch changes a value,
adds a row and removes an enum code, and the diff against ``main`` must say exactly that
in all three formats, with the MAJOR bump the removed code and row require.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import (
    GIT_ENV,
    ROOT,
    append_row,
    copy_package,
    edit_json,
    find_row,
    git,
    make_repo,
    rows,
    schema_field,
    set_cells,
)
from recruitment.cli import main
from recruitment.core.snapshot import FolderSource, GitSource, SourceError, load
from recruitment.review import diff as d


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def drop_rows(root: Path, table: str, **where) -> None:
    path = root / "data" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    line, _ = find_row(root, table, **where)
    del lines[line - 1]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def contribution(tmp_path):
    """main = the package; branch `contrib` changes a value, adds a row, removes a code
    (a row of the measures code list)."""
    repo = make_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "contrib")
    line, row = find_row(repo, "figures", figure_id="fig-0005")
    set_cells(repo, "figures", line, value_text="200,000", notes="Corrected note.")
    append_row(repo, "figures", figure_id="fig-9999", line="65")
    drop_rows(repo, "figures", measure="injuries")
    drop_rows(repo, "measures", code="injuries")
    return repo


def test_text_diff_of_a_contribution(contribution):
    result = run("diff", "--package", contribution)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "required bump: MAJOR" in out
    assert "table figures (changed; key figure_id): 1 removed, 1 changed, 1 added" in out
    assert "table measures (changed; key code): 1 removed" in out
    assert "\n  - 'injuries' " in out
    assert "~ 'fig-0005' notes: " in out and "→ 'Corrected note.'" in out
    assert "\n  + 'fig-9999' " in out
    assert "\n  - 'fig-0024' measure='injuries'" in out
    # value_text was already 200,000: an unchanged cell is not reported as changed
    assert "value_text:" not in out.split("~ 'fig-0005'")[1].split("\n")[0]
    # the other tables did not change and are not listed
    assert "table events" not in out


def test_markdown_diff_of_a_contribution(contribution):
    result = run("diff", "--package", contribution, "--format", "markdown")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "**required bump: MAJOR**" in out
    assert "| `figures` (changed) | 1 | 1 | 1 | 0 |" in out
    assert "| `measures` (changed) | 1 | 0 | 0 | 0 |" in out
    # removals come first, then changes, then additions
    assert out.index("Removed rows (1)") < out.index("Changed rows (1)") < out.index("Added rows")
    changed = next(line for line in out.splitlines() if line.startswith("| fig-0005 |"))
    assert "`notes`: " in changed and "→ Corrected note. |" in changed
    _, row = find_row(contribution, "figures", figure_id="fig-0005")
    assert changed.endswith(f"| {row['quote']} |")


def test_json_diff_of_a_contribution(contribution):
    result = run("diff", "--package", contribution, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {
        "format", "base", "head", "required_bump", "reasons", "package", "tables", "seeds"
    }  # fmt: skip
    assert doc["format"] == 1 and doc["required_bump"] == "major"
    figures, measures = doc["tables"]
    assert figures["name"] == "figures" and figures["primary_key"] == ["figure_id"]
    assert figures["counts"] == {"removed": 1, "changed": 1, "added": 1}
    assert [r["figure_id"] for r in figures["removed"]] == ["fig-0024"]
    assert [r["figure_id"] for r in figures["added"]] == ["fig-9999"]
    (changed,) = figures["changed"]
    assert changed["key"] == ["fig-0005"]
    assert set(changed["cells"]) == {"notes"}
    assert changed["cells"]["notes"]["new"] == "Corrected note."
    assert figures["schema"] == [] and measures["schema"] == []
    assert measures["name"] == "measures" and measures["counts"]["removed"] == 1
    assert [r["code"] for r in measures["removed"]] == ["injuries"]


def test_version_gate_fails_without_a_bump_and_passes_with_it(contribution):
    base = json.loads((contribution / "datapackage.json").read_text())["version"]
    major = f"{int(base.split('.')[0]) + 1}.0.0"
    result = run("diff", "--package", contribution, "--check-version")
    assert result.exit_code == 1
    assert "[version/bump]" in result.output and f"make it {major}" in result.output
    assert "[version/changelog]" not in result.output  # the base version has its entry already

    edit_json(contribution, "datapackage.json", lambda doc: doc.update(version=major))
    result = run("diff", "--package", contribution, "--check-version")
    assert result.exit_code == 1
    assert "[version/changelog]" in result.output and "[version/citation]" in result.output
    assert "[version/bump]" not in result.output

    citation = contribution / "CITATION.cff"
    citation.write_text(citation.read_text().replace(f"version: {base}", f"version: {major}"))
    changelog = contribution / "CHANGELOG.md"
    text = changelog.read_text()
    changelog.write_text(
        text.replace(f"## {base}", f"## {major} — 2026-12-01\n\n- Dropped injuries.\n\n## {base}")
    )
    result = run("diff", "--package", contribution, "--check-version")
    assert result.exit_code == 0, result.output
    assert "version gate: passed (required bump: major)" in result.output


def test_version_gate_finding_names_the_version_line(contribution):
    result = run("diff", "--package", contribution, "--check-version", "--format", "json")
    doc = json.loads(result.output)
    (finding,) = doc["version_check"]["findings"]
    line = (contribution / "datapackage.json").read_text().splitlines()[finding["line"] - 1]
    assert finding["file"] == "datapackage.json" and '"version"' in line


def test_a_minor_change_needs_only_a_minor_bump(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    append_row(head, "figures", figure_id="fig-9999")
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    assert diff.required_bump == "minor"
    x, y, z = map(int, json.loads((base / "datapackage.json").read_text())["version"].split("."))
    below = f"{x - 1}.9.9" if x else f"0.{max(y - 1, 0)}.9"
    for version, passes in [
        (f"{x}.{y}.{z + 1}", False),
        (f"{x}.{y + 1}.0", True),
        (f"{x + 1}.0.0", True),
        (below, False),
    ]:
        edit_json(head, "datapackage.json", lambda doc, v=version: doc.update(version=v))
        diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
        from recruitment.review.versioning import check

        bumps = [f for f in check(diff, FolderSource(head)) if f.rule == "version/bump"]
        assert (not bumps) == passes, version


def _bump_after(tmp_path, change) -> tuple[str, list]:
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    change(head)
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    kinds = [c.kind for t in diff.tables for c in t.schema] + [c.kind for c in diff.package]
    return diff.required_bump, kinds


def _field(table, name, fn):
    return lambda root: edit_json(
        root, f"schemas/{table}.json", lambda doc: fn(schema_field(doc, name))
    )


def _constraint(table, name, **values):
    return _field(table, name, lambda f: f.setdefault("constraints", {}).update(values))


def _add_field(root):
    def change(doc):
        doc["fields"].append({"name": "extra", "type": "string"})

    edit_json(root, "schemas/figures.json", change)


def _remove_field(root):
    edit_json(
        root,
        "schemas/figures.json",
        lambda doc: doc["fields"].remove(schema_field(doc, "notes")),
    )


def _add_code(root):
    def change(f):
        f["constraints"]["enum"].append("roughly")
        f["enumDescriptions"]["roughly"] = "The text hedges with 'roughly'."

    _field("figures", "qualifier", change)(root)


def _add_codelist_row(root):
    append_row(root, "measures", code="wounded", label="wounded", description="People wounded.")


def _enum_to_codelist(tmp_path):
    """A base whose figures.unit is an enum, a head whose codes live in the units list."""
    base = copy_package(tmp_path / "base")
    units = rows(base, "units")

    def to_enum(doc):
        f = schema_field(doc, "unit")
        f["constraints"]["enum"] = [u["code"] for u in units]
        f["enumDescriptions"] = {u["code"]: u["description"] for u in units}
        doc["foreignKeys"] = [
            fk for fk in doc["foreignKeys"] if fk["reference"]["resource"] != "units"
        ]

    edit_json(base, "schemas/figures.json", to_enum)
    return base, copy_package(tmp_path / "head")


def _add_resource(root):
    shutil.copy2(root / "data" / "figures.csv", root / "data" / "figures2.csv")

    def change(doc):
        res = dict(next(r for r in doc["resources"] if r["name"] == "figures"))
        doc["resources"].append({**res, "name": "figures2", "path": "data/figures2.csv"})

    edit_json(root, "datapackage.json", change)


def _remove_resource(root):
    edit_json(
        root,
        "datapackage.json",
        lambda doc: doc.update(
            resources=[r for r in doc["resources"] if r["name"] != "exclusions"]
        ),
    )


BUMPS = {
    "value corrected": (lambda r: set_cells(r, "figures", 2, notes="Better."), "patch", []),
    "title changed": (
        lambda r: edit_json(r, "datapackage.json", lambda doc: doc.update(title="T")),
        "patch",
        ["metadata"],
    ),
    "description of a field": (
        _field("figures", "value", lambda f: f.update(description="New words.")),
        "patch",
        ["field-metadata"],
    ),
    "field added": (_add_field, "minor", ["field-added"]),
    "field removed": (_remove_field, "major", ["field-removed"]),
    "field retyped": (_field("figures", "line", lambda f: f.update(type="number")), "major",
                      ["field-retyped"]),
    "required added": (_constraint("figures", "notes", required=True), "major",
                       ["constraint-tightened"]),
    "maximum raised": (_constraint("figures", "line", maximum=10**9), "major",
                       ["constraint-tightened"]),
    "minimum lowered": (_constraint("figures", "value", minimum=-5), "minor",
                        ["constraint-loosened"]),
    "minimum raised": (_constraint("figures", "value", minimum=1), "major",
                       ["constraint-tightened"]),
    "maxLength raised": (_constraint("figures", "quote", maxLength=10**6), "minor",
                         ["constraint-loosened"]),
    "pattern changed": (_constraint("figures", "figure_id", pattern="fig-[0-9]{5,}"), "major",
                        ["constraint-tightened"]),
    "code added": (_add_code, "minor", ["codes-added"]),
    "code-list row added": (_add_codelist_row, "minor", []),
    "resource added": (_add_resource, "minor", ["resource-added"]),
    "resource removed": (_remove_resource, "major", ["resource-removed"]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BUMPS), ids=list(BUMPS))
def test_each_change_requires_its_bump(tmp_path, case):
    change, bump, kinds = BUMPS[case]
    got_bump, got_kinds = _bump_after(tmp_path, change)
    assert (got_bump, got_kinds) == (bump, kinds)


def test_an_enum_moved_into_a_code_list_is_minor(tmp_path):
    base, head = _enum_to_codelist(tmp_path)
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    (figures,) = [t for t in diff.tables if t.name == "figures"]
    assert [(c.kind, c.field, c.bump) for c in figures.schema] == [("codes-moved", "unit", "minor")]
    assert diff.required_bump == "minor"


def test_an_enum_moved_into_a_code_list_that_lacks_a_code_is_major(tmp_path):
    base, head = _enum_to_codelist(tmp_path)
    drop_rows(head, "units", code=rows(head, "units")[-1]["code"])
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    (figures,) = [t for t in diff.tables if t.name == "figures"]
    assert "foreign-key-added" in {c.kind for c in figures.schema}
    assert diff.required_bump == "major"


def test_seeds_added_removed_changed(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    seeds = sorted((head / "seeds").iterdir())
    seeds[0].write_bytes(seeds[0].read_bytes() + b"x")
    seeds[1].unlink()
    (head / "seeds" / "new.txt").write_text("A new article.\n")
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    assert [(c.kind, c.field) for c in diff.seeds] == [
        ("seed-changed", f"seeds/{seeds[0].name}"),
        ("seed-removed", f"seeds/{seeds[1].name}"),
        ("seed-added", "seeds/new.txt"),
    ]
    assert diff.required_bump == "major"


def test_two_folders_without_git(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    set_cells(head, "actors", 2, name="UK MoD")
    result = run("diff", base, head, "--package", tmp_path)
    assert result.exit_code == 0, result.output
    assert "~ 'act-uk-mod' name: 'UK Ministry of Defence' → 'UK MoD'" in result.output
    assert "required bump: PATCH" in result.output


def test_no_git_and_no_base_is_a_usage_error(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    result = run("diff", "--package", pkg)
    assert result.exit_code == 2
    assert "not in a git repository" in result.output


def test_git_refs_are_read_without_checkout(contribution):
    git(contribution, "add", "-A")
    git(contribution, "commit", "-q", "-m", "contribution")
    before = {p: p.read_bytes() for p in (contribution / "data").iterdir()}
    result = run("diff", "main", "contrib", "--package", contribution, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["required_bump"] == "major"
    assert {p: p.read_bytes() for p in (contribution / "data").iterdir()} == before
    assert git(contribution, "rev-parse", "--abbrev-ref", "HEAD") == "contrib"


def test_an_option_is_not_taken_as_a_ref(contribution):
    result = run("diff", "--package", contribution, "--", "--output=/tmp/x", "HEAD")
    assert result.exit_code == 2
    assert "not a git ref" in result.output


def test_shallow_clone_fetches_the_base(tmp_path):
    origin = make_repo(tmp_path / "origin")
    git(origin, "checkout", "-q", "-b", "feature")
    set_cells(origin, "figures", 2, notes="Feature change.")
    git(origin, "commit", "-q", "-am", "feature")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", "--branch=feature", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )
    set_cells(clone, "figures", 3, notes="Work in progress.")
    result = run("diff", "--package", clone, "--format", "json")
    assert result.exit_code == 0, result.output
    (figures,) = json.loads(result.output)["tables"]
    assert sorted(c["key"][0] for c in figures["changed"]) == ["fig-0001", "fig-0002"]


# --- hostile input -----------------------------------------------------------------------

HOSTILE = [
    "line\n::error::injected",
    "cr\r::warning::injected",
    "nel\x85::error::x",
    "ls\u2028::error::x",
    "ps\u2029##[error]x",
    "vt\x0b::error::x",
    "<img src=x onerror=alert(1)>",
    "| pipe | table |",
    "`code` **bold** [link](http://x) @someone #1 $x$",
    "\u202eevil",
]


def _all_formats(diff) -> dict[str, str]:
    return {fmt: render(diff) for fmt, render in d.FORMATS.items()}


def test_no_output_line_can_start_a_workflow_command(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    table = rows(head, "figures")
    for row, text in zip(table, HOSTILE, strict=False):
        row["notes"] = text
    table.append({**table[-1], "figure_id": "fig-9999", "notes": "\n::error::added"})
    out = io.StringIO()  # every cell quoted, so a bare CR stays inside its cell
    writer = csv.DictWriter(out, list(table[0]), lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(table)
    (head / "data" / "figures.csv").write_text(out.getvalue(), encoding="utf-8")
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    assert len(diff.tables[0].changed) == len(HOSTILE)
    for fmt, out in _all_formats(diff).items():
        for line in out.splitlines():
            assert not line.lstrip().startswith(("::", "##[")), (fmt, line)
        assert "\u202e" not in out and "\x85" not in out, fmt
    markdown = d.as_markdown(diff)
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    pipes = None  # every row of a table has as many cell borders as its header
    for line in markdown.splitlines():
        if line.startswith("| `figure_id`"):
            pipes = len(re.findall(r"(?<!\\)\|", line))
        elif line.startswith("| fig-"):
            assert len(re.findall(r"(?<!\\)\|", line)) == pipes, line
    doc = json.loads(d.as_json(diff))
    notes = [c["cells"]["notes"]["new"] for c in doc["tables"][0]["changed"]]
    assert sorted(notes) == sorted(HOSTILE)  # JSON escapes, but keeps every character


def test_a_hostile_table_or_field_name_is_escaped(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")

    def rename(doc):
        doc["fields"].append({"name": "x\n::error::y", "type": "string"})

    edit_json(head, "schemas/figures.json", rename)
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    for fmt, out in _all_formats(diff).items():
        assert not any(line.startswith("::") for line in out.splitlines()), fmt


def test_paths_out_of_the_package_are_refused(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    secret = tmp_path / "secret.csv"
    secret.write_text("figure_id\nstolen\n")
    (pkg / "data" / "figures.csv").unlink()
    (pkg / "data" / "figures.csv").symlink_to(secret)
    snap = load(FolderSource(pkg))
    assert snap.tables["figures"].rows == []
    assert any("not a regular file" in n for n in snap.notes)
    with pytest.raises(SourceError, match="leaves the package"):
        FolderSource(pkg).read("../secret.csv")
    (pkg / "data").rename(pkg / "real")
    (pkg / "data").symlink_to(tmp_path)  # a folder link out of the package
    with pytest.raises(SourceError, match="out of the package"):
        FolderSource(pkg).read("data/secret.csv")


def test_git_symlinks_and_large_files_are_refused(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    (repo / "data" / "figures.csv").unlink()
    (repo / "data" / "figures.csv").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "symlink")
    snap = load(GitSource(repo, git(repo, "rev-parse", "HEAD")))
    assert snap.tables["figures"].rows == []
    assert any("not a regular file (mode 120000)" in n for n in snap.notes)
    import recruitment.core.snapshot as s

    monkeypatch.setattr(s, "MAX_FILE_BYTES", 100)
    source = GitSource(repo, git(repo, "rev-parse", "HEAD"))
    with pytest.raises(SourceError, match="more than the 100 bytes"):
        source.read("data/events.csv", s.MAX_FILE_BYTES)


def test_markdown_folds_and_counts_long_sections(tmp_path):
    base = copy_package(tmp_path / "base")
    head = copy_package(tmp_path / "head")
    for i in range(30):
        append_row(head, "figures", figure_id=f"fig-{9000 + i}")
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    out = d.as_markdown(diff, limit=12)
    assert "<details><summary>Added rows (30)</summary>" in out
    assert "… and 18 more rows not shown (run `recruitment diff` to see all)." in out
    assert sum(line.startswith("| fig-90") for line in out.splitlines()) == 12
    assert len(json.loads(d.as_json(diff))["tables"][0]["added"]) == 30


def test_committed_package_has_no_change_against_itself():
    diff = d.compare(load(FolderSource(ROOT)), load(FolderSource(ROOT)))
    assert diff.empty and diff.required_bump == "none" and diff.tables == []
