"""Fitness to practise: cases, their stages, interim and final orders, revocation and expiry."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.notifications import notify
from accounts.services import just_created, record_event, require

from ..models import (
    CaseStage,
    Condition,
    EntryStatus,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
)
from ._common import _lock_entry, _reason, _today
from .status import refresh_status


@transaction.atomic
def open_case(
    *, entry: RegisterEntry, by: User, concern: str, source: str, received_on: datetime.date
) -> FitnessToPractiseCase:
    entry = _lock_entry(entry)
    concern = _reason(concern, "Describe the concern.")
    require(bool(source.strip()), "Say who raised the concern.")
    require(received_on <= _today(), "The date received must be today or in the past.")
    same = just_created(entry.ftp_cases.filter(concern=concern, received_on=received_on), field="opened_at")
    if same:
        return same
    case = FitnessToPractiseCase.objects.create(
        entry=entry, concern=concern, source=source.strip(), received_on=received_on, opened_by=by
    )
    CaseStage.objects.create(
        case=case, stage=case.stage, started_on=received_on, note="Concern received", recorded_by=by
    )
    record_event(case, "opened", by=by, reason=concern, to_state=case.stage)
    record_event(entry, "ftp_case_opened", by=by, changes={"case": str(case)})
    return case


_STAGE_ORDER = list(FitnessToPractiseCase.Stage.values)


@transaction.atomic
def move_case_stage(*, case: FitnessToPractiseCase, by: User, stage: str, note: str) -> FitnessToPractiseCase:
    case = FitnessToPractiseCase.objects.select_for_update().get(pk=case.pk)
    require(case.is_open, "This case is closed.")
    require(stage in _STAGE_ORDER[:-1], "Choose a stage. Close a case by recording its outcome.")
    require(stage != case.stage, "The case is already at that stage.")
    note = _reason(note, "Say why the case is moving stage.")
    previous = case.stage
    case.stage = stage
    case.save(update_fields=["stage"])
    CaseStage.objects.create(case=case, stage=stage, started_on=_today(), note=note, recorded_by=by)
    record_event(case, "stage_changed", by=by, reason=note, from_state=previous, to_state=stage)
    return case


def _make_order(*, case, kind, by, starts_on, expires_on, review_on, reason, conditions: list[str]) -> Order:
    require(expires_on is not None or kind == Order.Kind.REMOVAL, "Give the date the order expires.")
    require(expires_on is None or expires_on >= starts_on, "The expiry date must be on or after the start date.")
    require(
        expires_on is None or expires_on >= _today(),
        "The expiry date must be today or in the future: an order that has already ended cannot be made.",
    )
    require(starts_on >= case.received_on, "The start date must be on or after the date the concern was received.")
    if kind in Order.INTERIM:
        require(review_on is not None, "Give the date the interim order will be reviewed.")
        require(
            starts_on <= review_on and (expires_on is None or review_on <= expires_on),
            "The review date must be between the start date and the expiry date.",
        )
    if kind in Order.CONDITIONAL:
        require(bool(conditions), "List the conditions, one per line.")
    order = Order.objects.create(
        case=case,
        entry=case.entry,
        kind=kind,
        starts_on=starts_on,
        expires_on=expires_on,
        review_on=review_on,
        reason=reason,
        made_by=by,
    )
    for text in conditions if kind in Order.CONDITIONAL else []:
        condition = Condition.objects.create(
            entry=case.entry, case=case, order=order, text=text, starts_on=starts_on, ends_on=expires_on, added_by=by
        )
        record_event(condition, "added", by=by, reason=reason)
    record_event(order, "made", by=by, reason=reason, to_state=order.status)
    record_event(case.entry, "order_made", by=by, reason=reason, changes={"order": str(order)})
    if case.entry.email:
        notify(
            to=[case.entry.email],
            template="regulation/order_made",
            context={"entry": case.entry, "order": order},
            about=order,
        )
    return order


@transaction.atomic
def make_interim_order(
    *,
    case: FitnessToPractiseCase,
    by: User,
    kind: str,
    starts_on: datetime.date,
    review_on: datetime.date,
    expires_on: datetime.date,
    reason: str,
    conditions: list[str] | None = None,
) -> Order:
    case = FitnessToPractiseCase.objects.select_for_update().get(pk=case.pk)
    entry = _lock_entry(case.entry)
    require(case.is_open, "Interim orders can only be made on an open case.")
    require(kind in Order.INTERIM, "Choose interim suspension or interim conditions.")
    reason = _reason(reason, "Give the reasons for the interim order.")
    same = just_created(
        case.orders.filter(kind=kind, starts_on=starts_on, status=Order.Status.IN_FORCE), field="made_at"
    )
    if same:
        return same
    order = _make_order(
        case=case,
        kind=kind,
        by=by,
        starts_on=starts_on,
        expires_on=expires_on,
        review_on=review_on,
        reason=reason,
        conditions=[c.strip() for c in (conditions or []) if c.strip()],
    )
    refresh_status(entry=entry, by=by, reason=f"Interim order made: {order}")
    return order


_OUTCOME_ORDER = {
    FitnessToPractiseCase.Outcome.WARNING: Order.Kind.WARNING,
    FitnessToPractiseCase.Outcome.CONDITIONS: Order.Kind.CONDITIONS,
    FitnessToPractiseCase.Outcome.SUSPENSION: Order.Kind.SUSPENSION,
    FitnessToPractiseCase.Outcome.REMOVAL: Order.Kind.REMOVAL,
}


@transaction.atomic
def record_outcome(
    *,
    case: FitnessToPractiseCase,
    by: User,
    outcome: str,
    reason: str,
    starts_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    conditions: list[str] | None = None,
) -> FitnessToPractiseCase:
    """Close a case with its final outcome. A sanction becomes a final order; interim orders are replaced."""
    case = FitnessToPractiseCase.objects.select_for_update().get(pk=case.pk)
    entry = _lock_entry(case.entry)
    require(case.is_open, "This case is already closed.")
    require(outcome in FitnessToPractiseCase.Outcome.values, "Choose an outcome.")
    reason = _reason(reason, "Give the reasons for the outcome.")
    today = _today()
    for interim in case.orders.select_for_update().filter(kind__in=Order.INTERIM, status=Order.Status.IN_FORCE):
        interim.status = Order.Status.REPLACED
        interim.ended_at = timezone.now()
        interim.end_reason = f"Case closed: {FitnessToPractiseCase.Outcome(outcome).label}"
        interim.save(update_fields=["status", "ended_at", "end_reason"])
        interim.conditions.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=interim.end_reason
        )
        record_event(interim, "replaced", by=by, reason=interim.end_reason, from_state="in_force", to_state="replaced")
    if outcome in _OUTCOME_ORDER:
        _make_order(
            case=case,
            kind=_OUTCOME_ORDER[outcome],
            by=by,
            starts_on=starts_on or today,
            expires_on=None if outcome == FitnessToPractiseCase.Outcome.REMOVAL else expires_on,
            review_on=None,
            reason=reason,
            conditions=[c.strip() for c in (conditions or []) if c.strip()],
        )
    previous = case.stage
    case.stage = FitnessToPractiseCase.Stage.CLOSED
    case.outcome = outcome
    case.outcome_reason = reason
    case.closed_on = today
    case.save(update_fields=["stage", "outcome", "outcome_reason", "closed_on"])
    CaseStage.objects.create(case=case, stage=case.stage, started_on=today, note=reason, recorded_by=by)
    record_event(case, "closed", by=by, reason=reason, from_state=previous, to_state=outcome)
    refresh_status(entry=entry, by=by, reason=f"Fitness to practise outcome: {case.get_outcome_display()}")
    if entry.email:
        notify(to=[entry.email], template="regulation/case_outcome", context={"entry": entry, "case": case}, about=case)
    return case


@transaction.atomic
def revoke_order(*, order: Order, by: User, reason: str) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    entry = _lock_entry(order.entry)
    require(order.status == Order.Status.IN_FORCE, "Only an order in force can be revoked.")
    reason = _reason(reason, "Give the reasons for revoking the order.")
    order.status = Order.Status.REVOKED
    order.ended_at = timezone.now()
    order.end_reason = reason
    order.save(update_fields=["status", "ended_at", "end_reason"])
    order.conditions.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_reason=reason)
    record_event(order, "revoked", by=by, reason=reason, from_state="in_force", to_state="revoked")
    refresh_status(entry=entry, by=by, reason=f"Order revoked: {order}")
    return order


def apply_order_expiries(*, today: datetime.date | None = None) -> int:
    """Expire orders past their date and bring each affected entry's status up to date. Safe to repeat."""
    today = today or _today()
    changed = 0
    due = Order.objects.filter(status=Order.Status.IN_FORCE, expires_on__lt=today).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=pk)
            if order.status != Order.Status.IN_FORCE:
                continue
            order.status = Order.Status.EXPIRED
            order.ended_at = timezone.now()
            order.end_reason = f"Expired on {order.expires_on:%-d %B %Y}"
            order.save(update_fields=["status", "ended_at", "end_reason"])
            record_event(order, "expired", by=None, reason=order.end_reason, from_state="in_force", to_state="expired")
    candidates = (
        set(Order.objects.filter(status=Order.Status.IN_FORCE).values_list("entry_id", flat=True))
        | set(
            Condition.objects.filter(revoked_at__isnull=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today - datetime.timedelta(days=31)))
            .values_list("entry_id", flat=True)
        )
        | set(
            RegisterEntry.objects.filter(
                status__in=[EntryStatus.SUSPENDED, EntryStatus.REGISTERED_WITH_CONDITIONS, EntryStatus.REMOVED]
            ).values_list("pk", flat=True)
        )
    )
    for pk in sorted(candidates):
        with transaction.atomic():
            entry = RegisterEntry.objects.select_for_update().get(pk=pk)
            before = entry.status
            refresh_status(entry=entry, by=None, reason="Orders and conditions in force changed")
            changed += entry.status != before
    return changed
