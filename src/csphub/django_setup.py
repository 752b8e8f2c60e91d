"""Start Django from the CLI or WSGI: pick the settings module from CSPHUB_ENV."""

from __future__ import annotations

import os

from csphub.settings import load_settings


def configure_settings_module() -> None:
    """Point DJANGO_SETTINGS_MODULE at local, test or production settings unless already set.

    Loading the settings first means a bad CSPHUB_* value stops here with a
    ConfigurationError naming it, before Django imports its settings module.
    """
    environment = load_settings().environment
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"csphub.config.settings.{environment}")


def setup_django(migrate: bool = False) -> None:
    """Configure and start Django; optionally bring the database schema up to date."""
    configure_settings_module()
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
