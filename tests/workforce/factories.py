from decimal import Decimal

from accounts.models import Organisation, Role
from tests.factories import LocalAuthorityFactory, RegionFactory, make_user
from workforce.reference import single_unit_for

GOOD = {
    "inpost_fte": "100.5",
    "inpost_headcount": "110",
    "starters_fte": "20",
    "starters_headcount": "21",
    "leavers_fte": "15.2",
    "leavers_headcount": "16",
    "agency_fte": "12",
    "agency_headcount": "12",
    "agency_cover_fte": "10",
    "vacancy_fte": "18",
    "case_holders_fte": "80",
    "cases": "1300",
    "working_days_lost_fte": "900",
}


def council_with_lead(la_number="383", name="Leeds", region=None):
    region = region or RegionFactory(code="E12000003", name="Yorkshire and The Humber")
    council = Organisation.objects.filter(la_number=la_number).first() or LocalAuthorityFactory(
        la_number=la_number, name=name, region=region
    )
    lead = make_user(Role.WORKFORCE_LEAD, organisation=council)
    return council, single_unit_for(council), lead


def csv_text(rows, columns=None):
    columns = columns or ["time_period", "old_la_code", *GOOD]
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row.get(c, "")) for c in columns))
    return "\n".join(lines) + "\n"


def row(year=2023, la="383", **changes):
    return {"time_period": year, "old_la_code": la, **GOOD, **changes}


D = Decimal
