"""Early career in the navigation and on each person's home page: the next task as a link."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import DUE, NONE, OVERDUE, HomeSection, Task, register_home_section, register_nav
from accounts.pagination import first_rows

from . import rules as training_rules


def _is_participant(user):
    return training_rules.is_any_participant(user)


def _sees_cohort(user):
    return user.has_perm("training.view_cohort")


register_nav("Early career", "training:cohort", allowed=_sees_cohort, order=35, roles=("line_manager",))
register_nav("Your early career", "training:my_programme", allowed=_is_participant, order=22, roles=("social_worker",))
# "Your journey" and the national figures are reached from the home page.


def participant_section(user):
    from . import selectors

    if not training_rules.is_any_participant(user):
        return None
    enrolment = selectors.current_enrolment(user)
    if enrolment is None:
        return None
    rows = selectors.cohort_rows([enrolment])
    row = rows[0]
    tasks = []
    if row.next_point and enrolment.is_open:
        tasks.append(
            Task(
                f"Your {row.next_point.label.lower()}",
                reverse("training:my_programme"),
                f"Due {row.next_point.due_on:%-d %B %Y}. Add your evidence before then.",
                row.next_point.state_label,
                urgency={"overdue": OVERDUE, "due_soon": DUE}.get(row.next_point.state, NONE),
            )
        )
    else:
        tasks.append(
            Task(
                f"Your {enrolment.programme.short_name}",
                reverse("training:my_programme"),
                "",
                enrolment.get_status_display(),
            )
        )
    tasks.append(
        Task(
            "Your journey",
            reverse("training:journey"),
            "From registration through early career to accreditation and expert practitioner.",
        )
    )
    return HomeSection(f"Your {enrolment.programme.short_name}", tasks, role="social_worker")


def cohort_section(user):
    from . import selectors

    if not user.is_authenticated:
        return None
    coordinator = training_rules.is_coordinator(user)
    if not coordinator and not training_rules.has_team_role(user):
        return None
    mine = selectors.cohort(user, include_finished=False, mine_only=not coordinator, schedule_only=True)
    summary = selectors.cohort_summary(mine)
    tasks = []
    # The summary has counted them: with none overdue, there is nobody to look for.
    overdue = selectors.cohort_rows(first_rows(mine.filter(is_overdue=True), 3)) if summary["overdue"] else []
    for r in overdue:
        tasks.append(
            Task(
                r.enrolment.participant_name,
                reverse("training:enrolment", args=[r.enrolment.pk]),
                "Overdue: " + ", ".join(r.overdue),
                "Overdue",
                urgency=OVERDUE,
            )
        )
    tasks.append(
        Task(
            "Early career cohort",
            reverse("training:cohort"),
            f"{summary['open']} on a programme; {summary['overdue']} with something overdue; "
            f"{summary['internal_moderation']} awaiting moderation"
            + (f"; {summary['protected_behind']} short of protected time." if summary["protected_behind"] else "."),
        )
    )
    if coordinator:
        tasks.append(Task("Enrol a newly qualified social worker", reverse("training:enrol"), ""))
        tasks.append(Task("Funding claims", reverse("training:claims"), "Claim the employer grant by milestone."))
    return HomeSection("Early career", tasks, role="line_manager" if account_rules.is_line_manager(user) else "")


def regulator_section(user):
    from .models import Enrolment

    if not account_rules.is_regulator_staff(user):
        return None
    waiting = Enrolment.objects.filter(status=Enrolment.Status.AWAITING_EXTERNAL).count()
    return HomeSection(
        "Early career",
        [
            Task(
                "External moderation",
                reverse("training:cohort") + "?status=awaiting_external",
                "Final assessments sampled for external moderation.",
                f"{waiting} waiting" if waiting else "",
                urgency=DUE if waiting else NONE,
            ),
            Task(
                "National early career figures",
                reverse("training:national"),
                "Enrolled, completed, passed, failed, extended and withdrawn by employer, region and year.",
            ),
        ],
    )


register_home_section(participant_section, order=12)
register_home_section(cohort_section, order=25)
register_home_section(regulator_section, order=15)
