"""The navigation and the home page are built from what each app registers in its AppConfig.ready().

An app adds a navigation item (shown to those its predicate allows) and a home-page section (what
that person has to do next), so the home page grows with the product without this module knowing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from . import rules as account_rules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable
    order: int = 100

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


@dataclass
class HomeSection:
    heading: str
    tasks: list[Task] = field(default_factory=list)
    empty_text: str = "Nothing to do here at the moment."
    role: str = ""  # the role this section serves, if any


_nav_items: list[NavItem] = []
_home_sections: list[tuple[int, Callable]] = []


def register_nav(label: str, url_name: str, *, allowed: Callable, order: int = 100) -> None:
    if not any(item.url_name == url_name for item in _nav_items):
        _nav_items.append(NavItem(label, url_name, allowed, order))


def register_home_section(builder: Callable, *, order: int = 100) -> None:
    """`builder(user)` returns a HomeSection, or None when the section is not for this person."""
    if builder not in [b for _, b in _home_sections]:
        _home_sections.append((order, builder))


def nav_for(user) -> list[NavItem]:
    return [item for item in sorted(_nav_items, key=lambda i: i.order) if item.allowed(user)]


def home_sections_for(user) -> list[HomeSection]:
    """Sections the apps contribute, plus an empty state for any role of the person that none served."""
    from .models import Role

    sections = []
    for _, builder in sorted(_home_sections, key=lambda pair: pair[0]):
        section = builder(user)
        if section is not None:
            sections.append(section)
    served = {section.role for section in sections}
    for role in Role:
        if role.value in user.roles and role.value not in served:
            where = ", ".join(o.name for o in user.organisations_for(role.value))
            sections.insert(
                0, HomeSection(f"{role.label} at {where}", empty_text=ROLE_EMPTY_STATES[role.value], role=role.value)
            )
    return sections


def _your_jobs(user):
    from .selectors import jobs_for

    recent = list(jobs_for(user)[:5])
    if not recent:
        return None
    return HomeSection(
        "Your downloads and background work",
        [
            Task(job.title, reverse("job_detail", args=[job.pk]), job.message, job.get_status_display())
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
            Task("Administration", reverse("admin:index"), "Organisations, people and their roles."),
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
register_nav("Audit log", "audit_log", allowed=account_rules.is_regulator_staff, order=900)
register_home_section(_regulator_tools, order=900)
register_home_section(_your_jobs, order=950)
