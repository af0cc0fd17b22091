"""Every write of course approval: keyword-only, atomic, guarded, locked and audited.

The same functions serve the pages, the API, the management commands and beat's housekeeping."""

from accounts.services import ServiceError

from ._common import COURSE_FIELDS, MONITORING_NOTICE_DAYS, PROVIDER_FIELDS, REMIND_BEFORE_DAYS
from .applications import (
    missing_evidence,
    remove_document,
    respond_to_request,
    save_evidence,
    start_application,
    submit_application,
    upload_evidence,
    withdraw_application,
)
from .conditions import decide_condition, flag_overdue_conditions, remind_conditions_due, respond_to_condition
from .courses import add_course, provider_for_organisation, update_course, update_provider
from .ending import close_course, withdraw_approval
from .matching import match_register_course
from .monitoring import (
    open_due_monitoring_returns,
    open_monitoring_return,
    record_monitoring_outcome,
    send_monitoring_reminders,
    submit_monitoring,
)
from .review import assign, decide, exempt_from_inspection, record_inspection, request_information, review_standard

__all__ = [
    "COURSE_FIELDS",
    "MONITORING_NOTICE_DAYS",
    "PROVIDER_FIELDS",
    "REMIND_BEFORE_DAYS",
    "ServiceError",
    "add_course",
    "assign",
    "close_course",
    "decide",
    "decide_condition",
    "exempt_from_inspection",
    "flag_overdue_conditions",
    "match_register_course",
    "missing_evidence",
    "open_due_monitoring_returns",
    "open_monitoring_return",
    "provider_for_organisation",
    "record_inspection",
    "record_monitoring_outcome",
    "remind_conditions_due",
    "remove_document",
    "request_information",
    "respond_to_condition",
    "respond_to_request",
    "review_standard",
    "save_evidence",
    "send_monitoring_reminders",
    "start_application",
    "submit_application",
    "submit_monitoring",
    "update_course",
    "update_provider",
    "upload_evidence",
    "withdraw_application",
    "withdraw_approval",
]
