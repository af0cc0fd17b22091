"""PostgreSQL writes the bundle's files itself: one ``COPY ... TO STDOUT`` per dataset gives each row's CSV line
and its JSON Lines object together, so Python only splits, hashes and writes bytes.

The bytes are the same as the portable writer's (``export._write_rows``, used on SQLite): text is written by
COPY's CSV quoting (quoted only when it holds a comma, a double quote or a line break, quotes doubled), an empty
text and a null are both an empty cell (``NULLIF``), dates and UTC datetimes are formatted by ``to_char``, the
JSON object comes from ``row_to_json`` (compact, in column order, escaped as Python's ``json`` escapes), and the
row ends in CRLF. A test writes the same data both ways and compares every byte.

Each row arrives as ``<csv cells>,"<json object, quotes doubled>"\\n``. The JSON cell is last and starts with
``,"{``, a sequence that cannot occur inside it (its quotes are all doubled), so the last ``,"{`` splits the row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from .format import BOOLEAN, DATE, DATETIME, INTEGER, Dataset

_DATETIME = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_DATE = "to_char({}, 'YYYY-MM-DD')"


def _value(type_: str, ref: str, iso_dates: bool = False) -> str:
    """A column's JSON value: dates and datetimes as text, once; numbers and booleans as they are. A date's own
    text is YYYY-MM-DD when the session's DateStyle is ISO (PostgreSQL's default), and about twice as fast."""
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


def copy_sql(ds: Dataset, since=None) -> str:
    """The COPY statement for one dataset: the exporter's own SELECT (ORM, in id order) as ``t``, each value
    formatted once as ``f`` (whose row is the JSON object), and the CSV cells taken from ``f``."""
    sql, params = ds.queryset(since).query.sql_with_params()
    with connection.cursor() as cursor:
        inner = cursor.mogrify(sql, params)
        cursor.execute("SHOW datestyle")
        iso_dates = cursor.fetchone()[0].upper().startswith("ISO")
    inner = inner.decode() if isinstance(inner, bytes) else inner
    aliases = ", ".join(f"c{i}" for i in range(len(ds.columns)))
    values = ", ".join(f'{_value(c.type, f"t.c{i}", iso_dates)} AS "{c.name}"' for i, c in enumerate(ds.columns))
    cells = ", ".join(_cell(c.type, f'f."{c.name}"') for c in ds.columns)
    # The inner query is the ORM's, its parameters bound by the driver (mogrify); the names are the dataset's
    # declared columns, never input.
    return (
        f"COPY (SELECT {cells}, row_to_json(f)::text FROM (SELECT {values} FROM ({inner}) AS t({aliases})) AS f) "  # nosec B608
        "TO STDOUT WITH (FORMAT csv)"
    )


class _Rows:
    """Receives COPY's output, one row per write, and hands the CSV and JSON Lines bytes on in chunks."""

    def __init__(self, flush: Callable[[bytes, bytes, int], None], chunk_size: int):
        self.flush_to, self.chunk_size = flush, chunk_size
        self.csv: list[bytes] = []
        self.jsonl: list[bytes] = []
        self.rows = 0

    def write(self, row: bytes) -> int:
        split = row.rfind(b',"{')
        self.csv.append(row[:split])
        self.jsonl.append(row[split + 2 : -2])
        if len(self.csv) >= self.chunk_size:
            self.flush()
        return len(row)

    def flush(self) -> None:
        if not self.csv:
            return
        count = len(self.csv)
        csv = b"\r\n".join(self.csv) + b"\r\n"
        jsonl = b"\n".join(self.jsonl).replace(b'""', b'"') + b"\n"
        self.csv.clear()
        self.jsonl.clear()
        self.rows += count
        self.flush_to(csv, jsonl, count)


def copy_rows(ds: Dataset, since, *, chunk_size: int, write: Callable[[bytes, bytes, int], None]) -> int:
    """Stream one dataset through COPY; ``write(csv_bytes, jsonl_bytes, rows)`` is called per chunk of rows."""
    sink = _Rows(write, chunk_size)
    statement = copy_sql(ds, since)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.copy_expert(statement, sink)
    sink.flush()
    return sink.rows
