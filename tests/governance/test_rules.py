"""Governance rules at their boundaries, without a database: the RAG of a quarterly update,
quarters, deadlines and reminders, the outreach token."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csphub.governance import rules
from csphub.governance.rules import RagInput, rag_for

# A year-long action: 1,000 pupils from 1 April 2024 to 1 April 2025 (365 days). By 1 October
# 2024 (183 days) the trajectory stands at 1000 * 183/365 = 501.4 -> 501.
START, DUE, HALF = date(2024, 4, 1), date(2025, 4, 1), date(2024, 10, 1)


def numeric(achieved, as_of=HALF, target=1000):
    return rag_for(RagInput(target=target, achieved=achieved, starts_on=START, due_on=DUE, as_of=as_of))


def test_the_trajectory_is_the_target_in_proportion_to_time_gone():
    assert rules.expected_by(Decimal(1000), START, DUE, HALF) == Decimal(501)
    assert rules.expected_by(Decimal(1000), START, DUE, START) == Decimal(0)
    assert rules.expected_by(Decimal(1000), START, DUE, date(2030, 1, 1)) == Decimal(1000)


@pytest.mark.parametrize(("achieved", "status"), [
    (501, "green"),   # exactly on the line
    (700, "green"),
    (500, "amber"),   # one short of the line
    (401, "amber"),   # 80% of 501 is 400.8: 401 is above it
    (400, "red"),     # below 80% of the line
    (0, "red"),
])
def test_a_number_target_before_its_due_date(achieved, status):
    assert numeric(achieved).status == status


def test_the_reason_says_the_figures():
    assert numeric(450).reason == "behind: 450 against 501 expected by now (target 1,000)"


@pytest.mark.parametrize(("achieved", "status"), [(1000, "green"), (999, "red"), (1200, "green")])
def test_on_and_after_the_due_date_the_target_itself_must_be_met(achieved, status):
    assert numeric(achieved, as_of=DUE).status == status
    assert numeric(achieved, as_of=date(2025, 6, 30)).status == status


def test_the_day_before_the_due_date_is_still_measured_against_the_line():
    assert numeric(999, as_of=date(2025, 3, 31)).status == "green"  # 1000 * 364/365 = 997.3 -> 997


def test_no_figure_reported_is_amber():
    assert numeric(None).status == "amber"


def test_nothing_expected_yet_is_green():
    assert numeric(0, as_of=START).status == "green"


def milestone(as_of, met=False):
    return rag_for(RagInput(target=None, achieved=None, starts_on=START, due_on=date(2025, 3, 31), as_of=as_of,
                            milestone_met=met))


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 2, 28), "green"),   # 31 days to go
    (date(2025, 3, 1), "amber"),    # 30 days to go
    (date(2025, 3, 31), "amber"),   # due today
    (date(2025, 4, 1), "red"),      # overdue
])
def test_a_milestone_turns_amber_thirty_days_before_it_is_due_and_red_after(as_of, status):
    assert milestone(as_of).status == status


def test_a_met_milestone_is_green_even_when_late():
    assert milestone(date(2025, 6, 1), met=True).status == "green"


def test_another_rule_can_be_passed():
    strict = rules.RagRule(green_from=Decimal("1.1"), amber_from=Decimal("0.9"))
    assert rag_for(RagInput(1000, 501, START, DUE, HALF), strict).status == "amber"


def test_an_override_needs_a_reason():
    assert rules.final_rag("red", "amber", "funding confirmed late") == "amber"
    assert rules.final_rag("red", "", "") == "red"
    with pytest.raises(ValueError, match="needs a reason"):
        rules.final_rag("red", "green", "  ")


@pytest.mark.parametrize(("day", "label"), [
    (date(2024, 4, 1), "2024/25 Q1"), (date(2024, 6, 30), "2024/25 Q1"), (date(2024, 7, 1), "2024/25 Q2"),
    (date(2024, 12, 31), "2024/25 Q3"), (date(2025, 1, 1), "2024/25 Q4"), (date(2025, 3, 31), "2024/25 Q4"),
    (date(2099, 12, 31), "2099/00 Q3"),
])
def test_financial_quarters(day, label):
    assert rules.quarter_of(day).label == label


def test_quarter_bounds_and_parsing():
    q4 = rules.Quarter.parse("2024/25 Q4")
    assert (q4.start, q4.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert rules.Quarter.parse("2024-25 q1") == rules.Quarter(2024, 1) and q4.next() == rules.Quarter(2025, 1)
    with pytest.raises(ValueError, match="2024/25 Q3"):
        rules.Quarter.parse("Q5 2024")
    assert [q.label for q in rules.quarters_between(date(2024, 5, 1), date(2024, 12, 1))] == [
        "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"]


@pytest.mark.parametrize(("today", "status"), [
    (date(2025, 3, 2), "upcoming"),  # 29 days to go
    (date(2025, 3, 3), "remind"),    # 28 days to go: the reminder starts
    (date(2025, 3, 31), "remind"),   # due today
    (date(2025, 4, 1), "overdue"),
])
def test_deadline_reminders(today, status):
    assert rules.deadline_state(date(2025, 3, 31), 28, today).status == status


def test_a_done_deadline_is_done_however_late():
    assert rules.deadline_state(date(2025, 3, 31), 28, date(2025, 9, 1), done_on=date(2025, 5, 1)).status == "done"


def test_recurring_deadlines_come_round_again():
    assert rules.next_due(date(2025, 1, 31), "yearly", date(2025, 1, 20)) == date(2026, 1, 31)
    assert rules.next_due(date(2024, 11, 30), "quarterly", date(2024, 11, 29)) == date(2025, 2, 28)
    assert rules.next_due(date(2024, 2, 29), "yearly", date(2024, 2, 1)) == date(2025, 2, 28)
    assert rules.next_due(date(2023, 1, 31), "three_yearly", date(2023, 1, 31)) == date(2026, 1, 31)
    assert rules.next_due(date(2025, 1, 31), "once", date(2025, 1, 20)) is None
    assert rules.next_due(date(2025, 1, 31), "yearly", None) is None


def test_the_statutory_cycles():
    cycles = {d.key: d.recurrence for d in rules.STATUTORY_DEADLINES}
    assert cycles["strategic_assessment"] == "yearly" and cycles["sv_needs_assessment"] == "yearly"
    assert cycles["cdp_jna_addendum"] == "quarterly" and cycles["cdp_jna_review"] == "yearly"
    assert cycles["cdp_jna_rewrite"] == "three_yearly"


def test_an_attendee_token_is_stored_only_as_a_keyed_hash():
    digest = rules.attendee_token_digest("Robin 7", "secret")
    assert digest == rules.attendee_token_digest("ROBIN7", "secret") != rules.attendee_token_digest("robin7", "other")
    assert "robin" not in digest and len(digest) == 64
    for bad in ("abc", "x" * 21, "rob!n7", ""):
        with pytest.raises(ValueError, match="4 to 20 letters or digits"):
            rules.attendee_token_digest(bad, "secret")


def test_unique_and_repeat_attendees():
    assert rules.unique_and_repeat([{"a", "b", "c"}, {"a", "d"}, {"a", "b"}, set()]) == (4, 2)
    assert rules.unique_and_repeat([]) == (0, 0)


def test_counts_are_read_from_label_lines():
    assert rules.parse_counts("adults: 40\nyoung people = 12, adults: 3") == {"adults": 43, "young people": 12}
    with pytest.raises(ValueError, match="line 2"):
        rules.parse_counts("adults: 40\nlots of children")


def test_the_docstring_examples_hold():
    import doctest

    result = doctest.testmod(rules, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0
