"""Views an analyst wants first in the published DuckDB file, with their comments."""

from __future__ import annotations

VIEWS: dict[str, tuple[str, str]] = {
    "figures_cited": (
        """
        SELECT f.figure_id, f.measure, f.value, f.value_low, f.value_high, f.qualifier,
               f.unit, f.value_text, f.period_start, f.period_end, f.claimed_by,
               a.name AS claimant, f.event_id, f.claim_key, f.source_id, f.seed_file, f.line,
               f.quote, f.char_start, f.char_end
        FROM figures f LEFT JOIN actors a ON a.actor_id = f.claimed_by
        ORDER BY f.figure_id
        """,
        "Each figure with its measure, bounds, the name of the actor who claims it, and the "
        "seed file, line and quote it stands on.",
    ),
    "timeline": (
        """
        SELECT 'event' AS kind, e.event_id AS id, e.date_start, e.date_end,
               e.date_precision::VARCHAR AS precision, e.event_type::VARCHAR AS what,
               e.summary AS description, e.source_id, e.line
        FROM events e
        UNION ALL
        SELECT 'figure', f.figure_id, f.period_start, f.period_end,
               f.period_precision::VARCHAR, f.measure::VARCHAR,
               f.value_text || ' (' || f.qualifier::VARCHAR || ', ' || f.unit::VARCHAR || ')',
               f.source_id, f.line
        FROM figures f WHERE f.period_start IS NOT NULL
        ORDER BY date_start, date_end, kind, id
        """,
        "Events and dated figures in date order; date_start/date_end bound each entry and "
        "precision says how exactly it is known.",
    ),
    "claims": (
        """
        SELECT f.claim_key, any_value(f.measure) AS measure,
               count(DISTINCT f.source_id) AS sources,
               list(DISTINCT f.source_id ORDER BY f.source_id) AS source_ids,
               list(f.figure_id ORDER BY f.figure_id) AS figure_ids,
               min(f.value) AS value_min, max(f.value) AS value_max,
               string_agg(DISTINCT a.name, '; ' ORDER BY a.name) AS claimants
        FROM figures f LEFT JOIN actors a ON a.actor_id = f.claimed_by
        GROUP BY f.claim_key
        ORDER BY sources DESC, f.claim_key
        """,
        "Each claim (figures sharing a claim_key) with the number of distinct seed articles "
        "that report it: sources > 1 means the articles corroborate each other.",
    ),
}


COMPUTED_COLUMNS = {
    "claimant": "Name of the actor who claims the figure (actors.name of claimed_by).",
    "kind": "'event' for a row of events, 'figure' for a dated row of figures.",
    "id": "event_id or figure_id of the row.",
    "precision": "How exactly date_start..date_end is known (day, week, month, season, year).",
    "what": "The event_type of an event, or the measure of a figure.",
    "description": "The event's summary, or the figure's words with qualifier and unit.",
    "sources": "Number of distinct seed articles that report the claim.",
    "source_ids": "The seed articles (sources.source_id) that report the claim.",
    "figure_ids": "The figures (figures.figure_id) that record the claim.",
    "value_min": "Smallest value any report of the claim gives.",
    "value_max": "Largest value any report of the claim gives.",
    "claimants": "Names of the actors the reports say assert the claim.",
    "measure": "What the number counts (figures.measure).",
}
"""Descriptions of view columns that are not copied from a table column."""


def create(con) -> None:
    """Create the views and their comments in ``con``'s current database, after the tables.

    A view column that is a table column keeps that column's comment; the others are
    described in :data:`COMPUTED_COLUMNS`.
    """
    from .sqltypes import ident, literal

    comments = {
        (t, c): text
        for t, c, text in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND comment IS NOT NULL"
        ).fetchall()
    }
    for name, (sql, comment) in VIEWS.items():
        con.execute(f"CREATE VIEW {ident(name)} AS {sql.strip()}")
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
