"""Fitness to practise: cases and their stages, orders (sanctions), conditions, and annotations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .register import RegisterEntry


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
