"""Issue 20 item 1 and issue 22 item 5: history pages show each viewer only what they may see."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from regulation import services
from tests.factories import make_user

from .conftest import register

pytestmark = pytest.mark.django_db

SECRET = "Panel notes: police arrest on 3 March and a mental health admission"


@pytest.fixture
def ordered(worker, regulator, leeds, time_machine):
    """An entry with an interim suspension whose reasons are private, and a line manager at the worker's
    employer whose employment of the worker is not yet confirmed."""
    from .conftest import SPRING

    time_machine.move_to(SPRING, tick=False)
    entry = register(worker, regulator)
    services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="Social worker",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )
    case = services.open_case(
        entry=entry, by=regulator, concern="Police report", source="Police", received_on=entry.registered_on
    )
    order = services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_suspension",
        starts_on=entry.registered_on,
        review_on=entry.registered_on + datetime.timedelta(days=30),
        expires_on=entry.registered_on + datetime.timedelta(days=180),
        reason=SECRET,
    )
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, email="manager@leeds.example")
    return {"entry": entry, "case": case, "order": order, "manager": manager}


def test_line_manager_reads_public_facts_but_not_the_panels_reasons(client, ordered):
    client.force_login(ordered["manager"])
    response = client.get(f"/history/regulation/registerentry/{ordered['entry'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status changed" in body
    assert SECRET not in body
    assert "Police report" not in body
    assert "Ftp case opened" not in body


def test_the_person_themself_does_not_read_the_panels_reasons(client, ordered, worker):
    client.force_login(worker)
    for url in (
        f"/history/regulation/registerentry/{ordered['entry'].pk}/",
        f"/history/regulation/order/{ordered['order'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


def test_regulator_staff_read_the_reasons(client, ordered, regulator):
    client.force_login(regulator)
    body = client.get(f"/history/regulation/registerentry/{ordered['entry'].pk}/").content.decode()
    assert SECRET in body
    assert "Ftp case opened" in body


def test_api_status_history_has_no_reasons_for_the_employer(client, ordered, regulator):
    client.force_login(ordered["manager"])
    data = client.get(f"/api/v1/register/entries/{ordered['entry'].pk}/").json()
    assert data["status_history"], data
    assert all(change["reason"] == "" for change in data["status_history"])
    client.force_login(regulator)
    data = client.get(f"/api/v1/register/entries/{ordered['entry'].pk}/").json()
    assert any(change["reason"] for change in data["status_history"])


def test_history_page_answers_alike_for_a_hidden_record_and_a_missing_one(client, ordered):
    stranger = make_user(Role.SOCIAL_WORKER, email="stranger@example.com")
    client.force_login(stranger)
    hidden = client.get(f"/history/regulation/fitnesstopractisecase/{ordered['case'].pk}/")
    missing = client.get("/history/regulation/fitnesstopractisecase/999999/")
    nonsense = client.get("/history/regulation/nosuchmodel/1/")
    assert hidden.status_code == missing.status_code == nonsense.status_code == 404
