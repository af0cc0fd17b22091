"""The register status derived from orders, conditions and renewal, and keeping the entry in line with it."""

from __future__ import annotations

import datetime

from accounts.models import User

from .. import signals
from ..models import (
    Order,
    RegisterEntry,
)
from ._common import _set_status, _today


def derived_status(entry: RegisterEntry, today: datetime.date | None = None) -> tuple[str, Order | None]:
    """The status the register should show today, and the order causing it, if any (see
    ``RegisterEntry.status_from_facts``, the one rule every read and write uses)."""
    today = today or _today()
    orders = [o for o in entry.orders.filter(status=Order.Status.IN_FORCE) if o.in_force_on(today)]
    conditions = list(entry.conditions.filter(revoked_at__isnull=True))
    return entry.status_from_facts(today, orders=orders, conditions=conditions)


def refresh_status(*, entry: RegisterEntry, by: User | None, reason: str) -> RegisterEntry:
    """Bring a locked entry's status in line with its orders and conditions, recording why."""
    status, order = derived_status(entry)
    signals.standing_changed.send(sender=RegisterEntry, entry=entry)
    if status != entry.status:
        # The reason names the event; the order now causing the status is named apart, so revoking one order
        # is never recorded as the revocation of another.
        why = f"{reason} (now under the {order})" if order else reason
        _set_status(entry, status, by=by, reason=why, order=order)
    return entry
