"""The daily journeys of issue 12 in a real browser, with axe on every page they visit.

Each journey sets its records up with the factories and services first, then drives chromium
against the live server (browser_kit). After every page the test asserts that axe-core finds no
serious or critical violation, and that nothing was logged to the console. A sweep signs in on
demo-like data and checks the main pages the same way, and the case page and the case list
reflow at 320 CSS pixels (WCAG 1.4.10) without a sideways scroll.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from csphub.casework.models import AsbCase, CaseType

from .browser_kit import (
    browser_page,
    reflow_width,
    serious_violations,
    sign_in,
    sign_out,
    wider_than_the_page,
)

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
    from django.contrib.auth import get_user_model

    from csphub.casework.demo import seed_casework
    from csphub.dialin.demo import seed_dialin
    from csphub.encampments.demo import seed_encampments
    from csphub.governance.demo import seed_governance
    from csphub.pspo.demo import seed_pspos

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


def test_the_main_pages_have_no_serious_accessibility_problems(live_server, monkeypatch):
    passwords = _seed_demo()
    officer_case = AsbCase.objects.filter(lead_officer__username="asb.officer").order_by("pk").first()
    person = officer_case.parties.order_by("pk").first().person
    from csphub.casereview.models import CaseReviewApplication
    from csphub.panels.models import Panel

    review = CaseReviewApplication.objects.order_by("pk").first()
    panel = Panel.objects.order_by("pk").first()
    paths = ["/", "/cases/", f"/cases/{officer_case.pk}/", f"/people/{person.pk}/", "/inbox/", "/statistics/",
             "/case-reviews/", f"/case-reviews/{review.pk}/", "/panels/", f"/panels/{panel.pk}/", "/cctv/",
             "/encampments/", "/pspos/", "/governance/", "/dial-in/", "/search/?q=Smith"]

    found, refused = [], []
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, "asb.officer", passwords["asb.officer"])
        for path in paths:
            if _visit(page, live_server.url + path) == 403:
                refused.append(path)  # the styled refusal page is checked too
            found += serious_violations(page)
        # What an officer may not see (the statistics), a supervisor does.
        sign_out(page)
        sign_in(page, live_server.url, "asb.supervisor", passwords["asb.supervisor"])
        for path in refused:
            assert _visit(page, live_server.url + path) == 200, path
            found += serious_violations(page)
    assert found == []
    assert "/cases/" not in refused and f"/cases/{officer_case.pk}/" not in refused
    # chromium logs each refusal's 403 as a failed load; anything else is a fault in the page
    assert [e for e in session.console_errors if "status of 403" not in e] == []


def test_the_case_page_and_the_case_list_reflow_at_320_pixels(live_server, monkeypatch):
    passwords = _seed_demo()
    officer_case = AsbCase.objects.filter(lead_officer__username="asb.officer").order_by("pk").first()

    widths = {}
    with browser_page(monkeypatch, width=320, height=640) as session:
        page = session.page
        sign_in(page, live_server.url, "asb.officer", passwords["asb.officer"])
        for path in ["/cases/", f"/cases/{officer_case.pk}/"]:
            _visit(page, live_server.url + path)
            widths[path] = reflow_width(page), wider_than_the_page(page)
    assert widths == {"/cases/": (320, []), f"/cases/{officer_case.pk}/": (320, [])}


