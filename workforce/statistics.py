"""Reads: the published statistics as tidy records (one area, year and measure a row), for the public page, the
public API and the one-file download. Open Government Licence: no sign-in needed."""

from __future__ import annotations

from .calculations import COUNTS, RATES, display, display_count
from .models import PublishedStatistic

TIDY_COLUMNS = [
    "time_period",
    "geographic_level",
    "area_code",
    "area_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "measure",
    "measure_name",
    "measure_kind",
    "value",
]
MEASURES = {**{n: label for n, label in COUNTS.items()}, **{n: r.label for n, r in RATES.items()}}
LEVELS = {"national": "National", "regional": "Regional", "local_authority": "Local authority"}


def tidy_records(*, year: int | None = None, area: str = "", measure: str = "", level: str = "") -> list[dict]:
    """Every published figure matching the filters, symbols kept. ``area`` is an ONS code (England, a region,
    an authority) or an old LA number, or part of an area's name."""
    stats = PublishedStatistic.objects.order_by("year", "level", "area_name")
    if year:
        stats = stats.filter(year=year)
    if level:
        stats = stats.filter(level=level)
    if area:
        from django.db.models import Q

        stats = stats.filter(Q(area_code__iexact=area) | Q(new_la_code__iexact=area) | Q(area_name__icontains=area))
    names = [measure] if measure else list(MEASURES)
    fields = ["year", "level", "area_code", "area_name", "region_code", "region_name", "old_la_code", "new_la_code"]
    fields += [f for n in names for f in (n, f"{n}_symbol")]
    records = []
    for stat in stats.values(*fields):
        code = stat["new_la_code"] if stat["level"] == "local_authority" else stat["area_code"]
        for name in names:
            number, symbol = stat[name], stat[f"{name}_symbol"]
            value = number if number is not None else (symbol or None)
            records.append(
                {
                    "time_period": stat["year"],
                    "geographic_level": LEVELS[stat["level"]],
                    "area_code": code,
                    "area_name": stat["area_name"],
                    "region_code": stat["region_code"] if stat["level"] != "regional" else "",
                    "region_name": stat["region_name"] if stat["level"] != "regional" else "",
                    "old_la_code": stat["old_la_code"],
                    "new_la_code": stat["new_la_code"],
                    "measure": name,
                    "measure_name": MEASURES[name],
                    "measure_kind": "count" if name in COUNTS else "rate",
                    "value": display_count(value) if name in COUNTS else display(value),
                }
            )
    return records


def areas() -> list[tuple[str, str]]:
    """(code, name) of England, every region and every authority, for the filter."""
    rows = (
        PublishedStatistic.objects.order_by("level", "area_name")
        .values_list("level", "area_code", "new_la_code", "area_name")
        .distinct()
    )
    seen, result = set(), []
    for level, code, ons, name in rows:
        key = ons if level == "local_authority" and ons else code
        if key not in seen:
            seen.add(key)
            result.append((key, name))
    return result
