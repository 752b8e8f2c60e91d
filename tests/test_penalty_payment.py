"""Fixed penalties: due 14 days after issue (2014 Act ss52(2), 68(2)), and if unpaid, prosecution
for the offence laid within six months of it (Magistrates' Courts Act 1980 s127). Boundaries by
hand: issued 1 March 2026 -> due 15 March (day 14 after), overdue on 16 March (day 15); offence
on 1 March 2026 -> prosecution by 1 September 2026, out of time on 2 September."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.casework import rules
from csphub.core import penalties


def state_on(today: date, status: str = penalties.UNPAID, settled_on: date | None = None) -> penalties.PenaltyState:
    return penalties.penalty_state(offence_on=date(2026, 3, 1), due_on=penalties.payment_due_on(date(2026, 3, 1)),
                                   status=status, settled_on=settled_on, today=today)


def test_due_on_day_14_overdue_on_day_15():
    assert penalties.payment_due_on(date(2026, 3, 1)) == date(2026, 3, 15)
    assert state_on(date(2026, 3, 15)).state == "awaiting_payment"
    assert state_on(date(2026, 3, 16)).state == "overdue"
    assert state_on(date(2026, 3, 16)).summary == "Unpaid since 15 March 2026: prosecution must be laid by 1 September 2026"


def test_prosecution_must_be_laid_within_six_months_to_the_day():
    assert penalties.prosecution_by(date(2026, 3, 1)) == date(2026, 9, 1)
    assert state_on(date(2026, 9, 1)).state == "overdue"
    assert state_on(date(2026, 9, 2)).state == "out_of_time"
    assert "ended on 1 September 2026" in state_on(date(2026, 9, 2)).summary


@pytest.mark.parametrize(("offence", "last_day"), [
    (date(2026, 8, 31), date(2027, 2, 28)), (date(2027, 8, 31), date(2028, 2, 29)), (date(2026, 12, 31), date(2027, 6, 30))])
def test_six_months_from_the_end_of_a_long_month_is_the_end_of_the_short_one(offence: date, last_day: date):
    assert penalties.prosecution_by(offence) == last_day


def test_paid_and_withdrawn_say_when_and_need_no_action():
    paid = state_on(date(2026, 4, 1), penalties.PAID, date(2026, 3, 10))
    assert (paid.state, paid.summary, paid.needs_action) == ("paid", "Paid on 10 March 2026", False)
    assert state_on(date(2026, 4, 1), penalties.WITHDRAWN, date(2026, 3, 20)).summary == "Withdrawn on 20 March 2026"
    assert state_on(date(2026, 4, 1)).needs_action


def test_the_time_to_pay_may_be_longer_than_the_law_never_shorter():
    assert penalties.payment_due_on(date(2026, 3, 1), 28) == date(2026, 3, 29)
    with pytest.raises(ValueError, match="at least 14 days"):
        penalties.payment_due_on(date(2026, 3, 1), 13)
    with pytest.raises(ValueError, match="at least 14 days"):
        rules.ToolsAndPowersConfig.from_mapping({"fixed_penalty_payment_days": 10})
    config = rules.ToolsAndPowersConfig.from_mapping({"fixed_penalty_payment_days": 21})
    assert rules.payment_due_on(rules.PSPO_FIXED_PENALTY, date(2026, 3, 1), config) == date(2026, 3, 22)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unpaid, paid, withdrawn"):
        state_on(date(2026, 3, 2), "part paid")


# ---- The 2014 Act rules a notice from a warning and a penalty meet ------------------------------

WARNING = rules.EarlierIntervention(1, rules.CPW, date(2026, 3, 1), "Loud music late at night", 7,
                                    comply_by=date(2026, 3, 15))


def notice(issued_on: date, **kwargs) -> rules.InterventionRequest:
    return rules.InterventionRequest(kind=rules.CPN, issued_on=issued_on, person_id=7, date_of_birth=date(1990, 1, 1),
                                     conduct="Loud music late at night", **kwargs)


def test_a_notice_waits_until_the_day_after_the_time_to_comply():
    refused = rules.check_intervention(notice(date(2026, 3, 15)), [WARNING])
    assert [r.rule for r in refused] == ["cpn_before_time_to_comply"]
    assert "gave until 15 March 2026 to comply" in refused[0].message and "from 16 March 2026" in refused[0].message
    assert rules.check_intervention(notice(date(2026, 3, 16)), [WARNING]) == []


def test_a_notice_needs_the_warning_to_the_same_person():
    other_person = rules.EarlierIntervention(1, rules.CPW, date(2026, 3, 1), "Loud music late at night", 8)
    assert [r.rule for r in rules.check_intervention(notice(date(2026, 4, 1)), [other_person])] == [
        "cpn_needs_prior_written_warning"]


def test_the_notice_follows_the_latest_warning_whose_time_has_passed():
    later = rules.EarlierIntervention(2, rules.CPW, date(2026, 3, 20), "Loud music late at night", 7,
                                      comply_by=date(2026, 4, 10))
    assert rules.warning_relied_on(notice(date(2026, 4, 1)), [WARNING, later]) == 1
    assert rules.warning_relied_on(notice(date(2026, 4, 11)), [WARNING, later]) == 2


def test_the_time_to_comply_cannot_end_before_the_warning():
    warning = rules.InterventionRequest(kind=rules.CPW, issued_on=date(2026, 3, 1), person_id=7,
                                        date_of_birth=date(1990, 1, 1), conduct="Loud music", comply_by=date(2026, 2, 28))
    assert [r.rule for r in rules.check_intervention(warning, [])] == ["comply_by_before_issue"]


def test_a_penalty_cannot_be_offered_once_the_offence_is_out_of_time():
    def penalty(offence_on: date) -> list[str]:
        request = rules.InterventionRequest(kind=rules.PSPO_FIXED_PENALTY, issued_on=date(2026, 9, 1), person_id=7,
                                            offence_on=offence_on)
        return [r.rule for r in rules.check_intervention(request, [])]

    assert penalty(date(2026, 3, 1)) == []                      # six months to the day: still in time
    assert penalty(date(2026, 2, 28)) == ["fixed_penalty_out_of_time"]
    assert penalty(date(2026, 9, 2)) == ["offence_after_penalty"]
