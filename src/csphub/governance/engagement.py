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
