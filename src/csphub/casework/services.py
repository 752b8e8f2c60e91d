"""Everything that changes casework goes through these functions.

Each one checks the caller (csphub.access), applies the domain rules (rules.py), saves with
the acting user recorded in the history, and writes the audit entry. Pages, the API, the CLI
and the demo all call these; none of them writes casework records directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.accounts.models import Agency, Membership, Role
from csphub.accounts.services import agency_named
from csphub.audit.services import Action, Channel, record
from csphub.core import penalties
from csphub.core.models import lock
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import notices, rules
from .models import (
    Alert,
    AsbCase,
    CaseNote,
    CaseOutcome,
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


# ---- Reading (audited, through csphub.access) and the checks every change makes ----------

def get_case(user: Any, case_id: object, *, channel: str = Channel.WEB, purpose: str = "case") -> AsbCase:
    """The case if the user may see it (audited as viewed); NotFoundError otherwise, as if it
    did not exist (audited as refused), so a refusal reveals nothing."""
    visible = policy.cases(user).select_related(*CASE_JOINS)
    return reads.one(visible, user, "case", case_id, purpose=purpose, channel=channel,
                     plan=("case", policy.scope_key(user), CASE_JOINS))


#: What a case is read with wherever it is shown.
CASE_JOINS = ("case_type", "lead_agency", "lead_officer", "location")


def get_case_by_reference(user: Any, reference: str, *, channel: str = Channel.WEB) -> AsbCase:
    found = policy.cases(user).filter(reference=reference).values_list("pk", flat=True).first()
    return get_case(user, found or reference, channel=channel)


def case_for_change(user: Any, case_id: object, *, channel: str = Channel.WEB, purpose: str = "change form") -> AsbCase:
    """The case, if the user may record on it: 404 if they may not see it, 403 (saying why) if
    they see it but may not record on it."""
    case = get_case(user, case_id, channel=channel, purpose=purpose)
    require_change(user, case)
    return case


def case_for_manage(user: Any, case_id: object, *, channel: str = Channel.WEB, purpose: str = "change form") -> AsbCase:
    """The case, if the user may share it, change its lead or its status (the lead agency)."""
    case = get_case(user, case_id, channel=channel, purpose=purpose)
    require_manage(user, case)
    return case


def get_person(user: Any, person_id: object, *, channel: str = Channel.WEB, purpose: str = "person") -> Person:
    return reads.person(user, person_id, purpose=purpose, channel=channel)


def _lock(record: Any) -> None:
    lock(record)


def refuse(refusals: list[rules.Refusal]) -> None:
    """Raise the first refusal (RuleRefused, on its field) with the others it came with."""
    if refusals:
        first = refusals[0]
        raise RuleRefused(first.rule, first.message, first.field,
                          tuple((r.rule, r.message, r.field) for r in refusals[1:]))


def require_change(user: Any, case: AsbCase) -> None:
    if not policy.can_change_case(user, case):
        raise PermissionRefused(f"You cannot record on {case.reference}: {policy.why_not_change(user, case)}.")


def require_manage(user: Any, case: AsbCase) -> None:
    if not policy.can_manage_case(user, case):
        raise PermissionRefused(f"You cannot change {case.reference}: {policy.why_not_manage(user, case)}.")


def _require_person(user: Any, person: Person | None) -> None:
    if person is not None and not policy.can_view_person(user, person):
        raise NotFoundError(f"No person {person.pk}.")


def _agency(user: Any) -> Agency:
    m = roles.membership(user)
    if m is None:
        raise PermissionRefused("Your account has no agency; ask your agency admin.")
    return m.agency


def case_type_named(value: CaseType | str) -> CaseType:
    if isinstance(value, CaseType):
        return value
    case_type = CaseType.objects.filter(name__iexact=value.strip(), is_active=True).first()
    if case_type is None:
        known = ", ".join(CaseType.objects.filter(is_active=True).values_list("name", flat=True))
        raise RuleRefused("unknown_case_type", f"No case type {value!r}; known: {known}.", "case_type")
    return case_type


def location_for(user: Any, *, address: str, postcode: str = "", latitude: float | None = None,
                 longitude: float | None = None) -> Location | None:
    """A new location placed by the loaded geography (the ward of its coordinates; else the LSOA
    and ward of its postcode, an unknown postcode flagged); None without an address."""
    if not address.strip():
        if postcode.strip() or latitude is not None or longitude is not None:
            raise RuleRefused("location_needs_address", "Give the address as well as the postcode or "
                              "coordinates.", "address")
        return None
    from .geography import place_by_postcode

    location = Location(address=address.strip(), postcode=postcode, latitude=latitude, longitude=longitude)
    place_by_postcode(location)
    location.save_by(user)
    return location


# ---- Cases ---------------------------------------------------------------------------------

@transaction.atomic
def open_case(
    user: Any,
    *,
    case_type: CaseType | str,
    summary: str,
    opened_on: date | None = None,
    location: Location | None = None,
    address: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    lead_officer: Any = None,
    next_review_on: date | None = None,
    channel: str = Channel.WEB,
) -> AsbCase:
    """Open a case led by the user's agency (lead officer defaults to the user). The place is a
    location already recorded, or an address (with postcode and coordinates) recorded here."""
    if not policy.can_create_case(user):
        raise PermissionRefused("Only officers and supervisors open cases.")
    if not summary.strip():
        raise RuleRefused("summary_required", "Say briefly what the case is about.", "summary")
    opened_on = opened_on or timezone.localdate()
    refuse(rules.not_in_future(opened_on, timezone.localdate(), "A case", "opened_on"))
    location = location or location_for(user, address=address, postcode=postcode, latitude=latitude,
                                        longitude=longitude)
    case = AsbCase(
        case_type=case_type_named(case_type), summary=summary, lead_agency=_agency(user),
        lead_officer=lead_officer or user, location=location, opened_on=opened_on,
        next_review_on=next_review_on or opened_on + timedelta(days=28),
    )
    case.save_by(user)
    record(user, Action.CREATED, "case", case.pk, channel=channel)
    return case


STATUS_ORDER = [CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.ACTION, CaseStatus.MONITORING, CaseStatus.CLOSED]


@transaction.atomic
def change_status(user: Any, case: AsbCase, status: str, *, outcome: str = "", on: date | None = None,
                  expected_version: int | None = None, channel: str = Channel.WEB) -> AsbCase:
    """Move a case to a status: the lead agency only; closing needs an outcome; re-opening a
    closed case needs a supervisor of the lead agency. The rule is checked again on the row as it
    is now (locked), not as the caller last read it."""
    _lock(case)
    require_manage(user, case)
    case.check_version(expected_version)
    if status not in CaseStatus.values:
        raise RuleRefused("unknown_status", f"Unknown status {status!r}; expected one of {', '.join(CaseStatus.values)}.", "status")
    if status == CaseStatus.CLOSED:
        if not outcome:
            raise RuleRefused("closing_needs_outcome", "Say how the case ended to close it.", "outcome")
        if outcome not in CaseOutcome.values:
            raise RuleRefused("unknown_outcome", f"Unknown outcome {outcome!r}; expected one of "
                              f"{', '.join(CaseOutcome.values)}.", "outcome")
        case.closed_on = on or timezone.localdate()
        refuse(rules.not_in_future(case.closed_on, timezone.localdate(), "Closing a case", "status"))
        case.outcome = outcome
    elif case.is_closed:
        case.closed_on = None
        case.outcome = ""
    case.status = status
    case.save_by(user)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"status -> {status}")
    return case


@transaction.atomic
def share_case(user: Any, case: AsbCase, agency: Agency | str, *, channel: str = Channel.WEB) -> None:
    """Add an agency to the case, so its officers can see and work it: the lead agency only."""
    require_manage(user, case)
    agency = agency_named(agency)
    case._history_user = user
    case.agencies.add(agency)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"shared with agency {agency.pk}")


@transaction.atomic
def unshare_case(user: Any, case: AsbCase, agency: Agency | str, *, channel: str = Channel.WEB) -> None:
    require_manage(user, case)
    agency = agency_named(agency)
    case._history_user = user
    case.agencies.remove(agency)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"unshared from agency {agency.pk}")


@transaction.atomic
def change_lead(user: Any, case: AsbCase, *, agency: Agency | str, officer: Any = None,
                expected_version: int | None = None, channel: str = Channel.WEB) -> AsbCase:
    """Hand the case to another agency (and officer there): the lead agency only. The old lead
    agency stays on the case as a sharing agency, so its history is not lost to it."""
    _lock(case)
    require_manage(user, case)
    case.check_version(expected_version)
    agency = agency_named(agency)
    if officer is not None and not Membership.objects.filter(user=officer, agency=agency, user__is_active=True).exists():
        raise RuleRefused("lead_officer_not_in_agency", f"The lead officer must work for {agency}.", "officer")
    old = case.lead_agency
    case.lead_agency, case.lead_officer = agency, officer
    case.save_by(user)
    if old != agency:
        case.agencies.add(old)
        case.agencies.remove(agency)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"lead -> agency {agency.pk}")
    return case


# ---- People and parties ---------------------------------------------------------------

@transaction.atomic
def record_person(user: Any, *, channel: str = Channel.WEB, flags: list[str] | None = None,
                  **details: Any) -> Person:
    if not policy.can_record_people(user):
        raise PermissionRefused("Your role cannot record people.")
    refuse(rules.not_in_future(details.get("date_of_birth"), timezone.localdate(), "A date of birth", "date_of_birth"))
    person = Person(recorded_by_agency=_agency(user), **details)
    person.full_clean(exclude=["recorded_by_agency", "merged_into"])
    person.save_by(user)
    for kind in dict.fromkeys(flags or []):  # a flag repeated in the input is recorded once
        VulnerabilityFlag.objects.create(person=person, kind=kind, noted_by=user)
    record(user, Action.CREATED, "person", person.pk, channel=channel)
    return person


@transaction.atomic
def add_party(user: Any, case: AsbCase, person: Person, role: str, *, channel: str = Channel.WEB) -> CaseParty:
    require_change(user, case)
    _require_person(user, person)
    if role not in PartyRole.values:
        raise RuleRefused("unknown_party_role", f"Unknown role {role!r}; expected one of {', '.join(PartyRole.values)}.", "role")
    party, _ = CaseParty.objects.get_or_create(case=case, person=person, role=role)
    record(user, Action.CHANGED, "case", case.pk, channel=channel, summary=f"added {role} person {person.pk}")
    return party


def require_create(user: Any) -> None:
    if not policy.can_create_case(user):
        raise PermissionRefused("Only officers and supervisors open cases.")


def add_existing_party(user: Any, case: AsbCase, person_id: object, role: str, *,
                       channel: str = Channel.WEB) -> CaseParty:
    """Add a person the user may already see to the case (their record is read, audited)."""
    person = get_person(user, person_id, channel=channel, purpose=f"added to case {case.pk}")
    return add_party(user, case, person, role, channel=channel)


@transaction.atomic
def add_new_party(user: Any, case: AsbCase, *, role: str, details: dict[str, Any], flags: list[str] | None = None,
                  channel: str = Channel.WEB) -> CaseParty:
    """Record a new person and add them to the case in one step (both or neither)."""
    require_change(user, case)
    person = record_person(user, flags=flags, channel=channel, **details)
    return add_party(user, case, person, role, channel=channel)


def find_people(user: Any, q: str, *, purpose: str, limit: int = 20, channel: str = Channel.WEB) -> list[Person]:
    """People the user may see whose first or last name contains ``q`` (audited by the ids
    shown; the search words are not stored)."""
    q = q.strip()
    if not q:
        return []
    return list(reads.people(user, purpose=f"search: {purpose}", channel=channel)
                .filter(Q(first_name__icontains=q) | Q(last_name__icontains=q))[:limit])


def likely_matches_for_case(user: Any, case: AsbCase, details: dict[str, Any]) -> list[tuple[Person, float]]:
    """Records the user may already see that look like the person being added (not already on
    the case), best first; the ones shown are audited."""
    from csphub.people.services import likely_existing

    on_case = set(case.parties.values_list("person_id", flat=True))
    likely = [(p, prob) for p, prob in likely_existing(user, details) if p.pk not in on_case]
    reads.shown(user, "person", [p for p, _ in likely], purpose=f"likely matches for case {case.pk}")
    return likely


# ---- Incidents -------------------------------------------------------------------------

@transaction.atomic
def record_incident(user: Any, case: AsbCase, *, occurred_at: Any, description: str,
                    reported_by_agency: Agency | str | None = None, location: Location | None = None,
                    is_hate: bool = False, reported_on: date | None = None,
                    channel: str = Channel.WEB) -> Incident:
    require_change(user, case)
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    reported_on = reported_on or timezone.localdate()
    refuse(rules.check_incident_dates(timezone.localtime(occurred_at), reported_on, timezone.localtime()))
    agency = agency_named(reported_by_agency, "reported_by_agency") if reported_by_agency else _agency(user)
    incident = Incident(case=case, occurred_at=occurred_at, description=description, reported_by_agency=agency,
                        location=location or case.location, is_hate=is_hate,
                        reported_on=reported_on)
    incident.save_by(user)
    record(user, Action.CREATED, "incident", incident.pk, channel=channel, summary=f"case {case.pk}")
    return incident


# ---- Tools and powers ---------------------------------------------------------------------

def issue_intervention(user: Any, case: AsbCase, *, kind: str, issued_on: date,
                       person: Person | None = None, conduct: str = "", written: bool = True,
                       premises: str = "", expires_on: date | None = None, amount: int | None = None,
                       relies_on: Intervention | None = None, comply_by: date | None = None,
                       offence_on: date | None = None, early_payment_amount: int | None = None,
                       channel: str = Channel.WEB) -> Intervention:
    """Issue a warning, notice, contract, order or penalty, if the rules allow it.

    A warning may give the time to comply (``comply_by``, its last day); a fixed penalty is due
    ``fixed_penalty_payment_days`` after issue (CSPHUB_PENALTY_PAYMENT_DAYS) and is for the
    offence of ``offence_on`` (default: the day it is issued); it may offer a lesser
    ``early_payment_amount``, payable up to ``fixed_penalty_early_payment_days`` after issue
    (CSPHUB_PENALTY_EARLY_PAYMENT_DAYS; the day is kept on the notice).

    Refused with RuleRefused naming the first broken rule (and the others) and why. The
    refusal is audited outside any transaction of this function, so it is kept."""
    require_change(user, case)
    _require_person(user, person)
    config = tools_and_powers_config()
    earlier = Intervention.objects.filter(archived_on__isnull=True).filter(
        Q(person=person) if person is not None else Q(premises__iexact=premises)
    ) if (person is not None or premises) else Intervention.objects.none()
    request = rules.InterventionRequest(
        kind=kind, issued_on=issued_on, conduct=conduct, person_id=person.pk if person else None,
        date_of_birth=person.date_of_birth if person else None, written=written,
        expires_on=expires_on, amount=amount, premises=premises,
        relies_on=relies_on.pk if relies_on else None, comply_by=comply_by, offence_on=offence_on,
        early_payment_amount=early_payment_amount,
    )
    refusals = rules.check_intervention(request, [e.as_earlier() for e in earlier], config)
    if refusals:
        first = refusals[0]
        record(user, Action.REFUSED, "intervention", "", channel=channel,
               summary=f"case {case.pk} {kind}: {first.rule}")
        raise RuleRefused(first.rule, first.message, first.field,
                          tuple((r.rule, r.message, r.field) for r in refusals[1:]))
    if kind == rules.CPN and relies_on is None:  # record which warning the notice follows (its letter cites it)
        followed = rules.warning_relied_on(request, [e.as_earlier() for e in earlier])
        relies_on = Intervention.objects.filter(pk=followed).first() if followed else None
    intervention = Intervention(
        case=case, kind=kind, person=person, conduct=conduct, written=written, premises=premises,
        issued_on=issued_on, expires_on=expires_on or rules.default_expiry(kind, issued_on, config),
        amount=amount if amount is not None else rules.default_amount(kind, config),
        relies_on=relies_on, issued_by=user, issuing_agency=_agency(user),
        comply_by=comply_by if kind == rules.CPW else None,
    )
    if kind in rules.FIXED_PENALTIES:
        intervention.offence_on = offence_on or issued_on
        intervention.payment_due_on = rules.payment_due_on(kind, issued_on, config)
        intervention.payment_status = penalties.UNPAID
        if early_payment_amount is not None:
            intervention.early_payment_amount = early_payment_amount
            intervention.early_payment_by = penalties.early_payment_by(
                issued_on, config.fixed_penalty_early_payment_days, config.fixed_penalty_payment_days)
    with transaction.atomic():
        intervention.save_by(user)
        record(user, Action.CREATED, "intervention", intervention.pk, channel=channel,
               summary=f"case {case.pk} {kind}")
    return intervention


# ---- Referrals -----------------------------------------------------------------------------

@transaction.atomic
def refer(user: Any, case: AsbCase, *, to_agency: Agency | str, reason: str, service: str = "",
          person: Person | None = None, consent_obtained: bool = False,
          channel: str = Channel.WEB) -> Referral:
    """Refer from a case to a partner agency. The receiving agency sees this referral, its reason
    and the referred person (read-only): not the case. Share the case if it must work it."""
    require_change(user, case)
    _require_person(user, person)
    if person is not None and not case.parties.filter(person=person).exists():
        raise RuleRefused("referred_person_not_on_case", "Add the person to the case before referring them.", "person")
    to_agency = agency_named(to_agency, "to_agency")
    if not reason.strip():
        raise RuleRefused("reason_required", "Say why you are referring.", "reason")
    referral = Referral(case=case, to_agency=to_agency, reason=reason, service=service,
                        person=person, consent_obtained=consent_obtained)
    referral.save_by(user)
    record(user, Action.CREATED, "referral", referral.pk, channel=channel,
           summary=f"case {case.pk} to agency {to_agency.pk}")
    notices.referral_made(referral)  # the receiving agency's inbox
    return referral


@transaction.atomic
def update_referral(user: Any, referral: Referral, status: str, *, outcome: str = "",
                    expected_version: int | None = None, channel: str = Channel.WEB) -> Referral:
    """The receiving agency moves a referral on: sent -> accepted|declined; accepted -> completed
    (with an outcome). Checked on the row as it is now (locked), so two answers cannot both win."""
    _lock(referral)
    if not policy.case_referrals(user).filter(pk=referral.pk).exists():
        raise NotFoundError(f"No referral {referral.pk}.")
    if not policy.can_respond_to_referral(user, referral):
        raise PermissionRefused(f"Only {referral.to_agency}, which received this referral, can answer it.")
    referral.check_version(expected_version)
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


def referral_for_answer(user: Any, referral_id: object, *, channel: str = Channel.WEB) -> Referral:
    """A referral the user may see (audited), for its page or its answer."""
    return reads.referral(user, referral_id, purpose="referral", channel=channel)


# ---- Notes, visits, tasks ----------------------------------------------------------------

@transaction.atomic
def add_note(user: Any, case: AsbCase, text: str, *, channel: str = Channel.WEB) -> CaseNote:
    require_change(user, case)
    if not text.strip():
        raise RuleRefused("note_required", "Write the note.", "text")
    note = CaseNote(case=case, text=text)
    note.save_by(user)
    record(user, Action.CREATED, "note", note.pk, channel=channel, summary=f"case {case.pk}")
    return note


@transaction.atomic
def record_visit(user: Any, case: AsbCase, *, visited_on: date, findings: str,
                 channel: str = Channel.WEB) -> MonitoringVisit:
    require_change(user, case)
    refuse(rules.not_in_future(visited_on, timezone.localdate(), "A visit", "visited_on"))
    visit = MonitoringVisit(case=case, visited_on=visited_on, findings=findings, officer=user)
    visit.save_by(user)
    record(user, Action.CREATED, "visit", visit.pk, channel=channel, summary=f"case {case.pk}")
    return visit


def task_owners(case: AsbCase) -> Any:
    """Officers and supervisors of the agencies on the case: the users a task may be given to,
    when it is set and when it is corrected, on the page and through the API."""
    from django.contrib.auth import get_user_model

    agency_ids = [case.lead_agency_id, *case.agencies.values_list("id", flat=True)]
    user_ids = Membership.objects.filter(agency_id__in=agency_ids, role__in=["officer", "supervisor"]).values("user_id")
    return get_user_model().objects.filter(id__in=user_ids, is_active=True).order_by("username")


def _task_owner(case: AsbCase, owner: Any) -> Any:
    """The owner (a user or a username) if they are one of ``task_owners(case)``. One answer
    for an unknown username and for a user not allowed, so the API reveals no usernames."""
    if isinstance(owner, str):
        found = task_owners(case).filter(username=owner).first()
    else:
        found = task_owners(case).filter(pk=owner.pk).first() if owner is not None else None
    if found is None:
        named = owner if isinstance(owner, str) else getattr(owner, "username", "")
        raise RuleRefused("task_owner_cannot_see_case", f"No officer or supervisor {named!r} in an agency on this "
                          "case: a task's owner must be one of them (share the case with their agency first).",
                          "owner")
    return found


@transaction.atomic
def add_task(user: Any, case: AsbCase, *, title: str, owner: Any, due_on: date,
             channel: str = Channel.WEB) -> Task:
    require_change(user, case)
    task = Task(case=case, title=title, owner=_task_owner(case, owner), due_on=due_on)
    task.save_by(user)
    record(user, Action.CREATED, "task", task.pk, channel=channel, summary=f"case {case.pk}")
    notices.task_assigned(task)  # the owner's inbox
    return task


def complete_task(user: Any, task: Task | object, *, on: date | None = None, channel: str = Channel.WEB) -> Task:
    """Mark a task done: a task on a case the user may see (404 otherwise, audited as refused),
    on a case they may record on (403 otherwise: an analyst sees the case but does not work it)."""
    pk = task.pk if isinstance(task, Task) else task
    # Read before the transaction, so a refusal's audit entry is kept when the change is refused.
    found = reads.one(Task.objects.filter(case__in=policy.cases(user), archived_on__isnull=True), user, "task", pk,
                      purpose="complete a task", channel=channel)
    with transaction.atomic():
        _lock(found)
        require_change(user, found.case)
        if found.done_on is not None:
            raise RuleRefused("task_already_done", f"This task was marked done on {found.done_on:%d %B %Y}.", "done_on")
        found.done_on = on or timezone.localdate()
        found.save_by(user)
        record(user, Action.CHANGED, "task", found.pk, channel=channel, summary="done")
    return found


def case_visible_to_agency(case: AsbCase, agency_id: int) -> bool:
    return policy.agency_on_case(case, agency_id)


def mark_alert_read(user: Any, alert_id: object, *, channel: str = Channel.WEB) -> Alert:
    # Read outside any transaction, so a refusal's audit entry is kept.
    alert = reads.alert(user, alert_id, purpose="mark alert read", channel=channel)
    with transaction.atomic():
        alert.read_on = timezone.now()
        alert.save(update_fields=["read_on"])
        record(user, Action.CHANGED, "alert", alert.pk, channel=channel, summary="read")
    return alert


# ---- Risk ----------------------------------------------------------------------------------

@transaction.atomic
def assess_risk(user: Any, case: AsbCase, person: Person, answers: Mapping[str, bool | None], *,
                channel: str = Channel.WEB) -> RiskAssessment:
    """Score a victim risk assessment. A high score alerts the lead agency's supervisors and
    prompts a referral to the partnership's vulnerability panel. A question answered None (or
    left out) is stored as not answered (null), not as "no"."""
    require_change(user, case)
    _require_person(user, person)
    if not case.parties.filter(person=person).exists():
        raise RuleRefused("assessed_person_not_on_case", "Add the person to the case before assessing their risk.", "person")
    result = rules.score_risk(answers)
    assessment = RiskAssessment(case=case, person=person,
                                answers={q.key: answers.get(q.key) for q in rules.RISK_QUESTIONS},
                                score=result.score, level=result.level)
    assessment.save_by(user)
    record(user, Action.CREATED, "risk_assessment", assessment.pk, channel=channel,
           summary=f"{result.level} ({result.score})")
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
    notices.task_assigned(task)  # the supervisor's inbox (and email, if they chose it)


# ---- Repeat flags ------------------------------------------------------------------------

def repeat_flags(case: AsbCase, as_of: date | None = None, *,
                 parties_read: Iterable[CaseParty] | None = None) -> dict[str, list[str]]:
    """Which of the case's people and its location are repeats over the configured window.
    ``parties_read``: the case's parties when the caller has read them already (all of them).

    Repeat victim/subject: the person's role on incidents across all cases (they need not be
    visible to the user: only the flag is shown, never the other cases)."""
    as_of = as_of or timezone.localdate()
    rule = repeat_rule()
    flags: dict[str, list[str]] = {"victims": [], "subjects": [], "location": []}
    # Three queries whatever the number of parties: the victims and subjects, every case where
    # each has that role, and those cases' incidents (each incident once per such role held).
    roles = [PartyRole.VICTIM, PartyRole.SUBJECT]
    if parties_read is None:
        parties = list(case.parties.filter(role__in=roles).values_list("person_id", "role"))
    else:
        parties = [(p.person_id, p.role) for p in parties_read if p.role in roles]
    cases_of: dict[tuple[int, str], list[int]] = {}
    if parties:
        for person_id, role, case_id in (CaseParty.objects.filter(person_id__in={p for p, _ in parties}, role__in=roles)
                                         .values_list("person_id", "role", "case_id")):
            cases_of.setdefault((person_id, role), []).append(case_id)
    dates_of: dict[int, list[date]] = {}
    for case_id, occurred in (Incident.objects.filter(case_id__in={c for ids in cases_of.values() for c in ids},
                                                      archived_on__isnull=True).values_list("case_id", "occurred_at")
                              if cases_of else []):
        dates_of.setdefault(case_id, []).append(timezone.localtime(occurred).date())
    for person_id, role in parties:
        dates = [d for case_id in cases_of.get((person_id, role), []) for d in dates_of.get(case_id, [])]
        if rules.is_repeat(dates, as_of, rule):
            flags["victims" if role == PartyRole.VICTIM else "subjects"].append(str(person_id))
    if case.location_id:
        dates = Incident.objects.filter(location_id=case.location_id, archived_on__isnull=True).values_list("occurred_at", flat=True)
        if rules.is_repeat([timezone.localtime(d).date() for d in dates], as_of, rule):
            flags["location"].append(str(case.location_id))
    return flags


# ---- Breaches, outcomes, attachments -----------------------------------------------------

@transaction.atomic
def assess_risk_answers(user: Any, case: AsbCase, person_id: object, answers: Mapping[str, bool | None], *,
                        channel: str = Channel.WEB) -> RiskAssessment:
    """:func:`assess_risk` for answers sent by key (the API): an unknown question is refused by
    name, the person must be one the user may see and on this case."""
    known = {q.key for q in rules.RISK_QUESTIONS}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise RuleRefused("unknown_question", f"No risk question {unknown[0]!r}; the questions are "
                          f"{', '.join(sorted(known))}.", "answers")
    person = get_person(user, person_id, channel=channel, purpose="risk assessment")
    if not case.parties.filter(person=person).exists():
        raise RuleRefused("not_on_case", "Assess a person who is on this case (add them to it first).", "person_id")
    return assess_risk(user, case, person, answers, channel=channel)


def intervention_of_case(case: AsbCase, pk: object) -> Intervention:
    """The case's own tool or power ``pk`` (NotFoundError for any other): for recording against it."""
    found = Intervention.objects.filter(case=case, pk=pk, archived_on__isnull=True).first() \
        if str(pk).isdigit() else None
    if found is None:
        raise NotFoundError(f"No intervention {pk} on this case.")
    return found


def record_breach(user: Any, intervention: Intervention, *, occurred_on: date, description: str,
                  action_taken: str = "", channel: str = Channel.WEB) -> Any:
    """Record a breach of a warning, notice, contract or order (e.g. leading to a fixed penalty)."""
    from .models import Breach

    require_change(user, intervention.case)
    if occurred_on < intervention.issued_on:
        raise RuleRefused("breach_before_issue", f"A breach cannot happen before the "
                          f"{intervention.get_kind_display()} was issued on {intervention.issued_on:%d %B %Y}.", "occurred_on")
    refuse(rules.not_in_future(occurred_on, timezone.localdate(), "A breach", "occurred_on"))
    breach = Breach(intervention=intervention, occurred_on=occurred_on, description=description, action_taken=action_taken)
    breach.save_by(user)
    record(user, Action.CREATED, "breach", breach.pk, channel=channel, summary=f"{intervention.kind} {intervention.pk}")
    return breach


def intervention_for_change(user: Any, pk: object, *, purpose: str, channel: str = Channel.WEB) -> Intervention:
    """The intervention if the user may see it (else NotFoundError) and record on its case (else
    PermissionRefused)."""
    found = reads.intervention(user, pk, purpose=purpose, channel=channel)
    intervention = Intervention.objects.select_related("case", "person").get(pk=found.pk)
    require_change(user, intervention.case)
    return intervention


def notice_from_warning(user: Any, warning_id: object, *, issued_on: date, expires_on: date | None = None,
                        conduct: str | None = None, channel: str = Channel.WEB) -> Intervention:
    """A Community Protection Notice made from a warning: to the same person, for the same conduct
    (unless ``conduct`` says what the notice requires in other words: the rules then check it is
    the same), relying on that warning. The 2014 Act's rules (csphub.casework.rules) decide, as
    for any notice: the warning written, to that person, and its time to comply passed.

    NotFoundError if the user may not see the warning; RuleRefused if it is not a written CPW.
    """
    found = reads.intervention(user, warning_id, purpose="notice from warning", channel=channel)
    warning = Intervention.objects.select_related("case", "person").get(pk=found.pk)
    if warning.kind != rules.CPW or warning.archived_on is not None:
        raise RuleRefused("not_a_warning", "A Community Protection Notice is made from a Community Protection "
                          f"Warning; this is a {warning.get_kind_display()}.", "kind")
    return issue_intervention(user, warning.case, kind=rules.CPN, person=warning.person, issued_on=issued_on,
                              conduct=warning.conduct if conduct is None or not conduct.strip() else conduct,
                              written=True, expires_on=expires_on, relies_on=warning, channel=channel)


@transaction.atomic
def record_penalty_payment(user: Any, intervention: Intervention, status: str, on: date | None, *,
                           paid_amount: int | None = None, expected_version: int | None = None,
                           channel: str = Channel.WEB) -> Intervention:
    """Mark a fixed penalty paid or withdrawn on a day (or back to unpaid, with no day).

    The day may not be in the future nor before the penalty was issued. Paid, ``paid_amount``
    (default: the full amount) is the full amount, or the early-payment amount the notice offered
    up to its ``early_payment_by`` (the same rule as the PSPO register's, csphub.core.penalties);
    a notice offering one needs the amount said."""
    _lock(intervention)
    require_change(user, intervention.case)
    intervention.check_version(expected_version)
    if not intervention.is_fixed_penalty:
        raise RuleRefused("not_a_penalty", f"A {intervention.get_kind_display()} is not paid.", "kind")
    if status not in penalties.PAYMENT_STATUSES:
        raise RuleRefused("payment_status", f"Choose {', '.join(penalties.PAYMENT_STATUSES.values())}, "
                          f"not {status!r}.", "status")
    if status == penalties.UNPAID:
        on = None
    elif on is None:
        raise RuleRefused("payment_date", f"Give the day it was {status}.", "on")
    else:
        refusals = (rules.not_in_future(on, timezone.localdate(), f"The day it was {status}", "on")
                    + rules.not_before(on, intervention.issued_on, f"The day it was {status}",
                                       "the day the penalty was issued", "on"))
        if refusals:
            raise RuleRefused(refusals[0].rule, refusals[0].message, refusals[0].field)
    if status == penalties.PAID:
        if paid_amount is None and intervention.early_payment_amount is not None:
            raise RuleRefused("paid_amount", f"Give the amount paid: the full penalty (GBP {intervention.amount}) or "
                              f"the early-payment amount (GBP {intervention.early_payment_amount}).", "paid_amount")
        paid_amount = intervention.amount if paid_amount is None else paid_amount
        assert on is not None  # a payment has its day (checked above)
        wrong = penalties.paid_amount_refusal(paid_amount=paid_amount, amount=intervention.amount,
                                              early_amount=intervention.early_payment_amount, paid_on=on,
                                              early_by=intervention.early_payment_by)
        if wrong:
            raise RuleRefused("paid_amount", wrong, "paid_amount")
    intervention.paid_amount = paid_amount if status == penalties.PAID else None
    intervention.payment_status, intervention.payment_status_on = status, on
    intervention.save_by(user)
    record(user, Action.CHANGED, "intervention", intervention.pk, channel=channel, summary=f"penalty {status}")
    return intervention


@transaction.atomic
def record_intervention_outcome(user: Any, intervention: Intervention, outcome: str, *,
                                expected_version: int | None = None, channel: str = Channel.WEB) -> Intervention:
    _lock(intervention)
    require_change(user, intervention.case)
    intervention.check_version(expected_version)
    intervention.outcome = outcome
    intervention.save_by(user)
    record(user, Action.CHANGED, "intervention", intervention.pk, channel=channel, summary="outcome recorded")
    return intervention


def add_attachment(user: Any, case: AsbCase, uploaded: Any, description: str, *, channel: str = Channel.WEB) -> Any:
    """Attach a file (diary sheets, photos, letters, recordings) to a case.

    Its type is read from its content and must be on the allow-list, under a name with that
    type's extension, and it may be at most CSPHUB_UPLOAD_MAX_MB (csphub.core.uploads); a
    configured virus scanner must find nothing (csphub.core.scanner; an infected file is
    refused and audited, never stored). RuleRefused, field "file", says what was wrong. The
    checks and the scan come before the transaction, so a slow scan holds no lock. The file is
    stored under a random name; the name it came with is kept for the download.
    """
    from csphub.core import uploads

    from .models import Attachment

    require_change(user, case)
    if not (description or "").strip():
        raise RuleRefused("description_required", "Say what the file is (e.g. diary sheets for March).",
                          "description")
    kind, scan = uploads.check_and_scan(user, uploaded, object_type="attachment", channel=channel,
                                        summary=f"case {case.pk}")
    attachment = Attachment(case=case, description=description, original_name=(uploaded.name or "")[:255],
                            content_type=kind.content_type, size=uploaded.size, scan_status=scan.status,
                            scan_detail=scan.detail[:200])

    def save() -> None:
        require_change(user, case)  # again: the case may have closed during the scan
        attachment.save_by(user)
        record(user, Action.CREATED, "attachment", attachment.pk, channel=channel, summary=f"case {case.pk}")

    uploads.store_with_file(attachment, kind, uploaded, save)
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
    record(user, Action.CREATED, "group", group.pk, channel=channel, summary=f"case {case.pk}")
    return group
