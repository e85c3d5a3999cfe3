"""Frictionless, the reference implementation, agrees with our standard layer."""

from __future__ import annotations

import pytest
from frictionless import validate as fl_validate

from conftest import ROOT, find_row, set_cells
from recruitment.validate import validate


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
    "enum": ("figures", {"measure": "recruits"}),
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
