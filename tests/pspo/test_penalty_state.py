"""A PSPO fixed penalty's due date, its state on a day and the prosecute-by date (no database):
the same rules as casework's penalties (csphub.core.penalties), at their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

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


# ---- Early payment: the lesser amount a notice offers, within the period it states -------------

def test_the_early_payment_period_runs_from_the_notice_and_ends_by_the_due_date():
    assert penalties.early_payment_by(OFFENCE) == date(2026, 1, 25)  # 10 days, as the due date counts
    assert penalties.early_payment_by(OFFENCE, 14) == penalties.payment_due_on(OFFENCE) == date(2026, 1, 29)
    assert penalties.early_payment_by(OFFENCE, 28, pay_within_days=28) == date(2026, 2, 12)
    for days in (0, 15):
        with pytest.raises(ValueError, match="1 to 14 days"):
            penalties.early_payment_by(OFFENCE, days)


def test_the_early_amount_settles_up_to_the_last_day_and_the_full_amount_on_any_day():
    def refusal(paid: int | None, on: date, early: int | None = 75) -> str | None:
        return penalties.paid_amount_refusal(paid_amount=paid, amount=100, early_amount=early, paid_on=on,
                                             early_by=date(2026, 1, 25) if early else None)

    assert refusal(75, date(2026, 1, 25)) is None
    assert refusal(75, date(2026, 1, 26)) == ("The early-payment amount (GBP 75) was payable up to 25 January 2026; "
                                              "paid on 26 January 2026, the full penalty (GBP 100) is due.")
    assert refusal(100, date(2026, 1, 26)) is None and refusal(100, date(2026, 1, 16)) is None
    assert refusal(50, date(2026, 1, 16)) == ("The amount paid is the full penalty (GBP 100) or the early-payment "
                                              "amount (GBP 75); GBP 50 was entered.")
    assert refusal(75, date(2026, 1, 16), early=None) == "The amount paid is the full penalty (GBP 100); GBP 75 was entered."


def test_casework_refuses_an_early_payment_period_longer_than_the_time_to_pay():
    config = casework_rules.ToolsAndPowersConfig.from_mapping({"fixed_penalty_early_payment_days": 14})
    assert config.fixed_penalty_early_payment_days == 14
    for bad in (15, 0):
        with pytest.raises(ValueError, match=f"fixed_penalty_early_payment_days is {bad}; expected 1 to"):
            casework_rules.ToolsAndPowersConfig.from_mapping({"fixed_penalty_early_payment_days": bad})
