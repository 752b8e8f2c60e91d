"""One spelling of Home Office offence codes (issue 13, item 3), used by serious violence, the
exact Crime Severity Score and the crime groups alike; checked on hand-made counts and on the
real Home Office table for Kent 2017/18 against plain pandas.

The Home Office writes homicide ``1/4.1/4.10/4.2``; the ONS weights file ``1, 4.1/2/10``; the
default serious-violence definition ``1``. Kent recorded 14 homicides in 2017/18 (5 + 1 + 5 +
3 + 1 - 1 over the quarters and adjustments), each weighted about 7,973.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.groups import VIOLENCE, group_for_code
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.serious_violence import DEFAULT_DEFINITION
from csphub.analytics.assessment.severity_section import exact_css
from csphub.analytics.geography import load_lookup, load_population
from csphub.analytics.offence_codes import HOMICIDE, normalise_code
from csphub.analytics.offence_counts import load_offence_counts
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.severity import load_severity_weights, weights
from csphub.analytics.warehouse import open_warehouse

from .test_like_for_like import KENT_LADS

#: The spellings of homicide, written out here independently of the code under test.
HOMICIDE_SPELLINGS = {"1/4.1/4.10/4.2", "1, 4.1/2/10", "1", "4.1", "4.2", "4.10"}


def test_every_spelling_of_homicide_is_one_code():
    assert {normalise_code(c) for c in HOMICIDE_SPELLINGS} == {HOMICIDE}
    assert normalise_code(" 1 ,4.1 / 2/10 ") == HOMICIDE
    assert {group_for_code(c) for c in HOMICIDE_SPELLINGS} == {(VIOLENCE, "Homicide")}
    assert normalise_code("4.3") == "4.3" and normalise_code(" 28e") == "28E"
    assert normalise_code("37.1") == "37.1" and normalise_code("UK Finance") == "UK FINANCE"


def _prc(shared_data) -> pd.DataFrame:
    prc = pd.read_csv(shared_data / "home-office" / "prc_pfa_2017_18.csv", dtype=str)
    prc = prc[prc["Force Name"].str.strip() == "Kent"].copy()
    prc["code"] = prc["Offence Code"].str.strip()
    prc["n"] = prc["Number of Offences"].str.strip().str.replace(",", "").astype(int)
    return prc


def _weights(shared_data) -> dict[str, float]:
    """Weight per counts code, from the file's own join (ONS_COUNTS_code -> severity weight)."""
    w = pd.read_csv(shared_data / "ons" / "crime_severity_weights.csv", dtype=str)
    return {c.strip(): float(v) for c, v in zip(w["ONS_COUNTS_code"], w["ONS_SEVERITY_weight"], strict=True)}


@pytest.fixture(scope="module")
def kent(shared_data, tmp_path_factory):
    with open_warehouse(tmp_path_factory.mktemp("kent-codes") / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021, "ONS estimate")
        ingest_police_uk(con, [shared_data / "police-uk" / "kent" / "2024-04-kent-street.csv"])
        load_offence_counts(con, shared_data / "home-office" / "prc_pfa_2017_18.csv")
        load_severity_weights(con, shared_data / "ons" / "crime_severity_weights.csv")
        area = add_area(con, "Kent", KENT_LADS)
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2017), previous_years=1))
        yield con, figures


def test_exact_css_includes_kent_s_14_homicides(shared_data, kent):
    con, figures = kent
    prc, w = _prc(shared_data), _weights(shared_data)
    homicides = int(prc.loc[prc["code"] == "1/4.1/4.10/4.2", "n"].sum())
    assert homicides == 14 and w["1/4.1/4.10/4.2"] == pytest.approx(7973.393423)
    population = figures["population"]["total"]
    by_code = prc.groupby("code")["n"].sum()
    expected = sum(n * w[code] for code, n in by_code.items() if code in w) / population
    css = figures["css"]
    assert css["method"] == "exact"
    assert css["value"] == pytest.approx(expected, abs=1e-3)
    without_homicide = expected - homicides * w["1/4.1/4.10/4.2"] / population
    assert css["value"] - without_homicide == pytest.approx(14 * 7973.393423 / population, abs=1e-3)
    assert css["offences"] == prc["n"].sum()
    # every Kent code has a weight through the file's own join (28A and 30A take 28C's and 30C's)
    assert css["codes_without_weight"] == [] and css["offences_without_weight"] == 0
    direct = exact_css(con, "Kent", [], FinancialYear(2017), weights(con), population)
    assert direct is not None and direct["value"] == css["value"]


def test_a_loaded_code_without_a_weight_is_listed_with_what_it_leaves_out(shared_data, kent):
    con, _ = kent
    result = exact_css(con, "Action Fraud", [], FinancialYear(2017), weights(con), 1_000_000)
    prc = pd.read_csv(shared_data / "home-office" / "prc_pfa_2017_18.csv", dtype=str)
    fraud = prc[prc["Force Name"].str.strip() == "Action Fraud"]
    offences = fraud["Number of Offences"].str.strip().str.replace(",", "").astype(int).sum()
    assert result is not None and result["value"] == 0
    assert result["codes_without_weight"] == [
        {"offence_code": "AF", "offence_description": "Fraud offences recorded by Action Fraud",
         "offences": offences}]
    assert result["offences_without_weight"] == offences
    assert f"AF (Fraud offences recorded by Action Fraud): {offences:,} offences" in result["note"]
    assert "100.0% of the" in result["note"]


def test_serious_violence_is_counted_from_the_offence_codes(shared_data, kent):
    _, figures = kent
    prc = _prc(shared_data)
    codes = {"1/4.1/4.10/4.2" if c == "1" else c for c in DEFAULT_DEFINITION["offence_codes"]}
    expected = prc[prc["code"].isin(codes)]
    sv = figures["serious_violence"]
    assert sv["source"].startswith("Home Office offence-code counts")
    assert sv["total"] == expected["n"].sum() > 0  # was "0 offences"
    by_code = {r["offence_code"]: r["count"] for r in sv["by_type"]}
    assert by_code == expected.groupby("code")["n"].sum().to_dict()
    assert by_code["1/4.1/4.10/4.2"] == 14 and by_code["34B"] == 1445
    assert "5A" in sv["note"]  # in the definition, not in the 2017/18 table
    assert sv["trend"] == [{"year": "2017/18", "total": expected["n"].sum(), "months_with_data": 12,
                            "partial": False, "rate_per_1000": round(
                                expected["n"].sum() * 1000 / figures["population"]["total"], 2)}]
    assert sv["change"] is None and "no offence-code counts are loaded for 2016/17" in sv["change_note"]


def test_crime_groups_put_homicide_under_violence(shared_data, kent):
    _, figures = kent
    violence = next(g for g in figures["crime"]["by_group"] if g["group"] == VIOLENCE)
    homicide = next(s for s in violence["subgroups"] if s["subgroup"] == "Homicide")
    assert homicide["count"] == 14


def test_serious_violence_change_on_the_quarters_of_both_years(tmp_path):
    """Hand-made: quarters 1-2 of 2023/24 against all four of 2022/23, homicide written three ways."""
    counts = tmp_path / "counts.csv"
    rows = [("2023/24", 1, "1", 3), ("2023/24", 2, "34B", 40), ("2023/24", 1, "58A", 500),
            ("2022/23", 1, "1/4.1/4.10/4.2", 1), ("2022/23", 2, "34B", 20), ("2022/23", 3, "34B", 99),
            ("2022/23", 4, "1, 4.1/2/10", 5)]
    with open(counts, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "area_name", "financial_year", "quarter", "offence_code", "count"])
        writer.writerows(("", "Gridshire", fy, q, code, n) for fy, q, code, n in rows)
    from . import handmade

    files = handmade.write_partnership(tmp_path / "src")
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        ingest_police_uk(con, [files["police"]])
        load_offence_counts(con, counts, "csp")
        area = add_area(con, "Gridshire", [handmade.LAD])
        sv = build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))["serious_violence"]
    assert sv["total"] == 3 + 40
    assert {r["offence_code"]: r["count"] for r in sv["by_type"]} == {HOMICIDE: 3, "34B": 40}
    assert (sv["change"]["current"], sv["change"]["previous"]) == (43, 1 + 20)
    assert sv["change"]["basis"] == "quarters 1, 2 of both years (like for like)"
    assert [t["total"] for t in sv["trend"]] == [1 + 20 + 99 + 5, 43]
