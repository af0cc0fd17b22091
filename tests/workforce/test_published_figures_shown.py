"""Every figure the Department published is shown exactly as published — number or symbol — on the pages, in the
downloads, by the command and by the API, for every authority, region (Inner and Outer London included) and
England, every year and measure; even when the councils' returns for those years are loaded as well."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from accounts.models import Organisation, Role
from tests.factories import make_user
from workforce.calculations import COUNTS, RATES

from .conftest import PUBLISHED

pytestmark = pytest.mark.django_db
MEASURES = [*COUNTS, *RATES]


def _key(level, year, row):
    if level == "Local authority":
        return (int(year), level, row["old_la_code"])
    if level == "Regional":
        return (int(year), level, row["region_code"])
    return (int(year), level, "E92000001")


@pytest.fixture
def file_rows():
    with open(PUBLISHED, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {_key(r["geographic_level"], r["time_period"], r): r for r in rows}


@pytest.fixture
def loaded(published):
    # The returns hold the same (rounded) counts: recomputing from them is what used to give 8.6 for 8.7.
    call_command("import_workforce_returns", str(PUBLISHED), stdout=io.StringIO())


def _compare(file_rows, shown: dict, measures=MEASURES) -> int:
    """`shown` maps a key to {measure: text}; every published row must be shown and equal symbol for symbol."""
    assert set(shown) == set(file_rows), set(file_rows) ^ set(shown)
    differ = [
        (key, m, file_rows[key][m], values.get(m))
        for key, values in shown.items()
        for m in measures
        if values.get(m) != file_rows[key][m]
    ]
    assert not differ, f"{len(differ)} figures differ, e.g. {differ[:10]}"
    return len(shown) * len(measures)


def test_command_and_report_api_show_every_published_figure(file_rows, loaded, client, role_users):
    client.force_login(role_users[Role.REGULATOR_STAFF])
    from_command, from_api = {}, {}
    for year in range(2017, 2025):
        for level in ("la", "region", "national"):
            out = io.StringIO()
            call_command("workforce_report", "--year", str(year), "--level", level, "--format", "json", stdout=out)
            records = json.loads(out.getvalue())
            assert {r["source"] for r in records} == {"published"}
            from_command.update({_key(r["geographic_level"], year, r): r for r in records})
            api = client.get("/api/v1/workforce/report/", {"year": year, "level": level}).json()
            assert api == records
            from_api.update({_key(r["geographic_level"], year, r): r for r in api})
    assert _compare(file_rows, from_command) == 1300 * 21


def test_all_authorities_page_and_its_downloads_show_every_published_figure(file_rows, loaded, client):
    lead = make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number="383"))
    client.force_login(lead)
    years = list(range(2017, 2025))
    response = client.get("/workforce/authorities/", {"year": years})
    names = list(RATES)
    shown = {}
    for row, values in [*response.context["summary"], *response.context["rows"]]:
        shown[(row.year, row.level, row.area_code if row.level != "National" else "E92000001")] = dict(
            zip(names, values, strict=True)
        )
    _compare(file_rows, shown, measures=names)
    body = response.content.decode()
    assert "8.7" in body and "Inner London" in body and "Outer London" in body
    text = client.get("/workforce/authorities/", {"year": years, "download": "csv"}).content.decode("utf-8-sig")
    downloaded = {_key(r["geographic_level"], r["time_period"], r): r for r in csv.DictReader(io.StringIO(text))}
    _compare(file_rows, downloaded)


def test_public_download_and_api_show_every_published_figure(file_rows, published, client):
    text = b"".join(client.get("/workforce/statistics/download.csv").streaming_content).decode("utf-8-sig")
    tidy: dict = {}
    for r in csv.DictReader(io.StringIO(text)):
        key = (int(r["time_period"]), r["geographic_level"], r["old_la_code"] or r["area_code"])
        tidy.setdefault(key, {})[r["measure"]] = r["value"]
    _compare(file_rows, tidy)
    from_api: dict = {}
    for year in range(2017, 2025):
        url = f"/api/v1/workforce/published/?year={year}&page_size=1000"
        while url:
            page = client.get(url).json()
            for r in page["results"]:
                key = (int(r["time_period"]), r["geographic_level"], r["old_la_code"] or r["area_code"])
                from_api.setdefault(key, {})[r["measure"]] = r["value"]
            url = page["next"]
    _compare(file_rows, from_api)


def test_an_authoritys_report_shows_its_published_figures(loaded, client):
    cases = [
        ("383", 2020, "turnover_rate_fte", "8.7"),  # Leeds
        ("384", 2024, "turnover_rate_fte", "17.7"),  # Wakefield
        ("384", 2023, "caseload_fte", "17"),
        ("207", 2024, "agency_rate_fte", "x"),  # Kensington and Chelsea
    ]
    for la_number, year, measure, published_value in cases:
        lead = make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number=la_number))
        client.force_login(lead)
        context = client.get("/workforce/report/").context
        block = next(b for b in context["blocks"] if b["name"] == measure)
        assert dict(block["rows"])[year][0] == published_value
        text = client.get("/workforce/report/download.csv").content.decode("utf-8-sig")
        mine = [
            r for r in csv.DictReader(io.StringIO(text)) if r["measure"] == measure and r["time_period"] == str(year)
        ]
        assert mine[0]["value"] == published_value and mine[0]["source"] == f"published {year}"
