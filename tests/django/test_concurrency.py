"""Nothing lost under concurrent edits (issue 11, item 1): a stale edit is refused, not applied.

Two officers open the same case; one closes it, the other (from the version they opened) sets
"investigating". Before versions, the second save silently re-opened the closed case."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.casework import services
from csphub.errors import StaleEdit
from csphub.panels import services as panels
from csphub.panels.models import Panel

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_officers():
    council = create_agency("Council ASB Team")
    amira = create_user("officer", council, "amira")
    amira.first_name, amira.last_name = "Amira", "Khan"
    amira.save()
    tom = create_user("officer", council, "tom")
    return amira, tom, create_case(amira)


def test_a_stale_status_change_on_the_page_is_refused_and_says_who_changed_what(client, two_officers):
    amira, tom, case = two_officers
    client.force_login(tom)
    opened = client.get(f"/cases/{case.pk}/status/")
    assert f'name="version" value="{case.version}"' in opened.content.decode()
    seen = case.version
    services.change_status(amira, case, "action")  # meanwhile, Amira moves it on
    answer = client.post(f"/cases/{case.pk}/status/", {"status": "investigating", "version": seen})
    page = answer.content.decode()
    assert answer.status_code == 200 and "Amira Khan changed this record" in page and "(status)" in page
    case.refresh_from_db()
    assert case.status == "action"
    # Once closed, the old form cannot re-open it at all: only a supervisor may (the rule is
    # checked on the row as it is now, not as the form saw it).
    services.change_status(amira, case, "closed", outcome="resolved")
    assert client.post(f"/cases/{case.pk}/status/", {"status": "investigating",
                                                      "version": case.version}).status_code == 403


def test_a_stale_api_patch_gets_409_and_a_fresh_one_goes_through(client, two_officers):
    amira, tom, case = two_officers
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(tom)}"}
    read = client.get(f"/api/v1/cases/{case.pk}", **auth)
    seen = read["ETag"]
    assert seen == f'"{case.version}"' and read.json()["version"] == case.version
    services.change_status(amira, case, "action")
    stale = client.patch(f"/api/v1/cases/{case.pk}", {"status": "investigating"}, content_type="application/json",
                         HTTP_IF_MATCH=seen, **auth)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_edit"
    assert "Amira Khan" in stale.json()["error"]["message"]
    case.refresh_from_db()
    assert case.status == "action"
    fresh = client.get(f"/api/v1/cases/{case.pk}", **auth)["ETag"]
    done = client.patch(f"/api/v1/cases/{case.pk}", {"status": "monitoring"}, content_type="application/json",
                        HTTP_IF_MATCH=fresh, **auth)
    assert done.status_code == 200 and done["ETag"] == f'"{case.version + 1}"'


def test_each_save_adds_one_to_the_version_and_an_old_version_is_refused_in_the_service(two_officers):
    amira, _, case = two_officers
    first = case.version
    services.change_status(amira, case, "investigating", expected_version=first)
    assert case.version == first + 1
    with pytest.raises(StaleEdit):
        services.change_status(amira, case, "action", expected_version=first)


def test_a_referral_answered_twice_from_the_same_version_keeps_the_first_answer():
    council, housing = create_agency("Council"), create_agency("Housing", "housing")
    officer = create_user("officer", council)
    one, two = create_user("officer", housing), create_user("officer", housing)
    case = create_case(officer)
    referral = services.refer(officer, case, to_agency=housing, reason="Tenancy support")
    seen = referral.version
    services.update_referral(one, referral, "accepted", expected_version=seen)
    with pytest.raises(StaleEdit):
        services.update_referral(two, referral, "declined", expected_version=seen)
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_panel_decision_from_a_stale_page_is_refused():
    council = create_agency("Council")
    officer, chair = create_user("officer", council), create_user("supervisor", council)
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council])
    referral = panels.refer_to_panel(officer, panel, person=create_person(officer), reason="x", consent="given")
    seen = referral.version
    panels.decide(chair, referral, "adopted", expected_version=seen)
    with pytest.raises(StaleEdit):
        panels.decide(officer, referral, "declined", reason="Not ours", expected_version=seen)
    referral.refresh_from_db()
    assert referral.status == "adopted" and referral.decided_on == date.today()


def test_a_form_sent_twice_saves_one_note(client, two_officers):
    from csphub.casework.models import CaseNote

    amira, _, case = two_officers
    client.force_login(amira)
    form = client.get(f"/cases/{case.pk}/notes/add/").content.decode()
    key = form.split('name="form_key" value="')[1].split('"')[0]
    first = client.post(f"/cases/{case.pk}/notes/add/", {"text": "Spoke to the victim", "form_key": key})
    again = client.post(f"/cases/{case.pk}/notes/add/", {"text": "Spoke to the victim", "form_key": key})
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert CaseNote.objects.filter(case=case).count() == 1
    # A form shown again with an error keeps its key usable for the corrected send.
    other = client.get(f"/cases/{case.pk}/notes/add/").content.decode().split('name="form_key" value="')[1][:32]
    assert client.post(f"/cases/{case.pk}/notes/add/", {"text": "", "form_key": other}).status_code == 200
    assert client.post(f"/cases/{case.pk}/notes/add/", {"text": "Visited", "form_key": other}).status_code == 302
    assert CaseNote.objects.filter(case=case).count() == 2
