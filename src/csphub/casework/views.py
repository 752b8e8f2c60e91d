"""The casework pages. Each parses its input, calls one service and renders; who may see and
change what is decided in csphub.access and enforced by the services. Sign-in, refusals and
the no-store header come from the page decorator the site URL map (csphub.web.urls) wraps
around every view here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.core.forms import show_refusal
from csphub.errors import NotFoundError, RuleRefused

from . import forms, pages, services
from .models import CaseType, Intervention


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


def case_list(request: HttpRequest) -> HttpResponse:
    form = forms.CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"status": "", "q": ""}
    found = pages.case_list(request.user, status=filters["status"], q=filters["q"])
    page = Paginator(found["cases"], 50).get_page(request.GET.get("page"))
    return render(request, "casework/case_list.html", {"title": "Cases", "page": page, "form": form,
                                                         "can_create": found["can_create"]})


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
        party = services.add_new_party(user, case, role=role, flags=flags, details=data)
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
        premises=d["premises"], issued_on=d["issued_on"], expires_on=d["expires_on"], amount=d["amount"])
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
    found = Intervention.objects.filter(case=case, pk=int(value), archived_on__isnull=True).first()
    if found is None:  # the form offers only this case's interventions
        raise NotFoundError(f"No intervention {value}.")
    return found


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
    figures = pages.statistics(request.user)
    from csphub.dialin.services import statistics_rows  # ---- Daily Dial In ----

    dialin = statistics_rows(request.user, date.fromisoformat(figures["period"]["from"]),
                             date.fromisoformat(figures["period"]["to"]))
    return render(request, "casework/statistics.html", {"title": "Casework statistics", "figures": figures,
                                                        "dialin_rows": dialin})


def case_types() -> list[CaseType]:
    return list(CaseType.objects.filter(is_active=True))
