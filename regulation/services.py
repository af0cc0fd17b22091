"""Every write to the register. Keyword-only, atomic, guarded on the locked row, and audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.notifications import link, notify
from accounts.services import ServiceError, just_created, record_event, require

from . import signals, years
from .documents import sniff
from .models import (
    PRACTISING,
    Annotation,
    Application,
    ApplicationDocument,
    CaseStage,
    Condition,
    CPDRecord,
    DirectWorkLog,
    Employment,
    EntryStatus,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
    RegistrationNumber,
    Renewal,
    RenewalReminder,
    StatusChange,
    normalise_name,
)

__all__ = ["ServiceError"]


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
        from .signals import entry_removed

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


# --- Applications ---------------------------------------------------------------------------------------------


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


# --- CPD, renewal and direct work -----------------------------------------------------------------------------


@transaction.atomic
def record_cpd(
    *,
    entry: RegisterEntry,
    by: User,
    title: str,
    activity_date: datetime.date,
    learning: str,
    impact: str,
    discussed_with_peer: bool,
    peer_name: str = "",
) -> CPDRecord:
    entry = _lock_entry(entry)
    require(entry.user_id == by.pk, "You can only record CPD on your own registration.")
    require(
        entry.status not in (EntryStatus.REMOVED, EntryStatus.VOLUNTARILY_REMOVED), "You are no longer on the register."
    )
    require(activity_date <= _today(), "The date of the activity must be today or in the past.")
    require(
        bool(title.strip() and learning.strip() and impact.strip()), "Enter the title, what you learned and its impact."
    )
    require(not discussed_with_peer or bool(peer_name.strip()), "Say who you discussed it with.")
    same = just_created(
        entry.cpd_records.filter(
            title=title.strip(),
            activity_date=activity_date,
            learning=learning.strip(),
            impact=impact.strip(),
            discussed_with_peer=discussed_with_peer,
            peer_name=peer_name.strip() if discussed_with_peer else "",
        )
    )
    if same:
        return same
    record = CPDRecord.objects.create(
        entry=entry,
        title=title.strip(),
        activity_date=activity_date,
        learning=learning.strip(),
        impact=impact.strip(),
        discussed_with_peer=discussed_with_peer,
        peer_name=peer_name.strip() if discussed_with_peer else "",
    )
    record_event(entry, "cpd_recorded", by=by, changes={"title": record.title, "date": activity_date.isoformat()})
    return record


def cpd_is_locked(record: CPDRecord) -> bool:
    """A record counted by a renewal already made is part of that decision and stays as it was."""
    return record.entry.renewals.filter(year_end__gte=record.activity_date).exists()


def cpd_with_locks(entry: RegisterEntry) -> list[CPDRecord]:
    """The person's CPD, each marked ``locked`` when a renewal has counted it (two queries in all)."""
    last_renewed = entry.renewals.order_by("-year_end").values_list("year_end", flat=True).first()
    records = list(entry.cpd_records.all())
    for record in records:
        record.locked = last_renewed is not None and record.activity_date <= last_renewed
    return records


def _lock_cpd(record: CPDRecord, by: User) -> CPDRecord:
    record = CPDRecord.objects.select_for_update().get(pk=record.pk)
    require(record.entry.user_id == by.pk, "You can only change your own CPD.")
    require(not cpd_is_locked(record), "This record was counted when you renewed, so it can no longer be changed.")
    return record


@transaction.atomic
def update_cpd(
    *,
    record: CPDRecord,
    by: User,
    title: str,
    activity_date: datetime.date,
    learning: str,
    impact: str,
    discussed_with_peer: bool,
    peer_name: str = "",
) -> CPDRecord:
    record = _lock_cpd(record, by)
    require(activity_date <= _today(), "The date of the activity must be today or in the past.")
    require(
        bool(title.strip() and learning.strip() and impact.strip()), "Enter the title, what you learned and its impact."
    )
    require(not discussed_with_peer or bool(peer_name.strip()), "Say who you discussed it with.")
    before = {"title": record.title, "date": record.activity_date.isoformat()}
    record.title, record.activity_date = title.strip(), activity_date
    record.learning, record.impact = learning.strip(), impact.strip()
    record.discussed_with_peer = discussed_with_peer
    record.peer_name = peer_name.strip() if discussed_with_peer else ""
    record.save()
    record_event(
        record.entry,
        "cpd_changed",
        by=by,
        changes={"before": before, "title": record.title, "date": str(activity_date)},
    )
    return record


@transaction.atomic
def delete_cpd(*, record: CPDRecord, by: User) -> CPDRecord:
    record = _lock_cpd(record, by)
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at"])
    record_event(
        record.entry, "cpd_deleted", by=by, changes={"title": record.title, "date": record.activity_date.isoformat()}
    )
    return record


def renewal_position(entry: RegisterEntry, today: datetime.date | None = None) -> dict:
    """What renewal needs from this person today: whether it is open, and what CPD still lacks."""
    today = today or _today()
    start, year_end = years.counting_period(entry.registered_on, entry.registered_until)
    records = entry.cpd_records.filter(activity_date__gte=start, activity_date__lte=year_end)
    cpd = records.count()
    peer = records.filter(discussed_with_peer=True).count()
    opens = years.window_opens(year_end)
    grace_end = years.grace_ends(year_end)
    problems = []
    if entry.status_today not in PRACTISING:
        problems.append(f"Your registration is {entry.get_status_display().lower()}, so it cannot be renewed.")
    if today < opens:
        problems.append(f"Renewal opens on {opens:%-d %B %Y}.")
    elif today > grace_end:
        problems.append(f"The grace period for renewal ended on {grace_end:%-d %B %Y}.")
    if cpd < years.min_cpd():
        problems.append(f"You need at least {years.min_cpd()} CPD records this registration year; you have {cpd}.")
    if peer < years.min_peer_reflections():
        problems.append(
            f"At least {years.min_peer_reflections()} CPD record must have been discussed with a peer; you have {peer}."
        )
    return {
        "year_end": year_end,
        "year_start": start,
        "period_label": years.period_label(start, year_end),
        "opens": opens,
        "grace_ends": grace_end,
        "cpd": cpd,
        "peer": peer,
        "min_cpd": years.min_cpd(),
        "min_peer": years.min_peer_reflections(),
        "late": today > year_end,
        "is_open": opens <= today <= grace_end,
        "problems": problems,
        "can_renew": not problems,
    }


@transaction.atomic
def renew_registration(*, entry: RegisterEntry, by: User) -> Renewal:
    entry = _lock_entry(entry)
    require(entry.user_id == by.pk, "You can only renew your own registration.")
    position = renewal_position(entry)
    require(not position["problems"], " ".join(position["problems"]))
    renewal = Renewal.objects.create(
        entry=entry,
        year_end=entry.registered_until,
        renewed_by=by,
        late=position["late"],
        cpd_count=position["cpd"],
        peer_reflection_count=position["peer"],
    )
    previous = entry.registered_until
    entry.registered_until = datetime.date(previous.year + 1, 11, 30)
    entry.save(update_fields=["registered_until"])
    record_event(
        entry,
        "renewed",
        by=by,
        reason="Late renewal in the grace period" if renewal.late else "",
        changes={"registered_until": [previous.isoformat(), entry.registered_until.isoformat()]},
    )
    if entry.email:
        notify(
            to=[entry.email],
            template="regulation/renewed",
            context={"entry": entry, "renewal": renewal},
            about=renewal,
        )
    return renewal


@transaction.atomic
def log_direct_work(
    *, entry: RegisterEntry, by: User, worked_on: datetime.date, hours: Decimal, description: str
) -> DirectWorkLog:
    entry = _lock_entry(entry)
    require(entry.user_id == by.pk, "You can only log your own direct work.")
    require(worked_on <= _today(), "The date must be today or in the past.")
    require(Decimal("0") < hours <= Decimal("24"), "Hours must be more than 0 and no more than 24.")
    require(bool(description.strip()), "Say what the work was.")
    same = just_created(entry.direct_work.filter(worked_on=worked_on, hours=hours, description=description.strip()))
    if same:
        return same
    log = DirectWorkLog.objects.create(entry=entry, worked_on=worked_on, hours=hours, description=description.strip())
    record_event(entry, "direct_work_logged", by=by, changes={"date": worked_on.isoformat(), "hours": str(hours)})
    return log


# --- Employment -----------------------------------------------------------------------------------------------


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


# --- Status derived from orders, conditions and renewal -------------------------------------------------------


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


# --- Fitness to practise --------------------------------------------------------------------------------------


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


# --- Conditions and annotations -------------------------------------------------------------------------------


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


# --- Renewal housekeeping (Celery beat) -----------------------------------------------------------------------


def lapse_unrenewed(*, today: datetime.date | None = None) -> int:
    """Lapse every practising entry whose grace period has ended without renewal. Safe to repeat."""
    today = today or _today()
    cutoff = today - datetime.timedelta(days=years.grace_days())
    due = RegisterEntry.objects.filter(status__in=PRACTISING, registered_until__lt=cutoff).values_list("pk", flat=True)
    lapsed = 0
    for pk in list(due):
        with transaction.atomic():
            entry = RegisterEntry.objects.select_for_update().get(pk=pk)
            if entry.status not in PRACTISING or entry.registered_until >= cutoff:
                continue
            reason = (
                f"Not renewed by {entry.registered_until:%-d %B %Y} nor in the {years.grace_days()}-day grace period"
            )
            _set_status(entry, EntryStatus.LAPSED, by=None, reason=reason)
            # Restored and lapsed again in a later year is another message: the registration year tells them apart.
            year = str(entry.registered_until)
            if entry.email:
                notify(
                    to=[entry.email],
                    template="regulation/lapsed",
                    context={"entry": entry},
                    about=entry,
                    discriminator=year,
                )
            employers = _employer_emails(entry.current_employer_id)
            if employers:
                notify(
                    to=employers,
                    template="regulation/employee_lapsed",
                    context={"entry": entry},
                    about=entry,
                    discriminator=year,
                )
            lapsed += 1
    return lapsed


def send_renewal_reminders(*, today: datetime.date | None = None) -> int:
    """Remind people who have not renewed: when the window opens, two weeks before it closes, and in the grace."""
    today = today or _today()
    sent = 0
    year_end = years.year_end_for(today)
    if today < years.window_opens(year_end):
        year_end = datetime.date(year_end.year - 1, 11, 30)  # still inside last year's grace period, if anywhere
    if today > years.grace_ends(year_end) or today < years.window_opens(year_end):
        return 0
    if today > year_end:
        kind = RenewalReminder.Kind.GRACE
    elif (year_end - today).days <= 14:
        kind = RenewalReminder.Kind.DEADLINE_NEAR
    else:
        kind = RenewalReminder.Kind.WINDOW_OPEN
    due = (
        RegisterEntry.objects.filter(status__in=PRACTISING, registered_until=year_end)
        .exclude(email="")
        .exclude(reminders__year_end=year_end, reminders__kind=kind)
        .only("pk", "email", "first_name", "registered_until", "registration_number")
    )
    for entry in due.iterator(chunk_size=1000):
        with transaction.atomic():
            _, created = RenewalReminder.objects.get_or_create(entry=entry, year_end=year_end, kind=kind)
            if created:
                notify(
                    to=[entry.email],
                    template="regulation/renewal_reminder",
                    context={
                        "entry": entry,
                        "kind": kind,
                        "deadline": year_end,
                        "grace_ends": years.grace_ends(year_end),
                    },
                    about=entry,
                    discriminator=f"{year_end}:{kind}",
                )
                sent += 1
    return sent
