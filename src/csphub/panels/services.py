"""Everything that changes panel records: permission, rules, history and audit in one place."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.audit.services import Action, Channel, record
from csphub.casework.models import AsbCase, Person
from csphub.casework.rules import not_in_future
from csphub.casework.services import refuse
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.errors import (
    InputFileError,
    InputProblem,
    NotFoundError,
    PermissionRefused,
    RuleRefused,
)

from . import harm
from .models import (
    AgendaItem,
    Cohort,
    CohortMembership,
    HarmWeight,
    Offence,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelReferral,
)


def get_panel(user: Any, panel_id: object, *, channel: str = Channel.WEB, purpose: str = "panel") -> Panel:
    return reads.panel(user, panel_id, purpose=purpose, channel=channel)


def get_referral(user: Any, referral_id: object, *, channel: str = Channel.WEB,
                 purpose: str = "panel referral") -> PanelReferral:
    referral = reads.panel_referral(user, referral_id, purpose=purpose, channel=channel)
    if referral.person_id:
        reads.shown(user, "person", [referral.person], purpose=f"panel referral {referral.pk}", channel=channel)
    return referral


def get_meeting(user: Any, meeting_id: object, *, channel: str = Channel.WEB) -> PanelMeeting:
    return reads.panel_meeting(user, meeting_id, purpose="panel meeting", channel=channel)


def panels_for(user: Any, *, channel: str = Channel.WEB, purpose: str = "panel list") -> Any:
    return reads.panels(user, purpose=purpose, channel=channel)


def _referrals(user: Any, panel: Panel, channel: str) -> Any:
    return (reads.panel_referrals(user, purpose=f"referrals of panel {panel.pk}", channel=channel)
            .filter(panel=panel).select_related("person", "referring_agency"))


def _people_shown(user: Any, panel: Panel, found: list[PanelReferral], channel: str) -> None:
    reads.shown(user, "person", {r.person_id: r.person for r in found if r.person_id}.values(),
                purpose=f"referrals of panel {panel.pk}", channel=channel)


def panel_referrals(user: Any, panel: Panel, *, channel: str = Channel.WEB) -> list[PanelReferral]:
    """The panel's referrals (members only), audited, with the people they name."""
    found = list(_referrals(user, panel, channel))
    _people_shown(user, panel, found, channel)
    return found


def panel_referral_window(user: Any, panel: Panel, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the panel's referrals; the referrals and the people in this window are audited."""
    found = take(_referrals(user, panel, channel), window)
    _people_shown(user, panel, found.rows, channel)
    return found


#: A referral counts towards its panel's cohort (and its cap) when adopted and not archived: the
#: one definition for a single panel's count and for a list's annotation.
_IN_COHORT = {"status__in": PanelReferral.IN_COHORT, "archived_on__isnull": True}
#: The same rule over a panel's referrals, to count its cohort in a list's one query.
_PANEL_IN_COHORT = Q(**{f"referrals__{k}": v for k, v in _IN_COHORT.items()})


def panel_window(user: Any, window: Window, *, channel: str = Channel.API, purpose: str = "api panel list") -> Slice:
    """A window of the panels, each with its members and the size of its cohort (``in_cohort``)."""
    in_cohort = Count("referrals", filter=_PANEL_IN_COHORT)
    return take(reads.panels(user, purpose=purpose, channel=channel).annotate(in_cohort=in_cohort)
                .prefetch_related("members"), window)


def referral_choices(user: Any, case_id: object | None) -> dict[str, Any]:
    """What the refer-to-a-panel form offers: every panel (their names are not confidential),
    and the people on the case, or the people the officer may see (both audited)."""
    if not policy.can_refer_to_panel(user):
        raise PermissionRefused("Only officers and supervisors refer to panels.")
    from csphub.casework.services import get_case

    case = get_case(user, case_id, purpose="refer to a panel") if case_id not in (None, "") else None
    if case is not None:
        parties = list(reads.parties(user, purpose=f"panel referral picker, case {case.pk}").filter(case=case)
                       .select_related("person"))
        people = list({p.person_id: p.person for p in parties}.values())
        reads.shown(user, "person", people, purpose=f"panel referral picker, case {case.pk}")
    else:
        people = list(reads.people(user, purpose="panel referral picker")[:500])
    return {"case": case, "panels": [(p.pk, p.name) for p in Panel.objects.filter(archived_on__isnull=True)],
            "people": [(p.pk, f"{p.full_name}{f', born {p.date_of_birth:%d %b %Y}' if p.date_of_birth else ''}")
                       for p in people]}


def _agency(user: Any) -> Any:
    m = roles.membership(user)
    if m is None:
        raise PermissionRefused("Your account has no agency.")
    return m.agency


@transaction.atomic
def refer_to_panel(user: Any, panel: Panel | object, *, reason: str, consent: str, person: Person | None = None,
                   location: str = "", case: AsbCase | None = None, risks: str = "",
                   channel: str = Channel.WEB) -> PanelReferral:
    """Refer a person (or a location) to a panel, from a case or on its own.

    Whether the person already has an open referral is said only to the panel's members: a
    non-member gets the same answer as for anyone else (a new referral, which members see marked
    as a duplicate of the open one), so the 422 cannot reveal who is on a panel."""
    if not policy.can_refer_to_panel(user):
        raise PermissionRefused("Only officers and supervisors refer to panels.")
    if not isinstance(panel, Panel):
        found = Panel.objects.filter(pk=panel, archived_on__isnull=True).first() if str(panel).isdigit() else None
        if found is None:
            raise NotFoundError(f"No panel {panel}.")
        panel = found
    if person is None and not location.strip():
        raise RuleRefused("referral_needs_subject", "Refer a person or a location.", "person")
    if person is not None and not policy.can_view_person(user, person):
        raise NotFoundError(f"No person {person.pk}.")
    if case is not None and not policy.can_view_case(user, case):
        raise NotFoundError(f"No case {case.pk}.")
    if not reason.strip():
        raise RuleRefused("reason_required", "Say why you are referring.", "reason")
    open_one = PanelReferral.objects.filter(panel=panel, person=person, status__in=PanelReferral.OPEN,
                                            archived_on__isnull=True).first() if person is not None else None
    if open_one is not None and policy.is_panel_member(user, panel):
        raise RuleRefused("already_on_panel", f"This person already has an open referral to {panel}.", "person")
    referral = PanelReferral(panel=panel, person=person, location=location, case=case, reason=reason, risks=risks,
                             consent=consent, referring_agency=_agency(user), duplicate_of=open_one)
    referral.save_by(user)
    record(user, Action.CREATED, "panel_referral", referral.pk, channel=channel, summary=f"panel {panel.pk}")
    return referral


def cohort_size(panel: Panel) -> int:
    return PanelReferral.objects.filter(panel=panel, **_IN_COHORT).count()


@transaction.atomic
def decide(user: Any, referral: PanelReferral, status: str, *, reason: str = "", on: date | None = None,
           expected_version: int | None = None, channel: str = Channel.WEB) -> PanelReferral:
    """Move a referral on (adopt, decline, in custody, close), within the panel's cohort cap."""
    lock(referral)
    if not policy.panel_referrals(user).filter(pk=referral.pk).exists():
        raise NotFoundError(f"No panel referral {referral.pk}.")
    referral.check_version(expected_version)
    allowed = PanelReferral.NEXT.get(referral.status, set())
    if status not in allowed:
        raise RuleRefused("panel_referral_lifecycle", f"A referral that is {referral.get_status_display().lower()} "
                          f"cannot become {status}; next can be: {', '.join(sorted(allowed)) or 'nothing'}.", "status")
    if status in ("declined", "closed") and not reason.strip():
        raise RuleRefused("decision_needs_reason", "Give the panel's reasons for declining or closing.", "reason")
    panel = referral.panel
    joining = status in PanelReferral.IN_COHORT and referral.status not in PanelReferral.IN_COHORT
    if joining and panel.cohort_cap is not None:
        Panel.objects.select_for_update().get(pk=panel.pk)  # one decision at a time against the cap
    if joining and panel.cohort_cap is not None and cohort_size(panel) >= panel.cohort_cap:
        raise RuleRefused("cohort_cap_reached", f"{panel} holds at most {panel.cohort_cap} people and is full; "
                          "close a place or keep the referral waiting.", "status")
    on = on or timezone.localdate()
    refuse(not_in_future(on, timezone.localdate(), "A decision", "status"))
    referral.status = status
    referral.decision_reason = reason or referral.decision_reason
    if referral.decided_on is None:
        referral.decided_on = on
    referral.next_review_on = on + timedelta(days=panel.review_every_days) if status in PanelReferral.IN_COHORT else None
    referral.save_by(user)
    record(user, Action.CHANGED, "panel_referral", referral.pk, channel=channel, summary=f"-> {status}")
    return referral


def agenda_for(panel: Panel, meeting_on: date) -> list[tuple[str, PanelReferral]]:
    """New referrals awaiting a decision first (oldest first), then reviews due by the meeting
    date (earliest due first). Records in custody stay on the review list."""
    new = PanelReferral.objects.filter(panel=panel, status="referred", archived_on__isnull=True,
                                       referred_on__lte=meeting_on).order_by("referred_on", "id")
    due = PanelReferral.objects.filter(panel=panel, status__in=PanelReferral.IN_COHORT, archived_on__isnull=True,
                                       next_review_on__lte=meeting_on).order_by("next_review_on", "id")
    return [("new", r) for r in new] + [("review", r) for r in due]


@transaction.atomic
def hold_meeting(user: Any, panel: Panel, *, held_on: date, agencies: list[Any] | None = None,
                 attendees: str = "", minutes: str = "", channel: str = Channel.WEB) -> PanelMeeting:
    """Record a meeting and build its agenda from open referrals and due reviews."""
    if not policy.is_panel_member(user, panel):
        raise NotFoundError(f"No panel {panel.pk}.")
    outsiders = [a for a in agencies or [] if not panel.members.filter(pk=a.pk).exists()]
    if outsiders:  # the page offers only the members; the API is held to the same
        raise RuleRefused("not_a_member", f"{outsiders[0]} is not a member of {panel}.", "agencies")
    meeting = PanelMeeting(panel=panel, held_on=held_on, attendees=attendees, minutes=minutes)
    meeting.save_by(user)
    if agencies:
        meeting.attending_agencies.set(agencies)
    for position, (kind, referral) in enumerate(agenda_for(panel, held_on), start=1):
        AgendaItem.objects.create(meeting=meeting, referral=referral, kind=kind, position=position)
    record(user, Action.CREATED, "panel_meeting", meeting.pk, channel=channel, summary=f"panel {panel.pk} {held_on}")
    return meeting


@transaction.atomic
def add_action(user: Any, referral: PanelReferral, *, description: str, owner_agency: Any, due_on: date,
               owner: Any = None, channel: str = Channel.WEB) -> PanelAction:
    if not policy.panel_referrals(user).filter(pk=referral.pk).exists():
        raise NotFoundError(f"No panel referral {referral.pk}.")
    if not referral.is_open:
        raise RuleRefused("referral_closed", "Actions are for open referrals.", "referral")
    if not referral.panel.members.filter(pk=owner_agency.pk).exists():
        raise RuleRefused("owner_not_a_member", f"{owner_agency} is not a member of {referral.panel}.", "owner_agency")
    action = PanelAction(referral=referral, description=description, owner_agency=owner_agency, owner=owner, due_on=due_on)
    action.save_by(user)
    record(user, Action.CREATED, "panel_action", action.pk, channel=channel)
    action_in_inbox(action)
    return action


def action_in_inbox(action: PanelAction) -> None:
    """The owner agency's inbox (its owner's, when one is named): a neutral title, no person."""
    from django.urls import reverse

    from csphub.inbox import services as inbox

    inbox.post(agency=action.owner_agency, user=action.owner, kind=inbox.Kind.PANEL_ACTION,
               title=f"New panel action for {action.owner_agency.name} from {action.referral.panel.name}, "
                     f"due {action.due_on:%d %B %Y}",
               link=reverse("panel-referral", args=[action.referral_id]), object_type="panel_action",
               object_id=action.pk)


@transaction.atomic
def update_action(user: Any, action: PanelAction, rag: str, *, channel: str = Channel.WEB) -> PanelAction:
    if not policy.panel_actions(user).filter(pk=action.pk).exists():
        raise NotFoundError(f"No panel action {action.pk}.")
    if rag not in PanelAction.Rag.values:  # a bad RAG is bad input (422), not a server error
        raise RuleRefused("unknown_rag", f"RAG must be one of {', '.join(PanelAction.Rag.values)}.", "rag")
    action.rag = rag
    action.save_by(user)
    record(user, Action.CHANGED, "panel_action", action.pk, channel=channel, summary=rag)
    return action


def set_action_rag(user: Any, referral: PanelReferral, action_id: object, rag: str, *,
                   channel: str = Channel.WEB) -> PanelAction:
    """Set the RAG of one of the referral's actions (the id as posted by the page)."""
    action_id = str(action_id).strip()
    valid = action_id.isascii() and action_id.isdigit() and 0 < int(action_id) < 2**63
    action = PanelAction.objects.filter(pk=action_id, referral=referral).first() if valid else None
    if action is None:  # not an id ("abc", "²", 20 digits) or not one of this referral's actions
        raise NotFoundError("No such action on this referral.")
    return update_action(user, action, rag, channel=channel)


def meeting_window(user: Any, panel: Panel, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the panel's meetings, newest first (members only; audited by the rows returned)."""
    return take(reads.panel_meetings(user, purpose=f"meetings of panel {panel.pk}", channel=channel)
                .filter(panel=panel).prefetch_related("attending_agencies"), window)


def action_window(user: Any, referral: PanelReferral, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the actions agreed on the referral, earliest due first."""
    return take(reads.panel_actions(user, purpose=f"actions of panel referral {referral.pk}", channel=channel)
                .filter(referral=referral).select_related("owner_agency"), window)


def panel_page(user: Any, pk: object) -> dict[str, Any]:
    panel = get_panel(user, pk, purpose="panel page")
    referrals = panel_referrals(user, panel)
    return {"panel": panel, "size": cohort_size(panel), "open": [r for r in referrals if r.is_open],
            "finished": [r for r in referrals if not r.is_open][:50], "meetings": list(panel.meetings.all()[:20]),
            "agenda_preview": agenda_for(panel, timezone.localdate())}


def panel_list(user: Any) -> dict[str, Any]:
    # Counted in the one query of the list, not two queries per panel (issue 19, item 1).
    found = panels_for(user).annotate(
        size=Count("referrals", filter=_PANEL_IN_COHORT, distinct=True),
        waiting=Count("referrals", filter=Q(referrals__status="referred"), distinct=True))
    panels = [{"panel": p, "size": p.size, "waiting": p.waiting} for p in found]
    return {"panels": panels, "can_refer": policy.can_refer_to_panel(user)}


def meeting_page(user: Any, pk: object) -> dict[str, Any]:
    meeting = get_meeting(user, pk)
    agenda = list(meeting.agenda.select_related("referral", "referral__person"))
    reads.shown(user, "person", {i.referral.person_id: i.referral.person for i in agenda if i.referral.person_id}.values(),
                purpose=f"agenda of panel meeting {meeting.pk}")
    return {"meeting": meeting, "agenda": agenda}


# ---- Harm --------------------------------------------------------------------------------

@transaction.atomic
def load_harm_weights(path: Path, index: str = "Cambridge Crime Harm Index") -> int:
    """Load a CSV of offence -> weight (columns ``offence`` and ``weight``, any case), replacing
    the index's previous weights. A bad row stops the load with file, line, field and value."""
    rows: list[tuple[str, float]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = {c.strip().casefold(): c for c in reader.fieldnames or []}
        for needed in ("offence", "weight"):
            if needed not in columns:
                raise InputFileError(InputProblem(str(path), 1, needed, ",".join(reader.fieldnames or []),
                                                  "a header with columns 'offence' and 'weight'"))
        for line, row in enumerate(reader, start=2):
            offence = (row[columns["offence"]] or "").strip()
            raw = (row[columns["weight"]] or "").strip()
            if not offence:
                raise InputFileError(InputProblem(str(path), line, "offence", raw, "an offence name or code"))
            try:
                weight = float(raw)
            except ValueError as e:
                raise InputFileError(InputProblem(str(path), line, "weight", raw, "a number (e.g. days of custody)")) from e
            if weight < 0:
                raise InputFileError(InputProblem(str(path), line, "weight", raw, "a weight of 0 or more"))
            rows.append((offence, weight))
    HarmWeight.objects.filter(index=index).delete()
    HarmWeight.objects.bulk_create([HarmWeight(index=index, offence=o, weight=w) for o, w in rows])
    record(None, Action.CREATED, "harm_weights", index, channel=Channel.CLI, summary=f"{len(rows)} weights from {path.name}")
    return len(rows)


def cohort_harm_report(cohort: Cohort, *, as_of: date | None = None, before_months: int = 12,
                       index: str = "Cambridge Crime Harm Index") -> harm.CohortHarm:
    as_of = as_of or timezone.localdate()
    memberships = CohortMembership.objects.filter(cohort=cohort, archived_on__isnull=True)
    members = [harm.Member(str(m.person_id), m.entered_on, m.exited_on) for m in memberships]
    people = [m.person_id for m in memberships]
    offences = [harm.OffenceEvent(str(o.person_id), o.offence, o.committed_on)
                for o in Offence.objects.filter(person_id__in=people, archived_on__isnull=True)]
    weights = dict(HarmWeight.objects.filter(index=index).values_list("offence", "weight"))
    return harm.cohort_harm(members, offences, weights, as_of=as_of, before_months=before_months)
