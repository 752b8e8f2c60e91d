"""The decision notice to a ward's Members: the SEG's decision on a camera (or a proposed
camera) and the rationale, as Word (python-docx) and PDF (WeasyPrint). No personal data: the
requester of a new camera is not named."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from csphub.errors import RuleRefused

from .models import Review


def notice_facts(review: Review) -> dict[str, Any]:
    if review.status != Review.Status.DECIDED or review.meeting_id is None:
        raise RuleRefused("not_decided", "A decision notice is written once the SEG has decided (at a named meeting).",
                          "decision")
    camera = review.camera
    ward = (camera.ward_name if camera else review.ward_name) or "the ward"
    evidence = review.evidence or {}
    activity = evidence.get("activity") or {}
    crime = evidence.get("crime") or {}
    lines = []
    if activity:
        lines.append(f"Activity in the 12 months from {activity.get('from')}: {activity.get('incidents', 0)} incidents "
                     f"captured, {activity.get('police_requests', 0)} police footage requests, "
                     f"{activity.get('evidential', 0)} evidential uses, {activity.get('arrests', 0)} arrests assisted "
                     f"({activity.get('months_reported', 0)} monthly reports).")
    if crime.get("available") and crime.get("near"):
        n = crime["near"]
        lines.append(f"Within {evidence.get('radius_m')} m ({n['from']} to {n['to']}, police.uk): {n['crime']} crimes "
                     f"and {n['asb']} ASB incidents.")
    if crime.get("available") and crime.get("ward"):
        w = crime["ward"]
        lines.append(f"In the ward over the same months: {w['crime']} crimes and {w['asb']} ASB incidents.")
    if not crime.get("available") and crime.get("note"):
        lines.append(crime["note"])
    return {
        "review": review, "ward": ward, "camera": camera,
        "subject": (f"CCTV camera {camera.camera_id}, {camera.location}" if camera
                    else f"Proposed CCTV camera at {review.proposed_location}"),
        "decision": review.get_decision_display(), "meeting": review.meeting,
        "recommendation": review.get_recommendation_display() if review.recommendation else "",
        "evidence_lines": lines,
    }


def notice_docx(review: Review) -> bytes:
    from docx import Document

    f = notice_facts(review)
    doc = Document()
    doc.add_heading(f"CCTV decision notice: {f['subject']}", 1)
    doc.add_paragraph(f"To the Ward Members for {f['ward']}.")
    doc.add_paragraph(f"Review {review.reference} ({review.get_kind_display().lower()}, opened "
                      f"{review.opened_on:%d %B %Y}: {review.get_trigger_display().lower()}).")
    doc.add_heading("Decision", 2)
    decision = (f"At its meeting {f['meeting'].reference} on {f['meeting'].held_on:%d %B %Y}, the Community Safety "
                f"Partnership Strategic Executive Group decided: {f['decision']}.")
    if review.relocate_to:
        decision += f" The camera is to be relocated to {review.relocate_to}."
    doc.add_paragraph(decision)
    doc.add_heading("Rationale", 2)
    doc.add_paragraph(review.rationale)
    doc.add_heading("The evidence put to the SEG", 2)
    if f["recommendation"]:
        doc.add_paragraph(f"The CCTV lead officer recommended: {f['recommendation']}. {review.recommendation_reason}")
    for line in f["evidence_lines"]:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph("No single officer, Member or Government Official decides the location or removal of a camera: "
                      "the decision is the SEG's, on the documented evidence.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def notice_pdf(review: Review) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cctv/notice.html", notice_facts(review))
    return HTML(string=html).write_pdf()
