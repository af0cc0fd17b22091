"""Every write in early career. Keyword-only, atomic, guarded on the locked row, audited.

The register is read through ``regulation.selectors`` and written through ``regulation.services`` only.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import ServiceError, just_created, record_event, require
from regulation import selectors as register
from regulation import services as register_services

from . import evidence_files
from .models import (
    CaseloadMonth,
    Enrolment,
    Evidence,
    LearningAgreement,
    Moderation,
    Pause,
    Programme,
    ProtectedTime,
    Review,
    SupervisionSession,
    due_date,
)

__all__ = ["ServiceError"]

EMPLOYER_ROLES = ("line_manager", "workforce_lead")


def ensure_programmes() -> None:
    """The programmes as first published, where missing (as the data migration seeds them): for databases emptied
    after migrating, such as those of tests that commit and then empty every table."""
    from .programme_data import PROGRAMMES

    for spec in PROGRAMMES:
        Programme.objects.get_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    require(bool(value), message)
    return value


def _lock(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)


def qualified_within_years() -> int:
    return getattr(settings, "TRAINING_QUALIFIED_WITHIN_YEARS", 2)


def max_pause_days() -> int:
    return getattr(settings, "TRAINING_MAX_PAUSE_DAYS", 183)


def is_coordinator(user: User, organisation_id: int) -> bool:
    return any(m.organisation_id == organisation_id and m.role in EMPLOYER_ROLES for m in user.active_memberships)


# --- Enrolment ----------------------------------------------------------------------------------------------------


def eligibility_refusal(*, registration_number: str, start_date: datetime.date) -> tuple[object | None, str]:
    """The register entry to enrol, or the reason it cannot be: not registered, already enrolled, qualified too long
    ago. Shown to the employer before anything is saved."""
    entry = register.entry_by_number(registration_number)
    if entry is None:
        return None, f"{registration_number.strip() or 'That number'} is not on the register. Check the number."
    if not entry.is_practising:
        return None, f"{entry.registration_number} is {entry.get_status_display().lower()} and cannot practise."
    if entry.user_id is None:
        return None, f"{entry.full_name} has no account in the service yet. Ask them to sign up first."
    open_enrolment = Enrolment.objects.filter(participant_id=entry.user_id, status__in=Enrolment.OPEN).first()
    if open_enrolment:
        return None, f"{entry.full_name} is already enrolled on the {open_enrolment.programme.short_name}."
    if Enrolment.objects.filter(participant_id=entry.user_id, status=Enrolment.Status.PASSED).exists():
        return None, f"{entry.full_name} has already completed an early career programme."
    years = qualified_within_years()
    if entry.qualified_on < start_date - relativedelta(years=years):
        return None, (
            f"{entry.full_name} qualified on {entry.qualified_on:%-d %B %Y}, more than {years} years before the "
            "start date. The programme is for newly qualified social workers."
        )
    return entry, ""


def _registered_worker(user: User | None, what: str):
    require(user is not None, f"Choose the {what}.")
    entry = register.entries_for_users([user.pk]).get(user.pk)
    require(entry is not None and entry.is_practising, f"The {what} must be a registered social worker.")
    return entry


@transaction.atomic
def enrol(
    *,
    by: User,
    programme: Programme,
    registration_number: str,
    employer: Organisation,
    start_date: datetime.date,
    supervisor: User,
    assessor: User,
    line_manager: User | None,
    team: str,
    fte: Decimal,
    cohort: str = "",
) -> Enrolment:
    require(is_coordinator(by, employer.pk), "Only the employer's early-career co-ordinators can enrol.")
    require(programme.is_active, "That programme is not open for enrolment.")
    require(
        start_date >= programme.available_from,
        f"The {programme.short_name} starts no earlier than {programme.available_from:%-d %B %Y}.",
    )
    require(Decimal("0") < fte <= Decimal("1"), "Full-time equivalent must be more than 0 and at most 1.")
    entry, refusal = eligibility_refusal(registration_number=registration_number, start_date=start_date)
    require(entry is not None, refusal)
    _registered_worker(supervisor, "supervisor")
    _registered_worker(assessor, "assessor")
    require(supervisor.pk != entry.user_id, "The participant cannot be their own supervisor.")
    require(assessor.pk != entry.user_id, "The participant cannot be their own assessor.")
    assessor_is_manager = line_manager is not None and assessor.pk == line_manager.pk
    if assessor_is_manager and getattr(settings, "TRAINING_ASSESSOR_IS_LINE_MANAGER", "warn") == "refuse":
        raise ServiceError("The assessor cannot also be the participant's line manager. Choose another assessor.")
    planned_end = due_date(start_date, programme.length_months, fte)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                programme=programme,
                participant_id=entry.user_id,
                registration_number=entry.registration_number,
                participant_name=entry.full_name,
                qualified_on=entry.qualified_on,
                employer=employer,
                cohort=(cohort or "").strip() or f"{start_date:%B %Y}",
                team=_text(team, "Enter the team."),
                fte=fte,
                start_date=start_date,
                planned_end_date=planned_end,
                end_date=planned_end,
                supervisor=supervisor,
                assessor=assessor,
                line_manager=line_manager,
                assessor_is_line_manager=assessor_is_manager,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ServiceError(f"{entry.full_name} is already enrolled.") from exc
    record_event(
        enrolment,
        "enrolled",
        by=by,
        to_state=enrolment.status,
        changes={"programme": programme.code, "start_date": str(start_date), "fte": str(fte)},
    )
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    enrolment = _lock(enrolment)
    require(enrolment.is_open, "Only someone still on the programme can be withdrawn.")
    enrolment.withdrawn_reason = _text(reason, "Say why they are leaving the programme.")
    from_state = enrolment.status
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.outcome_on = _today()
    enrolment.save(update_fields=["withdrawn_reason", "status", "outcome_on"])
    record_event(enrolment, "withdrawn", by=by, reason=reason, from_state=from_state, to_state=enrolment.status)
    return enrolment


# --- Support: learning agreement, supervision, protected time, caseload, evidence -------------------------------


def _require_open(enrolment: Enrolment) -> None:
    require(enrolment.is_open, "This programme has finished; its record can no longer change.")


def _require_in_programme(enrolment: Enrolment, day: datetime.date, what: str) -> None:
    require(
        day >= enrolment.start_date, f"The {what} cannot be before the start date ({enrolment.start_date:%-d %B %Y})."
    )
    require(day <= _today(), f"The {what} cannot be in the future.")


@transaction.atomic
def record_learning_agreement(
    *,
    enrolment: Enrolment,
    by: User,
    agreed_on: datetime.date,
    development_needs: str,
    support: str,
    workload: str = "",
) -> LearningAgreement:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(agreed_on <= _today(), "The date agreed cannot be in the future.")
    fields = {
        "agreed_on": agreed_on,
        "development_needs": _text(development_needs, "Enter the development needs."),
        "support": _text(support, "Enter the support the employer will give."),
        "workload": (workload or "").strip(),
        "recorded_by": by,
        "recorded_at": timezone.now(),
    }
    agreement, created = LearningAgreement.objects.update_or_create(enrolment=enrolment, defaults=fields)
    record_event(
        enrolment,
        "learning_agreement_recorded" if created else "learning_agreement_updated",
        by=by,
        changes={"agreed_on": str(agreed_on)},
    )
    return agreement


@transaction.atomic
def record_supervision(
    *, enrolment: Enrolment, by: User, held_on: datetime.date, minutes: int, supervisor: User, themes: str
) -> SupervisionSession:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    _require_in_programme(enrolment, held_on, "supervision date")
    require(0 < minutes <= 480, "Length must be between 1 and 480 minutes.")
    themes = _text(themes, "Enter the themes discussed.")
    same = just_created(
        enrolment.supervision_sessions.filter(held_on=held_on, minutes=minutes, themes=themes), field="recorded_at"
    )
    if same:  # the same form sent twice: one session
        return same
    session = SupervisionSession.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        minutes=minutes,
        supervisor=supervisor,
        themes=themes,
        recorded_by=by,
    )
    record_event(enrolment, "supervision_recorded", by=by, changes={"held_on": str(held_on), "minutes": minutes})
    return session


@transaction.atomic
def record_protected_time(
    *, enrolment: Enrolment, by: User, week_starting: datetime.date, hours: Decimal, activity: str
) -> ProtectedTime:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    _require_in_programme(enrolment, week_starting, "week")
    require(Decimal("0") < hours <= Decimal("40"), "Hours must be more than 0 and at most 40.")
    activity = _text(activity, "Enter what the time was used for.")
    same = just_created(
        enrolment.protected_time.filter(week_starting=week_starting, hours=hours, activity=activity),
        field="recorded_at",
    )
    if same:
        return same
    row = ProtectedTime.objects.create(
        enrolment=enrolment,
        week_starting=week_starting,
        hours=hours,
        activity=activity,
        recorded_by=by,
    )
    record_event(enrolment, "protected_time_recorded", by=by, changes={"week": str(week_starting), "hours": str(hours)})
    return row


@transaction.atomic
def record_caseload(
    *, enrolment: Enrolment, by: User, month: datetime.date, cases: int, experienced_caseload: int
) -> CaseloadMonth:
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    month = month.replace(day=1)
    require(month >= enrolment.start_date.replace(day=1), "The month cannot be before the programme started.")
    require(month <= _today(), "The month cannot be in the future.")
    require(cases >= 0, "Cases cannot be negative.")
    require(experienced_caseload > 0, "Enter the caseload of an experienced worker (more than 0).")
    row, _created = CaseloadMonth.objects.update_or_create(
        enrolment=enrolment,
        month=month,
        defaults={"cases": cases, "experienced_caseload": experienced_caseload, "recorded_by": by},
    )
    record_event(enrolment, "caseload_recorded", by=by, changes={"month": str(month), "cases": cases})
    return row


@transaction.atomic
def add_evidence(
    *,
    enrolment: Enrolment,
    by: User,
    kind: str,
    title: str,
    occurred_on: datetime.date,
    text: str = "",
    upload=None,
) -> Evidence:
    """Words, a file (PDF, Office, JPG or PNG) or both. The file is checked whole, by its content, before anything
    is written: a refusal leaves no row and no file. Evidence is never deleted."""
    enrolment = _lock(enrolment)
    require(enrolment.status != Enrolment.Status.WITHDRAWN, "This programme was withdrawn.")
    require(kind in Evidence.Kind.values, "Choose the kind of evidence.")
    _require_in_programme(enrolment, occurred_on, "date of the evidence")
    title = _text(title, "Enter a title.")
    text = (text or "").strip()
    require(bool(text) or upload is not None, "Enter the evidence or choose a file to upload.")
    same = just_created(
        enrolment.evidence.filter(
            kind=kind,
            title=title,
            occurred_on=occurred_on,
            text=text,
            added_by=by,
            original_name=upload.name[-255:] if upload is not None else "",
        ),
        field="added_at",
    )
    if same:
        return same
    content = detected = None
    if upload is not None:
        try:
            content, detected = evidence_files.check(upload)
        except evidence_files.EvidenceFileRefused as exc:
            raise ServiceError(str(exc)) from exc
    evidence = Evidence(enrolment=enrolment, kind=kind, title=title, occurred_on=occurred_on, text=text, added_by=by)
    changes = {"kind": kind, "title": title}
    if content is not None:
        extension = upload.name.rsplit(".", 1)[-1].lower()
        evidence.original_name = upload.name[-255:]
        evidence.detected_type = detected
        evidence.size = len(content)
        # A random stored name: the person's file name is kept for display only.
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        changes["file"] = evidence.original_name
    evidence.save()
    record_event(enrolment, "evidence_added", by=by, changes=changes)
    return evidence


# --- Pauses and extensions ------------------------------------------------------------------------------------


@transaction.atomic
def add_pause(
    *, enrolment: Enrolment, by: User, kind: str, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> Pause:
    """Sickness, parental or other leave stops the clock; capability never does (that is what reviews are for)."""
    enrolment = _lock(enrolment)
    _require_open(enrolment)
    require(kind != "capability", "A programme is never paused for capability. Record concerns in a review instead.")
    require(kind in Pause.Kind.values, "Choose why the programme is paused: sickness, parental leave or other leave.")
    require(starts_on >= enrolment.start_date, "The pause cannot start before the programme started.")
    require(ends_on >= starts_on, "The pause must end on or after the day it starts.")
    reason = _text(reason, "Say why the programme is paused.")
    existing = list(enrolment.pauses.all())
    require(
        not any(p.starts_on <= ends_on and starts_on <= p.ends_on for p in existing),
        "This pause overlaps one already recorded.",
    )
    days = (ends_on - starts_on).days + 1
    used = sum(p.days for p in existing)
    limit = max_pause_days()
    require(
        used + days <= limit,
        f"Pauses may add up to {limit} days; {used} already used, so at most {max(0, limit - used)} more.",
    )
    pause = Pause.objects.create(
        enrolment=enrolment, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason, recorded_by=by
    )
    old_end = enrolment.end_date
    enrolment.end_date = enrolment.planned_end_date + datetime.timedelta(days=used + days)
    enrolment.save(update_fields=["end_date"])
    record_event(
        enrolment,
        "paused",
        by=by,
        reason=reason,
        changes={
            "kind": kind,
            "from": str(starts_on),
            "to": str(ends_on),
            "end_date": [str(old_end), str(enrolment.end_date)],
        },
    )
    return pause


# --- Reviews, final assessment, moderation ------------------------------------------------------------------------


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


def _validate_judgements(programme: Programme, judgements: dict) -> dict:
    allowed = set(Review.Judgement.values)
    missing = [s for s in programme.standards if judgements.get(s) not in allowed]
    require(not missing, f"Give a judgement for every standard; missing: {', '.join(missing)}.")
    return {s: judgements[s] for s in programme.standards}


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
    review = Review.objects.create(
        enrolment=enrolment,
        point=point,
        point_label=spec["label"],
        held_on=held_on,
        assessor=by,
        judgements=_validate_judgements(programme, judgements),
        evidence_seen=_text(evidence_seen, "Enter the evidence seen."),
        actions=(actions or "").strip(),
        recommendation=recommendation,
        is_final=final,
        recorded_by=by,
    )
    record_event(enrolment, "review_recorded", by=by, changes={"point": point, "recommendation": recommendation})
    if final:
        enrolment.status = Enrolment.Status.AWAITING_MODERATION
        enrolment.save(update_fields=["status"])
        record_event(enrolment, "final_assessment_recorded", by=by, from_state="active", to_state=enrolment.status)
    elif later and recommendation == Review.Recommendation.PASS:
        _add_expert_annotation(enrolment, by, _today())
    return review


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
