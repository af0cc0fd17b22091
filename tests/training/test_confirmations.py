"""GOV.UK confirmation panels after the final actions: the final assessment, moderation, the outcome, withdrawal."""

import datetime

import pytest

from accounts.models import Role
from tests.factories import make_user
from training.models import Enrolment, FundingClaim

from .conftest import START, at, review

pytestmark = pytest.mark.django_db

FINAL = datetime.date(2028, 9, 6)


def _date(prefix, day):
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


def _final_by_page(client, enrolled, team, time_machine, recommendation="pass"):
    time_machine.move_to(at(FINAL), tick=False)
    for point in ("3_months", "6_months"):  # the final assessment comes after the reviews that are not optional
        review(enrolled, point, enrolled.point_due_on(enrolled.programme.review_point(point)))
    client.force_login(team["assessor"])
    data = {**_date("held_on", FINAL), "evidence_seen": "Observations", "recommendation": recommendation}
    for i in range(len(enrolled.programme.standards)):  # met or not met, with evidence, for each standard
        data[f"standard_{i}"] = "not_met" if recommendation == "fail" and i == 0 else "met"
        data[f"evidence_{i}"] = f"Seen on a joint visit ({i})."
    return client.post(f"/early-career/{enrolled.pk}/reviews/final/", data)


def test_final_assessment_then_moderation_end_on_confirmation_panels(client, enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    response = _final_by_page(client, enrolled, team, time_machine)
    assert response["Location"] == f"/early-career/{enrolled.pk}/done/final-assessment/"
    html = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in html and "Final assessment recorded" in html
    assert "Recommendation: pass" in html and "What happens next" in html

    client.force_login(team["coordinator"])
    response = client.post(
        f"/early-career/{enrolled.pk}/moderation/",
        {"decision": "confirmed", "reason": "Evidence meets every domain", "confirm": "1"},
    )
    assert response["Location"] == f"/early-career/{enrolled.pk}/done/moderated/"
    html = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-panel__title">ASYE passed</h1>' in html
    assert "Sam Okafor completed the ASYE on 6 September 2028" in html
    assert "has been added to their entry on the register" in html
    # The participant sees the same panel from the link they are sent; a stale step goes back to the record.
    client.force_login(team["participant"])
    assert "ASYE passed" in client.get(f"/early-career/{enrolled.pk}/done/moderated/").content.decode()
    stale = client.get(f"/early-career/{enrolled.pk}/done/final-assessment/")
    assert stale.status_code == 302 and stale["Location"] == "/early-career/me/"


def test_sampled_assessment_and_the_external_decision_have_panels(client, enrolled, team, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 100
    _final_by_page(client, enrolled, team, time_machine, recommendation="fail")
    client.force_login(team["coordinator"])
    response = client.post(
        f"/early-career/{enrolled.pk}/moderation/", {"decision": "confirmed", "reason": "Agreed", "confirm": "1"}
    )
    assert "Sent for external moderation" in client.get(response["Location"]).content.decode()
    client.force_login(team["regulator"])
    response = client.post(
        f"/early-career/{enrolled.pk}/external-moderation/",
        {"decision": "fail", "reason": "Not enough evidence", "confirm": "1"},
    )
    html = client.get(response["Location"]).content.decode()
    assert "Outcome recorded: fail" in html and "Sam Okafor did not pass the ASYE" in html


def test_returned_assessment_has_a_panel(client, enrolled, team, time_machine):
    _final_by_page(client, enrolled, team, time_machine)
    client.force_login(team["coordinator"])
    response = client.post(
        f"/early-career/{enrolled.pk}/moderation/",
        {"decision": "returned", "reason": "Say more about domain 4", "confirm": "1"},
    )
    html = client.get(response["Location"]).content.decode()
    assert "Returned to the assessor" in html and "Asha Sessor records the final assessment again" in html


def test_withdrawal_has_a_panel(client, enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(days=40)), tick=False)
    client.force_login(team["coordinator"])
    url, answers = f"/early-career/{enrolled.pk}/withdraw/", {"reason": "Moved to another council,\nin Kent"}
    # First the answers are shown back, with the decision still to be confirmed: nothing changes yet.
    check = client.post(url, answers)
    html = check.content.decode()
    assert check.status_code == 200 and "Check your answers" in html and "Confirm and withdraw" in html
    assert "Moved to another council,<br>in Kent" in html and 'name="reason" value="Moved to another council,' in html
    assert Enrolment.objects.get().status != "withdrawn"
    # "Change your answers" goes back to the form as filled in.
    again = client.post(url, {**answers, "edit": "1"}).content.decode()
    assert "Withdraw from the programme" in again and "Moved to another council" in again and "Check your" not in again
    assert Enrolment.objects.get().status != "withdrawn"
    # A form with an error never reaches the check.
    assert "Check your answers" not in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {**answers, "confirm": "1"})
    assert response["Location"] == f"/early-career/{enrolled.pk}/done/withdrawn/"
    html = client.get(response["Location"]).content.decode()
    assert "Sam Okafor has left the ASYE" in html and "Withdrawn on 16 October 2027" in html
    assert Enrolment.objects.get().status == "withdrawn"


def test_other_records_return_to_the_record_with_a_message(client, enrolled, team, time_machine):
    day = datetime.date(2027, 12, 6)
    time_machine.move_to(at(day), tick=False)
    client.force_login(team["assessor"])
    data = {**_date("held_on", day), "evidence_seen": "Observation"}
    data.update({f"standard_{i}": "on_track" for i in range(len(enrolled.programme.standards))})
    response = client.post(f"/early-career/{enrolled.pk}/reviews/3_months/", data)
    assert response["Location"] == f"/early-career/{enrolled.pk}/"


def test_a_stranger_cannot_see_a_confirmation(client, enrolled, team):
    client.force_login(make_user(Role.SOCIAL_WORKER))
    assert client.get(f"/early-career/{enrolled.pk}/done/enrolled/").status_code == 404


def test_making_a_funding_claim_ends_on_a_panel(client, enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(days=10)), tick=False)
    client.force_login(team["coordinator"])
    answers = {
        "employer": team["council"].pk,
        **_date("period_start", datetime.date(2027, 4, 1)),
        **_date("period_end", datetime.date(2028, 3, 31)),
    }
    check = client.post("/early-career/funding/", answers)
    html = check.content.decode()
    assert "Check the claim before you make it" in html and "£1,000.00" in html  # items, amounts and total first
    assert not FundingClaim.objects.exists()
    response = client.post("/early-career/funding/", {**answers, "total": "1000.00", "confirmed": "yes"})
    assert response.status_code == 302 and response["Location"].endswith("?made=1")
    html = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in html and "Claim made" in html
    # The same page opened later, or by someone else, is the claim without the panel.
    claim_url = response["Location"].split("?")[0]
    assert "Claim made" not in client.get(claim_url).content.decode()
    client.force_login(team["regulator"])
    assert "Claim made" not in client.get(response["Location"]).content.decode()


def test_a_form_sent_twice_records_once(client, enrolled, team, time_machine):
    day = START + datetime.timedelta(days=3)
    time_machine.move_to(at(day), tick=False)
    client.force_login(team["supervisor"])
    session = {**_date("held_on", day), "minutes": 60, "themes": "Induction"}
    protected = {**_date("week_starting", START), "hours": "3.5", "activity": "Reading"}
    for _ in range(2):
        client.post(f"/early-career/{enrolled.pk}/supervision/", session)
        client.post(f"/early-career/{enrolled.pk}/protected-time/", protected)
        client.post(
            f"/early-career/{enrolled.pk}/evidence/",
            {"kind": "reflective_log", "title": "Week one", **_date("occurred_on", day), "text": "Learning"},
        )
    assert enrolled.supervision_sessions.count() == 1
    assert enrolled.protected_time.count() == 1
    assert enrolled.evidence.count() == 1
    # A different session on the same day is a new record.
    client.post(f"/early-career/{enrolled.pk}/supervision/", {**session, "themes": "Court preparation"})
    assert enrolled.supervision_sessions.count() == 2
