"""Find (issue 12, item 5): the case list's filters, sorts and pages; the search box; a
supervisor's view of the team's caseload; dashboards most overdue first."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework import find, services
from csphub.casework.models import CaseType, Location

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


def _place(officer: Any, address: str, postcode: str, ward: str) -> Location:
    location = services.location_for(officer, address=address, postcode=postcode)
    location.ward_name = ward
    location.save()
    return location


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    other = create_user("officer", council, "kim.other")
    supervisor = create_user("supervisor", council, "pat.supervisor")
    analyst = create_user("analyst", council, "ana.analyst")
    castle = _place(officer, "1 Castle Street", "CT1 2AB", "Westgate")
    harbour = _place(officer, "9 Harbour Road", "CT5 1XY", "Whitstable")
    noise = create_case(officer, summary="Loud music at night", location=castle, opened_on=date(2026, 3, 1))
    dogs = create_case(officer, case_type="Dog fouling", summary="Dogs off the lead", location=harbour,
                       opened_on=date(2026, 5, 1), lead_officer=other)
    quiet = create_case(officer, summary="Shouting in the street", opened_on=date(2026, 7, 1))
    services.add_party(officer, noise, create_person(officer, first_name="Sam", last_name="Jones"), "victim")
    services.add_party(officer, dogs, create_person(officer, first_name="Alex", last_name="Brown",
                                                     postcode="CT5 1XY"), "subject")
    elsewhere = create_agency("Police")
    hidden = create_case(create_user("officer", elsewhere), summary="Loud music elsewhere")
    services.add_party(hidden.lead_officer, hidden, create_person(hidden.lead_officer, first_name="Sam",
                                                                  last_name="Jones"), "victim")
    return {"officer": officer, "other": other, "supervisor": supervisor, "analyst": analyst, "noise": noise,
            "dogs": dogs, "quiet": quiet, "hidden": hidden, "castle": castle}


def _refs(client: Client, query: str) -> list[str]:
    page = client.get(f"/cases/?{query}")
    assert page.status_code == 200, page.content[:500]
    return [c["reference"] for c in page.context["page"].object_list]  # the page reads each case as values


def test_the_case_list_filters_by_each_field(client: Client, world):
    client.force_login(world["officer"])
    noise, dogs, quiet = world["noise"].reference, world["dogs"].reference, world["quiet"].reference
    assert _refs(client, "person=sam+jones") == [noise]  # the other Sam Jones is on a case not shared
    assert _refs(client, "person=brown") == [dogs]
    assert _refs(client, "address=castle") == [noise]
    assert _refs(client, "address=CT51XY") == [dogs]
    assert _refs(client, f"case_type={CaseType.objects.get(name='Dog fouling').pk}") == [dogs]
    assert _refs(client, "ward=Westgate") == [noise]
    assert _refs(client, f"lead_officer={world['other'].pk}") == [dogs]
    assert _refs(client, "opened_from-day=1&opened_from-month=4&opened_from-year=2026"
                         "&opened_to-day=30&opened_to-month=6&opened_to-year=2026") == [dogs]
    assert _refs(client, "q=shouting") == [quiet]
    services.change_status(world["officer"], world["quiet"], "closed", outcome="resolved")
    assert _refs(client, "status=not_closed") == [dogs, noise]
    assert _refs(client, "status=closed") == [quiet]
    assert world["hidden"].reference not in _refs(client, "q=loud")


def test_the_address_filter_finds_a_case_with_an_incident_there_as_the_location_page_does(client: Client, world):
    """A case whose own place is elsewhere (or none) is found by the address of an incident on it."""
    officer, castle = world["officer"], world["castle"]
    services.record_incident(officer, world["quiet"], occurred_at=datetime(2026, 7, 2, 22, 0), description="Shouting",
                             location=castle, reported_on=date(2026, 7, 2))
    client.force_login(officer)
    assert _refs(client, "address=castle") == [world["quiet"].reference, world["noise"].reference]
    assert _refs(client, "address=CT12AB") == [world["quiet"].reference, world["noise"].reference]
    location_page = client.get(f"/locations/{castle.pk}/").content.decode()
    assert world["quiet"].reference in location_page and world["noise"].reference in location_page
    assert _refs(client, "address=harbour") == [world["dogs"].reference]  # not every case with an incident


def test_the_case_list_sorts_by_each_column_from_a_whitelist(client: Client, world):
    client.force_login(world["officer"])
    noise, dogs, quiet = world["noise"].reference, world["dogs"].reference, world["quiet"].reference
    assert _refs(client, "") == [quiet, dogs, noise]  # newest first
    assert _refs(client, "sort=opened") == [noise, dogs, quiet]
    assert _refs(client, "sort=type") == [dogs, quiet, noise]  # Dog fouling, then Noise nuisance newest first
    assert _refs(client, "sort=-ward")[:2] == [dogs, noise]  # Whitstable, Westgate, then no ward
    assert _refs(client, "sort=reference") == sorted([noise, dogs, quiet])
    assert _refs(client, "sort=opened%3B+DROP+TABLE") == [quiet, dogs, noise]  # not a sort: the default
    page = client.get("/cases/?sort=opened&ward=Westgate").content.decode()
    assert 'href="?ward=Westgate&amp;sort=-opened"' in page  # the filters are kept when sorting again
    assert 'aria-sort="ascending"' in page


def test_the_case_list_paginates_and_keeps_the_filters(client: Client, world):
    officer = world["officer"]
    for n in range(55):
        create_case(officer, summary=f"Noise {n}", opened_on=date(2026, 8, 1))
    client.force_login(officer)
    first = client.get("/cases/?q=noise")
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.count == 55
    assert 'href="?q=noise&amp;page=2"' in first.content.decode()
    second = client.get("/cases/?q=noise&page=2")
    assert len(second.context["page"].object_list) == 5


def test_the_case_list_counts_without_the_joins_of_the_columns_it_shows(client: Client, world):
    """The page shows each case's type, agency, officer and ward, read as values with their joins;
    its count ("N cases", the pages) counts the same cases with none of those joins, unless a
    filter needs one: the ward filter's join to the place stays, and still counts right."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["officer"])
    for query, expected in (("", 3), ("ward=Westgate", 1)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/cases/?{query}")
        (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        assert page.context["page"].paginator.count == expected
        assert "auth_user" not in count and "casework_casetype" not in count
        assert ("casework_location" in count) == bool(query)
    token = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world['officer'])}"}
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/cases/", **token).json()
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert answer["total"] == 3 and "JOIN" not in count.split(" WHERE ", 1)[0]


def test_the_filters_offer_the_wards_and_lead_officers_of_the_cases_the_user_sees_by_surname(client: Client, world):
    """Only the visible cases' wards and lead officers (not the police case's officer), each once,
    officers by surname whatever its case, shown by full name or, without one, username."""
    officer, other = world["officer"], world["other"]
    officer.first_name, officer.last_name = "Jo", "walker"
    officer.save()
    other.first_name, other.last_name = "Kim", "Adebayo"
    other.save()
    create_case(officer, summary="Another at the castle", location=world["castle"])
    choices = find.filter_choices(officer)
    assert choices["wards"] == [("Westgate", "Westgate"), ("Whitstable", "Whitstable")]
    assert choices["officers"] == [(other.pk, "Kim Adebayo"), (officer.pk, "Jo walker")]
    world["hidden"].lead_officer.first_name = "Hidden"
    world["hidden"].lead_officer.save()
    client.force_login(officer)
    page = client.get("/cases/").content.decode()
    select = page[page.index('name="lead_officer"'):]
    select = select[:select.index("</select>")]
    assert select.index("Kim Adebayo") < select.index("Jo walker") and "Hidden" not in page
    assert find.filter_choices(world["analyst"])["officers"] == choices["officers"]  # facts, not people
    supervisor_elsewhere = create_user("supervisor", create_agency("Fire"), "fire.supervisor")
    assert find.filter_choices(supervisor_elsewhere) == {"people": True, "wards": [], "officers": []}


def test_analysts_cannot_find_cases_by_person_or_address(client: Client, world):
    client.force_login(world["analyst"])
    page = client.get("/cases/?person=jones&address=castle")
    assert 'name="person"' not in page.content.decode() and 'name="address"' not in page.content.decode()
    assert len(page.context["page"].object_list) == 3  # the filters they may not use are ignored
    assert not AuditEntry.objects.filter(user=world["analyst"], object_type="person").exists()


def test_the_search_box_finds_people_cases_and_places_and_audits_ids_not_words(client: Client, world):
    officer = world["officer"]
    client.force_login(officer)
    page = client.get("/search/?q=jones")
    body = page.content.decode()
    assert "Sam Jones" in body and world["noise"].reference in body  # the person, and the case they are on
    assert body.count("Sam Jones") == 1  # not the Sam Jones on a case not shared
    assert world["hidden"].reference not in body
    assert "1 Castle Street" in client.get("/search/?q=CT1 2AB").content.decode()
    assert world["dogs"].reference in client.get(f"/search/?q={world['dogs'].reference}").content.decode()
    entries = AuditEntry.objects.filter(user=officer, purpose="search")
    assert {e.object_type for e in entries} >= {"person", "case", "location"}
    assert not AuditEntry.objects.filter(user=officer).filter(purpose__icontains="jones").exists()
    assert not AuditEntry.objects.filter(user=officer).filter(summary__icontains="jones").exists()
    assert 'id="site-search"' in client.get("/").content.decode()  # in every page's header


def test_an_analyst_searches_cases_by_reference_only(client: Client, world):
    client.force_login(world["analyst"])
    assert "Sam Jones" not in client.get("/search/?q=jones").content.decode()
    assert world["noise"].reference in client.get(f"/search/?q={world['noise'].reference}").content.decode()
    assert not AuditEntry.objects.filter(user=world["analyst"], object_type="person").exists()


def test_a_supervisor_sees_the_team_caseload_most_overdue_first(client: Client, world):
    officer, other = world["officer"], world["other"]
    today = timezone.localdate()
    services.add_task(officer, world["noise"], title="Call", owner=other, due_on=today - timedelta(days=10))
    services.add_task(officer, world["noise"], title="Write", owner=officer, due_on=today - timedelta(days=2))
    services.add_task(officer, world["noise"], title="Visit", owner=other, due_on=today - timedelta(days=1))
    rows = find.caseload(world["supervisor"], today=today)
    assert [(r.officer.username, r.open_cases, r.overdue_tasks) for r in rows][:2] == [
        ("kim.other", 1, 2), ("jo.officer", 2, 1)]
    assert rows[0].oldest_overdue == today - timedelta(days=10)
    client.force_login(world["supervisor"])
    page = client.get("/caseload/").content.decode()
    assert page.index("kim.other") < page.index("jo.officer")
    client.force_login(officer)
    assert client.get("/caseload/").status_code == 403


def test_the_dashboard_lists_the_most_overdue_first(client: Client, world):
    officer = world["officer"]
    today = timezone.localdate()
    for days in (2, 9, 5):
        services.add_task(officer, world["noise"], title=f"Overdue {days}", owner=officer,
                          due_on=today - timedelta(days=days))
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert page.index("Overdue 9") < page.index("Overdue 5") < page.index("Overdue 2")


def test_a_location_page_lists_the_cases_there(client: Client, world):
    client.force_login(world["officer"])
    page = client.get(f"/locations/{world['castle'].pk}/")
    assert page.status_code == 200 and world["noise"].reference in page.content.decode()
    client.force_login(world["analyst"])
    assert client.get(f"/locations/{world['castle'].pk}/").status_code == 404
