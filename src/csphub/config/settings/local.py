"""Settings for a laptop: the embedded defaults, a secret key generated once per data dir."""

from __future__ import annotations

import secrets

from .common import *  # noqa: F403
from .common import CSPHUB


def _local_secret_key() -> str:
    """Use CSPHUB_SECRET_KEY if set, else a random key kept in the data directory."""
    if CSPHUB.secret_key is not None:
        return CSPHUB.secret_key
    path = CSPHUB.data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
DEBUG = CSPHUB.debug
