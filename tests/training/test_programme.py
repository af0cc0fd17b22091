"""Supervision schedule, caseload, reviews, the final assessment, moderation and the register annotation."""

import datetime
from decimal import Decimal

import pytest

from accounts.services import ServiceError
from regulation import selectors as register
from training import schedule, selectors, services
from training.models import Enrolment

from .conftest import START, add_member, at, review

pytestmark = pytest.mark.django_db


def row_for(enrolment, day):
    return selectors.cohort_rows(selectors.cohort(enrolment.participant), day)[0]


def sup(enrolment, day, **kwargs):
    return services.record_supervision(
        enrolment=enrolment,
        by=enrolment.supervisor,
        held_on=day,
        minutes=60,
        supervisor=enrolment.supervisor,
        themes="Cases and wellbeing",
        **kwargs,
    )


def test_supervision_weekly_for_six_weeks_then_fortnightly_then_monthly(enrolled, time_machine):
    e = enrolled
    assert schedule.interval_days(e, START) == 7
    assert schedule.interval_days(e, START + datetime.timedelta(weeks=6)) == 14
    assert schedule.interval_days(e, START + datetime.timedelta(weeks=26)) == 30
    time_machine.move_to(at(START + datetime.timedelta(days=7)), tick=False)
    assert not row_for(e, START + datetime.timedelta(days=7)).supervision.overdue
    time_machine.move_to(at(START + datetime.timedelta(days=8)), tick=False)
    status = row_for(e, START + datetime.timedelta(days=8)).supervision
    assert status.overdue and status.next_due == START + datetime.timedelta(days=7)
    sup(e, START + datetime.timedelta(days=8))
    status = row_for(e, START + datetime.timedelta(days=8)).supervision
    assert not status.overdue and status.next_due == START + datetime.timedelta(days=15)


def test_supervision_after_six_months_is_monthly(enrolled, time_machine):
    day = START + datetime.timedelta(weeks=27)
    time_machine.move_to(at(day), tick=False)
    sup(enrolled, day)
    assert row_for(enrolled, day).supervision.next_due == day + datetime.timedelta(days=30)
    assert row_for(enrolled, day + datetime.timedelta(days=31)).supervision.overdue


def test_supervision_cannot_be_before_start_or_in_future(enrolled):
    with pytest.raises(ServiceError, match="before the start date"):
        sup(enrolled, START - datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="future"):
        sup(enrolled, START + datetime.timedelta(days=1))


def test_review_points_fall_due_and_go_overdue(enrolled, time_machine):
    points = {p.key: p for p in schedule.review_points(enrolled, [], START)}
    assert points["3_months"].due_on == datetime.date(2027, 12, 6)
    assert points["final"].due_on == datetime.date(2028, 9, 6)
    day = datetime.date(2027, 11, 25)
    assert {p.key: p.state for p in schedule.review_points(enrolled, [], day)}["3_months"] == "due_soon"
    late = datetime.date(2027, 12, 7)
    states = {p.key: p.state for p in schedule.review_points(enrolled, [], late)}
    assert states["3_months"] == "overdue" and states["6_months"] == "upcoming"
    row = row_for(enrolled, late)
    assert "3-month review" in row.overdue


def test_optional_review_is_never_overdue(enrolled):
    day = datetime.date(2028, 6, 10)
    states = {p.key: p.state for p in schedule.review_points(enrolled, [], day)}
    assert states["9_months"] == "optional_missed"


def test_review_needs_judgement_for_every_standard(enrolled, time_machine):
    time_machine.move_to(at(datetime.date(2027, 12, 6)), tick=False)
    with pytest.raises(ServiceError, match="missing: Knowledge"):
        services.record_review(
            enrolment=enrolled,
            by=enrolled.assessor,
            point="3_months",
            held_on=datetime.date(2027, 12, 6),
            judgements={s: "on_track" for s in enrolled.programme.standards if s != "Knowledge"},
            evidence_seen="x",
        )
    assert not enrolled.reviews.exists()


def test_review_date_cannot_precede_start(enrolled, time_machine):
    time_machine.move_to(at(datetime.date(2027, 12, 6)), tick=False)
    with pytest.raises(ServiceError, match="cannot be before the start date"):
        review(enrolled, "3_months", START - datetime.timedelta(days=1))


def test_review_is_recorded_once(enrolled, time_machine):
    time_machine.move_to(at(datetime.date(2027, 12, 6)), tick=False)
    review(enrolled, "3_months", datetime.date(2027, 12, 6))
    with pytest.raises(ServiceError, match="already been recorded"):
        review(enrolled, "3_months", datetime.date(2027, 12, 6))


def test_final_outcome_not_before_final_point_unless_early_completion_approved(enrolled, team, time_machine):
    day = datetime.date(2028, 8, 1)
    time_machine.move_to(at(day), tick=False)
    with pytest.raises(ServiceError, match="final assessment is due on 6 September 2028"):
        review(enrolled, "final", day, recommendation="pass")
    with pytest.raises(ServiceError, match="Say why"):
        services.approve_early_completion(enrolment=enrolled, by=team["coordinator"], reason="")
    with pytest.raises(ServiceError, match="co-ordinator"):
        services.approve_early_completion(enrolment=enrolled, by=team["assessor"], reason="Strong evidence")
    services.approve_early_completion(enrolment=enrolled, by=team["coordinator"], reason="All evidence complete")
    final = review(enrolled, "final", day, recommendation="pass")
    assert final.is_final
    enrolled.refresh_from_db()
    assert enrolled.status == Enrolment.Status.AWAITING_MODERATION


def test_final_needs_recommendation(enrolled, time_machine):
    day = datetime.date(2028, 9, 6)
    time_machine.move_to(at(day), tick=False)
    with pytest.raises(ServiceError, match="recommendation"):
        review(enrolled, "final", day)


def _to_final(enrolled, time_machine, recommendation="pass"):
    day = datetime.date(2028, 9, 6)
    time_machine.move_to(at(day), tick=False)
    return review(enrolled, "final", day, recommendation=recommendation)


def test_internal_moderation_confirms_pass_and_adds_annotation(enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    _to_final(enrolled, time_machine)
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="Agreed")
    enrolled.refresh_from_db()
    assert enrolled.status == "passed" and enrolled.outcome_on == datetime.date(2028, 9, 6)
    entry = register.entry_with_annotations(team["participant"])
    kinds = [a.kind for a in entry.annotations.all()]
    assert kinds == ["early_career_completed"]
    assert "Completed the ASYE" in entry.annotations.get().note


def test_internal_moderation_can_return_to_the_assessor(enrolled, team, time_machine, settings):
    _to_final(enrolled, time_machine)
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="returned", reason="Weak")
    enrolled.refresh_from_db()
    assert enrolled.status == "active"
    review(enrolled, "final", datetime.date(2028, 9, 6), recommendation="pass")
    enrolled.refresh_from_db()
    assert enrolled.status == "awaiting_moderation"


def test_assessor_cannot_moderate_own_assessment(enrolled, team, time_machine):
    add_member(team["assessor"], team["council"], "line_manager")
    _to_final(enrolled, time_machine)
    with pytest.raises(ServiceError, match="cannot moderate their own"):
        services.moderate_internally(enrolment=enrolled, by=team["assessor"], decision="confirmed", reason="x")


def test_sampled_cases_go_to_external_moderation_whose_decision_is_final(enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 100
    _to_final(enrolled, time_machine, recommendation="pass")
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="Agreed")
    enrolled.refresh_from_db()
    assert enrolled.status == "awaiting_external" and enrolled.sampled_for_external
    with pytest.raises(ServiceError, match="not awaiting internal"):
        services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="x")
    services.moderate_externally(enrolment=enrolled, by=team["regulator"], decision="fail", reason="Evidence thin")
    enrolled.refresh_from_db()
    assert enrolled.status == "failed"
    assert not register.entry_with_annotations(team["participant"]).annotations.exists()
    with pytest.raises(ServiceError, match="not awaiting external"):
        services.moderate_externally(enrolment=enrolled, by=team["regulator"], decision="pass", reason="x")


def test_external_sample_is_about_the_set_share():
    from training.models import Enrolment

    hits = sum(services.sampled_for_external(Enrolment(pk=pk)) for pk in range(1, 2001))
    assert 140 < hits < 260  # 10 % of 2,000, give or take


def test_caseload_above_expectation_is_flagged(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 10, 15)), tick=False)
    services.record_caseload(
        enrolment=enrolled, by=team["coordinator"], month=datetime.date(2027, 9, 1), cases=9, experienced_caseload=16
    )
    services.record_caseload(
        enrolment=enrolled, by=team["coordinator"], month=datetime.date(2027, 10, 1), cases=10, experienced_caseload=16
    )
    rows = schedule.caseload(enrolled, enrolled.caseload_months.all())
    assert [r.allowed for r in rows] == [Decimal("9.6"), Decimal("9.6")]
    assert [r.above for r in rows] == [False, True]
    assert row_for(enrolled, datetime.date(2027, 10, 15)).caseload_above == 1
    time_machine.move_to(at(datetime.date(2028, 7, 1)), tick=False)
    services.record_caseload(
        enrolment=enrolled, by=team["coordinator"], month=datetime.date(2028, 6, 1), cases=14, experienced_caseload=16
    )
    assert schedule.caseload(enrolled, enrolled.caseload_months.all())[-1].allowed == Decimal("14.4")


def test_learning_agreement_and_protected_time(enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(days=3)), tick=False)
    services.record_learning_agreement(
        enrolment=enrolled,
        by=team["supervisor"],
        agreed_on=START,
        development_needs="Court skills",
        support="Shadowing",
    )
    services.record_learning_agreement(
        enrolment=enrolled,
        by=team["supervisor"],
        agreed_on=START,
        development_needs="Court skills and writing",
        support="Shadowing",
    )
    assert enrolled.learning_agreement.development_needs == "Court skills and writing"
    with pytest.raises(ServiceError, match="at most 40"):
        services.record_protected_time(
            enrolment=enrolled, by=team["supervisor"], week_starting=START, hours=Decimal("41"), activity="Reading"
        )
    services.record_protected_time(
        enrolment=enrolled, by=team["supervisor"], week_starting=START, hours=Decimal("3.5"), activity="Reading"
    )
    assert enrolled.protected_time.count() == 1


def test_year_2_and_5_lead_to_expert_practitioner(enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    _to_final(enrolled, time_machine)
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="Agreed")
    enrolled.refresh_from_db()
    later = {p.key: p for p in schedule.later_points(enrolled, [], datetime.date(2028, 9, 7))}
    assert later["year_2"].due_on == datetime.date(2030, 9, 6)
    assert later["year_5"].due_on == datetime.date(2033, 9, 6)
    time_machine.move_to(at(datetime.date(2033, 9, 6)), tick=False)
    review(enrolled, "year_5", datetime.date(2033, 9, 6), recommendation="pass")
    assert "expert_practitioner" not in register.entry_with_annotations(team["participant"]).annotations.values_list(
        "kind", flat=True
    )  # year 2 not yet passed
    review(enrolled, "year_2", datetime.date(2030, 9, 6), recommendation="pass")
    kinds = set(register.entry_with_annotations(team["participant"]).annotations.values_list("kind", flat=True))
    assert kinds == {"early_career_completed", "expert_practitioner"}


def test_later_milestone_needs_a_pass_first(enrolled, time_machine):
    time_machine.move_to(at(datetime.date(2028, 1, 1)), tick=False)
    with pytest.raises(ServiceError, match="after passing"):
        review(enrolled, "year_2", datetime.date(2028, 1, 1), recommendation="pass")
