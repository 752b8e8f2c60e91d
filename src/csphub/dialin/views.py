"""Daily Dial In pages: quick entry, CSV upload, the morning view, an entry and its conversion,
the digest, decisions, figures; operations; place-based initiatives. Each parses, calls one
service, renders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from csphub.casework.models import PostcodeStatus
from csphub.core.forms import show_refusal
from csphub.errors import InputFileError, RuleRefused

from . import forms, operations, rules, services
from .models import DialInEntry, EntrySource


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("day", "")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# ---- Quick entry and upload ------------------------------------------------------------------

def entry_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    services._require_logger(user)
    q = request.GET.get("q", "").strip()
    found = services.find_people(user, q) if q else []
    people = [(p.pk, p.full_name) for p in found]
    chosen = {} if request.method != "POST" else {  # the chosen people, searched before
        pk: services.casework.get_person(user, pk, purpose="dial-in entry")
        for pk in dict.fromkeys(request.POST.get(f, "").strip() for f, _ in forms.PERSON_SLOTS) if pk}
    people += [(p.pk, p.full_name) for p in chosen.values() if p not in found]
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = forms.QuickEntryForm(request.POST or None, people=people, initial={"occurred_at": now})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        row = rules.EntryRow(occurred_at=d["occurred_at"], entry_type=d["entry_type"].name, account=d["account"],
                             address=d["address"], postcode=d["postcode"], latitude=d["latitude"],
                             longitude=d["longitude"], urgency=d["urgency"], reference=d["reference"])
        by_id = {p.pk: p for p in chosen.values()}
        named = [services.NamedPerson(by_id[pk], role) for pk, role in form.named_people()]
        try:
            entry, created = services.log_entry(user, row, people=named, ward_name=d["ward"], source=EntrySource.WEB)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Entry {entry.pk} added for {entry.dial_in_on:%d %B}{_postcode_note(entry)}"
                             if created else f"That entry was already there (entry {entry.pk}); nothing added")
            return redirect("dialin-entry-new")
    return render(request, "dialin/entry_new.html", {
        "title": ("Error: " if form.errors else "") + "Add to the Daily Dial In", "form": form, "q": q,
        "found": found, "recent": services.recent_entries(user)})


def _postcode_note(entry: DialInEntry) -> str:
    if entry.postcode_status == PostcodeStatus.NOT_FOUND:
        return f": postcode {entry.postcode} is not in the loaded postcode directory, so no ward was found from it"
    return f", {entry.ward_name} ward" if entry.ward_name else ""


def upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    services._require_logger(user)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = services.upload_csv(user, f.name, f.read())
        except InputFileError as e:
            form.add_error("file", str(e))
        else:
            messages.success(request, result.summary())
    return render(request, "dialin/upload.html", {
        "title": ("Error: " if form.errors else "") + "Upload dial-in entries", "form": form, "result": result})


# ---- The morning view, an entry, decisions -------------------------------------------------------

def morning(request: HttpRequest) -> HttpResponse:
    view = services.morning(request.user, _day(request))
    return render(request, "dialin/morning.html", {
        "title": f"Daily Dial In: {view.day:%A %d %B %Y}", "view": view,
        "previous": view.day - timedelta(days=1), "next": view.day + timedelta(days=1)})


def _entry_forms(request: HttpRequest, entry: Any, people: list[tuple[int, str]]) -> dict[str, Any]:
    post = request.POST if request.method == "POST" else None
    q = request.GET.get("q", "").strip()
    found = [(p.pk, p.full_name) for p in services.find_people(request.user, q)] if q else []
    if post and post.get("action") == "name_person" and post.get("name-person"):
        person = services.casework.get_person(request.user, post["name-person"], purpose="dial-in entry")
        found = [(person.pk, person.full_name)]
    action = request.POST.get("action", "") if post else ""
    user = request.user

    def bound(name: str) -> Any:
        return post if action == name else None

    return {
        "to_case": forms.NewCaseForm(bound("to_case"), prefix="new"),
        "to_existing": forms.ExistingCaseForm(bound("to_existing"), prefix="existing", cases=services.case_choices(user)),
        "task": forms.TaskForm(bound("task"), prefix="task", initial={"due_on": timezone.localdate() + timedelta(days=7)}),
        "panel": forms.PanelForm(bound("panel"), prefix="panel", panels=services.panel_choices(), people=people),
        "decision": forms.DecisionForm(bound("decision"), prefix="decision",
                                       initial={"due_on": timezone.localdate() + timedelta(days=7)}),
        "name_person": forms.NamePersonForm(bound("name_person"), prefix="name", people=found),
        "archive": forms.ArchiveForm(bound("archive"), prefix="archive"),
    }


def _convert(request: HttpRequest, entry: Any, action: str, form: Any) -> str:
    user, d = request.user, form.cleaned_data
    if action == "to_case":
        case = services.convert_to_case(user, entry.pk, case_type=d["case_type"], summary=d["summary"])
        return f"Case {case.reference} opened from the entry"
    if action == "to_existing":
        incident = services.add_to_case(user, entry.pk, case_id=d["case"])
        return f"Added to {incident.case.reference} as an incident"
    if action == "task":
        task = services.create_task(user, entry.pk, title=d["title"], owner=d["owner"], due_on=d["due_on"])
        return f"Task '{task.title}' created on {task.case.reference}"
    if action == "panel":
        referral = services.refer(user, entry.pk, panel_id=d["panel"], reason=d["reason"], consent=d["consent"],
                                  person_id=d["person"] or None)
        return f"Referred to {referral.panel}"
    if action == "name_person":
        named = services.name_person(user, entry.pk, person_id=d["person"], role=d["role"])
        return f"{named.person.full_name} named in the entry"
    if action == "archive":
        services.archive_entry(user, entry.pk, reason=d["reason"])
        return "Entry archived"
    services.record_decision(user, entry.pk, decision=d["decision"], owner_agency=d["owner_agency"], due_on=d["due_on"])
    return "Decision recorded"


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = services.get_entry(user, pk, purpose="dial-in entry page")
    named = services.people_named(user, [entry], purpose=f"dial-in entry {entry.pk}").get(entry.pk, [])
    all_forms = _entry_forms(request, entry, services.referable_people(user, named))
    action = request.POST.get("action", "")
    if request.method == "POST" and action in all_forms:
        form = all_forms[action]
        if form.is_valid():
            try:
                messages.success(request, _convert(request, entry, action, form))
                if action == "archive":
                    return redirect("dialin-entry-new")
                return redirect("dialin-entry", pk=entry.pk)
            except RuleRefused as e:
                show_refusal(form, e)
    failed = any(f.errors for f in all_forms.values())
    decisions = services.reads.dialin_decisions(user, purpose=f"dial-in entry {entry.pk}").filter(entry=entry)
    return render(request, "dialin/entry_detail.html", {
        "title": ("Error: " if failed else "") + f"Dial-in entry {entry.pk}", "entry": entry, "named": named,
        "forms": all_forms, "decisions": list(decisions.select_related("owner_agency")), "q": request.GET.get("q", ""),
        "can_archive": services.policy.can_archive_dialin_entry(user, entry) and not entry.converted})


@require_POST
def decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = services.complete_decision(request.user, pk)
    except RuleRefused as e:  # already done (by someone else, or this form sent again)
        messages.error(request, str(e))
        return redirect("dialin-morning")
    messages.success(request, "Decision marked done")
    return redirect("dialin-entry", pk=decision.entry_id)


# ---- The digest ----------------------------------------------------------------------------------

def digest(request: HttpRequest) -> HttpResponse:
    view = services.digest(request.user, _day(request))
    return render(request, "dialin/digest.html", {"title": f"Daily Dial In digest: {view.day:%d %B %Y}", "view": view})


def digest_pdf(request: HttpRequest) -> HttpResponse:
    view = services.digest(request.user, _day(request))
    html = render_to_string("dialin/digest_print.html", {"title": f"Daily Dial In digest: {view.day:%d %B %Y}",
                                                          "view": view})
    response = HttpResponse(services.digest_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dial-in-{view.day.isoformat()}.pdf"'
    return response


@require_POST
def digest_email(request: HttpRequest) -> HttpResponse:
    services._require_morning(request.user)
    day = date.fromisoformat(request.POST.get("day") or timezone.localdate().isoformat())
    link = request.build_absolute_uri(reverse("dialin-digest") + f"?day={day.isoformat()}")
    sent = services.send_digest(day, link, user=request.user, channel=services.Channel.WEB)
    messages.success(request, f"Digest email sent to {sent} addresses" if sent else
                     "No addresses on the distribution list: nothing sent")
    return redirect(reverse("dialin-digest") + f"?day={day.isoformat()}")


# ---- Figures -------------------------------------------------------------------------------------

def figures(request: HttpRequest) -> HttpResponse:
    end = _day(request)
    raw = request.GET.get("days", "28")
    days = int(raw) if raw.isdigit() and 0 < int(raw) <= 366 else 28
    start = end - timedelta(days=days - 1)
    fig = services.figures(request.user, start, end)
    return render(request, "dialin/figures.html", {"title": "Daily Dial In figures", "fig": fig,
                                                   "rate": services.conversion_rate(fig)})


# ---- Operations ----------------------------------------------------------------------------------

def operation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dialin/operation_list.html", {
        "title": "Operations and days of action", "operations": operations.operation_list(request.user),
        "quarters": operations.quarter_totals(request.user)})


def operation_new(request: HttpRequest) -> HttpResponse:
    if not services.policy.can_plan_operation(request.user):
        raise services.PermissionRefused("Operations are recorded by officers and supervisors.")
    form = forms.OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            op = operations.plan_operation(request.user, name=d["name"], aim=d["aim"], starts_on=d["starts_on"],
                                           ends_on=d["ends_on"], wards=d["wards"], area=d["area"],
                                           agencies=list(d["agencies"]))
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"{op.name} recorded")
            return redirect("dialin-operation", pk=op.pk)
    return render(request, "dialin/form.html", {"title": ("Error: " if form.errors else "") + "Record an operation",
                                                "form": form})


def area_map(request: HttpRequest) -> HttpResponse:
    """The ward map an operation's, initiative's or order's area is drawn on (an SVG)."""
    response = HttpResponse(operations.area_base_map(request.user), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    op = operations.get_operation(request.user, pk)
    form = forms.OutputForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            operations.record_output(request.user, op, kind=d["kind"], quantity=d["quantity"], on=d["on"], note=d["note"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Output recorded")
            return redirect("dialin-operation", pk=op.pk)
    return render(request, "dialin/operation_detail.html", {
        "title": ("Error: " if form.errors else "") + op.name, "op": op, "form": form,
        "totals": operations.operation_totals(op), "outputs": op.outputs.filter(archived_on__isnull=True)
        .select_related("kind", "agency"), "can_record": services.policy.can_record_output(request.user, op)})


# ---- Place-based initiatives ------------------------------------------------------------------------

def initiative_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dialin/initiative_list.html", {
        "title": "Place-based initiatives", "initiatives": operations.initiative_list(request.user)})


def initiative_new(request: HttpRequest) -> HttpResponse:
    if not services.policy.can_plan_initiative(request.user):
        raise services.PermissionRefused("Place-based initiatives are recorded by officers and supervisors.")
    form = forms.InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ini = operations.plan_initiative(request.user, name=d["name"], description=d["description"],
                                             streets=d["streets"], wards=d["wards"], area=d["area"],
                                             starts_on=d["starts_on"], comparison_name=d["comparison_name"],
                                             comparison=d["comparison"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"{ini.name} recorded")
            return redirect("dialin-initiative", pk=ini.pk)
    return render(request, "dialin/form.html", {
        "title": ("Error: " if form.errors else "") + "Record a place-based initiative", "form": form})


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ini = operations.get_initiative(request.user, pk)
    form = forms.PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.add_phase(request.user, ini, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Phase added")
            return redirect("dialin-initiative", pk=ini.pk)
    evaluation = operations.evaluate(ini)
    return render(request, "dialin/initiative_detail.html", {
        "title": ("Error: " if form.errors else "") + ini.name, "ini": ini, "form": form,
        "evaluation": evaluation, "evaluation_areas": operations.evaluation_areas(evaluation), "method": operations.METHOD,
        "can_change": services.policy.can_change_initiative(request.user, ini)})


def initiative_docx(request: HttpRequest, pk: int) -> HttpResponse:
    ini = operations.get_initiative(request.user, pk)
    response = HttpResponse(operations.evaluation_docx(operations.evaluate(ini)),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{ini.pk}.docx"'
    return response


def initiative_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ini = operations.get_initiative(request.user, pk)
    evaluation = operations.evaluate(ini)
    html = render_to_string("dialin/evaluation_print.html", {"ini": ini, "evaluation": evaluation, "method": operations.METHOD,
                                                              "evaluation_areas": operations.evaluation_areas(evaluation)})
    response = HttpResponse(services.digest_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{ini.pk}.pdf"'
    return response
