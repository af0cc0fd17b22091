"""Regions and local authorities, as the DfE children's social work workforce statistics name them.

The published file reports two pairs of councils jointly ("940 / 941", "314 / 318"); each council is
still its own organisation here, because people work for, and returns are submitted by, one council.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from .models import Organisation, OrganisationCode, Region

LATEST_YEAR_IN_FILE = 2024
# The file places London boroughs in Inner or Outer London (E13 codes); both are within the London region.
LONDON_SUBREGIONS = {"E13000001": "E12000007", "E13000002": "E12000007"}


@dataclass
class LocalAuthorityRecord:
    la_number: str
    name: str
    region_code: str
    codes: dict[str, list[int]] = field(default_factory=dict)  # ONS code -> years seen

    @property
    def first_year(self) -> int:
        return min(y for years in self.codes.values() for y in years)

    @property
    def last_year(self) -> int:
        return max(y for years in self.codes.values() for y in years)


def read_statistics_file(path: Path) -> tuple[dict[str, str], dict[str, LocalAuthorityRecord]]:
    regions: dict[str, str] = {}
    authorities: dict[str, LocalAuthorityRecord] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            level = row["geographic_level"]
            if level == "Regional" and row["region_code"].startswith("E12"):
                regions[row["region_code"]] = row["region_name"]
            if level != "Local authority":
                continue
            year = int(row["time_period"][:4])
            region_code = LONDON_SUBREGIONS.get(row["region_code"], row["region_code"])
            numbers = [n.strip() for n in row["old_la_code"].split("/")]
            codes = [c.strip() for c in row["new_la_code"].split("/")]
            names = [n.strip() for n in row["la_name"].split(" / ")]
            for number, code, name in zip(numbers, codes, names, strict=True):
                record = authorities.setdefault(number, LocalAuthorityRecord(number, name, region_code))
                record.codes.setdefault(code, []).append(year)
                if year >= max(y for ys in record.codes.values() for y in ys):
                    record.name, record.region_code = name, region_code
    return regions, authorities


@transaction.atomic
def load_local_authorities(path: Path) -> dict[str, int]:
    """Create or update regions and councils from the file. Running it twice changes nothing."""
    regions, authorities = read_statistics_file(path)
    counts = {"regions": 0, "local_authorities": 0, "ons_codes": 0}
    region_by_code = {}
    for code, name in regions.items():
        region, created = Region.objects.update_or_create(code=code, defaults={"name": name})
        region_by_code[code] = region
        counts["regions"] += created
    for record in authorities.values():
        closed = record.last_year < LATEST_YEAR_IN_FILE
        defaults = {
            "name": record.name,
            "kind": Organisation.Kind.LOCAL_AUTHORITY,
            "region": region_by_code[record.region_code],
            "is_active": not closed,
            "closed_on": date(record.last_year + 1, 3, 31) if closed else None,
        }
        organisation = Organisation.objects.filter(la_number=record.la_number).first()
        if organisation is None:
            organisation = Organisation.objects.create(la_number=record.la_number, **defaults)
            counts["local_authorities"] += 1
        elif any(getattr(organisation, k) != v for k, v in defaults.items()):
            for k, v in defaults.items():
                setattr(organisation, k, v)
            organisation.save()
        ordered = sorted(record.codes.items(), key=lambda item: min(item[1]))
        for index, (ons_code, years) in enumerate(ordered):
            # Boundary changes take effect on 1 April; the first code seen covers the reporting year before.
            valid_from = date(min(years), 4, 1) if index else date(min(years) - 1, 10, 1)
            successor = ordered[index + 1] if index + 1 < len(ordered) else None
            valid_to = (
                date(min(successor[1]), 3, 31) if successor else (date(record.last_year + 1, 3, 31) if closed else None)
            )
            _, created = OrganisationCode.objects.update_or_create(
                organisation=organisation, ons_code=ons_code, defaults={"valid_from": valid_from, "valid_to": valid_to}
            )
            counts["ons_codes"] += created
    return counts
