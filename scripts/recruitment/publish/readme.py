"""Text in README.md that is generated from the data, between markers, by one command.

A valid new row must never fail CI because a hand-written count went stale: the counts
table lives between ``<!-- BEGIN generated: counts … -->`` and ``<!-- END generated:
counts -->``, ``recruitment readme`` (run by ``make``) rewrites it, and the test suite
fails only when the committed README differs from a fresh render, naming that command.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import limits
from ..paths import read_published
from ..review.snapshot import FolderSource, Snapshot, load

README = "README.md"
REGENERATE = "recruitment readme"


def _block(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- BEGIN generated: {name} [^\n]*-->\n)(.*?)(<!-- END generated: {name} -->)",
        re.S,
    )


def render_counts(snap: Snapshot) -> str:
    """One row per table, in descriptor order: the number of data rows in its CSV."""
    lines = ["| table | rows |", "| --- | --- |"]
    lines += [f"| {name} | {len(table.rows)} |" for name, table in snap.tables.items()]
    return "\n".join(lines) + "\n"


def render_facts(snap: Snapshot) -> str:
    """The sentences of 'What is in the data' that count rows (they would go stale by hand)."""
    events = snap.tables.get("events")
    if events is None or not events.rows:
        return "- The package has no events yet.\n"
    n = len(events.rows)
    basis = {b: sum(r.get("date_basis") == b for r in events.rows) for b in BASES}
    reports: dict[str, set[str]] = {}
    for r in events.rows:
        reports.setdefault(r.get("event_key", ""), set()).add(r.get("source_id", ""))
    shared = sum(len(s) > 1 for s in reports.values())
    return (
        f"- {basis['stated']} of {n} event dates are stated in the text; "
        f'{basis["relative"]} are resolved from relative words ("on Monday", "last '
        'autumn") by [one resolver](scripts/recruitment/checks/dates.py) and '
        f"{basis['inferred']} are inferred, each with its reasoning in `notes`.\n"
        f"- The {n} events rows report {len(reports)} happenings (`event_key`); {shared} of "
        "them are reported by more than one article (the `happenings` view lists them).\n"
    )


BASES = ("stated", "relative", "inferred")

BLOCKS = {"counts": render_counts, "facts": render_facts}
"""Generated blocks by name; README.md must hold the markers of each."""


def render(root: Path, text: str) -> str:
    """``text`` (README.md's content) with every generated block rendered afresh."""
    snap = load(FolderSource(Path(root)))
    for name, fn in BLOCKS.items():
        pattern = _block(name)
        if not pattern.search(text):
            raise ValueError(
                f"{README} has no '<!-- BEGIN generated: {name} -->' ... "
                f"'<!-- END generated: {name} -->' markers"
            )
        body = fn(snap)
        text = pattern.sub(lambda m, body=body: m[1] + body + m[3], text, count=1)
    return text


def read(root: Path) -> str:
    """README.md's text, read as the package's own file (no symlink, bounded)."""
    data = read_published(Path(root), README, limits.PUBLISHED_MAX_BYTES)
    if data is None:
        raise FileNotFoundError(f"{README} does not exist in {root}")
    return data.decode("utf-8")


def write(root: Path) -> tuple[Path, bool]:
    """Regenerate README.md's blocks; returns the path and whether anything changed.
    The new text replaces the file (written beside it, then renamed over it)."""
    path = Path(root) / README
    old = read(root)
    new = render(root, old)
    if new != old:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(new)
        tmp.replace(path)
    return path, new != old
