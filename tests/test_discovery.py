"""Discoverable metadata: dist/croissant.json (validated by mlcroissant, in process, offline)
and the schema.org Dataset on the site's index page, both derived from dist/datapackage.json."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import edit_json, make_repo
from recruitment.core.sqltypes import CROISSANT_TYPES
from recruitment.publish.discovery import (
    CROISSANT_FILE,
    croissant_step,
    dataset_jsonld,
    script_tag,
)
from recruitment.publish.export import export, sha256_of
from recruitment.publish.site import export_step


@pytest.fixture(scope="module")
def dist(committed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("discovery") / "dist"
    assert export(committed, out, extra=[croissant_step, export_step]).valid
    return out


@pytest.fixture(scope="module")
def descriptor(dist) -> dict:
    return json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))


def test_croissant_passes_mlcroissant_validation_and_reads_the_csv(dist, descriptor):
    import mlcroissant as mlc  # a dev dependency (requirements-dev.lock)

    path = dist / CROISSANT_FILE
    dataset = mlc.Dataset(jsonld=path)  # raises mlc.ValidationError on any error
    issues = dataset.metadata.ctx.issues
    assert not issues.errors and not issues.warnings, issues.report()
    tables = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    assert sorted(rs.name for rs in dataset.metadata.record_sets) == sorted(
        r["name"] for r in tables
    )
    table = max(tables, key=lambda r: len(r["schema"]["fields"]))
    with (dist / table["path"]).open(encoding="utf-8", newline="") as fh:
        expected = list(csv.DictReader(fh))
    records = list(dataset.records(table["name"]))
    assert len(records) == len(expected) > 0
    key = table["schema"]["primaryKey"]
    key = key[0] if isinstance(key, list) else key
    got = sorted(r[f"{table['name']}/{key}"].decode() for r in records)
    assert got == sorted(row[key] for row in expected)


def test_croissant_types_fields_from_the_table_schemas_and_hashes_every_file(dist, descriptor):
    doc = json.loads((dist / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert doc["version"] == descriptor["version"] and doc["name"] == descriptor["name"]
    files = {f["contentUrl"]: f for f in doc["distribution"]}
    assert set(files) == {r["path"] for r in descriptor["resources"]}
    for rel, f in files.items():
        assert f["sha256"] == sha256_of(dist / rel), rel
    assert files["csv/figures.csv"]["encodingFormat"] == "text/csv"
    assert files["parquet/figures.parquet"]["encodingFormat"] == "application/x-parquet"
    record_sets = {rs["@id"]: rs for rs in doc["recordSet"]}
    for r in descriptor["resources"]:
        if r.get("format") != "csv":
            continue
        fields = {f["name"]: f for f in record_sets[r["name"]]["field"]}
        assert list(fields) == [f["name"] for f in r["schema"]["fields"]]
        for f in r["schema"]["fields"]:
            assert fields[f["name"]]["dataType"] == CROISSANT_TYPES[f["type"]], f["name"]
            assert fields[f["name"]]["source"]["fileObject"]["@id"] == r["path"]
        keys = r["schema"]["primaryKey"]
        keys = [keys] if isinstance(keys, str) else keys
        assert record_sets[r["name"]]["key"] == [{"@id": f"{r['name']}/{k}"} for k in keys]
        for fk in r["schema"].get("foreignKeys", []):
            own = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            theirs = fk["reference"]["fields"]
            theirs = theirs if isinstance(theirs, list) else [theirs]
            target = fk["reference"]["resource"] or r["name"]
            for mine, other in zip(own, theirs, strict=True):
                ref = fields[mine]["references"]["field"]["@id"]
                assert ref == f"{target}/{other}"


def _jsonld(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', text, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_index_page_carries_the_dataset_markup_of_the_descriptor(dist, descriptor):
    doc = _jsonld(dist / "site" / "index.html")
    assert doc["@type"] == "Dataset" and doc["@context"] == "https://schema.org/"
    assert doc["name"] == descriptor["title"] and doc["version"] == descriptor["version"]
    assert doc["description"] == descriptor["description"]
    assert doc["license"] == [x["path"] for x in descriptor["licenses"]]
    assert [c["name"] for c in doc["creator"]] == [c["title"] for c in descriptor["contributors"]]
    start, end = doc["temporalCoverage"].split("/")
    assert start <= end
    urls = [d["contentUrl"] for d in doc["distribution"]]
    assert urls == ["../" + r["path"] for r in descriptor["resources"]]
    for d in doc["distribution"]:
        target = (dist / "site" / d["contentUrl"]).resolve()
        assert d["sha256"] == sha256_of(target), d["contentUrl"]
        assert d["encodingFormat"]
    assert "application/ld+json" not in (dist / "site" / "timeline.html").read_text("utf-8")


def test_the_markup_cannot_close_its_script_element():
    hostile = {"description": "</script><script>alert(1)</script><!-- & -->"}
    tag = script_tag(dataset_jsonld(hostile, None))
    inner = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner)["description"] == hostile["description"]


def test_a_bare_site_offers_no_files_in_its_markup(committed, tmp_path):
    from recruitment.checks.validate import validate
    from recruitment.publish.site import build_site

    build_site(validate(committed), tmp_path / "site")
    doc = _jsonld(tmp_path / "site" / "index.html")
    assert "distribution" not in doc and doc["version"]


@pytest.mark.parametrize(
    "home, absolute",
    [("https://example.org/recruitment/", True), ("javascript:alert(1)", False)],
)
def test_a_homepage_makes_every_file_url_absolute(tmp_path, home, absolute):
    """With an http(s) homepage in the descriptor (where dist/ is served), the Croissant
    file and the index page's Dataset give every file's URL against it, and the homepage
    as the dataset's url; any other homepage leaves the URLs relative."""
    import mlcroissant as mlc

    pkg = make_repo(tmp_path / "repo")  # a commit: the build's date is datePublished
    edit_json(pkg, "datapackage.json", lambda doc: doc.update(homepage=home))
    out = tmp_path / "dist"
    assert export(pkg, out, extra=[croissant_step, export_step]).valid
    paths = [r["path"] for r in json.loads((out / "datapackage.json").read_text())["resources"]]
    doc = json.loads((out / CROISSANT_FILE).read_text(encoding="utf-8"))
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', index, re.S)
    markup = json.loads(found.group(1))
    if absolute:
        assert [f["contentUrl"] for f in doc["distribution"]] == [home + p for p in paths]
        assert [f["contentUrl"] for f in markup["distribution"]] == [home + p for p in paths]
        assert doc["url"] == markup["url"] == home
        issues = mlc.Dataset(jsonld=out / CROISSANT_FILE).metadata.ctx.issues
        assert not issues.errors and not issues.warnings, issues.report()
    else:
        assert [f["contentUrl"] for f in doc["distribution"]] == paths
        assert [f["contentUrl"] for f in markup["distribution"]] == ["../" + p for p in paths]
        assert "url" not in doc and "url" not in markup
