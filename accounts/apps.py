from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, organisations and roles"

    def ready(self):
        from . import home, signals  # noqa: F401  (registers the platform's own nav items and signal handlers)
