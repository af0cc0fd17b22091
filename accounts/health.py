"""What a node can say about its own health: for the load balancer (/healthz) and for staff (/service-health/)."""

import os
import socket

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from . import replicas


def node_checks() -> dict[str, str]:
    """Each part this node depends on: "ok" or the kind of error (never the message, which may hold addresses)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from config.celery import app

        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {exc.__class__.__name__}"
    try:
        name = default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        checks["storage"] = "ok"
    except Exception as exc:
        checks["storage"] = f"error: {exc.__class__.__name__}"
    if replicas.replica_configured():
        state = replicas.replica_state()
        checks["replica"] = "ok" if state.usable else f"not used: {replica_report(fresh=False)['reason']}"
    return checks


def replica_report(*, fresh: bool = True) -> dict:
    """The standby as staff see it: whether reads go there, how far behind it is, and why not when they do not."""
    state = replicas.replica_state(fresh=fresh)
    if not state.configured:
        reason = "no standby is configured (DATABASE_REPLICA_URL is not set)"
    elif not state.reachable:
        reason = f"the standby did not answer ({state.error})"
    elif state.error:
        reason = f"the standby is {state.error}"
    elif not state.usable:
        reason = f"the standby is more than {settings.DATABASE_REPLICA_MAX_LAG_SECONDS:g} seconds behind"
    else:
        reason = ""
    return {
        "configured": state.configured,
        "usable": state.usable,
        "lag_seconds": state.lag_seconds,
        "lag_bytes": state.lag_bytes,
        "reason": reason,
        "max_lag_seconds": settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
        "pin_seconds": settings.DATABASE_REPLICA_PIN_SECONDS,
    }


def node_name() -> str:
    """Which node answered: behind a load balancer staff need to know which one they are looking at."""
    return f"{socket.gethostname()} (process {os.getpid()})"
