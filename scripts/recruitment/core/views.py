"""Views and a macro an analyst wants first in the published DuckDB file, with their comments.

Every coded column is plain text (VARCHAR; see :mod:`ddl`), and the views cast any ENUM a
future column might bring back (``::VARCHAR``), so printed results, pandas frames and
comparisons read as plain words. Column lists are derived from the
Table Schemas, so a column added to a schema appears in the views that copy a table.
"""

from __future__ import annotations

from .package import Package, Resource
from .sqltypes import ident, literal

CITING = ("source_id", "line", "quote")


def _cols(res: Resource, alias: str, after: dict[str, str] | None = None) -> list[str]:
    """Every column of ``res`` (ENUMs as text), each followed by any ``after`` expression."""
    out = []
    for f in res.fields:
        col = f"{alias}.{ident(f.name)}"
        out.append(f"{col}::VARCHAR AS {ident(f.name)}" if f.enum else col)
        if after and f.name in after:
            out.append(after[f.name])
    return out


def _row_id(res: Resource, alias: str) -> str:
    keys = [f"{alias}.{ident(k)}::VARCHAR" for k in res.primary_key]
    return keys[0] if len(keys) == 1 else f"concat_ws('_', {', '.join(keys)})"


ACTOR_NAME_COLUMNS = {
    "claimed_by": "claimant",
    "reported_by": "reporter",
    "subject": "subject_name",
    "actor_id": "actor",
}
"""The name column a view adds after each reference to actors (by the referencing field)."""


def _actor_names(res: Resource, alias: str) -> tuple[dict[str, str], str]:
    """For every single-field foreign key of ``res`` to actors: the name column to add after
    it ({field: 'a1.name AS claimant'}) and the LEFT JOINs that give the names."""
    after, joins = {}, ""
    for i, fk in enumerate(k for k in res.foreign_keys if k.resource == "actors"):
        if len(fk.fields) != 1 or fk.fields[0] not in ACTOR_NAME_COLUMNS:
            continue
        name, a = fk.fields[0], f"a{i + 1}"
        after[name] = f"{a}.name AS {ident(ACTOR_NAME_COLUMNS[name])}"
        joins += f"\nLEFT JOIN actors {a} ON {a}.actor_id = {alias}.{ident(name)}"
    return after, joins


HAPPENINGS = """SELECT e.event_key,
       string_agg(DISTINCT e.event_type::VARCHAR, '; ' ORDER BY e.event_type::VARCHAR)
           AS event_types,
       arg_min(e.summary, e.event_id) AS description,
       count(DISTINCT e.source_id) AS articles,
       count(*) AS reports,
       list(e.event_id ORDER BY e.event_id) AS event_ids,
       list(DISTINCT e.source_id ORDER BY e.source_id) AS source_ids,
       min(e.date_start) AS widest_start, max(e.date_end) AS widest_end,
       max(e.date_start) AS narrowest_start, min(e.date_end) AS narrowest_end
FROM events e
GROUP BY e.event_key
ORDER BY widest_start, widest_end, e.event_key"""
HAPPENINGS_COMMENT = (
    "One row per happening (events sharing an event_key): how many articles and rows report "
    "it, and its date two ways: the widest interval (any report's earliest start to any "
    "report's latest end) and the narrowest (where every report's interval overlaps; "
    "narrowest_start > narrowest_end means the reports disagree). count(*) of this view "
    "counts happenings once, where count(*) of events counts reports."
)


ESTIMATE_KINDS = ("tally", "rate", "share", "change")
"""The kinds of measure (measures.kind) whose figures the ``estimates`` view lists: numbers
someone counts or estimates, as opposed to targets, payments and attributes. Which measures
these are is data: the code list's ``kind`` column."""
CLAIM_EVENT_TYPES = ("statement", "assessment")
"""Event types whose interval is when an actor said something: a figure that belongs to
such an event was claimed then (the ``estimates`` view's as_of); any other figure is as of
its article's publication."""


def _estimates(pkg: Package) -> str:
    """The ``estimates`` view: the figures of an estimate kind, with their as_of interval."""
    names, joins = _actor_names(pkg.resources["figures"], "f")
    wanted = ", ".join(literal(k) for k in ESTIMATE_KINDS)
    claim_events = ", ".join(literal(k) for k in CLAIM_EVENT_TYPES)
    said = f"e.event_type::VARCHAR IN ({claim_events})"
    people = [
        f"f.{ident(name)}, {names[name]}"
        for name in ("claimed_by", "reported_by", "subject")
        if name in names
    ]
    return f"""SELECT f.figure_id, f.measure::VARCHAR AS measure, m.label AS measure_label,
       {", ".join(people)},
       f.qualifier::VARCHAR AS qualifier, f.value_low, f.value, f.value_high,
       f.unit::VARCHAR AS unit, f.value_text,
       f.period_start, f.period_end, f.period_precision::VARCHAR AS period_precision,
       CASE WHEN {said} THEN e.date_start ELSE s.published_start END AS as_of_start,
       CASE WHEN {said} THEN e.date_end ELSE s.published_end END AS as_of_end,
       CASE WHEN {said} THEN e.date_precision ELSE s.published_precision END::VARCHAR
           AS as_of_precision,
       CASE WHEN {said} THEN 'statement' ELSE 'publication' END AS as_of_basis,
       f.claim_key, f.event_id, f.source_id, f.seed_file, f.line, f.quote
FROM figures f
JOIN measures m ON m.code = f.measure
JOIN sources s ON s.source_id = f.source_id
LEFT JOIN events e ON e.event_id = f.event_id{joins}
WHERE m.kind::VARCHAR IN ({wanted})
ORDER BY as_of_start, as_of_end, f.figure_id"""


ESTIMATES_COMMENT = (
    "Each figure of a measure that is a count or an estimate (measures.kind "
    + ", ".join(ESTIMATE_KINDS)
    + ") with who claims it, who relayed it, whose number it is, its bounds and period, and "
    "as_of: when the claim was made (the interval of its event when that is a "
    + " or ".join(CLAIM_EVENT_TYPES)
    + ", else its article's publication interval), in as_of order: a claimant's estimates "
    "over time are one WHERE away."
)


def view_sql(pkg: Package) -> dict[str, tuple[str, str]]:
    """{view name: (SELECT, comment)} for the views this package supports."""
    out: dict[str, tuple[str, str]] = {}
    res = pkg.resources
    if "figures" in res and "actors" in res:
        names, joins = _actor_names(res["figures"], "f")
        cols = _cols(res["figures"], "f", names)
        cols += ["f.seed_file", "f.char_start", "f.char_end"]
        out["figures_cited"] = (
            f"SELECT {', '.join(cols)}\nFROM figures f{joins}\nORDER BY f.figure_id",
            "Each figure with every column (codes as text), the names of the actors it refers "
            "to (who claims it, who relayed it, whose number it is), and the seed file, line "
            "and quote it stands on.",
        )
    if "figures" in res and "events" in res:
        out["timeline"] = (
            """SELECT 'event' AS kind, e.event_id AS id, e.date_start, e.date_end,
       e.date_precision::VARCHAR AS precision, e.event_type::VARCHAR AS what,
       e.summary AS description, e.source_id, e.line
FROM events e
UNION ALL
SELECT 'figure', f.figure_id, f.period_start, f.period_end,
       f.period_precision::VARCHAR, f.measure::VARCHAR,
       f.value_text || ' (' || f.qualifier::VARCHAR || ', ' || f.unit::VARCHAR || ')',
       f.source_id, f.line
FROM figures f WHERE f.period_start IS NOT NULL
ORDER BY date_start, date_end, kind, id""",
            "Events and dated figures in date order; date_start/date_end bound each entry and "
            "precision says how exactly it is known.",
        )
    if "figures" in res and "actors" in res:
        out["claims"] = (
            """SELECT f.claim_key, any_value(f.measure)::VARCHAR AS measure,
       count(DISTINCT f.source_id) AS sources,
       list(DISTINCT f.source_id ORDER BY f.source_id) AS source_ids,
       list(f.figure_id ORDER BY f.figure_id) AS figure_ids,
       min(f.value) AS value_min, max(f.value) AS value_max,
       string_agg(DISTINCT a.name, '; ' ORDER BY a.name) AS claimants
FROM figures f LEFT JOIN actors a ON a.actor_id = f.claimed_by
GROUP BY f.claim_key
ORDER BY sources DESC, f.claim_key""",
            "Each claim (figures sharing a claim_key) with the number of distinct seed articles "
            "that report it: sources > 1 means the articles corroborate each other.",
        )
    if "events" in res and res["events"].has("event_key", "date_start", "date_end"):
        out["happenings"] = (HAPPENINGS, HAPPENINGS_COMMENT)
    if _has_estimates(pkg):
        out["estimates"] = (_estimates(pkg), ESTIMATES_COMMENT)
    citing = [r for r in pkg.in_dependency_order() if r.has(*CITING) and r.primary_key]
    if citing:
        out["citations"] = (
            "\nUNION ALL\n".join(
                f"SELECT {literal(r.name)} AS table_name, {_row_id(r, 't')} AS id, "
                f"t.source_id, t.line, t.quote FROM {ident(r.name)} t"
                for r in citing
            )
            + "\nORDER BY source_id, line, table_name, id",
            "Every row of every table that cites a seed: its table, key, seed article, line "
            "and quote. quote_context(id) shows the lines around any of them.",
        )
    return out


def _has_estimates(pkg: Package) -> bool:
    """Whether the package has every table and column the ``estimates`` view reads."""
    res = pkg.resources
    return (
        all(name in res for name in ("figures", "actors", "measures", "sources", "events"))
        and res["measures"].has("code", "label", "kind")
        and res["sources"].has("published_start", "published_end", "published_precision")
        and res["events"].has("event_type", "date_start", "date_end", "date_precision")
        and res["figures"].has("event_id", "claim_key", "value_low", "value_high", "unit")
    )


CONTEXT_MACRO = (
    "quote_context",
    """(row_id, around := 2) AS TABLE
SELECT c.table_name, c.id, s.line, s.line = c.line AS cited, s.text
FROM citations c
JOIN seed_lines s ON s.source_id = c.source_id
 AND s.line BETWEEN c.line - around AND c.line + around
WHERE c.id = row_id
ORDER BY s.line""",
    "quote_context(id, around := 2): the lines of the seed article around the line a row "
    "cites (cited = true on that line), e.g. SELECT * FROM quote_context('fig-0005').",
)


COMPUTED_COLUMNS = {
    "claimant": "Name of the actor who claims the figure (actors.name of claimed_by).",
    "reporter": "Name of the actor who relayed the claim (actors.name of reported_by).",
    "subject_name": "Name of the party the number counts (actors.name of subject).",
    "event_types": "The event types the reports of the happening give, joined by '; '.",
    "articles": "Number of distinct seed articles that report the happening.",
    "reports": "Number of events rows (reports) that share the event_key.",
    "event_ids": "The events (events.event_id) that report the happening.",
    "widest_start": "Earliest date_start of any report of the happening.",
    "widest_end": "Latest date_end of any report of the happening.",
    "narrowest_start": "Latest date_start of the reports: where all their intervals overlap.",
    "narrowest_end": "Earliest date_end of the reports: where all their intervals overlap.",
    "kind": "'event' for a row of events, 'figure' for a dated row of figures.",
    "id": "Primary key of the row (event_id, figure_id, ...).",
    "table_name": "The table the row belongs to.",
    "precision": "How exactly date_start..date_end is known (day, week, month, season, year).",
    "what": "The event_type of an event, or the measure of a figure.",
    "description": "The event's summary (for a happening, that of its first report), or the "
    "figure's words with qualifier and unit.",
    "sources": "Number of distinct seed articles that report the claim.",
    "source_ids": "The seed articles (sources.source_id) that report the claim or happening.",
    "figure_ids": "The figures (figures.figure_id) that record the claim.",
    "value_min": "Smallest value any report of the claim gives.",
    "value_max": "Largest value any report of the claim gives.",
    "claimants": "Names of the actors the reports say assert the claim.",
    "measure": "What the number counts (figures.measure).",
    "measure_label": "The measure's label (measures.label).",
    "as_of_start": "Earliest date the claim was made: its statement or assessment event's "
    "date_start, else its article's published_start.",
    "as_of_end": "Latest date the claim was made: its statement or assessment event's "
    "date_end, else its article's published_end.",
    "as_of_precision": "How exactly as_of_start..as_of_end is known (the event's "
    "date_precision or the article's published_precision).",
    "as_of_basis": "Where as_of comes from: 'statement' (the figure's statement or "
    "assessment event) or 'publication' (the article's publication date).",
}
"""Descriptions of view columns that are not copied from a table column."""


def create(con, pkg: Package) -> None:
    """Create the views, the macro and their comments in ``con``'s current database.

    Run after the tables and seed_lines. A view column that is a table column keeps that
    column's comment; the others are described in :data:`COMPUTED_COLUMNS`.
    """
    comments = {
        (t, c): text
        for t, c, text in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND comment IS NOT NULL"
        ).fetchall()
    }
    defined = view_sql(pkg)
    for name, (sql, comment) in defined.items():
        con.execute(f"CREATE VIEW {ident(name)} AS {sql}")
        con.execute(f"COMMENT ON VIEW {ident(name)} IS {literal(comment)}")
        for (column,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND database_name = current_database() ORDER BY column_index",
            [name],
        ).fetchall():
            text = COMPUTED_COLUMNS.get(column) or next(
                (comments[(t, column)] for t in ("figures", "events") if (t, column) in comments),
                None,
            )
            if text is None:
                raise KeyError(f"view {name} column {column} has no description")
            con.execute(f"COMMENT ON COLUMN {ident(name)}.{ident(column)} IS {literal(text)}")
    if "citations" in defined:
        name, body, comment = CONTEXT_MACRO
        con.execute(f"CREATE MACRO {ident(name)}{body}")
        con.execute(f"COMMENT ON MACRO TABLE {ident(name)} IS {literal(comment)}")
