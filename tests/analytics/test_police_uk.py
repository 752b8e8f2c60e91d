"""Ingesting police.uk files: validation into quarantine, bad files, idempotency, atomicity."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import duckdb
import pytest

from csphub.analytics import police_uk
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import InputFileError

from .police_uk_files import ASB, street_row, write_street


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def _table(con, name):
    return sorted(con.execute(f"select * exclude (loaded_at) from {name}").fetchall()
                  if name == "source_files" else con.execute(f"select * from {name}").fetchall(),
                  key=repr)


def test_each_kind_of_bad_row_is_quarantined_and_good_rows_load(con, tmp_path):
    rows = [
        street_row(),                                   # line 2: good
        street_row(crime_type=ASB),                     # line 3: good ASB
        street_row(month="2024-1"),                     # line 4: month not YYYY-MM
        street_row(month="2024-02"),                    # line 5: month not the file's
        street_row(crime_type="Jaywalking"),            # line 6: unknown crime type
        street_row(lon="", lat="51.4"),                 # line 7: half a coordinate
        street_row(lon="east", lat="51.4"),             # line 8: longitude not a number
        street_row(lat="12.0"),                         # line 9: latitude outside the UK
        street_row(lsoa="X0100001"),                    # line 10: malformed LSOA code
        street_row(lon="", lat="", lsoa=""),            # line 11: good "No Location" row
    ]
    path = write_street(tmp_path, "2024-01", rows)
    summary = ingest_police_uk(con, [path])
    assert (summary.rows_loaded, summary.rows_quarantined) == (3, 7)
    quarantined = con.execute(
        "select line, field, value, reason from quarantine order by line").fetchall()
    assert [(line, field, value) for line, field, value, _ in quarantined] == [
        (4, "Month", "2024-1"),
        (5, "Month", "2024-02"),
        (6, "Crime type", "Jaywalking"),
        (7, "Longitude", None),
        (8, "Longitude", "east"),
        (9, "Latitude", "12.0"),
        (10, "LSOA code", "X0100001"),
    ]
    assert "YYYY-MM" in quarantined[0][3]
    assert "file name" in quarantined[1][3]
    assert "categories" in quarantined[2][3]
    raw = con.execute("select raw_row from quarantine where line = 6").fetchone()[0]
    assert json.loads(raw)["Crime type"] == "Jaywalking"
    assert con.execute("select count(*), count(lsoa_code) from street_crime").fetchone() == (3, 2)


def test_a_truncated_file_names_the_file_and_line(con, tmp_path):
    path = write_street(tmp_path, "2024-01", [street_row(), street_row()])
    text = path.read_text()
    path.write_text(text[: text.rindex(",Kent Police")])  # cut the last line short
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    assert str(path) in str(error.value)
    assert "columns" in str(error.value)
    assert con.execute("select count(*) from street_crime").fetchone() == (0,)


def test_a_wrongly_encoded_file_gives_a_clear_error(con, tmp_path):
    path = write_street(tmp_path, "2024-01", [street_row()])
    path.write_bytes(path.read_bytes().replace(b"High Street", "Caf\u00e9 Street".encode("latin-1")))
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [path])
    assert str(path) in str(error.value) and "UTF-8" in str(error.value)


def test_a_wrong_header_names_the_expected_columns(con, tmp_path):
    path = tmp_path / "2024-01-kent-street.csv"
    path.write_text("Crime ID,Month,Crime type\n,2024-01,Burglary\n")
    with pytest.raises(InputFileError, match="Last outcome category"):
        ingest_police_uk(con, [path])


def test_a_file_name_that_is_not_police_uk_is_refused(con, tmp_path):
    path = tmp_path / "january.csv"
    path.write_text("x\n")
    with pytest.raises(InputFileError, match="YYYY-MM-<force>-street.csv"):
        ingest_police_uk(con, [path])


def test_loading_the_same_file_twice_adds_nothing(con, tmp_path):
    path = write_street(tmp_path, "2024-01", [street_row(), street_row(month="bad")])
    first = ingest_police_uk(con, [path])
    second = ingest_police_uk(con, [tmp_path])  # the same file, found through its folder
    assert (first.files_loaded, second.files_loaded, second.files_skipped) == (1, 0, 1)
    assert con.execute("select count(*) from street_crime").fetchone() == (1,)
    assert con.execute("select count(*) from quarantine").fetchone() == (1,)


def test_a_reissued_month_replaces_the_earlier_file(con, tmp_path):
    write_street(tmp_path / "v1", "2024-01", [street_row(), street_row(month="bad")])
    write_street(tmp_path / "v2", "2024-01", [street_row(), street_row(), street_row(crime_type=ASB)])
    ingest_police_uk(con, [tmp_path / "v1"])
    summary = ingest_police_uk(con, [tmp_path / "v2"])
    assert summary.files_replaced == 1
    assert con.execute("select count(*) from street_crime").fetchone() == (3,)
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    assert con.execute("select count(*) from source_files").fetchone() == (1,)


def _load_with_a_reissue(con, tmp_path):
    """Load one month, snapshot the warehouse, and write a good month and a re-issue of it."""
    write_street(tmp_path / "before", "2023-12", [street_row(month="2023-12")])
    ingest_police_uk(con, [tmp_path / "before"])
    before = {t: _table(con, t) for t in ("street_crime", "quarantine", "source_files")}
    good = write_street(tmp_path / "load", "2024-01", [street_row(), street_row(month="bad")])
    reissue = write_street(tmp_path / "load", "2023-12", [street_row(month="2023-12") for _ in range(2)])
    return before, good, reissue


def test_a_failure_injected_after_rows_were_written_leaves_no_trace(con, tmp_path, monkeypatch):
    before, good, reissue = _load_with_a_reissue(con, tmp_path)
    monkeypatch.setattr(police_uk, "BATCH_BYTES", 1)  # one file per batch
    written = []

    def killed_after_the_first_batch(done, total):
        if done:  # the first call says what was skipped; later calls follow a written batch
            written.append(con.execute("select count(*) from street_crime").fetchone()[0])
            raise KeyboardInterrupt("killed half-way")

    with pytest.raises(KeyboardInterrupt):
        ingest_police_uk(con, [reissue, good], progress=killed_after_the_first_batch)
    assert written == [2]  # the re-issue had replaced December's row with its two rows
    after = {t: _table(con, t) for t in ("street_crime", "quarantine", "source_files")}
    assert after == before


def test_a_broken_file_among_good_ones_is_named_and_nothing_is_kept(con, tmp_path):
    before, good, reissue = _load_with_a_reissue(con, tmp_path)
    broken = write_street(tmp_path / "load", "2024-02", [street_row(month="2024-02") for _ in range(3)])
    text = broken.read_text()
    broken.write_text(text[: text.rindex(",Kent Police")] + "\n")  # the last row cut short
    later = write_street(tmp_path / "load", "2024-03", [street_row(month="2024-03")])
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [good, reissue, broken, later])  # all four read in one statement
    assert str(broken) in str(error.value) and "line 4" in str(error.value)  # header + 3 rows
    after = {t: _table(con, t) for t in ("street_crime", "quarantine", "source_files")}
    assert after == before


def test_files_loaded_together_keep_their_own_month_force_and_counts(con, tmp_path):
    january = write_street(tmp_path, "2024-01", [street_row() for _ in range(3)] + [street_row(month="x")])
    february = write_street(tmp_path, "2024-02", [street_row(month="2024-02") for _ in range(2)], force="surrey")
    summary = ingest_police_uk(con, [january, february])
    assert (summary.rows_loaded, summary.rows_quarantined) == (5, 1)
    assert con.execute(
        "select s.path, c.month, c.force, count(*), any_value(s.rows_loaded), "
        "any_value(s.rows_quarantined) from street_crime c join source_files s using (file_id) "
        "group by all order by 1").fetchall() == [
        (str(january), date(2024, 1, 1), "kent", 3, 3, 1),
        (str(february), date(2024, 2, 1), "surrey", 2, 2, 0),
    ]
    assert con.execute("select file, line from quarantine").fetchall() == [(str(january), 5)]


def test_two_files_for_one_month_in_one_load_the_last_named_wins(con, tmp_path):
    first = write_street(tmp_path / "a", "2024-01", [street_row()])
    second = write_street(tmp_path / "b", "2024-01", [street_row() for _ in range(2)])
    summary = ingest_police_uk(con, [first, second])
    assert (summary.files_loaded, summary.files_replaced, summary.rows_loaded) == (1, 1, 2)
    again = ingest_police_uk(con, [first, second])  # the same load again changes nothing
    assert (again.files_loaded, again.files_skipped, again.files_replaced) == (0, 1, 1)
    assert con.execute("select path from source_files").fetchall() == [(str(second),)]
    assert con.execute("select count(*) from street_crime").fetchone() == (2,)


def test_archive_zips_and_other_file_kinds_load(con, tmp_path):
    street = write_street(tmp_path / "src", "2024-01", [street_row(), street_row(crime_type=ASB)])
    outcomes = tmp_path / "src" / "2024-01" / "2024-01-kent-outcomes.csv"
    outcomes.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
        f"{'b' * 64},2024-01,Kent Police,Kent Police,0.5,51.4,On or near X,E01000001,A 001A,"
        "Investigation complete; no suspect identified\n"
    )
    stops = tmp_path / "src" / "2024-01" / "2024-01-kent-stop-and-search.csv"
    stops.write_text(
        "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
        "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
        "Outcome,Outcome linked to object of search,Removal of more than just outer clothing\n"
        "Person search,2024-01-05T10:00:00+00:00,False,,51.4,0.5,Male,18-24,,White,"
        "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False\n"
        "Person search,2023-12-31T10:00:00+00:00,False,,51.4,0.5,Male,18-24,,White,"
        "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False\n"
    )
    archive = tmp_path / "2024-01.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in (street, outcomes, stops):
            z.write(f, f"2024-01/{f.name}")
    summary = ingest_police_uk(con, [archive])
    assert summary.files_loaded == 3
    assert con.execute("select count(*) from street_crime").fetchone() == (2,)
    assert con.execute("select outcome_type from outcomes").fetchone()[0].startswith("Investigation")
    assert con.execute("select count(*) from stop_search").fetchone() == (1,)
    assert con.execute("select field, file like '%2024-01.zip!%' from quarantine").fetchall() == [
        ("Date", True)]


def test_progress_follows_duckdb_through_a_statement(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "".join(f"{i},row {i}\n" for i in range(2_000_000)))
    con = duckdb.connect()
    con.execute("set enable_progress_bar = true; set enable_progress_bar_print = false")
    reports = []
    with police_uk._following(con, lambda done, total: reports.append((done, total)),
                              done=10, batch=4, total=20, every=0.005):
        con.execute("create table t as select * from read_csv(?)", [str(path)])
    assert reports, "no report while DuckDB read 2,000,000 rows"
    assert all(10 <= done <= 14 and total == 20 for done, total in reports)
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)


def test_a_load_reports_every_file_done_at_the_end(con, tmp_path, monkeypatch):
    monkeypatch.setattr(police_uk, "BATCH_BYTES", 1)  # one file per batch
    months = ["2024-01", "2024-02", "2024-03"]
    paths = [write_street(tmp_path, m, [street_row(month=m)]) for m in months]
    ingest_police_uk(con, paths[:1])
    reports = []
    ingest_police_uk(con, paths, progress=lambda done, total: reports.append((done, total)))
    assert reports[0] == (1, 3)  # January was already loaded
    assert reports[-1] == (3, 3)
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
