"""Retention: anonymise closed cases once the partnership's retention period has passed.

Anonymised, not deleted: the case keeps its dates, type, status, outcome and tools-and-powers
counts (so statistics for past years still add up), and loses its words and its people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from csphub.audit.services import Action, Channel, record

from . import rules
from .models import AsbCase, CaseParty, Person

REDACTED = "[anonymised]"


@dataclass(frozen=True)
class RetentionReport:
    cutoff: date
    cases: int
    people: int


def cutoff_for(today: date, years: int) -> date:
    return rules.add_months(today, -12 * years)


@transaction.atomic
def apply_retention(years: int, *, today: date | None = None, dry_run: bool = False) -> RetentionReport:
    today = today or timezone.localdate()
    cutoff = cutoff_for(today, years)
    due = [c for c in AsbCase.objects.filter(status="closed", anonymised_on__isnull=True, closed_on__isnull=False)
           if rules.retention_due(c.closed_on, today, years)]
    due_ids = {c.pk for c in due}
    people = _people_only_on(due_ids)
    if not dry_run:
        for case in due:
            _anonymise_case(case)
        for person in people:
            _anonymise_person(person)
        record(None, Action.ANONYMISED, "retention", "", channel=Channel.CLI,
               summary=f"{len(due)} case(s) closed on or before {cutoff}, {len(people)} person record(s)")
    return RetentionReport(cutoff, len(due), len(people))


def _people_only_on(case_ids: set[int]) -> list[Person]:
    """People on the due cases who are on no other (retained) case."""
    on_due = set(CaseParty.objects.filter(case_id__in=case_ids).values_list("person_id", flat=True))
    elsewhere = set(CaseParty.objects.filter(person_id__in=on_due).exclude(case_id__in=case_ids)
                    .values_list("person_id", flat=True))
    return list(Person.objects.filter(pk__in=on_due - elsewhere, anonymised_on__isnull=True))


def _anonymise_case(case: AsbCase) -> None:
    now = timezone.now()
    case.summary = REDACTED
    case.anonymised_on = now
    case.save()
    case.notes.update(text=REDACTED)
    case.incidents.update(description=REDACTED)
    case.visits.update(findings=REDACTED)
    case.referrals.update(reason=REDACTED, outcome="")
    case.interventions.update(conduct=REDACTED, outcome="")
    for attachment in case.attachments.all():
        attachment.file.delete(save=False)
        attachment.description = REDACTED
        attachment.save()
    # History rows hold the old words too: clear them so anonymisation is real.
    for model in (case.history.model,):
        model.objects.filter(id=case.pk).update(summary=REDACTED)
    _clear_history(case)
    record(None, Action.ANONYMISED, "case", case.pk, channel=Channel.CLI, summary=case.reference)


def _clear_history(case: AsbCase) -> None:
    from .models import CaseNote, Incident, Intervention, MonitoringVisit, Referral

    for model, field, values in (
        (CaseNote, "case_id", {"text": REDACTED}),
        (Incident, "case_id", {"description": REDACTED}),
        (MonitoringVisit, "case_id", {"findings": REDACTED}),
        (Referral, "case_id", {"reason": REDACTED, "outcome": ""}),
        (Intervention, "case_id", {"conduct": REDACTED, "outcome": ""}),
    ):
        model.history.model.objects.filter(**{field: case.pk}).update(**values)


def _anonymise_person(person: Person) -> None:
    blank = {"first_name": REDACTED, "last_name": REDACTED, "date_of_birth": None, "phone": "",
             "email": "", "address": "", "postcode": ""}
    for key, value in blank.items():
        setattr(person, key, value)
    person.anonymised_on = timezone.now()
    person.save()
    person.flags.all().delete()
    Person.history.model.objects.filter(id=person.pk).update(**blank)
    record(None, Action.ANONYMISED, "person", person.pk, channel=Channel.CLI)
