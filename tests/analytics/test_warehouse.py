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
