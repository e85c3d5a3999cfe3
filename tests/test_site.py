"""The static site: every figure shown, every row's evidence one click away, nothing fetched.

Two kinds of test. The first kind reads the generated files (fast, no browser). The second
opens the site in headless Debian Chromium (installed by `make browser`, never by a test)
through Playwright, served from 127.0.0.1,
and checks what a reader gets: every page loads without console errors, no request
leaves the machine, provenance pages show the quote highlighted, the tables sort and
filter, and it saves screenshots of the overview and of one provenance page.

The site is built into a temporary folder through ``export(..., extra=[export_step])``,
as ``recruitment build`` will do. Set RECRUITMENT_SITE=dist/site to run the browser tests
against an existing build instead (the screenshots then land in dist/site/screenshots/);
with RECRUITMENT_SITE set, a missing browser fails the browser tests instead of skipping them.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import threading
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

from conftest import bump_version, find_row, git, make_repo, set_cells
from conftest import rows as csv_rows
from recruitment.checks.validate import validate
from recruitment.publish.export import export
from recruitment.publish.site import build_site, export_step
from recruitment.publish.site.data import Row
from recruitment.publish.site.pages import prov_href

# Debian's chromium, which `make browser` installs; RECRUITMENT_CHROMIUM names another build.
CHROMIUM = Path(os.environ.get("RECRUITMENT_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEXT_SUFFIXES = (".html", ".css", ".js")


# --- building -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validation(committed):
    v = validate(committed)
    assert v.valid, v.findings
    return v


@pytest.fixture(scope="module")
def dist(committed, tmp_path_factory) -> Path:
    """A full publication (CSV, Parquet, DuckDB, checksums and site/) in a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "dist"
    assert export(committed, out, extra=[export_step]).valid
    return out


@pytest.fixture(scope="module")
def site(dist) -> Path:
    return dist / "site"


@pytest.fixture(scope="module")
def a_figure(committed) -> str:
    """The first figure id that no other figures row mentions (so filtering the table by it
    leaves its row alone): derived from the data, for the tests that follow one figure."""
    figures = csv_rows(committed, "figures")
    return next(
        r["figure_id"]
        for r in figures
        if not any(r["figure_id"] in "\t".join(o.values()) for o in figures if o is not r)
    )


def rows_of(v, table: str, *cols: str) -> list[tuple]:
    names = ", ".join(cols)
    return v.con.execute(f"SELECT {names} FROM {table} ORDER BY 1").fetchall()


def citing_rows(v) -> list[tuple[str, str, str, int, str]]:
    """(table, id, source_id, line, quote) of every row of every table that cites a seed."""
    out = []
    for res in v.package.resources.values():
        if res.has("source_id", "line", "quote"):
            key = res.primary_key[0]
            for rid, sid, line, quote in rows_of(v, res.name, key, "source_id", "line", "quote"):
                out.append((res.name, rid, sid, line, quote))
    return out


class Links(HTMLParser):
    """Every href/src of a page, and every id it defines (for #fragment checks)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "action") and value is not None:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


@functools.cache
def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- the files ------------------------------------------------------------------------


def test_every_figure_id_appears_on_the_figures_page_with_its_evidence(site, validation):
    text = (site / "figures.html").read_text(encoding="utf-8")
    ids = [r[0] for r in rows_of(validation, "figures", "figure_id")]
    assert ids
    for fid in ids:
        assert f'<tr id="{fid}">' in text, fid
        assert f'href="prov/figures-{fid}.html"' in text, fid


def test_tables_show_every_row_and_every_schema_column(site, validation):
    for table in ("figures", "events", "actors", "sources", "exclusions"):
        res = validation.package.resources[table]
        text = (site / f"{table}.html").read_text(encoding="utf-8")
        key = res.primary_key[0]
        for (rid,) in rows_of(validation, table, key):
            assert f'<tr id="{html.escape(rid)}">' in text, (table, rid)
        # Each column says which fields it shows; the last ("more") folds the rest.
        shown = " ".join(re.findall(r'<th scope="col"[^>]* data-fields="([a-z_0-9 ]+)"', text))
        assert sorted(shown.split()) == sorted(res.field_names), table
        assert re.search(r'<th scope="col"[^>]*>' + res.primary_key[0] + "</th>", text)


def test_every_provenance_page_marks_its_quote_on_the_cited_line(site, validation):
    cited = citing_rows(validation)
    assert cited
    for table, rid, sid, line, quote in cited:
        page = site / prov_href_for(table, rid)
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        marked = f"<mark>{html.escape(quote)}</mark>"
        assert marked in text, (rid, quote)
        cited = re.search(rf'<li id="L{line}" value="{line}" class="cited">(.*?)</li>', text)
        assert cited and marked in cited.group(1), f"{rid}: line {line} is not highlighted"
        assert f'href="../articles/{sid}.html"' in text


def prov_href_for(table: str, rid: str) -> str:
    return prov_href(Row(table, rid, {}))


def test_every_link_resolves_and_provenance_links_show_their_quote(site, validation):
    quotes = {prov_href_for(t, rid): q for t, rid, _, _, q in citing_rows(validation)}
    prov_links = 0
    for page in pages_of(site):
        for url in parse(page).urls:
            if url.startswith("data:"):
                continue
            if url.startswith("#"):
                assert url[1:] in parse(page).ids, f"{page.relative_to(site)}: {url}"
                continue
            path, frag = urldefrag(url)
            target = (page.parent / unquote(path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {url}"
            if target.suffix == ".html" and frag:
                assert frag in parse(target).ids, f"{page.relative_to(site)}: {url}"
            rel = (
                target.relative_to(site.resolve()).as_posix()
                if target.is_relative_to(site.resolve())
                else ""
            )
            if rel.startswith("prov/"):
                prov_links += 1
                marked = f"<mark>{html.escape(quotes[rel])}</mark>"
                assert marked in target.read_text(encoding="utf-8"), url
    assert prov_links > len(quotes)  # tables, articles and charts all link to evidence


def test_article_pages_list_every_row_that_cites_them(site, validation):
    for table, rid, sid, line, _ in citing_rows(validation):
        text = (site / "articles" / f"{sid}.html").read_text(encoding="utf-8")
        assert f'href="../{prov_href_for(table, rid)}"' in text, (sid, rid)
        assert f'<li id="L{line}" value="{line}" class="cited">' in text


def test_no_page_or_asset_refers_to_another_host(site):
    files = [p for p in sorted(site.rglob("*")) if p.suffix in TEXT_SUFFIXES]
    assert {p.name for p in files} >= {"index.html", "style.css", "app.js"}
    remote = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), f"{path.relative_to(site)}: {remote.search(text)[0]}"
        if path.suffix == ".html":
            for url in parse(path).urls:
                scheme = urlparse(url).scheme
                assert scheme in ("", "data"), f"{path.relative_to(site)}: {url}"
        else:
            assert "@import" not in text and not re.search(r"url\((?!\s*['\"]?data:)", text)
            assert not re.search(r"https?://|fetch\(|XMLHttpRequest|WebSocket", text), path


def test_downloads_carry_the_sha256_of_the_published_files(site, dist):
    from recruitment.publish.export import sha256_of

    text = (site / "index.html").read_text(encoding="utf-8")
    for rel in ("csv/figures.csv", "parquet/figures.parquet", "recruitment.duckdb"):
        assert f'href="../{rel}"' in text
        assert sha256_of(dist / rel) in text
    sums = (dist / "SHA256SUMS").read_text(encoding="utf-8")
    assert "  site/index.html\n" in sums


def test_charts_draw_bounds_as_bounds(site, validation):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert text.count('<svg class="chart"') == 4
    quotas = rows_of(validation, "figures WHERE measure = 'conscription_quota'", "figure_id")
    box = re.search(r'<figure class="chart-box" id="quotas">(.*?)</figure>', text, re.S).group(1)
    for (fid,) in quotas:
        assert f">{fid}</a>" in box  # named in the chart's "drawn from" list
    for year in ("2022", "2023", "2024", "2025"):
        assert f">{year}</text>" in box
    found = re.findall(
        r'<g class="claim" data-reports="([^"]+)">.*?'
        r'<a href="prov/figures-(fig-\d+)\.html" class="mark ([a-z_-]+)">(.*?)</a>',
        text,
        re.S,
    )
    drawn = {fid: reports.split() for reports, fid, _, _ in found}
    marks = {fid: cls for _, fid, cls, _ in found}
    bodies = {fid: body for _, fid, _, body in found}
    # A claim is drawn once, from its first report, with every report listed.
    figures = validation.con.execute(
        "SELECT figure_id, qualifier, value_text, claim_key FROM figures "
        "WHERE measure IN ('casualties', 'fatalities', 'recruitment_target') ORDER BY 1"
    ).fetchall()
    claims = {}
    for fid, _, _, key in figures:
        claims.setdefault(key or fid, []).append(fid)
    for ids in claims.values():
        groups = [fid for fid, reports in drawn.items() if set(ids) <= set(reports)]
        assert len(groups) == 1 and sorted(drawn[groups[0]]) == ids, ids
    for fid, qualifier, words, _ in figures:
        if fid not in bodies:
            continue
        body = bodies[fid]
        assert marks[fid] == f"q-{qualifier}"
        if qualifier in ("up_to", "as_many_as"):
            assert 'class="band"' in body and 'class="whisker"' in body
            assert 'class="bar' not in body  # never a plain bar for a bound
            assert f"{qualifier.replace('_', ' ')} {words}" in body
        elif qualifier == "more_than":
            assert 'class="arrow"' in body and 'class="bar' not in body
            assert f"more than {words}" in body
        else:
            assert 'class="bar"' in body


def test_timeline_draws_a_month_as_a_span_and_a_day_as_a_dot(site, validation):
    text = (site / "timeline.html").read_text(encoding="utf-8")

    def mark(eid: str) -> str:
        found = re.search(rf'<a href="prov/events-{eid}\.html" class="event (.*?)</a>', text)
        return found.group(1)

    widths = {}
    for eid, precision, start, end in validation.con.execute(
        "SELECT event_id, date_precision, date_start, date_end FROM events ORDER BY 1"
    ).fetchall():
        body = mark(eid)
        assert body.startswith(f"p-{precision} ")
        if precision == "day":
            assert "<circle" in body and "<rect" not in body
        else:
            assert "<circle" not in body
            widths[eid] = (float(re.search(r'width="([\d.]+)"', body).group(1)), end - start)
    month = next(e for e, (_, span) in widths.items() if 27 <= span.days <= 31)
    year = next(e for e, (_, span) in widths.items() if span.days >= 364)
    ratio = widths[year][0] / widths[month][0]
    expect = (widths[year][1].days + 1) / (widths[month][1].days + 1)
    assert ratio == pytest.approx(expect, rel=0.05)


def test_timeline_tooltip_says_how_well_each_date_is_known(site, validation):
    text = (site / "timeline.html").read_text(encoding="utf-8")
    for eid, precision in validation.con.execute(
        "SELECT event_id, date_precision::VARCHAR FROM events"
    ).fetchall():
        body = re.search(rf'<a href="prov/events-{eid}\.html" class="event (.*?)</a>', text).group(
            1
        )
        title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
        if precision == "multi_year":
            assert "known only to a span of more than a year" in title
        else:
            assert f"known to the {precision} (" in title


def test_output_is_deterministic(validation, tmp_path):
    build_site(validation, tmp_path / "a" / "site")
    build_site(validation, tmp_path / "b" / "site")
    a, b = (
        {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (tmp_path / "a", tmp_path / "b")
    )
    assert a.keys() == b.keys() and a == b
    index = (tmp_path / "a" / "site" / "index.html").read_text(encoding="utf-8")
    assert "built without the data files" in index  # nothing to hash beside a bare site


def test_text_is_escaped(pkg, tmp_path):
    at, _ = find_row(pkg, "events", event_id="evt-0004")
    set_cells(pkg, "events", at, summary='Tom & Jerry <b>bold</b> "q" <script>alert(1)</script>')
    at, _ = find_row(pkg, "actors", actor_id="act-putin")
    set_cells(pkg, "actors", at, name="Vladimir <i>Putin</i> & co")
    v = validate(pkg)
    assert v.valid, v.findings
    build_site(v, tmp_path / "site")
    for page in pages_of(tmp_path / "site"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<b>bold" not in text and "<i>Putin" not in text
    events = (tmp_path / "site" / "events.html").read_text(encoding="utf-8")
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &quot;q&quot;" in events


def test_evidence_pages_list_the_rows_history_bounded_and_escaped(tmp_path, monkeypatch):
    """A repository with released versions: a changed row's evidence page lists its
    changes from the changes table (version from → to, kind, column, old, new), escaped,
    at most HISTORY_PER_ROW of them with the total; an unchanged row's page says so."""
    from recruitment.publish.site import data as site_data

    monkeypatch.setattr(site_data, "HISTORY_PER_ROW", 1)
    repo = make_repo(tmp_path / "repo")
    at, before = find_row(repo, "figures", figure_id=lambda v: True)
    _, other = find_row(repo, "figures", figure_id=lambda v: v != before["figure_id"])
    base = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, patch = map(int, base.split("."))
    nxt, later = f"{major}.{minor}.{patch + 1}", f"{major}.{minor}.{patch + 2}"
    hostile = 'Tom & Jerry <b>bold</b> "q" <script>alert(1)</script>'
    set_cells(repo, "figures", at, notes=hostile)
    bump_version(repo, nxt)
    git(repo, "commit", "-qam", "the next version")
    set_cells(repo, "figures", at, notes="Corrected again.")
    bump_version(repo, later)  # this build
    v = export(repo, tmp_path / "dist", extra=[export_step])
    assert v.valid, v.findings
    page = tmp_path / "dist" / "site" / prov_href(Row("figures", before["figure_id"], {}))
    text = page.read_text(encoding="utf-8")
    history = text[text.index('<h2 id="history">') : text.index("<h2>In the article</h2>")]
    assert "the first 1 of 2" in history
    listed = re.findall(
        r"<tr><td class=\"when\">(.*?)</td><td>(.*?)</td><td><code>(.*?)</code></td>"
        r"<td>(.*?)</td><td>(.*?)</td></tr>",
        history,
    )
    old, cut = before["notes"], site_data.HISTORY_VALUE_CHARS
    if len(old) > cut:  # each value is cut, and says by how much
        old = f"{old[:cut]}… (+{len(old) - cut} characters)"
    assert listed == [
        (f"{base} → {nxt}", "changed", "notes", html.escape(old), html.escape(hostile))
    ]
    assert "<script>alert" not in text and "<b>bold" not in text
    other_page = tmp_path / "dist" / "site" / prov_href(Row("figures", other["figure_id"], {}))
    assert "This row is unchanged" in other_page.read_text(encoding="utf-8")


def test_happenings_page_has_one_row_per_event_key_with_its_articles(site, validation):
    text = (site / "happenings.html").read_text(encoding="utf-8")
    keys = {k for (k,) in rows_of(validation, "events", "DISTINCT event_key")}
    assert sorted(re.findall(r'<tr id="([^"]+)">', text)) == sorted(keys)
    articles = dict(
        validation.con.execute(
            "SELECT event_key, count(DISTINCT source_id) FROM events GROUP BY 1"
        ).fetchall()
    )
    assert max(articles.values()) > 1, "no happening is reported by two articles"
    for key, n in articles.items():
        row = re.search(rf'<tr id="{re.escape(key)}">(.*?)</tr>', text).group(1)
        assert f'<td class="n">{n}</td>' in row, key
    assert 'href="happenings.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_timeline_rows_are_labelled_with_their_summary(site, validation):
    from recruitment.publish.site.charts import _label

    text = (site / "timeline.html").read_text(encoding="utf-8")
    for eid, summary, start, end in validation.con.execute(
        "SELECT event_id, summary, date_start, date_end FROM events ORDER BY 1"
    ).fetchall():
        mark = re.search(rf'<a href="prov/events-{eid}\.html" class="event .*?</a>', text).group(0)
        label = re.search(r'<text class="label"[^>]*>(.*?)</text>', mark).group(1)
        assert label == html.escape(_label(summary)) and len(label) > len(eid), eid
        # Under the year that holds most of its interval (the earlier on a tie).
        days = {}
        for n in range((end - start).days + 1):
            year = (start + timedelta(days=n)).year
            days[year] = days.get(year, 0) + 1
        most = max(days, key=lambda y: (days[y], -y))
        section = text[: text.index(mark)].rsplit('<section class="year" id="y', 1)[1]
        assert section.startswith(f'{most}"'), eid
        # Its mark lies inside its section's chart, however far its span reaches.
        width = float(re.findall(r'<svg class="chart timeline"[^>]* width="([\d.]+)"', section)[-1])
        x = float(re.search(r'(?:x|cx)="([\d.]+)"', mark.split("</text>", 1)[1]).group(1))
        w = re.search(r'<rect class="span"[^>]* width="([\d.]+)"', mark)
        assert x >= 0 and x + (float(w.group(1)) if w else 0) <= width, eid


def _event(eid: str, start: date, end: date, precision: str = "week") -> Row:
    values = {"date_start": start, "date_end": end, "date_precision": precision}
    return Row("events", eid, {**values, "date_basis": "stated", "summary": f"About {eid}"})


def test_a_span_across_new_year_is_drawn_across_it_in_the_year_holding_most_of_it():
    from recruitment.publish.site import charts

    late = _event("e1", date(2024, 12, 30), date(2025, 1, 5))  # 2 days in 2024, 5 in 2025
    even = _event("e2", date(2024, 12, 29), date(2025, 1, 1))  # 3 and 1
    tie = _event("e3", date(2024, 12, 30), date(2025, 1, 2))  # 2 and 2: the earlier year
    year = _event("e4", date(2025, 6, 1), date(2026, 5, 31), "year")
    assert [charts.year_of(r.get("date_start"), r.get("date_end")) for r in (late, even, tie)] == [
        2025,
        2024,
        2024,
    ]
    assert charts.year_of(date(2025, 6, 1), date(2026, 5, 31)) == 2025
    rows = [late, year]
    assert charts.axis(2025, rows) == (date(2024, 12, 1), date(2026, 6, 1))
    svg = charts.timeline(rows, lambda r: f"{r.id}.html", "t", 2025)
    width = float(re.search(r'<svg class="chart timeline"[^>]* width="([\d.]+)"', svg).group(1))
    spans = re.findall(r'<rect class="span" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    years = re.findall(r'<line class="grid year" x1="([\d.]+)"', svg)
    assert len(spans) == 2 and [float(x) for x in years]
    first_jan = float(years[0])
    for x, w in spans:
        assert float(x) >= 0 and float(x) + float(w) <= width
    assert float(spans[0][0]) < first_jan < float(spans[0][0]) + float(spans[0][1])  # straddles


def test_a_claim_with_several_reports_is_drawn_once_with_its_reports(validation):
    from recruitment.publish.site.data import SiteData
    from recruitment.publish.site.pages import CHARTS, chart_section

    spec = CHARTS[0]

    def figure(fid: str, key: str, value: int) -> Row:
        values = {"measure": spec.measures[0], "claim_key": key, "qualifier": "exact"}
        values |= {"value": value, "value_low": None, "value_high": None, "value_text": None}
        values |= {"period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31)}
        values |= {"source_id": f"src-{fid}", "line": 1, "quote": f"quote {fid}"}
        return Row("figures", fid, values)

    data = SiteData(validation.package)
    data.rows["figures"] = [figure("f1", "k", 10), figure("f2", "k", 10), figure("f3", "j", 5)]
    section = chart_section(data, spec)
    svg = str(section["svg"])
    assert svg.count('class="mark ') == 2
    assert 'data-reports="f1 f2"' in svg and 'data-reports="f3"' in svg
    assert "2 reports: f1, f2" in svg
    assert section["shared"] == [("k", [(prov_href(r), r.id) for r in data.rows["figures"][:2]])]
    assert [rid for _, rid, _, _ in section["used"]] == ["f1", "f2", "f3"]


def test_figures_page_draws_the_estimates_as_a_series_per_claimant(validation):
    """One chart per measure and unit of the estimates view with SERIES_MIN figures or more,
    a series per claimant (escaped), marks placed by as_of and drawn as their qualifier
    reads, a claimant's estimates joined in as_of order but never two made at once; a
    measure with one estimate is listed in text."""
    from recruitment.publish.site.data import SiteData
    from recruitment.publish.site.pages import SERIES_MIN, estimate_sections, table_page

    def estimate(fid, who, qualifier, value, start, end=None, measure="casualties") -> Row:
        low = value if qualifier == "more_than" else None
        high = value if qualifier == "up_to" else None
        values = {"figure_id": fid, "measure": measure, "measure_label": measure, "unit": "u"}
        values |= {"claimant": who, "qualifier": qualifier, "value": value, "value_low": low}
        values |= {"value_high": high, "value_text": None, "as_of_basis": "statement"}
        values |= {"as_of_start": start, "as_of_end": end or start, "source_id": "src-x"}
        values |= {"line": 1, "quote": f"quote {fid}"}
        return Row("figures", fid, values)

    who = "A <b>&</b>"
    rows = [
        estimate("e1", who, "exact", 100, date(2023, 1, 10)),
        estimate("e2", "B", "up_to", 300, date(2023, 6, 1), date(2023, 6, 30)),
        estimate("e3", who, "more_than", 200, date(2024, 2, 1)),
        estimate("e4", who, "exact", 50, date(2024, 2, 1)),  # made with e3: not joined to it
        estimate("e5", "B", "exact", 7, date(2023, 1, 1), measure="fatalities"),
    ]
    data = SiteData(validation.package)
    data.rows = {"figures": []}
    data.estimates = rows
    assert SERIES_MIN <= 4
    drawn, single = estimate_sections(data)
    assert drawn["drawn"] and not single["drawn"]
    svg = str(drawn["svg"])
    groups = re.findall(r'<g class="series" data-claimant="([^"]*)">(.*?)</g>', svg, re.S)
    assert [g for g, _ in groups] == [html.escape(who), "B"]
    hrefs = [re.findall(r'<a href="([^"]+)"', body) for _, body in groups]
    assert hrefs == [[prov_href(rows[i]) for i in (0, 2, 3)], [prov_href(rows[1])]]
    assert groups[0][1].count('class="trend"') == 1 and 'class="trend"' not in groups[1][1]
    xs = {
        fid: float(x)
        for fid, x in re.findall(r'<title>(e\d):.*?<line class="as-of" x1="([\d.]+)"', svg, re.S)
    }
    assert xs["e1"] < xs["e2"] < xs["e3"] == xs["e4"]
    base = max(float(y) for y in re.findall(r'<line class="grid" x1="[\d.]+" y1="([\d.]+)"', svg))
    assert re.search(rf'class="reach down" x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="{base}"', svg)
    assert 'class="reach up"' in groups[0][1] and 'class="tip"' in groups[0][1]
    width = float(re.search(r'<svg class="chart series"[^>]* width="([\d.]+)"', svg).group(1))
    assert all(x <= width for x in xs.values())
    page = table_page(data, "figures")
    assert '<section id="estimates">' in page and "<b>&" not in page
    assert f'Measures with one estimate: Fatalities: <a href="{prov_href(rows[4])}">e5</a>' in page


def test_provenance_pages_format_numbers_and_name_actors(site, validation):
    res = validation.package.resources["figures"]
    fk = next(fk for fk in res.foreign_keys if fk.resource == "actors")
    names = dict(validation.con.execute("SELECT actor_id, name FROM actors").fetchall())
    numbers = [f.name for f in res.fields if f.type == "integer" and f.name != "line"]
    cols = ", ".join(["figure_id", fk.fields[0], *numbers])
    checked = 0
    for fid, actor, *values in rows_of(validation, "figures", *cols.split(", ")):
        text = (site / prov_href_for("figures", fid)).read_text(encoding="utf-8")
        for v in values:
            if v is not None:
                assert f'<span class="n">{v:,}</span>' in text, (fid, v)
                checked += v >= 1000
        if actor is not None:
            link = f'<a href="../actors.html#{actor}">{html.escape(names[actor])}</a>'
            assert f'{link} <small class="id">{actor}</small>' in text, fid
    assert checked, "no number of four digits or more was checked"


def test_codebook_page_replaces_the_link_to_docs(site, validation):
    from recruitment.publish.codebook import anchor

    codebook = site / "codebook.html"
    ids = parse(codebook).ids
    for res in validation.package.resources.values():
        assert anchor(res) in ids
        for f in res.fields:
            assert f"<code>{f.name}</code>" in codebook.read_text(encoding="utf-8")
    for page in pages_of(site):
        assert "docs/codebook.md" not in page.read_text(encoding="utf-8"), page
    figures = (site / "figures.html").read_text(encoding="utf-8")
    assert f'href="codebook.html#{anchor(validation.package.resources["figures"])}"' in figures


# --- in a browser ---------------------------------------------------------------------


def _no_browser(reason: str) -> None:
    """Fail when the browser tests were asked for (RECRUITMENT_SITE set, as `make test` does),
    skip otherwise: a run that promised to test the site never passes without a browser."""
    if os.environ.get("RECRUITMENT_SITE"):
        pytest.fail(
            f"the browser tests were asked for (RECRUITMENT_SITE is set) but {reason}",
            pytrace=False,
        )
    pytest.skip(f"no headless Chromium for the browser tests: {reason}")


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright import sync_api
    except ImportError:
        _no_browser("Playwright for Python is not installed: run `make dev`")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _no_browser(
            f"there is no Chromium at {CHROMIUM}: run `make browser` (as root it installs "
            "Debian's chromium) or set RECRUITMENT_CHROMIUM to a Chrome or Chromium"
        )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served_site(committed, tmp_path_factory) -> Path:
    """The site folder under test: RECRUITMENT_SITE if set, else a fresh build."""
    given = os.environ.get("RECRUITMENT_SITE")
    if given:
        path = Path(given).resolve()
        assert (path / "index.html").is_file(), f"RECRUITMENT_SITE={given} holds no index.html"
        return path
    out = tmp_path_factory.mktemp("browser") / "dist"
    assert export(committed, out, extra=[export_step]).valid
    return out / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def server(served_site):
    """The publication folder (site/ and its downloads) over HTTP on 127.0.0.1 only."""
    handler = functools.partial(_Quiet, directory=str(served_site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{served_site.name}/"
    httpd.shutdown()
    httpd.server_close()


class Visit:
    """A browser context that records every request, refuses those that leave the machine,
    and collects console errors, page errors and failed or 4xx/5xx responses."""

    def __init__(self, browser, base: str, width: int = 1280):
        self.base_host = urlparse(base).netloc
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.errors.append(f"{r.status}: {r.url}")
        )

    def _local(self, url: str) -> bool:
        u = urlparse(url)
        return u.scheme in ("file", "data", "about") or (
            u.scheme == "http" and u.hostname == "127.0.0.1" and u.netloc == self.base_host
        )

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if self._local(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def goto(self, url: str):
        response = self.page.goto(url, wait_until="load")
        assert response is None or response.ok, f"{url}: {response.status}"
        return self.page

    def load_all(self, urls: list[str], at_once: int = 30):
        """Load every page of ``urls``, ``at_once`` of them as the frames of one blank page,
        and yield each loaded frame: each is a whole document with its scripts and styles,
        its console messages, errors and responses reach the same listeners, and the
        browser navigates a few times instead of once per page."""
        for i in range(0, len(urls), at_once):
            batch = urls[i : i + at_once]
            frames = "".join(f'<iframe src="{html.escape(u)}"></iframe>' for u in batch)
            self.page.set_content(frames, wait_until="load")
            loaded = self.page.main_frame.child_frames
            assert sorted(f.url for f in loaded) == sorted(batch)
            yield from loaded

    def check(self):
        assert not self.outside, f"requests left the machine: {self.outside}"
        assert not self.errors, f"console errors or failed requests: {self.errors}"
        assert self.requests, "no request was seen at all"

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium, server):
    v = Visit(chromium, server)
    yield v
    v.close()


def test_browser_overview_shows_charts_and_saves_a_screenshot(
    visit, server, served_site, validation
):
    page = visit.goto(server + "index.html")
    assert page.locator("svg.chart").count() == 4
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 80
    for (words,) in validation.con.execute(
        "SELECT value_text FROM figures WHERE qualifier = 'up_to' "
        "AND measure IN ('casualties', 'fatalities', 'recruitment_target')"
    ).fetchall():
        assert page.locator(f"text=up to {words}").count() >= 1, words  # drawn as a bound
    assert page.locator("#downloads a[href='../csv/figures.csv']").count() == 1
    shots = served_site / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "overview.png"), full_page=True)
    assert (shots / "overview.png").stat().st_size > 10_000
    # A download link resolves on the server too.
    assert page.request.get(server + "../csv/figures.csv").ok
    visit.check()


def test_browser_every_figure_id_and_working_sort_and_filter(visit, server, validation, a_figure):
    page = visit.goto(server + "figures.html")
    ids = [r[0] for r in rows_of(validation, "figures", "figure_id")]
    body = page.locator("table.data tbody").inner_text()
    for fid in ids:
        assert fid in body, fid
    rows = page.locator("table.data tbody tr")
    box = page.locator(".filter input")
    box.fill(a_figure)
    assert [r.get_attribute("id") for r in rows.all() if r.is_visible()] == [a_figure]
    box.fill("")
    assert sum(r.is_visible() for r in rows.all()) == len(ids)
    page.locator("th button", has_text=re.compile("^value$")).click()
    keys = page.locator("table.data tbody tr td[data-label=value]").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )
    numbers = [int(k) for k in keys if k]
    assert numbers == sorted(numbers) and keys[: len(numbers)] == [str(n) for n in numbers]
    visit.check()


def test_browser_provenance_links_highlight_the_quote(
    visit, server, served_site, validation, a_figure
):
    quotes = {rid: (q, line) for t, rid, _, line, q in citing_rows(validation) if t == "figures"}
    page = visit.goto(server + "figures.html")
    hrefs = page.locator("table.data tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert len(hrefs) == len(quotes)
    # Follow one by a real click, the rest by address.
    page.locator("table.data tbody tr td:first-child a", has_text=a_figure).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/prov/figures-{a_figure}.html")
    for frame in visit.load_all(hrefs):
        fid = re.search(r"figures-(fig-\d+)\.html$", frame.url).group(1)
        quote, line = quotes[fid]
        shown = frame.evaluate(
            """line => {
                const li = document.querySelector(`ol.seed li#L${line}`);
                const marks = [...document.querySelectorAll(`ol.seed li#L${line}.cited mark`)];
                const excerpt = document.querySelector("blockquote.excerpt mark");
                return {
                    marks: marks.map(m => m.innerText),
                    colour: marks.length ? getComputedStyle(marks[0]).backgroundColor : null,
                    line_colour: li ? getComputedStyle(li).backgroundColor : null,
                    excerpt: excerpt ? excerpt.innerText : null,
                };
            }""",
            line,
        )
        assert shown["marks"] == [quote], fid
        assert shown["colour"] not in (None, "rgba(0, 0, 0, 0)", "transparent"), fid
        assert shown["line_colour"] not in (None, "rgba(0, 0, 0, 0)", "transparent"), fid
        assert shown["excerpt"] == quote, fid
    page = visit.goto(server + f"prov/figures-{a_figure}.html")
    shots = served_site / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"provenance-{a_figure}.png"), full_page=True)
    visit.check()


def test_browser_every_page_loads_cleanly(visit, server, served_site, validation):
    """All pages: no console error, no failed request, nothing but 127.0.0.1 asked for."""
    pages = pages_of(served_site)
    assert len(pages) > len(citing_rows(validation))  # a provenance page per row, and more
    urls = [urljoin(server, p.relative_to(served_site).as_posix()) for p in pages]
    assert len(list(visit.load_all(urls))) == len(pages)
    visit.check()
    assert all(urlparse(u).hostname == "127.0.0.1" for u in visit.requests if u.startswith("http"))


def test_browser_works_from_file_urls(chromium, served_site):
    """Opened straight from the folder (file://), the overview and a table still work."""
    v = Visit(chromium, "file:///")
    try:
        page = v.goto((served_site / "index.html").as_uri())
        assert page.locator("svg.chart").count() == 4
        page = v.goto((served_site / "events.html").as_uri())
        assert page.locator(".filter input").count() == 1
        v.check()
        assert all(u.startswith(("file:", "data:")) for u in v.requests)
    finally:
        v.close()


WIDTHS = (1280, 390)


def _screenshot(page, served_site: Path, name: str) -> None:
    """A full-page screenshot kept in <site>/screenshots/ (dist/site/screenshots/ under
    `make test`); its path is printed (shown with pytest -s or -rP)."""
    shots = served_site / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert (shots / f"{name}.png").stat().st_size > 10_000
    print(f"screenshot: {shots / name}.png")


def _no_page_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_figures_table_fits_the_screen(chromium, server, served_site, validation, width):
    """Key, measure, value with bounds, claimant, period and quote are in view without any
    horizontal scrolling; the other columns (notes among them) are folded under "more"."""
    v = Visit(chromium, server, width)
    try:
        page = v.goto(server + "figures.html")
        _no_page_scroll(page)
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
        res = validation.package.resources["figures"]
        wanted = ["figure_id", "measure", "value", "claimed_by", "period", "quote"]
        wanted += ["subject"] if res.has("subject") else []
        first = page.locator("table.data tbody tr").first
        for label in wanted:
            box = first.locator(f"td[data-label={label}]").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, label
        names = dict(validation.con.execute("SELECT actor_id, name FROM actors").fetchall())
        for fid, actor in rows_of(validation, "figures", "figure_id", "claimed_by"):
            if actor is not None:
                claimant = page.locator(f"tr[id='{fid}'] td[data-label=claimed_by] a")
                assert claimant.inner_text() == names[actor], fid
        fid, notes = rows_of(validation, "figures WHERE notes IS NOT NULL", "figure_id", "notes")[0]
        row = page.locator(f"tr[id='{fid}']")
        folded = row.locator("td.more dd", has_text=notes[:30])
        assert not folded.is_visible()
        row.locator("td.more summary").click()
        assert folded.is_visible()
        _screenshot(page, served_site, f"figures-{width}")
        v.check()
    finally:
        v.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_timeline_labels_are_readable(chromium, server, served_site, validation, width):
    """Every row's label (its summary) lies whole inside its chart: none is cut off."""
    v = Visit(chromium, server, width)
    try:
        page = v.goto(server + "timeline.html")
        _no_page_scroll(page)
        labels = page.locator("svg.timeline a.event text.label")
        assert labels.count() == len(rows_of(validation, "events", "event_id"))
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('svg.timeline')].flatMap(svg => {
                const left = svg.getBoundingClientRect().left;
                return [...svg.querySelectorAll('text.label')]
                  .filter(t => t.getBoundingClientRect().left < left - 0.5)
                  .map(t => t.textContent);
            })"""
        )
        assert clipped == []
        _screenshot(page, served_site, f"timeline-{width}")
        v.check()
    finally:
        v.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_provenance_and_codebook_pages(chromium, server, served_site, a_figure, width):
    v = Visit(chromium, server, width)
    try:
        page = v.goto(server + f"prov/figures-{a_figure}.html")
        _no_page_scroll(page)
        assert page.locator("blockquote.excerpt mark").is_visible()
        _screenshot(page, served_site, f"provenance-{a_figure}-{width}")
        page = v.goto(server + "codebook.html")
        _no_page_scroll(page)
        assert page.locator(".codebook h2").count() >= 5
        _screenshot(page, served_site, f"codebook-{width}")
        v.check()
    finally:
        v.close()


def test_browser_downloads_work_when_only_dist_is_served(visit, server):
    """The server serves the publication folder alone: every download and the codebook
    link of the site answer 200."""
    page = visit.goto(server + "index.html")
    hrefs = page.locator("#downloads a").evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) > 10
    page = visit.goto(server + "figures.html")
    hrefs += page.locator(".hint a").evaluate_all("links => links.map(a => a.href)")
    for href in hrefs:
        assert page.request.get(href).status == 200, href
    visit.check()


READABLE_PX = 11
"""The smallest text a page may show, in CSS pixels (SVG text at the size it is drawn)."""

LAYOUT = """() => {
  const out = {small: [], wide: [], bare: [], behind: []};
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || el.closest('title')) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    if (size < READABLE) out.small.push(`${el.tagName}.${el.getAttribute('class')}: ` +
      `${size.toFixed(1)} px "${el.textContent.trim().slice(0, 40)}"`);
  }
  for (const w of document.querySelectorAll('.table-wrap')) {
    if (w.scrollWidth > w.clientWidth + 1) out.wide.push(w.querySelector('table').className);
  }
  // A card's cell (a block, labelled by CSS) or a folded value: never a label alone.
  for (const td of document.querySelectorAll('td[data-label], dd')) {
    const display = getComputedStyle(td).display;
    const card = td.tagName === 'DD' || display === 'block';
    if (card && display !== 'none' && td.getBoundingClientRect().height > 0 &&
        !td.textContent.trim()) out.bare.push(`${td.closest('tr').id} ${td.dataset.label}`);
  }
  for (const a of document.querySelectorAll('svg.timeline a.event')) {
    const label = a.querySelector('text.label').getBoundingClientRect();
    const mark = a.querySelector('rect.span, circle.day').getBoundingClientRect();
    if (mark.top < label.bottom - 0.5) out.behind.push(a.getAttribute('href'));
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_text_is_readable_and_nothing_overflows(chromium, server, served_site, width):
    """At 1280 and 390 px, on every page with a chart or a table: the page never scrolls
    sideways and no table is wider than its box; every text, chart text at the size it is
    drawn, is at least READABLE_PX; a card shows no label without its value; no timeline
    mark sits behind its label. Screenshots of the overview are kept at both widths."""
    pages = ["index.html", "timeline.html", "codebook.html", "happenings.html"]
    pages += [f"{t}.html" for t in ("figures", "events", "actors", "sources", "exclusions")]
    v = Visit(chromium, server, width)
    try:
        for name in pages:
            if not (served_site / name).is_file():
                continue
            page = v.goto(server + name)
            _no_page_scroll(page)
            found = page.evaluate(LAYOUT.replace("READABLE", str(READABLE_PX)))
            assert found == {"small": [], "wide": [], "bare": [], "behind": []}, (name, width)
            if name == "index.html":
                assert page.locator("svg.chart text").count() > 0
            if name == "figures.html":  # the estimates, a series per claimant
                assert page.locator("svg.chart.series g.series").count() > 0
                _screenshot(page, served_site, f"overview-{width}")
        v.check()
    finally:
        v.close()
