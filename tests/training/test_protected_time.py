"""Protected development time against the programme's hours, and supervision pro rata for part-time work."""

import datetime
from decimal import Decimal

import pytest

from training import schedule, selectors, services

from .conftest import START, at, enrol

pytestmark = pytest.mark.django_db


def row_for(enrolment, day):
    return selectors.cohort_rows(selectors.cohort(enrolment.participant), day)[0]


def protect(enrolment, week, hours, by):
    return services.record_protected_time(
        enrolment=enrolment, by=by, week_starting=week, hours=Decimal(hours), activity="Reading and reflection"
    )


def test_protected_time_shortfall_counts_complete_weeks_at_the_programme_rate(enrolled, team, time_machine):
    # Three complete weeks worked: 3 × 3.5 = 10.5 hours owed.
    day = START + datetime.timedelta(days=21)
    time_machine.move_to(at(day), tick=False)
    status = row_for(enrolled, day).protected
    assert (status.weeks, status.expected, status.recorded) == (3, Decimal("10.5"), Decimal("0"))
    assert status.behind and status.shortfall == Decimal("10.5")
    for week in range(3):
        protect(enrolled, START + datetime.timedelta(weeks=week), "3.5", team["supervisor"])
    status = row_for(enrolled, day).protected
    assert not status.behind and status.shortfall == 0 and status.state == "On track"


def test_first_week_is_not_owed_until_it_is_over(enrolled, time_machine):
    day = START + datetime.timedelta(days=6)
    time_machine.move_to(at(day), tick=False)
    status = row_for(enrolled, day).protected
    assert status.weeks == 0 and not status.behind


def test_protected_time_is_pro_rata_for_part_time_work(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    part_time = enrol(team, fte="0.6")
    day = START + datetime.timedelta(weeks=10)
    time_machine.move_to(at(day), tick=False)
    status = row_for(part_time, day).protected
    assert status.per_week == Decimal("2.1") and status.expected == Decimal("21.0")


def test_weeks_on_a_pause_are_not_owed_and_a_pause_stops_the_flag(enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(weeks=6)), tick=False)
    services.add_pause(
        enrolment=enrolled,
        by=team["coordinator"],
        kind="sickness",
        starts_on=START + datetime.timedelta(weeks=2),
        ends_on=START + datetime.timedelta(weeks=4, days=-1),
        reason="Operation",
    )
    day = START + datetime.timedelta(weeks=6)
    status = row_for(enrolled, day).protected
    assert status.weeks == 4 and status.expected == Decimal("14.0")
    during = START + datetime.timedelta(weeks=3)
    assert not row_for(enrolled, during).protected.behind


def test_shortfall_is_shown_on_every_page_the_csv_and_the_api(client, enrolled, team, time_machine):
    day = START + datetime.timedelta(weeks=4)
    time_machine.move_to(at(day), tick=False)
    protect(enrolled, START, "3.5", team["supervisor"])
    # 4 weeks × 3.5 = 14 owed, 3.5 recorded: 10.5 short.
    for user, url in [
        (team["participant"], "/early-career/me/"),
        (team["supervisor"], f"/early-career/{enrolled.pk}/"),
        (team["assessor"], f"/early-career/{enrolled.pk}/"),
    ]:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "Protected time: 10.5 hours short" in html, url
        assert "3.5 hours recorded of 14.0 expected by now" in html
    client.force_login(team["coordinator"])
    html = client.get("/early-career/").content.decode()
    assert "Protected time: 10.5 hours short" in html and "1 short of protected time" in html
    csv = b"".join(client.get("/early-career/?format=csv").streaming_content).decode("utf-8-sig").splitlines()
    assert csv[0].endswith(
        "Protected time expected (hours),Protected time recorded (hours),Protected time shortfall (hours)"
    )
    assert csv[1].endswith(",14.0,3.5,10.5")
    body = client.get(f"/api/v1/training/enrolments/{enrolled.pk}/").json()
    assert body["protected_time"]["shortfall_hours"] == "10.5" and body["protected_time"]["behind"] is True
    assert client.get("/").content.decode().count("short of protected time") == 1


def test_no_shortfall_flag_when_on_track(client, enrolled, team, time_machine):
    day = START + datetime.timedelta(weeks=1)
    time_machine.move_to(at(day), tick=False)
    protect(enrolled, START, "4", team["supervisor"])
    client.force_login(team["coordinator"])
    html = client.get(f"/early-career/{enrolled.pk}/").content.decode()
    assert "hours short" not in html and "4.0 hours recorded of 3.5 expected" in html


def test_part_time_supervision_bands_and_intervals_are_stretched_pro_rata(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    half = enrol(team, fte="0.5")
    # Full time: weekly for six weeks. Half time: fortnightly, for twelve weeks.
    assert schedule.interval_days(half, START) == 14
    assert schedule.interval_days(half, START + datetime.timedelta(weeks=11)) == 14
    assert schedule.interval_days(half, START + datetime.timedelta(weeks=12)) == 28
    assert schedule.interval_days(half, START + datetime.timedelta(weeks=52)) == 60
    day = START + datetime.timedelta(days=14)
    time_machine.move_to(at(day), tick=False)
    assert not row_for(half, day).supervision.overdue
    later = START + datetime.timedelta(days=15)
    status = row_for(half, later).supervision
    assert status.overdue and status.next_due == START + datetime.timedelta(days=14)


def test_part_time_supervision_is_explained_on_the_record(client, team, time_machine):
    time_machine.move_to(at(START), tick=False)
    part = enrol(team, fte="0.8")
    client.force_login(team["supervisor"])
    html = client.get(f"/early-career/{part.pk}/").content.decode()
    assert "every 9 days at this stage, pro rata for 0.80 FTE" in html
    api = client.get(f"/api/v1/training/enrolments/{part.pk}/").json()
    assert api["supervision"]["interval_days"] == 9


def test_a_pause_does_not_move_anyone_into_a_later_supervision_band(enrolled, team, time_machine):
    time_machine.move_to(at(START + datetime.timedelta(weeks=8)), tick=False)
    services.add_pause(
        enrolment=enrolled,
        by=team["coordinator"],
        kind="parental",
        starts_on=START + datetime.timedelta(weeks=1),
        ends_on=START + datetime.timedelta(weeks=4, days=-1),
        reason="Parental leave",
    )
    # Seven weeks since the start, but only four of them worked: still weekly.
    assert schedule.interval_days(enrolled, START + datetime.timedelta(weeks=7), enrolled.pauses.all()) == 7
    assert schedule.interval_days(enrolled, START + datetime.timedelta(weeks=7)) == 14
