"""Writes: drafts, submissions, corrections and bulk loads of workforce returns. Every change is a new
ReturnVersion and an audit event; nothing is saved unless every return in the request is valid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import record_event, require

from .calculations import COUNTS, Value
from .models import ReportingUnit, ReturnVersion, WorkforceReturn
from .validation import (
    ParsedReturn,
    Problem,
    ReturnProblems,
    check_values,
    check_year,
    decode_upload,
    parse_rows,
    read_csv,
)


def _json_values(values: dict[str, Value]) -> dict[str, str | None]:
    return {name: (f"{v.normalize():f}" if isinstance(v, Decimal) else v) for name, v in values.items()}


def _changes(before: dict[str, Value], after: dict[str, Value]) -> dict:
    old, new = _json_values(before), _json_values(after)
    return {name: [old.get(name), new.get(name)] for name in COUNTS if old.get(name) != new.get(name)}


def _overlapping_return(unit: ReportingUnit, year: int) -> WorkforceReturn | None:
    """A council reporting jointly in a year cannot also report alone (or in another pair) that year."""
    return (
        WorkforceReturn.objects.filter(year=year, unit__organisations__in=unit.organisations.all())
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )


def _write(
    *,
    unit: ReportingUnit,
    year: int,
    values: dict[str, Value],
    by: User | None,
    status: str,
    source: str,
    reason: str,
    existing: WorkforceReturn | None,
) -> WorkforceReturn:
    if existing is None:
        overlap = _overlapping_return(unit, year)
        require(
            overlap is None,
            f"{overlap.unit if overlap else ''} already has a {year} return covering this council.",
        )
        ret = WorkforceReturn(unit=unit, year=year, created_by=by, source=source)
        before: dict[str, Value] = {}
        from_state = ""
    else:
        ret = existing
        before = ret.counts()
        from_state = ret.status
    for name in COUNTS:
        ret.set_value(name, values.get(name))
    was_submitted = ret.status == WorkforceReturn.Status.SUBMITTED and existing is not None
    ret.status = status
    ret.source = source
    ret.version += 1
    if status == WorkforceReturn.Status.SUBMITTED:
        ret.submitted_at, ret.submitted_by = timezone.now(), by
    ret.save()
    ReturnVersion.objects.create(
        workforce_return=ret,
        number=ret.version,
        status=status,
        values=_json_values(ret.counts()),
        source=source,
        reason=reason,
        saved_by=by if by is not None and by.pk else None,
    )
    action = "corrected" if was_submitted else ("submitted" if status == "submitted" else "draft_saved")
    record_event(
        ret,
        action,
        by=by,
        reason=reason,
        from_state=from_state,
        to_state=status,
        changes={"version": ret.version, "counts": _changes(before, ret.counts())},
    )
    return ret


def _locked(unit: ReportingUnit, year: int) -> WorkforceReturn | None:
    return WorkforceReturn.objects.select_for_update().filter(unit=unit, year=year).first()


def _not_known_reason(raw: dict, values: dict[str, Value]) -> str:
    """Kept with the version: which counts the council could not give, and why."""
    missing = [COUNTS[n] for n, v in values.items() if v == "x"]
    reason = str(raw.get("not_known_reason") or "").strip()
    return f"Not known: {', '.join(missing)}. {reason}" if missing and reason else ""


def _check_form(raw: dict, *, year: int, complete: bool, today: date | None) -> dict[str, Value]:
    checked_year, problems = check_year(year, row=None, today=today)
    values, value_problems = check_values(raw, year=checked_year, row=None, complete=complete)
    if problems or value_problems:
        raise ReturnProblems(problems + value_problems)
    return values


def _require_own(unit: ReportingUnit, by: User) -> None:
    from .rules import can_report_for_unit

    require(can_report_for_unit(by, unit), "You can only send the return for your own authority.")


@transaction.atomic
def save_draft(
    *,
    unit: ReportingUnit,
    year: int,
    raw: dict,
    by: User,
    source: str = WorkforceReturn.Source.FORM,
    today: date | None = None,
) -> WorkforceReturn:
    """Keep what has been entered so far (blanks allowed) to finish later. A submitted return is corrected instead."""
    _require_own(unit, by)
    values = _check_form(raw, year=year, complete=False, today=today)
    existing = _locked(unit, year)
    require(
        existing is None or existing.status == WorkforceReturn.Status.DRAFT,
        f"The {year} return has been submitted: correct it instead, saying why.",
    )
    return _write(
        unit=unit,
        year=year,
        values=values,
        by=by,
        status=WorkforceReturn.Status.DRAFT,
        source=source,
        reason=_not_known_reason(raw, values),
        existing=existing,
    )


@transaction.atomic
def submit_return(
    *,
    unit: ReportingUnit,
    year: int,
    raw: dict,
    by: User,
    source: str = WorkforceReturn.Source.FORM,
    today: date | None = None,
) -> WorkforceReturn:
    _require_own(unit, by)
    values = _check_form(raw, year=year, complete=True, today=today)
    existing = _locked(unit, year)
    require(
        existing is None or existing.status == WorkforceReturn.Status.DRAFT,
        f"The {year} return has already been submitted: correct it instead, saying why.",
    )
    return _write(
        unit=unit,
        year=year,
        values=values,
        by=by,
        status=WorkforceReturn.Status.SUBMITTED,
        source=source,
        reason=_not_known_reason(raw, values),
        existing=existing,
    )


@transaction.atomic
def correct_return(
    *, workforce_return: WorkforceReturn, raw: dict, by: User, reason: str, today: date | None = None
) -> WorkforceReturn:
    """A submitted return is never overwritten: the correction is a new version, with why."""
    _require_own(workforce_return.unit, by)
    existing = _locked(workforce_return.unit, workforce_return.year)
    require(existing.status == WorkforceReturn.Status.SUBMITTED, "Only a submitted return can be corrected.")
    require(bool(reason.strip()), "Say why the return is being corrected.")
    values = _check_form(raw, year=existing.year, complete=True, today=today)
    require(bool(_changes(existing.counts(), values)), "Nothing has changed: the correction would be the same.")
    return _write(
        unit=existing.unit,
        year=existing.year,
        values=values,
        by=by,
        status=WorkforceReturn.Status.SUBMITTED,
        source=WorkforceReturn.Source.FORM,
        reason=reason,
        existing=existing,
    )


def _load(parsed: list[ParsedReturn], *, by: User | None, status: str, source: str, reason: str) -> dict[str, int]:
    """Many returns at once: new ones are inserted in bulk (each still gets its version and audit event);
    existing ones go through the same path as a correction."""
    from .reference import units_by_code

    units = units_by_code({p.unit_code for p in parsed})
    years = {p.year for p in parsed}
    existing = {
        (r.unit_id, r.year): r
        for r in WorkforceReturn.objects.select_for_update().filter(
            unit__in={u.pk for u in units.values()}, year__in=years
        )
    }
    reported = set(WorkforceReturn.objects.filter(year__in=years).values_list("unit__organisations", "year", "unit_id"))
    taken = {(organisation, year): unit for organisation, year, unit in reported}
    member_ids = {u.pk: [o.pk for o in u.organisations.all()] for u in units.values()}
    counts = {"created": 0, "corrected": 0, "drafts_updated": 0, "unchanged": 0}
    problems: list[Problem] = []
    new_returns: list[WorkforceReturn] = []
    for item in parsed:
        unit = units[item.unit_code]
        current = existing.get((unit.pk, item.year))
        if current is None:
            clash = [
                taken[(o, item.year)] for o in member_ids[unit.pk] if taken.get((o, item.year), unit.pk) != unit.pk
            ]
            if clash:
                problems.append(
                    Problem(item.row, "old_la_code", f"Another return already covers this council in {item.year}.")
                )
                continue
            ret = WorkforceReturn(unit=unit, year=item.year, created_by=by, source=source, status=status, version=1)
            for name in COUNTS:
                ret.set_value(name, item.values.get(name))
            if status == WorkforceReturn.Status.SUBMITTED:
                ret.submitted_at, ret.submitted_by = timezone.now(), by
            new_returns.append(ret)
            continue
        if not _changes(current.counts(), item.values):
            counts["unchanged"] += 1
            continue
        submitted = current.status == WorkforceReturn.Status.SUBMITTED
        if submitted and not reason.strip():
            problems.append(
                Problem(
                    item.row,
                    "time_period",
                    f"The {item.year} return has been submitted: say why you are correcting it.",
                )
            )
            continue
        if problems:
            continue
        _write(
            unit=unit,
            year=item.year,
            values=item.values,
            by=by,
            status=WorkforceReturn.Status.SUBMITTED if submitted else status,
            source=source,
            reason=reason,
            existing=current,
        )
        counts["corrected" if submitted else "drafts_updated"] += 1
    if problems:
        raise ReturnProblems(problems)
    WorkforceReturn.objects.bulk_create(new_returns, batch_size=500)
    saved_by = by if by is not None and by.pk else None
    ReturnVersion.objects.bulk_create(
        [
            ReturnVersion(
                workforce_return=ret,
                number=1,
                status=ret.status,
                values=_json_values(ret.counts()),
                source=source,
                reason=reason,
                saved_by=saved_by,
            )
            for ret in new_returns
        ],
        batch_size=500,
    )
    for ret in new_returns:
        record_event(
            ret,
            "submitted" if ret.status == WorkforceReturn.Status.SUBMITTED else "draft_saved",
            by=by,
            reason=reason,
            to_state=ret.status,
            changes={"version": 1, "source": source},
        )
    counts["created"] = len(new_returns)
    return counts


def _known_la_numbers() -> set[str]:
    return set(Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).values_list("la_number", flat=True))


@transaction.atomic
def upload_returns(
    *, data: bytes, by: User, reason: str = "", today: date | None = None, progress=None
) -> dict[str, int]:
    """A workforce lead's CSV: saved as drafts to check and submit (or as corrections, with a reason)."""
    rows = read_csv(decode_upload(data))
    allowed = {o.la_number for o in by.organisations_for("workforce_lead") if o.la_number}
    parsed = parse_rows(
        rows, allowed_la_numbers=allowed, known_la_numbers=_known_la_numbers(), today=today, progress=progress
    )
    return _load(
        parsed, by=by, status=WorkforceReturn.Status.DRAFT, source=WorkforceReturn.Source.UPLOAD, reason=reason
    )


@transaction.atomic
def import_returns(
    *, data: bytes, by: User | None = None, reason: str = "", today: date | None = None
) -> dict[str, int]:
    """The operators' load: every row becomes a submitted return, or nothing is saved."""
    rows = read_csv(decode_upload(data) if len(data) <= 5 * 1024 * 1024 else data.decode("utf-8-sig"), limit_rows=False)
    parsed = parse_rows(rows, allowed_la_numbers=None, known_la_numbers=_known_la_numbers(), council=False, today=today)
    return _load(
        parsed,
        by=by,
        status=WorkforceReturn.Status.SUBMITTED,
        source=WorkforceReturn.Source.IMPORT,
        reason=reason or "Loaded by an operator",
    )


def needs_a_job(data: bytes) -> bool:
    """A file with more rows than a request should check is handed to a background job."""
    from .validation import IN_REQUEST_ROWS

    return data.count(b"\n") > IN_REQUEST_ROWS + 1


def start_upload_job(*, data: bytes, by: User, reason: str):
    """Keep the file in storage (never in the job's parameters or the audit trail) and start the job."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from accounts.jobs import start_job

    decode_upload(data)  # refuse an oversized or binary file now, with its message, rather than in the job
    path = default_storage.save(f"workforce-uploads/{uuid.uuid4()}.csv", ContentFile(data))
    return start_job(
        kind="workforce_upload",
        title="Checking and saving your workforce return file",
        by=by,
        params={"path": path, "reason": reason},
    )
