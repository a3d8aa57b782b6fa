"""Server-side SVG charts of indicators: the measurements against the target path.

Written out by hand rather than with pygal: pygal always embeds a ``<style>`` element and
a ``<script>`` with its configuration (``js=[]`` and ``css=[]`` only drop the external
files), which the page's Content Security Policy blocks inline, and it stamps the
generation date into a comment, so the same figures would not give the same bytes (a
report PDF must). This builder writes plain SVG 1.1 that WeasyPrint renders as the
browser does:

- colours are *presentation attributes* (``stroke="..."``), which a CSP does not govern
  and which need no stylesheet, so the chart looks the same inline on a page, in an
  ``<img>`` and in a PDF; every element also has a class, so the page's stylesheet may
  restyle it;
- no ``style`` attributes, no ``<style>``, no scripts, no external references;
- all text is escaped; coordinates are rounded to one decimal: same input, same bytes;
- accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` that says the figures in
  words (latest value, target, status, forecast). The page puts the data table beside it.
  Measurements, targets and the baseline have different shapes, not only colours.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agenda.indicator_maths import GREEN, RED, Point

if TYPE_CHECKING:
    from agenda.selectors.indicators import IndicatorSummary

WIDTH = 640
HEIGHT = 320
LEFT = 64
RIGHT = 20
TOP = 40
BOTTOM = 36
# Above this many measurements only the line is drawn, not a dot per measurement.
MAX_DOTS = 80

TEXT = "#1a1a1a"
MUTED = "#4a4a4a"  # on white 8.9:1
GRID = "#d9d9d9"
PATH = "#4a4a4a"
MEASURED = "#01689b"  # on white 6.1:1
RAG_COLOURS = {GREEN: "#39870c", "amber": "#a15c00", RED: "#d52b1e"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _f(value: float) -> str:
    """A coordinate, rounded to one decimal, without "-0.0" or a needless ".0"."""
    text = f"{round(value, 1):.1f}"
    if text == "-0.0":
        text = "0.0"
    return text.removesuffix(".0")


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        parts.append(f"{name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    return " ".join(parts)


def _element(tag: str, text: str | None = None, **attributes) -> str:
    attrs = _attrs(**attributes)
    opening = f"<{tag} {attrs}" if attrs else f"<{tag}"
    if text is None:
        return opening + "/>"
    return f"{opening}>{escape(text)}</{tag}>"


def nice_step(span: float, count: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts ``span`` into about ``count``."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values that cover ``low`` to ``high``."""
    if low == high:
        low, high = (low - 1, high + 1) if low != 0 else (0.0, 1.0)
    step = nice_step(high - low, count)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks = []
    n = 0
    while first + n * step <= last + step / 2:
        ticks.append(round(first + n * step, 10))
        n += 1
    return ticks


def _decimals_of(step: float) -> int:
    return max(0, -math.floor(math.log10(step))) if step < 1 else 0


def date_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """Ticks on 1 January of the years in range (every so many years when they are many),
    or on the first of the months for a span under two years."""
    if (end - start).days >= 2 * 365:
        years = list(range(start.year + (start > datetime.date(start.year, 1, 1)), end.year + 1))
        every = max(1, math.ceil(len(years) / 8))
        return [(datetime.date(y, 1, 1), str(y)) for y in years[::every]]
    months = []
    year, month = start.year, start.month
    if start.day > 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while datetime.date(year, month, 1) <= end:
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    every = max(1, math.ceil(len(months) / 8))
    return [(day, date_format(day, "M Y")) for day in months[::every]]


class _Scale:
    def __init__(self, start: datetime.date, end: datetime.date, low: float, high: float):
        self.start = start
        self.days = max((end - start).days, 1)
        self.low = low
        self.span = (high - low) or 1.0

    def x(self, day: datetime.date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - self.start).days / self.days

    def y(self, value: float | Decimal) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (float(value) - self.low) / self.span


def _points_attr(scale: _Scale, points: Sequence[Point]) -> str:
    return " ".join(f"{_f(scale.x(p.on))},{_f(scale.y(p.value))}" for p in points)


def _diamond(cx: float, cy: float, r: float) -> str:
    return " ".join(
        f"{_f(x)},{_f(y)}" for x, y in ((cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy))
    )


def indicator_chart_svg(
    summary: IndicatorSummary,
    *,
    measurements: Sequence[Point] | None = None,
    targets: Sequence[Point] | None = None,
    id_prefix: str = "indicator-chart",
    marker_label: str | None = None,
) -> SafeString:
    """The SVG of ``summary``'s measurements (default: those it was read with) against its
    target path (default: its own targets). A dashed line marks ``summary.today``, labelled
    ``marker_label`` (default: "today"; a report says "end of period")."""
    indicator = summary.indicator
    baseline = summary.path.baseline
    measured = list(measurements if measurements is not None else summary.measurements)
    target_points = sorted(
        targets if targets is not None else summary.path.targets, key=lambda p: p.on
    )
    path_points = [baseline, *(t for t in target_points if t.on > baseline.on)]
    series = [baseline, *measured]
    dated = [p.on for p in (*path_points, *measured)]
    start, end = min(dated), max(dated)
    if summary.today and start <= summary.today <= end + datetime.timedelta(days=366):
        end = max(end, summary.today)
    if end == start:
        end = start + datetime.timedelta(days=1)
    values = [float(p.value) for p in (*path_points, *measured)]
    low, high = min(values), max(values)
    if low >= 0:
        low = 0.0
    ticks = value_ticks(low, high)
    # A little room after the last date, so its marker is not cut off at the edge.
    scale = _Scale(
        start, end + datetime.timedelta(days=max(1, (end - start).days // 40)), ticks[0], ticks[-1]
    )
    decimals = _decimals_of(ticks[1] - ticks[0]) if len(ticks) > 1 else 0

    base = f"{id_prefix}-{indicator.pk}"
    title = indicator.name + (f" ({indicator.unit})" if indicator.unit else "")
    parts = [
        "<svg "
        + _attrs(
            xmlns="http://www.w3.org/2000/svg",
            class_="indicator-chart",
            viewBox=f"0 0 {WIDTH} {HEIGHT}",
            width=WIDTH,
            height=HEIGHT,
            role="img",
            aria_labelledby=f"{base}-title",
            aria_describedby=f"{base}-desc",
            font_family=FONT,
            font_size=12,
        )
        + ">",
        _element("title", title, id=f"{base}-title"),
        _element("desc", summary.summary_text, id=f"{base}-desc"),
        _element(
            "rect",
            class_="indicator-chart__background",
            x=0,
            y=0,
            width=WIDTH,
            height=HEIGHT,
            fill="#ffffff",
        ),
    ]

    # Grid and axes
    parts.append('<g class="indicator-chart__grid">')
    for tick in ticks:
        y = _f(scale.y(tick))
        parts.append(
            _element("line", x1=LEFT, y1=y, x2=WIDTH - RIGHT, y2=y, stroke=GRID, stroke_width=1)
        )
        label = number_format(Decimal(str(tick)), decimal_pos=decimals)
        parts.append(
            _element(
                "text",
                label,
                class_="indicator-chart__label",
                x=LEFT - 8,
                y=_f(scale.y(tick) + 4),
                text_anchor="end",
                fill=MUTED,
            )
        )
    for day, label in date_ticks(start, end):
        x = _f(scale.x(day))
        parts.append(
            _element("line", x1=x, y1=TOP, x2=x, y2=HEIGHT - BOTTOM, stroke=GRID, stroke_width=1)
        )
        parts.append(
            _element(
                "text",
                label,
                class_="indicator-chart__label",
                x=x,
                y=HEIGHT - BOTTOM + 18,
                text_anchor="middle",
                fill=MUTED,
            )
        )
    bottom = _f(HEIGHT - BOTTOM)
    parts.append(
        _element(
            "line",
            class_="indicator-chart__axis",
            x1=LEFT,
            y1=bottom,
            x2=WIDTH - RIGHT,
            y2=bottom,
            stroke=MUTED,
            stroke_width=1,
        )
    )
    parts.append("</g>")

    # Today
    if start <= summary.today <= end:
        x = _f(scale.x(summary.today))
        parts.append(
            _element(
                "line",
                class_="indicator-chart__today",
                x1=x,
                y1=TOP,
                x2=x,
                y2=HEIGHT - BOTTOM,
                stroke=MUTED,
                stroke_width=1,
                stroke_dasharray="2 3",
            )
        )
        parts.append(
            _element(
                "text",
                _("today") if marker_label is None else marker_label,
                class_="indicator-chart__label",
                x=_f(scale.x(summary.today) - 4),
                y=TOP + 12,
                text_anchor="end",
                fill=MUTED,
            )
        )

    # The target path: the line held flat after the last target, the points as diamonds
    parts.append('<g class="indicator-chart__target-path">')
    held = [*path_points]
    if len(path_points) > 1 and end > path_points[-1].on:
        held.append(Point(end, path_points[-1].value))
    if len(held) > 1:
        parts.append(
            _element(
                "polyline",
                points=_points_attr(scale, held),
                fill="none",
                stroke=PATH,
                stroke_width=2,
                stroke_dasharray="6 4",
            )
        )
    for point in path_points[1:]:
        parts.append(
            _element(
                "polygon",
                class_="indicator-chart__target",
                points=_diamond(scale.x(point.on), scale.y(point.value), 6),
                fill="#ffffff",
                stroke=PATH,
                stroke_width=2,
            )
        )
    parts.append(
        _element(
            "rect",
            class_="indicator-chart__baseline",
            x=_f(scale.x(baseline.on) - 4.5),
            y=_f(scale.y(baseline.value) - 4.5),
            width=9,
            height=9,
            fill=PATH,
        )
    )
    parts.append("</g>")

    # The measurements: a line from the baseline, a dot each, the latest ringed in its status
    parts.append('<g class="indicator-chart__measurements">')
    if len(series) > 1:
        parts.append(
            _element(
                "polyline",
                points=_points_attr(scale, series),
                fill="none",
                stroke=MEASURED,
                stroke_width=2.5,
            )
        )
    if len(measured) <= MAX_DOTS:
        for point in measured:
            parts.append(
                _element(
                    "circle",
                    class_="indicator-chart__measurement",
                    cx=_f(scale.x(point.on)),
                    cy=_f(scale.y(point.value)),
                    r=3.5,
                    fill=MEASURED,
                )
            )
    if measured and summary.rag:
        latest = measured[-1]
        parts.append(
            _element(
                "circle",
                class_=f"indicator-chart__latest indicator-chart__latest--{summary.rag}",
                cx=_f(scale.x(latest.on)),
                cy=_f(scale.y(latest.value)),
                r=7,
                fill="none",
                stroke=RAG_COLOURS[summary.rag],
                stroke_width=3,
            )
        )
    parts.append("</g>")

    # Legend
    parts.append('<g class="indicator-chart__legend">')
    parts.append(
        _element(
            "line",
            x1=LEFT,
            y1=16,
            x2=LEFT + 28,
            y2=16,
            stroke=PATH,
            stroke_width=2,
            stroke_dasharray="6 4",
        )
    )
    parts.append(
        _element(
            "polygon",
            points=_diamond(LEFT + 14, 16, 5),
            fill="#ffffff",
            stroke=PATH,
            stroke_width=2,
        )
    )
    parts.append(_element("text", _("Target path"), x=LEFT + 36, y=20, fill=TEXT))
    parts.append(
        _element(
            "line", x1=LEFT + 190, y1=16, x2=LEFT + 218, y2=16, stroke=MEASURED, stroke_width=2.5
        )
    )
    parts.append(_element("circle", cx=LEFT + 204, cy=16, r=3.5, fill=MEASURED))
    parts.append(_element("text", _("Measurements"), x=LEFT + 226, y=20, fill=TEXT))
    parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped above
