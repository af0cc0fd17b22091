"""PostgreSQL writes the bundle's files itself: for each dataset one ``COPY ... TO STDOUT`` gives the CSV rows and
another the JSON Lines objects, so Python only gathers, hashes and writes bytes.

The COPYs run on several connections at once (``TRANSFER_EXPORT_CONNECTIONS``), each in a read-only transaction
that imports one snapshot exported by a leading transaction: every file shows the register at the same moment,
however many connections wrote it and whatever is committed meanwhile. The connections open while the statements
are still being built, and a separate thread makes each finished file durable (fsync) while the connections go
on. A transaction that has written rows of its own and not committed them (a test's) cannot share them with other
connections, so then every COPY runs on that connection, one after another: the same bytes, more slowly.

The bytes are the same as the portable writer's (``export._write_rows``, used on SQLite): text is written by
COPY's CSV quoting (quoted only when it holds a comma, a double quote or a line break, quotes doubled), an empty
text and a null are both an empty cell (``NULLIF``), dates and UTC datetimes are formatted by ``to_char`` (dates
as their own text, and datetimes without ``AT TIME ZONE``, when the session writes dates the ISO way in UTC, as
the export's own connections do: the same bytes, about twice as fast), each CSV row ends in CRLF (COPY ends it in
LF), and each JSON object is joined from its members (compact, in column order, text escaped by ``to_json`` as
Python's ``json`` escapes it).

The JSON objects come a chunk of consecutive rows at a time, joined by line breaks (``string_agg`` in id order),
through ``FORMAT csv`` with a quote character and delimiter that ``to_json`` never writes (it escapes every
control character): each chunk arrives exactly as PostgreSQL made it, in quote characters that are dropped.
A test writes the same data every way (portable, one connection, several) and compares every byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.models import F

from .format import BOOLEAN, DATE, DATETIME, INTEGER, Dataset

# The formats take the session's time zone: UTC on the export's own connections (to_char then needs no AT TIME
# ZONE, which costs as much again), the explicit conversion on a session set otherwise.
_DATETIME = 'to_char({}, \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')'
_DATETIME_AT_UTC = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_DATE = "to_char({}, 'YYYY-MM-DD')"
# Control characters: to_json writes them as \u0001 and \u0002, so they never occur in a JSON line.
_JSON_COPY = "TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
_JSON_QUOTE = b"\x01"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")

OnRows = Callable[[int, str], None]
BLOCK_SIZE = 64 * 1024
JSON_CHUNK = 200  # ids per JSON chunk: about 80 kB of the register's objects


def _value(type_: str, ref: str, iso_utc: bool) -> str:
    """A column's value as the bundle writes it: dates and datetimes as text, numbers and booleans as they are.
    ``iso_utc``: the session writes dates the ISO way and its time zone is UTC."""
    if type_ == DATETIME:
        return (_DATETIME if iso_utc else _DATETIME_AT_UTC).format(ref)
    if type_ == DATE:
        return f"{ref}::text" if iso_utc else _DATE.format(ref)
    if type_ in (BOOLEAN, INTEGER):
        return ref
    return f"{ref}::text"


def _cell(type_: str, ref: str) -> str:
    """The same value as a CSV cell."""
    if type_ == BOOLEAN:
        return f"CASE WHEN {ref} THEN 'true' WHEN NOT {ref} THEN 'false' END"
    if type_ in (INTEGER, DATE, DATETIME):
        return ref
    # COPY writes a non-null empty text as "" (to tell it from null); the bundle writes both as an empty cell.
    return f"NULLIF({ref}, '')"


def _member(type_: str, ref: str) -> str:
    """The same value as JSON text: a number or boolean as it is, a date or datetime quoted (its text never needs
    escaping), any other text escaped by to_json, and null for nothing."""
    if type_ == BOOLEAN:
        return f"CASE WHEN {ref} THEN 'true' WHEN NOT {ref} THEN 'false' ELSE 'null' END"
    if type_ == INTEGER:
        return f"coalesce({ref}::text, 'null')"
    if type_ in (DATE, DATETIME):
        return f"coalesce('\"' || {ref} || '\"', 'null')"
    return f"coalesce(to_json({ref})::text, 'null')"


def _json_object(ds: Dataset) -> str:
    """One row's JSON object, joined from its members with the names written in: row_to_json would escape every
    name again on every row, and costs about a quarter more."""
    members = []
    for i, column in enumerate(ds.columns):
        if not _NAME.fullmatch(column.name):  # written into the SQL as a literal: a plain lower-case name only
            raise ValueError(f"{column.name!r} is not a plain column name")
        opening = "{" if i == 0 else ","
        value = _member(column.type, f'f."{column.name}"')
        members.append(f"""'{opening}"{column.name}":' || {value}""")
    return " || ".join(members) + " || '}'"


def copy_statements(ds: Dataset, since, cursor, *, iso_utc: bool) -> dict[str, str]:
    """The two COPY statements for one dataset, by file format: the exporter's own SELECT (ORM, in id order) as
    ``t``, each value formatted once as ``f``, the CSV cells taken from ``f`` and the JSON object made of it.

    The JSON objects come joined in chunks of consecutive rows, ``JSON_CHUNK`` ids wide, a line each: one COPY
    message per chunk instead of per row, which is less work for PostgreSQL and for this process. The rows are
    sorted by chunk, then id: the same order (ids only grow with their chunk), and already grouped."""
    queryset = (
        ds.queryset(since)
        .annotate(transfer_chunk=F("pk") / JSON_CHUNK, transfer_pk=F("pk"))
        .order_by("transfer_chunk", "pk")
    )
    sql, params = queryset.query.sql_with_params()
    inner = cursor.mogrify(sql, params)
    inner = inner.decode() if isinstance(inner, bytes) else inner
    aliases = ", ".join(f"c{i}" for i in range(len(ds.columns)))
    values = ", ".join(f'{_value(c.type, f"t.c{i}", iso_utc)} AS "{c.name}"' for i, c in enumerate(ds.columns))
    cells = ", ".join(_cell(c.type, f'f."{c.name}"') for c in ds.columns)
    # The inner query is the ORM's, its parameters bound by the driver (mogrify); the names are the dataset's
    # declared columns, never input.
    formatted = (
        f"(SELECT {values}, t.transfer_chunk, t.transfer_pk"  # nosec B608
        f" FROM ({inner}) AS t({aliases}, transfer_chunk, transfer_pk)) AS f"
    )
    return {
        "csv": f"COPY (SELECT {cells} FROM {formatted}) TO STDOUT WITH (FORMAT csv)",  # nosec B608
        "jsonl": (
            f"COPY (SELECT string_agg({_json_object(ds)}, E'\\n' ORDER BY f.transfer_pk) FROM {formatted}"  # nosec B608
            f" GROUP BY f.transfer_chunk ORDER BY f.transfer_chunk) {_JSON_COPY}"
        ),
    }


class _File(io.RawIOBase):
    """One bundle file fed by COPY. COPY hands over one row (or chunk of JSON lines) per write; a
    ``BufferedWriter`` in front of this file gathers them (in C) and passes them on in blocks, so Python's work is
    per block, not per row: memory stays flat, and the rows and line ends are counted and rewritten with bytes
    methods.

    A CSV block's line ends become CRLF, except those inside a quoted cell (a text with a line break). Quotes
    come in pairs (a quote in a cell is doubled), so a byte is inside a quoted cell exactly when an odd number of
    quotes precede it in the file. A JSON block loses the quote characters COPY put round each chunk of lines."""

    def __init__(self, path: Path, *, csv: bool, on_rows: Callable[[int], None] | None):
        super().__init__()
        self.handle = open(path, "ab")  # noqa: SIM115  closed by sync() or discard(); the CSV header is there
        self.digest = hashlib.sha256(path.read_bytes())
        self.csv, self.on_rows = csv, on_rows
        self.in_quotes = False
        self.rows = 0

    def writable(self) -> bool:
        return True

    def write(self, block) -> int:
        if self.csv:
            data, rows = self._crlf(bytes(block))
        else:
            data = bytes(block).replace(_JSON_QUOTE, b"")
            rows = data.count(b"\n")  # to_json escapes line breaks: one per object
        self.handle.write(data)
        self.digest.update(data)
        self.rows += rows
        if self.on_rows is not None and rows:
            self.on_rows(rows)
        return len(block)

    def _crlf(self, data: bytes) -> tuple[bytes, int]:
        if b'"' not in data and not self.in_quotes:
            crlf = data.replace(b"\n", b"\r\n")
            return crlf, len(crlf) - len(data)
        parts = data.split(b'"')
        first_outside = 1 if self.in_quotes else 0
        outside = parts[first_outside::2]
        parts[first_outside::2] = [part.replace(b"\n", b"\r\n") for part in outside]
        self.in_quotes = self.in_quotes != (len(parts) % 2 == 0)
        return b'"'.join(parts), sum(part.count(b"\n") for part in outside)

    def sync(self) -> None:
        """Make the file durable and close it."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()


class _Task:
    """One dataset's file in one format, written by whichever connection takes it."""

    def __init__(self, ds: Dataset, fmt: str, path: Path, cost: float):
        self.ds, self.fmt, self.path, self.cost = ds, fmt, path, cost
        self.statement = ""
        self.rows = 0
        self.sha256 = ""

    def run(self, cursor, *, on_rows: Callable[[int], None] | None, block_size: int) -> _File:
        """Write the file; it is handed back written and hashed but not yet durable (``sync()``)."""
        file = _File(self.path, csv=self.fmt == "csv", on_rows=on_rows)
        try:
            with io.BufferedWriter(file, buffer_size=block_size) as gathered:
                cursor.copy_expert(self.statement, gathered)
        except BaseException:
            file.discard()
            raise
        self.rows, self.sha256 = file.rows, file.digest.hexdigest()
        return file


def write_files(
    directory: Path, chosen: tuple[Dataset, ...], since, *, on_rows: OnRows, block_size: int = BLOCK_SIZE
) -> dict[str, dict]:
    """Write every dataset's CSV and JSON Lines files into ``directory`` (each CSV already holds its header row)
    and return their manifest entries. ``on_rows(rows, dataset)`` is called, in this thread, as CSV rows land."""
    here = _has_own_uncommitted_writes()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        tasks = _tasks(directory, chosen, cursor)
        if here:
            # This connection is asked how it writes dates; the export's own connections are set to ISO and UTC.
            for task in _with_statements(tasks, since, cursor, iso_utc=_iso_utc(cursor)):
                counted = (lambda n, name=task.ds.name: on_rows(n, name)) if task.fmt == "csv" else None
                task.run(cursor, on_rows=counted, block_size=block_size).sync()
        else:
            prepared = _with_statements(tasks, since, cursor, iso_utc=True)
            _run_in_parallel(prepared, len(tasks), on_rows=on_rows, block_size=block_size)
    files: dict[str, dict] = {}
    for task in sorted(tasks, key=lambda t: (chosen.index(t.ds), t.fmt)):
        files[task.path.name] = {"dataset": task.ds.name, "format": task.fmt, "rows": task.rows, "sha256": task.sha256}
    return files


def _tasks(directory: Path, chosen: tuple[Dataset, ...], cursor) -> list[_Task]:
    """Largest first (so no connection is left with a big file at the end): estimated from the planner's row
    count (or, for a table never analysed, the live rows counted by the statistics collector) and the number of
    columns; a JSON object costs about twice its CSV row."""
    tables = {ds.name: ds.model._meta.db_table for ds in chosen}
    cursor.execute(
        "SELECT relname, CASE WHEN reltuples < 0 THEN pg_stat_get_live_tuples(oid) ELSE reltuples END"
        " FROM pg_class WHERE relkind IN ('r', 'p') AND relname = ANY(%s)",
        [sorted(set(tables.values()))],
    )
    estimated = {name: max(rows, 1.0) for name, rows in cursor.fetchall()}
    tasks = []
    for ds in chosen:
        rows = estimated.get(tables[ds.name], 1.0)
        for fmt, weight in (("csv", 1), ("jsonl", 2)):
            tasks.append(_Task(ds, fmt, directory / f"{ds.name}.{fmt}", rows * len(ds.columns) * weight))
    return sorted(tasks, key=lambda t: -t.cost)


def _with_statements(tasks: list[_Task], since, cursor, *, iso_utc: bool) -> Iterator[_Task]:
    """The tasks in order, each given its COPY statement (both of a dataset's built at once) just before it is
    handed out, so the first file can start while the rest are still being prepared."""
    built: dict[str, dict[str, str]] = {}
    for task in tasks:
        if task.ds.name not in built:
            built[task.ds.name] = copy_statements(task.ds, since, cursor, iso_utc=iso_utc)
        task.statement = built[task.ds.name][task.fmt]
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
    the ISO way in UTC (``copy_statements(iso_utc=True)``); no parallel workers, since the export already runs a
    statement per connection and workers for each would only contend for the same cores (measured: about a tenth
    more CPU for the same files); and room to sort a whole table by id in memory (the default 4 MB sorts on disk)."""
    cursor.execute("SET LOCAL datestyle TO 'ISO, YMD'")
    cursor.execute("SET LOCAL TimeZone TO 'UTC'")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather TO 0")
    cursor.execute("SET LOCAL work_mem TO '64MB'")


def _run_in_parallel(tasks: Iterator[_Task], count: int, *, on_rows: OnRows, block_size: int) -> None:
    leader = connections.create_connection("default")
    try:
        leader.ensure_connection()
        with leader.connection.cursor() as cursor:
            # Held open (idle) while the files are written: the snapshot can be imported only while it is, so a
            # server's idle-in-transaction timeout must not end it. Closing the connection ends it.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            cursor.execute("SELECT pg_export_snapshot()")
            crew = _Crew(snapshot=cursor.fetchone()[0], block_size=block_size)
            crew.run(max(1, min(settings.TRANSFER_EXPORT_CONNECTIONS, count)), tasks, on_rows=on_rows)
    finally:
        leader.close()


class _Crew:
    """Connections writing files at once, each taking the next file until none are left, and a thread making
    each finished file durable while the connections go on. The connections open while the statements are
    still being built, and take each as it is ready. The first failure (of a connection, of the file syncing, or
    of the caller's thread: an interrupted job) cancels every COPY still running, so the caller raises it
    promptly and nothing goes on writing behind it."""

    def __init__(self, *, snapshot: str, block_size: int):
        self.snapshot, self.block_size = snapshot, block_size
        self.waiting: queue.Queue[_Task | None] = queue.Queue()
        self.written: queue.Queue[_File | None] = queue.Queue()
        self.landed: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self.failures: list[BaseException] = []
        self.lock = threading.Lock()
        self.open_connections: list = []
        self.stopping = False

    def run(self, count: int, tasks: Iterator[_Task], *, on_rows: OnRows) -> None:
        workers: list[threading.Thread] = []
        syncer = threading.Thread(target=self._sync_files, name="transfer-export-sync", daemon=True)
        try:
            syncer.start()
            for n in range(count):
                worker = threading.Thread(target=self._work, name=f"transfer-export-{n}", daemon=True)
                worker.start()
                workers.append(worker)
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
            self.written.put(None)
            syncer.join()
        if self.failures:
            raise self.failures[0]

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            for raw in self.open_connections:
                raw.cancel()

    def _fail(self, exc: BaseException) -> None:
        with self.lock:
            self.failures.append(exc)
        self.stop()

    def _sync_files(self) -> None:
        while (file := self.written.get()) is not None:
            try:
                if self.stopping:
                    file.discard()
                else:
                    file.sync()
            except BaseException as exc:  # handed to the caller's thread, which raises the first
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
            with own.connection.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [self.snapshot])
                set_up_transaction(cursor)
                while (task := self.waiting.get()) is not None and not self.stopping:
                    counted = (lambda n, name=task.ds.name: self.landed.put((n, name))) if task.fmt == "csv" else None
                    self.written.put(task.run(cursor, on_rows=counted, block_size=self.block_size))
        except BaseException as exc:  # handed to the caller's thread, which raises the first
            self._fail(exc)
        finally:
            if own is not None:
                with self.lock:
                    if own.connection in self.open_connections:
                        self.open_connections.remove(own.connection)
                with contextlib.suppress(Exception):  # closing ends the read-only transaction; nothing to keep
                    own.close()
