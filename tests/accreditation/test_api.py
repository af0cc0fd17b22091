"""The API: same rules as the pages, and the answer key never in a candidate's JSON."""

import datetime
import json

import pytest

from accounts.models import Role
from accreditation import services
from accreditation.models import Attempt, Candidate, Item, Option
from tests.factories import make_user

from .conftest import map_all

pytestmark = pytest.mark.django_db


def test_manager_nominates_and_endorses_through_the_api(client, manager, worker, leeds):
    client.force_login(manager)
    response = client.post(
        "/api/v1/accreditation/candidates/nominate/",
        {"user": worker.pk, "level": "practitioner", "organisation": leeds.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    statements = {f"p{n}": "Example" for n in range(1, 11)}
    response = client.post(
        f"/api/v1/accreditation/candidates/{pk}/mapping/", {"statements": statements}, content_type="application/json"
    )
    assert response.status_code == 200 and len(response.json()["mappings"]) == 10
    response = client.post(
        f"/api/v1/accreditation/candidates/{pk}/endorse/", {"reason": "Ready"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["stage"] == "knowledge"


def test_api_refusals_are_400_with_the_reason(client, manager, nominated):
    client.force_login(manager)
    response = client.post(
        f"/api/v1/accreditation/candidates/{nominated.pk}/endorse/", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "every domain" in response.json()["detail"]


def test_worker_cannot_endorse_through_the_api(client, worker, nominated):
    map_all(nominated, worker)
    client.force_login(worker)
    response = client.post(
        f"/api/v1/accreditation/candidates/{nominated.pk}/endorse/", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    nominated.refresh_from_db()
    assert nominated.stage == "endorsement"


def test_candidate_takes_the_test_through_the_api_and_never_sees_the_key(client, worker, endorsed, bank):
    client.force_login(worker)
    response = client.post(f"/api/v1/accreditation/candidates/{endorsed.pk}/tests/")
    assert response.status_code == 201
    body = response.json()
    assert len(body["questions"]) == 30 and body["seconds_left"] == 3600
    text = json.dumps(body)
    assert "is_correct" not in text and "correct" not in text and "rationale" not in text
    first = body["questions"][0]
    pk = body["id"]
    response = client.post(
        f"/api/v1/accreditation/tests/{pk}/answers/",
        {"position": 1, "options": [first["options"][0]["id"]]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["selected"] == [first["options"][0]["id"]]
    again = client.get(f"/api/v1/accreditation/tests/{pk}/").json()
    assert again["questions"][0]["selected"] == [first["options"][0]["id"]]
    result = client.post(f"/api/v1/accreditation/tests/{pk}/submit/").json()
    assert result["status"] == "marked" and result["questions"] == [] and result["breakdown"]
    assert "is_correct" not in json.dumps(result)
    assert client.post(f"/api/v1/accreditation/tests/{pk}/submit/").json()["score"] == result["score"]


def test_api_refuses_answers_to_someone_elses_test(client, worker, endorsed, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=1).item.options.first()
    client.force_login(make_user(Role.SOCIAL_WORKER))
    response = client.post(
        f"/api/v1/accreditation/tests/{attempt.pk}/answers/",
        {"position": 1, "options": [option.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/accreditation/tests/{attempt.pk}/").status_code == 403


def test_api_refuses_an_item_not_on_the_form_and_answers_after_the_deadline(
    client, worker, endorsed, bank, time_machine, now
):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    foreign = Option.objects.exclude(item__in=attempt.items.values("item")).first()
    response = client.post(
        f"/api/v1/accreditation/tests/{attempt.pk}/answers/",
        {"position": 1, "options": [foreign.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    time_machine.move_to(now + datetime.timedelta(minutes=60, seconds=5), tick=False)
    client.force_login(worker)
    mine = attempt.items.get(position=1).item.options.first()
    response = client.post(
        f"/api/v1/accreditation/tests/{attempt.pk}/answers/",
        {"position": 1, "options": [mine.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Time is up" in response.json()["detail"]


def test_api_refuses_a_start_without_endorsement(client, worker, nominated, bank):
    client.force_login(worker)
    response = client.post(f"/api/v1/accreditation/candidates/{nominated.pk}/tests/")
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_candidate_list_is_scoped(client, worker, nominated, manager):
    client.force_login(make_user(Role.LINE_MANAGER))
    assert client.get("/api/v1/accreditation/candidates/").json()["count"] == 0
    client.force_login(manager)
    assert client.get("/api/v1/accreditation/candidates/").json()["count"] == 1
    client.force_login(worker)
    assert client.get("/api/v1/accreditation/candidates/").json()["count"] == 1


def test_bank_api_for_regulator_staff_only(client, author, regulator, worker):
    client.force_login(worker)
    assert client.get("/api/v1/accreditation/items/").status_code == 403
    client.force_login(author)
    response = client.post(
        "/api/v1/accreditation/items/",
        {
            "level": "practitioner",
            "domain_key": "p3",
            "kind": "single",
            "stem": "At what age do most children walk independently?",
            "options": [
                {"text": "About 12 months", "correct": True},
                {"text": "About 6 months"},
                {"text": "About 24 months"},
                {"text": "About 3 months"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post(f"/api/v1/accreditation/items/{pk}/send-for-review/").status_code == 200
    refused = client.post(
        f"/api/v1/accreditation/items/{pk}/review/", {"approve": True, "reason": "ok"}, content_type="application/json"
    )
    assert refused.status_code == 400
    client.force_login(regulator)
    ok = client.post(
        f"/api/v1/accreditation/items/{pk}/review/", {"approve": True, "reason": "ok"}, content_type="application/json"
    )
    assert ok.json()["status"] == "live"
    assert Item.objects.get(pk=pk).reviewed_by == regulator


def test_pipeline_and_statistics_for_regulator_staff(client, regulator, worker, endorsed, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    services.submit_attempt(attempt=attempt, by=worker)
    client.force_login(regulator)
    pipeline = client.get("/api/v1/accreditation/pipeline/").json()
    assert pipeline["rows"][0]["sat"] == 1
    stats = client.get("/api/v1/accreditation/statistics/?level=practitioner").json()
    assert len(stats["items"]) == 30 and stats["forms"]["results"][0]["score"] == 0
    assert stats["forms"]["count"] == 1 and stats["forms"]["next"] is None
    client.force_login(worker)
    assert client.get("/api/v1/accreditation/pipeline/").status_code == 403


def test_pathway_api(client, worker, endorsed):
    client.force_login(worker)
    levels = client.get("/api/v1/accreditation/pathway/").json()
    assert [level["level"] for level in levels] == ["practitioner", "supervisor", "leader"]
    assert levels[0]["stages"][1]["state"] == "Current"
    assert Candidate.objects.count() == 1
