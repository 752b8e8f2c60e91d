"""ASB Case Review: applications, the automatic threshold check, deadlines, the review,
escalation, the statistics the Act requires, and victims to tell about their right to a review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.audit.services import Action, Channel, record
from csphub.casework.models import Incident, PartyRole, Person
from csphub.casework.services import refuse
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import deadlines as working_days
from . import rules
from .models import (
    AgencyAttendance,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewComplaint,
    Recommendation,
    ReviewMeeting,
)


def threshold_rule() -> rules.ThresholdRule:
    return rules.ThresholdRule.from_mapping(getattr(settings, "CSPHUB_CASE_REVIEW_THRESHOLD", {}))


def timetable() -> working_days.CaseReviewTimetable:
    return working_days.CaseReviewTimetable.from_mapping(getattr(settings, "CSPHUB_CASE_REVIEW_TIMETABLE", {}))


def nation() -> str:
    return getattr(settings, "CSPHUB_NATION", "ENG")


# ---- Reading, through csphub.access (audited) ------------------------------------------------

def visible_applications(user: Any) -> QuerySet[CaseReviewApplication]:
    """Applications the user may see (csphub.access.policy.case_reviews); not audited: for
    counting and checks. Lists that show applications use application_list."""
    return policy.case_reviews(user)


def application_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "case review list",
                     limit: int = 200) -> list[CaseReviewApplication]:
    """Applications the user may see, newest first, with their applicants (both audited by id)."""
    found = list(_applications(user, channel, purpose)[:limit])
    reads.shown(user, "person", {a.applicant_id: a.applicant for a in found}.values(), purpose=purpose, channel=channel)
    return found


def _applications(user: Any, channel: str, purpose: str) -> QuerySet[CaseReviewApplication]:
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Case reviews are handled by officers and supervisors.")
    return reads.case_reviews(user, purpose=purpose, channel=channel).select_related("applicant")


def application_window(user: Any, window: Window, *, channel: str = Channel.API,
                       purpose: str = "api case review list") -> Slice:
    """A window of the applications, newest first (or, syncing, by change); the applications and
    applicants in it are audited."""
    found = take(_applications(user, channel, purpose), window)
    reads.shown(user, "person", {a.applicant_id: a.applicant for a in found.rows}.values(), purpose=purpose,
                channel=channel)
    facts = application_facts(user, found.rows)
    return replace(found, rows=[(a, facts[a.pk]) for a in found.rows])


def get_application(user: Any, pk: object, *, channel: str = Channel.WEB,
                    purpose: str = "case review") -> CaseReviewApplication:
    application = reads.case_review(user, pk, purpose=purpose, channel=channel)
    reads.shown(user, "person", [application.applicant], purpose=f"case review {application.pk}", channel=channel)
    return application


def applicant_choices(user: Any) -> list[tuple[int, str]]:
    """People the officer may see, for the application form's applicant picker (audited)."""
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Only officers and supervisors record case review applications.")
    return [(p.pk, p.full_name) for p in reads.people(user, purpose="case review applicant picker")[:500]]


# ---- Applications -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplaintInput:
    reported_on: date
    behaviour_on: date
    agency: Any
    is_hate: bool = False
    reference: str = ""


def receive_application_by_id(user: Any, *, applicant_id: object, behaviour: str,
                              complaints: Sequence[ComplaintInput], channel: str = Channel.WEB,
                              **details: Any) -> CaseReviewApplication:
    """``receive_application`` with the applicant named by id (the API's way in): read through
    access (audited; NotFoundError otherwise); an empty ``behaviour`` is refused, as the page's
    form refuses it."""
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Only officers and supervisors record case review applications.")
    if not behaviour.strip():
        raise RuleRefused("behaviour_required", "Say what behaviour the application complains of.", "behaviour")
    applicant = reads.person(user, applicant_id, purpose="case review applicant", channel=channel)
    return receive_application(user, applicant=applicant, behaviour=behaviour, complaints=complaints,
                               channel=channel, **details)


@transaction.atomic
def receive_application(user: Any, *, applicant: Person, behaviour: str, complaints: Sequence[ComplaintInput],
                        received_on: date | None = None, case: Any = None, on_behalf_of: str = "",
                        channel: str = Channel.WEB) -> CaseReviewApplication:
    """Record an application and check the threshold at once (the decision still needs a
    person to confirm it, but the officer sees the answer and the deadlines straight away)."""
    m = roles.membership(user)
    if m is None or not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Only officers and supervisors record case review applications.")
    if not policy.can_view_person(user, applicant):
        raise NotFoundError(f"No person {applicant.pk}.")
    if case is not None and not policy.can_view_case(user, case):
        raise NotFoundError(f"No case {case.pk}.")
    received_on = received_on or timezone.localdate()
    today = timezone.localdate()
    refusals = rules.not_in_future(received_on, today, "An application", "received_on")
    for c in complaints:
        refusals += rules.check_complaint_dates(c.reported_on, c.behaviour_on, today)
    refuse(refusals)
    application = CaseReviewApplication(applicant=applicant, behaviour=behaviour, case=case, on_behalf_of=on_behalf_of,
                                        received_on=received_on, received_by_agency=m.agency)
    application.save_by(user)
    if case is not None:
        CaseReviewCaseLink.objects.create(application=application, case=case, linked_by=user)
    for c in complaints:
        CaseReviewComplaint.objects.create(application=application, reported_on=c.reported_on,
                                           behaviour_on=c.behaviour_on, agency=c.agency, is_hate=c.is_hate,
                                           reference=c.reference)
    record(user, Action.CREATED, "case_review", application.pk, channel=channel)
    return application


def _as_complaint(incident: Incident) -> rules.Complaint:
    return rules.Complaint(reported_on=incident.reported_on, behaviour_on=timezone.localtime(incident.occurred_at).date(),
                           agency=incident.reported_by_agency.name, is_hate=incident.is_hate,
                           reference=f"incident {incident.pk}")


def linked_incidents(application: CaseReviewApplication) -> QuerySet[Incident]:
    """The incidents recorded on the application's linked cases (for counting, not audited)."""
    return (Incident.objects.filter(case__in=application.case_links.values("case_id"), archived_on__isnull=True)
            .select_related("reported_by_agency").order_by("reported_on", "id"))


@dataclass(frozen=True)
class ApplicationFacts:
    """What a list shows of an application beyond its fields, read for a whole page at once."""

    threshold: rules.ThresholdDecision
    linked_case_ids: list[int]  # the linked cases the viewer may see
    has_recommendations: bool = False


def application_facts(user: Any, applications: Sequence[CaseReviewApplication]) -> dict[int, ApplicationFacts]:
    """The threshold check, visible linked cases and recommendations of each application, in five queries
    whatever the number of applications (the same counting as :func:`complaints_of`)."""
    links: dict[int, list[int]] = {a.pk: [] for a in applications}
    for application_id, case_id in (CaseReviewCaseLink.objects.filter(application__in=applications)
                                    .order_by("case_id").values_list("application_id", "case_id")):
        links[application_id].append(case_id)
    every_case = {c for cases in links.values() for c in cases}
    by_case: dict[int, list[Incident]] = {c: [] for c in every_case}
    for incident in (Incident.objects.filter(case__in=every_case, archived_on__isnull=True)
                     .select_related("reported_by_agency").order_by("reported_on", "id")):
        by_case[incident.case_id].append(incident)
    keyed: dict[int, list[CaseReviewComplaint]] = {a.pk: [] for a in applications}
    for c in CaseReviewComplaint.objects.filter(application__in=applications).select_related("agency"):
        keyed[c.application_id].append(c)
    visible = set(policy.cases(user).filter(id__in=every_case).values_list("id", flat=True)) if every_case else set()
    recommended = set(Recommendation.objects.filter(application__in=applications)
                      .values_list("application_id", flat=True))
    out = {}
    for a in applications:
        incidents = {str(i.pk): _as_complaint(i) for c in links[a.pk] for i in by_case[c]}
        counted = rules.complaints_to_count([(_keyed_complaint(c), str(c.incident_id) if c.incident_id else None)
                                             for c in keyed[a.pk]], incidents)
        out[a.pk] = ApplicationFacts(rules.case_review_threshold_met(counted, threshold_rule(), as_of=a.received_on),
                                     [c for c in links[a.pk] if c in visible],
                                     bool(a.recommendations.strip()) or a.pk in recommended)
    return out


def _keyed_complaint(c: CaseReviewComplaint) -> rules.Complaint:
    return rules.Complaint(reported_on=c.reported_on, behaviour_on=c.behaviour_on, agency=c.agency.name,
                           is_hate=c.is_hate, reference=c.reference)


def complaints_of(application: CaseReviewApplication) -> list[rules.Complaint]:
    """What the threshold counts: the incidents already on the linked cases, and the complaints
    keyed in on the application that are not marked as one of those incidents."""
    incidents = {str(i.pk): _as_complaint(i) for i in linked_incidents(application)}
    keyed_in = [(_keyed_complaint(c), str(c.incident_id) if c.incident_id else None)
                for c in application.complaints.select_related("agency")]
    return rules.complaints_to_count(keyed_in, incidents)


def check_threshold(application: CaseReviewApplication) -> rules.ThresholdDecision:
    return rules.case_review_threshold_met(complaints_of(application), threshold_rule(),
                                           as_of=application.received_on)


def deadlines_for(application: CaseReviewApplication) -> dict[str, date]:
    return working_days.deadlines(application.received_on, timetable(), subdiv=nation())


def overdue_stages(application: CaseReviewApplication, today: date | None = None) -> list[str]:
    held = application.threshold_met is not False or application.discretionary
    done = {"acknowledge_by": application.acknowledged_on, "decide_by": application.decided_on,
            "review_by": application.review_held_on if held else application.decided_on}
    return working_days.overdue(deadlines_for(application), done, today or timezone.localdate())


def _require(user: Any, application: CaseReviewApplication, expected_version: int | None = None) -> None:
    """The application as it is now (locked), if the user may see it and nobody changed it since
    the version they acted on."""
    lock(application)
    _visible(user, application)
    application.check_version(expected_version)


def _visible(user: Any, application: CaseReviewApplication) -> None:
    if not visible_applications(user).filter(pk=application.pk).exists():
        raise NotFoundError(f"No case review application {application.pk}.")


@transaction.atomic
def acknowledge(user: Any, application: CaseReviewApplication, *, expected_version: int | None = None, on: date | None = None,
                channel: str = Channel.WEB) -> CaseReviewApplication:
    _require(user, application, expected_version)
    application.acknowledged_on = on or timezone.localdate()
    if application.status == CaseReviewApplication.Status.RECEIVED:
        application.status = CaseReviewApplication.Status.ACKNOWLEDGED
    application.save_by(user)
    record(user, Action.CHANGED, "case_review", application.pk, channel=channel, summary="acknowledged")
    return application


@transaction.atomic
def decide_threshold(user: Any, application: CaseReviewApplication, *, expected_version: int | None = None, on: date | None = None,
                     channel: str = Channel.WEB) -> rules.ThresholdDecision:
    """Record the threshold decision, as the partnership's published rule gives it."""
    _require(user, application, expected_version)
    if application.decided_on is not None:
        raise RuleRefused("already_decided", f"{application.reference} was decided on {application.decided_on}.", "status")
    refuse(rules.not_in_future(on, timezone.localdate(), "A decision", "status"))
    decision = check_threshold(application)
    application.threshold_met = decision.met
    application.decision_reason = decision.reason
    application.decided_on = on or timezone.localdate()
    application.decided_by = user
    application.acknowledged_on = application.acknowledged_on or application.decided_on
    application.status = (CaseReviewApplication.Status.THRESHOLD_MET if decision.met
                           else CaseReviewApplication.Status.THRESHOLD_NOT_MET)
    application.save_by(user)
    record(user, Action.CHANGED, "case_review", application.pk, channel=channel,
           summary="threshold met" if decision.met else "threshold not met")
    return decision


@transaction.atomic
def record_review(user: Any, application: CaseReviewApplication, *, expected_version: int | None = None, held_on: date, recommendations: str = "",
                  channel: str = Channel.WEB) -> CaseReviewApplication:
    _require(user, application, expected_version)
    if not application.review_to_be_held:
        raise RuleRefused("review_needs_threshold", "A review is held once the threshold is met "
                          "(or the partnership decides to hold one below it).", "status")
    refuse(rules.check_review_dates(held_on, application.received_on, timezone.localdate()))
    application.review_held_on = held_on
    application.recommendations = recommendations
    application.status = CaseReviewApplication.Status.REVIEW_HELD
    application.save_by(user)
    record(user, Action.CHANGED, "case_review", application.pk, channel=channel, summary="review held")
    return application


@transaction.atomic
def escalate(user: Any, application: CaseReviewApplication, *, expected_version: int | None = None, requested_on: date, channel: str = Channel.WEB
             ) -> CaseReviewApplication:
    """The applicant, unhappy with the decision or the review, asks for it to be looked at again
    (the partnership's escalation route, e.g. to the PCC)."""
    _require(user, application, expected_version)
    if application.decided_on is None:
        raise RuleRefused("escalation_needs_decision", "There is nothing to escalate until a decision is made.", "status")
    refuse(rules.check_escalation_dates(requested_on, application.received_on, application.decided_on,
                                        timezone.localdate()))
    application.escalation_requested_on = requested_on
    application.status = CaseReviewApplication.Status.ESCALATED
    application.save_by(user)
    record(user, Action.CHANGED, "case_review", application.pk, channel=channel, summary="escalated")
    return application


# ---- Statistics the Act requires (s104(10)) ------------------------------------------------

def annual_statistics(start: date, end: date) -> dict[str, Any]:
    """Applications received, threshold not met, reviews held and reviews with recommendations,
    for applications received between ``start`` and ``end`` inclusive."""
    received = CaseReviewApplication.objects.filter(received_on__gte=start, received_on__lte=end,
                                                    archived_on__isnull=True)
    held = received.filter(review_held_on__isnull=False)
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "applications_received": received.count(),
        "threshold_not_met": received.filter(threshold_met=False).count(),
        "reviews_held": held.count(),
        "reviews_with_recommendations": held.exclude(recommendations="").count(),
        "awaiting_decision": received.filter(decided_on__isnull=True).count(),
    }


# ---- Victims to tell about the review ---------------------------------------------------

def victims_meeting_threshold(user: Any, as_of: date | None = None) -> list[Person]:
    """Victims and complainants, on cases the user can see, whose own reported incidents already
    meet the threshold and who have not applied: an officer should tell them about the review."""
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Case reviews are handled by officers and supervisors.")
    as_of = as_of or timezone.localdate()
    people = policy.people(user).filter(
        case_roles__role__in=[PartyRole.VICTIM, PartyRole.COMPLAINANT]).distinct()
    complaints: dict[str, list[rules.Complaint]] = {}
    for person in people:
        incidents = Incident.objects.filter(case__parties__person=person,
                                            case__parties__role__in=[PartyRole.VICTIM, PartyRole.COMPLAINANT],
                                            archived_on__isnull=True).select_related("reported_by_agency").distinct()
        complaints[str(person.pk)] = [
            rules.Complaint(reported_on=i.reported_on, behaviour_on=timezone.localtime(i.occurred_at).date(),
                            agency=i.reported_by_agency.name, is_hate=i.is_hate) for i in incidents]
    due = set(rules.victims_to_notify(complaints, threshold_rule(), as_of=as_of))
    applied = set(CaseReviewApplication.objects.filter(applicant_id__in=[int(p) for p in due])
                  .values_list("applicant_id", flat=True))
    found = [p for p in people if str(p.pk) in due and p.pk not in applied]
    return reads.shown(user, "person", found, purpose="victims to tell about the case review")


# ---- The workflow: linked cases, discretion, the meeting, recommendations (issue 12, item 8) ----

def linked_cases(user: Any, application: CaseReviewApplication, *, channel: str = Channel.WEB) -> list[Any]:
    """The linked cases the user may see (audited by id); others still count, unseen."""
    return list(reads.cases(user, purpose=f"case review {application.pk} linked cases", channel=channel)
                .filter(id__in=application.case_links.values("case_id")).select_related("case_type"))


def counted_incidents(user: Any, application: CaseReviewApplication, *, channel: str = Channel.WEB) -> list[Incident]:
    """The incidents on the linked cases that count towards the threshold and the user may see (audited)."""
    return list(reads.incidents(user, purpose=f"case review {application.pk} threshold", channel=channel)
                .filter(id__in=linked_incidents(application).values("id")).select_related("reported_by_agency")
                .order_by("reported_on", "id"))


def case_choices(user: Any, application: CaseReviewApplication) -> list[tuple[int, str]]:
    """Cases the user may see and link (audited as listed): the link page's picker."""
    found = (reads.cases(user, purpose=f"case review {application.pk} case picker")
             .exclude(id__in=application.case_links.values("case_id")).select_related("case_type")[:500])
    return [(c.pk, f"{c.reference}: {c.case_type}") for c in found]


@transaction.atomic
def link_case(user: Any, application: CaseReviewApplication, case_pk: object, *, channel: str = Channel.WEB
              ) -> CaseReviewCaseLink:
    """Link an ASB case the user may see (else NotFoundError, audited as a refused case): its
    incidents now count towards the threshold. Linking a case already linked changes nothing."""
    _require(user, application)
    case = reads.case(user, case_pk, purpose=f"link to case review {application.pk}", channel=channel)
    link, created = CaseReviewCaseLink.objects.get_or_create(application=application, case=case,
                                                             defaults={"linked_by": user})
    if created:
        record(user, Action.CHANGED, "case_review", application.pk, channel=channel, summary=f"linked case {case.pk}")
    return link


@transaction.atomic
def mark_complaint_as_incident(user: Any, complaint: CaseReviewComplaint, incident_pk: object | None, *,
                               channel: str = Channel.WEB) -> CaseReviewComplaint:
    """Mark a keyed-in complaint as an incident already on a linked case (counted once, as the
    incident), or clear the mark with None."""
    application = complaint.application
    _require(user, application)
    incident = None
    if incident_pk not in (None, ""):
        incident = reads.incident(user, incident_pk, purpose=f"case review {application.pk} complaint", channel=channel)
        if not linked_incidents(application).filter(pk=incident.pk).exists():
            raise RuleRefused("incident_not_on_linked_case", "That incident is not on a case linked to "
                              f"{application.reference}; link its case first.", "incident")
    complaint.incident = incident
    complaint.save()
    record(user, Action.CHANGED, "case_review_complaint", complaint.pk, channel=channel,
           summary="marked as an incident" if incident else "incident mark cleared")
    return complaint


@transaction.atomic
def decide_discretionary(user: Any, application: CaseReviewApplication, *, reason: str,
                         expected_version: int | None = None, on: date | None = None,
                         channel: str = Channel.WEB) -> CaseReviewApplication:
    """Below the threshold, the partnership decides to hold a review anyway, and says why (who
    and when are recorded). Also after a decision that the threshold was not met."""
    _require(user, application, expected_version)
    refuse([*rules.check_discretion(check_threshold(application).met, reason, application.discretionary),
            *rules.not_in_future(on, timezone.localdate(), "A decision", "reason")])
    application.discretionary = True
    application.discretion_reason = reason.strip()
    application.threshold_met = False
    application.decided_on = application.decided_on or on or timezone.localdate()
    application.decided_by = user
    application.acknowledged_on = application.acknowledged_on or application.decided_on
    if not application.decision_reason:
        application.decision_reason = check_threshold(application).reason
    application.status = CaseReviewApplication.Status.DISCRETIONARY
    application.save_by(user)
    record(user, Action.CHANGED, "case_review", application.pk, channel=channel, summary="review at discretion")
    return application


@dataclass(frozen=True)
class AttendanceInput:
    agency: Any
    name_role: str


@transaction.atomic
def record_meeting(user: Any, application: CaseReviewApplication, *, held_on: date, chair: str,
                   attendees: Sequence[AttendanceInput], independent_chair: str = "", documents: str = "",
                   expected_version: int | None = None, channel: str = Channel.WEB) -> ReviewMeeting:
    """The review meeting: when, the chair, any independent chair, the agencies that came and the
    documents considered. Marks the review held."""
    _require(user, application, expected_version)
    if not application.review_to_be_held:
        raise RuleRefused("review_needs_threshold", "A review is held once the threshold is met "
                          "(or the partnership decides to hold one below it).", "held_on")
    if ReviewMeeting.objects.filter(application=application).exists():
        raise RuleRefused("meeting_already_recorded", f"The review meeting of {application.reference} is "
                          "already recorded.", "held_on")
    refuse(_meeting_refusals(application, held_on, chair, attendees))
    meeting = ReviewMeeting(application=application, held_on=held_on, chair=chair.strip(),
                            independent_chair=independent_chair.strip(), documents=documents.strip())
    meeting.save_by(user)
    AgencyAttendance.objects.bulk_create([AgencyAttendance(meeting=meeting, agency=a.agency,
                                                           name_role=a.name_role.strip())
                                          for a in attendees if a.name_role.strip()])
    application.review_held_on = held_on
    application.status = CaseReviewApplication.Status.REVIEW_HELD
    application.save_by(user)
    record(user, Action.CREATED, "case_review_meeting", meeting.pk, channel=channel)
    return meeting


def meeting_of(application: CaseReviewApplication) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(application=application).prefetch_related("attendances__agency").first()


def _meeting_refusals(application: CaseReviewApplication, held_on: date, chair: str,
                      attendees: Sequence[AttendanceInput]) -> list[rules.Refusal]:
    """What a meeting must be, recorded or corrected: held after the application and not in the
    future, with a chair and at least one agency attending."""
    refusals = rules.check_review_dates(held_on, application.received_on, timezone.localdate())
    if not chair.strip():
        refusals.append(rules.Refusal("chair_required", "Say who chaired the review.", "chair"))
    if not [a for a in attendees if a.name_role.strip()]:
        refusals.append(rules.Refusal("attendance_required", "Record at least one agency that attended.",
                                      "attendees"))
    return refusals


def _attendance_key(agency: Any, name_role: str) -> tuple[int, str]:
    return (int(getattr(agency, "pk", agency)), name_role.strip())


@transaction.atomic
def correct_meeting(user: Any, application: CaseReviewApplication, *, reason: str, held_on: date | None = None,
                    chair: str | None = None, attendees: Sequence[AttendanceInput] | None = None,
                    independent_chair: str | None = None, documents: str | None = None,
                    expected_version: int | None = None, channel: str = Channel.WEB) -> Any:
    """Correct the recorded review meeting (issue 12, item 8), saying why: the same rules as
    recording it (not in the future, not before the application, a chair, an agency attending);
    refused (StaleEdit, 409) if the meeting changed since ``expected_version``. The reason is kept
    on the history rows of the meeting and of each attendance added or taken off (taken off: its
    history keeps who it was). A later meeting date says which recommendations are now due
    before the meeting. A value left None stays as recorded (the API's PATCH). Returns a casework
    Correction (the fields changed, the effects).

    Examples:
        ``correct_meeting(user, app, held_on=date(2026, 5, 2), chair="Head of Community Safety",
        attendees=[AttendanceInput(police, "Beat manager")], reason="Wrong day", expected_version=1)``
    """
    from csphub.casework.corrections import REASON_MAX, Correction

    _require(user, application)
    meeting = ReviewMeeting.objects.filter(application=application).first()
    if meeting is None:
        raise NotFoundError(f"No review meeting is recorded for {application.reference}.")
    lock(meeting)
    meeting.check_version(expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise RuleRefused("reason_required", "Say why you are correcting the meeting.", "correction_reason")
    if len(reason) > REASON_MAX:
        raise RuleRefused("reason_too_long", f"Keep the reason to {REASON_MAX} characters; it is {len(reason)}.",
                          "correction_reason")
    existing = list(meeting.attendances.select_related("agency"))
    if attendees is None:
        attendees = [AttendanceInput(a.agency, a.name_role) for a in existing]
    held_on = held_on or meeting.held_on
    values = {"held_on": held_on, "chair": meeting.chair if chair is None else chair.strip(),
              "independent_chair": meeting.independent_chair if independent_chair is None else independent_chair.strip(),
              "documents": meeting.documents if documents is None else documents.strip()}
    refuse(_meeting_refusals(application, held_on, values["chair"], attendees))
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    came = [a for a in attendees if a.name_role.strip()]
    old_keys = sorted(_attendance_key(a.agency_id, a.name_role) for a in existing)
    new_keys = sorted(_attendance_key(a.agency, a.name_role) for a in came)
    if old_keys != new_keys:
        changed.append("attendees")
    if not changed:
        return Correction(meeting, [])
    for name in changed:
        if name != "attendees":
            setattr(meeting, name, values[name])
    meeting._change_reason = reason
    meeting.save_by(user)
    if "attendees" in changed:
        _correct_attendances(user, meeting, existing, came, reason)
    effects: list[str] = []
    if "held_on" in changed:
        application.review_held_on = held_on
        application._change_reason = reason
        application.save_by(user)
        for rec in application.recommendation_set.filter(status=Recommendation.Status.OPEN, due_on__lt=held_on):
            effects.append(f"The recommendation due {rec.due_on:%d %B %Y} is now due before the meeting "
                           f"({held_on:%d %B %Y}): correct its due date.")
    record(user, Action.CHANGED, "case_review_meeting", meeting.pk, channel=channel,
           summary=f"corrected: {', '.join(changed)}")
    return Correction(meeting, changed, effects)


def _correct_attendances(user: Any, meeting: ReviewMeeting, existing: list[AgencyAttendance],
                         came: Sequence[AttendanceInput], reason: str) -> None:
    """Keep the attendances that are still right, take off the others and add the new ones; each
    history row carries who, when and why."""
    wanted = [_attendance_key(a.agency, a.name_role) for a in came]
    for attendance in existing:
        key = _attendance_key(attendance.agency_id, attendance.name_role)
        if key in wanted:
            wanted.remove(key)
            continue
        attendance._change_reason, attendance._history_user = reason, user
        attendance.delete()  # the history row ("-") keeps who attended, who took them off and why
    for agency_id, name_role in wanted:
        attendance = AgencyAttendance(meeting=meeting, agency_id=agency_id, name_role=name_role)
        attendance._change_reason, attendance._history_user = reason, user
        attendance.save()


@transaction.atomic
def add_recommendation(user: Any, application: CaseReviewApplication, *, text: str, owner_agency: Any,
                       due_on: date, channel: str = Channel.WEB) -> Recommendation:
    """A recommendation of the review, owned by one agency, due by a date."""
    _require(user, application)
    meeting = meeting_of(application)
    if meeting is None:
        raise RuleRefused("recommendation_needs_meeting", "Record the review meeting first.", "text")
    refusals = rules.check_recommendation(due_on, meeting.held_on, Recommendation.Status.OPEN, "")
    if not text.strip():
        refusals.append(rules.Refusal("recommendation_text_required", "Say what the review recommends.", "text"))
    refuse(refusals)
    recommendation = Recommendation(application=application, text=text.strip(), owner_agency=owner_agency,
                                    due_on=due_on)
    recommendation.save_by(user)
    record(user, Action.CREATED, "case_review_recommendation", recommendation.pk, channel=channel)
    return recommendation


def get_recommendation(user: Any, pk: object, *, channel: str = Channel.WEB,
                       purpose: str = "case review recommendation") -> Recommendation:
    return reads.case_review_recommendation(user, pk, purpose=purpose, channel=channel)


@transaction.atomic
def update_recommendation(user: Any, recommendation: Recommendation, *, status: str, status_reason: str = "",
                          due_on: date | None = None, expected_version: int | None = None,
                          channel: str = Channel.WEB) -> Recommendation:
    """Mark a recommendation done, not accepted (with a reason) or open again, or move its due
    date; refused (409) when made from an older version than the record's."""
    lock(recommendation)
    if not policy.case_review_recommendations(user).filter(pk=recommendation.pk).exists():
        raise NotFoundError(f"No recommendation {recommendation.pk}.")
    recommendation.check_version(expected_version)
    due_on = due_on or recommendation.due_on
    meeting = meeting_of(recommendation.application)
    held_on = meeting.held_on if meeting else recommendation.application.received_on
    refuse(rules.check_recommendation(due_on, held_on, status, status_reason))
    recommendation.status = status
    recommendation.status_reason = status_reason.strip() if status == Recommendation.Status.NOT_ACCEPTED else ""
    recommendation.due_on = due_on
    recommendation.closed_on = None if status == Recommendation.Status.OPEN else (recommendation.closed_on
                                                                                  or timezone.localdate())
    recommendation.save_by(user)
    record(user, Action.CHANGED, "case_review_recommendation", recommendation.pk, channel=channel, summary=status)
    return recommendation


def recommendation_list(user: Any, *, purpose: str = "case review recommendations", channel: str = Channel.WEB,
                        application: CaseReviewApplication | None = None) -> list[Recommendation]:
    """Recommendations the user may see (audited by id), soonest due first."""
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Case reviews are handled by officers and supervisors.")
    found = reads.case_review_recommendations(user, purpose=purpose, channel=channel)
    if application is not None:
        found = found.filter(application=application)
    return list(found.select_related("application", "owner_agency").order_by("due_on", "id")[:500])


def overdue_for_my_agency(user: Any, today: date | None = None) -> list[Recommendation]:
    """Open recommendations owned by the user's agency whose due date has passed, most overdue
    first (audited by id): the dashboard's list."""
    m = roles.membership(user)
    if m is None or not policy.can_handle_case_reviews(user):
        return []
    return list(reads.case_review_recommendations(user, purpose="dashboard: overdue case review recommendations")
                .filter(owner_agency_id=m.agency_id, status=Recommendation.Status.OPEN,
                        due_on__lt=today or timezone.localdate())
                .select_related("application").order_by("due_on", "id"))
