from celery import shared_task

from . import jobs, notifications


@shared_task(acks_late=True, ignore_result=True)
def run_job(job_id: str) -> None:
    jobs.run(job_id)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, to: list[str], subject: str, body: str) -> None:
    notifications.deliver(to=to, subject=subject, body=body)
