"""The one way a measure reads the warehouse: its name, its SQL and the SQL's parameters.

Every read query of the analytics measures runs through :func:`measure` (rows as tuples) or
one of its shapes (:func:`measure_value`, :func:`measure_records`, :func:`measure_table`,
:func:`measure_frame`). A failure is re-raised as :class:`~csphub.errors.QueryError`, whose
message names the measure, the SQL and its parameters, chained to DuckDB's own error, so a
broken report says which figure broke and how to reproduce it (splink's ``DatabaseAPI`` does the
same). The SQL is DuckDB's dialect; the few spellings that differ in other engines (Spark SQL,
PostgreSQL) are the functions at the end of this module, so a second backend changes them here
(see docs/adr/0003-scale-out.md). Loaders write through :func:`csphub.analytics.warehouse.transaction`.

Examples:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> measure(con, "two numbers", "select ? + ?", [1, 2])
    [(3,)]
    >>> measure_records(con, "a label", f"select {month_label('$m::date')} as month", {"m": "2024-03-01"})
    [{'month': '2024-03'}]
    >>> measure(con, "a misspelt table", "select * from no_such_table")
    Traceback (most recent call last):
    ...
    csphub.errors.QueryError: measure 'a misspelt table' failed: Catalog Error: ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from csphub.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: positional (``?``) or named (``$name``) parameters, as DuckDB takes them
Params = Sequence[Any] | Mapping[str, Any] | None


@dataclass(frozen=True)
class Select:
    """A SELECT and its named parameters, composed by a measure before it runs (a subquery of
    a bigger query, or run as it is).

    Examples:
        >>> Select("select * from street_crime where month >= $start", {"start": None}).params
        {'start': None}
    """

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


def _run(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params, fetch):
    try:
        return fetch(con.execute(sql, _params(params)))
    except duckdb.Error as e:
        raise QueryError(name, _with_params(sql, params), e) from e


def _params(params: Params) -> list[Any] | dict[str, Any]:
    if params is None:
        return []
    return dict(params) if isinstance(params, Mapping) else list(params)


def _with_params(sql: str, params: Params) -> str:
    sql = sql.strip("\n")
    return f"{sql}\n-- parameters: {params!r}" if params else sql


def measure(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None) -> list[tuple]:
    """Run one read of the warehouse for the measure ``name``; every row as a tuple."""
    return _run(con, name, sql, params, lambda cursor: cursor.fetchall())


def measure_value(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None) -> Any:
    """The first column of the first row (``None`` when there is no row): a count, a date."""
    rows = _run(con, name, sql, params, lambda cursor: cursor.fetchmany(1))
    return rows[0][0] if rows else None


def measure_records(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None) -> list[dict]:
    """Every row as a dict of column name -> value, in the query's column order."""
    def fetch(cursor):
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return _run(con, name, sql, params, fetch)


def measure_table(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None) -> pa.Table:
    """The result as an Arrow table (columnar, no copy through Python objects)."""
    return _run(con, name, sql, params, lambda cursor: cursor.to_arrow_table())


def measure_frame(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None) -> pd.DataFrame:
    """The result as a pandas DataFrame, for the assessment's tables and statistics."""
    return _run(con, name, sql, params, lambda cursor: cursor.df())


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the warehouse has a table of that name (a loader adds some on first use)."""
    return bool(measure_value(con, f"is table {table} loaded",
                              "select count(*) from information_schema.tables where table_name = ?", [table]))


# -- DuckDB's spelling of what other engines spell differently --------------------------------

def month_label(column: str) -> str:
    """SQL for a DATE column's month as ``YYYY-MM`` (Spark: ``date_format(c, 'yyyy-MM')``).

    Examples:
        >>> month_label("month")
        "strftime(month, '%Y-%m')"
    """
    return f"strftime({column}, '%Y-%m')"


def any_of(column: str, list_parameter: str) -> str:
    """SQL true when ``column`` is one of the values of a list parameter (Spark:
    ``array_contains``; PostgreSQL: ``= any(...)``).

    Examples:
        >>> any_of("l.lad_code", "$lads")
        'list_contains($lads, l.lad_code)'
    """
    return f"list_contains({list_parameter}, {column})"


__all__ = ["Params", "Select", "any_of", "measure", "measure_frame", "measure_records", "measure_table",
           "measure_value", "month_label", "table_exists"]
