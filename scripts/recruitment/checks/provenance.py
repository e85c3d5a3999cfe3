"""Layer 3: every row is evidence. Seeds are pinned, and every citation stands in its seed.

Python touches each seed *file* once (hash, symlink resolution, split into lines); every
row-level check is SQL over whole tables: the cited line exists and is not blank, the quote
stands verbatim on it, every ``*_text`` column stands inside the quote, and ``value_text``
reads (with :func:`recruitment.numbers.parse_number_text`) as the recorded number. Only the
rows that fail get a closer look, to say where the quote does stand and what differs.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from .. import limits
from ..core.package import Package, Resource
from ..core.sqltypes import ident, literal
from ..findings import Finding, Findings
from ..limits import MAX_SEED_FILES
from ..paths import SEEDS_DIR, Refusal, confine, confined_dir, read_bounded, safe_relative, walk
from .csvfile import LINE_COLUMN
from .listing import query_findings
from .standard import shown

DETAILED = 200
"""Failed quotes that get a closest-match diagnosis; beyond that, a plain message."""


def citing_resources(pkg: Package, loaded: set[str]) -> list[Resource]:
    return [
        r
        for r in pkg.resources.values()
        if r.name in loaded and r.has("source_id", "line", "quote")
    ]


def quoted_text_columns(res: Resource) -> list[str]:
    """Columns whose words must stand inside the row's quote: the ``*_text`` columns."""
    return [f.name for f in res.fields if f.name.endswith("_text") and f.type == "string"]


WORD_CHARACTER = r"[\p{L}\p{N}]"
"""A letter or digit: words stand as whole words when neither stands just before or after."""


def place(text: str, words: str) -> str:
    """SQL: the 0-based character offset where ``words`` stand in ``text`` (both SQL
    expressions; ``words`` must stand in ``text``).

    That is their first occurrence that stands as whole words, with no letter or digit
    just before or after it ("2" in "2023 as many as 2 attacks" is the second; "a" in
    "the Ukrainian air force destroyed a bomber" the lone one); where none does, their
    first occurrence ("24" in "Su-24M"). Offsets count characters (code points), as
    Python's ``str`` does. The text is split at every occurrence (``string_split``) and
    each is judged by the characters beside it, so the work is linear in the text."""
    w = f"'{WORD_CHARACTER}'"
    k = (
        "list_position(list_transform(range(1, len(p)), lambda k: NOT ("
        f"regexp_full_match(right(p[k], 1), {w}) OR regexp_full_match(left(p[k + 1], 1), {w}))"
        "), true)"
    )
    return (
        f"coalesce(list_transform([string_split({text}, {words})], lambda p: "
        f"list_sum(list_transform(p[1:{k}], lambda x: length(x))) + ({k} - 1) * length({words})"
        f")[1], instr({text}, {words}) - 1)"
    )


def quote_at(text: str, quote: str) -> str:
    """SQL: the 0-based character offset where a row's quote stands on its seed line
    (:func:`place`): a quote that stands more than once on its line stands for the first
    of them (to cite a later one, quote more of the line, until the quote stands there
    once)."""
    return place(text, quote)


def words_at(text: str, quote: str, words: str) -> str:
    """SQL: the 0-based character offset on the seed line of words inside a row's quote
    (a ``*_text`` column): where the quote stands (:func:`quote_at`), plus where the words
    stand inside the quote (:func:`place`: the first occurrence as whole words, so the
    "2" of "on 13 April 2023 as many as 2 attacks" is the second). Words that stand more
    than once in the quote stand for the first (to mean a later one, shorten the quote).
    The words end at this offset plus ``length(words)``."""
    return f"({quote_at(text, quote)} + {place(quote, words)})"


def seed_files(root: Path) -> list[str]:
    """Every file under seeds/ (symlinks included, never followed into folders), sorted.

    A seeds/ that resolves outside the package is not listed (check_sources reports it).
    """
    base = confined_dir(root, SEEDS_DIR)
    if isinstance(base, Refusal):
        return []
    found: list[str] = []
    for rel, _ in walk(base, SEEDS_DIR, hidden=False, more=lambda: len(found) < MAX_SEED_FILES):
        found.append(rel)
    return sorted(found)


SEED_REFUSAL_RULE = {
    "url": "provenance/seed-path",
    "path": "provenance/seed-path",
    "outside": "provenance/seed-path",
    "missing": "provenance/seed-missing",
    "type": "file/type",
    "size": "file/size",
}


def check_sources(con, pkg: Package, loaded: set[str]) -> Findings:
    """Seed files against the sources table, and the seed lines table the citations need.

    Python resolves, confines and reads each listed seed as that exact file (never as a
    pattern), and hashes it; DuckDB decodes and splits the bytes into lines.
    """
    sources = pkg.resources.get("sources")
    if sources is None or "sources" not in loaded or not sources.has("seed_file", "sha256"):
        _create_line_tables(con)
        return Findings()
    seeds_dir = confined_dir(pkg.root, SEEDS_DIR)
    out = Findings()
    if isinstance(seeds_dir, Refusal) and seeds_dir.kind != "missing":
        out.add(Finding(SEEDS_DIR, None, None, "provenance/seed-path", seeds_dir.message))
    rows = con.execute(
        f"SELECT {ident(LINE_COLUMN)}, source_id, seed_file, sha256 FROM sources "
        f"WHERE seed_file IS NOT NULL ORDER BY 1"
    ).fetchall()
    confined: list[tuple] = []
    seen: set = set()
    for line, source_id, rel, pinned in rows:

        def bad(rule: str, msg: str, line=line) -> None:
            out.add(Finding(sources.path, line, "seed_file", rule, msg))

        if not safe_relative(rel) or not rel.startswith(SEEDS_DIR + "/"):
            bad("provenance/seed-path", f"{shown(rel)} is not a relative path inside seeds/.")
            continue
        real = confine(pkg.root, rel, limits.SEED_MAX_BYTES)
        if isinstance(real, Refusal):
            bad(SEED_REFUSAL_RULE[real.kind], real.message)
            continue
        if isinstance(seeds_dir, Refusal) or not real.is_relative_to(seeds_dir):
            bad("provenance/seed-path", f"{rel} resolves outside seeds/.")
            continue
        if source_id in seen:
            continue  # a repeated source_id is a standard/primary-key finding
        seen.add(source_id)
        confined.append((line, source_id, rel, pinned, real))
    out += _verify_seeds(con, sources.path, confined)
    listed = {r[2] for r in rows}
    out += [
        Finding(f, None, None, "provenance/seed-unlisted", f"{f} has no row in {sources.path}.")
        for f in seed_files(pkg.root)
        if f not in listed
    ]
    return out


def _read_and_hash(real: Path) -> tuple[str, bytes]:
    data = read_bounded(real, limits.SEED_MAX_BYTES)
    return hashlib.sha256(data).hexdigest(), data


SEED_BATCH_BYTES = 64 << 20
"""Seed bytes read, hashed and split at a time: memory stays flat however many seeds."""


def _batches(confined: list[tuple]) -> Iterator[list[tuple]]:
    """``confined`` (whose last item is each seed's real path) in runs of at most
    SEED_BATCH_BYTES by file size (one seed alone may be larger, up to its own limit)."""
    batch, size = [], 0
    for c in confined:
        n = c[-1].stat().st_size
        if batch and size + n > SEED_BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(c)
        size += n
    if batch:
        yield batch


def _verify_seeds(con, sources_path: str, confined: list[tuple]) -> list[Finding]:
    """Read and hash each seed, a batch at a time, on every core (reading and hashing
    release the GIL); put the lines of those that match their pin and decode as UTF-8
    into seed_lines, and report the others.

    Each batch's bytes go into one Arrow table that DuckDB reads in place."""
    import pyarrow as pa

    _create_line_tables(con)
    names = ["csv_line", "source_id", "seed_file", "pinned", "digest", "content"]
    types = [pa.int64(), pa.string(), pa.string(), pa.string(), pa.string(), pa.large_binary()]
    rows: list[tuple] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for batch in _batches(confined):
            read = list(pool.map(_read_and_hash, [c[-1] for c in batch]))
            values = [(*c[:-1], *r) for c, r in zip(batch, read, strict=True)]
            del read
            table = pa.table(
                {
                    n: pa.array([v[i] for v in values], type=t)
                    for i, (n, t) in enumerate(zip(names, types, strict=True))
                }
            )
            del values
            con.register("_seed_bytes", table)
            try:
                _add_lines(con)
                rows += con.execute(
                    "SELECT csv_line, seed_file, digest, pinned FROM _seed_bytes b "
                    "ANTI JOIN seed_ids i ON i.source_id IS NOT DISTINCT FROM b.source_id"
                ).fetchall()
            finally:
                con.unregister("_seed_bytes")
            del table
    return [
        Finding(
            sources_path,
            line,
            "sha256",
            "provenance/sha256",
            f"{rel} hashes to {digest}, not the pinned {pinned}.",
        )
        if pinned is not None and digest != pinned
        else Finding(
            sources_path, line, "seed_file", "provenance/seed-encoding", f"{rel} is not UTF-8 text."
        )
        for line, rel, digest, pinned in sorted(rows)
    ]


def _create_line_tables(con) -> None:
    """Empty seed_lines(source_id, line, text), every line of every verified seed, and
    seed_ids(source_id, digest), the verified seeds with the SHA-256 of their bytes."""
    con.execute("CREATE OR REPLACE TABLE seed_lines (source_id VARCHAR, line BIGINT, text VARCHAR)")
    con.execute("CREATE OR REPLACE TABLE seed_ids (source_id VARCHAR, digest VARCHAR)")


def _add_lines(con) -> None:
    """Add the seeds registered as ``_seed_bytes`` that are verified (their bytes hash to
    the pinned SHA-256 and are UTF-8) to seed_ids and their lines to seed_lines; a final
    newline ends the last line rather than starting an empty one."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _verified AS SELECT * FROM ("
        "SELECT source_id, digest, try(decode(content)) AS text FROM _seed_bytes "
        "WHERE digest = pinned) WHERE text IS NOT NULL"
    )
    try:
        con.execute("INSERT INTO seed_ids SELECT source_id, digest FROM _verified")
        con.execute(
            """INSERT INTO seed_lines
            SELECT source_id, CAST(generate_subscripts(parts, 1) AS BIGINT) AS line,
                   unnest(parts) AS text
            FROM (SELECT source_id,
                         string_split(regexp_replace(text, '\n$', ''), chr(10)) AS parts
                  FROM _verified)"""
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _verified")


def check_citations(con, res: Resource, sources_path: str | None) -> Findings:
    """Line, quote, quoted words and value_text of every row of ``res``, in SQL.

    One join of the rows with their seed lines classifies every citation; only the few
    that fail are looked at again, to say where the seed ends or where the quote stands.
    A row citing a source whose seed was not verified is a finding of its own.
    ``sources_path`` is the sources CSV when that table loaded (if it did not, the findings
    that stopped it cover the rows citing it).
    """
    t, ln = ident(res.name), ident(LINE_COLUMN)
    detailed = iter(range(DETAILED))  # the first DETAILED listed quotes get a diagnosis
    out = query_findings(
        con,
        f"""SELECT * FROM (
            SELECT c.{ln} AS csv_line, c.source_id, c.line, c.quote, s.text,
                   CASE WHEN s.line IS NULL THEN 'line-range'
                        -- the common case first: a quote with a letter that stands on the
                        -- line (so the line is not blank either)
                        WHEN c.quote IS NOT NULL AND contains(s.text, c.quote)
                             AND trim(c.quote) <> '' THEN NULL
                        WHEN trim(s.text) = '' THEN 'line-blank'
                        WHEN c.quote IS NOT NULL AND NOT contains(s.text, c.quote)
                        THEN 'quote' END AS problem
            FROM {t} c JOIN seed_ids USING (source_id)
            LEFT JOIN seed_lines s ON s.source_id = c.source_id AND s.line = c.line
            WHERE c.line >= 1)  -- a line below 1 is already a standard/minimum finding
        WHERE problem IS NOT NULL""",
        order="csv_line",
        file=literal(res.path),
        rule="'provenance/' || problem",
        make=lambda *row: _citation_finding(con, res, next(detailed, DETAILED), *row),
    )
    if res.name != "sources" and sources_path:  # a sources row's own seed finding covers it
        out += query_findings(
            con,
            f"""SELECT c.{ln} AS at, c.source_id, s.{ln} AS src_line FROM {t} c
            JOIN sources s USING (source_id) ANTI JOIN seed_ids USING (source_id)""",
            order='"at"',
            file=literal(res.path),
            rule="'provenance/unverified'",
            make=lambda at, source_id, src_line: Finding(
                res.path,
                at,
                "source_id",
                "provenance/unverified",
                f"{source_id}'s seed could not be verified ({sources_path} line {src_line}), "
                "so this row's quote was not checked.",
            ),
        )
    for col in quoted_text_columns(res):
        out += query_findings(
            con,
            f"SELECT {ln} AS at, {ident(col)} AS words, quote FROM {t} "
            f"WHERE {ident(col)} IS NOT NULL AND quote IS NOT NULL "
            f"AND NOT contains(quote, {ident(col)})",
            order='"at"',
            file=literal(res.path),
            rule="'provenance/text-in-quote'",
            make=lambda at, words, quote, col=col: Finding(
                res.path,
                at,
                col,
                "provenance/text-in-quote",
                f"{shown(words)} is not in the quote {shown(quote)}.",
            ),
        )
    if res.has("value_text", "value", "value_low", "value_high", "qualifier"):
        out += _check_value_text(con, res)
    return out


def _citation_finding(con, res, i, at, source_id, line, quote, text, problem) -> Finding:
    if problem == "line-range":
        (last,) = con.execute(
            "SELECT max(line) FROM seed_lines WHERE source_id = ?", [source_id]
        ).fetchone()
        msg = f"Line {line} is past the end of {source_id}'s seed ({last} lines)."
        return Finding(res.path, at, "line", "provenance/line-range", msg)
    elsewhere = (
        []
        if i >= DETAILED or not quote
        else [
            n
            for (n,) in con.execute(
                "SELECT line FROM seed_lines WHERE source_id = ? AND contains(text, ?) "
                "ORDER BY 1 LIMIT 20",
                [source_id, quote],
            ).fetchall()
        ]
    )
    if problem == "line-blank":
        seed = con.execute(
            "SELECT any_value(seed_file) FROM sources WHERE source_id = ?", [source_id]
        ).fetchall()
        where = f" ({seed[0][0]})" if seed and seed[0][0] else ""
        found = (
            f"the quote stands on line {', '.join(map(str, elsewhere[:5]))}."
            if elsewhere
            else "the quote stands on no line of it."
            if i < DETAILED and quote
            else "cite the line that holds the quote."
        )
        msg = f"Line {line} of {source_id}'s seed{where} is blank; {found}"
        return Finding(res.path, at, "line", "provenance/line-blank", msg)
    msg = _quote_message(source_id, line, quote, text, elsewhere, detail=i < DETAILED)
    return Finding(res.path, at, "quote", "provenance/quote", msg)


def _check_value_text(con, res: Resource) -> list[Finding]:
    from ..numbers import NUMERAL, install, numeral

    install(con)
    return query_findings(
        con,
        f"""WITH cited AS MATERIALIZED (
            SELECT {ident(LINE_COLUMN)}, value_text, qualifier, value, value_low, value_high,
                   regexp_full_match(value_text, {literal(NUMERAL)}) AS plain
            FROM {ident(res.name)} WHERE value_text IS NOT NULL AND qualifier IS NOT NULL),
        words AS MATERIALIZED (  -- the macro once per distinct text that is not a numeral
            SELECT value_text, parse_number_text(value_text) AS p
            FROM (SELECT DISTINCT value_text FROM cited WHERE NOT plain)),
        parsed AS (
            SELECT c.* EXCLUDE (plain),
                   CASE WHEN c.plain THEN [{numeral("c.value_text")}, {numeral("c.value_text")}]
                        ELSE w.p END AS p
            FROM cited c LEFT JOIN words w ON w.value_text = c.value_text)
        SELECT * FROM parsed
        WHERE p[1] IS NULL OR p[2] IS NULL
           OR (qualifier = 'range' AND (p[1] IS DISTINCT FROM value_low
                                        OR p[2] IS DISTINCT FROM value_high))
           OR (qualifier <> 'range' AND (p[1] <> p[2] OR p[1] IS DISTINCT FROM value))""",
        order=ident(LINE_COLUMN),
        file=literal(res.path),
        rule="'provenance/value-text'",
        make=lambda *row: _value_text_finding(res, *row),
    )


def _value_text_finding(res, at, text, qualifier, value, low, high, parsed) -> Finding:
    p_low, p_high = parsed
    if p_low is None or p_high is None:
        msg = f"{shown(text)} is not a number this pipeline can read."
    elif qualifier == "range":
        msg = (
            f"{shown(text)} reads as {_n(p_low)}..{_n(p_high)}, "
            f"but value_low..value_high is {low}..{high}."
        )
    else:
        got = _n(p_low) if p_low == p_high else f"the range {_n(p_low)}..{_n(p_high)}"
        msg = f"{shown(text)} reads as {got}, but value is {value}."
    return Finding(res.path, at, "value_text", "provenance/value-text", msg)


def _n(x) -> str:
    """A number the macro read (exact DECIMAL), as the message prints it: 134500, 1.5."""
    from ..numbers import plain

    return str(plain(x)) if isinstance(x, Decimal) else str(int(x) if x == int(x) else x)


def _quote_message(source_id, line, quote, text, elsewhere, detail: bool) -> str:
    if elsewhere:
        where = ", ".join(map(str, elsewhere[:5]))
        return f"The quote is not on line {line}; it stands on line {where} of {source_id}."
    msg = f"The quote is not on line {line} of {source_id}."
    if not detail:
        return msg
    start = closest_start(text[:DIAGNOSIS_LINE_CHARS], quote[:DIAGNOSIS_QUOTE_CHARS])
    closest = text[start : start + len(quote)]
    diff = next(
        (
            i
            for i, (a, b) in enumerate(zip(quote[:DIAGNOSIS_QUOTE_CHARS], closest, strict=False))
            if a != b
        ),
        min(len(quote), len(closest), DIAGNOSIS_QUOTE_CHARS),
    )
    msg += f" Closest text on the line: {shown(closest)}."
    if diff < len(quote) and diff < len(closest):
        q, s = quote[diff], closest[diff]
        msg += (
            f" First difference at character {diff + 1}: the quote has {q!r} "
            f"({_uname(q)}), the line has {s!r} ({_uname(s)})."
        )
    return msg + f" Line {line} reads: {shown(text) if len(text) <= 60 else repr(text[:200])}"


DIAGNOSIS_QUOTE_CHARS = 2_000
"""Characters of a failed quote that the closest-text diagnosis compares (a quote is at
most 2,000 characters long by the schemas; a longer one is compared by its start)."""
DIAGNOSIS_LINE_CHARS = 200_000
"""Characters of the cited line searched for the closest text (a seed line is a paragraph;
a one-line seed of 8 MiB is searched in its first 200,000 characters)."""


def closest_start(text: str, quote: str) -> int:
    """Where on ``text`` the misquoted ``quote`` most likely stands: aligned on the longer
    of the longest prefix and the longest suffix of the quote that occur in the text.

    Each is found by binary search over its length (an occurring prefix's prefixes occur
    too), each probe one ``str.find``: O(len(text) · log len(quote)) in C, where a longest
    common substring (difflib) costs O(len(text) · len(quote)) in Python, and gigabytes
    for a 40 MB quote."""

    def longest(piece) -> int:
        low, high = 0, len(quote)
        while low < high:
            mid = (low + high + 1) // 2
            if piece(mid) in text:
                low = mid
            else:
                high = mid - 1
        return low

    head = longest(lambda n: quote[:n])
    tail = longest(lambda n: quote[len(quote) - n :])
    if head == tail == 0:
        return 0
    if head >= tail:
        return text.find(quote[:head])
    return max(0, text.find(quote[len(quote) - tail :]) + tail - len(quote))


def _uname(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip()
