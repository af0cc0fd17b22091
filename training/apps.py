from django.apps import AppConfig
from django.db.models.signals import post_migrate

SCHEDULE_MODELS = ("Enrolment", "Programme", "SupervisionSession", "Review", "Pause", "ProtectedTime", "CaseloadMonth")


def _state_matches_models(state_apps) -> bool:
    """Whether the migrated schema has every column the schedule's models (as the code now is) read."""
    from django.apps import apps as current

    for name in SCHEDULE_MODELS:
        try:
            migrated = {f.name for f in state_apps.get_model("training", name)._meta.get_fields()}
        except LookupError:
            return False
        if not {f.name for f in current.get_model("training", name)._meta.concrete_fields} <= migrated:
            return False
    return True


def _store_outdated_schedules(sender, using, apps=None, **kwargs):
    """After migrate, re-derive the stored schedule dates that older rules (or none) derived: here, not in a data
    migration, because they come from the rules as they are now, with the models as they are now."""
    if apps is not None and not _state_matches_models(apps):
        return  # a partial or backwards migrate: the models below would ask for columns not there yet
    from .services.common import store_outdated_schedules

    store_outdated_schedules(using=using)


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Early career"

    def ready(self):
        from . import funding, home, rules  # noqa: F401  registers nav, home sections, permissions and the PDF job

        post_migrate.connect(_store_outdated_schedules, sender=self, dispatch_uid="training.store_outdated_schedules")
