"""Panel routes of the API: the same confidentiality (member agencies only) and services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from csphub.accounts.services import agency_named
from csphub.casework import services as casework_services
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

from . import services
from .models import Panel, PanelAction, PanelMeeting, PanelReferral

router = Router(tags=["panels"])


class PanelOut(Schema):
    id: int
    name: str
    kind: str
    members: list[str]
    cohort_cap: int | None
    in_cohort: int


class PanelReferralOut(Schema):
    id: int
    version: int
    panel_id: int
    person_id: int | None
    person_name: str | None
    location: str
    case_id: int | None
    referring_agency: str
    reason: str
    risks: str
    consent: str
    status: str
    referred_on: date
    decided_on: date | None
    decision_reason: str
    next_review_on: date | None
    duplicate_of: int | None = None


class PanelReferralIn(RequestBody):
    person_id: BodyId | None = None
    location: text(300) = ""  # type: ignore[valid-type]
    reason: text(5000)  # type: ignore[valid-type]
    risks: text(5000) = ""  # type: ignore[valid-type]
    consent: PanelReferral.Consent


class DecisionIn(RequestBody):
    status: PanelReferral.Status
    reason: text(5000) = ""  # type: ignore[valid-type]


def panel_out(panel: Panel) -> dict[str, Any]:
    return {"id": panel.pk, "name": panel.name, "kind": panel.kind, "members": [a.name for a in panel.members.all()],
            "cohort_cap": panel.cohort_cap,
            "in_cohort": panel.in_cohort}  # annotated by services.panel_window


def referral_out(r: PanelReferral) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "panel_id": r.panel_id, "person_id": r.person_id,
            "person_name": r.person.full_name if r.person else None, "location": r.location, "case_id": r.case_id,
            "referring_agency": r.referring_agency.name, "reason": r.reason, "risks": r.risks, "consent": r.consent,
            "status": r.status, "referred_on": r.referred_on, "decided_on": r.decided_on,
            "decision_reason": r.decision_reason, "next_review_on": r.next_review_on,
            "duplicate_of": r.duplicate_of_id}


@router.get("/", response={200: Page[PanelOut], **ERRORS}, summary="Panels the caller's agency sits on")
def list_panels(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.panel_window(request.auth, params.window())
    return page(request, found, [panel_out(p) for p in found.rows])


@router.get("/{panel_id}/referrals", response={200: Page[PanelReferralOut], **ERRORS})
def list_referrals(request: HttpRequest, panel_id: Id, params: Query[ListParams]) -> Any:
    panel = services.get_panel(request.auth, panel_id, channel=API, purpose="api panel referrals")
    found = services.panel_referral_window(request.auth, panel, params.window())
    return page(request, found, [referral_out(r) for r in found.rows])


@router.post("/{panel_id}/referrals", response={201: PanelReferralOut, **ERRORS},
             summary="Refer a person or location to a panel (any officer or supervisor may refer)")
def create_referral(request: HttpRequest, panel_id: Id, payload: PanelReferralIn) -> Any:
    person = casework_services.get_person(request.auth, payload.person_id, channel=API,
                                          purpose="referred to a panel") if payload.person_id else None
    referral = services.refer_to_panel(request.auth, panel_id, person=person, location=payload.location,
                                       reason=payload.reason, risks=payload.risks, consent=payload.consent, channel=API)
    return Status(201, referral_out(referral))


@router.get("/referrals/{referral_id}", response={200: PanelReferralOut, **ERRORS})
def get_referral(request: HttpRequest, referral_id: Id) -> Any:
    return referral_out(services.get_referral(request.auth, referral_id, channel=API, purpose="api panel referral"))


@router.post("/referrals/{referral_id}/decision", response={200: PanelReferralOut, **ERRORS},
             summary="Adopt, decline, mark in custody or close; refused (422) at the cohort cap")
def decide(request: HttpRequest, referral_id: Id, payload: DecisionIn) -> Any:
    referral = services.get_referral(request.auth, referral_id, channel=API, purpose="api panel decision")
    return referral_out(services.decide(request.auth, referral, payload.status, reason=payload.reason,
                                        expected_version=if_match(request), channel=API))


# ---- Meetings and actions ------------------------------------------------------------------

class MeetingIn(RequestBody):
    held_on: Day
    agencies: list[text(200)] = []  # type: ignore[valid-type]
    attendees: text(5000) = ""  # type: ignore[valid-type]
    minutes: text(50000) = ""  # type: ignore[valid-type]


class MeetingOut(Schema):
    id: int
    panel_id: int
    held_on: date
    agencies: list[str]
    attendees: str
    minutes: str
    modified_on: datetime


def meeting_out(m: PanelMeeting) -> dict[str, Any]:
    return {"id": m.pk, "panel_id": m.panel_id, "held_on": m.held_on,
            "agencies": sorted(a.name for a in m.attending_agencies.all()), "attendees": m.attendees,
            "minutes": m.minutes, "modified_on": m.modified_on}


@router.get("/{panel_id}/meetings", response={200: Page[MeetingOut], **ERRORS}, summary="The panel's meetings, newest first")
def list_meetings(request: HttpRequest, panel_id: Id, params: Query[ListParams]) -> Any:
    panel = services.get_panel(request.auth, panel_id, channel=API, purpose="api panel meetings")
    found = services.meeting_window(request.auth, panel, params.window())
    return page(request, found, [meeting_out(m) for m in found.rows])


@router.post("/{panel_id}/meetings", response={201: MeetingOut, **ERRORS},
             summary="Record a meeting; its agenda is built from open referrals and reviews due")
def create_meeting(request: HttpRequest, panel_id: Id, payload: MeetingIn) -> Any:
    panel = services.get_panel(request.auth, panel_id, channel=API, purpose="api panel meeting")
    meeting = services.hold_meeting(request.auth, panel, held_on=payload.held_on,
                                    agencies=[agency_named(n, "agencies") for n in payload.agencies],
                                    attendees=payload.attendees, minutes=payload.minutes, channel=API)
    return Status(201, meeting_out(meeting))


class ActionIn(RequestBody):
    description: text(5000)  # type: ignore[valid-type]
    owner_agency: text(200)  # type: ignore[valid-type]
    due_on: Day


class ActionOut(Schema):
    id: int
    referral_id: int
    description: str
    owner_agency: str
    due_on: date
    rag: str
    modified_on: datetime


class RagIn(RequestBody):
    rag: PanelAction.Rag


def action_out(a: PanelAction) -> dict[str, Any]:
    return {"id": a.pk, "referral_id": a.referral_id, "description": a.description,
            "owner_agency": a.owner_agency.name, "due_on": a.due_on, "rag": a.rag, "modified_on": a.modified_on}


@router.get("/referrals/{referral_id}/actions", response={200: Page[ActionOut], **ERRORS},
            summary="Actions agreed for the person on the panel, earliest due first")
def list_actions(request: HttpRequest, referral_id: Id, params: Query[ListParams]) -> Any:
    referral = services.get_referral(request.auth, referral_id, channel=API, purpose="api panel actions")
    found = services.action_window(request.auth, referral, params.window())
    return page(request, found, [action_out(a) for a in found.rows])


@router.post("/referrals/{referral_id}/actions", response={201: ActionOut, **ERRORS},
             summary="Agree an action owned by a member agency (it reaches that agency's inbox)")
def create_action(request: HttpRequest, referral_id: Id, payload: ActionIn) -> Any:
    referral = services.get_referral(request.auth, referral_id, channel=API, purpose="api panel action")
    owner = agency_named(payload.owner_agency, "owner_agency")  # add_action refuses a non-member
    action = services.add_action(request.auth, referral, description=payload.description, owner_agency=owner,
                                 due_on=payload.due_on, channel=API)
    return Status(201, action_out(action))


@router.post("/referrals/{referral_id}/actions/{action_id}/rag", response={200: ActionOut, **ERRORS},
             summary="Record an action's progress (red, amber, green, complete)")
def set_rag(request: HttpRequest, referral_id: Id, action_id: Id, payload: RagIn) -> Any:
    referral = services.get_referral(request.auth, referral_id, channel=API, purpose="api panel action")
    return action_out(services.set_action_rag(request.auth, referral, action_id, payload.rag, channel=API))
