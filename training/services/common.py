"""What every early-career write shares: the programmes, today, the locked enrolment, the settings."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.services import require

from ..models import Enrolment, Programme

EMPLOYER_ROLES = ("line_manager", "workforce_lead")


def ensure_programmes() -> None:
    """The programmes as first published, where missing (as the data migration seeds them): for databases emptied
    after migrating, such as those of tests that commit and then empty every table."""
    from ..programme_data import PROGRAMMES

    for spec in PROGRAMMES:
        Programme.objects.get_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    require(bool(value), message)
    return value


def _lock(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)


def qualified_within_years() -> int:
    return getattr(settings, "TRAINING_QUALIFIED_WITHIN_YEARS", 2)


def max_pause_days() -> int:
    return getattr(settings, "TRAINING_MAX_PAUSE_DAYS", 183)


def is_coordinator(user: User, organisation_id: int) -> bool:
    return any(m.organisation_id == organisation_id and m.role in EMPLOYER_ROLES for m in user.active_memberships)


def _require_open(enrolment: Enrolment) -> None:
    require(enrolment.is_open, "This programme has finished; its record can no longer change.")
