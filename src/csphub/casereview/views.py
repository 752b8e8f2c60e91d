"""ASB Case Review pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.casework import services as casework_services
from csphub.core.forms import attempt, show_refusal
from csphub.errors import NotFoundError, RuleRefused, StaleEdit

from . import forms, history, letters, services


def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rows = [{"app": a, "deadlines": services.deadlines_for(a), "overdue": services.overdue_stages(a, today)}
            for a in services.application_list(user)]
    return render(request, "casereview/list.html", {"title": "ASB Case Reviews", "rows": rows,
                                                    "rule": services.threshold_rule()})


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
            if "same_as" in request.POST:
                complaint = app.complaints.filter(pk=_int(request.POST.get("complaint"))).first()
                if complaint is not None:
                    services.mark_complaint_as_incident(user, complaint, request.POST.get("incident") or None)
                    messages.success(request, "Complaint marked")
                return redirect("case-review", pk=app.pk)
            if "escalate" in request.POST and escalation.is_valid():
                services.escalate(user, app, **escalation.cleaned_data)
                messages.success(request, "Escalation recorded")
                return redirect("case-review", pk=app.pk)
        except RuleRefused as e:
            show_refusal(review if "review" in request.POST else escalation, e)
    return render(request, "casereview/detail.html", {
        "title": app.reference, "app": app, "check": services.check_threshold(app),
        "linked_cases": services.linked_cases(user, app), "incidents": services.counted_incidents(user, app),
        "meeting": services.meeting_of(app), "today": timezone.localdate(), "recommendations": services.recommendation_list(
            user, purpose=f"case review {app.pk} recommendations", application=app),
        "deadlines": services.deadlines_for(app), "overdue": services.overdue_stages(app),
        "complaints": app.complaints.select_related("agency"), "review": review, "escalation": escalation,
        "form_errors": bool(review.errors or escalation.errors), "letters": letters.letters_on(app),
    })


def application_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """POST letter=acknowledgement|outcome:docx|pdf: the letter to the applicant, to save."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    kind, _, fmt = request.POST.get("letter", "").partition(":")
    try:
        filename, content, content_type = letters.generate_letter(request.user, pk, kind, fmt or "docx")
    except RuleRefused as e:
        return render(request, "casework/letter_not_written.html", {"title": "The letter was not written",
                                                                     "reason": e.reason}, status=400)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _form_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    forms_on_page = [v for v in context.values() if hasattr(v, "errors") and hasattr(v, "is_bound")]
    context["form_errors"] = any(f.errors for f in forms_on_page)
    return render(request, template, context, status=status)


def link_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = services.get_application(user, pk, purpose="case review link a case")
    form = forms.LinkCaseForm(request.POST or None, cases=services.case_choices(user, app))
    if request.method == "POST" and form.is_valid():
        try:
            link = services.link_case(user, app, form.cleaned_data["case"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Case {link.case.reference} linked: its incidents count towards the threshold")
            return redirect("case-review", pk=app.pk)
    return _form_page(request, "casereview/link_case.html", {"title": f"Link an ASB case: {app.reference}",
                                                             "app": app, "form": form})


def discretion(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = services.get_application(user, pk, purpose="case review discretion")
    form = forms.DiscretionForm(request.POST or None, initial={"version": app.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        decided, status = attempt(form, lambda: services.decide_discretionary(
            user, app, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]))
        if decided is not None:
            messages.success(request, "A review will be held at the partnership's discretion")
            return redirect("case-review", pk=app.pk)
    return _form_page(request, "casereview/discretion.html", {
        "title": f"Hold a review below the threshold: {app.reference}", "app": app, "form": form,
        "check": services.check_threshold(app)}, status)


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = services.get_application(user, pk, purpose="case review meeting")
    form = forms.MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    attendees = forms.AttendanceFormSet(request.POST or None, prefix="attendee")
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        came = [services.AttendanceInput(agency=a["agency"], name_role=a["name_role"])
                for a in attendees.cleaned_data if a.get("agency") and a.get("name_role")]
        try:
            services.record_meeting(user, app, attendees=came, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Review meeting recorded")
            return redirect("case-review", pk=app.pk)
    context = {"title": f"The review meeting: {app.reference}", "app": app, "meeting": services.meeting_of(app),
               "form": form, "attendees": attendees}
    page = _form_page(request, "casereview/meeting.html", context)
    return page


def meeting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the recorded review meeting (issue 12, item 8): its date, chair, independent chair,
    documents and the agencies that came, saying why; a stale form is refused (409)."""
    user = request.user
    app = services.get_application(user, pk, purpose="case review correct the meeting")
    meeting = services.meeting_of(app)
    if meeting is None:
        raise NotFoundError(f"No review meeting is recorded for {app.reference}.")
    form = forms.MeetingCorrectionForm(request.POST or None, initial={
        "held_on": meeting.held_on, "chair": meeting.chair, "independent_chair": meeting.independent_chair,
        "documents": meeting.documents, "version": meeting.version})
    # The recorded attendees on the blank form only: a posted row equal to its initial value would
    # count as unchanged, and be dropped, in an extra form.
    attendees = forms.AttendanceFormSet(request.POST or None, prefix="attendee", initial=None if request.POST else [
        {"agency": a.agency_id, "name_role": a.name_role} for a in meeting.attendances.all()])
    status = 200
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        came = [services.AttendanceInput(agency=a["agency"], name_role=a["name_role"])
                for a in attendees.cleaned_data if a.get("agency") and a.get("name_role")]
        d = form.cleaned_data
        result, status = attempt(form, lambda: services.correct_meeting(
            user, app, held_on=d["held_on"], chair=d["chair"], independent_chair=d["independent_chair"],
            documents=d["documents"], attendees=came, reason=d["correction_reason"],
            expected_version=d["version"]))
        if result is not None:
            messages.success(request, result.message)
            for effect in result.effects:
                messages.warning(request, effect)
            return redirect("case-review", pk=app.pk)
    return _form_page(request, "casereview/meeting_correct.html", {
        "title": f"Correct the review meeting: {app.reference}", "app": app, "form": form,
        "attendees": attendees}, status)


def review_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = history.review_history(request.user, pk)
    return render(request, "casework/history.html", {"title": f"History of {context['app'].reference}", **context})


def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = services.get_application(user, pk, purpose="case review add a recommendation")
    form = forms.RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_recommendation(user, app, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Recommendation added")
            return redirect("case-review", pk=app.pk)
    return _form_page(request, "casereview/recommendation_add.html",
                      {"title": f"Add a recommendation: {app.reference}", "app": app, "form": form})


def recommendation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    found = services.recommendation_list(request.user)
    return render(request, "casereview/recommendations.html", {
        "title": "Case review recommendations", "today": today,
        "overdue": [r for r in found if r.is_overdue(today)],
        "others": [r for r in found if not r.is_overdue(today)]})


def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    recommendation = services.get_recommendation(user, pk, purpose="case review recommendation page")
    form = forms.RecommendationStatusForm(request.POST or None, initial={
        "status": recommendation.status, "status_reason": recommendation.status_reason,
        "due_on": recommendation.due_on, "version": recommendation.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_recommendation(user, recommendation, status=d["status"], status_reason=d["status_reason"],
                                           due_on=d["due_on"], expected_version=d["version"])
        except StaleEdit as e:
            show_refusal(form, e)
            status = 409
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Recommendation updated")
            return redirect("case-review-recommendations")
    return _form_page(request, "casereview/recommendation.html", {
        "title": "Case review recommendation", "recommendation": recommendation, "form": form,
        "today": timezone.localdate()}, status)


def people_to_tell(request: HttpRequest) -> HttpResponse:
    """Victims and complainants whose own complaints already meet the threshold and who have not
    applied: tell them of their right to a review (its own page: the list can be long)."""
    return render(request, "casereview/people_to_tell.html", {
        "title": "People to tell about the ASB Case Review", "rule": services.threshold_rule(),
        "victims": services.victims_meeting_threshold(request.user, timezone.localdate())})
