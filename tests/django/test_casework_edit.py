"""Edit with history (issue 12, item 1): every record can be corrected, with a reason, by those
allowed; the history says who changed what, when and why; a stale edit is refused (409) naming
who changed it; a corrected date of birth or incident date re-checks the rules that depend on it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework import corrections, services
from csphub.casework.models import CaseParty, Incident, Person
from csphub.errors import PermissionRefused, RuleRefused, StaleEdit

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    officer.first_name, officer.last_name = "Jo", "Officer"
    officer.save()
    colleague = create_user("officer", council, "sam.colleague")
    case = create_case(officer, opened_on=timezone.localdate() - timedelta(days=60))
    victim = create_person(officer)
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(2000, 6, 1))
    services.add_party(officer, case, victim, "victim")
    services.add_party(officer, case, subject, "subject")
    return {"council": council, "officer": officer, "colleague": colleague, "case": case, "victim": victim,
            "subject": subject}


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _dmy(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def test_correcting_a_date_of_birth_on_the_page_says_the_cpw_is_now_refused_for_age(client: Client, world):
    officer, subject = world["officer"], world["subject"]
    warning = services.issue_intervention(officer, world["case"], kind="cpw", person=subject, conduct="Loud music",
                                          issued_on=_ago(30))
    client.force_login(officer)
    form = client.get(f"/people/{subject.pk}/edit/")
    assert form.status_code == 200 and 'name="date_of_birth-day"' in form.content.decode()
    born = _ago(30) - timedelta(days=365 * 15 + 10)  # 15 when the warning was issued
    response = client.post(f"/people/{subject.pk}/edit/", {
        "first_name": "Alex", "last_name": "Brown", **_dmy("date_of_birth", born), "consent_to_share": "not_asked",
        "version": subject.version, "correction_reason": "Date of birth confirmed from school records"}, follow=True)
    page = response.content.decode()
    assert "Corrected: date of birth." in page
    assert (f"The Community Protection Warning issued on {warning.issued_on:%d %B %Y} would now be refused" in page
            and "aged 16 or over; this person is 15" in page)
    subject.refresh_from_db()
    assert subject.date_of_birth == born and subject.version == 2
    history = client.get(f"/people/{subject.pk}/history/").content.decode()
    assert "Date of birth confirmed from school records" in history and "Jo Officer" in history
    assert "01 June 2000 &rarr; " + f"{born:%d %B %Y}" in history
    entry = AuditEntry.objects.filter(object_type="person", object_id=str(subject.pk), action="changed").latest("id")
    assert entry.summary == "corrected: date_of_birth" and str(born.year) not in entry.summary


def test_a_stale_correction_is_refused_with_409_saying_who_changed_it(client: Client, world):
    officer, colleague = world["officer"], world["colleague"]
    note = services.add_note(officer, world["case"], "Spoke to the victim on Monday")
    opened_version = note.version
    corrections.correct(colleague, "note", note, {"text": "Spoke to the victim on Tuesday"},
                        reason="Wrong day", expected_version=opened_version)
    client.force_login(officer)
    response = client.post(f"/notes/{note.pk}/edit/", {"text": "Spoke to the victim on Wednesday",
                                                       "version": opened_version, "correction_reason": "Typo"})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"{colleague.username} changed this record" in page and "(text)" in page and "nothing was saved" in page
    note.refresh_from_db()
    assert note.text == "Spoke to the victim on Tuesday"


def test_a_correction_needs_a_reason_and_a_correctable_field(world):
    officer = world["officer"]
    note = services.add_note(officer, world["case"], "A note")
    with pytest.raises(RuleRefused, match="Say why"):
        corrections.correct(officer, "note", note, {"text": "B note"}, reason="  ")
    with pytest.raises(RuleRefused) as caught:
        corrections.correct(officer, "note", note, {"case": world["case"]}, reason="x")
    assert caught.value.rule == "not_correctable"
    unchanged = corrections.correct(officer, "note", note, {"text": "A note"}, reason="Checked")
    assert unchanged.changed == [] and "Nothing was changed" in unchanged.message
    note.refresh_from_db()
    assert note.version == 1


def test_an_incident_moved_into_the_future_is_refused_and_a_move_that_makes_a_repeat_is_said(world):
    officer, case = world["officer"], world["case"]
    location = services.location_for(officer, address="1 Castle Street")
    case.location = location
    case.save()
    now = timezone.localtime()
    incidents = [services.record_incident(officer, case, occurred_at=now - timedelta(days=d), description="Music",
                                          reported_on=(now - timedelta(days=d)).date())
                 for d in (10, 40, 500)]
    with pytest.raises(RuleRefused) as caught:
        corrections.correct(officer, "incident", incidents[0], {"occurred_at": now + timedelta(days=2)},
                            reason="Wrong year")
    assert caught.value.rule == "date_in_future"
    old = incidents[2]
    result = corrections.correct(officer, "incident", old, {"occurred_at": now - timedelta(days=100),
                                                            "reported_on": (now - timedelta(days=100)).date()},
                                 reason="Typed the wrong year", expected_version=old.version)
    assert "The case now has a repeat location (3 or more incidents within a year)." in result.effects
    assert any("The incident is now dated" in e for e in result.effects)
    row = Incident.history.filter(id=old.pk).first()
    assert row.history_change_reason == "Typed the wrong year" and row.history_user == officer


KINDS = {
    "case": lambda w: (w["case"], {"summary": "Loud music and shouting at night"}),
    "person": lambda w: (w["victim"], {"phone": "07700 900123"}),
    "party": lambda w: (CaseParty.objects.get(case=w["case"], person=w["victim"]), {"role": "complainant"}),
    "incident": lambda w: (services.record_incident(w["officer"], w["case"], occurred_at=timezone.now() - timedelta(days=2),
                                                    description="Music"), {"description": "Music and shouting"}),
    "visit": lambda w: (services.record_visit(w["officer"], w["case"], visited_on=_ago(1), findings="Quiet"),
                        {"visited_on": _ago(2)}),
    "note": lambda w: (services.add_note(w["officer"], w["case"], "A note"), {"text": "A corrected note"}),
    "task": lambda w: (services.add_task(w["officer"], w["case"], title="Visit", owner=w["officer"], due_on=_ago(-3)),
                       {"owner": w["colleague"], "due_on": _ago(-5)}),
    "intervention": lambda w: (services.issue_intervention(w["officer"], w["case"], kind="abc", person=w["subject"],
                                                           conduct="Music", issued_on=_ago(20)),
                               {"conduct": "Loud music at night"}),
    "breach": lambda w: (services.record_breach(w["officer"], services.issue_intervention(
        w["officer"], w["case"], kind="abc", person=w["subject"], conduct="Music", issued_on=_ago(20)),
        occurred_on=_ago(5), description="Music again"), {"occurred_on": _ago(6)}),
    "referral": lambda w: (services.refer(w["officer"], w["case"], to_agency=create_agency("Victim Support"),
                                          reason="Support"), {"reason": "Support after repeat incidents"}),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_record_is_corrected_with_its_reason_in_the_history(world, kind):
    target, changes = KINDS[kind](world)
    version = corrections.version_of(target)
    result = corrections.correct(world["colleague"], kind, target, changes, reason=f"Correcting the {kind}",
                                 expected_version=version)
    assert sorted(result.changed) == sorted(changes)
    target.refresh_from_db()
    for name, value in changes.items():
        assert getattr(target, name) == value
    latest = type(target).history.filter(id=target.pk).first()
    assert latest.history_change_reason == f"Correcting the {kind}" and latest.history_user == world["colleague"]
    assert corrections.version_of(target) == version + 1
    with pytest.raises(StaleEdit):
        corrections.correct(world["officer"], kind, target, changes, reason="Again", expected_version=version)


def test_the_case_history_lists_each_change_with_who_when_why_and_what(client: Client, world):
    officer = world["officer"]
    note = services.add_note(officer, world["case"], "Spoke to the victim on Monday")
    corrections.correct(officer, "note", note, {"text": "Spoke to the victim on Tuesday"}, reason="Wrong day")
    corrections.correct(officer, "case", world["case"], {"summary": "Music and shouting"}, reason="Fuller summary")
    client.force_login(officer)
    page = client.get(f"/cases/{world['case'].pk}/history/").content.decode()
    assert page.index("Fuller summary") < page.index("Wrong day")  # newest first
    assert "Spoke to the victim on Monday &rarr; Spoke to the victim on Tuesday" in page
    assert "Loud music at night &rarr; Music and shouting" in page
    assert "Recorded: Note" in page and "Alex Brown&#x27;s role" in page
    listed = AuditEntry.objects.filter(user=officer, object_type="note", action="listed").latest("id")
    assert str(note.pk) in listed.object_ids


def test_who_may_correct(client: Client, world):
    officer, case = world["officer"], world["case"]
    incident = services.record_incident(officer, case, occurred_at=timezone.now() - timedelta(days=2), description="x")
    analyst = create_user("analyst", world["council"])
    client.force_login(analyst)
    assert client.get(f"/incidents/{incident.pk}/edit/").status_code == 404  # free text: as if absent
    assert client.get(f"/cases/{case.pk}/history/").status_code == 403
    housing = create_agency("Housing")
    services.refer(officer, case, to_agency=housing, reason="Rehousing", person=world["victim"])
    housing_officer = create_user("officer", housing)
    with pytest.raises(PermissionRefused):
        corrections.require_correct(housing_officer, "person", world["victim"])
    client.force_login(housing_officer)
    assert client.get(f"/people/{world['victim'].pk}/edit/").status_code == 403
    assert client.get(f"/people/{world['victim'].pk}/history/").status_code == 200
    services.change_status(officer, case, "closed", outcome="resolved")
    with pytest.raises(PermissionRefused):
        corrections.correct(officer, "incident", incident, {"description": "y"}, reason="z")


def test_a_person_dob_in_the_future_is_refused(world):
    with pytest.raises(RuleRefused) as caught:
        corrections.correct(world["officer"], "person", world["victim"], {"date_of_birth": _ago(-1)}, reason="x")
    assert caught.value.rule == "date_in_future" and caught.value.field == "date_of_birth"
    assert Person.objects.get(pk=world["victim"].pk).date_of_birth == date(1990, 1, 1)


def test_the_api_corrects_with_if_match_and_refuses_a_stale_version(client: Client, world):
    from .factories import create_token

    officer, subject = world["officer"], world["subject"]
    services.issue_intervention(officer, world["case"], kind="civil_injunction", person=subject, issued_on=_ago(10))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}
    got = client.get(f"/api/v1/people/{subject.pk}", **auth)
    assert got["ETag"] == '"1"'
    born = _ago(10) - timedelta(days=365 * 9 + 5)  # 9 when the injunction was granted (10 or over)
    answer = client.patch(f"/api/v1/people/{subject.pk}", {"date_of_birth": born.isoformat(), "reason": "From the court"},
                          content_type="application/json", HTTP_IF_MATCH='"1"', **auth)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["changed"] == ["date_of_birth"] and body["version"] == 2 and answer["ETag"] == '"2"'
    assert "aged 10 or over; this person is 9" in body["effects"][0]
    stale = client.patch(f"/api/v1/people/{subject.pk}", {"phone": "0123", "reason": "x"},
                         content_type="application/json", HTTP_IF_MATCH='"1"', **auth)
    assert stale.status_code == 409
    assert "Jo Officer changed this record" in stale.json()["error"]["message"]
    no_reason = client.patch(f"/api/v1/people/{subject.pk}", {"phone": "0123", "reason": ""},
                             content_type="application/json", **auth)
    assert no_reason.status_code == 422
    bad_email = client.patch(f"/api/v1/people/{subject.pk}", {"email": "not-an-email", "reason": "x"},
                             content_type="application/json", **auth)
    assert bad_email.status_code == 422 and bad_email.json()["error"]["code"]
    incident = services.record_incident(officer, world["case"], occurred_at=timezone.now() - timedelta(days=2),
                                        description="Music")
    moved = client.patch(f"/api/v1/cases/{world['case'].pk}/incidents/{incident.pk}",
                         {"occurred_at": (timezone.now() + timedelta(days=1)).isoformat(), "reason": "x"},
                         content_type="application/json", **auth)
    assert moved.status_code == 422 and "cannot be in the future" in moved.json()["error"]["message"]
    other_case = create_case(officer)
    wrong_case = client.patch(f"/api/v1/cases/{other_case.pk}/incidents/{incident.pk}",
                              {"description": "x", "reason": "x"}, content_type="application/json", **auth)
    assert wrong_case.status_code == 404


def test_panel_referrals_actions_and_case_reviews_are_corrected_with_history(client: Client, world):
    from csphub.casereview import services as casereview
    from csphub.panels import services as panels
    from csphub.panels.models import Panel

    officer, council = world["officer"], world["council"]
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council])
    referral = panels.refer_to_panel(officer, panel, person=world["victim"], reason="High risk", consent="given")
    action = panels.add_action(officer, referral, description="Safety plan", owner_agency=council, due_on=_ago(-7))
    client.force_login(officer)
    answer = client.post(f"/panels/referrals/{referral.pk}/edit/", {
        "reason": "High risk: three incidents in a month", "consent": "given", "version": referral.version,
        "correction_reason": "Fuller reason"}, follow=True)
    assert "Corrected: reason." in answer.content.decode()
    outsider = create_agency("Fire and Rescue")
    bad = client.post(f"/panels/actions/{action.pk}/edit/", {
        "description": "Safety plan", "owner_agency": outsider.pk, **_dmy("due_on", _ago(-7)),
        "version": action.version, "correction_reason": "x"})
    assert "is not a member of Vulnerability Panel" in bad.content.decode()
    # A complaint corrected to a day before the behaviour is refused; one moved out of the month
    # window changes the threshold, and the officer is told.
    agency = council
    complaints = [casereview.ComplaintInput(_ago(d), _ago(d), agency) for d in (60, 40, 20)]
    application = casereview.receive_application(officer, applicant=world["victim"], behaviour="Loud music",
                                                 complaints=complaints)
    assert casereview.check_threshold(application).met
    first = application.complaints.order_by("reported_on").first()
    refused = client.post(f"/case-reviews/complaints/{first.pk}/edit/", {
        **_dmy("reported_on", _ago(61)), **_dmy("behaviour_on", _ago(60)), "agency": agency.pk,
        "version": 1, "correction_reason": "x"})
    assert "cannot be before the behaviour it reports" in refused.content.decode()
    moved = client.post(f"/case-reviews/complaints/{first.pk}/edit/", {
        **_dmy("reported_on", _ago(60)), **_dmy("behaviour_on", _ago(100)), "agency": agency.pk,
        "version": 1, "correction_reason": "Behaviour was in the spring"}, follow=True)
    page = moved.content.decode()
    assert "Corrected: behaviour on." in page
    assert f"The threshold for {application.reference} is now not met (it was met)" in page
    first.refresh_from_db()
    assert first.history.first().history_change_reason == "Behaviour was in the spring"


def test_a_place_is_corrected_by_an_agency_working_a_case_there(client: Client, world):
    officer = world["officer"]
    castle = services.location_for(officer, address="1 Castel Street", postcode="ct1 2ab")
    services.record_incident(officer, world["case"], occurred_at=timezone.now() - timedelta(days=1),
                             description="Music", location=castle)
    result = corrections.correct(officer, "location", castle, {"address": "1 Castle Street"}, reason="Spelling")
    assert result.changed == ["address"]
    castle.refresh_from_db()
    assert castle.address == "1 Castle Street" and castle.postcode == "CT1 2AB"
    stranger = create_user("officer", create_agency("Fire and Rescue"))
    client.force_login(stranger)
    assert client.get(f"/locations/{castle.pk}/edit/").status_code == 404


def test_a_corrected_breach_is_in_the_case_history_with_its_reason(client: Client, world):
    officer = world["officer"]
    contract = services.issue_intervention(officer, world["case"], kind="abc", person=world["subject"],
                                           conduct="Music", issued_on=_ago(20))
    breach = services.record_breach(officer, contract, occurred_on=_ago(5), description="Music again")
    corrections.correct(officer, "breach", breach, {"occurred_on": _ago(6)}, reason="It was the night before")
    client.force_login(officer)
    page = client.get(f"/cases/{world['case'].pk}/history/").content.decode()
    assert "It was the night before" in page
    assert f"{_ago(5):%d %B %Y} &rarr; {_ago(6):%d %B %Y}" in page
    listed = AuditEntry.objects.filter(user=officer, object_type="breach", action="listed").latest("id")
    assert str(breach.pk) in listed.object_ids


def test_a_panel_referral_and_its_actions_have_a_history_page(client: Client, world):
    from csphub.panels import services as panels
    from csphub.panels.models import Panel

    officer, council = world["officer"], world["council"]
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council])
    referral = panels.refer_to_panel(officer, panel, person=world["victim"], reason="High risk", consent="given")
    action = panels.add_action(officer, referral, description="Safety plan", owner_agency=council, due_on=_ago(-7))
    corrections.correct(officer, "panel_referral", referral, {"reason": "High risk: three incidents"},
                        reason="Fuller reason")
    corrections.correct(officer, "panel_action", action, {"due_on": _ago(-14)}, reason="Panel moved the date")
    client.force_login(officer)
    detail = client.get(f"/panels/referrals/{referral.pk}/").content.decode()
    assert f'href="/panels/referrals/{referral.pk}/history/"' in detail
    page = client.get(f"/panels/referrals/{referral.pk}/history/").content.decode()
    assert page.index("Panel moved the date") < page.index("Fuller reason")  # newest first
    assert "High risk &rarr; High risk: three incidents" in page
    assert f"{_ago(-7):%d %B %Y} &rarr; {_ago(-14):%d %B %Y}" in page
    assert "Jo Officer" in page
    listed = AuditEntry.objects.filter(user=officer, object_type="panel_action", action="listed").latest("id")
    assert str(action.pk) in listed.object_ids
    # Not a member of the panel: as if it did not exist.
    client.force_login(create_user("officer", create_agency("Fire and Rescue")))
    assert client.get(f"/panels/referrals/{referral.pk}/history/").status_code == 404


def test_a_corrected_place_has_a_history_page(client: Client, world):
    officer = world["officer"]
    castle = services.location_for(officer, address="1 Castel Street", postcode="CT1 2AB")
    services.record_incident(officer, world["case"], occurred_at=timezone.now() - timedelta(days=1),
                             description="Music", location=castle)
    corrections.correct(officer, "location", castle, {"address": "1 Castle Street"}, reason="Spelling")
    client.force_login(officer)
    assert f'href="/locations/{castle.pk}/history/"' in client.get(f"/locations/{castle.pk}/").content.decode()
    page = client.get(f"/locations/{castle.pk}/history/").content.decode()
    assert "1 Castel Street &rarr; 1 Castle Street" in page and "Spelling" in page
    client.force_login(create_user("analyst", world["council"]))
    assert client.get(f"/locations/{castle.pk}/history/").status_code in (403, 404)
