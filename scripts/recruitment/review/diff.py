"""Compare two versions of the package table by table, keyed by primary key, never by line.

A reviewer should see the *change*: which rows were added or removed, which cells of which
row changed (old → new), what happened to the schemas (fields added, removed, retyped,
constraints tightened or loosened, enum codes added or removed), and which seed articles
came or went. Each change carries the version bump it requires under the Data Package
version recipe (:data:`LEVELS`): MAJOR for what can break a user (a removed, renamed or
retyped field, a removed code, a stricter constraint, a removed row), MINOR for what only
adds (rows, fields, resources, codes, looser constraints), PATCH for corrected values and
metadata. Rows are keyed by each table's ``primaryKey`` from its Table Schema.

Three renderings: :func:`as_text` for a terminal, :func:`as_markdown` for a pull request
(folded and truncated with a count, never silently) and :func:`as_json`, whose shape is
stable and documented in README.md. Every contributor string is escaped so no output line
can start a GitHub workflow command, break a Markdown table or inject HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..core.snapshot import Snapshot, Table
from ..report import json_dumps, visible

LEVELS = ("none", "patch", "minor", "major")
"""Version bumps, weakest first."""
CONTEXT = "quote"
"""The column shown beside a changed row: the evidence it cites (the project's citation)."""
FORMAT_VERSION = 1


def stronger(a: str, b: str) -> str:
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


@dataclass(frozen=True)
class Change:
    """One change of metadata, schema, resources or seeds, and the bump it requires."""

    table: str | None
    kind: str
    detail: str
    bump: str
    field: str | None = None

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "kind": self.kind,
            "field": self.field,
            "detail": self.detail,
            "bump": self.bump,
        }


@dataclass
class RowChange:
    key: tuple[str, ...]
    cells: dict[str, tuple[str, str]]
    row: dict[str, str]


@dataclass
class TableDiff:
    name: str
    primary_key: list[str]
    status: str
    """added, removed, changed or unchanged."""
    schema: list[Change] = field(default_factory=list)
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def key_of(self, row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row.get(k, "") for k in self.primary_key)

    @property
    def empty(self) -> bool:
        return not (self.schema or self.added or self.removed or self.changed)


@dataclass
class PackageDiff:
    base: Snapshot
    head: Snapshot
    package: list[Change] = field(default_factory=list)
    """Descriptor metadata and resources added or removed."""
    tables: list[TableDiff] = field(default_factory=list)
    seeds: list[Change] = field(default_factory=list)

    def reasons(self) -> list[tuple[str, str]]:
        """(bump, reason) for everything that changed, strongest first."""
        out: list[tuple[str, str]] = []
        for c in self.package + self.seeds:
            out.append((c.bump, c.detail))
        for t in self.tables:
            out += [(c.bump, f"{t.name}: {c.detail}") for c in t.schema]
            if t.removed:
                out.append(("major", f"{t.name}: {len(t.removed)} row(s) removed"))
            if t.added:
                out.append(("minor", f"{t.name}: {len(t.added)} row(s) added"))
            if t.changed:
                out.append(("patch", f"{t.name}: {len(t.changed)} row(s) changed"))
        return sorted(out, key=lambda r: -LEVELS.index(r[0]))

    @property
    def required_bump(self) -> str:
        level = "none"
        for bump, _ in self.reasons():
            level = stronger(level, bump)
        return level

    @property
    def empty(self) -> bool:
        return not self.reasons()


# --- comparing ---------------------------------------------------------------------------

IGNORED_METADATA = {"resources", "version"}
"""Descriptor keys compared elsewhere: resources table by table; version is the gate's."""
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")


def compare(base: Snapshot, head: Snapshot) -> PackageDiff:
    """Everything that differs between two packages."""
    out = PackageDiff(base, head)
    for key in sorted(set(base.descriptor) | set(head.descriptor), key=str):
        if key in IGNORED_METADATA:
            continue
        old, new = base.descriptor.get(key), head.descriptor.get(key)
        if old != new:
            out.package.append(
                Change(None, "metadata", f"package {key} {_how(old, new)}", "patch", key)
            )
    for name in [n for n in base.tables if n not in head.tables]:
        out.package.append(Change(name, "resource-removed", f"resource {name} removed", "major"))
    for name in [n for n in head.tables if n not in base.tables]:
        out.package.append(Change(name, "resource-added", f"resource {name} added", "minor"))
    for name in list(head.tables) + [n for n in base.tables if n not in head.tables]:
        table = compare_tables(base.tables.get(name), head.tables.get(name))
        if not table.empty or table.status != "unchanged":
            out.tables.append(table)
    _codes_moved(base, head, out.tables)
    for rel in sorted(set(base.seeds) | set(head.seeds)):
        old, new = base.seeds.get(rel), head.seeds.get(rel)
        if old is None:
            out.seeds.append(Change(None, "seed-added", f"seed {rel} added", "minor", rel))
        elif new is None:
            out.seeds.append(Change(None, "seed-removed", f"seed {rel} removed", "major", rel))
        elif old != new:
            detail = f"seed {rel} changed (sha256 {old[:12]}… → {new[:12]}…)"
            out.seeds.append(Change(None, "seed-changed", detail, "patch", rel))
    return out


def _codes_moved(base: Snapshot, head: Snapshot, tables: list[TableDiff]) -> None:
    """An enum replaced by a foreign key to a code list that holds every one of its codes
    is one MINOR change (the codes moved, none was lost), not an enum removed plus a
    stricter foreign key."""
    roles = {
        r.get("name"): r.get("role")
        for r in _list(head.descriptor.get("resources"))
        if isinstance(r, dict)
    }
    for diff in tables:
        old_t, new_t = base.tables.get(diff.name), head.tables.get(diff.name)
        if old_t is None or new_t is None:
            continue
        old_fields = {str(f.get("name")): f for f in old_t.fields}
        new_fields = {str(f.get("name")): f for f in new_t.fields}
        for fk in _list(new_t.schema.get("foreignKeys")):
            if not isinstance(fk, dict) or len(_as_list(fk.get("fields"))) != 1:
                continue
            (name,) = _as_list(fk.get("fields"))
            ref = _dict(fk.get("reference"))
            target = head.tables.get(str(ref.get("resource")))
            if target is None or roles.get(target.name) != "codelist":
                continue
            old_enum = _dict(_dict(old_fields.get(name)).get("constraints")).get("enum")
            new_enum = _dict(_dict(new_fields.get(name)).get("constraints")).get("enum")
            ref_fields = _as_list(ref.get("fields"))
            codes = {row.get(ref_fields[0]) for row in target.rows} if ref_fields else set()
            if not isinstance(old_enum, list) or new_enum is not None:
                continue
            if not set(map(str, old_enum)) <= codes:
                continue
            fk_detail = f"foreign key added {_fk_words(json.dumps(fk, sort_keys=True))}"
            before = len(diff.schema)
            diff.schema = [
                c
                for c in diff.schema
                if not (c.kind == "foreign-key-added" and c.detail == fk_detail)
                and not (c.kind == "enum-removed" and c.field == name)
            ]
            if len(diff.schema) < before:
                diff.schema.append(
                    Change(
                        diff.name,
                        "codes-moved",
                        f"field {name}: its codes moved to the code list {target.name}",
                        "minor",
                        name,
                    )
                )


def _how(old, new) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed"


def compare_tables(old: Table | None, new: Table | None) -> TableDiff:
    ref = new or old
    assert ref is not None
    key = _usable_key(ref.primary_key, old, new)
    status = "added" if old is None else "removed" if new is None else "unchanged"
    diff = TableDiff(ref.name, key, status)
    if old is not None and new is not None:
        diff.schema = compare_schemas(ref.name, old.schema, new.schema)
    if key != ref.primary_key:
        diff.notes.append(
            "the primary key is missing from a header: rows are compared whole, so a "
            "changed row reads as one removed and one added"
        )
    old_rows = _keyed(old, key, diff.notes) if old else {}
    new_rows = _keyed(new, key, diff.notes) if new else {}
    shared = [c for c in (new.header if new else []) if old and c in old.header]
    for k, row in new_rows.items():
        before = old_rows.get(k)
        if before is None:
            diff.added.append(row)
            continue
        cells = {c: (before[c], row[c]) for c in shared if before.get(c) != row.get(c)}
        if cells:
            diff.changed.append(RowChange(k, cells, row))
    diff.removed = [row for k, row in old_rows.items() if k not in new_rows]
    if status == "unchanged" and not diff.empty:
        diff.status = "changed"
    return diff


def _usable_key(pk: list[str], *tables: Table | None) -> list[str]:
    present = [t for t in tables if t is not None]
    if pk and all(all(k in t.header for k in pk) for t in present if t.header):
        return pk
    common = [c for c in (present[-1].header if present else [])]
    return [c for c in common if all(c in t.header for t in present)]


def _keyed(table: Table, key: list[str], notes: list[str]) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    repeats = 0
    for row in table.rows:
        k = tuple(row.get(c, "") for c in key)
        if k in out:
            repeats += 1
            k = (*k, f"#{repeats}")  # a repeated key is still shown, never merged away
        out[k] = row
    if repeats:
        notes.append(f"{table.path}: {repeats} row(s) repeat another row's key")
    return dict(sorted(out.items()))


def compare_schemas(table: str, old: dict, new: dict) -> list[Change]:
    out: list[Change] = []

    def add(kind: str, detail: str, bump: str, name: str | None = None) -> None:
        out.append(Change(table, kind, detail, bump, name))

    old_fields = {str(f.get("name")): f for f in _fields(old)}
    new_fields = {str(f.get("name")): f for f in _fields(new)}
    for name in old_fields:
        if name not in new_fields:
            add("field-removed", f"field {name} removed (or renamed)", "major", name)
    for name in new_fields:
        if name not in old_fields:
            add("field-added", f"field {name} added", "minor", name)
    kept_old = [n for n in old_fields if n in new_fields]
    kept_new = [n for n in new_fields if n in old_fields]
    if kept_old != kept_new:
        add("fields-reordered", "fields reordered", "major")
    for name in kept_new:
        out += _field_changes(table, name, old_fields[name], new_fields[name])
    old_pk, new_pk = _as_list(old.get("primaryKey")), _as_list(new.get("primaryKey"))
    if old_pk != new_pk:
        add("primary-key", f"primary key {old_pk} → {new_pk}", "major")
    old_fk = {json.dumps(fk, sort_keys=True) for fk in _list(old.get("foreignKeys"))}
    new_fk = {json.dumps(fk, sort_keys=True) for fk in _list(new.get("foreignKeys"))}
    for fk in sorted(new_fk - old_fk):
        add("foreign-key-added", f"foreign key added {_fk_words(fk)}", "major")
    for fk in sorted(old_fk - new_fk):
        add("foreign-key-removed", f"foreign key removed {_fk_words(fk)}", "minor")
    for key in sorted((set(old) | set(new)) - {"fields", "primaryKey", "foreignKeys"}, key=str):
        if old.get(key) != new.get(key):
            add("schema-metadata", f"schema {key} {_how(old.get(key), new.get(key))}", "patch")
    return out


def _fields(schema: dict) -> list[dict]:
    return [f for f in _list(schema.get("fields")) if isinstance(f, dict)]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else [str(v) for v in _list(value)]


def _fk_words(fk_json: str) -> str:
    fk = json.loads(fk_json)
    ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
    ref = ref if isinstance(ref, dict) else {}
    fields = fk.get("fields") if isinstance(fk, dict) else None
    return f"{_as_list(fields)} → {ref.get('resource', '')}.{_as_list(ref.get('fields'))}"


def _field_changes(table: str, name: str, old: dict, new: dict) -> list[Change]:
    out: list[Change] = []

    def add(kind: str, detail: str, bump: str) -> None:
        out.append(Change(table, kind, f"field {name}: {detail}", bump, name))

    for prop in ("type", "format"):
        if old.get(prop) != new.get(prop):
            add("field-retyped", f"{prop} {old.get(prop)!r} → {new.get(prop)!r}", "major")
    old_c, new_c = _dict(old.get("constraints")), _dict(new.get("constraints"))
    for key in sorted(set(old_c) | set(new_c), key=str):
        o, n = old_c.get(key), new_c.get(key)
        if o == n:
            continue
        if key == "enum":
            out += _enum_changes(table, name, o, n)
            continue
        if n is None:
            tighter = False
        elif o is None:
            tighter = bool(n) if key in ("required", "unique") else True
        elif key in ("required", "unique"):
            tighter = bool(n) and not bool(o)
        elif key in LOWER_BOUNDS + UPPER_BOUNDS and _comparable(o, n):
            tighter = _num(n) > _num(o) if key in LOWER_BOUNDS else _num(n) < _num(o)
        else:  # a changed pattern, a bound of another kind (or anything else) may reject
            # what passed before
            tighter = True
        word = "tightened" if tighter else "loosened"
        add(f"constraint-{word}", f"{key} {o!r} → {n!r} ({word})", "major" if tighter else "minor")
    for prop in sorted((set(old) | set(new)) - {"name", "type", "format", "constraints"}):
        if prop == "enumDescriptions":
            old_d, new_d = _dict(old.get(prop)), _dict(new.get(prop))
            codes = sorted(k for k in set(old_d) & set(new_d) if old_d[k] != new_d[k])
            if codes:
                add("code-description", f"meaning of code(s) {', '.join(codes)} changed", "patch")
        elif old.get(prop) != new.get(prop):
            add("field-metadata", f"{prop} {_how(old.get(prop), new.get(prop))}", "patch")
    return out


def _enum_changes(table: str, name: str, old, new) -> list[Change]:
    if not isinstance(old, list) or not isinstance(new, list):
        tighter = new is not None  # an enum where there was none only narrows
        word = "added" if tighter else "removed"
        bump = "major" if tighter else "minor"
        return [Change(table, f"enum-{word}", f"field {name}: enum {word}", bump, name)]
    out = []
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    if removed:
        codes = ", ".join(map(str, removed))
        out.append(
            Change(table, "codes-removed", f"field {name}: code(s) {codes} removed", "major", name)
        )
    if added:
        codes = ", ".join(map(str, added))
        out.append(
            Change(table, "codes-added", f"field {name}: code(s) {codes} added", "minor", name)
        )
    if not removed and not added:
        out.append(
            Change(table, "codes-reordered", f"field {name}: codes reordered", "patch", name)
        )
    return out


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _comparable(a, b) -> bool:
    """Whether two bounds can be ordered: both numbers, or both texts (ISO dates)."""
    return type(_num(a)) is type(_num(b))


def _num(value) -> float | str:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


# --- escaping ----------------------------------------------------------------------------


_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")


def show(value: object) -> str:
    """A cell for the terminal: quoted and escaped like a Python string literal."""
    return visible(repr(str(value)))


def name(value: object) -> str:
    """A table, field or file name: bare when it is plain, quoted otherwise."""
    text = str(value)
    return text if _SAFE_NAME.fullmatch(text) else show(text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$:@])")
"""Backslash-escaped in Markdown: emphasis, code, links, tables, strikethrough, math,
issue references, mentions and the ':' of URLs and workflow commands. Contributor text
never starts a line, so line-start syntax (#, -, >, 1.) needs no escape."""


def md(value: object, limit: int | None = None) -> str:
    """Contributor text for Markdown: no HTML, no links, no table breaks, one line."""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… (+{len(text) - limit} characters)"
    text = visible(text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_code(value: object) -> str:
    """A name in a code span, made safe the same way (a backtick cannot close the span)."""
    text = visible(value).replace("`", "'").replace("|", "\\|")
    return f"`{text}`" if text.strip() else "` `"


def key_text(key: tuple[str, ...]) -> str:
    return ", ".join(str(k) for k in key)


# --- text --------------------------------------------------------------------------------


def _headline(d: PackageDiff) -> list[str]:
    base, head = d.base, d.head
    lines = [
        f"diff: {visible(head.label)} against {visible(base.label)}",
        f"version: {show(base.version)} → {show(head.version)}",
        f"required bump: {d.required_bump.upper()}",
    ]
    return lines


def as_text(d: PackageDiff) -> str:
    out = _headline(d)
    for bump, reason in d.reasons():
        out.append(f"  {bump}: {visible(reason)}")
    if d.empty:
        out.append("no change to data, schemas, metadata or seeds.")
    for c in d.package:
        out.append(f"package: {visible(c.detail)} [{c.bump}]")
    for t in d.tables:
        key = ", ".join(name(k) for k in t.primary_key)
        out.append("")
        out.append(
            f"table {name(t.name)} ({t.status}; key {key}): {len(t.removed)} removed, "
            f"{len(t.changed)} changed, {len(t.added)} added"
        )
        out += [f"  schema: {visible(c.detail)} [{c.bump}]" for c in t.schema]
        out += [f"  note: {visible(n)}" for n in t.notes]
        for row in t.removed:
            out.append(f"  - {show(key_text(t.key_of(row)))} {_cells_text(row, t.primary_key)}")
        for ch in t.changed:
            cells = "; ".join(
                f"{name(c)}: {show(old)} → {show(new)}" for c, (old, new) in ch.cells.items()
            )
            out.append(f"  ~ {show(key_text(ch.key))} {cells}")
            if CONTEXT in ch.row and CONTEXT not in ch.cells:
                out.append(f"      {CONTEXT}: {show(ch.row[CONTEXT])}")
        for row in t.added:
            out.append(f"  + {show(key_text(t.key_of(row)))} {_cells_text(row, t.primary_key)}")
    if d.seeds:
        out.append("")
        out += [f"seeds: {visible(c.detail)} [{c.bump}]" for c in d.seeds]
    notes = [f"{d.base.label}: {n}" for n in d.base.notes] + [
        f"{d.head.label}: {n}" for n in d.head.notes
    ]
    if notes:
        out.append("")
        out += [f"note: {visible(n)}" for n in notes]
    return "\n".join(out) + "\n"


def _cells_text(row: dict[str, str], key: list[str]) -> str:
    return ", ".join(f"{name(c)}={show(v)}" for c, v in row.items() if c not in key and v != "")


# --- markdown ----------------------------------------------------------------------------

FOLD = 10
"""Sections longer than this many rows are folded under <details>."""
LIMIT = 100
"""Rows shown per section in Markdown; the rest are counted, never dropped silently."""
CELL_LIMIT = 300


def as_markdown(d: PackageDiff, limit: int = LIMIT, heading: str = "##") -> str:
    out = [
        f"{heading} Data changes",
        "",
        f"{md(d.head.label)} compared with {md(d.base.label)} · version "
        f"{md_code(d.base.version)} → {md_code(d.head.version)} · "
        f"**required bump: {d.required_bump.upper()}**",
        "",
    ]
    if d.empty:
        out += ["No change to data, schemas, metadata or seeds.", ""]
    else:
        out += [f"- **{b}**: {md(r)}" for b, r in d.reasons()[:limit]]
        out += _more(len(d.reasons()), limit, "reasons")
        out.append("")
    if d.tables:
        out += [
            "| table | removed | changed | added | schema changes |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        out += [
            f"| {md_code(t.name)} ({t.status}) | {len(t.removed)} | {len(t.changed)} "
            f"| {len(t.added)} | {len(t.schema)} |"
            for t in d.tables
        ]
        out.append("")
    if d.package or d.seeds:
        out += ["**Package and seeds**", ""]
        out += [f"- **{c.bump}** {md(c.detail)}" for c in d.package + d.seeds]
        out.append("")
    for t in d.tables:
        if t.empty and not t.notes:
            continue
        out += [f"{heading}# {md_code(t.name)}", ""]
        if t.schema:
            out += ["**Schema**", ""]
            out += [f"- **{c.bump}** {md(c.detail)}" for c in t.schema]
            out.append("")
        out += [f"- note: {md(n)}" for n in t.notes]
        key = ", ".join(t.primary_key) or "row"
        out += _section(
            f"Removed rows ({len(t.removed)})",
            [f"| {md_code(key)} | row |", "| --- | --- |"],
            [f"| {md(key_text(t.key_of(r)))} | {_cells_md(r, t.primary_key)} |" for r in t.removed],
            limit,
        )
        out += _section(
            f"Changed rows ({len(t.changed)})",
            [f"| {md_code(key)} | changed cells (old → new) | {CONTEXT} |", "| --- | --- | --- |"],
            [
                f"| {md(key_text(ch.key))} | "
                + "<br>".join(
                    f"{md_code(c)}: {md(o, CELL_LIMIT)} → {md(n, CELL_LIMIT)}"
                    for c, (o, n) in ch.cells.items()
                )
                + f" | {md(ch.row.get(CONTEXT, ''), CELL_LIMIT)} |"
                for ch in t.changed
            ],
            limit,
        )
        out += _section(
            f"Added rows ({len(t.added)})",
            [f"| {md_code(key)} | row |", "| --- | --- |"],
            [f"| {md(key_text(t.key_of(r)))} | {_cells_md(r, t.primary_key)} |" for r in t.added],
            limit,
        )
    notes = [f"{d.base.label}: {n}" for n in d.base.notes] + [
        f"{d.head.label}: {n}" for n in d.head.notes
    ]
    out += [f"- note: {md(n)}" for n in notes]
    return "\n".join(out).rstrip("\n") + "\n"


def _section(title: str, header: list[str], rows: list[str], limit: int) -> list[str]:
    if not rows:
        return []
    body = [*header, *rows[:limit], *_more(len(rows), limit, "rows")]
    if len(rows) > FOLD:
        return [f"<details><summary>{title}</summary>", "", *body, "", "</details>", ""]
    return [f"**{title}**", "", *body, ""]


def _more(total: int, limit: int, what: str) -> list[str]:
    if total <= limit:
        return []
    return [
        "",
        f"… and {total - limit} more {what} not shown (run `recruitment diff` to see all).",
    ]


def _cells_md(row: dict[str, str], key: list[str]) -> str:
    parts = [
        f"{md_code(c)}: {md(v, CELL_LIMIT)}" for c, v in row.items() if c not in key and v != ""
    ]
    return " · ".join(parts)


# --- json --------------------------------------------------------------------------------


def to_dict(d: PackageDiff) -> dict:
    """The diff as plain data; the shape README.md documents (``"format": 1``)."""
    return {
        "format": FORMAT_VERSION,
        "base": {"label": d.base.label, "version": d.base.version, "notes": d.base.notes},
        "head": {"label": d.head.label, "version": d.head.version, "notes": d.head.notes},
        "required_bump": d.required_bump,
        "reasons": [{"bump": b, "reason": r} for b, r in d.reasons()],
        "package": [c.to_dict() for c in d.package],
        "tables": [
            {
                "name": t.name,
                "status": t.status,
                "primary_key": t.primary_key,
                "counts": {
                    "removed": len(t.removed),
                    "changed": len(t.changed),
                    "added": len(t.added),
                },
                "schema": [c.to_dict() for c in t.schema],
                "removed": t.removed,
                "changed": [
                    {
                        "key": list(ch.key),
                        "cells": {c: {"old": o, "new": n} for c, (o, n) in ch.cells.items()},
                        CONTEXT: ch.row.get(CONTEXT),
                    }
                    for ch in t.changed
                ],
                "added": t.added,
                "notes": t.notes,
            }
            for t in d.tables
        ],
        "seeds": [c.to_dict() for c in d.seeds],
    }


def as_json(d: PackageDiff) -> str:
    return json_dumps(to_dict(d))


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}
