"""The question bank: regulator staff write items and scenarios, a second person reviews them, weak ones retire.

An item that has appeared on any candidate's form is never edited: revising it makes a new version, and
approving the new version retires the old one, so every past result still points at what was asked.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_event, require

from ..models import BankStatus, Item, Level, Option, Scenario


def _domain_keys(level: str) -> set[str]:
    from .pathway import current_standard

    return set(current_standard(level).domains.values_list("key", flat=True))


def _check_options(kind: str, options: list[tuple[str, bool]]) -> None:
    count, correct = Item.SHAPE[Item.Kind(kind)]
    texts = [text.strip() for text, _ in options]
    require(len(texts) == count and all(texts), f"A {Item.Kind(kind).label.lower()} item needs {count} options.")
    require(len(set(texts)) == count, "Each option must be different.")
    require(sum(1 for _, ok in options if ok) == correct, f"Mark exactly {correct} option(s) as correct.")


@transaction.atomic
def create_scenario(*, level: str, title: str, passage: str, by: User, live: bool = False) -> Scenario:
    require(level in Level.values, "Choose a level.")
    require(bool(title.strip()) and bool(passage.strip()), "A scenario needs a title and a passage.")
    scenario = Scenario.objects.create(
        level=level,
        title=title.strip(),
        passage=passage.strip(),
        author=by,
        status=BankStatus.LIVE if live else BankStatus.DRAFT,
        reviewed_by=by if live else None,
        reviewed_at=timezone.now() if live else None,
    )
    record_event(scenario, "scenario_written", by=by, to_state=scenario.status)
    return scenario


@transaction.atomic
def create_item(
    *,
    level: str,
    domain_key: str,
    kind: str,
    stem: str,
    options: list[tuple[str, bool]],
    by: User,
    scenario: Scenario | None = None,
    rationale: str = "",
    previous: Item | None = None,
    _live: bool = False,
) -> Item:
    """Write a draft item. ``_live`` is for loading an already reviewed bank (the demo seed), never for pages."""
    require(level in Level.values, "Choose a level.")
    require(kind in Item.Kind.values, "Choose single or multiple answer.")
    require(domain_key in _domain_keys(level), "Choose a domain of the level's statement.")
    require(bool(stem.strip()), "Write the question.")
    require(scenario is None or scenario.level == level, "The scenario is for another level.")
    _check_options(kind, options)
    now = timezone.now()
    item = Item.objects.create(
        level=level,
        domain_key=domain_key,
        kind=kind,
        scenario=scenario,
        stem=stem.strip(),
        rationale=rationale.strip(),
        author=by,
        previous=previous,
        version=(previous.version + 1) if previous else 1,
        status=BankStatus.LIVE if _live else BankStatus.DRAFT,
        reviewed_by=by if _live else None,
        reviewed_at=now if _live else None,
    )
    Option.objects.bulk_create(
        Option(item=item, position=i, text=text.strip(), is_correct=ok) for i, (text, ok) in enumerate(options, 1)
    )
    record_event(item, "item_written", by=by, to_state=item.status, changes={"version": item.version})
    return item


@transaction.atomic
def revise_item(*, item: Item, by: User, stem: str, options: list[tuple[str, bool]], rationale: str = "") -> Item:
    """A draft not yet used is edited in place; anything else becomes a new draft version."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    require(item.status != BankStatus.RETIRED, "A retired item cannot be revised.")
    require(not hasattr(item, "next_version"), "This item already has a newer version; revise that one.")
    if item.status == BankStatus.DRAFT and not item.uses.exists():
        require(bool(stem.strip()), "Write the question.")
        _check_options(item.kind, options)
        item.stem, item.rationale = stem.strip(), rationale.strip()
        item.save(update_fields=["stem", "rationale"])
        for option, (text, ok) in zip(item.options.order_by("position"), options, strict=True):
            option.text, option.is_correct = text.strip(), ok
            option.save(update_fields=["text", "is_correct"])
        record_event(item, "item_edited", by=by)
        return item
    return create_item(
        level=item.level,
        domain_key=item.domain_key,
        kind=item.kind,
        stem=stem,
        options=options,
        by=by,
        scenario=item.scenario,
        rationale=rationale,
        previous=item,
    )


@transaction.atomic
def submit_for_review(*, item: Item, by: User) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    require(item.status == BankStatus.DRAFT, "Only a draft can be sent for review.")
    item.status = BankStatus.IN_REVIEW
    item.save(update_fields=["status"])
    record_event(item, "item_sent_for_review", by=by, from_state="draft", to_state="in_review")
    return item


@transaction.atomic
def review_item(*, item: Item, by: User, approve: bool, reason: str) -> Item:
    """A second person approves (the item goes live, replacing its previous version) or returns it to draft."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    require(item.status == BankStatus.IN_REVIEW, "Only an item waiting for review can be reviewed.")
    require(item.author_id != by.pk, "Someone other than the author must review an item.")
    require(bool(reason.strip()), "Give your review comments.")
    if not approve:
        item.status = BankStatus.DRAFT
        item.save(update_fields=["status"])
        record_event(item, "item_returned", by=by, reason=reason, from_state="in_review", to_state="draft")
        return item
    item.status, item.reviewed_by, item.reviewed_at = BankStatus.LIVE, by, timezone.now()
    item.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record_event(item, "item_approved", by=by, reason=reason, from_state="in_review", to_state="live")
    if item.previous_id:
        old = Item.objects.select_for_update().get(pk=item.previous_id)
        if old.status != BankStatus.RETIRED:
            _retire(old, by=by, reason=f"Replaced by version {item.version}.")
    return item


def _retire(item: Item, *, by: User, reason: str) -> None:
    before = item.status
    item.status, item.retired_at, item.retired_reason = BankStatus.RETIRED, timezone.now(), reason
    item.save(update_fields=["status", "retired_at", "retired_reason"])
    record_event(item, "item_retired", by=by, reason=reason, from_state=before, to_state="retired")


@transaction.atomic
def retire_item(*, item: Item, by: User, reason: str) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    require(item.status != BankStatus.RETIRED, "The item is already retired.")
    require(bool(reason.strip()), "Say why the item is retired (for example, weak discrimination).")
    _retire(item, by=by, reason=reason.strip())
    return item
