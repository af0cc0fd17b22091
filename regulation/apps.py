from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "regulation"
