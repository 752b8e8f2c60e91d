"""One timeline per case, per person and per place (issue 12, item 4).

Incidents, monitoring visits, notes, tools and powers (and their breaches), referrals, panel
referrals and decisions, and ASB Case Review events, merged in date order and filtered by kind
and date. Every record on a timeline is read through csphub.access: the case, person or place
first (audited as viewed), then each kind through its reader, with the kind and date filters
applied before it is read, so the audit entry lists by id exactly the records shown.

A person's timeline spans the cases the viewer may see that the person is on (and the panel
referrals and case reviews about them the viewer may see); a place's, the incidents there and
the cases located there. Officers and supervisors only: a timeline is made of what was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Channel
from csphub.errors import PermissionRefused

#: The kinds of event a timeline can be filtered by, in the order the filter offers them.
KINDS: dict[str, str] = {
    "incident": "Incidents",
    "visit": "Monitoring visits",
    "note": "Notes",
    "intervention": "Tools and powers",
    "breach": "Breaches",
    "referral": "Referrals to partners",
    "panel": "Panel referrals and decisions",
    "case_review": "ASB Case Review",
    "letter": "Letters written",
    "case": "Case opened and closed",
}


@dataclass(frozen=True)
class Event:
    """One thing that happened, as a timeline shows it."""

    when: datetime
    kind: str
    title: str
    detail: str = ""
    reference: str = ""
    case_id: int | None = None
    has_time: bool = False

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def case_url(self) -> str:
        return reverse("case-detail", args=[self.case_id]) if self.case_id else ""


@dataclass(frozen=True)
class Window:
    """Which kinds, between which days (inclusive); empty kinds = every kind."""

    kinds: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def days(self, queryset: QuerySet[Any], column: str) -> QuerySet[Any]:
        """The records whose ``column`` (a date) falls in the window."""
        if self.start:
            queryset = queryset.filter(**{f"{column}__gte": self.start})
        if self.end:
            queryset = queryset.filter(**{f"{column}__lte": self.end})
        return queryset

    def moments(self, queryset: QuerySet[Any], column: str) -> QuerySet[Any]:
        """The same for a date and time column, by the local day."""
        if self.start:
            queryset = queryset.filter(**{f"{column}__gte": _start_of(self.start)})
        if self.end:
            queryset = queryset.filter(**{f"{column}__lt": _start_of(date.fromordinal(self.end.toordinal() + 1))})
        return queryset

    def holds(self, day: date | None) -> bool:
        return day is not None and (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _at(day: date) -> datetime:
    """A date as a moment for sorting: the end of the day, so an incident at 22:30 comes first."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _require_free_text(user: Any) -> None:
    if not policy.can_read_free_text(user):
        raise PermissionRefused("A timeline is made of what was written on the cases; your role sees their facts "
                                "only (the case list and statistics).")


# ---- Reading each kind (through access, audited by the ids shown) ------------------------------

def _events(user: Any, scope: Q, window: Window, purpose: str, channel: str,
            incidents: Q | None = None) -> list[Event]:
    """Every event on the cases ``scope`` selects (a Q on ``case``), each kind through access;
    ``incidents``, when given, selects the incidents instead (a place's: those that happened there)."""
    found: list[Event] = []
    audit = {"purpose": purpose, "channel": channel}
    if window.wants("incident"):
        rows = window.moments(reads.incidents(user, **audit).filter(incidents or scope), "occurred_at")
        for i in rows.select_related("case", "reported_by_agency", "location"):
            found.append(Event(i.occurred_at, "incident", f"Incident{' (hate)' if i.is_hate else ''}",
                               i.description, i.case.reference, i.case_id, True))
    if window.wants("visit"):
        for v in window.days(reads.visits(user, **audit).filter(scope), "visited_on").select_related("case", "officer"):
            found.append(Event(_at(v.visited_on), "visit", "Monitoring visit", v.findings, v.case.reference, v.case_id))
    if window.wants("note"):
        for n in window.moments(reads.notes(user, **audit).filter(scope), "created_on").select_related("case",
                                                                                                        "created_by"):
            found.append(Event(n.created_on, "note", f"Note by {_name(n.created_by)}", n.text, n.case.reference,
                               n.case_id, True))
    if window.wants("intervention") or window.wants("breach") or window.wants("letter"):
        found += _interventions(user, scope, window, audit)
    if window.wants("referral"):
        for r in window.days(reads.referrals(user, **audit).filter(scope), "sent_on").select_related("case",
                                                                                                      "to_agency"):
            found.append(Event(_at(r.sent_on), "referral", f"Referred to {r.to_agency}"
                               f"{f' ({r.service})' if r.service else ''}: {r.get_status_display().lower()}",
                               r.reason, r.case.reference, r.case_id))
    return found


def _interventions(user: Any, scope: Q, window: Window, audit: dict[str, str]) -> list[Event]:
    found: list[Event] = []
    interventions = list(reads.interventions(user, **audit).filter(scope).select_related("case", "person"))
    for i in interventions:
        if window.wants("intervention") and window.holds(i.issued_on):
            to = f" to {i.person.full_name}" if i.person_id else (f" on {i.premises}" if i.premises else "")
            found.append(Event(_at(i.issued_on), "intervention", f"{i.get_kind_display()}{to}", i.conduct,
                               i.case.reference, i.case_id))
    if window.wants("letter") and interventions:
        found += _letters(interventions, window)
    if window.wants("breach") and interventions:
        from .models import Breach

        breaches = window.days(Breach.objects.filter(intervention__in=interventions, archived_on__isnull=True),
                               "occurred_on").select_related("intervention", "intervention__case")
        shown = reads.shown(user, "breach", breaches, **audit)
        for b in shown:
            found.append(Event(_at(b.occurred_on), "breach", f"Breach of the {b.intervention.get_kind_display()}",
                               b.description, b.intervention.case.reference, b.intervention.case_id))
    return found


def _letters(interventions: list[Any], window: Window) -> list[Event]:
    """The letters written from the interventions shown (issue 12, item 7): which, in what
    format, by whom; the letter's own text is not kept."""
    from .models import GeneratedLetter

    found = window.moments(GeneratedLetter.objects.filter(intervention__in=interventions), "generated_at")
    return [Event(g.generated_at, "letter", f"Letter written: {g.get_kind_display()} of "
                  f"{g.intervention.issued_on:%d %b %Y} ({g.get_format_display()})", f"by {_name(g.generated_by)}",
                  g.case.reference, g.case_id, True)
            for g in found.select_related("case", "intervention", "generated_by")]


def _panel_events(user: Any, scope: Q, window: Window, purpose: str, channel: str) -> list[Event]:
    """Panel referrals and their decisions, for the panels' members only (csphub.access)."""
    if not window.wants("panel"):
        return []
    found: list[Event] = []
    for r in reads.panel_referrals(user, purpose=purpose, channel=channel).filter(scope).select_related("panel", "case"):
        ref = r.case.reference if r.case_id else ""
        if window.holds(r.referred_on):
            found.append(Event(_at(r.referred_on), "panel", f"Referred to {r.panel}", r.reason, ref, r.case_id))
        if r.decided_on and window.holds(r.decided_on):
            found.append(Event(_at(r.decided_on), "panel", f"{r.panel} decision: {r.get_status_display().lower()}",
                               r.decision_reason, ref, r.case_id))
    return found


def _case_review_events(user: Any, scope: Q, window: Window, purpose: str, channel: str) -> list[Event]:
    if not window.wants("case_review") and not window.wants("letter"):
        return []
    found: list[Event] = []
    applications = (reads.case_reviews(user, purpose=purpose, channel=channel).filter(scope).distinct()
                    .select_related("case"))
    for a in applications.prefetch_related("letters__generated_by"):
        ref, case_id = (a.case.reference, a.case_id) if a.case_id else (a.reference, None)
        if window.wants("letter"):  # the letters to the applicant (issue 12, item 7)
            found += [Event(g.generated_at, "letter", f"Case review {a.reference}: {g.get_kind_display().lower()} "
                            f"letter written ({g.get_format_display()})", f"by {_name(g.generated_by)}", ref, case_id,
                            True) for g in a.letters.all() if window.holds(timezone.localtime(g.generated_at).date())]
        if not window.wants("case_review"):
            continue
        steps = [(a.received_on, f"Case review {a.reference}: application received", a.behaviour),
                 (a.acknowledged_on, f"Case review {a.reference}: acknowledged", ""),
                 (a.decided_on, f"Case review {a.reference}: threshold {'met' if a.threshold_met else 'not met'}",
                  a.decision_reason),
                 (a.review_held_on, f"Case review {a.reference}: review held", a.recommendations),
                 (a.escalation_requested_on, f"Case review {a.reference}: escalation asked for", a.escalation_outcome)]
        found += [Event(_at(day), "case_review", title, detail, ref, case_id) for day, title, detail in steps
                  if day and window.holds(day)]
    return found


def _case_events(cases: Iterable[Any], window: Window) -> list[Event]:
    if not window.wants("case"):
        return []
    found = []
    for c in cases:
        if window.holds(c.opened_on):
            found.append(Event(_at(c.opened_on), "case", f"Case {c.reference} opened ({c.case_type})", c.summary,
                               c.reference, c.pk))
        if c.closed_on and window.holds(c.closed_on):
            found.append(Event(_at(c.closed_on), "case", f"Case {c.reference} closed: {c.get_outcome_display()}", "",
                               c.reference, c.pk))
    return found


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "someone"


def _ordered(events: list[Event], newest_first: bool) -> list[Event]:
    return sorted(events, key=lambda e: (e.when, e.kind, e.title), reverse=newest_first)


# ---- The three timelines -------------------------------------------------------------------------

def case_timeline(user: Any, pk: object, window: Window, *, newest_first: bool = False,
                  channel: str = Channel.WEB) -> dict[str, Any]:
    case = reads.case(user, pk, purpose="case timeline", channel=channel)
    _require_free_text(user)
    purpose = f"case timeline {case.pk}"
    scope = Q(case=case)
    events = (_events(user, scope, window, purpose, channel) + _panel_events(user, scope, window, purpose, channel)
              + _case_review_events(user, scope | Q(case_links__case=case), window, purpose, channel)
              + _case_events([case], window))
    return {"case": case, "events": _ordered(events, newest_first), "subject": case.reference}


def person_timeline(user: Any, pk: object, window: Window, *, newest_first: bool = False,
                    channel: str = Channel.WEB) -> dict[str, Any]:
    person = reads.person(user, pk, purpose="person timeline", channel=channel)
    _require_free_text(user)
    purpose = f"person timeline {person.pk}"
    on_cases = list(reads.cases(user, purpose=purpose, channel=channel)
                    .filter(id__in=policy.parties(user).filter(person=person).values("case_id"))
                    .select_related("case_type"))
    scope = Q(case__in=on_cases)
    events = (_events(user, scope, window, purpose, channel) + _case_events(on_cases, window)
              + _panel_events(user, Q(person=person), window, purpose, channel)
              + _case_review_events(user, Q(applicant=person), window, purpose, channel))
    return {"person": person, "events": _ordered(events, newest_first), "cases": on_cases,
            "subject": person.full_name}


def location_timeline(user: Any, pk: object, window: Window, *, newest_first: bool = False,
                      channel: str = Channel.WEB) -> dict[str, Any]:
    location = reads.location(user, pk, purpose="place timeline", channel=channel)
    purpose = f"place timeline {location.pk}"
    here = list(reads.cases(user, purpose=purpose, channel=channel)
                .filter(Q(location=location) | Q(incidents__location=location)).distinct().select_related("case_type"))
    located = [c for c in here if c.location_id == location.pk]
    _require_free_text(user)
    # The incidents that happened here (on any case the user may see), and the rest of what
    # happened on the cases about this place.
    events = _events(user, Q(case__in=located), window, purpose, channel, incidents=Q(location=location))
    events += _case_events(located, window)
    return {"location": location, "events": _ordered(events, newest_first), "cases": here,
            "subject": location.address}
