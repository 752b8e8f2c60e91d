"""CCTV estate pages: the register, cameras, faults, reviews and decisions, SEG meetings,
rapid deployments, footage requests, the quarter's paper and the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csphub.audit.services import Action, Channel, record
from csphub.core.forms import show_refusal
from csphub.errors import InputFileError, RuleRefused

from . import forms, loads, notices, report, rules, services
from .models import SegMeeting


def _form_page(request: HttpRequest, form: Any, title: str, intro: str = "", back: tuple[str, str] | None = None,
               status: int = 200) -> HttpResponse:
    page_title = f"Error: {title}" if form.errors else title
    return render(request, "cctv/form.html", {"title": page_title, "heading": title, "form": form, "intro": intro,
                                              "back": back}, status=status)


def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = forms.RegisterFilterForm(request.GET or None, wards=services.ward_choices(user))
    chosen = services.RegisterFilter(**filters.cleaned_data) if filters.is_valid() else None
    cameras = services.camera_list(user, chosen)
    return render(request, "cctv/register.html", {"title": "CCTV register", "cameras": cameras, "filters": filters,
                                                  "may": services.what_user_may(user)})


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "cctv/dashboard.html", {"title": "CCTV lead's dashboard",
                                                   **services.dashboard(request.user)})


def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = services.camera_page(request.user, pk)
    return render(request, "cctv/camera.html", {"title": f"Camera {page['camera'].camera_id}", **page})


def _camera_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "camera_id"}


def camera_create(request: HttpRequest) -> HttpResponse:
    services.require_lead(request.user)
    form = forms.CameraForm(request.POST or None, initial={"status": "working", "kind": "fixed", "publish": True})
    if request.method == "POST" and form.is_valid():
        try:
            camera = services.add_camera(request.user, camera_id=form.cleaned_data["camera_id"],
                                         **_camera_values(form.cleaned_data))
            messages.success(request, f"Camera {camera.camera_id} added")
            return redirect("cctv-camera", pk=camera.pk)
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, "Add a camera", back=("cctv-register", ""))


def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = services.camera_for_edit(request.user, pk)
    initial = {f: getattr(camera, f) for f in services.CAMERA_FIELDS} | {"camera_id": camera.camera_id}
    form = forms.CameraForm(request.POST or None, initial=initial)
    form.fields["camera_id"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.change_camera(request.user, camera, expected_version=_version(request),
                                   **_camera_values(form.cleaned_data))
            messages.success(request, f"Camera {camera.camera_id} saved")
            return redirect("cctv-camera", pk=camera.pk)
        except RuleRefused as e:  # a stale edit: someone changed it since the form was opened
            show_refusal(form, e)
    return render(request, "cctv/form.html", {"title": f"Error: Change camera {camera.camera_id}" if form.errors
                                              else f"Change camera {camera.camera_id}", "heading":
                                              f"Change camera {camera.camera_id}", "form": form,
                                              "version": camera.version, "back": ("cctv-camera", camera.pk)})


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def fault_add(request: HttpRequest, pk: int) -> HttpResponse:
    camera = services.camera_for_edit(request.user, pk)
    form = forms.FaultForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_fault(request.user, camera, **form.cleaned_data)
            messages.success(request, f"Fault recorded on camera {camera.camera_id}")
            return redirect("cctv-camera", pk=camera.pk)
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, f"Report a fault on camera {camera.camera_id}", back=("cctv-camera", camera.pk))


def fault_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    return render(request, "cctv/faults.html", {
        "title": "CCTV faults", "rows": services.fault_list(request.user, open_only=not show_all), "show_all": show_all,
        "rules": services.cctv_rules(), "may": services.what_user_may(request.user), "close": forms.CloseFaultForm(
            initial={"closed_on": timezone.localdate()})})


def fault_close(request: HttpRequest, pk: int) -> HttpResponse:
    fault = services.get_fault(request.user, pk)
    services.require_lead(request.user)
    form = forms.CloseFaultForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.close_fault(request.user, fault, **form.cleaned_data)
            messages.success(request, f"Fault on camera {fault.camera.camera_id} closed")
            return redirect("cctv-camera", pk=fault.camera_id)
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, f"Close the fault on camera {fault.camera.camera_id}",
                      back=("cctv-camera", fault.camera_id))


def review_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(request, "cctv/reviews.html", {"title": "CCTV reviews and new-camera requests",
                                                 "reviews": services.review_list(request.user, status=status),
                                                 "status": status, "may": services.what_user_may(request.user)})


def review_create(request: HttpRequest) -> HttpResponse:
    services.require_internal(request.user)
    form = forms.NewCameraRequestForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        review = services.request_new_camera(request.user, **form.cleaned_data)
        messages.success(request, f"Request {review.reference} recorded")
        return redirect("cctv-review", pk=review.pk)
    return _form_page(request, form, "Record a request for a new camera",
                      intro="From a Ward Member, a member of the public, an officer or the police. The community "
                            "safety team investigates whether a camera is the right response, completes a privacy "
                            "impact assessment and puts it to the SEG.", back=("cctv-reviews", ""))


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    review = services.get_review(user, pk)
    page = services.review_page(user, review)
    recommend = forms.RecommendForm(request.POST if "recommend" in request.POST else None, kind=review.kind)
    decision = forms.DecisionForm(request.POST if "decide" in request.POST else None, kind=review.kind,
                                  meetings=page["meetings"])
    if request.method == "POST":
        services.require_lead(user)
        try:
            if "recommend" in request.POST and recommend.is_valid():
                services.recommend(user, review, expected_version=_version(request), **recommend.cleaned_data)
                messages.success(request, "Recommendation recorded")
                return redirect("cctv-review", pk=review.pk)
            if "decide" in request.POST and decision.is_valid():
                d = decision.cleaned_data
                meeting = SegMeeting.objects.filter(pk=d["meeting"]).first() if d["meeting"] else None
                services.decide(user, review, decision=d["decision"], meeting=meeting, rationale=d["rationale"],
                                decided_on=d["decided_on"], relocate_to=d["relocate_to"],
                                expected_version=_version(request))
                messages.success(request, "The SEG's decision is recorded; send the notice to the Ward Members")
                return redirect("cctv-review", pk=review.pk)
            if "notified" in request.POST:
                services.members_notified(user, review)
                messages.success(request, "Recorded that the Ward Members were told")
                return redirect("cctv-review", pk=review.pk)
        except RuleRefused as e:
            show_refusal(recommend if "recommend" in request.POST else decision, e)
    failed = recommend.errors or decision.errors
    return render(request, "cctv/review.html", {"title": f"{'Error: ' if failed else ''}{review.reference}",
                                                **page, "recommend": recommend, "decision": decision,
                                                "principles": rules.CODE_PRINCIPLES},
                  status=200)


def review_notice(request: HttpRequest, pk: int) -> HttpResponse:
    review = services.get_review(request.user, pk, purpose="decision notice")
    fmt = request.GET.get("format", "docx")
    try:
        body, kind = ((notices.notice_pdf(review), "application/pdf") if fmt == "pdf" else
                      (notices.notice_docx(review),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    except RuleRefused as e:
        messages.error(request, e.reason)
        return redirect("cctv-review", pk=review.pk)
    record(request.user, Action.EXPORTED, "camera_review", review.pk, channel=Channel.WEB, summary=f"notice {fmt}")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{review.reference}-notice.{"pdf" if fmt == "pdf" else "docx"}"'
    return response


def review_dpia(request: HttpRequest, pk: int) -> HttpResponse:
    review = services.get_review(request.user, pk, purpose="dpia")
    services.require_lead(request.user)
    dpia = getattr(review, "dpia", None)
    initial = {"retention_days": 31}
    if dpia is not None:
        initial |= dict(dpia.sections) | {"retention_days": dpia.retention_days, "residual_risk": dpia.residual_risk,
                                          "signed_off_by": dpia.signed_off_by, "signed_off_on": dpia.signed_off_on}
    form = forms.DpiaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.save_dpia(request.user, review, sections={k: d[k] for k, _ in rules.DPIA_SECTIONS},
                               retention_days=d["retention_days"], residual_risk=d["residual_risk"],
                               signed_off_by=d["signed_off_by"], signed_off_on=d["signed_off_on"])
            messages.success(request, "DPIA saved")
            return redirect("cctv-review", pk=review.pk)
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, f"Privacy impact assessment (DPIA): {review.reference}",
                      intro="The sections of the ICO's DPIA template and the Surveillance Camera Commissioner's DPIA "
                            "for surveillance cameras. Every section is needed before sign-off.",
                      back=("cctv-review", review.pk))


def review_code(request: HttpRequest, pk: int) -> HttpResponse:
    review = services.get_review(request.user, pk, purpose="code self-assessment")
    services.require_lead(request.user)
    found = getattr(review, "code_assessment", None)
    initial: dict[str, Any] = {"assessed_on": timezone.localdate()}
    if found is not None:
        for n, entry in found.principles.items():
            initial[f"p{n}_rag"], initial[f"p{n}_evidence"] = entry.get("rag", ""), entry.get("evidence", "")
    form = forms.CodeAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_code_assessment(request.user, review, principles=form.principles(),
                                          assessed_on=form.cleaned_data["assessed_on"])
            messages.success(request, "Surveillance Camera Code self-assessment saved")
            return redirect("cctv-review", pk=review.pk)
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, f"Surveillance Camera Code self-assessment: {review.reference}",
                      intro="The 12 guiding principles: for each, the evidence and a RAG rating.",
                      back=("cctv-review", review.pk))


def meetings(request: HttpRequest) -> HttpResponse:
    found = services.meeting_list(request.user)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST":
        services.require_lead(request.user)
        if form.is_valid():
            try:
                meeting = services.add_meeting(request.user, **form.cleaned_data)
                messages.success(request, f"SEG meeting {meeting.reference} added")
                return redirect("cctv-meetings")
            except RuleRefused as e:
                show_refusal(form, e)
    return render(request, "cctv/meetings.html", {"title": f"{'Error: ' if form.errors else ''}SEG meetings",
                                                  "meetings": found, "form": form,
                                                  "may": services.what_user_may(request.user)})


def deployments(request: HttpRequest) -> HttpResponse:
    return render(request, "cctv/deployments.html", {"title": "Rapid deployments",
                                                     "rows": services.deployment_list(request.user),
                                                     "may": services.what_user_may(request.user)})


def deployment_create(request: HttpRequest) -> HttpResponse:
    services.require_lead(request.user)
    cameras = list(services.rapid_cameras(request.user))
    form = forms.DeploymentForm(request.POST or None, cameras=cameras, initial={"deployed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["camera"] = next(c for c in cameras if str(c.pk) == d["camera"])
        try:
            services.deploy(request.user, **d)
            messages.success(request, "Deployment recorded")
            return redirect("cctv-deployments")
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, "Record a rapid deployment", back=("cctv-deployments", ""))


def deployment_review(request: HttpRequest, pk: int) -> HttpResponse:
    d = services.get_deployment(request.user, pk)
    services.require_lead(request.user)
    form = forms.DeploymentReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_deployment(request.user, d, **form.cleaned_data)
            messages.success(request, "Deployment reviewed")
            return redirect("cctv-deployments")
        except RuleRefused as e:
            show_refusal(form, e)
    return _form_page(request, form, f"Review the deployment of {d}", back=("cctv-deployments", ""),
                      intro=f"Footage requests since deployment: {services.footage_count(d)}.")


def footage_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cctv/footage.html", {"title": "Footage requests",
                                                 "requests": services.footage_list(request.user),
                                                 "may": services.what_user_may(request.user)})


def footage_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    cameras = services.footage_cameras(user)
    form = forms.FootageRequestForm(request.POST or None, cameras=cameras, initial={"camera": request.GET.get("camera")})
    if request.method == "POST":
        if form.is_valid():
            d = dict(form.cleaned_data)
            try:
                services.request_footage(user, camera=services.get_camera(user, d.pop("camera")), **d)
                messages.success(request, "Footage request recorded")
                return redirect("cctv-footage")
            except RuleRefused as e:
                show_refusal(form, e)
    return _form_page(request, form, "Record a footage request", back=("cctv-footage", ""))


def footage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.get_footage_request(request.user, pk)
    form = forms.FootageAnswerForm(request.POST or None)
    if request.method == "POST":
        services.require_lead(request.user)
        if form.is_valid():
            try:
                services.answer_footage_request(request.user, found, **form.cleaned_data)
                messages.success(request, "Answer recorded")
                return redirect("cctv-footage")
            except RuleRefused as e:
                show_refusal(form, e)
    return render(request, "cctv/footage_detail.html", {"title": f"{'Error: ' if form.errors else ''}Footage request "
                                                        f"{found.reference}", "found": found, "form": form,
                                                        "may": services.what_user_may(request.user)})


def quarter_report(request: HttpRequest) -> HttpResponse:
    quarter = request.GET.get("quarter") or rules.quarter_of(timezone.localdate())
    try:
        figures = report.quarter_figures(request.user, quarter)
    except RuleRefused as e:
        messages.error(request, e.reason)
        quarter = rules.quarter_of(timezone.localdate())
        figures = report.quarter_figures(request.user, quarter)
    if request.GET.get("format") == "docx":
        record(request.user, Action.EXPORTED, "cctv_paper", quarter, channel=Channel.WEB)
        response = HttpResponse(report.paper_docx(figures, report.register_map(request.user)),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response["Content-Disposition"] = f'attachment; filename="cctv-{quarter}.docx"'
        return response
    return render(request, "cctv/report.html", {"title": f"CCTV update {figures['quarter']}", "f": figures,
                                                "sections": report.paper_sections(figures),
                                                "may": services.what_user_may(request.user)})


def register_map(request: HttpRequest) -> HttpResponse:
    return HttpResponse(report.register_map(request.user), content_type="image/png")


def register_export(request: HttpRequest) -> HttpResponse:
    rows = report.register_rows(request.user)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    record(request.user, Action.EXPORTED, "camera_register", "", channel=Channel.WEB, summary=f"{len(rows)} cameras {fmt}",
           object_ids=[])
    if fmt == "xlsx":
        response = HttpResponse(report.register_xlsx(rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(report.register_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cctv-register.{fmt}"'
    return response



def upload(request: HttpRequest) -> HttpResponse:
    """The CCTV lead uploads the control room's monthly report (or a register); the rows not
    loaded are listed with their line, field and reason."""
    services.require_lead(request.user)
    form = forms.UploadForm(request.POST or None, request.FILES or None, initial={"kind": "activity"})
    if request.method == "POST" and form.is_valid():
        try:
            summary = loads.load_upload(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
            messages.success(request, str(summary))
            return redirect(f"{request.path}?file={summary.file}")
        except RuleRefused as e:
            show_refusal(form, e)
        except InputFileError as e:
            form.add_error("file", str(e))
    shown = request.GET.get("file", "")[:300]
    return render(request, "cctv/upload.html", {"title": f"{'Error: ' if form.errors else ''}Load a CCTV file",
                                                "form": form, "file": shown,
                                                "quarantined": loads.quarantined(file=shown) if shown else []})


def estate_code(request: HttpRequest) -> HttpResponse:
    """The estate's self-assessment against the Surveillance Camera Code's 12 principles: the
    latest for everyone; a new one by the CCTV lead."""
    latest = services.estate_code_assessment()
    initial: dict[str, Any] = {"assessed_on": timezone.localdate()}
    for n, entry in (latest.principles.items() if latest else []):
        initial[f"p{n}_rag"], initial[f"p{n}_evidence"] = entry.get("rag", ""), entry.get("evidence", "")
    form = forms.CodeAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        services.require_lead(request.user)
        if form.is_valid():
            try:
                services.assess_estate_against_the_code(request.user, principles=form.principles(),
                                                        assessed_on=form.cleaned_data["assessed_on"])
                messages.success(request, "The estate's Code self-assessment is saved")
                return redirect("cctv-code")
            except RuleRefused as e:
                show_refusal(form, e)
    return render(request, "cctv/code.html", {"title": f"{'Error: ' if form.errors else ''}Surveillance Camera Code",
                                              "latest": latest, "form": form, "principles": rules.CODE_PRINCIPLES,
                                              "may": services.what_user_may(request.user)})
