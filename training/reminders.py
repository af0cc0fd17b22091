"""Daily reminders (Celery beat): supervisors and assessors a week before a review or supervision falls due and
when it is overdue; participants before their final assessment. A row per reminder means a re-run sends nothing."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.notifications import notify

from . import schedule
from .models import Enrolment, Reminder


def _due_reminders(e: Enrolment, today: datetime.date) -> list[tuple[str, datetime.date, list[str], str]]:
    before = schedule.reminder_days()
    team = [u.email for u in (e.supervisor, e.assessor) if u is not None]
    found = []
    if schedule.paused_on(list(e.pauses.all()), today):
        return found
    for point in schedule.review_points(e, e.reviews.all(), today):
        if point.review is not None or point.optional:
            continue
        days = (point.due_on - today).days
        if 0 < days <= before:
            found.append((f"review_due:{point.key}", point.due_on, team, point.label))
            if point.final:
                found.append(("final_soon", point.due_on, [e.participant.email], point.label))
        elif days < 0:
            found.append((f"review_overdue:{point.key}", point.due_on, team, point.label))
    sup = schedule.supervision(e, e.supervision_sessions.all(), e.pauses.all(), today)
    if sup.overdue:
        found.append(("supervision_overdue", sup.next_due, team, "Supervision"))
    elif 0 < (sup.next_due - today).days <= before:
        found.append(("supervision_due", sup.next_due, team, "Supervision"))
    return found


def send_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    enrolments = (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, start_date__lte=today)
        .select_related("programme", "supervisor", "assessor", "participant")
        .prefetch_related("reviews", "supervision_sessions", "pauses", "reminders")
    )
    sent = 0
    for e in enrolments:
        already = {(r.kind, r.due_on) for r in e.reminders.all()}
        for kind, due_on, recipients, label in _due_reminders(e, today):
            if (kind, due_on) in already or not recipients:
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.create(enrolment=e, kind=kind, due_on=due_on, sent_to=", ".join(recipients))
                    notify(
                        to=recipients,
                        template="training/reminder",
                        context={
                            "enrolment": e,
                            "kind": kind,
                            "due_on": due_on,
                            "label": label,
                            "overdue": "overdue" in kind,
                        },
                        about=e,
                        discriminator=f"{kind}:{due_on}",
                    )
            except IntegrityError:
                continue  # another run sent it a moment ago
            sent += 1
    return sent
