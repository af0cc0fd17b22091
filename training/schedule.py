"""What falls due when: pure functions over an enrolment and what has been recorded on it (no queries).

Callers pass prefetched sessions, reviews and pauses so a cohort page costs the same whatever its size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .models import Enrolment

DUE_SOON_DAYS = 14


def reminder_days() -> int:
    return getattr(settings, "TRAINING_REMINDER_DAYS_BEFORE", 7)


@dataclass
class PointStatus:
    key: str
    label: str
    due_on: datetime.date
    optional: bool
    final: bool
    review: object | None
    state: str  # done, overdue, due_soon, upcoming, optional_missed

    @property
    def tag(self) -> str:
        return {
            "done": "govuk-tag--green",
            "overdue": "govuk-tag--red",
            "due_soon": "govuk-tag--yellow",
            "upcoming": "govuk-tag--grey",
            "optional_missed": "govuk-tag--grey",
        }[self.state]

    @property
    def state_label(self) -> str:
        return {
            "done": "Done",
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "upcoming": "Not due yet",
            "optional_missed": "Optional – not held",
        }[self.state]


def paused_on(pauses, day: datetime.date):
    return next((p for p in pauses if p.in_force_on(day)), None)


def review_points(enrolment: Enrolment, reviews, today: datetime.date) -> list[PointStatus]:
    current = {r.point: r for r in reviews if r.returned_at is None}
    points = []
    for point in enrolment.programme.review_points:
        due = enrolment.point_due_on(point)
        review = current.get(point["key"])
        if review is not None:
            state = "done"
        elif today > due:
            state = "optional_missed" if point.get("optional") else "overdue"
        elif (due - today).days <= DUE_SOON_DAYS:
            state = "due_soon"
        else:
            state = "upcoming"
        if not enrolment.is_open and review is None and state in ("overdue", "due_soon"):
            state = "optional_missed" if point.get("optional") else "upcoming"
        points.append(
            PointStatus(
                point["key"], point["label"], due, bool(point.get("optional")), bool(point.get("final")), review, state
            )
        )
    return points


def later_points(enrolment: Enrolment, reviews, today: datetime.date) -> list[PointStatus]:
    """Year 2 and year 5 assessments, counted from the day the programme was passed."""
    if enrolment.status != Enrolment.Status.PASSED or enrolment.outcome_on is None:
        return []
    from dateutil.relativedelta import relativedelta

    current = {r.point: r for r in reviews if r.returned_at is None}
    points = []
    for point in enrolment.programme.later_milestones:
        due = enrolment.outcome_on + relativedelta(months=point["month"])
        review = current.get(point["key"])
        state = (
            "done" if review else "overdue" if today > due else "due_soon" if (due - today).days <= 60 else "upcoming"
        )
        points.append(PointStatus(point["key"], point["label"], due, False, False, review, state))
    return points


def interval_days(enrolment: Enrolment, day: datetime.date) -> int:
    weeks = (day - enrolment.start_date).days / 7
    for until, days in enrolment.programme.supervision_schedule:
        if until is None or weeks < until:
            return days
    return enrolment.programme.supervision_schedule[-1][1]


@dataclass
class SupervisionStatus:
    last_held: datetime.date | None
    next_due: datetime.date
    interval: int
    overdue: bool
    due_soon: bool
    paused: bool
    held: int

    @property
    def state(self) -> str:
        if self.paused:
            return "Paused"
        return "Overdue" if self.overdue else "Due soon" if self.due_soon else "Up to date"

    @property
    def tag(self) -> str:
        return {"Overdue": "govuk-tag--red", "Due soon": "govuk-tag--yellow", "Paused": "govuk-tag--grey"}.get(
            self.state, "govuk-tag--green"
        )


def supervision(enrolment: Enrolment, sessions, pauses, today: datetime.date) -> SupervisionStatus:
    """Next session falls due one interval (weekly, fortnightly, monthly by the programme's schedule) after the last
    one, or after the start; time on a pause does not count."""
    held = [s.held_on for s in sessions if s.held_on <= today]
    last = max(held) if held else None
    since = last or enrolment.start_date
    interval = interval_days(enrolment, since)
    paused_days = sum(
        (min(p.ends_on, today) - max(p.starts_on, since)).days + 1
        for p in pauses
        if p.ends_on >= since and p.starts_on <= today
    )
    next_due = since + datetime.timedelta(days=interval + max(0, paused_days))
    paused = paused_on(pauses, today) is not None
    active = enrolment.is_open and enrolment.status == Enrolment.Status.ACTIVE and today >= enrolment.start_date
    return SupervisionStatus(
        last_held=last,
        next_due=next_due,
        interval=interval,
        overdue=active and not paused and today > next_due,
        due_soon=active and not paused and 0 <= (next_due - today).days <= reminder_days(),
        paused=paused,
        held=len(held),
    )


def months_since_start(enrolment: Enrolment, month: datetime.date) -> int:
    return (month.year - enrolment.start_date.year) * 12 + month.month - enrolment.start_date.month


def expected_share(enrolment: Enrolment, month: datetime.date) -> int:
    """The share of an experienced worker's caseload allowed in that month of the programme (percent)."""
    index = months_since_start(enrolment, month)
    share = enrolment.programme.caseload_expectation[0][1]
    for from_month, percent in enrolment.programme.caseload_expectation:
        if index >= from_month:
            share = percent
    return share


@dataclass
class CaseloadRow:
    month: datetime.date
    cases: int
    experienced: int
    share: int
    allowed: Decimal
    above: bool


def caseload(enrolment: Enrolment, months) -> list[CaseloadRow]:
    rows = []
    for m in months:
        share = expected_share(enrolment, m.month)
        allowed = (Decimal(m.experienced_caseload) * share / 100 * enrolment.fte).quantize(Decimal("0.1"))
        rows.append(CaseloadRow(m.month, m.cases, m.experienced_caseload, share, allowed, m.cases > allowed))
    return rows
