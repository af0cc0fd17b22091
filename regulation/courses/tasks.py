"""Daily housekeeping for course approval (scheduled by Celery beat). Each task is idempotent."""

from celery import shared_task
from django.db import OperationalError

from . import services

_RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="regulation.courses.tasks.open_due_monitoring_returns", **_RETRY)
def open_due_monitoring_returns() -> int:
    return services.open_due_monitoring_returns()


@shared_task(name="regulation.courses.tasks.send_monitoring_reminders", **_RETRY)
def send_monitoring_reminders() -> int:
    return services.send_monitoring_reminders()


@shared_task(name="regulation.courses.tasks.remind_conditions_due", **_RETRY)
def remind_conditions_due() -> int:
    return services.remind_conditions_due()


@shared_task(name="regulation.courses.tasks.flag_overdue_conditions", **_RETRY)
def flag_overdue_conditions() -> int:
    return services.flag_overdue_conditions()
