"""What the governance pages show and do, one call per page (the views only parse and render)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Action as Audit
from csphub.audit.services import Channel, record
from csphub.errors import NotFoundError, RuleRefused

from . import papers, plan_files, returns, rules, services
from .models import CalendarItem, Meeting, OutreachProgramme, OutreachSession

TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def home(user: Any) -> dict[str, Any]:
    services.require_reader(user)
    today = timezone.localdate()
    plans = services.plan_list(user)
    views = [services.plan_view(user, p.pk, purpose="governance home") for p in plans[:3]]
    due = [r for r in services.calendar(user, today) if r["state"].status in ("overdue", "remind")]
    start = rules.add_months(today, -12)
    return {"plans": plans, "views": views, "due": due, "engagement": services.engagement_totals(start, today),
            "outreach": services.outreach_summary(start, today), "can_manage": policy.can_manage_governance(user)}


def _export(kind: str) -> str:
    if kind not in TYPES:
        raise RuleRefused("bad_format", f"Export as xlsx or docx, not {kind!r}.", "format")
    return kind


def plan_export(user: Any, pk: object, kind: str, channel: str = Channel.WEB) -> tuple[bytes, str, str]:
    """The plan with each action's latest RAG as Excel or Word (audited as an export)."""
    kind = _export(kind)
    plan = reads.plan(user, pk, purpose="plan export", channel=channel)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"action-plan.{kind}"
        (plan_files.export_docx if kind == "docx" else plan_files.export_xlsx)(plan, path)
        content = path.read_bytes()
    record(user, Audit.EXPORTED, "plan", plan.pk, channel=channel, summary=kind)
    return content, f"{plan.name} action plan.{kind}", TYPES[kind]


def grant_return(user: Any, pk: object, kind: str, channel: str = Channel.WEB) -> tuple[bytes, str, str]:
    kind = _export(kind)
    grant = reads.grant(user, pk, purpose="grant return", channel=channel)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"return.{kind}"
        (returns.write_return_docx if kind == "docx" else returns.write_return_xlsx)(grant, path)
        content = path.read_bytes()
    record(user, Audit.EXPORTED, "grant", grant.pk, channel=channel, summary=f"return {kind}")
    return content, f"{grant} return.{kind}", TYPES[kind]


def import_upload(user: Any, data: dict[str, Any]) -> tuple[plan_files.ImportSummary, Any]:
    """Save the uploaded file for the import (CSV or Excel only) and import it."""
    from csphub.core import filetypes, uploads

    services.require_manager(user)
    kind = uploads.check_upload(data["file"])
    if kind not in (filetypes.XLSX, filetypes.CSV):
        raise RuleRefused("import_type", f"{data['file'].name} is {kind.label}; import a CSV or Excel (.xlsx) file.", "file")
    plan = data["plan"] or services.create_plan(user, name=data["new_plan"], starts_on=data["starts_on"],
                                                ends_on=data["ends_on"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(data["file"].name).name
        with path.open("wb") as handle:
            for chunk in data["file"].chunks():
                handle.write(chunk)
        return plan_files.import_plan(user, plan, path, channel=Channel.WEB), plan


def meeting_post(user: Any, meeting: Meeting, which: str, minutes: Any, decision: Any, arising: Any, paper: Any) -> str:
    """One of the meeting page's forms: minutes and attendance, a decision, an action arising,
    a paper. The success message, or "" when the form has errors."""
    if which == "minutes" and minutes.is_valid():
        d = minutes.cleaned_data
        services.record_meeting(user, meeting, minutes=d["minutes"], attending=list(d["attending"]),
                                expected_version=d["version"])
        return "Minutes and attendance saved"
    if which == "decision" and decision.is_valid():
        d = decision.cleaned_data
        services.record_decision(user, meeting, text=d["text"], kind=d["kind"], topic=d["topic"])
        return "Added to the decisions register"
    if which == "action" and arising.is_valid():
        d = arising.cleaned_data
        services.add_meeting_action(user, meeting, description=d["description"], owner_agency=d["owner_agency"],
                                    due_on=d["due_on"])
        return "Action arising added"
    if which == "action_done":
        raw = str(arising.data.get("action_id", ""))
        found = (meeting.actions_arising.filter(pk=int(raw), archived_on__isnull=True).first()
                 if raw.isdigit() and len(raw) < 12 else None)
        if found is None:
            raise RuleRefused("action_arising", "Choose one of this meeting's actions arising.", "description")
        services.complete_meeting_action(user, found, done_on=timezone.localdate())
        return "Action arising marked done"
    if which == "paper" and paper.is_valid():
        services.add_paper(user, uploaded=paper.cleaned_data["file"], title=paper.cleaned_data["title"], meeting=meeting)
        return "Paper attached"
    return ""


def decision_register(user: Any) -> list[Any]:
    services.require_reader(user)
    return list(reads.decisions(user, purpose="decisions register").select_related("meeting__board")[:500])


def calendar_done(user: Any, pk: object) -> CalendarItem | None:
    services.require_manager(user)
    item = CalendarItem.objects.filter(pk=pk, archived_on__isnull=True).first() if str(pk).isdigit() else None
    if item is None:
        raise NotFoundError(f"No calendar item {pk}.")
    return services.complete_calendar_item(user, item, done_on=timezone.localdate())


def record_session(user: Any, form: Any) -> OutreachSession:
    d = form.cleaned_data
    programme = OutreachProgramme.objects.filter(pk=d["programme"], archived_on__isnull=True).first()
    if programme is None:
        raise RuleRefused("programme", "Choose an outreach programme.", "programme")
    return services.record_outreach_session(
        user, programme, held_on=d["held_on"], attendees=d["attendees"],
        services_present=[s.strip() for s in d["services_present"].split(",") if s.strip()],
        outcomes=form.outcomes(), safeguarding_escalations=d["safeguarding_escalations"],
        tokens=[t for t in d["tokens"].splitlines() if t.strip()])


def write_paper(user: Any, data: dict[str, Any]) -> tuple[bytes, str, str]:
    board = None
    if data.get("board"):
        board = reads.board(user, data["board"], purpose="committee paper")
    start, end = data["period"]
    return papers.paper_for(user, kind=data["kind"], start=start, end=end, board=board, number=data["number"],
                            committee=data["committee"], output=data["output"])
