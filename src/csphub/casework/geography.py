"""The ward and LSOA of a casework location, from the warehouse's boundaries and postcode
directory (when loaded)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
    status, found = postcode_place(location.postcode) if given else (PostcodeStatus.NOT_GIVEN, None)
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


def postcode_place(postcode: str) -> tuple[str, PostcodePlace | None]:
    """(a PostcodeStatus, the postcode's place in the loaded directory or None).

    The one lookup casework locations and Daily Dial In entries share: "found" with the place,
    "not_found" (flag it, guess nothing), "no_directory" or "unavailable" (a busy or older
    warehouse) with None."""
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


@dataclass(frozen=True)
class PlacingReport:
    """What ``place_saved_locations`` did (or would do, on a dry run)."""

    placed: int
    still_unknown: int
    already_placed: int
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would be placed" if self.dry_run else "placed"
        return (f"{self.placed} location(s) {verb} from the postcode directory, {self.still_unknown} still "
                f"unknown (postcode not in the directory), {self.already_placed} already placed.")


#: What placing by postcode sets on a location.
PLACING_FIELDS = ("postcode", "postcode_status", "lsoa11_code", "lsoa21_code", "ward_code", "ward_name",
                  "postcode_latitude", "postcode_longitude")
#: The reason on the history row of a location placed after it was saved.
PLACED_REASON = "Placed from the postcode directory loaded after the location was saved"


def place_saved_locations(*, dry_run: bool = False) -> PlacingReport:
    """Place the locations saved with a postcode before the directory was loaded (or while it
    could not be read, or whose postcode it lacked then), with ``place_by_postcode``, as saving a
    location does. Each location placed gets a history row (the reason ``PLACED_REASON``) and an
    audit entry (ids only); a postcode still missing is flagged ``not_found``, never guessed. A
    second run places nothing. NotFoundError when no postcode directory is loaded.

    Examples:
        >>> print(place_saved_locations(dry_run=True))  # doctest: +SKIP
        12 location(s) would be placed from the postcode directory, 1 still unknown ...
    """
    from django.db import transaction

    from csphub.audit.services import Action, Channel, record
    from csphub.errors import NotFoundError

    from .models import Location, PostcodeStatus

    # An empty postcode finds nothing, so it only asks whether a directory can be read.
    if postcode_place("")[0] in (PostcodeStatus.NO_DIRECTORY, PostcodeStatus.UNAVAILABLE):
        raise NotFoundError("no postcode directory can be read: run `csphub geography load-postcodes FILE` first")
    with_postcode = Location.objects.filter(archived_on__isnull=True).exclude(postcode="")
    unplaced = with_postcode.exclude(postcode_status=PostcodeStatus.FOUND) | with_postcode.filter(
        lsoa11_code="", lsoa21_code="", ward_code="")
    already = with_postcode.count() - unplaced.count()
    placed = unknown = 0
    with transaction.atomic():
        for location in unplaced.order_by("pk").select_for_update():
            before = [getattr(location, name) for name in PLACING_FIELDS]
            place_by_postcode(location)
            found = location.postcode_status == PostcodeStatus.FOUND
            if [getattr(location, name) for name in PLACING_FIELDS] == before:
                # Nothing new: a postcode still missing, or one the directory holds without an LSOA.
                unknown, already = (unknown + 1, already) if not found else (unknown, already + 1)
                continue
            placed, unknown = (placed + 1, unknown) if found else (placed, unknown + 1)
            if dry_run:
                continue
            location._change_reason = PLACED_REASON
            location.save_by(None)
            record(None, Action.CHANGED, "location", location.pk, channel=Channel.CLI,
                   summary=f"placed by postcode: {location.postcode_status or 'not given'}")
    return PlacingReport(placed, unknown, already, dry_run)


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
