"""The attribution lexicon: which words attribute a statement, and who the line says said it."""

from __future__ import annotations

import ast
import subprocess
import sys

import duckdb
import pytest

from conftest import ROOT
from recruitment import attribution
from recruitment.attribution import (
    CUE_PATTERN,
    LEXICON,
    SIDE_PATTERNS,
    find_attributions,
    speaker_key,
    speaker_key_sql,
    speaker_sql,
)

# (line, [(cue as it stands, lemma, speaker or None, relay or None), ...])
CASES = [
    ("the UK Ministry of Defence said.", [("said", "say", "the UK Ministry of Defence", None)]),
    (
        "Russia will likely face hurdles, the British Ministry of Defense said.",
        [("said", "say", "the British Ministry of Defense", None)],
    ),
    (
        "according to a statement carried by Interfax",
        [("according to", "according to", None, "Interfax")],
    ),
    (
        "according to a statement by the Russian defence ministry carried by Interfax, it hit",
        [("according to", "according to", "the Russian defence ministry", "Interfax")],
    ),
    (
        "the failure is plain, according to military experts.",
        [("according to", "according to", "military experts", None)],
    ),
    # a relay cue alone names the relay, not the speaker
    ("in a statement carried by TASS.", [("carried by", "carried by", None, "TASS")]),
    # a speaker is read after the cue before it
    (
        "a statement carried by TASS said so",
        [("carried by", "carried by", None, "TASS"), ("said", "say", "TASS", None)],
    ),
    # the phrase after a cue ends at the next cue
    (
        "according to officials told of it",
        [("according to", "according to", "officials", None), ("told", "tell", "officials", None)],
    ),
    # one appositive between commas is skipped, either way round
    (
        "Another analyst, Roman Svitan, who is also a colonel in the reserves, said it held.",
        [("said", "say", "Roman Svitan", None)],
    ),
    (
        "Ukraine’s deputy defence minister, Hanna Malyar, said in a post",
        [("said", "say", "Ukraine’s deputy defence minister", None)],
    ),
    (
        "In February, the Institute for the Study of War (ISW), a U.S.-based think tank, assessed",
        [("assessed", "assess", "the Institute for the Study of War (ISW)", None)],
    ),
    # words between the speaker and the verb
    ("Kyiv has repeatedly accused Moscow", [("accused", "accuse", "Kyiv", None)]),
    ("Mr Trump on Sunday also accused Mr Zelensky", [("accused", "accuse", "Mr Trump", None)]),
    # a clause boundary, "that", a sentence end
    (
        "the ministry said that Russian media reporting suggests a campaign",
        [
            ("said", "say", "the ministry", None),
            ("suggests", "suggest", "Russian media reporting", None),
        ],
    ),
    ("It fell. The West estimates that", [("estimates", "estimate", "The West", None)]),
    ("“Hold on,” Dmitry Peskov said.", [("said", "say", "Dmitry Peskov", None)]),
    # a medium's owner is the speaker; a medium alone is none
    (
        "The UK Ministry of Defence’s latest intelligence update said that",
        [("said", "say", "The UK Ministry of Defence", None)],
    ),
    ("The briefing added: it is unlikely", [("added", "add", None, None)]),
    # pronouns, adjectives, coordinated verbs, participles and passives name no speaker
    ("it said.", [("said", "say", None, None)]),
    ("They believe, because", [("believe", "believe", None, None)]),
    ("hurdles in its reported plans", [("reported", "report", None, None)]),
    (
        "the ministry has denied any link and claimed it",
        [("denied", "deny", "the ministry", None), ("claimed", "claim", None, None)],
    ),
    ("Putin ordered it, saying that", [("saying", "say", None, None)]),
    ("Just 57 attacks were reported on Wednesday", [("were reported", "be reported", None, None)]),
    ("units were also reported to be digging", [("were also reported", "be reported", None, None)]),
    # unnamed reports: a cue with no speaker, in its tenses; "emerged" alone is none
    (
        "Mr Zelensky said that he would not sign, as reports emerged that it could",
        [("said", "say", "Mr Zelensky", None), ("reports emerged", "reports emerged", None, None)],
    ),
    ("reports have emerged that", [("reports have emerged", "reports emerged", None, None)]),
    ("New reports\thad emerged.", [("reports\thad emerged", "reports emerged", None, None)]),
    ("a pattern emerged", []),
    ("the emerged reports", []),
    ("the reports that emerged", [("reports that", "report", None, None)]),
    # the agent of a passive, up to the verb that follows
    (
        "attacks reported by Ukraine’s general staff has declined",
        [("reported by", "reported by", "Ukraine’s general staff", None)],
    ),
    (
        "attacks were reported by the general staff.",
        [("were reported by", "reported by", "the general staff", None)],
    ),
    # case, and words that only look like cues
    ("According to officials, it rose", [("According to", "according to", "officials", None)]),
    ("far more believable than propaganda, and unsaid", []),
    ("the United States and its allies", []),
    ("he wants to announce a second call-up", []),
    ("", []),
]


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_attributions_of_a_line(line, expected):
    found = find_attributions(line)
    got = [
        (a.cue.text, a.lemma, a.speaker and a.speaker.text, a.relay and a.relay.text) for a in found
    ]
    assert got == expected
    for a in found:  # every offset points at the words it names
        for words in (a.cue, a.speaker, a.relay):
            if words is not None:
                assert line[words.start : words.end] == words.text
                assert a.start <= words.start and words.end <= a.end


def test_a_long_line_reads_only_the_window_before_a_cue():
    filler = "x" * (attribution.WINDOW + 50)
    (a,) = find_attributions(f"{filler}, the ministry said")
    assert a.speaker.text == "the ministry"
    # a clause longer than the window is read from the window's start
    (a,) = find_attributions(f"the {filler} said")
    assert a.speaker.text == "x" * (attribution.WINDOW - 1)


def test_every_form_belongs_to_one_side():
    """Each cue's side is known from its words alone, as SQL reads it."""
    con = duckdb.connect()
    for entry in LEXICON:
        for form in entry.forms:
            words = form.replace("(?:was|were|is|are|been|being)", "were")
            sides = [
                side
                for side, pattern in SIDE_PATTERNS.items()
                if con.execute("SELECT regexp_full_match(?, ?)", [words, pattern]).fetchone()[0]
            ]
            assert sides == [entry.side], (entry, form)


def lines_to_compare() -> list[str]:
    lines = [line for line, _ in CASES]
    lines += [
        line
        for seed in sorted((ROOT / "seeds").iterdir())
        for line in seed.read_text(encoding="utf-8").split("\n")
    ]
    lines += [
        "Ünïcode officials said, «the ministry» said; Résumé said",
        "a\u00a0statement\u00a0carried by Interfax, officials\tsaid",
        "x" * 400 + ", the office said",
    ]
    return lines


def test_duckdb_finds_the_cues_and_speakers_python_finds():
    """The same cues at the same places, and for each the same speaker (or relay)."""
    con = duckdb.connect()
    for line in lines_to_compare():
        cues = list(attribution._CUE_RE.finditer(line))
        (texts,) = con.execute("SELECT regexp_extract_all(?, ?)", [line, CUE_PATTERN]).fetchone()
        assert [m.group() for m in cues] == texts, line
        relation = (
            "SELECT ?::VARCHAR AS text, unnest(?::VARCHAR[]) AS cue, "
            "unnest(?::BIGINT[]) AS cue_start, unnest(?::BIGINT[]) AS cue_end"
        )
        args = [line, texts, [m.start() for m in cues], [m.end() for m in cues]]
        duck = con.execute(
            f"SELECT cue_start, side, speaker FROM ({speaker_sql(relation, 'text')})", args
        )
        read = {a.cue.start: a for a in find_attributions(line)}
        for start, side, speaker in duck.fetchall():
            if start not in read:  # a relay cue that joined the phrase before it
                assert side == "relay"
                continue
            a = read[start]
            want = a.relay if side == "relay" else a.speaker
            assert speaker == (want.text if want else None), (line, a.cue)


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("The UK Ministry of Defence", "uk ministry of defence"),
        ("UK  Ministry\tof Defence", "uk ministry of defence"),
        ("a U.S.-based think tank", "u.s.-based think tank"),
        ("the the end", "the end"),
        ("Theresa", "theresa"),
        ("its defence ministry", "its defence ministry"),
    ],
)
def test_speaker_keys_compare_in_python_and_sql(words, key):
    assert speaker_key(words) == key
    (sql,) = duckdb.connect().execute(f"SELECT {speaker_key_sql('?')}", [words]).fetchone()
    assert sql == key


def test_the_module_loads_nothing_but_the_standard_library():
    code = (
        "import sys; before = set(sys.modules); import recruitment.attribution; "
        "print(repr(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(done.stdout))
    ours = {m for m in loaded if m.split(".")[0] == "recruitment"}
    # the calendar's words (recruitment.lexicon, itself standard library only) and nothing else
    assert ours == {"recruitment", "recruitment.attribution", "recruitment.lexicon"}
    others = {m.split(".")[0] for m in loaded - ours}
    assert others <= sys.stdlib_module_names, others - sys.stdlib_module_names


def test_the_docstring_examples_hold():
    import doctest

    assert doctest.testmod(attribution).failed == 0
