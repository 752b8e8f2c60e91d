"""create_* factories for the casework tests, with keyword defaults (no mocks, real database)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from csphub.accounts.models import Agency, ApiToken
from csphub.accounts.services import create_user as _create_user
from csphub.casework import services
from csphub.casework.models import AsbCase, CaseType, Person

_n = itertools.count(1)
PASSWORD = "a-long-Passw0rd-for-tests"


def create_agency(name: str | None = None, kind: str = "council") -> Agency:
    return Agency.objects.create(name=name or f"Agency {next(_n)}", kind=kind)


def create_user(role: str = "officer", agency: Agency | None = None, username: str | None = None) -> Any:
    return _create_user(username or f"user{next(_n)}", agency or create_agency(), role, PASSWORD,
                        check_password=False)


def create_token(user: Any) -> str:
    return ApiToken.issue(user)


def create_case(officer: Any, *, case_type: str = "Noise nuisance", summary: str = "Loud music at night",
                opened_on: date | None = None, **kwargs: Any) -> AsbCase:
    return services.open_case(officer, case_type=CaseType.objects.get_or_create(name=case_type)[0], summary=summary,
                              opened_on=opened_on or date(2026, 4, 1), **kwargs)


def create_person(officer: Any, *, first_name: str = "Sam", last_name: str = "Jones",
                  date_of_birth: date | None = date(1990, 1, 1), flags: list[str] | None = None,
                  **kwargs: Any) -> Person:
    return services.record_person(officer, first_name=first_name, last_name=last_name,
                                  date_of_birth=date_of_birth, flags=flags or [], **kwargs)
