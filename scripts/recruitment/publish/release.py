"""Versioned releases: build metadata, a deterministic zip and the changes since the last.

``dist/datapackage.json`` says what it was built from: ``created`` is the commit's date
(or ``SOURCE_DATE_EPOCH``), never the clock, so rebuilding a commit gives the same
descriptor, and ``commit`` is the commit (``-dirty`` when the package's files differ
from it).

``recruitment release`` packs a built ``dist/`` into
``dist/release/<name>-<version>.zip``: the CSV and Parquet files, the DuckDB file,
``datapackage.json``, ``CITATION.cff``, the licences, the codebook and a
``SHA256SUMS`` of them all. Entries are sorted and carry fixed timestamps (the commit
date), permissions and compression, so the same files give the same zip bytes; and
every file of a build is byte-reproducible (see ``export.DUCKDB_UNSTABLE_COMPRESSION``),
so a second build of the commit gives the same zip. Beside it, ``CHANGES-<version>.md``
holds the CHANGELOG entry and the Markdown diff against the previous release tag.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from ..review import diff as d
from ..review.snapshot import EmptySource, FolderSource, GitSource, SourceError, git, load, repo_top
from ..review.versioning import CHANGELOG, CITATION, parse
from .export import write_checksums

RELEASE_DIR = "release"
ROOT_FILES = {
    "CITATION.cff": CITATION,
    "LICENSE": "LICENSE",
    "LICENSE-DATA.md": "LICENSE-DATA.md",
    "codebook.md": "docs/codebook.md",
}
"""Files of the repository that ship in the zip: name in the zip -> path in the package."""
LEFT_OUT = ("site/", f"{RELEASE_DIR}/", "SHA256SUMS")
"""What of dist/ stays out of the zip: the site (browse it locally), earlier releases and
dist's own checksums (the zip has its own)."""
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


class ReleaseError(Exception):
    """dist/ is missing or does not match the package or the tag: exit 1."""


def build_info(root: Path) -> dict[str, str]:
    """``created`` (ISO 8601, UTC) and ``commit`` for the package at ``root``."""
    info: dict[str, str] = {}
    top = repo_top(Path(root))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        info["created"] = _iso(datetime.fromtimestamp(int(epoch), UTC))
    if top is None:
        return info
    done = git(top, "log", "-1", "--format=%H %ct", check=False).split()
    if len(done) != 2:
        return info
    commit, seconds = done
    info.setdefault("created", _iso(datetime.fromtimestamp(int(seconds), UTC)))
    dirty = git(top, "status", "--porcelain", "--untracked-files=no", "--", str(root), check=False)
    info["commit"] = commit + ("-dirty" if dirty.strip() else "")
    return info


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def zip_name(name: str, version: str) -> str:
    return f"{name}-{version}.zip"


def _entries(root: Path, dist: Path) -> dict[str, bytes]:
    """Name in the zip -> bytes, for every file the release carries."""
    out: dict[str, bytes] = {}
    for path in sorted(dist.rglob("*")):
        rel = path.relative_to(dist).as_posix()
        if path.is_file() and not rel.startswith(LEFT_OUT):
            out[rel] = path.read_bytes()
    for arcname, rel in ROOT_FILES.items():
        path = Path(root) / rel
        if not path.is_file():
            raise ReleaseError(f"{rel} is missing: the release ships it")
        out[arcname] = path.read_bytes()
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(out.items())
    )
    out["SHA256SUMS"] = sums.encode()
    return dict(sorted(out.items()))


def write_zip(path: Path, folder: str, entries: dict[str, bytes], when: datetime) -> None:
    """A zip whose bytes depend only on ``entries``, ``folder`` and ``when``."""
    stamp = max(when, ZIP_EPOCH).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, data, compresslevel=9)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


def previous_tag(root: Path, version: str) -> str | None:
    """The release tag v<X.Y.Z> with the highest version below ``version``, if any."""
    top = repo_top(Path(root))
    current = parse(version)
    if top is None or current is None:
        return None
    tags = []
    for tag in git(top, "tag", "--list", "v*", check=False).split():
        v = parse(tag[1:])
        if v is not None and v < current:
            tags.append((v, tag))
    return max(tags)[1] if tags else None


def changelog_entry(root: Path, version: str) -> str:
    path = Path(root) / CHANGELOG
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^## \[?{re.escape(version)}\b.*?(?=^## |\Z)", text, re.M | re.S)
    return m[0].strip() + "\n" if m else ""


def changes(root: Path, version: str, name: str) -> str:
    """CHANGES-<version>.md: the CHANGELOG entry, then the diff against the last release."""
    tag = previous_tag(root, version)
    if tag is None:
        base_src = EmptySource()
        base_src.label = "nothing (first release)"
    else:
        top = repo_top(Path(root))
        prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
        commit = git(top, "rev-parse", "--verify", f"{tag}^{{commit}}").strip()
        base_src = GitSource(top, commit, "" if prefix == "." else prefix, tag)
    head = load(FolderSource(Path(root), f"v{version}"))
    try:
        base = load(base_src)
    except SourceError:
        base = load(EmptySource())
    diff = d.compare(base, head)
    parts = [f"# {name} {version}", ""]
    entry = changelog_entry(root, version)
    if entry:
        parts += [entry.rstrip(), ""]
    parts.append(d.as_markdown(diff))
    return "\n".join(parts)


def release(root: Path, dist: Path, tag: str | None = None) -> list[Path]:
    """Write dist/release/ from a built dist/; returns the files written."""
    root, dist = Path(root), Path(dist)
    built = dist / "datapackage.json"
    if not built.is_file():
        raise ReleaseError(f"{built} is missing: run `recruitment build` (or `make`) first")
    meta = json.loads(built.read_text(encoding="utf-8"))
    source = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    name, version = str(meta.get("name", "")), str(meta.get("version", ""))
    if version != str(source.get("version")):
        raise ReleaseError(
            f"{built} is version {version}, datapackage.json {source.get('version')}: rebuild"
        )
    if tag is not None and tag != f"v{version}":
        raise ReleaseError(
            f"tag {tag!r} does not match datapackage.json's version {version!r} "
            f"(the tag must be v{version})"
        )
    created = meta.get("created")
    when = datetime.fromisoformat(created.replace("Z", "+00:00")) if created else ZIP_EPOCH
    out = dist / RELEASE_DIR
    out.mkdir(exist_ok=True)
    archive = out / zip_name(name, version)
    write_zip(archive, f"{name}-{version}", _entries(root, dist), when)
    notes = out / f"CHANGES-{version}.md"
    notes.write_text(changes(root, version, name), encoding="utf-8", newline="\n")
    write_checksums(dist)
    return [archive, notes]
