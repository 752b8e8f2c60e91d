"""ASB Case Review threshold: each case can be checked by hand with a 2026 calendar.

Boundaries are inclusive: a complaint reported exactly one month after the behaviour counts,
and a complaint reported exactly six months after the first is still in the window.
"""

from __future__ import annotations

import doctest
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csphub.casereview import rules
from csphub.casereview.rules import (
    Complaint,
    ThresholdRule,
    add_months,
    case_review_threshold_met,
    victims_to_notify,
)
from csphub.errors import ConfigurationError


def complaint(
    reported: date,
    behaviour: date | None = None,
    agency: str = "police",
    *,
    hate: bool = False,
    ref: str = "",
) -> Complaint:
    """A complaint reported the day after the behaviour unless told otherwise."""
    return Complaint(
        reported_on=reported,
        behaviour_on=behaviour or reported - timedelta(days=1),
        agency=agency,
        is_hate=hate,
        reference=ref,
    )


def test_docstring_examples_hold():
    assert doctest.testmod(rules).failed == 0


# --- add_months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # February 2026 has 28 days
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 1, 5), 6, date(2026, 7, 5)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across the year end, then clamped
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
    ],
)
def test_add_months_is_calendar_months_clamped_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


# --- the default threshold: 3 complaints in 6 months ----------------------------------------


def test_three_complaints_to_three_agencies_within_six_months_meet_the_threshold():
    complaints = [
        complaint(date(2026, 1, 5), agency="police"),
        complaint(date(2026, 3, 10), agency="council"),
        complaint(date(2026, 5, 30), agency="housing provider"),
    ]
    decision = case_review_threshold_met(complaints)
    assert decision.met
    assert not decision.hate_variant
    assert decision.qualifying == tuple(complaints)
    assert decision.excluded == ()
    assert decision.reason == (
        "Threshold met: 3 qualifying complaints between 2026-01-05 and 2026-05-30, within 6 months."
    )


def test_two_complaints_do_not_meet_the_threshold():
    complaints = [complaint(date(2026, 1, 5)), complaint(date(2026, 2, 9))]
    decision = case_review_threshold_met(complaints)
    assert not decision.met
    assert decision.qualifying == tuple(complaints)  # the best run found
    assert decision.reason == (
        "Threshold not met: at most 2 qualifying complaints in any 6-month window; 3 needed."
    )


def test_no_complaints_do_not_meet_the_threshold():
    decision = case_review_threshold_met([])
    assert not decision.met
    assert decision.qualifying == ()
    assert decision.reason == "Threshold not met: no qualifying complaints; 3 needed."


def test_order_of_complaints_does_not_matter():
    complaints = [
        complaint(date(2026, 5, 30)),
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 3, 10)),
    ]
    decision = case_review_threshold_met(complaints)
    assert decision.met
    assert [c.reported_on for c in decision.qualifying] == [
        date(2026, 1, 5),
        date(2026, 3, 10),
        date(2026, 5, 30),
    ]


# --- reported within one month of the behaviour ---------------------------------------------


def test_complaint_reported_more_than_a_month_after_the_behaviour_is_excluded_with_its_reason():
    late = complaint(date(2026, 3, 20), behaviour=date(2026, 2, 1), ref="C-2")
    complaints = [complaint(date(2026, 1, 5)), late, complaint(date(2026, 4, 14))]
    decision = case_review_threshold_met(complaints)
    assert not decision.met
    assert decision.excluded == (
        (late, "reported 2026-03-20, more than 1 month after the behaviour on 2026-02-01"),
    )
    assert late not in decision.qualifying
    assert len(decision.qualifying) == 2


def test_complaint_reported_exactly_one_month_after_the_behaviour_counts():
    # Behaviour on 1 Feb 2026; 1 month later is 1 Mar 2026: inclusive, so it counts.
    on_the_day = complaint(date(2026, 3, 1), behaviour=date(2026, 2, 1))
    decision = case_review_threshold_met(
        [complaint(date(2026, 1, 5)), on_the_day, complaint(date(2026, 4, 1))]
    )
    assert decision.met
    assert on_the_day in decision.qualifying


def test_complaint_reported_one_month_and_a_day_after_the_behaviour_does_not_count():
    day_late = complaint(date(2026, 3, 2), behaviour=date(2026, 2, 1))
    decision = case_review_threshold_met(
        [complaint(date(2026, 1, 5)), day_late, complaint(date(2026, 4, 1))]
    )
    assert not decision.met
    assert decision.excluded[0][0] == day_late


def test_one_month_after_31_january_is_28_february():
    # Behaviour 31 Jan 2026: 28 Feb 2026 is within one month, 1 Mar 2026 is not.
    in_time = complaint(date(2026, 2, 28), behaviour=date(2026, 1, 31))
    too_late = complaint(date(2026, 3, 1), behaviour=date(2026, 1, 31))
    decision = case_review_threshold_met([in_time, too_late])
    assert decision.qualifying == (in_time,)
    assert decision.excluded == (
        (too_late, "reported 2026-03-01, more than 1 month after the behaviour on 2026-01-31"),
    )


def test_complaint_reported_before_its_behaviour_is_excluded_as_a_date_error():
    wrong = complaint(date(2026, 1, 1), behaviour=date(2026, 1, 5))
    decision = case_review_threshold_met([wrong])
    assert decision.excluded == (
        (
            wrong,
            "reported 2026-01-01, before the behaviour it reports on 2026-01-05; check the dates",
        ),
    )


def test_complaints_after_the_decision_date_do_not_count():
    complaints = [
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 2, 9)),
        complaint(date(2026, 3, 2)),
    ]
    assert case_review_threshold_met(complaints, as_of=date(2026, 3, 2)).met
    decision = case_review_threshold_met(complaints, as_of=date(2026, 3, 1))
    assert not decision.met
    assert decision.excluded == (
        (complaints[2], "reported 2026-03-02, after the date of this decision (2026-03-01)"),
    )


# --- the six-month window ---------------------------------------------------------------------


def test_third_complaint_exactly_six_months_after_the_first_is_inside_the_window():
    # 5 Jan 2026 + 6 months = 5 Jul 2026: inclusive, so the threshold is met on 5 Jul.
    complaints = [
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 3, 1)),
        complaint(date(2026, 7, 5)),
    ]
    decision = case_review_threshold_met(complaints)
    assert decision.met
    assert decision.reason == (
        "Threshold met: 3 qualifying complaints between 2026-01-05 and 2026-07-05, within 6 months."
    )


def test_third_complaint_six_months_and_a_day_after_the_first_is_outside_the_window():
    complaints = [
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 3, 1)),
        complaint(date(2026, 7, 6)),
    ]
    assert not case_review_threshold_met(complaints).met


def test_complaints_spread_over_more_than_six_months_do_not_meet_the_threshold():
    # 5 Jan -> 10 Jul is more than 6 months; 1 Mar -> 10 Jul holds only two.
    complaints = [
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 3, 1)),
        complaint(date(2026, 7, 10)),
    ]
    decision = case_review_threshold_met(complaints)
    assert not decision.met
    assert len(decision.qualifying) == 2


def test_three_complaints_in_a_later_window_meet_the_threshold():
    # A 1 Sep complaint: the window 1 Mar .. 1 Sep 2026 now holds 1 Mar, 10 Jul and 1 Sep.
    complaints = [
        complaint(date(2026, 1, 5)),
        complaint(date(2026, 3, 1)),
        complaint(date(2026, 7, 10)),
        complaint(date(2026, 9, 1)),
    ]
    decision = case_review_threshold_met(complaints)
    assert decision.met
    assert [c.reported_on for c in decision.qualifying] == [
        date(2026, 3, 1),
        date(2026, 7, 10),
        date(2026, 9, 1),
    ]
    assert decision.reason == (
        "Threshold met: 3 qualifying complaints between 2026-03-01 and 2026-09-01, within 6 months."
    )


def test_earliest_window_is_chosen_when_several_meet_the_threshold():
    complaints = [complaint(date(2026, 1, d)) for d in (5, 12, 19, 26)]
    decision = case_review_threshold_met(complaints)
    assert [c.reported_on.day for c in decision.qualifying] == [5, 12, 19]


def test_partnership_may_set_its_own_threshold():
    rule = ThresholdRule(complaints_required=2, window_months=3)
    # 5 Jan + 3 months = 5 Apr 2026.
    assert case_review_threshold_met(
        [complaint(date(2026, 1, 5)), complaint(date(2026, 4, 5))], rule
    ).met
    assert not case_review_threshold_met(
        [complaint(date(2026, 1, 5)), complaint(date(2026, 4, 6))], rule
    ).met


# --- the lower threshold for hate incidents ---------------------------------------------------


def test_one_hate_complaint_meets_the_hate_threshold():
    hate = complaint(date(2026, 2, 9), hate=True)
    decision = case_review_threshold_met([hate], ThresholdRule(hate_complaints_required=1))
    assert decision.met
    assert decision.hate_variant
    assert decision.qualifying == (hate,)
    assert decision.reason == (
        "Threshold met (hate incident): 1 qualifying hate complaint on 2026-02-09; "
        "the partnership's threshold for hate incidents is 1."
    )


def test_one_hate_complaint_does_not_meet_a_rule_without_a_hate_variant():
    decision = case_review_threshold_met([complaint(date(2026, 2, 9), hate=True)], ThresholdRule())
    assert not decision.met
    assert not decision.hate_variant
    assert decision.reason == (
        "Threshold not met: at most 1 qualifying complaint in any 6-month window; 3 needed."
    )


def test_late_hate_complaint_does_not_meet_the_hate_threshold():
    late = complaint(date(2026, 3, 20), behaviour=date(2026, 2, 1), hate=True)
    decision = case_review_threshold_met([late], ThresholdRule(hate_complaints_required=1))
    assert not decision.met
    assert decision.reason == (
        "Threshold not met: no qualifying complaints; 3 needed, "
        "or 1 about hate incidents (none found)."
    )


def test_general_threshold_met_first_is_reported_as_the_general_threshold():
    # Three ordinary complaints in January, then a hate complaint in March.
    complaints = [complaint(date(2026, 1, d)) for d in (5, 12, 19)] + [
        complaint(date(2026, 3, 2), hate=True)
    ]
    decision = case_review_threshold_met(complaints, ThresholdRule(hate_complaints_required=1))
    assert decision.met
    assert not decision.hate_variant
    assert decision.qualifying[-1].reported_on == date(2026, 1, 19)


def test_hate_threshold_of_two_needs_two_hate_complaints_in_the_window():
    rule = ThresholdRule(hate_complaints_required=2)
    complaints = [complaint(date(2026, 1, 5), hate=True), complaint(date(2026, 2, 9))]
    assert case_review_threshold_met(complaints, rule).reason == (
        "Threshold not met: at most 2 qualifying complaints in any 6-month window; 3 needed, "
        "or 2 about hate incidents (at most 1 in any window)."
    )
    # 5 Jan + 6 months = 5 Jul 2026, so a hate complaint on 1 Jun is in the window.
    two_hate = [complaint(date(2026, 1, 5), hate=True), complaint(date(2026, 6, 1), hate=True)]
    decision = case_review_threshold_met(two_hate, rule)
    assert decision.met and decision.hate_variant
    assert [c.reported_on for c in decision.qualifying] == [date(2026, 1, 5), date(2026, 6, 1)]


def test_when_both_thresholds_are_met_on_the_same_day_the_general_one_is_reported():
    rule = ThresholdRule(hate_complaints_required=2)
    complaints = [
        complaint(date(2026, 1, 5), hate=True),
        complaint(date(2026, 2, 9)),
        complaint(date(2026, 6, 1), hate=True),
    ]
    decision = case_review_threshold_met(complaints, rule)
    assert decision.met and not decision.hate_variant
    assert decision.qualifying == tuple(complaints)


# --- telling victims about their right to a review --------------------------------------------


def test_victims_to_notify_lists_only_those_whose_own_complaints_meet_the_threshold():
    three = [complaint(date(2026, 1, 5)), complaint(date(2026, 2, 9)), complaint(date(2026, 3, 2))]
    by_person = {
        "V-003": three,
        "V-001": three[:2],  # only two complaints
        "V-002": [complaint(date(2026, 2, 9), hate=True)],
        "V-004": [],
    }
    assert victims_to_notify(by_person, ThresholdRule()) == ["V-003"]
    assert victims_to_notify(by_person, ThresholdRule(hate_complaints_required=1)) == [
        "V-002",
        "V-003",
    ]


def test_victims_to_notify_respects_the_decision_date():
    three = [complaint(date(2026, 1, 5)), complaint(date(2026, 2, 9)), complaint(date(2026, 3, 2))]
    assert victims_to_notify({"V-1": three}, ThresholdRule(), as_of=date(2026, 3, 1)) == []


# --- settings -----------------------------------------------------------------------------------


def test_from_mapping_takes_statutory_defaults_for_missing_keys():
    assert ThresholdRule.from_mapping({}) == ThresholdRule(3, 6, 1, None)
    assert ThresholdRule.from_mapping({"hate_complaints_required": 1}).hate_complaints_required == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"complaints": 3}, "Unknown case review setting 'complaints'; expected one of"),
        ({"complaints_required": "3"}, "'complaints_required' is '3'; expected a whole number"),
        ({"window_months": 0}, "'window_months' is 0; expected a whole number of at least 1"),
        ({"report_within_months": True}, "'report_within_months' is True; expected a whole number"),
        ({"window_months": 6.5}, "'window_months' is 6.5"),
        (
            {"hate_complaints_required": 0},
            "'hate_complaints_required' is 0; expected a whole number of at least 1 or None",
        ),
        (
            {"hate_complaints_required": 4},
            "'hate_complaints_required' is 4; expected at most complaints_required (3)",
        ),
    ],
)
def test_from_mapping_names_the_bad_key_and_what_was_expected(values, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ThresholdRule.from_mapping(values)


def test_from_mapping_refuses_something_that_is_not_a_mapping():
    with pytest.raises(ConfigurationError, match="must be a mapping"):
        ThresholdRule.from_mapping([("complaints_required", 3)])  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------------

_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
_complaints = st.lists(
    st.builds(
        lambda reported, lag, hate: complaint(reported, reported - timedelta(days=lag), hate=hate),
        _days,
        st.integers(min_value=-3, max_value=45),
        st.booleans(),
    ),
    max_size=8,
)
_rules = st.builds(
    ThresholdRule,
    complaints_required=st.integers(min_value=1, max_value=4),
    window_months=st.integers(min_value=1, max_value=12),
    hate_complaints_required=st.none() | st.just(1),
)


@given(_complaints, _rules, st.randoms(use_true_random=False))
def test_decision_does_not_depend_on_the_order_of_complaints(complaints, rule, rnd: random.Random):
    shuffled = list(complaints)
    rnd.shuffle(shuffled)
    assert case_review_threshold_met(shuffled, rule) == case_review_threshold_met(complaints, rule)


@given(_complaints, _complaints, _rules)
def test_another_complaint_never_undoes_a_met_threshold(complaints, more, rule):
    if case_review_threshold_met(complaints, rule).met:
        assert case_review_threshold_met(complaints + more, rule).met


@given(_complaints, _rules)
def test_every_complaint_is_either_counted_or_excluded_with_a_reason(complaints, rule):
    decision = case_review_threshold_met(complaints, rule)
    assert all(reason for _, reason in decision.excluded)
    excluded = [c for c, _ in decision.excluded]
    assert all(c not in excluded for c in decision.qualifying)
    if decision.met:
        first, last = decision.qualifying[0].reported_on, decision.qualifying[-1].reported_on
        assert last <= add_months(first, rule.window_months)
