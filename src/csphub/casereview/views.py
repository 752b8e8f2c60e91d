"""ASB Case Review pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.casework import services as casework_services
from csphub.core.forms import show_refusal
from csphub.errors import RuleRefused

from . import forms, services


def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rows = [{"app": a, "deadlines": services.deadlines_for(a), "overdue": services.overdue_stages(a, today)}
            for a in services.application_list(user)]
    return render(request, "casereview/list.html", {
        "title": "ASB Case Reviews", "rows": rows, "victims": services.victims_meeting_threshold(user, today),
        "rule": services.threshold_rule(),
    })


def application_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    people = services.applicant_choices(user)
    form = forms.ApplicationForm(request.POST or None, people=people, initial={"received_on": timezone.localdate(),
                                                                               "applicant": request.GET.get("applicant")})
    formset = forms.ComplaintFormSet(request.POST or None, prefix="complaint")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        complaints = [services.ComplaintInput(**c) for c in formset.cleaned_data if c]
        try:
            app = services.receive_application(
                user, applicant=casework_services.get_person(user, d["applicant"], purpose="case review applicant"),
                behaviour=d["behaviour"], received_on=d["received_on"], on_behalf_of=d["on_behalf_of"],
                complaints=complaints)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Application {app.reference} recorded")
            return redirect("case-review", pk=app.pk)
    return render(request, "casereview/create.html", {"title": "Record an ASB Case Review application",
                                                      "form": form, "formset": formset,
                                                      "form_errors": bool(form.errors) or formset.total_error_count() > 0})


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = services.get_application(user, pk, purpose="case review page")
    review = forms.ReviewForm(request.POST if "review" in request.POST else None, initial={"held_on": timezone.localdate()})
    escalation = forms.EscalationForm(request.POST if "escalate" in request.POST else None, initial={"requested_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if "acknowledge" in request.POST:
                services.acknowledge(user, app)
                messages.success(request, "Acknowledged")
                return redirect("case-review", pk=app.pk)
            if "decide" in request.POST:
                decision = services.decide_threshold(user, app)
                messages.success(request, decision.reason)
                return redirect("case-review", pk=app.pk)
            if "review" in request.POST and review.is_valid():
                services.record_review(user, app, **review.cleaned_data)
                messages.success(request, "Review recorded")
                return redirect("case-review", pk=app.pk)
            if "escalate" in request.POST and escalation.is_valid():
                services.escalate(user, app, **escalation.cleaned_data)
                messages.success(request, "Escalation recorded")
                return redirect("case-review", pk=app.pk)
        except RuleRefused as e:
            show_refusal(review if "review" in request.POST else escalation, e)
    return render(request, "casereview/detail.html", {
        "title": app.reference, "app": app, "check": services.check_threshold(app),
        "deadlines": services.deadlines_for(app), "overdue": services.overdue_stages(app),
        "complaints": app.complaints.select_related("agency"), "review": review, "escalation": escalation,
        "form_errors": bool(review.errors or escalation.errors),
    })
