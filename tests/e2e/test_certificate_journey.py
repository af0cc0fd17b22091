"""The decision and certificate in a real browser: a candidate who has passed every stage (set up by factories),
regulator staff confirm, the certificate job shows its progress, the PDF is downloaded and read, the public verify
page and the credential check say valid; the social worker finds both on their pathway; regulator staff revoke,
and the verify page and the credential check both say revoked. axe runs on every page."""

import io
import json

import pytest
from pypdf import PdfReader

from accounts.models import Role
from tests.accreditation.certification_factories import CandidateAtDecisionFactory
from tests.e2e.conftest import AccessiblePage, sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _open(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context, AccessiblePage(context.new_page(), live_server.url)


def _click(page, role, name):
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()
    page.check()


def _download(page, name) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def _check_credential(public, credential_text: str) -> str:
    public.visit("/verify/")
    public.get_by_label("Paste the credential").fill(credential_text)
    public.get_by_role("button", name="Check the credential").click()
    public.wait_for_load_state()
    public.check()
    return public.inner_text("main")


def test_confirm_certificate_verify_and_revoke(page, browser, live_server, background_worker):
    regulator = make_user(Role.REGULATOR_STAFF, first_name="Ruth", last_name="Regulator")
    candidate = CandidateAtDecisionFactory(regulator=regulator, first_name="Zoë", last_name="Brontë-Smith")

    # Regulator staff find the decision from their home page and confirm it.
    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/")
    _click(page, "link", "Decisions to confirm")
    assert "Zoë Brontë-Smith" in page.inner_text("main")
    _click(page, "link", "Review and confirm Zoë Brontë-Smith")
    page.screenshot(path="/tmp/certificate-1-confirm.png", full_page=True)
    page.get_by_role("button", name="Confirm accreditation").click()  # no reason: the error names the field
    page.wait_for_load_state()
    page.check()
    assert "Enter why you are confirming this accreditation" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Why you are confirming this accreditation").fill("Endorsement, test and observation checked.")
    page.get_by_role("button", name="Confirm accreditation").click()
    page.wait_for_load_state()

    # The certificate job shows its progress, then the PDF.
    assert page.locator("progress#job-progress").is_visible()
    page.screenshot(path="/tmp/certificate-2-job.png", full_page=True)
    page.check()
    page.get_by_role("heading", name="Ready").wait_for(timeout=60_000)
    page.check()
    pdf = _download(page, "Download certificate-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    # The accreditation's page gives the code, the public link and the credential.
    page.visit("/")
    _click(page, "link", "Accreditations and certificates")
    _click(page, "link", "Zoë Brontë-Smith")
    page.screenshot(path="/tmp/certificate-3-accreditation.png", full_page=True)
    code = page.locator("code").first.inner_text()
    assert len(code.replace("-", "")) == 32
    assert "Zoë Brontë-Smith" in text and "Approved Child and Family Practitioner" in text and code in text
    assert candidate.registration_number in text
    verify_href = page.get_by_role("link", name="Verification page", exact=True).get_attribute("href")
    credential_text = _download(page, "Download the signed credential").decode()
    assert json.loads(credential_text)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

    # Anyone: the verify page and the credential check, without signing in.
    public_context, public = _open(browser, live_server)
    public.visit(verify_href)
    assert "Valid accreditation" in public.inner_text("main")
    assert "Zoë Brontë-Smith" in public.inner_text("main")
    public.screenshot(path="/tmp/certificate-4-verify.png", full_page=True)
    assert "Valid credential" in _check_credential(public, credential_text)
    public.screenshot(path="/tmp/certificate-5-credential.png", full_page=True)
    tampered = credential_text.replace("Brontë-Smith", "Bronte-Smyth")
    assert "The signature does not match" in _check_credential(public, tampered)
    public.visit("/verify/")
    public.get_by_label("Or upload the credential file (.json)").set_input_files(
        {"name": "credential.json", "mimeType": "application/json", "buffer": credential_text.encode()}
    )
    _click(public, "button", "Check the credential")
    assert "Valid credential" in public.inner_text("main")
    public.visit("/verify/AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH")
    assert "We cannot find that certificate" in public.inner_text("main")

    # The social worker finds the certificate and credential on their pathway.
    holder_context, holder = _open(browser, live_server)
    sign_in(holder, candidate.user.email, TEST_PASSWORD)
    holder.visit("/")
    holder.get_by_role("navigation", name="Menu").get_by_role("link", name="Accreditation", exact=True).click()
    holder.wait_for_load_state()
    holder.check()
    assert "Your certificates and credentials" in holder.inner_text("main")
    holder.screenshot(path="/tmp/certificate-6-pathway.png", full_page=True)
    assert _download(holder, "Certificate (PDF)") == pdf

    # Regulator staff revoke; every check then says revoked.
    _click(page, "link", "Revoke this accreditation")
    page.get_by_label("Why the accreditation is revoked").fill("Removed after a fitness to practise hearing.")
    _click(page, "button", "Revoke accreditation")
    assert "Revoked" in page.inner_text("main")
    public.visit(verify_href)
    assert "This accreditation has been revoked" in public.inner_text("main")
    assert "fitness to practise" not in public.inner_text("main")
    public.screenshot(path="/tmp/certificate-7-revoked.png", full_page=True)
    assert "This credential has been revoked" in _check_credential(public, credential_text)
    holder.reload()
    holder.check()
    assert "Revoked" in holder.inner_text("main")

    public.set_viewport_size({"width": 320, "height": 800})
    public.visit(verify_href)
    public.screenshot(path="/tmp/certificate-8-verify-320.png", full_page=True)
    public_context.close()
    holder_context.close()
