"""Background jobs: a row the person can watch, a handler that does the work, a Celery task that runs it.

A feature registers a handler with ``@job_handler("kind")`` and starts work with ``start_job``. The
handler receives a ``JobContext`` to report progress and save the result file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import Job, User
from .services import ServiceError, record_event, require

_handlers: dict[str, Callable[[JobContext], None]] = {}


def job_handler(kind: str):
    def register(fn):
        _handlers[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Callable:
    return _handlers[kind]


@dataclass
class JobContext:
    job: Job

    @property
    def params(self) -> dict:
        return self.job.params

    def progress(self, percent: int, message: str = "") -> None:
        """Written straight away (outside any transaction) so the waiting page sees it."""
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:255])
        self.job.progress, self.job.message = percent, message[:255]

    def save_result(self, *, filename: str, content: bytes, content_type: str) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        self.job.result_filename = filename
        self.job.result_content_type = content_type


@transaction.atomic
def start_job(*, kind: str, title: str, by: User, params: dict | None = None) -> Job:
    require(kind in _handlers, f"There is no background job called “{kind}”.")
    job = Job.objects.create(kind=kind, title=title, created_by=by, params=params or {})
    record_event(job, "job_started", by=by, to_state=job.status, changes={"kind": kind, "params": job.params})
    from .tasks import run_job

    transaction.on_commit(lambda: run_job.delay(str(job.pk)))
    return job


def run(job_id: str) -> None:
    """Run a queued job once. A redelivered message for a job already finished does nothing."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])
    context = JobContext(job)
    try:
        handler_for(job.kind)(context)
    except Exception as exc:
        job.refresh_from_db(fields=["progress", "message"])
        job.status = Job.Status.FAILED
        job.error = str(exc) if isinstance(exc, ServiceError) else "Something went wrong while doing this work."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        if not isinstance(exc, ServiceError):
            raise
        return
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.message = job.message or "Finished"
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "progress",
            "message",
            "finished_at",
            "result_file",
            "result_filename",
            "result_content_type",
        ]
    )
