"""A small static map of one place: the point over its ward and LSOA boundaries, drawn locally
with matplotlib from the boundaries loaded (no map tiles, nothing downloaded). Plain Python, no
Django.

The map shows the ward holding the point (outlined), the 2021 LSOAs around it (thin lines) with
the one holding the point shaded, and the point itself. Without boundaries near the point there
is no map (:func:`areas_around` returns nothing) and the caller says so.

Examples:
    >>> import shapely
    >>> ward = MapArea("ward", "E05000001", "Riverside", shapely.box(0.50, 51.38, 0.56, 51.40))
    >>> drawn = location_map((0.53, 51.39), [ward])
    >>> drawn.image.startswith(b"<?xml"), drawn.contains(0.53, 51.39)
    (True, True)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import duckdb

#: GOV.UK colours: the ward outline, the LSOAs, the LSOA holding the point, the point.
WARD_COLOUR, LSOA_COLOUR, HOME_FILL, POINT_COLOUR = "#0b0c0c", "#b1b4b6", "#d2e2f1", "#d4351c"
#: How far past the areas drawn the map reaches, as a share of their size.
MARGIN = 0.08


@dataclass(frozen=True)
class MapArea:
    """One boundary to draw: kind ('ward' or 'lsoa'), code, name and a shapely geometry (WGS84)."""

    kind: str
    code: str
    name: str
    geometry: Any


@dataclass(frozen=True)
class DrawnMap:
    """The image (SVG text or PNG bytes), its format and the extent drawn (min lon, min lat,
    max lon, max lat)."""

    image: bytes
    format: str
    extent: tuple[float, float, float, float]

    def contains(self, longitude: float, latitude: float) -> bool:
        min_x, min_y, max_x, max_y = self.extent
        return min_x <= longitude <= max_x and min_y <= latitude <= max_y

    @property
    def content_type(self) -> str:
        return "image/svg+xml" if self.format == "svg" else "image/png"


def _newest(con: duckdb.DuckDBPyConnection, kind: str) -> str | None:
    row = con.execute("select max(vintage) from boundaries where kind = ?", [kind]).fetchone()
    return row[0] if row else None


def areas_around(con: duckdb.DuckDBPyConnection, longitude: float, latitude: float) -> list[MapArea]:
    """The newest ward holding the point and the LSOAs meeting that ward (or, outside every ward
    loaded, the LSOA holding the point); [] when no boundary loaded holds the point."""
    import shapely

    point = shapely.Point(longitude, latitude)
    out: list[MapArea] = []
    ward_vintage, lsoa_vintage = _newest(con, "ward"), _newest(con, "lsoa")
    if ward_vintage is not None:
        for code, name, wkb in con.execute(
                "select code, coalesce(name, ''), geometry_wkb from boundaries where kind = 'ward' and vintage = ?",
                [ward_vintage]).fetchall():
            geometry = shapely.from_wkb(wkb)
            if geometry.covers(point):
                out.append(MapArea("ward", code, name, geometry))
                break
    if lsoa_vintage is not None:
        reach = out[0].geometry if out else point
        for code, name, wkb in con.execute(
                "select code, coalesce(name, ''), geometry_wkb from boundaries where kind = 'lsoa' and vintage = ?",
                [lsoa_vintage]).fetchall():
            geometry = shapely.from_wkb(wkb)
            if geometry.intersects(reach) and (not out or geometry.intersection(reach).area > 0 or
                                               geometry.covers(point)):
                out.append(MapArea("lsoa", code, name, geometry))
    return out


def _rings(geometry: Any) -> list[Any]:
    return [polygon.exterior for polygon in getattr(geometry, "geoms", [geometry]) if hasattr(polygon, "exterior")]


def _extent(point: tuple[float, float], areas: list[MapArea]) -> tuple[float, float, float, float]:
    import shapely

    wards = [a.geometry for a in areas if a.kind == "ward"]
    shown = wards or [a.geometry for a in areas] or [shapely.Point(point).buffer(0.005)]
    min_x, min_y, max_x, max_y = shapely.union_all([*shown, shapely.Point(point)]).bounds
    pad_x, pad_y = max((max_x - min_x) * MARGIN, 0.001), max((max_y - min_y) * MARGIN, 0.001)
    return min_x - pad_x, min_y - pad_y, max_x + pad_x, max_y + pad_y


def location_map(point: tuple[float, float], areas: list[MapArea], *, image_format: str = "svg",
                 title: str = "") -> DrawnMap:
    """Draw the point (longitude, latitude) over the areas; SVG (default) or PNG."""
    import shapely
    from matplotlib.figure import Figure  # no pyplot: no global state shared by web threads

    if image_format not in ("svg", "png"):
        raise ValueError(f"a map is drawn as svg or png, not {image_format!r}")
    here = shapely.Point(point)
    extent = _extent(point, areas)
    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_axes((0.0, 0.06, 1.0, 0.94 if not title else 0.86))
    ax.set_gid("map-area")
    for area in sorted(areas, key=lambda a: a.kind != "lsoa"):  # LSOAs under the ward outline
        for ring in _rings(area.geometry):
            x, y = ring.xy
            if area.kind == "lsoa":
                if area.geometry.covers(here):
                    ax.fill(x, y, color=HOME_FILL, zorder=1, gid=f"lsoa-{area.code}-shaded")
                ax.plot(x, y, color=LSOA_COLOUR, linewidth=0.5, zorder=2, gid=f"lsoa-{area.code}")
            else:
                ax.plot(x, y, color=WARD_COLOUR, linewidth=1.4, zorder=3, gid=f"ward-{area.code}")
    ax.scatter([point[0]], [point[1]], s=40, c=POINT_COLOUR, edgecolors="white", linewidths=1.0, zorder=4,
               gid="location-point")
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect(1.6)  # roughly true shape at English latitudes
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)
    wards = [a.name for a in areas if a.kind == "ward" and a.name]
    caption = (f"Ward: {wards[0]}. " if wards else "") + "Boundaries: ONS (OGL v3.0)."
    figure.text(0.01, 0.01, caption, fontsize=6, color="#505a5f")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, metadata={"Date": None} if image_format == "svg" else None)
    return DrawnMap(buffer.getvalue(), image_format, extent)


def map_of_point(con: duckdb.DuckDBPyConnection, longitude: float, latitude: float, *,
                 image_format: str = "svg", title: str = "") -> DrawnMap | None:
    """The map of a point from the boundaries in the warehouse; None when none holds it."""
    areas = areas_around(con, longitude, latitude)
    if not areas:
        return None
    return location_map((longitude, latitude), areas, image_format=image_format, title=title)
