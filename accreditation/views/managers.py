"""Line managers' pages: their nominees, nominating, the CSV of where each stands."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.exports import streaming_csv_response
from accounts.forms import call_or_show_refusal, posted
from accounts.models import User

from .. import forms, selectors, services
from ._common import _perm

# --- Line managers ------------------------------------------------------------------------------------------------


NOMINEES_PER_PAGE = 50
CSV_BATCH = 500


@_perm("accreditation.view_nominees")
def nominees(request):
    page = Paginator(selectors.nominees(request.user), NOMINEES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_nominee_details(page.object_list)
    return render(
        request,
        "accreditation/nominees.html",
        {"candidates": page, "page_title": "Your accreditation candidates"},
    )


NOMINEE_HEADER = [
    "Name",
    "Registration number",
    "Level",
    "Stage",
    "Status",
    "Paused because",
    "Started",
    "Tests sat",
    "Practice observation",
]


def _nominee_batches(user):
    """Every nominee, read and filled in a batch at a time, so the download's memory does not grow with the list."""
    paginator = Paginator(selectors.nominees(user), CSV_BATCH)
    for number in paginator.page_range:
        yield from selectors.with_nominee_details(paginator.page(number).object_list)


@_perm("accreditation.view_nominees")
def nominees_csv(request):
    rows = (
        [
            c.user.display_name,
            c.registration_number,
            c.get_level_display(),
            c.get_stage_display(),
            c.get_status_display(),
            c.paused,
            timezone.localtime(c.started_at).date().isoformat(),
            c.tests_sat,
            c.observation_status,
        ]
        for c in _nominee_batches(request.user)
    )
    return streaming_csv_response("accreditation-candidates.csv", NOMINEE_HEADER, rows)


@_perm("accreditation.nominate")
def nominate(request):
    staff = selectors.eligible_staff(request.user)
    form = forms.NominateForm(posted(request), staff=staff)
    if request.method == "POST" and form.is_valid():
        person = form.staff[form.cleaned_data["person"]]
        c = call_or_show_refusal(
            form,
            lambda: services.nominate(
                manager=request.user,
                user=User.objects.get(pk=person["user_id"]),
                level=form.cleaned_data["level"],
                organisation=person["organisation"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if c:
            messages.success(request, f"{c.user} is nominated. Map their practice against each domain next.")
            return redirect("accreditation:candidate", pk=c.pk)
    return render(
        request,
        "accreditation/nominate.html",
        {"form": form, "staff": staff, "page_title": "Nominate a social worker for accreditation"},
    )
