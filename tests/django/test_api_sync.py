"""An API a partner system can sync with (issue 12, item 11), checked by walking the OpenAPI
schema, so a route added later is held to the same promises:

- every list answers the envelope (``items``, ``total``, ``next``) and takes ``limit``,
  ``offset``, ``cursor`` and ``updated_since``; ``next`` leads on to the rest;
- every time in an answer is UTC with a ``Z``;
- every route with a JSON body refuses a body that is not JSON (415) and a field it does not
  take (422 naming the field), never silently dropping it;
- the routes the issue names exist; the API refuses what the pages refuse.

Each route is called with the matrix's world (test_permission_matrix.build_world) as the first
user its matrix rule allows, so the ids and bodies are the ones the matrix already proves."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from csphub.casework.models import AsbCase, CaseParty, Task
from csphub.web.api import api

from .factories import create_agency, create_case, create_person, create_token, create_user
from .matrix_kit import ALLOWED, RELATIONS, ROLES, RULES, Exercise, World
from .test_permission_matrix import MATRIX, build_world, path_of

pytestmark = pytest.mark.django_db

SYNC_PARAMETERS = {"limit", "offset", "cursor", "updated_since"}
A_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")  # a date-time, not a date
JSON_BODY = ("post", "patch", "put")


def _schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else node


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def _ok(op: dict[str, Any]) -> dict[str, Any]:
    responses = op["responses"]
    return responses.get(200) or responses.get("200") or {}  # an int key until dumped as JSON


def _is_list(schema: dict[str, Any], op: dict[str, Any]) -> bool:
    answer = _ok(op).get("content", {}).get("application/json", {}).get("schema", {})
    return {"items", "total", "next"} <= set(_resolve(schema, answer).get("properties", {}))


def _allowed(exercise: Exercise) -> tuple[str, str]:
    return next((role, relation) for relation in RELATIONS for role in ROLES
                if RULES[exercise.rule](role, relation) == ALLOWED)


def _get(client: Client, world: World, key: str, exercise: Exercise, query: str = "") -> Any:
    who = _allowed(exercise)
    path = path_of(key, exercise, world) + (("&" if "?" in path_of(key, exercise, world) else "?") + query
                                            if query else "")
    answer = client.get(path, headers={"authorization": f"Bearer {world.tokens[who]}"})
    assert answer.status_code == 200, (key, query, answer.content[:300])
    return answer.json()


def _times(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _times(v)]
    if isinstance(value, list):
        return [t for v in value for t in _times(v)]
    return [value] if isinstance(value, str) and A_TIME.match(value) else []


def test_every_list_answers_the_envelope_takes_the_sync_parameters_and_writes_times_in_utc(client):
    world, schema = build_world(), _schema()
    lists = [(method, path, op) for method, path, op in _operations(schema) if method == "get" and _is_list(schema, op)]
    assert len(lists) >= 30  # casework, panels, case reviews, inbox and the other domains' lists
    bare = [path for method, path, op in _operations(schema) if method == "get"
            and _resolve(schema, _ok(op).get("content", {}).get("application/json", {}).get("schema", {}))
            .get("type") == "array"]
    assert bare == ["/api/v1/pspos/figures/quarters"]  # a table of figures, not records to sync
    times_seen = 0
    for _method, path, op in lists:
        key = f"GET {path}"
        assert SYNC_PARAMETERS <= {p["name"] for p in op.get("parameters", [])}, key
        exercise = next(e for e in MATRIX[key] if not e.query)
        body = _get(client, world, key, exercise)
        assert {"items", "total", "next"} <= set(body), key  # the inbox adds its unread count
        assert body["total"] >= len(body["items"]), key
        # Syncing: only what changed since a time long ago (everything), one at a time, then on.
        first = _get(client, world, key, exercise, "updated_since=2000-01-01T00:00:00Z&limit=1")
        assert first["total"] == body["total"] and len(first["items"]) == min(1, body["total"]), key
        if first["total"] > 1:
            assert "cursor=" in first["next"], key
            rest = client.get(first["next"], headers={"authorization": f"Bearer {world.tokens[_allowed(exercise)]}"})
            assert rest.status_code == 200 and len(rest.json()["items"]) == 1, (key, rest.content[:300])
        paged = _get(client, world, key, exercise, f"offset={body['total']}")
        assert (paged["items"], paged["next"]) == ([], None), key
        stamps = _times(body)
        times_seen += len(stamps)
        assert all(t.endswith("Z") for t in stamps), (key, stamps)
    assert times_seen > 10  # the walk saw real times, not only empty lists


def test_every_record_answer_writes_times_in_utc_with_a_z(client):
    world, schema = build_world(), _schema()
    checked = 0
    for method, path, op in _operations(schema):
        key = f"GET {path}"
        if method != "get" or _is_list(schema, op) or "application/json" not in _ok(op).get("content", {}):
            continue
        for exercise in MATRIX[key]:
            stamps = _times(_get(client, world, key, exercise))
            checked += len(stamps)
            assert all(t.endswith("Z") for t in stamps), (key, stamps)
    assert checked > 5


def _json_bodies(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for method, path, op in _operations(schema)
            if method in JSON_BODY and "application/json" in op.get("requestBody", {}).get("content", {})]


def _objects(schema: dict[str, Any], node: Any, seen: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every object schema a request body is built from, nested ones too, by name."""
    if isinstance(node, list):
        return [o for n in node for o in _objects(schema, n, seen)]
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        target = _resolve(schema, node)
        return ([(name, target)] if target.get("type") == "object" else []) + _objects(schema, target, seen)
    return [o for v in node.values() for o in _objects(schema, v, seen)]


def test_every_json_body_in_the_schema_refuses_a_field_it_does_not_take(client):
    schema = _schema()
    bodies = _json_bodies(schema)
    assert len(bodies) >= 60
    for method, path, op in bodies:
        for name, body in _objects(schema, op["requestBody"], set()):
            assert body.get("additionalProperties") is False, f"{method.upper()} {path}: {name} drops unknown fields"


def test_every_json_body_route_answers_an_unknown_field_with_422_naming_it_and_saves_nothing(client):
    world, schema = build_world(), _schema()
    for method, path, _op in _json_bodies(schema):
        key = f"{method.upper()} {path}"
        exercise = MATRIX[key][0]
        who = _allowed(exercise)
        body = {**(exercise.body(world) if exercise.body else {}), "postcod": "RV1 2AB"}
        savepoint = transaction.savepoint_create()
        try:
            answer = client.generic(method.upper(), path_of(key, exercise, world), json.dumps(body),
                                    content_type="application/json",
                                    headers={"authorization": f"Bearer {world.tokens[who]}"})
        finally:
            transaction.savepoint_rollback(savepoint)
        assert answer.status_code == 422, (key, answer.content[:300])
        fields = [d.get("field", "") for d in answer.json()["error"]["details"]]
        assert any(f.endswith("postcod") for f in fields), (key, fields)


def test_every_json_body_route_answers_a_form_with_415(client):
    world, schema = build_world(), _schema()
    for method, path, _op in _json_bodies(schema):
        key = f"{method.upper()} {path}"
        exercise = MATRIX[key][0]
        answer = client.generic(method.upper(), path_of(key, exercise, world), "summary=Dog+barking",
                                content_type="application/x-www-form-urlencoded",
                                headers={"authorization": f"Bearer {world.tokens[_allowed(exercise)]}"})
        assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_media_type", key


#: The routes issue 12 item 11 names (method and path as in the schema).
NAMED_ROUTES = [
    "GET /api/v1/cases/{case_id}/notes", "POST /api/v1/cases/{case_id}/notes",
    "PATCH /api/v1/cases/{case_id}/notes/{note_id}",
    "GET /api/v1/cases/{case_id}/visits", "POST /api/v1/cases/{case_id}/visits",
    "PATCH /api/v1/cases/{case_id}/visits/{visit_id}",
    "GET /api/v1/cases/{case_id}/risk-assessments", "POST /api/v1/cases/{case_id}/risk-assessments",
    "GET /api/v1/risk-assessments/{assessment_id}", "PATCH /api/v1/risk-assessments/{assessment_id}",
    "GET /api/v1/cases/{case_id}/breaches", "POST /api/v1/cases/{case_id}/breaches",
    "POST /api/v1/cases/{case_id}/interventions/{intervention_id}/outcome",
    "GET /api/v1/cases/{case_id}/attachments", "POST /api/v1/cases/{case_id}/attachments",
    "GET /api/v1/cases/{case_id}/attachments/{attachment_id}/content",
    "GET /api/v1/cases/{case_id}/parties/{party_id}", "PATCH /api/v1/cases/{case_id}/parties/{party_id}",
    "POST /api/v1/case-reviews/", "POST /api/v1/case-reviews/{application_id}/decision",
    "POST /api/v1/case-reviews/{application_id}/discretion", "POST /api/v1/case-reviews/{application_id}/meeting",
    "POST /api/v1/case-reviews/{application_id}/recommendations",
    "GET /api/v1/panels/{panel_id}/meetings", "POST /api/v1/panels/{panel_id}/meetings",
    "GET /api/v1/panels/referrals/{referral_id}/actions", "POST /api/v1/panels/referrals/{referral_id}/actions",
    "GET /api/v1/inbox/", "POST /api/v1/inbox/{item_id}/read",
]


def test_the_routes_the_issue_names_are_in_the_schema():
    present = {f"{m.upper()} {p}" for m, p, _ in _operations(_schema())}
    assert [r for r in NAMED_ROUTES if r not in present] == []


# ---- The same validation as the pages --------------------------------------------------------

@pytest.fixture
def officer():
    return create_user("officer", create_agency("Council ASB Team"))


def _auth(user: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {create_token(user)}"}


def test_an_empty_summary_is_refused_and_an_address_and_postcode_are_kept(client, officer):
    refused = client.post("/api/v1/cases/", {"case_type": "Noise nuisance", "summary": "   "},
                          content_type="application/json", headers=_auth(officer))
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "summary"
    made = client.post("/api/v1/cases/", {"case_type": "Noise nuisance", "summary": "Dog barking",
                                          "address": "4 Mill Road", "postcode": "rv1 2ab"},
                       content_type="application/json", headers=_auth(officer))
    assert made.status_code == 201, made.content
    case = AsbCase.objects.get()
    assert (case.location.address, case.location.postcode) == ("4 Mill Road", "RV1 2AB")
    read = client.get(f"/api/v1/cases/{case.pk}", headers=_auth(officer)).json()
    assert (read["address"], read["postcode"]) == ("4 Mill Road", "RV1 2AB")


def test_a_misspelt_field_is_refused_not_dropped(client, officer):
    answer = client.post("/api/v1/cases/", {"case_type": "Noise nuisance", "summary": "Dog barking",
                                            "post_code": "RV1 2AB"},
                         content_type="application/json", headers=_auth(officer))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [{"field": "body.payload.post_code",
                                                  "message": "Extra inputs are not permitted"}]
    assert AsbCase.objects.count() == 0


def test_a_party_role_is_read_with_its_etag_and_corrected_with_a_reason_once(client, officer):
    case = create_case(officer)
    person = create_person(officer)
    client.post(f"/api/v1/cases/{case.pk}/parties", {"person_id": person.pk, "role": "victim"},
                content_type="application/json", headers=_auth(officer))
    party = CaseParty.objects.get(case=case, person=person)
    path = f"/api/v1/cases/{case.pk}/parties/{party.pk}"
    read = client.get(path, headers=_auth(officer))
    assert read.status_code == 200 and read.json()["role"] == "victim"
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    no_reason = client.patch(path, {"role": "complainant", "reason": " "}, content_type="application/json",
                             headers=_auth(officer))
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"][0]["field"].endswith("reason")
    done = client.patch(path, {"role": "complainant", "reason": "She reported it"}, content_type="application/json",
                        headers={**_auth(officer), "if-match": etag})
    assert done.status_code == 200 and done.json()["changed"] == ["role"], done.content
    party.refresh_from_db()
    assert party.role == "complainant"
    assert party.history.first().history_change_reason == "She reported it"
    stale = client.patch(path, {"role": "witness", "reason": "Again"}, content_type="application/json",
                         headers={**_auth(officer), "if-match": etag})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_edit"
    party.refresh_from_db()
    assert party.role == "complainant"


def test_a_party_on_another_case_is_not_found_through_this_one(client, officer):
    case, other = create_case(officer), create_case(officer)
    person = create_person(officer)
    client.post(f"/api/v1/cases/{other.pk}/parties", {"person_id": person.pk, "role": "victim"},
                content_type="application/json", headers=_auth(officer))
    party = CaseParty.objects.get(case=other)
    assert client.get(f"/api/v1/cases/{case.pk}/parties/{party.pk}", headers=_auth(officer)).status_code == 404


def test_a_task_is_given_only_to_an_officer_or_supervisor_as_when_it_is_corrected(client, officer):
    """An analyst of the lead agency sees the case but works no tasks: refused on creation, as
    the correction refuses them (one rule, services.task_owners)."""
    case = create_case(officer)
    analyst = create_user("analyst", officer.membership.agency, "ana.lyst")
    path = f"/api/v1/cases/{case.pk}/tasks"
    refused = client.post(path, {"title": "Visit", "owner": analyst.username, "due_on": "2026-06-01"},
                          content_type="application/json", headers=_auth(officer))
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "owner"
    assert Task.objects.count() == 0
    made = client.post(path, {"title": "Visit", "owner": officer.username, "due_on": "2026-06-01"},
                       content_type="application/json", headers=_auth(officer))
    assert made.status_code == 201, made.content
    task = Task.objects.get()
    corrected = client.patch(f"{path}/{task.pk}", {"owner": analyst.username, "reason": "Handed over"},
                             content_type="application/json", headers=_auth(officer))
    assert corrected.json()["error"]["code"] == refused.json()["error"]["code"] == "task_owner_cannot_see_case"


def test_a_case_review_application_is_recorded_with_the_pages_date_rules(client, officer):
    victim = create_person(officer)
    path = "/api/v1/case-reviews/"
    body = {"applicant_id": victim.pk, "behaviour": "Loud music every night", "complaints": [
        {"reported_on": "2026-03-01", "behaviour_on": "2026-03-02", "agency": "Council ASB Team"}]}
    before = client.post(path, body, content_type="application/json", headers=_auth(officer))
    assert before.status_code == 422, before.content  # a complaint before the behaviour it reports
    assert "reported_on" in {d["field"] for d in before.json()["error"]["details"]}
    empty = client.post(path, {**body, "behaviour": " ", "complaints": []}, content_type="application/json",
                        headers=_auth(officer))
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "behaviour"
    body["complaints"][0]["behaviour_on"] = "2026-02-28"
    made = client.post(path, body, content_type="application/json", headers=_auth(officer))
    assert made.status_code == 201, made.content
    assert made.json()["applicant_id"] == victim.pk and made.json()["status"] == "received"
    assert "1" in made.json()["threshold_check"] or made.json()["threshold_check"]  # checked at once
