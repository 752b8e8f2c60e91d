"""Start Django from the CLI or WSGI: pick the settings module from CSPHUB_ENV."""

from __future__ import annotations

import os
from pathlib import Path

from csphub.settings import load_settings


def configure_settings_module() -> None:
    """Point DJANGO_SETTINGS_MODULE at local, test or production settings unless already set.

    Loading the settings first means a bad CSPHUB_* value stops here with a
    ConfigurationError naming it, before Django imports its settings module.
    """
    environment = load_settings().environment
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"csphub.config.settings.{environment}")


def keep_private(data_dir: Path) -> None:
    """The data directory holds the casework database, attachments and the secret key: only its
    owner may read it (folders 0700, files 0600), now and for every file written from here on."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    for folder, folders, files in os.walk(data_dir):
        os.chmod(folder, 0o700)
        for name in folders:
            os.chmod(os.path.join(folder, name), 0o700)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)


def setup_django(migrate: bool = False) -> None:
    """Configure and start Django; optionally bring the database schema up to date."""
    configure_settings_module()
    keep_private(load_settings().data_dir)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
