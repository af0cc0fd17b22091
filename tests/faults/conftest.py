"""Real processes for the fault tests: a test-owned redis-server on its own port and Celery workers.

Never the shared Redis on 6379: each test starts its own server so it can stop and restart it at will.
Runs on PostgreSQL and on SQLite (the test database is a file there, so a worker process can open it).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.celery_routes import route_jobs_to
from tests.parallel import xdist_worker_index
from tests.processes import another_process_can_open_the_database, database_url_for_another_process

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    # Parallel workers each probe their own ten ports, so two can never pick the same free one at once.
    first = 6390 + 10 * xdist_worker_index()
    for port in range(first, first + 10):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port between {first} and {first + 9} for a test Redis.")


@pytest.fixture
def real_services():
    reasons = []
    if reason := another_process_can_open_the_database():
        reasons.append(reason)
    if shutil.which("redis-server") is None:
        reasons.append("redis-server is not installed")
    if reasons:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the fault tests, but {' and '.join(reasons)}.")
        pytest.skip(" and ".join(reasons))


class RedisServer:
    def __init__(self, port: int, folder: Path):
        self.port, self.folder, self.process = port, folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("The test Redis did not start.")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def cli(self, *args: str) -> str:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, check=True
        ).stdout.strip()


@pytest.fixture
def redis_server(real_services, tmp_path):
    server = RedisServer(_free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def publishing_to(url: str):
    """Point this test process's Celery app at the test Redis, and back afterwards."""
    from config.celery import app

    names = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options", "task_always_eager")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        broker_url=url, broker_read_url=url, broker_write_url=url, broker_transport_options={}, task_always_eager=False
    )
    _drop_connections(app)
    route_jobs_to(app, None)
    try:
        yield app
    finally:
        _drop_connections(app)
        app.conf.update(saved)
        route_jobs_to(app, None)


def _drop_connections(app) -> None:
    from kombu import pools

    pools.reset()  # closes and forgets kombu's process-wide pools, which are keyed by broker
    app._pool = None
    app.amqp._producer_pool = None


class Workers:
    """Starts Celery workers (each in its own process group, so SIGKILL takes the whole worker) and cleans up."""

    def __init__(self, tmp_path: Path, media_root: Path):
        self.tmp_path, self.media_root, self.processes = tmp_path, media_root, []

    def start(self, broker_url: str, *args: str, **env_overrides: str) -> subprocess.Popen:
        (self.tmp_path / "var").mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_another_process(),
            "CELERY_BROKER_URL": broker_url,
            "MEDIA_ROOT": str(self.media_root),
            "VAR_DIR": str(self.tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
            **env_overrides,
        }
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115 (closed with the test)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-I",
                "tests.faults.slow_job",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((process, log))
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- worker {n} ---\n" + Path(log.name).read_text() for n, (_, log) in enumerate(self.processes)
        )

    def stop_all(self) -> None:
        for process, log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            log.close()


@pytest.fixture
def workers(real_services, tmp_path, settings):
    pool = Workers(tmp_path, Path(settings.MEDIA_ROOT))
    yield pool
    pool.stop_all()
    print(pool.logs())


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}.")
