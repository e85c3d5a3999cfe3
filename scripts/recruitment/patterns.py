"""How much work a schema ``pattern`` can cost, before any cell is matched against it.

RE2 (DuckDB's engine, the one every pattern runs on) matches in time linear in the text,
but the factor is the size of the compiled pattern, and counted repetitions multiply it:
``[0-9a-f]{64}`` matches at over 100 MiB/s, ``(.{0,100}){0,10}z`` at about 25 KiB/s, so one
such pattern over a large column takes hours. :func:`pattern_size` counts the atoms of a
pattern with every counted repetition expanded (``x{n,m}`` counts ``x`` max(n, m) times,
nested repetitions multiply, alternatives add up); a schema pattern may have at most
:data:`limits.PATTERN_MAX_SIZE` of them, which keeps every pattern above a few MiB/s
(README, Limits). The pattern must already be valid RE2: this only measures it.
"""

from __future__ import annotations

import re

_REPEAT = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")


def _escape_end(p: str, i: int) -> int:
    """The index after the escape that starts at ``p[i] == '\\'``."""
    nxt = p[i + 1 : i + 2]
    if nxt in ("p", "P", "x") and p[i + 2 : i + 3] == "{":
        end = p.find("}", i)
        return len(p) if end < 0 else end + 1
    if nxt in ("p", "P"):
        return i + 3
    if nxt == "x":
        return i + 4
    return i + 2


def _class_end(p: str, i: int) -> int:
    """The index after the character class that starts at ``p[i] == '['``."""
    j = i + 1
    if p[j : j + 1] == "^":
        j += 1
    if p[j : j + 1] == "]":  # a leading ']' is a member
        j += 1
    while j < len(p) and p[j] != "]":
        if p[j] == "\\":
            j = _escape_end(p, j)
        elif p.startswith("[:", j):
            end = p.find(":]", j + 2)
            j = len(p) if end < 0 else end + 2
        else:
            j += 1
    return j + 1


def pattern_size(p: str) -> int:
    """Atoms of ``p`` with counted repetitions expanded (see the module's docstring)."""
    groups = [[0, 0]]  # per open group: [size so far, size of its last item]
    i = 0

    def item(size: int) -> None:
        groups[-1][0] += size
        groups[-1][1] = size

    while i < len(p):
        c = p[i]
        if c == "\\":
            if p[i + 1 : i + 2] == "Q":  # \Q...\E: literal text
                end = p.find("\\E", i + 2)
                end = len(p) if end < 0 else end
                item(max(end - i - 2, 0))
                i = end + 2
                continue
            i = _escape_end(p, i)
            item(1)
            continue
        if c == "[":
            i = _class_end(p, i)
            item(1)
            continue
        if c == "(":
            if p.startswith("(?", i):
                close, colon = p.find(")", i), p.find(":", i)
                named = p.startswith(("(?P<", "(?<"), i)
                if not named and close >= 0 and (colon < 0 or close < colon):
                    i = close + 1  # (?i): flags only, no group
                    continue
                i = p.find(">", i) + 1 if named else colon + 1
            else:
                i += 1
            groups.append([0, 0])
            continue
        if c == ")" and len(groups) > 1:
            size = groups.pop()[0]
            item(size)
            i += 1
            continue
        if c == "{" and (m := _REPEAT.match(p, i)):
            low, comma, high = int(m[1]), m[2], m[3]
            times = max(low, int(high) if high else 0, 1) if comma else max(low, 1)
            last = groups[-1][1]
            groups[-1][0] += last * (times - 1)
            groups[-1][1] = last * times
            i = m.end() + (1 if p[m.end() : m.end() + 1] == "?" else 0)
            continue
        if c in "*+?|^$":
            i += 1  # no more work than the item they apply to (or none)
            continue
        item(1)
        i += 1
    while len(groups) > 1:  # unbalanced: RE2 would have refused it
        item(groups.pop()[0])
    return groups[0][0]
