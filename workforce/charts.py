"""Server-rendered SVG line charts (no JavaScript). Each chart names itself for screen readers and is always
shown beside a table holding the same figures. Series differ by dash and marker shape, not colour alone."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .calculations import Value, display

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 170, 20, 40
INK = "#0b0c0c"
STYLES = [
    ("#1d70b8", "", "circle"),
    ("#d4351c", "6 4", "square"),
    ("#00703c", "2 3", "triangle"),
    ("#4c2c92", "10 3 2 3", "diamond"),
]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    points = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
    return f'<path d="{points}" fill="{colour}"/>'


def line_chart(
    *, chart_id: str, title: str, years: list[int], series: list[tuple[str, list[Value]]], unit: str
) -> SafeString:
    numbers = [v for _, values in series for v in values if isinstance(v, Decimal)]
    top = max(numbers, default=Decimal(1))
    top = Decimal(1) if top <= 0 else top * Decimal("1.1")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(years) - 1, 1)

    def xy(index: int, value: Decimal) -> tuple[float, float]:
        return LEFT + index * step, TOP + plot_h - float(value / top) * plot_h

    summary = "; ".join(
        f"{label}: " + ", ".join(f"{y} {display(v)}" for y, v in zip(years, values, strict=True) if v is not None)
        for label, values in series
    )
    parts = [
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)} by year ({escape(unit)})</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}. The table beside this chart has the same figures.</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{display(value)}</text>'
        )
    for index, year in enumerate(years):
        x = LEFT + index * step
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
            f'fill="{INK}">{year}</text>'
        )
    for number, (label, values) in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        segment: list[str] = []
        segments = []
        for index, value in enumerate(values):
            if isinstance(value, Decimal):
                x, y = xy(index, value)
                segment.append(f"{x:.1f},{y:.1f}")
                parts.append(_marker(shape, x, y, colour))
            elif segment:
                segments.append(segment)
                segment = []
        if segment:
            segments.append(segment)
        for points in segments:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        ly = TOP + 14 + number * 22
        lx = WIDTH - RIGHT + 14
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 26}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        parts.append(_marker(shape, lx + 13, ly, colour))
        parts.append(f'<text x="{lx + 32}" y="{ly + 4}" font-size="12" fill="#0b0c0c">{escape(label[:22])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308 B703 # labels are escaped; the rest are numbers we format
