"""Course approval's rules a regulator has to defend (issue #31): no approval without a finished inspection or a
second member of staff's recorded exemption; every standard met with a condition carried into the approval as a
condition; inspections not before the application was sent; monitoring figures that cannot be true refused, and
those below the standards flagged."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from regulation.courses import services
from regulation.courses.models import Standard
from tests.factories import make_user

from .conftest import inspect, review_all, submitted

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ServiceError = services.ServiceError


def _decide(application, by, outcome="approved", conditions=None):
    return services.decide(application=application, by=by, outcome=outcome, reason="Meets them", conditions=conditions)


def test_no_approval_without_an_inspection_but_refusal_needs_none(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    for outcome in ("approved", "approved_with_conditions"):
        with pytest.raises(ServiceError, match="only be approved after its inspection has finished"):
            _decide(application, regulator, outcome, conditions=[("x", TODAY + datetime.timedelta(days=9))])
    application.refresh_from_db()
    assert application.status != "decided"
    _decide(application, regulator, "not_approved")  # a refusal rests on the standards alone


def test_an_inspection_still_going_is_not_enough(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    services.record_inspection(
        application=application,
        by=regulator,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=2),
        team="A",
        report="Day one.",
    )
    with pytest.raises(ServiceError, match="inspection has finished"):
        _decide(application, regulator)


def test_an_exemption_is_a_second_persons_recorded_decision(course, lead, regulator):
    colleague = make_user(Role.REGULATOR_STAFF, email="sam@regulator.example")
    application = submitted(course, lead)
    review_all(application, regulator)
    with pytest.raises(ServiceError, match="Give the reason"):
        services.exempt_from_inspection(application=application, by=regulator, reason=" ")
    services.exempt_from_inspection(
        application=application, by=regulator, reason="Re-approval of a course inspected in March: no change."
    )
    with pytest.raises(ServiceError, match="already been recorded"):
        services.exempt_from_inspection(application=application, by=colleague, reason="Again")
    with pytest.raises(ServiceError, match="recorded by someone else"):
        _decide(application, regulator)
    _decide(application, colleague)
    event = AuditEvent.objects.get(action="inspection_exemption")
    assert event.actor == regulator and "inspected in March" in event.reason


def test_a_standard_met_with_a_condition_keeps_its_condition(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    for standard in (Standard.CURRICULUM, Standard.LEARNING_ENVIRONMENT):
        services.review_standard(
            application=application, by=regulator, standard=standard, outcome="met_with_condition", reasons="Thin"
        )
    inspect(application, regulator)
    with pytest.raises(ServiceError, match="must carry conditions: Learning environment; Curriculum and assessment"):
        _decide(application, regulator, "approved")
    due = TODAY + datetime.timedelta(days=90)
    with pytest.raises(ServiceError, match=r"Add a condition for each standard met with a condition \(2\)"):
        _decide(application, regulator, "approved_with_conditions", conditions=[("Teach the law", due)])
    _decide(application, regulator, "approved_with_conditions", conditions=[("Teach the law", due), ("More days", due)])
    assert course.conditions.count() == 2


def test_monitoring_figures_that_cannot_be_true_are_refused_and_low_ones_flagged(
    client, lead, regulator, approved_course
):
    monitoring = services.open_monitoring_return(
        course=approved_course, by=regulator, due_on=TODAY + datetime.timedelta(days=30)
    )
    answers = {"intake": 10, "students": 10, "completions": 50, "placement_days_provided": 150}
    with pytest.raises(ServiceError, match=r"Completions \(50\) cannot be more than the students on the course \(10\)"):
        services.submit_monitoring(monitoring=monitoring, by=lead, **answers)
    monitoring.refresh_from_db()
    assert monitoring.status == "due" and monitoring.completions is None
    services.submit_monitoring(monitoring=monitoring, by=lead, **{**answers, "completions": 8})
    monitoring.refresh_from_db()
    assert monitoring.flags == ["150 days of practice learning per student, below the 200-day minimum."]
    client.force_login(regulator)
    page = client.get(reverse("courses:monitoring_detail", args=[monitoring.pk])).content.decode()
    assert "Look at this before accepting the return" in page and "below the 200-day minimum" in page


def test_staff_record_the_exemption_on_its_page(client, course, lead, regulator):
    application = submitted(course, lead)
    client.force_login(regulator)
    detail = client.get(reverse("courses:application_detail", args=[application.pk])).content.decode()
    assert "Record an exemption from inspection" in detail
    url = reverse("courses:inspection_exemption", args=[application.pk])
    assert "Why this course need not be inspected" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Inspected last year; no change."}).status_code == 302
    detail = client.get(reverse("courses:application_detail", args=[application.pk])).content.decode()
    assert "Exempt from inspection, recorded by" in detail and "Record an exemption from inspection" not in detail


def test_condition_evidence_can_carry_a_document_and_the_provider_sees_it_was_sent(
    client, lead, regulator, other_lead, course
):
    from .conftest import PDF, approve, upload

    approve(course, lead, regulator, conditions=[("Add teaching on the law", TODAY + datetime.timedelta(days=60))])
    condition = course.conditions.get()
    client.force_login(lead)
    respond = reverse("courses:condition_respond", args=[condition.pk])
    faked = client.post(respond, {"response": "Done", "evidence_file": upload("timetable.pdf", b"MZ\x90 not a PDF")})
    assert "The evidence document" in faked.content.decode()
    condition.refresh_from_db()
    assert condition.responded_at is None and not condition.evidence_file  # nothing saved
    sent = client.post(respond, {"response": "Two lectures added.", "evidence_file": upload("timetable.pdf", PDF)})
    assert sent.status_code == 302
    page = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert "Evidence sent on" in page and ">Send evidence<" not in page
    download = reverse("courses:condition_evidence_download", args=[condition.pk])
    for user in (lead, regulator):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert "timetable.pdf" in response["Content-Disposition"]
    client.force_login(other_lead)
    assert client.get(download).status_code in (403, 404)


def test_an_exemption_through_the_api_is_the_same_recorded_decision(client, course, lead, regulator):
    colleague = make_user(Role.REGULATOR_STAFF, email="sam@regulator.example")
    application = submitted(course, lead)
    review_all(application, regulator)
    url = f"/api/v1/courses/applications/{application.pk}/inspection-exemption/"
    client.force_login(regulator)
    assert client.post(url, {"reason": " "}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Inspected last year; no change."}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["reason"] == "Inspected last year; no change."
    assert response.json()["granted_by"] == regulator.get_full_name()
    again = client.post(url, {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 400 and "already been recorded" in again.json()["detail"]
    with pytest.raises(ServiceError, match="recorded by someone else"):
        _decide(application, regulator)
    _decide(application, colleague)
    client.force_login(lead)
    assert client.post(url, {"reason": "Please"}, content_type="application/json").status_code == 403
