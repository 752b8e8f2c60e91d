"""Issue 16 / issue 12 item 11: a partner system reads a governance record before changing it.

Each record a PATCH changes has a GET answering its ``version`` with the same version as the
``ETag``; sending that back as If-Match lets the PATCH through (answering the next version),
sending it again after the change is 409 and saves nothing. The calendar is a list in the
envelope (``items``, ``total``, ``next``) and its items are marked done through the API;
plans, boards, meetings, decisions, grants and events are archived through it with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.governance import services
from csphub.governance.models import (
    Board,
    CalendarItem,
    Decision,
    Event,
    Grant,
    Meeting,
    MeetingAction,
    Plan,
    Priority,
    Workstream,
)

from .factories import create_agency, create_token, create_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/governance"


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


@pytest.fixture
def manager(council):
    return create_user("partnership_admin", council)


@pytest.fixture
def records(council) -> dict[str, Any]:
    plan = services.create_plan(None, name="Community Safety Plan", starts_on=date(2024, 4, 1), ends_on=date(2028, 3, 31))
    priority = services.priority_of(None, plan, 1, "Strengthening Communities")
    action = services.add_action(None, priority, reference="1.1", objective="Tackling ASB", title="Bikeability training",
                                 theme="prevent", led_by=council, target=Decimal(1000), unit="pupils")
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG", members=[council],
                                  standing_items=[("CCTV", "cctv")])
    meeting = services.schedule_meeting(None, board, held_on=date(2025, 6, 12), place="Gun Wharf")
    decision = services.record_decision(None, meeting, text="Agreed for these cameras to be made permanent", topic="cctv")
    arising = services.add_meeting_action(None, meeting, description="Circulate the camera report", owner_agency=council,
                                          due_on=date(2025, 7, 1))
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000),
                                  starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31), led_by=council,
                                  reporting_dates=[date(2025, 10, 15)])
    workstream = services.add_workstream(None, grant, title="Door staff training", budget=Decimal(12000),
                                         planned_output=Decimal(6), output_unit="training courses")
    event = services.record_event(None, title="Freshers Fayre", held_on=date(2025, 9, 20), place="Campus",
                                  attendees={"students": 120})
    return {"plans": plan, "priorities": priority, "actions": action, "boards": board, "meetings": meeting,
            "decisions": decision, "meeting-actions": arising, "grants": grant, "workstreams": workstream,
            "events": event}


def _headers(user, version=None):
    headers = {"authorization": f"Bearer {create_token(user)}"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return headers


# route -> (the PATCH body, the model, the field it changes, the value it sets, a later body)
CHANGES: dict[str, tuple[dict[str, Any], type, str, Any, dict[str, Any]]] = {
    "plans": ({"aligned_to": "Safer in Kent"}, Plan, "aligned_to", "Safer in Kent", {"aligned_to": "PCC plan"}),
    "priorities": ({"aim": "Fewer repeat victims", "reason": "SEG refresh"}, Priority, "aim", "Fewer repeat victims",
                   {"aim": "Fewer victims", "reason": "Typo"}),
    "actions": ({"unit": "year 6 pupils"}, services.Action, "unit", "year 6 pupils", {"unit": "pupils"}),
    "boards": ({"chair_role": "CSP Manager"}, Board, "chair_role", "CSP Manager", {"chair_role": "Head of Community Safety"}),
    "meetings": ({"place": "Civic Centre"}, Meeting, "place", "Civic Centre", {"place": "Online"}),
    "decisions": ({"text": "Agreed for the Mill Road cameras to be made permanent"}, Decision, "text",
                  "Agreed for the Mill Road cameras to be made permanent", {"text": "Deferred"}),
    "meeting-actions": ({"description": "Circulate the camera report to members"}, MeetingAction, "description",
                        "Circulate the camera report to members", {"description": "Drop it"}),
    "grants": ({"amount": "203000"}, Grant, "amount", Decimal(203000), {"amount": "1"}),
    "workstreams": ({"output_unit": "courses"}, Workstream, "output_unit", "courses", {"output_unit": "sessions"}),
    "events": ({"attendees": {"students": 140}}, Event, "attendees", {"students": 140}, {"attendees": {"students": 1}}),
}


@pytest.mark.parametrize("route", sorted(CHANGES))
def test_get_gives_the_etag_a_patch_needs_and_a_stale_one_is_refused(client, manager, records, route):
    body, model, field, value, later = CHANGES[route]
    record = records[route]
    url = f"{BASE}/{route}/{record.pk}"
    before = getattr(model.objects.get(pk=record.pk), field)
    read = client.get(url, headers=_headers(manager))
    assert read.status_code == 200, read.content
    version = read.json()["version"]
    assert version == model.objects.get(pk=record.pk).version
    assert read["ETag"] == f'"{version}"'

    changed = client.patch(url, body, content_type="application/json", headers=_headers(manager, version))
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == f'"{version + 1}"' and changed.json()["version"] == version + 1
    assert getattr(model.objects.get(pk=record.pk), field) == value != before
    assert client.get(url, headers=_headers(manager))["ETag"] == f'"{version + 1}"'

    # Another change made from the ETag read first: the record moved on since, so 409, nothing saved.
    stale = client.patch(url, later, content_type="application/json", headers=_headers(manager, version))
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_edit"
    fresh = model.objects.get(pk=record.pk)
    assert fresh.version == version + 1 and getattr(fresh, field) == value


def test_the_details_answer_the_fields_a_patch_sends(client, manager, records):
    board = client.get(f"{BASE}/boards/{records['boards'].pk}", headers=_headers(manager)).json()
    assert board["members"] == ["Council ASB Team"] and board["standing_items"] == [["CCTV", "cctv"]]
    assert board["modified_on"].endswith("Z")
    meeting = client.get(f"{BASE}/meetings/{records['meetings'].pk}", headers=_headers(manager)).json()
    assert (meeting["board"], meeting["held_on"], meeting["place"]) == ("SEG", "2025-06-12", "Gun Wharf")
    event = client.get(f"{BASE}/events/{records['events'].pk}", headers=_headers(manager)).json()
    assert event["attendees"] == {"students": 120} and event["place"] == "Campus"
    grant = client.get(f"{BASE}/grants/{records['grants'].pk}", headers=_headers(manager)).json()
    assert grant["reporting_dates"] == [{"due_on": "2025-10-15", "submitted_on": None}]
    plan = client.get(f"{BASE}/plans/{records['plans'].pk}", headers=_headers(manager)).json()
    assert [p["title"] for p in plan["priorities"]] == ["Strengthening Communities"]
    assert plan["actions"][0]["version"] == records["actions"].version


def test_a_detail_read_is_audited_by_id(client, council, records):
    officer = create_user("officer", council)
    event = records["events"]
    assert client.get(f"{BASE}/events/{event.pk}", headers=_headers(officer)).status_code == 200
    assert AuditEntry.objects.filter(user=officer, channel=AuditEntry.Channel.API, object_type="event",
                                     object_id=str(event.pk), action=AuditEntry.Action.VIEWED).exists()


# ---- The calendar ------------------------------------------------------------------------


@pytest.fixture
def deadlines():
    today = timezone.localdate()
    items = [services.add_statutory_deadline(None, "strategic_assessment", today + timedelta(days=20)),
             services.add_statutory_deadline(None, "strategic_assessment", today + timedelta(days=40))]
    one_off = CalendarItem(title="Safeguarding board chairs' annual attendance", kind=CalendarItem.Kind.ATTENDANCE,
                           due_on=today + timedelta(days=60), recurrence="once")
    one_off.save_by(None)
    return [*items, one_off]


def test_the_calendar_is_a_list_in_the_envelope(client, manager, deadlines):
    first = client.get(f"{BASE}/calendar/?limit=2", headers=_headers(manager)).json()
    assert first["total"] == 3 and [i["id"] for i in first["items"]] == [deadlines[0].pk, deadlines[1].pk]
    assert first["items"][0]["status"] and first["items"][0]["days_left"] == 20
    assert first["next"] == f"{BASE}/calendar/?limit=2&offset=2"
    rest = client.get(first["next"], headers=_headers(manager)).json()
    assert [i["id"] for i in rest["items"]] == [deadlines[2].pk] and rest["next"] is None
    later = (timezone.now() + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.get(f"{BASE}/calendar/?updated_since={later}", headers=_headers(manager)).json()["total"] == 0


def test_a_deadline_is_marked_done_and_a_recurring_one_answers_the_next(client, manager, council, deadlines):
    today = timezone.localdate()
    item = deadlines[0]
    url = f"{BASE}/calendar/{item.pk}/done"
    future = client.post(url, {"done_on": str(today + timedelta(days=1))}, content_type="application/json",
                         headers=_headers(manager))
    assert future.status_code == 422 and future.json()["error"]["details"][0]["field"] == "done_on"
    officer = create_user("officer", council)
    assert client.post(url, {"done_on": str(today)}, content_type="application/json",
                       headers=_headers(officer)).status_code == 403
    done = client.post(url, {"done_on": str(today)}, content_type="application/json", headers=_headers(manager))
    assert done.status_code == 200, done.content
    answer = done.json()
    assert answer["done"]["id"] == item.pk and answer["done"]["done_on"] == str(today)
    assert CalendarItem.objects.get(pk=item.pk).done_on == today
    following = CalendarItem.objects.get(pk=answer["next"]["id"])
    assert following.due_on > item.due_on and following.done_on is None and answer["next"]["recurrence"] == "yearly"
    again = client.post(url, {"done_on": str(today)}, content_type="application/json", headers=_headers(manager))
    assert again.status_code == 422 and again.json()["error"]["code"] == "already_done"
    one_off = client.post(f"{BASE}/calendar/{deadlines[2].pk}/done", {"done_on": str(today)},
                          content_type="application/json", headers=_headers(manager))
    assert one_off.status_code == 200 and one_off.json()["next"] is None


# ---- Archiving ---------------------------------------------------------------------------


def test_a_board_is_archived_with_a_reason_and_a_stale_archive_refused(client, manager, council, records):
    board = records["boards"]
    url = f"{BASE}/boards/{board.pk}"
    version = int(client.get(url, headers=_headers(manager))["ETag"].strip('"'))
    client.patch(url, {"chair_role": "CSP Manager"}, content_type="application/json", headers=_headers(manager))
    stale = client.post(f"{url}/archive", {"reason": "Merged into the SEG"}, content_type="application/json",
                        headers=_headers(manager, version))
    assert stale.status_code == 409 and Board.objects.get(pk=board.pk).archived_on is None
    blank = client.post(f"{url}/archive", {"reason": "  "}, content_type="application/json", headers=_headers(manager))
    assert blank.status_code == 422 and blank.json()["error"]["details"][0]["field"] == "reason"
    officer = create_user("officer", council)
    assert client.post(f"{url}/archive", {"reason": "Merged"}, content_type="application/json",
                       headers=_headers(officer)).status_code == 403
    done = client.post(f"{url}/archive", {"reason": "Merged into the SEG"}, content_type="application/json",
                       headers=_headers(manager, version + 1))
    assert done.status_code == 200, done.content
    assert done.json()["reason"] == "Merged into the SEG" and done.json()["archived_on"].endswith("Z")
    assert done["ETag"] == f'"{version + 2}"'
    assert Board.objects.get(pk=board.pk).archived_reason == "Merged into the SEG"
    assert client.get(url, headers=_headers(manager)).status_code == 404


def test_a_meeting_archived_takes_its_decisions_out_of_the_register(client, manager, records):
    meeting, decision = records["meetings"], records["decisions"]
    done = client.post(f"{BASE}/meetings/{meeting.pk}/archive", {"reason": "Entered in error"},
                       content_type="application/json", headers=_headers(manager))
    assert done.status_code == 200
    assert client.get(f"{BASE}/decisions/{decision.pk}", headers=_headers(manager)).status_code == 404
    register = client.get(f"{BASE}/decisions/", headers=_headers(manager)).json()
    assert decision.pk not in [d["id"] for d in register["items"]]


def test_an_officer_archives_an_event_but_not_a_grant(client, council, records):
    officer = create_user("officer", council)
    event = client.post(f"{BASE}/events/{records['events'].pk}/archive", {"reason": "Cancelled"},
                        content_type="application/json", headers=_headers(officer))
    assert event.status_code == 200 and Event.objects.get(pk=records["events"].pk).archived_on is not None
    grant = client.post(f"{BASE}/grants/{records['grants'].pk}/archive", {"reason": "Withdrawn"},
                        content_type="application/json", headers=_headers(officer))
    assert grant.status_code == 403 and Grant.objects.get(pk=records["grants"].pk).archived_on is None
