"""A three-year projection of demand for social workers (leavers and growth) against supply (early-career
and experienced starters). It is a projection from stated assumptions, not a prediction; every assumption
is shown and can be changed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .calculations import round_1dp
from .selectors import UnitReport

HORIZON = 3
# England trains roughly this many social workers a year across all routes; spread by each region's share
# of the workforce when nothing better is known. Editable on the page.
NATIONAL_COURSE_PLACES = Decimal(4600)
SHARE_OF_QUALIFIERS_JOINING_CHILDREN_SERVICES = Decimal("0.5")


@dataclass
class Assumptions:
    turnover_rate: Decimal  # % of FTE in post leaving each year
    growth_in_posts: Decimal  # % a year
    early_career_starters: Decimal  # FTE a year from the ASYE / early career programme
    course_places_in_region: Decimal  # qualifying places a year in the region
    experienced_starters: Decimal  # FTE a year recruited with experience


@dataclass
class Baseline:
    year: int
    inpost_fte: Decimal
    vacancy_fte: Decimal
    starters_fte: Decimal


@dataclass
class ForecastYear:
    year: int
    posts: Decimal
    leavers: Decimal
    starters_needed: Decimal
    supply: Decimal
    gap: Decimal
    inpost: Decimal
    vacancies: Decimal
    vacancy_rate: Decimal


def _number(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def baseline_and_defaults(report: UnitReport) -> tuple[Baseline | None, Assumptions | None, str]:
    """From their own latest complete year and the trend before it."""
    usable = [
        y
        for y in sorted(report.own)
        if _number(report.own[y].counts.get("inpost_fte"))
        and _number(report.own[y].counts.get("vacancy_fte")) is not None
    ]
    if not usable:
        return None, None, "There is no year with FTE in post and vacancies to project from."
    latest = usable[-1]
    counts = report.own[latest].counts
    base = Baseline(
        latest, counts["inpost_fte"], counts["vacancy_fte"], _number(counts.get("starters_fte")) or Decimal(0)
    )
    recent = usable[-3:]
    turnovers = [_number(report.own[y].rates.get("turnover_rate_fte")) for y in recent]
    turnovers = [t for t in turnovers if t is not None]
    turnover = sum(turnovers) / len(turnovers) if turnovers else Decimal(15)
    posts = [report.own[y].counts["inpost_fte"] + report.own[y].counts["vacancy_fte"] for y in recent]
    growth = Decimal(0)
    if len(posts) > 1 and posts[0] > 0:
        growth = ((posts[-1] / posts[0]) - 1) * 100 / (len(posts) - 1)
        growth = max(Decimal(-5), min(Decimal(5), growth))
    region_share = _region_share(report, latest)
    places = round_1dp(NATIONAL_COURSE_PLACES * region_share["region"])
    early_career = round_1dp(places * SHARE_OF_QUALIFIERS_JOINING_CHILDREN_SERVICES * region_share["authority"])
    experienced = max(Decimal(0), round_1dp(base.starters_fte - early_career))
    return (
        base,
        Assumptions(round_1dp(turnover), round_1dp(growth), early_career, places, experienced),
        "",
    )


def _region_share(report: UnitReport, year: int) -> dict[str, Decimal]:
    """The region's share of England's FTE, and this authority's share of the region's (from published counts)."""
    from .models import PublishedStatistic

    rows = {
        r.level: r.inpost_fte
        for r in PublishedStatistic.objects.filter(
            year__lte=year, area_code__in=["E92000001", report.unit.region.code if report.unit.region else ""]
        )
        .exclude(level=PublishedStatistic.Level.LOCAL_AUTHORITY)
        .order_by("year")
    }
    england, region = rows.get("national"), rows.get("regional")
    own = report.own[year].counts["inpost_fte"]
    return {
        "region": (region / england) if england and region else Decimal("0.1"),
        "authority": (own / region) if region else Decimal("0.05"),
    }


def project(base: Baseline, assumptions: Assumptions, *, horizon: int = HORIZON) -> list[ForecastYear]:
    """Each year: posts grow; leavers leave at the turnover rate; the starters needed replace leavers and fill new
    posts; supply is the early-career plus experienced starters; what supply does not cover adds to vacancies."""
    years = []
    posts = base.inpost_fte + base.vacancy_fte
    inpost = base.inpost_fte
    supply = assumptions.early_career_starters + assumptions.experienced_starters
    for offset in range(1, horizon + 1):
        new_posts = posts * (1 + assumptions.growth_in_posts / 100)
        leavers = inpost * assumptions.turnover_rate / 100
        needed = leavers + (new_posts - posts)
        inpost = max(Decimal(0), min(new_posts, inpost - leavers + supply))
        vacancies = max(Decimal(0), new_posts - inpost)
        years.append(
            ForecastYear(
                year=base.year + offset,
                posts=round_1dp(new_posts),
                leavers=round_1dp(leavers),
                starters_needed=round_1dp(needed),
                supply=round_1dp(supply),
                gap=round_1dp(needed - supply),
                inpost=round_1dp(inpost),
                vacancies=round_1dp(vacancies),
                vacancy_rate=round_1dp(100 * vacancies / new_posts) if new_posts else Decimal(0),
            )
        )
        posts = new_posts
    return years
