"""Hostile credentials: a forged value placed before the signed one, a document nested a thousand deep, a file too
large. Each is refused with its reason, on the page and in the API, and what is shown is what was checked."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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


def test_the_page_shows_the_values_it_checked_not_the_database_copy(client, accreditation):
    signed_name = accreditation.credential["credentialSubject"]["identifier"][0]["identityHash"]
    type(accreditation).objects.filter(pk=accreditation.pk).update(name="Changed Since Signing")
    page = client.post("/verify/credential/", {"credential": json.dumps(accreditation.credential)}).content.decode()
    assert "Valid credential" in page
    assert signed_name in page and "Changed Since Signing" not in page
    api = client.post(
        "/api/v1/accreditation/verify/", {"credential": accreditation.credential}, content_type="application/json"
    ).json()
    assert api["status"] == "valid" and api["accreditation"]["name"] == signed_name


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
