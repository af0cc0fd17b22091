"""Enrol → supervision → 3- and 6-month reviews → final pass → moderation → register annotation → one journey.

axe runs on every page visited; screenshots go to /tmp/training-*.png for a person to look at.
"""

import datetime

import pytest

from accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, LocalAuthorityFactory, RegionFactory, make_user
from tests.training.conftest import register
from training.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(day):
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def fill_date(page, legend, day):
    """The shared GOV.UK date input: three boxes inside a fieldset named by its legend."""
    area = page.get_by_role("group", name=legend, exact=True)
    area.get_by_label("Day", exact=True).fill(str(day.day))
    area.get_by_label("Month", exact=True).fill(str(day.month))
    area.get_by_label("Year", exact=True).fill(str(day.year))


def submit(page, name="Save"):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    page.check()


def as_user(page, user):
    page.context.clear_cookies()
    sign_in(page, user.email, TEST_PASSWORD)


def record_review(page, enrolment, label, day, *, recommendation=None):
    page.visit(f"/early-career/{enrolment.pk}/")
    page.get_by_role("link", name=label).click()
    page.wait_for_load_state()
    page.check()
    fill_date(page, "Date of the review", day)
    final = recommendation is not None
    for i, standard in enumerate(enrolment.programme.standards):
        # A review judges progress; the final assessment judges each standard met, with the evidence beside it.
        page.locator(f"input[name=standard_{i}][value={'met' if final else 'on_track'}]").check()
        if final:
            page.get_by_label(f"Evidence for {standard}", exact=True).fill(f"Seen on a home visit: {standard.lower()}")
    page.get_by_label("Evidence seen").fill("Direct observation of a home visit; feedback from a parent")
    if recommendation:
        page.get_by_label(recommendation, exact=True).check()
    submit(page)
    assert f"{label} recorded" in page.inner_text("main")


def test_enrol_supervise_review_pass_moderate_annotate_journey(page, time_machine, settings):
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 0
    time_machine.move_to(at(datetime.date(2027, 3, 2)), tick=True)
    leeds = LocalAuthorityFactory(
        name="Leeds City Council", town="Leeds", region=RegionFactory(code="E12000003", name="Yorkshire and The Humber")
    )
    regulator = make_user(Role.REGULATOR_STAFF)
    coordinator = make_user(Role.LINE_MANAGER, organisation=leeds, first_name="Priya", last_name="Shah")
    supervisor = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sue", last_name="Visor")
    assessor = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Asha", last_name="Sessor")
    participant = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    register(supervisor, regulator, qualified_on=datetime.date(2010, 7, 1))
    register(assessor, regulator, qualified_on=datetime.date(2008, 7, 1))
    entry = register(participant, regulator)

    start = datetime.date(2027, 9, 6)
    time_machine.move_to(at(start), tick=True)
    as_user(page, coordinator)
    page.visit("/early-career/enrol/")
    page.get_by_label("Assessed and Supported Year in Employment (ASYE)").check()
    page.get_by_label("Registration number").fill("SW1")
    fill_date(page, "Start date", start)
    page.get_by_label("Team").fill("Children in need, east")
    page.get_by_label("Full-time equivalent").fill("1")
    page.get_by_label("Supervisor").select_option(label="Sue Visor")
    page.get_by_label("Assessor").select_option(label="Asha Sessor")
    page.get_by_label("Line manager").select_option(label="Priya Shah")
    submit(page, "Enrol")
    assert "SW1 is not on the register" in page.inner_text(".govuk-error-summary")
    page.screenshot(path="/tmp/training-1-enrol-error.png", full_page=True)
    page.get_by_label("Registration number").fill(entry.registration_number)
    submit(page, "Enrol")
    assert "Check your answers before enrolling" in page.inner_text("h1")
    submit(page, "Confirm and enrol")
    assert "Sam Okafor is enrolled" in page.inner_text(".govuk-panel")
    assert "6 September 2027 to 6 September 2028" in page.inner_text(".govuk-panel")
    page.screenshot(path="/tmp/training-1b-enrolled.png", full_page=True)
    page.get_by_role("link", name="Go to Sam Okafor's record").click()
    page.wait_for_load_state()
    page.check()
    enrolment = Enrolment.objects.get()

    page.get_by_role("link", name="Record a supervision session").click()
    page.wait_for_load_state()
    page.check()
    fill_date(page, "Date of supervision", start)
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Themes discussed").fill("Induction, first cases, wellbeing")
    submit(page)
    assert "Supervision session recorded" in page.inner_text("main")
    assert "1 session so far" in page.inner_text("main")

    # Three weeks on, one week's protected time recorded: the record shows the shortfall against 3.5 hours a week.
    third_week = start + datetime.timedelta(days=21)
    time_machine.move_to(at(third_week), tick=True)
    as_user(page, coordinator)  # three weeks on, the session has timed out
    page.visit(f"/early-career/{enrolment.pk}/")
    page.get_by_role("link", name="Record protected development time").click()
    page.wait_for_load_state()
    page.check()
    fill_date(page, "Week starting", start)
    page.get_by_label("Hours").fill("3.5")
    page.get_by_label("What the time was used for").fill("Reading on neglect and reflective writing")
    submit(page)
    assert "Protected time recorded" in page.inner_text("main")
    assert "Protected time: 7.0 hours short" in page.inner_text("main")
    page.screenshot(path="/tmp/training-2-record.png", full_page=True)

    # The participant adds a scanned card from a family as evidence; their assessor downloads it.
    as_user(page, participant)
    page.visit("/early-career/me/")
    page.get_by_role("link", name="Add evidence").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_label("Feedback from children and families").check()
    page.get_by_label("Title").fill("Thank-you card from a family")
    fill_date(page, "Date", third_week)
    page.get_by_label("Upload a file (optional)").set_input_files(
        files=[{"name": "card.txt", "mimeType": "application/pdf", "buffer": b"not really a pdf"}]
    )
    submit(page)
    assert "must be a PDF, Word, Excel, PowerPoint, OpenDocument, JPG or PNG file" in page.inner_text(
        ".govuk-error-summary"
    )
    page.get_by_label("Upload a file (optional)").set_input_files(
        files=[{"name": "card.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page)
    assert "Evidence added" in page.inner_text("main")
    page.screenshot(path="/tmp/training-2b-evidence.png", full_page=True)
    as_user(page, assessor)
    page.visit(f"/early-career/{enrolment.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download card.pdf").click()
    with open(download.value.path(), "rb") as fh:
        assert fh.read() == PDF

    for day, label in [(datetime.date(2027, 12, 6), "3-month review"), (datetime.date(2028, 3, 6), "6-month review")]:
        time_machine.move_to(at(day), tick=True)
        as_user(page, assessor)
        record_review(page, enrolment, label, day)

    final_day = datetime.date(2028, 9, 6)
    time_machine.move_to(at(final_day), tick=True)
    as_user(page, assessor)
    record_review(page, enrolment, "Final assessment", final_day, recommendation="Pass")
    assert "Recommendation: pass" in page.inner_text(".govuk-panel")
    page.screenshot(path="/tmp/training-3-final.png", full_page=True)

    as_user(page, coordinator)
    page.visit("/early-career/")
    assert "Awaiting internal moderation" in page.inner_text("main")
    page.screenshot(path="/tmp/training-4-cohort.png", full_page=True)
    page.visit(f"/early-career/{enrolment.pk}/moderation/")
    page.get_by_label("Confirm the assessor's recommendation").check()
    page.get_by_label("Reasons").fill("The evidence meets every domain of the framework")
    submit(page)
    assert "Check your answers" in page.inner_text("h1")
    assert "Confirm the assessor's recommendation" in page.inner_text(".govuk-summary-list")
    page.screenshot(path="/tmp/training-4a-check.png", full_page=True)
    submit(page, "Confirm the decision")
    assert "ASYE passed" in page.inner_text(".govuk-panel")
    assert "The completion has been added to their entry on the register." in page.inner_text("main")
    page.screenshot(path="/tmp/training-4b-passed.png", full_page=True)
    page.get_by_role("link", name="Go to Sam Okafor's record").click()
    page.wait_for_load_state()
    page.check()
    assert "Passed" in page.inner_text("main")
    assert "Completion added to the register entry" in page.inner_text("main")

    as_user(page, participant)
    page.visit("/register/me/")
    assert "Completed early career programme (ASYE)" in page.inner_text("main")
    page.visit("/early-career/me/")
    assert "Outcome: passed" in page.inner_text("main")
    page.visit("/early-career/journey/")
    journey = page.inner_text("main")
    assert "Early career: ASYE" in journey and "Passed on 6 September 2028; shown on your register entry." in journey
    assert "Expert practitioner" in journey
    page.screenshot(path="/tmp/training-5-journey.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.visit("/early-career/journey/")
    page.screenshot(path="/tmp/training-6-journey-320.png", full_page=True)
