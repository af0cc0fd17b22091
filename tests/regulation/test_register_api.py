import datetime

import pytest

from accounts.models import Role
from regulation.models import EntryStatus, RegisterEntry
from tests.factories import make_user

from .conftest import RENEWAL_OPEN, SPRING

pytestmark = pytest.mark.django_db


def test_apply_decide_record_cpd_and_renew_through_the_api(client, worker, regulator, time_machine):
    time_machine.move_to(SPRING, tick=False)
    client.force_login(worker)
    response = client.post(
        "/api/v1/register/applications/",
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "date_of_birth": "1990-04-12",
            "email": worker.email,
            "address": "1 Road",
            "qualification": "MA Social Work",
            "qualified_on": "2016-07-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    application_id = response.json()["id"]
    assert client.post(
        f"/api/v1/register/applications/{application_id}/decide/", {"decision": "approve", "reason": "x"}
    ).status_code in (403, 404)
    client.force_login(regulator)
    response = client.post(
        f"/api/v1/register/applications/{application_id}/decide/",
        {"decision": "approve", "reason": "Checked"},
        content_type="application/json",
    )
    assert response.json()["status"] == "approved"
    entry = RegisterEntry.objects.get(user=worker)
    client.force_login(worker)
    for peer in ("Jo", ""):
        response = client.post(
            f"/api/v1/register/entries/{entry.pk}/cpd/",
            {
                "title": "Course",
                "activity_date": "2027-03-01",
                "learning": "a",
                "impact": "b",
                "discussed_with_peer": bool(peer),
                "peer_name": peer,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.json()
    refused = client.post(f"/api/v1/register/entries/{entry.pk}/renew/")
    assert refused.status_code == 400 and "Renewal opens" in refused.json()["detail"]
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    client.force_login(worker)
    assert client.post(f"/api/v1/register/entries/{entry.pk}/renew/").json()["registered_until"] == "2028-11-30"


def test_regulator_runs_a_case_through_the_api(client, entry, regulator):
    client.force_login(regulator)
    case = client.post(
        "/api/v1/register/cases/",
        {"entry": entry.pk, "concern": "c", "source": "Employer", "received_on": "2027-03-01"},
        content_type="application/json",
    ).json()
    response = client.post(
        f"/api/v1/register/cases/{case['id']}/interim-order/",
        {
            "kind": "interim_suspension",
            "starts_on": "2027-03-02",
            "review_on": "2027-04-01",
            "expires_on": "2027-06-01",
            "reason": "Risk",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUSPENDED
    response = client.post(
        f"/api/v1/register/cases/{case['id']}/outcome/",
        {"outcome": "advice", "reason": "Insight"},
        content_type="application/json",
    )
    assert response.json()["stage"] == "closed"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED


def test_other_people_cannot_open_cases(client, entry):
    client.force_login(make_user(Role.LINE_MANAGER))
    response = client.post(
        "/api/v1/register/cases/",
        {"entry": entry.pk, "concern": "c", "source": "s", "received_on": str(datetime.date(2027, 3, 1))},
    )
    assert response.status_code == 403


def test_applicant_answers_a_request_for_more_information_through_the_api(client, worker, regulator):
    from regulation import services

    from .conftest import apply_for

    application = apply_for(worker)
    services.request_more_information(application=application, by=regulator, request="Send your transcript")
    client.force_login(make_user(Role.SOCIAL_WORKER))
    url = f"/api/v1/register/applications/{application.pk}/respond/"
    assert client.post(url, {"response": "Not mine"}).status_code == 404  # nobody else's application is visible
    client.force_login(worker)
    assert client.post(url, {"response": ""}).status_code == 400
    response = client.post(url, {"response": "Transcript attached to my email"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert client.post(url, {"response": "Again"}).status_code == 400  # nothing is waiting for an answer now


def test_regulator_revokes_a_condition_and_ends_an_annotation_through_the_api(client, entry, regulator, worker):
    from regulation import services

    condition = services.add_condition(
        entry=entry,
        by=regulator,
        text="Supervised practice",
        starts_on=datetime.date(2027, 3, 2),
        ends_on=datetime.date(2028, 3, 1),
    )
    annotation = services.add_annotation(entry=entry, by=regulator, kind="amhp", starts_on=datetime.date(2027, 3, 2))
    client.force_login(worker)
    assert client.post(f"/api/v1/register/conditions/{condition.pk}/revoke/", {"reason": "x"}).status_code == 403
    client.force_login(regulator)
    assert client.post(f"/api/v1/register/conditions/{condition.pk}/revoke/", {"reason": ""}).status_code == 400
    revoked = client.post(f"/api/v1/register/conditions/{condition.pk}/revoke/", {"reason": "Order met"})
    assert revoked.status_code == 200, revoked.json()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED
    assert client.post(f"/api/v1/register/conditions/{condition.pk}/revoke/", {"reason": "Again"}).status_code == 400
    bad = client.post(f"/api/v1/register/annotations/{annotation.pk}/end/", {"ends_on": "2027-01-01", "reason": "x"})
    assert bad.status_code == 400
    ended = client.post(
        f"/api/v1/register/annotations/{annotation.pk}/end/", {"ends_on": "2027-03-10", "reason": "Left"}
    )
    assert ended.status_code == 200, ended.json()
    annotation.refresh_from_db()
    assert annotation.ends_on == datetime.date(2027, 3, 10)
