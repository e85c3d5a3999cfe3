"""Frictionless, the reference implementation, agrees with our standard layer."""

from __future__ import annotations

import types

import frictionless.schema.field as fl_field
import pytest
import re2
from frictionless import validate as fl_validate

from conftest import ROOT, find_row, set_cells
from recruitment.checks.validate import validate


@pytest.fixture(autouse=True)
def linear_patterns(monkeypatch):
    """frictionless matches schema patterns with Python's re, exponential on some patterns a
    contribution could declare; here it matches them with RE2, in linear time."""
    monkeypatch.setattr(fl_field, "re", types.SimpleNamespace(compile=re2.compile))


def test_frictionless_matches_patterns_with_re2(pkg):
    """(a+)+ on 'aaa…b' would take Python's re hours; with RE2 it is one pattern finding."""
    import json

    path = pkg / "schemas" / "actors.json"
    doc = json.loads(path.read_text())
    next(f for f in doc["fields"] if f["name"] == "aliases")["constraints"]["pattern"] = "(a+)+"
    path.write_text(json.dumps(doc))
    set_cells(pkg, "actors", 2, aliases="a" * 60 + "b")
    assert any(line == 2 and col == "aliases" for _, line, col in frictionless_cells(pkg))


def frictionless_cells(root) -> set[tuple]:
    report = fl_validate(str(root / "datapackage.json"))
    return {
        (task.place, err.row_number, getattr(err, "field_name", None) or err.field_names[0])
        for task in report.tasks
        for err in task.errors
        if hasattr(err, "row_number")
    }


def test_committed_package_passes_frictionless():
    report = fl_validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


BREAKS = {
    "type": ("figures", {"value": "134.500"}),
    "enum": ("figures", {"qualifier": "roughly"}),
    "code-list": ("figures", {"measure": "recruitz"}),
    "pattern": ("figures", {"figure_id": "FIG-1"}),
    "required": ("events", {"summary": ""}),
    "minimum": ("figures", {"line": "0"}),
    "foreign-key": ("figures", {"claimed_by": "act-nobody"}),
}


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_we_report_every_cell_frictionless_reports(pkg, kind):
    table, cells = BREAKS[kind]
    line, _ = find_row(pkg, table, qualifier="exact") if table == "figures" else (3, None)
    set_cells(pkg, table, line, **cells)
    theirs = frictionless_cells(pkg)
    assert theirs, "the break must be one frictionless sees"
    ours = {(f.file, f.line, f.column) for f in validate(pkg).findings}
    assert theirs <= ours
