"""Decisions to confirm, accreditations and certificates on regulator staff's home page."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import HomeSection, Task, register_home_section


def regulator_decisions_section(user):
    from .selectors import certification as selectors

    if not account_rules.is_regulator_staff(user):
        return None
    waiting = selectors.decisions_waiting()
    return HomeSection(
        "Accreditation decisions and certificates",
        [
            Task(
                "Decisions to confirm",
                reverse("accreditation:decisions"),
                "Candidates who have passed every stage, waiting for your confirmation.",
                f"{waiting} to confirm" if waiting else "",
            ),
            Task(
                "Accreditations and certificates",
                reverse("accreditation:accreditations"),
                "Find an accreditation, make its certificate again, or revoke it.",
            ),
            Task(
                "Make certificates for a cohort", reverse("accreditation:batch"), "One background job, with progress."
            ),
        ],
        role="regulator_staff",
    )


register_home_section(regulator_decisions_section, order=16)
