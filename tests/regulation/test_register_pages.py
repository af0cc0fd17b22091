import datetime

import pytest

from accounts.models import Role
from regulation import services
from regulation.models import Application, Order
from tests.factories import make_user

from .conftest import RENEWAL_OPEN, SPRING, add_cpd, evidence_and_declarations, register, send_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanctioned(entry, regulator):
    case = services.open_case(
        entry=entry,
        by=regulator,
        concern="Confidential allegation about a child",
        source="Police",
        received_on=entry.registered_on,
    )
    services.make_interim_order(
        case=case,
        by=regulator,
        kind=Order.Kind.INTERIM_CONDITIONS,
        starts_on=entry.registered_on,
        review_on=datetime.date(2027, 4, 1),
        expires_on=datetime.date(2027, 8, 1),
        reason="Secret reasons",
        conditions=["Must be supervised weekly"],
    )
    services.add_annotation(entry=entry, by=regulator, kind="amhp", starts_on=entry.registered_on)
    return entry


def test_public_search_shows_conditions_and_annotations_but_nothing_private(client, sanctioned, leeds):
    body = client.get("/register/check/", {"q": sanctioned.registration_number.lower()}).content.decode()
    assert sanctioned.registration_number in body and "Sam Okafor" in body
    assert "Must be supervised weekly" in body and "Interim conditions of practice order" in body
    assert "Approved Mental Health Professional" in body
    for secret in ["Secret Street", "1990", "Confidential allegation", "Secret reasons", "Police", "@example.com"]:
        assert secret not in body
    api = client.get("/api/v1/register/public/", {"q": "okaf"}).json()
    assert api["count"] == 1
    row = api["results"][0]
    assert set(row) == {
        "registration_number",
        "name",
        "status",
        "registered_on",
        "qualification",
        "employer_town",
        "conditions",
        "sanctions",
        "annotations",
    }
    assert "Secret" not in str(row) and "1990" not in str(row)


def test_public_search_by_town_of_employer(client, entry, worker, leeds):
    from decimal import Decimal

    services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="SW",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )
    body = client.get("/register/check/", {"town": "leeds"}).content.decode()
    assert entry.registration_number in body
    assert entry.registration_number not in client.get("/register/check/", {"town": "York"}).content.decode()


def test_public_search_needs_something_to_search_for(client, entry):
    response = client.get("/register/check/", {"q": "s"})
    assert "Enter at least 2 letters" in response.content.decode()
    assert client.get("/api/v1/register/public/", {"q": ""}).status_code == 400


def test_public_search_costs_a_fixed_number_of_queries(client, regulator, django_assert_max_num_queries):
    for n in range(15):
        register(make_user(Role.SOCIAL_WORKER, first_name=f"P{n}", last_name="Okafor"), regulator)
    with django_assert_max_num_queries(8):
        response = client.get("/register/check/", {"q": "okafor"})
    assert response.content.decode().count("Okafor") >= 15
    client.force_login(regulator)
    with django_assert_max_num_queries(14):
        client.get("/register/entries/", {"q": "okafor"})


def test_bulk_lookup_returns_csv_in_the_order_given(client, sanctioned):
    response = client.post(
        "/register/check/bulk/", {"numbers": f"sw999999, {sanctioned.registration_number}", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[1].startswith("SW999999,No") and lines[2].startswith(
        f"{sanctioned.registration_number},Yes,Sam Okafor"
    )
    assert "Must be supervised weekly" in lines[2] and "Secret" not in text


@pytest.mark.parametrize(
    "numbers, message",
    [
        ("\n".join(f"SW{n}" for n in range(101)), "no more than 100"),
        ("SW1\nnot-a-number\nSW2", "not registration numbers"),
        ("  ", "Enter at least one"),
    ],
)
def test_bulk_lookup_refuses_bad_input_with_no_partial_result(client, entry, numbers, message):
    response = client.post("/register/check/bulk/", {"numbers": numbers})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    api = client.post(
        "/api/v1/register/public/bulk/", {"numbers": numbers.split("\n")}, content_type="application/json"
    )
    assert api.status_code == 400 and "results" not in api.json()


def test_social_worker_applies_and_regulator_approves_through_the_pages(client, worker, regulator, leeds, time_machine):
    time_machine.move_to(SPRING, tick=False)
    client.force_login(worker)
    response = client.post(
        "/register/apply/",
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "date_of_birth": "1990-04-12",
            "email": worker.email,
            "address": "1 Road",
            "qualification": "MA Social Work",
            "qualified_on": "2030-01-01",
            "employer": leeds.pk,
        },
    )
    assert "must be today or in the past" in response.content.decode()
    assert not Application.objects.exists()
    send_application(
        client,
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "date_of_birth": "1990-04-12",
            "email": worker.email,
            "address": "1 Road",
            "qualification": "MA Social Work",
            "qualified_on": "2016-07-01",
            "employer": leeds.pk,
            **evidence_and_declarations(),
        },
    )
    application = Application.objects.get()
    assert sorted(application.documents.values_list("kind", flat=True)) == ["identity", "qualification"]
    client.force_login(regulator)
    response = client.post(f"/register/applications/{application.pk}/", {"decision": "approve", "reason": ""})
    assert "Enter the reasons" in response.content.decode()
    response = client.post(f"/register/applications/{application.pk}/", {"decision": "approve", "reason": "Checked"})
    application.refresh_from_db()
    assert response.status_code == 302 and application.entry.current_employer == leeds
    client.force_login(worker)
    body = client.get("/register/me/").content.decode()
    assert application.entry.registration_number in body and "1 December 2026 to 30 November 2027" in body
    assert "Your registration" in client.get("/").content.decode()


def test_cpd_and_renewal_pages(client, entry, worker, time_machine):
    client.force_login(worker)
    response = client.post(
        "/register/me/cpd/",
        {
            "title": "Course",
            "activity_date": "2027-03-01",
            "learning": "a",
            "impact": "b",
            "discussed_with_peer": "on",
            "peer_name": "",
        },
    )
    assert "Enter who you discussed it with" in response.content.decode()
    client.post(
        "/register/me/cpd/",
        {
            "title": "Course",
            "activity_date": "2027-03-01",
            "learning": "a",
            "impact": "b",
            "discussed_with_peer": "on",
            "peer_name": "Jo",
        },
    )
    add_cpd(entry, worker, peer="")
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    client.force_login(worker)
    assert "Renew my registration" in client.get("/register/me/renew/").content.decode()
    assert client.post("/register/me/renew/").status_code == 302
    entry.refresh_from_db()
    assert entry.registered_until == datetime.date(2028, 11, 30)


def test_employer_sees_hours_and_confirms(client, entry, worker, leeds):
    from decimal import Decimal

    job = services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="SW",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )
    services.log_direct_work(
        entry=entry, by=worker, worked_on=entry.registered_on, hours=Decimal("12"), description="v"
    )
    manager = make_user(Role.LINE_MANAGER, organisation=leeds)
    client.force_login(manager)
    body = client.get("/register/staff/").content.decode()
    assert "Sam Okafor" in body and "12 of 100" in body
    client.post(f"/register/employment/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.confirmed_by == manager
    assert "1 to confirm" not in client.get("/").content.decode()


def test_employers_staff_are_read_a_page_at_a_time(client, leeds, regulator, django_assert_max_num_queries):
    """At national scale a council's list ran to 610 people on one page."""
    from decimal import Decimal

    for n in range(53):
        person = make_user(Role.SOCIAL_WORKER, first_name=f"P{n:02d}", last_name="Okafor")
        services.add_employment(
            entry=register(person, regulator),
            by=person,
            employer=leeds,
            role_title="SW",
            started_on=datetime.date(2026, 1, 5),
            fte=Decimal("1"),
            contract="permanent",
        )
    client.force_login(make_user(Role.LINE_MANAGER, organisation=leeds))
    client.get("/register/staff/")
    with django_assert_max_num_queries(20):
        first = client.get("/register/staff/").content.decode()
    assert "53 social workers" in first and "Page </span>1 of 2" in first and first.count("<tr") == 51
    second = client.get("/register/staff/?page=2").content.decode()
    assert second.count("<tr") == 4 and "P52 Okafor" in second and "P00 Okafor" not in second


def test_regulator_pages_show_history_and_case_age(client, sanctioned, regulator):
    client.force_login(regulator)
    body = client.get(f"/register/entries/{sanctioned.pk}/").content.decode()
    assert "Status history" in body and "Registered with conditions" in body and "Order made" in body
    body = client.get("/register/cases/").content.decode()
    assert "Age (days)" in body and sanctioned.registration_number in body
    case = sanctioned.ftp_cases.get()
    response = client.post(
        f"/register/cases/{case.pk}/",
        {"action": "outcome", "outcome-outcome": "warning", "outcome-reason": "Reflected well"},
    )
    assert "Give the date the order expires" in response.content.decode()
    client.post(
        f"/register/cases/{case.pk}/",
        {"action": "outcome", "outcome-outcome": "no_further_action", "outcome-reason": "Insight shown"},
    )
    case.refresh_from_db()
    sanctioned.refresh_from_db()
    assert case.stage == "closed" and sanctioned.status == "registered"


def test_regulator_home_page_stays_cheap(client, regulator, django_assert_max_num_queries):
    client.force_login(regulator)
    # About one query per home section (register, courses and their register matching, workforce, the pathway's
    # bank, moderation and decisions with the credentials to re-issue, early career, transfer).
    with django_assert_max_num_queries(19):
        body = client.get("/").content.decode()
    assert "Applications to register" in body


def test_a_council_without_a_town_is_found_by_its_place_name(client, entry, worker):
    from decimal import Decimal

    from tests.factories import LocalAuthorityFactory

    council = LocalAuthorityFactory(name="Leeds", town="")
    services.add_employment(
        entry=entry,
        by=worker,
        employer=council,
        role_title="SW",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )
    row = client.get("/api/v1/register/public/", {"town": "leeds"}).json()["results"][0]
    assert row["registration_number"] == entry.registration_number and row["employer_town"] == "Leeds"
