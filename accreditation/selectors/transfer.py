"""The pathway's records in a regulator transfer bundle: candidates with their stage, status and endorsement
decision, knowledge assessment results, and the accreditations confirmed (and any revoked). ``regulation.transfer``
finds ``transfer_datasets`` here; adding a dataset (observed practice, say) is one more ``Dataset`` in the list
below, a new schema version, then regenerating docs/transfer-format.md (its drift test says so)."""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat

from regulation.transfer.format import BOOLEAN, DATE, DATETIME, INTEGER, TEXT, Dataset, column, id_column, user_column

from ..models import Accreditation, Attempt, Candidate, Level, StandardVersion

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
