"""Matching people across agencies: the review queue respects need-to-know; merge and un-merge
keep every record and audit entry; batch dedupe finds the hand-made true pairs."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.audit.models import AuditEntry
from csphub.casework import services as casework
from csphub.casework.models import CaseParty, Person
from csphub.errors import NotFoundError
from csphub.people import services
from csphub.people.models import PersonMatch

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    council, police = create_agency("Council"), create_agency("Police", "police")
    council_officer, police_officer = create_user("officer", council, "c.off"), create_user("officer", police, "p.off")
    case = create_case(council_officer)
    casework.share_case(council_officer, case, police)
    return council_officer, police_officer, case


def test_merge_and_unmerge_keep_every_record_and_audit_entry(two_agencies):
    council_officer, police_officer, case = two_agencies
    robert = create_person(council_officer, first_name="Robert", last_name="Smith", date_of_birth=date(1985, 3, 2))
    bob = create_person(police_officer, first_name="Bob", last_name="Smith", date_of_birth=date(1985, 3, 2))
    casework.add_party(council_officer, case, robert, "victim")
    other_case = create_case(police_officer)
    casework.add_party(police_officer, other_case, bob, "witness")
    casework.share_case(police_officer, other_case, council_officer.membership.agency)
    match = PersonMatch.objects.create(person_a=robert, person_b=bob, probability=0.97)
    merged = services.merge(council_officer, match.pk, keep="a")
    bob.refresh_from_db()
    assert bob.merged_into == robert and Person.objects.count() == 2  # nothing deleted
    assert CaseParty.objects.get(case=other_case).person == robert
    services.unmerge(council_officer, merged.pk)
    bob.refresh_from_db()
    assert bob.merged_into is None and CaseParty.objects.get(case=other_case).person == bob
    match.refresh_from_db()
    assert match.status == "unmerged"
    actions = list(AuditEntry.objects.filter(object_type="person", object_id=str(bob.pk)).values_list("action", flat=True))
    assert "merged" in actions and "unmerged" in actions


def test_a_match_never_reveals_a_record_the_reviewer_may_not_see(two_agencies):
    council_officer, police_officer, case = two_agencies
    housing_officer = create_user("officer", create_agency("Housing", "housing"))
    mine = create_person(council_officer, first_name="Ann")
    theirs = create_person(housing_officer, first_name="Anne")  # housing's record, on no shared case
    match = PersonMatch.objects.create(person_a=mine, person_b=theirs, probability=0.95)
    assert list(services.review_queue(council_officer)) == []
    assert list(services.review_queue(housing_officer)) == []
    with pytest.raises(NotFoundError):
        services.merge(council_officer, match.pk)
    assert Person.objects.get(pk=theirs.pk).merged_into is None
