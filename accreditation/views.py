"""Thin pages for the pathway: parse, check the rule, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.exports import streaming_csv_response
from accounts.models import Organisation, User
from accounts.services import ServiceError

from . import forms, selectors, services
from .models import Attempt, Candidate, Item, Level, LevelSettings, StandardVersion


def _perm(name):
    def decorator(view):
        return login_required(permission_required(name, raise_exception=True)(view))

    return decorator


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _attempt_call(form, call):
    try:
        return call()
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return None


def _candidate(pk) -> Candidate:
    try:
        return selectors.candidate_detail(pk)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc


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
    form = forms.RequestForm(request.POST or None, employers=employers, initial={"level": request.GET.get("level")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidate = _attempt_call(
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
                and _attempt_call(
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
                done = _attempt_call(
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
        services.save_answer(attempt=attempt, position=n, option_ids=option_ids, by=request.user)
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


# --- Line managers ------------------------------------------------------------------------------------------------


@_perm("accreditation.view_nominees")
def nominees(request):
    return render(
        request,
        "accreditation/nominees.html",
        {"candidates": selectors.nominees_for(request.user), "page_title": "Your accreditation candidates"},
    )


NOMINEE_HEADER = ["Name", "Registration number", "Level", "Stage", "Status", "Paused because", "Started", "Tests sat"]


@_perm("accreditation.view_nominees")
def nominees_csv(request):
    rows = [
        [
            c.user.display_name,
            c.registration_number,
            c.get_level_display(),
            c.get_stage_display(),
            c.get_status_display(),
            c.paused,
            timezone.localtime(c.started_at).date().isoformat(),
            len(c.attempts.all()),
        ]
        for c in selectors.nominees_for(request.user)
    ]
    return streaming_csv_response("accreditation-candidates.csv", NOMINEE_HEADER, rows)


@_perm("accreditation.nominate")
def nominate(request):
    staff = selectors.eligible_staff(request.user)
    form = forms.NominateForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        person = form.staff[form.cleaned_data["person"]]
        c = _attempt_call(
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


# --- Regulator staff ----------------------------------------------------------------------------------------------


@_perm("accreditation.view_pipeline")
def staff_home(request):
    return render(
        request,
        "accreditation/staff_pipeline.html",
        {
            "pipeline": selectors.pipeline(),
            "candidates": Paginator(
                selectors.with_standing(
                    list(
                        Candidate.objects.select_related("user", "organisation")
                        .filter(status=Candidate.Status.ACTIVE)
                        .order_by("level", "stage", "started_at")[:200]
                    )
                ),
                50,
            ).get_page(request.GET.get("page")),
            "settings": [s for s in LevelSettings.objects.order_by("level")],
            "page_title": "Accreditation pipeline",
        },
    )


@_perm("accreditation.set_adjustment")
def adjustment(request, pk):
    c = _candidate(pk)
    form = forms.AdjustmentForm(
        request.POST or None, initial={"extra_minutes": c.extra_minutes, "note": c.adjustment_note}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt_call(form, lambda: services.set_adjustment(candidate=c, by=request.user, **form.cleaned_data))
    ):
        messages.success(request, "Reasonable adjustment recorded.")
        return redirect("accreditation:candidate", pk=c.pk)
    return render(
        request,
        "accreditation/form_page.html",
        {"form": form, "page_title": f"Extra time for {c.user.display_name}", "button": "Save adjustment"},
    )


@_perm("accreditation.view_standards")
def standards(request):
    return render(
        request,
        "accreditation/standards.html",
        {
            "standards": selectors.current_standards(),
            "history": StandardVersion.objects.order_by("level", "-version"),
            "page_title": "The post-qualifying standards",
        },
    )


@_perm("accreditation.manage_standards")
def standard_edit(request, level):
    if level not in Level.values:
        raise Http404
    standard = services.current_standard(level)
    form = forms.StandardForm(request.POST or None, standard=standard)
    if request.method == "POST" and form.is_valid():
        new = _attempt_call(
            form,
            lambda: services.revise_standard(
                level=level, domains=form.domain_data(), by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if new:
            messages.success(request, f"Version {new.version} of the statement is published.")
            return redirect("accreditation:standards")
    return render(
        request,
        "accreditation/form_page.html",
        {
            "form": form,
            "page_title": f"Revise the {standard.get_level_display()} statement",
            "intro": f"Saving publishes version {standard.version + 1}. Candidates already on the pathway keep the "
            "version they started under.",
            "button": "Publish new version",
        },
    )


@_perm("accreditation.manage_standards")
def settings_edit(request, level):
    settings = get_object_or_404(LevelSettings, level=level)
    form = forms.SettingsForm(request.POST or None, instance=LevelSettings.objects.get(pk=settings.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        if _attempt_call(
            form,
            lambda: services.update_settings(level=level, by=request.user, reason=form.cleaned_data["reason"], **data),
        ):
            messages.success(request, "Settings saved. They apply to tests started from now.")
            return redirect("accreditation:staff")
    return render(
        request,
        "accreditation/form_page.html",
        {
            "form": form,
            "page_title": f"Knowledge assessment settings: {settings.get_level_display()}",
            "button": "Save settings",
        },
    )


@_perm("accreditation.manage_bank")
def bank(request):
    form = forms.BankFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.bank(level=data.get("level", ""), status=data.get("status", "")), 50).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accreditation/bank.html",
        {
            "filter_form": form,
            "page": page,
            "query": params.urlencode(),
            "summary": selectors.bank_summary(),
            "page_title": "Question bank",
        },
    )


@_perm("accreditation.manage_bank")
def item_new(request):
    form = forms.ItemForm(request.POST or None, standards=selectors.current_standards())
    if request.method == "POST" and form.is_valid():
        item = _attempt_call(form, lambda: services.create_item(by=request.user, **form.cleaned_data))
        if item:
            messages.success(request, "Draft item saved. Send it for review when it is ready.")
            return redirect("accreditation:item", pk=item.pk)
    return render(
        request, "accreditation/form_page.html", {"form": form, "page_title": "Write an item", "button": "Save draft"}
    )


@_perm("accreditation.manage_bank")
def scenario_new(request):
    form = forms.ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scenario = _attempt_call(form, lambda: services.create_scenario(by=request.user, **form.cleaned_data))
        if scenario:
            messages.success(request, f"Scenario “{scenario.title}” saved. Add its applied items next.")
            return redirect("accreditation:bank")
    return render(
        request,
        "accreditation/form_page.html",
        {"form": form, "page_title": "Write a case scenario", "button": "Save scenario"},
    )


@_perm("accreditation.manage_bank")
def item(request, pk):
    obj = get_object_or_404(
        Item.objects.select_related("scenario", "author", "reviewed_by", "previous").prefetch_related("options"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    review_form = forms.ReviewForm(request.POST if action == "review" else None, prefix="review")
    retire_form = forms.ReasonForm(request.POST if action == "retire" else None, prefix="retire")
    revise_form = forms.ReviseItemForm(
        request.POST if action == "revise" else None,
        prefix="revise",
        initial={
            "stem": obj.stem,
            "rationale": obj.rationale,
            "options": "\n".join(("*" if o.is_correct else "") + o.text for o in obj.options.all()),
        },
    )
    form = None
    if action:
        calls = {
            "submit": (None, lambda data: services.submit_for_review(item=obj, by=request.user)),
            "review": (
                review_form,
                lambda data: services.review_item(
                    item=obj, by=request.user, approve=data["decision"] == "approve", reason=data["reason"]
                ),
            ),
            "retire": (
                retire_form,
                lambda data: services.retire_item(item=obj, by=request.user, reason=data["reason"]),
            ),
            "revise": (revise_form, lambda data: services.revise_item(item=obj, by=request.user, **data)),
        }
        if action not in calls:
            raise Http404
        form, call = calls[action]
        if form is None:
            try:
                call({})
                messages.success(request, "Sent for review.")
            except ServiceError as exc:
                messages.error(request, str(exc))
            return redirect("accreditation:item", pk=obj.pk)
        if form.is_valid():
            done = _attempt_call(form, lambda: call(form.cleaned_data))
            if done:
                messages.success(request, "Saved.")
                return redirect("accreditation:item", pk=done.pk)
    return render(
        request,
        "accreditation/item.html",
        {
            "item": obj,
            "used": obj.uses.count(),
            "form": form,
            "review_form": review_form,
            "retire_form": retire_form,
            "revise_form": revise_form,
            "page_title": f"Item {obj.pk}, version {obj.version}",
        },
    )


STATS_HEADER = ["Item", "Question", "Responses", "Facility", "Discrimination"]


@_perm("accreditation.view_statistics")
def statistics(request):
    level = request.GET.get("level", "")
    if level and level not in Level.values:
        level = ""
    stats = selectors.item_statistics(level=level)
    if request.GET.get("format") == "csv":
        return streaming_csv_response(
            "item-statistics.csv",
            STATS_HEADER,
            [[r["item_id"], r["stem"], r["responses"], r["facility"], r["discrimination"]] for r in stats["items"]],
        )
    return render(
        request,
        "accreditation/statistics.html",
        {"stats": stats, "level": level, "levels": Level.choices, "page_title": "Item statistics"},
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
