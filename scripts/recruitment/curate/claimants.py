"""Who claims a number and who relayed it: ``claimed_by`` and ``reported_by`` drafted from
the attributions the project's one lexicon finds (:mod:`recruitment.attribution`), read as
actors of the package, or as new ``actors`` drafts when no actor is meant.

The lexicon says where a cue ("said", "according to", "carried by") stands and which words
name its speaker and relay; this module decides which actor those words mean:

* **the same actor**: the words are an actor's name or alias (compared as
  :func:`attribution.speaker_key` compares them, with "defense"/"defence" and a bracketed
  abbreviation in an alias ignored), or end in one ("Kremlin spokesman Dmitry Peskov" ends
  in "Dmitry Peskov"; "the defence ministry in Kyiv" does not end in "Kyiv", which follows a
  preposition);
* **an actor of this article**: a definite description ("the ministry", "the agency", "the
  General Staff") is the latest speaker of the same article whose words end in the same
  noun, before any actor elsewhere with that alias;
* **the tail of an alias** ("the defence ministry" of "the Russian defence ministry"): the
  one such actor of the country the words, their line or the article's dateline ("MOSCOW —")
  name (:data:`COUNTRY_WORDS`); several left, none is drafted;
* a pronoun ("it said") is the latest speaker of the article;
* otherwise a **new actor**: an ``actors`` draft named by the proper name the words give
  (an appositive "the region’s governor, Vyacheslav Gladkov," gives "Vyacheslav Gladkov";
  "the independent outlet Vyorstka" gives "Vyorstka"), its kind guessed from its words or
  left empty for a person to choose.

Which attribution a number takes: one of its sentence, the nearest; a number inside an
attribution's speaker words ("citing recruitment offices in 15 regions") is the other
attribution's. When a sentence nests two ("the ministry said: “Russian media reporting
suggests …”", "Vyorstka reported, citing recruitment offices"), the inner speaker claims
and the outer one relays. A relay is the lexicon's (``carried by Interfax``) or the medium a
speaker "told" ("told state media", not "told reporters"). A conversion in brackets after an
amount ("1 million hryvnias (about $24,000)") is the article's own: no claimant.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field

from ..attribution import Attribution, Words, entry_of, find_attributions, speaker_key

RECENT = 50
"""How many of an article's latest speakers a definite description or a pronoun may point
back to: a bound on the work per attribution, far beyond what a reader follows."""
COUNTRY_WORDS = {
    "RUS": "russia russia’s russian moscow kremlin",
    "UKR": "ukraine ukraine’s ukrainian kyiv kiev",
    "GBR": "britain britain’s british uk london",
    "USA": "america american us u.s. washington",
}
"""Words that place an actor in a country (ISO 3166 alpha-3), for telling apart actors
whose aliases end alike ("the defence ministry")."""
_COUNTRY_OF = {
    w.replace("’", "'"): iso for iso, words in COUNTRY_WORDS.items() for w in words.split()
}
_DATELINE = re.compile(r"^\s*([A-Z][A-Z’'. -]{2,}?)(?:,\s*[A-Z][\w ]+)?\s+[—–-]+\s")
_ISSUED = frozenset(
    ["statement", "decree", "order", "report", "update", "briefing", "assessment", "post"]
)
"""Medium nouns that may end speaker words ("a defence ministry statement"); "the RBC news
site" keeps its noun."""
MEDIUM_WORDS = [
    "statement",
    "decree",
    "order",
    "report",
    "calculations",
    "calculation",
    "figures",
    "data",
    "estimate",
    "analysis",
    "survey",
    "tally",
    "count",
    "update",
    "briefing",
    "assessment",
    "post",
    "website",
    "site",
    "page",
    "channel",
    "account",
]
"""Nouns that name what a speaker issued, not the speaker: "a decree signed by President
Vladimir Putin" is Putin's, "a defence ministry statement" the ministry's."""
_MEDIUM_BEFORE = re.compile(
    r"(?i)^(?:(?:a|an|the|its|their)\s+)?(?:\w+\s+)?(?:" + "|".join(MEDIUM_WORDS) + r")s?"
    r"\s+(?:(?:signed|issued|published|released|compiled|made|carried)\s+)?(?:by|from|of)\s+"
)
_MEDIUM_AFTER = re.compile(
    r"(?i)\s+(?:" + "|".join(w for w in MEDIUM_WORDS if w in _ISSUED) + r")s?$"
)
_PREPOSITIONS = frozenset(["in", "of", "for", "from", "at", "near", "by", "on", "with", "to"])
KIND_WORDS = [
    ("media", r"\bnews\b|\bnewspaper\b|\boutlet\b|\bsite\b|\bwebsite\b|\bchannel\b|\bmedia\b"
     r"|\btelevision\b|\bradio\b|\binterfax\b|\btass\b|\bria\b|\breuters\b|\bbbc\b|\bcnn\b"
    r"|\bafp\b|\bbloomberg\b|\bassociated press\b"),
    ("ministry", r"\bministry\b"),
    ("armed_forces", r"\bmilitary\b|\barmy\b|\bforces\b|\bgeneral staff\b|\bintelligence\b"),
    ("think_tank", r"\binstitute\b|\bthink tank\b|\bcent(?:re|er)\b"),
    ("international_organisation", r"\bunion\b|\bunited nations\b|\bnato\b|\borgani[sz]ation\b"),
    ("government", r"\bgovernment\b|\bcouncil\b|\bauthorities\b|\badministration\b"),
    ("collective", r"\b(?:analysts|experts|observers|officials|offices|sources|families)\b"),
]  # fmt: skip
"""Words that suggest a new actor's kind (the first that matches); none leaves it empty."""
_TOLD_MEDIA = re.compile(KIND_WORDS[0][1], re.I)
_ASSESSING = frozenset({"assess", "estimate", "conclude", "predict", "believe"})
"""Lemmas whose statement is an assessment rather than a statement."""


def _key(words: str) -> str:
    text = unicodedata.normalize("NFC", words).replace("’", "'")
    text = re.sub(r"\s*\([^)]*\)", "", text)  # "Institute for the Study of War (ISW)"
    text = re.sub(r"\bdefense\b", "defence", speaker_key(text))
    return re.sub(r"(?<=\w )officials\b", "authorities", text)  # "regional officials"


def _bare(core: str) -> bool:
    """Speaker words that are only a plural common noun ("officials", "sources"): no actor
    is drafted for them, a person says whose."""
    return re.fullmatch(r"(?:the\s+)?[A-Za-z]+s", core.strip(), re.I) is not None and not (
        core.strip()[:1].isupper() and core.strip().lower() not in _COMMON_PLURALS
    )


_COMMON_PLURALS = frozenset({"officials", "sources", "analysts", "experts", "observers"})


def _without_country(key: str) -> str:
    """Speaker words without a leading country word ("britain's ministry of defence" →
    "ministry of defence"), or "" when they start with none."""
    first, _, rest = key.partition(" ")
    return rest if first in _COUNTRY_OF else ""


def _place(text: str, at: int) -> str | None:
    """The place a sentence opens on ("In India, the foreign ministry said" → India)."""
    from .spans import sentence_around

    sentence, _ = sentence_around(text, at, at + 1)
    m = re.match(r"\s*In\s+(?:the\s+)?([A-Z][\w’'-]+)", sentence)
    return m.group(1).replace("’", "'") if m else None


def _country(words: str) -> str | None:
    plain = words.lower().replace("’", "'")
    found = {_COUNTRY_OF[w] for w in re.findall(r"[\w'.]+", plain) if w in _COUNTRY_OF}
    return found.pop() if len(found) == 1 else None


@dataclass
class Resolved:
    actor_id: str | None
    confidence: str | None
    why: str


@dataclass
class Claim:
    claimed_by: Resolved | None = None
    reported_by: Resolved | None = None


@dataclass
class Said:
    """An attribution of a line with the actors its words mean."""

    line: int
    at: Attribution
    speaker: Resolved | None
    relay: Resolved | None
    relay_words: Words | None


@dataclass
class Actors:
    """The package's actors, and the new ones drafted for one article."""

    rows: list[dict]
    kinds: list[str]
    id_pattern: str = r"act-[a-z0-9]+(-[a-z0-9]+)*"
    new: list[dict] = field(default_factory=list)
    """actors drafts: every column, plus ``_why``, ``_start``, ``_end``."""
    new_keys: dict[str, str] = field(default_factory=dict)
    """Keys of the drafted actors' names and aliases → their ids."""

    def __post_init__(self):
        self.by_key: dict[str, set[str]] = {}
        self.proper: set[str] = set()
        """Keys of names and aliases that are proper names ("Dmitry Peskov", not "the
        ministry"): only these may end longer speaker words."""
        self.country = {r["actor_id"]: r.get("country") for r in self.rows}
        self.surnames: dict[str, set[str]] = {}
        """A person's last name ("zelensky") → the person actors whose name or alias ends
        in it."""
        for r in self.rows:
            for words in [r.get("name") or "", *(r.get("aliases") or "").split("|")]:
                if words.strip():
                    self.by_key.setdefault(_key(words), set()).add(r["actor_id"])
                    bare = re.sub(r"^(?:the|a|an)\s+", "", words.strip(), flags=re.I)
                    if bare[:1].isupper():
                        self.proper.add(_key(words))
                    if r.get("kind") == "person" and len(bare.split()) >= 2:
                        surname = _key(bare.split()[-1])
                        self.surnames.setdefault(surname, set()).add(r["actor_id"])
        self.ids = {r["actor_id"] for r in self.rows}

    def exact(self, key: str) -> set[str]:
        return self.by_key.get(key, set())

    def ending(self, key: str) -> str | None:
        """The actor whose longest name or alias ends ``key`` after a word that is no
        preposition ("kremlin spokesman dmitry peskov" → Peskov)."""
        words = key.split()
        for n in range(len(words) - 1, 0, -1):
            tail = " ".join(words[-n:])
            ids = self.by_key.get(tail)
            if ids and len(ids) == 1 and tail in self.proper and words[-n - 1] not in _PREPOSITIONS:
                return next(iter(ids))
        return None

    def surname(self, key: str) -> str | None:
        """The one person whose name or alias ends in the one word ``key``."""
        ids = self.surnames.get(key, set()) if " " not in key else set()
        return next(iter(ids)) if len(ids) == 1 else None

    def tail_of(self, key: str) -> set[str]:
        """Actors with a name or alias that ends in ``key`` ("defence ministry")."""
        return {
            i for k, ids in self.by_key.items() if k.endswith(" " + key) for i in ids
        }  # fmt: skip


class Reader:
    """Reads the claimants of one article, line by line in order (speakers of earlier lines
    are what "the ministry" or "it" point back to)."""

    def __init__(self, actors: Actors, source_id: str, lines: list[str]):
        self.actors = actors
        self.source_id = source_id
        self.lines = lines
        self.done = 0
        self.said: dict[int, list[Said]] = {}
        self.cue_starts: dict[int, list[int]] = {}
        self.recent: deque[tuple[str, str]] = deque(maxlen=RECENT)
        """(speaker key, actor id) of the article's latest speakers, latest last."""
        self.dateline = self._dateline()
        counts: dict[str, int] = {}
        for t in lines:
            for w in re.findall(r"[\w’'.]+", t.lower().replace("’", "'")):
                if w in _COUNTRY_OF:
                    counts[_COUNTRY_OF[w]] = counts.get(_COUNTRY_OF[w], 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        self.majority = (
            ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
        )
        """The country the article names most (none on a tie): whose "defence ministry"."""

    def _dateline(self) -> str | None:
        for text in [t for t in self.lines if t.strip()][:5]:
            m = _DATELINE.match(text)
            if m:
                return _country(m.group(1))
        return None

    def on_line(self, line: int) -> list[Said]:
        while self.done < line:
            self.done += 1
            self.said[self.done] = self._read(self.done)
            self.cue_starts[self.done] = [s.at.cue.start for s in self.said[self.done]]
        return self.said[line]

    def _read(self, line: int) -> list[Said]:
        text = self.lines[line - 1]
        out = []
        for at in find_attributions(text):
            if at.lemma == "citing" and at.speaker and _DOCUMENTS.fullmatch(at.speaker.text):
                continue  # "citing court records and interviews": sources, not a speaker
            if at.speaker and at.relay and at.lemma == "according to" and _bare_medium(text, at):
                # "according to figures published by the ministry": the publisher claims
                speaker = self._resolve(at.relay, text, line)
                out.append(Said(line, at, speaker, None, None))
                continue
            speaker = self._resolve(at.speaker, text, line) if at.speaker else None
            if at.speaker is None and entry_of(at.cue.text).side == "before" and _pronoun(text, at):
                speaker = self._previous()  # "it said", "the update said"
            relay_words = at.relay or _told(text, at)
            relay = self._resolve(relay_words, text, line, "media") if relay_words else None
            out.append(Said(line, at, speaker, relay, relay_words))
        return out

    def _previous(self) -> Resolved | None:
        if not self.recent:
            return None
        key, actor = self.recent[-1]
        return Resolved(actor, "medium", f"a pronoun: the article's latest speaker ('{key}')")

    def _resolve(self, words: Words, text: str, line: int, kind: str | None = None):
        lo = max(0, words.start - 60)
        glued = re.search(r"[\w.-]+:$", text[lo : words.start])  # "Re:Russia" is one name
        if glued:
            words = Words(text[lo + glued.start() : words.end], lo + glued.start(), words.end)
        said = words.text
        core = _MEDIUM_BEFORE.sub("", said)
        core = _MEDIUM_AFTER.sub("", core).strip() or said
        key = _key(core)
        name = _appositive(text, words)
        found = self._match(key, core, text, name, words.start)
        if found is None and _bare(core) and not name:
            found = Resolved(None, None, f"'{core}' says not whose: fill it")
        if found is None:
            found = self._new(core, name, text, line, words, kind)
        if found.actor_id:
            self.recent.append((key, found.actor_id))
        return found

    def _match(self, key: str, core: str, text: str, name: str | None, at: int = 0):
        """The actor the speaker words mean (see the module docstring), a Resolved with no
        actor when they could mean several, or None for a new actor."""
        a = self.actors
        if name and len(ids := a.exact(_key(name))) == 1:
            return Resolved(next(iter(ids)), "high", f"'{name}' is an alias")
        definite = re.fullmatch(r"(?:the|its)\s+(\S+)(?:\s+\S+)?", core, re.I)
        lower = definite is not None and definite.group(1)[:1].islower()
        ids = a.exact(key)
        place = _place(text, at)
        if lower:  # "the ministry": the one this article named before?
            found = self._antecedent(key, core, place, None)
            if found is not None:
                return found
            if ids:
                return Resolved(None, None, f"'{core}' names no actor of this article before it")
        if len(ids) == 1:
            return Resolved(next(iter(ids)), "high", f"'{core}' is an alias")
        if len(ids) > 1:
            return Resolved(None, None, f"'{core}' is an alias of {', '.join(sorted(ids))}")
        if (actor := a.ending(key)) is not None:
            return Resolved(actor, "high", f"'{core}' ends in an alias of {actor}")
        if (actor := a.surname(key)) is not None:
            return Resolved(actor, "medium", f"'{core}' is the surname of {actor}")
        own = _country(core)
        if definite and (found := self._antecedent(key, core, place, own)) is not None:
            return found  # "the General Staff", "The Ukrainian military": named before
        rest = _without_country(key)
        context = own or _country(place or "") or self.dateline or self.majority
        for words, country in ((rest, own), (key, context)):
            if not words or len(words.split()) < (1 if words is rest else 2):
                continue
            ids = a.exact(words) | a.tail_of(words) if words is rest else a.tail_of(words)
            if not ids:
                continue
            mine = {i for i in ids if a.country.get(i) == country} if country else set()
            if len(ids) == 1 and (country is None or mine):
                return Resolved(next(iter(ids)), "medium", f"'{core}' ends an alias")
            if len(mine) == 1:
                why = f"'{core}' ends an alias; {country} from the words or their context"
                return Resolved(next(iter(mine)), "medium", why)
            if not mine and country is not None:
                break  # an actor of another country: a new one
            return Resolved(None, None, f"'{core}' may be {', '.join(sorted(ids))}")
        return None

    def _antecedent(self, key: str, core: str, place: str | None, country: str | None):
        """The latest speaker of this article whose words hold the description's noun ("the
        ministry" → "the Russian defence ministry"), unless the sentence opens on a place
        the speaker's words do not name ("In India, the foreign ministry said"), or the
        description names another country."""
        head = key.split()[-1]
        named = {  # its proper words ("the General Staff") must be the earlier speaker's too
            _key(t) for t in core.split()[1:] if t[:1].isupper() and _country(t) is None
        }
        for earlier, actor in reversed(self.recent):
            if head not in earlier.split() or not named <= set(earlier.split()):
                continue
            if place and place.lower() not in earlier:
                return None
            if country and self.actors.country.get(actor) != country:
                continue
            return Resolved(actor, "medium", f"'{core}': the article's '{earlier}'")
        return None

    def _new(self, core: str, name: str | None, text: str, line: int, words: Words, kind):
        from .spans import SPAN_RE, quote_for

        name = name or _proper_name(core)
        cut = SPAN_RE.search(name)
        if cut:  # no number in a name: "recruitment offices in 15 regions"
            name = re.sub(r"\s+\w+\s*$", "", name[: cut.start()].rstrip()) or name
        name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I).strip()
        key = _key(name)
        if key in self.actors.new_keys:
            actor_id = self.actors.new_keys[key]
            return Resolved(actor_id, "medium", f"new actor {actor_id}")
        slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", slug.replace("’", "").replace("'", "")).strip("-")
        base = f"act-{slug or 'new'}"
        actor_id, n = base, 2
        while actor_id in self.actors.ids:
            actor_id, n = f"{base}-{n}", n + 1
        aliases = list(dict.fromkeys([words.text, name]))
        guess = kind or next(
            (k for k, p in KIND_WORDS if re.search(p, f"{core} {name}", re.I)), None
        )
        if (
            guess is None
            and name != core
            and re.fullmatch(r"(?:[A-Z][\w’'-]+\s){1,3}[A-Z][\w’'-]+", name)
        ):
            guess = "person"
        guess = guess if guess in self.actors.kinds else None
        lo = min(words.start, text.find(name) if name in text else words.start)
        hi = max(words.end, text.find(name) + len(name) if name in text else words.end)
        quoted = quote_for(text, lo, hi)
        why = [f"new actor from '{words.text}': check that no actor of data/ is meant"]
        why.append(f"kind {guess} (guess)" if guess else "fill kind")
        self.actors.new.append(
            {
                "actor_id": actor_id,
                "name": name,
                "kind": guess,
                "country": _country(core),
                "aliases": " | ".join(aliases),
                "source_id": self.source_id,
                "line": line,
                "quote": quoted[0] if quoted else None,
                "_why": "; ".join(why),
                "_start": lo,
                "_end": hi,
            }
        )
        self.actors.country[actor_id] = _country(core)
        for spelling in (name, *aliases):
            self.actors.new_keys.setdefault(_key(spelling), actor_id)
        self.actors.ids.add(actor_id)
        return Resolved(actor_id, "medium", f"new actor {actor_id} from '{words.text}'")

    # ------------------------------------------------------------ numbers

    def claim(self, line: int, text: str, start: int, end: int) -> Claim:
        """claimed_by and reported_by of the number at text[start:end] on ``line``."""
        from .spans import sentence_around

        if _bracketed_conversion(text, start):
            why = "a conversion in brackets: the article's own"
            return Claim(Resolved(None, "high", why), Resolved(None, "high", why))
        sentence, offset = sentence_around(text, start, end)
        lo, hi = offset, offset + len(sentence)
        said = self.on_line(line)
        cues = self.cue_starts[line]
        mine = [
            s
            for s in said[bisect.bisect_left(cues, lo) : bisect.bisect_left(cues, hi)]
            if not (s.at.speaker and s.at.speaker.start <= start < s.at.speaker.end)
        ]
        if not mine:
            none = "no attribution in its sentence"
            return Claim(Resolved(None, "medium", none), Resolved(None, "medium", none))
        inner, outer = _nesting(mine, start)
        claim = Claim(inner.speaker, inner.relay)
        if outer is not None and outer.speaker and outer.speaker.actor_id:
            claim.reported_by = Resolved(
                outer.speaker.actor_id,
                "medium",
                f"'{inner.at.cue.text}' inside what {outer.at.cue.text} relays",
            )
        if claim.reported_by is None:
            claim.reported_by = Resolved(None, "medium", "no relay named")
        return claim

    def statements(self, line: int) -> list[Said]:
        return [s for s in self.on_line(line) if s.speaker is not None and s.speaker.actor_id]


def event_type(said: Said) -> str:
    return "assessment" if said.at.lemma in _ASSESSING else "statement"


def _nesting(mine: list[Said], start: int) -> tuple[Said, Said | None]:
    """(the attribution whose speaker claims the number, the one that relays it, if any).
    A participle ("saying", "adding") shares its clause's speaker: it nests nothing."""
    mine = [s for s in mine if entry_of(s.at.cue.text).side != "none"] or mine
    citing = [s for s in mine if s.at.lemma == "citing" and s.speaker]
    if citing:
        others = [s for s in mine if s is not citing[0] and s.at.cue.start < citing[0].at.start]
        return citing[0], (others[-1] if others else None)
    if len(mine) >= 2:
        first, second = mine[0], mine[1]
        if first.at.cue.end <= (second.at.speaker or second.at.cue).start <= start:
            return second, first  # "X said: “Y suggests … N”"
    nearest = min(mine, key=lambda s: max(s.at.start - start, start - s.at.end, 0))
    return nearest, None


_POINTS_BACK = re.compile(
    r"(?i)(?:\b(?:it|he|she|they|we)|\b(?:the|its|this|that|their)\s+(?:\w+\s+)?(?:"
    + "|".join(MEDIUM_WORDS)
    + r")s?)\s+(?:\w+\s+)?$"
)


_DOCUMENTS = re.compile(
    r"(?i)(?:(?:the|its|their|official|court|leaked|internal|public|government)\s+)*"
    r"(?:records|documents|data|interviews|figures|statistics|reports|estimates|papers|files)"
    r"(?:\s+(?:and|or)\s+(?:\w+\s+)?(?:records|documents|data|interviews|figures|statistics"
    r"|reports|estimates|papers|files))*"
)
"""What an article cites that is no speaker ("citing court records and interviews")."""


def _bare_medium(text: str, at: Attribution) -> bool:
    """Whether the speaker words are only a medium and the relay its publisher ("figures
    published by the ministry")."""
    if at.speaker is None or at.relay is None or not _DOCUMENTS.fullmatch(at.speaker.text):
        return False
    return (
        re.fullmatch(r"(?i)\s*published\s+by\s*", text[at.speaker.end : at.relay.start]) is not None
    )


def _pronoun(text: str, at: Attribution) -> bool:
    """Whether the cue's subject only points back: a pronoun ("it said") or a medium with no
    owner ("the update said", "the statement added")."""
    return bool(_POINTS_BACK.search(text[max(0, at.cue.start - 60) : at.cue.start]))


def _told(text: str, at: Attribution) -> Words | None:
    """The medium a speaker told the words ("told state media"), as relay words."""
    if at.lemma != "tell":
        return None
    m = re.match(r"\s+((?:the\s+)?[^,;:.“”\"—–]+?)(?=\s+(?:that|on|in|last|this)\b|[,;:.“”\"—–]|$)",
                 text[at.cue.end :])  # fmt: skip
    if m is None or not _TOLD_MEDIA.search(m.group(1)):
        return None
    return Words(m.group(1), at.cue.end + m.start(1), at.cue.end + m.end(1))


def _appositive(text: str, words: Words) -> str | None:
    """A proper name between commas right after the speaker words ("the region’s governor,
    Vyacheslav Gladkov, told"), or before them ("Dmitry Medvedev, the deputy head …")."""
    m = re.match(r",\s*((?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+),\s", text[words.end :])
    return m.group(1) if m else None


_CONNECTORS = frozenset({"of", "for", "the", "and", "on"})


def _proper_name(core: str) -> str:
    """The name in speaker words: a capitalised tail after lowercase words ("the independent
    outlet Vyorstka"), a capitalised head before a medium's noun ("the RBC news site"), else
    the words."""
    tokens = core.split()
    caps = [bool(re.match(r"[A-Z]", t)) and not re.search(r"[’']s$", t) for t in tokens]
    if len(tokens) >= 2 and caps[-1] and not caps[0]:
        n = len(tokens)  # back over capitalised words and the connectors inside a name
        while n > 0 and (caps[n - 1] or (tokens[n - 1] in _CONNECTORS and n > 1 and caps[n - 2])):
            n -= 1
        return " ".join(tokens[n:])
    if any(caps[1:]) and _TOLD_MEDIA.search(
        " ".join(t for t, c in zip(tokens, caps, strict=True) if not c)
    ):
        return " ".join(t for t, c in zip(tokens, caps, strict=True) if c)
    return core


def _bracketed_conversion(text: str, start: int) -> bool:
    """Whether the number opens a bracket right after an amount ("hryvnias (about $24,000)")."""
    from .spans import CURRENCY_SIGNS, CURRENCY_WORDS

    before = text[max(0, start - 200) : start]
    opened = before.rfind("(")
    if opened < 0 or ")" in before[opened:]:
        return False
    currencies = "|".join(w for words in CURRENCY_WORDS.values() for w in words.split())
    return bool(
        re.search(rf"(?i)\b(?:{currencies})\s*$", before[:opened])
        and re.fullmatch(r"\(\s*(?:about|around|some|roughly|nearly|almost)?\s*(?:US)?["
                         + re.escape("".join(CURRENCY_SIGNS)) + r"]?\s*", before[opened:])
    )  # fmt: skip
