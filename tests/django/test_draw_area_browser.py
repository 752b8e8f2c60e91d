"""Drawing an operation's area on the ward map in a real browser (issue 17 item 3): the officer
clicks four corners around the centre of Chatham Central & Brompton (one falls in Fort Pitt) on the map of the real
Medway wards, undoes a stray fifth click, saves, and the operation's polygon (longitude,
latitude) holds that ward's centre. axe finds nothing serious on the page with the map drawn.

Playwright drives Debian's chromium (see browser_kit.py); the screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely

from csphub.analytics.area_drawing import Projection, partnership_wards, projection_of
from csphub.analytics.areas import add_area
from csphub.analytics.geography import load_boundaries
from csphub.analytics.warehouse import open_warehouse
from csphub.dialin.models import Operation
from csphub.settings import load_settings

from .browser_kit import ARTIFACTS, browser_page, serious_violations, sign_in, submit
from .factories import create_agency, create_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WARD = "Chatham Central & Brompton"
#: How far from the ward's centre the corners are clicked, in SVG units (the map is 800 wide).
REACH = 12


def _ward_centre_and_corners(shared_data: Path) -> tuple[tuple[float, float], list[tuple[float, float]], Projection]:
    """The ward's centre (lon, lat), four corners around it in the map's SVG units, and the map's
    projection; the warehouse gets the Medway wards."""
    with open_warehouse(load_settings().warehouse_path) as con:
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_wards.geojson")
        add_area(con, "Medway", ["E06000035"])
        wards = partnership_wards(con)
    projection = projection_of(wards)
    centre = next(w for w in wards if w.name == WARD).geometry.representative_point()
    x, y = projection.to_svg(centre.x, centre.y)
    corners = [(x - REACH, y - REACH), (x + REACH, y - REACH), (x + REACH, y + REACH), (x - REACH, y + REACH)]
    return (centre.x, centre.y), corners, projection


def test_an_officer_draws_the_operation_area_on_the_ward_map(live_server, monkeypatch, data_dir, shared_data):
    centre, corners, projection = _ward_centre_and_corners(shared_data)
    officer = create_user("officer", create_agency("Medway Council"), "asb.officer")
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        page.goto(f"{live_server.url}/dial-in/operations/new/")
        svg = page.locator("#id_area-map svg")
        svg.wait_for()
        assert page.locator("#id_area-map svg text", has_text=WARD).count() == 1
        box = svg.bounding_box()
        scale = box["width"] / projection.width  # the SVG is drawn to the box's width, its height in proportion

        def click(x: float, y: float) -> None:
            svg.click(position={"x": x * scale, "y": y * scale})  # from the map's top left; scrolls to it

        for x, y in corners:
            click(x, y)
        click(corners[0][0] - 3 * REACH, corners[0][1])  # a stray fifth click ...
        summary = page.locator("#id_area-points")
        assert summary.inner_text().startswith("5 points drawn.")
        page.get_by_role("button", name="Undo last point of the area").click()  # ... undone
        text = summary.inner_text()
        # the text summary for screen readers: each corner's longitude, latitude and ward
        assert text.startswith("4 points drawn.") and text.endswith("The area is closed back to point 1."), text
        assert len(re.findall(r"\d: longitude 0\.5\d{4}, latitude 51\.3\d{4} \((Chatham Central & Brompton|Fort Pitt)\)",
                              text)) == 4, text
        written = json.loads(page.locator("#id_area").input_value())
        ring = written["coordinates"][0]
        assert written["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[-1]

        problems = serious_violations(page)
        assert problems == [], problems
        page.screenshot(path=str(ARTIFACTS / "dialin-draw-area.png"), full_page=True)

        page.fill("#id_name", "StreetScene Chatham")
        page.fill("#id_aim", "Clean up around the High Street")
        page.fill("#id_starts_on", "2026-07-01")
        problem = submit(page, "Save")
        assert not problem, problem
        assert re.search(r"/dial-in/operations/\d+/$", page.url), page.url
        assert session.console_errors == [], session.console_errors

    saved = shapely.geometry.shape(json.loads(Operation.objects.get(name="StreetScene Chatham").area_geojson))
    assert saved.contains(shapely.Point(*centre)), (saved.wkt, centre)
    # each corner saved is where it was clicked, to within a pixel or so of the map as drawn
    for (x, y), (lon, lat) in zip(corners, list(saved.exterior.coords)[:4], strict=True):
        back = projection.to_svg(lon, lat)
        assert abs(back[0] - x) < 2 and abs(back[1] - y) < 2, ((x, y), back)


def test_the_comparison_area_is_drawn_with_the_keyboard_alone(live_server, monkeypatch, data_dir, shared_data):
    """Focus the comparison map, three corners with the arrow keys and Enter: the comparison box
    holds a closed triangle inside Medway, the area box above is untouched, and Clear empties it."""
    _ward_centre_and_corners(shared_data)
    officer = create_user("officer", create_agency("Medway Council"), "asb.officer")
    with browser_page(monkeypatch) as session:
        page = session.page
        sign_in(page, live_server.url, officer.username)
        page.goto(f"{live_server.url}/dial-in/places/new/")
        page.locator("#id_comparison-map svg").wait_for()
        page.locator("#id_area-map svg").wait_for()
        page.focus("#id_comparison-map")
        for moves in ([], ["ArrowRight"] * 3, ["ArrowDown"] * 3):  # the centre, then right, then down
            for key in moves:
                page.keyboard.press(key)
            page.keyboard.press("Enter")
        summary = page.locator("#id_comparison-points").inner_text()
        assert summary.startswith("3 points drawn.") and "closed back to point 1" in summary, summary
        ring = json.loads(page.locator("#id_comparison").input_value())["coordinates"][0]
        assert len(ring) == 4 and ring[0] == ring[-1]
        assert ring[1][1] == ring[0][1] and ring[1][0] > ring[0][0]  # right: same latitude, further east
        assert ring[2][0] == ring[1][0] and ring[2][1] < ring[1][1]  # down: same longitude, further south
        assert page.locator("#id_area").input_value() == ""
        problems = serious_violations(page)
        assert problems == [], problems
        page.get_by_role("button", name="Clear the drawing of the comparison").click()
        assert page.locator("#id_comparison").input_value() == ""
        assert page.locator("#id_comparison-points").inner_text() == "No points drawn yet."
        assert session.console_errors == [], session.console_errors


def test_a_dial_in_entry_is_placed_by_a_click_on_the_map_on_a_phone(live_server, monkeypatch, data_dir, shared_data):
    """Quick entry on a 360 px screen: a click on the ward map at the centre of Chatham Central &
    Brompton fills the latitude and longitude boxes, the summary names the ward, and the saved
    entry lies in that ward. Clear empties both boxes; nothing is wider than the screen."""
    from csphub.dialin.models import DialInEntry, EntryType

    centre, _corners, projection = _ward_centre_and_corners(shared_data)
    officer = create_user("officer", create_agency("Medway Council"), "asb.officer")
    # transaction=True flushes the types migration dialin 0002 seeds, so the test makes its own
    entry_type, _ = EntryType.objects.get_or_create(name="Street drinking")
    with browser_page(monkeypatch) as session:
        page = session.page
        page.set_viewport_size({"width": 360, "height": 780})
        sign_in(page, live_server.url, officer.username)
        page.goto(f"{live_server.url}/dial-in/new/")
        svg = page.locator("#id_longitude-map svg")
        svg.wait_for()
        scale = svg.bounding_box()["width"] / projection.width
        x, y = projection.to_svg(*centre)
        svg.click(position={"x": x * scale, "y": y * scale})
        summary = page.locator("#id_longitude-points").inner_text()
        assert summary.startswith("Place chosen: longitude 0.5") and f"({WARD})" in summary, summary
        lon, lat = float(page.locator("#id_longitude").input_value()), float(page.locator("#id_latitude").input_value())
        # a click lands within a couple of screen pixels of the centre: at this width, a few tens of metres
        assert abs(lon - centre[0]) < 0.002 and abs(lat - centre[1]) < 0.002, ((lon, lat), centre)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        problems = serious_violations(page)
        assert problems == [], problems

        page.get_by_role("button", name="Clear the point chosen on the map").click()
        assert page.locator("#id_longitude").input_value() == "" and page.locator("#id_latitude").input_value() == ""
        svg.click(position={"x": x * scale, "y": y * scale})
        page.select_option("#id_entry_type", str(entry_type.pk))
        page.fill("#id_account", "Youths throwing stones at buses")
        problem = submit(page, "Add entry")
        assert not problem, problem
        assert session.console_errors == [], session.console_errors

    entry = DialInEntry.objects.get(account="Youths throwing stones at buses")
    assert entry.ward_name == WARD, entry.ward_name
    assert abs(entry.longitude - centre[0]) < 0.002 and abs(entry.latitude - centre[1]) < 0.002
