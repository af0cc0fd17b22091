"""Regulator staff's pages: the pipeline, adjustments, standards, settings, the question bank, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.exports import streaming_csv_response
from accounts.forms import call_or_show_refusal, posted
from accounts.services import ServiceError

from .. import forms, selectors, services
from ..models import Candidate, Item, Level, LevelSettings, StandardVersion
from ._common import _candidate, _perm

# --- Regulator staff ----------------------------------------------------------------------------------------------


@_perm("accreditation.view_pipeline")
def staff_home(request):
    # Every active candidate, a page at a time: the register standing is read for the page's fifty only.
    candidates = Paginator(
        Candidate.objects.select_related("user", "organisation")
        .filter(status=Candidate.Status.ACTIVE)
        .order_by("level", "stage", "started_at", "id"),
        50,
    ).get_page(request.GET.get("page"))
    candidates.object_list = selectors.with_standing(list(candidates.object_list))
    return render(
        request,
        "accreditation/staff_pipeline.html",
        {
            "pipeline": selectors.pipeline(),
            "candidates": candidates,
            "settings": [s for s in LevelSettings.objects.order_by("level")],
            "page_title": "Accreditation pipeline",
        },
    )


@_perm("accreditation.set_adjustment")
def adjustment(request, pk):
    c = _candidate(pk)
    form = forms.AdjustmentForm(posted(request), initial={"extra_minutes": c.extra_minutes, "note": c.adjustment_note})
    if (
        request.method == "POST"
        and form.is_valid()
        and call_or_show_refusal(
            form, lambda: services.set_adjustment(candidate=c, by=request.user, **form.cleaned_data)
        )
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
    form = forms.StandardForm(posted(request), standard=standard)
    if request.method == "POST" and form.is_valid():
        new = call_or_show_refusal(
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
    form = forms.SettingsForm(posted(request), instance=LevelSettings.objects.get(pk=settings.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        if call_or_show_refusal(
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
    page.object_list = selectors.with_use_counts(list(page.object_list))
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
    form = forms.ItemForm(posted(request), standards=selectors.current_standards())
    if request.method == "POST" and form.is_valid():
        item = call_or_show_refusal(form, lambda: services.create_item(by=request.user, **form.cleaned_data))
        if item:
            messages.success(request, "Draft item saved. Send it for review when it is ready.")
            return redirect("accreditation:item", pk=item.pk)
    return render(
        request, "accreditation/form_page.html", {"form": form, "page_title": "Write an item", "button": "Save draft"}
    )


@_perm("accreditation.manage_bank")
def scenario_new(request):
    form = forms.ScenarioForm(posted(request))
    if request.method == "POST" and form.is_valid():
        scenario = call_or_show_refusal(form, lambda: services.create_scenario(by=request.user, **form.cleaned_data))
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
            done = call_or_show_refusal(form, lambda: call(form.cleaned_data))
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
    forms = Paginator(selectors.marked_forms(level=level), 50).get_page(request.GET.get("page"))
    forms.rows = selectors.forms_with_facility(forms.object_list, stats["facility"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accreditation/statistics.html",
        {
            "stats": stats,
            "forms": forms,
            "query": params.urlencode(),
            "level": level,
            "levels": Level.choices,
            "page_title": "Item statistics",
        },
    )
