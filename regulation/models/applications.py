"""Applications to join (or return to) the register, with their documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation

from .register import RegisterEntry


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
