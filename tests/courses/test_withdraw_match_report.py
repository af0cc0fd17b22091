"""Providers withdraw their own applications; staff match "not listed" register applications to a course; the
inspection report as a document; figures as chart, Excel and PDF; a course lead at several providers."""

import datetime
import io

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Organisation, Role
from regulation.courses import services
from regulation.courses.models import CourseApplication, Inspection
from regulation.models import Application
from tests.factories import OrganisationFactory

from .conftest import COURSE, PDF, approve, inspect_with_report, not_listed_application, submitted, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


# Withdrawing an application


def test_provider_withdraws_an_open_application_with_a_reason_and_nothing_is_deleted(client, lead, course):
    application = submitted(course, lead)
    client.force_login(lead)
    page = client.get(reverse("courses:application_detail", args=[application.pk])).content.decode()
    assert reverse("courses:application_withdraw", args=[application.pk]) in page
    url = reverse("courses:application_withdraw", args=[application.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Enter why you are withdrawing the application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    response = client.post(url, {"reason": "The university has paused the course."})
    assert response["Location"] == reverse("courses:application_withdrawn", args=[application.pk])
    confirmation = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation and "Application withdrawn" in confirmation
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.withdrawn_by == lead
    assert application.withdrawal_reason == "The university has paused the course."
    assert application.evidence.count() == 6  # the evidence stays on record
    event = AuditEvent.objects.get(action="application_withdrawn")
    assert event.actor == lead and event.reason == "The university has paused the course."
    # Withdrawn, the course can be applied for again.
    assert services.start_application(course=course, by=lead, kind="new").status == "draft"


def test_withdrawing_twice_gives_one_withdrawal(lead, course):
    application = submitted(course, lead)
    services.withdraw_application(application=application, by=lead, reason="Paused")
    services.withdraw_application(application=application, by=lead, reason="Paused")
    assert AuditEvent.objects.filter(action="application_withdrawn").count() == 1


def test_a_decided_application_cannot_be_withdrawn(lead, regulator, course):
    application = approve(course, lead, regulator)
    with pytest.raises(services.ServiceError, match="decision has already been recorded"):
        services.withdraw_application(application=application, by=lead, reason="Too late")
    application.refresh_from_db()
    assert application.status == "decided"


def test_withdrawal_needs_a_reason(lead, course):
    application = submitted(course, lead)
    with pytest.raises(services.ServiceError, match="why you are withdrawing"):
        services.withdraw_application(application=application, by=lead, reason="  ")


def test_regulator_and_other_leads_cannot_withdraw(client, lead, other_lead, regulator, course):
    application = submitted(course, lead)
    for user in (regulator, other_lead):
        client.force_login(user)
        response = client.post(reverse("courses:application_withdraw", args=[application.pk]), {"reason": "No"})
        assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_withdraw_through_the_api(client, lead, course):
    application = submitted(course, lead)
    client.force_login(lead)
    url = f"/api/v1/courses/applications/{application.pk}/withdraw/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Paused"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_paused_clock_is_settled_on_withdrawal(lead, regulator, course, time_machine):
    application = submitted(course, lead)
    services.request_information(
        application=application, by=regulator, question="More", due_on=TODAY + datetime.timedelta(days=14)
    )
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(days=3))
    application = services.withdraw_application(application=application, by=lead, reason="Paused")
    assert application.paused_since is None and application.paused_days == 3


# Matching "not listed" register applications


def test_staff_match_a_not_listed_application_to_a_listed_course(client, lead, regulator, course):
    approve(course, lead, regulator)
    waiting = not_listed_application()
    client.force_login(regulator)
    home = client.get("/").content.decode()
    assert reverse("courses:unmatched") in home and "1 to match" in home
    queue = client.get(reverse("courses:unmatched")).content.decode()
    assert "CQSW, Leeds Polytechnic 1985" in queue
    url = reverse("courses:match_course", args=[waiting.pk])
    response = client.post(url, {"course": course.pk, "reason": ""})
    assert response.status_code == 200 and "Enter why this is the person" in response.content.decode()
    response = client.post(url, {"course": course.pk, "reason": "The certificate names the MA at Leeds."})
    assert response["Location"] == reverse("courses:unmatched")
    waiting.refresh_from_db()
    assert waiting.course == course and waiting.course_matched_by == regulator
    assert waiting.course_match_reason == "The certificate names the MA at Leeds." and waiting.course_matched_at
    assert waiting.course_not_listed  # what the person said stays on record
    event = AuditEvent.objects.get(action="course_matched")
    assert event.actor == regulator and event.reason == "The certificate names the MA at Leeds."
    assert "No applications are waiting to be matched." in client.get(reverse("courses:unmatched")).content.decode()


def test_a_course_never_approved_cannot_be_matched(lead, regulator, course):
    waiting = not_listed_application()
    with pytest.raises(services.ServiceError, match="is, or was, approved"):
        services.match_register_course(application=waiting, course=course, by=regulator, reason="Looks right")
    waiting.refresh_from_db()
    assert waiting.course is None


def test_an_application_is_matched_once(lead, regulator, course):
    approve(course, lead, regulator)
    waiting = not_listed_application()
    services.match_register_course(application=waiting, course=course, by=regulator, reason="Certificate")
    with pytest.raises(services.ServiceError, match="already been matched"):
        services.match_register_course(application=waiting, course=course, by=regulator, reason="Again")


def test_match_through_the_api(client, lead, regulator, course):
    approve(course, lead, regulator)
    waiting = not_listed_application()
    client.force_login(regulator)
    listed = client.get("/api/v1/courses/register-matching/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [waiting.pk]
    response = client.post(
        f"/api/v1/courses/register-matching/{waiting.pk}/",
        {"course": course.pk, "reason": "Certificate"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["course"] == course.pk
    assert Application.objects.get(pk=waiting.pk).course == course


# The inspection report as a document


def test_inspection_report_uploaded_and_downloaded_by_staff_and_the_provider(
    client, lead, other_lead, regulator, course
):
    application = submitted(course, lead)
    client.force_login(regulator)
    response = client.post(
        reverse("courses:inspection_record", args=[application.pk]),
        {
            "starts_on-day": str(TODAY.day),
            "starts_on-month": str(TODAY.month),
            "starts_on-year": str(TODAY.year),
            "ends_on-day": str(TODAY.day),
            "ends_on-month": str(TODAY.month),
            "ends_on-year": str(TODAY.year),
            "team": "Ruth Adeyemi",
            "report": "",
            "report_file": upload("Leeds inspection.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    inspection = Inspection.objects.get()
    assert inspection.report_name == "Leeds inspection.pdf" and inspection.report_type == "pdf"
    url = reverse("courses:inspection_report_download", args=[inspection.pk])
    for user in (regulator, lead):
        client.force_login(user)
        assert url in client.get(reverse("courses:application_detail", args=[application.pk])).content.decode()
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert "Leeds inspection.pdf" in response["Content-Disposition"]
    client.force_login(other_lead)
    assert client.get(url).status_code == 403


def test_a_faked_inspection_report_is_refused_and_nothing_saved(client, lead, regulator, course):
    application = submitted(course, lead)
    with pytest.raises(services.ServiceError, match="inspection report"):
        inspect_with_report(application, regulator, content=b"MZ\x90\x00 not a PDF", name="report.pdf")
    assert not Inspection.objects.exists()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_an_inspection_needs_a_report_written_or_uploaded(lead, regulator, course):
    application = submitted(course, lead)
    with pytest.raises(services.ServiceError, match="Enter the inspection report, or upload it"):
        services.record_inspection(
            application=application,
            by=regulator,
            starts_on=TODAY,
            ends_on=TODAY,
            team="A",
            report=" ",
        )


# Figures: chart beside the tables, Excel and PDF


def test_figures_page_draws_charts_beside_the_tables_and_downloads_excel_and_pdf(client, lead, regulator, course):
    approve(course, lead, regulator)
    client.force_login(regulator)
    page = client.get(reverse("courses:figures")).content.decode()
    assert 'role="img"' in page and "Postgraduate: 1" in page  # the chart names every figure for screen readers
    assert "Yorkshire and The Humber: 40" in page
    assert reverse("courses:figures_xlsx") in page and reverse("courses:figures_pdf") in page
    response = client.get(reverse("courses:figures_xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Measure", "Group"]
    assert ["Annual places on approved courses by region (today)", "Yorkshire and The Humber", 40] in [
        r[:3] for r in rows
    ]
    response = client.get(reverse("courses:figures_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    api = client.get("/api/v1/courses/figures/").json()
    assert api["places_by_region"] == [{"region": "Yorkshire and The Humber", "places": 40}]


def test_figures_count_applications_withdrawn_after_sending(client, lead, regulator, course, provider):
    from regulation.courses import selectors

    services.withdraw_application(application=submitted(course, lead), by=lead, reason="Paused")
    draft_course = services.add_course(provider=provider, by=lead, **{**COURSE, "title": "BA"})
    draft = services.start_application(course=draft_course, by=lead, kind="new")
    services.withdraw_application(application=draft, by=lead, reason="Never sent")
    assert selectors.figures()["outcomes"] == [("Withdrawn by the provider", 1)]  # a draft never reached anyone


def test_figures_excel_escapes_formulas(client, regulator, lead):
    from regulation.courses import exports

    data = {
        "dates": [TODAY],
        "tables": {"provider": [{"label": "=HYPERLINK(1)", "counts": [1]}]},
        "outcomes": [],
        "places": [],
        "median_days": None,
    }
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.figures_xlsx(data))).active
    assert sheet["B2"].value == "'=HYPERLINK(1)"


# A course lead at several providers


def test_course_lead_at_two_providers_chooses_which_to_work_for(client, university, lead):
    bradford = OrganisationFactory(name="University of Bradford", kind=Organisation.Kind.EDUCATION_PROVIDER)
    from accounts.models import Membership

    Membership.objects.create(user=lead, organisation=bradford, role=Role.COURSE_LEAD)
    lead.refresh_from_db()
    client.force_login(lead)
    home = client.get(reverse("courses:provider_home")).content.decode()
    assert "You are working for University of Bradford" in home  # first by name until they choose
    assert reverse("courses:provider_choose") in home
    response = client.post(reverse("courses:provider_choose"), {"organisation": university.pk})
    assert response["Location"] == reverse("courses:provider_home")
    assert "You are working for University of Leeds" in client.get(reverse("courses:provider_home")).content.decode()
    client.post(reverse("courses:course_add"), {})  # the form, not a course
    data = {k: v for k, v in COURSE.items() if k != "first_intake"}
    data.update({"first_intake-day": "1", "first_intake-month": "9", "first_intake-year": "2027"})
    client.post(reverse("courses:course_add"), data)
    from regulation.courses.models import Course

    assert Course.objects.get().provider.organisation == university
    # A provider they do not lead cannot be chosen.
    elsewhere = OrganisationFactory(name="Elsewhere", kind=Organisation.Kind.EDUCATION_PROVIDER)
    response = client.post(reverse("courses:provider_choose"), {"organisation": elsewhere.pk})
    assert response.status_code == 200 and "Select the provider you are working for" in response.content.decode()


# The course lead's home section costs a fixed number of queries


def test_course_lead_home_section_cost_is_bounded(client, provider, lead, regulator, django_assert_max_num_queries):
    """The section lists every draft, request, condition and return across the lead's providers; its cost does not
    grow with how many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_work(start, count):
        for i in range(start, start + count):
            course = services.add_course(provider=provider, by=lead, **{**COURSE, "title": f"Course {i}"})
            if i % 2:
                application = submitted(course, lead)
                services.request_information(
                    application=application, by=regulator, question="More", due_on=TODAY + datetime.timedelta(days=9)
                )
            else:
                services.start_application(course=course, by=lead, kind="new")
        approved = services.add_course(provider=provider, by=lead, **{**COURSE, "title": f"Approved {start}"})
        approve(approved, lead, regulator, conditions=[("A condition", TODAY + datetime.timedelta(days=30))])
        services.open_monitoring_return(course=approved, by=regulator, due_on=TODAY + datetime.timedelta(days=30))

    add_work(0, 2)
    client.force_login(lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    add_work(2, 10)
    with django_assert_max_num_queries(len(small)):
        body = client.get("/").content.decode()
    assert body.count("Answer the regulator:") == 6 and body.count("Finish your application:") == 6
    assert body.count("Meet a condition: Approved") == 2 and body.count("Send annual monitoring: Approved") == 2
    assert CourseApplication.objects.count() == 14
