"""What a transfer load remembers: the id each loaded row had in the predecessor's bundle."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


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
