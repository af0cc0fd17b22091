"""Practice observation on people's home pages: the assessor's work, and moderation for regulator staff."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import DUE, NONE, OVERDUE, WAITING, HomeSection, Task, register_home_section, register_nav

register_nav("Assessments", "accreditation:assessor", allowed=account_rules.is_assessor, order=26, roles=("assessor",))


# Scoresheets named on the home page; the rest are counted, and listed on the assessor's page.
HOME_SCORESHEETS = 5


def assessor_section(user):
    """The next task first: someone to check in, then a draft to finish, then scoresheets not started."""
    from .selectors.observation import assessor_work

    if not account_rules.is_assessor(user):
        return None
    work = assessor_work(user)
    tasks = []
    for b in work["to_check_in"]:
        tasks.append(
            Task(
                f"Check in {b.candidate.user.display_name}",
                reverse("accreditation:check_in", args=[b.pk]),
                "Confirm photo ID, registration number and consent to recording.",
                "Today",
                urgency=OVERDUE,  # the candidate is waiting in the room
            )
        )
    for s in list(work["to_score"])[:HOME_SCORESHEETS]:  # drafts first
        name = s.observation.candidate.user.display_name
        tasks.append(
            Task(
                f"{'Continue scoring' if s.is_draft else 'Score'} {name}",
                reverse("accreditation:scoresheet", args=[s.pk]),
                f"{s.observation.candidate.get_level_display()}, {s.get_marker_display().lower()}.",
                f"Draft: {s.scored} of {s.domains} domains scored" if s.is_draft else "Not started",
                urgency=DUE if s.is_draft else WAITING,
            )
        )
    sessions = len(work["sessions"])
    more = work["to_score"].paginator.count - HOME_SCORESHEETS
    tasks.append(
        Task(
            "Your sessions and candidates",
            reverse("accreditation:assessor"),
            (f"{more} more candidate{'s' if more != 1 else ''} to score. " if more > 0 else "")
            + "Sessions ahead, candidates to score and scores you have submitted.",
            f"{sessions} session{'s' if sessions != 1 else ''} ahead",
        )
    )
    tasks.append(Task("Your calibration", reverse("accreditation:my_calibration"), "Agreement with second markers."))
    return HomeSection("Practice observation", tasks, role="assessor")


def regulator_section(user):
    from .models import Observation

    if not account_rules.is_regulator_staff(user):
        return None
    waiting = Observation.objects.filter(status=Observation.Status.MODERATION).count()
    return HomeSection(
        "Practice observation",
        [
            Task(
                "Practice observation moderation",
                reverse("accreditation:moderation"),
                "Settle differences between first and second assessors, with reasons.",
                f"{waiting} waiting" if waiting else "",
                urgency=DUE if waiting else NONE,
            ),
            Task("Assessment sessions", reverse("accreditation:sessions"), "Add sessions and see bookings."),
            Task("Assessor calibration", reverse("accreditation:calibration"), "Agreement with second markers."),
            Task(
                "Observation results and assessors",
                reverse("accreditation:observation_statistics"),
                "Pass rates by level and each assessor's output.",
            ),
        ],
        role="regulator_staff",
    )


register_home_section(assessor_section, order=10)
register_home_section(regulator_section, order=16)
