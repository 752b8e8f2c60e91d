from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "csphub.accounts"
    label = "accounts"
    verbose_name = "Agencies and users"
