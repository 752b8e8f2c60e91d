"""The PSPO register end to end on a real database: the 3-year term, extension after the
consultation the Act requires, enforcement refused outside the area or above the dated cap, a
breach linked to a casework person on a need-to-know basis, payments, and the figures against a
hand count, with crime inside the area from a real DuckDB warehouse (or an honest "not known")."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.analytics.warehouse import open_warehouse
from csphub.errors import PermissionRefused, RuleRefused
from csphub.pspo import services
from csphub.pspo.models import Enforcement

from .factories import create_agency, create_person, create_token, create_user

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[0.540, 51.380], [0.560, 51.380], [0.560, 51.395],
                                              [0.540, 51.395], [0.540, 51.380]]]}
INSIDE = {"latitude": 51.388, "longitude": 0.550}
OUTSIDE = {"latitude": 51.388, "longitude": 0.600}
ALL_CONSULTEES = ["chief_officer", "pcc", "community", "land_owner"]


def at(day: date, hour: int = 21) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def partnership() -> dict[str, Any]:
    council = create_agency("Medway Council Community Safety", "council")
    police = create_agency("Kent Police", "police")
    return {"council": council, "police": police, "officer": create_user("officer", council),
            "analyst": create_user("analyst", council), "pc": create_user("officer", police),
            "police_analyst": create_user("analyst", police)}


def make_order(user: Any, name: str = "Gillingham alcohol PSPO", effective: date = date(2025, 4, 1), **kwargs: Any):
    return services.make_order(user, services.OrderInput(
        name=name, made_on=effective - timedelta(days=14), effective_on=effective,
        expires_on=kwargs.pop("expires_on", date(2028, 3, 31)), area_geojson=json.dumps(SQUARE),
        prohibitions="Continuing to drink alcohol when asked to stop", **kwargs))


def enforce(user: Any, order: Any, kind: str = "warning", when: datetime | None = None, **kwargs: Any) -> Enforcement:
    point = kwargs.pop("point", INSIDE)
    return services.record_enforcement(user, order, services.EnforcementInput(
        kind=kind, occurred_at=when or at(date(2025, 6, 6)), **point, **kwargs))


# ---- Term and extension --------------------------------------------------------------------

def test_an_order_may_not_run_beyond_three_years(partnership):
    with pytest.raises(RuleRefused, match="must expire by 31 March 2028"):
        make_order(partnership["officer"], expires_on=date(2028, 4, 1))
    assert make_order(partnership["officer"]).expires_on == date(2028, 3, 31)
    with pytest.raises(PermissionRefused):
        make_order(partnership["pc"], "Police order")


def test_an_extension_needs_every_consultee_then_up_to_three_more_years(partnership):
    officer = partnership["officer"]
    order = make_order(officer, effective=date(2023, 7, 1), expires_on=date(2026, 6, 30))
    with pytest.raises(RuleRefused, match="needs the necessary consultation"):
        services.extend_order(officer, order, decided_on=date(2026, 5, 1), new_expiry=date(2029, 6, 30))
    services.record_consultation(officer, order, purpose="extend", opened_on=date(2026, 2, 1),
                                 closed_on=date(2026, 3, 15), consultees=["chief_officer", "community"], responses=30)
    with pytest.raises(RuleRefused, match="Not yet consulted: .*Police and Crime Commissioner.*land") as refused:
        services.extend_order(officer, order, decided_on=date(2026, 5, 1), new_expiry=date(2029, 6, 30))
    assert refused.value.field == "new_expiry"
    services.record_consultation(officer, order, purpose="extend", opened_on=date(2026, 3, 16),
                                 closed_on=date(2026, 4, 20), consultees=ALL_CONSULTEES, responses=12)
    with pytest.raises(RuleRefused, match="at most 3 years"):
        services.extend_order(officer, order, decided_on=date(2026, 5, 1), new_expiry=date(2029, 7, 1))
    change = services.extend_order(officer, order, decided_on=date(2026, 5, 1), new_expiry=date(2029, 6, 30))
    order.refresh_from_db()
    assert (change.previous_expiry, order.expires_on) == (date(2026, 6, 30), date(2029, 6, 30))
    assert change.consultation.responses == 12


def test_an_expired_order_cannot_be_extended(partnership):
    officer = partnership["officer"]
    order = make_order(officer, effective=date(2022, 7, 1), expires_on=date(2025, 6, 30))
    services.record_consultation(officer, order, purpose="extend", opened_on=date(2025, 5, 1),
                                 closed_on=date(2025, 6, 1), consultees=ALL_CONSULTEES)
    with pytest.raises(RuleRefused, match="expired on 30 June 2025"):
        services.extend_order(officer, order, decided_on=date(2025, 7, 1), new_expiry=date(2028, 6, 30))


def test_the_register_alerts_six_months_before_expiry(client: Client, partnership):
    today = timezone.localdate()
    soon = make_order(partnership["officer"], "Strood car meets PSPO", effective=today - timedelta(days=900),
                      expires_on=today + timedelta(days=90))
    later = make_order(partnership["officer"], "Chatham dog control PSPO", effective=today - timedelta(days=10),
                       expires_on=today + timedelta(days=800))
    assert services.expiring(partnership["pc"], today) == [soon]
    client.force_login(partnership["police_analyst"])  # the register is for every member
    page = client.get("/pspos/").content.decode()
    warning = page.split('id="expiring"')[1].split("</div>")[0]
    assert soon.name in warning and later.name not in warning


def test_a_variation_and_a_discharge_need_consultation(partnership):
    officer = partnership["officer"]
    order = make_order(officer, effective=date(2025, 4, 1))
    with pytest.raises(RuleRefused, match="variation needs"):
        services.vary_order(officer, order, decided_on=date(2025, 10, 1), description="Add Green Street")
    services.record_consultation(officer, order, purpose="vary", opened_on=date(2025, 8, 1),
                                 closed_on=date(2025, 9, 1), consultees=ALL_CONSULTEES)
    services.vary_order(officer, order, decided_on=date(2025, 10, 1), description="Adds a dog on lead requirement",
                        requirements="Dogs on leads on the High Street")
    with pytest.raises(RuleRefused, match="Discharging an order needs"):
        services.discharge_order(officer, order, decided_on=date(2025, 11, 1))
    services.record_consultation(officer, order, purpose="discharge", opened_on=date(2025, 10, 2),
                                 closed_on=date(2025, 10, 30), consultees=ALL_CONSULTEES)
    services.discharge_order(officer, order, decided_on=date(2025, 11, 1))
    order.refresh_from_db()
    assert order.requirements.startswith("Dogs") and order.status(date(2025, 11, 1)) == "discharged"
    with pytest.raises(RuleRefused, match="was not in force on 02 November 2025"):
        enforce(partnership["pc"], order, when=at(date(2025, 11, 2)))


# The western half of SQUARE: INSIDE (0.550) is on its edge, so take a point east of it.
WEST_HALF = {"type": "Polygon", "coordinates": [[[0.540, 51.380], [0.548, 51.380], [0.548, 51.395],
                                                 [0.540, 51.395], [0.540, 51.380]]]}
EAST_ONLY = {"latitude": 51.388, "longitude": 0.555}  # inside SQUARE, outside WEST_HALF


def _varied(officer: Any, **area: Any) -> tuple[Any, Any]:
    order = make_order(officer, effective=date(2025, 4, 1), area_description="High Street and Green Street")
    services.record_consultation(officer, order, purpose="vary", opened_on=date(2025, 8, 1),
                                 closed_on=date(2025, 9, 1), consultees=ALL_CONSULTEES)
    change = services.vary_order(officer, order, decided_on=date(2025, 10, 1), description="High Street only",
                                 area_description="High Street", **area)
    order.refresh_from_db()
    return order, change


def test_a_varied_area_applies_from_the_variation_and_keeps_the_old_one(partnership):
    order, change = _varied(partnership["officer"], area_geojson=json.dumps(WEST_HALF))
    assert json.loads(change.previous_area_geojson) == SQUARE and change.previous_area_description.startswith("High St")
    assert json.loads(order.area_geojson)["coordinates"][0][1] == [0.548, 51.380]
    assert order.area_description == "High Street" and order.history.count() == 2
    with pytest.raises(RuleRefused) as refused:  # after the variation: the new, smaller area
        enforce(partnership["pc"], order, when=at(date(2025, 10, 2)), point=EAST_ONLY)
    assert refused.value.rule == "outside_area" and refused.value.field == "latitude"
    assert ("is outside the area of Gillingham alcohol PSPO in force on 02 October 2025 (as varied on 01 October "
            "2025)") in refused.value.reason
    with pytest.raises(RuleRefused, match="outside the area"):  # the variation's own day: varied already
        enforce(partnership["pc"], order, when=at(date(2025, 10, 1), hour=9), point=EAST_ONLY)
    before = enforce(partnership["pc"], order, when=at(date(2025, 9, 30)), point=EAST_ONLY)  # the old area
    assert before.pk and before.longitude == 0.555
    assert enforce(partnership["pc"], order, when=at(date(2025, 10, 2)), point={"latitude": 51.388,
                                                                                  "longitude": 0.545}).pk


def test_a_variation_of_the_area_is_refused_before_an_earlier_one_and_needs_a_good_area(partnership):
    officer = partnership["officer"]
    order, _ = _varied(officer, area_geojson=json.dumps(WEST_HALF))
    with pytest.raises(RuleRefused, match="last varied on 01 October 2025") as refused:
        services.vary_order(officer, order, decided_on=date(2025, 9, 15), description="Back-dated",
                            area_geojson=json.dumps(SQUARE))
    assert refused.value.field == "decided_on"
    with pytest.raises(RuleRefused) as refused:
        services.vary_order(officer, order, decided_on=date(2025, 10, 5), description="Bad", area_geojson="{nope")
    assert refused.value.field == "area_file" and "not JSON" in refused.value.reason
    order.refresh_from_db()
    assert order.changes.count() == 1 and json.loads(order.area_geojson)["coordinates"][0][1] == [0.548, 51.380]


def test_the_vary_page_takes_an_uploaded_area_and_keeps_the_terms(client: Client, partnership):
    from django.core.files.uploadedfile import SimpleUploadedFile

    officer = partnership["officer"]
    order = make_order(officer, effective=date(2025, 4, 1))
    services.record_consultation(officer, order, purpose="vary", opened_on=date(2025, 8, 1),
                                 closed_on=date(2025, 9, 1), consultees=ALL_CONSULTEES)
    client.force_login(officer)
    form = client.get(f"/pspos/{order.pk}/changes/new/?kind=variation").content.decode()
    assert 'name="area_file"' in form and 'data-draw-for="id_area_drawn"' in form  # wards: none loaded here
    post = {"kind": "discharge", "decided_on": "2025-10-01", "description": "x", "version": str(order.version),
            "area_file": SimpleUploadedFile("west.geojson", json.dumps(WEST_HALF).encode())}
    refused = client.post(f"/pspos/{order.pk}/changes/new/", post)
    assert refused.status_code == 200 and "Only a variation changes the area" in refused.content.decode()
    post.update(kind="variation", description="High Street only", area_description="High Street",
                area_file=SimpleUploadedFile("west.geojson", json.dumps(WEST_HALF).encode()))
    response = client.post(f"/pspos/{order.pk}/changes/new/", post)
    assert response.status_code == 302, response.context["form"].errors
    order.refresh_from_db()
    assert order.prohibitions.startswith("Continuing to drink") and order.area_description == "High Street"
    assert json.loads(order.changes.get().previous_area_geojson) == SQUARE
    assert "Area varied from this date" in client.get(f"/pspos/{order.pk}/").content.decode()


# ---- Enforcement ----------------------------------------------------------------------------

def test_a_point_outside_the_area_is_refused_with_a_clear_message(partnership):
    order = make_order(partnership["officer"])
    with pytest.raises(RuleRefused) as refused:
        enforce(partnership["pc"], order, point=OUTSIDE)
    assert refused.value.rule == "outside_area" and "outside the area of Gillingham alcohol PSPO" in refused.value.reason
    assert enforce(partnership["pc"], order).agency == partnership["police"]


def test_the_api_refuses_a_point_outside_the_area(client: Client, partnership):
    order = make_order(partnership["officer"])
    token = create_token(partnership["pc"])
    body = {"kind": "warning", "occurred_at": "2025-06-06T21:00:00", **OUTSIDE}
    response = client.post(f"/api/v1/pspos/{order.pk}/enforcement", json.dumps(body), content_type="application/json",
                           headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "outside_area" and "outside the area" in response.json()["error"]["message"]


def test_the_page_refuses_a_point_outside_the_area(client: Client, partnership):
    order = make_order(partnership["officer"])
    client.force_login(partnership["pc"])
    response = client.post(f"/pspos/{order.pk}/enforcement/new/", {
        "kind": "warning", "occurred_at": "2025-06-06T21:00", **{k: str(v) for k, v in OUTSIDE.items()}})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page and "outside the area of" in page
    assert not Enforcement.objects.exists()


def test_an_fpn_above_the_cap_on_the_offence_date_is_refused(partnership):
    order = make_order(partnership["officer"])
    with pytest.raises(RuleRefused, match="at most GBP 100 for an offence on 06 June 2025"):
        enforce(partnership["pc"], order, "fpn", notice_number="K-001", amount=150)
    with pytest.raises(RuleRefused, match="early-payment amount is less"):
        enforce(partnership["pc"], order, "fpn", notice_number="K-001", amount=100, early_payment_amount=100)
    fpn = enforce(partnership["pc"], order, "fpn", notice_number="K-001", amount=100, early_payment_amount=75)
    assert (fpn.amount, fpn.early_payment_amount) == (100, 75)


def test_payment_and_prosecution(partnership):
    order = make_order(partnership["officer"])
    fpn = enforce(partnership["pc"], order, "fpn", notice_number="K-002", amount=100, early_payment_amount=75)
    with pytest.raises(RuleRefused, match="full penalty"):
        services.record_payment(partnership["pc"], fpn, paid_on=date(2025, 6, 10), paid_amount=50)
    with pytest.raises(RuleRefused, match="no prosecution"):
        services.record_payment(partnership["officer"], fpn, paid_on=date(2025, 6, 10), paid_amount=75,
                                prosecution="summonsed")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(RuleRefused, match=f"dated {tomorrow:%d %B %Y}, in the future"):
        services.record_payment(partnership["officer"], fpn, paid_on=tomorrow, paid_amount=75)
    services.record_payment(partnership["officer"], fpn, paid_on=date(2025, 6, 10), paid_amount=75)
    fpn.refresh_from_db()
    assert fpn.is_paid and fpn.paid_amount == 75


def test_the_early_payment_amount_is_accepted_only_up_to_the_day_the_notice_states(partnership, settings):
    """Given 6 June 2025 with CSPHUB_PENALTY_EARLY_PAYMENT_DAYS at its default 10: GBP 75 settles
    it up to 16 June, GBP 100 is due from 17 June; a partnership's 14 days moves the day."""
    order, pc = make_order(partnership["officer"]), partnership["pc"]
    on_the_day, day_after = (enforce(pc, order, "fpn", notice_number=f"K-E{n}", amount=100, early_payment_amount=75)
                             for n in (1, 2))
    assert on_the_day.early_payment_by == date(2025, 6, 16) and on_the_day.payment_due_on == date(2025, 6, 20)
    services.record_payment(pc, on_the_day, paid_on=date(2025, 6, 16), paid_amount=75)
    with pytest.raises(RuleRefused, match=r"GBP 75\) was payable up to 16 June 2025; paid on 17 June 2025, "
                                          r"the full penalty \(GBP 100\) is due"):
        services.record_payment(pc, day_after, paid_on=date(2025, 6, 17), paid_amount=75)
    services.record_payment(pc, day_after, paid_on=date(2025, 6, 17), paid_amount=100)
    assert Enforcement.objects.get(pk=day_after.pk).paid_amount == 100
    no_offer = enforce(pc, order, "fpn", notice_number="K-E3", amount=100)
    assert no_offer.early_payment_by is None
    with pytest.raises(RuleRefused, match=r"full penalty \(GBP 100\); GBP 75 was entered"):
        services.record_payment(pc, no_offer, paid_on=date(2025, 6, 7), paid_amount=75)
    settings.CSPHUB_TOOLS_AND_POWERS = {**settings.CSPHUB_TOOLS_AND_POWERS, "fixed_penalty_early_payment_days": 14}
    later = enforce(pc, order, "fpn", notice_number="K-E4", amount=100, early_payment_amount=50)
    assert later.early_payment_by == later.payment_due_on == date(2025, 6, 20)


def test_a_breach_by_a_person_in_casework_links_to_their_record(client: Client, partnership):
    officer, pc = partnership["officer"], partnership["pc"]
    drinker = create_person(officer, first_name="Lee", last_name="Street")
    order = make_order(officer)
    with pytest.raises(Exception, match="No person"):  # the police cannot link someone they cannot see
        enforce(pc, order, person=drinker)
    warning = enforce(officer, order, person=drinker)
    client.force_login(officer)
    assert f'href="/people/{drinker.pk}/"' in client.get(f"/pspos/enforcement/{warning.pk}/").content.decode()
    # The police link someone in their own records: the council that made the order sees the
    # warning, and that a person is linked, but not who.
    known_to_police = create_person(pc, first_name="Max", last_name="Bench")
    theirs = enforce(pc, order, person=known_to_police)
    assert services.breach_person(pc, theirs) == known_to_police
    assert services.breach_person(officer, theirs) is None
    page = client.get(f"/pspos/enforcement/{theirs.pk}/").content.decode()
    assert "Max" not in page and "not visible to your agency" in page


# ---- Figures ----------------------------------------------------------------------------------

def build_warehouse(path: Path) -> None:
    """Points inside and outside the square, the same months before and after 1 April 2025."""
    rows = []
    for month, inside_crime, inside_asb in ((date(2024, 4, 1), 3, 2), (date(2024, 5, 1), 1, 4),
                                            (date(2025, 4, 1), 1, 1), (date(2025, 5, 1), 2, 0)):
        rows += [(month, 0.55, 51.388, "Violence and sexual offences")] * inside_crime
        rows += [(month, 0.545, 51.39, "Anti-social behaviour")] * inside_asb
        rows += [(month, 0.60, 51.39, "Anti-social behaviour")] * 5  # outside
    with open_warehouse(path) as con:
        con.executemany("insert into street_crime (file_id, month, force, longitude, latitude, crime_type) "
                        "values (1, ?, 'kent', ?, ?, ?)", rows)


def test_the_figures_against_a_hand_count(partnership, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPHUB_WAREHOUSE", str(tmp_path / "w.duckdb"))
    officer, pc = partnership["officer"], partnership["pc"]
    order = make_order(officer)
    enforce(pc, order, "warning", at(date(2025, 4, 10)))
    enforce(pc, order, "warning", at(date(2025, 5, 10)))
    enforce(officer, order, "patrol", at(date(2025, 5, 11)))
    paid = enforce(pc, order, "fpn", at(date(2025, 5, 20)), notice_number="K-1", amount=100)
    services.record_payment(pc, paid, paid_on=date(2025, 7, 2), paid_amount=100)
    unpaid = enforce(pc, order, "fpn", at(date(2025, 8, 1)), notice_number="K-2", amount=100)
    services.record_payment(officer, unpaid, paid_on=None, paid_amount=None, prosecution="summonsed")
    rows = services.figures(partnership["analyst"], today=date(2025, 6, 15))
    (row,) = rows
    assert row["quarters"] == {"2025/26 Q1": {"warning": 2, "patrol": 1, "fpn": 1},
                               "2025/26 Q2": {"fpn_paid": 1, "fpn": 1, "prosecution": 1}}
    assert not row["crime"].available and "no warehouse" in row["crime"].reason  # honest, not zeros
    build_warehouse(tmp_path / "w.duckdb")
    crime = services.figures(partnership["analyst"], today=date(2025, 6, 15))[0]["crime"]
    assert crime.available
    assert (crime.before.first_month, crime.before.last_month) == (date(2024, 4, 1), date(2024, 5, 1))
    assert (crime.before.crime, crime.before.asb, crime.after.crime, crime.after.asb) == (4, 6, 3, 1)
    assert crime.asb_change == -83.3
    # Beyond the warehouse's last month (May 2025) nothing is compared: still April and May.
    assert services.figures(partnership["analyst"], today=date(2025, 9, 1))[0]["crime"].after.last_month == \
        date(2025, 5, 1)
    # July 2025 loaded, June not (nor June and July 2024): said so, not counted as 0.
    with open_warehouse(tmp_path / "w.duckdb") as con:
        con.execute("insert into street_crime (file_id, month, force, longitude, latitude, crime_type) "
                    "values (2, '2025-07-01', 'kent', 0.55, 51.388, 'Burglary')")
    later = services.figures(partnership["analyst"], today=date(2025, 8, 15))[0]["crime"]
    assert not later.available and later.reason.endswith("Jun 2024, Jul 2024, Jun 2025")
    with pytest.raises(PermissionRefused):
        services.figures(officer)


def test_an_order_six_months_from_expiry_is_put_in_the_makers_inbox_once(partnership):
    """28 Feb 2027 expiry: nothing on 27 Aug 2026, one item for the council on 28 Aug 2026 (its
    title names the order and the date, nobody), nothing more that day or the next; extended to
    2030, the new expiry is told when it in turn comes within six months."""
    from csphub.inbox.models import InboxItem
    from csphub.pspo.notices import post_expiring_orders

    order = make_order(partnership["officer"], effective=date(2024, 3, 1), expires_on=date(2027, 2, 28))
    assert post_expiring_orders(date(2026, 8, 27)) == 0
    assert post_expiring_orders(date(2026, 8, 28)) == 1
    item = InboxItem.objects.get(object_type="pspo_order")
    assert item.agency == partnership["council"] and item.user is None
    assert item.title == (f"PSPO {order.reference} (Gillingham alcohol PSPO) expires on 28 February 2027: consult on "
                          "an extension, or let it lapse")
    assert post_expiring_orders(date(2026, 8, 28)) == 0 and post_expiring_orders(date(2026, 8, 29)) == 0
    order.expires_on = date(2030, 2, 28)
    order.save()
    assert post_expiring_orders(date(2026, 9, 1)) == 0
    assert post_expiring_orders(date(2029, 8, 28)) == 1
