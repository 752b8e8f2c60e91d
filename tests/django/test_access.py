"""csphub.access: the leaks issue 10 found, each reproduced, and the need-to-know sharing rules.

Every test here failed before the access layer (reads that wrote no audit entry, audit entries
naming people, referrals sharing the whole case with write access, merges widening who may see
a record, analysts reading free text, the panel duplicate check revealing membership)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from csphub.access import policy, reads
from csphub.audit.models import AuditEntry
from csphub.audit.services import REFUSAL_IDS_KEPT
from csphub.casereview import services as case_reviews
from csphub.casework import services
from csphub.casework.models import CaseParty
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused
from csphub.panels import services as panels
from csphub.panels.models import Panel, PanelReferral
from csphub.people import services as people
from csphub.people.models import PersonMatch

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db

NAME = ("Ottoline", "Vantablack")


@pytest.fixture
def world():
    council, police, housing = create_agency("Council ASB Team"), create_agency("Police", "police"), \
        create_agency("Housing", "housing")
    officer = create_user("officer", council, "council.officer")
    case = create_case(officer, summary="Threats to the victim at her door")
    services.share_case(officer, case, police)
    victim = create_person(officer, first_name=NAME[0], last_name=NAME[1], flags=["mental_health"])
    services.add_party(officer, case, victim, "victim")
    return {"council": council, "police": police, "housing": housing, "officer": officer, "case": case,
            "victim": victim, "police_officer": create_user("officer", police, "police.officer"),
            "housing_officer": create_user("officer", housing, "housing.officer"),
            "analyst": create_user("analyst", council, "council.analyst"),
            "admin": create_user("partnership_admin", council, "csp.admin")}


def _named(entry: AuditEntry, pk: object) -> bool:
    return entry.object_id == str(pk) or str(pk) in entry.object_ids


def _audited(user, object_type: str, pk: object, action: str | None = None) -> bool:
    entries = AuditEntry.objects.filter(user=user, object_type=object_type)
    if action:
        entries = entries.filter(action=action)
    return any(_named(e, pk) for e in entries)


# ---- Reads that wrote no audit entry ---------------------------------------------------------

def test_the_case_review_list_and_api_audit_the_applications_and_applicants(client, world):
    officer, victim = world["officer"], world["victim"]
    app = case_reviews.receive_application(officer, applicant=victim, behaviour="Repeated abuse", complaints=[])
    client.force_login(officer)
    assert client.get("/case-reviews/").status_code == 200
    assert _audited(officer, "case_review", app.pk) and _audited(officer, "person", victim.pk)
    AuditEntry.objects.all().delete()
    answer = client.get("/api/v1/case-reviews/", HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert [a["id"] for a in answer.json()["items"]] == [app.pk]
    assert _audited(officer, "case_review", app.pk) and _audited(officer, "person", victim.pk)


@pytest.mark.parametrize("path", ["/panels/refer/", "/case-reviews/new/"])
def test_people_pickers_audit_every_person_they_list(client, world, path):
    officer = world["officer"]
    client.force_login(officer)
    page = client.get(path)
    assert page.status_code == 200 and NAME[1] in page.content.decode()
    assert _audited(officer, "person", world["victim"].pk, "listed")


def test_the_duplicates_queue_audits_both_people_of_each_pair(client, world):
    officer = world["officer"]
    twin = create_person(officer, first_name="Otoline", last_name=NAME[1])
    PersonMatch.objects.create(person_a=world["victim"], person_b=twin, probability=0.95)
    client.force_login(officer)
    assert NAME[1] in client.get("/people/matches/").content.decode()
    assert _audited(officer, "person", world["victim"].pk) and _audited(officer, "person", twin.pk)


def test_my_tasks_in_the_api_are_audited(client, world):
    officer, case = world["officer"], world["case"]
    task = services.add_task(officer, case, title="Visit the victim", owner=officer, due_on=date(2026, 6, 1))
    answer = client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}")
    assert [t["id"] for t in answer.json()["items"]] == [task.pk]
    assert _audited(officer, "task", task.pk, "listed")


def test_reading_the_audit_log_is_itself_audited_on_the_page_and_the_command(client, world):
    admin = world["admin"]
    shown = AuditEntry.objects.first()
    client.force_login(admin)
    assert client.get("/audit/").status_code == 200
    assert _audited(admin, "audit_entry", shown.pk, "listed")
    from click.testing import CliRunner

    from csphub.cli import main

    before = AuditEntry.objects.filter(object_type="audit_entry", channel="cli").count()
    result = CliRunner().invoke(main, ["audit", "--limit", "5", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert AuditEntry.objects.filter(object_type="audit_entry", channel="cli").count() == before + 1


def test_a_cases_groups_are_audited(client, world):
    officer, case = world["officer"], world["case"]
    group = services.record_group(officer, case, name="Precinct group", description="", members=[world["victim"]])
    client.force_login(officer)
    assert "Precinct group" in client.get(f"/cases/{case.pk}/").content.decode()
    assert _audited(officer, "group", group.pk)


def test_the_api_case_list_records_the_people_it_returned(client, world):
    officer = world["officer"]
    listed = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {create_token(officer)}").json()["items"]
    assert listed[0]["parties"][0]["name"] == " ".join(NAME)
    assert _audited(officer, "case", world["case"].pk, "listed")
    assert _audited(officer, "person", world["victim"].pk, "listed")


def test_a_list_read_as_values_is_audited_by_its_ids_and_refused_without_them(world):
    """The API case list reads values, not records (issue 19: cheaper); access still audits
    exactly the ids returned, and a values read that leaves the id out cannot be audited."""
    from csphub.access import reads

    officer, case = world["officer"], world["case"]
    rows = list(reads.cases(officer, purpose="values test").values("id", "reference"))
    assert rows == [{"id": case.pk, "reference": case.reference}]
    entry = AuditEntry.objects.filter(user=officer, purpose="values test").get()
    assert entry.action == "listed" and entry.object_ids == [str(case.pk)]
    with pytest.raises(TypeError):
        list(reads.cases(officer, purpose="values test").values("reference"))


def test_refused_reads_are_audited_and_a_burst_is_one_entry(client, world):
    outsider = world["housing_officer"]
    client.force_login(outsider)
    guesses = range(world["case"].pk, world["case"].pk + 120)
    for pk in guesses:
        assert client.get(f"/cases/{pk}/").status_code == 404
    refused = AuditEntry.objects.filter(user=outsider, action="refused", object_type="case")
    assert refused.count() == 1
    entry = refused.get()
    assert entry.count == 120 and len(entry.object_ids) == REFUSAL_IDS_KEPT
    assert entry.object_ids[0] == str(world["case"].pk)


# ---- The audit log holds ids and purposes, never names or search words -----------------------

def test_no_audit_entry_holds_a_name_or_a_search_term(client, world):
    officer, admin = world["officer"], world["admin"]
    client.force_login(officer)
    client.get(f"/cases/{world['case'].pk}/")
    client.get(f"/people/{world['victim'].pk}/")
    client.get(f"/cases/{world['case'].pk}/people/add/?q={NAME[1]}")
    services.add_task(officer, world["case"], title=f"Ring {NAME[0]}", owner=officer, due_on=date(2026, 6, 1))
    services.add_attachment(officer, world["case"], SimpleUploadedFile(f"{NAME[1]} diary.pdf", b"%PDF-1.4"),
                            "Diary sheets")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        rows = cursor.fetchall()
    assert rows and not [r for r in rows if any(n.lower() in str(r).lower() for n in NAME)]
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "search: add person" in page and NAME[1] not in page


# ---- Need-to-know sharing ------------------------------------------------------------------

def test_a_referral_shares_the_person_and_reason_read_only_not_the_case(client, world):
    officer, housing_officer, case, victim = world["officer"], world["housing_officer"], world["case"], world["victim"]
    referral = services.refer(officer, case, to_agency=world["housing"], reason="Tenancy support", person=victim)
    assert world["housing"] not in case.agencies.all()
    assert not policy.can_view_case(housing_officer, case)
    assert policy.can_view_person(housing_officer, victim)
    client.force_login(housing_officer)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/notes/add/", {"text": "x"}).status_code == 404
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Tenancy support" in page and NAME[1] in page
    assert f"/referrals/{referral.pk}/" in client.get("/").content.decode()  # on housing's dashboard
    with pytest.raises(PermissionRefused):  # the referring officer cannot answer for housing
        services.update_referral(officer, referral, "accepted")
    assert client.post(f"/referrals/{referral.pk}/", {"status": "accepted", "outcome": ""}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert services.refer.__doc__ and "not the case" in services.refer.__doc__


def test_only_the_lead_agency_shares_closes_or_re_leads_a_case(world):
    police_officer, case = world["police_officer"], world["case"]
    services.add_note(police_officer, case, "Patrol passed at 22:00")  # a sharing agency records on it
    with pytest.raises(PermissionRefused, match="only the lead agency"):
        services.share_case(police_officer, case, world["housing"])
    with pytest.raises(PermissionRefused, match="only the lead agency"):
        services.change_status(police_officer, case, "closed", outcome="resolved")
    with pytest.raises(PermissionRefused, match="only the lead agency"):
        services.change_lead(police_officer, case, agency=world["police"])
    services.change_lead(world["officer"], case, agency=world["police"], officer=police_officer)
    case.refresh_from_db()
    assert case.lead_agency == world["police"] and world["council"] in case.agencies.all()


def test_refer_refuses_a_person_the_caller_cannot_see(world):
    stranger = create_person(world["housing_officer"], first_name="Hidden", last_name="Person")
    with pytest.raises(NotFoundError):
        services.refer(world["officer"], world["case"], to_agency=world["housing"], reason="x", person=stranger)


def test_the_duplicate_panel_referral_check_answers_non_members_as_for_anyone(world):
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([world["council"]])
    first = panels.refer_to_panel(world["officer"], panel, person=world["victim"], reason="Repeat victim",
                                  consent="given")
    with pytest.raises(RuleRefused, match="already has an open referral"):  # a member is told
        panels.refer_to_panel(world["officer"], panel, person=world["victim"], reason="Again", consent="given")
    second = panels.refer_to_panel(world["police_officer"], panel, person=world["victim"], reason="Police concern",
                                   consent="given")  # a non-member gets the same answer as for anyone
    assert second.duplicate_of == first and PanelReferral.objects.count() == 2
    assert not policy.panel_referrals(world["police_officer"]).exists()


def test_a_merge_across_agencies_waits_for_the_owner_and_moves_only_visible_roles(world):
    police_officer, housing_officer = world["police_officer"], world["housing_officer"]
    housing_record = create_person(housing_officer, first_name="Ottoline", last_name=NAME[1], phone="07700 900123",
                                   flags=["domestic_abuse"])
    housing_case = create_case(housing_officer)
    services.add_party(housing_officer, housing_case, housing_record, "victim")
    police_case = create_case(police_officer)
    services.share_case(police_officer, police_case, world["housing"])  # so police's reviewer sees both records
    services.add_party(housing_officer, police_case, housing_record, "witness")
    police_record = create_person(police_officer, first_name="Ottoline", last_name=NAME[1])
    match = PersonMatch.objects.create(person_a=police_record, person_b=housing_record, probability=0.99)
    done = people.merge(police_officer, match.pk, keep="a")
    assert done.is_awaiting_confirmation and done.awaiting_agency == world["housing"]
    housing_record.refresh_from_db()
    assert housing_record.merged_into is None  # nothing moved: housing has not agreed
    with pytest.raises(PermissionRefused):
        people.confirm_merge(police_officer, done.pk)
    people.confirm_merge(housing_officer, done.pk)
    # Only the role on the case police can see moved; housing's own case keeps housing's record.
    assert CaseParty.objects.get(case=police_case, role="witness").person == police_record
    assert CaseParty.objects.get(case=housing_case).person == housing_record
    assert not policy.can_view_case(police_officer, housing_case)


def test_analysts_see_counts_and_categories_never_free_text_names_or_files(client, world):
    officer, analyst, case = world["officer"], world["analyst"], world["case"]
    services.record_incident(officer, case, occurred_at=datetime(2026, 4, 3, 22, 0),
                             description=f"{NAME[0]} was threatened")
    services.add_note(officer, case, f"{NAME[0]} is frightened")
    attachment = services.add_attachment(officer, case, SimpleUploadedFile("diary.pdf", b"%PDF-1.4"), "Diary")
    client.force_login(analyst)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "1 victim" in page and "Incidents" in page
    assert NAME[0] not in page and "Threats to the victim" not in page and "frightened" not in page
    assert client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(analyst)}"}
    body = client.get(f"/api/v1/cases/{case.pk}", **auth).json()
    assert body["summary"] is None and body["parties"] is None and body["ward_code"] == ""
    incidents = client.get(f"/api/v1/cases/{case.pk}/incidents", **auth).json()["items"]
    assert len(incidents) == 1 and incidents[0]["description"] is None
    assert NAME[0] not in json.dumps(client.get("/api/v1/cases/", **auth).json())


# ---- Services hold the rules; the API reaches what the pages reach ----------------------------

def test_the_api_can_set_a_cases_location(client, world):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world['officer'])}"}
    answer = client.post("/api/v1/cases/", {"case_type": "Noise nuisance", "summary": "Parties every weekend",
                                           "address": "4 Mill Road", "postcode": "rv1 2ab"},
                         content_type="application/json", **auth)
    assert answer.status_code == 201, answer.content
    assert answer.json()["address"] == "4 Mill Road" and answer.json()["postcode"] == "RV1 2AB"


def test_a_task_owner_that_does_not_exist_and_one_not_on_the_case_get_the_same_answer(client, world):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world['officer'])}"}
    path = f"/api/v1/cases/{world['case'].pk}/tasks"
    owners = ("no.such.user", world["housing_officer"].username)
    answers = [client.post(path, {"title": "Visit", "owner": owner, "due_on": "2026-06-01"},
                           content_type="application/json", **auth).json()
               for owner in owners]
    # the same answer, but for the username sent back in the message
    said = [json.dumps(a).replace(owner, "OWNER") for a, owner in zip(answers, owners, strict=True)]
    assert said[0] == said[1] and answers[0]["error"]["code"] == "task_owner_cannot_see_case"


def test_marking_an_alert_read_is_audited_and_only_for_its_owner(client, world):
    from csphub.casework.models import Alert

    alert = Alert.objects.create(user=world["officer"], case=world["case"], message="High risk")
    client.force_login(world["police_officer"])
    assert client.post(f"/alerts/{alert.pk}/read/").status_code == 404
    client.force_login(world["officer"])
    assert client.post(f"/alerts/{alert.pk}/read/").status_code == 302
    alert.refresh_from_db()
    assert alert.read_on is not None and _audited(world["officer"], "alert", alert.pk, "changed")


# ---- One error shape under /api/; pages say what to do ---------------------------------------

def test_every_api_error_has_the_one_shape(client, world, monkeypatch):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world['officer'])}"}
    for path, method, status in [("/api/v1/nothing-here", "get", 404), ("/api/v2/cases/", "get", 404),
                                 ("/api/v1/cases/", "delete", 405)]:
        answer = getattr(client, method)(path, **auth)
        assert answer.status_code == status and answer["Content-Type"].startswith("application/json"), path
        assert set(answer.json()["error"]) == {"code", "message", "details"}

    from csphub.casework import pages

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pages, "api_case_list", broken)
    client.raise_request_exception = False
    answer = client.get("/api/v1/cases/", **auth)
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "server_error"
    assert "database" not in answer.json()["error"]["message"]


def test_pages_are_not_cached_and_a_bad_id_is_a_404_not_a_500(client, world):
    client.force_login(world["officer"])
    page = client.get(f"/cases/{world['case'].pk}/")
    assert "no-store" in page["Cache-Control"]
    assert client.get("/panels/refer/?case=abc").status_code == 404
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()


def test_a_bad_panel_action_or_rag_is_a_message_not_a_500(client, world):
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([world["council"]])
    referral = panels.refer_to_panel(world["officer"], panel, person=world["victim"], reason="x", consent="given")
    action = panels.add_action(world["officer"], referral, description="Welfare visit",
                               owner_agency=world["council"], due_on=date(2026, 6, 1))
    client.force_login(world["officer"])
    assert client.post(f"/panels/referrals/{referral.pk}/", {"rag": "green", "action": "abc"}).status_code == 404
    answer = client.post(f"/panels/referrals/{referral.pk}/", {"rag": "purple", "action": action.pk}, follow=True)
    assert answer.status_code == 200 and "RAG must be one of" in answer.content.decode()


def test_reads_write_one_entry_per_list_whatever_its_length(world):
    officer = world["officer"]
    for n in range(5):
        services.add_party(officer, world["case"], create_person(officer, first_name=f"P{n}"), "witness")
    before = AuditEntry.objects.count()
    shown = list(reads.people(officer, purpose="test"))
    assert len(shown) == 6 and AuditEntry.objects.count() == before + 1
    assert sorted(AuditEntry.objects.first().object_ids) == sorted(str(p.pk) for p in shown)


def test_an_audited_list_refuses_to_hand_out_bare_values(world):
    with pytest.raises(TypeError):
        list(reads.people(world["officer"], purpose="test").values_list("first_name", flat=True))



def test_every_answer_has_a_permissions_policy_and_personal_answers_are_not_stored(client, world):
    login = client.get("/login/")
    assert "camera=()" in login["Permissions-Policy"]
    answer = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {create_token(world['officer'])}")
    assert "no-store" in answer["Cache-Control"] and "camera=()" in answer["Permissions-Policy"]


def test_a_locked_database_answers_503_with_retry_after_not_500(client, world, monkeypatch):
    from django.db import OperationalError

    from csphub.casework import pages

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pages, "api_case_list", locked)
    monkeypatch.setattr(pages, "dashboard", locked)
    answer = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {create_token(world['officer'])}")
    assert answer.status_code == 503 and answer["Retry-After"] == "2"
    assert answer.json()["error"]["code"] == "busy"
    client.force_login(world["officer"])
    client.raise_request_exception = False
    page = client.get("/")
    assert page.status_code == 503 and "try again" in page.content.decode()


def test_a_case_page_writes_all_its_read_entries_in_one_statement_in_the_order_read(client, world):
    """A case page reads several kinds of record (the case, its parties, the person...): each kind
    still gets its own entry, but all are written by one INSERT once the page has answered, with
    the times they were read. A change in the same request (a note added) keeps the log's order:
    the reads before it are written first."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["officer"])
    case = world["case"]
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditentry"')]
    written = list(AuditEntry.objects.filter(pk__gt=before).order_by("pk"))
    assert len(inserts) == 1 and len(written) >= 3, (len(inserts), [(e.action, e.object_type) for e in written])
    assert {"case", "party"} <= {e.object_type for e in written}
    assert [e.at for e in written] == sorted(e.at for e in written)

    from csphub.audit.services import Action, reads_collected, record
    with reads_collected():
        record(world["officer"], Action.VIEWED, "case", case.pk, purpose="first")
        record(world["officer"], Action.CHANGED, "case", case.pk, summary="then a change")
        record(world["officer"], Action.VIEWED, "case", case.pk, purpose="then a read")
        assert not AuditEntry.objects.filter(purpose="then a read").exists()  # still waiting
    last = list(AuditEntry.objects.order_by("-pk")[:3])[::-1]
    assert [(e.action, e.purpose or e.summary) for e in last] == [
        ("viewed", "first"), ("changed", "then a change"), ("viewed", "then a read")]


def test_reads_are_still_written_when_the_request_fails_after_them(world):
    from csphub.audit.services import Action, reads_collected, record

    with pytest.raises(RuntimeError), reads_collected():
        record(world["officer"], Action.VIEWED, "case", world["case"].pk, purpose="read before the error")
        raise RuntimeError("the page failed after reading")
    assert AuditEntry.objects.filter(purpose="read before the error").count() == 1
