"""Findings from SQL, bounded: every failing row is counted in DuckDB, and only the rows a
report can list ever reach Python.

A contribution can make almost every cell fail (a 1 MB CSV of empty rows gives hundreds of
thousands of findings, a seed of numbers millions of uncovered spans). A check whose
failing rows come from one query therefore keeps them in a DuckDB temp table (DuckDB
spills to disk beyond its memory limit), counts them there by file and rule, and fetches
only the first :data:`limits.MAX_LISTED` in the report's order, which are all a report
lists: memory and time in Python are bounded by the limit, not by the input.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import limits
from ..findings import Finding, Findings

HITS = "_hits"


def query_findings(
    con,
    sql: str,
    *,
    order: str,
    file: str,
    rule: str,
    make: Callable[..., Finding],
    params: list | None = None,
) -> Findings:
    """The rows of ``sql`` as findings: all counted by (``file``, ``rule``), two SQL
    expressions over its columns, and only the first ``MAX_LISTED`` by ``order`` (SQL,
    ordered as the report orders: line, then column and rule) built by ``make(*row)``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {HITS} AS {sql}", params or [])
    try:
        counts = con.execute(f"SELECT {file}, {rule}, count(*) FROM {HITS} GROUP BY ALL").fetchall()
        rows = con.execute(
            f"SELECT * FROM {HITS} ORDER BY {order} LIMIT {int(limits.MAX_LISTED)}"
        ).fetchall()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {HITS}")
    return Findings.of((make(*row) for row in rows), {(f, r): n for f, r, n in counts})
