"""The partner inbox (issue 12, item 3): a referral to Housing arrives in Housing's inbox and
nobody else's; read state is per user; emails say only that something is waiting; overdue
notices are posted once per record per day; "never" sends nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from csphub.casework import services
from csphub.casework.notices import post_overdue
from csphub.inbox import services as inbox
from csphub.inbox.models import InboxItem

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners() -> dict[str, Any]:
    council, housing, police = (create_agency("Council ASB Team"), create_agency("Housing", "housing"),
                                create_agency("Police", "police"))
    officer = create_user("officer", council, "asb.officer")
    housing_a, housing_b = create_user("officer", housing, "housing.a"), create_user("officer", housing, "housing.b")
    for user in (officer, housing_a, housing_b):
        user.email = f"{user.username}@example.gov.uk"
        user.save()
    return {"council": council, "housing": housing, "police": police, "officer": officer,
            "housing_a": housing_a, "housing_b": housing_b, "police_officer": create_user("officer", police, "pc.1")}


def refer_to_housing(p: dict[str, Any], capture: Any) -> Any:
    case = create_case(p["officer"])
    victim = create_person(p["officer"], first_name="Margaret", last_name="Oyelaran")
    services.add_party(p["officer"], case, victim, "victim")
    with capture(execute=True):
        referral = services.refer(p["officer"], case, to_agency=p["housing"], reason="Rehousing", person=victim)
    return referral


def test_a_referral_to_housing_is_in_housings_inbox_only(partners, django_capture_on_commit_callbacks):
    referral = refer_to_housing(partners, django_capture_on_commit_callbacks)
    [item] = list(inbox.inbox(partners["housing_a"]))
    assert item.kind == "referral" and item.link == f"/referrals/{referral.pk}/"
    assert item.title == f"New referral to Housing on case {referral.case.reference}"
    assert inbox.unread_count(partners["housing_a"]) == 1
    assert inbox.unread_count(partners["police_officer"]) == 0
    assert list(inbox.inbox(partners["police_officer"])) == []
    # The dashboard says so.
    client = Client()
    client.force_login(partners["housing_a"])
    assert '<strong class="govuk-tag">1 unread</strong>' in client.get("/").content.decode()
    page = client.get("/inbox/").content.decode()
    assert f'href="/inbox/{item.pk}/"' in page and "Oyelaran" not in page
    # Police cannot open it: 404, as if it did not exist.
    client.force_login(partners["police_officer"])
    assert client.get(f"/inbox/{item.pk}/").status_code == 404
    assert f"/inbox/{item.pk}/" not in client.get("/inbox/").content.decode()


def test_opening_marks_read_for_that_user_only(partners, django_capture_on_commit_callbacks):
    referral = refer_to_housing(partners, django_capture_on_commit_callbacks)
    item = InboxItem.objects.get(object_type="referral", object_id=str(referral.pk))
    client = Client()
    client.force_login(partners["housing_a"])
    response = client.get(f"/inbox/{item.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert inbox.unread_count(partners["housing_a"]) == 0
    assert inbox.unread_count(partners["housing_b"]) == 1
    # Mark all read, for housing.b only.
    client.force_login(partners["housing_b"])
    assert client.post("/inbox/read/").status_code == 302
    assert inbox.unread_count(partners["housing_b"]) == 0


def test_the_email_says_only_that_something_is_waiting(partners, django_capture_on_commit_callbacks, settings):
    settings.CSPHUB_SITE_URL = "https://csphub.example.gov.uk"
    referral = refer_to_housing(partners, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["housing.a@example.gov.uk", "housing.b@example.gov.uk"]
    message = mail.outbox[0]
    text = message.subject + message.body
    assert "https://csphub.example.gov.uk/inbox/" in message.body
    for secret in ("Margaret", "Oyelaran", "Rehousing", referral.case.reference, "Loud music"):
        assert secret not in text
    assert message.subject == "CSP Hub: 1 new item in your inbox"


def test_never_sends_nothing_and_daily_sends_one_summary(partners, django_capture_on_commit_callbacks):
    inbox.set_email_choice(partners["housing_a"], "never")
    inbox.set_email_choice(partners["housing_b"], "daily")
    refer_to_housing(partners, django_capture_on_commit_callbacks)
    refer_to_housing(partners, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # neither chose straight away
    assert inbox.send_daily_digests() == 1
    [summary] = mail.outbox
    assert summary.to == ["housing.b@example.gov.uk"] and "2 new items" in summary.body
    assert inbox.send_daily_digests() == 0  # nothing new since
    assert len(mail.outbox) == 1


def test_the_notification_page_saves_the_choice(partners):
    client = Client()
    client.force_login(partners["housing_a"])
    assert client.post("/account/notifications/", {"email": "never"}).status_code == 302
    assert inbox.email_choice(partners["housing_a"]) == "never"
    page = client.post("/account/notifications/", {"email": "hourly"}).content.decode()
    assert "<title>Error: Email notifications" in page


def test_notify_overdue_tells_owner_and_supervisor_once_a_day(partners):
    supervisor = create_user("supervisor", partners["council"], "asb.supervisor")
    officer = partners["officer"]
    case = create_case(officer)
    task = services.add_task(officer, case, title="Visit Mrs Oyelaran", owner=officer,
                             due_on=timezone.localdate() + timedelta(days=1))
    case.next_review_on = None  # the task alone is overdue here
    case.save()
    today = timezone.localdate() + timedelta(days=3)
    assert post_overdue(today) == 2  # the owner and the supervisor
    assert post_overdue(today) == 0  # idempotent: the same day posts nothing
    overdue = InboxItem.objects.filter(kind="overdue", object_id=str(task.pk))
    assert sorted(i.user.username for i in overdue) == ["asb.officer", "asb.supervisor"]
    assert all("Oyelaran" not in i.title for i in overdue)
    assert inbox.unread_count(supervisor) == 1
    assert post_overdue(today + timedelta(days=1)) == 2  # the next day, still overdue: told again


def test_a_task_for_someone_goes_to_their_inbox_not_their_colleagues(partners):
    officer = partners["officer"]
    colleague = create_user("officer", partners["council"], "asb.colleague")
    case = create_case(officer)
    services.add_task(officer, case, title="Call the housing team", owner=officer, due_on=date(2030, 1, 1))
    assert [i.kind for i in inbox.inbox(officer)] == ["task"]
    assert inbox.unread_count(colleague) == 0


def test_the_api_lists_and_marks_read(partners, django_capture_on_commit_callbacks):
    refer_to_housing(partners, django_capture_on_commit_callbacks)
    client = Client()
    auth = {"authorization": f"Bearer {create_token(partners['housing_a'])}"}
    body = client.get("/api/v1/inbox/", headers=auth).json()
    assert (body["total"], body["unread"], body["next"]) == (1, 1, None)
    item_id = body["items"][0]["id"]
    assert client.post(f"/api/v1/inbox/{item_id}/read", content_type="application/json", headers=auth).json()["read"] is True
    assert client.get("/api/v1/inbox/", headers=auth).json()["unread"] == 0
    police = {"authorization": f"Bearer {create_token(partners['police_officer'])}"}
    assert client.post(f"/api/v1/inbox/{item_id}/read", content_type="application/json", headers=police).status_code == 404
    assert client.get("/api/v1/inbox/", headers=police).json()["total"] == 0


def test_a_review_due_tells_the_lead_officer_and_supervisor(partners):
    create_user("supervisor", partners["council"], "asb.supervisor")
    officer = partners["officer"]
    case = create_case(officer)
    case.lead_officer, case.next_review_on = officer, date(2026, 5, 1)
    case.save()
    assert post_overdue(date(2026, 5, 1)) == 2
    assert post_overdue(date(2026, 5, 1)) == 0
    items = InboxItem.objects.filter(kind="review_due", object_id=str(case.pk))
    assert sorted(i.user.username for i in items) == ["asb.officer", "asb.supervisor"]
    assert post_overdue(date(2026, 4, 30)) == 0  # not due yet the day before


def test_a_high_risk_victim_puts_the_panel_task_in_the_supervisors_inbox(partners, django_capture_on_commit_callbacks):
    supervisor = create_user("supervisor", partners["council"], "asb.supervisor")
    case = create_case(partners["officer"])
    victim = create_person(partners["officer"], first_name="Margaret", last_name="Oyelaran")
    services.add_party(partners["officer"], case, victim, "victim")
    every_yes = {q.key: True for q in services.rules.RISK_QUESTIONS}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assess_risk(partners["officer"], case, victim, every_yes).level == "high"
    [item] = list(inbox.inbox(supervisor))
    assert item.kind == "task" and case.reference in item.title and "Oyelaran" not in item.title
    assert list(inbox.inbox(partners["officer"])) == []


def test_a_task_handed_over_by_a_correction_goes_to_the_new_owners_inbox(partners):
    from csphub.casework import corrections

    officer = partners["officer"]
    colleague = create_user("officer", partners["council"], "asb.colleague")
    case = create_case(officer)
    task = services.add_task(officer, case, title="Call the housing team", owner=officer, due_on=date(2030, 1, 1))
    assert inbox.unread_count(colleague) == 0
    result = corrections.correct(officer, "task", task, {"owner": colleague}, reason="Handed over: on leave")
    [item] = list(inbox.inbox(colleague))
    assert item.kind == "task" and item.object_id == str(task.pk)
    assert "The task is now in asb.colleague's inbox." in result.effects
    # A correction that keeps the owner posts nothing more.
    corrections.correct(officer, "task", task, {"title": "Call housing"}, reason="Shorter")
    assert len(list(inbox.inbox(colleague))) == 1


def test_a_panel_action_handed_to_another_agency_goes_to_that_agencys_inbox(partners):
    from csphub.casework import corrections
    from csphub.panels import services as panels
    from csphub.panels.models import Panel

    officer, council, housing = partners["officer"], partners["council"], partners["housing"]
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council, housing])
    referral = panels.refer_to_panel(officer, panel, person=create_person(officer), reason="High risk",
                                     consent="given")
    action = panels.add_action(officer, referral, description="Safety plan", owner_agency=council,
                               due_on=date(2030, 1, 1), owner=officer)
    assert inbox.unread_count(partners["housing_a"]) == 0
    result = corrections.correct(officer, "panel_action", action, {"owner_agency": housing},
                                 reason="Housing leads on this")
    [item] = list(inbox.inbox(partners["housing_a"]))
    assert item.kind == "panel_action" and item.object_id == str(action.pk)
    assert inbox.unread_count(partners["housing_b"]) == 1  # the agency's, not the council officer's
    assert "The action is now in Housing's inbox." in result.effects
    action.refresh_from_db()
    assert action.owner_id is None  # the named council owner no longer owns it


def test_an_overdue_panel_action_tells_its_owner_and_supervisor_until_it_is_complete(partners):
    from csphub.panels import services as panels
    from csphub.panels.models import Panel
    from csphub.panels.notices import post_overdue_actions

    officer, council, housing = partners["officer"], partners["council"], partners["housing"]
    create_user("supervisor", council, "asb.supervisor")
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council, housing])
    referral = panels.refer_to_panel(officer, panel, person=create_person(officer), reason="High risk",
                                     consent="given")
    due = timezone.localdate() + timedelta(days=1)
    named = panels.add_action(officer, referral, description="Safety plan", owner_agency=council, due_on=due,
                              owner=officer)
    unnamed = panels.add_action(officer, referral, description="Check tenancy", owner_agency=housing, due_on=due)
    assert post_overdue_actions(due) == 0  # due today is not overdue
    today = due + timedelta(days=1)
    assert post_overdue_actions(today) == 3  # the officer, their supervisor, housing's inbox
    assert post_overdue_actions(today) == 0  # once a day
    items = InboxItem.objects.filter(kind="overdue", object_type="panel_action")
    assert sorted((i.object_id, i.user.username if i.user else None) for i in items) == sorted(
        [(str(named.pk), "asb.officer"), (str(named.pk), "asb.supervisor"), (str(unnamed.pk), None)])
    assert all("Vulnerability Panel" in i.title and "was due" in i.title for i in items)
    assert inbox.unread_count(partners["housing_a"]) == 2  # the new action and its overdue item
    panels.update_action(officer, named, "complete")
    panels.update_action(officer, unnamed, "complete")
    assert post_overdue_actions(today + timedelta(days=1)) == 0  # complete: no longer told


def test_an_overdue_case_review_recommendation_goes_to_its_owner_agency(partners):
    from csphub.casereview import services as reviews
    from csphub.casereview.models import Recommendation
    from csphub.casereview.notices import post_overdue_recommendations

    officer, housing = partners["officer"], partners["housing"]
    application = reviews.receive_application(officer, applicant=create_person(officer),
                                              behaviour="Noise every night", complaints=[],
                                              received_on=timezone.localdate())
    due = timezone.localdate() + timedelta(days=10)
    rec = Recommendation.objects.create(application=application, text="Offer mediation", owner_agency=housing,
                                        due_on=due)
    assert post_overdue_recommendations(due) == 0
    assert post_overdue_recommendations(due + timedelta(days=1)) == 1
    assert post_overdue_recommendations(due + timedelta(days=1)) == 0
    [item] = InboxItem.objects.filter(kind="overdue", object_type="recommendation")
    assert item.agency_id == housing.pk and item.user_id is None and application.reference in item.title
    rec.status = Recommendation.Status.DONE
    rec.save()
    assert post_overdue_recommendations(due + timedelta(days=2)) == 0
