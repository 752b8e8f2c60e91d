"""Governance routes of the API: plans with the latest RAG, actions and their quarterly updates,
the decisions register, grants with their actuals, outreach figures and the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from csphub.core.api import API, ERRORS, Day, Id, ListParams, Page, if_match, page, text
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

