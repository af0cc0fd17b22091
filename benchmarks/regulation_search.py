"""Public and staff register search at two sizes (default 1,000 and 100,000 entries), beside a trivial view and a
plain indexed SELECT from the same run.

Run: .venv/bin/python benchmarks/regulation_search.py [--small 1000] [--large 100000]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the generated rows, added to
whatever entries it already has). Prints each search's median time, its ratio to the trivial view (`/healthz/live`
through the same test client: Django's request and response, no data) and to an indexed lookup by registration
number, beside a page with no data of its own (`/accessibility/`: the layout alone), and the queries each request
costs; the query count must not grow with size.

On PostgreSQL it then runs VACUUM ANALYZE (as autovacuum does in production after bulk inserts) and prints, for
names early and late in the alphabet, common and rare, with accents and apostrophes, the database's own time (EXPLAIN
ANALYZE) for every search query the first page and the 40th page need, in three designs: the current one (two index
ranges read in index order and counted to at most 1,000, ``selectors.SearchResults``), and the two before it,
rebuilt here for comparison with the pattern indexes they read (migration 0013 dropped those from the service; they
are built for the comparison and dropped after): ordered by the indexed columns (the planner walks the surname index
discarding rows) and ordered by an expression (every match fetched, counted and sorted). Then the plan of the
current design's query for the commonest surname.
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
    number, email = RegisterEntry.objects.order_by("-id").values_list("registration_number", "email").first()
    assert email, "the register was generated before generate_register gave entries an email: generate it again"

    def baseline():
        list(RegisterEntry.objects.filter(registration_number=number).values_list("id", flat=True))

    searches = {
        "public search by name": lambda: public.get("/register/check/", {"q": "okafor"}),
        "public search by number": lambda: public.get("/register/check/", {"q": number}),
        "public API search by name": lambda: public.get("/api/v1/register/public/", {"q": "pat"}),
        "staff search by name": lambda: staff_client.get("/register/entries/", {"q": "smith"}),
        # Any case, as people type it: compared in upper case through its own index (without it: a table scan).
        "staff search by email": lambda: staff_client.get("/register/entries/", {"q": email.upper()}),
        "staff search by number": lambda: staff_client.get("/register/entries/", {"q": number}),
        # Names as people type them: no accents, any apostrophe (issue 20 item 4).
        "public search 'bronte'": lambda: public.get("/register/check/", {"q": "bronte"}),
        "public search 'zoe bronte'": lambda: public.get("/register/check/", {"q": "zoe bronte"}),
        "public search 'O’Neill'": lambda: public.get("/register/check/", {"q": "O’Neill"}),
        "public search 'oneill'": lambda: public.get("/register/check/", {"q": "oneill"}),
    }
    base = timed(baseline)
    trivial = timed(lambda: public.get("/healthz/live"))
    layout = timed(lambda: public.get("/accessibility/"))
    print(f"\n{size:>7,} entries  baseline (indexed SELECT by number): {base * 1000:.2f} ms")
    print(f"{'':>16}trivial view (/healthz/live, same client): {trivial * 1000:.2f} ms")
    print(f"{'':>16}a page with no data (/accessibility/: the layout alone): {layout * 1000:.2f} ms")
    counts = {}
    for name, fn in searches.items():
        fn()  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = fn()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(ctx.captured_queries)
        seconds = timed(fn)
        print(
            f"  {name:<28} {seconds * 1000:8.2f} ms  {seconds / trivial:6.1f}× trivial view"
            f"  {seconds / layout:5.1f}× layout  {seconds / base:7.1f}× SELECT  {counts[name]} queries"
        )
    print("  query plans (each part of a name search must read an index, never scan the table):")
    from regulation.selectors import public_search

    for typed in ("bronte", "oneill"):
        uses_index = True
        for part in public_search(query=typed).parts:
            sql, params = part[:25].query.sql_with_params()
            with connection.cursor() as cursor:
                prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(prefix + sql, params)
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            uses_index &= ("INDEX" in plan.upper()) and ("SCAN regulation_registerentry" not in plan)
        print(f"    {typed!r}: {'index' if uses_index else 'NO INDEX'}: {plan[:200]}")
        counts[f"plan {typed}"] = uses_index
    if connection.vendor == "postgresql":
        planner_figures()
    return counts


NAMES = ("adams", "bronte", "okafor", "smith", "zhang", "zoë", "o’neill", "sam")


def planner_figures():
    """The database's own time (EXPLAIN ANALYZE, median of five) for all the search queries of the first and the 40th
    page, after ANALYZE, in the current design and the two before it."""
    with connection.cursor() as cursor:
        for name, key in EARLIER_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON regulation_registerentry ({key})")
        cursor.execute("VACUUM ANALYZE regulation_registerentry")
    try:
        _planner_figures()
    finally:
        with connection.cursor() as cursor:
            for name in EARLIER_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


# The pattern indexes the earlier designs read (migration 0013 dropped them), built for the comparison only.
EARLIER_INDEXES = {
    "bench_earlier_surname_pattern": "surname_key varchar_pattern_ops",
    "bench_earlier_name_pattern": "name_key varchar_pattern_ops",
    "bench_earlier_name": "name_key",
}


def _planner_figures():
    import statistics

    from django.db.models import Q
    from django.db.models.functions import Lower

    from regulation.models import normalise_name
    from regulation.selectors import SearchResults, public_search

    def page_queries(typed: str, start: int, stop: int) -> list[tuple[str, None]]:
        """The SQL the search itself runs for one page (its counts, then the page's rows), captured as it runs,
        without the prefetches of what is in force: the earlier designs are measured without them too."""
        results = public_search(query=typed)
        bare = SearchResults(*(part.prefetch_related(None) for part in results.parts))
        with CaptureQueriesContext(connection) as ctx:
            bare.count()
            list(bare[start:stop])
        return [(q["sql"], None) for q in ctx.captured_queries]

    def explain(qs, analyze=True) -> tuple[float, list[str]]:
        sql, params = qs if isinstance(qs, tuple) else qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT TEXT) " + sql, params)
            rows = [r[0] for r in cursor.fetchall()]
        ms = float(next(r for r in rows if "Execution Time" in r).split(":")[1].split()[0]) if analyze else 0.0
        return ms, rows

    def count(qs) -> tuple[str, tuple]:
        """A count as Django runs it for a sliced (or any) queryset: COUNT(*) over the rows as a subquery."""
        sql, params = qs.values("id").query.sql_with_params()
        return f"SELECT COUNT(*) FROM ({sql}) AS counted", params

    def ms(queries) -> float:
        return statistics.median(sum(explain(q)[0] for q in queries) for _ in range(5))

    number = RegisterEntry.objects.order_by("-id").values_list("registration_number", flat=True).first()
    base = ms([RegisterEntry.objects.filter(registration_number=number).values("id")])
    print("  after VACUUM ANALYZE, database time for every search query a page needs (EXPLAIN ANALYZE, median of 5):")
    print(f"    baseline (indexed SELECT by number): {base:.2f} ms")
    print(f"    {'name':<10} {'page':>4} {'now':>9} {'by expression':>15} {'by columns':>12}   now × baseline")
    worst = 0.0
    for typed in NAMES:
        key = normalise_name(typed)
        matches = RegisterEntry.objects.filter(Q(surname_key__startswith=key) | Q(name_key__startswith=key))
        by_expression = matches.order_by(Lower("surname_key"), Lower("name_key"), "id")
        by_columns = matches.order_by("surname_key", "name_key", "id")
        for page in (1, 40):
            start, stop = (page - 1) * 25, page * 25
            now_queries = page_queries(typed, start, stop)
            now = ms(now_queries)
            worst = max(worst, now / base)
            old_expression = ms([count(matches), by_expression[start:stop]])
            old_columns = ms([count(matches), by_columns[start:stop]])
            print(
                f"    {typed!r:<10} {page:>4} {now:7.2f} ms {old_expression:12.2f} ms {old_columns:9.2f} ms"
                f"   {now / base:8.1f}×"
            )
    print(f"    the current design's slowest page: {worst:.1f}× the indexed SELECT")
    _, plan = explain(public_search(query="smith").parts[0][:25])
    print("  the current design's first page for 'smith' (EXPLAIN ANALYZE):")
    for row in plan:
        print(f"      {row}")


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
    # Fewer at the larger size is fine: a name search whose surnames fill the first page never reads its second part
    # (at 1,000 entries too few people are called Okafor for that). More would be a cost growing with the register.
    small, large = results[args.small], results[args.large]
    grows = [k for k in small if (not large[k] or not small[k] if k.startswith("plan ") else large[k] > small[k])]
    print(
        f"\nNo request makes more queries at {args.large:,} entries than at {args.small:,}, and every name search "
        "reads its indexes at both: " + ("yes" if not grows else f"NO ({', '.join(grows)})")
    )
    return 1 if grows else 0


if __name__ == "__main__":
    sys.exit(main())
