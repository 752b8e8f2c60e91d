"""Loads commit per batch of whole files, and a re-run skips what is loaded without reading it
(issue 19, items 3 and 4)."""

from __future__ import annotations

import os
import zipfile

import pytest

from csphub.analytics import police_uk
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from .police_uk_files import street_row, write_street


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


@pytest.fixture
def scans(monkeypatch):
    """The paths ``scan_file`` (the one read that hashes a file) is called on."""
    opened: list[str] = []
    real = police_uk.scan_file

    def counted(path):
        opened.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(police_uk, "scan_file", counted)
    return opened


def _months(folder, months=("2024-01", "2024-02", "2024-03"), rows=(3, 1, 2)):
    """One street file per month, each with its own crimes (and one bad row in the first)."""
    paths = []
    for month, n in zip(months, rows, strict=True):
        bad = [street_row(month="bad")] if month == months[0] else []
        paths.append(write_street(folder, month, [street_row(month=month) for _ in range(n)] + bad))
    return paths


def _contents(con):
    """What a load leaves, without the file ids and times that differ between warehouses."""
    return {
        "street_crime": sorted(con.execute(
            "select s.path, c.* exclude (file_id) from street_crime c join source_files s "
            "using (file_id)").fetchall(), key=repr),
        "quarantine": sorted(con.execute(
            "select * exclude (file_id, quarantined_at) from quarantine").fetchall(), key=repr),
        "source_files": sorted(con.execute(
            "select * exclude (file_id, loaded_at) from source_files").fetchall(), key=repr),
    }


def test_a_load_killed_after_its_first_batch_keeps_that_batch_and_a_rerun_loads_the_rest(
        con, tmp_path, monkeypatch):
    paths = _months(tmp_path / "load")
    monkeypatch.setattr(police_uk, "BATCH_BYTES", 1)  # one file per batch

    def killed_in_the_second_batch(done, total):
        if done == 2:  # the second batch is written, not yet committed
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        ingest_police_uk(con, [tmp_path / "load"], progress=killed_in_the_second_batch)
    # January, the first batch, is kept whole (its good rows and its quarantined row).
    assert con.execute("select path, rows_loaded, rows_quarantined from source_files").fetchall() == [
        (str(paths[0]), 3, 1)]
    assert con.execute("select count(*) from street_crime").fetchone() == (3,)
    assert con.execute("select count(*) from quarantine").fetchone() == (1,)

    again = ingest_police_uk(con, [tmp_path / "load"])
    assert (again.files_loaded, again.files_skipped, again.rows_loaded) == (2, 1, 3)
    with open_warehouse(tmp_path / "clean.duckdb") as clean:
        ingest_police_uk(clean, [tmp_path / "load"])
        assert _contents(con) == _contents(clean)  # no file twice, no row twice
    assert con.execute("select count(*) from street_crime").fetchone() == (6,)


def test_a_reissue_is_replaced_in_the_same_transaction_as_its_load(con, tmp_path, monkeypatch):
    write_street(tmp_path / "v1", "2024-01", [street_row()])
    ingest_police_uk(con, [tmp_path / "v1"])
    _months(tmp_path / "v2", months=("2024-01", "2024-02"), rows=(2, 1))
    monkeypatch.setattr(police_uk, "BATCH_BYTES", 1)

    def killed_in_the_first_batch(done, total):
        if done == 1:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        ingest_police_uk(con, [tmp_path / "v2"], progress=killed_in_the_first_batch)
    # The re-issued January was not loaded, so the first January is still there, whole.
    assert con.execute("select path, rows_loaded from source_files").fetchall() == [
        (str(tmp_path / "v1" / "2024-01" / "2024-01-kent-street.csv"), 1)]
    assert con.execute("select count(*) from street_crime").fetchone() == (1,)
    summary = ingest_police_uk(con, [tmp_path / "v2"])
    assert (summary.files_loaded, summary.files_replaced, summary.rows_loaded) == (2, 1, 3)
    assert con.execute("select count(*) from street_crime").fetchone() == (3,)


def test_rerunning_the_same_folder_loads_nothing_and_reads_no_file(con, tmp_path, scans):
    _months(tmp_path / "load")
    first = ingest_police_uk(con, [tmp_path / "load"])
    assert first.files_loaded == 3 and len(scans) == 3
    scans.clear()
    again = ingest_police_uk(con, [tmp_path / "load"])
    assert (again.files_loaded, again.files_skipped, again.files_replaced) == (0, 3, 0)
    assert scans == []  # decided from path, size and modification time alone
    assert again.months == ["2024-01", "2024-02", "2024-03"] and again.forces == ["kent"]


def test_a_touched_file_is_hashed_again_skipped_and_its_new_time_recorded(con, tmp_path, scans):
    january, *_ = _months(tmp_path / "load")
    ingest_police_uk(con, [tmp_path / "load"])
    stat = january.stat()
    os.utime(january, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    scans.clear()
    touched = ingest_police_uk(con, [tmp_path / "load"])
    assert (touched.files_loaded, touched.files_skipped) == (0, 3)
    assert scans == ["2024-01-kent-street.csv"]  # the same content: still skipped
    assert con.execute("select mtime_ns from source_files where path = ?",
                       [str(january)]).fetchone() == (january.stat().st_mtime_ns,)
    scans.clear()
    assert ingest_police_uk(con, [tmp_path / "load"]).files_skipped == 3
    assert scans == []


def test_a_rewritten_file_is_read_again_and_replaces_its_month(con, tmp_path, scans):
    january, *_ = _months(tmp_path / "load")
    ingest_police_uk(con, [tmp_path / "load"])
    old = january.stat()
    write_street(tmp_path / "load", "2024-01", [street_row(), street_row()])
    os.utime(january, ns=(old.st_atime_ns, old.st_mtime_ns + 1))
    scans.clear()
    summary = ingest_police_uk(con, [tmp_path / "load"])
    assert scans == ["2024-01-kent-street.csv"]
    assert (summary.files_loaded, summary.files_replaced, summary.files_skipped) == (1, 1, 2)
    assert con.execute("select rows_loaded from source_files where path = ?",
                       [str(january)]).fetchone() == (2,)


def test_rerunning_an_archive_extracts_and_reads_none_of_its_members(con, tmp_path, scans, monkeypatch):
    paths = _months(tmp_path / "load", months=("2024-01", "2024-02"), rows=(2, 1))
    archive = tmp_path / "2024.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in paths:
            z.write(path, f"{path.parent.name}/{path.name}")
    assert ingest_police_uk(con, [archive]).files_loaded == 2
    extracted: list[str] = []
    real = police_uk._extract_member
    monkeypatch.setattr(police_uk, "_extract_member",
                        lambda archive, info, *rest: (extracted.append(info.filename),
                                                      real(archive, info, *rest)))
    scans.clear()
    again = ingest_police_uk(con, [archive])
    assert (again.files_loaded, again.files_skipped) == (0, 2)
    assert (extracted, scans) == ([], [])
