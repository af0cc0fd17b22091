"""The drill: mixed traffic through the rehearsal's load balancer while nodes are killed; then what was lost.

    python scripts/drill.py [--clients 50] [--seconds 60]        (make drill; 127.0.0.1 only, bounded in time)

It starts the rehearsal (scripts/cluster.py: primary and standby, Redis, two web nodes behind HAProxy, two workers,
beat), prepares candidates with a knowledge test open, then:

1. measures throughput of the same read traffic against one web node and against the balancer with both;
2. runs ``--clients`` clients for ``--seconds``: candidates saving answers, an assessor's scoresheet autosaves,
   public register searches, course lists and home pages, and regulator staff starting audit exports (jobs);
   a quarter of the way in it SIGKILLs web node 1, at half way SIGKILLs worker 1, at three quarters restarts Redis,
   and brings web node 1 back before the end;
3. waits for every job, and compares every answer and scoresheet save the service acknowledged with what the
   primary holds.

A request counts as failed when it gets no answer or a 5xx. Its last line:
``drill: requests N, failed F, jobs started S finished T, answers lost L, scores lost K, two nodes / one node R``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess  # nosec B404 # starts our own processes with fixed arguments, no shell
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import (
    BALANCER_PORT,
    PRIMARY_PORT,
    PYTHON,
    ROOT,
    WEB_PORTS,
    Browser,
    Cluster,
    demo_code,
    psql,
    redis_ping,
    run_with_cluster,
    step,
    wait_until,
)

READ_PATHS = ["/register/check/?q=Okafor", "/register/check/?q=Smith", "/courses/", "/", "/healthz/live"]


def seeded(n: int) -> random.Random:
    return random.Random(n)  # nosec B311 # the mix of a drill's traffic, not a secret


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.failed = Counter()
        self.acknowledged: dict[tuple[int, int], int] = {}  # (attempt, position) -> option the service said it saved
        self.unsure: dict[tuple[int, int], set[int]] = {}  # answers sent whose outcome we never heard
        self.jobs: list[str] = []
        self.scores_acknowledged: dict[int, str] = {}  # scoresheet -> the summary of the last save acknowledged
        self.scores_unsure: dict[int, set[str]] = {}
        self.started = time.monotonic()
        self.failed_at: list[float] = []

    def count(self, status: int, what: str) -> bool:
        with self.lock:
            self.sent += 1
            if status == 0 or status >= 500:
                self.failed[f"{what} {status or 'no answer'}"] += 1
                self.failed_at.append(time.monotonic() - self.started)
                return False
        return True


def _request(browser: Browser, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
    try:
        return browser.request(method, path, form)
    except OSError:
        return 0, "", {}


def candidate_client(person: dict, tally: Tally, until: float, rng: random.Random) -> None:
    browser = Browser(BALANCER_PORT)
    browser.sign_in(person["email"])
    questions = person["questions"]
    while time.monotonic() < until:
        question = rng.choice(questions)
        option = rng.choice(question["options"])
        key = (person["attempt"], question["position"])
        path = f"/accreditation/tests/{person['attempt']}/questions/{question['position']}/"
        with tally.lock:
            tally.unsure.setdefault(key, set()).add(option)
        status, _, headers = _request(browser, "POST", path, {"answer": option, "go": "next"})
        if tally.count(status, "answer") and status == 302 and "/questions/" in headers.get("location", ""):
            with tally.lock:
                tally.acknowledged[key] = option
                tally.unsure[key] = set()  # an earlier unanswered save cannot land after this one was answered
        if rng.random() < 0.3:
            tally.count(_request(browser, "GET", "/")[0], "home")
        time.sleep(rng.uniform(0.05, 0.3))


def reader_client(tally: Tally, until: float, rng: random.Random) -> None:
    browser = Browser(BALANCER_PORT)
    while time.monotonic() < until:
        path = rng.choice(READ_PATHS)
        tally.count(_request(browser, "GET", path)[0], path.split("?")[0])
        time.sleep(rng.uniform(0.05, 0.2))


def staff_client(cluster: Cluster, tally: Tally, until: float, rng: random.Random) -> None:
    browser = Browser(BALANCER_PORT)
    browser.sign_in("regulator@example.com", lambda: demo_code(cluster))
    day = 0
    while time.monotonic() < until:
        day += 1
        since = f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}"  # a different export each time, not one deduplicated
        status, _, headers = _request(browser, "POST", "/audit/", {"since": since})
        if tally.count(status, "start export"):
            job = re.search(r"/jobs/([0-9a-f-]{36})/", headers.get("location", ""))
            if job:
                with tally.lock:
                    tally.jobs.append(job.group(1))
        time.sleep(rng.uniform(2, 4))


def assessor_client(cluster: Cluster, sheets: list[dict], tally: Tally, until: float, rng: random.Random) -> None:
    """The demo assessor types into their draft scoresheets: the page's autosave posts the whole form each time."""
    if not sheets:
        return
    browser = Browser(BALANCER_PORT)
    browser.sign_in("assessor@example.com", lambda: demo_code(cluster))
    n = 0
    while time.monotonic() < until:
        n += 1
        sheet = rng.choice(sheets)
        summary = f"Drill save {n}"
        form = {"summary": summary, "reflection_mark": "", "recommendation": ""}
        for domain in sheet["domains"]:
            form |= {f"score-{domain}": str(rng.randint(1, 4)), f"evidence-{domain}": f"Seen in save {n}"}
        with tally.lock:
            tally.scores_unsure.setdefault(sheet["id"], set()).add(summary)
        path = f"/accreditation/assessor/scoresheets/{sheet['id']}/autosave/"
        status, body, _ = _request(browser, "POST", path, form)
        if tally.count(status, "scoresheet save") and status == 200 and '"saved": true' in body:
            with tally.lock:
                tally.scores_acknowledged[sheet["id"]] = summary
                tally.scores_unsure[sheet["id"]] = set()
        time.sleep(rng.uniform(0.2, 0.6))


def throughput(port: int, seconds: float, clients: int) -> float:
    """Requests a second answered (2xx/3xx) by ``clients`` readers against one port."""
    done = Counter()
    until = time.monotonic() + seconds

    def read(n: int) -> None:
        rng = seeded(n)
        browser = Browser(port)
        while time.monotonic() < until:
            status = _request(browser, "GET", rng.choice(READ_PATHS[:3]))[0]
            if 200 <= status < 400:
                done[n] += 1

    threads = [threading.Thread(target=read, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done.values()) / seconds


def faults(cluster: Cluster, seconds: float, log: list[str]) -> None:
    start = time.monotonic()

    def at(fraction: float) -> None:
        time.sleep(max(0.0, start + seconds * fraction - time.monotonic()))

    at(0.25)
    os.killpg(cluster.part("web1").process.pid, signal.SIGKILL)
    cluster.parts.remove(cluster.part("web1"))
    log.append(f"{time.monotonic() - start:5.1f} s  web node 1 killed (SIGKILL)")
    at(0.5)
    worker = cluster.part("worker1")
    os.killpg(worker.process.pid, signal.SIGKILL)
    cluster.parts.remove(worker)
    log.append(f"{time.monotonic() - start:5.1f} s  worker 1 killed (SIGKILL)")
    at(0.75)
    redis = cluster.part("redis")
    os.killpg(redis.process.pid, signal.SIGTERM)
    redis.process.wait(timeout=10)
    cluster.parts.remove(redis)
    cluster.start_redis()
    log.append(f"{time.monotonic() - start:5.1f} s  Redis restarted")
    at(0.85)
    cluster.start_web(1)
    log.append(f"{time.monotonic() - start:5.1f} s  web node 1 back")


def answers_lost(tally: Tally) -> tuple[int, int]:
    """Acknowledged answers the primary does not hold (unless a later save, unanswered, may have replaced them)."""
    attempts = ",".join(str(attempt) for attempt, _ in tally.acknowledged)
    query = (
        "SELECT coalesce(json_agg(json_build_object('a', attempt_id, 'p', position, 's', selected)), '[]') "
        "FROM accreditation_attemptitem WHERE attempt_id = ANY(string_to_array(:'attempts', ',')::bigint[])"
    )
    rows = psql(PRIMARY_PORT, query, attempts=attempts or "0")
    held = {(row["a"], row["p"]): row["s"] for row in json.loads(rows)}
    lost = 0
    for key, option in tally.acknowledged.items():
        selected = held.get(key) or []
        if selected != [option] and not ({*selected} & tally.unsure.get(key, set())):
            lost += 1
    return lost, len(tally.acknowledged)


def scores_lost(tally: Tally) -> int:
    """Scoresheets whose last acknowledged save is not what the primary holds (nor a later, unanswered save)."""
    if not tally.scores_acknowledged:
        return 0
    query = (
        "SELECT coalesce(json_object_agg(id, summary), '{}') FROM accreditation_scoresheet"
        " WHERE id = ANY(string_to_array(:'ids', ',')::bigint[])"
    )
    held = json.loads(psql(PRIMARY_PORT, query, ids=",".join(map(str, tally.scores_acknowledged))))
    return sum(
        1
        for sheet, summary in tally.scores_acknowledged.items()
        if held.get(str(sheet)) != summary and held.get(str(sheet)) not in tally.scores_unsure.get(sheet, set())
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    def drill(cluster: Cluster) -> int:
        candidates = max(1, args.clients * 2 // 5)
        staff = 1
        readers = max(1, args.clients - candidates - staff)
        step(f"preparing {candidates} candidates with a test open")
        result = subprocess.run(  # nosec B603 # fixed arguments
            [PYTHON, "scripts/drill_cohort.py", str(candidates)], env=cluster.env(), cwd=ROOT,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        prepared = json.loads(result.stdout.strip().splitlines()[-1])
        cohort, sheets = prepared["candidates"], prepared["scoresheets"]

        step("throughput: one web node, then both behind the balancer (10 s each)")
        one = throughput(WEB_PORTS[0], 10, 16)
        two = throughput(BALANCER_PORT, 10, 16)
        print(f"  one node {one:6.1f} requests/s; two nodes {two:6.1f} requests/s; ratio {two / one:.2f}")

        step(f"{args.clients} clients for {args.seconds:.0f} s while nodes are killed")
        tally, events = Tally(), []
        until = time.monotonic() + args.seconds
        threads = [
            *(
                threading.Thread(target=candidate_client, args=(p, tally, until, seeded(i)))
                for i, p in enumerate(cohort)
            ),
            *(threading.Thread(target=reader_client, args=(tally, until, seeded(1000 + i))) for i in range(readers)),
            threading.Thread(target=staff_client, args=(cluster, tally, until, seeded(7))),
            threading.Thread(target=assessor_client, args=(cluster, sheets, tally, until, seeded(8))),
            threading.Thread(target=faults, args=(cluster, args.seconds, events)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for line in events:
            print(f"  {line}")

        step("waiting for every job the staff started")
        wait_until(redis_ping, "Redis", 10)

        def finished() -> int:
            if not tally.jobs:
                return 0
            query = (
                "SELECT count(*) FROM accounts_job"
                " WHERE id = ANY(string_to_array(:'ids', ',')::uuid[]) AND status = 'succeeded'"
            )
            return int(psql(PRIMARY_PORT, query, ids=",".join(tally.jobs)))

        try:
            wait_until(lambda: finished() == len(tally.jobs), "every job to finish", 180)
        except RuntimeError as exc:
            print(f"  {exc}")
        done = finished()
        lost, acknowledged = answers_lost(tally)
        print(f"  answers acknowledged {acknowledged}, found on the primary {acknowledged - lost}")
        lost_scores = scores_lost(tally) if tally.scores_acknowledged else None
        print(f"  scoresheets saved {len(tally.scores_acknowledged)}, their last saves lost {lost_scores or 0}")
        for what, n in sorted(tally.failed.items()):
            print(f"  failed: {what} × {n}")
        if tally.failed_at:
            seconds = Counter(int(at) for at in tally.failed_at)
            print("  failures by second of the drill: " + ", ".join(f"{s} s: {n}" for s, n in sorted(seconds.items())))
        print(
            f"drill: requests {tally.sent}, failed {sum(tally.failed.values())}, jobs started {len(tally.jobs)} "
            f"finished {done}, answers lost {lost}, scores lost {'n/a' if lost_scores is None else lost_scores}, "
            f"two nodes / one node {two / one:.2f}",
            flush=True,
        )
        return 0 if not tally.failed and lost == 0 and not lost_scores and done == len(tally.jobs) else 1

    return run_with_cluster(drill, interrupted=130)


if __name__ == "__main__":
    sys.exit(main())
