"""PostgreSQL writes the bundle's files itself: for each dataset one ``COPY ... TO STDOUT`` formats every row once
and gives both files' bytes, a chunk of consecutive rows at a time, so Python only gathers, hashes and writes them.

The COPYs run on several connections at once (``TRANSFER_EXPORT_CONNECTIONS``), each in a read-only transaction
that imports one snapshot exported by a leading transaction: every file shows the register at the same moment,
however many connections wrote it and whatever is committed meanwhile. The connections open while the statements
are still being built, and a separate thread makes each finished file durable (fsync) while the connections go
on. A transaction that has written rows of its own and not committed them (a test's) cannot share them with other
connections, so then every COPY runs on that connection, one after another: the same bytes, more slowly.

The bytes are the same as the portable writer's (``export._write_rows``, used on SQLite, with Python's ``csv``
and ``json``): dates and UTC datetimes are formatted by ``to_char`` (dates as their own text, and datetimes without
``AT TIME ZONE``, when the session writes dates the ISO way in UTC, as the export's own connections do: the same
bytes, about twice as fast); a text is escaped for JSON by ``to_json`` (as Python's ``json`` escapes it) and quoted
for CSV only when it holds a comma, a double quote or a line break, its quotes doubled (as Python's ``csv`` does);
an empty text and a null are both an empty cell; each CSV row ends in CRLF; each JSON object is joined from its
members (compact, in column order).

Each chunk comes as one row of ``FORMAT binary`` (its CSV rows, its JSON lines and how many rows it holds): one
COPY message per ``CHUNK_IDS`` ids rather than one per row, which is less work for PostgreSQL and for this
process (whose threads would otherwise hand the interpreter's lock to each other for every row), and a binary
field arrives exactly as PostgreSQL made it, whatever it holds. A test writes the same data every way (portable,
one connection, several) and compares every byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.models import F
from psycopg2 import sql as pgsql

from .format import BOOLEAN, DATE, DATETIME, ESCAPED_TYPES, INTEGER, JSON, OBJECT, Dataset

# The formats take the session's time zone: UTC on the export's own connections (to_char then needs no AT TIME
# ZONE, which costs as much again), the explicit conversion on a session set otherwise.
_DATETIME = 'to_char({}, \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')'
_DATETIME_AT_UTC = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_DATE = "to_char({}, 'YYYY-MM-DD')"
_PLAIN = (BOOLEAN, INTEGER, DATE, DATETIME)  # every other type is written as text
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"  # FORMAT binary's header: the signature, flags and the extension's length
_HEADER = struct.Struct("!11sii")
_COUNT, _LENGTH, _ROWS = struct.Struct("!h"), struct.Struct("!i"), struct.Struct("!q")

OnRows = Callable[[int, str], None]
CHUNK_IDS = 200  # ids per chunk: about 110 kB of the register's two files
SYNC_EVERY = 8 * 1024 * 1024  # bytes written to a file between requests to make them durable
PROGRESS_ROWS = 5000  # rows written between reports of progress (and the rest at the end of each dataset)


_OBJECT_MEMBERS = "SELECT '{{' || coalesce({ordered}, '') || '}}' FROM jsonb_each({ref}::jsonb) AS e"


def _value(type_: str, ref: str, iso_utc: bool) -> str:
    """A column's value as the bundle writes it: dates and datetimes as text, numbers and booleans as they are,
    anything else as text. ``iso_utc``: the session writes dates the ISO way and its time zone is UTC."""
    if type_ == DATETIME:
        return (_DATETIME if iso_utc else _DATETIME_AT_UTC).format(ref)
    if type_ == DATE:
        return f"{ref}::text" if iso_utc else _DATE.format(ref)
    if type_ in (BOOLEAN, INTEGER):
        return ref
    if type_ == OBJECT:
        # ``format.object_text``: members sorted by key (UTF-8 byte order is code point order), no spaces; a
        # key and a text value are escaped by to_json and jsonb's own output as Python's json escapes them.
        members = "to_json(e.key)::text || ':' || e.value::text"
        ordered = f"string_agg({members}, ',' ORDER BY e.key COLLATE \"C\")"
        # ``ref`` is a column reference this module quotes itself (never input), so nothing outside is composed in.
        subquery = _OBJECT_MEMBERS.format(ordered=ordered, ref=ref)  # nosec B608
        return f"CASE WHEN {ref} IS NULL THEN NULL ELSE ({subquery}) END"
    if type_ == JSON:
        # ``format.json_text``, at any depth: the function regulation's migration 0011 makes (not called for the
        # empty object most audit events record).
        return f"CASE WHEN {ref}::jsonb = '{{}}'::jsonb THEN '{{}}' ELSE transfer_json_text({ref}::jsonb) END"
    return f"{ref}::text"


def _cell(type_: str, value: str, escaped: str) -> str:
    """The value as a CSV cell (``escaped``: a text's JSON string). A JSON string without a backslash holds no
    quote, backslash or control character, so the text needs quoting only if it holds a comma, and then it is
    that JSON string; otherwise (rarely) the text is looked at again. Most texts are settled by two ``strpos``."""
    if type_ == BOOLEAN:
        return f"CASE WHEN {value} THEN 'true' WHEN NOT {value} THEN 'false' ELSE '' END"
    if type_ == INTEGER:
        return f"coalesce({value}::text, '')"
    if type_ in (DATE, DATETIME):
        return f"coalesce({value}, '')"
    plain = (
        f"CASE WHEN strpos({escaped}, E'\\\\') = 0"
        f" THEN CASE WHEN strpos({value}, ',') = 0 THEN {value} ELSE {escaped} END"
        f" WHEN {value} ~ E'[,\"\\r\\n]' THEN '\"' || replace({value}, '\"', '\"\"') || '\"'"
        f" ELSE coalesce({value}, '') END"
    )
    if type_ not in ESCAPED_TYPES:
        return plain
    # ``format.csv_cell``: an apostrophe before a text that a spreadsheet would run as a formula.
    safe = "('''' || " + value + ")"
    return (
        f"CASE WHEN {value} ~ E'^[-=+@\\t\\r'']'"
        f" THEN CASE WHEN {safe} ~ E'[,\"\\r\\n]' THEN '\"' || replace({safe}, '\"', '\"\"') || '\"'"
        f" ELSE {safe} END ELSE {plain} END"
    )


def _member(type_: str, value: str, escaped: str) -> str:
    """The value as JSON: a number or boolean as it is, a date or datetime quoted (its text never needs
    escaping), a text as its JSON string, and null for nothing."""
    if type_ == BOOLEAN:
        return f"CASE WHEN {value} THEN 'true' WHEN NOT {value} THEN 'false' ELSE 'null' END"
    if type_ == INTEGER:
        return f"coalesce({value}::text, 'null')"
    if type_ in (DATE, DATETIME):
        return f"coalesce('\"' || {value} || '\"', 'null')"
    return f"coalesce({escaped}, 'null')"


def copy_statement(ds: Dataset, since, cursor, *, iso_utc: bool, offsets: dict | None = None) -> str:
    """The COPY statement for one dataset's two files: the exporter's own SELECT (ORM) as ``t``; each value
    formatted once, in ``f`` (``v<n>``, and for a text its JSON string ``j<n>``), whose own ORDER BY keeps
    PostgreSQL from formatting it again for each use (and, unlike ``OFFSET 0``, tells the grouping above that the
    rows come sorted); then, for each chunk of ``CHUNK_IDS`` consecutive ids, its CSV rows, its JSON lines and
    how many rows it holds. ``f`` is sorted by chunk, then id: id order (ids only grow with their chunk), and
    already grouped."""
    queryset = (
        ds.queryset(since, offsets)
        .annotate(transfer_chunk=F("transfer_order") / CHUNK_IDS, transfer_pk=F("transfer_order"))
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    inner = cursor.mogrify(sql, params)
    inner = inner.decode() if isinstance(inner, bytes) else inner
    values, cells, members = [], [], []
    for i, column in enumerate(ds.columns):
        if not _NAME.fullmatch(column.name):  # written into the SQL as a literal: a plain lower-case name only
            raise ValueError(f"{column.name!r} is not a plain column name")
        values.append(f"{_value(column.type, f't.c{i}', iso_utc)} AS v{i}")
        if column.type not in _PLAIN:
            text = _value(column.type, f"t.c{i}", iso_utc) if column.type in (OBJECT, JSON) else f"t.c{i}::text"
            values.append(f"to_json({text})::text AS j{i}")
        cells.append(_cell(column.type, f"f.v{i}", f"f.j{i}"))
        opening = "{" if i == 0 else ","
        members.append(f"""'{opening}"{column.name}":' || {_member(column.type, f"f.v{i}", f"f.j{i}")}""")
    aliases = ", ".join(f"c{i}" for i in range(len(ds.columns)))
    row = " || ',' || ".join(cells)
    line = " || ".join(members) + " || '}'"
    # Composed as psycopg2's SQL of SQL fragments, never of values: the inner query is the ORM's, its parameters bound
    # by the driver (mogrify); the names are the dataset's declared columns, never input.
    statement = pgsql.SQL(
        "COPY (SELECT string_agg({row}, E'\\r\\n' ORDER BY f.transfer_pk) || E'\\r\\n',"
        " string_agg({line}, E'\\n' ORDER BY f.transfer_pk) || E'\\n', count(*)"
        " FROM (SELECT {values}, t.transfer_chunk, t.transfer_pk"
        " FROM ({inner}) AS t({aliases}, transfer_chunk, transfer_pk) ORDER BY t.transfer_chunk, t.transfer_pk) AS f"
        " GROUP BY f.transfer_chunk ORDER BY f.transfer_chunk) TO STDOUT WITH (FORMAT binary)"
    ).format(
        row=pgsql.SQL(row),
        line=pgsql.SQL(line),
        values=pgsql.SQL(", ".join(values)),
        inner=pgsql.SQL(inner),
        aliases=pgsql.SQL(aliases),
    )
    return statement.as_string(cursor)


class _File:
    """One bundle file being written and hashed, from its header row (a CSV's) on. Every ``SYNC_EVERY``
    bytes it asks (``on_written``) for what it holds so far to be made durable while it is still being written,
    so that little is left for the last ``sync()``: the disk works beside the connections, not after them."""

    def __init__(self, path: Path, *, header: bytes = b"", on_written: Callable[[_File], None] | None = None):
        self.handle = open(path, "xb")  # noqa: SIM115  closed by sync() or discard()
        self.handle.write(header)
        self.digest = hashlib.sha256(header)
        self.on_written, self.unsynced = on_written, 0
        self.lock = threading.Lock()  # between the writer's thread and the one making it durable

    def write(self, data) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.unsynced += len(data)
        if self.on_written is not None and self.unsynced >= SYNC_EVERY:
            self.unsynced = 0
            self.on_written(self)

    def sync_so_far(self) -> None:
        """Make what has reached the file so far durable, the file still open. A failure is raised, and must
        end the export (as the sync thread makes it): the system reports a failed write to one fsync only, so
        the file's last ``sync()`` would not see it."""
        with self.lock:
            if not self.handle.closed:
                os.fdatasync(self.handle.fileno())

    def sync(self) -> None:
        """Make the file durable and close it."""
        with self.lock:
            try:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            finally:
                self.handle.close()

    def discard(self) -> None:
        """Close the file, its bytes not wanted: whatever closing it meets (a buffer it cannot write out), it is
        closed, and the failure that led here is the one to tell."""
        with self.lock, contextlib.suppress(OSError):
            self.handle.close()


class _Chunks:
    """Receives a dataset's COPY (``FORMAT binary``, one row per chunk: CSV rows, JSON lines, their number) and
    writes each chunk's parts to their files as it arrives. PostgreSQL sends a chunk per message, but nothing here
    relies on it: bytes are kept until a chunk is whole."""

    def __init__(self, csv: _File, jsonl: _File, on_rows: Callable[[int], None] | None):
        self.csv, self.jsonl, self.on_rows = csv, jsonl, on_rows
        self.pending = bytearray()
        self.started = self.ended = False
        self.rows = self.reported = 0  # rows written; rows on_rows has been told of

    def write(self, data) -> int:
        if self.pending:
            self.pending += data
            view = memoryview(self.pending)
            try:
                used = self._chunks(view)
            finally:
                view.release()
            del self.pending[:used]
        else:  # as PostgreSQL sends them, whole chunks: read where they are, not copied first
            with memoryview(data) as view:
                used = self._chunks(view)
                self.pending += view[used:]
        return len(data)

    def _chunks(self, view: memoryview) -> int:
        at = 0
        if not self.started:
            if len(view) < _HEADER.size:
                return 0
            signature, _, extension = _HEADER.unpack_from(view)
            if signature != _SIGNATURE:
                raise ValueError("COPY did not send binary rows")
            if len(view) < _HEADER.size + extension:
                return 0
            at, self.started = _HEADER.size + extension, True
        while len(view) - at >= _COUNT.size:
            (fields,) = _COUNT.unpack_from(view, at)
            if fields == -1:  # the end of the rows
                self.ended = True
                self._report(least=1)
                return at + _COUNT.size
            if fields != 3:
                raise ValueError(f"a chunk has {fields} fields, not 3")
            parts, end = [], at + _COUNT.size
            for _ in range(3):
                if len(view) - end < _LENGTH.size:
                    return at
                (size,) = _LENGTH.unpack_from(view, end)
                if size < 0:
                    raise ValueError("a chunk has an empty field")
                end += _LENGTH.size
                if len(view) - end < size:
                    return at
                parts.append(view[end : end + size])
                end += size
            self.csv.write(parts[0])
            self.jsonl.write(parts[1])
            self.rows += _ROWS.unpack(parts[2])[0]
            self._report(least=PROGRESS_ROWS)
            at = end
        return at

    def _report(self, *, least: int) -> None:
        """Tell ``on_rows`` of the rows written since it was last told, if there are at least ``least``: a
        progress bar needs no more, and the thread told is not woken for every chunk."""
        if self.on_rows is not None and self.rows - self.reported >= least:
            self.on_rows(self.rows - self.reported)
            self.reported = self.rows


class _Task:
    """One dataset's two files, written by whichever connection takes it."""

    def __init__(self, ds: Dataset, directory: Path, cost: float):
        self.ds, self.cost = ds, cost
        self.paths = {fmt: directory / f"{ds.name}.{fmt}" for fmt in ("csv", "jsonl")}
        self.statement = ""
        self.rows = 0
        self.sha256: dict[str, str] = {}

    def run(
        self,
        cursor,
        *,
        on_rows: Callable[[int], None] | None,
        on_written: Callable[[_File], None] | None = None,
    ) -> list[_File]:
        """Write the files; they are handed back written and hashed but not yet durable (``sync()``)."""
        files: list[_File] = []
        try:
            files.append(_File(self.paths["csv"], header=self.ds.csv_header(), on_written=on_written))
            files.append(_File(self.paths["jsonl"], on_written=on_written))
            received = _Chunks(*files, on_rows=on_rows)
            cursor.copy_expert(self.statement, received)
            if not received.ended or received.pending:
                raise ValueError(f"COPY of {self.ds.name} ended before its rows did")
        except BaseException:
            for file in files:
                file.discard()
            raise
        self.rows = received.rows
        self.sha256 = {"csv": files[0].digest.hexdigest(), "jsonl": files[1].digest.hexdigest()}
        return files


def write_files(
    directory: Path, chosen: tuple[Dataset, ...], since, offsets: dict, *, on_rows: OnRows
) -> dict[str, dict]:
    """Write every dataset's CSV and JSON Lines files into ``directory`` and return their manifest entries.
    ``on_rows(rows, dataset)`` is called, in this thread, as rows land."""
    here = _has_own_uncommitted_writes()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        tasks = _tasks(directory, chosen, cursor)
        if here:
            # This connection is asked how it writes dates; the export's own connections are set to ISO and UTC.
            for task in _with_statements(tasks, since, offsets, cursor, iso_utc=_iso_utc(cursor)):
                written = task.run(cursor, on_rows=None)
                try:
                    for file in written:
                        file.sync()
                finally:
                    for file in written:  # closed already, unless a sync failed
                        file.discard()
                # Told once the COPY has ended: whoever is told may use this connection (a job saving progress).
                on_rows(task.rows, task.ds.name)
        else:
            prepared = _with_statements(tasks, since, offsets, cursor, iso_utc=True)
            _run_in_parallel(prepared, len(tasks), on_rows=on_rows)
    files: dict[str, dict] = {}
    for task in sorted(tasks, key=lambda t: chosen.index(t.ds)):
        for fmt, path in task.paths.items():
            files[path.name] = {"dataset": task.ds.name, "format": fmt, "rows": task.rows, "sha256": task.sha256[fmt]}
    return files


def _tasks(directory: Path, chosen: tuple[Dataset, ...], cursor) -> list[_Task]:
    """Largest first (so no connection is left with a big dataset at the end): estimated from the planner's row
    count (or, for a table never analysed, the live rows counted by the statistics collector) and the number of
    columns."""
    tables = {ds.name: ds.model._meta.db_table for ds in chosen}
    cursor.execute(
        "SELECT relname, CASE WHEN reltuples < 0 THEN pg_stat_get_live_tuples(oid) ELSE reltuples END"
        " FROM pg_class WHERE relkind IN ('r', 'p') AND relname = ANY(%s)",
        [sorted(set(tables.values()))],
    )
    estimated = {name: max(rows, 1.0) for name, rows in cursor.fetchall()}
    tasks = [_Task(ds, directory, estimated.get(tables[ds.name], 1.0) * len(ds.columns)) for ds in chosen]
    return sorted(tasks, key=lambda t: -t.cost)


def _with_statements(tasks: list[_Task], since, offsets: dict, cursor, *, iso_utc: bool) -> Iterator[_Task]:
    """The tasks in order, each given its COPY statement just before it is handed out, so the first dataset can
    start while the rest are still being prepared."""
    for task in tasks:
        task.statement = copy_statement(task.ds, since, cursor, iso_utc=iso_utc, offsets=offsets)
        yield task


def _has_own_uncommitted_writes() -> bool:
    if not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current_if_assigned() IS NOT NULL")
        return cursor.fetchone()[0]


def _iso_utc(cursor) -> bool:
    cursor.execute("SELECT current_setting('datestyle'), current_setting('TimeZone')")
    datestyle, zone = cursor.fetchone()
    return datestyle.upper().startswith("ISO") and zone.upper() in ("UTC", "ETC/UTC")


def set_up_transaction(cursor) -> None:
    """How the export's own connections run their statements (for the rest of the transaction): dates written
    the ISO way in UTC (``copy_statement(iso_utc=True)``); no parallel workers, since the export already runs a
    statement per connection and workers for each would only contend for the same cores (measured: about a tenth
    more CPU for the same files); room to sort a whole table by id in memory (the default 4 MB sorts on disk); and
    no JIT compilation, which a register of some 200,000 entries would bring on (by its estimated cost) and which
    makes these statements slower, not faster (measured at 100,000 entries: 5% to 65% slower, the more so the
    more it optimises)."""
    cursor.execute("SET LOCAL datestyle TO 'ISO, YMD'")
    cursor.execute("SET LOCAL TimeZone TO 'UTC'")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather TO 0")
    cursor.execute("SET LOCAL work_mem TO '64MB'")
    cursor.execute("SET LOCAL jit TO off")


def _run_in_parallel(tasks: Iterator[_Task], count: int, *, on_rows: OnRows) -> None:
    _Crew().run(max(1, min(settings.TRANSFER_EXPORT_CONNECTIONS, count)), tasks, on_rows=on_rows)


class _Crew:
    """Connections writing files at once, each taking the next dataset until none are left, and a thread making
    the files durable while the connections go on. The connections open while the leader takes the snapshot and
    the statements are still being built, and take each as it is ready. The first failure (of a connection, of
    the file syncing, or of the caller's thread: an interrupted job) cancels every COPY still running, so the
    caller raises it promptly and nothing goes on writing behind it."""

    def __init__(self):
        self.snapshot = ""
        self.snapshot_taken = threading.Event()  # or the export stopped before it was
        self.waiting: queue.Queue[_Task | None] = queue.Queue()
        self.synced: queue.Queue[tuple[_File, bool] | None] = queue.Queue()
        self.landed: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self.failures: list[BaseException] = []
        self.lock = threading.Lock()
        self.open_connections: list = []
        self.stopping = False

    def run(self, count: int, tasks: Iterator[_Task], *, on_rows: OnRows) -> None:
        workers: list[threading.Thread] = []
        syncer = threading.Thread(target=self._sync_files, name="transfer-export-sync", daemon=True)
        leader = connections.create_connection("default")
        try:
            syncer.start()
            for n in range(count):  # they connect while the leader does
                worker = threading.Thread(target=self._work, name=f"transfer-export-{n}", daemon=True)
                worker.start()
                workers.append(worker)
            leader.ensure_connection()
            with leader.connection.cursor() as leading:
                # Held open (idle) while the files are written: the snapshot can be imported only while it is, so
                # a server's idle-in-transaction timeout must not end it. Closing the connection ends it.
                leading.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                leading.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
                leading.execute("SELECT pg_export_snapshot()")
                self.snapshot = leading.fetchone()[0]
            self.snapshot_taken.set()
            try:
                for task in tasks:
                    self.waiting.put(task)
            finally:
                for _ in workers:  # one end-of-work mark per connection, whatever happened
                    self.waiting.put(None)
            # Progress is reported from here, the caller's thread, whose connection the job's progress uses. Each
            # connection ends by handing over None, whatever happened to it.
            finished = 0
            while finished < len(workers):
                landed = self.landed.get()
                if landed is None:
                    finished += 1
                else:
                    on_rows(*landed)
        except BaseException:
            self.stop()
            raise
        finally:
            for worker in workers:
                worker.join()
            self.synced.put(None)
            syncer.join()
            leader.close()
        if self.failures:
            raise self.failures[0]

    def stop(self) -> None:
        self.snapshot_taken.set()  # nobody waits for it any longer
        with self.lock:
            self.stopping = True
            for raw in self.open_connections:
                # A connection already lost, or a server that cannot be reached, refuses a cancel: it has
                # nothing running to cancel, and the others still must be.
                with contextlib.suppress(Exception):
                    raw.cancel()

    def _fail(self, exc: BaseException) -> None:
        with self.lock:
            self.failures.append(exc)
        self.stop()

    def _sync_files(self) -> None:
        """Makes each file durable: what it holds so far while it is being written (``written`` False), then all
        of it once it is written, closing it."""
        while (request := self.synced.get()) is not None:
            file, written = request
            try:
                if not written:
                    if not self.stopping:
                        file.sync_so_far()  # a failure stops the export now; its writer closes the file
                elif self.stopping:
                    file.discard()
                else:
                    file.sync()
            except BaseException as exc:  # handed to the caller's thread, which raises the first
                if written:
                    file.discard()
                self._fail(exc)

    def _work(self) -> None:
        try:
            self._write_files()
        finally:
            self.landed.put(None)

    def _write_files(self) -> None:
        own = None
        try:
            own = connections.create_connection("default")
            own.ensure_connection()
            with self.lock:
                if self.stopping:
                    return
                self.open_connections.append(own.connection)
            self.snapshot_taken.wait()
            if self.stopping:
                return
            with own.connection.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [self.snapshot])
                set_up_transaction(cursor)
                while (task := self.waiting.get()) is not None and not self.stopping:
                    written = task.run(
                        cursor,
                        on_rows=lambda n, name=task.ds.name: self.landed.put((n, name)),
                        on_written=lambda file: self.synced.put((file, False)),
                    )
                    for file in written:
                        self.synced.put((file, True))
        except BaseException as exc:  # handed to the caller's thread, which raises the first
            self._fail(exc)
        finally:
            if own is not None:
                with self.lock:
                    if own.connection in self.open_connections:
                        self.open_connections.remove(own.connection)
                with contextlib.suppress(Exception):  # closing ends the read-only transaction; nothing to keep
                    own.close()
