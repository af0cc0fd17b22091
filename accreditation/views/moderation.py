"""Regulator staff's observation pages: moderation, assessor calibration (with CSV), sessions, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.exports import streaming_csv_response
from accounts.forms import call_or_show_refusal
from accounts.models import Organisation, Role, User
from accounts.services import ServiceError

from .. import forms_observation as forms
from .. import services
from ..models import Observation
from ..selectors import observation as obs_selectors
from ..services.observation import eligible_second_assessors
from ._common import _perm


@_perm("accreditation.moderate")
def queue(request):
    return render(
        request,
        "accreditation/observation/moderation_queue.html",
        {**obs_selectors.moderation_queue(), "page_title": "Moderation"},
    )


@_perm("accreditation.moderate")
def case(request, pk):
    try:
        observation = obs_selectors.moderation_case(pk)
    except Observation.DoesNotExist as exc:
        raise Http404 from exc
    sheets = {s.marker: s for s in observation.scoresheets.all()}
    waiting_for_second = observation.status == Observation.Status.SECOND_MARKING and "second" not in sheets
    if request.method == "POST" and request.POST.get("action") == "assign":
        return _assign(request, observation) if waiting_for_second else redirect("accreditation:moderation_case", pk)
    form = forms.ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(
            form,
            lambda: services.resolve_moderation(
                observation=observation,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(request, f"Moderation recorded: {done.get_outcome_display().lower()}.")
            return redirect("accreditation:moderation")
    return render(
        request,
        "accreditation/observation/moderation_case.html",
        {
            "o": observation,
            "form": form,
            "first": sheets.get("first"),
            "second": sheets.get("second"),
            "rows": obs_selectors.moderation_rows(observation),
            "labels": dict(obs_selectors.scale()),
            "second_choices": eligible_second_assessors(observation) if waiting_for_second else [],
            "page_title": f"Moderate {observation.candidate.user.display_name}",
        },
    )


def _assign(request, observation):
    """Regulator staff give an observation to a second assessor when none was free of conflict at submission."""
    chosen = next(
        (a for a in eligible_second_assessors(observation) if str(a.pk) == request.POST.get("assessor")), None
    )
    if chosen is None:
        messages.error(request, "Choose an assessor free of any conflict of interest.")
    else:
        try:
            services.assign_second_assessor(observation=observation, assessor=chosen, by=request.user)
            messages.success(request, f"{chosen} will score this observation blind.")
        except ServiceError as exc:
            messages.error(request, str(exc))
    return redirect("accreditation:moderation_case", pk=observation.pk)


@_perm("accreditation.view_calibration")
def calibration(request):
    return render(
        request,
        "accreditation/observation/calibration.html",
        {"assessors": obs_selectors.calibration(), "own": False, "page_title": "Assessor calibration"},
    )


CALIBRATION_HEADER = ["Assessor", "Breakdown", "Domain or quarter", "Pairs", "Exact %", "Within one point %"]


@_perm("accreditation.view_calibration")
def calibration_csv(request):
    def rows():
        for a in obs_selectors.calibration():
            yield [a["name"], "All", "", a["all"]["pairs"], a["all"]["exact_percent"], a["all"]["within_one_percent"]]
            for d in a["domains"]:
                yield [a["name"], "Domain", d["key"], d["pairs"], d["exact_percent"], d["within_one_percent"]]
            for q in a["quarters"]:
                yield [a["name"], "Quarter", q["quarter"], q["pairs"], q["exact_percent"], q["within_one_percent"]]

    return streaming_csv_response("assessor-calibration.csv", CALIBRATION_HEADER, rows())


@_perm("accreditation.manage_sessions")
def sessions(request):
    venues = Organisation.objects.filter(
        is_active=True,
        kind__in=[
            Organisation.Kind.ASSESSMENT_CENTRE,
            Organisation.Kind.LOCAL_AUTHORITY,
            Organisation.Kind.OTHER_EMPLOYER,
        ],
    ).order_by("kind", "name")
    assessors = User.objects.filter(
        is_active=True, memberships__role=Role.ASSESSOR, memberships__ended_on__isnull=True
    ).distinct()
    form = forms.SessionForm(request.POST if request.method == "POST" else None, venues=venues, assessors=assessors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = call_or_show_refusal(
            form,
            lambda: services.create_session(
                kind=data["kind"],
                venue=venues.get(pk=data["venue"]),
                address=data["address"],
                date=data["date"],
                slot=data["slot"],
                capacity=data["capacity"],
                assessor=assessors.get(pk=data["assessor"]),
                by=request.user,
            ),
        )
        if session:
            messages.success(request, f"Session added: {session}.")
            return redirect("accreditation:sessions")
    upcoming = Paginator(obs_selectors.upcoming_sessions(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accreditation/observation/sessions.html",
        {"sessions": upcoming, "form": form, "page_title": "Assessment sessions"},
    )


@_perm("accreditation.view_statistics")
def statistics(request):
    return render(
        request,
        "accreditation/observation/statistics.html",
        {**obs_selectors.observation_statistics(), "page_title": "Practice observation: results and assessors"},
    )
