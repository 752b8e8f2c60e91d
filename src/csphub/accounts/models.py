"""Agencies of the partnership, each user's agency and role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

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
    #: Its users sign in with a code from an authenticator app as well as their password
    #: (unless CSPHUB_MFA=off, which production refuses). See csphub.accounts.mfa.
    mfa_required = models.BooleanField(
        "two-factor sign-in required", default=True,
        help_text="Users of this agency must enter a code from an authenticator app at sign-in.")

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
#: A token's last use is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(hours=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _default_expiry() -> Any:
    return timezone.now() + timedelta(days=getattr(settings, "CSPHUB_TOKEN_DAYS", 90))


class ApiToken(models.Model):
    """A bearer token for the API, with a name, a scope and an expiry. Only its SHA-256 digest
    is stored; the token itself is shown once, when it is made.

    Examples:
        >>> raw = ApiToken.issue(user, name="Nightly export", scope="read", days=30)  # doctest: +SKIP
        >>> ApiToken.active(raw).allows("POST")  # doctest: +SKIP
        False
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only (GET)"
        WRITE = "write", "Read and change"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. 'Power BI export'.")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True)
    created_on = models.DateTimeField(default=timezone.now)
    expires_on = models.DateTimeField(default=_default_expiry)
    last_used_on = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.name or 'API token'} #{self.pk} ({self.scope})"

    @classmethod
    def make(cls, user: Any, *, name: str = "", scope: str = Scope.READ, days: int | None = None
             ) -> tuple[ApiToken, str]:
        """Create a token for ``user``: the saved record and the token itself, which cannot be
        shown again. It expires after ``days`` (default CSPHUB_TOKEN_DAYS, 90)."""
        if scope not in cls.Scope.values:
            raise ValueError(f"scope must be one of {', '.join(cls.Scope.values)}, not {scope!r}")
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = _default_expiry() if days is None else timezone.now() + timedelta(days=days)
        token = cls.objects.create(user=user, name=name[:100], scope=scope, digest=_digest(raw), expires_on=expires)
        return token, raw

    @classmethod
    def issue(cls, user: Any, *, name: str = "", scope: str = Scope.WRITE, days: int | None = None) -> str:
        """Create a token for ``user`` and return it. Code (scripts, tests) gets a write token by
        default; people making one (``csphub token create``, the tokens page) get read unless
        they ask for write."""
        return cls.make(user, name=name, scope=scope, days=days)[1]

    @classmethod
    def active(cls, raw: str) -> ApiToken | None:
        """The token ``raw`` if it is neither revoked nor expired and its user is active, else None.
        Notes its use (at most once an hour, so a busy client does not write on every request)."""
        now = timezone.now()
        token = (
            cls.objects.select_related("user__membership__agency")  # what every API request reads next
            .filter(digest=_digest(raw), revoked_on__isnull=True, expires_on__gt=now, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        if token.last_used_on is None or now - token.last_used_on >= LAST_USED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_on=now)
            token.last_used_on = now
        return token

    @classmethod
    def user_for(cls, raw: str) -> object | None:
        """The active user a token belongs to, or None."""
        token = cls.active(raw)
        return token.user if token else None

    def allows(self, method: str) -> bool:
        """Whether this token may make a request with ``method``: read tokens only GET/HEAD/OPTIONS."""
        return self.scope == self.Scope.WRITE or method.upper() in ("GET", "HEAD", "OPTIONS")

    @property
    def status(self) -> str:
        if self.revoked_on is not None:
            return "revoked"
        return "expired" if self.expires_on <= timezone.now() else "active"
