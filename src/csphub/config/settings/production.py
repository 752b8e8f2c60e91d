"""Production settings: no defaults for secrets, HTTPS only."""

from __future__ import annotations

import os

from csphub.errors import ConfigurationError

from .common import *  # noqa: F403

try:
    SECRET_KEY = os.environ["CSPHUB_SECRET_KEY"]
except KeyError as e:
    raise ConfigurationError("CSPHUB_SECRET_KEY must be set in production") from e
if "DATABASE_URL" not in os.environ:
    raise ConfigurationError("DATABASE_URL must be set in production (PostgreSQL)")

DEBUG = False
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
