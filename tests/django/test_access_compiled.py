"""csphub.access.policy keeps a scope's compiled SQL per process (issue 19: a case page's CPU
went on compiling the same nested subqueries a dozen times), never its rows: every read still
asks the database, so a share, an unshare, a new party or an archived record shows on the very
next read, and two agencies never get each other's scope."""

from __future__ import annotations

import pytest

from csphub.access import policy
from csphub.casework import services

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    council, police = create_agency("Council ASB Team"), create_agency("Police", "police")
    officer = create_user("officer", council, "council.officer")
    return {"council": council, "police": police, "officer": officer,
            "police_officer": create_user("officer", police, "police.officer"),
            "case": create_case(officer, summary="Threats at the door")}


def test_a_share_and_an_unshare_show_on_the_next_read_though_the_sql_is_kept(two_agencies):
    officer, police_officer, case = two_agencies["officer"], two_agencies["police_officer"], two_agencies["case"]
    assert list(policy.cases(police_officer)) == []  # the police scope is compiled here, and kept
    services.share_case(officer, case, two_agencies["police"])
    assert list(policy.cases(police_officer)) == [case]
    services.unshare_case(officer, case, two_agencies["police"])
    assert list(policy.cases(police_officer)) == []
    assert list(policy.cases(officer)) == [case]  # the council's own scope is its own


def test_people_and_records_on_a_case_follow_the_sharing_at_once(two_agencies):
    officer, police_officer, case = two_agencies["officer"], two_agencies["police_officer"], two_agencies["case"]
    victim = create_person(officer, first_name="Ottoline", last_name="Vantablack")
    services.add_party(officer, case, victim, "victim")
    assert list(policy.people(police_officer)) == [] and list(policy.parties(police_officer)) == []
    services.share_case(officer, case, two_agencies["police"])
    assert list(policy.people(police_officer)) == [victim]
    assert [p.person_id for p in policy.parties(police_officer)] == [victim.pk]
    services.unshare_case(officer, case, two_agencies["police"])
    assert list(policy.people(police_officer)) == [] and list(policy.parties(police_officer)) == []


def test_an_archived_case_leaves_the_scope_on_the_next_read(two_agencies):
    officer, case = two_agencies["officer"], two_agencies["case"]
    assert list(policy.cases(officer)) == [case]
    case.archived_on = case.opened_on
    case.save(update_fields=["archived_on"])
    assert list(policy.cases(officer)) == []
