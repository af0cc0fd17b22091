"""Funding claims: the employer's list, one claim, and its CSV and PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.jobs import start_job
from accounts.models import Organisation

from .. import forms, funding, selectors
from ..models import FundingClaim
from ..rules import coordinator_org_ids

# --- Funding ----------------------------------------------------------------------------------------------------


@login_required
def claims(request):
    user = request.user
    if not (user.has_perm("training.add_fundingclaim") or "regulator_staff" in user.roles):
        raise PermissionDenied
    form = None
    if user.has_perm("training.add_fundingclaim"):
        employers = Organisation.objects.filter(pk__in=coordinator_org_ids(user))
        start, end = funding.financial_year(timezone.localdate())
        form = forms.ClaimForm(posted(request), employers=employers, initial={"period_start": start, "period_end": end})
        if request.method == "POST" and form.is_valid():
            if request.POST.get("confirmed") != "yes":
                return _check_claim(request, form)
            claim = call_or_show_refusal(
                form,
                lambda: funding.create_claim(by=user, expected_total=request.POST.get("total"), **form.cleaned_data),
            )
            if claim:
                return redirect(reverse("training:claim", args=[claim.pk]) + "?made=1")
    return render(
        request,
        "training/claims.html",
        {
            "form": form,
            "claims": selectors.funding_claims(user)[:50],
            "grant": funding.grant(),
            "page_title": "Early career funding claims",
        },
    )


def _check_claim(request, form):
    """Check your answers: every milestone the claim will pay, and the total, before anything is claimed."""
    data = form.cleaned_data
    lines = funding.claimable(data["employer"], data["period_start"], data["period_end"])
    if not lines:
        form.add_error(None, "There are no milestones reached in that period that have not already been claimed.")
        return render(request, "training/claims.html", {"form": form, "claims": [], "grant": funding.grant()})
    return render(
        request,
        "training/claim_check.html",
        {
            "form": form,
            "posted": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirmed")],
            "lines": lines,
            "total": sum(line["amount"] for line in lines),
            "page_title": "Check the claim before you make it",
        },
    )


def _claim_or_404(request, pk) -> FundingClaim:
    claim = get_object_or_404(FundingClaim, pk=pk)
    if not request.user.has_perm("training.view_fundingclaim", claim):
        raise Http404
    return selectors.claim_detail(pk)


@login_required
def claim(request, pk):
    claim = _claim_or_404(request, pk)
    return render(
        request,
        "training/claim.html",
        {
            "claim": claim,
            "lines": funding.claim_lines(claim),
            "made": request.GET.get("made") == "1" and claim.created_by_id == request.user.pk,
            "page_title": f"Funding claim {claim.pk}",
        },
    )


@login_required
def claim_csv(request, pk):
    claim = _claim_or_404(request, pk)
    response = HttpResponse(funding.claim_csv(claim), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="funding-claim-{claim.pk}.csv"'
    return response


@login_required
@require_POST
def claim_pdf(request, pk):
    claim = _claim_or_404(request, pk)
    job = start_job(
        kind="training_funding_claim_pdf",
        title=f"Funding claim {claim.pk} (PDF)",
        by=request.user,
        params={"claim_id": claim.pk},
    )
    return redirect("job_detail", job.pk)
