"""Both descriptors follow the official Data Package 2.0 profile, and frictionless agrees.

The profiles are vendored in schemas/profiles/ (pinned by the SHA-256 in its README), so the
check needs no network. A descriptor the profile rejects (a resource of type "file", a hash
in another form) must fail here, which the negative cases show.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, load_model
from recruitment.publish.export import DUCKDB_FILE

PROFILES = ROOT / "schemas" / "profiles"
PKG = load_model()


def profile(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((PROFILES / "2.0" / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def problems(validator: jsonschema.Draft7Validator, doc: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


@pytest.fixture(scope="module")
def dist(committed_dist) -> Path:
    return committed_dist


@pytest.fixture(scope="module")
def published(dist) -> dict:
    return json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))


def test_vendored_profiles_are_the_pinned_ones_with_their_licence():
    readme = (PROFILES / "README.md").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^\| `([^`]+)` \| \S+ \| `([0-9a-f]{64})` \|$", readme, re.M))
    assert set(pinned) == {"2.0/datapackage.json", "2.0/tableschema.json"}
    for rel, digest in pinned.items():
        assert hashlib.sha256((PROFILES / rel).read_bytes()).hexdigest() == digest, rel
    assert "public domain" in (PROFILES / "LICENSE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["datapackage.json", "dist/datapackage.json"])
def test_descriptor_follows_the_data_package_2_profile(where, dist):
    path = ROOT / where if where == "datapackage.json" else dist / "datapackage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert problems(profile("datapackage"), doc) == []
    assert doc["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"


@pytest.mark.parametrize("name", list(PKG.resources))
def test_table_schemas_follow_the_table_schema_2_profile(name):
    doc = json.loads((ROOT / PKG.resources[name].schema_path).read_text(encoding="utf-8"))
    assert problems(profile("tableschema"), doc) == []


@pytest.mark.parametrize(
    "change, complaint",
    [
        (lambda r: r.update(type="file"), "is not one of ['table']"),
        (lambda r: r.update(hash="sha256 " + "0" * 64), "does not match"),
        (lambda r: r.update(mediatype="duckdb"), "does not match"),
    ],
    ids=["type-file", "hash-form", "mediatype"],
)
def test_the_profile_rejects_what_the_standard_forbids(published, change, complaint):
    doc = copy.deepcopy(published)
    change(doc["resources"][-1])
    assert any(complaint in p for p in problems(profile("datapackage"), doc))


def test_parquet_files_are_tables_with_the_table_schema_and_duckdb_is_plain(published, dist):
    by_path = {r["path"]: r for r in published["resources"]}
    for res in PKG.resources.values():
        csv, parquet = by_path[f"csv/{res.name}.csv"], by_path[f"parquet/{res.name}.parquet"]
        assert csv["type"] == parquet["type"] == "table"
        assert parquet["format"] == "parquet"
        assert parquet["schema"] == csv["schema"]
        assert [f["name"] for f in parquet["schema"]["fields"]] == res.field_names
    duck = by_path[DUCKDB_FILE]
    assert "type" not in duck and "schema" not in duck and duck["format"] == "duckdb"
    for r in published["resources"]:
        data = (dist / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        if r["format"] != "parquet":
            assert r["bytes"] == len(data)


def test_frictionless_validates_the_published_descriptor_parquet_included(dist):
    """frictionless reads every CSV and Parquet table against its schema, and the DuckDB
    file's bytes and hash; Parquet integer columns with gaps stay integers (pandas metadata)."""
    from frictionless import validate

    report = validate(str(dist / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "message"])
    checked = {task.name: task.stats.get("rows") for task in report.tasks}
    for res in PKG.resources.values():
        assert checked[f"{res.name}-parquet"] == checked[res.name] > 0
