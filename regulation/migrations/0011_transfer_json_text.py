"""PostgreSQL writes a JSON value the one way a transfer bundle writes it (``regulation.transfer.format.json_text``:
objects' members sorted by key, no spaces), at any depth, for the COPY that writes an audit event's changes
(``regulation.transfer.postgres``). A function only: no table is touched. Other databases need nothing (the
portable writer formats the value in Python)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION transfer_json_text(v jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    CASE jsonb_typeof(v)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(to_json(e.key)::text || ':' || transfer_json_text(e.value), ',' ORDER BY e.key COLLATE "C")
            FROM jsonb_each(v) AS e
        ), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(transfer_json_text(a.value), ',' ORDER BY a.n)
            FROM jsonb_array_elements(v) WITH ORDINALITY AS a(value, n)
        ), '') || ']';
    ELSE
        RETURN v::text;
    END CASE;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS transfer_json_text(jsonb);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("regulation", "0010_transferred_ids")]

    operations = [migrations.RunPython(create, drop)]
