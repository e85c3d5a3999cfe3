"""The next free identifiers of a table, in the form its Table Schema's pattern gives."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .package import Field

_ID_PATTERN = re.compile(r"([a-z]+-)\[0-9\]\{(\d+),\}")


def next_ids(
    field: Field, existing: Iterable[str | None], at_least: int = 0
) -> Iterator[str | None]:
    """``prefix-NNNN`` identifiers after the highest existing number (and from ``at_least``
    on), as the field's pattern (``fig-[0-9]{4,}``) writes them; ids are never reused.
    None, forever, when the pattern is not of that form (the curator then chooses)."""
    m = _ID_PATTERN.fullmatch(field.constraints.get("pattern", ""))
    if m is None:
        while True:
            yield None
    prefix, width = m.group(1), int(m.group(2))
    numbers = [int(x[len(prefix) :]) for x in existing if x and re.fullmatch(rf"{prefix}\d+", x)]
    n = max(max(numbers, default=-1) + 1, at_least)
    while True:
        yield f"{prefix}{n:0{width}d}"
        n += 1
