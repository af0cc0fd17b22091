"""Work is never lost or stuck: the outbox when the broker is down, the lease when a worker dies.

These run in-process (eager tasks, the broker replaced by one that refuses); tests/faults/ proves the same with
real workers, a real Redis and SIGKILL.
"""

import datetime
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import jobs, notifications
from accounts.models import AuditEvent, Job, OutboxEmail, Role
from accounts.tasks import run_job, send_email, sweep
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_job, "delay", refuse)
    monkeypatch.setattr(send_email, "delay", refuse)
    return monkeypatch


def _age(job, seconds):
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_starting_a_job_while_the_broker_is_down_answers_and_says_it_will_start_shortly(
    client, broker_down, django_capture_on_commit_callbacks
):
    regulator = make_user(Role.REGULATOR_STAFF)
    client.force_login(regulator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/audit/", {"since": ""})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.dispatched_at is None
    page = client.get(response["Location"]).content.decode()
    assert "will start shortly by itself" in page
    assert client.get(response["Location"], HTTP_ACCEPT="application/json").json()["waiting_for_broker"] is True
    assert client.get("/").status_code == 200

    broker_down.undo()  # the broker is back: the next sweep hands the job over and it runs
    _age(job, 60)
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep()
    job.refresh_from_db()
    assert counts["dispatched"] == 1
    assert job.status == Job.Status.SUCCEEDED and job.dispatched_at is not None and job.attempts == 1
    assert "will start shortly" not in client.get(response["Location"]).content.decode()


def test_a_job_handed_to_the_broker_is_not_handed_over_again_by_the_sweep(django_capture_on_commit_callbacks):
    calls = []
    job = Job.objects.create(kind="audit_export", title="t", created_by=make_user(), dispatched_at=timezone.now())
    _age(job, 60)
    original = run_job.delay
    try:
        run_job.delay = lambda *a, **k: calls.append(a)
        jobs.sweep()
    finally:
        run_job.delay = original
    assert calls == []


def test_password_reset_while_the_broker_is_down_answers_and_the_email_goes_when_it_is_back(
    client, broker_down, django_capture_on_commit_callbacks
):
    user = make_user(Role.SOCIAL_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []
    waiting = OutboxEmail.objects.get()
    assert waiting.to == [user.email] and waiting.attempts == 1

    broker_down.undo()
    OutboxEmail.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    assert notifications.sweep_outbox() == 1
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "password" in mail.outbox[0].subject.lower()
    assert not OutboxEmail.objects.exists()


def test_an_email_handed_to_the_broker_leaves_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_email(to=["a@example.com"], subject="Hello", body="Body\n")
    assert len(mail.outbox) == 1
    assert not OutboxEmail.objects.exists()


def _running(seconds_since_heartbeat, attempts=1):
    now = timezone.now()
    beat = now - datetime.timedelta(seconds=seconds_since_heartbeat)
    return Job.objects.create(
        kind="audit_export",
        title="Audit log download",
        created_by=make_user(Role.REGULATOR_STAFF),
        status=Job.Status.RUNNING,
        progress=30,
        attempts=attempts,
        started_at=beat,
        heartbeat_at=beat,
        dispatched_at=beat,
    )


def test_a_job_whose_worker_died_is_shown_as_stopped_then_run_again(
    client, settings, django_capture_on_commit_callbacks
):
    job = _running(settings.JOB_LEASE_SECONDS + 30)
    client.force_login(job.created_by)
    assert "stopped making progress" in client.get(f"/jobs/{job.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep()
    assert counts["restarted"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert job.result_file.read().decode("utf-8-sig").startswith("When,Who,Action")
    assert AuditEvent.objects.for_object(job).filter(action="job_interrupted").exists()


def test_a_job_that_keeps_dying_is_marked_failed_with_a_message(client, settings):
    job = _running(settings.JOB_LEASE_SECONDS + 30, attempts=settings.JOB_MAX_ATTEMPTS)
    assert sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "stopped unexpectedly 3 times" in job.error
    client.force_login(job.created_by)
    assert "stopped unexpectedly" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_a_running_job_with_a_live_lease_is_left_alone(settings):
    job = _running(5)
    assert not job.is_stalled
    assert sweep() == {"dispatched": 0, "restarted": 0, "failed": 0, "emails": 0, "messages": 0}
    # A redelivered message (acks_late, visibility timeout) while the first worker still holds the lease: no-op.
    jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1


def test_a_redelivered_message_for_a_job_whose_worker_died_runs_it(settings):
    job = _running(settings.JOB_LEASE_SECONDS + 1)
    jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2


def test_progress_renews_the_lease():
    job = _running(10_000)
    jobs.JobContext(job).progress(40, "halfway")
    job.refresh_from_db()
    assert not job.is_stalled and job.progress == 40


def test_the_sweep_runs_every_minute_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-and-outbox-sweep"]
    assert entry["task"] == "accounts.tasks.sweep"
    assert entry["schedule"].total_seconds() <= 60


def test_redis_visibility_timeout_outlasts_the_longest_job():
    code = (
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_TASK_TIME_LIMIT)"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": "/tmp/reliability-var"}
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/3"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    visibility, longest = int(out[0]), int(out[1])
    assert visibility > longest


def test_admin_sign_in_redirect_encodes_next(client):
    nasty = "/admin/?q=1&next=https://evil.example.com/#x"
    response = client.get("/admin/login/", {"next": nasty})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query) == {"next": [nasty]}


def test_signing_in_with_the_right_password_still_works_after_these_changes(client):
    user = make_user(Role.SOCIAL_WORKER)
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_the_jobs_api_tells_the_truth_about_a_waiting_or_stalled_job(client, settings):
    job = _running(settings.JOB_LEASE_SECONDS + 30)
    client.force_login(job.created_by)
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "running" and body["stalled"] is True and body["waiting_for_broker"] is False
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, dispatched_at=None)
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["waiting_for_broker"] is True and body["stalled"] is False
