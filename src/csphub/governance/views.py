"""Governance pages. Each parses its input, calls one service and renders; who may do what is
decided in csphub.access.policy and enforced by the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csphub.core.forms import attempt, show_refusal
from csphub.errors import InputFileError, RuleRefused

from . import engagement, forms, pages, plan_files, rules, services


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _year(request: HttpRequest) -> tuple[date, date]:
    """The period a list page shows: ?from=YYYY-MM-DD&to=... or the last twelve months."""
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = rules.add_months(today, -12) + timedelta(days=1)
    try:
        end = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, end


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/home.html", {"title": "Partnership governance", **pages.home(request.user)})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = services.plan_view(request.user, pk)
    return render(request, "governance/plan_detail.html", {"title": view.plan.name, "view": view,
                                                           "can_manage": services.policy.can_manage_governance(request.user)})


def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    content, name, content_type = pages.plan_export(request.user, pk, request.GET.get("format", "xlsx"))
    return _download(content, name, content_type)


def plan_import(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary, plan = pages.import_upload(request.user, form.cleaned_data)
        except (RuleRefused, InputFileError) as e:
            form.add_error("file", getattr(e, "reason", str(e)))
        else:
            messages.success(request, str(summary))
            if not summary.quarantined:
                return redirect("governance-plan", pk=plan.pk)
    return render(request, "governance/import.html", {"title": f"{'Error: ' if form.errors else ''}Import an action plan",
                                                      "form": form,
                                                      "summary": summary, "columns": plan_files.REQUIRED + plan_files.OPTIONAL})


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    action, updates = services.action_view(user, pk)
    form = forms.UpdateForm(request.POST or None, initial={"version": updates[0].version if updates else None})
    if request.method == "POST":
        services.require_action_update(user, action)
        if form.is_valid():
            d = form.cleaned_data
            try:
                update = services.record_update(user, action, quarter=d["quarter"], narrative=d["narrative"],
                                                achieved=d["achieved"], milestone_met=d["milestone_met"],
                                                rag_override=d["rag_override"], override_reason=d["override_reason"])
            except RuleRefused as e:
                show_refusal(form, e)
            else:
                messages.success(request, f"{update.period.label} update saved: {update.rag.upper()} ({update.rag_reason})")
                return redirect("governance-action", pk=action.pk)
    return render(request, "governance/action_detail.html", {
        "title": f"Error: {action.reference}" if form.errors else f"Action {action.reference}", "action": action,
        "updates": updates, "form": form, "can_update": services.policy.can_update_action(user, action),
        "can_manage": services.policy.can_manage_governance(user)})


def board_list(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/board_list.html", {"title": "Boards", "boards": services.board_list(request.user),
                                                          "can_manage": services.policy.can_manage_governance(request.user)})


def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    context = services.board_view(user, pk)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST":
        services.require_manager(user)
        if form.is_valid():
            meeting = services.schedule_meeting(user, context["board"], **form.cleaned_data)
            messages.success(request, f"Meeting scheduled with {meeting.agenda.count()} agenda items")
            return redirect("governance-meeting", pk=meeting.pk)
    return render(request, "governance/board_detail.html", {"title": f"{'Error: ' if form.errors else ''}{context['board'].name}",
                                                            "form": form, **context,
                                                            "can_manage": services.policy.can_manage_governance(user)})


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    context = services.meeting_view(user, pk)
    meeting = context["meeting"]
    post = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "") if post else ""
    minutes = forms.MinutesForm(post if which == "minutes" else None,
                                initial={"version": meeting.version, "minutes": meeting.minutes,
                                         "attending": context["attending"]})
    decision = forms.DecisionForm(post if which == "decision" else None)
    arising = forms.ActionArisingForm(post if which in ("action", "action_done") else None)
    paper = forms.PaperForm(post if which == "paper" else None, request.FILES if which == "paper" else None)
    if post is not None:
        services.require_manager(user)
        try:
            done = pages.meeting_post(user, meeting, which, minutes, decision, arising, paper)
        except RuleRefused as e:
            show_refusal({"decision": decision, "action": arising, "action_done": arising, "paper": paper}.get(which, minutes), e)
            done = ""
        if done:
            messages.success(request, done)
            return redirect("governance-meeting", pk=meeting.pk)
    failed = any(f.errors for f in (minutes, decision, arising, paper))
    return render(request, "governance/meeting_detail.html", {
        "title": f"{'Error: ' if failed else ''}{meeting}", **context, "minutes_form": minutes, "decision_form": decision,
        "action_form": arising, "paper_form": paper, "can_manage": services.policy.can_manage_governance(user)})


def paper_download(request: HttpRequest, pk: int) -> FileResponse:
    paper = services.reads.governance_paper(request.user, pk, purpose="paper download")
    response = FileResponse(paper.file.open("rb"), as_attachment=True, filename=paper.original_name or "paper",
                            content_type=paper.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def decision_register(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/decisions.html", {"title": "Decisions and recommendations register",
                                                         "decisions": pages.decision_register(request.user)})


def calendar(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/calendar.html", {"title": "Deadlines and calendar",
                                                        "rows": services.calendar(request.user),
                                                        "can_manage": services.policy.can_manage_governance(request.user)})


@require_POST
def calendar_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        following = pages.calendar_done(request.user, pk)
    except RuleRefused as e:  # e.g. already marked done by someone else: say so on the calendar
        messages.error(request, str(e))
        return redirect("governance-calendar")
    messages.success(request, "Marked done" + (f"; next due {following.due_on:%d %B %Y}" if following else ""))
    return redirect("governance-calendar")


def grant_list(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/grant_list.html", {"title": "Grants and funded projects",
                                                          "grants": services.grant_list(request.user),
                                                          "can_manage": services.policy.can_manage_governance(request.user)})


def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    context = services.grant_view(user, pk)
    grant = context["grant"]
    evidence_post = request.method == "POST" and request.POST.get("form") == "evidence"
    return_post = request.method == "POST" and request.POST.get("form", "return") == "return"
    form = forms.ReturnForm(request.POST if return_post else None,
                            workstreams=[(f.workstream.pk, f.workstream.title) for f in context["figures"]])
    evidence = forms.PaperForm(request.POST if evidence_post else None, request.FILES if evidence_post else None)
    if request.method == "POST":
        if not services.policy.can_report_grant(user, grant):
            raise services.PermissionRefused(f"Only the lead agency ({grant.led_by}) or a partnership admin records "
                                             "this grant's returns and evidence.")
        if evidence_post and evidence.is_valid():
            try:
                services.add_paper(user, uploaded=evidence.cleaned_data["file"], title=evidence.cleaned_data["title"],
                                   grant=grant)
            except RuleRefused as e:
                show_refusal(evidence, e)
            else:
                messages.success(request, "Evidence attached")
                return redirect("governance-grant", pk=grant.pk)
        elif request.POST.get("form") == "submitted":
            raw = request.POST.get("reporting_date", "")
            services.submit_report(user, grant, int(raw) if raw.isdigit() and len(raw) < 12 else 0,
                                   submitted_on=timezone.localdate())
            messages.success(request, "Return marked as sent to the funder")
            return redirect("governance-grant", pk=grant.pk)
        elif return_post and form.is_valid():
            d = form.cleaned_data
            workstream = grant.workstreams.get(pk=d["workstream"])
            try:
                services.record_return(user, workstream, quarter=d["quarter"], outputs=d["outputs"],
                                       outcomes=d["outcomes"] or 0, spend=d["spend"], note=d["note"])
            except RuleRefused as e:
                show_refusal(form, e)
            else:
                messages.success(request, f"{d['quarter'].label} return for {workstream} saved")
                return redirect("governance-grant", pk=grant.pk)
    return render(request, "governance/grant_detail.html", {
        "title": f"{'Error: ' if form.errors or evidence.errors else ''}{grant}", **context, "form": form,
        "evidence_form": evidence, "can_manage": services.policy.can_manage_governance(user),
        "can_report": services.policy.can_report_grant(user, grant)})


def grant_return(request: HttpRequest, pk: int) -> HttpResponse:
    content, name, content_type = pages.grant_return(request.user, pk, request.GET.get("format", "xlsx"))
    return _download(content, name, content_type)


def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    start, end = _year(request)
    form = forms.EventForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST":
        services.require_recorder(user)
        if form.is_valid():
            try:
                event = services.record_event(user, **{k: v for k, v in form.cleaned_data.items() if k != "version"})
            except RuleRefused as e:
                show_refusal(form, e)
            else:
                messages.success(request, f"{event.title} on {event.held_on:%d %B %Y} recorded")
                return redirect("governance-events")
    events = services.event_list(user, start=start, end=end)
    by_area, note = engagement.ward_figures(start, end)
    areas, figures = engagement.areas_of_events(events, by_area)
    return render(request, "governance/events.html", {"areas": areas,
        "no_map": engagement.map_unavailable(events, figures),
        "map_alt": engagement.map_alt_text(events, figures, start, end),
        "map_query": f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}",
        "title": f"{'Error: ' if form.errors else ''}Community engagement events", "events": events, "form": form,
        "wards": engagement.events_against_wards(events, figures), "note": note, "start": start, "end": end,
        "totals": services.engagement_totals(start, end), "can_record": services.policy.can_record_engagement(user)})


def events_map(request: HttpRequest) -> HttpResponse:
    start, end = _year(request)
    image, content_type = services.events_map(request.user, start=start, end=end)
    response = HttpResponse(image, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def outreach(request: HttpRequest) -> HttpResponse:
    user = request.user
    start, end = _year(request)
    programmes = [(p.pk, p.name) for p in services.OutreachProgramme.objects.filter(archived_on__isnull=True)]
    form = forms.OutreachSessionForm(request.POST or None, programmes=programmes, initial={"held_on": timezone.localdate()})
    if request.method == "POST":
        services.require_recorder(user)
        if form.is_valid():
            try:
                session = pages.record_session(user, form)
            except RuleRefused as e:
                show_refusal(form, e)
            else:
                messages.success(request, f"Session of {session.held_on:%d %B %Y} recorded: {session.attendees} attendees")
                return redirect("governance-outreach")
    return render(request, "governance/outreach.html", {
        "title": f"{'Error: ' if form.errors else ''}Anonymous outreach", "form": form, "start": start, "end": end,
        **services.outreach_view(user, start=start, end=end), "can_record": services.policy.can_record_engagement(user)})


def briefing(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.require_manager(user)
    boards = [(b.pk, b.short_name) for b in services.board_list(user)]
    today = timezone.localdate()
    form = forms.BriefingForm(request.POST or None, boards=boards, initial={
        "start": f"{rules.add_months(today, -6):%Y-%m}", "end": f"{rules.add_months(today, -1):%Y-%m}", "output": "docx"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            content, name, content_type = pages.write_paper(user, d)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            return _download(content, name, content_type)
    return render(request, "governance/briefing.html", {"title": f"{'Error: ' if form.errors else ''}Write a committee paper",
                                                        "form": form})



def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, intro: str = "") -> HttpResponse:
    return render(request, "governance/form.html", {"form": form, "back": back, "intro": intro,
                                                    "title": f"{'Error: ' if form.errors else ''}{title}", "heading": title},
                  status=status)


def _submit(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any]) -> tuple[Any, int]:
    """Validate a posted form and call ``save`` with its data (the form's ``version`` as
    ``expected_version``). A refusal goes on the form; a stale edit is a 409, nothing saved."""
    if request.method != "POST" or not form.is_valid():
        return None, 200
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version", None)
    return attempt(form, lambda: save(data))


def _new(data: dict[str, Any]) -> dict[str, Any]:
    """A create form's data without the version (a new record has none)."""
    data.pop("expected_version", None)
    return data


def _versioned(record: Any, **initial: Any) -> dict[str, Any]:
    return {**initial, "version": record.version}


def _standing_text(board: Any) -> str:
    return "\n".join(f"{s.title} = {s.topic}" if s.topic else s.title for s in board.standing_items.all())


def _counts_text(counts: dict[str, int]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (counts or {}).items())


def plan_create(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    form = forms.PlanForm(request.POST or None)
    plan, status = _submit(request, form, lambda d: services.create_plan(request.user, **_new(d)))
    if plan is not None:
        messages.success(request, f"{plan.name} added with {plan.priorities.count()} priorities")
        return redirect("governance-plan", pk=plan.pk)
    return _form_page(request, form, "Add a plan", "/governance/", status,
                      "Add its actions on the plan's page after, one by one or by importing a spreadsheet.")


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan, priorities = services.plan_for_change(request.user, pk)
    form = forms.PlanForm(request.POST or None, initial=_versioned(
        plan, **{f: getattr(plan, f) for f in services.PLAN_FIELDS}, priorities="\n".join(p.title for p in priorities)))
    saved, status = _submit(request, form, lambda d: services.change_plan(request.user, plan, **d))
    if saved is not None:
        messages.success(request, f"{saved.name} changed")
        return redirect("governance-plan", pk=plan.pk)
    return _form_page(request, form, f"Change {plan.name}", f"/governance/plans/{plan.pk}/", status)


def _board_values(d: dict[str, Any]) -> dict[str, Any]:
    d["members"] = list(d["members"])
    return d


def board_create(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    form = forms.BoardForm(request.POST or None)
    board, status = _submit(request, form, lambda d: services.create_board(request.user, **_board_values(_new(d))))
    if board is not None:
        messages.success(request, f"{board.name} added")
        return redirect("governance-board", pk=board.pk)
    return _form_page(request, form, "Add a board", "/governance/boards/", status)


def board_edit(request: HttpRequest, pk: int) -> HttpResponse:
    board = services.board_for_change(request.user, pk)
    form = forms.BoardForm(request.POST or None, initial=_versioned(
        board, **{f: getattr(board, f) for f in services.BOARD_FIELDS}, members=list(board.member_agencies.all()),
        standing_items=_standing_text(board)))
    saved, status = _submit(request, form, lambda d: services.change_board(request.user, board, **_board_values(d)))
    if saved is not None:
        messages.success(request, f"{saved.name} changed")
        return redirect("governance-board", pk=board.pk)
    return _form_page(request, form, f"Change {board.name}", f"/governance/boards/{board.pk}/", status,
                      "Standing items: add a line, move lines to reorder them, delete a line to remove one. Agendas "
                      "already built keep theirs.")


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = services.meeting_for_change(request.user, pk)
    form = forms.MeetingEditForm(request.POST or None, initial=_versioned(meeting, held_on=meeting.held_on,
                                                                           place=meeting.place))
    saved, status = _submit(request, form, lambda d: services.change_meeting(request.user, meeting, **d))
    if saved is not None:
        messages.success(request, f"Meeting moved to {saved.held_on:%d %B %Y}")
        return redirect("governance-meeting", pk=meeting.pk)
    return _form_page(request, form, f"Change the meeting of {meeting}", f"/governance/meetings/{meeting.pk}/", status,
                      "Minutes, attendance, papers, decisions and actions arising are recorded on the meeting's page.")


def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = services.decision_for_change(request.user, pk)
    form = forms.DecisionEditForm(request.POST or None, initial=_versioned(decision, kind=decision.kind,
                                                                            topic=decision.topic, text=decision.text))
    saved, status = _submit(request, form, lambda d: services.change_decision(request.user, decision, **d))
    if saved is not None:
        messages.success(request, "Decision changed")
        return redirect("governance-meeting", pk=decision.meeting_id)
    return _form_page(request, form, "Change a decision", f"/governance/meetings/{decision.meeting_id}/", status)


def meeting_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = services.meeting_action_for_change(request.user, pk)
    form = forms.ActionArisingEditForm(request.POST or None, initial=_versioned(
        action, description=action.description, owner_agency=action.owner_agency_id, due_on=action.due_on))
    saved, status = _submit(request, form, lambda d: services.change_meeting_action(request.user, action, **d))
    if saved is not None:
        messages.success(request, "Action arising changed")
        return redirect("governance-meeting", pk=action.meeting_id)
    return _form_page(request, form, "Change an action arising", f"/governance/meetings/{action.meeting_id}/", status)


def grant_create(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    form = forms.GrantForm(request.POST or None)
    grant, status = _submit(request, form, lambda d: services.create_grant(request.user, **_new(d)))
    if grant is not None:
        messages.success(request, f"{grant} added")
        return redirect("governance-grant", pk=grant.pk)
    return _form_page(request, form, "Add a grant", "/governance/grants/", status)


def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = services.grant_for_change(request.user, pk)
    dates = ", ".join(f"{r.due_on:%d/%m/%Y}" for r in grant.reporting_dates.all())
    form = forms.GrantForm(request.POST or None, initial=_versioned(
        grant, **{f: getattr(grant, f) for f in services.GRANT_FIELDS}, reporting_dates=dates))
    saved, status = _submit(request, form, lambda d: services.change_grant(request.user, grant, **d))
    if saved is not None:
        messages.success(request, f"{saved} changed")
        return redirect("governance-grant", pk=grant.pk)
    return _form_page(request, form, f"Change {grant}", f"/governance/grants/{grant.pk}/", status)


def workstream_create(request: HttpRequest, pk: int) -> HttpResponse:
    grant = services.grant_for_change(request.user, pk)
    form = forms.WorkstreamForm(request.POST or None)
    workstream, status = _submit(request, form, lambda d: services.add_workstream(request.user, grant, **_new(d)))
    if workstream is not None:
        messages.success(request, f"Workstream added to {grant}")
        return redirect("governance-grant", pk=grant.pk)
    return _form_page(request, form, f"Add a workstream to {grant}", f"/governance/grants/{grant.pk}/", status)


def workstream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = services.workstream_for_change(request.user, pk)
    form = forms.WorkstreamForm(request.POST or None, initial=_versioned(
        workstream, **{f: getattr(workstream, f) for f in services.WORKSTREAM_FIELDS}))
    saved, status = _submit(request, form, lambda d: services.change_workstream(request.user, workstream, **d))
    if saved is not None:
        messages.success(request, f"{saved} changed")
        return redirect("governance-grant", pk=workstream.grant_id)
    return _form_page(request, form, f"Change {workstream}", f"/governance/grants/{workstream.grant_id}/", status)


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = services.event_for_change(request.user, pk)
    initial = {f: getattr(event, f) for f in services.EVENT_FIELDS}
    initial.update({k: _counts_text(initial[k]) for k in ("attendees", "items_given", "feedback")})
    form = forms.EventForm(request.POST or None, initial=_versioned(event, **initial, partners=list(event.partners.all())))
    saved, status = _submit(request, form, lambda d: services.change_event(
        request.user, event, **{**d, "partners": list(d["partners"])}))
    if saved is not None:
        messages.success(request, f"{saved.title} changed")
        return redirect("governance-events")
    return _form_page(request, form, f"Change {event.title}", "/governance/events/", status)


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    action, _ = services.action_view(user, pk)
    services.require_manager(user)
    initial = {f: getattr(action, f) for f in services.ACTION_FIELDS}
    form = forms.ActionForm(request.POST if "reason" not in request.POST else None,
                            initial={**initial, "version": action.version, "partners": list(action.partners.all())})
    archive = forms.ArchiveForm(request.POST if "reason" in request.POST else None)
    if request.method == "POST":
        try:
            if "reason" in request.POST and archive.is_valid():
                services.archive_action(user, action, archive.cleaned_data["reason"])
                messages.success(request, f"Action {action.reference} taken out of the plan")
                return redirect("governance-plan", pk=action.priority.plan_id)
            if "reason" not in request.POST and form.is_valid():
                d = dict(form.cleaned_data)
                version, partners = d.pop("version"), list(d.pop("partners"))
                services.change_action(user, action, expected_version=version, partners=partners, **d)
                messages.success(request, f"Action {action.reference} changed")
                return redirect("governance-action", pk=action.pk)
        except RuleRefused as e:
            show_refusal(archive if "reason" in request.POST else form, e)
    failed = form.errors or archive.errors
    return render(request, "governance/action_edit.html", {
        "title": f"{'Error: ' if failed else ''}Change action {action.reference}", "action": action, "form": form,
        "archive": archive})


def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = services.priority_for_change(request.user, pk)
    form = forms.PriorityAimForm(request.POST or None, initial=_versioned(priority, aim=priority.aim))
    saved, status = _submit(request, form, lambda d: services.change_priority_aim(request.user, priority, **d))
    if saved is not None:
        messages.success(request, f"The aim of priority {saved.number} changed")
        return redirect("governance-plan", pk=priority.plan_id)
    return _form_page(request, form, f"Change the aim of priority {priority.number}: {priority.title}",
                      f"/governance/plans/{priority.plan_id}/", status)


ARCHIVE_BACK = {"plan": "/governance/plans/{pk}/", "board": "/governance/boards/{pk}/",
                "board_meeting": "/governance/meetings/{pk}/", "decision": "/governance/meetings/{found.meeting_id}/",
                "grant": "/governance/grants/{pk}/", "event": "/governance/events/"}
#: Where an archive sends the user: the list the record left (a meeting: its board; a decision: its meeting).
ARCHIVE_DONE = {"plan": "/governance/", "board": "/governance/boards/", "board_meeting": "/governance/boards/{found.board_id}/",
                "decision": "/governance/meetings/{found.meeting_id}/", "grant": "/governance/grants/",
                "event": "/governance/events/"}


def archive(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    found = services.record_to_archive(request.user, kind, pk)
    form = forms.ArchiveRecordForm(request.POST or None, initial=_versioned(found))
    saved, status = _submit(request, form, lambda d: services.archive_record(request.user, kind, found, d["reason"],
                                                                             expected_version=d["expected_version"]))
    if saved is not None:
        messages.success(request, f"{saved} archived; it is listed under archived records")
        return redirect(ARCHIVE_DONE[kind].format(found=found))
    name = getattr(found, "title", None) or str(found)
    return _form_page(request, form, f"Archive {name}", ARCHIVE_BACK[kind].format(pk=found.pk, found=found), status,
                      "Archiving takes it out of use. Nothing is deleted: it is kept, with its history, and "
                      "listed under archived records.")


def archived(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/archived.html", {"title": "Archived records",
                                                        "records": services.archived_records(request.user)})
