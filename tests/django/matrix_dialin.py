"""Permission-matrix rows for the Daily Dial In, operations and place-based initiatives.

The world's distribution: the lead, shared, referred and panel agencies (not "none"). officer.lead
logs an entry at 12 Castle Street naming a victim (Dana Dialin); the lead agency also has an open
case at that address, shared with the Police (shared) only. So:
- entries are logged by officers and supervisors of any agency (403 for other roles);
- the morning view and the digest are for officers and supervisors on the distribution (403
  for others, "none" included: it may log entries but not read the others');
- the entry, its account and the person named are seen by those on the distribution (and by
  the agency that made it); anyone else gets 404, as if it did not exist;
- the "already on an open case" prompt names the case only to those who may see the case
  (lead and shared): referred and panel see the entry without it;
- figures are counts for analysts, supervisors, officers and partnership admins;
- operations and initiatives hold no personal data: every role sees them; officers and
  supervisors record them (and get the ward map their areas are drawn on); outputs by the agencies taking part (lead, shared), phases by the
  lead agency.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from csphub.casework.models import CaseType
from csphub.dialin import operations, rules, services
from csphub.dialin.models import Distribution, EntryType, OutputKind

from .factories import create_case, create_person
from .matrix_kit import (
    ALLOWED,
    CASEWORK,
    ON_CASE,
    Exercise,
    Outcome,
    Read,
    Shown,
    World,
    api_ids,
    href,
    iso,
    role_only,
    sees,
    text,
)

DISTRIBUTION = frozenset({"lead", "shared", "referred", "panel"})
FIGURES = CASEWORK | {"analyst", "partnership_admin"}
ADDRESS = "12 Castle Street"


def _morning(role: str, relation: str) -> Outcome:
    return ALLOWED if role in CASEWORK and relation in DISTRIBUTION else 403


def _output(role: str, relation: str) -> Outcome:
    return ALLOWED if role in CASEWORK and relation in {"lead", "shared"} else 403


def _phase(role: str, relation: str) -> Outcome:
    return ALLOWED if role in CASEWORK and relation == "lead" else 403


RULES = {
    "dialin_logger": role_only(CASEWORK),
    "dialin_morning": _morning,
    "dialin_entry": sees(CASEWORK, DISTRIBUTION),
    "dialin_case_prompt": sees(CASEWORK, ON_CASE),
    "dialin_figures": role_only(FIGURES),
    "dialin_output": _output,
    "dialin_phase": _phase,
    "dialin_member": lambda role, relation: ALLOWED,
}


def add_records(world: World) -> None:
    officer = world.lead_officer
    for relation in DISTRIBUTION:
        Distribution.objects.create(agency=world.agencies[relation], emails=f"dialin@{relation}.example")
    victim = create_person(officer, first_name="Dana", last_name="Dialin", date_of_birth=None)
    case = create_case(officer, summary="Street drinking outside number 12", address=ADDRESS, postcode="ME4 4TZ")
    services.casework.share_case(officer, case, world.agencies["shared"])
    row = rules.EntryRow(occurred_at=timezone.now() - timedelta(hours=3), entry_type="Street drinking",
                         account="Group drinking and shouting outside the shop", address=ADDRESS, postcode="ME4 4TZ")
    entry, _ = services.log_entry(officer, row, people=[services.NamedPerson(victim, "victim")])
    decision = services.record_decision(officer, entry.pk, decision="Police patrol tonight",
                                        owner_agency=world.agencies["shared"], due_on=world.today + timedelta(days=1))
    operation = operations.plan_operation(officer, name="Operation Ratify", aim="Moped-enabled crime",
                                          starts_on=world.today - timedelta(days=30), agencies=[world.agencies["shared"]])
    operations.record_output(officer, operation, kind="Arrests", quantity=3, on=world.today - timedelta(days=2))
    initiative = operations.plan_initiative(officer, name="Clear, Hold, Build: Luton Road", area=AREA,
                                            starts_on=world.today - timedelta(days=60),
                                            phases=[("Clear", world.today - timedelta(days=60), None)])
    world.records.update({"dialin_entry": entry, "dialin_victim": victim, "dialin_case": case,
                          "dialin_decision": decision, "operation": operation, "initiative": initiative})


AREA = "0.5280 51.3780\n0.5340 51.3780\n0.5340 51.3820\n0.5280 51.3820"
ENTRY = {"pk": "dialin_entry"}
ENTRY_READS = (Read("dialin_entry", "dialin_entry"), Read("person", "dialin_victim"))


def _csv(world: World) -> dict[str, Any]:
    content = (b"occurred_at,type,account,postcode\n"
               + f"{iso(world.today - timedelta(days=1))} 01:15,Noise nuisance,Party until 1am,ME4 4TZ\n".encode())
    return {"file": SimpleUploadedFile("log.csv", content, "text/csv")}


def _entry_post(world: World) -> dict[str, Any]:
    return {"entry_type": EntryType.objects.get(name="Youth ASB").pk, "occurred_at": f"{iso(world.today - timedelta(days=1))}T01:30",
            "account": "Fireworks thrown at buses", "address": "Bus station", "postcode": "", "latitude": "",
            "longitude": "", "ward": "", "urgency": "priority", "reference": "", "person": "", "person_role": ""}


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/dial-in/": (Exercise("dialin_morning", shown=(
        Shown("dialin_entry", "dialin_entry", "dialin_entry", href("/dial-in/entries/{pk}/")),
        Shown("dialin_entry", "person", "dialin_victim", text("Dana Dialin")),
        Shown("dialin_case_prompt", "case", "dialin_case", href("/cases/{pk}/")),
    )),),
    "/dial-in/new/": (
        Exercise("dialin_logger"),
        Exercise("dialin_logger", "post", body=_entry_post),
    ),
    "/dial-in/upload/": (
        Exercise("dialin_logger"),
        Exercise("dialin_logger", "post", body=_csv, ok=200),
    ),
    "/dial-in/entries/<int:pk>/": (
        Exercise("dialin_entry", params=ENTRY, reads=ENTRY_READS, refused="dialin_entry"),
        Exercise("dialin_entry", "post", ENTRY, refused="dialin_entry", body=lambda w: {
            "action": "decision", "decision-decision": "Council to visit the shop", "decision-owner_agency":
            w.agencies["lead"].pk, "decision-due_on": iso(w.today + timedelta(days=2))}),
        Exercise("dialin_entry", "post", ENTRY, refused="dialin_entry", body=lambda w: {
            "action": "to_case", "new-case_type": CaseType.objects.get_or_create(name="Street drinking")[0].pk,
            "new-summary": ""}),
    ),
    "/dial-in/decisions/<int:pk>/done/": (
        Exercise("dialin_entry", "post", {"pk": "dialin_decision"}, body=lambda w: {}, refused="dialin_decision"),),
    "/dial-in/digest/": (Exercise("dialin_morning", shown=(
        Shown("dialin_entry", "dialin_entry", "dialin_entry", text("Group drinking and shouting")),)),),
    "/dial-in/digest/pdf/": (Exercise("dialin_morning"),),
    "/dial-in/digest/email/": (Exercise("dialin_morning", "post", body=lambda w: {"day": iso(w.today)}),),
    "/dial-in/figures/": (Exercise("dialin_figures"),),
    "/dial-in/operations/": (Exercise("dialin_member", shown=(
        Shown("dialin_member", "operation", "operation", href("/dial-in/operations/{pk}/")),)),),
    "/dial-in/operations/new/": (
        Exercise("dialin_logger"),
        Exercise("dialin_logger", "post", body=lambda w: {
            "name": "StreetScene day", "aim": "Clean up the high street", "starts_on": iso(w.today), "ends_on": "",
            "wards": "Chatham Central", "area": "", "agencies": [w.agencies["lead"].pk]}),
    ),
    "/dial-in/operations/<int:pk>/": (
        Exercise("dialin_member", params={"pk": "operation"}, reads=(Read("operation", "operation"),),
                 refused="operation"),
        Exercise("dialin_output", "post", {"pk": "operation"}, refused="operation", body=lambda w: {
            "kind": OutputKind.objects.get(name="Stop-searches").pk, "quantity": "38", "on": iso(w.today),
            "note": ""}),
    ),
    "/dial-in/area-map.svg": (Exercise("dialin_logger"),),
    "/dial-in/places/": (Exercise("dialin_member", shown=(
        Shown("dialin_member", "place_initiative", "initiative", href("/dial-in/places/{pk}/")),)),),
    "/dial-in/places/new/": (
        Exercise("dialin_logger"),
        Exercise("dialin_logger", "post", body=lambda w: {
            "name": "Hold: Chatham High Street", "description": "", "streets": "High Street", "wards": "",
            "area": AREA, "starts_on": iso(w.today - timedelta(days=10)), "comparison_name": "", "comparison": ""}),
    ),
    "/dial-in/places/<int:pk>/": (
        Exercise("dialin_member", params={"pk": "initiative"}, reads=(Read("place_initiative", "initiative"),),
                 refused="place_initiative"),
        Exercise("dialin_phase", "post", {"pk": "initiative"}, refused="place_initiative", body=lambda w: {
            "name": "Hold", "starts_on": iso(w.today), "ends_on": ""}),
    ),
    "/dial-in/places/<int:pk>/evaluation.docx": (
        Exercise("dialin_member", params={"pk": "initiative"}, reads=(Read("place_initiative", "initiative"),),
                 refused="place_initiative"),),
    "/dial-in/places/<int:pk>/evaluation.pdf": (
        Exercise("dialin_member", params={"pk": "initiative"}, reads=(Read("place_initiative", "initiative"),),
                 refused="place_initiative"),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/dial-in/entries": (Exercise("dialin_member", shown=(
        Shown("dialin_entry", "dialin_entry", "dialin_entry", api_ids),)),),
    "POST /api/v1/dial-in/entries": (Exercise("dialin_logger", body=lambda w: {"entries": [
        {"occurred_at": f"{iso(w.today - timedelta(days=1))}T00:45:00", "type": "Noise nuisance", "account": "Car stereo",
         "postcode": "ME4 4TZ", "reference": "CAD 0045"}]}),),
    "GET /api/v1/dial-in/entries/{entry_id}": (Exercise(
        "dialin_entry", params={"entry_id": "dialin_entry"}, reads=ENTRY_READS, refused="dialin_entry"),),
    "GET /api/v1/dial-in/figures": (Exercise("dialin_figures"),),
    "GET /api/v1/dial-in/operations": (Exercise("dialin_member", shown=(
        Shown("dialin_member", "operation", "operation", api_ids),)),),
    "POST /api/v1/dial-in/operations/{operation_id}/outputs": (Exercise(
        "dialin_output", params={"operation_id": "operation"}, refused="operation",
        body=lambda w: {"kind": "Weapons seized", "quantity": "16", "on": iso(w.today)}),),
}
