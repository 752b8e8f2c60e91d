"""`csphub demo` end to end: builds, loads through the real loaders, counts, and re-runs cleanly.

Counts are checked against pandas over the very files the demo wrote.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from csphub.analytics.synthetic import last_complete_financial_year_end
from csphub.cli import main

YEARS = "2"


def _warehouse_figures(data_dir) -> dict[str, int]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("street_crime", "source_files", "quarantine", "lsoa_ward_lookup",
                          "population", "boundaries", "areas")
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-data")
    runner = CliRunner()
    env = {"CSPHUB_DATA_DIR": str(data_dir), "CSPHUB_WAREHOUSE": None}
    first = runner.invoke(main, ["demo", "--years", YEARS, "--no-casework"], env=env)
    assert first.exit_code == 0, first.output + repr(first.exception)
    figures = _warehouse_figures(data_dir)
    return data_dir, env, first, figures


@pytest.fixture(scope="module")
def generated(demo_run) -> pd.DataFrame:
    data_dir = demo_run[0]
    source = data_dir / "demo" / "source"
    lookup = pd.read_csv(source / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", encoding="utf-8-sig",
                         dtype=str)
    street = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                        for p in sorted((source / "police-uk").rglob("*-street.csv"))])
    return street.merge(lookup, left_on="LSOA code", right_on="LSOA21CD")


def test_demo_loads_everything_with_nothing_quarantined(demo_run):
    data_dir, _, first, figures = demo_run
    files = sorted((data_dir / "demo" / "source" / "police-uk").rglob("*-street.csv"))
    rows = sum(len(pd.read_csv(p, dtype=str)) for p in files)
    assert len(files) == 24
    assert figures["source_files"] == 37  # 24 street files, the ASB extract, 10 partner datasets, 2 survey waves
    assert figures["street_crime"] == rows
    assert figures["quarantine"] == 0
    assert figures["areas"] == 3
    assert "What to try next" in first.output
    assert "csphub counts --area Riverford" in first.output
    assert "csphub assess --area Riverford --year" in first.output
    assert "ASB is concentrated: Town Centre, Riverside" in first.output


def test_counts_on_the_demo_area_match_the_files(demo_run, generated):
    _, env, _, _ = demo_run
    riverford = generated[generated["LAD23CD"] == "E06999001"]
    first, last = riverford["Month"].min(), riverford["Month"].max()
    result = CliRunner().invoke(main, ["counts", "--area", "Riverford", "--from", first,
                                       "--to", last, "--by", "crime_type", "--format", "json"],
                                env=env)
    assert result.exit_code == 0, result.output
    counted = {r["crime_type"]: r["count"] for r in json.loads(result.output)}
    assert counted == riverford["Crime type"].value_counts().to_dict()


def test_asb_by_ward_matches_the_files(demo_run, generated):
    _, env, _, _ = demo_run
    riverford = generated[(generated["LAD23CD"] == "E06999001")
                          & (generated["Crime type"] == "Anti-social behaviour")]
    result = CliRunner().invoke(main, ["counts", "--area", "E06999001", "--from",
                                       riverford["Month"].min(), "--to", riverford["Month"].max(),
                                       "--by", "ward", "--crime-type", "Anti-social behaviour",
                                       "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    counted = {r["ward_name"]: r["count"] for r in json.loads(result.output)}
    assert counted == riverford["WD23NM"].value_counts().to_dict()


def test_population_in_the_warehouse_matches_the_file(demo_run):
    data_dir = demo_run[0]
    population = pd.read_csv(data_dir / "demo" / "source" / "ons" / "lsoa21_population.csv")
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        loaded = con.execute("select sum(population) from population").fetchone()[0]
    finally:
        con.close()
    assert loaded == population["population"].sum()


def test_a_second_run_adds_nothing(demo_run):
    data_dir, env, _, figures = demo_run
    again = CliRunner().invoke(main, ["demo", "--years", YEARS, "--no-casework"], env=env)
    assert again.exit_code == 0, again.output + repr(again.exception)
    assert _warehouse_figures(data_dir) == figures
    assert "0 files loaded, 24 already loaded" in again.output


def test_fresh_rebuilds_the_demo_and_leaves_real_data_alone(demo_run, tmp_path):
    # on a copy of the module's data directory: the real rows added here would otherwise reach
    # any test that reads the shared warehouse after this one
    _, _, _, figures = demo_run
    data_dir = shutil.copytree(demo_run[0], tmp_path / "data")
    env = {**demo_run[1], "CSPHUB_DATA_DIR": str(data_dir)}
    year = last_complete_financial_year_end().year - 1  # the demo's population year
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    con.execute("insert into areas values ('Medway', 'E06000035')")
    con.execute("insert into population values ('E01016016', ?, 1500, 'real')", [year])
    con.execute("insert into lsoa_ward_lookup values ('E01016016', 'Medway 015A', '2021', "
                "'E05015000', 'Real ward', '2023', 'E06000035', 'Medway', '2023', 'real.csv')")
    con.close()
    fresh = CliRunner().invoke(main, ["demo", "--years", YEARS, "--fresh", "--no-casework"], env=env)
    assert fresh.exit_code == 0, fresh.output + repr(fresh.exception)
    after = _warehouse_figures(data_dir)
    assert after["street_crime"] == figures["street_crime"]
    assert after["source_files"] == figures["source_files"]
    assert after["areas"] == figures["areas"] + 1
    assert after["population"] == figures["population"] + 1
    assert after["lsoa_ward_lookup"] == figures["lsoa_ward_lookup"] + 1
    again = CliRunner().invoke(main, ["demo", "--years", YEARS, "--no-casework"], env=env)
    assert again.exit_code == 0, again.output
    assert _warehouse_figures(data_dir) == after  # real rows of the same vintage and year kept
