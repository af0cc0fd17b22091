"""The credentials the service issues, checked by a verifier nobody here wrote: Digital Bazaar's reference libraries
(@digitalbazaar/vc with Data Integrity and the eddsa-jcs-2022 cryptosuite, @digitalbazaar/vc-bitstring-status-list),
run offline by ``verifier/verify.mjs`` with only what the service serves: the issuer profile and the status lists,
fetched here from their public addresses. Installed by ``make test`` (``npm ci --prefix verifier``)."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from accreditation.services import certificates, credentials, decision, signing_keys, status_lists
from regulation import services as register_services
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db

VERIFIER = Path(__file__).resolve().parents[2] / "verifier"


def _served(client, url: str) -> dict:
    response = client.get(url.removeprefix(credentials.settings.SITE_URL))
    assert response.status_code == 200, url
    return response.json()


def _reference_verify(credential: dict, client) -> dict:
    """What the reference libraries say, given what our public addresses serve now."""
    if shutil.which("node") is None or not (VERIFIER / "node_modules").is_dir():
        reason = "the reference verifier is not installed (make test runs npm ci --prefix verifier)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the reference verifier, but {reason}.")
        pytest.skip(reason)
    issuer = _served(client, signing_keys.issuer_id())
    documents = {issuer["id"]: issuer}
    for entry in credential.get("credentialStatus", []):
        documents[entry["statusListCredential"]] = _served(client, entry["statusListCredential"])
    answer = subprocess.run(
        ["node", str(VERIFIER / "verify.mjs")],
        input=json.dumps({"credential": credential, "documents": documents}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(answer.stdout)


@pytest.fixture
def own_key(settings, tmp_path):
    """A signing key of this test's own, in a file a rotation may replace."""
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    return settings.CREDENTIAL_SIGNING_KEY_FILE


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF)


def _issue(regulator) -> "credentials.Accreditation":
    """Confirmed today (the reference verifier checks validFrom against the real clock)."""
    confirmed = decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator), by=regulator, reason="Checked."
    )
    return certificates.issue_certificate(accreditation=confirmed)


@pytest.fixture
def issued(own_key, regulator):
    return _issue(regulator)


NOT_SET = {"revocation": False, "suspension": False}


def test_an_issued_credential_verifies_with_the_reference_libraries(issued, client):
    assert _reference_verify(issued.credential, client) == {"verified": True, "errors": [], "status": NOT_SET}
    assert credentials.check_credential(issued.credential).valid  # and with ours


def test_a_changed_value_fails_the_reference_check(issued, client):
    tampered = json.loads(json.dumps(issued.credential))
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    result = _reference_verify(tampered, client)
    assert result["verified"] is False and "Invalid signature." in result["errors"]


def test_the_proof_is_eddsa_rdfc_2022_the_open_badges_suite(issued):
    assert [p["cryptosuite"] for p in issued.credential["proof"]] == ["eddsa-rdfc-2022"]


def _as_jcs(credential: dict) -> dict:
    """The same credential signed as until December 2026, with eddsa-jcs-2022."""
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    created = datetime.datetime.fromisoformat(credential["proof"][0]["created"])
    return credentials.sign(unsigned, created=created, cryptosuite="eddsa-jcs-2022")


def test_a_credential_signed_with_eddsa_jcs_2022_still_verifies_everywhere(issued, client):
    earlier = _as_jcs(issued.credential)
    assert _reference_verify(earlier, client) == {"verified": True, "errors": [], "status": NOT_SET}
    assert credentials.check_credential(earlier).valid


def test_a_jcs_proof_without_the_documents_context_fails_the_reference_check(issued, client):
    """Why the proof carries @context: the signature is the same, but a verifier that rebuilds the proof
    configuration from the proof object (as the specification says) hashes something else without it."""
    as_before = _as_jcs(issued.credential)
    del as_before["proof"][0]["@context"]
    assert credentials.check_credential(as_before).valid  # our own check fills it in from the document
    result = _reference_verify(as_before, client)
    assert result["verified"] is False and "Invalid signature." in result["errors"]


def test_a_revoked_credential_reads_revoked_from_the_published_list(
    issued, client, regulator, django_capture_on_commit_callbacks
):
    entry = next(e for e in issued.credential["credentialStatus"] if e["statusPurpose"] == "revocation")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's publication, run in-process here
        decision.revoke_accreditation(accreditation=issued, by=regulator, reason="Obtained by deception.")
    served = _served(client, entry["statusListCredential"])
    assert status_lists.is_set(served["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))
    result = _reference_verify(issued.credential, client)
    assert result == {"verified": True, "errors": [], "status": {"revocation": True, "suspension": False}}
    assert credentials.check_credential(issued.credential).status == "revoked"


def test_a_suspended_holder_reads_suspended_and_then_clears(
    issued, client, regulator, django_capture_on_commit_callbacks
):
    entry = issued.candidate.user.register_entry
    case = register_services.open_case(
        entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on
    )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        order = register_services.make_interim_order(
            case=case,
            by=regulator,
            kind="interim_suspension",
            starts_on=today,
            review_on=today + datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=90),
            reason="Serious concern.",
        )
    suspended = _reference_verify(issued.credential, client)
    assert suspended == {"verified": True, "errors": [], "status": {"revocation": False, "suspension": True}}
    assert credentials.check_credential(issued.credential).status == "suspended"
    assert "suspended" in client.get(f"/verify/{issued.code}").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        register_services.revoke_order(order=order, by=regulator, reason="Panel found no risk.")
    assert _reference_verify(issued.credential, client)["status"] == NOT_SET
    assert credentials.check_credential(issued.credential).status == "valid"


def test_credentials_signed_before_a_key_rotation_still_verify(issued, client, regulator):
    before = issued.credential
    signing_keys.rotate_key_file(by=regulator)
    after = _issue(regulator).credential
    assert before["proof"][0]["verificationMethod"] != after["proof"][0]["verificationMethod"]
    for credential in (before, after):
        assert _reference_verify(credential, client) == {"verified": True, "errors": [], "status": NOT_SET}
        assert credentials.check_credential(credential).valid


def test_a_compromised_keys_credentials_fail_everywhere_and_ours_by_their_date(issued, client, regulator):
    old = issued.credential
    fragment = old["proof"][0]["verificationMethod"].rsplit("#", 1)[1]
    signing_keys.rotate_key_file(by=regulator)
    signed_at = datetime.datetime.fromisoformat(old["proof"][0]["created"])
    signing_keys.mark_key_compromised(
        fragment=fragment, compromised_from=signed_at, by=regulator, reason="Key file copied off a laptop."
    )
    result = _reference_verify(old, client)  # out of assertionMethod: no verifier accepts it any more
    assert result["verified"] is False
    ours = credentials.check_credential(old)
    assert ours.status == "failed" and "compromised" in ours.reasons[0]
