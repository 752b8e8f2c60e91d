"""Hostile rows (issue 11, item 3): duplicated lines, header-only files, bytes that are not
UTF-8 and oversized fields, each named by its true line and field."""

from __future__ import annotations

import pytest

from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import InputFileError

from .police_uk_files import ASB, street_row, write_street


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def crime(n: int, month: str = "2024-01", **fields: str) -> list[str]:
    return street_row(month=month, crime_id=f"{n:064x}", **fields)


def _quarantine(con) -> list[tuple]:
    return con.execute("select line, field, value, reason from quarantine order by line").fetchall()


def _still_usable(con) -> int:
    return con.execute("select count(*) from street_crime").fetchone()[0]


def test_a_duplicated_crime_is_quarantined_as_a_duplicate_of_its_first_line(con, tmp_path):
    rows = [crime(0), crime(1), crime(2),        # lines 2-4
            crime(0), crime(0),                  # lines 5-6: line 2 again, twice
            crime(1, month="2024-1"),            # line 7: bad, and not line 3's twin
            crime(1, month="2024-1"),            # line 8: the same bad row: its own reason
            street_row(crime_type=ASB), street_row(crime_type=ASB)]  # lines 9-10: two incidents
    path = write_street(tmp_path, "2024-01", rows)
    summary = ingest_police_uk(con, [path])
    assert (summary.rows_loaded, summary.rows_quarantined, summary.rows_duplicated) == (5, 4, 2)
    assert _quarantine(con) == [
        (5, "Crime ID", "0" * 64, "duplicate of line 2"),
        (6, "Crime ID", "0" * 64, "duplicate of line 2"),
        (7, "Month", "2024-1", "month must be YYYY-MM"),
        (8, "Month", "2024-1", "month must be YYYY-MM"),
    ]
    assert con.execute("select crime_id, count(*) from street_crime where crime_id is not null "
                       "group by all order by 1").fetchall() == [
        ("0" * 64, 1), ("1".rjust(64, "0"), 1), ("2".rjust(64, "0"), 1)]
    # ASB rows carry no Crime ID: two identical ones are two incidents at one snapped point.
    assert con.execute("select count(*) from street_crime where crime_type = ?", [ASB]).fetchone() == (2,)
    assert con.execute("select rows_loaded, rows_quarantined from source_files").fetchone() == (5, 4)


def test_duplicates_are_found_in_each_file_of_a_batch_and_only_within_a_file(con, tmp_path):
    january = write_street(tmp_path, "2024-01", [crime(0), crime(1), crime(1)])
    surrey = write_street(tmp_path, "2024-01", [crime(0), crime(1)], force="surrey")
    february = write_street(tmp_path, "2024-02", [crime(0, month="2024-02")] * 3)
    summary = ingest_police_uk(con, [january, surrey, february])
    assert (summary.rows_loaded, summary.rows_duplicated) == (5, 3)
    assert con.execute("select file, line, reason from quarantine order by file, line").fetchall() == [
        (str(january), 4, "duplicate of line 3"),
        (str(february), 3, "duplicate of line 2"),
        (str(february), 4, "duplicate of line 2"),
    ]
    again = ingest_police_uk(con, [january, surrey, february])
    assert (again.files_loaded, again.files_skipped) == (0, 3)


def test_a_header_only_file_loads_nothing_and_says_so(con, tmp_path):
    empty = write_street(tmp_path, "2024-02", [])
    good = write_street(tmp_path, "2024-01", [crime(0)])
    summary = ingest_police_uk(con, [empty, good])
    assert summary.files_empty == [str(empty)]
    assert (summary.files_loaded, summary.rows_loaded) == (1, 1)
    assert summary.months == ["2024-01"]  # February is not registered with 0 rows
    assert con.execute("select strftime(month, '%Y-%m'), rows_loaded from source_files").fetchall() == [
        ("2024-01", 1)]


def test_a_header_only_reissue_keeps_the_month_already_loaded(con, tmp_path):
    ingest_police_uk(con, [write_street(tmp_path / "v1", "2024-01", [crime(0), crime(1)])])
    empty = write_street(tmp_path / "v2", "2024-01", [])
    summary = ingest_police_uk(con, [empty])
    assert summary.files_empty == [str(empty)] and summary.files_replaced == 0
    assert _still_usable(con) == 2


def test_a_byte_that_is_not_utf8_is_named_by_its_true_line_and_field(con, tmp_path):
    path = write_street(tmp_path, "2024-01", [crime(n) for n in range(30)])
    lines = path.read_bytes().split(b"\n")
    lines[21] = lines[21].replace(b"High Street", b"Caf\xe9 Street")  # line 22
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    problem = error.value.problem
    assert (problem.file, problem.line, problem.field) == (str(path), 22, "Location")
    assert "UTF-8" in problem.expected and "0xe9" in str(error.value)
    assert _still_usable(con) == 0


def test_a_bad_byte_deep_in_a_file_is_caught_before_duckdb_reads_it(con, tmp_path):
    # DuckDB 1.5 fails on this with an internal error that invalidates the connection.
    path = write_street(tmp_path, "2024-01", [crime(n) for n in range(2000)])
    lines = path.read_bytes().split(b"\n")
    lines[1500] = lines[1500].replace(b"Somewhere 001A", b"Somewhere \xff01A")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    assert (error.value.problem.line, error.value.problem.field) == (1501, "LSOA name")
    assert _still_usable(con) == 0  # the warehouse connection still works


def test_an_oversized_field_is_named_by_its_line_and_field_not_as_a_column_count(con, tmp_path):
    rows = [crime(n) for n in range(6)]
    rows[3][6] = "On or near " + "x" * 10_000_000  # line 5, Location
    path = write_street(tmp_path, "2024-01", rows)
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    problem = error.value.problem
    assert (problem.file, problem.line, problem.field) == (str(path), 5, "Location")
    assert "10,000,011 bytes" in str(error.value)
    assert "columns" not in str(error.value)
    assert _still_usable(con) == 0


def test_a_line_with_too_few_fields_is_still_named_with_its_line(con, tmp_path):
    path = write_street(tmp_path, "2024-01", [crime(n) for n in range(5)])
    lines = path.read_text().split("\n")
    lines[3] = ",".join(lines[3].split(",")[:7])  # line 4 cut to 7 fields
    path.write_text("\n".join(lines))
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    assert error.value.problem.line == 4
    assert "7 fields" in str(error.value) and "12 columns" in str(error.value)
