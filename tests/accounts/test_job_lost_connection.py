"""A job whose database connection is lost midway runs again, as after a worker died; only a real fault fails it."""

import pytest
from django.db import OperationalError, connection

from accounts import jobs
from accounts.models import AuditEvent, Job, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[str] = []


@jobs.job_handler("test_connection_lost_once")
def _loses_its_connection_once(context):
    CALLS.append(context.job.pk)
    if len(CALLS) == 1:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what an administrator's pg_terminate_backend does to a worker
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        context.progress(50, "halfway")  # the next query meets the lost connection
        raise OperationalError("server closed the connection unexpectedly")  # SQLite: said plainly
    context.progress(100, "done")


@jobs.job_handler("test_real_fault")
def _fails(context):
    raise ValueError("a real bug")


@pytest.fixture(autouse=True)
def _nothing_dispatched(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(jobs, "dispatch", lambda job_id: True)


def test_a_lost_database_connection_puts_the_job_back_to_wait_and_it_then_finishes():
    job = jobs.start_job(kind="test_connection_lost_once", title="Flaky", by=make_user(Role.REGULATOR_STAFF))
    jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert "connection to the database or the queue was lost" in job.message
    assert AuditEvent.objects.for_object(job).filter(action="job_interrupted").count() == 1
    jobs.run(str(job.pk))  # as the sweep's next hand-over would
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2


def test_a_real_fault_still_fails_the_job_once():
    job = jobs.start_job(kind="test_real_fault", title="Broken", by=make_user(Role.REGULATOR_STAFF))
    with pytest.raises(ValueError):
        jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1
