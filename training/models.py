"""Early career: programmes (as data), enrolments and everything recorded on them.

A programme is a row, not code: its length, review points, standards, supervision schedule, caseload
expectation and funding milestones live in JSON fields, so a third programme is added without a release.
Nothing here is deleted: statuses, end dates and the audit trail keep what happened.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organisation


class Programme(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    length_months = models.PositiveSmallIntegerField()
    available_from = models.DateField(help_text="Cohorts may start on or after this date.")
    available_until = models.DateField(null=True, blank=True)
    # [{"key": "3_months", "label": "3-month review", "month": 3, "optional": false, "final": false}, …]
    review_points = models.JSONField(default=list)
    # ["Professionalism", …]: what the assessor judges at each review
    standards = models.JSONField(default=list)
    # [[weeks_from_start_until, days_between_sessions], …]; the last band runs to the end
    supervision_schedule = models.JSONField(default=list)
    # [[month, percent of an experienced worker's caseload], …]; the share allowed from that month on
    caseload_expectation = models.JSONField(default=list)
    protected_hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("3.5"))
    # [{"key": "enrolled", "label": "…", "share": 50, "event": "enrolled" | "review:<key>" | "passed"}, …]
    funding_milestones = models.JSONField(default=list)
    # [{"key": "year_2", "label": "Year 2 assessment", "month": 24, "expert": false}, …] after completing
    later_milestones = models.JSONField(default=list, blank=True)
    completion_annotation_note = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["available_from", "name"]
        constraints = [
            models.CheckConstraint(name="programme_length_positive", condition=Q(length_months__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name

    def review_point(self, key: str) -> dict | None:
        return next((p for p in self.review_points + self.later_milestones if p["key"] == key), None)

    @property
    def final_point(self) -> dict:
        return next(p for p in self.review_points if p.get("final"))


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        AWAITING_MODERATION = "awaiting_moderation", "Awaiting internal moderation"
        AWAITING_EXTERNAL = "awaiting_external", "Awaiting external moderation"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.ACTIVE, Status.AWAITING_MODERATION, Status.AWAITING_EXTERNAL)
    FINISHED = (Status.PASSED, Status.FAILED, Status.WITHDRAWN)

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="early_career_enrolments"
    )
    # The register is read through its selectors; the number is kept so a record reads without a join.
    registration_number = models.CharField(max_length=12)
    participant_name = models.CharField(max_length=301)
    qualified_on = models.DateField()
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="early_career_enrolments")
    cohort = models.CharField(max_length=100)
    team = models.CharField(max_length=200)
    fte = models.DecimalField("full-time equivalent", max_digits=3, decimal_places=2)
    start_date = models.DateField()
    planned_end_date = models.DateField(help_text="The end date from the programme length and FTE, before pauses.")
    end_date = models.DateField(help_text="The end date after pauses and extensions.")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor_is_line_manager = models.BooleanField(default=False)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.ACTIVE)
    outcome_on = models.DateField(null=True, blank=True)
    sampled_for_external = models.BooleanField(default=False)
    early_completion_reason = models.TextField(blank=True)
    early_completion_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    annotation_added_on = models.DateField(null=True, blank=True)
    expert_annotation_added_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # What falls due when, derived from the records above by schedule.stored_schedule() and written by every service
    # that changes them, so a cohort of thousands is counted and filtered in SQL ("overdue on day D" is a
    # comparison with D). Never edited by hand. Raising schedule.RULES_VERSION re-derives them all at the next
    # migrate (training.apps): raise it with any change to the rules or to a programme's schedule.
    required_review_due_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The earliest due date of a required review not yet held."
    )
    supervision_due_on = models.DateField(null=True, blank=True, editable=False)
    protected_time_short_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The first day on which the protected time owed exceeds what is recorded (none: never, as things "
        "stand).",
    )
    # Defaults kept in the database too, so code still running beside a migration can insert without them.
    caseload_months_above = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Which version of the rules derived them (schedule.RULES_VERSION): migrate re-derives older ones.
    schedule_version = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["start_date", "participant_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status__in=["active", "awaiting_moderation", "awaiting_external"]),
                name="enrolment_one_open_per_person",
            ),
            models.CheckConstraint(name="enrolment_fte_range", condition=Q(fte__gt=0, fte__lte=1)),
            models.CheckConstraint(name="enrolment_ends_after_start", condition=Q(end_date__gt=F("start_date"))),
            models.CheckConstraint(
                name="enrolment_status_valid",
                condition=Q(
                    status__in=["active", "awaiting_moderation", "awaiting_external", "passed", "failed", "withdrawn"]
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["employer", "status"], name="enrolment_employer_status"),
            models.Index(fields=["start_date"], name="enrolment_start"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_name} – {self.programme.short_name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def extension_days(self) -> int:
        return (self.end_date - self.planned_end_date).days

    def point_due_on(self, point: dict, pauses=None, held_on: datetime.date | None = None) -> datetime.date:
        """A review point falls due after its months of work, stretched for part-time, and moved by each pause that
        starts before it is due (a pause after it moves only what is still to come). A review already held (on
        ``held_on``) is not moved by a pause that started after it: sick leave from the week after an early 3-month
        review leaves that review where it was, inside its window. ``pauses``: prefetched."""
        due = due_date(self.start_date, point["month"], self.fte)
        for pause in sorted(self.pauses.all() if pauses is None else pauses, key=lambda p: p.starts_on):
            if pause.starts_on <= due and (held_on is None or pause.starts_on <= held_on):
                due += datetime.timedelta(days=pause.days)
        return due

    def review_window(
        self, point: dict, pauses=None, held_on: datetime.date | None = None
    ) -> tuple[datetime.date, datetime.date]:
        """The days a review point may be held on without a recorded exception: from four weeks before it is due to
        eight weeks after (``TRAINING_REVIEW_WINDOW_DAYS``); for a review held on ``held_on``, as it stood then."""
        before, after = settings.TRAINING_REVIEW_WINDOW_DAYS
        due = self.point_due_on(point, pauses, held_on)
        return due - datetime.timedelta(days=before), due + datetime.timedelta(days=after)


def due_date(start: datetime.date, months: int, fte: Decimal) -> datetime.date:
    """Part-time work extends the programme pro rata: months of full-time work divided by FTE, in days."""
    if fte >= 1:
        return start + relativedelta(months=months)
    full = (start + relativedelta(months=months)) - start
    return start + datetime.timedelta(days=round(full.days / float(fte)))


class LearningAgreement(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="learning_agreement")
    agreed_on = models.DateField()
    development_needs = models.TextField()
    support = models.TextField("support the employer will give")
    workload = models.TextField("workload and protected time", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Learning agreement of {self.agreed_on:%-d %B %Y}"


class SupervisionSession(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="supervision_sessions")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField("length in minutes")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    themes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(name="supervision_length", condition=Q(minutes__gt=0, minutes__lte=480)),
        ]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on:%-d %B %Y}"


class ProtectedTime(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="protected_time")
    week_starting = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    activity = models.CharField(max_length=255)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_starting", "-id"]
        constraints = [
            models.CheckConstraint(name="protected_time_hours", condition=Q(hours__gt=0, hours__lte=40)),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours in the week of {self.week_starting:%-d %B %Y}"


class CaseloadMonth(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="caseload_months")
    month = models.DateField(help_text="The first day of the month.")
    cases = models.PositiveSmallIntegerField()
    experienced_caseload = models.PositiveSmallIntegerField(
        help_text="Cases an experienced full-time worker in the same team holds."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "month"], name="caseload_once_per_month"),
            models.CheckConstraint(name="caseload_experienced_positive", condition=Q(experienced_caseload__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.cases} cases in {self.month:%B %Y}"


class Review(models.Model):
    class Judgement(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        SOME_CONCERNS = "some_concerns", "Some concerns"
        SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns"
        # The final assessment's judgement on each standard.
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"

    PROGRESS = (Judgement.ON_TRACK, Judgement.SOME_CONCERNS, Judgement.SIGNIFICANT_CONCERNS)
    FINAL = (Judgement.MET, Judgement.NOT_MET)

    class Recommendation(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reviews")
    point = models.CharField(max_length=40)
    point_label = models.CharField(max_length=100)
    held_on = models.DateField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    judgements = models.JSONField(default=dict, help_text="Standard → judgement.")
    standard_evidence = models.JSONField(
        default=dict, blank=True, help_text="Standard → the evidence for its judgement (the final assessment)."
    )
    evidence_seen = models.TextField()
    actions = models.TextField(blank=True)
    recommendation = models.CharField(max_length=8, choices=Recommendation.choices, blank=True)
    is_final = models.BooleanField(default=False)
    returned_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "point"], condition=Q(returned_at__isnull=True), name="review_once_per_point"
            ),
            models.CheckConstraint(
                name="review_final_has_recommendation", condition=Q(is_final=False) | ~Q(recommendation="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_label} on {self.held_on:%-d %B %Y}"

    @property
    def concerns(self) -> int:
        return sum(1 for v in self.judgements.values() if v not in (self.Judgement.ON_TRACK, self.Judgement.MET))

    @property
    def by_standard(self) -> list[tuple[str, str, str]]:
        """Each standard with its judgement's words and, in the final assessment, the evidence for it."""
        labels = dict(self.Judgement.choices)
        return [(s, labels.get(j, j), self.standard_evidence.get(s, "")) for s, j in self.judgements.items()]


class Moderation(models.Model):
    class Stage(models.TextChoices):
        INTERNAL = "internal", "Internal moderation"
        EXTERNAL = "external", "External moderation"

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed the recommendation"
        RETURNED = "returned", "Returned to the assessor"
        PASS = "pass", "Final decision: pass"
        FAIL = "fail", "Final decision: fail"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="moderations")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="moderations")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [models.CheckConstraint(name="moderation_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_decision_display()}"


class ReviewWindowException(models.Model):
    """A co-ordinator's recorded decision that one review may be held outside its window, and why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="window_exceptions")
    point = models.CharField(max_length=24)
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "point"], name="window_exception_one_per_point"),
            models.CheckConstraint(name="window_exception_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.point} outside its window"


class Pause(models.Model):
    class Kind(models.TextChoices):
        SICKNESS = "sickness", "Sickness"
        PARENTAL = "parental", "Parental leave"
        OTHER_LEAVE = "other_leave", "Other leave"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="pauses")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(name="pause_ends_after_start", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(
                name="pause_kind_valid", condition=Q(kind__in=["sickness", "parental", "other_leave"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def in_force_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Evidence(models.Model):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", "Direct observation"
        FAMILY_FEEDBACK = "family_feedback", "Feedback from children and families"
        PROFESSIONAL_FEEDBACK = "professional_feedback", "Feedback from other professionals"
        REFLECTIVE_LOG = "reflective_log", "Reflective log"
        WRITTEN_WORK = "written_work", "Written work"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField()
    text = models.TextField(blank=True)
    # An optional file, checked by its content before it is saved; stored under a random name and never deleted.
    file = models.FileField(upload_to="early-career-evidence/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    detected_type = models.CharField(max_length=16, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(name="evidence_has_text_or_file", condition=~Q(text="") | ~Q(file="")),
        ]

    def __str__(self) -> str:
        return self.title


class FundingClaim(models.Model):
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="early_career_claims")
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(name="claim_period_valid", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self) -> str:
        return f"Funding claim {self.pk}: {self.employer} {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"


class FundingClaimLine(models.Model):
    claim = models.ForeignKey(FundingClaim, on_delete=models.PROTECT, related_name="lines")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="funding_lines")
    milestone = models.CharField(max_length=40)
    milestone_label = models.CharField(max_length=100)
    reached_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["enrolment__participant_name", "reached_on", "id"]
        constraints = [
            # A milestone is paid once, whichever claim it lands in.
            models.UniqueConstraint(fields=["enrolment", "milestone"], name="funding_milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_label}: £{self.amount}"


class Reminder(models.Model):
    """One row per reminder sent, so the daily task never sends the same one twice."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    sent_to = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind", "due_on"], name="training_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.due_on}"
