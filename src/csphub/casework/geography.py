"""The ward and LSOA of a casework location, from the warehouse's boundaries and postcode
directory (when loaded)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from csphub.analytics.maps import Boundaries

log = logging.getLogger(__name__)


class PlaceLookup:
    """The warehouse opened once, read only, to place any number of addresses: the loaded
    postcode directory and boundaries (``open_place_lookup``). Saving one location opens one;
    ``csphub geography place-locations`` opens one for the whole run.

    ``status`` is "" when the directory can be read, else what every postcode looked up gets:
    PostcodeStatus.NO_DIRECTORY or UNAVAILABLE (a busy or older warehouse)."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None, status: str) -> None:
        self.con, self.status = con, status

    def postcode(self, postcode: str) -> tuple[str, PostcodePlace | None]:
        """(a PostcodeStatus, the postcode's place or None): "found" with the place, "not_found"
        (flag it, guess nothing), "no_directory" or "unavailable" with None."""
        from .models import PostcodeStatus

        if self.status or self.con is None:
            return self.status or PostcodeStatus.NO_DIRECTORY, None
        try:
            found = lookup_postcode(self.con, postcode)
        except duckdb.Error as e:  # a busy or older warehouse must not stop casework
            log.warning("postcode lookup failed for a location: %s", e)
            return PostcodeStatus.UNAVAILABLE, None
        return (PostcodeStatus.FOUND, found) if found else (PostcodeStatus.NOT_FOUND, None)

    def ward(self, latitude: float | None, longitude: float | None) -> tuple[str, str]:
        """(ward code, ward name) of the loaded boundaries containing the point, or ("", "")."""
        if latitude is None or longitude is None or self.con is None:
            return "", ""
        try:
            found = ward_for_point(self.con, longitude, latitude)
        except duckdb.Error as e:  # a busy or older warehouse must not stop casework
            log.warning("ward lookup failed for %s,%s: %s", latitude, longitude, e)
            return "", ""
        return found or ("", "")


@contextmanager
def open_place_lookup() -> Iterator[PlaceLookup]:
    """Open the warehouse once for placing addresses; a missing or unreadable warehouse is not
    an error (its status says so, and addresses are saved without a ward).

    Examples:
        >>> with open_place_lookup() as lookup:  # doctest: +SKIP
        ...     lookup.postcode("ME7 1AA")[0]
        'found'
    """
    from .models import PostcodeStatus

    path = load_settings().warehouse_path
    if not path.exists():
        yield PlaceLookup(None, PostcodeStatus.NO_DIRECTORY)
        return
    with ExitStack() as stack:
        con: duckdb.DuckDBPyConnection | None
        try:
            con = stack.enter_context(open_warehouse(path, read_only=True))
            status = "" if has_directory(con) else PostcodeStatus.NO_DIRECTORY
        except duckdb.Error as e:  # a busy or older warehouse must not stop casework
            log.warning("the warehouse could not be read to place an address: %s", e)
            con, status = None, PostcodeStatus.UNAVAILABLE
        yield PlaceLookup(con, status)


@dataclass(frozen=True)
class Placing:
    """Where an address is, by its postcode and map point (``place``)."""

    postcode_status: str
    found: PostcodePlace | None
    ward_code: str
    ward_name: str


def place(postcode: str, latitude: float | None, longitude: float | None, lookup: PlaceLookup) -> Placing:
    """The one placing rule casework locations and Daily Dial In entries share, with an open
    lookup: a map point decides the ward (the boundaries are finer than a postcode's centre);
    without one, the directory's ward for the postcode. The postcode still gives its status and
    place; a postcode the directory lacks is flagged and nothing is guessed."""
    from .models import PostcodeStatus

    status, found = lookup.postcode(postcode) if postcode else (PostcodeStatus.NOT_GIVEN, None)
    if latitude is not None and longitude is not None:
        ward_code, ward_name = lookup.ward(latitude, longitude)
    elif found is not None:
        ward_code, ward_name = found.ward_code, found.ward_name
    else:
        ward_code, ward_name = "", ""
    return Placing(status, found, ward_code, ward_name)


def place_by_postcode(location: Any) -> None:
    """Fill a location's LSOA, ward and postcode centre from the loaded postcode directory
    (opening the warehouse for this one location; ``place_location`` with an open lookup)."""
    with open_place_lookup() as lookup:
        place_location(location, lookup)


def place_location(location: Any, lookup: PlaceLookup) -> None:
    """Fill a location's LSOA, ward and postcode centre from an open lookup (``place``).

    The postcode is normalised (upper case, one space). Typed coordinates keep deciding the
    ward; the postcode still gives the LSOA and its status. A postcode the directory lacks is
    flagged, and nothing is guessed: the LSOA and postcode centre are cleared, and without
    coordinates so is the ward."""
    given = location.postcode.strip()
    location.postcode = normalise_postcode(given) or given.upper()
    placing = place(location.postcode if given else "", location.latitude, location.longitude, lookup)
    found = placing.found
    location.postcode_status = placing.postcode_status
    location.lsoa11_code = found.lsoa11_code if found else ""
    location.lsoa21_code = found.lsoa21_code if found else ""
    location.postcode_latitude = found.latitude if found else None
    location.postcode_longitude = found.longitude if found else None
    location.ward_code, location.ward_name = placing.ward_code, placing.ward_name


@dataclass(frozen=True)
class PlacingReport:
    """What ``place_saved_locations`` (or another domain's ``place_saved`` run, e.g. Daily Dial
    In entries) did, or would do on a dry run."""

    placed: int
    still_unknown: int
    already_placed: int
    dry_run: bool = False
    what: str = "location(s)"

    def __str__(self) -> str:
        verb = "would be placed" if self.dry_run else "placed"
        return (f"{self.placed} {self.what} {verb} from the postcode directory, {self.still_unknown} still "
                f"unknown (postcode not in the directory), {self.already_placed} already placed.")


#: What placing by postcode sets on a location.
PLACING_FIELDS = ("postcode", "postcode_status", "lsoa11_code", "lsoa21_code", "ward_code", "ward_name",
                  "postcode_latitude", "postcode_longitude")
#: The reason on the history row of a location placed after it was saved.
PLACED_REASON = "Placed from the postcode directory loaded after the location was saved"
NO_DIRECTORY_TO_PLACE = "no postcode directory can be read: run `csphub geography load-postcodes FILE` first"


def require_directory(lookup: PlaceLookup) -> None:
    """NotFoundError unless the lookup's postcode directory can be read."""
    from csphub.errors import NotFoundError

    if lookup.status:
        raise NotFoundError(NO_DIRECTORY_TO_PLACE)


@contextmanager
def lookup_or_open(lookup: PlaceLookup | None) -> Iterator[PlaceLookup]:
    """The lookup given (already open for a whole run), else one opened for this block."""
    if lookup is not None:
        yield lookup
        return
    with open_place_lookup() as opened:
        yield opened


def place_saved(unplaced: Any, already: int, placer: Any, fields: tuple[str, ...], lookup: PlaceLookup, *,
                reason: str, audit_type: str, what: str, dry_run: bool = False) -> PlacingReport:
    """Place each record of ``unplaced`` (a queryset) with ``placer(record, lookup)``, the same
    function saving the record uses, with one open lookup for them all. A record whose
    ``fields`` change is saved with a history row (``reason``, by no user) and an audit entry
    (``audit_type``, its id, channel cli); one with nothing new is counted, not saved, so a
    second run places nothing. ``already`` records were placed before the run."""
    from django.db import transaction

    from csphub.audit.services import Action, Channel, record

    from .models import PostcodeStatus

    require_directory(lookup)
    placed = unknown = 0
    with transaction.atomic():
        for target in unplaced.order_by("pk").select_for_update():
            before = [getattr(target, name) for name in fields]
            placer(target, lookup)
            found = target.postcode_status == PostcodeStatus.FOUND
            if [getattr(target, name) for name in fields] == before:
                # Nothing new: a postcode still missing, or one the directory holds without a place.
                unknown, already = (unknown + 1, already) if not found else (unknown, already + 1)
                continue
            placed, unknown = (placed + 1, unknown) if found else (placed, unknown + 1)
            if dry_run:
                continue
            target._change_reason = reason
            target.save_by(None)
            record(None, Action.CHANGED, audit_type, target.pk, channel=Channel.CLI,
                   summary=f"placed by postcode: {target.postcode_status or 'not given'}")
    return PlacingReport(placed, unknown, already, dry_run, what)


def place_saved_locations(*, dry_run: bool = False, lookup: PlaceLookup | None = None) -> PlacingReport:
    """Place the locations saved with a postcode before the directory was loaded (or while it
    could not be read, or whose postcode it lacked then), with ``place_location``, as saving a
    location does, through one open ``lookup`` (opened here when not given). Each location placed
    gets a history row (the reason ``PLACED_REASON``) and an audit entry (ids only); a postcode
    still missing is flagged ``not_found``, never guessed. A second run places nothing.
    NotFoundError when no postcode directory is loaded.

    Examples:
        >>> print(place_saved_locations(dry_run=True))  # doctest: +SKIP
        12 location(s) would be placed from the postcode directory, 1 still unknown ...
    """
    from .models import Location, PostcodeStatus

    with lookup_or_open(lookup) as opened:
        require_directory(opened)
        with_postcode = Location.objects.filter(archived_on__isnull=True).exclude(postcode="")
        unplaced = with_postcode.exclude(postcode_status=PostcodeStatus.FOUND) | with_postcode.filter(
            lsoa11_code="", lsoa21_code="", ward_code="")
        already = with_postcode.count() - unplaced.count()
        return place_saved(unplaced, already, place_location, PLACING_FIELDS, opened, reason=PLACED_REASON,
                           audit_type="location", what="location(s)", dry_run=dry_run)


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


#: The boundaries read from each warehouse file, with the file's state when they were read
#: (:func:`_file_state`): one read per worker process until the warehouse changes, not one per
#: place on every case page (each read opened the warehouse and parsed every boundary).
_BOUNDARIES: dict[str, tuple[tuple[Any, ...], Boundaries]] = {}
_BOUNDARIES_LOCK = threading.Lock()


def _file_state(path: Path) -> tuple[Any, ...]:
    """What changes whenever DuckDB writes the warehouse: the file's and its write-ahead log's
    inode, size and modification time (None for a missing log)."""
    state: list[Any] = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            st = file.stat()
        except FileNotFoundError:
            state.append(None)
        else:
            state.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(state)


def loaded_boundaries(path: Path) -> Boundaries:
    """The newest ward and LSOA boundaries in the warehouse at ``path``, read again only when the
    file has changed since the last read (a new load, a checkpoint). Raises duckdb.Error when
    it cannot be read (a failed read is not kept)."""
    from csphub.analytics.maps import load_boundaries

    key = str(path)
    state = _file_state(path)  # before reading: a write during the read is seen next time
    with _BOUNDARIES_LOCK:
        kept = _BOUNDARIES.get(key)
        if kept is not None and kept[0] == state:
            return kept[1]
        with open_warehouse(path, read_only=True) as con:
            boundaries = load_boundaries(con)
        _BOUNDARIES[key] = (state, boundaries)
        return boundaries


def can_map(location: Any) -> str:
    """"" when a map of the location can be drawn, else the sentence the page shows instead."""
    from csphub.analytics.maps import holds_point

    point = location.point
    if point is None:
        return NO_POINT
    path = load_settings().warehouse_path
    if not path.exists():
        return NO_BOUNDARIES
    try:
        return "" if holds_point(loaded_boundaries(path), point[0], point[1]) else NO_BOUNDARIES
    except duckdb.Error as e:
        log.warning("map check of location %s failed: %s", location.pk, e)
        return "No map: the boundaries could not be read just now."
