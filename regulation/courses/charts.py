"""Server-rendered SVG bar charts for the course figures (no JavaScript).

Each chart names itself for screen readers (``role="img"`` with a title and a description giving every
figure) and is always shown beside a table of the same figures. Labels and values are written on the bars'
rows, so nothing depends on colour. The same markup goes into the PDF (WeasyPrint draws inline SVG)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 420
ROW = 34
LABEL_WIDTH = 170
VALUE_ROOM = 46
BAR = "#1d70b8"
INK = "#0b0c0c"
FONT = 15


def bar_chart(*, chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one a row, longest first as given; an empty chart says so."""
    if not rows:
        return mark_safe("")
    top = max(value for _, value in rows) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = ROW * len(rows) + 8
    description = "; ".join(f"{label}: {value}" for label, value in rows)
    parts = [
        f'<svg class="app-bar-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW
        length = span * value / top
        short = label if len(label) <= 22 else label[:21] + "…"
        baseline = y + ROW / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{baseline:.1f}" text-anchor="end" fill="{INK}">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{max(length, 1):.1f}" height="{ROW - 10}" fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{baseline:.1f}" fill="{INK}">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text in it is escaped above
