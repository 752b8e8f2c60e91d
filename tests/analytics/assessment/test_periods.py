"""Any period, not only financial years (issue 13, item 1): --from/--to and --rolling N, each
compared with the same months a year earlier, like for like; a period with no data of any kind
stops with an error naming what is missing.

The hand-made partnership (handmade.py) gives the answers: in 2023/24 burglary is 100 a month,
in 2022/23 84 a month from April to July and 83 after; robbery 55 a year (5 a month April to
October, 4 after) and 50 (5 in April and May, 4 after); shoplifting 8 a month."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.availability import NoDataForPeriod
from csphub.analytics.assessment.figures import rolling_period
from csphub.analytics.assessment.periods import FinancialYear, MonthSpan
from csphub.analytics.assessment.render import build_charts, map_layers, render_html
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main

from . import handmade
from .handmade import LAD


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid-periods")
    files = handmade.write_partnership(folder / "src")
    march = files["police"] / "2024-03" / "2024-03-gridshire-street.csv"
    lines = march.read_text().splitlines(keepends=True)
    march.write_text("".join(lines[:11]))  # March 2024 incomplete: 10 rows
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        yield con, add_area(con, "Gridshire", [LAD])


def test_october_to_february_against_the_same_months_a_year_earlier(grid):
    con, area = grid
    period = MonthSpan.parse("2023-10", "2024-02")
    figures = build_figures(con, area, AssessmentOptions(period, previous_years=1, permutations=999))
    assert figures["year"] == "Oct 2023 to Feb 2024"
    assert figures["period"] == {"start": "2023-10", "end": "2024-02", "label": "Oct 2023 to Feb 2024",
                                 "months": 5, "kind": "months"}
    crime = figures["crime"]
    # burglary 5 x 100, robbery 5 + 4 x 4, shoplifting 5 x 8; a year earlier 5 x 83, 5 x 4, 5 x 8
    assert crime["total"] == 500 + 21 + 40
    change = crime["change"]
    assert (change["current"], change["previous"]) == (561, 415 + 20 + 40)
    assert change["months_compared"] == ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02"]
    assert change["basis"].startswith("the whole period (Oct 2023 to Feb 2024 against the same months")
    assert change["direction"] == "rise" and crime["partial"] is False
    assert [t["year"] for t in crime["trend"]] == ["Oct 2022 to Feb 2023", "Oct 2023 to Feb 2024"]
    assert [m["month"] for m in crime["by_month"]] == change["months_compared"]
    assert crime["rate_basis"] == "Oct 2023 to Feb 2024 (5 months)"
    assert figures["coverage"]["partial"] is False
    html = render_html(figures, report_tables(figures), build_charts(figures, map_layers(con, figures)))
    assert "Strategic Assessment Oct 2023 to Feb 2024 (compared with the same months a year earlier)" in html


def test_rolling_twelve_months_end_at_the_latest_complete_month(grid):
    con, area = grid
    period = rolling_period(con, area, 12)
    assert (period.start, period.end) == (date(2023, 3, 1), date(2024, 2, 29))  # March 2024 is thin
    figures = build_figures(con, area, AssessmentOptions(period, previous_years=1, permutations=999))
    assert figures["coverage"]["months_present"][0] == "2023-03"
    # March 2023 has no month a year earlier loaded (the data start in April 2022): left out
    change = figures["crime"]["change"]
    assert change["months_compared"][0] == "2023-04" and len(change["months_compared"]) == 11
    assert "left out: Mar 2023 (no data in Mar 2022)" in figures["crime"]["change_note"]
    assert rolling_period(con, area, 3).name == "Dec 2023 to Feb 2024"


def test_a_financial_year_asked_as_months_is_the_financial_year():
    assert MonthSpan.parse("2023-04", "2024-03") == FinancialYear(2023)
    assert MonthSpan.ending(date(2024, 3, 1), 12) == FinancialYear(2023)
    with pytest.raises(ValueError, match="at most 12 months"):
        MonthSpan.parse("2023-01", "2024-01")
    with pytest.raises(ValueError, match="ends .* before it starts"):
        MonthSpan.parse("2024-03", "2024-01")
    with pytest.raises(ValueError, match="YYYY-MM"):
        MonthSpan.parse("2024-13", "2024-12")


def test_a_period_with_no_data_stops_naming_what_is_missing(grid):
    con, area = grid
    with pytest.raises(NoDataForPeriod) as raised:
        build_figures(con, area, AssessmentOptions(MonthSpan.parse("2025-01", "2025-03")))
    message = str(raised.value)
    assert message.startswith("No data for Gridshire in Jan 2025 to Mar 2025: no police.uk months "
                              "(loaded for Gridshire: Apr 2022 to Mar 2024)")
    assert "no Home Office offence-code counts" in message and "no partner ASB records" in message


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2023/24", "--rolling", "12"], "give the period one way"),
    ([], "give the period one way"),
    (["--from", "2023-10"], "--from and --to go together"),
    (["--from", "2023-01", "--to", "2024-06"], "at most 12 months"),
    (["--from", "2023/10", "--to", "2024-01"], "YYYY-MM"),
])
def test_the_cli_refuses_an_unclear_period(tmp_path, args, message):
    result = CliRunner(env={"CSPHUB_DATA_DIR": str(tmp_path)}).invoke(
        main, ["assess", "--area", "Gridshire", "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2 and message in result.output


def test_the_cli_rolling_period_with_nothing_loaded_says_so(tmp_path):
    files = handmade.write_partnership(tmp_path / "src")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(tmp_path / "data")})
    for args in (["geography", "load", str(files["lookup"])], ["area", "add", "Gridshire", "--lad", LAD]):
        assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, ["assess", "--area", "Gridshire", "--rolling", "12", "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "No complete month of police.uk data is loaded for Gridshire" in result.output
