"""Early career tells people what happened, over real SMTP: enrolment, a pause (dates only, never the reason),
the final assessment (the participant, and the moderator who acts), and the outcome."""

import datetime

import pytest

from accounts.models import Notification
from training import services
from training.models import Programme

from .conftest import START, at, enrol, review

pytestmark = pytest.mark.django_db


def _subjects(smtp_server, email):
    return [m["Subject"] for m in smtp_server.received.to(email)]


def test_enrolment_pause_final_assessment_and_outcome_each_reach_the_right_people_once(
    team, time_machine, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    time_machine.move_to(at(START), tick=False)
    short = Programme.objects.get(code="asye").short_name
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(team)
    assert _subjects(smtp_server, "sam@leeds.example") == [f"You have been enrolled on the {short}"]
    [enrolled] = smtp_server.received.to("sam@leeds.example")
    assert f"{settings.SITE_URL}/early-career/me/" in enrolled.get_body(("plain",)).get_content()

    with django_capture_on_commit_callbacks(execute=True):
        services.add_pause(
            enrolment=enrolment,
            by=team["coordinator"],
            kind="sickness",
            starts_on=datetime.date(2027, 10, 1),
            ends_on=datetime.date(2027, 10, 14),
            reason="Operation on her knee",
        )
    for person in ("sam@leeds.example", "sue@leeds.example", "asha@leeds.example"):
        [paused] = smtp_server.received.to(person)[-1:]
        assert paused["Subject"] == f"The {short} for Sam Okafor is paused from 1 October 2027"
        assert "knee" not in paused.get_body(("plain",)).get_content()

    day = datetime.date(2028, 9, 20)
    time_machine.move_to(at(day), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        review(enrolment, "final", day, recommendation="pass")
    assert _subjects(smtp_server, "sam@leeds.example")[-1] == "Your final assessment has been recorded"
    assert _subjects(smtp_server, "priya@leeds.example") == ["A final assessment to moderate: Sam Okafor"]

    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_internally(enrolment=enrolment, by=team["coordinator"], decision="confirmed", reason="OK")
    assert _subjects(smtp_server, "sam@leeds.example")[-1] == f"You have completed the {short}"
    assert all(len(set(_subjects(smtp_server, p))) == len(_subjects(smtp_server, p)) for p in ("sam@leeds.example",))
    assert (
        not Notification.objects.filter(recipient=team["participant"])
        .exclude(status="sent")
        .exclude(event__startswith="regulation/")
        .exists()
    )
