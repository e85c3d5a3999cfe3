"""docs/codebook.md, generated from the Table Schemas so the prose can never drift from them.

The schemas already hold everything a codebook says (titles, descriptions, types,
constraints, keys and an ``enumDescriptions`` meaning for every code), so the codebook is
rendered from the package model rather than written by hand; a test fails when the
committed file differs from a fresh render, and ``recruitment codebook`` rewrites it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.package import Field, Package, Resource, load_package

CODEBOOK = Path("docs") / "codebook.md"
REGENERATE = "recruitment codebook"

CONSTRAINT_WORDS = {
    "unique": lambda v: "unique" if v else "",
    "pattern": lambda v: f"pattern `{v}`",
    "minimum": lambda v: f"≥ {v}",
    "maximum": lambda v: f"≤ {v}",
    "exclusiveMinimum": lambda v: f"> {v}",
    "exclusiveMaximum": lambda v: f"< {v}",
    "minLength": lambda v: f"at least {v} characters",
    "maxLength": lambda v: f"at most {v} characters",
    "enum": lambda v: f"one of {len(v)} codes (below)",
}


MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>!~|&])")
"""ASCII punctuation that can start Markdown syntax inside a line: emphasis, code, links and
images, HTML and entities, tables, strikethrough. Backslash-escaped, it is plain text."""
BLOCK_START = re.compile(r"^(?:([#>+=-])|(\d+)([.)]))")
"""What makes a line a heading, quote, list or rule when a paragraph starts with it."""


def cell(text: object, prose: bool = True) -> str:
    """Text safe inside a Markdown table cell or heading: one line, pipes escaped.

    Prose (titles and descriptions, which a schema's author writes) is plain text: every
    character that could start Markdown syntax is escaped, so a description can hold no
    link, image, emphasis or HTML. Constraint text keeps its characters, as it shows
    patterns inside code spans.
    """
    out = " ".join(str(text).split())
    if prose:
        out = MARKDOWN_ACTIVE.sub(r"\\\1", out)
        return BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", out)
    return out.replace("|", "\\|")


def constraints(f: Field) -> str:
    """The field's constraints in words, in a fixed order; 'required' has its own column."""
    out = []
    for key, word in CONSTRAINT_WORDS.items():
        if key in f.constraints:
            text = word(f.constraints[key])
            if text:
                out.append(text)
    known = set(CONSTRAINT_WORDS) | {"required"}
    out += [
        f"{key} `{json.dumps(f.constraints[key], ensure_ascii=False)}`"
        for key in sorted(f.constraints)
        if key not in known
    ]
    return "; ".join(out)


def _keys(res: Resource) -> list[str]:
    out = []
    if res.primary_key:
        out.append("- Primary key: " + ", ".join(f"`{k}`" for k in res.primary_key))
    for fk in res.foreign_keys:
        own = ", ".join(f"`{k}`" for k in fk.fields)
        ref = ", ".join(f"`{fk.resource}.{k}`" for k in fk.reference_fields)
        out.append(f"- Foreign key: {own} → {ref}")
    return out


def render_resource(res: Resource, package: Package | None = None, published: bool = False) -> str:
    where = (
        f"- Data: `csv/{res.name}.csv` and `parquet/{res.name}.parquet`; schema: in "
        f"`datapackage.json` (resource `{res.name}`)"
        if published
        else f"- Data: `{res.path}`; schema: `{res.schema_path}`"
    )
    lines = [
        f"## `{res.name}`: {cell(res.title)}",
        "",
        cell(res.description),
        "",
        where,
        *_keys(res),
        "",
        "| Column | Title | Type | Required | Constraints | Description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in res.fields:
        required = "yes" if f.required or f.name in res.primary_key else ""
        limits = cell(constraints(f), prose=False)
        codelist = package.codelist_of(res, f.name) if package is not None else None
        if codelist is not None:
            count = len(package.codelist_rows(codelist))
            limits = "; ".join(
                x
                for x in (
                    limits,
                    f"a code of [`{codelist.name}`](#{anchor(codelist)}) ({count} codes)",
                )
                if x
            )
        lines.append(
            f"| `{f.name}` | {cell(f.title)} | {f.type} | {required} | {limits} "
            f"| {cell(f.description)} |"
        )
    for f in res.fields:
        if not f.enum:
            continue
        lines += [
            "",
            f"### `{res.name}.{f.name}` codes",
            "",
            "| Code | Meaning |",
            "| --- | --- |",
        ]
        lines += [
            f"| `{code}` | {cell(f.enum_descriptions.get(str(code), ''))} |" for code in f.enum
        ]
    if res.is_codelist and package is not None:
        lines += ["", *codes_table(res, package.codelist_rows(res))]
    return "\n".join(lines)


def codes_table(res: Resource, rows: list[dict[str, str]]) -> list[str]:
    """The codes of a code list, every column, in file order."""
    names = res.field_names
    return [
        f"### `{res.name}` codes",
        "",
        "| " + " | ".join(f"`{n}`" for n in names) + " |",
        "| " + " | ".join("---" for _ in names) + " |",
        *(
            "| "
            + " | ".join(
                f"`{cell(row.get(n, ''), prose=False)}`" if n == "code" else cell(row.get(n, ""))
                for n in names
            )
            + " |"
            for row in rows
        ),
    ]


def render(package: Package, published: bool = False) -> str:
    """The whole codebook as Markdown: tables in descriptor order, codes in schema order;
    ``published``: for the release folder, naming the files it holds (csv/, parquet/ and
    the schemas inside datapackage.json) instead of the repository's data/ and schemas/."""
    d = package.descriptor
    toc = [f"- [`{r.name}`](#{anchor(r)}): {cell(r.title)}" for r in package.resources.values()]
    head = [
        f"<!-- Generated from schemas/*.json and the code lists by `{REGENERATE}`; "
        "do not edit by hand. -->",
        "",
        f"# Codebook: {cell(d.get('title', package.name))}",
        "",
        f"Package `{package.name}`, version {package.version}. "
        "Every table, column and code of the data package, as its Table Schemas and code "
        "lists define them. "
        "Empty cells are missing values; dates are ISO 8601 (YYYY-MM-DD).",
        "",
        *toc,
    ]
    parts = ["\n".join(head)] + [
        render_resource(r, package, published) for r in package.resources.values()
    ]
    parts.append(render_duckdb(package))
    return "\n\n".join(parts) + "\n"


def render_duckdb(package: Package) -> str:
    """What recruitment.duckdb holds beside the tables above: its own tables and the
    views, each with the comment it carries in the file."""
    from ..core import ddl, views  # the DDL imports the package model, as this module does

    lines = [
        "## In the DuckDB file",
        "",
        "`recruitment.duckdb` holds every table above, and these (each table, view and "
        "column carries its description as a comment: `SELECT * FROM duckdb_columns()`):",
        "",
    ]
    lines += [f"- table `{t.name}`: {cell(t.comment)}" for t in ddl.EXTRA_TABLES]
    lines += [
        f"- view `{name}`: {cell(text)}" for name, (_, text) in views.view_sql(package).items()
    ]
    return "\n".join(lines)


def anchor(res: Resource) -> str:
    """The anchor of a table's section (GitHub's, and the site's codebook.html)."""
    return f"{res.name}-{slug(res.title)}"


def slug(text: str) -> str:
    """GitHub's heading anchor for the part after the backticked name."""
    keep = "".join(ch for ch in text.lower() if ch.isalnum() or ch in " -_")
    return keep.replace(" ", "-")


def write(root: Path, package: Package | None = None) -> Path:
    """Render the codebook of the package at ``root`` (or of ``package``, loaded from it)
    into ``root/docs/codebook.md``."""
    root = Path(root)
    if package is None:
        package = loadable(root)
    path = root / CODEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    inside(root, path)
    text = render(package)
    # Written beside, then renamed over: a symlinked codebook.md is replaced, never followed.
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    tmp.replace(path)
    return path


def loadable(root: Path) -> Package:
    """The package at ``root``, or ValueError naming why its metadata cannot be read."""
    package, findings = load_package(Path(root))
    if package is None:
        problems = "; ".join(f.message for f in findings[:5])
        raise ValueError(f"the schemas cannot be read, so no codebook is written: {problems}")
    return package


def inside(root: Path, path: Path) -> None:
    """Refuse to write ``path`` unless its folder resolves inside the package ``root``."""
    if not path.parent.resolve().is_relative_to(Path(root).resolve()):
        raise OSError(f"{path.parent} resolves outside the package; nothing was written")
