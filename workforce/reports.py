"""Report builders shared by the pages, the API, the command and the downloads (CSV, Excel, PDF)."""

from __future__ import annotations

import io

from accounts.exports import csv_rows, safe_cell
from accounts.jobs import JobContext, job_handler

from .calculations import COUNTS, RATES, display, display_count
from .charts import line_chart
from .selectors import ReportRow, UnitReport, report_rows, unit_report

REPORT_COLUMNS = [
    "time_period",
    "geographic_level",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    *COUNTS,
    *RATES,
]
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def record(row: ReportRow) -> dict[str, str]:
    return {
        "time_period": str(row.year),
        "geographic_level": row.level,
        "region_name": row.region_name,
        "old_la_code": row.old_la_code,
        "new_la_code": row.new_la_code,
        "la_name": row.la_name,
        **{name: display_count(row.counts.get(name)) for name in COUNTS},
        **{name: display(row.rates.get(name)) for name in RATES},
    }


def report_records(year: int, level: str = "la") -> list[dict[str, str]]:
    return [record(row) for row in report_rows(year, level)]


def write_csv(columns: list[str], records: list[dict]) -> str:
    """For standard output: the shared writer's escaping, without the BOM added for Excel downloads."""
    return "".join(csv_rows(columns, ([r[c] for c in columns] for r in records))).removeprefix("\ufeff")


# ---- one authority's report: tables, charts, downloads ------------------------------------------

UNIT_COLUMNS = ["measure", "measure_name", "time_period", "area", "value", "unit", "source"]


def unit_report_rows(report: UnitReport) -> list[list[str]]:
    rows = []
    for name, rate in RATES.items():
        for year in report.years:
            own = report.own.get(year)
            if own is not None:
                rows.append(
                    [
                        name,
                        rate.label,
                        year,
                        report.unit.name,
                        display(own.rates.get(name)),
                        rate.unit,
                        "your return" if own.source == "return" else "published",
                    ]
                )
            for comparison in report.comparisons:
                if year in comparison.by_year:
                    rows.append(
                        [
                            name,
                            rate.label,
                            year,
                            comparison.label,
                            display(comparison.by_year[year].get(name)),
                            rate.unit,
                            comparison.source,
                        ]
                    )
    return rows


def chart_blocks(report: UnitReport) -> list[dict]:
    """For each rate: the chart and the table of the same figures."""
    blocks = []
    for index, (name, rate) in enumerate(RATES.items()):
        series = report.series(name)
        blocks.append(
            {
                "name": name,
                "rate": rate,
                "chart": line_chart(
                    chart_id=f"chart-{index}", title=rate.label, years=report.years, series=series, unit=rate.unit
                ),
                "labels": [label for label, _ in series],
                "rows": [
                    (year, [display(values[i]) if values[i] is not None else "–" for _, values in series])
                    for i, year in enumerate(report.years)
                ],
                "rank": report.ranks.get(name),
            }
        )
    return blocks


def unit_report_csv(report: UnitReport) -> bytes:
    rows = [*unit_report_rows(report), [ATTRIBUTION, "", "", "", "", "", ""]]
    return "".join(csv_rows(UNIT_COLUMNS, rows)).encode("utf-8")


def unit_report_xlsx(report: UnitReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Rates"
    sheet.append(UNIT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in unit_report_rows(report):
        sheet.append([_xlsx_value(v) for v in row])
    sheet.append([ATTRIBUTION])
    counts = book.create_sheet("Your counts")
    counts.append(["time_period", *COUNTS, "source"])
    for year in sorted(report.own):
        own = report.own[year]
        counts.append([year, *[_xlsx_value(display_count(own.counts.get(c))) for c in COUNTS], own.source])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    """Numbers stay numbers; any text goes through the same formula-injection escape as CSV."""
    if isinstance(value, int | float):
        return value
    text = safe_cell(value)
    try:
        return float(text) if text and text[0].isdigit() else text
    except ValueError:
        return text


@job_handler("workforce_report_pdf")
def build_report_pdf(context: JobContext) -> None:
    from accounts.pdf import render_pdf

    from .models import ReportingUnit

    unit = (
        ReportingUnit.objects.prefetch_related("organisations")
        .select_related("region")
        .get(pk=context.params["unit_id"])
    )
    context.progress(10, "Gathering the figures")
    report = unit_report(unit)
    context.progress(40, "Drawing the charts")
    blocks = chart_blocks(report)
    context.progress(60, "Writing the PDF")
    content = render_pdf(
        "workforce/report_pdf.html",
        {"report": report, "blocks": blocks, "attribution": ATTRIBUTION, "rates": RATES},
    )
    context.progress(95, "Saving")
    context.save_result(
        filename=f"workforce-report-{unit.code.replace(' / ', '-')}.pdf",
        content=content,
        content_type="application/pdf",
    )
