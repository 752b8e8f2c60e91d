"""The governance demo (issue 16 item 7): a plan of 4 priorities and 30 actions with a year of
quarterly updates, two boards with meetings, two grants with workstreams and returns, events and
outreach sessions; and the briefing note written from it, whose figures match a count of the
seeded records made here straight from the tables."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from docx import Document

from csphub.governance import demo, papers
from csphub.governance.models import (
    Action,
    Board,
    Decision,
    Event,
    Grant,
    Meeting,
    OutreachSession,
    Plan,
    QuarterlyUpdate,
    Workstream,
    WorkstreamReturn,
)

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 15)  # 2025/26 Q3: the year of updates is 2024/25 Q3 to 2025/26 Q2
WARDS = [("E05000001", "Castle"), ("E05000002", "Riverside"), ("E05000003", "Quay")]


@pytest.fixture
def seeded():
    council = create_agency(demo.COUNCIL)
    for name in (demo.POLICE, demo.FIRE, demo.HOUSING, demo.PROBATION, demo.HEALTH, demo.VS, demo.CATCH22,
                 demo.WARDENS, demo.CHILDREN):
        create_agency(name)
    create_user("partnership_admin", council, "csp.admin")
    create_user("officer", council, "asb.officer")
    counts = demo.seed_governance(wards=WARDS, seed=7, today=TODAY)
    assert demo.seed_governance(wards=WARDS, seed=7, today=TODAY) == {}  # run again, it adds nothing
    return counts


def test_the_demo_has_the_volumes_the_issue_asks_for(seeded):
    plan = Plan.objects.get(name=demo.PLAN_NAME)
    assert plan.priorities.count() == 4
    actions = Action.objects.filter(priority__plan=plan)
    assert actions.count() == 30 == seeded["actions"]
    quarters = Counter(QuarterlyUpdate.objects.filter(action__in=actions).values_list("year", "quarter"))
    assert quarters == {(2024, 3): 30, (2024, 4): 30, (2025, 1): 30, (2025, 2): 30}  # a year, every action
    assert QuarterlyUpdate.objects.exclude(rag_override="").count() <= 1  # at most one lead overriding the rule
    assert sorted(Board.objects.values_list("short_name", flat=True)) == ["SEG", "SOCP"]
    held = Meeting.objects.filter(held=True)
    assert held.filter(board__short_name="SEG").count() == 4 and held.filter(board__short_name="SOCP").count() == 6
    assert seeded["meetings"] == held.count() == 10
    assert Decision.objects.count() == len(demo.SEG_DECISIONS)
    assert Grant.objects.count() == 2 == seeded["grants"]
    for grant in Grant.objects.all():
        workstreams = Workstream.objects.filter(grant=grant)
        assert workstreams.count() == len(demo.WORKSTREAMS[grant.fund])
        assert WorkstreamReturn.objects.filter(workstream__grant=grant).count() == 4 * workstreams.count()
    assert 32 <= Event.objects.count() == seeded["events"] <= 48  # 8 to 12 a quarter
    assert OutreachSession.objects.count() == 12 == seeded["outreach_sessions"]  # monthly for a year


def test_the_briefing_from_the_demo_matches_a_count_of_its_records(seeded, tmp_path):
    seg = Board.objects.get(short_name="SEG")
    start, end = papers.period_of("2025-01", "2025-09")
    paper = papers.briefing(seg, start, end, number="03/25")
    html = papers.to_html(paper)

    meetings = Meeting.objects.filter(board=seg, held=True, held_on__gte=start, held_on__lte=end)
    assert paper.figures["meetings"] == meetings.count() == 3
    assert "has met on 3 occasions" in html
    decided = Decision.objects.filter(meeting__in=meetings, kind=Decision.Kind.DECISION)
    assert paper.figures["decisions"] == decided.count() == 2
    assert "The SEG agreed for these cameras to be made permanent." in html
    assert "Recommendation: That the refreshed Action Plan" in html
    assert "Awaiting decision: Whether to install a new camera at Station Road underpass" in html

    latest = Counter(u.rag for u in QuarterlyUpdate.objects.filter(year=2025, quarter=2))
    assert paper.figures["rag"] == {"green": latest["green"], "amber": latest["amber"], "red": latest["red"], "none": 0}
    assert (f"Of the 30 actions in the {demo.PLAN_NAME}, {latest['green']} are green, {latest['amber']} amber and "
            f"{latest['red']} red") in html

    events = list(Event.objects.filter(held_on__gte=start, held_on__lte=end))
    people = sum(e.attendee_total for e in events)
    wards = len({e.ward_code for e in events})
    assert (f"A total of {len(events)} community engagement events have been arranged or attended by the partnership "
            f"in {wards} wards, engaging with {people:,} people.") in html
    sessions = list(OutreachSession.objects.filter(held_on__gte=start, held_on__lte=end))
    assert len(sessions) == 9
    assert f"9 sessions were held with {sum(s.attendees for s in sessions):,} attendances" in html
    assert "2 funded projects were live in the period." in html and "Safer Streets 5" in html

    docx = papers.write_docx(paper, tmp_path / "briefing.docx")
    text = [p.text for p in Document(str(docx)).paragraphs]
    assert "BRIEFING NOTE – No. 03/25" in text
    assert any(t.startswith("1.1. The Strategic Executive Group (SEG) has met on 3 occasions") for t in text)
