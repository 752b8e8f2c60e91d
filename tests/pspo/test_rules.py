"""PSPO rules at their boundaries: the 3-year term and extensions, the consultees the Act
requires, the 6-month alert, the area, the dated fixed penalty cap, quarters and like-for-like
windows."""

from __future__ import annotations

import json
from datetime import date

import pytest

from csphub.core import penalties
from csphub.core.penalties import PenaltyCap
from csphub.pspo import rules

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[0.54, 51.38], [0.56, 51.38], [0.56, 51.395],
                                                         [0.54, 51.395], [0.54, 51.38]]]})


# ---- Term and extension -------------------------------------------------------------------

def test_an_order_lasts_at_most_three_years_less_a_day():
    assert rules.term_refusal(date(2024, 3, 1), date(2027, 2, 28)) is None
    assert "must expire by 28 February 2027" in rules.term_refusal(date(2024, 3, 1), date(2027, 3, 1))
    assert rules.latest_expiry(date(2024, 2, 29)) == date(2027, 2, 27)  # leap day: 28 Feb 2027 less a day
    assert "after it takes effect" in rules.term_refusal(date(2025, 1, 2), date(2025, 1, 1))


def test_an_extension_up_to_three_years_before_expiry_after_consultation():
    expiry = date(2026, 6, 30)
    assert rules.extension_refusal(expiry, date(2026, 6, 30), date(2029, 6, 30), True) is None  # on the last day
    assert "expired on 30 June 2026" in rules.extension_refusal(expiry, date(2026, 7, 1), date(2029, 6, 30), True)
    assert "at most 3 years" in rules.extension_refusal(expiry, date(2026, 5, 1), date(2029, 7, 1), True)
    assert "consultation" in rules.extension_refusal(expiry, date(2026, 5, 1), date(2027, 6, 30), False)
    assert "after the current one" in rules.extension_refusal(expiry, date(2026, 5, 1), expiry, True)


def test_the_act_requires_four_kinds_of_consultee():
    assert rules.missing_consultees([]) == ["chief_officer", "pcc", "community", "land_owner"]
    assert rules.missing_consultees(["chief_officer", "pcc", "community", "land_owner"]) == []
    assert rules.missing_consultees(["chief_officer", "pcc", "community"], has_land_owners=False) == []


def test_the_register_alerts_six_months_before_expiry():
    assert rules.alert_from(date(2027, 2, 28)) == date(2026, 8, 28)
    on = {d: rules.status_on(date(2024, 3, 1), date(2027, 2, 28), None, d)
          for d in (date(2024, 2, 29), date(2024, 3, 1), date(2026, 8, 27), date(2026, 8, 28), date(2027, 2, 28),
                    date(2027, 3, 1))}
    assert list(on.values()) == ["not yet in force", "in force", "in force", "expiring", "expiring", "expired"]
    assert rules.status_on(date(2024, 3, 1), date(2027, 2, 28), date(2025, 1, 1), date(2025, 1, 1)) == "discharged"
    assert not rules.in_force_on(date(2024, 3, 1), date(2027, 2, 28), date(2025, 1, 1), date(2025, 1, 1))
    assert rules.in_force_on(date(2024, 3, 1), date(2027, 2, 28), date(2025, 1, 1), date(2024, 12, 31))


# ---- Area -----------------------------------------------------------------------------------

def test_a_point_inside_on_the_edge_and_outside():
    area = rules.area_from_geojson(SQUARE)
    assert rules.contains_point(area, 0.55, 51.39)
    assert rules.contains_point(area, 0.56, 51.39)  # on the boundary: inside
    assert not rules.contains_point(area, 0.5601, 51.39)
    assert "outside the area of Town centre" in rules.outside_area_message("Town centre", 0.57, 51.39)


def test_the_area_in_force_is_the_one_varied_on_or_before_the_day():
    # Made as "A"; varied to "B" on 1 Oct 2025 and to "C" on 1 Jan 2026 (the order now holds "C").
    varied = [(date(2025, 10, 1), "A"), (date(2026, 1, 1), "B")]
    on = [rules.area_in_force(d, "C", varied) for d in (date(2025, 9, 30), date(2025, 10, 1), date(2025, 12, 31),
                                                         date(2026, 1, 1))]
    assert [a.geojson for a in on] == ["A", "B", "B", "C"]
    assert on[0].phrase() == "as made, before its variation on 01 October 2025"
    assert on[2].phrase() == "as varied on 01 October 2025, before its variation on 01 January 2026"
    assert on[3].phrase() == "as varied on 01 January 2026"
    never = rules.area_in_force(date(2025, 9, 30), "A", [])
    assert (never.geojson, never.phrase()) == ("A", "")
    assert "outside the area of Town centre:" in rules.outside_area_message("Town centre", 0.5, 51.3, date(2025, 1, 1),
                                                                            never.phrase())
    assert "outside the area of Town centre in force on 01 January 2026 (as varied on 01 January 2026):" in \
        rules.outside_area_message("Town centre", 0.5, 51.3, date(2026, 1, 1), on[3].phrase())


def test_a_feature_collection_of_several_polygons_is_one_area():
    second = {"type": "Polygon", "coordinates": [[[0.6, 51.3], [0.61, 51.3], [0.61, 51.31], [0.6, 51.3]]]}
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": json.loads(SQUARE)},
        {"type": "Feature", "properties": {}, "geometry": second}]}
    area = rules.area_from_geojson(json.dumps(collection))
    assert area.geom_type == "MultiPolygon" and rules.contains_point(area, 0.605, 51.302)


@pytest.mark.parametrize("text, message", [
    ("{not json", "line 1: not JSON"),
    ('{"type": "Point", "coordinates": [0.5, 51.3]}', "a Point; expected a Polygon"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
    ('{"type": "Polygon", "coordinates": [[[560000, 170000], [561000, 170000], [561000, 171000], [560000, 170000]]]}',
     "not longitude/latitude"),
])
def test_a_bad_area_file_says_what_was_expected(text, message):
    with pytest.raises(rules.AreaError, match=message):
        rules.area_from_geojson(text, "area.geojson")


# ---- The dated cap ---------------------------------------------------------------------------

def test_the_cap_in_force_on_the_offence_date():
    assert penalties.cap_on(penalties.PSPO, date(2014, 10, 19)) is None
    assert penalties.cap_on(penalties.PSPO, date(2014, 10, 20)) == 100
    assert penalties.cap_on(penalties.CPN, date(2025, 6, 1)) == 100


def test_an_amount_above_the_cap_on_the_offence_date_is_refused():
    assert rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(100, date(2025, 6, 1), 75)) == []
    (rule, reason, field), = rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(101, date(2025, 6, 1)))
    assert (rule, field) == ("fixed_penalty_amount", "amount") and "at most GBP 100" in reason
    assert rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(100, date(2025, 6, 1), 100))[0][0] == \
        "early_payment_amount"


def test_a_change_of_law_is_a_new_row_and_applies_from_its_date():
    table = (*penalties.PENALTY_CAPS, PenaltyCap(penalties.PSPO, date(2026, 4, 1), 500, "a future Act"))
    assert penalties.amount_refusal(penalties.PSPO, 300, date(2026, 3, 31), table) is not None
    assert penalties.amount_refusal(penalties.PSPO, 300, date(2026, 4, 1), table) is None
    assert penalties.amount_refusal(penalties.PSPO, 501, date(2026, 4, 1), table) is not None
    assert penalties.amount_refusal(penalties.CPN, 300, date(2026, 4, 1), table) is not None  # CPN unchanged
    assert penalties.highest_cap(penalties.PSPO, table) == 500


def test_the_new_cap_is_a_setting_dated_when_the_law_commences(monkeypatch):
    """CSPHUB_PENALTY_CAPS adds the Crime and Policing Bill's GBP 500 from the day it commences:
    an offence the day before keeps the GBP 100 cap, one on the day may be charged up to 500."""
    monkeypatch.setenv("CSPHUB_PENALTY_CAPS", "pspo:2026-06-01:500")
    assert penalties.cap_on(penalties.PSPO, date(2026, 5, 31)) == 100
    assert penalties.cap_on(penalties.PSPO, date(2026, 6, 1)) == 500
    assert penalties.cap_on(penalties.CPN, date(2026, 6, 1)) == 100  # only the kind named
    over = rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(300, date(2026, 5, 31)))
    assert over and "at most GBP 100" in over[0][1]
    assert rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(300, date(2026, 6, 1))) == []
    monkeypatch.delenv("CSPHUB_PENALTY_CAPS")
    assert penalties.cap_on(penalties.PSPO, date(2026, 6, 1)) == 100


def test_casework_uses_the_same_table():
    from csphub.casework import rules as casework

    request = casework.InterventionRequest(kind=casework.PSPO_FIXED_PENALTY, issued_on=date(2025, 6, 1), person_id=1,
                                           amount=150)
    refusals = casework.check_intervention(request, [])
    assert [r.rule for r in refusals] == ["fixed_penalty_amount"] and "at most GBP 100" in refusals[0].message


# ---- Figures -------------------------------------------------------------------------------

def test_quarters_of_the_financial_year():
    assert [rules.quarter_of(date(2025, m, 1)) for m in (4, 6, 7, 10, 12)] == \
        ["2025/26 Q1", "2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q3"]
    assert rules.quarter_of(date(2026, 3, 31)) == "2025/26 Q4"
    counts = rules.per_quarter([(date(2025, 4, 2), "warning"), (date(2025, 5, 2), "warning"),
                                (date(2025, 7, 1), "fpn")])
    assert counts == {"2025/26 Q1": {"warning": 2}, "2025/26 Q2": {"fpn": 1}}


def test_before_and_after_are_the_same_calendar_months():
    before, after = rules.before_after_months(date(2025, 4, 1), 12, date(2025, 9, 15))
    assert after == (date(2025, 4, 1), date(2025, 8, 1))  # five whole months have ended
    assert before == (date(2024, 4, 1), date(2024, 8, 1))
    assert rules.before_after_months(date(2025, 9, 2), 12, date(2025, 9, 30)) is None
