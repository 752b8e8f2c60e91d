"""Agencies, users and API tokens: creating them, disabling and re-enabling users, changing a
role, resetting a password, lifting a sign-in lockout (used by the CLI, the pages, the admin
and the demo). Every change is audited, by id.

Who may do which of these to whom is decided in csphub.access (policy.managed_users,
policy.api_tokens); the pages reach these through csphub.administration.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from csphub.audit.services import Action, Channel, record, record_list
from csphub.errors import CsphubError, NotFoundError, RuleRefused

from .models import Agency, ApiToken, Membership, Role


def agency_named(value: Agency | str, field: str = "agency") -> Agency:
    """An agency given as a record or by name (case-insensitive); RuleRefused naming ``field``
    if there is none. The one lookup every domain's forms and API routes use."""
    if isinstance(value, Agency):
        return value
    agency = Agency.objects.filter(name__iexact=value.strip()).first()
    if agency is None:
        raise RuleRefused("unknown_agency", f"No agency called {value!r}.", field)
    return agency


def find_agency(name_or_id: str) -> Agency:
    """An agency by exact name (case-insensitive) or id."""
    agency = Agency.objects.filter(name__iexact=name_or_id).first()
    if agency is None and name_or_id.isdigit():
        agency = Agency.objects.filter(pk=int(name_or_id)).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("name", flat=True)) or "none yet"
        raise NotFoundError(f"No agency called {name_or_id!r}. Known agencies: {known}.")
    return agency


def add_agency(name: str, kind: str, *, by: Any = None, channel: str = Channel.CLI) -> Agency:
    if kind not in Agency.Kind.values:
        raise CsphubError(f"Unknown agency kind {kind!r}; expected one of {', '.join(Agency.Kind.values)}.")
    if Agency.objects.filter(name__iexact=name).exists():
        raise CsphubError(f"An agency called {name!r} already exists.")
    agency = Agency.objects.create(name=name, kind=kind)
    record(by, Action.CREATED, "agency", agency.pk, channel=channel, summary=f"kind {kind}")
    return agency


@transaction.atomic
def create_user(
    username: str,
    agency: Agency,
    role: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
    by: Any = None,
    channel: str = Channel.CLI,
) -> Any:
    """Create a user with their agency and role. The password must pass the validators."""
    if role not in Role.values:
        raise CsphubError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise CsphubError(f"A user called {username!r} already exists.")
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    membership = Membership(user=user, agency=agency, role=role)  # the validators see the agency
    if check_password:
        _check_password(password, user)
    user.set_password(password)
    user.is_staff = role == Role.PARTNERSHIP_ADMIN
    user.save()
    membership.user = user
    membership.save()
    record(by, Action.CREATED, "user", user.pk, channel=channel, summary=f"role {role}, agency {agency.pk}")
    return user


def _check_password(password: str, user: Any) -> None:
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise CsphubError("Password refused: " + " ".join(e.messages)) from e


# ---- Users ----------------------------------------------------------------------------------


def find_user(username: str) -> Any:
    """A user by exact username (the CLI's administrators may know which exist)."""
    user = get_user_model().objects.select_related("membership__agency").filter(username=username).first()
    if user is None:
        raise NotFoundError(f"No user called {username!r}.")
    return user


def users(agency: Agency | None = None) -> QuerySet[Any]:
    found = get_user_model().objects.select_related("membership__agency").order_by("username")
    return found.filter(membership__agency=agency) if agency is not None else found


def set_active(user: Any, active: bool, *, by: Any = None, channel: str = Channel.CLI) -> None:
    """Disable (or re-enable) a user: a disabled user cannot sign in, their open sessions end at
    their next request, and their API tokens stop working (they are not revoked, so enabling
    the user again brings back the ones still in date)."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(by, Action.CHANGED, "user", user.pk, channel=channel, summary="enabled" if active else "disabled")


@transaction.atomic
def set_role(user: Any, role: str, *, by: Any = None, channel: str = Channel.CLI) -> None:
    """Change a user's role in their agency (only partnership admins get the admin site)."""
    if role not in Role.values:
        raise CsphubError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.")
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        raise CsphubError(f"{user.username} has no agency; create users with `csphub user create`.")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    user.is_staff = role == Role.PARTNERSHIP_ADMIN or user.is_superuser
    user.save(update_fields=["is_staff"])
    record(by, Action.CHANGED, "user", user.pk, channel=channel, summary=f"role {before} -> {role}")


def set_password(user: Any, password: str, *, by: Any = None, channel: str = Channel.CLI) -> None:
    """Give the user a new password (which must pass the validators)."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(by, Action.CHANGED, "user", user.pk, channel=channel, summary="password set")


def password_reset_link(user: Any, base_url: str, *, by: Any = None, channel: str = Channel.CLI) -> str:
    """A link for the user to choose a new password: it works once, for PASSWORD_RESET_TIMEOUT
    (a day), and stops working when the password changes or the user signs in."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password-reset-confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    record(by, Action.CHANGED, "user", user.pk, channel=channel, summary="password reset link made")
    return base_url.rstrip("/") + path


def reset_mfa(user: Any, *, by: Any = None, channel: str = Channel.CLI) -> int:
    """Remove the user's authenticator app (a lost phone): they set up a new one at next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    record(by, Action.CHANGED, "user", user.pk, channel=channel, summary="authenticator app removed")
    return removed


def unlock(*, username: str | None = None, ip_address: str | None = None, by: Any = None,
           channel: str = Channel.CLI, user: Any = None) -> int:
    """Lift the sign-in lockouts of a username (from every address) or of an address (for every
    username); returns how many throttling records were removed. With ``user`` (the account the
    username is), the audit entry names that user by id, as every other change to a user does."""
    from axes.utils import reset

    if username is None and ip_address is None:
        raise CsphubError("Say which username or address to unlock.")
    removed = 0
    if username is not None:
        removed += reset(username=username)
    if ip_address is not None:
        removed += reset(ip=ip_address)
    if user is not None:
        record(by, Action.CHANGED, "user", user.pk, channel=channel,
               summary=f"unlocked: {removed} lockout record(s) removed")
    else:
        record(by, Action.CHANGED, "sign_in_lockout", "", channel=channel, summary=f"{removed} record(s) removed")
    return removed


# ---- API tokens -----------------------------------------------------------------------------


def issue_token(user: Any, *, name: str = "", scope: str = ApiToken.Scope.READ, days: int | None = None,
                by: Any = None, channel: str = Channel.CLI) -> str:
    """Make an API token for ``user`` and return it (shown once)."""
    if not user.is_active:
        raise CsphubError(f"{user.username} is disabled; enable them first.")
    token, raw = ApiToken.make(user, name=name, scope=scope, days=days)
    record(by, Action.CREATED, "api_token", token.pk, channel=channel,
           summary=f"scope {token.scope}, expires {token.expires_on:%Y-%m-%d}")
    return raw


def revoke_token(token: ApiToken, *, by: Any = None, channel: str = Channel.CLI) -> ApiToken:
    """Revoke ``token`` (whoever may do so has been decided by the caller: csphub.access for the
    pages, the system administrator for the CLI); revoking it twice changes nothing."""
    if token.revoked_on is None:
        token.revoked_on = timezone.now()
        token.save(update_fields=["revoked_on"])
        record(by, Action.CHANGED, "api_token", token.pk, channel=channel, summary="revoked")
    return token


def token_of(user: Any, token_id: int) -> ApiToken:
    """One of ``user``'s tokens by id (for the CLI), or NotFoundError."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFoundError(f"No API token {token_id} of {user.username}.")
    return token


def revoke_tokens_of(user: Any, *, by: Any = None, channel: str = Channel.CLI) -> int:
    """Revoke every token of ``user`` still in use; returns how many."""
    live = ApiToken.objects.filter(user=user, revoked_on__isnull=True)
    ids = list(live.values_list("pk", flat=True))
    live.update(revoked_on=timezone.now())
    if ids:
        record(by, Action.CHANGED, "api_token", "", channel=channel, summary=f"{len(ids)} revoked", object_ids=ids)
    return len(ids)


# ---- Listings for the CLI (system administration) ----------------------------------------


def set_agency_mfa(agency: Agency, required: bool, *, by: Any = None, channel: str = Channel.CLI) -> None:
    agency.mfa_required = required
    agency.save(update_fields=["mfa_required"])
    record(by, Action.CHANGED, "agency", agency.pk, channel=channel,
           summary="mfa required" if required else "mfa not required")


def user_rows(agency: Agency | None = None) -> list[dict[str, Any]]:
    """One row per user: username, name, agency, role, active, mfa, last_login, recent_failures."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    from . import mfa

    since = timezone.now() - timedelta(hours=1)
    failures = dict(AccessAttempt.objects.filter(attempt_time__gte=since).values("username")
                    .annotate(n=Sum("failures_since_start")).values_list("username", "n"))
    listed = list(users(agency))
    states = mfa.states(listed)
    rows = []
    for user in listed:
        m = getattr(user, "membership", None)
        state = states[user.pk]
        rows.append({"username": user.username, "name": user.get_full_name(), "agency": m.agency.name if m else "",
                     "role": m.role if m else "", "active": user.is_active, "mfa": state,
                     "last_login": user.last_login.isoformat(timespec="minutes") if user.last_login else "",
                     "recent_failures": failures.get(user.username, 0)})
    record_list(None, "user", [user.pk for user in listed], channel=Channel.CLI, purpose="csphub user list")
    return rows


def token_rows(user: Any = None, *, include_ended: bool = False) -> list[dict[str, Any]]:
    """One row per token (never the token): id, username, name, scope, dates, status."""
    tokens = ApiToken.objects.select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    if not include_ended:
        tokens = tokens.filter(revoked_on__isnull=True, expires_on__gt=timezone.now())
    shown = list(tokens)
    record_list(None, "api_token", [t.pk for t in shown], channel=Channel.CLI, purpose="csphub token list")

    def when(at: Any) -> str:
        return at.isoformat(timespec="minutes") if at else ""

    return [{"id": t.pk, "username": t.user.username, "name": t.name, "scope": t.scope,
             "created_on": when(t.created_on), "expires_on": when(t.expires_on),
             "last_used_on": when(t.last_used_on), "status": t.status} for t in shown]
