"""The pathway's place in the navigation and on each person's home page."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import HomeSection, Task, register_home_section, register_nav

register_nav("Accreditation", "accreditation:pathway", allowed=account_rules.is_social_worker, order=25)
register_nav("Accreditation candidates", "accreditation:nominees", allowed=account_rules.is_line_manager, order=31)
register_nav("Accreditation", "accreditation:staff", allowed=account_rules.is_regulator_staff, order=22)


def social_worker_section(user):
    """The pathway at each level: the stage now, and what is next and by when."""
    from . import selectors

    if not account_rules.is_social_worker(user):
        return None
    tasks = []
    for level in selectors.pathway_for(user):
        c = level["candidate"]
        if level["accredited"]:
            status = "Accredited"
        elif c is None:
            status = "Not started"
        else:
            current = next((s for s in level["stages"] if s["state"] not in ("Done", "Not yet open")), None)
            status = f"{current['label']}: {current['state']}" if current else c.get_stage_display()
        if level["open_attempt"]:
            url = reverse("accreditation:question", args=[level["open_attempt"].pk, 1])
        elif c is not None:
            url = reverse("accreditation:candidate", args=[c.pk])
        else:
            url = reverse("accreditation:pathway")
        tasks.append(Task(level["label"], url, level["next"], status))
    return HomeSection("Your accreditation pathway", tasks, role="social_worker")


def line_manager_section(user):
    from .selectors import nominees_waiting_for_endorsement

    if not account_rules.is_line_manager(user):
        return None
    waiting = nominees_waiting_for_endorsement(user)
    return HomeSection(
        "Accreditation",
        [
            Task(
                "Your accreditation candidates",
                reverse("accreditation:nominees"),
                "Where each nominee stands; map practice and decide endorsements.",
                f"{waiting} waiting for endorsement" if waiting else "",
            ),
            Task("Nominate a social worker", reverse("accreditation:nominate"), "For any of the three levels."),
        ],
        role="line_manager",
    )


def regulator_section(user):
    from .models import BankStatus, Item

    if not account_rules.is_regulator_staff(user):
        return None
    in_review = Item.objects.filter(status=BankStatus.IN_REVIEW).count()
    return HomeSection(
        "Accreditation",
        [
            Task("Pipeline and pass rates", reverse("accreditation:staff"), "Candidates per stage and level."),
            Task(
                "Question bank",
                reverse("accreditation:bank") + "?status=in_review",
                "Write, review and retire items.",
                f"{in_review} to review" if in_review else "",
            ),
            Task("Item statistics", reverse("accreditation:statistics"), "Facility and discrimination per item."),
            Task("Standards", reverse("accreditation:standards"), "The three statements and their versions."),
        ],
        role="regulator_staff",
    )


register_home_section(social_worker_section, order=15)
register_home_section(line_manager_section, order=25)
register_home_section(regulator_section, order=15)

from . import home_observation  # noqa: E402, F401  the practice observation's sections
