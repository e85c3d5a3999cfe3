"""recruitment coverage: every number and date span in the seeds is recorded or excluded."""

from __future__ import annotations

import csv
import hashlib

import pytest
from click.testing import CliRunner

from conftest import ROOT, find_row, next_source, set_cells
from recruitment.checks.validate import validate
from recruitment.cli import main

SEED = (
    "On Monday the ministry said 1,200 men, about three hundred of them aged 18-30, "
    "joined last autumn; a second wave follows in March.\n"
)
SPANS = ["Monday", "1,200", "three", "hundred", "18", "30", "last autumn", "second", "March"]
SOURCE_ID, PREFIX = next_source(ROOT)  # the synthetic seed is the next article
SEED_FILE = f"seeds/{PREFIX}synthetic.txt"


def append_row(pkg, table: str, **values) -> None:
    path = pkg / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow(values)


def add_synthetic_seed(pkg) -> None:
    path = pkg / SEED_FILE
    path.write_text(SEED, encoding="utf-8")
    append_row(
        pkg,
        "sources",
        source_id=SOURCE_ID,
        seed_file=SEED_FILE,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        line=1,
        quote="the ministry said",
    )


def uncovered(pkg) -> list[tuple]:
    findings = validate(pkg).findings
    assert all(f.rule == "coverage/uncovered" for f in findings), findings
    return [(f.file, f.line, f.message.split("'")[1]) for f in findings]


def test_committed_seeds_are_fully_covered(committed):
    assert [f for f in validate(committed).findings if f.rule.startswith("coverage/")] == []


def test_a_new_seed_shows_every_span_left(pkg):
    add_synthetic_seed(pkg)
    assert sorted(uncovered(pkg)) == sorted((SEED_FILE, 1, s) for s in SPANS)


def test_rows_and_exclusions_cover_spans(pkg):
    add_synthetic_seed(pkg)
    append_row(
        pkg,
        "figures",
        figure_id="fig-9001",
        measure="recruitment_target",
        value=1200,
        value_text="1,200",
        qualifier="exact",
        unit="persons",
        claim_key="synthetic-1200",
        source_id=SOURCE_ID,
        line=1,
        quote="said 1,200 men",
    )
    append_row(
        pkg,
        "exclusions",
        exclusion_id="exc-9001",
        span_text="a second wave",
        reason="ordinal",
        notes="Synthetic ordinal.",
        source_id=SOURCE_ID,
        line=1,
        quote="a second wave follows",
    )
    assert sorted(s for *_, s in uncovered(pkg)) == sorted(
        [
            "Monday",
            "three",
            "hundred",
            "18",
            "30",
            "last autumn",
            "March",
        ]
    )


def test_coverage_command_lists_spans_and_exits_1(pkg):
    add_synthetic_seed(pkg)
    result = CliRunner().invoke(main, ["coverage", "--package", str(pkg)])
    assert result.exit_code == 1
    assert f"{SEED_FILE}: 9 problem(s)" in result.output
    assert "'last autumn' on line 1 is neither recorded nor excluded." in result.output


def test_coverage_command_on_the_committed_package(committed):
    result = CliRunner().invoke(main, ["coverage", "--package", str(committed)])
    assert result.exit_code == 0
    assert result.output.startswith("coverage: every number and date")


# --- the seed spans kept per seed SHA-256 -------------------------------------------------


def kept_spans(pkg) -> dict[str, list[tuple[int, str]]]:
    """The signed span cache of ``pkg``: digest -> [(line, span)]."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recruitment.checks import cache, coverage

    table = pq.read_table(pa.BufferReader(cache.load_blob(pkg, coverage.SPANS_FILE)))
    return {
        row["digest"]: [(s["line"], s["span"]) for s in row["spans"]] for row in table.to_pylist()
    }


def store_spans(pkg, spans: dict[str, list[tuple[int, str]]], signed: bool = True) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recruitment.checks import cache, coverage

    rows = [
        {"digest": d, "spans": [{"line": n, "span": s} for n, s in v]} for d, v in spans.items()
    ]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    data = sink.getvalue().to_pybytes()
    if signed:
        cache.store_blob(pkg, coverage.SPANS_FILE, data)
    else:  # what a contributor can commit: the right layout, any signature
        (pkg / ".recruitment").mkdir(exist_ok=True)
        (pkg / ".recruitment" / coverage.SPANS_FILE).write_bytes(b"0" * 64 + b"\n" + data)


@pytest.fixture
def span_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("RECRUITMENT_CACHE", raising=False)


def test_seed_spans_are_kept_by_seed_sha256_and_reused(pkg, span_cache):
    add_synthetic_seed(pkg)
    first = sorted(uncovered(pkg))
    digest = hashlib.sha256(SEED.encode()).hexdigest()
    kept = kept_spans(pkg)
    assert sorted(s for _, s in kept[digest]) == sorted(SPANS)
    # The kept spans are what the next run reads: a span added to them shows up.
    store_spans(pkg, {**kept, digest: [*kept[digest], (1, "ninety")]})
    (pkg / ".recruitment" / "validated.json").unlink(missing_ok=True)
    assert sorted(uncovered(pkg)) == sorted([*first, (SEED_FILE, 1, "ninety")])


def test_unsigned_or_stale_span_caches_are_never_believed(pkg, span_cache):
    add_synthetic_seed(pkg)
    first = sorted(uncovered(pkg))
    digest = hashlib.sha256(SEED.encode()).hexdigest()
    # A committed cache saying the seed has no spans is ignored: every span is still found.
    store_spans(pkg, {**kept_spans(pkg), digest: []}, signed=False)
    assert sorted(uncovered(pkg)) == first
    # A signed cache of the old seed text does not stand for the seed once it changes.
    path = pkg / SEED_FILE
    path.write_text(SEED.replace("March", "April"), encoding="utf-8")
    at, _ = find_row(pkg, "sources", source_id=SOURCE_ID)
    set_cells(pkg, "sources", at, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    assert (SEED_FILE, 1, "April") in uncovered(pkg)
    assert (SEED_FILE, 1, "March") not in uncovered(pkg)
    assert digest not in kept_spans(pkg)


def test_a_kept_blob_over_its_limit_is_not_read(pkg, span_cache, monkeypatch):
    from recruitment.checks import cache, coverage

    add_synthetic_seed(pkg)
    uncovered(pkg)
    assert cache.load_blob(pkg, coverage.SPANS_FILE) is not None
    size = (pkg / ".recruitment" / coverage.SPANS_FILE).stat().st_size
    monkeypatch.setattr(cache, "BLOB_MAX_BYTES", size - 1)
    assert cache.load_blob(pkg, coverage.SPANS_FILE) is None
