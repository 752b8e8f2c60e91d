"""ASB Case Review as a workflow (issue 12, item 8): linked cases whose incidents count, the
discretionary decision, the review meeting, recommendations and the owner agency's dashboard."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from csphub.casereview import services
from csphub.casereview.services import ComplaintInput
from csphub.casework import services as casework
from csphub.errors import NotFoundError, RuleRefused, StaleEdit

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


@pytest.fixture
def officer(council):
    return create_user("officer", council, "cr.lead")


def incident_on(officer, case, day: date, agency):
    return casework.record_incident(officer, case, occurred_at=timezone.make_aware(datetime(day.year, day.month, day.day, 22)),
                                    description="Loud music", reported_by_agency=agency, reported_on=day)


def application_with_linked_case(officer, council):
    """Two incidents on the case (5 Jan, 10 Mar) and one complaint not on a case (30 May)."""
    case = create_case(officer, opened_on=date(2026, 1, 1))
    incidents = [incident_on(officer, case, date(2026, 1, 5), council), incident_on(officer, case, date(2026, 3, 10), council)]
    app = services.receive_application(officer, applicant=create_person(officer), behaviour="Noise",
                                       received_on=date(2026, 6, 1), complaints=[
                                           ComplaintInput(date(2026, 5, 30), date(2026, 5, 29), council)])
    return app, case, incidents


def test_two_incidents_on_a_linked_case_and_one_new_complaint_meet_a_threshold_of_three(officer, council):
    app, case, _ = application_with_linked_case(officer, council)
    assert not services.check_threshold(app).met  # the complaint alone: 1
    services.link_case(officer, app, case.pk)
    decision = services.check_threshold(app)
    assert decision.met
    assert decision.reason == "Threshold met: 3 qualifying complaints between 2026-01-05 and 2026-05-30, within 6 months."


def test_a_complaint_marked_as_an_incident_on_the_case_is_counted_once(officer, council):
    app, case, incidents = application_with_linked_case(officer, council)
    services.link_case(officer, app, case.pk)
    services.mark_complaint_as_incident(officer, app.complaints.get(), incidents[1].pk)
    decision = services.check_threshold(app)
    assert not decision.met and "at most 2 qualifying complaints" in decision.reason


def test_a_case_the_user_cannot_see_cannot_be_linked(client, officer, council):
    app, _, _ = application_with_linked_case(officer, council)
    elsewhere = create_user("officer", create_agency("Riverford Homes", "housing"))
    hidden = create_case(elsewhere)
    with pytest.raises(NotFoundError):
        services.link_case(officer, app, hidden.pk)
    answer = client.post(f"/api/v1/case-reviews/{app.pk}/cases", {"case_id": hidden.pk}, content_type="application/json",
                         headers={"authorization": f"Bearer {create_token(officer)}"})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert not app.case_links.exists()


def test_a_discretionary_decision_needs_a_reason_and_records_who_and_when(officer, council):
    app, _, _ = application_with_linked_case(officer, council)
    with pytest.raises(RuleRefused, match="Say why the partnership will hold a review"):
        services.decide_discretionary(officer, app, reason="  ")
    services.decide_discretionary(officer, app, reason="Victim is disabled and isolated", on=date(2026, 6, 3))
    app.refresh_from_db()
    assert (app.discretionary, app.status, app.decided_by, app.decided_on) == (
        True, "discretionary", officer, date(2026, 6, 3))
    meeting = services.record_meeting(officer, app, held_on=date(2026, 6, 20), chair="Head of Community Safety",
                                      independent_chair="Ms A Lay, PCC office", documents="Chronology\nDiary sheets",
                                      attendees=[services.AttendanceInput(council, "ASB officer")])
    app.refresh_from_db()
    assert app.status == "review_held" and meeting.document_list == ["Chronology", "Diary sheets"]
    assert [(a.agency.name, a.name_role) for a in meeting.attendances.all()] == [("Council ASB Team", "ASB officer")]


def _reviewed(officer, council):
    app, _, _ = application_with_linked_case(officer, council)
    services.decide_discretionary(officer, app, reason="Vulnerable victim", on=date(2026, 6, 3))
    services.record_meeting(officer, app, held_on=date(2026, 6, 20), chair="Chair",
                            attendees=[services.AttendanceInput(council, "ASB officer")])
    return app


def test_an_overdue_recommendation_shows_on_its_owner_agencys_dashboard_only(client, officer, council):
    app = _reviewed(officer, council)
    housing, police = create_agency("Riverford Homes", "housing"), create_agency("Police", "police")
    due = timezone.localdate() - timedelta(days=3)
    services.add_recommendation(officer, app, text="Offer a management move", owner_agency=housing, due_on=due)
    services.add_recommendation(officer, app, text="Not yet due", owner_agency=housing,
                                due_on=timezone.localdate() + timedelta(days=30))
    services.add_recommendation(officer, app, text="Repair the door entry", owner_agency=housing,
                                due_on=due - timedelta(days=5))
    client.force_login(create_user("officer", housing))
    page = client.get("/").content.decode()
    assert "Offer a management move" in page and "Not yet due" not in page
    assert page.index("Repair the door entry") < page.index("Offer a management move")  # most overdue first
    client.force_login(create_user("officer", police))
    assert "Offer a management move" not in client.get("/").content.decode()
    client.force_login(officer)  # the council sees the review, but does not own the recommendation
    assert "Offer a management move" not in client.get("/").content.decode()
    assert "Offer a management move" in client.get("/case-reviews/recommendations/").content.decode()


def test_recommendation_rules_and_stale_edits(officer, council):
    app = _reviewed(officer, council)
    with pytest.raises(RuleRefused, match="cannot be before the review"):
        services.add_recommendation(officer, app, text="Mediation", owner_agency=council, due_on=date(2026, 6, 19))
    r = services.add_recommendation(officer, app, text="Mediation", owner_agency=council, due_on=date(2026, 7, 20))
    with pytest.raises(RuleRefused, match="Say why the recommendation was not accepted"):
        services.update_recommendation(officer, r, status="not_accepted", status_reason="")
    opened_on = r.version
    services.update_recommendation(officer, r, status="done", expected_version=opened_on)
    assert r.status == "done" and r.closed_on == timezone.localdate()
    with pytest.raises(StaleEdit):
        services.update_recommendation(officer, r, status="not_accepted", status_reason="No money",
                                       expected_version=opened_on)


def test_people_to_tell_have_their_own_page(client, officer, council):
    case = create_case(officer)
    victim = create_person(officer, first_name="Pat", last_name="Green")
    casework.add_party(officer, case, victim, "victim")
    today = timezone.localdate()
    for days in (40, 20, 5):
        incident_on(officer, case, today - timedelta(days=days), council)
    client.force_login(officer)
    assert "Pat Green" in client.get("/case-reviews/people-to-tell/").content.decode()
    assert "Pat Green" not in client.get("/case-reviews/").content.decode()


def test_retention_removes_the_meetings_and_recommendations_words(officer, council):
    from csphub.casereview.models import Recommendation
    from csphub.casereview.retention import anonymise_case_reviews
    from csphub.casework.retention import REDACTED

    app = _reviewed(officer, council)
    services.add_recommendation(officer, app, text="Move Sam Jones", owner_agency=council, due_on=date(2026, 7, 1))
    assert anonymise_case_reviews([], [app.applicant_id]) == 1
    meeting = services.meeting_of(app)
    assert (meeting.chair, meeting.attendances.get().name_role) == (REDACTED, REDACTED)
    assert Recommendation.objects.get(application=app).text == REDACTED
    assert not Recommendation.history.filter(text__contains="Sam Jones").exists()
