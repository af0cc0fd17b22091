"""Stage 3, practice observation: sessions, booking, the day's checks, scoring, second marking, moderation.

The one way out of this stage is ``record_observation_passed``: it moves a candidate on to the decision stage
when the observation's result is final and passed.
"""

from __future__ import annotations

import datetime
import random
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from accounts.notifications import notify
from accounts.services import ServiceError, just_created, record_event, require
from regulation import selectors as register

from ..models import AssessmentSession, Booking, Candidate, DomainScore, Observation, Recommendation, Scoresheet

# --- Settings -----------------------------------------------------------------------------------------------------


def score_labels() -> list[str]:
    return list(getattr(settings, "ACCREDITATION_SCORE_LABELS", ["Not yet met", "Partly met", "Met", "Exceeded"]))


def pass_percent() -> int:
    return getattr(settings, "ACCREDITATION_OBSERVATION_PASS_PERCENT", 70)


def borderline_points() -> int:
    return getattr(settings, "ACCREDITATION_OBSERVATION_BORDERLINE_POINTS", 4)


def sample_percent() -> int:
    return getattr(settings, "ACCREDITATION_MODERATION_SAMPLE_PERCENT", 10)


def conflict_years() -> int:
    return getattr(settings, "ACCREDITATION_CONFLICT_YEARS", 2)


# --- Conflict of interest -----------------------------------------------------------------------------------------


def _conflict_since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=365 * conflict_years())


def conflicted_organisation_ids(assessor: User) -> set[int]:
    """Organisations the assessor belongs to, or belonged to within the conflict window (memberships of any role,
    line management included, and the register's employment history). Two queries."""
    since = _conflict_since()
    memberships = set(
        Membership.objects.filter(user=assessor)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .values_list("organisation_id", flat=True)
    )
    return memberships | register.employer_ids_since(assessor, since)


def conflicted_candidate_ids(assessor: User, candidates) -> set[int]:
    """The one conflict-of-interest rule, for every place an assessor is chosen, offered a candidate, or acts: of
    ``candidates`` (Candidate objects, or a query of them), those the assessor must not assess. A conflict is any
    organisation in common (the one that nominated the candidate, or any the register shows the candidate working
    for within the window, against every organisation the assessor belongs to, manages in or worked for within
    it), or a tie of management (the assessor nominated the candidate or decided their endorsement), or the
    candidate being the assessor. Three queries, answered in SQL: however many candidates an assessor holds, their
    employment histories are never read, only those of the people the assessor's own organisations employ."""
    if not isinstance(candidates, QuerySet):
        ids = {c.pk for c in candidates}
        if not ids:
            return set()
        candidates = Candidate.objects.filter(pk__in=ids)
    tie = Q(user_id=assessor.pk) | Q(started_by_id=assessor.pk) | Q(endorsement_decided_by_id=assessor.pk)
    theirs = conflicted_organisation_ids(assessor)
    if theirs:
        tie |= Q(organisation_id__in=theirs) | Q(user_id__in=register.people_employed_since(theirs, _conflict_since()))
    return set(candidates.filter(tie).order_by().values_list("pk", flat=True).distinct())


def has_conflict(assessor: User, candidate: Candidate) -> bool:
    return candidate.pk in conflicted_candidate_ids(assessor, [candidate])


def is_assessor(user: User) -> bool:
    return Role.ASSESSOR in user.roles


# --- Sessions and booking -----------------------------------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    kind: str,
    venue: Organisation,
    date: datetime.date,
    slot: str,
    capacity: int,
    assessor: User,
    by: User,
    address: str = "",
) -> AssessmentSession:
    require(by.has_role(Role.REGULATOR_STAFF), "Only regulator staff can add assessment sessions.")
    require(kind in AssessmentSession.Kind.values, "Choose where the session is held.")
    require(slot in AssessmentSession.Slot.values, "Choose a start time.")
    require(capacity > 0, "A session needs at least one place.")
    require(date >= timezone.localdate(), "A session cannot be in the past.")
    require(is_assessor(assessor), f"{assessor} is not an assessor.")
    session = AssessmentSession.objects.create(
        kind=kind,
        venue=venue,
        address=address.strip(),
        date=date,
        slot=slot,
        capacity=capacity,
        assessor=assessor,
        created_by=by,
    )
    record_event(session, "session_created", by=by, changes={"assessor": assessor.email, "capacity": capacity})
    return session


ACTIVE_BOOKING = [Booking.Status.BOOKED, Booking.Status.CHECKED_IN]


def _lock_candidate(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("standard").get(pk=candidate.pk)


@transaction.atomic
def book_session(*, candidate: Candidate, session: AssessmentSession, by: User, adjustments: str = "") -> Booking:
    """The candidate takes a place. The session row is locked, so two people booking the last place at once
    cannot both have it."""
    from .pathway import pause_reason

    candidate = _lock_candidate(candidate)
    require(by.pk == candidate.user_id, "Only the candidate can book their observation.")
    require(
        candidate.is_active and candidate.stage == Candidate.Stage.OBSERVATION,
        "You can book a practice observation once you have passed the knowledge assessment.",
    )
    paused = pause_reason(register.practice_standing([candidate.user_id]).get(candidate.user_id))
    require(not paused, f"You cannot book while: {paused}")
    same = just_created(
        candidate.bookings.filter(session=session, status=Booking.Status.BOOKED, booked_by=by), field="booked_at"
    )
    if same:
        return same
    require(
        not candidate.bookings.filter(status=Booking.Status.BOOKED).exists(),
        "You already have a session booked. Cancel it first to choose another.",
    )
    require(
        not candidate.observations.exclude(status=Observation.Status.DECIDED).exists(),
        "Your last observation is still being scored.",
    )
    session = AssessmentSession.objects.select_for_update().select_related("assessor").get(pk=session.pk)
    require(session.date > timezone.localdate(), "Choose a session from tomorrow onwards.")
    require(not has_conflict(session.assessor, candidate), "That session is not open to you. Choose another.")
    taken = session.bookings.filter(status__in=ACTIVE_BOOKING).count()
    require(taken < session.capacity, "That session is full. Choose another.")
    booking = Booking.objects.create(
        session=session, candidate=candidate, adjustments=adjustments.strip(), booked_by=by
    )
    record_event(
        candidate,
        "observation_booked",
        by=by,
        reason=adjustments.strip(),
        changes={"session": session.pk, "date": session.date.isoformat(), "slot": session.slot},
    )
    notify(to=[candidate.user], template="accreditation/session_booked", context={"booking": booking}, about=booking)
    return booking


@transaction.atomic
def cancel_booking(*, booking: Booking, by: User, reason: str) -> Booking:
    booking = Booking.objects.select_for_update().select_related("candidate").get(pk=booking.pk)
    require(
        by.pk == booking.candidate.user_id or by.has_role(Role.REGULATOR_STAFF),
        "Only the candidate or regulator staff can cancel a booking.",
    )
    require(booking.status == Booking.Status.BOOKED, "Only a booked place can be cancelled.")
    require(bool(reason.strip()), "Say why you are cancelling.")
    booking.status, booking.cancelled_at, booking.cancelled_reason = Booking.Status.CANCELLED, timezone.now(), reason
    booking.save(update_fields=["status", "cancelled_at", "cancelled_reason"])
    record_event(
        booking.candidate,
        "observation_booking_cancelled",
        by=by,
        reason=reason,
        from_state=Booking.Status.BOOKED,
        to_state=Booking.Status.CANCELLED,
        changes={"booking": booking.pk},
    )
    notify(
        to=[booking.candidate.user],
        template="accreditation/session_cancelled",
        context={"booking": booking},
        about=booking,
    )
    return booking


@transaction.atomic
def check_in(
    *,
    booking: Booking,
    by: User,
    photo_id: bool,
    registration_number: bool,
    recording_consent: bool,
    footage_for_training: bool = False,
) -> Observation:
    """On the day the session's assessor confirms photo ID, registration number and consent to recording; the
    observation and the assessor's draft scoresheet begin."""
    booking = Booking.objects.select_for_update().select_related("session", "candidate__standard").get(pk=booking.pk)
    require(by.pk == booking.session.assessor_id, "Only the session's assessor can check a candidate in.")
    require(not has_conflict(by, booking.candidate), "You have a conflict of interest with this candidate.")
    require(booking.status == Booking.Status.BOOKED, "This booking is not waiting to be checked in.")
    require(booking.session.date <= timezone.localdate(), "Candidates are checked in on the day of the session.")
    require(photo_id, "Confirm you have seen the candidate's photo ID.")
    require(registration_number, "Confirm the candidate's registration number.")
    require(recording_consent, "The observation is recorded: the candidate must consent to recording.")
    booking.status = Booking.Status.CHECKED_IN
    booking.photo_id_confirmed = booking.registration_confirmed = booking.recording_consent = True
    booking.footage_for_training = footage_for_training
    booking.checked_in_by, booking.checked_in_at = by, timezone.now()
    booking.save()
    observation = Observation.objects.create(candidate=booking.candidate, booking=booking)
    _new_scoresheet(observation, by, Scoresheet.Marker.FIRST)
    record_event(
        booking.candidate,
        "observation_checked_in",
        by=by,
        changes={"photo_id": True, "registration_number": True, "recording_consent": True},
    )
    return observation


def _new_scoresheet(observation: Observation, assessor: User, marker: str) -> Scoresheet:
    sheet = Scoresheet.objects.create(observation=observation, marker=marker, assessor=assessor)
    DomainScore.objects.bulk_create(
        DomainScore(scoresheet=sheet, domain_key=key)
        for key in observation.candidate.standard.domains.order_by("position").values_list("key", flat=True)
    )
    return sheet


# --- Scoring ------------------------------------------------------------------------------------------------------


def _lock_sheet(scoresheet: Scoresheet, by: User) -> Scoresheet:
    sheet = Scoresheet.objects.select_for_update().select_related("observation__candidate").get(pk=scoresheet.pk)
    require(sheet.assessor_id == by.pk, "This scoresheet is not yours.")
    require(not has_conflict(by, sheet.observation.candidate), "You have a conflict of interest with this candidate.")
    return sheet


def _mark(value, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(f"Choose a score for {what}.") from None
    require(1 <= number <= 4, f"Choose a score from 1 to 4 for {what}.")
    return number


@transaction.atomic
def save_draft(
    *,
    scoresheet: Scoresheet,
    by: User,
    scores: dict[str, dict] | None = None,
    reflection_mark=None,
    recommendation: str = "",
    summary: str = "",
) -> Scoresheet:
    """Keep what the assessor has entered so far; nothing is checked for completeness. A fixed few queries."""
    sheet = _lock_sheet(scoresheet, by)
    require(not sheet.is_submitted, "These scores are submitted and can no longer be changed.")
    require(recommendation in ("", *Recommendation.values), "Choose a recommendation.")
    rows = {s.domain_key: s for s in sheet.scores.all()}
    scores = scores or {}
    unknown = set(scores) - set(rows)
    require(not unknown, "That domain is not in this level's statement.")
    changed = []
    for key, entry in scores.items():
        row = rows[key]
        score = _mark(entry.get("score"), f"domain {key}")
        evidence = (entry.get("evidence") or "").strip()
        if (row.score, row.evidence) != (score, evidence):
            row.score, row.evidence = score, evidence
            changed.append(row)
    if changed:
        DomainScore.objects.bulk_update(changed, ["score", "evidence"])
    sheet.reflection_mark = _mark(reflection_mark, "the written reflection")
    sheet.recommendation = recommendation
    sheet.summary = (summary or "").strip()
    sheet.updated_at = timezone.now()
    sheet.save(update_fields=["reflection_mark", "recommendation", "summary", "updated_at"])
    return sheet


def percent(scores: list[int], reflection: int) -> float:
    marks = [*scores, reflection]
    return 100 * sum(marks) / (4 * len(marks))


def _first_reasons(sheet: Scoresheet, scores: list[int], rng) -> list[str]:
    """Why a first assessor's result goes to a second assessor: near the pass line, a recommendation on the
    other side of the line from the scores, or the random sample."""
    reasons = []
    share = percent(scores, sheet.reflection_mark)
    line = pass_percent()
    if abs(share - line) <= borderline_points():
        reasons.append("borderline")
    if (share >= line) != (sheet.recommendation == Recommendation.PASS):
        reasons.append("recommendation_differs_from_scores")
    draw = rng.random() * 100
    if draw < sample_percent():
        reasons.append("random_sample")
    return reasons


def disagreement(first: dict, second: dict) -> bool:
    """Two scoresheets disagree when their recommendations differ or any mark is more than a point apart."""
    if first["recommendation"] != second["recommendation"]:
        return True
    keys = set(first["marks"]) | set(second["marks"])
    return any(abs((first["marks"].get(k) or 0) - (second["marks"].get(k) or 0)) > 1 for k in keys)


def _marks(sheet: Scoresheet) -> dict:
    marks = {s.domain_key: s.score for s in sheet.scores.all()}
    marks["_reflection"] = sheet.reflection_mark
    return {"recommendation": sheet.recommendation, "marks": marks}


@transaction.atomic
def submit_scores(*, scoresheet: Scoresheet, by: User, rng: random.Random | None = None) -> Scoresheet:
    """Lock the scores. A first assessor's result is final unless it is borderline, inconsistent or sampled; a
    second assessor's is compared with the first, and a disagreement goes to a moderator. Submitting twice gives
    the one result."""
    sheet = _lock_sheet(scoresheet, by)
    if sheet.is_submitted:
        return sheet
    observation = Observation.objects.select_for_update().get(pk=sheet.observation_id)
    scores = list(sheet.scores.all())
    missing = [s.domain_key for s in scores if s.score is None]
    require(not missing, f"Score every domain before you submit ({len(missing)} still to score).")
    require(sheet.reflection_mark is not None, "Give the written reflection a mark.")
    require(bool(sheet.recommendation), "Give your overall recommendation.")
    sheet.status, sheet.submitted_at = Scoresheet.Status.SUBMITTED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at"])
    record_event(
        sheet,
        "scores_submitted",
        by=by,
        to_state=sheet.recommendation,
        changes={"scores": {s.domain_key: s.score for s in scores}, "reflection": sheet.reflection_mark},
    )
    if sheet.marker == Scoresheet.Marker.FIRST:
        reasons = _first_reasons(sheet, [s.score for s in scores], rng or secrets.SystemRandom())
        if reasons:
            observation.status, observation.moderation_reasons = Observation.Status.SECOND_MARKING, reasons
            observation.save(update_fields=["status", "moderation_reasons"])
            record_event(
                observation.candidate,
                "observation_to_second_marking",
                by=None,
                reason=", ".join(reasons),
                to_state=Observation.Status.SECOND_MARKING,
            )
            assign_second_assessor(observation=observation)
        else:
            _decide(observation, sheet.recommendation, by=by, reason="First assessor's result.")
    else:
        first = observation.scoresheets.prefetch_related("scores").get(marker=Scoresheet.Marker.FIRST)
        if disagreement(_marks(first), _marks(sheet)):
            observation.status = Observation.Status.MODERATION
            observation.moderation_reasons = [*observation.moderation_reasons, "markers_disagree"]
            observation.save(update_fields=["status", "moderation_reasons"])
            record_event(
                observation.candidate,
                "observation_to_moderation",
                by=None,
                reason="First and second assessors disagree.",
                to_state=Observation.Status.MODERATION,
            )
            notify(
                to=moderators(observation),
                template="accreditation/moderation_needed",
                context={"observation": observation},
                about=observation,
            )
        else:
            _decide(observation, sheet.recommendation, by=by, reason="First and second assessors agree.")
    return sheet


def moderators(observation: Observation) -> list[User]:
    """Regulator staff who may settle the observation's moderation: everyone on the staff but its assessors."""
    taken = set(observation.scoresheets.values_list("assessor_id", flat=True))
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.REGULATOR_STAFF, memberships__ended_on__isnull=True)
        .exclude(pk__in=taken)
        .distinct()
        .order_by("pk")
    )


def eligible_second_assessors(observation: Observation) -> list[User]:
    """Assessors free of conflict with the candidate, other than the first, least busy first."""
    taken = set(observation.scoresheets.values_list("assessor_id", flat=True))
    people = (
        User.objects.filter(is_active=True, memberships__role=Role.ASSESSOR, memberships__ended_on__isnull=True)
        .exclude(pk__in=taken)
        .annotate(open_sheets=Count("scoresheets", filter=Q(scoresheets__status=Scoresheet.Status.DRAFT)))
        .order_by("open_sheets", "pk")
        .distinct()
    )
    return [p for p in people if not has_conflict(p, observation.candidate)]


@transaction.atomic
def assign_second_assessor(*, observation: Observation, assessor: User | None = None, by: User | None = None):
    """Give the observation to a second assessor who scores blind (the first's scores are never shown to them).
    Without a named assessor the least busy one free of conflict is chosen; with none free, it waits."""
    observation = Observation.objects.select_for_update().select_related("candidate__standard").get(pk=observation.pk)
    require(observation.status == Observation.Status.SECOND_MARKING, "This observation needs no second assessor.")
    require(
        not observation.scoresheets.filter(marker=Scoresheet.Marker.SECOND).exists(),
        "A second assessor is already scoring this observation.",
    )
    if assessor is None:
        choices = eligible_second_assessors(observation)
        if not choices:
            return None
        assessor = choices[0]
    else:
        require(by is not None and by.has_role(Role.REGULATOR_STAFF), "Only regulator staff can assign assessors.")
        require(is_assessor(assessor), f"{assessor} is not an assessor.")
        require(not has_conflict(assessor, observation.candidate), f"{assessor} has a conflict of interest.")
        require(
            not observation.scoresheets.filter(assessor=assessor).exists(),
            "The second assessor must not be the first.",
        )
    sheet = _new_scoresheet(observation, assessor, Scoresheet.Marker.SECOND)
    record_event(observation.candidate, "second_assessor_assigned", by=by, changes={"assessor": assessor.email})
    notify(to=[assessor], template="accreditation/second_marking", context={"sheet": sheet}, about=sheet)
    return sheet


@transaction.atomic
def resolve_moderation(*, observation: Observation, by: User, outcome: str, reason: str) -> Observation:
    """A moderator (regulator staff) settles a disagreement between the two assessors, with reasons."""
    require(by.has_role(Role.REGULATOR_STAFF), "Only a moderator can resolve a moderation.")
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    require(observation.status == Observation.Status.MODERATION, "This observation is not waiting for moderation.")
    require(
        not observation.scoresheets.filter(assessor=by).exists(), "You scored this observation; another moderator must."
    )
    require(outcome in (Observation.Outcome.PASSED, Observation.Outcome.NOT_PASSED), "Choose the result.")
    require(bool(reason.strip()), "Give your reasons, so both assessors and the candidate can see why.")
    observation.moderated_by, observation.moderated_at, observation.moderation_reason = by, timezone.now(), reason
    observation.save(update_fields=["moderated_by", "moderated_at", "moderation_reason"])
    _decide(
        observation,
        Recommendation.PASS if outcome == Observation.Outcome.PASSED else Recommendation.NOT_PASS,
        by=by,
        reason=reason,
    )
    return observation


def _decide(observation: Observation, recommendation: str, *, by: User | None, reason: str) -> None:
    passed = recommendation == Recommendation.PASS
    observation.status = Observation.Status.DECIDED
    observation.outcome = Observation.Outcome.PASSED if passed else Observation.Outcome.NOT_PASSED
    observation.decided_at = timezone.now()
    observation.save(update_fields=["status", "outcome", "decided_at"])
    if passed:
        record_observation_passed(candidate=observation.candidate, observation=observation, by=by, reason=reason)
    else:
        record_event(
            observation.candidate,
            "observation_not_passed",
            by=by,
            reason=reason,
            to_state=Observation.Outcome.NOT_PASSED,
        )


@transaction.atomic
def record_observation_passed(
    *, candidate: Candidate, observation: Observation, by: User | None, reason: str = ""
) -> Candidate:
    """The hand-over to stage 4: the observation's result is final and passed, so the candidate moves from the
    observation stage to the decision stage. The decision stage's own follow-up (such as confirming by rule)
    hooks in here."""
    candidate = _lock_candidate(candidate)
    observation = Observation.objects.get(pk=observation.pk)
    require(observation.candidate_id == candidate.pk, "That observation is not this candidate's.")
    require(
        observation.status == Observation.Status.DECIDED and observation.outcome == Observation.Outcome.PASSED,
        "The observation has not been passed.",
    )
    require(
        candidate.is_active and candidate.stage == Candidate.Stage.OBSERVATION,
        "The candidate is not at the practice observation stage.",
    )
    candidate.stage = Candidate.Stage.DECISION
    candidate.observation_passed_at = observation.decided_at or timezone.now()
    candidate.save(update_fields=["stage", "observation_passed_at"])
    record_event(
        candidate,
        "observation_passed",
        by=by,
        reason=reason,
        from_state=Candidate.Stage.OBSERVATION,
        to_state=Candidate.Stage.DECISION,
    )
    from .decision import after_stages_passed

    after_stages_passed(candidate=candidate)  # confirms now where the level's setting lets the rules decide
    candidate.refresh_from_db()
    return candidate
