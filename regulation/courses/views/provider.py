"""Course leads' pages: their provider, courses, applications, answers, conditions and returns."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.services import ServiceError

from .. import forms, selectors, services
from ..models import (
    Course,
    CourseApplication,
    CourseCondition,
    EvidenceDocument,
    Inspection,
    MonitoringReturn,
    Standard,
)
from ._common import (
    PROVIDER_SESSION_KEY,
    _application,
    _check,
    _course,
    _form_page,
    _perm,
    _provider,
    lead_organisations,
)


@_perm("regulation.lead_courses")
def provider_home(request):
    provider = _provider(request)
    return render(
        request,
        "regulation/courses/provider_home.html",
        {
            "provider": provider,
            "courses": selectors.provider_courses(provider),
            "applications": selectors.provider_applications(provider),
            "conditions": selectors.provider_open_conditions(provider),
            "several_providers": len(lead_organisations(request.user)) > 1,
            "today": timezone.localdate(),
            "page_title": f"Courses at {provider.name}",
        },
    )


@_perm("regulation.lead_courses")
def provider_choose(request):
    """A course lead at several providers says which one they are working for now."""
    organisations = lead_organisations(request.user)
    current = _provider(request)
    form = forms.ChooseProviderForm(
        posted(request), organisations=organisations, initial={"organisation": current.organisation_id}
    )
    if request.method == "POST" and form.is_valid():
        request.session[PROVIDER_SESSION_KEY] = int(form.cleaned_data["organisation"])
        chosen = next(o for o in organisations if o.pk == int(form.cleaned_data["organisation"]))
        messages.success(request, f"You are now working for {chosen.name}.")
        return redirect("courses:provider_home")
    return render(
        request,
        "regulation/courses/form_page.html",
        {
            "form": form,
            "page_title": "Which provider are you working for?",
            "button": "Continue",
            "back_url": reverse("courses:provider_home"),
        },
    )


@_perm("regulation.lead_courses")
def provider_edit(request):
    provider = _provider(request)
    form = forms.ProviderForm(posted(request), instance=provider)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.update_provider(provider=provider, by=request.user, **data),
        success="Your provider's details have been saved.",
        redirect_to="courses:provider_home",
        title="Your provider's details",
        caption=provider.name,
        back_url=reverse("courses:provider_home"),
    )


@_perm("regulation.lead_courses")
def course_add(request):
    provider = _provider(request)
    form = forms.CourseForm(posted(request))
    return _form_page(
        request,
        form=form,
        call=lambda data: services.add_course(provider=provider, by=request.user, **data),
        success="The course has been added. Apply for its approval when you are ready.",
        redirect_to=lambda course: reverse("courses:course_detail", args=[course.pk]),
        title="Add a course",
        caption=provider.name,
        back_url=reverse("courses:provider_home"),
    )


@login_required
def course_detail(request, pk):
    course = _course(request, pk)
    return render(
        request,
        "regulation/courses/course_detail.html",
        {
            "course": course,
            "today": timezone.localdate(),
            "status_history": selectors.status_history(course),
            "page_title": course.title,
        },
    )


@login_required
def course_edit(request, pk):
    course = _course(request, pk, "regulation.change_course")
    form = forms.CourseForm(
        posted(request),
        instance=Course(**{f.attname: getattr(course, f.attname) for f in Course._meta.concrete_fields}),
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.update_course(course=course, by=request.user, **data),
        success="The course's details have been saved.",
        redirect_to=reverse("courses:course_detail", args=[course.pk]),
        title="Change the course's details",
        caption=course.title,
        back_url=reverse("courses:course_detail", args=[course.pk]),
    )


@login_required
def application_start(request, pk):
    course = _course(request, pk, "regulation.apply_for_course")
    form = forms.StartApplicationForm(posted(request), course=course)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.start_application(course=course, by=request.user, **data),
        success="",
        redirect_to=lambda application: reverse("courses:application_detail", args=[application.pk]),
        title="Apply for approval",
        caption=course.title,
        button="Start the application",
        back_url=reverse("courses:course_detail", args=[course.pk]),
    )


def _standards_with_evidence(application):
    texts = {e.standard: e.text for e in application.evidence.all()}
    documents = {}
    for document in application.documents.all():
        documents.setdefault(document.standard, []).append(document)
    reviews = {r.standard: r for r in application.reviews.all()}
    return [
        {
            "value": s.value,
            "label": s.label,
            "text": texts.get(s.value, ""),
            "documents": documents.get(s.value, []),
            "review": reviews.get(s.value),
            "done": bool(texts.get(s.value, "").strip() or documents.get(s.value)),
        }
        for s in Standard
    ]


@login_required
def application_detail(request, pk):
    application = _application(request, pk)
    is_regulator = rules.has_perm("regulation.decide_courseapplication", request.user, application)
    return render(
        request,
        "regulation/courses/application_detail.html",
        {
            "application": application,
            "course": application.course,
            "standards": _standards_with_evidence(application),
            "is_regulator": is_regulator,
            "can_change": rules.has_perm("regulation.change_courseapplication", request.user, application),
            "open_request": next((r for r in application.information_requests.all() if r.is_open), None),
            "days_waiting": application.days_waiting(),
            "all_reviewed": len(application.reviews.all()) == len(Standard),
            "page_title": str(application),
        },
    )


@login_required
def evidence_edit(request, pk, standard):
    application = _application(request, pk, "regulation.change_courseapplication")
    if standard not in Standard.values:
        raise Http404
    if application.status != CourseApplication.Status.DRAFT:
        messages.info(request, "This application has been sent, so its evidence can no longer change.")
        return redirect("courses:application_detail", pk=application.pk)
    current = next(e for e in application.evidence.all() if e.standard == standard)
    form = forms.EvidenceForm(posted(request), request.FILES or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():

        def save():
            services.save_evidence(
                application=application, by=request.user, standard=standard, text=form.cleaned_data["text"]
            )
            if form.cleaned_data.get("document"):
                services.upload_evidence(
                    application=application, by=request.user, standard=standard, upload=form.cleaned_data["document"]
                )
            return True

        if call_or_show_refusal(form, save):
            messages.success(request, f"Evidence for “{Standard(standard).label}” saved.")
            if request.POST.get("then") == "upload":
                return redirect("courses:evidence_edit", pk=application.pk, standard=standard)
            return redirect("courses:application_detail", pk=application.pk)
    documents = [d for d in application.documents.all() if d.standard == standard]
    return render(
        request,
        "regulation/courses/evidence_edit.html",
        {
            "application": application,
            "standard": Standard(standard),
            "form": form,
            "documents": documents,
            "page_title": Standard(standard).label,
        },
    )


@require_POST
@login_required
def document_remove(request, pk):
    document = get_object_or_404(EvidenceDocument.objects.select_related("application__course__provider"), pk=pk)
    _check(request, "regulation.change_courseapplication", document.application)
    try:
        services.remove_document(document=document, by=request.user)
        messages.success(request, f"“{document.original_name}” removed.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("courses:evidence_edit", pk=document.application_id, standard=document.standard)


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ole2": "application/octet-stream",
}


def _download(file, *, name: str, kind: str) -> FileResponse:
    """A stored document, as an attachment under the name it was uploaded with and the type its content showed."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_download(request, pk):
    document = get_object_or_404(EvidenceDocument.objects.select_related("application__course__provider"), pk=pk)
    _check(request, "regulation.view_evidencedocument", document)
    return _download(document.file, name=document.original_name, kind=document.detected_type)


@login_required
def check_answers(request, pk):
    application = _application(request, pk, "regulation.change_courseapplication")
    if application.status != CourseApplication.Status.DRAFT:
        return redirect("courses:application_detail", pk=application.pk)
    error = ""
    if request.method == "POST":
        try:
            services.submit_application(application=application, by=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            return redirect("courses:application_sent", pk=application.pk)
    return render(
        request,
        "regulation/courses/check_answers.html",
        {
            "application": application,
            "course": application.course,
            "standards": _standards_with_evidence(application),
            "error": error,
            "page_title": "Check your answers before sending your application",
        },
    )


@login_required
def application_withdraw(request, pk):
    application = _application(request, pk, "regulation.change_courseapplication")
    if not (application.status == CourseApplication.Status.DRAFT or application.is_open):
        messages.info(request, "This application can no longer be withdrawn.")
        return redirect("courses:application_detail", pk=application.pk)
    return _form_page(
        request,
        form=forms.WithdrawApplicationForm(posted(request)),
        call=lambda data: services.withdraw_application(application=application, by=request.user, **data),
        success="",
        redirect_to=reverse("courses:application_withdrawn", args=[application.pk]),
        title="Are you sure you want to withdraw this application?",
        caption=str(application),
        intro=(
            "The regulator will stop reviewing it. The application and its evidence stay on record; "
            "you can start a new application for the course later."
        ),
        button="Withdraw the application",
        back_url=reverse("courses:application_detail", args=[application.pk]),
    )


@login_required
def application_withdrawn(request, pk):
    application = _application(request, pk)
    if application.status != CourseApplication.Status.WITHDRAWN:
        return redirect("courses:application_detail", pk=application.pk)
    return render(
        request,
        "regulation/courses/application_withdrawn.html",
        {"application": application, "page_title": "Application withdrawn"},
    )


@login_required
def inspection_report_download(request, pk):
    inspection = get_object_or_404(Inspection.objects.select_related("application__course__provider"), pk=pk)
    _check(request, "regulation.view_courseapplication", inspection.application)
    if not inspection.report_file:
        raise Http404
    return _download(inspection.report_file, name=inspection.report_name, kind=inspection.report_type)


@login_required
def application_sent(request, pk):
    application = _application(request, pk)
    return render(
        request,
        "regulation/courses/application_sent.html",
        {"application": application, "page_title": "Application sent"},
    )


@login_required
def application_respond(request, pk):
    application = _application(request, pk, "regulation.change_courseapplication")
    request_open = next((r for r in application.information_requests.all() if r.is_open), None)
    if request_open is None:
        messages.info(request, "The regulator is not waiting for information on this application.")
        return redirect("courses:application_detail", pk=application.pk)
    form = forms.ResponseForm(posted(request), request.FILES or None)

    def respond(data):
        if data.get("document"):
            services.upload_evidence(
                application=application,
                by=request.user,
                standard=data.get("standard") or Standard.ADMISSIONS,
                upload=data["document"],
            )
        return services.respond_to_request(application=application, by=request.user, response=data["response"])

    return _form_page(
        request,
        form=form,
        call=respond,
        success="Your answer has been sent. The review has restarted.",
        redirect_to=reverse("courses:application_detail", args=[application.pk]),
        title="Answer the regulator's request",
        caption=str(application),
        intro=f"{request_open.question}\n\nAnswer by {request_open.due_on:%-d %B %Y}.",
        button="Send your answer",
        back_url=reverse("courses:application_detail", args=[application.pk]),
        multipart=True,
    )


def _condition(request, pk, perm):
    condition = get_object_or_404(CourseCondition.objects.select_related("course__provider__organisation"), pk=pk)
    _check(request, perm, condition)
    return condition


@login_required
def condition_evidence_download(request, pk):
    condition = _condition(request, pk, "regulation.view_coursecondition")
    if not condition.evidence_file:
        raise Http404
    return _download(condition.evidence_file, name=condition.evidence_name, kind=condition.evidence_type)


@login_required
def condition_respond(request, pk):
    condition = _condition(request, pk, "regulation.respond_coursecondition")
    return _form_page(
        request,
        form=forms.ConditionResponseForm(posted(request), request.FILES or None),
        call=lambda data: services.respond_to_condition(condition=condition, by=request.user, **data),
        multipart=True,
        success="Your evidence has been sent to the regulator.",
        redirect_to=reverse("courses:course_detail", args=[condition.course_id]),
        title="Send evidence that a condition is met",
        caption=condition.course.title,
        intro=f"{condition.text}\n\nDue by {condition.due_on:%-d %B %Y}.",
        button="Send evidence",
        back_url=reverse("courses:course_detail", args=[condition.course_id]),
    )


def _monitoring(request, pk):
    monitoring = get_object_or_404(MonitoringReturn.objects.select_related("course__provider__organisation"), pk=pk)
    _check(request, "regulation.view_monitoringreturn", monitoring)
    return monitoring


@login_required
def monitoring_detail(request, pk):
    monitoring = _monitoring(request, pk)
    form = None
    if monitoring.status == MonitoringReturn.Status.DUE and rules.has_perm(
        "regulation.submit_monitoringreturn", request.user, monitoring
    ):
        form = forms.MonitoringForm(posted(request), instance=MonitoringReturn(course=monitoring.course))
        call = lambda data: services.submit_monitoring(monitoring=monitoring, by=request.user, **data)  # noqa: E731
        button, success = "Send the return", "Your annual monitoring return has been sent."
    elif monitoring.status == MonitoringReturn.Status.SUBMITTED and rules.has_perm(
        "regulation.review_monitoringreturn", request.user, monitoring
    ):
        form = forms.MonitoringOutcomeForm(posted(request))
        call = lambda data: services.record_monitoring_outcome(monitoring=monitoring, by=request.user, **data)  # noqa: E731
        button, success = "Record the outcome", "Outcome recorded."
    done = form is not None and request.method == "POST" and form.is_valid()
    if done and call_or_show_refusal(form, lambda: call(form.cleaned_data)) is not None:
        messages.success(request, success)
        return redirect("courses:course_detail", pk=monitoring.course_id)
    return render(
        request,
        "regulation/courses/monitoring_detail.html",
        {
            "monitoring": monitoring,
            "form": form,
            "button": form and button,
            "page_title": f"Annual monitoring {monitoring.year_label}",
        },
    )
