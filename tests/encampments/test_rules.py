"""Encampment rules at their boundaries: which powers apply, return periods either side of the
PCSC Act 2022, the working-day timetable across bank holidays, repeat sites, the figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from csphub.encampments import rules
from csphub.encampments.rules import (
    COUNCIL,
    HIGHWAY,
    PRIVATE,
    EncampmentFacts,
    IncursionFigure,
    Procedure,
    no_return_until,
    powers_available,
    return_period_months,
    timetable,
)
from csphub.errors import ConfigurationError

DAY = date(2025, 7, 1)  # a Tuesday, after the PCSC Act 2022


def applies(facts: EncampmentFacts) -> dict[str, bool]:
    return {c.power: c.applies for c in powers_available(facts)}


def facts(**kwargs) -> EncampmentFacts:
    base = {"on": DAY, "land_owner": COUNCIL, "vehicles": 4, "persons": 9}
    return EncampmentFacts(**{**base, **kwargs})


# ---- s77 / s78 -------------------------------------------------------------------------------

def test_s77_applies_on_council_highway_and_unoccupied_land_with_a_vehicle():
    assert applies(facts())["s77"]
    assert applies(facts(land_owner=HIGHWAY))["s77"]
    assert applies(facts(land_occupied=False))["s77"]


def test_s77_needs_a_vehicle_and_no_consent():
    assert not applies(facts(vehicles=0))["s77"]
    assert applies(facts(vehicles=1))["s77"]
    refused = next(c for c in powers_available(facts(occupier_consented=True)) if c.power == "s77")
    assert not refused.applies and "consented" in refused.reasons[0]
    # On a highway consent of an occupier does not arise: s77 still reaches it.
    assert applies(facts(land_owner=HIGHWAY, occupier_consented=True))["s77"]


def test_s78_needs_a_s77_direction_given_on_an_earlier_day():
    assert not applies(facts())["s78"]
    assert not applies(facts(s77_direction_on=DAY))["s78"]  # the same day: not yet failed to leave
    assert applies(facts(s77_direction_on=date(2025, 6, 30)))["s78"]


# ---- s61 -------------------------------------------------------------------------------------

def s61(**kwargs) -> bool:
    return applies(facts(asked_to_leave=True, **kwargs))["s61"]


def test_s61_six_vehicles_or_damage_disruption_distress():
    assert not s61(vehicles=5)
    assert s61(vehicles=6)
    assert s61(vehicles=1, damage_disruption_distress=True)


def test_s61_needs_two_persons_and_the_occupier_to_ask_them_to_leave():
    assert not s61(vehicles=6, persons=1)
    assert s61(vehicles=6, persons=2)
    assert not applies(facts(vehicles=6, asked_to_leave=False))["s61"]


def test_s61_reaches_the_highway_only_from_28_june_2022():
    assert not s61(vehicles=6, land_owner=HIGHWAY, on=date(2022, 6, 27))
    assert s61(vehicles=6, land_owner=HIGHWAY, on=date(2022, 6, 28))
    assert s61(vehicles=6, land_owner=PRIVATE, on=date(2022, 6, 27))


def test_s60c_from_28_june_2022_with_significant_harm():
    base = {"asked_to_leave": True, "significant_harm": True}
    assert not applies(facts(on=date(2022, 6, 27), **base))["s60c"]
    assert applies(facts(on=date(2022, 6, 28), **base))["s60c"]
    assert not applies(facts(asked_to_leave=True, damage_disruption_distress=True))["s60c"]  # not "significant"


def test_s62a_needs_a_suitable_pitch():
    assert not applies(facts(asked_to_leave=True))["s62a"]
    assert applies(facts(asked_to_leave=True, suitable_pitch_available=True))["s62a"]


def test_civil_possession_is_for_council_land_and_an_ipo_within_28_days():
    assert applies(facts())["cpr55"] and not applies(facts(land_owner=PRIVATE))["cpr55"]
    learned = date(2025, 6, 3)
    assert applies(facts(council_learned_on=learned))["ipo"]  # 28 days later: still in time
    assert not applies(facts(council_learned_on=date(2025, 6, 2)))["ipo"]  # 29 days


def test_an_unknown_land_owner_is_an_error():
    with pytest.raises(ValueError, match="Unknown land owner 'farm'"):
        powers_available(facts(land_owner="farm"))


# ---- Return periods ------------------------------------------------------------------------

def test_return_periods_change_on_28_june_2022():
    assert return_period_months("s61", date(2022, 6, 27)) == 3
    assert return_period_months("s61", date(2022, 6, 28)) == 12
    assert return_period_months("s62a", date(2022, 6, 27)) == 3
    assert return_period_months("s62a", date(2022, 6, 28)) == 12
    assert return_period_months("s77", date(2025, 1, 1)) == 3
    assert return_period_months("s60c", date(2022, 6, 27)) is None  # not yet an offence
    assert return_period_months("s78", date(2025, 1, 1)) is None


def test_no_return_until_is_the_last_day_of_the_period():
    assert no_return_until("s61", date(2025, 3, 1)) == date(2026, 2, 28)
    assert no_return_until("s77", date(2025, 11, 30)) == date(2026, 2, 27)  # 28 Feb - 1 day
    assert no_return_until("s78", date(2025, 1, 1)) is None


# ---- The working-day clock -----------------------------------------------------------------

def statuses(steps) -> dict[str, tuple[str, str]]:
    return {s.step: (s.due_on.isoformat(), s.status) for s in steps}


def test_day_1_2_3_over_easter_2026():
    # Arrived Thursday 2 April 2026: Good Friday (3rd) and Easter Monday (6th) are not working days.
    steps = timetable(date(2026, 4, 2), {}, today=date(2026, 4, 2))
    assert statuses(steps) == {"welfare_check": ("2026-04-07", "due"), "s77": ("2026-04-07", "due"),
                               "s78": ("2026-04-08", "due"), "left": ("2026-04-09", "due")}


def test_overdue_from_the_day_after_it_was_due():
    done = {"welfare_check": date(2026, 4, 7)}
    assert statuses(timetable(date(2026, 4, 2), done, today=date(2026, 4, 7)))["s77"] == ("2026-04-07", "due today")
    late = statuses(timetable(date(2026, 4, 2), done, today=date(2026, 4, 8)))
    assert late["s77"] == ("2026-04-07", "overdue") and late["welfare_check"][1] == "done"


def test_christmas_and_boxing_day_and_a_weekend():
    # Arrived Tuesday 23 Dec 2025: 24th (day 1), 29th (day 2), 30th (day 3).
    due = {s.step: s.due_on for s in timetable(date(2025, 12, 23), {}, today=date(2025, 12, 23))}
    assert due == {"welfare_check": date(2025, 12, 24), "s77": date(2025, 12, 24), "s78": date(2025, 12, 29),
                   "left": date(2025, 12, 30)}


def test_done_late_and_the_working_days_taken():
    steps = timetable(date(2026, 4, 2), {"s77": date(2026, 4, 8)}, today=date(2026, 4, 9))
    s77 = next(s for s in steps if s.step == "s77")
    assert s77.status == "done late" and s77.working_days_taken == 2


def test_the_clock_counts_england_or_wales_and_refuses_another_region():
    assert statuses(timetable(date(2026, 4, 2), {}, today=date(2026, 4, 2), subdiv="WLS"))["s77"][0] == "2026-04-07"
    with pytest.raises(ConfigurationError, match="'SCT' is not supported"):
        timetable(date(2026, 4, 2), {}, today=date(2026, 4, 2), subdiv="SCT")


def test_a_council_chooses_its_procedure_and_bad_settings_fail_fast():
    slow = Procedure.from_mapping({"s78_complaint_working_days": 5, "removal_working_days": 10})
    due = {s.step: s.due_on for s in timetable(date(2026, 1, 5), {}, today=date(2026, 1, 5), procedure=slow)}
    assert due["s78"] == date(2026, 1, 12) and due["left"] == date(2026, 1, 19)
    with pytest.raises(ConfigurationError, match="Unknown encampment procedure setting 's77_days'"):
        Procedure.from_mapping({"s77_days": 1})
    with pytest.raises(ConfigurationError, match="out of order"):
        Procedure(s77_direction_working_days=3, s78_complaint_working_days=2)
    with pytest.raises(ConfigurationError, match="whole number"):
        Procedure(removal_working_days=-1)


def test_skipped_steps_are_left_out():
    steps = timetable(date(2026, 1, 5), {}, today=date(2026, 1, 5), skip={"s77", "s78"})
    assert [s.step for s in steps] == ["welfare_check", "left"]


# ---- Figures ---------------------------------------------------------------------------------

def figure(site: int, arrived: str, left: str | None = None, **kwargs) -> IncursionFigure:
    return IncursionFigure(site_id=site, arrived_at=datetime.fromisoformat(arrived),
                           left_on=date.fromisoformat(left) if left else None, **kwargs)


def test_a_repeat_site_is_two_in_the_period_or_one_after_an_earlier_one():
    now = [figure(1, "2025-05-01T10:00"), figure(1, "2025-08-01T10:00"), figure(2, "2025-06-01T10:00"),
           figure(3, "2025-07-01T10:00")]
    assert rules.repeat_sites(now) == {1}
    assert rules.repeat_sites(now, before=[figure(3, "2024-09-01T10:00")]) == {1, 3}


def test_summary_against_a_hand_count():
    now = [figure(1, "2025-05-01T18:00", "2025-05-04", costs=1200, step_days={"s77": 1}),
           figure(1, "2025-08-10T09:00", "2025-08-11", costs=300, arrests=1, step_days={"s77": 1, "s78": 2}),
           figure(2, "2025-09-01T12:00", "2025-09-08", costs=0, reentered=True, step_days={"s77": 3}),
           figure(3, "2025-10-01T12:00", None)]
    s = rules.summarise(now)
    assert s["incursions"] == 4 and s["sites"] == 3 and s["repeat_sites"] == 1
    assert s["median_days_on_site"] == 3.0  # stays of 3, 1 and 7 days; one still on site
    assert s["still_on_site"] == 1
    assert s["median_working_days_to"] == {"s77": 1.0, "s78": 2.0}
    assert s["costs"] == 1500 and s["arrests"] == 1 and s["sites_reentered"] == 1


def test_like_for_like_counts_the_year_so_far():
    assert rules.like_for_like_end(date(2025, 4, 1), date(2026, 3, 31), date(2025, 9, 2)) == date(2025, 9, 2)
    assert rules.like_for_like_end(date(2024, 4, 1), date(2025, 3, 31), date(2025, 9, 2)) == date(2025, 3, 31)


def test_tent_enforcement_needs_a_reason_and_outreach_first():
    assert rules.tent_enforcement_refusal([], True).startswith("Give the reason")
    assert "outreach" in rules.tent_enforcement_refusal(["asb"], False)
    assert "Unknown reason" in rules.tent_enforcement_refusal(["rough_sleeping"], True)
    assert rules.tent_enforcement_refusal(["not_engaging", "alternative_accommodation"], True) is None


def test_map_points_put_north_up():
    pts = rules.map_points([{"site": "N", "latitude": 51.40, "longitude": 0.5, "incursions": 1},
                            {"site": "S", "latitude": 51.30, "longitude": 0.6, "incursions": 2},
                            {"site": "nowhere", "latitude": None, "longitude": None, "incursions": 5}])
    north, south = pts
    assert north["y"] < south["y"] and north["x"] < south["x"] and len(pts) == 2
