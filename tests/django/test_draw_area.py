"""Drawing an area (issue 17 items 3 and 4): the ward map served to those who record operations
and initiatives (403 for anyone else), a small SVG saying why with no boundaries, the forms
carrying the map beside their GeoJSON box, and an area outside the partnership's wards refused
with the field named. Real Medway ward boundaries from ../shared/data."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import shapely
from django.test import Client

from csphub.analytics.areas import add_area
from csphub.analytics.geography import load_boundaries
from csphub.analytics.warehouse import open_warehouse
from csphub.dialin import operations
from csphub.errors import RuleRefused
from csphub.settings import load_settings

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db
MEDWAY = "E06000035"


@pytest.fixture
def medway(data_dir: Path, shared_data: Path) -> None:
    with open_warehouse(load_settings().warehouse_path) as con:
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_wards.geojson")
        add_area(con, "Medway", [MEDWAY])


def _client(role: str) -> Client:
    client = Client()
    client.force_login(create_user(role, create_agency()))
    return client


def test_the_map_is_the_medway_wards_with_their_names_for_an_officer(medway):
    answer = _client("officer").get("/dial-in/area-map.svg")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/svg+xml"
    text = answer.content.decode()
    assert text.count('<path id="draw-ward-') == 24 and ">Rochester West &amp; Borstal</text>" in text
    assert re.search(r'data-min-lon="0\.38\d+"', text) and re.search(r'data-max-lat="51\.4\d+"', text)


@pytest.mark.parametrize("role", ["analyst", "agency_admin", "partnership_admin"])
def test_the_map_is_refused_to_those_who_do_not_record_areas(medway, role):
    assert _client(role).get("/dial-in/area-map.svg").status_code == 403


def test_without_boundaries_the_map_says_why_as_an_image(data_dir):
    answer = _client("supervisor").get("/dial-in/area-map.svg")
    assert answer.status_code == 200 and b"ward boundaries are not loaded" in answer.content
    assert b"data-min-lon" not in answer.content


def test_the_forms_carry_the_map_beside_the_geojson_box_and_the_static_script(medway):
    client = _client("officer")
    page = client.get("/dial-in/places/new/").content.decode()
    for field in ("area", "comparison"):
        assert f'<textarea name="{field}"' in page
        assert f'data-draw-for="id_{field}" data-map-url="/dial-in/area-map.svg" hidden' in page
    assert page.count('src="/static/csphub-draw-area.js"') == 1  # once, however many maps
    assert "<script>" not in page  # nothing inline without the nonce
    operation_page = client.get("/dial-in/operations/new/").content.decode()
    assert 'data-draw-for="id_area"' in operation_page and "csphub-draw-area.js" in operation_page


def test_an_area_outside_medway_is_refused_naming_the_field(medway):
    officer = create_user("officer", create_agency())
    margate = "1.37 51.38\n1.39 51.38\n1.39 51.39"
    with pytest.raises(RuleRefused) as refused:
        operations.plan_operation(officer, name="Op Sands", aim="Beach", starts_on=date(2026, 7, 1), area=margate)
    assert refused.value.field == "area" and "outside the partnership's wards" in str(refused.value)
    page = Client()
    page.force_login(officer)
    answer = page.post("/dial-in/places/new/", {
        "name": "Hold", "area": "0.52 51.38\n0.53 51.38\n0.53 51.39", "starts_on": "2026-06-01",
        "comparison": margate})
    assert answer.status_code == 200
    assert answer.context["form"].errors == {"comparison": [
        "comparison: the area reaches outside the partnership's wards (longitude 0.3876 to 0.7333, latitude "
        "51.3231 to 51.4920 expected)"]}


def test_a_drawn_polygon_inside_medway_is_saved_as_geojson(medway):
    officer = create_user("officer", create_agency())
    drawn = json.dumps({"type": "Polygon", "coordinates": [[[0.52, 51.38], [0.53, 51.38], [0.53, 51.39],
                                                             [0.52, 51.38]]]})
    op = operations.plan_operation(officer, name="Op Ratify", aim="Mopeds", starts_on=date(2026, 7, 1), area=drawn)
    saved = shapely.geometry.shape(json.loads(op.area_geojson))
    assert saved.contains(shapely.Point(0.527, 51.383))


def _order_post(**area: str) -> dict[str, str]:
    return {"name": "Chatham alcohol PSPO", "area_description": "Chatham town centre", "prohibitions": "No drinking",
            "requirements": "", "made_on": "2026-06-01", "effective_on": "2026-06-02", "expires_on": "2029-05-31",
            "document_url": "", **area}


def test_a_pspo_area_drawn_on_the_map_is_saved_and_one_outside_medway_refused(medway):
    from csphub.pspo.models import Order

    client = _client("officer")  # a council officer manages the register
    page = client.get("/pspos/new/").content.decode()
    assert 'data-draw-for="id_area_drawn"' in page and "csphub-draw-area.js" in page
    refused = client.post("/pspos/new/", _order_post(area_drawn="1.37 51.38\n1.39 51.38\n1.39 51.39"))
    assert refused.status_code == 200 and "area_drawn: the area reaches outside the partnership's wards" in \
        refused.context["form"].errors["area_drawn"][0]
    drawn = json.dumps({"type": "Polygon", "coordinates": [[[0.52, 51.38], [0.53, 51.38], [0.53, 51.39],
                                                             [0.52, 51.38]]]})
    saved = client.post("/pspos/new/", _order_post(area_drawn=drawn))
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    area = shapely.geometry.shape(json.loads(Order.objects.get(name="Chatham alcohol PSPO").area_geojson))
    assert area.contains(shapely.Point(0.527, 51.383))


def test_a_pspo_variation_takes_its_new_area_drawn_on_the_map(medway):
    from csphub.pspo import services
    from csphub.pspo.models import Order

    client = _client("officer")
    officer = client.get("/pspos/new/").wsgi_request.user
    square = {"type": "Polygon", "coordinates": [[[0.54, 51.38], [0.56, 51.38], [0.56, 51.395], [0.54, 51.38]]]}
    order = services.make_order(officer, services.OrderInput(
        name="Gillingham alcohol PSPO", made_on=date(2025, 3, 1), effective_on=date(2025, 4, 1),
        expires_on=date(2028, 3, 31), area_geojson=json.dumps(square), prohibitions="No drinking"))
    services.record_consultation(officer, order, purpose="vary", opened_on=date(2025, 8, 1),
                                 closed_on=date(2025, 9, 1), consultees=["chief_officer", "pcc", "community",
                                                                         "land_owner"])
    page = client.get(f"/pspos/{order.pk}/changes/new/?kind=variation").content.decode()
    assert 'data-draw-for="id_area_drawn"' in page and "csphub-draw-area.js" in page
    post = {"kind": "variation", "decided_on": "2025-10-01", "description": "Moved to Chatham",
            "version": str(order.version)}
    refused = client.post(f"/pspos/{order.pk}/changes/new/", {**post, "area_drawn": "1.37 51.38\n1.39 51.38\n1.39 51.39"})
    assert refused.status_code == 200 and "area_drawn: the area reaches outside the partnership's wards" in \
        refused.context["form"].errors["area_drawn"][0]
    saved = client.post(f"/pspos/{order.pk}/changes/new/", {**post, "area_drawn": "0.52 51.38\n0.53 51.38\n0.53 51.39"})
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    varied = Order.objects.get(pk=order.pk)
    assert shapely.geometry.shape(json.loads(varied.area_geojson)).contains(shapely.Point(0.527, 51.383))
    assert json.loads(varied.changes.get().previous_area_geojson) == square
