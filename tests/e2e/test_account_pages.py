"""The sign-in pages as people use them, following only what the pages show: each is a GOV.UK page that passes
axe, in sentence case, with errors that name the field."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _follow(page, role, name):
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()
    page.check()


def test_signed_out_person_reaches_sign_in_reset_and_create_account(page):
    page.visit("/")
    _follow(page, "link", "Sign in")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    _follow(page, "button", "Sign in")  # nothing entered
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter your email address" in summary and "Enter your password" in summary
    assert page.title().startswith("Error: Sign in")
    page.screenshot(path="/tmp/account-sign-in-error.png", full_page=True)
    assert page.locator("[placeholder]").count() == 0
    _follow(page, "link", "I have forgotten my password")
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    page.get_by_label("Email address").fill("someone@example.com")
    _follow(page, "button", "Send the link")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    page.visit("/accounts/login/")
    _follow(page, "link", "Create an account")
    assert page.get_by_role("heading", level=1).inner_text() == "Create an account"
    _follow(page, "button", "Create account")
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()


def test_regulator_manages_password_two_factor_and_recovery_codes_then_signs_out(page):
    regulator = make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")
    codes = RecoveryCodes.activate(regulator)
    sign_in(page, regulator.email, TEST_PASSWORD)
    # The second step takes a recovery code as well as the app's code (a code from a clock is flaky on a busy CI).
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the code from your authenticator app"
    page.get_by_label("Code", exact=True).fill(codes.get_unused_codes()[0])
    _follow(page, "button", "Sign in")
    page.screenshot(path="/tmp/account-home.png", full_page=True)
    _follow(page, "link", "Your account")
    _follow(page, "link", "Change password")
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"
    assert page.get_by_label("Current password").count() == 1
    _follow(page, "link", "Back to your account")
    _follow(page, "link", "Manage two-factor authentication")
    assert page.get_by_role("heading", level=1).inner_text() == "Two-factor authentication"
    page.screenshot(path="/tmp/account-2fa.png", full_page=True)
    _follow(page, "link", "View recovery codes")
    # Seeing the codes asks for the password again first (allauth's reauthentication).
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your password again"
    _follow(page, "button", "Continue")  # nothing entered
    assert "Enter your password" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Password").fill(TEST_PASSWORD)
    _follow(page, "button", "Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    page.screenshot(path="/tmp/account-recovery-codes.png", full_page=True)
    assert page.locator("code").count() == 9  # one was used to sign in
    _follow(page, "button", "Make new codes")  # a link styled and announced as a button
    assert page.get_by_role("heading", level=1).inner_text() == "Make new recovery codes"
    page.visit("/accounts/2fa/")
    _follow(page, "link", "Remove authenticator app")  # the password was given again a moment ago
    assert page.get_by_role("heading", level=1).inner_text() == "Remove your authenticator app"
    page.visit("/")
    _follow(page, "button", "Sign out")  # in the header: a form that posts, as allauth requires
    assert page.get_by_role("link", name="Sign in", exact=True).count() == 1
    assert page.get_by_role("button", name="Sign out").count() == 0
