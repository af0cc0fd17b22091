import pytest

from accounts.models import Role
from tests.access import SIGNED_IN, AccessCase, check_access, parametrize_access
from workforce import services
from workforce.reference import single_unit_for

from .factories import GOOD, council_with_lead

pytestmark = pytest.mark.django_db

LEAD, REGULATOR = Role.WORKFORCE_LEAD, Role.REGULATOR_STAFF


@pytest.fixture
def world(role_users):
    lead = role_users[LEAD]
    unit = single_unit_for(lead.organisations_for(LEAD)[0])
    own = services.submit_return(unit=unit, year=2023, raw=GOOD, by=lead)
    _, other_unit, other_lead = council_with_lead("384", "Wakefield")
    other = services.submit_return(unit=other_unit, year=2023, raw=GOOD, by=other_lead)
    return {"users": role_users, "own": own, "other": other, "unit": unit}


CASES = [
    AccessCase("returns", lambda w: "/workforce/", {LEAD}),
    AccessCase("new return", lambda w: "/workforce/returns/new/?year=2024", {LEAD}),
    AccessCase("upload", lambda w: "/workforce/returns/upload/", {LEAD}),
    AccessCase("own return", lambda w: f"/workforce/returns/{w['own'].pk}/", {LEAD, REGULATOR}),
    AccessCase("edit own return", lambda w: f"/workforce/returns/{w['own'].pk}/edit/", {LEAD}),
    AccessCase("versions", lambda w: f"/workforce/returns/{w['own'].pk}/versions/", {LEAD, REGULATOR}),
    AccessCase("another council's return", lambda w: f"/workforce/returns/{w['other'].pk}/", {REGULATOR}),
    AccessCase("edit another council's return", lambda w: f"/workforce/returns/{w['other'].pk}/edit/", set()),
    AccessCase("another council's versions", lambda w: f"/workforce/returns/{w['other'].pk}/versions/", {REGULATOR}),
    AccessCase("return history", lambda w: f"/history/workforce/workforcereturn/{w['own'].pk}/", {LEAD, REGULATOR}),
    AccessCase("report", lambda w: "/workforce/report/", {LEAD}),
    AccessCase("report CSV", lambda w: "/workforce/report/download.csv", {LEAD}),
    AccessCase("report Excel", lambda w: "/workforce/report/download.xlsx", {LEAD}),
    AccessCase("report PDF", lambda w: "/workforce/report/pdf/", {LEAD}, method="post"),
    AccessCase("forecast", lambda w: "/workforce/forecast/", {LEAD}),
    AccessCase("all authorities", lambda w: "/workforce/authorities/?sort=vacancy_rate_fte", {LEAD, REGULATOR}),
    AccessCase("all authorities (download)", lambda w: "/workforce/authorities/?download=xlsx", {LEAD, REGULATOR}),
    AccessCase("published statistics", lambda w: "/workforce/statistics/?page_size=25", set(), public=True),
    AccessCase("published statistics CSV", lambda w: "/workforce/statistics/download.csv", set(), public=True),
    AccessCase("data guidance", lambda w: "/workforce/statistics/data-guidance.txt", set(), public=True),
    AccessCase("API: published statistics", lambda w: "/api/v1/workforce/published/?year=2023", set(), public=True),
    AccessCase("API: returns", lambda w: "/api/v1/workforce/returns/", SIGNED_IN),
    AccessCase("API: own return", lambda w: f"/api/v1/workforce/returns/{w['own'].pk}/", {LEAD, REGULATOR}),
    AccessCase("API: another return", lambda w: f"/api/v1/workforce/returns/{w['other'].pk}/", {REGULATOR}),
    AccessCase("API: national report", lambda w: "/api/v1/workforce/report/?year=2023", {REGULATOR}),
    AccessCase(
        "API: own unit report", lambda w: f"/api/v1/workforce/units/{w['unit'].code}/report/", {LEAD, REGULATOR}
    ),
    AccessCase("API: another unit report", lambda w: "/api/v1/workforce/units/384/report/", {REGULATOR}),
]


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    check_access(client, world, case, role)


def test_api_returns_list_shows_a_lead_only_their_own(client, world):
    client.force_login(world["users"][LEAD])
    results = client.get("/api/v1/workforce/returns/").json()["results"]
    assert [r["id"] for r in results] == [world["own"].pk]
    client.force_login(world["users"][Role.SOCIAL_WORKER])
    assert client.get("/api/v1/workforce/returns/").json()["results"] == []
