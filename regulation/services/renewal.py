"""CPD, renewal, direct work, and beat's renewal housekeeping (reminders and lapsing)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.notifications import notify
from accounts.services import just_created, record_event, require

from .. import years
from ..models import (
    PRACTISING,
    CPDRecord,
    DirectWorkLog,
    EntryStatus,
    RegisterEntry,
    Renewal,
    RenewalReminder,
)
from ._common import _employer_emails, _lock_entry, _set_status, _today


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
    counts = entry.cpd_records.filter(activity_date__gte=start, activity_date__lte=year_end).aggregate(
        cpd=Count("pk"), peer=Count("pk", filter=Q(discussed_with_peer=True))
    )
    cpd, peer = counts["cpd"], counts["peer"]
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
