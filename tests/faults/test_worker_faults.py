"""Faults with real processes: a worker killed by SIGKILL mid-job, and the broker stopped and started again.

Each test owns its redis-server (a port from 6390, ten per parallel test worker) and its workers; the database is
the PostgreSQL test database, which the workers share with this process (transactional tests, so rows are
committed).
"""

import csv
import io
from pathlib import Path

import pytest

from accounts.jobs import start_job
from accounts.models import Job, OutboxEmail, Role
from tests.celery_routes import route_jobs_to
from tests.factories import make_user

from . import slow_job
from .conftest import publishing_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Short enough for a test to wait for, the same mechanism as production's minutes.
# The waits below return as soon as the job is done; their limits allow for a worker starting on a loaded machine.
FAST_RECOVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "JOB_LEASE_SECONDS": "3",
}


def _job(job_id) -> Job:
    return Job.objects.get(pk=job_id)


def test_a_job_whose_worker_is_killed_mid_job_is_redelivered_and_completes_once_with_a_whole_file(
    redis_server, workers, settings
):
    settings.JOB_LEASE_SECONDS = 3
    queue = "fault-jobs"
    with publishing_to(redis_server.url) as app:
        # Only run_job messages go to this queue, and the workers read only it: the sweep's own dispatches go
        # to the default queue nobody reads, so the job can only finish through the redelivered message.
        route_jobs_to(app, queue)
        first = workers.start(redis_server.url, "-Q", queue, "--pool=prefork", "--concurrency=1", **FAST_RECOVERY)
        job = start_job(kind="fault_slow_export", title="Squares", by=make_user(Role.REGULATOR_STAFF))
        assert _job(job.pk).dispatched_at is not None
        wait_for(lambda: _job(job.pk).progress >= 30, timeout=60, what="the job to pass 30%")

        workers.kill(first)  # kill -9 of the whole worker: the main process and its pool child

        stuck = _job(job.pk)
        assert stuck.status == Job.Status.RUNNING and 30 <= stuck.progress < 100
        # acks_late: the message was not acknowledged, so Redis still holds it for redelivery.
        assert redis_server.cli("HLEN", "unacked") == "1"

        # A redelivered message that finds the lease still held leaves the job to its holder, so the next worker
        # starts once the lease has run out; the message, back on the queue by then or soon after, waits for it.
        wait_for(lambda: _job(job.pk).is_stalled, timeout=30, what="the killed worker's lease to run out")
        workers.start(redis_server.url, "-Q", queue, "--pool=prefork", "--concurrency=1", **FAST_RECOVERY)
        wait_for(lambda: _job(job.pk).is_finished, timeout=180, what="the redelivered job to finish")

    done = _job(job.pk)
    assert done.status == Job.Status.SUCCEEDED, done.error
    assert done.attempts == 2 and done.progress == 100
    rows = list(csv.reader(io.StringIO(done.result_file.read().decode("utf-8-sig"))))
    assert rows[0] == ["n", "square"]
    assert rows[1:] == [[str(n), str(n * n)] for n in range(slow_job.STEPS)]
    files = [p for p in (Path(settings.MEDIA_ROOT) / "jobs").rglob("*") if p.is_file()]
    assert len(files) == 1, files  # completed once: no second or partial result
    assert redis_server.cli("HLEN", "unacked") == "0"


def test_with_the_broker_stopped_pages_serve_and_work_waits_then_runs_when_it_returns(
    redis_server, workers, client, settings
):
    regulator = make_user(Role.REGULATOR_STAFF)
    with publishing_to(redis_server.url):
        workers.start(redis_server.url, "--beat", "--pool=solo", JOB_SWEEP_SECONDS="2")
        warm_up = start_job(kind="fault_slow_export", title="Warm-up", by=regulator)
        wait_for(lambda: _job(warm_up.pk).is_finished, timeout=180, what="the worker to start and run a job")

        redis_server.stop()

        client.force_login(regulator)
        assert client.get("/").status_code == 200
        assert client.get("/audit/").status_code == 200
        response = client.post("/audit/", {"since": ""})
        assert response.status_code == 302
        job = Job.objects.exclude(pk=warm_up.pk).get()
        assert job.status == Job.Status.QUEUED and job.dispatched_at is None
        assert "will start shortly by itself" in client.get(response["Location"]).content.decode()
        client.logout()
        assert client.post("/accounts/password/reset/", {"email": regulator.email}).status_code == 302
        assert OutboxEmail.objects.count() == 1

        redis_server.start()  # back, empty (no persistence): only the outbox knows about the work

        wait_for(lambda: _job(job.pk).is_finished, timeout=120, what="the waiting job to run after the broker returned")
        wait_for(lambda: not OutboxEmail.objects.exists(), timeout=30, what="the outbox email to be handed over")

    done = _job(job.pk)
    assert done.status == Job.Status.SUCCEEDED, done.error
    assert done.attempts == 1
    assert done.result_file.read().decode("utf-8-sig").startswith("When,Who,Action")
