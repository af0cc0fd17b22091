"""Assessors' pages: their sessions and candidates, the day's checks, scoring in the browser, their calibration."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal
from accounts.services import ServiceError

from .. import forms_observation as forms
from .. import services
from ..selectors import observation as obs_selectors
from ._common import _perm, _require


@_perm("accreditation.view_assessor_work")
def home(request):
    work = obs_selectors.assessor_work(
        request.user, to_score_page=request.GET.get("to_score_page", 1), submitted_page=request.GET.get("page", 1)
    )
    return render(
        request,
        "accreditation/observation/assessor_home.html",
        {
            **work,
            # Each list's pager keeps the other list on the page it is on.
            "to_score_query": urlencode({"page": work["submitted"].number}),
            "submitted_query": urlencode({"to_score_page": work["to_score"].number}),
            "page_title": "Your assessments",
        },
    )


@_perm("accreditation.check_in")
def check_in(request, pk):
    booking = obs_selectors.booking_for_assessor(request.user, pk)
    form = forms.CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        observation = call_or_show_refusal(
            form,
            lambda: services.check_in(
                booking=booking,
                by=request.user,
                photo_id=data["photo_id"],
                registration_number=data["registration_number"],
                recording_consent=data["recording_consent"],
                footage_for_training=data["footage_for_training"],
            ),
        )
        if observation:
            messages.success(request, f"{booking.candidate.user.display_name} is checked in. Score as you observe.")
            sheet = observation.scoresheets.get(assessor=request.user)
            return redirect("accreditation:scoresheet", pk=sheet.pk)
    return render(
        request,
        "accreditation/observation/check_in.html",
        {"booking": booking, "form": form, "page_title": "Check the candidate in"},
    )


def _posted_scores(request, sheet) -> dict:
    return {
        row.domain_key: {
            "score": request.POST.get(f"score-{row.domain_key}", ""),
            "evidence": request.POST.get(f"evidence-{row.domain_key}", ""),
        }
        for row in sheet.scores.all()
    }


def _save(request, sheet):
    return services.save_draft(
        scoresheet=sheet,
        by=request.user,
        scores=_posted_scores(request, sheet),
        reflection_mark=request.POST.get("reflection_mark", ""),
        recommendation=request.POST.get("recommendation", ""),
        summary=request.POST.get("summary", ""),
    )


@_perm("accreditation.view_assessor_work")
def scoresheet(request, pk):
    sheet = obs_selectors.scoresheet_for(request.user, pk)
    _require(request, "accreditation.score", sheet)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "draft")
        try:
            if sheet.is_submitted:
                if action == "submit":  # the same submission again: the one result stands
                    return redirect("accreditation:scoresheet", pk=sheet.pk)
                raise ServiceError("These scores are submitted and can no longer be changed.")
            _save(request, sheet)
            if action == "submit":
                services.submit_scores(scoresheet=sheet, by=request.user)
                messages.success(request, "Scores submitted. They are now locked.")
            else:
                messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
            return redirect("accreditation:scoresheet", pk=sheet.pk)
        except ServiceError as exc:
            error, status = str(exc), 400
        sheet = obs_selectors.scoresheet_for(request.user, pk)
    return render(
        request,
        "accreditation/observation/scoresheet.html",
        {
            "sheet": sheet,
            "c": sheet.observation.candidate,
            "rows": obs_selectors.scoresheet_rows(sheet),
            "scale": obs_selectors.scale(),
            "error": error,
            "percent": obs_selectors.sheet_percent(sheet),
            "page_title": f"Score {sheet.observation.candidate.user.display_name}",
        },
        status=status,
    )


@require_POST
@_perm("accreditation.view_assessor_work")
def autosave(request, pk):
    """The scoresheet's script posts the form here as the assessor types; the page's own "Save draft" button
    does the same without JavaScript."""
    sheet = obs_selectors.scoresheet_for(request.user, pk)
    _require(request, "accreditation.score", sheet)
    try:
        sheet = _save(request, sheet)
    except ServiceError as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=400)
    return JsonResponse({"saved": True, "saved_at": timezone.localtime(sheet.updated_at).strftime("%H:%M:%S")})


@_perm("accreditation.view_own_calibration")
def my_calibration(request):
    rows = obs_selectors.calibration(assessor_id=request.user.pk)
    return render(
        request,
        "accreditation/observation/calibration.html",
        {
            "assessors": rows,
            "own": True,
            "page_title": "Your calibration",
        },
    )
