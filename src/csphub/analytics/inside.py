"""Crime and ASB inside an area (a PSPO's polygon) before and after a date, from the warehouse's
police.uk street-level points, like for like: the same calendar months of each year.

Plain Python (no Django): the caller passes the area as GeoJSON (WGS84) and the windows; the
points are read from ``street_crime`` through :func:`csphub.analytics.query.measure`, whose
errors name the measure and the SQL, and tested against the polygon with shapely (no DuckDB spatial extension). A warehouse
that is not there, or that lacks any of the months, is said to be so: a figure is never given
as zero for months that were not loaded.

Examples:
    >>> from pathlib import Path
    >>> import tempfile
    >>> from datetime import date
    >>> square = '{"type": "Polygon", "coordinates": [[[0,51],[1,51],[1,52],[0,52],[0,51]]]}'
    >>> result = before_after(Path(tempfile.mkdtemp()) / "none.duckdb", square,
    ...                       (date(2024, 1, 1), date(2024, 3, 1)), (date(2025, 1, 1), date(2025, 3, 1)))
    >>> result.available, result.reason
    (False, 'no warehouse has been loaded yet (run csphub ingest, or csphub demo)')
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import shapely
from shapely.geometry import shape

from csphub.analytics.query import measure
from csphub.change import percent_change
from csphub.dates import add_months

from .warehouse import open_warehouse

ASB = "Anti-social behaviour"


def months_in(first: date, last: date) -> list[date]:
    """First days of each month from ``first`` to ``last`` inclusive.

    Examples:
        >>> [m.isoformat() for m in months_in(date(2025, 11, 1), date(2026, 1, 1))]
        ['2025-11-01', '2025-12-01', '2026-01-01']
    """
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = add_months(month, 1)
    return found


@dataclass
class Window:
    first_month: date
    last_month: date
    crime: int = 0
    asb: int = 0

    @property
    def label(self) -> str:
        return f"{self.first_month:%b %Y} to {self.last_month:%b %Y}"


@dataclass
class BeforeAfter:
    """Crime (all types but ASB) and ASB inside the area in the two windows, or why not known."""

    available: bool
    reason: str = ""
    before: Window | None = None
    after: Window | None = None
    missing_months: list[date] = field(default_factory=list)

    @property
    def crime_change(self) -> float | None:
        return percent_change(self.after.crime, self.before.crime) if self.before and self.after else None

    @property
    def asb_change(self) -> float | None:
        return percent_change(self.after.asb, self.before.asb) if self.before and self.after else None

    def as_dict(self) -> dict[str, Any]:
        if not self.available or self.before is None or self.after is None:
            return {"available": False, "reason": self.reason,
                    "missing_months": [m.isoformat() for m in self.missing_months]}
        return {"available": True, "before": {"from": self.before.first_month.isoformat(),
                                               "to": self.before.last_month.isoformat(),
                                               "crime": self.before.crime, "asb": self.before.asb},
                "after": {"from": self.after.first_month.isoformat(), "to": self.after.last_month.isoformat(),
                          "crime": self.after.crime, "asb": self.after.asb},
                "crime_percent_change": self.crime_change, "asb_percent_change": self.asb_change}


def count_inside(con: duckdb.DuckDBPyConnection, area: Any, first: date, last: date) -> tuple[int, int]:
    """(crime, ASB) points inside ``area`` (a shapely geometry) for months ``first``..``last``."""
    minx, miny, maxx, maxy = area.bounds
    rows = measure(con, "pspo crime inside the area",
                 "select longitude, latitude, crime_type = ? from street_crime "
                 "where month between ? and ? and longitude between ? and ? and latitude between ? and ?",
                 [ASB, first, last, minx, maxx, miny, maxy])
    if not rows:
        return 0, 0
    shapely.prepare(area)
    covered = shapely.covers(area, shapely.points([(r[0], r[1]) for r in rows]))
    asb = sum(1 for row, inside in zip(rows, covered, strict=True) if inside and row[2])
    return int(covered.sum()) - asb, asb


def loaded_months(con: duckdb.DuckDBPyConnection, first: date, last: date) -> set[date]:
    rows = measure(con, "pspo months loaded", "select distinct month from street_crime where month between ? and ?",
                 [first, last])
    return {r[0] for r in rows}


def before_after(warehouse_path: Path, area_geojson: str, before: tuple[date, date], after: tuple[date, date]
                 ) -> BeforeAfter:
    """Crime and ASB inside the area in ``before`` and ``after`` (first days of months, inclusive)."""
    if not Path(warehouse_path).exists():
        return BeforeAfter(False, "no warehouse has been loaded yet (run csphub ingest, or csphub demo)")
    area = shape(json.loads(area_geojson))
    with open_warehouse(warehouse_path, read_only=True) as con:
        wanted = months_in(*before) + months_in(*after)
        loaded = loaded_months(con, before[0], before[1]) | loaded_months(con, after[0], after[1])
        missing = [m for m in wanted if m not in loaded]
        if missing:
            return BeforeAfter(False, "the warehouse has no police.uk street-level data for "
                               + ", ".join(f"{m:%b %Y}" for m in missing), missing_months=missing)
        windows = []
        for first, last in (before, after):
            crime, asb = count_inside(con, area, first, last)
            windows.append(Window(first, last, crime, asb))
    return BeforeAfter(True, before=windows[0], after=windows[1])


def last_loaded_month(warehouse_path: Path) -> date | None:
    """The latest month of police.uk street-level data in the warehouse (None if none)."""
    if not Path(warehouse_path).exists():
        return None
    with open_warehouse(warehouse_path, read_only=True) as con:
        rows = measure(con, "pspo last month loaded", "select max(month) from street_crime")
    return rows[0][0] if rows else None


def ward_area_geojson(warehouse_path: Path, ward_codes: Sequence[str]) -> tuple[str | None, list[str]]:
    """The union of the newest loaded boundaries of ``ward_codes`` as GeoJSON, and the codes not
    found (None when no warehouse or none found)."""
    if not Path(warehouse_path).exists():
        return None, list(ward_codes)
    with open_warehouse(warehouse_path, read_only=True) as con:
        rows = measure(con, "pspo ward area",
                     "select code, geometry_wkb from boundaries where kind = 'ward' and code in (select unnest(?)) "
                     "qualify row_number() over (partition by code order by vintage desc) = 1",
                     [list(ward_codes)])
    found = {code: shapely.from_wkb(wkb) for code, wkb in rows}
    missing = [c for c in ward_codes if c not in found]
    if not found:
        return None, missing
    return json.dumps(shapely.geometry.mapping(shapely.union_all(list(found.values())))), missing


def wards(warehouse_path: Path) -> list[tuple[str, str]]:
    """(code, name) of the newest loaded ward boundaries, for choosing an order's area."""
    if not Path(warehouse_path).exists():
        return []
    with open_warehouse(warehouse_path, read_only=True) as con:
        rows = measure(con, "pspo ward list",
                     "select code, coalesce(name, code) from boundaries where kind = 'ward' "
                     "qualify row_number() over (partition by code order by vintage desc) = 1 order by 2")
    return [(r[0], r[1]) for r in rows]
