"""Counts of crime and ASB for an area, by month, crime type, ward, LSOA or force.

Rows are placed in wards through an ONS lookup: data on the lookup's LSOA vintage maps
directly; data on the other vintage is bridged through the LSOA 2011 -> 2021 lookup (a split
LSOA goes to the successor with the lowest code, a merged one to its single successor). Rows
with no LSOA ("No Location") cannot be placed in an area and are not counted.

Examples:
    >>> DIMENSIONS["ward"]
    ('ward_code', 'ward_name')
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.query import (
    Select,
    measure,
    measure_records,
    measure_table,
    measure_value,
    month_label,
)
from csphub.errors import NotFoundError

if TYPE_CHECKING:
    import pyarrow as pa

#: --by dimension -> the output columns it gives.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "crime_type": ("crime_type",),
    "ward": ("ward_code", "ward_name"),
    "lsoa": ("lsoa_code",),
    "force": ("force",),
}


def ward_vintages(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Ward vintages loaded, oldest first."""
    return [r[0] for r in measure(con, "ward vintages loaded",
                                  "select distinct ward_vintage from lsoa_ward_lookup order by 1")]


def choose_ward_vintage(con: duckdb.DuckDBPyConnection, ward_vintage: str | None) -> str:
    """The ward vintage to use: the one asked for ('23' or '2023'), else the newest loaded."""
    loaded = ward_vintages(con)
    if not loaded:
        raise NotFoundError("no ward lookup loaded: run `csphub geography load FILE` first")
    if ward_vintage is None:
        return loaded[-1]
    wanted = ward_vintage if len(ward_vintage) == 4 else f"20{ward_vintage}"
    if wanted not in loaded:
        raise NotFoundError(f"no ward lookup of vintage {wanted} (loaded: {', '.join(loaded)})")
    return wanted


def lsoa_ward_map_sql(ward_vintage: str, lad_codes: tuple[str, ...]) -> str:
    """SQL mapping every LSOA code the data may carry (either vintage) to ward and LAD."""
    lads = ", ".join("'" + c.replace("'", "''") + "'" for c in lad_codes)
    return f"""
    with lookup as (
        select lsoa_code, lsoa_vintage, ward_code, ward_name, lad_code
        from lsoa_ward_lookup where ward_vintage = '{ward_vintage}'
    ),
    direct as (
        select lsoa_code as data_lsoa, lsoa_code as lookup_lsoa, ward_code, ward_name, lad_code
        from lookup
    ),
    bridge as (  -- the other LSOA vintage -> the lookup's vintage, one successor each
        select b.lsoa11_code as data_lsoa, min(b.lsoa21_code) as lookup_lsoa
        from lsoa11_lsoa21 b where exists (select 1 from lookup where lsoa_vintage = '2021')
        group by 1
        union all
        select b.lsoa21_code, min(b.lsoa11_code)
        from lsoa11_lsoa21 b where exists (select 1 from lookup where lsoa_vintage = '2011')
        group by 1
    ),
    bridged as (
        select br.data_lsoa, br.lookup_lsoa, d.ward_code, d.ward_name, d.lad_code
        from bridge br join direct d on d.lookup_lsoa = br.lookup_lsoa
        where br.data_lsoa not in (select data_lsoa from direct)
    )
    select * from (select * from direct union all select * from bridged)
    where lad_code in ({lads})
    """


def area_records(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start_month: date | None = None,
    end_month: date | None = None,
    ward_vintage: str | None = None,
    lsoa_vintage: str | None = None,
) -> Select:
    """Street crime and ASB rows whose LSOA lies in the area, with their ward, as a SELECT
    for a measure to aggregate (never fetched row by row).

    ``lsoa_vintage`` is accepted for symmetry; the data's vintage is recognised per code.
    Columns: month, force, crime_id, crime_type, last_outcome, lsoa_code (as in the data),
    lsoa21_code (the lookup's LSOA), ward_code, ward_name, lad_code, longitude, latitude, file_id.
    """
    vintage = choose_ward_vintage(con, ward_vintage)
    # only the bounds given: a constant "$start is null or ..." would keep DuckDB from
    # skipping row groups by their month
    bounds = [f"c.month {op} ${name}" for op, name, value in
              ((">=", "start_month", start_month), ("<=", "end_month", end_month)) if value is not None]
    where = f"where {' and '.join(bounds)}" if bounds else ""
    return Select(f"""
    select c.month, c.force, c.crime_id, c.crime_type, c.last_outcome, c.lsoa_code,
           m.lookup_lsoa as lsoa21_code, m.ward_code, m.ward_name, m.lad_code,
           c.longitude, c.latitude, c.file_id
    from street_crime c join ({lsoa_ward_map_sql(vintage, area.lad_codes)}) m on c.lsoa_code = m.data_lsoa
    {where}""", {k: v for k, v in (("start_month", start_month), ("end_month", end_month)) if v is not None})


def counted(records: Select, columns: list[str], count: str = "count", where: str = "",
            params: dict | None = None, ordered: bool = True) -> Select:
    """``records`` counted by ``columns`` (each group's rows in a column named ``count``),
    ordered by the columns unless ``ordered`` is false; ``where`` (SQL over the records'
    columns) filters the rows first."""
    keys = ", ".join(columns)
    return Select(f"select {keys}, count(*) as {count} from ({records.sql}) r "
                  f"{'where ' + where if where else ''} group by {keys}{' order by ' + keys if ordered else ''}",
                  {**records.params, **(params or {})})


def _count_select(con: duckdb.DuckDBPyConnection, area: Area, start_month: date | None,
                  end_month: date | None, dims: list[str], ward_vintage: str | None,
                  crime_type: str | None) -> Select:
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not dims:
        raise ValueError(f"--by takes a comma list of {', '.join(DIMENSIONS)}; got {dims}")
    records = area_records(con, area, start_month, end_month, ward_vintage)
    columns = [c for d in dims for c in DIMENSIONS[d]]
    month = "month" in dims  # then ordered once the months are formatted
    groups = counted(records, columns, where="crime_type = $crime_type" if crime_type is not None else "",
                     params={"crime_type": crime_type} if crime_type is not None else None, ordered=not month)
    if not month:
        return groups
    # format each group's month, not each row's; YYYY-MM sorts as the dates did
    shown = ", ".join(month_label("month") + " as month" if c == "month" else c for c in columns)
    return Select(f"select {shown}, count from ({groups.sql}) g order by {', '.join(columns)}", groups.params)


def count_table(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start_month: date | None,
    end_month: date | None,
    dims: list[str],
    ward_vintage: str | None = None,
    crime_type: str | None = None,
) -> pa.Table:
    """Counts by the given dimensions as an Arrow table (dimension columns plus ``count``),
    ordered by the dimensions.

    Months come out as ``YYYY-MM``; ``ward`` gives ``ward_code`` and ``ward_name``.
    """
    query = _count_select(con, area, start_month, end_month, dims, ward_vintage, crime_type)
    return measure_table(con, f"counts by {', '.join(dims)}", query.sql, query.params)


def count_by(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start_month: date | None,
    end_month: date | None,
    dims: list[str],
    ward_vintage: str | None = None,
    crime_type: str | None = None,
) -> list[dict]:
    """:func:`count_table` as a list of dicts, one per group (what the CLI prints)."""
    query = _count_select(con, area, start_month, end_month, dims, ward_vintage, crime_type)
    return measure_records(con, f"counts by {', '.join(dims)}", query.sql, query.params)


def unplaced_rows(con: duckdb.DuckDBPyConnection, start_month: date | None, end_month: date | None) -> int:
    """Rows in the period with no LSOA ("No Location"): loaded, but in no area's counts."""
    return measure_value(
        con, "rows with no location",
        "select count(*) from street_crime where lsoa_code is null "
        "and ($s is null or month >= $s) and ($e is null or month <= $e)",
        {"s": start_month, "e": end_month})


__all__ = ["DIMENSIONS", "area_records", "choose_ward_vintage", "count_by", "count_table", "counted",
           "lsoa_ward_map_sql", "unplaced_rows"]
