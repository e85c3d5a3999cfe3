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
so a second build of the commit gives the same zip. Beside it (and in it as CHANGES.md),
``CHANGES-<version>.md`` says what changed since the previous released version, for data
users (:mod:`release_notes`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from .. import limits
from ..core.package import PACKAGE_NAME, load_package
from ..core.snapshot import build_info, git, repo_top
from ..core.strict_json import unique_keys
from ..errors import EXIT_INVALID, RecruitmentError
from ..paths import Unreadable, read_bounded, read_published
from ..review.versioning import CHANGELOG, CITATION, parse
from . import changes as history
from . import codebook, readme, release_notes
from .export import RELEASE_DIR, write_checksums
from .outdir import MARKER, MARKER_TEXT

ROOT_FILES = {
    "CITATION.cff": CITATION,
    "LICENSE": "LICENSE",
    "LICENSE-DATA.md": "LICENSE-DATA.md",
}
"""Files of the repository that ship in the zip: name in the zip -> path in the package."""
LEFT_OUT = ("site/", f"{RELEASE_DIR}/", "SHA256SUMS", MARKER)
"""What of dist/ stays out of the zip: the site (browse it locally), earlier releases,
dist's own checksums (the zip has its own) and the export's marker (internal)."""
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


class ReleaseError(RecruitmentError):
    """dist/ is missing or does not match the package or the tag: exit 1."""

    exit_code = EXIT_INVALID


def zip_name(name: str, version: str) -> str:
    return f"{name}-{version}.zip"


def _dist_files(dist: Path) -> dict[str, Path]:
    """Every file of ``dist`` that ships (relative name -> path), refusing what no build
    writes: a symlink or a special file anywhere in it."""
    out: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(dist):  # never follows a linked folder
        dirnames.sort()
        for name in dirnames + sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(dist).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                what = "a symlink" if stat.S_ISLNK(mode) else "not a regular file"
                raise ReleaseError(f"{dist}/{rel} is {what}: a build writes only files; rebuild")
            if stat.S_ISREG(mode) and not rel.startswith(LEFT_OUT):
                out[rel] = path
    return out


def _read(path: Path, what: str) -> bytes:
    try:
        return read_bounded(path, limits.DIST_FILE_MAX_BYTES)
    except OSError as err:
        raise ReleaseError(f"{what} cannot be read ({err})") from err


def check_built(root: Path, dist: Path) -> dict:
    """dist/'s descriptor, once dist/ is known to be a build of the package as it stands:
    it holds the export marker, names the commit the package is at (a dist/ committed to
    the repository cannot name the commit that holds it), and every file is the one its
    SHA256SUMS lists. Raises ReleaseError otherwise."""
    built = dist / "datapackage.json"
    if not built.is_file() or built.is_symlink():
        raise ReleaseError(f"{built} is missing: run `recruitment build` (or `make`) first")
    marker = dist / MARKER
    if marker.is_symlink() or not marker.is_file() or _read(marker, MARKER) != MARKER_TEXT.encode():
        raise ReleaseError(f"{dist} holds no {MARKER} of a build: run `recruitment build` first")
    try:
        meta = json.loads(_read(built, str(built)), object_pairs_hook=unique_keys)
    except ValueError as err:
        raise ReleaseError(f"{built} is not the JSON a build writes ({err}); rebuild") from err
    if not isinstance(meta, dict):
        raise ReleaseError(f"{built} is not the descriptor a build writes; rebuild")
    commit = build_info(root).get("commit")
    if meta.get("commit") != commit:
        raise ReleaseError(
            f"{dist} was built from commit {str(meta.get('commit'))[:50]!r}, but the package is "
            f"at {commit!r}: rebuild (`recruitment build`)"
        )
    return meta


def _entries(root: Path, dist: Path, pkg=None) -> dict[str, bytes]:
    """Name in the zip -> bytes, for every file the release carries; each file of dist/ is
    the one dist/SHA256SUMS lists (nothing changed it since the build)."""
    listed = {}
    for line in _read(dist / "SHA256SUMS", "SHA256SUMS").decode("utf-8", "replace").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    out: dict[str, bytes] = {}
    for rel, path in _dist_files(dist).items():
        data = _read(path, f"{dist}/{rel}")
        if listed.get(rel) != hashlib.sha256(data).hexdigest():
            raise ReleaseError(f"{dist}/{rel} is not the file its build wrote: rebuild")
        out[rel] = data
    for arcname, rel in ROOT_FILES.items():
        try:
            data = read_published(Path(root), rel, limits.PUBLISHED_MAX_BYTES)
        except Unreadable as err:
            raise ReleaseError(f"{err}: the release ships it") from err
        if data is None:
            raise ReleaseError(f"{rel} is missing: the release ships it")
        out[arcname] = data
    if pkg is not None:
        out["codebook.md"] = codebook.render(pkg, published=True).encode()
        out["README.md"] = readme.release_readme(pkg).encode()
    return out


def _with_sums(entries: dict[str, bytes]) -> dict[str, bytes]:
    """``entries`` sorted, with a SHA256SUMS of them all."""
    out = {k: v for k, v in entries.items() if k != "SHA256SUMS"}
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


def changelog_entry(root: Path, version: str) -> str:
    try:
        data = read_published(Path(root), CHANGELOG, limits.PUBLISHED_MAX_BYTES)
    except Unreadable as err:
        raise ReleaseError(f"{err}: the release notes quote it") from err
    if data is None:
        return ""
    text = data.decode("utf-8", errors="replace")
    m = re.search(rf"^## \[?{re.escape(version)}\b.*?(?=^## |\Z)", text, re.M | re.S)
    return m[0].strip() + "\n" if m else ""


def tagged_versions(root: Path) -> set[str]:
    """The versions that have a v<X.Y.Z> release tag."""
    top = repo_top(Path(root))
    if top is None:
        return set()
    tags = git(top, "tag", "--list", "v*", check=False).split()
    return {t[1:] for t in tags if parse(t[1:]) is not None}


def changes(root: Path, version: str, name: str, built: dict | None = None) -> str:
    """CHANGES-<version>.md, for the people who use the data (:mod:`release_notes`): the
    row-level changes since the previous released version first, from the same step of
    the history that fills the changes table, then the CHANGELOG's words."""
    step, log = history.latest(root, version)
    entry = changelog_entry(root, version)
    return release_notes.render(name, version, step, log, entry, built, tagged_versions(root))


def release(root: Path, dist: Path, tag: str | None = None) -> list[Path]:
    """Write dist/release/ from a built dist/; returns the files written."""
    root, dist = Path(root), Path(dist)
    meta = check_built(root, dist)
    pkg, _ = load_package(root)
    if pkg is None:
        raise ReleaseError("the package's metadata does not load: run `recruitment validate`")
    name, version = pkg.name, pkg.version
    if meta.get("version") != version or meta.get("name") != name:
        raise ReleaseError(
            f"{dist} is {str(meta.get('name'))[:80]!r} version {str(meta.get('version'))[:20]}, "
            f"datapackage.json {name!r} version {version}: rebuild"
        )
    if tag is not None and tag != f"v{version}":
        raise ReleaseError(
            f"tag {tag!r} does not match datapackage.json's version {version!r} "
            f"(the tag must be v{version})"
        )
    created = meta.get("created")
    when = (
        datetime.fromisoformat(created.replace("Z", "+00:00"))
        if isinstance(created, str)
        else ZIP_EPOCH
    )
    if not PACKAGE_NAME.fullmatch(name):  # validated, but it names a file: never trusted
        raise ReleaseError(f"the package name {name[:80]!r} cannot name a release file")
    entries, text = _entries(root, dist, pkg), changes(root, version, name, meta)
    out = dist / RELEASE_DIR
    out.mkdir(exist_ok=True)
    archive = out / zip_name(name, version)
    if archive.resolve().parent != out.resolve():
        raise ReleaseError(f"{archive} would be written outside {out}")
    entries["CHANGES.md"] = text.encode()
    entries = _with_sums(entries)
    write_zip(archive, f"{name}-{version}", entries, when)
    notes = out / f"CHANGES-{version}.md"
    notes.write_text(text, encoding="utf-8", newline="\n")
    write_checksums(dist)
    return [archive, notes]
