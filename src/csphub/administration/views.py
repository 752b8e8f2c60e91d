"""Administration pages: users (an agency's, or everyone's), agencies, and API tokens.

Views parse, call one service (csphub.administration.services, which asks csphub.access),
render. Every page is wrapped in the page decorator by csphub.web.urls.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csphub.access import policy
from csphub.errors import CsphubError, PermissionRefused

from . import services
from .forms import ApiTokenForm, NewAgencyForm, NewUserForm, RoleForm


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def user_list(request: HttpRequest) -> HttpResponse:
    agency_id, search, active = _int(request.GET.get("agency")), request.GET.get("q", "")[:100], request.GET.get("active", "")
    rows = services.user_list(request.user, agency_id=agency_id, search=search, active=active)
    return render(request, "administration/user_list.html", {
        "title": "Users", "rows": rows, "search": search, "active": active, "agency_id": agency_id,
        "agencies": policy.assignable_agencies(request.user).order_by("name"),
        "can_manage_agencies": policy.can_manage_agencies(request.user)})


def user_new(request: HttpRequest) -> HttpResponse:
    agencies, roles = services.new_user_choices(request.user)
    form = NewUserForm(request.POST or None, agencies=agencies, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, link = services.create_user(
                request.user, username=data["username"], agency_id=data["agency"].pk, role=data["role"],
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                base_url=_base_url(request))
        except CsphubError as e:
            form.add_error("username", str(e))
        else:
            messages.success(request, f"{user.username} added. Give them this link to choose their password "
                                      f"(it works once, for a day): {link}")
            return redirect("admin-user", pk=user.pk)
    return render(request, "administration/form.html", {"title": "Add a user", "form": form, "button": "Add user",
                                                        "back": "/administration/users/"})


ACTIONS = ("disable", "enable", "role", "reset-password", "unlock", "reset-authenticator", "revoke-tokens")


def user_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One user: who they are, sign-in state, tokens; POST does one action (``action``)."""
    detail = services.user_detail(request.user, pk)
    role_form = RoleForm(roles=detail["roles"], initial={"role": detail["target"].membership.role
                                                           if hasattr(detail["target"], "membership") else ""})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            message = _do(request, pk, action)
        except PermissionRefused:
            raise  # a 403 page, audited, from the page decorator
        except CsphubError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, message)
        return redirect("admin-user", pk=pk)
    return render(request, "administration/user_detail.html", {
        "title": f"User {detail['target'].username}", **detail, "role_form": role_form})


def _do(request: HttpRequest, pk: int, action: str) -> str:
    admin = request.user
    if action == "disable":
        user = services.set_active(admin, pk, False)
        return f"{user.username} disabled: they cannot sign in and their API tokens stop working."
    if action == "enable":
        user = services.set_active(admin, pk, True)
        return f"{user.username} enabled."
    if action == "role":
        user = services.change_role(admin, pk, request.POST.get("role", ""))
        return f"{user.username} is now {user.membership.get_role_display()}."
    if action == "reset-password":
        link = services.reset_password(admin, pk, base_url=_base_url(request))
        return f"Give the user this link to choose a new password (it works once, for a day): {link}"
    if action == "unlock":
        return f"Sign-in unlocked ({services.unlock(admin, pk)} throttling record(s) removed)."
    if action == "reset-authenticator":
        services.reset_authenticator(admin, pk)
        return "Authenticator app removed: they set up a new one at their next sign-in."
    if action == "revoke-tokens":
        return f"{services.revoke_all_tokens(admin, pk)} API token(s) revoked."
    raise CsphubError(f"Unknown action {action[:40]!r}; expected one of {', '.join(ACTIONS)}.")


def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = services.agency_list(request.user)
    form = NewAgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.add_agency(request.user, **form.cleaned_data)
        except CsphubError as e:
            form.add_error("name", str(e))
        else:
            messages.success(request, f"{agency.name} added.")
            return redirect("admin-agencies")
    return render(request, "administration/agency_list.html", {"title": "Agencies", "agencies": agencies,
                                                               "form": form})


@require_POST
def agency_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    required = request.POST.get("mfa_required") == "yes"
    agency = services.set_agency_mfa(request.user, pk, required)
    messages.success(request, f"{agency.name}: two-factor sign-in {'required' if required else 'not required'}.")
    return redirect("admin-agencies")


# ---- API tokens ----------------------------------------------------------------------------


def tokens_page(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: list, make (shown once), revoke."""
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        new_token = services.make_token(request.user, **form.cleaned_data)
        form = ApiTokenForm()
    return render(request, "administration/tokens.html", {
        "title": "Your API tokens", "tokens": services.own_tokens(request.user), "form": form,
        "new_token": new_token, "is_admin": policy.can_manage_users(request.user), "api_docs": "/api/v1/docs"})


def user_tokens_page(request: HttpRequest) -> HttpResponse:
    """Agency admins: the API tokens of their agency's users; partnership admins: everyone's."""
    page = Paginator(services.managed_tokens(request.user), 100).get_page(request.GET.get("page"))
    return render(request, "administration/user_tokens.html", {"title": "Your users' API tokens", "page": page})


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token of the user's own, or (admins) of one of their users."""
    token = services.revoke_token(request.user, pk)
    messages.success(request, f"Revoked {token.name or 'the token'}; it no longer works.")
    return redirect("account-tokens" if token.user_id == request.user.pk else "account-user-tokens")
