"""Correcting a recorded ASB Case Review meeting (issue 12, item 8): date, chair, independent
chair, documents and the agencies that came, with a reason, a version check (409 when stale,
on the page and through the API's If-Match), history (who, when, why; an attendance taken off
stays in it) and an audit entry; the same date rules as recording one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casereview import services
from csphub.errors import RuleRefused, StaleEdit

from .factories import create_agency, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    council, police = create_agency("Council ASB Team"), create_agency("Police", "police")
    officer = create_user("officer", council, "cr.lead")
    officer.first_name, officer.last_name = "Chris", "Lead"
    officer.save()
    app = services.receive_application(officer, applicant=create_person(officer), behaviour="Noise",
                                       received_on=date(2026, 6, 1), complaints=[
                                           services.ComplaintInput(date(2026, 5, 30), date(2026, 5, 29), council)])
    services.decide_discretionary(officer, app, reason="Vulnerable victim", on=date(2026, 6, 3))
    meeting = services.record_meeting(officer, app, held_on=date(2026, 6, 20), chair="Head of Community Safety",
                                      documents="Chronology", attendees=[
                                          services.AttendanceInput(council, "ASB officer"),
                                          services.AttendanceInput(police, "PC Smith, beat manager")])
    return {"council": council, "police": police, "officer": officer, "app": app, "meeting": meeting}


def _form(world, held_on: date, **overrides: str) -> dict[str, object]:
    body: dict[str, object] = {
        "held_on-day": held_on.day, "held_on-month": held_on.month, "held_on-year": held_on.year,
        "chair": "Head of Community Safety", "independent_chair": "", "documents": "Chronology",
        "version": world["meeting"].version, "correction_reason": "The meeting was on the Sunday",
        "attendee-TOTAL_FORMS": "2", "attendee-INITIAL_FORMS": "0",
        "attendee-0-agency": world["council"].pk, "attendee-0-name_role": "ASB officer",
        "attendee-1-agency": world["police"].pk, "attendee-1-name_role": "PC Smith, beat manager"}
    body.update(overrides)
    return body


def test_the_meeting_is_corrected_on_its_page_with_history_and_audit(client: Client, world):
    app, meeting, officer = world["app"], world["meeting"], world["officer"]
    client.force_login(officer)
    detail = client.get(f"/case-reviews/{app.pk}/").content.decode()
    assert f'href="/case-reviews/{app.pk}/meeting/edit/"' in detail
    page = client.get(f"/case-reviews/{app.pk}/meeting/edit/").content.decode()
    assert 'value="Head of Community Safety"' in page and 'value="PC Smith, beat manager"' in page
    # Moved a day; the police attendee was really PC Jones.
    response = client.post(f"/case-reviews/{app.pk}/meeting/edit/", _form(
        world, date(2026, 6, 21), **{"attendee-1-name_role": "PC Jones, beat manager"}), follow=True)
    assert "Corrected: held on, attendees." in response.content.decode()
    meeting.refresh_from_db()
    app.refresh_from_db()
    assert meeting.held_on == date(2026, 6, 21) and meeting.version == 2 and app.review_held_on == date(2026, 6, 21)
    assert sorted(a.name_role for a in meeting.attendances.all()) == ["ASB officer", "PC Jones, beat manager"]
    entry = AuditEntry.objects.filter(object_type="case_review_meeting", object_id=str(meeting.pk),
                                      action="changed").latest("id")
    assert entry.summary == "corrected: held_on, attendees" and entry.user == officer

    history = client.get(f"/case-reviews/{app.pk}/history/").content.decode()
    assert "The meeting was on the Sunday" in history and "Chris Lead" in history
    assert "20 June 2026 &rarr; 21 June 2026" in history
    assert "Removed: Attendance: Police, PC Smith, beat manager" in history  # taken off, still in the history
    assert "Recorded: Attendance: Police, PC Jones, beat manager" in history


def test_a_meeting_date_in_the_future_or_before_the_application_is_refused(client: Client, world):
    app, meeting = world["app"], world["meeting"]
    client.force_login(world["officer"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/case-reviews/{app.pk}/meeting/edit/", _form(world, tomorrow))
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page and "A review cannot be in the future" in page
    with pytest.raises(RuleRefused) as caught:
        services.correct_meeting(world["officer"], app, held_on=date(2026, 5, 31), reason="Earlier")
    assert caught.value.rule == "review_before_application"
    with pytest.raises(RuleRefused, match="Say why"):
        services.correct_meeting(world["officer"], app, chair="Someone else", reason=" ")
    meeting.refresh_from_db()
    assert meeting.held_on == date(2026, 6, 20) and meeting.version == 1


def test_a_stale_correction_is_refused_and_nothing_saved(client: Client, world):
    app, officer = world["app"], world["officer"]
    opened = world["meeting"].version
    services.correct_meeting(officer, app, chair="Head of Housing", reason="Wrong chair", expected_version=opened)
    client.force_login(officer)
    response = client.post(f"/case-reviews/{app.pk}/meeting/edit/", _form(world, date(2026, 6, 22)))
    assert response.status_code == 409 and "nothing was saved" in response.content.decode()
    with pytest.raises(StaleEdit):
        services.correct_meeting(officer, app, held_on=date(2026, 6, 22), reason="x", expected_version=opened)
    meeting = services.meeting_of(app)
    assert meeting.held_on == date(2026, 6, 20) and meeting.chair == "Head of Housing"


def test_a_later_meeting_date_says_which_recommendations_are_now_due_before_it(world):
    app, officer = world["app"], world["officer"]
    services.add_recommendation(officer, app, text="Mediation", owner_agency=world["council"], due_on=date(2026, 6, 25))
    result = services.correct_meeting(officer, app, held_on=date(2026, 6, 30), reason="Wrong month end")
    assert result.effects == ["The recommendation due 25 June 2026 is now due before the meeting (30 June 2026): "
                              "correct its due date."]


def test_the_api_corrects_the_meeting_with_if_match(client: Client, world):
    app, officer = world["app"], world["officer"]
    auth = {"authorization": f"Bearer {create_token(officer)}"}
    url = f"/api/v1/case-reviews/{app.pk}/meeting"
    answer = client.patch(url, {"independent_chair": "Ms A Lay, PCC office", "reason": "Left off"},
                          content_type="application/json", headers={**auth, "If-Match": '"1"'})
    assert answer.status_code == 200 and answer["ETag"] == '"2"'
    body = answer.json()
    assert body["changed"] == ["independent_chair"] and body["independent_chair"] == "Ms A Lay, PCC office"
    assert len(body["attendees"]) == 2  # left out: kept
    stale = client.patch(url, {"chair": "Someone", "reason": "x"}, content_type="application/json",
                         headers={**auth, "If-Match": '"1"'})
    assert stale.status_code == 409
    future = client.patch(url, {"held_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "reason": "x"},
                          content_type="application/json", headers=auth)
    assert future.status_code == 422 and future.json()["error"]["details"][0]["field"] == "held_on"
    other = create_user("officer", create_agency("Riverford Homes", "housing"))
    hidden = client.patch(url, {"chair": "x", "reason": "x"}, content_type="application/json",
                          headers={"authorization": f"Bearer {create_token(other)}"})
    assert hidden.status_code == 404
    assert services.meeting_of(app).chair == "Head of Community Safety"
