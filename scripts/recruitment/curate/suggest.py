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

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.coverage import SPAN_PATTERN, uncovered_spans
from ..package import Package
from ..sqltypes import ident, literal
from .ids import next_ids
from .spans import SPAN_RE, Expression, quote_for, read_line, sentence_around

TABLE_OF_KIND = {"number": "figures", "date": "events", "excluded": "exclusions"}
REVIEW_COLUMNS = ("confidence", "why")
"""Appended to every draft for the reviewer; not columns of any table."""
LEFT = {
    "figures": "claimed_by (if the text names who claims it), period_* if the text fixes a "
    "period, event_id, notes",
    "events": "actor_id, place",
    "exclusions": "",
}

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


class UnknownSource(ValueError):
    """The source id names no row of sources."""


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
    them (``make suggest-eval`` measures the drafts against the curated rows that way)."""
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
    for (seed_file, line), spans in sorted(by_line.items()):
        (text,) = con.execute(
            "SELECT text FROM seed_lines WHERE source_id = ? AND line = ?",
            [seeds[seed_file], line],
        ).fetchone()
        for expr in read_line(text):
            held = [m.group() for m in SPAN_RE.finditer(text, expr.start, expr.end)]
            if any(s in spans for s in held):
                drafter.draft(expr, seed_file, seeds[seed_file], line, text)
    return Suggestion(pkg, drafter.drafts, others)


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


class _Drafter:
    """Turns expressions into rows of the tables the package declares."""

    def __init__(self, pkg: Package, con, loaded: set[str]):
        self.pkg = pkg
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

    def draft(self, expr: Expression, seed_file: str, source_id: str, line: int, text: str):
        table = TABLE_OF_KIND[expr.kind]
        res = self.pkg.resources.get(table)
        if res is None:
            return
        why = list(expr.guesses)
        row = dict.fromkeys(res.field_names)
        quoted = quote_for(text, expr.start, expr.end)
        if quoted is None:
            why.append("no clause of 8 characters or more holds the words: write the quote")
        row.update(
            {
                res.primary_key[0]: next(self.ids[table]) if table in self.ids else None,
                "source_id": source_id,
                "line": line,
                "quote": quoted[0] if quoted else None,
            }
        )
        confidence = expr.confidence if quoted else "low"
        if table == "figures":
            self._figure(expr, row, why, source_id)
        elif table == "events":
            self._event(expr, row, why, text)
        else:
            row.update(span_text=expr.text, **expr.facts)
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
        self.drafts.append(
            Draft(table, row, confidence, "; ".join(why), seed_file, expr.start, expr.end)
        )

    def _figure(self, expr: Expression, row: dict, why: list, source_id: str) -> None:
        facts = expr.facts
        row.update({k: facts.get(k) for k in ("value", "value_low", "value_high", "qualifier")})
        row.update(value_text=expr.text, unit=facts.get("unit"), measure=facts.get("measure"))
        shown = facts.get("value")
        if shown is None:
            shown = f"{facts.get('value_low')}..{facts.get('value_high')}"
        why.insert(0, f"'{expr.text}' reads as {shown}")
        measure, value = facts.get("measure"), facts.get("value")
        known = self.known.get((measure, facts.get("unit"), value), [])
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
            self.known[measure, facts.get("unit"), value].append(entry)

    def _event(self, expr: Expression, row: dict, why: list, text: str) -> None:
        facts = expr.facts
        row.update(
            date_start=facts.get("start"),
            date_end=facts.get("end"),
            date_precision=facts.get("precision"),
            date_text=expr.text,
            date_basis=facts.get("basis"),
        )
        if facts.get("basis") == "stated":
            why.insert(0, f"'{expr.text}' read literally as {_interval(facts)}")
        else:
            why.append("then fill date_start, date_end and notes (how it was resolved)")
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
            why.append(f"event_type {best[1]} (guess) from '{best[2]}'")
        if "event_key" in row:
            key = f"{row.get('event_type') or 'event'}-{row.get('event_id') or ''}"
            row["event_key"] = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
            why.append("event_key drafted: use another article's key if it reports this happening")


def _interval(facts: dict) -> str:
    start, end = facts["start"], facts["end"]
    return f"{start}" if start == end else f"{start}..{end}"


# ---------------------------------------------------------------- output

LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\x85"}


def printable(text: object) -> str:
    """``text`` on one line: control characters and line breaks escaped as Python writes them."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


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
            writer.writerow([*map(_cell, d.row.values()), d.confidence, d.why])
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
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    for ch, escaped in LINE_BREAKS.items():
        text = text.replace(ch, escaped)
    return text


def as_text(suggestion: Suggestion, tables: list[str]) -> str:
    drafts = [d for d in suggestion.drafts if d.table in tables]
    if not drafts:
        return "suggest: no uncovered span, nothing to draft.\n"
    out = []
    for seed_file in dict.fromkeys(d.seed_file for d in drafts):
        mine = [d for d in drafts if d.seed_file == seed_file]
        out.append(f"{len(mine)} draft(s) for {printable(seed_file)}")
        for d in mine:
            key = next(iter(d.row.values()))
            words = d.row.get("value_text") or d.row.get("date_text") or d.row.get("span_text")
            out.append(
                f"  line {d.row['line']}: {d.table} {_cell(key) or '(id)'} [{d.confidence}] "
                f"{printable(repr(words))}"
            )
            shown = {k: v for k, v in d.row.items() if v is not None}
            out.append("      " + printable(", ".join(f"{k}={v}" for k, v in shown.items())))
            out.append(f"      why: {printable(d.why)}")
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
        raise ValueError(
            f"{path} is inside data/: drafts never enter the package until a person moves them"
        )
    target.write_text(text, encoding="utf-8", newline="\n")
    return target
