"""Issue 20 item 10: every email read as sent: plain text, not HTML-escaped, and naming the service."""

import datetime

import pytest
from django.core import mail

from accounts.models import Role
from regulation import services
from tests.factories import make_user

from .conftest import SPRING, apply_for

pytestmark = pytest.mark.django_db


def _sent(capture, call):
    with capture(execute=True):
        result = call()
    return result


def test_register_emails_are_plain_text_as_sent(django_capture_on_commit_callbacks, regulator, time_machine):
    time_machine.move_to(SPRING, tick=False)
    person = make_user(Role.SOCIAL_WORKER, first_name="D'Arcy", last_name="O'Neill", email="s.oneill@example.com")
    application = _sent(django_capture_on_commit_callbacks, lambda: apply_for(person))
    _sent(
        django_capture_on_commit_callbacks,
        lambda: services.request_more_information(
            application=application, by=regulator, request="Send your certificate & the transcript's first page"
        ),
    )
    services.respond_to_request(application=application, by=person, response="Sent")
    _sent(
        django_capture_on_commit_callbacks,
        lambda: services.approve_application(application=application, by=regulator, reason="Checked & approved"),
    )
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert "&amp;" not in message.body and "&#x27;" not in message.body and "&quot;" not in message.body
        assert "&amp;" not in message.subject and "&#x27;" not in message.subject
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "certificate & the transcript's first page" in bodies
    assert "Dear D'Arcy" in bodies


def test_sign_up_email_names_the_service(client, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "o'brien@example.com", "password1": "a-long-new-password", "password2": "a-long-new-password"},
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Hello from !" not in body
    assert f"Hello from {settings.SERVICE_NAME}!" in body
    assert "&#x27;" not in body


__all__ = ["datetime"]
