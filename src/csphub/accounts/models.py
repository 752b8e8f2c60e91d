"""Agencies of the partnership, each user's agency and role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Agency(models.Model):
    """A partner organisation or team: a council team, the police, a housing provider..."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council team"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"
        HOUSING = "housing", "Housing provider"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        VOLUNTARY = "voluntary", "Voluntary sector"
        GOVERNMENT = "government", "Other public body (e.g. DWP)"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_on = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a user does; what each role may do is decided in csphub.access."""

    OFFICER = "officer", "Officer"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"
    AGENCY_ADMIN = "agency_admin", "Agency admin"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"


class Membership(models.Model):
    """A user's agency and role. Every user of CSP Hub has exactly one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.agency})"


TOKEN_PREFIX = "csphub_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_on = models.DateTimeField(default=timezone.now)
    last_used_on = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, user: object) -> str:
        """Create a token for ``user`` and return it; it cannot be shown again."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=_digest(raw))
        return raw

    @classmethod
    def user_for(cls, raw: str) -> object | None:
        """The active user a token belongs to, or None."""
        token = (
            cls.objects.select_related("user")
            .filter(digest=_digest(raw), revoked_on__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_on=timezone.now())
        return token.user
