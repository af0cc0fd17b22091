"""Issue 20: the register as its first users met it. Each test failed before its fix."""

import datetime

import pytest

from accounts.models import Role
from regulation import services
from regulation.models import EntryStatus
from tests.factories import make_user

from .conftest import SPRING, register

pytestmark = pytest.mark.django_db


# --- Item 3: a search with no matches says so --------------------------------------------------------------


def test_public_search_with_no_match_says_what_was_searched(client, entry):
    body = client.get("/register/check/", {"q": "Nobodyhere", "town": "Leeds"}).content.decode()
    assert "No one on the register matches “Nobodyhere” with an employer in Leeds" in body


def test_staff_search_with_no_match_says_so(client, entry, regulator):
    client.force_login(regulator)
    body = client.get("/register/entries/", {"q": "Nobodyhere"}).content.decode()
    assert "No one on the register matches “Nobodyhere”" in body


def test_api_search_with_no_match_gives_a_count_of_zero_and_a_message(client, entry):
    data = client.get("/api/v1/register/public/", {"q": "Nobodyhere"}).json()
    assert data["count"] == 0 and data["results"] == []
    assert data["message"] == "No one on the register matches “Nobodyhere”."


# --- Item 7: the status history names the order that changed ------------------------------------------------


def test_revoking_an_interim_suspension_names_the_suspension(entry, regulator):
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    start = entry.registered_on
    common = {"case": case, "by": regulator, "starts_on": start, "reason": "r"}
    services.make_interim_order(
        kind="interim_conditions",
        review_on=start + datetime.timedelta(days=30),
        expires_on=start + datetime.timedelta(days=90),
        conditions=["Supervised"],
        **common,
    )
    suspension = services.make_interim_order(
        kind="interim_suspension",
        review_on=start + datetime.timedelta(days=30),
        expires_on=start + datetime.timedelta(days=90),
        **common,
    )
    services.revoke_order(order=suspension, by=regulator, reason="Review panel")
    change = entry.status_changes.order_by("-changed_at", "-id").first()
    assert change.to_status == EntryStatus.REGISTERED_WITH_CONDITIONS
    assert change.reason.startswith("Order revoked: Interim suspension order")
    assert "Order revoked: Interim conditions" not in change.reason


# --- Item 13: bulk lookup ------------------------------------------------------------------------------------


def test_bulk_lookup_takes_numbers_as_pasted_and_shows_them_on_screen_with_the_time(client, entry, time_machine):
    number = entry.registration_number
    pasted = f"{number}\tSW999999 sw {number[2:]},SW999998\r\nSW999997"
    response = client.post("/register/check/bulk/", {"numbers": pasted})
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "4 numbers checked" in body  # duplicates counted once, "sw 100001" joined up
    assert "Sam Okafor" in body and "Not on the register" in body
    assert "Checked on 2 March 2027 at 10:00" in body
    assert "Download these results (CSV)" in body
    csv = client.post("/register/check/bulk/", {"numbers": pasted, "format": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Checked at" in text.splitlines()[0] and "2027-03-02 10:00" in text


# --- Issue 22 item 4: a condition without an end date is a 400 naming the field -----------------------------


def test_api_condition_without_end_date_is_refused_with_the_reason(client, entry, regulator):
    client.force_login(regulator)
    response = client.post(
        f"/api/v1/register/entries/{entry.pk}/conditions/", {"text": "Supervised", "starts_on": "2027-03-02"}
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    with pytest.raises(services.ServiceError, match="date the condition ends"):
        services.add_condition(entry=entry, by=regulator, text="x", starts_on=entry.registered_on, ends_on=None)


def test_history_is_kept_for_every_role(client, entry):
    """A role with no link to the entry gets the same answer as for a record that does not exist."""
    client.force_login(make_user(Role.ASSESSOR, email="a@example.com"))
    assert client.get(f"/history/regulation/registerentry/{entry.pk}/").status_code == 404


__all__ = ["SPRING", "register"]


# --- Item 4: names match as people type them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "typed"),
    [
        ("Zoë", "Brontë-Smith", "zoe"),
        ("Zoë", "Brontë-Smith", "bronte"),
        ("Zoë", "Brontë-Smith", "Brontë"),
        ("Zoë", "Brontë-Smith", "zoe bronte-smith"),
        ("Siobhan", "O'Neill", "oneill"),
        ("Siobhan", "O'Neill", "O'Neill"),
        ("Siobhan", "O'Neill", "O’Neill"),
        ("Siobhan", "O’Neill", "o'neill"),
    ],
)
def test_names_match_as_people_type_them(client, regulator, time_machine, first, last, typed):
    time_machine.move_to(SPRING, tick=False)
    person = make_user(Role.SOCIAL_WORKER, first_name=first, last_name=last, email="named@example.com")
    entry = register(person, regulator, first_name=first, last_name=last)
    page = client.get("/register/check/", {"q": typed}).content.decode()
    assert entry.registration_number in page
    api = client.get("/api/v1/register/public/", {"q": typed}).json()
    assert [r["registration_number"] for r in api["results"]] == [entry.registration_number]
