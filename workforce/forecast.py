"""A three-year projection of demand for social workers (leavers, growth and today's vacancies) against supply
(early-career and experienced starters, limited by the newly qualified social workers the region's course places
produce). It is a projection from stated assumptions, not a prediction; every assumption is shown, says where
its default comes from, and changes the result it names.

Each default is one function per assumption (``default_…``) returning the value and its source, so a better
source can plug in: the early career programme's starters for ``default_early_career_starters``, approved course
places for ``default_course_places_in_region``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .calculations import round_1dp
from .selectors import UnitReport
from .validation import latest_reportable_year

HORIZON = 3
# England trains roughly this many social workers a year across all routes (an estimate until approved course
# places are held by this service); spread by each region's share of the workforce.
NATIONAL_COURSE_PLACES = Decimal(4600)
SHARE_OF_QUALIFIERS_JOINING_CHILDREN_SERVICES = Decimal("0.5")
FALLBACK_TURNOVER = Decimal(15)  # England's 2017–2024 published turnover ranged 13–17 %
GROWTH_LIMIT = Decimal(5)


@dataclass
class Assumptions:
    turnover_rate: Decimal  # % of FTE in post leaving each year
    growth_in_posts: Decimal  # % a year
    early_career_starters: Decimal  # FTE a year from the ASYE / early career programme
    course_places_in_region: Decimal  # qualifying places a year in the region
    experienced_starters: Decimal  # FTE a year recruited with experience


@dataclass
class Default:
    value: Decimal
    source: str


@dataclass
class Baseline:
    year: int
    inpost_fte: Decimal
    vacancy_fte: Decimal
    starters_fte: Decimal
    share_of_region: Decimal  # this authority's share of its region's FTE in post: its share of new qualifiers
    window: list[int]  # the consecutive years the defaults are drawn from


@dataclass
class ForecastYear:
    year: int
    posts: Decimal
    leavers: Decimal
    starters_needed: Decimal
    qualifiers_available: Decimal
    supply: Decimal
    gap: Decimal
    inpost: Decimal
    vacancies: Decimal
    vacancy_rate: Decimal


def _number(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _usable(report: UnitReport, year: int) -> bool:
    counts = report.own[year].counts if year in report.own else {}
    return _number(counts.get("inpost_fte")) is not None and _number(counts.get("vacancy_fte")) is not None


def baseline(report: UnitReport) -> Baseline | None:
    """The latest year with FTE in post and vacancies, and the run of consecutive years (up to three) ending
    there: defaults never mix years across a gap."""
    usable = [y for y in sorted(report.own) if _usable(report, y)]
    if not usable:
        return None
    latest = usable[-1]
    window = [latest]
    while len(window) < 3 and (window[0] - 1) in usable:
        window.insert(0, window[0] - 1)
    counts = report.own[latest].counts
    return Baseline(
        latest,
        counts["inpost_fte"],
        counts["vacancy_fte"],
        _number(counts.get("starters_fte")) or Decimal(0),
        _share_of_region(report, latest),
        window,
    )


def _years(window: list[int]) -> str:
    return str(window[0]) if len(window) == 1 else f"{window[0]}–{window[-1]}"


def _source(report: UnitReport, window: list[int]) -> str:
    kinds = {"published" if report.own[y].is_published else "your return, provisional" for y in window}
    return " and ".join(sorted(kinds))


def default_turnover_rate(report: UnitReport, base: Baseline) -> Default:
    rates = [_number(report.own[y].rates.get("turnover_rate_fte")) for y in base.window]
    rates = [r for r in rates if r is not None]
    if not rates:
        return Default(FALLBACK_TURNOVER, "England's typical turnover (13–17 % in 2017–2024): you have no turnover")
    return Default(
        round_1dp(sum(rates) / len(rates)),
        f"Average of your turnover rate (FTE) in {_years(base.window)} ({_source(report, base.window)})",
    )


def default_growth_in_posts(report: UnitReport, base: Baseline) -> Default:
    first, last = base.window[0], base.window[-1]
    if first == last:
        return Default(Decimal(0), f"No change: only {last} has your posts, so there is no trend")
    posts = {y: report.own[y].counts["inpost_fte"] + report.own[y].counts["vacancy_fte"] for y in (first, last)}
    if posts[first] <= 0:
        return Default(Decimal(0), "No change: no posts to measure a trend from")
    span = last - first
    yearly = (float(posts[last] / posts[first]) ** (1 / span) - 1) * 100
    growth = max(-GROWTH_LIMIT, min(GROWTH_LIMIT, round_1dp(Decimal(str(yearly)))))
    return Default(
        growth,
        f"Yearly change in your posts (in post plus vacancies) from {first} to {last}, over {span} year(s), "
        f"kept within ±{GROWTH_LIMIT} %",
    )


def default_course_places_in_region(report: UnitReport, base: Baseline) -> Default:
    region = report.unit.region
    if region is not None:
        from regulation.courses.selectors import course_places_for_region

        approved = course_places_for_region(region)
        if approved is not None:
            return Default(
                Decimal(approved),
                f"Places a year on the courses approved in {region.name} today (the regulator's course approvals)",
            )
    share = _region_share_of_england(report, base.year)
    name = region.name if region else "your region"
    return Default(
        round_1dp(NATIONAL_COURSE_PLACES * share),
        f"Estimate: about {NATIONAL_COURSE_PLACES:,} qualifying places a year in England × {name}'s share of "
        f"England's social workers in the latest published year ({round_1dp(share * 100)} %): no approved course "
        f"in {name} is recorded here yet",
    )


def default_early_career_starters(report: UnitReport, base: Baseline, places: Decimal) -> Default:
    region = report.unit.region
    if region is not None:
        from training.selectors import early_career_starters_fte

        year = date.today().year
        starters = early_career_starters_fte(region_code=region.code, year=year)
        if starters is not None:
            return Default(
                round_1dp(starters * base.share_of_region),
                f"{region.name}'s early career starters in {year} ({round_1dp(starters)} FTE, from early career "
                f"enrolments) × your share of the region's social workers ({round_1dp(base.share_of_region * 100)} %)",
            )
    value = newly_qualified_available(places, base)
    return Default(
        value,
        f"Estimate: half of your region's course places join children's services, shared by your share of the "
        f"region's social workers ({round_1dp(base.share_of_region * 100)} %): no early career enrolment in the "
        "region is recorded here yet",
    )


def default_experienced_starters(report: UnitReport, base: Baseline, early_career: Decimal) -> Default:
    return Default(
        max(Decimal(0), round_1dp(base.starters_fte - early_career)),
        f"Your {base.year} starters ({base.starters_fte} FTE) less the early-career starters above",
    )


def newly_qualified_available(places: Decimal, base: Baseline) -> Decimal:
    return round_1dp(places * SHARE_OF_QUALIFIERS_JOINING_CHILDREN_SERVICES * base.share_of_region)


def defaults_for(report: UnitReport, base: Baseline) -> tuple[Assumptions, dict[str, str]]:
    turnover = default_turnover_rate(report, base)
    growth = default_growth_in_posts(report, base)
    places = default_course_places_in_region(report, base)
    early = default_early_career_starters(report, base, places.value)
    experienced = default_experienced_starters(report, base, early.value)
    chosen = {
        "turnover_rate": turnover,
        "growth_in_posts": growth,
        "early_career_starters": early,
        "course_places_in_region": places,
        "experienced_starters": experienced,
    }
    return Assumptions(**{k: d.value for k, d in chosen.items()}), {k: d.source for k, d in chosen.items()}


def baseline_and_defaults(report: UnitReport) -> tuple[Baseline | None, Assumptions | None, dict[str, str], str]:
    base = baseline(report)
    if base is None:
        return None, None, {}, "There is no year with FTE in post and vacancies to project from."
    assumptions, sources = defaults_for(report, base)
    return base, assumptions, sources, ""


def _region_share_of_england(report: UnitReport, year: int) -> Decimal:
    from .models import PublishedStatistic

    rows = _published_inpost(report, year, PublishedStatistic)
    england, region = rows.get("national"), rows.get("regional")
    return (region / england) if england and region else Decimal("0.1")


def _share_of_region(report: UnitReport, year: int) -> Decimal:
    from .models import PublishedStatistic

    region = _published_inpost(report, year, PublishedStatistic).get("regional")
    own = report.own[year].counts["inpost_fte"]
    return min(Decimal(1), own / region) if region else Decimal("0.05")


def _published_inpost(report: UnitReport, year: int, model) -> dict[str, Decimal]:
    """England's and the region's FTE in post in the latest published year up to `year`."""
    rows = {}
    for stat in (
        model.objects.filter(
            year__lte=year, area_code__in=["E92000001", report.unit.region.code if report.unit.region else ""]
        )
        .exclude(level=model.Level.LOCAL_AUTHORITY)
        .order_by("year")
    ):
        if stat.inpost_fte is not None:
            rows[stat.level] = stat.inpost_fte
    return rows


def first_forecast_year(today: date | None = None) -> int:
    """The first reporting year not yet over: a forecast never starts before today."""
    return latest_reportable_year(today) + 1


def project(
    base: Baseline, assumptions: Assumptions, *, horizon: int = HORIZON, today: date | None = None
) -> list[ForecastYear]:
    """Year by year from the base year: posts grow; leavers leave at the turnover rate; the starters needed fill
    every post not filled after leavers go (today's vacancies, replacements and new posts); supply is the
    experienced starters plus the early-career starters, who cannot outnumber the newly qualified social workers
    the region's course places make available to this authority. Only years from `first_forecast_year` are
    returned; years between the base year and today are projected but not shown."""
    start = max(base.year + 1, first_forecast_year(today))
    years = []
    posts = base.inpost_fte + base.vacancy_fte
    inpost = base.inpost_fte
    available = newly_qualified_available(assumptions.course_places_in_region, base)
    supply = min(assumptions.early_career_starters, available) + assumptions.experienced_starters
    for year in range(base.year + 1, start + horizon):
        new_posts = posts * (1 + assumptions.growth_in_posts / 100)
        leavers = inpost * assumptions.turnover_rate / 100
        needed = new_posts - (inpost - leavers)
        inpost = max(Decimal(0), min(new_posts, inpost - leavers + supply))
        vacancies = max(Decimal(0), new_posts - inpost)
        if year >= start:
            years.append(
                ForecastYear(
                    year=year,
                    posts=round_1dp(new_posts),
                    leavers=round_1dp(leavers),
                    starters_needed=round_1dp(needed),
                    qualifiers_available=available,
                    supply=round_1dp(supply),
                    gap=round_1dp(needed - supply),
                    inpost=round_1dp(inpost),
                    vacancies=round_1dp(vacancies),
                    vacancy_rate=round_1dp(100 * vacancies / new_posts) if new_posts else Decimal(0),
                )
            )
        posts = new_posts
    return years
