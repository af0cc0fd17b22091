"""The pages: nomination to result through the views, the answer key never in the HTML, bounded queries."""

import datetime
import re

import pytest

from accounts.models import Role
from accreditation import services
from accreditation.models import Attempt, Candidate, Item, Option
from tests.factories import make_user
from tests.regulation.conftest import register

from .conftest import build_bank

pytestmark = pytest.mark.django_db


def test_manager_nominates_maps_and_endorses_through_the_pages(client, manager, worker, leeds):
    client.force_login(manager)
    page = client.get("/accreditation/nominate/")
    assert "Sam Okafor" in page.content.decode()
    response = client.post("/accreditation/nominate/", {"person": worker.pk, "level": "practitioner"})
    c = Candidate.objects.get(user=worker)
    assert response.status_code == 302 and response["Location"] == f"/accreditation/candidates/{c.pk}/"
    data = {"action": "map", **{f"map-domain_{d.key}": f"Example for {d.key}" for d in c.standard.domains.all()}}
    assert client.post(f"/accreditation/candidates/{c.pk}/", data).status_code == 302
    assert c.mappings.count() == 10
    response = client.post(
        f"/accreditation/candidates/{c.pk}/",
        {"action": "decide", "decide-decision": "endorse", "decide-reason": "Ready"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == "knowledge"


def test_decision_without_reasons_names_the_field_and_saves_nothing(client, manager, nominated):
    client.force_login(manager)
    response = client.post(
        f"/accreditation/candidates/{nominated.pk}/", {"action": "decide", "decide-decision": "decline"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert 'href="#id_decide-reason"' in response.content.decode()
    nominated.refresh_from_db()
    assert nominated.status == "active"


def test_worker_cannot_decide_their_own_endorsement(client, worker, nominated):
    client.force_login(worker)
    response = client.post(
        f"/accreditation/candidates/{nominated.pk}/",
        {"action": "decide", "decide-decision": "endorse", "decide-reason": "Me"},
    )
    assert response.status_code == 403
    nominated.refresh_from_db()
    assert nominated.stage == "endorsement"


def test_worker_asks_their_employer(client, worker, leeds):
    client.force_login(worker)
    response = client.post("/accreditation/ask/", {"level": "leader", "organisation": leeds.pk})
    assert response.status_code == 302
    assert Candidate.objects.get(user=worker).endorsement == "requested"


def test_ask_refuses_an_employer_the_register_does_not_show(client, worker):
    client.force_login(worker)
    other = make_user(Role.LINE_MANAGER).active_memberships[0].organisation
    response = client.post("/accreditation/ask/", {"level": "leader", "organisation": other.pk})
    assert response.status_code == 200
    assert not Candidate.objects.exists()


def _correct_ids():
    return set(Option.objects.filter(is_correct=True).values_list("pk", flat=True))


def _option_values(html):
    return {int(v) for v in re.findall(r'name="answer" type="(?:radio|checkbox)" value="(\d+)"', html)}


def test_taking_the_test_one_page_at_a_time_with_reload(client, worker, endorsed, bank):
    client.force_login(worker)
    assert client.get(f"/accreditation/candidates/{endorsed.pk}/test/").status_code == 200
    response = client.post(f"/accreditation/candidates/{endorsed.pk}/test/")
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/accreditation/tests/{attempt.pk}/questions/1/"
    page = client.get(response["Location"]).content.decode()
    assert "Question 1 of 30" in page and "Time left" in page
    row = attempt.items.get(position=1)
    chosen = sorted(_option_values(page))[0]
    response = client.post(f"/accreditation/tests/{attempt.pk}/questions/1/", {"answer": [chosen], "go": "next"})
    assert response["Location"] == f"/accreditation/tests/{attempt.pk}/questions/2/"
    # A reload shows the saved answer ticked.
    again = client.get(f"/accreditation/tests/{attempt.pk}/questions/1/").content.decode()
    assert f'value="{chosen}" checked' in again
    row.refresh_from_db()
    assert row.selected == [chosen]
    response = client.post(f"/accreditation/tests/{attempt.pk}/check/")
    assert response["Location"] == f"/accreditation/tests/{attempt.pk}/result/"
    result = client.get(response["Location"]).content.decode()
    assert "Your result by domain" in result
    assert "Child development" in result or "Communication" in result


def test_the_answer_key_never_reaches_the_candidates_pages(client, worker, endorsed, bank):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    correct = _correct_ids()
    for n in (1, 18, 19, 30):
        html = client.get(f"/accreditation/tests/{attempt.pk}/questions/{n}/").content.decode()
        assert "is_correct" not in html and "Correct</strong>" not in html and "rationale" not in html.lower()
        assert _option_values(html)  # options are there, with no mark of which are right
    services.submit_attempt(attempt=attempt, by=worker)
    html = client.get(f"/accreditation/tests/{attempt.pk}/result/").content.decode()
    for pk in correct:
        assert f'value="{pk}"' not in html
    assert "Option" not in html  # no option text on the result page


def test_an_answer_after_the_deadline_is_refused_and_the_test_marked(client, worker, endorsed, bank, time_machine, now):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=1).item.options.first()
    time_machine.move_to(now + datetime.timedelta(minutes=61), tick=False)
    client.force_login(worker)  # the session's own idle limit is not what this test is about
    response = client.post(f"/accreditation/tests/{attempt.pk}/questions/1/", {"answer": [option.pk]})
    assert response["Location"] == f"/accreditation/tests/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status == "marked" and attempt.items.get(position=1).selected == []


def test_answering_someone_elses_test_is_refused(client, worker, endorsed, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=1).item.options.first()
    client.force_login(make_user(Role.SOCIAL_WORKER))
    response = client.post(f"/accreditation/tests/{attempt.pk}/questions/1/", {"answer": [option.pk]})
    assert response.status_code == 403
    assert attempt.items.get(position=1).selected == []


def test_a_bad_answer_names_the_field(client, worker, endorsed, bank):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    response = client.post(f"/accreditation/tests/{attempt.pk}/questions/1/", {"answer": ["999999"]})
    assert response.status_code == 400
    assert "not one of this question" in response.content.decode()
    assert attempt.items.get(position=1).selected == []


def test_double_submission_from_two_tabs_gives_one_result(client, worker, endorsed, bank):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    client.post(f"/accreditation/tests/{attempt.pk}/check/")
    client.post(f"/accreditation/tests/{attempt.pk}/check/")
    assert Attempt.objects.get().status == "marked"
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="test_marked").count() == 1


def test_answer_save_costs_a_bounded_number_of_queries(
    client, worker, endorsed, bank, author, regulator, django_assert_max_num_queries
):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=2).item.options.first()
    client.get(f"/accreditation/tests/{attempt.pk}/questions/1/")
    with django_assert_max_num_queries(14) as small:
        client.post(f"/accreditation/tests/{attempt.pk}/questions/2/", {"answer": [option.pk], "go": "next"})
    build_bank("practitioner", author, general=60, scenarios=3)  # a bigger bank, more candidates
    for _ in range(3):
        other = make_user(Role.SOCIAL_WORKER)
        register(other, regulator)
        c = Candidate.objects.create(
            user=other,
            level="practitioner",
            standard=endorsed.standard,
            organisation=endorsed.organisation,
            registration_number="SW1",
            endorsement="endorsed",
            endorsement_reason="x",
            stage="knowledge",
            started_by=other,
        )
        services.start_attempt(candidate=c, by=other)
    option = attempt.items.get(position=3).item.options.first()
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        client.post(f"/accreditation/tests/{attempt.pk}/questions/3/", {"answer": [option.pk], "go": "next"})
    with django_assert_max_num_queries(16):
        client.get(f"/accreditation/tests/{attempt.pk}/questions/4/")
    assert len(big.captured_queries) == len(small.captured_queries)


def test_home_page_shows_the_pathway_and_what_is_next(client, worker, endorsed, bank):
    client.force_login(worker)
    html = client.get("/").content.decode()
    assert "Your accreditation pathway" in html
    assert "Take the knowledge assessment: 30 questions in 60 minutes." in html
    assert "Knowledge assessment: Current" in html


def test_pathway_page_shows_four_stages_per_level(client, worker, endorsed):
    client.force_login(worker)
    html = client.get("/accreditation/").content.decode()
    for label in ("Employer endorsement", "Knowledge assessment", "Practice observation", "Decision and certificate"):
        assert html.count(label) == 3
    assert "Practice Leader" in html


def test_manager_downloads_nominees_csv(client, manager, nominated):
    client.force_login(manager)
    response = client.get("/accreditation/nominees.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Sam Okafor" in body and "Employer endorsement" in body


def test_nominees_page_shows_a_pause(client, manager, endorsed, worker, regulator):
    from regulation import services as register_services

    register_services.remove_voluntarily(entry=worker.register_entry, by=regulator, reason="Moving abroad")
    client.force_login(manager)
    html = client.get("/accreditation/nominees/").content.decode()
    assert "Paused" in html and "Moving abroad" in html


def test_regulator_pages_and_statistics(client, regulator, worker, endorsed, bank, django_assert_max_num_queries):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    services.submit_attempt(attempt=attempt, by=worker)
    client.force_login(regulator)
    with django_assert_max_num_queries(25):
        html = client.get("/accreditation/staff/").content.decode()
    assert "Candidates per stage and level" in html
    html = client.get("/accreditation/staff/statistics/").content.decode()
    assert "Facility" in html
    csv = b"".join(client.get("/accreditation/staff/statistics/?format=csv").streaming_content).decode("utf-8-sig")
    assert "Discrimination" in csv
    html = client.get("/accreditation/staff/bank/").content.decode()
    assert "Live items per domain" in html


def test_regulator_writes_an_item_and_a_colleague_approves_it(client, regulator, author):
    client.force_login(author)
    response = client.post(
        "/accreditation/staff/bank/new/",
        {
            "level": "leader",
            "domain_key": "l2",
            "kind": "single",
            "stem": "Which is the clearest sign of a learning culture?",
            "options": "*Practitioners raise mistakes openly\nAudits are passed\nCaseloads fall\nTraining is mandatory",
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302 and item.status == "draft"
    assert item.options.get(is_correct=True).text == "Practitioners raise mistakes openly"
    client.post(f"/accreditation/staff/bank/{item.pk}/", {"action": "submit"})
    client.force_login(regulator)
    client.post(
        f"/accreditation/staff/bank/{item.pk}/",
        {"action": "review", "review-decision": "approve", "review-reason": "Clear"},
    )
    item.refresh_from_db()
    assert item.status == "live" and item.reviewed_by == regulator


def test_regulator_revises_the_standard_through_the_page(client, regulator):
    client.force_login(regulator)
    from accreditation.services import current_standard

    standard = current_standard("leader")
    data = {"reason": "Wording"}
    for d in standard.domains.all():
        data[f"title_{d.key}"] = d.title + (" (revised)" if d.key == "l1" else "")
        data[f"description_{d.key}"] = ""
    assert client.post("/accreditation/staff/standards/leader/", data).status_code == 302
    assert current_standard("leader").version == 2


def test_multiple_answer_questions_are_checkboxes_and_single_are_radios(client, worker, endorsed, bank):
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    for row in attempt.items.select_related("item")[:6]:
        html = client.get(f"/accreditation/tests/{attempt.pk}/questions/{row.position}/").content.decode()
        kind = "checkbox" if row.item.kind == "multiple" else "radio"
        assert f'name="answer" type="{kind}"' in html
    multi = attempt.items.filter(item__kind="multiple").first()
    ids = list(multi.item.options.values_list("pk", flat=True))[:3]
    client.post(f"/accreditation/tests/{attempt.pk}/questions/{multi.position}/", {"answer": ids})
    multi.refresh_from_db()
    assert multi.selected == sorted(ids)


def test_a_save_from_a_stale_tab_is_refused_and_shows_the_answer_saved(client, worker, endorsed, bank):
    """Two tabs on one question: the second tab's save does not silently overwrite the first's."""
    client.force_login(worker)
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    url = f"/accreditation/tests/{attempt.pk}/questions/1/"
    first_tab = client.get(url).content.decode()
    second_tab = client.get(url).content.decode()
    seen = re.search(r'name="seen" value="([^"]*)"', first_tab).group(1)
    assert seen == re.search(r'name="seen" value="([^"]*)"', second_tab).group(1) == ""
    options = [int(v) for v in _option_values(first_tab)]
    assert client.post(url, {"answer": [options[0]], "seen": seen}).status_code == 302
    stale = client.post(url, {"answer": [options[1]], "seen": seen})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "changed in another tab or window" in page
    assert re.search(rf'value="{options[0]}"[^>]*checked', page)  # the answer saved, not the stale one
    assert attempt.items.get(position=1).selected == [options[0]]
    fresh = re.search(r'name="seen" value="([^"]*)"', client.get(url).content.decode()).group(1)
    assert client.post(url, {"answer": [options[1]], "seen": fresh}).status_code == 302
    assert attempt.items.get(position=1).selected == [options[1]]


def test_a_pass_result_links_to_booking_rather_than_promising_a_message(client, worker, endorsed, bank):
    from .conftest import answer_all_correctly

    attempt = services.start_attempt(candidate=endorsed, by=worker)
    answer_all_correctly(attempt, worker)
    services.submit_attempt(attempt=attempt, by=worker)
    client.force_login(worker)
    page = client.get(f"/accreditation/tests/{attempt.pk}/result/").content.decode()
    assert f'href="/accreditation/candidates/{endorsed.pk}/observation/book/">Book your assessment day' in page
    assert "We will tell you" not in page
    assert client.get(f"/accreditation/candidates/{endorsed.pk}/observation/book/").status_code == 200


def test_nominees_come_a_page_at_a_time_and_the_csv_in_batches(
    client, manager, leeds, regulator, monkeypatch, django_assert_num_queries
):
    """A council with more nominees than a page: the page shows one page with GOV.UK pagination and costs the same
    queries whatever the list's length; the CSV holds everyone, read a batch at a time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accreditation.views import managers

    from .certification_factories import CandidateAtDecisionFactory

    monkeypatch.setattr(managers, "NOMINEES_PER_PAGE", 4)
    monkeypatch.setattr(managers, "CSV_BATCH", 3)
    client.force_login(manager)

    def page_queries(url):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return html, len(ctx.captured_queries)

    for n in range(5):
        CandidateAtDecisionFactory(organisation=leeds, regulator=regulator, last_name=f"Nominee{n:02d}")
    _, five = page_queries("/accreditation/nominees/")
    for n in range(5, 10):
        CandidateAtDecisionFactory(organisation=leeds, regulator=regulator, last_name=f"Nominee{n:02d}")
    html, ten = page_queries("/accreditation/nominees/")
    assert ten == five, "the page's queries grew with the list"
    assert "10 candidates" in html and "Showing 1 to 4" in html and "1 of 3</li>" in html
    assert "Nominee00" in html and "Nominee04" not in html and 'href="?page=2"' in html
    html = client.get("/accreditation/nominees/?page=3").content.decode()
    assert "Nominee08" in html and "Nominee09" in html and "Nominee07" not in html

    response = client.get("/accreditation/nominees.csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 11 and [line.split(",")[0] for line in lines[1:]] == [f"Sam Nominee{n:02d}" for n in range(10)]
