import datetime

import pytest
from django.core import mail

from accounts.models import AuditEvent
from regulation.courses import selectors, services
from regulation.courses.models import (
    Course,
    CourseApplication,
    CourseCondition,
    CourseStatusChange,
    EvidenceDocument,
    MonitoringReturn,
    Standard,
)
from regulation.courses.services import ServiceError

from .conftest import COURSE, PDF, approve, docx_bytes, fill_evidence, inspect, review_all, submitted, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_course_needs_200_practice_days(provider, lead):
    with pytest.raises(ServiceError, match="200 days"):
        services.add_course(provider=provider, by=lead, **{**COURSE, "practice_days": 180})
    assert not Course.objects.exists()


def test_placement_and_skills_days_fit_inside_practice_days(provider, lead):
    with pytest.raises(ServiceError, match="cannot be more"):
        services.add_course(provider=provider, by=lead, **{**COURSE, "statutory_placement_days": 190})


def test_adding_a_course_records_its_first_status(course, lead):
    change = CourseStatusChange.objects.get(course=course)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "proposed", lead)


def test_draft_is_saved_and_cannot_be_sent_until_every_standard_has_evidence(course, lead):
    application = services.start_application(course=course, by=lead, kind="new")
    services.save_evidence(application=application, by=lead, standard="admissions", text="Interviews with people")
    with pytest.raises(ServiceError, match="Missing: Learning environment"):
        services.submit_application(application=application, by=lead)
    application.refresh_from_db()
    assert application.status == "draft"
    fill_evidence(application, lead)
    services.submit_application(application=application, by=lead)
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at is not None


def test_a_document_counts_as_evidence(course, lead):
    application = services.start_application(course=course, by=lead, kind="new")
    for standard in Standard.values:
        services.upload_evidence(application=application, by=lead, standard=standard, upload=upload("e.pdf", PDF))
    assert services.submit_application(application=application, by=lead).status == "submitted"


def test_sending_twice_is_refused(course, lead):
    application = submitted(course, lead)
    with pytest.raises(ServiceError, match="already been sent"):
        services.submit_application(application=application, by=lead)


def test_one_application_in_progress_per_course(course, lead):
    services.start_application(course=course, by=lead, kind="new")
    with pytest.raises(ServiceError, match="already has an application"):
        services.start_application(course=course, by=lead, kind="new")


def test_new_course_cannot_apply_for_reapproval(course, lead):
    with pytest.raises(ServiceError, match="Only an approved course"):
        services.start_application(course=course, by=lead, kind="reapproval")


def test_approved_course_applies_for_reapproval_not_new(approved_course, lead):
    with pytest.raises(ServiceError, match="already approved"):
        services.start_application(course=approved_course, by=lead, kind="new")
    assert services.start_application(course=approved_course, by=lead, kind="reapproval").kind == "reapproval"


def test_major_change_needs_a_description(approved_course, lead):
    application = services.start_application(course=approved_course, by=lead, kind="major_change")
    fill_evidence(application, lead)
    with pytest.raises(ServiceError, match="Describe the major change"):
        services.submit_application(application=application, by=lead)


def test_evidence_cannot_change_after_sending(course, lead):
    application = submitted(course, lead)
    with pytest.raises(ServiceError, match="before you send"):
        services.save_evidence(application=application, by=lead, standard="admissions", text="changed")


def test_upload_with_faked_extension_is_refused_and_nothing_saved(course, lead):
    application = services.start_application(course=course, by=lead, kind="new")
    with pytest.raises(ServiceError, match="not that kind of file"):
        services.upload_evidence(application=application, by=lead, standard="admissions", upload=upload("x.docx", PDF))
    with pytest.raises(ServiceError, match="must be a PDF"):
        services.upload_evidence(
            application=application, by=lead, standard="admissions", upload=upload("x.pdf", b"MZ\x90\x00binary")
        )
    assert not EvidenceDocument.objects.exists()


def test_upload_too_large_is_refused(course, lead, settings):
    settings.COURSE_EVIDENCE_MAX_BYTES = 100
    application = services.start_application(course=course, by=lead, kind="new")
    with pytest.raises(ServiceError, match="smaller than"):
        services.upload_evidence(
            application=application, by=lead, standard="admissions", upload=upload("big.pdf", PDF + b"0" * 200)
        )
    assert not EvidenceDocument.objects.exists()


def test_office_upload_is_kept_with_a_random_stored_name(course, lead):
    application = services.start_application(course=course, by=lead, kind="new")
    document = services.upload_evidence(
        application=application, by=lead, standard="curriculum", upload=upload("Curriculum map.docx", docx_bytes())
    )
    assert document.detected_type == "docx" and document.original_name == "Curriculum map.docx"
    assert "Curriculum" not in document.file.name and document.file.name.endswith(".docx")


def test_removing_a_document_keeps_the_row(course, lead):
    application = services.start_application(course=course, by=lead, kind="new")
    document = services.upload_evidence(
        application=application, by=lead, standard="admissions", upload=upload("a.pdf", PDF)
    )
    services.remove_document(document=document, by=lead)
    document.refresh_from_db()
    assert document.removed_at is not None
    assert services.missing_evidence(application)[0] == "Admissions"


def test_decision_needs_all_six_standards_reviewed(course, lead, regulator):
    application = submitted(course, lead)
    services.review_standard(application=application, by=regulator, standard="admissions", outcome="met", reasons="ok")
    with pytest.raises(ServiceError, match="Review all six standards"):
        services.decide(application=application, by=regulator, outcome="approved", reason="Good")
    application.refresh_from_db()
    assert application.status == "under_review"


def test_cannot_approve_with_a_standard_not_met(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    services.review_standard(application=application, by=regulator, standard="level", outcome="not_met", reasons="No")
    with pytest.raises(ServiceError, match="not met"):
        services.decide(application=application, by=regulator, outcome="approved", reason="Good")
    services.decide(application=application, by=regulator, outcome="not_approved", reason="Level not met")
    course.refresh_from_db()
    assert course.status == "not_approved" and course.approved_on is None


def test_approval_dates_the_course_and_records_who_and_why(course, lead, regulator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = approve(course, lead, regulator)
    course.refresh_from_db()
    assert course.status == "approved" and course.approved_on == TODAY
    assert course.next_monitoring_due.year == TODAY.year + 1
    event = AuditEvent.objects.for_object(application).get(action="decision_approved")
    assert event.actor == regulator and event.reason == "Meets the standards"
    assert "Decision on your course" in mail.outbox[-1].subject


def test_second_decision_is_refused(course, lead, regulator):
    application = approve(course, lead, regulator)
    with pytest.raises(ServiceError, match="already been recorded"):
        services.decide(application=application, by=regulator, outcome="not_approved", reason="Changed my mind")
    application.refresh_from_db()
    assert application.outcome == "approved"
    assert CourseStatusChange.objects.filter(course=course, to_status="approved").count() == 1


def test_conditions_need_future_due_dates(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    inspect(application, regulator)
    with pytest.raises(ServiceError, match="Add at least one condition"):
        services.decide(application=application, by=regulator, outcome="approved_with_conditions", reason="r")
    with pytest.raises(ServiceError, match="in the future"):
        services.decide(
            application=application,
            by=regulator,
            outcome="approved_with_conditions",
            reason="r",
            conditions=[("Add a module", days(-1))],
        )
    with pytest.raises(ServiceError, match="only"):
        services.decide(
            application=application, by=regulator, outcome="approved", reason="r", conditions=[("x", days(10))]
        )


def test_request_for_information_pauses_the_clock(course, lead, regulator, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 4, 10, tzinfo=datetime.UTC), tick=False)
    application = submitted(course, lead)
    time_machine.move_to(datetime.datetime(2027, 1, 14, 10, tzinfo=datetime.UTC), tick=False)
    services.request_information(
        application=application, by=regulator, question="Send placement agreements", due_on=datetime.date(2027, 2, 1)
    )
    application.refresh_from_db()
    assert application.status == "more_information"
    with pytest.raises(ServiceError, match="Wait for the provider"):
        services.decide(application=application, by=regulator, outcome="approved", reason="x")
    time_machine.move_to(datetime.datetime(2027, 1, 24, 10, tzinfo=datetime.UTC), tick=False)
    assert application.days_waiting() == 10
    services.respond_to_request(application=application, by=lead, response="Attached")
    application.refresh_from_db()
    assert application.status == "under_review" and application.paused_days == 10
    time_machine.move_to(datetime.datetime(2027, 1, 29, 10, tzinfo=datetime.UTC), tick=False)
    review_all(application, regulator)
    inspect(application, regulator)
    services.decide(application=application, by=regulator, outcome="approved", reason="Good")
    application.refresh_from_db()
    assert application.days_waiting() == 15  # 25 calendar days less 10 paused
    assert selectors.figures()["median_days"] == 15


def test_respond_only_when_asked(course, lead):
    application = submitted(course, lead)
    with pytest.raises(ServiceError, match="not waiting"):
        services.respond_to_request(application=application, by=lead, response="hello")


def test_inspection_dates_are_checked(course, lead, regulator, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 4, 10, tzinfo=datetime.UTC), tick=False)
    application = submitted(course, lead)
    time_machine.move_to(datetime.datetime(2027, 1, 20, 10, tzinfo=datetime.UTC), tick=False)

    def record(starts_on, ends_on):
        return services.record_inspection(
            application=application, by=regulator, starts_on=starts_on, ends_on=ends_on, team="A\nB", report="Report"
        )

    with pytest.raises(ServiceError, match="on or after"):
        record(datetime.date(2027, 1, 12), datetime.date(2027, 1, 10))
    with pytest.raises(ServiceError, match=r"cannot start before the application was sent \(4 January 2027\)"):
        record(datetime.date(2027, 1, 3), datetime.date(2027, 1, 5))
    with pytest.raises(ServiceError, match="once it has started"):
        record(datetime.date(2027, 1, 21), datetime.date(2027, 1, 22))
    inspection = record(datetime.date(2027, 1, 10), datetime.date(2027, 1, 12))
    application.refresh_from_db()
    assert application.status == "inspection" and inspection.team == "A\nB"


def test_reviewer_must_be_regulator_staff(course, lead, regulator):
    application = submitted(course, lead)
    with pytest.raises(ServiceError, match="reviewer must be"):
        services.assign(application=application, by=regulator, reviewer=lead)
    services.assign(application=application, by=regulator, reviewer=regulator, inspectors=[regulator])
    application.refresh_from_db()
    assert application.reviewer == regulator and application.status == "under_review"


def test_condition_met_clears_and_unmet_flags(course, lead, regulator):
    approve(course, lead, regulator, conditions=[("Add a module on law", days(30)), ("Train assessors", days(60))])
    first, second = CourseCondition.objects.order_by("due_on")
    services.respond_to_condition(condition=first, by=lead, response="Module added")
    services.decide_condition(condition=first, by=regulator, met=True, reason="Seen the module")
    course.refresh_from_db()
    assert course.flagged_on is None
    services.decide_condition(condition=second, by=regulator, met=False, reason="Not done")
    course.refresh_from_db()
    assert course.flagged_on == TODAY
    with pytest.raises(ServiceError, match="already been decided"):
        services.decide_condition(condition=second, by=regulator, met=True, reason="again")


def test_overdue_conditions_flag_the_course_from_beat(course, lead, regulator, time_machine):
    approve(course, lead, regulator, conditions=[("Add a module", days(10))])
    assert services.flag_overdue_conditions(today=days(5)) == 0
    assert services.flag_overdue_conditions(today=days(11)) == 1
    assert services.flag_overdue_conditions(today=days(12)) == 0  # idempotent
    course.refresh_from_db()
    assert course.flagged_on == days(11)
    assert list(selectors.flagged_courses()) == [course]


def test_monitoring_is_opened_reminded_before_and_after_once(
    approved_course, lead, regulator, django_capture_on_commit_callbacks
):
    due = approved_course.next_monitoring_due
    assert services.open_due_monitoring_returns(today=due - datetime.timedelta(days=90)) == 0
    assert services.open_due_monitoring_returns(today=due - datetime.timedelta(days=59)) == 1
    assert services.open_due_monitoring_returns(today=due - datetime.timedelta(days=58)) == 0
    monitoring = MonitoringReturn.objects.get(course=approved_course)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_monitoring_reminders(today=due - datetime.timedelta(days=30)) == 0
        assert services.send_monitoring_reminders(today=due - datetime.timedelta(days=10)) == 1
        assert services.send_monitoring_reminders(today=due - datetime.timedelta(days=9)) == 0
        assert services.send_monitoring_reminders(today=due + datetime.timedelta(days=1)) == 1
        assert services.send_monitoring_reminders(today=due + datetime.timedelta(days=2)) == 0
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Reminder", "Overdue"]
    assert mail.outbox[0].to == [lead.email]
    services.submit_monitoring(
        monitoring=monitoring, by=lead, intake=38, students=75, completions=34, placement_days_provided=200
    )
    with pytest.raises(ServiceError, match="already been sent"):
        services.submit_monitoring(
            monitoring=monitoring, by=lead, intake=1, students=1, completions=1, placement_days_provided=1
        )
    services.record_monitoring_outcome(monitoring=monitoring, by=regulator, outcome="standards_met", reason="Fine")
    approved_course.refresh_from_db()
    assert approved_course.next_monitoring_due == due.replace(year=due.year + 1)


def test_outcome_only_after_the_return_is_sent(approved_course, regulator):
    monitoring = services.open_monitoring_return(course=approved_course, by=regulator, due_on=days(30))
    with pytest.raises(ServiceError, match="been sent"):
        services.record_monitoring_outcome(monitoring=monitoring, by=regulator, outcome="standards_met", reason="x")


def test_closed_course_stays_formerly_approved_with_its_dates(approved_course, regulator):
    services.close_course(course=approved_course, by=regulator, reason="No more intakes", effective_on=days(100))
    approved_course.refresh_from_db()
    assert approved_course.status == "closed" and approved_course.approval_ended_on == days(100)
    listed = list(selectors.public_courses(status="formerly_approved"))
    assert listed == [approved_course] and listed[0].public_status == "Formerly approved (closed to new students)"
    with pytest.raises(ServiceError, match="Only an approved course"):
        services.withdraw_approval(course=approved_course, by=regulator, reason="again")


def test_courses_are_never_deleted(approved_course):
    with pytest.raises(PermissionError):
        approved_course.delete()
    assert Course.objects.filter(pk=approved_course.pk).exists()


def test_refused_reapproval_withdraws_approval(approved_course, lead, regulator):
    application = submitted(approved_course, lead, kind="reapproval")
    review_all(application, regulator, outcome="not_met")
    services.decide(application=application, by=regulator, outcome="not_approved", reason="Standards no longer met")
    approved_course.refresh_from_db()
    assert approved_course.status == "withdrawn" and approved_course.approval_ended_on == TODAY


def test_course_places_for_region_for_the_workforce_forecast(approved_course, region, lead, provider):
    assert selectors.course_places_for_region(region) == 40
    assert selectors.course_places_for_region("E12000003", on=TODAY - datetime.timedelta(days=1)) is None
    assert selectors.course_places_for_region("E12000009") is None


def test_history_holds_every_decision(approved_course, lead, regulator):
    services.close_course(course=approved_course, by=regulator, reason="Closing")
    actions = [e.action for e in selectors.course_history(approved_course)]
    for expected in [
        "course_added",
        "application_started",
        "application_submitted",
        "decision_approved",
        "course_closed",
    ]:
        assert expected in actions


def test_figures_count_courses_by_level_mode_provider_region(approved_course):
    data = selectors.figures()
    assert data["tables"]["level"][0] == {"label": "Postgraduate", "counts": [0] * (len(data["dates"]) - 1) + [1]}
    assert data["places"] == [("Yorkshire and The Humber", 40)]
    assert data["outcomes"] == [("Approved", 1)]


def test_draft_application_status_constants():
    assert "draft" not in CourseApplication.OPEN


def test_demo_data_has_every_state_and_is_idempotent(db):
    from django.core.management import call_command

    from accounts.models import Organisation, Role
    from tests.factories import OrganisationFactory, make_user

    leeds = OrganisationFactory(name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER)
    make_user(Role.COURSE_LEAD, organisation=leeds, email="course.lead@example.com")
    make_user(Role.REGULATOR_STAFF, email="regulator@example.com")
    call_command("seed_courses_demo")
    call_command("seed_courses_demo")
    courses = Course.objects.filter(provider__organisation=leeds)
    assert courses.count() == 5
    assert set(courses.values_list("status", flat=True)) == {"proposed", "approved", "closed"}
    assert CourseApplication.objects.filter(status="draft").count() == 1
    assert CourseApplication.objects.filter(status="more_information").count() == 1
    assert CourseCondition.objects.filter(status="open").count() == 1
    assert MonitoringReturn.objects.filter(status="due").count() == 1
