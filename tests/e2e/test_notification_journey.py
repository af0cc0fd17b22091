"""Emails as people receive them: a worker asks to be endorsed; the manager reads the email that arrived at the
SMTP server, follows its link to the page that acts and endorses; the worker reads theirs, follows it to their
candidacy, finds the message on Your messages and turns off a reminder it does not need. Axe on every page."""

import datetime

import pytest

from accounts.models import Role
from accreditation import services
from accreditation.models import Candidate, Level
from accreditation.services.pathway import ensure_standards
from tests.accreditation.conftest import employ
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, LocalAuthorityFactory, make_user
from tests.mailserver import links_in, text_of
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_manager_and_worker_follow_their_emails_to_the_pages_that_act(
    page, live_server, smtp_server, settings, time_machine
):
    time_machine.move_to(START, tick=True)
    settings.SITE_URL = live_server.url  # the address the emails' links lead to
    ensure_standards()
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF)
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, first_name="Priya", last_name="Shah")
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    employ(register(worker, regulator), leeds)
    smtp_server.received.clear()  # registering Sam emailed them; this journey starts with the request

    services.request_endorsement(user=worker, level=Level.PRACTITIONER, organisation=leeds)

    [asked] = smtp_server.received.to(manager.email)
    assert asked["Subject"] == "Sam Okafor asks you to endorse them for accreditation"
    [link] = links_in(asked)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.goto(link)
    page.wait_for_load_state()
    page.check()
    textareas = page.locator("textarea[name^='map-domain_']")
    for i in range(textareas.count()):
        textareas.nth(i).fill(f"Seen on joint visits: example {i + 1}.")
    page.get_by_role("button", name="Save practice mapping").click()
    page.wait_for_load_state()
    page.get_by_label("Endorse", exact=True).check()
    page.get_by_label("Reasons").fill("Consistently strong direct work and analysis.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    page.check()
    assert Candidate.objects.get(user=worker).stage == "knowledge"

    [endorsed] = smtp_server.received.to(worker.email)
    assert "endorsed you" in endorsed["Subject"]
    assert "Leeds City Council has endorsed you" in text_of(endorsed)
    page.context.clear_cookies()
    sign_in(page, worker.email, TEST_PASSWORD)
    page.goto(links_in(endorsed)[0])
    page.wait_for_load_state()
    page.check()
    assert page.get_by_role("link", name="Go to the knowledge assessment").is_visible()

    page.visit("/")
    page.get_by_role("link", name="Your messages").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("link", name=endorsed["Subject"]).click()
    page.wait_for_load_state()
    page.check()
    assert "Consistently strong" not in page.inner_text("main")  # the manager's reasons were not in the email
    assert "Leeds City Council has endorsed you" in page.inner_text("main")

    # Reminders can be turned off; a decision like this one is not offered.
    page.get_by_role("link", name="Back to your messages").click()
    page.get_by_role("link", name="Choose which reminders you get").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("Reminders of reviews and supervision due").uncheck()
    page.get_by_role("button", name="Save your choice").click()
    page.wait_for_load_state()
    page.check()
    assert "Your choice of reminders has been saved" in page.inner_text("body")
    assert list(worker.turned_off_reminders.values_list("event", flat=True)) == ["training/reminder"]
