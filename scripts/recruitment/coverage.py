"""Coverage: every number or date the seeds state is recorded in a row or deliberately excluded.

A *span* is any run of seed text matching :data:`SPAN_PATTERN`: numerals (``400,000``,
``2023-03-30`` gives three), number words (``three``, ``thousands``), ordinals
(``second``), month and weekday names, seasons, and relative dates (``last autumn``,
``this year``, ``today``). A span is *covered* when it lies inside the words a row quotes
in a ``*_text`` column (``value_text``, ``date_text``, ``period_text``, ``published_text``,
an exclusion's ``span_text``) and that row cites the span's line.

The check is one SQL query: for each seed line, every covering text of the rows citing it
is masked out (longest first, whole words only), and whatever spans remain are uncovered.
"""

from __future__ import annotations

from .findings import Finding
from .package import Package
from .provenance import citing_resources, quoted_text_columns
from .sqltypes import ident, literal

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million|billion|dozen|dozens|hundreds|thousands|"
    "millions|half"
)
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SEASONS = "spring|summer|autumn|winter"

SPAN_PATTERN = "|".join(
    [
        r"(?i:\b(?:last|this|next)\s+(?:week|month|year|" + _SEASONS + r")\b)",
        r"\d+(?:[.,]\d+)*",
        r"(?i:\b(?:" + _NUMBER_WORDS + r")\b)",
        r"(?i:\b(?:" + _ORDINALS + r")\b)",
        r"\b(?:" + _MONTHS + r")\b",
        r"\b(?:" + _WEEKDAYS + r")\b",
        r"(?i:\b(?:" + _SEASONS + r")\b)",
        r"(?i:\b(?:yesterday|today|tonight|tomorrow)\b)",
    ]
)
"""RE2 pattern of a number or date span; alternatives are tried in this order."""

MASK = "\x01"
_WHOLE_WORDS = (
    r"CASE WHEN regexp_matches(t, '^\w') THEN '\b' ELSE '' END || regexp_escape(t) || "
    r"CASE WHEN regexp_matches(t, '\w$') THEN '\b' ELSE '' END"
)
"""A covering text as a pattern that matches it only as whole words: 'a' covers the
article 'a', never the 'a' inside 'March'."""


def _covering_texts(pkg: Package, loaded: set[str]) -> str:
    parts = [
        f"SELECT source_id, line, {ident(col)} AS t FROM {ident(res.name)} "
        f"WHERE {ident(col)} IS NOT NULL AND source_id IS NOT NULL AND line IS NOT NULL"
        for res in citing_resources(pkg, loaded)
        for col in quoted_text_columns(res)
    ]
    return " UNION ALL ".join(parts) or "SELECT NULL AS source_id, NULL AS line, NULL AS t"


def uncovered_spans(con, pkg: Package, loaded: set[str]) -> list[tuple[str, int, str]]:
    """(seed_file, line, span) for every span no row covers, in seed order."""
    if "sources" not in loaded or any(
        r.name not in loaded for r in pkg.resources.values() if r.has("source_id", "quote")
    ):
        return []  # a table that could not be read would make every span look uncovered
    return con.execute(
        f"""
        WITH covers AS ({_covering_texts(pkg, loaded)}),
        per_line AS (  -- longest first, so a text inside another one masks nothing extra
            SELECT source_id, line, list(t ORDER BY length(t) DESC, t) AS ts
            FROM (SELECT DISTINCT source_id, line, t FROM covers) GROUP BY ALL
        ),
        masked AS (
            SELECT s.source_id, s.line,
                   list_reduce(
                       coalesce(p.ts, []),
                       lambda acc, t: regexp_replace(
                           acc, {_WHOLE_WORDS}, repeat({literal(MASK)}, length(t)), 'g'),
                       s.text) AS text
            FROM seed_lines s LEFT JOIN per_line p USING (source_id, line)
        )
        SELECT src.seed_file, m.line, span
        FROM masked m JOIN sources src USING (source_id),
             unnest(regexp_extract_all(m.text, {literal(SPAN_PATTERN)})) AS u(span)
        ORDER BY src.seed_file, m.line
        """
    ).fetchall()


def check_coverage(con, pkg: Package, loaded: set[str]) -> list[Finding]:
    return [
        Finding(
            seed_file,
            line,
            None,
            "coverage/uncovered",
            f"{span!r} on line {line} is neither recorded nor excluded.",
        )
        for seed_file, line, span in uncovered_spans(con, pkg, loaded)
    ]
