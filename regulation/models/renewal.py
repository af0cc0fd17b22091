"""Renewing a registration each year: renewals, reminders, CPD and direct work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .register import RegisterEntry


class Renewal(models.Model):
    # No index of its own: the unique (entry, year_end) index leads with the entry and serves every lookup by it.
    # A second index cost each renewal's write, and a transfer load rebuilding 250,000 entries' worth (#33).
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="renewals", db_index=False)
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

    # No index of its own: ``cpd_entry_date`` (entry, activity_date) leads with the entry and serves it.
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="cpd_records", db_index=False)
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
