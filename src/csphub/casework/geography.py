"""The ward of a casework location, from the warehouse's boundaries (when loaded)."""

from __future__ import annotations

import logging

import duckdb

from csphub.analytics.geography import ward_for_point
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
