"""Reads for the workforce pages, the API and the commands. Each costs a fixed number of queries: sums are
done by the database (``aggregate_annotations``), rates from them in Python for a handful of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from accounts.models import OrganisationCode, Region, User

from .calculations import COUNTS, RATES, Value, aggregate_annotations, rates_for, rates_from_aggregate, round_1dp
from .models import PublishedStatistic, ReportingUnit, ReturnVersion, StatisticalNeighbour, WorkforceReturn

LEVELS = ["la", "region", "national"]
ENGLAND = ("E92000001", "England")


@dataclass
class ReportRow:
    year: int
    level: str  # "Local authority" | "Regional" | "National", as the published file writes it
    region_code: str = ""
    region_name: str = ""
    old_la_code: str = ""
    new_la_code: str = ""
    la_name: str = ""
    counts: dict[str, Value] = field(default_factory=dict)
    rates: dict[str, Value] = field(default_factory=dict)
    source: str = "return"

    @property
    def name(self) -> str:
        return self.la_name or self.region_name or ENGLAND[1]


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


def submitted(year: int | None = None):
    qs = WorkforceReturn.objects.filter(status=WorkforceReturn.Status.SUBMITTED)
    return qs.filter(year=year) if year is not None else qs


def authority_rows(year: int, *, region: str = "") -> list[ReportRow]:
    """One row per reporting unit with a submitted return in `year` (3 queries, plain values, no model objects)."""
    qs = submitted(year).order_by("unit__name")
    if region:
        qs = qs.filter(unit__region__code=region)
    fields = [*COUNTS, *(f"{name}_symbol" for name in COUNTS)]
    returns = list(
        qs.values("unit_id", "unit__code", "unit__name", "unit__region__code", "unit__region__name", *fields)
    )
    ons = _ons_codes({r["unit_id"] for r in returns}, year)
    rows = []
    for ret in returns:
        counts = {name: ret[name] if ret[name] is not None else (ret[f"{name}_symbol"] or None) for name in COUNTS}
        rows.append(
            ReportRow(
                year=year,
                level="Local authority",
                region_code=ret["unit__region__code"] or "",
                region_name=ret["unit__region__name"] or "",
                old_la_code=ret["unit__code"],
                new_la_code=ons.get(ret["unit_id"], ""),
                la_name=ret["unit__name"],
                counts=counts,
                rates=rates_for(counts, year),
            )
        )
    return rows


def _ons_codes(unit_ids: set[int], year: int) -> dict[int, str]:
    """Each unit's ONS code(s) in force at the 30 September snapshot of `year` (codes change with boundaries)."""
    snapshot = date(year, 9, 30)
    members = list(
        ReportingUnit.organisations.through.objects.filter(reportingunit_id__in=unit_ids)
        .order_by("organisation__la_number")
        .values_list("reportingunit_id", "organisation_id")
    )
    codes: dict[int, list] = {}
    for organisation_id, code, valid_from, valid_to in OrganisationCode.objects.filter(
        organisation_id__in={o for _, o in members}
    ).values_list("organisation_id", "ons_code", "valid_from", "valid_to"):
        codes.setdefault(organisation_id, []).append((valid_from, valid_to, code))
    result: dict[int, list[str]] = {}
    for unit_id, organisation_id in members:
        history = sorted(codes.get(organisation_id, []))
        valid = [c for f, t, c in history if f <= snapshot and (t is None or t >= snapshot)]
        result.setdefault(unit_id, []).append(valid[0] if valid else (history[-1][2] if history else ""))
    return {unit_id: " / ".join(found) for unit_id, found in result.items()}


def region_rows(year: int, *, region: str = "") -> list[ReportRow]:
    """Each region from the summed counts of its authorities' submitted returns (1 query)."""
    qs = submitted(year).exclude(unit__region__isnull=True)
    if region:
        qs = qs.filter(unit__region__code=region)
    grouped = (
        qs.values("unit__region__code", "unit__region__name")
        .annotate(**aggregate_annotations())
        .order_by("unit__region__code")
    )
    rows = []
    for row in grouped:
        counts, rates = rates_from_aggregate(row, year)
        rows.append(
            ReportRow(
                year, "Regional", row["unit__region__code"], row["unit__region__name"], counts=counts, rates=rates
            )
        )
    return rows


def national_row(year: int) -> ReportRow | None:
    """England from the summed counts of every submitted return (1 query)."""
    row = submitted(year).aggregate(**aggregate_annotations())
    if row["sum__inpost_fte"] is None and row["sum__cases"] is None and not submitted(year).exists():
        return None
    counts, rates = rates_from_aggregate(row, year)
    return ReportRow(year, "National", counts=counts, rates=rates)


def report_rows(year: int, level: str = "la") -> list[ReportRow]:
    if level == "national":
        row = national_row(year)
        return [row] if row else []
    if level == "region":
        return region_rows(year)
    return authority_rows(year)


def years_with_returns() -> list[int]:
    return list(submitted().order_by("-year").values_list("year", flat=True).distinct())


def all_regions():
    return Region.objects.filter(code__startswith="E12").order_by("name")


# ---- one authority's report ---------------------------------------------------------------------


@dataclass
class Comparison:
    label: str
    by_year: dict[int, dict[str, Value]]
    source: str


@dataclass
class UnitReport:
    unit: ReportingUnit
    years: list[int]
    own: dict[int, ReportRow]
    comparisons: list[Comparison]
    neighbours: list[tuple[StatisticalNeighbour, PublishedStatistic | None]]
    ranks: dict[str, tuple[int, int] | None]
    latest_year: int | None

    def series(self, rate: str) -> list[tuple[str, list[Value]]]:
        own = [self.own[y].rates.get(rate) if y in self.own else None for y in self.years]
        return [("Your authority", own)] + [
            (c.label, [c.by_year.get(y, {}).get(rate) for y in self.years]) for c in self.comparisons
        ]


def unit_report(unit: ReportingUnit) -> UnitReport:
    """Their own figures (submitted returns, or the published row where they sent none), beside the published
    region, the summed published counts of their ten statistical neighbours, and England. 7 queries."""
    own: dict[int, ReportRow] = {}
    for ret in WorkforceReturn.objects.filter(unit=unit, status=WorkforceReturn.Status.SUBMITTED):
        counts = ret.counts()
        own[ret.year] = ReportRow(ret.year, "Local authority", counts=counts, rates=rates_for(counts, ret.year))
    for stat in PublishedStatistic.objects.filter(level=PublishedStatistic.Level.LOCAL_AUTHORITY, unit=unit):
        if stat.year not in own:
            counts = stat.counts()
            own[stat.year] = ReportRow(
                stat.year, "Local authority", counts=counts, rates=stat.rates(), source="published"
            )
    area_filter = Q(level=PublishedStatistic.Level.NATIONAL)
    region_code = unit.region.code if unit.region else None
    if region_code:
        area_filter |= Q(level=PublishedStatistic.Level.REGIONAL, area_code=region_code)
    region_by_year: dict[int, dict] = {}
    england_by_year: dict[int, dict] = {}
    for stat in PublishedStatistic.objects.filter(area_filter):
        target = england_by_year if stat.level == PublishedStatistic.Level.NATIONAL else region_by_year
        target[stat.year] = stat.rates()
    organisation_ids = [o.pk for o in unit.organisations.all()]
    neighbour_links = list(
        StatisticalNeighbour.objects.filter(organisation_id=organisation_ids[0] if organisation_ids else None)
        .select_related("neighbour")
        .order_by("rank")
    )
    neighbour_ids = [link.neighbour_id for link in neighbour_links if link.neighbour_id not in organisation_ids]
    neighbour_stats = PublishedStatistic.objects.filter(
        level=PublishedStatistic.Level.LOCAL_AUTHORITY, unit__organisations__in=neighbour_ids
    ).exclude(unit=unit)
    sn_by_year = {
        row["year"]: rates_from_aggregate(row, row["year"])[1]
        for row in neighbour_stats.values("year").annotate(**aggregate_annotations()).order_by("year")
    }
    years = sorted(set(own) | set(england_by_year))
    latest = max(own) if own else (max(years) if years else None)
    latest_by_neighbour = {}
    for stat in neighbour_stats.filter(year=latest).prefetch_related("unit__organisations"):
        for organisation in stat.unit.organisations.all():
            latest_by_neighbour[organisation.pk] = stat
    comparisons = [
        Comparison(unit.region.name if unit.region else "Region", region_by_year, "published"),
        Comparison("Statistical neighbours", sn_by_year, "published counts, summed"),
        Comparison("England", england_by_year, "published"),
    ]
    return UnitReport(
        unit=unit,
        years=years,
        own=own,
        comparisons=comparisons,
        neighbours=[(link, latest_by_neighbour.get(link.neighbour_id)) for link in neighbour_links],
        ranks=_ranks(unit, latest, own.get(latest)) if latest else {},
        latest_year=latest,
    )


def _ranks(unit: ReportingUnit, year: int, own: ReportRow | None) -> dict[str, tuple[int, int] | None]:
    """Where the authority ranks among every published authority that year (1 = lowest), per rate (1 query)."""
    from decimal import Decimal

    if own is None:
        return {}
    others = PublishedStatistic.objects.filter(level=PublishedStatistic.Level.LOCAL_AUTHORITY, year=year).exclude(
        unit=unit
    )
    values = list(others.values(*RATES))
    ranks = {}
    for rate in RATES:
        mine = own.rates.get(rate)
        if not isinstance(mine, Decimal):
            ranks[rate] = None
            continue
        theirs = [row[rate] for row in values if row[rate] is not None]
        ranks[rate] = (1 + sum(1 for v in theirs if v < round_1dp(mine)), len(theirs) + 1)
    return ranks


def count_fields() -> list[str]:
    return list(COUNTS)
