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


def test_a_case_read_for_one_user_is_not_taken_as_seen_by_another(two_agencies):
    """reads.one marks the case it read for a user, so the page's later checks need not ask
    again; the mark is that user's, and a change of lead or an archive since asks again."""
    from csphub.access import reads

    officer, police_officer, case = two_agencies["officer"], two_agencies["police_officer"], two_agencies["case"]
    seen = reads.case(officer, case.pk, purpose="test")
    assert policy.can_view_case(officer, seen)
    assert not policy.can_view_case(police_officer, seen)  # marked for the council officer only
    seen.lead_agency = two_agencies["police"]
    seen.save(update_fields=["lead_agency"])
    assert not policy.can_view_case(officer, seen)  # the lead changed: asked again, and refused
    assert policy.can_view_case(police_officer, seen)


def test_a_signed_in_page_reads_the_user_membership_and_agency_in_one_query(client, two_agencies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import PASSWORD

    answer = client.post("/login/", {"username": "council.officer", "password": PASSWORD})
    assert answer.status_code == 302
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cases/").status_code == 200
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    user_reads = [q for q in reads if 'FROM "auth_user"' in q]
    assert 'INNER JOIN "accounts_membership"' in user_reads[0] or 'JOIN "accounts_membership"' in user_reads[0]
    assert not [q for q in reads if q.startswith('SELECT "accounts_membership"')]
    assert not [q for q in reads if q.startswith('SELECT "accounts_agency"') and "WHERE \"accounts_agency\".\"id\" =" in q]


def test_a_case_shared_with_several_agencies_is_in_the_scope_once_and_the_scope_sorts_nothing(two_agencies):
    """The case scope reads "led by" or "shared with" as a subquery of the sharing table: a case
    shared with three agencies is one case, and the scope's SQL (an ``id IN (...)``) holds no
    ORDER BY, which only cost a sort of every case on every read."""
    officer, case = two_agencies["officer"], two_agencies["case"]
    for agency in (two_agencies["police"], create_agency("Housing", "housing"), create_agency("Fire", "fire")):
        services.share_case(officer, case, agency)
    assert list(policy.cases(officer)) == [case]
    assert list(policy.cases(two_agencies["police_officer"])) == [case]
    scope = str(policy.cases(officer).order_by().query)  # the outer list's own order taken off
    assert " IN (SELECT" in scope and "ORDER BY" not in scope
