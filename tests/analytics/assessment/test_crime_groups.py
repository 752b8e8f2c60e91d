"""Crime groups from Home Office offence codes: a hand-made set with known answers, partial years,
and the real Home Office table for Kent 2017/18 against the file's own offence groups."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from csphub.analytics.areas import Area, add_area
from csphub.analytics.assessment.crime_groups import (
    SOURCE_OFFENCE_CODES,
    SOURCE_POLICE_UK,
    crime_groups,
    from_offence_codes,
    offence_code_counts,
)
from csphub.analytics.assessment.data import load_area_data
from csphub.analytics.assessment.groups import (
    BURGLARY,
    OFFENCE_CODE_GROUPS,
    OTHER,
    SEXUAL,
    SOCIETY,
    THEFT,
    VEHICLE,
    VIOLENCE,
    group_for_code,
    group_for_offence,
)
from csphub.analytics.assessment.narrative import sentences
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.geography import load_lookup
from csphub.analytics.offence_codes import normalise_code
from csphub.analytics.offence_counts import load_offence_counts
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from . import handmade
from .handmade import LAD

#: offence code -> (per quarter in 2023/24, per quarter in 2022/23)
HANDMADE = {"8N": (100, 80), "19C": (5, 5), "28E": (50, 50), "30C": (10, 10), "46": (25, 25),
            "126": (3, 3), "92A": (2, 2), "ZZ9": (1, 1)}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("groups")
    files = handmade.write_partnership(folder / "src")
    counts = folder / "counts.csv"
    with open(counts, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "area_name", "financial_year", "quarter", "offence_code", "count"])
        for code, (current, previous) in HANDMADE.items():
            for quarter in (1, 2, 3, 4):
                writer.writerow(["", "Gridshire", "2023/24", quarter, code, current])
                writer.writerow(["", "Gridshire", "2022/23", quarter, code, previous])
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        ingest_police_uk(con, [files["police"]])
        load_offence_counts(con, counts, "csp")  # matched by area name only: no area code
        yield con, add_area(con, "Gridshire", [LAD])


def _groups(con, area, year: FinancialYear | None = None):
    year = year or FinancialYear(2023)
    data = load_area_data(con, area, year.previous().start, year.end, None, year.start_year)
    have = set(data.counts["month"])
    matched = [m for m in year.months if m in have and m.replace(year=m.year - 1) in have]
    return crime_groups(con, data, year, matched)


def test_without_offence_codes_the_groups_come_from_police_uk(warehouse):
    con, _ = warehouse
    result = _groups(con, add_area(con, "Gridshire by police.uk", [LAD]))
    assert result["by_group_source"] == SOURCE_POLICE_UK
    assert {g["group"]: g["count"] for g in result["by_group"]} == {
        "Burglary": 1200, "Robbery": 55, "Theft and handling": 96}


def test_offence_codes_give_the_groups_when_loaded(warehouse):
    con, area = warehouse
    result = _groups(con, area)
    assert result["by_group_source"] == SOURCE_OFFENCE_CODES
    assert result["by_group_note"].startswith(f"Source: {SOURCE_OFFENCE_CODES} for Gridshire, 2023/24")
    groups = {g["group"]: g for g in result["by_group"]}
    assert {k: (g["count"], g["previous_count"]) for k, g in groups.items()} == {
        VIOLENCE: (400, 320), BURGLARY: (240, 240), THEFT: (100, 100), SEXUAL: (20, 20),
        VEHICLE: (12, 12), SOCIETY: (8, 8), OTHER: (4, 4)}
    assert [g["group"] for g in result["by_group"]][:3] == [VIOLENCE, BURGLARY, THEFT]
    assert result["by_group_total"] == 784 and result["by_group_partial"] is False
    assert groups[VIOLENCE]["share"] == pytest.approx(400 / 784, abs=1e-4)
    assert groups[VIOLENCE]["change"]["direction"] == "rise"
    assert groups[VIOLENCE]["change"]["basis"] == "the full financial year"
    assert groups[BURGLARY]["change"]["direction"] == "no significant change"
    assert groups[BURGLARY]["subgroups"] == [
        {"subgroup": "Residential burglary", "count": 200, "share": round(200 / 784, 4)},
        {"subgroup": "Business and community burglary", "count": 40, "share": round(40 / 784, 4)}]
    assert [s["subgroup"] for s in groups[SEXUAL]["subgroups"]] == ["Rape"]
    assert [s["subgroup"] for s in groups[VEHICLE]["subgroups"]] == ["Vehicle interference"]
    assert result["by_group_unmapped_codes"] == ["ZZ9"]
    # the other year has no offence-code counts: police.uk again
    assert _groups(con, area, FinancialYear(2024))["by_group_source"] == SOURCE_POLICE_UK


def test_the_narrative_names_the_source(warehouse):
    figures = {"area": {"name": "Gridshire"}, "year": "2023/24",
               "coverage": {"partial": False}, "hotspots": {}, "serious_violence": {},
               "crime": {"total": 1351, "rate_per_1000": None, "change": None,
                         **_groups(*warehouse)},
               "asb": {"change": None}}
    assert ("Violence against the person is the largest crime group, 51% of recorded crime "
            "(Home Office offence-code counts).") in sentences(figures)


def _frame(rows):
    return pd.DataFrame(rows, columns=["financial_year", "quarter", "offence_code", "offence_group",
                                       "offence_subgroup", "count"])


def test_quarters_are_compared_like_for_like():
    area, year = Area("Gridshire", (LAD,)), FinancialYear(2023)
    rows = [("2023/24", q, "46", None, None, 10) for q in (1, 2)]
    rows += [("2022/23", q, "46", None, None, 5 * q) for q in (1, 2, 3, 4)]
    result = from_offence_codes(_frame(rows), area, year)
    theft = result["by_group"][0]
    assert (theft["count"], theft["previous_count"]) == (20, 5 + 10)  # quarters 1 and 2 of both
    assert theft["change"]["basis"] == "quarters 1, 2 of both years (like for like)"
    assert result["by_group_partial"] is True and "quarters 1, 2 only" in result["by_group_note"]
    # a whole year's count compares only with a whole year
    whole = from_offence_codes(_frame([("2023/24", None, "46", None, None, 30)] + rows[2:4]), area, year)
    assert (whole["by_group"][0]["previous_count"], whole["by_group"][0]["change"]) == (None, None)
    assert whole["by_group_partial"] is False


def test_a_code_outside_the_table_falls_back_to_its_offence_group():
    assert group_for_code("999X", "Theft offences", "Theft from a vehicle") == (VEHICLE, "Theft from a vehicle")
    assert group_for_code("999X", "Miscellaneous crimes against society", None)[0] == SOCIETY
    assert group_for_code("999X") == (OTHER, "Not known")
    assert group_for_code(" 1, 4.1/2/10 ")[1] == "Homicide"


def test_every_real_offence_code_has_a_group_matching_the_home_office_classification(shared_data):
    mapping = pd.read_csv(shared_data / "home-office" / "offence_code_to_policeuk_category.csv", dtype=str)
    weights = pd.read_csv(shared_data / "ons" / "crime_severity_weights.csv", dtype=str)
    prc = pd.read_csv(shared_data / "home-office" / "prc_pfa_2017_18.csv", dtype=str)
    codes = set(mapping["Offence_Code"]) | set(weights["ONS_SEVERITY_code"]) | set(prc["Offence Code"])
    assert sorted(c for c in codes if group_for_code(c)[0] == OTHER) == []
    assert {normalise_code(c) for c in codes} <= set(OFFENCE_CODE_GROUPS)
    for code, group, subgroup in mapping[["Offence_Code", "Offence_Group", "Offence_Subgroup"]].itertuples(index=False):
        assert group_for_code(code)[0] == group_for_offence(group, subgroup), code


def test_kent_2017_18_groups_equal_the_files_own_offence_groups(shared_data, tmp_path):
    path = shared_data / "home-office" / "prc_pfa_2017_18.csv"
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_offence_counts(con, path)
        area = Area("Kent", ())
        frame = offence_code_counts(con, area, FinancialYear(2017))
        assert frame is not None
        result = from_offence_codes(frame, area, FinancialYear(2017))
    prc = pd.read_csv(path, dtype=str)
    prc = prc[prc["Force Name"].str.strip() == "Kent"]
    prc["n"] = prc["Number of Offences"].str.strip().str.replace(",", "").astype(int)

    def expected_group(row) -> str:  # from the file's own columns, written out independently
        group, subgroup = row["Offence Group"].strip(), row["Offence Subgroup"].strip()
        if group == "Theft offences":
            if "burglary" in subgroup.lower():
                return BURGLARY
            return VEHICLE if subgroup in ("Theft from a vehicle", "Theft of a motor vehicle",
                                           "Vehicle interference") else THEFT
        return {"Violence against the person": VIOLENCE, "Sexual offences": SEXUAL,
                "Robbery": "Robbery", "Criminal damage and arson": "Criminal damage and arson",
                "Fraud offences": "Fraud"}.get(group, SOCIETY)

    expected = prc.assign(group=prc.apply(expected_group, axis=1)).groupby("group")["n"].sum()
    assert {g["group"]: g["count"] for g in result["by_group"]} == expected.to_dict()
    assert result["by_group_total"] == prc["n"].sum()
    assert result["by_group_unmapped_codes"] == []
    assert result["by_group"][0]["group"] == VIOLENCE  # the largest group in Kent
    assert result["by_group_partial"] is False and result["by_group"][0]["previous_count"] is None
