"""Partner rows placed by a 2011 LSOA code and by a ward code or name, `csphub partner counts` as a
table and as CSV, and the loader's progress: each on a hand-made file whose answer is worked out
by hand (the geography is partner_kit's: Testford's wards North = E01000901 + E01000902 and South
= E01000903; Otherton's ward Middle = E01000904)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from click.testing import CliRunner

from csphub.analytics.areas import Area
from csphub.analytics.geography import load_lookup
from csphub.analytics.partner.counts import count_partner
from csphub.analytics.partner.loader import ingest_partner
from csphub.analytics.partner.profiles import find_profile
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main

from .partner_kit import TESTFORD, load_geography, write_csv_file

TODAY = date(2025, 6, 30)
TESTFORD_AREA = Area("Testford", (TESTFORD,))
HES_HEADER = ["Month", "LSOA Code", "ICD10 Group", "Admissions"]


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo")
        yield connection


def load(con, paths, dataset, **kwargs):
    return ingest_partner(con, paths, find_profile(dataset), today=TODAY, **kwargs)


def bridge(con, tmp_path):
    """2011 -> 2021 LSOAs: E01000081 became E01000901 (North), E01000083 became E01000903 (South)
    and E01000084 became E01000904 (Otherton's Middle)."""
    load_lookup(con, write_csv_file(tmp_path / "lsoa11_lsoa21.csv",
                                    ["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "LAD22CD"], [
        ["E01000081", "Testford 081", "E01000901", "Testford 901", TESTFORD],
        ["E01000083", "Testford 083", "E01000903", "Testford 903", TESTFORD],
        ["E01000084", "Otherton 084", "E01000904", "Otherton 904", "E06000902"]]))


def test_rows_coded_by_2011_lsoa_are_placed_in_the_2021_lsoas_wards(con, tmp_path):
    bridge(con, tmp_path)
    path = write_csv_file(tmp_path / "hes2011.csv", HES_HEADER, [
        ["2023-04", "E01000081", "Assault", "7"], ["2023-04", "E01000083", "Assault", "5"],
        ["2023-05", "E01000081", "Assault", "6"], ["2023-05", "E01000084", "Assault", "9"]])
    summary = load(con, [path], "hospital-assaults")
    assert summary.rows_loaded == 4 and summary.placed_by == {"lsoa": 4} and summary.rows_unplaced == 0
    # by hand: North 7 + 6 = 13, South 5; Otherton's 9 is not Testford's
    by_ward = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["ward"])
    assert [(r["ward_code"], r["ward_name"], r["count"]) for r in by_ward] == [
        ("E05000901", "North", 13), ("E05000902", "South", 5)]
    by_month = count_partner(con, "hospital-assaults", TESTFORD_AREA, date(2023, 5, 1), date(2023, 5, 1), ["month"])
    assert by_month == [{"month": "2023-05", "count": 6}]
    otherton = count_partner(con, "hospital-assaults", Area("Otherton", ("E06000902",)), None, None, ["ward"])
    assert [(r["ward_name"], r["count"]) for r in otherton] == [("Middle", 9)]


def test_rows_coded_by_ward_code_or_ward_name_are_placed_in_that_ward(con, tmp_path):
    path = write_csv_file(tmp_path / "hes_wards.csv", ["Month", "Ward Code", "Ward", "ICD10 Group", "Admissions"], [
        ["2023-04", "E05000901", "", "Assault", "4"],
        ["2023-04", "e05000902 ", "", "Assault", "3"],  # a code in lower case with a space still places
        ["2023-05", "", "North", "Assault", "2"],
        ["2023-05", "", "south", "Assault", "8"],
        ["2023-05", "", "Middle", "Assault", "5"],  # Otherton's ward, by name
        ["2023-05", "", "Nowhere", "Assault", "1"]])  # no such ward: counted apart, never dropped
    summary = load(con, [path], "hospital-assaults")
    assert summary.rows_loaded == 6
    assert summary.placed_by == {"ward code": 2, "ward name": 3, "not placed": 1}
    assert summary.unplaced_reasons == {"the ward name matches no ward (or several) in the lookups loaded": 1}
    by_ward = count_partner(con, "hospital-assaults", TESTFORD_AREA, None, None, ["ward"])
    # by hand: North 4 + 2 = 6, South 3 + 8 = 11
    assert [(r["ward_code"], r["ward_name"], r["count"]) for r in by_ward] == [
        ("E05000901", "North", 6), ("E05000902", "South", 11)]


# ---- csphub partner counts as a table and as CSV -----------------------------------------------

@pytest.fixture
def loaded_cli(data_dir, tmp_path):
    with open_warehouse(data_dir / "warehouse.duckdb") as connection:
        load_geography(connection, tmp_path / "geo")
    path = write_csv_file(tmp_path / "hes.csv", HES_HEADER, [
        ["2023-04", "E01000901", "Assault", "1200"], ["2023-04", "E01000902", "Assault", "3"],
        ["2023-04", "E01000903", "Assault", "<5"], ["2023-05", "E01000903", "Assault", "4"]])
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "partner", str(path), "--dataset", "hospital-assaults"])
    assert result.exit_code == 0, result.output
    return runner


def test_partner_counts_as_csv_has_the_dimensions_count_and_suppressed(loaded_cli):
    result = loaded_cli.invoke(main, ["partner", "counts", "--dataset", "hospital-assaults", "--area", TESTFORD,
                                      "--from", "2023-04", "--to", "2023-05", "--by", "month,ward", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    # by hand: April North 1,200 + 3 = 1,203, South only "<5" (no count, 1 suppressed); May South 4
    assert rows == [["month", "ward_code", "ward_name", "count", "suppressed"],
                    ["2023-04", "E05000901", "North", "1203", "0"],
                    ["2023-04", "E05000902", "South", "", "1"],
                    ["2023-05", "E05000902", "South", "4", "0"]]


def test_partner_counts_as_a_table_shows_the_same_rows(loaded_cli):
    result = loaded_cli.invoke(main, ["partner", "counts", "--dataset", "hospital-assaults", "--area", TESTFORD,
                                      "--by", "ward", "--format", "table"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "│" in line or "┃" in line]
    cells = [[c.strip() for c in line.strip("│┃ ").replace("┃", "│").split("│")] for line in lines]
    assert "Testford: hospital-assaults by ward" in result.output
    # by hand: North 1,203 (thousands separated), South 4 with 1 suppressed cell
    assert cells == [["ward_code", "ward_name", "count", "suppressed"],
                     ["E05000901", "North", "1,203", "0"],
                     ["E05000902", "South", "4", "1"]]


# ---- progress ------------------------------------------------------------------------------------

def test_progress_rises_to_its_total_even_when_the_last_file_is_already_loaded(con, tmp_path):
    first = write_csv_file(tmp_path / "a.csv", HES_HEADER, [["2023-04", "E01000901", "Assault", "2"]])
    second = write_csv_file(tmp_path / "b.csv", HES_HEADER, [["2023-05", "E01000901", "Assault", "3"]])
    calls: list[tuple[int, int]] = []
    load(con, [first, second], "hospital-assaults", progress=lambda done, total: calls.append((done, total)))
    # one step to place earlier rows, then four a file: 1 + 4 x 2 = 9
    assert calls == [(n, 9) for n in range(1, 10)]
    again: list[tuple[int, int]] = []
    third = write_csv_file(tmp_path / "c.csv", HES_HEADER, [["2023-06", "E01000901", "Assault", "1"]])
    load(con, [third, second], "hospital-assaults", progress=lambda done, total: again.append((done, total)))
    done = [d for d, _ in again]
    assert done == sorted(set(done)) and again[-1] == (9, 9)  # b.csv is skipped, the bar still ends full


def test_partner_list_by_file_gives_the_sha256_in_json_and_keeps_the_table_narrow(loaded_cli, tmp_path):
    import hashlib
    import json

    digest = hashlib.sha256((tmp_path / "hes.csv").read_bytes()).hexdigest()
    listed = loaded_cli.invoke(main, ["partner", "list", "--files", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (entry,) = json.loads(listed.output)
    assert (entry["file"], entry["sha256"], entry["rows"]) == (str(tmp_path / "hes.csv"), digest, 4)
    table = loaded_cli.invoke(main, ["partner", "list", "--files"], env={"COLUMNS": "400"})
    assert table.exit_code == 0 and "hes.csv" in table.output and digest not in table.output
