"""Withdrawing approval or recording a course closed: it stays formerly approved for ever."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User
from accounts.services import require

from ..models import (
    Course,
)
from ._common import (
    _reason,
    _set_course_status,
    _tell_provider,
    _today,
)


def _end_approval(
    *, course: Course, by: User, reason: str, effective_on: datetime.date | None, to_status: str
) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(course.status == Course.Status.APPROVED, "Only an approved course can be withdrawn or closed.")
    reason = _reason(reason, "Give the reason.")
    effective_on = effective_on or _today()
    require(effective_on >= course.approved_on, "The date cannot be before the course was approved.")
    course.approval_ended_on = effective_on
    _set_course_status(course, to_status, by=by, reason=reason, effective_on=effective_on)
    # A course may be approved again later: each approval's end is its own message.
    _tell_provider(
        course.provider, "approval_ended", {"course": course, "reason": reason}, discriminator=str(course.approved_on)
    )
    return course


@transaction.atomic
def withdraw_approval(*, course: Course, by: User, reason: str, effective_on: datetime.date | None = None) -> Course:
    return _end_approval(
        course=course, by=by, reason=reason, effective_on=effective_on, to_status=Course.Status.WITHDRAWN
    )


@transaction.atomic
def close_course(*, course: Course, by: User, reason: str, effective_on: datetime.date | None = None) -> Course:
    return _end_approval(course=course, by=by, reason=reason, effective_on=effective_on, to_status=Course.Status.CLOSED)
