"""The next free id of a table, from its Table Schema's primary key and pattern.

An id is the pattern's literal prefix and a number (``fig-[0-9]{4,}`` gives ``fig-0027``);
the next one is one more than the highest in the table, zero-padded to the pattern's width.
CONTRIBUTING's worked example says "run ``recruitment next-id figures``" rather than naming
an id, so it stays true as rows are added; ``add-source`` and ``suggest`` number their new
rows the same way.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import RecruitmentError

NUMBERED = re.compile(r"(?P<prefix>[A-Za-z0-9_-]*)(?:\[0-9\]|\\d)(?:\{(?P<width>\d+),?\d*\}|\+)")
"""Patterns of numbered ids: a literal prefix, then digits (``[0-9]{4,}``, ``\\d+``)."""


class IdError(RecruitmentError, ValueError):
    """The table has no single numbered id column: a usage problem."""


def next_ids(
    pattern: str, existing: Iterable[str | None], at_least: int = 0, or_none: bool = False
) -> Iterator[str | None]:
    """Ids after the highest existing number (and from ``at_least`` on), as ``pattern``
    writes them; ids are never reused. When the pattern is not numbered: IdError, or, with
    ``or_none``, None forever (the curator then chooses)."""
    m = NUMBERED.fullmatch(pattern or "")
    if m is None:
        if or_none:
            return itertools.repeat(None)
        raise IdError(f"ids of pattern {pattern!r} are not numbered")
    prefix, width = m["prefix"], int(m["width"] or 1)
    numbers = [
        int(x[len(prefix) :])
        for x in existing
        if x and x.startswith(prefix) and x[len(prefix) :].isdigit()
    ]
    start = max(max(numbers, default=0) + 1, at_least)
    return (f"{prefix}{n:0{width}d}" for n in itertools.count(start))


def next_id(root: Path, table: str) -> str:
    """The next free id of ``table`` in the package at ``root``."""
    from ..core.snapshot import FolderSource, load

    snap = load(FolderSource(Path(root)))
    res = snap.tables.get(table)
    if res is None:
        raise IdError(f"no table {table!r}; the tables are {', '.join(snap.tables)}")
    if len(res.primary_key) != 1:
        raise IdError(f"{table} has no single-column primary key ({res.primary_key})")
    (key,) = res.primary_key
    field = next((f for f in res.fields if f.get("name") == key), {})
    pattern = str(field.get("constraints", {}).get("pattern", ""))
    try:
        return next(next_ids(pattern, (row.get(key) for row in res.rows)))
    except IdError:
        raise IdError(
            f"{table}.{key} ids are not numbered (pattern {pattern!r}): write a new id that "
            "matches the pattern and no other row's"
        ) from None
