"""Thin pages: check the rule, parse the form, call one service or selector, render. One module per subject."""

from .claims import claim, claim_csv, claim_pdf, claims
from .cohort import cohort, enrol
from .figures import journey_page, national, programmes
from .record import done, enrolment, my_programme
from .record_forms import (
    caseload,
    early_completion,
    evidence,
    evidence_file,
    external_moderation,
    learning_agreement,
    moderation,
    pause,
    protected_time,
    review,
    review_window_exception,
    supervision,
    withdraw,
)

__all__ = [
    "caseload",
    "claim",
    "claim_csv",
    "claim_pdf",
    "claims",
    "cohort",
    "done",
    "early_completion",
    "enrol",
    "enrolment",
    "evidence",
    "evidence_file",
    "external_moderation",
    "journey_page",
    "learning_agreement",
    "moderation",
    "my_programme",
    "national",
    "pause",
    "programmes",
    "protected_time",
    "review",
    "review_window_exception",
    "supervision",
    "withdraw",
]
