"""Scheduled work for the pathway (Celery beat). Idempotent: running twice marks nothing twice."""

from celery import shared_task
from django.db import OperationalError

from . import services

_RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="accreditation.tasks.mark_overdue_tests", **_RETRY)
def mark_overdue_tests() -> int:
    """A test whose deadline passed with the browser closed still gets its result."""
    return services.expire_overdue_attempts()


@shared_task(name="accreditation.tasks.publish_status_lists", **_RETRY)
def publish_status_lists() -> int:
    """Publish the credential status lists whose bits changed (after a revocation or an order; beat, each minute)."""
    from .services.status_lists import publish_status_lists as publish

    return publish()
