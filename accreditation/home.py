"""The pathway's place in the navigation and on each person's home page."""

from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import DUE, NONE, WAITING, HomeSection, Task, register_home_section, register_nav

register_nav(
    "Accreditation", "accreditation:pathway", allowed=account_rules.is_social_worker, order=25, roles=("social_worker",)
)
register_nav(
    "Accreditation candidates",
    "accreditation:nominees",
    allowed=account_rules.is_line_manager,
    order=31,
    roles=("line_manager",),
)
register_nav("Accreditation", "accreditation:staff", allowed=account_rules.is_regulator_staff, order=22)


def social_worker_section(user):
    """The pathway at each level: the stage now, and what is next and by when."""
    from django.utils import timezone

    from . import selectors
    from .models import Candidate

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
        urgency = NONE
        if level["open_attempt"]:
            url = reverse("accreditation:question", args=[level["open_attempt"].pk, 1])
            urgency = DUE
        elif (
            c is not None
            and c.status == Candidate.Status.ACTIVE
            and not c.paused
            and c.stage == Candidate.Stage.KNOWLEDGE
            and not (level["resit_from"] and level["resit_from"] > timezone.now())
        ):  # the knowledge assessment is theirs to take now
            url = reverse("accreditation:candidate", args=[c.pk])
            urgency = WAITING
        elif c is not None:
            url = reverse("accreditation:candidate", args=[c.pk])
        else:
            url = reverse("accreditation:pathway")
        tasks.append(Task(level["label"], url, level["next"], status, urgency=urgency))
    from training.rules import is_any_participant

    if not is_any_participant(user):  # a participant finds it in their early career section
        tasks.append(
            Task(
                "Your journey",
                reverse("training:journey"),
                "From registration through early career to accreditation and expert practitioner.",
            )
        )
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
                urgency=DUE if waiting else NONE,
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
                urgency=WAITING if in_review else NONE,
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
