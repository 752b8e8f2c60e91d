from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "csphub.panels"
    label = "panels"
    verbose_name = "Multi-agency panels"
