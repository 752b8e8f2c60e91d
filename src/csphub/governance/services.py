"""Governance services: reading through csphub.access (audited), quarterly updates with their
RAG, plans and their actions, boards, meetings and the agenda, decisions and actions arising,
the calendar, grants and their returns, events, anonymous outreach.

Who may do what is decided in csphub.access.policy (the ``Governance`` block); every change is
audited by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from csphub.access import policy, reads
from csphub.accounts.models import Agency
from csphub.audit.services import Action as Audit
from csphub.audit.services import Channel, record
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import rules
from .models import (
    Action,
    AgendaItem,
    AttendeeToken,
    Board,
    CalendarItem,
    Decision,
    Event,
    Grant,
    Meeting,
    MeetingAction,
    OutreachOutcome,
    OutreachProgramme,
    OutreachSession,
    Paper,
    Plan,
    Priority,
    QuarterlyUpdate,
    StandingItem,
    Workstream,
    WorkstreamReturn,
)

# ---- Permissions -----------------------------------------------------------------------------


def require_reader(user: Any) -> None:
    if not policy.reads_governance(user):
        raise PermissionRefused("Governance records are for signed-in partner users.")


def require_manager(user: Any) -> None:
    if not policy.can_manage_governance(user):
        raise PermissionRefused("Plans, boards, meetings and grants are managed by supervisors and partnership admins.")


def require_recorder(user: Any) -> None:
    if not policy.can_record_engagement(user):
        raise PermissionRefused("Events and outreach sessions are recorded by officers, supervisors and partnership admins.")


def require_action_update(user: Any, action: Action) -> None:
    if not policy.can_update_action(user, action):
        raise PermissionRefused(f"Only officers and supervisors of the lead agency ({action.led_by}) or a partnership "
                                "admin record this action's updates.")


# ---- Plans and actions -------------------------------------------------------------------------


def plan_list(user: Any, *, channel: str = Channel.WEB) -> list[Plan]:
    require_reader(user)
    return list(reads.plans(user, purpose="plan list", channel=channel))


def latest_updates(actions: Iterable[Action], before: date | None = None) -> dict[int, QuarterlyUpdate]:
    """Each action's newest quarterly update (from prefetched ``updates``); with ``before``, the
    newest for a quarter that ended before that day."""
    found: dict[int, QuarterlyUpdate] = {}
    for action in actions:
        updates = sorted((u for u in action.updates.all() if before is None or u.period.end < before),
                         key=lambda u: (u.year, u.quarter), reverse=True)
        if updates:
            found[action.pk] = updates[0]
    return found


def _actions_of(plan: Plan | Sequence[Plan]) -> QuerySet[Action]:
    plans = [plan] if isinstance(plan, Plan) else list(plan)
    return (Action.objects.filter(priority__plan__in=plans, archived_on__isnull=True)
            .select_related("priority", "led_by", "lead_officer")
            .prefetch_related("partners", Prefetch("updates", QuarterlyUpdate.objects.filter(archived_on__isnull=True))))


@dataclass
class PlanView:
    plan: Plan
    priorities: list[dict[str, Any]]
    rag_counts: dict[str, int]


def plan_window(user: Any, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the plans, each as its PlanView (actions audited per plan)."""
    require_reader(user)
    found = take(reads.plans(user, purpose="api plan list", channel=channel), window)
    actions = reads.shown(user, "plan_action", _actions_of(found.rows), purpose="api plan list", channel=channel)
    priorities = list(Priority.objects.filter(plan__in=found.rows, archived_on__isnull=True))
    return replace(found, rows=[_plan_view(p, [a for a in actions if a.priority.plan_id == p.pk],
                                           [x for x in priorities if x.plan_id == p.pk]) for p in found.rows])


def decision_window(user: Any, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the decisions and recommendations register, newest meeting first."""
    require_reader(user)
    return take(reads.decisions(user, purpose="api decisions register", channel=channel)
                .select_related("meeting__board"), window)


def plan_view(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "plan page") -> PlanView:
    """The plan, its priorities and actions with each action's latest update and RAG."""
    plan = reads.plan(user, pk, purpose=purpose, channel=channel)
    actions = list(_actions_of(plan))
    reads.shown(user, "plan_action", actions, purpose=f"plan {plan.pk}", channel=channel)
    return _plan_view(plan, actions)


def _plan_view(plan: Plan, actions: list[Action], of_plan: list[Priority] | None = None) -> PlanView:
    latest = latest_updates(actions)
    counts = {rules.RED: 0, rules.AMBER: 0, rules.GREEN: 0, "none": 0}
    priorities = []
    for priority in plan.priorities.filter(archived_on__isnull=True) if of_plan is None else of_plan:
        rows = [{"action": a, "update": latest.get(a.pk)} for a in actions if a.priority_id == priority.pk]
        for row in rows:
            counts[row["update"].rag if row["update"] else "none"] += 1
        priorities.append({"priority": priority, "rows": rows})
    return PlanView(plan, priorities, counts)


def action_view(user: Any, pk: object, *, channel: str = Channel.WEB) -> tuple[Action, list[QuarterlyUpdate]]:
    action = reads.plan_action(user, pk, purpose="action page", channel=channel)
    return action, list(action.updates.filter(archived_on__isnull=True).order_by("-year", "-quarter"))


def automatic_rag(action: Action, quarter: rules.Quarter, achieved: Decimal | None, milestone_met: bool,
                  rule: rules.RagRule = rules.DEFAULT_RULE) -> rules.Rag:
    target = None if action.measure == Action.Measure.MILESTONE else action.target
    return rules.rag_for(rules.RagInput(target=target, achieved=achieved, starts_on=action.starts_on,
                                        due_on=action.due_on, as_of=quarter.end, milestone_met=milestone_met), rule)


@transaction.atomic
def record_update(user: Any, action: Action, *, quarter: rules.Quarter, narrative: str,
                  achieved: Decimal | None = None, milestone_met: bool = False, rag_override: str = "",
                  override_reason: str = "", expected_version: int | None = None,
                  channel: str = Channel.WEB) -> QuarterlyUpdate:
    """Record (or correct) the action's update for ``quarter``. The RAG comes from the rule
    (rules.rag_for); the lead may set another with a reason, which is kept beside the rule's.
    ``user`` None is the system (a CLI import)."""
    if user is not None:
        require_action_update(user, action)
    if rag_override and not override_reason.strip():
        raise RuleRefused("override_needs_reason", "Say why the RAG differs from the rule's.", "override_reason")
    if rag_override and rag_override not in (rules.GREEN, rules.AMBER, rules.RED):
        raise RuleRefused("bad_rag", f"RAG is green, amber or red, not {rag_override!r}.", "rag_override")
    if action.measure == Action.Measure.NUMBER and achieved is not None and achieved < 0:
        raise RuleRefused("negative_value", "The value achieved cannot be below zero.", "achieved")
    lock(action)  # two leads saving the same quarter at once: one waits, then corrects the other's
    rag = automatic_rag(action, quarter, achieved, milestone_met)
    update = QuarterlyUpdate.objects.filter(action=action, year=quarter.year, quarter=quarter.number).first()
    if update is None:
        update = QuarterlyUpdate(action=action, year=quarter.year, quarter=quarter.number)
    else:
        lock(update)
        update.check_version(expected_version)
    update.narrative, update.achieved, update.milestone_met = narrative, achieved, milestone_met
    update.automatic_rag, update.automatic_reason = rag.status, rag.reason[:300]
    update.rag_override, update.override_reason = rag_override, override_reason.strip() if rag_override else ""
    created = update._state.adding
    update.save_by(user)
    record(user, Audit.CREATED if created else Audit.CHANGED, "quarterly_update", update.pk, channel=channel,
           summary=f"action {action.pk} {quarter.label} rag {update.rag}")
    return update


def _plan_rules(name: str, starts_on: date, ends_on: date, *, other_than: int | None = None) -> None:
    if ends_on < starts_on:
        raise RuleRefused("plan_ends_before_start", "The plan ends before it starts.", "ends_on")
    if Plan.objects.filter(name__iexact=name.strip()).exclude(pk=other_than).exists():
        raise RuleRefused("plan_exists", f"There is already a plan called {name.strip()}.", "name")


@transaction.atomic
def create_plan(user: Any, *, name: str, starts_on: date, ends_on: date, kind: str = Plan.Kind.COMMUNITY_SAFETY,
                aligned_to: str = "", refreshed_on: date | None = None, priorities: Sequence[str] = (),
                channel: str = Channel.WEB) -> Plan:
    """A plan, with its priorities' titles in order (the first is priority 1)."""
    if user is not None:
        require_manager(user)
    _plan_rules(name, starts_on, ends_on)
    plan = Plan(name=name.strip(), starts_on=starts_on, ends_on=ends_on, kind=kind, aligned_to=aligned_to,
                refreshed_on=refreshed_on)
    plan.save_by(user)
    _set_priorities(user, plan, priorities)
    record(user, Audit.CREATED, "plan", plan.pk, channel=channel,
           summary=f"{len(priorities)} priorities" if priorities else "")
    return plan


PLAN_FIELDS = ("name", "kind", "starts_on", "ends_on", "aligned_to", "refreshed_on")


def _set_fields(row: Any, values: dict[str, Any], allowed: Sequence[str]) -> list[str]:
    """Set ``values`` on ``row`` (only the ``allowed`` fields); the names of those that changed."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"not a field of {type(row).__name__}: {', '.join(sorted(unknown))}")
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key, value in values.items():
        setattr(row, key, value)
    return changed


def _set_priorities(user: Any, plan: Plan, titles: Sequence[str]) -> list[str]:
    """Make the plan's priorities ``titles``, in order: line n is priority n (renamed if it
    exists, made if not). A priority past the last line is taken out of the plan, refused while
    it still has actions. What changed, for the audit."""
    existing = {p.number: p for p in Priority.objects.filter(plan=plan)}
    changed = []
    for number, title in enumerate(titles, start=1):
        found = existing.get(number)
        if found is None:
            Priority(plan=plan, number=number, title=title).save_by(user)
            changed.append(f"priority {number} added")
        elif found.title != title or found.archived_on is not None:
            found.title, found.archived_on, found.archived_by, found.archived_reason = title, None, None, ""
            found.save_by(user)
            changed.append(f"priority {number} renamed")
    for number, found in sorted(existing.items()):
        if number > len(titles) and found.archived_on is None:
            if found.actions.filter(archived_on__isnull=True).exists():
                raise RuleRefused("priority_has_actions", f"Priority {number} ({found.title}) still has actions: "
                                  "take them out of the plan first, or keep the priority's line.", "priorities")
            found.archive(user, "Removed from the plan's priorities")
            changed.append(f"priority {number} removed")
    return changed


@transaction.atomic
def change_plan(user: Any, plan: Plan, *, expected_version: int | None = None, priorities: Sequence[str] | None = None,
                channel: str = Channel.WEB, **values: Any) -> Plan:
    """Change a plan's name, kind, dates or what it is aligned to, and its priorities (see
    _set_priorities). Refused (StaleEdit) if the plan changed since the form was opened."""
    require_manager(user)
    lock(plan)
    plan.check_version(expected_version)
    _plan_rules(values.get("name", plan.name), values.get("starts_on", plan.starts_on),
                values.get("ends_on", plan.ends_on), other_than=plan.pk)
    changed = _set_fields(plan, values, PLAN_FIELDS)
    plan.save_by(user)
    if priorities is not None:
        changed += _set_priorities(user, plan, priorities)
    record(user, Audit.CHANGED, "plan", plan.pk, channel=channel, summary=", ".join(changed)[:300])
    return plan


def plan_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> tuple[Plan, list[Priority]]:
    """The plan (audited as viewed) and its priorities, for a manager about to change them."""
    plan = reads.plan(user, pk, purpose="plan change", channel=channel)
    require_manager(user)
    return plan, list(plan.priorities.filter(archived_on__isnull=True))


def priority_of(user: Any, plan: Plan, number: int, title: str = "") -> Priority:
    """The plan's priority ``number``, made if new ("Priority 3" until it is given a title); a
    title given renames it, a blank one leaves it as it is."""
    found = Priority.objects.filter(plan=plan, number=number).first()
    if found is None:
        found = Priority(plan=plan, number=number, title=title or f"Priority {number}")
        found.save_by(user)
    elif title and found.title != title:
        found.title = title
        found.save_by(user)
    return found


def add_action(user: Any, priority: Priority, *, reference: str, objective: str, title: str, theme: str,
               led_by: Agency, lead_officer: Any = None, partners: Sequence[Agency] = (), done_so_far: str = "",
               baseline: str = "", target: Decimal | None = None, unit: str = "", milestone: str = "",
               starts_on: date | None = None, due_on: date | None = None, channel: str = Channel.WEB) -> Action:
    """Add an action, or change the one with this reference in the plan (an import run again)."""
    action = Action.objects.filter(priority__plan=priority.plan, reference=reference).first() or Action()
    created = action._state.adding
    action.priority, action.reference, action.objective, action.title = priority, reference, objective, title
    action.theme, action.led_by, action.lead_officer, action.done_so_far = theme, led_by, lead_officer, done_so_far
    action.baseline, action.target, action.unit, action.milestone = baseline, target, unit, milestone
    action.measure = Action.Measure.NUMBER if target is not None else Action.Measure.MILESTONE
    action.starts_on, action.due_on = starts_on, due_on
    action.save_by(user)
    action.partners.set(partners)
    record(user, Audit.CREATED if created else Audit.CHANGED, "plan_action", action.pk, channel=channel)
    return action


ACTION_FIELDS = ("objective", "title", "done_so_far", "theme", "led_by", "baseline", "target", "unit", "milestone",
                 "starts_on", "due_on")


@transaction.atomic
def change_action(user: Any, action: Action, *, expected_version: int | None = None, partners: Sequence[Agency] | None = None,
                  channel: str = Channel.WEB, **values: Any) -> Action:
    """Change an action's wording, lead, measure or dates (a manager). Updates already recorded
    keep the RAG they were given; the next one is judged against the new target and dates."""
    require_manager(user)
    lock(action)
    action.check_version(expected_version)
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"not an action field: {', '.join(sorted(unknown))}")
    if values.get("starts_on") and values.get("due_on") and values["due_on"] < values["starts_on"]:
        raise RuleRefused("due_before_start", "The action is due before it starts.", "due_on")
    changed = [k for k, v in values.items() if getattr(action, k) != v]
    for key, value in values.items():
        setattr(action, key, value)
    action.measure = Action.Measure.NUMBER if action.target is not None else Action.Measure.MILESTONE
    action.save_by(user)
    if partners is not None:
        action.partners.set(partners)
    record(user, Audit.CHANGED, "plan_action", action.pk, channel=channel, summary=", ".join(changed)[:300])
    return action


@transaction.atomic
def archive_action(user: Any, action: Action, reason: str, *, channel: str = Channel.WEB) -> Action:
    """Take an action out of the plan, saying why (it is kept, with its updates)."""
    require_manager(user)
    lock(action)
    try:
        action.archive(user, reason)
    except ValueError as e:
        raise RuleRefused("archive_reason", str(e), "reason") from e
    record(user, Audit.ARCHIVED, "plan_action", action.pk, channel=channel)
    return action


def priority_record(user: Any, pk: object, *, channel: str = Channel.API) -> Priority:
    """A priority of a current plan (audited as viewed), e.g. to learn its version."""
    return reads.plan_priority(user, pk, purpose="priority", channel=channel)


def priority_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Priority:
    """A priority (audited as viewed) for a manager about to change its aim."""
    priority = reads.plan_priority(user, pk, purpose="priority change", channel=channel)
    require_manager(user)
    return priority


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise RuleRefused("reason_needed", "Say why the change is made.", "reason")
    return reason.strip()


def change_priority_aim(user: Any, priority: Priority, *, aim: str, reason: str, expected_version: int | None = None,
                        channel: str = Channel.WEB) -> Priority:
    """Change what a priority sets out to do, saying why (the reason is kept on its history
    row). Refused (StaleEdit) if the priority changed since the form was opened."""
    require_manager(user)
    lock(priority)
    priority.check_version(expected_version)
    why = _reason(reason)
    priority.aim = aim.strip()
    priority._change_reason = why[:100]  # django-simple-history keeps it on the history row
    priority.save_by(user)
    record(user, Audit.CHANGED, "plan_priority", priority.pk, channel=channel, summary="aim")
    return priority


#: What may be archived from its page, by kind: (the reader, who may, the audit's object type).
ARCHIVABLE = {"plan": (reads.plan, require_manager), "board": (reads.board, require_manager),
              "board_meeting": (reads.board_meeting, require_manager), "decision": (reads.decision, require_manager),
              "grant": (reads.grant, require_manager), "event": (reads.event, require_recorder)}


def record_to_archive(user: Any, kind: str, pk: object, *, channel: str = Channel.WEB) -> Any:
    """The plan, board, meeting, decision, grant or event (audited as viewed) for someone about
    to archive it."""
    reader, may = ARCHIVABLE[kind]
    found = reader(user, pk, purpose=f"{kind} archive", channel=channel)
    may(user)
    return found


def archive_record(user: Any, kind: str, record_: Any, reason: str, *, expected_version: int | None = None,
                   channel: str = Channel.WEB) -> Any:
    """Archive a plan, board, meeting, decision, grant or event with a reason: it is kept, with
    its history, and listed among the archived records (never deleted). A meeting archived takes
    its decisions out of the register and its actions arising out of the reminders. A stale
    form is refused (StaleEdit)."""
    ARCHIVABLE[kind][1](user)
    lock(record_)
    record_.check_version(expected_version)
    try:
        record_.archive(user, reason)
    except ValueError as e:
        raise RuleRefused("archive_reason", str(e), "reason") from e
    record(user, Audit.ARCHIVED, kind, record_.pk, channel=channel)
    return record_


def archived_records(user: Any, *, channel: str = Channel.WEB) -> dict[str, list[Any]]:
    """The archived plans, boards, meetings, decisions, grants and events (each list audited by
    id), newest first."""
    require_manager(user)
    purpose = "archived records"
    return {"plans": list(reads.archived_plans(user, purpose=purpose, channel=channel)),
            "boards": list(reads.archived_boards(user, purpose=purpose, channel=channel)),
            "meetings": list(reads.archived_meetings(user, purpose=purpose, channel=channel).select_related("board")),
            "decisions": list(reads.archived_decisions(user, purpose=purpose, channel=channel)
                              .select_related("meeting__board")),
            "grants": list(reads.archived_grants(user, purpose=purpose, channel=channel)),
            "events": list(reads.archived_events(user, purpose=purpose, channel=channel))}


# ---- Boards, meetings, the agenda --------------------------------------------------------------


def board_list(user: Any, *, channel: str = Channel.WEB) -> list[Board]:
    require_reader(user)
    return list(reads.boards(user, purpose="board list", channel=channel).prefetch_related("standing_items"))


def board_view(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    board = reads.board(user, pk, purpose="board page", channel=channel)
    meetings = list(reads.board_meetings(user, purpose=f"board {board.pk} meetings", channel=channel)
                    .filter(board=board))
    return {"board": board, "meetings": meetings, "standing_items": list(board.standing_items.all()),
            "members": list(board.member_agencies.all()), "calendar": calendar_rows(board.calendar.filter(archived_on__isnull=True))}


def meeting_view(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    meeting = reads.board_meeting(user, pk, purpose="meeting page", channel=channel)
    decisions = list(reads.decisions(user, purpose=f"meeting {meeting.pk} decisions", channel=channel)
                     .filter(meeting=meeting))
    papers = list(reads.governance_papers(user, purpose=f"meeting {meeting.pk} papers", channel=channel)
                  .filter(meeting=meeting))
    return {"meeting": meeting, "agenda": list(meeting.agenda.all()), "decisions": decisions, "papers": papers,
            "actions": list(meeting.actions_arising.filter(archived_on__isnull=True).select_related("owner", "owner_agency")),
            "attending": list(meeting.attending_agencies.all())}


def _board_rules(name: str, short_name: str, *, other_than: int | None = None) -> None:
    others = Board.objects.exclude(pk=other_than)
    if others.filter(short_name__iexact=short_name).exists() or others.filter(name__iexact=name).exists():
        raise RuleRefused("board_exists", f"There is already a board called {name} or {short_name}.", "short_name")


def _set_standing_items(board: Board, items: Sequence[tuple[str, str]]) -> bool:
    """Make the board's standing items ``items`` (title, topic), in agenda order; whether they
    changed. Agendas already built keep their own copies."""
    if [(s.title, s.topic) for s in board.standing_items.all()] == list(items):
        return False
    board.standing_items.all().delete()
    StandingItem.objects.bulk_create([StandingItem(board=board, order=order, title=title, topic=topic)
                                      for order, (title, topic) in enumerate(items, start=1)])
    return True


@transaction.atomic
def create_board(user: Any, *, name: str, short_name: str, frequency: str = Board.Frequency.QUARTERLY,
                 chair_role: str = "", terms_of_reference: str = "", members: Sequence[Agency] = (),
                 standing_items: Sequence[tuple[str, str]] = (), channel: str = Channel.WEB) -> Board:
    """A board with its members (agencies) and standing items as (title, topic) pairs."""
    if user is not None:
        require_manager(user)
    _board_rules(name, short_name)
    board = Board(name=name, short_name=short_name, frequency=frequency, chair_role=chair_role,
                  terms_of_reference=terms_of_reference)
    board.save_by(user)
    board.member_agencies.set(members)
    _set_standing_items(board, standing_items)
    record(user, Audit.CREATED, "board", board.pk, channel=channel)
    return board


BOARD_FIELDS = ("name", "short_name", "frequency", "chair_role", "terms_of_reference")


@transaction.atomic
def change_board(user: Any, board: Board, *, expected_version: int | None = None, members: Sequence[Agency] | None = None,
                 standing_items: Sequence[tuple[str, str]] | None = None, channel: str = Channel.WEB,
                 **values: Any) -> Board:
    """Change a board: its names, frequency, chair, terms of reference, member agencies and
    standing items (added, reordered or removed: the list given is the new agenda order).
    Refused (StaleEdit) if the board changed since the form was opened."""
    require_manager(user)
    lock(board)
    board.check_version(expected_version)
    _board_rules(values.get("name", board.name), values.get("short_name", board.short_name), other_than=board.pk)
    changed = _set_fields(board, values, BOARD_FIELDS)
    board.save_by(user)
    if members is not None and {a.pk for a in members} != set(board.member_agencies.values_list("pk", flat=True)):
        board.member_agencies.set(members)
        changed.append("members")
    if standing_items is not None and _set_standing_items(board, standing_items):
        changed.append("standing items")
    record(user, Audit.CHANGED, "board", board.pk, channel=channel, summary=", ".join(changed)[:300])
    return board


def board_record(user: Any, pk: object, *, channel: str = Channel.API) -> Board:
    """A board (audited as viewed) with its members and standing items, e.g. to learn its version."""
    board = reads.board(user, pk, purpose="board", channel=channel)
    return Board.objects.prefetch_related("member_agencies", "standing_items").get(pk=board.pk)


def board_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Board:
    """The board (audited as viewed) for a manager about to change it."""
    board = reads.board(user, pk, purpose="board change", channel=channel)
    require_manager(user)
    return board


def off_track_actions(as_of: date) -> list[tuple[Action, QuarterlyUpdate]]:
    """Actions of current plans whose latest update for a quarter ended before ``as_of`` is red."""
    actions = (Action.objects.filter(archived_on__isnull=True, priority__plan__archived_on__isnull=True,
                                     priority__plan__ends_on__gte=as_of)
               .select_related("priority__plan", "led_by")
               .prefetch_related(Prefetch("updates", QuarterlyUpdate.objects.filter(archived_on__isnull=True))))
    latest = latest_updates(actions, before=as_of)
    return [(a, latest[a.pk]) for a in actions if a.pk in latest and latest[a.pk].rag == rules.RED]


def agenda_for(board: Board, held_on: date) -> list[tuple[str, str, str]]:
    """The agenda a meeting of ``board`` on ``held_on`` starts with, as (title, source, topic):
    the standing items; then, for boards that follow the action plan (a standing item with
    topic ``action_plan``), each action off track; decisions still pending from its earlier
    meetings; and calendar items of the board due before the meeting after this one (or
    overdue)."""
    items = [(s.title, AgendaItem.Source.STANDING, s.topic) for s in board.standing_items.all()]
    topics = {s.topic for s in board.standing_items.all()}
    if "action_plan" in topics:
        for action, update in off_track_actions(held_on):
            items.append((f"Off track: {action.priority.plan.name} action {action.reference} "
                          f"({action.led_by}): {update.rag_reason}"[:300], AgendaItem.Source.OFF_TRACK, "action_plan"))
    pending = Decision.objects.filter(meeting__board=board, kind=Decision.Kind.PENDING, archived_on__isnull=True,
                                      meeting__held_on__lt=held_on).select_related("meeting")
    for decision in pending:
        items.append((f"Decision pending since {decision.meeting.held_on:%d %B %Y}: {decision.text}"[:300],
                      AgendaItem.Source.PENDING, decision.topic))
    horizon = held_on + timedelta(days=_frequency_days(board.frequency))
    for item in CalendarItem.objects.filter(board=board, done_on__isnull=True, due_on__lte=horizon,
                                            archived_on__isnull=True):
        items.append((f"{item.title}: due {item.due_on:%d %B %Y}", AgendaItem.Source.DEADLINE, ""))
    return items


def _frequency_days(frequency: str) -> int:
    return {"monthly": 31, "quarterly": 92, "twice_yearly": 183, "yearly": 366}.get(frequency, 92)


@transaction.atomic
def schedule_meeting(user: Any, board: Board, *, held_on: date, place: str = "", channel: str = Channel.WEB) -> Meeting:
    """A meeting of the board, its agenda built from the standing items and what is due."""
    if user is not None:
        require_manager(user)
    meeting = Meeting(board=board, held_on=held_on, place=place)
    meeting.save_by(user)
    for order, (title, source, topic) in enumerate(agenda_for(board, held_on), start=1):
        AgendaItem.objects.create(meeting=meeting, order=order, title=title, source=source, topic=topic)
    record(user, Audit.CREATED, "board_meeting", meeting.pk, channel=channel)
    return meeting


@transaction.atomic
def record_meeting(user: Any, meeting: Meeting, *, minutes: str, attending: Sequence[Agency],
                   expected_version: int | None = None, channel: str = Channel.WEB) -> Meeting:
    """Minutes and attendance (by agency): the meeting is held."""
    if user is not None:
        require_manager(user)
    lock(meeting)
    meeting.check_version(expected_version)
    meeting.minutes, meeting.held = minutes, True
    meeting.save_by(user)
    meeting.attending_agencies.set(attending)
    record(user, Audit.CHANGED, "board_meeting", meeting.pk, channel=channel, summary="minutes recorded")
    return meeting


@transaction.atomic
def change_meeting(user: Any, meeting: Meeting, *, held_on: date, place: str, expected_version: int | None = None,
                   channel: str = Channel.WEB) -> Meeting:
    """Move a meeting or change where it is held (its agenda stays as built). Refused when an
    action arising would fall due before the meeting, or (StaleEdit) if it changed since."""
    require_manager(user)
    lock(meeting)
    meeting.check_version(expected_version)
    early = meeting.actions_arising.filter(archived_on__isnull=True, due_on__lt=held_on).order_by("due_on").first()
    if early is not None:
        raise RuleRefused("action_due_before_meeting", f"An action arising is due on {early.due_on:%d %B %Y}, before "
                          f"{held_on:%d %B %Y}: change its due date first.", "held_on")
    changed = _set_fields(meeting, {"held_on": held_on, "place": place}, ("held_on", "place"))
    meeting.save_by(user)
    record(user, Audit.CHANGED, "board_meeting", meeting.pk, channel=channel, summary=", ".join(changed))
    return meeting


def meeting_record(user: Any, pk: object, *, channel: str = Channel.API) -> Meeting:
    """A meeting (audited as viewed) with its board and attendance, e.g. to learn its version."""
    meeting = reads.board_meeting(user, pk, purpose="meeting", channel=channel)
    return Meeting.objects.select_related("board").prefetch_related("attending_agencies").get(pk=meeting.pk)


def meeting_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Meeting:
    meeting = reads.board_meeting(user, pk, purpose="meeting change", channel=channel)
    require_manager(user)
    return meeting


@transaction.atomic
def change_decision(user: Any, decision: Decision, *, text: str, kind: str, topic: str = "",
                    expected_version: int | None = None, channel: str = Channel.WEB) -> Decision:
    """Correct a decision's wording, or record that one awaiting decision was decided."""
    require_manager(user)
    lock(decision)
    decision.check_version(expected_version)
    if not text.strip():
        raise RuleRefused("decision_text", "Write what was decided or recommended.", "text")
    changed = _set_fields(decision, {"text": text.strip(), "kind": kind, "topic": topic}, ("text", "kind", "topic"))
    decision.save_by(user)
    record(user, Audit.CHANGED, "decision", decision.pk, channel=channel, summary=", ".join(changed))
    return decision


def decision_record(user: Any, pk: object, *, channel: str = Channel.API) -> Decision:
    """A decision of the register (audited as viewed), e.g. to learn its version."""
    decision = reads.decision(user, pk, purpose="decision", channel=channel)
    return Decision.objects.select_related("meeting__board").get(pk=decision.pk)


def decision_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Decision:
    decision = reads.decision(user, pk, purpose="decision change", channel=channel)
    require_manager(user)
    return decision


_KEEP: Any = object()


@transaction.atomic
def change_meeting_action(user: Any, action: MeetingAction, *, description: str, owner_agency: Agency, due_on: date,
                          owner: Any = _KEEP, expected_version: int | None = None,
                          channel: str = Channel.WEB) -> MeetingAction:
    """Change an action arising's wording, owning agency or due date (and its owner, a user
    account, when given: left as it is otherwise)."""
    require_manager(user)
    lock(action)
    action.check_version(expected_version)
    if due_on < action.meeting.held_on:
        raise RuleRefused("action_due_before_meeting", "An action arising is due after the meeting.", "due_on")
    values = {"description": description, "owner_agency": owner_agency, "due_on": due_on}
    if owner is not _KEEP:
        values["owner"] = owner
    changed = _set_fields(action, values, ("description", "owner_agency", "due_on", "owner"))
    action.save_by(user)
    record(user, Audit.CHANGED, "meeting_action", action.pk, channel=channel, summary=", ".join(changed))
    return action


def meeting_action_record(user: Any, pk: object, *, channel: str = Channel.API, purpose: str = "") -> MeetingAction:
    """An action arising, through its meeting (audited as viewed)."""
    action = (MeetingAction.objects.filter(pk=pk, archived_on__isnull=True).select_related("meeting", "owner_agency")
              .first())
    if action is None:
        raise NotFoundError("No such action arising.")
    reads.board_meeting(user, action.meeting_id, purpose=purpose or f"action arising {action.pk}", channel=channel)
    return action


def meeting_action_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> MeetingAction:
    """An action arising, through its meeting (audited as viewed), for a manager to change."""
    action = meeting_action_record(user, pk, channel=channel, purpose=f"action arising {pk} change")
    require_manager(user)
    return action


def record_decision(user: Any, meeting: Meeting, *, text: str, kind: str = Decision.Kind.DECISION, topic: str = "",
                    channel: str = Channel.WEB) -> Decision:
    if user is not None:
        require_manager(user)
    if not text.strip():
        raise RuleRefused("decision_text", "Write what was decided or recommended.", "text")
    decision = Decision(meeting=meeting, text=text.strip(), kind=kind, topic=topic)
    decision.save_by(user)
    record(user, Audit.CREATED, "decision", decision.pk, channel=channel, summary=f"meeting {meeting.pk} {kind}")
    return decision


def add_meeting_action(user: Any, meeting: Meeting, *, description: str, owner_agency: Agency, due_on: date,
                       owner: Any = None, channel: str = Channel.WEB) -> MeetingAction:
    if user is not None:
        require_manager(user)
    if due_on < meeting.held_on:
        raise RuleRefused("action_due_before_meeting", "An action arising is due after the meeting.", "due_on")
    action = MeetingAction(meeting=meeting, description=description, owner_agency=owner_agency, due_on=due_on,
                           owner=owner)
    action.save_by(user)
    record(user, Audit.CREATED, "meeting_action", action.pk, channel=channel)
    return action


@transaction.atomic
def complete_meeting_action(user: Any, action: MeetingAction, *, done_on: date, channel: str = Channel.WEB
                            ) -> MeetingAction:
    """Mark an action arising done (a manager, usually at the next meeting)."""
    require_manager(user)
    lock(action)
    if action.done_on is not None:
        raise RuleRefused("already_done", f"This action was done on {action.done_on:%d %B %Y}.", "done_on")
    action.done_on = done_on
    action.save_by(user)
    record(user, Audit.CHANGED, "meeting_action", action.pk, channel=channel, summary="done")
    return action


@transaction.atomic
def submit_report(user: Any, grant: Grant, reporting_date_id: int, *, submitted_on: date,
                  channel: str = Channel.WEB) -> Any:
    """Note that the return due on one of the grant's reporting dates was sent to the funder."""
    if not policy.can_report_grant(user, grant):
        raise PermissionRefused(f"Only the lead agency ({grant.led_by}) or a partnership admin reports on this grant.")
    due = grant.reporting_dates.filter(pk=reporting_date_id).first()
    if due is None:
        raise RuleRefused("reporting_date", "Choose one of the grant's reporting dates.", "reporting_date")
    due.submitted_on = submitted_on
    due.save()
    record(user, Audit.CHANGED, "grant", grant.pk, channel=channel, summary=f"return due {due.due_on} submitted")
    return due


def add_paper(user: Any, *, uploaded: Any, title: str, meeting: Meeting | None = None, grant: Grant | None = None,
              channel: str = Channel.WEB) -> Paper:
    """A meeting paper (by a manager) or grant evidence (by the grant's lead agency or a
    partnership admin), through the same hostile-file checks and virus scan as case
    attachments (csphub.core.uploads, csphub.core.scanner)."""
    from csphub.core import uploads

    if grant is not None and meeting is None:
        if not policy.can_report_grant(user, grant):
            raise PermissionRefused(f"Only the lead agency ({grant.led_by}) or a partnership admin adds this grant's evidence.")
    else:
        require_manager(user)
    kind, scan = uploads.check_and_scan(user, uploaded, object_type="governance_paper", channel=channel)
    paper = Paper(meeting=meeting, grant=grant, title=title, original_name=(uploaded.name or "")[:255],
                  content_type=kind.content_type, size=uploaded.size, scan_status=scan.status)

    def save() -> None:
        paper.save_by(user)
        record(user, Audit.CREATED, "governance_paper", paper.pk, channel=channel)

    uploads.store_with_file(paper, kind, uploaded, save)
    return paper


# ---- The calendar ------------------------------------------------------------------------------


def calendar_rows(items: Iterable[CalendarItem], today: date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    return [{"item": i, "state": rules.deadline_state(i.due_on, i.remind_days, today, i.done_on)} for i in items]


def calendar(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """Calendar items not done, and those done in the last year, soonest first."""
    require_reader(user)
    today = today or timezone.localdate()
    items = CalendarItem.objects.filter(archived_on__isnull=True).select_related("board")
    items = items.filter(done_on__isnull=True) | items.filter(done_on__gte=today - timedelta(days=366))
    return calendar_rows(items.order_by("due_on"), today)


def calendar_window(user: Any, window: Window, *, today: date | None = None, channel: str = Channel.API) -> Slice:
    """A window of the calendar (as ``calendar``: not done, or done in the last year; soonest
    first), each row the item and its state; the items shown are audited by id."""
    require_reader(user)
    today = today or timezone.localdate()
    items = (reads.calendar_items(user, purpose="api calendar", channel=channel)
             .filter(Q(done_on__isnull=True) | Q(done_on__gte=today - timedelta(days=366))).order_by("due_on"))
    found = take(items, window)
    return replace(found, rows=calendar_rows(found.rows, today))


def calendar_item_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> CalendarItem:
    """A calendar item (audited as viewed) for a manager about to mark it done."""
    item = reads.calendar_item(user, pk, purpose="calendar item done", channel=channel)
    require_manager(user)
    return item


def add_statutory_deadline(user: Any, key: str, due_on: date, board: Board | None = None) -> CalendarItem:
    duty = next(d for d in rules.STATUTORY_DEADLINES if d.key == key)
    item = CalendarItem(title=duty.title, statutory_key=key, due_on=due_on, recurrence=duty.recurrence,
                        remind_days=duty.remind_days, source=duty.source, board=board)
    item.save_by(user)
    return item


@transaction.atomic
def complete_calendar_item(user: Any, item: CalendarItem, *, done_on: date, channel: str = Channel.WEB
                           ) -> CalendarItem | None:
    """Mark the item done; a recurring one gets its next occurrence (returned)."""
    require_manager(user)
    if done_on > timezone.localdate():
        raise RuleRefused("done_in_future", f"{done_on:%d %B %Y} is in the future: say when it was done.", "done_on")
    lock(item)
    if item.done_on is not None:
        raise RuleRefused("already_done", f"{item.title} was done on {item.done_on:%d %B %Y}.", "done_on")
    item.done_on = done_on
    item.save_by(user)
    record(user, Audit.CHANGED, "calendar_item", item.pk, channel=channel, summary="done")
    due = rules.next_due(item.due_on, item.recurrence, done_on)
    if due is None:
        return None
    following = CalendarItem(title=item.title, kind=item.kind, statutory_key=item.statutory_key, board=item.board,
                             due_on=due, recurrence=item.recurrence, remind_days=item.remind_days, source=item.source)
    following.save_by(user)
    record(user, Audit.CREATED, "calendar_item", following.pk, channel=channel)
    return following


# ---- Grants -----------------------------------------------------------------------------------


def grant_list(user: Any, *, channel: str = Channel.WEB) -> list[Grant]:
    require_reader(user)
    return list(reads.grants(user, purpose="grant list", channel=channel).select_related("led_by"))


@dataclass
class WorkstreamFigures:
    workstream: Workstream
    outputs: Decimal
    outcomes: Decimal
    spend: Decimal
    by_quarter: list[WorkstreamReturn]


def grant_figures(grant: Grant, until: date | None = None) -> list[WorkstreamFigures]:
    """Each workstream's actuals to date (or up to the quarter containing ``until``)."""
    found = []
    for ws in grant.workstreams.filter(archived_on__isnull=True).prefetch_related("returns"):
        returns = [r for r in ws.returns.all() if r.archived_on is None and (until is None or r.period.start <= until)]
        found.append(WorkstreamFigures(ws, sum((r.outputs for r in returns), Decimal(0)),
                                       sum((r.outcomes for r in returns), Decimal(0)),
                                       sum((r.spend for r in returns), Decimal(0)), returns))
    return found


def grant_view(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    grant = reads.grant(user, pk, purpose="grant page", channel=channel)
    figures = grant_figures(grant)
    evidence = list(reads.governance_papers(user, purpose=f"grant {grant.pk} evidence", channel=channel)
                    .filter(grant=grant))
    return {"grant": grant, "figures": figures, "evidence": evidence,
            "spend": sum((f.spend for f in figures), Decimal(0)),
            "budget": sum((f.workstream.budget for f in figures), Decimal(0)),
            "reporting": list(grant.reporting_dates.all())}


def grant_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Grant:
    """The grant (audited as viewed) for a manager about to change it."""
    grant = reads.grant(user, pk, purpose="grant change", channel=channel)
    require_manager(user)
    return grant


def create_grant(user: Any, *, fund: str, round: str, amount: Decimal, starts_on: date, ends_on: date,  # noqa: A002
                 led_by: Agency, conditions: str = "", reporting_dates: Sequence[date] = (),
                 channel: str = Channel.WEB) -> Grant:
    if user is not None:
        require_manager(user)
    if ends_on < starts_on:
        raise RuleRefused("grant_ends_before_start", "The grant period ends before it starts.", "ends_on")
    grant = Grant(fund=fund, round=round, amount=amount, starts_on=starts_on, ends_on=ends_on, led_by=led_by,
                  conditions=conditions)
    grant.save_by(user)
    for day in reporting_dates:
        grant.reporting_dates.create(due_on=day)
    record(user, Audit.CREATED, "grant", grant.pk, channel=channel)
    return grant


GRANT_FIELDS = ("fund", "round", "amount", "starts_on", "ends_on", "led_by", "conditions")


def _set_reporting_dates(grant: Grant, days: Sequence[date]) -> bool:
    """Make the grant's reporting dates ``days``: new ones added, those not listed removed
    unless a return was already sent for them (kept). Whether anything changed."""
    wanted = set(days)
    changed = False
    for due in grant.reporting_dates.all():
        if due.due_on not in wanted and due.submitted_on is None:
            due.delete()
            changed = True
        wanted.discard(due.due_on)
    for day in sorted(wanted):
        grant.reporting_dates.create(due_on=day)
        changed = True
    return changed


@transaction.atomic
def change_grant(user: Any, grant: Grant, *, expected_version: int | None = None,
                 reporting_dates: Sequence[date] | None = None, channel: str = Channel.WEB, **values: Any) -> Grant:
    """Change a grant's fund, round, amount, period, lead agency, conditions or reporting dates.
    Refused when the period would leave out a quarter already returned, or (StaleEdit) if the
    grant changed since the form was opened."""
    require_manager(user)
    lock(grant)
    grant.check_version(expected_version)
    starts_on, ends_on = values.get("starts_on", grant.starts_on), values.get("ends_on", grant.ends_on)
    if ends_on < starts_on:
        raise RuleRefused("grant_ends_before_start", "The grant period ends before it starts.", "ends_on")
    outside = [r for r in WorkstreamReturn.objects.filter(workstream__grant=grant, archived_on__isnull=True)
               if r.period.end < starts_on or r.period.start > ends_on]
    if outside:
        raise RuleRefused("quarter_outside_grant", f"Returns are recorded for {outside[0].period.label}, outside "
                          f"{starts_on:%d %b %Y} to {ends_on:%d %b %Y}.", "starts_on")
    changed = _set_fields(grant, values, GRANT_FIELDS)
    grant.save_by(user)
    if reporting_dates is not None and _set_reporting_dates(grant, reporting_dates):
        changed.append("reporting dates")
    record(user, Audit.CHANGED, "grant", grant.pk, channel=channel, summary=", ".join(changed)[:300])
    return grant


WORKSTREAM_FIELDS = ("title", "description", "budget", "planned_output", "output_unit", "planned_outcome",
                     "outcome_unit")


@transaction.atomic
def change_workstream(user: Any, workstream: Workstream, *, expected_version: int | None = None,
                      channel: str = Channel.WEB, **values: Any) -> Workstream:
    """Change a workstream's title, budget or planned outputs and outcomes (returns keep theirs)."""
    require_manager(user)
    lock(workstream)
    workstream.check_version(expected_version)
    changed = _set_fields(workstream, values, WORKSTREAM_FIELDS)
    workstream.save_by(user)
    record(user, Audit.CHANGED, "workstream", workstream.pk, channel=channel, summary=", ".join(changed)[:300])
    return workstream


def workstream_record(user: Any, pk: object, *, channel: str = Channel.API, purpose: str = "") -> Workstream:
    """A workstream, through its grant (audited as viewed)."""
    workstream = Workstream.objects.filter(pk=pk, archived_on__isnull=True).first()
    if workstream is None:
        raise NotFoundError("No such workstream.")
    reads.grant(user, workstream.grant_id, purpose=purpose or f"workstream {workstream.pk}", channel=channel)
    return workstream


def workstream_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Workstream:
    """A workstream, through its grant (audited as viewed), for a manager to change."""
    workstream = workstream_record(user, pk, channel=channel, purpose=f"workstream {pk} change")
    require_manager(user)
    return workstream


def add_workstream(user: Any, grant: Grant, *, title: str, budget: Decimal, planned_output: Decimal | None = None,
                   output_unit: str = "", planned_outcome: Decimal | None = None, outcome_unit: str = "",
                   description: str = "") -> Workstream:
    if user is not None:
        require_manager(user)
    ws = Workstream(grant=grant, title=title, budget=budget, planned_output=planned_output, output_unit=output_unit,
                    planned_outcome=planned_outcome, outcome_unit=outcome_unit, description=description)
    ws.save_by(user)
    record(user, Audit.CREATED, "workstream", ws.pk)
    return ws


@transaction.atomic
def record_return(user: Any, workstream: Workstream, *, quarter: rules.Quarter, outputs: Decimal, outcomes: Decimal,
                  spend: Decimal, note: str = "", channel: str = Channel.WEB) -> WorkstreamReturn:
    """A workstream's actuals for a quarter (recorded again, the quarter's figures are replaced)."""
    grant = workstream.grant
    if not policy.can_report_grant(user, grant):
        raise PermissionRefused(f"Only the lead agency ({grant.led_by}) or a partnership admin records this grant's returns.")
    if min(outputs, outcomes, spend) < 0:
        raise RuleRefused("negative_value", "Outputs, outcomes and spend cannot be below zero.", "outputs")
    if quarter.end < grant.starts_on or quarter.start > grant.ends_on:
        raise RuleRefused("quarter_outside_grant", f"{quarter.label} is outside the grant's period "
                          f"({grant.starts_on:%d %b %Y} to {grant.ends_on:%d %b %Y}).", "quarter")
    lock(workstream)
    found = WorkstreamReturn.objects.filter(workstream=workstream, year=quarter.year, quarter=quarter.number).first()
    ret = found or WorkstreamReturn(workstream=workstream, year=quarter.year, quarter=quarter.number)
    ret.outputs, ret.outcomes, ret.spend, ret.note = outputs, outcomes, spend, note
    ret.save_by(user)
    record(user, Audit.CHANGED if found else Audit.CREATED, "workstream_return", ret.pk, channel=channel,
           summary=f"grant {grant.pk} {quarter.label}")
    return ret


# ---- Events and outreach ----------------------------------------------------------------------


def event_list(user: Any, *, start: date | None = None, end: date | None = None, channel: str = Channel.WEB) -> list[Event]:
    require_reader(user)
    found = reads.events(user, purpose="event list", channel=channel)
    if start:
        found = found.filter(held_on__gte=start)
    if end:
        found = found.filter(held_on__lte=end)
    return list(found.prefetch_related("partners"))


def _event_rules(feedback: dict[str, int] | None) -> None:
    bad = [k for k, v in (feedback or {}).items() if not 0 <= int(v) <= 100]
    if bad:
        raise RuleRefused("feedback_percent", f"Feedback is a percentage from 0 to 100: {', '.join(bad)}.", "feedback")


def record_event(user: Any, *, title: str, held_on: date, place: str, ward_code: str = "", ward_name: str = "",
                 audience: str = "", partners: Sequence[Agency] = (), attendees: dict[str, int] | None = None,
                 items_given: dict[str, int] | None = None, feedback: dict[str, int] | None = None,
                 channel: str = Channel.WEB) -> Event:
    if user is not None:
        require_recorder(user)
    _event_rules(feedback)
    event = Event(title=title, held_on=held_on, place=place, ward_code=ward_code, ward_name=ward_name,
                  audience=audience, attendees=attendees or {}, items_given=items_given or {}, feedback=feedback or {})
    event.save_by(user)
    event.partners.set(partners)
    record(user, Audit.CREATED, "event", event.pk, channel=channel)
    return event


EVENT_FIELDS = ("title", "held_on", "place", "ward_code", "ward_name", "audience", "attendees", "items_given",
                "feedback")


@transaction.atomic
def change_event(user: Any, event: Event, *, expected_version: int | None = None, partners: Sequence[Agency] | None = None,
                 channel: str = Channel.WEB, **values: Any) -> Event:
    """Correct an event's record (counts only, as when it was recorded)."""
    require_recorder(user)
    lock(event)
    event.check_version(expected_version)
    _event_rules(values.get("feedback"))
    changed = _set_fields(event, values, EVENT_FIELDS)
    event.save_by(user)
    if partners is not None and {a.pk for a in partners} != set(event.partners.values_list("pk", flat=True)):
        event.partners.set(partners)
        changed.append("partners")
    record(user, Audit.CHANGED, "event", event.pk, channel=channel, summary=", ".join(changed)[:300])
    return event


def event_record(user: Any, pk: object, *, channel: str = Channel.API) -> Event:
    """An event (audited as viewed) with its partners, e.g. to learn its version."""
    event = reads.event(user, pk, purpose="event", channel=channel)
    return Event.objects.prefetch_related("partners").get(pk=event.pk)


def event_for_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Event:
    event = reads.event(user, pk, purpose="event change", channel=channel)
    require_recorder(user)
    return event


def token_secret() -> str:
    """The key outreach tokens are hashed with: the site's secret key (a token cannot be
    checked against another system's hashes)."""
    return str(settings.SECRET_KEY)


@transaction.atomic
def record_outreach_session(user: Any, programme: OutreachProgramme, *, held_on: date, attendees: int,
                            services_present: Sequence[str] = (), outcomes: dict[str, int] | None = None,
                            safeguarding_escalations: int = 0, tokens: Sequence[str] = (),
                            channel: str = Channel.WEB) -> OutreachSession:
    """A session's counts. ``tokens`` are the words attendees chose to give (optional): only
    their keyed hashes are stored (rules.attendee_token_digest)."""
    if user is not None:
        require_recorder(user)
    digests = set()
    for number, token in enumerate(tokens, start=1):
        try:
            digests.add(rules.attendee_token_digest(token, token_secret()))
        except ValueError as e:
            raise RuleRefused("bad_token", f"Token {number}: {e}.", "tokens") from e
    if len(digests) > attendees:
        raise RuleRefused("tokens_exceed_attendees", f"{len(digests)} different tokens but {attendees} attendees.",
                          "tokens")
    kinds = set(OutreachOutcome.Kind.values)
    unknown = [k for k in (outcomes or {}) if k not in kinds]
    if unknown:
        raise RuleRefused("outcome_kind", f"Unknown outcome kinds: {', '.join(unknown)}; expected one of "
                          f"{', '.join(sorted(kinds))}.", "outcomes")
    session = OutreachSession(programme=programme, held_on=held_on, attendees=attendees,
                              services_present=list(services_present), safeguarding_escalations=safeguarding_escalations)
    session.save_by(user)
    for kind, count in (outcomes or {}).items():
        if count:
            OutreachOutcome.objects.create(session=session, kind=kind, count=count)
    AttendeeToken.objects.bulk_create([AttendeeToken(session=session, digest=d) for d in digests])
    record(user, Audit.CREATED, "outreach_session", session.pk, channel=channel)
    return session


def outreach_summary(start: date, end: date, programme: OutreachProgramme | None = None) -> dict[str, Any]:
    """Sessions, attendances, average per session, unique and repeat attendees (from tokens),
    outcomes by kind and safeguarding escalations, for sessions held ``start``..``end``."""
    sessions = OutreachSession.objects.filter(held_on__gte=start, held_on__lte=end, archived_on__isnull=True)
    if programme is not None:
        sessions = sessions.filter(programme=programme)
    sessions = list(sessions.prefetch_related("tokens", "outcomes"))
    attendances = sum(s.attendees for s in sessions)
    unique, repeat = rules.unique_and_repeat([{t.digest for t in s.tokens.all()} for s in sessions])
    outcomes: dict[str, int] = {}
    labels = dict(OutreachOutcome.Kind.choices)
    for s in sessions:
        for o in s.outcomes.all():
            outcomes[labels[o.kind]] = outcomes.get(labels[o.kind], 0) + o.count
    return {"sessions": len(sessions), "attendances": attendances,
            "average": round(attendances / len(sessions)) if sessions else 0,
            "unique_attendees": unique, "repeat_attendees": repeat,
            "attendees_with_token": sum(len(s.tokens.all()) for s in sessions),
            "outcomes": dict(sorted(outcomes.items(), key=lambda kv: -kv[1])),
            "safeguarding_escalations": sum(s.safeguarding_escalations for s in sessions)}


def outreach_view(user: Any, *, start: date, end: date, channel: str = Channel.WEB) -> dict[str, Any]:
    require_reader(user)
    sessions = list(reads.outreach_sessions(user, purpose="outreach sessions", channel=channel)
                    .filter(held_on__gte=start, held_on__lte=end).select_related("programme").prefetch_related("outcomes"))
    programmes = OutreachProgramme.objects.filter(archived_on__isnull=True)
    return {"sessions": sessions, "programmes": [(p, outreach_summary(start, end, p)) for p in programmes]}


def engagement_totals(start: date, end: date) -> dict[str, Any]:
    events = list(Event.objects.filter(held_on__gte=start, held_on__lte=end, archived_on__isnull=True))
    items: dict[str, int] = {}
    for e in events:
        for k, v in (e.items_given or {}).items():
            items[k] = items.get(k, 0) + int(v)
    return {"events": len(events), "people": sum(e.attendee_total for e in events),
            "wards": len({e.ward_code for e in events if e.ward_code}), "items": items}


def returns_total(grant: Grant) -> Decimal:
    return WorkstreamReturn.objects.filter(workstream__grant=grant).aggregate(s=Sum("spend"))["s"] or Decimal(0)


def find_board(name: str) -> Board:
    found = Board.objects.filter(short_name__iexact=name).first() or Board.objects.filter(name__iexact=name).first()
    if found is None:
        known = ", ".join(Board.objects.values_list("short_name", flat=True)) or "none yet"
        raise NotFoundError(f"No board {name!r}. Known boards: {known}.")
    return found


def find_plan(name: str) -> Plan:
    found = Plan.objects.filter(name__iexact=name, archived_on__isnull=True).first()
    if found is None:
        known = ", ".join(Plan.objects.values_list("name", flat=True)) or "none yet"
        raise NotFoundError(f"No plan {name!r}. Known plans: {known}.")
    return found


def events_map(user: Any, *, start: date, end: date, channel: str = Channel.WEB) -> tuple[bytes, str]:
    """(the SVG map of the wards shaded by crime and ASB with the period's events on them; the
    content type). With no boundaries loaded, a small SVG saying so (still an image)."""
    from csphub.analytics.maps import message_svg

    from . import engagement

    events = event_list(user, start=start, end=end, channel=channel)
    by_area, _ = engagement.ward_figures(start, end)
    _, figures = engagement.areas_of_events(events, by_area)
    image, why = engagement.events_map(events, figures)
    return (image if image is not None else message_svg(why)), "image/svg+xml"


