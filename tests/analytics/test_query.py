"""The warehouse query interface: a failed measure names itself and its SQL; counts through it
equal the rows counted by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from csphub.analytics.areas import Area
from csphub.analytics.counts import count_by, count_table
from csphub.analytics.coverage import coverage
from csphub.analytics.query import measure, measure_value
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import CsphubError, QueryError

LAD = "E06000099"
AREA = Area("Townshire", (LAD,))
ASB = "Anti-social behaviour"


@pytest.fixture
def con(tmp_path):
    """Two wards of one authority, one LSOA each, and a third LSOA in another authority; seven
    rows: Castle has 2 ASB and 1 burglary in Jan 2024, 1 ASB in Feb; Harbour 1 burglary in Feb;
    one row elsewhere and one with no location (neither counted)."""
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        connection.executemany("insert into lsoa_ward_lookup (lsoa_code, lsoa_vintage, ward_code, ward_name, "
                               "ward_vintage, lad_code) values (?, '2021', ?, ?, '2023', ?)", [
                                   ("E01000001", "E05000001", "Castle", LAD),
                                   ("E01000002", "E05000002", "Harbour", LAD),
                                   ("E01000009", "E05000009", "Elsewhere", "E06000098")])
        rows = [("2024-01-01", "E01000001", ASB), ("2024-01-01", "E01000001", ASB),
                ("2024-01-01", "E01000001", "Burglary"), ("2024-02-01", "E01000001", ASB),
                ("2024-02-01", "E01000002", "Burglary"), ("2024-02-01", "E01000009", ASB),
                ("2024-02-01", None, ASB)]
        connection.executemany("insert into street_crime (file_id, month, force, lsoa_code, crime_type) "
                               "values (1, ?, 'kent', ?, ?)", rows)
        yield connection


def test_a_failed_query_names_the_measure_and_the_sql(con):
    sql = "select count(*) from street_crimes where month >= ?"
    with pytest.raises(QueryError) as raised:
        measure(con, "rows since a month", sql, [date(2024, 1, 1)])
    message = str(raised.value)
    assert "'rows since a month'" in message
    assert sql in message
    assert "2024, 1, 1" in message  # the parameters, to run it again by hand
    assert isinstance(raised.value, CsphubError)  # the CLI prints it and exits 1
    assert isinstance(raised.value.__cause__, duckdb.CatalogException)


def test_a_count_that_fails_says_which_count(con):
    con.execute("alter table street_crime rename column crime_type to category")
    with pytest.raises(QueryError) as raised:
        count_by(con, AREA, None, None, ["crime_type"])
    assert raised.value.measure == "counts by crime_type"
    assert "from street_crime c join" in raised.value.sql


def test_counts_equal_the_rows_counted_by_hand(con):
    assert count_by(con, AREA, None, None, ["month", "ward"]) == [
        {"month": "2024-01", "ward_code": "E05000001", "ward_name": "Castle", "count": 3},
        {"month": "2024-02", "ward_code": "E05000001", "ward_name": "Castle", "count": 1},
        {"month": "2024-02", "ward_code": "E05000002", "ward_name": "Harbour", "count": 1},
    ]
    assert count_by(con, AREA, date(2024, 2, 1), None, ["crime_type"], crime_type=ASB) == [
        {"crime_type": ASB, "count": 1}]
    assert count_table(con, AREA, None, date(2024, 1, 1), ["crime_type"]).to_pylist() == [
        {"crime_type": ASB, "count": 2}, {"crime_type": "Burglary", "count": 1}]
    assert [(r.month, r.rows) for r in coverage(con, AREA)] == [(date(2024, 1, 1), 3), (date(2024, 2, 1), 2)]


def test_a_value_is_none_when_there_is_no_row(con):
    assert measure_value(con, "no rows", "select month from street_crime where false") is None
