"""Correcting a case's tasks and tools and powers through the API (issue 12, items 1 and 11):
``PATCH /api/v1/cases/{id}/tasks/{tid}`` (the owner by username, one of the officers and
supervisors of the agencies on the case, as the page offers) and
``PATCH /api/v1/cases/{id}/interventions/{iid}`` (the 2014 Act rules checked again, what changed
said in ``effects``) use the same corrections service as the pages: the reason on the history
row, a stale If-Match 409 with nothing saved, a refused value or field 422 naming it, the new
version as the ETag, and 404 for someone not working the case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from csphub.casework import services

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict[str, Any]:
    today = timezone.localdate()
    council, police, fire = create_agency("Council ASB Team"), create_agency("Police", "police"), create_agency(
        "Fire and Rescue", "fire")
    officer = create_user("officer", council, "jo.officer")
    create_user("supervisor", council, "pat.supervisor")
    create_user("analyst", council, "al.analyst")  # in an agency on the case, but not an officer or supervisor
    create_user("officer", police, "pc.beat")  # police: not on the case until it is shared
    stranger = create_user("officer", fire, "ff.stranger")
    case = create_case(officer)
    task = services.add_task(officer, case, title="Visit the victim", owner=officer, due_on=today + timedelta(days=3))
    # Born 1 June 2009: 17 on the day of the warning, 30 days ago (the age limit is 16).
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(2009, 6, 1))
    warning = services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music",
                                          issued_on=today - timedelta(days=30))
    return {"officer": officer, "case": case, "task": task, "warning": warning, "police": police, "today": today,
            "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"},
            "stranger_auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(stranger)}"}}


def _patch(client: Client, path: str, body: dict[str, Any], auth: dict[str, str], version: int) -> Any:
    return client.patch(path, body, content_type="application/json", HTTP_IF_MATCH=f'"{version}"', **auth)


def _fields(response: Any) -> list[str]:
    return [d["field"].removeprefix("body.payload.") for d in response.json()["error"]["details"]]


# ---- Tasks ----------------------------------------------------------------------------------

def test_a_task_is_handed_to_a_supervisor_by_username_with_its_reason(client: Client, setting):
    task, today = setting["task"], setting["today"]
    path = f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}"
    done = _patch(client, path, {"owner": "pat.supervisor", "due_on": (today + timedelta(days=7)).isoformat(),
                                 "reason": "Handed over while on leave"}, setting["auth"], 1)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["id"], body["version"], sorted(body["changed"]), done["ETag"]) == (task.pk, 2, ["due_on", "owner"],
                                                                                   '"2"')
    task.refresh_from_db()
    assert (task.owner.username, task.due_on) == ("pat.supervisor", today + timedelta(days=7))
    assert task.history.first().history_change_reason == "Handed over while on leave"


@pytest.mark.parametrize("owner", ["nobody.here", "al.analyst", "pc.beat"])
def test_an_owner_unknown_not_a_caseworker_or_not_on_the_case_is_refused_on_owner(client: Client, setting, owner):
    task = setting["task"]
    refused = _patch(client, f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}",
                     {"owner": owner, "reason": "Handed over"}, setting["auth"], 1)
    assert refused.status_code == 422, refused.content
    assert _fields(refused) == ["owner"] and owner in refused.json()["error"]["message"]
    task.refresh_from_db()
    assert (task.owner.username, task.version) == ("jo.officer", 1)


def test_once_the_case_is_shared_the_partner_officer_may_own_the_task(client: Client, setting):
    services.share_case(setting["officer"], setting["case"], setting["police"])
    task = setting["task"]
    done = _patch(client, f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}",
                  {"owner": "pc.beat", "reason": "Police to visit"}, setting["auth"], 1)
    assert done.status_code == 200, done.content
    task.refresh_from_db()
    assert task.owner.username == "pc.beat"


def test_a_stale_task_correction_is_409_and_saves_nothing(client: Client, setting):
    task = setting["task"]
    path = f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}"
    assert _patch(client, path, {"title": "Visit the victim at home", "reason": "Where"}, setting["auth"],
                  1).status_code == 200
    stale = _patch(client, path, {"title": "Phone the victim", "reason": "Changed my mind"}, setting["auth"], 1)
    assert stale.status_code == 409 and stale.json()["error"]["code"]
    task.refresh_from_db()
    assert (task.title, task.version) == ("Visit the victim at home", 2)


@pytest.mark.parametrize(("body", "field"), [
    ({"done_on": "tomorrow", "reason": "Done"}, "done_on"),  # not in the future (same rule as the page)
    ({"case_id": 1, "reason": "Move it"}, "case_id"),  # not a field a correction changes
    ({"title": "  ", "reason": "Blank"}, "title"),  # required, as on the page
    ({"title": "Visit"}, "reason"),
])
def test_a_refused_task_value_or_field_is_422_naming_it(client: Client, setting, body, field):
    task = setting["task"]
    if body.get("done_on") == "tomorrow":
        body = {**body, "done_on": (setting["today"] + timedelta(days=1)).isoformat()}
    refused = _patch(client, f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}", body, setting["auth"], 1)
    assert refused.status_code == 422, refused.content
    assert field in _fields(refused)
    task.refresh_from_db()
    assert (task.version, task.done_on) == (1, None)


def test_done_on_null_reopens_a_done_task(client: Client, setting):
    task, today = setting["task"], setting["today"]
    path = f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}"
    assert _patch(client, path, {"done_on": today.isoformat(), "reason": "Done"}, setting["auth"], 1).status_code == 200
    reopened = _patch(client, path, {"done_on": None, "reason": "Not done after all"}, setting["auth"], 2)
    assert reopened.status_code == 200 and reopened.json()["changed"] == ["done_on"]
    task.refresh_from_db()
    assert task.done_on is None


def test_a_task_is_not_found_for_an_agency_off_the_case_or_through_another_case(client: Client, setting):
    task = setting["task"]
    body = {"title": "x", "reason": "y"}
    assert _patch(client, f"/api/v1/cases/{setting['case'].pk}/tasks/{task.pk}", body, setting["stranger_auth"],
                  1).status_code == 404
    other = create_case(setting["officer"])
    assert _patch(client, f"/api/v1/cases/{other.pk}/tasks/{task.pk}", body, setting["auth"], 1).status_code == 404
    task.refresh_from_db()
    assert task.version == 1


# ---- Tools and powers -----------------------------------------------------------------------

def test_moving_a_warning_before_the_16th_birthday_says_it_would_now_be_refused(client: Client, setting):
    warning = setting["warning"]
    path = f"/api/v1/cases/{setting['case'].pk}/interventions/{warning.pk}"
    # 1 May 2025: Alex was 15 (16 on 1 June 2025).
    done = _patch(client, path, {"issued_on": "2025-05-01", "reason": "Date as on the letter"}, setting["auth"], 1)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["changed"], body["version"], done["ETag"]) == (["issued_on"], 2, '"2"')
    assert len(body["effects"]) == 1
    assert "would now be refused" in body["effects"][0] and "16" in body["effects"][0]
    warning.refresh_from_db()
    assert warning.issued_on == date(2025, 5, 1)
    assert warning.history.first().history_change_reason == "Date as on the letter"
    # Back after the birthday: the rule is met again, and says so.
    back = _patch(client, path, {"issued_on": "2025-06-02", "reason": "Letter misread"}, setting["auth"], 2)
    assert back.status_code == 200 and "now meets the rule" in back.json()["effects"][0]


def test_a_conduct_correction_has_no_effects_and_a_stale_one_saves_nothing(client: Client, setting):
    warning = setting["warning"]
    path = f"/api/v1/cases/{setting['case'].pk}/interventions/{warning.pk}"
    done = _patch(client, path, {"conduct": "Loud music after 11pm", "reason": "As on the letter"}, setting["auth"], 1)
    assert done.status_code == 200 and (done.json()["changed"], done.json()["effects"]) == (["conduct"], [])
    stale = _patch(client, path, {"conduct": "Shouting", "reason": "Again"}, setting["auth"], 1)
    assert stale.status_code == 409
    warning.refresh_from_db()
    assert (warning.conduct, warning.version) == ("Loud music after 11pm", 2)


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "cpn", "reason": "Wrong tool"}, "kind"),  # the kind is not corrected: issue the right one
    ({"written": "yes", "reason": "Typo"}, "written"),
    ({"amount": -5, "reason": "Typo"}, "amount"),
    ({"conduct": "Loud music"}, "reason"),
    ({"issued_on": "2099-01-01", "reason": "Typo"}, "issued_on"),  # a decision in the future
])
def test_a_refused_intervention_field_is_422_naming_it(client: Client, setting, body, field):
    warning = setting["warning"]
    refused = _patch(client, f"/api/v1/cases/{setting['case'].pk}/interventions/{warning.pk}", body,
                     setting["auth"], 1)
    assert refused.status_code == 422, refused.content
    assert field in _fields(refused)
    warning.refresh_from_db()
    assert (warning.kind, warning.version) == ("cpw", 1)


def test_an_intervention_is_not_found_for_an_agency_off_the_case(client: Client, setting):
    warning = setting["warning"]
    response = _patch(client, f"/api/v1/cases/{setting['case'].pk}/interventions/{warning.pk}",
                      {"conduct": "x", "reason": "y"}, setting["stranger_auth"], 1)
    assert response.status_code == 404
    warning.refresh_from_db()
    assert warning.conduct == "Loud music"
