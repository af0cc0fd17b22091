"""The register's pages, by who uses them: the public, social workers, employers, regulator staff and fitness to
practise. Thin pages: parse the form, call one service or selector, render."""

from ._common import more_than_shown, public_row, searched_for
from .cases import case_add, case_detail, cases, order_revoke
from .employers import employer_staff, employment_confirm, employment_end
from .public import bulk_lookup, check_register
from .social_workers import (
    application_document,
    application_sent,
    application_withdraw,
    apply,
    apply_check,
    cpd,
    cpd_delete,
    cpd_edit,
    direct_work,
    employment,
    my_application,
    my_registration,
    proof_pdf,
    renew,
)
from .staff import (
    annotation_add,
    annotation_end,
    application_review,
    applications,
    condition_add,
    condition_revoke,
    entries,
    entry_detail,
    voluntary_removal,
)

__all__ = [
    "annotation_add",
    "annotation_end",
    "application_document",
    "application_review",
    "application_sent",
    "application_withdraw",
    "applications",
    "apply",
    "apply_check",
    "bulk_lookup",
    "case_add",
    "case_detail",
    "cases",
    "check_register",
    "condition_add",
    "condition_revoke",
    "cpd",
    "cpd_delete",
    "cpd_edit",
    "direct_work",
    "employer_staff",
    "employment",
    "employment_confirm",
    "employment_end",
    "entries",
    "entry_detail",
    "more_than_shown",
    "my_application",
    "my_registration",
    "order_revoke",
    "proof_pdf",
    "public_row",
    "renew",
    "searched_for",
    "voluntary_removal",
]
