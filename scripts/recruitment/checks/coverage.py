"""Coverage: every number, date and attributed statement in the seeds is recorded in a row
or deliberately excluded, at the place on the line where it stands.

Spans. A *number or date span* is any run of seed text matching :data:`SPAN_PATTERN`:
numerals (``400,000``, ``2023-03-30`` gives three), number words (``three``,
``thousands``), ordinals (``second``), month and weekday names, seasons, and relative dates
(``last autumn``, ``this year``, ``today``). A *statement span* is a cue of the attribution
lexicon (:data:`recruitment.attribution.CUE_PATTERN`: "said", "told", "assessed",
"according to", "carried by", ...), with the speaker words the lexicon reads for it. Every
span has its place: the line, and the 0-based character offset on it. A line that says
"March" twice has two spans.

Where a row's words stand (:func:`.provenance.words_at`): the row's quote at its first
occurrence on the cited line, and each ``*_text`` column at its first occurrence inside the
quote, counted from there. A quote that stands twice on its line is placed at the first;
to cite the second, quote more of the line.

Covered:

* a number or date span, when it lies inside the placed words of a ``*_text`` column
  (``value_text``, ``date_text``, ``period_text``, ``published_text``, an exclusion's
  ``span_text``) of a row citing its line. So ``18-30`` covers ``18`` and ``30`` and
  ``Su-24M`` covers ``24``, but ``autumn`` does not cover ``last autumn``, and a dateline
  "2026-11-18" does not cover "in 2026" elsewhere on its line.
* a statement span, when it lies inside an exclusion's placed ``span_text``, or inside the
  placed quote of a row citing its line that names a speaker in one of
  :data:`SPEAKER_COLUMNS` (an event's ``actor_id`` or ``reported_by``, a figure's
  ``claimed_by`` or ``reported_by``). Where the speaker words the lexicon reads are the
  name or an alias of an actor (compared by :func:`recruitment.attribution.speaker_key`),
  that row must name that actor: "the Kremlin said" is covered by a row naming the
  Kremlin, not by one naming Dmitry Peskov.

The check is SQL: the spans of every seed line (with their offsets, from the matches and
the text between them), anti-joined on (source, line) and place with the placed words of
the rows citing that line.

A seed's spans depend only on its bytes, which its pin fixes: they are kept, by the
seed's SHA-256, in the package's ignored ``.recruitment/seed-spans.parquet``, signed like
the validation cache (:func:`cache.load_blob`), and only the seeds not found there are
searched again. ``RECRUITMENT_CACHE=off`` searches every seed.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from ..attribution import CUE_PATTERN, speaker_key_sql, speaker_sql
from ..core.package import Package, Resource
from ..core.sqltypes import ident, literal
from ..findings import Finding, Findings
from ..lexicon import MONTHS, SEASONS, WEEKDAYS
from .listing import query_findings
from .provenance import citing_resources, quote_at, quoted_text_columns, words_at

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million|billion|dozen|dozens|hundreds|thousands|"
    "millions|half"
)
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_MONTHS = "|".join(MONTHS)
_WEEKDAYS = "|".join(WEEKDAYS)
_SEASONS = "|".join(SEASONS)

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

SPEAKER_COLUMNS = ("actor_id", "claimed_by", "reported_by")
"""Columns that name who says what a row records, where they refer to the actors table: a
row covers a statement when one of those its table has is filled (events: the actor, or
the reporter the account is had from; figures: the claimant, or the reporter)."""
EXCLUDED_WORDS = "span_text"
"""The column of the exclusions table whose placed words cover a statement span."""
ALIAS_COLUMNS = ("name", "aliases")
ALIAS_SEPARATOR = " | "
"""The actors' name and their spellings in the seeds (``aliases``, separated by ' | ')."""

NUMBER, STATEMENT = "number", "statement"
"""Span kinds: a number or date; an attributed statement (its cue)."""


@dataclass(frozen=True)
class Span:
    """A span no row covers."""

    seed_file: str
    line: int
    start: int
    """0-based character offset on the line."""
    text: str
    kind: str
    """:data:`NUMBER` (numbers and dates) or :data:`STATEMENT`."""
    speaker: str | None = None
    """A statement's speaker words, as the lexicon reads them."""
    speaker_ids: tuple[str, ...] = ()
    """Actors whose name or alias those words are."""


def _placed(parts: list[str], what: str) -> str:
    """(source_id, line, w0, w1[, actor]) of ``parts`` (each selecting source_id, line,
    quote, words[, actor]) placed on their seed lines; ``what`` says which words (the
    quote or the words)."""
    if not parts:
        return (
            "SELECT NULL::VARCHAR AS source_id, NULL::BIGINT AS line, NULL::VARCHAR AS actor, "
            "0 AS w0, 0 AS w1 WHERE false"
        )
    at = quote_at("l.text", "c.quote") if what == "quote" else words_at("l.text", "c.quote", "c.w")
    length = "length(c.quote)" if what == "quote" else "length(c.w)"
    return f"""SELECT c.* EXCLUDE (quote, w), {at} AS w0, {at} + {length} AS w1
        FROM ({" UNION ALL ".join(parts)}) c JOIN seed_lines l USING (source_id, line)
        WHERE contains(l.text, c.quote)"""


def _citing(res: Resource, extra: str, where: str) -> str:
    return (
        f"SELECT source_id, line, quote, {extra} FROM {ident(res.name)} "
        f"WHERE source_id IS NOT NULL AND line IS NOT NULL AND quote IS NOT NULL AND {where}"
    )


def _covering_words(pkg: Package, loaded: set[str], columns=None) -> str:
    """Placed ``*_text`` words of every citing row (only ``columns`` if given)."""
    return _placed(
        [
            _citing(res, f"{ident(col)} AS w", f"{ident(col)} IS NOT NULL")
            for res in citing_resources(pkg, loaded)
            for col in quoted_text_columns(res)
            if columns is None or col in columns
        ],
        "words",
    )


def speaker_columns(res: Resource) -> list[str]:
    """The :data:`SPEAKER_COLUMNS` of ``res`` that refer to another table (by a foreign key
    of their own): the actors table's own ``actor_id`` names no one who speaks."""
    refs = {fk.fields[0] for fk in res.foreign_keys if len(fk.fields) == 1}
    return [c for c in SPEAKER_COLUMNS if c in refs]


def _sayers(pkg: Package, loaded: set[str]) -> str:
    """Placed quotes of every citing row that names a speaker, one row per actor named."""
    return _placed(
        [
            _citing(res, f"NULL AS w, {ident(col)} AS actor", f"{ident(col)} IS NOT NULL")
            for res in citing_resources(pkg, loaded)
            for col in speaker_columns(res)
        ],
        "quote",
    )


def _actors(pkg: Package, loaded: set[str]) -> str:
    """(actor, key): the speaker key of every actor's name and alias."""
    target = next(
        (
            fk
            for res in citing_resources(pkg, loaded)
            for fk in res.foreign_keys
            if fk.fields[0] in SPEAKER_COLUMNS and len(fk.fields) == 1
        ),
        None,
    )
    actors = pkg.resources.get(target.resource) if target is not None else None
    if actors is None or actors.name not in loaded or not actors.has(*ALIAS_COLUMNS):
        return "SELECT NULL::VARCHAR AS actor, NULL::VARCHAR AS key"
    pk, name, aliases = (ident(c) for c in (target.reference_fields[0], *ALIAS_COLUMNS))
    spellings = (
        f"list_prepend({name}, coalesce(string_split({aliases}, {literal(ALIAS_SEPARATOR)}), []))"
    )
    return f"""SELECT DISTINCT actor, {speaker_key_sql("words")} AS key FROM (
        SELECT {pk} AS actor, unnest({spellings}) AS words FROM {ident(actors.name)})
        WHERE words IS NOT NULL"""


def _tables_loaded(pkg: Package, loaded: set[str]) -> bool:
    # a table that could not be read would make every span look uncovered
    return "sources" in loaded and all(
        r.name in loaded for r in pkg.resources.values() if r.has("source_id", "quote")
    )


def _uncovered_sql(pkg: Package, loaded: set[str], seed_spans_sql: str) -> str:
    """SQL of (seed_file, line, start, span, kind, speaker, ids), unordered: every span no
    row covers."""
    exclusions = [r for r in citing_resources(pkg, loaded) if r.has(EXCLUDED_WORDS)]
    return f"""
        WITH spans AS MATERIALIZED (
            SELECT source_id, s.line, s.start, s.span, s.kind, s.speaker,
                   s.start + length(s.span) AS stop
            FROM (SELECT i.source_id, unnest(c.spans) AS s
                  FROM ({seed_spans_sql}) c JOIN seed_ids i USING (digest))),
        words AS ({_covering_words(pkg, loaded)}),
        excluded AS ({_covering_words(pkg, set(r.name for r in exclusions), (EXCLUDED_WORDS,))}),
        sayers AS ({_sayers(pkg, loaded)}),
        actors AS ({_actors(pkg, loaded)}),
        numbers AS (
            SELECT * FROM (SELECT * FROM spans WHERE kind = {literal(NUMBER)}) s
            ANTI JOIN words w ON w.source_id = s.source_id AND w.line = s.line
                 AND w.w0 <= s.start AND s.stop <= w.w1),
        statements AS (
            SELECT s.*, coalesce(list(DISTINCT a.actor ORDER BY a.actor)
                                 FILTER (WHERE a.actor IS NOT NULL), []) AS ids
            FROM spans s LEFT JOIN actors a ON a.key = {speaker_key_sql("s.speaker")}
            WHERE s.kind = {literal(STATEMENT)}
            GROUP BY ALL),
        said AS (
            SELECT * FROM statements s
            ANTI JOIN excluded w ON w.source_id = s.source_id AND w.line = s.line
                 AND w.w0 <= s.start AND s.stop <= w.w1
            ANTI JOIN sayers r ON r.source_id = s.source_id AND r.line = s.line
                 AND r.w0 <= s.start AND s.stop <= r.w1
                 AND (len(s.ids) = 0 OR list_contains(s.ids, r.actor)))
        SELECT src.seed_file, u.line, u.start, u.span, u.kind, u.speaker, u.ids
        FROM (SELECT *, []::VARCHAR[] AS ids FROM numbers UNION ALL BY NAME SELECT * FROM said) u
        JOIN sources src ON src.source_id = u.source_id
        """


SEED_ORDER = "seed_file, line, start, kind"
"""The order of spans and their findings: file, line, place on the line."""


def uncovered(con, pkg: Package, loaded: set[str]) -> list[Span]:
    """Every span no row covers, in seed order (file, line, place). For the curation
    tools, which read one seed's spans; ``validate`` counts them without building them
    (:func:`check_coverage`)."""
    if not _tables_loaded(pkg, loaded):
        return []
    with seed_spans(con, pkg.root) as seed_spans_sql:
        rows = con.execute(
            f"{_uncovered_sql(pkg, loaded, seed_spans_sql)} ORDER BY {SEED_ORDER}"
        ).fetchall()
    return [
        Span(seed_file, line, start, span, kind, speaker, tuple(ids))
        for seed_file, line, start, span, kind, speaker, ids in rows
    ]


def uncovered_spans(con, pkg: Package, loaded: set[str]) -> list[tuple[str, int, str]]:
    """(seed_file, line, span) for every number or date span no row covers, in seed order."""
    return [(s.seed_file, s.line, s.text) for s in uncovered(con, pkg, loaded) if s.kind == NUMBER]


SPANS_FILE = "seed-spans.parquet"


def _placed_matches(lines: str, pattern: str) -> str:
    """(source_id, line, start, span): every match of ``pattern`` on the lines of the
    relation ``lines`` (source_id, line, text), with its 0-based character offset: the
    length of the text before it, which is the pieces between the matches before it
    (``regexp_split_to_array``, which splits at the same matches) and those matches."""
    p = literal(pattern)
    return f"""SELECT source_id, line, span,
            (sum(length(piece) + length(span)) OVER (
                PARTITION BY source_id, line ORDER BY i ROWS UNBOUNDED PRECEDING)
             - length(span))::BIGINT AS start
        FROM (SELECT source_id, line, unnest(m) AS span, unnest(g[1:len(m)]) AS piece,
                     generate_subscripts(m, 1) AS i
              FROM (SELECT source_id, line, regexp_extract_all(text, {p}) AS m,
                           regexp_split_to_array(text, {p}) AS g
                    FROM ({lines}) WHERE regexp_matches(text, {p})))"""


@contextmanager
def seed_spans(con, root):
    """SQL of the relation (digest, spans): one row per verified seed, by its SHA-256, with
    the list of its spans as (line, start, span, kind, speaker) structs (empty when it has
    none).

    Taken from the signed cache where it holds the seed (read in place, not copied), else
    searched; on exit the cache is rewritten if it did not hold exactly these seeds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..core import cache

    span = pa.struct(
        [
            ("line", pa.int64()),
            ("start", pa.int64()),
            ("span", pa.string()),
            ("kind", pa.string()),
            ("speaker", pa.string()),
        ]
    )
    schema = pa.schema([("digest", pa.string()), ("spans", pa.list_(span))])
    kept = cache.load_blob(root, SPANS_FILE)
    cached = schema.empty_table()
    if kept is not None:
        try:
            cached = pq.read_table(pa.BufferReader(kept)).select(schema.names).cast(schema)
        except (KeyError, ValueError, pa.ArrowException):  # signed, but by other code
            cached = schema.empty_table()
    con.register("_cached_spans", cached)
    lines = "SELECT source_id, line, text FROM seed_lines SEMI JOIN todo USING (source_id)"
    cues = (
        "SELECT c.source_id, c.line, l.text, c.span AS cue, c.start AS cue_start, "
        f"c.start + length(c.span) AS cue_end FROM ({_placed_matches(lines, CUE_PATTERN)}) c "
        "JOIN seed_lines l USING (source_id, line)"
    )
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _new_spans AS
            WITH todo AS (  -- one source per seed not searched before
                SELECT source_id, digest FROM seed_ids
                WHERE digest NOT IN (SELECT digest FROM _cached_spans)
                QUALIFY row_number() OVER (PARTITION BY digest ORDER BY source_id) = 1),
            found AS (
                SELECT source_id, line, start, span, {literal(NUMBER)} AS kind,
                       NULL::VARCHAR AS speaker
                FROM ({_placed_matches(lines, SPAN_PATTERN)})
                UNION ALL
                SELECT source_id, line, cue_start, cue, {literal(STATEMENT)}, speaker
                FROM ({speaker_sql(cues, "source_id, line")}))
            SELECT t.digest, coalesce(
                list({{'line': f.line, 'start': f.start, 'span': f.span, 'kind': f.kind,
                       'speaker': f.speaker}} ORDER BY f.line, f.start, f.kind)
                    FILTER (WHERE f.span IS NOT NULL),
                []::STRUCT(line BIGINT, start BIGINT, span VARCHAR, kind VARCHAR,
                           speaker VARCHAR)[]) AS spans
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


def _message(s: Span) -> str:
    at = f"{s.text!r} on line {s.line} (character {s.start + 1})"
    if s.kind == NUMBER:
        return f"{at} is neither recorded nor excluded."
    who = ""
    if s.speaker is not None:
        named = f": {', '.join(s.speaker_ids)}" if s.speaker_ids else ""
        who = f", said by {s.speaker!r}{named},"
    return f"{at}{who} is recorded by no row that names its speaker, nor excluded."


def check_coverage(con, pkg: Package, loaded: set[str]) -> Findings:
    """One finding per uncovered span (``coverage/uncovered`` for a number or date,
    ``coverage/statement`` for a statement): all counted, the first MAX_LISTED listed."""
    if not _tables_loaded(pkg, loaded):
        return Findings()
    rule = (
        f"CASE kind WHEN {literal(NUMBER)} THEN 'coverage/uncovered' ELSE 'coverage/statement' END"
    )
    with seed_spans(con, pkg.root) as seed_spans_sql:
        return query_findings(
            con,
            _uncovered_sql(pkg, loaded, seed_spans_sql),
            order=SEED_ORDER,
            file="seed_file",
            rule=rule,
            make=lambda seed_file, line, start, span, kind, speaker, ids: _finding(
                Span(seed_file, line, start, span, kind, speaker, tuple(ids))
            ),
        )


def _finding(s: Span) -> Finding:
    rule = "coverage/uncovered" if s.kind == NUMBER else "coverage/statement"
    return Finding(s.seed_file, s.line, None, rule, _message(s))
