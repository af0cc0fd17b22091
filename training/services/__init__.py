"""Every write in early career, one module per subject. Keyword-only, atomic, guarded on the locked row,
audited.

The register is read through ``regulation.selectors`` and written through ``regulation.services`` only.
"""

from accounts.services import ServiceError  # noqa: F401

from .common import (  # noqa: F401
    ensure_programmes,
    is_coordinator,
    max_pause_days,
    qualified_within_years,
    store_outdated_schedules,
    store_schedule,
    store_schedules,
)
from .enrolment import eligibility_refusal, enrol, withdraw  # noqa: F401
from .pauses import add_pause  # noqa: F401
from .reviews import (  # noqa: F401
    approve_early_completion,
    grant_review_window_exception,
    moderate_externally,
    moderate_internally,
    record_review,
    sampled_for_external,
)
from .support import (  # noqa: F401
    add_evidence,
    record_caseload,
    record_learning_agreement,
    record_protected_time,
    record_supervision,
)
