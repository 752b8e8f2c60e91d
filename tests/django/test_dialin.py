"""The Daily Dial In through its services, pages and API, on a real database."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework import services as casework
from csphub.casework.models import CaseType
from csphub.dialin import operations, rules, services
from csphub.dialin.models import DialInEntry, Distribution, EntryPerson
from csphub.errors import InputFileError, NotFoundError, PermissionRefused, RuleRefused
from csphub.panels.models import Panel

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    council, police, housing = (create_agency("Medway Council"), create_agency("Kent Police", "police"),
                                create_agency("Medway Homes", "housing"))
    for agency, email in ((council, "csu@medway.example"), (police, "nt@kent-police.example")):
        Distribution.objects.create(agency=agency, emails=email)
    return {
        "council": council, "police": police, "homes": housing,
        "asb": create_user("officer", council, "asb.officer"),
        "pc": create_user("officer", police, "pc.smith"),
        "housing": create_user("officer", housing, "housing.officer"),
        "analyst": create_user("analyst", council, "csp.analyst"),
    }


def row(account: str = "Group drinking outside the shop", *, address: str = "12 Castle Street",
        postcode: str = "ME4 4TZ", hours_ago: int = 3, entry_type: str = "Street drinking", reference: str = ""
        ) -> rules.EntryRow:
    return rules.EntryRow(occurred_at=timezone.now() - timedelta(hours=hours_ago), entry_type=entry_type,
                          account=account, address=address, postcode=postcode, reference=reference)


def test_the_navigation_knows_the_distribution_without_a_query_and_sees_a_change_next_page(client, partnership):
    """The signed-in user is read with whether their agency is on the distribution, so a page's
    navigation asks no query of its own; an agency added since shows on the next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(partnership["housing"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert 'href="/dial-in/new/"' in page and 'href="/dial-in/"' not in page
    assert not [q for q in queries.captured_queries if ' FROM "dialin_distribution" ' in q["sql"]]
    Distribution.objects.create(agency=partnership["homes"], emails="asb@medway-homes.example")
    assert 'href="/dial-in/"' in client.get("/").content.decode()
    client.force_login(partnership["pc"])
    assert 'href="/dial-in/"' in client.get("/").content.decode()
    from csphub.access import policy  # a user object not read by sign-in asks the database
    assert policy.on_dialin_distribution(partnership["pc"]) and not policy.on_dialin_distribution(
        partnership["analyst"])


# ---- Logging ------------------------------------------------------------------------------------

def test_the_same_entry_sent_twice_is_saved_once(partnership):
    first, created = services.log_entry(partnership["pc"], row(reference="CAD 0412"))
    again, created_again = services.log_entry(partnership["pc"], row("edited account", reference="cad 0412"))
    assert created and not created_again and again.pk == first.pk
    assert DialInEntry.objects.count() == 1 and first.agency == partnership["police"]


def test_entries_are_made_by_officers_and_supervisors_only(partnership):
    with pytest.raises(PermissionRefused):
        services.log_entry(partnership["analyst"], row())


def test_a_person_the_officer_may_not_see_cannot_be_named(partnership):
    hidden = create_person(partnership["asb"], first_name="Hidden", last_name="Person")
    with pytest.raises(NotFoundError):
        services.log_entry(partnership["pc"], row(), people=[services.NamedPerson(hidden, "victim")])
    assert not DialInEntry.objects.exists()


def test_a_csv_upload_saves_good_rows_refuses_bad_ones_and_adds_nothing_the_second_time(partnership):
    csv = ("occurred_at,type,account,address,postcode,urgency,reference\n"
           f"{date.today() - timedelta(days=1):%Y-%m-%d} 01:10,Noise nuisance,Party at number 4,4 Elm Road,ME7 1AA,,CAD 1\n"
           f"{date.today() - timedelta(days=1):%Y-%m-%d} 02:20,Fog,Strange fog,,,,CAD 2\n"
           f"{date.today() - timedelta(days=1):%Y-%m-%d} 03:30,Youth ASB,Stones at buses,Bus station,ME4 4XX,urgent,CAD 3\n")
    result = services.upload_csv(partnership["pc"], "overnight.csv", csv.encode())
    assert len(result.created) == 2 and result.duplicates == []
    assert [str(p) for p in result.problems] == [
        "overnight.csv, line 3, field 'type': got 'Fog'; expected one of: " + ", ".join(
            sorted(t.name for t in services.entry_types()))]
    again = services.upload_csv(partnership["pc"], "overnight.csv", csv.encode())
    assert again.created == [] and sorted(again.duplicates) == sorted(result.created)
    assert DialInEntry.objects.count() == 2


def test_a_csv_without_the_needed_columns_is_refused_whole(partnership):
    with pytest.raises(InputFileError, match="overnight.csv, line 1.*missing: account"):
        services.upload_csv(partnership["pc"], "overnight.csv", b"occurred_at,type\n2026-12-01 01:00,Noise nuisance\n")


# ---- The morning view and its prompts -------------------------------------------------------------

def _prompts(view, entry):
    return [(p.kind, [c.reference for c in p.cases]) for ward, types in view.groups for _, rows in types
            for r in rows if r.entry.pk == entry.pk for p in r.prompts]


def test_the_open_case_prompt_names_only_cases_the_viewer_may_see(partnership):
    case = create_case(partnership["asb"], summary="Street drinking", address="12, Castle Street", postcode="me44tz",
                       opened_on=timezone.localdate())
    entry, _ = services.log_entry(partnership["pc"], row())
    council_view = services.morning(partnership["asb"])
    police_view = services.morning(partnership["pc"])  # the case is not shared with the police
    assert ("open_case_place", [case.reference]) in _prompts(council_view, entry)
    assert all(kind != "open_case_place" for kind, _ in _prompts(police_view, entry))
    assert case.reference not in json.dumps([c for _, c in _prompts(police_view, entry)])
    # Sharing the case with the police shows it to them.
    casework.share_case(partnership["asb"], case, partnership["police"])
    assert ("open_case_place", [case.reference]) in _prompts(services.morning(partnership["pc"]), entry)


def test_the_open_case_prompt_for_a_person_honours_need_to_know(partnership):
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    case = create_case(partnership["asb"], opened_on=timezone.localdate())
    casework.add_party(partnership["asb"], case, victim, "victim")
    entry, _ = services.log_entry(partnership["asb"], row(address="Bus station", postcode=""),
                                  people=[services.NamedPerson(victim, "victim")])
    assert ("open_case_person", [case.reference]) in _prompts(services.morning(partnership["asb"]), entry)
    police = services.morning(partnership["pc"])
    assert all(kind != "open_case_person" for kind, _ in _prompts(police, entry))
    viewed = AuditEntry.objects.filter(user=partnership["asb"], object_type="case", action="listed")
    assert any(str(case.pk) in [str(i) for i in e.object_ids] for e in viewed)


def test_a_repeat_location_by_the_configured_rule(partnership, settings):
    settings.CSPHUB_REPEAT = {"threshold": 3, "window_days": 30}
    today = timezone.localdate()
    for days_ago in (20, 10):
        services.log_entry(partnership["pc"], row(f"drinking {days_ago}"), dial_in_on=today - timedelta(days=days_ago))
    twice, _ = services.log_entry(partnership["pc"], row("elsewhere", address="1 Other Road"))
    third, _ = services.log_entry(partnership["pc"], row("drinking today"))
    view = services.morning(partnership["asb"])
    assert [k for k, _ in _prompts(view, third) if k == "repeat_location"] == ["repeat_location"]
    assert "repeat_location" not in [k for k, _ in _prompts(view, twice)]
    settings.CSPHUB_REPEAT = {"threshold": 3, "window_days": 15}  # the 20-day-old entry falls out
    assert "repeat_location" not in [k for k, _ in _prompts(services.morning(partnership["asb"]), third)]


def test_people_are_shown_to_casework_roles_on_the_distribution_and_analysts_see_counts_only(partnership):
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    view = services.morning(partnership["pc"])
    shown = [n.person.full_name for _, types in view.groups for _, rows in types for r in rows for n in r.people]
    assert shown == ["Dana Dialin"]
    assert AuditEntry.objects.filter(user=partnership["pc"], object_type="person", action="listed").exists()
    with pytest.raises(PermissionRefused):
        services.morning(partnership["analyst"])
    with pytest.raises(PermissionRefused):  # housing is not on the distribution
        services.morning(partnership["housing"])
    figures = services.figures(partnership["analyst"], timezone.localdate() - timedelta(days=6), timezone.localdate())
    assert figures["entries"] == 1 and figures["by_type"] == [("Street drinking", 1)]
    assert "Dana" not in json.dumps(figures, default=str) and "Castle" not in json.dumps(figures, default=str)


# ---- Conversion --------------------------------------------------------------------------------------

def test_an_entry_becomes_a_case_with_its_incident_and_people(partnership):
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    entry, _ = services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    case = services.convert_to_case(partnership["asb"], entry.pk, case_type=CaseType.objects.get_or_create(
        name="Street drinking")[0])
    entry.refresh_from_db()
    assert entry.case == case and entry.incident.case == case and case.lead_agency == partnership["council"]
    assert case.location.address == "12 Castle Street" and entry.incident.reported_by_agency == partnership["council"]
    assert [p.person for p in case.parties.all()] == [victim]
    with pytest.raises(RuleRefused, match="already on a case"):
        services.convert_to_case(partnership["asb"], entry.pk, case_type="Street drinking")
    fig = services.figures(partnership["analyst"], timezone.localdate(), timezone.localdate())
    assert fig["to_cases"] == 1 and services.conversion_rate(fig) == 100.0


def test_adding_to_a_case_the_officer_may_not_see_is_refused_as_if_absent(partnership):
    hidden = create_case(partnership["asb"])
    entry, _ = services.log_entry(partnership["pc"], row())
    with pytest.raises(NotFoundError):
        services.add_to_case(partnership["pc"], entry.pk, case_id=hidden.pk)
    incident = services.add_to_case(partnership["asb"], entry.pk, case_id=hidden.pk)
    assert incident.case == hidden and incident.description == entry.account


def test_a_task_needs_a_case_and_an_owner_on_it(partnership):
    entry, _ = services.log_entry(partnership["pc"], row())
    due = timezone.localdate() + timedelta(days=3)
    with pytest.raises(RuleRefused, match="put the entry on a case first"):
        services.create_task(partnership["asb"], entry.pk, title="Visit the shop", owner="asb.officer", due_on=due)
    case = create_case(partnership["asb"])
    with pytest.raises(RuleRefused, match="share the case with their agency first"):
        services.create_task(partnership["asb"], entry.pk, title="Patrol", owner="pc.smith", due_on=due, case_id=case.pk)
    task = services.create_task(partnership["asb"], entry.pk, title="Visit the shop", owner="asb.officer", due_on=due,
                                case_id=case.pk)
    entry.refresh_from_db()
    assert entry.task == task and entry.case == case


def test_a_location_is_referred_to_a_panel(partnership):
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([partnership["council"]])
    entry, _ = services.log_entry(partnership["pc"], row())
    referral = services.refer(partnership["pc"], entry.pk, panel_id=panel.pk, reason="Repeat street drinking",
                              consent="not_sought")
    assert referral.location == "12 Castle Street, ME4 4TZ" and referral.person is None
    assert referral.referring_agency == partnership["police"]


def test_decisions_are_recorded_against_the_entry_and_done(partnership):
    entry, _ = services.log_entry(partnership["pc"], row())
    decision = services.record_decision(partnership["asb"], entry.pk, decision="Joint visit to the shop",
                                        owner_agency="Kent Police", due_on=timezone.localdate() + timedelta(days=2))
    assert services.morning(partnership["pc"]).decisions == [decision]
    with pytest.raises(NotFoundError):
        services.complete_decision(partnership["analyst"], decision.pk)
    assert services.complete_decision(partnership["pc"], decision.pk).done_on == timezone.localdate()


# ---- The digest -----------------------------------------------------------------------------------------

def test_the_digest_email_names_no_personal_data(partnership):
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    sent = services.send_digest(timezone.localdate(), "https://csphub.example/dial-in/digest/")
    assert sent == 2 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["csu@medway.example", "nt@kent-police.example"]
    for private in ("Dana", "Dialin", "Castle", "ME4", "drinking", "shop"):
        assert private not in message.body and private not in message.subject
    assert "1 entries" in message.body and "https://csphub.example/dial-in/digest/" in message.body


def test_the_digest_pdf_page(client, partnership):
    services.log_entry(partnership["pc"], row())
    client.force_login(partnership["asb"])
    response = client.get("/dial-in/digest/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ---- Operations ------------------------------------------------------------------------------------------

def test_operation_outputs_total_by_quarter(partnership):
    ratify = operations.plan_operation(partnership["pc"], name="Operation Ratify", aim="Moped-enabled crime",
                                       starts_on=date(2022, 3, 1), ends_on=date(2022, 9, 30),
                                       agencies=[partnership["council"]])
    for kind, quantity, on in (("Arrests", 12, date(2022, 3, 20)), ("Arrests", 18, date(2022, 5, 2)),
                               ("Vehicles seized", 50, date(2022, 6, 1)), ("Waste removed", Decimal("1.6"), date(2022, 7, 1))):
        operations.record_output(partnership["pc"], ratify, kind=kind, quantity=quantity, on=on)
    assert operations.quarter_totals(partnership["analyst"]) == {
        "2021/22 Q4": {"Arrests": Decimal("12")},
        "2022/23 Q1": {"Arrests": Decimal("18"), "Vehicles seized": Decimal("50")},
        "2022/23 Q2": {"Waste removed (tonnes)": Decimal("1.6")},
    }
    assert dict((str(k), v) for k, v in operations.operation_totals(ratify))["Arrests"] == 30
    with pytest.raises(PermissionRefused):  # housing takes no part
        operations.record_output(partnership["housing"], ratify, kind="Arrests", quantity=1, on=date(2022, 5, 3))
    with pytest.raises(RuleRefused, match="ran from"):
        operations.record_output(partnership["asb"], ratify, kind="Arrests", quantity=1, on=date(2022, 10, 1))


def test_an_initiative_without_a_warehouse_says_so(partnership, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPHUB_DATA_DIR", str(tmp_path))
    initiative = operations.plan_initiative(partnership["asb"], name="Clear, Hold, Build", area=(
        "0.5195 51.3790\n0.5330 51.3775\n0.5375 51.3830\n0.5290 51.3870"), starts_on=date(2024, 2, 10))
    evaluation = operations.evaluate(initiative)
    assert not evaluation.result.loaded and "no warehouse" in evaluation.result.note.lower()
    assert operations.evaluation_docx(evaluation)[:2] == b"PK"
    with pytest.raises(RuleRefused, match="at least 3 vertices"):
        operations.plan_initiative(partnership["asb"], name="Bad", area="0.5 51.3", starts_on=date(2024, 1, 1))


# ---- The API -----------------------------------------------------------------------------------------------

def test_bulk_entry_by_a_partner_system(client, partnership):
    auth = {"authorization": f"Bearer {create_token(partnership['pc'])}"}
    body = {"entries": [
        {"occurred_at": "2026-11-30T23:10:00", "type": "Noise nuisance", "account": "Car stereo", "reference": "CAD 1"},
        {"occurred_at": "2026-11-30T23:40:00", "type": "Violence", "account": "Fight outside club", "reference": "CAD 2",
         "latitude": 51.384, "longitude": 0.526}]}
    first = client.post("/api/v1/dial-in/entries", json.dumps(body), content_type="application/json", headers=auth)
    assert first.status_code == 201 and len(first.json()["created"]) == 2
    again = client.post("/api/v1/dial-in/entries", json.dumps(body), content_type="application/json", headers=auth)
    assert again.json() == {"created": [], "duplicates": first.json()["created"]}
    bad = {"entries": [{"occurred_at": "2026-11-30T23:10:00", "type": "Noise nuisance", "account": "x", "reference": "CAD 9"},
                       {"occurred_at": "2026-11-30T23:10:00", "type": "Fog", "account": "y"}]}
    refused = client.post("/api/v1/dial-in/entries", json.dumps(bad), content_type="application/json", headers=auth)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unknown_entry_type"
    assert DialInEntry.objects.count() == 2  # the good item of the refused batch was rolled back
    listed = client.get("/api/v1/dial-in/entries", headers=auth)
    assert sorted(e["reference"] for e in listed.json()["items"]) == ["CAD 1", "CAD 2"]


def test_people_in_the_api_only_for_casework_roles(client, partnership):
    victim = create_person(partnership["asb"])
    entry, _ = services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    got = client.get(f"/api/v1/dial-in/entries/{entry.pk}",
                     headers={"authorization": f"Bearer {create_token(partnership['pc'])}"})
    assert got.json()["people"] == [{"person_id": victim.pk, "role": "victim"}]
    analyst = client.get(f"/api/v1/dial-in/entries/{entry.pk}",
                         headers={"authorization": f"Bearer {create_token(partnership['analyst'])}"})
    assert analyst.status_code == 404
    assert EntryPerson.objects.count() == 1


def test_the_figures_feed_the_casework_statistics_page(client, partnership):
    services.log_entry(partnership["pc"], row())
    services.log_entry(partnership["pc"], row("another", address="1 Other Road"))
    client.force_login(partnership["analyst"])
    page = client.get("/statistics/").content.decode()
    assert 'id="dialin-statistics"' in page
    rows = services.statistics_rows(partnership["analyst"], timezone.localdate() - timedelta(days=30), timezone.localdate())
    assert rows[0] == {"measure": "Dial-in entries", "category": "", "count": 2, "previous_count": 0,
                       "percent_change": None}
    assert {"measure": "Dial-in entries by type", "category": "Street drinking", "count": 2, "previous_count": 0,
            "percent_change": None} in rows
    assert "Castle" not in page  # counts only


def test_more_people_are_named_on_the_entry_page_and_a_mistaken_entry_is_archived(client, partnership):
    witness = create_person(partnership["asb"], first_name="Wyn", last_name="Witness")
    entry, _ = services.log_entry(partnership["asb"], row())
    client.force_login(partnership["asb"])
    found = client.get(f"/dial-in/entries/{entry.pk}/?q=Wyn").content.decode()
    assert "Wyn Witness" in found
    saved = client.post(f"/dial-in/entries/{entry.pk}/?q=Wyn", {"action": "name_person", "name-person": witness.pk,
                                                                "name-role": "witness"})
    assert saved.status_code == 302 and [(n.person, n.role) for n in entry.named.all()] == [(witness, "witness")]
    with pytest.raises(NotFoundError):  # the police may not see Wyn
        services.name_person(partnership["pc"], entry.pk, person_id=witness.pk, role="victim")
    with pytest.raises(PermissionRefused):  # another agency's entry
        services.archive_entry(partnership["pc"], entry.pk, reason="duplicate")
    with pytest.raises(RuleRefused, match="Say why"):
        services.archive_entry(partnership["asb"], entry.pk, reason=" ")
    client.post(f"/dial-in/entries/{entry.pk}/", {"action": "archive", "archive-reason": "Entered twice"})
    entry.refresh_from_db()
    assert entry.archived_reason == "Entered twice" and services.morning(partnership["asb"]).total == 0


def test_the_statistics_compare_the_same_dates_a_year_earlier_across_a_leap_day(partnership):
    # March 2024 against March 2023: 365 days before 1 March 2024 is 2 March 2023 (2024 has a 29
    # February), which would leave out an entry made on 1 March 2023.
    at = timezone.make_aware(datetime(2023, 3, 1, 12, 0))
    services.log_entry(partnership["pc"], dataclasses.replace(row(), occurred_at=at), dial_in_on=at.date())
    services.log_entry(partnership["pc"], dataclasses.replace(row("later", address="1 Other Road"),
                                                              occurred_at=at + timedelta(days=30)),
                       dial_in_on=date(2023, 3, 31))
    rows = services.statistics_rows(partnership["analyst"], date(2024, 3, 1), date(2024, 3, 31))
    assert rows[0] == {"measure": "Dial-in entries", "category": "", "count": 0, "previous_count": 2,
                       "percent_change": -100.0}


# ---- Configuration -----------------------------------------------------------------------------------------

def test_the_partnership_configures_entry_types_and_output_kinds_in_the_admin(client, partnership):
    from django.contrib.auth import get_user_model

    from csphub.dialin.models import EntryType, OutputKind

    client.force_login(get_user_model().objects.create_superuser("csp.manager", "csp@medway.example", "x-Long-pass-9"))
    added = client.post("/admin/dialin/entrytype/add/", {"name": "Nitrous oxide canisters", "is_active": "on"})
    assert added.status_code == 302 and EntryType.objects.filter(name="Nitrous oxide canisters").exists()
    entry, _ = services.log_entry(partnership["pc"], row(entry_type="nitrous oxide canisters"))
    assert entry.entry_type.name == "Nitrous oxide canisters"
    drinking = EntryType.objects.get(name="Street drinking")
    client.post(f"/admin/dialin/entrytype/{drinking.pk}/change/", {"name": "Street drinking"})  # is_active unticked
    with pytest.raises(RuleRefused, match="No entry type 'Street drinking'"):
        services.log_entry(partnership["pc"], row("another"))
    client.post("/admin/dialin/outputkind/add/", {"name": "Knife arch screenings", "unit": "", "is_active": "on"})
    assert OutputKind.objects.filter(name="Knife arch screenings", is_active=True).exists()
    operation = operations.plan_operation(partnership["pc"], name="Operation Sceptre", aim="Knife crime",
                                          starts_on=timezone.localdate())
    operations.record_output(partnership["pc"], operation, kind="Knife arch screenings", quantity=140,
                             on=timezone.localdate())
    assert [(str(k), v) for k, v in operations.operation_totals(operation)] == [("Knife arch screenings", 140)]
    assert "Outputkind" not in client.get("/admin/").content.decode()  # named as the partnership says it


def test_a_repeat_victim_is_flagged_without_naming_a_case_the_viewer_may_not_see(partnership, settings):
    settings.CSPHUB_REPEAT = {"threshold": 3, "window_days": 30}
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    hidden = create_case(partnership["asb"], summary="Harassment of Dana", opened_on=timezone.localdate())
    casework.add_party(partnership["asb"], hidden, victim, "victim")  # the council's case, not shared with the police
    casework.record_incident(partnership["asb"], hidden, occurred_at=timezone.now() - timedelta(days=12),
                             description="Eggs thrown at her door")
    services.log_entry(partnership["asb"], row("Dana shouted at", address="Bus station", postcode=""),
                       people=[services.NamedPerson(victim, "victim")], dial_in_on=timezone.localdate() - timedelta(days=5))
    today, _ = services.log_entry(partnership["asb"], row("Dana followed home", address="3 Elm Road", postcode=""),
                                  people=[services.NamedPerson(victim, "victim")])
    police = services.morning(partnership["pc"])
    prompts = [p for _, types in police.groups for _, rows in types for r in rows if r.entry.pk == today.pk
               for p in r.prompts]
    repeat = [p for p in prompts if p.kind == "repeat_victim"]
    assert [p.text for p in repeat] == ["Repeat victim: Dana Dialin"] and repeat[0].cases == []
    assert hidden.reference not in json.dumps([p.text for p in prompts])
    assert all(kind != "open_case_person" for kind, _ in _prompts(police, today))  # the police may not see the case
    assert ("open_case_person", [hidden.reference]) in _prompts(services.morning(partnership["asb"]), today)
    settings.CSPHUB_REPEAT = {"threshold": 4, "window_days": 30}  # three reports: no longer a repeat
    assert "repeat_victim" not in [k for k, _ in _prompts(services.morning(partnership["pc"]), today)]
