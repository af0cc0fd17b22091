"""Accreditation tells people what happened, over real SMTP: endorsement asked, given or declined; the decision
confirmed; a revocation. Each link leads to the page that acts, and a broker outage delays but never loses or
doubles a message."""

import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Notification, Role
from accounts.tasks import send_email, sweep
from accreditation import services
from accreditation.models import Level
from accreditation.services import certificates, decision
from tests.factories import make_user
from tests.mailserver import links_in, text_of

from .certification_factories import CandidateAtDecisionFactory
from .conftest import map_all

pytestmark = pytest.mark.django_db


def _path(url, settings):
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]


def test_asking_for_endorsement_emails_each_manager_a_link_to_the_page_where_they_endorse(
    worker, manager, leeds, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    second = make_user(Role.LINE_MANAGER, organisation=leeds, email="second.manager@leeds.example")
    with django_capture_on_commit_callbacks(execute=True):
        candidate = services.request_endorsement(user=worker, level=Level.PRACTITIONER, organisation=leeds)
    assert smtp_server.received.to(worker.email) == []  # they asked: only the managers are told
    for person in (manager, second):
        [message] = smtp_server.received.to(person.email)
        assert message["Subject"] == "Sam Okafor asks you to endorse them for accreditation"
        assert "Leeds City Council" in text_of(message)
        [url] = links_in(message)
        client.force_login(person)
        page = client.get(_path(url, settings))
        assert page.status_code == 200
        assert "Endorse" in page.content.decode()
    assert candidate.pk


def test_endorsement_given_and_declined_each_reach_the_worker_once_with_the_reasons(
    nominated, worker, manager, leeds, smtp_server, django_capture_on_commit_callbacks
):
    assert [m["Subject"] for m in smtp_server.received.to(worker.email)] == []  # nominated outside a commit
    map_all(nominated, manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(candidate=nominated, by=manager, reason="Consistently strong practice.")
    [endorsed] = smtp_server.received.to(worker.email)
    assert (
        endorsed["Subject"]
        == "Your employer has endorsed you for accreditation as Approved Child and Family Practitioner"
    )

    with django_capture_on_commit_callbacks(execute=True):
        other = services.nominate(manager=manager, user=worker, level=Level.SUPERVISOR, organisation=leeds)
        services.decline(candidate=other, by=manager, reason="Lead a team for a year first.")
    subjects = [m["Subject"] for m in smtp_server.received.to(worker.email)]
    assert subjects[1:] == [
        "You have been put forward for accreditation as Practice Supervisor",
        "Your employer has not endorsed you for accreditation as Practice Supervisor",
    ]
    assert "Lead a team for a year first." in text_of(smtp_server.received.to(worker.email)[-1])


def test_the_decision_and_a_revocation_are_told_to_the_holder_with_a_link_to_their_accreditation(
    now, regulator, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    candidate = CandidateAtDecisionFactory(regulator=regulator)
    with django_capture_on_commit_callbacks(execute=True):
        accreditation = decision.confirm_accreditation(candidate=candidate, by=regulator, reason="Checked.")
    holder = candidate.user
    confirmed = smtp_server.received.to(holder.email)[0]
    assert confirmed["Subject"] == "You are accredited as Approved Child and Family Practitioner"
    client.force_login(holder)
    assert client.get(_path(links_in(confirmed)[0], settings)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Obtained by deception.")
    revoked = smtp_server.received.to(holder.email)[-1]
    assert revoked["Subject"] == "Your accreditation as Approved Child and Family Practitioner has been revoked"
    assert "Obtained by deception." in text_of(revoked)
    events = list(Notification.objects.filter(recipient=holder).values_list("event", flat=True))
    assert "accreditation/revoked" in events and "accreditation/confirmed" in events


def test_with_the_broker_down_events_wait_and_once_it_is_back_each_is_delivered_exactly_once(
    worker, manager, leeds, regulator, now, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    at_decision = CandidateAtDecisionFactory(regulator=regulator, first_name="Dee", last_name="Cision")
    # Registering the fixtures' people wrote messages never handed over (no commit): not this test's to send.
    Notification.objects.update(status=Notification.Status.SENT)
    monkeypatch.setattr(send_email, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        candidate = services.request_endorsement(user=worker, level=Level.PRACTITIONER, organisation=leeds)
    map_all(candidate, worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(candidate=candidate, by=manager, reason="Ready.")
    with django_capture_on_commit_callbacks(execute=True):
        accreditation = decision.confirm_accreditation(candidate=at_decision, by=regulator, reason="Checked.")
        decision.revoke_accreditation(accreditation=accreditation, by=regulator, reason="Made in error.")
    assert smtp_server.received.messages == []
    waiting = Notification.objects.filter(status=Notification.Status.QUEUED)
    assert waiting.count() == 4

    monkeypatch.undo()  # the broker is back
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    sweep()
    sweep()  # a second sweep (beat, and a worker starting) finds nothing left to send
    for notification in Notification.objects.all():
        send_email.apply(kwargs={"notification_id": notification.pk})  # a redelivered task sends nothing again
    received = [(m["X-Envelope-To"], m["Subject"]) for m in smtp_server.received.messages]
    assert sorted(received) == sorted(
        [
            (manager.email, "Sam Okafor asks you to endorse them for accreditation"),
            (
                worker.email,
                "Your employer has endorsed you for accreditation as Approved Child and Family Practitioner",
            ),
            (at_decision.user.email, "You are accredited as Approved Child and Family Practitioner"),
            (
                at_decision.user.email,
                "Your accreditation as Approved Child and Family Practitioner has been revoked",
            ),
        ]
    )
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    assert certificates  # the certificate email has its own test (test_certification_services)


def test_the_test_result_a_booking_its_cancellation_and_second_marking_are_each_told_once(
    endorsed, worker, bank, regulator, alex, bea, smtp_server, settings, django_capture_on_commit_callbacks
):
    from .conftest import answer_all_correctly
    from .observation_helpers import SAMPLE, fill, on_the_day, session

    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.start_attempt(candidate=endorsed, by=worker)
        answer_all_correctly(attempt, worker)
        services.submit_attempt(attempt=attempt, by=worker)
        services.submit_attempt(attempt=attempt, by=worker)  # a second click: the same result, no second email
    [result] = [m for m in smtp_server.received.to(worker.email) if "knowledge assessment" in m["Subject"]]
    assert result["Subject"] == "You passed the knowledge assessment"
    assert f"{settings.SITE_URL}/accreditation/tests/{attempt.pk}/result/" in text_of(result)

    endorsed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.book_session(candidate=endorsed, session=session(regulator, alex), by=worker)
        services.cancel_booking(booking=first, by=worker, reason="Ill that day")
        booking = services.book_session(candidate=endorsed, session=session(regulator, alex, days=9), by=worker)
    subjects = [m["Subject"] for m in smtp_server.received.to(worker.email)][-3:]
    assert subjects[0].startswith("Your practice observation is booked for ")
    assert subjects[1].endswith("is cancelled") and subjects[2].startswith("Your practice observation is booked")
    assert "Ill that day" in text_of(smtp_server.received.to(worker.email)[-2])

    on_the_day(booking.session)
    observation = services.check_in(
        booking=booking, by=alex, photo_id=True, registration_number=True, recording_consent=True
    )
    sheet = observation.scoresheets.get(marker="first")
    fill(sheet, alex, 4)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_scores(scoresheet=sheet, by=alex, rng=SAMPLE)  # sampled for a second marker
    [asked] = smtp_server.received.to(bea.email)
    assert asked["Subject"] == "An observation for you to score as second assessor"
    assert "/accreditation/assessor/scoresheets/" in text_of(asked)


def test_when_the_assessors_disagree_every_moderator_but_them_is_asked_once_with_a_link_to_the_moderation(
    candidate, regulator, alex, bea, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    from accreditation.models import Recommendation

    from .observation_helpers import SAMPLE, fill, observed

    colleague = make_user(Role.REGULATOR_STAFF, email="omar@regulator.example")
    sheet = observed(candidate, regulator, alex)
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=SAMPLE)
    second = sheet.observation.scoresheets.get(marker="second")
    fill(second, second.assessor, 1, Recommendation.NOT_PASS)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_scores(scoresheet=second, by=second.assessor)
        services.submit_scores(scoresheet=second, by=second.assessor)  # submitted twice: one moderation, one email
    assert smtp_server.received.to(alex.email) == [] and smtp_server.received.to(second.assessor.email) == []
    assert smtp_server.received.to(candidate.user.email) == []  # no marks reach the candidate before the result
    for person in (regulator, colleague):
        [message] = smtp_server.received.to(person.email)
        assert message["Subject"] == "A practice observation needs moderation"
        assert candidate.user.last_name not in text_of(message)
        [url] = links_in(message)
        client.force_login(person)
        page = client.get(_path(url, settings))
        assert page.status_code == 200
        assert "Record moderation" in page.content.decode()  # the page where the moderator decides
