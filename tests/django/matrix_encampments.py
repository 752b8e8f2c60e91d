"""Permission matrix rows for encampments and tents (see matrix_kit).

The lead agency (Council ASB Team) is a council team: its officers and supervisors manage sites
and incursions. The shared agency is the police: its officers and supervisors see incursions and
record police powers. Housing, probation and fire see none of it (a 403 on lists and forms, a
404 on a record). Analysts, supervisors and partnership admins see the figures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from csphub.encampments import services

from .matrix_kit import ALLOWED, CASEWORK, ON_CASE, Exercise, Outcome, Read, World, iso, sees


def _area(role: str, relation: str) -> Outcome:
    """Lists and the tents form: officers and supervisors of the council and the police."""
    return ALLOWED if role in CASEWORK and relation in ON_CASE else 403


def _council(role: str, relation: str) -> Outcome:
    return ALLOWED if role in CASEWORK and relation == "lead" else 403


def _council_change(role: str, relation: str) -> Outcome:
    if role in CASEWORK and relation == "lead":
        return ALLOWED
    return 403 if role in CASEWORK and relation == "shared" else 404


def _police_change(role: str, relation: str) -> Outcome:
    if role in CASEWORK and relation == "shared":
        return ALLOWED
    return 403 if role in CASEWORK and relation == "lead" else 404


RULES = {
    "encampments_area": _area,
    "encampments_council": _council,
    "incursion_view": sees(CASEWORK, ON_CASE),
    "incursion_council_change": _council_change,
    "incursion_police_change": _police_change,
    "tent_case_view": sees(CASEWORK, ON_CASE),
}


def add_records(world: World) -> None:
    officer = world.lead_officer
    today = world.today
    site = services.add_site(officer, name="Great Lines Heritage Park", land_owner="council",
                             latitude=51.3870, longitude=0.5430, ward_name="Gillingham North")
    incursion = services.record_incursion(officer, services.IncursionInput(
        site=site, arrived_at=timezone.now() - timedelta(days=2), caravans=5, vehicles=8, people=12, children=3,
        damage_disruption_distress=True, impact_waste=True))
    services.update_facts(officer, incursion, asked_to_leave_on=today - timedelta(days=1))
    world.records["site"] = site
    world.records["incursion"] = incursion
    world.records["legal_step"] = services.record_step(officer, incursion, step="s77",
                                                          taken_on=today - timedelta(days=1))
    world.records["tent_case"] = services.record_tent_case(officer, services.TentInput(
        location="Riverside path by the bridge", reported_on=today, reasons=["asb"], outreach="Outreach team visited",
        outreach_offered_on=today, people=[world.records["subject"]], share_with=[world.agencies["shared"]]))


SITE = {"pk": "site"}
INCURSION = {"pk": "incursion"}
INCURSION_READ = Read("incursion", "incursion")
TENT = {"pk": "tent_case"}


def _incursion_form(path_rule: str, body: Any) -> tuple[Exercise, ...]:
    return (Exercise(path_rule, "get", INCURSION, reads=(INCURSION_READ,), refused="incursion"),
            Exercise(path_rule, "post", INCURSION, body=body, refused="incursion"))


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/encampments/": (Exercise("encampments_area", reads=(INCURSION_READ,)),),
    "/encampments/new/": (
        Exercise("encampments_council"),
        Exercise("encampments_council", "post", body=lambda w: {
            "site": w.pk("site"), "arrived_at": f"{iso(w.today - timedelta(days=1))}T07:00", "reported_by": "public", "caravans": "3",
            "vehicles": "4", "land_occupied": "on"}),
    ),
    "/encampments/<int:pk>/": (Exercise("incursion_view", params=INCURSION,
                                        reads=(INCURSION_READ, Read("legal_step", "legal_step")),
                                        refused="incursion"),),
    "/encampments/<int:pk>/facts/": _incursion_form("incursion_council_change", lambda w: {
        "caravans": "6", "vehicles": "8", "people": "12", "land_occupied": "on", "route": "cjpoa"}),
    "/encampments/<int:pk>/welfare/": _incursion_form("incursion_council_change", lambda w: {
        "welfare_checked_on": iso(w.today), "welfare_outcome": "no_concerns", "welfare_needs": "None found"}),
    "/encampments/<int:pk>/outcome/": _incursion_form("incursion_council_change", lambda w: {
        "left_on": iso(w.today), "arrests": "0", "cleanup_cost": "1200", "repair_cost": "0", "legal_cost": "450",
        "target_hardening": ["bunds"]}),
    "/encampments/<int:pk>/steps/": (
        Exercise("incursion_view", "get", INCURSION, reads=(INCURSION_READ,), refused="incursion"),
        Exercise("incursion_council_change", "post", INCURSION, refused="incursion", body=lambda w: {
            "step": "s78", "taken_on": iso(w.today), "vehicles_seized": "0", "arrests": "0"}),
        Exercise("incursion_police_change", "post", INCURSION, refused="incursion", body=lambda w: {
            "step": "s61", "taken_on": iso(w.today), "vehicles_seized": "0", "arrests": "0"}),
    ),
    "/encampments/sites/": (Exercise("encampments_area", reads=(Read("encampment_site", "site"),)),),
    "/encampments/sites/new/": (
        Exercise("encampments_council"),
        Exercise("encampments_council", "post", body=lambda w: {"name": "Lordswood lay-by", "land_owner": "highway"}),
    ),
    "/encampments/sites/<int:pk>/": (Exercise("incursion_view", params=SITE, refused="encampment_site",
                                              reads=(Read("encampment_site", "site"), INCURSION_READ)),),
    "/encampments/tents/": (Exercise("encampments_area", reads=(Read("tent_case", "tent_case"),)),),
    "/encampments/tents/new/": (
        Exercise("encampments_area"),
        Exercise("encampments_area", "post", body=lambda w: {
            "location": "Car park stairwell", "reported_on": iso(w.today), "tents": "1", "reasons": ["not_engaging"],
            "outreach": "Offered hostel place"}),
    ),
    "/encampments/tents/<int:pk>/": (
        Exercise("tent_case_view", params=TENT, refused="tent_case",
                 reads=(Read("tent_case", "tent_case"), Read("person", "subject"))),
        Exercise("tent_case_view", "post", TENT, refused="tent_case", body=lambda w: {
            "outcome": "moved_on", "outcome_on": iso(w.today), "tools": ["advice"]}),
    ),
    "/encampments/figures/": (Exercise("statistics"),),
}

INCURSION_ID = {"incursion_id": "incursion"}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/encampments/sites": (Exercise("encampments_area", reads=(Read("encampment_site", "site"),)),),
    "POST /api/v1/encampments/sites": (Exercise("encampments_council", body=lambda w: {
        "name": "Capstone car park", "land_owner": "council", "latitude": 51.35, "longitude": 0.55}),),
    "GET /api/v1/encampments/incursions": (Exercise("encampments_area", reads=(INCURSION_READ,)),),
    "POST /api/v1/encampments/incursions": (Exercise("encampments_council", body=lambda w: {
        "site_id": w.pk("site"), "arrived_at": f"{iso(w.today - timedelta(days=1))}T06:30:00", "caravans": 2, "vehicles": 3}),),
    "GET /api/v1/encampments/incursions/{incursion_id}": (Exercise(
        "incursion_view", params=INCURSION_ID, refused="incursion",
        reads=(INCURSION_READ, Read("legal_step", "legal_step"))),),
    "PATCH /api/v1/encampments/incursions/{incursion_id}": (Exercise(
        "incursion_council_change", params=INCURSION_ID, refused="incursion",
        body=lambda w: {"welfare_checked_on": iso(w.today), "welfare_outcome": "support", "cleanup_cost": 800}),),
    "POST /api/v1/encampments/incursions/{incursion_id}/steps": (
        Exercise("incursion_council_change", params=INCURSION_ID, refused="incursion",
                 body=lambda w: {"step": "s78", "taken_on": iso(w.today)}),
        Exercise("incursion_police_change", params=INCURSION_ID, refused="incursion",
                 body=lambda w: {"step": "s61", "taken_on": iso(w.today)}),
    ),
    "GET /api/v1/encampments/tents": (Exercise("encampments_area", reads=(Read("tent_case", "tent_case"),)),),
    "POST /api/v1/encampments/tents": (Exercise("encampments_area", body=lambda w: {
        "location": "Doorway, High Street", "reported_on": iso(w.today), "reasons": ["alternative_accommodation"],
        "outreach": "Housing options appointment offered"}),),
    "GET /api/v1/encampments/tents/{tent_id}": (Exercise(
        "tent_case_view", params={"tent_id": "tent_case"}, refused="tent_case",
        reads=(Read("tent_case", "tent_case"), Read("person", "subject"))),),
    "GET /api/v1/encampments/figures": (Exercise("statistics"),),
}
