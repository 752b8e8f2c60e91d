"""The CCTV estate's rules at their boundaries, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.cctv import rules
from csphub.cctv.files import read_activity, read_register
from csphub.errors import InputFileError, RuleRefused

R = rules.CctvRules()


def months(start: date, totals: list[int], faulty: dict[int, int] | None = None) -> list[rules.MonthActivity]:
    faulty = faulty or {}
    return [rules.MonthActivity(rules.add_months(start, i), t, faulty.get(i, 0)) for i, t in enumerate(totals)]


# ---- The six-month rule ----------------------------------------------------------------------

@pytest.mark.parametrize(("zero_months", "due"), [(5, False), (6, True), (7, True)])
def test_six_month_rule_at_its_boundary(zero_months, due):
    history = months(date(2025, 1, 1), [4] + [0] * zero_months)
    run = rules.zero_activity_run(history, R)
    assert run.months == zero_months and run.due is due
    assert run.first == date(2025, 2, 1)


def test_a_faulty_month_breaks_the_run():
    # Six zero months, but the third was faulty for 20 days: only the three after it count.
    history = months(date(2025, 1, 1), [0] * 6, faulty={2: 20})
    run = rules.zero_activity_run(history, R)
    assert run.months == 3 and not run.due
    assert "faulty on 20 days" in run.broken_by[0]


def test_a_month_faulty_on_fewer_days_than_the_rule_still_counts():
    history = months(date(2025, 1, 1), [0] * 6, faulty={2: R.faulty_month_days - 1})
    assert rules.zero_activity_run(history, R).due


def test_a_month_missing_from_the_reports_breaks_the_run():
    history = months(date(2025, 1, 1), [0] * 3) + months(date(2025, 5, 1), [0] * 4)  # April not reported
    run = rules.zero_activity_run(history, R)
    assert run.months == 4 and not run.due


def test_activity_in_the_latest_month_means_no_run():
    assert rules.zero_activity_run(months(date(2025, 1, 1), [0] * 8 + [1]), R).months == 0


def test_a_decision_restarts_the_count():
    history = months(date(2025, 1, 1), [0] * 9)  # Jan-Sep 2025 all zero
    assert rules.zero_activity_run(history, R).due
    run = rules.zero_activity_run(history, R, since=date(2025, 4, 15))  # the SEG kept it in April
    assert run.months == 5 and not run.due  # May to September


def test_the_run_length_is_configurable():
    three = rules.CctvRules.from_mapping({"zero_activity_months": 3})
    assert rules.zero_activity_run(months(date(2025, 1, 1), [0] * 3), three).due
    with pytest.raises(ValueError, match="unknown keys"):
        rules.CctvRules.from_mapping({"zero_months": 3})


# ---- Faults -------------------------------------------------------------------------------------

def test_fault_days_count_each_day_once_and_open_faults_to_today():
    spans = [rules.FaultSpan(date(2025, 7, 1), date(2025, 7, 10)), rules.FaultSpan(date(2025, 7, 5), date(2025, 7, 12)),
             rules.FaultSpan(date(2025, 7, 30))]
    assert rules.fault_days_in(spans, date(2025, 7, 1), date(2025, 7, 31), today=date(2025, 8, 15)) == 12 + 2


def test_mean_time_to_repair_is_over_closed_faults_only():
    spans = [rules.FaultSpan(date(2025, 7, 1), date(2025, 7, 4)), rules.FaultSpan(date(2025, 7, 1), date(2025, 7, 11)),
             rules.FaultSpan(date(2025, 7, 1))]
    assert rules.mean_days_to_repair(spans) == 6.5
    assert rules.mean_days_to_repair([rules.FaultSpan(date(2025, 7, 1))]) is None


def test_a_fault_is_flagged_after_n_days():
    span = rules.FaultSpan(date(2025, 7, 1))
    assert not rules.faulty_too_long(span, date(2025, 7, 29), R)  # 28 days
    assert rules.faulty_too_long(span, date(2025, 7, 30), R)      # 29 days
    assert not rules.faulty_too_long(rules.FaultSpan(date(2025, 1, 1), date(2025, 6, 1)), date(2025, 7, 30), R)


# ---- The SEG decides ------------------------------------------------------------------------------

GOOD = rules.DecisionFacts(kind="placement", decision="decommission", meeting_reference="SEG-2025-07",
                           meeting_held_on=date(2025, 7, 10), decided_on=date(2025, 7, 10), has_recommendation=True,
                           rationale="No activity for 8 months; the shop it watched has closed")


def test_a_decision_taken_at_an_seg_meeting_passes():
    rules.check_decision(GOOD)


def test_no_decision_without_an_seg_meeting():
    from dataclasses import replace

    with pytest.raises(RuleRefused) as refused:
        rules.check_decision(replace(GOOD, meeting_reference="  "))
    assert refused.value.rule == "seg_meeting_required" and refused.value.field == "meeting"


def test_every_broken_rule_is_named():
    from dataclasses import replace

    with pytest.raises(RuleRefused) as refused:
        rules.check_decision(replace(GOOD, meeting_reference="", has_recommendation=False, rationale=""))
    named = {refused.value.rule, *(r for r, _, _ in refused.value.others)}
    assert named == {"seg_meeting_required", "recommendation_required", "rationale_required"}


def test_a_decision_cannot_predate_its_meeting():
    from dataclasses import replace

    with pytest.raises(RuleRefused, match="before the SEG meeting"):
        rules.check_decision(replace(GOOD, decided_on=date(2025, 7, 9)))


def test_decisions_by_kind_and_dpia_for_an_install():
    from dataclasses import replace

    with pytest.raises(RuleRefused, match="decision_not_allowed"):
        rules.check_decision(replace(GOOD, decision="install"))
    with pytest.raises(RuleRefused, match="already permanent"):
        rules.check_decision(replace(GOOD, decision="make_permanent", camera_permanent=True))
    rules.check_decision(replace(GOOD, decision="make_permanent", camera_permanent=False))
    new = replace(GOOD, kind="new_camera", decision="install")
    with pytest.raises(RuleRefused, match="dpia_required"):
        rules.check_decision(new)
    rules.check_decision(replace(new, dpia_signed_off=True))


# ---- Quarters, uptime, the Code -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "bounds"), [
    ("2025Q1", (date(2025, 1, 1), date(2025, 3, 31))), ("2025Q3", (date(2025, 7, 1), date(2025, 9, 30))),
    ("2024-q4", (date(2024, 10, 1), date(2024, 12, 31)))])
def test_quarters(text, bounds):
    assert rules.quarter_bounds(text) == bounds


@pytest.mark.parametrize("bad", ["2025Q5", "2025", "Q3 2025", ""])
def test_bad_quarters(bad):
    with pytest.raises(ValueError, match="2025Q3"):
        rules.quarter_bounds(bad)


def test_uptime():
    assert rules.uptime_percent(2208, 0) == 100.0
    assert rules.uptime_percent(2208, 22.08) == 99.0
    assert rules.uptime_percent(0, 0) is None


def test_the_code_self_assessment_needs_all_twelve_principles():
    assert len(rules.CODE_PRINCIPLES) == 12
    full = {str(n): {"rag": "green", "evidence": "Policy CCTV-01"} for n in range(1, 13)}
    assert rules.code_assessment_problems(full) == []
    full["12"] = {"rag": "purple", "evidence": ""}
    assert rules.code_assessment_problems(full) == [("12", "a RAG rating (red, amber or green)"),
                                                    ("12", "the evidence for the rating")]


# ---- The files --------------------------------------------------------------------------------------

def test_register_rows_are_checked_and_bad_ones_named(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Camera ID,Location,Ward Code,Easting,Northing,Type\n"
                    "A1,High Street,E05002222,575000,168000,PTZ\n"
                    ",No id,E05002222,575000,168000,fixed\n"
                    "A2,Pier,E0500,575000,168000,fixed\n"
                    "A3,Station,,575000,9999999,fixed\n"
                    "A4,Car park,,575000,168000,drone\n"
                    "A1,Twice,,575000,168000,fixed\n")
    parsed = read_register(path)
    assert [r.camera_id for r in parsed.rows] == ["A1"]
    assert parsed.rows[0].values["kind"] == "ptz" and parsed.rows[0].values["easting"] == 575000
    assert [(b.line, b.field) for b in parsed.bad] == [(3, "Camera ID"), (4, "Ward Code"), (5, "Northing"),
                                                        (6, "Type"), (7, "Camera ID")]
    assert "line 2 has it" in parsed.bad[-1].reason
    assert str(parsed.bad[1]).startswith(f"{path}, line 4, field 'Ward Code': got 'E0500'")


def test_a_register_without_an_id_column_is_refused(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("where,lon,lat\nHigh St,-2.3,53.4\n")
    with pytest.raises(InputFileError, match="camera's id"):
        read_register(path)


def test_activity_rows_and_monitoring_rows(tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text("camera,month,incidents,footage_requests_police,footage_requests_other,evidential_uses,"
                    "arrests_assisted,hours_monitored,downtime_hours\n"
                    "1001,2025-07,3,1,,1,0,,\n"
                    ",2025-07,,,,,,744,1.5\n"
                    "1001,Jul 2025,1,0,0,0,0,,\n"
                    "1002,2025-13,0,0,0,0,0,,\n"
                    "1003,2025-07,two,0,0,0,0,,\n")
    parsed = read_activity(path)
    assert [(a.camera_id, a.month, a.counts["incidents"], a.counts["other_requests"]) for a in parsed.activity] == [
        ("1001", date(2025, 7, 1), 3, 0)]
    assert [(m.month, m.hours_monitored, m.downtime_hours) for m in parsed.monitoring] == [(date(2025, 7, 1), 744, 1.5)]
    assert [(b.line, b.field) for b in parsed.bad] == [(4, "camera"), (5, "month"), (6, "incidents")]


def test_only_the_seg_takes_a_camera_out_of_service():
    with pytest.raises(RuleRefused, match="seg_decision_required"):
        rules.check_status_change("working", "decommissioned", seg_decided_decommission=False)
    rules.check_status_change("faulty", "working", seg_decided_decommission=False)
    rules.check_status_change("working", "removed", seg_decided_decommission=True)


@pytest.mark.parametrize("name", ["csphub.cctv.rules", "csphub.cctv.files"])
def test_the_docstring_examples_hold(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
