"""Correcting a victim risk assessment (issue 12, item 1): its answers are corrected with a
reason, a version check and history, through the same corrections registry and page as every
other record; the score and level follow the answers; a question left unanswered stays "not
answered"; moving to high does what a new high assessment does, moving from high deletes
nothing and says the panel task remains."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from csphub.audit.models import AuditEntry
from csphub.casework import corrections, services
from csphub.casework.models import Alert, RiskAssessment, Task
from csphub.errors import RuleRefused, StaleEdit

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db

PANEL_TASK = "Consider referral to the Vulnerability Panel (high-risk victim)"


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    officer.first_name, officer.last_name = "Jo", "Officer"
    officer.save()
    supervisor = create_user("supervisor", council, "pat.supervisor")
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    # repeat (4) + fear (4): standard, score 8; ten questions not answered.
    assessment = services.assess_risk(officer, case, victim, {"repeat": True, "fear": True, "moving": False})
    return {"council": council, "officer": officer, "supervisor": supervisor, "case": case, "victim": victim,
            "assessment": assessment}


def _post(assessment: RiskAssessment, answers: dict[str, str], reason: str = "Told us more on the second visit",
          version: int | None = None) -> dict[str, Any]:
    return {**{f"q_{k}": v for k, v in answers.items()}, "version": version or assessment.version,
            "correction_reason": reason}


def test_the_page_shows_the_stored_answers_with_not_answered_kept(client: Client, world):
    assessment = world["assessment"]
    client.force_login(world["officer"])
    case_page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert f'href="/risk-assessments/{assessment.pk}/edit/"' in case_page
    page = client.get(f"/risk-assessments/{assessment.pk}/edit/").content.decode()
    assert 'name="q_repeat" value="yes"' in page and 'name="q_moving" value="no"' in page
    # "fear" was yes, "moving" no, "hate" not answered: the checked radio of each says so.
    assert _checked(page, "fear") == "yes" and _checked(page, "moving") == "no" and _checked(page, "hate") == ""


def _checked(page: str, key: str) -> str:
    import re

    found = re.search(rf'<input[^>]*name="q_{key}" value="([^"]*)"[^>]*checked', page)
    assert found is not None, f"no checked answer for {key}"
    return found.group(1)


def test_a_correction_to_high_creates_the_panel_task_and_alerts_the_supervisor(client: Client, world):
    assessment, supervisor = world["assessment"], world["supervisor"]
    client.force_login(world["officer"])
    # + violence (5) + hate (5) = 18, + health (3) = 21: high. "moving" left unanswered this time.
    response = client.post(f"/risk-assessments/{assessment.pk}/edit/", _post(assessment, {
        "repeat": "yes", "fear": "yes", "violence": "yes", "hate": "yes", "health": "yes", "moving": ""}), follow=True)
    page = response.content.decode()
    assert "Corrected: answers." in page
    assert "The risk is now high (score 21); it was standard (score 8)." in page
    assert "Risk now high: a Vulnerability Panel task was created for the supervisor." in page
    assessment.refresh_from_db()
    assert (assessment.score, assessment.level, assessment.version) == (21, "high", 2)
    assert assessment.answers["moving"] is None and assessment.answers["isolated"] is None  # not "no"
    assert assessment.unanswered_count == 7
    task = Task.objects.get(case=world["case"], title=PANEL_TASK)
    assert task.owner == supervisor
    assert Alert.objects.filter(user=supervisor, case=world["case"], message__contains="score 21").count() == 1
    entry = AuditEntry.objects.filter(object_type="risk_assessment", object_id=str(assessment.pk),
                                      action="changed").latest("id")
    assert entry.summary == "corrected: answers" and entry.user == world["officer"]

    history = client.get(f"/cases/{world['case'].pk}/history/").content.decode()
    assert "Told us more on the second visit" in history and "Jo Officer" in history
    assert "Has there been violence, threats of violence or damage to the home?</strong>: Not answered &rarr; Yes" \
        in history
    assert "Is the victim thinking of moving home because of the ASB?</strong>: No &rarr; Not answered" in history
    assert "Standard &rarr; High" in history and "8 &rarr; 21" in history


def test_a_correction_from_high_keeps_the_open_panel_task(world):
    officer, case = world["officer"], world["case"]
    high = services.assess_risk(officer, case, world["victim"], {"self_harm": True})
    assert Task.objects.filter(case=case, title=PANEL_TASK, done_on__isnull=True).count() == 1
    result = corrections.correct(officer, "risk_assessment", high, {"answers": {"self_harm": False}},
                                 reason="Misheard: no thoughts of self-harm", expected_version=high.version)
    assert "Risk no longer high: the open panel task remains; close it if no longer needed." in result.effects
    assert "The risk is now standard (score 0); it was high (score 8)." in result.effects
    high.refresh_from_db()
    assert high.level == "standard" and high.answers["self_harm"] is False and high.answers["fear"] is None
    assert Task.objects.filter(case=case, title=PANEL_TASK, done_on__isnull=True).count() == 1  # never deleted


def test_a_stale_or_unknown_correction_is_refused_and_nothing_saved(client: Client, world):
    officer, assessment = world["officer"], world["assessment"]
    opened = assessment.version
    corrections.correct(officer, "risk_assessment", assessment,
                        {"answers": {**assessment.answers, "health": True}}, reason="Health", expected_version=opened)
    client.force_login(officer)
    response = client.post(f"/risk-assessments/{assessment.pk}/edit/",
                           _post(assessment, {"self_harm": "yes"}, version=opened))
    assert response.status_code == 409 and "nothing was saved" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers["self_harm"] is None and assessment.score == 11
    with pytest.raises(StaleEdit):
        corrections.correct(officer, "risk_assessment", assessment, {"answers": {"self_harm": True}},
                            reason="x", expected_version=opened)
    with pytest.raises(RuleRefused) as caught:
        corrections.correct(officer, "risk_assessment", assessment, {"answers": {"pets": True}}, reason="x")
    assert caught.value.rule == "unknown_question"
    response = client.post(f"/risk-assessments/{assessment.pk}/edit/", _post(assessment, {"fear": "no"}, reason=""))
    assert response.status_code == 200 and "Error:" in response.content.decode()


def test_who_may_correct_a_risk_assessment(client: Client, world):
    assessment = world["assessment"]
    client.force_login(create_user("analyst", world["council"]))
    assert client.get(f"/risk-assessments/{assessment.pk}/edit/").status_code == 404
    client.force_login(create_user("officer", create_agency("Housing")))
    assert client.get(f"/risk-assessments/{assessment.pk}/edit/").status_code == 404
    assessment.refresh_from_db()
    assert assessment.version == 1
