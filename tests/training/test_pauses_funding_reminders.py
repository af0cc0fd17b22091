import datetime
from decimal import Decimal

import pytest
from django.core import mail

from accounts.services import ServiceError
from training import funding, reminders, schedule, services
from training.models import FundingClaimLine, Reminder

from .conftest import START, at, review

pytestmark = pytest.mark.django_db


def pause(enrolment, by, start, end, kind="sickness"):
    return services.add_pause(enrolment=enrolment, by=by, kind=kind, starts_on=start, ends_on=end, reason="Off sick")


def test_pause_moves_the_end_date_and_review_points(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 10, 1)), tick=False)
    pause(enrolled, team["coordinator"], datetime.date(2027, 10, 1), datetime.date(2027, 10, 30))
    enrolled.refresh_from_db()
    assert enrolled.end_date == datetime.date(2028, 9, 6) + datetime.timedelta(days=30)
    assert enrolled.extension_days == 30
    three = enrolled.programme.review_point("3_months")
    assert enrolled.point_due_on(three) == datetime.date(2027, 12, 6) + datetime.timedelta(days=30)


def test_never_paused_for_capability(enrolled, team):
    with pytest.raises(ServiceError, match="never paused for capability"):
        pause(enrolled, team["coordinator"], START, START, kind="capability")
    assert not enrolled.pauses.exists()


def test_pauses_up_to_the_maximum(enrolled, team, settings):
    settings.TRAINING_MAX_PAUSE_DAYS = 40
    pause(enrolled, team["coordinator"], datetime.date(2027, 10, 1), datetime.date(2027, 10, 30), kind="parental")
    with pytest.raises(ServiceError, match="at most 10 more"):
        pause(enrolled, team["coordinator"], datetime.date(2027, 11, 1), datetime.date(2027, 11, 30))
    with pytest.raises(ServiceError, match="overlaps"):
        pause(enrolled, team["coordinator"], datetime.date(2027, 10, 20), datetime.date(2027, 10, 25))
    pause(enrolled, team["coordinator"], datetime.date(2027, 11, 1), datetime.date(2027, 11, 10), kind="other_leave")
    enrolled.refresh_from_db()
    assert enrolled.extension_days == 40


def test_supervision_is_not_overdue_while_paused(enrolled, team):
    pause(enrolled, team["coordinator"], datetime.date(2027, 9, 10), datetime.date(2027, 10, 10))
    e = enrolled
    status = schedule.supervision(e, [], list(e.pauses.all()), datetime.date(2027, 10, 1))
    assert status.paused and not status.overdue
    after = schedule.supervision(e, [], list(e.pauses.all()), datetime.date(2027, 10, 20))
    assert after.overdue and after.next_due == START + datetime.timedelta(days=7 + 31)


def test_funding_claim_pays_each_milestone_once(enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    employer = team["council"]
    claim = funding.create_claim(
        employer=employer,
        by=team["coordinator"],
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )
    assert claim.total == Decimal("1000.00")
    assert [line.milestone for line in claim.lines.all()] == ["enrolled"]
    with pytest.raises(ServiceError, match="no milestones"):
        funding.create_claim(
            employer=employer,
            by=team["coordinator"],
            period_start=datetime.date(2027, 4, 1),
            period_end=datetime.date(2028, 3, 31),
        )
    time_machine.move_to(at(datetime.date(2028, 9, 6)), tick=False)
    review(enrolled, "6_months", datetime.date(2028, 3, 6))
    review(enrolled, "final", datetime.date(2028, 9, 6), recommendation="pass")
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="Agreed")
    second = funding.create_claim(
        employer=employer,
        by=team["coordinator"],
        period_start=datetime.date(2028, 4, 1),
        period_end=datetime.date(2029, 3, 31),
    )
    assert [line.milestone for line in second.lines.all()] == ["passed"]  # 6-month review was in the last year
    assert second.total == Decimal("500.00")
    third = funding.create_claim(
        employer=employer,
        by=team["coordinator"],
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )
    assert [line.milestone for line in third.lines.all()] == ["6_months"]
    assert FundingClaimLine.objects.filter(enrolment=enrolled).count() == 3
    csv = funding.claim_csv(third).decode("utf-8-sig")
    assert "6-month review" in csv and "500.00" in csv


def test_grant_is_a_setting(enrolled, team, settings):
    settings.TRAINING_GRANT_PER_PARTICIPANT = 3000
    claim = funding.create_claim(
        employer=team["council"],
        by=team["coordinator"],
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )
    assert claim.total == Decimal("1500.00")


def test_only_coordinators_claim(enrolled, team):
    with pytest.raises(ServiceError, match="co-ordinators"):
        funding.create_claim(
            employer=team["council"],
            by=team["supervisor"],
            period_start=datetime.date(2027, 4, 1),
            period_end=datetime.date(2028, 3, 31),
        )


def test_claim_pdf_is_built_by_the_worker(enrolled, team):
    from accounts.jobs import start_job
    from accounts.models import Job

    claim = funding.create_claim(
        employer=team["council"],
        by=team["coordinator"],
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )
    with_commit = start_job(
        kind="training_funding_claim_pdf", title="PDF", by=team["coordinator"], params={"claim_id": claim.pk}
    )
    from accounts import jobs

    jobs.run(str(with_commit.pk))
    job = Job.objects.get(pk=with_commit.pk)
    assert job.status == "succeeded"
    assert job.result_file.read()[:4] == b"%PDF"


def test_reminders_a_week_before_review_and_once_only(enrolled, team, time_machine, django_capture_on_commit_callbacks):
    # Supervision kept up so only the review reminder is due.
    day = datetime.date(2027, 11, 29)  # 7 days before the 3-month review on 6 December
    time_machine.move_to(at(day), tick=False)
    services.record_supervision(
        enrolment=enrolled, by=team["supervisor"], held_on=day, minutes=60, supervisor=team["supervisor"], themes="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_reminders(today=day)
    assert sent == 1
    # One email each, so neither sees the other's address and each can be sent (and recorded) on its own.
    assert sorted(m.to for m in mail.outbox) == [["asha@leeds.example"], ["sue@leeds.example"]]
    assert all("3-month review" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(today=day) == 0
        assert reminders.send_reminders(today=day + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2


def test_overdue_reminders_for_review_and_supervision(enrolled, time_machine, django_capture_on_commit_callbacks):
    day = datetime.date(2027, 12, 8)
    time_machine.move_to(at(day), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(today=day) == 2
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert kinds == {"review_overdue:3_months", "supervision_overdue"}
    assert any(m.subject.startswith("Overdue: supervision") for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(today=day + datetime.timedelta(days=3)) == 0


def test_participant_is_reminded_before_final(enrolled, team, time_machine, django_capture_on_commit_callbacks):
    day = datetime.date(2028, 9, 1)
    time_machine.move_to(at(day), tick=False)
    for point, held in [("3_months", datetime.date(2027, 12, 6)), ("6_months", datetime.date(2028, 3, 6))]:
        review(enrolled, point, held)
    services.record_supervision(
        enrolment=enrolled, by=team["supervisor"], held_on=day, minutes=60, supervisor=team["supervisor"], themes="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(today=day)
    to_participant = [m for m in mail.outbox if m.to == ["sam@leeds.example"]]
    assert len(to_participant) == 1 and "final assessment" in to_participant[0].subject


def test_no_reminders_while_paused(enrolled, team, time_machine):
    pause(enrolled, team["coordinator"], datetime.date(2027, 11, 1), datetime.date(2027, 12, 31))
    assert reminders.send_reminders(today=datetime.date(2027, 12, 8)) == 0


def test_beat_runs_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["early-career-reminders"]
    assert entry["task"] == "training.tasks.send_early_career_reminders"
    from training import tasks

    assert tasks.send_early_career_reminders.name == entry["task"]
