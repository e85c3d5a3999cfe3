"""What the words around a coverage span say: how far a number or date reaches, the cue word
before a number, the unit after it, and the clause to quote.

Nothing here decides what a number *is* or what a span is: values come from the project's
one number function (:func:`recruitment.numbers.parse_number_text`) and spans from the
coverage pattern (:data:`recruitment.coverage.SPAN_PATTERN`, compiled here with ASCII
classes as RE2 reads it). This module reads one seed line and says, for each expression
that holds spans, what a curator would write, and which of it is a guess.

Dates are read literally: "March 27, 2023" is that day, "September 2022" that month,
"2023" that year. Words that need the article's date to mean a day ("on Monday",
"last autumn", "March 27" without a year) get no interval: they are ``relative``, left for
the curator (or for a relative-date resolver) to resolve.

No parsing library is used (dateparser, quantulum3 and spaCy were considered): the value
must come from the project's number function whatever finds the words, the cue words are a
short fixed list, and what dateparser adds is resolving relative dates, which is the
relative-date resolver's job. So nothing is added to the lock file or to import time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..checks.coverage import _MONTHS, _ORDINALS, _SEASONS, _WEEKDAYS, SPAN_PATTERN
from ..checks.rules import LOWER, UPPER
from ..numbers import SCALES, number_words, parse_number_text

SPAN_RE = re.compile(SPAN_PATTERN, re.ASCII)
"""The coverage pattern in Python; ASCII classes make ``\\d``, ``\\b`` and ``\\s`` RE2's."""

QUOTE_MIN, QUOTE_MAX = 8, 2000
"""The quote column's length bounds (schemas: minLength 8, maxLength 2000)."""


@dataclass
class Expression:
    """Words on a line that hold one or more spans, read as one thing."""

    kind: str
    """number | date | ordinal | name | vague"""
    start: int
    end: int
    text: str
    facts: dict = field(default_factory=dict)
    """What the words say, by the column stem they fill (value, qualifier, unit, measure,
    start, end, precision, basis, reason, notes)."""
    guesses: list[str] = field(default_factory=list)
    """Which facts are guesses from neighbouring words, each with its evidence."""
    confidence: str = "high"


# ---------------------------------------------------------------- the clause to quote

_BOUNDARY = re.compile(
    r"[,;:]\s+|[.!?]+[\"”’)]*(?=\s|$)\s*|\s+[-–—]+\s+|[—()\[\]]"
    r"|[\x00-\x1f\x7f\x85\u2028\u2029]"
)
"""Where a clause ends: punctuation followed by space, a sentence end, a dash between
spaces, brackets, and any control character or line break (never part of a quote)."""
_FORMULA_START = "=+-@"


def quote_for(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The shortest run of whole clauses of ``text`` that holds ``text[start:end]``: (quote,
    offset), at least QUOTE_MIN characters, trimmed of white space and of characters a
    spreadsheet would run as a formula. None when no such run exists."""
    cuts = [(0, 0), *((m.start(), m.end()) for m in _BOUNDARY.finditer(text))]
    cuts.append((len(text), len(text)))
    clauses = [(cuts[i][1], cuts[i + 1][0]) for i in range(len(cuts) - 1)]
    clauses = [c for c in clauses if c[0] <= c[1]]
    first = max(i for i, c in enumerate(clauses) if c[0] <= start)
    last = min(i for i, c in enumerate(clauses) if c[1] >= end or i == len(clauses) - 1)
    last = max(first, last)
    while True:
        lo, hi = clauses[first][0], clauses[last][1]
        if any(ch in "\x85\u2028\u2029" or unicodedata.category(ch) == "Cc" for ch in text[lo:hi]):
            return None  # the words themselves cross a control character
        quote, offset = _trim(text, lo, hi, start, end)
        if len(quote) >= QUOTE_MIN or (first == 0 and last == len(clauses) - 1):
            break
        if first > 0 and not _control_between(text, clauses[first - 1][1], lo):
            first -= 1
        elif last < len(clauses) - 1 and not _control_between(text, hi, clauses[last + 1][0]):
            last += 1
        else:
            break
    if len(quote) > QUOTE_MAX:  # a clause of 2,000 characters: keep the middle of it
        lo = max(offset, min(start, (start + end - QUOTE_MAX) // 2 + 10))
        quote, offset = _trim(text, lo, max(end, lo + QUOTE_MAX - 20), start, end)
    if len(quote) < QUOTE_MIN:
        return None
    return quote, offset


def _control_between(text: str, lo: int, hi: int) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text[lo:hi])


def _trim(text: str, lo: int, hi: int, start: int, end: int) -> tuple[str, int]:
    while lo < start and (text[lo].isspace() or text[lo] in _FORMULA_START):
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return text[lo:hi], lo


def sentence_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence of ``text`` holding ``text[start:end]``: (sentence, offset)."""
    lo = 0
    for m in re.finditer(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z])", text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            return text[lo : m.start() + 1], lo
    return text[lo:], lo


# ---------------------------------------------------------------- dates

_MONTH_NUMBER = {m: i + 1 for i, m in enumerate(_MONTHS.split("|"))}
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_DAY = r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<y>(?:1[89]|20)\d\d)"
_DATE_FORMS = [
    (name, re.compile(pattern, re.ASCII))
    for name, pattern in [
        ("iso", r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d1>\d{2})\b"),
        ("day", rf"\b(?P<m>{_MONTHS})\s+{_DAY}\b(?!,\d)(?:,?\s+{_YEAR}\b)?"),
        ("day", rf"\b{_DAY}\s+(?P<m>{_MONTHS})\b(?:,?\s+{_YEAR}\b)?"),
        ("month", rf"\b(?P<m>{_MONTHS})(?:\s+of)?,?\s+{_YEAR}\b"),
        ("season", rf"(?i:(?:\bthe\s+)?\b(?P<s>{_SEASONS}|fall)\s+(?:of\s+)?){_YEAR}\b"),
        ("year", rf"(?<![\d.,])\b{_YEAR}\b(?![.,]\d)"),
        ("relative", rf"(?i:\b(?P<r>last|this|next)\s+(?P<u>week|month|year|{_SEASONS})\b)"),
        ("weekday", rf"(?:\b(?:(?:late|early)\s+)?[Oo]n\s+)?\b(?P<w>{_WEEKDAYS})\b"),
        ("month", rf"\b(?P<m>{_MONTHS})\b"),
        ("season", rf"(?i:\b(?P<s>{_SEASONS})\b)"),
        ("deictic", r"(?i:\b(?:yesterday|today|tonight|tomorrow)\b)"),
    ]
]
_RELATIVE_PRECISION = {"week": "week", "month": "month", "year": "year"}


def _date(m: re.Match, form: str) -> dict | None:
    """Facts of one date match: start/end/precision/basis; None if it is no real date."""
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    year = int(g["y"]) if "y" in g else None
    try:
        if form == "iso":
            day = dt.date(year, int(g["mo"]), int(g["d1"]))
            return {"start": day, "end": day, "precision": "day", "basis": "stated"}
        if form == "day":
            month = _MONTH_NUMBER[g["m"]]
            d1, d2 = int(g["d1"]), int(g.get("d2", g["d1"]))
            if d2 < d1:
                return None
            width = d2 - d1
            precision = "day" if width == 0 else "week" if width <= 6 else "month"
            if year is None:
                dt.date(2000, month, d2)  # a real day in a leap year
                return {"precision": precision, "basis": "relative", "missing": "year"}
            return {
                "start": dt.date(year, month, d1),
                "end": dt.date(year, month, d2),
                "precision": precision,
                "basis": "stated",
            }
        if form == "month":
            if year is None:
                return {"precision": "month", "basis": "relative", "missing": "year"}
            month = _MONTH_NUMBER[g["m"]]
            last = calendar.monthrange(year, month)[1]
            return {
                "start": dt.date(year, month, 1),
                "end": dt.date(year, month, last),
                "precision": "month",
                "basis": "stated",
            }
        if form == "season":
            if year is None:
                return {"precision": "season", "basis": "relative", "missing": "year"}
            first = _SEASON_MONTHS[g["s"].lower()]
            start = dt.date(year, first, 1)
            end_month, end_year = (first + 2, year) if first < 12 else (2, year + 1)
            last = calendar.monthrange(end_year, end_month)[1]
            return {
                "start": start,
                "end": dt.date(end_year, end_month, last),
                "precision": "season",
                "basis": "stated",
            }
        if form == "year":
            return {
                "start": dt.date(year, 1, 1),
                "end": dt.date(year, 12, 31),
                "precision": "year",
                "basis": "stated",
            }
    except ValueError:
        return None
    if form == "relative":
        unit = g["u"].lower()
        return {"precision": _RELATIVE_PRECISION.get(unit, "season"), "basis": "relative"}
    return {"precision": "day", "basis": "relative"}  # weekday, today, yesterday ...


def dates(text: str) -> Iterator[Expression]:
    """Every date expression of ``text``, in the order the forms are tried."""
    for form, pattern in _DATE_FORMS:
        for m in pattern.finditer(text):
            if form == "year" and _unit_after(text, m.end())[0]:
                continue  # "2000 troops" is a number
            facts = _date(m, form)
            if facts is None:
                continue
            expr = Expression("date", m.start(), m.end(), m.group(), facts)
            if facts["basis"] == "relative":
                expr.confidence = "medium"
                missing = facts.pop("missing", None)
                expr.guesses.append(
                    f"'{m.group()}' gives no year: resolve it against the article's date"
                    if missing
                    else f"'{m.group()}' is relative: resolve it against the article's date"
                )
            yield expr


# ---------------------------------------------------------------- numbers

_WORDS = sorted(
    (w for w in number_words() if w not in ("a", "an") and "-" not in w), key=len, reverse=True
)
_WORD = r"(?:" + "|".join(_WORDS) + r")"
_BASE = rf"(?:\d+(?:[.,]\d+)*|{_WORD}(?:-{_WORD})?)"
_SINGLE = rf"{_BASE}(?:\s+(?:{'|'.join(SCALES)}))?(?![\w])(?![.,]\d)"
_SINGLE_RE = re.compile(rf"(?i)(?<![\w.,-]){_SINGLE}", re.ASCII)
_RANGE_RE = re.compile(rf"(?i){_SINGLE}\s*(?:-|–|—|\s+to\s+)\s*{_SINGLE}", re.ASCII)
_BETWEEN_RE = re.compile(rf"(?i)between\s+{_SINGLE}\s+and\s+{_SINGLE}", re.ASCII)
_BETWEEN_BEFORE = re.compile(r"(?i)\bbetween\s+$")

QUALIFIER_CUES = {
    "as many as": "as_many_as",
    "up to": "up_to",
    "no more than": "up_to",
    "at most": "up_to",
    "more than": "more_than",
    "over": "more_than",
    "in excess of": "more_than",
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "roughly": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
    "some": "approximately",
    "an estimated": "approximately",
    "estimated": "approximately",
}
"""Words right before a number and the qualifier they give it."""
_CUE_RE = re.compile(
    r"(?i)(?:^|[^\w])("
    + "|".join(re.escape(c) for c in sorted(QUALIFIER_CUES, key=len, reverse=True))
    + r")\s+$"
)

UNIT_WORDS = {
    "persons": "troop soldier man men woman women people person personnel reservist recruit "
    "conscript volunteer serviceman servicemen fighter civilian casualty casualties fatality "
    "fatalities death dead killed wounded injured injury injuries prisoner mercenary draftee "
    "citizen",
    "attacks": "attack assault",
    "years": "year",
    "months": "month",
    "weeks": "week",
    "days": "day",
    "hours": "hour",
    "targets": "target area depot position site post",
    "aircraft": "aircraft bomber jet plane helicopter",
}
"""Nouns right after a number (at most three words on, no preposition between) and the unit
they give it."""
_UNIT_OF = {w: unit for unit, words in UNIT_WORDS.items() for w in words.split()}
_MEASURE_OF_NOUN = {
    **dict.fromkeys(("casualty", "casualties"), "casualties"),
    **dict.fromkeys(("fatality", "fatalities", "death", "dead", "killed"), "fatalities"),
    **dict.fromkeys(("injury", "injuries", "injured", "wounded"), "injuries"),
}
_MEASURE_OF_UNIT = {
    "years": "duration",
    "months": "duration",
    "weeks": "duration",
    "days": "duration",
    "hours": "duration",
    "attacks": "attacks",
    "attacks_per_day": "attacks_daily_average",
    "targets": "targets_struck",
    "aircraft": "equipment_destroyed",
}
UNIT_OF_MEASURE = {
    "recruitment_target": "persons",
    "mobilisation_target": "persons",
    "conscription_quota": "persons",
    "casualties": "persons",
    "fatalities": "persons",
    "injuries": "persons",
    "attacks": "attacks",
    "attacks_daily_average": "attacks_per_day",
    "targets_struck": "targets",
    "equipment_destroyed": "aircraft",
    "age_range": "years",
}
MEASURE_CUES = [
    ("attacks_daily_average", r"\b(?:daily|average)\b[^.]*?\battacks\b|\battacks (?:a|per) day"),
    ("attacks", r"\battacks?\b|\bassaults?\b"),
    ("recruitment_target", r"\brecruit\w*|\bsign(?:ing|ed|s)? up\b|\benlist\w*"),
    ("mobilisation_target", r"\bmobili[sz]\w*"),
    ("conscription_quota", r"\bconscript\w*|\bdraft(?:ed|ees)?\b|\bcall-ups?\b"),
    ("casualties", r"\bcasualt\w*"),
    ("fatalities", r"\bfatalit\w*|\bkilled\b|\bdeaths?\b"),
    ("injuries", r"\binjur\w*|\bwounded\b"),
    ("targets_struck", r"\bstruck\b|\btargets?\b"),
    ("equipment_destroyed", r"\bdestroy\w*|\bshot down\b"),
]
"""Words in the sentence that suggest a measure; the nearest to the number wins (the first
listed on a tie)."""
_STOP = frozenset(
    re.findall(
        r"\w+",
        "in on at by from to of since and or with for during after before per the a an is are "
        "was were has have had will would could be been that which who this these those its "
        "their his her it they as than up into across over under but not",
    )
)
_AGED = re.compile(r"(?i)\b(?:aged|ages?(?:\s+of)?)\s+(?:between\s+)?$")


def _unit_after(text: str, end: int) -> tuple[str | None, str | None]:
    """(unit, the word that gives it) from the words right after a number."""
    after = text[end:]
    hyphen = re.match(r"-([A-Za-z]+)", after)  # "13-month-long", "one-year mark"
    words = [hyphen.group(1)] if hyphen else re.findall(r"[A-Za-z’']+", after[:60])[:3]
    if not hyphen and not re.match(r"\s+[A-Za-z]", after):
        return None, None  # punctuation first: the number stands alone
    for word in words:
        w = word.lower()
        if w in _STOP:
            break
        unit = _UNIT_OF.get(w) or (_UNIT_OF.get(w[:-1]) if w.endswith("s") else None)
        if unit:
            rest = after[after.find(word) + len(word) :]
            if unit == "attacks" and re.match(r"(?i)\s+(?:a|per|each)\s+day\b", rest):
                unit = "attacks_per_day"
            return unit, word
    return None, None


def _nearest_cue(sentence: str, lo: int, hi: int) -> tuple[str | None, str | None]:
    """(measure, words) of the measure cue nearest to sentence[lo:hi]."""
    best = None
    for rank, (measure, pattern) in enumerate(MEASURE_CUES):
        for m in re.finditer(pattern, sentence, flags=re.I):
            distance = max(m.start() - hi, lo - m.end(), 0)
            key = (distance, rank)
            if best is None or key < best[0]:
                best = (key, measure, m.group())
    return (best[1], best[2]) if best else (None, None)


def _read_number(text: str, start: int, end: int) -> dict | None:
    words = text[start:end]
    parsed = parse_number_text(words)
    if parsed is None:
        return None
    low, high = (int(x) if float(x).is_integer() else x for x in parsed)
    return {"low": low, "high": high}


def numbers(text: str) -> Iterator[Expression]:
    """Every number expression of ``text``: single numbers, ranges ("18-30", "between 40 and
    50", "40 to 50"), with the qualifier, unit and measure the words around suggest."""
    taken = 0
    for m in _SINGLE_RE.finditer(text):
        if m.start() < taken:
            continue
        candidates = []
        before = _BETWEEN_BEFORE.search(text, 0, m.start())
        if before:
            candidates.append(_BETWEEN_RE.match(text, before.start()))
        candidates += [_RANGE_RE.match(text, m.start()), m]
        for c in candidates:
            if c is None:
                continue
            read = _read_number(text, c.start(), c.end())
            if read is None or (c is not m and not read["low"] < read["high"]):
                continue  # "124 to 69" is no range: read the first number alone
            expr = _number(text, c.start(), c.end(), read, is_range=c is not m)
            taken = c.end()
            yield expr
            break


def _number(text: str, start: int, end: int, read: dict, is_range: bool) -> Expression:
    words = text[start:end]
    expr = Expression("number", start, end, words)
    if is_range:
        expr.facts.update(qualifier="range", value_low=read["low"], value_high=read["high"])
    else:
        value = read["low"]
        cue = _CUE_RE.search(text, 0, start)
        qualifier = QUALIFIER_CUES[cue.group(1).lower()] if cue else "exact"
        expr.facts.update(qualifier=qualifier, value=value)
        if qualifier in UPPER:
            expr.facts["value_high"] = value
        elif qualifier in LOWER:
            expr.facts["value_low"] = value
        if cue:
            expr.guesses.append(f"qualifier {qualifier} from '{cue.group(1)}' before it")
        if not float(value).is_integer():
            expr.confidence = "low"
            expr.guesses.append(f"{value} is not a whole number; figures hold integers")
    sentence, offset = sentence_around(text, start, end)
    if _AGED.search(text, 0, start):
        unit, measure, unit_words, measure_words = "years", "age_range", "aged", "aged"
    else:
        unit, unit_words = _unit_after(text, end)
        measure = _MEASURE_OF_NOUN.get((unit_words or "").lower()) or _MEASURE_OF_UNIT.get(unit)
        measure_words = unit_words if measure else None
        if measure is None:
            measure, measure_words = _nearest_cue(sentence, start - offset, end - offset)
    if unit is None and measure in UNIT_OF_MEASURE:
        unit = UNIT_OF_MEASURE[measure]
        expr.confidence = "medium" if expr.confidence == "high" else expr.confidence
        expr.guesses.append(f"unit {unit} (guess) from the measure")
    elif unit:
        expr.guesses.append(f"unit {unit} (guess) from '{unit_words}'")
    if measure:
        expr.guesses.append(f"measure {measure} (guess) from '{measure_words}'")
    else:
        expr.confidence = "low"
        expr.guesses.append("no word suggests a measure or unit: fill them")
    expr.facts.update(unit=unit, measure=measure)
    return expr


# ---------------------------------------------------------------- words that are no data

_NAME_RE = re.compile(r"\b[A-Za-z]+-?\d+[A-Za-z0-9]*\b|\b\d+[A-Za-z]+\b(?<!st|nd|rd|th)", re.ASCII)
_TITLE_NUMBER_RE = re.compile(
    r"(?:\b[A-Z][\w’'.]*\s+)+(?:" + "|".join(w.capitalize() for w in _WORDS) + r")\b"
)
_ORDINAL_RE = re.compile(
    rf"(?i)\b(?:{_ORDINALS})(?:-[a-z]+)?\b|\b\d+(?:st|nd|rd|th)\b(?:-[a-z]+)?", re.ASCII
)
_VAGUE_RE = re.compile(r"(?i)\b(?:dozens|hundreds|thousands|millions|half)\b", re.ASCII)


def no_data(text: str) -> Iterator[Expression]:
    """Names ("Su-24M", "Air Force One"), ordinals ("second-largest") and vague magnitudes
    ("thousands"): spans to exclude, each with the reason and a note."""
    for m in _NAME_RE.finditer(text):
        yield _excluded(text, m.span(), "name", "part of a name or designation", "medium")
    for m in _TITLE_NUMBER_RE.finditer(text):
        if m.start() > 0 and not re.search(r"[.!?][\"”’]?\s*$", text[: m.start()]):
            yield _excluded(text, m.span(), "name", "part of a capitalised name", "medium")
    for m in _ORDINAL_RE.finditer(text):
        yield _excluded(text, m.span(), "ordinal", "an ordinal or rank", "high")
    for m in _VAGUE_RE.finditer(text):
        yield _excluded(text, m.span(), "not_data", "a vague magnitude", "medium")


def _excluded(text: str, span: tuple[int, int], reason: str, what: str, confidence: str):
    words = text[span[0] : span[1]]
    expr = Expression("excluded", *span, words, {"reason": reason})
    expr.facts["notes"] = f"'{words}': {what}, not a quantity to record."
    expr.confidence = confidence
    expr.guesses.append(f"reason {reason} (guess)")
    return expr


# ---------------------------------------------------------------- one line

READERS = (dates, no_data, numbers)
"""Tried in this order; an expression keeps its words from the readers after it."""


def read_line(text: str) -> list[Expression]:
    """Every expression of ``text`` that holds a span, in line order. A span no reader
    explains becomes a ``not_data`` exclusion of low confidence."""
    spans = [(m.start(), m.end()) for m in SPAN_RE.finditer(text)]
    taken = bytearray(len(text))
    out: list[Expression] = []

    def claim(expr: Expression) -> None:
        if any(taken[expr.start : expr.end]):
            return
        if not any(s < expr.end and e > expr.start for s, e in spans):
            return
        taken[expr.start : expr.end] = b"\x01" * (expr.end - expr.start)
        out.append(expr)

    for reader in READERS:
        for expr in reader(text):
            claim(expr)
    for s, e in spans:
        if not any(taken[s:e]):
            claim(_excluded(text, (s, e), "not_data", "no number or date this reader knows", "low"))
    return sorted(out, key=lambda x: x.start)
