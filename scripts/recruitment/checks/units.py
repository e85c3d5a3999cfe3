"""Curation rules that read the code lists: a figure's unit fits its measure and its words.

* ``curation/measure-unit``: the unit's kind (``units.kind``: count, rate, currency, share,
  duration) is one of the kinds the measure takes (``measures.unit_kinds``): a signing bonus
  is money, an age is a duration.
* ``curation/unit-words``: the words right after ``value_text`` in the quote do not name
  another unit (``units.words``): "2.5 million roubles" is never ``persons``, "40 percent"
  never ``persons``, "200,000 roubles a month" never plain ``rub``. The longest matching
  words win ("roubles a month" over "roubles"); words that name no unit say nothing.

The tables and columns are found through the foreign keys to the code lists, not named:
any table whose field references a code list with ``unit_kinds`` (the measure) and another
field a code list with ``kind`` and ``words`` (the unit) is checked. Both rules are SQL over
whole tables; the unit words are joined on the first word after the number (a hash join,
not a scan of every word for every row).
"""

from __future__ import annotations

from ..core.package import Package, Resource
from ..core.sqltypes import ident, literal
from ..findings import Finding, Findings
from .csvfile import LINE_COLUMN
from .listing import query_findings

WORD_END = r"^[^\s,.;:!?()\[\]\"“”‘’']+"
"""The first word after a number: up to white space or punctuation ("%" and "₽" count)."""


def _pairs(pkg: Package, loaded: set[str]) -> list[tuple[Resource, str, Resource, str, Resource]]:
    """(table, measure field, measures list, unit field, units list) of every checked table."""
    out = []
    for res in pkg.evidence:
        if res.name not in loaded or not res.has("value_text", "quote"):
            continue
        lists = {
            f.name: c
            for f in res.fields
            if (c := pkg.codelist_of(res, f.name)) is not None and c.name in loaded
        }
        measure = next((n for n, c in lists.items() if c.has("unit_kinds")), None)
        unit = next((n for n, c in lists.items() if c.has("kind", "words")), None)
        if measure and unit:
            out.append((res, measure, lists[measure], unit, lists[unit]))
    return out


def check_units(con, pkg: Package, loaded: set[str]) -> Findings:
    """Both rules on every checked table: all failing rows counted, the first MAX_LISTED
    of each listed (:func:`.listing.query_findings`)."""
    out = Findings()
    for res, measure, measures, unit, units in _pairs(pkg, loaded):
        out += _measure_unit(con, res, measure, measures, unit, units)
        out += _unit_words(con, res, unit, units)
    return out


def _measure_unit(con, res, measure, measures, unit, units) -> Findings:
    t, m, u, ln = ident(res.name), ident(measure), ident(unit), ident(LINE_COLUMN)
    return query_findings(
        con,
        f"""SELECT r.{ln} AS "at", r.{m}::VARCHAR, r.{u}::VARCHAR, k.kind::VARCHAR,
               c.unit_kinds
        FROM {t} r
        JOIN {ident(measures.name)} c ON c.code = r.{m}
        JOIN {ident(units.name)} k ON k.code = r.{u}
        WHERE NOT list_contains(string_split(c.unit_kinds, ' '), k.kind::VARCHAR)""",
        order='"at"',
        file=literal(res.path),
        rule="'curation/measure-unit'",
        make=lambda at, m_code, code, kind, kinds: Finding(
            res.path,
            at,
            unit,
            "curation/measure-unit",
            f"{unit} {code!r} is a {kind} unit; {measure} {m_code!r} takes "
            f"{' or '.join(kinds.split())} units ({units.path}, {measures.path}).",
        ),
    )


def _unit_words(con, res, unit, units) -> Findings:
    t, u, ln = ident(res.name), ident(unit), ident(LINE_COLUMN)
    # what follows the words of the number in the quote, lower case, without leading space
    after = "lower(ltrim(substr(r.quote, instr(r.quote, r.value_text) + length(r.value_text))))"
    return query_findings(
        con,
        f"""WITH words AS (
            SELECT code, w, regexp_extract(w, {literal(WORD_END)}) AS head
            FROM (SELECT code, unnest(string_split(lower(words), '|')) AS w
                  FROM {ident(units.name)} WHERE words IS NOT NULL)),
        rest AS (
            SELECT r.{ln} AS at, r.{u}::VARCHAR AS unit, r.value_text, {after} AS rest
            FROM {t} r
            WHERE r.value_text IS NOT NULL AND instr(r.quote, r.value_text) > 0
              AND r.{u} IN (SELECT code FROM {ident(units.name)})),
        named AS (
            SELECT x.at, x.unit, x.value_text,
                   arg_max(w.code, length(w.w)) AS named, arg_max(w.w, length(w.w)) AS w
            FROM rest x JOIN words w ON w.head = regexp_extract(x.rest, {literal(WORD_END)})
            WHERE starts_with(x.rest, w.w)
              AND NOT regexp_matches(substr(x.rest, length(w.w) + 1, 1), '^[[:alpha:]]')
            GROUP BY ALL)
        SELECT n.at, n.unit, n.value_text, n.named, n.w FROM named n
        WHERE n.named <> n.unit AND NOT EXISTS (
            SELECT 1 FROM words o WHERE o.code = n.unit AND o.w = n.w)""",
        order='"at"',
        file=literal(res.path),
        rule="'curation/unit-words'",
        make=lambda at, code, value_text, named, words: Finding(
            res.path,
            at,
            unit,
            "curation/unit-words",
            f"{value_text!r} is followed by {words!r}, words of unit {named!r} "
            f"({units.path}); the row's {unit} is {code!r}.",
        ),
    )
