"""The CCTV lead's pages in a real browser: the register, a camera, a fault reported, the SEG
paper with its map, with no console errors (the content security policy lets everything run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from csphub.cctv import services

from .factories import PASSWORD, create_agency, create_user

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_cctv_lead_in_a_browser(live_server, monkeypatch, data_dir):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    lead = create_user("supervisor", create_agency("Medway Council CCTV"), "cctv.lead")
    lead.user_permissions.add(Permission.objects.get(codename="manage_estate", content_type__app_label="cctv"))
    lead = type(lead).objects.get(pk=lead.pk)
    camera = services.add_camera(lead, camera_id="GH-1", location="Gillingham High Street", latitude=51.3879,
                                 longitude=0.5466, ward_name="Gillingham North")
    today = timezone.localdate()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(10_000)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", lead.username)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            page.get_by_role("link", name="CCTV").first.click()
            page.wait_for_url(re.compile(r"/cctv/$"))
            page.get_by_role("link", name="GH-1").click()
            page.wait_for_url(re.compile(rf"/cctv/cameras/{camera.pk}/$"))
            page.get_by_role("link", name="Report a fault").click()
            page.select_option("#id_kind", "picture")
            page.fill("#id_reported_on", today.isoformat())
            page.fill("#id_reported_by", "Control room operator")
            with page.expect_navigation():
                page.get_by_role("button", name="Save").click()
            assert "Fault recorded on camera GH-1" in page.locator(".govuk-notification-banner").inner_text()
            assert "Faulty" in page.locator("h1").inner_text()
            page.goto(f"{live_server.url}/cctv/report/")
            assert page.locator("img[alt^='Map of the cameras']").evaluate("i => i.naturalWidth") > 0
            assert "1 fault reported" in page.locator("main").inner_text()
            page.screenshot(path=str(ARTIFACTS / "cctv-report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
