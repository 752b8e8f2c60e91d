"""Retention really anonymises: one person, seeded into every record that can name them, is gone
from every table of the database after a retention run (history and many-to-many history tables
included, every column cast to text), while a person on a retained case keeps everything and the
figures of the old case still add up. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casereview import services as case_review
from csphub.casereview.models import CaseReviewApplication
from csphub.casereview.services import ComplaintInput, annual_statistics
from csphub.casework import services
from csphub.casework.models import Alert, AsbCase, Person, RiskAssessment
from csphub.casework.retention import REDACTED, apply_retention
from csphub.panels import services as panels
from csphub.panels.models import AgendaItem, Cohort, CohortMembership, Offence, Panel, PanelReferral
from csphub.people import services as people
from csphub.people.models import PersonMatch

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db(transaction=False)

NAMES = ("zephyrine", "quillfeather")
TODAY = date(2026, 1, 1)
AUDIT_TABLE = "audit_auditentry"


def at(day: date, hour: int = 21) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


# ---- Reading the whole database ------------------------------------------------------------

def _tables_and_columns() -> list[tuple[str, list[str]]]:
    with connection.cursor() as cursor:
        return [(table, [c.name for c in connection.introspection.get_table_description(cursor, table)])
                for table in sorted(connection.introspection.table_names(cursor))]


def hits(needles: tuple[str, ...] = NAMES) -> dict[str, int]:
    """``table.column`` -> how many rows hold one of ``needles`` (any case). Every column of
    every table, whatever its type, is cast to text, so a JSON or unusual column cannot hide one."""
    qn = connection.ops.quote_name
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table, columns in _tables_and_columns():
            tests, params = [], []
            for column in columns:
                tests.append("SUM(CASE WHEN " + " OR ".join(
                    f"LOWER(CAST({qn(column)} AS TEXT)) LIKE %s" for _ in needles) + " THEN 1 ELSE 0 END)")
                params += [f"%{n.lower()}%" for n in needles]
            cursor.execute(f"SELECT {', '.join(tests)} FROM {qn(table)}", params)
            for column, count in zip(columns, cursor.fetchone(), strict=True):
                if count:
                    found[f"{table}.{column}"] = count
    return found


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    qn = connection.ops.quote_name
    rows: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table, _ in _tables_and_columns():
            cursor.execute(f"SELECT * FROM {qn(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


# ---- One person in every record that can name them -----------------------------------------

@pytest.fixture
def seeded(data_dir):
    """Zephyrine Quillfeather on a case closed in 2018 (and in everything around it); Bartholomew
    Inkwell on that case too, but also on an open case, so he stays."""
    council, police = create_agency("Council ASB Team"), create_agency("Police", "police")
    officer = create_user("officer", council, "amira")
    supervisor = create_user("supervisor", council, "helen")
    constable = create_user("officer", police, "pc.ward")
    zephyrine = create_person(officer, first_name="Zephyrine", last_name="Quillfeather", date_of_birth=date(1984, 5, 17),
                              phone="07700 900417", email="zephyrine@quillfeather.example",
                              address="17 Quillfeather Lane", postcode="QF1 7ZQ", flags=["mental_health", "elderly"])
    zephyrine.phone = "07700 900418"  # a second history row with the old number
    zephyrine.save_by(officer)
    duplicate = create_person(officer, first_name="Zephyrine", last_name="Quillfeather", date_of_birth=date(1984, 5, 17))
    match = PersonMatch.objects.create(person_a=zephyrine, person_b=duplicate, probability=0.97)
    people.merge(supervisor, match.pk, keep="a")
    bartholomew = create_person(officer, first_name="Bartholomew", last_name="Inkwell", phone="07700 900555",
                                address="2 Inkwell Row", flags=["elderly"])

    home = services.location_for(officer, address="17 Quillfeather Lane", postcode="QF1 7ZQ",
                                 latitude=51.5, longitude=-0.1)
    square = services.location_for(officer, address="Market Square", postcode="MS1 1AA")
    old = create_case(officer, summary="Zephyrine Quillfeather reports music at night",
                      opened_on=date(2017, 3, 1), location=home)
    services.add_party(officer, old, zephyrine, "victim")
    services.add_party(officer, old, bartholomew, "witness")
    services.record_incident(officer, old, occurred_at=at(date(2017, 3, 2)), location=square,
                             description="Music outside Zephyrine Quillfeather's flat", reported_on=date(2017, 3, 3))
    services.add_note(officer, old, "Spoke to Zephyrine Quillfeather at home")
    services.add_note(officer, old, "Quillfeather note").archive(officer, "Duplicate of the Quillfeather note")
    services.record_visit(officer, old, visited_on=date(2017, 3, 10), findings="Zephyrine Quillfeather was calmer")
    referral = services.refer(officer, old, to_agency=police, person=zephyrine, service="Victim Support (Quillfeather)",
                              reason="Zephyrine Quillfeather needs support")
    services.update_referral(constable, referral, "accepted")
    services.update_referral(constable, referral, "completed", outcome="Quillfeather supported for six weeks")
    task = services.add_task(officer, old, title="Call Zephyrine Quillfeather back", owner=officer,
                             due_on=date(2017, 3, 20))
    services.complete_task(officer, task, on=date(2017, 3, 19))
    services.add_party(officer, old, zephyrine, "subject")
    warning = services.issue_intervention(officer, old, kind="cpw", person=zephyrine, issued_on=date(2017, 4, 1),
                                          conduct="Zephyrine Quillfeather shouting at neighbours")
    services.record_breach(officer, warning, occurred_on=date(2017, 4, 20), description="Quillfeather shouted again",
                           action_taken="Zephyrine Quillfeather warned in person")
    services.record_intervention_outcome(officer, warning, "Zephyrine Quillfeather complied")
    services.issue_intervention(officer, old, kind="closure_notice", premises="17 Quillfeather Lane",
                                conduct="Gatherings at Quillfeather Lane", issued_on=date(2017, 5, 1))
    assessment = services.assess_risk(officer, old, zephyrine, {"repeat": True, "fear": True, "health": True})
    # The answers field is JSON: an older form kept the officer's words beside the yes/no answers.
    assessment.answers = {**assessment.answers, "notes": "Zephyrine Quillfeather is frightened"}
    assessment.save_by(officer)
    Alert.objects.create(user=supervisor, case=old, message="Zephyrine Quillfeather rang the out-of-hours line")
    upload = SimpleUploadedFile("quillfeather-diary.txt", b"Zephyrine's diary", content_type="text/plain")
    attachment = services.add_attachment(officer, old, upload, "Diary sheet from Zephyrine Quillfeather")
    services.record_group(officer, old, name="Quillfeather Lane group", description="Zephyrine Quillfeather and friends",
                          members=[zephyrine])

    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    panel.members.set([council, police])
    panel_referral = panels.refer_to_panel(officer, panel, person=zephyrine, case=old, consent="given",
                                           reason="Zephyrine Quillfeather is isolated",
                                           risks="Quillfeather has been targeted", location="17 Quillfeather Lane")
    panels.decide(officer, panel_referral, "adopted", reason="Panel agreed to support Zephyrine Quillfeather",
                  on=date(2017, 6, 1))
    panels.add_action(officer, panel_referral, description="Visit Zephyrine Quillfeather weekly",
                      owner_agency=council, due_on=date(2017, 6, 15))
    meeting = panels.hold_meeting(officer, panel, held_on=date(2017, 7, 1), minutes="Discussed Zephyrine Quillfeather")
    # No service records what was said on an agenda item; the meeting page edits it directly.
    AgendaItem.objects.filter(meeting=meeting).update(discussion="Quillfeather is doing better")
    panels.decide(officer, PanelReferral.objects.get(pk=panel_referral.pk), "closed",
                  reason="Zephyrine Quillfeather moved away", on=date(2018, 1, 10))
    # Cohorts and offences are loaded from police records, not through a service.
    cohort = Cohort.objects.create(name="IOM fixed", panel=panel)
    membership = CohortMembership.objects.create(cohort=cohort, person=zephyrine, entered_on=date(2017, 6, 1))
    membership.archive(officer, "Zephyrine Quillfeather left the area")
    Offence.objects.create(person=zephyrine, offence="Shoplifting", committed_on=date(2017, 2, 1),
                           source="Custody record of Zephyrine Quillfeather")

    application = case_review.receive_application(
        officer, applicant=zephyrine, case=old, received_on=date(2017, 6, 1), on_behalf_of="Zephyrine Quillfeather",
        behaviour="Music at 17 Quillfeather Lane every night",
        complaints=[ComplaintInput(reported_on=d, behaviour_on=d, agency=police, reference=f"CAD Quillfeather {i}")
                    for i, d in enumerate((date(2017, 3, 2), date(2017, 4, 2), date(2017, 5, 2)), start=1)])
    case_review.decide_threshold(officer, application, on=date(2017, 6, 5))
    case_review.record_review(officer, application, held_on=date(2017, 6, 20),
                              recommendations="Offer Zephyrine Quillfeather mediation")
    case_review.escalate(officer, application, requested_on=date(2017, 7, 1))
    # No service records the escalation's outcome (it comes back from the PCC).
    application.escalation_outcome = "PCC upheld Zephyrine Quillfeather's escalation"
    application.save_by(officer)

    services.change_status(officer, old, "closed", outcome="resolved", on=date(2018, 6, 30))

    recent = create_case(officer, summary="Bartholomew Inkwell reports noise", opened_on=date(2025, 9, 1))
    services.add_party(officer, recent, bartholomew, "victim")
    services.record_incident(officer, recent, occurred_at=at(date(2025, 9, 2)), location=square,
                             description="Bartholomew Inkwell heard shouting", reported_on=date(2025, 9, 2))
    return {"old": old, "recent": recent, "zephyrine": zephyrine, "duplicate": duplicate,
            "bartholomew": bartholomew, "home": home, "square": square, "attachment": attachment,
            "application": application}


# ---- The tests ----------------------------------------------------------------------------

def test_seeding_puts_the_name_everywhere_retention_must_reach(seeded):
    found = hits()
    expected = {
        "casework_person.first_name", "casework_historicalperson.email", "casework_historicalperson.last_name",
        "casework_location.address", "casework_historicallocation.address", "casework_asbcase.summary",
        "casework_historicalasbcase.summary", "casework_incident.description", "casework_casenote.text",
        "casework_casenote.archived_reason", "casework_monitoringvisit.findings", "casework_referral.reason",
        "casework_referral.service", "casework_historicalreferral.outcome", "casework_task.title",
        "casework_historicaltask.title", "casework_intervention.conduct", "casework_intervention.premises",
        "casework_intervention.outcome", "casework_breach.description", "casework_breach.action_taken",
        "casework_riskassessment.answers", "casework_historicalriskassessment.answers", "casework_alert.message",
        "casework_attachment.original_name", "casework_attachment.description",
        "casework_historicalattachment.original_name",
        "casework_group.name", "casework_group.description", "casework_historicalgroup.name",
        "panels_panelreferral.reason", "panels_panelreferral.risks", "panels_panelreferral.location",
        "panels_panelreferral.decision_reason", "panels_historicalpanelreferral.reason",
        "panels_panelaction.description", "panels_agendaitem.discussion", "panels_panelmeeting.minutes",
        "panels_cohortmembership.archived_reason", "panels_offence.source",
        "casereview_casereviewapplication.behaviour", "casereview_casereviewapplication.on_behalf_of",
        "casereview_casereviewapplication.recommendations", "casereview_casereviewapplication.escalation_outcome",
        "casereview_historicalcasereviewapplication.behaviour", "casereview_casereviewcomplaint.reference",
        "casereview_historicalcasereviewcomplaint.reference",
    }
    assert expected <= set(found), f"not seeded: {sorted(expected - set(found))}"


def test_dry_run_changes_nothing(seeded):
    before = snapshot()
    report = apply_retention(6, today=TODAY, dry_run=True)
    assert (report.cases, report.people, report.locations, report.groups) == (1, 2, 1, 1)
    assert (report.panel_referrals, report.case_reviews) == (1, 1)
    assert snapshot() == before


def test_retention_leaves_no_trace_of_the_name_in_any_table(seeded, django_capture_on_commit_callbacks):
    file_name = seeded["attachment"].file.name
    assert default_storage.exists(file_name)
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(6, today=TODAY)
    assert (report.cutoff, report.cases, report.people) == (date(2020, 1, 1), 1, 2)
    assert (report.locations, report.groups, report.panel_referrals, report.case_reviews) == (1, 1, 1, 1)
    left = hits()  # every table: history, many-to-many history and the audit log included
    assert left == {}, f"the name survives retention in: {', '.join(sorted(left))}"
    assert not default_storage.exists(file_name)
    assert apply_retention(6, today=TODAY).cases == 0  # a second run finds nothing more to do


def test_audit_log_holds_no_name_after_retention(seeded):
    """The log is never anonymised, so it must hold nothing to anonymise: services write ids,
    and retention's own entries ids and counts."""
    report = apply_retention(6, today=TODAY)
    left = {column: n for column, n in hits().items() if column.startswith(f"{AUDIT_TABLE}.")}
    assert left == {}, f"audit entries name the person: {', '.join(sorted(left))}"
    entries = AuditEntry.objects.filter(action="anonymised")
    assert sorted(entries.filter(object_type="case").values_list("object_id", "summary")) == [(str(seeded["old"].pk), "")]
    assert sorted(entries.filter(object_type="person").values_list("object_id", flat=True)) == \
           sorted(str(seeded[p].pk) for p in ("zephyrine", "duplicate"))
    assert entries.get(object_type="retention").summary == (
        f"closed on or before 2020-01-01: {report.cases} case(s), 2 person record(s), 1 location(s), "
        "1 group(s), 1 panel referral(s), 1 case review(s)")


def test_the_person_on_a_retained_case_and_the_old_figures_stay(seeded):
    before = annual_statistics(date(2017, 1, 1), date(2017, 12, 31))
    apply_retention(6, today=TODAY)
    bartholomew = Person.objects.get(pk=seeded["bartholomew"].pk)
    assert (bartholomew.first_name, bartholomew.last_name, bartholomew.phone, bartholomew.address) == \
           ("Bartholomew", "Inkwell", "07700 900555", "2 Inkwell Row")
    assert bartholomew.anonymised_on is None and list(bartholomew.flags.values_list("kind", flat=True)) == ["elderly"]
    recent = AsbCase.objects.get(pk=seeded["recent"].pk)
    assert recent.summary == "Bartholomew Inkwell reports noise" and recent.anonymised_on is None
    assert recent.incidents.get().description == "Bartholomew Inkwell heard shouting"
    square = seeded["square"]
    square.refresh_from_db()
    assert square.address == "Market Square"  # the retained case's incident is there too
    home = seeded["home"]
    home.refresh_from_db()
    assert (home.address, home.postcode, home.latitude, home.longitude) == (REDACTED, "", None, None)

    old = AsbCase.objects.get(pk=seeded["old"].pk)
    assert (old.status, old.outcome, old.opened_on, old.closed_on) == ("closed", "resolved", date(2017, 3, 1), date(2018, 6, 30))
    assert old.summary == REDACTED and old.anonymised_on is not None
    assert old.incidents.count() == 1 and old.incidents.get().reported_on == date(2017, 3, 3)
    assert sorted(old.interventions.values_list("kind", flat=True)) == ["closure_notice", "cpw"]
    assert old.referrals.get().status == "completed"
    risk = RiskAssessment.objects.get(case=old)
    assert (risk.answers, risk.level) == ({}, "medium") and risk.score > 0
    zephyrine = Person.objects.get(pk=seeded["zephyrine"].pk)
    assert (zephyrine.first_name, zephyrine.date_of_birth, zephyrine.email, zephyrine.flags.count()) == \
           (REDACTED, None, "", 0)
    assert zephyrine.groups.count() == 0 and Offence.objects.get(person=zephyrine).offence == "Shoplifting"
    assert PanelReferral.objects.get(person=zephyrine).status == "closed"
    application = CaseReviewApplication.objects.get(pk=seeded["application"].pk)
    assert (application.status, application.threshold_met, application.recommendations) == ("escalated", True, REDACTED)
    assert annual_statistics(date(2017, 1, 1), date(2017, 12, 31)) == before
    assert old.history.filter(history_date__gte=timezone.now() - timedelta(minutes=5), summary=REDACTED).exists()
