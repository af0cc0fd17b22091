"""National early-career figures, the person's journey, and the programmes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.exports import streaming_csv_response

from .. import forms, journey, selectors

# --- National figures and the journey ----------------------------------------------------------------------------

FIGURES_HEADER = [
    "Start year",
    "Region",
    "Employer",
    "Enrolled",
    "Completed",
    "Passed",
    "Failed",
    "Extended",
    "Withdrawn",
    "Completion rate (%)",
]


@login_required
def national(request):
    if not request.user.has_perm("training.view_national_figures"):
        raise PermissionDenied
    form = forms.FiguresFilterForm(request.GET or None)
    year = programme = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        programme = form.cleaned_data.get("programme")
    figures = selectors.national_figures(year=year, programme_id=programme.pk if programme else None)
    if request.GET.get("format") == "csv":
        rows = (
            [
                r["year"],
                r["region"],
                r["employer"],
                *[r[f] for f in selectors.FIGURES],
                r["completion_rate"] if r["completion_rate"] is not None else "",
            ]
            for r in figures["employers"]
        )
        return streaming_csv_response("early-career-national-figures.csv", FIGURES_HEADER, rows)
    return render(
        request,
        "training/national.html",
        {
            "form": form,
            "figures": figures,
            "query": request.GET.urlencode(),
            "page_title": "National early career figures",
        },
    )


@login_required
def journey_page(request):
    return render(
        request,
        "training/journey.html",
        {
            "steps": journey.journey_for(request.user),
            "page_title": "Your journey",
        },
    )


@login_required
def programmes(request):
    return render(
        request,
        "training/programmes.html",
        {
            "programmes": selectors.programmes(),
            "page_title": "Early career programmes",
        },
    )
