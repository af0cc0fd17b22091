"""The three-tier pathway's records, one module per stage of the journey.

Nothing is deleted: statuses, versions and the audit trail keep what happened.
"""

from .assessment import Attempt, AttemptItem, BankStatus, Item, Option, Scenario
from .certification import Accreditation
from .pathway import LEVEL_ORDER, Candidate, Domain, Level, LevelSettings, PracticeMapping, StandardVersion

__all__ = [
    "LEVEL_ORDER",
    "Accreditation",
    "Attempt",
    "AttemptItem",
    "BankStatus",
    "Candidate",
    "Domain",
    "Item",
    "Level",
    "LevelSettings",
    "Option",
    "PracticeMapping",
    "Scenario",
    "StandardVersion",
]
