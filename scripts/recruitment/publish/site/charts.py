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

from . import jinja
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


def tick_values(axis_max: float, step: float) -> list[int | float]:
    """The ticks from zero to ``axis_max`` every ``step`` (whole numbers as ints)."""
    out: list[int | float] = []
    for i in range(int(round(axis_max / step)) + 1):
        v = step * i
        out.append(int(v) if float(v).is_integer() else v)
    return out


@dataclass(frozen=True)
class Bar:
    """One claim of a bar chart: the row it is drawn from, the two label lines above it, and
    the ids of every report of the claim (the drawn row first)."""

    row: Row
    label: str
    sublabel: str
    reports: tuple[str, ...] = ()


def _extent(row: Row) -> float:
    vals = [row.get(k) for k in ("value", "value_low", "value_high")]
    return max((v for v in vals if v is not None), default=0)


PLOT_WIDTH = 380
"""Pixels from zero to the axis end; the value's words and an open end's arrow sit right of it."""
BAR_ROW = 62
"""Pixels per claim: its label, its sublabel, then its mark, one under the other."""


def bar_chart(
    title: str, bars: Sequence[Bar], unit: str, href: Callable[[Row], str], chart_id: str
) -> str:
    """A horizontal bar chart of figures, honest about bounds (see the module docstring).

    Drawn at its own size (560 px wide), never scaled down, so its text keeps its size on a
    phone (the page scrolls the chart, not itself); the labels stand above the marks."""
    x0, plot_w, right_w, top, axis_h = 8, PLOT_WIDTH, 172, 8, 40
    width = x0 + plot_w + right_w
    height = top + BAR_ROW * len(bars) + axis_h
    open_ended = any(b.row.get("qualifier") in LOWER for b in bars)
    peak = max((_extent(b.row) for b in bars), default=0)
    axis_max, step = nice_max(peak * (1.3 if open_ended else 1.0))

    def x(v: float) -> float:
        return round(x0 + plot_w * v / axis_max, 2)

    base = top + BAR_ROW * len(bars)
    ticks = [
        {"x": x(v), "text": n(v), "anchor": "start" if i == 0 else "middle"}
        for i, v in enumerate(tick_values(axis_max, step))
    ]
    drawn = []
    for i, bar in enumerate(bars):
        y = top + i * BAR_ROW
        drawn.append(
            {
                "y": y,
                "label": _label(bar.label, 80),
                "sublabel": _label(bar.sublabel, 90),
                "reports": bar.reports or (bar.row.id,),
                "href": href(bar.row),
                "qualifier": bar.row.get("qualifier"),
                "tip": _tip(bar.row),
                "shapes": _mark(bar.row, y + 36, 20, x, x0 + plot_w),
            }
        )
    return jinja.render(
        "bar_chart.svg",
        id=chart_id,
        title=title,
        width=width,
        height=height,
        top=top,
        base=base,
        x0=x0,
        plot_end=x0 + plot_w,
        unit=unit,
        ticks=ticks,
        bars=drawn,
    )


def _tip(row: Row) -> str:
    words = value_words(row)
    return (
        f"{row.id}: {words} — “{row.get('quote')}” ({row.get('source_id')}, line {row.get('line')})"
    )


def _mark(row: Row, y: float, h: float, x: Callable[[float], float], end: float) -> list[dict]:
    """The shapes of one figure's mark, as dicts the template draws."""
    q = row.get("qualifier")
    v, low, high = row.get("value"), row.get("value_low"), row.get("value_high")
    mid = y + h / 2
    words = value_words(row)

    def rect(cls: str, a: float, b: float) -> dict:
        return {"kind": "rect", "cls": cls, "x": a, "y": y, "w": round(b - a, 2), "h": h}

    def line(cls: str, x1: float, y1: float, x2: float, y2: float) -> dict:
        return {"kind": "line", "cls": cls, "x1": x1, "y1": y1, "x2": x2, "y2": y2}

    def whisker(at: float) -> dict:
        return line("whisker", at, y - 3, at, y + h + 3)

    def label(at: float) -> dict:
        return {"kind": "text", "cls": "value", "x": round(at + 8, 2), "y": mid + 4, "text": words}

    if q in UPPER:
        bound = high if high is not None else v
        return [
            rect("band", x(0), x(bound)),
            line("band-edge", x(0), mid, x(bound), mid),
            whisker(x(bound)),
            label(x(bound)),
        ]
    if q in LOWER:
        bound = low if low is not None else v
        arrow = f"{end + 14},{mid} {end + 4},{mid - 6} {end + 4},{mid + 6}"
        return [
            rect("band", x(bound), end),
            line("band-edge", x(bound), mid, end + 6, mid),
            {"kind": "polygon", "cls": "arrow", "points": arrow},
            whisker(x(bound)),
            label(end + 14),
        ]
    if q == "range":
        return [rect("band", x(low), x(high)), whisker(x(low)), whisker(x(high)), label(x(high))]
    return [rect("bar approx" if q == "approximately" else "bar", x(0), x(v)), label(x(v))]


# --- timeline -------------------------------------------------------------------------

PRECISIONS = ("day", "week", "month", "season", "year")

YEAR_WIDTH = 560
"""Pixels per 365 days on every timeline section, so spans compare across sections."""
TIMELINE_ROW = 34
"""Pixels per event: its label, then its mark under it."""


def _label(text: str, limit: int = 52) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def year_of(start: date, end: date) -> int:
    """The year that holds most of the interval start..end (both inclusive); on a tie, the
    earlier. So a week from 30 December to 5 January is an event of the new year."""
    best, most = start.year, -1
    for year in range(start.year, end.year + 1):
        a, b = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if (b - a).days > most:
            best, most = year, (b - a).days
    return best


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    if d >= date(9999, 12, 1):
        return date.max
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def axis(year: int, events: Sequence[Row]) -> tuple[date, date]:
    """The section's axis: its whole year, widened to the whole months its events' spans
    reach into before or after it, so no mark ever runs off either end."""
    first = min(min(r.get("date_start") for r in events), date(year, 1, 1))
    last = max(max(r.get("date_end") for r in events), date(year, 12, 31))
    return _month_start(first), _next_month(last)


def timeline(
    events: Sequence[Row], href: Callable[[Row], str], chart_id: str = "timeline", year=None
) -> str:
    """Events as marks on a time axis: a day as a dot, anything coarser as the span it may be.

    Each row is labelled with the event's summary, above its mark (the id, type and full
    text are in its tooltip). A month-precise event covers the whole interval
    date_start..date_end (both inclusive, so the span ends at the end of date_end); the
    precision also sets the colour. The axis covers ``year`` and the months its events
    reach into (:func:`axis`) at YEAR_WIDTH pixels per 365 days, drawn at its own size.
    """
    if not events:
        return ""
    year = (
        year
        if year is not None
        else year_of(events[0].get("date_start"), events[0].get("date_end"))
    )
    start, end = axis(year, events)
    margin, top = 6, 28
    plot_w = round(YEAR_WIDTH * (end - start).days / 365, 2)
    longest = max(len(_label(r.get("summary") or r.id)) for r in events)
    width = int(max(plot_w + 2 * margin, 7.2 * longest + 2 * margin))
    height = top + TIMELINE_ROW * len(events) + 26
    x = _x_of(start, end, margin, plot_w)
    base = top + TIMELINE_ROW * len(events)
    grid = []
    d = start
    while d < end:
        # A year line says its year; the axis's first month (when it is not January) and
        # each quarter say their month.
        if d.month == 1:
            grid.append({"x": x(d), "year": True, "label": str(d.year)})
        elif d == start or d.month in (4, 7, 10):
            grid.append({"x": x(d), "year": False, "label": d.strftime("%b")})
        d = _next_month(d)
    drawn = []
    for i, ev in enumerate(events):
        y = top + i * TIMELINE_ROW
        ds, de = ev.get("date_start"), ev.get("date_end")
        prec, basis = ev.get("date_precision"), ev.get("date_basis")
        when = str(ds) if ds == de else f"{ds} – {de}"
        known = "only to a span of more than a year" if prec == "multi_year" else f"to the {prec}"
        tip = f"{ev.id} ({ev.get('event_type')}): {when}, known {known} ({basis}). " + str(
            ev.get("summary")
        )
        x1, x2 = x(ds), x(_day_after(de))
        drawn.append(
            {
                "y": y,
                "mid": y + 25,
                "href": href(ev),
                "precision": prec,
                "basis": basis,
                "tip": tip,
                "label": _label(ev.get("summary") or ev.id),
                "label_x": margin,
                "dot": prec == "day" and ds == de,
                "x1": x1,
                "w": max(round(x2 - x1, 2), 2),
            }
        )
    return jinja.render(
        "timeline.svg",
        id=chart_id,
        width=width,
        height=height,
        top=top,
        base=base,
        row_h=TIMELINE_ROW,
        grid=grid,
        events=drawn,
    )


def _x_of(start: date, end: date, x0: float, width: float) -> Callable[[date], float]:
    span = (end - start).days

    def x(d: date) -> float:
        return round(x0 + width * (d - start).days / span, 2)

    return x


def _day_after(day: date) -> date:
    """The next day; 9999-12-31, the last date Python holds (and validate accepts), stays."""
    return day if day == date.max else day + timedelta(days=1)


# --- estimates over time ----------------------------------------------------------------

SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
"""One colour per claimant of a chart (Okabe and Ito's palette, readable by colour-blind
readers), in the order the claimants first appear; the legend names each in text."""
SERIES_PLOT = (420, 200)
"""Pixels of the plot area (width, height); a chart is drawn at its own size."""


@dataclass(frozen=True)
class Series:
    """One claimant's estimates of one measure, in as_of order."""

    claimant: str
    colour: str
    points: tuple[Row, ...]


def series_of(rows: Sequence[Row]) -> list[Series]:
    """``rows`` (one measure and unit of the estimates view, in as_of order) as one series
    per claimant, claimants in the order they first speak."""
    by: dict[str, list[Row]] = {}
    for r in rows:
        by.setdefault(str(r.get("claimant") or "no claimant named"), []).append(r)
    return [
        Series(who, SERIES_COLOURS[i % len(SERIES_COLOURS)], tuple(points))
        for i, (who, points) in enumerate(by.items())
    ]


def _month_ticks(start: date, end: date, most: int = 6) -> list[date]:
    """First days of months from ``start`` to ``end``, every 1, 3, 6, 12, 24… months, at
    most ``most`` of them (stride chosen so they fit)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    stride = next(s for s in (1, 3, 6, 12, 24, 60, 120, 1200) if months / s <= most or s == 1200)
    out, d = [], start
    while d <= end:
        if ((d.year * 12 + d.month - 1) % stride) == 0:
            out.append(d)
        d = _next_month(d)
    return out


def series_chart(
    title: str, series: Sequence[Series], unit: str, href: Callable[[Row], str], chart_id: str
) -> str:
    """Estimates over time: x is when each claim was made (its as_of interval, drawn as a
    span), y the value as the qualifier reads it (a dot for a stated value, a dashed line
    down to zero under an upper bound, an arrow up from a lower bound, a line between the
    ends of a range); one claimant's estimates share a colour and are joined in as_of
    order (claims made at the same time are not joined: they are of different things).
    Every mark links to its figure's evidence page and carries its quote."""
    rows = [p for s in series for p in s.points]
    left, top, plot_w, plot_h, right = 72, 12, *SERIES_PLOT, 150
    width, height = left + plot_w + right, top + plot_h + 44
    first = _month_start(min(r.get("as_of_start") for r in rows))
    last = _next_month(max(r.get("as_of_end") for r in rows))
    if (last - first).days < 90:  # a single day or month: a quarter around it
        first = _month_start(first - timedelta(days=31))
        last = _next_month(last + timedelta(days=31))
    x = _x_of(first, last, left, plot_w)
    open_ended = any(r.get("qualifier") in LOWER for r in rows)
    peak = max((_extent(r) for r in rows), default=0)
    axis_max, step = nice_max(peak * (1.3 if open_ended else 1.1))
    base = top + plot_h

    def y(v: float) -> float:
        return round(base - plot_h * v / axis_max, 2)

    yticks = [{"y": y(v), "text": n(v)} for v in tick_values(axis_max, step)]
    xticks = [
        {"x": x(d), "text": str(d.year) if d.month == 1 else d.strftime("%b %Y")}
        for d in _month_ticks(first, last)
    ]
    drawn = []
    for s in series:
        marks, joins, last_at = [], [], None
        for r in s.points:
            q = r.get("qualifier")
            v, low, high = r.get("value"), r.get("value_low"), r.get("value_high")
            at = x(r.get("as_of_start"))
            end = max(x(_day_after(r.get("as_of_end"))), at + 2)
            if q in UPPER:
                bound = high if high is not None else v
                reach = {"cls": "reach down", "x": at, "y1": y(bound), "y2": y(0)}
            elif q in LOWER:
                bound = low if low is not None else v
                reach = {"cls": "reach up", "x": at, "y1": y(bound), "y2": top + 8}
                reach["arrow"] = f"{at},{top} {at - 6},{top + 10} {at + 6},{top + 10}"
            elif q == "range":
                bound = high
                reach = {"cls": "reach", "x": at, "y1": y(high), "y2": y(low)}
            else:
                bound, reach = v, None
            if last_at is not None and last_at[0] != r.get("as_of_start"):
                joins.append((last_at[1], last_at[2], at, y(bound)))
            last_at = (r.get("as_of_start"), at, y(bound))
            marks.append(
                {
                    "href": href(r),
                    "tip": _tip(r),
                    "x": at,
                    "end": end,
                    "y": y(bound),
                    "reach": reach,
                    "hollow": q not in ("exact", "approximately", "range"),
                    "words": value_words(r),
                }
            )
        drawn.append({"colour": s.colour, "who": s.claimant, "marks": marks, "joins": joins})
    return jinja.render(
        "series_chart.svg",
        id=chart_id,
        title=title,
        width=width,
        height=height,
        left=left,
        top=top,
        base=base,
        plot_end=left + plot_w,
        unit=unit,
        xticks=xticks,
        yticks=yticks,
        series=drawn,
    )
