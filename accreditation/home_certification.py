"""Decisions to confirm, accreditations and certificates on regulator staff's home page."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import DUE, NONE, OVERDUE, HomeSection, Task, register_home_section


def regulator_decisions_section(user):
    from .selectors import certification as selectors
    from .services.reissue import needing_reissue

    if not account_rules.is_regulator_staff(user):
        return None
    waiting = selectors.decisions_waiting()
    to_reissue = needing_reissue().count()
    reissue = [
        Task(
            "Re-issue signed credentials",
            reverse("accreditation:reissue_credentials"),
            "Credentials that cannot show a revocation outside the service, or were signed with a compromised key.",
            f"{to_reissue} to re-issue",
            urgency=OVERDUE,  # a compromised or unverifiable credential is still in people's hands
        )
    ]
    return HomeSection(
        "Accreditation decisions and certificates",
        [
            *(reissue if to_reissue else []),
            Task(
                "Decisions to confirm",
                reverse("accreditation:decisions"),
                "Candidates who have passed every stage, waiting for your confirmation.",
                f"{waiting} to confirm" if waiting else "",
                urgency=DUE if waiting else NONE,
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
