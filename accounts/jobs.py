"""Background jobs: a row the person can watch, a handler that does the work, a Celery task that runs it.

A feature registers a handler with ``@job_handler("kind")`` and starts work with ``start_job``. The
handler receives a ``JobContext`` to report progress and save the result file.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import Job, User
from .services import ServiceError, record_event, require

logger = logging.getLogger(__name__)

_handlers: dict[str, Callable[[JobContext], None]] = {}
# A lost connection to the database or the broker is not the job's fault: it runs again, as after a worker died.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


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
        """Written straight away (outside any transaction) so the waiting page sees it; also renews the lease."""
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:255], heartbeat_at=timezone.now())
        self.job.progress, self.job.message = percent, message[:255]

    def save_result(self, *, filename: str, content, content_type: str) -> None:
        """``content`` is the bytes, or an open file (read from its start), so a large result need not be in memory."""
        if isinstance(content, bytes | bytearray):
            stored = ContentFile(content)
        else:
            content.seek(0)
            stored = File(content)
        self.job.result_file.save(filename, stored, save=False)
        self.job.result_filename = filename
        self.job.result_content_type = content_type


@transaction.atomic
def status_payload(job: Job) -> dict:
    """What a job page's script polls for: enough to update the bar, or to reload when the page must change."""
    return {
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "waiting_for_broker": job.is_waiting_for_broker,
        "stalled": job.is_stalled,
    }


@transaction.atomic
def start_job(*, kind: str, title: str, by: User, params: dict | None = None) -> Job:
    """Start a job, or return the same person's identical job (same kind and parameters) that is still waiting or
    running: a second click, a refreshed page or twenty requests at once make one job and show it to each."""
    require(kind in _handlers, f"There is no background job called “{kind}”.")
    params = params or {}
    # One person's starts take turns on their own row, so two at once cannot both find nothing in flight.
    User.objects.select_for_update().only("pk").get(pk=by.pk)
    in_flight = (
        Job.objects.filter(kind=kind, created_by=by, params=params, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .order_by("created_at")
        .first()
    )
    if in_flight is not None:
        return in_flight
    job = Job.objects.create(kind=kind, title=title, created_by=by, params=params)
    record_event(job, "job_started", by=by, to_state=job.status, changes={"kind": kind, "params": job.params})
    # The row is the outbox: if the broker is down now, the sweep hands the job over when it is back.
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id) -> bool:
    """Hand a job to the broker. False (and the job stays waiting for the sweep) when the broker cannot take it."""
    from .tasks import run_job

    try:
        run_job.delay(str(job_id))
    except (BrokerError, OSError):
        logger.warning("The broker could not take job %s; the sweep will hand it over later.", job_id, exc_info=True)
        return False
    Job.objects.filter(pk=job_id).update(dispatched_at=timezone.now())
    return True


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


class _Heartbeat(threading.Thread):
    """Renews the running job's lease while its handler works, so a job whose worker died is told apart."""

    def __init__(self, job_id):
        super().__init__(daemon=True, name=f"job-heartbeat-{job_id}")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(1.0, settings.JOB_LEASE_SECONDS / 4)
        try:
            while not self.stopped.wait(interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a missed beat is retried next time; the lease allows for several
                    logger.warning("Could not renew the lease of job %s", self.job_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()


def run(job_id: str) -> None:
    """Run a job once. A redelivered or repeated message does nothing while another worker holds the job's lease,
    or once the job has finished; a job whose worker died (lease not renewed) runs again, up to JOB_MAX_ATTEMPTS."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        if job.status == Job.Status.RUNNING and not job.is_stalled:
            return
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _give_up(job)
            return
        job.status = Job.Status.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.attempts += 1
        if job.attempts > 1:
            job.message = "Started again after an interruption"
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "message"])
    context = JobContext(job)
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        handler_for(job.kind)(context)
    except TRANSIENT_ERRORS:
        logger.warning("Job %s was interrupted by a lost connection; it will run again.", job.pk, exc_info=True)
        _requeue_after_interruption(job.pk)
        return
    except Exception as exc:
        job.refresh_from_db(fields=["progress", "message"])
        job.status = Job.Status.FAILED
        job.error = str(exc) if isinstance(exc, ServiceError) else "Something went wrong while doing this work."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        if not isinstance(exc, ServiceError):
            raise
        return
    finally:
        heartbeat.stopped.set()
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


def _requeue_after_interruption(job_id) -> None:
    """Back to waiting, for the sweep to hand over again (up to JOB_MAX_ATTEMPTS, as for a worker that died). If the
    database cannot be reached even for this, the job's lease runs out and the sweep restarts it all the same."""
    try:
        if not connection.in_atomic_block:
            connection.close()  # the broken connection; the update below opens a new one
        with transaction.atomic():
            updated = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                status=Job.Status.QUEUED,
                message="The connection to the database or the queue was lost; the work will start again shortly",
                dispatched_at=None,
            )
            if updated:
                record_event(
                    Job.objects.get(pk=job_id),
                    "job_interrupted",
                    by=None,
                    from_state=Job.Status.RUNNING,
                    to_state=Job.Status.QUEUED,
                )
    except DatabaseError:
        logger.warning("Could not mark job %s as waiting; its lease will run out instead.", job_id, exc_info=True)


def _give_up(job: Job) -> None:
    job.status = Job.Status.FAILED
    job.error = (
        f"This stopped unexpectedly {job.attempts} times (the computer doing the work stopped), "
        "so it will not be tried again."
    )
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    record_event(job, "job_abandoned", by=None, to_state=job.status, reason=job.error)


def sweep() -> dict[str, int]:
    """Find jobs that would otherwise wait or run for ever, and hand them to the broker again (or fail them).

    Run by beat every JOB_SWEEP_SECONDS and when a worker starts. Three cases: never handed over (the broker
    was down when the job started), handed over long ago but never started (the message was lost), and running
    with an expired lease (the worker died).
    """
    now = timezone.now()
    counts = {"dispatched": 0, "restarted": 0, "failed": 0}
    waiting = Job.objects.filter(status=Job.Status.QUEUED).filter(
        Q(dispatched_at__isnull=True, created_at__lt=now - datetime.timedelta(seconds=5))
        | Q(dispatched_at__lt=now - datetime.timedelta(seconds=settings.JOB_REDISPATCH_SECONDS))
    )
    for job_id in waiting.values_list("pk", flat=True)[:500]:
        counts["dispatched"] += dispatch(job_id)
    stalled = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - _lease()) | Q(heartbeat_at__isnull=True, started_at__lt=now - _lease())
    )
    for job_id in stalled.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None or not job.is_stalled:
                continue
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                _give_up(job)
                counts["failed"] += 1
                continue
            job.status = Job.Status.QUEUED
            job.message = "The work was interrupted and will start again shortly"
            job.dispatched_at = None
            job.save(update_fields=["status", "message", "dispatched_at"])
            record_event(job, "job_interrupted", by=None, from_state=Job.Status.RUNNING, to_state=job.status)
            transaction.on_commit(lambda job_id=job_id: dispatch(job_id))
            counts["restarted"] += 1
    return counts
