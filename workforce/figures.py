"""Reads: the figure to show for an area and year, published first.

Where the Department for Education published a figure (authority, region — the nine regions and Inner and
Outer London — or England) it is shown exactly as published, symbol included, and ranked on. Only what is
not published is computed: a council's own return for a year not yet published, and the provisional
regional and England sums of the returns sent for such a year, which always say how many councils they
include. Every row says its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import OrganisationCode
from accounts.reference_data import LONDON_SUBREGIONS

from .calculations import COUNTS, RATES, Value, aggregate_annotations, rates_for, rates_from_aggregate, round_1dp
from .models import PublishedStatistic, ReportingUnit, WorkforceReturn

ENGLAND = ("E92000001", "England")
PUBLISHED = "published"
PROVISIONAL = "provisional"
LEVEL_NAMES = {
    PublishedStatistic.Level.NATIONAL: "National",
    PublishedStatistic.Level.REGIONAL: "Regional",
    PublishedStatistic.Level.LOCAL_AUTHORITY: "Local authority",
}
LA = PublishedStatistic.Level.LOCAL_AUTHORITY


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
    source: str = PROVISIONAL
    councils: int | None = None  # computed sums: how many councils' returns they include
    councils_expected: int | None = None  # …out of how many the latest published year had
    included: dict[str, int] = field(default_factory=dict)  # per rate: councils with every count it needs

    @property
    def name(self) -> str:
        return self.la_name or self.region_name or ENGLAND[1]

    @property
    def area_code(self) -> str:
        if self.level == "Local authority":
            return self.old_la_code
        return self.region_code or ENGLAND[0]

    @property
    def ons_code(self) -> str:
        if self.level == "Local authority":
            return self.new_la_code
        return self.region_code or ENGLAND[0]

    @property
    def is_published(self) -> bool:
        return self.source == PUBLISHED

    @property
    def source_label(self) -> str:
        """What a person needs to know about where the figure came from."""
        if self.is_published:
            return f"Published {self.year}"
        if self.level == "Local authority":
            return "Return sent to this service (provisional)"
        of = f" of {self.councils_expected}" if self.councils_expected else ""
        return f"Provisional: sum of {self.councils}{of} councils' returns"


def published_years() -> list[int]:
    """Years the Department has published, newest first."""
    return list(PublishedStatistic.objects.order_by("-year").values_list("year", flat=True).distinct())


def row_from_published(stat: PublishedStatistic) -> ReportRow:
    level = LEVEL_NAMES[stat.level]
    region_code, region_name = stat.region_code, stat.region_name
    if stat.level == PublishedStatistic.Level.REGIONAL:
        region_code, region_name = stat.area_code, stat.area_name
    return ReportRow(
        year=stat.year,
        level=level,
        region_code=region_code,
        region_name=region_name,
        old_la_code=stat.old_la_code if stat.level == LA else "",
        new_la_code=stat.new_la_code if stat.level == LA else "",
        la_name=stat.la_name if stat.level == LA else "",
        counts=stat.counts(),
        rates=stat.rates(),
        source=PUBLISHED,
    )


def submitted(year: int | None = None):
    qs = WorkforceReturn.objects.filter(status=WorkforceReturn.Status.SUBMITTED)
    return qs.filter(year=year) if year is not None else qs


def region_order(code: str) -> tuple[str, str]:
    """As the Department lists them: Inner and Outer London straight after London."""
    return (LONDON_SUBREGIONS.get(code, code), code)


def london_halves() -> dict[int, tuple[str, str]]:
    """Each London reporting unit's half of London (Inner or Outer), as its latest published row gives it."""
    halves: dict[int, tuple[str, str]] = {}
    for unit_id, code, name in (
        PublishedStatistic.objects.filter(level=LA, region_code__in=LONDON_SUBREGIONS, unit__isnull=False)
        .order_by("year")
        .values_list("unit_id", "region_code", "region_name")
    ):
        halves[unit_id] = (code, name)
    return halves


def _region_codes(region: str) -> set[str]:
    """A region filter: London takes in both its halves."""
    if not region:
        return set()
    return {region, *(code for code, parent in LONDON_SUBREGIONS.items() if parent == region)}


# ---- authorities ------------------------------------------------------------------------------------


def authority_rows(year: int, *, region: str = "", published: list[int] | None = None) -> list[ReportRow]:
    """Every authority in `year`: the published row where there is one, otherwise its submitted return."""
    published = published_years() if published is None else published
    rows: list[ReportRow] = []
    covered: set[int] = set()
    if year in published:
        stats = PublishedStatistic.objects.filter(level=LA, year=year).order_by("area_name")
        if region:
            stats = stats.filter(region_code__in=_region_codes(region))
        for stat in stats:
            rows.append(row_from_published(stat))
            if stat.unit_id:
                covered.add(stat.unit_id)
    rows += [
        r
        for r in _return_rows(year, region=region, unpublished_only=year in published)
        if getattr(r, "unit_id", None) not in covered
    ]
    return sorted(rows, key=lambda r: r.la_name)


def _return_rows(year: int, *, region: str = "", unpublished_only: bool = False) -> list[ReportRow]:
    """Submitted returns as rows (plain values, no model objects): provisional figures."""
    qs = submitted(year).order_by("unit__name")
    if unpublished_only:
        qs = qs.exclude(unit__published__year=year)
    if region:
        halves = london_halves()
        codes = _region_codes(region)
        qs = qs.filter(
            Q(unit__region__code=region) | Q(unit_id__in=[u for u, (code, _) in halves.items() if code in codes])
        )
    fields = [*COUNTS, *(f"{name}_symbol" for name in COUNTS)]
    returns = list(
        qs.values("unit_id", "unit__code", "unit__name", "unit__region__code", "unit__region__name", *fields)
    )
    if not returns:
        return []
    ons = _ons_codes({r["unit_id"] for r in returns}, year)
    halves = london_halves()
    rows = []
    for ret in returns:
        counts = {name: ret[name] if ret[name] is not None else (ret[f"{name}_symbol"] or None) for name in COUNTS}
        code, name = halves.get(ret["unit_id"], (ret["unit__region__code"] or "", ret["unit__region__name"] or ""))
        row = ReportRow(
            year=year,
            level="Local authority",
            region_code=code,
            region_name=name,
            old_la_code=ret["unit__code"],
            new_la_code=ons.get(ret["unit_id"], ""),
            la_name=ret["unit__name"],
            counts=counts,
            rates=rates_for(counts, year),
        )
        row.unit_id = ret["unit_id"]
        rows.append(row)
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


# ---- regions and England -----------------------------------------------------------------------------


def _sum_annotations() -> dict:
    """Sums of the counts, plus how many councils each sum (and each rate) includes."""
    annotations = {**aggregate_annotations(), "councils": Count("id")}
    for rate in RATES.values():
        complete = Q(**{f"{name}__isnull": False for name in rate.inputs})
        annotations[f"n__{rate.name}"] = Count("id", filter=complete)
    return annotations


def _computed(row: dict, year: int, level: str, code: str = "", name: str = "", expected=None) -> ReportRow:
    counts, rates = rates_from_aggregate(row, year)
    return ReportRow(
        year,
        level,
        code,
        name,
        counts=counts,
        rates=rates,
        councils=row["councils"],
        councils_expected=expected,
        included={r: row[f"n__{r}"] for r in RATES},
    )


def expected_councils(year: int) -> dict[str, int]:
    """How many authorities each region (and England, ``E92000001``) had in the published `year`."""
    expected: dict[str, int] = {}
    for code, number in (
        PublishedStatistic.objects.filter(level=LA, year=year)
        .values("region_code")
        .annotate(n=Count("id"))
        .values_list("region_code", "n")
    ):
        expected[code] = expected.get(code, 0) + number
        if code in LONDON_SUBREGIONS:
            expected[LONDON_SUBREGIONS[code]] = expected.get(LONDON_SUBREGIONS[code], 0) + number
        expected[ENGLAND[0]] = expected.get(ENGLAND[0], 0) + number
    return expected


def region_rows(year: int, *, region: str = "", published: list[int] | None = None) -> list[ReportRow]:
    """The nine regions and Inner and Outer London: as published, or summed from the returns for a year not
    yet published (saying how many councils each sum includes)."""
    published = published_years() if published is None else published
    codes = _region_codes(region)
    if year in published:
        stats = PublishedStatistic.objects.filter(level=PublishedStatistic.Level.REGIONAL, year=year)
        if codes:
            stats = stats.filter(area_code__in=codes)
        return sorted((row_from_published(s) for s in stats), key=lambda r: region_order(r.region_code))
    expected = expected_councils(max(published)) if published else {}
    rows = []
    if region not in LONDON_SUBREGIONS:
        qs = submitted(year).exclude(unit__region__isnull=True)
        if region:
            qs = qs.filter(unit__region__code=region)
        grouped = qs.values("unit__region__code", "unit__region__name").annotate(**_sum_annotations())
        for row in grouped.order_by("unit__region__code"):
            code = row["unit__region__code"]
            rows.append(_computed(row, year, "Regional", code, row["unit__region__name"], expected.get(code)))
    halves = london_halves()
    for code, name in sorted(set(halves.values())):
        if codes and code not in codes:
            continue
        row = submitted(year).filter(unit_id__in=[u for u, h in halves.items() if h[0] == code])
        row = row.aggregate(**_sum_annotations())
        if row["councils"]:
            rows.append(_computed(row, year, "Regional", code, name, expected.get(code)))
    return sorted(rows, key=lambda r: region_order(r.region_code))


def national_row(year: int, *, published: list[int] | None = None) -> ReportRow | None:
    published = published_years() if published is None else published
    if year in published:
        stat = PublishedStatistic.objects.filter(level=PublishedStatistic.Level.NATIONAL, year=year).first()
        if stat is not None:
            return row_from_published(stat)
    row = submitted(year).aggregate(**_sum_annotations())
    if not row["councils"]:
        return None
    expected = expected_councils(max(published)).get(ENGLAND[0]) if published else None
    return _computed(row, year, "National", expected=expected)


def report_rows(year: int, level: str = "la") -> list[ReportRow]:
    if level == "national":
        row = national_row(year)
        return [row] if row else []
    if level == "region":
        return region_rows(year)
    return authority_rows(year)


# ---- ranks --------------------------------------------------------------------------------------------


@dataclass
class Ranking:
    """Where a figure sits among others (1 = the lowest figure), per rate; ``None`` where it cannot be ranked."""

    label: str
    by_rate: dict[str, tuple[int, int] | None]
    note: str = ""


def rank_among(mine: dict[str, Value], others: list[dict[str, Value]]) -> dict[str, tuple[int, int] | None]:
    ranks: dict[str, tuple[int, int] | None] = {}
    for rate in RATES:
        value = mine.get(rate)
        theirs = [round_1dp(o[rate]) for o in others if isinstance(o.get(rate), Decimal)]
        if not isinstance(value, Decimal) or not theirs:
            ranks[rate] = None
            continue
        ranks[rate] = (1 + sum(1 for v in theirs if v < round_1dp(value)), len(theirs) + 1)
    return ranks
