from django.apps import AppConfig


class CctvConfig(AppConfig):
    name = "csphub.cctv"
    label = "cctv"
    verbose_name = "CCTV estate"
    default_auto_field = "django.db.models.BigAutoField"
