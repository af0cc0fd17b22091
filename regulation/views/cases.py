"""Fitness to practise: cases and orders."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.forms import call_or_show_refusal, posted

from .. import forms, selectors, services
from ..models import FitnessToPractiseCase, Order
from ._common import PAGE_SIZE, _perm, _staff_form_page


@_perm("regulation.add_fitnesstopractisecase")
def case_add(request, pk):
    entry = get_object_or_404(selectors.RegisterEntry, pk=pk)
    form = forms.CaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        case = call_or_show_refusal(form, lambda: services.open_case(entry=entry, by=request.user, **form.cleaned_data))
        if case:
            messages.success(request, f"{case} opened.")
            return redirect("regulation:case_detail", pk=case.pk)
    return render(
        request, "regulation/staff_form.html", {"entry": entry, "form": form, "page_title": "Record a concern"}
    )


@_perm("regulation.manage_ftp")
def cases(request):
    today = timezone.localdate()
    page = Paginator(selectors.open_cases(), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.age = case.age_in_days(today)
    return render(request, "regulation/cases.html", {"page": page, "page_title": "Open fitness to practise cases"})


@_perm("regulation.manage_ftp")
def case_detail(request, pk):
    case = get_object_or_404(FitnessToPractiseCase, pk=pk)
    case = selectors.case_detail(case.pk)
    forms_by_name = {
        "stage": forms.StageForm(prefix="stage"),
        "interim": forms.InterimOrderForm(prefix="interim"),
        "outcome": forms.OutcomeForm(prefix="outcome"),
    }
    form = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action in forms_by_name:
        form_class = type(forms_by_name[action])
        form = form_class(request.POST, prefix=action)
        forms_by_name[action] = form
        if form.is_valid():
            data = form.cleaned_data
            calls = {
                "stage": lambda: services.move_case_stage(case=case, by=request.user, **data),
                "interim": lambda: services.make_interim_order(case=case, by=request.user, **data),
                "outcome": lambda: services.record_outcome(case=case, by=request.user, **data),
            }
            if call_or_show_refusal(form, calls[action]) is not None:
                messages.success(request, "Recorded.")
                return redirect("regulation:case_detail", pk=case.pk)
    return render(
        request,
        "regulation/case_detail.html",
        {
            "case": case,
            "form": form,
            "stage_form": forms_by_name["stage"],
            "interim_form": forms_by_name["interim"],
            "outcome_form": forms_by_name["outcome"],
            "age": case.age_in_days(),
            "page_title": f"{case}: {case.entry.full_name}",
        },
    )


@_perm("regulation.change_order")
def order_revoke(request, pk):
    order = get_object_or_404(Order, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=order.entry_id,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.revoke_order(order=order, by=request.user, **data),
        success="Order revoked.",
        title=f"Revoke {order.get_kind_display().lower()}",
        extra={"subject": str(order)},
    )
