"""The HTML pages: Jinja2 templates (./templates, autoescape on) over :class:`SiteData`.

This module only chooses and shapes what each page shows (plain values, :class:`Cell`
descriptions of values, geometry); the markup is the templates', and every value reaches
the page through their one escape path (:mod:`.jinja`). Pages are plain HTML that shows
all the data without JavaScript; app.js only adds sorting and filtering on top. Every link
is relative (no host, no CDN), so the site works from a file:// folder or any static
server, and nothing on a page depends on the build time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from .. import codebook
from ..discovery import script_tag
from . import charts, jinja
from .charts import Bar
from .data import HISTORY_PER_ROW, Article, Row, SiteData

TABLE_PAGES = ("figures", "events", "actors", "sources", "exclusions")
"""Tables with a page of their own, in menu order (those the package has)."""


PAGE_NAME_CHARS = 120
"""Longest page name (a file name is at most 255 bytes); a longer one is cut and hashed."""


def page_name(text: str) -> str:
    """A file name from a key, one to one: lowercase letters, digits, '.', '_' and '-' stay,
    every other character (capitals too, and '~') is written as ~xx per UTF-8 byte. So two
    keys never share a page, not even on a case-insensitive file system. A name longer
    than PAGE_NAME_CHARS keeps its first 80 characters and ends in ``~~`` and the
    SHA-256 of the key (``~~`` never occurs in a name that is not cut)."""
    name = re.sub(r"[^a-z0-9._-]", lambda m: "".join(f"~{b:02x}" for b in m[0].encode()), str(text))
    if len(name) <= PAGE_NAME_CHARS:
        return name
    return name[:80] + "~~" + hashlib.sha256(str(text).encode()).hexdigest()


def prov_href(row: Row, prefix: str = "") -> str:
    """Where a row's evidence is shown: its provenance page, named by table and key."""
    return f"{prefix}prov/{page_name(row.table)}-{page_name(row.id)}.html"


def article_href(source_id: str, prefix: str = "") -> str:
    return f"{prefix}articles/{page_name(source_id)}.html"


@dataclass(frozen=True)
class Line:
    """A seed line as a page shows it: (text, marked) pieces, and where it was cut."""

    n: int
    pieces: tuple[tuple[str, bool], ...]
    cut_before: bool = False
    cut_after: bool = False
    cited: bool = False
    cited_by: tuple[tuple[str, str], ...] = ()


def mark_spans(line: str, spans: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """``line`` as (text, marked) pieces, each (start, end) code-point span marked.

    Overlapping spans (two rows quoting overlapping words) are merged first, so the marks
    never nest or cross.
    """
    merged: list[list[int]] = []
    for s, t in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], t)
        else:
            merged.append([s, t])
    out, at = [], 0
    for s, t in merged:
        out += [(line[at:s], False), (line[s:t], True)]
        at = t
    out.append((line[at:], False))
    return tuple((text, mark) for text, mark in out if text or mark)


EVIDENCE_LINES = 3
"""Lines shown before and after the cited line on an evidence page (the article page has
the whole article, once)."""
EVIDENCE_CHARS = 500
"""Characters shown on an evidence page before and after the marked quote (and of any other
line), so that a page costs its row plus a few kilobytes, however long the seed's lines."""


def clipped_line(
    n: int, line: str, spans: list[tuple[int, int]], context: int = EVIDENCE_CHARS
) -> Line:
    """Line ``n`` with its marks, cut to ``context`` characters around them (or to its first
    2 × ``context`` characters when nothing is marked); "…" stands where it is cut."""
    if spans:
        low = max(0, min(s for s, _ in spans) - context)
        high = min(len(line), max(t for _, t in spans) + context)
    else:
        low, high = 0, min(len(line), 2 * context)
    pieces = mark_spans(line[low:high], [(s - low, t - low) for s, t in spans])
    return Line(n, pieces, cut_before=low > 0, cut_after=high < len(line))


def quote_span(line: str, quote: str | None) -> tuple[int, int] | None:
    """Code-point offsets of the quote in its line (the first place it stands)."""
    if not quote:
        return None
    at = line.find(quote)
    return None if at < 0 else (at, at + len(quote))


# --- layout ---------------------------------------------------------------------------


def page(
    data: SiteData, template: str, title: str, prefix: str = "", current: str = "", **context
) -> str:
    """A whole page: ``template`` (which extends base.html) with the menu and the header."""
    pkg = data.package
    menu = [("index.html", "Overview"), ("timeline.html", "Timeline")]
    if has_happenings(data):
        menu.append(("happenings.html", "Happenings"))
    menu += [(f"{t}.html", t.capitalize()) for t in TABLE_PAGES if t in pkg.resources]
    menu.append(("articles/index.html", "Articles"))
    menu.append(("codebook.html", "Codebook"))
    return jinja.render(
        template,
        title=title,
        package_title=pkg.descriptor.get("title", pkg.name),
        name=pkg.name,
        version=pkg.version,
        menu=menu,
        current=current,
        prefix=prefix,
        jsonld=context.pop("jsonld", None),
        **context,
    )


# --- cells and tables -----------------------------------------------------------------


def number(value: int | float) -> str:
    """A number as the site prints it: 134,500; 1.5."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def named_reference(data: SiteData, table: str, name: str):
    """(target table, its row) for a single-field foreign key to a table with a name column."""
    res = data.resource(table)
    for fk in res.foreign_keys:
        target = fk.resource
        if fk.fields == [name] and target in data.rows and data.resource(target).has("name"):
            return target, data.by_id(target)
    return None


def sort_value(row: Row, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


FRONT = {
    "figures": ("measure", "value", "claimed_by", "subject", "period", "quote"),
    "events": ("event_type", "date", "summary", "actor_id", "quote"),
    "sources": ("title", "published", "notes"),
}
"""The columns a table page shows first, by field or interval name; a name its schema lacks
is skipped, and every other field of the schema is folded into the row's "more" cell.
Tables not listed show every column."""


@dataclass(frozen=True)
class Cell:
    """One value as the macro ``cell`` (macros.html) draws it: ``kind`` is link, ref (a
    name linked, its id after it), code (with its meaning), n, date, interval or text."""

    kind: str
    text: str
    href: str = ""
    title: str = ""
    note: str = ""
    sub: Cell | None = None


def show(c: Cell | None) -> Markup:
    return jinja.macros().cell(c)


def cell(data: SiteData, row: Row, name: str, prefix: str) -> Cell | None:
    """One value: keys and references become links (actors by name, with their id),
    numbers get thousands separators, dates do not break, enum codes get their meaning."""
    res = data.resource(row.table)
    f = res.field(name)
    value = row.get(name)
    if value is None:
        return None
    text = str(value)
    if name in res.primary_key:
        return Cell("link", text, prov_href(row, prefix) if row.cites else f"#{row.id}")
    if name == "source_id" and value in data.articles:
        return Cell("link", text, article_href(value, prefix))
    if name == "line" and row.cites:
        return Cell("link", text, prov_href(row, prefix), "Show the line in the article")
    ref = named_reference(data, row.table, name)
    if ref is not None:
        target, rows = ref
        other = rows.get(value)
        label = str(other.get("name")) if other is not None else text
        link = f"{prefix}{target}.html#{text}" if target in TABLE_PAGES else f"#{text}"
        return Cell("ref", label, link, note=text)
    for fk in res.foreign_keys:
        if fk.fields == [name] and fk.resource in TABLE_PAGES:
            return Cell("link", text, f"{prefix}{fk.resource}.html#{text}")
    meanings = data.package.code_meanings(res, name)
    if meanings and text in meanings:
        return Cell("code", text, title=meanings[text])
    if f.type in ("integer", "number"):
        return Cell("n", number(value))
    if f.type == "date":
        return Cell("date", text)
    return Cell("text", text)


@dataclass(frozen=True)
class Column:
    """A column of a table page: one field, or several read together (an interval, a value
    with its bounds), with how to show and sort it."""

    label: str
    fields: tuple[str, ...]
    kind: str
    render: Callable[[SiteData, Row, str], Cell | None]
    sort: Callable[[Row], str]
    description: str


def _interval(res, stem: str) -> Column | None:
    start, end = f"{stem}_start", f"{stem}_end"
    if not res.has(start, end):
        return None
    precision = f"{stem}_precision" if res.has(f"{stem}_precision") else None

    def render(data: SiteData, row: Row, prefix: str) -> Cell | None:
        s, t = row.get(start), row.get(end)
        if s is None:
            return None
        sub = cell(data, row, precision, prefix) if precision else None
        return Cell("interval", str(s), note=str(t) if t != s else "", sub=sub)

    fields = (start, end) + ((precision,) if precision else ())
    return Column(
        stem,
        fields,
        "date",
        render,
        lambda row: sort_value(row, start),
        f"{res.field(start).description} / {res.field(end).description}",
    )


def _bounded_value(res) -> Column | None:
    if not res.has("value", "value_low", "value_high", "qualifier"):
        return None
    unit = "unit" if res.has("unit") else None

    def render(data: SiteData, row: Row, prefix: str) -> Cell | None:
        words = charts.value_words(row)
        if not words:
            return None
        shown = f"{words} {row.get(unit)}" if unit and row.get(unit) is not None else words
        return Cell("text", shown)

    def sort(row: Row) -> str:
        for k in ("value", "value_high", "value_low"):
            if row.get(k) is not None:
                return str(row.get(k))
        return ""

    fields = ("value", "value_low", "value_high", "qualifier") + ((unit,) if unit else ())
    return Column(
        "value",
        fields,
        "integer",
        render,
        sort,
        "The value as the text qualifies it (“up to”, “more than”, a range), with its unit.",
    )


def _field_column(res, name: str) -> Column:
    f = res.field(name)
    return Column(
        name,
        (name,),
        f.type,
        lambda data, row, prefix: cell(data, row, name, prefix),
        lambda row: sort_value(row, name),
        f.description,
    )


def table_columns(res) -> tuple[list[Column], list[str]]:
    """(columns shown, fields folded) for a table page, from the Table Schema."""
    if res.name not in FRONT:
        return [_field_column(res, f.name) for f in res.fields], []
    shown = [_field_column(res, k) for k in res.primary_key]
    for name in FRONT[res.name]:
        col = (
            (_bounded_value(res) if name == "value" else None)
            or _interval(res, name)
            or (_field_column(res, name) if res.has(name) else None)
        )
        if col is not None:
            shown.append(col)
    used = {f for c in shown for f in c.fields}
    return shown, [f.name for f in res.fields if f.name not in used]


def data_table(data: SiteData, table: str, rows: list[Row], prefix: str = "") -> dict:
    """What data_table.html draws: every field of the Table Schema, the FRONT columns in the
    open and the others folded under "more" in each row (a row with none of them set has
    no "more"). Sort keys sit in data-sort; long prose columns (maxLength ≥ 500) wrap into
    a few wide lines rather than one tall, narrow column."""
    res = data.resource(table)
    columns, folded = table_columns(res)
    long = {
        c.label
        for c in columns
        if len(c.fields) == 1 and res.field(c.fields[0]).constraints.get("maxLength", 0) >= 500
    }
    shown = []
    for row in rows:
        cells = [(c, c.sort(row), show(c.render(data, row, prefix))) for c in columns]
        more = [
            (n, res.field(n).description, show(cell(data, row, n, prefix)))
            for n in folded
            if row.get(n) is not None
        ]
        shown.append({"id": row.id, "cells": cells, "more": more})
    return {
        "name": table,
        "title": res.title,
        "columns": columns,
        "folded": folded,
        "long": long,
        "rows": shown,
    }


def table_page(data: SiteData, table: str) -> str:
    res = data.resource(table)
    return page(
        data,
        "table.html",
        res.title,
        current=f"{table}.html",
        res=res,
        anchor=codebook.anchor(res),
        table=data_table(data, table, data.rows[table]),
        estimates=estimate_sections(data) if table == "figures" else [],
    )


SERIES_MIN = 2
"""Figures of a measure (and unit) that the figures page draws as a chart; a measure with
fewer is listed under the charts in text."""


def estimate_sections(data: SiteData) -> list[dict]:
    """The figures page's charts of the ``estimates`` view: one per measure and unit with
    at least SERIES_MIN figures, a series per claimant over as_of; the others in text."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in data.estimates:  # in the view's as_of order
        groups.setdefault((str(r.get("measure")), str(r.get("unit"))), []).append(r)
    units = data.by_id("units") if "units" in data.rows else {}
    out = []
    for i, ((measure, unit), rows) in enumerate(sorted(groups.items())):
        label = str(rows[0].get("measure_label") or measure)
        unit = str(units[unit].get("label") or unit) if unit in units else unit
        series = charts.series_of(rows)
        points = [
            (prov_href(r), r.id, charts.value_words(r), _as_of(r), s.claimant)
            for s in series
            for r in s.points
        ]
        drawn = len(rows) >= SERIES_MIN
        svg = charts.series_chart(label, series, unit, prov_href, f"estimates-{i}") if drawn else ""
        out.append(
            {
                "id": f"estimates-{i}",
                "title": label.capitalize(),
                "drawn": drawn,
                "svg": Markup(svg),
                "legend": [(s.colour, s.claimant, len(s.points)) for s in series],
                "points": points,
            }
        )
    return out


def _as_of(row: Row) -> str:
    s, t = row.get("as_of_start"), row.get("as_of_end")
    words = str(s) if s == t else f"{s} – {t}"
    return f"{words} ({row.get('as_of_basis')})"


def codebook_page(data: SiteData) -> str:
    """The codebook (docs/codebook.md, rendered from the schemas) as a page of the site.

    markdown-it escapes the schema text (raw HTML off, codebook.cell escapes it first);
    each table cell carries its column's name (data-label), so a phone shows each row of
    a code list or field list as a card."""
    from markdown_it import MarkdownIt

    text = codebook.render(data.package)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("<!--"))
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    heads: list[str] = []
    column = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            token.attrSet("id", codebook.slug(tokens[i + 1].content))
        if token.type == "inline" and token.children:
            token.children = own_links_only(token.children)
        if token.type == "thead_open":
            heads = []
        elif token.type == "th_open":
            heads.append(tokens[i + 1].content)
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(heads):
                token.attrSet("data-label", heads[column])
            column += 1
    body = Markup(md.renderer.render(tokens, md.options, {}))
    return page(data, "codebook.html", "Codebook", current="codebook.html", body=body)


def own_links_only(children: list) -> list:
    """Inline Markdown tokens with no image (its text stays) and no link that leaves the
    page (its text stays): the codebook's own anchors (#…) are its only links. The schema
    text is escaped to plain text already (codebook.cell); this holds whatever it says."""
    from markdown_it.token import Token

    out, dropping = [], False
    for t in children:
        if t.type == "image":
            out.append(Token("text", "", 0, content=t.content))
        elif t.type == "link_open" and not str(t.attrGet("href") or "").startswith("#"):
            dropping = True
        elif t.type == "link_close" and dropping:
            dropping = False
        else:
            out.append(t)
    return out


# --- overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    """Which figures a chart shows, and how each bar is labelled."""

    id: str
    title: str
    measures: tuple[str, ...]
    unit: str
    label: Callable[[Row], str]
    note: str = ""


def _year(row: Row) -> str:
    start = row.get("period_start")
    return str(start.year) if start is not None else "year not stated"


def _measure(row: Row) -> str:
    return str(row.get("measure")).replace("_", " ").capitalize()


def _period(row: Row) -> str:
    s, t = row.get("period_start"), row.get("period_end")
    if s is None:
        return "no period given"
    return str(s) if s == t else f"{s} – {t}"


CHARTS = (
    ChartSpec(
        "quotas",
        "Spring conscription quotas by year",
        ("conscription_quota",),
        "persons (men to be drafted)",
        _year,
        "Each bar is labelled with the year of the figure’s period.",
    ),
    ChartSpec(
        "targets",
        "Recruitment and mobilisation targets",
        ("recruitment_target", "mobilisation_target"),
        "persons",
        lambda r: f"{_measure(r)}, {_year(r)}",
        "One bar per claim: a claim that several reports give is drawn once, its reports "
        "listed above its bar.",
    ),
    ChartSpec(
        "losses",
        "Russian casualty and fatality estimates",
        ("casualties", "fatalities"),
        "persons",
        _measure,
        "Estimates are drawn as the texts qualify them: “up to” and “as many as” are upper "
        "bounds, “more than” is a lower bound with no stated end.",
    ),
    ChartSpec(
        "attacks",
        "Daily averages of Russian attacks reported by Ukraine’s general staff",
        ("attacks_daily_average",),
        "attacks per day",
        lambda r: str(r.get("period_text") or _period(r)),
    ),
)


def _claimant(data: SiteData, row: Row) -> str:
    actor = data.by_id("actors").get(row.get("claimed_by")) if "actors" in data.rows else None
    return actor.get("name") if actor else "no claimant named"


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def has_happenings(data: SiteData) -> bool:
    return "events" in data.rows and data.resource("events").has("event_key")


def happenings(data: SiteData) -> dict[str, list[Row]]:
    """Events grouped by event_key (as the DuckDB view ``happenings`` does), reports by id."""
    out: dict[str, list[Row]] = {}
    for r in data.rows.get("events", []):
        out.setdefault(str(r.get("event_key")), []).append(r)
    return out


def chart_section(data: SiteData, spec: ChartSpec) -> dict | None:
    """One chart of the overview: a bar per claim (``claim_key``), drawn from its first
    report, with every report of the claim listed under it."""
    figures = data.rows.get("figures", [])
    rows = [r for r in figures if r.get("measure") in spec.measures]
    rows.sort(key=lambda r: (str(r.get("period_start") or "9999"), r.get("measure"), r.id))
    if not rows:
        return None
    by_claim: dict[str, list[Row]] = {}
    for r in rows:
        key = r.get("claim_key")
        by_claim.setdefault(r.id if key is None else str(key), []).append(r)
    bars = []
    for reports in by_claim.values():
        r = reports[0]
        ids = [x.id for x in reports]
        sources = sorted({str(x.get("source_id")) for x in reports})
        who = _claimant(data, r)
        if len(ids) > 1:
            sub = f"{len(ids)} reports: {', '.join(ids)} · {', '.join(sources)} · {who}"
        else:
            sub = f"{r.id} · {r.get('source_id')} · {who}"
        bars.append(Bar(r, spec.label(r), sub, tuple(ids)))
    svg = charts.bar_chart(spec.title, bars, spec.unit, prov_href, f"chart-{spec.id}")
    shared = [
        (key, [(prov_href(r), r.id) for r in rs])
        for key, rs in sorted(by_claim.items())
        if len(rs) > 1
    ]
    return {
        "id": spec.id,
        "title": spec.title,
        "note": spec.note,
        "shared": shared,
        "svg": Markup(svg),
        "used": [(prov_href(r), r.id, charts.value_words(r), _period(r)) for r in rows],
    }


def overview_page(data: SiteData) -> str:
    pkg = data.package
    d = pkg.descriptor
    tables = [
        {
            "href": f"{name}.html" if name in TABLE_PAGES else "",
            "title": res.title,
            "rows": len(data.rows.get(name, [])),
            "description": res.description,
        }
        for name, res in pkg.resources.items()
    ]
    articles = _articles(data, article_href)
    downloads = [
        {"rel": dl.rel, "label": dl.label, "size": _size(dl.size), "sha256": dl.sha256}
        for dl in data.downloads
    ]
    licences = [
        {"title": x.get("title") or x.get("name"), "name": x.get("name"), "path": x.get("path")}
        for x in d.get("licenses", [])
        if isinstance(x, dict)
    ]
    sections = [c for c in (chart_section(data, spec) for spec in CHARTS) if c is not None]
    return page(
        data,
        "index.html",
        "Overview",
        current="index.html",
        jsonld=Markup(script_tag(data.jsonld)) if data.jsonld else None,
        d_title=d.get("title", pkg.name),
        d_description=d.get("description", ""),
        tables=tables,
        charts=sections,
        articles=articles,
        downloads=downloads,
        licences=licences,
        citation=data.citation,
    )


# --- timeline -------------------------------------------------------------------------


def _when(row: Row) -> str:
    s, t = row.get("date_start"), row.get("date_end")
    return str(s) if s == t else f"{s} – {t}"


def timeline_page(data: SiteData) -> str:
    """Events drawn per year: each under the year that holds most of its interval
    (charts.year_of), on an axis that reaches as far as its spans do; then listed."""
    events = sorted(
        data.rows.get("events", []),
        key=lambda r: (r.get("date_start"), r.get("date_end"), r.id),
    )
    by_year: dict[int, list[Row]] = {}
    for r in events:
        by_year.setdefault(charts.year_of(r.get("date_start"), r.get("date_end")), []).append(r)
    sections = []
    for year in sorted(by_year):
        rs = by_year[year]
        start, end = charts.axis(year, rs)
        straddle = sum(r.get("date_start").year != r.get("date_end").year for r in rs)
        last = end - charts.timedelta(days=1)
        sections.append(
            {
                "year": year,
                "events": rs,
                "straddle": straddle,
                "axis": f"{start:%b %Y} – {last:%b %Y}",
                "svg": Markup(charts.timeline(rs, prov_href, f"timeline-{year}", year)),
            }
        )
    listed = [
        {
            "href": prov_href(r),
            "id": r.id,
            "when": _when(r),
            "precision": r.get("date_precision"),
            "basis": r.get("date_basis"),
            "summary": r.get("summary"),
        }
        for r in events
    ]
    return page(
        data,
        "timeline.html",
        "Timeline",
        current="timeline.html",
        sections=sections,
        events=listed,
    )


# --- happenings -----------------------------------------------------------------------


def happenings_page(data: SiteData) -> str:
    """One row per happening: the articles and reports that give it, and its date read
    widest (any report's interval) and narrowest (where all reports' intervals overlap)."""
    groups = sorted(
        happenings(data).items(),
        key=lambda kv: (min(r.get("date_start") for r in kv[1]), kv[0]),
    )
    shown = []
    for key, rs in groups:
        widest = (min(r.get("date_start") for r in rs), max(r.get("date_end") for r in rs))
        narrow = (max(r.get("date_start") for r in rs), min(r.get("date_end") for r in rs))
        shown.append(
            {
                "key": key,
                "articles": len({r.get("source_id") for r in rs}),
                "reports": [(prov_href(r), r.get("summary"), r.id) for r in rs],
                "widest": "–".join(dict.fromkeys(str(d) for d in widest)),
                "narrowest": (
                    "–".join(dict.fromkeys(str(d) for d in narrow))
                    if narrow[0] <= narrow[1]
                    else "the reports disagree"
                ),
                "summary": rs[0].get("summary"),
            }
        )
    return page(
        data,
        "happenings.html",
        "Happenings",
        current="happenings.html",
        groups=shown,
        reports=len(data.rows["events"]),
    )


# --- provenance -----------------------------------------------------------------------


def seed_lines(
    article: Article,
    marks: dict[int, list[tuple[int, int]]],
    cited_by: dict[int, list[tuple[str, str]]],
    around: int | None = None,
) -> list[Line]:
    """The article's lines as the macro seed_lines draws them; lines in ``marks`` are
    highlighted. With ``around`` (an evidence page's cited line), only the EVIDENCE_LINES
    lines on either side of it, each clipped to EVIDENCE_CHARS around its marks."""
    out = []
    first, last = 1, len(article.lines)
    if around is not None:
        first, last = max(1, around - EVIDENCE_LINES), min(last, around + EVIDENCE_LINES)
    for n in range(first, last + 1):
        line = article.lines[n - 1]
        if around is not None:
            shown = clipped_line(n, line, marks.get(n, []))
        else:
            shown = Line(n, mark_spans(line, marks.get(n, [])))
        out.append(
            Line(
                n,
                shown.pieces,
                shown.cut_before,
                shown.cut_after,
                cited=n in marks,
                cited_by=tuple(cited_by.get(n, ())),
            )
        )
    return out


def provenance_page(data: SiteData, row: Row) -> str:
    """One row's evidence: the row, its quote marked on its line, then the lines around it
    (the article page has the whole article)."""
    prefix = "../"
    source_id, line_no, quote = row.get("source_id"), row.get("line"), row.get("quote")
    article = data.articles.get(source_id)
    lines = article.lines if article else []
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    span = quote_span(line, quote)
    marks = {line_no: [span] if span else []}
    res = data.resource(row.table)
    details = [
        (f.name, f.description, show(cell(data, row, f.name, prefix)))
        for f in res.fields
        if row.get(f.name) is not None
    ]
    return page(
        data,
        "provenance.html",
        f"{row.id} ({res.title})",
        prefix=prefix,
        row=row,
        res=res,
        back=f"{prefix}{row.table}.html#{row.id}" if row.table in TABLE_PAGES else prefix,
        source_id=source_id,
        line_no=line_no,
        article=article,
        article_href=article_href(source_id, prefix),
        excerpt=clipped_line(line_no, line, marks[line_no]),
        found=span is not None,
        details=details,
        first=max(1, line_no - EVIDENCE_LINES),
        last=min(len(lines), line_no + EVIDENCE_LINES),
        total=len(lines),
        lines=seed_lines(article, marks, {}, around=line_no) if article else [],
        history=data.history_of(row),
        history_limit=HISTORY_PER_ROW,
    )


def article_page(data: SiteData, article: Article) -> str:
    """A seed article with every cited line highlighted and every citing row listed."""
    prefix = "../"
    rows = sorted(data.citing_rows(article.source_id), key=lambda r: (r.get("line"), r.table, r.id))
    marks: dict[int, list[tuple[int, int]]] = {}
    cited_by: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        n = r.get("line")
        if 0 < n <= len(article.lines):
            span = quote_span(article.lines[n - 1], r.get("quote"))
            marks.setdefault(n, [])
            if span:
                marks[n].append(span)
            cited_by.setdefault(n, []).append((prov_href(r, prefix), r.id))
    src = data.by_id("sources").get(article.source_id)
    meta = None
    if src is not None:
        ps, pe = src.get("published_start"), src.get("published_end")
        meta = {
            "sha256": src.get("sha256"),
            "when": str(ps) if ps == pe else f"{ps} – {pe}",
            "precision": src.get("published_precision"),
            "basis": src.get("published_basis"),
            "notes": src.get("notes"),
        }
    listing = [
        {
            "href": prov_href(r, prefix),
            "id": r.id,
            "table": r.table,
            "line": r.get("line"),
            "quote": r.get("quote"),
        }
        for r in rows
    ]
    return page(
        data,
        "article.html",
        article.source_id,
        prefix=prefix,
        article=article,
        src=meta,
        rows=listing,
        lines=seed_lines(article, marks, cited_by),
    )


def _articles(data: SiteData, href: Callable[[str], str]) -> list[dict]:
    """The seed articles as the overview and the articles page list them."""
    return [
        {
            "href": href(a.source_id),
            "source_id": a.source_id,
            "title": a.title,
            "seed_file": a.seed_file,
            "lines": len(a.lines),
            "cites": len(data.citing_rows(a.source_id)),
        }
        for a in data.articles.values()
    ]


def articles_index(data: SiteData) -> str:
    return page(
        data,
        "articles.html",
        "Articles",
        prefix="../",
        current="articles/index.html",
        articles=_articles(data, lambda sid: f"{page_name(sid)}.html"),
    )
