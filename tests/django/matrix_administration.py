"""Permission-matrix rows for user, agency and API-token administration (csphub.administration).

An agency admin manages the users of their own agency (the lead agency's agency admin manages
officer.lead); a partnership admin manages everyone and the agencies; each user their own
tokens. A user or token the caller does not manage is a 404, as if absent; a non-admin asking
for an admin page is a 403.
"""

from __future__ import annotations

from typing import Any

from csphub.accounts.models import ApiToken

from .matrix_kit import ALLOWED, Exercise, Outcome, Read, Shown, World, href, role_only

ADMINS = frozenset({"agency_admin", "partnership_admin"})


def _admin_of_lead(role: str, relation: str) -> Outcome:
    """Manages officer.lead (a user of the lead agency)."""
    if role == "partnership_admin" or (role == "agency_admin" and relation == "lead"):
        return ALLOWED
    return 404 if role in ADMINS else 403


def _token_of_lead_officer(role: str, relation: str) -> Outcome:
    """officer.lead's own token: the owner, their agency admin, partnership admins."""
    if (role, relation) == ("officer", "lead") or _admin_of_lead(role, relation) == ALLOWED:
        return ALLOWED
    return 404


def _new_user_in_lead_agency(role: str, relation: str) -> Outcome:
    """Adding a user to the lead agency: its agency admin and partnership admins; another
    agency's admin is offered only their own agency, so the form says the choice is not one."""
    if _admin_of_lead(role, relation) == ALLOWED:
        return ALLOWED
    return 200 if role == "agency_admin" else 403


def _lead_officer_only(role: str, relation: str) -> Outcome:
    return ALLOWED if (role, relation) == ("officer", "lead") else 404


RULES = {
    "lead_officer_only": _lead_officer_only,
    "user_admin": role_only(ADMINS),
    "admin_of_lead": _admin_of_lead,
    "partnership_admin": role_only({"partnership_admin"}),
    "token_of_lead_officer": _token_of_lead_officer,
    "new_user_in_lead_agency": _new_user_in_lead_agency,
}


def add_records(world: World) -> None:
    officer = world.users[("officer", "lead")]
    world.records["officer_lead_user"] = officer
    world.records["officer_lead_token"] = ApiToken.objects.filter(user=officer).order_by("pk").first()
    world.records["agency_lead"] = world.agencies["lead"]


def _user_row(response: Any, user: Any) -> bool:
    return f'href="/administration/users/{user.pk}/"' in response.content.decode()


def _token_row(response: Any, token: Any) -> bool:
    return f'action="/account/tokens/{token.pk}/revoke/"' in response.content.decode()


USER = {"pk": "officer_lead_user"}

PAGES: dict[str, tuple[Exercise, ...]] = {
    "/account/tokens/": (
        Exercise("signed_in", shown=(Shown("lead_officer_only", "api_token", "officer_lead_token", _token_row),)),
        Exercise("signed_in", "post", body=lambda w: {"name": "Power BI export", "scope": "read", "days": "30"},
                 ok=200),
    ),
    "/account/tokens/<int:pk>/revoke/": (
        Exercise("token_of_lead_officer", "post", {"pk": "officer_lead_token"}, body=lambda w: {},
                 refused="api_token"),),
    "/administration/users/": (Exercise("user_admin", shown=(
        Shown("admin_of_lead", "user", "officer_lead_user", _user_row),)),),
    "/administration/users/new/": (
        Exercise("user_admin"),
        Exercise("new_user_in_lead_agency", "post", body=lambda w: {
            "username": "new.starter", "first_name": "New", "last_name": "Starter", "email": "",
            "agency": w.agencies["lead"].pk, "role": "officer"}),
    ),
    "/administration/users/<int:pk>/": (
        Exercise("admin_of_lead", params=USER, reads=(Read("user", "officer_lead_user"),), refused="user"),
        Exercise("admin_of_lead", "post", USER, body=lambda w: {"action": "unlock"}, refused="user"),
    ),
    "/administration/tokens/": (Exercise("user_admin", shown=(
        Shown("admin_of_lead", "api_token", "officer_lead_token", _token_row),)),),
    "/administration/agencies/": (
        Exercise("partnership_admin", shown=(
            Shown("partnership_admin", "agency", "agency_lead", href("/administration/users/?agency={pk}")),)),
        Exercise("partnership_admin", "post", body=lambda w: {"name": "Youth Offending Service", "kind": "council",
                                                              "mfa_required": "on"}),
    ),
    "/administration/agencies/<int:pk>/mfa/": (
        Exercise("partnership_admin", "post", {"pk": "agency_lead"}, body=lambda w: {"mfa_required": "no"}),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {}
