"""Stage 3, practice observation: assessment sessions and bookings, the day's checks, scoresheets scored in the
browser, second marking and moderation.

Nothing is deleted: a cancelled booking stays cancelled, a submitted scoresheet is locked, and every move is in
the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts.models import Organisation

from .pathway import Candidate


class AssessmentSession(models.Model):
    """One start time of an assessment day, at an assessment centre or on site at an employer."""

    class Kind(models.TextChoices):
        CENTRE = "centre", "Assessment centre"
        ON_SITE = "on_site", "On site"

    class Slot(models.TextChoices):
        MORNING = "morning", "Morning (9:00)"
        LATE_MORNING = "late_morning", "Late morning (11:00)"
        EARLY_AFTERNOON = "early_afternoon", "Early afternoon (13:30)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    venue = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessment_sessions")
    address = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    slot = models.CharField(max_length=16, choices=Slot.choices)
    capacity = models.PositiveSmallIntegerField(default=3)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessing_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "slot", "id"]  # by the slot's key; lists people read use in_time_order()
        constraints = [models.CheckConstraint(name="session_has_capacity", condition=Q(capacity__gt=0))]

    @classmethod
    def in_time_order(cls) -> list:
        """Order by date, then the slot's time of day (9:00 before 11:00), not its stored key."""
        slot_time = Case(
            *(When(slot=value, then=Value(i)) for i, value in enumerate(cls.Slot.values)),
            output_field=models.IntegerField(),
        )
        return ["date", slot_time.asc(), "id"]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}, {self.get_slot_display()}, {self.venue}"


class Booking(models.Model):
    """A candidate's place on a session. Cancelling keeps the row; rebooking makes a new one."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        CHECKED_IN = "checked_in", "Attended"

    session = models.ForeignKey(AssessmentSession, on_delete=models.PROTECT, related_name="bookings")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    adjustments = models.TextField(blank=True, help_text="Reasonable adjustments the candidate asked for.")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    photo_id_confirmed = models.BooleanField(default=False)
    registration_confirmed = models.BooleanField(default=False)
    recording_consent = models.BooleanField(default=False)
    footage_for_training = models.BooleanField(default=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-booked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(status="booked"), name="booking_one_open_per_candidate"
            ),
            models.CheckConstraint(
                name="booking_checked_in_has_checks",
                condition=~Q(status="checked_in")
                | Q(photo_id_confirmed=True, registration_confirmed=True, recording_consent=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Booking of {self.candidate} on {self.session}"


class Observation(models.Model):
    """The scoring of one observed assessment, from the first assessor's draft to a final outcome."""

    class Status(models.TextChoices):
        SCORING = "scoring", "Being scored"
        SECOND_MARKING = "second_marking", "With a second assessor"
        MODERATION = "moderation", "Waiting for moderation"
        DECIDED = "decided", "Result final"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not yet known"
        PASSED = "passed", "Passed"
        NOT_PASSED = "not_passed", "Not passed"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="observations")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="observation")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCORING)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    moderation_reasons = models.JSONField(default=list, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="observation_status")]
        constraints = [
            models.CheckConstraint(
                name="observation_decided_has_outcome",
                condition=~Q(status="decided") | ~Q(outcome="pending"),
            ),
            models.CheckConstraint(
                name="observation_moderated_has_reason",
                condition=Q(moderated_at__isnull=True) | ~Q(moderation_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Observation of {self.candidate}"

    @property
    def moderation_open(self) -> bool:
        return self.status in (self.Status.SECOND_MARKING, self.Status.MODERATION)


class Recommendation(models.TextChoices):
    PASS = "pass", "Pass"
    NOT_PASS = "not_pass", "Not yet passed"


class Scoresheet(models.Model):
    """One assessor's scores for one observation. Drafts save as the assessor types; submitting locks it."""

    class Marker(models.TextChoices):
        FIRST = "first", "First assessor"
        SECOND = "second", "Second assessor"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    observation = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="scoresheets")
    marker = models.CharField(max_length=8, choices=Marker.choices)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scoresheets")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    reflection_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["observation", "marker"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "marker"], name="scoresheet_one_per_marker"),
            models.UniqueConstraint(fields=["observation", "assessor"], name="scoresheet_one_per_assessor"),
            models.CheckConstraint(
                name="scoresheet_submitted_is_complete",
                condition=Q(status="draft") | (Q(reflection_mark__isnull=False) & ~Q(recommendation="")),
            ),
            models.CheckConstraint(
                name="scoresheet_reflection_range",
                condition=Q(reflection_mark__isnull=True) | Q(reflection_mark__gte=1, reflection_mark__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_marker_display()} scoresheet for {self.observation.candidate}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class DomainScore(models.Model):
    """A score on the four-point scale (1 not yet met … 4 exceeded) for one domain, with the evidence seen."""

    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.PROTECT, related_name="scores")
    domain_key = models.SlugField(max_length=16)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["scoresheet", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scoresheet", "domain_key"], name="domain_score_one_per_domain"),
            models.CheckConstraint(
                name="domain_score_range", condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=4)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain_key}: {self.score}"
