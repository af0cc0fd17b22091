"""Filling empty tables the way PostgreSQL's manual advises for a bulk load ("Populating a Database": remove
indexes and foreign keys, load, then build them again), inside the load's own transaction.

A bundle loads into tables that are empty (``importer._not_empty_target``). Kept in place, every index would be
brought up to date row by row and every foreign key checked by a trigger per row at commit: at 100,000 entries
that was about 8 of the load's 11 seconds of PostgreSQL's time. Built once the rows are in, the same indexes take
under a second and the same keys are checked by one join each.

What is set aside, and only on tables that are empty when the load starts:
- indexes that are neither a primary key nor unique (a unique index still refuses a duplicate row as it arrives,
  so the load names it);
- foreign keys between two of the tables being filled. A key to a table the service already uses (its people,
  organisations) stays, checked as before: setting it aside would lock that table against the service's own
  users for the whole load.

Everything is put back, under its own name and definition (``pg_get_indexdef``, ``pg_get_constraintdef``),
before the transaction commits; if the load fails the transaction is rolled back and the schema with it
(PostgreSQL's DDL is transactional). Dropping an index locks its table (ACCESS EXCLUSIVE) until commit, so
pages that read these tables wait for the load to end: they are empty until then in any case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from psycopg2 import sql as pgsql


@dataclass
class SetAside:
    """What ``set_aside`` removed: (name, definition) of each index, (table, name, definition) of each key."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    keys: list[tuple[str, str, str]] = field(default_factory=list)


def serialise_loads(table: str) -> None:
    """Take the lock every load takes first (SHARE ROW EXCLUSIVE on ``table``: it lets the service read, and no
    other load or writer in): a second load started meanwhile waits for this one to end, and then finds the
    register filled and is refused, rather than both loading."""
    with connection.cursor() as cursor:
        cursor.execute(pgsql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(pgsql.Identifier(table)))


def set_aside(tables: list[str]) -> SetAside:
    """Drop the indexes and foreign keys described above from those of ``tables`` that are empty now."""
    aside = SetAside()
    with connection.cursor() as cursor:
        empty = []
        for table in tables:
            cursor.execute(pgsql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(pgsql.Identifier(table)))
            if cursor.fetchone()[0]:
                empty.append(table)
        if not empty:
            return aside
        # PostgreSQL alters no table with reference checks still queued on it (a caller's earlier writes): they
        # run now rather than at commit, and the keys are deferred again below, as Django declares them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            " ORDER BY c.relname",
            [empty],
        )
        aside.indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) AND confrelid = ANY(%s::regclass[])"
            " ORDER BY conrelid::regclass::text, conname",
            [empty, empty],
        )
        aside.keys = cursor.fetchall()
        for table, name, _ in aside.keys:
            cursor.execute(
                pgsql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(pgsql.SQL(table), pgsql.Identifier(name))
            )
        for name, _ in aside.indexes:
            cursor.execute(pgsql.SQL("DROP INDEX {}").format(pgsql.Identifier(name)))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return aside


def put_back(aside: SetAside) -> None:
    """Build the indexes again and add the keys again, each checked over every row at once. The checks still
    queued (keys to the service's own tables) run first: PostgreSQL builds no index on a table with checks
    pending. The keys are then deferred again until commit, as Django declares them."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Definitions read from the catalogue moments ago, in this transaction: not input.
        for _, definition in aside.indexes:
            cursor.execute(definition)
        for table, name, definition in aside.keys:
            cursor.execute(
                pgsql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    pgsql.SQL(table), pgsql.Identifier(name), pgsql.SQL(definition)
                )
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
