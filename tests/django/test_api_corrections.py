"""Correcting a case's notes and monitoring visits through the API (issue 12, items 1 and 11):
``PATCH /api/v1/cases/{id}/notes/{nid}`` and ``/visits/{vid}`` use the same corrections service
as the pages: the reason on the history row, the same rules (an empty note, a visit in the
future: 422 naming the field), a stale If-Match 409 with nothing saved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.casework import services

from .factories import create_agency, create_case, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council)
    case = create_case(officer)
    note = services.add_note(officer, case, "Spoke to the victim")
    visit = services.record_visit(officer, case, visited_on=timezone.localdate() - timedelta(days=1),
                                  findings="Quiet")
    return {"officer": officer, "case": case, "note": note, "visit": visit,
            "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}}


def _patch(client: Client, path: str, body: dict[str, Any], auth: dict[str, str], version: int) -> Any:
    return client.patch(path, body, content_type="application/json", HTTP_IF_MATCH=f'"{version}"', **auth)


def test_a_note_is_corrected_with_its_reason_and_a_stale_or_empty_one_refused(client: Client, setting):
    note, auth = setting["note"], setting["auth"]
    path = f"/api/v1/cases/{setting['case'].pk}/notes/{note.pk}"
    done = _patch(client, path, {"text": "Spoke to the victim by phone", "reason": "It was by phone"}, auth, 1)
    assert done.status_code == 200, done.content
    assert (done.json()["version"], done.json()["changed"], done["ETag"]) == (2, ["text"], '"2"')
    note.refresh_from_db()
    assert note.text == "Spoke to the victim by phone"
    assert note.history.first().history_change_reason == "It was by phone"

    stale = _patch(client, path, {"text": "Something else", "reason": "Again"}, auth, 1)
    assert stale.status_code == 409
    empty = _patch(client, path, {"text": "  ", "reason": "Blank it"}, auth, 2)
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "text"
    note.refresh_from_db()
    assert (note.text, note.version) == ("Spoke to the victim by phone", 2)


def test_a_visit_moved_into_the_future_is_refused_on_its_date(client: Client, setting):
    visit, auth = setting["visit"], setting["auth"]
    path = f"/api/v1/cases/{setting['case'].pk}/visits/{visit.pk}"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = _patch(client, path, {"visited_on": tomorrow, "reason": "Wrong day"}, auth, 1)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "visited_on"
    done = _patch(client, path, {"findings": "Quiet all night", "reason": "Fuller findings"}, auth, 1)
    assert done.status_code == 200 and done.json()["changed"] == ["findings"]
    visit.refresh_from_db()
    assert (visit.findings, visit.visited_on) == ("Quiet all night", timezone.localdate() - timedelta(days=1))
    # The visit is not found through another case, even one the officer works.
    other = create_case(setting["officer"])
    assert _patch(client, f"/api/v1/cases/{other.pk}/visits/{visit.pk}", {"findings": "x", "reason": "y"},
                  auth, 2).status_code == 404
