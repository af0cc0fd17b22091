"""Daily housekeeping for the register (scheduled by Celery beat). Each task is idempotent."""

from celery import shared_task
from django.db import OperationalError

from . import services

_RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="regulation.tasks.send_renewal_reminders", **_RETRY)
def send_renewal_reminders() -> int:
    return services.send_renewal_reminders()


@shared_task(name="regulation.tasks.lapse_unrenewed_registrations", **_RETRY)
def lapse_unrenewed_registrations() -> int:
    return services.lapse_unrenewed()


@shared_task(name="regulation.tasks.apply_order_expiries", **_RETRY)
def apply_order_expiries() -> int:
    return services.apply_order_expiries()
