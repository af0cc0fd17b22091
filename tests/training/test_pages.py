import datetime
import importlib

import pytest

from tests.factories import LocalAuthorityFactory, make_user
from training import selectors, services
from training.models import Enrolment

from .conftest import START, at, enrol, register, review

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


def test_enrol_page_costs_the_same_queries_however_many_colleagues(client, team, time_machine):
    """Found at national scale: each colleague's standing was read one by one (2,252 queries, 2.5 s at Leeds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role

    client.force_login(team["coordinator"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/early-career/enrol/").status_code == 200
        return len(ctx.captured_queries)

    client.get("/early-career/enrol/")
    few = queries()
    for n in range(8):
        colleague = make_user(
            Role.SOCIAL_WORKER, organisation=team["council"], first_name=f"Col{n}", last_name="League"
        )
        register(colleague, team["regulator"], qualified_on=datetime.date(2012, 7, 1))
    many = queries()
    assert many == few
    assert client.get("/early-career/enrol/").content.decode().count("Col7 League") == 2  # supervisor and assessor


def test_enrol_page_uses_govuk_date_fields_and_enrols(client, team, time_machine):
    time_machine.move_to(at(START), tick=False)
    client.force_login(team["coordinator"])
    page = client.get("/early-career/enrol/")
    html = page.content.decode()
    assert 'name="start_date-day"' in html and 'name="start_date-year"' in html
    assert "Sue Visor" in html and "Asha Sessor" in html
    data = {
        "programme": Enrolment._meta.get_field("programme").related_model.objects.get(code="asye").pk,
        "registration_number": team["entry"].registration_number,
        **_date("start_date", START),
        "team": "Children in need",
        "fte": "1",
        "supervisor": team["supervisor"].pk,
        "assessor": team["assessor"].pk,
        "line_manager": team["coordinator"].pk,
    }
    check = client.post("/early-career/enrol/", data)
    assert "Check your answers before enrolling" in check.content.decode()
    assert "6 September 2027 to 6 September 2028" in check.content.decode()
    assert not Enrolment.objects.exists()
    response = client.post("/early-career/enrol/", {**data, "confirm": "1"})
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/early-career/{enrolment.pk}/done/enrolled/"
    assert enrolment.start_date == START
    panel = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in panel and "Sam Okafor is enrolled" in panel
    assert "6 September 2027 to 6 September 2028" in panel


def test_enrol_refusal_is_shown_and_nothing_saved(client, team, time_machine):
    time_machine.move_to(at(START), tick=False)
    client.force_login(team["coordinator"])
    response = client.post(
        "/early-career/enrol/",
        {
            "programme": 1,
            "registration_number": "SW999999",
            **_date("start_date", START),
            "team": "x",
            "fte": "1",
            "supervisor": team["supervisor"].pk,
            "assessor": team["assessor"].pk,
        },
    )
    assert response.status_code == 200
    assert "SW999999 is not on the register" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_bad_date_names_the_field(client, enrolled, team):
    client.force_login(team["coordinator"])
    response = client.post(
        f"/early-career/{enrolled.pk}/supervision/",
        {"held_on-day": "31", "held_on-month": "2", "held_on-year": "2027", "minutes": 60, "themes": "x"},
    )
    assert "Date of supervision must be a real date" in response.content.decode()
    response = client.post(
        f"/early-career/{enrolled.pk}/supervision/",
        {"held_on-day": "1", "held_on-month": "", "held_on-year": "2027", "minutes": 60, "themes": "x"},
    )
    assert "Date of supervision must include a month" in response.content.decode()
    response = client.post(
        f"/early-career/{enrolled.pk}/supervision/",
        {**_date("held_on", datetime.date(2027, 9, 1)), "minutes": 60, "themes": "x"},
    )
    assert "cannot be before the start date" in response.content.decode()
    assert not enrolled.supervision_sessions.exists()


def test_review_page_records_judgement_per_standard(client, enrolled, team, time_machine):
    day = datetime.date(2027, 12, 6)
    time_machine.move_to(at(day), tick=False)
    client.force_login(team["assessor"])
    url = f"/early-career/{enrolled.pk}/reviews/3_months/"
    assert "Professional leadership" in client.get(url).content.decode()
    data = {**_date("held_on", day), "evidence_seen": "Observation", "actions": ""}
    data.update({f"standard_{i}": "on_track" for i in range(10)})
    data["standard_4"] = "some_concerns"
    assert client.post(url, data).status_code == 302
    r = enrolled.reviews.get()
    assert r.judgements["Knowledge"] == "some_concerns" and r.concerns == 1


def _cohort(team, n, regulator, time_machine):
    time_machine.move_to(at(datetime.date(2027, 3, 2)), tick=False)
    people = [
        make_user("social_worker", organisation=team["council"], first_name=f"P{i}", last_name="Person")
        for i in range(n)
    ]
    entries = [register(p, regulator) for p in people]
    time_machine.move_to(at(START), tick=False)
    for entry in entries:
        enrol({**team, "entry": entry})


@pytest.mark.parametrize("size", [2, 12])
def test_cohort_dashboard_costs_a_bounded_number_of_queries(
    client, team, regulator, time_machine, size, django_assert_max_num_queries
):
    _cohort(team, size, regulator, time_machine)
    client.force_login(team["coordinator"])
    with django_assert_max_num_queries(22):
        response = client.get("/early-career/")
    assert response.content.decode().count("/early-career/") > size
    with django_assert_max_num_queries(22):
        csv = b"".join(client.get("/early-career/?format=csv").streaming_content).decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == size + 1


def test_cohort_is_paged_and_counts_and_filters_the_whole_cohort(client, team, regulator, time_machine, monkeypatch):
    """The counts above the table are the whole cohort's (from the stored schedule dates); the table shows a page;
    "with something overdue" narrows table and download to exactly those the records call overdue."""
    monkeypatch.setattr(importlib.import_module("training.views.cohort"), "COHORT_PER_PAGE", 3)
    _cohort(team, 5, regulator, time_machine)
    first, second, *rest = Enrolment.objects.order_by("pk")
    # Ten weeks in: no one has had supervision, so everyone is overdue for it, apart from two who are seen weekly
    # and one on a pause (a pause stops the clock).
    time_machine.move_to(at(START + datetime.timedelta(weeks=10)), tick=False)
    for e in (first, second):
        services.record_supervision(
            enrolment=e,
            by=team["supervisor"],
            held_on=START + datetime.timedelta(weeks=10),
            minutes=60,
            supervisor=team["supervisor"],
            themes="Planning",
        )
    services.add_pause(
        enrolment=rest[0],
        by=team["coordinator"],
        kind="sickness",
        starts_on=START + datetime.timedelta(weeks=9),
        ends_on=START + datetime.timedelta(weeks=12),
        reason="Flu",
    )
    expected_overdue = {
        r.enrolment.participant_name for r in selectors.cohort_rows(Enrolment.objects.all()) if r.overdue
    }
    assert len(expected_overdue) == 2  # the two neither seen nor paused
    client.force_login(team["coordinator"])

    page = client.get("/early-career/").content.decode()
    assert "Participants (5), 1 to 3 shown" in page and "1 of 2" in page
    assert (
        '<span class="govuk-heading-l govuk-!-margin-bottom-0">2</span> <a class="govuk-link" href="?show=overdue">'
        in page
    )
    second_page = client.get("/early-career/?page=2").content.decode()
    assert "Participants (5), 4 to 5 shown" in second_page

    overdue = client.get("/early-career/?show=overdue").content.decode()
    assert "With something overdue (2)" in overdue
    shown = {name for name in (e.participant_name for e in Enrolment.objects.all()) if f">{name}</a>" in overdue}
    assert shown == expected_overdue
    csv = b"".join(client.get("/early-career/?show=overdue&format=csv").streaming_content).decode("utf-8-sig")
    assert {line.split(",")[0] for line in csv.strip().splitlines()[1:]} == expected_overdue

    paused = client.get("/early-career/?show=paused").content.decode()
    assert "Paused (1)" in paused and f">{rest[0].participant_name}</a>" in paused


@pytest.mark.parametrize("size", [2, 12])
def test_national_figures_cost_a_bounded_number_of_queries(
    client, team, regulator, time_machine, size, django_assert_max_num_queries
):
    _cohort(team, size, regulator, time_machine)
    other = LocalAuthorityFactory(name="Bradford", region=team["council"].region)
    Enrolment.objects.filter(pk=Enrolment.objects.first().pk).update(employer=other)
    client.force_login(regulator)
    with django_assert_max_num_queries(12):
        response = client.get("/early-career/national/")
    html = response.content.decode()
    assert "Yorkshire" in html and "Bradford" in html


def test_national_figures_count_outcomes_and_completion_rate(team, regulator, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    _cohort(team, 3, regulator, time_machine)
    a, b, c = Enrolment.objects.order_by("pk")
    day = datetime.date(2028, 9, 6)
    time_machine.move_to(at(day), tick=False)
    for e, rec in [(a, "pass"), (b, "fail")]:
        review(e, "final", day, recommendation=rec)
        services.moderate_internally(enrolment=e, by=team["coordinator"], decision="confirmed", reason="ok")
    services.add_pause(
        enrolment=c,
        by=team["coordinator"],
        kind="sickness",
        starts_on=datetime.date(2028, 1, 1),
        ends_on=datetime.date(2028, 1, 10),
        reason="Flu",
    )
    figures = selectors.national_figures()
    assert figures["england"] == {
        "enrolled": 3,
        "completed": 2,
        "passed": 1,
        "failed": 1,
        "extended": 1,
        "withdrawn": 0,
        "completion_rate": 50,
    }
    assert figures["regions"][0]["region"] == "Yorkshire" and figures["years"][0]["year"] == 2027


def test_early_career_starters_for_the_workforce_forecast(team, regulator, time_machine):
    assert selectors.early_career_starters_fte(region_code="E12000003", year=2027) is None
    _cohort(team, 2, regulator, time_machine)
    assert selectors.early_career_starters_fte(region_code="E12000003", year=2027) == 2
    assert selectors.early_career_starters_fte(region_code="E12000003", year=2030) == 0
    assert selectors.early_career_starters_fte(region_code="E12000009", year=2027) is None


def _accreditation_selectors():
    from accreditation import selectors as accreditation_selectors

    return accreditation_selectors


def test_journey_reads_register_annotations_without_accreditation_selector(client, enrolled, team, monkeypatch):
    """Before ``pathway_summary_for`` lands (or if it is taken away), the levels come from the register."""
    monkeypatch.delattr(_accreditation_selectors(), "pathway_summary_for", raising=False)
    client.force_login(team["participant"])
    html = client.get("/early-career/journey/").content.decode()
    assert "Registration" in html and "Early career: ASYE" in html
    assert "Approved Child and Family Practitioner" in html and "Expert practitioner" in html
    steps = client.get("/api/v1/training/journey/").json()
    assert next(s["source"] for s in steps if s["title"] == "Approved Child and Family Practitioner") == "register"


def test_journey_uses_accreditation_pathway_summary_when_present(client, enrolled, team, monkeypatch):
    seen = []

    def fake(user):
        seen.append(user.pk)
        return [
            {
                "level": "Practitioner level (from accreditation)",
                "status": "in_progress",
                "detail": "Endorsed",
                "url": "",
            },
            {"level": "Supervisor level", "status": "not_started", "detail": "", "url": "javascript:alert(1)"},
            {"level": "Leader level", "status": "passed", "detail": "", "url": "/accreditation/"},
        ]

    monkeypatch.setattr(_accreditation_selectors(), "pathway_summary_for", fake, raising=False)
    client.force_login(team["participant"])
    html = client.get("/early-career/journey/").content.decode()
    assert seen == [team["participant"].pk]
    assert "Practitioner level (from accreditation)" in html and "Endorsed" in html
    assert "Accredited Practice Supervisor" not in html  # the register's fallback is not shown beside it
    assert "javascript:" not in html and 'href="/accreditation/"' in html
    steps = {s["title"]: s for s in client.get("/api/v1/training/journey/").json()}
    assert steps["Practitioner level (from accreditation)"]["state"] == "current"
    assert steps["Leader level"]["state"] == "done" and steps["Supervisor level"]["url"] == ""
    assert steps["Supervisor level"]["source"] == "accreditation"


def test_journey_falls_back_to_the_register_when_the_summary_is_empty(client, enrolled, team, monkeypatch):
    monkeypatch.setattr(_accreditation_selectors(), "pathway_summary_for", lambda user: [], raising=False)
    client.force_login(team["participant"])
    assert "Approved Child and Family Practitioner" in client.get("/early-career/journey/").content.decode()


def test_journey_shows_the_real_pathway_summary_once_accreditation_has_one(client, enrolled, team):
    """Runs against ``accreditation.selectors.pathway_summary_for`` as soon as it is merged."""
    summary_for = getattr(_accreditation_selectors(), "pathway_summary_for", None)
    if summary_for is None:
        pytest.skip("accreditation.selectors.pathway_summary_for is not merged yet")
    levels = list(summary_for(team["participant"]))
    client.force_login(team["participant"])
    html = client.get("/early-career/journey/").content.decode()
    assert "Early career: ASYE" in html
    for level in levels:
        assert str(level["level"]) in html


def test_home_page_shows_next_task(client, enrolled, team):
    client.force_login(team["participant"])
    html = client.get("/").content.decode()
    assert "Your 3-month review" in html
    client.force_login(team["coordinator"])
    html = client.get("/").content.decode()
    assert "Early career cohort" in html and "Enrol a newly qualified social worker" in html


def test_home_page_reads_overdue_people_only_when_the_summary_counts_some(client, enrolled, team, time_machine):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listing = 'SELECT "training_enrolment"."id" AS "pk" FROM "training_enrolment"'  # ids first, then their rows

    def home():
        client.force_login(team["supervisor"])
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        return html, sum(q["sql"].startswith(listing) for q in queries.captured_queries)

    time_machine.move_to(at(START + datetime.timedelta(days=7)), tick=False)
    on_time, listed = home()
    assert "Early career cohort" in on_time and "Overdue:" not in on_time
    assert listed == 0  # the summary counted nobody overdue: nobody is looked for
    time_machine.move_to(at(START + datetime.timedelta(days=200)), tick=False)
    late, listed = home()
    assert "Overdue:" in late and "Sam Okafor" in late
    assert listed == 1


def test_participant_adds_evidence_and_sees_timeline(client, enrolled, team, time_machine):
    day = START + datetime.timedelta(days=20)
    time_machine.move_to(at(day), tick=False)
    client.force_login(team["participant"])
    response = client.post(
        f"/early-career/{enrolled.pk}/evidence/",
        {
            "kind": "family_feedback",
            "title": "Letter from a parent",
            **_date("occurred_on", day),
            "text": "She listened",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/early-career/me/"
    html = client.get("/early-career/me/").content.decode()
    assert "Letter from a parent" in html and "3-month review due" in html


def test_api_enrol_and_refusal(client, team, time_machine):
    time_machine.move_to(at(START), tick=False)
    client.force_login(team["coordinator"])
    body = {
        "programme": "asye",
        "registration_number": team["entry"].registration_number,
        "employer": team["council"].pk,
        "start_date": "2027-09-06",
        "supervisor": team["supervisor"].pk,
        "assessor": team["assessor"].pk,
        "team": "East",
        "fte": "0.8",
    }
    response = client.post("/api/v1/training/enrolments/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["end_date"] == "2028-12-07"  # 366 days (a leap year) ÷ 0.8
    again = client.post("/api/v1/training/enrolments/", body, content_type="application/json")
    assert again.status_code == 400 and "already enrolled" in again.json()["detail"]


def test_api_review_and_final_guard(client, enrolled, team, time_machine):
    day = datetime.date(2028, 8, 1)
    time_machine.move_to(at(day), tick=False)
    for point in ("3_months", "6_months"):
        review(enrolled, point, enrolled.point_due_on(enrolled.programme.review_point(point)))
    client.force_login(team["assessor"])
    body = {
        "point": "final",
        "held_on": "2028-08-01",
        "evidence_seen": "x",
        "recommendation": "pass",
        "judgements": dict.fromkeys(enrolled.programme.standards, "on_track"),
    }
    response = client.post(f"/api/v1/training/enrolments/{enrolled.pk}/review/", body, content_type="application/json")
    assert response.status_code == 400 and "early completion" in response.json()["detail"]


def test_schema_has_no_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.parametrize("sessions", [1, 8])
def test_record_page_and_journey_cost_a_fixed_number_of_queries(
    client, enrolled, team, time_machine, sessions, django_assert_max_num_queries
):
    day = START + datetime.timedelta(days=60)
    time_machine.move_to(at(day), tick=False)
    for i in range(sessions):
        services.record_supervision(
            enrolment=enrolled,
            by=team["supervisor"],
            held_on=START + datetime.timedelta(days=7 * i),
            minutes=45,
            supervisor=team["supervisor"],
            themes="Cases",
        )
        services.add_evidence(
            enrolment=enrolled,
            by=team["participant"],
            kind="reflective_log",
            title=f"Log {i}",
            occurred_on=START + datetime.timedelta(days=i),
            text="Reflection",
        )
    client.force_login(team["coordinator"])
    with django_assert_max_num_queries(26):
        assert client.get(f"/early-career/{enrolled.pk}/").status_code == 200
    client.force_login(team["participant"])
    with django_assert_max_num_queries(25):  # 22, plus the accreditation pathway's own summary (3)
        assert client.get("/early-career/journey/").status_code == 200


def test_journey_says_early_career_is_not_needed_for_someone_qualified_years_ago(client, team, time_machine):
    """A social worker registered since 2016, never enrolled, is not told the ASYE is their next step."""
    from regulation.models import RegisterEntry

    time_machine.move_to(at(START), tick=False)
    worker = team["participant"]
    client.force_login(worker)
    RegisterEntry.objects.filter(user=worker).update(qualified_on=datetime.date(2016, 7, 1))
    steps = {s["title"]: s for s in client.get("/api/v1/training/journey/").json()}
    assert steps["Early career"]["state"] == "not_needed"
    html = client.get("/early-career/journey/").content.decode()
    assert "Not needed" in html and "You qualified on 1 July 2016" in html and "Newly qualified?" not in html

    RegisterEntry.objects.filter(user=worker).update(qualified_on=START - datetime.timedelta(days=200))
    steps = {s["title"]: s for s in client.get("/api/v1/training/journey/").json()}
    assert steps["Early career"]["state"] == "next"
