"""Draft rows for the spans ``recruitment coverage`` reports: the machine drafts, a curator
confirms, the validator proves.

For every uncovered span of a seed (the spans :func:`recruitment.coverage.uncovered_spans`
lists), :func:`suggest` drafts one row of the table that would cover it: a ``figures`` row
for a number, an ``events`` row for a date, an ``exclusions`` row for a name, an ordinal
or a vague magnitude. The drafted columns are those the words decide (value_text and the
value the project's number function reads, the qualifier, dates read literally, the line
and a verbatim quote); the rest are guesses marked as such in ``why`` (unit, measure,
event type) or left empty for the curator (claimant, summary, notes of relative dates).
Drafts are never written into ``data/``: a person moves them there.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.coverage import SPAN_PATTERN, uncovered_spans
from ..core.package import Package
from ..core.sqltypes import ident, literal
from ..errors import RecruitmentError
from ..report import clean, json_dumps
from . import periods
from .claimants import Actors, Reader, event_type
from .codes import from_package
from .ids import next_ids
from .spans import SPAN_RE, Expression, quote_for, read_line, sentence_around

TABLE_OF_KIND = {"number": "figures", "date": "events", "excluded": "exclusions"}
TABLES = ("actors", "figures", "events", "exclusions")
"""The tables suggest drafts rows of, in the order a reviewer adds them (actors first:
the others name them)."""
REVIEW_COLUMNS = ("confidence", "field_confidence", "why")
"""Appended to every draft for the reviewer; not columns of any table."""
LEFT = {
    "figures": "period_* if the text fixes a period, event_id, subject, notes",
    "events": "place",
    "exclusions": "",
    "actors": "",
}
DRAFTED = {
    "figures": ("value", "qualifier", "unit", "measure", "claimed_by", "reported_by", "period"),
    "events": ("date", "event_type", "actor_id", "reported_by"),
}
"""The columns each draft says how sure it is of (``field_confidence``); one it is not sure
enough of is left empty, so validate stops the row until a person fills it."""

EVENT_CUES = [
    ("decree", r"\bdecree"),
    ("annexation", r"\bannex"),
    ("mobilisation", r"\bmobili[sz]"),
    ("conscription_call_up", r"\bconscript|\bcall-ups?\b|\bdraft"),
    ("recruitment_campaign", r"\brecruit"),
    ("invasion", r"\binva(?:de|sion)"),
    ("visit", r"\bvisit"),
    ("negotiation", r"\bnegotiat|\btalks\b|\bceasefire"),
    ("strike", r"\bstrike|\bstruck\b|\bshell|\bmissile|\bdrone|\battack"),
    ("ground_fighting", r"\bfighting\b|\boffensive\b|\bcaptur|\bstorm"),
    ("assessment", r"\bassess|\bestimat|\bintelligence update"),
    ("statement", r"\bsaid\b|\bsays\b|\bannounc|\btold\b|\bclaimed\b|\bstated\b"),
]
"""Words in the sentence that suggest an event type; the nearest to the date wins."""


class UnknownSource(RecruitmentError, ValueError):
    """The source id names no row of sources."""

    param = "SOURCE_ID"


class DraftsRefused(RecruitmentError, ValueError):
    """``--write`` names a file inside data/."""

    param = "--write"


@dataclass
class Draft:
    table: str
    row: dict
    """Every column of the table; None where the curator fills it."""
    confidence: str
    why: str
    seed_file: str
    start: int
    end: int
    """Where the words stand on the cited line (0-based character offsets)."""
    field_confidence: dict[str, str] = field(default_factory=dict)
    """How sure the draft is of each column it drafts (high | medium), and ``empty`` for
    one it leaves to a person."""


@dataclass
class Suggestion:
    package: Package | None
    drafts: list[Draft] = field(default_factory=list)
    findings: list = field(default_factory=list)
    """The validator's findings other than coverage: while there are any, the drafts may
    repeat or miss what a broken row records."""


def suggest(root: Path, source_id: str | None = None, every_span: bool = False) -> Suggestion:
    """Drafts for every uncovered span of the package's seeds (or of one source's seed).

    ``every_span`` drafts for covered spans too: what suggest would say if no row recorded
    them."""
    from ..checks.validate import validate

    result = validate(root)
    pkg, con = result.package, result.con
    others = [f for f in result.findings if not f.rule.startswith("coverage/")]
    if pkg is None or con is None:
        return Suggestion(pkg, [], others)
    loaded = loaded_tables(result)
    seeds = dict(con.execute("SELECT seed_file, source_id FROM sources").fetchall())
    if source_id is not None and source_id not in seeds.values():
        raise UnknownSource(f"no sources row has source_id {source_id!r}")
    by_line: dict[tuple[str, int], set[str]] = defaultdict(set)
    spans = (
        con.execute(
            "SELECT s.seed_file, l.line, unnest(regexp_extract_all(l.text, "
            f"{literal(SPAN_PATTERN)})) FROM seed_lines l JOIN sources s USING (source_id)"
        ).fetchall()
        if every_span
        else uncovered_spans(con, pkg, loaded)
    )
    for seed_file, line, span in spans:
        if source_id is None or seeds.get(seed_file) == source_id:
            by_line[seed_file, line].add(span)
    drafter = _Drafter(pkg, con, loaded)
    for seed_file in sorted({f for f, _ in by_line}):
        drafter.article(seed_file, seeds[seed_file])
        for line in sorted(n for f, n in by_line if f == seed_file):
            drafter.line(line, by_line[seed_file, line])
    return Suggestion(pkg, drafter.finish(), others)


def loaded_tables(result) -> set[str]:
    """The resources a validation could load into its connection."""
    from ..checks.validate import temp_relations

    held = temp_relations(result.con)
    return {name for name in result.package.resources if name in held}


def outstanding(result) -> list[tuple[str, int, str]]:
    """(seed_file, line, span) that no row covers, even while other checks fail (where the
    tables could be read at all)."""
    if result.package is None or result.con is None:
        return []
    return uncovered_spans(result.con, result.package, loaded_tables(result))


def _rows(con, loaded: set[str], table: str, columns: tuple[str, ...], pkg) -> list[dict]:
    res = pkg.resources.get(table)
    if table not in loaded or res is None or not res.has(*columns):
        return []
    sql = f"SELECT {', '.join(ident(c) for c in columns)} FROM {ident(table)}"
    return [dict(zip(columns, r, strict=True)) for r in con.execute(sql).fetchall()]


class _Drafter:
    """Turns the expressions of an article's lines into rows of the tables the package
    declares."""

    def __init__(self, pkg: Package, con, loaded: set[str]):
        self.pkg = pkg
        self.con = con
        self.drafts: list[Draft] = []
        self.ids = {}
        for table in TABLE_OF_KIND.values():
            res = pkg.resources.get(table)
            if res is None or not res.primary_key:
                continue
            key = res.primary_key[0]
            existing = (
                [x for (x,) in con.execute(f"SELECT {ident(key)} FROM {ident(table)}").fetchall()]
                if table in loaded
                else []
            )
            self.ids[table] = next_ids(
                res.field(key).constraints.get("pattern", ""), existing, or_none=True
            )
        self.codes = from_package(pkg, con, loaded)
        actors = pkg.resources.get("actors")
        self.actors = Actors(
            _rows(con, loaded, "actors", ("actor_id", "name", "kind", "country", "aliases"), pkg),
            (actors.field("kind").enum or []) if actors and actors.has("kind") else [],
        )
        self.recorded = {
            (r["source_id"], r["line"], r["actor_id"])
            for r in _rows(con, loaded, "events", ("source_id", "line", "actor_id"), pkg)
        }
        self.published = {
            r["source_id"]: (r["published_start"], r["published_end"])
            for r in _rows(
                con, loaded, "sources", ("source_id", "published_start", "published_end"), pkg
            )
        }
        self.known: dict[tuple, list] = defaultdict(list)
        figures = pkg.resources.get("figures")
        if "figures" in loaded and figures.has(
            "measure", "unit", "value", "claim_key", "figure_id"
        ):
            for fid, src, measure, unit, value, key in con.execute(
                "SELECT figure_id, source_id, measure, unit, value, claim_key FROM figures "
                "WHERE value IS NOT NULL ORDER BY figure_id"
            ).fetchall():
                self.known[measure, unit, value].append((fid, src, key))

    def article(self, seed_file: str, source_id: str) -> None:
        lines = [
            t
            for (t,) in self.con.execute(
                "SELECT text FROM seed_lines WHERE source_id = ? ORDER BY line", [source_id]
            ).fetchall()
        ]
        self.seed_file, self.source_id, self.lines = seed_file, source_id, lines
        self.reader = Reader(self.actors, source_id, lines)
        self.ps, self.pe = self.published.get(source_id, (None, None))

    def line(self, line: int, spans: set[str]) -> None:
        """Drafts for the expressions of ``line`` that hold one of ``spans``."""
        text = self.lines[line - 1]
        exprs = read_line(text, self.codes)
        said = self.reader.on_line(line)
        whens = periods.read(text, [e for e in exprs if e.kind == "date"], self.ps, self.pe)
        dated = periods.mark_statements(text, whens, [s.at for s in said])
        numbers = [e for e in exprs if e.kind == "number"]
        number_index = {e.start: i for i, e in enumerate(numbers)}
        period_of = periods.assign(text, numbers, whens)
        recorded = sorted(  # date words a figure's period records
            (p.when for p in period_of.values() if p.when is not None and p.when.text),
            key=lambda w: w.lo,
        )
        statement_of = {}
        for i, at in dated.items():
            w = whens[i]
            statement_of[w.lo, w.hi] = next(s for s in said if s.at is at)
        for expr in exprs:
            held = [m.group() for m in SPAN_RE.finditer(text, expr.start, expr.end)]
            if not any(s in spans for s in held):
                continue
            context = {"line": line, "text": text}
            if expr.kind == "number":
                context["period"] = period_of.get(number_index[expr.start])
                context["claim"] = self.reader.claim(line, text, expr.start, expr.end)
            elif expr.kind == "date":
                held = _holding(recorded, [x.lo for x in recorded], expr.start)
                context["period_words"] = held is not None and expr.end <= held.hi
                w = _holding(whens, [x.lo for x in whens], expr.start)
                context["when"] = w
                context["said"] = statement_of.get((w.lo, w.hi)) if w else None
            self.draft(expr, context)
        taken = {id(s) for s in statement_of.values()}
        for s in self.reader.statements(line):
            if (
                id(s) not in taken
                and (self.source_id, line, s.speaker.actor_id) not in self.recorded
            ):
                self.statement(s, line, text)

    def finish(self) -> list[Draft]:
        """The drafts, with a draft of each new actor they name first."""
        named = {
            d.row.get(c)
            for d in self.drafts
            for c in ("claimed_by", "reported_by", "actor_id")
            if d.row.get(c)
        }
        res = self.pkg.resources.get("actors")
        new = []
        for row in self.actors.new:
            if row["actor_id"] not in named or res is None:
                continue
            draft = {k: row.get(k) for k in res.field_names}
            sure = {"name": "medium", "kind": "medium" if row["kind"] else "empty"}
            confidence = "medium" if row["kind"] and row["quote"] else "low"
            why = row["_why"] if row["quote"] else row["_why"] + "; write the quote"
            new.append(
                Draft(
                    "actors",
                    draft,
                    confidence,
                    why,
                    self.seed_file,
                    row["_start"],
                    row["_end"],
                    sure,
                )  # fmt: skip
            )
        return new + self.drafts

    def _new_row(self, table: str, line: int, text: str, lo: int, hi: int):
        res = self.pkg.resources.get(table)
        if res is None:
            return None, None, None
        row = dict.fromkeys(res.field_names)
        quoted = quote_for(text, lo, hi)
        row.update(
            {
                res.primary_key[0]: next(self.ids[table]) if table in self.ids else None,
                "source_id": self.source_id,
                "line": line,
                "quote": quoted[0] if quoted else None,
            }
        )
        return res, row, quoted

    def draft(self, expr: Expression, context: dict) -> None:
        table = TABLE_OF_KIND[expr.kind]
        line, text = context["line"], context["text"]
        lo, hi = expr.start, expr.end
        period = context.get("period")
        if period is not None and period.when is not None and period.when.text:
            lo, hi = min(lo, period.when.lo), max(hi, period.when.hi)
        said = context.get("said")
        if said is not None:
            lo, hi = min(lo, said.at.start), max(hi, said.at.end, expr.end)
        res, row, quoted = self._new_row(table, line, text, lo, hi)
        if res is None:
            return
        why = list(expr.guesses)
        if quoted is None:
            why.append("no clause of 8 characters or more holds the words: write the quote")
        sure = dict(expr.field_confidence)
        if table == "figures":
            self._figure(expr, row, why, sure, context)
        elif table == "events":
            self._event(expr, row, why, sure, context)
        else:
            row.update(span_text=expr.text, **expr.facts)
        self._add(table, res, row, why, sure, expr.start, expr.end, quoted is not None)

    def _add(self, table, res, row, why, sure, start, end, quoted: bool) -> None:
        for col, value in list(row.items()):  # codes outside the schema's enum are no guesses
            enum = res.field(col).enum if col in res.field_names else None
            if enum is not None and value is not None and value not in enum:
                row[col] = None
                why.append(f"{col} {value} is no code of the schema: fill it")
        left = [
            f.name
            for f in res.fields
            if f.required and row.get(f.name) is None and f.name not in res.primary_key
        ]
        if left:
            why.append(f"fill {', '.join(left)}")
        if LEFT[table]:
            why.append(f"consider {LEFT[table]}")
        row = {k: v for k, v in row.items() if k in res.field_names}
        shown = {f: sure.get(f, "empty") for f in DRAFTED.get(table, ())}
        levels = [v for k, v in shown.items() if k in ("value", "qualifier", "unit", "measure")]
        if table != "figures":
            levels = [sure.get("confidence", "high")]
        worst = "low" if "empty" in levels or not quoted else min(levels, key=_LEVEL.get)
        self.drafts.append(
            Draft(table, row, worst, "; ".join(why), self.seed_file, start, end, shown)
        )

    def _figure(self, expr: Expression, row: dict, why: list, sure: dict, context) -> None:
        facts = expr.facts
        row.update({k: facts.get(k) for k in ("value", "value_low", "value_high", "qualifier")})
        row.update(value_text=expr.text, unit=facts.get("unit"), measure=facts.get("measure"))
        shown = facts.get("value")
        if shown is None:
            shown = f"{facts.get('value_low')}..{facts.get('value_high')}"
        why.insert(0, f"'{expr.text}' reads as {shown}")
        self._period(row, why, sure, context.get("period"))
        claim = context["claim"]
        for column, resolved in (
            ("claimed_by", claim.claimed_by),
            ("reported_by", claim.reported_by),
        ):
            if resolved is None:
                why.append(f"{column}: the text names no one it can read")
                continue
            if resolved.actor_id and resolved.confidence in ("high", "medium"):
                row[column] = resolved.actor_id
                sure[column] = resolved.confidence
                why.append(f"{column} {resolved.actor_id} ({resolved.confidence}): {resolved.why}")
            elif resolved.actor_id is None and resolved.confidence in ("high", "medium"):
                sure[column] = resolved.confidence  # nobody, and sure of it
            else:
                why.append(f"{column} left empty: {resolved.why}")
        self._claim_key(expr, row, why)

    def _period(self, row: dict, why: list, sure: dict, period) -> None:
        if period is None:
            sure["period"] = "medium"  # no date words for it: none
            return
        w = period.when
        allowed = self.pkg.resources["figures"].field("period_precision").enum or []
        if w is None or w.start is None or not {"period_start", "period_end"} <= set(row):
            why.append(period.why)
            return
        row.update(
            period_start=w.start,
            period_end=w.end,
            period_precision=periods.precision(w.start, w.end, allowed),
            period_text=w.text or None,
            period_basis=w.basis,
        )
        if w.notes and "notes" in row:
            row["notes"] = w.notes
        sure["period"] = period.confidence
        why.append(f"{period.why} ({period.confidence}): {w.start}..{w.end}, {w.basis}")

    def _claim_key(self, expr: Expression, row: dict, why: list) -> None:
        facts, source_id = expr.facts, self.source_id
        measure, value = row.get("measure"), facts.get("value")
        known = self.known.get((measure, row.get("unit"), value), [])
        same_source = [k for k in known if k[1] == source_id]
        other = [k for k in known if k[1] != source_id]
        if same_source:
            why.append(
                f"{same_source[0][0]} of this source records the same measure and value: "
                "if this repeats it, exclude it (reason repeat) instead"
            )
        if other:
            row["claim_key"] = other[0][2]
            why.append(
                f"claim_key of {other[0][0]} ({other[0][1]}), same measure and value: "
                "keep it only if this reports the same claim"
            )
        elif measure:
            ends = [str(facts[k]) for k in ("value", "value_low", "value_high") if k in facts]
            key = "-".join([measure, *dict.fromkeys(ends)])
            row["claim_key"] = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
            why.append("claim_key drafted: use another article's key if it reports this claim")
        if measure:
            entry = (row["figure_id"], source_id, row["claim_key"])
            self.known[measure, row.get("unit"), value].append(entry)

    def _event(self, expr: Expression, row: dict, why: list, sure: dict, context) -> None:
        facts, text = expr.facts, context["text"]
        w, said = context.get("when"), context.get("said")
        row.update(
            date_start=facts.get("start"),
            date_end=facts.get("end"),
            date_precision=facts.get("precision"),
            date_text=expr.text,
            date_basis=facts.get("basis"),
        )
        if facts.get("basis") == "stated":
            why.insert(0, f"'{expr.text}' read literally as {_interval(facts)}")
            sure["date"] = "high"
        elif w is not None and w.start is not None and w.text == expr.text:
            allowed = self.pkg.resources["events"].field("date_precision").enum or []
            row.update(
                date_start=w.start,
                date_end=w.end,
                date_precision=periods.precision(w.start, w.end, allowed),
            )
            if "notes" in row:
                row["notes"] = w.notes
            sure["date"] = "high"
            why.append(f"date {w.start}..{w.end} ({w.notes})")
        else:
            reason = w.why if w is not None and w.why else "the resolver cannot read it"
            row.update(date_start=None, date_end=None)
            why.append(f"date left empty ({reason}): fill date_start, date_end and notes")
        if context.get("period_words"):
            why.append(
                "a figure's period on this line holds these words: keep this row only if they "
                "date a happening of its own"
            )
        if said is not None:
            self._speaker(row, why, sure, said)
            return
        sentence, offset = sentence_around(text, expr.start, expr.end)
        lo, hi = expr.start - offset, expr.end - offset
        best = None
        for rank, (kind, pattern) in enumerate(EVENT_CUES):
            for m in re.finditer(pattern, sentence, flags=re.I):
                key = (max(m.start() - hi, lo - m.end(), 0), rank)
                if best is None or key < best[0]:
                    best = (key, kind, m.group())
        if best:
            row["event_type"] = best[1]
            sure["event_type"] = "medium"
            why.append(f"event_type {best[1]} (guess) from '{best[2]}'")
        self._event_key(row, why)

    def _speaker(self, row: dict, why: list, sure: dict, said) -> None:
        """An event that is an attributed statement: its type, speaker and relay."""
        row["event_type"] = event_type(said)
        sure["event_type"] = "high"
        why.append(f"event_type {row['event_type']} from '{said.at.cue.text}'")
        for column, resolved in (("actor_id", said.speaker), ("reported_by", said.relay)):
            if resolved is not None and resolved.actor_id and column in row:
                row[column] = resolved.actor_id
                sure[column] = resolved.confidence
                why.append(f"{column} {resolved.actor_id} ({resolved.confidence}): {resolved.why}")
        sure.setdefault("reported_by", "medium")
        why.append("write the summary: what was said")
        self._event_key(row, why)

    def statement(self, said, line: int, text: str) -> None:
        """A draft events row for an attributed statement with no date words of its own."""
        res, row, quoted = self._new_row("events", line, text, said.at.start, said.at.end)
        if res is None or not res.has("event_type", "date_start", "date_end"):
            return
        why, sure = [f"an attributed statement ('{said.at.cue.text}')"], {}
        if self.ps is not None and self.pe is not None:
            start, end = periods.undated_statement(self.ps, self.pe)
            allowed = res.field("date_precision").enum or []
            row.update(
                date_start=start,
                date_end=end,
                date_precision=periods.precision(start, end, allowed),
                date_basis="inferred",
            )
            if "notes" in row:
                row["notes"] = (
                    "Undated statement reported as current: from a week before the earliest "
                    f"publication date to the latest ({start}..{end}; CONTRIBUTING: reported "
                    "statements)."
                )
            sure["date"] = "medium"
        self._speaker(row, why, sure, said)
        self._add("events", res, row, why, sure, said.at.cue.start, said.at.cue.end,
                  quoted is not None)  # fmt: skip

    def _event_key(self, row: dict, why: list) -> None:
        if "event_key" in row:
            key = f"{row.get('event_type') or 'event'}-{row.get('event_id') or ''}"
            row["event_key"] = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
            why.append("event_key drafted: use another article's key if it reports this happening")


_LEVEL = {"low": 0, "medium": 1, "high": 2}


def _holding(whens: list, los: list[int], at: int):
    """The reading of ``whens`` (sorted by start, not overlapping) whose words hold ``at``."""
    i = bisect.bisect_right(los, at)
    return whens[i - 1] if i and at < whens[i - 1].hi else None


def _interval(facts: dict) -> str:
    start, end = facts["start"], facts["end"]
    return f"{start}" if start == end else f"{start}..{end}"


# ---------------------------------------------------------------- output


def sureness(d: Draft) -> str:
    """A draft's field_confidence as one cell: ``value high, unit medium, measure empty``."""
    return ", ".join(f"{k} {v}" for k, v in d.field_confidence.items())


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_csv(suggestion: Suggestion, tables: list[str]) -> str:
    """One CSV block per table (its schema's columns, then confidence and why), blank-line
    separated."""
    blocks = []
    for table in tables:
        drafts = [d for d in suggestion.drafts if d.table == table]
        if not drafts:
            continue
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*suggestion.package.resources[table].field_names, *REVIEW_COLUMNS])
        for d in drafts:
            writer.writerow([*map(_cell, d.row.values()), d.confidence, sureness(d), d.why])
        blocks.append(out.getvalue())
    return "\n".join(blocks)


def as_json(suggestion: Suggestion, tables: list[str]) -> str:
    doc = {
        "package": suggestion.package.name,
        "drafts": [
            {
                "table": d.table,
                "seed_file": d.seed_file,
                "confidence": d.confidence,
                "field_confidence": d.field_confidence,
                "why": d.why,
                "row": {
                    k: v if v is None or isinstance(v, int | float) else str(v)
                    for k, v in d.row.items()
                },
            }
            for d in suggestion.drafts
            if d.table in tables
        ],
    }
    return json_dumps(doc)


def as_text(suggestion: Suggestion, tables: list[str]) -> str:
    drafts = [d for d in suggestion.drafts if d.table in tables]
    if not drafts:
        return "suggest: no uncovered span, nothing to draft.\n"
    out = []
    for seed_file in dict.fromkeys(d.seed_file for d in drafts):
        mine = [d for d in drafts if d.seed_file == seed_file]
        out.append(f"{len(mine)} draft(s) for {clean(seed_file)}")
        for d in mine:
            key = next(iter(d.row.values()))
            words = d.row.get("value_text") or d.row.get("date_text") or d.row.get("span_text")
            out.append(
                f"  line {d.row['line']}: {d.table} {_cell(key) or '(id)'} [{d.confidence}] "
                f"{clean(repr(words))}"
            )
            shown = {k: v for k, v in d.row.items() if v is not None}
            out.append("      " + clean(", ".join(f"{k}={v}" for k, v in shown.items())))
            if d.field_confidence:
                out.append(f"      sure: {sureness(d)}")
            out.append(f"      why: {clean(d.why)}")
    out.append(
        f"\n{len(drafts)} draft(s). Review each, fill what why lists, drop the confidence and "
        "why columns, add the rows to data/, then run recruitment validate."
    )
    return "\n".join(out) + "\n"


FORMATS = {"text": as_text, "json": as_json, "csv": as_csv}


def write_outside_data(root: Path, path: Path, text: str) -> Path:
    """Write drafts to ``path``, refusing anywhere inside the package's data/ folder."""
    data = (Path(root) / "data").resolve()
    target = Path(path).resolve()
    if target == data or target.is_relative_to(data):
        raise DraftsRefused(
            f"{path} is inside data/: drafts never enter the package until a person moves them"
        )
    target.write_text(text, encoding="utf-8", newline="\n")
    return target
