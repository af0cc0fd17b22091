"""The decision, certificate, credential and revocation services: every guard refuses, every effect happens."""

import datetime
import io
import json

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.models import Job, Role
from accounts.services import ServiceError
from accreditation.models import Accreditation, Candidate
from accreditation.services import certificates, credentials, decision, signing_keys
from regulation import selectors as register
from regulation import services as register_services
from regulation.models import Annotation
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")


@pytest.fixture
def at_decision(now, regulator):
    return CandidateAtDecisionFactory(regulator=regulator)


def _annotations(candidate):
    entry = register.entry_by_number(candidate.registration_number)
    return list(Annotation.objects.filter(entry=entry, kind="accredited_practitioner"))


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the certificate job, emails), as the worker would after it."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_confirming_accredits_annotates_the_register_and_makes_the_certificate(at_decision, regulator, run_jobs):
    a = run_jobs(
        lambda: decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="All evidence checked.")
    )
    at_decision.refresh_from_db()
    assert at_decision.stage == Candidate.Stage.ACCREDITED and at_decision.status == Candidate.Status.ACCREDITED
    assert a.confirmed_by == regulator and not a.confirmed_by_rules
    assert a.name == "Sam Okafor" and a.registration_number == at_decision.registration_number
    (annotation,) = _annotations(at_decision)
    assert annotation.ends_on is None
    assert register.practice_standing([at_decision.user_id])[at_decision.user_id]["accredited"] == ["practitioner"]
    # The worker (eager in tests) made, stored and emailed the certificate.
    a.refresh_from_db()
    assert a.certificate and a.certificate_made_at and len(a.certificate_sha256) == 64
    job = Job.objects.get(kind="accreditation_certificate")
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100 and job.created_by == regulator
    [confirmed, ready] = mail.outbox  # the decision, then the certificate once the worker has made it
    assert confirmed.to == ready.to == [at_decision.user.email]
    assert confirmed.subject == "You are accredited as Approved Child and Family Practitioner"
    assert a.code_for_reading in ready.body and f"/verify/{a.code}" in ready.body


def test_certificate_pdf_names_the_person_level_date_and_code(at_decision, regulator):
    a = decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")
    text = _pdf_text(certificates.render_certificate(a))
    assert "Sam Okafor" in text
    assert "Approved Child and Family Practitioner" in text
    assert at_decision.registration_number in text
    assert a.code_for_reading in text
    assert a.awarded_on.strftime("%-d %B %Y") in text


def test_certificate_carries_a_qr_code_inline_pointing_at_the_verify_page(at_decision, regulator, settings):
    a = decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")
    context = certificates.certificate_context(a)
    assert context["verify_url"] == f"{settings.SITE_URL}/verify/{a.code}"
    assert context["qr"].startswith("data:image/svg+xml")
    import segno

    assert context["qr"] == segno.make(context["verify_url"], error="m").svg_data_uri(scale=4, border=2)


def test_making_the_certificate_again_gives_the_same_content_and_code(at_decision, regulator, run_jobs):
    a = run_jobs(lambda: decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked."))
    a.refresh_from_db()
    first_sha, code = a.certificate_sha256, a.code
    again = run_jobs(lambda: certificates.issue_certificate(accreditation=a))
    assert again.code == code
    assert again.certificate_sha256 == first_sha  # byte for byte the same PDF
    assert [m.subject for m in mail.outbox].count(mail.outbox[-1].subject) == 1  # emailed once, not on every remake
    assert "certificate" in mail.outbox[-1].subject


def test_verification_codes_are_random_and_long():
    codes = {decision.new_code() for _ in range(200)}
    assert len(codes) == 200
    import base64

    # 32 characters of base 32 carry 160 random bits (20 bytes); no two of 200 alike.
    assert all(len(c) == 32 and len(base64.b32decode(c)) == 20 for c in codes)


def test_cannot_confirm_a_stage_not_passed(now, regulator):
    for stage in (Candidate.Stage.ENDORSEMENT, Candidate.Stage.KNOWLEDGE, Candidate.Stage.OBSERVATION):
        c = CandidateAtDecisionFactory(regulator=regulator, stage=stage)
        with pytest.raises(ServiceError, match="Every stage must be passed first"):
            decision.confirm_accreditation(candidate=c, by=regulator, reason="Too soon.")
    assert not Accreditation.objects.exists()


def test_cannot_confirm_twice_or_a_closed_candidacy(at_decision, regulator):
    decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")
    with pytest.raises(ServiceError, match="already been confirmed"):
        decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Again.")
    withdrawn = CandidateAtDecisionFactory(regulator=regulator, status=Candidate.Status.WITHDRAWN)
    with pytest.raises(ServiceError, match="not in progress"):
        decision.confirm_accreditation(candidate=withdrawn, by=regulator, reason="Checked.")
    assert Accreditation.objects.count() == 1


def test_confirming_needs_a_reason_and_a_practising_registrant(at_decision, regulator):
    with pytest.raises(ServiceError, match="Give the reason"):
        decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="  ")
    entry = register.entry_by_number(at_decision.registration_number)
    register_services.remove_voluntarily(entry=entry, by=regulator, reason="Retired.")
    with pytest.raises(ServiceError, match="practising registered"):
        decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")


def test_the_rules_confirm_when_the_setting_says_so(at_decision, settings, run_jobs):
    settings.ACCREDITATION_CONFIRM_BY_RULES = []
    assert decision.after_stages_passed(candidate=at_decision) is None
    assert not Accreditation.objects.exists()
    settings.ACCREDITATION_CONFIRM_BY_RULES = ["practitioner"]
    a = run_jobs(lambda: decision.after_stages_passed(candidate=at_decision))
    assert a.confirmed_by_rules and a.confirmed_by is None
    assert _annotations(at_decision)[0].ends_on is None
    a.refresh_from_db()
    assert a.certificate  # the job ran, owned by the holder
    assert Job.objects.get(kind="accreditation_certificate").created_by == at_decision.user


def test_the_rules_do_not_confirm_a_stage_not_passed(now, regulator, settings):
    settings.ACCREDITATION_CONFIRM_BY_RULES = ["practitioner"]
    c = CandidateAtDecisionFactory(regulator=regulator, stage=Candidate.Stage.OBSERVATION)
    assert decision.after_stages_passed(candidate=c) is None
    assert not Accreditation.objects.exists()


# --- The signed credential ----------------------------------------------------------------------------------------


@pytest.fixture
def accreditation(at_decision, regulator):
    return decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")


def test_credential_is_an_open_badge_signed_with_our_published_key(accreditation, settings):
    c = accreditation.credential
    assert c["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert c["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert c["issuer"]["id"] == f"{settings.SITE_URL}/credentials/issuer"
    assert c["validFrom"].startswith(accreditation.awarded_on.isoformat())
    assert c["credentialSubject"]["achievement"]["name"] == "Approved Child and Family Practitioner"
    identities = {i["identityType"]: i["identityHash"] for i in c["credentialSubject"]["identifier"]}
    assert identities == {"name": "Sam Okafor", "identifier": accreditation.registration_number}
    [proof] = c["proof"]  # a proof set of one, the Open Badges 3.0 schema's form
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"  # the suite Open Badges 3.0 names
    methods = {m["id"]: m for m in credentials.issuer_profile()["verificationMethod"]}
    assert proof["verificationMethod"] in methods
    assert [k["kid"] for k in credentials.jwks()["keys"]] == [proof["verificationMethod"]]
    assert [s["statusPurpose"] for s in c["credentialStatus"]] == ["revocation", "suspension"]
    assert credentials.check_credential(json.dumps(c)).status == "valid"


def test_signature_checks_with_the_published_jwk_alone(accreditation):
    """An outside verifier needs only the JWKS: rebuild the key from it and check the signature."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    jwk = credentials.jwks()["keys"][0]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    c = accreditation.credential
    [proof] = c["proof"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    public.verify(signing_keys.b58decode(proof["proofValue"][1:]), credentials._hash_data(c, options))


def test_signing_again_gives_the_same_credential(accreditation):
    assert credentials.signed_credential(accreditation) == accreditation.credential


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"), "signature does not"),
        (lambda c: c["credentialSubject"]["achievement"].update(name="Practice Leader"), "signature does not"),
        (lambda c: c.update(validFrom="2020-01-01T00:00:00Z"), "signature does not"),
        (lambda c: c["proof"][0].update(proofValue="z" + "1" * 80), "signature does not"),
        (lambda c: c["proof"][0].update(created="yesterday"), "no valid date"),
        (lambda c: c.update(proof=[]), "no signature"),
        (lambda c: c.update(proof=c["proof"] * 5), "more signatures"),
        (lambda c: c["credentialStatus"][0].update(statusListIndex="1"), "signature does not"),
        (lambda c: c.update({"@context": [*c["@context"], "https://evil.example/ctx"]}), "other JSON-LD contexts"),
        (lambda c: c["credentialSubject"].update(evidence=[{"narrative": "x"}] * 70), "more than 64 parts"),
        (lambda c: c["credentialSubject"].update(note="Also accredited as a Practice Leader"), "do not define"),
        (lambda c: c["credentialSubject"].update({"@comment": "Unsigned words"}), "keyword @comment"),
        (lambda c: c["issuer"].update({"@context": "https://evil.example/ctx", "name": "x"}), "keyword @context"),
        (lambda c: c.pop("proof"), "no signature"),
        (lambda c: c["issuer"].update(id="https://evil.example/issuer"), "not issued by"),
        (lambda c: c.update(type=["VerifiableCredential"]), "not an Open Badges"),
        (lambda c: c["proof"][0].update(verificationMethod="https://evil.example/#k"), "not one of our published keys"),
    ],
)
def test_a_tampered_credential_fails_with_the_reason(accreditation, change, reason):
    tampered = json.loads(json.dumps(accreditation.credential))
    change(tampered)
    result = credentials.check_credential(json.dumps(tampered))
    assert result.status == "failed"
    assert reason in result.reasons[0]


def test_a_credential_signed_with_another_key_fails(accreditation):
    """A forger signs with a key of their own and names ours."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = json.loads(json.dumps(accreditation.credential))
    [proof] = forged.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    signature = Ed25519PrivateKey.generate().sign(credentials._hash_data(forged, options))
    forged["proof"] = [{**options, "proofValue": "z" + signing_keys.b58encode(signature)}]
    result = credentials.check_credential(forged)
    assert result.status == "failed" and "signature does not match" in result.reasons[0]


def test_not_json_is_refused_with_the_reason():
    assert "not valid JSON" in credentials.check_credential("{not json").reasons[0]
    assert "one JSON object" in credentials.check_credential("[1, 2]").reasons[0]


def test_development_key_is_made_once_under_var_and_readable_by_its_owner_only(settings, tmp_path):
    import os

    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "key.pem"
    first = signing_keys.fragment_for(credentials.signing_key().public_key())
    assert os.stat(tmp_path / "key.pem").st_mode & 0o777 == 0o600
    assert signing_keys.fragment_for(credentials.signing_key().public_key()) == first


def test_production_never_makes_its_own_key(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    with pytest.raises(ImproperlyConfigured):
        credentials.signing_key()
    assert not (tmp_path / "missing.pem").exists()


def test_key_from_the_environment_setting(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    settings.CREDENTIAL_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "unused.pem"
    assert credentials.signing_key().public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    assert not (tmp_path / "unused.pem").exists()


# --- Revocation ---------------------------------------------------------------------------------------------------


def test_revoking_ends_the_annotation_and_every_check_says_revoked(accreditation, regulator, time_machine):
    time_machine.shift(datetime.timedelta(days=30))
    candidate = accreditation.candidate
    decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Found to have cheated.")
    accreditation.refresh_from_db()
    assert accreditation.is_revoked and accreditation.revoked_by == regulator
    (annotation,) = _annotations(candidate)
    assert annotation.ends_on is not None and "cheated" in annotation.end_reason
    assert register.practice_standing([candidate.user_id])[candidate.user_id]["accredited"] == []
    result = credentials.check_credential(accreditation.credential)
    assert result.status == "revoked" and "revoked on" in result.reasons[0]


def test_revoking_needs_a_reason_and_happens_once(accreditation, regulator):
    with pytest.raises(ServiceError, match="Give the reason"):
        decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="")
    decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Error.")
    with pytest.raises(ServiceError, match="already been revoked"):
        decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Again.")


def test_a_removal_order_revokes_the_accreditation(accreditation, regulator):
    entry = register.entry_by_number(accreditation.registration_number)
    today = datetime.date.today()
    case = register_services.open_case(
        entry=entry, by=regulator, concern="Serious misconduct.", source="Employer", received_on=today
    )
    register_services.record_outcome(case=case, by=regulator, outcome="removal", reason="Struck off by panel.")
    accreditation.refresh_from_db()
    assert accreditation.is_revoked
    assert "Removed from the register" in accreditation.revoked_reason
    assert _annotations(accreditation.candidate)[0].ends_on is not None
    assert credentials.check_credential(accreditation.credential).status == "revoked"


def test_other_outcomes_leave_the_accreditation_alone(accreditation, regulator):
    entry = register.entry_by_number(accreditation.registration_number)
    today = datetime.date.today()
    case = register_services.open_case(
        entry=entry, by=regulator, concern="Late records.", source="Employer", received_on=today
    )
    register_services.record_outcome(
        case=case,
        by=regulator,
        outcome="warning",
        reason="Warning.",
        expires_on=today + datetime.timedelta(days=365),
    )
    accreditation.refresh_from_db()
    assert not accreditation.is_revoked


# --- Batches ------------------------------------------------------------------------------------------------------


def test_a_cohort_is_made_in_one_job_with_progress(now, regulator, run_jobs):
    made = []
    for _ in range(3):
        c = CandidateAtDecisionFactory(regulator=regulator)
        made.append(decision.confirm_accreditation(candidate=c, by=regulator, reason="Checked."))
    job = run_jobs(lambda: certificates.start_batch(by=regulator, level="practitioner"))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    import zipfile

    with zipfile.ZipFile(job.result_file.open("rb")) as bundle:
        assert sorted(bundle.namelist()) == sorted(certificates.certificate_filename(a) for a in made)
        assert bundle.testzip() is None
        for a in made:
            a.refresh_from_db()
            with a.certificate.open("rb") as stored:
                assert bundle.read(certificates.certificate_filename(a)) == stored.read()
    with pytest.raises(ServiceError, match="No valid accreditations"):
        certificates.start_batch(by=regulator, level="leader")


@pytest.mark.parametrize(
    "document",
    [
        {"type": ["OpenBadgeCredential"], "issuer": ["not", "an", "object"]},
        {"type": "OpenBadgeCredential"},
        {"type": [["OpenBadgeCredential"]]},
    ],
)
def test_odd_shapes_fail_cleanly(document):
    assert credentials.check_credential(document).status == "failed"


def test_odd_proof_values_fail_cleanly(accreditation):
    [ours] = accreditation.credential["proof"]
    for proof in (
        [{**ours, "verificationMethod": ["a", "list"]}],
        [{**ours, "proofValue": 42}],
        [{**ours, "proofValue": "z0OIl"}],  # not base 58
        [{**ours, "created": 20261206}],
        [ours, "a string"],
        "a string",
    ):
        assert credentials.check_credential({**accreditation.credential, "proof": proof}).status == "failed"
