from django.db import migrations

# The programme definitions as they were when first seeded; later changes are made as data by regulator staff.
from training.programme_data import PROGRAMMES


def seed(apps, schema_editor):
    Programme = apps.get_model("training", "Programme")
    for spec in PROGRAMMES:
        Programme.objects.update_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("training", "Programme").objects.filter(code__in=[p["code"] for p in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_early_career")]

    operations = [migrations.RunPython(seed, unseed)]
