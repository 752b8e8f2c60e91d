"""Permission-matrix rows for partnership governance (csphub.governance).

Governance records are partnership business: every signed-in user reads them (each read
audited). The lead agency's officers and supervisors (the world's action and grant are led by
the lead agency, the Council ASB Team) and partnership admins record an action's quarterly
update and a grant's return; supervisors and partnership admins manage plans, boards, meetings,
the calendar and committee papers; officers, supervisors and partnership admins record events
and outreach sessions (and correct an event). A refused change is a 403. Every record a
manager adds has a page to change it, each POST carrying the record's version.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from csphub.governance import rules, services
from csphub.governance.models import OutreachProgramme

from .matrix_kit import (
    ALLOWED,
    CASEWORK,
    PDF,
    Exercise,
    Outcome,
    Read,
    Shown,
    World,
    api_ids,
    href,
    iso,
    role_only,
)


def _lead_or_admin(role: str, relation: str) -> Outcome:
    """Officers and supervisors of the lead agency, and partnership admins."""
    if role == "partnership_admin" or (role in CASEWORK and relation == "lead"):
        return ALLOWED
    return 403


RULES = {
    "governance_manage": role_only({"supervisor", "partnership_admin"}),
    "governance_record": role_only({"officer", "supervisor", "partnership_admin"}),
    "governance_lead": _lead_or_admin,
}


def add_records(world: World) -> None:
    today, lead = world.today, world.agencies["lead"]
    supervisor = world.users[("supervisor", "lead")]
    plan = services.create_plan(None, name="Community Safety Plan", starts_on=today - timedelta(days=200),
                                ends_on=today + timedelta(days=900))
    priority = services.priority_of(None, plan, 1, "Strengthening Communities")
    action = services.add_action(None, priority, reference="1.1", objective="Tackling ASB", title="Bikeability training",
                                 theme="prevent", led_by=lead, target=Decimal(1000), unit="pupils",
                                 starts_on=today - timedelta(days=200), due_on=today + timedelta(days=165))
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG",
                                  members=[lead, world.agencies["shared"]], standing_items=[("CCTV", "cctv")])
    meeting = services.schedule_meeting(None, board, held_on=today - timedelta(days=10))
    services.record_meeting(None, meeting, minutes="Agreed.", attending=[lead])
    decision = services.record_decision(None, meeting, text="Agreed for these cameras to be made permanent", topic="cctv")
    paper = services.add_paper(supervisor, uploaded=SimpleUploadedFile("cctv.pdf", PDF, "application/pdf"),
                               title="CCTV report", meeting=meeting)
    calendar_item = services.add_statutory_deadline(None, "strategic_assessment", today + timedelta(days=20), board)
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000),
                                  starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=365), led_by=lead,
                                  reporting_dates=[today + timedelta(days=30)])
    arising = services.add_meeting_action(None, meeting, description="Circulate the camera report", owner_agency=lead,
                                          due_on=today + timedelta(days=14))
    workstream = services.add_workstream(None, grant, title="Door staff training", budget=Decimal(12000),
                                         planned_output=Decimal(6), output_unit="training courses")
    event = services.record_event(None, title="Freshers Fayre", held_on=today - timedelta(days=5), place="Campus",
                                  attendees={"students": 120})
    programme = OutreachProgramme(name="Ladies Night")
    programme.save_by(None)
    session = services.record_outreach_session(None, programme, held_on=today - timedelta(days=3), attendees=20,
                                               tokens=["robin7", "star3"])
    world.records.update({"gov_plan": plan, "gov_priority": priority, "gov_action": action, "gov_board": board, "gov_meeting": meeting,
                          "gov_decision": decision, "gov_paper": paper, "gov_calendar": calendar_item,
                          "gov_grant": grant, "gov_workstream": workstream, "gov_event": event,
                          "gov_programme": programme, "gov_session": session, "gov_arising": arising,
                          "gov_reporting_date": grant.reporting_dates.get()})


def _quarter(world: World) -> str:
    return rules.quarter_of(world.today).label


def _plan_csv(world: World) -> dict[str, Any]:
    content = (b"priority,objective,reference,action,theme,lead_agency,target,unit\n"
               b"1,Tackling ASB,1.2,Daily Dial In,prepare,Council ASB Team,250,dial-ins\n")
    return {"plan": world.pk("gov_plan"), "file": SimpleUploadedFile("plan.csv", content, "text/csv")}


PLAN = {"pk": "gov_plan"}
ACTION_ID = {"action_id": "gov_action"}
ACTION = {"pk": "gov_action"}
PLAN_READ = Read("plan", "gov_plan")
GRANT_READ = Read("grant", "gov_grant")

PAGES: dict[str, tuple[Exercise, ...]] = {
    "/governance/": (Exercise("signed_in", shown=(
        Shown("signed_in", "plan", "gov_plan", href("/governance/plans/{pk}/")),)),),
    "/governance/plans/import/": (
        Exercise("governance_manage"),
        Exercise("governance_manage", "post", body=_plan_csv),
    ),
    "/governance/plans/<int:pk>/": (Exercise("signed_in", params=PLAN, reads=(
        PLAN_READ, Read("plan_action", "gov_action")), refused="plan"),),
    "/governance/plans/<int:pk>/export/": (Exercise("signed_in", params=PLAN, reads=(PLAN_READ,), refused="plan"),),
    "/governance/actions/<int:pk>/": (
        Exercise("signed_in", params=ACTION, reads=(Read("plan_action", "gov_action"),), refused="plan_action"),
        Exercise("governance_lead", "post", ACTION, body=lambda w: {
            "quarter": _quarter(w), "narrative": "310 pupils trained this term", "achieved": "310"}),
    ),
    "/governance/actions/<int:pk>/edit/": (
        Exercise("governance_manage", params=ACTION, reads=(Read("plan_action", "gov_action"),), refused="plan_action"),
        Exercise("governance_manage", "post", ACTION, body=lambda w: {
            "version": w.records["gov_action"].version, "objective": "Road safety", "title": "Bikeability for year 6",
            "theme": "prevent", "led_by": w.agencies["lead"].pk, "target": "1200", "unit": "pupils"},
            refused="plan_action"),
        Exercise("governance_manage", "post", ACTION, body=lambda w: {"reason": "Merged into action 1.2"},
                 refused="plan_action"),
    ),
    "/governance/plans/new/": (
        Exercise("governance_manage"),
        Exercise("governance_manage", "post", body=lambda w: {
            "name": "Combating Drugs Partnership plan 2025-28", "kind": "combating_drugs", "starts_on": iso(w.today),
            "ends_on": iso(w.today + timedelta(days=1000)), "aligned_to": "From Harm to Hope",
            "priorities": "Break drug supply chains\nDeliver treatment and recovery\nReduce demand"}),
    ),
    "/governance/plans/<int:pk>/edit/": (
        Exercise("governance_manage", params=PLAN, reads=(PLAN_READ,), refused="plan"),
        Exercise("governance_manage", "post", PLAN, body=lambda w: {
            "version": w.records["gov_plan"].version, "name": "Community Safety Plan 2024-28", "kind": "community_safety",
            "starts_on": iso(w.records["gov_plan"].starts_on), "ends_on": iso(w.records["gov_plan"].ends_on),
            "priorities": "Strengthening Communities\nTackling violence"}, refused="plan"),
    ),
    "/governance/boards/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_board"}, reads=(Read("board", "gov_board"),), refused="board"),
        Exercise("governance_manage", "post", {"pk": "gov_board"}, body=lambda w: {
            "version": w.records["gov_board"].version, "name": "Strategic Executive Group", "short_name": "SEG",
            "frequency": "quarterly", "members": [w.agencies["lead"].pk],
            "standing_items": "Prevent update = prevent\nCCTV = cctv"}, refused="board"),
    ),
    "/governance/meetings/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_meeting"}, reads=(Read("board_meeting", "gov_meeting"),),
                 refused="board_meeting"),
        Exercise("governance_manage", "post", {"pk": "gov_meeting"}, body=lambda w: {
            "version": w.records["gov_meeting"].version, "held_on": iso(w.today - timedelta(days=9)),
            "place": "Civic Centre"}, refused="board_meeting"),
    ),
    "/governance/decisions/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_decision"}, reads=(Read("decision", "gov_decision"),),
                 refused="decision"),
        Exercise("governance_manage", "post", {"pk": "gov_decision"}, body=lambda w: {
            "version": w.records["gov_decision"].version, "kind": "decision", "topic": "cctv",
            "text": "Agreed for the Mill Road cameras to be made permanent"}, refused="decision"),
    ),
    "/governance/meeting-actions/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_arising"}, reads=(Read("board_meeting", "gov_meeting"),)),
        Exercise("governance_manage", "post", {"pk": "gov_arising"}, body=lambda w: {
            "version": w.records["gov_arising"].version, "description": "Circulate the camera report to members",
            "owner_agency": w.agencies["lead"].pk, "due_on": iso(w.today + timedelta(days=21))}),
    ),
    "/governance/grants/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_grant"}, reads=(GRANT_READ,), refused="grant"),
        Exercise("governance_manage", "post", {"pk": "gov_grant"}, body=lambda w: {
            "version": w.records["gov_grant"].version, "fund": "Safer Streets", "round": "5", "amount": "203000",
            "starts_on": iso(w.records["gov_grant"].starts_on), "ends_on": iso(w.records["gov_grant"].ends_on),
            "led_by": w.agencies["lead"].pk, "reporting_dates": iso(w.today + timedelta(days=30))}, refused="grant"),
    ),
    "/governance/workstreams/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_workstream"}, reads=(GRANT_READ,)),
        Exercise("governance_manage", "post", {"pk": "gov_workstream"}, body=lambda w: {
            "version": w.records["gov_workstream"].version, "title": "Door staff training", "budget": "14000",
            "planned_output": "8", "output_unit": "training courses"}),
    ),
    "/governance/events/<int:pk>/edit/": (
        Exercise("governance_record", params={"pk": "gov_event"}, reads=(Read("event", "gov_event"),), refused="event"),
        Exercise("governance_record", "post", {"pk": "gov_event"}, body=lambda w: {
            "version": w.records["gov_event"].version, "title": "Freshers Fayre", "held_on": iso(w.today - timedelta(days=5)),
            "place": "Campus", "attendees": "students: 140"}, refused="event"),
    ),
    "/governance/boards/": (Exercise("signed_in", shown=(
        Shown("signed_in", "board", "gov_board", href("/governance/boards/{pk}/")),)),),
    "/governance/boards/new/": (
        Exercise("governance_manage"),
        Exercise("governance_manage", "post", body=lambda w: {
            "name": "Serious and Organised Crime Partnership", "short_name": "SOCP", "frequency": "monthly",
            "members": [w.agencies["shared"].pk], "standing_items": "Emerging threats = threats\nCounty lines"}),
    ),
    "/governance/grants/new/": (
        Exercise("governance_manage"),
        Exercise("governance_manage", "post", body=lambda w: {
            "fund": "PCC Crime Reduction Grant", "amount": "37000", "starts_on": iso(w.today),
            "ends_on": iso(w.today + timedelta(days=364)), "led_by": w.agencies["lead"].pk,
            "reporting_dates": iso(w.today + timedelta(days=90))}),
    ),
    "/governance/grants/<int:pk>/workstreams/new/": (
        Exercise("governance_manage", params={"pk": "gov_grant"}, reads=(GRANT_READ,), refused="grant"),
        Exercise("governance_manage", "post", {"pk": "gov_grant"}, body=lambda w: {
            "title": "Rapid deployment CCTV", "budget": "22000", "planned_output": "10", "output_unit": "deployments"},
            refused="grant"),
    ),
    "/governance/boards/<int:pk>/": (
        Exercise("signed_in", params={"pk": "gov_board"}, reads=(
            Read("board", "gov_board"), Read("board_meeting", "gov_meeting")), refused="board"),
        Exercise("governance_manage", "post", {"pk": "gov_board"}, body=lambda w: {
            "held_on": iso(w.today + timedelta(days=80)), "place": "Civic Centre"}),
    ),
    "/governance/meetings/<int:pk>/": (
        Exercise("signed_in", params={"pk": "gov_meeting"}, reads=(
            Read("board_meeting", "gov_meeting"), Read("decision", "gov_decision"), Read("governance_paper", "gov_paper")),
            refused="board_meeting"),
        Exercise("governance_manage", "post", {"pk": "gov_meeting"}, body=lambda w: {
            "form": "decision", "kind": "decision", "topic": "cctv", "text": "Agreed to remove the Mill Road camera"}),
        Exercise("governance_manage", "post", {"pk": "gov_meeting"}, body=lambda w: {
            "form": "action_done", "action_id": w.pk("gov_arising")}),
    ),
    "/governance/papers/<int:pk>/": (Exercise("signed_in", params={"pk": "gov_paper"},
                                              reads=(Read("governance_paper", "gov_paper"),), refused="governance_paper"),),
    "/governance/decisions/": (Exercise("signed_in", shown=(
        Shown("signed_in", "decision", "gov_decision", href("decision-{pk}", "id")),)),),
    "/governance/calendar/": (Exercise("signed_in"),),
    "/governance/calendar/<int:pk>/done/": (
        Exercise("governance_manage", "post", {"pk": "gov_calendar"}, body=lambda w: {}),),
    "/governance/grants/": (Exercise("signed_in", shown=(
        Shown("signed_in", "grant", "gov_grant", href("/governance/grants/{pk}/")),)),),
    "/governance/grants/<int:pk>/": (
        Exercise("signed_in", params={"pk": "gov_grant"}, reads=(GRANT_READ,), refused="grant"),
        Exercise("governance_lead", "post", {"pk": "gov_grant"}, body=lambda w: {
            "workstream": w.pk("gov_workstream"), "quarter": _quarter(w), "outputs": "2", "outcomes": "30",
            "spend": "4000"}),
        Exercise("governance_lead", "post", {"pk": "gov_grant"}, body=lambda w: {
            "form": "evidence", "title": "Training attendance sheets",
            "file": SimpleUploadedFile("sheets.pdf", PDF, "application/pdf")}),
        Exercise("governance_lead", "post", {"pk": "gov_grant"}, body=lambda w: {
            "form": "submitted", "reporting_date": w.pk("gov_reporting_date")}),
    ),
    "/governance/grants/<int:pk>/return/": (Exercise("signed_in", params={"pk": "gov_grant"}, reads=(GRANT_READ,),
                                                     refused="grant"),),
    "/governance/events/": (
        Exercise("signed_in", shown=(Shown("signed_in", "event", "gov_event", href("event-{pk}", "id")),)),
        Exercise("governance_record", "post", body=lambda w: {
            "title": "Dementia cafe talk", "held_on": iso(w.today), "place": "Library", "attendees": "older residents: 18"}),
    ),
    # The map of the events against the ward figures: an image for every reader (here, with no
    # boundaries loaded in the world, the small SVG saying so).
    "/governance/events/map.svg": (Exercise("signed_in"),),
    "/governance/priorities/<int:pk>/edit/": (
        Exercise("governance_manage", params={"pk": "gov_priority"}, reads=(Read("plan_priority", "gov_priority"),),
                 refused="plan_priority"),
        Exercise("governance_manage", "post", {"pk": "gov_priority"}, body=lambda w: {
            "version": w.records["gov_priority"].version, "aim": "Fewer repeat victims of ASB",
            "reason": "Refreshed at the SEG"}, refused="plan_priority"),
    ),
    **{f"/governance/{plural}/<int:pk>/archive/": (
        Exercise(rule, params={"pk": key}, reads=(Read(kind, key),), refused=kind),
        Exercise(rule, "post", {"pk": key}, body=lambda w, key=key: {
            "version": w.records[key].version, "reason": "Replaced by the 2025 refresh"}, refused=kind),
    ) for plural, kind, key, rule in (("plans", "plan", "gov_plan", "governance_manage"),
                                      ("boards", "board", "gov_board", "governance_manage"),
                                      ("meetings", "board_meeting", "gov_meeting", "governance_manage"),
                                      ("decisions", "decision", "gov_decision", "governance_manage"),
                                      ("grants", "grant", "gov_grant", "governance_manage"),
                                      ("events", "event", "gov_event", "governance_record"))},
    "/governance/archived/": (Exercise("governance_manage"),),
    "/governance/outreach/": (
        Exercise("signed_in", shown=(Shown("signed_in", "outreach_session", "gov_session", href("session-{pk}", "id")),)),
        Exercise("governance_record", "post", body=lambda w: {
            "programme": w.pk("gov_programme"), "held_on": iso(w.today), "attendees": "22",
            "safeguarding_escalations": "0", "outcome_housing_advice": "3", "tokens": "robin7\nwren2"}),
    ),
    "/governance/papers/new/": (
        Exercise("governance_manage"),
        Exercise("governance_manage", "post", body=lambda w: {
            "kind": "briefing", "board": w.pk("gov_board"), "start": f"{w.today - timedelta(days=90):%Y-%m}",
            "end": f"{w.today:%Y-%m}", "committee": "Overview and Scrutiny Committee", "output": "docx"}, ok=200),
    ),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/governance/plans/": (Exercise("signed_in", shown=(Shown("signed_in", "plan", "gov_plan", api_ids),)),),
    "GET /api/v1/governance/plans/{plan_id}": (
        Exercise("signed_in", params={"plan_id": "gov_plan"}, reads=(PLAN_READ,), refused="plan"),),
    "GET /api/v1/governance/actions/{action_id}": (
        Exercise("signed_in", params={"action_id": "gov_action"}, reads=(Read("plan_action", "gov_action"),),
                 refused="plan_action"),),
    "POST /api/v1/governance/actions/{action_id}/updates": (
        Exercise("governance_lead", params={"action_id": "gov_action"}, body=lambda w: {
            "quarter": _quarter(w), "narrative": "310 pupils trained", "achieved": 310}),),
    "GET /api/v1/governance/decisions/": (
        Exercise("signed_in", shown=(Shown("signed_in", "decision", "gov_decision", api_ids),)),),
    "GET /api/v1/governance/grants/{grant_id}": (
        Exercise("signed_in", params={"grant_id": "gov_grant"}, reads=(GRANT_READ,), refused="grant"),),
    "GET /api/v1/governance/outreach/summary": (Exercise("signed_in"),),
    "GET /api/v1/governance/calendar/": (
        Exercise("signed_in", shown=(Shown("signed_in", "calendar_item", "gov_calendar", api_ids),)),),
    "POST /api/v1/governance/calendar/{calendar_item_id}/done": (Exercise(
        "governance_manage", params={"calendar_item_id": "gov_calendar"}, refused="calendar_item", ok=200,
        body=lambda w: {"done_on": iso(w.today)}),),
    # Each record a PATCH changes is read first for its version (the ETag).
    "GET /api/v1/governance/priorities/{priority_id}": (Exercise(
        "signed_in", params={"priority_id": "gov_priority"}, reads=(Read("plan_priority", "gov_priority"),),
        refused="plan_priority"),),
    "GET /api/v1/governance/boards/{board_id}": (Exercise(
        "signed_in", params={"board_id": "gov_board"}, reads=(Read("board", "gov_board"),), refused="board"),),
    "GET /api/v1/governance/meetings/{meeting_id}": (Exercise(
        "signed_in", params={"meeting_id": "gov_meeting"}, reads=(Read("board_meeting", "gov_meeting"),),
        refused="board_meeting"),),
    "GET /api/v1/governance/decisions/{decision_id}": (Exercise(
        "signed_in", params={"decision_id": "gov_decision"}, reads=(Read("decision", "gov_decision"),),
        refused="decision"),),
    "GET /api/v1/governance/meeting-actions/{meeting_action_id}": (Exercise(
        "signed_in", params={"meeting_action_id": "gov_arising"}, reads=(Read("board_meeting", "gov_meeting"),)),),
    "GET /api/v1/governance/workstreams/{workstream_id}": (Exercise(
        "signed_in", params={"workstream_id": "gov_workstream"}, reads=(GRANT_READ,)),),
    "GET /api/v1/governance/events/{event_id}": (Exercise(
        "signed_in", params={"event_id": "gov_event"}, reads=(Read("event", "gov_event"),), refused="event"),),
    # Changing records through the API, as the change pages do (PATCH; If-Match is left out here,
    # so no version check: the stale case is tested in test_governance_api_edit.py).
    "PATCH /api/v1/governance/plans/{plan_id}": (Exercise(
        "governance_manage", params={"plan_id": "gov_plan"}, refused="plan", ok=200,
        body=lambda w: {"aligned_to": "Safer in Kent"}),),
    "PATCH /api/v1/governance/priorities/{priority_id}": (Exercise(
        "governance_manage", params={"priority_id": "gov_priority"},
        refused="plan_priority", ok=200, body=lambda w: {"aim": "Fewer repeat victims", "reason": "SEG refresh"}),),
    "PATCH /api/v1/governance/actions/{action_id}": (Exercise(
        "governance_manage", params=ACTION_ID, refused="plan_action", ok=200,
        body=lambda w: {"target": 1200, "partners": ["Police"]}),),
    "PATCH /api/v1/governance/boards/{board_id}": (Exercise(
        "governance_manage", params={"board_id": "gov_board"}, refused="board",
        ok=200, body=lambda w: {"chair_role": "CSP Manager", "standing_items": [["CCTV", "cctv"], ["Prevent", "prevent"]]}),),
    "PATCH /api/v1/governance/meetings/{meeting_id}": (Exercise(
        "governance_manage", params={"meeting_id": "gov_meeting"},
        refused="board_meeting", ok=200, body=lambda w: {"place": "Civic Centre"}),),
    "PATCH /api/v1/governance/decisions/{decision_id}": (Exercise(
        "governance_manage", params={"decision_id": "gov_decision"},
        refused="decision", ok=200, body=lambda w: {"text": "Agreed for the Mill Road cameras to be made permanent"}),),
    "PATCH /api/v1/governance/meeting-actions/{meeting_action_id}": (Exercise(
        "governance_manage", params={"meeting_action_id": "gov_arising"},
        ok=200, body=lambda w: {"due_on": iso(w.today + timedelta(days=21))}),),
    "PATCH /api/v1/governance/grants/{grant_id}": (Exercise(
        "governance_manage", params={"grant_id": "gov_grant"}, refused="grant", ok=200,
        body=lambda w: {"amount": "203000"}),),
    "PATCH /api/v1/governance/workstreams/{workstream_id}": (Exercise(
        "governance_manage", params={"workstream_id": "gov_workstream"}, ok=200,
        body=lambda w: {"budget": "14000"}),),
    "PATCH /api/v1/governance/events/{event_id}": (Exercise(
        "governance_record", params={"event_id": "gov_event"}, refused="event",
        ok=200, body=lambda w: {"attendees": {"students": 140}}),),
    # Archiving through the API, as the archive pages do (no If-Match here: the stale case is
    # tested in test_governance_api_read.py).
    **{f"POST /api/v1/governance/{plural}/{{{param}}}/archive": (Exercise(
        rule, params={param: key}, refused=kind, ok=200, body=lambda w: {"reason": "Replaced by the 2025 refresh"}),)
       for plural, param, kind, key, rule in (("plans", "plan_id", "plan", "gov_plan", "governance_manage"),
                                              ("boards", "board_id", "board", "gov_board", "governance_manage"),
                                              ("meetings", "meeting_id", "board_meeting", "gov_meeting",
                                               "governance_manage"),
                                              ("decisions", "decision_id", "decision", "gov_decision",
                                               "governance_manage"),
                                              ("grants", "grant_id", "grant", "gov_grant", "governance_manage"),
                                              ("events", "event_id", "event", "gov_event", "governance_record"))},
}
