"""The evidence a review gathers: the camera's activity and faults from the register, and
crime and ASB nearby and in the ward from the warehouse (csphub.analytics.near).

No warehouse, or no police.uk data in it, is not an error: the evidence says so, and the
review goes on without those figures.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

import duckdb
from django.db.models import Sum
from django.utils import timezone

from csphub.analytics import near
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import QueryError
from csphub.settings import load_settings

from . import rules
from .models import ActivityMonth, Review

log = logging.getLogger(__name__)


_given: ContextVar[duckdb.DuckDBPyConnection | None] = ContextVar("cctv_warehouse", default=None)


@contextmanager
def using_warehouse(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Read the evidence from this open connection (the demo, which holds the warehouse open
    for writing while it seeds the estate) instead of opening the file."""
    token = _given.set(con)
    try:
        yield
    finally:
        _given.reset(token)


@contextmanager
def warehouse() -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The warehouse, read-only, or None when there is none."""
    given = _given.get()
    if given is not None:
        yield given
        return
    path = load_settings().warehouse_path
    if not path.exists():
        yield None
        return
    with open_warehouse(path, read_only=True) as con:
        yield con


def place(points: list[tuple[float, float]]) -> list[near.Place]:
    """Ward and LSOA of each (lon, lat) from the warehouse's boundaries; empty when unknown."""
    if not points:
        return []
    try:
        with warehouse() as con:
            return near.place_points(con, points) if con is not None else [near.Place() for _ in points]
    except (duckdb.Error, QueryError) as e:  # a busy or older warehouse must not stop the register
        log.warning("placing %d cameras failed: %s", len(points), e)
        return [near.Place() for _ in points]


def ward_names(codes: list[str]) -> dict[str, tuple[str, str]]:
    if not codes:
        return {}
    try:
        with warehouse() as con:
            return near.ward_names(con, codes) if con is not None else {}
    except (duckdb.Error, QueryError) as e:
        log.warning("ward lookup failed: %s", e)
        return {}


def evidence_for(review: Review, today: date | None = None) -> dict[str, Any]:
    """Everything the lead officer puts to the SEG, as plain data (kept on the review when the
    recommendation is made)."""
    today = today or timezone.localdate()
    r = rules.CctvRules.from_mapping(_rules_mapping())
    out: dict[str, Any] = {"gathered_on": today.isoformat(), "radius_m": r.review_radius_m}
    camera = review.camera
    if camera is not None:
        out["camera"] = {"camera_id": camera.camera_id, "location": camera.location, "ward": camera.ward_name,
                         "status": camera.get_status_display(), "kind": camera.get_kind_display(),
                         "installed_on": camera.installed_on.isoformat() if camera.installed_on else None,
                         "annual_cost": str(camera.annual_cost) if camera.annual_cost is not None else None}
        out["activity"] = _activity(camera, today)
        faults = list(camera.faults.filter(archived_on__isnull=True))
        out["faults"] = {"total": len(faults), "open": sum(f.closed_on is None for f in faults),
                         "faulty_days_last_12_months": rules.fault_days_in(
                             [rules.FaultSpan(f.reported_on, f.closed_on) for f in faults],
                             rules.add_months(today, -12), today, today)}
        lon, lat, ward, placed = camera.longitude, camera.latitude, camera.ward_code, camera.installed_on
    else:
        lon, lat, ward, placed = review.longitude, review.latitude, review.ward_code, None
        out["estimated_cost"] = str(review.estimated_cost) if review.estimated_cost is not None else None
    out["crime"] = _crime(lon, lat, ward, placed, r, today)
    return out


def _rules_mapping() -> dict[str, Any]:
    from django.conf import settings

    return getattr(settings, "CSPHUB_CCTV_RULES", {})


def _activity(camera: Any, today: date) -> dict[str, Any]:
    start = rules.add_months(today, -12)
    rows = ActivityMonth.objects.filter(camera=camera, month__gte=start)
    totals = rows.aggregate(incidents=Sum("incidents"), police_requests=Sum("police_requests"),
                            other_requests=Sum("other_requests"), evidential=Sum("evidential"), arrests=Sum("arrests"))
    months = [{"month": a.month.strftime("%Y-%m"), "total": a.total} for a in rows.order_by("month")]
    return {"months_reported": len(months), "from": start.strftime("%Y-%m"),
            **{k: int(v or 0) for k, v in totals.items()}, "by_month": months}


def _crime(lon: float | None, lat: float | None, ward: str, placed: date | None, r: rules.CctvRules,
           today: date) -> dict[str, Any]:
    try:
        with warehouse() as con:
            if con is None:
                return {"available": False, "note": "No warehouse is loaded: crime and ASB counts are not available."}
            first, last = near.months_loaded(con)
            if last is None:
                return {"available": False, "note": "The warehouse holds no police.uk street data."}
            start = max(first, rules.add_months(last, -11))
            out: dict[str, Any] = {"available": True, "source": "police.uk street-level crime and ASB",
                                   "latest_12_months": {"from": start.isoformat(), "to": last.isoformat()}}
            if lon is not None and lat is not None:
                out["near"] = near.count_near(con, lon, lat, r.review_radius_m, start, last).as_dict()
                if placed is not None:
                    out["before_after"] = near.before_after_near(con, lon, lat, r.review_radius_m, placed,
                                                                 r.before_after_months).as_dict()
            else:
                out["near"] = None
                out["near_note"] = "No coordinates: counts near the camera are not available."
            ward_counts = near.count_in_ward(con, ward, start, last) if ward else None
            out["ward"] = ward_counts.as_dict() if ward_counts else None
            return out
    except (duckdb.Error, QueryError) as e:
        log.warning("crime evidence failed: %s", e)
        return {"available": False, "note": f"The warehouse could not be read ({type(e).__name__}); try again later."}
