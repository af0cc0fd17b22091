"""A real Celery worker process takes a job from the real broker and finishes it in the real database.

Runs on whatever the settings name, as the service would: SQLite and the filesystem broker on the embedded
defaults (the SQLite test database is a file, so the worker process can open it), PostgreSQL and Redis in CI.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from accounts.jobs import start_job
from accounts.models import Job, Role
from tests.celery_routes import route_jobs_to
from tests.factories import make_user
from tests.processes import another_process_can_open_the_database, database_url_for_another_process

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_job_and_its_progress_reaches_the_database():
    reason = another_process_can_open_the_database()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the real worker test, but {reason}.")
        pytest.skip(reason)
    from config.celery import app

    app.conf.task_always_eager = False
    env = {**os.environ, "DATABASE_URL": database_url_for_another_process(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    queue = f"test-{os.getpid()}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        route_jobs_to(app, queue)
        job = start_job(kind="audit_export", title="Audit log download", by=make_user(Role.REGULATOR_STAFF))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.5)
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert job.progress == 100
        assert job.attempts == 1
        assert job.result_file.read().decode("utf-8-sig").startswith("When,Who,Action")
    finally:
        route_jobs_to(app, None)
        app.conf.task_always_eager = True
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output)
