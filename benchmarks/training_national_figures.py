"""National early career figures at England's scale (8,000 participants a year), beside a plain SELECT.

Run: .venv/bin/python benchmarks/training_national_figures.py [--per-year 8000] [--years 3]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the generated rows).
Prints the median time of the national figures page, of its selector, and of a plain SELECT of the same rows
(the baseline, from the same run), each ratio to the baseline, and the queries each costs (which must not grow
with the number of participants).
"""

import argparse
import datetime
import random
from decimal import Decimal

from _django import setup, timed

setup("training")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Organisation, Region, Role, User  # noqa: E402
from training import selectors  # noqa: E402
from training.models import Enrolment, Programme  # noqa: E402

REGIONS = [
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def generate(per_year: int, years: int) -> None:
    random.seed(17)
    regions = [
        Region.objects.get_or_create(code=f"E1200000{i + 1}", defaults={"name": n})[0] for i, n in enumerate(REGIONS)
    ]
    councils = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench council {i}",
            kind="local_authority",
            la_number=f"{600 + i:03d}",
            region=regions[i % len(regions)],
        )
        for i in range(152)
    )
    staff = User.objects.create_user("bench.staff@example.com")
    total = per_year * years
    users = User.objects.bulk_create(User(email=f"bench{i}@example.com") for i in range(total))
    programmes = list(Programme.objects.all())
    rows = []
    statuses = ["passed"] * 70 + ["failed"] * 4 + ["withdrawn"] * 8 + ["active"] * 18
    for i, user in enumerate(users):
        year = 2027 + i // per_year
        start = datetime.date(year, random.choice([1, 4, 9, 9, 9]), random.randint(1, 28))
        planned = start + datetime.timedelta(days=365)
        extended = random.random() < 0.12
        rows.append(
            Enrolment(
                programme=random.choice(programmes),
                participant=user,
                registration_number=f"SW{200000 + i}",
                participant_name=f"Participant {i}",
                qualified_on=start - datetime.timedelta(days=90),
                employer=random.choice(councils),
                cohort=f"{start:%B %Y}",
                team="Team",
                fte=Decimal("1"),
                start_date=start,
                planned_end_date=planned,
                end_date=planned + datetime.timedelta(days=60 if extended else 0),
                supervisor=staff,
                assessor=staff,
                created_by=staff,
                status=random.choice(statuses),
            )
        )
    Enrolment.objects.bulk_create(rows, batch_size=2000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-year", type=int, default=8000)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"Generating {args.per_year:,} participants a year for {args.years} years …", flush=True)
    generate(args.per_year, args.years)
    regulator = User.objects.create_user("bench.regulator@example.com")
    org = Organisation.objects.create(name="Bench regulator", kind="regulator")
    Membership.objects.create(user=regulator, organisation=org, role=Role.REGULATOR_STAFF)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(regulator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # regulator staff must have MFA to see pages
    client = Client()
    client.force_login(regulator)

    def baseline():
        list(Enrolment.objects.values_list("id", "employer_id", "start_date", "status", "end_date", "planned_end_date"))

    cases = {
        "plain SELECT of the same rows (baseline)": baseline,
        "national figures selector": lambda: selectors.national_figures(),
        "national figures page": lambda: client.get("/early-career/national/"),
        "national figures CSV": lambda: b"".join(client.get("/early-career/national/?format=csv").streaming_content),
        "national figures API": lambda: client.get("/api/v1/training/national-figures/"),
        "region starters for the forecast": lambda: selectors.early_career_starters_fte(
            region_code="E12000003", year=2028
        ),
    }
    assert client.get("/early-career/national/").status_code == 200
    base = timed(baseline, 7)
    print(f"\n{Enrolment.objects.count():,} enrolments, {connection.vendor}")
    print(f"{'measure':45} {'median ms':>10} {'ratio':>7} {'queries':>8}")
    for name, fn in cases.items():
        t = base if fn is baseline else timed(fn, 7)
        print(f"{name:45} {t * 1000:10.1f} {t / base:7.2f} {queries(fn):8d}")


if __name__ == "__main__":
    main()
