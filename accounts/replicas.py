"""Reads that may be a little stale go to a PostgreSQL hot standby, when one is configured.

Set ``DATABASE_REPLICA_URL`` and the database alias ``replica`` exists. A read goes there only when all of these hold:

- the view said its reads may be a little stale (``@replica_reads``: the public register search and bulk check,
  the public course list and API, published statistics, workforce reports, national figures, exports);
- the person has not written anything in the last ``DATABASE_REPLICA_PIN_SECONDS`` (a short-lived cookie set on the
  answer to any POST, PUT, PATCH or DELETE), so they always read their own writes;
- the standby answered its last check and was at most ``DATABASE_REPLICA_MAX_LAG_SECONDS`` behind the primary.

Anything else reads and writes on the primary. If the standby fails in the middle of a page, the page is served
again from the primary (these views only read) and the standby is left alone until its next check.
"""

import contextvars
import functools
import logging
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "primary_reads"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_stale_reads = contextvars.ContextVar("stale_reads_allowed", default=False)


@dataclass(frozen=True)
class ReplicaState:
    """What the last check of the standby found."""

    configured: bool
    reachable: bool = False
    lag_seconds: float | None = None
    lag_bytes: int | None = None
    checked_at: float = 0.0
    error: str = ""

    @property
    def usable(self) -> bool:
        return (
            self.configured
            and self.reachable
            and self.lag_seconds is not None
            and self.lag_seconds <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        )


_state_lock = threading.Lock()
_state: ReplicaState | None = None


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _measure() -> ReplicaState:
    """How far the standby is behind: the primary's WAL position against what the standby has replayed.

    A standby that has replayed everything the primary has written is 0 s behind however long ago the last write
    was; otherwise the lag is the time since the last transaction it replayed. Comparing positions on both servers
    (rather than asking the standby alone) also catches a standby that has lost its primary and stopped receiving.
    """
    now = time.monotonic()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(),"
                " pg_wal_lsn_diff(%s::pg_lsn, COALESCE(pg_last_wal_replay_lsn(), '0/0'::pg_lsn))::bigint,"
                " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float",
                [primary_lsn],
            )
            in_recovery, behind_bytes, since_replay = cursor.fetchone()
    except DatabaseError as exc:
        _discard_broken_connection()
        return ReplicaState(configured=True, reachable=False, checked_at=now, error=exc.__class__.__name__)
    if not in_recovery:
        # Promoted (or misconfigured as a second primary): its data no longer follows ours.
        return ReplicaState(configured=True, reachable=True, checked_at=now, error="not a standby")
    behind_bytes = max(int(behind_bytes or 0), 0)
    lag = 0.0 if behind_bytes == 0 else float(since_replay if since_replay is not None else float("inf"))
    return ReplicaState(configured=True, reachable=True, lag_seconds=lag, lag_bytes=behind_bytes, checked_at=now)


def _discard_broken_connection() -> None:
    with suppress(DatabaseError):
        connections[REPLICA].close()


def replica_state(*, fresh: bool = False) -> ReplicaState:
    """The standby's state, checked at most every ``DATABASE_REPLICA_CHECK_SECONDS`` in this process."""
    global _state
    if not replica_configured():
        return ReplicaState(configured=False)
    with _state_lock:
        current = _state
        stale = current is None or time.monotonic() - current.checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS
    if fresh or stale:
        current = _measure()
        with _state_lock:
            _state = current
    return current


def mark_replica_down(error: str) -> None:
    """A query on the standby failed: read from the primary until the next check says otherwise."""
    global _state
    with _state_lock:
        _state = ReplicaState(configured=True, reachable=False, checked_at=time.monotonic(), error=error)


def forget_replica_state() -> None:
    global _state
    with _state_lock:
        _state = None


def _pinned_to_primary(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


@contextmanager
def stale_reads_allowed():
    token = _stale_reads.set(True)
    try:
        yield
    finally:
        _stale_reads.reset(token)


def _streamed_on_replica(chunks):
    """A streamed download reads as it is sent, after the view has returned: each chunk is read on the standby."""
    chunks = iter(chunks)
    while True:
        with stale_reads_allowed():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def replica_reads(view=None, *, read_only_post: bool = False):
    """Let this view's reads go to the standby (see the module's docstring for when they do).

    ``read_only_post`` is for a form that only looks things up (the register's bulk check): its POST reads too.
    A streamed download cannot be started again once sent, so a standby failing midway ends it; the next one is
    served from the primary.
    """
    if view is None:
        return functools.partial(replica_reads, read_only_post=read_only_post)
    methods = {"GET", "HEAD", "POST"} if read_only_post else {"GET", "HEAD"}

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.only_reads = read_only_post or request.method in ("GET", "HEAD")
        if request.method not in methods or _pinned_to_primary(request) or not replica_state().usable:
            return view(request, *args, **kwargs)
        try:
            with stale_reads_allowed():
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()  # lazy templates query while rendering: keep that on the standby too
            if getattr(response, "streaming", False):
                response.streaming_content = _streamed_on_replica(response.streaming_content)
            return response
        except DatabaseError as exc:
            # These views only read, so serving the page again from the primary is safe. If the primary was at
            # fault it fails again and the error stands; the standby is checked again within seconds either way.
            log.warning("A read on the standby failed during %s (%s); serving it from the primary.", request.path, exc)
            mark_replica_down(exc.__class__.__name__)
            _discard_broken_connection()
            return view(request, *args, **kwargs)

    wrapped.reads_from_replica = True
    return wrapped


class ReplicaRouter:
    """Reads in a ``@replica_reads`` view go to the standby when it is usable; everything else to the primary."""

    def db_for_read(self, model, **hints):
        # Inside a transaction the primary answers: a read there may decide a write.
        if _stale_reads.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the standby is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PinToPrimaryAfterWriteMiddleware:
    """After a write, the same browser reads from the primary for a few seconds, so it sees what it just did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wrote = request.method in UNSAFE_METHODS and not getattr(request, "only_reads", False)
        if replica_configured() and wrote and response.status_code < 500:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
