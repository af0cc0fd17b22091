"""The navigation and the home page are built from what each app registers in its AppConfig.ready().

An app adds a navigation item (shown to those its predicate allows) and a home-page section (what
that person has to do next), so the home page grows with the product without this module knowing it.

The navigation stays on one row at 1,280px: it holds the main places of the person's main role only (a line
manager who is also a social worker sees their line manager's places); everything else is reached from the
home page, which has a section for each of their roles. The home page leads with the work waiting for them,
most urgent first, gathered from every section's tasks by their ``urgency``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from . import rules as account_rules

# Which role a person's home and navigation are built around when they hold several: the one whose work is for
# others comes before their own registration.
ROLE_PRECEDENCE = ["regulator_staff", "workforce_lead", "course_lead", "assessor", "line_manager", "social_worker"]

HOME_TITLES = {
    "regulator_staff": "Regulator home",
    "workforce_lead": "Workforce lead home",
    "course_lead": "Course lead home",
    "assessor": "Assessor home",
    "line_manager": "Line manager home",
    "social_worker": "Social worker home",
}

# How urgent a task on the home page is; anything above NONE is listed first under "Waiting for you".
NONE, WAITING, DUE, OVERDUE = 0, 1, 2, 3


def primary_role(user) -> str:
    """The role a person's home leads with. Someone with no role yet is a would-be social worker (an applicant)."""
    roles = set(user.roles) if user is not None and user.is_authenticated else set()
    return next((role for role in ROLE_PRECEDENCE if role in roles), "social_worker")


def home_title(user) -> str:
    return HOME_TITLES[primary_role(user)]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable
    order: int = 100
    roles: tuple[str, ...] = ()  # shown only when the person's main role is one of these; () for any

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class Task:
    """One thing on someone's home page: a link and a line saying why it matters."""

    title: str
    url: str
    description: str = ""
    status: str = ""
    urgency: int = NONE  # WAITING, DUE or OVERDUE puts it under "Waiting for you" at the top of the home page


@dataclass
class HomeSection:
    heading: str
    tasks: list[Task] = field(default_factory=list)
    empty_text: str = "Nothing to do here at the moment."
    role: str = ""  # the role this section serves, if any


_nav_items: list[NavItem] = []
_home_sections: list[tuple[int, Callable]] = []


def register_nav(
    label: str, url_name: str, *, allowed: Callable, order: int = 100, roles: tuple[str, ...] = ()
) -> None:
    if not any(item.url_name == url_name for item in _nav_items):
        _nav_items.append(NavItem(label, url_name, allowed, order, roles))


def register_home_section(builder: Callable, *, order: int = 100) -> None:
    """`builder(user)` returns a HomeSection, or None when the section is not for this person."""
    if builder not in [b for _, b in _home_sections]:
        _home_sections.append((order, builder))


def nav_for(user) -> list[NavItem]:
    main = primary_role(user)
    return [
        item
        for item in sorted(_nav_items, key=lambda i: i.order)
        if (not item.roles or main in item.roles) and item.allowed(user)
    ]


def nav_links(user, path: str) -> list[dict]:
    """The navigation as the template draws it: the page's own item is current; the item whose address is the
    longest start of the page's address is active (a record inside "Cases" keeps "Cases" marked)."""
    items = nav_for(user)
    links = [{"label": item.label, "url": item.url} for item in items]
    inside = [link for link in links if link["url"] != "/" and path.startswith(link["url"]) and path != link["url"]]
    within = max(inside, key=lambda link: len(link["url"]), default=None)
    for link in links:
        link["current"] = link["url"] == path
        link["active"] = link is within and not any(other["url"] == path for other in links)
    return links


def home_sections_for(user) -> list[HomeSection]:
    """Sections the apps contribute, plus an empty state for any role of the person that none served.

    The sections for the person's main role come first, then the rest of their work, then their own registration
    and pathway (when their main role is not social worker), then tools and background work."""
    from .models import Role

    ordered = []
    for order, builder in sorted(_home_sections, key=lambda pair: pair[0]):
        section = builder(user)
        if section is not None:
            ordered.append((order, section))
    served = {section.role for _, section in ordered}
    for role in Role:
        if role.value in user.roles and role.value not in served:
            where = ", ".join(o.name for o in user.organisations_for(role.value))
            empty = HomeSection(f"{role.label} at {where}", empty_text=ROLE_EMPTY_STATES[role.value], role=role.value)
            ordered.insert(0, (0, empty))
    main = primary_role(user)

    def place(pair):
        order, section = pair
        if order >= TOOLS_ORDER:
            return 3
        if section.role == main:
            return 0
        return 2 if section.role == "social_worker" else 1

    return [section for _, section in sorted(ordered, key=place)]


@dataclass
class Home:
    title: str
    waiting: list[tuple[Task, str]]  # (task, the heading of the section it comes from), most urgent first
    sections: list[HomeSection]  # the rest of each section, in the order above


def home_for(user) -> Home:
    """The home page: what is waiting for the person across every section, most urgent first, then the sections
    with what is left of them (a section whose every task is waiting is not repeated)."""
    sections = home_sections_for(user)
    waiting = [(task, section.heading) for section in sections for task in section.tasks if task.urgency > NONE]
    waiting.sort(key=lambda pair: -pair[0].urgency)  # stable: within one urgency, the sections' order
    rest = []
    for section in sections:
        tasks = [task for task in section.tasks if task.urgency <= NONE]
        if section.tasks and not tasks:
            continue
        rest.append(HomeSection(section.heading, tasks, section.empty_text, section.role))
    return Home(home_title(user), waiting, rest)


def _your_jobs(user):
    from .selectors import jobs_for

    recent = list(jobs_for(user)[:5])
    if not recent:
        return None
    return HomeSection(
        "Your downloads and background work",
        [
            Task(
                job.title,
                reverse("job_detail", args=[job.pk]),
                job.message,
                job.get_status_display(),
                urgency=DUE if job.status == job.Status.FAILED else NONE,
            )
            for job in recent
        ],
    )


def _regulator_tools(user):
    if not account_rules.is_regulator_staff(user):
        return None
    return HomeSection(
        "Regulator tools",
        [
            Task("Audit log", reverse("audit_log"), "Every decision made in the service: who, when and why."),
            Task(
                "Transfer the register",
                reverse("transfer:home"),
                "Export the whole register as a signed bundle for another regulator.",
            ),
            Task("Administration", reverse("admin:index"), "Organisations, people and their roles."),
            Task(
                "Service health",
                reverse("service_health"),
                "Which parts are working, and how far the database standby is behind.",
            ),
        ],
    )


ROLE_EMPTY_STATES = {
    # What each role will find here; feature apps add the tasks themselves.
    "social_worker": "Your registration, CPD and accreditation tasks will appear here.",
    "line_manager": "Endorsements and reviews for the people you manage will appear here.",
    "assessor": "Observed practice waiting for your scoring and moderation will appear here.",
    "workforce_lead": "Your council's workforce return and reports will appear here.",
    "course_lead": "Your course approval applications will appear here.",
    "regulator_staff": "Applications, cases and decisions waiting for you will appear here.",
}


register_nav("Home", "home", allowed=account_rules.is_signed_in, order=0)
TOOLS_ORDER = 900
register_home_section(_regulator_tools, order=TOOLS_ORDER)
register_home_section(_your_jobs, order=950)
