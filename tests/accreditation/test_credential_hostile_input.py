"""Hostile credentials: a forged value placed before the signed one, a document nested a thousand deep, a file too
large. Each is refused with its reason, on the page and in the API, and what is shown is what was checked."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation.services import credentials

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000 + "]" * 1000


def _with_forged_subject_first(credential: dict) -> str:
    """The credential's text with a second ``credentialSubject`` (another person's name) before the genuine one:
    a reader sees the first, Python's parser keeps the last."""
    genuine = json.dumps(credential)
    forged = json.loads(json.dumps(credential["credentialSubject"]))
    forged["identifier"][0]["identityHash"] = "Someone Else"
    return genuine.replace(
        '"credentialSubject":', f'"credentialSubject": {json.dumps(forged)}, "credentialSubject":', 1
    )


def test_a_forged_value_before_the_genuine_one_fails_on_the_page(client, accreditation):
    text = _with_forged_subject_first(accreditation.credential)
    assert json.loads(text)["credentialSubject"] == accreditation.credential["credentialSubject"]  # the trap is real
    page = client.post("/verify/credential/", {"credential": text}).content.decode()
    assert "This credential failed the check" in page
    assert "“credentialSubject” twice" in page
    # Neither the confirmation panel nor any facts: only the pasted text, given back in its box to correct.
    assert "govuk-panel--confirmation" not in page and "govuk-summary-list" not in page


def test_a_forged_value_before_the_genuine_one_fails_in_the_api(client, accreditation):
    text = _with_forged_subject_first(accreditation.credential)
    as_text = client.post("/api/v1/accreditation/verify/", {"credential": text}, content_type="application/json")
    assert as_text.status_code == 200 and as_text.json()["status"] == "failed"
    assert "twice" in as_text.json()["reasons"][0]
    # The same credential sent as the body's own JSON: the body is refused whole.
    body = '{"credential": ' + text + "}"
    as_body = client.post("/api/v1/accreditation/verify/", body, content_type="application/json")
    assert as_body.status_code == 400 and "twice" in as_body.json()["detail"]


def test_the_page_shows_the_values_it_checked_and_refuses_any_that_differ_from_our_record(client, accreditation):
    """The facts shown are the credential's own; a credential whose values are not what we recorded (either side
    changed since signing) fails, and the record's different value is never shown as if it were checked."""
    signed_name = accreditation.credential["credentialSubject"]["identifier"][0]["identityHash"]
    page = client.post("/verify/credential/", {"credential": json.dumps(accreditation.credential)}).content.decode()
    assert "Valid credential" in page and signed_name in page
    type(accreditation).objects.filter(pk=accreditation.pk).update(name="Changed Since Signing")
    page = client.post("/verify/credential/", {"credential": json.dumps(accreditation.credential)}).content.decode()
    assert "This credential failed the check" in page and "is not what we issued" in page
    assert "Changed Since Signing" not in page
    api = client.post(
        "/api/v1/accreditation/verify/", {"credential": accreditation.credential}, content_type="application/json"
    ).json()
    assert api["status"] == "failed" and api["accreditation"] is None


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_a_thousand_deep_document_is_refused_with_the_reason_on_the_page(client, how):
    if how == "pasted":
        response = client.post("/verify/credential/", {"credential": NESTED})
    else:
        response = client.post("/verify/credential/", {"file": SimpleUploadedFile("c.json", NESTED.encode())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This credential failed the check" in page and "nested too deeply" in page


@pytest.mark.parametrize("body", [NESTED, '{"credential": ' + NESTED + "}"])
def test_a_thousand_deep_body_is_a_400_with_the_reason_in_the_api(client, body):
    response = client.post("/api/v1/accreditation/verify/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_thousand_deep_credential_as_text_fails_with_the_reason_in_the_api(client):
    response = client.post("/api/v1/accreditation/verify/", {"credential": NESTED}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "failed" and "nested too deeply" in response.json()["reasons"][0]


def test_a_code_with_a_trailing_slash_or_as_printed_reaches_its_certificate(client, accreditation):
    printed = accreditation.code_for_reading  # groups of four
    for pasted in (f"/verify/{accreditation.code}/", f"/verify/{printed}", f"/verify/{printed.lower()}/"):
        page = client.get(pasted, follow=True)
        assert page.redirect_chain[-1] == (f"/verify/{accreditation.code}", 301), pasted
        assert page.status_code == 200 and accreditation.registration_number in page.content.decode()


def test_checks_by_code_are_throttled_with_a_page_that_says_so(client, accreditation, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "verify_page": "3/min"}
    )
    answers = [client.get(f"/verify/{accreditation.code}").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get(f"/verify/{accreditation.code}")
    assert "Too many tries" in refused.content.decode() and int(refused["Retry-After"]) > 0


# --- JSON-LD tricks against the RDF signature (eddsa-rdfc-2022) ---------------------------------------------------

OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def _rdfc_issued(regulator):
    from accreditation.services import decision

    from .certification_factories import CandidateAtDecisionFactory

    return decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator), by=regulator, reason="Checked."
    )


def test_a_name_dressed_up_around_the_signed_one_is_refused(regulator):
    """A local context can move the signed name to a full-IRI key and show another under the familiar key, with
    the same RDF: the check refuses nested contexts, and any value that differs from what we issued."""
    issued = _rdfc_issued(regulator)
    forged = json.loads(json.dumps(issued.credential))
    identities = forged["credentialSubject"]["identifier"]
    i = next(k for k, item in enumerate(identities) if item["identityType"] == "name")
    identities[i] = {
        "@context": {
            "identityType": {"@id": OB_VOCAB + "identityType"},
            "identityHash": "@index",
            "hashed": {"@id": OB_VOCAB + "hashed", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
        },
        "type": OB_VOCAB + "IdentityObject",
        "identityType": "name",
        "hashed": False,
        OB_VOCAB + "identityHash": identities[i]["identityHash"],
        "identityHash": "Mallory Evil",
    }
    result = credentials.check_credential(json.dumps(forged))
    assert result.status == "failed" and result.facts is None
    assert "@context" in result.reasons[0]


def test_a_list_that_would_take_minutes_to_canonicalise_is_refused_at_once(regulator, django_assert_max_num_queries):
    issued = _rdfc_issued(regulator)
    for shape in ({"@list": ["x"] * 900}, ["x"] * 900, "_:b0"):
        heavy = json.loads(json.dumps(issued.credential))
        heavy["credentialSubject"]["achievement"]["description"] = shape
        result = credentials.check_credential(json.dumps(heavy))
        assert result.status == "failed", shape


def test_a_list_where_a_word_belongs_fails_cleanly(regulator):
    issued = _rdfc_issued(regulator)
    odd = json.loads(json.dumps(issued.credential))
    odd["credentialSubject"]["identifier"][0]["identityType"] = ["name"]
    assert credentials.check_credential(json.dumps(odd)).status == "failed"


def test_a_forgery_with_a_compromised_key_dated_before_the_compromise_is_refused(settings, tmp_path, regulator):
    """Whoever holds a leaked key can date what they sign before the leak: only our own copy still checks."""
    import datetime

    from django.utils import timezone

    from accreditation.services import signing_keys

    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "key.pem"
    issued = _rdfc_issued(regulator)
    leaked = signing_keys.signing_key()
    fragment = signing_keys.current_key_record().fragment
    signing_keys.rotate_key_file(by=regulator)
    signing_keys.mark_key_compromised(
        fragment=fragment, compromised_from=timezone.now(), by=regulator, reason="Leaked."
    )
    assert credentials.check_credential(issued.credential).valid  # the copy we issued
    unsigned = {k: v for k, v in issued.credential.items() if k != "proof"}
    unsigned["validFrom"] = "2020-01-01T00:00:00Z"
    options = {**issued.credential["proof"][0]}
    options.pop("proofValue")
    options["created"] = (timezone.now() - datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    forged = {
        **unsigned,
        "proof": [
            {
                **options,
                "proofValue": "z" + signing_keys.b58encode(leaked.sign(credentials._hash_data(unsigned, options))),
            }
        ],
    }
    result = credentials.check_credential(forged)
    assert result.status == "failed"
