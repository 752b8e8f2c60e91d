"""Start Django from the CLI or WSGI: pick the settings module from CSPHUB_ENV."""

from __future__ import annotations

import os


def configure_settings_module() -> None:
    """Point DJANGO_SETTINGS_MODULE at local, test or production settings unless already set."""
    environment = os.environ.get("CSPHUB_ENV", "local")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"csphub.config.settings.{environment}")


def setup_django(migrate: bool = False) -> None:
    """Configure and start Django; optionally bring the database schema up to date."""
    configure_settings_module()
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
