"""The pathway's records in a regulator transfer bundle: candidates with their stage, status and endorsement
decision, knowledge assessment results, practice mappings, observed practice (sessions, bookings, observations,
scoresheets and their scores), and the accreditations confirmed (and any revoked). ``regulation.transfer`` finds
``transfer_datasets`` here; adding a dataset is one more ``Dataset`` in the list below (parents before the rows
that refer to them: that is the order they load in), a new schema version, then regenerating
docs/transfer-format.md (its drift test says so)."""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat

from regulation.transfer.format import BOOLEAN, DATE, DATETIME, INTEGER, TEXT, Dataset, column, id_column, user_column

from ..models import (
    Accreditation,
    AssessmentSession,
    Attempt,
    Booking,
    Candidate,
    Level,
    Observation,
    Recommendation,
    Scoresheet,
    StandardVersion,
)

C = column


def _standard_key(prefix: str = "") -> Concat:
    return Concat(f"{prefix}standard__level", Value(" v"), Cast(f"{prefix}standard__version", CharField()))


def candidates_for_transfer() -> QuerySet[Candidate]:
    return Candidate.objects.annotate(standard_key=_standard_key())


def attempts_for_transfer() -> QuerySet[Attempt]:
    return Attempt.objects.annotate(standard_key=_standard_key())


def standard_ids(keys: set[str]) -> dict[str, int]:
    """This service's statement versions for keys such as "practitioner v1" (the level and the version)."""
    wanted = {}
    for key in keys:
        level, _, version = key.partition(" v")
        if version.isdigit():
            wanted[(level, int(version))] = key
    found = StandardVersion.objects.filter(level__in={level for level, _ in wanted}).values_list(
        "level", "version", "pk"
    )
    return {wanted[(level, version)]: pk for level, version, pk in found if (level, version) in wanted}


def _standard(description: str) -> object:
    return C("standard", "standard_key", TEXT, description, field="standard_id", resolve=standard_ids)


def transfer_datasets() -> list[Dataset]:
    levels = tuple(Level.values)
    return [
        Dataset(
            "accreditation_candidates",
            "accreditation.Candidate",
            "Each person on the accreditation pathway at one level: stage, status and the employer's endorsement "
            "decision.",
            (
                id_column("candidacy"),
                user_column("user", "user__email", "Email of the social worker.", nullable=False),
                C("level", "level", TEXT, "Level of accreditation.", choices=levels),
                _standard("The knowledge and skills statement they are assessed under: level and version."),
                C(
                    "organisation_id",
                    "organisation_id",
                    INTEGER,
                    "Employer (organisations.csv).",
                    refers_to="organisations",
                ),
                C("registration_number", "registration_number", TEXT, "Registration number when the candidacy began."),
                C("stage", "stage", TEXT, "Stage reached.", choices=tuple(Candidate.Stage.values)),
                C("status", "status", TEXT, "Status now.", choices=tuple(Candidate.Status.values)),
                C("endorsement", "endorsement", TEXT, "Endorsement.", choices=tuple(Candidate.Endorsement.values)),
                user_column("started_by", "started_by__email", "Who started it.", nullable=False),
                C("started_at", "started_at", DATETIME, "When it started."),
                user_column("endorsement_decided_by", "endorsement_decided_by__email", "Who decided the endorsement."),
                C("endorsement_decided_at", "endorsement_decided_at", DATETIME, "When.", nullable=True),
                C("endorsement_reason", "endorsement_reason", TEXT, "Reasons for the endorsement decision."),
                C("extra_minutes", "extra_minutes", INTEGER, "Reasonable adjustment: extra minutes per assessment."),
                C("adjustment_note", "adjustment_note", TEXT, "Note on the adjustment."),
                C(
                    "knowledge_passed_at",
                    "knowledge_passed_at",
                    DATETIME,
                    "When the assessment was passed.",
                    nullable=True,
                ),
                C("closed_at", "closed_at", DATETIME, "When it ended other than by accreditation.", nullable=True),
                C("closed_reason", "closed_reason", TEXT, "Why it ended."),
            ),
            since_fields=("started_at", "endorsement_decided_at", "knowledge_passed_at", "closed_at"),
            rows=candidates_for_transfer,
        ),
        Dataset(
            "knowledge_assessment_results",
            "accreditation.Attempt",
            "Each sitting of the knowledge assessment and its result (the questions drawn are not transferred).",
            (
                id_column("attempt"),
                C(
                    "candidate_id",
                    "candidate_id",
                    INTEGER,
                    "The candidacy (accreditation_candidates.csv).",
                    refers_to="accreditation_candidates",
                ),
                C("number", "number", INTEGER, "Attempt number: 1 for the first sitting."),
                _standard("The statement the form was drawn from: level and version."),
                C("status", "status", TEXT, "Status.", choices=tuple(Attempt.Status.values)),
                C("started_at", "started_at", DATETIME, "When it started."),
                C("deadline", "deadline", DATETIME, "When time ran out."),
                C("submitted_at", "submitted_at", DATETIME, "When submitted.", nullable=True),
                C("ended_by_deadline", "ended_by_deadline", BOOLEAN, "Whether time ran out before submission."),
                C("pass_mark_percent", "pass_mark_percent", INTEGER, "Pass mark, per cent."),
                C("score", "score", INTEGER, "Marks scored; empty until marked.", nullable=True),
                C("max_score", "max_score", INTEGER, "Marks available."),
                C("passed", "passed", BOOLEAN, "Whether it passed; empty until marked.", nullable=True),
            ),
            since_fields=("started_at", "submitted_at"),
            rows=attempts_for_transfer,
        ),
        Dataset(
            "accreditation_practice_mappings",
            "accreditation.PracticeMapping",
            "The candidate's statements of how their practice meets each domain of the standard, written by the "
            "worker and their manager: part of the candidate's record, as it stood when last saved.",
            (
                id_column("mapping"),
                _refers("candidate_id", "accreditation_candidates", "The candidacy (accreditation_candidates.csv)."),
                C("domain_key", "domain_key", TEXT, "The domain of the statement (its key)."),
                C("statement", "statement", TEXT, "How the worker's practice meets the domain."),
                user_column("updated_by", "updated_by__email", "Who last saved it.", nullable=False),
                C("updated_at", "updated_at", DATETIME, "When it was last saved."),
            ),
            since_fields=("updated_at",),
        ),
        *_observed_practice(),
        Dataset(
            "accreditations",
            "accreditation.Accreditation",
            "Each accreditation confirmed, as certified on the day, and its revocation if it was revoked. The "
            "certificate file and the signed credential are not transferred: the successor makes its own from "
            "these rows, under its own signing key.",
            (
                id_column("accreditation"),
                C(
                    "candidate_id",
                    "candidate_id",
                    INTEGER,
                    "The candidacy it completed (accreditation_candidates.csv).",
                    refers_to="accreditation_candidates",
                ),
                C("code", "code", TEXT, "The verification code printed on the certificate; unique."),
                C("name", "name", TEXT, "Name as on the register on the day of the decision."),
                C("registration_number", "registration_number", TEXT, "Registration number on that day."),
                C("level", "level", TEXT, "Level of accreditation.", choices=levels),
                C("awarded_on", "awarded_on", DATE, "Date of accreditation."),
                C("confirmed_at", "confirmed_at", DATETIME, "When the decision was confirmed."),
                user_column("confirmed_by", "confirmed_by__email", "Who confirmed it; empty when confirmed by rule."),
                C(
                    "confirmed_by_rules",
                    "confirmed_by_rules",
                    BOOLEAN,
                    "Whether it was confirmed by the published rules rather than by a person.",
                ),
                C("confirm_reason", "confirm_reason", TEXT, "Why it was confirmed."),
                C("status", "status", TEXT, "Valid or revoked.", choices=tuple(Accreditation.Status.values)),
                C("revoked_at", "revoked_at", DATETIME, "When it was revoked.", nullable=True),
                user_column("revoked_by", "revoked_by__email", "Who revoked it."),
                C("revoked_reason", "revoked_reason", TEXT, "Why it was revoked."),
            ),
            since_fields=("confirmed_at", "revoked_at"),
        ),
    ]


def _refers(name: str, dataset: str, description: str, *, nullable: bool = False):
    return C(name, name, INTEGER, description, refers_to=dataset, nullable=nullable)


def _observed_practice() -> list[Dataset]:
    """The third stage: sessions, places booked on them, each observation and its assessors' scoresheets."""
    return [
        Dataset(
            "assessment_sessions",
            "accreditation.AssessmentSession",
            "Each session of observed practice: where, when and who assesses.",
            (
                id_column("session"),
                C("kind", "kind", TEXT, "At an assessment centre or on site.", choices=_values(AssessmentSession.Kind)),
                _refers("venue_id", "organisations", "The centre or employer (organisations.csv)."),
                C("address", "address", TEXT, "Where, if not the organisation's own address."),
                C("date", "date", DATE, "Date of the session."),
                C("slot", "slot", TEXT, "Start time.", choices=_values(AssessmentSession.Slot)),
                C("capacity", "capacity", INTEGER, "Candidates the session takes."),
                user_column("assessor", "assessor__email", "The assessor.", nullable=False),
                user_column("created_by", "created_by__email", "Who added the session.", nullable=False),
                C("created_at", "created_at", DATETIME, "When it was added."),
            ),
            since_fields=("created_at",),
        ),
        Dataset(
            "observation_bookings",
            "accreditation.Booking",
            "Each place booked on a session, kept when cancelled (rebooking adds a row), with the checks made "
            "when the candidate arrived.",
            (
                id_column("booking"),
                _refers("session_id", "assessment_sessions", "The session (assessment_sessions.csv)."),
                _refers("candidate_id", "accreditation_candidates", "The candidacy (accreditation_candidates.csv)."),
                C("status", "status", TEXT, "Status.", choices=_values(Booking.Status)),
                C("adjustments", "adjustments", TEXT, "Reasonable adjustments the candidate asked for."),
                user_column("booked_by", "booked_by__email", "Who booked it.", nullable=False),
                C("booked_at", "booked_at", DATETIME, "When it was booked."),
                C("cancelled_at", "cancelled_at", DATETIME, "When it was cancelled.", nullable=True),
                C("cancelled_reason", "cancelled_reason", TEXT, "Why it was cancelled."),
                C("photo_id_confirmed", "photo_id_confirmed", BOOLEAN, "Photo identity checked on arrival."),
                C("registration_confirmed", "registration_confirmed", BOOLEAN, "Registration checked on arrival."),
                C("recording_consent", "recording_consent", BOOLEAN, "Consent to recording given."),
                C("footage_for_training", "footage_for_training", BOOLEAN, "Consent to footage used in training."),
                user_column("checked_in_by", "checked_in_by__email", "Who checked the candidate in."),
                C("checked_in_at", "checked_in_at", DATETIME, "When.", nullable=True),
            ),
            since_fields=("booked_at", "cancelled_at", "checked_in_at"),
        ),
        Dataset(
            "practice_observations",
            "accreditation.Observation",
            "Each observation of practice, from scoring to its final outcome, with any moderation decision. Why it "
            "went to a second assessor (borderline, sampled) is not transferred; the scoresheets show who marked it.",
            (
                id_column("observation"),
                _refers("candidate_id", "accreditation_candidates", "The candidacy (accreditation_candidates.csv)."),
                _refers(
                    "booking_id", "observation_bookings", "The place it was observed on (observation_bookings.csv)."
                ),
                C("status", "status", TEXT, "Status.", choices=_values(Observation.Status)),
                C("outcome", "outcome", TEXT, "Outcome.", choices=_values(Observation.Outcome)),
                user_column("moderated_by", "moderated_by__email", "Who moderated it."),
                C("moderated_at", "moderated_at", DATETIME, "When it was moderated.", nullable=True),
                C("moderation_reason", "moderation_reason", TEXT, "The moderator's reasons."),
                C("decided_at", "decided_at", DATETIME, "When the outcome became final.", nullable=True),
                C("created_at", "created_at", DATETIME, "When scoring began."),
            ),
            since_fields=("created_at", "moderated_at", "decided_at"),
        ),
        Dataset(
            "observation_scoresheets",
            "accreditation.Scoresheet",
            "Each assessor's scoresheet for an observation: first, and second where it was second-marked.",
            (
                id_column("scoresheet"),
                _refers("observation_id", "practice_observations", "The observation (practice_observations.csv)."),
                C("marker", "marker", TEXT, "First or second assessor.", choices=_values(Scoresheet.Marker)),
                user_column("assessor", "assessor__email", "The assessor.", nullable=False),
                C("status", "status", TEXT, "Draft or submitted.", choices=_values(Scoresheet.Status)),
                C("reflection_mark", "reflection_mark", INTEGER, "Written reflection, 1 to 4.", nullable=True),
                C(
                    "recommendation",
                    "recommendation",
                    TEXT,
                    "The assessor's recommendation; empty while a draft.",
                    choices=_values(Recommendation),
                ),
                C("summary", "summary", TEXT, "The assessor's summary."),
                C("assigned_at", "assigned_at", DATETIME, "When it was given to the assessor."),
                C("updated_at", "updated_at", DATETIME, "Last saved."),
                C("submitted_at", "submitted_at", DATETIME, "When submitted (scores locked).", nullable=True),
            ),
            since_fields=("assigned_at", "updated_at", "submitted_at"),
        ),
        Dataset(
            "observation_domain_scores",
            "accreditation.DomainScore",
            "Each domain's score on a scoresheet, on the four-point scale, with the evidence the assessor noted.",
            (
                id_column("score"),
                _refers("scoresheet_id", "observation_scoresheets", "The scoresheet (observation_scoresheets.csv)."),
                C("domain_key", "domain_key", TEXT, "The domain of the statement (its key)."),
                C(
                    "score",
                    "score",
                    INTEGER,
                    "1 not yet met, 2 partly met, 3 met, 4 exceeded; empty if not scored.",
                    nullable=True,
                ),
                C("evidence", "evidence", TEXT, "Evidence noted."),
            ),
            always_full=True,
        ),
    ]


def _values(choices) -> tuple[str, ...]:
    return tuple(choices.values)
