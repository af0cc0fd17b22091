"""Issue 20's journey as a new user meets it: sign up → find "Apply" from the home page → apply with uploads →
answer the regulator's request → approved → CPD with the GOV.UK date input → bulk lookup on screen. Axe runs on
every page."""

import datetime
import re

import pytest
from django.core import mail

from accounts.models import Role
from regulation.models import Application, RegisterEntry
from tests.e2e.conftest import sign_in
from tests.e2e.govuk import fill_date, fill_evidence_and_declarations
from tests.factories import TEST_PASSWORD as STAFF_PASSWORD
from tests.factories import TEST_TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SPRING = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)
PASSWORD = "a-long-new-password-2027"


def _open(page, path):
    page.visit(path)
    return page


def _submit(page, button):
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    page.check()


def test_new_applicant_finds_apply_sends_evidence_answers_is_registered_records_cpd_and_employer_checks(
    page, time_machine, live_server, settings
):
    time_machine.move_to(SPRING, tick=True)
    settings.SITE_URL = live_server.url  # emails link to the service's address from the settings
    regulator = make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")

    # Sign up and confirm the email address from the email as sent.
    page.visit("/accounts/signup/")
    page.get_by_label("Email address").fill("zoe.bronte@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    _submit(page, "Create account")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.check()
    page.get_by_role("button", name="Confirm email address").click()
    page.wait_for_load_state()
    sign_in(page, "zoe.bronte@example.com", PASSWORD)

    # The home page's next task is a link to apply.
    page.visit("/")
    page.get_by_role("link", name="Apply to register").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Brontë-Smith")
    fill_date(page, "Date of birth", datetime.date(1991, 5, 17))
    page.get_by_label("Home address").fill("2 Park Row, Leeds")
    page.get_by_label("Qualifying course").fill("BA Social Work, University of Leeds")
    fill_date(page, "Date of qualification", datetime.date(2014, 7, 1))
    fill_evidence_and_declarations(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.check()
    # Check your answers: change the address from its Change link, then accept and send.
    assert "2 Park Row, Leeds" in page.inner_text("main")
    page.get_by_role("link", name="Change home address").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("Home address").fill("3 Park Row, Leeds")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.check()
    assert "3 Park Row, Leeds" in page.inner_text("main") and "certificate.pdf" in page.inner_text("main")
    page.screenshot(path="/tmp/register-0-check.png", full_page=True)
    page.get_by_label("I confirm that the information I have given is true and complete").check()
    _submit(page, "Accept and send")
    assert "Application sent" in page.inner_text("h1")
    page.screenshot(path="/tmp/register-1.png", full_page=True)
    assert page.get_by_role("link", name="Your registration").count() == 1  # now in the navigation

    # The regulator asks for more information.
    page.context.clear_cookies()
    sign_in(page, regulator.email, STAFF_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    application = Application.objects.get(email="zoe.bronte@example.com")
    page.visit(f"/register/applications/{application.pk}/")
    assert "certificate.pdf" in page.inner_text("main")
    page.get_by_label("Ask for more information").check()
    page.get_by_label("Reasons").fill("Send the page of your transcript showing placements")
    _submit(page, "Record decision")

    # The applicant answers from "Your application".
    page.context.clear_cookies()
    sign_in(page, "zoe.bronte@example.com", PASSWORD)
    page.visit("/")
    page.get_by_role("link", name="Your application").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("Your answer").fill("Placements: Leeds children's services, 100 days each")
    _submit(page, "Send your answer")

    # Approved. (A little later: a two-factor code is accepted once, so the regulator needs a fresh one.)
    time_machine.move_to(SPRING + datetime.timedelta(minutes=5), tick=True)
    page.context.clear_cookies()
    sign_in(page, regulator.email, STAFF_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit(f"/register/applications/{application.pk}/")
    page.get_by_label("Approve and add to the register").check()
    page.get_by_label("Reasons").fill("Qualification, identity and placements checked")
    _submit(page, "Record decision")
    entry = RegisterEntry.objects.get(email="zoe.bronte@example.com")

    # CPD with the GOV.UK date input: the day, month and year boxes are prefilled with today.
    page.context.clear_cookies()
    sign_in(page, "zoe.bronte@example.com", PASSWORD)
    page.visit("/register/me/cpd/")
    group = page.locator("fieldset", has=page.locator("legend", has_text="Date of the activity"))
    assert group.get_by_label("Year").input_value() == "2027"
    page.get_by_label("Title of the activity").fill("Trauma-informed practice")
    fill_date(page, "Date of the activity", datetime.date(2027, 3, 1))
    page.get_by_label("What you learned").fill("How to hear the child's voice")
    page.get_by_label("The impact on your practice").fill("I plan visits around the child")
    _submit(page, "Save CPD record")
    assert "Trauma-informed practice" in page.inner_text("table")
    page.screenshot(path="/tmp/register-2.png", full_page=True)

    # An employer checks numbers in bulk and sees the results on screen.
    page.context.clear_cookies()
    page.visit("/register/check/bulk/")
    page.get_by_label("Registration numbers").fill(f"{entry.registration_number}\tSW999999, sw 1")
    _submit(page, "Check these numbers")
    results = page.inner_text("main")
    assert "Zoë Brontë-Smith" in results and "Not on the register" in results and "Checked on" in results
    page.screenshot(path="/tmp/register-3.png", full_page=True)

    # People find her as they type her name.
    page.visit("/register/check/?q=bronte")
    assert entry.registration_number in page.inner_text("main")
    page.visit("/register/check/?q=nobodyatall")
    assert "No one on the register matches “nobodyatall”" in page.inner_text("main")
