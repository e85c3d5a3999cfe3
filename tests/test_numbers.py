"""numbers.py's grammar, case by case: what value_text reads as (the validator's own macro).

Each row is one production of the grammar in numbers.py's docstring, at its edges, or a
text just outside it (None: not a number this grammar knows, so provenance/value-text
reports the row).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import plain_id
from recruitment import numbers
from recruitment.numbers import number_words, parse_number_text, plain

GRAMMAR = [
    # digits with thousands commas, and a plain run of digits
    ("400,000", (400000, 400000)),
    ("134,500", (134500, 134500)),
    ("1,000,000", (1000000, 1000000)),
    ("7", (7, 7)),
    ("0", (0, 0)),
    ("1,00", None),  # a comma group is three digits
    ("12,3456", None),
    (",500", None),
    # digits with a decimal point (a point is never a thousands separator)
    ("1.5", (1.5, 1.5)),
    ("134.500", (134.5, 134.5)),
    ("1.", None),
    # integers beyond 2^53 stay exact; beyond DECIMAL(38, 6) they are no number
    ("9007199254740993", (9007199254740993, 9007199254740993)),
    ("9" * 32, (int("9" * 32), int("9" * 32))),
    ("9" * 33, None),
    # number words: case and surrounding spaces do not matter
    ("zero", (0, 0)),
    ("one", (1, 1)),
    ("three", (3, 3)),
    ("Three", (3, 3)),
    (" THREE ", (3, 3)),
    ("ten", (10, 10)),
    ("eleven", (11, 11)),
    ("nineteen", (19, 19)),
    ("twenty", (20, 20)),
    ("twenty-five", (25, 25)),
    ("seventy-one", (71, 71)),
    ("ninety-nine", (99, 99)),
    ("hundred", (100, 100)),
    ("dozen", (12, 12)),
    ("a", (1, 1)),
    ("an", (1, 1)),
    ("twenty five", None),  # a compound is hyphenated
    ("forty-ten", None),
    ("ninety-ninety", None),
    ("two-thousand", None),
    ("tenth", None),  # ordinals are no amounts
    ("a dozen", None),  # dozen is a base, not a scale
    ("five hundred", None),  # hundred is a base, not a scale
    ("an hour", None),
    # scales
    ("two thousand", (2000, 2000)),
    ("a thousand", (1000, 1000)),
    ("3 million", (3000000, 3000000)),
    ("1.5 million", (1500000, 1500000)),
    ("1.5 thousand", (1500, 1500)),
    ("2 billion", (2000000000, 2000000000)),
    ("thousand", None),  # a scale alone
    ("million", None),
    ("2 trillion", None),
    # ranges: a hyphen, an en or em dash, " to ", "between ... and ..."
    ("18-30", (18, 30)),
    ("18 – 30", (18, 30)),
    ("18—30", (18, 30)),
    ("18 to 30", (18, 30)),
    ("ten to twelve", (10, 12)),
    ("between 18 and 30", (18, 30)),
    ("Between five and ten", (5, 10)),
    ("between two thousand and 3 million", (2000, 3000000)),
    ("18to30", None),  # "to" needs its spaces
    ("-5", None),  # no negative numbers: a range with no start
    ("5-", None),
    ("18-many", None),  # a range whose one end is no number is no number
    ("many to 30", None),
    ("", None),
    ("   ", None),
    ("many", None),
]


@pytest.mark.parametrize(("text", "expected"), GRAMMAR, ids=[plain_id(repr(t)) for t, _ in GRAMMAR])
def test_grammar(text, expected):
    got = parse_number_text(text)
    assert got == expected
    if expected is not None:  # an int when whole, else a float
        assert [type(x) for x in got] == [type(x) for x in expected]


def test_number_words_are_the_documented_ones():
    words = number_words()
    assert [words[w] for w in ("zero", "nine", "ten", "nineteen")] == [0, 9, 10, 19]
    assert {w: words[w] for w in ("twenty", "fifty", "ninety")} == {
        "twenty": 20,
        "fifty": 50,
        "ninety": 90,
    }
    assert words["twenty-one"] == 21 and words["ninety-nine"] == 99
    assert "twenty-zero" not in words and "ten-one" not in words
    assert (words["hundred"], words["dozen"], words["a"], words["an"]) == (100, 12, 1, 1)
    # 20 units, 8 tens with 9 compounds each, hundred, dozen, a, an
    assert len(words) == 20 + 8 * 10 + 4


def test_scales():
    assert numbers.SCALES == {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


@pytest.mark.parametrize(
    ("x", "expected"),
    [(Decimal("3.000000"), 3), (Decimal("2.5"), 2.5), (Decimal("0"), 0), (Decimal("-1"), -1)],
)
def test_plain(x, expected):
    assert plain(x) == expected and type(plain(x)) is type(expected)


def test_numeral_reads_exactly_and_gives_null_when_too_large():
    con = numbers._connection()
    read = numbers.numeral("?")
    assert con.execute(f"SELECT {read}", ["134,500"]).fetchone()[0] == Decimal(134500)
    assert con.execute(f"SELECT {read}", ["9" * 33]).fetchone()[0] is None


def test_macro_installs_in_a_fresh_connection():
    import duckdb

    con = duckdb.connect()
    numbers.install(con)
    rows = con.execute(
        "SELECT parse_number_text(t) FROM (VALUES ('18-30'), ('dozen'), ('x')) v(t)"
    ).fetchall()
    assert rows == [([18, 30],), ([12, 12],), ([None, None],)]
