"""The community survey: margins of error against a hand computation, weighting by age and sex,
year-on-year change only when significant, groups only where n allows, free text kept out."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from csphub.analytics.partner.survey import (
    free_text,
    ingest_survey,
    kish_effective_n,
    load_survey_population,
    mark_publishable,
    parse_age_bands,
    parse_mapping,
    survey_results,
    two_proportion_test,
    wilson_interval,
)
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main
from csphub.errors import InputFileError

from .partner_kit import TESTFORD, load_geography, write_csv_file

MAPPING = """
survey = "community"
title = "Testford community safety survey"
[respondent]
id = "Respondent ID"
ward = "Which ward do you live in?"
age = "What is your age?"
sex = "What is your sex?"
[age_bands]
"16-34" = ["16-24", "25-34"]
"35+" = ["35-44", "45-64", "65+"]
[measures.safe_day]
title = "Feel safe during the day"
question = "How safe do you feel in Testford during the day?"
positive = ["Very safe", "Fairly safe"]
negative = ["Fairly unsafe", "Very unsafe"]
exclude = ["Don't know"]
[measures.safe_dark]
title = "Feel safe after dark"
question = "How safe do you feel in Testford after dark?"
positive = ["Very safe", "Fairly safe"]
negative = ["Fairly unsafe", "Very unsafe"]
[measures.worry_drugs]
title = "People using or dealing drugs"
group = "worries"
question = "People using or dealing drugs"
positive = ["A very big problem", "A fairly big problem"]
[choices.priorities]
title = "Priorities"
question = "Priorities (choose up to 3)"
options = ["Drugs", "Speeding", "Violence"]
[free_text]
comments = "Any other comments?"
"""
HEADER = ["Respondent ID", "Which ward do you live in?", "What is your age?", "What is your sex?",
          "How safe do you feel in Testford during the day?", "How safe do you feel in Testford after dark?",
          "People using or dealing drugs: how much of a problem is it?", "Priorities (choose up to 3)",
          "Any other comments?"]
# (ward, age, sex, day, dark, drugs, priorities, comment)
RESPONDENTS_2024 = [
    ("North", "16-24", "Female", "Very safe", "Fairly safe", "A very big problem", "Drugs;Speeding;", "The park on Elm Road is dark"),
    ("North", "25-34", "Female", "Fairly safe", "Very safe", "A fairly big problem", "Drugs;", ""),
    ("North", "16-24", "Female", "Very safe", "Fairly safe", "Not a very big problem", "Speeding;", ""),
    ("North", "25-34", "Female", "Fairly safe", "Fairly safe", "A very big problem", "Drugs;Violence;", ""),
    ("North", "16-24", "Male", "Very safe", "Fairly unsafe", "A very big problem", "", "More police please"),
    ("North", "25-34", "Male", "Fairly safe", "Very unsafe", "Not a problem at all", "Violence;", ""),
    ("South", "35-44", "Female", "Neither safe nor unsafe", "Fairly safe", "A very big problem", "Drugs;", ""),
    ("South", "45-64", "Female", "Neither safe nor unsafe", "Very unsafe", "", "Drugs;", ""),
    ("South", "65+", "Male", "Fairly unsafe", "Fairly safe", "A fairly big problem", "Speeding;", ""),
    ("South", "65+", "Male", "Don't know", "Neither safe nor unsafe", "A very big problem", "", ""),
]


def write_survey(path, respondents, duplicate=False):
    rows = [[f"R{i}", *r] for i, r in enumerate(respondents, start=1)]
    if duplicate:
        rows.append(["R1", *respondents[0]])
    return write_csv_file(path, HEADER, rows)


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo", boundaries=False)
        yield connection


def load(con, path, wave="2024"):
    return ingest_survey(con, path, parse_mapping(MAPPING, "mapping.toml"), wave, authority="Testford")


def by_measure(result):
    return {r["measure"]: r for r in result["rows"]}


def test_wilson_interval_matches_a_hand_computation():
    # 6 of 9: p = 2/3, z = 1.96; centre (p + z^2/18)/(1 + z^2/9), half-width as Wilson (1927)
    z = 1.959963984540054
    p, n = 6 / 9, 9
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(6, 9) == pytest.approx((centre - half, centre + half))
    assert [round(x * 100, 1) for x in wilson_interval(6, 9)] == [35.4, 87.9]
    # the seed's "73% felt very or fairly safe during the day", were 100 people to answer
    assert [round(x * 100, 1) for x in wilson_interval(73, 100)] == [63.6, 80.7]
    assert kish_effective_n([0.625] * 4 + [1.25] * 6) == pytest.approx(100 / 10.9375)
    assert two_proportion_test(0.5, 100, 0.5, 100) == 1.0


def test_results_give_n_percentages_and_margins_with_free_text_kept_out(con, tmp_path):
    summary = load(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024, duplicate=True))
    assert (summary.respondents, summary.quarantined, summary.placed_in_ward, summary.free_text_answers) == (10, 1, 10, 2)
    assert con.execute("select line, field, reason from quarantine").fetchall() == [
        (12, "Respondent ID", "the respondent id repeats line 2: a respondent counts once")]
    result = survey_results(con, "community")
    rows = by_measure(result)
    day = rows["safe_day"]  # "Don't know" is left out of the base: 6 of 9 safe, 1 of 9 unsafe
    assert (day["n"], day["percent"], day["lower"], day["upper"], day["percent_negative"]) == (9, 66.7, 35.4, 87.9, 11.1)
    dark = rows["safe_dark"]
    assert (dark["n"], dark["percent"], dark["percent_negative"]) == (10, 60.0, 30.0)
    assert (rows["worry_drugs"]["n"], rows["worry_drugs"]["percent"]) == (9, 77.8)  # one did not answer
    # priorities: 8 respondents chose at least one; Drugs 5 of them
    assert (rows["priorities:Drugs"]["n"], rows["priorities:Drugs"]["percent"]) == (8, 62.5)
    assert result["low_response"] and "Only 10 people responded" in result["warnings"][0]
    assert "Elm Road" not in json.dumps(result) and "More police" not in json.dumps(result)
    assert free_text(con, "community") == []
    mark_publishable(con, "community", "2024", 6, "comments", "A. Officer")
    assert [r["answer"] for r in free_text(con, "community")] == ["More police please"]
    assert len(free_text(con, "community", publishable_only=False)) == 2


def test_weighting_by_age_and_sex_against_a_hand_computation(con, tmp_path):
    load(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024))
    population = write_csv_file(tmp_path / "mye.csv", ["lad_code", "sex", "age", "population"], [
        [TESTFORD, "F", "20", "60"], [TESTFORD, "F", "30", "40"], [TESTFORD, "F", "40", "100"],
        [TESTFORD, "M", "20", "100"], [TESTFORD, "M", "70", "100"], [TESTFORD, "F", "10", "500"],  # a child: no band
    ])
    assert load_survey_population(con, population, 2023, parse_age_bands(["16-34", "35+"])) == 4
    dark = by_measure(survey_results(con, "community", weighted=True))["safe_dark"]
    # Population quarters are equal; the sample is 4 F16-34 (all safe), 2 M16-34 (none), 2 F35+
    # (one), 2 M35+ (one): weights 0.625, 1.25, 1.25, 1.25, so (4 x 0.625 + 1.25 + 1.25) / 10 = 50%
    assert dark["percent"] == 50.0
    assert dark["n_effective"] == round(100 / 10.9375, 1)
    lower, upper = wilson_interval(0.5 * 100 / 10.9375, 100 / 10.9375)
    assert (dark["lower"], dark["upper"]) == (round(lower * 100, 1), round(upper * 100, 1))


def test_the_ons_detailed_mid_year_estimates_load_as_published_reading_the_years_column(con, tmp_path):
    load(con, write_survey(tmp_path / "s.csv", RESPONDENTS_2024))
    # MYEB1's layout: ladcode23, laname23, country, sex (1 male, 2 female), age, a column a year.
    # The 2023 column has the same equal quarters as the hand computation above; 2022's do not.
    header = ["ladcode23", "laname23", "country", "sex", "age", "population_2022", "population_2023"]
    rows = [[TESTFORD, "Testford", "E", sex, age, "999", pop] for sex, age, pop in [
        ("2", "20", "60"), ("2", "30", "40"), ("2", "40", "100"), ("1", "20", "100"), ("1", "90", "100"),
        ("2", "5", "500")]] + [["E06000902", "Otherton", "E", "1", "20", "1", "7"]]
    path = write_csv_file(tmp_path / "myeb1.csv", header, rows)
    assert load_survey_population(con, path, 2023, parse_age_bands(["16-34", "35+"])) == 5  # 4 Testford + 1
    assert con.execute("select sex, age_band, population from survey_population where area_code = ? "
                       "order by 1, 2", [TESTFORD]).fetchall() == [
        ("Female", "16-34", 100.0), ("Female", "35+", 100.0), ("Male", "16-34", 100.0), ("Male", "35+", 100.0)]
    assert by_measure(survey_results(con, "community", weighted=True))["safe_dark"]["percent"] == 50.0
    with pytest.raises(InputFileError, match="population_2021 in the ONS detailed estimates"):
        load_survey_population(con, path, 2021, parse_age_bands(["16-34", "35+"]))


def test_change_on_last_year_only_when_significant_and_groups_only_where_n_allows(con, tmp_path):
    earlier = [(w, a, s, d, "Fairly unsafe" if i else "Fairly safe", dr, p, "")
               for i, (w, a, s, d, _, dr, p, _) in enumerate(RESPONDENTS_2024)]
    load(con, write_survey(tmp_path / "2023.csv", earlier), wave="2023")
    load(con, write_survey(tmp_path / "2024.csv", RESPONDENTS_2024), wave="2024")
    rows = by_measure(survey_results(con, "community", "2024"))
    assert rows["safe_dark"]["change"]["significant"] and rows["safe_dark"]["change"]["points"] == 50.0
    assert rows["safe_dark"]["change"]["text"] == "up from 10.0% in 2023"
    assert not rows["safe_day"]["change"]["significant"] and rows["safe_day"]["change"]["points"] is None
    assert rows["safe_day"]["change"]["text"] == "no significant change on 2023"
    by_ward = survey_results(con, "community", "2024", by="ward", min_group=5)
    dark = [r for r in by_ward["rows"] if r["measure"] == "safe_dark"]
    assert [(r["ward_name"], r["n"], r["percent"]) for r in dark] == [("North", 6, 66.7)]
    assert {"measure": "safe_dark", "group": "E05000902", "n": 4} in by_ward["groups_too_small"]


def test_a_new_file_for_a_wave_replaces_the_old_and_the_same_file_loads_once(con, tmp_path):
    path = write_survey(tmp_path / "s.csv", RESPONDENTS_2024)
    load(con, path)
    assert load(con, path).skipped
    replaced = load(con, write_survey(tmp_path / "s2.csv", RESPONDENTS_2024[:5]))
    assert replaced.replaced == 10
    assert survey_results(con, "community")["respondents"] == 5


def test_a_mapping_question_missing_from_the_file_is_named(con, tmp_path):
    path = write_csv_file(tmp_path / "s.csv", ["Respondent ID", "Something else"], [["R1", "x"]])
    with pytest.raises(InputFileError, match="How safe do you feel in Testford during the day"):
        load(con, path)


def test_cli_ingest_and_results_as_json(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as con:
        load_geography(con, tmp_path / "geo", boundaries=False)
    mapping = tmp_path / "survey.toml"
    mapping.write_text(MAPPING)
    runner = CliRunner()
    loaded = runner.invoke(main, ["ingest", "survey", str(write_survey(tmp_path / "s.csv", RESPONDENTS_2024)),
                                  "--mapping", str(mapping), "--wave", "2024", "--authority", TESTFORD])
    assert loaded.exit_code == 0, loaded.output
    assert "respondents: 10 loaded" in loaded.output
    result = runner.invoke(main, ["survey", "results", "--survey", "community", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert by_measure(data)["safe_day"]["percent"] == 66.7


def test_a_surveymonkey_export_with_two_header_rows_and_one_column_an_option(con, tmp_path):
    mapping = parse_mapping("""
survey = "monkey"
header_rows = 2
[measures.safe_dark]
question = "How safe do you feel after dark?"
positive = ["Very safe", "Fairly safe"]
[choices.priorities]
options = { "Drugs" = "Priorities - Drugs", "Speeding" = "Priorities - Speeding" }
[free_text]
comments = "Comments"
""", "monkey.toml")
    path = write_csv_file(tmp_path / "monkey.csv",
                          ["Respondent ID", "How safe do you feel after dark?", "Priorities", "", "Comments"], [
        ["", "Response", "Drugs", "Speeding", "Open-Ended Response"],
        ["1001", "Very safe", "Drugs", "", "A name and an address"],
        ["1002", "Very unsafe", "Drugs", "Speeding", ""],
        ["1003", "Fairly safe", "", "", ""],  # ticked nothing: not in the priorities' base
    ])
    summary = ingest_survey(con, path, mapping, "2024")
    assert (summary.respondents, summary.free_text_answers) == (3, 1)
    rows = by_measure(survey_results(con, "monkey"))
    assert (rows["safe_dark"]["n"], rows["safe_dark"]["percent"]) == (3, 66.7)
    assert (rows["priorities:Drugs"]["n"], rows["priorities:Drugs"]["percent"]) == (2, 100.0)
    assert (rows["priorities:Speeding"]["n"], rows["priorities:Speeding"]["percent"]) == (2, 50.0)


def test_a_respondent_who_gives_a_postcode_only_is_placed_in_its_ward(con, tmp_path):
    from csphub.analytics.partner.postcodes import load_postcodes

    load_postcodes(con, write_csv_file(tmp_path / "pc.csv", ["pcds", "lsoa21cd"], [["TF3 3CC", "E01000903"]]))
    mapping = parse_mapping('survey = "pc"\n[respondent]\npostcode = "Postcode"\nward = "Ward"\n'
                            '[measures.safe]\nquestion = "Safe?"\npositive = ["Yes"]', "pc.toml")
    path = write_csv_file(tmp_path / "pc.csv", ["Ward", "Postcode", "Safe?"], [
        ["", "tf3 3cc", "Yes"], ["North", "", "No"], ["", "ZZ1 1ZZ", "Yes"]])
    summary = ingest_survey(con, path, mapping, "2024")
    assert summary.placed_in_ward == 2
    assert con.execute("select respondent, ward_code from survey_respondents order by 1").fetchall() == [
        (2, "E05000902"), (3, "E05000901"), (4, None)]


def test_cli_free_text_is_published_only_once_an_officer_marks_it(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as con:
        load_geography(con, tmp_path / "geo", boundaries=False)
    mapping = tmp_path / "survey.toml"
    mapping.write_text(MAPPING)
    runner = CliRunner()
    path = write_survey(tmp_path / "s.csv", RESPONDENTS_2024)
    assert runner.invoke(main, ["ingest", "survey", str(path), "--mapping", str(mapping), "--wave", "2024",
                                "--authority", TESTFORD]).exit_code == 0
    published = runner.invoke(main, ["survey", "free-text", "--survey", "community", "--format", "json"])
    assert json.loads(published.output) == []
    review = json.loads(runner.invoke(main, ["survey", "free-text", "--survey", "community", "--all",
                                             "--format", "json"]).output)
    assert [r["answer"] for r in review] == ["The park on Elm Road is dark", "More police please"]
    marked = runner.invoke(main, ["survey", "publish", "--survey", "community", "--wave", "2024", "--respondent",
                                  str(review[1]["respondent"]), "--question", "comments", "--officer", "J. Patel"])
    assert marked.exit_code == 0, marked.output
    published = json.loads(runner.invoke(main, ["survey", "free-text", "--survey", "community",
                                                "--format", "json"]).output)
    assert [(r["answer"], r["marked_by"]) for r in published] == [("More police please", "J. Patel")]
    population = write_csv_file(tmp_path / "mye.csv", ["lad_code", "sex", "age", "population"], [
        [TESTFORD, "F", "20", "100"], [TESTFORD, "M", "20", "100"], [TESTFORD, "F", "50", "100"],
        [TESTFORD, "M", "50", "100"]])
    loaded = runner.invoke(main, ["survey", "population", str(population), "--year", "2023", "--bands", "16-34,35+"])
    assert loaded.exit_code == 0 and "4 area x sex x age band cells" in loaded.output
    weighted = runner.invoke(main, ["survey", "results", "--survey", "community", "--weighted", "--format", "json"])
    assert weighted.exit_code == 0, weighted.output
    assert by_measure(json.loads(weighted.output))["safe_dark"]["percent"] == 50.0
