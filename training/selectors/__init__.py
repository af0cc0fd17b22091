"""Reads for early career, scoped to what the person may see and prefetched so a page costs a fixed number of
queries however large the cohort."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractYear
from django.template.defaultfilters import pluralize
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import AuditEvent

from .. import schedule
from ..models import (
    CaseloadMonth,
    Enrolment,
    Evidence,
    FundingClaim,
    Moderation,
    Pause,
    Programme,
    ProtectedTime,
    Review,
    ReviewWindowException,
    SupervisionSession,
)
from ..rules import coordinator_org_ids
from .transfer import transfer_datasets  # noqa: F401  (found by regulation.transfer)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).order_by("available_from", "name")


def visible_enrolments(user) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if "regulator_staff" in user.roles:
        return qs
    return qs.filter(
        Q(participant_id=user.pk)
        | Q(supervisor_id=user.pk)
        | Q(assessor_id=user.pk)
        | Q(employer_id__in=coordinator_org_ids(user))
    )


# What cohort_rows() (the schedule) reads of each record: a list of a cohort reads only these, not the themes,
# judgements and evidence a record's own page shows (a page of 50 enrolments holds some 3,000 records).
_SCHEDULE_FIELDS = {
    SupervisionSession: ("id", "enrolment_id", "held_on"),
    Review: ("id", "enrolment_id", "point", "held_on", "returned_at"),
    Pause: ("id", "enrolment_id", "starts_on", "ends_on"),
    CaseloadMonth: ("id", "enrolment_id", "month", "cases", "experienced_caseload"),
    ProtectedTime: ("id", "enrolment_id", "hours"),
}


_RECORDS = (  # relation, model, order
    ("supervision_sessions", SupervisionSession, ("-held_on", "-id")),
    ("reviews", Review, ("held_on", "id")),
    ("pauses", Pause, ("starts_on",)),
    ("caseload_months", CaseloadMonth, ("month",)),
    ("protected_time", ProtectedTime, ("-week_starting", "-id")),
)
_SCHEDULE_PREFIX = "schedule_"


def _with_records(qs: QuerySet[Enrolment], *, schedule_only: bool = False) -> QuerySet[Enrolment]:
    """The enrolments with their people and records. ``schedule_only``: only the fields the schedule reads, as
    plain lists (``schedule_<relation>``): Django makes no queryset per enrolment and relation for them, which for
    a page of 50 was some 300 querysets built and thrown away."""
    if schedule_only:
        lists = [
            Prefetch(
                name,
                queryset=model.objects.order_by(*order).only(*_SCHEDULE_FIELDS[model]),
                to_attr=_SCHEDULE_PREFIX + name,
            )
            for name, model, order in _RECORDS
        ]
    else:
        lists = [Prefetch(name, queryset=model.objects.order_by(*order)) for name, model, order in _RECORDS]
        lists.append(Prefetch("window_exceptions", queryset=ReviewWindowException.objects.select_related("granted_by")))
    return qs.select_related("programme", "employer", "supervisor", "assessor", "line_manager").prefetch_related(*lists)


def _schedule_records(e: Enrolment) -> dict[str, list]:
    """The records the schedule reads, by relation: the lists a ``schedule_only`` query gave, or else the
    prefetched relations."""
    if hasattr(e, _SCHEDULE_PREFIX + "pauses"):
        return {name: getattr(e, _SCHEDULE_PREFIX + name) for name, _, _ in _RECORDS}
    return {name: list(getattr(e, name).all()) for name, _, _ in _RECORDS}


def with_due_flags(qs: QuerySet[Enrolment], today: datetime.date) -> QuerySet[Enrolment]:
    """Each enrolment's state on ``today`` from its stored schedule dates, in SQL, as cohort_rows() finds it in
    Python from the records: ``is_paused``, ``is_overdue`` (a required review past due, or supervision past due
    while the programme runs) and ``is_short_of_protected_time``. A test holds the two to the same answers."""
    running = Q(status=Enrolment.Status.ACTIVE, start_date__lte=today, is_paused=False)
    overdue = Q(status__in=Enrolment.OPEN) & (
        Q(required_review_due_on__lt=today) | (running & Q(supervision_due_on__lt=today))
    )
    short = Q(status=Enrolment.Status.ACTIVE, is_paused=False, protected_time_short_from__lte=today)
    return qs.annotate(
        is_paused=Exists(Pause.objects.filter(enrolment=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today))
    ).annotate(
        is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        is_short_of_protected_time=ExpressionWrapper(short, output_field=BooleanField()),
    )


COHORT_VIEWS = {
    "": "Everyone",
    "overdue": "With something overdue",
    "protected_time": "Short of protected time",
    "paused": "Paused",
}
_COHORT_VIEW_FILTERS = {
    "overdue": Q(is_overdue=True),
    "protected_time": Q(is_short_of_protected_time=True),
    "paused": Q(is_paused=True),
}


def cohort(
    user,
    *,
    employer_id: int | None = None,
    programme_id: int | None = None,
    status: str = "",
    include_finished: bool = True,
    show: str = "",
    mine_only: bool = False,
    today: datetime.date | None = None,
    schedule_only: bool = False,
) -> QuerySet[Enrolment]:
    """The enrolments the person sees, with their records prefetched for cohort_rows() and their state on ``today``
    (with_due_flags). ``show`` narrows to one state (COHORT_VIEWS); ``mine_only`` to those the person supervises or
    assesses; ``schedule_only`` reads of each record only what cohort_rows() needs (a list, not the API's
    records)."""
    qs = visible_enrolments(user)
    if employer_id:
        qs = qs.filter(employer_id=employer_id)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    if status:
        qs = qs.filter(status=status)
    if not include_finished:
        qs = qs.filter(status__in=Enrolment.OPEN)
    if mine_only:
        qs = qs.filter(Q(supervisor_id=user.pk) | Q(assessor_id=user.pk))
    qs = with_due_flags(qs, today or timezone.localdate())
    if show in _COHORT_VIEW_FILTERS:
        qs = qs.filter(_COHORT_VIEW_FILTERS[show])
    return _with_records(qs, schedule_only=schedule_only).order_by(
        "programme__available_from", "cohort", "participant_name", "id"
    )


def cohort_summary(enrolments: QuerySet[Enrolment]) -> dict:
    """Counts over a cohort() query, in one SQL query whatever its size."""
    return enrolments.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Enrolment.OPEN)),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        paused=Count("pk", filter=Q(is_paused=True)),
        protected_behind=Count("pk", filter=Q(is_short_of_protected_time=True)),
        internal_moderation=Count("pk", filter=Q(status=Enrolment.Status.AWAITING_MODERATION)),
        moderation=Count(
            "pk", filter=Q(status__in=(Enrolment.Status.AWAITING_MODERATION, Enrolment.Status.AWAITING_EXTERNAL))
        ),
        passed=Count("pk", filter=Q(status=Enrolment.Status.PASSED)),
        failed=Count("pk", filter=Q(status=Enrolment.Status.FAILED)),
    )


@dataclass
class CohortRow:
    enrolment: Enrolment
    points: list
    supervision: schedule.SupervisionStatus
    paused: object | None
    caseload_above: int
    protected: schedule.ProtectedTimeStatus | None = None
    next_point: object | None = None
    overdue: list[str] = field(default_factory=list)

    @property
    def progress_percent(self) -> int:
        e = self.enrolment
        total = (e.end_date - e.start_date).days or 1
        return max(0, min(100, (timezone.localdate() - e.start_date).days * 100 // total))


def cohort_rows(enrolments, today: datetime.date | None = None) -> list[CohortRow]:
    return list(iter_cohort_rows(enrolments, today))


def iter_cohort_rows(enrolments, today: datetime.date | None = None):
    """One CohortRow per enrolment as it comes (a download streams a whole cohort through this)."""
    today = today or timezone.localdate()
    for e in enrolments:
        records = _schedule_records(e)
        pauses = records["pauses"]
        points = schedule.review_points(e, records["reviews"], today, pauses=pauses)
        sup = schedule.supervision(e, records["supervision_sessions"], pauses, today)
        caseload = schedule.caseload(e, records["caseload_months"])
        row = CohortRow(
            enrolment=e,
            points=points,
            supervision=sup,
            paused=schedule.paused_on(pauses, today),
            caseload_above=sum(1 for c in caseload if c.above),
            protected=schedule.protected_time(e, records["protected_time"], pauses, today),
            next_point=next((p for p in points if p.state in ("overdue", "due_soon", "upcoming")), None),
        )
        if e.is_open:
            row.overdue = [p.label for p in points if p.state == "overdue"]
            if sup.overdue:
                row.overdue.append("Supervision")
        yield row


def enrolment_detail(pk: int) -> Enrolment:
    return (
        _with_records(Enrolment.objects.all())
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("added_by")),
            Prefetch("moderations", queryset=Moderation.objects.select_related("decided_by")),
            "learning_agreement",
        )
        .get(pk=pk)
    )


def own_enrolments(user) -> list[Enrolment]:
    if not user.is_authenticated:
        return []
    return list(_with_records(Enrolment.objects.filter(participant_id=user.pk)).order_by("-start_date", "-id"))


def current_enrolment(user) -> Enrolment | None:
    enrolments = own_enrolments(user)
    return next((e for e in enrolments if e.is_open), enrolments[0] if enrolments else None)


@dataclass
class TimelineItem:
    day: datetime.date
    title: str
    detail: str = ""
    state: str = "done"  # done, current, next


def timeline(e: Enrolment, today: datetime.date | None = None) -> list[TimelineItem]:
    """The programme on one line of time: what happened and what comes next."""
    today = today or timezone.localdate()
    items = [TimelineItem(e.start_date, f"Started the {e.programme.short_name}", f"At {e.employer.name}, {e.team}")]
    agreement = getattr(e, "learning_agreement", None)
    if agreement is not None:
        items.append(TimelineItem(agreement.agreed_on, "Learning agreement agreed"))
    for s in e.supervision_sessions.all():
        items.append(TimelineItem(s.held_on, "Supervision", f"{s.minutes} minute{pluralize(s.minutes)}: {s.themes}"))
    for p in e.pauses.all():
        items.append(
            TimelineItem(p.starts_on, f"Paused ({p.get_kind_display().lower()})", f"Until {p.ends_on:%-d %B %Y}")
        )
    for ev in e.evidence.all():
        items.append(TimelineItem(ev.occurred_on, ev.get_kind_display(), ev.title))
    for point in schedule.review_points(e, e.reviews.all(), today):
        if point.review is not None:
            r = point.review
            detail = (
                f"{r.concerns} standard{pluralize(r.concerns)} with concerns"
                if r.concerns
                else "On track in every standard"
            )
            if r.recommendation:
                detail += f"; recommendation: {r.get_recommendation_display().lower()}"
            items.append(TimelineItem(r.held_on, r.point_label, detail))
        elif e.is_open and point.state != "optional_missed":
            items.append(TimelineItem(point.due_on, f"{point.label} due", point.state_label, "next"))
    for m in e.moderations.all():
        items.append(TimelineItem(m.decided_at.date(), m.get_stage_display(), m.get_decision_display()))
    if e.status in (Enrolment.Status.PASSED, Enrolment.Status.FAILED) and e.outcome_on:
        items.append(TimelineItem(e.outcome_on, f"Outcome: {e.get_status_display().lower()}"))
    if e.annotation_added_on:
        items.append(TimelineItem(e.annotation_added_on, "Added to your register entry", "Completed early career"))
    for point in schedule.later_points(e, e.reviews.all(), today):
        if point.review is None:
            items.append(TimelineItem(point.due_on, f"{point.label} due", point.state_label, "next"))
        else:
            items.append(TimelineItem(point.review.held_on, point.label, point.review.get_recommendation_display()))
    items.sort(key=lambda i: (i.day, i.state != "done"))
    first_next = next((i for i in items if i.state == "next"), None)
    if first_next:
        first_next.state = "current"
    return items


def history(e: Enrolment) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_object(e).select_related("actor")


def funding_claims(user) -> QuerySet[FundingClaim]:
    qs = (
        FundingClaim.objects.select_related("employer", "created_by")
        .annotate(line_count=Count("lines"))
        .order_by("-period_start", "-id")
    )
    if "regulator_staff" in user.roles:
        return qs
    return qs.filter(employer_id__in=coordinator_org_ids(user))


def claim_detail(pk: int) -> FundingClaim:
    return FundingClaim.objects.select_related("employer", "created_by").prefetch_related("lines__enrolment").get(pk=pk)


# --- National figures ---------------------------------------------------------------------------------------------

FIGURES = ("enrolled", "completed", "passed", "failed", "extended", "withdrawn")


def _figure_aggregates() -> dict:
    return {
        "enrolled": Count("id"),
        "completed": Count("id", filter=Q(status__in=["passed", "failed"])),
        "passed": Count("id", filter=Q(status="passed")),
        "failed": Count("id", filter=Q(status="failed")),
        "extended": Count("id", filter=Q(end_date__gt=F("planned_end_date"))),
        "withdrawn": Count("id", filter=Q(status="withdrawn")),
    }


def completion_rate(row: dict) -> Decimal | None:
    """Passed as a share of everyone whose programme has ended (passed, failed or withdrawn)."""
    ended = row["passed"] + row["failed"] + row["withdrawn"]
    return (Decimal(row["passed"]) * 100 / ended).quantize(Decimal("0.1")) if ended else None


def national_figures(*, year: int | None = None, programme_id: int | None = None) -> dict:
    """Counts by employer, region and start year in one grouped query; regions, years and England are summed
    from those rows, so the cost does not grow with the number of participants."""
    qs = Enrolment.objects.all()
    if year:
        qs = qs.filter(start_date__year=year)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    # Grouped by numbers only (a hash, no sort of names across every enrolment); the employers' names are read
    # for the few hundred groups and the rows sorted here.
    rows = list(
        qs.annotate(year=ExtractYear("start_date"))
        .values("year", "employer_id")
        .annotate(**_figure_aggregates())
        .order_by()
    )
    names = account_selectors.organisation_names(row["employer_id"] for row in rows)
    for row in rows:
        row["employer"], region = names[row["employer_id"]]
        row["region"] = region or "No region"
    rows.sort(key=lambda r: (r["year"], r["region"], r["employer"], r["employer_id"]))
    by_region: dict[tuple, dict] = {}
    by_year: dict[int, dict] = {}
    england = dict.fromkeys(FIGURES, 0)
    for row in rows:
        row["completion_rate"] = completion_rate(row)
        for bucket in (
            by_region.setdefault(
                (row["year"], row["region"]),
                {"year": row["year"], "region": row["region"], **dict.fromkeys(FIGURES, 0)},
            ),
            by_year.setdefault(row["year"], {"year": row["year"], **dict.fromkeys(FIGURES, 0)}),
            england,
        ):
            for f in FIGURES:
                bucket[f] += row[f]
    for bucket in [*by_region.values(), *by_year.values(), england]:
        bucket["completion_rate"] = completion_rate(bucket)
    return {
        "employers": rows,
        "regions": sorted(by_region.values(), key=lambda r: (r["year"], r["region"])),
        "years": sorted(by_year.values(), key=lambda r: r["year"]),
        "england": england,
    }


def early_career_starters_fte(*, region_code: str, year: int) -> Decimal | None:
    """Full-time equivalent of social workers starting an early career programme in the region in that calendar
    year, or None when the product holds no enrolment in the region at all (so a forecast keeps its estimate).

    For the workforce forecast's early-career starters assumption."""
    in_region = Enrolment.objects.filter(employer__region__code=region_code)
    result = in_region.aggregate(any=Count("id"), fte=Sum("fte", filter=Q(start_date__year=year)))
    if not result["any"]:
        return None
    return result["fte"] or Decimal("0")
