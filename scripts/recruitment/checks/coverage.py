"""Coverage: every number or date the seeds state is recorded in a row or deliberately excluded.

A *span* is any run of seed text matching :data:`SPAN_PATTERN`: numerals (``400,000``,
``2023-03-30`` gives three), number words (``three``, ``thousands``), ordinals
(``second``), month and weekday names, seasons, and relative dates (``last autumn``,
``this year``, ``today``). A span is *covered* when a row citing the span's line quotes it
in a ``*_text`` column (``value_text``, ``date_text``, ``period_text``, ``published_text``,
an exclusion's ``span_text``): the same pattern finds the span in those words. So
``18-30`` covers ``18`` and ``30``, ``Su-24M`` covers ``24``, but ``a`` covers no ``March``
and ``autumn`` does not cover ``last autumn``.

The check is one SQL query: the spans of every seed line, anti-joined on (source, line,
span) with the spans of the words that rows citing that line quote.

A seed's spans depend only on its bytes, which its pin fixes: they are kept, by the
seed's SHA-256, in the package's ignored ``.recruitment/seed-spans.parquet``, signed like
the validation cache (:func:`cache.load_blob`), and only the seeds not found there are
searched again. ``RECRUITMENT_CACHE=off`` searches every seed.
"""

from __future__ import annotations

from contextlib import contextmanager

from ..findings import Finding, Findings
from ..package import Package
from ..sqltypes import ident, literal
from .listing import query_findings
from .provenance import citing_resources, quoted_text_columns

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
    if not _checkable(pkg, loaded):
        return []
    with seed_spans(con, pkg.root) as seed_spans_sql:
        return con.execute(
            _uncovered_sql(pkg, loaded, seed_spans_sql) + " ORDER BY src.seed_file, s.line, s.span"
        ).fetchall()


def _checkable(pkg: Package, loaded: set[str]) -> bool:
    """A table that could not be read would make every span look uncovered."""
    return "sources" in loaded and all(
        r.name in loaded for r in pkg.resources.values() if r.has("source_id", "quote")
    )


def _uncovered_sql(pkg: Package, loaded: set[str], seed_spans_sql: str) -> str:
    """SQL of (seed_file, line, span), unordered, for every span no row covers."""
    pattern = literal(SPAN_PATTERN)
    return f"""
        WITH covers AS ({_covering_texts(pkg, loaded)}),
        text_spans AS MATERIALIZED (  -- the pattern once per distinct covering text
            SELECT t, unnest(regexp_extract_all(t, {pattern})) AS span
            FROM (SELECT DISTINCT t FROM covers)
        ),
        covered AS (
            SELECT DISTINCT c.source_id, c.line, ts.span FROM covers c JOIN text_spans ts USING (t)
        ),
        spans AS (
            SELECT source_id, s.line, s.span FROM (
                SELECT i.source_id, unnest(c.spans) AS s
                FROM ({seed_spans_sql}) c JOIN seed_ids i USING (digest))
        )
        SELECT src.seed_file, s.line, s.span
        FROM spans s
        ANTI JOIN covered c ON c.source_id = s.source_id AND c.line = s.line AND c.span = s.span
        JOIN sources src ON src.source_id = s.source_id
        """


SPANS_FILE = "seed-spans.parquet"


@contextmanager
def seed_spans(con, root):
    """SQL of the relation (digest, spans): one row per verified seed, by its SHA-256, with
    the list of its spans as (line, span) structs (empty when it has none).

    Taken from the signed cache where it holds the seed (read in place, not copied), else
    searched; on exit the cache is rewritten if it did not hold exactly these seeds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from . import cache

    span = pa.struct([("line", pa.int64()), ("span", pa.string())])
    schema = pa.schema([("digest", pa.string()), ("spans", pa.list_(span))])
    kept = cache.load_blob(root, SPANS_FILE)
    cached = schema.empty_table()
    if kept is not None:
        try:
            cached = pq.read_table(pa.BufferReader(kept)).select(schema.names).cast(schema)
        except (KeyError, ValueError, pa.ArrowException):  # signed, but by other code
            cached = schema.empty_table()
    con.register("_cached_spans", cached)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _new_spans AS
            WITH todo AS (  -- one source per seed not searched before
                SELECT source_id, digest FROM seed_ids
                WHERE digest NOT IN (SELECT digest FROM _cached_spans)
                QUALIFY row_number() OVER (PARTITION BY digest ORDER BY source_id) = 1),
            found AS (
                SELECT source_id, line,
                       unnest(regexp_extract_all(text, {literal(SPAN_PATTERN)})) AS span
                FROM seed_lines SEMI JOIN todo USING (source_id))
            SELECT t.digest, coalesce(
                list({{'line': f.line, 'span': f.span}}) FILTER (WHERE f.span IS NOT NULL),
                []::STRUCT(line BIGINT, span VARCHAR)[]) AS spans
            FROM todo t LEFT JOIN found f USING (source_id) GROUP BY t.digest"""
        )
        spans = (
            "SELECT * FROM _cached_spans WHERE digest IN (SELECT digest FROM seed_ids) "
            "UNION ALL SELECT * FROM _new_spans"
        )
        yield spans
        before = set(con.execute("SELECT digest FROM _cached_spans").fetchall())
        now = set(con.execute(f"SELECT digest FROM ({spans})").fetchall())
        if before != now and cache.enabled():
            sink = pa.BufferOutputStream()
            rows = con.sql(f"{spans} ORDER BY digest").to_arrow_table()
            pq.write_table(rows.cast(schema), sink, compression="zstd")
            cache.store_blob(root, SPANS_FILE, sink.getvalue().to_pybytes())
    finally:
        con.unregister("_cached_spans")
        con.execute("DROP TABLE IF EXISTS _new_spans")


def check_coverage(con, pkg: Package, loaded: set[str]) -> Findings:
    """One finding per uncovered span: all counted, the first MAX_LISTED listed."""
    if not _checkable(pkg, loaded):
        return Findings()
    with seed_spans(con, pkg.root) as seed_spans_sql:
        return query_findings(
            con,
            _uncovered_sql(pkg, loaded, seed_spans_sql),
            order="seed_file, line, span",
            file="seed_file",
            rule="'coverage/uncovered'",
            make=lambda seed_file, line, span: Finding(
                seed_file,
                line,
                None,
                "coverage/uncovered",
                f"{span!r} on line {line} is neither recorded nor excluded.",
            ),
        )
