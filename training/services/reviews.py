"""Reviews, the final assessment, early completion and moderation, and what completing the programme adds to
the register."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications import link, notify
from accounts.services import record_event, require
from regulation import selectors as register
from regulation import services as register_services

from ..models import Enrolment, Moderation, Programme, Review, ReviewWindowException
from .common import EMPLOYER_ROLES, _lock, _require_open, _text, _today, is_coordinator, store_schedule


@transaction.atomic
def approve_early_completion(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(is_coordinator(by, enrolment.employer_id), "Only the employer's co-ordinator can approve early completion.")
    enrolment.early_completion_reason = _text(reason, "Say why the final assessment may come early.")
    enrolment.early_completion_approved_by = by
    enrolment.save(update_fields=["early_completion_reason", "early_completion_approved_by"])
    record_event(enrolment, "early_completion_approved", by=by, reason=reason)
    return enrolment


def _validate_judgements(programme: Programme, judgements: dict, *, final: bool = False) -> dict:
    """A judgement for every standard: on track or concerns at a review, met or not met in the final assessment."""
    allowed = set(Review.FINAL if final else Review.PROGRESS)
    judgements = judgements if isinstance(judgements, dict) else {}
    missing = [s for s in programme.standards if judgements.get(s) not in allowed]
    kind = "met or not met" if final else "a judgement"
    require(not missing, f"Give {kind} for every standard; missing: {', '.join(missing)}.")
    return {s: judgements[s] for s in programme.standards}


def _validate_final(programme: Programme, judgements: dict, evidence: dict, recommendation: str) -> dict:
    """The final assessment: evidence for each standard in the assessor's own words, and a recommendation that
    follows the judgements (a pass needs every standard met; a fail, at least one not met)."""
    evidence = evidence if isinstance(evidence, dict) else {}
    missing = [s for s in programme.standards if not str(evidence.get(s) or "").strip()]
    require(not missing, f"Give the evidence for each standard; missing: {', '.join(missing)}.")
    not_met = [s for s in programme.standards if judgements[s] == Review.Judgement.NOT_MET]
    if recommendation == Review.Recommendation.PASS:
        require(not not_met, f"A pass needs every standard met; not met: {', '.join(not_met)}.")
    else:
        require(bool(not_met), "A fail names at least one standard not met.")
    return {s: str(evidence[s]).strip() for s in programme.standards}


@transaction.atomic
def record_review(
    *,
    enrolment: Enrolment,
    by: User,
    point: str,
    held_on: datetime.date,
    judgements: dict,
    evidence_seen: str,
    actions: str = "",
    recommendation: str = "",
    standard_evidence: dict | None = None,
) -> Review:
    enrolment = _lock(enrolment)
    programme = enrolment.programme
    spec = programme.review_point(point)
    require(spec is not None, "Choose a review point of this programme.")
    later = spec in programme.later_milestones
    if later:
        require(enrolment.status == Enrolment.Status.PASSED, f"The {spec['label']} comes after passing the programme.")
        require(held_on >= enrolment.outcome_on, "The assessment cannot precede the programme's outcome.")
    else:
        require(enrolment.status == Enrolment.Status.ACTIVE, "Reviews can only be recorded while the programme runs.")
    require(
        held_on >= enrolment.start_date,
        f"The review date cannot be before the start date ({enrolment.start_date:%-d %B %Y}).",
    )
    require(held_on <= _today(), "The review date cannot be in the future.")
    require(
        not enrolment.reviews.filter(point=point, returned_at__isnull=True).exists(),
        f"The {spec['label'].lower()} has already been recorded.",
    )
    final = bool(spec.get("final"))
    if not later:
        _require_held_while_working(enrolment, spec, held_on, final=final)
    needs_outcome = final or later
    if final:
        due = enrolment.point_due_on(spec)
        require(
            held_on >= due or bool(enrolment.early_completion_approved_by_id),
            f"The final assessment is due on {due:%-d %B %Y}. A final outcome can only be recorded earlier if the "
            "co-ordinator approves early completion.",
        )
    if needs_outcome:
        require(recommendation in Review.Recommendation.values, "Choose the recommendation: pass or fail.")
    else:
        recommendation = ""
    checked = _validate_judgements(programme, judgements, final=final)
    by_standard = _validate_final(programme, checked, standard_evidence, recommendation) if final else {}
    review = Review.objects.create(
        enrolment=enrolment,
        point=point,
        point_label=spec["label"],
        held_on=held_on,
        assessor=by,
        judgements=checked,
        standard_evidence=by_standard,
        evidence_seen=_text(evidence_seen, "Enter the evidence seen."),
        actions=(actions or "").strip(),
        recommendation=recommendation,
        is_final=final,
        recorded_by=by,
    )
    store_schedule(enrolment)
    record_event(enrolment, "review_recorded", by=by, changes={"point": point, "recommendation": recommendation})
    if final:
        enrolment.status = Enrolment.Status.AWAITING_MODERATION
        enrolment.save(update_fields=["status"])
        record_event(enrolment, "final_assessment_recorded", by=by, from_state="active", to_state=enrolment.status)
        context = {"enrolment": enrolment, "review": review}
        notify(to=[enrolment.participant], template="training/final_assessment", context=context, about=review)
        moderators = [enrolment.line_manager] if enrolment.line_manager_id else _coordinators(enrolment)
        notify(
            to=[u for u in moderators if u.pk != by.pk],
            template="training/moderation_needed",
            context=context,
            about=review,
        )
    elif later and recommendation == Review.Recommendation.PASS:
        _add_expert_annotation(enrolment, by, _today())
    return review


def _coordinators(enrolment: Enrolment) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=enrolment.employer_id,
            memberships__role__in=EMPLOYER_ROLES,
            memberships__ended_on__isnull=True,
            is_active=True,
        ).distinct()
    )


def _require_held_while_working(enrolment: Enrolment, spec: dict, held_on: datetime.date, *, final: bool) -> None:
    """A review is held while the programme runs (never inside a pause), in its window unless a co-ordinator
    recorded an exception; the final assessment comes after every review that is not optional."""
    pauses = list(enrolment.pauses.all())
    pause = next((p for p in pauses if p.starts_on <= held_on <= p.ends_on), None)
    require(
        pause is None,
        pause
        and f"{held_on:%-d %B %Y} falls inside a pause ({pause.get_kind_display().lower()}, "
        f"{pause.starts_on:%-d %B %Y} to {pause.ends_on:%-d %B %Y}): reviews are held while the programme runs.",
    )
    if final:
        done = set(enrolment.reviews.filter(returned_at__isnull=True).values_list("point", flat=True))
        missing = [
            p["label"].lower()
            for p in enrolment.programme.review_points
            if not p.get("optional") and not p.get("final") and p["key"] not in done
        ]
        require(not missing, f"Record the {' and the '.join(missing)} before the final assessment.")
        return
    opens, closes = enrolment.review_window(spec, pauses)
    if opens <= held_on <= closes:
        return
    require(
        enrolment.window_exceptions.filter(point=spec["key"]).exists(),
        f"The {spec['label'].lower()} is held between {opens:%-d %B %Y} and {closes:%-d %B %Y} (its due date moved by "
        "any pauses). Outside that, a co-ordinator must first record why it is held then.",
    )


@transaction.atomic
def grant_review_window_exception(*, enrolment: Enrolment, by: User, point: str, reason: str) -> ReviewWindowException:
    """A co-ordinator's recorded decision that a review may be held outside its window (not the final assessment:
    early completion is its own decision)."""
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(is_coordinator(by, enrolment.employer_id), "Only the employer's co-ordinators can allow a review then.")
    require(by.pk != enrolment.assessor_id, "The assessor cannot allow their own review outside its window.")
    spec = enrolment.programme.review_point(point)
    require(spec is not None and not spec.get("final"), "Choose a review point before the final assessment.")
    require(
        not enrolment.window_exceptions.filter(point=point).exists(),
        f"Holding the {spec['label'].lower()} outside its window has already been allowed.",
    )
    reason = _text(reason, "Say why the review is held outside its window.")
    exception = ReviewWindowException.objects.create(enrolment=enrolment, point=point, reason=reason, granted_by=by)
    record_event(enrolment, "review_window_exception", by=by, reason=reason, changes={"point": point})
    return exception


def sampled_for_external(enrolment: Enrolment) -> bool:
    """A fixed share of final assessments, chosen by a hash of the record so the choice is repeatable and
    cannot be steered by the order people are moderated in."""
    percent = getattr(settings, "TRAINING_EXTERNAL_MODERATION_PERCENT", 10)
    digest = hashlib.sha256(f"early-career-{enrolment.pk}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def _final_review(enrolment: Enrolment) -> Review:
    review = enrolment.reviews.filter(is_final=True, returned_at__isnull=True).first()
    require(review is not None, "There is no final assessment to moderate.")
    return review


@transaction.atomic
def moderate_internally(*, enrolment: Enrolment, by: User, decision: str, reason: str) -> Enrolment:
    enrolment = _lock(enrolment)
    require(
        enrolment.status == Enrolment.Status.AWAITING_MODERATION, "This record is not awaiting internal moderation."
    )
    require(is_coordinator(by, enrolment.employer_id), "Only the employer's co-ordinators moderate internally.")
    require(by.pk != enrolment.assessor_id, "The assessor cannot moderate their own assessment.")
    require(decision in ("confirmed", "returned"), "Choose whether to confirm or return the recommendation.")
    reason = _text(reason, "Give the reasons for the moderation decision.")
    review = _final_review(enrolment)
    Moderation.objects.create(
        enrolment=enrolment, review=review, stage="internal", decision=decision, reason=reason, decided_by=by
    )
    if decision == "returned":
        review.returned_at = timezone.now()
        review.save(update_fields=["returned_at"])
        store_schedule(enrolment)
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.save(update_fields=["status"])
        record_event(
            enrolment,
            "final_assessment_returned",
            by=by,
            reason=reason,
            from_state="awaiting_moderation",
            to_state="active",
        )
        return enrolment
    if sampled_for_external(enrolment):
        enrolment.sampled_for_external = True
        enrolment.status = Enrolment.Status.AWAITING_EXTERNAL
        enrolment.save(update_fields=["sampled_for_external", "status"])
        record_event(
            enrolment,
            "internally_confirmed",
            by=by,
            reason=reason,
            from_state="awaiting_moderation",
            to_state=enrolment.status,
            changes={"sampled_for_external": True},
        )
        return enrolment
    record_event(
        enrolment, "internally_confirmed", by=by, reason=reason, from_state="awaiting_moderation", to_state="confirmed"
    )
    return _conclude(enrolment, review.recommendation, by=by, reason=reason)


@transaction.atomic
def moderate_externally(*, enrolment: Enrolment, by: User, decision: str, reason: str) -> Enrolment:
    """External moderation's decision is final, whichever way the recommendation went."""
    enrolment = _lock(enrolment)
    require(enrolment.status == Enrolment.Status.AWAITING_EXTERNAL, "This record is not awaiting external moderation.")
    require(decision in ("pass", "fail"), "Choose the final decision: pass or fail.")
    reason = _text(reason, "Give the reasons for the final decision.")
    review = _final_review(enrolment)
    Moderation.objects.create(
        enrolment=enrolment, review=review, stage="external", decision=decision, reason=reason, decided_by=by
    )
    return _conclude(enrolment, decision, by=by, reason=reason)


def _conclude(enrolment: Enrolment, outcome: str, *, by: User, reason: str) -> Enrolment:
    from_state = enrolment.status
    enrolment.status = Enrolment.Status.PASSED if outcome == "pass" else Enrolment.Status.FAILED
    enrolment.outcome_on = _today()
    enrolment.save(update_fields=["status", "outcome_on"])
    record_event(enrolment, "outcome_recorded", by=by, reason=reason, from_state=from_state, to_state=enrolment.status)
    if enrolment.status == Enrolment.Status.PASSED:
        _add_completion_annotation(enrolment, by)
    notify(
        to=[enrolment.participant],
        template="training/completed",
        context={
            "enrolment": enrolment,
            "passed": enrolment.status == Enrolment.Status.PASSED,
            "url": link(reverse("training:my_programme")),
        },
        about=enrolment,
    )
    return enrolment


def _add_completion_annotation(enrolment: Enrolment, by: User) -> None:
    entry = register.entry_by_number(enrolment.registration_number)
    if entry is None:
        return
    register_services.add_annotation(
        entry=entry,
        by=by,
        kind="early_career_completed",
        starts_on=enrolment.outcome_on,
        note=f"{enrolment.programme.completion_annotation_note or enrolment.programme.short_name}, "
        f"{enrolment.employer.name}",
    )
    enrolment.annotation_added_on = enrolment.outcome_on
    enrolment.save(update_fields=["annotation_added_on"])


def _add_expert_annotation(enrolment: Enrolment, by: User, day: datetime.date) -> None:
    """Expert practitioner once every later milestone (year 2 and year 5) has been passed, in whichever order."""
    others = [p["key"] for p in enrolment.programme.later_milestones]
    passed = set(
        enrolment.reviews.filter(point__in=others, returned_at__isnull=True, recommendation="pass").values_list(
            "point", flat=True
        )
    )
    if set(others) - passed or enrolment.expert_annotation_added_on:
        return
    entry = register.entry_by_number(enrolment.registration_number)
    if entry is None:
        return
    register_services.add_annotation(
        entry=entry, by=by, kind="expert_practitioner", starts_on=day, note="Passed the year 2 and year 5 assessments"
    )
    enrolment.expert_annotation_added_on = day
    enrolment.save(update_fields=["expert_annotation_added_on"])
    record_event(enrolment, "expert_practitioner", by=by, to_state="expert_practitioner")
