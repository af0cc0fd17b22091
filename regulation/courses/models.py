"""Qualifying courses and their approval: providers, courses, applications against the six standards,
requests for information, inspections, decisions, conditions and annual monitoring.

Nothing here is deleted. A course's status history (``CourseStatusChange``) and the audit trail keep every
change with its date, who made it and why, so the published list of approved and formerly approved courses
and the transfer export can be rebuilt for any date.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Region


class Standard(models.TextChoices):
    ADMISSIONS = "admissions", "Admissions"
    LEARNING_ENVIRONMENT = "learning_environment", "Learning environment"
    GOVERNANCE = "governance", "Course governance, management and quality"
    CURRICULUM = "curriculum", "Curriculum and assessment"
    SUPPORTING_STUDENTS = "supporting_students", "Supporting students"
    LEVEL = "level", "Level of qualification for registration"


class Level(models.TextChoices):
    UNDERGRADUATE = "undergraduate", "Undergraduate"
    POSTGRADUATE = "postgraduate", "Postgraduate"
    APPRENTICESHIP = "apprenticeship", "Degree apprenticeship"
    FAST_TRACK = "fast_track", "Fast-track"


class Mode(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"


REQUIRED_PRACTICE_DAYS = 200


class EducationProvider(models.Model):
    """A university, college or fast-track provider: an organisation whose course leads apply for approval."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="education_provider")
    ukprn = models.CharField("UK provider reference number (UKPRN)", max_length=8, blank=True)
    address = models.TextField(blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(name="provider_ukprn_digits", condition=Q(ukprn="") | Q(ukprn__regex=r"^[0-9]{8}$"))
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class Course(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Not yet approved"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"
        WITHDRAWN = "withdrawn", "Approval withdrawn"
        CLOSED = "closed", "Closed to new students"

    FORMERLY_APPROVED = (Status.WITHDRAWN, Status.CLOSED)

    provider = models.ForeignKey(EducationProvider, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    award = models.CharField(max_length=100, help_text="For example, BA (Hons) Social Work.")
    level = models.CharField(max_length=16, choices=Level.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    site = models.CharField(max_length=200, help_text="Where it is taught.")
    annual_places = models.PositiveIntegerField("annual places (intake)")
    practice_days = models.PositiveSmallIntegerField("practice-learning days", default=REQUIRED_PRACTICE_DAYS)
    statutory_placement_days = models.PositiveSmallIntegerField("days in statutory placements", default=0)
    skills_days = models.PositiveSmallIntegerField("skills days", default=0)
    first_intake = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    approved_on = models.DateField(null=True, blank=True, help_text="First approved.")
    approval_ended_on = models.DateField(null=True, blank=True, help_text="Withdrawn or closed.")
    flagged_on = models.DateField(null=True, blank=True, help_text="A condition was not met by its due date.")
    next_monitoring_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider__organisation__name", "title", "id"]
        constraints = [
            models.CheckConstraint(
                name="course_status_valid",
                condition=Q(status__in=["proposed", "approved", "not_approved", "withdrawn", "closed"]),
            ),
            models.CheckConstraint(
                name="course_approved_has_date",
                condition=~Q(status__in=["approved", "withdrawn", "closed"]) | Q(approved_on__isnull=False),
            ),
            models.CheckConstraint(
                name="course_formerly_approved_has_end",
                condition=~Q(status__in=["withdrawn", "closed"]) | Q(approval_ended_on__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "approved_on"], name="course_status_approved")]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"

    def delete(self, *args, **kwargs):
        raise PermissionError("Courses are never deleted: withdraw approval or record the course as closed.")

    @property
    def is_formerly_approved(self) -> bool:
        return self.status in self.FORMERLY_APPROVED

    @property
    def public_status(self) -> str:
        if self.status == self.Status.APPROVED and getattr(self, "has_open_condition", False):
            return "Approved with conditions"
        if self.is_formerly_approved:
            return f"Formerly approved ({self.get_status_display().lower()})"
        return self.get_status_display()


class CourseStatusChange(models.Model):
    """The course's status history, appended, never overwritten: what the public list shows for any date."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Course.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Course.Status.choices)
    effective_on = models.DateField(default=timezone.localdate)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    application = models.ForeignKey(
        "CourseApplication", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [models.CheckConstraint(name="course_status_change_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status} on {self.effective_on}"


class CourseApplication(models.Model):
    """An application for approval (new course, re-approval, or a major change): a "course approval"."""

    class Kind(models.TextChoices):
        NEW = "new", "New course"
        REAPPROVAL = "reapproval", "Re-approval"
        MAJOR_CHANGE = "major_change", "Major change"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for review"
        UNDER_REVIEW = "under_review", "Under review"
        MORE_INFORMATION = "more_information", "More information requested"
        INSPECTION = "inspection", "Inspection"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn by the provider"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        NOT_APPROVED = "not_approved", "Not approved"

    OPEN = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.MORE_INFORMATION, Status.INSPECTION)

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NEW)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    change_summary = models.TextField(blank=True, help_text="For a major change: what changes and why.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    paused_days = models.PositiveIntegerField(default=0, help_text="Days spent waiting on the provider.")
    paused_since = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="course_application_withdrawn_has_reason",
                condition=~Q(status="withdrawn") | (~Q(withdrawal_reason="") & Q(withdrawn_at__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(status__in=["draft", "submitted", "under_review", "more_information", "inspection"]),
                name="course_application_one_open_per_course",
            ),
            models.CheckConstraint(
                name="course_application_decided_has_outcome",
                condition=~Q(status="decided")
                | (~Q(outcome="") & ~Q(decision_reason="") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} application for {self.course.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def exemption(self):
        """The recorded exemption from inspection, if any."""
        try:
            return self.inspection_exemption
        except models.ObjectDoesNotExist:
            return None

    def days_waiting(self, today: datetime.date | None = None) -> int:
        """Days since submission with the clock stopped while the provider was answering a request."""
        if self.submitted_at is None:
            return 0
        end = self.decided_at.date() if self.decided_at else (today or timezone.localdate())
        paused = self.paused_days
        if self.paused_since:
            paused += max((end - self.paused_since).days, 0)
        return max((end - self.submitted_at.date()).days - paused, 0)


class StandardEvidence(models.Model):
    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="evidence")
    standard = models.CharField(max_length=32, choices=Standard.choices)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "standard"]
        constraints = [
            models.UniqueConstraint(fields=["application", "standard"], name="evidence_once_per_standard"),
        ]

    def __str__(self) -> str:
        return self.get_standard_display()


class EvidenceDocument(models.Model):
    """An uploaded document. Removal from a draft sets ``removed_at``; the file itself is kept."""

    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="documents")
    standard = models.CharField(max_length=32, choices=Standard.choices)
    file = models.FileField(upload_to="course-evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    detected_type = models.CharField(max_length=16)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["standard", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class StandardReview(models.Model):
    class Outcome(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        MET_WITH_CONDITION = "met_with_condition", "Met with a condition"

    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="reviews")
    standard = models.CharField(max_length=32, choices=Standard.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reasons = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "standard"]
        constraints = [
            models.UniqueConstraint(fields=["application", "standard"], name="review_once_per_standard"),
            models.CheckConstraint(name="review_has_reasons", condition=~Q(reasons="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()}: {self.get_outcome_display()}"


class InformationRequest(models.Model):
    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="information_requests")
    question = models.TextField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(responded_at__isnull=True), name="one_open_information_request"
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.responded_at is None

    def __str__(self) -> str:
        return f"Request for information of {self.requested_at:%Y-%m-%d}"


class InspectionExemption(models.Model):
    """A second member of staff's recorded decision that a course may be decided without an inspection, and why
    (for example, a re-approval of a course inspected last year with no change)."""

    application = models.OneToOneField(CourseApplication, on_delete=models.PROTECT, related_name="inspection_exemption")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(name="inspection_exemption_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"Inspection exemption for application {self.application_id}"


class Inspection(models.Model):
    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="inspections")
    starts_on = models.DateField()
    ends_on = models.DateField()
    team = models.TextField(help_text="Who inspected, one a line.")
    report = models.TextField()
    # The inspection report as a document (PDF or Office file, checked by content like the evidence).
    report_file = models.FileField(upload_to="course-inspections/%Y/%m/", blank=True)
    report_name = models.CharField(max_length=255, blank=True)
    report_type = models.CharField(max_length=16, blank=True)
    report_size = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(name="inspection_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on")))
        ]

    def __str__(self) -> str:
        return f"Inspection from {self.starts_on}"


class CourseCondition(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="conditions")
    application = models.ForeignKey(CourseApplication, on_delete=models.PROTECT, related_name="conditions")
    text = models.TextField()
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, help_text="The provider's evidence that the condition is met.")
    # A document with the evidence (PDF or Office file, checked by its content like the application's evidence).
    evidence_file = models.FileField(upload_to="course-conditions/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=16, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


class MonitoringReturn(models.Model):
    """The annual monitoring return for one approved course and one academic year."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        SUBMITTED = "submitted", "Sent to the regulator"
        REVIEWED = "reviewed", "Outcome recorded"

    class Outcome(models.TextChoices):
        STANDARDS_MET = "standards_met", "Standards met"
        FURTHER_EVIDENCE = "further_evidence", "Further evidence needed"
        INSPECTION = "inspection", "Inspection needed"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="monitoring_returns")
    year = models.PositiveSmallIntegerField(help_text="The academic year starting in this year.")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DUE)
    intake = models.PositiveIntegerField(null=True, blank=True)
    students = models.PositiveIntegerField(null=True, blank=True)
    completions = models.PositiveIntegerField(null=True, blank=True)
    placement_days_provided = models.PositiveIntegerField(null=True, blank=True)
    changes = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_after_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "year"], name="monitoring_once_per_course_year")]

    @property
    def flags(self) -> list[str]:
        """What the regulator should look at before accepting the return."""
        flags = []
        if self.placement_days_provided is not None and self.placement_days_provided < REQUIRED_PRACTICE_DAYS:
            flags.append(
                f"{self.placement_days_provided} days of practice learning per student, below the "
                f"{REQUIRED_PRACTICE_DAYS}-day minimum."
            )
        if self.students and self.intake is not None and self.intake > self.students:
            flags.append(f"An intake of {self.intake} is more than the {self.students} students on the course.")
        return flags

    def __str__(self) -> str:
        return f"Annual monitoring {self.year}–{str(self.year + 1)[-2:]}: {self.course.title}"

    @property
    def year_label(self) -> str:
        return f"{self.year} to {self.year + 1}"
