"""What a relying party needs to check our credentials for ever: every key that ever signed one, and the published
status lists (W3C Bitstring Status List) that say which credentials are revoked or suspended.

Keys are public halves only: the private key lives in the environment (``CREDENTIAL_SIGNING_KEY``) or its file, never
in the database. A key is never deleted: it stays published, with its period, so every credential it signed can
still be checked; a compromised key keeps its record of who reported it, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SigningKey(models.Model):
    fragment = models.CharField(
        max_length=40, unique=True, help_text="The verification method's fragment: key-<first 16 hex of its SHA-256>."
    )
    public_multibase = models.CharField(max_length=64, unique=True, help_text="The Ed25519 public key, as a Multikey.")
    active_from = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="When a newer key took over signing.")
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    compromised_from = models.DateTimeField(
        null=True, blank=True, help_text="Anything this key signed from this moment on is refused."
    )
    compromise_reason = models.TextField(blank=True)
    compromise_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    compromise_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["active_from", "id"]
        constraints = [
            models.CheckConstraint(
                name="signing_key_compromise_has_reason",
                condition=Q(compromised_from__isnull=True)
                | (~Q(compromise_reason="") & Q(compromise_recorded_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.fragment

    @property
    def is_compromised(self) -> bool:
        return self.compromised_from is not None


class StatusList(models.Model):
    class Purpose(models.TextChoices):
        REVOCATION = "revocation", "Revocation"
        SUSPENSION = "suspension", "Suspension"

    number = models.PositiveIntegerField()
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    encoded_list = models.TextField(help_text="Multibase base64url of the GZIP-compressed bitstring.")
    credential = models.JSONField(help_text="The signed BitstringStatusListCredential served to verifiers.")
    published_at = models.DateTimeField(default=timezone.now)
    set_bits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number", "purpose"]
        constraints = [models.UniqueConstraint(fields=["number", "purpose"], name="status_list_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} list {self.number}"
