"""Production settings: no defaults for secrets, HTTPS only."""

from __future__ import annotations

from csphub.errors import ConfigurationError

from .common import *  # noqa: F403
from .common import CSPHUB

if CSPHUB.secret_key is None:
    raise ConfigurationError("CSPHUB_SECRET_KEY must be set in production")
if not CSPHUB.database_url_set:
    raise ConfigurationError("DATABASE_URL must be set in production (PostgreSQL)")
SECRET_KEY = CSPHUB.secret_key

DEBUG = False  # CSPHUB_DEBUG is ignored here
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
