"""Manager nominates and endorses → candidate takes the test, reloads mid-test and loses nothing → result and
breakdown by domain. Axe on every page."""

import datetime

import pytest

from accounts.models import Role
from accreditation.models import Attempt, AttemptItem, Candidate, LevelSettings
from accreditation.services.pathway import ensure_standards
from tests.accreditation.conftest import build_bank, employ
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, LocalAuthorityFactory, make_user
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _choose_first_option(page):
    page.locator("input[name='answer']").first.check()


def test_nominate_endorse_take_the_test_reload_and_see_the_result(page, time_machine):
    time_machine.move_to(START, tick=True)
    ensure_standards()  # earlier browser tests flush the tables the data migration seeded
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF)
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, first_name="Priya", last_name="Shah")
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    employ(register(worker, regulator), leeds)
    build_bank("practitioner", regulator, general=10, applied=3)
    # A short form keeps the browser run quick; the default 30-item form is tested without a browser.
    LevelSettings.objects.filter(level="practitioner").update(general_items=4, applied_items=2)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.visit("/")
    page.get_by_role("link", name="Nominate a social worker").click()
    page.wait_for_load_state()
    page.check()
    first_person = page.locator("#id_person option").nth(1).inner_text()
    page.get_by_label("Social worker", exact=True).select_option(label=first_person)
    page.get_by_label("Approved Child and Family Practitioner").check()
    page.get_by_role("button", name="Nominate").click()
    page.wait_for_load_state()
    page.check()
    assert "Sam Okafor is nominated" in page.inner_text("main")
    textareas = page.locator("textarea[name^='map-domain_']")
    for i in range(textareas.count()):
        textareas.nth(i).fill(f"Seen on joint visits: example {i + 1}.")
    page.get_by_role("button", name="Save practice mapping").click()
    page.wait_for_load_state()
    page.check()
    assert "10 of 10 domains mapped" in page.inner_text("main")
    page.get_by_label("Endorse", exact=True).check()
    page.get_by_label("Reasons").fill("Consistently strong direct work and analysis.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    page.check()
    assert Candidate.objects.get(user=worker).stage == "knowledge"
    page.screenshot(path="/tmp/accreditation-1.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, worker.email, TEST_PASSWORD)
    page.visit("/")
    assert "Take the knowledge assessment" in page.inner_text("main")
    page.visit("/accreditation/")
    page.get_by_role("link", name="Open your Approved Child and Family Practitioner candidacy").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("link", name="Go to the knowledge assessment").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_load_state()
    page.check()
    assert "Question 1 of 6" in page.inner_text("h1")
    assert "Time left" in page.inner_text("main")

    # Answer three questions, then reload the third page: the answers are all still there.
    chosen = []
    for n in range(1, 4):
        first = page.locator("input[name='answer']").first
        first.check()
        chosen.append(first.get_attribute("value"))
        page.screenshot(path=f"/tmp/accreditation-q{n}.png", full_page=True) if n == 1 else None
        page.get_by_role("button", name="Save and next question").click()
        page.wait_for_load_state()
        page.check()
    page.goto(page.url.replace("/questions/4/", "/questions/3/"))
    page.reload()
    page.wait_for_load_state()
    page.check()
    assert page.locator(f"input[name='answer'][value='{chosen[2]}']").is_checked()
    attempt = Attempt.objects.get()
    saved = {r.position: r.selected for r in AttemptItem.objects.filter(attempt=attempt)}
    assert [str(saved[n][0]) for n in (1, 2, 3)] == chosen

    page.get_by_role("button", name="Save and next question").click()
    page.wait_for_load_state()
    for _ in range(4, 6):
        _choose_first_option(page)
        page.get_by_role("button", name="Save and next question").click()
        page.wait_for_load_state()
        page.check()
    _choose_first_option(page)
    page.get_by_role("button", name="Save and check your answers").first.click()
    page.wait_for_load_state()
    page.check()
    assert "Check your answers before you submit" in page.inner_text("h1")
    page.get_by_role("button", name="Submit for marking").click()
    page.wait_for_load_state()
    page.check()
    main = page.inner_text("main")
    assert "Your result by domain" in main
    assert ("You passed" in main) or ("You did not pass this time" in main)
    attempt.refresh_from_db()
    assert attempt.status == "marked" and sum(d["total"] for d in attempt.breakdown) == 6
    page.screenshot(path="/tmp/accreditation-result.png", full_page=True)
    page.visit("/")
    assert "Your accreditation pathway" in page.inner_text("main")


def test_at_time_out_the_page_submits_itself_and_shows_the_result(page):
    """The timer does not wait for a click: a moment after the deadline the test is marked and the result shown."""
    from django.utils import timezone

    from accreditation import services
    from accreditation.services.pathway import current_standard

    ensure_standards()
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF)
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    employ(register(worker, regulator), leeds)
    build_bank("practitioner", regulator, general=10, applied=3)
    LevelSettings.objects.filter(level="practitioner").update(general_items=4, applied_items=2)
    candidate = Candidate.objects.create(
        user=worker,
        level="practitioner",
        standard=current_standard("practitioner"),
        organisation=leeds,
        registration_number=worker.register_entry.registration_number,
        stage=Candidate.Stage.KNOWLEDGE,
        endorsement=Candidate.Endorsement.ENDORSED,
        endorsement_reason="Strong practice.",
        started_by=worker,
    )
    attempt = services.start_attempt(candidate=candidate, by=worker)
    sign_in(page, worker.email, TEST_PASSWORD)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + datetime.timedelta(seconds=4))
    page.visit(f"/accreditation/tests/{attempt.pk}/questions/1/")
    page.wait_for_url(f"**/accreditation/tests/{attempt.pk}/result/", timeout=20_000)
    page.check()
    assert "Time is up" in page.inner_text("main")
    attempt.refresh_from_db()
    assert attempt.status == "marked"
