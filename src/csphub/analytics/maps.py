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


@dataclass(frozen=True)
class Boundaries:
    """The newest ward and LSOA boundaries loaded, parsed once (:func:`load_boundaries`), to
    find the areas around any number of points (:func:`areas_in`) without reading the
    warehouse again."""

    wards: tuple[MapArea, ...]
    lsoas: tuple[MapArea, ...]


def load_boundaries(con: duckdb.DuckDBPyConnection) -> Boundaries:
    """The newest vintage of ward and of LSOA boundaries in the warehouse, parsed and prepared."""
    import shapely

    found: dict[str, tuple[MapArea, ...]] = {}
    for kind in ("ward", "lsoa"):
        vintage = _newest(con, kind)
        rows = [] if vintage is None else con.execute(
            "select code, coalesce(name, ''), geometry_wkb from boundaries where kind = ? and vintage = ?",
            [kind, vintage]).fetchall()
        areas = tuple(MapArea(kind, code, name, shapely.from_wkb(wkb)) for code, name, wkb in rows)
        if areas:
            shapely.prepare([a.geometry for a in areas])  # faster covers/intersects, same answers
        found[kind] = areas
    return Boundaries(found["ward"], found["lsoa"])


def areas_in(boundaries: Boundaries, longitude: float, latitude: float) -> list[MapArea]:
    """The newest ward holding the point and the LSOAs meeting that ward (or, outside every ward
    loaded, the LSOA holding the point); [] when no boundary loaded holds the point."""
    import shapely

    point = shapely.Point(longitude, latitude)
    out: list[MapArea] = []
    for ward in boundaries.wards:
        if ward.geometry.covers(point):
            out.append(ward)
            break
    if boundaries.lsoas:
        reach = out[0].geometry if out else point
        for lsoa in boundaries.lsoas:
            geometry = lsoa.geometry
            if geometry.intersects(reach) and (not out or geometry.intersection(reach).area > 0 or
                                               geometry.covers(point)):
                out.append(lsoa)
    return out


def holds_point(boundaries: Boundaries, longitude: float, latitude: float) -> bool:
    """Whether :func:`areas_in` would find any area for the point, without finding them all: a
    ward holding it, or an LSOA meeting it (what the case page asks before offering a map)."""
    import shapely

    point = shapely.Point(longitude, latitude)
    return (any(ward.geometry.covers(point) for ward in boundaries.wards)
            or any(lsoa.geometry.intersects(point) for lsoa in boundaries.lsoas))


def areas_around(con: duckdb.DuckDBPyConnection, longitude: float, latitude: float) -> list[MapArea]:
    """:func:`areas_in` the boundaries in the warehouse, read now."""
    return areas_in(load_boundaries(con), longitude, latitude)


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


# ---- Wards shaded by a figure, with points on them (e.g. engagement events) -------------------

#: Light to dark blue (GOV.UK blue tints): the ward shading; grey for a ward without a figure.
SHADES = ("#e8f1f8", "#bcd4ea", "#8eb8dc", "#5694ca", "#1d70b8", "#003078")
NO_FIGURE = "#f3f2f1"


def newest_wards(con: duckdb.DuckDBPyConnection, codes: set[str] | None = None) -> list[MapArea]:
    """The wards of the newest vintage loaded (only those in ``codes`` when given); [] when no
    ward boundaries are loaded."""
    import shapely

    vintage = _newest(con, "ward")
    if vintage is None:
        return []
    rows = con.execute("select code, coalesce(name, ''), geometry_wkb from boundaries "
                       "where kind = 'ward' and vintage = ? order by code", [vintage]).fetchall()
    return [MapArea("ward", code, name, shapely.from_wkb(wkb)) for code, name, wkb in rows
            if codes is None or code in codes]


def shade_bands(values: list[int], bands: int = len(SHADES)) -> list[int]:
    """Upper bounds of equal-width bands from 0 to the largest value (at most ``bands``).

    Examples:
        >>> shade_bands([0, 30, 60, 90, 120, 150, 180])
        [30, 60, 90, 120, 150, 180]
        >>> shade_bands([])
        []
    """
    top = max(values, default=0)
    if top <= 0:
        return [0] if values else []
    step = max(1, -(-top // bands))
    return [step * n for n in range(1, bands + 1) if step * (n - 1) < top]


def _band(value: int, bounds: list[int]) -> int:
    return next(n for n, bound in enumerate(bounds) if value <= bound or n == len(bounds) - 1)


@dataclass(frozen=True)
class MapPoint:
    """A marker: where (longitude, latitude), how many things it stands for, and its label."""

    longitude: float
    latitude: float
    count: int = 1
    label: str = ""


def ward_map(wards: list[MapArea], values: dict[str, int], points: list[MapPoint], *, value_label: str,
             point_label: str, image_format: str = "svg") -> DrawnMap:
    """The wards shaded by ``values`` (by ward code; a ward without a value is grey), each ward's
    name at its centre, and the points on top (sized by their count); the legend sits below the
    map, off the data.

    Examples:
        >>> import shapely
        >>> wards = [MapArea("ward", "E1", "Castle", shapely.box(0, 51, 1, 52)),
        ...          MapArea("ward", "E2", "Quay", shapely.box(1, 51, 2, 52))]
        >>> drawn = ward_map(wards, {"E1": 40}, [MapPoint(0.5, 51.5, 2)], value_label="Crime and ASB",
        ...                  point_label="Events")
        >>> text = drawn.image.decode()
        >>> 'id="ward-E1-band-5"' in text, 'id="ward-E2-no-figure"' in text, "Castle" in text
        (True, True, True)
    """
    import shapely
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if image_format not in ("svg", "png"):
        raise ValueError(f"a map is drawn as svg or png, not {image_format!r}")
    if not wards:
        raise ValueError("a ward map needs at least one ward")
    bounds = shade_bands([values[w.code] for w in wards if w.code in values])
    figure = Figure(figsize=(7, 7.6), dpi=100)
    ax = figure.add_axes((0.0, 0.22, 1.0, 0.78))
    ax.set_gid("map-area")
    for ward in wards:
        value = values.get(ward.code)
        colour = NO_FIGURE if value is None else SHADES[_band(value, bounds)]
        gid = f"ward-{ward.code}-no-figure" if value is None else f"ward-{ward.code}-band-{_band(value, bounds)}"
        for ring in _rings(ward.geometry):
            x, y = ring.xy
            ax.fill(x, y, facecolor=colour, edgecolor=WARD_COLOUR, linewidth=0.6, zorder=1, gid=gid)
        centre = ward.geometry.representative_point()
        dark = value is not None and _band(value, bounds) >= 3
        ax.text(centre.x, centre.y, ward.name, fontsize=5.5, ha="center", va="center", zorder=3,
                color="#ffffff" if dark else "#0b0c0c", gid=f"ward-{ward.code}-name")
    if points:
        ax.scatter([p.longitude for p in points], [p.latitude for p in points],
                   s=[30 + 18 * min(p.count, 10) for p in points], c=POINT_COLOUR, edgecolors="white",
                   linewidths=1.0, zorder=4, gid="map-points")
        for p in points:
            if p.count > 1:
                ax.text(p.longitude, p.latitude, str(p.count), fontsize=6, color="white", ha="center",
                        va="center", zorder=5, fontweight="bold")
    min_x, min_y, max_x, max_y = shapely.union_all([w.geometry for w in wards]).bounds
    pad_x, pad_y = (max_x - min_x) * 0.03, (max_y - min_y) * 0.03
    ax.set_xlim(min_x - pad_x, max_x + pad_x)
    ax.set_ylim(min_y - pad_y, max_y + pad_y)
    ax.set_aspect(1.6)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles: list[Artist] = [Patch(facecolor=SHADES[n], edgecolor=WARD_COLOUR, linewidth=0.5,
                     label=f"{(bounds[n - 1] + 1) if n else 0} to {bound}") for n, bound in enumerate(bounds)]
    handles.append(Patch(facecolor=NO_FIGURE, edgecolor=WARD_COLOUR, linewidth=0.5, label="no figure"))
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=POINT_COLOUR, markeredgecolor="white",
                          markersize=8, label=point_label))
    legend = figure.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.035), ncol=3, fontsize=7,
                           frameon=False, title=value_label, title_fontsize=7.5, alignment="left")
    legend.set_gid("map-legend")
    figure.text(0.01, 0.01, "Boundaries: ONS (OGL v3.0). Crime and ASB: data.police.uk (OGL v3.0).", fontsize=6,
                color="#505a5f")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, metadata={"Date": None} if image_format == "svg" else None)
    return DrawnMap(buffer.getvalue(), image_format, (min_x, min_y, max_x, max_y))


def message_svg(message: str) -> bytes:
    """A small SVG saying why there is no map, so a map address always answers with an image."""
    from xml.sax.saxutils import escape

    return ('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60" role="img">'
            f'<title>{escape(message)}</title><text x="8" y="34" font-family="sans-serif" font-size="13" '
            f'fill="#505a5f">{escape(message)}</text></svg>').encode()
