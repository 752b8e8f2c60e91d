"""The governance edit pages a CSP manager uses all day (a board added and listed, its standing
items reordered; a plan added with its priorities; a stale grant edit refused) and the emailed
reminders (one per person per day, naming nobody)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.core import mail

from csphub.audit.models import AuditEntry
from csphub.cli import main
from csphub.governance import reminders, rules, services
from csphub.governance.models import Board, Grant, Plan, ReminderSent

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


@pytest.fixture
def police():
    return create_agency("Police", "police")


@pytest.fixture
def manager(council):
    return create_user("partnership_admin", council, "csp.manager")


def test_a_board_added_on_the_page_is_listed_and_its_standing_items_reordered(client, manager, council, police):
    client.force_login(manager)
    page = client.get("/governance/boards/new/")
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    added = client.post("/governance/boards/new/", {
        "name": "Strategic Executive Group", "short_name": "SEG", "frequency": "quarterly", "members": [police.pk],
        "standing_items": "Prevent Update = prevent\nCCTV = cctv\nCSP Action Plan = action_plan"})
    board = Board.objects.get(short_name="SEG")
    assert added.status_code == 302 and added["Location"] == f"/governance/boards/{board.pk}/"
    listed = client.get("/governance/boards/").content.decode()
    assert f'href="/governance/boards/{board.pk}/"' in listed and "Prevent Update, CCTV, CSP Action Plan" in listed

    again = client.post("/governance/boards/new/", {"name": "Another SEG", "short_name": "seg", "frequency": "monthly"})
    assert again.status_code == 200 and "<title>Error: Add a board" in again.content.decode()
    assert "There is already a board" in again.content.decode()

    edit = client.get(f"/governance/boards/{board.pk}/edit/").content.decode()
    assert "CCTV = cctv" in edit and f'name="version" value="{board.version}"' in edit
    changed = client.post(f"/governance/boards/{board.pk}/edit/", {
        "version": board.version, "name": "Strategic Executive Group", "short_name": "SEG", "frequency": "quarterly",
        "members": [police.pk, council.pk], "standing_items": "CCTV = cctv\nPrevent Update = prevent\nVRU update"})
    assert changed.status_code == 302
    board.refresh_from_db()
    assert [(s.order, s.title, s.topic) for s in board.standing_items.all()] == [
        (1, "CCTV", "cctv"), (2, "Prevent Update", "prevent"), (3, "VRU update", "")]
    assert set(board.member_agencies.all()) == {police, council}
    assert AuditEntry.objects.filter(action="changed", object_type="board", object_id=str(board.pk),
                                     summary="members, standing items").exists()
    client.force_login(create_user("officer", council))
    assert client.get(f"/governance/boards/{board.pk}/edit/").status_code == 403


def test_a_plan_added_on_the_page_with_its_priorities(client, manager, council):
    client.force_login(manager)
    failed = client.post("/governance/plans/new/", {
        "name": "Community Safety Plan 2024-28", "kind": "community_safety",
        "starts_on-day": "1", "starts_on-month": "4", "starts_on-year": "2024",
        "ends_on-day": "31", "ends_on-month": "3", "ends_on-year": "2023", "priorities": "Strengthening communities"})
    assert "<title>Error: Add a plan" in failed.content.decode() and "The plan ends before it starts" in failed.content.decode()
    added = client.post("/governance/plans/new/", {
        "name": "Community Safety Plan 2024-28", "kind": "community_safety",
        "starts_on-day": "1", "starts_on-month": "4", "starts_on-year": "2024",
        "ends_on-day": "31", "ends_on-month": "3", "ends_on-year": "2028", "aligned_to": "Safer in Kent",
        "priorities": "Strengthening communities\n\nTackling violence against women and girls\nProtecting the vulnerable"})
    plan = Plan.objects.get()
    assert added.status_code == 302 and (plan.starts_on, plan.ends_on) == (date(2024, 4, 1), date(2028, 3, 31))
    assert [(p.number, p.title) for p in plan.priorities.all()] == [
        (1, "Strengthening communities"), (2, "Tackling violence against women and girls"), (3, "Protecting the vulnerable")]
    services.add_action(None, plan.priorities.get(number=3), reference="3.1", objective="Hate crime",
                        title="Third-party reporting centres", theme="protect", led_by=council, target=Decimal(4),
                        unit="centres")
    body = {"version": plan.version, "name": plan.name, "kind": "community_safety", "starts_on": "2024-04-01",
            "ends_on": "2028-03-31", "priorities": "Strengthening communities\nVAWG"}
    refused = client.post(f"/governance/plans/{plan.pk}/edit/", body)
    assert refused.status_code == 200 and "Priority 3 (Protecting the vulnerable) still has actions" in refused.content.decode()
    assert plan.priorities.filter(archived_on__isnull=True).count() == 3
    kept = client.post(f"/governance/plans/{plan.pk}/edit/", {**body, "priorities": "Strengthening communities\nVAWG\n"
                                                                                  "Protecting the vulnerable"})
    assert kept.status_code == 302
    assert plan.priorities.get(number=2).title == "VAWG" and plan.priorities.get(number=3).actions.count() == 1


def test_a_stale_grant_edit_is_refused_and_nothing_is_saved(client, manager, council):
    today = date.today()
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000), starts_on=today,
                                  ends_on=today + timedelta(days=540), led_by=council,
                                  reporting_dates=[today + timedelta(days=90)])
    client.force_login(manager)
    opened = grant.version
    body = {"version": opened, "fund": "Safer Streets", "round": "5", "amount": "203000", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=540)).isoformat(), "led_by": council.pk,
            "reporting_dates": f"{today + timedelta(days=90):%d/%m/%Y}, {today + timedelta(days=180):%d/%m/%Y}"}
    assert client.post(f"/governance/grants/{grant.pk}/edit/", body).status_code == 302
    grant.refresh_from_db()
    assert grant.amount == 203000 and grant.reporting_dates.count() == 2 and grant.version == opened + 1
    stale = client.post(f"/governance/grants/{grant.pk}/edit/", {**body, "amount": "1"})
    assert stale.status_code == 409
    assert "<title>Error: Change Safer Streets 5" in stale.content.decode() and "after you opened it" in stale.content.decode()
    assert Grant.objects.get().amount == 203000


def test_the_reminder_emails_each_lead_once_a_day_naming_nobody(council, police, plan_with_waiting_work):
    today, lead, owner = plan_with_waiting_work
    result = CliRunner().invoke(main, ["governance", "remind", "--day", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 reminders emailed")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["anna.lead@example.org", "council.officer@example.org", "priya.owner@example.org"]
    assert "- 1 plan action without an update for " in by_address["anna.lead@example.org"].body
    assert "1 meeting action past the due date" in by_address["priya.owner@example.org"].body
    assert "1 grant return due within 14 days" in by_address["council.officer@example.org"].body
    for message in mail.outbox:
        text = message.subject + message.body
        for word in ("Anna", "Lead", "Priya", "Owner", "Bikeability", "Circulate", "Safer Streets", "Council ASB"):
            assert word not in text, (word, text)
    again = CliRunner().invoke(main, ["governance", "remind", "--day", today.isoformat()])
    assert again.output.startswith("0 reminders emailed") and "3 already emailed today" in again.output
    assert len(mail.outbox) == 3 and ReminderSent.objects.filter(day=today).count() == 3
    reminders.send_reminders(today + timedelta(days=1))
    assert len(mail.outbox) == 6


@pytest.fixture
def plan_with_waiting_work(council, police):
    today = date.today()
    last = reminders.last_quarter(today)
    lead = create_user("officer", council, "anna")
    lead.first_name, lead.last_name, lead.email = "Anna", "Lead", "anna.lead@example.org"
    lead.save()
    owner = create_user("officer", police, "priya")
    owner.first_name, owner.last_name, owner.email = "Priya", "Owner", "priya.owner@example.org"
    owner.save()
    other = create_user("officer", council, "council.officer")
    other.email = "council.officer@example.org"
    other.save()
    plan = services.create_plan(None, name="Community Safety Plan", starts_on=last.start - timedelta(days=400),
                                ends_on=today + timedelta(days=400), priorities=["Road safety"])
    priority = plan.priorities.get()
    action = services.add_action(None, priority, reference="1.1", objective="Road safety", title="Bikeability",
                                 theme="prevent", led_by=council, lead_officer=lead, target=Decimal(1000), unit="pupils",
                                 starts_on=last.start - timedelta(days=100), due_on=today + timedelta(days=300))
    updated = services.add_action(None, priority, reference="1.2", objective="Road safety", title="Speedwatch",
                                  theme="prevent", led_by=council, lead_officer=lead, target=Decimal(10), unit="sites")
    services.record_update(None, updated, quarter=last, narrative="4 sites", achieved=Decimal(4))
    services.record_update(None, action, quarter=rules.quarter_of(last.start - timedelta(days=1)), narrative="earlier",
                           achieved=Decimal(100))
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG")
    meeting = services.schedule_meeting(None, board, held_on=today - timedelta(days=40))
    services.add_meeting_action(None, meeting, description="Circulate the camera report", owner_agency=police,
                                owner=owner, due_on=today - timedelta(days=1))
    services.add_meeting_action(None, meeting, description="Not yet due", owner_agency=police, owner=owner,
                                due_on=today + timedelta(days=5))
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000),
                                  starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300), led_by=council,
                                  reporting_dates=[today + timedelta(days=14), today + timedelta(days=15)])
    assert grant.reporting_dates.count() == 2
    return today, lead, owner


def test_a_meeting_moved_its_action_arising_and_an_event_corrected_on_their_pages(client, manager, council, police):
    today = date.today()
    owner = create_user("officer", police, "owner")
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG")
    meeting = services.schedule_meeting(None, board, held_on=today - timedelta(days=20))
    arising = services.add_meeting_action(None, meeting, description="Circulate the report", owner_agency=police,
                                          owner=owner, due_on=today - timedelta(days=10))
    client.force_login(manager)
    late = today - timedelta(days=5)
    refused = client.post(f"/governance/meetings/{meeting.pk}/edit/", {
        "version": meeting.version, "held_on-day": late.day, "held_on-month": late.month, "held_on-year": late.year})
    assert refused.status_code == 200 and "change its due date first" in refused.content.decode()
    due = today + timedelta(days=7)
    assert client.post(f"/governance/meeting-actions/{arising.pk}/edit/", {
        "version": arising.version, "description": "Circulate the report to members", "owner_agency": police.pk,
        "due_on": due.isoformat()}).status_code == 302
    arising.refresh_from_db()
    assert (arising.due_on, arising.owner, arising.description) == (due, owner, "Circulate the report to members")
    assert client.post(f"/governance/meetings/{meeting.pk}/edit/", {
        "version": meeting.version, "held_on": late.isoformat(), "place": "Civic Centre"}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.place) == (late, "Civic Centre")

    event = services.record_event(None, title="Freshers Fayre", held_on=today - timedelta(days=3), place="Campus",
                                  attendees={"students": 120})
    client.force_login(create_user("officer", council))
    page = client.get(f"/governance/events/{event.pk}/edit/").content.decode()
    assert "students: 120" in page
    bad = client.post(f"/governance/events/{event.pk}/edit/", {
        "version": event.version, "title": "Freshers Fayre", "held_on": event.held_on.isoformat(), "place": "Campus",
        "attendees": "students: 140", "feedback": "found it useful: 140"})
    assert "<title>Error: Change Freshers Fayre" in bad.content.decode()
    assert client.post(f"/governance/events/{event.pk}/edit/", {
        "version": event.version, "title": "Freshers Fayre", "held_on": event.held_on.isoformat(), "place": "Campus",
        "attendees": "students: 140\nstaff: 6"}).status_code == 302
    event.refresh_from_db()
    assert event.attendee_total == 146


def test_calendar_deadlines_are_emailed_to_the_partnership_admins_inside_their_reminder_window(council, police):
    """A statutory deadline 28 days off (its reminder window) is emailed to the partnership admin,
    not to an officer; one 29 days off, one done and one archived are not counted; the email
    names no deadline. With no partnership admin, the supervisors are reminded instead."""
    today = date(2026, 3, 3)
    admin = create_user("partnership_admin", council, "csp.admin")
    admin.email = "csp.admin@example.org"
    admin.save()
    officer = create_user("officer", council, "an.officer")
    officer.email = "an.officer@example.org"
    officer.save()
    supervisor = create_user("supervisor", police, "a.supervisor")
    supervisor.email = "a.supervisor@example.org"
    supervisor.save()
    due = services.add_statutory_deadline(None, "strategic_assessment", today + timedelta(days=28))
    services.add_statutory_deadline(None, "sv_strategy", today + timedelta(days=29))
    done = services.add_statutory_deadline(None, "sv_needs_assessment", today - timedelta(days=3))
    done.done_on = today - timedelta(days=5)
    done.save()
    archived = services.add_statutory_deadline(None, "cdp_jna_review", today - timedelta(days=1))
    archived.archived_on = today
    archived.save()
    overdue = services.add_statutory_deadline(None, "cdp_jna_addendum", today - timedelta(days=1))

    assert reminders.deadlines_waiting(today) == 2  # the one 28 days off and the overdue one
    run = reminders.send_reminders(today)
    assert run.emailed == 1 and [m.to for m in mail.outbox] == [["csp.admin@example.org"]]
    body = mail.outbox[0].body
    assert "- 2 calendar deadlines coming up or overdue" in body
    for word in ("Strategic Assessment", "Combating", "Serious Violence"):
        assert word not in body + mail.outbox[0].subject

    overdue.done_on, due.done_on = today, today
    overdue.save()
    due.save()
    assert reminders.deadlines_waiting(today) == 0
    assert reminders.deadlines_waiting(today + timedelta(days=1)) == 1  # the 29-day one is now 28 days off
    admin.is_active = False
    admin.save()
    reminders.send_reminders(today + timedelta(days=1))
    assert [m.to for m in mail.outbox[1:]] == [["a.supervisor@example.org"]]
    assert "- 1 calendar deadline coming up or overdue" in mail.outbox[1].body
    assert ReminderSent.objects.get(user=supervisor).items == 1
