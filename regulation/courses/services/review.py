"""The regulator's review: assignment, standards, requests for information, inspection and the decision."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import record_event, require

from ..models import (
    Course,
    CourseApplication,
    CourseCondition,
    InformationRequest,
    Inspection,
    InspectionExemption,
    Standard,
    StandardReview,
)
from ._common import (
    _attach_document,
    _lock_application,
    _reason,
    _set_course_status,
    _tell_provider,
    _today,
)


def _require_open(application: CourseApplication) -> None:
    require(application.is_open, "This application is not open for review.")


@transaction.atomic
def assign(
    *, application: CourseApplication, by: User, reviewer: User, inspectors: list[User] | None = None
) -> CourseApplication:
    application = _lock_application(application)
    _require_open(application)
    require(reviewer.has_role(Role.REGULATOR_STAFF), "The reviewer must be a member of the regulator's staff.")
    inspectors = list(inspectors or [])
    require(
        all(person.has_role(Role.REGULATOR_STAFF) for person in inspectors),
        "Inspectors must be members of the regulator's staff.",
    )
    before = application.status
    application.reviewer = reviewer
    if application.status == CourseApplication.Status.SUBMITTED:
        application.status = CourseApplication.Status.UNDER_REVIEW
    application.updated_at = timezone.now()
    application.save()
    application.inspectors.set(inspectors)
    record_event(
        application,
        "reviewer_assigned",
        by=by,
        from_state=before,
        to_state=application.status,
        changes={"reviewer": reviewer.email, "inspectors": [p.email for p in inspectors]},
    )
    return application


@transaction.atomic
def review_standard(
    *, application: CourseApplication, by: User, standard: str, outcome: str, reasons: str
) -> StandardReview:
    application = _lock_application(application)
    _require_open(application)
    require(standard in Standard.values, "Choose a standard.")
    require(outcome in StandardReview.Outcome.values, "Choose whether the standard is met.")
    reasons = _reason(reasons, "Give the reasons for your judgement.")
    review, _ = StandardReview.objects.update_or_create(
        application=application,
        standard=standard,
        defaults={"outcome": outcome, "reasons": reasons, "reviewed_by": by, "reviewed_at": timezone.now()},
    )
    if application.status == CourseApplication.Status.SUBMITTED:
        application.status = CourseApplication.Status.UNDER_REVIEW
        application.save(update_fields=["status"])
    record_event(
        application,
        "standard_reviewed",
        by=by,
        reason=reasons,
        to_state=outcome,
        changes={"standard": Standard(standard).label},
    )
    return review


@transaction.atomic
def request_information(
    *, application: CourseApplication, by: User, question: str, due_on: datetime.date
) -> InformationRequest:
    """Stops the clock until the provider answers."""
    application = _lock_application(application)
    _require_open(application)
    require(
        application.status != CourseApplication.Status.MORE_INFORMATION,
        "The provider has not yet answered the last request.",
    )
    question = _reason(question, "Say what information you need.")
    require(due_on > _today(), "The date to answer by must be in the future.")
    before = application.status
    request = InformationRequest.objects.create(
        application=application, question=question, due_on=due_on, requested_by=by
    )
    application.status = CourseApplication.Status.MORE_INFORMATION
    application.paused_since = _today()
    application.updated_at = timezone.now()
    application.save()
    record_event(
        application, "information_requested", by=by, reason=question, from_state=before, to_state="more_information"
    )
    _tell_provider(
        application.course.provider,
        "more_information",
        {"application": application, "request": request},
        discriminator=str(request.pk),
    )
    return request


@transaction.atomic
def record_inspection(
    *,
    application: CourseApplication,
    by: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    team: str,
    report: str,
    report_file=None,
) -> Inspection:
    """The report may be written in the box, uploaded as a document (checked by its content), or both."""
    application = _lock_application(application)
    _require_open(application)
    require(
        application.status != CourseApplication.Status.MORE_INFORMATION,
        "Wait for the provider's answer before recording an inspection.",
    )
    require(ends_on >= starts_on, "The inspection's last day must be on or after its first day.")
    require(starts_on <= _today(), "Record an inspection once it has started.")
    sent = application.submitted_at and timezone.localdate(application.submitted_at)
    require(
        sent is None or starts_on >= sent,
        f"The inspection cannot start before the application was sent ({sent:%-d %B %Y})." if sent else "",
    )
    team = _reason(team, "Name the inspection team.")
    report = (report or "").strip()
    require(bool(report) or report_file is not None, "Enter the inspection report, or upload it.")
    inspection = Inspection(
        application=application, starts_on=starts_on, ends_on=ends_on, team=team, report=report, recorded_by=by
    )
    if report_file is not None:
        _attach_document(inspection, "report", report_file, label="The inspection report")
    inspection.save()
    before = application.status
    application.status = CourseApplication.Status.INSPECTION
    application.updated_at = timezone.now()
    application.save()
    record_event(
        application,
        "inspection_recorded",
        by=by,
        from_state=before,
        to_state="inspection",
        changes={"report_document": inspection.report_name} if inspection.report_name else None,
    )
    _tell_provider(
        application.course.provider,
        "inspection_recorded",
        {"application": application, "inspection": inspection},
        discriminator=str(inspection.pk),
    )
    return inspection


def _require_inspected(application: CourseApplication, by: User) -> None:
    """Approval rests on an inspection that has finished, or on a second member of staff's recorded exemption."""
    if application.inspections.filter(ends_on__lte=_today()).exists():
        return
    exemption = InspectionExemption.objects.filter(application=application).first()
    require(
        exemption is not None,
        "A course can only be approved after its inspection has finished, or with an exemption another member of "
        "staff has recorded with the reason.",
    )
    require(exemption.granted_by_id != by.pk, "The exemption from inspection must be recorded by someone else.")


@transaction.atomic
def exempt_from_inspection(*, application: CourseApplication, by: User, reason: str) -> InspectionExemption:
    application = _lock_application(application)
    _require_open(application)
    require(
        not InspectionExemption.objects.filter(application=application).exists(),
        "An exemption from inspection has already been recorded.",
    )
    reason = _reason(reason, "Give the reason the course need not be inspected.")
    exemption = InspectionExemption.objects.create(application=application, reason=reason, granted_by=by)
    record_event(application, "inspection_exemption", by=by, reason=reason)
    return exemption


@transaction.atomic
def decide(
    *,
    application: CourseApplication,
    by: User,
    outcome: str,
    reason: str,
    conditions: list[tuple[str, datetime.date]] | None = None,
) -> CourseApplication:
    """One decision per application: the row lock makes a second, concurrent decision see it is already decided."""
    application = _lock_application(application)
    require(application.status != CourseApplication.Status.DECIDED, "A decision has already been recorded.")
    _require_open(application)
    require(
        application.status != CourseApplication.Status.MORE_INFORMATION,
        "Wait for the provider's answer before deciding.",
    )
    require(outcome in CourseApplication.Outcome.values, "Choose a decision.")
    reason = _reason(reason, "Give the reasons for the decision.")
    reviews = {r.standard: r.outcome for r in application.reviews.all()}
    missing = [s.label for s in Standard if s.value not in reviews]
    require(not missing, "Review all six standards before deciding. Not yet reviewed: " + "; ".join(missing) + ".")
    conditions = [(text.strip(), due) for text, due in (conditions or []) if text and text.strip()]
    approving = outcome != CourseApplication.Outcome.NOT_APPROVED
    if approving:
        require(
            StandardReview.Outcome.NOT_MET not in reviews.values(),
            "A course cannot be approved while a standard is not met.",
        )
        _require_inspected(application, by)
        with_condition = [
            s.label for s in Standard if reviews.get(s.value) == StandardReview.Outcome.MET_WITH_CONDITION
        ]
        require(
            not with_condition or outcome == CourseApplication.Outcome.APPROVED_WITH_CONDITIONS,
            "These standards were met with a condition, so the approval must carry conditions: "
            + "; ".join(with_condition)
            + ".",
        )
        require(
            len(conditions) >= len(with_condition),
            f"Add a condition for each standard met with a condition ({len(with_condition)}): "
            + "; ".join(with_condition)
            + ".",
        )
    if outcome == CourseApplication.Outcome.APPROVED_WITH_CONDITIONS:
        require(bool(conditions), "Add at least one condition, each with a due date.")
        require(
            all(due and due > _today() for _, due in conditions), "Each condition's due date must be in the future."
        )
    else:
        require(not conditions, "Conditions go with “approved with conditions” only.")
    course = Course.objects.select_for_update().get(pk=application.course_id)
    before = application.status
    application.status = CourseApplication.Status.DECIDED
    application.outcome = outcome
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = by
    application.updated_at = timezone.now()
    application.save()
    for text, due in conditions:
        condition = CourseCondition.objects.create(course=course, application=application, text=text, due_on=due)
        record_event(condition, "condition_set", by=by, reason=reason, to_state="open")
    record_event(application, f"decision_{outcome}", by=by, reason=reason, from_state=before, to_state=outcome)
    today = _today()
    if approving and course.status != Course.Status.APPROVED:
        course.approved_on = today
        course.approval_ended_on = None
        course.next_monitoring_due = (
            today.replace(year=today.year + 1)
            if not (today.month == 2 and today.day == 29)
            else today + datetime.timedelta(days=365)
        )
        _set_course_status(course, Course.Status.APPROVED, by=by, reason=reason, application=application)
    elif not approving and application.kind == CourseApplication.Kind.NEW:
        _set_course_status(course, Course.Status.NOT_APPROVED, by=by, reason=reason, application=application)
    elif not approving and application.kind == CourseApplication.Kind.REAPPROVAL:
        course.approval_ended_on = today
        _set_course_status(course, Course.Status.WITHDRAWN, by=by, reason=reason, application=application)
    elif approving:
        record_event(course, f"{application.kind}_approved", by=by, reason=reason)
    _tell_provider(course.provider, "decision", {"application": application, "conditions": conditions})
    return application
