"""Who says so: the one lexicon of reporting verbs and phrases, and where they stand on a line.

A news line attributes words or a judgement to someone with a *cue*: a reporting verb ("the
UK Ministry of Defence **said**", "they **believe**") or phrase ("**according to** military
experts", "a statement **carried by** Interfax"). :data:`LEXICON` lists every cue this
project reads, one entry per verb or phrase with the forms it takes; nothing else is a cue.
The statement coverage check (``coverage/statement``) asks that each cue of a seed be
recorded by a row naming its speaker or be excluded, and ``suggest`` drafts ``claimed_by``
and ``reported_by`` from the speaker words read here.

API (pure: the standard library only, no package loading, no I/O)::

    find_attributions(text) -> list[Attribution]   # every cue on one line, in order
    entry_of(cue_words) -> Entry                   # the lexicon entry of a cue's words
    speaker_key(words) -> str                      # how speaker words compare to an alias
    LEXICON                                        # the table of entries
    CUE_PATTERN, SIDE_PATTERNS                     # the cues as one regular expression
    speaker_sql(relation, line_key), speaker_key_sql(expr)   # the same reading in DuckDB

An :class:`Attribution` has ``start``/``end`` (0-based character offsets on the line of
everything it spans: speaker, cue and relay), ``cue`` (the cue's :class:`Words` as they
stand), ``lemma`` (its lexicon entry, e.g. ``say`` for "said"), ``speaker`` and ``relay``
(:class:`Words`, or None where none can be read)::

    >>> [a.speaker.text for a in find_attributions("the UK Ministry of Defence said.")]
    ['the UK Ministry of Defence']
    >>> a, = find_attributions("according to a statement carried by Interfax")
    >>> a.lemma, a.speaker, a.relay.text
    ('according to', None, 'Interfax')

How the words around a cue are read, by the cue's *side* (each entry has one):

* ``before`` (said, told, added, assessed, estimates, claimed, accused, denied, warned,
  announced, suggests, believe, ...): the speaker is the noun phrase before the cue, read by
  :data:`SPEAKER_BEFORE` on the text before it (since the cue before, at most
  :data:`WINDOW` characters): the words since the last clause boundary (``, ; : “ ” " —
  –``, "that", a sentence end, the start of the line), skipping one appositive
  between commas ("Roman Svitan, who is also a colonel ..., said" gives "Roman Svitan") and
  adverbs in between ("Kyiv has repeatedly accused" gives "Kyiv"); a medium's owner is
  the speaker ("The UK Ministry of Defence’s latest intelligence update said"). A pronoun
  ("he said", "it said") gives no speaker: the curator says who it is; nor do words ending
  in a determiner ("its reported plans") or a conjunction ("has denied ... and claimed").
* ``after`` (according to, reported by, citing): the speaker is the phrase after the cue,
  up to the next boundary, cue or auxiliary verb (:data:`SPEAKER_AFTER`); a leading "a
  statement by" or "the report from" is dropped (:data:`SPEAKER_STRIP`).
* ``relay`` (carried by, cited by, quoted by, published by): the words after it are the
  *relay*, who passed the words on; right after an ``after`` phrase it joins that
  attribution ("according to a statement by the ministry carried by Interfax": speaker
  "the ministry", relay "Interfax").
* ``none`` (saying, adding, claiming, accusing, demanding, "were reported", "reports
  emerged", ...): the speaker is not next to the cue (a participle takes the main clause's
  subject; a passive or unnamed "reports" names none), so none is read.

The patterns are written in the syntax Python's ``re`` and RE2 (DuckDB's regular
expressions) read alike, and :data:`CUE_PATTERN` is matched with ASCII classes
(``re.ASCII``) as RE2 matches it, so validation in SQL and this module find the same cues
at the same places. Limits: a cue is a word, not a meaning — "an added bonus" or "the
drive suggests" are cues too (exclude them with reason ``not_attributed``); a paragraph
that only continues an earlier quotation, with no cue of its own, is not found, nor are
words given only by quotation marks ("He was “very angry, p—ed off” with Putin"): quotation
marks also mark scare quotes and names ("“sham” referendums"), so they are no cue."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import WEEKDAYS

__all__ = [
    "CUE_PATTERN",
    "WINDOW",
    "entry_of",
    "LEXICON",
    "SIDE_PATTERNS",
    "SPEAKER_AFTER",
    "SPEAKER_BEFORE",
    "SPEAKER_STRIP",
    "Attribution",
    "Entry",
    "Words",
    "find_attributions",
    "speaker_key",
    "speaker_key_sql",
    "speaker_sql",
]

_S = r"[\t\n\f\r ]"
"""White space as RE2 reads ``\\s`` (Python's ASCII ``\\s`` also has vertical tab)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One verb or phrase of the lexicon."""

    lemma: str
    """The entry's name: the verb's base form or the phrase, e.g. ``say``, ``according to``."""
    forms: tuple[str, ...]
    """The words it takes on a line (case is ignored; a space is any white space)."""
    side: str
    """Where its speaker stands: before | after | relay | none (see the module docstring)."""


def _entry(lemma: str, side: str, *forms: str) -> Entry:
    return Entry(lemma, forms, side)


_AUX = "(?:was|were|is|are|been|being)"
"""A passive's auxiliary: "57 attacks were reported" names no speaker."""

LEXICON: tuple[Entry, ...] = (
    # Passives first: at one place the first entry that matches wins, and "were reported"
    # must not read as "reported" with "were" as its speaker's last word.
    _entry("reported by", "after", f"{_AUX} also reported by", f"{_AUX} reported by"),
    _entry("be reported", "none", f"{_AUX} also reported", f"{_AUX} reported"),
    # "as reports emerged that ...": a report attributed to no one, like "were reported".
    _entry(
        "reports emerged", "none", "reports emerged", "reports have emerged", "reports had emerged"
    ),
    _entry("according to", "after", "according to"),
    _entry("reported by", "after", "reported by"),
    _entry("citing", "after", "citing"),
    _entry("carried by", "relay", "carried by"),
    _entry("cited by", "relay", "cited by"),
    _entry("quoted by", "relay", "quoted by"),
    _entry("published by", "relay", "published by"),
    _entry("say", "before", "said", "says", "say"),
    _entry("tell", "before", "told", "tells"),
    _entry("add", "before", "added", "adds"),
    _entry("assess", "before", "assessed", "assesses"),
    _entry("estimate", "before", "estimated", "estimates"),
    _entry("claim", "before", "claimed", "claims"),
    _entry("accuse", "before", "accused", "accuses"),
    _entry("deny", "before", "denied", "denies"),
    _entry("warn", "before", "warned", "warns"),
    _entry("announce", "before", "announced", "announces"),
    _entry("suggest", "before", "suggested", "suggests"),
    _entry("believe", "before", "believed", "believes", "believe"),
    _entry("state", "before", "stated", "states that"),
    _entry("report", "before", "reported", "reports that"),
    _entry("threaten", "before", "threatened", "threatens"),
    _entry("demand", "before", "demanded"),
    _entry("insist", "before", "insisted", "insists"),
    _entry("confirm", "before", "confirmed", "confirms"),
    _entry("acknowledge", "before", "acknowledged", "acknowledges"),
    _entry("admit", "before", "admitted", "admits"),
    _entry("allege", "before", "alleged", "alleges"),
    _entry("predict", "before", "predicted", "predicts"),
    _entry("argue", "before", "argued", "argues"),
    _entry("vow", "before", "vowed", "vows"),
    _entry("conclude", "before", "concluded", "concludes"),
    _entry("say", "none", "saying"),
    _entry("tell", "none", "telling"),
    _entry("add", "none", "adding"),
    _entry("claim", "none", "claiming"),
    _entry("accuse", "none", "accusing"),
    _entry("deny", "none", "denying"),
    _entry("warn", "none", "warning that"),
    _entry("announce", "none", "announcing"),
    _entry("demand", "none", "demanding"),
    _entry("insist", "none", "insisting"),
)
"""Every cue this project reads, in the order they are tried at one place on a line."""

SIDES = ("before", "after", "relay", "none")


def _form(words: str) -> str:
    return f"{_S}+".join(words.split(" "))


def _alternation(entries) -> str:
    return "|".join(_form(f) for e in entries for f in e.forms)


CUE_PATTERN = r"(?i:\b(?:" + _alternation(LEXICON) + r")\b)"
"""One regular expression of every cue, in lexicon order (Python ``re`` with ``re.ASCII``
and RE2 find the same matches); a match is the cue's words."""

SIDE_PATTERNS = {
    side: r"(?i:" + _alternation(e for e in LEXICON if e.side == side) + ")" for side in SIDES
}
"""Side -> a pattern that matches, in full, exactly the cue words of that side."""

_BOUND = '[,;:“”"—–!?]'
"""Characters that end a clause; a full stop ends one when white space or the end follows."""
_CHAR = r"(?:[^,;:“”\"—–!?.]|\.[^\t\n\f\r .,;:“”\"—–!?])"
_FIRST = r"(?:[^\t\n\f\r ,;:“”\"—–!?.]|\.[^\t\n\f\r .,;:“”\"—–!?])"
_SEG = _FIRST + _CHAR + "*"
"""A run of words inside one clause, from a character that is not white space ("U.S.-based"
keeps its full stops: a full stop ends a clause only before white space or the end)."""
_LAZY_SEG = _FIRST + _CHAR + "*?"
_WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_BETWEEN = (
    "(?:also|has|have|had|was|were|is|are|repeatedly|then|later|previously|earlier|again|"
    "now|reportedly|separately|further|yesterday|today|last" + _S + "+week|this" + _S + "+week|"
    "(?:late" + _S + "+)?on" + _S + "+" + _WEEKDAY + ")"
)
"""Words that may stand between a speaker and its verb ("Mr Trump on Sunday also accused")."""

WINDOW = 300
"""Characters before (or after) a cue in which its speaker is read: a speaker is a short
phrase, and the window bounds the work on a long line."""

SPEAKER_BEFORE = (
    r"(?i:^.*(?:^|" + _BOUND + r"|\.[\t\n\f\r ]|\bthat[\t\n\f\r ])[\t\n\f\r ]*"
    r"(" + _LAZY_SEG + r")"
    r"(?:,[\t\n\f\r ]*" + _SEG + r",)?"
    r"(?:[\t\n\f\r ]+" + _BETWEEN + r")*[\t\n\f\r ]*$)"
)
"""On the :data:`WINDOW` characters before a ``before`` cue, group 1 is the speaker's words:
the last clause (after a boundary or "that") that, with at most one appositive between
commas and the words of ``_BETWEEN``, reaches the cue."""

_STOP_FORMS = "|".join(_form(f) for e in LEXICON if e.side in ("relay", "before") for f in e.forms)
_VERB = "has|have|had|is|are|was|were|will|would|can|could|may|might|should|must"
SPEAKER_AFTER = (
    r"(?i:[\t\n\f\r ]+(?:" + _STOP_FORMS + "|" + _VERB + r")\b"
    r"|" + _BOUND + r"|\.(?:[\t\n\f\r .,;:“”\"—–!?]|$))"
)
"""On the :data:`WINDOW` characters after an ``after`` or ``relay`` cue, the speaker's (or
relay's) words are the text before the first match of this pattern: the next clause
boundary, cue (but a passive or participle) or auxiliary verb ("reported by Ukraine’s
general staff has declined" gives "Ukraine’s general staff"). It has no groups and never
matches empty, so SQL finds the words by splitting at it (``regexp_split_to_array``)."""

SPEAKER_STRIP = (
    r"(?i:^" + _S + r"*(?:(?:the|a|an|its|their)" + _S + r"+)?(?:latest" + _S + r"+)?"
    r"(?:statement|report|briefing|update|assessment|post)s?"
    r"(?:" + _S + r"+(?:by|from|of)" + _S + "+|" + _S + "*$))"
)
"""Words before a speaker that name the medium, not the speaker ("a statement by ..."); a
phrase that is only a medium ("a statement") names no speaker."""

SPEAKER_OWNER = (
    r"(?i:^(.+?)(?:’s|'s)" + _S + r"+(?:\w+" + _S + r"+){0,2}"
    r"(?:statement|report|briefing|update|assessment|post)s?$)"
)
"""A medium named by its owner ("The UK Ministry of Defence’s latest intelligence update"):
group 1 is the owner, who is the speaker."""

PRONOUNS = ("he", "she", "it", "they", "we", "i", "you", "who", "which", "this", "that")
"""Words that only point back: speaker words that are one, or end in one, name no one."""
DETERMINERS = ("its", "his", "her", "their", "our", "my", "your", "the", "a", "an")
"""Speaker words ending in one of these name no one: the cue is an adjective ("its
reported plans")."""
CONJUNCTIONS = ("and", "but", "or", "nor")
"""Speaker words ending in one of these name no one: the verb shares an earlier subject
("its defence ministry has denied ... and claimed")."""

_NO_SPEAKER = r"(?i:(?:^|[\t\n\f\r ])(?:" + "|".join(PRONOUNS + DETERMINERS + CONJUNCTIONS) + r")$)"
_CUE_RE = re.compile(CUE_PATTERN, re.ASCII)
_ENTRY_RE = [(re.compile(f"(?i:{_alternation([e])})", re.ASCII), e) for e in LEXICON]
_BEFORE_RE = re.compile(SPEAKER_BEFORE, re.ASCII)
_AFTER_RE = re.compile(SPEAKER_AFTER, re.ASCII)
_STRIP_RE = re.compile(SPEAKER_STRIP, re.ASCII)
_OWNER_RE = re.compile(SPEAKER_OWNER, re.ASCII)
_NO_SPEAKER_RE = re.compile(_NO_SPEAKER, re.ASCII)
_TRIM = " \t\n\f\r"


@dataclass(frozen=True, slots=True)
class Words:
    """Words as they stand on a line: ``text == line[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution on a line."""

    start: int
    """0-based offset of its first character (speaker, cue or relay, whichever is first)."""
    end: int
    """Offset just past its last character."""
    cue: Words
    """The reporting verb or phrase as it stands ("said", "According to", "were reported")."""
    lemma: str
    """Its lexicon entry (:attr:`Entry.lemma`): ``say`` for "said", ``according to``."""
    speaker: Words | None
    """Who says so, where the words name one; None for a pronoun or a passive."""
    relay: Words | None
    """Who passed the words on ("carried by Interfax"), or None."""


def entry_of(cue: str) -> Entry:
    """The lexicon entry of cue words :data:`CUE_PATTERN` matched (the first that reads
    them, as in the pattern)."""
    return next(e for r, e in _ENTRY_RE if r.fullmatch(cue))


def _words(text: str, span: tuple[int, int] | None, offset: int) -> Words | None:
    """``text[start:end]`` (``text`` starts at ``offset`` of the line) as speaker words, in
    the steps :func:`speaker_sql` takes too: a leading medium dropped ("a statement by"), a
    medium's owner taken ("the ministry’s update"), white space trimmed; None when nothing
    is left or the words end in a pronoun, a determiner or a conjunction."""
    if span is None:
        return None
    start, end = span
    medium = _STRIP_RE.match(text[start:end])
    if medium is not None:
        start += medium.end()
    owner = _OWNER_RE.fullmatch(text[start:end])
    if owner is not None:
        end = start + owner.end(1)
    raw = text[start:end]
    phrase = raw.strip(_TRIM)
    if not phrase or _NO_SPEAKER_RE.search(phrase):
        return None
    start += len(raw) - len(raw.lstrip(_TRIM))
    return Words(phrase, offset + start, offset + start + len(phrase))


def _before(text: str, cue_start: int, after: int) -> Words | None:
    """The speaker before the cue at ``cue_start``, read after offset ``after`` (the end of
    the cue before it on the line, or 0)."""
    lo = max(after, cue_start - WINDOW)
    window = text[lo:cue_start]
    m = _BEFORE_RE.search(window)
    return _words(window, m.span(1) if m else None, lo)


def _after(text: str, cue_end: int) -> Words | None:
    window = text[cue_end : cue_end + WINDOW]
    stop = _AFTER_RE.search(window)
    return _words(window, (0, stop.start() if stop else len(window)), cue_end)


def find_attributions(text: str) -> list[Attribution]:
    """Every attribution on one line of text, in order of its cue.

    Each cue of :data:`CUE_PATTERN` gives one attribution, except a ``relay`` cue right
    after an ``after`` phrase's speaker ("according to a statement carried by Interfax"),
    which joins it as its relay."""
    out: list[Attribution] = []
    last = 0
    for m in _CUE_RE.finditer(text):
        cue = Words(m.group(), m.start(), m.end())
        entry = entry_of(cue.text)
        side, lemma = entry.side, entry.lemma
        last, previous_end = cue.end, last
        if side == "relay":
            relay = _after(text, cue.end)
            prev = out[-1] if out else None
            if prev is not None and prev.relay is None and _joins(text, prev, cue):
                end = max(prev.end, cue.end, relay.end if relay else cue.end)
                out[-1] = Attribution(prev.start, end, prev.cue, prev.lemma, prev.speaker, relay)
                continue
            speaker = None
        else:
            relay = None
            speaker = (
                _before(text, cue.start, previous_end)
                if side == "before"
                else _after(text, cue.end)
                if side == "after"
                else None
            )
        spans = [cue, *(w for w in (speaker, relay) if w is not None)]
        out.append(
            Attribution(
                min(w.start for w in spans), max(w.end for w in spans), cue, lemma, speaker, relay
            )
        )
    return out


def _joins(text: str, prev: Attribution, relay_cue: Words) -> bool:
    """Whether a relay cue continues the ``after`` phrase before it, with no clause
    boundary in between."""
    if entry_of(prev.cue.text).side != "after":
        return False
    between = text[prev.cue.end : relay_cue.start]
    return not re.search(_BOUND + r"|\.[\t\n\f\r ]", between)


def speaker_key(words: str) -> str:
    """Speaker words or an alias as they are compared: lower case, white space collapsed, a
    leading "the", "a" or "an" dropped ("The UK Ministry of Defence" and "UK Ministry of
    Defence" are the same key); :func:`speaker_key_sql` in SQL."""
    key = " ".join(words.split(None)).lower()
    return re.sub(r"^(?:the|a|an) ", "", key)


def _lit(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def speaker_key_sql(expr: str) -> str:
    """:func:`speaker_key` as a DuckDB SQL expression over the SQL expression ``expr``."""
    collapsed = f"trim(regexp_replace({expr}, {_lit(_S + '+')}, ' ', 'g'))"
    return f"regexp_replace(lower({collapsed}), '^(?:the|a|an) ', '')"


def speaker_sql(relation: str, line_key: str) -> str:
    """A DuckDB query adding ``side`` and ``speaker`` (the words :func:`find_attributions`
    reads as the speaker, or the relay of a ``relay`` cue; NULL where it reads none) to
    each row of ``relation``, which has ``text`` (the line), ``cue`` (the words
    :data:`CUE_PATTERN` matched) and ``cue_start``/``cue_end`` (0-based offsets), one row
    per cue; ``line_key`` names the columns that tell one line from another.

    The steps are :func:`_words`' own, on the same window (from the end of the cue before,
    at most :data:`WINDOW` characters); a relay cue is read alone here (it names the
    relay, never joins a phrase before it)."""
    side = "CASE " + " ".join(
        f"WHEN regexp_full_match(cue, {_lit(SIDE_PATTERNS[s])}) THEN '{s}'" for s in SIDES
    )
    lo = f"greatest(_prev_end, cue_start - {WINDOW})"
    before = f"regexp_extract(substr(text, {lo} + 1, cue_start - {lo}), {_lit(SPEAKER_BEFORE)}, 1)"
    after = f"regexp_split_to_array(substr(text, cue_end + 1, {WINDOW}), {_lit(SPEAKER_AFTER)})[1]"
    trim = _lit("^" + _S + "+|" + _S + "+$")
    prev = f"lag(cue_end, 1, 0) OVER (PARTITION BY {line_key} ORDER BY cue_start)"
    none = _lit(_NO_SPEAKER)
    return f"""SELECT * EXCLUDE (_w3, _prev_end),
           CASE WHEN _w3 = '' OR regexp_matches(_w3, {none}) THEN NULL ELSE _w3 END AS speaker
    FROM (SELECT * EXCLUDE (_w2), regexp_replace(_w2, {trim}, '', 'g') AS _w3
    FROM (SELECT * EXCLUDE (_w1), CASE WHEN regexp_full_match(_w1, {_lit(SPEAKER_OWNER)})
                 THEN regexp_extract(_w1, {_lit(SPEAKER_OWNER)}, 1) ELSE _w1 END AS _w2
    FROM (SELECT * EXCLUDE (_w0), regexp_replace(_w0, {_lit(SPEAKER_STRIP)}, '') AS _w1
    FROM (SELECT *, CASE side WHEN 'before' THEN {before}
                              WHEN 'after' THEN {after} WHEN 'relay' THEN {after}
                              ELSE '' END AS _w0
    FROM (SELECT *, {side} END AS side, {prev} AS _prev_end FROM ({relation}))))))"""
