"""Survey exports as the survey tools write them (issue 18 item 4): a Microsoft Forms workbook
(ID, Start time, Completion time, Email, Name, then one column a question, a multi-select as one
cell of options each followed by ';') and a Smart Survey export (its system columns UserNo,
Name, Email, IP Address, Unique ID, Started, Ended, Tracking Link, Custom Value, then numbered
questions "1. ...", a multi-select one column an option under a second header row). The
tool's own columns are read only for the respondent id; names, emails and IP addresses are
stored nowhere, not even with a quarantined row.

The same six respondents in both, worked by hand:
- after dark (Don't know left out): 5 answered, 3 safe (60.0%, Wilson 23.1% to 88.2%), 2 unsafe;
- priorities: 5 chose at least one; Drugs 3 (60.0%), Speeding 3 (60.0%), Violence 1 (20.0%);
- wards: North 3, South 3, all placed; one free-text answer, kept out of results.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from csphub.analytics.partner.survey import (
    ingest_survey,
    parse_mapping,
    survey_results,
    wilson_interval,
)
from csphub.analytics.warehouse import open_warehouse
from csphub.spreadsheets import Sheet, write_xlsx

from .partner_kit import TESTFORD, load_geography, write_csv_file

# (ward, after dark, priorities, comment)
RESPONDENTS = [
    ("North", "Very safe", ("Drugs", "Speeding"), "Too many cars on Mill Lane"),
    ("North", "Fairly unsafe", ("Speeding",), ""),
    ("South", "Fairly safe", ("Drugs",), ""),
    ("South", "Very unsafe", (), ""),
    ("South", "Don't know", ("Violence", "Drugs"), ""),
    ("North", "Fairly safe", ("Speeding",), ""),
]
OPTIONS = ("Drugs", "Speeding", "Violence")
WARD_Q = "Which ward do you live in?"
DARK_Q = "How safe do you feel in Testford after dark?"
PRIORITIES_Q = "Which should be the priorities?"
COMMENTS_Q = "Any other comments?"
MEASURES = f"""
[measures.safe_dark]
title = "Feel safe after dark"
question = "{DARK_Q}"
positive = ["Very safe", "Fairly safe"]
negative = ["Fairly unsafe", "Very unsafe"]
exclude = ["Don't know"]
[free_text]
comments = "{COMMENTS_Q}"
"""
FORMS_MAPPING = f"""
survey = "forms"
[respondent]
id = "ID"
ward = "{WARD_Q}"
[choices.priorities]
title = "Priorities"
question = "{PRIORITIES_Q}"
options = ["Drugs", "Speeding", "Violence"]
""" + MEASURES
SMART_MAPPING = f"""
survey = "smart"
header_rows = 2
[respondent]
id = "UserNo"
ward = "{WARD_Q}"
[choices.priorities]
title = "Priorities"
options = {{ Drugs = "{PRIORITIES_Q} - Drugs", Speeding = "{PRIORITIES_Q} - Speeding", Violence = "{PRIORITIES_Q} - Violence" }}
""" + MEASURES
PERSONAL = ("jo.bloggs@example.org", "Jo Bloggs", "203.0.113.7")


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo", boundaries=False)
        yield connection


def forms_workbook(path, repeat_first: bool = False):
    """An MS Forms "Open in Excel" download: one sheet, the header on row 1."""
    header = ["ID", "Start time", "Completion time", "Email", "Name", WARD_Q, DARK_Q, PRIORITIES_Q, COMMENTS_Q]
    rows = []
    for i, (ward, dark, chosen, comment) in enumerate(RESPONDENTS, start=1):
        start = datetime(2024, 9, 2, 9, i)
        rows.append([i, start, start.replace(minute=i + 5), PERSONAL[0] if i == 1 else "anonymous",
                     PERSONAL[1] if i == 1 else None, ward, dark, "".join(f"{c};" for c in chosen) or None,
                     comment or None])
    if repeat_first:
        rows.append(list(rows[0]))
    write_xlsx(path, [Sheet("Form1", [header, *rows])])
    return path


def smart_survey_csv(path, repeat_first: bool = False):
    """A Smart Survey raw-data export: system columns, numbered questions, a multi-select one
    column an option (the option's label where ticked) under a second header row."""
    system = ["UserNo", "Name", "Email", "IP Address", "Unique ID", "Started", "Ended", "Tracking Link",
              "Custom Value"]
    top = [*system, f"1. {WARD_Q}", f"2. {DARK_Q}", f"3. {PRIORITIES_Q}", "", "", f"4. {COMMENTS_Q}"]
    second = [""] * len(system) + ["", "", *OPTIONS, ""]
    rows = [second]
    for i, (ward, dark, chosen, comment) in enumerate(RESPONDENTS, start=1):
        personal = [PERSONAL[1], PERSONAL[0], PERSONAL[2]] if i == 1 else ["", "", ""]
        rows.append([str(1000 + i), *personal, f"u{i}", f"02/09/2024 09:0{i}", f"02/09/2024 09:1{i}", "Web link", "",
                     ward, dark, *(o if o in chosen else "" for o in OPTIONS), comment])
    if repeat_first:
        rows.append(list(rows[1]))
    return write_csv_file(path, top, rows)


def check_results(con, survey: str) -> None:
    result = survey_results(con, survey)
    rows = {r["measure"]: r for r in result["rows"]}
    dark = rows["safe_dark"]
    assert (dark["n"], dark["percent"], dark["percent_negative"], dark["lower"], dark["upper"]) == (
        5, 60.0, 40.0, 23.1, 88.2)
    assert [round(x * 100, 1) for x in wilson_interval(3, 5)] == [23.1, 88.2]
    assert [(rows[f"priorities:{o}"]["n"], rows[f"priorities:{o}"]["percent"]) for o in OPTIONS] == [
        (5, 60.0), (5, 60.0), (5, 20.0)]
    assert result["respondents"] == 6
    assert "Mill Lane" not in json.dumps(result)
    assert con.execute("select ward_code, count(*) from survey_respondents group by 1 order by 1").fetchall() == [
        ("E05000901", 3), ("E05000902", 3)]


def stored_text(con) -> str:
    """Every text value the survey load stored, in every table it writes."""
    tables = ("survey_respondents", "survey_answers", "survey_free_text", "survey_waves", "quarantine")
    return json.dumps([con.execute(f"select * from {t}").fetchall() for t in tables], default=str)


def test_a_microsoft_forms_workbook_loads_with_its_own_columns(con, tmp_path):
    path = forms_workbook(tmp_path / "Community safety survey(1-6).xlsx")
    summary = ingest_survey(con, path, parse_mapping(FORMS_MAPPING, "forms.toml"), "2024", authority=TESTFORD)
    assert (summary.respondents, summary.quarantined, summary.placed_in_ward, summary.free_text_answers) == (6, 0, 6, 1)
    assert summary.columns_missing == []
    check_results(con, "forms")


def test_a_smart_survey_export_loads_with_numbered_questions_and_option_columns(con, tmp_path):
    path = smart_survey_csv(tmp_path / "smart-survey-export.csv")
    summary = ingest_survey(con, path, parse_mapping(SMART_MAPPING, "smart.toml"), "2024", authority=TESTFORD)
    assert (summary.respondents, summary.quarantined, summary.placed_in_ward, summary.free_text_answers) == (6, 0, 6, 1)
    assert summary.columns_missing == []
    check_results(con, "smart")


@pytest.mark.parametrize("layout", ["forms", "smart"])
def test_names_emails_and_ip_addresses_are_stored_nowhere_even_in_quarantine(con, tmp_path, layout):
    if layout == "forms":
        path, mapping = forms_workbook(tmp_path / "forms.xlsx", repeat_first=True), FORMS_MAPPING
        field, value = "ID", "1"
    else:
        path, mapping = smart_survey_csv(tmp_path / "smart.csv", repeat_first=True), SMART_MAPPING
        field, value = "UserNo", "1001"
    summary = ingest_survey(con, path, parse_mapping(mapping, f"{layout}.toml"), "2024", authority=TESTFORD)
    assert (summary.respondents, summary.quarantined) == (6, 1)  # the first respondent twice counts once
    (quarantined,) = con.execute("select field, value, raw_row from quarantine").fetchall()
    assert quarantined[:2] == (field, value)
    kept = json.loads(quarantined[2])
    assert kept[field] == value and "Very safe" in kept.values()  # enough to see which answers they were
    text = stored_text(con)
    for personal in PERSONAL:
        assert personal not in text
