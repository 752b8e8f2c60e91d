"""Creating agencies and users (used by the CLI, the admin and the demo)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from csphub.errors import CsphubError, NotFoundError

from .models import Agency, Membership, Role


def find_agency(name_or_id: str) -> Agency:
    """An agency by exact name (case-insensitive) or id."""
    agency = Agency.objects.filter(name__iexact=name_or_id).first()
    if agency is None and name_or_id.isdigit():
        agency = Agency.objects.filter(pk=int(name_or_id)).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("name", flat=True)) or "none yet"
        raise NotFoundError(f"No agency called {name_or_id!r}. Known agencies: {known}.")
    return agency


def add_agency(name: str, kind: str) -> Agency:
    if kind not in Agency.Kind.values:
        raise CsphubError(f"Unknown agency kind {kind!r}; expected one of {', '.join(Agency.Kind.values)}.")
    if Agency.objects.filter(name__iexact=name).exists():
        raise CsphubError(f"An agency called {name!r} already exists.")
    return Agency.objects.create(name=name, kind=kind)


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
) -> object:
    """Create a user with their agency and role. The password must pass the validators."""
    if role not in Role.values:
        raise CsphubError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise CsphubError(f"A user called {username!r} already exists.")
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise CsphubError("Password refused: " + " ".join(e.messages)) from e
    user.set_password(password)
    user.is_staff = role == Role.PARTNERSHIP_ADMIN
    user.save()
    Membership.objects.create(user=user, agency=agency, role=role)
    return user
