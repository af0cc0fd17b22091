"""Report builders shared by the pages, the API, the command and the downloads (CSV, Excel, PDF)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.text import slugify

from accounts.exports import csv_rows, safe_cell, write_sheet
from accounts.jobs import JobContext, job_handler

from .calculations import COUNTS, RATES, display, display_count
from .charts import legend, line_chart
from .selectors import ReportRow, UnitReport, report_rows, unit_report

REPORT_COLUMNS = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    *COUNTS,
    *RATES,
    "source",
    "councils_included",
]
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def record(row: ReportRow) -> dict[str, str]:
    return {
        "time_period": str(row.year),
        "geographic_level": row.level,
        "region_code": row.region_code if row.level != "National" else "",
        "region_name": row.region_name,
        "old_la_code": row.old_la_code,
        "new_la_code": row.new_la_code,
        "la_name": row.la_name,
        **{name: display_count(row.counts.get(name)) for name in COUNTS},
        **{name: display(row.rates.get(name)) for name in RATES},
        "source": row.source,
        "councils_included": "" if row.councils is None else str(row.councils),
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
                        own.source_label.lower(),
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
                            comparison.notes.get(year, comparison.source),
                        ]
                    )
    return rows


def report_filename(report: UnitReport, extension: str) -> str:
    """Named as people file it: by council and year (workforce-report-county-durham-2024.csv), not our number."""
    name = slugify(report.unit.name) or slugify(report.unit.code.replace(" / ", "-"))
    year = f"-{report.latest_year}" if report.latest_year else ""
    return f"workforce-report-{name}{year}.{extension}"


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
                "legend": legend(series),
                "ranks": [(r.label, r.by_rate.get(name)) for r in report.rankings],
                "rows": [
                    (
                        year,
                        [
                            display(values[i])
                            if values[i] is not None
                            else ("no return" if column == 0 and year in report.missing_years else "–")
                            for column, (_, values) in enumerate(series)
                        ],
                    )
                    for i, year in enumerate(report.years)
                ],
            }
        )
    return blocks


def unit_report_csv(report: UnitReport) -> bytes:
    """Data rows only: the attribution and the meaning of the symbols are in the companion metadata file."""
    return "".join(csv_rows(UNIT_COLUMNS, unit_report_rows(report))).encode("utf-8")


def unit_report_xlsx(report: UnitReport) -> bytes:
    counts = [
        [year, *[display_count(report.own[year].counts.get(c)) for c in COUNTS], report.own[year].source]
        for year in sorted(report.own)
    ]
    return workbook(
        [
            ("Rates", UNIT_COLUMNS, unit_report_rows(report)),
            ("Your counts", ["time_period", *COUNTS, "source"], counts),
        ]
    )


def records_csv(columns: list[str], records: list[dict]) -> bytes:
    return "".join(csv_rows(columns, ([r[c] for c in columns] for r in records))).encode("utf-8")


def records_xlsx(columns: list[str], records: list[dict]) -> bytes:
    return workbook([("Figures", columns, [[r[c] for c in columns] for r in records])])


METADATA = """Children's social work workforce figures: data guidance

{attribution}
Source: Department for Education, Children's social work workforce statistics, reporting years {years}
(https://explore-education-statistics.service.gov.uk/find-statistics/children-s-social-work-workforce).

Each row is one area (England, a region — the nine regions and Inner and Outer London — or a local
authority) in one reporting year, ending 30 September. The column "source" says where each figure comes
from: "published" is exactly the Department's figure; "provisional" is worked out by this service from the
returns councils have sent for a year the Department has not published yet ("councils_included" says how
many councils a provisional regional or England figure adds up).

Symbols, as the Department uses them:
{symbols}

Measures:
{measures}
"""


def metadata_text() -> str:
    from .calculations import SYMBOLS
    from .selectors import published_years

    years = published_years()
    return METADATA.format(
        attribution=ATTRIBUTION,
        years=f"{min(years)} to {max(years)}" if years else "(none loaded)",
        symbols="\n".join(f"  {k}  {v}" for k, v in SYMBOLS.items()),
        measures="\n".join(
            [f"  {n}  {label}" for n, label in COUNTS.items()]
            + [f"  {n}  {r.label} ({r.unit})" for n, r in RATES.items()]
        ),
    )


def workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """Excel with a bold, frozen header row, columns wide enough for their contents, and the attribution and
    the symbols on a sheet of their own (never inside the data)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .calculations import SYMBOLS

    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        write_sheet(book.create_sheet(title), columns, rows, value=_xlsx_value)
    about = book.create_sheet("About")
    about.append(["About these figures"])
    about["A1"].font = Font(bold=True)
    for line in [ATTRIBUTION, "", "Symbols:", *[f"{k}: {v}" for k, v in SYMBOLS.items()]]:
        about.append([line])
    about.column_dimensions["A"].width = 90
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
        {
            "report": report,
            "blocks": blocks,
            "attribution": ATTRIBUTION,
            "rates": RATES,
            "generated_on": timezone.localtime(),
        },
    )
    context.progress(95, "Saving the PDF")
    context.save_result(
        filename=report_filename(report, "pdf"),
        content=content,
        content_type="application/pdf",
    )
    # The finished page shows the last message under "Ready": it must describe the result, not a step.
    context.progress(100, "Your PDF report with the charts is ready to download.")


@job_handler("workforce_upload")
def check_and_save_upload(context: JobContext) -> None:
    """A large upload, checked and saved outside the request with progress; nothing is saved if any row is wrong."""
    from django.core.files.storage import default_storage

    from accounts.models import User
    from accounts.services import ServiceError

    from . import services
    from .validation import ReturnProblems

    path = context.params["path"]
    user = User.objects.get(pk=context.job.created_by_id)
    context.progress(5, "Reading your file")
    with default_storage.open(path, "rb") as handle:
        data = handle.read()
    try:
        counts = services.upload_returns(
            data=data,
            by=user,
            reason=context.params.get("reason", ""),
            progress=lambda done, total: context.progress(10 + 70 * done // max(total, 1), f"Checked {done:,} rows"),
        )
    except ReturnProblems as exc:
        raise ServiceError(
            "Nothing was saved. " + " · ".join(str(p) for p in exc.shown[:20]) + _more(len(exc.problems) - 20)
        ) from exc
    finally:
        default_storage.delete(path)
    from .views import upload_message

    context.progress(100, upload_message(counts))


def _more(rest: int) -> str:
    return f" · …and {rest:,} more problems." if rest > 0 else ""
