"""Where sessions live: read from a shared cache and written through to the database (Django's cached_db), or the
database only where the cache is each process's own (issue #34: a session query on every signed-in page)."""

import datetime
import subprocess  # nosec B404 # the project's own settings, loaded by this interpreter
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.factories import TEST_PASSWORD, make_user

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def _session_engine_with(cache_url: str) -> str:
    script = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "CACHE_URL": cache_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # nosec B603 # fixed arguments
        [sys.executable, "-c", script], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_sessions_are_cached_only_where_the_cache_is_shared():
    assert _session_engine_with("redis://127.0.0.1:6379/1") == CACHED_DB
    assert _session_engine_with("locmemcache://") == "django.contrib.sessions.backends.db"
    assert _session_engine_with("dummycache://") == "django.contrib.sessions.backends.db"


def _session_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_a_cached_session_is_read_without_the_database_and_ends_everywhere_on_sign_out(client, settings):
    settings.SESSION_ENGINE = CACHED_DB
    user = make_user(Role.SOCIAL_WORKER)
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()  # written through to the database
    client.get("/account/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/account/").status_code == 200
    assert _session_queries(ctx) == []

    cache.clear()  # the cache lost (a restart, an eviction): the database still holds the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/account/").status_code == 200
    assert len(_session_queries(ctx)) == 1

    stolen = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    client.cookies["sessionid"] = stolen  # the old cookie, replayed
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_cached_session_ends_after_the_idle_time_as_the_database_one_does(client, settings, time_machine):
    """The cache keeps a session only as long as its idle expiry: moved on by use, gone once idle that long."""
    settings.SESSION_ENGINE = CACHED_DB
    # A cache that keeps this test's clock (Redis keeps real time); Django gives every cache the same timeout.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "idle"}}
    start = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    user = make_user(Role.SOCIAL_WORKER)
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    time_machine.move_to(start + age - datetime.timedelta(minutes=5), tick=False)
    assert client.get("/account/").status_code == 200  # used before it ended: moved on
    time_machine.move_to(start + 2 * age - datetime.timedelta(minutes=10), tick=False)
    assert client.get("/account/").status_code == 200
    time_machine.move_to(start + 3 * age, tick=False)  # idle for longer than the age
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
