"""Applications for approval: the provider's draft, evidence, uploads and sending."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import ServiceError, record_event, require

from .. import uploads
from ..models import (
    Course,
    CourseApplication,
    EvidenceDocument,
    InformationRequest,
    Standard,
    StandardEvidence,
)
from ._common import (
    _lock_application,
    _reason,
    _tell_provider,
    _today,
)


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
    _tell_provider(
        application.course.provider,
        "submitted",
        {"application": application},
        discriminator=str(application.submitted_at),
    )
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


@transaction.atomic
def withdraw_application(*, application: CourseApplication, by: User, reason: str) -> CourseApplication:
    """The provider takes back its own application before a decision. Nothing is deleted: the application,
    its evidence and any request stay on record with who withdrew it, when and why."""
    application = _lock_application(application)
    if application.status == CourseApplication.Status.WITHDRAWN:
        return application  # a second press of the button, or the form sent again: one withdrawal
    require(
        application.status in (CourseApplication.Status.DRAFT, *CourseApplication.OPEN),
        "A decision has already been recorded, so this application can no longer be withdrawn.",
    )
    reason = _reason(reason, "Enter why you are withdrawing the application.")
    before = application.status
    if application.paused_since:
        application.paused_days += max((_today() - application.paused_since).days, 0)
        application.paused_since = None
    application.status = CourseApplication.Status.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.withdrawn_by = by
    application.withdrawal_reason = reason
    application.updated_at = timezone.now()
    application.save()
    record_event(application, "application_withdrawn", by=by, reason=reason, from_state=before, to_state="withdrawn")
    if before != CourseApplication.Status.DRAFT:
        _tell_provider(application.course.provider, "withdrawn", {"application": application})
    return application
