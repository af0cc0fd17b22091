"""Sign-in: wrong details, lock-out, expired sessions, MFA for the roles that need it, verification."""

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
GENERIC_ERROR = "Enter the email address and password for your account"


def sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_correct_details_sign_in_and_are_audited(client):
    user = make_user(Role.SOCIAL_WORKER)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert AuditEvent.objects.for_object(user).filter(action="signed_in").exists()


def test_wrong_password_gets_a_clear_error_and_does_not_sign_in(client):
    user = make_user(Role.SOCIAL_WORKER)
    response = sign_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert "There is a problem" in response.content.decode()  # GOV.UK error summary
    assert response.content.decode().count("<title>Error: ") == 1
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.last_login is None


def test_unknown_email_gets_the_same_error_as_a_wrong_password(client):
    response = sign_in(client, "nobody-here@example.com", "whatever-password")
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(client):
    user = make_user(Role.SOCIAL_WORKER)
    for _ in range(5):
        sign_in(client, user.email, "wrong-password")
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert "Too many tries to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person's account is not affected by the lock-out.
    other = make_user(Role.SOCIAL_WORKER)
    assert sign_in(client, other.email, TEST_PASSWORD).status_code == 302


def test_lock_out_ends_after_the_window(client):
    user = make_user(Role.SOCIAL_WORKER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            sign_in(client, user.email, "wrong-password")
        assert "Too many" in sign_in(client, user.email, TEST_PASSWORD).content.decode()
        traveller.shift(16 * 60)
        assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302


def test_an_expired_session_signs_out_and_says_why(client, settings):
    user = make_user(Role.SOCIAL_WORKER)
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302
    assert client.get("/account/").status_code == 200
    # The server forgets the session after the idle time; the marker cookie outlives it.
    client.session.flush()
    client.cookies.pop("sessionid", None)
    response = client.get("/account/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "signed out because you had not done anything for a while" in response.content.decode()


def test_sessions_expire_after_inactivity_and_at_browser_close(client, settings, time_machine):
    """The idle expiry slides with use, written at most once a minute (not a database write per page view)."""
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    start = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    user = make_user(Role.SOCIAL_WORKER)
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302
    key = client.cookies["sessionid"].value
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    def expires():
        return Session.objects.get(session_key=key).expire_date

    time_machine.move_to(start + datetime.timedelta(minutes=30), tick=False)
    assert client.get("/account/").status_code == 200
    moved = expires()
    assert moved == start + datetime.timedelta(minutes=30) + age  # used: the expiry moved on
    time_machine.move_to(start + datetime.timedelta(minutes=30, seconds=20), tick=False)
    assert client.get("/account/").status_code == 200
    assert expires() == moved  # twenty seconds later: no write
    time_machine.move_to(start + datetime.timedelta(minutes=31, seconds=1), tick=False)
    assert client.get("/account/").status_code == 200
    assert expires() == start + datetime.timedelta(minutes=31, seconds=1) + age
    # Idle for the whole age: the session has ended.
    time_machine.move_to(start + datetime.timedelta(minutes=31, seconds=2) + age, tick=False)
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.REGULATOR_STAFF])
def test_mfa_is_forced_for_roles_that_need_it(client, role):
    user = make_user(role, with_mfa=False)
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/audit/").status_code == 302
    assert client.get("/api/v1/me/").status_code == 403
    # Setting up an authenticator asks for the password again (allauth's reauthentication), then shows the QR code.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    assert "Set up an authenticator app" in activate.content.decode()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.WORKFORCE_LEAD, Role.COURSE_LEAD, Role.LINE_MANAGER])
def test_mfa_is_optional_for_other_roles(client, role):
    client.force_login(make_user(role, with_mfa=False))
    assert client.get("/").status_code == 200


def test_user_with_mfa_is_asked_for_a_code_after_the_password(client):
    user = make_user(Role.REGULATOR_STAFF)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_up_needs_email_verification_before_sign_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "new.person@example.com", "password1": "a-long-new-password", "password2": "a-long-new-password"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert "new.person@example.com" in mail.outbox[0].to
    assert not EmailAddress.objects.get(email="new.person@example.com").verified
    client.logout()
    assert sign_in(client, "new.person@example.com", "a-long-new-password")["Location"] == "/accounts/confirm-email/"


def test_sign_up_with_every_field_wrong_shows_every_error_and_creates_nobody(client):
    before = User.objects.count()
    response = client.post("/accounts/signup/", {"email": "not-an-email", "password1": "short", "password2": "other"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter an email address in the correct format, like name@example.com" in body
    assert "This password is too short" in body or "You must type the same password each time." in body
    assert User.objects.count() == before


def test_password_reset_sends_an_email_from_the_worker(client, django_capture_on_commit_callbacks):
    user = make_user(Role.SOCIAL_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_email_does_not_reveal_it(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody-here@example.com"})
    assert response.status_code == 302  # same answer as for a real account
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


def _sign_in_from(client, ip, email, password, **headers):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client):
    from django.test import Client

    owner = make_user(Role.REGULATOR_STAFF, with_mfa=False)
    attacker = Client()
    for _ in range(12):
        _sign_in_from(attacker, "203.0.113.9", owner.email, "guessing-wrongly")
    assert "Too many" in _sign_in_from(attacker, "203.0.113.9", owner.email, TEST_PASSWORD).content.decode()
    assert _sign_in_from(client, "198.51.100.7", owner.email, TEST_PASSWORD).status_code == 302


def test_the_pause_backs_off_for_someone_who_keeps_guessing(client):
    user = make_user(Role.SOCIAL_WORKER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            for _ in range(5):
                sign_in(client, user.email, "wrong-password")
            traveller.shift(16 * 60)
        # Twenty wrong in a day: the short window has passed but the day's limit holds.
        assert "Too many" in sign_in(client, user.email, TEST_PASSWORD).content.decode()
        traveller.shift(24 * 60 * 60)
        assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_pause(client, django_capture_on_commit_callbacks, settings):
    import re

    user = make_user(Role.SOCIAL_WORKER)
    for _ in range(5):
        sign_in(client, user.email, "wrong-password")
    assert "Too many" in sign_in(client, user.email, TEST_PASSWORD).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email})
    # The link is on the service's address from the settings, whatever host the request came in on.
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(
        1
    )
    form_url = client.get(link)["Location"]
    new_password = "a-brand-new-long-passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert sign_in(client, user.email, new_password).status_code == 302


def test_the_client_ip_comes_from_the_trusted_proxy_and_cannot_be_spoofed(client, settings):
    from django.test import Client

    user = make_user(Role.SOCIAL_WORKER)
    # No proxy configured: a made-up X-Forwarded-For does not give a fresh allowance.
    for n in range(5):
        _sign_in_from(client, "192.0.2.1", user.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    blocked = _sign_in_from(client, "192.0.2.1", user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert "Too many" in blocked.content.decode()
    # Behind one trusted proxy, people are told apart by the address the proxy saw, not the proxy's own.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    for _ in range(5):
        _sign_in_from(client, "192.0.2.1", user.email, "wrong", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.50")
    spoofed = _sign_in_from(
        client, "192.0.2.1", user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50"
    )
    assert "Too many" in spoofed.content.decode()
    other = _sign_in_from(Client(), "192.0.2.1", user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


def test_too_many_requests_get_the_services_own_page_in_its_language(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    user = make_user(Role.SOCIAL_WORKER)
    sign_in(client, user.email, "wrong-password")
    response = sign_in(client, user.email, TEST_PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="en"' in html and "Too many tries" in html and "/accounts/password/reset/" in html
    assert "_auth_user_id" not in client.session
