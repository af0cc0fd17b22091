"""The knowledge assessment: a form drawn per candidate, answers saved page by page, a server-kept deadline,
and marking on submit or when the deadline passes (whichever comes first, exactly once)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.notifications import notify
from accounts.services import ServiceError, record_event, require
from regulation import selectors as register

from ..models import Attempt, AttemptItem, BankStatus, Candidate, Item, LevelSettings, Scenario
from .pathway import current_standard, pause_reason


def _balanced(items: list[Item], count: int, rng: random.Random) -> list[Item]:
    """Take ``count`` items round-robin over the domains (shuffled within each), so every domain is covered
    as evenly as the bank allows."""
    by_domain: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_domain[item.domain_key].append(item)
    for pool in by_domain.values():
        rng.shuffle(pool)
    domains = sorted(by_domain)
    rng.shuffle(domains)
    chosen: list[Item] = []
    while len(chosen) < count and any(by_domain.values()):
        for key in domains:
            if by_domain[key] and len(chosen) < count:
                chosen.append(by_domain[key].pop())
    return chosen


def draw_form(*, level: str, settings: LevelSettings, rng: random.Random | None = None, avoid=()):
    """Pick a scenario with enough applied items and the general items. Refuses if the bank is too small."""
    rng = rng or random.SystemRandom()
    general_pool = list(
        Item.objects.filter(level=settings.general_items_level, status=BankStatus.LIVE, scenario__isnull=True).only(
            "id", "domain_key"
        )
    )
    require(
        len(general_pool) >= settings.general_items,
        "The question bank does not yet have enough general items for this level. The regulator has been told.",
    )
    general = _balanced(general_pool, settings.general_items, rng)
    scenario, applied = None, []
    if settings.applied_items:
        applied_pool = defaultdict(list)
        for item in Item.objects.filter(level=level, status=BankStatus.LIVE, scenario__status=BankStatus.LIVE).only(
            "id", "domain_key", "scenario_id"
        ):
            applied_pool[item.scenario_id].append(item)
        usable = [sid for sid, pool in applied_pool.items() if len(pool) >= settings.applied_items]
        require(bool(usable), "The question bank does not yet have a complete case scenario for this level.")
        fresh = [sid for sid in usable if sid not in set(avoid)] or usable
        scenario_id = rng.choice(sorted(fresh))
        applied = _balanced(applied_pool[scenario_id], settings.applied_items, rng)
        scenario = Scenario.objects.get(pk=scenario_id)
    return scenario, general + applied


def resit_from(candidate: Candidate, settings: LevelSettings, last: Attempt | None) -> datetime.datetime | None:
    if last is None or last.passed is not False or last.submitted_at is None:
        return None
    return last.submitted_at + datetime.timedelta(days=settings.resit_wait_days)


@transaction.atomic
def start_attempt(*, candidate: Candidate, by: User, rng: random.Random | None = None) -> Attempt:
    """Open the candidate's test. Starting twice (two tabs, a double click) returns the attempt already open."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    require(by.pk == candidate.user_id, "Only the candidate can take their test.")
    open_attempt = candidate.attempts.filter(status=Attempt.Status.IN_PROGRESS).first()
    if open_attempt is not None:
        return open_attempt
    require(candidate.is_endorsed, "The test opens once your employer has endorsed you.")
    require(candidate.is_active, "You are no longer on the pathway at this level.")
    require(candidate.stage == Candidate.Stage.KNOWLEDGE, "You are not at the knowledge assessment stage.")
    paused = pause_reason(register.practice_standing([candidate.user_id]).get(candidate.user_id))
    require(not paused, f"Your pathway is paused: {paused}")
    settings = LevelSettings.objects.get(level=candidate.level)
    previous = list(candidate.attempts.order_by("-number"))
    require(
        len(previous) < settings.attempt_limit,
        f"You have used all {settings.attempt_limit} attempts at this level.",
    )
    now = timezone.now()
    resit = resit_from(candidate, settings, previous[0] if previous else None)
    require(resit is None or now >= resit, f"You can resit from {timezone.localtime(resit):%-d %B %Y}.")
    scenario, items = draw_form(
        level=candidate.level, settings=settings, rng=rng, avoid=[a.scenario_id for a in previous]
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                candidate=candidate,
                number=len(previous) + 1,
                standard=candidate.standard,
                scenario=scenario,
                started_at=now,
                deadline=now + datetime.timedelta(minutes=settings.minutes + candidate.extra_minutes),
                pass_mark_percent=settings.pass_mark_percent,
                max_score=len(items),
            )
    except IntegrityError as exc:
        raise ServiceError("Your test is already open in another window.") from exc
    AttemptItem.objects.bulk_create(
        AttemptItem(attempt=attempt, position=i, item=item) for i, item in enumerate(items, start=1)
    )
    record_event(
        attempt,
        "test_started",
        by=by,
        to_state=Attempt.Status.IN_PROGRESS,
        changes={"deadline": attempt.deadline.isoformat(), "items": len(items)},
    )
    return attempt


class StaleAnswer(ServiceError):
    """The answer was saved from another tab or window after this page was opened."""


def answer_version(row: AttemptItem) -> str:
    """What a question page carries back so a save from a stale copy of it can be told apart."""
    return row.answered_at.isoformat() if row.answered_at else ""


@transaction.atomic
def save_answer(
    *, attempt: Attempt, position: int, option_ids: list[int], by: User, seen: str | None = None
) -> AttemptItem:
    """Save one page's answer. The row lock makes a save and a submission take turns, so an answer is either
    in the mark or refused, never lost in between. ``seen``: the answer's version when the page was opened; a
    save from a page opened before another tab saved this question is refused, so the last tab never silently
    overwrites the other."""
    now = timezone.now()
    locked = (
        Attempt.objects.select_for_update()
        .only("id", "status", "deadline", "candidate__user_id")
        .select_related("candidate")
        .get(pk=attempt.pk)
    )
    require(locked.candidate.user_id == by.pk, "This is not your test.")
    require(locked.status == Attempt.Status.IN_PROGRESS, "This test has been submitted; answers can no longer change.")
    require(now <= locked.deadline, "Time is up: answers after the deadline are not accepted.")
    row = (
        AttemptItem.objects.select_related("item")
        .prefetch_related("item__options")
        .filter(attempt_id=locked.pk, position=position)
        .first()
    )
    require(row is not None, "That question is not on your test.")
    if seen is not None and seen != answer_version(row):
        raise StaleAnswer(
            "This answer was changed in another tab or window after you opened this page. The answer now saved is "
            "shown: choose again if you want to change it."
        )
    valid = {o.pk for o in row.item.options.all()}
    chosen = sorted({int(i) for i in option_ids})
    require(set(chosen) <= valid, "That answer is not one of this question's options.")
    _, limit = Item.SHAPE[Item.Kind(row.item.kind)]
    require(len(chosen) <= limit, f"Choose no more than {limit} answer{'s' if limit > 1 else ''}.")
    row.selected, row.answered_at = chosen, now
    row.save(update_fields=["selected", "answered_at"])
    return row


def _mark(attempt: Attempt, *, by: User | None, by_deadline: bool) -> Attempt:
    rows = list(attempt.items.select_related("item").prefetch_related("item__options"))
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    score = 0
    for row in rows:
        correct_ids = {o.pk for o in row.item.options.all() if o.is_correct}
        row.correct = set(row.selected) == correct_ids
        score += row.correct
        tally[row.item.domain_key][0] += row.correct
        tally[row.item.domain_key][1] += 1
    AttemptItem.objects.bulk_update(rows, ["correct"])
    titles = {d.key: (d.position, d.title) for d in attempt.standard.domains.all()}
    general_level = LevelSettings.objects.get(level=attempt.candidate.level).general_items_level
    if general_level != attempt.standard.level:  # the supervisor form's general items are practitioner ones
        for d in current_standard(general_level).domains.all():
            titles.setdefault(d.key, (100 + d.position, d.title))
    breakdown = []
    for key, (right, total) in tally.items():
        position, title = titles.get(key, (999, key))
        breakdown.append({"domain": key, "title": title, "correct": right, "total": total, "order": position})
    breakdown.sort(key=lambda b: (b["order"], b["domain"]))
    attempt.score = score
    attempt.passed = score * 100 >= attempt.pass_mark_percent * attempt.max_score
    attempt.breakdown = breakdown
    attempt.status = Attempt.Status.MARKED
    attempt.submitted_at = min(timezone.now(), attempt.deadline)
    attempt.ended_by_deadline = by_deadline
    attempt.save(update_fields=["score", "passed", "breakdown", "status", "submitted_at", "ended_by_deadline"])
    record_event(
        attempt,
        "test_marked",
        by=by,
        reason="The deadline passed." if by_deadline else "Submitted by the candidate.",
        from_state=Attempt.Status.IN_PROGRESS,
        to_state="passed" if attempt.passed else "failed",
        changes={"score": score, "max": attempt.max_score},
    )
    _after_result(attempt, by=by)
    notify(
        to=[attempt.candidate.user], template="accreditation/test_result", context={"attempt": attempt}, about=attempt
    )
    return attempt


def _after_result(attempt: Attempt, *, by: User | None) -> None:
    candidate = Candidate.objects.select_for_update().get(pk=attempt.candidate_id)
    if attempt.passed:
        candidate.stage, candidate.knowledge_passed_at = Candidate.Stage.OBSERVATION, attempt.submitted_at
        candidate.save(update_fields=["stage", "knowledge_passed_at"])
        record_event(candidate, "knowledge_passed", by=by, from_state="knowledge", to_state="observation")
        return
    limit = LevelSettings.objects.get(level=candidate.level).attempt_limit
    if attempt.number >= limit:
        candidate.status, candidate.closed_at = Candidate.Status.CLOSED, timezone.now()
        candidate.closed_reason = f"All {limit} attempts at the knowledge assessment were used without a pass."
        candidate.save(update_fields=["status", "closed_at", "closed_reason"])
        record_event(candidate, "attempts_used_up", by=by, reason=candidate.closed_reason, to_state="closed")


@transaction.atomic
def submit_attempt(*, attempt: Attempt, by: User) -> Attempt:
    """Submit for marking. A second submission (another tab, a double click) returns the same result."""
    attempt = Attempt.objects.select_for_update().select_related("candidate", "standard").get(pk=attempt.pk)
    require(attempt.candidate.user_id == by.pk, "This is not your test.")
    if attempt.status == Attempt.Status.MARKED:
        return attempt
    return _mark(attempt, by=by, by_deadline=timezone.now() > attempt.deadline)


@transaction.atomic
def mark_attempt(*, attempt: Attempt, by: User | None = None) -> Attempt:
    """Mark an attempt whose deadline has passed (the beat task, or a page that finds it overdue)."""
    attempt = Attempt.objects.select_for_update().select_related("candidate", "standard").get(pk=attempt.pk)
    if attempt.status == Attempt.Status.MARKED:
        return attempt
    require(timezone.now() > attempt.deadline, "The test is still running.")
    return _mark(attempt, by=by, by_deadline=True)


def expire_overdue_attempts(*, now: datetime.datetime | None = None) -> int:
    """Mark every attempt whose deadline has passed with the browser closed. Idempotent: one result each."""
    now = now or timezone.now()
    due = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        attempt = Attempt(pk=pk)
        if mark_attempt(attempt=attempt).ended_by_deadline:
            count += 1
    return count


@transaction.atomic
def set_adjustment(*, candidate: Candidate, by: User, extra_minutes: int, note: str) -> Candidate:
    """Reasonable adjustment: extra time on the candidate's future attempts (and the one open now, if any)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    require(0 <= extra_minutes <= 240, "Extra time must be between 0 and 240 minutes.")
    require(bool(note.strip()), "Say what the adjustment is for.")
    before = candidate.extra_minutes
    candidate.extra_minutes, candidate.adjustment_note = extra_minutes, note.strip()
    candidate.save(update_fields=["extra_minutes", "adjustment_note"])
    open_attempt = candidate.attempts.select_for_update().filter(status=Attempt.Status.IN_PROGRESS).first()
    if open_attempt is not None and open_attempt.deadline > timezone.now():
        open_attempt.deadline += datetime.timedelta(minutes=extra_minutes - before)
        open_attempt.save(update_fields=["deadline"])
    record_event(candidate, "adjustment_set", by=by, reason=note, changes={"extra_minutes": [before, extra_minutes]})
    return candidate
