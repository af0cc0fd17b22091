"""Thin pages: check the rule, parse the form, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.exports import streaming_csv_response
from accounts.jobs import start_job
from accounts.models import Organisation
from accounts.services import ServiceError

from . import evidence_files, forms, funding, journey, schedule, selectors, services
from .models import Enrolment, Evidence, FundingClaim, due_date
from .rules import coordinator_org_ids


def _attempt(form, call):
    try:
        return call()
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return None


def _enrolment_or_404(request, pk: int, perm: str = "training.view_enrolment") -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("programme", "employer"), pk=pk)
    if not request.user.has_perm("training.view_enrolment", enrolment):
        raise Http404  # a record you may not see is not confirmed to exist
    if not request.user.has_perm(perm, enrolment):
        raise PermissionDenied
    return enrolment


# --- Cohort ---------------------------------------------------------------------------------------------------

COHORT_HEADER = [
    "Participant",
    "Registration number",
    "Programme",
    "Employer",
    "Cohort",
    "Team",
    "FTE",
    "Start date",
    "End date",
    "Status",
    "Next review",
    "Next review due",
    "Supervision",
    "Next supervision due",
    "Overdue",
    "Months above caseload",
    "Protected time expected (hours)",
    "Protected time recorded (hours)",
    "Protected time shortfall (hours)",
]


def _cohort_csv_rows(rows):
    for r in rows:
        e = r.enrolment
        yield [
            e.participant_name,
            e.registration_number,
            e.programme.short_name,
            e.employer.name,
            e.cohort,
            e.team,
            str(e.fte),
            e.start_date.isoformat(),
            e.end_date.isoformat(),
            "Paused" if r.paused else e.get_status_display(),
            r.next_point.label if r.next_point else "",
            r.next_point.due_on.isoformat() if r.next_point else "",
            r.supervision.state,
            r.supervision.next_due.isoformat() if e.status == "active" else "",
            "; ".join(r.overdue),
            r.caseload_above,
            str(r.protected.expected),
            str(r.protected.recorded),
            str(r.protected.shortfall) if r.protected.behind else "0",
        ]


@login_required
def cohort(request):
    if not request.user.has_perm("training.view_cohort"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in Enrolment.Status.values:
        status = ""
    rows = selectors.cohort_rows(selectors.cohort(request.user, status=status))
    if request.GET.get("format") == "csv":
        return streaming_csv_response("early-career-cohort.csv", COHORT_HEADER, _cohort_csv_rows(rows))
    summary = {
        "total": len(rows),
        "open": sum(1 for r in rows if r.enrolment.is_open),
        "overdue": sum(1 for r in rows if r.overdue),
        "paused": sum(1 for r in rows if r.paused),
        "protected_behind": sum(1 for r in rows if r.protected.behind),
        "moderation": sum(1 for r in rows if r.enrolment.status in ("awaiting_moderation", "awaiting_external")),
        "passed": sum(1 for r in rows if r.enrolment.status == "passed"),
        "failed": sum(1 for r in rows if r.enrolment.status == "failed"),
    }
    return render(
        request,
        "training/cohort.html",
        {
            "rows": rows,
            "summary": summary,
            "status": status,
            "statuses": Enrolment.Status.choices,
            "can_enrol": request.user.has_perm("training.add_enrolment"),
            "page_title": "Early career cohort",
        },
    )


def _employer_for(request) -> Organisation:
    org_ids = sorted(coordinator_org_ids(request.user))
    if not org_ids:
        raise PermissionDenied
    wanted = request.GET.get("employer") or request.POST.get("employer")
    pk = int(wanted) if wanted and wanted.isdigit() and int(wanted) in org_ids else org_ids[0]
    return Organisation.objects.get(pk=pk)


@login_required
def enrol(request):
    if not request.user.has_perm("training.add_enrolment"):
        raise PermissionDenied
    employer = _employer_for(request)
    form = forms.EnrolForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        data = form.cleaned_data
        entry, refusal = services.eligibility_refusal(
            registration_number=data["registration_number"], start_date=data["start_date"]
        )
        if entry is None:
            form.add_error("registration_number", refusal)
        elif "confirm" not in request.POST:
            return render(
                request,
                "training/enrol_check.html",
                {
                    "form": form,
                    "entry": entry,
                    "employer": employer,
                    "end_date": due_date(data["start_date"], data["programme"].length_months, data["fte"]),
                    "people": {name: form.person(name) for name in ("supervisor", "assessor", "line_manager")},
                    "hidden": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")],
                    "page_title": "Check your answers before enrolling",
                },
            )
        else:
            enrolment = _attempt(
                form,
                lambda: services.enrol(
                    by=request.user,
                    programme=data["programme"],
                    registration_number=data["registration_number"],
                    employer=employer,
                    start_date=data["start_date"],
                    supervisor=form.person("supervisor"),
                    assessor=form.person("assessor"),
                    line_manager=form.person("line_manager"),
                    team=data["team"],
                    fte=data["fte"],
                    cohort=data["cohort"],
                ),
            )
            if enrolment:
                if enrolment.assessor_is_line_manager:
                    messages.warning(
                        request,
                        "The assessor is also the participant's line manager. The programme "
                        "expects an assessor independent of line management where possible.",
                    )
                return redirect("training:done", enrolment.pk, "enrolled")
    return render(
        request,
        "training/enrol.html",
        {
            "form": form,
            "employer": employer,
            "page_title": "Enrol a newly qualified social worker",
        },
    )


# --- One record -----------------------------------------------------------------------------------------------


def _record_context(request, enrolment: Enrolment) -> dict:
    today = timezone.localdate()
    e = selectors.enrolment_detail(enrolment.pk)
    row = selectors.cohort_rows([e], today)[0]
    user = request.user
    return {
        "e": e,
        "row": row,
        "timeline": selectors.timeline(e, today),
        "caseload": schedule.caseload(e, e.caseload_months.all()),
        "later": schedule.later_points(e, e.reviews.all(), today),
        "can": {
            "support": user.has_perm("training.record_support", e),
            "evidence": user.has_perm("training.add_evidence", e),
            "pause": user.has_perm("training.add_pause", e),
            "review": user.has_perm("training.record_review", e),
            "early": user.has_perm("training.approve_early_completion", e),
            "moderate": user.has_perm("training.moderate_internally", e),
            "external": user.has_perm("training.moderate_externally", e),
            "withdraw": user.has_perm("training.withdraw_enrolment", e),
        },
        "page_title": f"{e.participant_name}: {e.programme.short_name}",
    }


def _confirmation(e: Enrolment, step: str) -> dict | None:
    """The GOV.UK confirmation panel after a final action: what is now true, and what happens next. Built from the
    record as it stands, so a page reloaded later says the same or sends you back to the record."""
    name, short = e.participant_name, e.programme.short_name
    final = next((r for r in e.reviews.all() if r.is_final and r.returned_at is None), None)
    if step == "enrolled" and e.is_open:
        return {
            "title": f"{name} is enrolled",
            "body": f"{e.programme.name}, {e.start_date:%-d %B %Y} to {e.end_date:%-d %B %Y}",
            "next": [
                f"{e.supervisor.display_name} (supervisor) and {e.assessor.display_name} (assessor) can now see the "
                "record, and are reminded a week before each supervision session and review falls due.",
                "Record the learning agreement in the first weeks, then supervision, protected time and caseload "
                "as they happen.",
            ],
        }
    if step == "final-assessment" and final is not None and e.status == Enrolment.Status.AWAITING_MODERATION:
        return {
            "title": "Final assessment recorded",
            "body": f"Recommendation: {final.get_recommendation_display().lower()}",
            "next": [
                f"{e.employer.name}'s early-career co-ordinators moderate the assessment: they confirm the "
                "recommendation or return it to you with their reasons.",
                f"If it is confirmed, the outcome is recorded and a pass is added to {name}'s register entry. "
                "Some assessments are also sampled for external moderation, whose decision is final.",
            ],
        }
    if step == "moderated" and e.status == Enrolment.Status.PASSED:
        return {
            "title": f"{short} passed",
            "body": f"{name} completed the {short} on {e.outcome_on:%-d %B %Y}",
            "next": [
                "The completion has been added to their entry on the register."
                if e.annotation_added_on
                else "The completion will be added to their entry on the register.",
                "The year 2 and year 5 assessments that lead to expert practitioner status are now on their record.",
            ]
            if e.programme.later_milestones
            else ["The completion has been added to their entry on the register."],
        }
    if step == "moderated" and e.status == Enrolment.Status.FAILED:
        return {
            "title": "Outcome recorded: fail",
            "body": f"{name} did not pass the {short}",
            "next": ["Their employer talks to them about what happens next. The record and its reasons are kept."],
        }
    if step == "moderated" and e.status == Enrolment.Status.AWAITING_EXTERNAL:
        return {
            "title": "Sent for external moderation",
            "body": f"{name}'s final assessment was sampled",
            "next": ["The regulator's external moderators make the final decision. The outcome follows theirs."],
        }
    if step == "moderated" and e.status == Enrolment.Status.ACTIVE and final is None:
        return {
            "title": "Returned to the assessor",
            "body": f"{name}'s final assessment",
            "next": [
                f"{e.assessor.display_name} records the final assessment again, taking your reasons into account."
            ],
        }
    if step == "withdrawn" and e.status == Enrolment.Status.WITHDRAWN:
        return {
            "title": f"{name} has left the {short}",
            "body": f"Withdrawn on {e.outcome_on:%-d %B %Y}",
            "next": ["The record is kept, with your reasons, and can still be seen by those who could see it before."],
        }
    if step == "later-assessment" and e.expert_annotation_added_on:
        return {
            "title": "Expert practitioner",
            "body": f"{name} passed the year 2 and year 5 assessments",
            "next": ["Expert practitioner status has been added to their entry on the register."],
        }
    return None


@never_cache
@login_required
def done(request, pk, step):
    e = _enrolment_or_404(request, pk)
    e = selectors.enrolment_detail(e.pk)
    panel = _confirmation(e, step)
    if panel is None:
        if e.participant_id == request.user.pk:
            return redirect("training:my_programme")
        return redirect("training:enrolment", e.pk)
    return render(request, "training/done.html", {"e": e, "panel": panel, "page_title": panel["title"]})


@login_required
def enrolment(request, pk):
    e = _enrolment_or_404(request, pk)
    if e.participant_id == request.user.pk:
        return redirect("training:my_programme")
    return render(request, "training/enrolment.html", _record_context(request, e))


@login_required
def my_programme(request):
    current = selectors.current_enrolment(request.user)
    if current is None:
        return render(request, "training/not_enrolled.html", {"page_title": "Your early career"})
    context = _record_context(request, current)
    context["own"] = True
    context["page_title"] = f"Your {current.programme.short_name}"
    return render(request, "training/enrolment.html", context)


def _record_form(
    request, pk, *, perm, form_class, call, title, success, form_kwargs=None, extra=None, done=None, check=None
):
    """``done``, given the saved record, names the confirmation page to show instead of returning to the record
    (for the final actions: enrolment, final assessment, moderation, withdrawal). ``check`` (the confirming
    button's words) puts a "Check your answers" page between a valid form and the decision, for decisions that
    cannot be taken back (as enrolment has); its "Change your answers" returns to the form as filled in."""
    e = _enrolment_or_404(request, pk, perm)
    form = form_class(request.POST or None, request.FILES or None, **(form_kwargs(e) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        if check and "edit" in request.POST:
            pass  # back to the form, as filled in
        elif check and not request.POST.get("confirm"):
            return render(
                request,
                "training/record_check.html",
                {
                    "e": e,
                    "page_title": f"Check your answers – {title}",
                    "title": title,
                    "answers": _answers(form),
                    "hidden": [(name, form.data.get(name, "")) for name in form.fields],
                    "confirm": check,
                },
            )
        elif _attempt(form, lambda: call(e, form)) is not None:
            step = done(Enrolment.objects.get(pk=e.pk)) if done else None
            if step:
                return redirect("training:done", e.pk, step)
            messages.success(request, success)
            return redirect(
                "training:my_programme" if e.participant_id == request.user.pk else "training:enrolment",
                *([] if e.participant_id == request.user.pk else [e.pk]),
            )
    return render(
        request,
        "training/record_form.html",
        {
            "form": form,
            "e": e,
            "page_title": title,
            "title": title,
            **(extra(e) if extra else {}),  # nosec B610 # a context builder, not QuerySet.extra
        },
    )


def _answers(form) -> list[tuple[str, str]]:
    """Each question and its answer as the person chose it (a choice's words, not its code)."""
    answers = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        choices = dict(getattr(field, "choices", ()) or ())
        answers.append((field.label, choices.get(value, value)))
    return answers


@login_required
def learning_agreement(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.record_support",
        form_class=forms.LearningAgreementForm,
        title="Learning agreement",
        success="Learning agreement saved.",
        call=lambda e, f: services.record_learning_agreement(enrolment=e, by=request.user, **f.cleaned_data),
    )


@login_required
def supervision(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.record_support",
        form_class=forms.SupervisionForm,
        title="Record a supervision session",
        success="Supervision session recorded.",
        call=lambda e, f: services.record_supervision(
            enrolment=e, by=request.user, supervisor=e.supervisor, **f.cleaned_data
        ),
    )


@login_required
def protected_time(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.record_support",
        form_class=forms.ProtectedTimeForm,
        title="Record protected development time",
        success="Protected time recorded.",
        call=lambda e, f: services.record_protected_time(enrolment=e, by=request.user, **f.cleaned_data),
    )


@login_required
def caseload(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.record_support",
        form_class=forms.CaseloadForm,
        title="Record the month's caseload",
        success="Caseload recorded.",
        call=lambda e, f: services.record_caseload(enrolment=e, by=request.user, **f.cleaned_data),
    )


@login_required
def evidence(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.add_evidence",
        form_class=forms.EvidenceForm,
        title="Add evidence",
        success="Evidence added.",
        call=lambda e, f: services.add_evidence(
            enrolment=e,
            by=request.user,
            kind=f.cleaned_data["kind"],
            title=f.cleaned_data["title"],
            occurred_on=f.cleaned_data["occurred_on"],
            text=f.cleaned_data["text"],
            upload=f.cleaned_data["file"],
        ),
    )


@never_cache
@login_required
def evidence_file(request, pk, evidence_pk):
    """Only those who may see the record get the file; anyone else gets the same 404 as for no file at all."""
    e = _enrolment_or_404(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_pk, enrolment=e)
    if not item.file:
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=evidence_files.content_type(item.detected_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def pause(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.add_pause",
        form_class=forms.PauseForm,
        title="Pause the programme",
        success="Pause recorded; the end date has moved.",
        call=lambda e, f: services.add_pause(enrolment=e, by=request.user, **f.cleaned_data),
    )


@login_required
def early_completion(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.approve_early_completion",
        form_class=forms.ReasonForm,
        title="Approve early completion",
        success="Early completion approved: the final assessment may be recorded.",
        call=lambda e, f: services.approve_early_completion(
            enrolment=e, by=request.user, reason=f.cleaned_data["reason"]
        ),
    )


@login_required
def withdraw(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.withdraw_enrolment",
        form_class=forms.ReasonForm,
        title="Withdraw from the programme",
        success="Withdrawn from the programme.",
        call=lambda e, f: services.withdraw(enrolment=e, by=request.user, reason=f.cleaned_data["reason"]),
        done=lambda e: "withdrawn",
        check="Confirm and withdraw",
    )


@login_required
def moderation(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.moderate_internally",
        form_class=forms.ModerationForm,
        title="Internal moderation",
        success="Moderation decision recorded.",
        call=lambda e, f: services.moderate_internally(enrolment=e, by=request.user, **f.cleaned_data),
        extra=lambda e: {"final": e.reviews.filter(is_final=True, returned_at__isnull=True).first()},
        done=lambda e: "moderated",
        check="Confirm the decision",
    )


@login_required
def external_moderation(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.moderate_externally",
        form_class=forms.ModerationForm,
        title="External moderation",
        success="Final decision recorded.",
        form_kwargs=lambda e: {"external": True},
        call=lambda e, f: services.moderate_externally(enrolment=e, by=request.user, **f.cleaned_data),
        extra=lambda e: {"final": e.reviews.filter(is_final=True, returned_at__isnull=True).first()},
        done=lambda e: "moderated",
        check="Confirm the final decision",
    )


@login_required
def review(request, pk, point):
    e = _enrolment_or_404(request, pk, "training.record_review")
    spec = e.programme.review_point(point)
    if spec is None:
        raise Http404
    later = spec in e.programme.later_milestones
    needs_outcome = bool(spec.get("final")) or later
    return _record_form(
        request,
        pk,
        perm="training.record_review",
        form_class=forms.ReviewForm,
        title=spec["label"],
        success=f"{spec['label']} recorded.",
        form_kwargs=lambda e: {"standards": e.programme.standards, "needs_recommendation": needs_outcome},
        call=lambda e, f: services.record_review(
            enrolment=e,
            by=request.user,
            point=point,
            held_on=f.cleaned_data["held_on"],
            judgements=f.judgements(),
            evidence_seen=f.cleaned_data["evidence_seen"],
            actions=f.cleaned_data["actions"],
            recommendation=f.cleaned_data.get("recommendation", ""),
        ),
        extra=lambda e: {"due_on": e.point_due_on(spec) if not later else None, "is_review": True},
        done=lambda e: (
            "final-assessment"
            if spec.get("final")
            else "later-assessment"
            if later and e.expert_annotation_added_on
            else None
        ),
    )


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
        form = forms.ClaimForm(
            request.POST or None, employers=employers, initial={"period_start": start, "period_end": end}
        )
        if request.method == "POST" and form.is_valid():
            claim = _attempt(form, lambda: funding.create_claim(by=user, **form.cleaned_data))
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
