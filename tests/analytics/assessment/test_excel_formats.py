"""The workbook holds numbers with formats an analyst can work with (issue 13, item 7): counts
as whole numbers, rates to one decimal place, shares as percentages, a confidence interval as
two numeric cells, a change as a signed percentage beside its words; and Coverage, Sources and
CSS sheets. Each check is what a person sees clicking a cell in Excel."""

from __future__ import annotations

import json
import re

import pytest
from openpyxl import load_workbook

from csphub.analytics.assessment.workbook import css_sheet
from csphub.spreadsheets import Formatted

from .conftest import POPULATION_SOURCE


@pytest.fixture(scope="module")
def book(partial_report):
    return load_workbook(partial_report / "assessment.xlsx")


@pytest.fixture(scope="module")
def figures(partial_report):
    return json.loads((partial_report / "figures.json").read_text())


def rows_by_label(sheet) -> dict:
    return {row[0].value: row for row in sheet.iter_rows(min_row=3) if row and row[0].value}


def test_summary_counts_rates_and_the_interval_are_numbers(book, figures):
    summary = rows_by_label(book["Summary"])
    total = summary["Total"][1]
    assert total.value == figures["crime"]["total"] and total.data_type == "n" and total.number_format == "#,##0"
    rate = next(row for label, row in summary.items() if label.startswith("Rate per 1,000"))[1]
    assert rate.value == round(figures["crime"]["rate_per_1000"], 1) and rate.number_format == "#,##0.0"
    ci = figures["crime"]["rate_ci"]
    lower, upper = summary["95% CI of the rate (lower)"][1], summary["95% CI of the rate (upper)"][1]
    assert (lower.value, upper.value) == (round(ci["lower"], 1), round(ci["upper"], 1))
    assert lower.number_format == upper.number_format == "#,##0.0"


def test_shares_are_fractions_shown_as_percentages(book, figures):
    types = rows_by_label(book["Crime types"])
    burglary = next(t for t in figures["crime"]["by_type"] if t["crime_type"] == "Burglary")
    share = types["Burglary"][2]
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    assert share.value == pytest.approx(burglary["share"], abs=0.0005)


def test_ward_populations_are_whole_numbers_and_changes_signed_percentages(book):
    sheet = book["Wards"]
    headings = [c.value for c in sheet[2]]
    assert headings[:7] == ["Ward", "Population", "Crime", "Crime per 1,000", "Change (%)", "Change", "ASB"]
    ward_d = rows_by_label(sheet)["D"]
    assert ward_d[1].value == 2250 and isinstance(ward_d[1].value, int)  # 9 LSOAs of 250
    assert ward_d[4].number_format == "+0.0%;-0.0%;0.0%" and ward_d[4].value > 0
    assert ward_d[5].value in ("rise", "no significant change")


def test_the_coverage_sheet_lists_each_month_and_the_flagged_one(book, figures):
    sheet = book["Coverage"]
    months = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=14)}
    assert months["2024-03"][1] == "missing" and months["2023-12"][2] == "yes"
    assert months["2023-11"][1:3] == ["yes", "no"]
    flag = next(f for f in figures["coverage"]["flags"] if f["month"] == "2023-12" and f["series"] == "crime"
                and f["crime_type"] is None)
    row = next(r for r in sheet.iter_rows(min_row=16) if r[3].value == "2023-12" and r[1].value == "crime"
               and r[2].value == "all")
    assert row[4].value == flag["count"] and row[4].number_format == "#,##0"
    assert row[6].value == flag["ratio"] and row[6].number_format == "0.0%"


def test_the_sources_sheet_names_sources_and_no_cell_holds_a_local_path(book, partial_report):
    sources = rows_by_label(book["Sources"])
    assert sources["Population"][1].value == f"{POPULATION_SOURCE} (2023)"
    assert sources["street files"][2].value == 23  # 2 years of months, March 2024 not loaded
    folder = str(partial_report.parent)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and folder in cell.value), (sheet.title, cell.coordinate)
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_the_css_sheet_says_when_no_weights_are_loaded(book):
    rows = rows_by_label(book["CSS"])
    assert rows["Method"][1].value == "none" and rows["Score"][1].value is None
    assert any("No severity weights loaded" in str(r[0].value) for r in book["CSS"].iter_rows())


def test_the_css_sheet_holds_scores_and_a_like_for_like_change_as_numbers():
    css = {"method": "exact", "value": 12.345, "value_basis": "2017/18, the whole year", "previous": 11.0,
           "previous_basis": "2016/17, the whole year", "offences": 1234,
           "change": {"current": 12.345, "previous": 11.0, "percent": 12.2, "basis": "all four quarters"},
           "codes_without_weight": [{"offence_code": "99", "offence_description": "Other", "offences": 7}],
           "note": "Exact."}
    sheet = css_sheet({"css": css, "year": "2017/18"})
    rows = {row[0]: row for row in sheet.rows if row}
    assert rows["Score"][1] == Formatted(12.345, "0.000")
    assert rows["Change (like for like)"][1] == Formatted(0.122, "+0.0%;-0.0%;0.0%")
    assert rows["Offences scored"][1] == Formatted(1234, "#,##0")
    assert rows["99"][1] == Formatted(7, "#,##0")


NUMBER_AS_TEXT = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def test_no_cell_holds_a_number_or_a_change_as_text(book):
    """A change or a count written as text ("-3.2%", "1,234") cannot be summed or sorted."""
    as_text = [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
               for cell in row if isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value.strip())]
    assert as_text == []


def test_a_comparison_column_holds_numbers_or_is_empty_with_a_note():
    """Own work: a count a year earlier, or 'no comparison' in a note column beside it."""
    from csphub.analytics.assessment.tables import ReportTable
    from csphub.analytics.assessment.workbook import table_rows

    table = ReportTable("Own work casework", "Casework", ["Measure", "This period", "Same period a year earlier"],
                        [["Service requests", "247", "176"], ["CPWs", "12", "no comparison"],
                         ["CPNs", "not recorded", "no comparison"]])
    heading, *rows = table_rows(table)
    assert heading == ["Measure", "This period", "This period (note)", "Same period a year earlier",
                       "Same period a year earlier (note)"]
    assert rows[0][1:] == [Formatted(247, "#,##0"), None, Formatted(176, "#,##0"), None]
    assert rows[1][1:] == [Formatted(12, "#,##0"), None, None, "no comparison"]
    assert rows[2][1:] == [None, "not recorded", None, "no comparison"]
