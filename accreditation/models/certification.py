"""The fourth stage: the confirmed accreditation, its certificate and signed credential, and its revocation.

An accreditation keeps what was certified as it stood on the day (name, registration number, level, date), so a
certificate made again later is the same certificate with the same verification code. Nothing is deleted: a
revoked accreditation stays, with who revoked it, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .pathway import Candidate, Level


class Accreditation(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        REVOKED = "revoked", "Revoked"

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="accreditation")
    code = models.CharField(
        max_length=40, unique=True, help_text="The random verification code printed on the certificate (160 bits)."
    )
    name = models.CharField(max_length=200, help_text="As on the register on the day of the decision.")
    registration_number = models.CharField(max_length=12)
    level = models.CharField(max_length=16, choices=Level.choices)
    awarded_on = models.DateField()
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by_rules = models.BooleanField(default=False)
    confirm_reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    certificate = models.FileField(upload_to="certificates/", blank=True)
    certificate_made_at = models.DateTimeField(null=True, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    certificate_emailed_at = models.DateTimeField(null=True, blank=True)
    credential = models.JSONField(default=dict, blank=True, help_text="The signed Open Badges 3.0 credential.")
    credential_issued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the credential now held was signed (its proof's created)."
    )
    credential_key = models.ForeignKey(
        "accreditation.SigningKey", on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    # Where the credential's status is published: the same index in the revocation and the suspension list of this
    # number. Chosen at random, so a list's bits say nothing about who is who (Bitstring Status List, privacy).
    status_list_number = models.PositiveIntegerField(null=True, blank=True)
    status_list_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.CheckConstraint(name="accreditation_has_reason", condition=~Q(confirm_reason="")),
            models.CheckConstraint(
                name="accreditation_confirmed_by_someone",
                condition=Q(confirmed_by__isnull=False) | Q(confirmed_by_rules=True),
            ),
            models.CheckConstraint(
                name="accreditation_revoked_has_reason",
                condition=Q(status="valid") | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
            ),
            models.UniqueConstraint(
                fields=["status_list_number", "status_list_index"], name="accreditation_one_holder_per_status_bit"
            ),
            models.CheckConstraint(
                name="accreditation_status_entry_whole",
                condition=Q(status_list_number__isnull=True, status_list_index__isnull=True)
                | Q(status_list_number__isnull=False, status_list_index__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["level", "awarded_on"], name="accreditation_cohort")]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_level_display()}"

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def code_for_reading(self) -> str:
        """The code in groups of four, as printed: easier to read aloud or type."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
