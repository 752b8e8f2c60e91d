"""Every measure of the assessment on the hand-made partnership (see handmade.py), checked
against answers worked out by hand from its specification."""

from __future__ import annotations

import pytest
from scipy.stats import chi2

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from . import handmade
from .handmade import ASB, CLUSTER, LAD, LONE, lsoa


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid")
    files = handmade.write_partnership(folder / "src")
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        area = add_area(con, "Gridshire", [LAD])
        yield build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))


def test_level_and_rate_with_exact_interval(figures):
    crime = figures["crime"]
    assert crime["total"] == 1200 + 55 + 96  # burglary + robbery + shoplifting, no ASB
    assert figures["population"]["total"] == 36 * 250
    assert crime["rate_per_1000"] == pytest.approx(1351 / 9000 * 1000, abs=0.001)
    lower = chi2.ppf(0.025, 2 * 1351) / 2 / 9
    upper = chi2.ppf(0.975, 2 * 1352) / 2 / 9
    assert crime["rate_ci"] == {"lower": pytest.approx(lower, abs=0.001),
                                "upper": pytest.approx(upper, abs=0.001)}


def test_a_significant_rise_and_an_insignificant_change(figures):
    change = figures["crime"]["change"]
    assert (change["current"], change["previous"]) == (1351, 1146)
    assert change["direction"] == "rise" and change["p_value"] < 0.001
    assert change["percent"] == pytest.approx((1351 - 1146) / 1146 * 100, abs=0.05)
    sv = figures["serious_violence"]["change"]  # robbery 55 against 50
    assert (sv["current"], sv["previous"], sv["direction"]) == (55, 50, "no significant change")
    assert sv["p_value"] > 0.5
    asb = figures["asb"]["change"]
    assert (asb["current"], asb["previous"], asb["direction"]) == (852, 852, "no significant change")


def test_seasonality_month_by_month(figures):
    by_month = figures["crime"]["by_month"]
    assert [m["month"] for m in by_month][:2] == ["2023-04", "2023-05"]
    # 1,200 burglaries = 100 a month; 55 robberies = 4 a month with one more in Apr-Oct;
    # 96 shoplifting = 8 a month
    assert [m["count"] for m in by_month] == [100 + 4 + (i < 7) + 8 for i in range(12)]
    assert by_month[0]["previous_year_count"] == 84 + 5 + 8  # 1,000 = 84 x 4 + 83 x 8


def test_groups_and_top_wards(figures):
    groups = {g["group"]: g["count"] for g in figures["crime"]["by_group"]}
    assert groups == {"Burglary": 1200, "Robbery": 55, "Theft and handling": 96}
    top = figures["asb"]["top_wards"]
    # ward A holds the cluster (4 x 96) and 5 quiet LSOAs (5 x 12); D the lone cell and 8 quiet ones
    assert [(w["ward_name"], w["count"]) for w in top] == [("A", 444), ("D", 192), ("B", 108), ("C", 108)]
    assert top[0]["share"] == pytest.approx(444 / 852, abs=1e-4)
    assert figures["asb"]["top_wards_share"] == 1.0


def test_gi_star_finds_the_cluster_but_not_the_lone_cell(figures):
    gi = {r["lsoa_code"]: r for r in figures["hotspots"]["asb"]}
    # after the false discovery rate correction over 36 LSOAs, cell (1, 1) (five quiet cells
    # among its nine) falls just short; the other three are hot, and form one cluster
    hot = {code for code, r in gi.items() if r["classification"] == "hot"}
    assert hot <= {lsoa(*cell) for cell in CLUSTER} and len(hot) >= 3
    assert len(figures["hotspots"]["asb_clusters"]) == 1
    # one high LSOA among quiet neighbours is neither hot nor cold (its neighbourhood is quiet)
    assert gi[lsoa(*LONE)]["classification"] == "not significant"
    assert lsoa(*LONE) not in figures["hotspots"]["asb_hot"]
    assert gi[lsoa(*LONE)]["count"] == 96


def test_ward_table_rates(figures):
    wards = {w["ward_name"]: w for w in figures["wards"]}
    assert wards["D"]["crime"] == 1200 + 96  # burglary (5,5) and shoplifting (3,3)
    assert wards["D"]["population"] == 9 * 250
    assert wards["D"]["crime_rate_per_1000"] == pytest.approx(1296 / 2250 * 1000, abs=0.01)
    assert wards["A"]["crime"] == 55 and wards["A"]["asb"] == 444


def test_trend_and_coverage(figures):
    assert [(t["year"], t["total"], t["partial"]) for t in figures["crime"]["trend"]] == [
        ("2022/23", 1146, False), ("2023/24", 1351, False)]
    assert figures["coverage"]["partial"] is False
    assert len(figures["coverage"]["months_present"]) == 12


def test_narrative_says_rise_only_when_significant(figures):
    text = " ".join(figures["narrative"])
    assert "Recorded crime rose by 17.9% to 1,351" in text
    assert "Anti-social behaviour showed no significant change" in text
    assert ASB not in figures["crime"]["by_type"]


def test_without_partner_asb_data_the_report_says_so(figures):
    asb = figures["asb"]
    assert asb["by_incident_type"] is None and asb["by_national_category"] is None
    assert asb["by_incident_type_note"].startswith(
        "No typed partner ASB data was loaded for Gridshire in 2023/24")


def test_crime_groups_from_police_uk_with_subgroups_and_change(figures):
    crime = figures["crime"]
    assert crime["by_group_source"] == "police.uk categories"
    assert crime["by_group_total"] == crime["total"] == 1351
    burglary, theft, robbery = crime["by_group"]
    assert (burglary["group"], burglary["count"], burglary["previous_count"]) == ("Burglary", 1200, 1000)
    assert burglary["change"]["direction"] == "rise"
    assert (robbery["group"], robbery["previous_count"]) == ("Robbery", 50)
    assert robbery["change"]["direction"] == "no significant change"
    assert theft["subgroups"] == [{"subgroup": "Shoplifting", "count": 96,
                                   "share": round(96 / 1351, 4)}]
    assert "police.uk merges violence" in crime["by_group_note"]


def test_each_change_is_tested_on_the_twelve_monthly_counts_and_the_report_states_the_method(figures):
    from csphub.analytics.assessment.figures import CHANGE_TEST
    from csphub.analytics.assessment.render import render_html
    from csphub.analytics.assessment.stats import EXACT_TEST, QUASI_POISSON_TEST, compare_monthly
    from csphub.analytics.assessment.tables import report_tables

    for section in ("crime", "asb"):
        change = figures[section]["change"]
        months = figures[section]["by_month"]
        # the same test as on the twelve pairs of monthly counts, with their dispersion
        again = compare_monthly([m["count"] for m in months], [m["previous_year_count"] for m in months])
        assert change["months_tested"] == 12 and change["test"].startswith((QUASI_POISSON_TEST, EXACT_TEST)), section
        assert (change["test"], change["p_value"]) == (again.test, round(again.p_value, 4)), section
        assert change["dispersion"] == round(again.dispersion, 3), section
    assert "quasi-Poisson" in CHANGE_TEST and figures["data_notes"]["change_test"] == CHANGE_TEST
    assert CHANGE_TEST.replace("'", "&#39;") in render_html(figures, report_tables(figures), [])
