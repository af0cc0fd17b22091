"""Every write to the register. Keyword-only, atomic, guarded on the locked row, and audited; one module per
subject, all re-exported here so callers write ``services.approve_application``."""

from accounts.services import ServiceError

from ._common import MAX_END_NOTICE_DAYS, MIN_QUALIFYING_AGE, years_after
from .applications import (
    RESTORABLE,
    allocate_registration_number,
    apply_for_restoration,
    approve_application,
    refuse_application,
    request_more_information,
    respond_to_request,
    submit_application,
    withdraw_application,
)
from .conditions import add_annotation, add_condition, end_annotation, remove_voluntarily, revoke_condition
from .employment import add_employment, confirm_employment, correct_employment_end, end_employment, is_employer_staff
from .fitness_to_practise import (
    apply_order_expiries,
    make_interim_order,
    move_case_stage,
    open_case,
    record_outcome,
    revoke_order,
)
from .renewal import (
    cpd_is_locked,
    cpd_with_locks,
    delete_cpd,
    lapse_unrenewed,
    log_direct_work,
    record_cpd,
    renew_registration,
    renewal_position,
    send_renewal_reminders,
    update_cpd,
)
from .status import derived_status, refresh_status

__all__ = [
    "MAX_END_NOTICE_DAYS",
    "MIN_QUALIFYING_AGE",
    "RESTORABLE",
    "ServiceError",
    "add_annotation",
    "add_condition",
    "add_employment",
    "allocate_registration_number",
    "apply_for_restoration",
    "apply_order_expiries",
    "approve_application",
    "confirm_employment",
    "correct_employment_end",
    "cpd_is_locked",
    "cpd_with_locks",
    "delete_cpd",
    "derived_status",
    "end_annotation",
    "end_employment",
    "is_employer_staff",
    "lapse_unrenewed",
    "log_direct_work",
    "make_interim_order",
    "move_case_stage",
    "open_case",
    "record_cpd",
    "record_outcome",
    "refresh_status",
    "refuse_application",
    "remove_voluntarily",
    "renew_registration",
    "renewal_position",
    "request_more_information",
    "respond_to_request",
    "revoke_condition",
    "revoke_order",
    "send_renewal_reminders",
    "submit_application",
    "update_cpd",
    "withdraw_application",
    "years_after",
]
