"""Pausing an enrolment, which extends it."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User
from accounts.notifications import notify
from accounts.services import record_event, require

from ..models import Enrolment, Pause
from .common import _lock, _require_open, _text, max_pause_days, store_schedule


@transaction.atomic
def add_pause(
    *, enrolment: Enrolment, by: User, kind: str, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> Pause:
    """Sickness, parental or other leave stops the clock; capability never does (that is what reviews are for)."""
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(kind != "capability", "A programme is never paused for capability. Record concerns in a review instead.")
    require(kind in Pause.Kind.values, "Choose why the programme is paused: sickness, parental leave or other leave.")
    require(starts_on >= enrolment.start_date, "The pause cannot start before the programme started.")
    require(ends_on >= starts_on, "The pause must end on or after the day it starts.")
    reason = _text(reason, "Say why the programme is paused.")
    existing = list(enrolment.pauses.all())
    require(
        not any(p.starts_on <= ends_on and starts_on <= p.ends_on for p in existing),
        "This pause overlaps one already recorded.",
    )
    days = (ends_on - starts_on).days + 1
    used = sum(p.days for p in existing)
    limit = max_pause_days()
    require(
        used + days <= limit,
        f"Pauses may add up to {limit} days; {used} already used, so at most {max(0, limit - used)} more.",
    )
    pause = Pause.objects.create(
        enrolment=enrolment, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason, recorded_by=by
    )
    old_end = enrolment.end_date
    enrolment.end_date = enrolment.planned_end_date + datetime.timedelta(days=used + days)
    enrolment.save(update_fields=["end_date"])
    store_schedule(enrolment)
    record_event(
        enrolment,
        "paused",
        by=by,
        reason=reason,
        changes={
            "kind": kind,
            "from": str(starts_on),
            "to": str(ends_on),
            "end_date": [str(old_end), str(enrolment.end_date)],
        },
    )
    # The reason (sickness, parental leave) is the participant's own: the email gives only the dates.
    notify(
        to=[u for u in (enrolment.participant, enrolment.supervisor, enrolment.assessor) if u is not None],
        template="training/pause_recorded",
        context={"enrolment": enrolment, "pause": pause},
        about=pause,
    )
    return pause
