"""Panel pages. Every query goes through panels.permissions; every read is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.casework import permissions as casework_permissions
from csphub.casework import services as casework_services
from csphub.casework.views import _refusal_to_form, casework_view
from csphub.errors import NotFoundError, RuleRefused

from . import forms, permissions, services
from .models import PanelAction, PanelMeeting


@casework_view
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = [{"panel": p, "size": services.cohort_size(p),
               "waiting": p.referrals.filter(status="referred").count()} for p in permissions.visible_panels(request.user)]
    return render(request, "panels/panel_list.html", {"title": "Panels", "panels": panels,
                                                       "can_refer": permissions.can_refer_to(request.user, None)})


@casework_view
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = services.get_panel(request.user, pk)
    referrals = panel.referrals.filter(archived_on__isnull=True).select_related("person", "referring_agency")
    return render(request, "panels/panel_detail.html", {
        "title": panel.name, "panel": panel, "size": services.cohort_size(panel),
        "open": [r for r in referrals if r.is_open], "finished": [r for r in referrals if not r.is_open][:50],
        "meetings": panel.meetings.all()[:20], "agenda_preview": services.agenda_for(panel, timezone.localdate()),
    })


def _people_for(user: Any) -> list[tuple[int, str]]:
    people = casework_permissions.visible_people(user)[:500]
    return [(p.pk, f"{p.full_name}{f', born {p.date_of_birth:%d %b %Y}' if p.date_of_birth else ''}") for p in people]


@casework_view
def refer(request: HttpRequest) -> HttpResponse:
    user = request.user
    from .models import Panel

    panels = [(p.pk, p.name) for p in Panel.objects.filter(archived_on__isnull=True)]
    case = None
    if request.GET.get("case"):
        case = casework_services.get_case(user, int(request.GET["case"]), audit=False)
    people = _people_for(user) if case is None else [(p.person_id, p.person.full_name) for p in case.parties.select_related("person")]
    form = forms.ReferToPanelForm(request.POST or None, panels=panels, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        panel = Panel.objects.get(pk=int(d["panel"]))
        person = casework_services.get_person(user, int(d["person"]), audit=False) if d["person"] else None
        try:
            services.refer_to_panel(user, panel, person=person, location=d["location"], case=case, reason=d["reason"],
                                    risks=d["risks"], consent=d["consent"])
        except RuleRefused as e:
            _refusal_to_form(form, e)
        else:
            messages.success(request, f"Referred to {panel}")
            return redirect("case-detail", pk=case.pk) if case else redirect("panel-list")
    return render(request, "casework/form.html", {"form": form, "title": "Refer to a panel", "case": case})


@casework_view
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = services.get_referral(user, pk)
    decision = forms.DecisionForm(request.POST if "decide" in request.POST else None, initial={"status": referral.status})
    action_form = forms.ActionForm(request.POST if "add_action" in request.POST else None, members=referral.panel.members.all())
    if request.method == "POST":
        try:
            if "decide" in request.POST and decision.is_valid():
                services.decide(user, referral, decision.cleaned_data["status"], reason=decision.cleaned_data["reason"])
                messages.success(request, f"Decision recorded: {referral.get_status_display()}")
                return redirect("panel-referral", pk=referral.pk)
            if "add_action" in request.POST and action_form.is_valid():
                d = action_form.cleaned_data
                services.add_action(user, referral, description=d["description"], owner_agency=d["owner_agency"], due_on=d["due_on"])
                messages.success(request, "Action added")
                return redirect("panel-referral", pk=referral.pk)
            if "rag" in request.POST:
                action = PanelAction.objects.filter(pk=int(request.POST.get("action", 0)), referral=referral).first()
                if action is None:
                    raise NotFoundError("No such action.")
                services.update_action(user, action, request.POST["rag"])
                return redirect("panel-referral", pk=referral.pk)
        except RuleRefused as e:
            _refusal_to_form(decision if "decide" in request.POST else action_form, e)
    return render(request, "panels/referral_detail.html", {
        "title": f"{referral.panel}: referral", "referral": referral, "decision": decision, "action_form": action_form,
        "actions": referral.actions.filter(archived_on__isnull=True).select_related("owner_agency"),
        "rag_choices": PanelAction.Rag.choices, "today": timezone.localdate(),
    })


@casework_view
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = services.get_panel(request.user, pk)
    form = forms.MeetingForm(request.POST or None, members=panel.members.all(), initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = services.hold_meeting(request.user, panel, held_on=d["held_on"], agencies=list(d["agencies"]),
                                        attendees=d["attendees"], minutes=d["minutes"])
        messages.success(request, "Meeting recorded; its agenda is below")
        return redirect("panel-meeting", pk=meeting.pk)
    return render(request, "casework/form.html", {"form": form, "title": f"Record a meeting of {panel}",
                                                   "intro": "The agenda is built from referrals awaiting a decision and reviews due by the meeting date."})


@casework_view
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = PanelMeeting.objects.filter(pk=pk, panel__in=permissions.visible_panels(request.user)).first()
    if meeting is None:
        raise NotFoundError(f"No meeting {pk}.")
    services.get_panel(request.user, meeting.panel_id)
    return render(request, "panels/meeting_detail.html", {
        "title": f"{meeting.panel} meeting {meeting.held_on:%d %b %Y}", "meeting": meeting,
        "agenda": meeting.agenda.select_related("referral", "referral__person"),
    })
