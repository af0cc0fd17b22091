from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _store_outdated_schedules(sender, using, apps=None, **kwargs):
    """After migrate, re-derive the stored schedule dates that older rules (or none) derived: here, not in a data
    migration, because they come from the rules as they are now, with the models as they are now."""
    if apps is not None:
        try:
            fields = {f.name for f in apps.get_model("training", "Enrolment")._meta.get_fields()}
        except LookupError:
            return
        if "schedule_version" not in fields:  # migrated backwards past it
            return
    from .services.common import store_outdated_schedules

    store_outdated_schedules(using=using)


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Early career"

    def ready(self):
        from . import funding, home, rules  # noqa: F401  registers nav, home sections, permissions and the PDF job

        post_migrate.connect(_store_outdated_schedules, sender=self, dispatch_uid="training.store_outdated_schedules")
