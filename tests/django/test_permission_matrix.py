"""The permission matrix: every role, in the lead agency, a sharing agency, and an agency not on
the case, against every casework page and API route. Each refusal is asserted, and reads are
audited with the right user.

Expected, by role and relation to the case:
- view (case page, case API, its lists): officer, supervisor, analyst of lead or sharing agency;
  anyone else gets 404, exactly as for a case that does not exist.
- change (forms and POSTs): officer, supervisor of lead or sharing agency; an analyst who can see
  the case gets 403 (they can see it exists); everyone else 404.
- person details: officer and supervisor of lead or sharing agency; others 404.
"""

from __future__ import annotations

from datetime import date

import pytest

from csphub.audit.models import AuditEntry
from csphub.casework import services

from .factories import create_agency, create_case, create_person, create_token, create_user

ROLES = ["officer", "supervisor", "analyst", "agency_admin", "partnership_admin"]
RELATIONS = ["lead", "shared", "other"]
VIEW_ROLES = {"officer", "supervisor", "analyst"}
CHANGE_ROLES = {"officer", "supervisor"}

# (name, method, path template, kind) - kind says which permission the route needs.
PAGES = [
    ("case page", "get", "/cases/{case}/", "view"),
    ("add person form", "get", "/cases/{case}/people/add/", "change"),
    ("add incident form", "get", "/cases/{case}/incidents/add/", "change"),
    ("issue intervention form", "get", "/cases/{case}/interventions/add/", "change"),
    ("referral form", "get", "/cases/{case}/referrals/add/", "change"),
    ("update referral form", "get", "/cases/{case}/referrals/{referral}/", "change"),
    ("task form", "get", "/cases/{case}/tasks/add/", "change"),
    ("note form", "get", "/cases/{case}/notes/add/", "change"),
    ("visit form", "get", "/cases/{case}/visits/add/", "change"),
    ("status form", "get", "/cases/{case}/status/", "change"),
    ("share form", "get", "/cases/{case}/share/", "change"),
    ("risk form", "get", "/cases/{case}/risk/", "change"),
    ("breach form", "get", "/cases/{case}/breaches/add/", "change"),
    ("outcome form", "get", "/cases/{case}/interventions/outcome/", "change"),
    ("attachment form", "get", "/cases/{case}/attachments/add/", "change"),
    ("group form", "get", "/cases/{case}/groups/add/", "change"),
    ("add note", "post", "/cases/{case}/notes/add/", "change"),
    ("mark task done", "post", "/cases/{case}/tasks/{task}/done/", "change"),
    ("person page", "get", "/people/{person}/", "person"),
]
API_ROUTES = [
    ("api case", "get", "/api/v1/cases/{case}", "view"),
    ("api incidents", "get", "/api/v1/cases/{case}/incidents", "view"),
    ("api interventions", "get", "/api/v1/cases/{case}/interventions", "view"),
    ("api referrals", "get", "/api/v1/cases/{case}/referrals", "view"),
    ("api tasks", "get", "/api/v1/cases/{case}/tasks", "view"),
    ("api add incident", "post", "/api/v1/cases/{case}/incidents", "change"),
    ("api issue intervention", "post", "/api/v1/cases/{case}/interventions", "change"),
    ("api add referral", "post", "/api/v1/cases/{case}/referrals", "change"),
    ("api add task", "post", "/api/v1/cases/{case}/tasks", "change"),
    ("api change status", "patch", "/api/v1/cases/{case}", "change"),
    ("api update referral", "patch", "/api/v1/referrals/{referral}", "change"),
    ("api complete task", "post", "/api/v1/tasks/{task}/complete", "change"),
    ("api person", "get", "/api/v1/people/{person}", "person"),
]
API_BODIES = {
    "api add incident": {"occurred_at": "2026-05-01T22:00:00", "description": "Loud music"},
    "api issue intervention": {"kind": "cpw", "issued_on": "2026-05-02", "person_id": "{person}",
                               "conduct": "Loud music at night"},
    "api add referral": {"to_agency": "Victim Support", "reason": "Support for the victim"},
    "api add task": {"title": "Visit", "owner": "lead.officer", "due_on": "2026-06-01"},
    "api change status": {"status": "investigating"},
    "api update referral": {"status": "accepted"},
}


@pytest.fixture
def world(db):
    """A case led by the council ASB team, shared with the police; housing is not on it."""
    lead, shared, other = create_agency("Council ASB Team"), create_agency("Police", "police"), create_agency("Housing", "housing")
    create_agency("Victim Support", "voluntary")
    lead_officer = create_user("officer", lead, "lead.officer")
    case = create_case(lead_officer)
    services.share_case(lead_officer, case, shared)
    victim = create_person(lead_officer, flags=["elderly", "mental_health"])
    services.add_party(lead_officer, case, victim, "victim")
    services.issue_intervention(lead_officer, case, kind="abc", person=victim, conduct="x", issued_on=date(2026, 4, 2))
    referral = services.refer(lead_officer, case, to_agency=shared, reason="Patrols")
    task = services.add_task(lead_officer, case, title="Visit", owner=lead_officer, due_on=date(2026, 5, 1))
    agencies = {"lead": lead, "shared": shared, "other": other}
    return {"case": case, "person": victim, "referral": referral, "task": task, "agencies": agencies}


def expected_status(kind: str, role: str, relation: str, method: str, api: bool) -> int:
    on_case = relation in ("lead", "shared")
    if kind == "view":
        return 200 if (role in VIEW_ROLES and on_case) else 404
    if kind == "person":
        return 200 if (role in CHANGE_ROLES and on_case) else 404
    # change
    if role in CHANGE_ROLES and on_case:
        if method == "get":
            return 200
        return 201 if api and method == "post" and "complete" not in kind else (200 if api else 302)
    if role == "analyst" and on_case:
        return 403
    return 404


def _fill(template: str, world: dict) -> str:
    return template.format(case=world["case"].pk, person=world["person"].pk, referral=world["referral"].pk,
                           task=world["task"].pk)


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, template, kind", PAGES, ids=[p[0] for p in PAGES])
def test_pages(client, world, role, relation, name, method, template, kind):
    user = create_user(role, world["agencies"][relation])
    client.force_login(user)
    path = _fill(template, world)
    data = {"text": "A note"} if method == "post" else None
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    want = expected_status(kind, role, relation, method, api=False)
    assert response.status_code == want, f"{role} in {relation} agency: {name} {path}"
    if want == 403:
        assert AuditEntry.objects.filter(user=user, action="refused").exists()
    if kind in ("view", "person") and want == 200:
        entry = AuditEntry.objects.filter(user=user, action="viewed").first()
        assert entry is not None and entry.username == user.username and entry.channel == "web"


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, template, kind", API_ROUTES, ids=[r[0] for r in API_ROUTES])
def test_api(client, world, role, relation, name, method, template, kind):
    user = create_user(role, world["agencies"][relation])
    token = create_token(user)
    path = _fill(template, world)
    body = {k: (_fill(v, world) if isinstance(v, str) and "{" in v else v) for k, v in API_BODIES.get(name, {}).items()}
    if "person_id" in body:
        body["person_id"] = int(body["person_id"])
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        response = client.get(path, **kwargs)
    else:
        response = getattr(client, method)(path, body, content_type="application/json", **kwargs)
    want = expected_status(kind, role, relation, method, api=True)
    if want == 201 and name == "api complete task":
        want = 200
    assert response.status_code == want, f"{role} in {relation} agency: {name}: {response.content[:300]}"
    if want in (403, 404):
        error = response.json()["error"]
        assert error["code"] in ("not_found", "permission_refused") and error["message"]
    if kind in ("view", "person") and want == 200:
        entry = AuditEntry.objects.filter(user=user, channel="api").exclude(action="refused").first()
        assert entry is not None and entry.username == user.username


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_visible_cases(client, world, role, relation):
    user = create_user(role, world["agencies"][relation])
    token = create_token(user)
    listed = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    visible = role in VIEW_ROLES and relation != "other"
    assert [c["reference"] for c in listed] == ([world["case"].reference] if visible else [])
    client.force_login(user)
    page = client.get("/cases/")
    if role in VIEW_ROLES:
        assert (world["case"].reference in page.content.decode()) == visible
    else:
        assert page.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_sensitive_flags_only_for_cleared_roles(client, world, role):
    user = create_user(role, world["agencies"]["lead"])
    token = create_token(user)
    response = client.get(f"/api/v1/people/{world['person'].pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    if role not in CHANGE_ROLES:
        assert response.status_code == 404
        return
    kinds = {f["kind"] for f in response.json()["flags"]}
    assert kinds == {"elderly", "mental_health"}  # officer and supervisor are cleared by default


@pytest.mark.django_db
def test_a_role_not_cleared_sees_no_sensitive_flags(client, world, settings):
    settings.CSPHUB_SENSITIVE_ROLES = ("supervisor",)
    officer = create_user("officer", world["agencies"]["lead"])
    flags = client.get(f"/api/v1/people/{world['person'].pk}", HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}").json()["flags"]
    assert [f["kind"] for f in flags] == ["elderly"]
    client.force_login(officer)
    page = client.get(f"/people/{world['person'].pk}/").content.decode()
    assert "Older person living alone" in page and "Mental health" not in page
    assert "1 sensitive flag not shown to your role" in page


@pytest.mark.parametrize("role", ROLES)
def test_analysts_see_case_facts_but_not_people(client, world, role):
    user = create_user(role, world["agencies"]["lead"])
    body = client.get(f"/api/v1/cases/{world['case'].pk}", HTTP_AUTHORIZATION=f"Bearer {create_token(user)}")
    if role == "analyst":
        assert body.status_code == 200 and body.json()["parties"] is None
        client.force_login(user)
        page = client.get(f"/cases/{world['case'].pk}/").content.decode()
        assert "Jones" not in page and "1 person on this case" in page
    elif role in CHANGE_ROLES:
        assert body.json()["parties"] == [{"person_id": world["person"].pk, "role": "victim", "name": "Sam Jones"}]


@pytest.mark.parametrize("role, status", [("analyst", 200), ("supervisor", 200), ("partnership_admin", 200),
                                          ("officer", 403), ("agency_admin", 403)])
def test_statistics_page(client, world, role, status):
    client.force_login(create_user(role, world["agencies"]["lead"]))
    assert client.get("/statistics/").status_code == status


@pytest.mark.parametrize("role, status", [("partnership_admin", 200), ("officer", 403), ("supervisor", 403),
                                          ("analyst", 403), ("agency_admin", 403)])
def test_audit_page(client, world, role, status):
    client.force_login(create_user(role, world["agencies"]["lead"]))
    assert client.get("/audit/").status_code == status


@pytest.mark.django_db
def test_signed_out_users_are_sent_to_sign_in_and_the_api_answers_401(client, world):
    page = client.get(f"/cases/{world['case'].pk}/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login/")
    api = client.get(f"/api/v1/cases/{world['case'].pk}")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthenticated"
    bad = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer csphub_not-a-token")
    assert bad.status_code == 401


# ---- Panels: confidential to member agencies ----------------------------------------------

@pytest.fixture
def panel_world(world):
    from csphub.panels import services as panel_services
    from csphub.panels.models import Panel

    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([world["agencies"]["lead"], world["agencies"]["shared"]])
    referrer = create_user("officer", world["agencies"]["lead"])
    referral = panel_services.refer_to_panel(referrer, panel, person=world["person"], reason="Repeat victim",
                                             consent="given", case=world["case"])
    meeting = panel_services.hold_meeting(referrer, panel, held_on=date(2026, 5, 1))
    return {**world, "panel": panel, "panel_referral": referral, "meeting": meeting}


PANEL_PAGES = [
    ("panel page", "/panels/{panel}/"),
    ("panel referral page", "/panels/referrals/{panel_referral}/"),
    ("meeting page", "/panels/meetings/{meeting}/"),
    ("meeting form", "/panels/{panel}/meetings/new/"),
]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, template", PANEL_PAGES, ids=[p[0] for p in PANEL_PAGES])
def test_panel_pages_only_for_member_agencies(client, panel_world, role, relation, name, template):
    # The lead and shared agencies sit on the panel; the other agency does not.
    user = create_user(role, panel_world["agencies"][relation])
    client.force_login(user)
    path = template.format(**{k: v.pk for k, v in panel_world.items() if hasattr(v, "pk")})
    response = client.get(path)
    member = relation in ("lead", "shared") and role in CHANGE_ROLES
    assert response.status_code == (200 if member else 404), f"{role} in {relation}: {name}"
    listed = client.get("/panels/")
    if role in CHANGE_ROLES:
        assert ("Vulnerability Panel" in listed.content.decode()) == member


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_panel_api_only_for_member_agencies(client, panel_world, role, relation):
    user = create_user(role, panel_world["agencies"][relation])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user)}"}
    member = relation in ("lead", "shared") and role in CHANGE_ROLES
    listed = client.get("/api/v1/panels/", **auth).json()
    assert [p["name"] for p in listed] == (["Vulnerability Panel"] if member else [])
    one = client.get(f"/api/v1/panels/referrals/{panel_world['panel_referral'].pk}", **auth)
    assert one.status_code == (200 if member else 404)
