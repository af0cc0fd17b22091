"""The notification layer: one recorded message per person per event, sent over real SMTP once and only once."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import notifications
from accounts.models import AuditEvent, Notification, Organisation, Role, TurnedOffReminder
from accounts.tasks import send_email, sweep
from tests.factories import OrganisationFactory, make_user
from tests.mailserver import html_of, text_of

pytestmark = pytest.mark.django_db


def _refusal(person):
    application = SimpleNamespace(first_name=person.first_name, decision_reason="Your qualification is not approved.")
    return {"to": [person], "template": "regulation/refused", "context": {"application": application}}


def test_a_message_goes_over_smtp_as_text_and_html_with_a_link_and_is_recorded_and_audited(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SERVICE_NAME = "Social work register (test)"
    person = make_user(Role.SOCIAL_WORKER, first_name="Amara")
    about = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(**_refusal(person), about=about)
    [message] = smtp_server.received.to(person.email)
    assert message["Subject"] == "Your application to register has been refused"
    assert "Dear Amara" in text_of(message) and "Social work register (test)" in text_of(message)
    assert f'<a href="{settings.SITE_URL}/register/application/"' in html_of(message)
    assert "Your qualification is not approved." in html_of(message)
    sent = Notification.objects.get()
    assert sent.status == Notification.Status.SENT and sent.recipient == person and sent.sent_at is not None
    assert (sent.content_type.model_class(), sent.object_id) == (Organisation, str(about.pk))
    assert message["Message-ID"] == notifications._message_id(sent)
    actions = list(AuditEvent.objects.for_object(sent).values_list("action", flat=True))
    assert sorted(actions) == ["message_queued", "message_sent"]


def test_nothing_is_written_or_sent_when_the_change_rolls_back(smtp_server, django_capture_on_commit_callbacks):
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify(**_refusal(person), about=person)
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    assert smtp_server.received.messages == []


def test_the_same_event_about_the_same_record_makes_one_message_per_person(django_capture_on_commit_callbacks):
    a, b = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(**{**_refusal(a), "to": [a, b.email, a.email.upper()]}, about=a)
        notifications.notify(**{**_refusal(a), "to": [a, b]}, about=a)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert Notification.objects.count() == 2
    assert Notification.objects.get(email=b.email).recipient == b  # found by email, so it shows in their messages


def test_a_redelivered_or_repeated_send_task_sends_once(smtp_server, django_capture_on_commit_callbacks):
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        [made] = notifications.notify(**_refusal(person), about=person)
    send_email.delay(notification_id=made.pk)
    send_email.apply(kwargs={"notification_id": made.pk})
    assert notifications.deliver_notification(made.pk) is False
    assert len(smtp_server.received.to(person.email)) == 1
    made.refresh_from_db()
    assert made.attempts == 1


def test_a_worker_that_died_while_sending_is_taken_over_once_its_claim_is_old(smtp_server, settings):
    person = make_user()
    [made] = notifications.notify(**_refusal(person), about=person)  # not committed in this test: no hand-over
    claimed = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS - 10)
    Notification.objects.filter(pk=made.pk).update(status=Notification.Status.SENDING, claimed_at=claimed)
    assert notifications.deliver_notification(made.pk) is False  # another worker may be sending it now
    Notification.objects.filter(pk=made.pk).update(claimed_at=claimed - datetime.timedelta(seconds=20))
    assert notifications.deliver_notification(made.pk) is True
    assert len(smtp_server.received.to(person.email)) == 1


def test_a_broker_outage_delays_messages_and_the_sweep_delivers_each_exactly_once(
    smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_email, "delay", refuse)
    people = [make_user() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            notifications.notify(**_refusal(person), about=person)
    assert smtp_server.received.messages == []
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.QUEUED}
    assert not Notification.objects.filter(handed_over_at__isnull=False).exists()

    monkeypatch.undo()  # the broker is back
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    assert sweep()["messages"] == 3
    assert sweep()["messages"] == 0
    for person in people:
        assert len(smtp_server.received.to(person.email)) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}


def test_a_mail_server_outage_delays_a_message_and_a_later_sweep_sends_it_once(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    person = make_user()
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        [made] = notifications.notify(**_refusal(person), about=person)
    made.refresh_from_db()
    assert made.status == Notification.Status.QUEUED and made.attempts >= 1

    smtp_server.start()
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_REDISPATCH_SECONDS + 1)
    Notification.objects.update(created_at=long_ago, handed_over_at=long_ago)
    assert sweep()["messages"] == 1
    assert sweep()["messages"] == 0
    assert len(smtp_server.received.to(person.email)) == 1
    made.refresh_from_db()
    assert made.status == Notification.Status.SENT


def test_a_reminder_the_person_turned_off_is_recorded_but_not_sent(django_capture_on_commit_callbacks):
    person = make_user()
    TurnedOffReminder.objects.create(user=person, event="regulation/courses/monitoring_reminder")
    monitoring = SimpleNamespace(pk=7, course=SimpleNamespace(title="BA Social Work"), due_on=datetime.date(2027, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            to=[person],
            template="regulation/courses/monitoring_reminder",
            context={"monitoring": monitoring, "provider": SimpleNamespace(name="Uni")},
            about=person,
        )
        notifications.notify(**_refusal(person), about=person)  # a decision: always sent
    assert [m.subject for m in mail.outbox] == ["Your application to register has been refused"]
    assert Notification.objects.get(event="regulation/courses/monitoring_reminder").status == "turned_off"


def test_every_event_template_renders_a_subject_line():
    from django.template.loader import get_template

    for template in notifications.EVENTS:
        assert get_template(f"emails/{template}.txt")


def test_the_sign_up_email_names_the_service_and_links_to_its_address_from_the_settings(
    client, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SERVICE_NAME = "Social work accreditation (staging)"
    settings.SITE_URL = "https://accreditation.example.gov.uk"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "kofi@example.com", "password1": "a-long-new-password", "password2": "a-long-new-password"},
            HTTP_HOST="testserver",
        )
    [message] = smtp_server.received.to("kofi@example.com")
    assert message["Subject"] == "Confirm your email address for Social work accreditation (staging)"
    body = text_of(message)
    assert "create an account on Social work accreditation (staging)." in body
    assert "https://accreditation.example.gov.uk/accounts/confirm-email/" in body
    assert "testserver" not in body and "Please Confirm" not in message["Subject"]
