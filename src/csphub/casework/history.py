"""Who changed what, when and why: a case's history (the case and every record on it) and a
person's, from django-simple-history's rows (issue 12, item 1).

Read through csphub.access: the case or person first (audited as viewed), then each kind of
record on the case through its reader (audited by the ids whose history is shown). Officers and
supervisors only: a history holds the free text as it was, which analysts never see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Channel
from csphub.errors import PermissionRefused

from .models import AsbCase, Person

#: Fields every record has that say nothing a reader needs (who and when are shown anyway).
HIDDEN = frozenset({"version", "modified_on", "modified_by", "created_on", "created_by", "id", "reference"})
#: How many changes a history page shows, newest first.
LIMIT = 500


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    """One history row: what record, created or changed, by whom, when, why and what changed."""

    when: datetime
    who: str
    what: str
    record_id: int
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return {"+": "Recorded", "~": "Changed", "-": "Removed"}.get(self.kind, "Changed")


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    """A value as a person reads it: a choice's label, a date in words, a related record's name."""
    if value is None or value == "":
        return "(blank)"
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a history-only column is shown as it is
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return _related_name(related) if related is not None else f"#{value}"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d %B %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _answer_changes(old: Any, new: Any) -> list[Change]:
    """A risk assessment's corrected answers, one change per question whose answer changed; a
    question left unanswered reads "Not answered", never "No"."""
    from .rules import RISK_QUESTIONS

    def said(answers: Any, key: str) -> str:
        return {True: "Yes", False: "No"}.get((answers or {}).get(key), "Not answered")

    return [Change(q.text, said(old, q.key), said(new, q.key)) for q in RISK_QUESTIONS
            if said(old, q.key) != said(new, q.key)]


def _related_name(related: Any) -> str:
    if hasattr(related, "get_full_name"):
        return related.get_full_name() or related.username
    return str(related)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001
        return name.replace("_", " ").capitalize()


def _who(row: Any) -> str:
    user = row.history_user
    if user is None:
        return "System"
    return user.get_full_name() or user.username


def entries_of(rows: list[Any], what: Any) -> list[Entry]:
    """Entries from the history rows of one kind of record (each record's rows diffed in order).
    ``what(row)`` names the record (e.g. "Incident 12 June 2026")."""
    by_record: dict[int, list[Any]] = {}
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        by_record.setdefault(row.id, []).append(row)
    found: list[Entry] = []
    for history in by_record.values():
        previous = None
        for row in history:
            changes: list[Change] = []
            model = row.instance_type
            if previous is not None:
                for delta in row.diff_against(previous).changes:
                    if delta.field in HIDDEN:
                        continue
                    if delta.field == "answers":  # a risk assessment's: said question by question
                        changes += _answer_changes(delta.old, delta.new)
                        continue
                    changes.append(Change(_label(model, delta.field), _shown(model, delta.field, delta.old),
                                          _shown(model, delta.field, delta.new)))
                if not changes and not row.history_change_reason:
                    previous = row
                    continue  # a save that changed nothing a reader sees (e.g. the version)
            found.append(Entry(row.history_date, _who(row), what(row), row.id, row.history_type,
                               row.history_change_reason or "", changes))
            previous = row
    return found


CASE_KINDS = (
    ("parties", "party", lambda r: f"{r.person.full_name if r.person_id else 'A person'}'s role"),
    ("incidents", "incident", lambda r: f"Incident of {timezone.localtime(r.occurred_at):%d %B %Y}"),
    ("interventions", "intervention", lambda r: f"{r.get_kind_display()} of {r.issued_on:%d %B %Y}"),
    ("referrals", "referral", lambda r: "Referral"),
    ("tasks", "task", lambda r: f"Task: {r.title}"),
    ("notes", "note", lambda r: "Note"),
    ("visits", "visit", lambda r: f"Visit of {r.visited_on:%d %B %Y}"),
    ("risk_assessments", "risk_assessment", lambda r: "Risk assessment"),
)


def _breach_entries(user: Any, interventions: list[Any], purpose: str, channel: str) -> list[Entry]:
    """The history of the breaches of the tools and powers shown (audited by the ids shown)."""
    from .models import Breach

    breaches = reads.shown(user, "breach", Breach.objects.filter(intervention__in=interventions,
                                                                  archived_on__isnull=True),
                           purpose=purpose, channel=channel)
    if not breaches:
        return []
    kinds = {i.pk: i.get_kind_display() for i in interventions}
    rows = list(Breach.history.filter(id__in=[b.pk for b in breaches]).select_related("history_user"))
    return entries_of(rows, lambda r: f"Breach of the {kinds.get(r.intervention_id, 'tool or power')} "
                                      f"of {r.occurred_on:%d %B %Y}")


def case_history(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """The case's history and every record on it the user may see, newest first."""
    case = reads.case(user, pk, purpose="case history", channel=channel)
    if not policy.can_read_free_text(user):
        raise PermissionRefused("A case's history holds what was written on it; your role sees the case's facts "
                                "only.")
    purpose = f"case history {case.pk}"
    found = entries_of(list(AsbCase.history.filter(id=case.pk).select_related("history_user", "case_type")),
                       lambda r: "The case")
    for reader, _object_type, name in CASE_KINDS:
        records = list(getattr(reads, reader)(user, purpose=purpose, channel=channel).filter(case=case))
        if not records:
            continue
        model = type(records[0])
        rows = list(model.history.filter(id__in=[r.pk for r in records])  # type: ignore[attr-defined]
                    .select_related("history_user"))
        found += entries_of(rows, name)
        if reader == "interventions":
            found += _breach_entries(user, records, purpose, channel)
    found.sort(key=lambda e: e.when, reverse=True)
    return {"case": case, "entries": found[:LIMIT], "more": max(0, len(found) - LIMIT)}


def person_history(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    person = reads.person(user, pk, purpose="person history", channel=channel)
    rows = list(Person.history.filter(id=person.pk).select_related("history_user"))
    found = entries_of(rows, lambda r: "Their details")
    found.sort(key=lambda e: e.when, reverse=True)
    return {"person": person, "entries": found[:LIMIT], "more": max(0, len(found) - LIMIT)}


def location_history(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """A place's history (its address, postcode, point and the ward and LSOA that follow them),
    newest first: officers and supervisors who may see the place."""
    from .models import Location

    location = reads.location(user, pk, purpose="place history", channel=channel)
    if not policy.can_read_free_text(user):
        raise PermissionRefused("A place's history is for officers and supervisors.")
    rows = list(Location.history.filter(id=location.pk).select_related("history_user"))
    found = entries_of(rows, lambda r: "The place")
    found.sort(key=lambda e: e.when, reverse=True)
    return {"location": location, "entries": found[:LIMIT], "more": max(0, len(found) - LIMIT)}
