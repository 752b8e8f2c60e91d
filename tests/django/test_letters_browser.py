"""The daily journey "generate a CPW letter" in a real browser (issue 12, item 7).

Playwright drives Debian's chromium (/usr/bin/chromium) against pytest-django's live server, as
tests/django/test_browser.py does: sign in, open the case, follow the Community Protection
Warning to its own page, write its letter as Word, and find in the downloaded file the person,
the conduct and the time to comply; the page then lists the letter, and the case's chronology
has it as an event. axe-core (browser_kit.serious_violations) finds no serious or critical
violation on the case page, the warning's page before and after the letter, or the chronology.
Skipped when chromium is absent.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document

from csphub.casework import services
from csphub.casework.models import CaseType, GeneratedLetter

from .browser_kit import serious_violations
from .factories import PASSWORD, create_agency, create_case, create_person, create_user

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 10_000


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_officer_writes_a_cpw_letter_from_the_warnings_page(live_server, monkeypatch, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    # All database setup first (Playwright's event loop then runs in this thread).
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "asb.officer")
    CaseType.objects.get_or_create(name="Noise nuisance")
    today = timezone.localdate()
    case = create_case(officer, opened_on=today - timedelta(days=20))
    subject = create_person(officer, first_name="Bob", last_name="Subject", date_of_birth=date(1995, 6, 15),
                            address="12 Castle Street", postcode="CT1 2AB")
    services.add_party(officer, case, subject, "subject")
    comply_by = today + timedelta(days=14)
    warning = services.issue_intervention(officer, case, kind="cpw", person=subject,
                                          conduct="Playing loud music late at night", issued_on=today,
                                          comply_by=comply_by)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    console_errors: list[str] = []
    violations: list[dict[str, object]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))

            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", officer.username)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            assert page.url == f"{live_server.url}/"

            # From the case page, the warning's own page.
            page.goto(f"{live_server.url}/cases/{case.pk}/")
            violations += serious_violations(page)
            page.locator("#interventions").get_by_role("link", name="Community Protection Warning", exact=True).click()
            page.wait_for_url(f"{live_server.url}/interventions/{warning.pk}/")
            assert page.get_by_role("heading", name="Community Protection Warning", level=1).is_visible()
            assert "None written." in page.locator("#letters").inner_text()
            violations += serious_violations(page)

            with page.expect_download() as download:
                page.get_by_role("button", name="Write the letter as Word").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == f"{case.reference}-cpw-{today:%Y%m%d}.docx"
            text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
            assert "Dear Bob Subject," in text
            assert "Playing loud music late at night" in text
            assert f"Time to comply ends: {comply_by.day} {comply_by:%B %Y}" in text

            page.reload()
            letters = page.locator("#letters").inner_text()
            assert "Word" in letters and "Built in" in letters
            violations += serious_violations(page)

            page.goto(f"{live_server.url}/cases/{case.pk}/timeline/")
            assert f"Letter written: Community Protection Warning of {today:%d %b %Y} (Word)" in page.locator(
                "body").inner_text()
            violations += serious_violations(page)
        finally:
            browser.close()

    assert GeneratedLetter.objects.filter(intervention_id=warning.pk, format="docx").count() == 1
    assert violations == [], f"axe found serious or critical violations: {violations}"
    assert console_errors == [], f"the page logged errors: {console_errors}"
