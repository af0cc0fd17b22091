"""The register's name search reads two indexes in their own order (regulation/selectors.py, "Searching the register
by name"): the surname key then the full-name key, and the full-name key, each in byte order. On PostgreSQL that is
COLLATE "C", whatever the database's collation, so the search's range and its ORDER BY are the index's own; SQLite
compares text byte by byte already. Built CONCURRENTLY, so a live register is not locked while they build.

Not in Django's model state: an index on a collated column cannot be declared for both databases."""

from django.db import migrations

# name: (key columns, columns carried in the index on PostgreSQL). The full-name part leaves out the people the
# surname part showed: with the surname in its index, counting that part reads the index alone.
INDEXES = {
    "regulation_entry_surname_search": (("surname_key", "name_key", "id"), ()),
    "regulation_entry_fullname_search": (("name_key", "id"), ("surname_key",)),
}


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgres else ""
    for name, (columns, carried) in INDEXES.items():
        keys = ", ".join(f'{c} COLLATE "C"' if postgres and c != "id" else c for c in columns)
        include = f" INCLUDE ({', '.join(carried)})" if postgres and carried else ""
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON regulation_registerentry ({keys}){include}"
        )


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("regulation", "0011_transfer_json_text")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
