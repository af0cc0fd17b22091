"""A real Celery worker process, the real broker the settings name and a real SMTP server: events performed while
the broker cannot be reached are each delivered exactly once when it is back, even when handed over twice.

The broker "outage" points this process's publishing at a port where nothing listens (so publishing fails as it
does when the broker is down) while the worker stays on the real broker; tests/faults/ stops a real Redis.
"""

import contextlib
import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import notifications
from accounts.models import Notification, Role
from tests.factories import make_user
from tests.processes import another_process_can_open_the_database, database_url_for_another_process
from tests.regulation.conftest import apply_for

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drop_connections(app) -> None:
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def _publishing_to(app, url: str):
    names = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(broker_url=url, broker_read_url=url, broker_write_url=url, broker_transport_options={})
    _drop_connections(app)
    try:
        yield
    finally:
        _drop_connections(app)
        app.conf.update(saved)


def _route_messages_to(app, queue: str | None) -> None:
    app.conf.task_routes = {"accounts.tasks.send_email": {"queue": queue}} if queue else None
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"Timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_each_message_once_after_a_broker_outage(smtp_server):
    reason = another_process_can_open_the_database()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the real worker test, but {reason}.")
        pytest.skip(reason)
    from config.celery import app

    queue = f"messages-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_another_process(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
    }
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"),
            *("-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    _route_messages_to(app, queue)
    try:
        people = [make_user(Role.SOCIAL_WORKER, first_name=name) for name in ("Ada", "Bea", "Cal")]
        with _publishing_to(app, f"redis://127.0.0.1:{_closed_port()}/0"):  # the broker is down
            for person in people:
                apply_for(person)  # committed: the service's own transaction, then the hand-over fails
        waiting = Notification.objects.filter(event="regulation/application_received")
        assert waiting.count() == 3
        assert all(n.status == "queued" and n.handed_over_at is None for n in waiting)

        # The broker is back: the sweep hands each over, and a second hand-over of each (a lost acknowledgement,
        # a sweep racing the first) reaches the worker too.
        waiting.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
        assert notifications.sweep_notifications() == 3
        for pk in waiting.values_list("pk", flat=True):
            assert notifications.hand_over_notification(pk)
        # A last message, queued behind them on the same queue: once it has arrived, every copy before it was read.
        last = make_user(first_name="Zed")
        apply_for(last)
        _wait_for(lambda: smtp_server.received.to(last.email), timeout=120, what="the worker to send the messages")
    finally:
        _route_messages_to(app, None)
        app.conf.task_always_eager = True
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output)
    for person in people:
        [message] = smtp_server.received.to(person.email)
        assert message["Subject"] == "We have received your application to register"
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert list(Notification.objects.values_list("attempts", flat=True)) == [1] * 4
