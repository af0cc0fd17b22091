from celery import shared_task
from celery.signals import worker_ready

from . import jobs, notifications


@shared_task(acks_late=True, ignore_result=True)
def run_job(job_id: str) -> None:
    jobs.run(job_id)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(
    *, notification_id: int | None = None, to: list[str] | None = None, subject: str = "", body: str = ""
) -> None:
    """One recorded message (``notification_id``: sent once however often this runs), or a sign-in email."""
    if notification_id is not None:
        notifications.deliver_notification(notification_id)
        return
    notifications.deliver(to=to or [], subject=subject, body=body)


@shared_task(ignore_result=True)
def sweep() -> dict:
    """Hand over work left behind while the broker was down and restart jobs whose worker died (beat, each minute)."""
    counts = jobs.sweep()
    counts["emails"] = notifications.sweep_outbox()
    counts["messages"] = notifications.sweep_notifications()
    return counts


@worker_ready.connect
def _sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker starting after a crash or an outage picks up what was left behind without waiting for beat.
    sweep.delay()
