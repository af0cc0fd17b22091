"""The support an enrolment records: learning agreement, supervision, protected time, caseload, evidence."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import ServiceError, just_created, record_event, require

from .. import evidence_files
from ..models import CaseloadMonth, Enrolment, Evidence, LearningAgreement, ProtectedTime, SupervisionSession
from .common import _lock, _require_open, _text, _today, store_schedule


def _require_in_programme(enrolment: Enrolment, day: datetime.date, what: str) -> None:
    require(
        day >= enrolment.start_date, f"The {what} cannot be before the start date ({enrolment.start_date:%-d %B %Y})."
    )
    require(day <= _today(), f"The {what} cannot be in the future.")


@transaction.atomic
def record_learning_agreement(
    *,
    enrolment: Enrolment,
    by: User,
    agreed_on: datetime.date,
    development_needs: str,
    support: str,
    workload: str = "",
) -> LearningAgreement:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(agreed_on <= _today(), "The date agreed cannot be in the future.")
    fields = {
        "agreed_on": agreed_on,
        "development_needs": _text(development_needs, "Enter the development needs."),
        "support": _text(support, "Enter the support the employer will give."),
        "workload": (workload or "").strip(),
        "recorded_by": by,
        "recorded_at": timezone.now(),
    }
    agreement, created = LearningAgreement.objects.update_or_create(enrolment=enrolment, defaults=fields)
    record_event(
        enrolment,
        "learning_agreement_recorded" if created else "learning_agreement_updated",
        by=by,
        changes={"agreed_on": str(agreed_on)},
    )
    return agreement


@transaction.atomic
def record_supervision(
    *, enrolment: Enrolment, by: User, held_on: datetime.date, minutes: int, supervisor: User, themes: str
) -> SupervisionSession:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    _require_in_programme(enrolment, held_on, "supervision date")
    require(0 < minutes <= 480, "Length must be between 1 and 480 minutes.")
    themes = _text(themes, "Enter the themes discussed.")
    same = just_created(
        enrolment.supervision_sessions.filter(held_on=held_on, minutes=minutes, themes=themes), field="recorded_at"
    )
    if same:  # the same form sent twice: one session
        return same
    session = SupervisionSession.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        minutes=minutes,
        supervisor=supervisor,
        themes=themes,
        recorded_by=by,
    )
    store_schedule(enrolment)
    record_event(enrolment, "supervision_recorded", by=by, changes={"held_on": str(held_on), "minutes": minutes})
    return session


@transaction.atomic
def record_protected_time(
    *, enrolment: Enrolment, by: User, week_starting: datetime.date, hours: Decimal, activity: str
) -> ProtectedTime:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    _require_in_programme(enrolment, week_starting, "week")
    require(Decimal("0") < hours <= Decimal("40"), "Hours must be more than 0 and at most 40.")
    activity = _text(activity, "Enter what the time was used for.")
    same = just_created(
        enrolment.protected_time.filter(week_starting=week_starting, hours=hours, activity=activity),
        field="recorded_at",
    )
    if same:
        return same
    row = ProtectedTime.objects.create(
        enrolment=enrolment,
        week_starting=week_starting,
        hours=hours,
        activity=activity,
        recorded_by=by,
    )
    store_schedule(enrolment)
    record_event(enrolment, "protected_time_recorded", by=by, changes={"week": str(week_starting), "hours": str(hours)})
    return row


@transaction.atomic
def record_caseload(
    *, enrolment: Enrolment, by: User, month: datetime.date, cases: int, experienced_caseload: int
) -> CaseloadMonth:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    month = month.replace(day=1)
    require(month >= enrolment.start_date.replace(day=1), "The month cannot be before the programme started.")
    require(month <= _today(), "The month cannot be in the future.")
    require(cases >= 0, "Cases cannot be negative.")
    require(experienced_caseload > 0, "Enter the caseload of an experienced worker (more than 0).")
    row, _created = CaseloadMonth.objects.update_or_create(
        enrolment=enrolment,
        month=month,
        defaults={"cases": cases, "experienced_caseload": experienced_caseload, "recorded_by": by},
    )
    store_schedule(enrolment)
    record_event(enrolment, "caseload_recorded", by=by, changes={"month": str(month), "cases": cases})
    return row


@transaction.atomic
def add_evidence(
    *,
    enrolment: Enrolment,
    by: User,
    kind: str,
    title: str,
    occurred_on: datetime.date,
    text: str = "",
    upload=None,
) -> Evidence:
    """Words, a file (PDF, Office, JPG or PNG) or both. The file is checked whole, by its content, before anything
    is written: a refusal leaves no row and no file. Evidence is never deleted."""
    enrolment = _lock(enrolment)
    require(enrolment.status != Enrolment.Status.WITHDRAWN, "This programme was withdrawn.")
    require(kind in Evidence.Kind.values, "Choose the kind of evidence.")
    _require_in_programme(enrolment, occurred_on, "date of the evidence")
    title = _text(title, "Enter a title.")
    text = (text or "").strip()
    require(bool(text) or upload is not None, "Enter the evidence or choose a file to upload.")
    same = just_created(
        enrolment.evidence.filter(
            kind=kind,
            title=title,
            occurred_on=occurred_on,
            text=text,
            added_by=by,
            original_name=upload.name[-255:] if upload is not None else "",
        ),
        field="added_at",
    )
    if same:
        return same
    content = detected = None
    if upload is not None:
        try:
            content, detected = evidence_files.check(upload)
        except evidence_files.EvidenceFileRefused as exc:
            raise ServiceError(str(exc)) from exc
    evidence = Evidence(enrolment=enrolment, kind=kind, title=title, occurred_on=occurred_on, text=text, added_by=by)
    changes = {"kind": kind, "title": title}
    if content is not None:
        extension = upload.name.rsplit(".", 1)[-1].lower()
        evidence.original_name = upload.name[-255:]
        evidence.detected_type = detected
        evidence.size = len(content)
        # A random stored name: the person's file name is kept for display only.
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        changes["file"] = evidence.original_name
    evidence.save()
    record_event(enrolment, "evidence_added", by=by, changes=changes)
    return evidence
