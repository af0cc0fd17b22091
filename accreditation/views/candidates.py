"""Social workers' pages: their pathway, asking for endorsement, the knowledge assessment, withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.models import Organisation
from accounts.services import ServiceError

from .. import forms, selectors, services
from ..models import Attempt, LevelSettings
from ..services.assessment import StaleAnswer, answer_version
from ._common import _candidate, _perm, _require

# --- Social workers -----------------------------------------------------------------------------------------------


@login_required
def pathway(request):
    return render(
        request,
        "accreditation/pathway.html",
        {"levels": selectors.pathway_for(request.user), "page_title": "Your accreditation pathway"},
    )


@_perm("accreditation.request_endorsement")
def ask(request):
    from regulation import selectors as register

    employers = Organisation.objects.filter(pk__in=register.current_employer_ids(request.user)).order_by("name")
    form = forms.RequestForm(posted(request), employers=employers, initial={"level": request.GET.get("level")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidate = call_or_show_refusal(
            form,
            lambda: services.request_endorsement(
                user=request.user,
                level=data["level"],
                organisation=employers.get(pk=data["organisation"]),
                reason=data["reason"],
            ),
        )
        if candidate:
            messages.success(request, "Your request has gone to your line managers. Map your practice next.")
            return redirect("accreditation:candidate", pk=candidate.pk)
    return render(
        request,
        "accreditation/form_page.html",
        {
            "form": form,
            "page_title": "Ask your employer to endorse you",
            "intro": "Your line managers will see your request. You then map your practice against each domain "
            "of the level's statement together, and your manager decides whether to endorse you."
            if employers
            else "",
            "blocked": ""
            if employers
            else "The register does not show you working for an employer. Add your "
            "employment to your registration first.",
            "button": "Send request",
        },
    )


@login_required
def candidate(request, pk):
    c = _candidate(pk)
    _require(request, "accreditation.view_candidate", c)
    selectors.with_standing([c])
    mappings = {m.domain_key: m for m in c.mappings.all()}
    domains = list(c.standard.domains.all())
    can_map = request.user.has_perm("accreditation.map_practice", c) and c.is_active and c.stage == "endorsement"
    can_decide = (
        request.user.has_perm("accreditation.decide_endorsement", c) and c.is_active and c.stage == "endorsement"
    )
    map_form = forms.MappingForm(
        request.POST if request.POST.get("action") == "map" else None,
        domains=domains,
        mappings={k: m.statement for k, m in mappings.items()},
        prefix="map",
    )
    decision_form = forms.DecisionForm(
        request.POST if request.POST.get("action") == "decide" else None, prefix="decide"
    )
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "map":
            if not can_map:
                raise PermissionDenied
            form = map_form
            if (
                form.is_valid()
                and call_or_show_refusal(
                    form, lambda: services.save_mapping(candidate=c, by=request.user, statements=form.statements())
                )
                is not None
            ):
                messages.success(request, "Practice mapping saved.")
                return redirect("accreditation:candidate", pk=c.pk)
        elif action == "decide":
            if not request.user.has_perm("accreditation.decide_endorsement", c):
                raise PermissionDenied
            form = decision_form
            if form.is_valid():
                call = services.endorse if form.cleaned_data["decision"] == "endorse" else services.decline
                done = call_or_show_refusal(
                    form, lambda: call(candidate=c, by=request.user, reason=form.cleaned_data["reason"])
                )
                if done:
                    messages.success(
                        request,
                        f"{c.user} is endorsed for the knowledge assessment."
                        if done.is_endorsed
                        else f"Endorsement of {c.user} declined.",
                    )
                    return redirect("accreditation:candidate", pk=c.pk)
        else:
            raise Http404
    rows = [{"domain": d, "mapping": mappings.get(d.key)} for d in domains]
    return render(
        request,
        "accreditation/candidate.html",
        {
            "c": c,
            "rows": rows,
            "mapped": len(mappings),
            "form": form,
            "map_form": map_form,
            "decision_form": decision_form,
            "can_map": can_map,
            "can_decide": can_decide,
            "is_candidate": c.user_id == request.user.pk,
            "attempts": list(c.attempts.all()),
            "settings": LevelSettings.objects.get(level=c.level),
            "page_title": f"{c.user.display_name}: {c.get_level_display()}",
        },
    )


@login_required
def start(request, pk):
    c = _candidate(pk)
    _require(request, "accreditation.take_test", c)
    selectors.with_standing([c])
    settings = LevelSettings.objects.get(level=c.level)
    error = ""
    if request.method == "POST":
        try:
            attempt = services.start_attempt(candidate=c, by=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            return redirect("accreditation:question", pk=attempt.pk, n=1)
    return render(
        request,
        "accreditation/start.html",
        {
            "c": c,
            "settings": settings,
            "minutes": settings.minutes + c.extra_minutes,
            "error": error,
            "page_title": "Before you start the knowledge assessment",
        },
    )


def _own_attempt(request, pk) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("candidate"), pk=pk)
    _require(request, "accreditation.take_test", attempt)
    return attempt


@login_required
def question(request, pk, n):
    if request.method == "POST":
        return _save_answer(request, pk, n)
    attempt = _own_attempt(request, pk)
    if attempt.status == Attempt.Status.MARKED:
        return redirect("accreditation:result", pk=attempt.pk)
    if attempt.deadline <= timezone.now():
        services.mark_attempt(attempt=attempt)
        messages.info(request, "Time is up. Your saved answers have been marked.")
        return redirect("accreditation:result", pk=attempt.pk)
    attempt = selectors.attempt_page(pk)
    rows = list(attempt.items.all())
    if not 1 <= n <= len(rows):
        raise Http404
    row = rows[n - 1]
    form = forms.AnswerForm(row=row, options=selectors.question_options(row.item_id))
    return _question_page(request, attempt, rows, row, form)


def _question_page(request, attempt, rows, row, form, status=200):
    return render(
        request,
        "accreditation/question.html",
        {
            "attempt": attempt,
            "rows": rows,
            "row": row,
            "form": form,
            "n": row.position,
            "total": len(rows),
            "seconds_left": attempt.seconds_left(),
            "seen": answer_version(row),
            "minutes_left": (attempt.seconds_left() + 59) // 60,
            "show_scenario": row.item.scenario_id is not None and attempt.scenario is not None,
            "page_title": f"Question {row.position} of {len(rows)}",
        },
        status=status,
    )


def _save_answer(request, pk, n):
    """Save the page's answer, then go where the button said. Kept lean: it is the busiest request."""
    attempt = _own_attempt(request, pk)
    raw = request.POST.getlist("answer")
    try:
        option_ids = [int(v) for v in raw if v != ""]
    except ValueError:
        option_ids = None
    try:
        if option_ids is None:
            raise ServiceError("That answer is not one of this question's options.")
        services.save_answer(
            attempt=attempt, position=n, option_ids=option_ids, by=request.user, seen=request.POST.get("seen")
        )
    except StaleAnswer as exc:
        full = selectors.attempt_page(pk)
        rows = list(full.items.all())
        row = rows[n - 1]
        # The page shows the answer another tab saved, not the one this stale copy sent.
        form = forms.AnswerForm({"answer": row.selected}, row=row, options=selectors.question_options(row.item_id))
        form.is_valid()
        form.add_error("answer", str(exc))
        return _question_page(request, full, rows, row, form, status=409)
    except ServiceError as exc:
        if attempt.status == Attempt.Status.MARKED or attempt.deadline <= timezone.now():
            if attempt.status != Attempt.Status.MARKED:
                services.mark_attempt(attempt=attempt)
            messages.error(request, str(exc))
            return redirect("accreditation:result", pk=attempt.pk)
        full = selectors.attempt_page(pk)
        rows = list(full.items.all())
        if not 1 <= n <= len(rows):
            raise Http404 from exc
        row = rows[n - 1]
        form = forms.AnswerForm({"answer": raw}, row=row, options=selectors.question_options(row.item_id))
        form.is_valid()
        form.add_error("answer", str(exc))
        return _question_page(request, full, rows, row, form, status=400)
    go = request.POST.get("go", "next")
    if go == "review":
        return redirect("accreditation:review", pk=pk)
    if go == "previous":
        target = n - 1
    elif go.isdigit():
        target = int(go)
    else:
        target = n + 1
    if target < 1 or target > attempt.max_score:
        return redirect("accreditation:review", pk=pk)
    return redirect("accreditation:question", pk=pk, n=target)


@login_required
def review(request, pk):
    attempt = _own_attempt(request, pk)
    if request.method == "POST":
        try:
            services.submit_attempt(attempt=attempt, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("accreditation:review", pk=pk)
        return redirect("accreditation:result", pk=pk)
    if attempt.status == Attempt.Status.MARKED:
        return redirect("accreditation:result", pk=pk)
    if attempt.deadline <= timezone.now():
        services.mark_attempt(attempt=attempt)
        return redirect("accreditation:result", pk=pk)
    attempt = selectors.attempt_page(pk)
    rows = list(attempt.items.all())
    return render(
        request,
        "accreditation/review.html",
        {
            "attempt": attempt,
            "rows": rows,
            "unanswered": sum(1 for r in rows if not r.selected),
            "minutes_left": (attempt.seconds_left() + 59) // 60,
            "seconds_left": attempt.seconds_left(),
            "page_title": "Check your answers before you submit",
        },
    )


@login_required
def result(request, pk):
    attempt = get_object_or_404(Attempt.objects.select_related("candidate__user", "standard"), pk=pk)
    _require(request, "accreditation.view_attempt", attempt)
    if attempt.status != Attempt.Status.MARKED:
        if attempt.deadline <= timezone.now():
            attempt = services.mark_attempt(attempt=attempt)
        else:
            return redirect("accreditation:review", pk=pk)
    settings = LevelSettings.objects.get(level=attempt.candidate.level)
    return render(
        request,
        "accreditation/result.html",
        {
            "attempt": attempt,
            "c": attempt.candidate,
            "resit_from": services.assessment.resit_from(attempt.candidate, settings, attempt)
            if attempt.number < settings.attempt_limit
            else None,
            "page_title": "Your knowledge assessment result",
        },
    )


@require_POST
@login_required
def withdraw(request, pk):
    c = _candidate(pk)
    _require(request, "accreditation.withdraw", c)
    try:
        services.withdraw(candidate=c, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "You have withdrawn from this level.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("accreditation:pathway"))
