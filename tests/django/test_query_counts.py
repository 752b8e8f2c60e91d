"""Lists answer in a constant number of queries whatever their length (issue 19, item 1): the
audit entry is one row listing every record shown, and parties are read for the whole page at
once, not per case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csphub.access import policy
from csphub.audit.models import AuditEntry
from csphub.casework import services

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


def _queries(client, path: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **headers).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("path, api", [("/api/v1/cases/", True), ("/cases/", False), ("/", False),
                                       ("/api/v1/people/", True),
                                       # issue 12, item 5: filtered and sorted lists, and the search box
                                       ("/cases/?person=jones&sort=-lead&status=not_closed", False),
                                       ("/cases/?address=castle&sort=ward", False), ("/search/?q=jones", False)])
def test_a_list_of_ten_and_of_forty_cases_take_the_same_number_of_queries(client, path, api):
    officer = create_user("officer", create_agency("Council ASB Team"))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"} if api else {}
    client.force_login(officer)
    counts = []
    for size in (10, 40):
        while policy.cases(officer).count() < size:
            location = services.location_for(officer, address="1 Castle Street", postcode="CT1 2AB")
            case = create_case(officer, location=location)
            services.add_party(officer, case, create_person(officer), "victim")
        _queries(client, path, **headers)  # warm: the token's last use, the session
        counts.append(_queries(client, path, **headers))
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_a_list_read_writes_one_audit_entry_per_kind_of_record_shown(client):
    officer = create_user("officer", create_agency("Council ASB Team"))
    for _ in range(12):
        services.add_party(officer, create_case(officer), create_person(officer), "victim")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}
    before = AuditEntry.objects.count()
    listed = client.get("/api/v1/cases/", **auth).json()["items"]
    written = list(AuditEntry.objects.order_by("id")[before:])
    assert len(listed) == 12
    assert sorted(e.object_type for e in written) == ["case", "party", "person"]
    assert all(len(e.object_ids) == 12 for e in written)


def test_the_team_caseload_takes_the_same_number_of_queries_for_3_and_12_officers(client):
    """A supervisor's caseload (issue 12, item 5): counted per officer in a few grouped queries."""
    from csphub.accounts.models import Membership

    council = create_agency("Council ASB Team")
    supervisor = create_user("supervisor", council)
    client.force_login(supervisor)
    counts = []
    for size in (3, 12):
        while Membership.objects.filter(agency=council, role="officer").count() < size:
            officer = create_user("officer", council)
            case = create_case(officer)
            services.add_task(officer, case, title="Call", owner=officer, due_on=case.opened_on)
        _queries(client, "/caseload/")
        counts.append(_queries(client, "/caseload/"))
    assert counts[0] == counts[1], counts
