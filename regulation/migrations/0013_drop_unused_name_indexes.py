"""Indexes the register no longer reads, dropped so every write (and a transfer's load of 100,000 entries) keeps
fewer up to date. Since migration 0012 the name search reads its own byte-order indexes, so nothing reads the
full-name key's index, nor the pattern-matching copies (``varchar_pattern_ops``) PostgreSQL had of the surname key,
the full-name key and the registration number: no query matches a number by prefix. The surname key's plain index
stays (lists ordered by name read it).

Dropped CONCURRENTLY on PostgreSQL, so the register is never locked; the full-name key's ``db_index`` goes from the
model state with it."""

import re

from django.db import migrations, models

TABLE = "regulation_registerentry"
# On PostgreSQL, the definitions (pg_indexes.indexdef) of the indexes to drop.
UNUSED = re.compile(r"USING btree \((?:name_key|(?:name_key|surname_key|registration_number) varchar_pattern_ops)\)$")


def _unused_indexes(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
            return [name for name, definition in cursor.fetchall() if UNUSED.search(definition)]
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == ["name_key"]
    ]


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name in _unused_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps, schema_editor):
    """Back to 0012: the full-name key's index as Django made it (its pattern copies are not needed by 0012)."""
    postgres = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgres else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS regulation_registerentry_name_key_11f5ee6e ON {TABLE} (name_key)"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("regulation", "0012_name_search_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="registerentry",
                    name="name_key",
                    field=models.CharField(editable=False, max_length=301),
                )
            ],
            database_operations=[migrations.RunPython(drop, restore, elidable=False)],
        )
    ]
