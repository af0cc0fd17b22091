"""Server-rendered SVG bar charts for the course figures (no JavaScript).

Each chart names itself for screen readers (``role="img"`` with a title and a description giving every
figure) and is always shown beside a table of the same figures. Labels and values are written on the bars'
rows, so nothing depends on colour. The same markup goes into the PDF (WeasyPrint draws inline SVG)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 420
ROW = 54  # a label line, then its bar
BAR_HEIGHT = 20
VALUE_ROOM = 60
BAR = "#1d70b8"
INK = "#0b0c0c"
FONT = 18


def bar_chart(*, chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """Horizontal bars, each under its label (so long names are never cut), in the order given; nothing when
    there are no figures."""
    if not rows:
        return SafeString("")
    top = max(value for _, value in rows) or 1
    span = WIDTH - VALUE_ROOM
    height = ROW * len(rows) + 4
    description = "; ".join(f"{label}: {value}" for label, value in rows)
    parts = [
        f'<svg class="app-bar-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'style="font-family: inherit; width: 100%; height: auto" font-size="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * ROW
        length = span * value / top
        parts.append(
            f'<text x="0" y="{y + 18}" fill="{INK}">{escape(label)}</text>'
            f'<rect x="0" y="{y + 25}" width="{max(length, 1):.1f}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            f'<text x="{length + 6:.1f}" y="{y + 25 + BAR_HEIGHT - 5}" fill="{INK}">{value}</text>'
        )
    parts.append("</svg>")
    markup = "".join(parts)
    return mark_safe(markup)  # nosec B308 B703 # every piece of text in it is escaped above; the rest is numbers
