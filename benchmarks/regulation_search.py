"""Public and staff register search at 1,000 and 100,000 entries, beside a plain indexed SELECT.

Run: .venv/bin/python benchmarks/regulation_search.py [--large 100000]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the generated rows).
Prints each search's median time, its ratio to the baseline (an indexed lookup by registration number on the
same table, from the same run), and the queries each request costs; the query count must not grow with size.
"""

import argparse
import os
import sys
import time

from _django import setup, timed

setup("regulation")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Organisation, Role, User  # noqa: E402
from accounts.services import grant_membership  # noqa: E402
from regulation.models import RegisterEntry  # noqa: E402


def measure(size, staff_client):
    public = Client()
    number = RegisterEntry.objects.order_by("-id").values_list("registration_number", flat=True).first()

    def baseline():
        list(RegisterEntry.objects.filter(registration_number=number).values_list("id", flat=True))

    searches = {
        "public search by name": lambda: public.get("/register/check/", {"q": "okafor"}),
        "public search by number": lambda: public.get("/register/check/", {"q": number}),
        "public API search by name": lambda: public.get("/api/v1/register/public/", {"q": "pat"}),
        "staff search by name": lambda: staff_client.get("/register/entries/", {"q": "smith"}),
        # Names as people type them: no accents, any apostrophe (issue 20 item 4).
        "public search 'bronte'": lambda: public.get("/register/check/", {"q": "bronte"}),
        "public search 'zoe bronte'": lambda: public.get("/register/check/", {"q": "zoe bronte"}),
        "public search 'O’Neill'": lambda: public.get("/register/check/", {"q": "O’Neill"}),
        "public search 'oneill'": lambda: public.get("/register/check/", {"q": "oneill"}),
    }
    base = timed(baseline)
    print(f"\n{size:>7,} entries  baseline (indexed SELECT by number): {base * 1000:.2f} ms")
    counts = {}
    for name, fn in searches.items():
        fn()  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = fn()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(ctx.captured_queries)
        seconds = timed(fn)
        print(f"  {name:<28} {seconds * 1000:8.2f} ms  {seconds / base:7.1f}× baseline  {counts[name]} queries")
    print("  query plans (must use an index, never scan the table):")
    from regulation.selectors import public_search

    for typed in ("bronte", "oneill"):
        sql, params = public_search(query=typed).values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(prefix + sql, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        uses_index = ("INDEX" in plan.upper()) and ("SCAN regulation_registerentry" not in plan)
        print(f"    {typed!r}: {'index' if uses_index else 'NO INDEX'}: {plan[:200]}")
        counts[f"plan {typed}"] = uses_index
    if connection.vendor == "postgresql":
        planner_figures()
    return counts


def planner_figures():
    """After ANALYZE (as autovacuum does in production), the real query with its ORDER BY and LIMIT: ordered by the
    indexed columns (the old way), the planner may walk the whole name index discarding rows; ordered by the
    expression (``selectors.BY_NAME``), it fetches the matches and sorts them. Each figure is the database's own
    execution time (EXPLAIN ANALYZE), the median of five."""
    import statistics

    from regulation.selectors import public_search

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE regulation_registerentry")
    print("  after ANALYZE, database time for the first page (median of 5 EXPLAIN ANALYZE):")

    def execution_ms(qs) -> tuple[float, int]:
        sql, params = qs.query.sql_with_params()
        times, discarded = [], 0
        for _ in range(5):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
                rows = [r[0] for r in cursor.fetchall()]
            times.append(float(next(r for r in rows if "Execution Time" in r).split(":")[1].split()[0]))
            discarded = sum(int(r.split(":")[1]) for r in rows if "Rows Removed by Filter" in r)
        return statistics.median(times), discarded

    number = RegisterEntry.objects.order_by("-id").values_list("registration_number", flat=True).first()
    base, _ = execution_ms(RegisterEntry.objects.filter(registration_number=number).values("id"))
    print(f"    baseline (indexed SELECT by number): {base:.2f} ms")
    for typed in ("adams", "bronte", "okafor", "smith", "zhang", "zoë", "o’neill"):
        now = public_search(query=typed)[:25]
        old = public_search(query=typed).order_by("surname_key", "name_key", "id")[:25]
        old_ms, old_discarded = execution_ms(old)
        now_ms, now_discarded = execution_ms(now)
        print(
            f"    {typed!r:<10} by columns {old_ms:7.2f} ms ({old_discarded:>6} rows discarded)"
            f"   by expression {now_ms:7.2f} ms ({now_discarded} discarded)   {now_ms / old_ms:5.2f}× the old way"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    Organisation.objects.get_or_create(name="Bench Council", kind="other_employer", defaults={"town": "Leeds"})
    regulator_org, _ = Organisation.objects.get_or_create(name="Bench Regulator", kind="regulator")
    staff, _ = User.objects.get_or_create(email="bench.regulator@example.com")
    grant_membership(user=staff, organisation=regulator_org, role=Role.REGULATOR_STAFF, by=None)
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=staff).exists():
        TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    staff_client = Client()
    staff_client.force_login(staff)

    have = RegisterEntry.objects.count()
    results = {}
    for size in (args.small, args.large):
        if have < size:
            start = time.perf_counter()
            with open(os.devnull, "w") as quiet:
                call_command("generate_register", entries=size - have, stdout=quiet)
            print(f"(generated {size - have:,} entries in {time.perf_counter() - start:.1f} s)")
            have = size
        results[size] = measure(size, staff_client)
    same = all(results[args.small][k] == results[args.large][k] for k in results[args.small])
    print(f"\nQueries per request the same at {args.small:,} and {args.large:,} entries: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
