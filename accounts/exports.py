"""CSV writing shared by every download: UTF-8 with BOM for Excel, formula-looking cells escaped."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from .jobs import JobContext, job_handler
from .models import AuditEvent

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading apostrophe stops that.

    Numbers are left alone so negative figures stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    return "".join(csv_rows(header, rows)).encode("utf-8")


def streaming_csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_sheet(sheet, header: list[str], rows: Iterable[Iterable], *, value=lambda v: v) -> None:
    """A spreadsheet's data: a bold, frozen header row, each cell through ``value`` (numbers kept as numbers,
    text escaped), and columns as wide as their contents (up to 60)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = [value(v) for v in row]
        sheet.append(values)
        widths = [max(w, len(str(v))) for w, v in zip(widths, values, strict=False)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"


AUDIT_HEADER = ["When", "Who", "Action", "Record type", "Record id", "Record", "From", "To", "Reason"]


@job_handler("audit_export")
def export_audit_events(context: JobContext) -> None:
    events = AuditEvent.objects.select_related("content_type").order_by("occurred_at", "id")
    if context.params.get("since"):
        events = events.filter(occurred_at__date__gte=context.params["since"])
    total = events.count() or 1

    def rows():
        for done, event in enumerate(events.iterator(chunk_size=2000), start=1):
            yield (
                event.occurred_at.isoformat(),
                event.actor_label,
                event.action,
                f"{event.content_type.app_label}.{event.content_type.model}",
                event.object_id,
                event.object_repr,
                event.from_state,
                event.to_state,
                event.reason,
            )
            if done % 500 == 0:
                context.progress(done * 100 // total, f"{done:,} of {total:,} events written")

    content = csv_bytes(AUDIT_HEADER, rows())
    context.progress(100, f"{total:,} events written")
    context.save_result(filename="audit-log.csv", content=content, content_type="text/csv; charset=utf-8")
