"""Daily early-career housekeeping (Celery beat). Idempotent."""

import logging

from celery import shared_task
from django.db import OperationalError

from . import reminders, services
from .models import Enrolment

logger = logging.getLogger(__name__)
_RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="training.tasks.send_early_career_reminders", **_RETRY)
def send_early_career_reminders() -> int:
    return reminders.send_reminders()


@shared_task(name="training.tasks.rederive_schedules", **_RETRY)
def rederive_schedules() -> int:
    """Re-derive every open enrolment's stored schedule dates from its records; returns how many were wrong (and
    logs them, as each is a write that went round the services)."""
    changed = services.store_schedules(Enrolment.objects.filter(status__in=Enrolment.OPEN))
    if changed:
        logger.warning("Early career: %s enrolments' stored schedule dates did not match their records", changed)
    return changed
