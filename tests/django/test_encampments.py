"""Encampments and tents end to end on a real database: incursions and the legal route with the
working-day clock, who may take which step, repeat sites, outcome and costs, tents through
casework's people, and the figures against a hand count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework import services as casework
from csphub.dates import FinancialYear
from csphub.encampments import services
from csphub.encampments.models import Incursion
from csphub.errors import ConfigurationError, NotFoundError, PermissionRefused, RuleRefused

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def partnership() -> dict[str, Any]:
    council = create_agency("Medway Council Community Safety", "council")
    police = create_agency("Kent Police", "police")
    housing = create_agency("Housing Association", "housing")
    return {
        "council": council, "police": police, "housing": housing,
        "officer": create_user("officer", council), "supervisor": create_user("supervisor", council),
        "analyst": create_user("analyst", council), "pc": create_user("officer", police),
        "housing_officer": create_user("officer", housing),
    }


def create_site(user: Any, name: str = "Great Lines Heritage Park", **kwargs: Any) -> Any:
    return services.add_site(user, name=name, land_owner=kwargs.pop("land_owner", "council"),
                             latitude=kwargs.pop("latitude", 51.387), longitude=kwargs.pop("longitude", 0.543), **kwargs)


def create_incursion(user: Any, site: Any, arrived: datetime, **kwargs: Any) -> Incursion:
    kwargs.setdefault("vehicles", 6)
    kwargs.setdefault("caravans", 4)
    kwargs.setdefault("people", 10)
    return services.record_incursion(user, services.IncursionInput(site=site, arrived_at=arrived, **kwargs))


# ---- The legal route and the working-day clock ------------------------------------------

def test_the_timetable_across_easter_and_what_is_overdue(partnership):
    officer = partnership["officer"]
    incursion = create_incursion(officer, create_site(officer), at(date(2026, 4, 2), 18))
    services.record_step(officer, incursion, step="welfare_check", taken_on=date(2026, 4, 2))
    steps = {s.step: s for s in services.timetable_for(incursion, today=date(2026, 4, 8))}
    assert steps["welfare_check"].status == "done"
    assert (steps["s77"].due_on, steps["s77"].status) == (date(2026, 4, 7), "overdue")  # Good Friday, Easter Monday
    assert (steps["s78"].due_on, steps["s78"].status) == (date(2026, 4, 8), "due today")
    incursion.refresh_from_db()
    assert incursion.welfare_checked_on == date(2026, 4, 2)
    services.record_step(officer, incursion, step="s77", taken_on=date(2026, 4, 8))
    s77 = next(s for s in services.timetable_for(incursion, today=date(2026, 4, 8)) if s.step == "s77")
    assert (s77.status, s77.working_days_taken) == ("done late", 2)
    step = incursion.steps.get(step="s77")
    assert step.no_return_until == date(2026, 7, 7)  # 3 months less a day (s77(3))


def test_a_council_that_chooses_a_slower_procedure_gets_its_own_deadlines(partnership, settings):
    """CSPHUB_ENCAMPMENT_PROCEDURE (docs/encampments.md): s77 on day 2, court on day 4, cleared by
    day 6, counted in working days from a Thursday before Easter 2026."""
    officer = partnership["officer"]
    incursion = create_incursion(officer, create_site(officer), at(date(2026, 4, 2), 18))
    settings.CSPHUB_ENCAMPMENT_PROCEDURE = {"s77_direction_working_days": 2, "s78_complaint_working_days": 4,
                                            "removal_working_days": 6}
    due = {s.step: s.due_on for s in services.timetable_for(incursion, today=date(2026, 4, 8))}
    assert due == {"welfare_check": date(2026, 4, 7), "s77": date(2026, 4, 8), "s78": date(2026, 4, 10),
                   "left": date(2026, 4, 14)}
    settings.CSPHUB_ENCAMPMENT_PROCEDURE = {"s77_direction_working_days": 3, "s78_complaint_working_days": 2}
    with pytest.raises(ConfigurationError, match="out of order"):
        services.timetable_for(incursion, today=date(2026, 4, 8))


def test_s78_needs_a_s77_direction_on_an_earlier_day(partnership):
    officer = partnership["officer"]
    incursion = create_incursion(officer, create_site(officer), at(date(2026, 3, 2)))
    with pytest.raises(RuleRefused, match="needs a s77 direction first"):
        services.record_step(officer, incursion, step="s78", taken_on=date(2026, 3, 3))
    services.record_step(officer, incursion, step="s77", taken_on=date(2026, 3, 3))
    with pytest.raises(RuleRefused, match="direction was given today"):
        services.record_step(officer, incursion, step="s78", taken_on=date(2026, 3, 3))
    assert services.record_step(officer, incursion, step="s78", taken_on=date(2026, 3, 4)).step == "s78"


def test_the_police_record_police_powers_and_the_council_its_own_steps(partnership):
    officer, pc = partnership["officer"], partnership["pc"]
    incursion = create_incursion(officer, create_site(officer), at(date(2026, 5, 4)), vehicles=3)
    with pytest.raises(PermissionRefused, match="police officers"):
        services.record_step(officer, incursion, step="s61", taken_on=date(2026, 5, 5))
    with pytest.raises(PermissionRefused, match="council officers"):
        services.record_step(pc, incursion, step="s77", taken_on=date(2026, 5, 5))
    with pytest.raises(RuleRefused, match="not yet taken reasonable steps"):
        services.record_step(pc, incursion, step="s61", taken_on=date(2026, 5, 5))
    services.update_facts(officer, incursion, asked_to_leave_on=date(2026, 5, 5))
    with pytest.raises(RuleRefused, match="fewer than 6 vehicles"):
        services.record_step(pc, incursion, step="s61", taken_on=date(2026, 5, 5))
    services.update_facts(officer, incursion, damage_disruption_distress=True)
    with pytest.raises(RuleRefused, match="s62 follows a s61 direction"):
        services.record_step(pc, incursion, step="s62", taken_on=date(2026, 5, 5))
    s61 = services.record_step(pc, incursion, step="s61", taken_on=date(2026, 5, 5))
    assert s61.no_return_until == date(2027, 5, 4)  # 12 months (PCSC Act 2022)
    seized = services.record_step(pc, incursion, step="s62", taken_on=date(2026, 5, 6), vehicles_seized=2, arrests=1)
    assert (seized.vehicles_seized, seized.agency) == (2, partnership["police"])
    assert services.record_step(officer, incursion, step="joint_visit", taken_on=date(2026, 5, 5)).step == "joint_visit"


def test_housing_and_analysts_see_no_incursion(partnership):
    officer = partnership["officer"]
    incursion = create_incursion(officer, create_site(officer), at(date(2026, 5, 4)))
    for user in (partnership["housing_officer"], partnership["analyst"]):
        with pytest.raises(NotFoundError):
            services.get_incursion(user, incursion.pk)
        with pytest.raises(PermissionRefused):
            services.incursion_list(user)
    assert services.get_incursion(partnership["pc"], incursion.pk) == incursion
    with pytest.raises(PermissionRefused):
        services.record_outcome(partnership["pc"], incursion, left_on=date(2026, 5, 6))


def test_a_repeat_site_and_the_move_to_the_next_site(client: Client, partnership):
    officer = partnership["officer"]
    site = create_site(officer)
    other = create_site(officer, "Capstone Farm Country Park", latitude=51.35, longitude=0.56)
    first = create_incursion(officer, site, at(date(2025, 6, 2)))
    second = create_incursion(officer, site, at(date(2025, 9, 1)))
    elsewhere = create_incursion(officer, other, at(date(2025, 9, 8)))
    assert not services.is_repeat_site(first) and services.is_repeat_site(second)
    services.record_outcome(officer, second, left_on=date(2025, 9, 8), moved_to=elsewhere, cleanup_cost=1800,
                            repair_cost=650, legal_cost=420, target_hardening=["bunds", "height_barriers"],
                            site_reentered=False)
    second.refresh_from_db()
    assert second.moved_to == elsewhere and second.total_cost == 2870
    with pytest.raises(RuleRefused, match="the next site's incursion is the later one"):
        services.record_outcome(officer, elsewhere, moved_to=first)
    with pytest.raises(RuleRefused, match="before that"):
        services.record_outcome(officer, first, left_on=date(2025, 6, 1))
    client.force_login(officer)
    page = client.get(f"/encampments/sites/{site.pk}/").content.decode()
    assert "History: 2 incursions" in page and first.reference in page and second.reference in page
    detail = client.get(f"/encampments/{second.pk}/").content.decode()
    assert "Repeat site" in detail and elsewhere.reference in detail and "Bunds, Height barriers" in detail
    assert f"Came from <a class=\"govuk-link\" href=\"/encampments/{second.pk}/\"" in \
        client.get(f"/encampments/{elsewhere.pk}/").content.decode()


def test_the_incursion_page_shows_the_timetable_and_powers(client: Client, partnership):
    officer = partnership["officer"]
    incursion = create_incursion(officer, create_site(officer), at(timezone.localdate() - timedelta(days=20)))
    client.force_login(officer)
    page = client.get(f"/encampments/{incursion.pk}/").content.decode()
    assert "overdue" in page and "CJPOA 1994 s77 direction to leave" in page
    assert AuditEntry.objects.filter(object_type="incursion", object_id=str(incursion.pk), action="viewed").exists()
    response = client.post(f"/encampments/{incursion.pk}/steps/", {"step": "s78", "taken_on": timezone.localdate()})
    assert response.status_code == 200 and "<title>Error:" in response.content.decode()
    assert "needs a s77 direction first" in response.content.decode()


def test_a_site_name_is_not_registered_twice(partnership):
    create_site(partnership["officer"])
    with pytest.raises(RuleRefused, match="already a site called"):
        create_site(partnership["officer"], "great lines heritage park")
    with pytest.raises(PermissionRefused):
        create_site(partnership["pc"], "Police site")


# ---- Tents -----------------------------------------------------------------------------

def test_tents_people_are_shown_on_a_need_to_know_basis(partnership):
    officer, pc = partnership["officer"], partnership["pc"]
    on_shared_case = create_person(officer, first_name="Jo", last_name="Tent")
    council_only = create_person(officer, first_name="Kim", last_name="Camp")
    case = create_case(officer)
    casework.share_case(officer, case, partnership["police"])
    casework.add_party(officer, case, on_shared_case, "subject")
    tent = services.record_tent_case(officer, services.TentInput(
        location="Riverside path", reported_on=date(2026, 6, 1), reasons=["not_engaging"],
        outreach="Street outreach visited twice", people=[on_shared_case, council_only],
        share_with=[partnership["police"]]))
    assert services.tent_people(officer, tent) == [on_shared_case, council_only] or \
        set(services.tent_people(officer, tent)) == {on_shared_case, council_only}
    assert services.tent_people(pc, tent) == [on_shared_case]  # Kim is not on anything the police see
    with pytest.raises(NotFoundError):
        services.get_tent_case(partnership["housing_officer"], tent.pk)
    with pytest.raises(NotFoundError):  # a police officer cannot add someone they cannot see
        services.record_tent_case(pc, services.TentInput(location="Bus station", reported_on=date(2026, 6, 2),
                                                         reasons=["asb"], outreach="Offered", people=[council_only]))


def test_tents_enforcement_needs_a_reason_and_outreach(partnership):
    officer = partnership["officer"]
    with pytest.raises(RuleRefused, match="Give the reason"):
        services.record_tent_case(officer, services.TentInput(location="Park", reported_on=date(2026, 6, 1),
                                                              outreach="Offered"))
    with pytest.raises(RuleRefused, match="outreach or housing offer"):
        services.record_tent_case(officer, services.TentInput(location="Park", reported_on=date(2026, 6, 1),
                                                              reasons=["asb"]))
    tent = services.record_tent_case(officer, services.TentInput(location="Park", reported_on=date(2026, 6, 1),
                                                                 reasons=["alternative_accommodation"],
                                                                 outreach_offered_on=date(2026, 6, 1)))
    services.record_tent_outcome(officer, tent, outcome="moved_on", outcome_on=date(2026, 6, 3), tools=["cpw"])
    tent.refresh_from_db()
    assert tent.outcome == "moved_on" and tent.tool_labels() == ["Community Protection Warning"]


def test_the_tents_page_names_only_those_the_officer_may_see(client: Client, partnership):
    officer, pc = partnership["officer"], partnership["pc"]
    hidden = create_person(officer, first_name="Kim", last_name="Camp")
    tent = services.record_tent_case(officer, services.TentInput(
        location="Riverside path", reported_on=date(2026, 6, 1), reasons=["asb"], outreach="Visited",
        people=[hidden], share_with=[partnership["police"]]))
    client.force_login(pc)
    page = client.get(f"/encampments/tents/{tent.pk}/").content.decode()
    assert "Kim" not in page and "1 more your agency cannot see" in page
    client.force_login(officer)
    assert "Kim Camp" in client.get(f"/encampments/tents/{tent.pk}/").content.decode()


# ---- Figures against a hand count -----------------------------------------------------------

@pytest.fixture
def two_years(partnership) -> dict[str, Any]:
    officer, pc = partnership["officer"], partnership["pc"]
    a, b, c = (create_site(officer, n) for n in ("Site A", "Site B", "Site C"))
    # 2024/25: two incursions, one on Site A.
    create_incursion(officer, a, at(date(2024, 5, 6)))
    old = create_incursion(officer, b, at(date(2024, 11, 4)))
    services.record_outcome(officer, old, left_on=date(2024, 11, 6), cleanup_cost=500)
    # 2025/26 to 2 September: three incursions: A again (repeat), C twice (repeat).
    x = create_incursion(officer, a, at(date(2025, 4, 7)), damage_disruption_distress=True)   # Monday
    services.record_step(officer, x, step="s77", taken_on=date(2025, 4, 8))   # working day 1
    services.record_step(officer, x, step="s78", taken_on=date(2025, 4, 9))   # working day 2
    services.record_outcome(officer, x, left_on=date(2025, 4, 10), cleanup_cost=1000, repair_cost=200, legal_cost=300)
    y = create_incursion(officer, c, at(date(2025, 6, 2)))
    services.record_step(officer, y, step="s77", taken_on=date(2025, 6, 5))   # working day 3
    services.record_outcome(officer, y, left_on=date(2025, 6, 9), arrests=1, site_reentered=True)
    services.update_facts(officer, y, asked_to_leave_on=date(2025, 6, 2))
    z = create_incursion(officer, c, at(date(2025, 8, 25)))  # bank holiday Monday
    services.update_facts(officer, z, asked_to_leave_on=date(2025, 8, 26))
    services.record_step(pc, z, step="s61", taken_on=date(2025, 8, 27))
    # After the like-for-like end (2 September): not counted.
    create_incursion(officer, b, at(date(2025, 10, 1)))
    return partnership


def test_the_figures_against_a_hand_count(two_years):
    f = services.figures(two_years["analyst"], FinancialYear(2025), today=date(2025, 9, 2))
    assert (f["from"], f["to"], f["like_for_like"]) == ("2025-04-01", "2025-09-02", True)
    assert f["incursions"] == 3 and f["sites"] == 2
    assert f["repeat_sites"] == 2  # A (an incursion the year before) and C (twice this year)
    assert f["median_days_on_site"] == 5.0  # 3 and 7 days; one still on site
    assert f["still_on_site"] == 1
    assert f["median_working_days_to"]["s77"] == 2.0  # working days 1 and 3
    assert f["median_working_days_to"]["s78"] == 2.0
    assert f["median_working_days_to"]["s61"] == 2.0  # from a bank holiday Monday: Tuesday is day 1
    assert f["costs"] == 1500 and f["arrests"] == 1 and f["sites_reentered"] == 1
    previous = f["previous"]
    assert (previous["from"], previous["to"]) == ("2024-04-01", "2024-09-02")
    assert previous["incursions"] == 1  # November 2024 falls outside the like-for-like span
    assert f["incursions_percent_change"] == 200.0
    assert [s["site"] for s in f["sites_map"]] == ["Site C", "Site A"]


def test_the_figures_are_for_analysts_supervisors_and_admins(two_years):
    with pytest.raises(PermissionRefused):
        services.figures(two_years["officer"], FinancialYear(2025))
    assert services.figures(two_years["supervisor"], FinancialYear(2025), today=date(2026, 4, 1))["incursions"] == 4


def test_the_figures_page_and_its_audit(client: Client, two_years):
    client.force_login(two_years["analyst"])
    page = client.get("/encampments/figures/?year=2025/26").content.decode()
    assert "Encampment figures 2025/26" in page and 'id="sites-map"' in page and "<circle" in page
    assert AuditEntry.objects.filter(object_type="encampment_figures", object_id="2025/26").exists()
    assert "is not a financial year" in client.get("/encampments/figures/?year=2025").content.decode()
