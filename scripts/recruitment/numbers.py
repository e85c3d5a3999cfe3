"""How ``value_text`` is read as a number: the one function, as a DuckDB macro.

``parse_number_text(text)`` returns the list ``[low, high]`` as DECIMAL(38, 6), exact for
every integer a BIGINT column holds (a DOUBLE is exact only up to 2^53, so "9007199254740993"
read as one equals the value 9007199254740992); an element is NULL when that part is no
number this grammar knows, or one too large for the type. A single number gives
``low = high``; a range gives both ends.

Grammar (case-insensitive, surrounding spaces ignored)::

    range   := single ("-" | "–" | "—" | " to ") single  |  "between " single " and " single
    single  := base [" " scale]
    base    := digits with thousands commas ("134,500") | digits with a decimal point ("1.5")
             | a number word: zero … nineteen, twenty … ninety, "twenty-five" style compounds,
               hundred, dozen, and "a"/"an" for one ("a bomber", "an ammunition depot")
    scale   := thousand (×1,000) | million (×1,000,000) | billion (×1,000,000,000)

So "400,000" → 400000, "three" → 3, "1.5 million" → 1500000, "18-30" → 18..30. Digits with
a point as thousands separator ("134.500") read as a decimal and then fail to match the
integer value, which is the point: the text must say the number the row records.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


def number_words() -> dict[str, int]:
    """Every number word the grammar reads, with its value."""
    words = {w: i for i, w in enumerate(_UNITS)}
    for tens, value in _TENS.items():
        words[tens] = value
        for unit in range(1, 10):
            words[f"{tens}-{_UNITS[unit]}"] = value + unit
    words["hundred"] = 100
    words["dozen"] = 12
    words["a"] = words["an"] = 1  # "a Russian Su-24M bomber": the curator chose these words
    return words


SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMERAL = r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+(\.[0-9]+)?"
NUMERAL = _NUMERAL
"""A plain numeral, the macro's fast path: "134,500" or "1.5" reads as itself."""
_RANGE = r"^(.+?)\s*(?:-|–|—|\sto\s)\s*(.+)$"
_BETWEEN = r"^between\s+(.+?)\s+and\s+(.+)$"


_SINGLE = r"^(" + _NUMERAL + r"|[a-z]+(-[a-z]+)?)(\s+(thousand|million|billion))?$"


def macro_sql() -> str:
    """The CREATE MACRO statements that define parse_number_text in a DuckDB connection.

    DuckDB inlines macros, so each piece is written to appear once: the text is split into
    its [low, high] parts first, and one lambda reads each part.
    """
    words = ", ".join(f"'{w}': {v}" for w, v in number_words().items())
    scales = ", ".join(f"'{w}': {v}" for w, v in SCALES.items())
    return f"""
    CREATE OR REPLACE MACRO _number_parts(s) AS (
        CASE WHEN regexp_matches(s, '{_BETWEEN}')
               THEN [regexp_extract(s, '{_BETWEEN}', 1), regexp_extract(s, '{_BETWEEN}', 2)]
             WHEN regexp_matches(s, '{_SINGLE}') THEN [s, s]
             WHEN regexp_matches(s, '{_RANGE}')
               THEN [regexp_extract(s, '{_RANGE}', 1), regexp_extract(s, '{_RANGE}', 2)]
             ELSE [s, s] END);
    CREATE OR REPLACE MACRO _number_single(x) AS (try(
        CASE WHEN regexp_full_match(regexp_extract(x, '^(\\S+)', 1), '{_NUMERAL}')
               THEN CAST(replace(regexp_extract(x, '^(\\S+)', 1), ',', '') AS {EXACT})
             ELSE CAST(map_extract_value(MAP {{{words}}}, regexp_extract(x, '^(\\S+)', 1))
                       AS {EXACT}) END
        * CASE WHEN regexp_full_match(x, '\\S+') THEN 1
               ELSE map_extract_value(MAP {{{scales}}}, regexp_extract(x, '\\s(\\S+)$', 1))
          END));
    CREATE OR REPLACE MACRO parse_number_text(text) AS (
        CASE WHEN regexp_full_match(text, '{_NUMERAL}')  -- the common case, read directly
             THEN [{numeral("text")}, {numeral("text")}]
             ELSE list_transform(_number_parts(lower(trim(text))), lambda x: _number_single(x))
        END);
    """


EXACT = "DECIMAL(38, 6)"
"""The type numbers are read into: exact for every BIGINT and for six decimals."""


def numeral(sql: str) -> str:
    """SQL reading the plain numeral ``sql`` ("134,500", "1.5") exactly, NULL if too large."""
    return f"try(CAST(replace({sql}, ',', '') AS {EXACT}))"


def install(con) -> None:
    """Define parse_number_text in ``con``."""
    con.execute(macro_sql())


@cache
def _connection():
    import duckdb

    con = duckdb.connect()
    install(con)
    return con


def parse_number_text(text: str) -> tuple[int | float, int | float] | None:
    """Read ``text`` with the macro (the same code the validator runs): (low, high) or None;
    each an int when whole (exactly, however large), else a float."""
    ((parts,),) = _connection().execute("SELECT parse_number_text(?)", [text]).fetchall()
    low, high = parts
    if low is None or high is None:
        return None
    return plain(low), plain(high)


def plain(x: Decimal) -> int | float:
    """A DECIMAL the macro returned, as an int when it is whole, else a float."""
    return int(x) if x == x.to_integral_value() else float(x)
