"""PostgreSQL writes the bundle's files itself: for each dataset one ``COPY ... TO STDOUT`` gives the CSV rows and
another the JSON Lines objects, so Python only gathers, hashes and writes bytes.

The COPYs run on several connections at once (``TRANSFER_EXPORT_CONNECTIONS``), each in a read-only transaction
that imports one snapshot exported by a leading transaction: every file shows the register at the same moment,
however many connections wrote it and whatever is committed meanwhile. A transaction that has written rows of
its own and not committed them (a test's) cannot share them with other connections, so then every COPY runs on
that connection, one after another: the same bytes, more slowly.

The bytes are the same as the portable writer's (``export._write_rows``, used on SQLite): text is written by
COPY's CSV quoting (quoted only when it holds a comma, a double quote or a line break, quotes doubled), an empty
text and a null are both an empty cell (``NULLIF``), dates and UTC datetimes are formatted by ``to_char`` (dates
as their own text when the session's DateStyle is ISO: the same bytes, about twice as fast), each CSV row ends in
CRLF (COPY ends it in LF; the row is one protocol message, so its last byte is the terminator), and the JSON
object comes from ``row_to_json`` (compact, in column order, escaped as Python's ``json`` escapes).

The JSON COPY is ``FORMAT csv`` with a quote character and delimiter that ``row_to_json`` never writes (it
escapes every control character), so each object arrives exactly as PostgreSQL made it, unquoted. A test writes
the same data every way (portable, one connection, several) and compares every byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from .format import BOOLEAN, DATE, DATETIME, INTEGER, Dataset

_DATETIME = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_DATE = "to_char({}, 'YYYY-MM-DD')"
# Control characters: row_to_json writes them as \u0001 and \u0002, so they never occur in its output.
_JSON_COPY = "TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"

OnRows = Callable[[int, str], None]
BLOCK_SIZE = 64 * 1024


def _value(type_: str, ref: str, iso_dates: bool) -> str:
    """A column's value as the bundle writes it: dates and datetimes as text, numbers and booleans as they are."""
    if type_ == DATETIME:
        return _DATETIME.format(ref)
    if type_ == DATE:
        return f"{ref}::text" if iso_dates else _DATE.format(ref)
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


def copy_statements(ds: Dataset, since, cursor, *, iso_dates: bool) -> dict[str, str]:
    """The two COPY statements for one dataset, by file format: the exporter's own SELECT (ORM, in id order) as
    ``t``, each value formatted once as ``f``, the CSV cells taken from ``f`` and the JSON object made of it."""
    sql, params = ds.queryset(since).query.sql_with_params()
    inner = cursor.mogrify(sql, params)
    inner = inner.decode() if isinstance(inner, bytes) else inner
    aliases = ", ".join(f"c{i}" for i in range(len(ds.columns)))
    values = ", ".join(f'{_value(c.type, f"t.c{i}", iso_dates)} AS "{c.name}"' for i, c in enumerate(ds.columns))
    cells = ", ".join(_cell(c.type, f'f."{c.name}"') for c in ds.columns)
    # The inner query is the ORM's, its parameters bound by the driver (mogrify); the names are the dataset's
    # declared columns, never input.
    formatted = f"(SELECT {values} FROM ({inner}) AS t({aliases})) AS f"  # nosec B608
    return {
        "csv": f"COPY (SELECT {cells} FROM {formatted}) TO STDOUT WITH (FORMAT csv)",  # nosec B608
        "jsonl": f"COPY (SELECT row_to_json(f)::text FROM {formatted}) {_JSON_COPY}",  # nosec B608
    }


class _File(io.RawIOBase):
    """One bundle file fed by COPY. COPY hands over one row per write; a ``BufferedWriter`` in front of this file
    gathers them (in C) and passes them on in blocks, so Python's work is per block, not per row: memory stays
    flat, and the rows and line ends are counted and rewritten with bytes methods.

    A CSV block's line ends become CRLF, except those inside a quoted cell (a text with a line break). Quotes
    come in pairs (a quote in a cell is doubled), so a byte is inside a quoted cell exactly when an odd number of
    quotes precede it in the file."""

    def __init__(self, path: Path, *, csv: bool, on_rows: Callable[[int], None] | None):
        super().__init__()
        self.handle = open(path, "ab")  # noqa: SIM115  closed in finish(); the CSV header is already there
        self.digest = hashlib.sha256(path.read_bytes())
        self.csv, self.on_rows = csv, on_rows
        self.in_quotes = False
        self.rows = 0

    def writable(self) -> bool:
        return True

    def write(self, block) -> int:
        data = bytes(block)
        if self.csv:
            data, rows = self._crlf(data)
        else:
            rows = data.count(b"\n")  # row_to_json escapes line breaks: one per object
        self.handle.write(data)
        self.digest.update(data)
        self.rows += rows
        if self.on_rows is not None and rows:
            self.on_rows(rows)
        return len(block)

    def _crlf(self, data: bytes) -> tuple[bytes, int]:
        if b'"' not in data and not self.in_quotes:
            return data.replace(b"\n", b"\r\n"), data.count(b"\n")
        parts = data.split(b'"')
        first_outside = 1 if self.in_quotes else 0
        outside = parts[first_outside::2]
        parts[first_outside::2] = [part.replace(b"\n", b"\r\n") for part in outside]
        self.in_quotes = self.in_quotes != (len(parts) % 2 == 0)
        return b'"'.join(parts), sum(part.count(b"\n") for part in outside)

    def finish(self) -> str:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        return self.digest.hexdigest()


class _Task:
    """One dataset's file in one format, written by whichever connection takes it."""

    def __init__(self, ds: Dataset, fmt: str, path: Path, statement: str, cost: float):
        self.ds, self.fmt, self.path, self.statement, self.cost = ds, fmt, path, statement, cost
        self.rows = 0
        self.sha256 = ""

    def run(self, cursor, *, on_rows: Callable[[int], None] | None, block_size: int) -> None:
        file = _File(self.path, csv=self.fmt == "csv", on_rows=on_rows)
        try:
            with io.BufferedWriter(file, buffer_size=block_size) as gathered:
                cursor.copy_expert(self.statement, gathered)
        finally:
            self.sha256 = file.finish()
        self.rows = file.rows


def write_files(
    directory: Path, chosen: tuple[Dataset, ...], since, *, on_rows: OnRows, block_size: int = BLOCK_SIZE
) -> dict[str, dict]:
    """Write every dataset's CSV and JSON Lines files into ``directory`` (each CSV already holds its header row)
    and return their manifest entries. ``on_rows(rows, dataset)`` is called, in this thread, as CSV rows land."""
    here = _has_own_uncommitted_writes()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        # The other connections are told to write dates the ISO way; this one is asked how it writes them.
        tasks = _tasks(directory, chosen, since, cursor, iso_dates=_iso_dates(cursor) if here else True)
        if here:
            for task in tasks:
                counted = (lambda n, name=task.ds.name: on_rows(n, name)) if task.fmt == "csv" else None
                task.run(cursor, on_rows=counted, block_size=block_size)
    if not here:
        _run_in_parallel(tasks, on_rows=on_rows, block_size=block_size)
    files: dict[str, dict] = {}
    for task in sorted(tasks, key=lambda t: (chosen.index(t.ds), t.fmt)):
        files[task.path.name] = {"dataset": task.ds.name, "format": task.fmt, "rows": task.rows, "sha256": task.sha256}
    return files


def _tasks(directory: Path, chosen: tuple[Dataset, ...], since, cursor, *, iso_dates: bool) -> list[_Task]:
    """Largest first (so no connection is left with a big file at the end): estimated from the planner's row
    count and the number of columns; a JSON object costs about twice its CSV row."""
    tables = {ds.name: ds.model._meta.db_table for ds in chosen}
    cursor.execute(
        "SELECT relname, reltuples FROM pg_class WHERE relkind IN ('r', 'p') AND relname = ANY(%s)",
        [sorted(set(tables.values()))],
    )
    estimated = {name: max(rows, 1.0) for name, rows in cursor.fetchall()}
    tasks = []
    for ds in chosen:
        statements = copy_statements(ds, since, cursor, iso_dates=iso_dates)
        rows = estimated.get(tables[ds.name], 1.0)
        for fmt, weight in (("csv", 1), ("jsonl", 2)):
            path = directory / f"{ds.name}.{fmt}"
            tasks.append(_Task(ds, fmt, path, statements[fmt], rows * len(ds.columns) * weight))
    return sorted(tasks, key=lambda t: -t.cost)


def _has_own_uncommitted_writes() -> bool:
    if not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current_if_assigned() IS NOT NULL")
        return cursor.fetchone()[0]


def _iso_dates(cursor) -> bool:
    cursor.execute("SHOW datestyle")
    return cursor.fetchone()[0].upper().startswith("ISO")


def _run_in_parallel(tasks: list[_Task], *, on_rows: OnRows, block_size: int) -> None:
    leader = connections.create_connection("default")
    try:
        leader.ensure_connection()
        with leader.connection.cursor() as cursor:
            # Held open (idle) while the files are written: the snapshot can be imported only while it is, so a
            # server's idle-in-transaction timeout must not end it. Closing the connection ends it.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            cursor.execute("SELECT pg_export_snapshot()")
            crew = _Crew(tasks, snapshot=cursor.fetchone()[0], block_size=block_size)
            crew.run(max(1, min(settings.TRANSFER_EXPORT_CONNECTIONS, len(tasks))), on_rows=on_rows)
    finally:
        leader.close()


class _Crew:
    """Connections writing files at once, each taking the next file until none are left. The first failure (of
    a connection, or of the caller's thread: an interrupted job) cancels every COPY still running, so the caller
    raises it promptly and nothing goes on writing behind it."""

    def __init__(self, tasks: list[_Task], *, snapshot: str, block_size: int):
        self.snapshot, self.block_size = snapshot, block_size
        self.waiting: queue.Queue[_Task] = queue.Queue()
        for task in tasks:
            self.waiting.put(task)
        self.landed: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self.failures: list[BaseException] = []
        self.lock = threading.Lock()
        self.open_connections: list = []
        self.stopping = False

    def run(self, count: int, *, on_rows: OnRows) -> None:
        workers: list[threading.Thread] = []
        try:
            for n in range(count):
                worker = threading.Thread(target=self._work, name=f"transfer-export-{n}", daemon=True)
                worker.start()
                workers.append(worker)
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
        if self.failures:
            raise self.failures[0]

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            for raw in self.open_connections:
                raw.cancel()

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
                cursor.execute("SET LOCAL datestyle TO 'ISO, YMD'")
                while not self.stopping:
                    try:
                        task = self.waiting.get_nowait()
                    except queue.Empty:
                        break
                    counted = (lambda n, name=task.ds.name: self.landed.put((n, name))) if task.fmt == "csv" else None
                    task.run(cursor, on_rows=counted, block_size=self.block_size)
        except BaseException as exc:  # handed to the caller's thread, which raises the first
            with self.lock:
                self.failures.append(exc)
            self.stop()
        finally:
            if own is not None:
                with self.lock:
                    if own.connection in self.open_connections:
                        self.open_connections.remove(own.connection)
                with contextlib.suppress(Exception):  # closing ends the read-only transaction; nothing to keep
                    own.close()
