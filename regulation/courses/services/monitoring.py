"""Annual monitoring: asking for returns, beat's reminders, returns and their outcome."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import ServiceError, record_event, require

from ..models import (
    Course,
    MonitoringReturn,
)
from ._common import (
    MONITORING_NOTICE_DAYS,
    REMIND_BEFORE_DAYS,
    _reason,
    _tell_provider,
    _today,
)


@transaction.atomic
def open_monitoring_return(*, course: Course, by: User | None, due_on: datetime.date) -> MonitoringReturn:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(course.status == Course.Status.APPROVED, "Only an approved course sends annual monitoring returns.")
    year = due_on.year - 1
    require(
        not course.monitoring_returns.filter(year=year).exists(),
        f"The return for {year} to {year + 1} has already been asked for.",
    )
    monitoring = MonitoringReturn.objects.create(course=course, year=year, due_on=due_on)
    course.next_monitoring_due = due_on
    course.save(update_fields=["next_monitoring_due"])
    record_event(monitoring, "monitoring_opened", by=by, to_state="due")
    _tell_provider(course.provider, "monitoring_opened", {"monitoring": monitoring})
    return monitoring


def open_due_monitoring_returns(*, today: datetime.date | None = None) -> int:
    """Beat: a return is asked for two months before each approved course's monitoring date. Idempotent."""
    today = today or _today()
    opened = 0
    due = Course.objects.filter(
        status=Course.Status.APPROVED,
        next_monitoring_due__isnull=False,
        next_monitoring_due__lte=today + datetime.timedelta(days=MONITORING_NOTICE_DAYS),
    ).only("pk", "next_monitoring_due")
    for course in due:
        if not MonitoringReturn.objects.filter(course=course, year=course.next_monitoring_due.year - 1).exists():
            try:
                open_monitoring_return(course=course, by=None, due_on=course.next_monitoring_due)
                opened += 1
            except ServiceError:
                continue
    return opened


def send_monitoring_reminders(*, today: datetime.date | None = None) -> int:
    """Beat: remind two weeks before a return's deadline and again once it has passed. Once each."""
    today = today or _today()
    sent = 0
    waiting = MonitoringReturn.objects.filter(status=MonitoringReturn.Status.DUE).select_related(
        "course__provider__organisation"
    )
    for monitoring in waiting:
        if monitoring.due_on < today and monitoring.reminded_after_on is None:
            field, template = "reminded_after_on", "monitoring_overdue"
        elif today <= monitoring.due_on <= today + datetime.timedelta(days=REMIND_BEFORE_DAYS) and (
            monitoring.reminded_before_on is None
        ):
            field, template = "reminded_before_on", "monitoring_reminder"
        else:
            continue
        with transaction.atomic():
            locked = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
            if getattr(locked, field) is not None or locked.status != MonitoringReturn.Status.DUE:
                continue
            setattr(locked, field, today)
            locked.save(update_fields=[field])
            _tell_provider(
                monitoring.course.provider, template, {"monitoring": monitoring}, discriminator=str(monitoring.due_on)
            )
            record_event(locked, template.replace("monitoring_", "reminder_"), by=None)
            sent += 1
    return sent


@transaction.atomic
def submit_monitoring(*, monitoring: MonitoringReturn, by: User, **answers) -> MonitoringReturn:
    monitoring = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
    require(monitoring.status == MonitoringReturn.Status.DUE, "This return has already been sent.")
    for name in ("intake", "students", "completions", "placement_days_provided"):
        value = answers.get(name)
        require(value is not None and value >= 0, f"Enter the {name.replace('_', ' ')}.")
        setattr(monitoring, name, value)
    require(
        monitoring.completions <= monitoring.students,
        f"Completions ({monitoring.completions}) cannot be more than the students on the course "
        f"({monitoring.students}).",
    )
    monitoring.changes = (answers.get("changes") or "").strip()
    monitoring.concerns = (answers.get("concerns") or "").strip()
    monitoring.status = MonitoringReturn.Status.SUBMITTED
    monitoring.submitted_at = timezone.now()
    monitoring.submitted_by = by
    monitoring.save()
    record_event(monitoring, "monitoring_submitted", by=by, from_state="due", to_state="submitted")
    return monitoring


@transaction.atomic
def record_monitoring_outcome(*, monitoring: MonitoringReturn, by: User, outcome: str, reason: str) -> MonitoringReturn:
    monitoring = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
    require(monitoring.status == MonitoringReturn.Status.SUBMITTED, "Only a return that has been sent can be reviewed.")
    require(outcome in MonitoringReturn.Outcome.values, "Choose the outcome.")
    monitoring.outcome = outcome
    monitoring.outcome_reason = _reason(reason, "Give the reasons for the outcome.")
    monitoring.outcome_at = timezone.now()
    monitoring.outcome_by = by
    monitoring.status = MonitoringReturn.Status.REVIEWED
    monitoring.save()
    course = Course.objects.select_for_update().get(pk=monitoring.course_id)
    due = monitoring.due_on
    course.next_monitoring_due = (
        due.replace(year=due.year + 1) if not (due.month == 2 and due.day == 29) else due + datetime.timedelta(days=365)
    )
    course.save(update_fields=["next_monitoring_due"])
    record_event(
        monitoring,
        f"monitoring_{outcome}",
        by=by,
        reason=monitoring.outcome_reason,
        from_state="submitted",
        to_state=outcome,
    )
    _tell_provider(course.provider, "monitoring_outcome", {"monitoring": monitoring})
    return monitoring
