"""Casework routes of the API (mounted under /api/v1/ by csphub.web.api): the same services
as the pages, so the same access rules and audit. Free text is omitted (null) for roles that
may not read it (analysts); who is involved is omitted for them too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool

from csphub.access import policy
from csphub.core.api import (
    API,
    ERRORS,
    BodyId,
    Day,
    Id,
    ListParams,
    Moment,
    Page,
    Reason,
    RequestBody,
    ResponseBody,
    accepts_multipart,
    etag,
    if_match,
    page,
    text,
)

from . import pages, rules, services
from .models import (
    AsbCase,
    CaseParty,
    CaseStatus,
    ConsentToShare,
    Intervention,
    PartyRole,
    Person,
    Referral,
    Task,
    VulnerabilityFlag,
)

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


class PersonIn(RequestBody):
    first_name: text(100)  # type: ignore[valid-type]
    last_name: text(100)  # type: ignore[valid-type]
    date_of_birth: Day | None = None
    phone: text(40) = ""  # type: ignore[valid-type]
    email: text(254) = ""  # type: ignore[valid-type]
    address: text(300) = ""  # type: ignore[valid-type]
    postcode: text(10) = ""  # type: ignore[valid-type]
    consent_to_share: ConsentToShare = ConsentToShare.NOT_ASKED
    flags: list[VulnerabilityFlag.Kind] = []


class PartyOut(ResponseBody):
    id: int = Field(description="The person's role on the case: GET or PATCH /cases/{case_id}/parties/{id}")
    person_id: int
    role: str
    name: str | None = None


def party_out(party: CaseParty) -> dict[str, Any]:
    return {"id": party.pk, "person_id": party.person_id, "role": party.role, "name": party.person.full_name}


def party_answer(party: dict[str, Any]) -> dict[str, Any]:
    """A party read as values (csphub.casework.pages.API_PARTY_VALUES), as party_out answers it."""
    return {"id": party["id"], "person_id": party["person_id"], "role": party["role"],
            "name": Person.name_of(party["person__first_name"], party["person__last_name"])}


class PartyIn(RequestBody):
    person_id: BodyId
    role: PartyRole


FREE_TEXT = "Omitted (null) for roles that may not read free text (analysts)"


class CaseOut(ResponseBody):
    id: int
    version: int = Field(description="Send it back as If-Match on PATCH: a stale change is refused (409)")
    reference: str
    case_type: str
    summary: str | None = Field(None, description=FREE_TEXT)
    lead_agency: str
    shared_with: list[str]
    status: str
    outcome: str
    opened_on: date
    closed_on: date | None
    next_review_on: date | None
    address: str | None = Field(None, description=FREE_TEXT)
    postcode: str | None = Field(None, description=FREE_TEXT)
    ward_code: str
    ward_name: str
    parties: list[PartyOut] | None = Field(None, description="Omitted for roles that may not see who is involved")


class CaseIn(RequestBody):
    case_type: text(100)  # type: ignore[valid-type]
    summary: text(5000)  # type: ignore[valid-type]
    opened_on: Day | None = None
    next_review_on: Day | None = None
    address: text(300) = ""  # type: ignore[valid-type]
    postcode: text(10) = ""  # type: ignore[valid-type]
    latitude: float | None = Field(None, ge=49, le=61)
    longitude: float | None = Field(None, ge=-9, le=2.5)


class CasePatch(RequestBody):
    status: CaseStatus
    outcome: text(20) = ""  # type: ignore[valid-type]


class IncidentOut(Schema):
    id: int
    occurred_at: datetime
    description: str | None = Field(None, description=FREE_TEXT)
    reported_by_agency: str
    reported_on: date
    is_hate: bool


class IncidentIn(RequestBody):
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
    premises: str | None = Field(None, description=FREE_TEXT)
    conduct: str | None = Field(None, description=FREE_TEXT)
    written: bool
    issued_on: date
    expires_on: date | None
    amount: int | None
    issuing_agency: str
    outcome: str | None = Field(None, description=FREE_TEXT)
    relies_on_id: int | None = Field(None, description="the warning a notice follows")
    comply_by: date | None = Field(None, description="a warning: the last day of its time to comply")
    offence_on: date | None = Field(None, description="a fixed penalty: the day of the offence")
    payment_due_on: date | None = Field(None, description="a fixed penalty: the last day to pay")
    payment_status: str | None = Field(None, description="a fixed penalty: unpaid, paid or withdrawn")
    payment_status_on: date | None = Field(None, description="a fixed penalty: when it was paid or withdrawn")
    early_payment_amount: int | None = Field(None, description="a fixed penalty: the lesser amount if paid early")
    early_payment_by: date | None = Field(None, description="a fixed penalty offering an early-payment amount: the "
                                                            "last day it may be paid")
    paid_amount: int | None = Field(None, description="a fixed penalty paid: the amount paid")


KindChoice = Annotated[str, Field(json_schema_extra={"enum": list(rules.INTERVENTION_KINDS)})]


class InterventionIn(RequestBody):
    kind: KindChoice
    issued_on: Day
    person_id: BodyId | None = None
    conduct: text(2000) = ""  # type: ignore[valid-type]
    written: bool = True
    premises: text(300) = ""  # type: ignore[valid-type]
    expires_on: Day | None = None
    amount: Annotated[int, Field(ge=0, le=100_000)] | None = None
    comply_by: Day | None = None
    offence_on: Day | None = None
    early_payment_amount: Annotated[int, Field(ge=1, le=100_000)] | None = None


class ReferralOut(Schema):
    id: int
    version: int
    case_id: int
    to_agency: str
    service: str
    person_id: int | None
    reason: str | None = Field(None, description=FREE_TEXT)
    consent_obtained: bool
    status: str
    sent_on: date
    responded_on: date | None
    outcome: str | None = Field(None, description=FREE_TEXT)


class ReferralIn(RequestBody):
    to_agency: text(200)  # type: ignore[valid-type]
    reason: text(5000)  # type: ignore[valid-type]
    service: text(200) = ""  # type: ignore[valid-type]
    person_id: BodyId | None = None
    consent_obtained: bool = False


class ReferralPatch(RequestBody):
    status: Referral.Status
    outcome: text(5000) = ""  # type: ignore[valid-type]


class TaskOut(Schema):
    id: int
    case_id: int
    title: str | None = Field(None, description=FREE_TEXT)
    owner: str
    due_on: date
    done_on: date | None
    overdue: bool


class TaskIn(RequestBody):
    title: text(300)  # type: ignore[valid-type]
    owner: text(150)  # type: ignore[valid-type]
    due_on: Day


# ---- Converters ------------------------------------------------------------------------

def person_out(user: Any, person: Person) -> dict[str, Any]:
    return {
        "id": person.pk, "first_name": person.first_name, "last_name": person.last_name,
        "date_of_birth": person.date_of_birth, "phone": person.phone, "email": person.email,
        "address": person.address, "postcode": person.postcode, "consent_to_share": person.consent_to_share,
        "flags": [{"kind": f.kind, "label": f.get_kind_display()} for f in policy.shown_flags(user, person)],
    }


def _text(user: Any, value: str) -> str | None:
    return value if policy.can_read_free_text(user) else None


def case_out(user: Any, case: AsbCase, parties: list[Any] | None = None) -> dict[str, Any]:
    """``parties`` are the case's parties as read (audited) for the caller, or None to omit."""
    place = case.location
    return case_answer(user, {
        "id": case.pk, "version": case.version, "reference": case.reference, "case_type__name": case.case_type.name,
        "summary": case.summary, "lead_agency__name": case.lead_agency.name,
        "shared_with": [a.name for a in case.agencies.all()], "status": case.status, "outcome": case.outcome,
        "opened_on": case.opened_on, "closed_on": case.closed_on, "next_review_on": case.next_review_on,
        "location_id": case.location_id, "location__address": place.address if place else None,
        "location__postcode": place.postcode if place else None,
        "location__ward_code": place.ward_code if place else None, "location__ward_name": place.ward_name if place else None,
    }, None if parties is None else [party_out(p) for p in parties])


def case_answer(user: Any, case: dict[str, Any], parties: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A case as the API answers it, from its values (csphub.casework.pages.API_CASE_VALUES and
    ``shared_with``): a single case and each row of the list are written by this one function."""
    placed = case["location_id"] is not None
    return {
        "id": case["id"], "version": case["version"], "reference": case["reference"], "case_type": case["case_type__name"],
        "summary": _text(user, case["summary"]),
        "lead_agency": case["lead_agency__name"], "shared_with": case["shared_with"],
        "status": case["status"], "outcome": case["outcome"], "opened_on": case["opened_on"],
        "closed_on": case["closed_on"], "next_review_on": case["next_review_on"],
        "address": _text(user, case["location__address"]) if placed else None,
        "postcode": _text(user, case["location__postcode"]) if placed else None,
        "ward_code": case["location__ward_code"] if placed else "",
        "ward_name": case["location__ward_name"] if placed else "",
        "parties": parties,
    }


def incident_out(user: Any, i: Any) -> dict[str, Any]:
    return {"id": i.pk, "occurred_at": i.occurred_at, "description": _text(user, i.description),
            "reported_by_agency": i.reported_by_agency.name, "reported_on": i.reported_on, "is_hate": i.is_hate}


def intervention_out(user: Any, i: Intervention) -> dict[str, Any]:
    return {"id": i.pk, "kind": i.kind, "label": i.get_kind_display(),
            "person_id": i.person_id if policy.works_cases(user) else None,
            "premises": _text(user, i.premises), "conduct": _text(user, i.conduct), "written": i.written,
            "issued_on": i.issued_on, "expires_on": i.expires_on, "amount": i.amount,
            "issuing_agency": i.issuing_agency.name, "outcome": _text(user, i.outcome),
            "relies_on_id": i.relies_on_id, "comply_by": i.comply_by, "offence_on": i.offence_on,
            "payment_due_on": i.payment_due_on, "payment_status": i.payment_status or None,
            "payment_status_on": i.payment_status_on, "early_payment_amount": i.early_payment_amount,
            "early_payment_by": i.early_payment_by, "paid_amount": i.paid_amount}


def referral_out(user: Any, r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "case_id": r.case_id, "to_agency": r.to_agency.name, "service": r.service,
            "person_id": r.person_id if policy.works_cases(user) else None, "reason": _text(user, r.reason),
            "consent_obtained": r.consent_obtained, "status": r.status, "sent_on": r.sent_on,
            "responded_on": r.responded_on, "outcome": _text(user, r.outcome)}


def task_out(user: Any, t: Task) -> dict[str, Any]:
    return {"id": t.pk, "case_id": t.case_id, "title": _text(user, t.title), "owner": t.owner.username,
            "due_on": t.due_on, "done_on": t.done_on, "overdue": t.is_overdue}


def _person_for(user: Any, person_id: int | None) -> Person | None:
    return services.get_person(user, person_id, channel=API, purpose="named in an API request") if person_id else None


# ---- Cases -----------------------------------------------------------------------------

cases = Router(tags=["cases"])


@cases.get("/", response={200: Page[CaseOut], **ERRORS}, summary="Cases the caller's agency can see")
def list_cases(request: HttpRequest, params: Query[ListParams], status: CaseStatus | None = None) -> Any:
    found = pages.api_case_list(request.auth, status=status or "", window=params.window())
    return page(request, found, [case_answer(request.auth, c, None if parties is None else
                                             [party_answer(p) for p in parties]) for c, parties in found.rows])


@cases.post("/", response={201: CaseOut, **ERRORS}, summary="Open a case led by the caller's agency")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    case = services.open_case(request.auth, channel=API, **payload.dict())
    return Status(201, case_out(request.auth, case))


@cases.get("/{case_id}", response={200: CaseOut, **ERRORS}, summary="A case; its ETag is its version")
def get_case(request: HttpRequest, response: HttpResponse, case_id: Id) -> Any:
    case, parties = pages.api_case(request.auth, case_id)
    etag(response, case.version)
    return case_out(request.auth, case, parties)


@cases.patch("/{case_id}", response={200: CaseOut, **ERRORS},
             summary="Change a case's status (the lead agency); with If-Match, refused (409) if changed since")
def patch_case(request: HttpRequest, response: HttpResponse, case_id: Id, payload: CasePatch) -> Any:
    case = services.change_status(request.auth, services.case_for_manage(request.auth, case_id, channel=API),
                                  payload.status, outcome=payload.outcome, expected_version=if_match(request),
                                  channel=API)
    etag(response, case.version)
    return case_out(request.auth, case)


@cases.post("/{case_id}/parties", response={201: PartyOut, **ERRORS}, summary="Add a person to a case in a role")
def add_party(request: HttpRequest, case_id: Id, payload: PartyIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    party = services.add_existing_party(request.auth, case, payload.person_id, payload.role, channel=API)
    return Status(201, party_out(party))


@cases.get("/{case_id}/incidents", response={200: Page[IncidentOut], **ERRORS})
def list_incidents(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "incidents", params.window())
    return page(request, found, [incident_out(request.auth, r) for r in found.rows])


@cases.post("/{case_id}/incidents", response={201: IncidentOut, **ERRORS})
def create_incident(request: HttpRequest, case_id: Id, payload: IncidentIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    i = services.record_incident(request.auth, case, occurred_at=payload.occurred_at, description=payload.description,
                                 reported_by_agency=payload.reported_by_agency, is_hate=payload.is_hate,
                                 reported_on=payload.reported_on, channel=API)
    return Status(201, incident_out(request.auth, i))


@cases.get("/{case_id}/interventions", response={200: Page[InterventionOut], **ERRORS})
def list_interventions(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "interventions", params.window())
    return page(request, found, [intervention_out(request.auth, r) for r in found.rows])


@cases.post("/{case_id}/interventions", response={201: InterventionOut, **ERRORS},
            summary="Issue a tool or power; refused (422) with the rule it breaks")
def create_intervention(request: HttpRequest, case_id: Id, payload: InterventionIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    i = services.issue_intervention(
        request.auth, case, kind=payload.kind, issued_on=payload.issued_on,
        person=_person_for(request.auth, payload.person_id), conduct=payload.conduct, written=payload.written,
        premises=payload.premises, expires_on=payload.expires_on, amount=payload.amount,
        comply_by=payload.comply_by, offence_on=payload.offence_on,
        early_payment_amount=payload.early_payment_amount, channel=API)
    return Status(201, intervention_out(request.auth, i))


@cases.get("/{case_id}/referrals", response={200: Page[ReferralOut], **ERRORS})
def list_referrals(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "referrals", params.window())
    return page(request, found, [referral_out(request.auth, r) for r in found.rows])


@cases.post("/{case_id}/referrals", response={201: ReferralOut, **ERRORS},
            summary="Refer to a partner agency: it sees the referral and the person, not the case")
def create_referral(request: HttpRequest, case_id: Id, payload: ReferralIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    r = services.refer(request.auth, case, to_agency=payload.to_agency, reason=payload.reason,
                       service=payload.service, person=_person_for(request.auth, payload.person_id),
                       consent_obtained=payload.consent_obtained, channel=API)
    return Status(201, referral_out(request.auth, r))


@cases.get("/{case_id}/tasks", response={200: Page[TaskOut], **ERRORS})
def list_tasks(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "tasks", params.window())
    return page(request, found, [task_out(request.auth, r) for r in found.rows])


@cases.post("/{case_id}/tasks", response={201: TaskOut, **ERRORS})
def create_task(request: HttpRequest, case_id: Id, payload: TaskIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    t = services.add_task(request.auth, case, title=payload.title, owner=payload.owner, due_on=payload.due_on,
                          channel=API)
    return Status(201, task_out(request.auth, t))


# ---- Referrals and tasks by id -----------------------------------------------------------

referrals = Router(tags=["referrals"])


@referrals.get("/", response={200: Page[ReferralOut], **ERRORS},
               summary="Referrals sent to the caller's agency (its inbox), oldest first")
def list_received(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = pages.api_referrals_received(request.auth, params.window())
    return page(request, found, [referral_out(request.auth, r) for r in found.rows])


@referrals.get("/{referral_id}", response={200: ReferralOut, **ERRORS})
def get_referral(request: HttpRequest, response: HttpResponse, referral_id: Id) -> Any:
    referral = services.referral_for_answer(request.auth, referral_id, channel=API)
    etag(response, referral.version)
    return referral_out(request.auth, referral)


@referrals.patch("/{referral_id}", response={200: ReferralOut, **ERRORS},
                 summary="Accept, decline or complete a referral (the receiving agency)")
def patch_referral(request: HttpRequest, referral_id: Id, payload: ReferralPatch) -> Any:
    referral = services.referral_for_answer(request.auth, referral_id, channel=API)
    return referral_out(request.auth, services.update_referral(request.auth, referral, payload.status,
                                                               outcome=payload.outcome,
                                                               expected_version=if_match(request), channel=API))


tasks = Router(tags=["tasks"])


@tasks.get("/", response={200: Page[TaskOut], **ERRORS}, summary="The caller's open tasks, earliest due first")
def my_tasks(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = pages.api_my_tasks(request.auth, params.window())
    return page(request, found, [task_out(request.auth, t) for t in found.rows])


@tasks.post("/{task_id}/complete", response={200: TaskOut, **ERRORS})
def complete_task(request: HttpRequest, task_id: Id) -> Any:
    return task_out(request.auth, services.complete_task(request.auth, task_id, channel=API))


# ---- People ----------------------------------------------------------------------------

people = Router(tags=["people"])


@people.get("/", response={200: Page[PersonOut], **ERRORS}, summary="People the caller may see")
def list_people(request: HttpRequest, params: Query[ListParams], name: str = Query("", max_length=100)) -> Any:
    found = pages.api_people(request.auth, name=name, window=params.window())
    return page(request, found, [person_out(request.auth, p) for p in found.rows])


@people.post("/", response={201: PersonOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    from django.core.exceptions import ValidationError as ModelValidationError

    data = payload.dict()
    flags = [str(f) for f in data.pop("flags")]
    try:
        person = services.record_person(request.auth, channel=API, flags=flags, **data)
    except ModelValidationError as e:  # model validation (e.g. a malformed email) is bad input
        details = [{"field": f, "message": " ".join(m)} for f, m in e.message_dict.items()]
        return Status(422, {"error": {"code": "invalid_input", "message": "The person's details are not valid.",
                                      "details": details}})
    return Status(201, person_out(request.auth, person))


@people.get("/{person_id}", response={200: PersonOut, **ERRORS}, summary="A person; its ETag is its version")
def get_person(request: HttpRequest, response: HttpResponse, person_id: Id) -> Any:
    person = services.get_person(request.auth, person_id, channel=API, purpose="api person")
    etag(response, person.version)
    return person_out(request.auth, person)


__all__ = ["cases", "locations", "people", "referrals", "risk_assessments", "tasks"]


# ---- Corrections (issue 12, item 1) -----------------------------------------------------------

class CorrectionOut(Schema):
    id: int
    version: int = Field(description="The record's version now: its new ETag")
    changed: list[str] = Field(description="The fields the correction changed (empty: nothing was different)")
    effects: list[str] = Field(description="What the rules re-checked after the change now say")


class PersonCorrection(RequestBody):
    first_name: text(100) | None = None  # type: ignore[valid-type]
    last_name: text(100) | None = None  # type: ignore[valid-type]
    date_of_birth: Day | None = None
    phone: text(40) | None = None  # type: ignore[valid-type]
    email: text(254) | None = None  # type: ignore[valid-type]
    address: text(300) | None = None  # type: ignore[valid-type]
    postcode: text(10) | None = None  # type: ignore[valid-type]
    consent_to_share: ConsentToShare | None = None
    reason: Reason


class IncidentCorrection(RequestBody):
    occurred_at: Moment | None = None
    description: text(5000) | None = None  # type: ignore[valid-type]
    reported_on: Day | None = None
    is_hate: bool | None = None
    reason: Reason


def _correction_out(result: Any) -> dict[str, Any]:
    from .corrections import version_of

    return {"id": result.record.pk, "version": version_of(result.record), "changed": result.changed,
            "effects": result.effects}


def _changes(payload: Schema, nullable: tuple[str, ...] = ("date_of_birth",)) -> dict[str, Any]:
    """The fields sent, without the reason (a null in a ``nullable`` field, e.g. the date of
    birth, clears it; other nulls are not sent)."""
    sent = payload.dict(exclude_unset=True)
    sent.pop("reason", None)
    return {k: v for k, v in sent.items() if v is not None or k in nullable}


@people.patch("/{person_id}", response={200: CorrectionOut, **ERRORS},
              summary="Correct a person's details, saying why; with If-Match, refused (409) if changed since")
def correct_person(request: HttpRequest, response: HttpResponse, person_id: Id, payload: PersonCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "person", person_id, _changes(payload), reason=payload.reason,
                            expected_version=if_match(request), channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


@cases.patch("/{case_id}/incidents/{incident_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct an incident, saying why; with If-Match, refused (409) if changed since")
def correct_incident(request: HttpRequest, response: HttpResponse, case_id: Id, incident_id: Id,
                     payload: IncidentCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "incident", incident_id, _changes(payload), reason=payload.reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


class NoteCorrection(RequestBody):
    text: text(20000)  # type: ignore[valid-type]
    reason: Reason


class VisitCorrection(RequestBody):
    visited_on: Day | None = None
    findings: text(20000) | None = None  # type: ignore[valid-type]
    reason: Reason


@cases.patch("/{case_id}/notes/{note_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a note, saying why (an empty note is refused); with If-Match, refused (409) if "
                     "changed since")
def correct_note(request: HttpRequest, response: HttpResponse, case_id: Id, note_id: Id,
                 payload: NoteCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "note", note_id, _changes(payload), reason=payload.reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


@cases.patch("/{case_id}/visits/{visit_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a monitoring visit, saying why (not in the future); with If-Match, refused (409) if "
                     "changed since")
def correct_visit(request: HttpRequest, response: HttpResponse, case_id: Id, visit_id: Id,
                  payload: VisitCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "visit", visit_id, _changes(payload), reason=payload.reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


class PartyDetailOut(PartyOut):
    version: int = Field(description="Send it back as If-Match on PATCH: a stale change is refused (409)")


class PartyCorrection(RequestBody):
    role: PartyRole
    reason: Reason


@cases.get("/{case_id}/parties/{party_id}", response={200: PartyDetailOut, **ERRORS},
           summary="A person's role on a case (officers and supervisors on the case); its ETag is its version")
def get_party(request: HttpRequest, response: HttpResponse, case_id: Id, party_id: Id) -> Any:
    from .corrections import party, version_of

    found = party(request.auth, case_id, party_id, channel=API)
    etag(response, version_of(found))
    return {**party_out(found), "version": version_of(found)}


@cases.patch("/{case_id}/parties/{party_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a person's role on a case, saying why (as the page does); with If-Match, refused "
                     "(409) if changed since")
def correct_party(request: HttpRequest, response: HttpResponse, case_id: Id, party_id: Id,
                  payload: PartyCorrection) -> Any:
    from .corrections import correct_record, version_of

    result = correct_record(request.auth, "party", party_id, {"role": str(payload.role)}, reason=payload.reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, version_of(result.record))
    return _correction_out(result)


class TaskCorrection(RequestBody):
    title: text(300) | None = None  # type: ignore[valid-type]
    owner: text(150) | None = Field(None, description="A username: an officer or supervisor of an agency on "  # type: ignore[valid-type]
                                                       "the case")
    due_on: Day | None = None
    done_on: Day | None = Field(None, description="null reopens the task")
    reason: Reason


@cases.patch("/{case_id}/tasks/{task_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a task (its owner by username), saying why; with If-Match, refused (409) if "
                     "changed since")
def correct_task(request: HttpRequest, response: HttpResponse, case_id: Id, task_id: Id,
                 payload: TaskCorrection) -> Any:
    from .corrections import correct_task

    result = correct_task(request.auth, task_id, _changes(payload, nullable=("done_on",)), case_id=case_id,
                          reason=payload.reason, expected_version=if_match(request), channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


class InterventionCorrection(RequestBody):
    conduct: text(2000) | None = None  # type: ignore[valid-type]
    written: StrictBool | None = None
    premises: text(300) | None = None  # type: ignore[valid-type]
    issued_on: Day | None = None
    expires_on: Day | None = Field(None, description="null: no end date")
    amount: Annotated[int, Field(ge=0, le=100_000)] | None = Field(None, description="null: no amount")
    outcome: text(5000) | None = None  # type: ignore[valid-type]
    reason: Reason


@cases.patch("/{case_id}/interventions/{intervention_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a tool or power, saying why: the 2014 Act rules are checked again and `effects` "
                     "says what changed; with If-Match, refused (409) if changed since")
def correct_intervention(request: HttpRequest, response: HttpResponse, case_id: Id, intervention_id: Id,
                         payload: InterventionCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "intervention", intervention_id,
                            _changes(payload, nullable=("expires_on", "amount")), reason=payload.reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


class ReferralCorrection(RequestBody):
    """The referral's own ``reason`` is one of its fields, so why it is corrected is
    ``correction_reason`` here."""

    service: text(200) | None = None  # type: ignore[valid-type]
    reason: text(5000) | None = Field(None, description="Why the person is referred (not empty)")  # type: ignore[valid-type]
    consent_obtained: StrictBool | None = None
    correction_reason: Reason


@cases.patch("/{case_id}/referrals/{referral_id}", response={200: CorrectionOut, **ERRORS},
             summary="Correct a referral the case made (service, reason, consent), saying why in "
                     "`correction_reason`; with If-Match, refused (409) if changed since")
def correct_referral(request: HttpRequest, response: HttpResponse, case_id: Id, referral_id: Id,
                     payload: ReferralCorrection) -> Any:
    from .corrections import correct_record

    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "correction_reason" and v is not None}
    result = correct_record(request.auth, "referral", referral_id, changes, reason=payload.correction_reason,
                            expected_version=if_match(request), case_id=case_id, channel=API)
    etag(response, result.record.version)
    return _correction_out(result)


locations = Router(tags=["locations"])


class LocationCorrection(RequestBody):
    address: text(300) | None = None  # type: ignore[valid-type]
    postcode: text(10) | None = None  # type: ignore[valid-type]
    latitude: float | None = Field(None, ge=49, le=61, description="null clears it (the postcode then places it)")
    longitude: float | None = Field(None, ge=-9, le=2.5)
    reason: Reason


class LocationCorrectionOut(CorrectionOut):
    postcode: str = Field(description="As stored (normalised: upper case, one space)")
    postcode_status: str = Field(description="found, not_found (flagged, nothing guessed), no_directory or empty")
    ward_code: str
    ward_name: str


@locations.patch("/{location_id}", response={200: LocationCorrectionOut, **ERRORS},
                 summary="Correct a place (address, postcode, coordinates), saying why; its ward follows the "
                         "postcode; with If-Match, refused (409) if changed since")
def correct_location(request: HttpRequest, response: HttpResponse, location_id: Id,
                     payload: LocationCorrection) -> Any:
    from .corrections import correct_record

    result = correct_record(request.auth, "location", location_id,
                            _changes(payload, nullable=("latitude", "longitude")), reason=payload.reason,
                            expected_version=if_match(request), channel=API)
    etag(response, result.record.version)
    place = result.record
    return {**_correction_out(result), "postcode": place.postcode, "postcode_status": place.postcode_status,
            "ward_code": place.ward_code, "ward_name": place.ward_name}


# ---- Notes, visits, risk assessments, breaches and outcomes on a case ------------------------

class NoteIn(RequestBody):
    text: text(20000)  # type: ignore[valid-type]


class NoteOut(Schema):
    id: int
    text: str | None
    created_on: datetime
    modified_on: datetime


def note_out(user: Any, n: Any) -> dict[str, Any]:
    return {"id": n.pk, "text": _text(user, n.text), "created_on": n.created_on, "modified_on": n.modified_on}


@cases.get("/{case_id}/notes", response={200: Page[NoteOut], **ERRORS}, summary="The case's notes, oldest first")
def list_notes(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "notes", params.window())
    return page(request, found, [note_out(request.auth, n) for n in found.rows])


@cases.post("/{case_id}/notes", response={201: NoteOut, **ERRORS}, summary="Add a note (an empty note is refused)")
def create_note(request: HttpRequest, case_id: Id, payload: NoteIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    return Status(201, note_out(request.auth, services.add_note(request.auth, case, payload.text, channel=API)))


class VisitIn(RequestBody):
    visited_on: Day
    findings: text(20000)  # type: ignore[valid-type]


class VisitOut(Schema):
    id: int
    visited_on: date
    findings: str | None
    officer: str | None
    modified_on: datetime


def visit_out(user: Any, v: Any) -> dict[str, Any]:
    return {"id": v.pk, "visited_on": v.visited_on, "findings": _text(user, v.findings),
            "officer": v.officer.get_full_name() or v.officer.get_username() if v.officer else None,
            "modified_on": v.modified_on}


@cases.get("/{case_id}/visits", response={200: Page[VisitOut], **ERRORS}, summary="Monitoring visits, oldest first")
def list_visits(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "visits", params.window())
    return page(request, found, [visit_out(request.auth, v) for v in found.rows])


@cases.post("/{case_id}/visits", response={201: VisitOut, **ERRORS}, summary="Record a visit (not in the future)")
def create_visit(request: HttpRequest, case_id: Id, payload: VisitIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    visit = services.record_visit(request.auth, case, visited_on=payload.visited_on, findings=payload.findings,
                                  channel=API)
    return Status(201, visit_out(request.auth, visit))


class RiskIn(RequestBody):
    person_id: BodyId
    answers: dict[str, bool | None] = Field(description="question key -> yes/no; a key left out or null is "
                                                        "'not answered', never 'no'")


class RiskOut(Schema):
    id: int
    version: int = Field(description="Send it back as If-Match on PATCH: a stale change is refused (409)")
    person_id: int
    score: int
    level: str
    answers: dict[str, bool | None]
    unanswered: int
    created_on: datetime


def risk_out(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "person_id": r.person_id, "score": r.score, "level": r.level, "answers": r.answers or {},
            "unanswered": r.unanswered_count, "created_on": r.created_on}


@cases.get("/{case_id}/risk-assessments", response={200: Page[RiskOut], **ERRORS},
           summary="Victim risk assessments (officers and supervisors on the case)")
def list_risk_assessments(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_records(request.auth, case_id, "risk_assessments", params.window())
    return page(request, found, [risk_out(r) for r in found.rows])


@cases.post("/{case_id}/risk-assessments", response={201: RiskOut, **ERRORS},
            summary="Score a victim risk assessment; a high score alerts the lead agency's supervisors")
def create_risk_assessment(request: HttpRequest, case_id: Id, payload: RiskIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    assessment = services.assess_risk_answers(request.auth, case, payload.person_id, payload.answers, channel=API)
    return Status(201, risk_out(assessment))


risk_assessments = Router(tags=["risk assessments"])


class RiskCorrection(RequestBody):
    answers: dict[str, StrictBool | None] = Field(description="question key -> true (yes), false (no) or null (not "
                                                              "answered); a question not sent keeps its answer")
    reason: Reason


class RiskCorrectionOut(RiskOut):
    changed: list[str] = Field(description="The fields the correction changed (empty: nothing was different)")
    effects: list[str] = Field(description="What the re-scoring now says (e.g. a Vulnerability Panel task created)")


@risk_assessments.get("/{assessment_id}", response={200: RiskOut, **ERRORS},
                      summary="A victim risk assessment (officers and supervisors on the case); its ETag is its "
                              "version")
def get_risk_assessment(request: HttpRequest, response: HttpResponse, assessment_id: Id) -> Any:
    from .corrections import risk_assessment

    assessment = risk_assessment(request.auth, assessment_id, channel=API)
    etag(response, assessment.version)
    return risk_out(assessment)


@risk_assessments.patch("/{assessment_id}", response={200: RiskCorrectionOut, **ERRORS},
                        summary="Correct a risk assessment's answers, saying why: re-scored as on the page (a move "
                                "to high creates the Vulnerability Panel task); with If-Match, refused (409) if "
                                "changed since")
def correct_risk_assessment(request: HttpRequest, response: HttpResponse, assessment_id: Id,
                            payload: RiskCorrection) -> Any:
    from .corrections import correct_risk_answers

    result = correct_risk_answers(request.auth, assessment_id, payload.answers, reason=payload.reason,
                                  expected_version=if_match(request), channel=API)
    etag(response, result.record.version)
    return {**risk_out(result.record), "changed": result.changed, "effects": result.effects}


class BreachIn(RequestBody):
    intervention_id: BodyId
    occurred_on: Day
    description: text(5000)  # type: ignore[valid-type]
    action_taken: text(5000) = ""  # type: ignore[valid-type]


class BreachOut(Schema):
    id: int
    intervention_id: int
    occurred_on: date
    description: str | None
    action_taken: str | None
    modified_on: datetime


def breach_out(user: Any, b: Any) -> dict[str, Any]:
    return {"id": b.pk, "intervention_id": b.intervention_id, "occurred_on": b.occurred_on,
            "description": _text(user, b.description), "action_taken": _text(user, b.action_taken),
            "modified_on": b.modified_on}


@cases.get("/{case_id}/breaches", response={200: Page[BreachOut], **ERRORS},
           summary="Breaches of the case's warnings, notices, contracts and orders, oldest first")
def list_breaches(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_breaches(request.auth, case_id, params.window())
    return page(request, found, [breach_out(request.auth, b) for b in found.rows])


@cases.post("/{case_id}/breaches", response={201: BreachOut, **ERRORS},
            summary="Record a breach of one of the case's tools or powers (not before it was issued)")
def create_breach(request: HttpRequest, case_id: Id, payload: BreachIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    breach = services.record_breach(request.auth, services.intervention_of_case(case, payload.intervention_id),
                                    occurred_on=payload.occurred_on, description=payload.description,
                                    action_taken=payload.action_taken, channel=API)
    return Status(201, breach_out(request.auth, breach))


class OutcomeIn(RequestBody):
    outcome: text(5000)  # type: ignore[valid-type]


@cases.post("/{case_id}/interventions/{intervention_id}/outcome", response={200: InterventionOut, **ERRORS},
            summary="Record what came of a tool or power; with If-Match, refused (409) if changed since")
def record_outcome(request: HttpRequest, response: HttpResponse, case_id: Id, intervention_id: Id,
                   payload: OutcomeIn) -> Any:
    case = services.case_for_change(request.auth, case_id, channel=API)
    i = services.record_intervention_outcome(request.auth, services.intervention_of_case(case, intervention_id),
                                             payload.outcome, expected_version=if_match(request), channel=API)
    etag(response, i.version)
    return intervention_out(request.auth, i)


# ---- Attachments (issue 12, item 11) ---------------------------------------------------------

class AttachmentOut(Schema):
    id: int
    filename: str
    description: str
    content_type: str = Field(description="the type its content was checked to be")
    size: int | None = Field(description="bytes")
    scan: str = Field(description="clean, not_scanned or scan_failed (csphub.core.scanner)")
    uploaded_at: datetime
    uploaded_by_agency: str | None
    modified_on: datetime


def attachment_out(a: Any) -> dict[str, Any]:
    membership = getattr(a.created_by, "membership", None) if a.created_by_id else None
    return {"id": a.pk, "filename": a.download_name, "description": a.description, "content_type": a.served_type,
            "size": a.size, "scan": a.scan_status, "uploaded_at": a.created_on,
            "uploaded_by_agency": membership.agency.name if membership else None, "modified_on": a.modified_on}


@cases.get("/{case_id}/attachments", response={200: Page[AttachmentOut], **ERRORS},
           summary="The case's attachments (what each file is, not its bytes), oldest first; officers and "
                   "supervisors on the case")
def list_attachments(request: HttpRequest, case_id: Id, params: Query[ListParams]) -> Any:
    found = pages.api_case_attachments(request.auth, case_id, params.window())
    return page(request, found, [attachment_out(a) for a in found.rows])


@cases.post("/{case_id}/attachments", response={201: AttachmentOut, **ERRORS},
            summary="Attach a file, sent as multipart/form-data (fields `file` and `description`): the same "
                    "type, size and virus checks as the page; refused (422 on `file`) and not stored otherwise")
@accepts_multipart
def create_attachment(request: HttpRequest, case_id: Id, file: File[UploadedFile],
                      description: Form[text(300)]) -> Any:  # type: ignore[valid-type]
    case = services.case_for_change(request.auth, case_id, channel=API)
    attachment = services.add_attachment(request.auth, case, file, description, channel=API)
    return Status(201, attachment_out(attachment))


@cases.get("/{case_id}/attachments/{attachment_id}/content", response={200: None, **ERRORS},
           summary="The file's bytes, to save (Content-Disposition: attachment), as the type its content was "
                   "checked to be; audited as a download")
def attachment_content(request: HttpRequest, case_id: Id, attachment_id: Id) -> Any:
    attachment = pages.attachment_file(request.auth, case_id, attachment_id, channel=API)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.download_name,
                            content_type=attachment.served_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
