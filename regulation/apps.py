from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "regulation"
    verbose_name = "The register"

    def ready(self):
        from . import home, jobs, rules  # noqa: F401  registers nav, home sections, jobs and permissions
        from .courses import home as course_home  # noqa: F401
        from .courses import rules as course_rules  # noqa: F401
        from .courses import tasks as course_tasks  # noqa: F401
        from .transfer import jobs as transfer_jobs  # noqa: F401
        from .transfer import loading as transfer_loading  # noqa: F401
        from .transfer import rules as transfer_rules  # noqa: F401
