"""The CCTV estate's rows of the permission matrix (see matrix_kit).

The CCTV lead is ``supervisor.lead`` (granted ``cctv.manage_estate`` here); ``officer.lead``
holds ``cctv.view_internal`` (the community safety team: sees reviews, DPIAs and every footage
request, changes nothing). Every partner sees the register; officers and supervisors of any
agency record footage requests and see their own agency's; the footage request in the world is
the police's (``shared``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from csphub.cctv import services
from csphub.cctv.models import Camera, SegMeeting

from .matrix_kit import ALLOWED, CASEWORK, Exercise, Read, Shown, World, api_ids, href, iso, text

LEAD = ("supervisor", "lead")
INTERNAL = {LEAD, ("officer", "lead")}
POLICE = {("officer", "shared"), ("supervisor", "shared")}


def _only(allowed: set[tuple[str, str]], otherwise: int) -> Any:
    return lambda role, relation: ALLOWED if (role, relation) in allowed else otherwise


def _lead_record(role: str, relation: str) -> Any:
    if (role, relation) == LEAD:
        return ALLOWED
    return 403 if (role, relation) in INTERNAL else 404


def _footage_answer(role: str, relation: str) -> Any:
    if (role, relation) == LEAD:
        return ALLOWED
    return 403 if (role, relation) in INTERNAL | POLICE else 404


RULES = {
    "cctv_lead": _only({LEAD}, 403),
    "cctv_internal_list": _only(INTERNAL, 403),
    "cctv_internal_record": _only(INTERNAL, 404),
    "cctv_lead_record": _lead_record,
    "cctv_footage_list": lambda role, relation: ALLOWED if role in CASEWORK else 403,
    "cctv_footage_view": _only(INTERNAL | POLICE, 404),
    "cctv_footage_answer": _footage_answer,
}


def add_records(world: World) -> None:
    lead, internal = world.users[LEAD], world.users[("officer", "lead")]
    lead.user_permissions.add(Permission.objects.get(codename="manage_estate", content_type__app_label="cctv"))
    internal.user_permissions.add(Permission.objects.get(codename="view_internal", content_type__app_label="cctv"))
    lead = type(lead).objects.get(pk=lead.pk)  # a fresh user: permissions are cached per object
    today = world.today
    camera = services.add_camera(lead, camera_id="M-101", location="Gillingham High Street", latitude=51.387,
                                 longitude=0.548, ward_name="Gillingham North", kind="fixed")
    kept = services.add_camera(lead, camera_id="M-102", location="Rochester station", kind="ptz")
    rapid = services.add_camera(lead, camera_id="RD-1", location="Rapid deployment kit 1", kind="rapid",
                                permanence="temporary")
    services.add_camera(lead, camera_id="RD-2", location="Rapid deployment kit 2", kind="rapid", permanence="temporary")
    r = world.records
    r["camera"] = camera
    r["fault"] = services.report_fault(lead, camera, kind="picture", reported_by="Control room",
                                       reported_on=today - timedelta(days=3))
    r["review"] = services.open_placement_review(lead, camera, reason="Zero activity for six months")
    services.recommend(lead, r["review"], recommendation="keep", reason="Still covers the night-time economy")
    meeting = services.add_meeting(lead, reference="SEG-TEST-1", held_on=today - timedelta(days=1))
    decided = services.open_placement_review(lead, kept, reason="Cabling faults")
    services.recommend(lead, decided, recommendation="keep", reason="Repaired")
    r["decided_review"] = services.decide(lead, decided, decision="keep", meeting=meeting, rationale="Repaired and busy")
    r["deployment"] = services.deploy(lead, camera=Camera.objects.get(pk=rapid.pk), site="Rainham Recreation Ground",
                                      purpose="asb", problem="Nuisance motorbikes", deployed_on=today - timedelta(days=40),
                                      review_due_on=today - timedelta(days=1))
    r["footage"] = services.request_footage(world.users[("officer", "shared")], camera=camera,
                                            incident_on=today - timedelta(days=2), reference="CRN-46/1234/25",
                                            purpose="Assault outside the station")
    assert SegMeeting.objects.filter(reference="SEG-TEST-1").exists()


def _camera_body(w: World) -> dict[str, Any]:
    return {"camera_id": "M-900", "location": "Chatham High Street", "kind": "fixed", "permanence": "permanent",
            "status": "working", "publish": "on"}


def _code_body(w: World) -> dict[str, Any]:
    body = {"assessed_on": iso(w.today)}
    for n in range(1, 13):
        body[f"p{n}_rag"], body[f"p{n}_evidence"] = "green", f"Evidence {n}"
    return body


CAMERA = {"pk": "camera"}
REVIEW = {"pk": "review"}
CAMERA_READ = Read("camera", "camera")
REVIEW_READ = Read("camera_review", "review")


def _fault_shown(response: Any, fault: Any) -> bool:
    return f'href="/cctv/cameras/{fault.camera_id}/"' in response.content.decode()


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/cctv/": (Exercise("signed_in", shown=(Shown("signed_in", "camera", "camera", href("/cctv/cameras/{pk}/")),)),),
    "/cctv/dashboard/": (Exercise("cctv_internal_list"),),
    "/cctv/cameras/new/": (Exercise("cctv_lead"), Exercise("cctv_lead", "post", body=_camera_body)),
    "/cctv/cameras/<int:pk>/": (Exercise("signed_in", params=CAMERA, reads=(CAMERA_READ,), refused="camera"),),
    "/cctv/cameras/<int:pk>/edit/": (
        Exercise("cctv_lead", params=CAMERA, refused="camera"),
        Exercise("cctv_lead", "post", CAMERA, body=lambda w: {**_camera_body(w), "camera_id": "M-101",
                                                              "location": "Gillingham High Street (west)"},
                 refused="camera"),
    ),
    "/cctv/cameras/<int:pk>/faults/add/": (
        Exercise("cctv_lead", params=CAMERA, refused="camera"),
        Exercise("cctv_lead", "post", CAMERA, body=lambda w: {"kind": "cabling", "reported_on": iso(w.today),
                                                              "reported_by": "Control room"}, refused="camera"),
    ),
    "/cctv/faults/": (Exercise("signed_in", shown=(Shown("signed_in", "camera_fault", "fault", _fault_shown),)),),
    "/cctv/faults/<int:pk>/close/": (
        Exercise("cctv_lead", params={"pk": "fault"}, refused="camera_fault"),
        Exercise("cctv_lead", "post", {"pk": "fault"}, body=lambda w: {"closed_on": iso(w.today)},
                 refused="camera_fault"),
    ),
    "/cctv/reviews/": (Exercise("cctv_internal_list", shown=(
        Shown("cctv_internal_record", "camera_review", "review", href("/cctv/reviews/{pk}/")),)),),
    "/cctv/reviews/new/": (
        Exercise("cctv_internal_list"),
        Exercise("cctv_internal_list", "post", body=lambda w: {
            "trigger": "ward_member", "proposed_location": "Lordswood shops", "reason": "Drug dealing reported",
            "opened_on": iso(w.today)}),
    ),
    "/cctv/reviews/<int:pk>/": (
        Exercise("cctv_internal_record", params=REVIEW, reads=(REVIEW_READ,), refused="camera_review"),
        Exercise("cctv_lead_record", "post", REVIEW, body=lambda w: {
            "recommend": "1", "recommendation": "decommission", "reason": "No activity"}, refused="camera_review"),
    ),
    "/cctv/reviews/<int:pk>/notice/": (Exercise(
        "cctv_internal_record", params={"pk": "decided_review"}, reads=(Read("camera_review", "decided_review"),),
        refused="camera_review"),),
    "/cctv/reviews/<int:pk>/dpia/": (
        Exercise("cctv_lead_record", params=REVIEW, reads=(REVIEW_READ,), refused="camera_review"),
        Exercise("cctv_lead_record", "post", REVIEW, body=lambda w: {"retention_days": "31"}, refused="camera_review"),
    ),
    "/cctv/reviews/<int:pk>/code/": (
        Exercise("cctv_lead_record", params=REVIEW, reads=(REVIEW_READ,), refused="camera_review"),
        Exercise("cctv_lead_record", "post", REVIEW, body=_code_body, refused="camera_review"),
    ),
    "/cctv/meetings/": (
        Exercise("cctv_internal_list"),
        Exercise("cctv_lead", "post", body=lambda w: {"reference": "SEG-NEW-1", "held_on": iso(w.today)}),
    ),
    "/cctv/deployments/": (Exercise("signed_in", shown=(
        Shown("signed_in", "camera_deployment", "deployment", text("Rainham Recreation Ground")),)),),
    "/cctv/deployments/new/": (
        Exercise("cctv_lead"),
        Exercise("cctv_lead", "post", body=lambda w: {
            "camera": Camera.objects.get(camera_id="RD-2").pk, "site": "Cozenton Skate Park", "purpose": "asb",
            "problem": "Youth ASB", "deployed_on": iso(w.today), "review_due_on": iso(w.today + timedelta(days=90))}),
    ),
    "/cctv/deployments/<int:pk>/review/": (
        Exercise("cctv_lead", params={"pk": "deployment"}, refused="camera_deployment"),
        Exercise("cctv_lead", "post", {"pk": "deployment"}, body=lambda w: {
            "reviewed_on": iso(w.today), "outcome": "No footage requests since deployment", "removed_on": iso(w.today)},
            refused="camera_deployment"),
    ),
    "/cctv/footage/": (Exercise("cctv_footage_list", shown=(
        Shown("cctv_footage_view", "footage_request", "footage", href("/cctv/footage/{pk}/")),)),),
    "/cctv/footage/new/": (
        Exercise("cctv_footage_list"),
        Exercise("cctv_footage_list", "post", body=lambda w: {
            "camera": w.pk("camera"), "incident_on": iso(w.today), "reference": "CRN-1", "purpose": "Robbery"}),
    ),
    "/cctv/footage/<int:pk>/": (
        Exercise("cctv_footage_view", params={"pk": "footage"}, reads=(Read("footage_request", "footage"),),
                 refused="footage_request"),
        Exercise("cctv_footage_answer", "post", {"pk": "footage"}, body=lambda w: {"status": "provided", "note": ""},
                 refused="footage_request"),
    ),
    "/cctv/report/": (Exercise("signed_in"),),
    "/cctv/report/map.png": (Exercise("signed_in"),),
    "/cctv/export/": (Exercise("signed_in"),),
    "/cctv/code/": (Exercise("signed_in"), Exercise("cctv_lead", "post", body=_code_body)),
    "/cctv/upload/": (
        Exercise("cctv_lead"),
        Exercise("cctv_lead", "post", body=lambda w: {"kind": "activity", "file": SimpleUploadedFile(
            "activity.csv", b"camera,month,incidents\nM-101,2025-07,3\nNOPE,2025-07,1\n", "text/csv")}),
    ),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/cctv/cameras": (Exercise("signed_in", shown=(Shown("signed_in", "camera", "camera", api_ids),)),),
    "GET /api/v1/cctv/cameras/{camera_id}": (Exercise(
        "signed_in", params={"camera_id": "camera"}, reads=(CAMERA_READ,), refused="camera"),),
    "POST /api/v1/cctv/cameras/{camera_id}/faults": (Exercise(
        "cctv_lead", params={"camera_id": "camera"}, body=lambda w: {"kind": "cabling", "reported_by": "Control room"},
        refused="camera"),),
    "GET /api/v1/cctv/faults": (Exercise("signed_in", shown=(Shown("signed_in", "camera_fault", "fault", api_ids),)),),
    "GET /api/v1/cctv/reviews": (Exercise("cctv_internal_list", shown=(
        Shown("cctv_internal_record", "camera_review", "review", api_ids),)),),
    "GET /api/v1/cctv/reviews/{review_id}": (Exercise(
        "cctv_internal_record", params={"review_id": "review"}, reads=(REVIEW_READ,), refused="camera_review"),),
    "POST /api/v1/cctv/reviews/{review_id}/decision": (Exercise(
        "cctv_lead_record", params={"review_id": "review"}, refused="camera_review", ok=200,
        body=lambda w: {"decision": "keep", "meeting_reference": "SEG-TEST-1", "rationale": "Still needed"}),),
    "GET /api/v1/cctv/footage-requests": (Exercise("cctv_footage_list", shown=(
        Shown("cctv_footage_view", "footage_request", "footage", api_ids),)),),
    "POST /api/v1/cctv/footage-requests": (Exercise("cctv_footage_list", body=lambda w: {
        "camera_id": w.pk("camera"), "incident_on": iso(w.today), "reference": "CRN-2", "purpose": "Theft"}),),
    "GET /api/v1/cctv/report": (Exercise("signed_in"),),
}
