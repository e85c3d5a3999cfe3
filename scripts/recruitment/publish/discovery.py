"""Metadata that search engines and dataset hubs read, derived from dist/datapackage.json.

Two outputs, both built from the published descriptor (one source of truth: its title,
description, version, licences, contributors, resources with their paths, hashes and Table
Schemas) and never retyped:

* :func:`dataset_jsonld`: a schema.org ``Dataset`` (name, description, version, licence,
  creator, keywords, temporal coverage, one ``DataDownload`` per published file), embedded
  in the site's index page by :func:`script_tag` so Google Dataset Search finds it;
* :func:`croissant`: ``dist/croissant.json``, Croissant 1.1 (MLCommons), which Hugging
  Face and Kaggle read: a ``FileObject`` per CSV and Parquet file (and the DuckDB file) with
  its SHA-256, and a ``RecordSet`` per table whose fields are typed from its Table Schema,
  keyed by its primary key and referencing the tables its foreign keys name.

Both grow linearly with the descriptor (a few hundred bytes per file and per field, plus
the descriptor's own text); the descriptor is read bounded (DESCRIPTOR_MAX_BYTES).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..core.sqltypes import CROISSANT_TYPES, ident
from ..paths import read_bounded

CROISSANT_FILE = "croissant.json"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
DESCRIPTOR_MAX_BYTES = 64 * 1024**2
"""Most bytes of dist/datapackage.json read back: the package's own descriptor (4 MiB at
most) and each table's Table Schema (4 MiB at most) twice, for its CSV and Parquet file."""

CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The JSON-LD context of Croissant 1.1, as mlcroissant 1.1 writes it."""


def read_descriptor(dist: Path) -> dict | None:
    """dist/datapackage.json as a dict, or None when the folder has none (a bare site)."""
    path = Path(dist) / "datapackage.json"
    if not path.is_file() or path.is_symlink():
        return None
    data = read_bounded(path, DESCRIPTOR_MAX_BYTES)
    if len(data) > DESCRIPTOR_MAX_BYTES:
        raise OSError(f"{path} is over {DESCRIPTOR_MAX_BYTES} bytes")
    return json.loads(data)


def temporal_coverage(con, pkg) -> str | None:
    """``start/end`` (ISO 8601): the earliest ``*_start`` and latest ``*_end`` date of any
    table (event dates, figure periods, publication dates), one SQL query; None if none."""
    starts, ends = [], []
    for res in pkg.in_dependency_order():
        for f in res.fields:
            if f.type != "date":
                continue
            if f.name.endswith("_start"):
                starts.append(f"SELECT min({ident(f.name)}) AS d FROM {ident(res.name)}")
            elif f.name.endswith("_end"):
                ends.append(f"SELECT max({ident(f.name)}) AS d FROM {ident(res.name)}")
    if not starts or not ends:
        return None
    low, high = con.execute(
        f"SELECT (SELECT min(d) FROM ({' UNION ALL '.join(starts)})), "
        f"(SELECT max(d) FROM ({' UNION ALL '.join(ends)}))"
    ).fetchone()
    if not isinstance(low, date) or not isinstance(high, date):
        return None
    return f"{low.isoformat()}/{high.isoformat()}"


def _licences(d: dict) -> list[str]:
    out = []
    for x in d.get("licenses", []):
        if isinstance(x, dict) and (x.get("path") or x.get("name")):
            out.append(str(x.get("path") or x.get("name")))
    return out


def _creators(d: dict) -> list[dict]:
    people = [
        {"@type": "Organization", "name": str(c.get("title"))}
        for c in d.get("contributors", [])
        if isinstance(c, dict) and c.get("title")
    ]
    return people or [{"@type": "Organization", "name": "The maintainers"}]


def cite_line(d: dict) -> str:
    """How to cite the data, in one line: authors, title, package name and version."""
    authors = "; ".join(c["name"] for c in _creators(d))
    title = d.get("title") or d.get("name", "")
    return f"{authors}. {title}. Data package {d.get('name', '')}, version {d.get('version', '')}."


def _files(d: dict) -> list[dict]:
    """The published resources that are files: dicts with path, format, hash (hex)."""
    out = []
    for r in d.get("resources", []):
        if not isinstance(r, dict) or not isinstance(r.get("path"), str):
            continue
        digest = str(r.get("hash", ""))
        out.append({**r, "sha256": digest.removeprefix("sha256:")})
    return out


HOMEPAGE = re.compile(r"https?://[^\s\"<>\\]{1,2000}")
"""A ``homepage`` the outputs use: an http(s) URL of at most 2,000 characters, no space."""


def homepage(d: dict) -> str | None:
    """The descriptor's ``homepage`` when it is an absolute http(s) URL with a host: where
    the published dist/ folder is served, so each file's URL is ``homepage`` joined with
    its path (a homepage ending in "/" is that folder). None otherwise."""
    url = d.get("homepage")
    if not isinstance(url, str) or not HOMEPAGE.fullmatch(url) or not urlsplit(url).netloc:
        return None
    return url


def file_url(d: dict, path: str, base: str = "") -> str:
    """Where the published file ``path`` is: absolute against the homepage when the
    descriptor has one (:func:`homepage`), else ``base`` + ``path`` (relative)."""
    home = homepage(d)
    return urljoin(home, path) if home else base + path


def _encoding(r: dict) -> str:
    if r.get("format") == "parquet":
        return "application/x-parquet"  # the MIME type Croissant names for Parquet
    return str(r.get("mediatype") or "application/octet-stream")


def _about(d: dict, coverage: str | None, dated: str) -> dict:
    """What both outputs say of the dataset: description, version, licence, creator,
    keywords, temporal coverage, and the build date under the key ``dated``."""
    out = {
        "description": str(d.get("description", "")),
        "version": str(d.get("version", "")),
        "license": _licences(d),
        "creator": _creators(d),
    }
    if d.get("keywords"):
        out["keywords"] = [str(k) for k in d["keywords"]]
    if coverage:
        out["temporalCoverage"] = coverage
    if d.get("created"):
        out[dated] = str(d["created"])
    if homepage(d):
        out["url"] = homepage(d)
    return out


def _file(r: dict, kind: str, url: str) -> dict:
    """One published file as a schema.org DataDownload or a Croissant FileObject."""
    size = {"contentSize": f"{r['bytes']} B"} if isinstance(r.get("bytes"), int) else {}
    return {
        "@type": kind,
        "name": str(r.get("title") or r.get("name")),
        "contentUrl": url,
        "encodingFormat": _encoding(r),
        "sha256": r["sha256"],
        **size,
    }


def dataset_jsonld(d: dict, coverage: str | None, base: str = "") -> dict:
    """A schema.org Dataset for the descriptor ``d``; file URLs are absolute against its
    homepage, else ``base`` + their path (:func:`file_url`)."""
    out: dict = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": str(d.get("title") or d.get("name", "")),
        "alternateName": str(d.get("name", "")),
        **_about(d, coverage, "dateModified"),
        "isAccessibleForFree": True,
    }
    downloads = [_file(r, "DataDownload", file_url(d, r["path"], base)) for r in _files(d)]
    if downloads:
        out["distribution"] = downloads
    return out


def script_tag(obj: dict) -> str:
    """``obj`` as a <script type="application/ld+json"> element, safe inside HTML: every
    ``<``, ``>`` and ``&`` is written as a JSON escape, so no text of the descriptor can
    close the element (``</script>``) or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _file_id(r: dict) -> str:
    return str(r["path"])


def _record_set(table: str, schema: dict, source_id: str, tables: set[str]) -> dict:
    fields = []
    for f in schema.get("fields", []):
        if not isinstance(f, dict) or not f.get("name"):
            continue
        name = str(f["name"])
        field = {
            "@type": "cr:Field",
            "@id": f"{table}/{name}",
            "name": name,
            "description": str(f.get("description", "")),
            "dataType": CROISSANT_TYPES.get(str(f.get("type", "string")), "sc:Text"),
            "source": {"fileObject": {"@id": source_id}, "extract": {"column": name}},
        }
        fields.append(field)
    names = {f["name"] for f in fields}
    for fk in schema.get("foreignKeys", []):
        if not isinstance(fk, dict):
            continue
        own, ref = fk.get("fields"), fk.get("reference", {})
        own = [own] if isinstance(own, str) else own
        target = ref.get("resource") if isinstance(ref, dict) else None
        theirs = ref.get("fields") if isinstance(ref, dict) else None
        theirs = [theirs] if isinstance(theirs, str) else theirs
        if not (isinstance(own, list) and isinstance(theirs, list) and len(own) == len(theirs)):
            continue
        target = target or table  # "" names the table itself
        if target not in tables:
            continue
        for mine, other in zip(own, theirs, strict=True):
            for field in fields:
                if field["name"] == mine:
                    field["references"] = {"field": {"@id": f"{target}/{other}"}}
    out = {
        "@type": "cr:RecordSet",
        "@id": table,
        "name": table,
        "description": "",
        "field": fields,
    }
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    if isinstance(key, list) and key and all(k in names for k in key):
        out["key"] = [{"@id": f"{table}/{k}"} for k in key]
    return out


def croissant(d: dict, coverage: str | None) -> dict:
    """Croissant 1.1 metadata for the published descriptor ``d`` (file URLs absolute
    against its homepage, else relative to dist/).

    Every file resource becomes a FileObject with its SHA-256; every CSV table a RecordSet
    read from its CSV file (the Parquet file holds the same rows, typed)."""
    files = _files(d)
    tables = {str(r["name"]) for r in files if r.get("format") == "csv" and r.get("name")}
    record_sets = []
    for r in files:
        if r.get("format") == "csv" and isinstance(r.get("schema"), dict):
            rs = _record_set(str(r["name"]), r["schema"], _file_id(r), tables)
            rs["description"] = str(r.get("description", ""))
            record_sets.append(rs)
    out: dict = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_VERSION,
        "name": str(d.get("name", "")),
        "alternateName": str(d.get("title", "")),
        **_about(d, coverage, "datePublished"),
        "citeAs": cite_line(d),
    }
    out["distribution"] = [
        {
            "@id": _file_id(r),
            **_file(r, "cr:FileObject", file_url(d, r["path"])),
            "name": _file_id(r),
        }
        for r in files
    ]
    out["recordSet"] = record_sets
    return out


def croissant_step(validation, tmp_dir: Path) -> None:
    """An ``export(..., extra=[...])`` step: ``<tmp>/croissant.json`` from the descriptor
    export wrote there and the data's temporal coverage."""
    tmp_dir = Path(tmp_dir)
    d = read_descriptor(tmp_dir)
    if d is None:
        raise OSError(f"{tmp_dir} holds no datapackage.json to describe")
    coverage = temporal_coverage(validation.con, validation.package)
    doc = croissant(d, coverage)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    (tmp_dir / CROISSANT_FILE).write_text(text, encoding="utf-8", newline="\n")
