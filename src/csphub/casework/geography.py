"""The ward and LSOA of a casework location, from the warehouse's boundaries and postcode
directory (when loaded)."""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from csphub.analytics.geography import ward_for_point
from csphub.analytics.postcodes import (
    PostcodePlace,
    has_directory,
    lookup_postcode,
    normalise_postcode,
)
from csphub.analytics.warehouse import open_warehouse
from csphub.settings import load_settings

log = logging.getLogger(__name__)


def ward_for(latitude: float | None, longitude: float | None) -> tuple[str, str]:
    """(ward code, ward name) containing the point, or ("", "") if unknown.

    A missing warehouse or boundaries is not an error: the location is saved without a ward,
    and the page says so; the ward is then filled when boundaries are loaded."""
    if latitude is None or longitude is None:
        return "", ""
    path = load_settings().warehouse_path
    if not path.exists():
        return "", ""
    try:
        with open_warehouse(path, read_only=True) as con:
            found = ward_for_point(con, longitude, latitude)
    except duckdb.Error as e:  # a busy or older warehouse must not stop casework
        log.warning("ward lookup failed for %s,%s: %s", latitude, longitude, e)
        return "", ""
    return found or ("", "")


def place_by_postcode(location: Any) -> None:
    """Fill a location's LSOA, ward and postcode centre from the loaded postcode directory.

    The postcode is normalised (upper case, one space). Typed coordinates keep deciding the
    ward (the boundaries are finer than a postcode's centre); the postcode still gives the LSOA
    and its status. A postcode the directory lacks is flagged, and nothing is guessed: the
    LSOA and postcode centre are cleared, and without coordinates so is the ward."""
    from .models import PostcodeStatus

    given = location.postcode.strip()
    location.postcode = normalise_postcode(given) or given.upper()
    status, found = _directory_place(location.postcode) if given else (PostcodeStatus.NOT_GIVEN, None)
    location.postcode_status = status
    location.lsoa11_code = found.lsoa11_code if found else ""
    location.lsoa21_code = found.lsoa21_code if found else ""
    location.postcode_latitude = found.latitude if found else None
    location.postcode_longitude = found.longitude if found else None
    if location.latitude is not None and location.longitude is not None:
        location.ward_code, location.ward_name = ward_for(location.latitude, location.longitude)
    elif found is not None:
        location.ward_code, location.ward_name = found.ward_code, found.ward_name
    else:
        location.ward_code, location.ward_name = "", ""


def _directory_place(postcode: str) -> tuple[str, PostcodePlace | None]:
    from .models import PostcodeStatus

    path = load_settings().warehouse_path
    if not path.exists():
        return PostcodeStatus.NO_DIRECTORY, None
    try:
        with open_warehouse(path, read_only=True) as con:
            if not has_directory(con):
                return PostcodeStatus.NO_DIRECTORY, None
            found = lookup_postcode(con, postcode)
    except duckdb.Error as e:  # a busy or older warehouse must not stop casework
        log.warning("postcode lookup failed for a location: %s", e)
        return PostcodeStatus.UNAVAILABLE, None
    return (PostcodeStatus.FOUND, found) if found else (PostcodeStatus.NOT_FOUND, None)


NO_BOUNDARIES = "No map: boundaries not loaded for this place."
NO_POINT = "No map: the place has no coordinates and its postcode is not in the loaded directory."


def map_of(location: Any, image_format: str = "svg") -> tuple[bytes | None, str]:
    """(the map of the location, or None; what to say instead when there is none).

    Drawn from the ward and LSOA boundaries loaded; a missing or busy warehouse, or boundaries
    that do not reach the place, give no map and a sentence saying why, never an error."""
    from csphub.analytics.maps import map_of_point

    point = location.point
    if point is None:
        return None, NO_POINT
    path = load_settings().warehouse_path
    if not path.exists():
        return None, NO_BOUNDARIES
    try:
        with open_warehouse(path, read_only=True) as con:
            drawn = map_of_point(con, point[0], point[1], image_format=image_format)
    except duckdb.Error as e:
        log.warning("map of location %s failed: %s", location.pk, e)
        return None, "No map: the boundaries could not be read just now."
    return (drawn.image, "") if drawn else (None, NO_BOUNDARIES)


def can_map(location: Any) -> str:
    """"" when a map of the location can be drawn, else the sentence the page shows instead."""
    from csphub.analytics.maps import areas_around

    point = location.point
    if point is None:
        return NO_POINT
    path = load_settings().warehouse_path
    if not path.exists():
        return NO_BOUNDARIES
    try:
        with open_warehouse(path, read_only=True) as con:
            return "" if areas_around(con, point[0], point[1]) else NO_BOUNDARIES
    except duckdb.Error as e:
        log.warning("map check of location %s failed: %s", location.pk, e)
        return "No map: the boundaries could not be read just now."
