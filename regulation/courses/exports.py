"""The course figures as rows, and as CSV, Excel and PDF: one list of rows for every format."""

from __future__ import annotations

import io

from accounts.exports import safe_cell, write_sheet

from .charts import bar_chart


def figures_header(data: dict) -> list[str]:
    return ["Measure", "Group", *[d.isoformat() for d in data["dates"]]]


def figures_rows(data: dict) -> list[list]:
    rows = []
    for name, table in data["tables"].items():
        for row in table:
            rows.append([f"Approved courses by {name}", row["label"], *row["counts"]])
    for label, count in data["outcomes"]:
        rows.append(["Applications decided by outcome", label, count])
    for region, places in data["places"]:
        rows.append(["Annual places on approved courses by region (today)", region, places])
    rows.append(["Median days from application to decision (clock paused)", "", data["median_days"] or ""])
    return rows


def figures_charts(data: dict) -> list[dict]:
    """The charts drawn beside the tables: approved courses today by level, places by region, outcomes."""
    today_by_level = [(row["label"], row["counts"][-1]) for row in data["tables"]["level"] if row["counts"][-1]]
    return [
        {
            "id": "chart-level",
            "title": "Approved courses today, by level",
            "svg": bar_chart(chart_id="chart-level", title="Approved courses today, by level", rows=today_by_level),
        },
        {
            "id": "chart-places",
            "title": "Annual places on approved courses, by region",
            "svg": bar_chart(
                chart_id="chart-places", title="Annual places on approved courses, by region", rows=data["places"]
            ),
        },
        {
            "id": "chart-outcomes",
            "title": "Applications decided, by outcome",
            "svg": bar_chart(
                chart_id="chart-outcomes", title="Applications decided, by outcome", rows=data["outcomes"]
            ),
        },
    ]


def _xlsx_value(value):
    """Numbers stay numbers; text goes through the CSV's formula-injection escape."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def figures_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    header = figures_header(data)
    book = Workbook()
    sheet = book.active
    sheet.title = "Course figures"
    write_sheet(sheet, header, figures_rows(data), value=_xlsx_value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def figures_pdf(data: dict) -> bytes:
    from accounts.pdf import render_pdf

    return render_pdf("regulation/courses/figures_pdf.html", {"figures": data, "charts": figures_charts(data)})
