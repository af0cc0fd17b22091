"""Providers' details and their courses."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import record_event, require

from ..models import (
    REQUIRED_PRACTICE_DAYS,
    Course,
    CourseApplication,
    CourseStatusChange,
    EducationProvider,
)
from ._common import (
    COURSE_FIELDS,
    PROVIDER_FIELDS,
)


@transaction.atomic
def provider_for_organisation(*, organisation: Organisation, by: User | None = None) -> EducationProvider:
    require(organisation.kind == Organisation.Kind.EDUCATION_PROVIDER, f"{organisation} is not an education provider.")
    provider, created = EducationProvider.objects.get_or_create(
        organisation=organisation, defaults={"region": organisation.region}
    )
    if created:
        record_event(provider, "provider_created", by=by)
    return provider


@transaction.atomic
def update_provider(*, provider: EducationProvider, by: User, **fields) -> EducationProvider:
    provider = EducationProvider.objects.select_for_update().get(pk=provider.pk)
    changes = {}
    for name in PROVIDER_FIELDS:
        if name in fields and getattr(provider, name) != fields[name]:
            changes[name] = [str(getattr(provider, name) or ""), str(fields[name] or "")]
            setattr(provider, name, fields[name])
    require(not provider.ukprn or (provider.ukprn.isdigit() and len(provider.ukprn) == 8), "A UKPRN is 8 digits.")
    if changes:
        provider.updated_at = timezone.now()
        provider.save()
        record_event(provider, "provider_details_changed", by=by, changes=changes)
    return provider


def _check_course_facts(data: dict) -> None:
    require(bool((data.get("title") or "").strip()), "Enter the course title.")
    require((data.get("annual_places") or 0) > 0, "Annual places must be 1 or more.")
    practice = data.get("practice_days") or 0
    require(
        practice >= REQUIRED_PRACTICE_DAYS,
        f"A qualifying course must give at least {REQUIRED_PRACTICE_DAYS} days of practice learning.",
    )
    require(
        (data.get("statutory_placement_days") or 0) + (data.get("skills_days") or 0) <= practice,
        "Statutory placement days and skills days together cannot be more than the practice-learning days.",
    )


@transaction.atomic
def add_course(*, provider: EducationProvider, by: User, **fields) -> Course:
    data = {name: fields[name] for name in COURSE_FIELDS if name in fields}
    _check_course_facts(data)
    course = Course.objects.create(provider=provider, **data)
    CourseStatusChange.objects.create(
        course=course, from_status="", to_status=course.status, changed_by=by, reason="Course added"
    )
    record_event(course, "course_added", by=by, to_state=course.status)
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, **fields) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(
        course.status in (Course.Status.PROPOSED, Course.Status.NOT_APPROVED),
        "An approved course's details change through a major change application.",
    )
    require(
        not course.applications.filter(status__in=CourseApplication.OPEN).exists(),
        "The course's details cannot change while the regulator is reviewing its application.",
    )
    data = {name: fields.get(name, getattr(course, name)) for name in COURSE_FIELDS}
    _check_course_facts(data)
    changes = {
        name: [str(getattr(course, name)), str(value)] for name, value in data.items() if getattr(course, name) != value
    }
    if changes:
        for name, value in data.items():
            setattr(course, name, value)
        course.updated_at = timezone.now()
        course.save()
        record_event(course, "course_details_changed", by=by, changes=changes)
    return course
