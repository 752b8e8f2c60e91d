"""Settings for the test suite: fast password hashing, any DATABASE_URL (SQLite or PostgreSQL)."""

from __future__ import annotations

from .common import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
