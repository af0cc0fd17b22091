"""What every early-career write shares: the programmes, today, the locked enrolment, the settings."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.services import require

from .. import schedule
from ..models import Enrolment, Programme

EMPLOYER_ROLES = ("line_manager", "workforce_lead")


def ensure_programmes() -> None:
    """The programmes as first published, where missing (as the data migration seeds them): for databases emptied
    after migrating, such as those of tests that commit and then empty every table."""
    from ..programme_data import PROGRAMMES

    for spec in PROGRAMMES:
        Programme.objects.get_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    require(bool(value), message)
    return value


def _lock(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)


def store_schedule(enrolment: Enrolment) -> None:
    """Re-derive what the enrolment keeps of its schedule (see Enrolment.required_review_due_on) from its records as
    they now are. Every service that changes a record the schedule reads calls this in its transaction."""
    store_schedules(Enrolment.objects.filter(pk=enrolment.pk))
    enrolment.refresh_from_db(fields=[*schedule.StoredSchedule.__dataclass_fields__, "schedule_version"])


def store_schedules(enrolments: QuerySet[Enrolment], *, batch_size: int = 1000) -> int:
    """The same for many (after migrate, a bulk load, generated data, the daily check): a batch at a time, each
    batch's rows locked, their records read and the changed ones written in one transaction, so a service
    recording something on one of them meanwhile is never overwritten with dates from before it. Returns how many
    changed."""
    fields = [*schedule.StoredSchedule.__dataclass_fields__, "schedule_version"]
    ids = list(enrolments.order_by("pk").values_list("pk", flat=True))
    manager = Enrolment.objects.db_manager(enrolments.db)
    changed = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic(using=enrolments.db):
            batch = list(
                manager.select_for_update(of=("self",))
                .filter(pk__in=ids[start : start + batch_size])
                .select_related("programme")
                .prefetch_related("supervision_sessions", "reviews", "pauses", "protected_time", "caseload_months")
                .order_by("pk")
            )
            stale = []
            for enrolment in batch:
                stored = schedule.stored_schedule(
                    enrolment,
                    sessions=list(enrolment.supervision_sessions.all()),
                    reviews=list(enrolment.reviews.all()),
                    pauses=list(enrolment.pauses.all()),
                    protected_rows=list(enrolment.protected_time.all()),
                    months=list(enrolment.caseload_months.all()),
                ).as_fields() | {"schedule_version": schedule.RULES_VERSION}
                if any(getattr(enrolment, name) != value for name, value in stored.items()):
                    for name, value in stored.items():
                        setattr(enrolment, name, value)
                    stale.append(enrolment)
            if stale:
                changed += manager.bulk_update(stale, fields)
    return changed


def store_outdated_schedules(*, using: str = "default") -> int:
    """Every enrolment whose stored dates were derived by older rules, or never (run after migrate)."""
    return store_schedules(Enrolment.objects.using(using).exclude(schedule_version=schedule.RULES_VERSION))


def qualified_within_years() -> int:
    return getattr(settings, "TRAINING_QUALIFIED_WITHIN_YEARS", 2)


def max_pause_days() -> int:
    return getattr(settings, "TRAINING_MAX_PAUSE_DAYS", 183)


def is_coordinator(user: User, organisation_id: int) -> bool:
    return any(m.organisation_id == organisation_id and m.role in EMPLOYER_ROLES for m in user.active_memberships)


def _require_open(enrolment: Enrolment) -> None:
    require(enrolment.is_open, "This programme has finished; its record can no longer change.")
