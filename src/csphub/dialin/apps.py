from django.apps import AppConfig


class DialInConfig(AppConfig):
    name = "csphub.dialin"
    label = "dialin"
    verbose_name = "Daily Dial In, operations and places"
