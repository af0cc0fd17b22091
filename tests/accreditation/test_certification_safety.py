"""Safety of the decision and certificate: one result from two confirmations at once (PostgreSQL row locks), and
WeasyPrint fetching nothing but our static files."""

import threading

import pytest
from django.db import connection, connections

from accounts import pdf
from accounts.models import Role
from accounts.services import ServiceError
from accreditation.models import Accreditation, Candidate
from accreditation.services import certificates, decision
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
def test_two_staff_confirming_at_once_give_one_accreditation(now):
    first, second = make_user(Role.REGULATOR_STAFF), make_user(Role.REGULATOR_STAFF)
    candidate = CandidateAtDecisionFactory(regulator=first)
    barrier = threading.Barrier(2)
    results = []

    def confirm(by):
        try:
            barrier.wait()
            decision.confirm_accreditation(candidate=candidate, by=by, reason=f"Confirmed by {by.email}")
            results.append("confirmed")
        except ServiceError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["This accreditation has already been confirmed.", "confirmed"]
    assert Accreditation.objects.filter(candidate=candidate).count() == 1
    assert Candidate.objects.get(pk=candidate.pk).stage == Candidate.Stage.ACCREDITED


@pytest.mark.django_db
def test_certificate_fetches_only_inline_data_and_our_static_files(now, monkeypatch):
    """Whatever a name holds, rendering never reaches past our static files (no file://, no network)."""
    regulator = make_user(Role.REGULATOR_STAFF)
    candidate = CandidateAtDecisionFactory(regulator=regulator)
    a = decision.confirm_accreditation(candidate=candidate, by=regulator, reason="Checked.")
    a.name = '<img src="http://evil.example/x.png"><img src="file:///etc/passwd">Sam'
    fetched = []
    real = pdf._static_response

    def spy(url):
        fetched.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "_static_response", spy)
    content = certificates.render_certificate(a)
    assert content.startswith(b"%PDF")
    assert all(url.startswith("static:") for url in fetched)  # the name was escaped: nothing fetched from it


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.com/logo.png"]
)
def test_pdf_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(pdf.RefusedResource):
        pdf.static_only_fetcher().fetch(url)
