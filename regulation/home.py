"""The register's place in the navigation and on each person's home page."""

from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts import rules as account_rules
from accounts.home import DUE, NONE, OVERDUE, WAITING, HomeSection, Task, register_home_section, register_nav

from . import rules as register_rules

# "Check the register" is in every page's footer, for everyone.


def has_register_record(user) -> bool:
    """Social workers, and anyone with an application or an entry (a new applicant has no role yet)."""
    from .models import Application, RegisterEntry

    if not (user and user.is_authenticated):
        return False
    if account_rules.is_social_worker(user):
        return True
    cached = getattr(user, "_has_register_record", None)
    if cached is None:
        cached = Application.objects.filter(applicant=user).exists() or RegisterEntry.objects.filter(user=user).exists()
        user._has_register_record = cached
    return cached


register_nav(
    "Your registration",
    "regulation:my_registration",
    allowed=has_register_record,
    order=20,
    roles=("social_worker",),
)
register_nav(
    "Your staff",
    "regulation:employer_staff",
    allowed=register_rules.is_employer_staff,
    order=30,
    roles=("line_manager",),
)
register_nav("Register", "regulation:entries", allowed=account_rules.is_regulator_staff, order=20)
register_nav("Cases", "regulation:cases", allowed=account_rules.is_regulator_staff, order=21)


def social_worker_section(user):
    from . import selectors, services, years

    if not user.is_authenticated:
        return None
    # A new sign-up has no role: their next task is to apply. Staff and employers without an entry see nothing.
    if user.roles and not has_register_record(user):
        return None
    entry = selectors.own_entry(user)
    heading = "Your registration"
    if entry is None:
        application = selectors.latest_application(user)
        if application and application.status not in ("refused", "withdrawn"):
            task = Task(
                "Your application",
                reverse("regulation:my_application"),
                "",
                application.get_status_display(),
            )
        else:
            task = Task(
                "Apply to register",
                reverse("regulation:apply"),
                "You must be registered to practise as a social worker.",
                urgency=DUE,
            )
        return HomeSection(heading, [task], role="social_worker")
    latest = selectors.latest_application(user)
    if latest is not None and latest.is_open and latest.is_restoration:
        return HomeSection(
            heading,
            [Task("Your application", reverse("regulation:my_application"), "", latest.get_status_display())],
            role="social_worker",
        )
    if entry.status_today in services.RESTORABLE:
        return HomeSection(
            heading,
            [
                Task(
                    "Apply to return to the register",
                    reverse("regulation:apply"),
                    f"Your registration {entry.registration_number} is {entry.get_status_today_display().lower()}.",
                    entry.get_status_today_display(),
                    urgency=DUE,
                )
            ],
            role="social_worker",
        )
    position = services.renewal_position(entry)
    cpd_done = position["cpd"] >= position["min_cpd"] and position["peer"] >= position["min_peer"]
    tasks = [
        Task(
            f"Registration {entry.registration_number}",
            reverse("regulation:my_registration"),
            f"Registered until {entry.registered_until:%-d %B %Y}.",
            entry.get_status_today_display(),
        ),
        Task(
            "Record CPD",
            reverse("regulation:cpd"),
            f"{position['cpd']} of {position['min_cpd']} records this year, {position['peer']} peer "
            f"reflection{pluralize(position['peer'])}.",
            "Done" if cpd_done else "To do",
            urgency=NONE if cpd_done else WAITING,
        ),
    ]
    if position["is_open"] and entry.is_practising:
        tasks.append(
            Task(
                "Renew your registration",
                reverse("regulation:renew"),
                f"Renew by {position['year_end']:%-d %B %Y}"
                + (f" (late renewal until {position['grace_ends']:%-d %B %Y})." if position["late"] else "."),
                "Ready" if position["can_renew"] else "CPD needed",
                urgency=OVERDUE if position["late"] else DUE,
            )
        )
    tasks.append(
        Task(
            "Log direct work",
            reverse("regulation:direct_work"),
            f"{selectors.direct_work_total(entry)} of {years.direct_work_hours_expected()} hours this year.",
        )
    )
    return HomeSection(heading, tasks, role="social_worker")


def employer_section(user):
    from .models import Employment
    from .rules import employer_org_ids

    if not register_rules.is_employer_staff(user):
        return None
    waiting = Employment.objects.filter(
        employer_id__in=employer_org_ids(user), ended_on__isnull=True, confirmed_at__isnull=True
    ).count()
    return HomeSection(
        "Registered social workers you employ",
        [
            Task(
                "Your registered staff",
                reverse("regulation:employer_staff"),
                "Registration status, direct-work hours, and employment to confirm or end.",
                f"{waiting} to confirm" if waiting else "",
                urgency=DUE if waiting else NONE,
            ),
            Task(
                "Check the register", reverse("regulation:check"), "Look people up, or check up to 100 numbers at once."
            ),
        ],
        role="line_manager" if account_rules.is_line_manager(user) else "",
    )


def regulator_section(user):
    from django.db.models import Count, Q

    from .models import Application, FitnessToPractiseCase, RegisterEntry, TransferredId

    if not account_rules.is_regulator_staff(user):
        return None
    applications = Application.objects.filter(status__in=Application.OPEN).count()
    cases = FitnessToPractiseCase.objects.aggregate(open=Count("pk", filter=~Q(stage="closed")))["open"]
    # A successor's first task: its register is empty until its predecessor's bundle is loaded.
    first = []
    if not RegisterEntry.objects.exists() and not TransferredId.objects.exists():
        first.append(
            Task(
                "Load the register from a predecessor",
                reverse("transfer:load"),
                "The register is empty. If another regulator kept it before, upload the bundle they exported: "
                "it is checked first, and loaded only when you confirm.",
            )
        )
    return HomeSection(
        "The register",
        [
            *first,
            Task(
                "Applications to register",
                reverse("regulation:applications"),
                "Oldest first.",
                f"{applications} waiting",
                urgency=DUE if applications else NONE,
            ),
            Task(
                "Fitness to practise cases",
                reverse("regulation:cases"),
                "Open cases with their age.",
                f"{cases} open",
                urgency=WAITING if cases else NONE,
            ),
            Task("Search the register", reverse("regulation:entries"), "Open any entry and its full history."),
        ],
        role="regulator_staff",
    )


register_home_section(social_worker_section, order=10)
register_home_section(employer_section, order=20)
register_home_section(regulator_section, order=10)
