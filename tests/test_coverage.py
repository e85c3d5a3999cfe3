"""recruitment coverage: every number, date and statement in the seeds is recorded or excluded,
at the place on the line where it stands."""

from __future__ import annotations

import csv
import hashlib

import pytest
from click.testing import CliRunner

from conftest import ROOT, find_row, next_source, set_cells
from recruitment.checks.validate import validate
from recruitment.cli import main

SEED = (
    "On Monday the ministry’s list had 1,200 men, about three hundred of them aged 18-30, "
    "joined last autumn; a second wave follows in March.\n"
)
SPANS = ["Monday", "1,200", "three", "hundred", "18", "30", "last autumn", "second", "March"]
SOURCE_ID, PREFIX = next_source(ROOT)  # the synthetic seed is the next article
SEED_FILE = f"seeds/{PREFIX}synthetic.txt"


def append_row(pkg, table: str, **values) -> None:
    path = pkg / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow(values)


def add_synthetic_seed(pkg, text: str = SEED, quote: str = "the ministry’s list", **row) -> None:
    path = pkg / SEED_FILE
    path.write_text(text, encoding="utf-8")
    append_row(
        pkg,
        "sources",
        source_id=SOURCE_ID,
        seed_file=SEED_FILE,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        quote=quote,
        **{"line": 1, **row},
    )


def add_figure(pkg, n: int, value_text: str, quote: str, **row) -> None:
    append_row(
        pkg,
        "figures",
        figure_id=f"fig-{9000 + n}",
        measure="recruitment_target",
        value=row.pop("value", 1),
        value_text=value_text,
        qualifier="exact",
        unit="persons",
        claim_key=f"synthetic-{n}",
        source_id=SOURCE_ID,
        line=1,
        quote=quote,
        **row,
    )


def add_exclusion(pkg, n: int, span_text: str, quote: str, reason: str = "not_data") -> None:
    append_row(
        pkg,
        "exclusions",
        exclusion_id=f"exc-{9000 + n}",
        span_text=span_text,
        reason=reason,
        notes="Synthetic.",
        source_id=SOURCE_ID,
        line=1,
        quote=quote,
    )


def uncovered(pkg, rule: str = "coverage/uncovered") -> list[tuple]:
    """(file, line, character, span) of every span left (numbers and dates, or ``rule``)."""
    findings = validate(pkg).findings
    assert all(f.rule == rule for f in findings), findings
    return [
        (
            f.file,
            f.line,
            int(f.message.split("(character ")[1].split(")")[0]),
            f.message.split("'")[1],
        )
        for f in findings
    ]


def spans_left(pkg) -> list[str]:
    return sorted(span for *_, span in uncovered(pkg))


def test_committed_seeds_are_fully_covered(committed):
    assert [f for f in validate(committed).findings if f.rule.startswith("coverage/")] == []


def test_a_new_seed_shows_every_span_left(pkg):
    add_synthetic_seed(pkg)
    found = uncovered(pkg)
    assert sorted(s for *_, s in found) == sorted(SPANS)
    # each at its place: the character where it starts on the line, counted from 1
    assert all(SEED[c - 1 :].startswith(s) for _, _, c, s in found)


def test_rows_and_exclusions_cover_spans(pkg):
    add_synthetic_seed(pkg)
    add_figure(pkg, 1, "1,200", "had 1,200 men", value=1200)
    add_exclusion(pkg, 1, "a second wave", "a second wave follows", reason="ordinal")
    assert spans_left(pkg) == sorted(
        ["Monday", "three", "hundred", "18", "30", "last autumn", "March"]
    )


def test_a_dateline_does_not_cover_the_same_year_elsewhere_on_its_line(pkg):
    text = "2026-11-18 Officials plan to enlist men in 2026 and beyond.\n"
    add_synthetic_seed(
        pkg,
        text,
        quote="2026-11-18 Officials plan",
        published_start="2026-11-18",
        published_end="2026-11-18",
        published_precision="day",
        published_text="2026-11-18",
        published_basis="stated",
    )
    assert uncovered(pkg) == [(SEED_FILE, 1, text.index("2026", 5) + 1, "2026")]


def test_a_word_said_twice_needs_both_places_covered(pkg):
    text = "In March 500 men joined, and in March 600 more.\n"
    add_synthetic_seed(pkg, text, quote="In March 500 men joined")
    add_figure(pkg, 1, "500", "In March 500 men joined", value=500, period_text="In March")
    add_figure(pkg, 2, "600", "in March 600 more", value=600)
    second = text.index("March", 10) + 1
    # 'In March' covers the first March only
    assert uncovered(pkg) == [(SEED_FILE, 1, second, "March")]


def test_a_quote_standing_twice_on_its_line_is_placed_at_the_first(pkg):
    text = "Up to 500 men came; up to 500 men left.\n"
    add_synthetic_seed(pkg, text, quote="Up to 500 men came")
    # 'to 500 men' stands twice on the line: it is placed at the first, and covers that one
    add_figure(pkg, 1, "500", "to 500 men", value=500)
    second = text.index("500", 10) + 1
    assert uncovered(pkg) == [(SEED_FILE, 1, second, "500")]
    # 'up to 500 men' (lower case) stands only at the second place
    add_figure(pkg, 2, "500", "up to 500 men", value=500)
    assert uncovered(pkg) == []


def test_words_standing_twice_in_the_quote_are_placed_at_the_first(pkg):
    text = "Struck: two areas and two fuel depots.\n"
    add_synthetic_seed(pkg, text, quote="Struck: two areas")
    add_figure(pkg, 1, "two", "two areas and two fuel depots", value=2)
    second = text.index("two", 12) + 1
    assert uncovered(pkg) == [(SEED_FILE, 1, second, "two")]
    add_figure(pkg, 2, "two", "two fuel depots", value=2)
    assert uncovered(pkg) == []


def test_words_must_hold_the_whole_span_at_its_place(pkg):
    text = "Some 400,000 troops and 60 tanks.\n"
    add_synthetic_seed(pkg, text, quote="Some 400,000 troops")
    add_exclusion(pkg, 1, "400", "Some 400,000 troops")  # a part of the span covers nothing
    add_exclusion(pkg, 2, "tanks", "60 tanks")  # beside it, nothing either
    assert spans_left(pkg) == ["400,000", "60"]


def test_places_count_characters_not_bytes(pkg):
    text = "“Ёлки” 🇺🇦 — Officials counted 7 and then 7 again.\n"
    add_synthetic_seed(pkg, text, quote="Officials counted")
    add_figure(pkg, 1, "7", "then 7 again", value=7)
    assert uncovered(pkg) == [(SEED_FILE, 1, text.index("7") + 1, "7")]


def test_an_exclusion_covers_the_place_its_quote_locates(pkg):
    text = "The first wave and the first call-up.\n"
    add_synthetic_seed(pkg, text, quote="The first wave")
    add_exclusion(pkg, 1, "first", "the first call-up", reason="ordinal")
    assert uncovered(pkg) == [(SEED_FILE, 1, 5, "first")]


def test_excluded_and_recorded_conflict_only_at_the_same_place(pkg):
    text = "Struck: two areas and two fuel depots.\n"
    add_synthetic_seed(pkg, text, quote="Struck: two areas")
    add_figure(pkg, 1, "two", "two fuel depots", value=2)
    add_exclusion(pkg, 1, "two", "Struck: two areas")
    assert uncovered(pkg) == []  # the same words at another place: no conflict
    add_exclusion(pkg, 2, "two fuel depots", "and two fuel depots")
    findings = validate(pkg).findings
    assert [(f.rule, f.column) for f in findings] == [
        ("curation/excluded-but-recorded", "value_text")
    ]
    assert "exc-9002" in findings[0].message


SPAN_LINES = [
    "“Ёлки” 🇺🇦 — 7 men, then 7 more, e\u0301 12,000 in March and March.",
    "Officials said 5; the ministry said, according to a statement carried by TASS, 6.",
    "Plain text with nothing to find",
    "Su-24M’s 2023-03-30 dateline, last autumn and this year, it said.",
]


def test_span_places_agree_with_python(pkg, span_cache):
    """The kept spans (found in SQL) are where Python's re finds them, with the speakers
    the attribution module reads."""
    from recruitment import attribution
    from recruitment.attribution import find_attributions
    from recruitment.curate.spans import SPAN_RE

    text = "\n".join(SPAN_LINES) + "\n"
    add_synthetic_seed(pkg, text, quote="Officials said 5", line=2)
    validate(pkg)
    (kept,) = [
        v for d, v in kept_spans(pkg).items() if d == hashlib.sha256(text.encode()).hexdigest()
    ]
    want = []
    for n, line in enumerate(SPAN_LINES, 1):
        want += [(n, m.start(), m.group(), "number", None) for m in SPAN_RE.finditer(line)]
        read = find_attributions(line)
        for m in attribution._CUE_RE.finditer(line):
            a = next((a for a in read if a.cue.start == m.start()), None)
            if a is None:  # a relay cue joined to the phrase before it: SQL reads its relay
                words = next(a.relay for a in read if a.start < m.start() < a.end)
            else:
                words = a.relay if attribution.entry_of(m.group()).side == "relay" else a.speaker
            want.append((n, m.start(), m.group(), "statement", words.text if words else None))
    assert sorted(kept) == sorted(want)


def test_coverage_command_lists_spans_and_exits_1(pkg):
    add_synthetic_seed(pkg)
    result = CliRunner().invoke(main, ["coverage", "--package", str(pkg)])
    assert result.exit_code == 1
    assert f"{SEED_FILE}: 9 problem(s)" in result.output
    at = SEED.index("last autumn") + 1
    assert f"'last autumn' on line 1 (character {at}) is neither recorded nor excluded." in (
        result.output
    )


def test_coverage_command_on_the_committed_package(committed):
    result = CliRunner().invoke(main, ["coverage", "--package", str(committed)])
    assert result.exit_code == 0
    assert result.output.startswith("coverage: every number, date and statement")


# --- the seed spans kept per seed SHA-256 -------------------------------------------------


def kept_spans(pkg) -> dict[str, list[tuple]]:
    """The signed span cache of ``pkg``: digest -> [(line, start, span, kind, speaker)]."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recruitment.checks import coverage
    from recruitment.core import cache

    table = pq.read_table(pa.BufferReader(cache.load_blob(pkg, coverage.SPANS_FILE)))
    fields = ("line", "start", "span", "kind", "speaker")
    return {
        row["digest"]: [tuple(s[f] for f in fields) for s in row["spans"]]
        for row in table.to_pylist()
    }


def store_spans(pkg, spans: dict[str, list[tuple]], signed: bool = True) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recruitment.checks import coverage
    from recruitment.core import cache

    fields = ("line", "start", "span", "kind", "speaker")
    rows = [
        {"digest": d, "spans": [dict(zip(fields, s, strict=True)) for s in v]}
        for d, v in spans.items()
    ]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    data = sink.getvalue().to_pybytes()
    if signed:
        cache.store_blob(pkg, coverage.SPANS_FILE, data)
    else:  # what a contributor can commit: the right layout, any signature
        (pkg / ".recruitment").mkdir(exist_ok=True)
        (pkg / ".recruitment" / coverage.SPANS_FILE).write_bytes(b"0" * 64 + b"\n" + data)


@pytest.fixture
def span_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("RECRUITMENT_CACHE", raising=False)


def test_seed_spans_are_kept_by_seed_sha256_and_reused(pkg, span_cache):
    add_synthetic_seed(pkg)
    first = sorted(uncovered(pkg))
    digest = hashlib.sha256(SEED.encode()).hexdigest()
    kept = kept_spans(pkg)
    assert sorted(s for _, _, s, kind, _ in kept[digest] if kind == "number") == sorted(SPANS)
    # The kept spans are what the next run reads: a span added to them shows up.
    store_spans(pkg, {**kept, digest: [*kept[digest], (1, 7, "ninety", "number", None)]})
    (pkg / ".recruitment" / "validated.json").unlink(missing_ok=True)
    ninety = (SEED_FILE, 1, 8, "ninety")
    assert sorted(uncovered(pkg)) == sorted([*first, ninety])


def test_unsigned_or_stale_span_caches_are_never_believed(pkg, span_cache):
    add_synthetic_seed(pkg)
    first = sorted(uncovered(pkg))
    digest = hashlib.sha256(SEED.encode()).hexdigest()
    # A committed cache saying the seed has no spans is ignored: every span is still found.
    store_spans(pkg, {**kept_spans(pkg), digest: []}, signed=False)
    assert sorted(uncovered(pkg)) == first
    # A signed cache of the old seed text does not stand for the seed once it changes.
    path = pkg / SEED_FILE
    path.write_text(SEED.replace("March", "April"), encoding="utf-8")
    at, _ = find_row(pkg, "sources", source_id=SOURCE_ID)
    set_cells(pkg, "sources", at, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    assert "April" in spans_left(pkg) and "March" not in spans_left(pkg)
    assert digest not in kept_spans(pkg)


def test_a_kept_blob_over_its_limit_is_not_read(pkg, span_cache, monkeypatch):
    from recruitment.checks import coverage
    from recruitment.core import cache

    add_synthetic_seed(pkg)
    uncovered(pkg)
    assert cache.load_blob(pkg, coverage.SPANS_FILE) is not None
    size = (pkg / ".recruitment" / coverage.SPANS_FILE).stat().st_size
    monkeypatch.setattr(cache, "BLOB_MAX_BYTES", size - 1)
    assert cache.load_blob(pkg, coverage.SPANS_FILE) is None


# --- attributed statements ----------------------------------------------------------------

STATEMENTS = (
    "The Synthetic Office said the drive went well; it said so again, "
    "according to a statement carried by Interfax.\n"
)


def statement_seed(pkg, text: str = STATEMENTS, quote: str = "the drive went well") -> None:
    """A seed with cues (and no numbers), and actors for two of its speakers."""
    add_synthetic_seed(pkg, text, quote=quote)
    for actor_id, name, aliases in (
        ("act-synthetic-office", "Synthetic Office", "The Synthetic Office"),
        ("act-interfax", "Interfax", ""),
    ):
        append_row(
            pkg,
            "actors",
            actor_id=actor_id,
            name=name,
            kind="media",
            aliases=aliases,
            source_id=SOURCE_ID,
            line=1,
            quote=aliases or f"by {name}",
        )


def add_event(pkg, n: int, quote: str, actor_id: str = "", reported_by: str = "") -> None:
    append_row(
        pkg,
        "events",
        event_id=f"evt-{9000 + n}",
        event_key=f"synthetic-{n}",
        event_type="statement",
        summary="Synthetic.",
        date_start="2026-11-18",
        date_end="2026-11-18",
        date_precision="day",
        date_basis="inferred",
        actor_id=actor_id,
        reported_by=reported_by,
        notes="Synthetic.",
        source_id=SOURCE_ID,
        line=1,
        quote=quote,
    )


def statements_left(pkg) -> list[tuple]:
    """(character, cue) of every statement left, in order."""
    return sorted((at, cue) for _, _, at, cue in uncovered(pkg, "coverage/statement"))


def place(cue: str, nth: int = 0) -> int:
    at = -1
    for _ in range(nth + 1):
        at = STATEMENTS.index(cue, at + 1)
    return at + 1


ALL_CUES = [
    (place("said"), "said"),
    (place("said", 1), "said"),
    (place("according to"), "according to"),
    (place("carried by"), "carried by"),
]


def test_a_new_seed_shows_every_statement_left(pkg):
    statement_seed(pkg)
    assert statements_left(pkg) == ALL_CUES
    messages = sorted(f.message for f in validate(pkg).findings)
    # a speaker the lexicon reads, and the actor whose alias it is
    assert (
        f"'said' on line 1 (character {place('said')}), said by 'The Synthetic Office': "
        "act-synthetic-office, is recorded by no row that names its speaker, nor excluded."
    ) in messages
    assert (
        f"'said' on line 1 (character {place('said', 1)}) is recorded by no row that names its "
        "speaker, nor excluded."
    ) in messages


def test_a_row_naming_the_speaker_covers_the_cue_in_its_quote(pkg):
    statement_seed(pkg)
    add_event(pkg, 1, "The Synthetic Office said the drive went well", "act-synthetic-office")
    assert statements_left(pkg) == ALL_CUES[1:]


def test_a_row_naming_another_actor_than_the_words_do_covers_nothing(pkg):
    statement_seed(pkg)
    add_event(pkg, 1, "The Synthetic Office said the drive went well", "act-putin")
    assert statements_left(pkg) == ALL_CUES
    # the reporter counts as a speaker too
    add_event(pkg, 2, "The Synthetic Office said the drive", "act-putin", "act-synthetic-office")
    assert statements_left(pkg) == ALL_CUES[1:]


def test_words_that_name_no_actor_take_any_named_speaker(pkg):
    statement_seed(pkg)
    # 'it said': a pronoun; 'according to a statement': no one; 'carried by Interfax': an actor
    add_event(pkg, 1, "it said so again, according to a statement", "act-putin")
    add_event(pkg, 2, "a statement carried by Interfax", "act-putin", "act-interfax")
    assert statements_left(pkg) == [ALL_CUES[0]]


def test_a_row_that_names_no_speaker_covers_nothing(pkg):
    statement_seed(pkg)
    add_event(pkg, 1, "it said so again, according to a statement carried by Interfax")
    # sources and actors rows cite the line too, but name no one who speaks
    assert statements_left(pkg) == ALL_CUES


def test_a_cue_outside_the_quote_is_not_covered(pkg):
    statement_seed(pkg)
    add_event(pkg, 1, "the drive went well", "act-synthetic-office")
    assert statements_left(pkg) == ALL_CUES


def test_a_figure_covers_a_cue_with_its_claimant(pkg):
    text = "The Synthetic Office said 900 men joined, as counted by Interfax.\n"
    statement_seed(pkg, text, quote="900 men joined")
    add_figure(pkg, 1, "900", "The Synthetic Office said 900 men", value=900)
    assert statements_left(pkg) == [(text.index("said") + 1, "said")]
    at, _ = find_row(pkg, "figures", figure_id="fig-9001")
    set_cells(pkg, "figures", at, claimed_by="act-synthetic-office")
    assert validate(pkg).valid


def test_an_exclusion_covers_the_cue_its_quote_locates(pkg):
    statement_seed(pkg)
    add_exclusion(pkg, 1, "said", "it said so again", reason="not_attributed")
    assert statements_left(pkg) == [ALL_CUES[0], *ALL_CUES[2:]]


def test_reports_emerged_is_a_statement_that_a_row_naming_any_speaker_covers(pkg):
    text = "The Synthetic Office said it would wait, as reports emerged that it could fail.\n"
    add_synthetic_seed(pkg, text, quote="it would wait")
    append_row(
        pkg,
        "actors",
        actor_id="act-synthetic-office",
        name="Synthetic Office",
        kind="ministry",
        aliases="The Synthetic Office",
        source_id=SOURCE_ID,
        line=1,
        quote="The Synthetic Office",
    )
    add_event(pkg, 1, "The Synthetic Office said it would wait", "act-synthetic-office")
    at = text.index("reports emerged") + 1
    assert statements_left(pkg) == [(at, "reports emerged")]
    assert [(f.file, f.line, f.rule, f.message) for f in validate(pkg).findings] == [
        (
            SEED_FILE,
            1,
            "coverage/statement",
            f"'reports emerged' on line 1 (character {at}) is recorded by no row that names "
            "its speaker, nor excluded.",
        )
    ]
    # unnamed reports name no actor: the row of the statement they accompany covers them
    add_event(pkg, 2, "as reports emerged that it could fail", "act-synthetic-office")
    assert validate(pkg).valid


def test_deleting_the_row_that_records_a_statement_fails_naming_its_line(pkg):
    statement_seed(pkg)
    add_event(pkg, 1, "The Synthetic Office said the drive went well", "act-synthetic-office")
    add_event(pkg, 2, "it said so again, according to a statement", "act-synthetic-office")
    add_event(pkg, 3, "a statement carried by Interfax", "act-synthetic-office", "act-interfax")
    assert validate(pkg).valid
    lines = (pkg / "data" / "events.csv").read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if not line.startswith("evt-9002,")]
    (pkg / "data" / "events.csv").write_text("\n".join(kept), encoding="utf-8")
    findings = validate(pkg).findings
    assert [(f.file, f.line, f.rule) for f in findings] == [
        (SEED_FILE, 1, "coverage/statement")
    ] * 2


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_coverage_command_lists_statements_in_every_format(pkg, fmt):
    import json

    statement_seed(pkg)
    result = CliRunner().invoke(main, ["coverage", "--package", str(pkg), "--format", fmt])
    assert result.exit_code == 1
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert {f["rule"] for f in doc["findings"]} == {"coverage/statement"}
        assert len(doc["findings"]) == len(ALL_CUES) and doc["valid"] is False
    elif fmt == "github":
        assert result.output.count(f"::error file={SEED_FILE},line=1,") == len(ALL_CUES)
    else:
        assert f"{SEED_FILE}: {len(ALL_CUES)} problem(s)" in result.output
        assert "[coverage/statement]" in result.output
