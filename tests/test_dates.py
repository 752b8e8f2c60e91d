"""Financial years (April to March): one type and one parser, in csphub.dates."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.analytics.assessment.periods import FinancialYear as AssessmentYear
from csphub.dates import FinancialYear, financial_year_of, parse_financial_year


def test_the_year_runs_from_1_april_to_31_march():
    year = FinancialYear(2025)
    assert (year.start, year.end, year.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025/26")


@pytest.mark.parametrize(("day", "label"), [
    (date(2026, 3, 31), "2025/26"),  # the last day of one year...
    (date(2026, 4, 1), "2026/27"),  # ...and the first of the next
    (date(2025, 4, 1), "2025/26"),
    (date(2026, 1, 1), "2025/26"),  # New Year's Day is in the year that began the April before
    (date(2025, 12, 31), "2025/26"),
    (date(2000, 2, 29), "1999/00"),
])
def test_the_year_containing_a_day(day, label):
    year = financial_year_of(day)
    assert year.label == label
    assert year.start <= day <= year.end


def test_previous_years():
    assert FinancialYear(2025).previous() == FinancialYear(2024)
    assert FinancialYear(2025).previous(5).label == "2020/21"
    assert FinancialYear(2024) < FinancialYear(2025)


@pytest.mark.parametrize("text", ["2025/26", "2025-26", "2025/2026", "2025-2026", " 2025/26 "])
def test_the_spellings_of_a_year(text):
    assert parse_financial_year(text) == FinancialYear(2025)


def test_the_turn_of_a_century():
    assert parse_financial_year("1999/00") == FinancialYear(1999)
    assert parse_financial_year("2099/2100").end == date(2100, 3, 31)


@pytest.mark.parametrize("text", ["2025/99", "2025/25", "2025/24", "2025/2027", "2025/2126", "abc", "2025",
                                  "25/26", "2025 26", "2025/26/27", ""])
def test_what_is_not_a_financial_year(text):
    with pytest.raises(ValueError) as error:
        parse_financial_year(text)
    assert str(error.value) == (f"{text!r} is not a financial year; expected the form 2025/26 "
                                "(April 2025 to March 2026)")


def test_the_assessment_keeps_its_names_on_the_same_year():
    year = AssessmentYear.parse("2023-24")
    assert isinstance(year, FinancialYear)
    assert (year.start, year.end) == (date(2023, 4, 1), date(2024, 3, 31))
    assert (year.name, year.label) == ("2023/24", "Apr 2023 to Mar 2024")
    assert year.months[0] == date(2023, 4, 1) and year.months[-1] == date(2024, 3, 1)
    assert len(year.months) == 12
    assert isinstance(year.previous(), AssessmentYear) and year.previous().name == "2022/23"
    with pytest.raises(ValueError, match="'2023/99' is not a financial year"):
        AssessmentYear.parse("2023/99")
