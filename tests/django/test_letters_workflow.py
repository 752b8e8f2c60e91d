"""A notice made from a warning, fixed penalties' payment and escalation, the ASB Case Review
letters to the applicant, and letters on the chronology (issue 12, items 4, 7 and 8)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from csphub.audit.models import AuditEntry
from csphub.casereview import services as casereview
from csphub.casereview.models import CaseReviewLetter
from csphub.casework import chronology, services
from csphub.casework.models import Intervention
from csphub.dates import add_months
from csphub.errors import RuleRefused

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


def words(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def world() -> dict[str, Any]:
    today = timezone.localdate()
    council = create_agency("Council ASB Team")
    housing = create_agency("Riverford Homes", "housing")
    officer = create_user("officer", council, "jo.officer")
    officer.first_name, officer.last_name = "Jo", "Officer"
    officer.save()
    case = create_case(officer, opened_on=today - timedelta(days=90))
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(1990, 1, 1))
    victim = create_person(officer, first_name="Pat", last_name="Green", address="3 Mill Lane", postcode="CT1 3CD")
    services.add_party(officer, case, subject, "subject")
    services.add_party(officer, case, victim, "victim")
    warning = services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Playing loud music after 11pm",
                                          issued_on=today - timedelta(days=30), comply_by=today - timedelta(days=16))
    return {"today": today, "council": council, "housing": housing, "officer": officer, "case": case,
            "subject": subject, "victim": victim, "warning": warning}


# ---- A notice from this warning ------------------------------------------------------------------

def test_a_notice_made_from_the_warning_carries_the_person_the_conduct_and_the_warning(client: Client, world):
    client.force_login(world["officer"])
    warning = world["warning"]
    page = client.get(f"/interventions/{warning.pk}/").content.decode()
    assert f'href="/interventions/{warning.pk}/notice/"' in page
    assert "Time to comply ends" in page

    response = client.post(f"/interventions/{warning.pk}/notice/", {
        "issued_on-day": world["today"].day, "issued_on-month": world["today"].month,
        "issued_on-year": world["today"].year})
    notice = Intervention.objects.get(kind="cpn")
    assert response.status_code == 302 and response["Location"] == f"/interventions/{notice.pk}/"
    assert (notice.person, notice.conduct, notice.relies_on, notice.case) == (
        world["subject"], "Playing loud music after 11pm", warning, world["case"])

    letter = client.post(f"/interventions/{notice.pk}/letter/", {"format": "docx"})
    text = words(letter.content)
    issued = world["today"] - timedelta(days=30)
    assert f"On {issued.day} {issued:%B %Y} you were given a written warning (our reference " \
           f"{world['case'].reference}/CPW/{warning.pk})" in text
    assert f"Our reference: {world['case'].reference}/CPN/{notice.pk}" in text


def test_a_notice_before_the_time_to_comply_has_passed_is_refused_and_says_from_when(client: Client, world):
    officer, today = world["officer"], world["today"]
    early = services.issue_intervention(officer, world["case"], kind="cpw", person=world["subject"],
                                        conduct="Revving engines outside", issued_on=today - timedelta(days=3),
                                        comply_by=today)
    client.force_login(officer)
    response = client.post(f"/interventions/{early.pk}/notice/", {
        "issued_on-day": today.day, "issued_on-month": today.month, "issued_on-year": today.year})
    tomorrow = today + timedelta(days=1)
    assert response.status_code == 200
    assert f"may be issued from {tomorrow:%d %B %Y}" in response.content.decode()
    assert not Intervention.objects.filter(kind="cpn").exists()


def test_a_notice_is_made_only_from_a_warning(world):
    abc = services.issue_intervention(world["officer"], world["case"], kind="abc", person=world["subject"],
                                      conduct="Loud music", issued_on=world["today"])
    with pytest.raises(RuleRefused, match="made from a Community Protection Warning"):
        services.notice_from_warning(world["officer"], abc.pk, issued_on=world["today"])


def test_a_notice_from_the_case_form_follows_the_warning_that_fits(world):
    notice = services.issue_intervention(world["officer"], world["case"], kind="cpn", person=world["subject"],
                                         conduct="playing loud music after 11pm", issued_on=world["today"])
    assert notice.relies_on == world["warning"]


# ---- Fixed penalties --------------------------------------------------------------------------

@pytest.fixture
def penalty(world) -> Intervention:
    today, officer = world["today"], world["officer"]
    services.issue_intervention(officer, world["case"], kind="cpn", person=world["subject"],
                                conduct="Playing loud music after 11pm", issued_on=today - timedelta(days=15))
    return services.issue_intervention(officer, world["case"], kind="cpn_fpn", person=world["subject"],
                                       issued_on=today - timedelta(days=15), offence_on=today - timedelta(days=16))


def test_a_penalty_is_due_14_days_after_issue_and_unpaid_after_that_shows_the_prosecution_deadline(
        client: Client, world, penalty):
    today = world["today"]
    assert penalty.payment_due_on == today - timedelta(days=1) and penalty.payment_status == "unpaid"
    client.force_login(world["officer"])
    page = client.get(f"/interventions/{penalty.pk}/").content.decode()
    offence = today - timedelta(days=16)
    by = penalty.penalty_state(today).prosecute_by
    assert "Overdue" in page and f"prosecution must be laid by {by.day} {by:%B %Y}" in page
    assert by == add_months(offence, 6)  # six months to the day (tests/test_penalty_payment.py has the edges)
    dashboard = client.get("/").content.decode()
    assert "Fixed penalties unpaid (1)" in dashboard and f'href="/interventions/{penalty.pk}/"' in dashboard


def test_a_penalty_paid_is_shown_paid_and_leaves_the_dashboard(client: Client, world, penalty):
    client.force_login(world["officer"])
    yesterday = world["today"] - timedelta(days=1)
    response = client.post(f"/interventions/{penalty.pk}/payment/", {
        "status": "paid", "on-day": yesterday.day, "on-month": yesterday.month, "on-year": yesterday.year,
        "version": penalty.version})
    assert response.status_code == 302
    penalty.refresh_from_db()
    assert (penalty.payment_status, penalty.payment_status_on) == ("paid", yesterday)
    assert f"Paid on {yesterday.day} {yesterday:%B %Y}" in client.get(f"/interventions/{penalty.pk}/").content.decode()
    assert "Fixed penalties unpaid" not in client.get("/").content.decode()
    assert AuditEntry.objects.filter(object_type="intervention", object_id=str(penalty.pk),
                                     summary="penalty paid").exists()


def test_a_payment_in_the_future_or_before_the_penalty_is_refused(world, penalty):
    for day in (world["today"] + timedelta(days=1), penalty.issued_on - timedelta(days=1)):
        with pytest.raises(RuleRefused):
            services.record_penalty_payment(world["officer"], penalty, "paid", day)
    with pytest.raises(RuleRefused, match="is not paid"):
        services.record_penalty_payment(world["officer"], world["warning"], "paid", world["today"])


# ---- ASB Case Review letters ---------------------------------------------------------------------

@pytest.fixture
def application(world):
    today, officer, council = world["today"], world["officer"], world["council"]
    complaints = [casereview.ComplaintInput(today - timedelta(days=60 - 10 * i), today - timedelta(days=61 - 10 * i),
                                            council) for i in range(3)]
    return casereview.receive_application(officer, applicant=world["victim"], behaviour="Loud music every night",
                                          complaints=complaints, received_on=today - timedelta(days=20),
                                          case=world["case"])


def test_the_acknowledgement_is_written_to_the_applicant_and_recorded(client: Client, world, application):
    client.force_login(world["officer"])
    assert "Write the acknowledgement as Word" in client.get(f"/case-reviews/{application.pk}/").content.decode()
    response = client.post(f"/case-reviews/{application.pk}/letter/", {"letter": "acknowledgement:docx"})
    assert response.status_code == 200
    text = words(response.content)
    assert text.startswith("ASB Case Review: we have received your application")
    assert "Pat Green\n3 Mill Lane\nCT1 3CD" in text and "Loud music every night" in text
    assert f"Our reference: {application.reference}" in text
    letter = CaseReviewLetter.objects.get()
    assert (letter.application, letter.kind, letter.format, letter.generated_by) == (
        application, "acknowledgement", "docx", world["officer"])
    assert AuditEntry.objects.filter(object_type="case_review_letter", object_id=str(letter.pk)).exists()
    assert client.post(f"/case-reviews/{application.pk}/letter/", {"letter": "acknowledgement:pdf"}
                       ).content.startswith(b"%PDF-")


def test_the_outcome_letter_waits_for_the_review_then_lists_each_recommendation(world, application):
    officer, today = world["officer"], world["today"]
    casereview.decide_threshold(officer, application, on=today - timedelta(days=15))
    with pytest.raises(RuleRefused, match="Record the meeting first"):
        casereview_letter(officer, application)
    casereview.record_meeting(officer, application, held_on=today - timedelta(days=5), chair="Head of Community Safety",
                              attendees=[casereview.AttendanceInput(world["council"], "ASB officer")])
    due = today + timedelta(days=30)
    casereview.add_recommendation(officer, application, text="Offer a management move", owner_agency=world["housing"],
                                  due_on=due)
    casereview.add_recommendation(officer, application, text="Install a noise monitor", owner_agency=world["council"],
                                  due_on=due + timedelta(days=7))
    _, content, _ = casereview_letter(officer, application)
    doc = Document(io.BytesIO(content))
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    later = due + timedelta(days=7)
    assert bullets == [f"Offer a management move (owner: Riverford Homes; due by {due.day} {due:%B %Y})",
                       f"Install a noise monitor (owner: Council ASB Team; due by {later.day} {later:%B %Y})"]
    text = words(content)
    assert "the threshold for an ASB Case Review is met" in text
    assert "chaired by Head of Community Safety" in text


def casereview_letter(user, application):
    from csphub.casereview.letters import generate_letter

    return generate_letter(user, application.pk, "outcome", "docx")


def test_an_officer_of_an_agency_not_on_the_review_gets_404(client: Client, application):
    client.force_login(create_user("officer", create_agency("Fire and Rescue", "fire")))
    assert client.post(f"/case-reviews/{application.pk}/letter/", {"letter": "acknowledgement:docx"}).status_code == 404
    assert not CaseReviewLetter.objects.exists()


# ---- The chronology ----------------------------------------------------------------------------

def test_writing_a_letter_is_an_event_on_the_case_chronology(client: Client, world, application):
    client.force_login(world["officer"])
    client.post(f"/interventions/{world['warning'].pk}/letter/", {"format": "pdf"})
    client.post(f"/case-reviews/{application.pk}/letter/", {"letter": "acknowledgement:docx"})
    timeline = chronology.case_timeline(world["officer"], world["case"].pk, chronology.Window(frozenset({"letter"})))
    issued = world["warning"].issued_on
    assert sorted(e.title for e in timeline["events"]) == [
        f"Case review {application.reference}: acknowledgement letter written (Word)",
        f"Letter written: Community Protection Warning of {issued:%d %b %Y} (PDF)"]
    assert all(e.detail == "by Jo Officer" for e in timeline["events"])
    page = client.get(f"/cases/{world['case'].pk}/timeline/").content.decode()
    assert f"Letter written: Community Protection Warning of {issued:%d %b %Y} (PDF)" in page
