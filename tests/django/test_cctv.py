"""The CCTV estate on the database: the real Trafford register, quarantine, the six-month rule
through the activity load, the SEG-meeting rule (service, page and API), the quarter's paper
against a hand count, the decision notice and the published register."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from csphub.cctv import notices, report, services
from csphub.cctv.loads import import_register, load_activity
from csphub.cctv.models import Camera, QuarantinedRow, Review
from csphub.errors import RuleRefused

from .factories import create_agency, create_token, create_user

pytestmark = pytest.mark.django_db


def grant(user: Any, codename: str) -> Any:
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="cctv"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def council() -> Any:
    return create_agency("Medway Council Community Safety")


@pytest.fixture
def lead(council: Any) -> Any:
    return grant(create_user("supervisor", council, "cctv.lead"), "manage_estate")


@pytest.fixture
def police_officer() -> Any:
    return create_user("officer", create_agency("Kent Police", "police"), "pc.smith")


def camera(lead: Any, camera_id: str, **kwargs: Any) -> Camera:
    return services.add_camera(lead, camera_id=camera_id, location=kwargs.pop("location", f"Site {camera_id}"), **kwargs)


def write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


# ---- The real Trafford register -------------------------------------------------------------------

def test_the_trafford_register_loads_163_cameras_each_with_its_ward(shared_data: Path, data_dir: Path):
    path = shared_data / "cctv" / "trafford_cctv_cameras.csv"
    with path.open(newline="", encoding="utf-8-sig") as f:
        published = {r["camera_id"]: r for r in csv.DictReader(f)}
    summary = import_register(path)
    assert (summary.created, summary.quarantined) == (163, 0)
    cameras = {c.camera_id: c for c in Camera.objects.all()}
    assert len(cameras) == 163
    for camera_id, row in published.items():
        c = cameras[camera_id]
        assert (c.ward_code, c.ward_name) == (row["area_code"], row["area_name"])
        assert (c.longitude, c.latitude) == (float(row["lon"]), float(row["lat"]))
        assert c.ward_source == "the file"
    assert Camera.objects.filter(ward_name="Gorse Hill & Cornbrook").count() == 24
    assert cameras["1004"].location == "Imperial War Musem tram stop"  # as published
    again = import_register(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 163)
    assert Camera.objects.count() == 163


def test_the_trafford_wards_agree_with_the_ons_2023_lookup(shared_data: Path, data_dir: Path):
    from csphub.analytics.geography import load_lookup
    from csphub.analytics.warehouse import open_warehouse
    from csphub.settings import load_settings

    with open_warehouse(load_settings().warehouse_path) as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
    summary = import_register(shared_data / "cctv" / "trafford_cctv_cameras.csv")
    assert summary.ward_sources == {"the file (code in the ONS 2023 lookup)": 163}
    assert summary.ward_mismatches == []


# ---- Quarantine --------------------------------------------------------------------------------------

def test_bad_rows_are_quarantined_with_file_line_field_and_reason_and_a_rerun_adds_nothing(tmp_path: Path):
    path = write(tmp_path / "register.csv", [
        ["camera_id", "location", "ward_code", "lon", "lat"],
        ["C1", "High Street", "E05015247", "-2.28", "53.46"],
        ["C2", "Station", "E05015247", "-2.28", "153.46"],
        ["", "No id", "", "-2.28", "53.46"],
        ["C3", "Pier", "not-a-code", "-2.28", "53.46"],
    ]).resolve()
    first = import_register(path)
    assert (first.created, first.quarantined) == (1, 3)
    rows = [(q.file, q.line, q.field) for q in QuarantinedRow.objects.order_by("line")]
    assert rows == [(str(path), 3, "lat"), (str(path), 4, "camera_id"), (str(path), 5, "ward_code")]
    assert "a latitude between 49.8 and 60.95" in QuarantinedRow.objects.get(line=3).reason
    import_register(path)
    assert QuarantinedRow.objects.count() == 3 and Camera.objects.count() == 1
    write(path, [["camera_id", "location", "ward_code", "lon", "lat"], ["C1", "High Street", "E05015247", "-2.28", "53.46"],
                 ["C2", "Station", "E05015247", "-2.28", "53.46"]])
    fixed = import_register(path)
    assert (fixed.created, fixed.unchanged, fixed.quarantined) == (1, 1, 0)
    assert not QuarantinedRow.objects.exists()


# ---- The six-month rule, through the activity load ---------------------------------------------------------

MONTHS = [f"2025-{m:02d}" for m in range(1, 10)]  # January to September 2025


def activity_rows(camera_id: str, active: set[str]) -> list[list[Any]]:
    return [[camera_id, m, 1 if m in active else 0, 0, 0, 0, 0] for m in MONTHS]


def test_the_six_month_rule_opens_reviews_at_6_and_7_months_not_5_nor_across_a_faulty_month(lead: Any, tmp_path: Path):
    for camera_id in ("A5", "B6", "C7", "D6F"):
        camera(lead, camera_id)
    # D6F has six zero months (April-September) but was faulty for 23 days of June.
    services.report_fault(lead, Camera.objects.get(camera_id="D6F"), kind="cabling", reported_by="Control room",
                          reported_on=date(2025, 6, 3))
    services.close_fault(lead, Camera.objects.get(camera_id="D6F").faults.get(), closed_on=date(2025, 6, 25))
    header = [["camera", "month", "incidents", "footage_requests_police", "footage_requests_other", "evidential_uses",
               "arrests_assisted"]]
    rows = (activity_rows("A5", {"2025-04"}) + activity_rows("B6", {"2025-03"}) + activity_rows("C7", {"2025-02"})
            + activity_rows("D6F", {"2025-03"}) + [["Z9", "2025-09", 0, 0, 0, 0, 0]])
    path = write(tmp_path / "activity.csv", header + rows)
    summary = load_activity(path, today=date(2025, 10, 15))
    assert summary.rows_loaded == 36 and summary.quarantined == 1
    assert QuarantinedRow.objects.get(kind="activity").line == 38  # Z9: not on the register
    opened = sorted(r.camera.camera_id for r in summary.reviews_opened)
    assert opened == ["B6", "C7"]
    b6 = Review.objects.get(camera__camera_id="B6")
    assert b6.trigger == "zero_activity" and "zero activity for 6 consecutive months (April 2025 to September 2025)" in b6.reason
    assert "7 consecutive months" in Review.objects.get(camera__camera_id="C7").reason
    assert services.zero_run_of(Camera.objects.get(camera_id="D6F"), date(2025, 10, 15)).months == 3
    again = load_activity(path, today=date(2025, 10, 15))
    assert again.reviews_opened == [] and Review.objects.count() == 2


# ---- The SEG decides -----------------------------------------------------------------------------------------

@pytest.fixture
def recommended(lead: Any) -> Review:
    c = camera(lead, "M-201", location="Cricketers car park, Rainham", ward_name="Rainham Central",
               transmission="analogue")
    review = services.open_placement_review(lead, c, reason="Two analogue cameras doing the same job")
    return services.recommend(lead, review, recommendation="decommission", reason="Duplicates M-202")


def test_no_decision_without_an_seg_meeting(lead: Any, recommended: Review):
    with pytest.raises(RuleRefused) as refused:
        services.decide(lead, recommended, decision="decommission", meeting=None, rationale="Duplicate coverage")
    assert refused.value.rule == "seg_meeting_required"
    recommended.refresh_from_db()
    assert recommended.status == "recommended" and recommended.camera.status == "working"
    meeting = services.add_meeting(lead, reference="SEG-2023-01", held_on=date(2023, 1, 19))
    fault = services.report_fault(lead, recommended.camera, kind="picture", reported_by="Control room",
                                  reported_on=date(2023, 1, 2))
    services.decide(lead, recommended, decision="decommission", meeting=meeting, rationale="Duplicate coverage")
    fault.refresh_from_db()
    assert fault.closed_on == date(2023, 1, 19) and recommended.reference in fault.resolution
    recommended.refresh_from_db()
    assert (recommended.status, recommended.decided_on, recommended.camera.status) == (
        "decided", date(2023, 1, 19), "decommissioned")
    with pytest.raises(RuleRefused, match="already_decided"):
        services.decide(lead, recommended, decision="keep", meeting=meeting, rationale="Changed our minds")


def test_the_decision_page_and_api_refuse_a_decision_without_a_meeting(client: Client, lead: Any, recommended: Review):
    client.force_login(lead)
    response = client.post(f"/cctv/reviews/{recommended.pk}/", {"decide": "1", "decision": "decommission",
                                                                 "meeting": "", "rationale": "Duplicate coverage"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page and "name the SEG meeting" in page
    answer = client.post(f"/api/v1/cctv/reviews/{recommended.pk}/decision", {"decision": "decommission",
                         "rationale": "Duplicate"}, content_type="application/json",
                         headers={"authorization": f"Bearer {create_token(lead)}"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "seg_meeting_required"
    recommended.refresh_from_db()
    assert recommended.status == "recommended"


def test_a_police_officer_sees_the_register_but_cannot_decide(client: Client, police_officer: Any, recommended: Review):
    client.force_login(police_officer)
    assert client.get(f"/cctv/cameras/{recommended.camera_id}/").status_code == 200
    assert client.get(f"/cctv/reviews/{recommended.pk}/").status_code == 404  # internal
    assert client.post(f"/cctv/cameras/{recommended.camera_id}/faults/add/", {}).status_code == 403


def test_the_decision_notice_gives_the_decision_meeting_and_rationale(lead: Any, recommended: Review):
    meeting = services.add_meeting(lead, reference="SEG-2023-01", held_on=date(2023, 1, 19))
    with pytest.raises(RuleRefused, match="not_decided"):
        notices.notice_docx(recommended)
    services.decide(lead, recommended, decision="decommission", meeting=meeting,
                    rationale="Two cameras cover the same car park; the other is replaced by a digital camera.")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(notices.notice_docx(recommended))).paragraphs)
    assert "To the Ward Members for Rainham Central." in text
    assert "SEG-2023-01 on 19 January 2023" in text and "decided: Decommission" in text
    assert "the other is replaced by a digital camera" in text
    assert notices.notice_pdf(recommended).startswith(b"%PDF")


def test_installing_a_new_camera_needs_a_signed_off_dpia(lead: Any):
    internal = lead
    request = services.request_new_camera(internal, trigger="ward_member", reason="Drug dealing by the shops",
                                          proposed_location="Lordswood shopping parade", requester_name="Cllr Example")
    services.recommend(lead, request, recommendation="install", reason="Police support; 40 ASB reports")
    meeting = services.add_meeting(lead, reference="SEG-2025-10", held_on=date(2025, 10, 9))
    with pytest.raises(RuleRefused, match="dpia_required"):
        services.decide(lead, request, decision="install", meeting=meeting, rationale="Justified")
    with pytest.raises(RuleRefused, match="dpia_incomplete"):
        services.save_dpia(lead, request, sections={"purpose": "Deter dealing"}, retention_days=31,
                           signed_off_by="DPO", signed_off_on=date(2025, 10, 1))
    from csphub.cctv.rules import DPIA_SECTIONS

    services.save_dpia(lead, request, sections={k: f"{k} done" for k, _ in DPIA_SECTIONS}, retention_days=31,
                       signed_off_by="Data Protection Officer", signed_off_on=date(2025, 10, 1))
    services.decide(lead, request, decision="install", meeting=meeting, rationale="Justified by the DPIA")
    request.refresh_from_db()
    assert request.status == "decided" and request.decision == "install"


# ---- The quarter's paper, against a hand count --------------------------------------------------------------

def test_the_quarter_report_against_a_hand_count(lead: Any, police_officer: Any, council: Any, tmp_path: Path):
    c1, c2, c3 = camera(lead, "C1"), camera(lead, "C2"), camera(lead, "C3")
    c4 = camera(lead, "C4", kind="rapid", permanence="temporary")
    f1 = services.report_fault(lead, c1, kind="picture", reported_by="Control room", reported_on=date(2025, 6, 20))
    services.close_fault(lead, f1, closed_on=date(2025, 7, 5))        # 15 days, closed in Q3
    f2 = services.report_fault(lead, c1, kind="cabling", reported_by="Control room", reported_on=date(2025, 7, 10))
    services.close_fault(lead, f2, closed_on=date(2025, 7, 13))       # 3 days, opened and closed in Q3
    services.report_fault(lead, c2, kind="power", reported_by="Kent Police", reported_on=date(2025, 8, 1))  # open
    f4 = services.report_fault(lead, c4, kind="damage", reported_by="Contractor", reported_on=date(2025, 9, 25))
    services.close_fault(lead, f4, closed_on=date(2025, 10, 2))       # open at the quarter's end
    header = ["camera", "month", "incidents", "footage_requests_police", "footage_requests_other", "evidential_uses",
              "arrests_assisted", "hours_monitored", "downtime_hours"]
    write(tmp_path / "q3.csv", [header,
                                ["C1", "2025-06", 9, 9, 9, 9, 9, "", ""],  # June: not in Q3
                                ["C1", "2025-07", 2, 1, 0, 0, 0, "", ""], ["C1", "2025-08", 0, 0, 0, 1, 0, "", ""],
                                ["C1", "2025-09", 0, 0, 0, 0, 0, "", ""],
                                ["C2", "2025-07", 0, 0, 0, 0, 0, "", ""], ["C2", "2025-08", 0, 0, 0, 0, 0, "", ""],
                                ["C2", "2025-09", 0, 0, 0, 0, 0, "", ""], ["C4", "2025-07", 0, 0, 0, 0, 1, "", ""],
                                ["", "2025-07", "", "", "", "", "", 744, 0], ["", "2025-08", "", "", "", "", "", 744, 2],
                                ["", "2025-09", "", "", "", "", "", 720, 0]])
    load_activity(tmp_path / "q3.csv", today=date(2025, 10, 15))
    meeting = services.add_meeting(lead, reference="SEG-2025-07", held_on=date(2025, 7, 17))
    r3 = services.open_placement_review(lead, c3, reason="End of life", opened_on=date(2025, 6, 1))
    services.recommend(lead, r3, recommendation="decommission", reason="Analogue, end of life")
    services.decide(lead, r3, decision="decommission", meeting=meeting, rationale="End of life")
    services.open_placement_review(lead, c1, reason="Review its position", opened_on=date(2025, 9, 1))
    services.request_new_camera(lead, trigger="public", reason="Fly-tipping", proposed_location="Back lane",
                                opened_on=date(2025, 8, 5))
    services.deploy(lead, camera=c4, site="Rainham Recreation Ground", purpose="asb", problem="Nuisance motorbikes",
                    deployed_on=date(2025, 6, 1), review_due_on=date(2025, 9, 15))
    provided = services.request_footage(police_officer, camera=c1, incident_on=date(2025, 8, 9), reference="CRN-1",
                                        purpose="Assault", requested_on=date(2025, 8, 10))
    services.answer_footage_request(lead, provided, status="provided")
    services.request_footage(create_user("officer", council, "enforcement.officer"), camera=c4, purpose="Fly-tipping",
                             incident_on=date(2025, 7, 19), reference="ENV-7", requested_on=date(2025, 7, 20))

    f = report.quarter_figures(lead, "2025Q3", today=date(2025, 10, 15))
    assert f["estate"]["cameras"] == 4 and f["estate"]["in_service"] == 3
    assert f["estate"]["by_status"] == {"working": 2, "faulty": 1, "decommissioned": 1, "removed": 0}
    assert f["estate"]["working_percent"] == 66.7 and f["estate"]["temporary"] == 1
    faults = f["faults"]
    assert (faults["opened"], faults["closed"], faults["open_at_end"], faults["flagged_at_end"]) == (3, 2, 2, 1)
    assert faults["mean_days_to_repair"] == 9.0  # (15 + 3) / 2
    assert [(w["camera_id"], w["faulty_days"], w["faults"]) for w in faults["worst_cameras"]] == [
        ("C2", 61, 1), ("C1", 9, 2), ("C4", 6, 1)]  # 1 Aug-30 Sep; 1-5 and 10-13 Jul; 25-30 Sep
    a = f["activity"]
    assert (a["incidents"], a["police_requests"], a["other_requests"], a["evidential"], a["arrests"]) == (2, 1, 0, 1, 1)
    assert (a["camera_months_reported"], a["cameras_reported"], a["cameras_zero_all_quarter"]) == (7, 3, 1)
    rv = f["reviews"]
    assert [d["reference"] for d in rv["decisions"]] == [r3.reference] and rv["decisions"][0]["meeting"] == "SEG-2025-07"
    assert [r["where"] for r in rv["placement_reviews_due"]] == [str(c1)] and rv["new_camera_requests"] == 1
    assert f["rapid_deployments"]["active"] == 1 and f["rapid_deployments"]["reviews_due_by_end"] == 1
    assert f["rapid_deployments"]["list"][0]["footage_requests"] == 1
    assert f["footage_requests"] == {"total": 2, "police": 1, "other": 1, "provided": 1}
    assert f["uptime"] == {"months_reported": 3, "hours_monitored": 2208, "downtime_hours": 2, "uptime_percent": 99.91}
    sentences = " ".join(line for _, lines in report.paper_sections(f) for line in lines)
    assert "3 faults reported and 2 repaired in the quarter" in sentences and "Mean time to repair" in sentences
    from docx import Document

    paper = Document(io.BytesIO(report.paper_docx(f, report.register_map(lead))))
    assert any("99.91%" in p.text for p in paper.paragraphs) and len(paper.inline_shapes) == 1


def test_the_report_page_and_the_cli_show_the_same_figures(client: Client, lead: Any, police_officer: Any):
    camera(lead, "C1")
    client.force_login(police_officer)
    page = client.get("/cctv/report/?quarter=2025Q3").content.decode()
    assert "1 camera on the register: 1 working" in page
    from click.testing import CliRunner

    from csphub.cli.cctv import cctv

    result = CliRunner().invoke(cctv, ["report", "--quarter", "2025Q3", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"cameras": 1' in result.output


# ---- The published register --------------------------------------------------------------------------------------

def test_the_published_register_leaves_out_unpublished_cameras_and_neutralises_formulas(lead: Any):
    camera(lead, "P1", location="=HYPERLINK(\"http://x\")", owner="+Council")
    camera(lead, "P2", location="Covert site", publish=False)
    rows = list(csv.reader(io.StringIO(report.register_csv(report.register_rows(lead)).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["P1"]
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][11] == "'+Council"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(report.register_xlsx(report.register_rows(lead)))).active
    assert sheet["C2"].value == "'=HYPERLINK(\"http://x\")" and sheet.max_row == 2


# ---- Retention ------------------------------------------------------------------------------------------------------

def test_retention_redacts_old_requesters_everywhere_and_keeps_the_decision(lead: Any):
    from csphub.casework.retention import REDACTED
    from csphub.cctv.retention import anonymise_requesters

    old = services.request_new_camera(lead, trigger="public", reason="Fly-tipping", proposed_location="Back lane",
                                      requester_name="Quillfeather Resident", requester_contact="07700 900123")
    services.recommend(lead, old, recommendation="decline", reason="Not a camera problem")
    meeting = services.add_meeting(lead, reference="SEG-2018-01", held_on=date(2018, 1, 18))
    services.decide(lead, old, decision="decline", meeting=meeting, rationale="Enforcement first")
    recent = services.request_new_camera(lead, trigger="ward_member", reason="ASB", proposed_location="Parade",
                                         requester_name="Cllr Recent")
    assert anonymise_requesters(6, today=date(2026, 1, 1), dry_run=True) == 1
    assert anonymise_requesters(6, today=date(2026, 1, 1)) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.requester_name, old.requester_contact, old.decision) == (REDACTED, REDACTED, "decline")
    assert not old.history.filter(requester_name__icontains="quillfeather").exists()
    assert recent.requester_name == "Cllr Recent"
    assert anonymise_requesters(6, today=date(2026, 1, 1)) == 0


def test_the_estates_code_self_assessment_reaches_the_paper(lead: Any):
    principles = {str(n): {"rag": "green", "evidence": f"Evidence {n}"} for n in range(1, 13)}
    with pytest.raises(RuleRefused, match="code_incomplete"):
        services.assess_estate_against_the_code(lead, principles={**principles, "7": {"rag": "", "evidence": ""}})
    principles["12"] = {"rag": "red", "evidence": "ANPR lists not updated"}
    services.assess_estate_against_the_code(lead, principles=principles, assessed_on=date(2025, 8, 1))
    f = report.quarter_figures(lead, "2025Q3", today=date(2025, 10, 1))
    assert f["code"] == {"assessed_on": "2025-08-01", "red": 1, "amber": 0, "green": 11, "red_principles": [12]}
    lines = dict(report.paper_sections(f))["Surveillance Camera Code"]
    assert lines == ["Self-assessed on 2025-08-01 against the 12 guiding principles: 11 green, 0 amber, 1 red "
                     "(red: principle 12)."]
