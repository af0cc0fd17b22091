"""Twenty identical requests at once to make a certificate or a batch of them, or to export the audit log or the
register, start one job and show it to every request. The jobs are left waiting (no worker takes them), so each
later request meets the first still in flight."""

import re
import threading

import pytest
from django.db import connections
from django.test import Client

from accounts import jobs
from accounts.models import AuditEvent, Job
from accreditation.services import decision

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 20


@pytest.fixture
def nobody_takes_jobs(monkeypatch):
    monkeypatch.setattr(jobs, "dispatch", lambda job_id: True)


def _all_at_once(user, method: str, url: str, data=None, **extra) -> list:
    barrier = threading.Barrier(AT_ONCE)
    answers = []

    def send():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            answers.append(getattr(client, method)(url, data, **extra))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _job_named(answer) -> str:
    """The job a page redirected to (its own page, or the transfer's), or the one the API answered with."""
    if answer.status_code == 302:
        return re.search(r"[0-9a-f]{8}-[0-9a-f-]{27}", answer["Location"]).group()
    return str(answer.json()["id"])


@pytest.mark.parametrize(
    ("url", "data", "extra"),
    [
        ("/accreditation/staff/accreditations/{pk}/certificate/", None, {}),
        ("/accreditation/staff/certificates/", {"level": ""}, {}),
        ("/api/v1/accreditation/certificate-batches/", {}, {"content_type": "application/json"}),
        ("/audit/", {"since": ""}, {}),
        ("/register/transfer/", {"kind": "full"}, {}),
    ],
    ids=["one certificate", "batch page", "batch API", "audit export", "transfer export"],
)
def test_twenty_identical_requests_start_one_job(accreditation, regulator, nobody_takes_jobs, url, data, extra):
    before = set(Job.objects.values_list("pk", flat=True))
    answers = _all_at_once(regulator, "post", url.format(pk=accreditation.pk), data, **extra)
    assert len({a.status_code for a in answers}) == 1 and answers[0].status_code in (201, 302), [
        a.status_code for a in answers
    ]
    started = Job.objects.exclude(pk__in=before).get()  # exactly one new job
    assert AuditEvent.objects.for_object(started).filter(action="job_started").count() == 1
    assert {_job_named(a) for a in answers} == {str(started.pk)}


def test_a_finished_job_does_not_stop_the_next(accreditation, regulator, nobody_takes_jobs):
    first = decision.start_certificate_job(accreditation=accreditation, by=regulator)
    Job.objects.filter(pk=first.pk).update(status=Job.Status.SUCCEEDED)
    second = decision.start_certificate_job(accreditation=accreditation, by=regulator)
    assert second.pk != first.pk
