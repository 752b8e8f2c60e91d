"""The warehouse file: schema creation and all-or-nothing transactions."""

from __future__ import annotations

import pytest

from csphub.analytics.warehouse import SCHEMA_VERSION, open_warehouse, transaction


def test_a_new_warehouse_has_the_schema_once(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        pass
    with open_warehouse(path) as con:  # opening again must not add a second version row
        assert con.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert con.execute("select count(*) from street_crime").fetchone() == (0,)


def test_a_failed_transaction_leaves_no_trace(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        with pytest.raises(RuntimeError, match="half-way"):
            with transaction(con):
                con.execute("insert into areas values ('Medway', 'E06000035')")
                raise RuntimeError("killed half-way")
        assert con.execute("select count(*) from areas").fetchone() == (0,)
        with transaction(con):
            con.execute("insert into areas values ('Medway', 'E06000035')")
        assert con.execute("select count(*) from areas").fetchone() == (1,)


def test_a_version_2_warehouse_loses_the_line_numbers_and_keeps_the_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:  # make it look like a version 2 warehouse
        con.execute("alter table street_crime add column line INTEGER")
        con.execute("insert into street_crime (file_id, line, month, force, crime_type) "
                    "values (1, 2, '2024-01-01', 'kent', 'Burglary')")
        con.execute("update schema_version set version = 2")
    with open_warehouse(path) as con:
        assert con.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert "line" not in [c[0] for c in con.execute("describe street_crime").fetchall()]
        assert con.execute("select force, crime_type from street_crime").fetchall() == [
            ("kent", "Burglary")]


def test_a_version_3_warehouse_gains_file_sizes_and_times_and_its_files_are_hashed_once(tmp_path):
    from csphub.analytics.police_uk import ingest_police_uk
    from tests.analytics.police_uk_files import street_row, write_street

    path = tmp_path / "w.duckdb"
    january = write_street(tmp_path / "load", "2024-01", [street_row(), street_row()])
    with open_warehouse(path) as con:  # loaded by a version 3 CSP Hub: no sizes or times
        ingest_police_uk(con, [january])
        for column in ("size_bytes", "mtime_ns"):
            con.execute(f"alter table source_files drop column {column}")
        con.execute("update schema_version set version = 3")
    with open_warehouse(path) as con:
        assert con.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert con.execute("select path, rows_loaded, size_bytes, mtime_ns from source_files"
                           ).fetchall() == [(str(january), 2, None, None)]
        again = ingest_police_uk(con, [january])  # hashed: the same content, so skipped
        assert (again.files_loaded, again.files_skipped) == (0, 1)
        assert con.execute("select size_bytes, mtime_ns from source_files").fetchall() == [
            (january.stat().st_size, january.stat().st_mtime_ns)]
        assert con.execute("select count(*) from street_crime").fetchone() == (2,)


def test_a_new_warehouse_stores_crime_ids_uncompressed_and_reads_them_back(tmp_path):
    """FSST on 64 random hex digits cost about 12% of a load (docs/performance.md): the column
    is created USING COMPRESSION uncompressed, which DuckDB's documentation does not describe,
    so this checks the DuckDB in use honours it."""
    from csphub.analytics.police_uk import ingest_police_uk
    from tests.analytics.police_uk_files import street_row, write_street

    rows = [street_row() for _ in range(5_000)]  # enough for DuckDB to choose FSST unasked
    january = write_street(tmp_path / "load", "2024-01", rows)
    with open_warehouse(tmp_path / "w.duckdb") as con:
        ingest_police_uk(con, [january])
        stored = {row[0] for row in con.execute(
            "select compression from pragma_storage_info('street_crime') "
            "where column_name = 'crime_id' and segment_type = 'VARCHAR'").fetchall()}
        assert stored == {"Uncompressed"}
        assert sorted(con.execute("select crime_id from street_crime").fetchall()) == sorted(
            (row[0],) for row in rows)
