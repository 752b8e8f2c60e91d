"""Correct input only (issue 12, item 9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from csphub.casereview import services as casereview
from csphub.casework import services
from csphub.core.forms import GovukDateField, GovukDateTimeField, GovukForm
from csphub.errors import RuleRefused
from csphub.panels import services as panels
from csphub.panels.models import Panel

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return create_user("officer", create_agency("Council ASB Team"))


def _panel_referral(officer):
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([officer.membership.agency])
    referral = panels.refer_to_panel(officer, panel, person=victim, case=case, reason="High risk", consent="given")
    action = panels.add_action(officer, referral, description="Safety plan", owner_agency=officer.membership.agency,
                               due_on=timezone.localdate() + timedelta(days=7))
    return referral, action


@pytest.mark.parametrize("case", ["abc", "1.5", "-3", "99999999999999999999", "²", "x" * 80, "1\x00"])
def test_refer_to_a_panel_with_a_case_that_is_not_a_number_is_404_not_500(client: Client, officer, case):
    client.force_login(officer)
    client.raise_request_exception = False
    assert client.get(f"/panels/refer/?case={case}").status_code == 404


@pytest.mark.parametrize("body", [{"rag": "purple", "action": "{action}"}, {"rag": "red", "action": "abc"},
                                  {"rag": "red", "action": ""}, {"rag": "red", "action": "²"},
                                  {"rag": "red", "action": "99999999999999999999"}, {"rag": "red"},
                                  {"decide": "1", "status": "nonsense"}, {"add_action": "1", "due_on": "x"},
                                  {}])
def test_a_bad_rag_or_action_on_a_panel_referral_is_said_on_the_page_not_500(client: Client, officer, body):
    referral, action = _panel_referral(officer)
    client.force_login(officer)
    client.raise_request_exception = False
    body = {k: v.format(action=action.pk) for k, v in body.items()}
    response = client.post(f"/panels/referrals/{referral.pk}/", body, follow=True)
    assert response.status_code in (200, 404), response.status_code
    action.refresh_from_db()
    assert action.rag != "purple"


# ---- Dates: nothing that has happened is in the future; nothing comes before what it follows ----


@pytest.fixture
def case_with_victim(officer):
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    return case, victim


def _refused(call, rule: str) -> RuleRefused:
    with pytest.raises(RuleRefused) as caught:
        call()
    rules_broken = [caught.value.rule, *[r for r, _, _ in caught.value.others]]
    assert rule in rules_broken, rules_broken
    return caught.value


def test_an_incident_tomorrow_is_refused_and_one_an_hour_ago_is_not(officer, case_with_victim):
    case, _ = case_with_victim
    now = timezone.localtime()
    error = _refused(lambda: services.record_incident(officer, case, occurred_at=now + timedelta(days=1),
                                                      description="Music"), "date_in_future")
    assert error.field == "occurred_at" and "cannot be in the future" in error.reason
    services.record_incident(officer, case, occurred_at=now - timedelta(hours=1), description="Music")
    assert case.incidents.count() == 1


def test_an_incident_reported_before_it_happened_is_refused(officer, case_with_victim):
    case, _ = case_with_victim
    now = timezone.localtime()
    error = _refused(lambda: services.record_incident(officer, case, occurred_at=now - timedelta(days=2),
                                                      reported_on=(now - timedelta(days=3)).date(),
                                                      description="Music"), "report_before_incident")
    assert error.field == "reported_on"
    # Reported the same day it happened is fine.
    services.record_incident(officer, case, occurred_at=now - timedelta(days=2),
                             reported_on=(now - timedelta(days=2)).date(), description="Music")


def test_a_visit_or_a_breach_in_the_future_is_refused(officer, case_with_victim):
    case, victim = case_with_victim
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused(lambda: services.record_visit(officer, case, visited_on=tomorrow, findings="Quiet"), "date_in_future")
    warning = services.issue_intervention(officer, case, kind="abc", person=victim, conduct="Music",
                                          issued_on=timezone.localdate() - timedelta(days=10))
    _refused(lambda: services.record_breach(officer, warning, occurred_on=tomorrow, description="Again"),
             "date_in_future")
    assert not case.visits.exists() and not warning.breaches.exists()


def test_a_panel_decision_in_the_future_is_refused(officer):
    referral, _ = _panel_referral(officer)
    _refused(lambda: panels.decide(officer, referral, "adopted", on=timezone.localdate() + timedelta(days=1)),
             "date_in_future")
    referral.refresh_from_db()
    assert referral.status == "referred"


def _application(officer, victim, received_on=None):
    return casereview.receive_application(officer, applicant=victim, behaviour="Loud music", complaints=[],
                                          received_on=received_on)


def test_a_complaint_before_the_behaviour_it_reports_is_refused(officer, case_with_victim):
    _, victim = case_with_victim
    agency = officer.membership.agency
    today = timezone.localdate()
    complaint = casereview.ComplaintInput(reported_on=today - timedelta(days=5), behaviour_on=today - timedelta(days=2),
                                          agency=agency)
    error = _refused(lambda: casereview.receive_application(officer, applicant=victim, behaviour="Music",
                                                            complaints=[complaint]), "complaint_before_behaviour")
    assert "cannot be before the behaviour it reports" in error.reason
    future = casereview.ComplaintInput(reported_on=today + timedelta(days=1), behaviour_on=today, agency=agency)
    _refused(lambda: casereview.receive_application(officer, applicant=victim, behaviour="Music",
                                                    complaints=[future]), "date_in_future")


def test_an_escalation_before_the_application_or_its_decision_is_refused(officer, case_with_victim):
    _, victim = case_with_victim
    today = timezone.localdate()
    app = _application(officer, victim, received_on=today - timedelta(days=10))
    casereview.decide_threshold(officer, app, on=today - timedelta(days=5))
    _refused(lambda: casereview.escalate(officer, app, requested_on=today - timedelta(days=11)),
             "escalation_before_application")
    _refused(lambda: casereview.escalate(officer, app, requested_on=today - timedelta(days=7)),
             "escalation_before_decision")
    _refused(lambda: casereview.escalate(officer, app, requested_on=today + timedelta(days=1)), "date_in_future")
    casereview.escalate(officer, app, requested_on=today - timedelta(days=5))
    app.refresh_from_db()
    assert app.escalation_requested_on == today - timedelta(days=5)


def test_a_review_or_decision_in_the_future_is_refused(officer, case_with_victim):
    _, victim = case_with_victim
    today = timezone.localdate()
    app = _application(officer, victim, received_on=today - timedelta(days=10))
    _refused(lambda: casereview.decide_threshold(officer, app, on=today + timedelta(days=1)), "date_in_future")
    app.threshold_met = True
    app.save()
    _refused(lambda: casereview.record_review(officer, app, held_on=today + timedelta(days=1)), "date_in_future")
    _refused(lambda: casereview.record_review(officer, app, held_on=today - timedelta(days=11)),
             "review_before_application")


def test_the_incident_page_shows_a_future_date_on_its_field_with_an_error_title(client: Client, officer,
                                                                                 case_with_victim):
    case, _ = case_with_victim
    client.force_login(officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/cases/{case.pk}/incidents/add/", {
        "occurred_at-day": tomorrow.day, "occurred_at-month": tomorrow.month, "occurred_at-year": tomorrow.year,
        "occurred_at-time": "22:30", "description": "Music", "reported_by_agency": officer.membership.agency.pk,
        "reported_on-day": tomorrow.day, "reported_on-month": tomorrow.month, "reported_on-year": tomorrow.year})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Record an incident" in page
    assert "An incident cannot be in the future" in page
    assert 'href="#id_occurred_at-day"' in page  # the error summary links to the day box
    assert not case.incidents.exists()


# ---- The GOV.UK date input ------------------------------------------------------------------

class DateForm(GovukForm):
    born = GovukDateField(label="Date of birth", required=False)
    when = GovukDateTimeField(label="When did it happen")


@pytest.mark.parametrize("data, error", [
    ({"born-day": "31", "born-month": "2", "born-year": "2020"}, "Date of birth must be a real date"),
    ({"born-day": "3", "born-month": "", "born-year": "2020"}, "Date of birth must include a month"),
    ({"born-day": "", "born-month": "", "born-year": "2020"}, "Date of birth must include a day and a month"),
    ({"born-day": "3", "born-month": "4", "born-year": "20"}, "Date of birth year must include 4 numbers"),
    ({"born-day": "three", "born-month": "4", "born-year": "2020"}, "Date of birth must be a real date"),
    ({"born-day": "3", "born-month": "4", "born-year": "1850"}, "Enter a date between"),
])
def test_the_date_input_says_what_is_wrong_in_the_design_system_words(data, error):
    form = DateForm({**data, "when-day": "1", "when-month": "2", "when-year": "2026", "when-time": "22:30"})
    assert not form.is_valid()
    assert any(error in message for message in form.errors["born"]), form.errors


def test_the_date_input_reads_three_boxes_and_a_time_and_an_iso_value():
    form = DateForm({"born-day": "01", "born-month": "06", "born-year": "1985",
                     "when-day": "1", "when-month": "2", "when-year": "2026", "when-time": "22.30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(1985, 6, 1)
    assert timezone.localtime(form.cleaned_data["when"]).strftime("%Y-%m-%d %H:%M") == "2026-02-01 22:30"
    scripted = DateForm({"born": "1985-06-01", "when": "2026-02-01T22:30"})
    assert scripted.is_valid() and scripted.cleaned_data["born"] == date(1985, 6, 1)
    no_time = DateForm({"when-day": "1", "when-month": "2", "when-year": "2026"})
    assert not no_time.is_valid() and "must include a time" in no_time.errors["when"][0]


def test_the_date_input_is_three_labelled_boxes_in_a_fieldset_and_keeps_what_was_typed():
    html = DateForm({"born-day": "31", "born-month": "2", "born-year": "2020"}).as_div()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth</legend>' in html
    for part, value in (("day", "31"), ("month", "2"), ("year", "2020")):
        assert f'name="born-{part}" type="text" inputmode="numeric" value="{value}"' in html
        assert f'for="id_born-{part}"' in html
    assert "govuk-input--error" in html


# ---- Risk: a question left unanswered is not a "no" ----------------------------------------


def test_an_unanswered_risk_question_is_stored_as_not_answered(client: Client, officer, case_with_victim):
    case, victim = case_with_victim
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/risk/", {"person": victim.pk, "q_fear": "yes", "q_health": "no"},
                           follow=True)
    assessment = case.risk_assessments.get()
    assert assessment.answers["fear"] is True and assessment.answers["health"] is False
    assert assessment.answers["self_harm"] is None and assessment.unanswered_count == 10
    assert assessment.score == 4
    page = response.content.decode()
    assert "10 questions were not answered" in page
    assert "10 questions not answered, so the score may be too low" in page


def test_risk_questions_are_yes_no_or_not_answered_radios_in_fieldsets(client: Client, officer, case_with_victim):
    case, _ = case_with_victim
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/risk/").content.decode()
    assert page.count('<fieldset class="govuk-fieldset"') >= 12
    assert page.count(">Not answered</label>") == 12


# ---- Error pages say what to do ---------------------------------------------------------


def test_error_pages_say_what_to_do(client: Client, officer, settings):
    client.force_login(officer)
    missing = client.get("/cases/999999/").content.decode()
    assert "Page not found" in missing and "What you can do" in missing and "csphub.css" in missing
    analyst = create_user("analyst", officer.membership.agency)
    case = create_case(officer)
    client.force_login(analyst)
    refused = client.get(f"/cases/{case.pk}/notes/add/")
    assert refused.status_code == 403
    assert "What you can do" in refused.content.decode() and "ask your agency admin" in refused.content.decode()
    from django.template import loader

    broken = loader.get_template("errors/500.html").render({})
    assert "What you can do" in broken and "csphub.css" in broken
    locked = loader.get_template("locked.html").render({})
    assert "Wait an hour" in locked and "agency admin" in locked


def test_pages_reflow_at_320_pixels_tables_scroll_in_their_own_box():
    from pathlib import Path

    import csphub

    css = (Path(csphub.__file__).parent / "static" / "csphub.css").read_text()
    assert ".govuk-table { display: block; max-width: 100%; overflow-x: auto; }" in css
    assert "overflow-wrap: anywhere" in css and "@media print" in css


def test_a_person_born_tomorrow_is_refused_on_the_add_person_page(client: Client, officer, case_with_victim):
    case, _ = case_with_victim
    client.force_login(officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/cases/{case.pk}/people/add/", {
        "role": "witness", "first_name": "Kim", "last_name": "Lee", **{f"date_of_birth-{k}": v for k, v in (
            ("day", tomorrow.day), ("month", tomorrow.month), ("year", tomorrow.year))},
        "consent_to_share": "not_asked", "confirm_new": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "A date of birth cannot be in the future" in page and "<title>Error: " in page
    assert not case.parties.filter(person__first_name="Kim").exists()
