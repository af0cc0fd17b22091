"""Filling empty tables the way PostgreSQL's manual advises for a bulk load ("Populating a Database": remove
indexes and foreign keys, load, then build them again), inside the load's own transaction.

A bundle loads into tables that are empty (``importer.records_held_here``). Kept in place, every index would be
brought up to date row by row and every foreign key checked by a trigger per row at commit: at 100,000 entries
that was about 8 of the load's 11 seconds of PostgreSQL's time. Built once the rows are in, the same indexes take
under a second and the same keys are checked by one join each.

What is set aside, and only on tables that are empty when the load starts and that the bundle fills with at least
``SET_ASIDE_FROM_ROWS`` rows:
- indexes that are neither a primary key nor unique (a unique index still refuses a duplicate row as it arrives,
  so the load names it);
- their foreign keys to tables being filled (empty when the load starts), themselves included. A key to a table
  the service already uses (its people, organisations) stays, checked as before: setting it aside would lock that
  table against the service's own users for the whole load.
A table given fewer rows keeps its indexes and keys: dropping and making again each index or key costs a few
milliseconds of catalogue work whatever the rows, more than keeping it up to date for a few thousand rows, which
PostgreSQL does while this process reads the next ones (measured at 100,000 entries: putting back took 1.3 to 1.7 s
in 190 statements, some 170 of them for tables given few or no rows; now 0.8 to 1.1 s in 23).

Everything is put back, under its own name and definition (``pg_get_indexdef``, ``pg_get_constraintdef``),
before the transaction commits: a table's indexes as soon as the load has given it its last row
(``put_back_ready``, while the load reads its next large dataset in a second thread: ``copy_in.read_ahead``), a
key once both its tables are finished, and the rest at the end (``put_back``); if the load fails the transaction
is rolled back and the schema with it (PostgreSQL's DDL is transactional). What those definitions do not carry
is not used here and would not come back: an index's tablespace, per-column statistics targets and comments.

Locks: ``lock_for_load`` takes every table the load fills at once (ACCESS EXCLUSIVE, in one statement, in a fixed
order, waiting at most ``LOCK_WAIT``), before anything is read, so no page can hold one of them while the load
waits for another. They are held until commit: pages that read these tables (the register, accreditation and
early-career records, all empty until the load commits) wait for the load to end. Tables the service itself keeps
busy (``Dataset.busy``: the outbox) are not among them, nor are its people and organisations, so its staff, the
progress page, sending messages and /metrics carry on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from psycopg2 import sql as pgsql

LOCK_WAIT = "30s"  # longer, and the service is busy with these tables: the load is refused, to be tried again
SET_ASIDE_FROM_ROWS = 5_000  # rows a table is given, at least, for its indexes and keys to be set aside


@dataclass
class SetAside:
    """What ``set_aside`` removed: (name, definition) of each index, (table, name, definition) of each key, and the
    deferrable keys declared on the tables (whose queued checks run before an index is built).

    ``index_tables``: each index's table; ``key_tables`` and ``key_targets``: each key's table and the table it
    refers to; ``kept``: each table's deferrable keys that were not set aside, with the table each refers to
    (their checks are queued as rows arrive); all by the name Django gives a table (``relname``). ``done``: the
    indexes and keys put back already (``put_back_ready``), by name."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    keys: list[tuple[str, str, str]] = field(default_factory=list)
    deferrable: list[str] = field(default_factory=list)
    index_tables: dict[str, str] = field(default_factory=dict)
    key_tables: dict[str, str] = field(default_factory=dict)
    key_targets: dict[str, str] = field(default_factory=dict)
    kept: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)


def lock_for_load(tables: list[str], *, exclusive: bool) -> None:
    """Lock the tables a load fills, in one statement and a fixed order, before the load reads anything. A second
    load started meanwhile waits for this one to end, then finds the register filled and is refused, rather than
    both loading. ``exclusive``: ACCESS EXCLUSIVE, as setting indexes aside needs; otherwise SHARE ROW EXCLUSIVE
    (the service may read them, no other load or writer may write). Raises ``LockNotAvailable`` (a
    ``DatabaseError``) after ``LOCK_WAIT``."""
    mode = "ACCESS EXCLUSIVE" if exclusive else "SHARE ROW EXCLUSIVE"
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        cursor.execute(
            pgsql.SQL("LOCK TABLE {} IN {} MODE").format(
                pgsql.SQL(", ").join(pgsql.Identifier(t) for t in sorted(tables)), pgsql.SQL(mode)
            )
        )
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")  # the session's own setting again, for the load


def set_aside(tables: list[str], *, rows: dict[str, int] | None = None) -> SetAside:
    """Drop the indexes and foreign keys described above from those of ``tables`` that are empty now (locked by
    ``lock_for_load``) and are to be given at least ``SET_ASIDE_FROM_ROWS`` rows (``rows``: each table's, by the
    bundle's manifest; None: every empty table is). The checks queued on every empty table's keys run before the
    keys are put back (``put_back``), so a reference broken in a table that kept its keys is refused there too."""
    aside = SetAside()
    with connection.cursor() as cursor:
        empty = []
        for table in tables:
            cursor.execute(pgsql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(pgsql.Identifier(table)))
            if cursor.fetchone()[0]:
                empty.append(table)
        if not empty:
            return aside
        large = [t for t in empty if rows is None or rows.get(t, 0) >= SET_ASIDE_FROM_ROWS]
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), t.relname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            " ORDER BY c.relname",
            [large],
        )
        for name, definition, table in cursor.fetchall():
            aside.indexes.append((name, definition))
            aside.index_tables[name] = table
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(k.oid), t.relname, f.relname"
            " FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) AND confrelid = ANY(%s::regclass[])"
            " ORDER BY conrelid::regclass::text, conname",
            [large, empty],
        )
        for table, name, definition, relname, target in cursor.fetchall():
            aside.keys.append((table, name, definition))
            aside.key_tables[name], aside.key_targets[name] = relname, target
        aside.deferrable = _deferrable_on(cursor, empty)
        dropped = {name for _, name, _ in aside.keys}
        cursor.execute(
            "SELECT t.relname, conname, f.relname FROM pg_constraint k"
            " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid"
            " WHERE contype = 'f' AND condeferrable AND conrelid = ANY(%s::regclass[]) ORDER BY conname",
            [empty],
        )
        for table, name, target in cursor.fetchall():
            if name not in dropped:
                aside.kept.setdefault(table, []).append((name, target))
        # PostgreSQL alters no table with reference checks still queued on it (a caller's earlier writes): those on
        # these tables run now rather than at commit, and are deferred again below, as Django declares them. The
        # caller's other constraints are left as they were.
        _check_now(cursor, aside.deferrable)
        for table, name, _ in aside.keys:
            cursor.execute(
                pgsql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(pgsql.SQL(table), pgsql.Identifier(name))
            )
        for name, _ in aside.indexes:
            cursor.execute(pgsql.SQL("DROP INDEX {}").format(pgsql.Identifier(name)))
        _defer(cursor, [n for n in aside.deferrable if n not in dropped])
    return aside


def put_back_ready(aside: SetAside, unfinished: set[str]) -> None:
    """Put back now, midway through a load, what ``put_back`` would put back at its end for the tables the load
    gives no more rows (``unfinished``: the tables, by name, that it still fills), so PostgreSQL builds them
    while the load reads on (``copy_in.copy``'s ``meanwhile``): a table's indexes once its own queued checks have
    run, which waits for every table its kept keys refer to, and a key set aside once both its tables are
    finished. ``put_back`` does the rest."""
    # Only tables with indexes or keys set aside: a smaller one's queued checks cost less run with the rest.
    large = {*aside.index_tables.values(), *aside.key_tables.values()}
    ready = {
        table
        for table in large
        if table not in unfinished and not any(target in unfinished for _, target in aside.kept.get(table, ()))
    }
    checks = [name for table in sorted(ready) for name, _ in aside.kept.get(table, ()) if name not in aside.done]
    with connection.cursor() as cursor:
        _check_now(cursor, checks)
        _defer(cursor, checks)  # these tables are given no more rows: nothing more is queued on their keys
        aside.done.update(checks)
        for name, definition in aside.indexes:
            if name not in aside.done and aside.index_tables[name] in ready:
                cursor.execute(definition)
                aside.done.add(name)
        involved = large | set(aside.kept) | unfinished
        for table, name, definition in aside.keys:
            target = aside.key_targets[name]  # finished too, with no checks of its own still queued
            if (
                name not in aside.done
                and aside.key_tables[name] in ready
                and (target in ready or target not in involved)
            ):
                _add_key(cursor, table, name, definition)
                aside.done.add(name)


def put_back(aside: SetAside) -> None:
    """Build the indexes again and add the keys again, each checked over every row at once (those that
    ``put_back_ready`` put back already apart). The checks still queued on the loaded tables run first (keys to
    the service's own tables, and every key of a table given too few rows to have its keys set aside):
    PostgreSQL builds no index on a table with checks pending, and a broken reference is refused here, in the
    load, rather than at the caller's commit. The keys are then deferred again until commit, as Django declares
    them."""
    dropped = {name for _, name, _ in aside.keys}
    with connection.cursor() as cursor:
        _check_now(cursor, [n for n in aside.deferrable if n not in dropped and n not in aside.done])
        # Definitions read from the catalogue moments ago, in this transaction: not input.
        for name, definition in aside.indexes:
            if name not in aside.done:
                cursor.execute(definition)
        for table, name, definition in aside.keys:
            if name not in aside.done:
                _add_key(cursor, table, name, definition)
        _defer(cursor, aside.deferrable)


def _add_key(cursor, table: str, name: str, definition: str) -> None:
    cursor.execute(
        pgsql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            pgsql.SQL(table), pgsql.Identifier(name), pgsql.SQL(definition)
        )
    )


def defer_checks_on(tables: list[str]) -> None:
    """Check the keys declared on these tables at commit, as Django declares them, whatever the caller set: the
    register's entries go in before their numbers. The caller's other constraints are left as they were."""
    with connection.cursor() as cursor:
        _defer(cursor, _deferrable_on(cursor, tables))


def _deferrable_on(cursor, tables: list[str]) -> list[str]:
    cursor.execute(
        "SELECT DISTINCT conname FROM pg_constraint WHERE condeferrable AND conrelid = ANY(%s::regclass[])"
        " ORDER BY conname",
        [tables],
    )
    return [name for (name,) in cursor.fetchall()]


def _check_now(cursor, names: list[str]) -> None:
    if names:
        cursor.execute(
            pgsql.SQL("SET CONSTRAINTS {} IMMEDIATE").format(pgsql.SQL(", ").join(map(pgsql.Identifier, names)))
        )


def _defer(cursor, names: list[str]) -> None:
    if names:
        cursor.execute(
            pgsql.SQL("SET CONSTRAINTS {} DEFERRED").format(pgsql.SQL(", ").join(map(pgsql.Identifier, names)))
        )
