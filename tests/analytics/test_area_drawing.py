"""The base map an area is drawn on (csphub.analytics.area_drawing): the projection there and
back, the same sum the page's script does, and the SVG of the real Medway wards with their names
and the extent the script reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import shapely

from csphub.analytics.area_drawing import (
    ASPECT,
    Projection,
    base_map_svg,
    partnership_wards,
    projection_of,
)
from csphub.analytics.areas import add_area
from csphub.analytics.geography import load_boundaries
from csphub.analytics.maps import MapArea
from csphub.analytics.warehouse import open_warehouse

MEDWAY = "E06000035"


@pytest.mark.parametrize(("lon", "lat"), [(0.43, 51.33), (0.5291, 51.3812), (0.7199, 51.4799), (0.6, 51.45)])
def test_a_point_goes_to_the_svg_and_comes_back_within_a_centimetre(lon, lat):
    projection = Projection(0.42, 51.32, 0.73, 51.49, width=800)
    x, y = projection.to_svg(lon, lat)
    assert 0 <= x <= projection.width and 0 <= y <= projection.height
    back_lon, back_lat = projection.to_lonlat(x, y)
    assert abs(back_lon - lon) < 1e-9 and abs(back_lat - lat) < 1e-9


def test_the_corners_and_the_shape_of_the_projection():
    projection = Projection(0.0, 51.0, 0.5, 51.25, width=400)
    # north-west corner at the origin, y grows southwards; a degree of latitude is 1.6 times longer
    assert projection.to_svg(0.0, 51.25) == (0.0, 0.0)
    assert projection.to_svg(0.5, 51.0) == (400.0, 0.25 * 800 * ASPECT)
    assert projection.height == pytest.approx(320.0)
    assert projection.to_lonlat(200, 160) == pytest.approx((0.25, 51.125))


def test_an_extent_without_size_is_refused():
    with pytest.raises(ValueError, match="extent with some size"):
        Projection(0.5, 51.0, 0.5, 51.2)


def test_the_extent_is_the_wards_padded_by_three_percent():
    wards = [MapArea("ward", "E1", "Castle", shapely.box(0.0, 51.0, 1.0, 52.0))]
    assert projection_of(wards).extent == pytest.approx((-0.03, 50.97, 1.03, 52.03))


@pytest.fixture
def medway_wards(tmp_path: Path, shared_data: Path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_wards.geojson")
        add_area(con, "Medway", [MEDWAY])
        yield con


def test_the_svg_of_the_medway_wards_names_every_ward_and_carries_its_extent(medway_wards):
    wards = partnership_wards(medway_wards)
    names = {w.name for w in wards}
    assert len(wards) == 24 and "Chatham Central & Brompton" in names, sorted(names)
    text = base_map_svg(wards).decode()
    assert text.count('<path id="draw-ward-') == len(wards)
    for name in names:
        assert f">{name.replace('&', '&amp;')}</text>" in text, name
    extent = [float(re.search(rf'data-{key}="([-0-9.]+)"', text).group(1))
              for key in ("min-lon", "min-lat", "max-lon", "max-lat")]
    assert extent == pytest.approx(list(projection_of(wards).extent), abs=1e-6)
    # Medway lies about 0.42 to 0.73 east, 51.32 to 51.49 north
    assert 0.3 < extent[0] < 0.5 and 0.65 < extent[2] < 0.8 and 51.2 < extent[1] < 51.4 and 51.4 < extent[3] < 51.6
    assert "style=" not in text  # the page's CSP (style-src 'self') would drop inline styles
    # every ward's centre, projected, lands inside the SVG drawn
    projection = projection_of(wards)
    for ward in wards:
        centre = ward.geometry.representative_point()
        x, y = projection.to_svg(centre.x, centre.y)
        assert 0 < x < projection.width and 0 < y < projection.height


def test_wards_outside_the_partnership_are_left_off(medway_wards):
    medway_wards.execute("update boundaries set lad_code = 'E06000099' where name = 'Strood Rural'")
    names = {w.name for w in partnership_wards(medway_wards)}
    assert "Strood Rural" not in names and len(names) == 23
