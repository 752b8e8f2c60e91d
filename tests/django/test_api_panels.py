"""Panel meetings and actions through the API (issue 12, item 11): held to the page's rules, an
agency that does not sit on the panel is refused by field, whether named as attending or as the
owner of an action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from csphub.casework import services
from csphub.panels import services as panels
from csphub.panels.models import Panel, PanelAction, PanelMeeting

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


def test_meetings_and_actions_name_only_member_agencies(client):
    council, probation = create_agency("Council ASB Team"), create_agency("Probation", "probation")
    create_agency("Fire and Rescue", "fire")
    officer = create_user("officer", council)
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council, probation])
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    referral = panels.refer_to_panel(officer, panel, person=victim, case=case, reason="Repeat victim", consent="given")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"}
    today = timezone.localdate()

    def post(path, body):
        return client.post(path, body, content_type="application/json", **auth)

    outsider = post(f"/api/v1/panels/{panel.pk}/meetings", {"held_on": today.isoformat(), "agencies": ["Fire and Rescue"]})
    assert outsider.status_code == 422 and outsider.json()["error"]["details"][0]["field"] == "agencies"
    assert PanelMeeting.objects.count() == 0
    held = post(f"/api/v1/panels/{panel.pk}/meetings", {"held_on": today.isoformat(), "agencies": ["probation"]})
    assert held.status_code == 201 and held.json()["agencies"] == ["Probation"]
    due = (today + timedelta(days=7)).isoformat()
    action_path = f"/api/v1/panels/referrals/{referral.pk}/actions"
    refused = post(action_path, {"description": "Fit a smoke alarm", "owner_agency": "Fire and Rescue", "due_on": due})
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "owner_agency"
    made = post(action_path, {"description": "Offender contact", "owner_agency": "Probation", "due_on": due})
    assert made.status_code == 201 and PanelAction.objects.get().owner_agency == probation
    listed = client.get(action_path, **auth).json()
    assert (listed["total"], listed["items"][0]["owner_agency"]) == (1, "Probation")
