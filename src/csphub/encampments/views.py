"""Encampments and tents pages: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.casework.models import Person
from csphub.core.forms import show_refusal
from csphub.dates import financial_year_of, parse_financial_year
from csphub.errors import RuleRefused

from . import forms, rules, services
from .models import TentCase


def _form_page(request: HttpRequest, form: Any, title: str, back: tuple[str, str] | None = None,
               intro: str = "") -> HttpResponse:
    return render(request, "encampments/form.html", {"title": f"Error: {title}" if form.errors else title,
                                                     "heading": title, "form": form, "back": back, "intro": intro})


def incursion_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rows = [{"incursion": i, "timetable": services.timetable_for(i, today), "repeat": services.is_repeat_site(i)}
            for i in services.incursion_list(user)]
    return render(request, "encampments/list.html", {"title": "Unauthorised encampments", "rows": rows,
                                                     "can_manage": services.can_manage(user)})


def incursion_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = services.site_choices(user)
    form = forms.IncursionForm(request.POST or None, sites=sites,
                               initial={"arrived_at": timezone.localtime().replace(second=0, microsecond=0),
                                        "land_occupied": True, "site": request.GET.get("site")})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["site"] = services.get_site(user, d["site"], purpose="incursion site")
        try:
            incursion = services.record_incursion(user, services.IncursionInput(**d))
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Incursion {incursion.reference} recorded")
            return redirect("incursion", pk=incursion.pk)
    return _form_page(request, form, "Record an unauthorised encampment", ("/encampments/", "Encampments"))


def incursion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    incursion = services.get_incursion(user, pk, purpose="incursion page")
    today = timezone.localdate()
    return render(request, "encampments/detail.html", {
        "title": f"{incursion.reference}: {incursion.site.name}", "incursion": incursion,
        "timetable": services.timetable_for(incursion, today), "powers": services.powers(incursion, today),
        "steps": services.steps_of(user, incursion), "repeat": services.is_repeat_site(incursion),
        "can_manage": services.can_manage(user), "step_choices": services.step_choices(user),
        "moved_from": list(incursion.moved_from.all()),
    })


def incursion_facts(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    incursion = services.incursion_to_change(user, pk)
    form = forms.FactsForm(request.POST or None, initial={f: getattr(incursion, f) for f in services.FACT_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facts(user, incursion, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Facts updated")
            return redirect("incursion", pk=incursion.pk)
    return _form_page(request, form, f"Facts and impact: {incursion.reference}", (f"/encampments/{pk}/", incursion.reference))


def incursion_welfare(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    incursion = services.incursion_to_change(user, pk)
    initial = {f: getattr(incursion, f) for f in services.WELFARE_FIELDS}
    initial["welfare_checked_on"] = initial["welfare_checked_on"] or timezone.localdate()
    form = forms.WelfareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_welfare(user, incursion, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Welfare assessment recorded")
            return redirect("incursion", pk=incursion.pk)
    return _form_page(request, form, f"Welfare assessment: {incursion.reference}", (f"/encampments/{pk}/", incursion.reference))


def incursion_step(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    incursion = services.get_incursion(user, pk, purpose="step form")
    if request.method == "POST":
        services.check_step_allowed(user, request.POST.get("step", ""))
    form = forms.StepForm(request.POST or None, steps=services.step_choices(user) or None,
                          initial={"taken_on": timezone.localdate(), "step": request.GET.get("step")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            step = services.record_step(user, incursion, step=d["step"], taken_on=d["taken_on"], notes=d["notes"],
                                        vehicles_seized=d["vehicles_seized"] or 0, arrests=d["arrests"] or 0)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"{step.get_step_display()} recorded")
            return redirect("incursion", pk=incursion.pk)
    return _form_page(request, form, f"Record a step: {incursion.reference}", (f"/encampments/{pk}/", incursion.reference))


def incursion_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    incursion = services.incursion_to_change(user, pk)
    initial: dict[str, Any] = {f: getattr(incursion, f) for f in services.OUTCOME_FIELDS}
    initial["moved_to"] = incursion.moved_to_id
    form = forms.OutcomeForm(request.POST or None, initial=initial,
                             incursions=services.moved_to_choices(user, incursion))
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        moved = d.pop("moved_to")
        try:
            services.record_outcome(user, incursion, moved_to=services.get_incursion(user, moved, purpose="moved to")
                                    if moved else None, **d)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Outcome and costs recorded")
            return redirect("incursion", pk=incursion.pk)
    return _form_page(request, form, f"Outcome and costs: {incursion.reference}", (f"/encampments/{pk}/", incursion.reference))


def site_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = services.site_list(user)
    counts = services.site_counts(sites)
    return render(request, "encampments/sites.html", {
        "title": "Encampment sites", "rows": [{"site": s, "incursions": counts.get(s.pk, 0)} for s in sites],
        "can_manage": services.can_manage(user)})


def site_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.site_choices(user)  # refuses all but council officers and supervisors
    form = forms.SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.add_site(user, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Site {site.name} added")
            return redirect("encampment-site", pk=site.pk)
    return _form_page(request, form, "Add a site to the register", ("/encampments/sites/", "Sites"))


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    site = services.get_site(user, pk, purpose="site page")
    history = services.site_history(user, site)
    return render(request, "encampments/site.html", {"title": site.name, "site": site, "history": history,
                                                     "can_manage": services.can_manage(user)})


def tent_list(request: HttpRequest) -> HttpResponse:
    return render(request, "encampments/tents.html", {"title": "Tents and rough sleeping enforcement",
                                                      "rows": services.tent_list(request.user)})


def tent_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    people = services.people_choices_for_tents(user)
    form = forms.TentForm(request.POST or None, people=people, initial={"reported_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        chosen = list(Person.objects.filter(pk__in=[int(p) for p in d.pop("people")]))
        try:
            tent = services.record_tent_case(user, services.TentInput(people=chosen, share_with=list(d.pop("share_with")), **d))
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"Tents record {tent.reference} saved")
            return redirect("tent-case", pk=tent.pk)
    return _form_page(request, form, "Record tents / rough sleeping enforcement", ("/encampments/tents/", "Tents"),
                      "Enforcement needs a reason (not engaging with services, alternative accommodation, or ASB) "
                      "and the outreach or housing offer made first.")


def tent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    tent = services.get_tent_case(user, pk, purpose="tents record page")
    form = forms.TentOutcomeForm(request.POST or None, initial={
        "outcome": tent.outcome, "outcome_on": tent.outcome_on or timezone.localdate(), "tools": tent.tools,
        "housing_offer": tent.housing_offer, "version": tent.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_tent_outcome(user, tent, outcome=d["outcome"], outcome_on=d["outcome_on"], tools=d["tools"],
                                         housing_offer=d["housing_offer"], expected_version=d["version"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Outcome recorded")
            return redirect("tent-case", pk=tent.pk)
    shown = services.tent_people(user, tent)
    return render(request, "encampments/tent.html", {
        "title": f"Error: {tent.reference}" if form.errors else tent.reference, "tent": tent, "people": shown,
        "hidden_people": tent.people.count() - len(shown), "form": form})


def figures(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    text = request.GET.get("year") or financial_year_of(today).label
    try:
        year = parse_financial_year(text)
    except ValueError:
        year, error = financial_year_of(today), f"{text!r} is not a financial year; expected e.g. 2025/26"
    else:
        error = ""
    result = services.figures(request.user, year, today=today)
    names = {**{c: p.name for c, p in rules.POWERS.items()}, **rules.STEP_NAMES}
    steps = {names.get(k, k): v for k, v in result["median_working_days_to"].items()}
    tents = result["tents"]
    tent_rows = [*[(f"Reason: {label}", tents["by_reason"][k]) for k, label in rules.TENT_REASONS.items()],
                 *[(f"Outcome: {label}", tents["by_outcome"][k]) for k, label in TentCase.Outcome.choices]]
    return render(request, "encampments/figures.html", {
        "title": f"Encampment figures {year.label}", "f": result, "steps": steps, "error": error,
        "costs": (f"£{result['costs']:,}", f"£{result['previous']['costs']:,}"), "tent_rows": tent_rows,
        "map_points": rules.map_points(result["sites_map"], width=640, height=400, margin=30,
                                       label_room=180),
        "can_view_records": services.can_view(request.user)})
