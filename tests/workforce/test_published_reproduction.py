"""The definitions reproduce the Department for Education's published figures (2017–2024)."""

import csv
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command

from workforce.calculations import RATES, WHOLE_NUMBER_COUNTS, parse_value, rate_for, round_1dp
from workforce.figures import national_row, region_rows
from workforce.reports import record

from .conftest import PUBLISHED

pytestmark = pytest.mark.django_db


def _published_rows():
    with open(PUBLISHED, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _consistent_with_rounded_counts(rate, counts, year, published):
    """The file's FTE counts are rounded to 1 dp but its rates come from unrounded counts: the published rate must be
    what the formula gives for some counts within ±0.05 of those printed (headcounts and cases are exact)."""
    names = rate.inputs
    ranges = [
        (counts[n],) if n in WHOLE_NUMBER_COUNTS else (max(counts[n] - Decimal("0.05"), 0), counts[n] + Decimal("0.05"))
        for n in names
    ]
    results = []
    for combo in itertools.product(*ranges):
        value = rate_for(rate, dict(zip(names, combo, strict=True)), year)
        if isinstance(value, Decimal):
            results.append(round_1dp(value))
    return results and min(results) <= published <= max(results)


def test_every_published_local_authority_rate_is_reproduced_by_the_definitions():
    """The formulas (used for a year not yet published) give the published rates from the published counts."""
    rows = _published_rows()
    checked = exact = 0
    explained = []
    for row in rows:
        if row["geographic_level"] != "Local authority":
            continue
        year = int(row["time_period"])
        counts = {name: parse_value(row[name]) for name in rate_inputs()}
        for name, rate in RATES.items():
            published_value = parse_value(row[name])
            if not isinstance(published_value, Decimal):
                continue
            checked += 1
            mine = rate_for(rate, counts, year)
            if isinstance(mine, Decimal) and round_1dp(mine) == published_value:
                exact += 1
                continue
            if all(isinstance(counts[n], Decimal) for n in rate.inputs):
                assert _consistent_with_rounded_counts(rate, counts, year, published_value), (
                    year,
                    row["la_name"],
                    name,
                    row[name],
                    mine,
                )
            else:
                # Only Sunderland 2023–24: agency counts published as "low", with the cover rates still shown.
                explained.append((year, row["la_name"], name))
    assert checked > 9_000
    assert exact / checked > 0.95
    assert {la for _, la, _ in explained} <= {"Sunderland"} and len(explained) == 4


def rate_inputs():
    return {n for rate in RATES.values() for n in rate.inputs}


def _is_number(text):
    try:
        Decimal(text)
    except Exception:
        return False
    return True


def test_regional_and_national_figures_from_summed_counts_match_the_published_aggregates(published):
    call_command("import_workforce_returns", str(PUBLISHED))
    rows = _published_rows()
    la_rows = [r for r in rows if r["geographic_level"] == "Local authority"]
    compared = 0
    for year in sorted({int(r["time_period"]) for r in rows}):
        # As if the year were not published yet: summed from the returns.
        computed = {r.region_name: record(r) for r in region_rows(year, published=[])}
        computed["England"] = record(national_row(year, published=[]))
        for row in rows:
            if int(row["time_period"]) != year or row["geographic_level"] == "Local authority":
                continue
            name = row["region_name"] or "England"
            members = [
                r
                for r in la_rows
                if int(r["time_period"]) == year
                and (
                    name == "England"
                    or r["region_name"] == name
                    or (name == "London" and r["region_name"] in ("Inner London", "Outer London"))
                )
            ]
            for rate_name, rate in RATES.items():
                published_value = parse_value(row[rate_name])
                if not isinstance(published_value, Decimal):
                    continue
                # Where an authority's count is suppressed the DfE still adds its true figure: not comparable.
                if any(not isinstance(parse_value(m[n]), Decimal) for m in members for n in rate.inputs):
                    continue
                mine = Decimal(computed[name][rate_name])
                assert abs(mine - published_value) <= Decimal("0.1"), (year, name, rate_name, mine, published_value)
                compared += 1
    assert compared > 500
    assert {"Inner London", "Outer London"} <= set(computed)
