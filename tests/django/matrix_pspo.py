"""Permission matrix rows for the PSPO register and enforcement (see matrix_kit).

The register is public information: every signed-in member sees it. The lead agency (Council
ASB Team) made the order: its officers and supervisors consult on, extend, vary and discharge
it (others: 403). Any officer or supervisor records enforcement for their own agency; the police
(shared) recorded the world's warning and FPN, seen by the police and by the council that made
the order, and by nobody else (404).
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from csphub.pspo import services

from .matrix_kit import (
    ALLOWED,
    CASEWORK,
    ON_CASE,
    PDF,
    Exercise,
    Outcome,
    Read,
    Shown,
    World,
    api_ids,
    iso,
    sees,
)

SQUARE = {"type": "Polygon", "coordinates": [[[0.540, 51.380], [0.560, 51.380], [0.560, 51.395],
                                              [0.540, 51.395], [0.540, 51.380]]]}
INSIDE = {"latitude": 51.388, "longitude": 0.550}


def _council(role: str, relation: str) -> Outcome:
    return ALLOWED if role in CASEWORK and relation == "lead" else 403


RULES = {
    "pspo_council": _council,
    "pspo_enforcement": sees(CASEWORK, ON_CASE),
}


def add_records(world: World) -> None:
    officer = world.lead_officer
    police = world.users[("officer", "shared")]
    today = world.today
    effective = today - timedelta(days=400)
    order = services.make_order(officer, services.OrderInput(
        name="Gillingham town centre alcohol PSPO", made_on=effective - timedelta(days=7), effective_on=effective,
        expires_on=effective + timedelta(days=3 * 365 - 2), area_geojson=json.dumps(SQUARE),
        area_description="High Street and Green Street", prohibitions="Drinking alcohol when asked to stop"))
    services.record_consultation(officer, order, purpose="extend", opened_on=today - timedelta(days=60),
                                 closed_on=today - timedelta(days=10), responses=42,
                                 consultees=["chief_officer", "pcc", "community", "land_owner"])
    world.records["order"] = order
    world.records["order_doc"] = services.add_document(
        officer, order, SimpleUploadedFile("gillingham-pspo.pdf", PDF, "application/pdf"), "The order as made")
    world.records["warning"] = services.record_enforcement(police, order, services.EnforcementInput(
        kind="warning", occurred_at=timezone.now() - timedelta(days=3), location="High Street", **INSIDE))
    world.records["fpn"] = services.record_enforcement(police, order, services.EnforcementInput(
        kind="fpn", occurred_at=timezone.now() - timedelta(days=2), location="Green Street", notice_number="FPN-0001",
        amount=100, early_payment_amount=75, **INSIDE))


ORDER = {"pk": "order"}
ORDER_READ = Read("pspo_order", "order")
ORDER_ID = {"order_id": "order"}


def _now(w: World) -> str:
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/pspos/": (Exercise("signed_in", reads=(ORDER_READ,)),),
    "/pspos/new/": (Exercise("pspo_council"),),
    "/pspos/figures/": (Exercise("statistics"),),
    "/pspos/<int:pk>/": (Exercise("signed_in", params=ORDER, reads=(ORDER_READ,), refused="pspo_order", shown=(
        Shown("pspo_enforcement", "pspo_enforcement", "warning", lambda r, rec: f"/pspos/enforcement/{rec.pk}/"
              in r.content.decode()),)),),
    "/pspos/<int:pk>/documents/new/": (
        Exercise("pspo_council", params=ORDER, refused="pspo_order"),
        Exercise("pspo_council", "post", ORDER, refused="pspo_order", body=lambda w: {
            "description": "As varied", "file": SimpleUploadedFile("varied.pdf", PDF, "application/pdf")}),
    ),
    "/pspos/documents/<int:pk>/": (Exercise("signed_in", params={"pk": "order_doc"},
                                            reads=(Read("pspo_document", "order_doc"),), refused="pspo_document"),),
    "/pspos/<int:pk>/consultations/new/": (
        Exercise("pspo_council", params=ORDER, refused="pspo_order"),
        Exercise("pspo_council", "post", ORDER, refused="pspo_order", body=lambda w: {
            "purpose": "vary", "opened_on": iso(w.today - timedelta(days=30)), "closed_on": iso(w.today),
            "consultees": ["chief_officer", "pcc"], "responses": "5"}),
    ),
    "/pspos/<int:pk>/changes/new/": (
        Exercise("pspo_council", params=ORDER, refused="pspo_order"),
        Exercise("pspo_council", "post", ORDER, refused="pspo_order", body=lambda w: {
            "kind": "extension", "decided_on": iso(w.today),
            "new_expiry": iso(w.records["order"].expires_on + timedelta(days=365)), "description": "Extended"}),
    ),
    "/pspos/<int:pk>/enforcement/new/": (
        Exercise("casework_role", params=ORDER, refused="pspo_order"),
        Exercise("casework_role", "post", ORDER, refused="pspo_order", body=lambda w: {
            "kind": "warning", "occurred_at": _now(w), "location": "High Street", **{k: str(v) for k, v in INSIDE.items()}}),
    ),
    "/pspos/enforcement/<int:pk>/": (
        Exercise("pspo_enforcement", params={"pk": "fpn"}, reads=(Read("pspo_enforcement", "fpn"),),
                 refused="pspo_enforcement"),
        Exercise("pspo_enforcement", "post", {"pk": "fpn"}, refused="pspo_enforcement", body=lambda w: {
            "paid_on": iso(w.today), "paid_amount": "75"}),
    ),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/pspos/": (Exercise("signed_in", reads=(ORDER_READ,)),),
    "POST /api/v1/pspos/": (Exercise("pspo_council", body=lambda w: {
        "name": "Strood car meets PSPO", "made_on": iso(w.today), "effective_on": iso(w.today),
        "expires_on": iso(w.today + timedelta(days=700)), "area": SQUARE,
        "prohibitions": "Car meets: gathering to perform stunts or races"}),),
    "GET /api/v1/pspos/{order_id}": (Exercise("signed_in", params=ORDER_ID, reads=(ORDER_READ,),
                                              refused="pspo_order"),),
    "POST /api/v1/pspos/{order_id}/consultations": (Exercise("pspo_council", params=ORDER_ID, refused="pspo_order",
                                                             body=lambda w: {"purpose": "discharge",
                                                                             "opened_on": iso(w.today)}),),
    "POST /api/v1/pspos/{order_id}/extensions": (Exercise(
        "pspo_council", params=ORDER_ID, refused="pspo_order", ok=200, body=lambda w: {
            "decided_on": iso(w.today), "new_expiry": iso(w.records["order"].expires_on + timedelta(days=365))}),),
    "GET /api/v1/pspos/{order_id}/enforcement": (Exercise(
        "signed_in", params=ORDER_ID, reads=(ORDER_READ,), refused="pspo_order",
        shown=(Shown("pspo_enforcement", "pspo_enforcement", "warning", api_ids),)),),
    "POST /api/v1/pspos/{order_id}/enforcement": (Exercise(
        "casework_role", params=ORDER_ID, refused="pspo_order", body=lambda w: {
            "kind": "patrol", "occurred_at": f"{_now(w)}:00", **INSIDE}),),
    "GET /api/v1/pspos/enforcement/{enforcement_id}": (Exercise(
        "pspo_enforcement", params={"enforcement_id": "fpn"}, reads=(Read("pspo_enforcement", "fpn"),),
        refused="pspo_enforcement"),),
    "PATCH /api/v1/pspos/enforcement/{enforcement_id}": (Exercise(
        "pspo_enforcement", params={"enforcement_id": "fpn"}, refused="pspo_enforcement",
        body=lambda w: {"paid_on": iso(w.today), "paid_amount": 100}),),
    "GET /api/v1/pspos/{order_id}/documents": (Exercise(
        "signed_in", params=ORDER_ID, reads=(ORDER_READ, Read("pspo_document", "order_doc")), refused="pspo_order"),),
    "POST /api/v1/pspos/{order_id}/documents": (Exercise(
        "pspo_council", params=ORDER_ID, refused="pspo_order", multipart=True, body=lambda w: {
            "description": "As varied", "file": SimpleUploadedFile("varied.pdf", PDF, "application/pdf")}),),
    "GET /api/v1/pspos/documents/{document_id}/content": (Exercise(
        "signed_in", params={"document_id": "order_doc"}, reads=(Read("pspo_document", "order_doc"),),
        refused="pspo_document"),),
    "GET /api/v1/pspos/figures/quarters": (Exercise("statistics"),),
}
