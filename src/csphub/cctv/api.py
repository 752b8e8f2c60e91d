"""CCTV routes of the API: the register and faults (every partner), reviews and the SEG's
decisions (internal; the CCTV lead records them), footage requests, and the quarter's figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from csphub.core.api import (
    API,
    ERRORS,
    BodyId,
    Day,
    Id,
    ListParams,
    Page,
    RequestBody,
    if_match,
    page,
    text,
)

from . import report, rules, services
from .models import Camera, Fault, FootageRequest, Review, SegMeeting

router = Router(tags=["cctv"])


class CameraOut(Schema):
    id: int
    camera_id: str
    name: str
    location: str
    latitude: float | None
    longitude: float | None
    ward_code: str
    ward_name: str
    lsoa_code: str
    kind: str
    transmission: str
    permanence: str
    owner: str
    funder: str
    installed_on: date | None
    end_of_life_on: date | None
    status: str
    purposes: list[str]
    publish: bool


def camera_out(c: Camera) -> dict[str, Any]:
    return {k: getattr(c, k) for k in CameraOut.model_fields if k != "id"} | {"id": c.pk}


class FaultIn(RequestBody):
    kind: Fault.Kind
    reported_by: text(200)  # type: ignore[valid-type]
    reported_on: Day | None = None
    description: text(5000) = ""  # type: ignore[valid-type]
    contractor_reference: text(100) = ""  # type: ignore[valid-type]


class FaultOut(Schema):
    id: int
    camera_id: int
    camera: str
    kind: str
    reported_on: date
    reported_by: str
    contractor_reference: str
    closed_on: date | None
    days_open: int | None = None
    flagged: bool | None = None


def fault_out(f: Fault, days_open: int | None = None, flagged: bool | None = None) -> dict[str, Any]:
    return {"id": f.pk, "camera_id": f.camera_id, "camera": f.camera.camera_id, "kind": f.kind,
            "reported_on": f.reported_on, "reported_by": f.reported_by, "contractor_reference": f.contractor_reference,
            "closed_on": f.closed_on, "days_open": days_open, "flagged": flagged}


@router.get("/cameras", response={200: Page[CameraOut], **ERRORS}, summary="The camera register")
def list_cameras(request: HttpRequest, params: Query[ListParams], ward: str = "", status: str = "",
                 kind: str = "") -> Any:
    filters = services.RegisterFilter(ward=ward[:100], status=status[:20], kind=kind[:20])
    found = services.camera_window(request.auth, filters, params.window())
    return page(request, found, [camera_out(c) for c in found.rows])


@router.get("/cameras/{camera_id}", response={200: CameraOut, **ERRORS})
def get_camera(request: HttpRequest, camera_id: Id) -> Any:
    return camera_out(services.get_camera(request.auth, camera_id, channel=API))


@router.post("/cameras/{camera_id}/faults", response={201: FaultOut, **ERRORS}, summary="Report a fault (the CCTV lead)")
def report_fault(request: HttpRequest, camera_id: Id, body: FaultIn) -> Any:
    camera = services.get_camera(request.auth, camera_id, channel=API, purpose="api fault report")
    fault = services.report_fault(request.auth, camera, channel=API, **body.dict())
    return Status(201, fault_out(fault, 0, False))


@router.get("/faults", response={200: Page[FaultOut], **ERRORS}, summary="Open faults, oldest first")
def list_faults(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.fault_window(request.auth, params.window())
    return page(request, found, [fault_out(r["fault"], r["days_open"], r["flagged"]) for r in found.rows])


class ReviewOut(Schema):
    id: int
    version: int
    reference: str
    kind: str
    trigger: str
    camera_id: int | None
    where: str
    opened_on: date
    status: str
    reason: str
    recommendation: str
    decision: str
    meeting: str | None
    decided_on: date | None
    rationale: str


def review_out(r: Review) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "reference": r.reference, "kind": r.kind, "trigger": r.trigger,
            "camera_id": r.camera_id, "where": r.where, "opened_on": r.opened_on, "status": r.status,
            "reason": r.reason, "recommendation": r.recommendation, "decision": r.decision,
            "meeting": r.meeting.reference if r.meeting_id else None, "decided_on": r.decided_on,
            "rationale": r.rationale}


class DecisionIn(RequestBody):
    decision: Review.Decision
    meeting_reference: text(40) = ""  # type: ignore[valid-type]
    rationale: text(5000) = ""  # type: ignore[valid-type]
    decided_on: Day | None = None
    relocate_to: text(300) = ""  # type: ignore[valid-type]


@router.get("/reviews", response={200: Page[ReviewOut], **ERRORS}, summary="Reviews and new-camera requests (internal)")
def list_reviews(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.review_window(request.auth, params.window())
    return page(request, found, [review_out(r) for r in found.rows])


@router.get("/reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def get_review(request: HttpRequest, review_id: Id) -> Any:
    return review_out(services.get_review(request.auth, review_id, channel=API))


@router.post("/reviews/{review_id}/decision", response={200: ReviewOut, **ERRORS},
             summary="Record the SEG's decision (names the SEG meeting; the CCTV lead)")
def decide(request: HttpRequest, review_id: Id, body: DecisionIn) -> Any:
    review = services.get_review(request.auth, review_id, channel=API, purpose="api cctv decision")
    meeting = (SegMeeting.objects.filter(reference__iexact=body.meeting_reference.strip(), archived_on__isnull=True).first()
               if body.meeting_reference.strip() else None)
    services.decide(request.auth, review, decision=body.decision, meeting=meeting, rationale=body.rationale,
                    decided_on=body.decided_on, relocate_to=body.relocate_to, expected_version=if_match(request),
                    channel=API)
    return review_out(review)


class FootageIn(RequestBody):
    camera_id: BodyId
    incident_on: Day
    reference: text(100)  # type: ignore[valid-type]
    purpose: text(5000)  # type: ignore[valid-type]


class FootageOut(Schema):
    id: int
    camera_id: int
    requesting_agency: str
    requested_on: date
    incident_on: date
    reference: str
    status: str
    answered_on: date | None


def footage_out(f: FootageRequest) -> dict[str, Any]:
    return {"id": f.pk, "camera_id": f.camera_id, "requesting_agency": f.requesting_agency.name,
            "requested_on": f.requested_on, "incident_on": f.incident_on, "reference": f.reference,
            "status": f.status, "answered_on": f.answered_on}


@router.get("/footage-requests", response={200: Page[FootageOut], **ERRORS},
            summary="Footage requests: the caller's agency's (all, for the CCTV lead)")
def list_footage(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.footage_window(request.auth, params.window())
    return page(request, found, [footage_out(f) for f in found.rows])


@router.post("/footage-requests", response={201: FootageOut, **ERRORS}, summary="Record a footage request")
def request_footage(request: HttpRequest, body: FootageIn) -> Any:
    camera = services.get_camera(request.auth, body.camera_id, channel=API, purpose="api footage request")
    found = services.request_footage(request.auth, camera=camera, incident_on=body.incident_on, reference=body.reference,
                                     purpose=body.purpose, channel=API)
    return Status(201, footage_out(found))


@router.get("/report", response={200: dict[str, Any], **ERRORS},
            summary="The quarter's CCTV paper as figures (e.g. ?quarter=2025Q3; default this quarter)")
def quarter_report(request: HttpRequest, quarter: str = "") -> Any:
    chosen = quarter[:10] or rules.quarter_of(timezone.localdate())
    return report.quarter_figures(request.auth, chosen)
