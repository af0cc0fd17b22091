"""Regulator staff's register pages: applications, the register, annotations, conditions and removal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.forms import call_or_show_refusal, posted

from .. import forms, selectors, services
from ..models import Annotation, Application, Condition
from ._common import PAGE_SIZE, _perm, _staff_form_page, more_than_shown, searched_for


@_perm("regulation.review_applications")
def applications(request):
    page = Paginator(selectors.applications_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "regulation/applications.html", {"page": page, "page_title": "Applications to register"})


@_perm("regulation.review_applications")
def application_review(request, pk):
    application = get_object_or_404(Application.objects.select_related("employer", "applicant", "entry"), pk=pk)
    form = forms.DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        actions = {
            "approve": lambda: services.approve_application(application=application, by=request.user, reason=reason),
            "refuse": lambda: services.refuse_application(application=application, by=request.user, reason=reason),
            "more_information": lambda: services.request_more_information(
                application=application, by=request.user, request=reason
            ),
        }
        result = call_or_show_refusal(form, actions[decision])
        if result:
            if decision == "approve":
                messages.success(request, f"{result.full_name} is registered as {result.registration_number}.")
                return redirect("regulation:entry_detail", pk=result.pk)
            messages.success(request, "Decision recorded.")
            return redirect("regulation:applications")
    return render(
        request,
        "regulation/application_review.html",
        {
            "application": application,
            "form": form,
            "page_title": f"Application from {application.first_name} {application.last_name}",
        },
    )


@_perm("regulation.search_register")
def entries(request):
    form = forms.StaffSearchForm(request.GET or None)
    page, query, searched, capped = None, "", "", ""
    if form.is_valid():
        searched = searched_for(form.cleaned_data["q"])
        results = selectors.staff_search(query=form.cleaned_data["q"], status=form.cleaned_data["status"])
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        capped = more_than_shown(results, searched, staff=True)
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    return render(
        request,
        "regulation/entries.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searched": searched,
            "more_than_shown": capped,
            "page_title": "Search the register",
        },
    )


@_perm("regulation.search_register")
def entry_detail(request, pk):
    try:
        entry = selectors.entry_for_staff(pk)
    except selectors.RegisterEntry.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    history = Paginator(selectors.entry_history(entry), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "regulation/entry_detail.html",
        {
            "entry": entry,
            "today": today,
            "history": history,
            "position": services.renewal_position(entry),
            "hours": selectors.direct_work_total(entry),
            "page_title": f"{entry.registration_number} {entry.full_name}",
        },
    )


@_perm("regulation.add_annotation")
def annotation_add(request, pk):
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.AnnotationForm(posted(request)),
        call=lambda entry, data: services.add_annotation(entry=entry, by=request.user, **data),
        success="Annotation added.",
        title="Add an annotation",
    )


@_perm("regulation.change_annotation")
def annotation_end(request, pk):
    annotation = get_object_or_404(Annotation, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=annotation.entry_id,
        form=forms.EndAnnotationForm(posted(request)),
        call=lambda entry, data: services.end_annotation(annotation=annotation, by=request.user, **data),
        success="Annotation ended.",
        title=f"End annotation: {annotation}",
    )


@_perm("regulation.add_condition")
def condition_add(request, pk):
    entry = get_object_or_404(selectors.RegisterEntry, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.ConditionForm(posted(request), entry=entry),
        call=lambda entry, data: services.add_condition(entry=entry, by=request.user, **data),
        success="Condition of practice added.",
        title="Add a condition of practice",
    )


@_perm("regulation.change_condition")
def condition_revoke(request, pk):
    condition = get_object_or_404(Condition, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=condition.entry_id,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.revoke_condition(condition=condition, by=request.user, **data),
        success="Condition removed.",
        title="Remove a condition of practice",
        extra={"subject": condition.text},
    )


@_perm("regulation.change_registerentry")
def voluntary_removal(request, pk):
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.remove_voluntarily(entry=entry, by=request.user, **data),
        success="The entry is now voluntarily removed.",
        title="Remove from the register at the person's request",
    )
