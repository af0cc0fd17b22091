"""Every allauth page the product can reach is a GOV.UK page: sentence case, no placeholders, errors name the field."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-bogus/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/bogus/",
    "/accounts/inactive/",
]
SIGNED_IN = [
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/reauthenticate/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]
# allauth's own wording: Title Case headings and buttons, and its templates' markup.
TITLE_CASE = re.compile(
    r"Sign In|Sign Up|Sign Out|Password Reset|Reset My Password|Change Password|Confirm Access|Email Addresses"
    r"|Two-Factor Authentication|Authenticator App|Recovery Codes|Make Primary|Re-send Verification|Bad Token"
    r"|Forgot your password\?|Confirm Email Address|Current Password|New Password|Password \(again\)"
)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _assert_govuk_page(response, url):
    assert response.status_code == 200, url
    main = _main(response)
    assert main.count('<h1 class="govuk-') == 1, f"{url} has no single GOV.UK heading"
    assert not TITLE_CASE.search(main), f"{url}: {TITLE_CASE.search(main).group(0)!r} is not sentence case"
    assert "placeholder=" not in main, f"{url} has a placeholder"
    for button in re.findall(r"<button[^>]*>", main):
        assert "govuk-button" in button, f"{url}: {button}"
    for label in re.findall(r"<label[^>]*>", main):
        assert "govuk-label" in label, f"{url}: {label}"


@pytest.mark.parametrize("url", SIGNED_OUT)
def test_signed_out_pages_are_govuk_pages(client, url):
    _assert_govuk_page(client.get(url), url)


@pytest.fixture
def with_codes(db):
    user = make_user(Role.REGULATOR_STAFF)
    RecoveryCodes.activate(user)
    return user


def _sign_in_with_code(client, user):
    """Through the real pages, so allauth records both the password and the code (no reauthentication asked)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(TEST_TOTP_SECRET, counters[len(counters) // 2]))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_pages_are_govuk_pages(client, with_codes, url):
    from tests.factories import TEST_PASSWORD

    _sign_in_with_code(client, with_codes)
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        # Removing the authenticator asks for the password again first; that page is checked in its own row.
        client.post(response["Location"], {"password": TEST_PASSWORD})
        response = client.get(url)
    _assert_govuk_page(response, url)


def test_set_up_authenticator_page_is_a_govuk_page(client):
    user = make_user(Role.SOCIAL_WORKER, with_mfa=False)
    from tests.factories import TEST_PASSWORD

    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    _assert_govuk_page(client.get(asked["Location"]), "reauthenticate")
    client.post(asked["Location"], {"password": TEST_PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    _assert_govuk_page(response, "activate")
    assert "Set up an authenticator app" in _main(response)
    assert "Setup key" in _main(response)


def test_sign_in_button_and_blank_form_name_each_field(client):
    page = client.get("/accounts/login/").content.decode()
    assert ">Sign in</button>" in page
    response = client.post("/accounts/login/", {"login": "", "password": ""})
    html = response.content.decode()
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html
    assert 'href="#id_login">Enter your email address</a>' in html
    assert 'href="#id_password">Enter your password</a>' in html
    assert "This field is required" not in html


def test_wrong_password_says_what_to_do(client):
    user = make_user(Role.SOCIAL_WORKER)
    response = client.post("/accounts/login/", {"login": user.email, "password": "not-it-at-all"})
    assert "Enter the email address and password for your account" in response.content.decode()


def test_wrong_two_factor_code_says_what_to_do(client):
    from tests.factories import TEST_PASSWORD

    user = make_user(Role.REGULATOR_STAFF)
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    html = response.content.decode()
    assert "The code is not right" in html
    assert "Incorrect code" not in html
    assert Authenticator.objects.filter(user=user).exists()


def test_sign_up_blank_form_names_each_field(client):
    html = client.post("/accounts/signup/", {}).content.decode()
    assert "Enter your email address" in html
    assert "Create a password" in html
    assert "This field is required" not in html
