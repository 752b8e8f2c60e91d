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
    # Bob was recorded by the police: nothing moves until the police confirm the merge.
    bob.refresh_from_db()
    assert merged.is_awaiting_confirmation and bob.merged_into is None
    assert CaseParty.objects.get(case=other_case).person == bob
    services.confirm_merge(police_officer, merged.pk)
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


def test_batch_dedupe_finds_the_hand_made_true_pairs(two_agencies):
    council_officer, police_officer, case = two_agencies
    robert = create_person(council_officer, first_name="Robert", last_name="Smith", date_of_birth=date(1985, 3, 2),
                           postcode="ME4 4QU")
    bob = create_person(police_officer, first_name="Bob", last_name="Smith", date_of_birth=date(1985, 3, 2),
                        postcode="ME44QU")
    create_person(police_officer, first_name="Sarah", last_name="Smith", date_of_birth=date(1990, 7, 9),
                  postcode="ME4 4QU")  # same surname and postcode, a different person
    create_person(council_officer, first_name="Jane", last_name="Okafor", date_of_birth=date(1979, 1, 1))
    result = services.run_dedupe(threshold=0.9)
    assert result["records"] == 4
    pairs = {(m.person_a_id, m.person_b_id) for m in PersonMatch.objects.all()}
    assert pairs == {tuple(sorted((robert.pk, bob.pk)))}
    assert services.run_dedupe(threshold=0.9)["new"] == 0  # re-running adds nothing


def test_adding_a_person_offers_the_likely_existing_record_first(client, two_agencies):
    council_officer, police_officer, case = two_agencies
    existing = create_person(council_officer, first_name="Elizabeth", last_name="Turner", date_of_birth=date(1962, 5, 17))
    casework.add_party(council_officer, case, create_person(council_officer, first_name="X"), "victim")
    other = create_case(council_officer)
    casework.add_party(council_officer, other, existing, "victim")
    client.force_login(council_officer)
    form = {"role": "witness", "first_name": "Liz", "last_name": "Turner", "date_of_birth": "1962-05-17",
            "consent_to_share": "given"}
    offered = client.post(f"/cases/{case.pk}/people/add/", form)
    assert offered.status_code == 200 and "This person may already be known" in offered.content.decode()
    assert f'name="person_id" value="{existing.pk}"' in offered.content.decode()
    assert Person.objects.filter(first_name="Liz").count() == 0  # nothing created yet
    confirmed = client.post(f"/cases/{case.pk}/people/add/", {**form, "confirm_new": "1"})
    assert confirmed.status_code == 302 and Person.objects.filter(first_name="Liz").count() == 1


def test_dedupe_saves_its_model_and_adding_a_person_scores_with_it_without_training(
        two_agencies, data_dir, monkeypatch):
    from csphub.linkage import PersonMatcher, generate_people

    council_officer, _, _ = two_agencies
    records, _ = generate_people(700, seed=8)  # about 1,300 records: enough to train
    def text(value):  # missing values in the synthetic frame are NaN
        return value if isinstance(value, str) else ""

    Person.objects.bulk_create([
        Person(first_name=text(r.first_name), last_name=text(r.last_name),
               date_of_birth=date.fromisoformat(r.date_of_birth) if text(r.date_of_birth) else None,
               postcode=text(r.postcode), address=text(r.address),
               recorded_by_agency=council_officer.membership.agency)
        for r in records.itertuples()])
    assert Person.objects.count() >= 1_000
    services.run_dedupe(threshold=0.9)
    assert services.model_path().is_relative_to(data_dir) and services.model_path().exists()

    trained_again = []
    monkeypatch.setattr(PersonMatcher, "_train", lambda self, linker: trained_again.append(1))
    known = Person.objects.exclude(date_of_birth=None).exclude(postcode="").order_by("pk").first()
    found = services.likely_existing(council_officer, {
        "first_name": known.first_name, "last_name": known.last_name,
        "date_of_birth": known.date_of_birth, "postcode": known.postcode, "address": known.address})
    # the person themself is offered as likely (their duplicates from other agencies may tie)
    assert known.pk in {person.pk for person, probability in found if probability >= 0.9}
    assert found[0][1] == max(probability for _, probability in found)
    assert trained_again == []
