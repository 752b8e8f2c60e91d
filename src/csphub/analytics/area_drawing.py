"""The base map an area is drawn on: the partnership's ward boundaries, with their names, as a
plain SVG written here (no map tiles, no matplotlib styles), and the projection that turns a
click on it back into longitude and latitude. Plain Python, no Django.

The projection is the one :mod:`csphub.analytics.maps` draws with: longitude and latitude as
straight axes, one degree of latitude drawn 1.6 times as long as one of longitude (roughly true
shape at English latitudes), the wards' extent padded by 3%. The SVG carries the extent and its
size as ``data-`` attributes so the page's script can do the same sum backwards.

The SVG uses presentation attributes only (``fill``, ``stroke``), never ``style``: the site's
Content-Security-Policy (``style-src 'self'``) would drop inline styles once the SVG is placed
in the page.

Examples:
    >>> p = Projection(0.40, 51.30, 0.70, 51.50, width=800)
    >>> x, y = p.to_svg(0.55, 51.40)
    >>> [round(v, 6) for v in p.to_lonlat(x, y)]
    [0.55, 51.4]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

import duckdb

from csphub.analytics.maps import WARD_COLOUR, MapArea, newest_wards

#: One degree of latitude is drawn this many times as long as one of longitude (as in maps.py).
ASPECT = 1.6
#: How far past the wards the map reaches, as a share of their size (as the ward map in maps.py).
PAD = 0.03
#: The base map's width in SVG units; its height follows from the extent and ASPECT.
WIDTH = 800
#: Outlines are simplified to this many degrees (about 10 m): the map is for pointing, not surveying.
SIMPLIFY = 0.0001
WARD_FILL, LABEL_COLOUR = "#f3f2f1", "#0b0c0c"


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG x/y (y down) over an extent, and back.

    Examples:
        >>> p = Projection(0.0, 51.0, 1.0, 52.0, width=100)
        >>> p.height, p.to_svg(0.0, 52.0), p.to_svg(1.0, 51.0)
        (160.0, (0.0, 0.0), (100.0, 160.0))
    """

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    width: float = WIDTH

    def __post_init__(self) -> None:
        if not (self.max_lon > self.min_lon and self.max_lat > self.min_lat and self.width > 0):
            raise ValueError(f"a projection needs an extent with some size, got {self.extent}")

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return self.min_lon, self.min_lat, self.max_lon, self.max_lat

    @property
    def scale(self) -> float:
        """SVG units per degree of longitude."""
        return self.width / (self.max_lon - self.min_lon)

    @property
    def height(self) -> float:
        return (self.max_lat - self.min_lat) * self.scale * ASPECT

    def to_svg(self, longitude: float, latitude: float) -> tuple[float, float]:
        return ((longitude - self.min_lon) * self.scale, (self.max_lat - latitude) * self.scale * ASPECT)

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        return (self.min_lon + x / self.scale, self.max_lat - y / (self.scale * ASPECT))

    def contains(self, longitude: float, latitude: float) -> bool:
        return self.min_lon <= longitude <= self.max_lon and self.min_lat <= latitude <= self.max_lat


def projection_of(wards: list[MapArea], width: float = WIDTH) -> Projection:
    """The projection over the wards' extent, padded by :data:`PAD`."""
    import shapely

    if not wards:
        raise ValueError("a base map needs at least one ward")
    min_x, min_y, max_x, max_y = shapely.union_all([w.geometry for w in wards]).bounds
    pad_x, pad_y = (max_x - min_x) * PAD, (max_y - min_y) * PAD
    return Projection(min_x - pad_x, min_y - pad_y, max_x + pad_x, max_y + pad_y, width)


def partnership_wards(con: duckdb.DuckDBPyConnection) -> list[MapArea]:
    """The newest ward boundaries in the partnership's local authority districts (every area
    defined with ``csphub area add``); every ward of the newest vintage when no area is defined."""
    lads = {row[0] for row in con.execute("select distinct lad_code from areas").fetchall()}
    if not lads:
        return newest_wards(con)
    codes = {row[0] for row in con.execute(
        "select code from boundaries where kind = 'ward' and lad_code in (select unnest(?))", [sorted(lads)]
    ).fetchall()}
    return newest_wards(con, codes) if codes else newest_wards(con)


def _path(geometry: Any, projection: Projection) -> str:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [projection.to_svg(x, y) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def base_map_svg(wards: list[MapArea], *, title: str = "Ward boundaries to draw an area on") -> bytes:
    """The wards as an SVG: each an outlined shape with its name as a tooltip (``<title>``) and a
    label at its centre; the extent and size as ``data-min-lon`` ... ``data-width`` attributes.

    Examples:
        >>> import shapely
        >>> wards = [MapArea("ward", "E1", "Castle", shapely.box(0, 51, 1, 52))]
        >>> text = base_map_svg(wards).decode()
        >>> 'id="draw-ward-E1"' in text, '>Castle</text>' in text, 'data-min-lon="-0.03"' in text
        (True, True, True)
    """
    from xml.sax.saxutils import escape

    projection = projection_of(wards)
    width, height = projection.width, projection.height
    data = " ".join(f"data-{name}={quoteattr(repr(round(value, 7)))}" for name, value in (
        ("min-lon", projection.min_lon), ("min-lat", projection.min_lat), ("max-lon", projection.max_lon),
        ("max-lat", projection.max_lat), ("width", width), ("height", height), ("aspect", ASPECT)))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
           f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label={quoteattr(title)} '
           f'class="csphub-draw-map__svg" {data}>',
           f"<title>{escape(title)}</title>", '<g id="draw-wards">']
    for ward in wards:
        outline = ward.geometry.simplify(SIMPLIFY, preserve_topology=True)
        out.append(f'<path id={quoteattr("draw-ward-" + ward.code)} d="{_path(outline, projection)}" '
                   f'fill="{WARD_FILL}" stroke="{WARD_COLOUR}" stroke-width="1" fill-rule="evenodd">'
                   f"<title>{escape(ward.name or ward.code)}</title></path>")
    out.append('</g><g id="draw-ward-names" pointer-events="none">')
    for ward in wards:
        centre = ward.geometry.representative_point()
        x, y = projection.to_svg(centre.x, centre.y)
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" font-size="11" text-anchor="middle" '
                   f'fill="{LABEL_COLOUR}">{escape(ward.name or ward.code)}</text>')
    out.append(f'</g><text x="4" y="{height - 4:.1f}" font-family="sans-serif" font-size="10" fill="#505a5f">'
               "Boundaries: ONS (OGL v3.0).</text></svg>")
    return "".join(out).encode()


def partnership_extent(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float, float] | None:
    """The extent of the base map (min lon, min lat, max lon, max lat); None with no wards loaded."""
    wards = partnership_wards(con)
    return projection_of(wards).extent if wards else None
