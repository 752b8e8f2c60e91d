"""PSPO register pages: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.core.forms import show_refusal
from csphub.errors import RuleRefused

from . import forms, services


def _form_page(request: HttpRequest, form: Any, title: str, back: tuple[str, str] | None = None,
               intro: str = "") -> HttpResponse:
    return render(request, "encampments/form.html", {"title": f"Error: {title}" if form.errors else title,
                                                     "heading": title, "form": form, "back": back, "intro": intro})


def order_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    orders = services.order_list(user)
    return render(request, "pspo/list.html", {
        "title": "Public Spaces Protection Orders", "rows": [{"order": o, "status": o.status(today)} for o in orders],
        "expiring": [o for o in orders if o.status(today) == "expiring"], "can_manage": services.can_manage(user)})


def order_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.require_manage(user)
    form = forms.OrderForm(request.POST or None, request.FILES or None, wards=services.ward_choices())
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            area = services.area_from(geojson=d.pop("area_file"), drawn=d.pop("area_drawn"), ward_codes=d["wards"])
            order = services.make_order(user, services.OrderInput(area_geojson=area, ward_codes=d.pop("wards"), **d))
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"{order.name} added to the register")
            return redirect("pspo", pk=order.pk)
    return _form_page(request, form, "Add an order to the register", ("/pspos/", "the register"))


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = services.get_order(user, pk, purpose="pspo page")
    today = timezone.localdate()
    enforcement = services.enforcement_list(user, order, purpose=f"pspo {order.pk} enforcement")
    return render(request, "pspo/detail.html", {
        "title": order.name, "order": order, "status": order.status(today),
        "consultations": list(order.consultations.filter(archived_on__isnull=True)),
        "changes": list(order.changes.filter(archived_on__isnull=True)),
        "documents": services.documents(user, order),
        "enforcement": enforcement, "drawing": services.drawing(order, enforcement),
        "can_manage": services.can_manage(user), "can_enforce": services.can_enforce(user),
    })


def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = services.order_to_change(user, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(user, order, form.cleaned_data["file"], form.cleaned_data["description"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Order document uploaded")
            return redirect("pspo", pk=order.pk)
    return _form_page(request, form, f"Upload the published order: {order.name}", (f"/pspos/{pk}/", order.name),
                      "A PDF or Word document. Earlier versions stay on the order's page.")


def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to save: served as the type its content was checked to be, never sniffed."""
    document = services.get_document(request.user, pk)
    response = FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=document.original_name or f"{document.order.reference}{document.file.name[-4:]}",
                            content_type=document.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = services.order_to_change(user, pk)
    form = forms.ConsultationForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consultation(user, order, **form.cleaned_data)
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Consultation recorded")
            return redirect("pspo", pk=order.pk)
    return _form_page(request, form, f"Record a consultation: {order.name}", (f"/pspos/{pk}/", order.name))


def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = services.order_to_change(user, pk)
    form = forms.ChangeForm(request.POST or None, request.FILES or None, wards=services.ward_choices(),
                            initial={"decided_on": timezone.localdate(), "version": order.version,
                                     "kind": request.GET.get("kind", "extension")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == "extension":
                if d["new_expiry"] is None:
                    raise RuleRefused("new_expiry", "Give the new expiry date.", "new_expiry")
                services.extend_order(user, order, decided_on=d["decided_on"], new_expiry=d["new_expiry"],
                                      description=d["description"], expected_version=d["version"])
            elif d["kind"] == "variation":
                services.vary_order(user, order, decided_on=d["decided_on"], description=d["description"],
                                    prohibitions=d["prohibitions"] or None, area_geojson=d["area_file"],
                                    area_drawn=d["area_drawn"], ward_codes=d["wards"],
                                    area_description=d["area_description"] or None, expected_version=d["version"])
            else:
                services.discharge_order(user, order, decided_on=d["decided_on"], description=d["description"],
                                         expected_version=d["version"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Order changed")
            return redirect("pspo", pk=order.pk)
    return _form_page(request, form, f"Extend, vary or discharge: {order.name}", (f"/pspos/{pk}/", order.name),
                      f"Expires {order.expires_on:%d %B %Y}. An extension is for up to 3 years, decided before "
                      "expiry, after consulting the chief officer of police, the PCC, community representatives "
                      "and land owners.")


def enforcement_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = services.get_order(user, pk, purpose="pspo enforcement form")
    form = forms.EnforcementForm(request.POST or None, people=services.person_choices(user),
                                 initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0),
                                          "kind": request.GET.get("kind", "warning")})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        person = d.pop("person")
        try:
            found = services.record_enforcement(user, order, services.EnforcementInput(
                person=services.get_person(user, person) if person else None, **d))
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, f"{found.get_kind_display()} recorded")
            return redirect("pspo-enforcement", pk=found.pk)
    return _form_page(request, form, f"Record enforcement: {order.name}", (f"/pspos/{pk}/", order.name))


def enforcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = services.get_enforcement(user, pk, purpose="pspo enforcement page")
    form = forms.PaymentForm(request.POST or None, initial={"paid_on": found.paid_on, "paid_amount": found.paid_amount,
                                                            "prosecution": found.prosecution, "version": found.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_payment(user, found, paid_on=d["paid_on"], paid_amount=d["paid_amount"],
                                    prosecution=d["prosecution"] or "", expected_version=d["version"])
        except RuleRefused as e:
            show_refusal(form, e)
        else:
            messages.success(request, "Saved")
            return redirect("pspo-enforcement", pk=found.pk)
    return render(request, "pspo/enforcement.html", {
        "title": f"Error: {found.get_kind_display()}" if form.errors else found.get_kind_display(),
        "e": found, "person": services.breach_person(user, found), "form": form})


def figures(request: HttpRequest) -> HttpResponse:
    rows = services.figures(request.user)
    return render(request, "pspo/figures.html", {"title": "PSPO figures", "rows": rows})
