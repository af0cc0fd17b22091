import datetime

import pytest
from django.urls import reverse

from regulation.courses import services
from regulation.courses.models import Course, CourseApplication, EvidenceDocument, Standard

from .conftest import COURSE, PDF, approve, docx_bytes, inspect, review_all, submitted, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def date_data(name, day):
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def test_course_lead_adds_a_course_with_govuk_date(client, lead, provider):
    client.force_login(lead)
    data = {
        **{k: v for k, v in COURSE.items() if k != "first_intake"},
        **date_data("first_intake", COURSE["first_intake"]),
    }
    response = client.post(reverse("courses:course_add"), data)
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("courses:course_detail", args=[course.pk])
    assert course.first_intake == COURSE["first_intake"] and course.provider == provider


def test_course_form_names_the_bad_date_and_saves_nothing(client, lead, provider):
    client.force_login(lead)
    data = {
        **{k: v for k, v in COURSE.items() if k != "first_intake"},
        "first_intake-day": "31",
        "first_intake-month": "2",
    }
    response = client.post(reverse("courses:course_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "First intake must include a year" in page
    assert 'name="first_intake-day" type="text" inputmode="numeric" value="31"' in page  # what was typed stays
    assert not Course.objects.exists()


def test_draft_saves_evidence_and_upload_then_check_answers_sends(client, lead, course):
    client.force_login(lead)
    response = client.post(reverse("courses:application_start", args=[course.pk]), {"kind": "new"})
    application = CourseApplication.objects.get()
    assert response["Location"] == reverse("courses:application_detail", args=[application.pk])
    for standard in Standard.values:
        response = client.post(
            reverse("courses:evidence_edit", args=[application.pk, standard]),
            {"text": f"Evidence for {standard}", "document": upload("map.docx", docx_bytes())},
        )
        assert response.status_code == 302
    assert EvidenceDocument.objects.count() == 6
    page = client.get(reverse("courses:check_answers", args=[application.pk])).content.decode()
    assert "Check your answers before sending your application" in page and "map.docx" in page
    response = client.post(reverse("courses:check_answers", args=[application.pk]))
    assert response["Location"] == reverse("courses:application_sent", args=[application.pk])
    assert "Application sent" in client.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    # A second press of the button (double submission) changes nothing.
    response = client.post(reverse("courses:check_answers", args=[application.pk]))
    assert response.status_code == 302
    assert CourseApplication.objects.get().submitted_at == application.submitted_at


def test_a_file_over_the_request_cap_is_not_silently_dropped_from_the_evidence(client, lead, course, settings):
    """The document is optional: a body stopped by the cap must not save the text as if no file had been chosen."""
    settings.MAX_UPLOAD_SIZE = 50_000
    client.force_login(lead)
    application = services.start_application(course=course, by=lead, kind="new")
    url = reverse("courses:evidence_edit", args=[application.pk, "admissions"])
    response = client.post(url, {"text": "Some words", "document": upload("big.pdf", PDF + b"0" * 100_000)})
    assert response.status_code == 413 and "The file is too large" in response.content.decode()
    assert not EvidenceDocument.objects.exists()
    assert application.evidence.get(standard="admissions").text == ""


def test_faked_upload_is_refused_on_the_page_and_nothing_saved(client, lead, course):
    client.force_login(lead)
    application = services.start_application(course=course, by=lead, kind="new")
    url = reverse("courses:evidence_edit", args=[application.pk, "admissions"])
    response = client.post(url, {"text": "Some words", "document": upload("virus.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "The document must be a PDF" in body
    assert not EvidenceDocument.objects.exists()
    assert application.evidence.get(standard="admissions").text == ""


def test_check_answers_lists_missing_standards(client, lead, course):
    client.force_login(lead)
    application = services.start_application(course=course, by=lead, kind="new")
    response = client.post(reverse("courses:check_answers", args=[application.pk]))
    assert response.status_code == 200 and "Missing: Admissions" in response.content.decode()


def test_document_download_for_the_provider_and_regulator_only(client, lead, other_lead, regulator, course):
    application = services.start_application(course=course, by=lead, kind="new")
    document = services.upload_evidence(
        application=application, by=lead, standard="admissions", upload=upload("a.pdf", PDF)
    )
    url = reverse("courses:document_download", args=[document.pk])
    client.force_login(other_lead)
    assert client.get(url).status_code == 403
    client.force_login(regulator)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_other_providers_lead_cannot_see_or_change_the_course(client, other_lead, course):
    client.force_login(other_lead)
    for name in ("course_detail", "course_edit", "application_start", "course_history"):
        assert client.get(reverse(f"courses:{name}", args=[course.pk])).status_code == 403
    application = submitted(course, _lead(course))
    assert client.get(reverse("courses:application_detail", args=[application.pk])).status_code == 403


def _lead(course):
    from accounts.models import User

    return User.objects.get(memberships__organisation=course.provider.organisation)


def test_regulator_records_the_decision_with_conditions_through_the_page(client, lead, regulator, course):
    application = submitted(course, lead)
    client.force_login(regulator)
    url = reverse("courses:decision", args=[application.pk])
    response = client.post(url, {"outcome": "approved", "reason": "Good", "confirm": "yes"})
    assert "Review all six standards" in response.content.decode()
    review_all(application, regulator)
    inspect(application, regulator)
    due = TODAY + datetime.timedelta(days=90)
    answers = {
        "outcome": "approved_with_conditions",
        "reason": "Good",
        "condition_1": "Add a law module",
        **date_data("condition_1_due", due),
    }
    check = client.post(url, answers).content.decode()  # Check your answers first: nothing decided yet
    assert "Check your answers" in check and "Approved with conditions" in check and f"{due:%-d %B %Y}" in check
    application.refresh_from_db()
    assert application.status != "decided"
    back = client.post(url, {**answers, "edit": "yes"}).content.decode()
    assert "Add a law module</textarea>" in back  # the form again, as filled in
    response = client.post(url, {**answers, "confirm": "yes"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == "approved" and course.conditions.get().due_on == due
    assert "Approved with conditions" in client.get(reverse("courses:public_list")).content.decode()
    again = client.get(url)  # the decision is made: the form is not offered again
    assert again.status_code == 302 and again["Location"] == reverse(
        "courses:application_detail", args=[application.pk]
    )


def test_decision_form_wants_a_date_for_each_condition(client, regulator, lead, course):
    application = submitted(course, lead)
    review_all(application, regulator)
    client.force_login(regulator)
    response = client.post(
        reverse("courses:decision", args=[application.pk]),
        {"outcome": "approved_with_conditions", "reason": "Good", "condition_1": "Add a law module"},
    )
    assert "Enter a due date for condition 1" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "under_review"


def test_public_list_filters_and_csv(client, lead, regulator, provider, course):
    approve(course, lead, regulator)
    other = services.add_course(
        provider=provider, by=lead, **{**COURSE, "title": "BA Social Work", "level": "undergraduate"}
    )
    approve(other, lead, regulator)
    services.close_course(course=other, by=regulator, reason="Closed")
    services.add_course(provider=provider, by=lead, **{**COURSE, "title": "Never approved"})
    body = client.get(reverse("courses:public_list")).content.decode()
    assert "MA Social Work" in body and "BA Social Work" in body and "Never approved" not in body
    body = client.get(reverse("courses:public_list"), {"status": "formerly_approved"}).content.decode()
    assert "BA Social Work" in body and "MA Social Work</td>" not in body
    csv = b"".join(client.get(reverse("courses:public_csv"), {"level": "undergraduate"}).streaming_content).decode()
    lines = csv.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Provider,Course") and len(lines) == 2
    assert "Formerly approved (closed to new students)" in lines[1]


def test_public_api_lists_approved_and_formerly_approved(client, lead, regulator, course):
    approve(course, lead, regulator)
    services.withdraw_approval(course=course, by=regulator, reason="Standards not met")
    data = client.get("/api/v1/courses/", {"status": "formerly_approved"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["title"] == "MA Social Work" and row["status"] == "withdrawn" and row["approval_ended_on"] == str(TODAY)
    assert client.get("/api/v1/courses/", {"status": "approved"}).json()["count"] == 0


def _many_courses(provider, lead, regulator, n):
    for i in range(n):
        course = services.add_course(provider=provider, by=lead, **{**COURSE, "title": f"Course {i:03d}"})
        approve(
            course,
            lead,
            regulator,
            conditions=[("Condition", TODAY + datetime.timedelta(days=30))] if i % 3 == 0 else None,
        )
        if i % 4 == 0:
            services.close_course(course=course, by=regulator, reason="Closed")


def test_public_list_csv_and_queue_cost_bounded_queries(
    client, provider, lead, regulator, django_assert_max_num_queries
):
    _many_courses(provider, lead, regulator, 12)
    for i in range(5):
        extra = services.add_course(provider=provider, by=lead, **{**COURSE, "title": f"Waiting {i}"})
        submitted(extra, lead)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("courses:public_list")).status_code == 200
    with django_assert_max_num_queries(4):
        b"".join(client.get(reverse("courses:public_csv")).streaming_content)
    client.force_login(regulator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("courses:queue")).status_code == 200
    client.force_login(lead)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("courses:provider_home")).status_code == 200


def test_course_lead_home_shows_next_tasks(client, lead, regulator, course):
    application = submitted(course, lead)
    services.request_information(
        application=application, by=regulator, question="More please", due_on=TODAY + datetime.timedelta(days=14)
    )
    client.force_login(lead)
    body = client.get("/").content.decode()
    assert "Answer the regulator: MA Social Work" in body
    assert reverse("courses:application_respond", args=[application.pk]) in body


def test_every_page_renders_for_its_users(client, lead, regulator, course):
    application = approve(course, lead, regulator, conditions=[("Add a module", TODAY + datetime.timedelta(days=30))])
    monitoring = services.open_monitoring_return(
        course=course, by=regulator, due_on=TODAY + datetime.timedelta(days=30)
    )
    condition = course.conditions.get()
    client.force_login(lead)
    for url in [
        reverse("courses:provider_home"),
        reverse("courses:provider_edit"),
        reverse("courses:course_add"),
        reverse("courses:course_detail", args=[course.pk]),
        reverse("courses:application_detail", args=[application.pk]),
        reverse("courses:application_start", args=[course.pk]),
        reverse("courses:condition_respond", args=[condition.pk]),
        reverse("courses:monitoring_detail", args=[monitoring.pk]),
        reverse("courses:course_history", args=[course.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(regulator)
    for url in [
        reverse("courses:queue"),
        reverse("courses:figures"),
        reverse("courses:figures_csv"),
        reverse("courses:course_detail", args=[course.pk]),
        reverse("courses:application_detail", args=[application.pk]),
        reverse("courses:condition_decide", args=[condition.pk]),
        reverse("courses:monitoring_open", args=[course.pk]),
        reverse("courses:end_approval", args=[course.pk]),
        reverse("courses:course_history", args=[course.pk]),
        reverse("courses:monitoring_detail", args=[monitoring.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_public_list_and_queue_at_400_courses_with_history(
    client, provider, lead, regulator, django_assert_max_num_queries
):
    from regulation.courses.models import CourseCondition, CourseStatusChange

    courses = Course.objects.bulk_create(
        Course(
            provider=provider,
            **{**COURSE, "title": f"Course {i:03d}"},
            status="closed" if i % 5 == 0 else "approved",
            approved_on=TODAY - datetime.timedelta(days=400 + i),
            approval_ended_on=TODAY if i % 5 == 0 else None,
        )
        for i in range(400)
    )
    applications = CourseApplication.objects.bulk_create(
        CourseApplication(
            course=c,
            created_by=lead,
            status="decided",
            outcome="approved",
            decision_reason="ok",
            decided_at=datetime.datetime.now(datetime.UTC),
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
        for c in courses
    )
    CourseStatusChange.objects.bulk_create(
        CourseStatusChange(course=c, from_status=a, to_status=b, reason="r")
        for c in courses
        for a, b in [("", "proposed"), ("proposed", "approved")]
    )
    CourseCondition.objects.bulk_create(
        CourseCondition(course=c, application=a, text="Condition", due_on=TODAY)
        for c, a in zip(courses, applications, strict=True)
    )
    for i in range(30):
        extra = services.add_course(provider=provider, by=lead, **{**COURSE, "title": f"Waiting {i}"})
        submitted(extra, lead)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("courses:public_list"), {"page": 3}).status_code == 200
    with django_assert_max_num_queries(4):
        rows = b"".join(client.get(reverse("courses:public_csv")).streaming_content).decode().strip().splitlines()
    assert len(rows) == 401
    assert client.get("/api/v1/courses/").json()["count"] == 400
    client.force_login(regulator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("courses:queue")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("courses:figures")).status_code == 200


def test_monitoring_return_sent_and_outcome_recorded_through_the_page(client, lead, regulator, approved_course):
    monitoring = services.open_monitoring_return(
        course=approved_course, by=regulator, due_on=TODAY + datetime.timedelta(days=30)
    )
    url = reverse("courses:monitoring_detail", args=[monitoring.pk])
    client.force_login(lead)
    response = client.post(
        url, {"intake": "38", "students": "74", "completions": "33", "placement_days_provided": "200"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    monitoring.refresh_from_db()
    assert monitoring.status == "submitted" and monitoring.intake == 38
    client.force_login(regulator)
    assert "MA Social Work" in client.get(reverse("courses:queue")).content.decode()
    response = client.post(url, {"outcome": "standards_met", "reason": "Fine"})
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.outcome == "standards_met"
