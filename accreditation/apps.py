from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accreditation pathway"

    def ready(self):
        from . import home, rules  # noqa: F401  registers nav, home sections and permissions
