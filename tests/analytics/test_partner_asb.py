"""Ingesting partner ASB extracts: columns recognised, each bad row quarantined, points placed in
LSOAs, idempotency, replacement of a re-issued file, atomicity, and the schema migration."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyproj import Transformer

from csphub.analytics.geography import load_boundaries
from csphub.analytics.partner_asb import ingest_partner_asb
from csphub.analytics.warehouse import SCHEMA_VERSION, open_warehouse
from csphub.cli import main
from csphub.errors import ConfigurationError, InputFileError

TODAY = date(2025, 6, 30)
HEADER = ["Incident Ref", "Date Reported", "ASB Type", "ASB Category", "LSOA Code", "Easting",
          "Northing", "Notes"]


def write_partner(path: Path, rows: list[list[str]], header: list[str] = HEADER,
                  encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(ref: str = "R", when: str = "15/01/2024 10:30", kind: str = "Noise", category: str = "Nuisance",
        lsoa: str = "E01000001", easting: str = "", northing: str = "", notes: str = "") -> list[str]:
    return [ref, when, kind, category, lsoa, easting, northing, notes]


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def ingest(con, paths, source="Townshire Council", **kwargs):
    return ingest_partner_asb(con, [Path(p) for p in paths], source, today=TODAY, **kwargs)


def snapshot(con) -> dict:
    tables = {"partner_asb": "select * from partner_asb",
              "quarantine": "select * exclude (quarantined_at) from quarantine",
              "source_files": "select * exclude (loaded_at) from source_files"}
    return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in tables.items()}


def test_each_kind_of_bad_row_is_quarantined_and_good_rows_load(con, tmp_path):
    rows = [
        row("R2"),                                              # line 2: good
        row("R3", when="2024-02-03T18:20:00Z", kind="noise"),   # line 3: ISO with zone; type respelt
        row("R4", kind="", category=""),                        # line 4: empty type -> Not recorded
        row("R5", kind="ROWDY / inconsiderate behaviour"),      # line 5: known type, odd spelling
        row("R6", kind="Drug dealing", notes="two lines\nof notes"),  # lines 6-7: unknown type kept
        row("R8", when="31/01/24"),                             # line 8: two-digit year is 2024
        row("R9", when=""),                                     # line 9: empty date
        row("R10", when="31/02/2024"),                          # line 10: no such date
        row("R11", when="01/01/1989"),                          # line 11: before 1990
        row("R12", when="05/07/2025"),                          # line 12: in the future
        row("R13", category="Antisocial"),                      # line 13: not a national category
        row("R14", lsoa="X0100001"),                            # line 14: malformed LSOA code
        row("R15", lsoa="", easting="575000"),                  # line 15: easting without northing
        row("R16", lsoa="", easting="575000", northing="2000000"),  # line 16: off the grid
        row("R17", lsoa=""),                                    # line 17: no location
        row("R18")[:5],                                         # line 18: too few fields
    ]
    path = write_partner(tmp_path / "asb.csv", rows)
    text = path.read_text()
    path.write_text(text.replace("\nR8,", "\n\nR8,"))  # a blank line before R8 (now line 9)
    summary = ingest(con, [path])
    assert (summary.rows_loaded, summary.rows_quarantined) == (6, 10)
    loaded = con.execute("""select line, incident_ref, incident_date, incident_at, incident_type,
                            national_category, lsoa_code, location_source
                            from partner_asb order by line""").fetchall()
    assert loaded == [
        (2, "R2", date(2024, 1, 15), datetime(2024, 1, 15, 10, 30), "Noise", "Nuisance", "E01000001", "lsoa"),
        (3, "R3", date(2024, 2, 3), datetime(2024, 2, 3, 18, 20), "Noise", "Nuisance", "E01000001", "lsoa"),
        (4, "R4", date(2024, 1, 15), datetime(2024, 1, 15, 10, 30), "Not recorded", None, "E01000001", "lsoa"),
        (5, "R5", date(2024, 1, 15), datetime(2024, 1, 15, 10, 30), "Rowdy or inconsiderate behaviour",
         "Nuisance", "E01000001", "lsoa"),
        (6, "R6", date(2024, 1, 15), datetime(2024, 1, 15, 10, 30), "Drug dealing", "Nuisance", "E01000001", "lsoa"),
        (9, "R8", date(2024, 1, 31), None, "Noise", "Nuisance", "E01000001", "lsoa"),
    ]
    quarantined = con.execute("select line, field, value, reason from quarantine order by line").fetchall()
    assert [(line, field, value) for line, field, value, _ in quarantined] == [
        (10, "Date Reported", None),
        (11, "Date Reported", "31/02/2024"),
        (12, "Date Reported", "01/01/1989"),
        (13, "Date Reported", "05/07/2025"),
        (14, "ASB Category", "Antisocial"),
        (15, "LSOA Code", "X0100001"),
        (16, "Easting", "575000"),
        (17, "Northing", "2000000"),
        (18, "location", None),
        (19, "row", "5"),
    ]
    reasons = [reason for *_, reason in quarantined]
    assert reasons[0] == "the date is empty" and "day first" in reasons[1]
    assert "before 1990" in reasons[2] and "future" in reasons[3]
    assert "Personal, Nuisance or Environmental" in reasons[4] and "no location" in reasons[8]
    raw = json.loads(con.execute("select raw_row from quarantine where line = 14").fetchone()[0])
    assert raw["ASB Category"] == "Antisocial" and raw["Incident Ref"] == "R13"
    assert summary.columns[str(path)]["type"] == "ASB Type"
    assert summary.months == ["2024-01", "2024-02"]


def _square(code: str, lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]
    return {"type": "Feature", "properties": {"LSOA21CD": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _boundaries(path: Path, *features: dict) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def test_points_are_placed_in_the_lsoa_that_contains_them(con, tmp_path):
    load_boundaries(con, _boundaries(tmp_path / "lsoa.geojson", _square("E01000001", 0.50, 51.38),
                                     _square("E01000002", 0.51, 51.38)))
    easting, northing = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(0.505, 51.385)
    header = ["Ref", "Date", "Type", "Easting", "Northing", "Latitude", "Longitude"]
    rows = [["G1", "2024-01-05", "Noise", f"{easting:.0f}", f"{northing:.0f}", "", ""],
            ["G2", "2024-01-05", "Noise", "", "", "51.385", "0.515"],
            ["G3", "2024-01-05", "Noise", "", "", "52.5", "-1.5"]]  # in no boundary loaded
    summary = ingest(con, [write_partner(tmp_path / "points.csv", rows, header)])
    assert (summary.rows_loaded, summary.rows_unplaced) == (3, 1)
    placed = con.execute("select incident_ref, lsoa_code, location_source, round(longitude, 3) "
                         "from partner_asb order by 1").fetchall()
    assert placed == [("G1", "E01000001", "easting/northing", 0.505),
                      ("G2", "E01000002", "latitude/longitude", 0.515),
                      ("G3", None, "latitude/longitude", -1.5)]
    # boundaries covering G3 loaded later: the next partner load places it
    load_boundaries(con, _boundaries(tmp_path / "more.geojson", _square("E01000003", -1.505, 52.495)))
    again = ingest(con, [tmp_path / "points.csv"])
    assert (again.files_skipped, again.rows_placed_earlier) == (1, 1)
    assert con.execute("select lsoa_code from partner_asb where incident_ref = 'G3'").fetchone() == ("E01000003",)


def test_columns_are_recognised_flexibly_and_can_be_named(con, tmp_path):
    header = ["Datum", "Tijd", "Probleem", "Category", "LSOA21CD"]
    rows = [["03.02.2024", "21:15", "Caf\u00e9 noise", "personal", "E01000001"],
            ["04.02.2024", "", "Fireworks", "Environmental ASB", "W01000002"]]
    path = write_partner(tmp_path / "excel.csv", rows, header, encoding="cp1252", delimiter=";")
    with pytest.raises(InputFileError, match="date of the incident"):
        ingest(con, [path])
    summary = ingest(con, [path], columns={"date": "datum", "time": "Tijd", "type": "Probleem"})
    assert summary.encodings[str(path)] == "Windows-1252"
    assert summary.columns[str(path)] == {"date": "Datum", "time": "Tijd", "type": "Probleem",
                                          "category": "Category", "lsoa": "LSOA21CD"}
    assert con.execute("select incident_at, incident_type, national_category from partner_asb "
                       "order by line").fetchall() == [
        (datetime(2024, 2, 3, 21, 15), "Caf\u00e9 noise", "Personal"),
        (None, "Fireworks", "Environmental")]
    another = write_partner(tmp_path / "another.csv", rows[:1], header, delimiter=";")
    with pytest.raises(InputFileError, match="a column named 'When'"):
        ingest(con, [another], columns={"date": "When"})


def test_a_file_with_no_location_column_is_refused(con, tmp_path):
    path = write_partner(tmp_path / "a.csv", [["2024-01-01", "Noise"]], ["Date", "Type"])
    with pytest.raises(InputFileError) as error:
        ingest(con, [path])
    assert str(path) in str(error.value) and "LSOA" in str(error.value)


def test_loading_the_same_file_twice_adds_nothing(con, tmp_path):
    path = write_partner(tmp_path / "asb.csv", [row("A"), row("B", lsoa="bad")])
    first = ingest(con, [path])
    before = snapshot(con)
    second = ingest(con, [path])
    assert (first.files_loaded, second.files_loaded, second.files_skipped) == (1, 0, 1)
    assert snapshot(con) == before


def test_a_reissued_file_replaces_the_earlier_rows_of_its_months(con, tmp_path):
    def months(*spec: tuple[str, int]) -> list[list[str]]:
        return [row(f"{m}-{i}", when=f"10/{m}/2024", lsoa="E01000001" if i else "bad")
                for m, n in spec for i in range(n)]

    first = write_partner(tmp_path / "q4.csv", months(("01", 3), ("02", 3), ("03", 3)))
    other = write_partner(tmp_path / "police.csv", months(("01", 2), ("02", 2)))
    ingest(con, [first])
    ingest(con, [other], source="Townshire Police CAD")
    reissue = write_partner(tmp_path / "q4-v2.csv", months(("01", 4), ("02", 4), ("03", 4)))
    summary = ingest(con, [reissue])
    assert (summary.files_replaced, summary.rows_replaced) == (1, 6)  # 2 good rows a month

    def by_source_month():
        return con.execute("select source, strftime(month, '%Y-%m'), count(*) from partner_asb "
                           "group by all order by all").fetchall()

    assert by_source_month() == [("Townshire Council", "2024-01", 3), ("Townshire Council", "2024-02", 3),
                                 ("Townshire Council", "2024-03", 3),
                                 ("Townshire Police CAD", "2024-01", 1), ("Townshire Police CAD", "2024-02", 1)]
    paths = {r[0] for r in con.execute("select path from source_files").fetchall()}
    assert paths == {str(reissue), str(other)}  # q4.csv and its quarantined rows are gone
    assert con.execute("select count(*) from quarantine where file = ?", [str(first)]).fetchone() == (0,)
    # a file for March and April replaces March only; the re-issued file keeps January and February
    spring = write_partner(tmp_path / "spring.csv", months(("03", 2), ("04", 2)))
    ingest(con, [spring])
    assert [r for r in by_source_month() if r[0] == "Townshire Council"] == [
        ("Townshire Council", "2024-01", 3), ("Townshire Council", "2024-02", 3),
        ("Townshire Council", "2024-03", 1), ("Townshire Council", "2024-04", 1)]
    assert con.execute("select rows_loaded from source_files where path = ?", [str(reissue)]).fetchone() == (6,)


def test_a_failing_file_leaves_the_warehouse_unchanged(con, tmp_path):
    ingest(con, [write_partner(tmp_path / "old.csv", [row("A"), row("B", when="")])])
    before = snapshot(con)
    good = write_partner(tmp_path / "good.csv", [row("C", when="10/01/2024"), row("D", when="x")])
    broken = write_partner(tmp_path / "broken.csv", [row("E"), row("F")])
    broken.write_text(broken.read_text() + 'G,10/01/2024,"Noise,Nuisance,E01000001\n')  # open quote
    with pytest.raises(InputFileError) as error:
        ingest(con, [good, broken])
    assert str(broken) in str(error.value) and "line 4" in str(error.value)
    assert snapshot(con) == before


def test_an_older_warehouse_is_migrated_and_a_newer_one_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:  # make it look like a version 1 warehouse
        con.execute("drop table partner_asb")
        con.execute("alter table source_files drop column source")
        con.execute("update schema_version set version = 1")
        con.execute("insert into areas values ('Townshire', 'E06000099')")
    with open_warehouse(path) as con:
        assert con.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert "source" in [c[0] for c in con.execute("describe source_files").fetchall()]
        assert con.execute("select count(*) from partner_asb").fetchone() == (0,)
        assert con.execute("select * from areas").fetchall() == [("Townshire", "E06000099")]
        con.execute("update schema_version set version = 99")
    with pytest.raises(ConfigurationError, match="newer"):
        open_warehouse(path).__enter__()


def test_the_command_prints_a_summary(data_dir, tmp_path):
    path = write_partner(tmp_path / "asb.csv", [row("A"), row("B", kind=""), row("C", when="")])
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "partner-asb", str(path), "--source", "Townshire Council"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rows: 2 loaded, 1 quarantined" in result.output
    assert "type <- 'ASB Type'" in result.output and "Not recorded 1" in result.output
    assert "csphub quarantine" in result.output
    bad = runner.invoke(main, ["ingest", "partner-asb", str(path), "--source", "X", "--column", "colour=Red"])
    assert bad.exit_code == 2 and "FIELD=COLUMN" in bad.output


def test_dates_in_the_forms_partners_write(con, tmp_path):
    forms = {"31/01/2024": datetime(2024, 1, 31), "1/2/2024 9:05": datetime(2024, 2, 1, 9, 5),
             "31-01-24": datetime(2024, 1, 31), "31 Jan 2024": datetime(2024, 1, 31),
             "31-Jan-24 23:59": datetime(2024, 1, 31, 23, 59), "2024-01-31": datetime(2024, 1, 31),
             "2024/01/31 08:00:30": datetime(2024, 1, 31, 8, 0, 30),
             "2024-01-31T14:05:00+01:00": datetime(2024, 1, 31, 14, 5)}
    path = write_partner(tmp_path / "dates.csv", [row(ref, when=ref) for ref in forms])
    summary = ingest(con, [path])
    assert summary.rows_quarantined == 0
    read = dict(con.execute("select incident_ref, coalesce(incident_at, incident_date::timestamp) "
                            "from partner_asb").fetchall())
    assert read == forms
