"""The casework pages. Each view asks services/permissions; none decides access itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.audit.models import AuditEntry
from csphub.audit.services import Action, Channel, record, record_list
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import forms, permissions, services, stats
from .models import Alert, CaseType, Group, Intervention, Location, Referral, Task


def casework_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; a record the user may not see is a 404; a refused change is a 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as e:
            raise Http404(str(e)) from e
        except PermissionRefused as e:
            record(request.user, Action.REFUSED, "page", request.path, channel=Channel.WEB, summary=str(e))
            return render(request, "casework/refused.html", {"reason": str(e), "title": "You cannot do this"}, status=403)

    return wrapper


def _people_on(case: Any) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for party in case.parties.select_related("person"):
        seen.setdefault(party.person_id, f"{party.person.full_name} ({party.get_role_display()})")
    return list(seen.items())


def _form_page(request: HttpRequest, form: Any, title: str, case: Any = None, intro: str = "") -> HttpResponse:
    return render(request, "casework/form.html", {"form": form, "title": title, "case": case, "intro": intro})


def _refusal_to_form(form: Any, error: RuleRefused) -> None:
    fields = [(error.field, error.reason), *[(f, m) for _, m, f in error.others]]
    for field, message in fields:
        form.add_error(field if field in form.fields else None, message)


# ---- Dashboard and lists ---------------------------------------------------------------

@casework_view
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    cases = permissions.visible_cases(user)
    my_cases = cases.filter(lead_officer=user).exclude(status="closed").select_related("case_type")
    today = timezone.localdate()
    my_tasks = Task.objects.filter(owner=user, done_on__isnull=True, case__in=cases,
                                   archived_on__isnull=True).select_related("case")
    overdue = [t for t in my_tasks if t.due_on < today]
    due_soon = [t for t in my_tasks if today <= t.due_on <= today + timedelta(days=7)]
    reviews_due = cases.exclude(status="closed").filter(next_review_on__lte=today + timedelta(days=7), lead_officer=user)
    alerts = Alert.objects.filter(user=user, read_on__isnull=True, case__in=cases)
    record_list(user, "case", [c.pk for c in my_cases], channel=Channel.WEB, summary="dashboard")
    return render(request, "casework/dashboard.html", {
        "title": "Dashboard", "my_cases": my_cases, "overdue": overdue, "due_soon": due_soon,
        "reviews_due": reviews_due, "alerts": alerts, "recent_interventions":
        Intervention.objects.filter(case__in=my_cases, archived_on__isnull=True).select_related("case", "person")[:10],
        "can_create": permissions.can_create_case(user),
    })


@casework_view
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if permissions.role_of(user) not in permissions.CASE_VIEW_ROLES:
        raise PermissionRefused("Your role does not work cases.")
    form = forms.CaseFilterForm(request.GET or None)
    cases = permissions.visible_cases(user).select_related("case_type", "lead_agency", "lead_officer", "location")
    if form.is_valid():
        if form.cleaned_data["status"]:
            cases = cases.filter(status=form.cleaned_data["status"])
        if q := form.cleaned_data["q"].strip():
            cases = cases.filter(Q(reference__icontains=q) | Q(summary__icontains=q))
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    record_list(user, "case", [c.pk for c in page], channel=Channel.WEB, summary="case list")
    return render(request, "casework/case_list.html", {"title": "Cases", "page": page, "form": form,
                                                         "can_create": permissions.can_create_case(user)})


# ---- A case ------------------------------------------------------------------------------

@casework_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = services.get_case(user, pk)
    show_people = permissions.can_see_person_details(user)
    parties = []
    for party in case.parties.select_related("person"):
        parties.append({"party": party, "flags": permissions.visible_flags(user, party.person) if show_people else []})
        if show_people:
            record(user, Action.VIEWED, "person", party.person_id, summary=f"on {case.reference}")
    return render(request, "casework/case_detail.html", {
        "title": case.reference, "case": case, "parties": parties, "show_people": show_people,
        "can_change": permissions.can_change_case(user, case),
        "incidents": case.incidents.filter(archived_on__isnull=True).select_related("reported_by_agency", "location"),
        "interventions": case.interventions.filter(archived_on__isnull=True).select_related("person", "issuing_agency")
        .prefetch_related("breaches"),
        "referrals": case.referrals.filter(archived_on__isnull=True).select_related("to_agency", "person"),
        "tasks": case.tasks.filter(archived_on__isnull=True).select_related("owner"),
        "notes": case.notes.filter(archived_on__isnull=True).select_related("created_by"),
        "visits": case.visits.filter(archived_on__isnull=True).select_related("officer"),
        "risk": case.risk_assessments.select_related("person"),
        "attachments": case.attachments.filter(archived_on__isnull=True),
        "groups": Group.objects.filter(members__case_roles__case=case, archived_on__isnull=True).distinct()
        if show_people else [],
        "agencies": case.agencies.all(),
        "repeat": services.repeat_flags(case),
        "high_risk_unreferred": case.risk_assessments.filter(level="high").exists()
        and not case.panel_referrals.exists(),
        "today": timezone.localdate(),
    })


def _location_from(data: dict[str, Any], user: Any) -> Location | None:
    if not data.get("address"):
        return None
    location = Location(address=data["address"], postcode=data.get("postcode") or "",
                        latitude=data.get("latitude"), longitude=data.get("longitude"))
    location.ward_code, location.ward_name = services_ward(location.latitude, location.longitude)
    location.save_by(user)
    return location


def services_ward(latitude: float | None, longitude: float | None) -> tuple[str, str]:
    from .geography import ward_for

    return ward_for(latitude, longitude)


@casework_view
def case_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_case(request.user):
        raise PermissionRefused("Only officers and supervisors open cases.")
    form = forms.CaseForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = services.open_case(request.user, case_type=data["case_type"], summary=data["summary"],
                                  opened_on=data["opened_on"], next_review_on=data["next_review_on"],
                                  location=_location_from(data, request.user))
        messages.success(request, f"Case {case.reference} opened")
        return redirect("case-detail", pk=case.pk)
    return _form_page(request, form, "Open a case")


@casework_view
def case_add_person(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = services.get_case(user, pk, audit=False)
    services.require_change(user, case)
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and "person_id" in request.POST:
        existing = forms.ExistingPersonForm(request.POST)
        if existing.is_valid():
            person = services.get_person(user, existing.cleaned_data["person_id"])
            services.add_party(user, case, person, existing.cleaned_data["role"])
            messages.success(request, f"{person.full_name} added to {case.reference}")
            return redirect("case-detail", pk=case.pk)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "confirm_new" not in request.POST:
            from csphub.people.services import likely_existing

            likely = [(p, prob) for p, prob in likely_existing(user, data) if not case.parties.filter(person=p).exists()]
            if likely:
                record_list(user, "person", [p.pk for p, _ in likely], channel=Channel.WEB, summary="likely matches")
                return render(request, "casework/add_person.html", {
                    "title": f"Add a person to {case.reference}", "case": case, "form": form, "likely": likely,
                    "candidates": [], "q": "", "roles": forms.PartyRole.choices, "role": data["role"],
                })
        role, flags = data.pop("role"), data.pop("flags")
        person = services.record_person(user, flags=flags, **data)
        services.add_party(user, case, person, role)
        messages.success(request, f"{person.full_name} added to {case.reference}")
        return redirect("case-detail", pk=case.pk)
    candidates = []
    if request.GET.get("q"):
        q = request.GET["q"].strip()
        candidates = list(permissions.visible_people(user).filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q))[:20])
        record_list(user, "person", [p.pk for p in candidates], channel=Channel.WEB, summary=f"search {q!r}")
    return render(request, "casework/add_person.html", {
        "title": f"Add a person to {case.reference}", "case": case, "form": form,
        "candidates": candidates, "q": request.GET.get("q", ""), "roles": forms.PartyRole.choices,
    })


def _case_form_view(form_class: type, title: str, save: Callable[..., Any], *,
                    form_kwargs: Callable[[Any], dict[str, Any]] | None = None,
                    initial: Callable[[], dict[str, Any]] | None = None) -> Callable[..., HttpResponse]:
    """A page with one form that records something on a case: permission first, then the
    form, then ``save(user, case, cleaned_data, form)`` returning the success message; a
    refused rule is shown on the form. ``form_kwargs(case)`` gives the form its choices."""

    @casework_view
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        case = services.get_case(user, pk, audit=False)
        services.require_change(user, case)
        kwargs = form_kwargs(case) if form_kwargs else {}
        form = form_class(request.POST or None, request.FILES or None, initial=initial() if initial else None,
                          **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                message = save(user, case, form.cleaned_data, form)
            except RuleRefused as e:
                _refusal_to_form(form, e)
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
    return services.get_person(user, int(value), audit=False) if value else None


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
    services.change_status(user, case, d["status"], outcome=d["outcome"])
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
case_status = _case_form_view(forms.StatusForm, "Change status", _save_status)
case_share = _case_form_view(forms.ShareForm, "Share with an agency", _save_share)
case_risk = _case_form_view(forms.RiskForm, "Victim risk assessment", _save_risk, form_kwargs=_with_people)


def _save_group(user: Any, case: Any, d: dict[str, Any], form: Any) -> str:
    members = [services.get_person(user, int(i), audit=False) for i in d["members"]]
    services.record_group(user, case, name=d["name"], description=d["description"], members=members)
    return f"Group {d['name']} recorded"


case_add_group = _case_form_view(forms.GroupForm, "Record a group", _save_group, form_kwargs=_with_people)


def _intervention(case: Any, value: str) -> Intervention:
    found = Intervention.objects.filter(case=case, pk=int(value), archived_on__isnull=True).first()
    if found is None:
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
    services.add_attachment(user, case, d["file"], d["description"])
    return "File attached"


case_add_breach = _case_form_view(forms.BreachForm, "Record a breach", _save_breach,
                                  form_kwargs=_with_interventions, initial=_today)
case_intervention_outcome = _case_form_view(forms.InterventionOutcomeForm, "Record an outcome", _save_outcome,
                                            form_kwargs=_with_interventions)
case_add_attachment = _case_form_view(forms.AttachmentForm, "Attach a file", _save_attachment)


@casework_view
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    from django.http import FileResponse

    case = services.get_case(request.user, pk, audit=False)
    attachment = case.attachments.filter(pk=attachment_id, archived_on__isnull=True).first()
    if attachment is None or not attachment.file:
        raise NotFoundError(f"No attachment {attachment_id}.")
    record(request.user, Action.VIEWED, "attachment", attachment.pk, summary=f"{case.reference} download")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])


@casework_view
def referral_update(request: HttpRequest, pk: int, referral_id: int) -> HttpResponse:
    user = request.user
    case = services.get_case(user, pk, audit=False)
    services.require_change(user, case)
    referral = Referral.objects.filter(case=case, pk=referral_id).first()
    if referral is None:
        raise NotFoundError(f"No referral {referral_id}.")
    form = forms.ReferralUpdateForm(request.POST or None, initial={"status": referral.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(user, referral, form.cleaned_data["status"], outcome=form.cleaned_data["outcome"])
        except RuleRefused as e:
            _refusal_to_form(form, e)
        else:
            messages.success(request, "Referral updated")
            return redirect("case-detail", pk=case.pk)
    return _form_page(request, form, f"Update referral to {referral.to_agency}", case)


@casework_view
def task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    case = services.get_case(request.user, pk, audit=False)
    services.require_change(request.user, case)
    task = Task.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise NotFoundError(f"No task {task_id}.")
    if request.method == "POST":
        services.complete_task(request.user, task)
        messages.success(request, f"Task done: {task.title}")
    return redirect("case-detail", pk=case.pk)


@casework_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = services.get_person(user, pk)
    visible = permissions.visible_cases(user)
    flags = permissions.visible_flags(user, person)
    return render(request, "casework/person_detail.html", {
        "title": person.full_name, "person": person, "flags": flags,
        "roles": person.case_roles.filter(case__in=visible).select_related("case", "case__case_type"),
        "hidden_flags": person.flags.count() - len(flags),
    })


@casework_view
def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    if request.method == "POST":
        Alert.objects.filter(pk=alert_id, user=request.user).update(read_on=timezone.now())
    return redirect("dashboard")


# ---- Statistics and audit ------------------------------------------------------------

@casework_view
def statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_view_statistics(user):
        raise PermissionRefused("Statistics are for analysts, supervisors and partnership admins.")
    today = timezone.localdate()
    start = today.replace(month=4, day=1) if today.month >= 4 else today.replace(year=today.year - 1, month=4, day=1)
    figures = stats.casework_statistics(permissions.statistics_cases(user), start, today)
    record(user, Action.VIEWED, "statistics", "", summary=f"{start} to {today}")
    return render(request, "casework/statistics.html", {"title": "Casework statistics", "figures": figures})


@casework_view
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_view_audit(user):
        raise PermissionRefused("The audit log is for partnership admins.")
    entries = AuditEntry.objects.all()
    if u := request.GET.get("user"):
        entries = entries.filter(username=u)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "casework/audit.html", {"title": "Audit log", "page": page, "username": u or ""})


def case_types() -> list[CaseType]:
    return list(CaseType.objects.filter(is_active=True))


def agencies() -> list[Agency]:
    return list(Agency.objects.all())
