"""The practitioner register: entries, applications, renewal with CPD, fitness to practise, conditions, annotations.

Nothing here is ever deleted: statuses and end dates record what changed, the status history and the audit
trail record who changed it and why.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organisation

NUMBER_BASE = 100000


class EntryStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    REGISTERED_WITH_CONDITIONS = "registered_with_conditions", "Registered with conditions"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed (fitness to practise)"
    LAPSED = "lapsed", "Lapsed (not renewed)"
    VOLUNTARILY_REMOVED = "voluntarily_removed", "Voluntarily removed"


PRACTISING = (EntryStatus.REGISTERED, EntryStatus.REGISTERED_WITH_CONDITIONS)


class RegistrationNumber(models.Model):
    """One row per number ever issued. The database sequence hands out the key, so concurrent approvals
    never collide and a number is never reused (rows are never deleted)."""

    allocated_at = models.DateTimeField(default=timezone.now)

    @property
    def number(self) -> str:
        return f"SW{NUMBER_BASE + self.pk}"

    def __str__(self) -> str:
        return self.number


class RegisterEntry(models.Model):
    # What the history page shows someone other than regulator staff: the facts the public register holds.
    # Fitness-to-practise cases and the panels' reasons stay with the regulator.
    public_history_actions = frozenset(
        {
            "registered",
            "status_changed",
            "renewed",
            "order_made",
            "order_ended",
            "condition_added",
            "annotation_added",
            "annotation_ended",
            "employment_added",
            "restored",
        }
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="register_entry"
    )
    number_allocation = models.OneToOneField(RegistrationNumber, on_delete=models.PROTECT, related_name="entry")
    registration_number = models.CharField(max_length=12, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    surname_key = models.CharField(max_length=150, db_index=True, editable=False)
    name_key = models.CharField(max_length=301, editable=False)  # searched through its own index (migration 0012)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    qualification = models.CharField(max_length=255)
    qualified_on = models.DateField()
    registered_on = models.DateField()
    registered_until = models.DateField(help_text="30 November ending the registration year paid for.")
    status = models.CharField(max_length=32, choices=EntryStatus.choices, default=EntryStatus.REGISTERED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    current_employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="registered_staff"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "register entry"
        verbose_name_plural = "register entries"
        ordering = ["surname_key", "name_key", "id"]
        constraints = [
            models.CheckConstraint(name="entry_number_format", condition=Q(registration_number__regex=r"^SW[0-9]+$")),
            models.CheckConstraint(name="entry_status_valid", condition=Q(status__in=EntryStatus.values)),
            models.CheckConstraint(
                name="entry_registered_until_after_registration",
                condition=Q(registered_until__gte=F("registered_on")),
            ),
        ]
        indexes = [models.Index(fields=["status", "registered_until"], name="entry_status_until")]

    def __str__(self) -> str:
        return f"{self.registration_number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.surname_key = normalise_name(self.last_name)
        self.name_key = normalise_name(f"{self.first_name} {self.last_name}")
        if kwargs.get("update_fields") and ({"first_name", "last_name"} & set(kwargs["update_fields"])):
            kwargs["update_fields"] = list({*kwargs["update_fields"], "surname_key", "name_key"})
        super().save(*args, **kwargs)

    @property
    def is_practising(self) -> bool:
        return self.status_today in PRACTISING

    def status_from_facts(self, day: datetime.date, *, orders, conditions) -> tuple[str, Order | None]:
        """The status on ``day`` from dated facts: orders and conditions in force, and the renewal deadline.
        Lapse, voluntary removal and removal are decisions, kept until someone decides otherwise."""
        from . import years

        in_force = [o for o in orders if o.in_force_on(day)]
        for kinds, status in ((("removal",), EntryStatus.REMOVED), (Order.SUSPENDING, EntryStatus.SUSPENDED)):
            for order in in_force:
                if order.kind in kinds:
                    return status, order
        if self.status in (EntryStatus.LAPSED, EntryStatus.VOLUNTARILY_REMOVED):
            return self.status, None
        if years.grace_ends(self.registered_until) < day:
            return EntryStatus.LAPSED, None
        if any(c.in_force_on(day) for c in conditions):
            return EntryStatus.REGISTERED_WITH_CONDITIONS, next(
                (o for o in in_force if o.kind in Order.CONDITIONAL), None
            )
        return EntryStatus.REGISTERED, None

    @property
    def status_today(self) -> str:
        """What every page and the API show: right on the day it changes, before the nightly task records it.
        Uses the prefetched ``orders_in_force``/``conditions_in_force`` when a selector loaded them."""
        cached = self.__dict__.get("_status_today") or self.__dict__.get("status_now")  # selectors.with_status_today
        if cached is not None:
            return cached
        day = timezone.localdate()
        orders = getattr(self, "orders_in_force", None)
        if orders is None:
            orders = list(self.orders.filter(status=Order.Status.IN_FORCE))
        conditions = getattr(self, "conditions_in_force", None)
        if conditions is None:
            conditions = list(self.conditions.filter(revoked_at__isnull=True))
        status, _ = self.status_from_facts(day, orders=orders, conditions=conditions)
        if self.status == EntryStatus.REMOVED and status != EntryStatus.REMOVED:
            status = self.status  # a removal is lifted only by a decision (restoration, an appeal)
        self.__dict__["_status_today"] = status
        return status

    def get_status_today_display(self) -> str:
        return EntryStatus(self.status_today).label


_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_SEPARATORS = dict.fromkeys(map(ord, "-‐‑–—.,"), " ")


def normalise_name(text: str) -> str:
    """A name as people type it: no accents (Zoë → zoe), no apostrophes (O’Neill → oneill), hyphens and
    full stops as spaces (Brontë-Smith → bronte smith), case-folded. Stored in the indexed search keys, so a
    search is a prefix lookup on an index on PostgreSQL and SQLite alike."""
    text = text or ""
    if text.isascii():  # most names: nothing to decompose (a bundle's load derives two keys for every entry)
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate(_APOSTROPHES).translate(_SEPARATORS)
    return " ".join(plain.casefold().split())


class StatusChange(models.Model):
    """The register's status history: appended, never overwritten."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=EntryStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=EntryStatus.choices)
    reason = models.TextField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey("Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [models.CheckConstraint(name="status_change_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.entry.registration_number}: {self.from_status or '–'} → {self.to_status}"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for review"
        MORE_INFORMATION = "more_information", "More information requested"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.SUBMITTED, Status.MORE_INFORMATION)

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    email = models.EmailField()
    address = models.TextField()
    qualification = models.CharField("qualifying course", max_length=255)
    qualified_on = models.DateField("date of qualification")
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="register_applications"
    )
    # Picked from the public list of approved courses; "not listed" courses (approved before records began)
    # are named in ``qualification`` and matched by regulator staff.
    course = models.ForeignKey(
        "regulation.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="register_applications"
    )
    course_not_listed = models.BooleanField("my course is not listed", default=False)
    course_matched_at = models.DateTimeField(null=True, blank=True)
    course_matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    course_match_reason = models.TextField("why this course", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    information_requested = models.TextField(blank=True)
    applicant_response = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    entry = models.OneToOneField(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    restores = models.ForeignKey(
        RegisterEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restoration_applications",
        help_text="For a lapsed or removed person applying to return: the entry to restore.",
    )
    statement = models.TextField("why you are applying to return", blank=True, max_length=5000)
    health_declaration = models.BooleanField(
        "has a health condition that could affect safe practice", null=True, blank=True
    )
    character_declaration = models.BooleanField(
        "has anything in their conduct or character the regulator should know", null=True, blank=True
    )
    convictions_declaration = models.BooleanField("has a conviction, caution or pending charge", null=True, blank=True)
    declaration_details = models.TextField(blank=True, max_length=5000)
    declared_at = models.DateTimeField(null=True, blank=True, help_text="When the applicant confirmed it is true.")

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=["submitted", "more_information"]),
                name="application_one_open_per_person",
            ),
            models.CheckConstraint(
                name="application_decision_has_reason",
                condition=Q(status__in=["submitted", "more_information"]) | ~Q(decision_reason=""),
            ),
            models.CheckConstraint(
                name="application_approved_has_entry",
                condition=~Q(status="approved") | Q(entry__isnull=False) | Q(restores__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Application from {self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_restoration(self) -> bool:
        return self.restores_id is not None


class ApplicationDocument(models.Model):
    """Evidence sent with an application. Kept with it, never deleted."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", "Qualification certificate"
        IDENTITY = "identity", "Proof of identity"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to="register/applications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class Renewal(models.Model):
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="renewals")
    year_end = models.DateField(help_text="30 November ending the registration year renewed from.")
    renewed_at = models.DateTimeField(default=timezone.now)
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(default=False)
    cpd_count = models.PositiveSmallIntegerField(default=0)
    peer_reflection_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-year_end"]
        constraints = [models.UniqueConstraint(fields=["entry", "year_end"], name="renewal_once_per_year")]

    def __str__(self) -> str:
        return f"Renewal of {self.entry.registration_number} for the year ending {self.year_end:%d %B %Y}"


class RenewalReminder(models.Model):
    """One row per reminder sent, so the daily task never sends the same reminder twice."""

    class Kind(models.TextChoices):
        WINDOW_OPEN = "window_open", "Renewal is open"
        DEADLINE_NEAR = "deadline_near", "Deadline is near"
        GRACE = "grace", "In the grace period"

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="reminders")
    year_end = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "year_end", "kind"], name="reminder_once_per_kind_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for the year ending {self.year_end}"


class CurrentCPDManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class CPDRecord(models.Model):
    """A person's CPD. They may change or delete it until a renewal has counted it; a deleted record is kept,
    marked deleted, and left out everywhere."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="cpd_records")
    title = models.CharField(max_length=200)
    activity_date = models.DateField("date of the activity")
    learning = models.TextField("what you learned")
    impact = models.TextField("the impact on your practice")
    discussed_with_peer = models.BooleanField("discussed with a peer", default=False)
    peer_name = models.CharField("who you discussed it with", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CurrentCPDManager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = "CPD record"
        base_manager_name = "all_objects"
        ordering = ["-activity_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="cpd_peer_reflection_names_peer",
                condition=Q(discussed_with_peer=False) | ~Q(peer_name=""),
            ),
        ]
        indexes = [models.Index(fields=["entry", "activity_date"], name="cpd_entry_date")]

    def __str__(self) -> str:
        return self.title


class DirectWorkLog(models.Model):
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="direct_work")
    worked_on = models.DateField("date")
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    description = models.CharField("what the work was", max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-worked_on", "-id"]
        constraints = [
            models.CheckConstraint(name="direct_work_hours_in_a_day", condition=Q(hours__gt=0, hours__lte=24)),
        ]
        indexes = [models.Index(fields=["entry", "worked_on"], name="direct_work_entry_date")]

    def __str__(self) -> str:
        return f"{self.hours} hours on {self.worked_on}"


class Employment(models.Model):
    class Contract(models.TextChoices):
        PERMANENT = "permanent", "Permanent"
        AGENCY = "agency", "Agency"

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="employments")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="register_employments")
    role_title = models.CharField("role", max_length=200)
    started_on = models.DateField("start date")
    ended_on = models.DateField("end date", null=True, blank=True)
    fte = models.DecimalField("full-time equivalent", max_digits=3, decimal_places=2)
    contract = models.CharField(max_length=12, choices=Contract.choices)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(name="employment_fte_range", condition=Q(fte__gt=0, fte__lte=1)),
            models.CheckConstraint(
                name="employment_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            ),
            models.CheckConstraint(name="employment_contract_valid", condition=Q(contract__in=["permanent", "agency"])),
        ]

    def __str__(self) -> str:
        return f"{self.role_title} at {self.employer}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class FitnessToPractiseCase(models.Model):
    class Stage(models.TextChoices):
        TRIAGE = "triage", "Triage"
        INVESTIGATION = "investigation", "Investigation"
        CASE_EXAMINERS = "case_examiners", "Case examiners"
        HEARING = "hearing", "Hearing"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        ADVICE = "advice", "Advice"
        WARNING = "warning", "Warning"
        CONDITIONS = "conditions", "Conditions of practice"
        SUSPENSION = "suspension", "Suspension"
        REMOVAL = "removal", "Removal"

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="ftp_cases")
    concern = models.TextField()
    source = models.CharField("who raised the concern", max_length=200)
    received_on = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.TRIAGE)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "fitness to practise case"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="ftp_closed_has_outcome",
                condition=~Q(stage="closed") | (~Q(outcome="") & ~Q(outcome_reason="") & Q(closed_on__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["stage", "received_on"], name="ftp_stage_received")]

    def __str__(self) -> str:
        return f"Case FTP-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED

    def age_in_days(self, today: datetime.date | None = None) -> int:
        return ((self.closed_on or today or timezone.localdate()) - self.received_on).days


class CaseStage(models.Model):
    """Each stage a case passed through, with when, who moved it and why."""

    case = models.ForeignKey(FitnessToPractiseCase, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=20, choices=FitnessToPractiseCase.Stage.choices)
    started_on = models.DateField()
    note = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.started_on}"


class Order(models.Model):
    class Kind(models.TextChoices):
        INTERIM_SUSPENSION = "interim_suspension", "Interim suspension order"
        INTERIM_CONDITIONS = "interim_conditions", "Interim conditions of practice order"
        WARNING = "warning", "Warning"
        CONDITIONS = "conditions", "Conditions of practice order"
        SUSPENSION = "suspension", "Suspension order"
        REMOVAL = "removal", "Removal order"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REPLACED = "replaced", "Replaced by a final order"

    INTERIM = (Kind.INTERIM_SUSPENSION, Kind.INTERIM_CONDITIONS)
    SUSPENDING = (Kind.INTERIM_SUSPENSION, Kind.SUSPENSION)
    CONDITIONAL = (Kind.INTERIM_CONDITIONS, Kind.CONDITIONS)

    case = models.ForeignKey(FitnessToPractiseCase, on_delete=models.PROTECT, related_name="orders")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    starts_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_FORCE)
    reason = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="order_expiry_after_start",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("starts_on")),
            ),
            models.CheckConstraint(
                name="order_only_removal_is_open_ended",
                condition=Q(kind="removal") | Q(expires_on__isnull=False),
            ),
            models.CheckConstraint(
                name="order_interim_has_review_date",
                condition=~Q(kind__in=["interim_suspension", "interim_conditions"]) | Q(review_on__isnull=False),
            ),
            models.CheckConstraint(name="order_has_reason", condition=~Q(reason="")),
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="order_status_expiry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on:%d %B %Y}"

    def get_status_today_display(self) -> str:
        """An order "in force" whose dates have passed is shown as expired the same day, not after the
        nightly task; one not yet started says so."""
        today = timezone.localdate()
        if self.status == self.Status.IN_FORCE:
            if self.expires_on is not None and self.expires_on < today:
                return self.Status.EXPIRED.label
            if self.starts_on > today:
                return f"Starts on {self.starts_on:%-d %B %Y}"
        return self.get_status_display()

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == self.Status.IN_FORCE
            and self.starts_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )


class Condition(models.Model):
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="conditions")
    case = models.ForeignKey(
        FitnessToPractiseCase, on_delete=models.PROTECT, null=True, blank=True, related_name="conditions"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="conditions")
    text = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="condition_ends_after_start", condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on"))
            ),
            models.CheckConstraint(
                name="condition_revoked_has_reason", condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason="")
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def in_force_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Annotation(models.Model):
    class Kind(models.TextChoices):
        AMHP = "amhp", "Approved Mental Health Professional"
        BIA = "bia", "Best Interests Assessor"
        PRACTITIONER = "accredited_practitioner", "Approved Child and Family Practitioner"
        SUPERVISOR = "accredited_supervisor", "Accredited Practice Supervisor"
        LEADER = "accredited_leader", "Accredited Practice Leader"
        EXPERT = "expert_practitioner", "Expert practitioner"
        EARLY_CAREER = "early_career_completed", "Completed early career programme (ASYE)"
        TEMPORARY = "temporary", "Temporary (emergency) registration"

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="annotations")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="annotation_ends_after_start", condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on"))
            ),
            models.UniqueConstraint(
                fields=["entry", "kind"], condition=Q(ends_on__isnull=True), name="annotation_one_open_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def in_force_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class TransferredId(models.Model):
    """A row loaded from a predecessor's transfer bundle into a table the successor already used (regions,
    organisations): the id it had in the bundle, and the id it was given here. The successor's own rows keep
    their ids; a later export writes each loaded row with its bundle id again, so a successor's bundle repeats
    its predecessor's files (docs/transfer-format.md, "Identifiers")."""

    dataset = models.CharField(max_length=64)
    local_id = models.BigIntegerField()
    bundle_id = models.BigIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "local_id"], name="transferred_id_one_per_local_row"),
            models.UniqueConstraint(fields=["dataset", "bundle_id"], name="transferred_id_one_per_bundle_row"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.bundle_id} → {self.local_id}"


from .courses import models as course_models  # noqa: E402,F401  qualifying courses live in their own sub-package
