"""Reads of the register, scoped and prefetched so each page costs a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accounts.models import AuditEvent

from . import years
from .models import (
    Annotation,
    Application,
    CaseStage,
    Condition,
    CPDRecord,
    DirectWorkLog,
    Employment,
    EntryStatus,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
    Renewal,
    StatusChange,
    normalise_name,
)
from .rules import employer_org_ids

NUMBER_RE = re.compile(r"^SW\d{1,9}$")


def normalise_number(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def _in_force(today: datetime.date, *, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def public_prefetches(today: datetime.date) -> list[Prefetch]:
    """Only what is in force today: conditions, orders (sanctions) and annotations."""
    return [
        Prefetch(
            "conditions",
            queryset=Condition.objects.filter(_in_force(today), revoked_at__isnull=True),
            to_attr="conditions_in_force",
        ),
        Prefetch(
            "orders",
            queryset=Order.objects.filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today),
                status=Order.Status.IN_FORCE,
                starts_on__lte=today,
            ),
            to_attr="orders_in_force",
        ),
        Prefetch("annotations", queryset=Annotation.objects.filter(_in_force(today)), to_attr="annotations_in_force"),
    ]


def _prefix(field: str, key: str) -> Q:
    """Starts-with as an index range. SQLite's LIKE is case-insensitive and skips the index, so it gets an
    explicit range; PostgreSQL's LIKE uses the pattern index Django builds for indexed CharFields."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + "\U0010ffff"})
    return Q(**{f"{field}__startswith": key})


def _name_filter(query: str) -> Q:
    key = normalise_name(query)
    return _prefix("surname_key", key) | _prefix("name_key", key)


# A name search is ordered by an expression, not by the indexed columns. Ordered by the columns, PostgreSQL's planner
# (once ANALYZE has given it statistics, as autovacuum does) answers "… ORDER BY surname_key LIMIT 25" by walking the
# whole surname index in order and discarding every row that does not match: 96,410 rows and 46 ms for "zhang" at
# 100,000 entries. Ordered by the expression, it can only fetch the matches through the two prefix indexes and sort
# them, which costs the same for every name (benchmarks/regulation_search.py measures both). The keys are already
# case-folded, so the order is the same.
BY_NAME = (Lower("surname_key"), Lower("name_key"), "id")


def public_search(*, query: str = "", town: str = "") -> QuerySet[RegisterEntry]:
    """The public register: by number (exact), name (starting with) or employer town (exact).

    Every public record is here (including lapsed and removed, as the law requires of removals); callers
    show only the public fields. Ordered by the name index, so a page is a bounded index scan.
    """
    query = (query or "").strip()
    town = (town or "").strip()
    entries = RegisterEntry.objects.all()
    if not query and not town:
        return entries.none()
    number = normalise_number(query)
    if NUMBER_RE.match(number):
        entries = entries.filter(registration_number=number)
    elif query:
        entries = entries.filter(_name_filter(query))
    order = BY_NAME if query else ("surname_key", "name_key", "id")
    if town:
        # Councils loaded from the published statistics have no town; their name is the place (e.g. "Leeds").
        entries = entries.filter(
            Q(current_employer__town__iexact=town)
            | Q(
                current_employer__town="", current_employer__kind="local_authority", current_employer__name__iexact=town
            )
        )
    return (
        entries.select_related("current_employer")
        .only(
            "registration_number",
            "first_name",
            "last_name",
            "status",
            "registered_on",
            "registered_until",
            "qualification",
            "current_employer__town",
            "current_employer__name",
            "current_employer__kind",
        )
        .prefetch_related(*public_prefetches(timezone.localdate()))
        .order_by(*order)
    )


def bulk_lookup(numbers: list[str]) -> list[tuple[str, RegisterEntry | None]]:
    """Each number asked for, in the order given, with its entry or None if not on the register."""
    found = {
        e.registration_number: e
        for e in RegisterEntry.objects.filter(registration_number__in=numbers)
        .select_related("current_employer")
        .prefetch_related(*public_prefetches(timezone.localdate()))
    }
    return [(n, found.get(n)) for n in numbers]


def status_on(day: datetime.date) -> Case:
    """``RegisterEntry.status_from_facts`` (and ``status_today``) as one SQL expression, so a list can be filtered
    by the status people see on ``day`` without loading every entry: two ``EXISTS`` lookups on the orders' and
    conditions' entry indexes and the entries' own columns. ``test_status_filter_matches_status_today`` keeps
    the two in step."""
    orders = Order.objects.filter(entry=OuterRef("pk"), status=Order.Status.IN_FORCE, starts_on__lte=day).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    )
    conditions = Condition.objects.filter(entry=OuterRef("pk"), revoked_at__isnull=True, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    # grace_ends(registered_until) < day  ⇔  registered_until < day − grace
    lapses_before = day - datetime.timedelta(days=years.grace_days())
    return Case(
        When(status=EntryStatus.REMOVED, then=Value(EntryStatus.REMOVED)),
        When(Exists(orders.filter(kind="removal")), then=Value(EntryStatus.REMOVED)),
        When(Exists(orders.filter(kind__in=Order.SUSPENDING)), then=Value(EntryStatus.SUSPENDED)),
        When(status__in=[EntryStatus.LAPSED, EntryStatus.VOLUNTARILY_REMOVED], then=F("status")),
        When(registered_until__lt=lapses_before, then=Value(EntryStatus.LAPSED)),
        When(Exists(conditions), then=Value(EntryStatus.REGISTERED_WITH_CONDITIONS)),
        default=Value(EntryStatus.REGISTERED),
        output_field=CharField(),
    )


def with_status_today(entries: QuerySet[RegisterEntry], status: str = "") -> QuerySet[RegisterEntry]:
    """Each entry carries the status it has today (``status_now``, read by ``status_today``); filtered to one
    status when given."""
    entries = entries.annotate(status_now=status_on(timezone.localdate()))
    return entries.filter(status_now=status) if status else entries


def staff_search(*, query: str = "", status: str = "") -> QuerySet[RegisterEntry]:
    entries = RegisterEntry.objects.select_related("current_employer").prefetch_related(
        *public_prefetches(timezone.localdate())
    )
    query = (query or "").strip()
    if query:
        number = normalise_number(query)
        if NUMBER_RE.match(number):
            entries = entries.filter(registration_number=number)
        elif "@" in query:
            entries = entries.filter(email__iexact=query)
        else:
            entries = entries.filter(_name_filter(query))
            return with_status_today(entries, status).order_by(*BY_NAME)
    return with_status_today(entries, status).order_by("surname_key", "name_key", "id")


def entry_for_staff(pk: int) -> RegisterEntry:
    return (
        RegisterEntry.objects.select_related("current_employer", "user", "application")
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by", "order")),
            Prefetch("employments", queryset=Employment.objects.select_related("employer", "confirmed_by")),
            Prefetch("ftp_cases", queryset=FitnessToPractiseCase.objects.order_by("-received_on")),
            Prefetch("orders", queryset=Order.objects.select_related("case")),
            Prefetch("conditions", queryset=Condition.objects.select_related("case")),
            "annotations",
            Prefetch("renewals", queryset=Renewal.objects.order_by("-year_end")),
            Prefetch("cpd_records", queryset=CPDRecord.objects.order_by("-activity_date")),
        )
        .get(pk=pk)
    )


def entry_for_proof(pk: int) -> RegisterEntry:
    return (
        RegisterEntry.objects.select_related("current_employer")
        .prefetch_related(*public_prefetches(timezone.localdate()))
        .get(pk=pk)
    )


def entry_history(entry: RegisterEntry) -> QuerySet[AuditEvent]:
    """Every audited change to the entry and to the records hanging off it, newest first."""
    types = ContentType.objects.get_for_models(
        RegisterEntry, Employment, Order, Condition, Application, FitnessToPractiseCase
    )
    ids = {
        RegisterEntry: [entry.pk],
        Employment: [e.pk for e in entry.employments.all()],
        Order: [o.pk for o in entry.orders.all()],
        Condition: [c.pk for c in entry.conditions.all()],
        FitnessToPractiseCase: [c.pk for c in entry.ftp_cases.all()],
        Application: list(Application.objects.filter(entry=entry).values_list("pk", flat=True)),
    }
    condition = Q(pk__in=[])
    for model, pks in ids.items():
        if pks:
            condition |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    return AuditEvent.objects.filter(condition).select_related("actor").order_by("-occurred_at", "-id")


def own_entry(user) -> RegisterEntry | None:
    if not user.is_authenticated:
        return None
    return (
        RegisterEntry.objects.select_related("current_employer")
        .prefetch_related(*public_prefetches(timezone.localdate()))
        .filter(user=user)
        .first()
    )


def latest_application(user) -> Application | None:
    return Application.objects.filter(applicant=user).select_related("employer").order_by("-submitted_at").first()


def direct_work_total(entry: RegisterEntry) -> Decimal:
    """Hours in the same registration year as CPD (``years.counting_period``)."""
    start, end = years.counting_period(entry.registered_on, entry.registered_until)
    total = entry.direct_work.filter(worked_on__gte=start, worked_on__lte=end).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def applications_queue() -> QuerySet[Application]:
    return Application.objects.filter(status__in=Application.OPEN).select_related("employer").order_by("submitted_at")


def open_cases() -> QuerySet[FitnessToPractiseCase]:
    """Open cases, oldest first. The orders in force are counted by a subquery and the entries fetched for the page
    only: a join (and GROUP BY) made PostgreSQL hash the whole register before sorting and cutting to one page
    (148 ms at 100,000 entries and 5,000 cases; 3 ms this way, one query more)."""
    in_force = (
        Order.objects.filter(case=OuterRef("pk"), status=Order.Status.IN_FORCE)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        FitnessToPractiseCase.objects.exclude(stage=FitnessToPractiseCase.Stage.CLOSED)
        .prefetch_related("entry")
        .annotate(order_count=Coalesce(Subquery(in_force, output_field=IntegerField()), 0))
        .order_by("received_on", "id")
    )


def case_detail(pk: int) -> FitnessToPractiseCase:
    return (
        FitnessToPractiseCase.objects.select_related("entry", "opened_by")
        .prefetch_related(
            Prefetch("stages", queryset=CaseStage.objects.select_related("recorded_by")),
            Prefetch("orders", queryset=Order.objects.prefetch_related("conditions")),
        )
        .get(pk=pk)
    )


def employed_staff(user) -> list[Employment]:
    """Current employments at the organisations where this person is a line manager or workforce lead, each
    with ``hours_this_year`` counted in that person's own registration year (``years.counting_period``)."""
    today = timezone.localdate()
    prefetches = [
        Prefetch(f"entry__{p.prefetch_through}", queryset=p.queryset, to_attr=p.to_attr)
        for p in public_prefetches(today)
    ]
    staff = list(
        Employment.objects.filter(employer_id__in=employer_org_ids(user))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("entry", "employer")
        .prefetch_related(*prefetches)
        .order_by("entry__surname_key", "entry__name_key", "id")
    )
    periods = {e.entry_id: years.counting_period(e.entry.registered_on, e.entry.registered_until) for e in staff}
    hours: dict[int, Decimal] = {}
    if periods:
        logs = DirectWorkLog.objects.filter(
            entry_id__in=periods,
            worked_on__gte=min(p[0] for p in periods.values()),
            worked_on__lte=max(p[1] for p in periods.values()),
        ).values_list("entry_id", "worked_on", "hours")
        for entry_id, day, amount in logs:
            start, end = periods[entry_id]
            if start <= day <= end:
                hours[entry_id] = hours.get(entry_id, Decimal("0")) + amount
    for employment in staff:
        employment.hours_this_year = hours.get(employment.entry_id, Decimal("0"))
        employment.period_label = years.period_label(*periods[employment.entry_id])
    return staff


ACCREDITATION_KINDS = {
    Annotation.Kind.PRACTITIONER: "practitioner",
    Annotation.Kind.SUPERVISOR: "supervisor",
    Annotation.Kind.LEADER: "leader",
}


def suspended_registration_numbers(numbers=None) -> set[str]:
    """For other apps (published credential status): the registration numbers an order suspends today, of those
    given or of everyone. One query."""
    today = timezone.localdate()
    orders = Order.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        status=Order.Status.IN_FORCE,
        kind__in=Order.SUSPENDING,
        starts_on__lte=today,
    )
    if numbers is not None:
        orders = orders.filter(entry__registration_number__in=list(numbers))
    return set(orders.values_list("entry__registration_number", flat=True))


def practice_standing(user_ids) -> dict[int, dict]:
    """For other apps (the accreditation pathway): each person's register standing in two queries.

    ``practising`` is False when suspended, removed or lapsed; ``reason`` is the latest status change's reason,
    so a paused pathway can say why; ``accredited`` lists the pathway levels whose annotation is in force.
    """
    today = timezone.localdate()
    entries = (
        with_status_today(RegisterEntry.objects.filter(user_id__in=list(user_ids)))
        .only(
            "user_id",
            "registration_number",
            "first_name",
            "last_name",
            "status",
            "registered_until",
            "current_employer_id",
        )
        .prefetch_related(
            *public_prefetches(today)[:2],  # orders and conditions in force: is_practising without a query each
            Prefetch(
                "annotations",
                queryset=Annotation.objects.filter(_in_force(today), kind__in=list(ACCREDITATION_KINDS)),
                to_attr="accreditations_in_force",
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("-changed_at", "-id"), to_attr="history"),
        )
    )
    return {
        e.user_id: {
            "registration_number": e.registration_number,
            "name": e.full_name,
            "status": e.status_today,
            "status_label": e.get_status_today_display(),
            "practising": e.is_practising,
            "reason": e.history[0].reason if e.history and not e.is_practising else "",
            "accredited": [ACCREDITATION_KINDS[a.kind] for a in e.accreditations_in_force],
        }
        for e in entries
    }


def current_employer_ids(user) -> set[int]:
    """The organisations the register says this person works for now (for other apps' eligibility checks)."""
    today = timezone.localdate()
    return set(
        Employment.objects.filter(entry__user=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("employer_id", flat=True)
    )


def employer_ids_since(user, since: datetime.date) -> set[int]:
    """The organisations the register shows this person working for at any time on or after ``since`` (for the
    accreditation pathway's conflict-of-interest check on assessors)."""
    return employer_ids_since_by_user([user.pk], since).get(user.pk, set())


def employer_ids_since_by_user(user_ids, since: datetime.date) -> dict[int, set[int]]:
    """``employer_ids_since`` for many people at once (one query): the candidates an assessor's lists hold."""
    employers: dict[int, set[int]] = {}
    rows = (
        Employment.objects.filter(entry__user_id__in=list(user_ids))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .values_list("entry__user_id", "employer_id")
    )
    for user_id, employer_id in rows:
        employers.setdefault(user_id, set()).add(employer_id)
    return employers


# --- For other apps (early career, accreditation): reads by person or number, never a join across apps --------


def entry_by_number(number: str) -> RegisterEntry | None:
    number = normalise_number(number)
    if not NUMBER_RE.match(number):
        return None
    return RegisterEntry.objects.select_related("user", "current_employer").filter(registration_number=number).first()


def entries_for_users(user_ids) -> dict[int, RegisterEntry]:
    """Each person's register entry (if any), keyed by user id, in one query."""
    return {e.user_id: e for e in RegisterEntry.objects.filter(user_id__in=list(user_ids)).select_related("user")}


def open_annotation(entry: RegisterEntry, kind: str) -> Annotation | None:
    """The entry's annotation of this kind that has no end date yet, if any (for the app that added it)."""
    return entry.annotations.filter(kind=kind, ends_on__isnull=True).first()


def entry_with_annotations(user) -> RegisterEntry | None:
    """The person's entry with every annotation, past and present, for their one-journey page."""
    if not user.is_authenticated:
        return None
    return RegisterEntry.objects.prefetch_related("annotations").filter(user=user).first()
