"""User administration in the browser (issue 12, item 2): an agency admin manages its own
agency's users; a partnership admin manages agencies and every user: create, disable/enable,
change role, reset password (a one-time link), unlock after lockout, see last login, revoke
tokens; every change audited. Before, all of this needed a Django shell or the admin site.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from csphub.accounts.models import Agency, ApiToken, Membership
from csphub.audit.models import AuditEntry

from .factories import PASSWORD, create_agency, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    council, police = create_agency("Council ASB Team"), create_agency("Police", "police")
    return {
        "council": council, "police": police,
        "council_admin": create_user("agency_admin", council, "admin.council"),
        "police_admin": create_user("agency_admin", police, "admin.police"),
        "csp_admin": create_user("partnership_admin", council, "admin.csp"),
        "officer": create_user("officer", council, "sam.officer"),
        "pc": create_user("officer", police, "pc.jones"),
    }


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sign_in(username: str, password: str):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.2.0.1")


def changes_of(user, by) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="user", object_id=str(user.pk), user=by,
                                          action=AuditEntry.Action.CHANGED).values_list("summary", flat=True))


def test_an_agency_admin_sees_and_manages_only_their_own_agency(partnership):
    client = as_user(partnership["council_admin"])
    listed = client.get("/administration/users/").content.decode()
    assert "sam.officer" in listed and "pc.jones" not in listed
    # Another agency's user is "not found", as if absent; its refusal is audited.
    pc = partnership["pc"]
    assert client.get(f"/administration/users/{pc.pk}/").status_code == 404
    assert client.post(f"/administration/users/{pc.pk}/", {"action": "disable"}).status_code == 404
    pc.refresh_from_db()
    assert pc.is_active
    assert AuditEntry.objects.filter(user=partnership["council_admin"], action=AuditEntry.Action.REFUSED,
                                     object_type="user").exists()
    # The list read is audited by the ids it showed, never by names.
    listed_entry = AuditEntry.objects.filter(user=partnership["council_admin"], object_type="user",
                                             action=AuditEntry.Action.LISTED).first()
    shown = [str(i) for i in listed_entry.object_ids]
    assert str(partnership["officer"].pk) in shown and str(partnership["pc"].pk) not in shown


def test_officers_get_no_administration_pages(partnership):
    client = as_user(partnership["officer"])
    for path in ("/administration/users/", "/administration/users/new/", "/administration/tokens/",
                 "/administration/agencies/"):
        assert client.get(path).status_code == 403, path


def test_disable_then_enable_a_user_and_their_tokens_follow(partnership):
    officer, admin = partnership["officer"], partnership["council_admin"]
    token = create_token(officer)
    client = as_user(admin)
    assert client.post(f"/administration/users/{officer.pk}/", {"action": "disable"}).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    api = Client()
    assert api.get("/api/v1/cases/", headers={"authorization": f"Bearer {token}"}).status_code == 401
    assert "disabled" in changes_of(officer, admin)
    client.post(f"/administration/users/{officer.pk}/", {"action": "enable"})
    officer.refresh_from_db()
    assert officer.is_active
    assert api.get("/api/v1/cases/", headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_an_admin_cannot_disable_themselves_or_drop_their_own_admin_role(partnership):
    admin = partnership["council_admin"]
    client = as_user(admin)
    client.post(f"/administration/users/{admin.pk}/", {"action": "disable"})
    client.post(f"/administration/users/{admin.pk}/", {"action": "role", "role": "officer"})
    admin.refresh_from_db()
    assert admin.is_active and admin.membership.role == "agency_admin"
    page = client.get(f"/administration/users/{admin.pk}/").content.decode()
    assert "cannot disable yourself" in page or "This is you" in page


def test_change_role_and_only_a_partnership_admin_makes_one(partnership):
    officer = partnership["officer"]
    client = as_user(partnership["council_admin"])
    client.post(f"/administration/users/{officer.pk}/", {"action": "role", "role": "supervisor"})
    assert Membership.objects.get(user=officer).role == "supervisor"
    assert "role officer -> supervisor" in changes_of(officer, partnership["council_admin"])
    # An agency admin may not make a partnership admin (who would see every agency's users).
    response = client.post(f"/administration/users/{officer.pk}/", {"action": "role", "role": "partnership_admin"})
    assert response.status_code == 403
    assert Membership.objects.get(user=officer).role == "supervisor"
    as_user(partnership["csp_admin"]).post(f"/administration/users/{officer.pk}/",
                                           {"action": "role", "role": "partnership_admin"})
    assert Membership.objects.get(user=officer).role == "partnership_admin"


def test_a_new_user_gets_a_one_time_link_to_choose_their_password(partnership):
    client = as_user(partnership["council_admin"])
    response = client.post("/administration/users/new/", {
        "username": "new.starter", "first_name": "Nia", "last_name": "Starter", "email": "nia@example.org",
        "agency": partnership["council"].pk, "role": "officer"}, follow=True)
    page = response.content.decode()
    link = re.search(r"http://testserver(/login/reset/[^\s<]+/)", page).group(1)
    user = Membership.objects.get(user__username="new.starter").user
    assert user.membership.agency == partnership["council"]
    # The link works once: it sets the password, then the same link is refused.
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = visitor.post(set_url, {"new_password1": "correct horse battery staple",
                                  "new_password2": "correct horse battery staple"})
    assert done.status_code == 302
    assert sign_in("new.starter", "correct horse battery staple").status_code == 302
    again = Client().get(link, follow=True).content.decode()
    assert "new_password1" not in again
    created = AuditEntry.objects.get(object_type="user", object_id=str(user.pk), action=AuditEntry.Action.CREATED)
    assert created.user == partnership["council_admin"] and "Nia" not in created.summary


def test_an_agency_admin_cannot_add_users_to_another_agency(partnership):
    client = as_user(partnership["council_admin"])
    response = client.post("/administration/users/new/", {
        "username": "mole", "agency": partnership["police"].pk, "role": "officer"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(user__username="mole").exists()


def test_unlock_after_lockout(partnership, client):
    officer = partnership["officer"]
    for _ in range(5):
        client.post("/login/", {"username": officer.username, "password": "wrong one"}, REMOTE_ADDR="10.9.9.9")
    assert client.post("/login/", {"username": officer.username, "password": PASSWORD},
                       REMOTE_ADDR="10.9.9.9").status_code == 429
    admin = as_user(partnership["council_admin"])
    assert "Locked" in admin.get("/administration/users/").content.decode()
    admin.post(f"/administration/users/{officer.pk}/", {"action": "unlock"})
    assert client.post("/login/", {"username": officer.username, "password": PASSWORD},
                       REMOTE_ADDR="10.9.9.9").status_code == 302
    # The audit says whom the admin unlocked (by id), as for every other change to a user.
    assert any(s.startswith("unlocked: ") for s in changes_of(officer, partnership["council_admin"]))


def test_last_login_is_shown_and_tokens_revoked_from_the_user_page(partnership):
    officer = partnership["officer"]
    assert sign_in(officer.username, PASSWORD).status_code == 302
    create_token(officer)
    create_token(officer)
    client = as_user(partnership["council_admin"])
    page = client.get(f"/administration/users/{officer.pk}/").content.decode()
    assert "never" not in page.split("Last sign-in", 1)[1].split("</dd>", 1)[0]
    client.post(f"/administration/users/{officer.pk}/", {"action": "revoke-tokens"})
    assert not ApiToken.objects.filter(user=officer, revoked_on__isnull=True).exists()


def test_only_a_partnership_admin_manages_agencies_and_their_two_factor_rule(partnership):
    assert as_user(partnership["council_admin"]).get("/administration/agencies/").status_code == 403
    client = as_user(partnership["csp_admin"])
    client.post("/administration/agencies/", {"name": "Youth Offending Service", "kind": "council",
                                              "mfa_required": "on"})
    yos = Agency.objects.get(name="Youth Offending Service")
    assert yos.mfa_required
    assert AuditEntry.objects.filter(object_type="agency", object_id=str(yos.pk), action=AuditEntry.Action.CREATED,
                                     user=partnership["csp_admin"], channel="web").exists()
    client.post(f"/administration/agencies/{yos.pk}/mfa/", {"mfa_required": "no"})
    yos.refresh_from_db()
    assert not yos.mfa_required
    assert AuditEntry.objects.filter(object_type="agency", object_id=str(yos.pk), summary="mfa not required",
                                     user=partnership["csp_admin"]).exists()
    # A partnership admin sees every agency's users.
    listed = client.get("/administration/users/").content.decode()
    assert "sam.officer" in listed and "pc.jones" in listed
