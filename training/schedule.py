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
# Raise when a change to the rules below changes what stored_schedule() derives: the next migrate re-derives every
# enrolment's stored dates (training.apps, post_migrate).
RULES_VERSION = 1


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
    state: str  # done, overdue, due_soon, upcoming, optional_missed, not_held (the programme ended without it)

    @property
    def tag(self) -> str:
        return {
            "done": "govuk-tag--green",
            "overdue": "govuk-tag--red",
            "due_soon": "govuk-tag--yellow",
            "upcoming": "govuk-tag--grey",
            "optional_missed": "govuk-tag--grey",
            "not_held": "govuk-tag--grey",
        }[self.state]

    @property
    def state_label(self) -> str:
        return {
            "done": "Done",
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "upcoming": "Not due yet",
            "optional_missed": "Optional – not held",
            "not_held": "Not held",
        }[self.state]


def paused_on(pauses, day: datetime.date):
    return next((p for p in pauses if p.in_force_on(day)), None)


def review_points(enrolment: Enrolment, reviews, today: datetime.date, *, pauses=None) -> list[PointStatus]:
    """``pauses``: the enrolment's, if already read (else its prefetched or stored ones)."""
    current = {r.point: r for r in reviews if r.returned_at is None}
    points = []
    for point in enrolment.programme.review_points:
        review = current.get(point["key"])
        due = enrolment.point_due_on(point, pauses, held_on=review.held_on if review is not None else None)
        if review is not None:
            state = "done"
        elif not enrolment.is_open:
            # A closed record has no work still to come: what was not held stays not held.
            state = "optional_missed" if point.get("optional") else "not_held"
        elif today > due:
            state = "optional_missed" if point.get("optional") else "overdue"
        elif (due - today).days <= DUE_SOON_DAYS:
            state = "due_soon"
        else:
            state = "upcoming"
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


def _paused_days(pauses, since: datetime.date, until: datetime.date) -> int:
    """Days between two dates (both counted) spent on a pause."""
    return sum(
        (min(p.ends_on, until) - max(p.starts_on, since)).days + 1
        for p in pauses
        if p.ends_on >= since and p.starts_on <= until
    )


def interval_days(enrolment: Enrolment, day: datetime.date, pauses=()) -> int:
    """Days between sessions at that point of the programme, pro rata for part-time work as the dates are.

    The schedule's bands are weeks of full-time work: someone on 0.5 FTE is supervised fortnightly for their
    first twelve weeks where a full-timer is seen weekly for six. Time on a pause is not work, so it does not
    move anyone into a later band."""
    fte = min(float(enrolment.fte), 1.0) or 1.0
    elapsed = (day - enrolment.start_date).days
    if day > enrolment.start_date:
        elapsed -= _paused_days(pauses, enrolment.start_date, day - datetime.timedelta(days=1))
    weeks_worked = max(0, elapsed) / 7 * fte
    bands = enrolment.programme.supervision_schedule
    days = next((d for until, d in bands if until is None or weeks_worked < until), bands[-1][1])
    return round(days / fte)


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
    """Next session falls due one interval (weekly, fortnightly, monthly by the programme's schedule, stretched pro
    rata for part-time work) after the last one, or after the start; time on a pause does not count."""
    held = [s.held_on for s in sessions if s.held_on <= today]
    last = max(held) if held else None
    since = last or enrolment.start_date
    interval = interval_days(enrolment, since, pauses)
    # Moved past every pause that starts before it falls due (a pause still to come included), so the date shown is
    # never one inside a pause.
    next_due = since + datetime.timedelta(days=interval)
    for pause in sorted(pauses, key=lambda p: p.starts_on):
        if pause.ends_on < since:
            continue
        if pause.starts_on > next_due:
            break
        next_due += datetime.timedelta(days=(pause.ends_on - max(pause.starts_on, since)).days + 1)
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


@dataclass
class ProtectedTimeStatus:
    """Protected development time recorded against what the programme promises: its hours a week, pro rata for
    part-time work, over every complete week worked so far (weeks on a pause are not owed)."""

    weeks: int
    per_week: Decimal
    expected: Decimal
    recorded: Decimal
    applies: bool  # still counting: the programme is in progress and not paused

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal("0"), self.expected - self.recorded)

    @property
    def behind(self) -> bool:
        return self.applies and self.shortfall > 0

    @property
    def state(self) -> str:
        return "Behind" if self.behind else "On track" if self.applies else "Not counting"

    @property
    def tag(self) -> str:
        return {"Behind": "govuk-tag--red", "On track": "govuk-tag--green"}.get(self.state, "govuk-tag--grey")


def _protected_per_week(enrolment: Enrolment) -> Decimal:
    fte = min(enrolment.fte, Decimal("1"))
    return (enrolment.programme.protected_hours_per_week * fte).quantize(Decimal("0.1"))


def _days_worked(enrolment: Enrolment, pauses, today: datetime.date) -> int:
    """Days of the programme worked before ``today``: from the start, up to the end date (or the outcome of a
    finished record), less the days on a pause."""
    until = min(today, enrolment.end_date)
    if not enrolment.is_open and enrolment.outcome_on:
        until = min(until, enrolment.outcome_on)
    if until <= enrolment.start_date:
        return 0
    last = until - datetime.timedelta(days=1)
    return max(0, (until - enrolment.start_date).days - _paused_days(pauses, enrolment.start_date, last))


def protected_time(enrolment: Enrolment, rows, pauses, today: datetime.date) -> ProtectedTimeStatus:
    per_week = _protected_per_week(enrolment)
    weeks = _days_worked(enrolment, pauses, today) // 7
    recorded = sum((r.hours for r in rows), Decimal("0"))
    applies = enrolment.status == Enrolment.Status.ACTIVE and paused_on(pauses, today) is None
    return ProtectedTimeStatus(
        weeks=weeks,
        per_week=per_week,
        expected=(per_week * weeks).quantize(Decimal("0.1")),
        recorded=Decimal(recorded).quantize(Decimal("0.1")),
        applies=applies,
    )


def protected_time_short_from(enrolment: Enrolment, rows, pauses) -> datetime.date | None:
    """The first day on which protected_time() finds hours owed beyond those recorded, or None if that cannot
    happen before the programme ends. The hours owed only grow with days worked, so "short on day D" is
    "D on or after this day" (while the programme runs and is not paused: the caller checks those)."""
    per_week = _protected_per_week(enrolment)
    if per_week <= 0:
        return None
    recorded = Decimal(sum((r.hours for r in rows), Decimal("0"))).quantize(Decimal("0.1"))
    weeks = int(recorded / per_week)
    while (per_week * weeks).quantize(Decimal("0.1")) <= recorded:
        weeks += 1
    needed = weeks * 7
    day = enrolment.start_date + datetime.timedelta(days=needed)
    # Days worked rise by at most one a day, so stepping by what is still missing never passes the first such day.
    while (worked := _days_worked(enrolment, pauses, day)) < needed:
        if day > enrolment.end_date:
            return None
        day += datetime.timedelta(days=needed - worked)
    return day


@dataclass(frozen=True)
class StoredSchedule:
    """What Enrolment keeps of its schedule so SQL can count and filter a cohort (see the model's fields)."""

    required_review_due_on: datetime.date | None
    supervision_due_on: datetime.date | None
    protected_time_short_from: datetime.date | None
    caseload_months_above: int

    def as_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def stored_schedule(enrolment: Enrolment, *, sessions, reviews, pauses, protected_rows, months) -> StoredSchedule:
    """The same rules as review_points(), supervision(), protected_time() and caseload(), with "today" left out:
    each is kept as the date from which it holds. Sessions and reviews cannot be dated in the future, so none is
    left out for being after today."""
    held = {r.point for r in reviews if r.returned_at is None}
    required = [
        enrolment.point_due_on(point, pauses)
        for point in enrolment.programme.review_points
        if not point.get("optional") and point["key"] not in held
    ]
    return StoredSchedule(
        required_review_due_on=min(required, default=None),
        supervision_due_on=supervision(enrolment, sessions, pauses, datetime.date.max).next_due,
        protected_time_short_from=protected_time_short_from(enrolment, protected_rows, pauses),
        caseload_months_above=sum(1 for row in caseload(enrolment, months) if row.above),
    )
