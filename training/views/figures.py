"""National early-career figures, the person's journey, and the programmes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
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


EMPLOYERS_PER_PAGE = 50


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
            # The employer table is long (every employer, every year): a page at a time, all of it in the CSV.
            "employers": Paginator(figures["employers"], EMPLOYERS_PER_PAGE).get_page(request.GET.get("page")),
            "filter_query": urlencode([(k, v) for k, v in request.GET.items() if k != "page"]),
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
