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
