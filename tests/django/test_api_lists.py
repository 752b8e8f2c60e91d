"""Casework lists a partner system can sync with (issue 12, item 11): each answers
``{"items", "total", "next"}``; ``offset`` pages; ``updated_since`` with the ``cursor`` that
``next`` carries lists what changed, oldest change first, without skipping a record changed
while the client pages. Only the rows returned are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework.models import AsbCase

from .factories import create_agency, create_case, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return create_user("officer", create_agency("Council ASB Team"))


def _get(client, officer, path):
    answer = client.get(path, HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _touch(case: AsbCase, when) -> None:
    AsbCase.objects.filter(pk=case.pk).update(modified_on=when)


def test_offset_pages_carry_the_total_and_the_next_link(client, officer):
    cases = [create_case(officer) for _ in range(3)]
    first = _get(client, officer, "/api/v1/cases/?limit=2&status=open")
    assert first["total"] == 3 and len(first["items"]) == 2
    assert first["next"] == "/api/v1/cases/?limit=2&status=open&offset=2"
    last = _get(client, officer, first["next"])
    assert last["total"] == 3 and last["next"] is None
    assert sorted(c["id"] for c in first["items"] + last["items"]) == sorted(c.pk for c in cases)
    listed = AuditEntry.objects.filter(user=officer, object_type="case", action="listed").order_by("id")
    assert [sorted(e.object_ids) for e in listed] == [sorted(str(c["id"]) for c in first["items"]),
                                                      [str(last["items"][0]["id"])]]


def test_updated_since_lists_changes_oldest_first_and_the_cursor_misses_none(client, officer):
    now = timezone.now()
    old, a, b, c = (create_case(officer) for _ in range(4))
    for case, hours in ((old, 48), (a, 3), (b, 2), (c, 1)):
        _touch(case, now - timedelta(hours=hours))
    since = (now - timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    first = _get(client, officer, f"/api/v1/cases/?limit=2&updated_since={since}")
    assert [i["id"] for i in first["items"]] == [a.pk, b.pk] and first["total"] == 3
    assert "cursor=" in first["next"] and "updated_since=" in first["next"]
    _touch(a, now)  # changed while the client pages: it comes again, after c, not lost
    rest = _get(client, officer, first["next"])
    assert [i["id"] for i in rest["items"]] == [c.pk, a.pk]
    end = _get(client, officer, rest["next"])
    assert end["items"] == [] and end["next"] is None


def test_a_cursor_that_was_not_given_is_refused_with_the_field(client, officer):
    answer = client.get("/api/v1/cases/?cursor=not-ours", HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "cursor"


def test_every_casework_list_has_the_envelope(client, officer):
    case = create_case(officer)
    for path in ("/api/v1/cases/", "/api/v1/people/", "/api/v1/tasks/", "/api/v1/referrals/",
                 f"/api/v1/cases/{case.pk}/incidents", f"/api/v1/cases/{case.pk}/interventions",
                 f"/api/v1/cases/{case.pk}/referrals", f"/api/v1/cases/{case.pk}/tasks"):
        body = _get(client, officer, path)
        assert set(body) == {"items", "total", "next"}, path


def test_times_are_always_utc_with_a_z(client, officer):
    case = create_case(officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}
    made = client.post(f"/api/v1/cases/{case.pk}/incidents", {"occurred_at": "2026-07-01T22:30:00+01:00",
                       "description": "Shouting in the street", "reported_by_agency": "Council ASB Team"},
                       content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    assert made.json()["occurred_at"] == "2026-07-01T21:30:00Z"  # 22:30 BST
    listed = client.get(f"/api/v1/cases/{case.pk}/incidents", **auth).json()["items"]
    assert listed[0]["occurred_at"] == "2026-07-01T21:30:00Z"


def test_a_body_that_is_not_json_is_415_in_the_one_error_shape(client, officer):
    answer = client.post("/api/v1/cases/", "case_type=Noise", content_type="application/x-www-form-urlencoded",
                         HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"
    assert AsbCase.objects.count() == 0


def test_a_form_with_fields_is_415_but_a_bare_post_to_an_action_route_is_not(client, officer):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}
    assert client.post("/api/v1/cases/", {"case_type": "Noise"}, **auth).status_code == 415  # multipart, a field
    bare = client.post("/api/v1/inbox/999999/read", **auth)  # the test client's empty multipart body
    assert bare.status_code == 404 and bare.json()["error"]["code"] != "unsupported_media_type"


def test_a_malformed_form_body_is_415_in_the_one_error_shape_not_an_html_400(client, officer):
    answer = client.generic("POST", "/api/v1/cases/", b"--x\r\nnot a part\r\n",
                            content_type="multipart/form-data",  # no boundary: Django cannot parse it
                            HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_media_type"
