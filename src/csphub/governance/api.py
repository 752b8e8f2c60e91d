"""Governance routes of the API: plans with the latest RAG, actions and their quarterly updates,
the decisions register, grants with their actuals, outreach figures and the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from csphub.accounts.services import agency_named
from csphub.core.api import API, ERRORS, Day, Id, ListParams, Page, etag, if_match, page, text
from csphub.errors import RuleRefused

from . import rules, services
from .models import Action, QuarterlyUpdate

router = Router(tags=["governance"])


class UpdateOut(Schema):
    id: int
    version: int
    quarter: str
    narrative: str
    achieved: Decimal | None
    milestone_met: bool
    rag: str
    automatic_rag: str
    rag_reason: str


class ActionOut(Schema):
    id: int
    reference: str
    priority: int
    objective: str
    title: str
    theme: str
    lead_agency: str
    lead_officer_id: int | None
    partners: list[str]
    baseline: str
    measure: str
    target: Decimal | None
    unit: str
    milestone: str
    starts_on: date | None
    due_on: date | None
    latest: UpdateOut | None


class PlanOut(Schema):
    id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    aligned_to: str
    rag_counts: dict[str, int]


class PlanDetailOut(PlanOut):
    actions: list[ActionOut]


def update_out(u: QuarterlyUpdate | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {"id": u.pk, "version": u.version, "quarter": u.period.label, "narrative": u.narrative, "achieved": u.achieved,
            "milestone_met": u.milestone_met, "rag": u.rag, "automatic_rag": u.automatic_rag, "rag_reason": u.rag_reason}


def action_out(a: Action, latest: QuarterlyUpdate | None) -> dict[str, Any]:
    return {"id": a.pk, "reference": a.reference, "priority": a.priority.number, "objective": a.objective,
            "title": a.title, "theme": a.theme, "lead_agency": a.led_by.name, "lead_officer_id": a.lead_officer_id,
            "partners": [p.name for p in a.partners.all()], "baseline": a.baseline, "measure": a.measure,
            "target": a.target, "unit": a.unit, "milestone": a.milestone, "starts_on": a.starts_on, "due_on": a.due_on,
            "latest": update_out(latest)}


def plan_out(view: services.PlanView) -> dict[str, Any]:
    p = view.plan
    return {"id": p.pk, "name": p.name, "kind": p.kind, "starts_on": p.starts_on, "ends_on": p.ends_on,
            "aligned_to": p.aligned_to, "rag_counts": view.rag_counts}


@router.get("/plans/", response={200: Page[PlanOut], **ERRORS}, summary="Plans, with their actions' latest RAG counts")
def list_plans(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.plan_window(request.auth, params.window())
    return page(request, found, [plan_out(v) for v in found.rows])


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="A plan with every action and its latest update")
def get_plan(request: HttpRequest, plan_id: Id) -> Any:
    view = services.plan_view(request.auth, plan_id, channel=API, purpose="api plan")
    actions = [action_out(r["action"], r["update"]) for block in view.priorities for r in block["rows"]]
    return {**plan_out(view), "actions": actions}


@router.get("/actions/{action_id}", response={200: ActionOut, **ERRORS})
def get_action(request: HttpRequest, action_id: Id) -> Any:
    action, updates = services.action_view(request.auth, action_id, channel=API)
    return action_out(action, updates[0] if updates else None)


class UpdateIn(Schema):
    quarter: text(12)  # type: ignore[valid-type]
    narrative: text(5000)  # type: ignore[valid-type]
    achieved: Decimal | None = None
    milestone_met: bool = False
    rag_override: text(5) = ""  # type: ignore[valid-type]
    override_reason: text(2000) = ""  # type: ignore[valid-type]


@router.post("/actions/{action_id}/updates", response={201: UpdateOut, **ERRORS},
             summary="Record (or correct, with If-Match) the action's update for a quarter; the RAG comes from the rule")
def post_update(request: HttpRequest, action_id: Id, body: UpdateIn) -> Any:
    action, _ = services.action_view(request.auth, action_id, channel=API)
    try:
        quarter = rules.Quarter.parse(body.quarter)
    except ValueError as e:
        raise RuleRefused("bad_quarter", str(e), "quarter") from e
    update = services.record_update(request.auth, action, quarter=quarter, narrative=body.narrative,
                                    achieved=body.achieved, milestone_met=body.milestone_met,
                                    rag_override=body.rag_override, override_reason=body.override_reason,
                                    expected_version=if_match(request), channel=API)
    return Status(201, update_out(update))


class DecisionOut(Schema):
    id: int
    board: str
    meeting_id: int
    held_on: date
    kind: str
    topic: str
    text: str


@router.get("/decisions/", response={200: Page[DecisionOut], **ERRORS}, summary="The decisions and recommendations register")
def list_decisions(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.decision_window(request.auth, params.window())
    return page(request, found, [{"id": d.pk, "board": d.meeting.board.short_name, "meeting_id": d.meeting_id,
                                  "held_on": d.meeting.held_on, "kind": d.kind, "topic": d.topic, "text": d.text}
                                 for d in found.rows])


class WorkstreamOut(Schema):
    id: int
    title: str
    budget: Decimal
    spend: Decimal
    planned_output: Decimal | None
    outputs: Decimal
    output_unit: str
    planned_outcome: Decimal | None
    outcomes: Decimal
    outcome_unit: str


class GrantOut(Schema):
    id: int
    fund: str
    round: str
    amount: Decimal
    starts_on: date
    ends_on: date
    lead_agency: str
    workstreams: list[WorkstreamOut]


@router.get("/grants/{grant_id}", response={200: GrantOut, **ERRORS}, summary="A grant with its workstreams' actuals to date")
def get_grant(request: HttpRequest, grant_id: Id) -> Any:
    context = services.grant_view(request.auth, grant_id, channel=API)
    g = context["grant"]
    return {"id": g.pk, "fund": g.fund, "round": g.round, "amount": g.amount, "starts_on": g.starts_on,
            "ends_on": g.ends_on, "lead_agency": g.led_by.name, "workstreams": [
                {"id": f.workstream.pk, "title": f.workstream.title, "budget": f.workstream.budget, "spend": f.spend,
                 "planned_output": f.workstream.planned_output, "outputs": f.outputs,
                 "output_unit": f.workstream.output_unit, "planned_outcome": f.workstream.planned_outcome,
                 "outcomes": f.outcomes, "outcome_unit": f.workstream.outcome_unit} for f in context["figures"]]}


class OutreachOut(Schema):
    sessions: int
    attendances: int
    average: int
    unique_attendees: int
    repeat_attendees: int
    attendees_with_token: int
    outcomes: dict[str, int]
    safeguarding_escalations: int


class Period(Schema):
    start: Day | None = None
    end: Day | None = None


@router.get("/outreach/summary", response={200: OutreachOut, **ERRORS},
            summary="Anonymous outreach figures for a period: counts only")
def outreach_summary(request: HttpRequest, period: Query[Period]) -> Any:
    services.require_reader(request.auth)
    end = period.end or timezone.localdate()
    start = period.start or rules.add_months(end, -12)
    if end < start:
        raise RuleRefused("period", "The period ends before it starts.", "end")
    return services.outreach_summary(start, end)


class CalendarOut(Schema):
    id: int
    title: str
    kind: str
    due_on: date
    recurrence: str
    status: str
    days_left: int
    source: str


@router.get("/calendar/", response={200: list[CalendarOut], **ERRORS}, summary="Deadlines and annual attendances")
def list_calendar(request: HttpRequest) -> Any:
    return [{"id": r["item"].pk, "title": r["item"].title, "kind": r["item"].kind, "due_on": r["item"].due_on,
             "recurrence": r["item"].recurrence, "status": r["state"].status, "days_left": r["state"].days_left,
             "source": r["item"].source} for r in services.calendar(request.auth)]



# ---- Changing records (as the change pages do): PATCH with If-Match -------------------------
# Each route changes only the fields sent; If-Match (the version a GET or the last PATCH gave,
# also in the answer's ETag) makes a write to a record changed since a 409, nothing saved.
# A field the rules refuse answers 422 naming it.


class ChangedOut(Schema):
    id: int
    version: int
    changed: dict[str, Any]


def _changed(response: HttpResponse, record: Any, sent: dict[str, Any]) -> dict[str, Any]:
    etag(response, record.version)
    return {"id": record.pk, "version": record.version, "changed": jsonable(sent)}


def jsonable(sent: dict[str, Any]) -> dict[str, Any]:
    """The fields sent, as JSON values (dates as ISO text, numbers as text)."""
    out: dict[str, Any] = {}
    for key, value in sent.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def _no_nulls(sent: dict[str, Any], *nullable: str) -> None:
    bad = [k for k, v in sent.items() if v is None and k not in nullable]
    if bad:
        raise RuleRefused("null_value", f"Send a value, not null, for {bad[0]}.", bad[0])


class PlanPatch(Schema):
    name: text(200) | None = None  # type: ignore[valid-type]
    kind: text(20) | None = None  # type: ignore[valid-type]
    starts_on: Day | None = None
    ends_on: Day | None = None
    aligned_to: text(200) | None = None  # type: ignore[valid-type]
    refreshed_on: Day | None = None
    priorities: list[text(200)] | None = None  # type: ignore[valid-type]


@router.patch("/plans/{plan_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a plan (name, kind, dates, aligned to, priorities one per line); If-Match: 409 if changed since")
def patch_plan(request: HttpRequest, response: HttpResponse, plan_id: Id, body: PlanPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent, "refreshed_on")
    plan, _ = services.plan_for_change(request.auth, plan_id, channel=API)
    plan = services.change_plan(request.auth, plan, expected_version=if_match(request), channel=API, **sent)
    return _changed(response, plan, sent)


class PriorityPatch(Schema):
    aim: text(5000)  # type: ignore[valid-type]
    reason: text(300)  # type: ignore[valid-type]


@router.patch("/priorities/{priority_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a priority's aim, saying why; If-Match: 409 if changed since")
def patch_priority(request: HttpRequest, response: HttpResponse, priority_id: Id, body: PriorityPatch) -> Any:
    priority = services.priority_for_change(request.auth, priority_id, channel=API)
    priority = services.change_priority_aim(request.auth, priority, aim=body.aim, reason=body.reason,
                                            expected_version=if_match(request), channel=API)
    return _changed(response, priority, {"aim": priority.aim})


class ActionPatch(Schema):
    objective: text(200) | None = None  # type: ignore[valid-type]
    title: text(5000) | None = None  # type: ignore[valid-type]
    done_so_far: text(5000) | None = None  # type: ignore[valid-type]
    theme: text(10) | None = None  # type: ignore[valid-type]
    lead_agency: text(200) | None = None  # type: ignore[valid-type]
    partners: list[text(200)] | None = None  # type: ignore[valid-type]
    baseline: text(200) | None = None  # type: ignore[valid-type]
    target: Decimal | None = None
    unit: text(60) | None = None  # type: ignore[valid-type]
    milestone: text(200) | None = None  # type: ignore[valid-type]
    starts_on: Day | None = None
    due_on: Day | None = None


@router.patch("/actions/{action_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a plan action (agencies by name); If-Match: 409 if changed since")
def patch_action(request: HttpRequest, response: HttpResponse, action_id: Id, body: ActionPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent, "target", "starts_on", "due_on")
    action, _ = services.action_view(request.auth, action_id, channel=API)
    values = dict(sent)
    if "lead_agency" in values:
        values["led_by"] = agency_named(values.pop("lead_agency"), "lead_agency")
    partners = [agency_named(n, "partners") for n in values.pop("partners")] if "partners" in values else None
    action = services.change_action(request.auth, action, expected_version=if_match(request), partners=partners,
                                    channel=API, **values)
    return _changed(response, action, sent)


class BoardPatch(Schema):
    name: text(200) | None = None  # type: ignore[valid-type]
    short_name: text(20) | None = None  # type: ignore[valid-type]
    frequency: text(15) | None = None  # type: ignore[valid-type]
    chair_role: text(200) | None = None  # type: ignore[valid-type]
    terms_of_reference: text(10000) | None = None  # type: ignore[valid-type]
    members: list[text(200)] | None = None  # type: ignore[valid-type]
    standing_items: list[tuple[text(200), text(30)]] | None = None  # type: ignore[valid-type]


@router.patch("/boards/{board_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a board; members by agency name, standing items as [title, topic] in agenda order")
def patch_board(request: HttpRequest, response: HttpResponse, board_id: Id, body: BoardPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    board = services.board_for_change(request.auth, board_id, channel=API)
    values = dict(sent)
    if "members" in values:
        values["members"] = [agency_named(n, "members") for n in values["members"]]
    board = services.change_board(request.auth, board, expected_version=if_match(request), channel=API, **values)
    return _changed(response, board, sent)


class MeetingPatch(Schema):
    held_on: Day | None = None
    place: text(200) | None = None  # type: ignore[valid-type]


@router.patch("/meetings/{meeting_id}", response={200: ChangedOut, **ERRORS},
              summary="Move a meeting or change its place; If-Match: 409 if changed since")
def patch_meeting(request: HttpRequest, response: HttpResponse, meeting_id: Id, body: MeetingPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    meeting = services.meeting_for_change(request.auth, meeting_id, channel=API)
    meeting = services.change_meeting(request.auth, meeting, held_on=sent.get("held_on", meeting.held_on),
                                      place=sent.get("place", meeting.place), expected_version=if_match(request),
                                      channel=API)
    return _changed(response, meeting, sent)


Text5000, Text15, Text30 = text(5000), text(15), text(30)


class DecisionPatch(Schema):
    text: Text5000 | None = None  # type: ignore[valid-type]
    kind: Text15 | None = None  # type: ignore[valid-type]
    topic: Text30 | None = None  # type: ignore[valid-type]


@router.patch("/decisions/{decision_id}", response={200: ChangedOut, **ERRORS},
              summary="Correct a decision or recommendation; If-Match: 409 if changed since")
def patch_decision(request: HttpRequest, response: HttpResponse, decision_id: Id, body: DecisionPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    decision = services.decision_for_change(request.auth, decision_id, channel=API)
    decision = services.change_decision(request.auth, decision, text=sent.get("text", decision.text),
                                        kind=sent.get("kind", decision.kind), topic=sent.get("topic", decision.topic),
                                        expected_version=if_match(request), channel=API)
    return _changed(response, decision, sent)


class MeetingActionPatch(Schema):
    description: text(5000) | None = None  # type: ignore[valid-type]
    owner_agency: text(200) | None = None  # type: ignore[valid-type]
    due_on: Day | None = None


@router.patch("/meeting-actions/{meeting_action_id}", response={200: ChangedOut, **ERRORS},
              summary="Change an action arising (owner agency by name); If-Match: 409 if changed since")
def patch_meeting_action(request: HttpRequest, response: HttpResponse, meeting_action_id: Id,
                         body: MeetingActionPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    action = services.meeting_action_for_change(request.auth, meeting_action_id, channel=API)
    owner = (agency_named(sent["owner_agency"], "owner_agency") if "owner_agency" in sent
             else action.owner_agency)
    action = services.change_meeting_action(request.auth, action, description=sent.get("description", action.description),
                                            owner_agency=owner, due_on=sent.get("due_on", action.due_on),
                                            expected_version=if_match(request), channel=API)
    return _changed(response, action, sent)


class GrantPatch(Schema):
    fund: text(200) | None = None  # type: ignore[valid-type]
    round: text(60) | None = None  # type: ignore[valid-type]
    amount: Decimal | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    lead_agency: text(200) | None = None  # type: ignore[valid-type]
    conditions: text(10000) | None = None  # type: ignore[valid-type]
    reporting_dates: list[Day] | None = None


@router.patch("/grants/{grant_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a grant (lead agency by name, reporting dates); If-Match: 409 if changed since")
def patch_grant(request: HttpRequest, response: HttpResponse, grant_id: Id, body: GrantPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    grant = services.grant_for_change(request.auth, grant_id, channel=API)
    values = dict(sent)
    if "lead_agency" in values:
        values["led_by"] = agency_named(values.pop("lead_agency"), "lead_agency")
    grant = services.change_grant(request.auth, grant, expected_version=if_match(request), channel=API, **values)
    return _changed(response, grant, sent)


class WorkstreamPatch(Schema):
    title: text(200) | None = None  # type: ignore[valid-type]
    description: text(5000) | None = None  # type: ignore[valid-type]
    budget: Decimal | None = None
    planned_output: Decimal | None = None
    output_unit: text(60) | None = None  # type: ignore[valid-type]
    planned_outcome: Decimal | None = None
    outcome_unit: text(60) | None = None  # type: ignore[valid-type]


@router.patch("/workstreams/{workstream_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a grant's workstream; If-Match: 409 if changed since")
def patch_workstream(request: HttpRequest, response: HttpResponse, workstream_id: Id, body: WorkstreamPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent, "planned_output", "planned_outcome")
    workstream = services.workstream_for_change(request.auth, workstream_id, channel=API)
    workstream = services.change_workstream(request.auth, workstream, expected_version=if_match(request), channel=API,
                                            **sent)
    return _changed(response, workstream, sent)


class EventPatch(Schema):
    title: text(200) | None = None  # type: ignore[valid-type]
    held_on: Day | None = None
    place: text(200) | None = None  # type: ignore[valid-type]
    ward_code: text(9) | None = None  # type: ignore[valid-type]
    ward_name: text(100) | None = None  # type: ignore[valid-type]
    audience: text(200) | None = None  # type: ignore[valid-type]
    partners: list[text(200)] | None = None  # type: ignore[valid-type]
    attendees: dict[str, int] | None = None
    items_given: dict[str, int] | None = None
    feedback: dict[str, int] | None = None


@router.patch("/events/{event_id}", response={200: ChangedOut, **ERRORS},
              summary="Correct an event (counts only; partners by agency name); If-Match: 409 if changed since")
def patch_event(request: HttpRequest, response: HttpResponse, event_id: Id, body: EventPatch) -> Any:
    sent = body.dict(exclude_unset=True)
    _no_nulls(sent)
    event = services.event_for_change(request.auth, event_id, channel=API)
    values = dict(sent)
    partners = [agency_named(n, "partners") for n in values.pop("partners")] if "partners" in values else None
    event = services.change_event(request.auth, event, expected_version=if_match(request), partners=partners,
                                  channel=API, **values)
    return _changed(response, event, sent)
