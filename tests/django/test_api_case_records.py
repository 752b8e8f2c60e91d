"""A partner system records and syncs the rest of a case through the API (issue 12, item 11):
notes, monitoring visits, victim risk assessments, breaches and outcomes, with the same rules as
the pages (an empty note, a visit in the future, a breach before the tool was issued, an unknown
risk question are refused by field; a stale outcome is 409)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from csphub.casework import services
from csphub.casework.models import Breach, RiskAssessment

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    council = create_agency("Council ASB Team")
    officer, analyst = create_user("officer", council), create_user("analyst", council)
    case = create_case(officer)
    victim, subject = create_person(officer), create_person(officer, first_name="Alex", last_name="Brown")
    services.add_party(officer, case, victim, "victim")
    services.add_party(officer, case, subject, "subject")
    cpw = services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music",
                                      issued_on=timezone.localdate() - timedelta(days=10))
    return {"officer": officer, "analyst": analyst, "case": case, "victim": victim, "cpw": cpw,
            "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"},
            "analyst_auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(analyst)}"}}


def _post(client, path, body, auth, **headers):
    return client.post(path, body, content_type="application/json", **auth, **headers)


def test_notes_and_visits_are_recorded_and_listed_and_analysts_get_no_words(client, setting):
    case, auth = setting["case"], setting["auth"]
    assert _post(client, f"/api/v1/cases/{case.pk}/notes", {"text": "   "}, auth).json()["error"]["details"][0][
        "field"] == "text"
    assert _post(client, f"/api/v1/cases/{case.pk}/notes", {"text": "Called the victim"}, auth).status_code == 201
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = _post(client, f"/api/v1/cases/{case.pk}/visits", {"visited_on": tomorrow, "findings": "x"}, auth)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "visited_on"
    today = timezone.localdate().isoformat()
    assert _post(client, f"/api/v1/cases/{case.pk}/visits", {"visited_on": today, "findings": "Quiet"},
                 auth).status_code == 201
    notes = client.get(f"/api/v1/cases/{case.pk}/notes", **auth).json()
    assert (notes["total"], notes["items"][0]["text"]) == (1, "Called the victim")
    visits = client.get(f"/api/v1/cases/{case.pk}/visits", **setting["analyst_auth"]).json()
    assert (visits["total"], visits["items"][0]["findings"], visits["items"][0]["visited_on"]) == (1, None, today)


def test_a_risk_assessment_by_key_counts_unanswered_questions_and_refuses_unknown_ones(client, setting):
    case, auth, victim = setting["case"], setting["auth"], setting["victim"]
    path = f"/api/v1/cases/{case.pk}/risk-assessments"
    unknown = _post(client, path, {"person_id": victim.pk, "answers": {"favourite_colour": True}}, auth)
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "answers"
    made = _post(client, path, {"person_id": victim.pk, "answers": {"repeat": True, "fear": None}}, auth)
    assert made.status_code == 201, made.content
    stored = RiskAssessment.objects.get()
    assert made.json()["unanswered"] == stored.unanswered_count == len(stored.answers) - 1
    assert client.get(path, **auth).json()["items"][0]["id"] == stored.pk
    assert client.get(path, **setting["analyst_auth"]).status_code == 403  # analysts: not person-level risk


def test_a_breach_before_the_warning_is_refused_and_an_outcome_needs_the_current_version(client, setting):
    case, auth, cpw = setting["case"], setting["auth"], setting["cpw"]
    before = (cpw.issued_on - timedelta(days=1)).isoformat()
    refused = _post(client, f"/api/v1/cases/{case.pk}/breaches",
                    {"intervention_id": cpw.pk, "occurred_on": before, "description": "Music"}, auth)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "occurred_on"
    assert _post(client, f"/api/v1/cases/{case.pk}/breaches", {"intervention_id": cpw.pk, "description": "Music",
                 "occurred_on": timezone.localdate().isoformat()}, auth).status_code == 201
    listed = client.get(f"/api/v1/cases/{case.pk}/breaches", **setting["analyst_auth"]).json()
    assert listed["total"] == Breach.objects.count() == 1 and listed["items"][0]["description"] is None
    outcome = f"/api/v1/cases/{case.pk}/interventions/{cpw.pk}/outcome"
    done = _post(client, outcome, {"outcome": "Complied"}, auth, HTTP_IF_MATCH=f'"{cpw.version}"')
    assert done.status_code == 200 and done.json()["outcome"] == "Complied"
    stale = _post(client, outcome, {"outcome": "Did not comply"}, auth, HTTP_IF_MATCH=f'"{cpw.version}"')
    assert stale.status_code == 409  # sent against the version before the first outcome
