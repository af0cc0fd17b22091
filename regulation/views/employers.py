"""Employers' pages: their registered staff and employment confirmations."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.services import ServiceError

from .. import forms, selectors, services, years
from ..models import Employment
from ._common import _perm


@_perm("regulation.view_employed_staff")
def employer_staff(request):
    page = Paginator(selectors.employed_staff(request.user), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_hours_this_year(page.object_list)
    return render(
        request,
        "regulation/employer_staff.html",
        {"page": page, "hours_expected": years.direct_work_hours_expected(), "page_title": "Your registered staff"},
    )


def _employment(request, pk):
    return get_object_or_404(Employment.objects.select_related("entry", "employer"), pk=pk)


@require_POST
@_perm("regulation.confirm_employment", fn=_employment)
def employment_confirm(request, pk):
    try:
        services.confirm_employment(employment=_employment(request, pk), by=request.user)
        messages.success(request, "Employment confirmed.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("regulation:employer_staff")


@_perm("regulation.change_employment", fn=_employment)
def employment_end(request, pk):
    job = _employment(request, pk)
    # An end date already given can be corrected (the old one stays in the history).
    service = services.correct_employment_end if job.ended_on else services.end_employment
    form = forms.EndEmploymentForm(posted(request), initial={"ended_on": job.ended_on} if job.ended_on else None)
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(form, lambda: service(employment=job, by=request.user, **form.cleaned_data))
        if done:
            messages.success(request, f"{job} has ended.")
            mine = job.entry.user_id == request.user.pk
            return redirect("regulation:employment" if mine else "regulation:employer_staff")
    return render(
        request, "regulation/employment_end.html", {"employment": job, "form": form, "page_title": "End employment"}
    )
