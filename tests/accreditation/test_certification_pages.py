"""The decision and certificate pages: regulator staff confirm and revoke, the holder downloads, the public verifies."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accreditation.models import Accreditation, Candidate
from accreditation.services import certificates, decision
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")


@pytest.fixture
def at_decision(now, regulator):
    return CandidateAtDecisionFactory(regulator=regulator)


@pytest.fixture
def accreditation(at_decision, regulator):
    a = decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")
    return certificates.issue_certificate(accreditation=a)


def test_staff_confirm_from_the_list_and_are_taken_to_the_certificate_job(
    client, at_decision, regulator, django_capture_on_commit_callbacks
):
    client.force_login(regulator)
    listing = client.get("/accreditation/staff/decisions/").content.decode()
    assert "Sam Okafor" in listing and f"/accreditation/staff/decisions/{at_decision.pk}/" in listing
    page = client.get(f"/accreditation/staff/decisions/{at_decision.pk}/").content.decode()
    assert "Confirm accreditation" in page and at_decision.registration_number in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accreditation/staff/decisions/{at_decision.pk}/", {"reason": "All checked."})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job_page = client.get(response["Location"]).content.decode()
    assert "Ready" in job_page and "Download certificate-" in job_page
    at_decision.refresh_from_db()
    assert at_decision.stage == Candidate.Stage.ACCREDITED
    assert Accreditation.objects.get().certificate


def test_confirming_without_a_reason_names_the_field(client, at_decision, regulator):
    client.force_login(regulator)
    response = client.post(f"/accreditation/staff/decisions/{at_decision.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "Enter why you are confirming this accreditation" in response.content.decode()
    assert not Accreditation.objects.exists()


def test_a_stage_not_passed_cannot_be_confirmed_from_the_page(client, now, regulator):
    c = CandidateAtDecisionFactory(regulator=regulator, stage=Candidate.Stage.OBSERVATION)
    client.force_login(regulator)
    page = client.get(f"/accreditation/staff/decisions/{c.pk}/").content.decode()
    assert "cannot be confirmed yet" in page and "Confirm accreditation</button>" not in page
    response = client.post(f"/accreditation/staff/decisions/{c.pk}/", {"reason": "Trying anyway."})
    assert "Every stage must be passed first" in response.content.decode()
    assert not Accreditation.objects.exists()


def test_home_page_counts_decisions_to_confirm(client, at_decision, regulator):
    client.force_login(regulator)
    page = client.get("/").content.decode()
    assert "Decisions to confirm" in page and "1 to confirm" in page


def test_decisions_list_costs_a_fixed_number_of_queries(client, now, regulator, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(regulator)
    CandidateAtDecisionFactory(regulator=regulator)
    client.get("/accreditation/staff/decisions/")
    with CaptureQueriesContext(connection) as one:
        client.get("/accreditation/staff/decisions/")
    for _ in range(5):
        CandidateAtDecisionFactory(regulator=regulator)
    with django_assert_max_num_queries(16):
        response = client.get("/accreditation/staff/decisions/")
    assert response.content.decode().count("Review and confirm") == 6
    with CaptureQueriesContext(connection) as six:
        client.get("/accreditation/staff/decisions/")
    assert len(six) == len(one)


# --- The holder ---------------------------------------------------------------------------------------------------


def test_holder_sees_and_downloads_certificate_and_credential_on_their_pathway(client, accreditation):
    holder = accreditation.candidate.user
    client.force_login(holder)
    pathway = client.get("/accreditation/").content.decode()
    assert "Your certificates and credentials" in pathway
    assert f"/accreditation/accreditations/{accreditation.pk}/certificate.pdf" in pathway
    pdf = client.get(f"/accreditation/accreditations/{accreditation.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    credential = client.get(f"/accreditation/accreditations/{accreditation.pk}/credential.json")
    assert json.loads(credential.content) == accreditation.credential
    assert "attachment" in credential["Content-Disposition"]
    candidate_page = client.get(f"/accreditation/candidates/{accreditation.candidate_id}/").content.decode()
    assert "Certificate and signed credential" in candidate_page


def test_another_social_worker_cannot_see_the_accreditation(client, accreditation):
    other = make_user(Role.SOCIAL_WORKER)
    client.force_login(other)
    for suffix in ("", "certificate.pdf", "credential.json"):
        assert client.get(f"/accreditation/accreditations/{accreditation.pk}/{suffix}").status_code == 403


def test_after_revocation_downloads_say_revoked(client, accreditation, regulator):
    client.force_login(regulator)
    response = client.post(
        f"/accreditation/staff/accreditations/{accreditation.pk}/revoke/", {"reason": "Panel decision."}
    )
    assert response.status_code == 302
    client.force_login(accreditation.candidate.user)
    for suffix in ("certificate.pdf", "credential.json"):
        response = client.get(f"/accreditation/accreditations/{accreditation.pk}/{suffix}")
        assert response.status_code == 410
        assert "This accreditation has been revoked" in response.content.decode()
    assert "Revoked" in client.get("/accreditation/").content.decode()


def test_revoking_without_a_reason_names_the_field(client, accreditation, regulator):
    client.force_login(regulator)
    response = client.post(f"/accreditation/staff/accreditations/{accreditation.pk}/revoke/", {"reason": ""})
    assert "Enter why the accreditation is revoked" in response.content.decode()
    accreditation.refresh_from_db()
    assert not accreditation.is_revoked


# --- The public ---------------------------------------------------------------------------------------------------


def test_verify_page_shows_only_name_number_level_dates_and_status(client, accreditation):
    page = client.get(f"/verify/{accreditation.code}").content.decode()
    assert "Valid accreditation" in page
    for shown in ("Sam Okafor", accreditation.registration_number, "Approved Child and Family Practitioner"):
        assert shown in page
    candidate = accreditation.candidate
    main = re.search(r"<main.*</main>", page, re.S).group(0)
    for hidden in (candidate.user.email, candidate.organisation.name, "Checked.", "ruth@regulator.example"):
        assert hidden not in main


def test_verify_page_says_revoked_without_the_reason(client, accreditation, regulator):
    decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Private panel reasons.")
    page = client.get(f"/verify/{accreditation.code}").content.decode()
    assert "This accreditation has been revoked" in page
    assert "Private panel reasons" not in page


def test_unknown_code_gives_a_clear_not_found_page(client, accreditation):
    response = client.get("/verify/AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH")
    assert response.status_code == 404
    assert "We cannot find that certificate" in response.content.decode()


def test_a_typed_code_with_dashes_and_lower_case_finds_the_certificate(client, accreditation):
    response = client.get("/verify/", {"code": accreditation.code_for_reading.lower()})
    assert response.status_code == 302 and response["Location"] == f"/verify/{accreditation.code}"


def test_pasted_credential_is_checked(client, accreditation):
    page = client.post("/verify/credential/", {"credential": json.dumps(accreditation.credential)})
    assert "Valid credential" in page.content.decode()


def test_uploaded_credential_is_checked(client, accreditation):
    upload = SimpleUploadedFile("credential.json", json.dumps(accreditation.credential).encode(), "application/json")
    page = client.post("/verify/credential/", {"file": upload})
    assert "Valid credential" in page.content.decode()


def test_tampered_credential_fails_with_the_reason_on_the_page(client, accreditation):
    tampered = json.loads(json.dumps(accreditation.credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Practice Leader"
    page = client.post("/verify/credential/", {"credential": json.dumps(tampered)}).content.decode()
    assert "This credential failed the check" in page and "The signature does not match" in page


def test_revoked_credential_says_revoked_on_the_page(client, accreditation, regulator):
    decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Struck off.")
    page = client.post("/verify/credential/", {"credential": json.dumps(accreditation.credential)}).content.decode()
    assert "This credential has been revoked" in page


def test_empty_credential_form_names_the_field(client):
    response = client.post("/verify/credential/", {"credential": ""})
    assert response.status_code == 400
    assert "Paste the credential, or upload its file" in response.content.decode()


def test_public_key_is_published_at_stable_urls(client, accreditation):
    profile = client.get("/credentials/issuer").json()
    keys = client.get("/credentials/jwks.json").json()["keys"]
    kid = accreditation.credential["proof"][0]["verificationMethod"]
    assert [m["id"] for m in profile["verificationMethod"]] == [kid]
    assert keys[0]["kid"] == kid and keys[0]["crv"] == "Ed25519"


# --- The API, under the same rules ---------------------------------------------------------------------------------


def test_api_confirm_verify_and_revoke(client, at_decision, regulator):
    client.force_login(regulator)
    response = client.post(
        f"/api/v1/accreditation/decisions/{at_decision.pk}/confirm/", {"reason": "Checked."}, "application/json"
    )
    assert response.status_code == 201
    a = Accreditation.objects.get()
    again = client.post(
        f"/api/v1/accreditation/decisions/{at_decision.pk}/confirm/", {"reason": "Again."}, "application/json"
    )
    assert again.status_code == 400 and "already been confirmed" in again.json()["detail"]
    client.logout()
    public = client.get(f"/api/v1/accreditation/verify/{a.code}/").json()
    assert set(public) == {"name", "registration_number", "level", "level_label", "awarded_on", "status", "revoked_on"}
    check = client.post("/api/v1/accreditation/verify/", {"credential": a.credential}, "application/json").json()
    assert check["status"] == "valid"
    client.force_login(regulator)
    client.post(f"/api/v1/accreditation/accreditations/{a.pk}/revoke/", {"reason": "Error."}, "application/json")
    client.force_login(at_decision.user)
    assert client.get(f"/api/v1/accreditation/accreditations/{a.pk}/credential/").status_code == 410
    check = client.post("/api/v1/accreditation/verify/", {"credential": a.credential}, "application/json").json()
    assert check["status"] == "revoked"
    assert client.get("/api/v1/accreditation/verify/NOPE/").status_code == 404


def test_api_lists_only_the_callers_own_accreditations(client, accreditation):
    other = make_user(Role.SOCIAL_WORKER)
    client.force_login(other)
    assert client.get("/api/v1/accreditation/accreditations/").json()["count"] == 0
    client.force_login(accreditation.candidate.user)
    assert client.get("/api/v1/accreditation/accreditations/").json()["count"] == 1


def test_decisions_list_shows_one_page_at_a_time_with_the_whole_count(client, now, regulator, monkeypatch):
    from accreditation.views import decisions

    monkeypatch.setattr(decisions, "DECISIONS_PER_PAGE", 2)
    client.force_login(regulator)
    for _ in range(3):
        CandidateAtDecisionFactory(regulator=regulator)
    first = client.get("/accreditation/staff/decisions/").content.decode()
    assert first.count("Review and confirm") == 2 and "3 waiting for a decision" in first and "?page=2" in first
    second = client.get("/accreditation/staff/decisions/?page=2").content.decode()
    assert second.count("Review and confirm") == 1 and "3 waiting for a decision" in second
