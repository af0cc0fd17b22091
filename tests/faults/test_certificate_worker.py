"""A certificate batch in a real Celery prefork worker, where it runs in production: the pool's processes are
daemonic (multiprocessing would refuse them children), and the batch's WeasyPrint runs in a child process of its
own for each chunk (issue #34). A worker killed mid-batch leaves the job to run again, as any job, and the batch made
again is whole with one file per certificate. The tests own their redis-server and workers, as the other fault
tests do."""

import itertools
import json
import subprocess  # nosec B404 # pdfinfo on the PDFs the worker made
import zipfile
from pathlib import Path

import pytest

from accounts.models import Job, Role
from accreditation.services import certificates, decision
from tests.accreditation.certification_factories import CandidateAtDecisionFactory
from tests.celery_routes import route_jobs_to
from tests.factories import make_user

from .conftest import publishing_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

COHORT = 3
# As in test_worker_faults: short enough for a test to wait for, the same mechanism as production's minutes.
FAST_RECOVERY = {"CELERY_VISIBILITY_TIMEOUT": "4", "CELERY_UNACKED_RESTORE_INTERVAL": "1", "JOB_LEASE_SECONDS": "3"}


def _cohort(regulator, size: int) -> list:
    return [
        decision.confirm_accreditation(
            candidate=CandidateAtDecisionFactory(regulator=regulator, last_name=f"Okafor {n}"),
            by=regulator,
            reason="Checked.",
        )
        for n in range(size)
    ]


def test_a_prefork_worker_makes_a_batch_in_child_processes(redis_server, workers, tmp_path):
    regulator = make_user(Role.REGULATOR_STAFF)
    cohort = _cohort(regulator, COHORT)
    queue = "certificate-jobs"
    seen = []
    with publishing_to(redis_server.url) as app:
        route_jobs_to(app, queue)
        # Two certificates a child: two children, the second with one.
        probe = tmp_path / "children"
        probe.mkdir()
        worker = workers.start(
            redis_server.url,
            "-Q",
            queue,
            "--pool=prefork",
            "--concurrency=1",
            "-I",
            "tests.faults.slow_job,tests.faults.pdf_child_probe",
            CERTIFICATE_BATCH_CHUNK="2",
            PDF_CHILD_PROBE_DIR=str(probe),
        )
        job = certificates.start_batch(by=regulator, level="practitioner")

        def finished():
            now = Job.objects.get(pk=job.pk)
            seen.append(now.progress)
            return now.is_finished

        wait_for(finished, timeout=180, what="the worker to make the batch", interval=0.1)

    done = Job.objects.get(pk=job.pk)
    assert done.status == Job.Status.SUCCEEDED, done.error
    assert done.progress == 100 and done.attempts == 1
    assert all(b >= a for a, b in itertools.pairwise(seen)), seen
    children = [json.loads(note.read_text()) for note in probe.iterdir()]
    # Started by the pool's process (daemonic, not the worker's main process): two children, two and one.
    assert sorted(c["requests"] for c in children) == [1, 2]
    assert all(c["daemonic"] and c["pid"] != worker.pid for c in children), children
    with zipfile.ZipFile(done.result_file.open("rb")) as bundle:
        assert sorted(bundle.namelist()) == sorted(certificates.certificate_filename(a) for a in cohort)
        for a in cohort:
            a.refresh_from_db()
            content = bundle.read(certificates.certificate_filename(a))
            with a.certificate.open("rb") as stored:
                assert stored.read() == content
            info = subprocess.run(  # nosec B603 B607 # poppler's pdfinfo, fixed arguments
                ["pdfinfo", "-"], input=content, capture_output=True, check=True
            ).stdout.decode()
            assert "Pages:           1" in info and a.name in info


def test_a_batch_whose_worker_is_killed_mid_way_runs_again_whole_with_one_file_each(redis_server, workers, settings):
    settings.JOB_LEASE_SECONDS = 3
    regulator = make_user(Role.REGULATOR_STAFF)
    cohort = _cohort(regulator, 6)
    queue = "certificate-jobs"
    start = ("-Q", queue, "--pool=prefork", "--concurrency=1")
    with publishing_to(redis_server.url) as app:
        route_jobs_to(app, queue)
        first = workers.start(redis_server.url, *start, CERTIFICATE_BATCH_CHUNK="2", **FAST_RECOVERY)
        job = certificates.start_batch(by=regulator, level="practitioner")
        wait_for(lambda: Job.objects.get(pk=job.pk).progress >= 33, timeout=120, what="the batch to pass a third")

        workers.kill(first)  # kill -9 of the worker's process group: its pool process and the chunk's PDF child

        wait_for(lambda: Job.objects.get(pk=job.pk).is_stalled, timeout=30, what="the killed worker's lease to run out")
        workers.start(redis_server.url, *start, CERTIFICATE_BATCH_CHUNK="2", **FAST_RECOVERY)
        wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=180, what="the batch to run again")

    done = Job.objects.get(pk=job.pk)
    assert done.status == Job.Status.SUCCEEDED, done.error
    assert done.attempts == 2 and done.progress == 100
    with zipfile.ZipFile(done.result_file.open("rb")) as bundle:
        assert sorted(bundle.namelist()) == sorted(certificates.certificate_filename(a) for a in cohort)
        assert bundle.testzip() is None
    # Made twice over for some, stored once each: files are named by their content.
    stored = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "certificates").iterdir())
    assert len(stored) == len(cohort)
    for a in cohort:
        a.refresh_from_db()
        assert Path(a.certificate.name).name in stored
