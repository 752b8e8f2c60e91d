"""Settings for the test suite: fast password hashing, any DATABASE_URL (SQLite or PostgreSQL)."""

from __future__ import annotations

from .common import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor sign-in off unless a test turns it on (settings.CSPHUB_MFA_REQUIRED = True): most
# tests sign in with client.force_login. tests/django/test_accounts.py tests the real flow.
CSPHUB_MFA_REQUIRED = False
# Every planned read (csphub.core.plans) also compiled afresh and compared with its kept plan.
CSPHUB_CHECK_PLANS = True
