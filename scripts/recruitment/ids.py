"""The next free id of a table, from its Table Schema's primary key and pattern.

CONTRIBUTING's worked example says "run ``recruitment next-id figures``" rather than
naming an id, so it stays true as rows are added. An id is the pattern's literal prefix
and a number (``fig-[0-9]{4,}`` gives ``fig-0027``); the next one is one more than the
highest in the table, zero-padded to the pattern's width.
"""

from __future__ import annotations

import re
from pathlib import Path

from .snapshot import FolderSource, load

NUMBERED = re.compile(r"(?P<prefix>[A-Za-z0-9_-]*)(?:\[0-9\]|\\d)(?:\{(?P<width>\d+),?\d*\}|\+)")


class IdError(ValueError):
    """The table has no single numbered id column: a usage problem."""


def next_id(root: Path, table: str) -> str:
    snap = load(FolderSource(Path(root)))
    res = snap.tables.get(table)
    if res is None:
        raise IdError(f"no table {table!r}; the tables are {', '.join(snap.tables)}")
    if len(res.primary_key) != 1:
        raise IdError(f"{table} has no single-column primary key ({res.primary_key})")
    (key,) = res.primary_key
    field = next((f for f in res.fields if f.get("name") == key), {})
    pattern = str(field.get("constraints", {}).get("pattern", ""))
    m = NUMBERED.fullmatch(pattern)
    if not m:
        raise IdError(
            f"{table}.{key} ids are not numbered (pattern {pattern!r}): write a new id that "
            "matches the pattern and no other row's"
        )
    prefix, width = m["prefix"], int(m["width"] or 1)
    numbers = [
        int(row[key][len(prefix) :])
        for row in res.rows
        if row.get(key, "").startswith(prefix) and row[key][len(prefix) :].isdigit()
    ]
    new = f"{prefix}{max(numbers, default=0) + 1:0{width}d}"
    if not re.fullmatch(pattern, new) or new in {row.get(key) for row in res.rows}:
        raise IdError(f"cannot number {table}.{key} from pattern {pattern!r}")
    return new
