""" "Did you mean …?" for an unknown code or id: the nearest existing one, or none.

One rule for every message that names an unknown value (an enum code, a code of a code
list, an id a foreign key points at). A candidate key may come with *names* (a code's
label and unit words, an actor's name and aliases) and a *meaning* (a code's description).
The first of these that picks exactly one key wins:

1. a name equal to the value, ignoring case and ``-``/``_``/space ("roubles" → ``rub``,
   whose words include 'roubles');
2. a meaning that holds the value as a whole word ("about" → ``approximately``, whose
   description says 'about');
3. the key whose id and names share the most words with the value, at least 60% of its
   words ("act-uk-ministry-of-defence" → ``act-uk-mod``, named 'UK Ministry of Defence');
4. the key nearest by edit distance (DuckDB's ``levenshtein``), if that distance is at most
   40% of the longer of the two ("casualty" → ``casualties``; "roubles" is never ``hours``).

Bounded: at most :data:`MAX_VALUES` distinct unknown values of a column get a suggestion,
and only against at most :data:`MAX_CANDIDATES` keys (a code list or the actors, not a
million-row table): at most 10⁶ comparisons of each kind.
"""

from __future__ import annotations

import re

from ..core.sqltypes import ident, literal

MAX_VALUES = 100
"""Distinct unknown values of one column that get a suggestion; the rest get none."""
MAX_CANDIDATES = 10_000
"""Largest set of existing keys searched for a suggestion."""
MAX_DISTANCE = 0.4
"""Largest edit distance suggested, as a share of the longer string's length."""
MIN_SHARED = 0.6
"""Least share of the value's words that a key (id and names) must share to be suggested."""

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _plain(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _one(hits: list[str]) -> str | None:
    hits = list(dict.fromkeys(hits))
    return hits[0] if len(hits) == 1 else None


def by_names(value: str, names: dict[str, list[str]]) -> str | None:
    plain = _plain(value)
    return _one([k for k, ns in names.items() if plain and any(_plain(n) == plain for n in ns)])


def by_meaning(value: str, meanings: dict[str, str]) -> str | None:
    if not value.strip() or len(value) > 80:
        return None
    word = re.compile(rf"(?<!\w){re.escape(value.strip())}(?!\w)", re.IGNORECASE)
    return _one([k for k, text in meanings.items() if word.search(text or "")])


def by_words(value: str, names: dict[str, list[str]]) -> str | None:
    want = _words(value)
    if len(want) < 2:
        return None
    scored = []
    for key, ns in names.items():
        have = _words(" ".join([key, *ns]))
        scored.append((len(want & have), key))
    if not scored:
        return None
    best = max(n for n, _ in scored)
    if best < MIN_SHARED * len(want):
        return None
    return _one([k for n, k in scored if n == best])


def by_distance(con, values: list[str], candidates_sql: str) -> dict[str, str]:
    if not values:
        return {}
    listed = ", ".join(f"({literal(v)})" for v in values)
    rows = con.execute(
        f"""WITH v AS (SELECT DISTINCT x AS v FROM (VALUES {listed}) t(x)),
             c AS (SELECT DISTINCT y::VARCHAR AS c FROM ({candidates_sql}) t(y)
                   WHERE y IS NOT NULL)
        SELECT v, arg_min(c, (levenshtein(v, c), c)), min(levenshtein(v, c))
        FROM v, c WHERE v.v NOT IN (SELECT c FROM c) GROUP BY v"""
    ).fetchall()
    return {v: c for v, c, d in rows if d <= MAX_DISTANCE * max(len(v), len(c))}


def suggestions(
    con,
    values: list[str],
    candidates_sql: str,
    names: dict[str, list[str]] | None = None,
    meanings: dict[str, str] | None = None,
) -> dict[str, str]:
    """{value: suggestion} for the distinct ``values`` (at most :data:`MAX_VALUES`), against
    the keys of ``candidates_sql`` (a query of one column), with their names and meanings."""
    values = [str(v) for v in dict.fromkeys(values) if v is not None][:MAX_VALUES]
    if not values:
        return {}
    (count,) = con.execute(f"SELECT count(*) FROM ({candidates_sql})").fetchall()[0]
    if not count or count > MAX_CANDIDATES:
        return {}
    out: dict[str, str] = {}
    for v in values:
        hit = (
            (by_names(v, names) if names else None)
            or (by_meaning(v, meanings) if meanings else None)
            or (by_words(v, names) if names else None)
        )
        if hit is not None and hit != v:
            out[v] = hit
    out.update(by_distance(con, [v for v in values if v not in out], candidates_sql))
    return out


def hint(value: object, found: dict[str, str]) -> str:
    """' Did you mean 'x'?' when there is a suggestion for ``value``, else ''."""
    near = found.get(str(value))
    return f" Did you mean {near!r}?" if near is not None else ""


def list_sql(codes: list[str]) -> str:
    """A query of one column holding ``codes`` (an enum's codes)."""
    if not codes:
        return "SELECT NULL::VARCHAR WHERE false"
    return "SELECT * FROM (VALUES " + ", ".join(f"({literal(c)})" for c in codes) + ")"


def column_sql(table: str, column: str) -> str:
    return f"SELECT {ident(column)} FROM {ident(table)}"


NAME_COLUMNS = ("label", "name", "words", "aliases")
"""Columns of a referenced table whose text names its rows ('|'-separated lists)."""


def names_of(con, table: str, key: str, columns: list[str]) -> dict[str, list[str]]:
    """{key: its names} from the naming columns a referenced table has (bounded)."""
    have = [c for c in NAME_COLUMNS if c in columns]
    if not have:
        return {}
    cols = ", ".join(f"coalesce({ident(c)}::VARCHAR, '')" for c in have)
    rows = con.execute(
        f"SELECT {ident(key)}::VARCHAR, concat_ws('|', {cols}) FROM {ident(table)} "
        f"WHERE {ident(key)} IS NOT NULL LIMIT {MAX_CANDIDATES + 1}"
    ).fetchall()
    if len(rows) > MAX_CANDIDATES:
        return {}
    return {k: [n.strip() for n in text.split("|") if n.strip()] for k, text in rows}
