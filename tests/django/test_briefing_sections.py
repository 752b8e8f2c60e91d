"""The CCTV, encampments, PSPO and Daily Dial In sections of the committee briefing note: each
app plugs its section in (governance does not know them), with figures a person can count from
the records made here, and no section at all when the app holds nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from csphub.cctv import services as cctv
from csphub.dialin import services as dialin
from csphub.dialin.models import Distribution
from csphub.governance import papers
from csphub.governance import services as governance

from .factories import create_agency, create_user
from .test_cctv import grant
from .test_dialin import row
from .test_encampments import at, create_incursion, create_site
from .test_pspo import INSIDE, enforce, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    council, police = create_agency("Medway Council Community Safety", "council"), create_agency("Kent Police", "police")
    Distribution.objects.create(agency=council, emails="csu@medway.example")
    return {"council": council, "officer": create_user("officer", council, "asb.officer"),
            "pc": create_user("officer", police, "pc.jones"),
            "lead": grant(create_user("supervisor", council, "cctv.lead"), "manage_estate")}


def briefing_html(start: date, end: date) -> str:
    board = governance.create_board(None, name="Strategic Executive Group", short_name="SEG", standing_items=[])
    return papers.to_html(papers.briefing(board, start, end))


def test_no_section_when_the_apps_hold_nothing(people):
    html = briefing_html(date(2025, 4, 1), date(2025, 9, 30))
    for title in ("CCTV</h2>", "Unauthorised encampments</h2>", "Public Spaces Protection Orders</h2>",
                  "Daily Dial In and operations</h2>"):
        assert title not in html


def test_encampments_compared_with_the_same_months_a_year_before(people):
    officer = people["officer"]
    park, lines = create_site(officer, "Great Lines Heritage Park"), create_site(officer, "Riverside Country Park",
                                                                                  latitude=51.39, longitude=0.60)
    create_incursion(officer, park, at(date(2024, 6, 3)))               # last year: 1
    for site, day in ((park, date(2025, 5, 5)), (park, date(2025, 7, 1)), (lines, date(2025, 8, 11))):
        create_incursion(officer, site, at(day))                        # this period: 3 at 2 sites
    create_incursion(officer, lines, at(date(2025, 10, 2)))             # after the period
    html = briefing_html(date(2025, 4, 1), date(2025, 9, 30))
    assert "Unauthorised encampments</h2>" in html
    assert "3 compared with 1 in the same period a year earlier (+200%)" in html
    assert "2 sites, 1 of them repeat sites" in html


def test_pspo_enforcement_in_the_period(people):
    order = make_order(people["officer"], name="Gillingham alcohol PSPO", effective=date(2025, 4, 1))
    for kind, day in (("warning", date(2025, 5, 2)), ("warning", date(2025, 6, 6)), ("fpn", date(2025, 6, 7)),
                      ("warning", date(2025, 11, 1))):
        extra = {"amount": 100, "notice_number": "FPN-1"} if kind == "fpn" else {}
        enforce(people["officer"], order, kind, at(day), point=INSIDE, **extra)
    html = briefing_html(date(2025, 4, 1), date(2025, 9, 30))
    assert "Public Spaces Protection Orders</h2>" in html
    assert "Enforcement in the period: 2 warnings, 1 fixed penalty notice (0 paid so far)." in html


def test_cctv_estate_and_faults(people):
    lead = people["lead"]
    cams = [cctv.add_camera(lead, camera_id=f"C{n}", location=f"Site {n}") for n in range(3)]
    today = timezone.localdate()
    cctv.report_fault(lead, cams[0], kind="picture", reported_by="Control room", reported_on=today - timedelta(days=3))
    html = briefing_html(today - timedelta(days=30), today)
    assert "CCTV</h2>" in html
    assert "3 cameras on the register" in html and "1 fault reported and 0 repaired in the period" in html


def test_dial_in_entries_and_conversion(people):
    dialin.log_entries(people["pc"], [row("Drinking by the shop", hours_ago=2), row("Fight outside", hours_ago=5,
                                      address="3 High Street")], source="test", channel="web")
    today = timezone.localdate()
    html = briefing_html(today - timedelta(days=7), today)
    assert "Daily Dial In and operations</h2>" in html
    assert "2 Daily Dial In entries from 1 agency" in html and "0 put on ASB cases" in html


def test_cctv_figures_name_a_quarter_only_for_a_whole_quarter(people):
    from csphub.cctv.report import period_figures

    lead = people["lead"]
    assert period_figures(lead, date(2026, 7, 1), date(2026, 9, 30))["quarter"] == "2026Q3"
    six_months = period_figures(lead, date(2026, 4, 1), date(2026, 9, 30))
    assert six_months["quarter"] is None and six_months["from"] == "2026-04-01"
