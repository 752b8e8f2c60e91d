"""Every API operation, driven from its own OpenAPI schema with generated data (schemathesis).

The schema is read from the app (/api/v1/openapi.json through the WSGI application); every
operation is called with valid and invalid generated input, as an officer whose agency leads a
seeded case and sits on a seeded panel. Half the time, path ids are swapped for the seeded
records and body fields that name something (case type, agency, user, person) for real ones,
so requests reach real records and pass the lookups, not only the 404s and 422s. No request
may get a server error (5xx), and every error response has the one JSON shape
{"error": {"code", "message", "details"}}.

Bounded and repeatable: a fixed number of examples per operation, derandomized, no example
database, no deadline (the first request of a run is slower).

The schema is loaded at import rather than through ``schemathesis.pytest.from_fixture``: the
lazy loader sets ``request.node._nodeid``, which pytest 9 no longer has.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from csphub.casereview import services as case_reviews
from csphub.casework import services
from csphub.config.wsgi import application
from csphub.panels import services as panels
from csphub.panels.models import Panel

from .factories import create_agency, create_case, create_person, create_token, create_user

EXAMPLES_PER_OPERATION = 30

# Loaded once, at collection, from the app itself (building the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# The seeded records' ids, set by the `world` fixture for the test that is running. Panel
# routes call a panel referral `referral_id`, so they get their own.
SEEDED: dict[str, int] = {}
SEEDED_ON_PANEL_ROUTES: dict[str, int] = {}
# Body fields that name a record, and a real one for each (the person is filled in per test).
REAL_NAMES = {"case_type": "Noise nuisance", "to_agency": "Police", "reported_by_agency": "Police",
              "owner": "lead.officer"}


@pytest.fixture
def world(db) -> dict[str, str]:
    """A case led by the caller's agency (with a person, a warning, a referral and a task), a
    panel the agency sits on with a referral to it, and a case review application."""
    council = create_agency("Council ASB Team")
    police = create_agency("Police", "police")
    create_agency("Victim Support", "voluntary")
    officer = create_user("officer", council, "lead.officer")
    case = create_case(officer)
    services.share_case(officer, case, police)
    person = create_person(officer, flags=["elderly", "mental_health"])
    services.add_party(officer, case, person, "subject")
    services.issue_intervention(officer, case, kind="cpw", person=person, conduct="Loud music at night",
                                issued_on=date(2026, 4, 2))
    referral = services.refer(officer, case, to_agency=police, reason="Patrols")
    task = services.add_task(officer, case, title="Visit", owner=officer, due_on=date(2026, 5, 1))
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability", cohort_cap=5)
    panel.members.set([council, police])
    referred = create_person(officer, first_name="Pat", last_name="Green")
    panel_referral = panels.refer_to_panel(officer, panel, person=referred, reason="Repeat victim", consent="given")
    applicant = create_person(officer, first_name="Ann", last_name="Lee")
    complaints = [case_reviews.ComplaintInput(reported_on=d, behaviour_on=d, agency=police)
                  for d in (date(2026, 1, 5), date(2026, 3, 10), date(2026, 5, 30))]
    application_ = case_reviews.receive_application(officer, applicant=applicant, behaviour="Noise",
                                                    received_on=date(2026, 6, 1), complaints=complaints)
    SEEDED.clear()
    SEEDED.update(case_id=case.pk, person_id=person.pk, referral_id=referral.pk, task_id=task.pk,
                  panel_id=panel.pk, application_id=application_.pk)
    SEEDED_ON_PANEL_ROUTES.clear()
    SEEDED_ON_PANEL_ROUTES.update(SEEDED, referral_id=panel_referral.pk)
    return {"token": create_token(officer)}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time, aim at the seeded records instead of (almost certainly) missing ones."""
    seeded = SEEDED_ON_PANEL_ROUTES if "/panels/" in context.operation.path else SEEDED
    real = {name: seeded[name] for name in path_parameters or {} if name in seeded}
    if not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


@schema.hook
def flatmap_body(context, body):
    """Half the time, name a real case type, agency, user and person in the body."""
    if not isinstance(body, dict):
        return st.just(body)
    names = {**REAL_NAMES, "person_id": SEEDED.get("person_id")}
    real = {name: value for name, value in names.items() if name in body and value is not None}
    if not real:
        return st.just(body)
    return st.sampled_from([body, {**body, **real}])


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI handler, whose request_started/request_finished signals
    close "old" connections, and inside the test's transaction that is every connection (on
    PostgreSQL; SQLite's in-memory one ignores it). Django's test client disconnects them too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def assert_error_shape(response) -> None:
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["details"], list), error


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_without_a_server_error(case, world, keep_test_connection):
    response = case.call(headers={"Authorization": f"Bearer {world['token']}"})
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        assert_error_shape(response)
