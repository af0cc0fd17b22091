"""Daily early-career housekeeping (Celery beat). Idempotent."""

from celery import shared_task
from django.db import OperationalError

from . import reminders

_RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="training.tasks.send_early_career_reminders", **_RETRY)
def send_early_career_reminders() -> int:
    return reminders.send_reminders()
