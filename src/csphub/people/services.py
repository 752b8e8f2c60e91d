"""Batch dedupe into a review queue, merge and un-merge, and candidates for a new record.

Permissions hold: a reviewer sees a match only when they may see both records, and the
candidates offered for a new record come only from people the officer may already see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Action, Channel, record
from csphub.casework.models import CaseParty, Person
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused
from csphub.settings import load_settings

from .models import PersonMatch, PersonMerge

DEFAULT_THRESHOLD = 0.9


def model_path() -> Path:
    """Where ``csphub people dedupe`` keeps the model it trained (settings, m and u: no records)."""
    return load_settings().data_dir / "linkage" / "person-model.json"


def person_frame(people: QuerySet[Person]) -> pd.DataFrame:
    """Person records in the shape csphub.linkage expects."""
    rows = people.filter(merged_into__isnull=True, archived_on__isnull=True, anonymised_on__isnull=True).values(
        "id", "recorded_by_agency__name", "first_name", "last_name", "date_of_birth", "postcode", "address")
    frame = pd.DataFrame.from_records(list(rows), columns=["id", "recorded_by_agency__name", "first_name", "last_name",
                                                            "date_of_birth", "postcode", "address"])
    frame = frame.rename(columns={"id": "unique_id", "recorded_by_agency__name": "agency"})
    frame["unique_id"] = frame["unique_id"].astype(str)
    frame["date_of_birth"] = frame["date_of_birth"].map(lambda d: d.isoformat() if d else None)
    for column in ("postcode", "address"):
        frame[column] = frame[column].replace("", None)
    return frame


@transaction.atomic
def run_dedupe(threshold: float = DEFAULT_THRESHOLD) -> dict[str, int]:
    """Link every agency's person records; add new likely pairs to the review queue."""
    from csphub.linkage import PersonMatcher

    frame = person_frame(Person.objects.all())
    if len(frame) < 2:
        return {"records": len(frame), "pairs": 0, "new": 0}
    with PersonMatcher() as matcher:
        pairs = matcher.fit(frame).predict_pairs(threshold)
        if matcher.trained:  # kept so adding a person can score against it without training
            matcher.save(model_path())
    new = 0
    for row in pairs.itertuples(index=False):
        a, b = sorted((int(row.unique_id_l), int(row.unique_id_r)))
        _, created = PersonMatch.objects.get_or_create(person_a_id=a, person_b_id=b,
                                                       defaults={"probability": float(row.match_probability)})
        new += int(created)
    record(None, Action.CREATED, "person_match", "", channel=Channel.CLI,
           summary=f"dedupe over {len(frame)} records: {len(pairs)} pairs >= {threshold}, {new} new")
    return {"records": len(frame), "pairs": len(pairs), "new": new}


def review_queue(user: Any, *, limit: int = 100, channel: str = Channel.WEB) -> list[PersonMatch]:
    """Pending matches where the reviewer may see both records (never reveals either
    otherwise); the matches and both people of each are audited by id."""
    if not policy.can_record_people(user):
        raise PermissionRefused("Matching people is for officers and supervisors.")
    found = list(reads.person_matches(user, purpose="duplicate review queue", channel=channel)
                 .filter(status=PersonMatch.Status.PENDING).select_related("person_a", "person_b")[:limit])
    reads.shown(user, "person", {p.pk: p for m in found for p in (m.person_a, m.person_b)}.values(),
                purpose="duplicate review queue", channel=channel)
    return found


def merge_list(user: Any, *, channel: str = Channel.WEB) -> dict[str, list[PersonMerge]]:
    """Merges the reviewer may undo, and merges waiting for their agency to confirm (audited)."""
    found = list(reads.person_merges(user, purpose="merges", channel=channel).filter(unmerged_on__isnull=True)
                 .select_related("kept", "merged", "awaiting_agency")[:100])
    reads.shown(user, "person", {p.pk: p for m in found for p in (m.kept, m.merged)}.values(), purpose="merges",
                channel=channel)
    agency = policy.agency_id_of(user)
    return {"done": [m for m in found if not m.is_awaiting_confirmation],
            "to_confirm": [m for m in found if m.is_awaiting_confirmation and m.awaiting_agency_id == agency],
            "waiting": [m for m in found if m.is_awaiting_confirmation and m.awaiting_agency_id != agency]}


def _match_for(user: Any, match_id: object) -> PersonMatch:
    return reads.person_match(user, match_id, purpose="review a match")


@transaction.atomic
def merge(user: Any, match_id: object, *, keep: str = "a", channel: str = Channel.WEB) -> PersonMerge:
    """Merge the pair: the other record points at the kept one and its case roles move to it.

    A merge never widens who may see a record: if the two records were recorded by different
    agencies, the merge waits until an officer of the other agency confirms it (nothing moves
    before); and only the roles on cases the merging officer may see are moved. Nothing is
    deleted; un-merge puts every moved role back."""
    match = _match_for(user, match_id)
    if match.status != PersonMatch.Status.PENDING:
        raise RuleRefused("match_not_pending", f"This match is already {match.get_status_display().lower()}.", "status")
    kept, merged = (match.person_a, match.person_b) if keep == "a" else (match.person_b, match.person_a)
    owners = {kept.recorded_by_agency_id, merged.recorded_by_agency_id} - {policy.agency_id_of(user)}
    match.status, match.reviewed_by, match.reviewed_on = PersonMatch.Status.MERGED, user, timezone.now()
    match.save()
    done = PersonMerge.objects.create(match=match, kept=kept, merged=merged, merged_by=user,
                                      awaiting_agency_id=owners.pop() if owners else None)
    if done.awaiting_agency_id is None:
        _carry_out(user, done)
    record(user, Action.MERGED, "person", merged.pk, channel=channel,
           summary=f"into {kept.pk} (match {match.pk})" + (" awaiting the other agency" if done.awaiting_agency_id else ""))
    return done


@transaction.atomic
def confirm_merge(user: Any, merge_id: object, *, channel: str = Channel.WEB) -> PersonMerge:
    """The other agency's officer confirms a cross-agency merge; the roles then move."""
    done = reads.person_merge(user, merge_id, purpose="confirm a merge", channel=channel)
    if not done.is_awaiting_confirmation:
        raise RuleRefused("merge_not_awaiting", "This merge is not waiting for confirmation.", "merge")
    if done.awaiting_agency_id != policy.agency_id_of(user) or not policy.works_cases(user):
        raise PermissionRefused("Only an officer of the agency that recorded the other record can confirm this merge.")
    done.confirmed_by, done.confirmed_on = user, timezone.now()
    done.save()
    _carry_out(done.merged_by, done)
    record(user, Action.MERGED, "person", done.merged_id, channel=channel, summary=f"confirmed merge {done.pk}")
    return done


def _carry_out(merger: Any, done: PersonMerge) -> None:
    """Move the merged record's case roles that the merging officer may see onto the kept one."""
    moved = []
    visible_cases = policy.cases(merger)
    for party in CaseParty.objects.filter(person=done.merged, case__in=visible_cases):
        if CaseParty.objects.filter(case=party.case, person=done.kept, role=party.role).exists():
            continue  # already there in that role; leave the merged record's row in place
        party.person = done.kept
        party.save()
        moved.append(party.pk)
    done.merged.merged_into = done.kept
    done.merged.save_by(merger)
    done.moved_case_roles = moved
    done.save()


@transaction.atomic
def unmerge(user: Any, merge_id: object, *, channel: str = Channel.WEB) -> PersonMerge:
    done = reads.person_merge(user, merge_id, purpose="undo a merge", channel=channel)
    if done.unmerged_on is not None:
        raise NotFoundError(f"No merge {merge_id}.")
    CaseParty.objects.filter(pk__in=done.moved_case_roles).update(person=done.merged)
    if done.merged.merged_into_id == done.kept_id:
        done.merged.merged_into = None
        done.merged.save_by(user)
    done.unmerged_by, done.unmerged_on = user, timezone.now()
    done.save()
    if done.match:
        done.match.status = PersonMatch.Status.UNMERGED
        done.match.save()
    record(user, Action.UNMERGED, "person", done.merged_id, channel=channel, summary=f"from {done.kept_id}")
    return done


@transaction.atomic
def reject(user: Any, match_id: int, *, channel: str = Channel.WEB) -> PersonMatch:
    match = _match_for(user, match_id)
    match.status, match.reviewed_by, match.reviewed_on = PersonMatch.Status.REJECTED, user, timezone.now()
    match.save()
    record(user, Action.CHANGED, "person_match", match.pk, channel=channel, summary="not the same person")
    return match


def likely_existing(user: Any, details: dict[str, Any], *, top: int = 5, threshold: float = 0.5) -> list[tuple[Person, float]]:
    """People the officer may already see who look like the person being added, best first.

    Scores with the model the last ``csphub people dedupe`` trained when there is one (about a
    second), rather than training on every submission (several seconds for thousands).
    """
    from csphub.linkage import PersonMatcher

    frame = person_frame(policy.people(user))
    if frame.empty:
        return []
    new = {"unique_id": "new", "agency": "", "first_name": details.get("first_name", ""),
           "last_name": details.get("last_name", ""),
           "date_of_birth": details["date_of_birth"].isoformat() if details.get("date_of_birth") else None,
           "postcode": details.get("postcode") or None, "address": details.get("address") or None}
    with PersonMatcher() as matcher:
        found = matcher.fit(frame, saved_model=model_path()).candidates_for(new, top=top)
    ids = {int(uid): p for uid, p in found if p >= threshold}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    return [(people[i], ids[i]) for i in ids if i in people]
