"""Regulator staff's pages: the queue, review, requests, inspection, decisions, monitoring and figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.exports import streaming_csv_response
from accounts.forms import posted

from .. import exports, forms, selectors, services
from ..models import (
    Standard,
)
from ._common import _application, _course, _form_page, _perm
from .provider import _condition


@_perm("regulation.review_courses")
def queue(request):
    today = timezone.localdate()
    applications = list(selectors.application_queue())
    for application in applications:
        application.age = application.days_waiting(today)
    returns = list(selectors.monitoring_queue())
    for monitoring in returns:
        monitoring.age = (today - monitoring.submitted_at.date()).days
    return render(
        request,
        "regulation/courses/queue.html",
        {
            "applications": applications,
            "returns": returns,
            "conditions": selectors.conditions_queue(),
            "flagged": selectors.flagged_courses(),
            "overdue": selectors.overdue_monitoring(),
            "today": today,
            "page_title": "Course approval: work waiting",
        },
    )


def _regulator_application_page(
    request, pk, *, form_class, call, title, success, button="Save", initial=None, check=""
):
    application = _application(request, pk, "regulation.decide_courseapplication")
    if check and application.status == application.Status.DECIDED:
        # The decision is made: its page shows it, and the form is not offered again.
        messages.info(request, "A decision has already been recorded on this application.")
        return redirect("courses:application_detail", pk=application.pk)
    form = form_class(posted(request), initial=initial)
    return _form_page(
        request,
        form=form,
        call=lambda data: call(application, data),
        success=success,
        redirect_to=reverse("courses:application_detail", args=[application.pk]),
        title=title,
        caption=f"{application.course.title}, {application.course.provider.name}",
        button=button,
        back_url=reverse("courses:application_detail", args=[application.pk]),
        check=check,
    )


@login_required
def application_assign(request, pk):
    return _regulator_application_page(
        request,
        pk,
        form_class=forms.AssignForm,
        call=lambda application, data: services.assign(application=application, by=request.user, **data),
        title="Assign a reviewer and inspectors",
        success="Reviewer and inspectors assigned.",
        initial={"reviewer": request.user.pk},
    )


@login_required
def standard_review(request, pk, standard):
    if standard not in Standard.values:
        raise Http404
    return _regulator_application_page(
        request,
        pk,
        form_class=forms.ReviewForm,
        call=lambda application, data: services.review_standard(
            application=application, by=request.user, standard=standard, **data
        ),
        title=f"Review: {Standard(standard).label}",
        success=f"Review of “{Standard(standard).label}” saved.",
    )


@login_required
def request_information(request, pk):
    return _regulator_application_page(
        request,
        pk,
        form_class=forms.InformationRequestForm,
        call=lambda application, data: services.request_information(application=application, by=request.user, **data),
        title="Ask the provider for more information",
        success="Request sent. The clock is paused until the provider answers.",
        button="Send the request",
    )


@login_required
def inspection_record(request, pk):
    application = _application(request, pk, "regulation.decide_courseapplication")
    form = forms.InspectionForm(posted(request), request.FILES or None)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.record_inspection(application=application, by=request.user, **data),
        success="Inspection recorded.",
        redirect_to=reverse("courses:application_detail", args=[application.pk]),
        title="Record an inspection",
        caption=f"{application.course.title}, {application.course.provider.name}",
        back_url=reverse("courses:application_detail", args=[application.pk]),
        multipart=True,
    )


@login_required
def inspection_exemption(request, pk):
    application = _application(request, pk, "regulation.decide_courseapplication")
    return _form_page(
        request,
        form=forms.InspectionExemptionForm(posted(request)),
        call=lambda data: services.exempt_from_inspection(application=application, by=request.user, **data),
        success="Exemption from inspection recorded. Another member of staff can now record the decision.",
        redirect_to=reverse("courses:application_detail", args=[application.pk]),
        title="Record an exemption from inspection",
        caption=f"{application.course.title}, {application.course.provider.name}",
        back_url=reverse("courses:application_detail", args=[application.pk]),
    )


@login_required
def decision(request, pk):
    def decide(application, data):
        return services.decide(
            application=application,
            by=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            conditions=data["conditions"],
        )

    return _regulator_application_page(
        request,
        pk,
        form_class=forms.DecisionForm,
        call=decide,
        title="Record the decision",
        success="Decision recorded.",
        button="Continue",
        check="Record the decision",
    )


@login_required
def condition_decide(request, pk):
    condition = _condition(request, pk, "regulation.decide_coursecondition")
    intro = condition.text + (f"\n\nProvider's evidence: {condition.response}" if condition.response else "")
    if condition.evidence_name:
        intro += f"\n\nWith the document {condition.evidence_name}: download it from the course's page."
    return _form_page(
        request,
        form=forms.ConditionDecisionForm(posted(request)),
        call=lambda data: services.decide_condition(condition=condition, by=request.user, **data),
        success="Decision on the condition recorded.",
        redirect_to=reverse("courses:course_detail", args=[condition.course_id]),
        title="Decide whether a condition is met",
        caption=condition.course.title,
        intro=intro,
        button="Continue",
        back_url=reverse("courses:course_detail", args=[condition.course_id]),
        check="Record the decision",
    )


@login_required
def monitoring_open(request, pk):
    course = _course(request, pk, "regulation.end_course_approval")
    return _form_page(
        request,
        form=forms.OpenMonitoringForm(posted(request)),
        call=lambda data: services.open_monitoring_return(course=course, by=request.user, **data),
        success="The provider has been asked for the annual monitoring return.",
        redirect_to=reverse("courses:course_detail", args=[course.pk]),
        title="Ask for the annual monitoring return",
        caption=course.title,
        button="Ask for the return",
        back_url=reverse("courses:course_detail", args=[course.pk]),
    )


@login_required
def end_approval(request, pk):
    course = _course(request, pk, "regulation.end_course_approval")

    def end(data):
        action = services.close_course if data["action"] == "close" else services.withdraw_approval
        return action(course=course, by=request.user, reason=data["reason"], effective_on=data["effective_on"])

    return _form_page(
        request,
        form=forms.EndApprovalForm(posted(request)),
        call=end,
        success="Recorded. The course stays on the public list as formerly approved.",
        redirect_to=reverse("courses:course_detail", args=[course.pk]),
        title="Withdraw approval or record the course as closed",
        caption=course.title,
        intro="The course will stay on the public list as formerly approved, with its dates, for ever.",
        button="Continue",
        back_url=reverse("courses:course_detail", args=[course.pk]),
        check="Record",
    )


@_perm("regulation.review_courses")
def unmatched_courses(request):
    """Register applications whose course was "not listed", oldest first, for staff to match to a course."""
    return render(
        request,
        "regulation/courses/unmatched.html",
        {
            "applications": selectors.unmatched_register_applications(),
            "page_title": "Register applications to match to a course",
        },
    )


@_perm("regulation.review_courses")
def match_course(request, pk):
    application = selectors.unmatched_register_application(pk)
    if application is None:
        raise Http404
    form = forms.MatchCourseForm(posted(request), courses=selectors.listed_courses())
    intro = (
        f"{application.first_name} {application.last_name} named their course as: {application.qualification}"
        f"\nQualified on {application.qualified_on:%-d %B %Y}."
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.match_register_course(application=application, by=request.user, **data),
        success=f"Course matched for {application.first_name} {application.last_name}.",
        redirect_to=reverse("courses:unmatched"),
        title="Match the application to a course",
        caption=f"Application from {application.first_name} {application.last_name}",
        intro=intro,
        button="Match the course",
        back_url=reverse("courses:unmatched"),
    )


@login_required
def course_history(request, pk):
    course = _course(request, pk)
    return render(
        request,
        "regulation/courses/course_history.html",
        {
            "course": course,
            "events": selectors.course_history(course),
            "status_history": selectors.status_history(course),
            "page_title": f"History of {course.title}",
        },
    )


@_perm("regulation.view_course_figures")
def figures(request):
    data = selectors.figures()
    return render(
        request,
        "regulation/courses/figures.html",
        {"figures": data, "charts": exports.figures_charts(data), "page_title": "Course figures"},
    )


@_perm("regulation.view_course_figures")
def figures_csv(request):
    data = selectors.figures()
    return streaming_csv_response("course-figures.csv", exports.figures_header(data), exports.figures_rows(data))


@_perm("regulation.view_course_figures")
def figures_xlsx(request):
    response = HttpResponse(
        exports.figures_xlsx(selectors.figures()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="course-figures.xlsx"'
    return response


@_perm("regulation.view_course_figures")
def figures_pdf(request):
    response = HttpResponse(exports.figures_pdf(selectors.figures()), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="course-figures.pdf"'
    return response
