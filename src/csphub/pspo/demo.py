"""Synthetic PSPOs for the demo partnership: a town centre alcohol order (in force, over a year
old, so its before/after crime figures mean something) and a nuisance vehicles and car meets
order that expires within 6 months (the register's alert, with an extension consultation under
way that has not yet consulted the PCC), each with patrols, warnings and fixed penalties by the
council and the police, some paid, some unpaid and prosecuted, and one penalty refused above
the cap in force. The alcohol order has its published order document (a Word file).

Areas are the demo's hotspot wards drawn from the demo's own LSOA cells, so points inside them
match the warehouse's street-level crime.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from csphub.dates import add_months
from csphub.errors import RuleRefused

from . import rules, services
from .models import Order


def _ward_area(lsoas: Sequence[Any], ward: str) -> Any:
    cells = [shapely.Polygon([(float(c[0]), float(c[1])) for c in lsoa.corners]) for lsoa in lsoas
             if lsoa.ward_name == ward]
    return shapely.union_all(cells).buffer(0)


def _point_in(area: Any, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = area.bounds
    while True:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if rules.contains_point(area, lon, lat):
            return round(lat, 6), round(lon, 6)


def _order_document(order: Order) -> Any:
    """The order as published, a short Word document (the demo's own words, no real order)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    document = Document()
    document.add_heading(f"{order.name} ({order.reference})", level=1)
    document.add_paragraph("Anti-social Behaviour, Crime and Policing Act 2014, section 59. "
                           f"In force from {order.effective_on:%d %B %Y} to {order.expires_on:%d %B %Y}.")
    document.add_paragraph(f"Restricted area: {order.area_description}.")
    document.add_paragraph(f"Prohibited: {order.prohibitions}")
    document.add_paragraph(f"Required: {order.requirements}")
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(f"{order.reference}.docx", out.getvalue())


def seed_pspos(lsoas: Sequence[Any], hotspot_wards: Sequence[str], *, seed: int = 2024,
               today: date | None = None) -> dict[str, int]:
    """Two orders with consultations and enforcement; nothing if orders are on the register."""
    if Order.objects.exists() or len(hotspot_wards) < 2:
        return {}
    rng = random.Random(seed)
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["asb.officer", "police.officer"])}
    council, police = users["asb.officer"], users["police.officer"]
    counts = {"orders": 0, "warnings": 0, "fpns": 0, "patrols": 0, "refused_above_cap": 0}
    with transaction.atomic():
        alcohol_area = _ward_area(lsoas, hotspot_wards[0])
        effective = add_months(today.replace(day=1), -14)
        alcohol = services.make_order(council, services.OrderInput(
            name="Riverford town centre alcohol PSPO", made_on=effective - timedelta(days=21), effective_on=effective,
            expires_on=rules.latest_expiry(effective), area_geojson=rules.to_geojson(alcohol_area),
            area_description=f"{hotspot_wards[0]} ward: the town centre and the station approach",
            prohibitions="Continuing to drink alcohol, or failing to surrender it, when asked by an authorised "
                         "officer (2014 Act s62)", requirements="Surrender alcohol when asked",
            document_url="https://www.riverford.example/pspo/town-centre-alcohol.pdf"))
        services.record_consultation(council, alcohol, purpose="make", opened_on=effective - timedelta(days=90),
                                     closed_on=effective - timedelta(days=45), consultees=list(rules.REQUIRED_CONSULTEES),
                                     responses=214, responses_in_favour=171,
                                     summary="Traders and residents in favour; two objections about displacement")
        vehicles_area = _ward_area(lsoas, hotspot_wards[1])
        started = add_months(today, -33)
        vehicles = services.make_order(council, services.OrderInput(
            name="Riverford nuisance vehicles and car meets PSPO", made_on=started - timedelta(days=14),
            effective_on=started, expires_on=rules.latest_expiry(started), area_geojson=rules.to_geojson(vehicles_area),
            area_description=f"{hotspot_wards[1]} ward: the retail park and the ring road",
            prohibitions="Gathering to watch or take part in car meets; driving to cause a nuisance (revving, "
                         "wheel spins, racing)"))
        services.record_consultation(council, vehicles, purpose="extend", opened_on=today - timedelta(days=20),
                                     closed_on=None, consultees=["chief_officer", "community", "land_owner"],
                                     responses=38, summary="Open: the PCC's office has not yet replied")
        services.add_document(council, alcohol, _order_document(alcohol), "The order as made")
        counts["orders"], counts["documents"] = 2, 1
        for order, area, start in ((alcohol, alcohol_area, effective), (vehicles, vehicles_area, started)):
            _enforce(order, area, start, today, council, police, rng, counts)
    return counts


def _when(start: date, today: date, rng: random.Random) -> datetime:
    day = start + timedelta(days=rng.randint(0, max((today - start).days - 2, 0)))
    return timezone.make_aware(datetime.combine(day, time(rng.choice([13, 17, 20, 22, 23]), rng.choice([0, 30]))))


def _enforce(order: Any, area: Any, start: date, today: date, council: Any, police: Any, rng: random.Random,
             counts: dict[str, int]) -> None:
    police_agency = police.membership.agency
    for n in range(36):
        kind = rng.choices(["patrol", "warning", "fpn"], weights=[3, 5, 2])[0]
        who = rng.choice([council, police])
        lat, lon = _point_in(area, rng)
        data: dict[str, Any] = {"kind": kind, "occurred_at": _when(start, today, rng), "latitude": lat, "longitude": lon,
                                "location": order.area_description.split(":")[-1].strip(),
                                "joint_with": police_agency if who is council and kind == "patrol" else None}
        if kind == "fpn":
            data.update(notice_number=f"RIV-{order.pk}-{n:04d}", amount=100, early_payment_amount=75)
        found = services.record_enforcement(who, order, services.EnforcementInput(**data))
        counts[f"{kind}s"] += 1
        if kind == "fpn":
            if rng.random() < 0.65:
                paid_on = min(found.occurred_on + timedelta(days=rng.randint(3, 20)), timezone.localdate())
                early = found.early_payment_by is not None and paid_on <= found.early_payment_by
                services.record_payment(who, found, paid_on=paid_on, paid_amount=rng.choice([75, 100]) if early else 100)
            elif found.occurred_on < today - timedelta(days=60):
                services.record_payment(who, found, paid_on=None, paid_amount=None,
                                        prosecution=rng.choice(["summonsed", "convicted", "considered"]))
    try:  # an officer types GBP 150: refused, the cap on the offence date is GBP 100
        lat, lon = _point_in(area, rng)
        services.record_enforcement(police, order, services.EnforcementInput(
            kind="fpn", occurred_at=_when(start, today, rng), latitude=lat, longitude=lon, notice_number="RIV-X",
            amount=150))
    except RuleRefused:
        counts["refused_above_cap"] += 1
