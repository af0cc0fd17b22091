"""The register itself: numbers, entries, their status history and who employs them."""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from accounts.models import Organisation

if TYPE_CHECKING:
    from .fitness import Order

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
        indexes = [
            models.Index(fields=["status", "registered_until"], name="entry_status_until"),
            # Staff find a person by email, in any case (``email__iexact``): without it, a scan of the whole register.
            models.Index(Upper("email"), name="entry_email_upper"),
        ]

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
        from .. import years
        from .fitness import Order

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
        if cached is None:
            cached = self.__dict__["_status_today"] = self.status_on_day(timezone.localdate())
        return cached

    def status_on_day(self, day: datetime.date) -> str:
        """``status_today`` on a given day (a selector that read the facts in force on ``day`` says which)."""
        orders = getattr(self, "orders_in_force", None)
        if orders is None:
            from .fitness import Order

            orders = list(self.orders.filter(status=Order.Status.IN_FORCE))
        conditions = getattr(self, "conditions_in_force", None)
        if conditions is None:
            conditions = list(self.conditions.filter(revoked_at__isnull=True))
        status, _ = self.status_from_facts(day, orders=orders, conditions=conditions)
        if self.status == EntryStatus.REMOVED and status != EntryStatus.REMOVED:
            status = self.status  # a removal is lifted only by a decision (restoration, an appeal)
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
