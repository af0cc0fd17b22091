"""Item statistics are added up by the database, one row per item however many candidates sat the test, and agree
with the textbook definitions (Python's own ``statistics.correlation``); the forms are read a page at a time."""

import random
import statistics

import pytest

from accreditation import selectors, services
from accreditation.models import Attempt, AttemptItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked_forms(worker, endorsed, bank):
    """The real test sat once, then 64 more marked forms drawing the same items with random answers."""
    first = services.start_attempt(candidate=endorsed, by=worker)
    services.submit_attempt(attempt=first, by=worker)
    first.refresh_from_db()
    item_ids = list(first.items.order_by("position").values_list("item_id", flat=True))
    rng = random.Random(4)
    for number in range(2, 66):
        answers = [rng.random() < 0.3 + 0.5 * (i % 3) / 2 for i in range(len(item_ids))]
        attempt = Attempt.objects.create(
            candidate=endorsed,
            number=number,
            standard=first.standard,
            deadline=first.deadline,
            status=Attempt.Status.MARKED,
            pass_mark_percent=first.pass_mark_percent,
            score=sum(answers),
            max_score=first.max_score,
            passed=False,
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(attempt=attempt, position=p, item_id=i, correct=c)
            for p, (i, c) in enumerate(zip(item_ids, answers, strict=True), start=1)
        )
    return item_ids


def _expected() -> dict[int, tuple[float, float | None]]:
    answers: dict[int, list[tuple[int, int]]] = {}
    for item_id, correct, score in AttemptItem.objects.filter(attempt__status=Attempt.Status.MARKED).values_list(
        "item_id", "correct", "attempt__score"
    ):
        right = 1 if correct else 0
        answers.setdefault(item_id, []).append((right, (score or 0) - right))
    expected = {}
    for item_id, pairs in answers.items():
        xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
        try:
            discrimination = round(statistics.correlation(xs, ys), 2)
        except statistics.StatisticsError:  # an item everyone got right (or wrong) separates no one
            discrimination = None
        expected[item_id] = (round(statistics.fmean(xs), 2), discrimination)
    return expected


def test_facility_and_discrimination_are_the_textbook_figures(marked_forms, django_assert_num_queries):
    with django_assert_num_queries(2):
        stats = selectors.item_statistics()
    found = {r["item_id"]: (r["facility"], r["discrimination"]) for r in stats["items"]}
    assert found == _expected()
    assert all(r["responses"] == 65 for r in stats["items"])
    weakest_first = [r["discrimination"] for r in stats["items"] if r["discrimination"] is not None]
    assert weakest_first == sorted(weakest_first)


def test_forms_are_paged_with_the_mean_facility_of_their_items(client, regulator, marked_forms):
    client.force_login(regulator)
    first = client.get("/accreditation/staff/statistics/").content.decode()
    assert "Per form (each candidate's drawn test): 65, in the order sat" in first
    assert "Page </span>1 of 2" in first
    second = client.get("/accreditation/staff/statistics/?page=2").content.decode()
    facility = selectors.item_statistics()["facility"]
    last = Attempt.objects.order_by("-id").first()
    mean = round(sum(facility[i] for i in last.items.values_list("item_id", flat=True)) / len(marked_forms), 2)
    assert f'<td class="govuk-table__cell">{last.pk}</td>' in second
    assert f"{last.score} of {last.max_score}" in second and str(mean) in second


def test_the_page_costs_the_same_queries_however_many_sat_it(
    client, regulator, marked_forms, django_assert_max_num_queries
):
    client.force_login(regulator)
    client.get("/accreditation/staff/statistics/")
    with django_assert_max_num_queries(12):
        client.get("/accreditation/staff/statistics/")


def test_the_bank_counts_each_items_uses_for_the_page_only(client, regulator, marked_forms):
    client.force_login(regulator)
    page = client.get("/accreditation/staff/bank/").content.decode()
    item_id = marked_forms[0]
    uses = AttemptItem.objects.filter(item_id=item_id).count()
    assert uses == 65
    row = page[page.index(f'href="/accreditation/staff/bank/{item_id}/"') :]
    row = row[: row.index("</tr>")]
    assert row.endswith(f'<td class="govuk-table__cell govuk-table__cell--numeric">{uses}</td>')


def test_the_api_gives_the_same_figures_and_pages_the_forms(client, regulator, marked_forms):
    client.force_login(regulator)
    first = client.get("/api/v1/accreditation/statistics/").json()
    assert {r["item_id"]: (r["facility"], r["discrimination"]) for r in first["items"]} == _expected()
    assert first["forms"]["count"] == 65 and len(first["forms"]["results"]) == 50 and first["forms"]["next"]
    second = client.get(first["forms"]["next"]).json()
    assert len(second["forms"]["results"]) == 15 and second["forms"]["next"] is None
    assert [f["attempt_id"] for f in first["forms"]["results"] + second["forms"]["results"]] == list(
        Attempt.objects.filter(status=Attempt.Status.MARKED).order_by("id").values_list("id", flat=True)
    )
