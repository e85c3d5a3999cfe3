"""Cross-row curation rules: what one row cannot show but the table (or two tables) can.

* ``curation/duplicate``: two rows of one table citing the same source and line that record
  the same thing (figures: measure and value_text; events: event_type and date_text) from
  the same words of the line (so "two areas … and two fuel depots" are two figures; rows
  without the words, such as undated events, from the same quote); the finding is on the
  later row.
* ``curation/excluded-but-recorded``: a row's ``*_text`` words and an exclusion's span
  stand at overlapping places of the same line (:func:`.provenance.words_at`): one of the
  two is wrong.
* ``curation/relative-date``: a date group (``<p>_start``, ``<p>_end``, ``<p>_basis``,
  ``<p>_text``) with basis ``relative`` holds exactly what :func:`dates.resolve` gives for
  its words and the article's publication interval; words it cannot read need ``inferred``.
* ``curation/interval-honest``: a ``stated`` interval contains every date its words allow.
* ``curation/other-source``: a reference from one row of evidence to another (a figure's
  ``event_id``) points at a row of the same article. A table whose rows are reports of
  one article names their identity across articles in a ``*_key`` column (``event_key``,
  ``claim_key``); a foreign key to such a table must stay inside the citing row's source,
  and cross-article identity is said with the key. Tables of things named across articles
  (actors) have no such column, and references to them may cross articles.

Everything is SQL over whole tables in the validation's DuckDB connection; the resolver runs
once per distinct (words, publication interval). The column groups are found in the Table
Schemas, not named per table.
"""

from __future__ import annotations

from ..core.package import Package, Resource
from ..core.sqltypes import ident, literal
from ..findings import Finding, Findings
from .csvfile import LINE_COLUMN
from .dates import resolve_distinct
from .listing import query_findings
from .provenance import quote_at, quoted_text_columns, words_at
from .rules import date_groups
from .units import check_units

DUPLICATE_KEYS = (("measure", "value_text"), ("event_type", "date_text"))
"""What makes two rows of one line the same record: the first group a table has."""

CITE = ("source_id", "line")
RESOLVED = "_resolved_dates"


def check_curation(con, pkg: Package, loaded: set[str]) -> Findings:
    tables = [r for r in pkg.in_dependency_order() if r.name in loaded and r.has(*CITE)]
    out = Findings()
    for res in tables:
        out += check_duplicates(con, res)
    exclusions = next((r for r in tables if r.has("span_text")), None)
    if exclusions is not None:
        for res in tables:
            if res is not exclusions:
                out += check_excluded(con, res, exclusions)
    out += check_dates(con, pkg, loaded)
    out += check_units(con, pkg, loaded)
    for res in tables:
        out += check_same_source(con, pkg, res, loaded)
    return out


def reports(res: Resource) -> bool:
    """Whether the rows of ``res`` are one article's reports: it cites a source, and names
    their identity across articles in a ``*_key`` column of its own."""
    return res.has(*CITE) and any(
        f.name.endswith("_key") and f.type == "string" for f in res.fields
    )


def check_same_source(con, pkg: Package, res: Resource, loaded: set[str]) -> Findings:
    """A foreign key of a citing row to a row of reports names a row of the same source."""
    out = Findings()
    t, ln = ident(res.name), ident(LINE_COLUMN)
    for fk in res.foreign_keys:
        target = pkg.resources.get(fk.resource)
        if target is None or target.name not in loaded or not reports(target):
            continue
        on = " AND ".join(
            f"r.{ident(a)} = x.{ident(b)}"
            for a, b in zip(fk.fields, fk.reference_fields, strict=True)
        )
        key = ", ".join(f"r.{ident(a)}" for a in fk.fields)
        out += query_findings(
            con,
            f"""SELECT r.{ln} AS at, concat_ws(', ', {key}) AS ref, r.source_id,
                       x.source_id AS other, x.{ln} AS other_line
            FROM {t} r JOIN {ident(target.name)} x ON {on}
            WHERE r.source_id <> x.source_id""",
            order='"at"',
            file=literal(res.path),
            rule="'curation/other-source'",
            make=lambda at, ref, source_id, other, other_line, fk=fk, target=target: Finding(
                res.path,
                at,
                fk.fields[0],
                "curation/other-source",
                f"{ref!r} is a row of {other} ({target.path} line {other_line}), but this row "
                f"cites {source_id}: a reference to a report stays inside its article.",
            ),
        )
    return out


def check_duplicates(con, res: Resource) -> Findings:
    keys = next((k for k in DUPLICATE_KEYS if res.has(*k)), None)
    if keys is None:
        return Findings()
    t, ln, words = ident(res.name), ident(LINE_COLUMN), ident(keys[-1])

    def same(x: str, y: str) -> str:
        return " AND ".join(f"{x}.{ident(c)} IS NOT DISTINCT FROM {y}.{ident(c)}" for c in keys)

    # Where the words stand in the seed line: 'two areas' and 'two fuel depots' of one line
    # are two records; the same words at the same place are one.
    # (Where the seed line is not verified, the quote and the place in it stand in.)
    # Rows without the words (an undated event) stand where their quote stands, so two
    # different statements of one line are two records and a copied row is a duplicate.
    at = (
        f"CASE WHEN r.{words} IS NULL THEN 'quote ' || "
        f"coalesce({quote_at('s.text', 'r.quote')}::VARCHAR, r.quote) || ' ' || length(r.quote) "
        f"WHEN s.text IS NULL THEN r.quote || '#' || instr(r.quote, r.{words}) "
        f"ELSE {words_at('s.text', 'r.quote', f'r.{words}')}::VARCHAR END"
        if res.has("quote")
        else "NULL::VARCHAR"
    )
    # Only rows sharing source, line and keys with another row can be duplicates: find
    # those groups first (one aggregate), and place only their rows in the seed line.
    group = ", ".join(ident(c) for c in ("source_id", "line", *keys))
    what = " and ".join(keys)
    return query_findings(
        con,
        f"""WITH shared AS (
            SELECT {group} FROM {t} GROUP BY ALL HAVING count(*) > 1),
        placed AS (
            SELECT r.*, {at} AS _at FROM {t} r SEMI JOIN shared c
              ON c.source_id = r.source_id AND c.line = r.line AND {same("r", "c")}
            LEFT JOIN seed_lines s ON s.source_id = r.source_id AND s.line = r.line)
        SELECT b.{ln} AS at, min(a.{ln}) AS first, any_value(b.source_id) AS source_id,
               any_value(b.line) AS line
        FROM placed a JOIN placed b
          ON a.source_id = b.source_id AND a.line = b.line AND {same("a", "b")}
         AND a._at IS NOT DISTINCT FROM b._at AND a.{ln} < b.{ln}
        GROUP BY b.{ln}""",
        order='"at"',
        file=literal(res.path),
        rule="'curation/duplicate'",
        make=lambda at, first, source_id, line: Finding(
            res.path,
            at,
            keys[-1],
            "curation/duplicate",
            f"Same {what}, at the same place of {source_id} line {line}, as CSV line {first}.",
        ),
    )


def check_excluded(con, res: Resource, exclusions: Resource) -> Findings:
    """A row's words and an exclusion's span that stand at overlapping places of the same
    seed line (each placed by :func:`.provenance.words_at`): the same words are recorded
    and excluded. The same words elsewhere on the line ("two" recorded, another "two"
    excluded) are no conflict."""
    t, x, ln = ident(res.name), ident(exclusions.name), ident(LINE_COLUMN)
    key = ident(exclusions.primary_key[0]) if exclusions.primary_key else ln

    def placed(table: str, col: str, keep: str) -> str:
        c = f"r.{ident(col)}"
        return (
            f"SELECT r.source_id, r.line, {keep}, {c} AS w, {words_at('l.text', 'r.quote', c)} "
            f"AS w0 FROM {table} r JOIN seed_lines l USING (source_id, line) "
            f"WHERE {c} IS NOT NULL AND contains(l.text, r.quote) AND contains(r.quote, {c})"
        )

    spans = placed(x, "span_text", f"r.{key}::VARCHAR AS excluded, r.{ln} AS at")
    out = Findings()
    for col in quoted_text_columns(res):
        out += query_findings(
            con,
            f"""SELECT r.at, r.w AS words, any_value(x.excluded ORDER BY x.at) AS excluded
            FROM ({placed(t, col, f"r.{ln} AS at")}) r JOIN ({spans}) x
              ON x.source_id = r.source_id AND x.line = r.line
             AND r.w0 < x.w0 + length(x.w) AND x.w0 < r.w0 + length(r.w)
            GROUP BY r.at, r.w""",
            order='"at", words',
            file=literal(res.path),
            rule="'curation/excluded-but-recorded'",
            make=lambda at, words, excluded, col=col: Finding(
                res.path,
                at,
                col,
                "curation/excluded-but-recorded",
                f"{words!r} is recorded here and excluded as {excluded} ({exclusions.path}) "
                "at the same place of the same line.",
            ),
        )
    return out


def _groups(pkg: Package, loaded: set[str]) -> list[tuple[Resource, str]]:
    """(table, prefix) of every date group with words and a basis."""
    return [
        (res, p)
        for res in pkg.in_dependency_order()
        if res.name in loaded and res.has("source_id")
        for p in date_groups(res)
        if res.has(f"{p}_basis", f"{p}_text")
    ]


def _dated(res: Resource, p: str, sources: Resource | None) -> str:
    """Each row of a date group with its article's publication interval (ps, pe): NULL for
    the sources table itself, whose own date is the reference, not relative to one."""
    t, ln = ident(res.name), ident(LINE_COLUMN)
    own = sources is None or res.name == sources.name
    pub = (
        "NULL::DATE AS ps, NULL::DATE AS pe"
        if own
        else "s.published_start AS ps, s.published_end AS pe"
    )
    join = "" if own else f" LEFT JOIN {ident(sources.name)} s USING (source_id)"
    return (
        f"SELECT r.{ln} AS at, r.source_id, r.{ident(p + '_text')} AS text, "
        f"r.{ident(p + '_basis')}::VARCHAR AS basis, r.{ident(p + '_start')} AS d0, "
        f"r.{ident(p + '_end')} AS d1, {pub} FROM {t} r{join}"
    )


def check_dates(con, pkg: Package, loaded: set[str]) -> Findings:
    groups = _groups(pkg, loaded)
    src = pkg.resources.get("sources")
    sources = src if src is not None and src.name in loaded else None
    if sources is not None and not sources.has("published_start", "published_end"):
        sources = None
    if not groups:
        return Findings()
    resolve_distinct(
        con,
        " UNION ALL ".join(
            f"SELECT text, ps, pe FROM ({_dated(res, p, sources)}) "
            "WHERE text IS NOT NULL AND basis IN ('relative', 'stated')"
            for res, p in groups
        ),
        RESOLVED,
    )
    out = Findings()
    for res, p in groups:
        out += query_findings(
            con,
            f"""SELECT d.at, d.source_id, d.text, d.basis, d.d0, d.d1, d.ps, d.pe,
                       r.r_start, r.r_end
            FROM ({_dated(res, p, sources)}) d
            LEFT JOIN {RESOLVED} r ON r.text = d.text AND r.ps IS NOT DISTINCT FROM d.ps
                 AND r.pe IS NOT DISTINCT FROM d.pe
            WHERE d.d0 IS NOT NULL AND d.d1 IS NOT NULL AND (
                (d.basis = 'relative' AND (r.r_start IS NULL OR d.d0 <> r.r_start
                                           OR d.d1 <> r.r_end))
             OR (d.basis = 'stated' AND (d.d0 > r.r_start OR d.d1 < r.r_end)))""",
            order='"at"',
            file=literal(res.path),
            rule="CASE WHEN basis = 'relative' THEN 'curation/relative-date' "
            "ELSE 'curation/interval-honest' END",
            make=lambda *row, res=res, p=p: _date_finding(res, p, *row),
        )
    con.execute(f"DROP TABLE IF EXISTS {RESOLVED}")
    return out


def _date_finding(res, p, at, source_id, text, basis, d0, d1, ps, pe, r0, r1) -> Finding:
    start, end = f"{p}_start", f"{p}_end"
    against = f" against {source_id}'s publication {ps}..{pe}" if ps is not None else ""
    if basis == "relative" and r0 is None:
        why = "no words" if text is None else f"words {text!r}"
        return Finding(
            res.path,
            at,
            f"{p}_basis",
            "curation/relative-date",
            f"{p}_basis is relative, but the resolver cannot read {why}{against}; "
            "use basis inferred with the reasoning in notes.",
        )
    column = start if d0 != r0 else end
    if basis == "relative":
        return Finding(
            res.path,
            at,
            column,
            "curation/relative-date",
            f"{text!r}{against} resolves to {r0}..{r1}, but the row has {d0}..{d1}.",
        )
    return Finding(
        res.path,
        at,
        start if d0 > r0 else end,
        "curation/interval-honest",
        f"The stated words {text!r} allow {r0}..{r1}; the row's {d0}..{d1} leaves out "
        f"{'the start' if d0 > r0 else 'the end'} of it.",
    )
