"""Real data: Medway's figures.json from the four Kent files (Jan-Apr 2024) equals counts made
independently with pandas; coverage says the years are partial. And the exact CSS on the Home
Office PRC table for Kent 2017/18 equals an independent computation."""

from __future__ import annotations

import pandas as pd
import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.severity_section import exact_css
from csphub.analytics.geography import load_lookup, load_population
from csphub.analytics.offence_counts import load_offence_counts
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.severity import load_severity_weights, weights
from csphub.analytics.warehouse import open_warehouse

MEDWAY = "E06000035"
ASB = "Anti-social behaviour"


@pytest.fixture(scope="module")
def warehouse(shared_data, tmp_path_factory):
    with open_warehouse(tmp_path_factory.mktemp("kent") / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        ingest_police_uk(con, [shared_data / "police-uk" / "kent"])
        area = add_area(con, "Medway", [MEDWAY])
        yield con, area


@pytest.fixture(scope="module")
def medway(shared_data):
    crimes = pd.concat(pd.read_csv(p, dtype=str)
                       for p in sorted((shared_data / "police-uk" / "kent").glob("*.csv")))
    lookup = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str,
                         encoding="utf-8-sig")
    lookup = lookup[lookup.LAD23CD == MEDWAY]
    population = pd.read_csv(shared_data / "ons" / "lsoa21_population.csv", encoding="utf-8-sig")
    pop = population[population.lsoacd.isin(lookup.LSOA21CD)].population.sum()
    return crimes.merge(lookup, left_on="LSOA code", right_on="LSOA21CD"), pop


def test_2023_24_is_partial_and_counts_match(warehouse, medway):
    con, area = warehouse
    rows, population = medway
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))
    q4 = rows[rows.Month.isin(["2024-01", "2024-02", "2024-03"])]
    crime, asb = q4[q4["Crime type"] != ASB], q4[q4["Crime type"] == ASB]
    assert figures["coverage"]["months_present"] == ["2024-01", "2024-02", "2024-03"]
    assert figures["coverage"]["partial"] is True and len(figures["coverage"]["months_missing"]) == 9
    assert figures["crime"]["total"] == len(crime)
    assert figures["crime"]["partial"] is True
    assert figures["asb"]["total"] == len(asb)
    assert figures["population"]["total"] == population
    assert figures["crime"]["rate_per_1000"] == pytest.approx(len(crime) / population * 1000, abs=1e-3)
    by_month = {m["month"]: m["count"] for m in figures["crime"]["by_month"] if m["count"] is not None}
    assert by_month == crime.groupby("Month").size().to_dict()
    expected_top = asb.groupby("WD23NM").size().sort_values(ascending=False).head(5)
    assert [(w["ward_name"], w["count"]) for w in figures["asb"]["top_wards"]] == list(expected_top.items())
    assert figures["crime"]["change"] is None  # no month of 2022/23 to compare with
    assert any("partial" in s for s in figures["narrative"])


def test_2024_25_has_only_april(warehouse, medway):
    con, area = warehouse
    rows, _ = medway
    figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1))
    assert figures["coverage"]["months_present"] == ["2024-04"]
    april = rows[(rows.Month == "2024-04") & (rows["Crime type"] != ASB)]
    assert figures["crime"]["total"] == len(april)


def test_exact_css_for_kent_2017_18_equals_independent_sum(shared_data, tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_offence_counts(con, shared_data / "home-office" / "prc_pfa_2017_18.csv")
        load_severity_weights(con, shared_data / "ons" / "crime_severity_weights.csv")
        population = 1_846_500  # any denominator: the test checks the arithmetic, not the census
        result = exact_css(con, "Kent", [], FinancialYear(2017), weights(con), population)
    prc = pd.read_csv(shared_data / "home-office" / "prc_pfa_2017_18.csv", dtype=str)
    prc = prc[prc["Force Name"].str.strip() == "Kent"]
    prc["n"] = prc["Number of Offences"].str.strip().str.replace(",", "").astype(int)
    # The weights file joins each counts code (ONS_COUNTS_code, e.g. the Home Office's homicide
    # '1/4.1/4.10/4.2') to its severity weight (filed under '1, 4.1/2/10'): join on that.
    w = pd.read_csv(shared_data / "ons" / "crime_severity_weights.csv", dtype=str)
    w = w.drop_duplicates("ONS_COUNTS_code").assign(weight=lambda d: d.ONS_SEVERITY_weight.astype(float))
    merged = prc.groupby(prc["Offence Code"].str.strip())["n"].sum().reset_index().merge(
        w, left_on="Offence Code", right_on="ONS_COUNTS_code")
    expected = (merged.n * merged.weight).sum() / population
    assert result["method"] == "exact"
    assert result["value"] == pytest.approx(expected, abs=1e-3)
    assert 14 in merged.loc[merged["Offence Code"] == "1/4.1/4.10/4.2", "n"].tolist()  # homicide scored
    assert result["offences"] == prc["n"].sum()
