"""Encampments and tents routes of the API (mounted at /api/v1/encampments by csphub.web.api)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

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
    etag,
    if_match,
    page,
    text,
)
from csphub.dates import financial_year_of, parse_financial_year
from csphub.errors import RuleRefused

from . import rules, services
from .models import Incursion, LegalStep, Site, TentCase

router = Router(tags=["encampments"])

LandOwner = Literal["council", "private", "highway", "school"]


class SiteOut(Schema):
    id: int
    name: str
    land_owner: str
    description: str
    latitude: float | None
    longitude: float | None
    ward_name: str


class SiteIn(RequestBody):
    name: text(200)  # type: ignore[valid-type]
    land_owner: LandOwner
    description: text(300) = ""  # type: ignore[valid-type]
    owner_name: text(200) = ""  # type: ignore[valid-type]
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    ward_name: text(100) = ""  # type: ignore[valid-type]


class StepDueOut(Schema):
    step: str
    name: str
    due_on: date
    done_on: date | None
    status: str


class PowerOut(Schema):
    power: str
    name: str
    applies: bool
    reasons: list[str]


class StepOut(Schema):
    id: int
    step: str
    taken_on: date
    agency: str
    no_return_until: date | None
    vehicles_seized: int
    arrests: int


class IncursionOut(Schema):
    id: int
    reference: str
    site_id: int
    site: str
    arrived_at: Any
    caravans: int | None
    vehicles: int | None
    people: int | None
    children: int | None
    welfare_checked_on: date | None
    welfare_outcome: str
    route: str
    left_on: date | None
    moved_to_id: int | None
    arrests: int
    total_cost: int
    target_hardening: list[str]
    site_reentered: bool
    repeat_site: bool
    timetable: list[StepDueOut] = []
    powers: list[PowerOut] = []
    steps: list[StepOut] = []


class IncursionIn(RequestBody):
    site_id: BodyId
    arrived_at: Moment
    reported_by: Incursion.Reported = Incursion.Reported.PUBLIC
    caravans: int | None = Field(None, ge=0, le=500)
    vehicles: int | None = Field(None, ge=0, le=500)
    people: int | None = Field(None, ge=0, le=2000)
    children: int | None = Field(None, ge=0, le=2000)
    land_occupied: bool = True
    occupier_consented: bool = False
    damage_disruption_distress: bool = False
    significant_harm: bool = False
    suitable_pitch_available: bool = False
    impact_asb: bool = False
    impact_waste: bool = False
    impact_damage: bool = False
    impact_notes: text(5000) = ""  # type: ignore[valid-type]


class IncursionPatch(RequestBody):
    """Any of the facts, the welfare assessment or the outcome; only the fields sent change."""

    caravans: int | None = Field(None, ge=0, le=500)
    vehicles: int | None = Field(None, ge=0, le=500)
    people: int | None = Field(None, ge=0, le=2000)
    children: int | None = Field(None, ge=0, le=2000)
    asked_to_leave_on: Day | None = None
    damage_disruption_distress: bool | None = None
    route: Incursion.Route | None = None
    welfare_checked_on: Day | None = None
    welfare_needs: text(5000) | None = None  # type: ignore[valid-type]
    children_schooling: text(5000) | None = None  # type: ignore[valid-type]
    health: text(5000) | None = None  # type: ignore[valid-type]
    welfare_outcome: Incursion.WelfareOutcome | None = None
    left_on: Day | None = None
    moved_to_id: BodyId | None = None
    arrests: int | None = Field(None, ge=0, le=500)
    cleanup_cost: int | None = Field(None, ge=0, le=10_000_000)
    repair_cost: int | None = Field(None, ge=0, le=10_000_000)
    legal_cost: int | None = Field(None, ge=0, le=10_000_000)
    target_hardening: list[Literal["bunds", "gates", "height_barriers", "boulders", "fencing", "ditches"]] | None = None
    site_reentered: bool | None = None


class StepIn(RequestBody):
    step: Literal[tuple(c for c, _ in LegalStep.STEP_CHOICES)]  # type: ignore[valid-type]
    taken_on: Day
    vehicles_seized: int = Field(0, ge=0, le=200)
    arrests: int = Field(0, ge=0, le=200)
    notes: text(5000) = ""  # type: ignore[valid-type]


class TentOut(Schema):
    id: int
    reference: str
    location: str
    reported_on: date
    tents: int
    person_ids: list[int]
    people_not_shown: int
    reasons: list[str]
    tools: list[str]
    outreach_offered_on: date | None
    outcome: str
    outcome_on: date | None


class TentIn(RequestBody):
    location: text(300)  # type: ignore[valid-type]
    reported_on: Day
    reasons: list[Literal["not_engaging", "alternative_accommodation", "asb"]]
    tools: list[Literal[tuple(rules.TENT_TOOLS)]] = []  # type: ignore[valid-type]
    person_ids: list[BodyId] = []
    tents: int = Field(1, ge=1, le=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    outreach_offered_on: Day | None = None
    outreach: text(5000) = ""  # type: ignore[valid-type]
    housing_offer: text(5000) = ""  # type: ignore[valid-type]


def site_out(s: Site) -> dict[str, Any]:
    return {"id": s.pk, "name": s.name, "land_owner": s.land_owner, "description": s.description,
            "latitude": s.latitude, "longitude": s.longitude, "ward_name": s.ward_name}


def incursion_out(request: HttpRequest, i: Incursion, detail: bool = False) -> dict[str, Any]:
    out = {"id": i.pk, "reference": i.reference, "site_id": i.site_id, "site": i.site.name, "arrived_at": i.arrived_at,
           "caravans": i.caravans, "vehicles": i.vehicles, "people": i.people, "children": i.children,
           "welfare_checked_on": i.welfare_checked_on, "welfare_outcome": i.welfare_outcome, "route": i.route,
           "left_on": i.left_on, "moved_to_id": i.moved_to_id, "arrests": i.arrests, "total_cost": i.total_cost,
           "target_hardening": i.target_hardening or [], "site_reentered": i.site_reentered,
           "repeat_site": services.is_repeat_site(i)}
    if detail:
        out["timetable"] = [s.__dict__ for s in services.timetable_for(i)]
        out["powers"] = [{"power": p.power, "name": p.name, "applies": p.applies, "reasons": list(p.reasons)}
                         for p in services.powers(i)]
        out["steps"] = [{"id": s.pk, "step": s.step, "taken_on": s.taken_on, "agency": s.agency.name,
                         "no_return_until": s.no_return_until, "vehicles_seized": s.vehicles_seized,
                         "arrests": s.arrests} for s in services.steps_of(request.auth, i, channel=API)]
    return out


def tent_out(request: HttpRequest, t: TentCase, shown: list[Any], not_shown: int) -> dict[str, Any]:
    """One record as the API shows it, with ``shown`` and ``not_shown`` from services.tents_with_people."""
    return {"id": t.pk, "reference": t.reference, "location": t.location, "reported_on": t.reported_on,
            "tents": t.tents, "person_ids": [p.pk for p in shown], "people_not_shown": not_shown,
            "reasons": t.reasons, "tools": t.tools, "outreach_offered_on": t.outreach_offered_on,
            "outcome": t.outcome, "outcome_on": t.outcome_on}


@router.get("/sites", response={200: Page[SiteOut], **ERRORS}, summary="The site register")
def list_sites(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.site_window(request.auth, params.window())
    return page(request, found, [site_out(s) for s in found.rows])


@router.post("/sites", response={201: SiteOut, **ERRORS}, summary="Add a site (council officers and supervisors)")
def create_site(request: HttpRequest, payload: SiteIn) -> Any:
    return Status(201, site_out(services.add_site(request.auth, channel=API, **payload.dict())))


@router.get("/incursions", response={200: Page[IncursionOut], **ERRORS}, summary="Incursions, newest first")
def list_incursions(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.incursion_window(request.auth, params.window())
    return page(request, found, [incursion_out(request, i) for i in found.rows])


@router.post("/incursions", response={201: IncursionOut, **ERRORS}, summary="Record an arrival on a site")
def create_incursion(request: HttpRequest, payload: IncursionIn) -> Any:
    data = payload.dict()
    site = services.site_for_incursion(request.auth, data.pop("site_id"), channel=API)
    incursion = services.record_incursion(request.auth, services.IncursionInput(site=site, **data), channel=API)
    return Status(201, incursion_out(request, incursion, detail=True))


@router.get("/incursions/{incursion_id}", response={200: IncursionOut, **ERRORS},
            summary="An incursion with its timetable, the powers on its facts and its steps; ETag is its version")
def get_incursion(request: HttpRequest, response: HttpResponse, incursion_id: Id) -> Any:
    incursion = services.get_incursion(request.auth, incursion_id, channel=API)
    etag(response, incursion.version)
    return incursion_out(request, incursion, detail=True)


@router.patch("/incursions/{incursion_id}", response={200: IncursionOut, **ERRORS},
              summary="Change facts, welfare or outcome (council); with If-Match, 409 if changed since")
def patch_incursion(request: HttpRequest, response: HttpResponse, incursion_id: Id, payload: IncursionPatch) -> Any:
    incursion = services.incursion_to_change(request.auth, incursion_id, channel=API)
    sent = payload.dict(exclude_unset=True)
    version = if_match(request)
    welfare = {k: sent.pop(k) for k in list(sent) if k in services.WELFARE_FIELDS}
    outcome = {k: sent.pop(k) for k in list(sent) if k in services.OUTCOME_FIELDS}
    moved = sent.pop("moved_to_id", None)
    if welfare:
        incursion = services.record_welfare(request.auth, incursion, expected_version=version, channel=API, **welfare)
        version = None if version is None else incursion.version
    if outcome or moved:
        target = services.get_incursion(request.auth, moved, channel=API, purpose="moved to") if moved else None
        incursion = services.record_outcome(request.auth, incursion, expected_version=version, moved_to=target,
                                            channel=API, **outcome)
        version = None if version is None else incursion.version
    if sent:
        if any(v is None for k, v in sent.items() if k not in ("caravans", "vehicles", "people", "children",
                                                               "asked_to_leave_on")):
            raise RuleRefused("null_value", "Send a value, not null, for the fields to change.", "")
        incursion = services.update_facts(request.auth, incursion, expected_version=version, channel=API, **sent)
    etag(response, incursion.version)
    return incursion_out(request, incursion, detail=True)


@router.post("/incursions/{incursion_id}/steps", response={201: StepOut, **ERRORS},
             summary="Record a step: council (s77, s78, s79, CPR 55, IPO, welfare) or police (s61, s62, s60C, s62A)")
def create_step(request: HttpRequest, incursion_id: Id, payload: StepIn) -> Any:
    incursion = services.get_incursion(request.auth, incursion_id, channel=API, purpose="api step")
    s = services.record_step(request.auth, incursion, channel=API, **payload.dict())
    return Status(201, {"id": s.pk, "step": s.step, "taken_on": s.taken_on, "agency": s.agency.name,
                        "no_return_until": s.no_return_until, "vehicles_seized": s.vehicles_seized,
                        "arrests": s.arrests})


@router.get("/tents", response={200: Page[TentOut], **ERRORS}, summary="Tents / rough sleeping records")
def list_tents(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.tent_window(request.auth, params.window())
    return page(request, found, [tent_out(request, t, shown, not_shown) for t, shown, not_shown in found.rows])


@router.post("/tents", response={201: TentOut, **ERRORS}, summary="Record tents enforcement")
def create_tent(request: HttpRequest, payload: TentIn) -> Any:
    data = payload.dict()
    people = [services.get_person_for_tents(request.auth, pk, channel=API) for pk in data.pop("person_ids")]
    tent = services.record_tent_case(request.auth, services.TentInput(people=people, **data), channel=API)
    return Status(201, tent_out(request, *services.tents_with_people(request.auth, [tent], channel=API)[0]))


@router.get("/tents/{tent_id}", response={200: TentOut, **ERRORS})
def get_tent(request: HttpRequest, tent_id: Id) -> Any:
    tent = services.get_tent_case(request.auth, tent_id, channel=API)
    return tent_out(request, *services.tents_with_people(request.auth, [tent], channel=API)[0])


@router.get("/figures", response={200: dict[str, Any], **ERRORS},
            summary="Incursions, sites, repeat sites, days on site, time to each step, costs, year on year")
def get_figures(request: HttpRequest, year: str | None = Query(None, max_length=9,
                                                                description="e.g. 2025/26; default this year")) -> Any:
    try:
        fy = parse_financial_year(year) if year else financial_year_of(timezone.localdate())
    except ValueError as e:
        raise RuleRefused("year", str(e), "year") from e
    return services.figures(request.auth, fy, channel=API)
