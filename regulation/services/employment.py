"""Employment: added by the person or their employer, confirmed, ended and corrected."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.notifications import notify
from accounts.services import just_created, record_event, require

from ..models import (
    Employment,
    RegisterEntry,
)
from ._common import MAX_END_NOTICE_DAYS, _employer_emails, _lock_entry, _reason, _today


def _refresh_current_employer(entry: RegisterEntry) -> None:
    today = _today()
    current = (
        entry.employments.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today), started_on__lte=today)
        .order_by("-started_on", "-id")
        .first()
    )
    employer_id = current.employer_id if current else None
    if entry.current_employer_id != employer_id:
        entry.current_employer_id = employer_id
        entry.save(update_fields=["current_employer"])


def _add_employment(*, entry, employer, role_title, started_on, fte, contract, by) -> Employment:
    require(
        employer.kind in (Organisation.Kind.LOCAL_AUTHORITY, Organisation.Kind.OTHER_EMPLOYER), "Choose an employer."
    )
    require(Decimal("0") < fte <= Decimal("1"), "Full-time equivalent must be more than 0 and no more than 1.")
    require(contract in Employment.Contract.values, "Say whether the job is permanent or through an agency.")
    require(bool(role_title.strip()), "Enter the role.")
    same = just_created(
        entry.employments.filter(employer=employer, role_title=role_title.strip(), started_on=started_on)
    )
    if same:
        return same
    employment = Employment.objects.create(
        entry=entry, employer=employer, role_title=role_title.strip(), started_on=started_on, fte=fte, contract=contract
    )
    record_event(entry, "employment_added", by=by, changes={"employer": employer.name, "role": employment.role_title})
    _refresh_current_employer(entry)
    recipients = [e for e in _employer_emails(employer.pk) if e != getattr(by, "email", None)]
    if recipients:
        notify(
            to=recipients,
            template="regulation/employer_named",
            context={"entry": entry, "employment": employment},
            about=employment,
        )
    return employment


@transaction.atomic
def add_employment(
    *,
    entry: RegisterEntry,
    by: User,
    employer: Organisation,
    role_title: str,
    started_on: datetime.date,
    fte: Decimal,
    contract: str,
) -> Employment:
    entry = _lock_entry(entry)
    require(entry.user_id == by.pk, "You can only add employment to your own registration.")
    return _add_employment(
        entry=entry, employer=employer, role_title=role_title, started_on=started_on, fte=fte, contract=contract, by=by
    )


def is_employer_staff(user: User, organisation_id: int) -> bool:
    return any(
        user.has_role(role) and organisation_id in {o.pk for o in user.organisations_for(role)}
        for role in ("line_manager", "workforce_lead")
    )


@transaction.atomic
def confirm_employment(*, employment: Employment, by: User) -> Employment:
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    require(is_employer_staff(by, employment.employer_id), "Only the employer can confirm this employment.")
    require(employment.confirmed_at is None, "This employment is already confirmed.")
    require(employment.ended_on is None, "This employment has ended.")
    employment.confirmed_at = timezone.now()
    employment.confirmed_by = by
    employment.save(update_fields=["confirmed_at", "confirmed_by"])
    record_event(employment, "confirmed", by=by, to_state="confirmed")
    return employment


@transaction.atomic
def end_employment(*, employment: Employment, by: User, ended_on: datetime.date, reason: str) -> Employment:
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    owner = employment.entry.user_id == by.pk
    require(
        owner or is_employer_staff(by, employment.employer_id), "Only the employer or the social worker can end this."
    )
    require(employment.ended_on is None, "This employment has already ended.")
    _check_end_date(employment, ended_on)
    reason = _reason(reason, "Say why the employment ended.")
    employment.ended_on = ended_on
    employment.end_reason = reason
    employment.save(update_fields=["ended_on", "end_reason"])
    record_event(
        employment, "ended", by=by, reason=reason, to_state="ended", changes={"ended_on": ended_on.isoformat()}
    )
    _refresh_current_employer(_lock_entry(employment.entry))
    return employment


def _check_end_date(employment: Employment, ended_on: datetime.date) -> None:
    require(ended_on >= employment.started_on, "The end date must be on or after the start date.")
    require(
        ended_on <= _today() + datetime.timedelta(days=MAX_END_NOTICE_DAYS),
        "The end date must be no more than 3 months from today.",
    )


@transaction.atomic
def correct_employment_end(*, employment: Employment, by: User, ended_on: datetime.date, reason: str) -> Employment:
    """A mistaken end date is corrected by the employer (or the person), the old date kept in the history."""
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    owner = employment.entry.user_id == by.pk
    require(
        owner or is_employer_staff(by, employment.employer_id),
        "Only the employer or the social worker can change this.",
    )
    require(employment.ended_on is not None, "This employment has not ended.")
    require(ended_on != employment.ended_on, "That is already the end date.")
    _check_end_date(employment, ended_on)
    reason = _reason(reason, "Say why the end date is changing.")
    previous = employment.ended_on
    employment.ended_on = ended_on
    employment.save(update_fields=["ended_on"])
    record_event(
        employment,
        "end_date_corrected",
        by=by,
        reason=reason,
        changes={"ended_on": [previous.isoformat(), ended_on.isoformat()]},
    )
    _refresh_current_employer(_lock_entry(employment.entry))
    return employment
