"""Reads of records, filtered by :mod:`.policy` and audited in the same call.

A single record: ``reads.case(user, pk, purpose="case page")`` returns the case and writes a
"viewed" entry, or raises NotFoundError (as if it did not exist) and writes a coalesced
"refused" entry. A list: ``reads.cases(user, purpose="case list")`` returns a queryset that
may be filtered, ordered and paginated further; when it is evaluated it writes one "listed"
entry naming, by id, exactly the records it returned. Entries hold ids and the purpose, never
names or search terms.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable

from csphub.audit.services import Action, Channel, record, record_list, record_refused
from csphub.core.plans import planned
from csphub.errors import NotFoundError, PermissionRefused

from . import policy


class AuditedQuerySet(QuerySet):
    """A queryset that writes one "listed" audit entry, naming the ids it returned, the first
    time it is evaluated (iteration, ``list()``, a page of a Paginator, ``first()``)."""

    _audit: dict[str, Any] | None = None

    def _clone(self) -> AuditedQuerySet:
        clone = super()._clone()
        clone._audit = dict(self._audit) if self._audit else None
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._audit is not None:
            if issubclass(self._iterable_class, ModelIterable):
                ids = [obj.pk for obj in self._result_cache or []]
            elif issubclass(self._iterable_class, ValuesIterable) and "id" in (self._fields or ()):
                ids = [row["id"] for row in self._result_cache or []]  # .values("id", ...): rows as dicts
            else:
                raise TypeError("An audited read returns records, or .values() with their id; "
                                "use access.policy for ids or other values.")
            a = self._audit
            record_list(a["user"], a["object_type"], ids, channel=a["channel"], purpose=a["purpose"])


def audited(queryset: QuerySet[Any], user: Any, object_type: str, *, purpose: str,
            channel: str = Channel.WEB) -> AuditedQuerySet:
    """``queryset`` as an AuditedQuerySet (for lists a service builds from a policy filter)."""
    clone = AuditedQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset._db,
                            hints=queryset._hints)
    clone._audit = {"user": user, "object_type": object_type, "purpose": purpose, "channel": channel}
    return clone


def one(queryset: QuerySet[Any], user: Any, object_type: str, pk: object, *, purpose: str,
        channel: str = Channel.WEB, label: str | None = None, plan: Hashable | None = None) -> Any:
    """The record ``pk`` of ``queryset`` (a policy filter), audited as viewed; if it is not
    there, a coalesced refused entry and NotFoundError, as for a record that does not exist.
    With ``plan`` (a key naming the scope and the joins of ``queryset``: csphub.core.plans),
    the read's SQL is compiled once per process for that key."""
    valid = _valid_pk(pk)
    if valid and plan is not None:
        found = next(iter(planned(plan, lambda i: queryset.filter(pk=i).order_by("pk")[:1], int(str(pk)))), None)
    else:
        found = queryset.filter(pk=pk).first() if valid else None
    if found is None:
        # Something that is not an id (typed into an address) is audited as such: the entry holds
        # ids, never what was typed, and a long or NUL-bearing value would not fit the column.
        record_refused(user, object_type, pk if valid else NOT_AN_ID, channel=channel, purpose=purpose)
        raise NotFoundError(f"No {label or object_type.replace('_', ' ')} {pk if valid else 'with that id'}.")
    record(user, Action.VIEWED, object_type, found.pk, channel=channel, purpose=purpose)
    if object_type == "case":  # read through the user's scope: can_view_case need not ask again
        setattr(found, policy.SEEN_BY, policy.seen_by(user, found))
    return found


def shown(user: Any, object_type: str, records: Iterable[Model], *, purpose: str,
          channel: str = Channel.WEB) -> list[Any]:
    """Audit records already in hand that a page or answer is about to show (e.g. the people on
    a case page); returns them as a list."""
    found = list(records)
    if found:
        record_list(user, object_type, [r.pk for r in found], channel=channel, purpose=purpose)
    return found


def shown_ids(user: Any, object_type: str, ids: Iterable[int], *, purpose: str, channel: str = Channel.WEB) -> None:
    """Audit, by id, records an answer is about to show that were read as values (e.g. the
    people named in an API list's parties)."""
    found = list(dict.fromkeys(ids))
    if found:
        record_list(user, object_type, found, channel=channel, purpose=purpose)


NOT_AN_ID = "(not an id)"


def _valid_pk(pk: object) -> bool:
    try:
        return 0 < int(str(pk)) < 2**63
    except ValueError:
        return False


def _reader(object_type: str, scope: Callable[[Any], QuerySet[Any]], label: str | None = None
            ) -> tuple[Callable[..., Any], Callable[..., AuditedQuerySet]]:
    def single(user: Any, pk: object, *, purpose: str, channel: str = Channel.WEB) -> Any:
        return one(scope(user), user, object_type, pk, purpose=purpose, channel=channel, label=label)

    def many(user: Any, *, purpose: str, channel: str = Channel.WEB) -> AuditedQuerySet:
        return audited(scope(user), user, object_type, purpose=purpose, channel=channel)

    single.__doc__ = f"One {object_type} the user may see, audited as viewed (NotFoundError otherwise)."
    many.__doc__ = f"The {object_type} records the user may see; evaluating it audits the ids shown."
    return single, many


# ---- Reads of one case's records, compiled once (csphub.core.plans) ------------------------

#: What each kind of record on a case is read through (the scope the user may see).
_ON_CASE: dict[str, tuple[Callable[[Any], QuerySet[Any]], str]] = {
    "party": (policy.parties, "case_id"), "incident": (policy.incidents, "case_id"),
    "note": (policy.notes, "case_id"), "visit": (policy.visits, "case_id"),
    "intervention": (policy.interventions, "case_id"), "attachment": (policy.attachments, "case_id"),
    "task": (policy.tasks, "case_id"), "risk_assessment": (policy.risk_assessments, "case_id"),
    "referral": (policy.case_referrals, "case_id"),
    "group": (policy.groups, "members__case_roles__case_id"),  # the groups its people are in
}


def of_case(object_type: str, user: Any, case: Model, *, purpose: str, related: tuple[str, ...] = (),
            prefetch: tuple[str, ...] = (), channel: str = Channel.WEB) -> list[Any]:
    """The ``object_type`` records on ``case`` the user may see, with ``related`` joined and
    ``prefetch`` read after, audited as listed: ``many(user).filter(case=case)``, but its SQL
    compiled once per process for the user's scope (their agency and role) and these joins."""
    scope, via = _ON_CASE[object_type]

    def build(case_id: int) -> QuerySet[Any]:
        found = scope(user).filter(**{via: case_id})
        found = found.select_related(*related) if related else found
        return found.distinct() if "__" in via else found

    found = planned(("of case", object_type, policy.scope_key(user), related), build, case.pk)
    return list(audited(found, user, object_type, purpose=purpose, channel=channel).prefetch_related(*prefetch))


case, cases = _reader("case", policy.cases)
person, people = _reader("person", policy.people)
party, parties = _reader("party", policy.parties)
incident, incidents = _reader("incident", policy.incidents)
note, notes = _reader("note", policy.notes)
visit, visits = _reader("visit", policy.visits)
intervention, interventions = _reader("intervention", policy.interventions, "tool or power")
attachment, attachments = _reader("attachment", policy.attachments)
task, tasks = _reader("task", policy.tasks)
risk_assessment, risk_assessments = _reader("risk_assessment", policy.risk_assessments, "risk assessment")
group, groups = _reader("group", policy.groups)
alert, alerts = _reader("alert", policy.alerts)
referral, referrals = _reader("referral", policy.case_referrals)
_, referrals_received = _reader("referral", policy.referrals_received)
panel, panels = _reader("panel", policy.panels)
panel_referral, panel_referrals = _reader("panel_referral", policy.panel_referrals, "panel referral")
panel_meeting, panel_meetings = _reader("panel_meeting", policy.panel_meetings, "panel meeting")
panel_action, panel_actions = _reader("panel_action", policy.panel_actions, "panel action")
cohort, cohorts = _reader("cohort", policy.cohorts)
case_review, case_reviews = _reader("case_review", policy.case_reviews, "case review application")
case_review_recommendation, case_review_recommendations = _reader(
    "case_review_recommendation", policy.case_review_recommendations, "recommendation")
person_match, person_matches = _reader("person_match", policy.person_matches, "match")
person_merge, person_merges = _reader("person_merge", policy.person_merges, "merge")
audit_entry, audit_entries = _reader("audit_entry", policy.audit_entries, "audit entry")
user, users = _reader("user", policy.managed_users)
agency, agencies = _reader("agency", policy.agencies_managed)
api_token, api_tokens = _reader("api_token", policy.api_tokens, "API token")
# ---- Daily Dial In ----
dialin_entry, dialin_entries = _reader("dialin_entry", policy.dialin_entries, "dial-in entry")
_, own_dialin_entries = _reader("dialin_entry", policy.own_dialin_entries, "dial-in entry")
_, dialin_entry_people = _reader("dialin_person", policy.dialin_entry_people)
dialin_decision, dialin_decisions = _reader("dialin_decision", policy.dialin_decisions, "decision")
operation, operations = _reader("operation", policy.operations)
place_initiative, place_initiatives = _reader("place_initiative", policy.place_initiatives, "initiative")
# ---- end Daily Dial In ----

location, locations = _reader("location", policy.locations)  # issue 12: find, chronology


def audit_log(user: Any, *, username: str | None = None, object_type: str | None = None, purpose: str,
              channel: str = Channel.WEB) -> AuditedQuerySet:
    """The audit log for a partnership admin, newest first; reading it is itself audited (by the
    ids of the entries shown). Refused (PermissionRefused) for every other role."""
    if not policy.can_view_audit(user):
        raise PermissionRefused("The audit log is for partnership admins.")
    found = audit_entries(user, purpose=purpose, channel=channel)
    if username:
        found = found.filter(username=username)
    if object_type:
        found = found.filter(object_type=object_type)
    return found

# ---- CCTV ----
camera, cameras = _reader("camera", policy.cameras)
camera_fault, camera_faults = _reader("camera_fault", policy.camera_faults, "fault")
camera_deployment, camera_deployments = _reader("camera_deployment", policy.camera_deployments, "deployment")
camera_review, camera_reviews = _reader("camera_review", policy.camera_reviews, "review")
camera_dpia, camera_dpias = _reader("camera_dpia", policy.camera_dpias, "DPIA")
footage_request, footage_requests = _reader("footage_request", policy.footage_requests, "footage request")

# ---- Governance ----
plan, plans = _reader("plan", policy.plans)
plan_action, plan_actions = _reader("plan_action", policy.plan_actions, "action")
board, boards = _reader("board", policy.boards)
board_meeting, board_meetings = _reader("board_meeting", policy.board_meetings, "meeting")
decision, decisions = _reader("decision", policy.decisions)
grant, grants = _reader("grant", policy.grants)
event, events = _reader("event", policy.events)
outreach_session, outreach_sessions = _reader("outreach_session", policy.outreach_sessions, "outreach session")
governance_paper, governance_papers = _reader("governance_paper", policy.governance_papers, "paper")
plan_priority, _ = _reader("plan_priority", policy.plan_priorities, "priority")
calendar_item, calendar_items = _reader("calendar_item", policy.calendar_items, "calendar item")
_, archived_plans = _reader("plan", policy.archived_plans)
_, archived_boards = _reader("board", policy.archived_boards)
_, archived_grants = _reader("grant", policy.archived_grants)
_, archived_events = _reader("event", policy.archived_events)
_, archived_meetings = _reader("board_meeting", policy.archived_meetings, "meeting")
_, archived_decisions = _reader("decision", policy.archived_decisions)
# ---- end Governance ----

# ---- Encampments ----
encampment_site, encampment_sites = _reader("encampment_site", policy.encampment_sites, "site")
incursion, incursions = _reader("incursion", policy.incursions)
legal_step, legal_steps = _reader("legal_step", policy.legal_steps, "legal step")
tent_case, tent_cases = _reader("tent_case", policy.tent_cases, "tents record")

# ---- PSPOs ----
pspo_order, pspo_orders = _reader("pspo_order", policy.pspo_orders, "order")
pspo_document, pspo_documents = _reader("pspo_document", policy.pspo_documents, "order document")
pspo_enforcement, pspo_enforcements = _reader("pspo_enforcement", policy.pspo_enforcement, "enforcement record")

# ---- Inbox (issue 12, item 3) ----
inbox_item, inbox_items = _reader("inbox_item", policy.inbox_items, "inbox item")
