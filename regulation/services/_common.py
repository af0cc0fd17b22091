"""What every write to the register shares: reasons, today, the status history, locking an entry."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.services import record_event, require

from ..models import (
    EntryStatus,
    Order,
    RegisterEntry,
    StatusChange,
)


def _reason(reason: str, what: str = "Give a reason.") -> str:
    reason = (reason or "").strip()
    require(bool(reason), what)
    return reason


def _today() -> datetime.date:
    return timezone.localdate()


def _set_status(
    entry: RegisterEntry, to_status: str, *, by: User | None, reason: str, order: Order | None = None
) -> bool:
    """Change the status of a locked entry, appending to its status history. Returns whether it changed."""
    if entry.status == to_status:
        return False
    from_status = entry.status
    StatusChange.objects.create(
        entry=entry, from_status=from_status, to_status=to_status, reason=reason, changed_by=by, order=order
    )
    entry.status = to_status
    entry.status_changed_at = timezone.now()
    entry.save(update_fields=["status", "status_changed_at"])
    record_event(entry, "status_changed", by=by, reason=reason, from_state=from_status, to_state=to_status)
    if to_status == EntryStatus.REMOVED:
        # A removal order has taken effect (made today, or its start date reached): other apps end what rested
        # on the registration (the accreditation pathway revokes accreditations) in this same transaction.
        from ..signals import entry_removed

        entry_removed.send(sender=RegisterEntry, entry=entry, by=by, reason=reason, order=order)
    return True


MIN_QUALIFYING_AGE = 18  # a qualifying course is a degree or an apprenticeship at degree level
MAX_END_NOTICE_DAYS = 92  # an employment can be ended ahead of the leaving day, within a notice period


def years_after(day: datetime.date, years_: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years_)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years_, day=28)


def _employer_emails(organisation_id: int | None) -> list[str]:
    """Line managers and workforce leads of an organisation, for the emails the employer gets."""
    if organisation_id is None:
        return []
    from accounts.models import Membership

    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id,
                role__in=["line_manager", "workforce_lead"],
                ended_on__isnull=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _lock_entry(entry: RegisterEntry) -> RegisterEntry:
    return RegisterEntry.objects.select_for_update().get(pk=entry.pk)
