"""No misleading comparison (issue 13, item 1): a change, rank or significance only between
like-for-like periods, partial-period rates labelled partial, and a period with no data stopped
with an error naming what is missing.

The found case is real: the four Kent files hold January to April 2024, so 2024/25 has April 2024
only and 2023/24 January to March 2024; no month of one has its month a year earlier in the other.
The hand-made partnership (handmade.py) gives the known answers for an incomplete month.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.availability import NoDataForPeriod
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import build_charts, map_layers, render_html
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.offence_counts import load_offence_counts
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.severity import load_severity_weights
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main

from . import handmade
from .handmade import LAD

MEDWAY = "E06000035"
ASB = "Anti-social behaviour"
#: Kent Police's area: the twelve Kent districts and Medway.
KENT_LADS = [f"E070001{n:02d}" for n in range(5, 17)] + [MEDWAY]


@pytest.fixture(scope="module")
def kent(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kent-like-for-like")
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        ingest_police_uk(con, [shared_data / "police-uk" / "kent"])
        load_severity_weights(con, shared_data / "ons" / "crime_severity_weights.csv")
        yield con, add_area(con, "Medway", [MEDWAY]), folder


def _peers(folder: Path, rows: list[tuple]) -> Path:
    path = folder / f"peers-{len(rows)}.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "area_name", "period", "measure", "value"])
        writer.writerows(rows)
    return path


PEERTON = [("E06000001", "Peerton", year, measure, value) for year, measure, value in (
    ("2023/24", "offence_rate", 100), ("2024/25", "offence_rate", 120),
    ("2023/24", "css", 13.5), ("2024/25", "css", 14.5))]


def _subject(figures: dict) -> dict:
    rows = [r for r in figures["benchmark"]["rows"] if r.get("is_subject")]
    assert len(rows) == 1
    return rows[0]


def test_april_2024_against_january_to_march_2024_gives_no_change_and_no_rank(kent):
    con, area, folder = kent
    options = AssessmentOptions(FinancialYear(2024), previous_years=1, peers_file=_peers(folder, PEERTON))
    figures = build_figures(con, area, options)
    own = _subject(figures)
    assert own["offence_rate_months"] == ["2024-04"]
    assert own["offence_rate_months_previous"] == ["2024-01", "2024-02", "2024-03"]
    assert own["offence_rate_partial"] is True
    for measure in ("offence_rate", "css"):
        assert own[f"{measure}_change"] is None, measure  # was -65.5% and -66.9%
        assert own[f"{measure}_rank"] is None, measure  # was ranked against full-year peers
        assert "no month" in own[f"{measure}_change_note"], measure
    assert "not ranked" in own["offence_rate_rank_note"]
    # the published peer keeps its full-year change, and ranks against no police.uk month
    peer = next(r for r in figures["benchmark"]["rows"] if r["area_name"] == "Peerton")
    assert peer["offence_rate_change"] == 20.0 and peer["offence_rate_rank"] is None
    # the sections say the same: no change, and why
    assert figures["crime"]["change"] is None and figures["asb"]["change"] is None
    assert "no month" in figures["crime"]["change_note"]
    assert figures["css"]["change"] is None and "no month" in figures["css"]["change_note"]
    text = " ".join(figures["narrative"])
    assert " fell " not in text and " rose " not in text
    assert "No change on 2023/24 can be given" in text
    cells = [c for t in report_tables(figures) if t.key == "Benchmarking" for row in t.rows for c in row]
    assert "-65.5" not in cells and "-66.9" not in cells
    assert "Apr 2024 only: 1 of 12 months, partial (computed here)" in cells and "not ranked" in cells


def test_the_subject_in_the_peers_file_is_listed_once_on_its_published_figures(kent):
    con, area, folder = kent
    peers = _peers(folder, [*PEERTON, (MEDWAY, "Medway", "2023/24", "offence_rate", 95),
                            (MEDWAY, "Medway", "2024/25", "offence_rate", 90)])
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1,
                                                         peers_file=peers))
    medway = [r for r in figures["benchmark"]["rows"] if MEDWAY in r["area_code"].split(",")]
    assert len(medway) == 1
    own = _subject(figures)
    # published full-year figures beside published full-year peers: like for like
    assert (own["offence_rate"], own["offence_rate_previous"]) == (90.0, 95.0)
    assert own["offence_rate_change"] == pytest.approx(-5.3, abs=0.05)
    assert (own["offence_rate_rank"], own["offence_rate_rank_of"]) == (2, 2)
    # its CSS is still the one-month estimate: not ranked against Peerton's published CSS
    assert own["css_rank"] is None and own["css_change"] is None


def test_a_partial_period_rate_is_labelled_partial(kent, medway_april):
    con, area, _ = kent
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1))
    crime = figures["crime"]
    assert crime["total"] == medway_april
    assert crime["rate_basis"] == "Apr 2024 only: 1 of 12 months, partial (not annualised)"
    rate_sentence = next(s for s in figures["narrative"] if "per 1,000" in s)
    assert "partial" in rate_sentence and "Apr 2024" in rate_sentence
    summary = next(t for t in report_tables(figures) if t.key == "Summary")
    assert summary.rows[1][0] == "Rate per 1,000 (partial: Apr 2024 only)"


@pytest.fixture(scope="module")
def medway_april(shared_data) -> int:
    """Medway's crimes (no ASB) of April 2024, counted with pandas."""
    crimes = pd.read_csv(shared_data / "police-uk" / "kent" / "2024-04-kent-street.csv", dtype=str)
    lookup = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str,
                         encoding="utf-8-sig")
    medway = crimes[crimes["LSOA code"].isin(lookup.loc[lookup.LAD23CD == MEDWAY, "LSOA21CD"])]
    return int((medway["Crime type"] != ASB).sum())


def test_a_year_with_offence_counts_only_says_no_police_uk_data_loaded(shared_data, tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        ingest_police_uk(con, [shared_data / "police-uk" / "kent" / "2024-04-kent-street.csv"])
        load_offence_counts(con, shared_data / "home-office" / "prc_pfa_2017_18.csv")
        load_severity_weights(con, shared_data / "ons" / "crime_severity_weights.csv")
        area = add_area(con, "Kent", KENT_LADS)
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2017), previous_years=1))
        layers = map_layers(con, figures)
    for section, series in (("crime", ""), ("asb", "ASB ")):
        assert figures[section]["total"] is None and figures[section]["rate_per_1000"] is None
        assert figures[section]["rate_ci"] is None
        assert figures[section]["note"] == (f"No police.uk {series}data loaded for Kent in 2017/18 "
                                            "(loaded for Kent: Apr 2024).")
    assert figures["css"]["method"] == "exact"  # from the Home Office counts
    assert figures["crime"]["by_group_source"] == "Home Office offence-code counts"
    text = " ".join(figures["narrative"])
    assert "0 crimes" not in text and "No police.uk data loaded for Kent in 2017/18" in text
    summary = next(t for t in report_tables(figures) if t.key == "Summary")
    assert summary.rows[0] == ["Total", "no data loaded", "no data loaded"]
    assert "CI 0.0 to 0.0" not in render_html(figures, report_tables(figures), build_charts(figures, layers))


# -- the hand-made partnership ---------------------------------------------------------------


def _thin(path: Path, keep: int) -> None:
    """Keep only the first ``keep`` rows of a police.uk month file (an incomplete month)."""
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:keep + 1]))


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid-thin")
    files = handmade.write_partnership(folder / "src")
    _thin(files["police"] / "2022-12" / "2022-12-gridshire-street.csv", 10)
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        yield con, add_area(con, "Gridshire", [LAD])


def test_an_incomplete_month_is_left_out_of_the_comparison(grid):
    con, area = grid
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))
    assert "2022-12" in figures["coverage"]["months_incomplete_previous"]
    change = figures["crime"]["change"]
    assert "2023-12" not in change["months_compared"] and len(change["months_compared"]) == 11
    # December 2023: 100 burglaries + 4 robberies + 8 shoplifting; December 2022: 83 + 4 + 8
    assert (change["current"], change["previous"]) == (1351 - 112, 1146 - 95)
    assert change["basis"].startswith("the 11 months present and complete in both years")
    assert "left out: Dec 2023 (Dec 2022 looks incomplete)" in figures["crime"]["change_note"]
    burglary = next(g for g in figures["crime"]["by_group"] if g["group"] == "Burglary")
    assert burglary["previous_count"] == 1000 - 83


def test_a_period_with_no_data_stops_naming_what_is_missing(grid):
    con, area = grid
    with pytest.raises(NoDataForPeriod) as raised:
        build_figures(con, area, AssessmentOptions(FinancialYear(2025), previous_years=1))
    message = str(raised.value)
    assert message.startswith("No data for Gridshire in 2025/26 (Apr 2025 to Mar 2026)")
    assert "no police.uk months (loaded for Gridshire: Apr 2022 to Mar 2024)" in message
    assert "no Home Office offence-code counts" in message and "no partner ASB records" in message


def test_the_cli_reports_a_period_with_no_data_as_an_error(tmp_path):
    files = handmade.write_partnership(tmp_path / "src")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(tmp_path / "data")})
    for args in (["geography", "load", str(files["lookup"])], ["ingest", "police-uk", str(files["police"])],
                 ["area", "add", "Gridshire", "--lad", LAD]):
        assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, ["assess", "--area", "Gridshire", "--year", "2019/20",
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "Error: No data for Gridshire in 2019/20" in result.output
    assert not (tmp_path / "out" / "assessment.html").exists()


# -- each benchmark figure says what period it covers (published full year or computed months) --

MEDWAY_CSS = [(MEDWAY, "Medway", "2023/24", "css", 12.0), (MEDWAY, "Medway", "2024/25", "css", 11.4)]


@pytest.fixture(scope="module")
def medway_published_css(kent):
    """2024/25 with April 2024 loaded, Medway's CSS published in the peers file for both years."""
    con, area, folder = kent
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1,
                                                         peers_file=_peers(folder, [*PEERTON, *MEDWAY_CSS])))
    return figures, folder


def test_a_published_figure_beside_computed_months_says_which_period_each_covers(medway_published_css):
    figures, folder = medway_published_css
    own = _subject(figures)
    year = [f"{y}-{m:02d}" for y, m in [(2024, m) for m in range(4, 13)] + [(2025, m) for m in (1, 2, 3)]]
    # the CSS is Medway's published full year: its months are the whole year, not April 2024
    assert own["css"] == 11.4 and own["css_months"] == year and own["css_partial"] is False
    assert own["css_period"] == "2024/25, full year (published)"
    assert own["css_covers"] == "published figure for the full financial year"
    assert own["css_change"] == pytest.approx(-5.0)  # published full year against published full year
    # the offence rate is computed here from April 2024 only, and says so
    assert own["offence_rate_months"] == ["2024-04"] and own["offence_rate_partial"] is True
    assert own["offence_rate_period"] == "Apr 2024 only: 1 of 12 months, partial (computed here)"
    assert own["offence_rate_covers"] == "computed here on the months listed"
    assert "months" not in own  # no row-wide months that one of its figures does not cover
    tables = {t.key: t for t in report_tables(figures)}
    css_row = next(r for r in tables["Benchmarking CSS"].rows if r[0] == "Medway")
    rate_row = next(r for r in tables["Benchmarking"].rows if r[0] == "Medway")
    assert css_row[2] == "2024/25, full year (published)" and css_row[4] == "2023/24, full year (published)"
    assert rate_row[2] == "Apr 2024 only: 1 of 12 months, partial (computed here)"
    html = render_html(figures, list(tables.values()), [])
    assert "2024/25, full year (published)" in html and "partial (computed here)" in html
    # figures.json and the Word draft hold the same words
    import json
    assert '"css_period": "2024/25, full year (published)"' in json.dumps(figures)
    from docx import Document

    from csphub.analytics.assessment.render import render_docx

    render_docx(html, figures, folder / "period.docx")
    cells = {c.text for t in Document(str(folder / "period.docx")).tables for row in t.rows for c in row.cells}
    assert {"2024/25, full year (published)", "Apr 2024 only: 1 of 12 months, partial (computed here)"} <= cells


def test_benchmark_change_cells_in_excel_are_percentages_or_empty_with_the_reason(medway_published_css, tmp_path):
    from openpyxl import load_workbook

    from csphub.analytics.assessment.render import render_xlsx

    figures, _ = medway_published_css
    render_xlsx(report_tables(figures), tmp_path / "a.xlsx", figures)
    sheet = load_workbook(tmp_path / "a.xlsx")["Benchmarking"]
    headings = [c.value for c in sheet[2]]
    change = headings.index("% change (like for like)")
    assert headings[change + 1] == "% change (like for like) (note)"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3) if r[0].value in ("Medway", "Peerton")}
    peer, own = rows["Peerton"][change], rows["Medway"][change]
    # Peerton: 100 -> 120 published, +20.0%; a number Excel can sum, shown as a percentage
    assert peer.data_type == "n" and peer.value == pytest.approx(0.2) and peer.number_format == "+0.0%;-0.0%;0.0%"
    assert rows["Peerton"][change + 1].value is None
    # Medway: April 2024 against January-March 2024: no number, and the note says why
    assert own.value is None and rows["Medway"][change + 1].value == "not comparable"
    why = rows["Medway"][headings.index("Why no change or rank")].value
    assert "no month" in why and "not ranked" in why
    css = load_workbook(tmp_path / "a.xlsx")["Benchmarking CSS"]
    medway_css = next(r for r in css.iter_rows(min_row=3) if r[0].value == "Medway")
    assert medway_css[change].data_type == "n" and medway_css[change].value == pytest.approx(-0.05)


@pytest.fixture(scope="module")
def kent_2017(shared_data, tmp_path_factory):
    """Kent 2017/18: Home Office offence counts and severity weights, police.uk for April 2024 only."""
    with open_warehouse(tmp_path_factory.mktemp("kent-2017") / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        ingest_police_uk(con, [shared_data / "police-uk" / "kent" / "2024-04-kent-street.csv"])
        load_offence_counts(con, shared_data / "home-office" / "prc_pfa_2017_18.csv")
        load_severity_weights(con, shared_data / "ons" / "crime_severity_weights.csv")
        area = add_area(con, "Kent", KENT_LADS)
        options = AssessmentOptions(FinancialYear(2017), previous_years=1, today=date(2026, 12, 4))
        figures = build_figures(con, area, options)
        yield con, area, figures, build_charts(figures, map_layers(con, figures))


NO_STREET = ("No police.uk street-level data is loaded for 2017/18 (csphub ingest police-uk FOLDER loads the "
             "police.uk monthly street-level files).")


def test_a_year_without_police_uk_says_so_in_place_of_empty_tables_and_charts(kent_2017):
    _, _, figures, made = kent_2017
    assert figures["police_uk"] == {"loaded": False, "note": NO_STREET, "left_out": figures["police_uk"]["left_out"]}
    tables = {t.key: t for t in report_tables(figures)}
    # no empty ward, trend, month or type table; the crime groups from the offence counts stay
    for key in ("Trend", "Seasonality", "Wards", "ASB top wards", "Crime types", "Hotspots"):
        assert key not in tables, key
    assert tables["Crime groups"].rows and "Summary" in tables
    kent_rate = next(r for r in tables["Benchmarking"].rows if r[0] == "Kent")
    assert kent_rate[1] == "" and kent_rate[-1] == "no police.uk data loaded for the year"  # says why empty
    assert {c.key for c in made} == {"groups"}  # no empty trend or seasonality chart
    html = render_html(figures, list(tables.values()), made)
    assert html.count(NO_STREET) == 1  # under crime's trend and seasonality
    # ASB and wards and hotspots have nothing else to show: left out, each with a line saying why
    assert "<h2>Anti-social behaviour (ASB)</h2>" not in html and "<h2>Wards and hotspots</h2>" not in html
    assert "<h2>Data not available</h2>" in html
    left_out = figures["data_not_available"][:2]
    assert left_out[0].startswith("Anti-social behaviour: no police.uk street-level data is loaded for 2017/18")
    assert left_out[1].startswith("Wards and hotspots: no police.uk street-level data is loaded for 2017/18")
    assert all(f"<li>{escape(line)}</li>" in html for line in left_out)


def test_the_coverage_prompt_says_load_the_files_for_a_year_long_published(kent_2017):
    from csphub.analytics.assessment.narrative import prompts

    _, _, figures, _ = kent_2017
    horizon = figures["commentary"]["sections"]["horizon_scan"]["prompts"][0]
    assert "when the missing months arrive" not in horizon
    assert horizon == ("The data for 2017/18 is partial: police.uk has already published the missing months, so "
                       "waiting will not bring them: load the missing months' files: Apr 2017 to Mar 2018 "
                       "(csphub ingest police-uk FOLDER) and assess again.")
    # in mid-April 2018 only February and March were still to come from police.uk
    early = prompts(figures, date(2018, 4, 15))["horizon_scan"][0]
    assert "load the missing months' files: Apr 2017 to Jan 2018" in early
    assert "when the missing months arrive (Feb 2018 to Mar 2018, expected from police.uk by Jun 2018)?" in early
