"""The corrections log: every row-level change between the released versions of the package.

The released versions are read from git: the commits where ``version`` in
``datapackage.json`` changed. A version's state is its ``v<version>`` tag's commit once
tagged. Untagged, it is read from the CHANGELOG's "Unreleased" section, where the next
version's work is noted: the commit before the first commit after the bump that opens
that section (corrections made after a bump and before it are the version's own), or the
bump itself if its CHANGELOG already has one, else the last commit before the next bump.
For the version being built, it is the package as built. Consecutive versions are compared by
the keyed diff of ``recruitment diff`` (:mod:`recruitment.review.diff`), and each added,
removed or changed row becomes rows of the ``changes`` table of the DuckDB file: one per
changed cell, one per added or removed row (its cells as JSON). Refs are resolved only as
refs (``git rev-parse --verify --end-of-options``), never as options or paths.

Bounded: at most :data:`MAX_VERSION_COMMITS` commits that touched the descriptor are read
(the newest), and at most :data:`MAX_CHANGE_ROWS` rows are kept (the earliest versions
first); what is left out is said in the note. Without git history (a tarball, a copy) the
log is empty and the note says why, never an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.snapshot import FolderSource, GitSource, SourceError, git, load, repo_top
from ..review import diff as d
from ..review.versioning import CHANGELOG, parse

DESCRIPTOR = "datapackage.json"
MAX_VERSION_COMMITS = 200
"""Commits that changed a line holding "version" in datapackage.json, newest first, read."""
MAX_CHANGE_ROWS = 100_000
"""Rows of the changes table at most; the rest are counted in the note."""


@dataclass
class Log:
    """The rows of the changes table and the note that says what they cover."""

    rows: list[tuple] = field(default_factory=list)
    note: str = ""
    versions: list[tuple[str, str | None]] = field(default_factory=list)
    """(version, commit) of each released version read, oldest first (commit None: the
    package as built)."""


def released_versions(root: Path, current: str) -> tuple[list[tuple[str, str | None]], str]:
    """(version, commit) of each released version, oldest first, and a note when there is
    no history to read (then the list is empty).

    A version's state is its tag's commit once tagged; else :func:`_released_state` (the
    CHANGELOG's "Unreleased" section marks where the next version's work starts); for
    ``current``, the package's own version, the package as it stands (commit
    None: the folder being published)."""
    top = repo_top(Path(root))
    if top is None:
        return [], "built outside a git repository: no history of versions to compare"
    prefix = _prefix(root, top)
    path = f"{prefix}/{DESCRIPTOR}" if prefix else DESCRIPTOR
    done = git(
        top, "log", f"--max-count={MAX_VERSION_COMMITS}", "--format=%H", "-G", '"version"',
        "HEAD", "--", path, check=False,
    )  # fmt: skip
    commits = done.split()[::-1]  # oldest first
    firsts: list[tuple[str, str]] = []
    for commit in commits:
        version = _version_at(top, commit, prefix)
        if version is not None and (not firsts or firsts[-1][0] != version):
            firsts.append((version, commit))
    if not firsts:
        return [], f"{path} has no committed version: no history of versions to compare"
    opened = _openings(top, prefix)
    versions: list[tuple[str, str | None]] = []
    for i, (version, bump) in enumerate(firsts):
        if version != current:
            nxt = firsts[i + 1][1] if i + 1 < len(firsts) else None
            versions.append((version, _released_state(top, prefix, bump, nxt, opened)))
    versions.append((current, None))
    tags = {
        tag[1:]: _commit(top, tag)
        for tag in git(top, "tag", "--list", "v*", check=False).split()
        if parse(tag[1:]) is not None
    }
    versions = [(v, tags.get(v) or c) for v, c in versions]
    versions = [(v, c) for v, c in versions if c is not None or v == current]
    note = ""
    if len(commits) == MAX_VERSION_COMMITS:
        note = (
            f"only the newest {MAX_VERSION_COMMITS} commits that changed the version line "
            f"of {path} were read"
        )
    return versions, note


UNRELEASED = re.compile(rb"^## \[?Unreleased\b", re.M | re.I)
"""The CHANGELOG section that collects the next version's work: once a commit opens it,
what follows is no longer the current version's."""


def _has_unreleased(top: Path, commit: str, prefix: str) -> bool:
    try:
        text = GitSource(top, commit, prefix).read(CHANGELOG)
    except SourceError:
        return False
    return text is not None and UNRELEASED.search(text) is not None


def _openings(top: Path, prefix: str) -> list[str]:
    """The commits (oldest first, along the first-parent line of HEAD, the newest
    MAX_VERSION_COMMITS) that opened an "Unreleased" section of the CHANGELOG."""
    path = f"{prefix}/{CHANGELOG}" if prefix else CHANGELOG
    done = git(
        top, "log", "--first-parent", f"--max-count={MAX_VERSION_COMMITS}", "--format=%H",
        "-G", r"^## \[?Unreleased", "HEAD", "--", path, check=False,
    )  # fmt: skip
    return [c for c in done.split()[::-1] if _has_unreleased(top, c, prefix)]


def _ancestor(top: Path, a: str, b: str) -> bool:
    done = git(top, "merge-base", "--is-ancestor", a, b, check=False, binary=True)
    return done.returncode == 0


def _released_state(
    top: Path, prefix: str, bump: str, nxt: str | None, opened: list[str]
) -> str | None:
    """The commit that is version ``bump`` set, as released: the bump itself if its
    CHANGELOG already has an "Unreleased" section; else the commit before the first one
    after it that opens that section (corrections made before it are the version's,
    work after it the next's); else the last commit before the next bump ``nxt``
    (HEAD when the next bump is not committed)."""
    if _has_unreleased(top, bump, prefix):
        return bump
    for c in opened:
        if c == bump or not _ancestor(top, bump, c):
            continue
        if nxt is None or (c != nxt and _ancestor(top, c, nxt)):
            return _commit(top, f"{c}^1")
    return _commit(top, f"{nxt}^1" if nxt else "HEAD")


def _prefix(root: Path, top: Path) -> str:
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
    return "" if prefix == "." else prefix


def _commit(top: Path, ref: str) -> str | None:
    """The commit ``ref`` names, resolved only as a ref; None if it names none."""
    done = git(
        top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
        check=False,
    )  # fmt: skip
    return done.strip() or None


def _version_at(top: Path, commit: str, prefix: str) -> str | None:
    try:
        data = GitSource(top, commit, prefix).read(DESCRIPTOR)
    except SourceError:
        return None
    try:
        doc = json.loads(data) if data is not None else None
    except ValueError:
        return None
    version = doc.get("version") if isinstance(doc, dict) else None
    return version if isinstance(version, str) and parse(version) is not None else None


@dataclass
class Step:
    """Two consecutive released versions and the keyed diff between them."""

    version_from: str
    version_to: str
    commit_from: str | None
    commit_to: str | None
    diff: d.PackageDiff

    def rows(self):
        """The rows of the changes table this step gives, in the table's column order."""
        head = (self.version_from, self.version_to, self.commit_from, self.commit_to)
        for row in _rows(self.diff):
            yield (*head, *row)


def steps(root: Path, current: str, last_only: bool = False) -> tuple[list[Step], Log]:
    """The diff of each pair of consecutive released versions (only the last pair, the
    one that ends at ``current``, with ``last_only``), and a Log with the versions read
    and the notes (its rows are not filled here)."""
    versions, note = released_versions(root, current)
    log = Log(versions=versions)
    notes = [note] if note else []
    out: list[Step] = []
    if len(versions) < 2:
        if versions:
            notes.append(f"one released version ({versions[0][0]}): nothing to compare yet")
        log.note = "; ".join(notes)
        return out, log
    top = repo_top(Path(root))
    prefix = _prefix(root, top)
    wanted = versions[-2:] if last_only else versions
    snaps = []
    for version, commit in wanted:
        source = (
            GitSource(top, commit, prefix, f"v{version}")
            if commit
            else FolderSource(Path(root), f"v{version}")
        )
        try:
            snaps.append(load(source))
        except SourceError as err:
            snaps.append(None)
            notes.append(f"version {version} could not be read ({err})")
    pairs = zip(wanted, wanted[1:], snaps, snaps[1:], strict=False)
    for (a, ca), (b, cb), old, new in pairs:
        if old is not None and new is not None:
            out.append(Step(a, b, ca, cb, d.compare(old, new)))
    log.note = "; ".join(notes)
    return out, log


def latest(root: Path, current: str) -> tuple[Step | None, Log]:
    """The step that ends at ``current`` (None when there is no earlier version, or it
    could not be read): what a release's CHANGES describes."""
    found, log = steps(root, current, last_only=True)
    return (found[-1] if found else None), log


def corrections(root: Path, current: str) -> Log:
    """The changes between consecutive released versions of the package at ``root``, whose
    own version is ``current``."""
    found, log = steps(root, current)
    if len(log.versions) < 2:
        return log
    total = 0
    for step in found:
        for row in step.rows():
            total += 1
            if len(log.rows) < MAX_CHANGE_ROWS:
                log.rows.append(row)
    notes = [log.note] if log.note else []
    span = ", ".join(f"{v} ({c[:12] if c else 'this build'})" for v, c in log.versions)
    notes.insert(0, f"{total} row-level change(s) between the versions {span}")
    if total > MAX_CHANGE_ROWS:
        notes.append(f"only the first {MAX_CHANGE_ROWS} are listed (earliest versions first)")
    log.note = "; ".join(notes)
    return log


def _rows(diff: d.PackageDiff):
    """(table, key, kind, column, old, new) for every row-level change of ``diff``."""

    def whole(row: dict) -> str:
        return json.dumps(row, ensure_ascii=False, sort_keys=False)

    for t in diff.tables:
        for row in t.added:
            yield (t.name, d.key_text(t.key_of(row)), "added", None, None, whole(row))
        for row in t.removed:
            yield (t.name, d.key_text(t.key_of(row)), "removed", None, whole(row), None)
        for change in t.changed:
            for column, (old, new) in change.cells.items():
                yield (t.name, d.key_text(change.key), "changed", column, old, new)
