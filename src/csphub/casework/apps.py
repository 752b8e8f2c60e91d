from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "csphub.casework"
    label = "casework"
    verbose_name = "ASB casework"
