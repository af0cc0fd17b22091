"""A certificate batch runs WeasyPrint in a child process per chunk (issue #34: the worker's memory stays flat):
the same certificates as one by one in the worker, a progress bar that moves per certificate and never back, and a
chunk that fails failing the job with a message saying which certificate."""

import hashlib
import io
import itertools
import subprocess  # nosec B404 # pdfinfo on the PDFs the test made
import zipfile
from dataclasses import replace

import pytest

from accounts import jobs, pdf
from accounts.models import Job
from accreditation.services import certificates, decision

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db

COHORT = 5


@pytest.fixture
def cohort(now, regulator, settings):
    settings.CERTIFICATE_BATCH_CHUNK = 2  # five certificates in three children: two whole chunks and a short one
    return [
        decision.confirm_accreditation(
            candidate=CandidateAtDecisionFactory(regulator=regulator, first_name="Sam", last_name=f"Okafor {n}"),
            by=regulator,
            reason="Checked.",
        )
        for n in range(COHORT)
    ]


@pytest.fixture
def progress(monkeypatch):
    """Every percentage the batch reports, in order."""
    seen = []
    real = jobs.JobContext.progress

    def watched(self, percent, message=""):
        seen.append(percent)
        return real(self, percent, message)

    monkeypatch.setattr(jobs.JobContext, "progress", watched)
    return seen


@pytest.fixture
def children(monkeypatch):
    """How many child processes were started; the worker itself must not run WeasyPrint for a batch."""
    started = []
    real = pdf._child_command

    def counted(requests_file):
        started.append(requests_file)
        return real(requests_file)

    monkeypatch.setattr(pdf, "_child_command", counted)
    monkeypatch.setattr(certificates, "write_pdf", _not_in_the_worker)
    return started


def _not_in_the_worker(request):
    raise AssertionError("A batch must render its certificates in a child process, not the worker.")


def _run_batch(regulator, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job = certificates.start_batch(by=regulator, level="practitioner")
    job.refresh_from_db()
    return job


def _pdfinfo(content: bytes) -> str:
    result = subprocess.run(  # nosec B603 B607 # poppler's pdfinfo, fixed arguments
        ["pdfinfo", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_chunked_batch_makes_the_same_certificates_as_one_by_one(
    cohort, regulator, progress, children, django_capture_on_commit_callbacks, monkeypatch
):
    job = _run_batch(regulator, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100 and job.message == f"{COHORT} certificates made and stored."
    assert len(children) == 3
    monkeypatch.undo()  # the worker's own WeasyPrint again, for the certificates made one by one
    with zipfile.ZipFile(job.result_file.open("rb")) as bundle:
        assert bundle.testzip() is None
        assert sorted(bundle.namelist()) == sorted(certificates.certificate_filename(a) for a in cohort)
        for a in cohort:
            a.refresh_from_db()
            content = bundle.read(certificates.certificate_filename(a))
            # Byte for byte what the worker makes for one certificate, and what is stored with the accreditation.
            assert content == certificates.render_certificate(a)
            assert hashlib.sha256(content).hexdigest() == a.certificate_sha256
            with a.certificate.open("rb") as stored:
                assert stored.read() == content
            info = _pdfinfo(content)
            assert "Pages:           1" in info and a.name in info
            assert a.certificate_emailed_at is not None


def test_progress_moves_with_every_certificate_and_never_back(
    cohort, regulator, progress, children, django_capture_on_commit_callbacks
):
    _run_batch(regulator, django_capture_on_commit_callbacks)
    # One step per certificate (fewer than a hundred), across the children's boundaries.
    assert progress == [(n * 100) // COHORT for n in range(1, COHORT + 1)]
    assert all(b > a for a, b in itertools.pairwise(progress))


def test_a_chunk_that_fails_fails_the_job_saying_which_certificate(
    cohort, regulator, progress, children, django_capture_on_commit_callbacks, monkeypatch
):
    broken = cohort[2]  # the first of the second chunk
    real = certificates.certificate_request

    def request(accreditation):
        made = real(accreditation)
        return replace(made, variant="pdf/unknown") if accreditation.pk == broken.pk else made

    monkeypatch.setattr(certificates, "certificate_request", request)
    job = _run_batch(regulator, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.error.startswith(
        f"Certificate 3 of {COHORT} (registration number {broken.registration_number}) could not be made: "
        "PDF 1 of the chunk could not be made: KeyError: 'pdf/unknown'."
    )
    assert "start the batch again" in job.error
    assert progress == [20, 40]  # the two before it, then nothing more
    assert not job.result_file
    made = [a for a in cohort if (a.refresh_from_db() or a.certificate)]
    assert [a.pk for a in made] == [a.pk for a in cohort[:2]]


def test_a_child_that_dies_is_reported_not_waited_for(monkeypatch, settings):
    monkeypatch.setattr(pdf, "_child_command", lambda requests_file: ["sh", "-c", "kill -9 $$"])
    request = pdf.PdfRequest(html="<p>Certificate</p>")
    with pytest.raises(pdf.PdfChildError, match="stopped by signal 9") as failure:
        list(pdf.render_in_children([request, request, request], chunk_size=2))
    assert failure.value.index == 0


def test_a_batch_made_again_is_the_same_files(cohort, regulator, children, django_capture_on_commit_callbacks):
    first = _run_batch(regulator, django_capture_on_commit_callbacks)
    names = {a.pk: (a.refresh_from_db(), a.certificate.name)[1] for a in cohort}
    # A new job for the same cohort (what the sweep does for a worker that died is the same run again).
    first.status = Job.Status.FAILED
    first.save(update_fields=["status"])
    again = _run_batch(regulator, django_capture_on_commit_callbacks)
    assert again.pk != first.pk and again.status == Job.Status.SUCCEEDED
    assert {a.pk: (a.refresh_from_db(), a.certificate.name)[1] for a in cohort} == names
    stored = sorted(names.values())
    with zipfile.ZipFile(io.BytesIO(again.result_file.read())) as bundle:
        assert len(bundle.namelist()) == COHORT
    assert sorted(f"certificates/{n}" for n in cohort[0].certificate.storage.listdir("certificates")[1]) == stored
