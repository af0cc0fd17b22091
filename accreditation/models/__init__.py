"""The three-tier pathway's records, one module per stage of the journey.

Nothing is deleted: statuses, versions and the audit trail keep what happened.
"""

from .assessment import Attempt, AttemptItem, BankStatus, Item, Option, Scenario
from .certification import Accreditation
from .credentials import SigningKey, StatusList
from .observation import AssessmentSession, Booking, DomainScore, Observation, Recommendation, Scoresheet
from .pathway import LEVEL_ORDER, Candidate, Domain, Level, LevelSettings, PracticeMapping, StandardVersion

__all__ = [
    "LEVEL_ORDER",
    "Accreditation",
    "AssessmentSession",
    "Attempt",
    "AttemptItem",
    "BankStatus",
    "Booking",
    "Candidate",
    "Domain",
    "DomainScore",
    "Item",
    "Level",
    "LevelSettings",
    "Observation",
    "Option",
    "PracticeMapping",
    "Recommendation",
    "Scenario",
    "Scoresheet",
    "SigningKey",
    "StandardVersion",
    "StatusList",
]
