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

import bisect
import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..checks.coverage import _MONTHS, _ORDINALS, _SEASONS, _WEEKDAYS, SPAN_PATTERN
from ..checks.rules import LOWER, UPPER
from ..lexicon import SEASON_START
from ..numbers import SCALES, number_words, parse_number_text
from .codes import DEFAULT, MEASURE_BASES, NO_RATE, RATE_ONLY, Codes

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
    field_confidence: dict[str, str] = field(default_factory=dict)
    """How sure each drafted column is (high | medium | low); a column suggest is not sure
    enough of to draft has no entry and stays empty."""


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
    spreadsheet would run as a formula. None when no such run exists. Clauses are read at
    most :data:`READ_AROUND` characters either side of the words (a longer one is cut
    there, as :data:`QUOTE_MAX` would cut it anyway)."""
    lo, hi = max(0, start - READ_AROUND), min(len(text), end + READ_AROUND)
    cuts = [(lo, lo), *((m.start(), m.end()) for m in _BOUNDARY.finditer(text, lo, hi))]
    cuts.append((hi, hi))
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


READ_AROUND = 2000
"""How far (characters) either side of its words a number's sentence and clause are read:
the words around a number that decide its unit, measure, claimant and period are near it,
and the bound keeps the work on a long line linear."""
CUE_REACH = 300
"""How far (characters) from a number, within its sentence, a measure cue is looked for."""
LOOK_BACK = 200
"""How far back from a number the cue words before it are looked for ("as many as", "up
from", "a monthly salary of")."""
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z])")


def look_back(at: int) -> int:
    """Where the look-back window before offset ``at`` starts."""
    return max(0, at - LOOK_BACK)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(lo, hi) of the clause of ``text`` (between the boundaries :func:`quote_for` cuts
    at) that holds ``text[start:end]``, widened to whole clauses when the words cross one."""
    lo, hi = max(0, start - READ_AROUND), min(len(text), end + READ_AROUND)
    for m in _BOUNDARY.finditer(text, lo, hi):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def sentence_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence of ``text`` holding ``text[start:end]``: (sentence, offset), read at
    most :data:`READ_AROUND` characters either side of the words."""
    lo, hi = max(0, start - READ_AROUND), min(len(text), end + READ_AROUND)
    for m in _SENTENCE_END.finditer(text, lo, hi):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            return text[lo : m.start() + 1], lo
    return text[lo:hi], lo


# ---------------------------------------------------------------- dates

_MONTH_NUMBER = {m: i + 1 for i, m in enumerate(_MONTHS.split("|"))}
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
            first = SEASON_START[g["s"].lower()]
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
            unit = _unit_after(text, m.end()) if form == "year" else None
            if unit is not None and unit.base is not None:
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
    "as much as": "as_many_as",
    "as high as": "as_many_as",
    "up to": "up_to",
    "no more than": "up_to",
    "at most": "up_to",
    "more than": "more_than",
    "over": "more_than",
    "just over": "more_than",
    "in excess of": "more_than",
    "over the age of": "more_than",
    "older than": "more_than",
    "aged over": "more_than",
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "just under": "less_than",
    "under the age of": "less_than",
    "younger than": "less_than",
    "aged under": "less_than",
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
"""Words right before a number and the qualifier they give it ("at least another six",
"about $24,000": a word such as "another" and a currency sign may stand between)."""
_CUE_RE = re.compile(
    r"(?i)(?:^|[^\w])("
    + "|".join(re.escape(c) for c in sorted(QUALIFIER_CUES, key=len, reverse=True))
    + r")\s+(?:(?:another|a\s+further|an\s+additional|an\s+extra)\s+)?(?:US)?[$€£₽₴]?$"
)

UNIT_WORDS = {
    "persons": "troop soldier man men woman women people person personnel reservist recruit "
    "conscript volunteer serviceman servicemen fighter civilian casualty casualties fatality "
    "fatalities death dead killed wounded injured injury injuries prisoner mercenary draftee "
    "citizen foreigner national resident applicant migrant worker student",
    "attacks": "attack assault",
    "years": "year",
    "months": "month",
    "weeks": "week",
    "days": "day",
    "hours": "hour",
    "targets": "target area depot position site post",
    "aircraft": "aircraft bomber jet plane helicopter",
    "regions": "region oblast province",
}
"""Nouns right after a number (at most three words on, no preposition between) and what
the number's unit counts (its base, :class:`codes.Unit`)."""
_BASE_OF = {w: base for base, words in UNIT_WORDS.items() for w in words.split()}
CURRENCY_WORDS = {
    "RUB": "rouble roubles ruble rubles",
    "USD": "dollar dollars",
    "EUR": "euro euros",
    "UAH": "hryvnia hryvnias hryvnya hryvnyas hryvnas",
    "GBP": "pound pounds",
}
"""Currency names right after a number, by ISO 4217 code."""
_CURRENCY_OF = {w: iso for iso, words in CURRENCY_WORDS.items() for w in words.split()}
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "₴": "UAH"}
"""A sign right before a number ("$24,000") and its ISO 4217 code."""
_PER_RE = re.compile(
    r"(?i)\s*(?:(?:a|an|per|each|every)\s+(?P<t>day|week|month|year)\b"
    r"|(?P<ly>daily|weekly|monthly|yearly|annually)\b)(?!\s+(?:earlier|ago|later|before|after)\b)"
)
"""A rate after a number ("a day", "per month", "monthly"), but not "a year earlier"."""
_PER_LY = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year"}
_PERCENT_RE = re.compile(r"(?i)(?:\s*%|\s+per\s?cent\b)")

_CHANGE_AFTER = re.compile(r"(?i)\s+(?:(?P<down>fewer|less|lower)|(?P<up>more|higher))\s+than\b")
_CHANGE_BEFORE = re.compile(
    r"(?i)\b(?:(?P<up>rose|risen|rises|rising|increased?|grew|grown|raised|up)\s+by"
    r"|(?P<down>cut|fell|fallen|falls|dropped|declined|decreased?|reduced|lowered|down)\s+by"
    r"|an?\s+(?:(?P<upn>increase|rise|jump)|(?P<downn>cut|reduction|decrease|drop|fall|decline))"
    r"\s+of)\s+(?:(?:" + "|".join(re.escape(c) for c in QUALIFIER_CUES) + r")\s+)?[$€£₽₴]?$"
)
"""A change: "20,000 fewer than", "rose by 40 percent", "a cut of 2 million roubles"."""
_CHANGE_NOUN_AFTER = re.compile(
    r"(?i)(?:\s*%|\s+per\s?cent)?\s+(?:(?P<up>increase|rise|jump)|(?P<down>cut|decrease|drop))\b"
)
_SHARE_AFTER = re.compile(r"(?i)(?:\s*%|\s+per\s?cent)\s+of\b")
_AGED = re.compile(
    r"(?i)\b(?:aged(?:\s+over|\s+under)?|ages?(?:\s+of)?|the\s+age\s+of|older\s+than"
    r"|younger\s+than)\s+(?:between\s+)?$"
)

MEASURE_CUES = [
    ("attacks_daily_average", r"\b(?:daily|average)\b[^.]*?\battacks\b|\battacks (?:a|per) day"),
    ("attacks", r"\battacks?\b|\bassaults?\b"),
    (
        "recruits",
        r"\bsign(?:ed|ing|s)?\s+(?:up\s+)?(?:a\s+|their\s+)?contracts?\b|\bjoin(?:ed|ing|s)?\b"
        r"|\brecruits\b|\bhas\s+recruited\b|\bhad\s+recruited\b|\benlisted\b|\bsigned\s+up\b|\bvolunteered\b",
    ),
    (
        "recruitment_target",
        r"\brecruit(?:ment|ing)?\b|\bsign(?:ing)? up\b|\benlist\b|\bcampaign\b",
    ),
    ("mobilisation_target", r"\bmobili[sz]\w*"),
    ("conscription_quota", r"\bconscript\w*|\bdraft(?:ed|ees)?\b|\bcall-ups?\b"),
    (
        "casualties",
        r"\bcasualt\w*|\bkilled\s+(?:or|and)\s+wounded\b|\bwounded\s+(?:or|and)\s+killed\b"
        r"|\blosses\b|\blos(?:t|ing|es)\b",
    ),
    ("fatalities", r"\bfatalit\w*|\bkilled\b|\bdeaths?\b|\bdied\b"),
    ("injuries", r"\binjur\w*|\bwounded\b"),
    ("targets_struck", r"\bstruck\b|\btargets?\b"),
    ("equipment_destroyed", r"\bdestroy\w*|\bshot down\b"),
    (
        "signing_bonus",
        r"\bbonus(?:es)?\b|\bone-off\b|\bsign-up\b|\bsigning\s+(?:bonus|payment)\b"
        r"|\bpayments?\b|\blump[- ]sum\b",
    ),
    (
        "pay",
        r"(?<!will )(?<!to )(?<!would )\bpay\b(?!\s+(?:a|an|the)\b|\s+\d)|\bpaid\b"
        r"|\bsalar(?:y|ies)\b|\bwages?\b|\bearn(?:s|ed|ing)?\b",
    ),
]
"""Words in the sentence that suggest a measure; the nearest one that fits the number's unit
wins (the first listed on a tie)."""
HARMED = ("casualties", "fatalities", "injuries")
"""Measures of harm: in the number's clause they beat a cue for who the people are ("30
conscripts have been killed" counts the killed, not a draft)."""
_PLANNED = re.compile(
    r"(?i)\b(?:aim|aims|plan|plans|planned|seek\w*|target\w*|goal|want\w*|intend\w*|campaign"
    r"|will|would|could|may|might)\b"
)
"""Words that make "recruit" a target rather than people who joined."""
_MEASURE_OF_NOUN = {
    **dict.fromkeys(("casualty", "casualties"), "casualties"),
    **dict.fromkeys(("fatality", "fatalities", "death", "dead", "killed"), "fatalities"),
    **dict.fromkeys(("injury", "injuries", "injured", "wounded"), "injuries"),
}
_MEASURE_OF_BASE = {
    **dict.fromkeys(("years", "months", "weeks", "days", "hours"), "duration"),
    "targets": "targets_struck",
    "aircraft": "equipment_destroyed",
    "regions": "regions",
}
_STOP = frozenset(
    re.findall(
        r"\w+",
        "in on at by from to of since and or with for during after before per the a an is are "
        "was were has have had will would could be been that which who this these those its "
        "their his her it they as than up into across over under but not",
    )
)
_LINKS = [
    ("including", re.compile(r"(?i)\b(?:including|of\s+whom|among\s+them)\b")),
    ("earlier", re.compile(r"(?i)\b(?:up|down)\s+from\s+(?:\w+\s+)?[$€£₽₴]?$")),
    ("to", re.compile(r"(?i)\bto\s+(?:\w+\s+)?[$€£₽₴]?$")),
    ("plus", re.compile(r"(?i)\b(?:on\s+top\s+of|plus|in\s+addition\s+to)\s+(?:\w+\s+)?[$€£₽₴]?$")),
    ("rate", re.compile(r"(?i)\b(?:pace|rate|average)\s+of\s+(?:\w+\s+)?$")),
    ("converted", re.compile(r"\(\s*(?:\w+\s+)?(?:US)?[$€£₽₴]?$")),
    ("list", re.compile(r"(?i)^(?:\s+(?:in|of|for)\s+[^,;()]{1,30}?)?(?:,\s+|,?\s+and\s+)$")),
    ("from", re.compile(r"(?i)\bfrom\s+(?:\w+\s+)?[$€£₽₴]?$")),
]
"""How a number may lean on the one before it in its sentence: a part of it ("including
as many as 60,000 fatalities"), its earlier value ("up from 300,000"), the end of a change
("from 3.6 million roubles to 1.6 million"), an amount added ("on top of 400,000 roubles"),
its rate ("a pace of about 700 a day"), its conversion ("1 million hryvnias (about
$24,000)"), the next of a list ("up from 150,000 in 2024, 147,000 in 2023"), where a change
started ("declined … to 69 … from 124"). The number then shares its unit where it has
none, and its measure unless the words right at it say another."""


@dataclass
class UnitWords:
    """What the words around a number say its unit counts."""

    base: str | None
    currency: str | None = None
    per: str | None = None
    words: str = ""


def _per_after(text: str, at: int) -> str | None:
    m = _PER_RE.match(text, at)
    return None if m is None else m.group("t") or _PER_LY.get(m.group("ly").lower(), "year")


def _unit_after(
    text: str, end: int, start: int | None = None, codes: Codes = DEFAULT
) -> UnitWords | None:
    """The unit the words right after a number give it (and a currency sign right before
    it, when ``start`` is given); None when they give none."""
    after = text[end:]
    sign = text[max(0, start - 1) : start] if start else ""
    if sign in CURRENCY_SIGNS:
        return UnitWords("money", CURRENCY_SIGNS[sign], _per_after(text, end), sign)
    if m := _PERCENT_RE.match(after):
        return UnitWords("percent", words=m.group().strip())
    hyphen = re.match(r"-([A-Za-z]+)", after)  # "13-month-long", "one-year contract"
    if hyphen:
        w = hyphen.group(1).lower()
        base = _BASE_OF.get(w)
        return UnitWords(base, words=hyphen.group(1)) if base in _MEASURE_OF_BASE else None
    if not re.match(r"\s+[A-Za-z]", after):
        return None  # punctuation first: the number stands alone
    last = 0
    for m in list(re.finditer(r"[A-Za-z’']+", after[:60]))[:3]:
        w = m.group().lower()
        if w in _STOP:
            break
        listed = codes.units.get(codes.words.get(w, ""))
        if listed is not None:  # a word the package's units table gives
            per = _per_after(after, m.end()) or listed.per or _per_before(text, start)
            return UnitWords(listed.base, listed.currency, per, m.group())
        if w in _CURRENCY_OF:
            per = _per_after(after, m.end()) or _per_before(text, start)
            return UnitWords("money", _CURRENCY_OF[w], per, m.group())
        base = _BASE_OF.get(w) or (_BASE_OF.get(w[:-1]) if w.endswith("s") else None)
        if base:
            return UnitWords(base, per=_per_after(after, m.end()), words=m.group())
        last = m.end()
    per = _per_after(after, 0) or (_per_after(after, last) if last else None)
    return UnitWords(None, per=per, words=after.split()[0] if per else "") if per else None


_PER_BEFORE = re.compile(
    r"(?i)\b(?P<ly>daily|weekly|monthly|yearly|annual)\s+(?:[a-z]+\s+){0,2}of\s+(?:[a-z]+\s+)?$"
)


def _per_before(text: str, start: int | None) -> str | None:
    """The time a rate is per from the words before an amount ("a monthly salary of")."""
    m = _PER_BEFORE.search(text, look_back(start), start) if start else None
    return None if m is None else _PER_LY.get(m.group("ly").lower(), "year")


def _cues(sentence: str, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """Every measure cue of the sentence: (distance to sentence[lo:hi], rank, measure,
    words), nearest first."""
    found = []
    for rank, (measure, pattern) in enumerate(MEASURE_CUES):
        for m in re.finditer(pattern, sentence, flags=re.I):
            if measure == "recruitment_target" and not _PLANNED.search(sentence):
                measure_here = "recruits"  # "volunteers signed up", not an aim
            else:
                measure_here = measure
            distance = max(m.start() - hi, lo - m.end(), 0)
            found.append((distance, rank, measure_here, m.group()))
    return sorted(found)


def _read_number(text: str, start: int, end: int) -> dict | None:
    words = text[start:end]
    parsed = parse_number_text(words)
    if parsed is None:
        return None
    low, high = (int(x) if float(x).is_integer() else x for x in parsed)
    return {"low": low, "high": high}


def numbers(
    text: str, codes: Codes = DEFAULT, taken: bytearray | None = None
) -> Iterator[Expression]:
    """Every number expression of ``text``: single numbers, ranges ("18-30", "between 40 and
    50", "40 to 50"), with the qualifier, unit and measure the words around suggest, each
    drafted only when it is a code of ``codes`` and the measure fits the unit. Words marked
    in ``taken`` (a date, a name) are no number."""
    out: list[Expression] = []
    upto = 0
    for m in _SINGLE_RE.finditer(text):
        if m.start() < upto:
            continue
        candidates = []
        before = _BETWEEN_BEFORE.search(text, look_back(m.start()), m.start())
        if before:
            candidates.append(_BETWEEN_RE.match(text, before.start()))
        candidates += [_RANGE_RE.match(text, m.start()), m]
        for c in candidates:
            if c is None:
                continue
            read = _read_number(text, c.start(), c.end())
            if read is None or (c is not m and not read["low"] < read["high"]):
                continue  # "124 to 69" is no range: read the first number alone
            if taken is not None and any(taken[c.start() : c.end()]):
                continue
            out.append(_number(text, c.start(), c.end(), read, c is not m, codes, out))
            upto = c.end()
            break
    _own_cues(text, out)
    yield from out


def _own_cues(text: str, found: list[Expression]) -> None:
    """A cue is the nearest number's of its sentence (of those it fits): "at least 33 …
    had been killed … and that about 200 more were still serving" gives "killed" to 33
    only; the other number's measure is left empty."""
    starts = [e.start for e in found]
    for expr in found:
        at = expr.facts.pop("cue_at", None)
        measure = expr.facts.get("measure")
        if at is None or measure is None or expr.facts.get("link"):
            continue
        sentence, offset = sentence_around(text, expr.start, expr.end)
        mine = abs(at - expr.start)
        first = bisect.bisect_left(starts, offset)
        for other in found[first : bisect.bisect_left(starts, offset + len(sentence))]:
            if other is expr:
                continue
            unit = other.facts.get("unit_words")
            base = unit.base if unit else None
            rival = other.facts.get("measure") in (None, measure)  # would it take this cue?
            fits = base is None or _base_fits(measure, base, unit.per)
            if rival and fits and abs(at - other.start) < mine:
                expr.facts["measure"] = None
                expr.field_confidence.pop("measure", None)
                if expr.facts.pop("unit_from_measure", False):
                    expr.facts["unit"] = None
                    expr.field_confidence.pop("unit", None)
                expr.guesses.append(f"measure {measure} left empty: its cue is '{other.text}''s")
                expr.confidence = _overall(expr.field_confidence)
                break


CHANGES = ("increase", "decrease")
"""Measures whose value is the size of a change of another figure: a change with no unit
words of its own counts what the number before it in the sentence counts."""


def _in_sentence(text: str, start: int, earlier: list[Expression]) -> Expression | None:
    """The number right before ``start`` in its sentence, if any."""
    if not earlier:
        return None
    _, offset = sentence_around(text, start, start + 1)
    return earlier[-1] if earlier[-1].start >= offset else None


def _link(text: str, start: int, earlier: list[Expression]) -> tuple[str, Expression] | None:
    """How the number at ``start`` leans on the number before it in its sentence."""
    prev = _in_sentence(text, start, earlier)
    if prev is None:
        return None
    _, offset = sentence_around(text, start, start + 1)
    between = text[prev.end : start]
    for kind, pattern in _LINKS:
        if kind == "including" and pattern.search(between):
            return kind, prev
        if kind in ("earlier", "plus", "rate", "converted") and pattern.search(
            text, look_back(start), start
        ):
            return kind, prev
        if (
            kind == "list"
            and pattern.match(between)
            and (
                prev.facts.get("link")
                or _LINKS[1][1].search(text, look_back(prev.start), prev.start)
            )
        ):
            return kind, prev  # "up from 150,000 in 2024, 147,000 in 2023 and 134,500"
        if (
            kind == "to"
            and pattern.search(text, look_back(start), start)
            and re.search(
                r"(?i)\bfrom\s+(?:\w+\s+)?[$€£₽₴]?$", text[look_back(prev.start) : prev.start]
            )
        ):
            return kind, prev  # "from 3.6 million roubles to 1.6 million"
        if kind == "from" and pattern.search(text, look_back(start), start):
            for before in reversed(earlier):  # "declined … to 69 in the past seven days from 124"
                if before.start < offset:
                    break
                if re.search(
                    r"(?i)\bto\s+(?:\w+\s+)?$", text[look_back(before.start) : before.start]
                ):
                    return kind, before
    return None


def _number(
    text: str,
    start: int,
    end: int,
    read: dict,
    is_range: bool,
    codes: Codes,
    earlier: list[Expression],
) -> Expression:
    words = text[start:end]
    expr = Expression("number", start, end, words)
    sure = expr.field_confidence
    sure["value"] = "high"
    if is_range:
        expr.facts.update(qualifier="range", value_low=read["low"], value_high=read["high"])
        sure["qualifier"] = "high"
    else:
        value = read["low"]
        cue = _CUE_RE.search(text, look_back(start), start)
        qualifier = QUALIFIER_CUES[cue.group(1).lower()] if cue else "exact"
        expr.facts.update(qualifier=qualifier, value=value)
        if qualifier in UPPER:
            expr.facts["value_high"] = value
        elif qualifier in LOWER:
            expr.facts["value_low"] = value
        sure["qualifier"] = "high"
        if cue:
            expr.guesses.append(f"qualifier {qualifier} from '{cue.group(1)}' before it")
        if not float(value).is_integer():
            sure["value"] = "low"
            expr.guesses.append(f"{value} is not a whole number; figures hold integers")
    unit_words = _unit_after(text, end, start, codes)
    link = _link(text, start, earlier)
    measure, evidence, how_sure, direct, cue_at = _measure(text, start, end, unit_words, codes)
    if cue_at is not None:
        expr.facts["cue_at"] = cue_at
    if link is None and measure in CHANGES and (unit_words is None or unit_words.base is None):
        prev = _in_sentence(text, start, earlier)
        link = ("change", prev) if prev is not None else None  # "20,000 fewer than"
    if link is not None:
        kind, prev = link
        leaning = ("including", "earlier", "plus", "rate", "converted", "list", "from")
        inherit_measure = (kind in leaning and not direct) or (measure is None and kind == "to")
        if unit_words is None or unit_words.base is None:
            own_per = unit_words.per if unit_words else None
            unit_words = prev.facts.get("unit_words")
            if unit_words is not None and own_per:  # "a pace of about 700 a day"
                unit_words = UnitWords(unit_words.base, unit_words.currency, own_per)
            if unit_words is not None:
                expr.guesses.append(f"unit as the number before it ('{prev.text}')")
                sure["unit"] = "medium"
        if inherit_measure and prev.facts.get("measure"):
            measure, how_sure = prev.facts["measure"], "medium"
            evidence = f"the number before it ('{prev.text}': {kind})"
        expr.facts["link"] = (kind, prev.start, prev.end)
    unit = _unit_code(expr, unit_words, measure, codes)
    if measure is not None and not codes.fits(measure, unit):
        expr.guesses.append(
            f"measure {measure} from '{evidence}' does not fit unit {unit or 'unknown'}: left empty"
        )
        measure = None
    if measure:
        sure["measure"] = how_sure
        expr.guesses.append(f"measure {measure} ({how_sure}) from '{evidence}'")
    expr.facts.update(unit=unit, measure=measure, unit_words=unit_words)
    expr.confidence = _overall(sure)
    return expr


def _unit_code(expr: Expression, found: UnitWords | None, measure: str | None, codes: Codes):
    """The package's unit code for what the words say, completed from the measure."""
    sure = expr.field_confidence
    base = found.base if found else None
    if base is None and measure is not None:
        bases = MEASURE_BASES.get(measure)
        if bases is not None and len(bases) == 1:
            (base,) = bases
            sure.setdefault("unit", "medium")
            expr.facts["unit_from_measure"] = True
            expr.guesses.append(f"unit counts {base} (guess) from the measure")
    if base is None:
        return None
    per = found.per if found else None
    per = RATE_ONLY.get(measure, per)  # "the average of daily attacks … 69": per day
    unit = codes.unit(base, found.currency if found else None, per)
    if unit is None:
        what = " ".join(
            x for x in (base, found and found.currency, found and found.per and "per") if x
        )
        expr.guesses.append(f"no unit code of this package counts {what}: fill unit")
        sure.pop("unit", None)
        return None
    sure.setdefault("unit", "high")
    if found and found.words:
        expr.guesses.append(f"unit {unit} from '{found.words}'")
    return unit


def _measure(text: str, start: int, end: int, unit: UnitWords | None, codes: Codes):
    """(measure, the words that say it, confidence, whether the words right at the number
    say it, where the cue stands when a cue says it) for the number at text[start:end]."""
    base = unit.base if unit else None
    if (m := _AGED.search(text, look_back(start), start)) and "age_range" in codes.measures:
        return "age_range", m.group().strip(), "high", True, None
    change = _CHANGE_AFTER.match(text, end) or _CHANGE_BEFORE.search(text, look_back(start), start)
    change = change or _CHANGE_NOUN_AFTER.match(text, end)
    if change:
        up = change.groupdict().get("up") or change.groupdict().get("upn")
        return ("increase" if up else "decrease"), change.group().strip(), "high", True, None
    if base in _MEASURE_OF_BASE:
        return _MEASURE_OF_BASE[base], unit.words, "high", True, None
    if base == "attacks":
        return ("attacks_daily_average" if unit.per else "attacks"), unit.words, "high", True, None
    if base == "percent":
        if _SHARE_AFTER.match(text, end):
            return "share", f"{unit.words} of", "high", True, None
        return None, None, None, False, None
    if unit and unit.words.lower() in _MEASURE_OF_NOUN:
        return _MEASURE_OF_NOUN[unit.words.lower()], unit.words, "high", True, None
    sentence, offset = sentence_around(text, start, end)
    near = max(offset, start - CUE_REACH)  # cues are looked for this near the number
    sentence, offset = sentence[near - offset : end + CUE_REACH - offset], near
    clause_lo, clause_hi = clause_bounds(text, start, end)
    fitting = []
    for distance, _, measure, words in _cues(sentence, start - offset, end - offset):
        if base is not None and not _base_fits(measure, base, unit.per if unit else None):
            continue
        if base is None and unit and unit.per and measure in NO_RATE:
            continue
        if measure not in codes.measures:
            continue
        at = sentence.lower().find(words.lower()) + offset
        fitting.append((distance, measure, words, clause_lo <= at < clause_hi, at))
    if base == "money" and unit.per and "pay" in codes.measures:
        return "pay", f"{unit.words} a {unit.per}", "high", True, None
    if not fitting:
        return None, None, None, False, None
    harmed = [f for f in fitting if f[1] in HARMED and f[3]]
    _, measure, words, in_clause, at = harmed[0] if harmed else fitting[0]
    rivals = {m for _, m, _, inside, _ in fitting if inside or not in_clause} - {measure}
    sure = "high" if in_clause and not rivals else "medium"
    return measure, words, sure, False, at


def _base_fits(measure: str, base: str, per: str | None) -> bool:
    bases = MEASURE_BASES.get(measure, frozenset())
    if bases is not None and base not in bases:
        return False
    if measure in RATE_ONLY:
        return per == RATE_ONLY[measure]
    return not (measure in NO_RATE and per)


_LEVEL = {"high": 2, "medium": 1, "low": 0}


def _overall(sure: dict[str, str]) -> str:
    """A figure draft's confidence: the lowest of value, qualifier, unit and measure (low
    when unit or measure is left empty)."""
    levels = [sure.get(f, "low") for f in ("value", "qualifier", "unit", "measure")]
    return min(levels, key=_LEVEL.__getitem__)


# ---------------------------------------------------------------- words that are no data

_NAME_RE = re.compile(r"\b[A-Za-z]+-?\d+[A-Za-z0-9]*\b|\b\d+[A-Za-z]+\b(?<!st|nd|rd|th)", re.ASCII)
_TITLE_NUMBER_RE = re.compile(
    r"(?:\b[A-Z][\w’'.]*\s+)+(?:" + "|".join(w.capitalize() for w in _WORDS) + r")\b"
)
_ORDINAL_RE = re.compile(
    rf"(?i)\b(?:{_ORDINALS})(?:-[a-z]+)?\b|\b\d+(?:st|nd|rd|th)\b(?:-[a-z]+)?", re.ASCII
)
_VAGUE_RE = re.compile(r"(?i)\b(?:dozens|hundreds|thousands|millions|half)\b", re.ASCII)
_ONCE_RE = re.compile(r"(?i)\bone-(?:off|time)\b", re.ASCII)


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
    for m in _ONCE_RE.finditer(text):  # "a one-off payment": how often, not a count
        yield _excluded(text, (m.start(), m.start() + 3), "not_data", "'one-off'", "high")


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


def read_line(text: str, codes: Codes = DEFAULT) -> list[Expression]:
    """Every expression of ``text`` that holds a span, in line order. A span no reader
    explains becomes a ``not_data`` exclusion of low confidence."""
    spans = [(m.start(), m.end()) for m in SPAN_RE.finditer(text)]
    starts = [s for s, _ in spans]
    taken = bytearray(len(text))
    out: list[Expression] = []

    def claim(expr: Expression) -> None:
        if any(taken[expr.start : expr.end]):
            return
        i = bisect.bisect_left(starts, expr.end)  # spans start in order and do not overlap
        if not (i and spans[i - 1][1] > expr.start):
            return
        taken[expr.start : expr.end] = b"\x01" * (expr.end - expr.start)
        out.append(expr)

    for reader in READERS:
        found = numbers(text, codes, taken) if reader is numbers else reader(text)
        for expr in found:
            claim(expr)
    for s, e in spans:
        if not any(taken[s:e]):
            claim(_excluded(text, (s, e), "not_data", "no number or date this reader knows", "low"))
    return sorted(out, key=lambda x: x.start)
