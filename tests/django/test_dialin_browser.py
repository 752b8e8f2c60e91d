"""The Daily Dial In in a real browser: a police officer adds an entry on a phone (360 px wide),
naming a victim found through the person search; a council officer sees it in the morning view
with its prompts and opens a case from it in one click, then records the meeting's decision.

Playwright drives Debian's chromium against pytest-django's live server (see test_browser.py).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csphub.casework.models import CaseType
from csphub.dialin.models import DialInEntry, Distribution, EntryType

from .factories import PASSWORD, create_agency, create_person, create_user

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
PHONE = {"width": 360, "height": 740}


def _sign_in(browser, live_server, user, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return context, page


def _press(page, name: str) -> None:
    with page.expect_navigation() as navigation:
        page.locator("main").get_by_role("button", name=name).first.click()  # not the header's search
    assert navigation.value is None or navigation.value.status < 500, page.locator("body").inner_text()[:300]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_quick_entry_on_a_phone_and_conversion_in_the_morning_view(live_server, monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    council, police = create_agency("Medway Council"), create_agency("Kent Police", "police")
    for agency in (council, police):
        Distribution.objects.create(agency=agency, emails="")
    pc = create_user("officer", police, "pc.smith")
    asb = create_user("officer", council, "asb.officer")
    create_person(pc, first_name="Dana", last_name="Dialin")
    # A transactional test flushes seeded rows too: make sure the lists exist.
    EntryType.objects.get_or_create(name="Street drinking")
    CaseType.objects.get_or_create(name="Street drinking")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            # On a phone: the police officer adds last night's incident.
            context, page = _sign_in(browser, live_server, pc, PHONE)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/dial-in/new/")
            page.fill("#q", "Dana")
            _press(page, "Search")
            page.select_option("#id_person", label="Dana Dialin")
            page.select_option("#id_person_role", label="Victim")
            page.select_option("#id_entry_type", label="Street drinking")
            page.fill("#id_account", "Group drinking and shouting outside the shop; shopkeeper threatened")
            page.fill("#id_address", "12 Castle Street")
            page.fill("#id_postcode", "me4 4tz")
            page.get_by_label("Urgent: risk of harm").check()
            # Nothing wider than the phone: no sideways scrolling on the quick-entry page.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
            for selector in ("#id_account", "#id_address", "button:has-text('Add entry')"):
                box = page.locator(selector).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
            page.screenshot(path=str(ARTIFACTS / "dialin-quick-entry-phone.png"), full_page=True)
            _press(page, "Add entry")
            banner = page.locator(".govuk-notification-banner--success").inner_text()
            assert re.search(r"Entry \d+ added", banner), banner
            assert "12 Castle Street, ME4 4TZ" in page.locator("#recent-entries").inner_text()
            context.close()

            entry = DialInEntry.objects.get()
            assert entry.agency == police and entry.urgency == "urgent" and entry.postcode == "ME4 4TZ"
            assert [n.person.full_name for n in entry.named.all()] == ["Dana Dialin"]

            # At the desk: the council officer sees it grouped by ward and type, and opens a case.
            context, page = _sign_in(browser, live_server, asb, {"width": 1280, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/dial-in/")
            item = page.locator(f"#entry-{entry.pk}").inner_text()
            assert "Group drinking and shouting" in item and "Kent Police" in item and "Urgent" in item
            # The victim was recorded by the police; the council sees her on the dial-in distribution.
            assert "Dana Dialin (Victim)" in item
            assert page.locator("section[data-ward='Ward not known'] h3").inner_text() == "Street drinking (1)"
            page.screenshot(path=str(ARTIFACTS / "dialin-morning.png"), full_page=True)
            page.locator(f"#entry-{entry.pk} a").first.click()
            page.wait_for_url(re.compile(rf"/dial-in/entries/{entry.pk}/$"))
            page.select_option("#id_new-case_type", label="Street drinking")
            _press(page, "Open a case")
            banner = page.locator(".govuk-notification-banner--success").inner_text()
            reference = re.search(r"ASB-\d{4}-\d{5}", banner).group(0)
            assert reference in page.locator("#casework").inner_text()

            # The meeting's decision, owned by the police, due in a week.
            page.fill("#id_decision-decision", "Neighbourhood team to patrol Castle Street at closing time")
            page.select_option("#id_decision-owner_agency", label="Kent Police")
            _press(page, "Record the decision")
            assert "patrol Castle Street" in page.locator("#entry-decisions").inner_text()

            # The case page shows the entry as its first incident.
            page.locator("#casework a").click()
            page.wait_for_url(re.compile(r"/cases/\d+/$"))
            assert "Group drinking and shouting" in page.locator("#incidents").inner_text()
            context.close()
        finally:
            browser.close()
    entry.refresh_from_db()
    assert entry.case is not None and entry.case.reference == reference and entry.case.lead_agency == council
    assert errors == [], errors
