"""Searching the register by name: people whose surname starts with what was typed, then people whose full name
does, each read from its own index in the order shown, and counted no further than anyone would page."""

import io

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection, transaction

from accounts.models import Organisation, Role
from regulation import selectors
from regulation.models import RegisterEntry, normalise_name
from tests.factories import make_user

from .conftest import register

pytestmark = pytest.mark.django_db


def _names(results) -> list[str]:
    return [f"{e.first_name} {e.last_name}" for e in results]


def test_surname_matches_come_first_then_people_whose_full_name_starts_so(regulator):
    for first, last in [("Quinn", "Adams"), ("Ben", "Quinn"), ("Quinn", "Quinn"), ("Ann", "Quinnell"), ("Al", "Q")]:
        register(make_user(Role.SOCIAL_WORKER, first_name=first, last_name=last), regulator)
    results = selectors.public_search(query="Quinn")
    assert _names(results) == ["Ben Quinn", "Quinn Quinn", "Ann Quinnell", "Quinn Adams"]
    assert results.count() == 4 and not results.more_than_shown
    # The full name as typed finds the person whichever part matched.
    assert _names(selectors.public_search(query="quinn ad")) == ["Quinn Adams"]
    assert _names(selectors.staff_search(query="QUINN Q")) == ["Quinn Quinn"]


@pytest.fixture
def generated_register(db):
    Organisation.objects.create(name="Leeds", kind="local_authority")
    call_command("generate_register", entries=400, seed=7, stdout=io.StringIO())


def _expected(typed: str) -> list[int]:
    """The documented order, computed in Python from the stored keys."""
    key = normalise_name(typed)
    entries = list(RegisterEntry.objects.values_list("id", "surname_key", "name_key"))
    by_surname = sorted((s, n, i) for i, s, n in entries if s.startswith(key))
    by_name = sorted((n, i) for i, s, n in entries if n.startswith(key) and not s.startswith(key))
    return [i for *_, i in by_surname] + [i for _, i in by_name]


@pytest.mark.parametrize("typed", ["quinn", "Smith", "zoë", "O’Neill", "o", "sam"])
def test_every_page_follows_the_order_without_gaps_or_repeats(generated_register, typed):
    expected = _expected(typed)
    assert expected, "the generated register has people of this name"
    for search in (selectors.public_search, selectors.staff_search):
        paginator = Paginator(search(query=typed), 7)
        seen = [e.pk for number in paginator.page_range for e in paginator.page(number).object_list]
        assert seen == expected[: selectors.MAX_SHOWN]
        assert paginator.count == min(len(expected), selectors.MAX_SHOWN)


def test_more_people_than_shown_says_so_and_asks_for_more(client, generated_register, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 5)
    expected = _expected("sm")
    assert len(expected) > 5
    results = selectors.public_search(query="sm")
    assert results.count() == 5 and results.more_than_shown
    assert [e.pk for e in results] == expected[:5]

    page = client.get("/register/check/", {"q": "sm"}).content.decode()
    assert "More than 5 results" in page
    assert "More than 5 people match “sm”. These are the first 5" in page
    assert 'aria-label="More than 5 results"' in page
    assert "govuk-pagination" not in page  # one page of 20 holds the 5 shown

    data = client.get("/api/v1/register/public/", {"q": "sm"}).json()
    assert data["count"] == 5 and len(data["results"]) == 5 and not data["next"]
    assert data["message"].startswith("More than 5 people match “sm”")

    # Narrowed, the count is exact again.
    narrowed = RegisterEntry.objects.get(pk=expected[0]).name_key
    exact = _expected(narrowed)
    assert 0 < len(exact) <= 5
    page = client.get("/register/check/", {"q": narrowed}).content.decode()
    assert f"{len(exact)} result" in page and "More than" not in page


def test_a_staff_search_for_every_entry_is_counted_no_further(client, generated_register, regulator, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 50)
    client.force_login(regulator)
    page = client.get("/register/entries/", {"q": "", "status": ""}).content.decode()
    assert "More than 50 entries" in page
    assert "add their first name, or search by registration number" in page


def test_plans_read_each_part_from_its_index_in_the_order_shown(generated_register):
    """With no other way allowed, each part is an index scan with no sort: the index's order is the order shown,
    so however the planner weighs the statistics it can always stop after the page."""
    if connection.vendor != "postgresql":
        pytest.skip("COLLATE \"C\" indexes are PostgreSQL's; SQLite's keys compare byte by byte already")
    results = selectors.public_search(query="smith")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE regulation_registerentry")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for part, index in zip(
            results.parts, ["regulation_entry_surname_search", "regulation_entry_fullname_search"], strict=True
        ):
            sql, params = part[20:40].query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
            assert "Sort" not in plan, plan


def test_staff_find_a_person_by_email_in_any_case(generated_register):
    entry = RegisterEntry.objects.order_by("id")[17]
    RegisterEntry.objects.filter(pk=entry.pk).update(email="Sam.Okafor@Example.org")
    assert [e.pk for e in selectors.staff_search(query="sam.okafor@example.ORG")] == [entry.pk]


def test_the_search_by_email_reads_its_index(generated_register):
    if connection.vendor != "postgresql":
        pytest.skip("Django asks SQLite with LIKE, which an expression index does not serve")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # with no index for it, the plan would still scan the table
        sql, params = selectors.staff_search(query="sam.okafor@example.org")[:25].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "entry_email_upper" in plan and "Seq Scan" not in plan, plan
