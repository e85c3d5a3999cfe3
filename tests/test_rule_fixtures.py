"""Every rule has a fixture that breaks it, and a test that expects its id, file, line, column.

Each case below breaks a copy of the real package in one place and names the finding it
must produce. Findings of other rules are allowed only where a case lists them in ``also``
(a broken value can rightly fail two rules); anything else is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from conftest import (
    add_row,
    at_line,
    edit_bytes,
    edit_json,
    find_row,
    located,
    schema_field,
    set_cells,
)
from recruitment.checks.validate import validate
from recruitment.findings import RULES


@dataclass
class Expect:
    file: str
    line: int | None
    column: str | None
    also: set[str] = field(default_factory=set)
    contains: str | None = None


CASES: dict[str, Callable] = {}


def case(rule: str, name: str = ""):
    def register(fn):
        CASES[f"{rule}{'#' + name if name else ''}"] = fn
        return fn

    return register


FIG = "data/figures.csv"
EVT = "data/events.csv"
SRC = "data/sources.csv"


def _exact_figure(pkg):
    return find_row(pkg, "figures", qualifier="exact", value=lambda v: v != "")


# --- package metadata ---------------------------------------------------------------------
@case("package/json")
def _(pkg):
    text = (pkg / "datapackage.json").read_text()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"name":' in t)
    (pkg / "datapackage.json").write_text(text.replace('"name":', "name:", 1))
    return Expect("datapackage.json", line, None)


@case("package/descriptor")
def _(pkg):
    edit_json(pkg, "schemas/figures.json", lambda d: schema_field(d, "value").update(type="int"))
    return Expect("schemas/figures.json", None, None)


@case("package/field-type")
def _(pkg):
    edit_json(pkg, "schemas/figures.json", lambda d: schema_field(d, "value").update(type="year"))
    return Expect("schemas/figures.json", None, None)


@case("package/missing-file")
def _(pkg):
    (pkg / "data" / "actors.csv").unlink()
    return Expect("datapackage.json", None, None)


@case("package/path")
def _(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][1].update(path="../actors.csv"))
    return Expect("datapackage.json", None, None)


@case("package/name")
def _(pkg):
    edit_json(pkg, "schemas/events.json", lambda d: schema_field(d, "place").update(name="pl ace"))
    return Expect("schemas/events.json", None, None)


@case("package/key")
def _(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: d["foreignKeys"][0]["reference"].update(resource="nowhere"),
    )
    return Expect("schemas/figures.json", None, None)


@case("package/codebook")
def _(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: schema_field(d, "qualifier")["enumDescriptions"].popitem(),
    )
    return Expect("schemas/figures.json", None, None)


# --- CSV structure ------------------------------------------------------------------------
@case("csv/encoding")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 4, "é".encode("latin-1")))
    return Expect(EVT, 4, None)


@case("csv/bom")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: b"\xef\xbb\xbf" + b)
    return Expect(EVT, 1, None)


@case("csv/nul")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 3, b"\x00"))
    return Expect(EVT, 3, None)


@case("csv/line-ending")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: b.replace(b"\n", b"\r\n"))
    return Expect(EVT, 1, None)


@case("csv/empty")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: b"")
    return Expect(EVT, 1, None)


@case("csv/no-rows")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: b.split(b"\n")[0] + b"\n")
    return Expect(EVT, 1, None)


@case("csv/header")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: b.replace(b"summary", b"sumary", 1))
    return Expect(EVT, 1, None)


@case("csv/blank-line")
def _(pkg):
    edit_bytes(pkg, EVT, lambda b: at_line(b, 3, b"\n"))
    return Expect(EVT, 3, None)


@case("csv/newline-in-field")
def _(pkg):
    set_cells(pkg, "events", 3, summary="two\nlines")
    return Expect(EVT, 3, "summary")


@case("csv/ragged-row")
def _(pkg):
    lines = (pkg / EVT).read_text().split("\n")
    lines[3] += ",one too many"
    (pkg / EVT).write_text("\n".join(lines))
    return Expect(EVT, 4, None)


@case("csv/unclosed-quote")
def _(pkg):
    lines = (pkg / EVT).read_text().split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)
    (pkg / EVT).write_text("\n".join(lines))
    return Expect(EVT, 4, None)


@case("csv/parse")
def _(pkg, monkeypatch):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    def broken(*args, **kwargs):
        raise pa.ArrowInvalid("CSV parse error: something unforeseen")

    monkeypatch.setattr(pcsv, "read_csv", broken)
    return Expect(SRC, None, None)


# --- Table Schema -------------------------------------------------------------------------
@case("standard/required")
def _(pkg):
    return Expect(FIG, set_cells(pkg, "figures", 2, measure=""), "measure")


@case("standard/type")
def _(pkg):
    line, row = _exact_figure(pkg)
    set_cells(pkg, "figures", line, value=row["value"][:-3] + "." + row["value"][-3:])
    return Expect(FIG, line, "value", also={"provenance/value-text"})


@case("standard/type", "date")
def _(pkg):
    return Expect(
        EVT,
        set_cells(pkg, "events", 2, date_start="2023-02-30"),
        "date_start",
        also={"rules/date-incomplete"},
    )


@case("standard/enum")
def _(pkg):
    line, _ = _exact_figure(pkg)
    return Expect(
        FIG,
        set_cells(pkg, "figures", line, qualifier="about"),
        "qualifier",
        contains="codes: exact, approximately",
    )


@case("standard/enum", "did-you-mean")
def _(pkg):
    """'about' is in the description of exactly one code: approximately."""
    line, _ = _exact_figure(pkg)
    set_cells(pkg, "figures", line, qualifier="about")
    return Expect(FIG, line, "qualifier", contains="Did you mean 'approximately'?")


@case("standard/foreign-key", "code-list")
def _(pkg):
    line, _ = find_row(pkg, "figures", measure="casualties")
    set_cells(pkg, "figures", line, measure="casualty")
    return Expect(
        FIG,
        line,
        "measure",
        contains="'casualty' is not a code of the code list measures (data/measures.csv). "
        "Did you mean 'casualties'?",
    )


@case("standard/pattern")
def _(pkg):
    return Expect(FIG, set_cells(pkg, "figures", 2, figure_id="FIG-1"), "figure_id")


@case("standard/minimum")
def _(pkg):
    line = set_cells(pkg, "figures", 2, line="0")
    return Expect(FIG, line, "line", also={"provenance/line-range"})


@case("standard/maximum")
def _(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: schema_field(d, "line")["constraints"].update(maximum=10_000),
    )
    return Expect(
        FIG, set_cells(pkg, "figures", 2, line="10001"), "line", also={"provenance/line-range"}
    )


@case("standard/min-length")
def _(pkg):
    return Expect(
        FIG,
        set_cells(pkg, "figures", 2, quote="Russia"),
        "quote",
        also={"provenance/quote", "provenance/text-in-quote"},
    )


@case("standard/max-length")
def _(pkg):
    return Expect(FIG, set_cells(pkg, "figures", 2, notes="x" * 2001), "notes")


@case("standard/unique")
def _(pkg):
    _, first = find_row(pkg, "sources", source_id="src-000")
    line = set_cells(pkg, "sources", 3, seed_file=first["seed_file"])
    return Expect(
        SRC,
        line,
        "seed_file",
        also={"provenance/sha256", "provenance/seed-unlisted", "provenance/unverified"},
    )


@case("standard/primary-key")
def _(pkg):
    _, first = find_row(pkg, "figures")
    return Expect(FIG, set_cells(pkg, "figures", 3, figure_id=first["figure_id"]), "figure_id")


@case("standard/foreign-key")
def _(pkg):
    line, _ = find_row(pkg, "figures", claimed_by=lambda v: v != "")
    return Expect(FIG, set_cells(pkg, "figures", line, claimed_by="act-nobody"), "claimed_by")


# --- text hygiene -------------------------------------------------------------------------
@case("text/whitespace")
def _(pkg):
    return Expect(
        EVT, set_cells(pkg, "events", 2, summary="\u00a0Putin signs a decree."), "summary"
    )


@case("text/formula")
def _(pkg):
    return Expect(EVT, set_cells(pkg, "events", 2, summary='=HYPERLINK("http://x")'), "summary")


@case("text/control")
def _(pkg):
    return Expect(EVT, set_cells(pkg, "events", 2, summary="Putin\tsigns"), "summary")


@case("text/nfc")
def _(pkg):
    return Expect(EVT, set_cells(pkg, "events", 2, summary="Cafe\u0301 decree"), "summary")


# --- rules --------------------------------------------------------------------------------
@case("rules/value-bounds")
def _(pkg):
    line, _ = find_row(pkg, "figures", qualifier="range")
    return Expect(
        FIG,
        set_cells(pkg, "figures", line, qualifier="exact", value="40"),
        "value",
        also={"rules/qualifier-bounds", "provenance/value-text"},
    )


@case("rules/qualifier-bounds")
def _(pkg):
    line, _ = _exact_figure(pkg)
    return Expect(FIG, set_cells(pkg, "figures", line, qualifier="up_to"), "qualifier")


def _day_event(pkg):
    return find_row(pkg, "events", date_precision="day")


@case("rules/date-order")
def _(pkg):
    line, row = _day_event(pkg)
    before = dt.date.fromisoformat(row["date_start"]) - dt.timedelta(days=1)
    return Expect(
        EVT,
        set_cells(pkg, "events", line, date_end=before.isoformat()),
        "date_end",
        also={"curation/relative-date", "curation/interval-honest"},
    )


@case("rules/date-precision")
def _(pkg):
    line, row = _day_event(pkg)
    after = dt.date.fromisoformat(row["date_start"]) + dt.timedelta(days=1)
    return Expect(
        EVT,
        set_cells(pkg, "events", line, date_end=after.isoformat()),
        "date_precision",
        also={"curation/relative-date", "curation/interval-honest"},
    )


@case("rules/date-incomplete")
def _(pkg):
    line, _ = find_row(pkg, "figures", period_end=lambda v: v != "")
    return Expect(FIG, set_cells(pkg, "figures", line, period_end=""), "period_start")


@case("rules/basis-text")
def _(pkg):
    line, _ = find_row(pkg, "events", date_basis="stated")
    return Expect(EVT, set_cells(pkg, "events", line, date_text=""), "date_text")


@case("rules/basis-notes")
def _(pkg):
    line, _ = find_row(pkg, "events", date_basis="relative")
    return Expect(EVT, set_cells(pkg, "events", line, notes=""), "notes")


# --- provenance ---------------------------------------------------------------------------
@case("provenance/seed-path")
def _(pkg):
    return Expect(
        SRC,
        set_cells(pkg, "sources", 2, seed_file="/etc/hostname"),
        "seed_file",
        also={"provenance/seed-unlisted", "provenance/unverified"},
    )


@case("provenance/seed-missing")
def _(pkg):
    return Expect(
        SRC,
        set_cells(pkg, "sources", 2, seed_file="seeds/gone.txt"),
        "seed_file",
        also={"provenance/seed-unlisted", "provenance/unverified"},
    )


@case("provenance/seed-unlisted")
def _(pkg):
    from conftest import next_source

    seed = f"seeds/{next_source(pkg)[1]}new.txt"
    (pkg / seed).write_text("A new article.\n")
    return Expect(seed, None, None)


@case("provenance/seed-encoding")
def _(pkg):
    import hashlib

    from conftest import next_source

    source_id, prefix = next_source(pkg)
    seed = pkg / "seeds" / f"{prefix}latin1.txt"
    seed.write_bytes("Le décret du président.\n".encode("latin-1"))
    line = len((pkg / SRC).read_text().splitlines()) + 1
    with (pkg / SRC).open("a", encoding="utf-8") as fh:
        sha = hashlib.sha256(seed.read_bytes()).hexdigest()
        rel = seed.relative_to(pkg).as_posix()
        fh.write(f"{source_id},{rel},{sha},,,,,,,,1,Le décret du président\n")
    return Expect(SRC, line, "seed_file")


@case("provenance/sha256")
def _(pkg):
    _, row = find_row(pkg, "sources", source_id="src-002")
    edit_bytes(pkg, row["seed_file"], lambda b: b.replace(b"160,000", b"160,001", 1))
    line, _ = find_row(pkg, "sources", source_id="src-002")
    return Expect(SRC, line, "sha256", also={"provenance/unverified"})


@case("provenance/line-range")
def _(pkg):
    return Expect(FIG, set_cells(pkg, "figures", 2, line="999"), "line")


@case("provenance/line-blank")
def _(pkg):
    line, _ = find_row(pkg, "figures", source_id="src-000")
    return Expect(FIG, set_cells(pkg, "figures", line, line="2"), "line")


@case("provenance/quote")
def _(pkg):
    line, row = find_row(pkg, "figures", quote=lambda q: "’" in q)
    set_cells(pkg, "figures", line, quote=row["quote"].replace("’", "'"))
    return Expect(FIG, line, "quote", contains="U+2019", also={"provenance/text-in-quote"})


@case("provenance/quote", "neighbour")
def _(pkg):
    line, row = find_row(pkg, "figures", source_id="src-002", line="5")
    return Expect(
        FIG, set_cells(pkg, "figures", line, line="6"), "quote", contains="stands on line 5"
    )


@case("provenance/text-in-quote")
def _(pkg):
    line, _ = find_row(pkg, "events", date_text=lambda v: v != "")
    return Expect(
        EVT,
        set_cells(pkg, "events", line, date_text="on Tuesday"),
        "date_text",
        also={"curation/relative-date", "curation/interval-honest"},
    )


@case("provenance/value-text")
def _(pkg):
    line, row = _exact_figure(pkg)
    return Expect(
        FIG,
        set_cells(pkg, "figures", line, value=int(row["value"]) + 1),
        "value_text",
        contains="reads as",
    )


@case("provenance/unverified")
def _(pkg):
    _, row = find_row(pkg, "sources", source_id="src-002")
    edit_bytes(pkg, row["seed_file"], lambda b: b.replace(b"160,000", b"160,001", 1))
    line, _ = find_row(pkg, "figures", source_id="src-002")
    return Expect(FIG, line, "source_id", also={"provenance/sha256"}, contains="not checked")


# --- what the pipeline honours, and the files it will open ---------------------------------
@case("package/unsupported")
def _(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][2]["dialect"].update(delimiter=";"))
    return Expect("datapackage.json", None, None, contains="dialect.delimiter")


@case("package/unsupported", "missing-values")
def _(pkg):
    edit_json(pkg, "schemas/events.json", lambda d: d.update(missingValues=["", "NA"]))
    return Expect("schemas/events.json", None, None, contains="missingValues")


@case("package/unsupported", "remote-profile")
def _(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d.update({"$schema": "http://127.0.0.1:9/x"}))
    return Expect("datapackage.json", None, None, contains="nothing is fetched")


@case("package/constraint")
def _(pkg):
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: schema_field(d, "value")["constraints"].update(minimum="abc"),
    )
    return Expect("schemas/figures.json", None, "value", contains="not a valid integer")


@case("package/constraint", "invalid-regex")
def _(pkg):
    edit_json(
        pkg,
        "schemas/events.json",
        lambda d: schema_field(d, "event_id")["constraints"].update(pattern="evt-[0-9"),
    )
    return Expect("schemas/events.json", None, "event_id", contains="RE2")


@case("package/citation")
def _(pkg):
    edit_json(
        pkg,
        "schemas/events.json",
        lambda d: schema_field(d, "quote")["constraints"].pop("required"),
    )
    return Expect("schemas/events.json", None, "quote", contains="not required")


@case("package/reserved")
def _(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d["resources"][4].update(name="seed_lines"))
    return Expect("datapackage.json", None, None, also={"package/key", "package/citation"})


@case("package/version")
def _(pkg):
    edit_json(pkg, "datapackage.json", lambda d: d.update(version="1.0"))
    return Expect("datapackage.json", None, "version")


@case("package/publish")
def _(pkg):
    """A field the published views read (figures.claim_key) is dropped from schema and CSV."""
    edit_json(
        pkg,
        "schemas/figures.json",
        lambda d: d.update(fields=[f for f in d["fields"] if f["name"] != "claim_key"]),
    )
    import csv
    import io

    path = pkg / FIG
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    at = records[0].index("claim_key")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1 :] for r in records])
    path.write_text(out.getvalue(), encoding="utf-8")
    return Expect("datapackage.json", None, None, contains="claim_key")


@case("file/type")
def _(pkg):
    (pkg / "data" / "exclusions.csv").unlink()
    os.mkfifo(pkg / "data" / "exclusions.csv")
    return Expect("data/exclusions.csv", None, None)


@case("file/size")
def _(pkg, monkeypatch):
    from recruitment import limits

    size = (pkg / "data" / "sources.csv").stat().st_size
    monkeypatch.setattr(limits, "CSV_MAX_BYTES", size - 1)
    return Expect("data/sources.csv", None, None, contains="the limit is")


@case("text/invisible")
def _(pkg):
    """Fillers that show nothing (no format character: that is a finding of its own)."""
    return Expect(EVT, set_cells(pkg, "events", 3, place="\u3164\u2800"), "place")


@case("text/invisible", "format-characters-only")
def _(pkg):
    line = set_cells(pkg, "events", 3, place="\u2060\u200d")
    return Expect(EVT, line, "place", also={"text/format-character"})


@case("text/format-character")
def _(pkg):
    """A right-to-left override: 'Putin signs' would display reversed after it."""
    line = set_cells(pkg, "events", 3, summary="Putin \u202esngis a decree.")
    return Expect(EVT, line, "summary", contains="U+202E RIGHT-TO-LEFT OVERRIDE at character 7")


@case("text/format-character", "zero-width-space")
def _(pkg):
    line = set_cells(pkg, "actors", 2, name="UK Ministry\u200b of Defence")
    return Expect("data/actors.csv", line, "name", contains="U+200B ZERO WIDTH SPACE")


@case("text/control", "line-separator")
def _(pkg):
    return Expect(EVT, set_cells(pkg, "events", 3, summary="first\u2028::error::second"), "summary")


@case("text/control", "c1-next-line")
def _(pkg):
    return Expect(EVT, set_cells(pkg, "events", 3, summary="first\u0085second"), "summary")


# --- coverage ------------------------------------------------------------------------------
@case("coverage/uncovered")
def _(pkg):
    line, row = find_row(pkg, "exclusions")
    lines = (pkg / "data" / "exclusions.csv").read_text(encoding="utf-8").split("\n")
    del lines[line - 1]
    (pkg / "data" / "exclusions.csv").write_text("\n".join(lines), encoding="utf-8")
    _, source = find_row(pkg, "sources", source_id=row["source_id"])
    return Expect(source["seed_file"], int(row["line"]), None)


@case("coverage/statement")
def _(pkg):
    """A new seed whose one statement no row records."""
    import hashlib

    (pkg / "seeds" / "900_statement.txt").write_text("Plain words, the ministry said.\n")
    digest = hashlib.sha256((pkg / "seeds" / "900_statement.txt").read_bytes()).hexdigest()
    row = {"source_id": "src-900", "seed_file": "seeds/900_statement.txt", "sha256": digest}
    add_row(pkg, "sources", {**row, "line": "1", "quote": "Plain words"})
    return Expect("seeds/900_statement.txt", 1, None, contains="'the ministry'")


# --- curation (cross-row) -------------------------------------------------------------------
@case("curation/duplicate")
def _(pkg):
    _, row = _exact_figure(pkg)
    line = add_row(pkg, "figures", {**row, "figure_id": "fig-9999"})
    return Expect(FIG, line, "value_text", contains="same place")


@case("curation/excluded-but-recorded")
def _(pkg):
    line, row = _exact_figure(pkg)
    add_row(
        pkg,
        "exclusions",
        {
            "exclusion_id": "exc-9999",
            "span_text": row["value_text"],
            "reason": "repeat",
            "notes": "A mistaken exclusion of a recorded figure.",
            "source_id": row["source_id"],
            "line": row["line"],
            "quote": row["quote"],
        },
    )
    return Expect(FIG, line, "value_text", contains="exc-9999")


@case("curation/relative-date")
def _(pkg):
    """A Sunday that ends on the Monday after it: the resolver's end is a Sunday."""
    line, row = find_row(
        pkg, "events", date_basis="relative", date_text=lambda t: t.lower().endswith("sunday")
    )
    later = dt.date.fromisoformat(row["date_end"]) + dt.timedelta(days=1)
    set_cells(pkg, "events", line, date_end=later.isoformat())
    return Expect(EVT, line, "date_end", contains=f"resolves to {row['date_start']}..")


@case("curation/relative-date", "unreadable")
def _(pkg):
    line, _ = find_row(pkg, "events", date_basis="inferred", date_text="")
    set_cells(pkg, "events", line, date_basis="relative")
    return Expect(EVT, line, "date_basis", contains="cannot read")


@case("curation/interval-honest")
def _(pkg):
    """'September 2022' stated, but the interval stops on the 11th."""
    line, row = find_row(pkg, "events", date_basis="stated", date_precision="month")
    early = dt.date.fromisoformat(row["date_start"]) + dt.timedelta(days=10)
    set_cells(pkg, "events", line, date_end=early.isoformat())
    return Expect(EVT, line, "date_end", contains="leaves out the end")


@case("package/codelist")
def _(pkg):
    edit_json(
        pkg,
        "schemas/units.json",
        lambda d: d.update(fields=[f for f in d["fields"] if f["name"] != "label"]),
    )
    lines = (pkg / "data/units.csv").read_text(encoding="utf-8").split("\n")
    import csv

    rows = list(csv.reader(lines[:-1]))
    at = rows[0].index("label")
    text = "\n".join(",".join(f'"{c}"' for i, c in enumerate(r) if i != at) for r in rows)
    (pkg / "data/units.csv").write_text(text + "\n", encoding="utf-8")
    return Expect("schemas/units.json", None, "label", contains="label must be a required")


@case("curation/measure-unit")
def _(pkg):
    line, _ = find_row(pkg, "figures", measure="age_range")
    set_cells(pkg, "figures", line, unit="persons")
    return Expect(
        FIG,
        line,
        "unit",
        contains="unit 'persons' is a count unit; measure 'age_range' takes duration units",
    )


@case("curation/unit-words")
def _(pkg):
    """'… troops' after the number is a count of persons, never roubles (a code of the same
    kind of measure would pass measure-unit; only the words tell)."""
    line, row = find_row(pkg, "figures", unit="persons", quote=lambda q: "troops" in q)
    set_cells(pkg, "figures", line, measure="signing_bonus", unit="rub")
    return Expect(FIG, line, "unit", also={"curation/measure-unit"}, contains="'rub'")


@case("curation/other-source")
def _(pkg):
    """A figure of one article tied to an event another article reports."""
    line, fig = find_row(pkg, "figures", event_id=lambda v: v != "")
    _, evt = find_row(pkg, "events", source_id=lambda v: v != fig["source_id"])
    set_cells(pkg, "figures", line, event_id=evt["event_id"])
    return Expect(FIG, line, "event_id", contains=f"is a row of {evt['source_id']}")


def _new_code(pkg, table: str, column: str, code: str) -> None:
    """Add ``code`` to a column's enum (and codebook), as a schema change would."""

    def add(doc):
        f = schema_field(doc, column)
        f["constraints"]["enum"].append(code)
        f["enumDescriptions"][code] = "A code no rule knows."

    edit_json(pkg, f"schemas/{table}.json", add)


@case("rules/unknown-code")
def _(pkg):
    """A precision added to the schema's enum: the span rule would be off for its rows."""
    _new_code(pkg, "events", "date_precision", "eon")
    line, _ = find_row(pkg, "events", date_basis="inferred")
    set_cells(pkg, "events", line, date_precision="eon", date_start="0001-01-01")
    return Expect(EVT, line, "date_precision", contains="'eon' is no code the rules know")


@case("rules/unknown-code", "qualifier")
def _(pkg):
    _new_code(pkg, "figures", "qualifier", "roughly")
    line, _ = _exact_figure(pkg)
    set_cells(pkg, "figures", line, qualifier="roughly", value_low="0")
    return Expect(FIG, line, "qualifier", contains="exact, approximately")


@case("rules/unknown-code", "basis")
def _(pkg):
    _new_code(pkg, "events", "date_basis", "guessed")
    line, _ = find_row(pkg, "events", date_basis="stated")
    set_cells(pkg, "events", line, date_basis="guessed", date_text="", notes="")
    return Expect(EVT, line, "date_basis")


def test_every_rule_has_a_case():
    covered = {name.split("#")[0] for name in CASES}
    assert sorted(set(RULES) - covered) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_fixture(name, pkg, request):
    fn = CASES[name]
    args = [pkg] + ([request.getfixturevalue("monkeypatch")] if fn.__code__.co_argcount > 1 else [])
    expect = fn(*args)
    rule = name.split("#")[0]
    findings = validate(pkg).findings
    assert (expect.file, expect.line, expect.column, rule) in located(findings), findings
    unexpected = [f for f in findings if f.rule not in {rule, *expect.also}]
    assert unexpected == []
    if expect.contains:
        messages = [f.message for f in findings if f.rule == rule]
        assert any(expect.contains in m for m in messages), messages


def test_committed_package_is_valid(committed):
    assert validate(committed).findings == []


@pytest.mark.parametrize("name", ["provenance/sha256", "provenance/seed-encoding"])
def test_seeds_read_a_seed_at_a_time_give_the_same_findings_and_lines(name, pkg, monkeypatch):
    """Seeds are read, hashed and split in batches (provenance.SEED_BATCH_BYTES): with a
    batch per seed, every finding and every verified line is the same as with one batch."""
    from recruitment.checks import provenance

    CASES[name](pkg)
    one = validate(pkg, use_cache=False)
    monkeypatch.setattr(provenance, "SEED_BATCH_BYTES", 1)
    many = validate(pkg, use_cache=False)
    assert many.findings == one.findings and any(f.rule == name for f in many.findings)
    lines = "SELECT source_id, line, text FROM seed_lines ORDER BY ALL"
    assert many.con.execute(lines).fetchall() == one.con.execute(lines).fetchall()
    assert many.con.execute("SELECT count(DISTINCT source_id) FROM seed_lines").fetchone()[0] > 1
