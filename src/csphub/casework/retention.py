"""Retention: anonymise closed cases once the partnership's retention period has passed.

Anonymised, not deleted: the case keeps its dates, type, status, outcome and tools-and-powers
counts (so statistics for past years still add up), and loses its words and its people. Every
history row (django-simple-history, many-to-many history included) of every record touched is
anonymised too, so no old value survives; retention's own audit entries hold ids and counts only.

For each case due (closed more than the retention period ago):

- the case summary; the words on its incidents, notes, monitoring visits, referrals (reason,
  outcome, service), tools and powers (conduct, premises, outcome) and their breaches (description,
  action taken), tasks and alerts; risk assessment answers (score and level stay); attachments
  (the stored file is deleted, the description and the name it was uploaded with go);
- its places (case and incident locations: address, postcode, coordinates; the ward stays, it is a
  statistic), unless a retained case or incident uses the place;
- panel referrals and ASB Case Review applications linked to it (``panels/retention.py``,
  ``casereview/retention.py``).

For each person on those cases (as a party, or named on a tool or power, referral or risk
assessment) who is on no retained case, and any record merged into them: names become
``[anonymised]``; date of birth and contact details go; vulnerability flags are deleted with their
history; group memberships are removed (history too) and groups whose members all go lose their
name and description; their panel referrals, case review applications and offence sources go the
same way. Person match and merge rows hold ids and a probability only, so they need nothing.

Free text that was empty stays empty (so "has an outcome" and "made recommendations" counts still
add up); reasons for archiving and for history changes are free text too, and go the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from csphub.audit.services import Action, Channel, record

from . import rules
from .models import (
    Alert,
    AsbCase,
    Attachment,
    Breach,
    CaseNote,
    CaseParty,
    Group,
    Incident,
    Intervention,
    Location,
    MonitoringVisit,
    Person,
    Referral,
    RiskAssessment,
    Task,
    VulnerabilityFlag,
)

REDACTED = "[anonymised]"
#: Ids per query, well under SQLite's limit on bound parameters, so a first run over years of
#: closed cases works as well as a monthly one.
BATCH = 500
#: Free text every BaseRecord and every history row carries besides its own fields.
ALWAYS_WORDS = ("archived_reason", "history_change_reason")
#: Records that put a person on a case; a person is "on" a case through any of them.
PERSON_LINKS: tuple[type[models.Model], ...] = (CaseParty, Intervention, Referral, RiskAssessment)
PERSON_BLANK: dict[str, Any] = {"first_name": REDACTED, "last_name": REDACTED, "date_of_birth": None,
                                "phone": "", "email": "", "address": "", "postcode": ""}


@dataclass(frozen=True)
class RetentionReport:
    cutoff: date
    cases: int
    people: int
    locations: int = 0
    groups: int = 0
    panel_referrals: int = 0
    case_reviews: int = 0


def cutoff_for(today: date, years: int) -> date:
    return rules.add_months(today, -12 * years)


# ---- Helpers the panel and case review scrubbing share ------------------------------------

def batches(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` in sorted lists of at most BATCH."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start:start + BATCH]


def _tables(model: type[models.Model]) -> list[models.Manager]:
    """The model's own table and, when it keeps history, its history table."""
    history = getattr(model, "history", None)
    return [model._default_manager] + ([history.model._default_manager] if history is not None else [])


def ids_of(model: type[models.Model], field: str, values: Collection[int]) -> set[int]:
    """Ids of the ``model`` records whose ``field`` is in ``values``, now or in any history row
    (so a record moved off a case since still counts).

    Example: ``ids_of(Intervention, "case_id", [12])`` -> the ids of case 12's tools and powers.
    """
    found: set[int] = set()
    for manager in _tables(model):
        for batch in batches(values):
            found.update(manager.filter(**{f"{field}__in": batch}).values_list("id", flat=True))
    return found


def scrub(model: type[models.Model], field: str, values: Collection[int], words: Iterable[str] = (),
          **set_to: Any) -> None:
    """Anonymise the ``model`` rows whose ``field`` is in ``values``, and every history row of them.

    Each of ``words`` (free text) that is not empty becomes REDACTED, as do reasons for archiving
    and for history changes; ``set_to`` fields are set as given. No new history row is written:
    the point is that no old value survives anywhere.

    Example: ``scrub(CaseNote, "case_id", [12], ["text"])`` blanks case 12's notes and their history.
    """
    for manager in _tables(model):
        names = {f.name for f in manager.model._meta.concrete_fields}
        text = [w for w in (*words, *ALWAYS_WORDS) if w in names]
        for batch in batches(values):
            rows = manager.filter(**{f"{field}__in": batch})
            if set_to:
                rows.update(**set_to)
            for name in text:
                rows.exclude(**{name: ""}).update(**{name: REDACTED})


# ---- Who and what goes ---------------------------------------------------------------------

def _due_cases(years: int, today: date) -> set[int]:
    closed = AsbCase.objects.filter(status="closed", anonymised_on__isnull=True, closed_on__isnull=False)
    return {pk for pk, closed_on in closed.values_list("pk", "closed_on")
            if rules.retention_due(closed_on, today, years)}


def _gone_cases(due: set[int]) -> set[int]:
    """Cases whose people and places are free to go: the due ones and those already anonymised."""
    return due | set(AsbCase.objects.filter(anonymised_on__isnull=False).values_list("pk", flat=True))


def _cases_of_people(person_ids: Collection[int]) -> dict[int, set[int]]:
    cases: dict[int, set[int]] = defaultdict(set)
    for model in PERSON_LINKS:
        for batch in batches(person_ids):
            for person_id, case_id in model._default_manager.filter(person_id__in=batch).values_list("person_id", "case_id"):
                cases[person_id].add(case_id)
    return cases


def _people_leaving(due: set[int], gone: set[int]) -> set[int]:
    """People on the due cases who are on no retained case, and records merged into them."""
    candidates: set[int] = set()
    for model in PERSON_LINKS:
        for batch in batches(due):
            candidates.update(model._default_manager.filter(case_id__in=batch, person_id__isnull=False)
                              .values_list("person_id", flat=True))
    seen, leaving = set(candidates), set()
    while candidates:
        cases = _cases_of_people(candidates)
        leaving |= {p for p in candidates if cases.get(p, set()) <= gone}
        merged: set[int] = set()
        for batch in batches(leaving):
            merged.update(Person.objects.filter(merged_into_id__in=batch).values_list("pk", flat=True))
        candidates = merged - seen
        seen |= candidates
    return {pk for batch in batches(leaving)
            for pk in Person.objects.filter(pk__in=batch, anonymised_on__isnull=True).values_list("pk", flat=True)}


def _locations_leaving(due: set[int], gone: set[int]) -> set[int]:
    """Places of the due cases and their incidents that no retained case or incident uses."""
    used: set[int] = set()
    for batch in batches(due):
        used.update(AsbCase.objects.filter(pk__in=batch, location__isnull=False).values_list("location_id", flat=True))
        used.update(Incident.objects.filter(case_id__in=batch, location__isnull=False)
                    .values_list("location_id", flat=True))
    kept: set[int] = set()
    for batch in batches(used):
        uses = [*AsbCase.objects.filter(location_id__in=batch).values_list("location_id", "pk"),
                *Incident.objects.filter(location_id__in=batch).values_list("location_id", "case_id")]
        kept.update(location for location, case in uses if case not in gone)
    return used - kept


def _group_members_history() -> type[models.Model]:
    """django-simple-history's table of who was in each group at each historical version."""
    return Group.history.model._meta.get_field("historicalgroup_members").related_model


def _groups_of(table: type[models.Model], people: Collection[int]) -> set[int]:
    found: set[int] = set()
    for batch in batches(people):
        found.update(table._default_manager.filter(person_id__in=batch).values_list("group_id", flat=True))
    return found


def _groups_leaving(people: set[int]) -> set[int]:
    """Groups a leaving person is or was in whose current members are all leaving (or gone)."""
    members = Group.members.through
    touched = _groups_of(members, people) | _groups_of(_group_members_history(), people)
    gone_people = people | set(Person.objects.filter(anonymised_on__isnull=False).values_list("pk", flat=True))
    current: dict[int, set[int]] = defaultdict(set)
    for batch in batches(touched):
        for group_id, person_id in members.objects.filter(group_id__in=batch).values_list("group_id", "person_id"):
            current[group_id].add(person_id)
    return {g for g in touched if current.get(g, set()) <= gone_people}


# ---- Applying it ---------------------------------------------------------------------------

@transaction.atomic
def apply_retention(years: int, *, today: date | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise the cases closed more than ``years`` ago and the people only on them.

    Example: ``apply_retention(6, today=date(2026, 1, 1), dry_run=True)`` says what a run on
    1 January 2026 would anonymise (cases closed on or before 1 January 2020) and changes nothing.
    """
    # Imported here: panels and case review build on casework, and their scrubbing uses the
    # helpers above.
    from csphub.casereview import retention as case_review_retention
    from csphub.panels import retention as panel_retention

    today = today or timezone.localdate()
    cutoff = cutoff_for(today, years)
    due = _due_cases(years, today)
    gone = _gone_cases(due)
    people = _people_leaving(due, gone)
    locations = _locations_leaving(due, gone)
    groups = _groups_leaving(people)
    if dry_run:
        return RetentionReport(cutoff, len(due), len(people), len(locations), len(groups),
                               len(panel_retention.referrals_of(due, people)),
                               len(case_review_retention.applications_of(due, people)))
    _anonymise_cases(due)
    _anonymise_locations(locations)
    _anonymise_groups(groups)
    _anonymise_people(people)
    referrals = panel_retention.anonymise_panel_records(due, people)
    reviews = case_review_retention.anonymise_case_reviews(due, people)
    report = RetentionReport(cutoff, len(due), len(people), len(locations), len(groups), referrals, reviews)
    _audit(report, due, people)
    return report


def _audit(report: RetentionReport, cases: Iterable[int], people: Iterable[int]) -> None:
    """Ids and counts only: the log must hold nothing a later retention run would have to remove."""
    record(None, Action.ANONYMISED, "retention", "", channel=Channel.CLI,
           summary=(f"closed on or before {report.cutoff}: {report.cases} case(s), {report.people} person "
                    f"record(s), {report.locations} location(s), {report.groups} group(s), "
                    f"{report.panel_referrals} panel referral(s), {report.case_reviews} case review(s)"))
    for pk in sorted(cases):
        record(None, Action.ANONYMISED, "case", pk, channel=Channel.CLI)
    for pk in sorted(people):
        record(None, Action.ANONYMISED, "person", pk, channel=Channel.CLI)


def _anonymise_cases(due: set[int]) -> None:
    now = timezone.now()
    for batch in batches(due):
        for case in AsbCase.objects.filter(pk__in=batch):
            case.summary = REDACTED
            case.anonymised_on = now
            case.save()  # the history shows when it was anonymised
    scrub(AsbCase, "id", due, ["summary"])
    scrub(Incident, "case_id", due, ["description"])
    scrub(CaseNote, "case_id", due, ["text"])
    scrub(MonitoringVisit, "case_id", due, ["findings"])
    scrub(Referral, "case_id", due, ["reason", "outcome", "service"])
    scrub(Intervention, "case_id", due, ["conduct", "outcome", "premises"])
    scrub(Breach, "intervention_id", ids_of(Intervention, "case_id", due), ["description", "action_taken"])
    scrub(Task, "case_id", due, ["title"])
    scrub(RiskAssessment, "case_id", due, answers={})
    scrub(Alert, "case_id", due, ["message"])
    _delete_attachment_files(due)
    scrub(Attachment, "case_id", due, ["description", "original_name"], file="")


def _delete_attachment_files(due: set[int]) -> None:
    """Delete every file the due cases' attachments ever stored, once the anonymisation is
    committed (a rolled-back run must not lose files it did not anonymise)."""
    storage = Attachment.file.field.storage
    names: set[str] = set()
    for manager in _tables(Attachment):
        for batch in batches(due):
            names.update(manager.filter(case_id__in=batch).exclude(file="").values_list("file", flat=True))

    def delete() -> None:
        for name in sorted(names):
            storage.delete(name)

    transaction.on_commit(delete)


def _anonymise_locations(locations: set[int]) -> None:
    scrub(Location, "id", locations, ["address"], postcode="", latitude=None, longitude=None)


def _anonymise_groups(groups: set[int]) -> None:
    scrub(Group, "id", groups, ["name", "description"])


def _anonymise_people(people: set[int]) -> None:
    now = timezone.now()
    for batch in batches(people):
        for person in Person.objects.filter(pk__in=batch):
            for key, value in PERSON_BLANK.items():
                setattr(person, key, value)
            person.anonymised_on = now
            person.save()  # the history shows when it was anonymised
        # Deleting writes a history row per flag; then the flags' history goes as well.
        VulnerabilityFlag.objects.filter(person_id__in=batch).delete()
        VulnerabilityFlag.history.model.objects.filter(person_id__in=batch).delete()
        Group.members.through.objects.filter(person_id__in=batch).delete()
        _group_members_history().objects.filter(person_id__in=batch).delete()
    scrub(Person, "id", people, **PERSON_BLANK)
