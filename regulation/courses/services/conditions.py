"""Conditions of approval: the provider's evidence, met or not met, and the overdue flag."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_event, require

from ..models import (
    Course,
    CourseCondition,
)
from ._common import (
    REMIND_BEFORE_DAYS,
    _attach_document,
    _reason,
    _tell_provider,
    _today,
)


@transaction.atomic
def respond_to_condition(*, condition: CourseCondition, by: User, response: str, evidence_file=None) -> CourseCondition:
    """The provider's evidence, written and optionally a document (checked by its content before anything is saved;
    a later document replaces the earlier one, which the history names)."""
    condition = CourseCondition.objects.select_for_update().get(pk=condition.pk)
    require(condition.status == CourseCondition.Status.OPEN, "This condition has already been decided.")
    response = _reason(response, "Describe how the condition has been met.")
    changes = {}
    if evidence_file is not None:
        replaced = condition.evidence_name
        _attach_document(condition, "evidence", evidence_file, label="The evidence document")
        if replaced:
            changes["replaced_document"] = replaced
        changes["document"] = condition.evidence_name
    condition.response = response
    condition.responded_at = timezone.now()
    condition.save()
    record_event(condition, "condition_evidence_sent", by=by, changes=changes or None)
    return condition


def _refresh_flag(course: Course, today: datetime.date) -> None:
    unmet = (
        course.conditions.filter(status=CourseCondition.Status.NOT_MET).exists()
        or course.conditions.filter(status=CourseCondition.Status.OPEN, due_on__lt=today).exists()
    )
    if unmet and course.flagged_on is None:
        course.flagged_on = today
        course.save(update_fields=["flagged_on"])
        record_event(course, "course_flagged", by=None, reason="A condition was not met by its due date.")
    elif not unmet and course.flagged_on is not None:
        course.flagged_on = None
        course.save(update_fields=["flagged_on"])
        record_event(course, "course_flag_cleared", by=None, reason="No unmet conditions remain.")


@transaction.atomic
def decide_condition(*, condition: CourseCondition, by: User, met: bool, reason: str) -> CourseCondition:
    condition = CourseCondition.objects.select_for_update().get(pk=condition.pk)
    require(condition.status == CourseCondition.Status.OPEN, "This condition has already been decided.")
    reason = _reason(reason, "Give the reasons for your decision.")
    condition.status = CourseCondition.Status.MET if met else CourseCondition.Status.NOT_MET
    condition.decided_at = timezone.now()
    condition.decided_by = by
    condition.decision_reason = reason
    condition.save()
    record_event(
        condition, f"condition_{condition.status}", by=by, reason=reason, from_state="open", to_state=condition.status
    )
    course = Course.objects.select_for_update().get(pk=condition.course_id)
    _refresh_flag(course, _today())
    return condition


def flag_overdue_conditions(*, today: datetime.date | None = None) -> int:
    """Beat: courses with a condition past its date and not met are flagged. Idempotent."""
    today = today or _today()
    flagged = 0
    ids = set(
        CourseCondition.objects.filter(
            status=CourseCondition.Status.OPEN, due_on__lt=today, course__flagged_on__isnull=True
        ).values_list("course_id", flat=True)
    )
    for course_id in sorted(ids):
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course_id)
            if course.flagged_on is None:
                _refresh_flag(course, today)
                _tell_provider(course.provider, "condition_overdue", {"course": course}, discriminator=str(today))
                flagged += 1
    return flagged


def remind_conditions_due(*, today: datetime.date | None = None) -> int:
    """Beat: tell the course leads once, REMIND_BEFORE_DAYS ahead, of each open condition still without evidence.
    The message's key (condition and due date) is the record that it was sent, so a re-run sends nothing."""
    today = today or _today()
    due = CourseCondition.objects.filter(
        status=CourseCondition.Status.OPEN,
        responded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=REMIND_BEFORE_DAYS),
    ).select_related("course__provider")
    made = 0
    for condition in due:
        with transaction.atomic():
            made += bool(
                _tell_provider(
                    condition.course.provider,
                    "condition_due",
                    {"course": condition.course, "condition": condition},
                    discriminator=str(condition.due_on),
                    about=condition,
                )
            )
    return made
