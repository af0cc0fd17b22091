"""The registration year runs 1 December to 30 November; renewal opens 1 September and closes 30 November."""

from __future__ import annotations

import datetime

from django.conf import settings


def min_cpd() -> int:
    return getattr(settings, "REGISTER_RENEWAL_MIN_CPD", 2)


def min_peer_reflections() -> int:
    return getattr(settings, "REGISTER_RENEWAL_MIN_PEER_REFLECTIONS", 1)


def grace_days() -> int:
    return getattr(settings, "REGISTER_RENEWAL_GRACE_DAYS", 21)


def direct_work_hours_expected() -> int:
    return getattr(settings, "REGISTER_DIRECT_WORK_HOURS_EXPECTED", 100)


def year_end_for(day: datetime.date) -> datetime.date:
    """30 November closing the registration year that ``day`` falls in."""
    return datetime.date(day.year + 1 if day.month == 12 else day.year, 11, 30)


def year_start_for(day: datetime.date) -> datetime.date:
    end = year_end_for(day)
    return datetime.date(end.year - 1, 12, 1)


def year_label(end: datetime.date) -> str:
    return f"1 December {end.year - 1} to 30 November {end.year}"


def window_opens(year_end: datetime.date) -> datetime.date:
    return datetime.date(year_end.year, 9, 1)


def grace_ends(year_end: datetime.date) -> datetime.date:
    return year_end + datetime.timedelta(days=grace_days())


def first_registered_until(approved_on: datetime.date) -> datetime.date:
    """Someone registered once the renewal window has opened is not asked to renew weeks later."""
    end = year_end_for(approved_on)
    if approved_on >= window_opens(end):
        return datetime.date(end.year + 1, 11, 30)
    return end


def counting_period(
    registered_on: datetime.date, registered_until: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The one registration-year rule every page uses for CPD and direct work: the year whose renewal is due
    next, 1 December to the 30 November the person is registered until. Someone registered after the year
    began (or in the renewal window, whose first year is longer) counts everything from the day they were
    registered, so CPD done between approval and 1 December is never lost."""
    start = datetime.date(registered_until.year - 1, 12, 1)
    if datetime.date(registered_until.year - 2, 12, 1) <= registered_on < start:
        start = registered_on
    return start, registered_until


def period_label(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
