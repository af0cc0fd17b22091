"""Regulator staff filter the register by the status people see today (``status_from_facts``), not by the status
the nightly task last recorded; the filter is one SQL query, the same rule as ``RegisterEntry.status_today``."""

import datetime
from datetime import timedelta

import pytest

from accounts.models import Role
from regulation import selectors, services
from regulation.models import PRACTISING, EntryStatus, RegisterEntry
from tests.factories import make_user

from .conftest import SPRING, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_of_every_kind(regulator, time_machine):
    """One entry for each way a status can differ from the stored one, and one where they agree."""
    time_machine.move_to(SPRING, tick=False)
    made = {}

    def person(key):
        made[key] = register(make_user(Role.SOCIAL_WORKER, first_name=key.title(), last_name="Okafor"), regulator)
        return made[key]

    def conditions_for(entry, days):
        services.add_condition(
            entry=entry,
            by=regulator,
            text="Supervision",
            starts_on=entry.registered_on,
            ends_on=entry.registered_on + timedelta(days=days),
        )

    def removal_of(entry, **starting):
        case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=SPRING.date())
        services.record_outcome(case=case, by=regulator, outcome="removal", reason="Struck off", **starting)

    person("plain")
    conditions_for(person("expired"), 10)
    conditions_for(person("conditions"), 300)
    suspended = person("suspended")
    case = services.open_case(entry=suspended, by=regulator, concern="c", source="s", received_on=SPRING.date())
    services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_suspension",
        starts_on=SPRING.date(),
        review_on=SPRING.date() + datetime.timedelta(days=30),
        expires_on=SPRING.date() + datetime.timedelta(days=60),
        reason="Risk",
    )
    services.remove_voluntarily(entry=person("left"), by=regulator, reason="Retired")
    # Removal decided to start in three days: on the day it is in force, before the nightly task records it.
    removal_of(person("removing"), starts_on=SPRING.date() + timedelta(days=3))
    removal_of(person("removed"))  # removed today: recorded at once
    # Conditions for years: still "with conditions" until the registration lapses, then lapsed.
    conditions_for(person("lasting"), 3 * 365)
    return made


def _expected(status):
    return {e.pk for e in RegisterEntry.objects.all() if e.status_today == status}


@pytest.mark.parametrize(
    "day",
    [
        SPRING + datetime.timedelta(days=5),  # conditions and the suspension in force
        SPRING + datetime.timedelta(days=11),  # one set of conditions has ended; nothing has run overnight
        SPRING + datetime.timedelta(days=70),  # the suspension has expired
        datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC),  # past the grace period: non-renewers lapsed
    ],
    ids=["in-force", "conditions-ended", "suspension-expired", "past-grace"],
)
def test_status_filter_matches_status_today(register_of_every_kind, time_machine, day):
    time_machine.move_to(day, tick=False)
    for status in EntryStatus.values:
        found = {e.pk for e in selectors.staff_search(status=status)}
        assert found == _expected(status), status
    if day > SPRING + timedelta(days=3):  # every fact that decides a status holds for someone on this day
        by_first_name = {e.first_name: e.status_today for e in RegisterEntry.objects.all()}
        assert by_first_name["Removing"] == by_first_name["Removed"] == EntryStatus.REMOVED
        assert RegisterEntry.objects.get(first_name="Removing").status != EntryStatus.REMOVED  # not yet recorded


def test_filter_uses_the_status_of_today_not_the_stored_one(register_of_every_kind, time_machine):
    expired = register_of_every_kind["expired"]
    time_machine.move_to(SPRING + datetime.timedelta(days=11), tick=False)
    expired.refresh_from_db()
    assert expired.status == EntryStatus.REGISTERED_WITH_CONDITIONS  # the nightly task has not run
    with_conditions = set(selectors.staff_search(status=EntryStatus.REGISTERED_WITH_CONDITIONS))
    assert expired not in with_conditions
    assert expired in set(selectors.staff_search(status=EntryStatus.REGISTERED))
    time_machine.move_to(datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC), tick=False)
    lapsed = {e.first_name for e in selectors.staff_search(status=EntryStatus.LAPSED)}
    assert {"Plain", "Expired", "Conditions"} <= lapsed
    assert "Left" not in lapsed  # voluntary removal is a decision that stays


def test_status_filter_page_and_api_cost_a_fixed_number_of_queries(
    client, register_of_every_kind, regulator, time_machine, django_assert_max_num_queries
):
    time_machine.move_to(SPRING + datetime.timedelta(days=11), tick=False)
    for n in range(15):
        register(make_user(Role.SOCIAL_WORKER, first_name=f"P{n}", last_name="Okafor"), regulator)
    client.force_login(regulator)
    with django_assert_max_num_queries(14):
        page = client.get("/register/entries/", {"q": "okafor", "status": "registered"}).content.decode()
    assert page.count("Okafor") >= 16 and "Expired Okafor" in page
    with django_assert_max_num_queries(14):
        api = client.get("/api/v1/register/entries/", {"status": "registered_with_conditions"}).json()
    names = [row.get("name") or f"{row.get('first_name')} {row.get('last_name')}" for row in api["results"]]
    assert any("Conditions" in n for n in names) and not any("Expired" in n for n in names)
    assert all(row["status"] == "registered_with_conditions" for row in api["results"])


def test_other_apps_read_the_status_of_today(register_of_every_kind, time_machine):
    time_machine.move_to(SPRING + datetime.timedelta(days=11), tick=False)
    expired = register_of_every_kind["expired"]
    standing = selectors.practice_standing([expired.user_id])[expired.user_id]
    assert standing["status"] == EntryStatus.REGISTERED and standing["practising"]


@pytest.mark.parametrize(
    ("days", "nightly"), [(0, False), (3, False), (11, False), (400, False), (800, False), (800, True)]
)
def test_other_apps_read_the_status_the_register_shows_for_every_kind_of_entry(
    register_of_every_kind, time_machine, days, nightly, django_assert_num_queries
):
    """``practice_standing`` works each status out from the orders and conditions it reads; the register's pages
    from the SQL expression. Both give the same status, on the days the statuses change, and once the nightly task
    has recorded the lapses (a decision, kept)."""
    time_machine.move_to(SPRING + datetime.timedelta(days=days), tick=False)
    if nightly:
        assert services.lapse_unrenewed() > 0
    entries = selectors.with_status_today(RegisterEntry.objects.filter(last_name="Okafor"))
    shown = {e.user_id: e.status_now for e in entries}
    assert len(shown) == len(register_of_every_kind)
    with django_assert_num_queries(5):  # entries, then their conditions, orders, accreditations and history
        standing = selectors.practice_standing(shown)
    assert {user_id: s["status"] for user_id, s in standing.items()} == shown
    assert len(set(shown.values())) >= 3  # the days chosen give several kinds of status
    for entry in entries:
        practising = shown[entry.user_id] in PRACTISING
        latest = entry.status_changes.order_by("-changed_at", "-id").first()
        assert standing[entry.user_id]["practising"] == practising
        assert standing[entry.user_id]["reason"] == ("" if practising or latest is None else latest.reason)
    assert any(s["reason"] for s in standing.values())  # someone not practising, with the reason recorded


def test_the_api_list_costs_the_same_queries_whatever_the_entries_hold(
    client, register_of_every_kind, regulator, time_machine
):
    """Each entry's status today comes with the page (its conditions and orders in force prefetched), in the staff
    search's name order: a list of entries with orders and conditions costs no query per entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(SPRING + datetime.timedelta(days=11), tick=False)
    client.force_login(regulator)

    def queries() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as ctx:
            rows = client.get("/api/v1/register/entries/").json()["results"]
        # The list's own queries: signing in (a session read from the cache or the database) is not its cost.
        return len([q for q in ctx.captured_queries if "regulation_" in q["sql"]]), rows

    register(make_user(Role.SOCIAL_WORKER, first_name="First", last_name="Okafor"), regulator)
    few, rows = queries()
    assert len(rows) == RegisterEntry.objects.count() >= 6
    for n in range(20):
        register(make_user(Role.SOCIAL_WORKER, first_name=f"P{n}", last_name="Okafor"), regulator)
    many, rows = queries()
    assert len(rows) == RegisterEntry.objects.count() and many == few
    by_number = {e.registration_number: e.status_today for e in RegisterEntry.objects.all()}
    assert all(row["status"] == by_number[row["registration_number"]] for row in rows)
    names = [
        (selectors.normalise_name(r["last_name"]), selectors.normalise_name(f"{r['first_name']} {r['last_name']}"))
        for r in rows
    ]
    assert names == sorted(names)
