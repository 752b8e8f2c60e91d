"""A user's agency and role, and which roles do what (see docs/casework.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from csphub.accounts.models import Membership, Role

#: Roles that work cases: record on them, see who is involved and read what was written.
CASEWORK_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
#: Roles that may see that a case exists and its facts (type, status, dates, counts).
CASE_VIEW_ROLES = CASEWORK_ROLES | {Role.ANALYST}
STATISTICS_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.PARTNERSHIP_ADMIN})
AUDIT_ROLES = frozenset({Role.PARTNERSHIP_ADMIN})


def membership(user: Any) -> Membership | None:
    """The user's agency membership, or None (anonymous, inactive, or no agency)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "membership", None)


def role_of(user: Any) -> str | None:
    m = membership(user)
    return m.role if m else None


def agency_id_of(user: Any) -> int | None:
    m = membership(user)
    return m.agency_id if m else None


def works_cases(user: Any) -> bool:
    """Officers and supervisors: they see people and free text on the cases they may see."""
    return role_of(user) in CASEWORK_ROLES


def is_supervisor(user: Any) -> bool:
    return role_of(user) == Role.SUPERVISOR


def sensitive_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "CSPHUB_SENSITIVE_ROLES", (Role.OFFICER, Role.SUPERVISOR)))
