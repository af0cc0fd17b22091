"""Provider applies → reviewer asks for information → provider answers → inspection (report uploaded) → approved with
a condition → condition met → annual monitoring → course closed and listed as formerly approved; the register's
application picks that course, and staff match a "not listed" one to it. Around it: a course lead at two providers
chooses which to work for, withdraws an application, downloads the inspection report; staff read the figures.
Axe on every page.

Each person has their own browser (context) and signs in once, as people do. Signing the regulator out and in again
made the journey flaky: a two-factor code is accepted only once (allauth remembers it for its 30-second period), so
a second sign-in inside the same period stayed on the code page and the next page was the sign-in page, without the
standards' links."""

import datetime
import pathlib

import pytest

from accounts.models import Membership, Organisation, Role
from regulation.courses.models import Course, CourseApplication, Standard
from tests.e2e.conftest import AccessiblePage, sign_in
from tests.e2e.govuk import fill_date
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, OrganisationFactory, RegionFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(page, name):
    """Wait for the navigation the button starts, so the next step never races the form's POST."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    page.check()


def follow(page, name, **kwargs):
    with page.expect_navigation():
        page.get_by_role("link", name=name, **kwargs).click()
    page.check()


def browser_for(browser, live_server, user, *, regulator=False) -> AccessiblePage:
    """A browser of the person's own, signed in once."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = AccessiblePage(context.new_page(), live_server.url)
    sign_in(page, user.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET if regulator else None)
    return page


def test_course_approval_journey(page, browser, live_server, tmp_path):
    today = datetime.date.today()
    region = RegionFactory(code="E12000003", name="Yorkshire and The Humber")
    leeds = OrganisationFactory(name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER, region=region)
    lead = make_user(Role.COURSE_LEAD, organisation=leeds, first_name="Chris", last_name="Evans")
    bradford = OrganisationFactory(name="University of Bradford", kind=Organisation.Kind.EDUCATION_PROVIDER)
    Membership.objects.create(user=lead, organisation=bradford, role=Role.COURSE_LEAD)
    regulator = make_user(Role.REGULATOR_STAFF, first_name="Ruth", last_name="Adeyemi")
    evidence_file = tmp_path / "Admissions policy.pdf"
    evidence_file.write_bytes(PDF)
    faked = tmp_path / "handbook.pdf"
    faked.write_bytes(b"MZ\x90\x00 this is not a PDF")

    public = page
    provider = browser_for(browser, live_server, lead)
    staff = browser_for(browser, live_server, regulator, regulator=True)

    report_file = tmp_path / "Inspection report.pdf"
    report_file.write_bytes(PDF)

    # The course lead works for two universities: they choose Leeds, then add the course and apply.
    page = provider
    page.visit("/courses/provider/")
    assert "You are working for University of Bradford" in page.inner_text("main")
    follow(page, "Change provider")
    page.get_by_label("University of Leeds").check()
    submit(page, "Continue")
    assert "You are working for University of Leeds" in page.inner_text("main")
    follow(page, "Add a course")
    page.get_by_label("Course title").fill("MA Social Work")
    page.get_by_label("Award").fill("MA Social Work")
    page.get_by_label("Postgraduate").check()
    page.get_by_label("Full-time").check()
    page.get_by_label("Site").fill("Leeds campus")
    page.get_by_label("Annual places (intake)").fill("40")
    page.get_by_label("Days in statutory placements").fill("170")
    page.get_by_label("Skills days").fill("30")
    fill_date(page, "First intake", datetime.date(today.year + 1, 9, 1))
    submit(page, "Save")
    follow(page, "Apply for approval")
    submit(page, "Start the application")
    page.screenshot(path="/tmp/courses-1.png", full_page=True)
    for standard in Standard:
        follow(page, standard.label, exact=True)
        page.get_by_label("Your evidence").fill(f"How the MA meets the standard: {standard.label.lower()}.")
        if standard == Standard.ADMISSIONS:
            page.get_by_label("Upload a document (optional)").set_input_files(str(faked))
            submit(page, "Save and return to the application")
            assert "The document must be a PDF" in page.inner_text(".govuk-error-summary")
            page.get_by_label("Upload a document (optional)").set_input_files(str(evidence_file))
        submit(page, "Save and return to the application")
    follow(page, "Check your answers")
    assert "Admissions policy.pdf" in page.inner_text("main")
    page.screenshot(path="/tmp/courses-2.png", full_page=True)
    submit(page, "Accept and send")
    assert "Application sent" in page.inner_text("h1")
    application = CourseApplication.objects.get()

    # The reviewer asks for more information: the clock pauses.
    page = staff
    page.visit("/courses/queue/")
    follow(page, "MA Social Work")
    follow(page, "Ask for more information")
    page.get_by_label("What information do you need?").fill("Send the practice-learning agreements.")
    fill_date(page, "Answer by", today + datetime.timedelta(days=14))
    submit(page, "Send the request")
    application.refresh_from_db()
    assert application.status == "more_information"

    # The provider answers from their home page.
    page = provider
    page.visit("/")
    follow(page, "Answer the regulator: MA Social Work")
    page.get_by_label("Your answer").fill("The agreements with Leeds and Bradford councils are attached.")
    submit(page, "Send your answer")

    # Review of the six standards, inspection, decision with a condition.
    page = staff
    page.visit(f"/courses/applications/{application.pk}/")
    for standard in Standard:
        follow(page, standard.label, exact=True)
        page.get_by_label("Met with a condition" if standard == Standard.CURRICULUM else "Met", exact=True).check()
        page.get_by_label("Reasons").fill("Evidence seen.")
        submit(page, "Save")
    follow(page, "Record an inspection")
    fill_date(page, "First day of the inspection", today)
    fill_date(page, "Last day of the inspection", today)
    page.get_by_label("Inspection team").fill("Ruth Adeyemi\nA lay inspector")
    page.get_by_label("Inspection report", exact=True).fill("Strong partnerships; law teaching thin in year 2.")
    page.get_by_label("Upload the inspection report (optional)").set_input_files(str(report_file))
    submit(page, "Save")
    assert "Download the inspection report: Inspection report.pdf" in page.inner_text("main")
    follow(page, "Record the decision")
    page.get_by_label("Approved with conditions").check()
    page.get_by_label("Reasons for the decision").fill("Meets the standards, with one condition.")
    page.get_by_label("Condition 1", exact=True).fill("Add teaching on the Mental Capacity Act to year 2.")
    fill_date(page, "Condition 1 due date", today + datetime.timedelta(days=90))
    submit(page, "Continue")
    assert "Check your answers" in page.inner_text("h1")  # a decision that cannot be undone is checked first
    assert "Add teaching on the Mental Capacity Act to year 2." in page.inner_text("main")
    submit(page, "Record the decision")
    page.screenshot(path="/tmp/courses-3.png", full_page=True)
    course = Course.objects.get()
    assert course.status == "approved"

    # The provider downloads the inspection report and sends evidence for the condition; the regulator finds it met.
    page = provider
    page.visit(f"/courses/applications/{application.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the inspection report: Inspection report.pdf").click()
    assert download.value.suggested_filename == "Inspection report.pdf"
    assert pathlib.Path(download.value.path()).read_bytes() == PDF
    page.visit(f"/courses/{course.pk}/")
    follow(page, "Send evidence for this condition")
    page.get_by_label("How the condition has been met").fill("Two lectures and a seminar added.")
    submit(page, "Send evidence")
    page = staff
    page.visit("/courses/queue/")
    follow(page, "MA Social Work, University of Leeds: Add teaching")
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Reasons").fill("Timetable seen.")
    submit(page, "Continue")
    submit(page, "Record the decision")
    assert course.conditions.get().status == "met"

    # Annual monitoring.
    follow(page, "Ask for annual monitoring")
    fill_date(page, "Return due by", today + datetime.timedelta(days=30))
    submit(page, "Ask for the return")
    page = provider
    page.visit("/")
    follow(page, "Send annual monitoring: MA Social Work")
    page.get_by_label("Students who started this year (intake)").fill("38")
    page.get_by_label("Students on the course now").fill("74")
    page.get_by_label("Students who completed this year").fill("33")
    page.get_by_label("Practice-learning days provided per student").fill("200")
    submit(page, "Send the return")
    page = staff
    page.visit("/courses/queue/")
    with page.expect_navigation():
        page.locator("table").nth(1).get_by_role("link", name="MA Social Work").click()
    page.check()
    page.get_by_label("Standards met").check()
    page.get_by_label("Reasons").fill("Return complete; no concerns.")
    submit(page, "Record the outcome")

    # The course closes; it stays on the public list as formerly approved.
    follow(page, "Withdraw or close")
    page.get_by_label("Closed to new students").check()
    fill_date(page, "From", today)
    page.get_by_label("Reason").fill("The university has stopped recruiting to the MA.")
    submit(page, "Continue")
    submit(page, "Record")
    page.visit(f"/courses/{course.pk}/history/")
    history = page.inner_text("main")
    assert "Decision approved with conditions" in history and "Course closed" in history

    page = public
    page.visit("/courses/")
    page.get_by_label("Status", exact=True).select_option(label="Formerly approved")
    submit(page, "Search")
    row = page.locator("tbody tr").first.inner_text()
    assert "MA Social Work" in row and "Formerly approved (closed to new students)" in row
    page.screenshot(path="/tmp/courses-4.png", full_page=True)

    # The register's application picks the (formerly approved) course from the list.
    worker = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")
    page = browser_for(browser, live_server, worker)
    page.visit("/register/apply/")
    from tests.e2e.govuk import fill_evidence_and_declarations, send_application

    fill_date(page, "Date of birth", datetime.date(1990, 4, 12))
    page.get_by_label("Home address").fill("1 Park Row, Leeds")
    page.get_by_label("Your course, from the list of approved courses").select_option(
        label="MA Social Work, University of Leeds (MA Social Work)"
    )
    fill_date(page, "Date of qualification", datetime.date(today.year, 1, 2))
    fill_evidence_and_declarations(page)
    send_application(page)
    from regulation.models import Application

    assert Application.objects.get(applicant=worker).course == course

    # Another person's course was "not listed"; regulator staff match it to the course from their home page.
    older = make_user(Role.SOCIAL_WORKER, first_name="Pat", last_name="Quinn")
    page = browser_for(browser, live_server, older)
    page.visit("/register/apply/")
    fill_date(page, "Date of birth", datetime.date(1970, 2, 3))
    page.get_by_label("Home address").fill("3 Park Row, Leeds")
    page.get_by_label("My course is not listed").check()
    page.get_by_label("Qualifying course").fill("MA Social Work, University of Leeds (the old name)")
    fill_date(page, "Date of qualification", datetime.date(today.year, 1, 2))
    fill_evidence_and_declarations(page)
    send_application(page)
    page = staff
    page.visit("/")
    follow(page, "Register applications to match to a course")
    follow(page, "Match Pat Quinn to a course")
    page.get_by_label("Course on the list").select_option(label="MA Social Work, University of Leeds (MA Social Work)")
    page.get_by_label("Why this is the person's course").fill("The certificate names the MA at Leeds.")
    submit(page, "Match the course")
    assert "No applications are waiting to be matched." in page.inner_text("main")
    matched = Application.objects.get(applicant=older)
    assert matched.course == course and matched.course_matched_by == regulator

    # Staff read the figures: charts beside the tables, and downloads.
    follow(page, "Back to course applications")
    follow(page, "Course figures")
    chart = page.get_by_role("img", name="Applications decided, by outcome")
    assert "Approved with conditions: 1" in chart.locator("desc").text_content()
    assert page.get_by_role("link", name="Excel").count() == 1 and page.get_by_role("link", name="PDF").count() == 1
    page.screenshot(path="/tmp/courses-5.png", full_page=True)

    # The provider starts an application for another course, then withdraws it: a confirmation, nothing deleted.
    page = provider
    page.visit("/courses/provider/")
    follow(page, "Add a course")
    page.get_by_label("Course title").fill("BA Social Work")
    page.get_by_label("Award").fill("BA Social Work")
    page.get_by_label("Undergraduate").check()
    page.get_by_label("Part-time").check()
    page.get_by_label("Site").fill("Leeds campus")
    page.get_by_label("Annual places (intake)").fill("20")
    page.get_by_label("Days in statutory placements").fill("170")
    page.get_by_label("Skills days").fill("30")
    fill_date(page, "First intake", datetime.date(today.year + 2, 9, 1))
    submit(page, "Save")
    follow(page, "Apply for approval")
    submit(page, "Start the application")
    follow(page, "Withdraw this application")
    submit(page, "Withdraw the application")
    assert "Enter why you are withdrawing the application" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Why are you withdrawing the application?").fill("The BA will not start until 2030.")
    submit(page, "Withdraw the application")
    assert "Application withdrawn" in page.inner_text("h1")
    page.screenshot(path="/tmp/courses-6.png", full_page=True)
    withdrawn = CourseApplication.objects.get(course__title="BA Social Work")
    assert withdrawn.status == "withdrawn" and withdrawn.evidence.count() == 6
