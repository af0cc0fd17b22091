"""The decision and certificate: regulator staff confirm and revoke; the holder (and staff) download the certificate
and the signed credential."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.pagination import IdsFirstPaginator
from accounts.services import ServiceError

from .. import forms
from ..models import Accreditation, Candidate, Level
from ..selectors import certification as selectors
from ..selectors import with_standing
from ..services import certificates, decision, reissue
from ._common import _candidate, _perm, _require

DECISIONS_PER_PAGE = 50


@_perm("accreditation.confirm_decision")
def decisions(request):
    # One page at a time: the whole backlog (hundreds at national scale) cost its rows' standing and rendering.
    page = IdsFirstPaginator(selectors.decisions_queue(), DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accreditation/certification/decisions.html",
        {"page": page, "candidates": with_standing(list(page.object_list)), "page_title": "Decisions to confirm"},
    )


@_perm("accreditation.confirm_decision")
def confirm(request, pk):
    c = _candidate(pk)
    if c.stage == Candidate.Stage.ACCREDITED and hasattr(c, "accreditation"):
        messages.info(request, "This accreditation has already been confirmed.")
        return redirect("accreditation:accreditation", pk=c.accreditation.pk)
    ready, why = decision.ready_for_decision(c)
    form = forms.ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(
            form,
            lambda: decision.confirm_accreditation(candidate=c, by=request.user, reason=form.cleaned_data["reason"]),
        )
        if done:
            messages.success(request, f"{done.name} is accredited as {done.get_level_display()}.")
            return redirect("job_detail", pk=done.certificate_job.pk)
    return render(
        request,
        "accreditation/certification/confirm.html",
        {
            "c": c,
            "ready": ready,
            "why": why,
            "form": form,
            "attempts": [a for a in c.attempts.all() if a.passed],
            "observations": selectors.observations_for_decision(c),
            "page_title": f"Confirm accreditation: {c.user.display_name}",
        },
    )


def _accreditation(request, pk, perm="accreditation.view_accreditation") -> Accreditation:
    try:
        a = selectors.accreditation_detail(pk)
    except Accreditation.DoesNotExist as exc:
        raise Http404 from exc
    _require(request, perm, a)
    return a


@login_required
def accreditation(request, pk):
    a = _accreditation(request, pk)
    return render(
        request,
        "accreditation/certification/accreditation.html",
        {
            "a": a,
            "is_holder": a.candidate.user_id == request.user.pk,
            "can_revoke": request.user.has_perm("accreditation.revoke_accreditation", a) and not a.is_revoked,
            "can_remake": request.user.has_perm("accreditation.make_certificates", a) and not a.is_revoked,
            "issuer_name": settings.CREDENTIAL_ISSUER_NAME,
            "page_title": f"{a.name}: {a.get_level_display()}",
        },
    )


def _revoked_page(request, a, what):
    return render(
        request,
        "accreditation/certification/revoked.html",
        {"a": a, "what": what, "page_title": "This accreditation has been revoked"},
        status=410,
    )


@login_required
def certificate_pdf(request, pk):
    a = _accreditation(request, pk)
    if a.is_revoked:
        return _revoked_page(request, a, "certificate")
    if not a.certificate:
        raise Http404("The certificate is still being made. Try again in a minute.")
    return FileResponse(
        a.certificate.open("rb"),
        as_attachment=True,
        filename=certificates.certificate_filename(a),
        content_type="application/pdf",
    )


@login_required
def credential_json(request, pk):
    a = _accreditation(request, pk)
    if a.is_revoked:
        return _revoked_page(request, a, "credential")
    response = HttpResponse(json.dumps(a.credential, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="credential-{a.registration_number}-{a.level}.json"'
    return response


@_perm("accreditation.revoke_accreditation")
def revoke(request, pk):
    a = _accreditation(request, pk, "accreditation.revoke_accreditation")
    form = forms.RevokeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(
            form,
            lambda: decision.revoke_accreditation(accreditation=a, by=request.user, reason=form.cleaned_data["reason"]),
        )
        if done:
            messages.success(request, f"The accreditation of {a.name} is revoked and its register annotation ended.")
            return redirect("accreditation:accreditation", pk=a.pk)
    return render(
        request,
        "accreditation/certification/revoke.html",
        {"a": a, "form": form, "page_title": f"Revoke the accreditation of {a.name}"},
    )


@require_POST
@_perm("accreditation.make_certificates")
def remake(request, pk):
    a = _accreditation(request, pk, "accreditation.make_certificates")
    if a.is_revoked:
        messages.error(request, "A revoked accreditation's certificate cannot be made again.")
        return redirect("accreditation:accreditation", pk=a.pk)
    job = decision.start_certificate_job(accreditation=a, by=request.user)
    return redirect("job_detail", pk=job.pk)


@_perm("accreditation.make_certificates")
def reissue_credentials(request):
    form = forms.ReissueForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = reissue.start_reissue(by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    count = reissue.to_reissue_count()
    return render(
        request,
        "accreditation/form_page.html",
        {
            "form": form,
            "page_title": "Re-issue signed credentials",
            "intro": f"{count} signed credential{'s' if count != 1 else ''} carry no published status (they were "
            "issued before the status lists) or were signed with a key since reported compromised. Re-issuing signs "
            "each again with the current key and its status entries, and makes its certificate again to carry it, "
            "in one background job with a progress bar. Verification codes do not change.",
            "blocked": "" if count else "Every credential carries its status and a sound key: nothing to re-issue.",
            "button": "Re-issue the credentials",
        },
    )


@_perm("accreditation.make_certificates")
def accreditations(request):
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in Accreditation.Status.values else ""
    page = Paginator(selectors.accreditations(search=search, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accreditation/certification/accreditations.html",
        {
            "page": page,
            "search": search,
            "status": status,
            "statuses": Accreditation.Status.choices,
            "to_reissue": reissue.needing_reissue().count(),
            "page_title": "Accreditations and certificates",
        },
    )


@_perm("accreditation.make_certificates")
def batch(request):
    form = forms.BatchForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = certificates.start_batch(
                by=request.user,
                level=data["level"],
                awarded_from=data["awarded_from"],
                awarded_to=data["awarded_to"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return render(
        request,
        "accreditation/form_page.html",
        {
            "form": form,
            "page_title": "Make certificates for a cohort",
            "intro": "Every valid accreditation that matches is made again as a PDF in one background job, with a "
            "progress bar. Each certificate keeps its content and verification code; the job gives you one ZIP "
            "file of them, for printing.",
            "button": "Make the certificates",
            "levels": Level.choices,
        },
    )
