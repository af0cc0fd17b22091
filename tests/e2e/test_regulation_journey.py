"""Apply → regulator approves → record CPD → renew → appear on the public register, with axe on every page."""

import datetime

import pytest

from accounts.models import Role
from regulation.models import RegisterEntry
from tests.e2e.conftest import sign_in
from tests.e2e.govuk import fill_date, fill_evidence_and_declarations, send_application
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, LocalAuthorityFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_WINDOW = datetime.datetime(2027, 8, 20, 9, 0, tzinfo=datetime.UTC)
WINDOW_OPEN = datetime.datetime(2027, 9, 15, 9, 0, tzinfo=datetime.UTC)


def test_apply_approve_cpd_renew_and_public_search(page, time_machine):
    time_machine.move_to(BEFORE_WINDOW, tick=True)
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    regulator = make_user(Role.REGULATOR_STAFF)

    sign_in(page, worker.email, TEST_PASSWORD)
    page.visit("/register/apply/")
    fill_date(page, "Date of birth", datetime.date(1990, 4, 12))
    page.get_by_label("Home address").fill("1 Park Row, Leeds")
    page.get_by_label("Qualifying course").fill("MA Social Work, University of Leeds")
    fill_date(page, "Date of qualification", datetime.date(2016, 7, 1))
    page.get_by_label("Employer (if you have one)").select_option(label="Leeds City Council")
    fill_evidence_and_declarations(page)
    send_application(page)
    assert "Application sent" in page.inner_text("main")

    page.context.clear_cookies()
    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/register/applications/")
    page.get_by_role("link", name="Sam Okafor").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("Approve and add to the register").check()
    page.get_by_label("Reasons").fill("Qualification and identity checked")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    page.check()
    entry = RegisterEntry.objects.get(user=worker)
    assert entry.registration_number in page.inner_text("h1")
    assert entry.registered_until == datetime.date(2027, 11, 30)

    time_machine.move_to(WINDOW_OPEN, tick=True)
    page.context.clear_cookies()
    sign_in(page, worker.email, TEST_PASSWORD)
    page.visit("/register/me/")
    for title, peer in [("Trauma-informed practice", "Priya Shah"), ("Reading on neglect", "")]:
        page.visit("/register/me/cpd/")
        page.get_by_label("Title of the activity").fill(title)
        fill_date(page, "Date of the activity", datetime.date(2027, 9, 10))
        page.get_by_label("What you learned").fill("How to hear the child's voice")
        page.get_by_label("The impact on your practice").fill("I plan visits around the child")
        if peer:
            page.get_by_label("I discussed this with a peer").check()
            page.get_by_label("Who you discussed it with").fill(peer)
        page.get_by_role("button", name="Save CPD record").click()
        page.wait_for_load_state()
        page.check()
    page.visit("/register/me/renew/")
    page.get_by_role("button", name="Renew my registration").click()
    page.wait_for_load_state()
    page.check()
    assert "Your registration has been renewed" in page.inner_text("main")
    entry.refresh_from_db()
    assert entry.registered_until == datetime.date(2028, 11, 30)

    page.context.clear_cookies()
    page.visit("/register/check/")
    page.get_by_label("Name or registration number").fill(entry.registration_number)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    page.check()
    results = page.inner_text("table")
    assert entry.registration_number in results and "Sam Okafor" in results and "Leeds" in results
    assert "1990" not in results and "Park Row" not in results
