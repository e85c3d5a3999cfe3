"""The version gate: a change must carry the version bump it requires, with its paperwork.

:func:`check` compares the bump a :class:`~recruitment.diff.PackageDiff` requires (the Data
Package version recipe, see :mod:`recruitment.diff`) with the bump the change made to
``version`` in ``datapackage.json``, and checks that ``CHANGELOG.md`` has an entry for the
new version and that ``CITATION.cff`` states the same version. Problems are ordinary
findings, so they print as text, JSON or GitHub annotations like validation's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.package import DESCRIPTOR, VERSION
from ..core.snapshot import MAX_JSON_BYTES, Source, SourceError
from ..findings import Finding, Rule, _rules
from ..report import visible
from .diff import LEVELS, PackageDiff

CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
RULES: dict[str, Rule] = _rules(
    "version",
    {
        "format": (
            "version is not MAJOR.MINOR.PATCH",
            "Write the version as three numbers, e.g. 1.4.0.",
        ),
        "bump": (
            "The version is not bumped as much as the change requires",
            "Run `recruitment bump` (it sets the version in datapackage.json and "
            "CITATION.cff, opens the CHANGELOG.md entry and regenerates README.md and "
            "docs/codebook.md), review the entry, and commit those files.",
        ),
        "changelog": (
            "CHANGELOG.md has no entry for the version",
            "Run `recruitment bump`, or add a heading '## <version> — <YYYY-MM-DD>' to "
            "CHANGELOG.md with what changed.",
        ),
        "citation": (
            "CITATION.cff states another version",
            "Run `recruitment bump`, or set version in CITATION.cff to the version in "
            "datapackage.json.",
        ),
    },
)
"""The gate's rules. They compare two versions of the package, so they stay out of the
validator's catalogue (findings.RULES), which describes one package."""


@dataclass(frozen=True, slots=True)
class VersionFinding(Finding):
    """A finding of the version gate: printed like any other, explained by :data:`RULES`."""

    def catalogue(self) -> dict[str, Rule]:
        return RULES


BUMP_WORDS = {
    "none": "no bump",
    "down": "a step down",
    "patch": "a patch bump",
    "minor": "a minor bump",
    "major": "a major bump",
}


def parse(version: str) -> tuple[int, int, int] | None:
    m = VERSION.fullmatch(version.strip())
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def bump_made(old: tuple[int, int, int], new: tuple[int, int, int]) -> str:
    """The bump from ``old`` to ``new``: none, patch, minor, major, or 'down'."""
    if new < old:
        return "down"
    for level, (a, b) in zip(("major", "minor", "patch"), zip(old, new, strict=True), strict=True):
        if b > a:
            return level
    return "none"


def next_version(old: tuple[int, int, int], level: str) -> str:
    major, minor, patch = old
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"


def _line_of(text: str, pattern: str) -> int | None:
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return i
    return None


def _text(source: Source, rel: str) -> str | None:
    """The file's text, or None when it does not exist; SourceError when it may not be read
    (a symlink, a FIFO, too large): the gate then reports it, never skips its check."""
    data = source.read(rel, MAX_JSON_BYTES)
    return None if data is None else data.decode("utf-8", errors="replace")


def _refused(rel: str, rule: str, err: SourceError) -> Finding:
    return VersionFinding(
        rel, None, None, rule, f"{visible(err)}; the gate reads only the file itself."
    )


def check(diff: PackageDiff, head: Source) -> list[Finding]:
    """Findings for a version that is malformed, not bumped enough, or undocumented."""
    out: list[Finding] = []
    try:
        descriptor = _text(head, DESCRIPTOR) or ""
    except SourceError:
        descriptor = ""  # the snapshot noted it; the version itself is checked below
    at = _line_of(descriptor, r'\s*"version"\s*:')
    new = parse(diff.head.version)
    if new is None:
        msg = f"version is {diff.head.version!r}."
        return [VersionFinding(DESCRIPTOR, at, "version", "version/format", msg)]
    required = diff.required_bump
    old = parse(diff.base.version) if diff.base.version else (0, 0, 0)
    if old is not None:
        made = bump_made(old, new)
        if made == "down" or LEVELS.index(made) < LEVELS.index(required):
            why = visible("; ".join(r for b, r in diff.reasons() if b == required))
            was = visible(diff.base.version)
            out.append(
                VersionFinding(
                    DESCRIPTOR,
                    at,
                    "version",
                    "version/bump",
                    f"version {was} → {diff.head.version} is {BUMP_WORDS[made]}, but "
                    f"the change needs a {required} bump ({why}): make it "
                    f"{next_version(old, required)}.",
                )
            )
    return out + _changelog(head, diff.head.version) + _citation(head, diff.head.version)


def _changelog(head: Source, version: str) -> list[Finding]:
    try:
        changelog = _text(head, CHANGELOG)
    except SourceError as err:
        return [_refused(CHANGELOG, "version/changelog", err)]
    if changelog is None or not re.search(rf"^## \[?{re.escape(version)}\b", changelog, re.M):
        msg = f"{CHANGELOG} has no '## {version}' heading."
        return [VersionFinding(CHANGELOG, None, None, "version/changelog", msg)]
    return []


def _citation(head: Source, version: str) -> list[Finding]:
    out: list[Finding] = []
    try:
        citation = _text(head, CITATION)
    except SourceError as err:
        return [_refused(CITATION, "version/citation", err)]
    if citation is not None:
        m = re.search(r"^version:\s*['\"]?([^'\"\s#]+)", citation, re.M)
        stated = m[1] if m else None
        if stated != version:
            out.append(
                VersionFinding(
                    CITATION,
                    _line_of(citation, r"version:"),
                    "version",
                    "version/citation",
                    f"{CITATION} says version {stated!r}, datapackage.json {version!r}.",
                )
            )
    return out
