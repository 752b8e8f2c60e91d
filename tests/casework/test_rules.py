"""Tools-and-powers rules, risk scoring, repeat flags and retention: pure functions, no database.

Each case is one a community safety officer could check with the Act and a calendar.
"""

from __future__ import annotations

from datetime import date

import pytest

from csphub.casework import rules
from csphub.casework.rules import (
    ABC,
    CBO,
    CIVIL_INJUNCTION,
    CLOSURE_NOTICE,
    CLOSURE_ORDER,
    CPN,
    CPN_FIXED_PENALTY,
    CPW,
    PSPO_FIXED_PENALTY,
    S59_WARNING,
    EarlierIntervention,
    InterventionRequest,
)

ADULT = date(1990, 5, 1)
PERSON = 7


def request(kind: str, **kw) -> InterventionRequest:
    defaults = dict(kind=kind, issued_on=date(2026, 6, 1), conduct="Playing loud music at night",
                    person_id=PERSON, date_of_birth=ADULT)
    defaults.update(kw)
    return InterventionRequest(**defaults)


def warning(**kw) -> EarlierIntervention:
    defaults = dict(id=1, kind=CPW, issued_on=date(2026, 5, 1), conduct="Playing loud music at night",
                    person_id=PERSON, written=True)
    defaults.update(kw)
    return EarlierIntervention(**defaults)


def rules_broken(req: InterventionRequest, earlier=()) -> list[str]:
    return [r.rule for r in rules.check_intervention(req, list(earlier))]


def test_a_cpn_after_a_written_warning_for_the_same_conduct_is_allowed():
    assert rules_broken(request(CPN), [warning()]) == []


def test_same_conduct_ignores_case_spacing_and_punctuation():
    assert rules_broken(request(CPN, conduct="playing LOUD music, at night."), [warning()]) == []


@pytest.mark.parametrize("earlier, why", [
    ([], "no warning at all"),
    ([warning(written=False)], "the warning was verbal"),
    ([warning(person_id=8)], "the warning went to someone else"),
    ([warning(conduct="Fly-tipping behind the shops")], "the warning was about other conduct"),
    ([warning(issued_on=date(2026, 6, 1))], "the warning was the same day, not earlier"),
    ([warning(kind=ABC)], "an ABC is not a warning"),
])
def test_a_cpn_needs_an_earlier_written_warning_to_the_same_person_for_the_same_conduct(earlier, why):
    refusals = rules.check_intervention(request(CPN), earlier)
    assert [r.rule for r in refusals] == ["cpn_needs_prior_written_warning"], why
    assert "s43(5)" in refusals[0].message


def test_the_refusal_lists_the_warnings_on_record_so_the_officer_sees_why():
    refusals = rules.check_intervention(request(CPN), [warning(conduct="Fly-tipping")])
    assert "01 May 2026 written about 'Fly-tipping'" in refusals[0].message


@pytest.mark.parametrize("kind", [CPW, CPN, CPN_FIXED_PENALTY])
def test_community_protection_powers_need_the_person_to_be_16_or_over(kind):
    # Born 2 June 2010: 15 on 1 June 2026, 16 the next day.
    fifteen = request(kind, date_of_birth=date(2010, 6, 2))
    earlier = [warning(), EarlierIntervention(id=2, kind=CPN, issued_on=date(2026, 5, 20), person_id=PERSON,
                                              conduct="Playing loud music at night")]
    assert "community_protection_min_age" in rules_broken(fifteen, earlier)
    sixteen = request(kind, date_of_birth=date(2010, 6, 2), issued_on=date(2026, 6, 2))
    assert "community_protection_min_age" not in rules_broken(sixteen, earlier)


def test_an_unknown_date_of_birth_is_refused_for_age_limited_powers():
    refusals = rules.check_intervention(request(CPW, date_of_birth=None), [])
    assert refusals[0].rule == "community_protection_min_age" and "date of birth" in refusals[0].message


def test_a_fixed_penalty_needs_a_cpn_first_and_the_partnership_amount():
    assert rules_broken(request(CPN_FIXED_PENALTY), [warning()]) == ["fixed_penalty_needs_cpn"]
    cpn = EarlierIntervention(id=2, kind=CPN, issued_on=date(2026, 5, 20), person_id=PERSON)
    assert rules_broken(request(CPN_FIXED_PENALTY), [cpn]) == []
    assert rules_broken(request(CPN_FIXED_PENALTY, amount=150), [cpn]) == ["fixed_penalty_amount"]
    config = rules.ToolsAndPowersConfig(cpn_fixed_penalty_amount=75)
    assert rules.check_intervention(request(CPN_FIXED_PENALTY, amount=75), [cpn], config) == []
    assert rules.default_amount(CPN_FIXED_PENALTY, config) == 75


def test_fixed_penalty_amounts_over_the_statutory_100_pounds_are_refused_as_configuration():
    with pytest.raises(ValueError, match="may not exceed GBP 100"):
        rules.ToolsAndPowersConfig.from_mapping({"pspo_fixed_penalty_amount": 150})
    with pytest.raises(ValueError, match="Unknown tools-and-powers setting"):
        rules.ToolsAndPowersConfig.from_mapping({"cpn_amount": 50})


def test_a_pspo_fixed_penalty_needs_no_earlier_intervention():
    assert rules_broken(request(PSPO_FIXED_PENALTY)) == []


def test_civil_injunction_and_cbo_need_age_10():
    nine = request(CIVIL_INJUNCTION, date_of_birth=date(2016, 6, 2))
    assert rules_broken(nine) == ["civil_injunction_min_age"]
    assert rules_broken(request(CBO, date_of_birth=date(2016, 1, 1))) == []  # 10 on 1 June 2026


def test_an_abc_has_no_age_limit_but_needs_a_person():
    assert rules_broken(request(ABC, date_of_birth=date(2014, 1, 1))) == []
    assert rules_broken(request(ABC, person_id=None)) == ["needs_person"]


def test_a_s59_warning_is_valid_for_12_months():
    issued = date(2026, 3, 15)
    expires = rules.default_expiry(S59_WARNING, issued)
    assert expires == date(2027, 3, 15)
    assert rules.is_in_force(S59_WARNING, issued, expires, date(2027, 3, 15))
    assert not rules.is_in_force(S59_WARNING, issued, expires, date(2027, 3, 16))


def test_closure_notice_needs_premises_and_lasts_at_most_48_hours():
    notice = request(CLOSURE_NOTICE, person_id=None, premises="Flat 3, 12 Mill Road")
    assert rules_broken(notice) == []
    assert rules_broken(request(CLOSURE_NOTICE, person_id=None)) == ["closure_needs_premises"]
    assert rules_broken(request(CLOSURE_NOTICE, person_id=None, premises="Flat 3",
                                expires_on=date(2026, 6, 4))) == ["closure_notice_too_long"]


def test_closure_order_follows_a_notice_on_the_same_premises_and_lasts_up_to_3_months():
    order = request(CLOSURE_ORDER, person_id=None, premises="Flat 3, 12 Mill Road", expires_on=date(2026, 9, 1))
    assert rules_broken(order) == ["closure_order_needs_notice"]
    notice = EarlierIntervention(id=3, kind=CLOSURE_NOTICE, issued_on=date(2026, 5, 30), premises="flat 3 12 mill road")
    assert rules_broken(order, [notice]) == []
    too_long = request(CLOSURE_ORDER, person_id=None, premises="Flat 3, 12 Mill Road", expires_on=date(2026, 9, 2))
    assert rules_broken(too_long, [notice]) == ["closure_order_too_long"]


def test_ages_and_months_on_calendar_edges():
    assert rules.age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert rules.age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2026, 3, 31), -12) == date(2025, 3, 31)


# ---- risk ------------------------------------------------------------------------------

def test_risk_scores_add_the_weights_of_yes_answers():
    # repeat 4 + targeted 3 + fear 4 = 11 -> medium
    result = rules.score_risk({"repeat": True, "targeted": True, "fear": True, "children": False})
    assert (result.score, result.level) == (11, "medium")
    assert len(result.reasons) == 3


def test_risk_levels_at_their_boundaries():
    assert rules.score_risk({"repeat": True, "targeted": True, "isolated": False}).level == "standard"  # 7
    assert rules.score_risk({"hate": True, "violence": True}).level == "medium"  # 10
    high = {"hate": True, "violence": True, "fear": True, "repeat": True, "moving": True}  # 5+5+4+4+2 = 20
    assert rules.score_risk(high) == rules.RiskResult(20, "high", rules.score_risk(high).reasons)
    assert rules.score_risk({k: False for k in ("hate", "violence")}).score == 0


def test_a_self_harm_answer_makes_any_score_high():
    assert rules.score_risk({"self_harm": True}).level == "high"


def test_unknown_risk_questions_are_refused():
    with pytest.raises(ValueError, match="Unknown risk question"):
        rules.score_risk({"repeated": True})


# ---- repeat flags ---------------------------------------------------------------------

def test_three_incidents_within_a_year_make_a_repeat():
    dates = [date(2025, 12, 1), date(2026, 3, 1), date(2026, 11, 30)]
    assert rules.is_repeat(dates, date(2026, 11, 30))  # window 1 Dec 2025 .. 30 Nov 2026
    assert not rules.is_repeat(dates, date(2026, 12, 1))  # 1 Dec 2025 has left the window
    assert not rules.is_repeat(dates[:2], date(2026, 3, 1))


def test_the_repeat_window_and_threshold_are_configurable():
    dates = [date(2026, 1, 1), date(2026, 1, 20)]
    assert rules.is_repeat(dates, date(2026, 1, 31), rules.RepeatRule(threshold=2, window_days=31))
    assert not rules.is_repeat(dates, date(2026, 2, 1), rules.RepeatRule(threshold=2, window_days=31))


# ---- retention -------------------------------------------------------------------------

def test_retention_is_due_years_after_closing_and_never_for_open_cases():
    assert rules.retention_due(date(2020, 3, 31), date(2026, 3, 31), 6)
    assert not rules.retention_due(date(2020, 4, 1), date(2026, 3, 31), 6)
    assert not rules.retention_due(None, date(2099, 1, 1), 1)
