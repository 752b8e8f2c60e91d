"""The synthetic demo files: deterministic, in police.uk's exact format, and realistic enough
that every section of the Strategic Assessment has something to say.

Every figure here is computed independently with pandas over the generated CSV files.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from csphub.analytics.synthetic import (
    CRIME_TYPES,
    STREET_HEADER,
    financial_year_months,
    force_slug,
    last_complete_financial_year_end,
    write_demo_sources,
)

END = date(2025, 3, 1)
RIVERFORD = "E06999001"
ASB = "Anti-social behaviour"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return write_demo_sources(tmp_path_factory.mktemp("demo") / "source", seed=7, end_month=END)


@pytest.fixture(scope="module")
def lookup(sources) -> pd.DataFrame:
    return pd.read_csv(sources.lookup, encoding="utf-8-sig", dtype=str)


@pytest.fixture(scope="module")
def street(sources) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sources.street_files]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def riverford(street, lookup) -> pd.DataFrame:
    placed = street.merge(lookup, left_on="LSOA code", right_on="LSOA21CD")
    return placed[placed["LAD23CD"] == RIVERFORD].assign(
        calendar_month=lambda d: d["Month"].str[5:7].astype(int),
        financial_year=lambda d: d["Month"].str[:4].astype(int)
        - (d["Month"].str[5:7].astype(int) < 4),
    )


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path):
    first = write_demo_sources(tmp_path / "a", seed=3, years=1, end_month=END)
    again = write_demo_sources(tmp_path / "b", seed=3, years=1, end_month=END)
    other = write_demo_sources(tmp_path / "c", seed=4, years=1, end_month=END)
    assert _digest(first.directory) == _digest(again.directory)
    assert _digest(first.directory) != _digest(other.directory)


def test_five_financial_years_in_the_archive_layout(sources):
    assert len(sources.street_files) == 60
    first, last = sources.street_files[0], sources.street_files[-1]
    assert first.relative_to(sources.directory).as_posix() == (
        "police-uk/2020-04/2020-04-aldshire-street.csv"
    )
    assert last.name == "2025-03-aldshire-street.csv"


def test_street_files_follow_police_uk_conventions(sources, street):
    for path in sources.street_files:
        assert path.read_text().splitlines()[0] == ",".join(STREET_HEADER)
        month = path.name[:7]
        assert (pd.read_csv(path, dtype=str)["Month"] == month).all(), path
    is_asb = street["Crime type"] == ASB
    assert street["Crime type"].isin(CRIME_TYPES).all()
    assert street.loc[~is_asb, "Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert street.loc[~is_asb, "Crime ID"].is_unique
    assert (street.loc[is_asb, "Crime ID"] == "").all()
    assert (street.loc[is_asb, "Last outcome category"] == "").all()
    assert (street.loc[~is_asb, "Last outcome category"] != "").all()
    nowhere = street["Location"] == "No Location"
    assert 0.002 < nowhere.mean() < 0.03
    assert (street.loc[nowhere, ["Longitude", "Latitude", "LSOA code"]] == "").all().all()
    assert street.loc[~nowhere, "Location"].str.startswith("On or near ").all()
    assert street.loc[~nowhere, "LSOA code"].str.fullmatch(r"E01\d{6}").all()
    longitude = street.loc[~nowhere, "Longitude"].astype(float)
    latitude = street.loc[~nowhere, "Latitude"].astype(float)
    assert longitude.between(-6, 2).all() and latitude.between(50, 56).all()  # in England
    assert (street.loc[~nowhere, "Longitude"].str.split(".").str[1].str.len() <= 6).all()


def test_coordinates_lie_inside_their_lsoa(sources):
    polygons = {
        f["properties"]["LSOA21CD"]: shape(f["geometry"])
        for f in json.loads(sources.lsoa_boundaries.read_text())["features"]
    }
    month = pd.read_csv(sources.street_files[-1], dtype=str, keep_default_na=False)
    placed = month[month["LSOA code"] != ""]
    outside = [
        row["LSOA code"]
        for _, row in placed.iterrows()
        if not polygons[row["LSOA code"]].contains(
            Point(float(row["Longitude"]), float(row["Latitude"]))
        )
    ]
    assert len(placed) > 4000
    assert outside == []


def test_lsoas_nest_in_wards_and_wards_in_the_lookup(sources, lookup):
    lsoas = {
        f["properties"]["LSOA21CD"]: shape(f["geometry"])
        for f in json.loads(sources.lsoa_boundaries.read_text())["features"]
    }
    wards = {
        f["properties"]["WD23CD"]: shape(f["geometry"])
        for f in json.loads(sources.ward_boundaries.read_text())["features"]
    }
    assert set(lsoas) == set(lookup["LSOA21CD"])
    assert set(wards) == set(lookup["WD23CD"])
    for _, row in lookup.iterrows():
        lsoa, ward = lsoas[row["LSOA21CD"]], wards[row["WD23CD"]]
        assert ward.buffer(1e-9).contains(lsoa), row["LSOA21CD"]
    riverford = lookup[lookup["LAD23CD"] == RIVERFORD]
    assert riverford["LAD23NM"].unique().tolist() == ["Riverford"]
    assert riverford["WD23CD"].nunique() == 20


def test_population_covers_the_lookup_and_sums_to_about_150k(sources, lookup):
    population = pd.read_csv(sources.population, dtype={"lsoacd": str})
    assert list(population.columns) == ["lsoacd", "population"]
    assert set(population["lsoacd"]) == set(lookup["LSOA21CD"])
    merged = population.merge(lookup, left_on="lsoacd", right_on="LSOA21CD")
    riverford = int(merged.loc[merged["LAD23CD"] == RIVERFORD, "population"].sum())
    assert riverford == sources.county.population_of(RIVERFORD)
    assert 140_000 < riverford < 160_000


def test_fictional_codes_never_collide_with_real_ones(shared_data, lookup):
    real = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", encoding="utf-8-sig",
                       dtype=str)
    assert not set(lookup["LSOA21CD"]) & set(real["LSOA21CD"])
    assert not set(lookup["WD23CD"]) & set(real["WD23CD"])
    assert not set(lookup["LAD23CD"]) & set(real["LAD23CD"])


def test_monthly_volumes_and_crime_mix_are_believable(riverford):
    is_asb = riverford["Crime type"] == ASB
    crimes_a_month = riverford[~is_asb].groupby("Month").size()
    asb_a_month = riverford[is_asb].groupby("Month").size()
    assert 2000 < crimes_a_month.mean() < 2500
    assert 500 < asb_a_month.mean() < 800
    assert 0.17 < is_asb.mean() < 0.25
    mix = riverford.loc[~is_asb, "Crime type"].value_counts(normalize=True)
    assert 0.35 < mix["Violence and sexual offences"] < 0.42
    assert mix.index[0] == "Violence and sexual offences"
    assert mix["Robbery"] < 0.02
    assert set(mix.index) == set(CRIME_TYPES) - {ASB}


def test_seasonality_summer_asb_and_december_shoplifting(riverford):
    asb = riverford[riverford["Crime type"] == ASB].groupby("calendar_month").size()
    assert asb[7] > 1.15 * asb[1]
    shoplifting = riverford[riverford["Crime type"] == "Shoplifting"]
    by_month = shoplifting.groupby("calendar_month").size()
    assert by_month[12] > 1.1 * by_month[11]


def test_trends_differ_by_crime_type(riverford):
    by_year = riverford.groupby(["financial_year", "Crime type"]).size().unstack()
    first, last = by_year.index.min(), by_year.index.max()
    assert by_year.loc[last, "Shoplifting"] > 1.4 * by_year.loc[first, "Shoplifting"]
    assert by_year.loc[last, "Burglary"] < 0.8 * by_year.loc[first, "Burglary"]


def test_asb_is_concentrated_in_the_town_centre_wards(riverford):
    asb = riverford[riverford["Crime type"] == ASB].groupby("WD23NM").size()
    top = asb.sort_values(ascending=False)
    assert top.head(3).sum() / top.sum() > 0.33  # 20 equal wards would give 15%
    assert set(top.index[:2]) == {"Town Centre", "Riverside"}


def test_getis_ord_finds_the_town_centre_cluster(sources, riverford):
    import geopandas as gpd
    from esda.getisord import G_Local
    from libpysal.weights import Queen, fill_diagonal

    cells = gpd.read_file(sources.lsoa_boundaries)
    cells = cells[cells["LADCD_ACTIVE"] == RIVERFORD].reset_index(drop=True)
    last_year = riverford[(riverford["Crime type"] == ASB) & (riverford["financial_year"] == 2024)]
    counts = last_year.groupby("LSOA code").size()
    values = cells["LSOA21CD"].map(counts).fillna(0).to_numpy(dtype=float)
    weights = fill_diagonal(Queen.from_dataframe(cells, use_index=False), 1.0)  # Gi*: self in
    gi = G_Local(values, weights, star=None, transform="R", permutations=499, seed=1,
                 alternative="two-sided")
    ward = cells["LSOA21CD"].map(dict(zip(riverford["LSOA21CD"], riverford["WD23NM"], strict=False)))
    hot = (gi.Zs > 0) & (gi.p_sim < 0.05)
    assert hot[ward.isin(["Town Centre", "Riverside"]).to_numpy()].sum() >= 4
    assert hot[ward.isin(["Northgate", "Greenhill", "Hatherley"]).to_numpy()].sum() == 0


def test_financial_year_helpers():
    assert last_complete_financial_year_end(date(2026, 3, 31)) == date(2025, 3, 1)
    assert last_complete_financial_year_end(date(2026, 4, 1)) == date(2026, 3, 1)
    months = financial_year_months(date(2026, 3, 1), years=2)
    assert (months[0], months[-1], len(months)) == (date(2024, 4, 1), date(2026, 3, 1), 24)
    assert force_slug("Aldshire Police") == "aldshire"
    assert force_slug("Avon and Somerset Constabulary") == "avon-and-somerset"
    assert re.fullmatch(r"[a-z-]+", force_slug("Devon & Cornwall Police"))


def _national():
    import importlib.util
    import sys

    from ..conftest import PROJECT_ROOT

    if "benchmarks_national" in sys.modules:
        return sys.modules["benchmarks_national"]
    spec = importlib.util.spec_from_file_location("benchmarks_national", PROJECT_ROOT / "benchmarks" /
                                                  "national.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmarks_national"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_national_archive_has_every_force_and_the_rows_asked_for(tmp_path):
    national = _national()
    archive = national.generate(tmp_path, rows=20_000, forces=43, months=2)
    assert len(archive.street_files) == 86
    assert {p.name.split("-", 2)[2].removesuffix("-street.csv") for p in archive.street_files} == {
        slug for slug, _, _ in national.FORCES
    }
    street = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                        for p in archive.street_files])
    assert len(street) == 20_000
    lookup = pd.read_csv(archive.lookup, dtype=str)
    assert 34_000 < len(lookup) < 36_000
    assert 6_500 < lookup["WD23CD"].nunique() < 7_500
    placed = street[street["LSOA code"] != ""]
    assert placed["LSOA code"].isin(lookup["LSOA21CD"]).all()
    met = street[street["Reported by"] == "Metropolitan Police Service"]
    assert 0.12 < len(met) / len(street) < 0.18
    again = national.generate(tmp_path, rows=20_000, forces=43, months=2)
    assert again.street_files == archive.street_files  # reused, not rewritten


@pytest.mark.slow
def test_benchmark_quick_run_measures_everything_and_agrees_with_its_peers(tmp_path):
    """A small run of benchmarks/run.py: every measurement runs, at 1x and 2x, CSP Hub's month x
    crime type x ward counts equal pandas' and DuckDB's on the same files, and the figures are
    written into the marked block of a Markdown page (timings are not judged here)."""
    import subprocess
    import sys

    from ..conftest import PROJECT_ROOT

    out, page = tmp_path / "figures.json", tmp_path / "performance.md"
    page.write_text("# Before\n<!-- bench:start -->\nold figures\n<!-- bench:end -->\nAfter\n")
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "run.py"), "--rows", "30000",
         "--months", "2", "--repeats", "1", "--scale", "1,2", "--work", str(tmp_path),
         "--json", str(out), "--markdown", str(page), "--cold-files-only"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    figures = json.loads(out.read_text())
    assert {"ingest", "noop", "noop-cold", "count", "count-repeat", "one-authority", "native", "duckdb", "bare",
            "pandas", "ingest-2x"} <= set(figures["runs"])
    assert [name for name, runs in figures["runs"].items() if "failed" in runs[0]] == []
    assert figures["runs"]["ingest"][0]["rows"] == 30_000
    assert figures["runs"]["ingest-2x"][0]["rows"] == 60_000
    assert figures["runs"]["noop"][0]["files"] == 86  # 43 forces x 2 months, all skipped
    assert figures["runs"]["noop-cold"][0]["files"] == 86
    assert figures["runs"]["native"][0]["rows"] == figures["runs"]["count"][0]["rows"]
    assert figures["agree"] is True
    text = page.read_text()
    assert text.startswith("# Before\n<!-- bench:start -->\nGenerated by `benchmarks/run.py`")
    assert text.endswith("<!-- bench:end -->\nAfter\n") and "old figures" not in text
    assert "| 2x | 60,000 |" in text and "no-op re-run / first load" in text
    assert "no-op re-run on a cold cache / first load" in text and "posix_fadvise" in text
    assert "one authority's count under 0.2 s in-process" in text
