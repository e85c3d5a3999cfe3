"""CHANGES-<version>.md: what a release changed, written for the people who use the data.

In this order: the version, its build date and the version it is compared with (the bump
named as the version numbers make it: "a major release compared with 1.0.0"); a summary
of the row-level changes per table (added, removed, changed rows and cells) and the
schema changes; the row-level changes themselves, at most :data:`ROWS_PER_TABLE` per
table, each value clipped to :data:`VALUE_CHARS` characters, with a count of what is not
shown and where the whole list is (the ``changes`` table of the DuckDB file); the
CHANGELOG's words for the version; and last, one line pointing at the CHANGELOG's notes
on the pipeline (its ``### Pipeline…`` sections), which only contributors need.

The counts and the listed rows are the rows :class:`changes.Step` gives, the same rows
the export writes into the ``changes`` table (one source): the step from the previous
released version to this build.
"""

from __future__ import annotations

import re

from ..review import diff as d
from ..review.versioning import BUMP_WORDS, bump_made, parse
from . import changes as history

ROWS_PER_TABLE = 15
"""Row-level changes listed per table; the rest are counted and left to the changes table."""
VALUE_CHARS = 120
"""Characters of an old or new value shown (an added or removed row is its whole JSON)."""
SCHEMA_LINES = 30
"""Schema, resource and seed changes listed; the rest are counted."""
PIPELINE = re.compile(r"pipeline\b", re.I)
"""A CHANGELOG section (``### Pipeline…``) or labelled paragraph (``Pipeline:``) for
contributors, not data users: referred to, not quoted."""
LABEL = re.compile(r"[A-Z][^\n]{0,60}:\s*")
"""A paragraph label of a CHANGELOG entry, on a line of its own ("Data (issue 20):")."""


def counts(step: history.Step) -> dict[str, dict[str, int]]:
    """Per table: added, removed, changed (rows) and cells (changed cells), from the rows
    of the changes table the step gives."""
    out: dict[str, dict[str, int]] = {}
    keys: dict[str, set] = {}
    for row in step.rows():
        table, key, kind = row[4], row[5], row[6]
        c = out.setdefault(table, {"added": 0, "removed": 0, "changed": 0, "cells": 0})
        if kind == "changed":
            c["cells"] += 1
            keys.setdefault(table, set()).add(key)
            c["changed"] = len(keys[table])
        else:
            c[kind] += 1
    return out


def split_changelog(entry: str) -> tuple[str, list[tuple[str, int]]]:
    """The CHANGELOG entry without its notes on the pipeline (a ``### Pipeline…`` section,
    or a ``Pipeline:`` paragraph up to the next label or heading), and (where, lines that
    are not blank) of each left out; the entry's headings move one level down (it sits
    under our own)."""
    kept: list[str] = []
    pipeline: list[tuple[str, int]] = []
    skipping, section = False, ""
    for line in entry.splitlines():
        heading = line.startswith("#")
        if heading or LABEL.fullmatch(line):
            title = line.lstrip("#").strip().rstrip(":")
            if line.startswith("### "):
                section = title
            skipping = bool(PIPELINE.match(title))
            if skipping:
                where = title if heading or not section else f"{section} › {title}"
                pipeline.append((where, 0))
                continue
        if skipping:
            where, n = pipeline[-1]
            pipeline[-1] = (where, n + bool(line.strip()))
            continue
        kept.append("#" + line if line.startswith("##") else line)
    return "\n".join(kept).strip(), pipeline


def _clip(value: str | None) -> str:
    """A value in a code span (shown as written, never as Markdown or HTML), clipped."""
    if value is None:
        return ""
    if len(value) > VALUE_CHARS:
        value = f"{value[:VALUE_CHARS]}… (+{len(value) - VALUE_CHARS} characters)"
    return d.md_code(value)


def _intro(name: str, version: str, built: dict, step, log, tagged: set[str]) -> list[str]:
    when = str(built.get("created") or "")[:10]
    commit = str(built.get("commit") or "")[:12]
    made = f"built on {when}" if when else "built"
    made += f" from commit `{d.visible(commit)}`" if commit else ""
    out = [f"# {name} {version}", "", f"Version **{version}**, {made}."]
    earlier = [v for v, _ in log.versions if v != version]
    if step is None and not earlier:
        out.append("No earlier version is in the repository's history: nothing to compare with.")
    elif step is None:
        out.append(
            f"Version {d.md(earlier[-1])} is in the repository's history but could not be "
            f"read, so no change is listed ({d.md(log.note)})."
        )
    else:
        a, b = parse(step.version_from), parse(version)
        level = bump_made(a, b) if a and b else "none"
        state = (
            f"its tag v{step.version_from}"
            if step.version_from in tagged
            else f"its commit `{(step.commit_from or '')[:12]}`, not tagged"
        )
        out.append(
            f"**{version} ({level}) compared with {step.version_from}**: "
            f"{BUMP_WORDS.get(level, level)} over {step.version_from} ({state})."
        )
        need = step.diff.required_bump
        out.append(
            f"By the Data Package version recipe the changes below call for "
            f"{BUMP_WORDS.get(need, need)}."
        )
    return [*out, ""]


def _summary(step: history.Step, version: str) -> list[str]:
    per = counts(step)
    total = sum(c["added"] + c["removed"] + c["cells"] for c in per.values())
    out = ["## Summary", ""]
    if not per:
        out += ["No row was added, removed or changed.", ""]
    else:
        out += [
            "| table | added rows | removed rows | changed rows | changed cells |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for table, c in per.items():
            out.append(
                f"| {d.md_code(table)} | {c['added']} | {c['removed']} | {c['changed']} "
                f"| {c['cells']} |"
            )
        out += [
            "",
            f"{total} row-level change(s) in all: the rows of the `changes` table of "
            f"`recruitment.duckdb` with `version_to = '{version}'` (one per added or "
            "removed row, one per changed cell).",
            "",
        ]
    schema = [(c.bump, c.detail) for c in step.diff.package + step.diff.seeds]
    schema += [(c.bump, f"{t.name}: {c.detail}") for t in step.diff.tables for c in t.schema]
    if schema:
        out += ["Tables, columns and seeds:", ""]
        out += [f"- **{bump}** {d.md(detail)}" for bump, detail in schema[:SCHEMA_LINES]]
        if len(schema) > SCHEMA_LINES:
            out.append(
                f"- … and {len(schema) - SCHEMA_LINES} more (`recruitment diff` lists them all)"
            )
        out.append("")
    return out


def _rows(step: history.Step, version: str) -> list[str]:
    by_table: dict[str, list[tuple]] = {}
    for row in step.rows():
        by_table.setdefault(row[4], []).append(row)
    if not by_table:
        return []
    out = [
        "## Row-level changes",
        "",
        f"At most {ROWS_PER_TABLE} per table, values clipped at {VALUE_CHARS} characters. "
        "Every change, whole, is a row of the `changes` table in `recruitment.duckdb`:",
        "",
        "```sh",
        f"duckdb recruitment.duckdb -c \"SELECT * FROM changes WHERE version_to = '{version}'\"",
        "```",
        "",
    ]
    for table, rows in by_table.items():
        out += [
            f"### {d.md_code(table)}",
            "",
            "| key | kind | column | old | new |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in rows[:ROWS_PER_TABLE]:
            column = d.md_code(r[7]) if r[7] is not None else ""
            out.append(f"| {d.md_code(r[5])} | {r[6]} | {column} | {_clip(r[8])} | {_clip(r[9])} |")
        if len(rows) > ROWS_PER_TABLE:
            out += [
                "",
                f"… and {len(rows) - ROWS_PER_TABLE} more change(s) of {d.md_code(table)} not "
                f"shown: `SELECT * FROM changes WHERE version_to = '{version}' AND table_name "
                f"= '{table}'`.",
            ]
        out.append("")
    return out


def render(
    name: str,
    version: str,
    step: history.Step | None,
    log: history.Log,
    entry: str,
    built: dict | None = None,
    tagged: set[str] | frozenset[str] = frozenset(),
) -> str:
    """The text of CHANGES-<version>.md. ``entry`` is the version's CHANGELOG entry,
    ``built`` the built descriptor (its ``created`` and ``commit``), ``tagged`` the
    versions that have a release tag."""
    out = _intro(name, version, built or {}, step, log, set(tagged))
    if step is not None:
        out += _summary(step, version) + _rows(step, version)
    words, pipeline = split_changelog(entry)
    if words:
        out += ["## From the CHANGELOG", "", words, ""]
    if pipeline:
        sections = "; ".join(f"“{d.md(h)}”, {n} lines" for h, n in pipeline)
        out += [
            "## Pipeline notes",
            "",
            f"The CHANGELOG entry also has notes on the pipeline for contributors ({sections}): "
            "read them in `CHANGELOG.md` in the package's repository.",
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"
