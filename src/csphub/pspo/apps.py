from django.apps import AppConfig


class PspoConfig(AppConfig):
    name = "csphub.pspo"
    label = "pspo"
    verbose_name = "Public Spaces Protection Orders"
