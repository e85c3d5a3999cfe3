"""Property: any valid rows, however hostile their text, come back equal from every export."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import string
import unicodedata

import duckdb
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, load_model
from recruitment.publish.export import export

PKG = load_model()
HOSTILE = ",\"“”‘’–—…«»;|\\/'#%&*()[]{}<>?!😀🇺🇦👩👧 שלום مرحبا Привет 中文 e\u0301 ̈\u00a0\u2028"

# Hostile text, but valid: no ASCII letters or digits (so the coverage check finds no number
# or date words in the synthetic seed), no control or format characters (a zero-width
# joiner, a direction override: findings), NFC, and a 'Z' at each end so
# it neither starts like a formula nor with white space.
core = st.text(
    alphabet=st.one_of(
        st.sampled_from(HOSTILE),
        st.characters(
            exclude_categories=("Cs", "Cc", "Co", "Cn", "Cf"),
            exclude_characters=string.ascii_letters + string.digits + "\x85",
        ),
    ),
    min_size=0,
    max_size=300,
)


def hostile(min_len: int = 0, long: bool = False):
    size = st.integers(0, 1200) if long else st.just(0)
    return st.tuples(core, size).map(
        lambda t: unicodedata.normalize("NFC", "ZZZZ" + t[0] + "Y" * t[1] + "ZZZZ")
    )


def write_package(root, quotes: list[str], rows: dict[str, list[dict]]):
    root.mkdir()
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "seeds").mkdir()
    seed = root / "seeds" / "000_generated.txt"
    seed.write_text("\n".join(quotes) + "\n", encoding="utf-8")
    rows["sources"][0]["sha256"] = hashlib.sha256(seed.read_bytes()).hexdigest()
    (root / "data").mkdir()
    for name, res in PKG.resources.items():
        with (root / "data" / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=res.field_names, lineterminator="\n")
            writer.writeheader()
            for row in rows[name]:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})


@st.composite
def packages(draw):
    # Many rows per package and few packages: each export costs the same whatever its size.
    texts = draw(st.lists(hostile(long=True), min_size=8, max_size=16))
    quotes = [t + " 1,234 ZZZZ" for t in texts]  # each line holds the figures' value_text
    cite = lambda i: {"source_id": "src-000", "line": i + 1, "quote": quotes[i]}  # noqa: E731
    day = dt.date(2023, 3, 30)
    none = dict.fromkeys
    rows = {
        "sources": [
            {
                "source_id": "src-000",
                "seed_file": "seeds/000_generated.txt",
                "sha256": None,
                "title": draw(hostile()),
                **none(["published_start", "published_end", "published_precision"]),
                **none(["published_text", "published_basis"]),
                "notes": draw(hostile()),
                **cite(0),
            }
        ],
        "actors": [
            {
                "actor_id": f"act-a{i}",
                "name": draw(hostile()),
                "kind": "collective",
                "country": None,
                "aliases": draw(hostile()),
                **cite(i),
            }
            for i in range(len(quotes))
        ],
        "events": [
            {
                "event_id": f"evt-{i:04d}",
                "event_key": f"happening-{i}",
                "event_type": "statement",
                "summary": draw(hostile()),
                "date_start": day,
                "date_end": day,
                "date_precision": "day",
                "date_text": None,
                "date_basis": "inferred",
                "actor_id": f"act-a{i}",
                "reported_by": f"act-a{i}",
                "place": draw(hostile()),
                "valid_until": day,
                "valid_until_text": None,
                "notes": draw(hostile()),
                **cite(i),
            }
            for i in range(len(quotes))
        ],
        "figures": [
            {
                "figure_id": f"fig-{i:04d}",
                "measure": "casualties",
                "value": 1234,
                "value_low": None,
                "value_high": None,
                "value_text": "1,234",
                "qualifier": "exact",
                "unit": "persons",
                **none(["period_start", "period_end", "period_precision", "period_text"]),
                "period_basis": None,
                "claimed_by": f"act-a{i}",
                "reported_by": None,
                "subject": f"act-a{i}",
                "event_id": f"evt-{i:04d}",
                "claim_key": f"claim-{i}",
                "notes": draw(hostile()),
                **cite(i),
            }
            for i in range(len(quotes))
        ],
        # the code lists: one code each (the one the rows use), with hostile label and meaning
        "measures": [
            {
                "code": "casualties",
                "label": draw(hostile()),
                "kind": "tally",
                "unit_kinds": "count",
                "description": draw(hostile()),
            }
        ],
        "units": [
            {
                "code": "persons",
                "label": draw(hostile()),
                "kind": "count",
                "currency": None,
                "per": None,
                "words": "people",
                "description": draw(hostile()),
            }
        ],
        "event_types": [
            {"code": "statement", "label": draw(hostile()), "description": draw(hostile())}
        ],
        "actor_kinds": [
            {"code": "collective", "label": draw(hostile()), "description": draw(hostile())}
        ],
        "exclusion_reasons": [
            {"code": "not_data", "label": draw(hostile()), "description": draw(hostile())}
        ],
        "exclusions": [
            {
                "exclusion_id": "exc-0001",
                "span_text": "ZZZZ",
                "reason": "not_data",
                "notes": draw(hostile()),
                **cite(0),
            }
        ],
    }
    return quotes, rows


def read_csv_typed(dist, name):
    """The exported CSV as frictionless reads it through dist/datapackage.json (typed)."""
    from frictionless import Package

    with Package(str(dist / "datapackage.json")).get_resource(name) as resource:
        return [row.to_dict() for row in resource.row_stream]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=packages())
def test_hostile_text_round_trips_through_every_format(tmp_path_factory, data):
    quotes, rows = data
    base = tmp_path_factory.mktemp("roundtrip")
    write_package(base / "pkg", quotes, rows)
    result = export(base / "pkg", base / "dist")
    assert result.findings == []
    with duckdb.connect(str(base / "dist" / "recruitment.duckdb"), read_only=True) as con:
        for name, res in PKG.resources.items():
            expected = sorted(rows[name], key=lambda r: r[res.primary_key[0]])
            assert read_csv_typed(base / "dist", name) == expected
            parquet = pq.read_table(base / "dist" / "parquet" / f"{name}.parquet")
            assert parquet.to_pylist() == expected
            cols = ", ".join(f'"{c}"' for c in res.field_names)
            got = con.execute(f'SELECT {cols} FROM "{name}"').fetchall()
            assert [dict(zip(res.field_names, r, strict=True)) for r in got] == expected
