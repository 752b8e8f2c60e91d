"""The CCTV estate's services: reading the register (audited through csphub.access), changing
it (the CCTV lead), faults, placement reviews and new-camera requests to the SEG's decision,
DPIAs and Code self-assessments, rapid deployments and footage requests.

Loading files (the register, the activity report) is in :mod:`.loads`; the quarter's paper
and the exports in :mod:`.report`; the evidence from the warehouse in :mod:`.evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.audit.services import Action, Channel, record
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import rules
from .models import (
    ActivityMonth,
    Camera,
    CodeAssessment,
    Dpia,
    Fault,
    FootageRequest,
    RapidDeployment,
    Review,
    SegMeeting,
)

LEAD_ONLY = "Only the CCTV lead (the cctv.manage_estate permission) changes the CCTV estate."
INTERNAL_ONLY = "Reviews, new-camera requests and DPIAs are internal: for the CCTV lead and the community safety team."


def cctv_rules() -> rules.CctvRules:
    return rules.CctvRules.from_mapping(getattr(settings, "CSPHUB_CCTV_RULES", {}))


def require_lead(user: Any) -> None:
    if not policy.can_manage_estate(user):
        raise PermissionRefused(LEAD_ONLY)


def require_internal(user: Any) -> None:
    if not policy.can_see_cctv_internal(user):
        raise PermissionRefused(INTERNAL_ONLY)


def what_user_may(user: Any) -> dict[str, bool]:
    """What the pages offer the user (the decisions themselves are csphub.access.policy's)."""
    return {"manage": policy.can_manage_estate(user), "internal": policy.can_see_cctv_internal(user),
            "request_footage": policy.can_request_footage(user)}


# ---- The register ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilter:
    ward: str = ""
    status: str = ""
    kind: str = ""
    search: str = ""


def _cameras(user: Any, filters: RegisterFilter | None, channel: str, purpose: str) -> QuerySet[Camera]:
    found = reads.cameras(user, purpose=purpose, channel=channel)
    f = filters or RegisterFilter()
    if f.ward:
        found = found.filter(Q(ward_name=f.ward) | Q(ward_code=f.ward))
    if f.status:
        found = found.filter(status=f.status)
    if f.kind:
        found = found.filter(kind=f.kind)
    if f.search:
        found = found.filter(Q(camera_id__icontains=f.search) | Q(location__icontains=f.search)
                             | Q(name__icontains=f.search))
    return (found.annotate(open_faults=Count("faults", filter=Q(faults__closed_on__isnull=True,
                                                               faults__archived_on__isnull=True)))
            .order_by("camera_id", "pk"))


def camera_list(user: Any, filters: RegisterFilter | None = None, *, channel: str = Channel.WEB,
                purpose: str = "cctv register", limit: int = 2000) -> list[Camera]:
    return list(_cameras(user, filters, channel, purpose)[:limit])


def camera_window(user: Any, filters: RegisterFilter | None, window: Window, *, channel: str = Channel.API,
                  purpose: str = "api cctv register") -> Slice:
    """A window of the register (see csphub.core.listing); only the cameras returned are audited."""
    return take(_cameras(user, filters, channel, purpose), window)


def ward_choices(user: Any) -> list[str]:
    return sorted(set(policy.cameras(user).exclude(ward_name="").values_list("ward_name", flat=True)))


def get_camera(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "camera page") -> Camera:
    return reads.camera(user, pk, purpose=purpose, channel=channel)


def camera_page(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """A camera with its faults, the last 12 months of activity, its deployments and (for
    internal users) its reviews and footage requests."""
    camera = get_camera(user, pk, channel=channel)
    today = timezone.localdate()
    r = cctv_rules()
    faults = list(camera.faults.filter(archived_on__isnull=True))
    activity = list(camera.activity.filter(month__gte=rules.add_months(today, -12)).order_by("month"))
    zero = zero_run_of(camera, today)
    page: dict[str, Any] = {
        "camera": camera, "faults": [(f, rules.days_open(_span(f), today), rules.faulty_too_long(_span(f), today, r))
                                     for f in faults],
        "activity": activity, "zero": zero, "deployments": list(camera.deployments.filter(archived_on__isnull=True)),
        "reviews": [], "footage": [], "rules": r, "may": what_user_may(user),
        "review_open": camera.reviews.filter(status__in=[Review.Status.OPEN, Review.Status.RECOMMENDED],
                                             archived_on__isnull=True).exists(),
    }
    if policy.can_see_cctv_internal(user):
        page["reviews"] = reads.shown(user, "camera_review", camera.reviews.filter(archived_on__isnull=True),
                                      purpose=f"camera {camera.pk}", channel=channel)
    page["footage"] = list(reads.footage_requests(user, purpose=f"camera {camera.pk}", channel=channel)
                           .filter(camera=camera)[:50])
    return page


def _span(fault: Fault) -> rules.FaultSpan:
    return rules.FaultSpan(fault.reported_on, fault.closed_on)


CAMERA_FIELDS = ("name", "location", "latitude", "longitude", "ward_code", "ward_name", "kind", "transmission",
                 "permanence", "owner", "funder", "installed_on", "end_of_life_on", "status", "purposes",
                 "annual_cost", "publish")


@transaction.atomic
def add_camera(user: Any, *, camera_id: str, channel: str = Channel.WEB, **values: Any) -> Camera:
    require_lead(user)
    if Camera.objects.filter(camera_id=camera_id).exists():
        raise RuleRefused("camera_id_taken", f"There is already a camera {camera_id}.", "camera_id")
    camera = Camera(camera_id=camera_id, **{k: v for k, v in values.items() if k in CAMERA_FIELDS})
    _place(camera)
    camera.save_by(user)
    record(user, Action.CREATED, "camera", camera.pk, channel=channel)
    return camera


def camera_for_edit(user: Any, pk: object) -> Camera:
    camera = get_camera(user, pk, purpose="camera edit")
    require_lead(user)
    return camera


@transaction.atomic
def change_camera(user: Any, camera: Camera, *, expected_version: int | None = None, channel: str = Channel.WEB,
                  **values: Any) -> Camera:
    require_lead(user)
    lock(camera)
    camera.check_version(expected_version)
    if "status" in values:
        rules.check_status_change(camera.status, values["status"], seg_decided_decommission=camera.reviews.filter(
            decision=Review.Decision.DECOMMISSION, archived_on__isnull=True).exists())
    moved = any(k in values and values[k] != getattr(camera, k) for k in ("latitude", "longitude"))
    changed = [k for k in CAMERA_FIELDS if k in values and values[k] != getattr(camera, k)]
    for k in changed:
        setattr(camera, k, values[k])
    if moved and not values.get("ward_code"):
        camera.ward_code = camera.ward_name = camera.ward_source = ""
        _place(camera)
    camera.save_by(user)
    record(user, Action.CHANGED, "camera", camera.pk, channel=channel, summary=", ".join(changed))
    return camera


def _place(camera: Camera) -> None:
    """Fill the ward and LSOA from the warehouse's boundaries when the camera has coordinates and
    no ward was given (no warehouse: left empty, and the page says so)."""
    from .evidence import place

    if camera.latitude is None or camera.longitude is None:
        if camera.ward_code or camera.ward_name:
            camera.ward_source = camera.ward_source or "entered"
        return
    found = place([(camera.longitude, camera.latitude)])[0]
    camera.lsoa_code = camera.lsoa_code or found.lsoa_code
    if camera.ward_code or camera.ward_name:
        camera.ward_source = camera.ward_source or "entered"
    elif found.ward_code:
        camera.ward_code, camera.ward_name, camera.ward_source = found.ward_code, found.ward_name, "boundaries"


# ---- Faults --------------------------------------------------------------------------------------

@transaction.atomic
def report_fault(user: Any, camera: Camera, *, kind: str, reported_by: str, reported_on: date | None = None,
                 description: str = "", contractor_reference: str = "", channel: str = Channel.WEB) -> Fault:
    require_lead(user)
    lock(camera)
    if not camera.in_service:
        raise RuleRefused("camera_not_in_service", f"Camera {camera.camera_id} is {camera.get_status_display().lower()}.",
                          "kind")
    fault = Fault(camera=camera, kind=kind, reported_by=reported_by, reported_on=reported_on or timezone.localdate(),
                  description=description, contractor_reference=contractor_reference)
    fault.save_by(user)
    if camera.status == Camera.Status.WORKING:
        camera.status = Camera.Status.FAULTY
        camera.save_by(user)
    record(user, Action.CREATED, "camera_fault", fault.pk, channel=channel)
    return fault


def get_fault(user: Any, pk: object, *, channel: str = Channel.WEB) -> Fault:
    return reads.camera_fault(user, pk, purpose="fault", channel=channel)


@transaction.atomic
def close_fault(user: Any, fault: Fault, *, closed_on: date | None = None, resolution: str = "",
                contractor_reference: str = "", channel: str = Channel.WEB) -> Fault:
    require_lead(user)
    lock(fault)
    if fault.closed_on is not None:
        raise RuleRefused("fault_closed", f"This fault was closed on {fault.closed_on:%d %B %Y}.", "closed_on")
    closed_on = closed_on or timezone.localdate()
    if closed_on < fault.reported_on:
        raise RuleRefused("closed_before_reported", "A fault cannot be repaired before it was reported "
                          f"({fault.reported_on:%d %B %Y}).", "closed_on")
    fault.closed_on, fault.resolution = closed_on, resolution
    fault.contractor_reference = contractor_reference or fault.contractor_reference
    fault.save_by(user)
    camera = fault.camera
    if camera.status == Camera.Status.FAULTY and not camera.faults.filter(closed_on__isnull=True).exclude(pk=fault.pk).exists():
        camera.status = Camera.Status.WORKING
        camera.save_by(user)
    record(user, Action.CHANGED, "camera_fault", fault.pk, channel=channel, summary="closed")
    return fault


def _faults(user: Any, open_only: bool, channel: str) -> QuerySet[Fault]:
    found = reads.camera_faults(user, purpose="fault list", channel=channel).select_related("camera")
    if open_only:
        found = found.filter(closed_on__isnull=True)
    return found.order_by("reported_on", "pk")


def _fault_rows(faults: Any) -> list[dict[str, Any]]:
    today, r = timezone.localdate(), cctv_rules()
    return [{"fault": f, "days_open": rules.days_open(_span(f), today), "flagged": rules.faulty_too_long(_span(f), today, r)}
            for f in faults]


def fault_list(user: Any, *, open_only: bool = True, channel: str = Channel.WEB) -> list[dict[str, Any]]:
    return _fault_rows(_faults(user, open_only, channel)[:1000])


def fault_window(user: Any, window: Window, *, open_only: bool = True, channel: str = Channel.API) -> Slice:
    """A window of the faults, oldest first (or, syncing, by change), each with its days open."""
    found = take(_faults(user, open_only, channel), window)
    return replace(found, rows=_fault_rows(found.rows))


# ---- The six-month rule --------------------------------------------------------------------------

def month_activity(camera: Camera, today: date, rows: list[ActivityMonth] | None = None,
                   faults: list[Fault] | None = None) -> list[rules.MonthActivity]:
    rows = rows if rows is not None else list(camera.activity.all())
    spans = [_span(f) for f in (faults if faults is not None else camera.faults.filter(archived_on__isnull=True))]
    return [rules.MonthActivity(a.month, a.total, rules.fault_days_in(spans, a.month, rules.month_end(a.month), today))
            for a in rows]


def last_decision_on(camera: Camera) -> date | None:
    return (camera.reviews.filter(decided_on__isnull=False, archived_on__isnull=True)
            .order_by("-decided_on").values_list("decided_on", flat=True).first())


def zero_run_of(camera: Camera, today: date) -> rules.ZeroRun:
    return rules.zero_activity_run(month_activity(camera, today), cctv_rules(), since=last_decision_on(camera))


@transaction.atomic
def open_zero_activity_reviews(today: date | None = None, user: Any = None, channel: str = Channel.CLI
                               ) -> list[Review]:
    """Open a placement review for every camera in service whose reports end with the rule's run
    of zero-activity months and which has no review open. Run after each activity load."""
    today = today or timezone.localdate()
    opened = []
    open_reviews = set(Review.objects.filter(status__in=[Review.Status.OPEN, Review.Status.RECOMMENDED],
                                             camera__isnull=False).values_list("camera_id", flat=True))
    candidates = (Camera.objects.filter(archived_on__isnull=True, status__in=[Camera.Status.WORKING, Camera.Status.FAULTY])
                  .exclude(pk__in=open_reviews).prefetch_related("activity", "faults"))
    for camera in candidates:
        run = rules.zero_activity_run(month_activity(camera, today, list(camera.activity.all()),
                                                     [f for f in camera.faults.all() if f.archived_on is None]),
                                      cctv_rules(), since=last_decision_on(camera))
        if not run.due:
            continue
        review = Review(kind=Review.Kind.PLACEMENT, trigger=Review.Trigger.ZERO_ACTIVITY, camera=camera,
                        opened_on=today, reason=f"Opened automatically: {run.reason}.")
        review.save_by(user)
        record(user, Action.CREATED, "camera_review", review.pk, channel=channel, summary="zero activity rule")
        opened.append(review)
    return opened


# ---- Reviews and new-camera requests --------------------------------------------------------------

def _reviews(user: Any, status: str, channel: str, purpose: str) -> QuerySet[Review]:
    require_internal(user)
    found = reads.camera_reviews(user, purpose=purpose, channel=channel).select_related("camera", "meeting")
    if status:
        found = found.filter(status=status)
    return found


def review_list(user: Any, *, status: str = "", channel: str = Channel.WEB, purpose: str = "cctv reviews") -> list[Review]:
    return list(_reviews(user, status, channel, purpose)[:500])


def review_window(user: Any, window: Window, *, status: str = "", channel: str = Channel.API,
                  purpose: str = "api cctv reviews") -> Slice:
    return take(_reviews(user, status, channel, purpose).order_by("-opened_on", "-pk"), window)


def get_review(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "cctv review") -> Review:
    return reads.camera_review(user, pk, purpose=purpose, channel=channel)


@transaction.atomic
def request_new_camera(user: Any, *, trigger: str, reason: str, proposed_location: str, requester_name: str = "",
                       requester_contact: str = "", latitude: float | None = None, longitude: float | None = None,
                       estimated_cost: Any = None, opened_on: date | None = None, channel: str = Channel.WEB) -> Review:
    """Record a request for a new camera (from a Ward Member, the public, an officer, the police):
    the community safety team investigates whether a camera is the right response."""
    require_internal(user)
    review = Review(kind=Review.Kind.NEW_CAMERA, trigger=trigger, reason=reason, proposed_location=proposed_location,
                    requester_name=requester_name, requester_contact=requester_contact, latitude=latitude,
                    longitude=longitude, estimated_cost=estimated_cost, opened_on=opened_on or timezone.localdate())
    if latitude is not None and longitude is not None:
        from .evidence import place

        found = place([(longitude, latitude)])[0]
        review.ward_code, review.ward_name = found.ward_code, found.ward_name
    review.save_by(user)
    record(user, Action.CREATED, "camera_review", review.pk, channel=channel, summary="new camera request")
    return review


@transaction.atomic
def open_placement_review(user: Any, camera: Camera, *, reason: str, trigger: str = Review.Trigger.LEAD_OFFICER,
                          opened_on: date | None = None, channel: str = Channel.WEB) -> Review:
    require_lead(user)
    if camera.reviews.filter(status__in=[Review.Status.OPEN, Review.Status.RECOMMENDED]).exists():
        raise RuleRefused("review_open", f"Camera {camera.camera_id} already has a review open.", "reason")
    review = Review(kind=Review.Kind.PLACEMENT, trigger=trigger, camera=camera, reason=reason,
                    opened_on=opened_on or timezone.localdate())
    review.save_by(user)
    record(user, Action.CREATED, "camera_review", review.pk, channel=channel)
    return review


def review_page(user: Any, review: Review) -> dict[str, Any]:
    from .evidence import evidence_for

    return {"review": review, "evidence": review.evidence or evidence_for(review),
            "evidence_is_snapshot": bool(review.evidence), "may": what_user_may(user),
            "decisions": rules.DECISIONS[review.kind], "meetings": list(SegMeeting.objects.filter(archived_on__isnull=True)),
            "dpia": getattr(review, "dpia", None), "code": getattr(review, "code_assessment", None)}


def _require_changeable(user: Any, review: Review, expected_version: int | None) -> None:
    lock(review)
    if not policy.camera_reviews(user).filter(pk=review.pk).exists():
        raise NotFoundError(f"No review {review.pk}.")
    require_lead(user)
    review.check_version(expected_version)


@transaction.atomic
def recommend(user: Any, review: Review, *, recommendation: str, reason: str, expected_version: int | None = None,
              on: date | None = None, channel: str = Channel.WEB) -> Review:
    """The lead officer's recommendation to the SEG, with the evidence as it stands today kept
    on the review (the decision notice cites it)."""
    from .evidence import evidence_for

    _require_changeable(user, review, expected_version)
    if review.status == Review.Status.DECIDED:
        raise RuleRefused("already_decided", "The SEG has decided this review.", "recommendation")
    if recommendation not in rules.DECISIONS[review.kind]:
        raise RuleRefused("decision_not_allowed", f"A {review.get_kind_display().lower()} can recommend: "
                          + ", ".join(rules.DECISIONS[review.kind]), "recommendation")
    if not reason.strip():
        raise RuleRefused("reason_required", "Give the documented evidence for the recommendation.", "reason")
    review.recommendation, review.recommendation_reason = recommendation, reason
    review.recommended_by, review.recommended_on = user, on or timezone.localdate()
    review.evidence = evidence_for(review)
    review.status = Review.Status.RECOMMENDED
    review.save_by(user)
    record(user, Action.CHANGED, "camera_review", review.pk, channel=channel, summary=f"recommended {recommendation}")
    return review


@transaction.atomic
def decide(user: Any, review: Review, *, decision: str, meeting: SegMeeting | None, rationale: str,
           decided_on: date | None = None, relocate_to: str = "", expected_version: int | None = None,
           channel: str = Channel.WEB) -> Review:
    """Record the SEG's decision, taken at ``meeting`` (a decision without an SEG meeting is
    refused: rules.check_decision), and carry it out on the camera."""
    _require_changeable(user, review, expected_version)
    decided_on = decided_on or (meeting.held_on if meeting else timezone.localdate())
    camera = review.camera
    dpia = Dpia.objects.filter(review=review).first()
    rules.check_decision(rules.DecisionFacts(
        kind=review.kind, decision=decision, meeting_reference=meeting.reference if meeting else "",
        meeting_held_on=meeting.held_on if meeting else None, decided_on=decided_on,
        has_recommendation=bool(review.recommendation), rationale=rationale,
        camera_permanent=camera is None or camera.permanence == Camera.Permanence.PERMANENT,
        dpia_signed_off=bool(dpia and dpia.signed_off), already_decided=review.status == Review.Status.DECIDED))
    if decision == "relocate" and not relocate_to.strip():
        raise RuleRefused("relocate_where", "Say where the camera is to be relocated to.", "relocate_to")
    review.decision, review.meeting, review.decided_on = decision, meeting, decided_on
    review.rationale, review.relocate_to = rationale, relocate_to
    review.status = Review.Status.DECIDED
    review.save_by(user)
    _carry_out(user, review)
    record(user, Action.CHANGED, "camera_review", review.pk, channel=channel,
           summary=f"SEG decision {decision} at meeting {meeting.pk if meeting else ''}")
    return review


def _carry_out(user: Any, review: Review) -> None:
    camera = review.camera
    if camera is None:
        return
    lock(camera)
    if review.decision == "decommission":
        camera.status = Camera.Status.DECOMMISSIONED
        for fault in camera.faults.filter(closed_on__isnull=True, archived_on__isnull=True):
            fault.closed_on = max(review.decided_on or fault.reported_on, fault.reported_on)
            fault.resolution = f"Closed: camera decommissioned by the SEG ({review.reference})"
            fault.save_by(user)
    elif review.decision == "make_permanent":
        camera.permanence = Camera.Permanence.PERMANENT
    elif review.decision == "relocate":
        camera.location = review.relocate_to[:300]
        camera.latitude = camera.longitude = None
        camera.ward_code = camera.ward_name = camera.lsoa_code = camera.ward_source = ""
    else:
        return
    camera.save_by(user)


@transaction.atomic
def members_notified(user: Any, review: Review, *, on: date | None = None, channel: str = Channel.WEB) -> Review:
    _require_changeable(user, review, None)
    if review.status != Review.Status.DECIDED:
        raise RuleRefused("not_decided", "Ward Members are told once the SEG has decided.", "notified")
    review.members_notified_on = on or timezone.localdate()
    review.save_by(user)
    record(user, Action.CHANGED, "camera_review", review.pk, channel=channel, summary="ward members notified")
    return review


# ---- SEG meetings --------------------------------------------------------------------------------

def meeting_list(user: Any) -> list[SegMeeting]:
    require_internal(user)
    return list(SegMeeting.objects.filter(archived_on__isnull=True).annotate(n=Count("decisions")))


@transaction.atomic
def add_meeting(user: Any, *, reference: str, held_on: date, notes: str = "", channel: str = Channel.WEB) -> SegMeeting:
    require_lead(user)
    reference = reference.strip()
    if not reference:
        raise RuleRefused("reference_required", "Give the meeting's reference (e.g. SEG-2025-07).", "reference")
    if SegMeeting.objects.filter(reference__iexact=reference).exists():
        raise RuleRefused("reference_taken", f"There is already an SEG meeting {reference}.", "reference")
    meeting = SegMeeting(reference=reference, held_on=held_on, notes=notes)
    meeting.save_by(user)
    record(user, Action.CREATED, "seg_meeting", meeting.pk, channel=channel)
    return meeting


# ---- DPIA and the Surveillance Camera Code --------------------------------------------------------

@transaction.atomic
def save_dpia(user: Any, review: Review, *, sections: dict[str, str], retention_days: int, residual_risk: str = "",
              signed_off_by: str = "", signed_off_on: date | None = None, channel: str = Channel.WEB) -> Dpia:
    _require_changeable(user, review, None)
    dpia = Dpia.objects.filter(review=review).first() or Dpia(review=review, title=f"DPIA: {review.where}"[:200])
    if signed_off_on is not None:
        missing = rules.dpia_missing(sections)
        if missing:
            raise RuleRefused("dpia_incomplete", "A DPIA is signed off once every section is filled; missing: "
                              + "; ".join(missing), "signed_off_on")
        if not signed_off_by.strip():
            raise RuleRefused("dpia_signatory", "Name who signed it off (the Data Protection Officer).", "signed_off_by")
    dpia.sections, dpia.retention_days, dpia.residual_risk = sections, retention_days, residual_risk
    dpia.signed_off_by, dpia.signed_off_on = signed_off_by, signed_off_on
    dpia.review_due_on = (signed_off_on + timedelta(days=365)) if signed_off_on else None
    dpia.save_by(user)
    if review.camera_id and review.camera.dpia_id != dpia.pk:
        review.camera.dpia = dpia
        review.camera.save_by(user)
    record(user, Action.CHANGED, "camera_dpia", dpia.pk, channel=channel, summary="signed off" if signed_off_on else "")
    return dpia


@transaction.atomic
def save_code_assessment(user: Any, review: Review, *, principles: dict[str, dict[str, str]],
                         assessed_on: date | None = None, channel: str = Channel.WEB) -> CodeAssessment:
    _require_changeable(user, review, None)
    problems = rules.code_assessment_problems(principles)
    if problems:
        first, *others = [("code_incomplete", f"Principle {n}: {what}", f"p{n}_evidence" if "evidence" in what else f"p{n}_rag")
                          for n, what in problems]
        raise RuleRefused(*first, others=tuple(others))
    found = CodeAssessment.objects.filter(review=review).first() or CodeAssessment(review=review)
    found.principles, found.assessed_on = principles, assessed_on or timezone.localdate()
    found.save_by(user)
    record(user, Action.CHANGED, "camera_review", review.pk, channel=channel, summary="code self-assessment")
    return found


def estate_code_assessment() -> CodeAssessment | None:
    """The latest self-assessment of the whole estate against the Code (not of one request)."""
    return CodeAssessment.objects.filter(review__isnull=True, archived_on__isnull=True).order_by("-assessed_on", "-id").first()


@transaction.atomic
def assess_estate_against_the_code(user: Any, *, principles: dict[str, dict[str, str]], assessed_on: date | None = None,
                                   channel: str = Channel.WEB) -> CodeAssessment:
    """A new self-assessment of the estate (each is kept: the SEG sees how compliance moves)."""
    require_lead(user)
    problems = rules.code_assessment_problems(principles)
    if problems:
        first, *others = [("code_incomplete", f"Principle {n}: {what}", f"p{n}_evidence" if "evidence" in what else f"p{n}_rag")
                          for n, what in problems]
        raise RuleRefused(*first, others=tuple(others))
    found = CodeAssessment(principles=principles, assessed_on=assessed_on or timezone.localdate())
    found.save_by(user)
    record(user, Action.CREATED, "code_assessment", found.pk, channel=channel, summary="estate")
    return found


# ---- Rapid deployments -----------------------------------------------------------------------------

def deployment_list(user: Any, *, channel: str = Channel.WEB) -> list[dict[str, Any]]:
    today = timezone.localdate()
    found = with_footage_counts(reads.camera_deployments(user, purpose="rapid deployments", channel=channel)
                                .select_related("camera"))
    return [{"deployment": d, "due": d.reviewed_on is None and d.removed_on is None and d.review_due_on <= today,
             "footage_requests": d.footage_requests} for d in found[:500]]


def with_footage_counts(deployments: QuerySet[RapidDeployment]) -> QuerySet[RapidDeployment]:
    """Each deployment with ``footage_requests``: the footage requests on its camera while it was
    deployed (counted, not shown), in the list's one query rather than one query per deployment."""
    until = Coalesce(OuterRef("removed_on"), F("incident_on"), output_field=DateField())  # still deployed: no end
    during = (FootageRequest.objects.filter(camera_id=OuterRef("camera_id"), incident_on__gte=OuterRef("deployed_on"),
                                            incident_on__lte=until, archived_on__isnull=True)
              .order_by().values("camera_id").annotate(n=Count("pk")).values("n"))
    return deployments.annotate(footage_requests=Coalesce(Subquery(during), 0))


def footage_count(d: RapidDeployment) -> int:
    """Footage requests on one deployment's camera while it was deployed (counted, not shown)."""
    return with_footage_counts(RapidDeployment.objects.filter(pk=d.pk)).values_list("footage_requests", flat=True)[0]


def rapid_cameras(user: Any) -> QuerySet[Camera]:
    return policy.cameras(user).filter(kind=Camera.Kind.RAPID).exclude(status__in=[Camera.Status.DECOMMISSIONED,
                                                                                  Camera.Status.REMOVED])


@transaction.atomic
def deploy(user: Any, *, camera: Camera, site: str, purpose: str, problem: str, deployed_on: date, review_due_on: date,
           latitude: float | None = None, longitude: float | None = None, channel: str = Channel.WEB) -> RapidDeployment:
    require_lead(user)
    if camera.kind != Camera.Kind.RAPID:
        raise RuleRefused("not_rapid", f"Camera {camera.camera_id} is not a rapid-deployment camera.", "camera")
    if review_due_on <= deployed_on:
        raise RuleRefused("review_after_deployment", "The review date comes after the deployment.", "review_due_on")
    if camera.deployments.filter(removed_on__isnull=True, archived_on__isnull=True).exists():
        raise RuleRefused("camera_deployed", f"Camera {camera.camera_id} is deployed elsewhere: record its removal "
                          "first.", "camera")
    ward_name = ""
    if latitude is not None and longitude is not None:
        from .evidence import place

        ward_name = place([(longitude, latitude)])[0].ward_name
    d = RapidDeployment(camera=camera, site=site, purpose=purpose, problem=problem, deployed_on=deployed_on,
                        review_due_on=review_due_on, latitude=latitude, longitude=longitude, ward_name=ward_name)
    d.save_by(user)
    record(user, Action.CREATED, "camera_deployment", d.pk, channel=channel)
    return d


def get_deployment(user: Any, pk: object, *, channel: str = Channel.WEB) -> RapidDeployment:
    return reads.camera_deployment(user, pk, purpose="rapid deployment", channel=channel)


@transaction.atomic
def review_deployment(user: Any, d: RapidDeployment, *, reviewed_on: date, outcome: str, removed_on: date | None = None,
                      next_review_on: date | None = None, channel: str = Channel.WEB) -> RapidDeployment:
    """Review a deployment against ICO guidance: keep it (with a next review date) or remove it."""
    require_lead(user)
    lock(d)
    if not outcome.strip():
        raise RuleRefused("outcome_required", "Say what the review found (incidents captured, footage requests, "
                          "whether the problem continues).", "outcome")
    if removed_on is None and next_review_on is None:
        raise RuleRefused("next_review_required", "Kept in place: give the next review date.", "next_review_on")
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise RuleRefused("next_review_after", "The next review comes after this one.", "next_review_on")
    d.reviewed_on, d.review_outcome, d.removed_on = reviewed_on, outcome, removed_on
    if next_review_on is not None and removed_on is None:
        d.review_due_on, d.reviewed_on = next_review_on, None
        d.review_outcome = f"{reviewed_on:%d %b %Y}: {outcome}"
    d.save_by(user)
    record(user, Action.CHANGED, "camera_deployment", d.pk, channel=channel, summary="reviewed")
    return d


# ---- Footage requests --------------------------------------------------------------------------------

def _footage(user: Any, channel: str, purpose: str) -> QuerySet[FootageRequest]:
    if not (policy.can_request_footage(user) or policy.can_see_cctv_internal(user)):
        raise PermissionRefused("Footage requests are recorded by officers and supervisors of the partner agencies.")
    return reads.footage_requests(user, purpose=purpose, channel=channel).select_related("camera", "requesting_agency")


def footage_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "footage requests") -> list[FootageRequest]:
    return list(_footage(user, channel, purpose)[:500])


def footage_window(user: Any, window: Window, *, channel: str = Channel.API,
                   purpose: str = "api footage requests") -> Slice:
    return take(_footage(user, channel, purpose).order_by("-requested_on", "-pk"), window)


def footage_cameras(user: Any) -> list[tuple[int, str]]:
    """Cameras in service, for the footage request form's picker (audited as listed)."""
    if not policy.can_request_footage(user):
        raise PermissionRefused("Footage requests are recorded by officers and supervisors of the partner agencies.")
    return [(c.pk, str(c)) for c in camera_list(user, purpose="footage request camera picker") if c.in_service]


def get_footage_request(user: Any, pk: object, *, channel: str = Channel.WEB) -> FootageRequest:
    return reads.footage_request(user, pk, purpose="footage request", channel=channel)


@transaction.atomic
def request_footage(user: Any, *, camera: Camera, incident_on: date, reference: str, purpose: str,
                    requested_on: date | None = None, channel: str = Channel.WEB) -> FootageRequest:
    m = roles.membership(user)
    if m is None or not policy.can_request_footage(user):
        raise PermissionRefused("Footage requests are recorded by officers and supervisors of the partner agencies.")
    requested_on = requested_on or timezone.localdate()
    if incident_on > requested_on:
        raise RuleRefused("incident_in_future", "The incident comes before the request.", "incident_on")
    found = FootageRequest(camera=camera, requesting_agency_id=m.agency_id, incident_on=incident_on, reference=reference,
                           purpose=purpose, requested_on=requested_on)
    found.save_by(user)
    record(user, Action.CREATED, "footage_request", found.pk, channel=channel)
    return found


@transaction.atomic
def answer_footage_request(user: Any, found: FootageRequest, *, status: str, note: str = "", on: date | None = None,
                           channel: str = Channel.WEB) -> FootageRequest:
    if not policy.can_answer_footage_request(user):
        raise PermissionRefused("The CCTV lead answers footage requests.")
    lock(found)
    if status == FootageRequest.Status.REQUESTED:
        raise RuleRefused("answer_required", "Choose the answer: provided, nothing of use, or refused.", "status")
    if status == FootageRequest.Status.REFUSED and not note.strip():
        raise RuleRefused("refusal_reason", "Say why the request was refused.", "note")
    found.status, found.answer_note, found.answered_on = status, note, on or timezone.localdate()
    found.save_by(user)
    record(user, Action.CHANGED, "footage_request", found.pk, channel=channel, summary=status)
    return found


# ---- The CCTV lead's dashboard ---------------------------------------------------------------------

def dashboard(user: Any, today: date | None = None) -> dict[str, Any]:
    """What is due: reviews open, rapid deployments due review, faults open too long, DPIAs due."""
    require_internal(user)
    today = today or timezone.localdate()
    reviews = review_list(user, purpose="cctv dashboard")
    open_reviews = [r for r in reviews if r.status in (Review.Status.OPEN, Review.Status.RECOMMENDED)]
    deployments = [d for d in deployment_list(user) if d["due"]]
    faults = [f for f in fault_list(user) if f["flagged"]]
    dpias_due = list(Dpia.objects.filter(archived_on__isnull=True, review_due_on__lte=today + timedelta(days=30)))
    notices_due = [r for r in reviews if r.status == Review.Status.DECIDED and r.members_notified_on is None]
    return {"open_reviews": open_reviews, "deployments_due": deployments, "faults_flagged": faults,
            "dpias_due": dpias_due, "notices_due": notices_due, "today": today, "rules": cctv_rules(),
            "may": what_user_may(user)}


# ---- Granting the CCTV lead (system administration: the CLI) -----------------------------------

PERMISSIONS = {"lead": "manage_estate", "internal": "view_internal"}


def grant_permission(username: str, what: str, *, revoke: bool = False) -> str:
    """Give (or take away) ``cctv.manage_estate`` (``what="lead"``) or ``cctv.view_internal``
    (``"internal"``); the codename. Audited as a change to the user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(f"No user {username!r}.")
    codename = PERMISSIONS[what]
    permission = Permission.objects.get(codename=codename, content_type__app_label="cctv")
    (user.user_permissions.remove if revoke else user.user_permissions.add)(permission)
    record(None, Action.CHANGED, "user", user.pk, channel=Channel.CLI,
           summary=f"cctv.{codename} {'revoked' if revoke else 'granted'}")
    return codename
