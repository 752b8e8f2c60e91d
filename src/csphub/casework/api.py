"""The REST API under /api/v1/: token auth, the same permissions and services as the pages.

OpenAPI schema at /api/v1/openapi.json, interactive docs at /api/v1/docs. A case the caller
may not see answers 404, as if it did not exist. Every error has one JSON shape:
``{"error": {"code": "...", "message": "...", "details": [...]}}``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import wraps
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import AfterValidator

from csphub.accounts.models import Agency, ApiToken
from csphub.audit.services import Action, Channel, record, record_list
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import permissions, rules, services
from .models import (
    AsbCase,
    CaseStatus,
    CaseType,
    ConsentToShare,
    Incident,
    Intervention,
    PartyRole,
    Person,
    Referral,
    Task,
    VulnerabilityFlag,
)

API = Channel.API
MAX_ID = 2**53


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them as bad input, not a server error.
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
DATE_RANGE = f"{EARLIEST} to {LATEST}"


def _in_range(value: date) -> date:
    # Far dates are bad input, not a server error: the services add days and months to them.
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"dates must be from {DATE_RANGE}")
    return value


def _in_range_utc(value: datetime) -> datetime:
    # Checked before converting (which could overflow); kept in UTC, as PostgreSQL only stores
    # offsets up to 15:59 and Python allows up to 23:59.
    _in_range(value.date())
    return value.astimezone(UTC) if timezone.is_aware(value) else value


Day = Annotated[date, Field(description=DATE_RANGE), AfterValidator(_in_range)]
Moment = Annotated[datetime, Field(description=f"{DATE_RANGE}; without an offset, UK time"),
                   AfterValidator(_in_range_utc)]


Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if len(token) > 200:
            return None
        user = ApiToken.user_for(token)
        if user is None:
            return None
        request.user = user  # so history rows and audit entries name the caller
        return user


class CsphubAPI(NinjaAPI):
    """NinjaAPI whose 405 (a method the path does not have) also has the one error shape;
    ninja itself answers it in plain text, outside the exception handlers."""

    def _get_urls(self) -> list[Any]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return patterns


def _json_not_allowed(view: Any) -> Any:
    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _error(request, 405, "method_not_allowed",
                              f"{request.method} is not allowed here; allowed: {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapper


api = CsphubAPI(
    title="CSP Hub API",
    version="1",
    description=__doc__,
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorOut(Schema):
    error: ErrorBody


def _error(request: HttpRequest, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "details": details or []}}, status=status)


@api.exception_handler(NotFoundError)
def _not_found(request: HttpRequest, exc: NotFoundError) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc))


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionRefused)
def _refused(request: HttpRequest, exc: PermissionRefused) -> HttpResponse:
    record(getattr(request, "auth", None), Action.REFUSED, "api", request.path, channel=API, summary=str(exc))
    return _error(request, 403, "permission_refused", str(exc))


@api.exception_handler(RuleRefused)
def _rule(request: HttpRequest, exc: RuleRefused) -> HttpResponse:
    details = [{"rule": exc.rule, "message": exc.reason, "field": exc.field}]
    details += [{"rule": r, "message": m, "field": f} for r, m, f in exc.others]
    return _error(request, 422, exc.rule, exc.reason, details)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, "invalid_input", "The request did not match what was expected.", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Send a valid API token: 'Authorization: Bearer <token>'.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


# ---- Schemas --------------------------------------------------------------------------

class FlagOut(Schema):
    kind: str
    label: str


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str
    email: str
    address: str
    postcode: str
    consent_to_share: str
    flags: list[FlagOut]


class PersonIn(Schema):
    first_name: text(100)  # type: ignore[valid-type]
    last_name: text(100)  # type: ignore[valid-type]
    date_of_birth: Day | None = None
    phone: text(40) = ""  # type: ignore[valid-type]
    email: text(254) = ""  # type: ignore[valid-type]
    address: text(300) = ""  # type: ignore[valid-type]
    postcode: text(10) = ""  # type: ignore[valid-type]
    consent_to_share: ConsentToShare = ConsentToShare.NOT_ASKED
    flags: list[VulnerabilityFlag.Kind] = []


class PartyOut(Schema):
    person_id: int
    role: str
    name: str | None = None


class PartyIn(Schema):
    person_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    role: PartyRole


class CaseOut(Schema):
    id: int
    reference: str
    case_type: str
    summary: str
    lead_agency: str
    shared_with: list[str]
    status: str
    outcome: str
    opened_on: date
    closed_on: date | None
    next_review_on: date | None
    ward_code: str
    ward_name: str
    parties: list[PartyOut] | None = Field(None, description="Omitted for roles that may not see who is involved")


class CaseIn(Schema):
    case_type: text(100)  # type: ignore[valid-type]
    summary: text(5000)  # type: ignore[valid-type]
    opened_on: Day | None = None
    next_review_on: Day | None = None


class CasePatch(Schema):
    status: CaseStatus
    outcome: text(20) = ""  # type: ignore[valid-type]


class IncidentOut(Schema):
    id: int
    occurred_at: datetime
    description: str
    reported_by_agency: str
    reported_on: date
    is_hate: bool


class IncidentIn(Schema):
    occurred_at: Moment
    description: text(5000)  # type: ignore[valid-type]
    reported_by_agency: text(200) | None = None  # type: ignore[valid-type]
    reported_on: Day | None = None
    is_hate: bool = False


class InterventionOut(Schema):
    id: int
    kind: str
    label: str
    person_id: int | None
    premises: str
    conduct: str
    written: bool
    issued_on: date
    expires_on: date | None
    amount: int | None
    issuing_agency: str
    outcome: str


KindChoice = Annotated[str, Field(json_schema_extra={"enum": list(rules.INTERVENTION_KINDS)})]


class InterventionIn(Schema):
    kind: KindChoice
    issued_on: Day
    person_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    conduct: text(2000) = ""  # type: ignore[valid-type]
    written: bool = True
    premises: text(300) = ""  # type: ignore[valid-type]
    expires_on: Day | None = None
    amount: Annotated[int, Field(ge=0, le=100_000)] | None = None


class ReferralOut(Schema):
    id: int
    case_id: int
    to_agency: str
    service: str
    person_id: int | None
    reason: str
    consent_obtained: bool
    status: str
    sent_on: date
    responded_on: date | None
    outcome: str


class ReferralIn(Schema):
    to_agency: text(200)  # type: ignore[valid-type]
    reason: text(5000)  # type: ignore[valid-type]
    service: text(200) = ""  # type: ignore[valid-type]
    person_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    consent_obtained: bool = False


class ReferralPatch(Schema):
    status: Referral.Status
    outcome: text(5000) = ""  # type: ignore[valid-type]


class TaskOut(Schema):
    id: int
    case_id: int
    title: str
    owner: str
    due_on: date
    done_on: date | None
    overdue: bool


class TaskIn(Schema):
    title: text(300)  # type: ignore[valid-type]
    owner: text(150)  # type: ignore[valid-type]
    due_on: Day


# ---- Converters ------------------------------------------------------------------------

def person_out(user: Any, person: Person) -> dict[str, Any]:
    return {
        "id": person.pk, "first_name": person.first_name, "last_name": person.last_name,
        "date_of_birth": person.date_of_birth, "phone": person.phone, "email": person.email,
        "address": person.address, "postcode": person.postcode, "consent_to_share": person.consent_to_share,
        "flags": [{"kind": f.kind, "label": f.get_kind_display()} for f in permissions.visible_flags(user, person)],
    }


def case_out(user: Any, case: AsbCase) -> dict[str, Any]:
    out = {
        "id": case.pk, "reference": case.reference, "case_type": case.case_type.name, "summary": case.summary,
        "lead_agency": case.lead_agency.name, "shared_with": [a.name for a in case.agencies.all()],
        "status": case.status, "outcome": case.outcome, "opened_on": case.opened_on, "closed_on": case.closed_on,
        "next_review_on": case.next_review_on,
        "ward_code": case.location.ward_code if case.location else "",
        "ward_name": case.location.ward_name if case.location else "",
        "parties": None,
    }
    if permissions.can_see_person_details(user):
        out["parties"] = [{"person_id": p.person_id, "role": p.role, "name": p.person.full_name}
                          for p in case.parties.select_related("person")]
    return out


def intervention_out(i: Intervention) -> dict[str, Any]:
    return {"id": i.pk, "kind": i.kind, "label": i.get_kind_display(), "person_id": i.person_id,
            "premises": i.premises, "conduct": i.conduct, "written": i.written, "issued_on": i.issued_on,
            "expires_on": i.expires_on, "amount": i.amount, "issuing_agency": i.issuing_agency.name, "outcome": i.outcome}


def referral_out(r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "case_id": r.case_id, "to_agency": r.to_agency.name, "service": r.service,
            "person_id": r.person_id, "reason": r.reason, "consent_obtained": r.consent_obtained,
            "status": r.status, "sent_on": r.sent_on, "responded_on": r.responded_on, "outcome": r.outcome}


def task_out(t: Task) -> dict[str, Any]:
    return {"id": t.pk, "case_id": t.case_id, "title": t.title, "owner": t.owner.username, "due_on": t.due_on,
            "done_on": t.done_on, "overdue": t.is_overdue}


def _agency_named(name: str) -> Agency:
    agency = Agency.objects.filter(name__iexact=name).first()
    if agency is None:
        raise RuleRefused("unknown_agency", f"No agency called {name!r}.", "agency")
    return agency


def _person_for(user: Any, person_id: int | None) -> Person | None:
    return services.get_person(user, person_id, channel=API, audit=False) if person_id else None


def _case(request: HttpRequest, case_id: int, audit: bool = False, change: bool = False) -> AsbCase:
    """The case if visible (else 404); with change=True, also refuse (403) if the caller may not
    record on it, before anything else in the request is looked at."""
    case = services.get_case(request.auth, case_id, channel=API, audit=audit)
    if change:
        services.require_change(request.auth, case)
    return case


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

# ---- Cases -----------------------------------------------------------------------------

cases = Router(tags=["cases"])


@cases.get("/", response={200: list[CaseOut], **ERRORS}, summary="Cases the caller's agency can see")
def list_cases(request: HttpRequest, status: CaseStatus | None = None,
               limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ID)) -> Any:
    user = request.auth
    found = permissions.visible_cases(user).select_related("case_type", "lead_agency", "location")
    if status:
        found = found.filter(status=status)
    page = list(found[offset:offset + limit])
    record_list(user, "case", [c.pk for c in page], channel=API, summary="api case list")
    return [case_out(user, c) for c in page]


@cases.post("/", response={201: CaseOut, **ERRORS}, summary="Open a case led by the caller's agency")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    case_type = CaseType.objects.filter(name__iexact=payload.case_type, is_active=True).first()
    if case_type is None:
        known = ", ".join(CaseType.objects.filter(is_active=True).values_list("name", flat=True))
        raise RuleRefused("unknown_case_type", f"No case type {payload.case_type!r}; known: {known}.", "case_type")
    case = services.open_case(request.auth, case_type=case_type, summary=payload.summary,
                              opened_on=payload.opened_on, next_review_on=payload.next_review_on, channel=API)
    return Status(201, case_out(request.auth, case))


@cases.get("/{case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: HttpRequest, case_id: Id) -> Any:
    case = _case(request, case_id, audit=True)
    if permissions.can_see_person_details(request.auth):
        for party in case.parties.all():
            record(request.auth, Action.VIEWED, "person", party.person_id, channel=API, summary=f"on {case.reference}")
    return case_out(request.auth, case)


@cases.patch("/{case_id}", response={200: CaseOut, **ERRORS}, summary="Change a case's status")
def patch_case(request: HttpRequest, case_id: Id, payload: CasePatch) -> Any:
    case = services.change_status(request.auth, _case(request, case_id, change=True), payload.status,
                                  outcome=payload.outcome, channel=API)
    return case_out(request.auth, case)


@cases.post("/{case_id}/parties", response={201: PartyOut, **ERRORS}, summary="Add a person to a case in a role")
def add_party(request: HttpRequest, case_id: Id, payload: PartyIn) -> Any:
    case = _case(request, case_id, change=True)
    person = services.get_person(request.auth, payload.person_id, channel=API, audit=False)
    party = services.add_party(request.auth, case, person, payload.role, channel=API)
    return Status(201, {"person_id": party.person_id, "role": party.role, "name": person.full_name})


@cases.get("/{case_id}/incidents", response={200: list[IncidentOut], **ERRORS})
def list_incidents(request: HttpRequest, case_id: Id) -> Any:
    case = _case(request, case_id, audit=True)
    return [{"id": i.pk, "occurred_at": i.occurred_at, "description": i.description,
             "reported_by_agency": i.reported_by_agency.name, "reported_on": i.reported_on, "is_hate": i.is_hate}
            for i in case.incidents.filter(archived_on__isnull=True).select_related("reported_by_agency")]


@cases.post("/{case_id}/incidents", response={201: IncidentOut, **ERRORS})
def create_incident(request: HttpRequest, case_id: Id, payload: IncidentIn) -> Any:
    case = _case(request, case_id, change=True)
    occurred = payload.occurred_at if timezone.is_aware(payload.occurred_at) else timezone.make_aware(payload.occurred_at)
    agency = _agency_named(payload.reported_by_agency) if payload.reported_by_agency else None
    i = services.record_incident(request.auth, case, occurred_at=occurred, description=payload.description,
                                 reported_by_agency=agency, is_hate=payload.is_hate,
                                 reported_on=payload.reported_on, channel=API)
    return Status(201, {"id": i.pk, "occurred_at": i.occurred_at, "description": i.description,
                        "reported_by_agency": i.reported_by_agency.name, "reported_on": i.reported_on,
                        "is_hate": i.is_hate})


@cases.get("/{case_id}/interventions", response={200: list[InterventionOut], **ERRORS})
def list_interventions(request: HttpRequest, case_id: Id) -> Any:
    case = _case(request, case_id, audit=True)
    return [intervention_out(i) for i in case.interventions.filter(archived_on__isnull=True).select_related("issuing_agency")]


@cases.post("/{case_id}/interventions", response={201: InterventionOut, **ERRORS},
            summary="Issue a tool or power; refused (422) with the rule it breaks")
def create_intervention(request: HttpRequest, case_id: Id, payload: InterventionIn) -> Any:
    case = _case(request, case_id, change=True)
    i = services.issue_intervention(
        request.auth, case, kind=payload.kind, issued_on=payload.issued_on,
        person=_person_for(request.auth, payload.person_id), conduct=payload.conduct, written=payload.written,
        premises=payload.premises, expires_on=payload.expires_on, amount=payload.amount, channel=API)
    return Status(201, intervention_out(i))


@cases.get("/{case_id}/referrals", response={200: list[ReferralOut], **ERRORS})
def list_referrals(request: HttpRequest, case_id: Id) -> Any:
    case = _case(request, case_id, audit=True)
    return [referral_out(r) for r in case.referrals.filter(archived_on__isnull=True).select_related("to_agency")]


@cases.post("/{case_id}/referrals", response={201: ReferralOut, **ERRORS})
def create_referral(request: HttpRequest, case_id: Id, payload: ReferralIn) -> Any:
    case = _case(request, case_id, change=True)
    r = services.refer(request.auth, case, to_agency=_agency_named(payload.to_agency), reason=payload.reason,
                       service=payload.service, person=_person_for(request.auth, payload.person_id),
                       consent_obtained=payload.consent_obtained, channel=API)
    return Status(201, referral_out(r))


@cases.get("/{case_id}/tasks", response={200: list[TaskOut], **ERRORS})
def list_tasks(request: HttpRequest, case_id: Id) -> Any:
    case = _case(request, case_id, audit=True)
    return [task_out(t) for t in case.tasks.filter(archived_on__isnull=True).select_related("owner")]


@cases.post("/{case_id}/tasks", response={201: TaskOut, **ERRORS})
def create_task(request: HttpRequest, case_id: Id, payload: TaskIn) -> Any:
    from django.contrib.auth import get_user_model

    case = _case(request, case_id, change=True)
    owner = get_user_model().objects.filter(username=payload.owner, is_active=True).first()
    if owner is None:
        raise RuleRefused("unknown_user", f"No user called {payload.owner!r}.", "owner")
    t = services.add_task(request.auth, case, title=payload.title, owner=owner, due_on=payload.due_on, channel=API)
    return Status(201, task_out(t))


# ---- Referrals and tasks by id -----------------------------------------------------------

referrals = Router(tags=["referrals"])


@referrals.patch("/{referral_id}", response={200: ReferralOut, **ERRORS}, summary="Accept, decline or complete a referral")
def patch_referral(request: HttpRequest, referral_id: Id, payload: ReferralPatch) -> Any:
    referral = Referral.objects.filter(pk=referral_id, case__in=permissions.visible_cases(request.auth)).first()
    if referral is None:
        raise NotFoundError(f"No referral {referral_id}.")
    return referral_out(services.update_referral(request.auth, referral, payload.status, outcome=payload.outcome, channel=API))


tasks = Router(tags=["tasks"])


@tasks.get("/", response={200: list[TaskOut], **ERRORS}, summary="The caller's open tasks, overdue first")
def my_tasks(request: HttpRequest) -> Any:
    found = Task.objects.filter(owner=request.auth, done_on__isnull=True, archived_on__isnull=True,
                                case__in=permissions.visible_cases(request.auth)).select_related("owner")
    return [task_out(t) for t in found]


@tasks.post("/{task_id}/complete", response={200: TaskOut, **ERRORS})
def complete_task(request: HttpRequest, task_id: Id) -> Any:
    task = Task.objects.filter(pk=task_id, case__in=permissions.visible_cases(request.auth)).first()
    if task is None:
        raise NotFoundError(f"No task {task_id}.")
    return task_out(services.complete_task(request.auth, task, channel=API))


# ---- People ----------------------------------------------------------------------------

people = Router(tags=["people"])


@people.get("/", response={200: list[PersonOut], **ERRORS}, summary="People the caller may see")
def list_people(request: HttpRequest, name: str = Query("", max_length=100),
                limit: int = Query(100, ge=1, le=500)) -> Any:
    found = permissions.visible_people(request.auth).prefetch_related("flags")
    if "\x00" in name:
        raise ValidationError([{"loc": ("query", "name"), "msg": "text may not contain NUL characters"}])
    if name := name.strip():
        found = found.filter(last_name__icontains=name) | found.filter(first_name__icontains=name)
    page = list(found[:limit])
    record_list(request.auth, "person", [p.pk for p in page], channel=API, summary="api people list")
    return [person_out(request.auth, p) for p in page]


@people.post("/", response={201: PersonOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    data = payload.dict()
    flags = list(dict.fromkeys(str(f) for f in data.pop("flags")))  # a repeated flag counts once
    try:
        person = services.record_person(request.auth, channel=API, flags=flags, **data)
    except Exception as e:  # model validation (e.g. a malformed email) is bad input
        from django.core.exceptions import ValidationError as ModelValidationError

        if isinstance(e, ModelValidationError):
            details = [{"field": f, "message": " ".join(m)} for f, m in e.message_dict.items()]
            return Status(422, {"error": {"code": "invalid_input", "message": "The person's details are not valid.", "details": details}})
        raise
    return Status(201, person_out(request.auth, person))


@people.get("/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, person_id: Id) -> Any:
    return person_out(request.auth, services.get_person(request.auth, person_id, channel=API))


api.add_router("/cases", cases)
api.add_router("/referrals", referrals)
api.add_router("/tasks", tasks)
api.add_router("/people", people)

__all__ = ["api", "Incident"]
