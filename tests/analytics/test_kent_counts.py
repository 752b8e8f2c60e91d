"""Real data: Medway's counts from the four Kent files equal a count made independently here.

The independent count is plain pandas over the same CSVs and the ONS lookups: keep rows whose
LSOA code the lookup puts in Medway (E06000035), then group.
"""

from __future__ import annotations

import pandas as pd
import pytest

from csphub.analytics.areas import add_area, resolve_area
from csphub.analytics.counts import count_by
from csphub.analytics.coverage import coverage
from csphub.analytics.geography import load_lookup
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

MEDWAY = "E06000035"


@pytest.fixture(scope="module")
def kent(shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("kent") / "w.duckdb"
    with open_warehouse(path) as con:
        for name in ("LSOA21_WD22_LAD22_EW_LU.csv", "LSOA21_WD23_LAD23_EW_LU.csv",
                     "LSOA11_LSOA21_LAD22_EW_LU.csv"):
            load_lookup(con, shared_data / "ons" / name)
        summary = ingest_police_uk(con, [shared_data / "police-uk" / "kent"])
        add_area(con, "Medway", [MEDWAY])
        yield con, summary


@pytest.fixture(scope="module")
def independent(shared_data):
    """Medway's rows by plain pandas, with wards of 2022 and 2023."""
    crimes = pd.concat(
        pd.read_csv(p, dtype=str) for p in sorted((shared_data / "police-uk" / "kent").glob("*.csv"))
    )
    wd22 = pd.read_csv(shared_data / "ons" / "LSOA21_WD22_LAD22_EW_LU.csv", dtype=str,
                       encoding="utf-8-sig")
    wd23 = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str,
                       encoding="utf-8-sig")
    medway22 = crimes.merge(wd22[wd22.LTLA22CD == MEDWAY], left_on="LSOA code", right_on="LSOA21CD")
    medway23 = crimes.merge(wd23[wd23.LAD23CD == MEDWAY], left_on="LSOA code", right_on="LSOA21CD")
    return crimes, medway22, medway23


def test_every_row_of_the_kent_files_loads(kent, independent):
    con, summary = kent
    crimes, _, _ = independent
    assert summary.rows_loaded == len(crimes) and summary.rows_quarantined == 0
    assert summary.months == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert summary.forces == ["kent"]


def test_medway_by_month_and_crime_type_equals_pandas(kent, independent):
    con, _ = kent
    _, medway22, _ = independent
    expected = medway22.groupby(["Month", "Crime type"]).size().to_dict()
    rows = count_by(con, resolve_area(con, "Medway"), None, None, ["month", "crime_type"])
    assert {(r["month"], r["crime_type"]): r["count"] for r in rows} == expected
    assert sum(expected.values()) > 9000  # ~3,000 rows a month, as the data README says


@pytest.mark.parametrize("vintage, column", [("22", "WD22CD"), ("23", "WD23CD")])
def test_medway_by_ward_equals_pandas(kent, independent, vintage, column):
    con, _ = kent
    frame = independent[1] if vintage == "22" else independent[2]
    expected = frame.groupby(column).size().to_dict()
    rows = count_by(con, resolve_area(con, MEDWAY), None, None, ["ward"], ward_vintage=vintage)
    assert {r["ward_code"]: r["count"] for r in rows} == expected
    assert len(expected) in (22, 24)  # Medway had 22 wards before the 2023 review, 24 after


def test_asb_by_lsoa_for_one_month_equals_pandas(kent, independent):
    con, _ = kent
    _, medway22, _ = independent
    asb = medway22[(medway22["Crime type"] == "Anti-social behaviour") & (medway22.Month == "2024-03")]
    rows = count_by(con, resolve_area(con, "Medway"), pd.Timestamp("2024-03-01").date(),
                    pd.Timestamp("2024-03-01").date(), ["lsoa"], crime_type="Anti-social behaviour")
    assert {r["lsoa_code"]: r["count"] for r in rows} == asb.groupby("LSOA code").size().to_dict()


def test_coverage_lists_the_four_months_none_partial(kent, independent):
    con, _ = kent
    _, medway22, _ = independent
    rows = coverage(con, resolve_area(con, "Medway"))
    assert [(r.month.strftime("%Y-%m"), r.rows, r.incomplete) for r in rows] == [
        (m, n, False) for m, n in sorted(medway22.groupby("Month").size().items())
    ]
