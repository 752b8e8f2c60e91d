"""Events against the ward crime and ASB figures from the warehouse, so the plan's "data around
crime and disorder will be used as a key driver for identifying community engagement events"
can be checked: do the wards with the most ASB get the most events?"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb

from csphub.settings import load_settings

from .models import Event

log = logging.getLogger(__name__)
ASB = "Anti-social behaviour"


def ward_figures(start: date, end: date) -> tuple[dict[str, dict[str, dict[str, Any]]], str]:
    """{area: {ward code: {name, crime, asb}}} for every area defined in the warehouse, for the
    months ``start``..``end``; and a note when the warehouse or its figures are not there (never
    zeros)."""
    from csphub.analytics.areas import list_areas
    from csphub.analytics.counts import count_by
    from csphub.analytics.warehouse import open_warehouse

    path = load_settings().warehouse_path
    if not path.exists():
        return {}, "No warehouse yet: load police.uk data (csphub ingest police-uk) to compare events with crime and ASB."
    found: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        with open_warehouse(path, read_only=True) as con:
            for area in list_areas(con):
                wards = found.setdefault(area.name, {})
                for row in count_by(con, area, start.replace(day=1), end.replace(day=1), ["crime_type", "ward"]):
                    ward = wards.setdefault(row["ward_code"], {"name": row["ward_name"], "crime": 0, "asb": 0})
                    ward["asb" if row["crime_type"] == ASB else "crime"] += row["count"]
    except duckdb.Error as e:  # a busy or older warehouse must not stop the page
        log.warning("ward figures unavailable: %s", e)
        return {}, f"The warehouse could not be read ({e}); try again when the load running now is finished."
    note = "" if found else "The warehouse has no crime or ASB for the period (csphub coverage shows the months loaded)."
    return found, note


def areas_of_events(events: Iterable[Event], by_area: dict[str, dict[str, dict[str, Any]]]
                    ) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The areas holding the events' wards (all areas when no event has a ward code), and their
    wards' figures merged: the partnership's own area, not its peers.

    Examples:
        >>> areas_of_events([], {"Riverford": {"E1": {}}, "Kingsmere": {"E2": {}}})[0]
        ['Kingsmere', 'Riverford']
    """
    codes = {e.ward_code for e in events if e.ward_code}
    chosen = sorted(name for name, wards in by_area.items() if codes & set(wards)) or sorted(by_area)
    merged: dict[str, dict[str, Any]] = {}
    for name in chosen:
        merged.update(by_area[name])
    return chosen, merged


def events_against_wards(events: Iterable[Event], figures: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per ward with events or figures: events held, people engaged, crime and ASB, and
    the ward's rank for ASB (1 = most), busiest ASB first; wards without figures last.

    Examples:
        >>> rows = events_against_wards([], {"E1": {"name": "Castle", "crime": 90, "asb": 40}})
        >>> rows[0]["ward_name"], rows[0]["events"], rows[0]["asb_rank"]
        ('Castle', 0, 1)
    """
    rows: dict[str, dict[str, Any]] = {}
    for code, f in figures.items():
        rows[code] = {"ward_code": code, "ward_name": f["name"], "events": 0, "people": 0, "crime": f["crime"],
                      "asb": f["asb"]}
    for e in events:
        key = e.ward_code or f"name:{e.ward_name or 'not recorded'}"
        row = rows.setdefault(key, {"ward_code": e.ward_code, "ward_name": e.ward_name or "Ward not recorded",
                                    "events": 0, "people": 0, "crime": None, "asb": None})
        row["events"] += 1
        row["people"] += e.attendee_total
    ranked = sorted((r for r in rows.values() if r["asb"] is not None), key=lambda r: -r["asb"])
    for rank, row in enumerate(ranked, start=1):
        row["asb_rank"] = rank
    unranked = [dict(r, asb_rank=None) for r in rows.values() if r["asb"] is None]
    return ranked + sorted(unranked, key=lambda r: -r["events"])


NO_BOUNDARIES = "No map: ward boundaries are not loaded (csphub boundaries load wards.geojson); the table below has the figures."
NO_WARDS = "No map: the ward boundaries loaded hold none of these wards; the table below has the figures."
POINT_LABEL = "Events (at the ward's centre: an event records its ward, not a map point)"


def _map_wards(con: duckdb.DuckDBPyConnection, events: list[Event], figures: dict[str, dict[str, Any]]) -> list[Any]:
    from csphub.analytics.maps import newest_wards

    codes = set(figures) | {e.ward_code for e in events if e.ward_code}
    return newest_wards(con, codes) if codes else []


def _ward_boundaries(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select count(*) from boundaries where kind = 'ward'").fetchone()
    return int(row[0]) if row else 0


def map_unavailable(events: Iterable[Event], figures: dict[str, dict[str, Any]]) -> str:
    """"" when the events map can be drawn, else the sentence the events page shows instead."""
    path = load_settings().warehouse_path
    if not path.exists():
        return NO_BOUNDARIES
    from csphub.analytics.warehouse import open_warehouse

    try:
        with open_warehouse(path, read_only=True) as con:
            if _ward_boundaries(con) == 0:
                return NO_BOUNDARIES
            return "" if _map_wards(con, list(events), figures) else NO_WARDS
    except duckdb.Error as e:
        log.warning("events map check failed: %s", e)
        return "No map: the boundaries could not be read just now; the table below has the figures."


def events_map(events: Iterable[Event], figures: dict[str, dict[str, Any]], *, image_format: str = "svg"
               ) -> tuple[bytes | None, str]:
    """(the map of the wards shaded by crime and ASB, with the events on them; or None and why).

    Each ward is shaded by its crime and ASB together in the period (the figures of
    :func:`ward_figures`); an event is drawn at its ward's centre (events record their ward, not a
    map point), one marker per ward with the number of events in it."""
    from csphub.analytics.maps import MapPoint, ward_map
    from csphub.analytics.warehouse import open_warehouse

    events = list(events)
    path = load_settings().warehouse_path
    if not path.exists():
        return None, NO_BOUNDARIES
    try:
        with open_warehouse(path, read_only=True) as con:
            if _ward_boundaries(con) == 0:
                return None, NO_BOUNDARIES
            wards = _map_wards(con, events, figures)
    except duckdb.Error as e:
        log.warning("events map failed: %s", e)
        return None, "No map: the boundaries could not be read just now."
    if not wards:
        return None, NO_WARDS
    per_ward: dict[str, int] = {}
    for e in events:
        if e.ward_code:
            per_ward[e.ward_code] = per_ward.get(e.ward_code, 0) + 1
    points = []
    for ward in wards:
        if ward.code in per_ward:
            centre = ward.geometry.representative_point()
            points.append(MapPoint(centre.x, centre.y, per_ward[ward.code], ward.name))
    values = {code: int(f["crime"]) + int(f["asb"]) for code, f in figures.items()}
    drawn = ward_map(wards, values, points, value_label="Crime and ASB recorded in the period (count per ward)",
                     point_label=POINT_LABEL, image_format=image_format)
    return drawn.image, ""


def map_alt_text(events: Iterable[Event], figures: dict[str, dict[str, Any]], start: date, end: date) -> str:
    """The map's alternative text: what it shows, and that the table below has the same figures."""
    events = list(events)
    placed = sum(1 for e in events if e.ward_code)
    return (f"Map of the wards shaded by crime and ASB recorded from {start:%B %Y} to {end:%B %Y}, darker for more, "
            f"with {placed} of {len(events)} events marked at their ward's centre. The table below gives the same "
            "figures ward by ward.")
