"""Early career in a regulator transfer bundle: enrolments, their outcomes and every record a successor needs,
declared as ``Dataset``s (regulation/transfer/format.py) and found by regulation.transfer through
``training.selectors.transfer_datasets``."""

from __future__ import annotations

from ..models import (
    CaseloadMonth,
    Enrolment,
    Evidence,
    FundingClaim,
    FundingClaimLine,
    LearningAgreement,
    Moderation,
    Pause,
    Programme,
    Reminder,
    Review,
    ReviewWindowException,
)


def programme_ids(codes: set[str]) -> dict[str, int]:
    """This service's programmes for the codes in a transfer bundle."""
    return dict(Programme.objects.filter(code__in=codes).values_list("code", "pk"))


def _store_loaded_schedules() -> None:
    """Loaded enrolments have no stored schedule dates (derived values are not in a bundle): derive them."""
    from ..services import store_outdated_schedules

    store_outdated_schedules()


def transfer_datasets() -> list:
    """Early-career enrolments, their outcomes and their records in a regulator transfer bundle (found by
    regulation.transfer).
    Adding a dataset is one more ``Dataset`` here, then regenerating docs/transfer-format.md."""
    from regulation.transfer.format import (
        BOOLEAN,
        DATE,
        DATETIME,
        DECIMAL,
        INTEGER,
        TEXT,
        Dataset,
        column,
        id_column,
        user_column,
    )

    C = column
    return [
        Dataset(
            "early_career_enrolments",
            "training.Enrolment",
            "Each newly qualified social worker's enrolment on an early-career programme (ASYE, the early career "
            "programme), with its status and outcome.",
            (
                id_column("enrolment"),
                C(
                    "programme",
                    "programme__code",
                    TEXT,
                    "The programme's code.",
                    field="programme_id",
                    resolve=programme_ids,
                ),
                user_column("participant", "participant__email", "Email of the social worker.", nullable=False),
                C("registration_number", "registration_number", TEXT, "Registration number at enrolment."),
                C("participant_name", "participant_name", TEXT, "Name at enrolment."),
                C("qualified_on", "qualified_on", DATE, "Date of qualification."),
                C("employer_id", "employer_id", INTEGER, "Employer (organisations.csv).", refers_to="organisations"),
                C("cohort", "cohort", TEXT, "Cohort."),
                C("team", "team", TEXT, "Team."),
                C("fte", "fte", DECIMAL, "Full-time equivalent, such as 1.00 or 0.60."),
                C("start_date", "start_date", DATE, "Start."),
                C("planned_end_date", "planned_end_date", DATE, "End from the programme length and FTE."),
                C("end_date", "end_date", DATE, "End after pauses and extensions."),
                user_column("supervisor", "supervisor__email", "Supervisor.", nullable=False),
                user_column("assessor", "assessor__email", "Assessor.", nullable=False),
                user_column("line_manager", "line_manager__email", "Line manager."),
                C("assessor_is_line_manager", "assessor_is_line_manager", BOOLEAN, "Assessor is the line manager."),
                C("status", "status", TEXT, "Status now.", choices=tuple(Enrolment.Status.values)),
                C("outcome_on", "outcome_on", DATE, "When it was passed, failed or withdrawn.", nullable=True),
                C("sampled_for_external", "sampled_for_external", BOOLEAN, "Sampled for external moderation."),
                C("early_completion_reason", "early_completion_reason", TEXT, "Why it completed early."),
                user_column("early_completion_approved_by", "early_completion_approved_by__email", "Who approved it."),
                C("withdrawn_reason", "withdrawn_reason", TEXT, "Why withdrawn."),
                C("annotation_added_on", "annotation_added_on", DATE, "Register annotation added.", nullable=True),
                C(
                    "expert_annotation_added_on",
                    "expert_annotation_added_on",
                    DATE,
                    "Expert annotation added.",
                    nullable=True,
                ),
                user_column("created_by", "created_by__email", "Who enrolled them.", nullable=False),
                C("created_at", "created_at", DATETIME, "When enrolled."),
            ),
            since_fields=("created_at", "start_date", "outcome_on"),
            rows=lambda: Enrolment.objects.all(),
            after_load=_store_loaded_schedules,
        ),
        *_enrolment_records(),
        *_agreements_and_funding(),
    ]


def _enrolment_reference():
    """The column by which each early-career record names its enrolment (every dataset after the enrolments')."""
    from regulation.transfer.format import INTEGER, column

    return column(
        "enrolment_id",
        "enrolment_id",
        INTEGER,
        "The enrolment (early_career_enrolments.csv).",
        refers_to="early_career_enrolments",
    )


def _enrolment_records() -> list:
    """What happens within an enrolment that a successor needs to carry it on: pauses, reviews and their
    moderation, supervision, protected time and the evidence recorded (its documents' metadata; the files are
    handed over with the file store)."""
    from regulation.transfer.format import (
        BOOLEAN,
        DATE,
        DATETIME,
        DECIMAL,
        INTEGER,
        OBJECT,
        TEXT,
        Dataset,
        column,
        id_column,
        user_column,
    )

    C = column

    enrolment = _enrolment_reference

    return [
        Dataset(
            "early_career_pauses",
            "training.Pause",
            "Each pause in an enrolment (sickness, parental or other leave): the end date moves by its length.",
            (
                id_column("pause"),
                enrolment(),
                C("kind", "kind", TEXT, "Why it paused.", choices=tuple(Pause.Kind.values)),
                C("starts_on", "starts_on", DATE, "First day."),
                C("ends_on", "ends_on", DATE, "Last day."),
                C("reason", "reason", TEXT, "Reason recorded."),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "starts_on", "ends_on"),
        ),
        Dataset(
            "early_career_supervision",
            "training.SupervisionSession",
            "Each supervision session held.",
            (
                id_column("session"),
                enrolment(),
                C("held_on", "held_on", DATE, "When it was held."),
                C("minutes", "minutes", INTEGER, "Length in minutes."),
                user_column("supervisor", "supervisor__email", "The supervisor.", nullable=False),
                C("themes", "themes", TEXT, "What was discussed."),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "held_on"),
        ),
        Dataset(
            "early_career_protected_time",
            "training.ProtectedTime",
            "Protected development time taken, by week.",
            (
                id_column("record"),
                enrolment(),
                C("week_starting", "week_starting", DATE, "The week (its Monday)."),
                C("hours", "hours", DECIMAL, "Hours, such as 3.5."),
                C("activity", "activity", TEXT, "What the time was used for."),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "week_starting"),
        ),
        Dataset(
            "early_career_reviews",
            "training.Review",
            "Each progress review and the final assessment: the judgement on each standard, the evidence seen and "
            "the recommendation. A review returned by moderation is kept, and the one held again is a new row.",
            (
                id_column("review"),
                enrolment(),
                C("point", "point", TEXT, "The review point's key in the programme, such as final."),
                C("point_label", "point_label", TEXT, "The review point as named when it was held."),
                C("held_on", "held_on", DATE, "When it was held."),
                user_column("assessor", "assessor__email", "The assessor.", nullable=False),
                C(
                    "judgements",
                    "judgements",
                    OBJECT,
                    "The judgement on each standard: standard → on_track, some_concerns, significant_concerns "
                    "(progress reviews), met or not_met (the final assessment).",
                ),
                C(
                    "standard_evidence",
                    "standard_evidence",
                    OBJECT,
                    "The final assessment's evidence for each standard's judgement: standard → text; {} otherwise.",
                ),
                C("evidence_seen", "evidence_seen", TEXT, "Evidence seen."),
                C("actions", "actions", TEXT, "Actions agreed."),
                C(
                    "recommendation",
                    "recommendation",
                    TEXT,
                    "The final assessment's recommendation; empty for a progress review.",
                    choices=tuple(Review.Recommendation.values),
                ),
                C("is_final", "is_final", BOOLEAN, "Whether it is the final assessment."),
                C(
                    "returned_at",
                    "returned_at",
                    DATETIME,
                    "When moderation returned it to the assessor.",
                    nullable=True,
                ),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "held_on", "returned_at"),
        ),
        Dataset(
            "early_career_moderation",
            "training.Moderation",
            "Each moderation decision on a final assessment, internal and external.",
            (
                id_column("decision"),
                enrolment(),
                C(
                    "review_id",
                    "review_id",
                    INTEGER,
                    "The final assessment moderated (early_career_reviews.csv).",
                    refers_to="early_career_reviews",
                ),
                C("stage", "stage", TEXT, "Internal or external.", choices=tuple(Moderation.Stage.values)),
                C("decision", "decision", TEXT, "The decision.", choices=tuple(Moderation.Decision.values)),
                C("reason", "reason", TEXT, "Why."),
                user_column("decided_by", "decided_by__email", "Who decided.", nullable=False),
                C("decided_at", "decided_at", DATETIME, "When."),
            ),
            since_fields=("decided_at",),
        ),
        Dataset(
            "early_career_evidence",
            "training.Evidence",
            "Evidence recorded towards the standards: its kind, title and text, and its document's metadata.",
            (
                id_column("evidence"),
                enrolment(),
                C("kind", "kind", TEXT, "Kind of evidence.", choices=tuple(Evidence.Kind.values)),
                C("title", "title", TEXT, "Title."),
                C("occurred_on", "occurred_on", DATE, "When it happened."),
                C("text", "text", TEXT, "The evidence as written."),
                C(
                    "file_stored_as",
                    "file",
                    TEXT,
                    "Where the predecessor stored its document (the file is not in the bundle); empty if none.",
                    field="file",
                ),
                C("original_name", "original_name", TEXT, "The document's name as uploaded."),
                C("detected_type", "detected_type", TEXT, "Its type, as found from its content."),
                C("size", "size", INTEGER, "Its size in bytes.", nullable=True),
                user_column("added_by", "added_by__email", "Who added it.", nullable=False),
                C("added_at", "added_at", DATETIME, "When."),
            ),
            since_fields=("added_at",),
        ),
    ]


def _agreements_and_funding() -> list:
    """The rest of what a successor needs to carry an enrolment on: its learning agreement, its caseload month by
    month, the recorded decisions to hold a review outside its window (who, when, why), the employers' funding
    claims with the milestones each paid, and the reminders already sent (so none is sent twice)."""
    from regulation.transfer.format import (
        DATE,
        DATETIME,
        DECIMAL,
        INTEGER,
        TEXT,
        Dataset,
        column,
        id_column,
        user_column,
    )

    C = column

    enrolment = _enrolment_reference

    return [
        Dataset(
            "early_career_learning_agreements",
            "training.LearningAgreement",
            "Each enrolment's learning agreement: the development needs, the support the employer will give and the "
            "workload agreed.",
            (
                id_column("agreement"),
                enrolment(),
                C("agreed_on", "agreed_on", DATE, "When it was agreed."),
                C("development_needs", "development_needs", TEXT, "Development needs."),
                C("support", "support", TEXT, "Support the employer will give."),
                C("workload", "workload", TEXT, "Workload and protected time."),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "agreed_on"),
            rows=lambda: LearningAgreement.objects.all(),
        ),
        Dataset(
            "early_career_caseload",
            "training.CaseloadMonth",
            "Cases held, month by month, beside an experienced full-time worker's caseload in the same team.",
            (
                id_column("record"),
                enrolment(),
                C("month", "month", DATE, "The month (its first day)."),
                C("cases", "cases", INTEGER, "Cases held."),
                C(
                    "experienced_caseload",
                    "experienced_caseload",
                    INTEGER,
                    "Cases an experienced full-time worker in the same team holds.",
                ),
                user_column("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "month"),
            rows=lambda: CaseloadMonth.objects.all(),
        ),
        Dataset(
            "early_career_review_window_exceptions",
            "training.ReviewWindowException",
            "Each recorded decision that a review may be held outside its window: which review, why, who and when.",
            (
                id_column("exception"),
                enrolment(),
                C("point", "point", TEXT, "The review point's key in the programme."),
                C("reason", "reason", TEXT, "Why."),
                user_column("granted_by", "granted_by__email", "Who granted it.", nullable=False),
                C("granted_at", "granted_at", DATETIME, "When."),
            ),
            since_fields=("granted_at",),
            rows=lambda: ReviewWindowException.objects.all(),
        ),
        Dataset(
            "early_career_funding_claims",
            "training.FundingClaim",
            "Each funding claim an employer made for a period, and its total.",
            (
                id_column("claim"),
                C("employer_id", "employer_id", INTEGER, "Employer (organisations.csv).", refers_to="organisations"),
                C("period_start", "period_start", DATE, "First day of the period claimed for."),
                C("period_end", "period_end", DATE, "Last day."),
                C("total", "total", DECIMAL, "Total claimed in pounds, such as 2000.00."),
                user_column("created_by", "created_by__email", "Who made the claim.", nullable=False),
                C("created_at", "created_at", DATETIME, "When."),
            ),
            since_fields=("created_at",),
            rows=lambda: FundingClaim.objects.all(),
        ),
        Dataset(
            "early_career_funding_claim_lines",
            "training.FundingClaimLine",
            "Each milestone a funding claim paid for an enrolment (each is paid once, whichever claim holds it).",
            (
                id_column("line"),
                C(
                    "claim_id",
                    "claim_id",
                    INTEGER,
                    "The claim (early_career_funding_claims.csv).",
                    refers_to="early_career_funding_claims",
                ),
                enrolment(),
                C("milestone", "milestone", TEXT, "The milestone's key in the programme."),
                C("milestone_label", "milestone_label", TEXT, "The milestone as named when it was claimed."),
                C("reached_on", "reached_on", DATE, "When it was reached."),
                C("amount", "amount", DECIMAL, "Amount in pounds, such as 1000.00."),
            ),
            since_fields=("claim__created_at", "reached_on"),
            rows=lambda: FundingClaimLine.objects.all(),
        ),
        Dataset(
            "early_career_reminders",
            "training.Reminder",
            "Each reminder sent about an enrolment (a review or supervision falling due), so none is sent twice.",
            (
                id_column("reminder"),
                enrolment(),
                C("kind", "kind", TEXT, "What it was about."),
                C("due_on", "due_on", DATE, "When that falls due."),
                C("sent_to", "sent_to", TEXT, "The addresses it was sent to, separated by commas."),
                C("sent_at", "sent_at", DATETIME, "When it was sent."),
            ),
            since_fields=("sent_at",),
            rows=lambda: Reminder.objects.all(),
        ),
    ]
