"""The SEG's quarterly CCTV paper (the standing item) and the published register.

:func:`quarter_figures` counts everything the paper says, from the register, faults,
activity, reviews, deployments and footage requests; :func:`paper_docx` writes it as a Word
document with the map; :func:`register_csv` / :func:`register_xlsx` export the register for
publication (cameras flagged ``publish``, no personal data: no reviews, requesters, DPIAs or
footage requests).
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from datetime import date
from typing import Any

import duckdb
from django.db.models import Q
from django.utils import timezone

from csphub.access import policy
from csphub.change import counted
from csphub.errors import QueryError, RuleRefused

from . import rules
from .models import (
    ActivityMonth,
    Camera,
    Fault,
    FootageRequest,
    MonitoringMonth,
    RapidDeployment,
    Review,
)

log = logging.getLogger(__name__)
WORST_CAMERAS = 5


def parse_quarter(text: str) -> tuple[date, date]:
    try:
        return rules.quarter_bounds(text)
    except ValueError as e:
        raise RuleRefused("bad_quarter", str(e), "quarter") from e


def _fault_row(f: Fault, start: date, end: date, today: date) -> dict[str, Any]:
    return {"camera_id": f.camera.camera_id, "location": f.camera.location, "kind": f.get_kind_display(),
            "reported_on": f.reported_on.isoformat(), "closed_on": f.closed_on.isoformat() if f.closed_on else None}


def quarter_figures(user: Any, quarter: str, today: date | None = None) -> dict[str, Any]:
    """Every figure of the quarter's CCTV paper (calendar quarters: 2025Q3 is July-September).

    The estate's size and status are as the register stands now (the report date); faults,
    activity, reviews, decisions, deployments, footage requests and uptime are the quarter's."""
    start, end = parse_quarter(quarter)
    return period_figures(user, start, end, today)


def period_figures(user: Any, start: date, end: date, today: date | None = None) -> dict[str, Any]:
    """The same figures for any period (a committee paper's six months): see :func:`quarter_figures`."""
    cameras = list(_cameras(user))
    today = today or timezone.localdate()
    asof = min(end, today)
    r = rules.CctvRules.from_mapping(_rules_mapping())
    status = Counter(c.status for c in cameras)
    in_service = status[Camera.Status.WORKING] + status[Camera.Status.FAULTY]
    quarter = rules.quarter_of(start)
    return {
        # Named only when the period is exactly that quarter (a six-month paper is not "Q1").
        "quarter": quarter if rules.quarter_bounds(quarter) == (start, end) else None, "from": start.isoformat(), "to": end.isoformat(),
        "report_date": today.isoformat(),
        "estate": {
            "cameras": len(cameras), "in_service": in_service,
            "by_status": {s: status[s] for s in Camera.Status.values},
            "working_percent": round(100 * status[Camera.Status.WORKING] / in_service, 1) if in_service else None,
            "by_kind": dict(Counter(c.kind for c in cameras)),
            "by_transmission": {(k or "not recorded"): n for k, n in Counter(c.transmission for c in cameras).items()},
            "temporary": sum(c.permanence == Camera.Permanence.TEMPORARY for c in cameras),
            "past_end_of_life": sum(1 for c in cameras if c.in_service and c.end_of_life_on and c.end_of_life_on <= asof),
        },
        "faults": _faults(start, end, asof, r),
        "activity": _activity(start, end),
        "reviews": _reviews(start, end),
        "rapid_deployments": _deployments(start, end),
        "footage_requests": _footage(start, end),
        "uptime": _uptime(start, end),
        "code": _code(),
        "rules": {"zero_activity_months": r.zero_activity_months, "fault_flag_days": r.fault_flag_days,
                  "faulty_month_days": r.faulty_month_days},
    }


def _cameras(user: Any) -> Any:
    """The cameras a user may see; ``None`` is a system job (the CLI), which sees them all. A
    user who may see no cameras is refused."""
    if user is None:
        return Camera.objects.filter(archived_on__isnull=True)
    if not policy.can_view_cctv_register(user):
        from csphub.errors import PermissionRefused

        raise PermissionRefused("The CCTV register is for the partnership's users.")
    return policy.cameras(user)


def _rules_mapping() -> dict[str, Any]:
    from django.conf import settings

    return getattr(settings, "CSPHUB_CCTV_RULES", {})


def _faults(start: date, end: date, asof: date, r: rules.CctvRules) -> dict[str, Any]:
    live = Fault.objects.filter(archived_on__isnull=True, camera__archived_on__isnull=True).select_related("camera")
    opened = list(live.filter(reported_on__range=(start, end)))
    closed = list(live.filter(closed_on__range=(start, end)))
    open_at_end = list(live.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end), reported_on__lte=end))
    spans: dict[int, list[rules.FaultSpan]] = {}
    counts: Counter = Counter()
    for f in live.filter(reported_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start)):
        spans.setdefault(f.camera_id, []).append(rules.FaultSpan(f.reported_on, f.closed_on))
        counts[f.camera_id] += 1
    days = {cid: rules.fault_days_in(s, start, end, asof) for cid, s in spans.items()}
    names = {c.pk: c for c in Camera.objects.filter(pk__in=list(days))}
    worst = sorted(days, key=lambda cid: (-days[cid], -counts[cid], names[cid].camera_id))[:WORST_CAMERAS]
    return {
        "opened": len(opened), "closed": len(closed), "open_at_end": len(open_at_end),
        "mean_days_to_repair": rules.mean_days_to_repair(rules.FaultSpan(f.reported_on, f.closed_on) for f in closed),
        "flagged_at_end": sum(rules.faulty_too_long(rules.FaultSpan(f.reported_on, None), asof, r) for f in open_at_end),
        "by_kind": dict(Counter(f.get_kind_display() for f in opened)),
        "worst_cameras": [{"camera_id": names[cid].camera_id, "location": names[cid].location,
                           "faulty_days": days[cid], "faults": counts[cid]} for cid in worst],
        "opened_list": [_fault_row(f, start, end, asof) for f in opened],
    }


def _activity(start: date, end: date) -> dict[str, Any]:
    rows = list(ActivityMonth.objects.filter(month__range=(start, end), camera__archived_on__isnull=True))
    totals = {k: sum(getattr(a, k) for a in rows) for k in ("incidents", "police_requests", "other_requests",
                                                           "evidential", "arrests")}
    by_camera: dict[int, int] = {}
    for a in rows:
        by_camera[a.camera_id] = by_camera.get(a.camera_id, 0) + a.total
    return {**totals, "camera_months_reported": len(rows), "months_reported": len({a.month for a in rows}),
            "cameras_reported": len(by_camera), "cameras_zero_all_quarter": sum(1 for v in by_camera.values() if v == 0)}


def _review_row(rv: Review) -> dict[str, Any]:
    return {"reference": rv.reference, "kind": rv.get_kind_display(), "where": rv.where,
            "trigger": rv.get_trigger_display(), "opened_on": rv.opened_on.isoformat(), "status": rv.get_status_display(),
            "recommendation": rv.get_recommendation_display() if rv.recommendation else "",
            "decision": rv.get_decision_display() if rv.decision else "",
            "meeting": rv.meeting.reference if rv.meeting_id else "",
            "decided_on": rv.decided_on.isoformat() if rv.decided_on else None, "rationale": rv.rationale}


def _reviews(start: date, end: date) -> dict[str, Any]:
    live = Review.objects.filter(archived_on__isnull=True).select_related("camera", "meeting")
    due = [rv for rv in live.filter(kind=Review.Kind.PLACEMENT, opened_on__lte=end)
           .filter(Q(decided_on__isnull=True) | Q(decided_on__gt=end)).exclude(status=Review.Status.WITHDRAWN)]
    decided = list(live.filter(decided_on__range=(start, end)))
    requests = list(live.filter(kind=Review.Kind.NEW_CAMERA, opened_on__range=(start, end)))
    return {
        "zero_activity_opened": sum(rv.trigger == Review.Trigger.ZERO_ACTIVITY and start <= rv.opened_on <= end
                                    for rv in due + decided),
        "placement_reviews_due": [_review_row(rv) for rv in due],
        "decisions": [_review_row(rv) for rv in decided],
        "decisions_by_kind": dict(Counter(rv.get_decision_display() for rv in decided)),
        "new_camera_requests": len(requests),
    }


def _deployments(start: date, end: date) -> dict[str, Any]:
    from .services import with_footage_counts

    active = list(with_footage_counts(RapidDeployment.objects.filter(archived_on__isnull=True, deployed_on__lte=end)
                                      .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=start))
                                      .select_related("camera")))

    return {"active": len(active), "reviews_due_by_end": sum(d.removed_on is None and d.review_due_on <= end for d in active),
            "list": [{"camera_id": d.camera.camera_id, "site": d.site, "purpose": d.get_purpose_display(),
                      "from": d.deployed_on.isoformat(), "to": d.removed_on.isoformat() if d.removed_on else None,
                      "review_due_on": d.review_due_on.isoformat(), "footage_requests": d.footage_requests}
                     for d in active]}


def _footage(start: date, end: date) -> dict[str, Any]:
    found = list(FootageRequest.objects.filter(archived_on__isnull=True, requested_on__range=(start, end))
                 .select_related("requesting_agency"))
    return {"total": len(found), "police": sum(f.requesting_agency.kind == "police" for f in found),
            "other": sum(f.requesting_agency.kind != "police" for f in found),
            "provided": sum(f.status == FootageRequest.Status.PROVIDED for f in found)}


def _code() -> dict[str, Any] | None:
    from .services import estate_code_assessment

    latest = estate_code_assessment()
    if latest is None:
        return None
    return {"assessed_on": latest.assessed_on.isoformat(), **rules.code_rag_counts(latest.principles),
            "red_principles": sorted((int(n) for n, e in latest.principles.items() if e.get("rag") == "red"))}


def _uptime(start: date, end: date) -> dict[str, Any]:
    months = list(MonitoringMonth.objects.filter(month__range=(start, end)))
    hours = sum(m.hours_monitored for m in months)
    down = sum(m.downtime_hours for m in months)
    return {"months_reported": len(months), "hours_monitored": round(hours, 1), "downtime_hours": round(down, 1),
            "uptime_percent": rules.uptime_percent(hours, down)}


# ---- The map -----------------------------------------------------------------------------------

def register_map(user: Any, title: str = "CCTV cameras") -> bytes:
    """PNG of the cameras with coordinates over the ward boundaries loaded (when any)."""
    from csphub.analytics.camera_map import CameraPoint, camera_map
    from csphub.analytics.near import ward_outlines

    from .evidence import warehouse

    points = [CameraPoint(c.camera_id, c.longitude, c.latitude, c.status)
              for c in _cameras(user).exclude(latitude=None).exclude(longitude=None)]
    wards: list[Any] = []
    if points:
        pad = 0.01
        bounds = (min(p.longitude for p in points) - pad, min(p.latitude for p in points) - pad,
                  max(p.longitude for p in points) + pad, max(p.latitude for p in points) + pad)
        try:
            with warehouse() as con:
                wards = ward_outlines(con, bounds) if con is not None else []
        except (duckdb.Error, QueryError) as e:
            log.warning("ward outlines failed: %s", e)
    return camera_map(points, wards, title)


# ---- The published register -----------------------------------------------------------------------

EXPORT_COLUMNS = ("camera_id", "name", "location", "longitude", "latitude", "ward_code", "ward_name", "lsoa_code",
                  "type", "analogue_digital", "permanence", "owner", "funder", "installed", "end_of_life", "status",
                  "purposes")


def safe_cell(value: Any) -> Any:
    """A value for a CSV or Excel cell that a spreadsheet will not run as a formula (the one
    writer's rule, csphub.spreadsheets.safe_cell).

    Examples:
        >>> safe_cell("=HYPERLINK(1)"), safe_cell("-2.28"), safe_cell(-2.28), safe_cell("Sale")
        ("'=HYPERLINK(1)", "'-2.28", -2.28, 'Sale')
    """
    from csphub.spreadsheets import safe_cell as one_rule

    return one_rule(value)


def register_rows(user: Any) -> list[dict[str, Any]]:
    """The published register: cameras flagged for publication, no personal or internal data."""
    rows = []
    for c in _cameras(user).filter(publish=True).order_by("camera_id"):
        rows.append({"camera_id": c.camera_id, "name": c.name, "location": c.location, "longitude": c.longitude,
                     "latitude": c.latitude, "ward_code": c.ward_code, "ward_name": c.ward_name,
                     "lsoa_code": c.lsoa_code, "type": c.get_kind_display(),
                     "analogue_digital": c.get_transmission_display() if c.transmission else "",
                     "permanence": c.get_permanence_display(), "owner": c.owner, "funder": c.funder,
                     "installed": c.installed_on.isoformat() if c.installed_on else "",
                     "end_of_life": c.end_of_life_on.isoformat() if c.end_of_life_on else "",
                     "status": c.get_status_display(), "purposes": "; ".join(c.purpose_labels)})
    return rows


def register_csv(rows: list[dict[str, Any]]) -> bytes:
    """The register as CSV (UTF-8 with a byte-order mark, for Excel), through the one safe writer."""
    from csphub.spreadsheets import write_csv

    buffer = io.StringIO()
    write_csv(buffer, [{k: "" if row[k] is None else row[k] for k in EXPORT_COLUMNS} for row in rows], EXPORT_COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def register_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The register as an Excel workbook (one sheet, headings in bold), through the one safe writer."""
    import tempfile
    from pathlib import Path

    from csphub.spreadsheets import Sheet, write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        write_xlsx(path, [Sheet("Register", [list(EXPORT_COLUMNS), *[[row[k] for k in EXPORT_COLUMNS] for row in rows]],
                                bold_rows=1)])
        return path.read_bytes()


# ---- The paper as a Word document ------------------------------------------------------------------

def paper_docx(figures: dict[str, Any], map_png: bytes | None = None) -> bytes:
    from docx import Document
    from docx.shared import Cm

    f = figures
    doc = Document()
    doc.add_heading(f"CCTV update: {f['quarter']}", 0)
    doc.add_paragraph(f"Standing item for the CSP Strategic Executive Group. Period {f['from']} to {f['to']}; "
                      f"report date {f['report_date']}.")
    for heading, lines in paper_sections(f):
        doc.add_heading(heading, 1)
        for line in lines:
            doc.add_paragraph(line, style="List Bullet")
    if f["reviews"]["decisions"]:
        doc.add_heading("Decisions taken", 2)
        _table(doc, ["Review", "Camera or site", "Decision", "Meeting", "Rationale"],
               [[d["reference"], d["where"], d["decision"], d["meeting"], d["rationale"]] for d in f["reviews"]["decisions"]])
    if f["faults"]["worst_cameras"]:
        doc.add_heading("Cameras with the most faulty days", 2)
        _table(doc, ["Camera", "Location", "Faulty days", "Faults"],
               [[w["camera_id"], w["location"], str(w["faulty_days"]), str(w["faults"])] for w in f["faults"]["worst_cameras"]])
    if map_png:
        doc.add_heading("Map of the estate", 1)
        doc.add_picture(io.BytesIO(map_png), width=Cm(15))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc: Any, headings: list[str], rows: list[list[str]]) -> None:
    grid = doc.add_table(rows=1, cols=len(headings))
    grid.style = "Light Grid Accent 1"
    for cell, text in zip(grid.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text or ""


def paper_sections(f: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The paper's sentences, section by section (the page, the Word paper and the CLI share them)."""
    e, fa, a, rv, d, fr, u = (f["estate"], f["faults"], f["activity"], f["reviews"], f["rapid_deployments"],
                              f["footage_requests"], f["uptime"])
    status = e["by_status"]
    mttr = f"{fa['mean_days_to_repair']} days" if fa["mean_days_to_repair"] is not None else "no faults closed"
    uptime = (f"{u['uptime_percent']}% of {u['hours_monitored']:,} hours monitored ({u['downtime_hours']} hours of "
              f"downtime), from {u['months_reported']} of 3 monthly reports" if u["uptime_percent"] is not None
              else "no monitoring hours reported for the quarter")
    return [
        ("The estate", [
            f"{counted(e['cameras'], 'camera')} on the register: {status['working']} working, {status['faulty']} faulty, "
            f"{status['decommissioned']} decommissioned, {status['removed']} removed"
            + (f" ({e['working_percent']}% of those in service working)." if e["working_percent"] is not None else "."),
            f"{e['temporary']} temporary; {e['past_end_of_life']} in service past their end of life.",
        ]),
        ("Faults", [
            f"{counted(fa['opened'], 'fault')} reported and {fa['closed']} repaired in the quarter; {fa['open_at_end']} open at "
            f"its end, {fa['flagged_at_end']} of them for more than {f['rules']['fault_flag_days']} days.",
            f"Mean time to repair (faults closed in the quarter): {mttr}.",
        ]),
        ("Activity", [
            f"{a['incidents']} incidents captured, {a['police_requests']} footage requests by the police and "
            f"{a['other_requests']} by others, {a['evidential']} evidential uses, {a['arrests']} arrests assisted "
            f"({a['cameras_reported']} cameras over {a['months_reported']} monthly reports).",
            f"{counted(a['cameras_zero_all_quarter'], 'camera')} reported zero activity all quarter.",
        ]),
        ("Placement reviews and decisions", [
            f"{counted(rv['zero_activity_opened'], 'placement review')} opened by the {f['rules']['zero_activity_months']}-month "
            f"zero-activity rule; {counted(len(rv['placement_reviews_due']), 'placement review')} awaiting the SEG's decision.",
            f"{counted(len(rv['decisions']), 'decision')} taken by the SEG; {counted(rv['new_camera_requests'], 'new-camera request')} received.",
        ]),
        ("Rapid deployment", [
            f"{counted(d['active'], 'rapid deployment')} in place during the quarter; {d['reviews_due_by_end']} due review by its end.",
            f"{counted(fr['total'], 'footage request')} recorded ({fr['police']} police, {fr['other']} other); {fr['provided']} provided.",
        ]),
        ("Monitoring", [f"Control room uptime: {uptime}."]),
        ("Surveillance Camera Code", [
            f"Self-assessed on {f['code']['assessed_on']} against the 12 guiding principles: {f['code']['green']} green, "
            f"{f['code']['amber']} amber, {f['code']['red']} red"
            + (f" (red: principle {', '.join(str(n) for n in f['code']['red_principles'])})." if f["code"]["red_principles"]
               else ".") if f.get("code") else "The estate has not been self-assessed against the Code."]),
    ]
