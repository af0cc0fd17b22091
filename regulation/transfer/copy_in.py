"""PostgreSQL loads a bundle's rows with ``COPY ... FROM STDIN``: one statement streams a dataset's rows into its
table while this process checks and formats the next ones, instead of an ``INSERT`` of Python objects per batch.

The importer hands over each dataset's rows as lines of COPY's text format (``text``: a value escaped, ``NULL``
for nothing), already checked and with their references translated to this service's ids. A row that needs the
database first (a person to match by email, a programme to look up) is announced by ``PAUSE``: the COPY under
way ends there, the importer does its lookups, and a new COPY carries on with that row; a bundle names a few
people, so a dataset takes a few statements at most. Columns the bundle does not carry are given what the ORM
would give them (a field's default, ``now`` for ``auto_now_add``), the same for every row.

Everything runs in the importer's transaction, so a row the database refuses (a text too long for its column)
ends the load with nothing kept; it is named by its row in the bundle's file.

Most of a load's time in Python went on reading each value of each line on its own; ``line_parser`` reads a line
the exporter wrote (the one way it writes each value) in one regular-expression match whose groups are already
COPY's text, together with its CSV row (``LineParser.pair``). Any other line is read value by value.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import sys
import threading
from collections.abc import Callable, Iterator

from psycopg2 import Error as DatabaseError
from psycopg2 import sql as pgsql

NULL = "\\N"
# What ``read_ahead`` holds at most: a few seconds' worth of a large dataset's lines, a few tens of megabytes.
READ_AHEAD_CHARACTERS = 32 * 1024 * 1024
# How long (seconds) the second thread of ``read_ahead`` may keep the interpreter once this one wants it back: each
# statement of ``meanwhile`` that returns waits that long at most before it can send the next (Python's own 5 ms
# made the register's indexes take 0.8 s instead of 0.6 s while its renewals were read, at 100,000 entries).
READ_AHEAD_SWITCH_SECONDS = 0.0001
PAUSE = object()  # an item of the lines: end the COPY under way before the next line is asked for
_END = object()
_LINE = re.compile(r"\bline (\d+)\b")


class Unsupported(Exception):
    """A column the bundle does not carry whose value COPY cannot be given once for every row (a default made
    anew for each, such as a random token): the dataset is loaded the portable way instead."""


def text(value: str) -> str:
    """A text as COPY's text format reads it: backslash, tab, newline and carriage return escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def constant(value) -> str:
    """A Python value as COPY's text format reads it, for a column's value that is the same for every row."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, str):
        return text(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return text(json.dumps(value))
    raise Unsupported(f"no COPY text for {type(value).__name__}")


def reader(column, read: Callable) -> Callable:
    """``read`` (``format.reader``) for COPY: the value checked as it checks it, and given as COPY's text (``NULL``
    for nothing). The values an exporter writes take a test or two and no other call; any other is read by ``read``,
    which refuses it or says what it is."""
    from .format import (
        BOOLEAN,
        DATE,
        DATETIME,
        DATETIME_TEXT,
        ENTRY_REF,
        INTEGER,
        JSON,
        OBJECT,
        REGION_REF,
        TEXT,
        USER_REF,
    )

    def slow(value):
        found = read(value)
        if found is None:
            return NULL
        if isinstance(found, bool):
            return "t" if found else "f"
        if isinstance(found, int | decimal.Decimal):
            return str(found)
        if isinstance(found, datetime.datetime):  # read only from its one form, which COPY reads as it is
            return value
        if isinstance(found, datetime.date):
            return found.isoformat()
        return text(value if column.type in (OBJECT, JSON) else found)

    type_ = column.type
    if type_ == INTEGER:
        return lambda value: str(value) if type(value) is int else slow(value)
    if type_ == BOOLEAN:
        return lambda value: "t" if value is True else "f" if value is False else slow(value)
    if type_ == DATE:
        from_iso = datetime.date.fromisoformat

        def read_date(value):
            if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
                try:
                    from_iso(value)
                except ValueError:
                    pass
                else:
                    return value
            return slow(value)

        return read_date
    if type_ == DATETIME:
        from_iso, fullmatch = datetime.datetime.fromisoformat, DATETIME_TEXT.fullmatch

        def read_datetime(value):
            if type(value) is str and fullmatch(value):
                try:
                    from_iso(value[:-1])
                except ValueError:
                    pass
                else:
                    return value
            return slow(value)

        return read_datetime
    if type_ in (TEXT, ENTRY_REF, USER_REF, REGION_REF) and column.name != "registration_number":
        choices = frozenset(column.choices)
        if choices and all(choice == text(choice) for choice in choices):
            return lambda value: value if type(value) is str and value in choices else slow(value)
        if not choices and type_ == TEXT:

            def read_text(value):
                if (
                    type(value) is str
                    and value
                    and "\\" not in value
                    and "\t" not in value
                    and "\n" not in value
                    and "\r" not in value
                ):
                    return value
                return slow(value)

            return read_text
    return slow  # a decimal, an object, a registration number: rare enough to take the longer way


class Table:
    """A model's table as COPY fills it: the columns given by each line (``fields``, attribute names, in the
    lines' order), then those every line shares (the model's other fields, as the ORM would make them)."""

    def __init__(self, model, fields: list[str], *, now: datetime.datetime):
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        named = {f.attname for f in given}
        others = [f for f in meta.concrete_fields if f.attname not in named]
        shared = []
        for field in others:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                shared.append(constant(now))
                continue
            default = field.default
            if field.has_default() and callable(default) and default not in (list, dict, str, int):
                raise Unsupported(f"{meta.label}.{field.name} has a default made for each row")
            shared.append(constant(field.get_default()))
        self.suffix = "".join("\t" + value for value in shared) + "\n"
        columns = [f.column for f in (*given, *others)]
        self.statement = pgsql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=pgsql.Identifier(meta.db_table),
            columns=pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns),
        )


class Refused(Exception):
    """The database refused a line: ``row`` is its number among the lines given (from 1)."""

    def __init__(self, row: int | None, message: str):
        self.row, self.message = row, message
        super().__init__(message)


def copy(
    cursor,
    table: Table,
    lines: Iterator,
    *,
    batch: int,
    on_rows: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """COPY the lines (each without its line end; ``PAUSE`` between two of them ends the statement under way)
    into the table; returns how many. ``on_rows(n)``: called with the lines handed over so far, every ``batch``
    lines. An exception raised while a line is made is raised here, once the statement under way has ended.
    ``meanwhile``: statements to run on this connection first, while the first lines are made (``read_ahead``)."""
    if meanwhile is not None:
        lines = read_ahead(lines, meanwhile)
    statement = table.statement.as_string(cursor)
    sent = 0
    item = next(lines, _END)
    while item is not _END:
        if item is PAUSE:
            item = next(lines, _END)  # the lines' own lookups run now, between two statements
            continue
        feed = _Feed(item, lines, table.suffix, batch=batch, before=sent, on_rows=on_rows)
        try:
            cursor.copy_expert(statement, feed, size=1 << 16)
        except DatabaseError as exc:
            raise _refused(exc, sent) from exc
        if feed.failure is not None:
            raise feed.failure
        sent, item = feed.sent, feed.following
    return sent


def read_ahead(lines: Iterator, meanwhile: Callable[[], None], *, limit: int = READ_AHEAD_CHARACTERS) -> Iterator:
    """``lines``, the first of them made in a second thread while ``meanwhile`` runs in this one. ``meanwhile``
    waits on the database (building a finished table's indexes), which leaves this process idle for that while:
    the lines made meanwhile are held (up to the one that reaches ``limit`` characters) and given first, and the
    rest are made as they are asked for. The second thread stops at a ``PAUSE``: the item after one looks the
    database up, which only this thread may do (its connection holds the load's transaction). Its exception, if
    any, is raised where its line would have been given."""
    ahead: list = []
    failure: list[BaseException] = []
    enough = threading.Event()

    def make() -> None:
        size = 0
        try:
            while size < limit and not enough.is_set():
                item = next(lines, _END)
                ahead.append(item)
                if item is _END or item is PAUSE:
                    return
                size += len(item)
        except BaseException as exc:  # given to this thread, below
            failure.append(exc)

    maker = threading.Thread(target=make, name="transfer-read-ahead", daemon=True)
    switching = sys.getswitchinterval()
    try:
        sys.setswitchinterval(READ_AHEAD_SWITCH_SECONDS)
        try:
            maker.start()
            meanwhile()
        finally:
            enough.set()
            if maker.is_alive():
                maker.join()
    finally:
        sys.setswitchinterval(switching)
    for item in ahead:
        if item is _END:
            return
        yield item
    if failure:
        raise failure[0]
    yield from lines


def _refused(exc: DatabaseError, sent: int) -> Refused:
    diag = getattr(exc, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(exc)).strip()
    found = _LINE.search(getattr(diag, "context", None) or "")
    return Refused(sent + int(found.group(1)) if found else None, message)


class _Feed:
    """One COPY statement's data, read by psycopg2: ``batch`` lines at a time, made as they are asked for, until
    the lines end or pause (``following`` is then ``_END`` or ``PAUSE``)."""

    def __init__(self, first: str, lines: Iterator, suffix: str, *, batch: int, before: int, on_rows):
        self.first, self.lines, self.suffix, self.batch = first, lines, suffix, batch
        self.sent, self.on_rows = before, on_rows
        self.following = None
        self.failure: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        if self.following is not None:
            return b""
        if self.on_rows is not None and self.first is None:
            self.on_rows(self.sent)
        chunk = []
        if self.first is not None:
            chunk.append(self.first)
            self.first = None
        lines, batch = self.lines, self.batch
        try:
            while len(chunk) < batch:
                item = next(lines, _END)
                if item is _END or item is PAUSE:
                    self.following = item
                    break
                chunk.append(item)
        except BaseException as exc:  # raised by copy() once the statement has ended: nothing is kept anyway
            self.failure, self.following = exc, _END
        self.sent += len(chunk)
        if not chunk:
            return b""
        suffix = self.suffix
        return (suffix.join(chunk) + suffix).encode()


# --- Whole lines the one way an exporter writes them -------------------------------------------------------------

# A text an exporter writes with nothing escaped, in JSON, CSV or COPY's text: no quote, backslash or control
# character (JSON would escape them), no comma (CSV would quote it) and no first character that CSV escapes as a
# formula (``format.FORMULA_STARTS``). Such a text is its own JSON string's content, its own CSV cell and its own
# COPY text, so a line of them needs no reading value by value.
_PLAIN_TEXT = r"[^\"\\\x00-\x1f,=+\-@'][^\"\\\x00-\x1f,]*"
# The dates ``datetime.date.fromisoformat`` reads from ``YYYY-MM-DD`` (year 1 on, leap days in leap years only),
# and the times of day it reads from ``HH:MM:SS.ffffff``: a date is checked by the same match that finds it.
_YEAR = r"(?!0000)[0-9]{4}"
_MONTH_DAY = r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
_LEAP_DAY = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29"
_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}"


class LineParser:
    """One dataset's JSON lines as its exporter writes them (``line_parser``), each with its CSV row:
    ``pair(json_line + csv_line)`` matches a whole JSON line, its members in column order and compact, each value
    in the one form the exporter writes and ``reader`` accepts, followed by the CSV line that says the same (the
    values' texts joined by commas, nothing for null, CRLF), with one group per column holding its JSON text,
    which is its COPY text as well (None for null), but for ``booleans`` (``true``, COPY's ``t``). A value of
    another form (escapes, a comma, an unusual date) does not match, nor does a CSV line saying anything else:
    that line is read the usual way, value by value, and refused or accepted as before.
    ``integers`` and ``booleans`` are the columns whose groups are read into Python for the row's raw values."""

    null = NULL

    def __init__(self, pattern: str, integers: list[int], booleans: list[int]):
        self.pair = re.compile(pattern).fullmatch
        self.integers, self.booleans = integers, booleans


def line_parser(ds, *, empty_text: Callable) -> LineParser | None:
    """The dataset's ``LineParser``, or None if a column's values cannot be matched this way (a decimal, an
    object, JSON: those datasets are read value by value). ``empty_text(column)``: ``Dataset.holds_empty_text``."""
    from .format import BOOLEAN, DATE, DATETIME, ENTRY_REF, INTEGER, REGION_REF, TEXT, USER_REF

    parts, integers, booleans = [], [], []
    plain = re.compile(_PLAIN_TEXT)
    for i, column in enumerate(ds.columns):
        type_ = column.type
        if type_ == INTEGER:
            value, integers = "(0|-?[1-9][0-9]*)", [*integers, i]
        elif type_ == BOOLEAN:
            value, booleans = "(true|false)", [*booleans, i]
        elif type_ == DATE:
            value = f'"({_DATE})"'
        elif type_ == DATETIME:
            value = f'"({_DATE}T{_TIME}Z)"'
        elif type_ in (TEXT, ENTRY_REF, USER_REF, REGION_REF):
            if type_ == ENTRY_REF or column.name == "registration_number":
                if column.choices:
                    return None
                value = '"(SW[0-9]+)"'
            else:
                if column.choices:
                    known = [re.escape(c) for c in column.choices if plain.fullmatch(c)]
                    if not known:
                        return None
                    text = f"(?:{'|'.join(known)})"
                else:
                    text = f"(?:{_PLAIN_TEXT})"
                # An empty text is read as itself only where the column holds one; elsewhere as null or refused.
                value = f'"({text}?)"' if empty_text(column) else f'"({text})"'
        else:
            return None
        if column.nullable:
            value = f"(?:null|{value})"
        opening = "{" if i == 0 else ","
        parts.append(re.escape(f'{opening}"{column.name}":') + value)
    # The CSV line: each column's text again (a back-reference to its group), or nothing where it was null.
    cells = [f"(?({i})(?:\\{i}))" if column.nullable else f"(?:\\{i})" for i, column in enumerate(ds.columns, start=1)]
    return LineParser("".join(parts) + r"\}\n" + ",".join(cells) + r"\r\n", integers, booleans)
