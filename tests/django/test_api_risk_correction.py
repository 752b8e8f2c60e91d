"""Correcting a victim risk assessment through the API (issue 12, items 1 and 11): ``GET
/api/v1/risk-assessments/{id}`` answers with its version as ETag; ``PATCH`` with If-Match and
``{answers, reason}`` goes through the same corrections service as the page, so it is re-scored,
a move to high creates the Vulnerability Panel task, a stale version is 409 with nothing saved,
and an unknown question or a missing reason is 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.models import Alert, RiskAssessment, Task

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db

PANEL_TASK = "Consider referral to the Vulnerability Panel (high-risk victim)"


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    supervisor = create_user("supervisor", council, "pat.supervisor")
    analyst = create_user("analyst", council, "al.analyst")
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    # repeat (4) + fear (4): standard, score 8; "moving" no; nine questions not answered.
    assessment = services.assess_risk(officer, case, victim, {"repeat": True, "fear": True, "moving": False})
    return {"officer": officer, "supervisor": supervisor, "case": case, "assessment": assessment,
            "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"},
            "analyst_auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(analyst)}"}}


def _patch(client: Client, assessment: RiskAssessment, body: dict[str, Any], auth: dict[str, str],
           version: int | None = None) -> Any:
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.patch(f"/api/v1/risk-assessments/{assessment.pk}", body, content_type="application/json",
                        **auth, **headers)


def test_get_answers_the_assessment_with_its_version_as_etag_and_audits_the_read(client: Client, world):
    assessment = world["assessment"]
    response = client.get(f"/api/v1/risk-assessments/{assessment.pk}", **world["auth"])
    assert response.status_code == 200 and response["ETag"] == '"1"'
    body = response.json()
    assert (body["score"], body["level"], body["version"]) == (8, "standard", 1)
    assert body["answers"]["fear"] is True and body["answers"]["moving"] is False
    assert body["answers"]["hate"] is None  # not answered, not "no"
    assert AuditEntry.objects.filter(object_type="risk_assessment", object_id=str(assessment.pk), action="viewed",
                                     user=world["officer"], channel="api").exists()
    # Analysts see a case's facts, not a person's risk assessment: as if it did not exist.
    assert client.get(f"/api/v1/risk-assessments/{assessment.pk}", **world["analyst_auth"]).status_code == 404


def test_a_patch_to_high_rescores_and_creates_the_panel_task_as_the_page_does(client: Client, world):
    assessment, supervisor = world["assessment"], world["supervisor"]
    # + violence (5) + hate (5) + health (3) = 21: high; "moving" set to not answered; others kept.
    response = _patch(client, assessment, {
        "answers": {"violence": True, "hate": True, "health": True, "moving": None},
        "reason": "Told us more on the second visit"}, world["auth"], version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["score"], body["level"], body["version"], response["ETag"]) == (21, "high", 2, '"2"')
    assert body["changed"] == ["answers"]
    assert "The risk is now high (score 21); it was standard (score 8)." in body["effects"]
    assert "Risk now high: a Vulnerability Panel task was created for the supervisor." in body["effects"]
    assert body["answers"]["repeat"] is True and body["answers"]["moving"] is None
    assessment.refresh_from_db()
    assert (assessment.score, assessment.level, assessment.unanswered_count) == (21, "high", 7)
    assert assessment.history.first().history_change_reason == "Told us more on the second visit"
    assert Task.objects.get(case=world["case"], title=PANEL_TASK).owner == supervisor
    assert Alert.objects.filter(user=supervisor, case=world["case"], message__contains="score 21").count() == 1
    entry = AuditEntry.objects.filter(object_type="risk_assessment", object_id=str(assessment.pk),
                                      action="changed").latest("id")
    assert (entry.summary, entry.channel) == ("corrected: answers", "api")


def test_a_stale_if_match_is_409_and_nothing_is_saved(client: Client, world):
    assessment = world["assessment"]
    first = _patch(client, assessment, {"answers": {"health": True}, "reason": "Health"}, world["auth"], version=1)
    assert first.status_code == 200 and first.json()["score"] == 11
    stale = _patch(client, assessment, {"answers": {"self_harm": True}, "reason": "Self-harm"}, world["auth"],
                   version=1)
    assert stale.status_code == 409 and "nothing was saved" in stale.json()["error"]["message"]
    assessment.refresh_from_db()
    assert (assessment.version, assessment.score, assessment.answers["self_harm"]) == (2, 11, None)
    assert not Task.objects.filter(case=world["case"], title=PANEL_TASK).exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"answers": {"favourite_colour": True}, "reason": "Typo"}, "answers"),
    ({"answers": {"fear": "yes"}, "reason": "Typo"}, "answers"),
    ({"answers": {"fear": False}}, "reason"),
    ({"answers": {"fear": False}, "reason": "   "}, "reason"),
])
def test_an_unknown_question_a_non_boolean_answer_or_no_reason_is_refused_by_field(client: Client, world, body,
                                                                                   field):
    assessment = world["assessment"]
    response = _patch(client, assessment, body, world["auth"], version=1)
    assert response.status_code == 422, response.content
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert any(f == field or f.endswith(f".{field}") or f.startswith(f"body.payload.{field}") for f in fields), fields
    assessment.refresh_from_db()
    assert (assessment.version, assessment.answers["fear"]) == (1, True)


def test_an_unknown_question_is_named_in_the_message(client: Client, world):
    response = _patch(client, world["assessment"], {"answers": {"favourite_colour": True}, "reason": "x"},
                      world["auth"])
    assert "favourite_colour" in response.json()["error"]["message"]
