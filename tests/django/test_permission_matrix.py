"""The permission matrix, built from the URL configuration and the OpenAPI schema.

Every page route (walked from ``django.urls.get_resolver()``) and every API operation (from
``csphub.web.api.api.get_openapi_schema()``) must have a row in MATRIX: a new route without one
fails ``test_every_route_has_a_row``, and so does a row for a route that is gone. Each row says
which rule the route follows and how to call it; ``test_route`` calls it as each of the 25 users
(5 roles x 5 relations of the user's agency to the world's records) and as a signed-out visitor.

Relations of the user's agency:
- lead: leads the case (Council ASB Team);
- shared: the case is shared with it (Police);
- referred: a referral from the case, about the victim, was sent to it (Housing); it is not on
  the case;
- panel: sits, with the lead agency, on the Vulnerability Panel the victim was referred to
  (Probation);
- none: no relation (Fire and Rescue).

Each allowed read (a 200 on a GET) must have written an audit entry naming the record by id
(``object_id``, or in ``object_ids`` for lists), on the right channel; a 404 on a record must
have written a "refused" entry for that kind of record; a 403 a "refused" entry for the change.
Each test builds the world once and calls its route as every user, each call inside a savepoint
rolled back afterwards, so every call sees the same world. All the mismatches of a route are
reported together.
"""

from __future__ import annotations

import importlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casereview import services as casereview
from csphub.casework import services
from csphub.casework.models import Alert, CaseParty, CaseType
from csphub.panels import services as panels
from csphub.panels.models import Panel
from csphub.web.api import api

from .factories import create_agency, create_case, create_person, create_token, create_user
from .matrix_kit import (
    ALLOWED,
    CASE,
    CASE_ID,
    CASE_READ,
    CASEWORK,
    ON_CASE,
    PDF,
    PEOPLE_ON_CASE,
    RELATIONS,
    ROLES,
    RULES,
    VICTIM_READ,
    Body,
    Exercise,
    Read,
    Shown,
    World,
    api_ids,
    api_party,
    audit_row,
    form,
    href,
    iso,
    text,
)


def domain_matrices() -> list[ModuleType]:
    """The other domains' rows: every ``matrix_<domain>.py`` beside this file (see matrix_kit)."""
    found = sorted(p.stem for p in Path(__file__).parent.glob("matrix_*.py") if p.stem != "matrix_kit")
    return [importlib.import_module(f"{__package__}.{name}") for name in found]


DOMAINS = domain_matrices()
for _domain in DOMAINS:
    RULES.update(_domain.RULES)


def _person_correct(role: str, relation: str) -> Any:
    """Correct a person: casework roles of an agency on their case; others who see them, 403."""
    if role in CASEWORK and relation in ON_CASE:
        return ALLOWED
    return 403 if role in CASEWORK and relation in ("referred", "panel") else 404


def _referral_correct(role: str, relation: str) -> Any:
    """Correct a referral: casework roles on the case; the agency it was sent to sees it, 403."""
    if role in CASEWORK and relation in ON_CASE:
        return ALLOWED
    return 403 if role in CASEWORK and relation == "referred" else 404


RULES.update({
    "person_correct": _person_correct,
    "referral_correct": _referral_correct,
    # Free text on a case (incidents, notes, ...): casework roles on the case; others, as if absent.
    "record_correct": lambda role, relation: ALLOWED if role in CASEWORK and relation in ON_CASE else 404,
    "caseload": lambda role, relation: ALLOWED if role == "supervisor" else 403,
    # Record a case review application: officers and supervisors who may see the applicant.
    "case_review_apply": lambda role, relation: (ALLOWED if relation != "none" else 404) if role in CASEWORK else 403,
})

# ---- The world -----------------------------------------------------------------------


def build_world() -> World:
    today = timezone.localdate()
    agencies = {"lead": create_agency("Council ASB Team"), "shared": create_agency("Police", "police"),
                "referred": create_agency("Housing", "housing"), "panel": create_agency("Probation", "probation"),
                "none": create_agency("Fire and Rescue", "fire"),
                # Shared with and referred to by the POSTs below; nobody in the matrix works there.
                "extra": create_agency("Victim Support", "voluntary")}
    users = {(role, relation): create_user(role, agencies[relation], f"{role}.{relation}")
             for relation in RELATIONS for role in ROLES}
    officer = users[("officer", "lead")]
    case = create_case(officer)
    services.share_case(officer, case, agencies["shared"])
    victim = create_person(officer, flags=["elderly", "mental_health"])
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(1985, 6, 1))
    services.add_party(officer, case, victim, "victim")
    services.add_party(officer, case, subject, "subject")
    records: dict[str, Any] = {"case": case, "victim": victim, "subject": subject}
    records["incident"] = services.record_incident(officer, case, occurred_at=timezone.now() - timedelta(days=3),
                                                   description="Loud music until 3am")
    records["note"] = services.add_note(officer, case, "Spoke to the victim")
    records["visit"] = services.record_visit(officer, case, visited_on=today, findings="Quiet on the night")
    records["task"] = services.add_task(officer, case, title="Visit the victim", owner=officer,
                                        due_on=today + timedelta(days=3))
    records["intervention"] = services.issue_intervention(officer, case, kind="abc", person=subject,
                                                          conduct="Loud music", issued_on=today - timedelta(days=30))
    records["attachment"] = services.add_attachment(officer, case, SimpleUploadedFile("diary.pdf", PDF, "application/pdf"),
                                                    "Diary sheet")
    # High risk: alerts the lead agency's supervisor (supervisor.lead).
    records["risk"] = services.assess_risk(officer, case, victim, {"self_harm": True})
    records["alert"] = Alert.objects.get(user=users[("supervisor", "lead")], case=case)
    records["group"] = services.record_group(officer, case, name="Castle Street group", description="",
                                             members=[subject])
    records["referral"] = services.refer(officer, case, to_agency=agencies["referred"], reason="Rehousing",
                                         person=victim)
    records["party"] = CaseParty.objects.get(case=case, person=victim)
    records["location"] = services.location_for(officer, address="1 Castle Street", postcode="CT1 2AB")
    records["incident"].location = records["location"]
    records["incident"].save()
    records["breach"] = services.record_breach(officer, records["intervention"], occurred_on=today - timedelta(days=2),
                                               description="Music again")
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([agencies["lead"], agencies["panel"]])
    records["panel"] = panel
    records["panel_referral"] = panels.refer_to_panel(officer, panel, person=victim, case=case,
                                                      reason="High-risk repeat victim", consent="given")
    records["meeting"] = panels.hold_meeting(officer, panel, held_on=today)
    records["panel_action"] = panels.add_action(officer, records["panel_referral"], description="Safety plan",
                                                owner_agency=agencies["lead"], due_on=today + timedelta(days=7))
    records["case_review"] = casereview.receive_application(officer, applicant=victim, behaviour="Loud music",
                                                            complaints=[casereview.ComplaintInput(
                                                                today - timedelta(days=3), today - timedelta(days=3),
                                                                agencies["lead"])], case=case)
    records["complaint"] = records["case_review"].complaints.get()
    records["audit_entry"] = AuditEntry.objects.order_by("-id").first()
    tokens = {key: create_token(user) for key, user in users.items()}
    world = World(agencies, users, tokens, records, today)
    for domain in DOMAINS:
        domain.add_records(world)
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


# ---- The matrix -------------------------------------------------------------------------


def correction(rule: str, record: str, object_type: str, body: Body) -> tuple[Exercise, ...]:
    """A correction page of one record: the GET (a read of the record) and its POST."""
    params = {"pk": record}
    return (Exercise(rule, "get", params, reads=(Read(object_type, record),), refused=object_type),
            Exercise(rule, "post", params, body=body, refused=object_type))


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/": (Exercise("signed_in", shown=(
        Shown("referred_to", "referral", "referral", href("/referrals/{pk}/")),
        Shown("alert_owner", "alert", "alert", href("/alerts/{pk}/read/", "action")),
        Shown("task_owner", "task", "task", text("Visit the victim")),
    )),),
    "/audit/": (Exercise("audit", shown=(Shown("audit", "audit_entry", "audit_entry", audit_row),)),),
    "/statistics/": (Exercise("statistics"),),
    "/cases/": (Exercise("case_list", shown=(Shown("case_view", "case", "case", href("/cases/{pk}/")),)),),
    "/cases/new/": (
        Exercise("casework_role"),
        Exercise("casework_role", "post", body=lambda w: {
            "case_type": CaseType.objects.get(name="Noise nuisance").pk, "summary": "Dog barking all night",
            "opened_on": iso(w.today)}),
    ),
    "/cases/<int:pk>/": (Exercise("case_view", params=CASE, reads=(CASE_READ, *PEOPLE_ON_CASE), refused="case"),),
    "/cases/<int:pk>/people/add/": form("case_change", lambda w: {"person_id": w.pk("victim"), "role": "witness"}),
    "/cases/<int:pk>/incidents/add/": form("case_change", lambda w: {
        "occurred_at": f"{iso(w.today - timedelta(days=1))}T22:30", "description": "Music again",
        "reported_by_agency": w.agencies["lead"].pk, "reported_on": iso(w.today)}),
    "/cases/<int:pk>/interventions/add/": form("case_change", lambda w: {
        "kind": "cpw", "person": w.pk("subject"), "conduct": "Loud music at night", "written": "on",
        "issued_on": iso(w.today)}),
    "/cases/<int:pk>/referrals/add/": form("case_change", lambda w: {
        "to_agency": w.agencies["extra"].pk, "reason": "Support for the victim", "person": ""}),
    "/cases/<int:pk>/tasks/add/": form("case_change", lambda w: {
        "title": "Call back", "owner": w.lead_officer.pk, "due_on": iso(w.today + timedelta(days=7))}),
    "/cases/<int:pk>/tasks/<int:task_id>/done/": (
        Exercise("case_change", "post", {"pk": "case", "task_id": "task"}, body=lambda w: {}, refused="task"),),
    "/cases/<int:pk>/notes/add/": form("case_change", lambda w: {"text": "A note"}),
    "/cases/<int:pk>/visits/add/": form("case_change", lambda w: {"visited_on": iso(w.today), "findings": "Quiet"}),
    "/cases/<int:pk>/status/": form("case_manage", lambda w: {"status": "investigating", "outcome": ""}),
    "/cases/<int:pk>/share/": form("case_manage", lambda w: {"agency": w.agencies["extra"].pk}),
    "/cases/<int:pk>/lead/": form("case_manage", lambda w: {"agency": w.agencies["lead"].pk,
                                                            "officer": w.lead_officer.pk}),
    "/cases/<int:pk>/risk/": form("case_change", lambda w: {"person": w.pk("victim")}),
    "/cases/<int:pk>/breaches/add/": form("case_change", lambda w: {
        "intervention": w.pk("intervention"), "occurred_on": iso(w.today), "description": "Music again"}),
    "/cases/<int:pk>/groups/add/": form("case_change", lambda w: {
        "name": "Park bench group", "members": [w.pk("victim"), w.pk("subject")]}),
    "/cases/<int:pk>/interventions/outcome/": form("case_change", lambda w: {
        "intervention": w.pk("intervention"), "outcome": "Complied"}),
    "/cases/<int:pk>/attachments/add/": form("case_change", lambda w: {
        "file": SimpleUploadedFile("letter.pdf", PDF, "application/pdf"), "description": "Letter"}),
    "/cases/<int:pk>/attachments/<int:attachment_id>/": (Exercise(
        "attachment", params={"pk": "case", "attachment_id": "attachment"},
        reads=(Read("attachment", "attachment"),), refused="attachment"),),
    "/referrals/": (Exercise("signed_in", shown=(
        Shown("referred_to", "referral", "referral", href("/referrals/{pk}/")),)),),
    "/referrals/<int:referral_id>/": (
        Exercise("referral_view", params={"referral_id": "referral"},
                 reads=(Read("referral", "referral"), VICTIM_READ), refused="referral"),
        Exercise("referral_answer", "post", {"referral_id": "referral"},
                 body=lambda w: {"status": "accepted", "outcome": ""}, refused="referral"),
    ),
    "/people/<int:pk>/": (
        Exercise("person", params={"pk": "victim"}, reads=(VICTIM_READ,), refused="person"),
        Exercise("case_person", params={"pk": "subject"}, reads=(Read("person", "subject"),), refused="person"),
    ),
    "/people/matches/": (Exercise("casework_role"),),
    "/alerts/<int:alert_id>/read/": (
        Exercise("alert_owner", "post", {"alert_id": "alert"}, body=lambda w: {}, refused="alert"),),
    "/panels/": (Exercise("signed_in", shown=(Shown("panel_member", "panel", "panel", href("/panels/{pk}/")),)),),
    "/panels/refer/": (Exercise("casework_role"),),
    "/panels/<int:pk>/": (Exercise(
        "panel_member", params={"pk": "panel"}, refused="panel",
        reads=(Read("panel", "panel"), Read("panel_referral", "panel_referral"), VICTIM_READ)),),
    "/panels/<int:pk>/meetings/new/": (
        Exercise("panel_member", params={"pk": "panel"}, reads=(Read("panel", "panel"),), refused="panel"),
        Exercise("panel_member", "post", {"pk": "panel"}, body=lambda w: {"held_on": iso(w.today)},
                 refused="panel"),
    ),
    "/panels/meetings/<int:pk>/": (Exercise(
        "panel_member", params={"pk": "meeting"}, reads=(Read("panel_meeting", "meeting"), VICTIM_READ),
        refused="panel_meeting"),),
    "/panels/referrals/<int:pk>/": (
        Exercise("panel_member", params={"pk": "panel_referral"},
                 reads=(Read("panel_referral", "panel_referral"), VICTIM_READ), refused="panel_referral"),
        Exercise("panel_member", "post", {"pk": "panel_referral"},
                 body=lambda w: {"decide": "1", "status": "adopted", "reason": ""}, refused="panel_referral"),
    ),
    # ---- Corrections and history (issue 12, item 1) ----
    "/cases/<int:pk>/edit/": form("case_manage", lambda w: {
        "case_type": CaseType.objects.get(name="Noise nuisance").pk, "summary": "Loud music and shouting",
        "opened_on": "2026-04-01", "correction_reason": "Fuller summary"}),
    "/cases/<int:pk>/history/": (Exercise("case_change", params=CASE, refused="case", reads=(
        CASE_READ, Read("note", "note"), Read("incident", "incident"), Read("party", "party"),
        Read("breach", "breach"))),),
    "/people/<int:pk>/edit/": correction("person_correct", "victim", "person", lambda w: {
        "first_name": "Sam", "last_name": "Jones", "date_of_birth": "1990-01-01", "consent_to_share": "not_asked",
        "phone": "07700 900123", "correction_reason": "Phone number confirmed"}),
    "/people/<int:pk>/history/": (
        Exercise("person", params={"pk": "victim"}, reads=(VICTIM_READ,), refused="person"),),
    "/parties/<int:pk>/edit/": correction("record_correct", "party", "party", lambda w: {
        "role": "complainant", "correction_reason": "Reported it herself"}),
    "/incidents/<int:pk>/edit/": correction("record_correct", "incident", "incident", lambda w: {
        "occurred_at": f"{iso(w.today - timedelta(days=3))}T22:30", "description": "Loud music until 4am",
        "reported_by_agency": w.agencies["lead"].pk, "reported_on": iso(w.today), "correction_reason": "Time"}),
    "/visits/<int:pk>/edit/": correction("record_correct", "visit", "visit", lambda w: {
        "visited_on": iso(w.today), "findings": "Quiet all night", "correction_reason": "Fuller findings"}),
    "/notes/<int:pk>/edit/": correction("record_correct", "note", "note", lambda w: {
        "text": "Spoke to the victim by phone", "correction_reason": "It was by phone"}),
    "/tasks/<int:pk>/edit/": correction("record_correct", "task", "task", lambda w: {
        "title": "Visit the victim", "owner": w.lead_officer.pk, "due_on": iso(w.today + timedelta(days=5)),
        "correction_reason": "Moved"}),
    "/interventions/<int:pk>/edit/": correction("record_correct", "intervention", "intervention", lambda w: {
        "conduct": "Loud music at night", "written": "on", "issued_on": iso(w.today - timedelta(days=30)),
        "correction_reason": "Conduct as on the letter"}),
    "/breaches/<int:pk>/edit/": correction("record_correct", "breach", "breach", lambda w: {
        "occurred_on": iso(w.today - timedelta(days=1)), "description": "Music again",
        "correction_reason": "Wrong day"}),
    "/referrals/<int:pk>/edit/": correction("referral_correct", "referral", "referral", lambda w: {
        "reason": "Rehousing after repeat incidents", "correction_reason": "Fuller reason"}),
    "/risk-assessments/<int:pk>/edit/": correction("record_correct", "risk", "risk_assessment", lambda w: {
        "q_self_harm": "yes", "q_fear": "yes", "correction_reason": "Fear confirmed on the second visit"}),
    "/panels/referrals/<int:pk>/edit/": correction("panel_member", "panel_referral", "panel_referral", lambda w: {
        "reason": "High-risk repeat victim, three incidents", "consent": "given",
        "correction_reason": "Fuller reason"}),
    "/panels/actions/<int:pk>/edit/": correction("panel_member", "panel_action", "panel_action", lambda w: {
        "description": "Safety plan with the victim", "owner_agency": w.agencies["lead"].pk,
        "due_on": iso(w.today + timedelta(days=10)), "correction_reason": "Moved"}),
    "/panels/referrals/<int:pk>/history/": (Exercise(
        "panel_member", params={"pk": "panel_referral"}, refused="panel_referral",
        reads=(Read("panel_referral", "panel_referral"), VICTIM_READ, Read("panel_action", "panel_action"))),),
    "/locations/<int:pk>/history/": (Exercise("case_person", params={"pk": "location"}, refused="location",
                                              reads=(Read("location", "location"),)),),
    "/case-reviews/<int:pk>/edit/": correction("case_review", "case_review", "case_review", lambda w: {
        "behaviour": "Loud music every night", "received_on": iso(w.today), "correction_reason": "Fuller"}),
    "/case-reviews/complaints/<int:pk>/edit/": correction("case_review", "complaint", "case_review_complaint",
                                                          lambda w: {
        "reported_on": iso(w.today - timedelta(days=3)), "behaviour_on": iso(w.today - timedelta(days=4)),
        "agency": w.agencies["lead"].pk, "correction_reason": "Wrong day"}),
    # ---- Find (issue 12, item 5) ----
    "/search/": (Exercise("signed_in"),),
    "/caseload/": (Exercise("caseload"),),
    "/locations/<int:pk>/edit/": correction("case_person", "location", "location", lambda w: {
        "address": "1 Castle Street, Riverford", "postcode": "CT1 2AB", "correction_reason": "Town added"}),
    "/locations/<int:pk>/": (Exercise("case_person", params={"pk": "location"}, refused="location",
                                      reads=(Read("location", "location"), CASE_READ)),),
    # ---- Chronology (issue 12, item 4) ----
    "/cases/<int:pk>/timeline/": (Exercise("case_change", params=CASE, refused="case", reads=(
        CASE_READ, Read("incident", "incident"), Read("visit", "visit"), Read("note", "note"),
        Read("intervention", "intervention"), Read("breach", "breach"), Read("referral", "referral"))),),
    "/people/<int:pk>/timeline/": (
        Exercise("person", params={"pk": "victim"}, reads=(VICTIM_READ,), refused="person"),),
    "/locations/<int:pk>/timeline/": (Exercise("case_person", params={"pk": "location"}, refused="location",
                                               reads=(Read("location", "location"), Read("incident", "incident"))),),
    "/case-reviews/": (Exercise("casework_role", shown=(
        Shown("case_review", "case_review", "case_review", href("/case-reviews/{pk}/")),)),),
    "/case-reviews/new/": (Exercise("casework_role"),),
    "/case-reviews/<int:pk>/": (
        Exercise("case_review", params={"pk": "case_review"}, reads=(Read("case_review", "case_review"), VICTIM_READ),
                 refused="case_review"),
        Exercise("case_review", "post", {"pk": "case_review"}, body=lambda w: {"acknowledge": "1"},
                 refused="case_review"),
    ),
}


def case_list_of(kind: str, record: str) -> tuple[Exercise, ...]:
    """An API list of one kind of record on the case: a read of the case and of the record."""
    return (Exercise("case_view", params=CASE_ID, reads=(CASE_READ, Read(kind, record)), refused="case"),)


def on_case(body: Body, rule: str = "case_change", ok: int | None = None) -> tuple[Exercise, ...]:
    return (Exercise(rule, params=CASE_ID, body=body, refused="case", ok=ok),)


API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/cases/": (Exercise("signed_in", shown=(
        Shown("case_view", "case", "case", api_ids),
        Shown("case_person", "person", "victim", api_party),
        Shown("case_person", "person", "subject", api_party),
    )),),
    "POST /api/v1/cases/": (Exercise("casework_role", body=lambda w: {
        "case_type": "Noise nuisance", "summary": "Dog barking all night"}),),
    "GET /api/v1/cases/{case_id}": (
        Exercise("case_view", params=CASE_ID, reads=(CASE_READ, *PEOPLE_ON_CASE), refused="case"),),
    "PATCH /api/v1/cases/{case_id}": on_case(lambda w: {"status": "investigating"}, "case_manage"),
    "POST /api/v1/cases/{case_id}/parties": on_case(lambda w: {"person_id": w.pk("victim"), "role": "witness"}),
    "GET /api/v1/cases/{case_id}/incidents": case_list_of("incident", "incident"),
    "POST /api/v1/cases/{case_id}/incidents": on_case(lambda w: {
        "occurred_at": f"{iso(w.today - timedelta(days=1))}T22:30:00", "description": "Music again"}),
    "GET /api/v1/cases/{case_id}/interventions": case_list_of("intervention", "intervention"),
    "POST /api/v1/cases/{case_id}/interventions": on_case(lambda w: {
        "kind": "cpw", "issued_on": iso(w.today), "person_id": w.pk("subject"), "conduct": "Loud music at night"}),
    "GET /api/v1/cases/{case_id}/referrals": case_list_of("referral", "referral"),
    "POST /api/v1/cases/{case_id}/referrals": on_case(lambda w: {
        "to_agency": "Victim Support", "reason": "Support for the victim"}),
    "GET /api/v1/cases/{case_id}/tasks": case_list_of("task", "task"),
    "POST /api/v1/cases/{case_id}/tasks": on_case(lambda w: {
        "title": "Call back", "owner": w.lead_officer.username, "due_on": iso(w.today + timedelta(days=7))}),
    # issue 12, item 11: the rest of a case's records
    "GET /api/v1/cases/{case_id}/notes": case_list_of("note", "note"),
    "POST /api/v1/cases/{case_id}/notes": on_case(lambda w: {"text": "Called the victim back"}),
    "GET /api/v1/cases/{case_id}/visits": case_list_of("visit", "visit"),
    "POST /api/v1/cases/{case_id}/visits": on_case(lambda w: {"visited_on": iso(w.today), "findings": "Quiet"}),
    "GET /api/v1/cases/{case_id}/risk-assessments": (Exercise(
        "case_change", params=CASE_ID, reads=(CASE_READ, Read("risk_assessment", "risk")), refused="case"),),
    "POST /api/v1/cases/{case_id}/risk-assessments": on_case(lambda w: {
        "person_id": w.pk("victim"), "answers": {"repeat": True, "fear": None}}),
    "GET /api/v1/cases/{case_id}/breaches": case_list_of("breach", "breach"),
    "POST /api/v1/cases/{case_id}/breaches": on_case(lambda w: {
        "intervention_id": w.pk("intervention"), "occurred_on": iso(w.today), "description": "Music again"}),
    "POST /api/v1/cases/{case_id}/interventions/{intervention_id}/outcome": (Exercise(
        "case_change", params={"intervention_id": "intervention", "case_id": "case"},  # the last names the refusal
        body=lambda w: {"outcome": "Complied"}, refused="case", ok=200),),
    "GET /api/v1/cases/{case_id}/attachments": (Exercise(
        "case_change", params=CASE_ID, reads=(CASE_READ, Read("attachment", "attachment")), refused="case"),),
    "POST /api/v1/cases/{case_id}/attachments": (Exercise(
        "case_change", params=CASE_ID, refused="case", multipart=True, body=lambda w: {
            "description": "Letter", "file": SimpleUploadedFile("letter.pdf", PDF, "application/pdf")}),),
    "GET /api/v1/cases/{case_id}/attachments/{attachment_id}/content": (Exercise(
        "attachment", params={"case_id": "case", "attachment_id": "attachment"},
        reads=(Read("attachment", "attachment"),), refused="attachment"),),
    "GET /api/v1/referrals/": (Exercise("signed_in", shown=(Shown("referred_to", "referral", "referral", api_ids),)),),
    "GET /api/v1/referrals/{referral_id}": (Exercise(
        "referral_view", params={"referral_id": "referral"}, reads=(Read("referral", "referral"),),
        refused="referral"),),
    "PATCH /api/v1/referrals/{referral_id}": (Exercise(
        "referral_answer", params={"referral_id": "referral"}, body=lambda w: {"status": "accepted"},
        refused="referral"),),
    "GET /api/v1/tasks/": (Exercise("signed_in", shown=(Shown("task_owner", "task", "task", api_ids),)),),
    "POST /api/v1/tasks/{task_id}/complete": (Exercise(
        "case_change", params={"task_id": "task"}, refused="task", ok=200),),
    "GET /api/v1/people/": (Exercise("signed_in", shown=(
        Shown("person", "person", "victim", api_ids), Shown("case_person", "person", "subject", api_ids))),),
    "POST /api/v1/people/": (Exercise("casework_role", body=lambda w: {"first_name": "Jo", "last_name": "Green"}),),
    "GET /api/v1/people/{person_id}": (
        Exercise("person", params={"person_id": "victim"}, reads=(VICTIM_READ,), refused="person"),
        Exercise("case_person", params={"person_id": "subject"}, reads=(Read("person", "subject"),),
                 refused="person"),
    ),
    "GET /api/v1/panels/": (Exercise("signed_in", shown=(Shown("panel_member", "panel", "panel", api_ids),)),),
    "GET /api/v1/panels/{panel_id}/referrals": (Exercise(
        "panel_member", params={"panel_id": "panel"}, refused="panel",
        reads=(Read("panel", "panel"), Read("panel_referral", "panel_referral"), VICTIM_READ)),),
    # Any officer or supervisor may refer to a panel (partners refer in); only members see it.
    "POST /api/v1/panels/{panel_id}/referrals": (Exercise(
        "casework_role", params={"panel_id": "panel"},
        body=lambda w: {"location": "Castle Street", "reason": "Repeat location", "consent": "not_sought"}),),
    "GET /api/v1/panels/referrals/{referral_id}": (Exercise(
        "panel_member", params={"referral_id": "panel_referral"},
        reads=(Read("panel_referral", "panel_referral"), VICTIM_READ), refused="panel_referral"),),
    "POST /api/v1/panels/referrals/{referral_id}/decision": (Exercise(
        "panel_member", params={"referral_id": "panel_referral"}, body=lambda w: {"status": "adopted"},
        refused="panel_referral", ok=200),),
    # issue 12, item 11: meetings and actions
    "GET /api/v1/panels/{panel_id}/meetings": (Exercise(
        "panel_member", params={"panel_id": "panel"}, refused="panel",
        reads=(Read("panel", "panel"), Read("panel_meeting", "meeting"))),),
    "POST /api/v1/panels/{panel_id}/meetings": (Exercise(
        "panel_member", params={"panel_id": "panel"}, refused="panel",
        body=lambda w: {"held_on": iso(w.today), "agencies": ["Probation"], "minutes": "Two adopted."}),),
    "GET /api/v1/panels/referrals/{referral_id}/actions": (Exercise(
        "panel_member", params={"referral_id": "panel_referral"}, refused="panel_referral",
        reads=(Read("panel_action", "panel_action"),)),),
    "POST /api/v1/panels/referrals/{referral_id}/actions": (Exercise(
        "panel_member", params={"referral_id": "panel_referral"}, refused="panel_referral",
        body=lambda w: {"description": "Tenancy support visit", "owner_agency": "Council ASB Team",
                        "due_on": iso(w.today + timedelta(days=14))}),),
    "POST /api/v1/panels/referrals/{referral_id}/actions/{action_id}/rag": (Exercise(
        "panel_member", params={"action_id": "panel_action", "referral_id": "panel_referral"},
        refused="panel_referral", body=lambda w: {"rag": "green"}, ok=200),),
    # ---- Corrections (issue 12, item 1) ----
    "PATCH /api/v1/people/{person_id}": (Exercise(
        "person_correct", params={"person_id": "victim"}, body=lambda w: {"phone": "07700 900123", "reason": "Confirmed"},
        refused="person", ok=200),),
    "PATCH /api/v1/cases/{case_id}/incidents/{incident_id}": (Exercise(
        "record_correct", params={"case_id": "case", "incident_id": "incident"},
        body=lambda w: {"description": "Loud music until 4am", "reason": "Time"}, refused="incident", ok=200),),
    "PATCH /api/v1/cases/{case_id}/notes/{note_id}": (Exercise(
        "record_correct", params={"case_id": "case", "note_id": "note"},
        body=lambda w: {"text": "Spoke to the victim by phone", "reason": "It was by phone"}, refused="note", ok=200),),
    "PATCH /api/v1/cases/{case_id}/visits/{visit_id}": (Exercise(
        "record_correct", params={"case_id": "case", "visit_id": "visit"},
        body=lambda w: {"findings": "Quiet all night", "reason": "Fuller findings"}, refused="visit", ok=200),),
    "PATCH /api/v1/cases/{case_id}/tasks/{task_id}": (Exercise(
        "record_correct", params={"case_id": "case", "task_id": "task"},
        body=lambda w: {"owner": "supervisor.lead", "reason": "Handed over"}, refused="task", ok=200),),
    "PATCH /api/v1/cases/{case_id}/interventions/{intervention_id}": (Exercise(
        "record_correct", params={"case_id": "case", "intervention_id": "intervention"},
        body=lambda w: {"conduct": "Loud music at night", "reason": "As on the letter"}, refused="intervention",
        ok=200),),
    # Corrected by the case's officers; the agency the referral was sent to answers it (403 here).
    "PATCH /api/v1/cases/{case_id}/referrals/{referral_id}": (Exercise(
        "referral_correct", params={"case_id": "case", "referral_id": "referral"},
        body=lambda w: {"reason": "Rehousing after repeat incidents", "correction_reason": "Fuller reason"},
        refused="referral", ok=200),),
    "PATCH /api/v1/locations/{location_id}": (Exercise(
        "case_person", params={"location_id": "location"},
        body=lambda w: {"address": "1 Castle Street, Riverford", "reason": "Town added"}, refused="location",
        ok=200),),
    # A risk assessment by its id: read and corrected by the officers and supervisors on its case.
    "GET /api/v1/risk-assessments/{assessment_id}": (Exercise(
        "record_correct", params={"assessment_id": "risk"}, reads=(Read("risk_assessment", "risk"),),
        refused="risk_assessment"),),
    "PATCH /api/v1/risk-assessments/{assessment_id}": (Exercise(
        "record_correct", params={"assessment_id": "risk"}, refused="risk_assessment", ok=200,
        body=lambda w: {"answers": {"fear": True}, "reason": "Fear confirmed on the second visit"}),),
    # The last parameter names the refused record: the role on the case.
    "GET /api/v1/cases/{case_id}/parties/{party_id}": (Exercise(
        "record_correct", params={"case_id": "case", "party_id": "party"},
        reads=(Read("party", "party"), VICTIM_READ), refused="party"),),
    "PATCH /api/v1/cases/{case_id}/parties/{party_id}": (Exercise(
        "record_correct", params={"case_id": "case", "party_id": "party"}, refused="party", ok=200,
        body=lambda w: {"role": "complainant", "reason": "Reported it herself"}),),
    "POST /api/v1/case-reviews/": (Exercise("case_review_apply", body=lambda w: {
        "applicant_id": w.pk("victim"), "behaviour": "Loud music every night", "complaints": [
            {"reported_on": iso(w.today - timedelta(days=2)), "behaviour_on": iso(w.today - timedelta(days=2)),
             "agency": "Council ASB Team"}]}),),
    "GET /api/v1/case-reviews/": (Exercise("casework_role", shown=(
        Shown("case_review", "case_review", "case_review", api_ids),)),),
    "GET /api/v1/case-reviews/{application_id}": (Exercise(
        "case_review", params={"application_id": "case_review"},
        reads=(Read("case_review", "case_review"), VICTIM_READ), refused="case_review"),),
    "POST /api/v1/case-reviews/{application_id}/decision": (Exercise(
        "case_review", params={"application_id": "case_review"}, refused="case_review", ok=200),),
}

for _domain in DOMAINS:
    PAGES.update(_domain.PAGES)
    API_ROUTES.update(_domain.API_ROUTES)
for _domain in DOMAINS:
    for _key, _more in getattr(_domain, "MORE_EXERCISES", {}).items():
        PAGES[_key] = (*PAGES[_key], *_more)
MATRIX: dict[str, tuple[Exercise, ...]] = {**PAGES, **API_ROUTES}

# ---- Discovering the routes -------------------------------------------------------------

#: Not in the matrix: the API (its operations come from the schema), the admin, sign-in/out.
SKIPPED = ("admin/", "api/", "login/", "logout/", "static/", "media/")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def page_routes() -> dict[str, URLPattern]:
    """Every page route of the site URL map, as "/route/<int:pk>/" -> its pattern."""
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED):
                continue
            if isinstance(pattern, URLResolver):
                walk(list(pattern.url_patterns), route)
            elif isinstance(pattern, URLPattern):
                found["/" + route] = pattern

    walk(list(get_resolver().url_patterns), "")
    return found


def api_operations() -> dict[str, str]:
    """Every operation of the API schema, as "METHOD /api/v1/path/{param}" -> its operationId."""
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}": op["operationId"]
            for path, ops in paths.items() for method, op in ops.items() if method in HTTP_METHODS}


def is_api(key: str) -> bool:
    return " " in key


def method_of(key: str, exercise: Exercise) -> str:
    return key.split(" ", 1)[0].lower() if is_api(key) else exercise.method


def path_of(key: str, exercise: Exercise, world: World) -> str:
    route = key.split(" ", 1)[1] if is_api(key) else key
    path = PLACEHOLDER.sub(lambda m: str(world.pk(exercise.params[m.group(1) or m.group(2)])), route)
    return f"{path}?{exercise.query}" if exercise.query else path


# ---- Expected outcomes ------------------------------------------------------------------


def expected(key: str, exercise: Exercise, role: str, relation: str) -> int:
    outcome = RULES[exercise.rule](role, relation)
    if outcome != ALLOWED:
        return int(outcome)
    if exercise.ok:
        return exercise.ok
    method = method_of(key, exercise)
    if method == "get":
        return 200
    if is_api(key):
        return 201 if method == "post" else 200
    return 302


def planned_reads(key: str, exercise: Exercise, role: str, relation: str) -> int:
    """How many audited reads a cell checks when the code agrees with the rule."""
    if method_of(key, exercise) != "get" or RULES[exercise.rule](role, relation) != ALLOWED:
        return 0
    reads = [r for r in exercise.reads if role in CASEWORK or not r.casework_only]
    return len(reads) + sum(RULES[s.rule](role, relation) == ALLOWED for s in exercise.shown)


# ---- Calling a route and checking the answer and the audit --------------------------------


def send(client: Client, key: str, exercise: Exercise, world: World, who: tuple[str, str] | None) -> HttpResponse:
    """Call the route as the user ``who`` (role, relation), or signed out when None."""
    method, path = method_of(key, exercise), path_of(key, exercise, world)
    body = exercise.body(world) if exercise.body else {}
    if is_api(key):
        headers = {"authorization": f"Bearer {world.tokens[who]}"} if who else {}
        if method == "get":
            return client.get(path, headers=headers)
        if exercise.multipart:
            return client.post(path, body, headers=headers)
        return client.generic(method.upper(), path, json.dumps(body), content_type="application/json",
                              headers=headers)
    if who:
        client.force_login(world.users[who])
    return client.get(path) if method == "get" else client.post(path, body)


def names(entry: AuditEntry, pk: int) -> bool:
    return entry.object_id == str(pk) or str(pk) in [str(i) for i in entry.object_ids]


def audited_read(user: Any, channel: str, object_type: str, pk: int, since: int) -> bool:
    entries = AuditEntry.objects.filter(id__gt=since, user=user, channel=channel, object_type=object_type,
                                        action__in=[AuditEntry.Action.VIEWED, AuditEntry.Action.LISTED])
    return any(names(e, pk) for e in entries)


def check_reads(response: HttpResponse, exercise: Exercise, world: World, who: tuple[str, str], channel: str,
                since: int) -> tuple[list[str], int]:
    """The records an allowed GET read, and the items its list shows, audited by id."""
    problems, checked = [], 0
    role, relation = who
    user = world.users[who]
    for read in exercise.reads:
        if read.casework_only and role not in CASEWORK:
            continue
        checked += 1
        if not audited_read(user, channel, read.object_type, world.pk(read.record), since):
            problems.append(f"no {channel} audit entry naming {read.object_type} {world.pk(read.record)}")
    for item in exercise.shown:
        record, allowed = world.records[item.record], RULES[item.rule](role, relation) == ALLOWED
        if item.shows(response, record) != allowed:
            problems.append(f"{item.object_type} {record.pk} {'missing from' if allowed else 'shown in'} the list")
        if allowed:
            checked += 1
            if not audited_read(user, channel, item.object_type, record.pk, since):
                problems.append(f"no {channel} audit entry listing {item.object_type} {record.pk}")
    return problems, checked


def check_refusal(response: HttpResponse, key: str, exercise: Exercise, world: World, who: tuple[str, str],
                  channel: str, since: int) -> list[str]:
    """A 404 is audited as a refused read of that kind of record; a 403 as a refused change; an
    API refusal has the one error shape."""
    problems = []
    user = world.users[who]
    refused = AuditEntry.objects.filter(user=user, channel=channel, action=AuditEntry.Action.REFUSED)
    if response.status_code == 404 and exercise.refused:
        pk = world.pk(list(exercise.params.values())[-1])  # the last parameter names the record
        if not any(names(e, pk) for e in refused.filter(object_type=exercise.refused)):
            problems.append(f"404 without a refused {exercise.refused} audit entry naming {pk}")
    if response.status_code == 403 and not refused.filter(id__gt=since).exists():
        problems.append("403 without a refused audit entry")
    if is_api(key) and response.status_code >= 400 and not has_error_shape(response):
        problems.append(f"error body not in the one shape: {response.content[:200]!r}")
    return problems


def has_error_shape(response: HttpResponse) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return set(error) == {"code", "message", "details"} and bool(error["code"]) and bool(error["message"])


def run_cell(client: Client, key: str, exercise: Exercise, world: World, who: tuple[str, str]
             ) -> tuple[list[str], int]:
    """Call the route as one user inside a savepoint (rolled back): the mismatches, reads checked."""
    role, relation = who
    method = method_of(key, exercise).upper()
    label = f"{method} {path_of(key, exercise, world)} ({key}) as {role} of {relation}"
    want = expected(key, exercise, role, relation)
    channel = AuditEntry.Channel.API if is_api(key) else AuditEntry.Channel.WEB
    savepoint = transaction.savepoint_create()
    try:
        since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            response = send(client, key, exercise, world, who)
        except Exception as e:  # noqa: BLE001 - reported with the other mismatches
            return [f"{label}: raised {type(e).__name__}: {e}, want {want}"], 0
        if response.status_code != want:
            return [f"{label}: got {response.status_code}, want {want}"], 0
        if want == 200 and method == "GET":
            problems, checked = check_reads(response, exercise, world, who, channel, since)
        else:
            problems, checked = check_refusal(response, key, exercise, world, who, channel, since), 0
        return [f"{label}: {p}" for p in problems], checked
    finally:
        transaction.savepoint_rollback(savepoint)


def check_signed_out(key: str, exercise: Exercise, world: World) -> list[str]:
    """Signed out: a page sends you to sign in; the API answers 401 in the one error shape."""
    response = send(Client(), key, exercise, world, None)
    label = f"{method_of(key, exercise).upper()} {key} signed out"
    if is_api(key):
        if response.status_code != 401 or not has_error_shape(response):
            return [f"{label}: got {response.status_code} {response.content[:120]!r}, want 401"]
    elif response.status_code != 302 or not response.headers["Location"].startswith("/login/"):
        return [f"{label}: got {response.status_code} {response.headers.get('Location', '')}, want 302 to /login/"]
    return []


# ---- The tests --------------------------------------------------------------------------


def test_every_route_has_a_row():
    """A route without a row in MATRIX fails here, and so does a row for a route that is gone."""
    discovered = set(page_routes()) | set(api_operations())
    missing, stale = sorted(discovered - set(MATRIX)), sorted(set(MATRIX) - discovered)
    assert not missing and not stale, (
        "The permission matrix and the routes differ.\n"
        f"Routes without a row in MATRIX (add one, with its rule): {missing}\n"
        f"Rows for routes that no longer exist (remove them): {stale}")


def test_every_row_is_well_formed():
    for key, exercises in MATRIX.items():
        route = key.split(" ", 1)[1] if is_api(key) else key
        needed = {a or b for a, b in PLACEHOLDER.findall(route)}
        for exercise in exercises:
            assert exercise.rule in RULES, f"{key}: unknown rule {exercise.rule}"
            assert set(exercise.params) == needed, f"{key}: parameters {exercise.params} for {sorted(needed)}"
            assert all(s.rule in RULES for s in exercise.shown), key
            assert is_api(key) or exercise.method in ("get", "post"), key


def test_every_page_is_wrapped_in_the_page_decorator():
    unwrapped = [route for route, pattern in page_routes().items() if not getattr(pattern.callback, "csphub_page", False)]
    assert not unwrapped, f"Pages not wrapped in csphub.web.pages.page: {unwrapped}"


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_route(client: Client, world: World, key: str):
    """Every user (5 roles x 5 relations) and a signed-out visitor against one route."""
    mismatches: list[str] = []
    checked = planned = 0
    for exercise in MATRIX[key]:
        mismatches += check_signed_out(key, exercise, world)
        for relation in RELATIONS:
            for role in ROLES:
                problems, n = run_cell(client, key, exercise, world, (role, relation))
                mismatches += problems
                checked += n
                planned += planned_reads(key, exercise, role, relation)
    assert not mismatches, f"{len(mismatches)} mismatches on {key}:\n" + "\n".join(mismatches)
    assert checked == planned, f"{key}: checked {checked} audited reads, planned {planned}"


def matrix_size() -> dict[str, int]:
    """What the matrix covers: routes, (role, relation, route) cells, calls and audited reads."""
    exercises = [(key, e) for key, es in MATRIX.items() for e in es]
    users = [(role, relation) for relation in RELATIONS for role in ROLES]
    return {
        "pages": len(PAGES), "api": len(API_ROUTES), "cells": len(MATRIX) * len(users),
        "calls": len(exercises) * len(users),
        "audited_reads": sum(planned_reads(k, e, r, rel) for k, e in exercises for r, rel in users),
        "refusals": sum(expected(k, e, r, rel) == 404 and bool(e.refused) for k, e in exercises for r, rel in users),
    }


def test_the_matrix_checks_audited_reads_on_every_record_route():
    size = matrix_size()
    assert size["pages"] == len(page_routes()) and size["api"] == len(api_operations())
    assert size["cells"] == (size["pages"] + size["api"]) * len(ROLES) * len(RELATIONS)
    assert size["audited_reads"] > 0 and size["refusals"] > 0
    record_routes = [k for k, es in MATRIX.items() if any(e.reads for e in es)]
    unread = [k for k in record_routes
              if not any(planned_reads(k, e, r, rel) for e in MATRIX[k] for r in ROLES for rel in RELATIONS)]
    assert not unread, f"Record routes whose reads are never checked: {unread}"


# ---- What the rows cannot say -------------------------------------------------------------


def test_api_errors_have_one_shape(client: Client, world: World):
    auth = {"authorization": f"Bearer {world.tokens[('officer', 'lead')]}"}
    unknown = client.get("/api/v1/nothing", headers=auth)
    assert unknown.status_code == 404 and has_error_shape(unknown)
    assert unknown.json()["error"]["code"] == "not_found"
    not_allowed = client.delete("/api/v1/cases/", headers=auth)
    assert not_allowed.status_code == 405 and has_error_shape(not_allowed)
    assert not_allowed.json()["error"]["code"] == "method_not_allowed" and "GET" in not_allowed["Allow"]
    bad_token = client.get("/api/v1/cases/", headers={"authorization": "Bearer csphub_not-a-token"})
    assert bad_token.status_code == 401 and bad_token.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("role", ROLES)
def test_sensitive_flags_only_for_cleared_roles(client: Client, world: World, role: str):
    response = client.get(f"/api/v1/people/{world.pk('victim')}",
                          headers={"authorization": f"Bearer {world.tokens[(role, 'lead')]}"})
    if role not in CASEWORK:
        assert response.status_code == 404
        return
    assert {f["kind"] for f in response.json()["flags"]} == {"elderly", "mental_health"}


def test_a_role_not_cleared_sees_no_sensitive_flags(client: Client, world: World, settings: Any):
    settings.CSPHUB_SENSITIVE_ROLES = ("supervisor",)
    officer = world.lead_officer
    flags = client.get(f"/api/v1/people/{world.pk('victim')}",
                       headers={"authorization": f"Bearer {world.tokens[('officer', 'lead')]}"}).json()["flags"]
    assert [f["kind"] for f in flags] == ["elderly"]
    client.force_login(officer)
    page = client.get(f"/people/{world.pk('victim')}/").content.decode()
    assert "Older person living alone" in page and "Mental health" not in page
    assert "1 sensitive flag not shown to your role" in page


@pytest.mark.parametrize("relation", sorted(ON_CASE))
def test_analysts_see_case_facts_but_not_people(client: Client, world: World, relation: str):
    analyst = (world.users[("analyst", relation)], world.tokens[("analyst", relation)])
    body = client.get(f"/api/v1/cases/{world.pk('case')}", headers={"authorization": f"Bearer {analyst[1]}"}).json()
    assert body["parties"] is None and body["summary"] is None
    incidents = client.get(f"/api/v1/cases/{world.pk('case')}/incidents",
                           headers={"authorization": f"Bearer {analyst[1]}"}).json()["items"]
    assert [i["description"] for i in incidents] == [None]
    client.force_login(analyst[0])
    page = client.get(f"/cases/{world.pk('case')}/").content.decode()
    assert "Jones" not in page and "Brown" not in page and "Loud music" not in page
    assert "1 victim" in page and "1 subject" in page
    assert not AuditEntry.objects.filter(user=analyst[0], object_type="person").exists()
    officer = world.tokens[("officer", relation)]
    parties = client.get(f"/api/v1/cases/{world.pk('case')}", headers={"authorization": f"Bearer {officer}"}).json()
    assert sorted(p["name"] for p in parties["parties"]) == ["Alex Brown", "Sam Jones"]


def test_a_referral_shows_the_referred_person_not_the_case(client: Client, world: World):
    """Housing, referred to about the victim, sees the referral and the victim, read-only: not
    the case, nor the subject on it."""
    client.force_login(world.users[("officer", "referred")])
    page = client.get(f"/referrals/{world.pk('referral')}/").content.decode()
    assert "Sam Jones" in page and "Alex Brown" not in page and "Loud music" not in page
    assert client.get(f"/cases/{world.pk('case')}/").status_code == 404
