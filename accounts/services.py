"""Writes for people, organisations and the platform. Every service is keyword-only, atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, Membership, Organisation, Region, Role, User


class ServiceError(Exception):
    """A rule of the service refused the change; the message is written for the person who asked."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ServiceError(message)


def record_event(
    obj: models.Model,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    from_state: str = "",
    to_state: str = "",
    changes: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEvent:
    """The one way to write history. Call it inside the same transaction as the change it records. ``label``:
    how the record is named in the history, when its own name at this moment would mislead (a job refused while
    it still shows as in progress)."""
    return AuditEvent.objects.create(
        actor=by if by is not None and by.pk else None,
        actor_label=by.email if by is not None and by.pk else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=(label or str(obj))[:255],
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        reason=reason or "",
        changes=changes or {},
    )


@transaction.atomic
def grant_membership(
    *, user: User, organisation: Organisation, role: str, by: User | None, reason: str = ""
) -> Membership:
    require(role in Role.values, f"“{role}” is not a role.")
    require(organisation.is_active, f"{organisation} is closed; nobody can join it.")
    existing = (
        Membership.objects.select_for_update()
        .filter(user=user, organisation=organisation, role=role, ended_on__isnull=True)
        .first()
    )
    if existing:
        return existing
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    record_event(
        user,
        "membership_granted",
        by=by,
        reason=reason,
        to_state=role,
        changes={"organisation": organisation.name, "role": role},
    )
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by: User | None, reason: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    require(membership.ended_on is None, "That role has already ended.")
    require(bool(reason.strip()), "Say why the role is ending.")
    membership.ended_on = timezone.localdate()
    membership.save(update_fields=["ended_on"])
    record_event(
        membership.user,
        "membership_ended",
        by=by,
        reason=reason,
        from_state=membership.role,
        changes={"organisation": membership.organisation.name, "role": membership.role},
    )
    return membership


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str, by: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = {}
    for field, value in (("first_name", first_name.strip()), ("last_name", last_name.strip())):
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changes:
        user.save(update_fields=list(changes))
        record_event(user, "profile_updated", by=by, changes=changes)
    return user


DOUBLE_SUBMISSION_WINDOW_SECONDS = 600


def just_created(queryset: models.QuerySet, *, field: str = "created_at", seconds: int | None = None):
    """The server-side half of double-submission safety (the other half is GOV.UK's
    ``data-prevent-double-click`` on the button).

    Call it in a create service *after* locking the parent row (``select_for_update``), with a queryset of
    records identical to the one about to be made; if one was made in the last few minutes, return it instead
    of creating another. Two quick posts, or a form sent again with the back button, then give one record::

        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        same = just_created(entry.cpd_records.filter(title=title, activity_date=activity_date))
        if same:
            return same
    """
    window = seconds if seconds is not None else DOUBLE_SUBMISSION_WINDOW_SECONDS
    since = timezone.now() - datetime.timedelta(seconds=window)
    return queryset.filter(**{f"{field}__gte": since}).order_by("-pk").first()


@transaction.atomic
def set_turned_off_reminders(*, user: User, events: set[str], by: User) -> set[str]:
    """Turn off the reminders the person named and back on the rest. Only reminders can be turned off: a
    decision, an order or a revocation is always sent, whatever is asked."""
    from .models import TurnedOffReminder
    from .notifications import reminder_events

    require(by.pk == user.pk, "Only the person can choose which reminders they get.")
    reminders = {e.template for e in reminder_events()}
    require(events <= reminders, "Only reminders can be turned off.")
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    before = set(TurnedOffReminder.objects.filter(user=user).values_list("event", flat=True))
    if before == events:
        return events
    TurnedOffReminder.objects.filter(user=user).exclude(event__in=events).delete()
    TurnedOffReminder.objects.bulk_create([TurnedOffReminder(user=user, event=e) for e in sorted(events - before)])
    record_event(
        user,
        "reminders_changed",
        by=by,
        changes={"turned_off": sorted(events - before), "turned_on": sorted(before - events)},
    )
    return events


@transaction.atomic
def create_staff(*, email: str, first_name: str, last_name: str, organisation: str, password: str) -> User:
    """The first regulator staff account of a new service (``manage.py create_staff``): a service fresh from its
    migrations has nobody who could invite anyone, nor load a predecessor's bundle. The account belongs to the
    regulator organisation of that name (made if the service has none yet); its email is taken as verified, since
    the operator vouches for it; two-factor sign-in is not optional for regulator staff, so the first sign-in
    asks for an authenticator app before anything else (``accounts.middleware``)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    email = User.objects.normalize_email(email.strip())
    require("@" in email, f"“{email}” is not an email address.")
    require(not User.objects.filter(email__iexact=email).exists(), f"{email} already has an account here.")
    require(organisation.strip() != "", "Name the regulator the account belongs to.")
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    regulator, made = Organisation.objects.get_or_create(
        name=organisation.strip(), kind=Organisation.Kind.REGULATOR, defaults={"is_active": True}
    )
    if made:
        record_event(regulator, "organisation_created", by=None, reason="The service's own regulator (create_staff)")
    user = User.objects.create_user(email, password=password, first_name=user.first_name, last_name=user.last_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, organisation=regulator, role=Role.REGULATOR_STAFF)
    record_event(
        user,
        "staff_created",
        by=None,
        reason="First regulator staff account, made at the command line (create_staff)",
        changes={"organisation": regulator.name, "role": Role.REGULATOR_STAFF},
    )
    return user


class TransferClash(ServiceError):
    """A predecessor's organisation that this service cannot take as it is (``organisation_from_transfer``)."""


@transaction.atomic
def region_from_transfer(*, code: str, name: str) -> int:
    """A predecessor's region (from a regulator's transfer bundle) as this service's: a region is the same region
    wherever its ONS code is, so the one held is kept as it is, and any other added. Returns its id here.
    Not audited one by one: the load as a whole is (``transfer_imported``, with the rows loaded), and the audit
    log a bundle carries must come back as it went (docs/transfer-format.md)."""
    existing = Region.objects.filter(code=code).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    return Region.objects.create(code=code, name=name).pk


@transaction.atomic
def organisation_from_transfer(
    *,
    name: str,
    kind: str,
    employer_type: str,
    la_number: str | None,
    region_id: int | None,
    town: str,
    is_active: bool,
    closed_on: datetime.date | None,
) -> int:
    """A predecessor's organisation (from a regulator's transfer bundle) under an id of this service's, returned.
    A local authority this service already holds (the same DfE number) is that one, kept as it is, so long as it
    has the same name (``TransferClash`` otherwise); any other organisation is added, never merged with one of this
    service's by name. Audited with the load as a whole, as ``region_from_transfer`` says."""
    if la_number:
        existing = Organisation.objects.filter(la_number=la_number).first()
        if existing is not None:
            if existing.name != name:
                raise TransferClash(
                    f"local authority {la_number} is “{name}” in the bundle but “{existing.name}” here."
                )
            return existing.pk
    return Organisation.objects.create(
        name=name,
        kind=kind,
        employer_type=employer_type,
        la_number=la_number,
        region_id=region_id,
        town=town,
        is_active=is_active,
        closed_on=closed_on,
    ).pk


@transaction.atomic
def people_named_in_transfer(*, emails: set[str]) -> dict[str, int]:
    """The accounts of the people a predecessor's transfer bundle names by email (who opened a case, who recorded a
    review), as email → id: each one this service holds, and for any other an account made now that cannot sign
    in until someone invites them (no usable password, inactive). Audited with the load as a whole, as
    ``region_from_transfer`` says."""
    found = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    for email in sorted(emails - set(found)):
        found[email] = User.objects.create_user(email, password=None, is_active=False).pk
    return found
