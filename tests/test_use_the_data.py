"""README's "Use the data": every snippet runs, with DuckDB 1.x and 2.x giving the same results.

The published DuckDB file must open in the DuckDB analysts have, not only in the one of our
lock file. So every SQL query of the README runs twice on the built file, in the DuckDB 1.x
command line (``duckdb-cli`` from PyPI, pinned in requirements-dev.lock, installed by
``make test``)
and in Python ``duckdb`` 2.x, each writing its result as CSV; the two CSV files must be
identical and hold rows. The Python, shell and R snippets run from a folder holding
``dist/``, and the data frames they build must have the types the Table Schemas give.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, load_model, rows
from recruitment.publish.export import (
    DUCKDB_FILE,
    DUCKDB_OLDEST_READER,
    DUCKDB_STORAGE_VERSION,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = re.search(r"^## Use the data\n(.*?)(?=^## )", README, flags=re.S | re.M).group(1)
PKG = load_model()
BIN = Path(sys.executable).parent


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


SQL = blocks(README, "sql")


@pytest.fixture(scope="module")
def work(committed_dist) -> Path:
    """A folder holding dist/ as `make` writes it: where a reader runs the snippets."""
    return committed_dist.parent


@pytest.fixture(scope="module")
def cli() -> Path:
    """The DuckDB 1.x command line from the locked duckdb-cli package."""
    path = shutil.which("duckdb", path=str(BIN))
    assert path, f"no duckdb command line in {BIN}: run `make dev` (duckdb-cli is a dev tool)"
    return Path(path)


def run_cli(cli: Path, cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [str(cli), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_command_line_is_duckdb_1_and_python_is_duckdb_2(cli, work):
    version = run_cli(cli, work, "-version")
    assert re.match(r"v1\.\d+\.\d+", version), version
    assert int(duckdb.__version__.split(".")[0]) >= 2, duckdb.__version__


def test_readme_names_the_oldest_duckdb_that_opens_the_file():
    assert f"DuckDB {DUCKDB_OLDEST_READER} or newer" in SECTION
    assert f"`{DUCKDB_STORAGE_VERSION}`" in SECTION


def test_the_file_is_in_a_storage_format_duckdb_1_reads(cli, work):
    """The header says format 64 (DuckDB 0.10-1.1); DuckDB 2.0's default, 69, fails 1.x."""
    header = (work / "dist" / DUCKDB_FILE).read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64
    tables = run_cli(cli, work, "-readonly", "-csv", f"dist/{DUCKDB_FILE}", "-c", "SHOW TABLES")
    assert {"figures", "seed_lines", "meta"} <= set(tables.split())


def test_readme_has_queries():
    assert len(SQL) >= 5


@pytest.mark.parametrize("sql", SQL, ids=[f"query{i + 1}" for i in range(len(SQL))])
def test_readme_query_gives_the_same_rows_in_duckdb_1_and_2(cli, work, sql, monkeypatch):
    query = sql.strip().rstrip(";")
    out = work / "results"
    out.mkdir(exist_ok=True)
    n = SQL.index(sql)
    copy = "COPY ({}) TO '{}' (FORMAT csv, HEADER)"
    run_cli(
        cli,
        work,
        "-readonly",
        f"dist/{DUCKDB_FILE}",
        "-c",
        copy.format(query, f"results/{n}-1.csv"),
    )
    monkeypatch.chdir(work)  # the Parquet query names its files relative to the folder
    with duckdb.connect(f"dist/{DUCKDB_FILE}", read_only=True) as con:
        con.execute(copy.format(query, f"results/{n}-2.csv"))
    one = (out / f"{n}-1.csv").read_text(encoding="utf-8")
    two = (out / f"{n}-2.csv").read_text(encoding="utf-8")
    assert one == two
    assert len(one.splitlines()) > 1, "the query returns no rows"


def test_readme_shell_snippets_run_with_the_locked_command_line(cli, work):
    snippets = blocks(SECTION, "sh")
    assert any("duckdb " in s for s in snippets)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for snippet in snippets:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", snippet],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert PKG.version in done.stdout and "true" in done.stdout


def _kind(dtype) -> str:
    """The Table Schema type a pandas or polars column type stands for."""
    text = str(dtype).lower()
    for word, kind in (
        ("date", "date"),
        ("int", "integer"),
        ("float", "number"),
        ("double", "number"),
        ("bool", "boolean"),
        ("str", "string"),
    ):
        if word in text:
            return kind
    return text


def _frames(namespace: dict) -> dict[str, tuple[str, object]]:
    """{variable: (resource, frame)} for every pandas or polars frame holding a whole table."""
    import pandas as pd
    import polars as pl

    tables = {tuple(r.field_names): r.name for r in PKG.resources.values()}
    return {
        name: (tables[tuple(value.columns)], value)
        for name, value in namespace.items()
        if isinstance(value, pd.DataFrame | pl.DataFrame) and tuple(value.columns) in tables
    }


def _rows(frame) -> list[tuple]:
    import pandas as pd

    if isinstance(frame, pd.DataFrame):
        return [
            tuple(None if v is pd.NA or v is None else v for v in row)
            for row in frame.astype(object).itertuples(index=False)
        ]
    return frame.rows()


def test_readme_python_snippets_keep_every_type(work, monkeypatch):
    import pyarrow.parquet as pq

    snippets = blocks(SECTION, "python")
    assert len(snippets) >= 3
    monkeypatch.chdir(work)
    found = {}
    for i, snippet in enumerate(snippets):
        namespace: dict = {}
        exec(compile(snippet, f"README.md python snippet {i + 1}", "exec"), namespace)
        for name, (table, frame) in _frames(namespace).items():
            found[f"{i}:{name}"] = (table, frame)
    kinds = {type(f).__module__.split(".")[0] for _, f in found.values()}
    assert kinds == {"pandas", "polars"}, f"the snippets build no pandas or polars table: {kinds}"
    for where, (table, frame) in found.items():
        res = PKG.resources[table]
        got = {name: _kind(dtype) for name, dtype in zip(frame.columns, frame.dtypes, strict=True)}
        assert got == {f.name: f.type for f in res.fields}, where
        expected = pq.read_table(f"dist/parquet/{table}.parquet").to_pylist()
        assert _rows(frame) == [tuple(r.values()) for r in expected], where


def test_readme_r_snippet(work):
    (snippet,) = blocks(SECTION, "r")
    assert "read.csv(" in snippet, "base R reads the CSV where arrow is not installed"
    rscript = shutil.which("Rscript")
    if not rscript:
        pytest.skip("R is not installed: the R snippet is shown, not run")
    done = subprocess.run(
        [rscript, "-e", snippet], cwd=work, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def _question(topic: str) -> str:
    """The README query marked ``-- question: <topic>``."""
    (sql,) = [q for q in SQL if f"-- question: {topic}" in q]
    return sql.strip().rstrip(";")


def _answer(work: Path, sql: str, monkeypatch) -> list[dict]:
    monkeypatch.chdir(work)
    with duckdb.connect(f"dist/{DUCKDB_FILE}", read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_the_uk_mod_query_finds_what_it_claims_and_what_it_relays(committed, work, monkeypatch):
    """Issue 10: a figure the ministry only relays (claimed by another) is found with its
    claimant and the ministry as reporter. Expectations are derived from data/."""
    sql = _question("what the UK Ministry of Defence said")
    (mod,) = set(re.findall(r"reported_by = '([^']+)'", sql))
    names = {r["actor_id"]: r["name"] for r in rows(committed, "actors")}
    got = _answer(work, sql, monkeypatch)
    figures = {
        r["figure_id"]: (names.get(r["claimed_by"]), names.get(r["reported_by"]), r["source_id"])
        for r in rows(committed, "figures")
        if mod in (r["claimed_by"], r["reported_by"])
    }
    assert {
        r["id"]: (r["claimant"], r["reporter"], r["source_id"])
        for r in got
        if r["kind"] == "figure"
    } == figures
    events = {
        r["event_id"]: r["event_type"]
        for r in rows(committed, "events")
        if mod in (r["actor_id"], r["reported_by"])
    }
    assert {r["id"]: r["what"] for r in got if r["kind"] == "event"} == events


def test_the_casualty_query_gives_only_russian_losses(committed, work, monkeypatch):
    got = _answer(work, _question("Russian casualty estimates"), monkeypatch)
    russian = {r["actor_id"] for r in rows(committed, "actors") if r["country"] == "RUS"}
    expected = {
        r["figure_id"]: (r["value_low"], r["value"], r["value_high"], r["period_start"])
        for r in rows(committed, "figures")
        if r["measure"] in ("casualties", "fatalities", "injuries") and r["subject"] in russian
    }
    as_text = lambda v: "" if v is None else str(v)  # noqa: E731 (the CSV's spelling)
    assert {
        r["figure_id"]: tuple(
            as_text(r[k]) for k in ("value_low", "value", "value_high", "period_start")
        )
        for r in got
    } == expected
    assert {r["measure"] for r in got} <= {"casualties", "fatalities", "injuries"}


def test_the_happenings_query_counts_each_happening_once(committed, work, monkeypatch):
    got = _answer(work, _question("happenings, not reports"), monkeypatch)
    events = rows(committed, "events")
    by_key: dict[str, list[dict]] = {}
    for r in events:
        by_key.setdefault(r["event_key"], []).append(r)
    expected = {
        key: (
            len({r["source_id"] for r in reports}),
            sorted({r["source_id"] for r in reports}),
            max(r["date_start"] for r in reports),
            min(r["date_end"] for r in reports),
        )
        for key, reports in by_key.items()
        if len({r["source_id"] for r in reports}) > 1
    }
    assert {
        r["event_key"]: (
            r["articles"],
            r["source_ids"],
            str(r["narrowest_start"]),
            str(r["narrowest_end"]),
        )
        for r in got
    } == expected
    assert all((r["event_rows"], r["happenings"]) == (len(events), len(by_key)) for r in got)
