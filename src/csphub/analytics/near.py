"""Crime and ASB near a point (a camera, a proposed camera) or in a ward, from the police.uk
rows in the warehouse; and the ward and LSOA a point lies in. Plain Python, no Django.

police.uk places each crime on an anonymous map point snapped to the nearest of a set of
points (a street, a park), so counts within a few hundred metres are approximate: good for
comparing a place before and after a camera, not for proving what a camera did.

"Before and after" is like for like: the same number of whole months on each side of the
month the camera was placed (that month itself is left out), as many as the warehouse has on
both sides, up to the number asked for.

Examples:
    >>> round(metres_between(-2.2848, 53.4645, -2.2848, 53.4654))
    100
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from csphub.analytics.query import measure

ASB = "Anti-social behaviour"
EARTH_RADIUS_M = 6_371_008.8


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


#: Points within ``radius`` metres of (lon, lat): a bounding box first (uses no index, but
#: keeps the trigonometry to the few rows nearby), then the haversine distance.
NEAR_SQL = """
    select count(*) filter (where crime_type <> ?) as crime,
           count(*) filter (where crime_type = ?) as asb
    from street_crime
    where month between ? and ?
      and longitude between ? and ? and latitude between ? and ?
      and 2 * {r} * asin(sqrt(pow(sin(radians(latitude - ?) / 2), 2)
            + cos(radians(?)) * cos(radians(latitude)) * pow(sin(radians(longitude - ?) / 2), 2))) <= ?
"""


@dataclass(frozen=True)
class Counts:
    crime: int
    asb: int
    first_month: date | None
    last_month: date | None
    months: int

    def as_dict(self) -> dict[str, Any]:
        return {"crime": self.crime, "asb": self.asb, "months": self.months,
                "from": self.first_month.isoformat() if self.first_month else None,
                "to": self.last_month.isoformat() if self.last_month else None}


def count_near(con: duckdb.DuckDBPyConnection, longitude: float, latitude: float, radius_m: float,
               first_month: date, last_month: date) -> Counts:
    """Crimes (every police.uk category but ASB) and ASB incidents within ``radius_m`` metres of
    the point, in the months from ``first_month`` to ``last_month`` inclusive."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    sql = NEAR_SQL.format(r=EARTH_RADIUS_M)
    rows = measure(con, "crime and ASB near a point", sql, [
        ASB, ASB, first_month, last_month, longitude - dlon, longitude + dlon, latitude - dlat, latitude + dlat,
        latitude, latitude, longitude, radius_m])
    crime, asb = rows[0]
    months = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
    return Counts(int(crime or 0), int(asb or 0), first_month, last_month, months)


def months_loaded(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The first and last month of police.uk street data in the warehouse."""
    rows = measure(con, "months loaded", "select min(month), max(month) from street_crime", [])
    return rows[0][0], rows[0][1]


@dataclass(frozen=True)
class BeforeAfter:
    before: Counts | None
    after: Counts | None
    months_each_side: int
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before.as_dict() if self.before else None,
                "after": self.after.as_dict() if self.after else None,
                "months_each_side": self.months_each_side, "note": self.note}


def before_after_near(con: duckdb.DuckDBPyConnection, longitude: float, latitude: float, radius_m: float,
                      placed_on: date, months: int = 12) -> BeforeAfter:
    """Crime and ASB within ``radius_m`` of the point for the same number of whole months
    before and after the month the camera was placed (at most ``months`` each side)."""
    first, last = months_loaded(con)
    if first is None or last is None:
        return BeforeAfter(None, None, 0, "no police.uk street data is loaded")
    placed = placed_on.replace(day=1)
    before_available = (placed.year - first.year) * 12 + placed.month - first.month
    after_available = (last.year - placed.year) * 12 + last.month - placed.month
    n = min(months, before_available, after_available)
    if n <= 0:
        return BeforeAfter(None, None, 0, f"the warehouse's street data ({first:%b %Y} to {last:%b %Y}) does not "
                           f"cover whole months on both sides of {placed:%B %Y}")
    before = count_near(con, longitude, latitude, radius_m, _add_months(placed, -n), _add_months(placed, -1))
    after = count_near(con, longitude, latitude, radius_m, _add_months(placed, 1), _add_months(placed, n))
    return BeforeAfter(before, after, n, f"{n} whole months each side of {placed:%B %Y}, which is left out")


def count_in_ward(con: duckdb.DuckDBPyConnection, ward_code: str, first_month: date, last_month: date) -> Counts | None:
    """Crime and ASB in a ward (through the ONS LSOA -> ward lookup of the ward's vintage);
    None when no lookup holds the ward."""
    vintage = measure(con, "ward vintage", "select max(ward_vintage) from lsoa_ward_lookup where ward_code = ?",
                     [ward_code])[0][0]
    if vintage is None:
        return None
    sql = """select count(*) filter (where s.crime_type <> ?), count(*) filter (where s.crime_type = ?)
             from street_crime s
             where s.month between ? and ?
               and s.lsoa_code in (select lsoa_code from lsoa_ward_lookup where ward_code = ? and ward_vintage = ?)"""
    crime, asb = measure(con, "crime and ASB in a ward", sql, [ASB, ASB, first_month, last_month, ward_code, vintage])[0]
    months = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
    return Counts(int(crime or 0), int(asb or 0), first_month, last_month, months)


def ward_names(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, tuple[str, str]]:
    """ward code -> (name, vintage) from the ONS lookups loaded (the newest vintage holding it)."""
    if not codes:
        return {}
    rows = measure(con, "ward names", """select ward_code, arg_max(ward_name, ward_vintage), max(ward_vintage)
                                        from lsoa_ward_lookup where ward_code in (select unnest(?)) group by 1""",
                  [list(codes)])
    return {code: (name or "", vintage) for code, name, vintage in rows}


@dataclass(frozen=True)
class Place:
    ward_code: str = ""
    ward_name: str = ""
    lsoa_code: str = ""


def place_points(con: duckdb.DuckDBPyConnection, points: list[tuple[float, float]]) -> list[Place]:
    """The ward (newest boundaries) and LSOA (newest boundaries) each (lon, lat) lies in; empty
    strings where no boundary loaded holds it."""
    import shapely

    out = [Place() for _ in points]
    if not points:
        return out
    found: dict[str, list[tuple[str, str]]] = {"ward": [("", "")] * len(points), "lsoa": [("", "")] * len(points)}
    geoms = shapely.points([p[0] for p in points], [p[1] for p in points])
    for kind in ("ward", "lsoa"):
        rows = measure(con, f"{kind} boundaries", """select code, coalesce(name, ''), geometry_wkb from boundaries
                      where kind = ? and vintage = (select max(vintage) from boundaries where kind = ?)
                      order by code""", [kind, kind])
        if not rows:
            continue
        tree = shapely.STRtree(shapely.from_wkb([r[2] for r in rows]))
        point_index, shape_index = tree.query(geoms, predicate="intersects")
        places = list(found[kind])
        for p, s in sorted(zip(point_index.tolist(), shape_index.tolist(), strict=True)):
            if not places[p][0]:
                places[p] = (rows[s][0], rows[s][1])
        found[kind] = places
    return [Place(w[0], w[1], lsoa[0]) for w, lsoa in zip(found["ward"], found["lsoa"], strict=True)]


def ward_outlines(con: duckdb.DuckDBPyConnection, bounds: tuple[float, float, float, float] | None = None
                  ) -> list[tuple[str, str, Any]]:
    """(code, name, shapely geometry) of the newest ward boundaries loaded, optionally only those
    meeting ``bounds`` (min lon, min lat, max lon, max lat)."""
    import shapely

    rows = measure(con, "ward outlines", """select code, coalesce(name, ''), geometry_wkb from boundaries
                  where kind = 'ward' and vintage = (select max(vintage) from boundaries where kind = 'ward')
                  order by code""", [])
    out = [(code, name, shapely.from_wkb(wkb)) for code, name, wkb in rows]
    if bounds is not None:
        box = shapely.box(*bounds)
        out = [o for o in out if o[2].intersects(box)]
    return out
