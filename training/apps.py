from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Early career"

    def ready(self):
        from . import funding, home, rules  # noqa: F401  registers nav, home sections, permissions and the PDF job
