"""The CCTV pages as the CCTV lead and a police officer use them: a new-camera request taken
through its DPIA, Code self-assessment, recommendation and the SEG's decision to the notice; a
fault reported and repaired; a rapid deployment reviewed; a footage request made and answered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.cctv.models import Camera, FootageRequest, RapidDeployment, Review, SegMeeting
from csphub.cctv.rules import DPIA_SECTIONS

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead() -> Any:
    user = create_user("supervisor", create_agency("Council Community Safety"), "cctv.lead")
    user.user_permissions.add(Permission.objects.get(codename="manage_estate", content_type__app_label="cctv"))
    return user


@pytest.fixture
def police() -> Any:
    return create_user("officer", create_agency("Kent Police", "police"), "pc.jones")


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_camera_request_from_request_to_the_ward_members_notice(lead: Any, data_dir: Any):
    c = as_user(lead)
    today = timezone.localdate()
    response = c.post("/cctv/reviews/new/", {"trigger": "ward_member", "requester_name": "Cllr Example",
                                             "proposed_location": "Lordswood shops", "reason": "Drug dealing",
                                             "opened_on": today.isoformat()})
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cctv/reviews/{review.pk}/"
    page = c.get(f"/cctv/reviews/{review.pk}/").content.decode()
    assert "No warehouse is loaded: crime and ASB counts are not available." in page
    # The DPIA cannot be signed off with sections missing; then it can.
    half = c.post(f"/cctv/reviews/{review.pk}/dpia/", {"pressing_need": "Reports of dealing", "retention_days": "31",
                                                        "signed_off_by": "DPO", "signed_off_on": today.isoformat()})
    assert half.status_code == 200 and "<title>Error: " in half.content.decode()
    assert "A DPIA is signed off once every section is filled" in half.content.decode()
    full = {k: f"{k} answered" for k, _ in DPIA_SECTIONS} | {"retention_days": "31", "residual_risk": "low",
                                                             "signed_off_by": "Data Protection Officer",
                                                             "signed_off_on": today.isoformat()}
    assert c.post(f"/cctv/reviews/{review.pk}/dpia/", full).status_code == 302
    code = {"assessed_on": today.isoformat()} | {f"p{n}_rag": "green" for n in range(1, 13)} | {
        f"p{n}_evidence": f"Evidence {n}" for n in range(1, 12)}
    missing = c.post(f"/cctv/reviews/{review.pk}/code/", code)
    assert missing.status_code == 200 and "Principle 12: the evidence for the rating" in missing.content.decode()
    assert c.post(f"/cctv/reviews/{review.pk}/code/", code | {"p12_evidence": "No matching"}).status_code == 302
    assert c.post(f"/cctv/reviews/{review.pk}/", {"recommend": "1", "recommendation": "install",
                                                  "reason": "Police support it"}).status_code == 302
    assert c.post("/cctv/meetings/", {"reference": "SEG-2026-12", "held_on": today.isoformat()}).status_code == 302
    meeting = SegMeeting.objects.get()
    assert c.post(f"/cctv/reviews/{review.pk}/", {"decide": "1", "decision": "install", "meeting": meeting.pk,
                                                  "rationale": "Justified by the DPIA and police evidence"}).status_code == 302
    review.refresh_from_db()
    assert (review.decision, review.meeting_id, review.decided_on) == ("install", meeting.pk, today)
    notice = c.get(f"/cctv/reviews/{review.pk}/notice/?format=docx")
    assert notice.status_code == 200 and notice["Content-Disposition"].endswith('-notice.docx"')
    assert c.get(f"/cctv/reviews/{review.pk}/notice/?format=pdf").content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="exported", object_type="camera_review", object_id=str(review.pk)).count() == 2
    assert "Cllr Example" not in notice.content.decode("latin-1")
    assert c.post(f"/cctv/reviews/{review.pk}/", {"notified": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.members_notified_on == today


def test_a_fault_reported_and_repaired_sets_the_cameras_status(lead: Any):
    c = as_user(lead)
    assert c.post("/cctv/cameras/new/", {"camera_id": "G-1", "location": "Gillingham High Street", "kind": "ptz",
                                         "permanence": "permanent", "status": "working", "publish": "on"}).status_code == 302
    camera = Camera.objects.get(camera_id="G-1")
    opened = timezone.localdate() - timedelta(days=30)
    c.post(f"/cctv/cameras/{camera.pk}/faults/add/", {"kind": "picture", "reported_on": opened.isoformat(),
                                                      "reported_by": "Control room", "contractor_reference": "J-1"})
    camera.refresh_from_db()
    assert camera.status == "faulty"
    faults = c.get("/cctv/faults/").content.decode()
    assert "Over 28 days" in faults and "J-1" in faults
    fault = camera.faults.get()
    early = c.post(f"/cctv/faults/{fault.pk}/close/", {"closed_on": (opened - timedelta(days=1)).isoformat()})
    assert "cannot be repaired before it was reported" in early.content.decode()
    assert c.post(f"/cctv/faults/{fault.pk}/close/", {"closed_on": timezone.localdate().isoformat()}).status_code == 302
    camera.refresh_from_db()
    assert camera.status == "working"


def test_an_edit_from_an_old_version_is_refused(lead: Any):
    c = as_user(lead)
    c.post("/cctv/cameras/new/", {"camera_id": "E-1", "location": "Quay", "kind": "fixed", "permanence": "permanent",
                                  "status": "working"})
    camera = Camera.objects.get()
    body = {"location": "Quay (north)", "kind": "fixed", "permanence": "permanent", "status": "working", "version": "1"}
    assert c.post(f"/cctv/cameras/{camera.pk}/edit/", body).status_code == 302
    stale = c.post(f"/cctv/cameras/{camera.pk}/edit/", body | {"location": "Quay (south)"})
    assert stale.status_code == 200 and "after you opened it; nothing was saved" in stale.content.decode()
    camera.refresh_from_db()
    assert camera.location == "Quay (north)"


def test_a_rapid_deployment_is_due_review_on_the_dashboard_then_reviewed(lead: Any):
    c = as_user(lead)
    c.post("/cctv/cameras/new/", {"camera_id": "RD-1", "location": "Kit 1", "kind": "rapid", "permanence": "temporary",
                                  "status": "working"})
    rapid = Camera.objects.get()
    today = timezone.localdate()
    assert c.post("/cctv/deployments/new/", {"camera": rapid.pk, "site": "Rainham Recreation Ground", "purpose": "asb",
                                             "problem": "Nuisance motorbikes",
                                             "deployed_on": (today - timedelta(days=90)).isoformat(),
                                             "review_due_on": (today - timedelta(days=1)).isoformat()}).status_code == 302
    dashboard = c.get("/cctv/dashboard/").content.decode()
    assert "Rainham Recreation Ground" in dashboard.split('id="deployments-due"')[1].split("</ul>")[0]
    deployment = RapidDeployment.objects.get()
    kept = c.post(f"/cctv/deployments/{deployment.pk}/review/", {"reviewed_on": today.isoformat(),
                                                                 "outcome": "No requests from the police for footage"})
    assert "Kept in place: give the next review date" in kept.content.decode()
    assert c.post(f"/cctv/deployments/{deployment.pk}/review/", {
        "reviewed_on": today.isoformat(), "outcome": "Lighter evenings ahead: keep",
        "next_review_on": (today + timedelta(days=90)).isoformat()}).status_code == 302
    deployment.refresh_from_db()
    assert deployment.review_due_on == today + timedelta(days=90) and deployment.removed_on is None


def test_police_request_footage_and_see_only_their_own_the_lead_answers(lead: Any, police: Any):
    as_user(lead).post("/cctv/cameras/new/", {"camera_id": "S-1", "location": "Rochester station", "kind": "fixed",
                                              "permanence": "permanent", "status": "working"})
    camera = Camera.objects.get()
    p = as_user(police)
    today = date.today()
    assert p.post("/cctv/footage/new/", {"camera": camera.pk, "incident_on": today.isoformat(), "reference": "46/1/26",
                                         "purpose": "Assault"}).status_code == 302
    found = FootageRequest.objects.get()
    assert found.requesting_agency.name == "Kent Police"
    other = create_user("officer", create_agency("Riverford Homes", "housing"), "housing.1")
    assert "46/1/26" not in as_user(other).get("/cctv/footage/").content.decode()
    assert as_user(other).get(f"/cctv/footage/{found.pk}/").status_code == 404
    assert p.post(f"/cctv/footage/{found.pk}/", {"status": "provided"}).status_code == 403
    assert as_user(lead).post(f"/cctv/footage/{found.pk}/", {"status": "refused", "note": ""}).status_code == 200
    assert as_user(lead).post(f"/cctv/footage/{found.pk}/", {"status": "provided", "note": "DVD"}).status_code == 302
    found.refresh_from_db()
    assert found.status == "provided"


def test_the_register_page_filters_and_exports(lead: Any, police: Any):
    c = as_user(lead)
    for camera_id, ward in (("A-1", "Chatham Central"), ("A-2", "Rochester West"), ("A-3", "Chatham Central")):
        c.post("/cctv/cameras/new/", {"camera_id": camera_id, "location": f"Site {camera_id}", "ward_name": ward,
                                      "kind": "fixed", "permanence": "permanent", "status": "working", "publish": "on"})
    p = as_user(police)
    page = p.get("/cctv/?ward=Chatham+Central").content.decode()
    assert "A-1" in page and "A-3" in page and "A-2" not in page and "Add a camera" not in page
    export = p.get("/cctv/export/?format=csv")
    assert export.status_code == 200 and export.content.decode("utf-8-sig").count("\r\n") == 4
    assert p.get("/cctv/export/?format=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    assert p.get("/cctv/report/map.png").content.startswith(b"\x89PNG")


def test_the_lead_cannot_decommission_a_camera_by_editing_it(lead: Any):
    c = as_user(lead)
    c.post("/cctv/cameras/new/", {"camera_id": "D-1", "location": "Car park", "kind": "fixed",
                                  "permanence": "permanent", "status": "working"})
    camera = Camera.objects.get()
    refused = c.post(f"/cctv/cameras/{camera.pk}/edit/", {"location": "Car park", "kind": "fixed",
                                                          "permanence": "permanent", "status": "decommissioned"})
    assert refused.status_code == 200 and "only on the SEG&#x27;s decision" in refused.content.decode()
    camera.refresh_from_db()
    assert camera.status == "working"


def test_the_lead_uploads_the_monthly_report_and_sees_the_rows_not_loaded(lead: Any):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_user(lead)
    c.post("/cctv/cameras/new/", {"camera_id": "U-1", "location": "Pier", "kind": "fixed", "permanence": "permanent",
                                  "status": "working"})
    body = (b"camera,month,incidents,footage_requests_police\nU-1,2025-07,3,1\nU-1,2025-08,x,0\n"
            b"U-9,2025-08,1,0\n,2025-07,,,\n")
    response = c.post("/cctv/upload/", {"kind": "activity", "file": SimpleUploadedFile("control-room-july.csv", body)},
                      follow=True)
    page = response.content.decode()
    assert "1 camera-months (Jul 2025 to Jul 2025)" in page and "3 rows quarantined" in page
    table = page.split('id="quarantined"')[1]
    assert "a whole number of 0 or more" in table and "a camera on the register" in table
    assert Camera.objects.get().activity.get().incidents == 3
    again = c.post("/cctv/upload/", {"kind": "activity", "file": SimpleUploadedFile("control-room-july.csv", body)})
    assert again.status_code == 302
    from csphub.cctv.models import QuarantinedRow

    assert QuarantinedRow.objects.count() == 3  # replaced, not added
    html = c.post("/cctv/upload/", {"kind": "register", "file": SimpleUploadedFile("register.csv", b"<html><body>")})
    assert html.status_code == 200 and "<title>Error: " in html.content.decode()
