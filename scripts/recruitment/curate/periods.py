"""The period of a drafted figure, and the date of a drafted event, from the words of its
line resolved by the project's one resolver (:func:`recruitment.checks.dates.resolve`)
against the article's publication interval.

Which date words are a number's period:

* the date words of the number's own clause ("1,500 soldiers killed or wounded on
  Wednesday", "142 attacks … in the past 24 hours") — when there is exactly one such
  reading; two different ones leave the period empty;
* else date words in a clause of the sentence that holds no number of its own ("Last
  year, 450,000 people joined …"; "the call-up, which ran from October 1 to December 31,
  drafted 133,000 men"), given to the nearest number still without one;
* else, for a change ("20,000 fewer than …") or a part ("including more than 20,000
  volunteers"), the period of the number it leans on (basis ``inferred``).

Never a period: the date of a statement ("said on Thursday", "told reporters on Tuesday",
"reported last week": that is the event's date), a deadline ("before December 31", "by July
15": the resolver reads only the latest such day on or before the article), a comparison
("than in the same period last year", "than in 2023").

Shapes beyond the resolver's single words, each basis ``inferred`` with notes: "since X"
(from X to the latest publication date), "from X to Y", "since the start of the year". A
relative word the resolver cannot read ("last week", "summer") gives no interval.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..checks.dates import is_relative, resolve
from ..checks.rules import MAX_SPAN_DAYS
from .spans import look_back

_PAST = re.compile(r"(?i)\b(?:in\s+)?the\s+(?:past|last)\s+(\w+)\s+(?:hours|days)\b")
_YEAR_START = re.compile(r"(?i)\bsince\s+the\s+(?:start|beginning)\s+of\s+the\s+year\b")
_SINCE = re.compile(
    r"(?i)\b(?:since\s+(?:the\s+(?:start|beginning)\s+of\s+)?"
    r"|(?:launched|began|begun|started)\s+(?:in\s+|on\s+)?)$"
)
"""Words before a date that make it the start of what has run since ("since January",
"since the beginning of March", "the war, launched in February 2022, has cost")."""
_FROM = re.compile(r"(?i)\bfrom\s+$")
_UNTIL = re.compile(r"(?i)^\s*(?:to|until|till|through|-|–)\s+$")
_DEADLINE = re.compile(r"(?i)\b(?:by|before|until|till|ahead\s+of|no\s+later\s+than)\s+$")
_AHEAD = re.compile(
    r"(?i)\b(?:will|shall|starts?|begins?|is\s+due|are\s+due|next|upcoming|scheduled|to\s+be)\b"
)
_COMPARED = re.compile(
    r"(?i)\bthan\b|\bcompared\s+(?:with|to)\b|\bagainst\b|\b(?:double|twice|triple|half)\b"
)
_STATEMENT_GAP = re.compile(
    r"(?i)^\s*(?:(?:in|at|via|during|through)\s+(?:[a-z]+\s+){1,4})?(?:[a-z]+\s+){0,3}?$"
)
"""Words between a cue and the date of the statement: an addressee ("told reporters on
Tuesday"), the medium ("said in its daily update on Tuesday")."""
_NARROWED = re.compile(
    r"(?i)\b(?:(?:first|second|third|last|final)\s+(?:half|quarter)\s+of|(?:end|middle)\s+of"
    r"|(?:early|late|mid)(?:[- ]|\s+in\s+))\s*$"
)
"""Words before a date that narrow it below what the resolver reads ("the first half of
last year", "the end of March", "mid-October")."""


@dataclass
class When:
    """Date words of a line read as an interval."""

    lo: int
    hi: int
    """Where the words stand on the line."""
    text: str
    start: date | None
    end: date | None
    basis: str
    """stated | relative | inferred"""
    notes: str
    usable: bool = True
    why: str = ""
    """Why the words are no period (a statement's date, a deadline)."""


def precision(start: date, end: date, allowed: list[str]) -> str | None:
    """The narrowest precision of ``allowed`` whose width holds start..end."""
    width = (end - start).days
    return next((p for p in MAX_SPAN_DAYS if p in allowed and width <= MAX_SPAN_DAYS[p]), None)


def read(text: str, date_exprs, ps: date | None, pe: date | None) -> list[When]:
    """Every interval the date words of ``text`` give (date expressions of
    :func:`spans.dates`, "the past 24 hours", "since …", "from … to …")."""
    found: list[When] = []
    exprs = sorted(date_exprs, key=lambda e: e.start)
    used = set()
    for i, e in enumerate(exprs):
        if i in used:
            continue
        nxt = exprs[i + 1] if i + 1 < len(exprs) else None
        if (
            nxt is not None
            and _FROM.search(text, look_back(e.start), e.start)
            and _UNTIL.match(text[e.end : nxt.start])
        ):
            a, b = _interval(e, ps, pe), _interval(nxt, ps, pe)
            lo = _FROM.search(text, look_back(e.start), e.start).start()
            words = text[lo : nxt.end]
            if a and b and b[1] < a[0] and _is_relative_expr(nxt):
                b = _year_later(b)  # "from October 1 to December 31": the December after
            if a and b and a[0] <= b[1]:
                found.append(
                    When(lo, nxt.end, words, a[0], b[1], "inferred", _notes_range(words, a, b))
                )
            else:
                why = f"'{words}' reads as no interval"
                found.append(When(lo, nxt.end, words, None, None, "inferred", "", False, why))
            used.add(i + 1)
            continue
        interval = _interval(e, ps, pe)
        since = _SINCE.search(text, look_back(e.start), e.start)
        if since and interval and pe is not None:
            words = text[since.start() : e.end]
            notes = (
                f"Period inferred: '{words}', from {interval[0]} to the latest publication date "
                f"{pe}."
            )
            found.append(When(since.start(), e.end, words, interval[0], pe, "inferred", notes))
            continue
        w = When(e.start, e.end, e.text, *(interval or (None, None)), _basis(e.text), "")
        if interval is None:
            w.usable, w.why = False, f"the resolver cannot read '{e.text}'"
        elif w.basis == "relative":
            w.notes = _notes_relative(e.text, interval, ps, pe)
        if _NARROWED.search(text, look_back(e.start), e.start) and not e.text.lower().startswith(
            ("late", "early")
        ):
            w.usable, w.why = False, f"'{e.text}' is narrowed by the words before it"
            w.start = w.end = None
        elif _DEADLINE.search(text, look_back(e.start), e.start) or (
            w.basis == "relative" and _AHEAD.search(text[max(0, e.start - 40) : e.start])
        ):
            w.usable, w.why = False, f"'{e.text}' may lie ahead of the article"
            w.start = w.end = None
        found.append(w)
    for m in _PAST.finditer(text):
        interval = resolve(m.group(), ps, pe)
        if interval and not any(f.lo <= m.start() < f.hi for f in found):
            notes = _notes_relative(m.group(), interval, ps, pe)
            found.append(When(m.start(), m.end(), m.group(), *interval, "relative", notes))
    for m in _YEAR_START.finditer(text):
        if ps is not None and pe is not None:
            notes = f"Period inferred: '{m.group()}', from {ps.year}-01-01 to {pe}."
            found.append(
                When(m.start(), m.end(), m.group(), date(ps.year, 1, 1), pe, "inferred", notes)
            )
    return sorted(found, key=lambda w: w.lo)


def _is_relative_expr(e) -> bool:
    return e.facts.get("basis") != "stated"


def _year_later(interval: tuple[date, date]) -> tuple[date, date] | None:
    try:
        return tuple(d.replace(year=d.year + 1) for d in interval)
    except ValueError:  # February 29
        return None


def _basis(words: str) -> str:
    return "relative" if is_relative(words) else "stated"


def _interval(e, ps, pe) -> tuple[date, date] | None:
    if e.facts.get("basis") == "stated" and e.facts.get("start"):
        return e.facts["start"], e.facts["end"]
    return resolve(e.text, ps, pe)


def _notes_relative(words: str, interval, ps, pe) -> str:
    shown = f"{ps}" if ps == pe else f"{ps}..{pe}"
    return (
        f"'{words}' resolved against the publication date {shown} by the project's resolver: "
        f"{interval[0]}..{interval[1]}."
    )


def _notes_range(words: str, a, b) -> str:
    return f"Period inferred: '{words}', from {a[0]} to {b[1]}."


def mark_statements(text: str, whens: list[When], attributions) -> dict[int, object]:
    """Mark the date words that date a statement ("said on Thursday", "told reporters on
    Tuesday", "Mr Trump on Sunday also accused"): they are no period. Returns, by index of
    ``whens``, the attribution each dates."""
    dated = {}
    for i, w in enumerate(whens):
        for at in attributions:
            inside = at.start <= w.lo and w.hi <= at.end
            gap = text[at.cue.end : w.lo]
            after = w.lo >= at.cue.end and _STATEMENT_GAP.match(gap) and "that" not in gap
            if (inside or after) and at.lemma != "be reported":
                w.usable, w.why = False, f"'{w.text}' dates the statement ('{at.cue.text}')"
                dated[i] = at
                break
    return dated


@dataclass
class Period:
    when: When
    confidence: str
    why: str


def assign(text: str, numbers, whens: list[When]) -> dict[int, Period]:
    """The period of each number expression (by index of ``numbers``, in line order) that
    has one. Each number looks only at the date words near it (bisect), so a long line
    costs linear time."""
    from .spans import READ_AROUND, clause_bounds, sentence_around

    out: dict[int, Period] = {}
    los = [w.lo for w in whens]
    starts = [n.start for n in numbers]
    index_at = {n.start: i for i, n in enumerate(numbers)}

    def whens_in(lo: int, hi: int) -> list[When]:
        return whens[bisect.bisect_left(los, lo - READ_AROUND) : bisect.bisect_left(los, hi)]

    unresolved = set()
    for i, n in enumerate(numbers):
        lo, hi = clause_bounds(text, n.start, n.end)
        near = whens_in(lo, hi)
        mine = [
            w
            for w in near
            if w.usable
            and (lo <= w.lo < hi or w.lo <= n.start < w.hi)
            and not _compared(text, n, w)
        ]
        readings = {(w.start, w.end) for w in mine}
        unread = [w for w in near if not w.usable and lo <= w.lo < hi and "statement" not in w.why]
        if unread and readings:
            shown = ", ".join(f"'{w.text}'" for w in unread)
            out[i] = Period(None, None, f"its clause also has {shown}: fill period")
        elif len(readings) == 1:
            w = min(mine, key=lambda w: abs(w.lo - n.start))
            out[i] = Period(w, "high", f"period from '{w.text}'")
        elif len(readings) > 1:
            shown = ", ".join(f"'{w.text}'" for w in mine)
            out[i] = Period(None, None, f"several dates in its clause ({shown}): fill period")
        else:
            unresolved.add(i)
    for w in whens:
        if not w.usable:
            continue
        sentence, offset = sentence_around(text, w.lo, w.hi)
        wlo, whi = clause_bounds(text, w.lo, w.hi)
        first = bisect.bisect_left(starts, wlo)
        if first < len(starts) and starts[first] < whi:
            continue  # its own clause has a number: it is that number's or none
        span = range(
            bisect.bisect_left(starts, offset), bisect.bisect_left(starts, offset + len(sentence))
        )
        near = [
            i
            for i in span
            if i in unresolved and i not in out and not _compared(text, numbers[i], w)
        ]
        if near:
            i = min(near, key=lambda i: abs(numbers[i].start - w.lo))
            out[i] = Period(w, "medium", f"period from '{w.text}' (its sentence)")
    for i, n in enumerate(numbers):
        link = n.facts.get("link")
        leans = link and link[0] in ("including", "change")
        if i in out or not (leans or n.facts.get("measure") in ("increase", "decrease")):
            continue
        prev = index_at.get(link[1]) if link else None
        if prev is not None and out.get(prev) and out[prev].when is not None:
            w = out[prev].when
            notes = f"Period inferred as that of '{numbers[prev].text}': {w.start}..{w.end}."
            inherited = When(n.start, n.end, "", w.start, w.end, "inferred", notes)
            out[i] = Period(inherited, "medium", f"period as that of '{numbers[prev].text}'")
    return {i: p for i, p in out.items() if p.when is not None or p.why}


def _compared(text: str, n, w: When) -> bool:
    """Whether date words after a number are what it is compared with."""
    return w.lo >= n.end and bool(_COMPARED.search(text[n.end : w.lo]))


def undated_statement(ps: date, pe: date) -> tuple[date, date]:
    """CONTRIBUTING's interval for an undated statement reported as current: from a week
    before the earliest publication date to the latest."""
    return ps - timedelta(days=6), pe
