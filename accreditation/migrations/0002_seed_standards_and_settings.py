from django.db import migrations

from accreditation.standards import GENERAL_ITEMS_LEVEL, STATEMENTS


def seed(apps, schema_editor):
    StandardVersion = apps.get_model("accreditation", "StandardVersion")
    Domain = apps.get_model("accreditation", "Domain")
    LevelSettings = apps.get_model("accreditation", "LevelSettings")
    for level, (title, domains) in STATEMENTS.items():
        if not StandardVersion.objects.filter(level=level).exists():
            standard = StandardVersion.objects.create(
                level=level, version=1, title=title, change_note="As first published."
            )
            Domain.objects.bulk_create(
                Domain(standard=standard, key=key, position=i, title=heading)
                for i, (key, heading) in enumerate(domains, start=1)
            )
        LevelSettings.objects.get_or_create(level=level, defaults={"general_items_level": GENERAL_ITEMS_LEVEL[level]})


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0001_standards_endorsement_and_assessment")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
