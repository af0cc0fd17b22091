"""Saving an answer in the knowledge assessment, beside a trivial view on the same stack, in one run.

Run: .venv/bin/python benchmarks/accreditation_answer_save.py [--candidates 200]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the rows).

A cohort of candidates (default 200, the national load) each has a test open on the demo question bank.
The answer-save request is the real one (POST of a question page: session, CSRF, the rule, the row lock,
the save, the redirect to the next question), cycling through the cohort. The baseline is a POST through
the same middleware to a view that only reads the signed-in user and redirects. Prints medians, the ratio
(goal ≤ 2×) and the queries each request costs.
"""

import argparse
import os
import random
import sys
import time
import types

from _django import setup, timed

setup("accreditation")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

# The baseline view lives in a URLconf of its own that wraps the product's, so both requests share the stack.
bench_urls = types.ModuleType("bench_urls")


def trivial(request):
    return HttpResponseRedirect(f"/?u={request.user.pk}")


bench_urls.urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]
sys.modules["bench_urls"] = bench_urls


def count_queries(fn) -> int:
    """Queries one request runs (counted at the cursor, whatever DEBUG says)."""
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        fn()
    return len(seen)


def build_cohort(size):
    from accounts.models import Organisation, User
    from accreditation import services
    from accreditation.models import Candidate
    from accreditation.services.pathway import current_standard

    leeds = Organisation.objects.get(la_number="383")
    manager = User.objects.get(email="line.manager@example.com")
    regulator = User.objects.get(email="regulator@example.com")
    seed = sys.modules["accreditation.management.commands.seed_accreditation_demo"].Command()
    cohort = []
    standard = current_standard("practitioner")
    for n in range(size):
        user = seed._person(f"bench.candidate{n}@example.com", "Bench", f"Candidate {n}", leeds, regulator)
        c = Candidate.objects.filter(user=user, status="active").first()
        if c is None:
            c = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
            services.save_mapping(candidate=c, by=manager, statements={d.key: "Bench" for d in standard.domains.all()})
            services.endorse(candidate=c, by=manager, reason="Bench")
        attempt = services.start_attempt(candidate=c, by=user, rng=random.Random(n))
        rows = list(attempt.items.select_related("item").prefetch_related("item__options"))
        cohort.append((user, attempt, rows))
    return cohort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=400)
    args = parser.parse_args()
    settings.DEBUG = True  # seed_demo refuses to make demo users otherwise
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", "--quiet-users", stdout=quiet)
    import accreditation.management.commands.seed_accreditation_demo  # noqa: F401

    start = time.perf_counter()
    cohort = build_cohort(args.candidates)
    settings.DEBUG = False
    print(f"(cohort of {len(cohort)} candidates with tests open, in {time.perf_counter() - start:.1f} s)")

    clients = []
    for user, attempt, rows in cohort:
        client = Client()
        client.force_login(user)
        clients.append((client, attempt, rows))
    turn = {"i": 0}

    def answer():
        client, attempt, rows = clients[turn["i"] % len(clients)]
        row = rows[(turn["i"] // len(clients)) % len(rows)]
        turn["i"] += 1
        option = random.choice(list(row.item.options.all()))
        response = client.post(
            f"/accreditation/tests/{attempt.pk}/questions/{row.position}/", {"answer": [option.pk], "go": "next"}
        )
        assert response.status_code == 302 and "/questions/" in response["Location"], response

    def baseline():
        client = clients[turn["i"] % len(clients)][0]
        turn["i"] += 1
        response = client.post("/bench/trivial/")
        assert response.status_code == 302

    with override_settings(ROOT_URLCONF="bench_urls"):
        for fn in (baseline, answer):
            fn()  # warm
        base_q, save_q = count_queries(baseline), count_queries(answer)
        base = timed(baseline, args.repeat)
        save = timed(answer, args.repeat)
    ratio = save / base
    print(f"\nDatabase: {connection.vendor}; {len(cohort)} candidates; median of {args.repeat} requests each")
    print(f"  trivial view (baseline)      {base * 1000:7.2f} ms  {base_q:2d} queries")
    print(f"  save an answer (POST)       {save * 1000:7.2f} ms  {save_q:2d} queries")
    print(f"  ratio                        {ratio:7.2f}×  (goal ≤ 2×): {'met' if ratio <= 2 else 'NOT met'}")
    per_second = 1 / save
    print(f"  one process saves ~{per_second:,.0f} answers a second; 200 candidates answering a question a minute")
    print(f"  need ~{200 / 60:.1f} a second")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
