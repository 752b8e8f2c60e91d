"""Issue 16: a priority's aim changed on its page (version check, reason on the history row,
audit), and plans, boards, grants and events archived with a reason, never deleted, and listed
under archived records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csphub.audit.models import AuditEntry
from csphub.governance import services
from csphub.governance.models import Board, Decision, Event, Grant, MeetingAction, Plan, Priority

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


@pytest.fixture
def manager(council):
    return create_user("partnership_admin", council, "csp.manager")


def test_a_priority_aim_changed_with_a_reason_and_a_stale_form_refused(client, manager):
    plan = services.create_plan(None, name="Community Safety Plan", starts_on=date(2024, 4, 1), ends_on=date(2028, 3, 31))
    priority = services.priority_of(None, plan, 1, "Strengthening Communities")
    client.force_login(manager)
    url = f"/governance/priorities/{priority.pk}/edit/"
    opened = priority.version
    no_reason = client.post(url, {"version": opened, "aim": "Fewer repeat victims", "reason": ""})
    assert "Error:" in no_reason.content.decode() and Priority.objects.get(pk=priority.pk).aim == ""
    saved = client.post(url, {"version": opened, "aim": "Fewer repeat victims", "reason": "Refreshed at the SEG"})
    assert saved.status_code == 302
    priority.refresh_from_db()
    assert priority.aim == "Fewer repeat victims"
    assert priority.history.first().history_change_reason == "Refreshed at the SEG"
    assert AuditEntry.objects.filter(object_type="plan_priority", object_id=str(priority.pk), action="changed").exists()
    stale = client.post(url, {"version": opened, "aim": "Something else", "reason": "Typo"})
    assert stale.status_code == 409 and "nothing was saved" in stale.content.decode()
    assert Priority.objects.get(pk=priority.pk).aim == "Fewer repeat victims"
    assert "Fewer repeat victims" in client.get(f"/governance/plans/{plan.pk}/").content.decode()


def test_records_are_archived_with_a_reason_kept_and_listed(client, manager, council):
    plan = services.create_plan(None, name="Prevent plan", starts_on=date(2024, 4, 1), ends_on=date(2025, 3, 31))
    board = services.create_board(None, name="Prevent Board", short_name="PB", members=[council], standing_items=[])
    grant = services.create_grant(None, fund="Safer Streets", round="4", amount=Decimal(100), starts_on=date(2024, 4, 1),
                                  ends_on=date(2025, 3, 31), led_by=council, reporting_dates=[])
    event = services.record_event(None, title="Freshers Fayre", held_on=date(2024, 9, 20), place="Campus",
                                  attendees={"students": 40})
    client.force_login(manager)
    for plural, record in (("plans", plan), ("boards", board), ("grants", grant), ("events", event)):
        url = f"/governance/{plural}/{record.pk}/archive/"
        assert "Error:" in client.post(url, {"version": record.version, "reason": " "}).content.decode()
        assert client.post(url, {"version": record.version, "reason": f"{plural} replaced"}).status_code == 302
    for model, record in ((Plan, plan), (Board, board), (Grant, grant), (Event, event)):
        kept = model.objects.get(pk=record.pk)  # still there: archived, not deleted
        assert kept.archived_on is not None and kept.archived_by == manager and kept.archived_reason.endswith("replaced")
    assert client.get(f"/governance/plans/{plan.pk}/").status_code == 404
    listed = client.get("/governance/archived/").content.decode()
    for plural, record in (("plans", plan), ("boards", board), ("grants", grant), ("events", event)):
        assert f'id="archived-{plural}-{record.pk}"' in listed and f"{plural} replaced" in listed
    assert client.get("/governance/events/").content.decode().count("Freshers Fayre") == 0
    officer = create_user("officer", council)
    client.force_login(officer)
    assert client.get("/governance/archived/").status_code == 403


def test_a_meeting_entered_in_error_and_a_decision_are_archived_and_leave_the_register(client, manager, council):
    """A duplicate meeting archived takes its decision out of the register and its overdue
    action out of the reminders; a single decision archived leaves its meeting's other one."""
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG", members=[council],
                                  standing_items=[])
    kept = services.schedule_meeting(None, board, held_on=date(2025, 6, 12))
    duplicate = services.schedule_meeting(None, board, held_on=date(2025, 6, 13))
    stays = services.record_decision(None, kept, text="Agreed for these cameras to be made permanent", topic="cctv")
    wrong = services.record_decision(None, kept, text="Agreed the wrong thing")
    gone = services.record_decision(None, duplicate, text="Agreed twice by mistake")
    services.add_meeting_action(None, duplicate, description="Circulate the minutes", owner_agency=council,
                                due_on=date(2025, 6, 20))
    client.force_login(manager)
    page = client.get(f"/governance/meetings/{kept.pk}/").content.decode()
    assert f'href="/governance/meetings/{kept.pk}/archive/"' in page and f'href="/governance/decisions/{wrong.pk}/archive/"' in page

    archived = client.post(f"/governance/decisions/{wrong.pk}/archive/", {"version": wrong.version, "reason": "Minuted in error"})
    assert archived.status_code == 302 and archived["Location"] == f"/governance/meetings/{kept.pk}/"
    meeting = client.post(f"/governance/meetings/{duplicate.pk}/archive/", {"version": duplicate.version, "reason": "Entered twice"})
    assert meeting.status_code == 302 and meeting["Location"] == f"/governance/boards/{board.pk}/"

    register = client.get("/governance/decisions/").content.decode()
    assert f'id="decision-{stays.pk}"' in register
    assert f'id="decision-{wrong.pk}"' not in register and f'id="decision-{gone.pk}"' not in register
    assert client.get(f"/governance/meetings/{duplicate.pk}/").status_code == 404
    assert Decision.objects.get(pk=wrong.pk).archived_reason == "Minuted in error"  # kept, not deleted
    assert MeetingAction.objects.filter(meeting=duplicate).count() == 1
    from csphub.governance import reminders
    assert not any(w.overdue for w in reminders.waiting_by_user(date(2025, 7, 1)).values())
    listed = client.get("/governance/archived/").content.decode()
    assert f'id="archived-meetings-{duplicate.pk}"' in listed and "Entered twice" in listed
    assert f'id="archived-decisions-{wrong.pk}"' in listed and "Decision of SEG 12 June 2025: Agreed the wrong thing" in listed
