"""The published files carry every value of data/ unchanged, reproducibly and atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, copy_package, load_model, rows, set_cells
from recruitment.publish import export as export_mod
from recruitment.publish.export import export

PKG = load_model()
TABLES = list(PKG.resources)


def frictionless_rows(descriptor: Path, name: str) -> list[dict]:
    """Rows as frictionless reads them (typed by the Table Schema): the independent oracle."""
    from frictionless import Package

    resource = Package(str(descriptor)).get_resource(name)
    with resource:
        return [row.to_dict() for row in resource.row_stream]


def by_key(rows: list[dict], name: str) -> list[dict]:
    keys = PKG.resources[name].primary_key
    return sorted(rows, key=lambda r: tuple(r[k] for k in keys))


@pytest.fixture(scope="module")
def dist(committed_dist) -> Path:
    return committed_dist


@pytest.mark.parametrize("name", TABLES)
def test_csv_round_trip(dist, name):
    original = by_key(frictionless_rows(ROOT / "datapackage.json", name), name)
    assert frictionless_rows(dist / "datapackage.json", name) == original


@pytest.mark.parametrize("name", TABLES)
def test_parquet_round_trip(dist, name):
    original = by_key(frictionless_rows(ROOT / "datapackage.json", name), name)
    assert pq.read_table(dist / "parquet" / f"{name}.parquet").to_pylist() == original


@pytest.mark.parametrize("name", TABLES)
def test_duckdb_round_trip(dist, name):
    original = by_key(frictionless_rows(ROOT / "datapackage.json", name), name)
    fields = PKG.resources[name].field_names
    with duckdb.connect(str(dist / "recruitment.duckdb"), read_only=True) as con:
        cur = con.execute(f'SELECT {", ".join(fields)} FROM "{name}"')
        got = [dict(zip(fields, row, strict=True)) for row in cur.fetchall()]
    assert got == original


def test_parquet_types_follow_the_schema(dist):
    import pyarrow as pa

    table = pq.read_table(dist / "parquet" / "figures.parquet")
    schema = table.schema
    assert schema.field("value").type == pa.int64()
    assert schema.field("period_start").type == pa.date32()
    assert schema.field("measure").type == pa.string()
    assert not schema.field("figure_id").nullable and schema.field("value").nullable
    assert schema.metadata[b"version"].decode() == PKG.version
    meta = pq.ParquetFile(dist / "parquet" / "figures.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_duckdb_has_keys_comments_and_views(dist):
    with duckdb.connect(str(dist / "recruitment.duckdb"), read_only=True) as con:
        kinds = {
            (t, k)
            for t, k in con.execute(
                "SELECT table_name, constraint_type FROM duckdb_constraints()"
            ).fetchall()
        }
        for res in PKG.resources.values():
            assert (res.name, "PRIMARY KEY") in kinds
            if res.foreign_keys:
                assert (res.name, "FOREIGN KEY") in kinds
        # the tables no Table Schema defines: seed_lines' key is added after its rows
        assert {("seed_lines", "PRIMARY KEY"), ("seed_lines", "FOREIGN KEY")} <= kinds
        assert ("meta", "PRIMARY KEY") in kinds
        blank = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        assert blank == []
        views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        assert {"figures_cited", "timeline", "claims"} <= views
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = 'figures' AND column_name IN ('measure', 'qualifier')"
            ).fetchall()
        )
        # a code-list code is text that references its code list; a rule's code is text
        # with a CHECK listing its codes (the command line prints both as varchar)
        assert types == {"measure": "VARCHAR", "qualifier": "VARCHAR"}
        (check,) = con.execute(
            "SELECT constraint_text FROM duckdb_constraints() WHERE table_name = 'figures' "
            "AND constraint_type = 'CHECK' AND constraint_column_names = ['qualifier']"
        ).fetchall()
        qualifier = PKG.resources["figures"].field("qualifier")
        assert all(f"'{code}'" in check[0] for code in qualifier.enum)
        (fk,) = con.execute(
            "SELECT constraint_text FROM duckdb_constraints() WHERE table_name = 'figures' "
            "AND constraint_type = 'FOREIGN KEY' AND constraint_column_names = ['measure']"
        ).fetchall()
        assert "REFERENCES measures(code)" in fk[0]
        # The expanded citation points at the quote inside its line.
        rows = con.execute(
            "SELECT f.quote, f.char_start, f.char_end, f.seed_file, f.line FROM figures f"
        ).fetchall()
    for quote, start, end, seed_file, line in rows:
        text = (ROOT / seed_file).read_text(encoding="utf-8").split("\n")[line - 1]
        assert text[start:end] == quote


def test_duckdb_meta_seed_lines_and_quote_context(committed, dist):

    with duckdb.connect(str(dist / "recruitment.duckdb"), read_only=True) as con:
        meta = {
            k: (v, n) for k, v, n in con.execute("SELECT key, value, bytes FROM meta").fetchall()
        }
        lines = con.execute("SELECT source_id, line, text FROM seed_lines ORDER BY ALL").fetchall()
        seeds = dict(con.execute("SELECT source_id, seed_file FROM sources").fetchall())
        context = con.execute(
            "SELECT f.figure_id, f.line, c.line, c.cited, c.text "
            "FROM figures f, quote_context(f.figure_id) c ORDER BY ALL"
        ).fetchall()
        enums = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name IN "
            "(SELECT view_name FROM duckdb_views()) AND data_type LIKE 'ENUM%'"
        ).fetchone()[0]
    assert meta["package"] == (PKG.name, None) and meta["version"] == (PKG.version, None)
    from recruitment.core.snapshot import build_info

    info = build_info(committed)
    assert info.get("commit")  # the copy is a git repository with one commit
    assert meta["build_commit"] == (info.get("commit"), None)
    assert meta["created"] == (info.get("created"), None)
    files = sorted(p.relative_to(dist).as_posix() for p in dist.glob("*/*.*"))
    assert sorted(k for k in meta if "/" in k) == files
    for rel in files:
        data = (dist / rel).read_bytes()
        assert meta[rel] == (f"sha256:{hashlib.sha256(data).hexdigest()}", len(data)), rel
    expected = []
    for sid, rel in sorted(seeds.items()):
        text = (ROOT / rel).read_text(encoding="utf-8").removesuffix("\n").split("\n")
        expected += [(sid, n, t) for n, t in enumerate(text, start=1)]
    assert lines == expected
    text = {(sid, n): t for sid, n, t in lines}
    for _fid, line, at, cited, body in context:
        assert abs(at - line) <= 2 and cited == (at == line) and body is not None
    cited = {(fid, body) for fid, _, _, c, body in context if c}
    with duckdb.connect(str(dist / "recruitment.duckdb"), read_only=True) as con:
        quotes = con.execute("SELECT figure_id, source_id, line, quote FROM figures").fetchall()
    assert {fid for fid, _ in cited} == {q[0] for q in quotes}
    for fid, sid, line, quote in quotes:
        assert (fid, text[(sid, line)]) in cited and quote in text[(sid, line)]
    assert enums == 0, "views give codes as text"


def test_dist_descriptor_validates_and_checksums_match(dist):
    from frictionless import validate

    report = validate(str(dist / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    for line in (dist / "SHA256SUMS").read_text().splitlines():
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest
    doc = json.loads((dist / "datapackage.json").read_text())
    assert doc["version"] == PKG.version
    for r in doc["resources"]:
        assert r["hash"] == f"sha256:{hashlib.sha256((dist / r['path']).read_bytes()).hexdigest()}"
        # frictionless cannot count a Parquet file's bytes, so they are declared for the rest
        assert r.get("bytes") == (
            None if r["format"] == "parquet" else (dist / r["path"]).stat().st_size
        )


def test_export_is_byte_reproducible(committed, dist, tmp_path):
    again = tmp_path / "again"
    result = export(committed, again)
    assert result.valid
    setting = "SELECT current_setting('disabled_compression_methods')"
    assert result.con.execute(setting).fetchone() == ("",)  # only the file's write had it
    files = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    differ = [str(f) for f in files if (dist / f).read_bytes() != (again / f).read_bytes()]
    assert not differ  # recruitment.duckdb too: see export.DUCKDB_UNSTABLE_COMPRESSION


def test_the_duckdb_file_is_written_reproducibly_only_while_it_can_be():
    from recruitment.publish.export import REPRODUCIBLE_COLUMN_BYTES as LIMIT
    from recruitment.publish.export import reproducible

    con = duckdb.connect()
    for res in PKG.in_dependency_order():
        cols = ", ".join(f'"{f.name}" VARCHAR' for f in res.fields)
        con.execute(f'CREATE TABLE "{res.name}" ({cols})')
    con.execute("CREATE TABLE seed_lines (source_id VARCHAR, line BIGINT, text VARCHAR)")
    con.execute(f"INSERT INTO seed_lines VALUES ('s', 1, repeat('x', {LIMIT - 1}))")
    assert reproducible(con, PKG)
    # Notes past the limit (in bytes, not characters): DuckDB's blocks would differ anyway.
    con.execute(f"INSERT INTO events (notes) VALUES (repeat('é', {LIMIT // 2}))")
    assert not reproducible(con, PKG)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("step", ["write_parquet", "write_duckdb"])
def test_failure_midway_leaves_dist_untouched(committed, tmp_path, monkeypatch, step):
    out = tmp_path / "dist"
    assert export(committed, out).valid
    before = _snapshot(out)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_mod, step, boom)
    with pytest.raises(RuntimeError):
        export(committed, out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_invalid_package_exports_nothing(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    set_cells(pkg, "figures", 2, measure="nonsense")
    out = tmp_path / "dist"
    result = export(pkg, out)
    assert not result.valid
    assert not out.exists()


def test_a_misspelt_code_finds_no_rows_and_cannot_be_stored(dist, tmp_path):
    """What README says of a misspelt code: a WHERE finds no rows (no error), and the
    published table refuses the code (the CHECK of an enum field, the foreign key of a
    code-list column)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy2(dist / "recruitment.duckdb", copy)
    qualifier = PKG.resources["figures"].field("qualifier").enum[0]
    with duckdb.connect(str(copy)) as con:
        for column, code in (("qualifier", f"{qualifier}x"), ("measure", "casualtyx")):
            found = con.execute(f"SELECT count(*) FROM figures WHERE {column} = ?", [code])
            assert found.fetchone() == (0,)
            with pytest.raises(duckdb.ConstraintException):
                con.execute(
                    f"UPDATE figures SET {column} = ? WHERE figure_id = "
                    "(SELECT min(figure_id) FROM figures)",
                    [code],
                )


def test_estimates_lists_each_count_with_when_it_was_claimed(committed, dist):
    """The estimates view, recomputed from the package's CSV files: the figures whose
    measure is of an estimate kind in the code list, as of their statement event's
    interval or else their article's publication interval, in as_of order."""
    from recruitment.core.views import CLAIM_EVENT_TYPES, ESTIMATE_KINDS

    kinds = {r["code"]: r["kind"] for r in rows(committed, "measures")}
    events = {r["event_id"]: r for r in rows(committed, "events")}
    sources = {r["source_id"]: r for r in rows(committed, "sources")}
    expected = {}
    for f in rows(committed, "figures"):
        if kinds[f["measure"]] not in ESTIMATE_KINDS:
            continue
        event = events.get(f["event_id"])
        if event is not None and event["event_type"] in CLAIM_EVENT_TYPES:
            as_of = (event["date_start"], event["date_end"], "statement")
        else:
            src = sources[f["source_id"]]
            as_of = (src["published_start"], src["published_end"], "publication")
        people = tuple(f[k] or None for k in ("claimed_by", "reported_by", "subject"))
        expected[f["figure_id"]] = (*as_of, *people, f["claim_key"], f["quote"])
    assert expected, "the fixture package has counts or estimates"
    with duckdb.connect(str(dist / "recruitment.duckdb"), read_only=True) as con:
        got = con.execute(
            "SELECT figure_id, as_of_start::VARCHAR, as_of_end::VARCHAR, as_of_basis, "
            "claimed_by, reported_by, subject, claim_key, quote FROM estimates"
        ).fetchall()
    assert {g[0]: g[1:] for g in got} == expected
    order = [(g[1], g[2], g[0]) for g in got]
    assert order == sorted(order)
