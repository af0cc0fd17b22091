"""Reads for course approval, scoped to the person and prefetched so each page costs a fixed number of queries."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import AuditEvent, Region

from .models import (
    Course,
    CourseApplication,
    CourseCondition,
    CourseStatusChange,
    EducationProvider,
    EvidenceDocument,
    InformationRequest,
    Inspection,
    MonitoringReturn,
    StandardReview,
)
from .rules import lead_organisation_ids

# An EXISTS per row, not a join and GROUP BY: the list's count and page stay plain indexed scans.
OPEN_CONDITIONS = Exists(CourseCondition.objects.filter(course=OuterRef("pk"), status=CourseCondition.Status.OPEN))


def providers_for(user) -> QuerySet[EducationProvider]:
    return EducationProvider.objects.filter(organisation_id__in=lead_organisation_ids(user)).select_related(
        "organisation", "region"
    )


def provider_courses(provider: EducationProvider) -> QuerySet[Course]:
    live = [CourseApplication.Status.DRAFT, *CourseApplication.OPEN]
    return (
        provider.courses.annotate(has_open_condition=OPEN_CONDITIONS)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=CourseApplication.objects.filter(status__in=live),
                to_attr="live_applications",
            ),
            Prefetch(
                "monitoring_returns",
                queryset=MonitoringReturn.objects.filter(status=MonitoringReturn.Status.DUE),
                to_attr="due_returns",
            ),
        )
        .order_by("title", "id")
    )


# Each application's unanswered information requests, as ``open_requests``.
_OPEN_REQUESTS = Prefetch(
    "information_requests",
    queryset=InformationRequest.objects.filter(responded_at__isnull=True),
    to_attr="open_requests",
)


def provider_applications(provider: EducationProvider) -> QuerySet[CourseApplication]:
    return (
        CourseApplication.objects.filter(course__provider=provider)
        .select_related("course")
        .prefetch_related(_OPEN_REQUESTS)
        .order_by("-created_at", "-id")
    )


def lead_home_work(user) -> dict:
    """What waits for a course lead across every provider they lead: live applications (with any open request),
    open conditions and due monitoring returns. Three queries plus one for the requests, however many providers,
    courses or applications."""
    organisations = lead_organisation_ids(user)
    live = [CourseApplication.Status.DRAFT, *CourseApplication.OPEN]
    applications = (
        CourseApplication.objects.filter(course__provider__organisation_id__in=organisations, status__in=live)
        .select_related("course")
        .prefetch_related(_OPEN_REQUESTS)
        .order_by("-created_at", "-id")
    )
    conditions = CourseCondition.objects.filter(
        course__provider__organisation_id__in=organisations,
        status=CourseCondition.Status.OPEN,
        responded_at__isnull=True,
    ).select_related("course")
    returns = MonitoringReturn.objects.filter(
        course__provider__organisation_id__in=organisations, status=MonitoringReturn.Status.DUE
    ).select_related("course")
    return {"applications": list(applications), "conditions": list(conditions), "returns": list(returns)}


def provider_open_conditions(provider: EducationProvider) -> QuerySet[CourseCondition]:
    return CourseCondition.objects.filter(course__provider=provider, status=CourseCondition.Status.OPEN).select_related(
        "course"
    )


def course_detail(pk: int) -> Course:
    return (
        Course.objects.select_related("provider__organisation", "provider__region")
        .annotate(has_open_condition=OPEN_CONDITIONS)
        .prefetch_related(
            Prefetch("applications", queryset=CourseApplication.objects.order_by("-created_at", "-id")),
            Prefetch("conditions", queryset=CourseCondition.objects.select_related("decided_by")),
            Prefetch("monitoring_returns", queryset=MonitoringReturn.objects.order_by("-year")),
        )
        .get(pk=pk)
    )


def application_detail(pk: int) -> CourseApplication:
    return (
        CourseApplication.objects.select_related(
            "course__provider__organisation", "reviewer", "decided_by", "submitted_by", "created_by"
        )
        .prefetch_related(
            "evidence",
            Prefetch("documents", queryset=EvidenceDocument.objects.filter(removed_at__isnull=True)),
            Prefetch("reviews", queryset=StandardReview.objects.select_related("reviewed_by")),
            Prefetch("information_requests", queryset=InformationRequest.objects.select_related("requested_by")),
            Prefetch("inspections", queryset=Inspection.objects.select_related("recorded_by")),
            "inspectors",
            "conditions",
        )
        .get(pk=pk)
    )


# --- The regulator's queue ------------------------------------------------------------------------------------


def application_queue() -> QuerySet[CourseApplication]:
    return (
        CourseApplication.objects.filter(status__in=CourseApplication.OPEN)
        .select_related("course__provider__organisation", "reviewer")
        .annotate(review_count=Count("reviews", distinct=True))
        .order_by("submitted_at", "id")
    )


def monitoring_queue() -> QuerySet[MonitoringReturn]:
    return (
        MonitoringReturn.objects.filter(status=MonitoringReturn.Status.SUBMITTED)
        .select_related("course__provider__organisation")
        .order_by("submitted_at", "id")
    )


def conditions_queue() -> QuerySet[CourseCondition]:
    """Open conditions with the provider's evidence, or past their date."""
    today = timezone.localdate()
    return (
        CourseCondition.objects.filter(status=CourseCondition.Status.OPEN)
        .filter(Q(responded_at__isnull=False) | Q(due_on__lt=today))
        .select_related("course__provider__organisation")
        .order_by("due_on", "id")
    )


def flagged_courses() -> QuerySet[Course]:
    return (
        Course.objects.filter(flagged_on__isnull=False).select_related("provider__organisation").order_by("flagged_on")
    )


def overdue_monitoring() -> QuerySet[MonitoringReturn]:
    return (
        MonitoringReturn.objects.filter(status=MonitoringReturn.Status.DUE, due_on__lt=timezone.localdate())
        .select_related("course__provider__organisation")
        .order_by("due_on")
    )


# --- The public list ------------------------------------------------------------------------------------------


def public_courses(
    *, q: str = "", level: str = "", mode: str = "", status: str = "", region: str = "", provider: str = ""
) -> QuerySet[Course]:
    """Approved and formerly approved courses: every course that was ever approved, for ever."""
    courses = (
        Course.objects.filter(approved_on__isnull=False)
        .select_related("provider__organisation", "provider__region")
        .annotate(has_open_condition=OPEN_CONDITIONS)
        .order_by("provider__organisation__name", "title", "id")
    )
    if q:
        for word in q.split():
            courses = courses.filter(
                Q(title__icontains=word)
                | Q(award__icontains=word)
                | Q(provider__organisation__name__icontains=word)
                | Q(site__icontains=word)
            )
    if level:
        courses = courses.filter(level=level)
    if mode:
        courses = courses.filter(mode=mode)
    if status == "approved":
        courses = courses.filter(status=Course.Status.APPROVED)
    elif status == "formerly_approved":
        courses = courses.filter(status__in=Course.FORMERLY_APPROVED)
    if region:
        courses = courses.filter(provider__region__code=region)
    if provider:
        courses = courses.filter(provider_id=provider)
    return courses


def public_regions() -> QuerySet[Region]:
    return Region.objects.filter(pk__in=EducationProvider.objects.values("region_id")).order_by("name")


# --- History --------------------------------------------------------------------------------------------------


def course_history(course: Course) -> list[AuditEvent]:
    """Every audited change to the course and to the applications, conditions and returns that belong to it."""
    by_model = {
        Course: [course.pk],
        CourseApplication: list(course.applications.values_list("pk", flat=True)),
        CourseCondition: list(course.conditions.values_list("pk", flat=True)),
        MonitoringReturn: list(course.monitoring_returns.values_list("pk", flat=True)),
    }
    types = ContentType.objects.get_for_models(*by_model)
    match = Q(pk__in=[])
    for model, ids in by_model.items():
        if ids:
            match |= Q(content_type=types[model], object_id__in=[str(i) for i in ids])
    return list(AuditEvent.objects.filter(match).select_related("actor").order_by("occurred_at", "id"))


def status_history(course: Course) -> QuerySet[CourseStatusChange]:
    return course.status_changes.select_related("changed_by").order_by("changed_at", "id")


# --- Figures --------------------------------------------------------------------------------------------------


def _approved_on(day: datetime.date, approved_on, ended_on) -> bool:
    return approved_on is not None and approved_on <= day and (ended_on is None or ended_on > day)


def course_places_for_region(region: Region | str, *, on: datetime.date | None = None) -> int | None:
    """Annual places on courses approved in a region on a date: the workforce forecast's default course places.

    Returns None when no approved course in that region is recorded, so the caller can fall back to its
    national estimate and say so.
    """
    on = on or timezone.localdate()
    code = region if isinstance(region, str) else region.code
    courses = Course.objects.filter(provider__region__code=code, approved_on__lte=on).filter(
        Q(approval_ended_on__isnull=True) | Q(approval_ended_on__gt=on)
    )
    total = courses.aggregate(places=Sum("annual_places"))["places"]
    return total if total is not None else None


def figures(*, today: datetime.date | None = None) -> dict:
    """Counts over time (1 September each year), outcomes, median days to decision, places per region."""
    today = today or timezone.localdate()
    rows = list(
        Course.objects.filter(approved_on__isnull=False).values_list(
            "level",
            "mode",
            "provider__organisation__name",
            "provider__region__name",
            "approved_on",
            "approval_ended_on",
            "annual_places",
        )
    )
    first_year = min((r[4].year for r in rows), default=today.year)
    dates = [
        datetime.date(year, 9, 1) for year in range(first_year, today.year + 1) if datetime.date(year, 9, 1) <= today
    ]
    dates.append(today)
    labels = {
        "level": dict(Course._meta.get_field("level").choices),
        "mode": dict(Course._meta.get_field("mode").choices),
    }
    over_time = {
        "level": defaultdict(Counter),
        "mode": defaultdict(Counter),
        "provider": defaultdict(Counter),
        "region": defaultdict(Counter),
    }
    for day in dates:
        for level, mode, provider, region, approved_on, ended_on, _places in rows:
            if _approved_on(day, approved_on, ended_on):
                over_time["level"][labels["level"][level]][day] += 1
                over_time["mode"][labels["mode"][mode]][day] += 1
                over_time["provider"][provider][day] += 1
                over_time["region"][region or "Region not recorded"][day] += 1
    tables = {
        name: [{"label": label, "counts": [counts[day] for day in dates]} for label, counts in sorted(series.items())]
        for name, series in over_time.items()
    }
    places = Counter()
    for _level, _mode, _provider, region, approved_on, ended_on, annual_places in rows:
        if _approved_on(today, approved_on, ended_on):
            places[region or "Region not recorded"] += annual_places
    decided = list(
        CourseApplication.objects.filter(status=CourseApplication.Status.DECIDED).only(
            "outcome", "submitted_at", "decided_at", "paused_days", "paused_since"
        )
    )
    outcome_labels = dict(CourseApplication.Outcome.choices)
    outcomes = Counter(outcome_labels[a.outcome] for a in decided)
    counts = CourseApplication.objects.aggregate(
        open=Count("pk", filter=Q(status__in=CourseApplication.OPEN)),
        withdrawn=Count("pk", filter=Q(status=CourseApplication.Status.WITHDRAWN, submitted_at__isnull=False)),
    )
    if counts["withdrawn"]:
        outcomes["Withdrawn by the provider"] = counts["withdrawn"]
    open_count = counts["open"]
    days = [a.days_waiting() for a in decided if a.submitted_at]
    return {
        "dates": dates,
        "tables": tables,
        "outcomes": sorted(outcomes.items()),
        "open_applications": open_count,
        "median_days": statistics.median(days) if days else None,
        "decided_count": len(days),
        "places": sorted(places.items()),
        "places_total": sum(places.values()),
    }


def unmatched_register_applications():
    """The register's applications whose course was "not listed" and is not yet matched, oldest first."""
    from regulation.models import Application

    return (
        Application.objects.filter(course_not_listed=True, course__isnull=True)
        .exclude(status=Application.Status.WITHDRAWN)
        .order_by("submitted_at", "id")
    )


def unmatched_register_application(pk: int):
    return unmatched_register_applications().filter(pk=pk).first()


def listed_courses() -> QuerySet[Course]:
    """Courses on the public list (approved now or formerly approved), for matching a register application."""
    return (
        Course.objects.filter(approved_on__isnull=False)
        .select_related("provider__organisation")
        .order_by("title", "provider__organisation__name", "pk")
    )
