"""Enrolling a newly qualified social worker on the programme, and withdrawing them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.notifications import link, notify
from accounts.services import ServiceError, record_event, require
from regulation import selectors as register

from ..models import Enrolment, Programme, due_date
from .common import _lock, _text, _today, is_coordinator, qualified_within_years, store_schedule


def eligibility_refusal(*, registration_number: str, start_date: datetime.date) -> tuple[object | None, str]:
    """The register entry to enrol, or the reason it cannot be: not registered, already enrolled, qualified too long
    ago. Shown to the employer before anything is saved."""
    entry = register.entry_by_number(registration_number)
    if entry is None:
        return None, f"{registration_number.strip() or 'That number'} is not on the register. Check the number."
    if not entry.is_practising:
        return None, f"{entry.registration_number} is {entry.get_status_display().lower()} and cannot practise."
    if entry.user_id is None:
        return None, f"{entry.full_name} has no account in the service yet. Ask them to sign up first."
    open_enrolment = Enrolment.objects.filter(participant_id=entry.user_id, status__in=Enrolment.OPEN).first()
    if open_enrolment:
        return None, f"{entry.full_name} is already enrolled on the {open_enrolment.programme.short_name}."
    if Enrolment.objects.filter(participant_id=entry.user_id, status=Enrolment.Status.PASSED).exists():
        return None, f"{entry.full_name} has already completed an early career programme."
    years = qualified_within_years()
    if entry.qualified_on < start_date - relativedelta(years=years):
        return None, (
            f"{entry.full_name} qualified on {entry.qualified_on:%-d %B %Y}, more than {years} years before the "
            "start date. The programme is for newly qualified social workers."
        )
    return entry, ""


def _registered_worker(user: User | None, what: str):
    require(user is not None, f"Choose the {what}.")
    entry = register.entries_for_users([user.pk]).get(user.pk)
    require(entry is not None and entry.is_practising, f"The {what} must be a registered social worker.")
    return entry


@transaction.atomic
def enrol(
    *,
    by: User,
    programme: Programme,
    registration_number: str,
    employer: Organisation,
    start_date: datetime.date,
    supervisor: User,
    assessor: User,
    line_manager: User | None,
    team: str,
    fte: Decimal,
    cohort: str = "",
) -> Enrolment:
    require(is_coordinator(by, employer.pk), "Only the employer's early-career co-ordinators can enrol.")
    require(programme.is_active, "That programme is not open for enrolment.")
    require(
        start_date >= programme.available_from,
        f"The {programme.short_name} starts no earlier than {programme.available_from:%-d %B %Y}.",
    )
    require(Decimal("0") < fte <= Decimal("1"), "Full-time equivalent must be more than 0 and at most 1.")
    entry, refusal = eligibility_refusal(registration_number=registration_number, start_date=start_date)
    require(entry is not None, refusal)
    _registered_worker(supervisor, "supervisor")
    _registered_worker(assessor, "assessor")
    require(supervisor.pk != entry.user_id, "The participant cannot be their own supervisor.")
    require(assessor.pk != entry.user_id, "The participant cannot be their own assessor.")
    assessor_is_manager = line_manager is not None and assessor.pk == line_manager.pk
    if assessor_is_manager and getattr(settings, "TRAINING_ASSESSOR_IS_LINE_MANAGER", "warn") == "refuse":
        raise ServiceError("The assessor cannot also be the participant's line manager. Choose another assessor.")
    planned_end = due_date(start_date, programme.length_months, fte)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                programme=programme,
                participant_id=entry.user_id,
                registration_number=entry.registration_number,
                participant_name=entry.full_name,
                qualified_on=entry.qualified_on,
                employer=employer,
                cohort=(cohort or "").strip() or f"{start_date:%B %Y}",
                team=_text(team, "Enter the team."),
                fte=fte,
                start_date=start_date,
                planned_end_date=planned_end,
                end_date=planned_end,
                supervisor=supervisor,
                assessor=assessor,
                line_manager=line_manager,
                assessor_is_line_manager=assessor_is_manager,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ServiceError(f"{entry.full_name} is already enrolled.") from exc
    store_schedule(enrolment)
    record_event(
        enrolment,
        "enrolled",
        by=by,
        to_state=enrolment.status,
        changes={"programme": programme.code, "start_date": str(start_date), "fte": str(fte)},
    )
    notify(
        to=[enrolment.participant],
        template="training/enrolled",
        context={"enrolment": enrolment, "url": link(reverse("training:my_programme"))},
        about=enrolment,
    )
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    enrolment = _lock(enrolment)
    require(enrolment.is_open, "Only someone still on the programme can be withdrawn.")
    enrolment.withdrawn_reason = _text(reason, "Say why they are leaving the programme.")
    from_state = enrolment.status
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.outcome_on = _today()
    enrolment.save(update_fields=["withdrawn_reason", "status", "outcome_on"])
    record_event(enrolment, "withdrawn", by=by, reason=reason, from_state=from_state, to_state=enrolment.status)
    return enrolment
