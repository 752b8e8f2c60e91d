"""The Django project: migrations apply on this database (SQLite or PostgreSQL), and every page
carries the security headers and content security policy; logins are throttled."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_migrations_apply_on_the_configured_database():
    tables = connection.introspection.table_names()
    assert "auth_user" in tables and "axes_accessattempt" in tables
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_pages_carry_security_headers_and_csp(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_logins_are_throttled_after_five_failures(client, django_user_model):
    django_user_model.objects.create_user("officer", password="a-long-Passw0rd-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "officer", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "officer", "password": "a-long-Passw0rd-123"})
    assert locked.status_code == 429


def test_passwords_use_argon2_and_sessions_expire():
    from csphub.config.settings import common

    assert common.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert common.SESSION_COOKIE_AGE == 8 * 60 * 60 and common.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.django_db
def test_govuk_frontend_is_served_from_the_package_with_no_collectstatic(client):
    # `csphub serve` relies on WhiteNoise finding the vendored GOV.UK Frontend in the package.
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and b".govuk-button" in b"".join(css.streaming_content)
    page = client.get("/login/").content.decode()
    assert "/static/govuk/govuk-frontend.min.css" in page and "govuk-button" in page
