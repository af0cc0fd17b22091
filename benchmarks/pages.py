"""Each role's home and main pages served by gunicorn (2 workers, DEBUG off), loaded from this process, beside
the trivial view (/healthz/live) on the same server in the same run; then a mixed load of many concurrent clients.

Run (after generate_national_data, as `make bench` does):
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/pages.py [--requests 20] [--clients 30] [--seconds 20]

1. One client at a time: each page ``--requests`` times after two warm-ups; its p50 and p95 in ms, the ratio of its
   p50 to the trivial view's, and the queries the page runs (counted in this process with the test client on the
   same database). Pages over 3× the trivial view are marked.
2. Mixed load: ``--clients`` threads for ``--seconds``, each loading the pages above in a seeded random order,
   while one more thread loads the trivial view; p50/p95 of each under that same load, and requests a second.
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

TRIVIAL = "/healthz/live"
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

    _, trivial = measure(TRIVIAL, "")
    t50 = statistics.median(trivial)
    print(f"\n1. One client at a time, {repeat} requests each (gunicorn, 2 workers, DEBUG off)")
    print(f"   {'person':<28} {'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'× trivial':>9} {'× layout':>8} {'queries':>8}")
    print(f"   {'(trivial view)':<28} {TRIVIAL:<38} {t50 * 1000:8.1f} {percentile(trivial, 95) * 1000:8.1f}")
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
            ratio = p50 / t50
            flag = "  OVER 3×" if ratio > 3 else ""
            bad = "" if statuses == {200} else f"  status {sorted(statuses)}"
            print(
                f"   {email or 'anonymous':<28} {path:<38} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {ratio:9.1f}"
                f" {p50 / l50:8.1f} {counts[(email, path)][1]:8d}{flag}{bad}"
            )
            rows[(email, path)] = (p50, p95, ratio)
            if ratio > 3:
                slow.append((email, path, ratio))
    return {"trivial": (t50, percentile(trivial, 95)), **rows}, slow


def mixed_load(base, cookies, clients, seconds, seed) -> None:
    pages = [(email, path) for email, paths in ROLE_PAGES.items() for path in paths]
    stop = time.monotonic() + seconds
    page_samples, trivial_samples, errors = [], [], []
    lock = threading.Lock()

    def client(n):
        rng = random.Random(seed * 1000 + n)  # nosec B311 # a repeatable order of pages, not a secret
        while time.monotonic() < stop:
            email, path = rng.choice(pages)
            status, took = fetch(base, path, cookies[email])
            with lock:
                page_samples.append(took)
                if status != 200:
                    errors.append((status, path))

    def trivial():
        while time.monotonic() < stop:
            _, took = fetch(base, TRIVIAL, "")
            with lock:
                trivial_samples.append(took)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=trivial))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    p50, t50 = statistics.median(page_samples), statistics.median(trivial_samples)
    print(
        f"\n2. Mixed load: {clients} concurrent clients for {seconds} s over {len(pages)} pages, plus the trivial view"
    )
    print(
        f"   pages:   {len(page_samples):6d} requests ({len(page_samples) / took:6.1f}/s)  p50 {p50 * 1000:8.1f} ms"
        f"  p95 {percentile(page_samples, 95) * 1000:8.1f} ms  {p50 / t50:6.1f}× trivial"
    )
    print(
        f"   trivial: {len(trivial_samples):6d} requests ({len(trivial_samples) / took:6.1f}/s)  "
        f"p50 {t50 * 1000:8.1f} ms  p95 {percentile(trivial_samples, 95) * 1000:8.1f} ms  (baseline)"
    )
    if errors:
        print(f"   {len(errors)} requests did not answer 200, e.g. {errors[:3]}")


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
