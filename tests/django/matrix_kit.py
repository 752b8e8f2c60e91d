"""What every row of the permission matrix is made of: the roles and relations, the rules, the
world, and the Exercise/Read/Shown rows. ``test_permission_matrix`` builds the casework world and
rows; each other domain adds its own in a ``matrix_<domain>.py`` module beside it, found by name,
which defines ``RULES``, ``PAGES`` and ``API_ROUTES`` (dicts merged into the matrix), optionally
``MORE_EXERCISES`` (route -> exercises added to a row another module defines, e.g. an export of
an existing page by its query string) and ``add_records(world)`` (called at the end of ``build_world`` to add that domain's records, and
any permission grants its rules assume, to the same world).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpResponse

ROLES = ("officer", "supervisor", "analyst", "agency_admin", "partnership_admin")
RELATIONS = ("lead", "shared", "referred", "panel", "none")
CASEWORK = frozenset({"officer", "supervisor"})
CASE_VIEW = CASEWORK | {"analyst"}
ON_CASE = frozenset({"lead", "shared"})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# ---- Rules: who may do what, by role and relation -----------------------------------------

ALLOWED = "allowed"  # else the refusal's status: 403 (may know it exists) or 404 (as if absent)
Outcome = str | int


def sees(roles: frozenset[str] | set[str], relations: frozenset[str] | set[str]) -> Callable[[str, str], Outcome]:
    """Allowed for those roles in those relations; 404 for everyone else."""
    return lambda role, relation: ALLOWED if role in roles and relation in relations else 404


def role_only(roles: frozenset[str] | set[str]) -> Callable[[str, str], Outcome]:
    """Allowed for those roles whatever their agency; 403 for other roles."""
    return lambda role, relation: ALLOWED if role in roles else 403


def _case_change(role: str, relation: str) -> Outcome:
    if relation in ON_CASE and role in CASEWORK:
        return ALLOWED
    return 403 if relation in ON_CASE and role == "analyst" else 404


def _case_manage(role: str, relation: str) -> Outcome:
    if relation == "lead" and role in CASEWORK:
        return ALLOWED
    return 403 if relation in ON_CASE and role in CASE_VIEW else 404


def _referral_answer(role: str, relation: str) -> Outcome:
    if role in CASEWORK and relation == "referred":
        return ALLOWED
    return 403 if role in CASEWORK and relation in ON_CASE else 404


RULES: dict[str, Callable[[str, str], Outcome]] = {
    "case_view": sees(CASE_VIEW, ON_CASE),
    "case_change": _case_change,
    "case_manage": _case_manage,
    "person": sees(CASEWORK, {"lead", "shared", "referred", "panel"}),
    "case_person": sees(CASEWORK, ON_CASE),  # someone on the case who was not referred anywhere
    "referral_view": sees(CASEWORK, {"lead", "shared", "referred"}),
    "referral_answer": _referral_answer,
    "referred_to": sees(CASEWORK, {"referred"}),
    "panel_member": sees(CASEWORK, {"lead", "panel"}),
    "case_review": sees(CASEWORK, ON_CASE),
    "attachment": sees(CASEWORK, ON_CASE),
    "alert_owner": sees({"supervisor"}, {"lead"}),
    "task_owner": sees({"officer"}, {"lead"}),
    "statistics": role_only({"analyst", "supervisor", "partnership_admin"}),
    "audit": role_only({"partnership_admin"}),
    "case_list": role_only(CASE_VIEW),
    "casework_role": role_only(CASEWORK),
    "signed_in": lambda role, relation: ALLOWED,
}


@dataclass
class World:
    agencies: dict[str, Any]
    users: dict[tuple[str, str], Any]
    tokens: dict[tuple[str, str], str]
    records: dict[str, Any]
    today: date

    def pk(self, key: str) -> int:
        return self.records[key].pk

    @property
    def lead_officer(self) -> Any:
        return self.users[("officer", "lead")]


Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Read:
    """A record an allowed GET must have audited (viewed, or listed by id) for the caller."""

    object_type: str
    record: str
    casework_only: bool = False  # people and free text: read by officers and supervisors only


@dataclass(frozen=True)
class Shown:
    """An item of a list: shown, and audited by id, to those its rule allows; absent for others."""

    rule: str
    object_type: str
    record: str
    shows: Callable[[HttpResponse, Any], bool]


@dataclass(frozen=True)
class Exercise:
    """One way of calling a route: its rule, method (pages; an API key has its own), path
    parameters (name -> world record), body, what an allowed GET must have audited, and the
    kind of record a 404 must be audited as refused."""

    rule: str
    method: str = "get"
    params: dict[str, str] = field(default_factory=dict)
    body: Body | None = None
    reads: tuple[Read, ...] = ()
    shown: tuple[Shown, ...] = ()
    refused: str = ""
    ok: int | None = None  # the status when allowed, when not the usual (GET 200, page POST 302, API POST 201)
    query: str = ""  # a query string for the call, e.g. "format=csv" (an export of the same route)
    multipart: bool = False  # an API upload: the body sent as multipart/form-data, not JSON


def href(template: str, attribute: str = "href") -> Callable[[HttpResponse, Any], bool]:
    return lambda response, record: f'{attribute}="{template.format(pk=record.pk)}"' in response.content.decode()


def text(words: str) -> Callable[[HttpResponse, Any], bool]:
    return lambda response, record: words in response.content.decode()


def audit_row(response: HttpResponse, entry: Any) -> bool:
    return f"{entry.object_type} {entry.object_id}" in response.content.decode()


def api_items(response: HttpResponse) -> list[Any]:
    """A list answer's rows: the envelope's ``items`` (casework lists) or the plain list."""
    body = response.json()
    return body["items"] if isinstance(body, dict) and "items" in body else body


def api_ids(response: HttpResponse, record: Any) -> bool:
    return record.pk in [item["id"] for item in api_items(response)]


def api_party(response: HttpResponse, person: Any) -> bool:
    return person.pk in [p["person_id"] for case in api_items(response) for p in case["parties"] or []]


CASE = {"pk": "case"}
CASE_ID = {"case_id": "case"}
CASE_READ = Read("case", "case")
PEOPLE_ON_CASE = (Read("person", "victim", casework_only=True), Read("person", "subject", casework_only=True))
VICTIM_READ = Read("person", "victim")


def form(rule: str, body: Body, params: dict[str, str] | None = None) -> tuple[Exercise, ...]:
    """A form on a case: the GET (a read of the case) and its POST."""
    params = params or CASE
    return (Exercise(rule, "get", params, reads=(CASE_READ,), refused="case"),
            Exercise(rule, "post", params, body=body, refused="case"))


def iso(d: date) -> str:
    return d.isoformat()
