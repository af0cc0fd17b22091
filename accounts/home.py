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
    sections = []
    for _, builder in sorted(_home_sections, key=lambda pair: pair[0]):
        section = builder(user)
        if section is not None:
            sections.append(section)
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


register_nav("Home", "home", allowed=account_rules.is_signed_in, order=0)
register_nav("Audit log", "audit_log", allowed=account_rules.is_regulator_staff, order=900)
register_home_section(_regulator_tools, order=900)
register_home_section(_your_jobs, order=950)
