"""Helpers shared by the services modules."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role, User
from accounts.notifications import notify
from accounts.services import ServiceError, record_event, require

from .. import uploads
from ..models import (
    Course,
    CourseApplication,
    CourseStatusChange,
    EducationProvider,
)

__all__ = ["ServiceError"]

REMIND_BEFORE_DAYS = 14
MONITORING_NOTICE_DAYS = 60
COURSE_FIELDS = (
    "title",
    "award",
    "level",
    "mode",
    "site",
    "annual_places",
    "practice_days",
    "statutory_placement_days",
    "skills_days",
    "first_intake",
)
PROVIDER_FIELDS = ("ukprn", "address", "region", "contact_email", "website")


def _today() -> datetime.date:
    return timezone.localdate()


def _reason(text: str, what: str = "Give a reason.") -> str:
    text = (text or "").strip()
    require(bool(text), what)
    return text


def _lead_emails(provider: EducationProvider) -> list[str]:
    emails = set(
        User.objects.filter(
            memberships__organisation_id=provider.organisation_id,
            memberships__role=Role.COURSE_LEAD,
            memberships__ended_on__isnull=True,
            is_active=True,
        ).values_list("email", flat=True)
    )
    if provider.contact_email:
        emails.add(provider.contact_email)
    return sorted(emails)


def _tell_provider(
    provider: EducationProvider, template: str, context: dict, discriminator: str = "", about=None
) -> list:
    to = _lead_emails(provider)
    # The record the message is about (its history lists it): the application, monitoring return or course.
    if about is None:
        about = next((context[k] for k in ("application", "monitoring", "course") if k in context), None)
    if not to:
        return []
    return notify(
        to=to,
        template=f"regulation/courses/{template}",
        context={"provider": provider, **context},
        about=about,
        discriminator=discriminator,
    )


def _set_course_status(
    course: Course,
    to_status: str,
    *,
    by: User | None,
    reason: str,
    effective_on: datetime.date | None = None,
    application: CourseApplication | None = None,
) -> None:
    from_status = course.status
    course.status = to_status
    course.updated_at = timezone.now()
    course.save()
    CourseStatusChange.objects.create(
        course=course,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on or _today(),
        changed_by=by if by is not None and by.pk else None,
        reason=reason,
        application=application,
    )
    record_event(course, f"course_{to_status}", by=by, reason=reason, from_state=from_status, to_state=to_status)


def _lock_application(application: CourseApplication) -> CourseApplication:
    return CourseApplication.objects.select_for_update().select_related("course__provider").get(pk=application.pk)


def _attach_document(record, prefix: str, upload, *, label: str) -> None:
    """Check an uploaded document by its content and keep it on ``record``'s ``<prefix>_file``, with its name, type
    and size beside it. It is stored under a random name: the person's file name is kept for display only."""
    try:
        content, kind = uploads.check_upload(upload, label=label)
    except uploads.UploadRefused as exc:
        raise ServiceError(str(exc)) from exc
    extension = upload.name.rsplit(".", 1)[-1].lower()
    setattr(record, f"{prefix}_name", upload.name[-255:])
    setattr(record, f"{prefix}_type", kind)
    setattr(record, f"{prefix}_size", len(content))
    getattr(record, f"{prefix}_file").save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
