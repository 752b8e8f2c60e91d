"""Correcting what was entered, with a reason, and the history of every change (issue 12, item 1).

Every record a user enters can be corrected by those allowed to record on it: ``correct(user,
record, changes, reason=..., expected_version=...)`` checks the caller, refuses a stale edit
(someone changed the record since the form was opened: StaleEdit, 409), applies the same date
rules as a new record, saves with the reason on the history row (django-simple-history's
``history_change_reason``), writes the audit entry (the names of the fields changed, never their
values) and re-checks the rules that depend on what changed: a corrected date of birth re-checks
the age limits of the tools and powers issued to the person; a corrected incident date
re-checks the case's repeat flags; a corrected issue date re-checks the tool's own rules.
Nothing is deleted: records are archived with a reason (BaseRecord.archive).

Examples:
    >>> SPECS["note"].fields
    ('text',)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Action, Channel, record
from csphub.core.models import BaseRecord, lock
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused, StaleEdit

from . import rules
from .models import (
    AsbCase,
    Breach,
    CaseNote,
    CaseParty,
    Incident,
    Intervention,
    Location,
    MonitoringVisit,
    PartyRole,
    Person,
    Referral,
    RiskAssessment,
    Task,
)
from .services import (
    _alert_supervisors,
    _task_owner,
    refuse,
    repeat_flags,
    require_change,
    require_manage,
    tools_and_powers_config,
)

#: The longest reason the history keeps (django-simple-history's change-reason column).
REASON_MAX = 100


@dataclass(frozen=True)
class Spec:
    """What may be corrected on one kind of record, and who may correct it.

    Other domains register their records (``register``) with the callables casework's own kinds
    get from the tables below: ``scope(user)`` the policy filter the record is read through,
    ``require(user, record)`` raising PermissionRefused, ``validate(record)`` raising
    RuleRefused, ``recheck(user, record, before, changed)`` the effects in words, and
    ``page(record)`` the address to go back to after a correction."""

    model: type[models.Model]
    fields: tuple[str, ...]
    label: str
    audit_type: str
    scope: Callable[[Any], Any] | None = None
    require: Callable[[Any, Any], None] | None = None
    validate: Callable[[Any], None] | None = None
    recheck: Callable[[Any, Any, dict[str, Any], list[str]], list[str]] | None = None
    page: Callable[[Any], str] | None = None

    def case_of(self, record: Any) -> AsbCase | None:
        if isinstance(record, AsbCase):
            return record
        if isinstance(record, Breach):
            return record.intervention.case
        return getattr(record, "case", None)


def register(kind: str, spec: Spec) -> None:
    """Make another domain's record correctable (e.g. csphub.panels.corrections)."""
    SPECS[kind] = spec


SPECS: dict[str, Spec] = {
    "case": Spec(AsbCase, ("case_type", "summary", "opened_on", "next_review_on"), "case", "case"),
    "person": Spec(Person, ("first_name", "last_name", "date_of_birth", "phone", "email", "address", "postcode",
                            "consent_to_share"), "person", "person"),
    "party": Spec(CaseParty, ("role",), "role on the case", "party"),
    "location": Spec(Location, ("address", "postcode", "latitude", "longitude"), "location", "location"),
    "incident": Spec(Incident, ("occurred_at", "description", "reported_by_agency", "reported_on", "is_hate"),
                     "incident", "incident"),
    "visit": Spec(MonitoringVisit, ("visited_on", "findings"), "monitoring visit", "visit"),
    "note": Spec(CaseNote, ("text",), "note", "note"),
    "task": Spec(Task, ("title", "owner", "due_on", "done_on"), "task", "task"),
    "intervention": Spec(Intervention, ("conduct", "written", "premises", "issued_on", "expires_on", "amount",
                                        "outcome"), "tool or power", "intervention"),
    "breach": Spec(Breach, ("occurred_on", "description", "action_taken"), "breach", "breach"),
    "referral": Spec(Referral, ("service", "reason", "consent_obtained"), "referral", "referral"),
    # The answers only: the score and level follow from them (see _validate_risk).
    "risk_assessment": Spec(RiskAssessment, ("answers",), "risk assessment", "risk_assessment"),
}


@dataclass
class Correction:
    """What a correction did: the fields it changed and what the re-checked rules now say."""

    record: Any
    changed: list[str]
    effects: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.changed:
            return "Nothing was changed: the values are the same as before."
        names = ", ".join(label_of(self.record, f) for f in self.changed)
        return f"Corrected: {names}."


def label_of(record: Any, name: str) -> str:
    try:
        return str(type(record)._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a name that is not a field is shown as it is
        return name.replace("_", " ")


# ---- Who may correct what --------------------------------------------------------------------

def require_correct(user: Any, kind: str, record: Any) -> None:
    """Officers and supervisors who may record on the record's case (the case's own facts: the
    lead agency); a person: one their agency recorded, or on a case they may record on."""
    if SPECS[kind].require is not None:
        SPECS[kind].require(user, record)  # type: ignore[misc]
    elif kind == "case":
        require_manage(user, record)
    elif kind == "person":
        if not policy.can_correct_person(user, record):
            raise PermissionRefused("Only an agency that recorded this person, or works a case they are on, can "
                                    "correct their details.")
    elif kind == "location":
        cases = AsbCase.objects.filter(Q(location=record) | Q(incidents__location=record)).distinct()
        if not any(policy.can_change_case(user, c) for c in cases):
            raise PermissionRefused("Only an agency working a case at this location can correct it.")
    else:
        case = SPECS[kind].case_of(record)
        assert case is not None
        require_change(user, case)


def load(user: Any, kind: str, record_id: object, *, case: AsbCase | int | None = None,
         channel: str = Channel.WEB, purpose: str = "correct") -> Any:
    """The record to correct, read through access (audited; NotFoundError, audited, otherwise),
    on ``case`` when given (the page's case)."""
    spec = SPECS.get(kind)
    if spec is not None and spec.scope is not None:
        return reads.one(spec.scope(user), user, spec.audit_type, record_id, purpose=purpose, channel=channel,
                         label=spec.label)
    if kind == "case":
        return reads.case(user, record_id, purpose=purpose, channel=channel)
    if kind == "person":
        return reads.person(user, record_id, purpose=purpose, channel=channel)
    scoped = {
        "party": reads.parties, "incident": reads.incidents, "visit": reads.visits, "note": reads.notes,
        "task": reads.tasks, "intervention": reads.interventions, "referral": reads.referrals,
        "risk_assessment": reads.risk_assessments,
    }
    if kind in scoped:
        queryset = scoped[kind](user, purpose=purpose, channel=channel)
        if case is not None:
            queryset = queryset.filter(case=case)
        return reads.one(queryset, user, SPECS[kind].audit_type, record_id, purpose=purpose, channel=channel,
                         label=SPECS[kind].label)
    if kind == "breach":
        queryset = Breach.objects.filter(intervention__in=policy.interventions(user), archived_on__isnull=True)
        if case is not None:
            queryset = queryset.filter(intervention__case=case)
        return reads.one(queryset, user, "breach", record_id, purpose=purpose, channel=channel)
    if kind == "location":
        return reads.location(user, record_id, purpose=purpose, channel=channel)
    raise NotFoundError(f"Nothing called {kind!r} can be corrected.")


# ---- Correcting ---------------------------------------------------------------------------------

def version_of(record: Any) -> int:
    """The record's version for a form or an ETag: BaseRecord.version; a record that is not a
    BaseRecord (a role on a case, a complaint) is versioned by its history rows."""
    if not isinstance(record, BaseRecord):
        return int(record.history.count())
    return int(record.version)


def _check_version(record: Any, expected: int | None) -> None:
    if not isinstance(record, BaseRecord):
        if expected is not None and int(expected) != version_of(record):
            latest = record.history.select_related("history_user").first()
            who = latest.history_user.get_full_name() or latest.history_user.username if latest and latest.history_user else "someone"
            raise StaleEdit(f"{who} changed this record at {timezone.localtime(latest.history_date):%H:%M on %d %B %Y} "
                            "after you opened it; nothing was saved. Look at the record as it is now and make your "
                            "change again if it is still needed.")
        return
    record.check_version(expected)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    return bool(old == new)


@transaction.atomic
def correct(user: Any, kind: str, target: Any, changes: Mapping[str, Any], *, reason: str,
            expected_version: int | None = None, channel: str = Channel.WEB) -> Correction:
    """Correct ``target`` (a record of kind ``kind``) with ``changes`` (field -> new value), saying why.

    Refused: PermissionRefused (403) if the user may not correct it; StaleEdit (409) if it
    changed since ``expected_version``; RuleRefused (422) for a missing reason, an unknown field
    or a value the rules refuse (e.g. an incident moved into the future)."""
    spec = SPECS[kind]
    unknown = sorted(set(changes) - set(spec.fields))
    if unknown:
        raise RuleRefused("not_correctable", f"{', '.join(unknown)} cannot be corrected on a {spec.label}; "
                          f"expected {', '.join(spec.fields)}.", unknown[0])
    lock(target)
    require_correct(user, kind, target)
    _check_version(target, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise RuleRefused("reason_required", "Say why you are correcting this record.", "correction_reason")
    if len(reason) > REASON_MAX:
        raise RuleRefused("reason_too_long", f"Keep the reason to {REASON_MAX} characters; it is "
                          f"{len(reason)}.", "correction_reason")
    before = {name: getattr(target, name) for name in spec.fields}
    changed = [name for name, value in changes.items() if not _same(before[name], value)]
    if not changed:
        return Correction(target, [])
    case = spec.case_of(target)
    flags_before = repeat_flags(case) if kind == "incident" and case is not None else None
    for name in changed:
        setattr(target, name, changes[name])
    _validate(user, kind, target)
    target._change_reason = reason
    if not isinstance(target, BaseRecord):
        target._history_user = user
        target.save()
    else:
        target.save_by(user)
    record(user, Action.CHANGED, spec.audit_type, target.pk, channel=channel,
           summary=f"corrected: {', '.join(changed)}")
    effects = (spec.recheck or RECHECKS.get(kind, _no_effects))(user, target, before, changed)
    if flags_before is not None and case is not None:
        effects += _repeat_effects(flags_before, repeat_flags(case))
    return Correction(target, changed, effects)


def _validate(user: Any, kind: str, target: Any) -> None:
    """The rules a new record of the kind must meet, checked on the corrected one."""
    (SPECS[kind].validate or VALIDATORS.get(kind, lambda t: None))(target)


def _validate_case(target: AsbCase) -> None:
    refuse(rules.not_in_future(target.opened_on, timezone.localdate(), "A case", "opened_on"))
    if not target.summary.strip():
        raise RuleRefused("summary_required", "Say briefly what the case is about.", "summary")


def _validate_person(target: Person) -> None:
    from django.core.exceptions import ValidationError

    refuse(rules.not_in_future(target.date_of_birth, timezone.localdate(), "A date of birth", "date_of_birth"))
    try:
        target.full_clean(exclude=["recorded_by_agency", "merged_into"])
    except ValidationError as e:  # e.g. a malformed email: bad input, said on its field
        name, messages = next(iter(e.message_dict.items()))
        raise RuleRefused("invalid_value", " ".join(messages), name) from e


def _validate_party(target: CaseParty) -> None:
    if target.role not in PartyRole.values:
        raise RuleRefused("unknown_party_role", f"Unknown role {target.role!r}.", "role")
    if CaseParty.objects.filter(case=target.case, person=target.person, role=target.role).exclude(pk=target.pk).exists():
        raise RuleRefused("party_role_exists", "This person already has that role on the case.", "role")


def _validate_incident(target: Incident) -> None:
    if timezone.is_naive(target.occurred_at):
        target.occurred_at = timezone.make_aware(target.occurred_at)
    refuse(rules.check_incident_dates(timezone.localtime(target.occurred_at), target.reported_on, timezone.localtime()))


def _validate_breach(target: Breach) -> None:
    refuse([*rules.not_in_future(target.occurred_on, timezone.localdate(), "A breach", "occurred_on"),
            *rules.not_before(target.occurred_on, target.intervention.issued_on, "A breach",
                              f"the {target.intervention.get_kind_display()} it breaches", "occurred_on",
                              "breach_before_issue")])


def _validate_task(target: Task) -> None:
    if not target.title.strip():  # the page's form requires it; the API's PATCH is held to the same
        raise RuleRefused("title_required", "Say what the task is.", "title")
    target.owner = _task_owner(target.case, target.owner)
    refuse(rules.not_in_future(target.done_on, timezone.localdate(), "The date a task was done", "done_on"))


def _required(name: str, rule: str, message: str) -> Callable[[Any], None]:
    def check(target: Any) -> None:
        if not getattr(target, name).strip():
            raise RuleRefused(rule, message, name)
    return check


def _validate_location(target: Location) -> None:
    from .geography import place_by_postcode

    if not target.address.strip():
        raise RuleRefused("address_required", "Give the address.", "address")
    place_by_postcode(target)


def risk_answers(answers: Mapping[str, Any]) -> dict[str, bool | None]:
    """Answers to store: every question, each True, False or None (not answered); a question left
    out is not answered, never "no". An unknown question or a value other than yes/no/None is
    refused by name.

    Examples:
        >>> risk_answers({"fear": True, "moving": False})["repeat"] is None
        True
    """
    known = {q.key for q in rules.RISK_QUESTIONS}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise RuleRefused("unknown_question", f"No risk question {unknown[0]!r}; the questions are "
                          f"{', '.join(sorted(known))}.", "answers")
    for key, value in answers.items():
        if value is not None and not isinstance(value, bool):
            raise RuleRefused("invalid_answer", f"Answer {key!r} with yes (true), no (false) or not answered "
                              f"(null), not {value!r}.", "answers")
    return {q.key: answers.get(q.key) for q in rules.RISK_QUESTIONS}


def _validate_risk(target: RiskAssessment) -> None:
    """The corrected answers are scored again: the score and level always follow the answers."""
    target.answers = risk_answers(target.answers or {})
    result = rules.score_risk(target.answers)
    target.score, target.level = result.score, result.level


VALIDATORS: dict[str, Callable[[Any], None]] = {
    "location": _validate_location,
    "case": _validate_case,
    "person": _validate_person,
    "party": _validate_party,
    "incident": _validate_incident,
    "visit": lambda t: refuse(rules.not_in_future(t.visited_on, timezone.localdate(), "A visit", "visited_on")),
    "breach": _validate_breach,
    # Issued in the future is a decision not yet taken (issue 12 item 9); the other rules a
    # corrected date breaks are re-checked and reported as effects, as on issuing.
    "intervention": lambda t: refuse(rules.not_in_future(t.issued_on, timezone.localdate(), "An intervention",
                                                         "issued_on")),
    "task": _validate_task,
    "note": _required("text", "note_required", "Write the note."),
    "referral": _required("reason", "reason_required", "Say why you are referring."),
    "risk_assessment": _validate_risk,
}


# ---- Re-checking the rules that depend on what changed ----------------------------------------

def _no_effects(user: Any, target: Any, before: dict[str, Any], changed: list[str]) -> list[str]:
    return []


def _request(intervention: Intervention, date_of_birth: date | None) -> rules.InterventionRequest:
    return rules.InterventionRequest(
        kind=intervention.kind, issued_on=intervention.issued_on, conduct=intervention.conduct,
        person_id=intervention.person_id, date_of_birth=date_of_birth, written=intervention.written,
        expires_on=intervention.expires_on, amount=intervention.amount, premises=intervention.premises,
        relies_on=intervention.relies_on_id)


def _refusals(intervention: Intervention, date_of_birth: date | None) -> list[rules.Refusal]:
    earlier = Intervention.objects.filter(archived_on__isnull=True).exclude(pk=intervention.pk)
    earlier = earlier.filter(person_id=intervention.person_id) if intervention.person_id else earlier.filter(
        premises__iexact=intervention.premises)
    return rules.check_intervention(_request(intervention, date_of_birth), [e.as_earlier() for e in earlier],
                                    tools_and_powers_config())


def _compare(intervention: Intervention, old: list[rules.Refusal], new: list[rules.Refusal]) -> list[str]:
    """What a correction changed about one tool or power's rules, in words an officer can act on."""
    old_rules, effects = {r.rule for r in old}, []
    what = f"The {intervention.get_kind_display()} issued on {intervention.issued_on:%d %B %Y}"
    for refusal in new:
        if refusal.rule not in old_rules:
            effects.append(f"{what} would now be refused: {refusal.message} Review it with your supervisor.")
    new_rules = {r.rule for r in new}
    for refusal in old:
        if refusal.rule not in new_rules:
            effects.append(f"{what} now meets the rule it did not meet before ({refusal.rule.replace('_', ' ')}).")
    return effects


def _recheck_person(user: Any, person: Person, before: dict[str, Any], changed: list[str]) -> list[str]:
    """A corrected date of birth re-checks the age limits of every tool issued to the person."""
    if "date_of_birth" not in changed:
        return []
    effects = []
    for intervention in Intervention.objects.filter(person=person, archived_on__isnull=True).order_by("issued_on"):
        age_rules = ("community_protection_min_age", "civil_injunction_min_age", "cbo_min_age")
        old = [r for r in _refusals(intervention, before["date_of_birth"]) if r.rule in age_rules]
        new = [r for r in _refusals(intervention, person.date_of_birth) if r.rule in age_rules]
        effects += _compare(intervention, old, new)
    return effects


def _recheck_intervention(user: Any, intervention: Intervention, before: dict[str, Any],
                          changed: list[str]) -> list[str]:
    """A corrected tool or power is checked against the rules again (with its old values to compare)."""
    dob = intervention.person.date_of_birth if intervention.person_id else None
    new = _refusals(intervention, dob)
    old_values = Intervention(**{**{f.attname: getattr(intervention, f.attname) for f in Intervention._meta.concrete_fields},
                                 **{name: before[name] for name in changed}})
    old = _refusals(old_values, dob)
    effects = _compare(intervention, old, new)
    if "issued_on" in changed:
        for breach in intervention.breaches.filter(archived_on__isnull=True, occurred_on__lt=intervention.issued_on):
            effects.append(f"The breach recorded on {breach.occurred_on:%d %B %Y} is now before the "
                           f"{intervention.get_kind_display()} was issued: correct the breach's date.")
    return effects


def _recheck_incident(user: Any, incident: Incident, before: dict[str, Any], changed: list[str]) -> list[str]:
    if "occurred_at" not in changed:
        return []
    return [f"The incident is now dated {timezone.localtime(incident.occurred_at):%d %B %Y %H:%M} (it was "
            f"{timezone.localtime(before['occurred_at']):%d %B %Y %H:%M})."]


def _repeat_effects(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[str]:
    words = {"victims": "repeat victim", "subjects": "repeat subject", "location": "repeat location"}
    effects = []
    for key, word in words.items():
        if new[key] and not old[key]:
            effects.append(f"The case now has a {word} (3 or more incidents within a year).")
        elif old[key] and not new[key]:
            effects.append(f"The case no longer has a {word}.")
    return effects


def _recheck_risk(user: Any, assessment: RiskAssessment, before: dict[str, Any], changed: list[str]) -> list[str]:
    """Corrected answers re-score the assessment. Becoming high does what a new high assessment
    does (the lead agency's supervisors alerted, a Vulnerability Panel task created); no longer
    high leaves the panel task open (nothing is deleted) and says so."""
    old = rules.score_risk(risk_answers(before["answers"] or {}))
    new = rules.score_risk(assessment.answers)
    effects = []
    if (old.level, old.score) != (new.level, new.score):
        effects.append(f"The risk is now {new.level} (score {new.score}); it was {old.level} (score {old.score}).")
    if new.level == rules.HIGH and old.level != rules.HIGH:
        _alert_supervisors(user, assessment.case, new)
        effects.append("Risk now high: a Vulnerability Panel task was created for the supervisor.")
    elif old.level == rules.HIGH and new.level != rules.HIGH:
        effects.append("Risk no longer high: the open panel task remains; close it if no longer needed.")
    if new.unanswered:
        effects.append(f"{len(new.unanswered)} question{'s' if len(new.unanswered) != 1 else ''} not answered, so "
                       "the score may be too low.")
    return effects


def _recheck_task(user: Any, task: Task, before: dict[str, Any], changed: list[str]) -> list[str]:
    """A task handed over (its owner corrected) goes into the new owner's inbox, as a new task does."""
    from . import notices

    if "owner" not in changed or task.owner_id is None:
        return []
    notices.task_assigned(task)
    return [f"The task is now in {task.owner.get_full_name() or task.owner.username}'s inbox."]


RECHECKS: dict[str, Callable[[Any, Any, dict[str, Any], list[str]], list[str]]] = {
    "task": _recheck_task,
    "person": _recheck_person,
    "intervention": _recheck_intervention,
    "incident": _recheck_incident,
    "risk_assessment": _recheck_risk,
}


def correct_record(user: Any, kind: str, record_id: object, changes: Mapping[str, Any], *, reason: str,
                   expected_version: int | None = None, case_id: object | None = None,
                   channel: str = Channel.WEB) -> Correction:
    """Read the record through access (on case ``case_id`` when given) and correct it (the API's way in)."""
    target = load(user, kind, record_id, case=case_id, channel=channel, purpose=f"correct {kind}")  # type: ignore[arg-type]
    return correct(user, kind, target, changes, reason=reason, expected_version=expected_version, channel=channel)


def risk_assessment(user: Any, assessment_id: object, *, channel: str = Channel.WEB) -> RiskAssessment:
    """One victim risk assessment, read through access (audited) by those who may correct it:
    the officers and supervisors working its case (NotFoundError, audited, otherwise)."""
    found: RiskAssessment = load(user, "risk_assessment", assessment_id, channel=channel,
                                 purpose="risk assessment")
    return found


def party(user: Any, case_id: object, party_id: object, *, channel: str = Channel.WEB) -> CaseParty:
    """A person's role on case ``case_id``, read through access (audited, with the person it
    names) by the officers and supervisors who see the case (NotFoundError, audited, otherwise)."""
    found: CaseParty = load(user, "party", party_id, case=case_id, channel=channel,  # type: ignore[arg-type]
                            purpose="party")
    reads.shown(user, "person", [found.person], purpose=f"party {found.pk}", channel=channel)
    return found


def correct_risk_answers(user: Any, assessment_id: object, answers: Mapping[str, bool | None], *, reason: str,
                         expected_version: int | None = None, channel: str = Channel.WEB) -> Correction:
    """Correct some answers of a risk assessment (the API's PATCH): each question sent takes its
    new answer (True yes, False no, None "not answered"); a question not sent keeps its answer.
    The whole set is then corrected as the page corrects it (``correct``): re-scored, a move to
    high alerts the supervisors and creates the panel task, a stale version is refused.

    Examples:
        >>> correct_risk_answers(officer, 7, {"fear": None}, reason="Not asked after all")  # doctest: +SKIP
    """
    risk_answers(answers)  # an unknown question or answer is refused by name before anything is read
    target = load(user, "risk_assessment", assessment_id, channel=channel, purpose="correct risk_assessment")
    merged = {**risk_answers(target.answers or {}), **answers}
    return correct(user, "risk_assessment", target, {"answers": merged}, reason=reason,
                   expected_version=expected_version, channel=channel)


def correct_task(user: Any, task_id: object, changes: Mapping[str, Any], *, case_id: object, reason: str,
                 expected_version: int | None = None, channel: str = Channel.WEB) -> Correction:
    """Correct a task on case ``case_id`` (the API's PATCH), its owner named by username: the
    owner must be one the page offers, an officer or supervisor of an agency on the case
    (``services.task_owners``, as when the task is set). An unknown username and one not
    allowed get the same refusal on ``owner``, so the API reveals no usernames; who may correct
    the task is checked first.

    Examples:
        >>> correct_task(officer, 4, {"owner": "pat.supervisor"}, case_id=2, reason="Handed over")  # doctest: +SKIP
    """
    target: Task = load(user, "task", task_id, case=case_id, channel=channel, purpose="correct task")  # type: ignore[arg-type]
    require_correct(user, "task", target)
    changes = dict(changes)
    if "owner" in changes:
        changes["owner"] = _task_owner(target.case, changes["owner"])
    return correct(user, "task", target, changes, reason=reason, expected_version=expected_version, channel=channel)
