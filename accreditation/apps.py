from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accreditation pathway"

    def ready(self):
        from . import home, home_certification, rules  # noqa: F401  registers nav, home sections and permissions
        from .services import certificates, decision, reissue  # noqa: F401  certificates and reissue register jobs

        decision.connect_signals()  # the register's removal orders revoke accreditations
