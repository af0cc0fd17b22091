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
from django.db.models.functions import Coalesce, Collate
from django.utils import timezone

from accounts.models import AuditEvent

from . import years
from .models import (
    PRACTISING,
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


# --- Searching the register by name ---------------------------------------------------------------------------------
# A name search reads two indexes in their own order and stops after the page: people whose surname starts with what
# was typed (by surname, then full name), then people whose full name does, e.g. a first name (by full name). Each
# part is a range on an index whose order is the order shown (the keys in byte order, COLLATE "C" on PostgreSQL,
# migration 0012), so the planner has nothing to choose: a page costs the rows before it and the page itself, for
# "zhang" as for "zoë", at 100,000 entries as at 1,000,000. Counting stops at MAX_SHOWN: a name that matches more
# people than anyone would page through says so and asks for a first name or a town instead.
# (Ordered by the plain columns, PostgreSQL once ANALYZEd walked the whole surname index discarding rows: 96,410
# for "zhang" at 100,000 entries; ordered by an expression, it fetched and sorted every match: 36,000 rows and
# 90–300 ms for a common surname at 1,000,000. benchmarks/regulation_search.py measures all three.)
MAX_SHOWN = 1_000
KEY_END = "\U0010ffff"  # after every character, so [key, key + KEY_END) is "starts with key"


def _in_key_order(field: str):
    """The key as the search indexes sort it: byte order. SQLite's default (BINARY) already is."""
    return Collate(field, "C") if connection.vendor == "postgresql" else F(field)


def _by_key(entries: QuerySet[RegisterEntry]) -> QuerySet[RegisterEntry]:
    return entries.alias(surname_order=_in_key_order("surname_key"), name_order=_in_key_order("name_key"))


def in_name_order(entries: QuerySet[RegisterEntry]) -> QuerySet[RegisterEntry]:
    """By surname, then full name, then id: the order of the surname search index."""
    return _by_key(entries).order_by("surname_order", "name_order", "id")


class SearchResults:
    """What a search found, as the paginator (Django's, and DRF's through it) reads it: ``count()`` and slices.

    The parts are ordered querysets shown one after the other, each read by index range with LIMIT and OFFSET; the
    count is of at most ``MAX_SHOWN`` + 1 rows of each, so no page reads more than MAX_SHOWN + 1 index entries."""

    def __init__(self, *parts: QuerySet[RegisterEntry]):
        self.parts = parts
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        if self._sizes is None:
            self._sizes = []
            for part in self.parts:
                seen = sum(self._sizes)
                self._sizes.append(0 if seen > MAX_SHOWN else part.values("id")[: MAX_SHOWN + 1 - seen].count())
        return self._sizes

    @property
    def more_than_shown(self) -> bool:
        """More people match than are shown: the count says "more than MAX_SHOWN"."""
        return sum(self.sizes()) > MAX_SHOWN

    def count(self) -> int:
        return min(sum(self.sizes()), MAX_SHOWN)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        """Everything shown: at most MAX_SHOWN entries."""
        return iter(self[:])

    def __getitem__(self, index: slice) -> list[RegisterEntry]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("search results are read a page (a slice) at a time")
        start, stop = index.start or 0, min(index.stop if index.stop is not None else MAX_SHOWN, MAX_SHOWN)
        rows: list[RegisterEntry] = []
        offset = 0
        for part, size in zip(self.parts, self.sizes(), strict=True):
            if start < offset + size and stop > offset:
                rows.extend(part[max(start - offset, 0) : min(stop, offset + size) - offset])
            offset += size
        return rows


def _name_parts(entries: QuerySet[RegisterEntry], query: str) -> SearchResults:
    key = normalise_name(query)
    entries = _by_key(entries)
    surname_matches = Q(surname_order__gte=key, surname_order__lt=key + KEY_END)
    return SearchResults(
        entries.filter(surname_matches).order_by("surname_order", "name_order", "id"),
        entries.filter(name_order__gte=key, name_order__lt=key + KEY_END)
        .exclude(surname_matches)
        .order_by("name_order", "id"),
    )


def public_search(*, query: str = "", town: str = "") -> QuerySet[RegisterEntry] | SearchResults:
    """The public register: by number (exact), name (starting with) or employer town (exact).

    Every public record is here (including lapsed and removed, as the law requires of removals); callers
    show only the public fields. A name search is read in index order a page at a time (``SearchResults``).
    """
    query = (query or "").strip()
    town = (town or "").strip()
    entries = RegisterEntry.objects.all()
    if not query and not town:
        return entries.none()
    if town:
        # Councils loaded from the published statistics have no town; their name is the place (e.g. "Leeds").
        entries = entries.filter(
            Q(current_employer__town__iexact=town)
            | Q(
                current_employer__town="", current_employer__kind="local_authority", current_employer__name__iexact=town
            )
        )
    entries = (
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
    )
    number = normalise_number(query)
    if NUMBER_RE.match(number):
        return entries.filter(registration_number=number)
    if query:
        return _name_parts(entries, query)
    return SearchResults(in_name_order(entries))


def bulk_lookup(numbers: list[str]) -> list[tuple[str, RegisterEntry | None]]:
    """Each number asked for, in the order given, with its entry or None if not on the register."""
    found = {
        e.registration_number: e
        for e in RegisterEntry.objects.filter(registration_number__in=numbers)
        .select_related("current_employer")
        .prefetch_related(*public_prefetches(timezone.localdate()))
    }
    return [(n, found.get(n)) for n in numbers]


class _StatusFacts:
    """What an entry's status on ``day`` is decided from, in SQL, in ``status_from_facts``'s order: removed (by
    its status or a removal order in force), suspended (a suspending order in force), a lapse or voluntary removal
    decided, its registration lapsed (``grace_ends(registered_until) < day`` ⇔ ``registered_until < day − grace``),
    conditions in force."""

    def __init__(self, day: datetime.date):
        self.orders_in_force = Order.objects.filter(status=Order.Status.IN_FORCE, starts_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )
        orders = self.orders_in_force.filter(entry=OuterRef("pk"))
        conditions = Condition.objects.filter(entry=OuterRef("pk"), revoked_at__isnull=True, starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
        self.removed = Q(status=EntryStatus.REMOVED) | Q(Exists(orders.filter(kind="removal")))
        self.suspended = Q(Exists(orders.filter(kind__in=Order.SUSPENDING)))
        self.decided = Q(status__in=[EntryStatus.LAPSED, EntryStatus.VOLUNTARILY_REMOVED])
        self.lapsed = Q(registered_until__lt=day - datetime.timedelta(days=years.grace_days()))
        self.conditions = Q(Exists(conditions))


def status_on(day: datetime.date) -> Case:
    """``RegisterEntry.status_from_facts`` (and ``status_today``) as one SQL expression, for the rows a page shows:
    two ``EXISTS`` lookups on the orders' and conditions' entry indexes and the entries' own columns.
    ``test_status_filter_matches_status_today`` keeps the two in step."""
    facts = _StatusFacts(day)
    return Case(
        When(facts.removed, then=Value(EntryStatus.REMOVED)),
        When(facts.suspended, then=Value(EntryStatus.SUSPENDED)),
        When(facts.decided, then=F("status")),
        When(facts.lapsed, then=Value(EntryStatus.LAPSED)),
        When(facts.conditions, then=Value(EntryStatus.REGISTERED_WITH_CONDITIONS)),
        default=Value(EntryStatus.REGISTERED),
        output_field=CharField(),
    )


def status_is(day: datetime.date, status: str) -> Q:
    """The entries whose ``status_on(day)`` is ``status``, as a condition rather than the expression compared: each
    fact is an ``EXISTS`` or a column test in ``WHERE``, which PostgreSQL answers by joining the few orders and
    conditions in force once, where comparing ``status_on`` made it run the lookups for every entry (filtering
    100,000 entries by a status: 500 to 800 ms, issue #34). The first fact that holds decides, as in the
    expression."""
    facts = _StatusFacts(day)
    neither = ~facts.removed & ~facts.suspended
    registered = neither & ~facts.decided & ~facts.lapsed
    if status == EntryStatus.REMOVED:
        # An OR with a lookup is guessed to hold for half the register, so the planner walked the whole name index
        # to find the few removed (90 ms at 100,000 entries): the entries under a removal order are read first.
        ordered = facts.orders_in_force.filter(kind="removal").values_list("entry_id", flat=True)
        return Q(status=EntryStatus.REMOVED) | Q(pk__in=list(ordered))
    return {
        EntryStatus.SUSPENDED: ~facts.removed & facts.suspended,
        EntryStatus.LAPSED: neither & (Q(status=EntryStatus.LAPSED) | (~facts.decided & facts.lapsed)),
        EntryStatus.VOLUNTARILY_REMOVED: neither & Q(status=EntryStatus.VOLUNTARILY_REMOVED),
        EntryStatus.REGISTERED_WITH_CONDITIONS: registered & facts.conditions,
        EntryStatus.REGISTERED: registered & ~facts.conditions,
    }.get(status, Q(pk__in=[]))


def with_status_today(entries: QuerySet[RegisterEntry], status: str = "") -> QuerySet[RegisterEntry]:
    """Each entry carries the status it has today (``status_now``, read by ``status_today``); filtered to one
    status when given."""
    today = timezone.localdate()
    entries = entries.annotate(status_now=status_on(today))
    return entries.filter(status_is(today, status)) if status else entries


def staff_search(*, query: str = "", status: str = "") -> QuerySet[RegisterEntry] | SearchResults:
    """Staff's search: by number or email (exact) or name (starting with), or every entry; each with today's
    status, filtered to one status when given."""
    entries = with_status_today(
        RegisterEntry.objects.select_related("current_employer").prefetch_related(
            *public_prefetches(timezone.localdate())
        ),
        status,
    )
    query = (query or "").strip()
    number = normalise_number(query)
    if query and NUMBER_RE.match(number):
        return entries.filter(registration_number=number)
    if "@" in query:
        return in_name_order(entries.filter(email__iexact=query))
    if query:
        return _name_parts(entries, query)
    return SearchResults(in_name_order(entries))


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


def employed_staff(user) -> QuerySet[Employment]:
    """Current employments at the organisations where this person is a line manager or workforce lead, in name
    order: a queryset, read a page at a time (``with_hours_this_year`` then fills in a page)."""
    today = timezone.localdate()
    prefetches = [
        Prefetch(f"entry__{p.prefetch_through}", queryset=p.queryset, to_attr=p.to_attr)
        for p in public_prefetches(today)
    ]
    return (
        Employment.objects.filter(employer_id__in=employer_org_ids(user))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("entry", "employer")
        .prefetch_related(*prefetches)
        .order_by("entry__surname_key", "entry__name_key", "id")
    )


def with_hours_this_year(staff) -> list[Employment]:
    """Each employment with ``hours_this_year``, counted in that person's own registration year
    (``years.counting_period``): one query for the whole page."""
    staff = list(staff)
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
    # Today's status comes from the orders and conditions prefetched here (``status_on_day``), not from the SQL
    # expression as well: building and compiling that expression cost more than the query itself (3.5 ms a call).
    entries = (
        RegisterEntry.objects.filter(user_id__in=list(user_ids))
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
    standing = {}
    for e in entries:
        status = e.status_on_day(today)  # the day whose orders and conditions were read
        practising = status in PRACTISING
        standing[e.user_id] = {
            "registration_number": e.registration_number,
            "name": e.full_name,
            "status": status,
            "status_label": EntryStatus(status).label,
            "practising": practising,
            "reason": e.history[0].reason if e.history and not practising else "",
            "accredited": [ACCREDITATION_KINDS[a.kind] for a in e.accreditations_in_force],
        }
    return standing


def current_employer_ids(user) -> set[int]:
    """The organisations the register says this person works for now (for other apps' eligibility checks)."""
    today = timezone.localdate()
    return set(
        Employment.objects.filter(entry__user=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("employer_id", flat=True)
    )


def _employed_on_or_after(since: datetime.date) -> Q:
    """An employment that had not ended before ``since``: the conflict-of-interest window's rule."""
    return Q(ended_on__isnull=True) | Q(ended_on__gte=since)


def employer_ids_since(user, since: datetime.date) -> set[int]:
    """The organisations the register shows this person working for at any time on or after ``since`` (for the
    accreditation pathway's conflict-of-interest check on assessors)."""
    return set(
        Employment.objects.filter(entry__user_id=user.pk)
        .filter(_employed_on_or_after(since))
        .values_list("employer_id", flat=True)
    )


def people_employed_since(organisation_ids, since: datetime.date) -> QuerySet:
    """The user ids of the people the register shows working for any of these organisations at any time on or
    after ``since``: a query (for another app's conflict-of-interest check to use as a subquery), read by the
    employer's index, so its cost is the organisations' staff, not the register's."""
    return (
        Employment.objects.filter(employer_id__in=list(organisation_ids), entry__user_id__isnull=False)
        .filter(_employed_on_or_after(since))
        .values("entry__user_id")
    )


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
