from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, organisations and roles"

    def ready(self):
        # Importing registers the platform's nav items, signal handlers and job handlers.
        from . import exports, home, signals  # noqa: F401
