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
    assert "Hello from !" not in body and "on ." not in body
    assert f"create an account on {settings.SERVICE_NAME}." in body
    assert mail.outbox[0].subject == f"Confirm your email address for {settings.SERVICE_NAME}"
    assert "&#x27;" not in body


__all__ = ["datetime"]


def test_registrant_employer_and_staff_are_told(django_capture_on_commit_callbacks, regulator, leeds, time_machine):
    from decimal import Decimal

    time_machine.move_to(SPRING, tick=False)
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, email="manager@leeds.example")
    person = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor", email="sam@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for(person)
        services.request_more_information(application=application, by=regulator, request="Certificate please")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.respond_to_request(application=application, by=person, response="Attached")
    assert [m.to for m in mail.outbox] == [[regulator.email]] and "has answered" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.approve_application(application=application, by=regulator, reason="ok")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_employment(
            entry=entry,
            by=person,
            employer=leeds,
            role_title="Social worker",
            started_on=entry.registered_on,
            fte=Decimal("1"),
            contract="permanent",
        )
    assert mail.outbox[-1].to == [manager.email] and "says they work for Leeds" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
        services.record_outcome(
            case=case,
            by=regulator,
            outcome="conditions",
            reason="Panel",
            expires_on=entry.registered_on + datetime.timedelta(days=200),
            conditions=["Supervision"],
        )
    subjects = [m.subject for m in mail.outbox if m.to == [entry.email]]
    assert "An order has been made on your registration" in subjects
    assert "The outcome of the fitness to practise case about you" in subjects
    mail.outbox.clear()
    time_machine.move_to(datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.lapse_unrenewed()
    assert any(m.to == [manager.email] and "has lapsed" in m.subject for m in mail.outbox)
    assert all("&#x27;" not in m.body and "&#x27;" not in m.subject for m in mail.outbox)


def test_renewal_decision_is_emailed(django_capture_on_commit_callbacks, entry, worker, time_machine):
    from .conftest import RENEWAL_OPEN, add_cpd

    time_machine.move_to(RENEWAL_OPEN, tick=False)
    add_cpd(entry, worker, title="One")
    add_cpd(entry, worker, title="Two", peer="")
    with django_capture_on_commit_callbacks(execute=True):
        services.renew_registration(entry=entry, by=worker)
    assert mail.outbox[-1].subject == "Your registration has been renewed"
    assert "30 November 2028" in mail.outbox[-1].body
