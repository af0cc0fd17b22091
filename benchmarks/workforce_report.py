"""National workforce report speed beside a plain SELECT over the same rows, and per-request query counts.

    .venv/bin/python benchmarks/workforce_report.py [--repeat 20]

Uses its own SQLite file (or WORKFORCE_BENCH_DATABASE_URL) with nine years of returns for every authority:
the published 2017–2024 file loaded as returns, plus 2016 as a copy of 2017.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "WORKFORCE_BENCH_DATABASE_URL", "sqlite:////tmp/workforce_benchmark.sqlite3"
)
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

import django  # noqa: E402

django.setup()

from _django import timed  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def prepare():
    from accounts.models import Organisation, Role
    from accounts.reference_data import load_local_authorities
    from tests.factories import make_user
    from workforce.models import WorkforceReturn
    from workforce.reference import import_published_statistics, import_statistical_neighbours
    from workforce.services import import_returns

    call_command("migrate", verbosity=0)
    source = settings.SHARED_DATA_DIR / "csww_indicators_2017_to_2024.csv"
    if not WorkforceReturn.objects.exists():
        load_local_authorities(source)
        import_published_statistics(source)
        import_statistical_neighbours(settings.SHARED_DATA_DIR / "statistical_neighbours_2021.csv")
        import_returns(data=source.read_bytes(), reason="benchmark")
        text = source.read_text(encoding="utf-8-sig").splitlines()
        extra = [text[0]] + [line.replace("2017,", "2016,", 1) for line in text[1:] if line.startswith("2017,")]
        import_returns(data=("\n".join(extra) + "\n").encode(), reason="benchmark: a ninth year")
    lead = make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number="383"))
    regulator = make_user(Role.REGULATOR_STAFF)
    return lead, regulator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    lead, regulator = prepare()

    from workforce.calculations import COUNTS
    from workforce.models import WorkforceReturn
    from workforce.selectors import authority_rows, national_row, region_rows

    year = 2024
    rows = WorkforceReturn.objects.filter(year=year, status="submitted").count()
    total = WorkforceReturn.objects.count()
    columns = ", ".join([f"{c}, {c}_symbol" for c in COUNTS])
    table = WorkforceReturn._meta.db_table

    def plain_select():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE year = %s AND status = %s", [year, "submitted"])
            cursor.fetchall()

    def national_report():
        national_row(year)
        region_rows(year)
        authority_rows(year)

    baseline = timed(plain_select, args.repeat)
    report = timed(national_report, args.repeat)
    print(f"Returns in the database: {total} ({rows} in {year}), {connection.vendor}")
    print(f"plain SELECT of {year}'s rows:                     {baseline * 1000:8.2f} ms (baseline)")
    print(
        f"national report ({year}: England, regions, LAs):    {report * 1000:8.2f} ms  "
        f"= {report / baseline:.1f} × baseline"
    )

    client = Client()
    print("\nQueries per request (whole request: session, user, page):")
    for user, path in [
        (lead, "/workforce/report/"),
        (lead, "/workforce/forecast/"),
        (lead, "/workforce/report/download.csv"),
        (regulator, f"/workforce/authorities/?year={year}&sort=vacancy_rate_fte"),
        (regulator, f"/api/v1/workforce/report/?year={year}&level=region"),
    ]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
        print(f"  {path:<58} {response.status_code}  {len(queries):3d} queries  {elapsed * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
