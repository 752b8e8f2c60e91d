"""The Daily Dial In's rules: pure functions, no database (tests/dialin).

- :func:`natural_key`: what makes an entry the same entry when it is sent again.
- :func:`place_key`: what makes two entries "the same place" for the repeat-location prompt.
- :func:`hotspot_wards`: which wards the morning view marks as hotspots.
- :func:`parse_csv_row`: one line of a CSV upload, or the problems with it (file, line, field).
- :func:`financial_quarter`: the quarter a committee paper counts an output in.
- :func:`parse_area`: a drawn area as GeoJSON or as "lon lat" vertices, checked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from csphub.errors import InputProblem

URGENCIES = ("routine", "priority", "urgent")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    """'me4 4tz' -> 'ME4 4TZ'; '' stays ''.

    Examples:
        >>> normalise_postcode(" me44tz "), normalise_postcode("")
        ('ME4 4TZ', '')
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return ""
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def natural_key(agency: str, reference: str, occurred_at: datetime, entry_type: str, address: str,
                postcode: str, account: str) -> str:
    """A digest naming an entry: the agency and its own reference when given (a partner's CAD
    number identifies the incident even if the account is edited), else the agency, time,
    type, place and account. Re-sending an entry gives the same key, so it is not added twice.

    Examples:
        >>> t = datetime(2026, 12, 1, 22, 30)
        >>> natural_key("Police", "CAD 123", t, "Noise", "", "", "a") == natural_key("police", "cad 123", t, "X", "", "", "b")
        True
        >>> natural_key("Police", "", t, "Noise", "1 High St", "", "a") == natural_key("Police", "", t, "Noise", "1 High St", "", "b")
        False
    """
    if reference.strip():
        parts = ["ref", agency.strip().lower(), reference.strip().lower()]
    else:
        parts = ["content", agency.strip().lower(), occurred_at.isoformat(timespec="minutes"), entry_type.strip().lower(),
                 " ".join(address.lower().split()), normalise_postcode(postcode), " ".join(account.lower().split())]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def place_key(address: str, postcode: str) -> str:
    """Two entries are at the same place when their addresses agree (case, spaces and
    punctuation ignored) and their postcodes do not differ; a postcode alone is not a place
    (a postcode covers ~15 homes). '' when no address is given.

    Examples:
        >>> place_key("12, Castle Street", "me1 1aa") == place_key("12 castle street", "ME11AA")
        True
        >>> place_key("", "ME1 1AA")
        ''
    """
    words = re.sub(r"[^a-z0-9]+", " ", (address or "").lower()).split()
    if not words:
        return ""
    return " ".join(words) + "|" + normalise_postcode(postcode)


@dataclass(frozen=True)
class HotspotRule:
    """A ward is a hotspot when it has at least ``min_entries`` entries in the last
    ``window_days`` days and at least ``factor`` times the mean of the wards with entries."""

    min_entries: int = 5
    window_days: int = 7
    factor: float = 2.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> HotspotRule:
        return cls(**{k: v for k, v in values.items() if k in ("min_entries", "window_days", "factor")})


def hotspot_wards(counts: Mapping[str, int], rule: HotspotRule | None = None) -> list[str]:
    """The wards whose counts make them hotspots, busiest first.

    Examples:
        >>> hotspot_wards({"River": 12, "Chatham Central": 3, "Rochester West": 2, "Strood North": 3})
        ['River']
        >>> hotspot_wards({"River": 4, "Strood North": 1})  # fewer than 5: not a hotspot
        []
    """
    rule = rule or HotspotRule()
    busy = {w: n for w, n in counts.items() if w and n > 0}
    if not busy:
        return []
    mean = sum(busy.values()) / len(busy)
    found = [w for w, n in busy.items() if n >= rule.min_entries and n >= rule.factor * mean]
    return sorted(found, key=lambda w: (-busy[w], w))


def financial_quarter(day: date) -> str:
    """The financial-year quarter of a day, as committee papers write it (April to March).

    Examples:
        >>> financial_quarter(date(2022, 5, 1)), financial_quarter(date(2023, 2, 28))
        ('2022/23 Q1', '2022/23 Q4')
    """
    start_year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return f"{start_year}/{(start_year + 1) % 100:02d} Q{quarter}"


# ---- One line of a CSV upload -----------------------------------------------------------------

CSV_COLUMNS = ("occurred_at", "type", "account", "address", "postcode", "latitude", "longitude", "urgency",
               "reference")
REQUIRED_COLUMNS = ("occurred_at", "type", "account")


@dataclass(frozen=True)
class EntryRow:
    """An entry as read from a CSV line or an API item, before it is saved."""

    occurred_at: datetime
    entry_type: str
    account: str
    address: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    urgency: str = "routine"
    reference: str = ""
    line: int | None = None


def _moment(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


def _coordinate(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def parse_csv_row(file: str, line: int, row: Mapping[str, str | None], known_types: Iterable[str]
                  ) -> EntryRow | list[InputProblem]:
    """The entry on one CSV line, or every problem with it (each naming file, line, field, value
    and what was expected).

    Examples:
        >>> row = {"occurred_at": "2026-12-01 22:30", "type": "Noise", "account": "Party", "postcode": "me4 4tz"}
        >>> parse_csv_row("log.csv", 2, row, ["Noise"]).postcode
        'ME4 4TZ'
        >>> [p.field for p in parse_csv_row("log.csv", 3, {"occurred_at": "yesterday", "type": "Fog"}, ["Noise"])]
        ['occurred_at', 'type', 'account']
    """
    value = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
    problems: list[InputProblem] = []
    types = {t.lower(): t for t in known_types}
    occurred = _moment(value["occurred_at"])
    if occurred is None:
        problems.append(InputProblem(file, line, "occurred_at", value["occurred_at"], "a date and time, e.g. 2026-12-01 22:30"))
    if value["type"].lower() not in types:
        problems.append(InputProblem(file, line, "type", value["type"], f"one of: {', '.join(sorted(types.values()))}"))
    if not value["account"]:
        problems.append(InputProblem(file, line, "account", value["account"], "a short account of what happened"))
    elif len(value["account"]) > 2000:
        problems.append(InputProblem(file, line, "account", value["account"][:40] + "...", "at most 2,000 characters"))
    postcode = normalise_postcode(value["postcode"])
    if postcode and not POSTCODE.match(postcode):
        problems.append(InputProblem(file, line, "postcode", value["postcode"], "a UK postcode, e.g. ME4 4TZ"))
    lat = lon = None
    if value["latitude"] or value["longitude"]:
        lat, lon = _coordinate(value["latitude"], 49.0, 61.0), _coordinate(value["longitude"], -8.7, 2.0)
        if lat is None:
            problems.append(InputProblem(file, line, "latitude", value["latitude"], "a latitude in Great Britain (49 to 61)"))
        if lon is None:
            problems.append(InputProblem(file, line, "longitude", value["longitude"], "a longitude in Great Britain (-8.7 to 2)"))
    urgency = value["urgency"].lower() or "routine"
    if urgency not in URGENCIES:
        problems.append(InputProblem(file, line, "urgency", value["urgency"], f"one of {', '.join(URGENCIES)}"))
    if problems:
        return problems
    assert occurred is not None
    return EntryRow(occurred_at=occurred, entry_type=types[value["type"].lower()], account=value["account"],
                    address=value["address"], postcode=postcode, latitude=lat, longitude=lon, urgency=urgency,
                    reference=value["reference"][:100], line=line)


# ---- A drawn area ---------------------------------------------------------------------------

def _geojson_geometry(raw: str, field: str) -> tuple[Any, list[list[Any]]]:
    from shapely.geometry import shape

    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"{field}: not valid GeoJSON ({e.msg}, line {e.lineno})") from e
    if data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise ValueError(f"{field}: a FeatureCollection must hold exactly one area, not {len(features)}")
        data = features[0]
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    try:
        return shape(data), _rings_of(data)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{field}: not a GeoJSON geometry ({e})") from e


def _vertices(raw: str, field: str) -> Any:
    from shapely.geometry import Polygon

    points = []
    for number, row in enumerate(raw.splitlines(), start=1):
        parts = row.replace(",", " ").split()
        if not parts:
            continue
        try:
            points.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError) as e:
            raise ValueError(f"{field}: vertex line {number} {row!r} is not 'lon lat'") from e
    if len(points) < 3:
        raise ValueError(f"{field}: a polygon needs at least 3 vertices, got {len(points)}")
    return Polygon(points)


def _rings_of(data: Any) -> list[list[Any]]:
    """The GeoJSON rings as written (before shapely closes them), for the checks shapely skips."""
    coordinates = data.get("coordinates") if isinstance(data, dict) else None
    if not isinstance(coordinates, list):
        return []
    polygons = coordinates if data.get("type") == "MultiPolygon" else [coordinates]
    return [ring for polygon in polygons if isinstance(polygon, list) for ring in polygon if isinstance(ring, list)]


def _check_rings(geometry: Any, written: list[list[Any]], field: str) -> None:
    for ring in written:
        if len(ring) >= 2 and list(ring[0]) != list(ring[-1]):
            raise ValueError(f"{field}: a GeoJSON ring must be closed (its last point the same as its first), "
                             f"but it starts at {ring[0]} and ends at {ring[-1]}")
    for polygon in getattr(geometry, "geoms", [geometry]):
        distinct = len(set(polygon.exterior.coords))
        if distinct < 3:
            raise ValueError(f"{field}: a polygon needs at least 3 distinct points, got {distinct}")


def _check_within(geometry: Any, within: tuple[float, float, float, float] | None, field: str) -> None:
    minx, miny, maxx, maxy = geometry.bounds
    if not (-8.7 <= minx and maxx <= 2.0 and 49.0 <= miny and maxy <= 61.0):
        raise ValueError(f"{field}: the area is not in Great Britain (longitude, latitude in WGS84 expected)")
    if within is not None:
        w_minx, w_miny, w_maxx, w_maxy = within
        if not (w_minx <= minx and maxx <= w_maxx and w_miny <= miny and maxy <= w_maxy):
            raise ValueError(f"{field}: the area reaches outside the partnership's wards (longitude "
                             f"{w_minx:.4f} to {w_maxx:.4f}, latitude {w_miny:.4f} to {w_maxy:.4f} expected)")


def parse_area(text: str, field: str = "area", *, within: tuple[float, float, float, float] | None = None
               ) -> dict[str, Any]:
    """A polygon as GeoJSON (a Polygon, MultiPolygon, Feature or FeatureCollection of one) or as
    vertices "lon lat" one per line (or "lon,lat"; the ring is closed for you); returns a GeoJSON
    geometry. A GeoJSON ring must be closed; every polygon needs 3 distinct points, must not cross
    itself, and must lie in Great Britain and, given ``within`` (min lon, min lat, max lon, max
    lat: the partnership's base map), inside that. ValueError naming the field and what was
    expected otherwise.

    Examples:
        >>> parse_area("0.52 51.38\\n0.53 51.38\\n0.53 51.39")["type"]
        'Polygon'
        >>> parse_area("0.52 51.38\\n0.53 51.38\\n0.53 51.39", within=(0.6, 51.3, 0.7, 51.4))
        Traceback (most recent call last):
        ...
        ValueError: area: the area reaches outside the partnership's wards (longitude 0.6000 to 0.7000, latitude 51.3000 to 51.4000 expected)
    """
    from shapely.geometry import mapping

    raw = (text or "").strip()
    if not raw:
        raise ValueError(f"{field}: draw or paste the area (GeoJSON, or 'lon lat' vertices one per line)")
    if raw.startswith("{"):
        geometry, written = _geojson_geometry(raw, field)
    else:
        geometry, written = _vertices(raw, field), []
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"{field}: expected a polygon, got a {geometry.geom_type}")
    _check_rings(geometry, written, field)
    _check_within(geometry, within, field)
    if not geometry.is_valid or geometry.area == 0:
        raise ValueError(f"{field}: the polygon crosses itself or has no area")
    return json.loads(json.dumps(mapping(geometry)))
