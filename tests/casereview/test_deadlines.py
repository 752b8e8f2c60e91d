"""ASB Case Review deadlines in working days, checked by hand against a calendar.

Bank holidays used below (England and Wales):
  Christmas 2025: Thu 25 Dec, Fri 26 Dec 2025 and Thu 1 Jan 2026.
  Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr; Early May bank holiday Mon 4 May 2026.
Day 1 is the first working day after the day the application was received.
"""

from __future__ import annotations

import doctest
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csphub.casereview import deadlines as deadlines_module
from csphub.casereview.deadlines import (
    CaseReviewTimetable,
    add_working_days,
    deadlines,
    is_working_day,
    overdue,
    working_days_between,
)
from csphub.errors import ConfigurationError


def test_docstring_examples_hold():
    assert doctest.testmod(deadlines_module).failed == 0


# --- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 24), True),  # Wednesday, Christmas Eve is not a bank holiday
        (date(2025, 12, 25), False),  # Thursday, Christmas Day
        (date(2025, 12, 26), False),  # Friday, Boxing Day
        (date(2025, 12, 27), False),  # Saturday
        (date(2025, 12, 28), False),  # Sunday
        (date(2025, 12, 29), True),  # Monday
        (date(2026, 1, 1), False),  # Thursday, New Year's Day
        (date(2026, 1, 2), True),  # Friday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),  # Tuesday after Easter
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected
    assert is_working_day(day, subdiv="WLS") is expected  # Wales has the same bank holidays


def test_five_working_days_from_monday_22_december_2025_is_wednesday_31_december():
    # Mon 22 Dec received. Tue 23 = 1, Wed 24 = 2, Thu 25 and Fri 26 are bank holidays,
    # Sat 27 and Sun 28 the weekend, Mon 29 = 3, Tue 30 = 4, Wed 31 Dec = 5.
    assert add_working_days(date(2025, 12, 22), 5) == date(2025, 12, 31)


def test_six_working_days_from_monday_22_december_2025_is_friday_2_january_2026():
    # Continuing: Thu 1 Jan 2026 is a bank holiday, Fri 2 Jan = 6.
    assert add_working_days(date(2025, 12, 22), 6) == date(2026, 1, 2)
    assert working_days_between(date(2025, 12, 22), date(2026, 1, 2)) == 6


def test_one_working_day_from_christmas_eve_2025_is_monday_29_december():
    # Wed 24 Dec: Thu 25, Fri 26 bank holidays, Sat 27, Sun 28 weekend; Mon 29 = 1.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)


def test_working_days_across_easter_2026():
    # Thu 2 Apr received. Fri 3 (Good Friday), Sat 4, Sun 5, Mon 6 (Easter Monday) skipped:
    # Tue 7 = 1, Wed 8 = 2, Thu 9 = 3, Fri 10 = 4, Mon 13 = 5.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 13)) == 5


def test_zero_working_days_is_the_start_day_itself():
    assert add_working_days(date(2025, 12, 25), 0) == date(2025, 12, 25)


def test_starting_on_a_bank_holiday_counts_from_the_next_working_day():
    # Good Friday 3 Apr 2026: next working day is Tue 7 Apr.
    assert add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 1, 5), -1)


def test_working_days_between_is_negative_when_end_is_earlier():
    assert working_days_between(date(2026, 1, 2), date(2025, 12, 22)) == -6


def test_working_days_between_counts_nothing_over_a_weekend_of_bank_holidays():
    # Thu 2 Apr to Mon 6 Apr 2026: Fri 3, Sat 4, Sun 5, Mon 6 - none are working days.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 6)) == 0


@pytest.mark.parametrize("subdiv", ["SCT", "NIR", "eng", ""])
def test_only_england_and_wales_bank_holidays_are_supported(subdiv):
    with pytest.raises(
        ConfigurationError, match=r"expected one of 'ENG' \(England\), 'WLS' \(Wales\)"
    ):
        is_working_day(date(2026, 1, 5), subdiv=subdiv)


# --- the case review timetable ----------------------------------------------------------------


def test_deadlines_over_christmas_and_new_year_2025():
    # Received Mon 22 Dec 2025. Working days: Tue 23 (1), Wed 24 (2), Mon 29 (3), Tue 30 (4),
    # Wed 31 (5) -> acknowledge by Wed 31 Dec. Thu 1 Jan is a bank holiday; Fri 2 (6), Mon 5 (7),
    # Tue 6 (8), Wed 7 (9), Thu 8 (10) -> decide by Thu 8 Jan 2026. Then Fri 9 (11),
    # Mon 12-Fri 16 (12-16), Mon 19-Fri 23 (17-21), Mon 26 (22), Tue 27 (23), Wed 28 (24),
    # Thu 29 (25) -> review by Thu 29 Jan 2026.
    assert deadlines(date(2025, 12, 22)) == {
        "acknowledge_by": date(2025, 12, 31),
        "decide_by": date(2026, 1, 8),
        "review_by": date(2026, 1, 29),
    }


def test_deadlines_over_easter_2026():
    # Received Wed 1 Apr 2026. Thu 2 (1); Good Friday, the weekend and Easter Monday skipped;
    # Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5) -> acknowledge by Fri 10 Apr.
    # Mon 13-Fri 17 (6-10) -> decide by Fri 17 Apr. Mon 20-Fri 24 (11-15), Mon 27-Fri 1 May
    # (16-20), Mon 4 May is the Early May bank holiday, Tue 5-Fri 8 (21-24), Mon 11 May (25)
    # -> review by Mon 11 May 2026.
    assert deadlines(date(2026, 4, 1)) == {
        "acknowledge_by": date(2026, 4, 10),
        "decide_by": date(2026, 4, 17),
        "review_by": date(2026, 5, 11),
    }


def test_deadlines_follow_the_partnerships_own_timetable():
    # Received Mon 5 Jan 2026 (no bank holidays): 3 working days is Thu 8 Jan, 5 is Mon 12 Jan,
    # 15 is Mon 26 Jan.
    timetable = CaseReviewTimetable.from_mapping(
        {"acknowledge_working_days": 3, "decide_working_days": 5, "review_working_days": 15}
    )
    assert deadlines(date(2026, 1, 5), timetable) == {
        "acknowledge_by": date(2026, 1, 8),
        "decide_by": date(2026, 1, 12),
        "review_by": date(2026, 1, 26),
    }


def test_welsh_deadlines_over_christmas_match_english_ones():
    assert deadlines(date(2025, 12, 22), subdiv="WLS") == deadlines(date(2025, 12, 22))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"acknowledge_days": 5}, "Unknown case review timetable setting 'acknowledge_days'"),
        ({"decide_working_days": "10"}, "'decide_working_days' is '10'; expected a whole number"),
        ({"review_working_days": 0}, "'review_working_days' is 0; expected a whole number"),
        ({"acknowledge_working_days": False}, "'acknowledge_working_days' is False"),
        ({"decide_working_days": 30}, "out of order"),
    ],
)
def test_timetable_from_mapping_names_the_bad_key(values, message):
    with pytest.raises(ConfigurationError, match=message):
        CaseReviewTimetable.from_mapping(values)


def test_timetable_from_mapping_takes_defaults():
    assert CaseReviewTimetable.from_mapping({}) == CaseReviewTimetable(5, 10, 25)


# --- overdue stages -----------------------------------------------------------------------------

CHRISTMAS = deadlines(date(2025, 12, 22))  # 31 Dec 2025, 8 Jan 2026, 29 Jan 2026


def test_nothing_is_overdue_on_the_deadline_day_itself():
    assert overdue(CHRISTMAS, {}, today=date(2025, 12, 31)) == []


def test_stage_is_overdue_the_day_after_its_deadline():
    assert overdue(CHRISTMAS, {}, today=date(2026, 1, 1)) == ["acknowledge_by"]


def test_done_stages_are_not_overdue():
    done = {"acknowledge_by": date(2025, 12, 30), "decide_by": None}
    assert overdue(CHRISTMAS, done, today=date(2026, 1, 9)) == ["decide_by"]


def test_all_stages_overdue_in_timetable_order():
    assert overdue(CHRISTMAS, {}, today=date(2026, 1, 30)) == [
        "acknowledge_by",
        "decide_by",
        "review_by",
    ]


def test_stage_done_late_is_not_overdue():
    done = {"acknowledge_by": date(2026, 1, 2)}  # two days late, but done
    assert overdue(CHRISTMAS, done, today=date(2026, 1, 5)) == []


# --- properties ---------------------------------------------------------------------------------

_starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
_counts = st.integers(min_value=0, max_value=60)
_nations = st.sampled_from(["ENG", "WLS"])


@given(_starts, st.integers(min_value=1, max_value=60), _nations)
def test_add_working_days_never_lands_on_a_weekend_or_bank_holiday(start, n, subdiv):
    due = add_working_days(start, n, subdiv)
    assert due.weekday() < 5
    assert is_working_day(due, subdiv)
    assert due > start


@given(_starts, _counts, _nations)
def test_working_days_between_undoes_add_working_days(start, n, subdiv):
    assert working_days_between(start, add_working_days(start, n, subdiv), subdiv) == n


@given(_starts, _counts)
def test_one_more_working_day_is_the_next_working_day(start, n):
    due = add_working_days(start, n)
    after = add_working_days(start, n + 1)
    between = (after - due).days
    assert all(not is_working_day(due + timedelta(days=i)) for i in range(1, between))
