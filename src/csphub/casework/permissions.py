"""Who may see and change what: the one place that decides it.

Every page, API route, export and statistic asks these functions; none filters on its own.

- A case is visible to its lead agency and to the agencies added to it ("associated"), for
  roles that work cases (officer, supervisor) or analyse them (analyst).
- A person's details are visible only where that person is on a case the user's agency can see,
  or referred to a panel the user's agency sits on (or their own agency recorded the person),
  and only to roles that work cases: analysts see
  case facts, not who is involved.
- Sensitive vulnerability flags (mental health, substance misuse, exploitation, domestic
  abuse, self-harm) only to roles cleared for them (CSPHUB_SENSITIVE_ROLES).
- Agency and partnership admins manage users and agencies; they do not see casework unless
  they also hold a casework role (they don't: one role per user).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from csphub.accounts.models import Role

from .models import AsbCase, Person

CASE_VIEW_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ANALYST})
CASE_CHANGE_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
PERSON_VIEW_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
STATISTICS_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.PARTNERSHIP_ADMIN})
AUDIT_ROLES = frozenset({Role.PARTNERSHIP_ADMIN})


def membership(user: Any) -> Any | None:
    """The user's agency membership, or None (anonymous, or a user with no agency)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "membership", None)


def role_of(user: Any) -> str | None:
    m = membership(user)
    return m.role if m else None


def sensitive_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "CSPHUB_SENSITIVE_ROLES", (Role.OFFICER, Role.SUPERVISOR)))


def visible_cases(user: Any) -> QuerySet[AsbCase]:
    """Cases the user may see: led by or shared with their agency; none for other roles."""
    m = membership(user)
    if m is None or m.role not in CASE_VIEW_ROLES:
        return AsbCase.objects.none()
    agency_id = m.agency_id
    ids = AsbCase.objects.filter(Q(lead_agency_id=agency_id) | Q(agencies__id=agency_id)).values("id")
    return AsbCase.objects.filter(id__in=ids, archived_on__isnull=True)


def can_view_case(user: Any, case: AsbCase) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def can_change_case(user: Any, case: AsbCase) -> bool:
    """Officers and supervisors of an agency on the case may record on it; closed cases are read-only
    except to supervisors (who may re-open them)."""
    if role_of(user) not in CASE_CHANGE_ROLES or not can_view_case(user, case):
        return False
    return not case.is_closed or role_of(user) == Role.SUPERVISOR


def can_create_case(user: Any) -> bool:
    return role_of(user) in CASE_CHANGE_ROLES


def visible_people(user: Any) -> QuerySet[Person]:
    """People whose details the user may see: on a visible case, or recorded by their agency."""
    m = membership(user)
    if m is None or m.role not in PERSON_VIEW_ROLES:
        return Person.objects.none()
    from csphub.panels.permissions import visible_referrals  # panels build on casework

    on_visible_case = Q(case_roles__case__in=visible_cases(user))
    on_visible_panel = Q(panel_referrals__in=visible_referrals(user))
    ids = Person.objects.filter(on_visible_case | on_visible_panel | Q(recorded_by_agency_id=m.agency_id)).values("id")
    return Person.objects.filter(id__in=ids, archived_on__isnull=True)


def can_view_person(user: Any, person: Person) -> bool:
    return visible_people(user).filter(pk=person.pk).exists()


def can_see_person_details(user: Any) -> bool:
    """Whether the user's role may see who is on a case at all (analysts may not)."""
    return role_of(user) in PERSON_VIEW_ROLES


def can_see_sensitive_flags(user: Any) -> bool:
    return role_of(user) in sensitive_roles()


def visible_flags(user: Any, person: Person) -> list[Any]:
    """The person's vulnerability flags the user may see."""
    flags = list(person.flags.all())
    if can_see_sensitive_flags(user):
        return flags
    return [f for f in flags if not f.is_sensitive]


def can_view_statistics(user: Any) -> bool:
    return role_of(user) in STATISTICS_ROLES


def statistics_cases(user: Any) -> QuerySet[AsbCase]:
    """Cases counted in a user's statistics: partnership admins count all (aggregates only,
    no personal data); analysts and supervisors count the cases their agency can see."""
    if role_of(user) == Role.PARTNERSHIP_ADMIN:
        return AsbCase.objects.filter(archived_on__isnull=True)
    if role_of(user) in STATISTICS_ROLES:
        return visible_cases(user)
    return AsbCase.objects.none()


def can_view_audit(user: Any) -> bool:
    return role_of(user) in AUDIT_ROLES
