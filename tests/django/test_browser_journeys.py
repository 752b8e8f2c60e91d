"""The daily journeys of issue 12 in a real browser, with axe on every page they visit.

Each journey sets its records up with the factories and services first, then drives chromium
against the live server (browser_kit). After every page the test asserts that axe-core finds no
serious or critical violation, and that nothing was logged to the console. A sweep signs in on
demo-like data and checks the main pages the same way, and the case page and the case list
reflow at 320 CSS pixels (WCAG 1.4.10) without a sideways scroll.
"""

from __future__ import annotations

import importlib
import re
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from csphub.casework import services
from csphub.casework.models import AsbCase, CaseType

from .browser_kit import (
    browser_page,
    reflow_width,
    saved,
    serious_violations,
    sign_in,
    sign_out,
    submit,
    wider_than_the_page,
)
from .factories import create_agency, create_case, create_person, create_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WARDS = ["Town Centre", "Castle", "Northgate", "Brookside"]
CASE_TYPES = ["Neighbour dispute", "Noise nuisance", "Youth ASB / street group", "Greenspace ASB", "Street drinking",
              "Drug-related ASB", "Cuckooing", "Rough sleeping / tents", "Unauthorised encampment",
              "Nuisance vehicles", "Hate-related ASB", "Environmental ASB"]


def _lsoas() -> list[SimpleNamespace]:
    cells = []
    for i in range(8):
        x, y = 0.01 * (i % 4), 51.0 + 0.01 * (i // 4)
        corners = [(x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01)]
        cells.append(SimpleNamespace(code=f"E0199900{i}", ward_code=f"E0599900{i % 4}", ward_name=WARDS[i % 4],
                                     corners=corners))
    return cells


def _seed_demo() -> dict[str, str]:
    """The demo's casework, panels, case reviews, dial-in, encampments, PSPOs and governance
    (smaller than `csphub demo`); the demo users' passwords by username."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from csphub.casework.demo import seed_casework
    from csphub.dialin.demo import seed_dialin
    from csphub.encampments.demo import seed_encampments
    from csphub.governance.demo import seed_governance
    from csphub.pspo.demo import seed_pspos

    # A transactional test flushes every table, the rows the migrations seed too: put them back.
    importlib.import_module("csphub.dialin.migrations.0002_seed_types_and_kinds").seed(apps, None)
    for name in CASE_TYPES:
        CaseType.objects.get_or_create(name=name)
    result = seed_casework(_lsoas(), WARDS[:2], cases=30, seed=7)
    seed_dialin({u.get_username(): u for u in get_user_model().objects.all()}, seed=7, days=3)
    seed_encampments(_lsoas(), seed=7)
    seed_pspos(_lsoas(), WARDS[:2], seed=7)
    seed_governance(wards=[(c.ward_code, c.ward_name) for c in _lsoas()[:4]], seed=7)
    return {username: password for username, password, _role, _agency in result.logins}


def _visit(page, url: str) -> int:
    response = page.goto(url)
    assert response is not None and response.status in (200, 403), f"{url} answered {response and response.status}"
    return response.status


def _record_pages(case: AsbCase) -> list[str]:
    """The pages an officer opens on one case's records (the case's forms, each record's
    correction page, its places and timelines), for the records the demo case has."""
    from csphub.casework.models import Breach

    c = f"/cases/{case.pk}"
    paths = [f"{c}/notes/add/", f"{c}/visits/add/", f"{c}/status/", f"{c}/share/", f"{c}/lead/", f"{c}/risk/",
             f"{c}/breaches/add/", f"{c}/groups/add/", f"{c}/interventions/outcome/", f"{c}/attachments/add/",
             f"{c}/edit/"]
    party = case.parties.order_by("pk").first()
    paths += [f"/parties/{party.pk}/edit/", f"/people/{party.person_id}/history/",
              f"/people/{party.person_id}/timeline/"]
    for prefix, record in (("incidents", case.incidents.order_by("pk").first()),
                           ("visits", case.visits.order_by("pk").first()),
                           ("notes", case.notes.order_by("pk").first()),
                           ("tasks", case.tasks.order_by("pk").first()),
                           ("interventions", case.interventions.order_by("pk").first()),
                           ("breaches", Breach.objects.filter(intervention__case=case).order_by("pk").first()),
                           ("referrals", case.referrals.order_by("pk").first()),
                           ("risk-assessments", case.risk_assessments.order_by("pk").first())):
        if record is not None:
            paths.append(f"/{prefix}/{record.pk}/edit/")
    intervention = case.interventions.order_by("pk").first()
    if intervention is not None:
        paths.append(f"/interventions/{intervention.pk}/")
    referral = case.referrals.order_by("pk").first()
    if referral is not None:
        paths.append(f"/referrals/{referral.pk}/")
    if case.location_id:
        paths += [f"/locations/{case.location_id}/", f"/locations/{case.location_id}/edit/",
                  f"/locations/{case.location_id}/timeline/"]
    return paths


def test_the_main_pages_have_no_serious_accessibility_problems(live_server, monkeypatch):
    passwords = _seed_demo()
    officer_case = (AsbCase.objects.filter(lead_officer__username="asb.officer").exclude(status="closed")
                    .order_by("pk").first())  # open, so its forms open too
    person = officer_case.parties.order_by("pk").first().person
    from csphub.casereview.models import CaseReviewApplication
    from csphub.panels.models import Panel
    from csphub.pspo.models import Enforcement, OrderDocument

    placed = (AsbCase.objects.filter(lead_officer__username="asb.officer", location__isnull=False)
              .order_by("pk").first())  # a place's page, with its map (issue 12, items 5 and 6)
    review = CaseReviewApplication.objects.order_by("pk").first()
    panel = Panel.objects.order_by("pk").first()
    case = f"/cases/{officer_case.pk}"
    pspo_order = OrderDocument.objects.get().order  # the one with its published document
    fpn = Enforcement.objects.filter(kind="fpn", order=pspo_order).order_by("pk").first()
    record_pages = _record_pages(officer_case)
    assert len(record_pages) >= 22  # the case's forms, and its records' correction pages, places and timelines
    paths = ["/", "/cases/", f"{case}/", f"/people/{person.pk}/", "/inbox/", "/statistics/",
             "/case-reviews/", f"/case-reviews/{review.pk}/", "/panels/", f"/panels/{panel.pk}/", "/cctv/",
             "/encampments/", "/pspos/", "/governance/", "/dial-in/", "/search/?q=Smith",
             # the forms and pages an officer opens from those
             "/cases/new/", f"{case}/people/add/", f"{case}/incidents/add/", f"{case}/interventions/add/",
             f"{case}/referrals/add/", f"{case}/tasks/add/", f"{case}/timeline/", f"{case}/history/",
             f"/people/{person.pk}/edit/", "/referrals/", "/caseload/", "/case-reviews/new/",
             "/case-reviews/recommendations/", "/case-reviews/people-to-tell/", f"/locations/{placed.location_id}/",
             "/encampments/sites/", "/encampments/tents/", "/pspos/figures/", "/account/notifications/",
             f"/pspos/{pspo_order.pk}/", f"/pspos/enforcement/{fpn.pk}/", f"/pspos/{pspo_order.pk}/documents/new/",
             *record_pages]

    found, refused = [], []
    with browser_page(monkeypatch) as session:
        page = session.page
        page.goto(f"{live_server.url}/login/")
        found += serious_violations(page)
        sign_in(page, live_server.url, "asb.officer", passwords["asb.officer"])
        assert page.goto(f"{live_server.url}/no-such-page/").status == 404  # the styled 404 page
        found += serious_violations(page)
        for path in paths:
            if _visit(page, live_server.url + path) == 403:
                refused.append(path)  # the styled refusal page is checked too
            found += serious_violations(page)
        # What an officer may not see (the statistics), a supervisor does.
        sign_out(page)
        sign_in(page, live_server.url, "asb.supervisor", passwords["asb.supervisor"])
        refused_to_both = []
        for path in refused:
            if _visit(page, live_server.url + path) != 200:
                refused_to_both.append(path)
            found += serious_violations(page)
    assert refused_to_both == []
    assert found == []
    assert "/cases/" not in refused and f"/cases/{officer_case.pk}/" not in refused
    # chromium logs each refusal's 403 as a failed load; anything else is a fault in the page
    assert [e for e in session.console_errors if "status of 403" not in e and "status of 404" not in e] == []


def test_the_main_pages_reflow_at_320_pixels(live_server, monkeypatch):
    """WCAG 1.4.10: at 320 CSS pixels nothing scrolls sideways but a data table, in its own box."""
    passwords = _seed_demo()
    officer_case = (AsbCase.objects.filter(lead_officer__username="asb.officer").exclude(status="closed")
                    .order_by("pk").first())
    person = officer_case.parties.order_by("pk").first().person
    paths = ["/cases/", f"/cases/{officer_case.pk}/", "/", f"/people/{person.pk}/", "/inbox/",
             f"/cases/{officer_case.pk}/people/add/", "/case-reviews/"]

    widths, found = {}, []
    with browser_page(monkeypatch, width=320, height=640) as session:
        page = session.page
        sign_in(page, live_server.url, "asb.officer", passwords["asb.officer"])
        for path in paths:
            _visit(page, live_server.url + path)
            widths[path] = reflow_width(page), wider_than_the_page(page)
            found += serious_violations(page)
    assert widths == dict.fromkeys(paths, (320, []))
    assert found == []


# ---- The daily journeys ------------------------------------------------------------------------

def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _fill_date(page, prefix: str, day: date) -> None:
    """The GOV.UK three-box date input."""
    page.fill(f"#id_{prefix}-day", str(day.day))
    page.fill(f"#id_{prefix}-month", str(day.month))
    page.fill(f"#id_{prefix}-year", str(day.year))


def _case_with_people(officer, **kwargs):
    case = create_case(officer, opened_on=_ago(90), **kwargs)
    victim = create_person(officer, first_name="Alice", last_name="Victim", date_of_birth=date(1958, 3, 2))
    subject = create_person(officer, first_name="Bob", last_name="Subject", date_of_birth=date(1995, 6, 15))
    services.add_party(officer, case, victim, "victim")
    services.add_party(officer, case, subject, "subject")
    return case, victim, subject


def test_an_officer_corrects_a_date_of_birth_and_sees_the_warning_rechecked(live_server, monkeypatch):
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    case, _victim, subject = _case_with_people(officer)
    services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Playing loud music late at night",
                                issued_on=_ago(30))
    born = _ago(30) - timedelta(days=365 * 15 + 10)  # 15 when the warning was issued
    reason = "Date of birth confirmed from school records"

    found = []
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        _visit(page, f"{live_server.url}/cases/{case.pk}/")
        found += serious_violations(page)
        page.locator("#people").get_by_role("link", name="Bob Subject").click()
        page.wait_for_url(re.compile(rf"/people/{subject.pk}/$"))
        found += serious_violations(page)

        page.get_by_role("link", name="Correct their details").click()
        page.wait_for_url(re.compile(rf"/people/{subject.pk}/edit/$"))
        found += serious_violations(page)
        _fill_date(page, "date_of_birth", born)
        page.get_by_label("Why are you correcting this?").fill(reason)
        problem = submit(page)
        assert not problem, problem
        assert page.url.endswith(f"/people/{subject.pk}/")
        assert "Corrected: date of birth." in page.locator(".govuk-notification-banner--success").inner_text()
        # The rule re-check: a Community Protection Warning is for someone aged 16 or over.
        body = page.locator("main").inner_text()
        assert re.search(r"The Community Protection Warning issued on .* would now be refused", body), body
        found += serious_violations(page)

        page.get_by_role("link", name="History of their details").click()
        page.wait_for_url(re.compile(rf"/people/{subject.pk}/history/$"))
        found += serious_violations(page)
        newest = page.locator("#history tbody tr").first.inner_text()
        assert "jo.officer" in newest, newest  # who
        assert timezone.localdate().strftime("%-d %b %Y") in newest, newest  # when
        assert reason in newest, newest  # why
        assert f"15 June 1995 \N{RIGHTWARDS ARROW} {born:%d %B %Y}" in newest, newest  # what it said, and says
    assert found == []
    assert session.console_errors == []


def test_a_referral_to_housing_arrives_in_housings_inbox(live_server, monkeypatch):
    council = create_agency("Council ASB Team")
    housing = create_agency("Riverford Homes", "housing")
    officer = create_user("officer", council, "jo.officer")
    housing_officer = create_user("officer", housing, "priya.housing")
    case, victim, _subject = _case_with_people(officer)
    reason = "Tenant at risk of losing her tenancy: needs a management move assessment"

    found = []
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        _visit(page, f"{live_server.url}/cases/{case.pk}/")
        page.get_by_role("link", name="Refer to a partner").click()
        page.wait_for_url(re.compile(r"/referrals/add/$"))
        found += serious_violations(page)
        page.select_option("#id_to_agency", label="Riverford Homes")
        page.fill("#id_service", "Tenancy sustainment team")
        page.select_option("#id_person", value=str(victim.pk))
        page.fill("#id_reason", reason)
        page.get_by_label("The person consented to this referral").check()
        saved(page)
        assert "Riverford Homes" in page.locator("#referrals").inner_text()
        found += serious_violations(page)
        sign_out(page)

        sign_in(page, live_server.url, housing_officer.username)
        assert "1 unread" in page.locator("#inbox-unread").inner_text()
        found += serious_violations(page)
        page.locator("#inbox-unread").get_by_role("link", name="Inbox").click()
        page.wait_for_url(re.compile(r"/inbox/$"))
        found += serious_violations(page)
        item = page.locator("#inbox").get_by_role("link", name=f"New referral to Riverford Homes on case {case.reference}")
        item.click()
        page.wait_for_url(re.compile(r"/referrals/\d+/$"))
        assert reason in page.locator("main").inner_text()
        found += serious_violations(page)
        _visit(page, f"{live_server.url}/")
        assert "0 unread" in page.locator("#inbox-unread").inner_text()  # opened, so read
    assert found == []
    assert session.console_errors == []


def test_an_officer_finds_a_case_by_a_persons_name_but_not_one_they_may_not_see(live_server, monkeypatch):
    council = create_agency("Council ASB Team")
    police = create_agency("Aldshire Police", "police")
    officer = create_user("officer", council, "jo.officer")
    constable = create_user("officer", police, "pc.okafor")
    mine = create_case(officer, opened_on=_ago(40), summary="Shouting in the stairwell")
    services.add_party(officer, mine, create_person(officer, first_name="Marguerite", last_name="Oyelaran"), "victim")
    theirs = create_case(constable, opened_on=_ago(20), summary="Police-only case")  # not shared with the council
    services.add_party(constable, theirs, create_person(constable, first_name="Desmond", last_name="Oyelaran"),
                       "subject")
    create_case(officer, opened_on=_ago(10), summary="Someone else entirely")

    found = []
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        _visit(page, f"{live_server.url}/cases/")
        page.get_by_text("Filter the cases").click()  # the filters fold away in a GOV.UK details
        found += serious_violations(page)
        page.get_by_label("Person's name").fill("Oyelaran")
        submit(page, "Filter")
        listed = page.locator("#cases").inner_text()
        assert "1 case found" in listed, listed
        assert mine.reference in listed and theirs.reference not in listed, listed
        found += serious_violations(page)
        page.locator("#cases").get_by_role("link", name=mine.reference).click()
        page.wait_for_url(re.compile(rf"/cases/{mine.pk}/$"))

        # The search box on every page.
        page.get_by_label("Search for a person, case or place").first.fill("Oyelaran")
        with page.expect_navigation():
            page.locator("form[role=search]").get_by_role("button", name="Search").click()
        assert "/search/" in page.url
        results = page.locator("main").inner_text()
        assert "Marguerite Oyelaran" in results and mine.reference in results, results
        assert "Desmond" not in results and theirs.reference not in results, results
        found += serious_violations(page)
    assert found == []
    assert session.console_errors == []


def test_a_case_review_runs_to_its_recommendations_on_the_owners_dashboard(live_server, monkeypatch):
    council = create_agency("Council ASB Team")
    housing = create_agency("Riverford Homes", "housing")
    officer = create_user("officer", council, "jo.officer")
    housing_officer = create_user("officer", housing, "priya.housing")
    case, victim, _subject = _case_with_people(officer)
    for days in (60, 50, 40):  # three incidents in six months: the threshold is met
        at = timezone.make_aware(datetime.combine(_ago(days), time(22)))
        services.record_incident(officer, case, occurred_at=at, description="Loud music at 2am",
                                 reported_by_agency=council, reported_on=_ago(days))
    text = "Offer the applicant a management move"

    found = []
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        _visit(page, f"{live_server.url}/case-reviews/")
        found += serious_violations(page)
        _visit(page, f"{live_server.url}/case-reviews/new/")
        found += serious_violations(page)
        page.select_option("#id_applicant", value=str(victim.pk))
        page.fill("#id_behaviour", "Loud music most nights; nothing has changed after three complaints")
        _fill_date(page, "received_on", _ago(30))
        problem = submit(page, "Record application")
        assert not problem, problem
        assert re.search(r"/case-reviews/\d+/$", page.url), page.url
        review_url = page.url
        found += serious_violations(page)

        page.get_by_role("link", name="Link an ASB case").click()
        found += serious_violations(page)
        page.select_option("#id_case", label=f"{case.reference}: Noise nuisance")
        assert not submit(page, re.compile("Link"))
        assert page.url == review_url
        assert case.reference in page.locator("#linked-cases").inner_text()

        assert not submit(page, "Record threshold decision")
        decision = page.locator(".govuk-notification-banner--success").inner_text()
        assert "met" in decision.lower() and "not met" not in decision.lower(), decision
        found += serious_violations(page)

        page.get_by_role("link", name="Record the review meeting").click()
        found += serious_violations(page)
        _fill_date(page, "held_on", _ago(20))
        page.fill("#id_chair", "Helen Marsh, ASB manager")
        page.select_option("#id_attendee-0-agency", label="Council ASB Team")
        page.fill("#id_attendee-0-name_role", "Jo Officer, ASB officer")
        page.select_option("#id_attendee-1-agency", label="Riverford Homes")
        page.fill("#id_attendee-1-name_role", "Priya Shah, housing officer")
        assert not submit(page, "Record the meeting")
        assert page.url == review_url
        found += serious_violations(page)

        page.get_by_role("link", name="Add a recommendation").click()
        found += serious_violations(page)
        page.fill("#id_text", text)
        page.select_option("#id_owner_agency", label="Riverford Homes")
        _fill_date(page, "due_on", _ago(3))  # after the meeting, and already overdue
        problem = submit(page, re.compile("Add|Save"))
        assert not problem, problem
        assert text in page.locator("main").inner_text()
        found += serious_violations(page)
        sign_out(page)

        sign_in(page, live_server.url, housing_officer.username)
        overdue = page.locator("#overdue-recommendations").inner_text()
        assert text in overdue, overdue
        found += serious_violations(page)
        page.locator("#overdue-recommendations").get_by_role("link", name=re.compile("Offer the applicant")).click()
        page.wait_for_url(re.compile(r"/case-reviews/recommendations/\d+/$"))
        found += serious_violations(page)
    assert found == []
    assert session.console_errors == []
