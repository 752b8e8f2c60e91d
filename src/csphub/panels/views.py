"""Panel pages: each parses its input, calls one service (which reads through csphub.access,
audited) and renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.casework import services as casework_services
from csphub.core.forms import show_refusal
from csphub.errors import RuleRefused

from . import forms, services
from .models import PanelAction


def panel_list(request: HttpRequest) -> HttpResponse:
    return render(request, "panels/panel_list.html", {"title": "Panels", **services.panel_list(request.user)})


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = services.panel_page(request.user, pk)
    return render(request, "panels/panel_detail.html", {"title": context["panel"].name, **context})


def refer(request: HttpRequest) -> HttpResponse:
    user = request.user
    case_id = request.GET.get("case", "").strip()
    choices = services.referral_choices(user, case_id or None)
    case = choices["case"]
    form = forms.ReferToPanelForm(request.POST or None, panels=choices["panels"], people=choices["people"])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = casework_services.get_person(user, d["person"], purpose="referred to a panel") if d["person"] else None
        try:
            referral = services.refer_to_panel(user, d["panel"], person=person, location=d["location"], case=case,
                                               reason=d["reason"], risks=d["risks"], consent=d["consent"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Referred to {referral.panel}")
            return redirect("case-detail", pk=case.pk) if case else redirect("panel-list")
    return render(request, "casework/form.html", {"form": form, "title": "Refer to a panel", "case": case})


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = services.get_referral(user, pk, purpose="panel referral page")
    decision = forms.DecisionForm(request.POST if "decide" in request.POST else None, initial={"status": referral.status, "version": referral.version})
    action_form = forms.ActionForm(request.POST if "add_action" in request.POST else None, members=referral.panel.members.all())
    if request.method == "POST":
        try:
            if "decide" in request.POST and decision.is_valid():
                services.decide(user, referral, decision.cleaned_data["status"], reason=decision.cleaned_data["reason"],
                                expected_version=decision.cleaned_data["version"])
                messages.success(request, "Decision recorded")
                return redirect("panel-referral", pk=referral.pk)
            if "add_action" in request.POST and action_form.is_valid():
                d = action_form.cleaned_data
                services.add_action(user, referral, description=d["description"], owner_agency=d["owner_agency"], due_on=d["due_on"])
                messages.success(request, "Action added")
                return redirect("panel-referral", pk=referral.pk)
            if "rag" in request.POST:
                services.set_action_rag(user, referral, request.POST.get("action", ""), request.POST["rag"])
                return redirect("panel-referral", pk=referral.pk)
        except RuleRefused as e:
            if "rag" in request.POST:
                messages.error(request, e.reason)
                return redirect("panel-referral", pk=referral.pk)
            show_refusal(decision if "decide" in request.POST else action_form, e)
    return render(request, "panels/referral_detail.html", {
        "title": f"{referral.panel}: referral", "referral": referral, "decision": decision, "action_form": action_form,
        "actions": referral.actions.filter(archived_on__isnull=True).select_related("owner_agency"),
        "rag_choices": PanelAction.Rag.choices, "today": timezone.localdate(),
        "form_errors": bool(decision.errors or action_form.errors),
    })


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = services.get_panel(request.user, pk, purpose="meeting form")
    form = forms.MeetingForm(request.POST or None, members=panel.members.all(), initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = services.hold_meeting(request.user, panel, held_on=d["held_on"], agencies=list(d["agencies"]),
                                        attendees=d["attendees"], minutes=d["minutes"])
        messages.success(request, "Meeting recorded; its agenda is below")
        return redirect("panel-meeting", pk=meeting.pk)
    return render(request, "casework/form.html", {"form": form, "title": f"Record a meeting of {panel}",
                                                   "intro": "The agenda is built from referrals awaiting a decision and reviews due by the meeting date."})


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = services.meeting_page(request.user, pk)
    meeting = context["meeting"]
    return render(request, "panels/meeting_detail.html", {
        "title": f"{meeting.panel} meeting {meeting.held_on:%d %b %Y}", **context})


def referral_history(request: HttpRequest, pk: int) -> HttpResponse:
    from .history import referral_history as history

    context = history(request.user, pk)
    return render(request, "casework/history.html", {"title": f"History of the referral to {context['referral'].panel}",
                                                     **context})
