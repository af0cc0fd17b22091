"""Drawing forms, taking the test, the server's deadline, marking, resits and attempt limits."""

import datetime
import random
from collections import Counter

import pytest

from accounts.models import AuditEvent, Role
from accounts.services import ServiceError
from accreditation import services
from accreditation.models import Attempt, AttemptItem, Candidate, Item, Level, LevelSettings
from accreditation.services.assessment import draw_form
from accreditation.tasks import mark_overdue_tests
from tests.factories import make_user

from .conftest import answer_all_correctly, build_bank, map_all

pytestmark = pytest.mark.django_db


def test_form_has_default_shape_and_is_balanced_across_domains(bank):
    settings = LevelSettings.objects.get(level="practitioner")
    scenario, items = draw_form(level="practitioner", settings=settings, rng=random.Random(1))
    assert len(items) == 30
    general, applied = items[:18], items[18:]
    assert all(i.scenario_id is None for i in general)
    assert {i.scenario_id for i in applied} == {scenario.pk}
    per_domain = Counter(i.domain_key for i in general)
    assert len(per_domain) == 10  # every domain
    assert max(per_domain.values()) - min(per_domain.values()) <= 1


def test_supervisor_form_uses_practitioner_general_items_and_supervisor_applied_items(author):
    build_bank(Level.SUPERVISOR, author, general_level=Level.PRACTITIONER)
    settings = LevelSettings.objects.get(level="supervisor")
    scenario, items = draw_form(level="supervisor", settings=settings)
    assert {i.level for i in Item.objects.filter(pk__in=[i.pk for i in items[:18]])} == {"practitioner"}
    assert {i.level for i in Item.objects.filter(pk__in=[i.pk for i in items[18:]])} == {"supervisor"}
    assert scenario.level == "supervisor"


def test_a_bank_too_small_refuses_to_draw(author):
    build_bank(Level.LEADER, author, general=5)
    with pytest.raises(ServiceError, match="enough general items"):
        draw_form(level="leader", settings=LevelSettings.objects.get(level="leader"))


def test_retired_and_draft_items_are_never_drawn(bank, author):
    settings = LevelSettings.objects.get(level="practitioner")
    retired = [i.pk for i in Item.objects.filter(scenario__isnull=True)[:2]]
    for item in Item.objects.filter(pk__in=retired):
        services.retire_item(item=item, by=author, reason="Weak discrimination")
    _, items = draw_form(level="practitioner", settings=settings)
    assert not {i.pk for i in items} & set(retired)
    services.revise_item(
        item=Item.objects.filter(status="live", scenario__isnull=True, kind="single").first(),
        by=author,
        stem="Draft",
        options=[(str(n), n == 0) for n in range(4)],
    )
    services.retire_item(item=Item.objects.filter(status="live", scenario__isnull=True).first(), by=author, reason="x")
    with pytest.raises(ServiceError, match="enough general items"):
        draw_form(level="practitioner", settings=settings)  # 17 live; the new draft does not count


def test_an_attempt_cannot_start_without_endorsement(nominated, worker, bank):
    with pytest.raises(ServiceError, match="endorsed"):
        services.start_attempt(candidate=nominated, by=worker)
    assert not Attempt.objects.exists()


def test_someone_else_cannot_start_the_candidates_test(endorsed, manager, bank):
    with pytest.raises(ServiceError, match="Only the candidate"):
        services.start_attempt(candidate=endorsed, by=manager)


def test_starting_twice_returns_the_same_attempt(endorsed, worker, bank):
    first = services.start_attempt(candidate=endorsed, by=worker)
    second = services.start_attempt(candidate=endorsed, by=worker)
    assert first.pk == second.pk
    assert first.items.count() == 30
    assert first.deadline - first.started_at == datetime.timedelta(minutes=60)


def test_extra_time_is_added_to_the_deadline(endorsed, worker, bank, regulator):
    services.set_adjustment(candidate=endorsed, by=regulator, extra_minutes=15, note="Dyslexia")
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=75)
    services.set_adjustment(candidate=endorsed, by=regulator, extra_minutes=25, note="Dyslexia, reviewed")
    attempt.refresh_from_db()
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=85)


def test_answers_save_and_can_change(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    row = attempt.items.get(position=1)
    options = list(row.item.options.values_list("pk", flat=True))
    services.save_answer(attempt=attempt, position=1, option_ids=[options[0]], by=worker)
    services.save_answer(attempt=attempt, position=1, option_ids=[options[1]], by=worker)
    row.refresh_from_db()
    assert row.selected == [options[1]]


def test_answers_to_someone_elses_attempt_are_refused(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=1).item.options.first()
    with pytest.raises(ServiceError, match="not your test"):
        services.save_answer(attempt=attempt, position=1, option_ids=[option.pk], by=make_user(Role.SOCIAL_WORKER))
    assert not attempt.items.exclude(selected=[]).exists()


def test_an_answer_to_an_item_not_on_the_form_is_refused(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    with pytest.raises(ServiceError, match="not on your test"):
        services.save_answer(attempt=attempt, position=31, option_ids=[], by=worker)
    other_item = Item.objects.exclude(pk__in=attempt.items.values("item_id")).first()
    foreign_option = other_item.options.first()
    with pytest.raises(ServiceError, match="not one of this question's options"):
        services.save_answer(attempt=attempt, position=1, option_ids=[foreign_option.pk], by=worker)


def test_too_many_answers_are_refused(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    single = attempt.items.filter(item__kind="single").first()
    ids = list(single.item.options.values_list("pk", flat=True))
    with pytest.raises(ServiceError, match="no more than 1 answer"):
        services.save_answer(attempt=attempt, position=single.position, option_ids=ids[:2], by=worker)


def test_answers_after_the_deadline_are_refused(endorsed, worker, bank, time_machine, now):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    option = attempt.items.get(position=1).item.options.first()
    time_machine.move_to(now + datetime.timedelta(minutes=60, seconds=1), tick=False)
    with pytest.raises(ServiceError, match="Time is up"):
        services.save_answer(attempt=attempt, position=1, option_ids=[option.pk], by=worker)
    assert attempt.items.get(position=1).selected == []


def test_all_correct_passes_and_moves_to_observation(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    answer_all_correctly(attempt, worker)
    attempt = services.submit_attempt(attempt=attempt, by=worker)
    assert attempt.passed and attempt.score == 30
    assert sum(d["total"] for d in attempt.breakdown) == 30
    assert {d["title"] for d in attempt.breakdown} >= {"Child development"}
    endorsed.refresh_from_db()
    assert endorsed.stage == Candidate.Stage.OBSERVATION


def test_multiple_answer_items_need_exactly_the_three_correct(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    multi = attempt.items.filter(item__kind="multiple").select_related("item").first()
    correct = list(multi.item.options.filter(is_correct=True).values_list("pk", flat=True))
    services.save_answer(attempt=attempt, position=multi.position, option_ids=correct[:2], by=worker)
    services.submit_attempt(attempt=attempt, by=worker)
    multi.refresh_from_db()
    assert multi.correct is False


def test_pass_mark_is_applied(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    answer_all_correctly(attempt, worker, wrong=10)  # 20 of 30 = 67% < 70%
    attempt = services.submit_attempt(attempt=attempt, by=worker)
    assert attempt.score == 20 and attempt.passed is False
    endorsed.refresh_from_db()
    assert endorsed.stage == Candidate.Stage.KNOWLEDGE


def test_double_submission_gives_one_result(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    answer_all_correctly(attempt, worker)
    first = services.submit_attempt(attempt=attempt, by=worker)
    second = services.submit_attempt(attempt=attempt, by=worker)
    assert first.score == second.score
    assert AuditEvent.objects.filter(action="test_marked").count() == 1
    with pytest.raises(ServiceError, match="submitted"):
        services.save_answer(attempt=attempt, position=1, option_ids=[], by=worker)


def test_the_deadline_task_marks_a_test_left_open(endorsed, worker, bank, time_machine, now):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    answer_all_correctly(attempt, worker)
    time_machine.move_to(now + datetime.timedelta(minutes=59), tick=False)
    assert mark_overdue_tests.delay().get() == 0
    time_machine.move_to(now + datetime.timedelta(minutes=61), tick=False)
    assert mark_overdue_tests.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKED and attempt.ended_by_deadline and attempt.passed
    assert attempt.submitted_at == attempt.deadline
    assert mark_overdue_tests.delay().get() == 0  # idempotent


def test_resit_waits_and_attempt_limit(endorsed, worker, bank, time_machine, now):
    settings = LevelSettings.objects.get(level="practitioner")
    settings.attempt_limit = 2
    settings.save()
    first = services.start_attempt(candidate=endorsed, by=worker)
    services.submit_attempt(attempt=first, by=worker)  # nothing answered: fails
    with pytest.raises(ServiceError, match="resit from"):
        services.start_attempt(candidate=endorsed, by=worker)
    time_machine.move_to(now + datetime.timedelta(days=settings.resit_wait_days), tick=False)
    second = services.start_attempt(candidate=endorsed, by=worker)
    assert second.number == 2
    assert second.scenario_id is not None
    services.submit_attempt(attempt=second, by=worker)
    endorsed.refresh_from_db()
    assert endorsed.status == Candidate.Status.CLOSED
    time_machine.move_to(now + datetime.timedelta(days=400), tick=False)
    with pytest.raises(ServiceError):
        services.start_attempt(candidate=endorsed, by=worker)
    assert Attempt.objects.count() == 2


def test_an_item_used_on_a_form_is_never_edited(endorsed, worker, bank, author, regulator):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    used = attempt.items.get(position=1).item
    before = (used.stem, list(used.options.values_list("text", "is_correct")))
    options = (
        [(f"New {n}", n == 0) for n in range(4)] if used.kind == "single" else [(f"New {n}", n < 3) for n in range(8)]
    )
    new = services.revise_item(item=used, by=author, stem="Reworded", options=options)
    assert new.pk != used.pk and new.version == used.version + 1 and new.status == "draft"
    used.refresh_from_db()
    assert (used.stem, list(used.options.values_list("text", "is_correct"))) == before
    services.submit_for_review(item=new, by=author)
    with pytest.raises(ServiceError, match="other than the author"):
        services.review_item(item=new, by=author, approve=True, reason="Fine")
    services.review_item(item=new, by=regulator, approve=True, reason="Clearer")
    used.refresh_from_db()
    assert used.status == "retired" and "version 2" in used.retired_reason


def test_item_shape_is_checked(author):
    with pytest.raises(ServiceError, match="4 options"):
        services.create_item(
            level="practitioner", domain_key="p1", kind="single", stem="Q", options=[("a", True)], by=author
        )
    with pytest.raises(ServiceError, match="exactly 3"):
        services.create_item(
            level="practitioner",
            domain_key="p1",
            kind="multiple",
            stem="Q",
            options=[(str(n), n < 2) for n in range(8)],
            by=author,
        )
    with pytest.raises(ServiceError, match="domain"):
        services.create_item(
            level="practitioner",
            domain_key="s1",
            kind="single",
            stem="Q",
            options=[(str(n), n == 0) for n in range(4)],
            by=author,
        )
    assert not Item.objects.exists()


def test_marking_leaves_the_register_alone(endorsed, worker, bank):
    attempt = services.start_attempt(candidate=endorsed, by=worker)
    services.submit_attempt(attempt=attempt, by=worker)
    worker.register_entry.refresh_from_db()
    assert worker.register_entry.status == "registered"
    assert AttemptItem.objects.filter(attempt=attempt, correct=False).count() == 30


def test_candidate_map_all_helper_is_complete(nominated, manager):
    map_all(nominated, manager)
    assert nominated.mappings.count() == 10
