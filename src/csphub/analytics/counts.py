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

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from csphub.analytics.areas import Area
from csphub.analytics.warehouse import ibis_backend
from csphub.errors import NotFoundError

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
    return [r[0] for r in con.execute(
        "select distinct ward_vintage from lsoa_ward_lookup order by 1").fetchall()]


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
) -> ir.Table:
    """Street crime and ASB rows whose LSOA lies in the area, with their ward.

    ``lsoa_vintage`` is accepted for symmetry; the data's vintage is recognised per code.
    Columns: month, force, crime_id, crime_type, last_outcome, lsoa_code (as in the data),
    lsoa21_code (the lookup's LSOA), ward_code, ward_name, lad_code, longitude, latitude, file_id.
    """
    backend = ibis_backend(con)
    vintage = choose_ward_vintage(con, ward_vintage)
    mapping = backend.sql(lsoa_ward_map_sql(vintage, area.lad_codes))
    crimes = backend.table("street_crime")
    if start_month is not None:
        crimes = crimes.filter(crimes.month >= start_month)
    if end_month is not None:
        crimes = crimes.filter(crimes.month <= end_month)
    joined = crimes.join(mapping, crimes.lsoa_code == mapping.data_lsoa)
    return joined.select(
        "month", "force", "crime_id", "crime_type", "last_outcome", "lsoa_code",
        lsoa21_code=joined.lookup_lsoa, ward_code=joined.ward_code, ward_name=joined.ward_name,
        lad_code=joined.lad_code, longitude=joined.longitude, latitude=joined.latitude,
        file_id=joined.file_id,
    )


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
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not dims:
        raise ValueError(f"--by takes a comma list of {', '.join(DIMENSIONS)}; got {dims}")
    records = area_records(con, area, start_month, end_month, ward_vintage)
    if crime_type is not None:
        records = records.filter(records.crime_type == crime_type)
    columns = [c for d in dims for c in DIMENSIONS[d]]
    table = records.group_by(columns).aggregate(count=records.count())
    if "month" in dims:  # format each group's month in the database, not each row's
        table = table.mutate(month=table.month.strftime("%Y-%m"))
    return table.order_by(columns).to_pyarrow()


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
    return count_table(con, area, start_month, end_month, dims, ward_vintage,
                       crime_type).to_pylist()


def unplaced_rows(con: duckdb.DuckDBPyConnection, start_month: date | None, end_month: date | None) -> int:
    """Rows in the period with no LSOA ("No Location"): loaded, but in no area's counts."""
    return con.execute(
        "select count(*) from street_crime where lsoa_code is null "
        "and ($s is null or month >= $s) and ($e is null or month <= $e)",
        {"s": start_month, "e": end_month},
    ).fetchall()[0][0]


__all__ = ["DIMENSIONS", "area_records", "count_by", "count_table", "choose_ward_vintage", "ibis", "unplaced_rows"]
