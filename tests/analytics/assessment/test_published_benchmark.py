"""Benchmarking against published figures (issue 13, item 8, with item 1's rules): the ONS Crime
Severity Score table, a Most Similar Group file, the England and Wales row, violence against the
person from offence-code counts.

Hand-made files with answers worked out by hand: Gridshire (handmade.py, 9,000 residents) and its
group Peerton, Lowtown, Hightown. ``../shared/data`` holds no CSS table or MSG file, so there is no
real-file test of these loaders.

Every test starts from its own copy of one warehouse built once for the module, and loads the
published files it needs itself: no test depends on another having run first (pytest-xdist shares
a module's tests between workers, each with its own module fixtures).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from csphub.analytics.areas import add_area, resolve_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import render_html
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_lookup, load_population
from csphub.analytics.offence_counts import load_offence_counts
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.published import load_css_table, load_msg, most_similar_group, published_css
from csphub.analytics.severity import load_severity_weights
from csphub.analytics.warehouse import SCHEMA_VERSION, open_warehouse
from csphub.cli import main

from . import handmade
from .handmade import LAD

TITLE = [["Crime Severity Score (experimental statistics), by Community Safety Partnership"],
         ["Source: Office for National Statistics. [x] = not available"], []]
HEADER = ["Area Code", "Area Name", "Year ending Mar 2023", "Year ending Mar 2024"]
CSS_ROWS = [
    ["K04000001", "England and Wales", "15.9", "16.4"],
    [LAD, "Gridshire", "20.0", "22.5"],
    ["E22000001", "Peerton", "18.0", "25.0"],
    ["E22000002", "Lowtown", "[x]", "10.0"],
    ["E22000003", "Hightown", "30.0", ".."],
    ["E2200004", "Misspelt", "12.0", "13.0"],      # 8 characters: not an ONS code
    ["E22000005", "Badvalue", "12.0", "twelve"],   # neither a number nor a marker
]
PEERTON_LAD = "E06000078"


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Table 2"
    for row in rows:
        sheet.append([float(v) if v.replace(".", "").isdigit() else v for v in row] if row else [None])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def grid_warehouse(tmp_path_factory) -> Path:
    """The hand-made partnership and Peerton, with no CSS table or MSG file loaded; built once."""
    folder = tmp_path_factory.mktemp("published")
    files = handmade.write_partnership(folder / "src")
    peer_lookup = write_csv(folder / "peer-lookup.csv", [
        ["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"],
        ["E01099001", "Peerton 001", "E05099001", "Peer ward", PEERTON_LAD, "Peerton"],
        ["E01099002", "Peerton 002", "E05099001", "Peer ward", PEERTON_LAD, "Peerton"]])
    peer_population = write_csv(folder / "peer-population.csv",
                                [["lsoacd", "population"], ["E01099001", "1000"], ["E01099002", "1000"]])
    weights = write_csv(folder / "weights.csv", [["offence_code", "weight", "police_uk_category"],
                                                 ["28E", "10", "Burglary"], ["34A", "2", "Robbery"],
                                                 ["46", "1", "Shoplifting"]])
    counts = write_csv(folder / "counts.csv", [
        ["area_code", "area_name", "financial_year", "offence_code", "count"],
        [LAD, "Gridshire", "2023/24", "1/4.1/4.10/4.2", "2"],   # homicide: VAP
        [LAD, "Gridshire", "2023/24", "8N", "88"],              # violence with injury: VAP
        [LAD, "Gridshire", "2023/24", "28E", "500"],            # burglary: not VAP
        [PEERTON_LAD, "Peerton", "2023/24", "105A", "50"],      # violence without injury: VAP
        ["E22000002", "Lowtown", "2023/24", "8N", "7"]])        # no population loaded: no rate
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_lookup(con, peer_lookup)
        load_population(con, files["population"], 2023, "hand-made")
        load_population(con, peer_population, 2023, "hand-made")
        ingest_police_uk(con, [files["police"]])
        load_severity_weights(con, weights)
        load_offence_counts(con, counts, "csp")
        add_area(con, "Gridshire", [LAD])
        add_area(con, "Peerton", [PEERTON_LAD])
    return folder / "w.duckdb"


@pytest.fixture
def grid(grid_warehouse, tmp_path):
    """A copy of the module's warehouse for one test: what a test loads stays in its own copy."""
    path = shutil.copy(grid_warehouse, tmp_path / "w.duckdb")
    with open_warehouse(path) as con:
        yield con, resolve_area(con, "Gridshire"), tmp_path


def load_css_and_msg(con, folder: Path) -> None:
    """The CSS table (CSS_ROWS: Lowtown [x] in 2022/23, Hightown '..' in 2023/24) and Gridshire's
    MSG: Peerton 1, Lowtown 2, Hightown 4 (position 3 names Gridshire itself and is quarantined)."""
    load_css_table(con, write_csv(folder / "css.csv", [*TITLE, HEADER, *CSS_ROWS]))
    load_msg(con, write_msg(folder / "msg.csv"))


def write_msg(path: Path) -> Path:
    return write_csv(path, [["CSP name", "MSG name", "Position"],
                            ["Gridshire", "Peerton", "1"], ["Gridshire", "Lowtown", "2"],
                            ["Gridshire CSP", "Gridshire", "3"], ["Gridshire", "Hightown", "4"]])


def load_previous_year_counts(con, folder: Path) -> None:
    """2022/23 offence-code counts: Gridshire the whole year (75 VAP: 1 homicide, 74 with injury;
    burglary is not VAP), Peerton quarters 1 and 2 only, Lowtown none."""
    load_offence_counts(con, write_csv(folder / "counts-2022.csv", [
        ["area_code", "area_name", "financial_year", "quarter", "offence_code", "count"],
        *[[LAD, "Gridshire", "2022/23", str(q), code, n] for q, code, n in (
            (1, "1/4.1/4.10/4.2", "1"), (1, "8N", "20"), (2, "8N", "18"), (3, "8N", "20"), (4, "8N", "16"),
            (4, "28E", "400"))],
        [PEERTON_LAD, "Peerton", "2022/23", "1", "105A", "10"],
        [PEERTON_LAD, "Peerton", "2022/23", "2", "105A", "12"]]), "csp")


def _values(con, year: str) -> dict:
    return {r["area_code"]: (r["value"], r["marker"]) for r in published_css(con, year)}


def test_the_css_table_loads_below_its_title_rows_keeping_x_as_missing(grid):
    con, _, folder = grid
    path = write_csv(folder / "css.csv", [*TITLE, HEADER, *CSS_ROWS, [], ["Note 1: experimental statistics"]])
    result = load_css_table(con, path)
    # 5 good areas x 2 years; the misspelt code's row and the one bad value are quarantined
    assert (result.loaded, result.quarantined, result.skipped) == (11, 2, False)
    earlier, later = _values(con, "2022/23"), _values(con, "2023/24")
    assert earlier["E22000002"] == (None, "[x]") and later["E22000003"] == (None, "..")
    assert later[LAD] == (22.5, None) and earlier["K04000001"] == (15.9, None)
    assert "E22000005" in earlier and "E22000005" not in later  # its good year loads
    quarantined = con.execute("select line, field, value, reason from quarantine where file = ? order by line",
                              [str(path)]).fetchall()
    assert [(q[0], q[1], q[2]) for q in quarantined] == [(10, "Area Code", "E2200004"),
                                                          (11, "Year ending Mar 2024", "twelve")]
    assert "a letter and 8 digits" in quarantined[0][3] and "[x]" in quarantined[1][3]
    assert load_css_table(con, path).skipped  # the same file again adds nothing


def test_the_msg_file_never_makes_the_area_its_own_peer(grid):
    con, area, folder = grid
    path = write_msg(folder / "msg.csv")
    result = load_msg(con, path)
    assert (result.loaded, result.quarantined) == (3, 1)
    reason = con.execute("select reason from quarantine where file = ?", [str(path)]).fetchone()[0]
    assert "never its own peer" in reason
    group = most_similar_group(con, area.name, area.lad_codes)
    assert [(p["position"], p["area_name"]) for p in group["peers"]] == [(1, "Peerton"), (2, "Lowtown"),
                                                                           (4, "Hightown")]


def _figures(con, area, year=2023):
    return build_figures(con, area, AssessmentOptions(FinancialYear(year), previous_years=1, permutations=99))


def test_a_missing_peer_value_gives_no_rank_and_the_subject_is_listed_once(grid):
    con, area, folder = grid
    load_css_and_msg(con, folder)
    pub = _figures(con, area)["benchmark"]["published_css"]
    names = [r["area_name"] for r in pub["rows"]]
    assert names == ["Gridshire", "Peerton", "Lowtown", "Hightown"]  # subject once, then the MSG in order
    assert [r["value"] for r in pub["rows"]] == [22.5, 25.0, 10.0, None]
    assert pub["rows"][3]["missing"] == "not available (..)"
    assert pub["rank"] is None and "Hightown" in pub["rank_note"]
    assert all(r["months"][0] == "2023-04" and len(r["months"]) == 12 for r in pub["rows"][:3])
    assert pub["rows"][0]["period"] == "year ending March 2024, full year (published)"
    assert pub["rows"][3]["months"] == [] and pub["rows"][3]["period"] is None  # a missing value covers nothing
    assert pub["england_and_wales"]["value"] == 16.4 and pub["england_and_wales"]["rank"] is None
    # 2022/23: Lowtown's [x] is missing, not zero, and stops the rank
    earlier = _figures(con, area, 2022)["benchmark"]["published_css"]
    assert earlier["rows"][2]["value"] is None and earlier["rank"] is None
    # no offence counts for 2022/23: the CSS is estimated from police.uk, shown apart, not ranked.
    # Burglary's weight is 28E's (10); robbery and shoplifting codes have no counts loaded to
    # weight them by, so they carry none: 1,000 burglaries x 10 / 9,000
    own = earlier["subject_computed"]
    assert own["method"] == "CSS estimated from police.uk" and own["rank"] is None
    assert own["value"] == round(1000 * 10 / 9000, 3) and len(own["months"]) == 12
    assert [r["value"] for r in earlier["rows"]][:2] == [20.0, 18.0]  # the published ones


def test_a_reissued_release_replaces_the_old_values_and_ranks_only_on_one_release(grid):
    con, area, folder = grid
    load_css_and_msg(con, folder)
    partial = write_xlsx(folder / "css-hightown.xlsx", [*TITLE, HEADER, ["E22000003", "Hightown", "30.0", "28.0"]])
    result = load_css_table(con, partial)
    assert (result.loaded, result.replaced) == (2, 2)
    assert _values(con, "2023/24")["E22000003"] == (28.0, None)
    pub = _figures(con, area)["benchmark"]["published_css"]
    assert pub["rank"] is None and "different releases" in pub["rank_note"]
    whole = write_xlsx(folder / "css-2024.xlsx", [*TITLE, HEADER, *CSS_ROWS[:5]])
    load_css_table(con, whole)
    figures = _figures(con, area)
    pub = figures["benchmark"]["published_css"]
    # 2023/24 published: Hightown is '..' again in the full re-issue, so it is missing again
    assert _values(con, "2023/24")["E22000003"] == (None, "..") and pub["rank"] is None
    fixed = write_xlsx(folder / "css-2024-r2.xlsx",
                       [*TITLE, HEADER, *CSS_ROWS[:4], ["E22000003", "Hightown", "30.0", "28.0"]])
    load_css_table(con, fixed)
    figures = _figures(con, area)
    pub = figures["benchmark"]["published_css"]
    # 28.0 > 25.0 > 22.5 > 10.0: Gridshire third of four (England and Wales not counted)
    assert (pub["rank"], pub["rank_of"]) == (3, 4)
    assert [r["rank"] for r in pub["rows"]] == [3, 2, 4, 1]
    # the CSS computed here (exact: of the codes loaded only 28E has a weight, 500 x 10 / 9,000)
    # is shown apart and never ranked against the published values
    own = pub["subject_computed"]
    assert own["method"] == "exact CSS (offence-code counts)" and own["rank"] is None
    assert own["value"] == round(500 * 10 / 9000, 3) and "not ranked" in own["rank_note"]
    table = next(t for t in report_tables(figures) if t.key == "Benchmarking published CSS")
    assert [r[0] for r in table.rows] == ["Gridshire", "Peerton", "Lowtown", "Hightown", "England and Wales",
                                          "Gridshire (computed in this report)"]
    assert table.rows[0][4] == "3 of 4" and table.rows[-1][4] == "not ranked"
    html = render_html(figures, report_tables(figures), [])
    assert "Benchmarking: published Crime Severity Score, year ending March 2024" in html
    assert "Benchmarking: violence against the person, 2023/24" in html


def test_violence_against_the_person_is_benchmarked_from_offence_codes(grid):
    con, area, folder = grid
    load_msg(con, write_msg(folder / "msg.csv"))
    figures = _figures(con, area)
    vap = figures["benchmark"]["violence"]
    rows = {r["area_name"]: r for r in vap["rows"]}
    assert list(rows) == ["Gridshire", "Peerton", "Lowtown", "Hightown"]
    # Gridshire: homicide 2 + 8N 88 = 90 over 9,000; Peerton 50 over 2,000
    assert (rows["Gridshire"]["offences"], rows["Gridshire"]["rate_per_1000"]) == (90, 10.0)
    assert (rows["Peerton"]["offences"], rows["Peerton"]["rate_per_1000"]) == (50, 25.0)
    assert (rows["Gridshire"]["rank"], rows["Gridshire"]["rank_of"]) == (2, 2)
    assert rows["Lowtown"]["offences"] == 7 and rows["Lowtown"]["rate_per_1000"] is None
    assert "no population" in rows["Lowtown"]["rank_note"]
    assert rows["Hightown"]["offences"] is None
    # the MSG is the benchmark's peers: Peerton is a warehouse row, and the subject appears once
    bench = figures["benchmark"]
    assert [r["area_name"] for r in bench["rows"]] == ["Gridshire", "Peerton"]
    assert bench["peers_source"].startswith("Most Similar Group")


def test_a_version_4_warehouse_gains_the_published_tables(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        con.execute("drop table css_published")
        con.execute("drop table most_similar_groups")
        con.execute("update schema_version set version = 4")
    with open_warehouse(path) as con:
        assert con.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert con.execute("select count(*) from css_published").fetchone() == (0,)


def test_the_cli_loads_a_css_table_and_an_msg_file(data_dir, tmp_path):
    css = write_csv(tmp_path / "css.csv", [*TITLE, HEADER, *CSS_ROWS])
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "css-table", str(css)])
    assert result.exit_code == 0, result.output
    assert "css.csv: 11 area-year values loaded, 2 quarantined" in result.output
    again = runner.invoke(main, ["ingest", "css-table", str(css)])
    assert "css.csv: already loaded, skipped" in again.output
    msg = write_csv(tmp_path / "msg.csv", [["CSP name", "MSG 1", "MSG 2"], ["Gridshire", "Peerton", "Lowtown"]])
    loaded = runner.invoke(main, ["ingest", "msg", str(msg)])
    assert loaded.exit_code == 0 and "msg.csv: 2 peer rows loaded, 0 quarantined" in loaded.output
    listed = runner.invoke(main, ["quarantine", "--format", "csv"])
    assert "E2200004" in listed.output and "twelve" in listed.output
    bad = runner.invoke(main, ["ingest", "css-table", str(msg)])
    assert bad.exit_code != 0 and "year ending" in bad.output


def test_violence_against_the_person_is_compared_with_the_year_before_only_like_for_like(grid):
    con, area, folder = grid
    load_msg(con, write_msg(folder / "msg.csv"))
    load_previous_year_counts(con, folder)
    figures = _figures(con, area)
    rows = {r["area_name"]: r for r in figures["benchmark"]["violence"]["rows"]}
    own, peer = rows["Gridshire"], rows["Peerton"]
    # 90 against 75, both whole years: +20.0%
    assert (own["previous_offences"], own["change"]) == (75, 20.0)
    assert own["previous_period"] == "2022/23, the whole year" and own["change_note"] is None
    assert own["previous_rate_per_1000"] == round(75 * 1000 / 9000, 1)
    # Peerton: 2023/24 whole, 2022/23 half: 50 against 22 is not a change
    assert peer["previous_offences"] == 22 and peer["change"] is None
    assert peer["change_note"] == "not compared: 2023/24 has the whole year, 2022/23 quarters 1, 2 only"
    # Lowtown has no 2022/23 counts
    assert rows["Lowtown"]["change_note"] == "not compared: no offence-code counts loaded for 2022/23"
    table = next(t for t in report_tables(figures) if t.key == "Benchmarking violence")
    cells = {r[0]: r for r in table.rows}
    change = table.columns.index("% change (like for like)")
    assert cells["Gridshire"][change] == "+20.0%" and cells["Peerton"][change] == "not comparable"
    assert "quarters 1, 2 only" in cells["Peerton"][-1]


def test_the_wide_benchmark_tables_stay_inside_the_pdf_page(grid, tmp_path):
    """The violence table (11 columns with the year before) and the benchmark's reasons column."""
    from .test_pdf_overflow import boxes_wider_than_the_text_block

    con, area, folder = grid
    load_css_and_msg(con, folder)
    load_previous_year_counts(con, folder)
    figures = _figures(con, area)
    tables = report_tables(figures)
    assert any(t.key == "Benchmarking violence" for t in tables)
    html = tmp_path / "assessment.html"
    html.write_text(render_html(figures, tables, []), encoding="utf-8")
    assert boxes_wider_than_the_text_block(html) == []
