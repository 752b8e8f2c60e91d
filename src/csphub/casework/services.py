"""Everything that changes casework goes through these functions.

Each one checks permission (permissions.py), applies the domain rules (rules.py), saves with
the acting user recorded in the history, and writes the audit entry. Pages, the API, the CLI
and the demo all call these; none of them writes casework records directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csphub.accounts.models import Agency, Membership, Role
from csphub.audit.services import Action, Channel, record
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import permissions, rules
from .models import (
    Alert,
    AsbCase,
    CaseNote,
    CaseParty,
    CaseStatus,
    CaseType,
    Incident,
    Intervention,
    Location,
    MonitoringVisit,
    PartyRole,
    Person,
    Referral,
    RiskAssessment,
    Task,
    VulnerabilityFlag,
)


def tools_and_powers_config() -> rules.ToolsAndPowersConfig:
    return rules.ToolsAndPowersConfig.from_mapping(getattr(settings, "CSPHUB_TOOLS_AND_POWERS", {}))


def repeat_rule() -> rules.RepeatRule:
    values = getattr(settings, "CSPHUB_REPEAT", {})
    return rules.RepeatRule(**values)


# ---- Reading, audited ------------------------------------------------------------------

def get_case(user: Any, case_id: int, *, channel: str = Channel.WEB, audit: bool = True) -> AsbCase:
    """The case if the user may see it (audited as a view); NotFoundError otherwise, as if it
    did not exist, so a refusal reveals nothing."""
    case = permissions.visible_cases(user).filter(pk=case_id).select_related(
        "case_type", "lead_agency", "lead_officer", "location"
    ).first()
    if case is None:
        raise NotFoundError(f"No case {case_id}.")
    if audit:
        record(user, Action.VIEWED, "case", case.pk, channel=channel, summary=case.reference)
    return case


def get_case_by_reference(user: Any, reference: str, *, channel: str = Channel.WEB) -> AsbCase:
    case = permissions.visible_cases(user).filter(reference=reference).first()
    if case is None:
        raise NotFoundError(f"No case {reference}.")
    return get_case(user, case.pk, channel=channel)


def get_person(user: Any, person_id: int, *, channel: str = Channel.WEB, audit: bool = True) -> Person:
    person = permissions.visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise NotFoundError(f"No person {person_id}.")
    if audit:
        record(user, Action.VIEWED, "person", person.pk, channel=channel, summary=person.full_name)
    return person


def require_change(user: Any, case: AsbCase) -> None:
    if not permissions.can_change_case(user, case):
        reason = "closed cases can only be changed by a supervisor" if case.is_closed else \
            "your role can view this case but not record on it"
        raise PermissionRefused(f"You cannot change {case.reference}: {reason}.")


def _agency(user: Any) -> Agency:
    m = permissions.membership(user)
    if m is None:
        raise PermissionRefused("Your account has no agency; ask your agency admin.")
    return m.agency


# ---- Cases ---------------------------------------------------------------------------------

@transaction.atomic
def open_case(
    user: Any,
    *,
    case_type: CaseType,
    summary: str,
    opened_on: date | None = None,
    location: Location | None = None,
    lead_officer: Any = None,
    next_review_on: date | None = None,
    channel: str = Channel.WEB,
) -> AsbCase:
    """Open a case led by the user's agency (lead officer defaults to the user)."""
    if not permissions.can_create_case(user):
        raise PermissionRefused("Only officers and supervisors open cases.")
    opened_on = opened_on or timezone.localdate()
    case = AsbCase(
        case_type=case_type, summary=summary, lead_agency=_agency(user),
        lead_officer=lead_officer or user, location=location, opened_on=opened_on,
        next_review_on=next_review_on or opened_on + timedelta(days=28),
    )
    case.save_by(user)
    record(user, Action.CREATED, "case", case.pk, channel=channel, summary=case.reference)
    return case


STATUS_ORDER = [CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.ACTION, CaseStatus.MONITORING, CaseStatus.CLOSED]


@transaction.atomic
def change_status(user: Any, case: AsbCase, status: str, *, outcome: str = "", on: date | None = None,
                  channel: str = Channel.WEB) -> AsbCase:
    """Move a case to a status; closing needs an outcome; re-opening needs a supervisor."""
    require_change(user, case)
    if status not in CaseStatus.values:
        raise RuleRefused("unknown_status", f"Unknown status {status!r}; expected one of {', '.join(CaseStatus.values)}.", "status")
    if status == CaseStatus.CLOSED:
        if not outcome:
            raise RuleRefused("closing_needs_outcome", "Say how the case ended to close it.", "outcome")
        case.closed_on = on or timezone.localdate()
        case.outcome = outcome
    elif case.is_closed:
        case.closed_on = None
        case.outcome = ""
    case.status = status
    case.save_by(user)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"status -> {status}")
    return case


@transaction.atomic
def share_case(user: Any, case: AsbCase, agency: Agency, *, channel: str = Channel.WEB) -> None:
    """Add an agency to the case, so its officers can see and work it."""
    require_change(user, case)
    case._history_user = user
    case.agencies.add(agency)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"shared with {agency}")


@transaction.atomic
def unshare_case(user: Any, case: AsbCase, agency: Agency, *, channel: str = Channel.WEB) -> None:
    require_change(user, case)
    case._history_user = user
    case.agencies.remove(agency)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"unshared from {agency}")


# ---- People and parties ---------------------------------------------------------------

@transaction.atomic
def record_person(user: Any, *, channel: str = Channel.WEB, flags: list[str] | None = None,
                  **details: Any) -> Person:
    if not permissions.can_see_person_details(user):
        raise PermissionRefused("Your role cannot record people.")
    person = Person(recorded_by_agency=_agency(user), **details)
    person.full_clean(exclude=["recorded_by_agency", "merged_into"])
    person.save_by(user)
    for kind in dict.fromkeys(flags or []):  # a flag repeated in the input is recorded once
        VulnerabilityFlag.objects.create(person=person, kind=kind, noted_by=user)
    record(user, Action.CREATED, "person", person.pk, channel=channel, summary=person.full_name)
    return person


@transaction.atomic
def add_party(user: Any, case: AsbCase, person: Person, role: str, *, channel: str = Channel.WEB) -> CaseParty:
    require_change(user, case)
    if not permissions.can_view_person(user, person):
        raise NotFoundError(f"No person {person.pk}.")
    if role not in PartyRole.values:
        raise RuleRefused("unknown_party_role", f"Unknown role {role!r}; expected one of {', '.join(PartyRole.values)}.", "role")
    party, _ = CaseParty.objects.get_or_create(case=case, person=person, role=role)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"added {role} person {person.pk}")
    return party


# ---- Incidents -------------------------------------------------------------------------

@transaction.atomic
def record_incident(user: Any, case: AsbCase, *, occurred_at: Any, description: str,
                    reported_by_agency: Agency | None = None, location: Location | None = None,
                    is_hate: bool = False, reported_on: date | None = None,
                    channel: str = Channel.WEB) -> Incident:
    require_change(user, case)
    incident = Incident(case=case, occurred_at=occurred_at, description=description,
                        reported_by_agency=reported_by_agency or _agency(user),
                        location=location or case.location, is_hate=is_hate,
                        reported_on=reported_on or timezone.localdate())
    incident.save_by(user)
    record(user, Action.CREATED, "incident", incident.pk, channel=channel, summary=case.reference)
    return incident


# ---- Tools and powers ---------------------------------------------------------------------

def issue_intervention(user: Any, case: AsbCase, *, kind: str, issued_on: date,
                       person: Person | None = None, conduct: str = "", written: bool = True,
                       premises: str = "", expires_on: date | None = None, amount: int | None = None,
                       relies_on: Intervention | None = None, channel: str = Channel.WEB) -> Intervention:
    """Issue a warning, notice, contract, order or penalty, if the rules allow it.

    Refused with RuleRefused naming the first broken rule (and the others) and why. The
    refusal is audited outside any transaction of this function, so it is kept."""
    require_change(user, case)
    if person is not None and not permissions.can_view_person(user, person):
        raise NotFoundError(f"No person {person.pk}.")
    config = tools_and_powers_config()
    earlier = Intervention.objects.filter(archived_on__isnull=True).filter(
        Q(person=person) if person is not None else Q(premises__iexact=premises)
    ) if (person is not None or premises) else Intervention.objects.none()
    request = rules.InterventionRequest(
        kind=kind, issued_on=issued_on, conduct=conduct, person_id=person.pk if person else None,
        date_of_birth=person.date_of_birth if person else None, written=written,
        expires_on=expires_on, amount=amount, premises=premises,
        relies_on=relies_on.pk if relies_on else None,
    )
    refusals = rules.check_intervention(request, [e.as_earlier() for e in earlier], config)
    if refusals:
        first = refusals[0]
        record(user, Action.REFUSED, "intervention", "", channel=channel,
               summary=f"{case.reference} {kind}: {first.rule}")
        raise RuleRefused(first.rule, first.message, first.field,
                          tuple((r.rule, r.message, r.field) for r in refusals[1:]))
    intervention = Intervention(
        case=case, kind=kind, person=person, conduct=conduct, written=written, premises=premises,
        issued_on=issued_on, expires_on=expires_on or rules.default_expiry(kind, issued_on, config),
        amount=amount if amount is not None else rules.default_amount(kind, config),
        relies_on=relies_on, issued_by=user, issuing_agency=_agency(user),
    )
    with transaction.atomic():
        intervention.save_by(user)
        record(user, Action.CREATED, "intervention", intervention.pk, channel=channel,
               summary=f"{case.reference} {intervention.get_kind_display()}")
    return intervention


# ---- Referrals -----------------------------------------------------------------------------

@transaction.atomic
def refer(user: Any, case: AsbCase, *, to_agency: Agency, reason: str, service: str = "",
          person: Person | None = None, consent_obtained: bool = False,
          channel: str = Channel.WEB) -> Referral:
    require_change(user, case)
    referral = Referral(case=case, to_agency=to_agency, reason=reason, service=service,
                        person=person, consent_obtained=consent_obtained)
    referral.save_by(user)
    # The receiving agency must be able to see the case to act on the referral.
    case._history_user = user
    case.agencies.add(to_agency)
    record(user, Action.CREATED, "referral", referral.pk, channel=channel,
           summary=f"{case.reference} to {to_agency}")
    return referral


@transaction.atomic
def update_referral(user: Any, referral: Referral, status: str, *, outcome: str = "",
                    channel: str = Channel.WEB) -> Referral:
    """Move a referral on: sent -> accepted|declined; accepted -> completed (with an outcome)."""
    require_change(user, referral.case)
    allowed = Referral.NEXT.get(referral.status, set())
    if status not in allowed:
        raise RuleRefused("referral_lifecycle", f"A referral that is {referral.status} cannot become "
                          f"{status}; next can be: {', '.join(sorted(allowed)) or 'nothing (it is finished)'}.", "status")
    if status == Referral.Status.COMPLETED and not outcome:
        raise RuleRefused("referral_needs_outcome", "Record the outcome to complete a referral.", "outcome")
    referral.status = status
    referral.outcome = outcome or referral.outcome
    referral.responded_on = referral.responded_on or timezone.localdate()
    referral.save_by(user)
    record(user, Action.CHANGED, "referral", referral.pk, channel=channel, summary=f"-> {status}")
    return referral


# ---- Notes, visits, tasks ----------------------------------------------------------------

@transaction.atomic
def add_note(user: Any, case: AsbCase, text: str, *, channel: str = Channel.WEB) -> CaseNote:
    require_change(user, case)
    note = CaseNote(case=case, text=text)
    note.save_by(user)
    record(user, Action.CREATED, "note", note.pk, channel=channel, summary=case.reference)
    return note


@transaction.atomic
def record_visit(user: Any, case: AsbCase, *, visited_on: date, findings: str,
                 channel: str = Channel.WEB) -> MonitoringVisit:
    require_change(user, case)
    visit = MonitoringVisit(case=case, visited_on=visited_on, findings=findings, officer=user)
    visit.save_by(user)
    record(user, Action.CREATED, "visit", visit.pk, channel=channel, summary=case.reference)
    return visit


@transaction.atomic
def add_task(user: Any, case: AsbCase, *, title: str, owner: Any, due_on: date,
             channel: str = Channel.WEB) -> Task:
    require_change(user, case)
    owner_membership = Membership.objects.filter(user=owner).first()
    if owner_membership is None or not case_visible_to_agency(case, owner_membership.agency_id):
        raise RuleRefused("task_owner_cannot_see_case", f"{owner} is not in an agency on this case; "
                          "share the case with their agency first.", "owner")
    task = Task(case=case, title=title, owner=owner, due_on=due_on)
    task.save_by(user)
    record(user, Action.CREATED, "task", task.pk, channel=channel, summary=f"{case.reference}: {title}")
    return task


@transaction.atomic
def complete_task(user: Any, task: Task, *, on: date | None = None, channel: str = Channel.WEB) -> Task:
    require_change(user, task.case)
    task.done_on = on or timezone.localdate()
    task.save_by(user)
    record(user, Action.CHANGED, "task", task.pk, channel=channel, summary="done")
    return task


def case_visible_to_agency(case: AsbCase, agency_id: int) -> bool:
    return case.lead_agency_id == agency_id or case.agencies.filter(pk=agency_id).exists()


# ---- Risk ----------------------------------------------------------------------------------

@transaction.atomic
def assess_risk(user: Any, case: AsbCase, person: Person, answers: Mapping[str, bool], *,
                channel: str = Channel.WEB) -> RiskAssessment:
    """Score a victim risk assessment. A high score alerts the lead agency's supervisors and
    prompts a referral to the partnership's vulnerability panel."""
    require_change(user, case)
    result = rules.score_risk(answers)
    assessment = RiskAssessment(case=case, person=person, answers=dict(answers),
                                score=result.score, level=result.level)
    assessment.save_by(user)
    record(user, Action.CREATED, "risk_assessment", assessment.pk, channel=channel,
           summary=f"{case.reference} {result.level} ({result.score})")
    if result.level == rules.HIGH:
        _alert_supervisors(user, case, result)
    return assessment


def _alert_supervisors(user: Any, case: AsbCase, result: rules.RiskResult) -> None:
    supervisors = [m.user for m in Membership.objects.filter(agency=case.lead_agency, role=Role.SUPERVISOR,
                                                             user__is_active=True).select_related("user")]
    message = (f"High-risk victim on {case.reference} (score {result.score}). Consider a referral "
               "to the Vulnerability Panel (Community MARAC).")
    for supervisor in supervisors:
        Alert.objects.create(user=supervisor, case=case, message=message)
    owner = supervisors[0] if supervisors else user
    task = Task(case=case, title="Consider referral to the Vulnerability Panel (high-risk victim)",
                owner=owner, due_on=timezone.localdate() + timedelta(days=2))
    task.save_by(user)


# ---- Repeat flags ------------------------------------------------------------------------

def repeat_flags(case: AsbCase, as_of: date | None = None) -> dict[str, list[str]]:
    """Which of the case's people and its location are repeats over the configured window.

    Repeat victim/subject: the person's role on incidents across all cases (they need not be
    visible to the user: only the flag is shown, never the other cases)."""
    as_of = as_of or timezone.localdate()
    rule = repeat_rule()
    flags: dict[str, list[str]] = {"victims": [], "subjects": [], "location": []}
    for party in case.parties.filter(role__in=[PartyRole.VICTIM, PartyRole.SUBJECT]).select_related("person"):
        dates = Incident.objects.filter(case__parties__person=party.person, case__parties__role=party.role,
                                        archived_on__isnull=True).values_list("occurred_at", flat=True)
        if rules.is_repeat([timezone.localtime(d).date() for d in dates], as_of, rule):
            flags["victims" if party.role == PartyRole.VICTIM else "subjects"].append(str(party.person_id))
    if case.location_id:
        dates = Incident.objects.filter(location_id=case.location_id, archived_on__isnull=True).values_list("occurred_at", flat=True)
        if rules.is_repeat([timezone.localtime(d).date() for d in dates], as_of, rule):
            flags["location"].append(str(case.location_id))
    return flags


# ---- Breaches, outcomes, attachments -----------------------------------------------------

@transaction.atomic
def record_breach(user: Any, intervention: Intervention, *, occurred_on: date, description: str,
                  action_taken: str = "", channel: str = Channel.WEB) -> Any:
    """Record a breach of a warning, notice, contract or order (e.g. leading to a fixed penalty)."""
    from .models import Breach

    require_change(user, intervention.case)
    if occurred_on < intervention.issued_on:
        raise RuleRefused("breach_before_issue", f"A breach cannot happen before the "
                          f"{intervention.get_kind_display()} was issued on {intervention.issued_on:%d %B %Y}.", "occurred_on")
    breach = Breach(intervention=intervention, occurred_on=occurred_on, description=description, action_taken=action_taken)
    breach.save_by(user)
    record(user, Action.CREATED, "breach", breach.pk, channel=channel, summary=f"{intervention.case.reference} {intervention.kind}")
    return breach


@transaction.atomic
def record_intervention_outcome(user: Any, intervention: Intervention, outcome: str, *,
                                channel: str = Channel.WEB) -> Intervention:
    require_change(user, intervention.case)
    intervention.outcome = outcome
    intervention.save_by(user)
    record(user, Action.CHANGED, "intervention", intervention.pk, channel=channel, summary="outcome recorded")
    return intervention


MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def add_attachment(user: Any, case: AsbCase, uploaded: Any, description: str, *, channel: str = Channel.WEB) -> Any:
    """Attach a file (diary sheets, photos, letters) to a case; at most 20 MB."""
    from .models import Attachment

    require_change(user, case)
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise RuleRefused("attachment_too_large", f"{uploaded.name} is {uploaded.size / 1e6:.1f} MB; the limit is 20 MB.", "file")
    attachment = Attachment(case=case, file=uploaded, description=description)
    attachment.save_by(user)
    record(user, Action.CREATED, "attachment", attachment.pk, channel=channel, summary=f"{case.reference} {uploaded.name}")
    return attachment


@transaction.atomic
def record_group(user: Any, case: AsbCase, *, name: str, description: str, members: list[Person],
                 channel: str = Channel.WEB) -> Any:
    """Record a group (e.g. a young street group) whose members are people on the case."""
    from .models import Group

    require_change(user, case)
    on_case = set(case.parties.values_list("person_id", flat=True))
    outsiders = [p for p in members if p.pk not in on_case]
    if outsiders:
        raise RuleRefused("group_member_not_on_case", "Add each member to the case before recording the group.", "members")
    group = Group(name=name, description=description, recorded_by_agency=_agency(user))
    group.save_by(user)
    group.members.set(members)
    record(user, Action.CREATED, "group", group.pk, channel=channel, summary=f"{case.reference} {name}")
    return group
