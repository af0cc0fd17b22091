"""Server-rendered SVG line charts (no JavaScript). Each chart names itself for screen readers and is always
shown beside a table holding the same figures. Series differ by dash and marker shape, not colour alone.

The text names GOV.UK's typeface itself (the SVG's ``font-family``), so it never falls back to the browser's serif
default, in the page or in the PDF. Axis ticks are round numbers (0, 5, 10, 15) and the unit is the y-axis title
inside the drawing; year labels are counted back from the latest year and spaced so they never touch; a year with
no figure breaks the line rather than joining across it; the legend is an HTML list under the chart, so it is never
cut off and reflows at 320 px.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .calculations import Value, display

# A small drawing scaled to the column (at most 440px wide in app.css): 16 units of text are about 14px on a
# 320px screen and 20px on a wide one.
WIDTH, HEIGHT = 340, 240
LEFT, RIGHT, TOP, BOTTOM = 38, 20, 34, 32
FONT = 16
FONT_FAMILY = '"GDS Transport", arial, sans-serif'
# Room for one year label ("2024" at 16 units is about 36 wide) and a gap, so neighbours never collide.
YEAR_LABEL_SPACE = 50
INK = "#0b0c0c"
STYLES = [
    ("#1d70b8", "", "circle"),
    ("#d4351c", "6 4", "square"),
    ("#00703c", "2 3", "triangle"),
    ("#4c2c92", "10 3 2 3", "diamond"),
    ("#b58840", "4 2", "circle"),
]


def nice_ticks(top: float, *, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def unit_title(unit: str) -> str:
    """The y-axis title: "%" alone is easy to miss, so it is said in words too."""
    return "Per cent (%)" if unit == "%" else unit.capitalize()


def _tick_label(value: float) -> str:
    return f"{value:g}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    points = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
    return f'<path d="{points}" fill="{colour}"/>'


def year_label_indexes(count: int, step: float) -> list[int]:
    """Which years get a label: every nth, counted back from the latest so the last two never crowd each other."""
    if count <= 0:
        return []
    every = max(1, math.ceil(YEAR_LABEL_SPACE / step)) if count > 1 else 1
    return sorted(range(count - 1, -1, -every))


def line_chart(
    *, chart_id: str, title: str, years: list[int], series: list[tuple[str, list[Value]]], unit: str
) -> SafeString:
    numbers = [float(v) for _, values in series for v in values if isinstance(v, Decimal)]
    ticks = nice_ticks(max(numbers, default=1.0))
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(years) - 1, 1)

    def xy(index: int, value: Decimal) -> tuple[float, float]:
        return LEFT + index * step, TOP + plot_h - float(value) / top * plot_h

    summary = "; ".join(
        f"{label}: "
        + ", ".join(f"{y} {display(v) if v is not None else 'no figure'}" for y, v in zip(years, values, strict=True))
        for label, values in series
    )
    parts = [
        f'<svg class="app-chart__svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f"font-size=\"{FONT}\" font-family='{FONT_FAMILY}'>",
        f'<title id="{chart_id}-title">{escape(title)} by year ({escape(unit)})</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}. The table below this chart has the same figures.</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        # The unit is the y-axis title, at the top of the axis it measures.
        f'<text x="0" y="{FONT}" fill="{INK}">{escape(unit_title(unit))}</text>',
    ]
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" fill="{INK}">{_tick_label(tick)}</text>')
    for index in year_label_indexes(len(years), step):
        year = years[index]
        x = LEFT + index * step
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 24}" text-anchor="middle" fill="{INK}">{year}</text>')
    for number, (_label, values) in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        segment: list[str] = []
        segments = []
        for index, value in enumerate(values):
            if isinstance(value, Decimal):
                x, y = xy(index, value)
                segment.append(f"{x:.1f},{y:.1f}")
                parts.append(_marker(shape, x, y, colour))
            else:  # a missing year (or a symbol) breaks the line: nothing is drawn across it
                if segment:
                    segments.append(segment)
                segment = []
        if segment:
            segments.append(segment)
        for points in (p for p in segments if len(p) > 1):  # a lone year is its marker alone
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
    parts.append("</svg>")
    markup = "".join(parts)
    return mark_safe(markup)  # nosec B308 B703 # labels are escaped; the rest are numbers we format


def legend(series: list[tuple[str, list[Value]]]) -> SafeString:
    """The key as an HTML list: full labels that wrap, each with the line and marker it stands for."""
    items = []
    for number, (label, _) in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        swatch = mark_safe(  # nosec B308 B703 # colours and shapes are ours; no user text
            f'<svg width="34" height="14" viewBox="0 0 34 14" aria-hidden="true" focusable="false">'
            f'<line x1="1" x2="33" y1="7" y2="7" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            f"{_marker(shape, 17, 7, colour)}</svg>"
        )
        items.append((swatch, label))
    return format_html('<ul class="app-chart__legend">{}</ul>', format_html_join("", "<li>{} {}</li>", items))
