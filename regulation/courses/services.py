"""Every write of course approval: keyword-only, atomic, guarded, locked and audited.

The same functions serve the pages, the API, the management commands and beat's housekeeping.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.notifications import notify
from accounts.services import ServiceError, record_event, require

from . import uploads
from .models import (
    REQUIRED_PRACTICE_DAYS,
    Course,
    CourseApplication,
    CourseCondition,
    CourseStatusChange,
    EducationProvider,
    EvidenceDocument,
    InformationRequest,
    Inspection,
    MonitoringReturn,
    Standard,
    StandardEvidence,
    StandardReview,
)

__all__ = ["ServiceError"]

REMIND_BEFORE_DAYS = 14
MONITORING_NOTICE_DAYS = 60
COURSE_FIELDS = (
    "title",
    "award",
    "level",
    "mode",
    "site",
    "annual_places",
    "practice_days",
    "statutory_placement_days",
    "skills_days",
    "first_intake",
)
PROVIDER_FIELDS = ("ukprn", "address", "region", "contact_email", "website")


def _today() -> datetime.date:
    return timezone.localdate()


def _reason(text: str, what: str = "Give a reason.") -> str:
    text = (text or "").strip()
    require(bool(text), what)
    return text


def _lead_emails(provider: EducationProvider) -> list[str]:
    emails = set(
        User.objects.filter(
            memberships__organisation_id=provider.organisation_id,
            memberships__role=Role.COURSE_LEAD,
            memberships__ended_on__isnull=True,
            is_active=True,
        ).values_list("email", flat=True)
    )
    if provider.contact_email:
        emails.add(provider.contact_email)
    return sorted(emails)


def _tell_provider(provider: EducationProvider, template: str, context: dict) -> None:
    to = _lead_emails(provider)
    if to:
        notify(to=to, template=f"regulation/courses/{template}", context={"provider": provider, **context})


def _set_course_status(
    course: Course,
    to_status: str,
    *,
    by: User | None,
    reason: str,
    effective_on: datetime.date | None = None,
    application: CourseApplication | None = None,
) -> None:
    from_status = course.status
    course.status = to_status
    course.updated_at = timezone.now()
    course.save()
    CourseStatusChange.objects.create(
        course=course,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on or _today(),
        changed_by=by if by is not None and by.pk else None,
        reason=reason,
        application=application,
    )
    record_event(course, f"course_{to_status}", by=by, reason=reason, from_state=from_status, to_state=to_status)


def _lock_application(application: CourseApplication) -> CourseApplication:
    return CourseApplication.objects.select_for_update().select_related("course__provider").get(pk=application.pk)


# --- Providers and their courses ------------------------------------------------------------------------------


@transaction.atomic
def provider_for_organisation(*, organisation: Organisation, by: User | None = None) -> EducationProvider:
    require(organisation.kind == Organisation.Kind.EDUCATION_PROVIDER, f"{organisation} is not an education provider.")
    provider, created = EducationProvider.objects.get_or_create(
        organisation=organisation, defaults={"region": organisation.region}
    )
    if created:
        record_event(provider, "provider_created", by=by)
    return provider


@transaction.atomic
def update_provider(*, provider: EducationProvider, by: User, **fields) -> EducationProvider:
    provider = EducationProvider.objects.select_for_update().get(pk=provider.pk)
    changes = {}
    for name in PROVIDER_FIELDS:
        if name in fields and getattr(provider, name) != fields[name]:
            changes[name] = [str(getattr(provider, name) or ""), str(fields[name] or "")]
            setattr(provider, name, fields[name])
    require(not provider.ukprn or (provider.ukprn.isdigit() and len(provider.ukprn) == 8), "A UKPRN is 8 digits.")
    if changes:
        provider.updated_at = timezone.now()
        provider.save()
        record_event(provider, "provider_details_changed", by=by, changes=changes)
    return provider


def _check_course_facts(data: dict) -> None:
    require(bool((data.get("title") or "").strip()), "Enter the course title.")
    require((data.get("annual_places") or 0) > 0, "Annual places must be 1 or more.")
    practice = data.get("practice_days") or 0
    require(
        practice >= REQUIRED_PRACTICE_DAYS,
        f"A qualifying course must give at least {REQUIRED_PRACTICE_DAYS} days of practice learning.",
    )
    require(
        (data.get("statutory_placement_days") or 0) + (data.get("skills_days") or 0) <= practice,
        "Statutory placement days and skills days together cannot be more than the practice-learning days.",
    )


@transaction.atomic
def add_course(*, provider: EducationProvider, by: User, **fields) -> Course:
    data = {name: fields[name] for name in COURSE_FIELDS if name in fields}
    _check_course_facts(data)
    course = Course.objects.create(provider=provider, **data)
    CourseStatusChange.objects.create(
        course=course, from_status="", to_status=course.status, changed_by=by, reason="Course added"
    )
    record_event(course, "course_added", by=by, to_state=course.status)
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, **fields) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(
        course.status in (Course.Status.PROPOSED, Course.Status.NOT_APPROVED),
        "An approved course's details change through a major change application.",
    )
    require(
        not course.applications.filter(status__in=CourseApplication.OPEN).exists(),
        "The course's details cannot change while the regulator is reviewing its application.",
    )
    data = {name: fields.get(name, getattr(course, name)) for name in COURSE_FIELDS}
    _check_course_facts(data)
    changes = {
        name: [str(getattr(course, name)), str(value)] for name, value in data.items() if getattr(course, name) != value
    }
    if changes:
        for name, value in data.items():
            setattr(course, name, value)
        course.updated_at = timezone.now()
        course.save()
        record_event(course, "course_details_changed", by=by, changes=changes)
    return course


# --- Applications (the provider's side) ------------------------------------------------------------------------


@transaction.atomic
def start_application(*, course: Course, by: User, kind: str, change_summary: str = "") -> CourseApplication:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(kind in CourseApplication.Kind.values, "Choose what the application is for.")
    if kind == CourseApplication.Kind.NEW:
        require(
            course.status in (Course.Status.PROPOSED, Course.Status.NOT_APPROVED),
            "This course is already approved: apply for re-approval or a major change instead.",
        )
    else:
        require(course.status == Course.Status.APPROVED, "Only an approved course can be re-approved or changed.")
    existing = course.applications.filter(status__in=[CourseApplication.Status.DRAFT, *CourseApplication.OPEN]).first()
    require(existing is None, "This course already has an application in progress.")
    application = CourseApplication.objects.create(
        course=course, kind=kind, created_by=by, change_summary=change_summary.strip()
    )
    StandardEvidence.objects.bulk_create(StandardEvidence(application=application, standard=s) for s in Standard.values)
    record_event(application, "application_started", by=by, to_state=application.status)
    return application


@transaction.atomic
def save_evidence(
    *, application: CourseApplication, by: User, standard: str, text: str, change_summary: str | None = None
) -> StandardEvidence:
    application = _lock_application(application)
    require(application.status == CourseApplication.Status.DRAFT, "Evidence can only be changed before you send it.")
    require(standard in Standard.values, "Choose a standard.")
    evidence = StandardEvidence.objects.get(application=application, standard=standard)
    if evidence.text != text:
        evidence.text = text
        evidence.updated_at = timezone.now()
        evidence.save()
    if change_summary is not None and change_summary != application.change_summary:
        application.change_summary = change_summary
    application.updated_at = timezone.now()
    application.save()
    return evidence


@transaction.atomic
def upload_evidence(*, application: CourseApplication, by: User, standard: str, upload) -> EvidenceDocument:
    """Checked whole before anything is written; a refusal leaves no row and no file."""
    application = _lock_application(application)
    require(
        application.status in (CourseApplication.Status.DRAFT, CourseApplication.Status.MORE_INFORMATION),
        "Documents can be added to a draft, or when the regulator asks for more information.",
    )
    require(standard in Standard.values, "Choose a standard.")
    try:
        content, kind = uploads.check_upload(upload)
    except uploads.UploadRefused as exc:
        raise ServiceError(str(exc)) from exc
    extension = upload.name.rsplit(".", 1)[-1].lower()
    document = EvidenceDocument(
        application=application,
        standard=standard,
        original_name=upload.name[-255:],
        detected_type=kind,
        size=len(content),
        uploaded_by=by,
    )
    # A random stored name: the person's file name is kept for display only.
    document.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    document.save()
    record_event(application, "evidence_uploaded", by=by, changes={"document": document.original_name})
    return document


@transaction.atomic
def remove_document(*, document: EvidenceDocument, by: User) -> EvidenceDocument:
    document = EvidenceDocument.objects.select_for_update().select_related("application").get(pk=document.pk)
    require(
        document.application.status == CourseApplication.Status.DRAFT,
        "A document can only be removed before the application is sent.",
    )
    require(document.removed_at is None, "That document has already been removed.")
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    record_event(document.application, "evidence_removed", by=by, changes={"document": document.original_name})
    return document


def missing_evidence(application: CourseApplication) -> list[str]:
    """The standards with neither text nor a document: the application cannot be sent until there are none."""
    texts = {e.standard: e.text.strip() for e in application.evidence.all()}
    with_documents = {d.standard for d in application.documents.all() if d.removed_at is None}
    return [s.label for s in Standard if not texts.get(s.value) and s.value not in with_documents]


@transaction.atomic
def submit_application(*, application: CourseApplication, by: User) -> CourseApplication:
    application = _lock_application(application)
    require(application.status == CourseApplication.Status.DRAFT, "This application has already been sent.")
    missing = missing_evidence(application)
    require(not missing, "Give evidence for every standard. Missing: " + "; ".join(missing) + ".")
    if application.kind == CourseApplication.Kind.MAJOR_CHANGE:
        require(bool(application.change_summary.strip()), "Describe the major change.")
    application.status = CourseApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = by
    application.updated_at = timezone.now()
    application.save()
    record_event(application, "application_submitted", by=by, from_state="draft", to_state=application.status)
    _tell_provider(application.course.provider, "submitted", {"application": application})
    return application


@transaction.atomic
def respond_to_request(*, application: CourseApplication, by: User, response: str) -> InformationRequest:
    application = _lock_application(application)
    require(
        application.status == CourseApplication.Status.MORE_INFORMATION,
        "The regulator is not waiting for information on this application.",
    )
    response = _reason(response, "Enter your answer.")
    request = application.information_requests.select_for_update().get(responded_at__isnull=True)
    request.response = response
    request.responded_at = timezone.now()
    request.responded_by = by
    request.save()
    today = _today()
    if application.paused_since:
        application.paused_days += max((today - application.paused_since).days, 0)
    application.paused_since = None
    application.status = CourseApplication.Status.UNDER_REVIEW
    application.updated_at = timezone.now()
    application.save()
    record_event(application, "information_provided", by=by, from_state="more_information", to_state="under_review")
    return request


# --- Applications (the regulator's side) -----------------------------------------------------------------------


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
    _tell_provider(application.course.provider, "more_information", {"application": application, "request": request})
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
) -> Inspection:
    application = _lock_application(application)
    _require_open(application)
    require(
        application.status != CourseApplication.Status.MORE_INFORMATION,
        "Wait for the provider's answer before recording an inspection.",
    )
    require(ends_on >= starts_on, "The inspection's last day must be on or after its first day.")
    require(starts_on <= _today(), "Record an inspection once it has started.")
    team = _reason(team, "Name the inspection team.")
    report = _reason(report, "Enter the inspection report.")
    inspection = Inspection.objects.create(
        application=application, starts_on=starts_on, ends_on=ends_on, team=team, report=report, recorded_by=by
    )
    before = application.status
    application.status = CourseApplication.Status.INSPECTION
    application.updated_at = timezone.now()
    application.save()
    record_event(application, "inspection_recorded", by=by, from_state=before, to_state="inspection")
    return inspection


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


# --- Conditions -----------------------------------------------------------------------------------------------


@transaction.atomic
def respond_to_condition(*, condition: CourseCondition, by: User, response: str) -> CourseCondition:
    condition = CourseCondition.objects.select_for_update().get(pk=condition.pk)
    require(condition.status == CourseCondition.Status.OPEN, "This condition has already been decided.")
    condition.response = _reason(response, "Describe how the condition has been met.")
    condition.responded_at = timezone.now()
    condition.save()
    record_event(condition, "condition_evidence_sent", by=by)
    return condition


def _refresh_flag(course: Course, today: datetime.date) -> None:
    unmet = (
        course.conditions.filter(status=CourseCondition.Status.NOT_MET).exists()
        or course.conditions.filter(status=CourseCondition.Status.OPEN, due_on__lt=today).exists()
    )
    if unmet and course.flagged_on is None:
        course.flagged_on = today
        course.save(update_fields=["flagged_on"])
        record_event(course, "course_flagged", by=None, reason="A condition was not met by its due date.")
    elif not unmet and course.flagged_on is not None:
        course.flagged_on = None
        course.save(update_fields=["flagged_on"])
        record_event(course, "course_flag_cleared", by=None, reason="No unmet conditions remain.")


@transaction.atomic
def decide_condition(*, condition: CourseCondition, by: User, met: bool, reason: str) -> CourseCondition:
    condition = CourseCondition.objects.select_for_update().get(pk=condition.pk)
    require(condition.status == CourseCondition.Status.OPEN, "This condition has already been decided.")
    reason = _reason(reason, "Give the reasons for your decision.")
    condition.status = CourseCondition.Status.MET if met else CourseCondition.Status.NOT_MET
    condition.decided_at = timezone.now()
    condition.decided_by = by
    condition.decision_reason = reason
    condition.save()
    record_event(
        condition, f"condition_{condition.status}", by=by, reason=reason, from_state="open", to_state=condition.status
    )
    course = Course.objects.select_for_update().get(pk=condition.course_id)
    _refresh_flag(course, _today())
    return condition


def flag_overdue_conditions(*, today: datetime.date | None = None) -> int:
    """Beat: courses with a condition past its date and not met are flagged. Idempotent."""
    today = today or _today()
    flagged = 0
    ids = set(
        CourseCondition.objects.filter(
            status=CourseCondition.Status.OPEN, due_on__lt=today, course__flagged_on__isnull=True
        ).values_list("course_id", flat=True)
    )
    for course_id in sorted(ids):
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course_id)
            if course.flagged_on is None:
                _refresh_flag(course, today)
                flagged += 1
    return flagged


# --- Annual monitoring ----------------------------------------------------------------------------------------


@transaction.atomic
def open_monitoring_return(*, course: Course, by: User | None, due_on: datetime.date) -> MonitoringReturn:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(course.status == Course.Status.APPROVED, "Only an approved course sends annual monitoring returns.")
    year = due_on.year - 1
    require(
        not course.monitoring_returns.filter(year=year).exists(),
        f"The return for {year} to {year + 1} has already been asked for.",
    )
    monitoring = MonitoringReturn.objects.create(course=course, year=year, due_on=due_on)
    course.next_monitoring_due = due_on
    course.save(update_fields=["next_monitoring_due"])
    record_event(monitoring, "monitoring_opened", by=by, to_state="due")
    _tell_provider(course.provider, "monitoring_opened", {"monitoring": monitoring})
    return monitoring


def open_due_monitoring_returns(*, today: datetime.date | None = None) -> int:
    """Beat: a return is asked for two months before each approved course's monitoring date. Idempotent."""
    today = today or _today()
    opened = 0
    due = Course.objects.filter(
        status=Course.Status.APPROVED,
        next_monitoring_due__isnull=False,
        next_monitoring_due__lte=today + datetime.timedelta(days=MONITORING_NOTICE_DAYS),
    ).only("pk", "next_monitoring_due")
    for course in due:
        if not MonitoringReturn.objects.filter(course=course, year=course.next_monitoring_due.year - 1).exists():
            try:
                open_monitoring_return(course=course, by=None, due_on=course.next_monitoring_due)
                opened += 1
            except ServiceError:
                continue
    return opened


def send_monitoring_reminders(*, today: datetime.date | None = None) -> int:
    """Beat: remind two weeks before a return's deadline and again once it has passed. Once each."""
    today = today or _today()
    sent = 0
    waiting = MonitoringReturn.objects.filter(status=MonitoringReturn.Status.DUE).select_related(
        "course__provider__organisation"
    )
    for monitoring in waiting:
        if monitoring.due_on < today and monitoring.reminded_after_on is None:
            field, template = "reminded_after_on", "monitoring_overdue"
        elif today <= monitoring.due_on <= today + datetime.timedelta(days=REMIND_BEFORE_DAYS) and (
            monitoring.reminded_before_on is None
        ):
            field, template = "reminded_before_on", "monitoring_reminder"
        else:
            continue
        with transaction.atomic():
            locked = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
            if getattr(locked, field) is not None or locked.status != MonitoringReturn.Status.DUE:
                continue
            setattr(locked, field, today)
            locked.save(update_fields=[field])
            _tell_provider(monitoring.course.provider, template, {"monitoring": monitoring})
            record_event(locked, template.replace("monitoring_", "reminder_"), by=None)
            sent += 1
    return sent


@transaction.atomic
def submit_monitoring(*, monitoring: MonitoringReturn, by: User, **answers) -> MonitoringReturn:
    monitoring = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
    require(monitoring.status == MonitoringReturn.Status.DUE, "This return has already been sent.")
    for name in ("intake", "students", "completions", "placement_days_provided"):
        value = answers.get(name)
        require(value is not None and value >= 0, f"Enter the {name.replace('_', ' ')}.")
        setattr(monitoring, name, value)
    monitoring.changes = (answers.get("changes") or "").strip()
    monitoring.concerns = (answers.get("concerns") or "").strip()
    monitoring.status = MonitoringReturn.Status.SUBMITTED
    monitoring.submitted_at = timezone.now()
    monitoring.submitted_by = by
    monitoring.save()
    record_event(monitoring, "monitoring_submitted", by=by, from_state="due", to_state="submitted")
    return monitoring


@transaction.atomic
def record_monitoring_outcome(*, monitoring: MonitoringReturn, by: User, outcome: str, reason: str) -> MonitoringReturn:
    monitoring = MonitoringReturn.objects.select_for_update().get(pk=monitoring.pk)
    require(monitoring.status == MonitoringReturn.Status.SUBMITTED, "Only a return that has been sent can be reviewed.")
    require(outcome in MonitoringReturn.Outcome.values, "Choose the outcome.")
    monitoring.outcome = outcome
    monitoring.outcome_reason = _reason(reason, "Give the reasons for the outcome.")
    monitoring.outcome_at = timezone.now()
    monitoring.outcome_by = by
    monitoring.status = MonitoringReturn.Status.REVIEWED
    monitoring.save()
    course = Course.objects.select_for_update().get(pk=monitoring.course_id)
    due = monitoring.due_on
    course.next_monitoring_due = (
        due.replace(year=due.year + 1) if not (due.month == 2 and due.day == 29) else due + datetime.timedelta(days=365)
    )
    course.save(update_fields=["next_monitoring_due"])
    record_event(
        monitoring,
        f"monitoring_{outcome}",
        by=by,
        reason=monitoring.outcome_reason,
        from_state="submitted",
        to_state=outcome,
    )
    _tell_provider(course.provider, "monitoring_outcome", {"monitoring": monitoring})
    return monitoring


# --- Ending approval ------------------------------------------------------------------------------------------


def _end_approval(
    *, course: Course, by: User, reason: str, effective_on: datetime.date | None, to_status: str
) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(course.status == Course.Status.APPROVED, "Only an approved course can be withdrawn or closed.")
    reason = _reason(reason, "Give the reason.")
    effective_on = effective_on or _today()
    require(effective_on >= course.approved_on, "The date cannot be before the course was approved.")
    course.approval_ended_on = effective_on
    _set_course_status(course, to_status, by=by, reason=reason, effective_on=effective_on)
    _tell_provider(course.provider, "approval_ended", {"course": course, "reason": reason})
    return course


@transaction.atomic
def withdraw_approval(*, course: Course, by: User, reason: str, effective_on: datetime.date | None = None) -> Course:
    return _end_approval(
        course=course, by=by, reason=reason, effective_on=effective_on, to_status=Course.Status.WITHDRAWN
    )


@transaction.atomic
def close_course(*, course: Course, by: User, reason: str, effective_on: datetime.date | None = None) -> Course:
    return _end_approval(course=course, by=by, reason=reason, effective_on=effective_on, to_status=Course.Status.CLOSED)
