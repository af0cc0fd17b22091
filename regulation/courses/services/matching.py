"""Register applications whose course was "not listed": regulator staff match them to a course on the list.

Courses approved before records began are added to the list (as formerly approved) by staff; the person's
application then points at the course, with who matched it, when and why."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_event, require

from ..models import Course
from ._common import _reason


@transaction.atomic
def match_register_course(*, application, course: Course, by: User, reason: str):
    from regulation.models import Application

    application = Application.objects.select_for_update().get(pk=application.pk)
    require(application.course_not_listed, "This application picked its course from the list.")
    require(application.course_id is None, "This application's course has already been matched.")
    course = Course.objects.get(pk=course.pk)
    require(course.approved_on is not None, "Choose a course that is, or was, approved.")
    reason = _reason(reason, "Enter why this is the person's course.")
    application.course = course
    application.course_matched_at = timezone.now()
    application.course_matched_by = by
    application.course_match_reason = reason
    application.save(update_fields=["course", "course_matched_at", "course_matched_by", "course_match_reason"])
    record_event(
        application,
        "course_matched",
        by=by,
        reason=reason,
        changes={"course": f"{course.title}, {course.provider.name}", "named_by_applicant": application.qualification},
    )
    return application
