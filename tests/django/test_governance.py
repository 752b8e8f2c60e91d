"""Governance on the database: quarterly updates and their RAG, who may record them, the plan
import (bad rows quarantined, no duplicates on a second run) and exports, agendas built from
what is due, the calendar, grant returns, and a briefing note whose figures match a hand count."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from csphub.audit.models import AuditEntry
from csphub.casework import services as casework
from csphub.errors import InputFileError, PermissionRefused, RuleRefused, StaleEdit
from csphub.governance import papers, plan_files, returns, rules, services
from csphub.governance.models import Action, Decision, ImportedRow, OutreachProgramme

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db

Q = rules.Quarter


@pytest.fixture
def council():
    return create_agency("Council ASB Team")


@pytest.fixture
def police():
    return create_agency("Police", "police")


@pytest.fixture
def manager(council):
    return create_user("partnership_admin", council, "csp.manager")


@pytest.fixture
def plan():
    return services.create_plan(None, name="Community Safety Plan 2024-28", starts_on=date(2024, 4, 1),
                                ends_on=date(2028, 3, 31))


def make_action(plan, led_by, reference="1.1", target=1000, priority=1, due_on=date(2025, 3, 31), **kwargs):
    p = services.priority_of(None, plan, priority, f"Priority {priority}")
    return services.add_action(None, p, reference=reference, objective="Road safety", title="Bikeability for year 6",
                               theme="prevent", led_by=led_by, target=None if target is None else Decimal(target),
                               unit="pupils", starts_on=date(2024, 4, 1), due_on=due_on, **kwargs)


# ---- Quarterly updates -------------------------------------------------------------------------


def test_the_rule_sets_the_rag_and_the_lead_may_override_it_with_a_reason(plan, council):
    officer = create_user("officer", council)
    action = make_action(plan, council)
    # 2024/25 Q2 ends 30 Sep 2024: 182 of 364 days, so 500 pupils expected; 390 is below 80%.
    update = services.record_update(officer, action, quarter=Q(2024, 2), narrative="390 trained", achieved=Decimal(390))
    assert (update.rag, update.automatic_rag) == ("red", "red")
    assert update.rag_reason == "off track: 390 against 500 expected by now (target 1,000)"
    with pytest.raises(RuleRefused, match="Say why"):
        services.record_update(officer, action, quarter=Q(2024, 2), narrative="390", achieved=Decimal(390),
                               rag_override="amber")
    corrected = services.record_update(officer, action, quarter=Q(2024, 2), narrative="390 trained",
                                       achieved=Decimal(390), rag_override="amber",
                                       override_reason="the summer term courses are booked", expected_version=update.version)
    assert corrected.pk == update.pk and corrected.rag == "amber" and corrected.automatic_rag == "red"
    assert "set by the lead (the summer term courses are booked)" in corrected.rag_reason
    with pytest.raises(StaleEdit):
        services.record_update(officer, action, quarter=Q(2024, 2), narrative="x", achieved=Decimal(1),
                               expected_version=update.version)
    assert action.updates.count() == 1


def test_only_the_lead_agency_or_a_partnership_admin_records_updates(plan, council, police, manager):
    action = make_action(plan, council)
    for outsider in (create_user("officer", police), create_user("supervisor", police), create_user("analyst", council)):
        with pytest.raises(PermissionRefused, match="lead agency"):
            services.record_update(outsider, action, quarter=Q(2024, 1), narrative="x", achieved=Decimal(1))
    services.record_update(manager, action, quarter=Q(2024, 1), narrative="Entered for the road safety team",
                           achieved=Decimal(260))
    assert AuditEntry.objects.filter(object_type="quarterly_update", action="created", user=manager).count() == 1


def test_a_milestone_action(plan, council):
    action = make_action(plan, council, target=None, milestone="New service live", reference="2.1")
    officer = create_user("officer", council)
    assert services.record_update(officer, action, quarter=Q(2024, 4), narrative="Tender out").rag == "amber"
    assert services.record_update(officer, action, quarter=Q(2025, 1), narrative="Late").rag == "red"
    assert services.record_update(officer, action, quarter=Q(2025, 1), narrative="Live", milestone_met=True).rag == "green"


# ---- Import and export -------------------------------------------------------------------------

HEADER = "priority,priority_title,objective,reference,action,theme,lead_agency,partners,target,unit,milestone,starts_on,due_on\n"


def write(tmp_path: Path, text: str, name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_import_loads_good_rows_quarantines_bad_ones_and_duplicates_nothing(tmp_path, plan, council, police):
    path = write(tmp_path, HEADER +
                 "1,Strengthening Communities,Tackling ASB,1.1,Daily Dial In,Prepare,Council ASB Team,Police,250,dial-ins,,2024-04-01,31/03/2025\n"
                 "1,,Tackling ASB,1.2,Joint patrols,Pursue,Police,,96,patrols,,,\n"
                 "2,Victims,Domestic abuse,2.1,New DA service,Protect,Council ASB Team,,,,Service live,,\n"
                 "2,,Domestic abuse,2.2,Champions,Prevent,Nobody Council,,80,champions,,,\n"       # line 5: agency
                 "2,,Domestic abuse,2.3,Champions,Preventing,Police,,80,champions,,,\n"           # line 6: theme
                 "2,,Domestic abuse,2.4,Champions,Prevent,Police,,eighty,champions,,,\n"          # line 7: target
                 "2,,Domestic abuse,2.5,Champions,Prevent,Police,,,,,,\n"                         # line 8: no target
                 "2,,Domestic abuse,2.6,Champions,Prevent,Police,,8,x,,2025-01-01,2024-01-01\n"   # line 9: dates
                 "2,,Domestic abuse,1.1,Duplicate,Prevent,Police,,8,x,,,\n"                       # line 10: reference
                 "3,,Drugs,3.1,Naloxone,Protect,Police,Fire Service,500,kits,,,\n")               # line 11: partner
    summary = plan_files.import_plan(None, plan, path)
    assert (summary.loaded, summary.changed) == (3, 0)
    assert [(p.line, p.field) for p in summary.quarantined] == [
        (5, "lead_agency"), (6, "theme"), (7, "target"), (8, "target"), (9, "due_on"), (10, "reference"), (11, "partners")]
    assert str(summary.quarantined[0]) == ("plan.csv, line 5, field 'lead_agency': got 'Nobody Council'; expected the "
                                           "name of an agency in CSP Hub (csphub agency list)")
    assert ImportedRow.objects.count() == 7
    first = Action.objects.get(reference="1.1")
    assert (first.led_by, list(first.partners.all()), first.target, first.due_on) == (
        council, [police], Decimal(250), date(2025, 3, 31))
    assert Action.objects.get(reference="2.1").measure == "milestone"
    assert plan.priorities.get(number=1).title == "Strengthening Communities"
    again = plan_files.import_plan(None, plan, path)
    assert (again.loaded, again.changed) == (0, 3) and Action.objects.count() == 3


def test_an_import_from_excel_and_a_file_without_the_columns(tmp_path, plan, council):
    from csphub.spreadsheets import Sheet, write_xlsx

    book = tmp_path / "plan.xlsx"
    write_xlsx(book, [Sheet("Plan", [["Priority", "Objective", "Reference", "Action", "Theme", "Lead agency", "Target",
                                      "Due on"], [1, "Road safety", "1.9", "Bikeability", "prevent", "Council ASB Team",
                                                  1000, date(2025, 3, 31)]])])
    assert plan_files.import_plan(None, plan, book).loaded == 1
    assert Action.objects.get(reference="1.9").due_on == date(2025, 3, 31)
    with pytest.raises(InputFileError, match="plan.csv, line 1, field 'theme, lead_agency'"):
        plan_files.import_plan(None, plan, write(tmp_path, "priority,objective,reference,action\n1,a,b,c\n"))


def test_the_exports_carry_each_actions_latest_rag(tmp_path, plan, council):
    action = make_action(plan, council)
    officer = create_user("officer", council)
    services.record_update(officer, action, quarter=Q(2024, 1), narrative="Q1", achieved=Decimal(260))
    services.record_update(officer, action, quarter=Q(2024, 2), narrative="=cmd|' /C calc'!A0", achieved=Decimal(390))
    sheet = load_workbook(plan_files.export_xlsx(plan, tmp_path / "plan.xlsx"))["Action plan"]
    row = [c.value for c in sheet[3]]
    assert row[2] == "1.1" and row[12] == "2024/25 Q2" and row[13] == 390 and row[14] == "RED"
    assert row[16] == "'=cmd|' /C calc'!A0"  # through csphub.spreadsheets: never a formula
    text = "\n".join(c.text for t in Document(str(plan_files.export_docx(plan, tmp_path / "plan.docx"))).tables
                     for r in t.rows for c in r.cells)
    assert "RED (2024/25 Q2)" in text and "Bikeability for year 6" in text


# ---- Boards, agendas, the calendar ---------------------------------------------------------------


def test_an_agenda_is_the_standing_items_then_what_is_due(plan, council):
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG",
                                  standing_items=[("Prevent Update", "prevent"), ("CCTV", "cctv"),
                                                  ("CSP Action Plan", "action_plan")])
    officer = create_user("officer", council)
    red = make_action(plan, council, reference="1.2")
    services.record_update(officer, red, quarter=Q(2024, 2), narrative="Behind", achieved=Decimal(100))
    green = make_action(plan, council, reference="1.3")
    services.record_update(officer, green, quarter=Q(2024, 2), narrative="On track", achieved=Decimal(600))
    earlier = services.schedule_meeting(None, board, held_on=date(2024, 7, 10))
    services.record_decision(None, earlier, text="A new camera at Station Road", kind=Decision.Kind.PENDING, topic="cctv")
    services.add_statutory_deadline(None, "strategic_assessment", date(2024, 12, 31), board)
    services.add_statutory_deadline(None, "cdp_jna_rewrite", date(2026, 1, 31), board)
    meeting = services.schedule_meeting(None, board, held_on=date(2024, 10, 15))
    agenda = [(i.title, i.source) for i in meeting.agenda.all()]
    assert agenda[:3] == [("Prevent Update", "standing"), ("CCTV", "standing"), ("CSP Action Plan", "standing")]
    assert [s for _, s in agenda[3:]] == ["off_track", "pending", "deadline"]
    assert "action 1.2" in agenda[3][0] and "1.3" not in " ".join(t for t, _ in agenda)
    assert agenda[5][0] == "Strategic Assessment: due 31 December 2024"


def test_a_deadline_done_comes_round_again(manager):
    item = services.add_statutory_deadline(None, "cdp_jna_addendum", date(2025, 3, 31))
    following = services.complete_calendar_item(manager, item, done_on=date(2025, 3, 20))
    assert following.due_on == date(2025, 6, 30) and following.recurrence == "quarterly"
    with pytest.raises(RuleRefused, match="was done on 20 March 2025"):
        services.complete_calendar_item(manager, item, done_on=date(2025, 3, 21))
    with pytest.raises(PermissionRefused):
        services.complete_calendar_item(create_user("officer", create_agency()), following, done_on=date(2025, 6, 1))


def test_a_meeting_paper_goes_through_the_hostile_file_checks(manager):
    board = services.create_board(None, name="SOCP", short_name="SOCP")
    meeting = services.schedule_meeting(None, board, held_on=date(2025, 1, 10))
    with pytest.raises(RuleRefused, match="Windows program"):
        services.add_paper(manager, uploaded=SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00rest"), title="x", meeting=meeting)
    paper = services.add_paper(manager, uploaded=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%%EOF\n"),
                               title="Minutes", meeting=meeting)
    assert paper.content_type == "application/pdf" and paper.file.name.endswith(".pdf")


# ---- Grants --------------------------------------------------------------------------------------


def test_grant_returns_and_the_return_to_the_funder(tmp_path, council, police):
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000), starts_on=date(2024, 4, 1),
                                  ends_on=date(2025, 9, 30), led_by=council)
    ws = services.add_workstream(None, grant, title="Door staff training", budget=Decimal(12000),
                                 planned_output=Decimal(6), output_unit="training courses",
                                 planned_outcome=Decimal(90), outcome_unit="door staff trained")
    officer = create_user("officer", council)
    services.record_return(officer, ws, quarter=Q(2024, 1), outputs=Decimal(2), outcomes=Decimal(28), spend=Decimal(4000))
    services.record_return(officer, ws, quarter=Q(2024, 2), outputs=Decimal(1), outcomes=Decimal(15), spend=Decimal(2000))
    services.record_return(officer, ws, quarter=Q(2024, 2), outputs=Decimal(2), outcomes=Decimal(31), spend=Decimal(3500))
    with pytest.raises(PermissionRefused):
        services.record_return(create_user("officer", police), ws, quarter=Q(2024, 3), outputs=Decimal(1),
                               outcomes=Decimal(0), spend=Decimal(0))
    with pytest.raises(RuleRefused, match="outside the grant's period"):
        services.record_return(officer, ws, quarter=Q(2025, 3), outputs=Decimal(1), outcomes=Decimal(0), spend=Decimal(0))
    [figures] = services.grant_figures(grant)
    assert (figures.outputs, figures.outcomes, figures.spend) == (Decimal(4), Decimal(59), Decimal(7500))
    sheet = load_workbook(returns.write_return_xlsx(grant, tmp_path / "r.xlsx"))["Return"]
    assert [c.value for c in sheet[2]][:6] == ["Workstream", "Measure", "Unit", "Planned", "2024/25 Q1", "2024/25 Q2"]
    assert [c.value for c in sheet[3]][:6] + [sheet.cell(3, sheet.max_column).value] == [
        "Door staff training", "Outputs", "training courses", 6, 2, 2, 4]
    services.add_paper(officer, uploaded=SimpleUploadedFile("sheets.pdf", b"%PDF-1.4\n%%EOF\n"),
                       title="Training attendance sheets", grant=grant)
    word = Document(str(returns.write_return_docx(grant, tmp_path / "r.docx")))
    [table] = word.tables
    assert [c.text for c in table.rows[0].cells][:5] == ["Workstream", "Measure", "Planned", "2024/25 Q1", "2024/25 Q2"]
    assert [c.text for c in table.rows[1].cells][:5] + [table.rows[1].cells[-1].text] == [
        "Door staff training", "Outputs training courses", "6", "2", "2", "4"]
    assert [c.text for c in table.rows[3].cells][:3] + [table.rows[3].cells[-1].text] == [
        "Door staff training", "Spend (£)", "12,000", "7,500"]
    assert "Training attendance sheets" in [p.text for p in word.paragraphs]  # the evidence attached


# ---- The briefing note: its figures against a hand count -------------------------------------------


@pytest.fixture
def seeded(plan, council, police):
    """Two SEG meetings in April-September 2025 and one before; three decisions (one a
    recommendation) in the period; three actions (one each of green, amber and red at Q2); three
    events (10, 20 and 30 people, in two wards); two outreach sessions with tokens; casework."""
    officer = create_user("officer", council, "seg.officer")
    seg = services.create_board(None, name="Strategic Executive Group", short_name="SEG",
                                standing_items=[("Prevent Update", "prevent"), ("CCTV", "cctv"),
                                                ("CSP Action Plan", "action_plan")])
    for day in (date(2025, 3, 12), date(2025, 5, 14), date(2025, 8, 13)):
        meeting = services.schedule_meeting(None, seg, held_on=day)
        services.record_meeting(None, meeting, minutes="Agreed", attending=[council, police])
        if day.month > 3:
            cctv = meeting.agenda.get(topic="cctv")
            cctv.notes = "The CCTV network is very strong with only 2 faults."
            cctv.save()
            services.record_decision(None, meeting, text="Agreed for these cameras to be made permanent", topic="cctv")
    services.record_decision(None, meeting, text="Refresh the action plan for 2026/27",
                             kind=Decision.Kind.RECOMMENDATION, topic="action_plan")
    due = date(2026, 3, 31)
    for ref, achieved in (("1.1", 600), ("1.2", 420), ("1.3", 100)):  # Q2 25/26 ends 30 Sep: 500 expected
        action = make_action(plan, council, reference=ref, due_on=due)
        action.starts_on = date(2025, 4, 1)
        action.save()
        services.record_update(officer, action, quarter=Q(2025, 2), narrative=f"{achieved} so far", achieved=Decimal(achieved))
    for n, ward in ((10, "Castle"), (20, "Castle"), (30, "Riverside")):
        services.record_event(None, title="Stall", held_on=date(2025, 6, n), place="Hub", ward_code=f"E05{ward[:3]}",
                              ward_name=ward, attendees={"adults": n}, items_given={"personal attack alarms": 5})
    services.record_event(None, title="Outside", held_on=date(2025, 10, 1), place="Hub", attendees={"adults": 99})
    ladies = OutreachProgramme(name="Ladies Night")
    ladies.save_by(None)
    services.record_outreach_session(None, ladies, held_on=date(2025, 5, 20), attendees=21, tokens=["robin7", "star3"],
                                     outcomes={"housing_advice": 3})
    services.record_outreach_session(None, ladies, held_on=date(2025, 6, 17), attendees=23, tokens=["Robin 7", "wren1"],
                                     outcomes={"housing_advice": 2, "sexual_health": 4}, safeguarding_escalations=1)
    case = create_case(officer, opened_on=date(2025, 5, 1))
    create_case(officer, opened_on=date(2024, 5, 1))
    subject = create_person(officer)
    casework.add_party(officer, case, subject, "subject")
    casework.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music", issued_on=date(2025, 6, 1))
    return seg


def test_a_briefing_note_counts_what_a_person_would(seeded, tmp_path):
    from csphub.casework.models import AsbCase

    start, end = papers.period_of("2025-04", "2025-09")
    paper = papers.briefing(seeded, start, end, cases=AsbCase.objects.all(), number="02/25")
    html = papers.to_html(paper)
    assert paper.figures["meetings"] == 2 and paper.figures["decisions"] == 2
    assert "has met on 2 occasions" in html
    assert "May 2025 Meeting" in html and "August 2025 Meeting" in html and "March 2025" not in html
    assert html.count("The SEG agreed for these cameras to be made permanent.") == 2
    assert "2 decisions and 1 recommendations were recorded in the period." in html
    assert paper.figures["rag"] == {"green": 1, "amber": 1, "red": 1, "none": 0}
    assert "Of the 3 actions in the Community Safety Plan 2024-28, 1 are green, 1 amber and 1 red" in html
    assert "A total of 3 community engagement events have been arranged or attended by the partnership in 2 wards, " \
           "engaging with 60 people." in html
    assert "15 personal attack alarms" in html
    assert ("2 sessions were held with 44 attendances (average 22 attendees per session). 3 individuals attended at "
            "least one session and 1 came more than once") in html
    assert "5 supported with housing advice" in html and "1 safeguarding concern was escalated" in html
    assert "1 ASB cases opened (no change, from 1 a year earlier)" in html
    assert "1 warnings (Community Protection Warnings, s59) (new this year, from 0 a year earlier)" in html
    held = sorted(m.pk for m in seeded.meetings.filter(held_on__gte=start))
    assert f"Built from: board {seeded.pk}; meetings {held[0]}, {held[1]}" in html
    docx = papers.write_docx(paper, tmp_path / "briefing.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "BRIEFING NOTE – No. 02/25" in text and "1.1. The Strategic Executive Group (SEG) has met on 2 occasions" in text
    assert papers.write_pdf(paper, tmp_path / "briefing.pdf").read_bytes().startswith(b"%PDF")


def test_every_section_of_both_papers_says_what_it_was_built_from_in_word_and_pdf(seeded, tmp_path):
    from csphub.casework.models import AsbCase

    start, end = papers.period_of("2025-04", "2025-09")
    grant = services.create_grant(None, fund="Safer Streets", round="5", amount=Decimal(190000),
                                  starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31), led_by=Action.objects.first().led_by)
    services.add_workstream(None, grant, title="Neighbourhood Watch", budget=Decimal(8000))
    for paper in (papers.briefing(seeded, start, end, cases=AsbCase.objects.all()),
                  papers.portfolio_report(start, end, cases=AsbCase.objects.all())):
        titles = [s.title for s in paper.sections]
        assert [s.title for s in paper.sections if not s.sources] == (["Background"] if paper.kind == "portfolio" else [])
        assert "Funded projects" in titles and "Community engagement" in titles
        text = [p.text for p in Document(str(papers.write_docx(paper, tmp_path / f"{paper.kind}.docx"))).paragraphs]
        built = [t for t in text if t.startswith("Built from: ")]
        assert len(built) >= len([s for s in paper.sections if s.sources])
        assert f"Built from: grants {grant.pk}" in built
        assert papers.to_html(paper).count("Built from: ") == sum(
            1 for s in papers.flat(paper.sections) if s["section"].sources)  # the PDF is written from this HTML
        assert papers.write_pdf(paper, tmp_path / f"{paper.kind}.pdf").read_bytes().startswith(b"%PDF")


def test_other_apps_plug_sections_into_the_paper(seeded):
    papers.register_section("cctv_test", lambda start, end: {
        "title": "CCTV", "paragraphs": [f"2 faults between {start:%B} and {end:%B}."], "sources": ["cameras 1, 2"]})
    try:
        start, end = papers.period_of("2025-04", "2025-09")
        html = papers.to_html(papers.briefing(seeded, start, end))
        assert "CCTV</h2>" in html and "2 faults between April and September." in html and "cameras 1, 2" in html
    finally:
        papers._REGISTERED.pop("cctv_test")


def test_the_portfolio_report_goes_by_priority(seeded):
    start, end = papers.period_of("2025-04", "2025-09")
    html = papers.to_html(papers.portfolio_report(start, end, portfolio="Portfolio Holder for Resources"))
    assert "ATTENDANCE BY THE PORTFOLIO HOLDER FOR RESOURCES" in html and "Priority 1</h2>" in html
    assert "3 actions: 1 green, 1 amber, 1 red, 0 without an update." in html


def test_the_briefing_page_writes_word_for_a_manager_only(client, seeded, council):
    supervisor = create_user("supervisor", council)
    client.force_login(supervisor)
    response = client.post("/governance/papers/new/", {"kind": "briefing", "board": seeded.pk, "start": "2025-04",
                                                       "end": "2025-09", "committee": "O&S", "output": "docx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('briefing-2025-04-to-2025-09.docx"')
    assert "has met on 2 occasions" in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    bad = client.post("/governance/papers/new/", {"kind": "briefing", "board": seeded.pk, "start": "2025-09",
                                                  "end": "2025-04", "committee": "O&S", "output": "pdf"})
    assert "Error: Write a committee paper" in bad.content.decode() and "ends (2025-04) before it starts" in bad.content.decode()
    client.force_login(create_user("officer", council))
    assert client.get("/governance/papers/new/").status_code == 403


def test_the_action_page_records_an_update_and_shows_a_failed_form(client, plan, council):
    action = make_action(plan, council, due_on=date.today() + timedelta(days=200))
    client.force_login(create_user("officer", council))
    quarter = rules.quarter_of(date.today()).label
    failed = client.post(f"/governance/actions/{action.pk}/", {"quarter": quarter, "narrative": "x", "achieved": "5",
                                                               "rag_override": "green"})
    assert failed.status_code == 200 and "<title>Error: 1.1" in failed.content.decode()
    ok = client.post(f"/governance/actions/{action.pk}/", {"quarter": quarter, "narrative": "Trained 5", "achieved": "5"})
    assert ok.status_code == 302 and action.updates.get().narrative == "Trained 5"


def test_the_docstring_examples_of_the_django_modules_hold():
    import doctest

    from csphub.governance import engagement, reminders

    for module in (engagement, papers, reminders, rules):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


def test_events_are_set_against_their_wards_busiest_asb_first(council):
    services.record_event(None, title="Stall", held_on=date(2025, 6, 1), place="Hub", ward_code="E2", ward_name="Quay",
                          attendees={"adults": 12})
    services.record_event(None, title="Stall", held_on=date(2025, 6, 2), place="Hub", attendees={"adults": 5})
    from csphub.governance import engagement
    from csphub.governance.models import Event

    events = list(Event.objects.all())
    by_area = {"Riverford": {"E1": {"name": "Castle", "crime": 900, "asb": 300},
                             "E2": {"name": "Quay", "crime": 500, "asb": 120}},
               "Kingsmere": {"E9": {"name": "Far", "crime": 10, "asb": 999}}}
    areas, figures = engagement.areas_of_events(events, by_area)
    rows = engagement.events_against_wards(events, figures)
    assert areas == ["Riverford"]
    assert [(r["ward_name"], r["asb_rank"], r["events"], r["people"]) for r in rows] == [
        ("Castle", 1, 0, 0), ("Quay", 2, 1, 12), ("Ward not recorded", None, 1, 5)]


def test_the_api_records_an_update_and_refuses_a_stale_one(client, plan, council, police):
    from .factories import create_token

    action = make_action(plan, council, due_on=date.today() + timedelta(days=300))
    lead = {"authorization": f"Bearer {create_token(create_user('officer', council))}"}
    quarter = rules.quarter_of(date.today()).label
    first = client.post(f"/api/v1/governance/actions/{action.pk}/updates", {"quarter": quarter, "narrative": "a",
                                                                            "achieved": 5}, content_type="application/json",
                        headers=lead)
    assert first.status_code == 201 and first.json()["version"] == 1 and first.json()["rag"] in ("green", "amber", "red")
    stale = client.post(f"/api/v1/governance/actions/{action.pk}/updates", {"quarter": quarter, "narrative": "b"},
                        content_type="application/json", headers={**lead, "If-Match": '"0"'})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_edit"
    bad = client.post(f"/api/v1/governance/actions/{action.pk}/updates", {"quarter": "Q9", "narrative": "b"},
                      content_type="application/json", headers=lead)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_quarter"
    other = {"authorization": f"Bearer {create_token(create_user('officer', police))}"}
    refused = client.post(f"/api/v1/governance/actions/{action.pk}/updates", {"quarter": quarter, "narrative": "c"},
                          content_type="application/json", headers=other)
    assert refused.status_code == 403 and "lead agency (Council ASB Team)" in refused.json()["error"]["message"]
    got = client.get(f"/api/v1/governance/plans/{plan.pk}", headers=other).json()
    assert got["actions"][0]["latest"]["narrative"] == "a" and got["rag_counts"]["none"] == 0


def test_plan_progress_feeds_the_strategic_assessment(tmp_path, seeded, plan):
    from csphub.analytics.assessment.sections import activity
    from csphub.cli.governance import progress_markdown

    path = tmp_path / "activity.md"
    path.write_text(progress_markdown(papers.plan_progress(plan, date(2025, 9, 30))), encoding="utf-8")
    [priority] = activity(path)
    assert priority["priority"] == "Priority 1"
    assert priority["paragraphs"][0] == "3 actions: 1 green, 1 amber, 1 red, 0 without an update."
    assert priority["paragraphs"][1] == "Bikeability for year 6 (Council ASB Team, GREEN, 2025/26 Q2): 600 so far"
    from csphub.analytics.assessment.narrative_file import commentary

    progress = commentary(None, {}, activity(path))["sections"]["priorities"]
    assert progress["title"] == "Progress on priorities" and progress["written"]
    assert progress["priorities"][0]["name"] == "Priority 1"
    assert progress["priorities"][0]["progress"][0]["text"] == "3 actions: 1 green, 1 amber, 1 red, 0 without an update."


def test_actions_arising_are_marked_done_and_returns_sent(client, manager, council):
    board = services.create_board(None, name="Strategic Executive Group", short_name="SEG")
    meeting = services.schedule_meeting(None, board, held_on=date(2025, 1, 15))
    with pytest.raises(RuleRefused, match="due after the meeting"):
        services.add_meeting_action(manager, meeting, description="x", owner_agency=council, due_on=date(2025, 1, 1))
    arising = services.add_meeting_action(manager, meeting, description="Circulate the camera report",
                                          owner_agency=council, due_on=date(2025, 2, 12))
    client.force_login(manager)
    page = client.post(f"/governance/meetings/{meeting.pk}/", {"form": "action_done", "action_id": arising.pk})
    assert page.status_code == 302
    arising.refresh_from_db()
    assert arising.done_on is not None
    with pytest.raises(RuleRefused, match="was done on"):
        services.complete_meeting_action(manager, arising, done_on=date(2025, 3, 1))
    grant = services.create_grant(None, fund="PCC Crime Reduction Grant", round="", amount=Decimal(37000),
                                  starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31), led_by=council,
                                  reporting_dates=[date(2025, 10, 30)])
    due = grant.reporting_dates.get()
    assert client.post(f"/governance/grants/{grant.pk}/", {"form": "submitted", "reporting_date": due.pk}).status_code == 302
    due.refresh_from_db()
    assert due.submitted_on is not None
    with pytest.raises(PermissionRefused):
        services.submit_report(create_user("officer", create_agency()), grant, due.pk, submitted_on=date(2025, 10, 1))


def test_a_quarters_updates_from_a_spreadsheet(tmp_path, plan, council, police):
    make_action(plan, council, reference="1.1")
    make_action(plan, council, reference="2.1", target=None, milestone="Service live", priority=2)
    path = write(tmp_path, "reference,quarter,narrative,achieved,milestone_met,rag_override,override_reason\n"
                           "1.1,2024/25 Q2,390 trained,390,,,\n"
                           "2.1,2024/25 Q2,Tender awarded,,yes,,\n"
                           "1.1,2024/25 Q9,x,1,,,\n"          # line 4: quarter
                           "9.9,2024/25 Q2,x,1,,,\n"          # line 5: reference
                           "1.1,2024/25 Q1,x,lots,,,\n"       # line 6: achieved
                           "1.1,2024/25 Q1,x,1,,purple,\n"    # line 7: rag
                           "1.1,2024/25 Q1,x,1,,amber,\n", "updates.csv")  # line 8: reason
    summary = plan_files.import_updates(None, plan, path)
    assert (summary.loaded, summary.changed) == (2, 0)
    assert [(p.line, p.field) for p in summary.quarantined] == [
        (4, "quarter"), (5, "reference"), (6, "achieved"), (7, "rag_override"), (8, "override_reason")]
    assert Action.objects.get(reference="1.1").updates.get().rag == "red"
    assert Action.objects.get(reference="2.1").updates.get().rag == "green"
    again = plan_files.import_updates(create_user("officer", police), plan, path)
    assert again.loaded == 0 and again.changed == 0 and len(again.quarantined) == 7  # not their agency's actions


def test_a_manager_changes_an_action_or_takes_it_out_of_the_plan(client, plan, council, manager):
    action = make_action(plan, council)
    client.force_login(manager)
    body = {"version": action.version, "objective": "Road safety", "title": "Bikeability for year 6 and 7",
            "theme": "prevent", "led_by": council.pk, "target": "1200", "unit": "pupils", "due_on": "2025-03-31"}
    assert client.post(f"/governance/actions/{action.pk}/edit/", body).status_code == 302
    action.refresh_from_db()
    assert action.target == 1200 and action.title.endswith("and 7")
    stale = client.post(f"/governance/actions/{action.pk}/edit/", {**body, "target": "900"})
    assert stale.status_code == 200 and "after you opened it" in stale.content.decode()
    with pytest.raises(RuleRefused, match="reason"):
        services.archive_action(manager, action, "  ")
    services.archive_action(manager, action, "Merged into 1.2")
    assert services.plan_view(manager, plan.pk).rag_counts == {"red": 0, "amber": 0, "green": 0, "none": 0}
    assert client.get(f"/governance/actions/{action.pk}/").status_code == 404


def test_the_briefing_says_which_deadlines_were_met_and_which_are_overdue(seeded, manager):
    met = services.add_statutory_deadline(None, "strategic_assessment", date(2025, 6, 30), seeded)
    services.complete_calendar_item(manager, met, done_on=date(2025, 6, 20))
    services.add_statutory_deadline(None, "sv_needs_assessment", date(2025, 8, 31), seeded)
    services.add_statutory_deadline(None, "cdp_jna_rewrite", date(2026, 1, 31), seeded)
    start, end = papers.period_of("2025-04", "2025-09")
    html = papers.to_html(papers.briefing(seeded, start, end))
    assert "1 deadline or attendance was met in the period:" in html
    assert "Strategic Assessment: due 30 June 2025, done 20 June 2025" in html
    assert "1 was overdue at the end of the period:" in html
    assert "Serious Violence strategic needs assessment refreshed: due 31 August 2025" in html
    assert "rewrite" not in html  # due after the period
