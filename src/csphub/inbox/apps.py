from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "csphub.inbox"
    label = "inbox"
    verbose_name = "Partner inbox and notifications"
