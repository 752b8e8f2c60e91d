"""ASB Case Review routes of the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from csphub.accounts.services import agency_named
from csphub.core.api import (
    API,
    ERRORS,
    BodyId,
    Day,
    Id,
    ListParams,
    Page,
    RequestBody,
    etag,
    if_match,
    page,
    text,
)

from . import services
from .models import CaseReviewApplication, Recommendation, ReviewMeeting

router = Router(tags=["case reviews"])


class ApplicationOut(Schema):
    id: int
    reference: str
    applicant_id: int
    received_on: date
    status: str
    threshold_met: bool | None
    decision_reason: str
    threshold_check: str
    deadlines: dict[str, date]
    overdue: list[str]
    review_held_on: date | None
    has_recommendations: bool
    version: int
    linked_case_ids: list[int] = Field(description="The linked ASB cases the caller may see")
    discretionary: bool = Field(description="A review below the threshold, at the partnership's discretion")
    discretion_reason: str


def application_out(a: CaseReviewApplication, user: Any,
                    facts: services.ApplicationFacts | None = None) -> dict[str, Any]:
    """``facts`` (from services.application_facts) come with a list; one application is read
    through the same function with a list of one."""
    if facts is None:
        facts = services.application_facts(user, [a])[a.pk]
    return {"id": a.pk, "reference": a.reference, "applicant_id": a.applicant_id, "received_on": a.received_on,
            "status": a.status, "threshold_met": a.threshold_met, "decision_reason": a.decision_reason,
            "threshold_check": facts.threshold.reason, "deadlines": services.deadlines_for(a),
            "overdue": services.overdue_stages(a), "review_held_on": a.review_held_on,
            "has_recommendations": facts.has_recommendations, "version": a.version,
            "linked_case_ids": facts.linked_case_ids,
            "discretionary": a.discretionary, "discretion_reason": a.discretion_reason}


@router.get("/", response={200: Page[ApplicationOut], **ERRORS}, summary="Applications the caller may see")
def list_applications(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.application_window(request.auth, params.window())
    return page(request, found, [application_out(a, request.auth, facts) for a, facts in found.rows])


class ComplaintIn(RequestBody):
    reported_on: Day = Field(description="When the complaint was made (not before the behaviour, not in the future)")
    behaviour_on: Day = Field(description="When the behaviour complained of happened")
    agency: text(200) = Field(description="The agency it was made to, by name")  # type: ignore[valid-type]
    is_hate: bool = False
    reference: text(100) = ""  # type: ignore[valid-type]


class ApplicationIn(RequestBody):
    applicant_id: BodyId = Field(description="A person the caller may see (404 otherwise)")
    behaviour: text(5000) = Field(description="The behaviour complained of (not empty)")  # type: ignore[valid-type]
    received_on: Day | None = Field(None, description="Default today; not in the future")
    on_behalf_of: text(200) = ""  # type: ignore[valid-type]
    complaints: list[ComplaintIn] = Field([], description="Complaints not already recorded as incidents on a "
                                                          "case (link the case for those)")


@router.post("/", response={201: ApplicationOut, **ERRORS},
             summary="Record an application (officers and supervisors): the threshold is checked at once; the "
                     "same date rules as the page")
def create_application(request: HttpRequest, payload: ApplicationIn) -> Any:
    application = services.receive_application_by_id(
        request.auth, applicant_id=payload.applicant_id, behaviour=payload.behaviour,
        received_on=payload.received_on, on_behalf_of=payload.on_behalf_of,
        complaints=[services.ComplaintInput(c.reported_on, c.behaviour_on, agency_named(c.agency, "complaints"),
                                            c.is_hate, c.reference) for c in payload.complaints],
        channel=API)
    return Status(201, application_out(application, request.auth))


@router.get("/{application_id}", response={200: ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, application_id: Id) -> Any:
    return application_out(services.get_application(request.auth, application_id, channel=API), request.auth)


@router.post("/{application_id}/decision", response={200: ApplicationOut, **ERRORS},
             summary="Record the threshold decision, as the partnership's rule gives it")
def decide(request: HttpRequest, application_id: Id) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    services.decide_threshold(request.auth, application, channel=API)
    return application_out(application, request.auth)


# ---- The workflow (issue 12, item 8) ---------------------------------------------------------

class LinkCaseIn(RequestBody):
    case_id: BodyId


@router.post("/{application_id}/cases", response={200: ApplicationOut, **ERRORS},
             summary="Link an ASB case the caller may see (404 otherwise): its incidents count towards the threshold")
def link_case(request: HttpRequest, application_id: Id, payload: LinkCaseIn) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    services.link_case(request.auth, application, payload.case_id, channel=API)
    return application_out(application, request.auth)


class DiscretionIn(RequestBody):
    reason: text(5000)  # type: ignore[valid-type]


@router.post("/{application_id}/discretion", response={200: ApplicationOut, **ERRORS},
             summary="Hold a review below the threshold, saying why; with If-Match, refused (409) if changed since")
def decide_discretionary(request: HttpRequest, application_id: Id, payload: DiscretionIn) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    services.decide_discretionary(request.auth, application, reason=payload.reason,
                                  expected_version=if_match(request), channel=API)
    return application_out(application, request.auth)


class AttendanceIn(RequestBody):
    agency: text(200)  # type: ignore[valid-type]
    name_role: text(200)  # type: ignore[valid-type]


class MeetingIn(RequestBody):
    held_on: Day
    chair: text(200)  # type: ignore[valid-type]
    independent_chair: text(200) = ""  # type: ignore[valid-type]
    documents: text(5000) = ""  # type: ignore[valid-type]
    attendees: list[AttendanceIn] = Field(max_length=50)


class AttendanceOut(Schema):
    agency: str
    name_role: str


class MeetingOut(Schema):
    id: int
    version: int = Field(description="The meeting record's version: send it as If-Match to correct it")
    application_id: int
    held_on: date
    chair: str
    independent_chair: str
    documents: list[str]
    attendees: list[AttendanceOut]


def meeting_out(m: ReviewMeeting) -> dict[str, Any]:
    return {"id": m.pk, "version": m.version, "application_id": m.application_id, "held_on": m.held_on, "chair": m.chair,
            "independent_chair": m.independent_chair, "documents": m.document_list,
            "attendees": [{"agency": a.agency.name, "name_role": a.name_role}
                          for a in m.attendances.select_related("agency")]}


@router.post("/{application_id}/meeting", response={201: MeetingOut, **ERRORS},
             summary="Record the review meeting: date, chair, agencies attending, documents considered")
def record_meeting(request: HttpRequest, application_id: Id, payload: MeetingIn) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    attendees = [services.AttendanceInput(agency=agency_named(a.agency, "attendees"), name_role=a.name_role)
                 for a in payload.attendees]
    meeting = services.record_meeting(request.auth, application, held_on=payload.held_on, chair=payload.chair,
                                      independent_chair=payload.independent_chair, documents=payload.documents,
                                      attendees=attendees, channel=API)
    return Status(201, meeting_out(meeting))


class MeetingCorrection(RequestBody):
    held_on: Day | None = None
    chair: text(200) | None = None  # type: ignore[valid-type]
    independent_chair: text(200) | None = None  # type: ignore[valid-type]
    documents: text(5000) | None = None  # type: ignore[valid-type]
    attendees: list[AttendanceIn] | None = Field(None, max_length=50,
                                                 description="Everyone who attended (replaces the list); leave out "
                                                             "to keep it")
    reason: text(100) = Field(description="Why the meeting record is corrected: kept in its history")  # type: ignore[valid-type]


class MeetingCorrectionOut(MeetingOut):
    changed: list[str] = Field(description="The fields the correction changed (empty: nothing was different)")
    effects: list[str] = Field(description="What the rules re-checked after the change now say")


@router.patch("/{application_id}/meeting", response={200: MeetingCorrectionOut, **ERRORS},
              summary="Correct the review meeting, saying why; with If-Match, refused (409) if changed since")
def correct_meeting(request: HttpRequest, response: HttpResponse, application_id: Id,
                    payload: MeetingCorrection) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    attendees = None if payload.attendees is None else [
        services.AttendanceInput(agency=agency_named(a.agency, "attendees"), name_role=a.name_role)
        for a in payload.attendees]
    result = services.correct_meeting(request.auth, application, held_on=payload.held_on, chair=payload.chair,
                                      independent_chair=payload.independent_chair, documents=payload.documents,
                                      attendees=attendees, reason=payload.reason,
                                      expected_version=if_match(request), channel=API)
    etag(response, result.record.version)
    return {**meeting_out(result.record), "changed": result.changed, "effects": result.effects}


class RecommendationIn(RequestBody):
    text: text(5000)  # type: ignore[valid-type]
    owner_agency: text(200)  # type: ignore[valid-type]
    due_on: Day


class RecommendationOut(Schema):
    id: int
    version: int
    application_id: int
    text: str
    owner_agency: str
    due_on: date
    status: str
    status_reason: str
    closed_on: date | None
    overdue: bool


def recommendation_out(r: Recommendation) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "application_id": r.application_id, "text": r.text,
            "owner_agency": r.owner_agency.name, "due_on": r.due_on, "status": r.status,
            "status_reason": r.status_reason, "closed_on": r.closed_on, "overdue": r.is_overdue(timezone.localdate())}


@router.post("/{application_id}/recommendations", response={201: RecommendationOut, **ERRORS},
             summary="Add a recommendation of the review, with its owner agency and due date")
def add_recommendation(request: HttpRequest, application_id: Id, payload: RecommendationIn) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    r = services.add_recommendation(request.auth, application, text=payload.text,
                                    owner_agency=agency_named(payload.owner_agency, "owner_agency"),
                                    due_on=payload.due_on, channel=API)
    return Status(201, recommendation_out(r))


class RecommendationPatch(RequestBody):
    status: str = Field(description="open, done or not_accepted")
    status_reason: text(5000) = ""  # type: ignore[valid-type]
    due_on: Day | None = None


@router.patch("/recommendations/{recommendation_id}", response={200: RecommendationOut, **ERRORS},
              summary="Mark a recommendation done or not accepted (with a reason); with If-Match, refused (409) "
                      "if changed since")
def update_recommendation(request: HttpRequest, recommendation_id: Id, payload: RecommendationPatch) -> Any:
    r = services.get_recommendation(request.auth, recommendation_id, channel=API)
    services.update_recommendation(request.auth, r, status=payload.status, status_reason=payload.status_reason,
                                   due_on=payload.due_on, expected_version=if_match(request), channel=API)
    return recommendation_out(r)
