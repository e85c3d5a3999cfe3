"""The HTML pages, as plain f-strings over :class:`SiteData`, every value through html.escape.

Pages are plain HTML that shows all the data without JavaScript; app.js only adds sorting
and filtering on top. Every link is relative (no host, no CDN), so the site works from a
file:// folder or any static server, and nothing on a page depends on the build time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .. import codebook
from ..discovery import script_tag
from . import charts
from .charts import Bar
from .data import Article, Row, SiteData

TABLE_PAGES = ("figures", "events", "actors", "sources", "exclusions")
"""Tables with a page of their own, in menu order (those the package has)."""


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


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


def mark_spans(line: str, spans: list[tuple[int, int]]) -> str:
    """``line`` escaped, with each (start, end) code-point span wrapped in <mark>.

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
        out.append(e(line[at:s]))
        out.append(f"<mark>{e(line[s:t])}</mark>")
        at = t
    out.append(e(line[at:]))
    return "".join(out)


EVIDENCE_LINES = 3
"""Lines shown before and after the cited line on an evidence page (the article page has
the whole article, once)."""
EVIDENCE_CHARS = 500
"""Characters shown on an evidence page before and after the marked quote (and of any other
line), so that a page costs its row plus a few kilobytes, however long the seed's lines."""


def clipped_line(line: str, spans: list[tuple[int, int]], context: int = EVIDENCE_CHARS) -> str:
    """:func:`mark_spans` of ``line`` cut to ``context`` characters around its marks (or to
    its first 2 × ``context`` characters when nothing is marked), with "…" where it is cut."""
    if spans:
        low = max(0, min(s for s, _ in spans) - context)
        high = min(len(line), max(t for _, t in spans) + context)
    else:
        low, high = 0, min(len(line), 2 * context)
    body = mark_spans(line[low:high], [(s - low, t - low) for s, t in spans])
    return ("…" if low else "") + body + ("…" if high < len(line) else "")


def quote_span(line: str, quote: str | None) -> tuple[int, int] | None:
    """Code-point offsets of the quote in its line (the first place it stands)."""
    if not quote:
        return None
    at = line.find(quote)
    return None if at < 0 else (at, at + len(quote))


# --- layout ---------------------------------------------------------------------------


def layout(
    data: SiteData, title: str, body: str, prefix: str = "", current: str = "", head: str = ""
) -> str:
    pkg = data.package
    menu = [("index.html", "Overview"), ("timeline.html", "Timeline")]
    if has_happenings(data):
        menu.append(("happenings.html", "Happenings"))
    menu += [(f"{t}.html", t.capitalize()) for t in TABLE_PAGES if t in pkg.resources]
    menu.append(("articles/index.html", "Articles"))
    menu.append(("codebook.html", "Codebook"))
    here = ' aria-current="page"'
    nav = "".join(
        f'<a href="{prefix}{href}"{here if href == current else ""}>{e(label)}</a>'
        for href, label in menu
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} · {e(pkg.descriptor.get('title', pkg.name))}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f"{head}"
        f'<link rel="stylesheet" href="{prefix}style.css">\n'
        f'<script src="{prefix}app.js" defer></script>\n'
        "</head>\n<body>\n"
        f'<header><a class="brand" href="{prefix}index.html">{e(pkg.name)} '
        f"<small>v{e(pkg.version)}</small></a><nav>{nav}</nav></header>\n"
        f"<main>\n{body}\n</main>\n"
        "<footer>Data: CC-BY-4.0. Seed articles: third-party news texts, kept only so every "
        "row can be checked against its source. Generated from the data package; do not "
        "edit by hand.</footer>\n"
        "</body>\n</html>\n"
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


def cell(data: SiteData, row: Row, name: str, prefix: str) -> str:
    """One value as HTML: keys and references become links (actors by name, with their id),
    numbers get thousands separators, dates do not break, enum codes get their meaning."""
    res = data.resource(row.table)
    f = res.field(name)
    value = row.get(name)
    if value is None:
        return ""
    text = e(value)
    if name in res.primary_key:
        href = prov_href(row, prefix) if row.cites else f"#{row.id}"
        return f'<a href="{e(href)}">{text}</a>'
    if name == "source_id" and value in data.articles:
        return f'<a href="{e(article_href(value, prefix))}">{text}</a>'
    if name == "line" and row.cites:
        return (
            f'<a href="{e(prov_href(row, prefix))}" title="Show the line in the article">{text}</a>'
        )
    ref = named_reference(data, row.table, name)
    if ref is not None:
        target, rows = ref
        other = rows.get(value)
        label = e(other.get("name")) if other is not None else text
        link = f"{prefix}{e(target)}.html#{text}" if target in TABLE_PAGES else f"#{text}"
        return f'<a href="{link}">{label}</a> <small class="id">{text}</small>'
    for fk in res.foreign_keys:
        if fk.fields == [name] and fk.resource in TABLE_PAGES:
            return f'<a href="{prefix}{e(fk.resource)}.html#{text}">{text}</a>'
    meanings = data.package.code_meanings(res, name)
    if meanings and str(value) in meanings:
        code = text.replace("_", "_<wbr>")  # long codes break at their underscores
        return f'<span class="code" title="{e(meanings[str(value)])}">{code}</span>'
    if f.type in ("integer", "number"):
        return f'<span class="n">{e(number(value))}</span>'
    if f.type == "date":
        return f'<span class="date">{text}</span>'
    return text


def sort_value(row: Row, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


FRONT = {
    "figures": ("measure", "value", "claimed_by", "subject", "period", "quote"),
    "events": ("event_type", "date", "summary", "actor_id", "quote"),
}
"""The columns a table page shows first, by field or interval name; a name its schema lacks
is skipped, and every other field of the schema is folded into the row's "more" cell.
Tables not listed show every column."""


@dataclass(frozen=True)
class Column:
    """A column of a table page: one field, or several read together (an interval, a value
    with its bounds), with how to show and sort it."""

    label: str
    fields: tuple[str, ...]
    kind: str
    render: Callable[[SiteData, Row, str], str]
    sort: Callable[[Row], str]
    description: str


def _interval(res, stem: str) -> Column | None:
    start, end = f"{stem}_start", f"{stem}_end"
    if not res.has(start, end):
        return None
    precision = f"{stem}_precision" if res.has(f"{stem}_precision") else None

    def render(data: SiteData, row: Row, prefix: str) -> str:
        s, t = row.get(start), row.get(end)
        if s is None:
            return ""
        when = f'<span class="date">{e(s)}</span>'
        if t != s:
            when += f' – <span class="date">{e(t)}</span>'
        if precision and row.get(precision):
            when += f" <small>({cell(data, row, precision, prefix)})</small>"
        return when

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

    def render(data: SiteData, row: Row, prefix: str) -> str:
        words = e(charts.value_words(row))
        return f"{words} <small>{e(row.get(unit))}</small>" if unit else words

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


def more_cell(data: SiteData, row: Row, fields: list[str], prefix: str) -> str:
    res = data.resource(row.table)
    items = "".join(
        f'<dt title="{e(res.field(n).description)}">{e(n)}</dt>'
        f"<dd>{cell(data, row, n, prefix)}</dd>"
        for n in fields
        if row.get(n) is not None
    )
    return f'<td class="more"><details><summary>more</summary><dl>{items}</dl></details></td>'


LONG = ' class="long"'


def data_table(data: SiteData, table: str, rows: list[Row], prefix: str = "") -> str:
    """A table of rows, sortable and filterable by app.js, showing every field of the Table
    Schema: the FRONT columns in the open, the others folded under "more" in each row.

    Sort keys sit in data-sort (ISO dates and plain numbers sort as text or numbers), and
    each header says its column's type and the fields it shows (data-fields), so the
    script needs no knowledge of the schema. Below 720 px each row becomes a card.
    """
    res = data.resource(table)
    columns, folded = table_columns(res)
    head = "".join(
        f'<th scope="col" data-type="{e(c.kind)}" data-fields="{e(" ".join(c.fields))}" '
        f'title="{e(c.description)}">{e(c.label)}</th>'
        for c in columns
    )
    if folded:
        head += (
            f'<th scope="col" class="more" data-fields="{e(" ".join(folded))}" '
            f'title="Other columns: {e(", ".join(folded))}">more</th>'
        )
    # Long prose columns (quotes, summaries) get a minimum width, so they wrap into a few
    # wide lines rather than one tall, narrow column.
    long = {
        c.label
        for c in columns
        if len(c.fields) == 1 and res.field(c.fields[0]).constraints.get("maxLength", 0) >= 500
    }
    body = []
    for row in rows:
        cells = "".join(
            f'<td{LONG if c.label in long else ""} data-label="{e(c.label)}" '
            f'data-sort="{e(c.sort(row))}">{c.render(data, row, prefix)}</td>'
            for c in columns
        )
        if folded:
            cells += more_cell(data, row, folded, prefix)
        body.append(f'<tr id="{e(row.id)}">{cells}</tr>')
    return (
        f'<div class="table-wrap"><table class="data" data-table="{e(table)}">'
        f"<caption>{e(res.title)}: {len(rows)} rows</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table></div>"
    )


def table_page(data: SiteData, table: str) -> str:
    res = data.resource(table)
    rows = data.rows[table]
    body = (
        f"<h1>{e(res.title)}</h1>\n<p>{e(res.description)}</p>\n"
        '<p class="hint">Every identifier links to the row’s evidence: the seed article with '
        "the cited line highlighted. Hover a column name for its meaning; "
        f'<a href="codebook.html#{e(codebook.anchor(res))}">the codebook</a> describes every '
        "column and code.</p>\n" + data_table(data, table, rows)
    )
    return layout(data, res.title, body, current=f"{table}.html")


def codebook_page(data: SiteData) -> str:
    """The codebook (docs/codebook.md, rendered from the schemas) as a page of the site."""
    from markdown_it import MarkdownIt

    text = codebook.render(data.package)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("<!--"))
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            token.attrSet("id", codebook.slug(tokens[i + 1].content))
        if token.type == "inline" and token.children:
            token.children = own_links_only(token.children)
    body = f'<div class="codebook">{md.renderer.render(tokens, md.options, {})}</div>'
    return layout(data, "Codebook", body, current="codebook.html")


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
        "One bar per row: a claim that several articles report is drawn once for each.",
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


def chart_section(data: SiteData, spec: ChartSpec) -> str:
    figures = data.rows.get("figures", [])
    rows = [r for r in figures if r.get("measure") in spec.measures]
    rows.sort(key=lambda r: (str(r.get("period_start") or "9999"), r.get("measure"), r.id))
    if not rows:
        return ""
    bars = [
        Bar(r, spec.label(r), f"{r.id} · {r.get('source_id')} · {_claimant(data, r)}") for r in rows
    ]
    svg = charts.bar_chart(spec.title, bars, spec.unit, prov_href, f"chart-{spec.id}")
    used = ", ".join(
        f'<a href="{e(prov_href(r))}">{e(r.id)}</a> ({e(charts.value_words(r))}, {e(_period(r))})'
        for r in rows
    )
    note = f"<p>{e(spec.note)}</p>" if spec.note else ""
    by_claim: dict[str, list[Row]] = {}
    for r in rows:
        by_claim.setdefault(str(r.get("claim_key")), []).append(r)
    shared = [
        f"<code>{e(key)}</code> ("
        + ", ".join(f'<a href="{e(prov_href(r))}">{e(r.id)}</a>' for r in rs)
        + ")"
        for key, rs in sorted(by_claim.items())
        if len({r.get("source_id") for r in rs}) > 1
    ]
    if shared:
        note += f"<p>The same claim in more than one article: {'; '.join(shared)}.</p>"
    return (
        f'<figure class="chart-box" id="{e(spec.id)}"><figcaption><h3>{e(spec.title)}</h3>'
        f"{note}</figcaption>\n{svg}\n"
        f'<p class="drawn-from">Drawn from figures: {used}.</p></figure>'
    )


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def overview_page(data: SiteData) -> str:
    pkg = data.package
    d = pkg.descriptor
    counts = "".join(
        f'<tr><th scope="row"><a href="{e(name)}.html">{e(res.title)}</a></th>'
        f'<td class="num">{len(data.rows[name])}</td><td>{e(res.description)}</td></tr>'
        if name in TABLE_PAGES
        else f'<tr><th scope="row">{e(res.title)}</th><td class="num">{len(data.rows[name])}'
        f"</td><td>{e(res.description)}</td></tr>"
        for name, res in pkg.resources.items()
    )
    articles = "".join(
        f'<li><a href="{e(article_href(a.source_id))}">{e(a.source_id)}</a>: {e(a.title)} '
        f"<small>({e(a.seed_file)}, {len(data.citing_rows(a.source_id))} rows cite it)</small>"
        "</li>"
        for a in data.articles.values()
    )
    if data.downloads:
        downloads = (
            '<table class="downloads"><thead><tr><th scope="col">File</th><th scope="col">Size'
            '</th><th scope="col">SHA-256</th></tr></thead><tbody>'
            + "".join(
                f'<tr><td><a href="../{e(dl.rel)}" download>{e(dl.rel)}</a><br>'
                f'<small>{e(dl.label)}</small></td><td class="num">{e(_size(dl.size))}</td>'
                f"<td><code>{e(dl.sha256)}</code></td></tr>"
                for dl in data.downloads
            )
            + "</tbody></table><p>The same hashes, and those of every file of this site, are "
            'listed in <a href="../SHA256SUMS">SHA256SUMS</a> (check with '
            "<code>sha256sum -c SHA256SUMS</code> in the download folder).</p>"
        )
    else:
        downloads = "<p>This copy of the site was built without the data files beside it.</p>"
    licences = "".join(
        f"<li>{e(x.get('title') or x.get('name'))} (<code>{e(x.get('name'))}</code>)"
        f"{' — ' + '<code>' + e(x.get('path')) + '</code>' if x.get('path') else ''}</li>"
        for x in d.get("licenses", [])
        if isinstance(x, dict)
    )
    charts_html = "\n".join(chart_section(data, spec) for spec in CHARTS)
    body = f"""<h1>{e(d.get("title", pkg.name))}</h1>
<p class="lede">{e(d.get("description", ""))}</p>
<p>Package <code>{e(pkg.name)}</code>, version {e(pkg.version)}.
See also the <a href="timeline.html">timeline of events</a>.</p>
<section id="tables"><h2>Tables</h2>
<table class="counts"><thead><tr><th scope="col">Table</th><th scope="col">Rows</th>
<th scope="col">What a row is</th></tr></thead><tbody>{counts}</tbody></table></section>
<section id="charts"><h2>Charts</h2>
<p>Each bar links to the row it was drawn from and shows its quote on hover.</p>
{charts.LEGEND}
{charts_html}
</section>
<section id="articles"><h2>Seed articles</h2><ul>{articles}</ul></section>
<section id="downloads"><h2>Downloads</h2>{downloads}</section>
<section id="licence"><h2>Licence</h2>
<ul>{licences}</ul>
<p>The data (tables, schemas, this site) is released under CC-BY-4.0: reuse it with
attribution. The seed articles are third-party news texts, not covered by that licence;
they are kept only so that every row can be verified against the words it cites.</p></section>
<section id="cite"><h2>How to cite</h2><pre class="cite">{e(data.citation)}</pre></section>"""
    head = script_tag(data.jsonld) + "\n" if data.jsonld else ""
    return layout(data, "Overview", body, current="index.html", head=head)


# --- timeline -------------------------------------------------------------------------


def _when(row: Row) -> str:
    s, t = row.get("date_start"), row.get("date_end")
    return str(s) if s == t else f"{s} – {t}"


def timeline_page(data: SiteData) -> str:
    """Events drawn per year (one section for each year an event starts in), then listed."""
    events = sorted(
        data.rows.get("events", []),
        key=lambda r: (r.get("date_start"), r.get("date_end"), r.id),
    )
    by_year: dict[int, list[Row]] = {}
    for r in events:
        by_year.setdefault(r.get("date_start").year, []).append(r)
    jump = " · ".join(f'<a href="#y{y}">{y}</a> ({len(rs)})' for y, rs in by_year.items())
    sections = "\n".join(
        f'<section class="year" id="y{y}"><h2>{y}: {len(rs)} event(s)</h2>\n'
        f'<div class="scroll">{charts.timeline(rs, prov_href, f"timeline-{y}")}</div></section>'
        for y, rs in by_year.items()
    )
    items = "".join(
        f'<li><a href="{e(prov_href(r))}">{e(r.id)}</a> <span class="when">{e(_when(r))}</span> '
        f'<span class="code" title="How precisely the text fixes the date">'
        f"{e(r.get('date_precision'))}, {e(r.get('date_basis'))}</span> — {e(r.get('summary'))}"
        "</li>"
        for r in events
    )
    body = (
        "<h1>Timeline of events</h1>\n"
        "<p>Each event is drawn over the interval its date may lie in: a day as a dot, a "
        "week, month, season or year as a bar from <code>date_start</code> to the end of "
        "<code>date_end</code>. A wide bar does not mean the event lasted that long; it means "
        "the articles fix its date only that precisely. Dashed outlines are dates the curator "
        "inferred rather than read. Events are grouped by the year they may start in; every "
        "section has the same scale. Hover a row for its id and full summary, click it for "
        "its evidence.</p>\n"
        f"{charts.TIMELINE_LEGEND}\n<p>Years: {jump}</p>\n{sections}\n"
        f'<h2>In date order</h2><ol class="events">{items}</ol>'
    )
    return layout(data, "Timeline", body, current="timeline.html")


# --- happenings -----------------------------------------------------------------------


def has_happenings(data: SiteData) -> bool:
    return "events" in data.rows and data.resource("events").has("event_key")


def happenings(data: SiteData) -> dict[str, list[Row]]:
    """Events grouped by event_key (as the DuckDB view ``happenings`` does), reports by id."""
    out: dict[str, list[Row]] = {}
    for r in data.rows.get("events", []):
        out.setdefault(str(r.get("event_key")), []).append(r)
    return out


def happenings_page(data: SiteData) -> str:
    """One row per happening: the articles and reports that give it, and its date read
    widest (any report's interval) and narrowest (where all reports' intervals overlap)."""
    groups = sorted(
        happenings(data).items(),
        key=lambda kv: (min(r.get("date_start") for r in kv[1]), kv[0]),
    )
    rows = []
    for key, rs in groups:
        widest = (min(r.get("date_start") for r in rs), max(r.get("date_end") for r in rs))
        narrow = (max(r.get("date_start") for r in rs), min(r.get("date_end") for r in rs))
        articles = sorted({r.get("source_id") for r in rs})
        reports = " ".join(
            f'<a href="{e(prov_href(r))}" title="{e(r.get("summary"))}">{e(r.id)}</a>' for r in rs
        )
        when = "–".join(dict.fromkeys(str(d) for d in widest))
        overlap = (
            "–".join(dict.fromkeys(str(d) for d in narrow))
            if narrow[0] <= narrow[1]
            else "the reports disagree"
        )
        rows.append(
            f'<tr id="{e(key)}"><td><code>{e(key)}</code></td>'
            f'<td class="n">{len(articles)}</td><td>{reports}</td>'
            f'<td><span class="date">{e(when)}</span></td>'
            f'<td><span class="date">{e(overlap)}</span></td>'
            f'<td class="long">{e(rs[0].get("summary"))}</td></tr>'
        )
    body = (
        "<h1>Happenings</h1>\n"
        f"<p>{len(groups)} happenings reported by {len(data.rows['events'])} events rows: rows of "
        "different articles that report the same happening share an <code>event_key</code>, "
        "so a happening is counted once here. Its date is shown widest (any report's earliest "
        "start to any report's latest end) and narrowest (where all reports' intervals "
        "overlap). The DuckDB file has the same as the view <code>happenings</code>.</p>\n"
        '<div class="table-wrap"><table class="data"><thead><tr>'
        '<th scope="col">event_key</th><th scope="col">articles</th>'
        '<th scope="col">reports</th><th scope="col">widest</th>'
        '<th scope="col">narrowest</th><th scope="col">summary</th></tr></thead><tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table></div>"
    )
    return layout(data, "Happenings", body, current="happenings.html")


# --- provenance -----------------------------------------------------------------------


def seed_lines_html(
    article: Article,
    marks: dict[int, list[tuple[int, int]]],
    notes: dict[int, str],
    around: int | None = None,
) -> str:
    """The article, one <li id="L{n}"> per line; lines in ``marks`` are highlighted. With
    ``around`` (an evidence page's cited line), only the EVIDENCE_LINES lines on either
    side of it, each clipped to EVIDENCE_CHARS around its marks."""
    out = []
    first, last = 1, len(article.lines)
    if around is not None:
        first, last = max(1, around - EVIDENCE_LINES), min(last, around + EVIDENCE_LINES)
    for n in range(first, last + 1):
        line = article.lines[n - 1]
        cls = ' class="cited"' if n in marks else ""
        if around is not None:
            text = clipped_line(line, marks.get(n, []))
        else:
            text = mark_spans(line, marks[n]) if n in marks else e(line)
        note = notes.get(n, "")
        out.append(f'<li id="L{n}" value="{n}"{cls}><span class="text">{text}</span>{note}</li>')
    return '<ol class="seed">\n' + "\n".join(out) + "\n</ol>"


def row_details(data: SiteData, row: Row, prefix: str) -> str:
    res = data.resource(row.table)
    items = "".join(
        f'<tr><th scope="row" title="{e(f.description)}">{e(f.name)}</th>'
        f"<td>{cell(data, row, f.name, prefix)}</td></tr>"
        for f in res.fields
        if row.get(f.name) is not None
    )
    return f'<table class="details">{items}</table>'


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
    excerpt = clipped_line(line, marks[line_no])
    warn = (
        ""
        if span
        else '<p class="warn">The quote does not stand on this line of the seed as stored.</p>'
    )
    res = data.resource(row.table)
    title = f"{row.id} ({res.title})"
    back = f"{prefix}{row.table}.html#{row.id}" if row.table in TABLE_PAGES else prefix
    art_title = e(article.title) if article else ""
    body = (
        f'<h1>Evidence for <a href="{e(back)}">{e(row.id)}</a></h1>\n'
        f"<p>A row of <em>{e(res.title)}</em>, citing line {e(line_no)} of "
        f'<a href="{e(article_href(source_id, prefix))}">{e(source_id)}</a>: {art_title}</p>\n'
        f'<blockquote class="excerpt" cite="#L{e(line_no)}"><p>{excerpt}</p>'
        f"<footer>Line {e(line_no)} of {e(article.seed_file if article else source_id)} — "
        f'<a href="#L{e(line_no)}">in context</a></footer></blockquote>\n{warn}'
        f"<h2>The row</h2>\n{row_details(data, row, prefix)}\n"
        f"<h2>In the article</h2>\n"
        + (
            f"<p>Lines {max(1, line_no - EVIDENCE_LINES)}–"
            f"{min(len(lines), line_no + EVIDENCE_LINES)} of {len(lines)}; "
            f'<a href="{e(article_href(source_id, prefix))}#L{e(line_no)}">the whole '
            "article</a>.</p>\n" + seed_lines_html(article, marks, {}, around=line_no)
            if article
            else "<p>The seed is missing.</p>"
        )
    )
    return layout(data, title, body, prefix=prefix)


def article_page(data: SiteData, article: Article) -> str:
    """A seed article with every cited line highlighted and every citing row listed."""
    prefix = "../"
    rows = sorted(data.citing_rows(article.source_id), key=lambda r: (r.get("line"), r.table, r.id))
    marks: dict[int, list[tuple[int, int]]] = {}
    cited_by: dict[int, list[Row]] = {}
    for r in rows:
        n = r.get("line")
        if 0 < n <= len(article.lines):
            span = quote_span(article.lines[n - 1], r.get("quote"))
            marks.setdefault(n, [])
            if span:
                marks[n].append(span)
            cited_by.setdefault(n, []).append(r)
    notes = {
        n: '<span class="cited-by">'
        + " ".join(f'<a href="{e(prov_href(r, prefix))}">{e(r.id)}</a>' for r in rs)
        + "</span>"
        for n, rs in cited_by.items()
    }
    listing = "".join(
        f'<tr><td><a href="{e(prov_href(r, prefix))}">{e(r.id)}</a></td><td>{e(r.table)}</td>'
        f'<td class="num"><a href="#L{e(r.get("line"))}">{e(r.get("line"))}</a></td>'
        f"<td>{e(r.get('quote'))}</td></tr>"
        for r in rows
    )
    src = data.by_id("sources").get(article.source_id)
    meta = ""
    if src is not None:
        ps, pe = src.get("published_start"), src.get("published_end")
        when = str(ps) if ps == pe else f"{ps} – {pe}"
        meta = (
            f"<p>Seed file <code>{e(article.seed_file)}</code>, SHA-256 "
            f"<code>{e(src.get('sha256'))}</code>. Published {e(when)} "
            f"({e(src.get('published_precision'))}, {e(src.get('published_basis'))}).</p>"
            + (f"<p>{e(src.get('notes'))}</p>" if src.get("notes") else "")
        )
    body = (
        f"<h1>{e(article.source_id)}: {e(article.title)}</h1>\n{meta}\n"
        '<p class="hint">A third-party news text, kept only so every row can be checked. '
        "Highlighted lines are cited; the marked words are the quotes.</p>\n"
        f"<h2>Rows citing this article ({len(rows)})</h2>\n"
        '<div class="table-wrap"><table class="data cites"><thead><tr><th scope="col">Row</th>'
        '<th scope="col">Table</th><th scope="col" data-type="integer">Line</th>'
        f'<th scope="col">Quote</th></tr></thead><tbody>{listing}</tbody></table></div>\n'
        f"<h2>The article</h2>\n{seed_lines_html(article, marks, notes)}"
    )
    return layout(data, article.source_id, body, prefix=prefix)


def articles_index(data: SiteData) -> str:
    prefix = "../"
    items = "".join(
        f'<li><a href="{e(page_name(a.source_id))}.html">{e(a.source_id)}</a>: {e(a.title)} '
        f"<small>({len(a.lines)} lines, {len(data.citing_rows(a.source_id))} rows cite it)"
        "</small></li>"
        for a in data.articles.values()
    )
    body = f"<h1>Seed articles</h1><ul>{items}</ul>"
    return layout(data, "Articles", body, prefix=prefix, current="articles/index.html")
