from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce returns and reports"

    def ready(self):
        from . import home, reports, rules  # noqa: F401  registers nav, home sections, job handlers, rules
