"""Each role's home and main pages served by gunicorn (2 workers of 4 threads, as a web node, DEBUG off), loaded
from this process, beside the trivial view (/healthz, as #34 measured against: one SELECT, the broker reached, a
file written and deleted) and the view doing no work at all (/healthz/live) on the same server in the same run;
then a mixed load of many concurrent clients.

Run (after generate_national_data, as `make bench` does):
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/pages.py [--requests 20] [--clients 30] [--seconds 20]

1. One client at a time: each page ``--requests`` times after two warm-ups; its p50 and p95 in ms, the ratio of its
   p50 to the trivial view's p50 and of its p95 to the trivial view's p95 (the goals), and of its p50 to
   /healthz/live's; and the queries the page runs (counted in this process with the test client on the same
   database). Pages over 3× the trivial view (p50 or p95) are marked.
2. Mixed load: ``--clients`` threads for ``--seconds`` loading only /healthz/live, then only the trivial view (the
   baseline), then only the layout as each signed-in person (the ceiling for any signed-in page), then the pages
   above in a seeded random order; requests a second and p50/p95 of each, and the pages' throughput as a share of
   each.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess  # nosec B404 # starts gunicorn, our own server, with a fixed argument list
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _django import ROOT, setup

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database made by generate_national_data (see make bench).")
setup("pages")

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

sys.path.insert(0, str(ROOT))
from accounts.models import User  # noqa: E402
from tests.scale_pages import ROLE_PAGES, query_counts  # noqa: E402

TRIVIAL = "/healthz/live"  # answers with no work at all: the strictest baseline
# The trivial view (#34: "ratios in one run against /healthz"): a view that does no page work but touches
# what every page does: one SELECT, the broker reached, a file written and deleted. The goals are read against it.
BASELINE = "/healthz"
LAYOUT = "/accessibility/"  # a page with no data in the same layout: what the layout alone costs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, var_dir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DEMO_MODE": "false",
        "DATABASE_CONN_MAX_AGE": "60",  # as in production
        "VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # nosec B603 # fixed arguments, our own virtualenv's gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--threads",
            "4",  # as a web node runs (config/gunicorn_conf.py, scripts/cluster.py): 2 processes of 4 threads
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{TRIVIAL}", timeout=2):  # nosec B310 # our server
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start within 60 s")


def session_cookies() -> dict:
    """A session for each signed-in person of ROLE_PAGES, stored in the database the server reads."""
    cookies = {None: ""}
    for email in ROLE_PAGES:
        if email:
            client = Client()
            client.force_login(User.objects.get(email=email))
            cookies[email] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def fetch(base: str, path: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310 # our own server over http
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - start


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_at_a_time(base, cookies, counts, repeat, only="") -> tuple[dict, list]:
    def measure(path, cookie):
        fetch(base, path, cookie)
        fetch(base, path, cookie)
        samples, statuses = [], set()
        for _ in range(repeat):
            status, seconds = fetch(base, path, cookie)
            statuses.add(status)
            samples.append(seconds)
        return statuses, samples

    _, live = measure(TRIVIAL, "")
    _, trivial = measure(BASELINE, "")
    t50, t95, live50 = statistics.median(trivial), percentile(trivial, 95), statistics.median(live)
    print(f"\n1. One client at a time, {repeat} requests each (gunicorn, 2 workers × 4 threads, DEBUG off)")
    print(
        f"   {'person':<28} {'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'× trivial':>9} {'p95 ×':>6} {'× live':>7}"
        f" {'× layout':>8} {'queries':>8}"
    )
    print(f"   {'(no work)':<28} {TRIVIAL:<38} {live50 * 1000:8.1f} {percentile(live, 95) * 1000:8.1f}")
    print(f"   {'(trivial view)':<28} {BASELINE:<38} {t50 * 1000:8.1f} {t95 * 1000:8.1f} {1:9.1f} {1:6.1f}")
    rows, slow = {}, []
    for email, paths in ROLE_PAGES.items():
        paths = [p for p in paths if only in f"{email or 'anonymous'} {p}"]
        if not paths:
            continue
        # What any page costs this person (session, account, navigation, layout) with no data of its own: the
        # "× layout" column is what the page itself adds.
        _, layout = measure(LAYOUT, cookies[email])
        l50 = statistics.median(layout)
        print(
            f"   {email or 'anonymous':<28} {LAYOUT + ' (layout only)':<38} {l50 * 1000:8.1f}"
            f" {percentile(layout, 95) * 1000:8.1f} {l50 / t50:9.1f}"
        )
        for path in paths:
            statuses, samples = measure(path, cookies[email])
            p50, p95 = statistics.median(samples), percentile(samples, 95)
            ratio, ratio95 = p50 / t50, p95 / t95
            flag = "  OVER 3×" if ratio > 3 or ratio95 > 3 else ""
            bad = "" if statuses == {200} else f"  status {sorted(statuses)}"
            print(
                f"   {email or 'anonymous':<28} {path:<38} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {ratio:9.1f}"
                f" {ratio95:6.1f} {p50 / live50:7.1f} {p50 / l50:8.1f} {counts[(email, path)][1]:8d}{flag}{bad}"
            )
            rows[(email, path)] = (p50, p95, ratio)
            if flag:
                slow.append((email, path, max(ratio, ratio95)))
    return {"trivial": (t50, t95), **rows}, slow


def _load(base, cookies, pages, clients, seconds, seed) -> tuple[list[float], list, float]:
    """``clients`` threads loading ``pages`` in a seeded random order for ``seconds``: samples, errors, time taken."""
    stop = time.monotonic() + seconds
    samples, errors = [], []
    lock = threading.Lock()

    def client(n):
        rng = random.Random(seed * 1000 + n)  # nosec B311 # a repeatable order of pages, not a secret
        while time.monotonic() < stop:
            email, path = rng.choice(pages)
            status, took = fetch(base, path, cookies[email])
            with lock:
                samples.append(took)
                if status != 200:
                    errors.append((status, path))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors, time.monotonic() - started


def mixed_load(base, cookies, clients, seconds, seed) -> None:
    """The same clients load only /healthz/live (no work at all), then only the trivial view (/healthz: the
    baseline, what the server and these clients manage with no page work), then the layout alone as each signed-in
    person (the ceiling for a signed-in page), then the role pages; throughput and latency of each, and the pages'
    throughput as a share of each baseline's."""
    pages = [(email, path) for email, paths in ROLE_PAGES.items() for path in paths]
    live, _, live_took = _load(base, cookies, [(None, TRIVIAL)], clients, seconds, seed)
    trivial, _, trivial_took = _load(base, cookies, [(None, BASELINE)], clients, seconds, seed)
    # The layout alone as each signed-in person (session, account, two-factor check, navigation; no page data): the
    # most any signed-in page could reach, so what share of the trivial view's rate is possible at all.
    signed_in = [(email, LAYOUT) for email in ROLE_PAGES if email]
    for email, path in signed_in:  # still signed in: a redirect to the sign-in page would be followed and count
        with urllib.request.urlopen(  # nosec B310 # our own server over http
            urllib.request.Request(base + path, headers={"Cookie": cookies[email]}), timeout=60
        ) as response:
            if not response.geturl().endswith(path) or b"Sign out" not in response.read():
                sys.exit(f"{email} is not signed in on {path}: the layout's load would not be theirs")
    layout, layout_errors, layout_took = _load(base, cookies, signed_in, clients, seconds, seed)
    page_samples, errors, took = _load(base, cookies, pages, clients, seconds, seed)
    rate, trivial_rate, live_rate = len(page_samples) / took, len(trivial) / trivial_took, len(live) / live_took
    layout_rate = len(layout) / layout_took
    print(
        f"\n2. Mixed load: {clients} concurrent clients for {seconds} s each on /healthz/live, on the trivial view, "
        f"on the signed-in layout, then over {len(pages)} pages"
    )
    print(
        f"   pages:   {len(page_samples):6d} requests ({rate:6.1f}/s)  "
        f"p50 {statistics.median(page_samples) * 1000:8.1f} ms  p95 {percentile(page_samples, 95) * 1000:8.1f} ms  "
        f"throughput {rate / trivial_rate:5.2f}× trivial"
    )
    print(
        f"   trivial: {len(trivial):6d} requests ({trivial_rate:6.1f}/s)  p50 {statistics.median(trivial) * 1000:8.1f}"
        f" ms  p95 {percentile(trivial, 95) * 1000:8.1f} ms  (baseline: the same clients, {BASELINE} only)"
    )
    print(
        f"   no work: {len(live):6d} requests ({live_rate:6.1f}/s)  p50 {statistics.median(live) * 1000:8.1f}"
        f" ms  p95 {percentile(live, 95) * 1000:8.1f} ms  ({TRIVIAL} only; pages {rate / live_rate:5.2f}× its rate)"
    )
    print(
        f"   layout:  {len(layout):6d} requests ({layout_rate:6.1f}/s)  p50 {statistics.median(layout) * 1000:8.1f}"
        f" ms  p95 {percentile(layout, 95) * 1000:8.1f} ms  ({LAYOUT} signed in, no page data: "
        f"{layout_rate / trivial_rate:5.2f}× trivial, the ceiling for a signed-in page; "
        f"pages {rate / layout_rate:5.2f}× its rate)"
    )
    if errors or layout_errors:
        print(f"   {len(errors) + len(layout_errors)} requests did not answer 200, e.g. {(errors + layout_errors)[:3]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="only the pages whose 'person path' contains this (no mixed load)")
    args = parser.parse_args()
    if not User.objects.filter(email="regulator@example.com").exists():
        sys.exit("No demo people in this database: run manage.py generate_national_data first.")
    counts = query_counts(args.only)
    cookies = session_cookies()
    port = free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        server = start_server(port, var_dir)
        try:
            base = f"http://127.0.0.1:{port}"
            _, slow = one_at_a_time(base, cookies, counts, args.requests, args.only)
            if not args.only:
                mixed_load(base, cookies, args.clients, args.seconds, args.seed)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if slow:
        print("\nOver 3× the trivial view: " + ", ".join(f"{p} ({e or 'anonymous'}) {r:.1f}×" for e, p, r in slow))


if __name__ == "__main__":
    main()
