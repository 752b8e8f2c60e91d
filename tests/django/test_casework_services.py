"""Casework services on a real database: history, archiving, risk alerts, repeat flags,
referral lifecycle, retention and statistics, each with a figure checkable by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.models import Alert, AsbCase, Person, Task
from csphub.casework.retention import REDACTED, apply_retention
from csphub.casework.stats import casework_statistics
from csphub.errors import PermissionRefused, RuleRefused

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 21) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def team():
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "amira")
    supervisor = create_user("supervisor", council, "helen")
    return council, officer, supervisor


def test_every_change_is_versioned_with_who_and_when(team):
    _, officer, supervisor = team
    case = create_case(officer, summary="First words")
    services.change_status(supervisor, case, "investigating")
    history = list(case.history.order_by("history_date"))
    assert [h.status for h in history] == ["open", "investigating"]
    assert [h.history_user.username for h in history] == ["amira", "helen"]
    assert history[0].summary == "First words" and history[1].history_date >= history[0].history_date


def test_records_are_archived_with_a_reason_never_deleted(team):
    _, officer, _ = team
    person = create_person(officer)
    with pytest.raises(PermissionError, match="archived with a reason"):
        person.delete()
    with pytest.raises(ValueError, match="reason"):
        person.archive(officer, "  ")
    person.archive(officer, "Duplicate of another record")
    assert Person.objects.active().count() == 0 and Person.objects.count() == 1
    assert Person.objects.get().archived_reason == "Duplicate of another record"


def test_views_are_audited_with_the_reader(team):
    _, officer, _ = team
    case = create_case(officer)
    services.get_case(officer, case.pk, channel="api")
    entry = AuditEntry.objects.filter(action="viewed").get()
    assert (entry.username, entry.agency, entry.object_type, entry.object_id, entry.channel) == (
        "amira", "Council ASB Team", "case", str(case.pk), "api")


def test_a_high_risk_victim_alerts_the_supervisor_and_prompts_a_panel_referral(team):
    _, officer, supervisor = team
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    medium = services.assess_risk(officer, case, victim, {"repeat": True, "targeted": True, "fear": True})
    assert (medium.score, medium.level) == (11, "medium") and Alert.objects.count() == 0
    high = services.assess_risk(officer, case, victim, {"hate": True, "violence": True, "fear": True,
                                                         "repeat": True, "moving": True})
    assert (high.score, high.level) == (20, "high")
    alert = Alert.objects.get()
    assert alert.user == supervisor and "Vulnerability Panel" in alert.message
    task = Task.objects.get(case=case)
    assert task.owner == supervisor and "Vulnerability Panel" in task.title


def test_repeat_victim_subject_and_location_flags(team, settings):
    _, officer, _ = team
    settings.CSPHUB_REPEAT = {"threshold": 3, "window_days": 365}
    victim, subject = create_person(officer, first_name="Val"), create_person(officer, first_name="Sid")
    today = timezone.localdate()
    first = create_case(officer, opened_on=today - timedelta(days=200))
    second = create_case(officer, opened_on=today - timedelta(days=30))
    for case in (first, second):
        services.add_party(officer, case, victim, "victim")
    services.add_party(officer, first, subject, "subject")
    services.record_incident(officer, first, occurred_at=at(today - timedelta(days=200)), description="a")
    services.record_incident(officer, first, occurred_at=at(today - timedelta(days=190)), description="b")
    assert services.repeat_flags(second) == {"victims": [], "subjects": [], "location": []}
    services.record_incident(officer, second, occurred_at=at(today - timedelta(days=20)), description="c")
    flags = services.repeat_flags(second)
    assert flags["victims"] == [str(victim.pk)]  # 3 incidents across the two cases within a year
    assert services.repeat_flags(first)["subjects"] == []  # the subject is only on 2 incidents


def test_referrals_follow_their_lifecycle(team):
    _, officer, _ = team
    victim_support = create_agency("Victim Support", "voluntary")
    case = create_case(officer)
    worker = create_user("officer", victim_support)
    referral = services.refer(officer, case, to_agency=victim_support, reason="Support")
    # The receiving agency sees the referral, not the case; only it answers the referral.
    assert victim_support not in case.agencies.all()
    with pytest.raises(PermissionRefused, match="Only Victim Support"):
        services.update_referral(officer, referral, "accepted")
    with pytest.raises(RuleRefused, match="cannot become completed"):
        services.update_referral(worker, referral, "completed", outcome="x")
    services.update_referral(worker, referral, "accepted")
    with pytest.raises(RuleRefused) as refused:
        services.update_referral(worker, referral, "completed")
    assert refused.value.rule == "referral_needs_outcome"
    services.update_referral(worker, referral, "completed", outcome="Six sessions of support")
    assert referral.status == "completed" and referral.responded_on is not None


def test_a_refused_intervention_names_its_rule_and_is_audited(team):
    _, officer, _ = team
    case = create_case(officer)
    subject = create_person(officer, date_of_birth=date(2012, 1, 1))
    services.add_party(officer, case, subject, "subject")
    with pytest.raises(RuleRefused) as refused:
        services.issue_intervention(officer, case, kind="cpn", person=subject, conduct="Noise",
                                    issued_on=date(2026, 5, 1))
    assert refused.value.rule == "community_protection_min_age"
    assert [r for r, _, _ in refused.value.others] == ["cpn_needs_prior_written_warning"]
    assert AuditEntry.objects.filter(action="refused", object_type="intervention").count() == 1


def test_closing_needs_an_outcome_and_only_a_supervisor_reopens(team):
    _, officer, supervisor = team
    case = create_case(officer)
    with pytest.raises(RuleRefused, match="Say how the case ended"):
        services.change_status(officer, case, "closed")
    services.change_status(officer, case, "closed", outcome="resolved", on=date(2026, 6, 30))
    with pytest.raises(PermissionRefused, match="supervisor"):
        services.add_note(officer, case, "more")
    services.change_status(supervisor, case, "monitoring")
    assert case.closed_on is None and case.outcome == ""


def test_retention_anonymises_old_closed_cases_and_their_people_only(team):
    _, officer, _ = team
    old = create_case(officer, summary="Old words", opened_on=date(2018, 1, 10))
    recent = create_case(officer, summary="Recent words", opened_on=date(2024, 1, 10))
    only_old, on_both = create_person(officer, first_name="Olive"), create_person(officer, first_name="Bea")
    services.add_party(officer, old, only_old, "victim")
    services.add_party(officer, old, on_both, "subject")
    services.add_party(officer, recent, on_both, "subject")
    services.add_note(officer, old, "Private note")
    services.change_status(officer, old, "closed", outcome="resolved", on=date(2019, 3, 31))
    services.change_status(officer, recent, "closed", outcome="resolved", on=date(2024, 6, 1))
    dry = apply_retention(6, today=date(2026, 1, 1), dry_run=True)
    assert (dry.cases, dry.people) == (1, 1)
    assert AsbCase.objects.get(pk=old.pk).summary == "Old words"
    report = apply_retention(6, today=date(2026, 1, 1))
    assert (report.cases, report.people, report.cutoff) == (1, 1, date(2020, 1, 1))
    old.refresh_from_db()
    assert old.summary == REDACTED and old.notes.get().text == REDACTED
    assert not old.history.filter(summary="Old words").exists()
    assert Person.objects.get(pk=only_old.pk).first_name == REDACTED
    assert not Person.history.filter(id=only_old.pk, first_name="Olive").exists()
    assert Person.objects.get(pk=on_both.pk).first_name == "Bea"  # still on a retained case
    assert AsbCase.objects.get(pk=recent.pk).summary == "Recent words"
    assert old.status == "closed" and old.closed_on == date(2019, 3, 31)  # facts kept for statistics
    assert apply_retention(6, today=date(2026, 1, 1)).cases == 0  # re-running changes nothing


def test_casework_statistics_compare_with_the_same_dates_a_year_earlier(team):
    _, officer, _ = team
    subject = create_person(officer, date_of_birth=date(1980, 1, 1))
    # 2025/26: 3 cases, 4 incidents, 2 warnings (CPW, s59); 2024/25: 2 cases, 2 incidents, 1 warning.
    this_year = [create_case(officer, opened_on=date(2025, 5, 1)) for _ in range(3)]
    last_year = [create_case(officer, opened_on=date(2024, 5, 1), case_type="Neighbour dispute") for _ in range(2)]
    for i, case in enumerate(this_year):
        services.record_incident(officer, case, occurred_at=at(date(2025, 5, 1)), description="x",
                                 reported_on=date(2025, 5, 2))
        if i == 0:
            services.record_incident(officer, case, occurred_at=at(date(2025, 6, 1)), description="y",
                                     reported_on=date(2025, 6, 1))
    for case in last_year:
        services.record_incident(officer, case, occurred_at=at(date(2024, 5, 1)), description="x",
                                 reported_on=date(2024, 5, 1))
    services.add_party(officer, this_year[0], subject, "subject")
    services.add_party(officer, last_year[0], subject, "subject")
    services.issue_intervention(officer, last_year[0], kind="cpw", person=subject, conduct="Noise", issued_on=date(2024, 6, 1))
    services.issue_intervention(officer, this_year[0], kind="cpw", person=subject, conduct="Shouting", issued_on=date(2025, 6, 1))
    services.issue_intervention(officer, this_year[0], kind="s59_warning", person=subject, conduct="Bike", issued_on=date(2025, 7, 1))
    figures = casework_statistics(AsbCase.objects.all(), date(2025, 4, 1), date(2026, 3, 31))
    head = {r["measure"]: r for r in figures["headline"]}
    assert (head["service_requests"]["count"], head["service_requests"]["previous_count"]) == (4, 2)
    assert head["service_requests"]["percent_change"] == 100.0
    assert (head["cases_opened"]["count"], head["cases_opened"]["previous_count"]) == (3, 2)
    assert head["cases_opened"]["percent_change"] == 50.0
    assert (head["warnings"]["count"], head["warnings"]["previous_count"]) == (2, 1)
    by_type = {(r["measure"], r["category"]): r["count"] for r in figures["rows"]}
    assert by_type["cases_opened", "Noise nuisance"] == 3 and by_type["cases_opened", "Neighbour dispute"] == 0
    assert figures["previous_period"] == {"from": "2024-04-01", "to": "2025-03-31"}


def test_breaches_outcomes_and_attachments(team, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, officer, _ = team
    case = create_case(officer)
    subject = create_person(officer)
    services.add_party(officer, case, subject, "subject")
    abc = services.issue_intervention(officer, case, kind="abc", person=subject, conduct="Noise", issued_on=date(2026, 4, 10))
    with pytest.raises(RuleRefused, match="cannot happen before"):
        services.record_breach(officer, abc, occurred_on=date(2026, 4, 9), description="x")
    services.record_breach(officer, abc, occurred_on=date(2026, 5, 1), description="Party until 3am")
    services.record_intervention_outcome(officer, abc, "Contract ended early after breach; CPW issued")
    client.force_login(officer)
    upload = SimpleUploadedFile("diary.txt", b"1 May: music until 3am", content_type="text/plain")
    response = client.post(f"/cases/{case.pk}/attachments/add/", {"file": upload, "description": "Diary sheet"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Breached 1 May 2026" in page and "Contract ended early" in page and "Diary sheet" in page
    attachment = case.attachments.get()
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"1 May: music until 3am"
    assert AuditEntry.objects.filter(object_type="attachment", action="viewed").count() == 1


def test_a_group_is_recorded_from_people_on_the_case(team, client):
    _, officer, _ = team
    case = create_case(officer, case_type="Youth ASB / street group")
    kai, lee, stranger = (create_person(officer, first_name=n) for n in ("Kai", "Lee", "Zed"))
    for p in (kai, lee):
        services.add_party(officer, case, p, "subject")
    with pytest.raises(RuleRefused, match="Add each member to the case"):
        services.record_group(officer, case, name="Castle Street group", description="", members=[kai, stranger])
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/groups/add/", {"name": "Castle Street group", "description": "",
                                                             "members": [str(kai.pk), str(lee.pk)]})
    assert response.status_code == 302
    assert "Castle Street group</strong>: Kai Jones, Lee Jones" in client.get(f"/cases/{case.pk}/").content.decode()


def test_far_dates_and_repeated_flags_on_forms_are_bad_input_not_errors(team, client):
    _, officer, _ = team
    client.force_login(officer)
    from csphub.casework.models import CaseType

    noise = CaseType.objects.get_or_create(name="Noise nuisance")[0]
    far = client.post("/cases/new/", {"case_type": noise.pk, "summary": "x", "opened_on": "9999-12-31"})
    assert far.status_code == 200 and "Enter a date between 01 January 1900 and 31 December 2100" in far.content.decode()
    case = create_case(officer)
    added = client.post(f"/cases/{case.pk}/people/add/", {"role": "victim", "first_name": "Una", "last_name": "Ode",
                                                          "consent_to_share": "given", "flags": ["elderly", "elderly"],
                                                          "confirm_new": "1"})
    assert added.status_code == 302
    assert Person.objects.get(first_name="Una").flags.count() == 1


def test_the_case_page_prompts_a_panel_referral_while_a_high_risk_assessment_stands(client, team):
    """The prompt reads the assessments the page already shows (issue 19: a query fewer): a
    standing high risk prompts it; an archived one (withdrawn) does not."""
    _, officer, _ = team
    case = create_case(officer)
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    client.force_login(officer)
    prompt = "Refer them to the Vulnerability Panel"
    assert prompt not in client.get(f"/cases/{case.pk}/").content.decode()
    high = services.assess_risk(officer, case, victim, {"hate": True, "violence": True, "fear": True,
                                                         "repeat": True, "moving": True})
    assert prompt in client.get(f"/cases/{case.pk}/").content.decode()
    high.archive(officer, "recorded on the wrong case")
    assert prompt not in client.get(f"/cases/{case.pk}/").content.decode()
