"""Conditions, annotations and voluntary removal."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import just_created, record_event, require

from ..models import (
    PRACTISING,
    Annotation,
    Condition,
    EntryStatus,
    FitnessToPractiseCase,
    RegisterEntry,
)
from ._common import _lock_entry, _reason, _set_status
from .status import refresh_status


@transaction.atomic
def add_condition(
    *,
    entry: RegisterEntry,
    by: User,
    text: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    case: FitnessToPractiseCase | None = None,
) -> Condition:
    entry = _lock_entry(entry)
    require(
        entry.status not in (EntryStatus.REMOVED, EntryStatus.VOLUNTARILY_REMOVED),
        "This person is not on the register.",
    )
    text = _reason(text, "Enter the condition.")
    # Conditions of practice are always for a period (as orders other than removal always expire), so the
    # status can follow from the dates alone.
    require(ends_on is not None, "Enter the date the condition ends.")
    require(ends_on >= starts_on, "The end date must be on or after the start date.")
    require(case is None or case.entry_id == entry.pk, "That case is about someone else.")
    same = just_created(
        entry.conditions.filter(text=text, starts_on=starts_on, ends_on=ends_on, revoked_at__isnull=True),
        field="added_at",
    )
    if same:
        return same
    condition = Condition.objects.create(
        entry=entry, case=case, text=text, starts_on=starts_on, ends_on=ends_on, added_by=by
    )
    record_event(condition, "added", by=by, reason=text)
    record_event(entry, "condition_added", by=by, changes={"condition": text})
    refresh_status(entry=entry, by=by, reason="Condition of practice added")
    return condition


@transaction.atomic
def revoke_condition(*, condition: Condition, by: User, reason: str) -> Condition:
    condition = Condition.objects.select_for_update().get(pk=condition.pk)
    entry = _lock_entry(condition.entry)
    require(condition.revoked_at is None, "This condition has already been removed.")
    condition.revoked_reason = _reason(reason, "Say why the condition is removed.")
    condition.revoked_at = timezone.now()
    condition.save(update_fields=["revoked_at", "revoked_reason"])
    record_event(condition, "revoked", by=by, reason=condition.revoked_reason)
    refresh_status(entry=entry, by=by, reason="Condition of practice removed")
    return condition


@transaction.atomic
def add_annotation(
    *,
    entry: RegisterEntry,
    by: User | None,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Annotation:
    """Also called by the accreditation and early-career features to show levels and expert status."""
    entry = _lock_entry(entry)
    require(kind in Annotation.Kind.values, "Choose an annotation.")
    require(ends_on is None or ends_on >= starts_on, "The end date must be on or after the start date.")
    require(
        not entry.annotations.filter(kind=kind, ends_on__isnull=True).exists(),
        "This entry already has that annotation.",
    )
    annotation = Annotation.objects.create(
        entry=entry, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note.strip(), added_by=by
    )
    record_event(entry, "annotation_added", by=by, changes={"annotation": annotation.get_kind_display()})
    return annotation


@transaction.atomic
def end_annotation(*, annotation: Annotation, by: User, ends_on: datetime.date, reason: str) -> Annotation:
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    require(annotation.ends_on is None or annotation.ends_on > ends_on, "This annotation has already ended.")
    require(ends_on >= annotation.starts_on, "The end date must be on or after the start date.")
    annotation.end_reason = _reason(reason, "Say why the annotation ends.")
    annotation.ends_on = ends_on
    annotation.save(update_fields=["ends_on", "end_reason"])
    record_event(
        annotation.entry,
        "annotation_ended",
        by=by,
        reason=annotation.end_reason,
        changes={"annotation": str(annotation)},
    )
    return annotation


@transaction.atomic
def remove_voluntarily(*, entry: RegisterEntry, by: User, reason: str) -> RegisterEntry:
    entry = _lock_entry(entry)
    reason = _reason(reason, "Give the reason for removal.")
    require(
        entry.status in PRACTISING or entry.status == EntryStatus.LAPSED,
        "Only a practising or lapsed entry can be removed at the person's request.",
    )
    require(
        not entry.ftp_cases.exclude(stage=FitnessToPractiseCase.Stage.CLOSED).exists(),
        "A person with an open fitness to practise case cannot leave the register.",
    )
    _set_status(entry, EntryStatus.VOLUNTARILY_REMOVED, by=by, reason=reason)
    return entry
