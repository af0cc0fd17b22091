"""A certificate batch in a real Celery prefork worker, where it runs in production: the pool's processes are
daemonic (multiprocessing would refuse them children), and the batch's WeasyPrint runs in a child process of its
own for each chunk (issue #34). The test owns its redis-server and worker, as the other fault tests do."""

import itertools
import json
import subprocess  # nosec B404 # pdfinfo on the PDFs the worker made
import zipfile

import pytest

from accounts.models import Job, Role
from accreditation.services import certificates, decision
from tests.accreditation.certification_factories import CandidateAtDecisionFactory
from tests.celery_routes import route_jobs_to
from tests.factories import make_user

from .conftest import publishing_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

COHORT = 3


def test_a_prefork_worker_makes_a_batch_in_child_processes(redis_server, workers, tmp_path):
    regulator = make_user(Role.REGULATOR_STAFF)
    cohort = [
        decision.confirm_accreditation(
            candidate=CandidateAtDecisionFactory(regulator=regulator, last_name=f"Okafor {n}"),
            by=regulator,
            reason="Checked.",
        )
        for n in range(COHORT)
    ]
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
