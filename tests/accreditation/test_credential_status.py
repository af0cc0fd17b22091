"""Published credential status (W3C Bitstring Status List), the key history, and re-issuing old credentials: the
service's rules, its pages and its commands. The reference verifier's view of the same is test_reference_verifier."""

import base64
import datetime
import gzip
import io
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AuditEvent, Job, Role
from accounts.services import ServiceError
from accreditation.models import Accreditation, SigningKey, StatusList
from accreditation.services import credentials, decision, reissue, signing_keys, status_lists
from tests.factories import make_user

from .certification_factories import CandidateAtDecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_key(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    return settings.CREDENTIAL_SIGNING_KEY_FILE


def _confirm(regulator) -> Accreditation:
    return decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator), by=regulator, reason="Checked."
    )


def _bits(encoded: str) -> bytes:
    """Decoded here without the service's code: multibase 'u' (base64url, no padding), then GZIP."""
    assert encoded[0] == "u"
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


# --- Entries and lists ----------------------------------------------------------------------------------------------


def test_status_places_are_random_distinct_and_move_to_a_new_list_when_half_full(own_key, regulator, monkeypatch):
    monkeypatch.setattr(status_lists, "LIST_FILL", 4)
    issued = [_confirm(regulator) for _ in range(6)]
    places = [(a.status_list_number, a.status_list_index) for a in issued]
    assert len(set(places)) == 6
    assert [n for n, _ in places] == [1, 1, 1, 1, 2, 2]
    indexes = [i for _, i in places]
    assert indexes != sorted(indexes) or max(indexes) > 1000  # not handed out in order
    assert all(0 <= i < status_lists.LIST_SIZE for i in indexes)


def test_each_credential_names_both_lists_at_its_place(own_key, regulator):
    a = _confirm(regulator)
    entries = a.credential["credentialStatus"]
    assert [(e["statusPurpose"], e["statusListIndex"]) for e in entries] == [
        ("revocation", str(a.status_list_index)),
        ("suspension", str(a.status_list_index)),
    ]
    assert entries[0]["statusListCredential"].endswith(f"/credentials/status/revocation/{a.status_list_number}")
    assert entries[0]["id"] == f"{entries[0]['statusListCredential']}#{a.status_list_index}"


def test_a_list_is_the_specifications_minimum_size_and_counts_bits_from_the_first_bytes_top(own_key):
    bits = _bits(status_lists.encode({0, 9, status_lists.LIST_SIZE - 1}))
    assert len(bits) == 16 * 1024  # 131,072 entries: the size that hides who is who
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert sum(bin(b).count("1") for b in bits) == 3


def test_revoking_publishes_the_bit_and_publishing_again_changes_nothing(
    own_key, regulator, django_capture_on_commit_callbacks
):
    a = _confirm(regulator)
    status_lists.publish_status_lists()
    before = StatusList.objects.get(number=a.status_list_number, purpose="revocation")
    assert not status_lists.is_set(before.encoded_list, a.status_list_index)
    with django_capture_on_commit_callbacks(execute=True):
        decision.revoke_accreditation(accreditation=a, by=regulator, reason="Obtained by deception.")
    after = StatusList.objects.get(pk=before.pk)
    assert status_lists.is_set(after.encoded_list, a.status_list_index) and after.set_bits == 1
    assert credentials.check_credential(after.credential).status == "failed"  # a list is not an accreditation
    assert status_lists.publish_status_lists() == 0  # nothing changed: nothing re-signed
    assert StatusList.objects.get(pk=before.pk).published_at == after.published_at


def test_the_list_is_served_signed_cacheable_and_conditional(own_key, regulator, client, settings):
    a = _confirm(regulator)
    url = f"/credentials/status/revocation/{a.status_list_number}"
    response = client.get(url)  # not yet published by the worker: published on first request, never a 404
    assert response.status_code == 200
    served = response.json()
    assert served["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert served["issuer"] == signing_keys.issuer_id()
    assert served["credentialSubject"]["statusPurpose"] == "revocation"
    assert served["credentialSubject"]["ttl"] == settings.CREDENTIAL_STATUS_TTL_SECONDS * 1000
    assert served["proof"][0]["verificationMethod"] == a.credential["proof"][0]["verificationMethod"]
    assert response["Cache-Control"] == f"public, max-age={settings.CREDENTIAL_STATUS_TTL_SECONDS}"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    for missing in ("/credentials/status/revocation/99", "/credentials/status/other/1"):
        assert client.get(missing).status_code == 404


def test_an_order_suspending_the_holder_sets_the_suspension_bit_until_it_ends(
    own_key, regulator, django_capture_on_commit_callbacks
):
    from regulation import services as register_services

    a = _confirm(regulator)
    entry = a.candidate.user.register_entry
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
            review_on=today + datetime.timedelta(days=7),
            expires_on=today + datetime.timedelta(days=30),
            reason="Risk to children.",
        )
    listed = StatusList.objects.get(number=a.status_list_number, purpose="suspension")
    assert status_lists.is_set(listed.encoded_list, a.status_list_index)
    assert not status_lists.is_set(
        StatusList.objects.get(number=a.status_list_number, purpose="revocation").encoded_list, a.status_list_index
    )
    with django_capture_on_commit_callbacks(execute=True):
        register_services.revoke_order(order=order, by=regulator, reason="No risk found.")
    listed.refresh_from_db()
    assert not status_lists.is_set(listed.encoded_list, a.status_list_index)


# --- Keys -----------------------------------------------------------------------------------------------------------


def test_a_rotation_keeps_every_key_published_with_its_period(own_key, regulator):
    first = _confirm(regulator)
    old = signing_keys.current_key_record()
    new = signing_keys.rotate_key_file(by=regulator)
    old.refresh_from_db()
    assert old.retired_at == new.active_from and old.retired_by == regulator
    profile = credentials.issuer_profile()
    ids = [m["id"] for m in profile["verificationMethod"]]
    assert ids == [signing_keys.method_id(old.fragment), signing_keys.method_id(new.fragment)]
    assert profile["assertionMethod"] == ids
    jwks = {k["kid"]: k for k in credentials.jwks()["keys"]}
    assert jwks[ids[0]]["valid_until"] == jwks[ids[1]]["valid_from"]
    assert "valid_until" not in jwks[ids[1]]
    second = _confirm(regulator)
    assert second.credential_key == new and first.credential_key == old
    assert (
        credentials.check_credential(first.credential).valid and credentials.check_credential(second.credential).valid
    )


def test_another_process_signs_with_the_new_key_after_a_rotation(own_key, regulator):
    before = signing_keys.fragment_for(signing_keys.signing_key().public_key())
    signing_keys.rotate_key_file(by=regulator)
    assert signing_keys.fragment_for(signing_keys.signing_key().public_key()) != before


def test_a_key_from_the_environment_is_rotated_by_the_operator(settings, regulator, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    settings.CREDENTIAL_SIGNING_KEY = (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    with pytest.raises(ServiceError, match="CREDENTIAL_SIGNING_KEY"):
        signing_keys.rotate_key_file(by=regulator)
    out = io.StringIO()
    call_command("rotate_credential_key", by=regulator.email, write_to=str(tmp_path / "next.pem"), stdout=out)
    assert "Put its contents in CREDENTIAL_SIGNING_KEY" in out.getvalue()
    assert os.stat(tmp_path / "next.pem").st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="exists already"):
        call_command("rotate_credential_key", by=regulator.email, write_to=str(tmp_path / "next.pem"))


def test_a_compromised_key_refuses_what_it_signed_from_then_and_is_recorded(own_key, regulator, time_machine):
    signed_before = _confirm(regulator)
    old = signing_keys.current_key_record()
    with pytest.raises(ServiceError, match="still signs"):
        signing_keys.mark_key_compromised(
            fragment=old.fragment, compromised_from=timezone.now(), by=regulator, reason="Leaked."
        )
    signing_keys.rotate_key_file(by=regulator)
    with pytest.raises(ServiceError, match="reason"):
        signing_keys.mark_key_compromised(
            fragment=old.fragment, compromised_from=timezone.now(), by=regulator, reason=" "
        )
    with pytest.raises(ServiceError, match="future"):
        signing_keys.mark_key_compromised(
            fragment=old.fragment,
            compromised_from=timezone.now() + datetime.timedelta(days=1),
            by=regulator,
            reason="Leaked.",
        )
    signed_at = datetime.datetime.fromisoformat(signed_before.credential["proof"][0]["created"])
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    signing_keys.mark_key_compromised(
        fragment=old.fragment,
        compromised_from=signed_at + datetime.timedelta(seconds=1),
        by=regulator,
        reason="Leaked.",
    )
    assert credentials.check_credential(signed_before.credential).valid  # signed before the compromise
    method = next(m for m in credentials.issuer_profile()["verificationMethod"] if old.fragment in m["id"])
    assert "revoked" in method and method["id"] not in credentials.issuer_profile()["assertionMethod"]
    event = AuditEvent.objects.get(action="compromised")
    assert event.actor == regulator and event.reason == "Leaked."
    with pytest.raises(ServiceError, match="already"):
        signing_keys.mark_key_compromised(fragment=old.fragment, compromised_from=signed_at, by=regulator, reason="x")
    assert reissue.needing_reissue().filter(pk=signed_before.pk).exists()


def test_the_compromise_command_names_the_person_and_takes_dates(own_key, regulator):
    _confirm(regulator)
    old = signing_keys.current_key_record()
    call_command("rotate_credential_key", by=regulator.email, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a regulator staff account"):
        call_command("mark_credential_key_compromised", old.fragment, since="2026-12-01", reason="x", by="no@x.example")
    with pytest.raises(CommandError, match="--from must be"):
        call_command("mark_credential_key_compromised", old.fragment, since="last week", reason="x", by=regulator.email)
    out = io.StringIO()
    call_command(
        "mark_credential_key_compromised",
        signing_keys.method_id(old.fragment),
        since=timezone.now().isoformat(),
        reason="HSM audit found an export.",
        by=regulator.email,
        stdout=out,
    )
    assert "1 credential(s) were signed with it" in out.getvalue()
    assert SigningKey.objects.get(pk=old.pk).compromise_recorded_by == regulator


# --- Re-issuing -----------------------------------------------------------------------------------------------------


def _as_issued_before_status_lists(a: Accreditation) -> Accreditation:
    """What a credential of November 2026 looked like: one proof object, no status, no recorded key."""
    legacy = {k: v for k, v in a.credential.items() if k not in ("credentialStatus", "proof")}
    legacy["proof"] = {k: v for k, v in credentials.sign(legacy, created=a.confirmed_at)["proof"][0].items()}
    Accreditation.objects.filter(pk=a.pk).update(
        credential=legacy, status_list_number=None, status_list_index=None, credential_key=None
    )
    a.refresh_from_db()
    return a


def test_staff_reissue_old_credentials_in_a_job_and_the_record_says_who_and_why(
    own_key, regulator, client, django_capture_on_commit_callbacks
):
    from accreditation.services import certificates

    old = _as_issued_before_status_lists(certificates.issue_certificate(accreditation=_confirm(regulator)))
    before_sha = old.certificate_sha256
    assert credentials.check_credential(old.credential).valid  # old credentials keep verifying with us
    client.force_login(regulator)
    listing = client.get("/accreditation/staff/accreditations/").content.decode()
    assert "1 signed credential cannot show a revocation outside this service. " in listing
    assert "Re-issue it</a>" in listing
    assert "1 to re-issue" in client.get("/").content.decode()  # the next task, on the home page
    refused = client.post("/accreditation/staff/credentials/reissue/", {"reason": ""})
    assert "Enter why the credentials are re-issued" in refused.content.decode()
    assert not Job.objects.filter(kind=reissue.REISSUE_JOB).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the worker, in-process here
        response = client.post("/accreditation/staff/credentials/reissue/", {"reason": "Issued before status lists."})
    job = Job.objects.get(kind=reissue.REISSUE_JOB)
    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100, job.message
    old.refresh_from_db()
    assert old.status_list_index is not None and old.credential_key is not None
    assert [e["statusPurpose"] for e in old.credential["credentialStatus"]] == ["revocation", "suspension"]
    assert credentials.check_credential(old.credential).valid
    assert old.certificate_sha256 != before_sha  # the certificate carries the new credential
    event = AuditEvent.objects.get(action="credential_reissued")
    assert event.actor == regulator and event.reason == "Issued before status lists."
    assert event.changes["previous_key"] and event.changes["key"]
    assert "nothing to re-issue" in client.get("/accreditation/staff/credentials/reissue/").content.decode()


def test_the_reissue_command_starts_the_job(own_key, regulator, django_capture_on_commit_callbacks):
    _as_issued_before_status_lists(_confirm(regulator))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reissue_credentials", reason="Status lists introduced.", by=regulator.email, stdout=out)
    assert "Re-issue 1 signed credential: started" in out.getvalue()
    with pytest.raises(CommandError, match="nothing to re-issue"):
        call_command("reissue_credentials", reason="Again.", by=regulator.email)


def test_only_staff_may_reissue(client, own_key):
    client.force_login(make_user(Role.SOCIAL_WORKER))
    assert client.get("/accreditation/staff/credentials/reissue/").status_code == 403


def test_the_api_reissues_too_and_says_when_nothing_needs_it(
    own_key, regulator, client, django_capture_on_commit_callbacks
):
    legacy = _as_issued_before_status_lists(_confirm(regulator))
    client.force_login(regulator)
    url = "/api/v1/accreditation/credential-reissues/"
    assert client.post(url, {}, "application/json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"reason": "Status lists introduced."}, "application/json")
    assert started.status_code == 201
    assert client.get(f"/api/v1/jobs/{started.json()['id']}/").json()["status"] == "succeeded"
    legacy.refresh_from_db()
    assert legacy.status_list_index is not None
    again = client.post(url, {"reason": "Again."}, "application/json")
    assert again.status_code == 400 and "nothing to re-issue" in json.dumps(again.json())


def test_lists_are_signed_again_when_their_key_stops_signing(own_key, regulator):
    _confirm(regulator)
    status_lists.publish_status_lists()
    signing_keys.rotate_key_file(by=regulator)
    assert status_lists.publish_status_lists() == 2  # the same bits, but the old key no longer signs
    new_method = signing_keys.method_id(signing_keys.current_key_record().fragment)
    assert {row.credential["proof"][0]["verificationMethod"] for row in StatusList.objects.all()} == {new_method}


def test_a_reissue_interrupted_before_its_certificate_is_finished_by_the_next_job(
    own_key, regulator, django_capture_on_commit_callbacks
):
    from accreditation.services import certificates
    from accreditation.services.credentials import credential_from_certificate

    old = _as_issued_before_status_lists(certificates.issue_certificate(accreditation=_confirm(regulator)))
    reissue.reissue_credential(accreditation=old, by=regulator, reason="Status lists.")  # then the worker died
    assert not reissue.needing_reissue().exists()
    assert list(reissue.certificates_behind()) == [old]
    with django_capture_on_commit_callbacks(execute=True):
        reissue.start_reissue(by=regulator, reason="Finish the job.")
    old.refresh_from_db()
    assert not reissue.certificates_behind().exists()
    with old.certificate.open("rb") as handle:
        carried = json.loads(credential_from_certificate(handle.read()))
    assert carried == json.loads(json.dumps(old.credential))  # the certificate carries the re-issued credential
