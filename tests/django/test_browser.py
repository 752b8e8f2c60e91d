"""An officer's journey through the casework pages in a real browser (issue 4).

Playwright drives Debian's chromium against pytest-django's live server (browser_kit): sign in, open a case, add a victim and a subject, record an
incident, issue a Community Protection Warning, be refused a Community Protection Notice for
different conduct (naming the rule), and see the case and the warning on the dashboard. The
page must log no console errors (the content security policy must let GOV.UK Frontend run).
Full-page screenshots of the dashboard and the case page go to test-artifacts/; axe finds
nothing serious on either.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from csphub.casework.models import CaseType

from .browser_kit import ARTIFACTS, browser_page, saved, serious_violations, sign_in, submit
from .factories import create_agency, create_user

SUBJECT = "Bob Subject (Subject (alleged perpetrator))"  # as the "Issued to" list shows him

# The refusal must name the rule (ASB, Crime and Policing Act 2014, s43(5)).
CPN_RULE = "needs an earlier written Community Protection Warning"


def _add_person(page, first: str, last: str, born: str, role: str) -> None:
    page.get_by_role("link", name="Add a person").click()
    page.wait_for_url(re.compile(r"/people/add/$"))
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    year, month, day = born.split("-")  # the GOV.UK three-box date input
    page.fill("#id_date_of_birth-day", day)
    page.fill("#id_date_of_birth-month", month)
    page.fill("#id_date_of_birth-year", year)
    page.get_by_label(role, exact=True).check()
    assert f"{first} {last} added to" in saved(page, "Add person")


def _issue(page, kind: str, to: str, conduct: str) -> str:
    page.get_by_role("link", name="Issue a tool or power").click()
    page.wait_for_url(re.compile(r"/interventions/add/$"))
    page.select_option("#id_kind", label=kind)
    page.select_option("#id_person", label=to)
    page.fill("#id_conduct", conduct)
    return submit(page)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_officer_journey_in_a_browser(live_server, monkeypatch):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # All database setup first: once Playwright's event loop runs in this thread, Django
    # refuses synchronous ORM calls here unless told otherwise.
    council = create_agency("Council ASB Team")
    create_agency("Victim Support", "voluntary")
    officer = create_user("officer", council, "asb.officer")
    # A transactional test flushes every table, seeded rows too: make sure the type exists.
    CaseType.objects.get_or_create(name="Noise nuisance")
    today = timezone.localdate().isoformat()

    with browser_page(monkeypatch) as session:
        page, console_errors = session.page, session.console_errors
        sign_in(page, live_server.url, officer.username)
        # GOV.UK Frontend loaded and initialised its components (the CSP let both scripts run).
        assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
        try:
            page.wait_for_selector("[data-govuk-button-init]", state="attached", timeout=5_000)
        except PlaywrightTimeout:
            pytest.fail(f"GOV.UK Frontend did not initialise its components; console: {console_errors}")

        # Open a case: the date opened is pre-filled with today in the three GOV.UK date boxes.
        page.get_by_role("button", name="Open a case").click()
        page.wait_for_url(re.compile(r"/cases/new/$"))
        year, month, day = today.split("-")
        shown = [page.input_value(f"#id_opened_on-{part}") for part in ("day", "month", "year")]
        assert [int(v) for v in shown] == [int(day), int(month), int(year)], f"the date boxes show {shown}"
        page.select_option("#id_case_type", label="Noise nuisance")
        page.fill("#id_summary", "Loud music from number 12 most nights after midnight")
        reference = re.search(r"ASB-\d{4}-\d{5}", saved(page)).group(0)
        assert reference in page.locator("h1").inner_text()
        case_url = page.url

        # A victim, then a subject over 16 (CPWs and CPNs are for people aged 16 or over).
        _add_person(page, "Alice", "Victim", "1958-03-02", "Victim")
        _add_person(page, "Bob", "Subject", "1995-06-15", "Subject (alleged perpetrator)")
        people = page.locator("#people").inner_text()
        assert re.search(r"Alice Victim\s+Victim", people), people
        assert re.search(r"Bob Subject\s+Subject \(alleged perpetrator\)", people), people

        # An incident.
        page.get_by_role("link", name="Record an incident").click()
        page.wait_for_url(re.compile(r"/incidents/add/$"))
        page.fill("#id_description", "Music audible in the street at 2am")
        page.select_option("#id_reported_by_agency", label="Council ASB Team")
        assert "Incident recorded" in saved(page)
        assert "Music audible in the street at 2am" in page.locator("#incidents").inner_text()

        # A Community Protection Warning to the subject.
        problem = _issue(page, "Community Protection Warning", SUBJECT, "Playing loud music late at night")
        assert not problem, f"the warning was refused: {problem}"
        assert page.url == case_url
        assert "Community Protection Warning issued" in page.locator(
            ".govuk-notification-banner--success").inner_text()
        tools = page.locator("#interventions").inner_text()
        assert "Community Protection Warning" in tools and "Playing loud music late at night" in tools

        # A Community Protection Notice for different conduct is refused, naming the rule.
        problem = _issue(page, "Community Protection Notice", SUBJECT, "Letting a dog bark all day")
        assert CPN_RULE in problem, problem
        assert page.url.endswith("/interventions/add/")
        assert CPN_RULE in page.locator("#id_conduct-error").inner_text()
        assert serious_violations(page) == []  # the refused form, its error summary and messages

        page.goto(case_url)
        assert "Community Protection Notice" not in page.locator("#interventions").inner_text()
        page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)
        assert serious_violations(page) == []

        # The dashboard: the case under "My open cases", the warning under recent tools and powers.
        page.goto(f"{live_server.url}/")
        assert page.get_by_role("heading", name="My open cases (1)").is_visible()
        assert reference in page.locator("#my-cases").inner_text()
        assert page.get_by_role("heading", name="Recent tools and powers on my cases").is_visible()
        recent = page.locator("#recent-interventions").inner_text()
        assert "Community Protection Warning" in recent and reference in recent
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        assert serious_violations(page) == []

    assert console_errors == [], f"the page logged errors: {console_errors}"
