"""The fast cell screen (one polars pass) finds exactly what the full SQL scan finds.

The screen flags a superset of the failing rows and the SQL classifies them, so its
findings and typed tables must equal those of check_cells + create_typed_table, for every
kind of bad value at once.
"""

from __future__ import annotations

import pytest

from conftest import set_cells
from recruitment.checks import standard
from recruitment.checks.validate import validate

HOSTILE = {
    # events.csv, by line: cells that break one rule each (and some that break none)
    3: {"place": " Moscow"},
    4: {"place": "=1+1"},
    5: {"summary": "first\u2028second"},
    6: {"place": "\u2060\u200d"},
    7: {"place": "Mosco\u0301w"},
    8: {"date_start": "2023-02-30"},
    9: {"date_start": "0000-01-01"},
    10: {"place": "Moscow\u00a0"},
    11: {"place": "\ufeffMoscow"},
    12: {"place": "Москва"},
    13: {"place": "Caf\u00e9 \u201cquoted\u201d"},
    14: {"place": "\u200bMoscow"},
}
FIGURES = {
    2: {"value": "134.500"},
    3: {"value": "1e309"},
    4: {"value": "-.5"},
    5: {"value": "１２"},
    6: {"line": "0"},
    7: {"value": "9" * 19},
    8: {"qualifier": "EXACT"},
    9: {"figure_id": "fig-٠٠١"},
}


def _break(pkg):
    for line, cells in HOSTILE.items():
        set_cells(pkg, "events", line, **cells)
    for line, cells in FIGURES.items():
        set_cells(pkg, "figures", line, **cells)


def _tables(result) -> dict:
    con = result.con
    return {
        name: con.execute(f'SELECT * FROM "{name}" ORDER BY __line').fetchall()
        for name in result.package.resources
    }


@pytest.fixture
def broken(pkg):
    _break(pkg)
    return pkg


def test_the_screen_finds_what_the_full_scan_finds(broken, monkeypatch):
    fast = validate(broken, use_cache=False)
    assert fast.findings
    monkeypatch.setattr(standard, "screen_and_type", lambda con, res, table: None)
    full = validate(broken, use_cache=False)
    assert fast.findings == full.findings


def test_the_screen_types_every_row_as_duckdb_does(broken, monkeypatch):
    fast = _tables(validate(broken, use_cache=False))
    monkeypatch.setattr(standard, "screen_and_type", lambda con, res, table: None)
    assert fast == _tables(validate(broken, use_cache=False))
