"""The early-career rules a regulator has to defend (issue #31): reviews in their windows and never inside a pause,
exceptions recorded by a named co-ordinator with a reason, completion only after the reviews that are not optional,
closed records with no work to come, due dates moved only by pauses that come before them, and funding paid only for
what has happened, after "Check your answers"."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from accounts.models import AuditEvent
from accounts.services import ServiceError
from training import funding, schedule, selectors, services

from .conftest import START, at, review

pytestmark = pytest.mark.django_db

THREE = datetime.date(2027, 12, 6)  # the 3-month review's due date for the cohort starting on START
SIX = datetime.date(2028, 3, 6)


def _pause(enrolment, by, start, end):
    return services.add_pause(enrolment=enrolment, by=by, kind="sickness", starts_on=start, ends_on=end, reason="Ill")


def _point(enrolment, key):
    return enrolment.programme.review_point(key)


def test_a_review_on_day_five_is_refused_and_pays_nothing(enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(days=5)), tick=False)
    with pytest.raises(ServiceError, match="3-month review is held between 8 November 2027 and 31 January 2028"):
        review(enrolled, "3_months", START + datetime.timedelta(days=4))
    with pytest.raises(ServiceError, match="6-month review is held between"):
        review(enrolled, "6_months", START + datetime.timedelta(days=5))
    assert not enrolled.reviews.exists()
    lines = funding.claimable(team["council"], datetime.date(2027, 4, 1), datetime.date(2028, 3, 31))
    assert [line["milestone"] for line in lines] == ["enrolled"]


def test_a_review_inside_a_pause_is_refused(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 12, 20)), tick=False)
    _pause(enrolled, team["coordinator"], datetime.date(2027, 11, 20), datetime.date(2027, 12, 10))
    with pytest.raises(ServiceError, match="falls inside a pause \\(sickness, 20 November 2027 to 10 December 2027\\)"):
        review(enrolled, "3_months", datetime.date(2027, 12, 1))
    review(enrolled, "3_months", datetime.date(2027, 12, 20))  # after the pause, inside its moved window


def test_an_exception_is_a_co_ordinators_recorded_decision(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 10, 20)), tick=False)
    early = datetime.date(2027, 10, 20)
    with pytest.raises(ServiceError, match="co-ordinator must first record why"):
        review(enrolled, "3_months", early)
    with pytest.raises(ServiceError, match="Only the employer's co-ordinators"):
        services.grant_review_window_exception(
            enrolment=enrolled, by=team["supervisor"], point="3_months", reason="Leaving"
        )
    with pytest.raises(ServiceError, match="Say why"):
        services.grant_review_window_exception(enrolment=enrolled, by=team["coordinator"], point="3_months", reason="")
    with pytest.raises(ServiceError, match="before the final"):
        services.grant_review_window_exception(enrolment=enrolled, by=team["coordinator"], point="final", reason="x")
    services.grant_review_window_exception(
        enrolment=enrolled, by=team["coordinator"], point="3_months", reason="Moving teams at the end of October."
    )
    review(enrolled, "3_months", early)
    event = AuditEvent.objects.get(action="review_window_exception")
    assert event.actor == team["coordinator"] and event.reason == "Moving teams at the end of October."


def test_the_final_assessment_needs_every_review_that_is_not_optional(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2028, 9, 6)), tick=False)
    services.record_review(
        enrolment=enrolled,
        by=enrolled.assessor,
        point="3_months",
        held_on=THREE,
        judgements=dict.fromkeys(enrolled.programme.standards, "on_track"),
        evidence_seen="Observation",
    )
    with pytest.raises(ServiceError, match="Record the 6-month review before the final assessment"):
        services.record_review(
            enrolment=enrolled,
            by=enrolled.assessor,
            point="final",
            held_on=datetime.date(2028, 9, 6),
            judgements=dict.fromkeys(enrolled.programme.standards, "on_track"),
            evidence_seen="Observation",
            recommendation="pass",
        )
    enrolled.refresh_from_db()
    assert enrolled.status == "active"


def test_a_closed_record_shows_no_work_to_come(enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    time_machine.move_to(at(datetime.date(2028, 9, 6)), tick=False)
    review(enrolled, "final", datetime.date(2028, 9, 6), recommendation="pass")
    services.moderate_internally(enrolment=enrolled, by=team["coordinator"], decision="confirmed", reason="Agreed")
    enrolled.refresh_from_db()
    assert enrolled.status == "passed"
    states = {p.key: p.state_label for p in schedule.review_points(enrolled, enrolled.reviews.all(), START)}
    assert states == {"3_months": "Done", "6_months": "Done", "9_months": "Optional – not held", "final": "Done"}
    [row] = selectors.cohort_rows([enrolled], today=datetime.date(2028, 9, 7))
    assert row.next_point is None and row.overdue == []


def test_a_pause_moves_only_what_is_still_to_come(enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 12, 10)), tick=False)
    review(enrolled, "3_months", THREE)
    _pause(enrolled, team["coordinator"], datetime.date(2027, 12, 8), datetime.date(2027, 12, 9))
    enrolled.refresh_from_db()
    assert enrolled.point_due_on(_point(enrolled, "3_months")) == THREE  # done before the pause: not moved
    assert enrolled.point_due_on(_point(enrolled, "6_months")) == SIX + datetime.timedelta(days=2)
    states = {p.key: p.state for p in schedule.review_points(enrolled, enrolled.reviews.all(), THREE)}
    assert states["3_months"] == "done"


def test_a_pause_after_an_early_review_leaves_that_review_inside_its_window(enrolled, team, time_machine):
    """Found by the rules' state machine: sick leave from the week after an early 3-month review moved that review's
    due date, so a review held inside its window was then outside it."""
    time_machine.move_to(at(datetime.date(2027, 11, 16)), tick=False)
    review(enrolled, "3_months", datetime.date(2027, 11, 16))  # early, inside its window (8 November on)
    time_machine.move_to(at(datetime.date(2027, 11, 20)), tick=False)
    _pause(enrolled, team["coordinator"], datetime.date(2027, 11, 20), datetime.date(2027, 12, 14))
    enrolled.refresh_from_db()
    held = enrolled.reviews.get(point="3_months").held_on
    opens, closes = enrolled.review_window(_point(enrolled, "3_months"), held_on=held)
    assert opens <= held <= closes and enrolled.point_due_on(_point(enrolled, "3_months"), held_on=held) == THREE
    # Still to come, the 6-month review moves by the 25 days paused.
    assert enrolled.point_due_on(_point(enrolled, "6_months")) == SIX + datetime.timedelta(days=25)
    states = {p.key: (p.state, p.due_on) for p in schedule.review_points(enrolled, enrolled.reviews.all(), THREE)}
    assert states["3_months"] == ("done", THREE)


def test_funding_counts_only_what_has_happened_and_the_total_checked(team, time_machine):
    from .conftest import enrol

    time_machine.move_to(at(START - datetime.timedelta(days=30)), tick=False)
    future = enrol(team)  # starts next month
    assert future.start_date == START
    period = {"period_start": datetime.date(2027, 4, 1), "period_end": datetime.date(2028, 3, 31)}
    assert funding.claimable(team["council"], **period) == []
    with pytest.raises(ServiceError, match="no milestones"):
        funding.create_claim(employer=team["council"], by=team["coordinator"], **period)
    time_machine.move_to(at(START), tick=False)
    with pytest.raises(ServiceError, match=r"changed since you checked it \(now £1,000\.00\)"):
        funding.create_claim(employer=team["council"], by=team["coordinator"], expected_total="6300.00", **period)
    claim = funding.create_claim(employer=team["council"], by=team["coordinator"], expected_total="1000.00", **period)
    assert claim.total == Decimal("1000.00")


@pytest.mark.parametrize(
    ("amount", "shown"), [(Decimal("1000"), "£1,000.00"), (Decimal("6300.5"), "£6,300.50"), ("500.00", "£500.00")]
)
def test_money_is_shown_one_way(amount, shown):
    assert Template("{% load govuk %}{{ amount|money }}").render(Context({"amount": amount})) == shown


def test_the_co_ordinator_records_the_exception_on_its_page(client, enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 10, 20)), tick=False)
    client.force_login(team["coordinator"])
    record = client.get(f"/early-career/{enrolled.pk}/").content.decode()
    assert "Allow a review outside its window" in record
    url = f"/early-career/{enrolled.pk}/review-window/"
    page = client.get(url).content.decode()
    assert "3-month review (due 6 December 2027)" in page and "Final assessment" not in page
    refused = client.post(url, {"point": "3_months", "reason": ""}).content.decode()
    assert "Enter why the review is held outside its window" in refused
    assert client.post(url, {"point": "3_months", "reason": "Moving teams."}).status_code == 302
    assert enrolled.window_exceptions.get().granted_by == team["coordinator"]


def test_a_social_worker_who_registered_themselves_finds_their_programme(client, team, time_machine):
    """Signed up with an email only, registered through the service, enrolled by their employer: no role anywhere."""
    from regulation import services as register_services
    from tests.factories import make_user

    from .conftest import enrol

    newcomer = make_user(None, first_name="", last_name="", email="nia@example.com")
    application = register_services.submit_application(
        applicant=newcomer,
        first_name="Nia",
        last_name="Evans",
        date_of_birth=datetime.date(1999, 5, 1),
        email=newcomer.email,
        address="2 Park Row, Leeds",
        qualification="BA Social Work",
        qualified_on=datetime.date(2026, 7, 1),
    )
    entry = register_services.approve_application(application=application, by=team["regulator"], reason="Checked")
    newcomer.refresh_from_db()
    assert newcomer.display_name == f"{entry.first_name} {entry.last_name}"  # the registered name, not the email
    time_machine.move_to(at(START), tick=False)
    enrol(team, registration_number=entry.registration_number)
    client.force_login(newcomer)
    home = client.get("/").content.decode()
    assert "Your early career" in home and "Your journey" in home
    assert "You do not have a role in any organisation yet" not in home
    assert newcomer.display_name in home and "nia@example.com" not in home.split("<main", 1)[1].split("</h1>")[0]
    assert client.get("/early-career/me/").status_code == 200
    assert client.get("/early-career/journey/").status_code == 200


def test_supervision_is_never_due_inside_a_pause_still_to_come(enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(days=3)), tick=False)
    _pause(enrolled, team["coordinator"], START + datetime.timedelta(days=5), START + datetime.timedelta(days=14))
    status = schedule.supervision(enrolled, [], list(enrolled.pauses.all()), START + datetime.timedelta(days=3))
    # Weekly at first: due on day 7, inside the pause from day 5 to day 14, so moved by its ten days.
    assert status.next_due == START + datetime.timedelta(days=17)
    assert not any(p.starts_on <= status.next_due <= p.ends_on for p in enrolled.pauses.all())


def test_the_final_assessment_judges_each_standard_with_its_evidence(enrolled, team, client, time_machine):
    from .conftest import final_evidence, final_judgements

    time_machine.move_to(at(datetime.date(2028, 9, 6)), tick=False)
    for point in ("3_months", "6_months"):
        review(enrolled, point, enrolled.point_due_on(_point(enrolled, point)))
    programme = enrolled.programme
    first = programme.standards[0]

    def final(judgements, evidence, recommendation="pass"):
        return services.record_review(
            enrolment=enrolled,
            by=enrolled.assessor,
            point="final",
            held_on=datetime.date(2028, 9, 6),
            judgements=judgements,
            evidence_seen="Observation",
            recommendation=recommendation,
            standard_evidence=evidence,
        )

    with pytest.raises(ServiceError, match="Give met or not met for every standard"):
        final(dict.fromkeys(programme.standards, "on_track"), final_evidence(programme))
    with pytest.raises(ServiceError, match=f"Give the evidence for each standard; missing: {first}"):
        final(final_judgements(programme), {**final_evidence(programme), first: " "})
    with pytest.raises(ServiceError, match=f"A pass needs every standard met; not met: {first}"):
        final(final_judgements(programme, "fail"), final_evidence(programme), "pass")
    with pytest.raises(ServiceError, match="A fail names at least one standard not met"):
        final(final_judgements(programme), final_evidence(programme), "fail")
    assert not enrolled.reviews.filter(point="final").exists()

    client.force_login(enrolled.assessor)
    page = client.get(f"/early-career/{enrolled.pk}/reviews/final/").content.decode()
    assert f"Evidence for {first}" in page and 'value="met"' in page and 'value="on_track"' not in page
    recorded = final(final_judgements(programme), final_evidence(programme))
    assert recorded.standard_evidence[first] == f"Seen in practice: {first.lower()}"
    client.force_login(team["coordinator"])  # the moderator sees each standard's judgement and evidence
    moderation = client.get(f"/early-career/{enrolled.pk}/moderation/").content.decode()
    assert first in moderation and f"Seen in practice: {first.lower()}" in moderation and ">Met</strong>" in moderation


def test_a_co_ordinator_allows_a_review_outside_its_window_through_the_api(client, enrolled, team, time_machine):
    time_machine.move_to(at(datetime.date(2027, 10, 20)), tick=False)
    url = f"/api/v1/training/enrolments/{enrolled.pk}/review-window-exception/"
    client.force_login(team["coordinator"])
    refused = client.post(url, {"point": "final", "reason": "Leaving"}, content_type="application/json")
    assert refused.status_code == 400 and "before the final" in refused.json()["detail"]
    assert client.post(url, {"point": "3_months"}, content_type="application/json").status_code == 400
    response = client.post(url, {"point": "3_months", "reason": "Moving teams"}, content_type="application/json")
    assert response.status_code == 201
    [exception] = response.json()["review_window_exceptions"]
    assert exception["point"] == "3_months" and exception["reason"] == "Moving teams"
    assert exception["granted_by"] == team["coordinator"].get_full_name()
    again = client.post(url, {"point": "3_months", "reason": "Again"}, content_type="application/json")
    assert again.status_code == 400 and "already been allowed" in again.json()["detail"]
    review(enrolled, "3_months", datetime.date(2027, 10, 20))  # the exception now lets the early review through
    event = AuditEvent.objects.get(action="review_window_exception")
    assert event.actor == team["coordinator"] and event.reason == "Moving teams"
