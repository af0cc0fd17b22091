"""How another process (a real Celery worker, a second web process) reaches this test run's own database."""

import os
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.db import connection


def database_url_for_another_process() -> str:
    """The test database (not the one named in the settings), as a ``DATABASE_URL``: on PostgreSQL the configured
    server with the test database's name, on SQLite the test database's file."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    return urlunparse(urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def another_process_can_open_the_database() -> str | None:
    """Why no other process can use the test database, or None when one can."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return "the SQLite test database is in memory"
    return None
