"""Loading the published DfE file (every level) and the statistical neighbours, and finding reporting units."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from accounts.models import Organisation, Region
from accounts.reference_data import LONDON_SUBREGIONS
from accounts.services import ServiceError

from .calculations import COUNTS, PUBLISHED_ONLY_RATES, RATES, parse_value
from .models import PublishedStatistic, ReportingUnit, StatisticalNeighbour

LEVELS = {
    "National": PublishedStatistic.Level.NATIONAL,
    "Regional": PublishedStatistic.Level.REGIONAL,
    "Local authority": PublishedStatistic.Level.LOCAL_AUTHORITY,
}
PUBLISHED_COLUMNS = ["time_period", "geographic_level", "country_code", "region_code", "region_name"]
PUBLISHED_MEASURES = [*COUNTS, *RATES, *PUBLISHED_ONLY_RATES]


def split_la_numbers(code: str) -> list[str]:
    return [part.strip() for part in str(code).split("/") if part.strip()]


def unit_code(numbers: list[str]) -> str:
    return " / ".join(numbers)


def units_by_code(codes: set[str], organisations: dict[str, Organisation] | None = None) -> dict[str, ReportingUnit]:
    """Reporting units for LA-number codes such as ``383`` or ``940 / 941``, created when first needed.

    Every LA number must already be a council (``seed_demo``/``load_local_authorities`` makes them).
    """
    wanted = {unit_code(split_la_numbers(c)): c for c in codes}
    if organisations is None:
        numbers = {n for c in wanted for n in split_la_numbers(c)}
        organisations = {
            o.la_number: o for o in Organisation.objects.filter(la_number__in=numbers).select_related("region")
        }
    existing = {u.code: u for u in ReportingUnit.objects.filter(code__in=wanted)}
    for code in wanted:
        if code in existing:
            continue
        members = [organisations.get(n) for n in split_la_numbers(code)]
        if any(m is None for m in members):
            unknown = [n for n, m in zip(split_la_numbers(code), members, strict=True) if m is None]
            raise ServiceError(f"No council has LA number {', '.join(unknown)}.")
        unit = ReportingUnit.objects.create(
            code=code, name=" / ".join(m.name for m in members), region=members[0].region
        )
        unit.organisations.set(members)
        existing[code] = unit
    return {original: existing[code] for code, original in wanted.items()}


def single_unit_for(organisation: Organisation) -> ReportingUnit:
    return units_by_code({organisation.la_number})[organisation.la_number]


@transaction.atomic
def import_published_statistics(path: Path) -> dict[str, int]:
    """Load every row of the published file. Running it again updates the rows in place."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in [*PUBLISHED_COLUMNS, *PUBLISHED_MEASURES] if c not in (reader.fieldnames or [])]
        if missing:
            raise ServiceError(f"The file has no column {', '.join(missing)}.")
        rows = list(reader)
    regions = {r.code: r for r in Region.objects.all()}
    la_codes = {r["old_la_code"] for r in rows if r["geographic_level"] == "Local authority"}
    units = units_by_code(la_codes)
    existing = {(p.year, p.level, p.area_code): p for p in PublishedStatistic.objects.all()}
    to_create, to_update, problems = [], [], []
    for line, row in enumerate(rows, start=2):
        level = LEVELS.get(row["geographic_level"])
        if level is None:
            problems.append(f"row {line}, geographic_level: “{row['geographic_level']}” is not a level")
            continue
        year = int(str(row["time_period"])[:4])
        if level == PublishedStatistic.Level.NATIONAL:
            area_code, area_name = row["country_code"], row.get("country_name", "England")
        elif level == PublishedStatistic.Level.REGIONAL:
            area_code, area_name = row["region_code"], row["region_name"]
        else:
            area_code, area_name = unit_code(split_la_numbers(row["old_la_code"])), row["la_name"]
        stat = existing.get((year, level, area_code)) or PublishedStatistic(year=year, level=level, area_code=area_code)
        before = _snapshot(stat) if stat.pk else None
        stat.area_name = area_name
        stat.region_code, stat.region_name = row["region_code"] or "", row["region_name"] or ""
        stat.old_la_code, stat.new_la_code, stat.la_name = row["old_la_code"], row["new_la_code"], row["la_name"]
        stat.unit = units.get(row["old_la_code"]) if level == PublishedStatistic.Level.LOCAL_AUTHORITY else None
        region_code = LONDON_SUBREGIONS.get(row["region_code"], row["region_code"])
        stat.region = regions.get(region_code) if region_code else None
        for name in PUBLISHED_MEASURES:
            try:
                stat.set_value(name, parse_value(row[name]))
            except ValueError as exc:
                problems.append(f"row {line}, {name}: {exc}")
        if stat.pk is None:
            to_create.append(stat)
        elif _snapshot(stat) != before:
            to_update.append(stat)
    if problems:
        raise ServiceError("; ".join(problems[:50]))
    fields = [
        f.name for f in PublishedStatistic._meta.concrete_fields if f.name not in ("id", "year", "level", "area_code")
    ]
    PublishedStatistic.objects.bulk_create(to_create, batch_size=200)
    PublishedStatistic.objects.bulk_update(to_update, fields, batch_size=200)
    return {"created": len(to_create), "updated": len(to_update), "years": len({r["time_period"] for r in rows})}


def _snapshot(stat: PublishedStatistic) -> tuple:
    return tuple(getattr(stat, f.attname) for f in PublishedStatistic._meta.concrete_fields)


@transaction.atomic
def import_statistical_neighbours(path: Path) -> int:
    """``LA num, …, SN1, SNP, SN2, SNP…``: each council's ten neighbours with how close each is."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    organisations = {o.la_number: o for o in Organisation.objects.filter(la_number__isnull=False)}
    existing = {(n.organisation_id, n.rank): n for n in StatisticalNeighbour.objects.all()}
    header = rows[0]
    first = header.index("SN1")
    count = 0
    to_create, to_update = [], []
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        organisation = organisations.get(row[0].strip().zfill(3))
        if organisation is None:
            continue
        for rank in range(1, 11):
            number = row[first + (rank - 1) * 2].strip().zfill(3)
            closeness = row[first + (rank - 1) * 2 + 1].strip()
            neighbour = organisations.get(number)
            if neighbour is None:
                continue
            count += 1
            link = existing.get((organisation.pk, rank))
            if link is None:
                to_create.append(
                    StatisticalNeighbour(organisation=organisation, neighbour=neighbour, rank=rank, closeness=closeness)
                )
            elif (link.neighbour_id, link.closeness) != (neighbour.pk, closeness):
                link.neighbour, link.closeness = neighbour, closeness
                to_update.append(link)
    StatisticalNeighbour.objects.bulk_create(to_create, batch_size=500)
    StatisticalNeighbour.objects.bulk_update(to_update, ["neighbour", "closeness"], batch_size=500)
    return count
