"""Governance routes of the API: plans with the latest RAG, actions and their quarterly updates,
the decisions register, grants with their actuals, outreach figures and the calendar.

Every record that can be changed (PATCH with If-Match) can be read first (GET): the answer
carries its ``version`` and the same version as the ``ETag`` to send back as ``If-Match``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from csphub.accounts.services import agency_named
from csphub.core.api import (
    API,
    ERRORS,
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
from csphub.errors import RuleRefused

from . import rules, services
from .models import (
    Action,
    Board,
    Decision,
    Event,
    Meeting,
    MeetingAction,
    Priority,
    QuarterlyUpdate,
    Workstream,
)

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
    version: int
    reference: str
    priority: int
    objective: str
    title: str
    done_so_far: str
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
    version: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    aligned_to: str
    refreshed_on: date | None
    rag_counts: dict[str, int]


class PriorityOut(Schema):
    id: int
    version: int
    plan_id: int
    number: int
    title: str
    aim: str
    modified_on: datetime


class PlanDetailOut(PlanOut):
    priorities: list[PriorityOut]
    actions: list[ActionOut]


def update_out(u: QuarterlyUpdate | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {"id": u.pk, "version": u.version, "quarter": u.period.label, "narrative": u.narrative, "achieved": u.achieved,
            "milestone_met": u.milestone_met, "rag": u.rag, "automatic_rag": u.automatic_rag, "rag_reason": u.rag_reason}


def action_out(a: Action, latest: QuarterlyUpdate | None) -> dict[str, Any]:
    return {"id": a.pk, "version": a.version, "reference": a.reference, "priority": a.priority.number,
            "objective": a.objective, "title": a.title, "done_so_far": a.done_so_far, "theme": a.theme, "lead_agency": a.led_by.name, "lead_officer_id": a.lead_officer_id,
            "partners": [p.name for p in a.partners.all()], "baseline": a.baseline, "measure": a.measure,
            "target": a.target, "unit": a.unit, "milestone": a.milestone, "starts_on": a.starts_on, "due_on": a.due_on,
            "latest": update_out(latest)}


def plan_out(view: services.PlanView) -> dict[str, Any]:
    p = view.plan
    return {"id": p.pk, "version": p.version, "name": p.name, "kind": p.kind, "starts_on": p.starts_on,
            "ends_on": p.ends_on, "aligned_to": p.aligned_to, "refreshed_on": p.refreshed_on,
            "rag_counts": view.rag_counts}


def priority_out(p: Priority) -> dict[str, Any]:
    return {"id": p.pk, "version": p.version, "plan_id": p.plan_id, "number": p.number, "title": p.title,
            "aim": p.aim, "modified_on": p.modified_on}


@router.get("/plans/", response={200: Page[PlanOut], **ERRORS}, summary="Plans, with their actions' latest RAG counts")
def list_plans(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.plan_window(request.auth, params.window())
    return page(request, found, [plan_out(v) for v in found.rows])


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS},
            summary="A plan with its priorities, every action and its latest update; its ETag is its version")
def get_plan(request: HttpRequest, response: HttpResponse, plan_id: Id) -> Any:
    view = services.plan_view(request.auth, plan_id, channel=API, purpose="api plan")
    etag(response, view.plan.version)
    actions = [action_out(r["action"], r["update"]) for block in view.priorities for r in block["rows"]]
    return {**plan_out(view), "priorities": [priority_out(b["priority"]) for b in view.priorities], "actions": actions}


@router.get("/priorities/{priority_id}", response={200: PriorityOut, **ERRORS},
            summary="A plan's priority; its ETag is its version")
def get_priority(request: HttpRequest, response: HttpResponse, priority_id: Id) -> Any:
    priority = services.priority_record(request.auth, priority_id, channel=API)
    etag(response, priority.version)
    return priority_out(priority)


@router.get("/actions/{action_id}", response={200: ActionOut, **ERRORS},
            summary="A plan action with its latest update; its ETag is its version")
def get_action(request: HttpRequest, response: HttpResponse, action_id: Id) -> Any:
    action, updates = services.action_view(request.auth, action_id, channel=API)
    etag(response, action.version)
    return action_out(action, updates[0] if updates else None)


class UpdateIn(RequestBody):
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
    version: int
    board: str
    meeting_id: int
    held_on: date
    kind: str
    topic: str
    text: str


@router.get("/decisions/", response={200: Page[DecisionOut], **ERRORS}, summary="The decisions and recommendations register")
def list_decisions(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.decision_window(request.auth, params.window())
    return page(request, found, [decision_out(d) for d in found.rows])


def decision_out(d: Decision) -> dict[str, Any]:
    return {"id": d.pk, "version": d.version, "board": d.meeting.board.short_name, "meeting_id": d.meeting_id,
            "held_on": d.meeting.held_on, "kind": d.kind, "topic": d.topic, "text": d.text}


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS},
            summary="A decision or recommendation of the register; its ETag is its version")
def get_decision(request: HttpRequest, response: HttpResponse, decision_id: Id) -> Any:
    decision = services.decision_record(request.auth, decision_id, channel=API)
    etag(response, decision.version)
    return decision_out(decision)


class BoardOut(Schema):
    id: int
    version: int
    name: str
    short_name: str
    frequency: str
    chair_role: str
    terms_of_reference: str
    members: list[str]
    standing_items: list[tuple[str, str]]
    modified_on: datetime


@router.get("/boards/{board_id}", response={200: BoardOut, **ERRORS},
            summary="A board: members by agency, standing items as [title, topic]; its ETag is its version")
def get_board(request: HttpRequest, response: HttpResponse, board_id: Id) -> Any:
    b: Board = services.board_record(request.auth, board_id, channel=API)
    etag(response, b.version)
    return {"id": b.pk, "version": b.version, "name": b.name, "short_name": b.short_name, "frequency": b.frequency,
            "chair_role": b.chair_role, "terms_of_reference": b.terms_of_reference,
            "members": [a.name for a in b.member_agencies.all()],
            "standing_items": [(i.title, i.topic) for i in b.standing_items.all()], "modified_on": b.modified_on}


class MeetingOut(Schema):
    id: int
    version: int
    board_id: int
    board: str
    held_on: date
    place: str
    held: bool
    minutes: str
    attending: list[str]
    modified_on: datetime


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS},
            summary="A board meeting: when, where, minutes, attendance by agency; its ETag is its version")
def get_meeting(request: HttpRequest, response: HttpResponse, meeting_id: Id) -> Any:
    m: Meeting = services.meeting_record(request.auth, meeting_id, channel=API)
    etag(response, m.version)
    return {"id": m.pk, "version": m.version, "board_id": m.board_id, "board": m.board.short_name,
            "held_on": m.held_on, "place": m.place, "held": m.held, "minutes": m.minutes,
            "attending": [a.name for a in m.attending_agencies.all()], "modified_on": m.modified_on}


class MeetingActionOut(Schema):
    id: int
    version: int
    meeting_id: int
    description: str
    owner_agency: str
    due_on: date
    done_on: date | None
    modified_on: datetime


@router.get("/meeting-actions/{meeting_action_id}", response={200: MeetingActionOut, **ERRORS},
            summary="An action arising from a meeting; its ETag is its version")
def get_meeting_action(request: HttpRequest, response: HttpResponse, meeting_action_id: Id) -> Any:
    a: MeetingAction = services.meeting_action_record(request.auth, meeting_action_id, channel=API)
    etag(response, a.version)
    return {"id": a.pk, "version": a.version, "meeting_id": a.meeting_id, "description": a.description,
            "owner_agency": a.owner_agency.name, "due_on": a.due_on, "done_on": a.done_on, "modified_on": a.modified_on}


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


class ReportingDateOut(Schema):
    due_on: date
    submitted_on: date | None


class GrantOut(Schema):
    id: int
    version: int
    fund: str
    round: str
    amount: Decimal
    starts_on: date
    ends_on: date
    lead_agency: str
    conditions: str
    reporting_dates: list[ReportingDateOut]
    workstreams: list[WorkstreamOut]


@router.get("/grants/{grant_id}", response={200: GrantOut, **ERRORS},
            summary="A grant with its workstreams' actuals to date; its ETag is its version")
def get_grant(request: HttpRequest, response: HttpResponse, grant_id: Id) -> Any:
    context = services.grant_view(request.auth, grant_id, channel=API)
    g = context["grant"]
    etag(response, g.version)
    return {"id": g.pk, "version": g.version, "fund": g.fund, "round": g.round, "amount": g.amount,
            "starts_on": g.starts_on, "ends_on": g.ends_on, "lead_agency": g.led_by.name, "conditions": g.conditions,
            "reporting_dates": [{"due_on": r.due_on, "submitted_on": r.submitted_on} for r in context["reporting"]],
            "workstreams": [
                {"id": f.workstream.pk, "title": f.workstream.title, "budget": f.workstream.budget, "spend": f.spend,
                 "planned_output": f.workstream.planned_output, "outputs": f.outputs,
                 "output_unit": f.workstream.output_unit, "planned_outcome": f.workstream.planned_outcome,
                 "outcomes": f.outcomes, "outcome_unit": f.workstream.outcome_unit} for f in context["figures"]]}


class WorkstreamDetailOut(Schema):
    id: int
    version: int
    grant_id: int
    title: str
    description: str
    budget: Decimal
    planned_output: Decimal | None
    output_unit: str
    planned_outcome: Decimal | None
    outcome_unit: str
    modified_on: datetime


@router.get("/workstreams/{workstream_id}", response={200: WorkstreamDetailOut, **ERRORS},
            summary="A grant's workstream as planned (its actuals are on the grant); its ETag is its version")
def get_workstream(request: HttpRequest, response: HttpResponse, workstream_id: Id) -> Any:
    w: Workstream = services.workstream_record(request.auth, workstream_id, channel=API)
    etag(response, w.version)
    return {"id": w.pk, "version": w.version, "grant_id": w.grant_id, "title": w.title, "description": w.description,
            "budget": w.budget, "planned_output": w.planned_output, "output_unit": w.output_unit,
            "planned_outcome": w.planned_outcome, "outcome_unit": w.outcome_unit, "modified_on": w.modified_on}


class EventOut(Schema):
    id: int
    version: int
    title: str
    held_on: date
    place: str
    ward_code: str
    ward_name: str
    audience: str
    partners: list[str]
    attendees: dict[str, int]
    items_given: dict[str, int]
    feedback: dict[str, int]
    modified_on: datetime


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS},
            summary="An engagement event (counts only, partners by agency); its ETag is its version")
def get_event(request: HttpRequest, response: HttpResponse, event_id: Id) -> Any:
    e: Event = services.event_record(request.auth, event_id, channel=API)
    etag(response, e.version)
    return {"id": e.pk, "version": e.version, "title": e.title, "held_on": e.held_on, "place": e.place,
            "ward_code": e.ward_code, "ward_name": e.ward_name, "audience": e.audience,
            "partners": [a.name for a in e.partners.all()], "attendees": e.attendees, "items_given": e.items_given,
            "feedback": e.feedback, "modified_on": e.modified_on}


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
    version: int
    title: str
    kind: str
    board_id: int | None
    due_on: date
    recurrence: str
    status: str
    days_left: int
    done_on: date | None
    source: str


def calendar_out(row: dict[str, Any]) -> dict[str, Any]:
    item, state = row["item"], row["state"]
    return {"id": item.pk, "version": item.version, "title": item.title, "kind": item.kind, "board_id": item.board_id,
            "due_on": item.due_on, "recurrence": item.recurrence, "status": state.status, "days_left": state.days_left,
            "done_on": item.done_on, "source": item.source}


@router.get("/calendar/", response={200: Page[CalendarOut], **ERRORS},
            summary="Deadlines and annual attendances not done (and those done in the last year), soonest first")
def list_calendar(request: HttpRequest, params: Query[ListParams]) -> Any:
    found = services.calendar_window(request.auth, params.window())
    return page(request, found, [calendar_out(r) for r in found.rows])


class DoneIn(RequestBody):
    done_on: Day


class DoneOut(Schema):
    done: CalendarOut
    next: CalendarOut | None


@router.post("/calendar/{calendar_item_id}/done", response={200: DoneOut, **ERRORS},
             summary="Mark a deadline done (a manager); a recurring one answers its next occurrence as `next`")
def calendar_done(request: HttpRequest, calendar_item_id: Id, body: DoneIn) -> Any:
    item = services.calendar_item_for_change(request.auth, calendar_item_id, channel=API)
    following = services.complete_calendar_item(request.auth, item, done_on=body.done_on, channel=API)
    done, *rest = services.calendar_rows([item] + ([following] if following else []))
    return {"done": calendar_out(done), "next": calendar_out(rest[0]) if rest else None}



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


class PlanPatch(RequestBody):
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


class PriorityPatch(RequestBody):
    aim: text(5000)  # type: ignore[valid-type]
    reason: text(300)  # type: ignore[valid-type]


@router.patch("/priorities/{priority_id}", response={200: ChangedOut, **ERRORS},
              summary="Change a priority's aim, saying why; If-Match: 409 if changed since")
def patch_priority(request: HttpRequest, response: HttpResponse, priority_id: Id, body: PriorityPatch) -> Any:
    priority = services.priority_for_change(request.auth, priority_id, channel=API)
    priority = services.change_priority_aim(request.auth, priority, aim=body.aim, reason=body.reason,
                                            expected_version=if_match(request), channel=API)
    return _changed(response, priority, {"aim": priority.aim})


class ActionPatch(RequestBody):
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


class BoardPatch(RequestBody):
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


class MeetingPatch(RequestBody):
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


class DecisionPatch(RequestBody):
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


class MeetingActionPatch(RequestBody):
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


class GrantPatch(RequestBody):
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


class WorkstreamPatch(RequestBody):
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


class EventPatch(RequestBody):
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


# ---- Archiving (as the archive pages do): POST with a reason and If-Match ------------------
# The record is kept, with its history, and listed among the archived records; it is no longer
# answered by its GET (404). A meeting archived takes its decisions out of the register.


class ArchiveIn(RequestBody):
    reason: text(300)  # type: ignore[valid-type]


class ArchivedOut(Schema):
    id: int
    version: int
    archived_on: datetime
    reason: str


def _archive(request: HttpRequest, response: HttpResponse, kind: str, pk: int, body: ArchiveIn) -> dict[str, Any]:
    found = services.record_to_archive(request.auth, kind, pk, channel=API)
    found = services.archive_record(request.auth, kind, found, body.reason, expected_version=if_match(request),
                                    channel=API)
    etag(response, found.version)
    return {"id": found.pk, "version": found.version, "archived_on": found.archived_on, "reason": found.archived_reason}


ARCHIVE = "Archive a {0} with a reason (kept, never deleted); If-Match: 409 if changed since"


@router.post("/plans/{plan_id}/archive", response={200: ArchivedOut, **ERRORS}, summary=ARCHIVE.format("plan"))
def archive_plan(request: HttpRequest, response: HttpResponse, plan_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "plan", plan_id, body)


@router.post("/boards/{board_id}/archive", response={200: ArchivedOut, **ERRORS}, summary=ARCHIVE.format("board"))
def archive_board(request: HttpRequest, response: HttpResponse, board_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "board", board_id, body)


@router.post("/meetings/{meeting_id}/archive", response={200: ArchivedOut, **ERRORS},
             summary=ARCHIVE.format("meeting (its decisions leave the register)"))
def archive_meeting(request: HttpRequest, response: HttpResponse, meeting_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "board_meeting", meeting_id, body)


@router.post("/decisions/{decision_id}/archive", response={200: ArchivedOut, **ERRORS},
             summary=ARCHIVE.format("decision"))
def archive_decision(request: HttpRequest, response: HttpResponse, decision_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "decision", decision_id, body)


@router.post("/grants/{grant_id}/archive", response={200: ArchivedOut, **ERRORS}, summary=ARCHIVE.format("grant"))
def archive_grant(request: HttpRequest, response: HttpResponse, grant_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "grant", grant_id, body)


@router.post("/events/{event_id}/archive", response={200: ArchivedOut, **ERRORS}, summary=ARCHIVE.format("event"))
def archive_event(request: HttpRequest, response: HttpResponse, event_id: Id, body: ArchiveIn) -> Any:
    return _archive(request, response, "event", event_id, body)
