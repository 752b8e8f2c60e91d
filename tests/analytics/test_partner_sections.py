"""The assessment's partner sections: present only with their data, with level, rate, change like
for like, trend, hotspots by ward, caveats and sources; "data not available" lines otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.analytics.areas import Area
from csphub.analytics.assessment.partner_sections import partner_sections
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.geography import load_population
from csphub.analytics.partner.loader import ingest_partner
from csphub.analytics.partner.profiles import find_profile
from csphub.analytics.partner.survey import ingest_survey, parse_mapping
from csphub.analytics.warehouse import open_warehouse

from .partner_kit import TESTFORD, load_geography, point_in, write_csv_file
from .test_partner_survey import MAPPING, RESPONDENTS_2024, write_survey

AREA = Area("Testford", (TESTFORD,))
YEAR = FinancialYear(2023)
TODAY = date(2025, 6, 30)


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo")
        population = write_csv_file(tmp_path / "pop.csv", ["lsoacd", "population"], [
            ["E01000901", "1000"], ["E01000902", "1000"], ["E01000903", "2000"], ["E01000904", "1500"]])
        load_population(connection, population, 2023)
        yield connection


def load(con, path, dataset, **kwargs):
    return ingest_partner(con, [path], find_profile(dataset), today=TODAY, **kwargs)


def casualties(tmp_path):
    north, south = point_in("E01000901"), point_in("E01000903")
    rows = []
    # 2022/23: April-September only (6 casualties in April, 2 in May); 2023/24: the whole year
    rows += [["2022-04-10", "Slight", *north, "Testford"]] * 6 + [["2022-05-10", "Slight", *south, "Testford"]] * 2
    rows += [["2023-04-10", "Serious", *north, "Testford"]] * 20 + [["2023-05-12", "Fatal", *south, "Testford"]]
    rows += [["2023-11-03", "Slight", *south, "Testford"]] * 3 + [["2024-03-30", "Slight", -0.95, 53.0, "Testford"]]
    return write_csv_file(tmp_path / "stats19.csv", ["date", "casualty_severity", "lon", "lat", "area_name"], rows)


def test_only_sections_with_data_are_present_and_the_rest_are_listed(con, tmp_path):
    empty = partner_sections(con, AREA, YEAR, "2023", 4000)
    assert empty["sections"] == {} and len(empty["data_not_available"]) == 10
    assert empty["data_not_available"][0] == ("Road safety: no data loaded for Testford in 2023/24; load road "
                                              "casualties (csphub ingest partner FILE --dataset stats19).")
    load(con, casualties(tmp_path), "stats19")
    result = partner_sections(con, AREA, YEAR, "2023", 4000)
    assert list(result["sections"]) == ["road_safety"]
    assert not any(line.startswith("Road safety") for line in result["data_not_available"])
    assert any(line.startswith("Deliberate fires") for line in result["data_not_available"])


def test_road_safety_level_rate_change_like_for_like_trend_and_hotspots(con, tmp_path):
    load(con, casualties(tmp_path), "stats19", agency="Testshire Police")
    road = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]["road_safety"]["datasets"][0]
    assert road["level"] == {"count": 25, "suppressed_cells": 0, "lower_bound": False, "text": "25 casualties"}
    assert road["rate"]["rate"] == round(25 / 4000 * 1000, 3)
    assert road["ksi"]["count"] == 21
    # the file covers Apr 2022 to Mar 2024: every month of 2023/24 has its month a year earlier
    assert road["change"]["current"] == 25 and road["change"]["previous"] == 8
    assert road["change"]["direction"] == "rise"
    assert road["trend"] == [{"year": "2022/23", "count": 8, "months": 12, "partial": False},
                             {"year": "2023/24", "count": 25, "months": 12, "partial": False}]
    assert [(h["ward_name"], h["count"], h["rate_per_1000"]) for h in road["hotspots"]] == [
        ("North", 20, 10.0), ("South", 4, 2.0)]
    assert road["authority_only"] == 1  # the point no boundary covers, placed in Testford
    assert road["caveats"] and "undercounted" in road["caveats"][0]
    assert [(s["agency"], s["rows"], s["quarantined"]) for s in road["sources"]] == [("Testshire Police", 33, 0)]


def test_suppressed_aggregates_give_a_lower_bound_and_deliberate_fires_only(con, tmp_path):
    load(con, write_csv_file(tmp_path / "hes.csv", ["Month", "LSOA Code", "ICD10 Group", "Admissions"], [
        ["2023-04", "E01000901", "Assault", "9"], ["2023-05", "E01000903", "Assault", "<5"]]), "hospital-assaults")
    load(con, write_csv_file(tmp_path / "fires.csv", ["Incident Date", "Property Category", "Motive", "LSOA Code"], [
        ["01/06/2023", "Refuse", "Deliberate", "E01000901"], ["02/06/2023", "Dwelling", "Accidental", "E01000901"],
        ["03/06/2023", "Grassland", "Deliberate", "E01000903"]]), "fire")
    sections = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]
    health = sections["violence_health"]["datasets"][0]
    assert health["level"]["text"] == "at least 9 admissions (1 small counts suppressed by the partner)"
    assert health["partial"] and health["months_covered"] == ["2023-04", "2023-05"]
    assert health["rate_lower_bound"] and health["rate"]["rate"] == round(9 / 4000 * 1000, 3)
    assert health["change"] is None and "No 2022/23 data" in health["change_note"]
    fires = sections["deliberate_fires"]["datasets"][0]
    assert fires["level"]["count"] == 2 and fires["filters"] == {"motive": "Deliberate"}
    assert {c["category"] for c in fires["by_category"]} == {"Refuse", "Grassland"}


def test_reoffending_gives_the_rate_and_prevent_its_counts(con, tmp_path):
    load(con, write_csv_file(tmp_path / "reoffending.csv", ["Financial Year", "Measure", "Count"], [
        ["2021/22", "Offenders in cohort", "400"], ["2021/22", "Reoffenders", "100"]]), "reoffending", authority=TESTFORD)
    load(con, write_csv_file(tmp_path / "prevent.csv", ["Financial Year", "Type of Concern", "Referrals"], [
        ["2023/24", "Islamist", "<5"], ["2023/24", "Extreme right wing", "7"]]), "prevent", authority=TESTFORD)
    sections = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]
    reoffending = sections["reoffending"]["datasets"][0]
    assert reoffending["reoffending_rate"] == [{"year": "2021/22", "cohort": 400, "reoffenders": 100, "rate": 0.25}]
    assert reoffending["level"] is None and "latest is 2021/22" in reoffending["note"]
    prevent = sections["prevent"]["datasets"][0]
    assert prevent["level"]["text"] == "at least 7 referrals (1 small counts suppressed by the partner)"
    assert prevent["rate"] is None


def test_the_survey_section_appears_with_a_survey(con, tmp_path):
    assert "survey" not in partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]
    ingest_survey(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024), parse_mapping(MAPPING, "m.toml"), "2024",
                  authority=TESTFORD)
    result = partner_sections(con, AREA, YEAR, "2023", 4000)
    survey = result["sections"]["survey"]["surveys"][0]
    assert survey["respondents"] == 10 and survey["low_response"]
    assert not any(line.startswith("Community safety survey") for line in result["data_not_available"])


def test_the_report_partial_renders_the_sections_and_the_missing_lines(con, tmp_path):
    from jinja2 import Environment, PackageLoader, select_autoescape

    from csphub.analytics.assessment.police_outcomes_section import police_outcomes_sections

    load(con, casualties(tmp_path), "stats19", agency="Testshire Police")
    ingest_survey(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024), parse_mapping(MAPPING, "m.toml"), "2024",
                  authority=TESTFORD)
    figures = {"area": {"name": "Testford"}, "year": YEAR.name,
               "partner": partner_sections(con, AREA, YEAR, "2023", 4000),
               **police_outcomes_sections(con, AREA, YEAR, "2023", 4000)}
    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"),
                      autoescape=select_autoescape())
    html = env.get_template("partner_sections_all.html.j2").render(f=figures)
    assert "<h2>Road safety</h2>" in html and "25 casualties" in html and "21 killed or seriously injured" in html
    assert "<h2>Community safety survey</h2>" in html and "Only 10 people responded" in html
    assert "Deliberate fires: no data loaded for Testford in 2023/24" in html
    assert "<h2>Deliberate fires</h2>" not in html
    files = env.from_string('{% import "partner_sections.html.j2" as partner %}{{ partner.files(f) }}').render(f=figures)
    assert "stats19.csv" in files  # the files table is the data-sources appendix's
    assert "No police.uk stop and search loaded" in html
    assert html.index("<h2>Road safety</h2>") < html.index("<h2>Community safety survey</h2>")
    # one section placed on its own, where the report wants it
    one = env.from_string('{% import "partner_sections.html.j2" as partner %}{{ partner.section(f, "road_safety") }}'
                          '{{ partner.section(f, "hate_crime") }}').render(f=figures)
    assert "<h2>Road safety</h2>" in one and "Hate crime" not in one and "survey" not in one


def test_a_dataset_of_suppressed_cells_only_says_no_count_was_published(con, tmp_path):
    load(con, write_csv_file(tmp_path / "amb.csv", ["Month", "LSOA Code", "Assault Type", "Call Outs"], [
        ["2023-04", "E01000901", "Assault", "<5"], ["2023-05", "E01000903", "Assault", "<5"]]), "ambulance-assaults")
    ambulance = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]["violence_health"]["datasets"][0]
    assert ambulance["level"]["text"] == ("no call-outs count published: all 2 cells were small counts the partner "
                                          "suppressed")
    assert ambulance["rate"] is None  # no count, no rate (never a rate of 0)
    assert [(h["ward_name"], h["count"], h["suppressed"], h["rate_per_1000"]) for h in ambulance["hotspots"]] == [
        ("North", None, 1, None), ("South", None, 1, None)]  # no count, no rate (never 0 per 1,000)


def test_reoffending_this_year_is_a_rate_never_a_sum_of_cohort_and_reoffenders(con, tmp_path):
    load(con, write_csv_file(tmp_path / "reoffending.csv", ["Financial Year", "Measure", "Count"], [
        ["2022/23", "Offenders in cohort", "500"], ["2022/23", "Reoffenders", "140"],
        ["2023/24", "Offenders in cohort", "400"], ["2023/24", "Reoffenders", "100"]]), "reoffending", authority=TESTFORD)
    reoffending = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]["reoffending"]["datasets"][0]
    assert reoffending["level"]["text"] == "25.0% of 400 offenders reoffended"
    assert reoffending["trend"] == [{"year": "2022/23", "rate": 0.28}, {"year": "2023/24", "rate": 0.25}]
    assert reoffending["change"] is None  # counts of different things are not compared


# ---- snapshot measures: a count on a day, never added up over months ---------------------------

def treatment(tmp_path):
    """North (Opiate): 8 a month in 2022/23, then 10, 11, ... 21 from Apr 2023 to Mar 2024; South
    (Alcohol): 5 every month. By hand: March 2024 = 21 + 5 = 26; the 2023/24 monthly average =
    (10 + ... + 21) / 12 + 5 = 15.5 + 5 = 20.5; March 2023 = 8 + 5 = 13; the 2022/23 average 13.
    A sum over 2023/24 would say 246: nearly 12 times the people in treatment."""
    rows = []
    for i in range(24):
        month = date(2022 + (3 + i) // 12, (3 + i) % 12 + 1, 1)
        north = 8 if i < 12 else 10 + (i - 12)
        rows += [[f"{month:%Y-%m}", "North", "Opiate", str(north)], [f"{month:%Y-%m}", "South", "Alcohol", "5"]]
    return write_csv_file(tmp_path / "ndtms.csv", ["Month", "Ward", "Substance Group", "Adults in Treatment"], rows)


def test_a_snapshot_is_the_latest_month_and_the_monthly_average_never_a_sum(con, tmp_path):
    load(con, treatment(tmp_path), "drug-alcohol-treatment", authority=TESTFORD)
    d = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]["substance_misuse"]["datasets"][0]
    assert d["measure"] == "snapshot"
    assert (d["level"]["count"], d["level"]["latest_month"], d["level"]["monthly_average"]) == (26, "2024-03", 20.5)
    assert d["level"]["text"] == ("26 adults in treatment in Mar 2024, the latest month (a snapshot, not added up "
                                  "over the months: the monthly average in 2023/24 was 20.5)")
    assert d["rate"]["rate"] == round(26 / 4000 * 1000, 3)
    # like with like: the latest month on the same month a year earlier
    assert (d["change"]["current"], d["change"]["previous"], d["change"]["basis"]) == (26, 13, "Mar 2024 on Mar 2023")
    assert d["change"]["monthly_average"] == {"current": 20.5, "previous": 13.0}
    assert d["trend"] == [
        {"year": "2022/23", "latest_month": "2023-03", "count": 13, "monthly_average": 13.0, "months": 12, "partial": False},
        {"year": "2023/24", "latest_month": "2024-03", "count": 26, "monthly_average": 20.5, "months": 12, "partial": False}]
    assert [(c["category"], c["count"]) for c in d["by_category"]] == [("Opiate", 21), ("Alcohol", 5)]
    assert [(h["ward_name"], h["count"], h["rate_per_1000"]) for h in d["hotspots"]] == [
        ("North", 21, 10.5), ("South", 5, 2.5)]
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"), autoescape=select_autoescape())
    html = env.from_string('{% import "partner_sections.html.j2" as partner %}{{ partner.section(f, "substance_misuse") }}'
                           ).render(f={"year": YEAR.name, "partner": partner_sections(con, AREA, YEAR, "2023", 4000)})
    assert "26 adults in treatment in Mar 2024, the latest month" in html
    assert "2023/24 20.5 a month (26 in 2024-03)" in html and "By category in Mar 2024" in html
    assert "Monthly average on the same months: 20.5, a year earlier 13.0." in html and "246" not in html


def test_homelessness_keeps_duties_as_events_and_rough_sleepers_as_a_snapshot(con, tmp_path):
    rows = []
    for month, sleepers in (("2023-04", "3"), ("2023-05", "4"), ("2023-06", "6")):
        rows += [[month, "North", "Prevention duty owed", "10"], [month, "North", "Rough sleepers", sleepers]]
    load(con, write_csv_file(tmp_path / "hclic.csv", ["Month", "Ward", "Measure", "Count"], rows),
         "homelessness", authority=TESTFORD)
    duties, sleepers = partner_sections(con, AREA, YEAR, "2023", 4000)["sections"]["homelessness"]["datasets"]
    assert duties["measure"] == "events" and duties["level"]["text"] == "30 households owed a duty"
    assert [c["category"] for c in duties["by_category"]] == ["Prevention duty owed"]
    assert sleepers["measure"] == "snapshot" and sleepers["title"] == "Homelessness and rough sleeping: Rough sleepers"
    assert (sleepers["level"]["count"], sleepers["level"]["monthly_average"]) == (6, 4.3)  # (3 + 4 + 6) / 3
    assert sleepers["level"]["text"].startswith("6 people sleeping rough in Jun 2023, the latest month")


def test_counting_a_snapshot_over_months_is_refused_by_month_it_counts(con, tmp_path):
    from csphub.analytics.partner.counts import count_partner

    load(con, treatment(tmp_path), "drug-alcohol-treatment", authority=TESTFORD)
    with pytest.raises(ValueError, match="snapshot"):
        count_partner(con, "drug-alcohol-treatment", AREA, date(2023, 4, 1), date(2024, 3, 1), ["category"])
    by_month = count_partner(con, "drug-alcohol-treatment", AREA, date(2024, 3, 1), date(2024, 3, 1),
                             ["month", "category"])
    assert by_month == [{"month": "2024-03", "category": "Alcohol", "count": 5},
                        {"month": "2024-03", "category": "Opiate", "count": 21}]


# ---- the data-sources appendix: every partner file with period, rows, quarantined and agency ----

def _two_partner_files(con, tmp_path):
    load(con, casualties(tmp_path), "stats19", agency="Testshire Police")
    load(con, write_csv_file(tmp_path / "hes.csv", ["Month", "LSOA Code", "ICD10 Group", "Admissions"], [
        ["2023-04", "E01000901", "Assault", "9"], ["2023-05", "E01000903", "Assault", "<5"],
        ["2023-13", "E01000903", "Assault", "2"]]), "hospital-assaults", agency="Testshire ICB")
    return partner_sections(con, AREA, YEAR, "2023", 4000)


def test_the_excel_sources_sheet_lists_each_partner_file_with_period_rows_quarantined_and_agency(con, tmp_path):
    from openpyxl import load_workbook

    from csphub.analytics.assessment.workbook import write_workbook

    figures = {"data_notes": {"sources": [], "licence": "Open Government Licence v3.0"},
               "population": {"source": "ONS", "year": 2023}, "partner": _two_partner_files(con, tmp_path),
               "coverage": {"months_present": [], "months_missing": []}, "year": YEAR.name,
               "period": {"label": "April 2023 to March 2024"}, "css": {}}
    write_workbook([], tmp_path / "a.xlsx", figures)
    rows = [[c.value for c in row] for row in load_workbook(tmp_path / "a.xlsx")["Sources"].iter_rows()]
    header = rows.index(["Partner files", None, None, None, None, None, None, None])
    assert rows[header + 1] == ["Dataset", "Agency", "File", "First period", "Last period", "Rows loaded",
                                "Rows quarantined", "Rows suppressed"]
    assert rows[header + 2:header + 4] == [
        ["Hospital admissions for assault", "Testshire ICB", "hes.csv", "2023-04", "2023-05", 2, 1, 1],
        ["Road casualties (STATS19)", "Testshire Police", "stats19.csv", "2022-04", "2024-03", 33, 0, 0]]


def test_the_html_appendix_lists_each_partner_file_in_background_and_data_information(con, tmp_path):
    from jinja2 import Environment, PackageLoader, select_autoescape

    figures = {"area": {"name": "Testford"}, "year": YEAR.name, "partner": _two_partner_files(con, tmp_path)}
    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"), autoescape=select_autoescape())
    html = env.from_string('{% import "partner_sections.html.j2" as partner %}{{ partner.files(f) }}').render(f=figures)
    assert ("<td>Hospital admissions for assault</td><td>Testshire ICB</td><td>hes.csv</td><td>2023-04 to 2023-05</td>"
            '<td class="num">2</td><td class="num">1</td>') in html
    assert "<td>Testshire Police</td><td>stats19.csv</td><td>2022-04 to 2024-03</td><td class=\"num\">33</td>" in html
    # the table is in the data-sources appendix, after its heading, not among the sections
    report = (env.loader.get_source(env, "assessment.html.j2")[0])
    background = report.index("<h2>Background and data information</h2>")
    assert report.index("partner.files(f)", background) > background
    sections = env.get_template("partner_sections_all.html.j2").render(f=figures)
    assert "Partner data files" not in sections


def test_the_survey_section_quotes_only_the_free_text_an_officer_marked_publishable(con, tmp_path):
    from jinja2 import Environment, PackageLoader, select_autoescape

    from csphub.analytics.partner.survey import mark_publishable

    ingest_survey(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024), parse_mapping(MAPPING, "m.toml"), "2024",
                  authority=TESTFORD)
    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"),
                      autoescape=select_autoescape())

    def rendered():
        figures = {"area": {"name": "Testford"}, "year": YEAR.name,
                   "partner": partner_sections(con, AREA, YEAR, "2023", 4000)}
        return figures["partner"], env.from_string(
            '{% import "partner_sections.html.j2" as partner %}{{ partner.survey(f) }}').render(f=figures)

    section, html = rendered()
    assert section["sections"]["survey"]["surveys"][0]["published_comments"] == []
    assert "Elm Road" not in html and "More police" not in html and "What respondents said" not in html
    mark_publishable(con, "community", "2024", 6, "comments", "A. Officer")  # line 6: "More police please"
    section, html = rendered()
    assert section["sections"]["survey"]["surveys"][0]["published_comments"] == [
        {"question": "comments", "answer": "More police please"}]
    assert "<li>More police please</li>" in html and "Elm Road" not in html


def test_deliberate_fires_are_shown_by_primary_and_secondary_and_casualties_by_road_user(con, tmp_path):
    from jinja2 import Environment, PackageLoader, select_autoescape

    load(con, write_csv_file(tmp_path / "fires.csv",
                             ["Incident Date", "Property Category", "Fire Type", "Motive", "LSOA Code"], [
        ["01/06/2023", "Dwelling", "Primary fire", "Deliberate", "E01000901"],
        ["02/06/2023", "Refuse", "Secondary fire", "Deliberate", "E01000901"],
        ["03/06/2023", "Grassland", "Secondary fire", "Deliberate", "E01000903"],
        ["04/06/2023", "Dwelling", "Primary fire", "Accidental", "E01000903"]]), "fire")
    north = point_in("E01000901")
    load(con, write_csv_file(tmp_path / "stats19.csv", ["date", "casualty_severity", "mode", "lon", "lat", "area_name"], [
        ["2023-06-01", "Slight", "Pedestrian", *north, "Testford"], ["2023-06-02", "Serious", "Car", *north, "Testford"],
        ["2023-06-03", "Slight", "Pedestrian", *north, "Testford"]]), "stats19")
    figures = {"area": {"name": "Testford"}, "year": YEAR.name, "partner": partner_sections(con, AREA, YEAR, "2023", 4000)}
    fires = figures["partner"]["sections"]["deliberate_fires"]["datasets"][0]
    assert [(r["fire_type"], r["count"]) for r in fires["by_fire_type"]] == [("Secondary fire", 2), ("Primary fire", 1)]
    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"), autoescape=select_autoescape())
    html = env.get_template("partner_sections_all.html.j2").render(f=figures)
    assert "<caption>By fire type (primary and secondary)</caption>" in html
    assert "<td>Secondary fire</td><td class=\"num\">2</td>" in html and "<td>Primary fire</td><td class=\"num\">1</td>" in html
    assert "<caption>By road user</caption>" in html and "<td>Pedestrian</td><td class=\"num\">2</td>" in html
