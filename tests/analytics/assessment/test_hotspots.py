"""Hotspots a committee can act on (issue 13, item 4): a two-sided test corrected for testing
every LSOA at once (Benjamini-Hochberg), identical across runs, clusters named by ward and place,
islands and separate parts linked and explained, and each LSOA's pattern over the months.

Grids of square "LSOAs" with known answers, then Medway's real boundaries and Jan-Mar 2024."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment import hotspots as gi
from csphub.analytics.assessment.hotspot_section import _patterns
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from . import handmade

MEDWAY = "E06000035"
ASB = "Anti-social behaviour"


def grid(rows: int, cols: int, skip_cols: tuple[int, ...] = ()) -> tuple[list[str], list[bytes]]:
    """Square cells named 'r{row}c{col}', 0.01 degrees a side; ``skip_cols`` leaves gaps."""
    codes, shapes = [], []
    for r in range(rows):
        for c in range(cols):
            if c in skip_cols:
                continue
            codes.append(f"r{r}c{c}")
            # corners from whole numbers, so that neighbours share them exactly
            shapes.append(shapely.to_wkb(box((50 + c) / 100, (5150 - r - 1) / 100, (51 + c) / 100,
                                             (5150 - r) / 100)))
    return codes, shapes


def kinds(rows: list[dict], kind: str) -> set[str]:
    return {r["lsoa_code"] for r in rows if r["classification"] == kind}


def test_the_cluster_is_hot_and_the_lone_high_lsoa_is_neither_hot_nor_cold():
    codes, shapes = grid(6, 6)
    cluster = {"r0c0", "r0c1", "r1c0", "r1c1"}
    counts = {c: 96 if c in cluster | {"r4c4"} else 12 for c in codes}
    rows = gi.gi_star(gi.build_weights(codes, shapes), counts)
    hot = kinds(rows, "hot")
    # 36 tests: (1,1), with 5 quiet cells among its 9, has p = 0.006 but q just above 0.05
    assert hot <= cluster and len(hot) >= 3
    by_code = {r["lsoa_code"]: r for r in rows}
    assert by_code["r4c4"]["classification"] == "not significant"  # was a "coldspot" under esda's
    # conditional permutation, which holds the LSOA's own count fixed
    assert kinds(rows, "cold") == set()
    assert all(by_code[c]["q_value"] <= 0.05 and by_code[c]["z"] > 0 for c in hot)


def test_gi_star_is_esdas_statistic():
    from esda.getisord import G_Local

    codes, shapes = grid(5, 5)
    weights = gi.build_weights(codes, shapes)
    values = np.arange(25, dtype=float)
    matrix = gi.row_standardised(weights.w().sparse)
    esda = G_Local(values, weights.w(), star=None, transform="R", permutations=0).Gs
    assert np.allclose(matrix @ values / values.sum(), esda)


def test_noise_gives_no_hotspot_after_the_correction():
    codes, shapes = grid(12, 12)
    noise = np.random.default_rng(7).poisson(20, len(codes))
    rows = gi.gi_star(gi.build_weights(codes, shapes), dict(zip(codes, noise.tolist(), strict=True)))
    assert sum(r["p"] < 0.05 for r in rows) > 0  # uncorrected, some of 144 tests pass by chance
    assert kinds(rows, "hot") == set() and kinds(rows, "cold") == set()


def test_a_real_cold_cluster_is_cold_and_every_coldspot_is_significant_after_the_correction():
    codes, shapes = grid(10, 10)
    background = np.random.default_rng(3).poisson(50, len(codes))
    block = {f"r{r}c{c}" for r in range(4, 7) for c in range(4, 7)}
    counts = {c: 0 if c in block else int(n) for c, n in zip(codes, background, strict=True)}
    rows = gi.gi_star(gi.build_weights(codes, shapes), counts)
    cold = kinds(rows, "cold")
    assert "r5c5" in cold and cold <= block | {f"r{r}c{c}" for r in range(3, 8) for c in range(3, 8)}
    assert all(r["q_value"] <= 0.05 and r["z"] < 0 for r in rows if r["classification"] == "cold")
    assert not kinds(rows, "hot") & block


def test_the_same_data_gives_the_same_hotspots_and_fewer_permutations_is_a_choice():
    codes, shapes = grid(8, 8)
    counts = dict(zip(codes, np.random.default_rng(1).poisson(10, 64).tolist(), strict=True))
    counts.update({"r1c1": 60, "r1c2": 55, "r2c1": 50, "r2c2": 58})
    weights = gi.build_weights(codes, shapes)
    first, second = gi.gi_star(weights, counts), gi.gi_star(weights, counts)
    assert first == second
    assert "r2c2" in kinds(first, "hot") and kinds(first, "hot") <= {"r1c1", "r1c2", "r2c1", "r2c2"}
    quick = gi.gi_star(weights, counts, permutations=999)
    assert min(r["p"] for r in quick) >= 2 / 1000  # the smallest p 999 permutations can give


def test_islands_and_separate_parts_are_linked_and_explained():
    codes, shapes = grid(6, 7, skip_cols=(3,))  # a "river" down column 3: two parts of 18
    codes.append("island")
    shapes.append(shapely.to_wkb(box(0.62, 51.30, 0.63, 51.31)))  # well south of the grid
    wards = {c: ("West" if c.endswith(("c0", "c1", "c2")) else "East") for c in codes}
    wards["island"] = "Isle"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # explained in the report, never a raw warning
        weights = gi.build_weights(codes, shapes, wards)
        gi.gi_star(weights, {c: 5 for c in codes} | {"r0c0": 40})
    assert [len(p) for p in weights.parts] == [18, 18, 1]
    assert weights.islands == ["island"]
    assert all(weights.neighbours[c] for c in codes)  # no LSOA without neighbours
    assert len(gi._parts(codes, weights.neighbours)) == 1  # one connected graph
    # the island is linked to its 4 nearest LSOAs; the east bank to the west where they face
    assert len([link for link in weights.links_added if "island" in link]) == 4
    assert ("r0c2", "r0c4") in weights.links_added
    text = weights.explanation()
    assert "fall into 3 groups that do not touch" in text
    assert "18 LSOAs in East" in text and "1 LSOA in Isle (touching no other LSOA)" in text
    assert "4 nearest LSOAs" in text and "links added" in text


NAMES = {f"r{r}c{c}": {"lsoa_name": f"Grid {r}{c:02d}{'AB'[c % 2]}", "ward_code": f"W{c // 3}",
                       "ward_name": ["Castle", "Riverside"][c // 3]} for r in range(6) for c in range(6)}


def test_clusters_are_named_by_ward_and_by_the_partnerships_place_names():
    codes, shapes = grid(6, 6)
    counts = {c: 12 for c in codes} | {"r0c2": 90, "r0c3": 90, "r1c2": 90, "r1c3": 90, "r0c1": 90,
                                        "r5c5": 1}
    weights = gi.build_weights(codes, shapes)
    rows = gi.gi_star(weights, counts)
    found = gi.clusters(rows, weights, "hot", NAMES, "crimes")
    assert len(found) == 1
    cluster = found[0]
    assert set(cluster["lsoas"]) == kinds(rows, "hot")
    assert cluster["wards"][0] == "Castle" and set(cluster["wards"]) == {"Castle", "Riverside"}
    assert cluster["count"] == sum(counts[c] for c in cluster["lsoas"])
    assert cluster["summary"].startswith(f"{cluster['place']}: {len(cluster['lsoas'])} LSOAs")
    assert "Grid 002A" in cluster["summary"] and "crimes" in cluster["summary"]
    named = gi.clusters(rows, weights, "hot", NAMES, "crimes", {"Grid 002": "Town centre"})
    assert named[0]["place"] == "Town centre"
    assert named[0]["summary"].startswith(f"Town centre: {len(cluster['lsoas'])} LSOAs in Castle and Riverside")


@pytest.mark.parametrize(("flags", "expected"), [
    (["hot"] * 10 + ["", ""], "persistent hotspot"),
    ([""] * 9 + ["hot", "", ""], "emerging hotspot"),
    (["", "hot"] + [""] * 10, "former hotspot"),
    (["hot", "", "", "", "", "hot", "", "", "", "", "hot", ""], "intermittent hotspot"),
    (["cold"] * 12, "persistent coldspot"),
    ([""] * 12, "no pattern"),
])
def test_pattern_over_the_months(flags, expected):
    assert gi.classify_pattern(flags) == expected


def test_persistent_emerging_and_former_hotspots_over_twelve_months():
    codes, shapes = grid(10, 10)
    weights = gi.build_weights(codes, shapes)
    months = [pd.Timestamp(2023, m, 1).date() for m in range(1, 13)]
    def block(row: int, col: int) -> set[str]:  # 3 x 3 cells from (row, col)
        return {f"r{r}c{c}" for r in range(row, row + 3) for c in range(col, col + 3)}

    persistent, emerging, former = block(1, 1), block(6, 6), block(1, 6)
    rows = []
    for i, month in enumerate(months):
        for code in codes:
            high = code in persistent or (code in emerging and i >= 9) or (code in former and i < 3)
            rows.append({"month": month, "lsoa21_code": code, "count": 40 if high else 2})
    # 9,999 permutations: with 999, p >= 0.002 and four hot LSOAs of 100 reach q = 0.05 at best
    found = _patterns(weights, pd.DataFrame(rows), months, 9_999)
    assert (found["r2c2"], found["r7c7"], found["r2c7"]) == (
        "persistent hotspot", "emerging hotspot", "former hotspot")  # each block's centre
    for cells, pattern in ((persistent, "persistent"), (emerging, "emerging"), (former, "former")):
        assert sum(found[c] == f"{pattern} hotspot" for c in cells) >= 5, pattern
    assert found["r9c0"] == "no pattern"


# -- the hand-made partnership through the assessment ----------------------------------------


@pytest.fixture(scope="module")
def gridshire(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid-hotspots")
    files = handmade.write_partnership(folder / "src")
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        yield con, add_area(con, "Gridshire", [handmade.LAD])


def test_the_assessment_gives_identical_hotspots_on_two_runs(gridshire):
    con, area = gridshire
    options = AssessmentOptions(FinancialYear(2023), previous_years=1)
    first = build_figures(con, area, options)["hotspots"]
    second = build_figures(con, area, options)["hotspots"]
    assert first == second
    assert (first["permutations"], first["fdr_q"], first["test"]) == (9_999, 0.05, "two-sided")
    assert "Benjamini-Hochberg" in first["method"] and str(gi.SEED) in first["method"]
    # every row names its LSOA and ward and gives its count; the ASB cluster is in ward A
    row = next(r for r in first["asb"] if r["lsoa_code"] == handmade.lsoa(0, 0))
    assert (row["lsoa_name"], row["ward_name"], row["count"]) == ("Grid 00", "A", 96)
    assert row["classification"] == "hot" and row["cluster"] == "H1"
    assert first["asb_clusters"][0]["place"] == "A"
    # twelve complete months: the cluster is hot every month, a persistent hotspot
    assert len(first["pattern_months"]) == 12
    assert row["pattern"] == "persistent hotspot"
    tables = {t.key: t for t in report_tables(build_figures(con, area, options))}
    assert tables["Hotspot clusters"].rows[0][:4] == ["ASB", "H1", "hotspot", "A"]
    assert all(r[1] and r[3] and r[4] for r in tables["Hotspots"].rows)  # name, ward, count


# -- real data: Medway's boundaries, January to March 2024 -----------------------------------


@pytest.fixture(scope="module")
def medway(shared_data, tmp_path_factory):
    with open_warehouse(tmp_path_factory.mktemp("medway-hotspots") / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_lsoa21.geojson")
        ingest_police_uk(con, sorted((shared_data / "police-uk" / "kent").glob("2024-0[123]-*.csv")))
        area = add_area(con, "Medway", [MEDWAY])
        yield build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))


def test_medway_hotspot_rows_carry_names_wards_and_pandas_counts(shared_data, medway):
    hot = medway["hotspots"]
    lookup = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str, encoding="utf-8-sig")
    lookup = lookup[lookup.LAD23CD == MEDWAY].set_index("LSOA21CD")
    crimes = pd.concat(pd.read_csv(p, dtype=str) for p in
                       sorted((shared_data / "police-uk" / "kent").glob("2024-0[123]-*.csv")))
    crimes = crimes[crimes["LSOA code"].isin(lookup.index) & (crimes["Crime type"] != ASB)]
    expected = crimes.groupby("LSOA code").size()
    rows = hot["crime"]
    assert len(rows) == 169 == hot["lsoas_with_boundaries"]
    for row in rows:
        assert row["lsoa_name"] == lookup.loc[row["lsoa_code"], "LSOA21NM"]
        assert row["ward_name"] == lookup.loc[row["lsoa_code"], "WD23NM"]
        assert row["count"] == expected.get(row["lsoa_code"], 0)
    # the Medway splits the contiguity graph in two: explained, and bridged
    assert hot["neighbours"]["parts"] == [129, 40] and hot["neighbours"]["links_added"]
    assert "fall into 2 groups that do not touch" in hot["neighbours_note"]
    assert "Strood" in hot["neighbours_note"]
    # Chatham's town centre is the crime hotspot: one cluster, most of it in Chatham Central
    top = hot["crime_clusters"][0]
    assert top["place"] == "Chatham Central & Brompton" and len(top["lsoas"]) >= 5
    assert all(r["q_value"] <= 0.05 for r in rows if r["classification"] != "not significant")
    assert "No pattern over time: 3 complete months" in hot["pattern_note"]


def test_the_places_file_names_the_clusters_and_a_bad_row_is_named(gridshire, tmp_path):
    from csphub.errors import InputFileError

    con, area = gridshire
    places = tmp_path / "places.csv"
    places.write_text("code,place\nGrid 0,Northgate\n")  # the MSOA-like name of Grid 00, Grid 01
    options = AssessmentOptions(FinancialYear(2023), previous_years=1, places=gi.load_places(places))
    cluster = build_figures(con, area, options)["hotspots"]["asb_clusters"][0]
    assert cluster["place"] == "Northgate" and cluster["summary"].startswith("Northgate: ")
    places.write_text("code,place\nGrid 0,\n")
    with pytest.raises(InputFileError, match="line 2"):
        gi.load_places(places)
