"""The CCTV section of the committee briefing note (found by ``csphub.governance.papers``):
the estate, faults, activity and the SEG's camera decisions in the period. Counts and camera
references only."""

from __future__ import annotations

from datetime import date
from typing import Any

from csphub.change import counted

from .models import Camera


def cctv_section(start: date, end: date) -> dict[str, Any] | None:
    """None when the register is empty (the app is installed but unused)."""
    from .report import period_figures

    if not Camera.objects.filter(archived_on__isnull=True).exists():
        return None
    f = period_figures(None, start, end)
    e, fa, a, rv = f["estate"], f["faults"], f["activity"], f["reviews"]
    status = e["by_status"]
    working = f" ({e['working_percent']}% of those in service)" if e["working_percent"] is not None else ""
    lines = [f"{counted(e['cameras'], 'camera')} on the register at {f['report_date']}: {status['working']} working{working}, "
             f"{status['faulty']} faulty.",
             f"{counted(fa['opened'], 'fault')} reported and {fa['closed']} repaired in the period; {fa['open_at_end']} open at its end.",
             f"{counted(a['incidents'], 'incident')} captured; {counted(a['police_requests'], 'footage request')} by the "
             f"police; {counted(a['arrests'], 'arrest')} assisted ({counted(a['months_reported'], 'monthly activity report')})."]
    pending = rv["placement_reviews_due"]
    if pending:
        lines.append(f"{counted(len(pending), 'camera placement review')} awaiting a decision.")
    decisions = [[d["reference"], d["where"], d["decision"], d["decided_on"] or ""] for d in rv["decisions"]]
    tables = [{"headings": ["Review", "Where", "Decision", "Decided on"], "rows": decisions}] if decisions else []
    return {"title": "CCTV", "paragraphs": [f"Between {start:%d %B %Y} and {end:%d %B %Y}:", lines],
            "tables": tables,
            "sources": [f"CCTV register, faults, activity returns and reviews {start} to {end} (csphub.cctv)"]}


def briefing_sections() -> list[tuple[str, Any]]:
    return [("cctv", cctv_section)]
