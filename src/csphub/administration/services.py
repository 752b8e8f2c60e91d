"""User and agency administration, and API tokens, for the pages: each function takes the acting
user, asks csphub.access whether they may (and reads through it, audited), then changes the
record through csphub.accounts.services (which audits the change).

Who manages whom: an agency admin the users of their own agency (any role but partnership
admin); a partnership admin every user and the agencies; everyone their own API tokens. A user
the admin does not manage is "not found", as if absent, so no answer tells whether a username
exists. An admin cannot disable themselves or take away their own admin role (nobody would be
left to undo it).

Examples:
    >>> from csphub.administration import services  # doctest: +SKIP
    >>> services.change_role(admin, user.pk, "supervisor")  # doctest: +SKIP
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from csphub.access import policy, reads
from csphub.accounts import mfa
from csphub.accounts import services as accounts
from csphub.accounts.models import Agency, ApiToken, Role
from csphub.audit.services import Channel
from csphub.errors import CsphubError, PermissionRefused

NOT_AN_ADMIN = "User administration is for agency admins and partnership admins."


def _require_admin(admin: Any) -> None:
    if not policy.can_manage_users(admin):
        raise PermissionRefused(NOT_AN_ADMIN)


# ---- Users ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    """A user as the administration pages show them."""

    user: Any
    agency: str
    role: str
    mfa: str
    locked: bool
    live_tokens: int


def _lockouts(usernames: list[str]) -> set[str]:
    """Usernames locked out now by the sign-in throttle (django-axes), over the cool-off hour."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - timedelta(hours=float(getattr(settings, "AXES_COOLOFF_TIME", 1)))
    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 5))
    attempts = AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since,
                                            failures_since_start__gte=limit)
    return set(attempts.values_list("username", flat=True))


def user_list(admin: Any, *, agency_id: int | None = None, search: str = "", active: str = "") -> list[UserRow]:
    """The users ``admin`` manages (filtered), audited by the ids shown."""
    _require_admin(admin)
    found = reads.users(admin, purpose="user administration list").order_by("username")
    if agency_id:
        found = found.filter(membership__agency_id=agency_id)
    if search:
        found = found.filter(username__icontains=search) | found.filter(last_name__icontains=search)
    if active in ("yes", "no"):
        found = found.filter(is_active=active == "yes")
    return _rows(list(found[:500]))


def _rows(users: list[Any]) -> list[UserRow]:
    ids = [u.pk for u in users]
    states = mfa.states(users)
    live: dict[int, int] = {}
    for user_id in ApiToken.objects.filter(user_id__in=ids, revoked_on__isnull=True,
                                           expires_on__gt=timezone.now()).values_list("user_id", flat=True):
        live[user_id] = live.get(user_id, 0) + 1
    locked = _lockouts([u.username for u in users])
    rows = []
    for user in users:
        m = getattr(user, "membership", None)
        rows.append(UserRow(user, m.agency.name if m else "", m.get_role_display() if m else "", states[user.pk],
                            user.username in locked, live.get(user.pk, 0)))
    return rows


def user_detail(admin: Any, pk: object) -> dict[str, Any]:
    """One managed user with their tokens and what the admin may do to them."""
    _require_admin(admin)
    user = reads.user(admin, pk, purpose="user administration page")
    tokens = list(reads.api_tokens(admin, purpose="user administration page").filter(user=user))
    return {"row": _rows([user])[0], "target": user, "tokens": tokens,
            "roles": _role_choices(admin),
            "is_self": user.pk == admin.pk}


def new_user_choices(admin: Any) -> tuple[Any, list[tuple[str, str]]]:
    """The agencies and roles ``admin`` may give a new user (PermissionRefused for non-admins)."""
    _require_admin(admin)
    return policy.assignable_agencies(admin).order_by("name"), _role_choices(admin)


def _role_choices(admin: Any) -> list[tuple[str, str]]:
    return [(r, Role(r).label) for r in policy.assignable_roles(admin)]


def create_user(admin: Any, *, username: str, agency_id: int, role: str, first_name: str = "",
                last_name: str = "", email: str = "", base_url: str) -> tuple[Any, str]:
    """Create a user in an agency the admin may put users in; returns the user and a one-time
    link for them to choose their password (no password is ever typed by the admin)."""
    _require_admin(admin)
    agency = policy.assignable_agencies(admin).filter(pk=agency_id).first()
    if agency is None:
        raise PermissionRefused("You may add users to your own agency only.")
    if role not in policy.assignable_roles(admin):
        raise PermissionRefused("Only a partnership admin may make a partnership admin.")
    placeholder = secrets.token_urlsafe(32)  # replaced by the user through the link
    user = accounts.create_user(username, agency, role, placeholder, first_name=first_name, last_name=last_name,
                                email=email, check_password=False, by=admin, channel=Channel.WEB)
    return user, accounts.password_reset_link(user, base_url, by=admin, channel=Channel.WEB)


def _managed(admin: Any, pk: object, purpose: str) -> Any:
    _require_admin(admin)
    return reads.user(admin, pk, purpose=purpose)


def set_active(admin: Any, pk: object, active: bool) -> Any:
    user = _managed(admin, pk, "enable or disable a user")
    if user.pk == admin.pk and not active:
        raise CsphubError("You cannot disable yourself: ask another admin.")
    accounts.set_active(user, active, by=admin, channel=Channel.WEB)
    return user


def change_role(admin: Any, pk: object, role: str) -> Any:
    user = _managed(admin, pk, "change a user's role")
    if role not in policy.assignable_roles(admin):
        raise PermissionRefused("Only a partnership admin may make a partnership admin.")
    if user.pk == admin.pk and role not in (Role.AGENCY_ADMIN, Role.PARTNERSHIP_ADMIN):
        raise CsphubError("You cannot take away your own admin role: ask another admin.")
    accounts.set_role(user, role, by=admin, channel=Channel.WEB)
    return user


def reset_password(admin: Any, pk: object, *, base_url: str) -> str:
    """A one-time link (valid a day) for the user to choose a new password."""
    user = _managed(admin, pk, "reset a user's password")
    return accounts.password_reset_link(user, base_url, by=admin, channel=Channel.WEB)


def unlock(admin: Any, pk: object) -> int:
    user = _managed(admin, pk, "unlock a user")
    return accounts.unlock(username=user.username, by=admin, channel=Channel.WEB, user=user)


def reset_authenticator(admin: Any, pk: object) -> int:
    user = _managed(admin, pk, "remove a user's authenticator app")
    return accounts.reset_mfa(user, by=admin, channel=Channel.WEB)


def revoke_all_tokens(admin: Any, pk: object) -> int:
    user = _managed(admin, pk, "revoke a user's API tokens")
    return accounts.revoke_tokens_of(user, by=admin, channel=Channel.WEB)


# ---- Agencies ------------------------------------------------------------------------------


def agency_list(admin: Any) -> list[Agency]:
    if not policy.can_manage_agencies(admin):
        raise PermissionRefused("Agencies are managed by partnership admins.")
    return list(reads.agencies(admin, purpose="agency administration").order_by("name"))


def add_agency(admin: Any, *, name: str, kind: str, mfa_required: bool = True) -> Agency:
    if not policy.can_manage_agencies(admin):
        raise PermissionRefused("Agencies are managed by partnership admins.")
    agency = accounts.add_agency(name, kind, by=admin, channel=Channel.WEB)
    if not mfa_required:
        accounts.set_agency_mfa(agency, False, by=admin, channel=Channel.WEB)
    return agency


def set_agency_mfa(admin: Any, pk: object, required: bool) -> Agency:
    if not policy.can_manage_agencies(admin):
        raise PermissionRefused("Agencies are managed by partnership admins.")
    agency = reads.agency(admin, pk, purpose="agency two-factor setting")
    accounts.set_agency_mfa(agency, required, by=admin, channel=Channel.WEB)
    return agency


# ---- API tokens ----------------------------------------------------------------------------


def own_tokens(user: Any) -> list[ApiToken]:
    return list(reads.api_tokens(user, purpose="own api tokens page").filter(user=user))


def make_token(user: Any, *, name: str, scope: str, days: int) -> str:
    """A new token of the user's own, returned once."""
    return accounts.issue_token(user, name=name, scope=scope, days=days, by=user, channel=Channel.WEB)


def managed_tokens(admin: Any) -> Any:
    """The tokens of the users ``admin`` manages (and their own), newest first; audited when shown."""
    _require_admin(admin)
    return reads.api_tokens(admin, purpose="users' api tokens page").select_related("user__membership__agency")


def revoke_token(user: Any, pk: object) -> ApiToken:
    """Revoke a token of the user's own or of a user they manage; any other is "not found"."""
    token = reads.api_token(user, pk, purpose="revoke api token")
    return accounts.revoke_token(token, by=user, channel=Channel.WEB)
