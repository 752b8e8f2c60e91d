"""Daily Dial In routes of the API: entries (one page of a day, one entry, bulk entry by a
partner system), the figures, operations and their outputs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from csphub.core.api import API, ERRORS, Day, Id, ListParams, Moment, Page, RequestBody, page, text

from . import operations, rules, services
from .models import DialInEntry, EntrySource

router = Router(tags=["daily dial in"])


class EntryIn(RequestBody):
    occurred_at: Moment
    type: text(100)  # type: ignore[valid-type]
    account: text(2000)  # type: ignore[valid-type]
    address: text(300) = ""  # type: ignore[valid-type]
    postcode: text(10) = ""  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=49, le=61)] | None = None
    longitude: Annotated[float, Field(ge=-8.7, le=2)] | None = None
    urgency: text(10) = "routine"  # type: ignore[valid-type]
    reference: text(100) = ""  # type: ignore[valid-type]
    ward: text(100) = ""  # type: ignore[valid-type]


class BulkIn(RequestBody):
    entries: Annotated[list[EntryIn], Field(min_length=1, max_length=500)]
    dial_in_on: Day | None = None


class BulkOut(Schema):
    created: list[int]
    duplicates: list[int]


class PersonNamed(Schema):
    person_id: int
    role: str


class EntryOut(Schema):
    id: int
    dial_in_on: date
    occurred_at: datetime
    type: str
    account: str
    address: str
    postcode: str
    postcode_status: str = Field(description="What the loaded postcode directory said of the postcode: found, "
                                 "not_found (flagged, nothing guessed), no_directory, unavailable, or empty "
                                 "(none given)")
    ward_name: str
    agency: str
    urgency: str
    reference: str
    case_id: int | None
    people: list[PersonNamed] | None


class DayQuery(Schema):
    day: Day | None = None


def entry_out(e: DialInEntry, people: list[Any] | None) -> dict[str, Any]:
    return {"id": e.pk, "dial_in_on": e.dial_in_on, "occurred_at": e.occurred_at, "type": e.entry_type.name,
            "account": e.account, "address": e.address, "postcode": e.postcode,
            "postcode_status": e.postcode_status, "ward_name": e.ward_name,
            "agency": e.agency.name, "urgency": e.urgency, "reference": e.reference, "case_id": e.case_id,
            "people": None if people is None else [{"person_id": n.person_id, "role": n.role} for n in people]}


@router.get("/entries", response={200: Page[EntryOut], **ERRORS},
            summary="A day's entries the caller may see (syncing with updated_since: changes on any day)")
def list_entries(request: HttpRequest, query: Query[DayQuery], params: Query[ListParams]) -> Any:
    found = services.entry_window(request.auth, params.window(), day=query.day)
    return page(request, found, [entry_out(e, people) for e, people in found.rows])


@router.post("/entries", response={201: BulkOut, **ERRORS},
             summary="Add entries in bulk (a partner system): same entry sent again is not added twice")
def add_entries(request: HttpRequest, body: BulkIn) -> Any:
    rows = [rules.EntryRow(occurred_at=e.occurred_at, entry_type=e.type, account=e.account, address=e.address,
                           postcode=e.postcode, latitude=e.latitude, longitude=e.longitude, urgency=e.urgency,
                           reference=e.reference) for e in body.entries]
    result = services.log_entries(request.auth, rows, source=EntrySource.API, channel=API, dial_in_on=body.dial_in_on,
                                  ward_names=[e.ward for e in body.entries])
    return Status(201, {"created": result.created, "duplicates": result.duplicates})


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS})
def get_entry(request: HttpRequest, entry_id: Id) -> Any:
    user = request.auth
    entry = services.get_entry(user, entry_id, purpose="api dial-in entry", channel=API)
    named = services.people_named(user, [entry], purpose="api dial-in entry", channel=API)
    return entry_out(entry, named.get(entry.pk, []) if services.roles.works_cases(user) else None)


class FiguresQuery(Schema):
    start: Day | None = None
    end: Day | None = None


class Count(Schema):
    key: str
    count: int


class FiguresOut(Schema):
    entries: int
    by_day: list[Count]
    by_agency: list[Count]
    by_type: list[Count]
    by_ward: list[Count]
    to_cases: int
    to_tasks: int
    to_panels: int
    repeat_locations: int


@router.get("/figures", response={200: FiguresOut, **ERRORS}, summary="Counts of entries (no personal data)")
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> Any:
    end = query.end or timezone.localdate()
    fig = services.figures(request.auth, query.start or end - timedelta(days=27), end)
    for k in ("by_day", "by_agency", "by_type", "by_ward"):
        fig[k] = [{"key": key, "count": n} for key, n in fig[k]]
    return fig


class OperationOut(Schema):
    id: int
    name: str
    aim: str
    starts_on: date
    ends_on: date | None
    wards: str
    lead_agency: str
    totals: dict[str, Decimal]


def operation_out(op: Any, totals: list[Any] | None = None) -> dict[str, Any]:
    return {"id": op.pk, "name": op.name, "aim": op.aim, "starts_on": op.starts_on, "ends_on": op.ends_on,
            "wards": op.wards, "lead_agency": op.lead_agency.name,
            "totals": {str(k): total for k, total in (operations.operation_totals(op) if totals is None else totals)}}


@router.get("/operations", response={200: Page[OperationOut], **ERRORS}, summary="Operations and their output totals")
def list_operations(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = operations.operation_window(request.auth, params.window())
    return page(request, found, [operation_out(op, totals) for op, totals in found.rows])


class OutputIn(RequestBody):
    kind: text(100)  # type: ignore[valid-type]
    quantity: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
    on: Day
    note: text(300) = ""  # type: ignore[valid-type]


@router.post("/operations/{operation_id}/outputs", response={201: OperationOut, **ERRORS},
             summary="Record an operation's output (e.g. 30 arrests)")
def add_output(request: HttpRequest, operation_id: Id, body: OutputIn) -> Any:
    op = operations.get_operation(request.auth, operation_id, channel=API)
    operations.record_output(request.auth, op, kind=body.kind, quantity=body.quantity, on=body.on, note=body.note,
                             channel=API)
    return Status(201, operation_out(op))
