"""Loading partner datasets: the real STATS19 file, each built-in profile on a hand-made file,
quarantine, placing points (and points outside every boundary), suppressed counts, Excel,
idempotency, replacement of a re-issued period and atomicity."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from csphub.analytics.areas import Area
from csphub.analytics.partner.builtin import BUILTIN
from csphub.analytics.partner.counts import count_partner, list_datasets, list_files
from csphub.analytics.partner.loader import ingest_partner
from csphub.analytics.partner.profiles import find_profile, parse_profile
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main
from csphub.errors import InputFileError, NotFoundError
from csphub.spreadsheets import Sheet, write_xlsx

from .partner_kit import OTHERTON, TESTFORD, load_geography, point_in, write_csv_file

TODAY = date(2025, 6, 30)
TESTFORD_AREA = Area("Testford", (TESTFORD,))


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo")
        yield connection


def load(con, path, dataset, **kwargs):
    return ingest_partner(con, [path], find_profile(dataset), today=TODAY, **kwargs)


def total(rows):
    return sum(r["count"] or 0 for r in rows)


# ---- the real STATS19 file -------------------------------------------------------------------

def test_stats19_trafford_2023_casualties_by_severity_equal_a_plain_pandas_count(shared_data, tmp_path):
    import pandas as pd

    path = shared_data / "dft" / "gm_stats19_casualties_2019_2024.csv"
    frame = pd.read_csv(path)
    expected = (frame[(frame["area_name"] == "Trafford") & (frame["date"].str.startswith("2023"))]
                .groupby("casualty_severity").size().to_dict())
    with open_warehouse(tmp_path / "w.duckdb") as con:
        from csphub.analytics.geography import load_lookup

        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        summary = ingest_partner(con, [path], find_profile("stats19"), today=TODAY)
        rows = count_partner(con, "stats19", Area("Trafford", ("E08000009",)), date(2023, 1, 1),
                             date(2023, 12, 1), ["category"])
        ksi = count_partner(con, "stats19", Area("Trafford", ("E08000009",)), date(2023, 1, 1), date(2023, 12, 1),
                            ["year"], category=["Fatal", "Serious"])
        by_mode = count_partner(con, "stats19", Area("Trafford", ("E08000009",)), date(2023, 1, 1),
                                date(2023, 12, 1), ["mode"], where={"mode": "Pedestrian"})
    assert summary.rows_loaded == len(frame) == 20_435 and summary.rows_quarantined == 0
    # No Greater Manchester boundary is loaded (only Medway's are in ../shared): every casualty
    # is placed in the authority the file names, and none is lost.
    assert summary.rows_authority_only == 20_435 and summary.rows_unplaced == 0
    assert {r["category"]: r["count"] for r in rows} == expected == {"Fatal": 6, "Serious": 54, "Slight": 166}
    assert ksi == [{"year": 2023, "count": 60}]
    pedestrians = frame[(frame["area_name"] == "Trafford") & frame["date"].str.startswith("2023")
                        & (frame["mode"] == "Pedestrian")]
    assert by_mode == [{"mode": "Pedestrian", "count": len(pedestrians)}]


# ---- each built-in profile on a hand-made file ------------------------------------------------

def _first(names):
    return names[0]


def _period_value(kind: str, i: int) -> str:
    return {"date": f"2024-0{1 + i % 3}-1{i % 9}", "month": f"2024-0{1 + i % 3}",
            "financial_year": "2023/24"}[kind]


@pytest.mark.parametrize("dataset", sorted(BUILTIN))
def test_each_builtin_profile_loads_its_own_columns_with_known_counts(con, tmp_path, dataset):
    profile = find_profile(dataset)
    header = [_first(profile.period_columns)]
    place_key = next(k for k in ("lsoa", "ward_name", "local_authority", "longitude") if k in profile.place)
    if place_key == "longitude":
        header += [_first(profile.place["longitude"]), _first(profile.place["latitude"])]
    else:
        header.append(_first(profile.place[place_key]))
    header.append(_first(profile.category_columns))
    if profile.aggregated:
        header.append(_first(profile.count_columns))
    header += [_first(names) for names in profile.flags.values()]
    rows = []
    for i in range(6):  # rows 0-3 in Testford (category A, B, A, B), 4-5 in Otherton (C)
        lsoa = ["E01000901", "E01000903", "E01000902", "E01000901", "E01000904", "E01000904"][i]
        place = {"lsoa": [lsoa], "ward_name": [["North", "South", "North", "North", "Middle", "Middle"][i]],
                 "local_authority": [["Testford"] * 4 + ["Otherton"] * 2][0][i:i + 1],
                 "longitude": list(point_in(lsoa))}[place_key]
        row = [_period_value(profile.period_kind, i), *place, "ABABCC"[i]]
        if profile.aggregated:
            row.append(str(10 + i))
        row += ["Y" if i % 2 == 0 else "N" for _ in profile.flags]
        rows.append(row)
    path = write_csv_file(tmp_path / f"{dataset}.csv", header, rows)
    summary = load(con, path, dataset)
    assert summary.rows_loaded == 6 and summary.rows_quarantined == 0 and summary.rows_unplaced == 0
    if profile.measure == "snapshot":  # a count on a day: counted by month, never added up over months
        by_month = {(r["month"], r["category"]): r["count"] for r in
                    count_partner(con, dataset, TESTFORD_AREA, None, None, ["month", "category"])}
        assert by_month == {("2024-01", "A"): 10, ("2024-02", "B"): 11, ("2024-03", "A"): 12, ("2024-01", "B"): 13}
        with pytest.raises(ValueError, match="snapshot counts .* in 3 months"):
            count_partner(con, dataset, TESTFORD_AREA, None, None, ["category"])
        return
    counts = {r["category"]: r["count"] for r in
              count_partner(con, dataset, TESTFORD_AREA, None, None, ["category"])}
    if profile.aggregated:
        assert counts == {"A": 10 + 12, "B": 11 + 13}
    else:
        assert counts == {"A": 2, "B": 2}
    other = count_partner(con, dataset, Area("Otherton", (OTHERTON,)), None, None, ["category"])
    assert other == [{"category": "C", "count": 14 + 15 if profile.aggregated else 2}]
    if profile.flags:
        flag = next(iter(profile.flags))
        flagged = count_partner(con, dataset, TESTFORD_AREA, None, None, ["category"], flag=flag)
        assert flagged == [{"category": "A", "count": 2}]  # rows 0 and 2


# ---- quarantine, places, points outside every boundary ----------------------------------------

FIRE_HEADER = ["Incident Number", "Incident Date", "Property Category", "Motive", "Easting", "Northing",
               "Longitude", "Latitude", "LSOA Code"]


def fire_row(ref, when="15/01/2024", category="Refuse", motive="Deliberate", lsoa="", lon="", lat="",
             easting="", northing=""):
    return [ref, when, category, motive, easting, northing, lon, lat, lsoa]


def test_bad_rows_are_quarantined_with_file_line_field_and_reason(con, tmp_path):
    lon, lat = point_in("E01000902")
    rows = [
        fire_row("F2", lsoa="E01000901"),                    # line 2: good, by LSOA
        fire_row("F3", lon=lon, lat=lat),                    # line 3: good, by point
        fire_row("F4", when=""),                             # line 4: empty date
        fire_row("F5", when="31/02/2024", lsoa="E01000901"),  # line 5: no such date
        fire_row("F6", when="01/01/2030", lsoa="E01000901"),  # line 6: in the future
        fire_row("F7", lsoa="X01000901"),                    # line 7: malformed LSOA
        fire_row("F8", lon="-0.85"),                         # line 8: longitude without latitude
        fire_row("F9", lon="12.5", lat="52.05"),             # line 9: not in the United Kingdom
        fire_row("F10"),                                     # line 10: no place at all
        fire_row("F11", category="", lsoa="E01000903"),      # line 11: good, category not recorded
    ]
    path = write_csv_file(tmp_path / "fires.csv", FIRE_HEADER, rows)
    summary = load(con, path, "fire")
    assert summary.rows_loaded == 3 and summary.rows_quarantined == 7
    rejected = con.execute("select file, line, field, reason from quarantine order by line").fetchall()
    assert [(line, fld) for _, line, fld, _ in rejected] == [
        (4, "Incident Date"), (5, "Incident Date"), (6, "Incident Date"), (7, "LSOA Code"),
        (8, "Longitude"), (9, "Longitude"), (10, "place")]
    assert all(file == str(path) for file, *_ in rejected)
    assert "in the future" in rejected[2][3] and "E01 or W01" in rejected[3][3]
    placed = dict(con.execute("select line, placed_by from partner_records").fetchall())
    assert placed == {2: "lsoa", 3: "point in LSOA", 11: "lsoa"}
    assert {r["category"]: r["count"] for r in count_partner(con, "fire", TESTFORD_AREA, None, None,
                                                             ["category"])} == {"Refuse": 2, "Not recorded": 1}


def test_points_outside_every_boundary_go_to_the_named_authority_or_are_reported(con, tmp_path):
    header = ["date", "casualty_severity", "lon", "lat", "area_name"]
    inside = point_in("E01000903")
    rows = [
        ["2024-01-05", "Slight", *inside, "Otherton"],      # in a Testford LSOA: the boundary wins
        ["2024-01-06", "Serious", -0.95, 53.0, "Testford"],  # in no boundary: the named authority
        ["2024-01-07", "Slight", -0.95, 53.0, "Testford Council"],  # the same, spelt as a council
        ["2024-01-08", "Fatal", -0.95, 53.0, ""],            # in no boundary, no authority: unplaced
        ["2024-01-09", "Slight", -0.95, 53.0, "Nowhere"],    # an authority no lookup knows
    ]
    path = write_csv_file(tmp_path / "stats19.csv", header, rows)
    summary = load(con, path, "stats19")
    assert summary.rows_loaded == 5
    assert summary.placed_by == {"point in LSOA": 1, "local authority": 2, "not placed": 2}
    assert summary.unplaced_reasons == {
        "the point lies in no LSOA or ward boundary loaded and the file names no authority": 1,
        "the point lies in no LSOA or ward boundary loaded and the local authority named is not in "
        "the lookups loaded": 1}
    by_ward = count_partner(con, "stats19", TESTFORD_AREA, None, None, ["ward", "category"])
    assert by_ward == [
        {"ward_code": "E05000902", "ward_name": "South", "category": "Slight", "count": 1},
        {"ward_code": None, "ward_name": "(authority only: no ward)", "category": "Serious", "count": 1},
        {"ward_code": None, "ward_name": "(authority only: no ward)", "category": "Slight", "count": 1},
    ]
    assert count_partner(con, "stats19", Area("Otherton", (OTHERTON,)), None, None, ["category"]) == []
    listed = list_datasets(con)[0]
    assert (listed["rows"], listed["unplaced"], listed["authority_only"]) == (5, 2, 2)
    from csphub.analytics.partner.counts import unplaced_rows

    assert [(r["line"], r["lad_given"], r["latitude"]) for r in unplaced_rows(con, "stats19")] == [
        (5, None, 53.0), (6, "Nowhere", 53.0)]


def test_easting_and_northing_are_converted_and_placed(con, tmp_path):
    from pyproj import Transformer

    lon, lat = point_in("E01000904")
    easting, northing = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(lon, lat)
    path = write_csv_file(tmp_path / "fires.csv", FIRE_HEADER,
                          [fire_row("F1", easting=f"{easting:.0f}", northing=f"{northing:.0f}")])
    load(con, path, "fire")
    assert con.execute("select lsoa_code, lad_code, placed_by from partner_records").fetchall() == [
        ("E01000904", OTHERTON, "point in LSOA")]


def test_rows_loaded_before_their_boundaries_are_placed_by_a_later_load(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_geography(con, tmp_path / "geo", boundaries=False)
        lon, lat = point_in("E01000901")
        first = write_csv_file(tmp_path / "a.csv", FIRE_HEADER, [fire_row("F1", lon=lon, lat=lat)])
        summary = load(con, first, "fire")
        assert summary.rows_unplaced == 1
        load_geography(con, tmp_path / "geo2")  # now with boundaries
        second = write_csv_file(tmp_path / "b.csv", FIRE_HEADER, [fire_row("F2", when="01/02/2024", lsoa="E01000902")])
        summary = load(con, second, "fire")
        assert summary.rows_placed_earlier == 1 and summary.rows_unplaced == 0
        assert total(count_partner(con, "fire", TESTFORD_AREA, None, None, ["month"])) == 2
        assert [f["unplaced"] for f in list_files(con)] == [0, 0]


# ---- aggregates and suppression ---------------------------------------------------------------

def test_suppressed_cells_are_kept_as_suppressed_never_zero(con, tmp_path):
    header = ["Month", "LSOA Code", "ICD10 Group", "Admissions"]
    rows = [
        ["2024-01", "E01000901", "X85-Y09 Assault", "12"],
        ["2024-01", "E01000902", "X85-Y09 Assault", "<5"],
        ["2024-01", "E01000903", "X85-Y09 Assault", "*"],
        ["Feb-24", "E01000901", "X85-Y09 Assault", "7"],
        ["2024-02", "E01000903", "X85-Y09 Assault", "[c]"],
        ["2024-02", "E01000902", "X85-Y09 Assault", "three"],  # neither a number nor a mark
        ["2024-02", "E01000902", "X85-Y09 Assault", "2.5"],    # not a whole number
    ]
    path = write_csv_file(tmp_path / "hes.csv", header, rows)
    summary = load(con, path, "hospital-assaults")
    assert (summary.rows_loaded, summary.rows_suppressed, summary.rows_quarantined) == (5, 3, 2)
    by_month = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["month"])
    assert by_month == [{"month": "2024-01", "count": 12, "suppressed": 2},
                        {"month": "2024-02", "count": 7, "suppressed": 1}]
    by_lsoa = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["lsoa"])
    assert {r["lsoa_code"]: (r["count"], r["suppressed"]) for r in by_lsoa} == {
        "E01000901": (19, 0), "E01000902": (None, 1), "E01000903": (None, 2)}
    assert con.execute("select suppressed_as from partner_records where suppressed order by line").fetchall() == [
        ("<5",), ("*",), ("[c]",)]


def test_ward_names_and_a_financial_year_with_the_authority_given(con, tmp_path):
    homeless = write_csv_file(tmp_path / "h.csv", ["Month", "Ward", "Measure", "Count"], [
        ["Jan 2024", "north", "Rough sleepers", "3"],
        ["Jan 2024", "South ", "Prevention duty", "11"],
        ["Jan 2024", "Nowhere Ward", "Prevention duty", "4"],
    ])
    summary = load(con, homeless, "homelessness", authority="Testford")
    assert summary.placed_by == {"ward name": 2, "local authority": 1}
    rows = count_partner(con, "homelessness", TESTFORD_AREA, None, None, ["ward", "category"])
    assert [(r["ward_name"], r["category"], r["count"]) for r in rows] == [
        ("North", "Rough sleepers", 3), ("South", "Prevention duty", 11),
        ("(authority only: no ward)", "Prevention duty", 4)]
    prevent = write_csv_file(tmp_path / "p.csv", ["Financial Year", "Type of Concern", "Referrals"], [
        ["2023/24", "Extreme right wing", "<5"], ["2023-24", "Islamist", "6"], ["2023/25", "Mixed", "2"]])
    summary = load(con, prevent, "prevent", authority=TESTFORD)
    assert summary.rows_loaded == 2 and summary.rows_quarantined == 1
    rows = count_partner(con, "prevent", TESTFORD_AREA, date(2023, 4, 1), date(2024, 3, 1), ["financial_year", "category"])
    assert rows == [{"financial_year": "2023/24", "category": "Extreme right wing", "count": None, "suppressed": 1},
                    {"financial_year": "2023/24", "category": "Islamist", "count": 6, "suppressed": 0}]
    # a financial year's row is counted only when the whole year is asked for
    assert count_partner(con, "prevent", TESTFORD_AREA, date(2024, 1, 1), date(2024, 3, 1), ["category"]) == []


def test_an_excel_sheet_loads_with_its_row_numbers(con, tmp_path):
    path = tmp_path / "ambulance.xlsx"
    write_xlsx(path, [Sheet("Notes", [["Ambulance call-outs to assaults"]]),
                      Sheet("Data", [["Ambulance call-outs to assaults, by LSOA"], ["Source: CAD"], [],
                                     ["Month", "LSOA Code", "Assault Type", "Call Outs"],
                                     [date(2024, 3, 1), "E01000901", "Assault", 9],
                                     [date(2024, 3, 1), "E01000903", "Assault", "<5"],
                                     ["March", "E01000903", "Assault", 2]])])
    summary = load(con, path, "ambulance-assaults", sheet="Data")
    assert (summary.rows_loaded, summary.rows_suppressed, summary.rows_quarantined) == (2, 1, 1)
    assert con.execute("select line, field from quarantine").fetchall() == [(7, "Month")]  # title rows skipped
    with pytest.raises(InputFileError, match="one of the workbook's sheets: Notes, Data"):
        load(con, path, "ambulance-assaults", sheet="Sheet1")


# ---- idempotency, replacement, atomicity ------------------------------------------------------

def test_same_file_twice_adds_nothing_and_a_reissued_period_replaces_the_old(con, tmp_path):
    header = ["Month", "LSOA Code", "Admissions", "ICD10 Group"]
    first = write_csv_file(tmp_path / "jan-feb.csv", header, [
        ["2024-01", "E01000901", "5", "Assault"], ["2024-02", "E01000901", "6", "Assault"]])
    load(con, first, "hospital-assaults")
    again = load(con, first, "hospital-assaults")
    assert again.files_skipped == 1 and again.rows_loaded == 0
    reissue = write_csv_file(tmp_path / "feb-mar.csv", header, [
        ["2024-02", "E01000901", "8", "Assault"], ["2024-03", "E01000901", "9", "Assault"]])
    summary = load(con, reissue, "hospital-assaults")
    assert (summary.files_replaced, summary.rows_replaced) == (1, 1)
    by_month = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["month"])
    assert by_month == [{"month": "2024-01", "count": 5}, {"month": "2024-02", "count": 8},
                        {"month": "2024-03", "count": 9}]
    files = list_files(con)
    assert [(f["file"].rsplit("/", 1)[-1], f["period_first"], f["period_last"], f["rows"]) for f in files] == [
        ("jan-feb.csv", "2024-01", "2024-02", 1), ("feb-mar.csv", "2024-02", "2024-03", 2)]


def test_a_reissue_for_one_area_never_deletes_another_areas_rows(con, tmp_path):
    header = ["Month", "LSOA Code", "Admissions", "ICD10 Group"]
    # the first file covers both authorities: Testford (E01000901) and Otherton (E01000904)
    load(con, write_csv_file(tmp_path / "both.csv", header, [
        ["2024-01", "E01000901", "5", "Assault"], ["2024-01", "E01000904", "7", "Assault"],
        ["2024-02", "E01000901", "6", "Assault"], ["2024-02", "E01000904", "8", "Assault"]]), "hospital-assaults")
    # a re-issue of January and February for Testford only
    summary = load(con, write_csv_file(tmp_path / "testford.csv", header, [
        ["2024-01", "E01000901", "15", "Assault"], ["2024-02", "E01000902", "16", "Assault"]]), "hospital-assaults")
    assert (summary.files_replaced, summary.rows_replaced) == (1, 2)
    testford = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["month"])
    otherton = count_partner(con, "hospital-assaults", Area("Otherton", (OTHERTON,)), None, None, ["month"])
    assert testford == [{"month": "2024-01", "count": 15}, {"month": "2024-02", "count": 16}]
    assert otherton == [{"month": "2024-01", "count": 7}, {"month": "2024-02", "count": 8}]
    assert [(f["file"].rsplit("/", 1)[-1], f["rows"]) for f in list_files(con)] == [
        ("both.csv", 2), ("testford.csv", 2)]


def test_a_reissue_from_another_agency_is_refused_naming_it_unless_told_to_replace(con, tmp_path):
    header = ["Month", "LSOA Code", "Admissions", "ICD10 Group"]
    load(con, write_csv_file(tmp_path / "icb.csv", header, [
        ["2024-01", "E01000901", "5", "Assault"], ["2024-02", "E01000901", "6", "Assault"]]),
         "hospital-assaults", agency="Testshire ICB")
    reissue = write_csv_file(tmp_path / "trust.csv", header, [["2024-02", "E01000901", "9", "Assault"]])
    with pytest.raises(InputFileError, match="was loaded from 'Testshire ICB'") as refused:
        load(con, reissue, "hospital-assaults", agency="Testshire Hospitals Trust")
    assert "--agency 'Testshire ICB'" in str(refused.value) and "--replace-other-agency" in str(refused.value)
    assert total(count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["month"])) == 11
    # told to, the new file replaces February whoever sent it, and says whose rows went
    summary = load(con, reissue, "hospital-assaults", agency="Testshire Hospitals Trust", replace_other_agency=True)
    assert summary.replaced_from == {"Testshire ICB": 1}
    assert count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["month", "agency"]) == [
        {"month": "2024-01", "agency": "Testshire ICB", "count": 5},
        {"month": "2024-02", "agency": "Testshire Hospitals Trust", "count": 9}]
    # another agency's data for another area of the same dataset and months is no re-issue: it loads
    load(con, write_csv_file(tmp_path / "otherton.csv", header, [["2024-02", "E01000904", "3", "Assault"]]),
         "hospital-assaults", agency="Otherton Trust")
    assert total(count_partner(con, "hospital-assaults", Area("Otherton", (OTHERTON,)), None, None, ["month"])) == 3


def test_cli_says_whose_rows_a_reissue_replaced(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as con:
        load_geography(con, tmp_path / "geo")
    header = ["Month", "LSOA Code", "Admissions", "ICD10 Group"]
    first = write_csv_file(tmp_path / "a.csv", header, [["2024-01", "E01000901", "5", "Assault"]])
    second = write_csv_file(tmp_path / "b.csv", header, [["2024-01", "E01000901", "6", "Assault"]])
    runner = CliRunner()
    ok = runner.invoke(main, ["ingest", "partner", str(first), "--dataset", "hospital-assaults", "--agency", "ICB"])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(main, ["ingest", "partner", str(second), "--dataset", "hospital-assaults",
                                   "--agency", "Trust"])
    assert refused.exit_code != 0 and "was loaded from 'ICB'" in refused.output
    replaced = runner.invoke(main, ["ingest", "partner", str(second), "--dataset", "hospital-assaults",
                                    "--agency", "Trust", "--replace-other-agency"])
    assert replaced.exit_code == 0, replaced.output
    assert "replaced 1 rows previously loaded from ICB" in replaced.output


def test_cli_counts_a_snapshot_by_month_only(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as con:
        load_geography(con, tmp_path / "geo")
    path = write_csv_file(tmp_path / "ndtms.csv", ["Month", "Ward", "Substance Group", "Adults in Treatment"], [
        ["2024-01", "North", "Opiate", "20"], ["2024-02", "North", "Opiate", "21"]])
    runner = CliRunner()
    loaded = runner.invoke(main, ["ingest", "partner", str(path), "--dataset", "drug-alcohol-treatment",
                                  "--authority", TESTFORD])
    assert loaded.exit_code == 0, loaded.output
    summed = runner.invoke(main, ["partner", "counts", "--dataset", "drug-alcohol-treatment", "--area", TESTFORD,
                                  "--by", "category"])
    assert summed.exit_code == 2 and "snapshot counts" in summed.output and "in 2 months" in summed.output
    monthly = runner.invoke(main, ["partner", "counts", "--dataset", "drug-alcohol-treatment", "--area", TESTFORD,
                                   "--by", "month,category", "--format", "json"])
    assert json.loads(monthly.output) == [{"month": "2024-01", "category": "Opiate", "count": 20},
                                          {"month": "2024-02", "category": "Opiate", "count": 21}]


def test_a_failing_load_leaves_the_warehouse_as_it_was(con, tmp_path):
    header = ["Month", "LSOA Code", "Admissions", "ICD10 Group"]
    earlier = write_csv_file(tmp_path / "earlier.csv", header, [["2023-12", "E01000901", "4", "Assault"]])
    load(con, earlier, "hospital-assaults")
    before = {t: con.execute(f"select * exclude (loaded_at) from {t}" if t == "source_files" else f"select * from {t}")
              .fetchall() for t in ("partner_records", "partner_files", "source_files")}
    good = write_csv_file(tmp_path / "good.csv", header, [["2024-01", "E01000901", "5", "Assault"]])
    broken = tmp_path / "broken.csv"
    broken.write_text('Month,LSOA Code,Admissions,ICD10 Group\n2024-02,E01000901,"5,Assault\n')
    with pytest.raises(InputFileError, match="broken.csv"):
        ingest_partner(con, [good, broken], find_profile("hospital-assaults"), today=TODAY)
    after = {t: con.execute(f"select * exclude (loaded_at) from {t}" if t == "source_files" else f"select * from {t}")
             .fetchall() for t in before}
    assert after == before and len(after["partner_records"]) == 1


def test_a_file_without_the_profiles_columns_is_refused_naming_them(con, tmp_path):
    path = write_csv_file(tmp_path / "x.csv", ["When", "Where"], [["2024-01", "E01000901"]])
    with pytest.raises(InputFileError, match="a column for the month .*month, admission month"):
        load(con, path, "hospital-assaults")


def test_a_profile_in_the_data_directory_overrides_a_builtin_one(tmp_path):
    folder = tmp_path / "partner-profiles"
    folder.mkdir()
    (folder / "fire.yaml").write_text(
        "name: fire\ntitle: Our fires\nperiod: {date: When}\nplace: {lsoa: Where}\ncolumns: {category: What}\n")
    profile = find_profile("fire", tmp_path)
    assert (profile.title, profile.period_columns, profile.origin) == ("Our fires", ("When",), str(folder / "fire.yaml"))
    with pytest.raises(NotFoundError, match="no dataset profile called 'nope'"):
        find_profile("nope", tmp_path)
    with pytest.raises(InputFileError, match="exactly one of date, month or financial_year"):
        parse_profile('name = "x"\n[place]\nlsoa = "L"', "x.toml")


# ---- the command line -------------------------------------------------------------------------

def test_cli_ingest_list_and_counts_as_json(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as con:
        load_geography(con, tmp_path / "geo")
    lon, lat = point_in("E01000901")
    path = write_csv_file(tmp_path / "fires.csv", FIRE_HEADER, [
        fire_row("F1", lon=lon, lat=lat), fire_row("F2", when="03/02/2024", lsoa="E01000903", motive="Accidental"),
        fire_row("F3", when="bad", lsoa="E01000903")])
    runner = CliRunner()
    loaded = runner.invoke(main, ["ingest", "partner", str(path), "--dataset", "fire", "--agency", "Testshire FRS"])
    assert loaded.exit_code == 0, loaded.output
    assert "rows: 2 loaded, 1 quarantined" in loaded.output
    listed = runner.invoke(main, ["partner", "list", "--format", "json"])
    assert [(d["dataset"], d["agency"], d["rows"]) for d in json.loads(listed.output)] == [("fire", "Testshire FRS", 2)]
    counted = runner.invoke(main, ["partner", "counts", "--dataset", "fire", "--area", TESTFORD, "--from", "2024-01",
                                   "--to", "2024-12", "--by", "month,ward", "--where", "motive=Deliberate",
                                   "--format", "json"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output) == [{"month": "2024-01", "ward_code": "E05000901", "ward_name": "North", "count": 1}]
    wrong = runner.invoke(main, ["partner", "counts", "--dataset", "fire", "--area", TESTFORD, "--by", "colour"])
    assert wrong.exit_code == 2 and "motive" in wrong.output


def test_postcodes_are_placed_through_a_postcode_lookup_once_one_is_loaded(con, tmp_path):
    from csphub.analytics.partner.postcodes import load_postcodes

    profile = parse_profile('name = "council-asb"\nunit = "reports"\n[period]\nmonth = "Month"\n'
                            '[place]\npostcode = "Postcode"\n[columns]\ncategory = "Type"\ncount = "Reports"',
                            "council-asb.toml")
    path = write_csv_file(tmp_path / "reports.csv", ["Month", "Postcode", "Type", "Reports"], [
        ["2024-01", "tf1 1aa", "Fly-tipping", "4"], ["2024-01", "TF9 9ZZ", "Fly-tipping", "2"]])
    summary = ingest_partner(con, [path], profile, agency="Testford Council", today=TODAY)
    assert summary.unplaced_reasons == {
        "the postcode is in no postcode lookup loaded (csphub partner postcodes FILE)": 2}
    lookup = write_csv_file(tmp_path / "onspd.csv", ["pcds", "lsoa21cd", "lat", "long"], [
        ["TF1 1AA", "E01000902", "52.05", "-0.85"], ["TF2 2BB", "", "", ""]])
    assert load_postcodes(con, lookup) == (1, 1)
    again = write_csv_file(tmp_path / "feb.csv", ["Month", "Postcode", "Type", "Reports"],
                           [["2024-02", "TF1 1AA", "Graffiti", "1"]])
    summary = ingest_partner(con, [again], profile, agency="Testford Council", today=TODAY)
    assert summary.rows_placed_earlier == 1 and summary.placed_by == {"postcode": 1}
    rows = count_partner(con, "council-asb", TESTFORD_AREA, None, None, ["ward", "month"])
    assert rows == [{"ward_code": "E05000901", "ward_name": "North", "month": "2024-01", "count": 4},
                    {"ward_code": "E05000901", "ward_name": "North", "month": "2024-02", "count": 1}]


def test_hospital_rows_coded_outside_the_assault_codes_are_quarantined(con, tmp_path):
    header = ["Month", "LSOA Code", "ICD10", "Admissions"]
    path = write_csv_file(tmp_path / "hes.csv", header, [
        ["2024-01", "E01000901", "X85", "6"], ["2024-01", "E01000901", "Y09.0", "5"],
        ["2024-01", "E01000901", "X99 Assault by sharp object", "7"],
        ["2024-01", "E01000901", "W19", "9"],   # a fall: not an assault
        ["2024-01", "E01000901", "Y10", "8"],   # just past the range
        ["2024-01", "E01000901", "Assault (all codes)", "3"]])
    summary = load(con, path, "hospital-assaults")
    assert (summary.rows_loaded, summary.rows_quarantined) == (4, 2)
    assert con.execute("select line, value from quarantine order by line").fetchall() == [(5, "W19"), (6, "Y10")]
    assert "within X85-Y09" in con.execute("select reason from quarantine limit 1").fetchall()[0][0]


def test_real_medway_points_land_in_the_lsoa_police_uk_gives_or_on_its_edge(shared_data, tmp_path):
    """Points of January 2024's Medway crimes (police.uk), loaded as a fire file with coordinates
    only, are placed in the real Medway LSOA boundaries: the same LSOA as police.uk's for 95%, and
    the others within 20 m of police.uk's LSOA (snap points sit on roads, which are often the
    boundaries, and the boundaries are generalised)."""
    import json

    import pandas as pd
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape
    from shapely.ops import transform

    from csphub.analytics.geography import load_boundaries, load_lookup

    lookup = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str, encoding="utf-8-sig")
    medway = set(lookup.loc[lookup["LAD23CD"] == "E06000035", "LSOA21CD"])
    street = pd.read_csv(shared_data / "police-uk" / "kent" / "2024-01-kent-street.csv", dtype=str)
    crimes = street[street["LSOA code"].isin(medway) & street["Longitude"].notna()]
    path = write_csv_file(tmp_path / "points.csv", ["Incident Date", "Property Category", "Longitude", "Latitude"],
                          [["15/01/2024", "Refuse", r.Longitude, r.Latitude] for r in crimes.itertuples()])
    boundaries = shared_data / "ons" / "boundaries" / "medway_E06000035_lsoa21.geojson"
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_boundaries(con, boundaries)
        summary = ingest_partner(con, [path], find_profile("fire"), today=TODAY)
        placed = [r[0] for r in con.execute("select lsoa_code from partner_records order by line").fetchall()]
        medway_total = count_partner(con, "fire", Area("Medway", ("E06000035",)), None, None, ["month"])
    assert summary.placed_by == {"point in LSOA": len(crimes)} == {"point in LSOA": 2478}
    assert medway_total == [{"month": "2024-01", "count": 2478}]
    same = sum(a == b for a, b in zip(placed, crimes["LSOA code"], strict=True))
    assert same / len(crimes) >= 0.95
    features = json.loads(boundaries.read_text())["features"]
    polygons = {f["properties"]["LSOA21CD"]: shape(f["geometry"]) for f in features}
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
    for got, expected, lon, lat in zip(placed, crimes["LSOA code"], crimes["Longitude"], crimes["Latitude"], strict=True):
        if got != expected:
            point = shapely.Point(*to_metres(float(lon), float(lat)))
            assert transform(to_metres, polygons[expected]).distance(point) < 20, (got, expected)


def test_a_profile_measure_is_events_or_a_monthly_snapshot():
    base = 'name = "x"\n{extra}\n[period]\n{period} = "Month"\n[place]\nlsoa = "LSOA"\n'
    assert parse_profile(base.format(extra="", period="month"), "x.toml").measure == "events"
    snapshot = parse_profile(base.format(extra='measure = "snapshot"', period="month"), "x.toml")
    assert snapshot.measure == "snapshot"
    with pytest.raises(InputFileError, match="field 'measure': got 'daily'; expected events"):
        parse_profile(base.format(extra='measure = "daily"', period="month"), "x.toml")
    with pytest.raises(InputFileError, match="a snapshot measure with a \\[period\\] month column"):
        parse_profile(base.format(extra='measure = "snapshot"', period="financial_year"), "x.toml")
    assert find_profile("homelessness").snapshot_categories[0] == "rough sleepers"
    assert find_profile("drug-alcohol-treatment").measure == "snapshot" and find_profile("fire").measure == "events"
