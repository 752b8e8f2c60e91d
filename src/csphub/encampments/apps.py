from django.apps import AppConfig


class EncampmentsConfig(AppConfig):
    name = "csphub.encampments"
    label = "encampments"
    verbose_name = "Unauthorised encampments and tents"
