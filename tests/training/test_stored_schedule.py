"""Each enrolment's stored schedule dates (what the cohort counts and filters in SQL) stay what its records say:
written by the services, re-derived after migrate for rules of an older version, and checked daily."""

import datetime

import pytest

from training import schedule, services, tasks
from training.models import Enrolment

from .conftest import START, at, enrol

pytestmark = pytest.mark.django_db


def _stored(e: Enrolment) -> dict:
    e.refresh_from_db()
    return {name: getattr(e, name) for name in schedule.StoredSchedule.__dataclass_fields__}


def test_services_keep_the_stored_dates_and_the_daily_check_repairs_a_write_round_them(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    e = enrol(team)
    first = _stored(e)
    assert e.schedule_version == schedule.RULES_VERSION
    assert first["supervision_due_on"] == START + datetime.timedelta(days=7)  # weekly at first, full time
    assert first["required_review_due_on"] is not None

    time_machine.move_to(at(START + datetime.timedelta(days=5)), tick=False)
    services.record_supervision(
        enrolment=e,
        by=team["supervisor"],
        held_on=START + datetime.timedelta(days=5),
        minutes=60,
        supervisor=team["supervisor"],
        themes="Induction",
    )
    assert _stored(e)["supervision_due_on"] == START + datetime.timedelta(days=12)

    # A write that went round the services (a shell, old code during a migration): the daily task puts it right.
    Enrolment.objects.filter(pk=e.pk).update(supervision_due_on=datetime.date(2030, 1, 1), caseload_months_above=9)
    assert tasks.rederive_schedules() == 1
    assert _stored(e)["supervision_due_on"] == START + datetime.timedelta(days=12)
    assert _stored(e)["caseload_months_above"] == 0
    assert tasks.rederive_schedules() == 0


def test_after_migrate_enrolments_derived_by_older_rules_are_derived_again(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    e = enrol(team)
    right = _stored(e)
    Enrolment.objects.filter(pk=e.pk).update(schedule_version=0, supervision_due_on=None, required_review_due_on=None)
    assert services.store_outdated_schedules() == 1
    assert _stored(e) == right and Enrolment.objects.get(pk=e.pk).schedule_version == schedule.RULES_VERSION
    assert services.store_outdated_schedules() == 0  # nothing left to do: cheap on every later migrate


def test_protected_time_short_from_is_the_first_day_the_hours_owed_exceed_those_recorded(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    e = enrol(team)
    e.refresh_from_db()
    short_from = _stored(e)["protected_time_short_from"]
    rows, pauses = [], []
    for day in (short_from - datetime.timedelta(days=1), short_from):
        status = schedule.protected_time(e, rows, pauses, day)
        assert status.behind == (day >= short_from), (day, status)
