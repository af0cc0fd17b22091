"""The credentials the service issues, checked by a verifier nobody here wrote: Digital Bazaar's reference libraries
(@digitalbazaar/vc with Data Integrity and the eddsa-jcs-2022 cryptosuite), run offline by ``verifier/verify.mjs``
with only the issuer profile the service publishes. Installed by ``make test`` (``npm ci --prefix verifier``)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import Role
from accreditation.services import certificates, credentials, decision
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db

VERIFIER = Path(__file__).resolve().parents[2] / "verifier"


def _reference_verify(credential: dict) -> dict:
    if shutil.which("node") is None or not (VERIFIER / "node_modules").is_dir():
        reason = "the reference verifier is not installed (make test runs npm ci --prefix verifier)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the reference verifier, but {reason}.")
        pytest.skip(reason)
    published = credentials.issuer_profile()  # as served at /credentials/issuer, its only source of the key
    answer = subprocess.run(
        ["node", str(VERIFIER / "verify.mjs")],
        input=json.dumps({"credential": credential, "documents": {published["id"]: published}}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(answer.stdout)


@pytest.fixture
def issued(db):
    """Confirmed today (the reference verifier checks validFrom against the real clock)."""
    regulator = make_user(Role.REGULATOR_STAFF)
    confirmed = decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator), by=regulator, reason="Checked."
    )
    return certificates.issue_certificate(accreditation=confirmed).credential


def test_an_issued_credential_verifies_with_the_reference_libraries(issued):
    assert _reference_verify(issued) == {"verified": True, "errors": []}
    assert credentials.check_credential(issued).valid  # and with ours


def test_a_changed_value_fails_the_reference_check(issued):
    tampered = json.loads(json.dumps(issued))
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    result = _reference_verify(tampered)
    assert result["verified"] is False and "Invalid signature." in result["errors"]


def test_a_proof_without_the_documents_context_fails_the_reference_check(issued):
    """Why the proof carries @context: the signature is the same, but a verifier that rebuilds the proof
    configuration from the proof object (as the specification says) hashes something else without it."""
    as_before = json.loads(json.dumps(issued))
    del as_before["proof"]["@context"]
    assert credentials.check_credential(as_before).valid  # our own check fills it in from the document
    result = _reference_verify(as_before)
    assert result["verified"] is False and "Invalid signature." in result["errors"]
