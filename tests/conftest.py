import contextlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from accounts.models import Role
from tests.access import NO_ROLE
from tests.factories import make_user
from tests.parallel import xdist_worker_index

_RAN = pytest.StashKey[bool]()


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(transactional) or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    # Reached only when setup succeeded: the test database exists and this test used it (a skipped test never did).
    item.stash[_RAN] = True
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits (a browser test, a real worker, a race) ends by emptying every table, the rows the data
    migrations seeded too. Put those back, committed, once it has, so whichever test this worker runs next (tests
    are shared between workers in no fixed order) finds the database as migrated."""
    yield
    # With no next test, the session's teardown has already destroyed the test database.
    if nextitem is None or not item.stash.get(_RAN, False) or not _empties_the_database(item):
        return
    from pytest_django.plugin import blocking_manager_key

    from accreditation.services.pathway import ensure_standards
    from training.services import ensure_programmes

    with item.config.stash[blocking_manager_key].unblock():
        ensure_standards()
        ensure_programmes()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The SQLite test database is a file (so a real worker process can open it) in WAL mode. A run whose threads
    still held it open when it was deleted leaves its -wal and -shm behind, and SQLite would replay that old log
    into this run's new file of the same name: remove them before the database is made."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    if database["ENGINE"] == "django.db.backends.sqlite3" and name:
        for leftover in ("-wal", "-shm", "-journal"):
            Path(f"{name}{leftover}").unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _cache_of_this_worker():
    """Tests clear the cache (the sign-in throttle lives there); on a shared Redis each parallel worker gets its own
    database (8 and up: 0 is the broker's, 1 the product's), so one worker's clear never empties another's counts."""
    from django.conf import settings
    from django.test.utils import override_settings

    cache = settings.CACHES["default"]
    if "redis" not in cache["BACKEND"].lower() or not isinstance(cache["LOCATION"], str):
        yield  # a process-local cache, or several Redis servers: left as configured
        return
    location = urlsplit(cache["LOCATION"])._replace(path=f"/{8 + xdist_worker_index()}")
    override = override_settings(CACHES={"default": {**cache, "LOCATION": urlunsplit(location)}})
    override.enable()
    from django.core.cache import caches

    # Redis outlives a run: sign-in counts left by the last one (minutes ago, same emails) would throttle this one.
    caches["default"].clear()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _empty_cache(_cache_of_this_worker):
    """Each test starts with an empty cache. allauth keeps the TOTP codes it has accepted and the sign-in counts there,
    and SQLite reuses a rolled-back test's ids: without this, a code or a count left by an earlier test (same user id,
    same 30-second window) refuses this one's sign-in, on the process-local cache and on Redis alike."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    """Uploads and results go to a temporary folder; tasks run in-process unless a test uses the real worker."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Hashing stays real in the sign-in tests that need it; elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def role_users(db):
    """One person per role, each at their own organisation, plus a signed-in person with no role."""
    users = {role: make_user(role, email=f"{role}@example.com") for role in Role.values}
    users[NO_ROLE] = make_user(None, email="nobody@example.com")
    return users


@pytest.fixture
def smtp_server(settings):
    """The service's email goes over SMTP to a real server in this process; ``smtp_server.received`` holds what
    arrived. Stop it (``smtp_server.stop()``) for a mail outage."""
    from tests.mailserver import SMTPServer

    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    with contextlib.suppress(AssertionError, RuntimeError):  # the test stopped it already
        server.stop()
