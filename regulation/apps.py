from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "regulation"
    verbose_name = "The register"

    def ready(self):
        from . import home, jobs, rules  # noqa: F401  registers nav, home sections, jobs and permissions
