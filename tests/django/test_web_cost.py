"""What the three benchmarked pages cost (issue 19, item 1), without changing what they show:
the case page reads the warehouse's boundaries once per process until the warehouse changes,
not once per place on every request (each read opened DuckDB and parsed every boundary), and
every party's flags in one query; the API case list reads the shared agencies of the whole
page in one query, as the single-case route shows them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from csphub.accounts.models import Agency
from csphub.analytics.geography import load_boundaries
from csphub.analytics.warehouse import open_warehouse
from csphub.casework import geography, services
from csphub.casework.geography import NO_BOUNDARIES
from csphub.settings import load_settings

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db
LON, LAT = 0.5466, 51.3879  # Gillingham High Street, inside the Medway boundaries
ELSEWHERE = (-1.5, 53.8)  # Leeds: outside every boundary loaded


@pytest.fixture
def medway(data_dir: Path, shared_data: Path) -> Path:
    path = load_settings().warehouse_path
    with open_warehouse(path) as con:
        boundaries = shared_data / "ons" / "boundaries"
        load_boundaries(con, boundaries / "medway_E06000035_wards.geojson")
        load_boundaries(con, boundaries / "medway_E06000035_lsoa21.geojson")
    geography._BOUNDARIES.clear()
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each time the case page's map check opens the warehouse."""
    seen: list[Path] = []
    real = geography.open_warehouse

    def counting(path: Any, read_only: bool = False) -> Any:
        seen.append(Path(path))
        return real(path, read_only=read_only)

    monkeypatch.setattr(geography, "open_warehouse", counting)
    return seen


def test_the_case_page_reads_the_boundaries_once_until_the_warehouse_changes(medway: Path, opened: list[Path],
                                                                             client: Client):
    officer = create_user("officer", create_agency("Medway Council"))
    here = services.location_for(officer, address="1 High Street, Gillingham", latitude=LAT, longitude=LON)
    case = create_case(officer, location=here)
    client.force_login(officer)
    opened.clear()  # placing the address read the warehouse too
    for _ in range(3):
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert NO_BOUNDARIES not in page  # the place is inside the boundaries: its map is offered
    assert opened == [medway]  # three pages, one read

    with open_warehouse(medway) as con:  # the boundaries removed: the page must notice
        con.execute("delete from boundaries")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert NO_BOUNDARIES in page
    assert len(opened) == 2


def test_the_kept_boundaries_answer_as_a_fresh_read_does(medway: Path):
    from csphub.analytics.maps import areas_around, areas_in, holds_point

    kept = geography.loaded_boundaries(medway)
    with open_warehouse(medway, read_only=True) as con:
        for point in ((LON, LAT), ELSEWHERE, (0.52, 51.37), (0.60, 51.40)):
            fresh = [(a.kind, a.code) for a in areas_around(con, *point)]
            assert [(a.kind, a.code) for a in areas_in(kept, *point)] == fresh
            assert holds_point(kept, *point) == bool(fresh)  # the case page's question, asked alone
            lsoas_only = replace(kept, wards=())  # a warehouse holding LSOA boundaries alone
            assert holds_point(lsoas_only, *point) == bool(areas_in(lsoas_only, *point))
    assert [(a.kind, a.code) for a in areas_in(kept, *ELSEWHERE)] == []
    assert {a.kind for a in areas_in(kept, LON, LAT)} == {"ward", "lsoa"}


def _queries(client: Client, path: str, **headers: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("cleared", [True, False])
def test_the_case_page_reads_every_partys_flags_in_one_query(client: Client, settings: Any, cleared: bool, data_dir: Path):
    settings.CSPHUB_SENSITIVE_ROLES = ("officer",) if cleared else ("supervisor",)
    officer = create_user("officer", create_agency("Council ASB Team"))
    case = create_case(officer)
    client.force_login(officer)
    counts = []
    for n in range(1, 6):
        services.add_party(officer, case, create_person(officer, last_name=f"Person{n}",
                                                        flags=["mental_health", "elderly"]), "victim")
        if n in (1, 5):
            count, page = _queries(client, f"/cases/{case.pk}/")
            counts.append(count)
    assert counts[0] == counts[1]  # one party or five: the same queries
    assert page.count(">Older person living alone</strong>") == 5  # every party's flags are shown
    assert page.count(">Mental health</strong>") == (5 if cleared else 0)  # sensitive ones to cleared roles only


def test_the_api_list_shows_the_shared_agencies_the_case_route_shows(client: Client, data_dir: Path):
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council)
    token = create_token(officer)
    cases = [create_case(officer) for _ in range(3)]
    for name in ("Police", "Fire and Rescue", "Housing"):  # added out of alphabetical order
        services.share_case(officer, cases[0], create_agency(name))
    services.share_case(officer, cases[2], Agency.objects.get(name="Housing"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = {c["id"]: c["shared_with"] for c in client.get("/api/v1/cases/", **auth).json()["items"]}
    for case in cases:
        assert listed[case.pk] == client.get(f"/api/v1/cases/{case.pk}", **auth).json()["shared_with"]
    assert listed[cases[0].pk] == ["Fire and Rescue", "Housing", "Police"]
    assert (listed[cases[1].pk], listed[cases[2].pk]) == ([], ["Housing"])


def test_the_kept_empty_filter_form_shows_a_new_type_and_lead_officer(client: Client, data_dir: Path):
    """The empty filter form is rendered once per worker and kept by its choices: a type, ward
    or lead officer that appears later is in the next page, and a filled-in form keeps its values."""
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council)
    client.force_login(officer)
    create_case(officer)
    first = client.get("/cases/").content.decode()
    assert ">Noise nuisance</option>" in first and ">Graffiti</option>" not in first
    other = create_user("officer", council, username="pat.lee")
    create_case(other, case_type="Graffiti")
    second = client.get("/cases/").content.decode()
    assert ">Graffiti</option>" in second and ">pat.lee</option>" in second
    filled = client.get("/cases/?q=ASB").content.decode()
    assert 'value="ASB"' in filled and 'value="ASB"' not in client.get("/cases/").content.decode()


def test_the_case_list_rows_show_each_cases_facts_escaped(client: Client, data_dir: Path):
    """The rows written in Python show what the row template showed: the linked reference, type,
    agency, officer (their name, else their username), status and dates, with markup escaped."""
    council = create_agency("Council <ASB> Team")
    officer = create_user("officer", council, username="sam.o")
    officer.first_name, officer.last_name = "Sam", "O'Neil & Co"
    officer.save()
    named = create_case(officer, case_type="Noise <nuisance>", opened_on=date(2026, 3, 9))
    plain = create_user("officer", council, username="jo.b")
    unnamed = create_case(plain, opened_on=date(2026, 4, 1))
    client.force_login(officer)
    page = client.get("/cases/").content.decode()
    row = page[page.index(f'href="/cases/{named.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert f">{named.reference}</a>" in row and ">Noise &lt;nuisance&gt;</td>" in row
    assert ">Council &lt;ASB&gt; Team</td>" in row and ">Sam O&#x27;Neil &amp; Co</td>" in row
    assert '<strong class="govuk-tag">Open</strong>' in row and ">9 Mar 2026</td>" in row
    other = page[page.index(f'href="/cases/{unnamed.pk}/"'):]
    assert ">jo.b</td>" in other[:other.index("</tr>")]
    assert "No cases match." in client.get("/cases/?q=nothing-like-this").content.decode()


def test_a_pages_read_audit_is_one_insert_that_asks_nothing_back(client: Client, data_dir: Path):
    """The case page's reads (case, parties, people...) are written in one INSERT with no
    RETURNING: under SQLite such a statement takes and frees the write lock inside one call, so a
    read never holds the lock while it waits for Python (docs/performance.md). Every entry is
    still there, with its time, ids and purpose."""
    officer = create_user("officer", create_agency("Council ASB Team"))
    case = create_case(officer)
    victim = create_person(officer, last_name="Vantablack")
    services.add_party(officer, case, victim, "victim")
    client.force_login(officer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    inserts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "audit_auditentry"')]
    assert len(inserts) == 1 and "RETURNING" not in inserts[0].upper()
    from csphub.audit.models import AuditEntry

    written = AuditEntry.objects.filter(purpose=f"case page {case.pk}")
    assert {e.object_type for e in written} >= {"party", "person"}
    assert [str(victim.pk)] in [e.object_ids for e in written.filter(object_type="person")]
    assert all(e.at is not None and e.username == officer.username for e in written)
