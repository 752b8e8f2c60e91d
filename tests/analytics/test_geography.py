"""Geography: ONS lookups of any vintage, the LSOA bridge, population, boundaries, areas, and
counts on 2011-LSOA data bridged to 2021 wards; coverage flags on partial months."""

from __future__ import annotations

import json
from datetime import date

import pytest

from csphub.analytics.areas import add_area, resolve_area
from csphub.analytics.counts import count_by
from csphub.analytics.coverage import coverage
from csphub.analytics.geography import load_boundaries, load_lookup, load_population, ward_for_point
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import InputFileError, NotFoundError

from .police_uk_files import ASB, street_row, write_street

LAD = "E06000099"


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def _write(path, text, bom=False):
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


@pytest.fixture
def lookups(tmp_path):
    """Three 2021 LSOAs in two wards (2023 vintage, LTLA naming, with a BOM), plus a 2011 bridge
    where 2011 LSOA E01000091 split into E01000002 and E01000003."""
    wards = _write(tmp_path / "wd23.csv",
                   "LSOA21CD,LSOA21NM,WD23CD,WD23NM,LTLA23CD,LTLA23NM\n"
                   f"E01000001,Town 001A,E05000001,Castle,{LAD},Townshire\n"
                   f"E01000002,Town 001B,E05000002,Harbour,{LAD},Townshire\n"
                   f"E01000003,Town 001C,E05000002,Harbour,{LAD},Townshire\n"
                   "E01000009,Else 001A,E05000009,Elsewhere,E06000098,Other\n", bom=True)
    bridge = _write(tmp_path / "bridge.csv",
                    "LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,LAD22CD\n"
                    f"E01000001,Town 001A,E01000001,Town 001A,{LAD}\n"
                    f"E01000091,Town 001X,E01000002,Town 001B,{LAD}\n"
                    f"E01000091,Town 001X,E01000003,Town 001C,{LAD}\n")
    return wards, bridge


def test_lookup_columns_are_recognised_and_vintages_kept_side_by_side(con, lookups, tmp_path):
    wards, bridge = lookups
    load_lookup(con, wards)
    older = _write(tmp_path / "wd22.csv", "LSOA21CD,WD22CD,WD22NM,LAD22CD\n"
                   f"E01000001,E05000100,Old Castle,{LAD}\n")
    load_lookup(con, older)
    load_lookup(con, wards)  # again: replaces, never duplicates
    assert con.execute("select ward_vintage, count(*) from lsoa_ward_lookup group by 1 order by 1"
                       ).fetchall() == [("2022", 1), ("2023", 4)]
    summary = load_lookup(con, bridge)
    assert summary.rows == 3
    assert con.execute("select change_code from lsoa11_lsoa21 where lsoa11_code = 'E01000091'"
                       ).fetchall() == [("S",), ("S",)]


def test_an_unrecognised_lookup_names_file_and_columns(con, tmp_path):
    path = _write(tmp_path / "odd.csv", "code,ward\nE01000001,X\n")
    with pytest.raises(InputFileError) as error:
        load_lookup(con, path)
    assert "odd.csv" in str(error.value) and "code,ward" in str(error.value)
    assert "WDyyCD" in str(error.value)


def test_data_on_2011_lsoas_is_bridged_to_2021_wards(con, lookups, tmp_path):
    wards, bridge = lookups
    load_lookup(con, wards)
    load_lookup(con, bridge)
    rows = [street_row(lsoa="E01000001"), street_row(lsoa="E01000091"),
            street_row(lsoa="E01000091", crime_type=ASB), street_row(lsoa="E01000009")]
    ingest_police_uk(con, [write_street(tmp_path / "data", "2022-01", [r[:1] + ["2022-01"] + r[2:] for r in rows])])
    area = add_area(con, "Townshire", [LAD])
    by_ward = count_by(con, area, None, None, ["ward"])
    # E01000091 split: both its rows go to its lowest-coded successor E01000002 (Harbour)
    assert [(r["ward_name"], r["count"]) for r in by_ward] == [("Castle", 1), ("Harbour", 2)]


def test_population_loads_and_bad_rows_are_quarantined(con, tmp_path):
    path = _write(tmp_path / "pop.csv", "lsoacd,population\nE01000001,1500\nE01000002,\"1,200\"\n"
                  "nonsense,10\nE01000003,-4\n")
    summary = load_population(con, path, 2022, "ONS mid-2022 estimate")
    assert (summary.rows, summary.quarantined) == (2, 2)
    assert con.execute("select lsoa_code, population, source from population order by 1").fetchall() == [
        ("E01000001", 1500.0, "ONS mid-2022 estimate"), ("E01000002", 1200.0, "ONS mid-2022 estimate")]
    reasons = con.execute("select field, value from quarantine order by line").fetchall()
    assert ("lsoacd", "nonsense") in reasons and ("population", "-4") in reasons


def test_boundaries_and_ward_for_point(con, tmp_path):
    square = {"type": "Polygon", "coordinates": [[[0, 51], [1, 51], [1, 52], [0, 52], [0, 51]]]}
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WD25CD": "E05000001", "WD25NM": "Castle",
                                           "LAD25CD": LAD}, "geometry": square}]}
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(collection))
    summary = load_boundaries(con, path)
    assert (summary.kind, summary.rows) == ("ward boundary", 1)
    assert ward_for_point(con, 0.5, 51.5) == ("E05000001", "Castle")
    assert ward_for_point(con, 2.5, 51.5) is None


def test_areas_resolve_by_name_or_lad_code(con, lookups):
    load_lookup(con, lookups[0])
    add_area(con, "Townshire CSP", [LAD])
    assert resolve_area(con, "townshire csp").lad_codes == (LAD,)
    assert resolve_area(con, "E06000098").name == "Other"
    with pytest.raises(NotFoundError, match="Townshire CSP"):
        resolve_area(con, "Atlantis")


def test_coverage_flags_partial_and_missing_months(con, lookups, tmp_path):
    load_lookup(con, lookups[0])
    for month, n in (("2024-01", 10), ("2024-02", 12), ("2024-04", 3), ("2024-05", 11)):
        ingest_police_uk(con, [write_street(tmp_path, month, [street_row(month=month) for _ in range(n)])])
    rows = coverage(con, resolve_area(con, LAD))
    assert [(r.month, r.rows, r.incomplete) for r in rows] == [
        (date(2024, 1, 1), 10, False), (date(2024, 2, 1), 12, False),
        (date(2024, 3, 1), 0, True), (date(2024, 4, 1), 3, True), (date(2024, 5, 1), 11, False)]
