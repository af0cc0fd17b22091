"""Rehearse the service on several nodes, on this one machine, with Debian's own packages (docs/operations.md).

    python scripts/cluster.py            start everything, serve on http://127.0.0.1:28000, Ctrl-C stops it all
    python scripts/cluster.py --check    start everything, prove it works as several nodes, stop, exit 0 or 1

It starts, each as its own process and with its files only under var/cluster/:

- a PostgreSQL 15 primary (port 25432) with WAL archiving, and a hot standby made from it by ``pg_basebackup`` and
  fed by streaming replication (port 25433), which the service reads from (``DATABASE_REPLICA_URL``);
- Redis (port 26379) for the Celery broker, the shared cache (sessions' throttles, job progress) and results;
- two gunicorn web nodes (ports 28001 and 28002) behind HAProxy (port 28000), which checks each node's /healthz
  every second, takes a failing node out and retries a request whose connection failed on the other node;
- two Celery workers and one beat; uploaded and generated files in one folder both web nodes and workers share.

The service runs as in production (``DJANGO_ENV=production``); HAProxy tells it the original request was HTTPS, as
a TLS-terminating load balancer does.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404 # starts our own processes with fixed arguments, no shell
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "var" / "cluster"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PYTHON = sys.executable
# Below Linux's range for outgoing connections (32768–60999): a port in it can be taken at random by a client socket
# just when a server needs to listen on it.
PRIMARY_PORT, STANDBY_PORT, REDIS_PORT = 25432, 25433, 26379
RESTORED_PORT = 25434  # a copy restored from the base backup and archived WAL, to a moment (cluster-check only)
BALANCER_PORT, WEB_PORTS = 28000, (28001, 28002)
WEB_SLOTS = 8  # requests one web node serves at once: 2 gunicorn processes of 4 threads
# PostgreSQL refuses to run as root: when the rehearsal is started as root, its servers run as Debian's postgres user.
AS_DB_OWNER = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # the demo users' published password, as in the README


@dataclass
class Part:
    name: str
    process: subprocess.Popen | None = None
    stop_command: list[str] | None = None


@dataclass
class Cluster:
    parts: list[Part] = field(default_factory=list)
    logs: Path = BASE / "logs"

    # --- what is needed -------------------------------------------------------------------------------------------
    @staticmethod
    def missing_packages() -> list[str]:
        needed = {
            "postgresql-15": PG_BIN / "pg_basebackup",
            "redis-server": shutil.which("redis-server"),
            "haproxy": shutil.which("haproxy")
            or (Path("/usr/sbin/haproxy") if Path("/usr/sbin/haproxy").exists() else None),
        }
        return [package for package, path in needed.items() if not path or not Path(path).exists()]

    @classmethod
    def refusal(cls) -> str:
        """Why the rehearsal cannot start here, in words for the person running it; empty when it can."""
        missing = cls.missing_packages()
        if missing:
            return f"The rehearsal needs Debian's {', '.join(missing)}: sudo apt-get install {' '.join(missing)}"
        busy = cls.ports_in_use()
        if busy:
            ports = ", ".join(map(str, busy))
            return f"Port {ports} is in use on 127.0.0.1: is another rehearsal running? Stop it with Ctrl-C first."
        return ""

    @staticmethod
    def ports_in_use() -> list[int]:
        in_use = []
        for port in (PRIMARY_PORT, STANDBY_PORT, RESTORED_PORT, REDIS_PORT, BALANCER_PORT, *WEB_PORTS):
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    in_use.append(port)
        return in_use

    # --- starting and stopping ----------------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        secret_file = BASE / "secret-key"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(64))
        return {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secret_file.read_text(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "VAR_DIR": str(BASE / "app"),
            "MEDIA_ROOT": str(BASE / "shared-files"),
            "CREDENTIAL_SIGNING_KEY_FILE": str(BASE / "shared-files" / "credential-signing-key.pem"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/swaccredit",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{STANDBY_PORT}/swaccredit",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
            "SITE_URL": f"http://127.0.0.1:{BALANCER_PORT}",
            "EMAIL_URL": "consolemail://",
        }

    def run(self, name: str, command: list[str], **kwargs) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:
            subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT, **kwargs)  # nosec B603

    def spawn(self, name: str, command: list[str], env: dict | None = None) -> Part:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 # lives as long as the process
        process = subprocess.Popen(  # nosec B603 # fixed argument list, no shell
            command, stdout=log, stderr=subprocess.STDOUT, env=env or self.env(), cwd=ROOT, start_new_session=True
        )
        part = Part(name, process)
        self.parts.append(part)
        return part

    def start_postgres(self) -> None:
        primary, standby, archive = BASE / "primary", BASE / "standby", BASE / "wal-archive"
        sockets, server_logs = BASE / "sockets", BASE / "logs" / "postgresql"
        for data in (primary, standby):
            if (data / "postmaster.pid").exists():  # a server left by a run that was killed outright
                stop = [*AS_DB_OWNER, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                with_suppressed(lambda command=stop: self.run("stop", command))
        for folder in (primary, standby, archive, sockets):
            shutil.rmtree(folder, ignore_errors=True)
        for folder in (primary, standby, archive, sockets, server_logs):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)  # PostgreSQL refuses a data folder others can read
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres", "postgres")
        self.run(
            "primary",
            [*AS_DB_OWNER, str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        )
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{sockets}'\n"
                "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                # Point-in-time recovery needs every WAL segment kept somewhere else: here, a folder.
                f"archive_mode = on\narchive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
                "fsync = off\nsynchronous_commit = off\n"  # a rehearsal on a laptop disk, not a production setting
            )
        self._pg_ctl("start", primary, "primary")
        self.parts.append(Part("postgresql primary", stop_command=self._pg_ctl_command("stop", primary)))
        self.run("primary", ["createdb", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "swaccredit"])
        self.run(
            "standby",
            [*AS_DB_OWNER, str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
             "-D", str(standby), "-R", "-X", "stream", "--checkpoint=fast"],
        )  # fmt: skip
        with open(standby / "postgresql.auto.conf", "a") as conf:
            conf.write(f"\nport = {STANDBY_PORT}\narchive_mode = off\n")
        self._pg_ctl("start", standby, "standby")
        self.parts.append(Part("postgresql standby", stop_command=self._pg_ctl_command("stop", standby)))

    def _pg_ctl_command(self, action: str, data: Path) -> list[str]:
        return [*AS_DB_OWNER, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", action]

    def _pg_ctl(self, action: str, data: Path, name: str) -> None:
        server_log = self.logs / "postgresql" / f"{name}.log"
        self.run(name, [*self._pg_ctl_command(action, data)[:-1], "-l", str(server_log), action])

    def start_redis(self) -> None:
        folder = BASE / "redis"
        folder.mkdir(exist_ok=True)
        self.spawn(
            "redis",
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--dir", str(folder),
             "--save", "", "--appendonly", "yes"],
        )  # fmt: skip
        wait_until(lambda: redis_ping(), "Redis to answer")

    def prepare_service(self) -> None:
        env = self.env()
        # Every node signs credentials with the one key; in production it comes from the environment or a secret
        # store (docs/operations.md), here a file in the folder every node shares, made once.
        key_file = Path(env["CREDENTIAL_SIGNING_KEY_FILE"])
        if not key_file.exists():
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            key_file.write_bytes(pem)
            key_file.chmod(0o600)
        for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
            self.run("setup", [PYTHON, "manage.py", *command], env=env, cwd=ROOT)
        self.run("setup", [PYTHON, "manage.py", "seed_demo", "--quiet-users"], env={**env, "DEMO_MODE": "true"})

    def start_web(self, number: int) -> Part:
        port = WEB_PORTS[number - 1]
        # Each node's processes add up their request metrics in a directory of its own, emptied at each start.
        metrics_dir = BASE / f"metrics-web{number}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        part = self.spawn(
            f"web{number}",
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "-c", "config/gunicorn_conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", str(WEB_SLOTS // 2), "--access-logfile", "-",
             "--graceful-timeout", "5"],
            env={**self.env(), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
        )  # fmt: skip
        wait_until(lambda: http_status(port, "/healthz/live") == 200, f"web node {number} to answer")
        return part

    def start_balancer(self) -> None:
        config = BASE / "haproxy.cfg"
        servers = "\n".join(
            f"    server web{n} 127.0.0.1:{port} check maxconn {WEB_SLOTS}" for n, port in enumerate(WEB_PORTS, 1)
        )
        config.write_text(balancer_config(f"127.0.0.1:{BALANCER_PORT}", servers))
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.run("haproxy", [haproxy, "-c", "-f", str(config)])
        self.spawn("haproxy", [haproxy, "-db", "-f", str(config)])
        wait_until(lambda: http_status(BALANCER_PORT, "/healthz") == 200, "the load balancer to answer")

    def start_workers(self) -> list[Part]:
        workers = [
            self.spawn(
                f"worker{n}",
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-n",
                    f"worker{n}@%h",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                ],
            )
            for n in (1, 2)
        ]
        self.spawn(
            "beat",
            [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
             "--schedule", str(BASE / "app" / "celerybeat-schedule")],
        )  # fmt: skip
        return workers

    def start(self) -> None:
        shutil.rmtree(BASE / "logs", ignore_errors=True)
        for folder in (BASE, self.logs, BASE / "app", BASE / "shared-files"):
            folder.mkdir(parents=True, exist_ok=True)
        step("PostgreSQL primary and hot standby")
        self.start_postgres()
        step("Redis")
        self.start_redis()
        step("Migrations and demo data")
        self.prepare_service()
        step("Two web nodes behind HAProxy, two workers, one beat")
        self.start_web(1)
        self.start_web(2)
        self.start_balancer()
        self.start_workers()

    def stop(self) -> None:
        for part in reversed(self.parts):
            if part.process and part.process.poll() is None:
                with_suppressed(lambda p=part: os.killpg(p.process.pid, signal.SIGTERM))
        for part in reversed(self.parts):
            if part.process:
                try:
                    part.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with_suppressed(lambda p=part: os.killpg(p.process.pid, signal.SIGKILL))
            elif part.stop_command:
                with_suppressed(lambda p=part: self.run("stop", p.stop_command))
        self.parts.clear()

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)


# --- small helpers ------------------------------------------------------------------------------------------------
def step(text: str) -> None:
    print(f"cluster: {text}", flush=True)


def with_suppressed(call) -> None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        call()


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, subprocess.CalledProcessError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Gave up waiting for {what} after {timeout:.0f} s (logs in {BASE / 'logs'}).")


def redis_ping() -> bool:
    result = subprocess.run(  # nosec B603 B607 # fixed arguments
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() == "PONG"


def http_status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


class Browser:
    """A person's browser against one port: keeps cookies (the service marks them Secure, as HTTPS would)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        origin = f"https://127.0.0.1:{BALANCER_PORT}"
        headers = {"Host": f"127.0.0.1:{BALANCER_PORT}", "X-Forwarded-Proto": "https", "Referer": f"{origin}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            # Header names in lower case: HAProxy sends them so, as HTTP/2 does.
            return response.status, text, {name.lower(): value for name, value in response.getheaders()}
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    def sign_in(self, email: str, code=None) -> None:
        self.get("/accounts/login/")
        status, _, headers = self.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        location = headers.get("location", "")
        if code and "2fa" in location:
            self.get(location)
            status, _, headers = self.post(location, {"code": code()})
            if status != 302:
                # A code is good for its own 30 seconds only (no tolerance): one made just before they ended
                # arrives too late. The next code, once its 30 seconds have begun, is tried once.
                time.sleep(30 - time.time() % 30 + 1)
                status, _, headers = self.post(location, {"code": code()})
        if status != 302:
            raise RuntimeError(f"Signing in as {email} answered {status}, not a redirect.")


def demo_code(cluster: Cluster) -> str:
    """The demo regulator's current two-factor code, from the service's own command."""
    result = subprocess.run(  # nosec B603 # fixed arguments
        [PYTHON, "manage.py", "demo_totp"], env={**cluster.env(), "DEMO_MODE": "true"}, cwd=ROOT,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def psql(port: int, sql: str, **variables: str) -> str:
    """One statement's result as text; values are passed as psql variables (``:'name'`` in the SQL), never pasted."""
    options = [f"--variable={name}={value}" for name, value in variables.items()]
    result = subprocess.run(  # nosec B603 B607 # fixed arguments; the SQL is ours
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "swaccredit", "-tA", *options, "-f", "-"],
        input=sql, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


# --- the check ----------------------------------------------------------------------------------------------------
def check(cluster: Cluster) -> list[str]:
    """Each thing a several-node service must do, tried for real. Returns what failed (empty when all held)."""
    failures = []

    def expect(condition: bool, what: str) -> None:
        print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
        if not condition:
            failures.append(what)

    step("checking")
    # 1. The standby follows the primary.
    psql(
        PRIMARY_PORT,
        "CREATE TABLE IF NOT EXISTS rehearsal_probe (at timestamptz); INSERT INTO rehearsal_probe VALUES (now())",
    )
    wait_until(lambda: psql(STANDBY_PORT, "SELECT count(*) FROM rehearsal_probe") == "1", "the standby to replay", 20)
    expect(psql(STANDBY_PORT, "SELECT pg_is_in_recovery()") == "t", "the standby is a hot standby in recovery")
    expect(
        psql(PRIMARY_PORT, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1",
        "the primary streams to one standby",
    )
    expect(any((BASE / "wal-archive").iterdir()) or _force_archive(), "the primary archives its WAL for recovery")

    # 2. A person signs in through one node and carries on through the other: sessions are shared.
    first, second = Browser(WEB_PORTS[0]), Browser(WEB_PORTS[1])
    first.sign_in("regulator@example.com", lambda: demo_code(cluster))
    second.cookies = dict(first.cookies)
    status, page, _ = second.get("/")
    expect(status == 200 and "Sign out" in page, "signed in on web 1, the home page answers on web 2")

    # 3. Staff see the standby in use and its lag; a public search is answered from it.
    status, page, _ = second.get("/service-health/")
    expect(status == 200 and "The standby" in page, "web 2 reads from the standby (service health page)")
    count_reads = (
        "SELECT coalesce(sum(seq_scan + idx_scan), 0) FROM pg_stat_user_tables"
        " WHERE relname = 'regulation_registerentry'"
    )
    reads_before = int(psql(STANDBY_PORT, count_reads))
    status, page, _ = Browser(BALANCER_PORT).get("/register/check/?q=Okafor")
    # A backend that keeps its connection (as production's web nodes do) reports its table scans to the shared
    # statistics when it has been idle a while (up to about 10 s in PostgreSQL 15), not at once.
    with contextlib.suppress(RuntimeError):  # still unchanged after 20 s: the check below fails and says so
        wait_until(lambda: int(psql(STANDBY_PORT, count_reads)) > reads_before, "the standby's counters", 20)
    reads_after = int(psql(STANDBY_PORT, count_reads))
    expect(status == 200 and reads_after > reads_before, "the public register search read the standby")

    # 4. A file written by one node is read by the other (a shared folder here; S3-compatible in production).
    status, _, headers = first.post("/audit/", {"since": ""})
    job = re.search(r"/jobs/([0-9a-f-]{36})/", headers.get("location", ""))
    expect(job is not None, "an audit export was started on web 1")
    if job:
        path = f"/jobs/{job.group(1)}/"
        wait_until(
            lambda: "Ready" in second.get(path)[1],
            "a worker to finish the export",
            60,
        )
        status, body, _ = second.get(f"{path}download/")
        expect(status == 200 and len(body) > 0, "a worker made the file and web 2 serves it")

    # 5. Metrics: a node's processes are added up; through the balancer (a forwarded request) they are refused.
    status, text, _ = Browser(WEB_PORTS[1]).get("/metrics")
    served = sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("swaccredit_http_requests_total{")
    )
    expect(status == 200 and served > 0, f"web 2's /metrics adds up its processes' requests ({served:.0f})")
    expect(Browser(BALANCER_PORT).get("/metrics")[0] == 403, "/metrics through the balancer is refused")

    # 6. Point-in-time recovery from a base backup and the archived WAL: a row written before the moment is there,
    #    one written after it is not.
    restored = restore_to_a_moment(cluster)
    expect(restored == ("1", "0"), f"a base backup and archived WAL restore to a moment (before, after: {restored})")

    # 7. An upgrade, one web node at a time (migrations first, as docs/operations.md says), under steady reads.
    failed, sent = upgrade_one_node_at_a_time(cluster)
    expect(failed == 0, f"web nodes replaced one at a time under load: {failed} of {sent} requests failed")

    # 8. A web node killed: the balancer takes it out and nothing more fails.
    os.killpg(cluster.part("web1").process.pid, signal.SIGKILL)
    failed = sum(1 for _ in range(40) if _safe_status(BALANCER_PORT, "/register/check/?q=Okafor") != 200)
    expect(failed == 0, f"with web 1 killed every request through the balancer answered ({failed} of 40 failed)")
    return failures


def _safe_status(port: int, path: str) -> int:
    try:
        return http_status(port, path)
    except OSError:
        return 0


def upgrade_one_node_at_a_time(cluster: Cluster) -> tuple[int, int]:
    """Readers keep asking through the balancer while each web node stops gracefully and starts again."""
    stop, results, lock = threading.Event(), [], threading.Lock()

    def read() -> None:
        while not stop.is_set():
            status = _safe_status(BALANCER_PORT, "/register/check/?q=Okafor")
            with lock:
                results.append(status)
            time.sleep(0.05)

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    try:
        cluster.run("setup", [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=cluster.env(), cwd=ROOT)
        for number in (1, 2):
            part = cluster.part(f"web{number}")
            os.killpg(part.process.pid, signal.SIGTERM)  # gunicorn finishes what it is answering, then stops
            part.process.wait(timeout=30)
            cluster.parts.remove(part)
            cluster.start_web(number)
            time.sleep(2.5)  # the balancer's checks see it back (rise 2, every second) before the next goes
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    return sum(1 for status in results if status != 200), len(results)


def restore_to_a_moment(cluster: Cluster) -> tuple[str, str]:
    """PostgreSQL's own point-in-time recovery, as docs/operations.md describes it, tried for real."""
    backup, restore, archive = BASE / "base-backup", BASE / "restored", BASE / "wal-archive"
    for folder in (backup, restore):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
    cluster.run(
        "restore",
        [*AS_DB_OWNER, str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
         "-D", str(backup), "-X", "stream", "--checkpoint=fast"],
    )  # fmt: skip
    psql(
        PRIMARY_PORT,
        "CREATE TABLE IF NOT EXISTS recovery_probe (label text); INSERT INTO recovery_probe VALUES ('before')",
    )
    moment = psql(PRIMARY_PORT, "SELECT clock_timestamp()")
    time.sleep(1.5)
    psql(PRIMARY_PORT, "INSERT INTO recovery_probe VALUES ('after')")
    segment = psql(PRIMARY_PORT, "SELECT pg_walfile_name(pg_switch_wal())")
    wait_until(lambda: (archive / segment).exists(), "the last WAL segment to be archived", 30)
    cluster.run("restore", [*AS_DB_OWNER, "cp", "-a", f"{backup}/.", str(restore)])
    with open(restore / "postgresql.auto.conf", "a") as conf:
        conf.write(
            f"\nport = {RESTORED_PORT}\narchive_mode = off\nrestore_command = 'cp {archive}/%f %p'\n"
            f"recovery_target_time = '{moment}'\nrecovery_target_action = 'promote'\n"
        )
    (restore / "standby.signal").unlink(missing_ok=True)
    (restore / "recovery.signal").touch()
    if os.geteuid() == 0:
        shutil.chown(restore / "recovery.signal", "postgres", "postgres")
    cluster._pg_ctl("start", restore, "restored")
    try:
        wait_until(lambda: psql(RESTORED_PORT, "SELECT pg_is_in_recovery()") == "f", "the restored copy to finish", 60)
        return (
            psql(RESTORED_PORT, "SELECT count(*) FROM recovery_probe WHERE label = 'before'"),
            psql(RESTORED_PORT, "SELECT count(*) FROM recovery_probe WHERE label = 'after'"),
        )
    finally:
        with_suppressed(lambda: cluster.run("restore", cluster._pg_ctl_command("stop", restore)))


def _force_archive() -> bool:
    psql(PRIMARY_PORT, "SELECT pg_switch_wal()")
    wait_until(lambda: any((BASE / "wal-archive").iterdir()), "a WAL segment to be archived", 20)
    return True


def stop_on_sigterm() -> None:
    """A SIGTERM stops everything as Ctrl-C does, so no server outlives the script."""

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def run_with_cluster(work, *, interrupted: int) -> int:
    """Start the rehearsal, run ``work(cluster)`` for its exit code, and stop every part whatever happens."""
    refusal = Cluster.refusal()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    os.chdir(ROOT)
    cluster = Cluster()
    stop_on_sigterm()
    try:
        cluster.start()
        return work(cluster)
    except KeyboardInterrupt:
        print("\ncluster: stopping…")
        return interrupted
    finally:
        cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="prove it works as several nodes, then stop")
    args = parser.parse_args()

    def serve_or_check(cluster: Cluster) -> int:
        if args.check:
            failures = check(cluster)
            print(f"cluster check: {'passed' if not failures else f'{len(failures)} failed'}", flush=True)
            return 1 if failures else 0
        print(f"cluster: serving on http://127.0.0.1:{BALANCER_PORT} (logs in {cluster.logs}); Ctrl-C stops it all")
        while all(p.process.poll() is None for p in cluster.parts if p.process):
            time.sleep(0.5)
        print("cluster: a process stopped on its own; stopping the rest.", file=sys.stderr)
        return 1

    return run_with_cluster(serve_or_check, interrupted=0)


def balancer_config(bind: str, servers: str) -> str:
    """HAProxy's configuration for the web nodes; deploy/haproxy.cfg (docker-compose.yml) carries the same
    directives (tests/test_compose.py compares them)."""
    return (
        "global\n    maxconn 500\n"
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n"
        # Requests beyond what a node can serve at once wait here, not in the node's backlog, so its health
        # check is never stuck behind them and a busy node is not mistaken for a dead one.
        "    timeout queue 30s\n    timeout check 5s\n"
        # A refused connection marks a node down at once (not after two missed checks), and every retry goes
        # to another node rather than the one that just failed.
        "    default-server inter 1s fastinter 500ms fall 2 rise 2"
        " observe layer4 error-limit 1 on-error mark-down\n"
        "    option redispatch 1\n    retries 3\n"
        # A request whose connection failed or got no answer is tried on the other node; never a POST, which
        # the first node may already have acted on.
        "    retry-on conn-failure empty-response response-timeout\n"
        # The client's address for the nodes (TRUSTED_PROXY_COUNT), and the mark /metrics refuses.
        "    option forwardfor\n"
        f"frontend service\n    bind {bind}\n    default_backend web\n"
        "    http-request set-header X-Forwarded-Proto https\n"
        "backend web\n    balance roundrobin\n    http-request disable-l7-retry if METH_POST\n"
        "    option httpchk GET /healthz\n    http-check expect status 200\n"
        f"{servers}\n"
    )


if __name__ == "__main__":
    sys.exit(main())
