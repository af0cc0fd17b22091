"""Reads for the workforce pages, the API and the commands. Each costs a fixed number of queries: sums are
done by the database (``aggregate_annotations``), rates from them in Python for a handful of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from accounts.models import Region, User

from .calculations import COUNTS, Value, aggregate_annotations, rates_for, rates_from_aggregate
from .figures import (  # noqa: F401  (re-exported: the pages, API and commands read figures from here)
    ENGLAND,
    PROVISIONAL,
    PUBLISHED,
    Ranking,
    ReportRow,
    authority_rows,
    london_halves,
    national_row,
    published_years,
    rank_among,
    region_order,
    region_rows,
    report_rows,
    row_from_published,
    submitted,
)
from .models import PublishedStatistic, ReportingUnit, ReturnVersion, StatisticalNeighbour, WorkforceReturn
from .validation import latest_reportable_year

LEVELS = ["la", "region", "national"]


def units_for(user: User) -> list[ReportingUnit]:
    """Reporting units a workforce lead sends returns for: their council alone, and any joint unit."""
    from .reference import single_unit_for

    organisations = user.organisations_for("workforce_lead")
    units = list(
        ReportingUnit.objects.filter(organisations__in=organisations)
        .distinct()
        .prefetch_related("organisations")
        .select_related("region")
    )
    for organisation in organisations:
        if organisation.la_number and not any(organisation in u.organisations.all() for u in units):
            units.append(single_unit_for(organisation))
    return sorted(units, key=lambda u: (u.is_joint, u.name))


def returns_for(user: User):
    units = units_for(user)
    return (
        WorkforceReturn.objects.filter(unit__in=units)
        .select_related("unit", "submitted_by")
        .order_by("-year", "unit__name")
    )


def versions_of(workforce_return: WorkforceReturn):
    return ReturnVersion.objects.filter(workforce_return=workforce_return).select_related("saved_by")


def report_years(*, with_returns: bool = True) -> list[int]:
    """Every published year, and (for regulator staff) years with submitted returns not yet published; newest
    first."""
    years = set(published_years())
    if with_returns:
        years |= set(submitted().values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def all_regions() -> list[tuple[str, str]]:
    """(code, name) of the nine regions and Inner and Outer London, in the Department's order."""
    regions = {(r.code, r.name) for r in Region.objects.filter(code__startswith="E12")}
    regions |= set(
        PublishedStatistic.objects.filter(level=PublishedStatistic.Level.REGIONAL)
        .values_list("area_code", "area_name")
        .distinct()
    )
    return sorted(regions, key=lambda r: region_order(r[0]))


# ---- one authority's report ---------------------------------------------------------------------


@dataclass
class Comparison:
    label: str
    by_year: dict[int, dict[str, Value]]
    source: str
    notes: dict[int, str]  # per year: where that year's figure comes from


@dataclass
class UnitReport:
    unit: ReportingUnit
    years: list[int]  # every year from the first to the last, gaps included
    own: dict[int, ReportRow]
    comparisons: list[Comparison]
    neighbours: list[tuple[StatisticalNeighbour, ReportRow | None]]
    neighbours_year: int | None
    rankings: list[Ranking]
    latest_year: int | None
    latest_published: int | None
    missing_years: list[int]  # years with no figure at all, to send a return for

    @property
    def latest_is_published(self) -> bool:
        if self.latest_year in self.own:
            return self.own[self.latest_year].is_published
        return self.latest_year is not None and self.latest_year == self.latest_published

    def series(self, rate: str) -> list[tuple[str, list[Value]]]:
        own = [self.own[y].rates.get(rate) if y in self.own else None for y in self.years]
        return [("Your authority", own)] + [
            (c.label, [c.by_year.get(y, {}).get(rate) for y in self.years]) for c in self.comparisons
        ]


def unit_report(unit: ReportingUnit, *, today: date | None = None) -> UnitReport:
    """Their own figures by year — the published row where the Department published one, otherwise their
    submitted return (provisional) — beside their region, their half of London (for a London borough), the
    summed counts of their ten statistical neighbours, and England. A fixed number of queries."""
    published = published_years()
    latest_published = published[0] if published else None
    own: dict[int, ReportRow] = {}
    half: tuple[str, str] | None = None
    for stat in PublishedStatistic.objects.filter(level=PublishedStatistic.Level.LOCAL_AUTHORITY, unit=unit).order_by(
        "year"
    ):
        own[stat.year] = row_from_published(stat)
        if stat.region_code.startswith("E13"):
            half = (stat.region_code, stat.region_name)
    for ret in WorkforceReturn.objects.filter(unit=unit, status=WorkforceReturn.Status.SUBMITTED):
        if ret.year not in own:
            counts = ret.counts()
            own[ret.year] = ReportRow(ret.year, "Local authority", counts=counts, rates=rates_for(counts, ret.year))
    provisional_years = sorted(y for y, row in own.items() if not row.is_published)

    region = unit.region
    areas = [(ENGLAND[0], "England")]
    if region:
        areas.append((region.code, region.name))
    if half:
        areas.append(half)
    by_area: dict[str, dict[int, dict]] = {code: {} for code, _ in areas}
    notes: dict[str, dict[int, str]] = {code: {} for code, _ in areas}
    for stat in PublishedStatistic.objects.filter(area_code__in=[c for c, _ in areas]).exclude(
        level=PublishedStatistic.Level.LOCAL_AUTHORITY
    ):
        by_area[stat.area_code][stat.year] = stat.rates()
        notes[stat.area_code][stat.year] = f"published {stat.year}"
    for year in provisional_years:
        computed = [national_row(year, published=published)]
        if region:
            computed += region_rows(year, region=region.code, published=published)
        for row in computed:
            if row is not None and row.area_code in by_area:
                by_area[row.area_code][year] = row.rates
                notes[row.area_code][year] = row.source_label.lower()

    organisation_ids = [o.pk for o in unit.organisations.all()]
    neighbour_links = list(
        StatisticalNeighbour.objects.filter(organisation_id=organisation_ids[0] if organisation_ids else None)
        .select_related("neighbour")
        .order_by("rank")
    )
    neighbour_ids = [link.neighbour_id for link in neighbour_links if link.neighbour_id not in organisation_ids]
    sn_by_year, sn_notes = _neighbour_sums(unit, neighbour_ids, provisional_years)

    latest = max(own) if own else latest_published
    first = min([*own, *published]) if (own or published) else None
    last = max([*own, *published]) if (own or published) else None
    years = list(range(first, last + 1)) if first is not None else []
    reportable = latest_reportable_year(today)
    missing = [y for y in range(first or reportable, reportable + 1) if y not in own] if years else [reportable]

    neighbours_year = latest if latest in published else latest_published
    neighbour_rows: dict[int, ReportRow] = {}
    if neighbours_year is not None:
        for stat in (
            PublishedStatistic.objects.filter(
                level=PublishedStatistic.Level.LOCAL_AUTHORITY,
                year=neighbours_year,
                unit__organisations__in=neighbour_ids,
            )
            .exclude(unit=unit)
            .prefetch_related("unit__organisations")
        ):
            for organisation in stat.unit.organisations.all():
                neighbour_rows[organisation.pk] = row_from_published(stat)

    comparisons = []
    if region:
        comparisons.append(Comparison(region.name, by_area[region.code], "region", notes[region.code]))
    if half:
        comparisons.append(Comparison(half[1], by_area[half[0]], "half of London", notes[half[0]]))
    comparisons.append(Comparison("Statistical neighbours", sn_by_year, "neighbours' counts, summed", sn_notes))
    comparisons.append(Comparison("England", by_area[ENGLAND[0]], "England", notes[ENGLAND[0]]))
    return UnitReport(
        unit=unit,
        years=years,
        own=own,
        comparisons=comparisons,
        neighbours=[(link, neighbour_rows.get(link.neighbour_id)) for link in neighbour_links],
        neighbours_year=neighbours_year,
        rankings=_rankings(unit, latest, own.get(latest), published) if latest else [],
        latest_year=latest,
        latest_published=latest_published,
        missing_years=missing,
    )


def _neighbour_sums(
    unit: ReportingUnit, neighbour_ids: list[int], provisional_years: list[int]
) -> tuple[dict[int, dict], dict[int, str]]:
    """Rates from the neighbours' summed published counts (their returns for a year not yet published), saying
    how many neighbours each sum includes: a neighbour whose counts are suppressed cannot be added in."""
    by_year: dict[int, dict] = {}
    notes: dict[int, str] = {}
    complete = Q(**{f"{name}__isnull": False for name in COUNTS if name != "starters_headcount"})
    annotations = {**aggregate_annotations(), "n": Count("id"), "whole": Count("id", filter=complete)}
    stats = (
        PublishedStatistic.objects.filter(
            level=PublishedStatistic.Level.LOCAL_AUTHORITY, unit__organisations__in=neighbour_ids
        )
        .exclude(unit=unit)
        .values("year")
        .annotate(**annotations)
        .order_by("year")
    )
    for row in stats:
        by_year[row["year"]] = rates_from_aggregate(row, row["year"])[1]
        notes[row["year"]] = _included(row["whole"], row["n"], f"published {row['year']} counts")
    if provisional_years and neighbour_ids:
        returns = (
            submitted()
            .filter(year__in=provisional_years, unit__organisations__in=neighbour_ids)
            .exclude(unit=unit)
            .values("year")
            .annotate(**annotations)
            .order_by("year")
        )
        for row in returns:
            by_year[row["year"]] = rates_from_aggregate(row, row["year"])[1]
            notes[row["year"]] = _included(row["whole"], row["n"], "returns sent (provisional)")
    for year in provisional_years:
        notes.setdefault(year, f"none of your neighbours has sent a {year} return yet")
    return by_year, notes


def _included(whole: int, total: int, what: str) -> str:
    if whole == total:
        return f"{total} neighbours' {what}"
    return f"{total} neighbours' {what}; {total - whole} with a suppressed count left out of some rates"


def _rankings(unit: ReportingUnit, year: int, own: ReportRow | None, published: list[int]) -> list[Ranking]:
    """A published year ranks on the published figures. A year not yet published ranks among the councils that
    have sent that year's return (provisional, saying how many), and against the latest published year."""
    if own is None:
        return []
    if year in published:
        others = [r.rates for r in authority_rows(year, published=published) if r.old_la_code != unit.code]
        return [Ranking(f"Among every authority's published {year} figure", rank_among(own.rates, others))]
    sent = [r.rates for r in authority_rows(year, published=published) if r.old_la_code != unit.code]
    rankings = [
        Ranking(
            f"Among the {len(sent) + 1} councils that have sent a {year} return (provisional)"
            if sent
            else f"Among councils that have sent a {year} return",
            rank_among(own.rates, sent),
            "" if sent else f"No other council has sent a {year} return yet, so there is nothing to rank against.",
        )
    ]
    if published:
        latest = published[0]
        others = [r.rates for r in authority_rows(latest, published=published) if r.old_la_code != unit.code]
        rankings.append(Ranking(f"Against every authority's published {latest} figure", rank_among(own.rates, others)))
    return rankings


def count_fields() -> list[str]:
    return list(COUNTS)
