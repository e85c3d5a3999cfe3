"""Charts drawn at build time as inline SVG, so the site needs no script or network to show them.

A figure is drawn the way its qualifier reads, never as a bare point:

* ``exact``: a solid bar to the value;
* ``approximately``: a lighter bar with a dashed end, labelled "about";
* ``up_to``, ``as_many_as``, ``less_than`` (upper bounds): a pale band from zero to the
  bound, closed by a whisker at the bound, labelled with the text's own words ("up to");
  the true number may be anywhere in the band;
* ``at_least``, ``more_than`` (lower bounds): a whisker at the bound and a pale band that
  runs on past the end of the axis with an arrow: the number is open-ended upwards;
* ``range``: a band between the two ends with whiskers at both.

Every mark links to the provenance page of the row it was drawn from, and carries the
row's quote as its tooltip, so a reader can check each number against the article.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from .data import Row

QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about",
    "as_many_as": "as many as",
    "up_to": "up to",
    "less_than": "less than",
    "at_least": "at least",
    "more_than": "more than",
    "range": "",
}
UPPER = ("as_many_as", "up_to", "less_than")
LOWER = ("at_least", "more_than")


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def n(value: int | float) -> str:
    """A number as the charts print it: thousands separated by commas."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def value_words(row: Row) -> str:
    """The figure as words that keep its qualifier: 'up to 200,000', '18–30', 'about 5'."""
    q = row.get("qualifier")
    if q == "range":
        return f"{n(row.get('value_low'))}–{n(row.get('value_high'))}"
    if q in UPPER:
        v = row.get("value_high") if row.get("value_high") is not None else row.get("value")
    elif q in LOWER:
        v = row.get("value_low") if row.get("value_low") is not None else row.get("value")
    else:
        v = row.get("value")
    words = QUALIFIER_WORDS.get(q, "")
    shown = n(v) if v is not None else str(row.get("value_text") or "")
    return f"{words} {shown}".strip()


def nice_max(top: float) -> tuple[float, float]:
    """An axis end at or above ``top`` and a tick step (1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.ceil(top / step) * step, step


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: the figure, and the two label lines to its left."""

    row: Row
    label: str
    sublabel: str


def _extent(row: Row) -> float:
    vals = [row.get(k) for k in ("value", "value_low", "value_high")]
    return max((v for v in vals if v is not None), default=0)


def bar_chart(
    title: str, bars: Sequence[Bar], unit: str, href: Callable[[Row], str], chart_id: str
) -> str:
    """A horizontal bar chart of figures, honest about bounds (see the module docstring)."""
    right_w, plot_w, row_h, top, axis_h = 150, 380, 44, 8, 34
    # Room for the longest label: about 6.5 px a character at these font sizes.
    longest = max((max(len(b.label) * 1.1, len(b.sublabel)) for b in bars), default=10)
    label_w = int(min(max(160, 6.5 * longest + 20), 460))
    width = label_w + plot_w + right_w
    height = top + row_h * len(bars) + axis_h
    open_ended = any(b.row.get("qualifier") in LOWER for b in bars)
    peak = max((_extent(b.row) for b in bars), default=0)
    axis_max, step = nice_max(peak * (1.3 if open_ended else 1.0))
    x0 = label_w

    def x(v: float) -> float:
        return round(x0 + plot_w * v / axis_max, 2)

    out = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{chart_id}-t">{e(title)}</title>',
    ]
    ticks = int(round(axis_max / step))
    base = top + row_h * len(bars)
    for i in range(ticks + 1):
        v = step * i
        v = int(v) if float(v).is_integer() else v
        out.append(
            f'<line class="grid" x1="{x(v)}" y1="{top}" x2="{x(v)}" y2="{base}"/>'
            f'<text class="tick" x="{x(v)}" y="{base + 16}" text-anchor="middle">{n(v)}</text>'
        )
    out.append(
        f'<text class="axis-unit" x="{x0 + plot_w}" y="{base + 30}" '
        f'text-anchor="end">{e(unit)}</text>'
    )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        out.append(
            f'<text class="label" x="{label_w - 10}" y="{y + 19}" text-anchor="end">'
            f"{e(bar.label)}</text>"
            f'<text class="sublabel" x="{label_w - 10}" y="{y + 34}" text-anchor="end">'
            f"{e(bar.sublabel)}</text>"
        )
        out.append(_mark(bar.row, y + 10, 20, x, x0 + plot_w, href(bar.row)))
    out.append("</svg>")
    return "".join(out)


def _mark(row: Row, y: float, h: float, x: Callable[[float], float], end: float, href: str) -> str:
    q = row.get("qualifier")
    v, low, high = row.get("value"), row.get("value_low"), row.get("value_high")
    mid = y + h / 2
    words = value_words(row)
    tip = (
        f"{row.id}: {words} — “{row.get('quote')}” ({row.get('source_id')}, line {row.get('line')})"
    )
    parts = [f'<a href="{e(href)}" class="mark q-{e(q)}"><title>{e(tip)}</title>']

    def whisker(at: float) -> str:
        return f'<line class="whisker" x1="{at}" y1="{y - 3}" x2="{at}" y2="{y + h + 3}"/>'

    def label(at: float, text: str) -> str:
        return f'<text class="value" x="{at + 8}" y="{mid + 4}">{e(text)}</text>'

    if q in UPPER:
        bound = high if high is not None else v
        parts.append(
            f'<rect class="band" x="{x(0)}" y="{y}" width="{x(bound) - x(0)}" height="{h}"/>'
            f'<line class="band-edge" x1="{x(0)}" y1="{mid}" x2="{x(bound)}" y2="{mid}"/>'
            + whisker(x(bound))
            + label(x(bound), words)
        )
    elif q in LOWER:
        bound = low if low is not None else v
        parts.append(
            f'<rect class="band" x="{x(bound)}" y="{y}" width="{end - x(bound)}" height="{h}"/>'
            f'<line class="band-edge" x1="{x(bound)}" y1="{mid}" x2="{end + 6}" y2="{mid}"/>'
            f'<polygon class="arrow" points="{end + 14},{mid} {end + 4},{mid - 6} '
            f'{end + 4},{mid + 6}"/>' + whisker(x(bound)) + label(end + 14, words)
        )
    elif q == "range":
        parts.append(
            f'<rect class="band" x="{x(low)}" y="{y}" width="{x(high) - x(low)}" height="{h}"/>'
            + whisker(x(low))
            + whisker(x(high))
            + label(x(high), words)
        )
    else:
        cls = "bar approx" if q == "approximately" else "bar"
        parts.append(
            f'<rect class="{cls}" x="{x(0)}" y="{y}" width="{x(v) - x(0)}" height="{h}"/>'
            + label(x(v), words)
        )
    parts.append("</a>")
    return "".join(parts)


LEGEND = (
    '<svg class="legend" role="img" aria-label="How values and bounds are drawn" '
    'viewBox="0 0 880 28" width="880" height="28">'
    '<rect class="bar" x="0" y="6" width="34" height="14"/>'
    '<text x="40" y="18">stated value</text>'
    '<rect class="band" x="130" y="6" width="34" height="14"/>'
    '<line class="whisker" x1="164" y1="3" x2="164" y2="23"/>'
    '<text x="172" y="18">upper bound (“up to”, “as many as”): anywhere in the band</text>'
    '<rect class="band" x="560" y="6" width="34" height="14"/>'
    '<line class="whisker" x1="560" y1="3" x2="560" y2="23"/>'
    '<polygon class="arrow" points="606,13 596,7 596,19"/>'
    '<text x="614" y="18">lower bound (“more than”): open-ended</text>'
    "</svg>"
)


# --- timeline -------------------------------------------------------------------------

PRECISIONS = ("day", "week", "month", "season", "year")


def _x_of(start: date, end: date, x0: float, width: float) -> Callable[[date], float]:
    span = (end - start).days

    def x(d: date) -> float:
        return round(x0 + width * (d - start).days / span, 2)

    return x


YEAR_WIDTH = 560
"""Pixels per year on every timeline section, so spans compare across sections."""


def _label(text: str, limit: int = 52) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline(events: Sequence[Row], href: Callable[[Row], str], chart_id: str = "timeline") -> str:
    """Events as marks on a time axis: a day as a dot, anything coarser as the span it may be.

    Each row is labelled with the event's summary (the id, type and full text are in its
    tooltip). A month-precise event covers the whole interval date_start..date_end (both
    inclusive, so the span ends at the end of date_end); the precision also sets the colour.
    The axis runs over whole years at YEAR_WIDTH pixels a year.
    """
    if not events:
        return ""
    first = min(r.get("date_start") for r in events)
    last = max(r.get("date_end") for r in events)
    start, end = date(first.year, 1, 1), _day_after(date(last.year, 12, 31))
    label_w, right, row_h, top = 400, 20, 20, 26
    plot_w = YEAR_WIDTH * (end.year - start.year)
    width = label_w + plot_w + right
    height = top + row_h * len(events) + 26
    x = _x_of(start, end, label_w, plot_w)
    base = top + row_h * len(events)
    out = [
        f'<svg class="chart timeline" role="img" aria-labelledby="{chart_id}-t" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{chart_id}-t">Timeline of the events, with the span each date may cover'
        "</title>",
    ]
    for year in range(start.year, end.year + 1):
        xx = x(date(year, 1, 1))
        out.append(f'<line class="grid year" x1="{xx}" y1="{top - 6}" x2="{xx}" y2="{base}"/>')
        if year < end.year:
            for month in (4, 7, 10):
                xm = x(date(year, month, 1))
                out.append(f'<line class="grid" x1="{xm}" y1="{top}" x2="{xm}" y2="{base}"/>')
            mid = x(date(year, 7, 1))
            out.append(
                f'<text class="tick" x="{mid}" y="{top - 10}" text-anchor="middle">{year}</text>'
                f'<text class="tick" x="{mid}" y="{base + 16}" text-anchor="middle">{year}</text>'
            )
    for i, ev in enumerate(events):
        y = top + i * row_h
        mid = y + row_h / 2
        ds, de = ev.get("date_start"), ev.get("date_end")
        prec, basis = ev.get("date_precision"), ev.get("date_basis")
        when = str(ds) if ds == de else f"{ds} – {de}"
        tip = f"{ev.id} ({ev.get('event_type')}): {when}, known to the {prec} ({basis}). " + str(
            ev.get("summary")
        )
        if i % 2 == 0:
            out.append(f'<rect class="stripe" x="0" y="{y}" width="{width}" height="{row_h}"/>')
        out.append(
            f'<a href="{e(href(ev))}" class="event p-{e(prec)} b-{e(basis)}">'
            f"<title>{e(tip)}</title>"
            f'<text class="label" x="{label_w - 8}" y="{mid + 4}" text-anchor="end">'
            f"{e(_label(ev.get('summary') or ev.id))}</text>"
        )
        if prec == "day" and ds == de:
            out.append(f'<circle class="day" cx="{x(ds) + 0.5}" cy="{mid}" r="4.5"/>')
        else:
            x1, x2 = x(ds), x(_day_after(de))
            out.append(
                f'<rect class="span" x="{x1}" y="{mid - 5}" width="{max(x2 - x1, 2)}" '
                f'height="10" rx="2"/>'
            )
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


TIMELINE_LEGEND = (
    '<svg class="legend" role="img" aria-label="Timeline legend" viewBox="0 0 720 28" '
    'width="720" height="28">'
    '<g class="p-day"><circle class="day" cx="8" cy="14" r="4.5"/>'
    '<text x="18" y="18">known to the day</text></g>'
    '<g class="p-week"><rect class="span" x="140" y="9" width="24" height="10" rx="2"/>'
    '<text x="170" y="18">week</text></g>'
    '<g class="p-month"><rect class="span" x="220" y="9" width="24" height="10" rx="2"/>'
    '<text x="250" y="18">month</text></g>'
    '<g class="p-season"><rect class="span" x="310" y="9" width="24" height="10" rx="2"/>'
    '<text x="340" y="18">season</text></g>'
    '<g class="p-year"><rect class="span" x="400" y="9" width="24" height="10" rx="2"/>'
    '<text x="430" y="18">year: the event lies somewhere in the span</text></g>'
    "</svg>"
)


def _day_after(day: date) -> date:
    """The next day; 9999-12-31, the last date Python holds (and validate accepts), stays."""
    return day if day == date.max else day + timedelta(days=1)
