"""The browsable report: a static site written next to the published files in dist/site/.

Why a static site: a reader should be able to open the data, see the charts and check
every number against the words it was taken from, with nothing but a browser and no
network. So every page is plain HTML with inline SVG charts drawn at build time, rendered
from the Jinja2 templates in templates/ (autoescape on: see jinja.py), the two assets
(style.css, app.js) are copied from this folder, and all links are relative. The output
depends only on the package: rows are read in primary-key order and
no timestamp is written, so an unchanged package gives byte-identical files.

Layout of ``out_dir``::

    index.html              overview, charts, downloads with SHA-256, licence, citation
    timeline.html           events over the interval each date may lie in
    happenings.html         events grouped by event_key: one row per happening
    figures.html, ...       one sortable, filterable table per table of the package
    codebook.html           every table, column and code (docs/codebook.md, from the schemas)
    articles/index.html     the seed articles
    articles/<source>.html  one article, every cited line highlighted, every citing row listed
    prov/<table>-<id>.html  one row: its quote marked (<mark>) on its line, with the lines
                            around it (bounded: see pages.EVIDENCE_LINES, EVIDENCE_CHARS)
    style.css, app.js
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from . import pages
from .data import SiteData, collect

__all__ = ["ASSETS", "build_site", "export_step", "render"]

ASSETS = ("style.css", "app.js")


def render(data: SiteData) -> dict[str, str]:
    """Every file of the site as {relative path: text}, in a fixed order."""
    files: dict[str, str] = {
        "index.html": pages.overview_page(data),
        "timeline.html": pages.timeline_page(data),
    }
    if pages.has_happenings(data):
        files["happenings.html"] = pages.happenings_page(data)
    for table in pages.TABLE_PAGES:
        if table in data.package.resources:
            files[f"{table}.html"] = pages.table_page(data, table)
    files["codebook.html"] = pages.codebook_page(data)
    files["articles/index.html"] = pages.articles_index(data)
    for article in data.articles.values():
        files[pages.article_href(article.source_id)] = pages.article_page(data, article)
    for row in data.citing_rows():
        files[pages.prov_href(row)] = pages.provenance_page(data, row)
    for name in ASSETS:
        files[name] = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return files


def build_site(validation, out_dir: Path) -> None:
    """Write the static site for a validated package into ``out_dir``.

    Download links point to ``../csv/…``, ``../parquet/…`` and ``../recruitment.duckdb``;
    their SHA-256 is computed from the files found beside ``out_dir`` (export writes them
    before its extra steps run). Files that are not there are not offered for download.
    """
    out_dir = Path(out_dir)
    data = collect(validation, out_dir.parent)
    for rel, text in sorted(render(data).items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def export_step(validation, tmp_dir: Path) -> None:
    """The site as an ``export(..., extra=[export_step])`` step: writes ``<tmp>/site``."""
    build_site(validation, Path(tmp_dir) / "site")
