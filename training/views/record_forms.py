"""Everything recorded on an enrolment through a form: support, evidence, pauses, reviews, and the final actions
(withdrawal and moderation) that go through "Check your answers" first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from accounts.forms import call_or_show_refusal, posted

from .. import evidence_files, forms, services
from ..models import Enrolment, Evidence
from ._common import enrolment_or_404


def _record_form(
    request, pk, *, perm, form_class, call, title, success, form_kwargs=None, context_for=None, done=None, check=None
):
    """``done``, given the saved record, names the confirmation page to show instead of returning to the record
    (for the final actions: enrolment, final assessment, moderation, withdrawal). ``check`` (the confirming
    button's words) puts a "Check your answers" page between a valid form and the decision, for decisions that
    cannot be taken back (as enrolment has); its "Change your answers" returns to the form as filled in. The
    check page carries the answers in hidden fields, one value each: it suits forms of single-valued fields
    (text, a choice), not uploads or multiple choices."""
    e = enrolment_or_404(request, pk, perm)
    form = form_class(posted(request), request.FILES or None, **(form_kwargs(e) if form_kwargs else {}))
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
        elif call_or_show_refusal(form, lambda: call(e, form)) is not None:
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
            **(context_for(e) if context_for else {}),
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
    e = enrolment_or_404(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_pk, enrolment=e)
    if not item.file:
        raise Http404
    return evidence_files.download(item)


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
def review_window_exception(request, pk):
    return _record_form(
        request,
        pk,
        perm="training.allow_review_outside_window",
        form_class=forms.ReviewWindowExceptionForm,
        form_kwargs=lambda e: {"enrolment": e},
        title="Allow a review outside its window",
        success="Recorded: the review may now be held outside its window.",
        call=lambda e, f: services.grant_review_window_exception(
            enrolment=e, by=request.user, point=f.cleaned_data["point"], reason=f.cleaned_data["reason"]
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
        context_for=lambda e: {"final": e.reviews.filter(is_final=True, returned_at__isnull=True).first()},
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
        context_for=lambda e: {"final": e.reviews.filter(is_final=True, returned_at__isnull=True).first()},
        done=lambda e: "moderated",
        check="Confirm the final decision",
    )


@login_required
def review(request, pk, point):
    e = enrolment_or_404(request, pk, "training.record_review")
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
        form_kwargs=lambda e: {
            "standards": e.programme.standards,
            "needs_recommendation": needs_outcome,
            "final": bool(spec.get("final")),
        },
        call=lambda e, f: services.record_review(
            enrolment=e,
            by=request.user,
            point=point,
            held_on=f.cleaned_data["held_on"],
            judgements=f.judgements(),
            evidence_seen=f.cleaned_data["evidence_seen"],
            actions=f.cleaned_data["actions"],
            recommendation=f.cleaned_data.get("recommendation", ""),
            standard_evidence=f.standard_evidence(),
        ),
        context_for=lambda e: {"due_on": e.point_due_on(spec) if not later else None, "is_review": True},
        done=lambda e: (
            "final-assessment"
            if spec.get("final")
            else "later-assessment"
            if later and e.expert_annotation_added_on
            else None
        ),
    )
