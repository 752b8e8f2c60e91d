"""Issue 16: the governance edits the pages have, through the API: PATCH changes only the fields
sent and answers the new version (and ETag); with If-Match a stale version is 409 and nothing is
saved; a refused value is 422 naming the field; a role that may not change it gets 403."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csphub.governance import services
from csphub.governance.models import Event, Grant, Priority

from .factories import create_agency, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


def _headers(user, version=None):
    headers = {"authorization": f"Bearer {create_token(user)}"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return headers


def _patch(client, url, body, headers):
    return client.patch(url, body, content_type="application/json", headers=headers)


def test_a_grant_is_changed_and_a_stale_change_refused(client, council):
    manager = create_user("partnership_admin", council)
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000),
                                  starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31), led_by=council,
                                  reporting_dates=[])
    opened = grant.version
    done = _patch(client, f"/api/v1/governance/grants/{grant.pk}", {"amount": "203000"}, _headers(manager, opened))
    assert done.status_code == 200 and done.json()["version"] == opened + 1
    assert done["ETag"].strip('W/"') == str(opened + 1)
    assert Grant.objects.get(pk=grant.pk).amount == Decimal(203000) and Grant.objects.get(pk=grant.pk).fund == "Safer Streets"
    stale = _patch(client, f"/api/v1/governance/grants/{grant.pk}", {"amount": "1"}, _headers(manager, opened))
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_edit"
    assert Grant.objects.get(pk=grant.pk).amount == Decimal(203000)
    backwards = _patch(client, f"/api/v1/governance/grants/{grant.pk}", {"ends_on": "2025-01-01"}, _headers(manager))
    assert backwards.status_code == 422
    assert backwards.json()["error"]["details"][0]["field"] == "ends_on"
    unknown = _patch(client, f"/api/v1/governance/grants/{grant.pk}", {"lead_agency": "Nobody"}, _headers(manager))
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "lead_agency"
    officer = create_user("officer", council)
    assert _patch(client, f"/api/v1/governance/grants/{grant.pk}", {"amount": "5"}, _headers(officer)).status_code == 403


def test_a_priority_aim_needs_a_reason_and_an_event_keeps_counts_in_range(client, council):
    manager = create_user("supervisor", council)
    plan = services.create_plan(None, name="Community Safety Plan", starts_on=date(2024, 4, 1), ends_on=date(2028, 3, 31))
    priority = services.priority_of(None, plan, 1, "Strengthening Communities")
    url = f"/api/v1/governance/priorities/{priority.pk}"
    assert _patch(client, url, {"aim": "Fewer repeat victims", "reason": " "}, _headers(manager)).json()[
        "error"]["details"][0]["field"] == "reason"
    ok = _patch(client, url, {"aim": "Fewer repeat victims", "reason": "SEG refresh"}, _headers(manager, priority.version))
    assert ok.status_code == 200 and Priority.objects.get(pk=priority.pk).aim == "Fewer repeat victims"
    event = services.record_event(None, title="Stall", held_on=date(2025, 6, 1), place="Hub", attendees={"adults": 3})
    bad = _patch(client, f"/api/v1/governance/events/{event.pk}", {"feedback": {"felt safer": 140}}, _headers(manager))
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "feedback"
    fixed = _patch(client, f"/api/v1/governance/events/{event.pk}", {"attendees": {"adults": 30}}, _headers(manager))
    assert fixed.status_code == 200 and Event.objects.get(pk=event.pk).attendee_total == 30
