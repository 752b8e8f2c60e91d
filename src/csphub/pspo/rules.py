"""Public Spaces Protection Orders (Anti-social Behaviour, Crime and Policing Act 2014, Part 4
Chapter 2): how long an order lasts, extensions, the consultees the Act requires, when to alert
before expiry, whether a point is inside the order's area, and fixed penalties (the cap is the
dated table in csphub.core.penalties, shared with casework).

- s60(1): an order lasts at most 3 years, unless extended.
- s60(2)-(4): before it expires the council may extend it by up to 3 years, more than once,
  after the necessary consultation, if satisfied that an extension is needed.
- s61: varied or discharged (after consultation, s72(3)); a varied area applies from the
  variation's date, enforcement before it is checked against the area then in force.
- s72(3)-(4): the necessary consultation: the chief officer of police and the local policing
  body (the PCC) for the area, whatever community representatives the council thinks it
  appropriate to consult, and the owner or occupier of land within the restricted area.
- s68: a fixed penalty for a breach; s67: the offence (level 3 on prosecution).

Examples:
    >>> from datetime import date
    >>> latest_expiry(date(2024, 3, 1))
    datetime.date(2027, 2, 28)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from csphub.core import penalties
from csphub.dates import add_months

MAX_TERM_YEARS = 3        # s60(1)
MAX_EXTENSION_YEARS = 3   # s60(2)
EXPIRY_ALERT_MONTHS = 6   # the partnership's own alert: time to consult before the order lapses

CHIEF_OFFICER, PCC, COMMUNITY, LAND_OWNER = "chief_officer", "pcc", "community", "land_owner"
REQUIRED_CONSULTEES: dict[str, str] = {
    CHIEF_OFFICER: "The chief officer of police (s72(4)(a))",
    PCC: "The local policing body: the Police and Crime Commissioner (s72(4)(b))",
    COMMUNITY: "Community representatives the council thinks appropriate (s72(4)(c))",
    LAND_OWNER: "Owners or occupiers of land in the restricted area (s72(4)(d))",
}


def latest_expiry(effective_on: date, years: int = MAX_TERM_YEARS) -> date:
    """The last day an order (or an extension) running from ``effective_on`` may last: 3 years
    less a day.

    Examples:
        >>> latest_expiry(date(2025, 10, 20))
        datetime.date(2028, 10, 19)
    """
    return add_months(effective_on, 12 * years) - timedelta(days=1)


def term_refusal(effective_on: date, expires_on: date) -> str | None:
    """Why an order with these dates may not be made, or None.

    Examples:
        >>> term_refusal(date(2025, 1, 1), date(2027, 12, 31)) is None
        True
        >>> print(term_refusal(date(2025, 1, 1), date(2028, 1, 1)))
        An order lasts at most 3 years (2014 Act s60(1)): from 01 January 2025 it must expire by 31 December 2027.
    """
    if expires_on < effective_on:
        return "The order must expire after it takes effect."
    limit = latest_expiry(effective_on)
    if expires_on > limit:
        return (f"An order lasts at most {MAX_TERM_YEARS} years (2014 Act s60(1)): from "
                f"{effective_on:%d %B %Y} it must expire by {limit:%d %B %Y}.")
    return None


def extension_refusal(current_expiry: date, decided_on: date, new_expiry: date, consulted: bool) -> str | None:
    """Why this extension may not be made, or None. An extension is decided before the order
    expires, after consultation, and runs at most 3 years from the current expiry.

    Examples:
        >>> extension_refusal(date(2026, 6, 30), date(2026, 5, 1), date(2029, 6, 30), True) is None
        True
        >>> print(extension_refusal(date(2026, 6, 30), date(2026, 7, 1), date(2029, 6, 30), True))
        The order expired on 30 June 2026: an order is extended before it expires (s60(2)); make a new one.
    """
    if decided_on > current_expiry:
        return (f"The order expired on {current_expiry:%d %B %Y}: an order is extended before it expires "
                "(s60(2)); make a new one.")
    if not consulted:
        return "An extension needs the necessary consultation first (s60(2), s72(3)): record it."
    if new_expiry <= current_expiry:
        return f"The new expiry must be after the current one ({current_expiry:%d %B %Y})."
    limit = add_months(current_expiry, 12 * MAX_EXTENSION_YEARS)
    if new_expiry > limit:
        return (f"An extension is for at most {MAX_EXTENSION_YEARS} years (s60(2)): from {current_expiry:%d %B %Y} "
                f"it may run to {limit:%d %B %Y}.")
    return None


def missing_consultees(consulted: Iterable[str], has_land_owners: bool = True) -> list[str]:
    """The consultees the Act requires that are not among ``consulted`` (codes of REQUIRED_CONSULTEES).

    Examples:
        >>> missing_consultees(["chief_officer", "community"])
        ['pcc', 'land_owner']
        >>> missing_consultees(["chief_officer", "pcc", "community"], has_land_owners=False)
        []
    """
    done = set(consulted)
    required = [c for c in REQUIRED_CONSULTEES if has_land_owners or c != LAND_OWNER]
    return [c for c in required if c not in done]


def alert_from(expires_on: date) -> date:
    """The day the register starts warning that an order will expire (6 months before).

    Examples:
        >>> alert_from(date(2027, 2, 28))
        datetime.date(2026, 8, 28)
    """
    return add_months(expires_on, -EXPIRY_ALERT_MONTHS)


def status_on(effective_on: date, expires_on: date, discharged_on: date | None, today: date) -> str:
    """'not yet in force', 'in force', 'expiring' (within 6 months), 'expired' or 'discharged'.

    Examples:
        >>> status_on(date(2024, 3, 1), date(2027, 2, 28), None, date(2026, 8, 27))
        'in force'
        >>> status_on(date(2024, 3, 1), date(2027, 2, 28), None, date(2026, 8, 28))
        'expiring'
        >>> status_on(date(2024, 3, 1), date(2027, 2, 28), None, date(2027, 3, 1))
        'expired'
    """
    if discharged_on is not None and discharged_on <= today:
        return "discharged"
    if today < effective_on:
        return "not yet in force"
    if today > expires_on:
        return "expired"
    if today >= alert_from(expires_on):
        return "expiring"
    return "in force"


def in_force_on(effective_on: date, expires_on: date, discharged_on: date | None, day: date) -> bool:
    return effective_on <= day <= expires_on and (discharged_on is None or day < discharged_on)


# ---- The area -------------------------------------------------------------------------------

class AreaError(ValueError):
    """The uploaded GeoJSON is not an area (says where and what was expected)."""


def area_from_geojson(text: str, source: str = "the uploaded GeoJSON") -> BaseGeometry:
    """A polygon or multipolygon (WGS84 longitude/latitude) from a GeoJSON FeatureCollection,
    Feature or geometry; several features are joined into one area.

    Examples:
        >>> square = '{"type": "Polygon", "coordinates": [[[0,51],[1,51],[1,52],[0,52],[0,51]]]}'
        >>> area_from_geojson(square).geom_type
        'Polygon'
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise AreaError(f"{source}, line {e.lineno}: not JSON ({e.msg}); expected a GeoJSON polygon") from e
    if not isinstance(data, dict):
        raise AreaError(f"{source}: expected a GeoJSON object (FeatureCollection, Feature or Polygon)")
    if data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or []]
    elif data.get("type") == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for number, geometry in enumerate(geometries):
        try:
            found = shape(geometry)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as e:
            raise AreaError(f"{source}, feature {number}: not a geometry ({e}); expected a Polygon") from e
        if found.geom_type not in ("Polygon", "MultiPolygon"):
            raise AreaError(f"{source}, feature {number}: a {found.geom_type}; expected a Polygon or MultiPolygon")
        if not found.is_valid:
            found = shapely.make_valid(found)
        shapes.append(found)
    if not shapes:
        raise AreaError(f"{source}: no features; expected at least one polygon")
    area = shapely.union_all(shapes)
    _check_wgs84(area, source)
    return area


def _check_wgs84(area: BaseGeometry, source: str) -> None:
    minx, miny, maxx, maxy = area.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise AreaError(f"{source}: coordinates {area.bounds} are not longitude/latitude; expected WGS84 "
                        "(a file in British National Grid metres must be converted first)")


def to_geojson(area: BaseGeometry) -> str:
    return json.dumps(shapely.geometry.mapping(area))


def contains_point(area: BaseGeometry, longitude: float, latitude: float) -> bool:
    """Whether the point is inside the area or on its edge."""
    return bool(area.covers(shapely.Point(longitude, latitude)))


@dataclass(frozen=True)
class AreaInForce:
    """The area of an order in force on a day, and which variation set or replaced it."""

    geojson: str
    varied_on: date | None = None    # the variation that set this area (None: the area as made)
    replaced_on: date | None = None  # the next variation of the area, after the day

    def phrase(self) -> str:
        """How the message names this area: empty for an order never varied in area."""
        parts = [f"as varied on {self.varied_on:%d %B %Y}" if self.varied_on else "as made"]
        if self.replaced_on:
            parts.append(f"before its variation on {self.replaced_on:%d %B %Y}")
        return ", ".join(parts) if (self.varied_on or self.replaced_on) else ""


def area_in_force(day: date, current: str, variations: Sequence[tuple[date, str]]) -> AreaInForce:
    """The area in force on ``day``: ``current`` unless a variation of the area was decided
    after that day, when the area before the first such variation. A variation applies from the
    day it was decided (s61), so enforcement before it stays valid against the old area.
    ``variations``: (decided on, area before it) of each variation that changed the area, oldest
    first.

    Examples:
        >>> varied = [(date(2025, 10, 1), "old")]
        >>> area_in_force(date(2025, 9, 30), "new", varied)
        AreaInForce(geojson='old', varied_on=None, replaced_on=datetime.date(2025, 10, 1))
        >>> area_in_force(date(2025, 10, 1), "new", varied).geojson
        'new'
    """
    earlier = [d for d, _ in variations if d <= day]
    later = [(d, previous) for d, previous in variations if d > day]
    varied_on = earlier[-1] if earlier else None
    if later:
        return AreaInForce(later[0][1], varied_on, later[0][0])
    return AreaInForce(current, varied_on, None)


def outside_area_message(order_name: str, longitude: float, latitude: float, on: date | None = None,
                         which: str = "") -> str:
    """The refusal for a point outside the order's area; ``on`` and ``which`` (AreaInForce.phrase)
    name the area in force that day when the order's area has been varied."""
    area = f"the area of {order_name}"
    if which and on:
        area += f" in force on {on:%d %B %Y} ({which})"
    return (f"The point {latitude:.5f}, {longitude:.5f} is outside {area}: "
            "enforcement is recorded against the order only where it applies. Check the location, "
            "or choose the order that covers it.")


def drawing(area: BaseGeometry, points: Sequence[tuple[float, float, str]] = (), width: int = 480,
            height: int = 320, margin: int = 10) -> dict[str, Any]:
    """The area as SVG paths and ``(latitude, longitude, kind)`` points placed on a width x
    height picture, north up, east-west scaled by cos(latitude) so the shape is not stretched.

    Examples:
        >>> square = area_from_geojson('{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}')
        >>> d = drawing(square, [(0.5, 0.5, "warning")], width=120, height=120, margin=10)
        >>> d["paths"], d["points"]
        (['M10.0,110.0 L110.0,110.0 L110.0,10.0 L10.0,10.0 L10.0,110.0 Z'], [{'x': 60.0, 'y': 60.0, 'kind': 'warning'}])
    """
    import math

    minx, miny, maxx, maxy = area.bounds
    squash = math.cos(math.radians((miny + maxy) / 2))
    span_x, span_y = max((maxx - minx) * squash, 1e-9), max(maxy - miny, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)

    def place(lon: float, lat: float) -> tuple[float, float]:
        return (round(margin + (lon - minx) * squash * scale, 1), round(height - margin - (lat - miny) * scale, 1))

    polygons = list(area.geoms) if hasattr(area, "geoms") else [area]
    paths = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            coords = [place(x, y) for x, y in ring.coords]
            paths.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
    placed = [{"x": place(lon, lat)[0], "y": place(lon, lat)[1], "kind": kind} for lat, lon, kind in points]
    return {"paths": paths, "points": placed, "width": width, "height": height}


# ---- Fixed penalties -----------------------------------------------------------------------

@dataclass(frozen=True)
class FixedPenaltyRequest:
    amount: int
    offence_on: date
    early_payment_amount: int | None = None
    pay_within_days: int = 14


def fixed_penalty_refusals(request: FixedPenaltyRequest) -> list[tuple[str, str, str]]:
    """(rule, reason, field) for each rule the penalty breaks: the cap in force on the offence
    date (csphub.core.penalties), and an early-payment discount below the full amount."""
    found = []
    over = penalties.amount_refusal(penalties.PSPO, request.amount, request.offence_on)
    if over:
        found.append(("fixed_penalty_amount", over, "amount"))
    early = request.early_payment_amount
    if early is not None and not 0 < early < request.amount:
        found.append(("early_payment_amount", f"An early-payment amount is less than the full penalty "
                      f"(GBP {request.amount}); GBP {early} was entered.", "early_payment_amount"))
    return found


# Prosecution stages (Enforcement.prosecution) after which the unpaid penalty needs no prompt:
# the summons is out, the case is decided, or the council chose not to pursue it.
PROSECUTION_UNDER_WAY = ("summonsed", "convicted")
NOT_PURSUED = "withdrawn"


def penalty_state(*, offence_on: date, due_on: date, paid_on: date | None, prosecution: str,
                  today: date) -> penalties.PenaltyState:
    """Where a PSPO fixed penalty stands on ``today``: paid (a payment recorded), withdrawn (not
    pursued), else unpaid and not yet due, overdue (days overdue; still time to prosecute) or out
    of time, by the same rules as casework's penalties (csphub.core.penalties).

    Examples:
        >>> s = penalty_state(offence_on=date(2026, 1, 1), due_on=date(2026, 1, 15), paid_on=None,
        ...                   prosecution="", today=date(2026, 1, 18))
        >>> s.state, s.days_overdue, s.prosecute_by
        ('overdue', 3, datetime.date(2026, 7, 1))
    """
    if paid_on is not None:
        status = penalties.PAID
    elif prosecution == NOT_PURSUED:
        status = penalties.WITHDRAWN
    else:
        status = penalties.UNPAID
    return penalties.penalty_state(offence_on=offence_on, due_on=due_on, status=status, settled_on=paid_on,
                                   today=today)


def next_step(state: penalties.PenaltyState, prosecution: str = "") -> str:
    """What to do next about an unpaid PSPO fixed penalty ("" when nothing is left to do).

    Examples:
        >>> s = penalties.penalty_state(offence_on=date(2026, 1, 1), due_on=date(2026, 1, 15),
        ...                             status="unpaid", settled_on=None, today=date(2026, 1, 16))
        >>> print(next_step(s))
        Prosecute for failing to comply with the order (2014 Act s67, a summary offence): lay the information by 1 July 2026 (Magistrates' Courts Act 1980 s127).
    """
    by = f"{state.prosecute_by.day} {state.prosecute_by:%B %Y}"
    if state.state == "awaiting_payment":
        return (f"If unpaid by {state.due_on.day} {state.due_on:%B %Y}: prosecute for failing to comply with the "
                f"order (2014 Act s67) by {by}.")
    if state.state == "overdue":
        if prosecution in PROSECUTION_UNDER_WAY:
            return "Prosecution under way."
        return (f"Prosecute for failing to comply with the order (2014 Act s67, a summary offence): lay the "
                f"information by {by} (Magistrates' Courts Act 1980 s127).")
    if state.state == "out_of_time" and prosecution not in PROSECUTION_UNDER_WAY:
        return f"None: the time to prosecute ended on {by} (Magistrates' Courts Act 1980 s127)."
    return ""


def needs_prompt(state: penalties.PenaltyState, prosecution: str = "") -> bool:
    """An unpaid penalty past its due date, still in time to prosecute, and no summons yet: the
    issuing officer and their supervisors are told each day (csphub notify overdue)."""
    return state.state == "overdue" and prosecution not in PROSECUTION_UNDER_WAY


# ---- Figures -------------------------------------------------------------------------------

def quarter_of(day: date) -> str:
    """The financial quarter, e.g. '2025/26 Q1' (April to June).

    Examples:
        >>> quarter_of(date(2026, 1, 15)), quarter_of(date(2025, 4, 1))
        ('2025/26 Q4', '2025/26 Q1')
    """
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d} Q{((day.month - 4) % 12) // 3 + 1}"


def per_quarter(events: Sequence[tuple[date, str]]) -> dict[str, dict[str, int]]:
    """Counts of each kind of event by financial quarter: {'2025/26 Q1': {'warning': 3, ...}}."""
    found: dict[str, dict[str, int]] = {}
    for day, kind in events:
        counts = found.setdefault(quarter_of(day), {})
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(found.items()))


def before_after_months(effective_on: date, months: int, today: date) -> tuple[tuple[date, date], tuple[date, date]] | None:
    """Like-for-like windows for crime before and after an order: the same calendar months of the
    year before and the year after it took effect (up to ``months``, only whole months that have
    ended by ``today``). Returns ((before_from, before_to), (after_from, after_to)) as first days
    of months, both inclusive, or None if no whole month after has passed.

    Examples:
        >>> before_after_months(date(2024, 3, 15), 12, date(2026, 1, 1))
        ((datetime.date(2023, 4, 1), datetime.date(2024, 3, 1)), (datetime.date(2024, 4, 1), datetime.date(2025, 3, 1)))
        >>> before_after_months(date(2025, 10, 1), 12, date(2026, 1, 10))
        ((datetime.date(2024, 10, 1), datetime.date(2024, 12, 1)), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 1)))
    """
    first_after = effective_on.replace(day=1)
    if effective_on.day != 1:
        first_after = add_months(first_after, 1)
    last_ended = add_months(today.replace(day=1), -1)
    available = (last_ended.year - first_after.year) * 12 + last_ended.month - first_after.month + 1
    span = min(months, available)
    if span < 1:
        return None
    after = (first_after, add_months(first_after, span - 1))
    before = (add_months(after[0], -12), add_months(after[1], -12))
    return before, after


def as_list(value: Any) -> list[str]:
    return [v for v in (value or []) if v]
