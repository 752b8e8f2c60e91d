"""The casework pages. Each parses its input, calls one service and renders; who may see and
change what is decided in csphub.access and enforced by the services. Sign-in, refusals and
the no-store header come from the page decorator the site URL map (csphub.web.urls) wraps
around every view here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.core.forms import attempt, show_refusal
from csphub.core.listing import CountedPaginator
from csphub.errors import RuleRefused

from . import chronology, corrections, exports, find, forms, history, letters, pages, services
from .models import CaseType, Intervention, PostcodeStatus


def _people_on(case: Any) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for party in case.parties.select_related("person"):
        seen.setdefault(party.person_id, f"{party.person.full_name} ({party.get_role_display()})")
    return list(seen.items())


def _form_page(request: HttpRequest, form: Any, title: str, case: Any = None, intro: str = "") -> HttpResponse:
    return render(request, "casework/form.html", {"form": form, "title": title, "case": case, "intro": intro})


# ---- Dashboard and lists ---------------------------------------------------------------

def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/dashboard.html", {"title": "Dashboard", **pages.dashboard(request.user)})


def _download(export: exports.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def case_list(request: HttpRequest) -> HttpResponse:
    """The case list, filtered and sorted; ?format=csv or ?format=xlsx exports every case of it
    (with the same filters) instead, unless a filter is wrong, when the page says what is."""
    user = request.user
    choices = find.filter_choices(user)
    form = forms.CaseFilterForm(request.GET or None, **choices)
    filters = find.CaseFilters()
    if form.is_bound and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        d["case_type"] = d["case_type"].pk if "case_type" in d else None
        filters = find.CaseFilters(**d)
    fmt = request.GET.get("format")
    if fmt is not None and not form.errors:
        return _download(exports.case_list_file(user, filters, fmt))
    found = find.case_list(user, filters, columns=find.CASE_LIST_COLUMNS)
    page = CountedPaginator(found["cases"], 50, counted=found["counted"]).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("format", None)
    sorting = keep.copy()
    sorting.pop("sort", None)
    return render(request, "casework/case_list.html", {
        "title": "Cases", "page": page, "form": form, "can_create": found["can_create"], "sort": filters.sort,
        "query": keep.urlencode(), "sort_query": sorting.urlencode(),
        "columns": [("reference", "Reference"), ("type", "Type"), ("agency", "Lead agency"), ("lead", "Lead officer"),
                    ("ward", "Ward"), ("status", "Status"), ("opened", "Opened"), ("review", "Next review")]})


def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    found = find.search(request.user, q)
    return render(request, "casework/search.html", {"title": "Search", "form": form, **found})


def caseload(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/caseload.html", {"title": "Your team's caseload", "rows": find.caseload(request.user),
                                                      "today": timezone.localdate()})


def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = find.location_page(request.user, pk)
    return render(request, "casework/location_detail.html", {"title": context["location"].address, **context})


def location_map(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(find.location_map(request.user, pk), content_type="image/svg+xml")


# ---- A case ------------------------------------------------------------------------------

def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = pages.case_page(request.user, pk)
    template = "casework/case_facts.html" if context["facts_only"] else "casework/case_detail.html"
    return render(request, template, {"title": context["case"].reference, **context})


def case_create(request: HttpRequest) -> HttpResponse:
    services.require_create(request.user)
    form = forms.CaseForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.open_case(request.user, case_type=d["case_type"], summary=d["summary"],
                                      opened_on=d["opened_on"], next_review_on=d["next_review_on"],
                                      address=d["address"], postcode=d["postcode"], latitude=d["latitude"],
                                      longitude=d["longitude"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Case {case.reference} opened")
            if case.location is not None and case.location.postcode_status == PostcodeStatus.NOT_FOUND:
                messages.warning(request, f"Postcode {case.location.postcode} is not in the loaded postcode "
                                 "directory: the case has no ward. Check the postcode and correct the place.")
            return redirect("case-detail", pk=case.pk)
    return _form_page(request, form, "Open a case")


def case_add_person(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = services.case_for_change(user, pk)
    form = forms.PersonForm(request.POST or None)
    page = {"title": f"Add a person to {case.reference}", "case": case, "form": form, "candidates": [],
            "q": "", "roles": forms.PartyRole.choices}
    if request.method == "POST" and "person_id" in request.POST:
        existing = forms.ExistingPersonForm(request.POST)
        if existing.is_valid():
            party = services.add_existing_party(user, case, existing.cleaned_data["person_id"],
                                                existing.cleaned_data["role"])
            messages.success(request, f"{party.person.full_name} added to {case.reference}")
            return redirect("case-detail", pk=case.pk)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role, flags = data.pop("role"), data.pop("flags")
        likely = [] if "confirm_new" in request.POST else services.likely_matches_for_case(user, case, data)
        if likely:
            return render(request, "casework/add_person.html", {**page, "likely": likely, "role": role})
        try:
            party = services.add_new_party(user, case, role=role, flags=flags, details=data)
        except RuleRefused as e:  # e.g. a date of birth in the future
            show_refusal(form, e)
            return render(request, "casework/add_person.html", page)
        messages.success(request, f"{party.person.full_name} added to {case.reference}")
        return redirect("case-detail", pk=case.pk)
    if q := request.GET.get("q", "").strip()[:100]:
        page.update(q=q, candidates=services.find_people(user, q, purpose=f"add person to case {case.pk}"))
    return render(request, "casework/add_person.html", page)


def _case_form_view(form_class: type, title: str, save: Callable[..., Any], *,
                    form_kwargs: Callable[[Any], dict[str, Any]] | None = None,
                    initial: Callable[[], dict[str, Any]] | None = None,
                    load: Callable[..., Any] = services.case_for_change) -> Callable[..., HttpResponse]:
    """A page with one form that records something on a case: permission first, then the
    form, then ``save(user, case, cleaned_data, form)`` returning the success message; a
    refused rule is shown on the form. ``form_kwargs(case)`` gives the form its choices."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        case = load(user, pk)
        kwargs = form_kwargs(case) if form_kwargs else {}
        start = {"version": case.version, **(initial() if initial else {})}
        form = form_class(request.POST or None, request.FILES or None, initial=start, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                message = save(user, case, form.cleaned_data, form)
            except RuleRefused as e:
                show_refusal(form, e)
            else:
                messages.success(request, message)
                return redirect("case-detail", pk=case.pk)
        return _form_page(request, form, f"{title}: {case.reference}", case)

    return view


def _with_people(case: Any) -> dict[str, Any]:
    return {"people": _people_on(case)}


def _with_interventions(case: Any) -> dict[str, Any]:
    return {"interventions": [(i.pk, f"{i.get_kind_display()}, {i.issued_on:%d %b %Y}")
                              for i in case.interventions.filter(archived_on__isnull=True)]}


def _person(user: Any, value: str) -> Any:
    return services.get_person(user, value, purpose="chosen for a form") if value else None


def _save_incident(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.record_incident(user, case, occurred_at=d["occurred_at"], description=d["description"],
                             reported_by_agency=d["reported_by_agency"], is_hate=d["is_hate"], reported_on=d["reported_on"])
    return "Incident recorded"


def _save_intervention(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    intervention = services.issue_intervention(
        user, case, kind=d["kind"], person=_person(user, d["person"]), conduct=d["conduct"], written=d["written"],
        premises=d["premises"], issued_on=d["issued_on"], expires_on=d["expires_on"], amount=d["amount"],
        comply_by=d.get("comply_by"), offence_on=d.get("offence_on"), early_payment_amount=d.get("early_payment_amount"))
    return f"{intervention.get_kind_display()} issued"


def _save_referral(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.refer(user, case, to_agency=d["to_agency"], reason=d["reason"], service=d["service"],
                   person=_person(user, d["person"]), consent_obtained=d["consent_obtained"])
    return f"Referral sent to {d['to_agency']}"


def _save_task(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.add_task(user, case, title=d["title"], owner=d["owner"], due_on=d["due_on"])
    return "Task added"


def _save_note(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.add_note(user, case, d["text"])
    return "Note added"


def _save_visit(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.record_visit(user, case, visited_on=d["visited_on"], findings=d["findings"])
    return "Monitoring visit recorded"


def _save_status(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.change_status(user, case, d["status"], outcome=d["outcome"], expected_version=d.get("version"))
    return f"Status changed to {d['status']}"


def _save_share(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.share_case(user, case, d["agency"])
    return f"Case shared with {d['agency']}"


def _save_risk(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    person = _person(user, d["person"])
    assessment = services.assess_risk(user, case, person, form.answers())
    extra = " Your supervisor has been alerted; consider a referral to the Vulnerability Panel." if assessment.level == "high" else ""
    unanswered = sum(1 for value in assessment.answers.values() if value is None)
    if unanswered:
        extra += (f" {unanswered} question{'s were' if unanswered > 1 else ' was'} not answered, so the score may be "
                  "too low: complete the assessment when you can.")
    return f"Risk assessed as {assessment.level} (score {assessment.score}).{extra}"


def _today() -> dict[str, Any]:
    now = timezone.localtime()
    return {"occurred_at": now.replace(second=0, microsecond=0), "reported_on": now.date(),
            "issued_on": now.date(), "visited_on": now.date(), "due_on": now.date() + timedelta(days=7)}


case_add_incident = _case_form_view(forms.IncidentForm, "Record an incident", _save_incident, initial=_today)
case_add_intervention = _case_form_view(forms.InterventionForm, "Issue a tool or power", _save_intervention,
                                        form_kwargs=_with_people, initial=_today)
case_add_referral = _case_form_view(forms.ReferralForm, "Refer to a partner", _save_referral, form_kwargs=_with_people)
case_add_task = _case_form_view(forms.TaskForm, "Add a task", _save_task, initial=_today,
                                form_kwargs=lambda case: {"case": case})
case_add_note = _case_form_view(forms.NoteForm, "Add a note", _save_note)
case_add_visit = _case_form_view(forms.VisitForm, "Record a monitoring visit", _save_visit, initial=_today)
case_status = _case_form_view(forms.StatusForm, "Change status", _save_status, load=services.case_for_manage)
case_share = _case_form_view(forms.ShareForm, "Share with an agency", _save_share, load=services.case_for_manage)


def _save_lead(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.change_lead(user, case, agency=d["agency"], officer=d["officer"], expected_version=d.get("version"))
    return f"{d['agency']} now leads the case"


case_lead = _case_form_view(forms.LeadForm, "Change the lead", _save_lead, load=services.case_for_manage)
case_risk = _case_form_view(forms.RiskForm, "Victim risk assessment", _save_risk, form_kwargs=_with_people)


def _save_group(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    members = [services.get_person(user, i, purpose="chosen for a group") for i in d["members"]]
    services.record_group(user, case, name=d["name"], description=d["description"], members=members)
    return f"Group {d['name']} recorded"


case_add_group = _case_form_view(forms.GroupForm, "Record a group", _save_group, form_kwargs=_with_people)


def _intervention(case: Any, value: str) -> Intervention:
    return services.intervention_of_case(case, value)  # the form offers only this case's interventions


def _save_breach(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.record_breach(user, _intervention(case, d["intervention"]), occurred_on=d["occurred_on"],
                           description=d["description"], action_taken=d["action_taken"])
    return "Breach recorded"


def _save_outcome(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    services.record_intervention_outcome(user, _intervention(case, d["intervention"]), d["outcome"])
    return "Outcome recorded"


def _save_attachment(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    attachment = services.add_attachment(user, case, d["file"], d["description"])
    return f"{attachment.original_name} attached ({attachment.scan_mark})"


case_add_breach = _case_form_view(forms.BreachForm, "Record a breach", _save_breach,
                                  form_kwargs=_with_interventions, initial=_today)
case_intervention_outcome = _case_form_view(forms.InterventionOutcomeForm, "Record an outcome", _save_outcome,
                                            form_kwargs=_with_interventions)
case_add_attachment = _case_form_view(forms.AttachmentForm, "Attach a file", _save_attachment)


def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """The file, to save rather than show: served as the type its content was checked to be,
    under the name it was uploaded with, and never sniffed by the browser into something else."""
    attachment = pages.attachment_file(request.user, pk, attachment_id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.download_name,
                            content_type=attachment.served_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def intervention_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """POST (format docx or pdf): the letter for the intervention, to save (issue 12, item 7)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        filename, content, content_type = letters.generate_letter(request.user, pk, request.POST.get("format", "docx"))
    except RuleRefused as e:
        return render(request, "casework/letter_not_written.html", {"title": "The letter was not written", "reason": e.reason},
                      status=400)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One tool or power: its letters, a notice from a warning, a penalty's payment (issue 12, item 7)."""
    context = pages.intervention_page(request.user, pk)
    return render(request, "casework/intervention_detail.html", {"title": str(context["intervention"]), **context})


def intervention_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a Community Protection Notice from this warning (the person and conduct carried over)."""
    warning = services.intervention_for_change(request.user, pk, purpose="notice from warning")
    form = forms.NoticeFromWarningForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_from_warning(request.user, warning.pk, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Community Protection Notice issued from the warning")
            return redirect("intervention-detail", pk=notice.pk)
    intro = (f"The notice is issued to {warning.person.full_name if warning.person else 'no one'} for the conduct "
             f"the warning of {warning.issued_on:%d %B %Y} named: {warning.conduct}")
    return _form_page(request, form, "Make a Community Protection Notice from this warning", warning.case, intro)


def intervention_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a fixed penalty paid, unpaid or withdrawn, with the day."""
    penalty = services.intervention_for_change(request.user, pk, purpose="penalty payment")
    form = forms.PenaltyPaymentForm(request.POST or None, initial={
        "status": penalty.payment_status or "unpaid", "on": penalty.payment_status_on,
        "paid_amount": penalty.paid_amount, "version": penalty.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_penalty_payment(request.user, penalty, d["status"], d["on"], paid_amount=d["paid_amount"],
                                            expected_version=d["version"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Fixed penalty marked {d['status']}")
            return redirect("intervention-detail", pk=penalty.pk)
    return _form_page(request, form, "Record the fixed penalty's payment", penalty.case)


def referral_list(request: HttpRequest) -> HttpResponse:
    found = Paginator(pages.referrals_received(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "casework/referral_list.html", {"title": "Referrals received", "page": found})


def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    context = pages.referral_page(user, referral_id)
    referral = context["referral"]
    form = forms.ReferralUpdateForm(request.POST or None, initial={"status": referral.status, "version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(user, referral, form.cleaned_data["status"], outcome=form.cleaned_data["outcome"],
                                     expected_version=form.cleaned_data["version"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Referral updated")
            return redirect("referral-detail", referral_id=referral.pk)
    return render(request, "casework/referral_detail.html", {"title": f"Referral to {referral.to_agency}",
                                                             "form": form, **context})


def task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    if request.method == "POST":
        task = services.complete_task(request.user, task_id)
        messages.success(request, f"Task done: {task.title}")
    return redirect("case-detail", pk=pk)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = pages.person_page(request.user, pk)
    return render(request, "casework/person_detail.html", {"title": context["person"].full_name, **context})


def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    if request.method == "POST":
        services.mark_alert_read(request.user, alert_id)
    return redirect("dashboard")


# ---- Statistics ---------------------------------------------------------------------------

def statistics(request: HttpRequest) -> HttpResponse:
    """The statistics for a period (a financial year, a quarter or two dates; this year to date
    by default); ?format=csv or ?format=xlsx exports the figures of the same period."""
    form = forms.StatisticsPeriodForm(request.GET or None, today=timezone.localdate())
    period = form.cleaned_data["period"] if form.is_bound and form.is_valid() else None
    fmt = request.GET.get("format")
    if fmt is not None and period is not None:  # a wrong period shows the page, saying what is wrong
        return _download(exports.statistics_file(request.user, *period, fmt))
    figures = pages.statistics(request.user, period)
    from csphub.dialin.services import statistics_rows  # ---- Daily Dial In ----

    dialin = statistics_rows(request.user, figures["start"], figures["end"])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "casework/statistics.html", {"title": "Casework statistics", "figures": figures,
                                                        "dialin_rows": dialin, "form": form,
                                                        "query": query.urlencode()})


def case_types() -> list[CaseType]:
    return list(CaseType.objects.filter(is_active=True))


# ---- Corrections and history (issue 12, item 1) ------------------------------------------------

def correction_page(kind: str) -> Callable[..., HttpResponse]:
    """A page correcting one record of ``kind``: read through access (404 if not visible, audited),
    403 saying why if the user may not correct it; the form carries the version it was opened on,
    so an edit made since is refused (409) with who made it; the reason is kept in the history;
    what the re-checked rules now say is shown after saving."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        target = corrections.load(user, kind, pk, purpose=f"correct {kind}")
        corrections.require_correct(user, kind, target)
        spec = corrections.SPECS[kind]
        case = spec.case_of(target)
        form_class, current = forms.correction_form_for(kind, spec.model, spec.fields, target, case)
        form = form_class(request.POST or None, initial={**current, "version": corrections.version_of(target)})
        status = 200
        if request.method == "POST" and form.is_valid():
            changes = form.changes()  # type: ignore[attr-defined]
            result, status = attempt(form, lambda: corrections.correct(
                user, kind, target, changes, reason=form.cleaned_data["correction_reason"],
                expected_version=form.cleaned_data["version"]))
            if result is not None:
                messages.success(request, result.message)
                for effect in result.effects:
                    messages.warning(request, effect)
                return redirect(_after_correction(kind, target, case))
        title = f"Correct the {spec.label}" + (f": {case.reference}" if case else "")
        intro = ("Change what was entered wrongly and say why. Nothing is deleted: the history keeps what it said "
                 "before, who changed it, when and why.")
        response = render(request, "casework/form.html", {"form": form, "title": title, "case": case, "intro": intro})
        response.status_code = status
        return response

    return view


def _after_correction(kind: str, target: Any, case: Any) -> str:
    from django.urls import reverse

    spec = corrections.SPECS[kind]
    if spec.page is not None:
        return spec.page(target)
    if kind == "person":
        return reverse("person-detail", args=[target.pk])
    if kind == "location":
        return reverse("location-detail", args=[target.pk])
    if kind == "referral" and case is None:
        return reverse("referral-detail", args=[target.pk])
    return reverse("case-detail", args=[case.pk])


correct_case = correction_page("case")
correct_person = correction_page("person")
correct_party = correction_page("party")
correct_incident = correction_page("incident")
correct_visit = correction_page("visit")
correct_note = correction_page("note")
correct_task = correction_page("task")
correct_intervention = correction_page("intervention")
correct_breach = correction_page("breach")
correct_referral = correction_page("referral")
correct_location = correction_page("location")
correct_risk = correction_page("risk_assessment")


def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = history.case_history(request.user, pk)
    return render(request, "casework/history.html", {"title": f"History of {context['case'].reference}",
                                                     "back": context["case"], **context})


def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = history.person_history(request.user, pk)
    return render(request, "casework/history.html", {"title": f"History of {context['person'].full_name}'s details",
                                                     **context})


def location_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = history.location_history(request.user, pk)
    return render(request, "casework/history.html", {"title": f"History of {context['location'].address}",
                                                     **context})


# ---- Chronology (issue 12, item 4) ---------------------------------------------------------------

def _timeline_page(build: Callable[..., dict[str, Any]], what: str) -> Callable[..., HttpResponse]:
    """A timeline page: filtered by the form, printable (print styles), or a PDF with ?format=pdf."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.TimelineForm(request.GET if any(k in request.GET for k in ("kind", "start-day", "end-day", "order",
                                                                               "start", "end")) else None)
        window, newest = chronology.Window(), False
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            window = chronology.Window(frozenset(d["kind"]), d["start"], d["end"])
            newest = d["order"] == "newest"
        context = build(request.user, pk, window, newest_first=newest)
        title = f"Timeline of {context['subject']}"
        if request.GET.get("format") == "pdf":
            return _pdf(request, title, context, what)
        query = request.GET.copy()
        query["format"] = "pdf"
        return render(request, "casework/chronology.html", {"title": title, "form": form, "what": what,
                                                            "pdf_query": query.urlencode(), **context})

    return view


def _pdf(request: HttpRequest, title: str, context: dict[str, Any], what: str) -> HttpResponse:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("casework/chronology_pdf.html", {"title": title, "what": what,
                                                             "printed": timezone.localtime(), "user": request.user,
                                                             **context})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(context["subject"]))[:60]
    response["Content-Disposition"] = f'attachment; filename="timeline-{safe}.pdf"'
    return response


case_timeline = _timeline_page(chronology.case_timeline, "case")
person_timeline = _timeline_page(chronology.person_timeline, "person")
location_timeline = _timeline_page(chronology.location_timeline, "place")
