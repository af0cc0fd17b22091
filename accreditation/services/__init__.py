"""Every write of the pathway, one function per transition (keyword-only, atomic, audited)."""

from .assessment import (  # noqa: F401
    draw_form,
    expire_overdue_attempts,
    mark_attempt,
    save_answer,
    set_adjustment,
    start_attempt,
    submit_attempt,
)
from .bank import create_item, create_scenario, retire_item, review_item, revise_item, submit_for_review  # noqa: F401
from .observation import (  # noqa: F401
    assign_second_assessor,
    book_session,
    cancel_booking,
    check_in,
    create_session,
    record_observation_passed,
    resolve_moderation,
    save_draft,
    submit_scores,
)
from .pathway import (  # noqa: F401
    current_standard,
    decline,
    endorse,
    level_settings,
    nominate,
    pause_reason,
    request_endorsement,
    revise_standard,
    save_mapping,
    update_settings,
    withdraw,
)
