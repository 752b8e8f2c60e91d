"""Chronology (issue 12, item 4): one timeline per case, per person (across the cases the viewer
may see) and per place, merging every kind of event, filterable, printable and as a PDF; each
record shown is audited by id."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casereview import services as casereview
from csphub.casework import services
from csphub.panels import services as panels
from csphub.panels.models import Panel

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    castle = services.location_for(officer, address="1 Castle Street", postcode="CT1 2AB")
    case = create_case(officer, summary="Loud music at night", location=castle, opened_on=_ago(100))
    victim = create_person(officer)
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(1990, 1, 1))
    services.add_party(officer, case, victim, "victim")
    services.add_party(officer, case, subject, "subject")
    now = timezone.localtime()
    incident = services.record_incident(officer, case, occurred_at=now - timedelta(days=50), description="Music at 2am",
                                        location=castle, reported_on=_ago(50))
    visit = services.record_visit(officer, case, visited_on=_ago(40), findings="Quiet on the night")
    note = services.add_note(officer, case, "Spoke to the victim")
    warning = services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music",
                                          issued_on=_ago(30))
    breach = services.record_breach(officer, warning, occurred_on=_ago(20), description="Music again")
    referral = services.refer(officer, case, to_agency=create_agency("Victim Support"), reason="Support")
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council])
    panel_referral = panels.refer_to_panel(officer, panel, person=victim, case=case, reason="High risk",
                                           consent="given")
    panels.decide(officer, panel_referral, "adopted")
    review = casereview.receive_application(officer, applicant=victim, behaviour="Loud music", complaints=[], case=case,
                                            received_on=_ago(5))
    # A case the viewer cannot see, with the same victim's namesake and an incident at the same place.
    police = create_agency("Police")
    stranger = create_user("officer", police)
    other = create_case(stranger, summary="Elsewhere")
    services.record_incident(stranger, other, occurred_at=now - timedelta(days=10), description="Hidden incident",
                             location=castle)
    return {"officer": officer, "case": case, "victim": victim, "subject": subject, "castle": castle,
            "incident": incident, "visit": visit, "note": note, "warning": warning, "breach": breach,
            "referral": referral, "panel_referral": panel_referral, "review": review, "other": other}


def _kinds(response) -> list[str]:
    return [e.kind for e in response.context["events"]]


def test_a_case_timeline_merges_every_kind_oldest_first_and_audits_each_record(client: Client, world):
    officer = world["officer"]
    client.force_login(officer)
    response = client.get(f"/cases/{world['case'].pk}/timeline/")
    assert response.status_code == 200
    kinds = _kinds(response)
    assert set(kinds) == {"case", "incident", "visit", "note", "intervention", "breach", "referral", "panel",
                          "case_review"}
    assert kinds[:5] == ["case", "incident", "visit", "intervention", "breach"]  # by date: 100, 50, 40, 30, 20 days ago
    page = response.content.decode()
    assert "Music at 2am" in page and "Hidden incident" not in page
    assert "Vulnerability Panel decision: adopted" in page and f"Case review {world['review'].reference}" in page
    for object_type, key in [("incident", "incident"), ("visit", "visit"), ("note", "note"),
                             ("intervention", "warning"), ("breach", "breach"), ("referral", "referral"),
                             ("panel_referral", "panel_referral"), ("case_review", "review")]:
        entries = AuditEntry.objects.filter(user=officer, object_type=object_type, action="listed",
                                            purpose=f"case timeline {world['case'].pk}")
        assert any(str(world[key].pk) in e.object_ids for e in entries), object_type


def test_a_timeline_filters_by_kind_and_date_and_audits_only_what_it_shows(client: Client, world):
    officer = world["officer"]
    client.force_login(officer)
    start, end = _ago(45), _ago(25)
    query = (f"kind=visit&kind=intervention&kind=incident&start-day={start.day}&start-month={start.month}"
             f"&start-year={start.year}&end-day={end.day}&end-month={end.month}&end-year={end.year}")
    response = client.get(f"/cases/{world['case'].pk}/timeline/?{query}")
    assert _kinds(response) == ["visit", "intervention"]  # the incident (50 days ago) is before the window
    incidents = AuditEntry.objects.filter(user=officer, object_type="incident", action="listed")
    assert all(str(world["incident"].pk) not in e.object_ids for e in incidents)
    newest = client.get(f"/cases/{world['case'].pk}/timeline/?{query}&order=newest")
    assert _kinds(newest) == ["intervention", "visit"]
    backwards = client.get(f"/cases/{world['case'].pk}/timeline/?start=2026-06-01&end=2026-05-01")
    assert "The end date must be the same as or after the start date" in backwards.content.decode()


def test_a_person_timeline_spans_only_the_cases_the_viewer_may_see(client: Client, world):
    officer = world["officer"]
    client.force_login(officer)
    response = client.get(f"/people/{world['victim'].pk}/timeline/")
    page = response.content.decode()
    assert response.status_code == 200 and world["case"].reference in page
    assert "Hidden incident" not in page and world["other"].reference not in page
    assert "panel" in _kinds(response) and "case_review" in _kinds(response)


def test_a_place_timeline_shows_the_incidents_there_the_viewer_may_see(client: Client, world):
    client.force_login(world["officer"])
    response = client.get(f"/locations/{world['castle'].pk}/timeline/")
    page = response.content.decode()
    assert "Music at 2am" in page and "Hidden incident" not in page
    assert response.context["events"][0].kind == "case"


def test_the_timeline_downloads_as_a_pdf(client: Client, world):
    client.force_login(world["officer"])
    response = client.get(f"/cases/{world['case'].pk}/timeline/?format=pdf&kind=incident")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="timeline-{world["case"].reference}.pdf"' in response["Content-Disposition"]
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert b"Music at 2am" in text and b"Quiet on the night" not in text
    assert f"Timeline of {world['case'].reference}".encode() in text


def test_the_timeline_page_prints_without_its_menus(client: Client, world):
    client.force_login(world["officer"])
    page = client.get(f"/cases/{world['case'].pk}/timeline/").content.decode()
    assert 'class="govuk-details csphub-no-print"' in page and "csphub.css" in page


def test_analysts_and_other_agencies_see_no_timeline(client: Client, world):
    analyst = create_user("analyst", world["officer"].membership.agency)
    client.force_login(analyst)
    assert client.get(f"/cases/{world['case'].pk}/timeline/").status_code == 403
    assert client.get(f"/people/{world['victim'].pk}/timeline/").status_code == 404
    assert not AuditEntry.objects.filter(user=analyst, object_type="incident").exists()
    client.force_login(create_user("officer", create_agency("Fire and Rescue")))
    assert client.get(f"/cases/{world['case'].pk}/timeline/").status_code == 404


def test_a_case_review_linked_to_the_case_is_on_its_timeline(client: Client, world):
    """An application linked to the case (issue 12 item 8: linked, not made on it) is one of the
    case's events, once, like one made on the case."""
    officer, case = world["officer"], world["case"]
    linked = casereview.receive_application(officer, applicant=world["subject"], behaviour="Shouting",
                                            complaints=[], received_on=_ago(3))
    casereview.link_case(officer, linked, case.pk)
    client.force_login(officer)
    events = client.get(f"/cases/{case.pk}/timeline/?kind=case_review").context["events"]
    titles = [e.title for e in events]
    assert titles.count(f"Case review {linked.reference}: application received") == 1
    assert f"Case review {world['review'].reference}: application received" in titles
