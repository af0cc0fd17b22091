"""One enrolment's record, the participant's own programme page, and the confirmation after each final action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import schedule, selectors
from ..models import Enrolment
from ._common import enrolment_or_404

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
    e = enrolment_or_404(request, pk)
    e = selectors.enrolment_detail(e.pk)
    panel = _confirmation(e, step)
    if panel is None:
        if e.participant_id == request.user.pk:
            return redirect("training:my_programme")
        return redirect("training:enrolment", e.pk)
    return render(request, "training/done.html", {"e": e, "panel": panel, "page_title": panel["title"]})


@login_required
def enrolment(request, pk):
    e = enrolment_or_404(request, pk)
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
