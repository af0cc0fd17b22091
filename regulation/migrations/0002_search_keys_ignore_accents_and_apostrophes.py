"""Recompute the stored search keys with the new normalisation (accents, apostrophes and hyphens)."""

import unicodedata

from django.db import migrations

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_SEPARATORS = dict.fromkeys(map(ord, "-‐‑–—.,"), " ")


def _normalise(text):
    # A frozen copy of regulation.models.normalise_name as of this migration.
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate(_APOSTROPHES).translate(_SEPARATORS)
    return " ".join(plain.casefold().split())


def recompute(apps, schema_editor):
    RegisterEntry = apps.get_model("regulation", "RegisterEntry")
    batch = []
    for entry in RegisterEntry.objects.only("pk", "first_name", "last_name").iterator(chunk_size=2000):
        entry.surname_key = _normalise(entry.last_name)
        entry.name_key = _normalise(f"{entry.first_name} {entry.last_name}")
        batch.append(entry)
        if len(batch) >= 2000:
            RegisterEntry.objects.bulk_update(batch, ["surname_key", "name_key"])
            batch = []
    if batch:
        RegisterEntry.objects.bulk_update(batch, ["surname_key", "name_key"])


class Migration(migrations.Migration):
    dependencies = [("regulation", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
