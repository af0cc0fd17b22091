"""Navigation and home-page sections for workforce leads and regulator staff."""

from django.urls import reverse

from accounts.home import DUE, NONE, HomeSection, Task, register_home_section, register_nav
from accounts.rules import is_regulator_staff, is_workforce_lead


def _workforce_lead_section(user):
    if not is_workforce_lead(user):
        return None
    from .models import WorkforceReturn
    from .selectors import units_for
    from .validation import latest_reportable_year

    units = units_for(user)
    year = latest_reportable_year()
    returns = {r.year: r for r in WorkforceReturn.objects.filter(unit__in=units, year__gte=year - 1).order_by("-year")}
    current = returns.get(year)
    if current is None:
        task = Task(
            f"Send the {year} workforce return",
            reverse("workforce:return_new") + f"?year={year}",
            "The snapshot at 30 September: in post, starters, leavers, agency, vacancies, cases and absence.",
            "Not started",
            urgency=DUE,
        )
    else:
        task = Task(
            f"The {year} workforce return",
            reverse("workforce:return_detail", args=[current.pk]),
            "Saved as a draft: check it and submit." if current.status == "draft" else "Submitted. You can correct it.",
            current.get_status_display(),
            urgency=DUE if current.status == "draft" else NONE,
        )
    names = ", ".join(u.name for u in units)
    return HomeSection(
        f"Council workforce lead at {names}",
        [
            task,
            Task(
                "Your workforce report",
                reverse("workforce:report"),
                "Your rates beside your region, statistical neighbours and England, with charts and downloads.",
            ),
            Task(
                "Your workforce forecast",
                reverse("workforce:forecast"),
                "Leavers, starters needed and vacancies for the next three years.",
            ),
            Task("All your returns", reverse("workforce:returns"), "Drafts, submitted returns and their versions."),
        ],
        role="workforce_lead",
    )


def _regulator_section(user):
    if not is_regulator_staff(user):
        return None
    return HomeSection(
        "Workforce statistics",
        [
            Task(
                "All authorities",
                reverse("workforce:authorities"),
                "Vacancy, turnover, agency, caseload and absence for every council, with regional and England figures.",
            ),
        ],
    )


register_nav("Workforce returns", "workforce:returns", allowed=is_workforce_lead, order=300, roles=("workforce_lead",))
register_nav("Workforce report", "workforce:report", allowed=is_workforce_lead, order=310, roles=("workforce_lead",))
register_nav("Forecast", "workforce:forecast", allowed=is_workforce_lead, order=320, roles=("workforce_lead",))
# Regulator staff reach "All authorities" from their home page (Workforce statistics).
register_home_section(_workforce_lead_section, order=300)
register_home_section(_regulator_section, order=320)
