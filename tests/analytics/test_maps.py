"""The map of a place: drawn from the real Medway boundaries as SVG and PNG, the point inside the
area drawn, and no map where no boundary loaded holds the point."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import shapely

from csphub.analytics.geography import load_boundaries
from csphub.analytics.maps import MapArea, location_map, map_of_point
from csphub.analytics.warehouse import open_warehouse

LON, LAT = 0.5466, 51.3879  # Gillingham High Street, in Gillingham South ward
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture
def medway(shared_data: Path, tmp_path: Path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        boundaries = shared_data / "ons" / "boundaries"
        load_boundaries(con, boundaries / "medway_E06000035_wards.geojson")
        load_boundaries(con, boundaries / "medway_E06000035_lsoa21.geojson")
        yield con


def _point_and_clip(svg: bytes) -> tuple[tuple[float, float], tuple[float, float, float, float]]:
    """The drawn point's (x, y) in the SVG and the rectangle the map is clipped to."""
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "location-point")
    use = next(group.iter(f"{SVG}use"))
    clip_id = re.search(r"#([^)]+)", next(g for g in group.iter(f"{SVG}g") if g.get("clip-path")).get("clip-path"))
    clip = next(c for c in root.iter(f"{SVG}clipPath") if c.get("id") == clip_id.group(1))  # type: ignore[union-attr]
    rect = next(clip.iter(f"{SVG}rect"))
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[arg-type]
    return (float(use.get("x")), float(use.get("y"))), (x, y, x + w, y + h)  # type: ignore[arg-type]


def test_the_svg_shows_the_point_inside_its_ward_and_lsoa(medway):
    drawn = map_of_point(medway, LON, LAT)
    assert drawn is not None and drawn.format == "svg" and drawn.content_type == "image/svg+xml"
    assert drawn.contains(LON, LAT)
    (px, py), (x0, y0, x1, y1) = _point_and_clip(drawn.image)
    assert x0 < px < x1 and y0 < py < y1
    text = drawn.image.decode()
    ward = medway.execute("select code from boundaries where kind = 'ward' and name = 'Gillingham South'").fetchone()[0]
    assert f'id="ward-{ward}"' in text and "Ward: Gillingham South" in text
    # Exactly one LSOA is shaded, the one whose boundary holds the point.
    shaded = re.findall(r'id="lsoa-(E01\d{6})-shaded"', text)
    assert len(shaded) == 1
    wkb = medway.execute("select geometry_wkb from boundaries where kind = 'lsoa' and code = ?", shaded).fetchone()[0]
    assert shapely.from_wkb(wkb).covers(shapely.Point(LON, LAT))


def test_the_png_is_made(medway):
    drawn = map_of_point(medway, LON, LAT, image_format="png")
    assert drawn is not None and drawn.image[:8] == b"\x89PNG\r\n\x1a\n" and drawn.content_type == "image/png"


def test_no_map_for_a_point_outside_every_boundary_loaded(medway):
    assert map_of_point(medway, -2.28, 53.46) is None  # Trafford, not Medway


def test_no_map_without_boundaries(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        assert map_of_point(con, LON, LAT) is None


def test_a_point_at_the_edge_of_its_area_stays_inside_the_map():
    ward = MapArea("ward", "E05000001", "Riverside", shapely.box(0.50, 51.38, 0.56, 51.40))
    drawn = location_map((0.56, 51.40), [ward])
    assert drawn.contains(0.56, 51.40)
    (px, py), (x0, y0, x1, y1) = _point_and_clip(drawn.image)
    assert x0 < px < x1 and y0 < py < y1
    with pytest.raises(ValueError, match="svg or png"):
        location_map((0.5, 51.4), [ward], image_format="gif")
