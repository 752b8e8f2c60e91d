"""PSPO routes of the API (mounted at /api/v1/pspos by csphub.web.api)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from csphub.core.api import (
    API,
    ERRORS,
    BodyId,
    Day,
    Id,
    ListParams,
    Moment,
    Page,
    RequestBody,
    accepts_multipart,
    etag,
    if_match,
    page,
    text,
)

from . import services
from .models import Enforcement, Order, OrderDocument

router = Router(tags=["pspos"])


class OrderOut(Schema):
    id: int
    reference: str
    name: str
    status: str
    area_description: str
    area: dict[str, Any]
    ward_codes: list[str]
    prohibitions: str
    requirements: str
    made_on: date
    effective_on: date
    expires_on: date
    alert_from: date
    discharged_on: date | None
    document_url: str


class OrderIn(RequestBody):
    name: text(200)  # type: ignore[valid-type]
    made_on: Day
    effective_on: Day
    expires_on: Day
    area: dict[str, Any] | None = Field(None, description="GeoJSON (WGS84): a Polygon, Feature or FeatureCollection")
    ward_codes: list[text(9)] = []  # type: ignore[valid-type]
    area_description: text(300) = ""  # type: ignore[valid-type]
    prohibitions: text(10000) = ""  # type: ignore[valid-type]
    requirements: text(10000) = ""  # type: ignore[valid-type]
    document_url: text(200) = ""  # type: ignore[valid-type]


class ExtensionIn(RequestBody):
    decided_on: Day
    new_expiry: Day
    description: text(5000) = ""  # type: ignore[valid-type]


class ConsultationIn(RequestBody):
    purpose: Literal["make", "extend", "vary", "discharge"]
    opened_on: Day
    closed_on: Day | None = None
    consultees: list[Literal["chief_officer", "pcc", "community", "land_owner"]] = []
    responses: int = Field(0, ge=0, le=1_000_000)
    responses_in_favour: int | None = Field(None, ge=0, le=1_000_000)
    summary: text(5000) = ""  # type: ignore[valid-type]


class ConsultationOut(Schema):
    id: int
    purpose: str
    opened_on: date
    closed_on: date | None
    consultees: list[str]
    missing: list[str]
    responses: int


class EnforcementOut(Schema):
    id: int
    order_id: int
    kind: str
    occurred_at: Any
    latitude: float
    longitude: float
    agency: str
    person_id: int | None
    notice_number: str
    amount: int | None
    early_payment_amount: int | None
    early_payment_by: date | None = Field(None, description="an FPN offering an early-payment amount: the last day "
                                                            "it may be paid (CSPHUB_PENALTY_EARLY_PAYMENT_DAYS after "
                                                            "the notice)")
    paid_on: date | None
    paid_amount: int | None
    prosecution: str
    payment_due_on: date | None = Field(None, description="an FPN: the last day to pay (CSPHUB_PENALTY_PAYMENT_DAYS "
                                                          "after the notice)")
    payment_state: Literal["paid", "withdrawn", "awaiting_payment", "overdue", "out_of_time"] | None = Field(
        None, description="an FPN today: paid; withdrawn (not pursued); unpaid and not yet due; unpaid and overdue "
                          "(still time to prosecute); unpaid and out of time")
    days_overdue: int | None = Field(None, description="an FPN unpaid after its due date: days since the due date")
    prosecute_by: date | None = Field(None, description="an FPN: the last day to lay an information for the s67 "
                                                        "offence (six months from the offence, MCA 1980 s127)")
    next_step: str | None = Field(None, description="an FPN: what to do next if unpaid, in words")


class DocumentOut(Schema):
    id: int
    order_id: int
    description: str
    filename: str
    content_type: str
    size: int | None
    scan: str = Field(..., description="clean, not_scanned or scan_failed (an infected file is never stored)")
    uploaded_at: Any
    current: bool = Field(..., description="the newest: the order as published; the others are earlier versions")


class EnforcementIn(RequestBody):
    kind: Enforcement.Kind
    occurred_at: Moment
    latitude: float = Field(..., ge=-90, le=90)
    longitude: float = Field(..., ge=-180, le=180)
    location: text(300) = ""  # type: ignore[valid-type]
    prohibition: text(200) = ""  # type: ignore[valid-type]
    notes: text(5000) = ""  # type: ignore[valid-type]
    person_id: BodyId | None = None
    notice_number: text(40) = ""  # type: ignore[valid-type]
    amount: int | None = Field(None, ge=1, le=100_000)
    early_payment_amount: int | None = Field(None, ge=1, le=100_000)


class PaymentIn(RequestBody):
    paid_on: Day | None = None
    paid_amount: int | None = Field(None, ge=1, le=100_000)
    prosecution: Enforcement.Prosecution = Enforcement.Prosecution.NONE


def order_out(o: Order) -> dict[str, Any]:
    return {"id": o.pk, "reference": o.reference, "name": o.name, "status": o.status(),
            "area_description": o.area_description, "area": json.loads(o.area_geojson), "ward_codes": o.ward_codes,
            "prohibitions": o.prohibitions, "requirements": o.requirements, "made_on": o.made_on,
            "effective_on": o.effective_on, "expires_on": o.expires_on, "alert_from": o.alert_from,
            "discharged_on": o.discharged_on, "document_url": o.document_url}


def enforcement_out(request: HttpRequest, e: Enforcement) -> dict[str, Any]:
    person = services.breach_person(request.auth, e, channel=API)
    return {"id": e.pk, "order_id": e.order_id, "kind": e.kind, "occurred_at": e.occurred_at, "latitude": e.latitude,
            "longitude": e.longitude, "agency": e.agency.name, "person_id": person.pk if person else None,
            "notice_number": e.notice_number, "amount": e.amount, "early_payment_amount": e.early_payment_amount,
            "early_payment_by": e.early_payment_by,
            "paid_on": e.paid_on, "paid_amount": e.paid_amount, "prosecution": e.prosecution, **penalty_out(e)}


def penalty_out(e: Enforcement) -> dict[str, Any]:
    """An FPN's due date and where it stands today (all null for a patrol or warning)."""
    state = e.penalty_state()
    if state is None:
        return {"payment_due_on": None, "payment_state": None, "days_overdue": None, "prosecute_by": None,
                "next_step": None}
    return {"payment_due_on": state.due_on, "payment_state": state.state,
            "days_overdue": state.days_overdue if state.state in ("overdue", "out_of_time") else None,
            "prosecute_by": state.prosecute_by, "next_step": e.next_step() or None}


@router.get("/", response={200: Page[OrderOut], **ERRORS}, summary="The register of orders")
def list_orders(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.order_window(request.auth, params.window())
    return page(request, found, [order_out(o) for o in found.rows])


@router.post("/", response={201: OrderOut, **ERRORS}, summary="Add an order (council officers and supervisors)")
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    services.require_manage(request.auth)
    data = payload.dict()
    area = services.area_from(geojson=json.dumps(data.pop("area")) if data.get("area") else "",
                              ward_codes=data["ward_codes"])
    order = services.make_order(request.auth, services.OrderInput(area_geojson=area, **data), channel=API)
    return Status(201, order_out(order))


@router.get("/{order_id}", response={200: OrderOut, **ERRORS}, summary="An order; ETag is its version")
def get_order(request: HttpRequest, response: HttpResponse, order_id: Id) -> Any:
    order = services.get_order(request.auth, order_id, channel=API)
    etag(response, order.version)
    return order_out(order)


@router.post("/{order_id}/consultations", response={201: ConsultationOut, **ERRORS},
             summary="Record a consultation (making, extending, varying or discharging)")
def create_consultation(request: HttpRequest, order_id: Id, payload: ConsultationIn) -> Any:
    order = services.order_to_change(request.auth, order_id, channel=API)
    c = services.record_consultation(request.auth, order, channel=API, **payload.dict())
    return Status(201, {"id": c.pk, "purpose": c.purpose, "opened_on": c.opened_on, "closed_on": c.closed_on,
                        "consultees": c.consultees, "missing": c.missing, "responses": c.responses})


@router.post("/{order_id}/extensions", response={200: OrderOut, **ERRORS},
             summary="Extend by up to 3 years, before expiry, after consultation; If-Match: 409 if changed since")
def extend(request: HttpRequest, response: HttpResponse, order_id: Id, payload: ExtensionIn) -> Any:
    order = services.order_to_change(request.auth, order_id, channel=API)
    services.extend_order(request.auth, order, expected_version=if_match(request), channel=API, **payload.dict())
    etag(response, order.version)
    return order_out(order)


@router.get("/{order_id}/enforcement", response={200: Page[EnforcementOut], **ERRORS},
            summary="Enforcement against the order that the caller's agency may see")
def list_enforcement(request: HttpRequest, order_id: Id, params: Query[ListParams]) -> Any:
    order = services.get_order(request.auth, order_id, channel=API)
    found = services.enforcement_window(request.auth, order, params.window())
    return page(request, found, [enforcement_out(request, e) for e in found.rows])


@router.post("/{order_id}/enforcement", response={201: EnforcementOut, **ERRORS},
             summary="Record a patrol, warning or FPN (refused outside the order's area or above the cap)")
def create_enforcement(request: HttpRequest, order_id: Id, payload: EnforcementIn) -> Any:
    order = services.get_order(request.auth, order_id, channel=API)
    data = payload.dict()
    person_id = data.pop("person_id")
    person = services.get_person(request.auth, person_id, channel=API) if person_id else None
    found = services.record_enforcement(request.auth, order, services.EnforcementInput(person=person, **data),
                                        channel=API)
    return Status(201, enforcement_out(request, found))


@router.get("/enforcement/{enforcement_id}", response={200: EnforcementOut, **ERRORS})
def get_enforcement(request: HttpRequest, response: HttpResponse, enforcement_id: Id) -> Any:
    found = services.get_enforcement(request.auth, enforcement_id, channel=API)
    etag(response, found.version)
    return enforcement_out(request, found)


@router.patch("/enforcement/{enforcement_id}", response={200: EnforcementOut, **ERRORS},
              summary="Record an FPN paid, or its prosecution; If-Match: 409 if changed since")
def patch_enforcement(request: HttpRequest, response: HttpResponse, enforcement_id: Id, payload: PaymentIn) -> Any:
    found = services.get_enforcement(request.auth, enforcement_id, channel=API)
    services.record_payment(request.auth, found, expected_version=if_match(request), channel=API, **payload.dict())
    etag(response, found.version)
    return enforcement_out(request, found)


def document_out(d: OrderDocument, current: int | None) -> dict[str, Any]:
    return {"id": d.pk, "order_id": d.order_id, "description": d.description, "filename": d.original_name,
            "content_type": d.content_type, "size": d.size, "scan": d.scan_status, "uploaded_at": d.created_on,
            "current": d.pk == current}


@router.get("/{order_id}/documents", response={200: Page[DocumentOut], **ERRORS},
            summary="The published order document and its earlier versions, newest first")
def list_documents(request: HttpRequest, order_id: Id, params: Query[ListParams]) -> Any:
    order = services.get_order(request.auth, order_id, channel=API)
    found = services.document_window(request.auth, order, params.window())
    current = services.current_document_id(order)
    return page(request, found, [document_out(d, current) for d in found.rows])


@router.post("/{order_id}/documents", response={201: DocumentOut, **ERRORS},
             summary="Upload the published order, sent as multipart/form-data (fields `file` and `description`): "
                     "PDF or Word only, the same size and virus checks as the page; refused (422 on `file`) and "
                     "not stored otherwise; council officers and supervisors")
@accepts_multipart
def create_document(request: HttpRequest, order_id: Id, file: File[UploadedFile],
                    description: Form[text(300)]) -> Any:  # type: ignore[valid-type]
    order = services.order_to_change(request.auth, order_id, channel=API)
    document = services.add_document(request.auth, order, file, description, channel=API)
    return Status(201, document_out(document, services.current_document_id(order)))


@router.get("/documents/{document_id}/content", response={200: None, **ERRORS},
            summary="The order document's bytes, to save (Content-Disposition: attachment); audited as a download")
def document_content(request: HttpRequest, document_id: Id) -> Any:
    document = services.get_document(request.auth, document_id, channel=API)
    response = FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=document.original_name or f"{document.order.reference}{document.file.name[-4:]}",
                            content_type=document.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/figures/quarters", response={200: list[dict[str, Any]], **ERRORS},
            summary="Per order and quarter: warnings, FPNs issued and paid, prosecutions; crime before and after")
def get_figures(request: HttpRequest) -> Any:
    rows = services.figures(request.auth, channel=API)
    return [{"id": r["id"], "name": r["name"], "effective_on": r["effective_on"], "quarters": r["quarters"],
             "crime": r["crime"].as_dict()} for r in rows]
