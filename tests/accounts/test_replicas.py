"""Reads that may be a little stale go to the standby; everything else, and anyone who has just written, to the primary.

The standby here is a second connection to the test database under the alias ``replica``: it sees only what has
been committed, as a standby does. What a real PostgreSQL standby reports about its lag is checked by the cluster
rehearsal (``scripts/cluster.py --check``), which starts one with ``pg_basebackup``.
"""

import time

import pytest
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from accounts import health, replicas
from accounts.models import Role
from tests.factories import make_user
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

# Every page and API that may read from the standby. A new one is a decision: add it here and to docs/operations.md.
REPLICA_ROUTES = {
    "regulation:check",
    "regulation:bulk_lookup",
    "register-public-search",
    "register-public-bulk",
    "courses:public_list",
    "courses:public_csv",
    "courses:figures_csv",
    "api-courses",
    "workforce:report",
    "workforce:report_download",
    "workforce:statistics",
    "workforce:statistics_csv",
    "training:national",
    "training-national-figures",
}


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _routes(pattern, namespace)
        else:
            yield f"{prefix}{pattern.name}", pattern.callback


@pytest.fixture
def standby(settings):
    """A second connection to the test database, named as a standby, which the last check found up to date."""
    connections.settings[replicas.REPLICA] = {**connections["default"].settings_dict, "TEST": {}}
    replicas.forget_replica_state()
    replicas._state = replicas.ReplicaState(
        configured=True, reachable=True, lag_seconds=0.0, lag_bytes=0, checked_at=time.monotonic()
    )
    settings.DATABASE_REPLICA_CHECK_SECONDS = 3600
    # Connected here, as the test case allows only the databases it was told of when it began.
    connections[replicas.REPLICA].connect()
    yield connections[replicas.REPLICA]
    connections[replicas.REPLICA].close()
    del connections[replicas.REPLICA]
    del connections.settings[replicas.REPLICA]
    replicas.forget_replica_state()


@pytest.fixture
def okafor(db):
    regulator = make_user(Role.REGULATOR_STAFF)
    worker = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")
    return register(worker, regulator)


def _queries_on_each(client_call):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[replicas.REPLICA]) as standby,
    ):
        response = client_call()
    return response, primary.captured_queries, standby.captured_queries


def _mentions(queries, table):
    return [q for q in queries if table in q["sql"]]


def test_the_pages_that_may_read_from_the_standby_are_the_ones_decided():
    marked = {name for name, callback in _routes() if getattr(callback, "reads_from_replica", False)}
    assert marked == REPLICA_ROUTES


def test_without_a_standby_every_read_goes_to_the_primary(client, okafor):
    assert not replicas.replica_configured()
    with replicas.stale_reads_allowed():
        assert replicas.ReplicaRouter().db_for_read(None) == "default"
    response = client.get("/register/check/?q=Okafor")
    assert response.status_code == 200 and "Okafor" in response.content.decode()


def test_a_public_search_reads_the_register_from_the_standby(client, okafor, standby):
    response, primary, on_standby = _queries_on_each(lambda: client.get("/register/check/?q=Okafor"))
    assert response.status_code == 200 and "Okafor" in response.content.decode()
    assert _mentions(on_standby, "regulation_registerentry")
    assert not _mentions(primary, "regulation_registerentry")


def test_a_streamed_download_reads_each_chunk_from_the_standby(client, okafor, standby):
    def download():
        response = client.post("/register/check/bulk/", {"numbers": okafor.registration_number, "format": "csv"})
        return response, b"".join(response.streaming_content) if response.streaming else response.content

    (response, body), primary, on_standby = _queries_on_each(download)
    assert response.status_code == 200
    assert okafor.registration_number.encode() in body
    assert replicas.PIN_COOKIE not in response.cookies  # a look-up writes nothing, so it pins nothing
    assert _mentions(on_standby, "regulation_registerentry")
    assert not _mentions(primary, "regulation_registerentry")


def test_after_a_write_the_same_browser_reads_from_the_primary_for_a_while(client, okafor, standby, settings):
    signed_in = make_user(Role.SOCIAL_WORKER)
    client.force_login(signed_in)
    response = client.post("/messages/reminders/", {})
    assert replicas.PIN_COOKIE in response.cookies
    assert response.cookies[replicas.PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    _, primary, on_standby = _queries_on_each(lambda: client.get("/register/check/?q=Okafor"))
    assert _mentions(primary, "regulation_registerentry") and not on_standby

    client.cookies[replicas.PIN_COOKIE] = str(int(time.time()) - 1)  # the pin has run out
    _, primary, on_standby = _queries_on_each(lambda: client.get("/register/check/?q=Okafor"))
    assert _mentions(on_standby, "regulation_registerentry") and not _mentions(primary, "regulation_registerentry")


def test_a_standby_too_far_behind_is_not_read(client, okafor, standby, settings):
    replicas._state = replicas.ReplicaState(
        configured=True,
        reachable=True,
        lag_seconds=settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 1,
        lag_bytes=9000,
        checked_at=time.monotonic(),
    )
    _, primary, on_standby = _queries_on_each(lambda: client.get("/register/check/?q=Okafor"))
    assert _mentions(primary, "regulation_registerentry") and not on_standby


def test_pages_that_are_not_marked_and_writes_never_use_the_standby(client, okafor, standby):
    regulator = make_user(Role.REGULATOR_STAFF)
    client.force_login(regulator)
    response, primary, on_standby = _queries_on_each(lambda: client.get("/register/entries/?q=Okafor"))
    assert response.status_code == 200, response
    assert not on_standby and _mentions(primary, "regulation_registerentry")
    with replicas.stale_reads_allowed():
        assert replicas.ReplicaRouter().db_for_write(None) == "default"
        assert replicas.ReplicaRouter().db_for_read(None) == replicas.REPLICA


def test_a_standby_that_fails_midway_is_left_and_the_page_served_from_the_primary(client, okafor, standby, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("the standby has gone")

    monkeypatch.setattr(standby, "create_cursor", gone)
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get("/register/check/?q=Okafor")
    assert response.status_code == 200 and "Okafor" in response.content.decode()
    assert _mentions(primary.captured_queries, "regulation_registerentry")
    state = replicas.replica_state()
    assert not state.usable and state.error == "OperationalError"
    assert health.replica_report(fresh=False)["reason"] == "the standby did not answer (OperationalError)"


def test_staff_see_which_database_answers_reads_and_the_lag(client, okafor, standby):
    client.force_login(make_user(Role.REGULATOR_STAFF))
    replicas._state = replicas.ReplicaState(
        configured=True, reachable=True, lag_seconds=0.4, lag_bytes=1024, checked_at=time.monotonic()
    )
    page = client.get("/service-health/").content.decode()
    assert "Database standby" in page and "Replica lag" in page
    # The page checks again when opened: this standby is the test database itself, which is no PostgreSQL standby.
    assert "The primary, because" in page


def test_staff_health_says_plainly_when_there_is_no_standby(client):
    client.force_login(make_user(Role.REGULATOR_STAFF))
    page = client.get("/service-health/").content.decode()
    assert "No standby is configured" in page
