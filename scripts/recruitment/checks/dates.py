"""The one resolver of date words: ``resolve(text, published_start, published_end)``.

A row whose date basis is ``relative`` must hold exactly the interval this function gives
for its words and its article's publication interval; a ``stated`` row's interval must
contain what it gives. The interval is *honest*: it contains every date the words allow for
every publication date the source allows, and no more.

Why hand-written rather than ``dateparser``: the seeds use a handful of phrase shapes, each
of which needs an interval rather than one date (``on Sunday`` is any Sunday of the week
before any possible publication date), which no parser gives; twenty lines of patterns say
exactly what is read, and anything else is refused (``None``), so the row keeps basis
``inferred`` with its reasoning in notes.

Shapes read (case-insensitive; seasons are meteorological, northern hemisphere: spring
March–May, summer June–August, autumn/fall September–November, winter December–February):

relative to the publication interval P = [ps, pe]
  * a weekday: ``Monday``, ``on Monday``, ``late on Wednesday``, ``In the early hours of
    Monday`` — every such weekday from ps − 6 days to pe: from the first one on or after
    ps − 6 to the last one on or before pe, so both ends fall on that weekday;
  * a month and day without a year: ``March 27``, ``February 24``, ``March 1-7`` — the
    latest such date on or before the publication date: from its occurrence before ps to
    its occurrence before pe (a range ``1-7`` from the first day to the last);
  * a month without a year: ``October``, ``In February`` — the latest such month that has
    begun by the publication date;
  * ``this year`` / ``last year``: the publication year(s), or the year(s) before;
  * ``last autumn`` (any season): the latest such season that ended before the publication
    date;
  * ``in the past 24 hours``, ``the past seven days`` (hours or days, digits or words): from
    ps − N days (hours rounded up to days) to pe.

absolute (the publication interval is not needed)
  * ``2023-03-30``, ``April 12, 2022``, ``September 2022``, ``2024``, ``the fall of 2022``.

Rules call it once per distinct text of an absolute shape and once per distinct
(text, ps, pe) of a relative one, never once per row (:func:`resolve_distinct`).
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta

from ..lexicon import MONTHS, SEASON_START, WEEKDAYS

Interval = tuple[date, date]

_MONTHS = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
_SEASONS = SEASON_START

_M = "(" + "|".join(_MONTHS) + ")"
_S = "(" + "|".join(_SEASONS) + ")"
_PATTERNS = {
    "weekday": rf"(?:(?:late|early)\s+)?(?:(?:in\s+the\s+early\s+hours\s+of|on)\s+)?"
    rf"({'|'.join(_WEEKDAYS)})",
    "month_day": rf"(?:on\s+)?{_M}\s+(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?",
    "month": rf"(?:in\s+)?{_M}",
    "this_year": r"this\s+year",
    "last_year": r"last\s+year",
    "last_season": rf"last\s+{_S}",
    "past": r"(?:in\s+)?the\s+(?:past|last)\s+(\w+)\s+(hours|days)",
    "iso": r"(\d{4})-(\d{2})-(\d{2})",
    "full_date": rf"(?:on\s+)?{_M}\s+(\d{{1,2}}),?\s+(\d{{4}})",
    "month_year": rf"(?:in\s+)?{_M}\s+(\d{{4}})",
    "year": r"(?:in\s+)?(\d{4})",
    "season_year": rf"(?:in\s+)?(?:the\s+)?{_S}\s+(?:of\s+)?(\d{{4}})",
}
_COMPILED = {k: re.compile(v, re.IGNORECASE) for k, v in _PATTERNS.items()}
RELATIVE = frozenset(
    {"weekday", "month_day", "month", "this_year", "last_year", "last_season", "past"}
)
"""The shapes that need the publication interval."""


def _read(text: str | None):
    """(shape, match) of the first of ``_PATTERNS`` that reads all of ``text``, or None.
    Every relative shape comes before every absolute one, so a text that reads as a
    relative shape is resolved as one."""
    if not text:
        return None
    words = " ".join(text.split())
    return next(((s, m) for s, p in _COMPILED.items() if (m := p.fullmatch(words))), None)


def resolve(text: str | None, published_start: date | None, published_end: date | None):
    """The honest interval (start, end) that ``text`` gives for an article published some
    day from ``published_start`` to ``published_end``; None when the words are not a shape
    this resolver reads (or are relative and the publication interval is unknown)."""
    read = _read(text)
    if read is None:
        return None
    found, m = read
    if found in RELATIVE and (published_start is None or published_end is None):
        return None
    try:
        return _SHAPES[found](m, published_start, published_end)
    except ValueError:  # a day the month does not have, a number we cannot read
        return None


def _weekday(m, ps: date, pe: date) -> Interval | None:
    want = _WEEKDAYS[m.group(1).lower()]
    lo = ps - timedelta(days=6)
    first = lo + timedelta(days=(want - lo.weekday()) % 7)
    last = pe - timedelta(days=(pe.weekday() - want) % 7)
    return (first, last) if first <= last else None


def _latest_year(month: int, day: int, on_or_before: date) -> int:
    """The year of the latest (month, day) on or before a date."""
    y = on_or_before.year
    return y if date(y, month, day) <= on_or_before else y - 1


def _month_day(m, ps: date, pe: date) -> Interval:
    month, first = _MONTHS[m.group(1).lower()], int(m.group(2))
    last = int(m.group(3)) if m.group(3) else first
    if last < first:
        raise ValueError("range runs backwards")
    return (
        date(_latest_year(month, first, ps), month, first),
        date(_latest_year(month, first, pe), month, last),
    )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(m, ps: date, pe: date) -> Interval:
    month = _MONTHS[m.group(1).lower()]
    return date(_latest_year(month, 1, ps), month, 1), _month_end(_latest_year(month, 1, pe), month)


def _season(name: str, year: int) -> Interval:
    first = _SEASONS[name.lower()]
    end_year, end_month = (year + 1, 2) if first == 12 else (year, first + 2)
    return date(year, first, 1), _month_end(end_year, end_month)


def _last_season(m, ps: date, pe: date) -> Interval:
    def latest_ended(p: date) -> Interval:
        year = p.year
        while _season(m.group(1), year)[1] >= p:
            year -= 1
        return _season(m.group(1), year)

    return latest_ended(ps)[0], latest_ended(pe)[1]


def _past(m, ps: date, pe: date) -> Interval:
    from ..numbers import number_words

    word, unit = m.group(1).lower(), m.group(2).lower()
    n = int(word) if word.isdigit() else number_words().get(word)
    if n is None:
        raise ValueError(f"no number: {word}")
    days = math.ceil(n / 24) if unit == "hours" else n
    return ps - timedelta(days=days), pe


_SHAPES = {
    "weekday": _weekday,
    "month_day": _month_day,
    "month": _month,
    "this_year": lambda m, ps, pe: (date(ps.year, 1, 1), date(pe.year, 12, 31)),
    "last_year": lambda m, ps, pe: (date(ps.year - 1, 1, 1), date(pe.year - 1, 12, 31)),
    "last_season": _last_season,
    "past": _past,
    "iso": lambda m, ps, pe: (d := date(*map(int, m.groups())), d),
    "full_date": lambda m, ps, pe: (
        d := date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))),
        d,
    ),
    "month_year": lambda m, ps, pe: (
        date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1),
        _month_end(int(m.group(2)), _MONTHS[m.group(1).lower()]),
    ),
    "year": lambda m, ps, pe: (date(int(m.group(1)), 1, 1), date(int(m.group(1)), 12, 31)),
    "season_year": lambda m, ps, pe: _season(m.group(1), int(m.group(2))),
}


def is_relative(text: str | None) -> bool:
    """Whether ``text`` is one of the relative shapes (it needs the publication date)."""
    read = _read(text)
    return read is not None and read[0] in RELATIVE


def resolve_distinct(con, sql: str, name: str) -> None:
    """Resolve what ``sql`` selects (text, ps, pe) into the temp table
    ``name``(text, ps, pe, r_start, r_end) for the rules to join back on.

    Words of an absolute shape do not depend on the publication interval, so they are
    resolved once per distinct text; only relative words are resolved once per distinct
    (text, ps, pe). At a million rows that is about a thousand texts and two thousand
    triples instead of two hundred thousand triples."""
    import pyarrow as pa

    triples = f"{name}_triples"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {triples} AS SELECT DISTINCT * FROM ({sql})")
    texts = [t for (t,) in con.execute(f"SELECT DISTINCT text FROM {triples}").fetchall()]
    relative = {t for t in texts if is_relative(t)}
    absolute = [t for t in texts if t not in relative]
    fixed = [resolve(t, None, None) for t in absolute]
    con.register(f"{name}_relative", pa.table({"text": pa.array(sorted(relative), pa.string())}))
    moving = con.execute(
        f"SELECT text, ps, pe FROM {triples} WHERE text IN (SELECT text FROM {name}_relative)"
    ).fetchall()
    con.unregister(f"{name}_relative")
    moved = [resolve(t, ps, pe) for t, ps, pe in moving]

    def dates(results, i):
        return pa.array([r[i] if r else None for r in results], pa.date32())

    by_text = pa.table(
        {
            "text": pa.array(absolute, pa.string()),
            "r_start": dates(fixed, 0),
            "r_end": dates(fixed, 1),
        }
    )
    by_triple = pa.table(
        {
            "text": pa.array([t for t, _, _ in moving], pa.string()),
            "ps": pa.array([ps for _, ps, _ in moving], pa.date32()),
            "pe": pa.array([pe for _, _, pe in moving], pa.date32()),
            "r_start": dates(moved, 0),
            "r_end": dates(moved, 1),
        }
    )
    con.register(f"{name}_by_text", by_text)
    con.register(f"{name}_by_triple", by_triple)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT t.text, t.ps, t.pe, coalesce(a.r_start, b.r_start) AS r_start,
               coalesce(a.r_end, b.r_end) AS r_end
        FROM {triples} t
        LEFT JOIN {name}_by_text a ON a.text = t.text
        LEFT JOIN {name}_by_triple b ON b.text = t.text AND b.ps IS NOT DISTINCT FROM t.ps
             AND b.pe IS NOT DISTINCT FROM t.pe"""
    )
    con.unregister(f"{name}_by_text")
    con.unregister(f"{name}_by_triple")
    con.execute(f"DROP TABLE {triples}")
