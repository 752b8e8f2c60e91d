"""A PSPO fixed penalty's due date, its state on a day and the prosecute-by date (no database):
the same rules as casework's penalties (csphub.core.penalties), at their boundaries."""

from __future__ import annotations

from datetime import date

from csphub.casework import rules as casework_rules
from csphub.core import penalties
from csphub.pspo import rules

OFFENCE = date(2026, 1, 15)


def state_on(today: date, *, paid_on: date | None = None, prosecution: str = "", offence_on: date = OFFENCE):
    due = casework_rules.payment_due_on(casework_rules.PSPO_FIXED_PENALTY, offence_on)
    assert due is not None
    return rules.penalty_state(offence_on=offence_on, due_on=due, paid_on=paid_on, prosecution=prosecution,
                               today=today)


def test_due_14_days_after_the_notice_or_the_days_the_partnership_set():
    assert casework_rules.payment_due_on(casework_rules.PSPO_FIXED_PENALTY, OFFENCE) == date(2026, 1, 29)
    config = casework_rules.ToolsAndPowersConfig(fixed_penalty_payment_days=28)
    assert casework_rules.payment_due_on(casework_rules.PSPO_FIXED_PENALTY, OFFENCE, config) == date(2026, 2, 12)


def test_unpaid_on_the_due_day_is_not_yet_due_and_the_day_after_is_one_day_overdue():
    on_due_day = state_on(date(2026, 1, 29))
    assert (on_due_day.state, on_due_day.days_overdue) == ("awaiting_payment", 0)
    day_after = state_on(date(2026, 1, 30))
    assert (day_after.state, day_after.days_overdue) == ("overdue", 1)
    assert rules.needs_prompt(day_after) and not rules.needs_prompt(on_due_day)


def test_prosecute_by_is_six_months_from_the_offence_and_the_day_after_is_out_of_time():
    last_day = state_on(date(2026, 7, 15))
    assert (last_day.state, last_day.prosecute_by) == ("overdue", date(2026, 7, 15))
    assert "lay the information by 15 July 2026" in rules.next_step(last_day)
    too_late = state_on(date(2026, 7, 16))
    assert too_late.state == "out_of_time" and not rules.needs_prompt(too_late)
    assert rules.next_step(too_late).startswith("None: the time to prosecute ended on 15 July 2026")


def test_prosecute_by_from_the_31st_ends_on_the_last_day_of_a_shorter_month():
    assert state_on(date(2026, 9, 20), offence_on=date(2026, 8, 31)).prosecute_by == date(2027, 2, 28)


def test_the_time_limit_in_force_on_the_offence_date_applies():
    table = (penalties.ProsecutionTimeLimit(date(1981, 7, 6), 6, "MCA 1980 s127"),
             penalties.ProsecutionTimeLimit(date(2027, 1, 1), 12, "a later Act"))
    assert penalties.prosecution_by(date(2026, 12, 31), table) == date(2027, 6, 30)
    assert penalties.prosecution_by(date(2027, 1, 1), table) == date(2028, 1, 1)
    assert penalties.prosecution_limit_on(date(2026, 1, 1)).source.startswith("Magistrates' Courts Act 1980 s127")


def test_paid_not_pursued_and_summonsed_are_not_prompted():
    paid = state_on(date(2026, 2, 10), paid_on=date(2026, 1, 20))
    assert (paid.state, paid.summary) == ("paid", "Paid on 20 January 2026")
    assert rules.next_step(paid) == ""
    assert state_on(date(2026, 2, 10), prosecution="withdrawn").state == "withdrawn"
    summonsed = state_on(date(2026, 2, 10), prosecution="summonsed")
    assert summonsed.state == "overdue" and not rules.needs_prompt(summonsed, "summonsed")
    assert rules.next_step(summonsed, "summonsed") == "Prosecution under way."
    considered = state_on(date(2026, 2, 10), prosecution="considered")
    assert rules.needs_prompt(considered, "considered")
