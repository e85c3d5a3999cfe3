"""The three readers of a typed cell agree, on every type and on hostile text.

A cell is typed in three places: the polars screen (``standard.screen_and_type``, the
fast path of every validation), DuckDB's strict SQL parse (``sqltypes.parse_expr``, which
classifies every flagged row and is the fallback) and pyarrow's CSV reader (the
validation cache's ``csvfile.read_typed``, which loads a state that validated before). A
disagreement would give other findings or other published values depending on the path
taken; these properties compare them on generated cells: the lexical forms of each type,
their boundaries, and any text at all.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruitment.checks import standard
from recruitment.checks.csvfile import LINE_COLUMN, read_typed
from recruitment.core.package import Field, Resource
from recruitment.core.sqltypes import FALSE_VALUES, LEXICAL, TRUE_VALUES, ident, parse_expr

KINDS = ("integer", "number", "date", "boolean")
BOUNDARIES = [
    "",
    "0",
    "-0",
    "+1",
    " 1",
    "1 ",
    "01",
    "1.",
    ".5",
    "-.5",
    "1e5",
    "1E-5",
    "1e308",
    "1e309",
    "-1e309",
    "4.9e-324",
    "1e-400",
    "NaN",
    "inf",
    "-Infinity",
    "1,000",
    "134.500",
    "１２",
    "٣",
    "9" * 18,
    "9" * 19,
    "9223372036854775807",
    "-9223372036854775808",
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "2023-02-29",
    "2024-02-29",
    "2023-13-01",
    "2023-3-30",
    "20230330",
    *TRUE_VALUES,
    *FALSE_VALUES,
    "tRue",
    "yes",
    "t",
    "\u200b1",
    "1\u00a0",
]


def cells(kind: str) -> st.SearchStrategy[str]:
    lexical = (
        st.sampled_from(TRUE_VALUES + FALSE_VALUES)
        if kind == "boolean"
        else st.from_regex(LEXICAL[kind], fullmatch=True)
    )
    return st.one_of(lexical, st.sampled_from(BOUNDARIES), st.text(max_size=12))


def resource(kind: str) -> Resource:
    field = Field("v", kind, "v", "", {}, {})
    return Resource("t", "t", "", "t.csv", "t.json", [field], [], [])


def raw(values: list[str]) -> pa.Table:
    return pa.table(
        {
            LINE_COLUMN: pa.array(range(2, 2 + len(values)), pa.int64()),
            "v": pa.array(values, pa.string()),
        }
    )


def exact(rows) -> list[tuple]:
    """Rows compared strictly: -0.0 is not 0.0, 1 is not True."""
    return [tuple((type(v).__name__, repr(v)) for v in row) for row in rows]


def screened(kind: str, values: list[str]):
    """(findings, typed rows) of the polars screen."""
    con, res, table = duckdb.connect(), resource(kind), raw(values)
    con.register(standard.raw_name(res.name), table)
    findings = standard.screen_and_type(con, res, table)
    assert findings is not None  # no constraint the screen leaves to the SQL
    return findings, con.execute(f"SELECT * FROM t ORDER BY {ident(LINE_COLUMN)}").fetchall()


def by_sql(kind: str, values: list[str]):
    """(findings, typed rows) of DuckDB's strict SQL parse alone."""
    con, res, table = duckdb.connect(), resource(kind), raw(values)
    con.register(standard.raw_name(res.name), table)
    findings = standard.check_cells(con, res)
    standard.create_typed_table(con, res)
    return findings, con.execute(f"SELECT * FROM t ORDER BY {ident(LINE_COLUMN)}").fetchall()


AGREE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def screen_agrees(kind: str, values: list[str]) -> None:
    fast_findings, fast_rows = screened(kind, values)
    sql_findings, sql_rows = by_sql(kind, values)
    assert fast_findings == sql_findings
    assert exact(fast_rows) == exact(sql_rows)


def pyarrow_agrees(kind: str, values: list[str]) -> None:
    """Every cell DuckDB accepts (or an empty one) comes back from pyarrow with the very
    same value: the cache's load reads only states that validated."""
    con = duckdb.connect()
    con.register("cells", raw(values))
    typed = [
        t
        for (t,) in con.execute(
            f"SELECT {parse_expr(resource(kind).fields[0], 'v')} FROM cells "
            f"ORDER BY {ident(LINE_COLUMN)}"
        ).fetchall()
    ]
    pairs = [(v, t) for v, t in zip(values, typed, strict=True) if t is not None or v == ""]
    if not pairs:
        return
    # a second column, so that an empty cell is no blank line
    data = ("v,k\n" + "".join(f"{v},x\n" for v, _ in pairs)).encode("utf-8")
    res = resource(kind)
    res = Resource(**{**vars(res), "fields": [*res.fields, Field("k", "string", "k", "", {}, {})]})
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "t.csv").write_bytes(data)
        table = read_typed(Path(folder), res, hashlib.sha256(data).hexdigest())
    loaded = [(v,) for v in table.column("v").to_pylist()]
    assert exact(loaded) == exact([(t,) for _, t in pairs])


@pytest.mark.parametrize("kind", KINDS)
def test_the_three_readers_agree_on_every_boundary(kind):
    screen_agrees(kind, BOUNDARIES)
    pyarrow_agrees(kind, BOUNDARIES)


@pytest.mark.parametrize("kind", KINDS)
def test_the_polars_screen_finds_and_types_as_duckdb_does(kind):
    given(st.lists(cells(kind), min_size=1, max_size=12))(AGREE(lambda v: screen_agrees(kind, v)))()


@pytest.mark.parametrize("kind", KINDS)
def test_pyarrow_loads_every_accepted_cell_as_duckdb_types_it(kind):
    given(st.lists(cells(kind), min_size=1, max_size=12))(
        AGREE(lambda v: pyarrow_agrees(kind, v))
    )()
