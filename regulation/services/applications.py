"""Applications to the register, restoration and their decisions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.notifications import link, notify
from accounts.services import ServiceError, record_event, require

from .. import years
from ..documents import sniff
from ..models import (
    Application,
    ApplicationDocument,
    Employment,
    EntryStatus,
    Order,
    RegisterEntry,
    RegistrationNumber,
    StatusChange,
    normalise_name,
)
from ._common import MIN_QUALIFYING_AGE, _lock_entry, _reason, _set_status, _today, years_after
from .employment import _add_employment
from .status import refresh_status


def _duplicate_message(*, applicant: User, first_name: str, last_name: str, date_of_birth, email: str) -> str:
    name = normalise_name(f"{first_name} {last_name}")
    if RegisterEntry.objects.filter(user=applicant).exists():
        return "You are already on the register."
    if RegisterEntry.objects.filter(name_key=name, date_of_birth=date_of_birth).exists():
        return "Someone with this name and date of birth is already on the register. Contact the regulator."
    if RegisterEntry.objects.filter(email__iexact=email).exists():
        return "This email address is already used by a register entry."
    open_apps = Application.objects.filter(status__in=Application.OPEN)
    if open_apps.filter(applicant=applicant).exists():
        return "You already have an application waiting for a decision."
    if open_apps.filter(email__iexact=email).exists():
        return "An application with this email address is already waiting for a decision."
    for other in open_apps.filter(date_of_birth=date_of_birth, last_name__iexact=last_name.strip()):
        if normalise_name(f"{other.first_name} {other.last_name}") == name:
            return "An application with this name and date of birth is already waiting for a decision."
    return ""


@transaction.atomic
def submit_application(
    *,
    applicant: User,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    email: str,
    address: str,
    qualification: str,
    qualified_on: datetime.date,
    employer: Organisation | None = None,
    documents: dict | None = None,
    health_declaration: bool | None = None,
    character_declaration: bool | None = None,
    convictions_declaration: bool | None = None,
    declaration_details: str = "",
    declared: bool = False,
    course=None,
    course_not_listed: bool = False,
) -> Application:
    """``documents`` maps an ``ApplicationDocument.Kind`` to an uploaded file; every file is checked by its
    content and size before anything is saved."""
    User.objects.select_for_update().get(pk=applicant.pk)  # one submission at a time per person
    checked = []
    for kind, upload in (documents or {}).items():
        require(kind in ApplicationDocument.Kind.values, "Unknown kind of evidence.")
        try:
            checked.append((kind, upload, sniff(upload)))
        except ValidationError as exc:
            raise ServiceError(f"{ApplicationDocument.Kind(kind).label}: {exc.messages[0]}") from exc
    declarations = (health_declaration, character_declaration, convictions_declaration)
    require(
        not any(declarations) or bool(declaration_details.strip()),
        "Give details of what you have declared.",
    )
    require(bool(first_name.strip() and last_name.strip()), "Enter your full name.")
    if course is not None:
        require(course.approved_on is not None, "Choose a course from the list of approved courses.")
        qualification = qualification.strip() or f"{course.award}, {course.provider}"
    require(bool(qualification.strip()), "Enter the qualifying course you completed.")
    today = _today()
    require(qualified_on <= today, "The date of qualification must be today or in the past.")
    require(
        years_after(date_of_birth, 16) <= today and date_of_birth >= years_after(today, -100),
        "Enter a real date of birth: you must be between 16 and 100 years old.",
    )
    require(
        qualified_on >= years_after(date_of_birth, MIN_QUALIFYING_AGE),
        f"The date of qualification must be at least {MIN_QUALIFYING_AGE} years after your date of birth.",
    )
    duplicate = _duplicate_message(
        applicant=applicant, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, email=email
    )
    require(not duplicate, duplicate)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=applicant,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                date_of_birth=date_of_birth,
                email=email.strip().lower(),
                address=address.strip(),
                qualification=qualification.strip(),
                qualified_on=qualified_on,
                employer=employer,
                health_declaration=health_declaration,
                character_declaration=character_declaration,
                convictions_declaration=convictions_declaration,
                declaration_details=declaration_details.strip(),
                declared_at=timezone.now() if declared else None,
                course=course,
                course_not_listed=course is None and (course_not_listed or bool(qualification.strip())),
            )
    except IntegrityError as exc:
        raise ServiceError("You already have an application waiting for a decision.") from exc
    for kind, upload, content_type in checked:
        ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            file=upload,
            original_name=(getattr(upload, "name", "") or kind)[:255],
            content_type=content_type,
            size=upload.size,
        )
    record_event(
        application,
        "submitted",
        by=applicant,
        to_state=application.status,
        changes={"documents": [kind for kind, _, _ in checked]},
    )
    notify(
        to=[application.email],
        template="regulation/application_received",
        context={"application": application, "url": link(reverse("regulation:my_application"))},
        about=application,
    )
    return application


@transaction.atomic
def withdraw_application(*, application: Application, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(application.applicant_id == by.pk, "Only the applicant can withdraw an application.")
    require(application.is_open, "This application has already been decided.")
    previous = application.status
    application.status = Application.Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.decision_reason = "Withdrawn by the applicant"
    application.save(update_fields=["status", "decided_at", "decision_reason"])
    record_event(application, "withdrawn", by=by, from_state=previous, to_state=application.status)
    return application


@transaction.atomic
def request_more_information(*, application: Application, by: User, request: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(
        application.status == Application.Status.SUBMITTED, "Only an application waiting for review can be asked about."
    )
    request = _reason(request, "Say what information you need.")
    application.status = Application.Status.MORE_INFORMATION
    application.information_requested = request
    application.save(update_fields=["status", "information_requested"])
    asked = record_event(
        application,
        "more_information_requested",
        by=by,
        reason=request,
        from_state="submitted",
        to_state=application.status,
    )
    notify(
        to=[application.email],
        template="regulation/more_information",
        context={"application": application, "url": link(reverse("regulation:my_application"))},
        about=application,
        discriminator=str(asked.pk),  # each request is its own message
    )
    return application


@transaction.atomic
def respond_to_request(*, application: Application, by: User, response: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(application.applicant_id == by.pk, "Only the applicant can answer.")
    require(application.status == Application.Status.MORE_INFORMATION, "Nobody has asked for more information.")
    response = _reason(response, "Enter your answer.")
    application.status = Application.Status.SUBMITTED
    application.applicant_response = response
    application.save(update_fields=["status", "applicant_response"])
    record_event(
        application, "information_provided", by=by, reason=response, from_state="more_information", to_state="submitted"
    )
    from accounts.models import AuditEvent

    asked = (
        AuditEvent.objects.for_object(application)
        .filter(action="more_information_requested", actor__isnull=False)
        .select_related("actor")
        .first()
    )
    if asked is not None:
        notify(
            to=[asked.actor.email],
            template="regulation/applicant_answered",
            context={"application": application},
            about=application,
            discriminator=str(asked.pk),
        )
    return application


RESTORABLE = (EntryStatus.LAPSED, EntryStatus.VOLUNTARILY_REMOVED, EntryStatus.REMOVED)


@transaction.atomic
def apply_for_restoration(*, entry: RegisterEntry, by: User, address: str, statement: str) -> Application:
    """A lapsed or removed person asks to return. Regulator staff decide as for any application; the entry,
    its number and its history are kept."""
    User.objects.select_for_update().get(pk=by.pk)
    entry = _lock_entry(entry)
    require(entry.user_id == by.pk, "You can only apply to restore your own registration.")
    require(entry.status_today in RESTORABLE, "Your registration does not need restoring.")
    require(bool(address.strip()), "Enter your home address.")
    statement = _reason(statement, "Say why you are applying to return to the register.")
    open_apps = Application.objects.filter(applicant=by, status__in=Application.OPEN)
    same = open_apps.filter(restores=entry).first()
    if same:
        return same  # a resent form
    require(not open_apps.exists(), "You already have an application waiting for a decision.")
    application = Application.objects.create(
        applicant=by,
        first_name=entry.first_name,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth or datetime.date(1900, 1, 1),
        email=entry.email or by.email,
        address=address.strip(),
        qualification=entry.qualification,
        qualified_on=entry.qualified_on,
        restores=entry,
        statement=statement,
    )
    record_event(application, "restoration_requested", by=by, to_state=application.status)
    return application


def _restore(*, application: Application, by: User, reason: str) -> RegisterEntry:
    entry = _lock_entry(application.restores)
    require(entry.status_today in RESTORABLE, "This registration does not need restoring.")
    today = _today()
    for order in entry.orders.select_for_update().filter(kind="removal", status=Order.Status.IN_FORCE):
        order.status = Order.Status.REVOKED
        order.ended_at = timezone.now()
        order.end_reason = f"Restored to the register: {reason}"
        order.save(update_fields=["status", "ended_at", "end_reason"])
        record_event(order, "revoked", by=by, reason=order.end_reason, from_state="in_force", to_state="revoked")
    previous_until = entry.registered_until
    entry.registered_until = max(years.first_registered_until(today), entry.registered_on)
    entry.save(update_fields=["registered_until"])
    _set_status(entry, EntryStatus.REGISTERED, by=by, reason=f"Restored to the register: {reason}")
    refresh_status(entry=entry, by=by, reason="Restored to the register")
    record_event(
        entry,
        "restored",
        by=by,
        reason=reason,
        changes={"registered_until": [previous_until.isoformat(), entry.registered_until.isoformat()]},
    )
    return entry


def allocate_registration_number() -> RegistrationNumber:
    """The primary key comes from the database sequence, so two approvals at once get different numbers."""
    return RegistrationNumber.objects.create()


@transaction.atomic
def approve_application(*, application: Application, by: User, reason: str) -> RegisterEntry:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(
        application.status == Application.Status.SUBMITTED, "Only an application waiting for review can be approved."
    )
    require(application.applicant_id != by.pk, "You cannot decide your own application.")
    reason = _reason(reason, "Give a reason for the decision.")
    if application.is_restoration:
        entry = _restore(application=application, by=by, reason=reason)
        application.status = Application.Status.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = by
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        record_event(application, "approved", by=by, reason=reason, from_state="submitted", to_state="approved")
        notify(
            to=[entry.email or application.email],
            template="regulation/approved",
            context={"entry": entry},
            about=application,
        )
        return entry
    require(
        not RegisterEntry.objects.filter(user_id=application.applicant_id).exists(),
        "This person is already registered.",
    )
    today = _today()
    allocation = allocate_registration_number()
    entry = RegisterEntry.objects.create(
        user_id=application.applicant_id,
        number_allocation=allocation,
        registration_number=allocation.number,
        first_name=application.first_name,
        last_name=application.last_name,
        date_of_birth=application.date_of_birth,
        email=application.email,
        qualification=application.qualification,
        qualified_on=application.qualified_on,
        registered_on=today,
        registered_until=years.first_registered_until(today),
        status=EntryStatus.REGISTERED,
    )
    StatusChange.objects.create(entry=entry, to_status=EntryStatus.REGISTERED, reason=reason, changed_by=by)
    record_event(entry, "registered", by=by, reason=reason, to_state=entry.status)
    # An account made by signing up has only an email: from now on it carries the registered name.
    User.objects.filter(pk=application.applicant_id, first_name="", last_name="").update(
        first_name=application.first_name, last_name=application.last_name
    )
    application.status = Application.Status.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reason = reason
    application.entry = entry
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "entry"])
    record_event(application, "approved", by=by, reason=reason, from_state="submitted", to_state="approved")
    if application.employer_id:
        _add_employment(
            entry=entry,
            employer=application.employer,
            role_title="Social worker",
            started_on=today,
            fte=Decimal("1.00"),
            contract=Employment.Contract.PERMANENT,
            by=by,
        )
    notify(to=[entry.email], template="regulation/approved", context={"entry": entry}, about=application)
    return entry


@transaction.atomic
def refuse_application(*, application: Application, by: User, reason: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(application.is_open, "This application has already been decided.")
    require(application.applicant_id != by.pk, "You cannot decide your own application.")
    reason = _reason(reason, "Give the reasons for refusing.")
    previous = application.status
    application.status = Application.Status.REFUSED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    record_event(application, "refused", by=by, reason=reason, from_state=previous, to_state="refused")
    notify(
        to=[application.email], template="regulation/refused", context={"application": application}, about=application
    )
    return application
