"""Counts of a partner dataset for an area, by month, category, ward, LSOA or its own columns.

A row is in the area when the place it was given or found lies in one of the area's local
authorities: an LSOA through the ONS lookup (either vintage), a ward through the lookup, a row
placed in its authority only (a point no boundary loaded covers) by that authority. Ward and
LSOA are then those of the row; an authority-only row has neither and is shown as such.

A suppressed count ("<5") adds nothing to ``count`` and is counted in ``suppressed``: a group
whose every cell was suppressed has ``count`` None, never 0. ``suppressed`` appears only when
a suppressed cell is among the rows counted.

Examples:
    >>> sorted(DIMENSIONS)
    ['agency', 'category', 'financial_year', 'lsoa', 'month', 'ward', 'year']
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from collections.abc import Sequence
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.counts import lsoa_ward_map_sql, ward_vintages
from csphub.analytics.partner.loader import has_partner_tables
from csphub.errors import NotFoundError

AUTHORITY_ONLY = "(authority only: no ward)"

#: --by dimension -> (output column, SQL over the placed rows).
DIMENSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "month": (("month", "r.period"),),
    "year": (("year", "year(r.period_start)"),),  # the calendar year (DfT reports STATS19 so)
    "financial_year": (("financial_year",
                        "(year(r.period_start) - (month(r.period_start) < 4)::int)::varchar || '/' || "
                        "lpad(((year(r.period_start) - (month(r.period_start) < 4)::int + 1) % 100)::varchar, 2, '0')"),),
    "category": (("category", "r.category"),),
    "ward": (("ward_code", "r.ward_code_"), ("ward_name", f"coalesce(r.ward_name_, case when r.ward_code_ is null then '{AUTHORITY_ONLY}' end)")),
    "lsoa": (("lsoa_code", "r.lsoa_code"),),
    "agency": (("agency", "r.agency"),),
}
ATTRIBUTE = re.compile(r"^[a-z0-9_]+$")


def snapshot_categories_counted(info: dict, category: str | Sequence[str] | None) -> bool:
    """Whether a count of the dataset (limited to ``category``) takes in snapshot counts (a count
    on a day: people in treatment, rough sleepers), which never add up over months."""
    if info.get("measure") == "snapshot":
        return True
    snapshots = set(info.get("snapshot_categories") or [])
    if not snapshots:
        return False
    if not category:  # None or an empty list: every category
        return True
    wanted = [category] if isinstance(category, str) else list(category)
    return any(c.casefold() in snapshots for c in wanted)


def dataset_info(con: duckdb.DuckDBPyConnection, dataset: str) -> dict:
    """The newest profile a dataset was loaded with (title, unit, caveats, attributes...)."""
    if not has_partner_tables(con):
        raise NotFoundError("no partner data loaded: run `csphub ingest partner FILE --dataset NAME` first")
    row = con.execute("select profile_json from partner_files where dataset = ? order by file_id desc limit 1",
                      [dataset]).fetchone()
    if row is None:
        loaded = [r[0] for r in con.execute("select distinct dataset from partner_files order by 1").fetchall()]
        raise NotFoundError(f"no partner dataset {dataset!r} loaded (loaded: {', '.join(loaded) or 'none'})")
    return json.loads(row[0])


def list_datasets(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One row per dataset and agency loaded: files, rows, quarantined, suppressed, unplaced, periods."""
    if not has_partner_tables(con):
        return []
    rows = con.execute("""select f.dataset, any_value(f.title) as title, f.agency,
            count(*) as files, sum(s.rows_loaded)::bigint as rows, sum(s.rows_quarantined)::bigint as quarantined,
            sum(f.rows_suppressed)::bigint as suppressed,
            (select count(*) from partner_records r where r.dataset = f.dataset and r.agency = f.agency
                and r.lad_code is null) as unplaced,
            (select count(*) from partner_records r where r.dataset = f.dataset and r.agency = f.agency
                and r.placed_by = 'local authority') as authority_only,
            (select min(period) from partner_records r where r.dataset = f.dataset and r.agency = f.agency) as first_period,
            (select max(period) from partner_records r where r.dataset = f.dataset and r.agency = f.agency) as last_period,
            strftime(max(s.loaded_at), '%Y-%m-%d %H:%M') as last_loaded
        from partner_files f join source_files s using (file_id)
        group by f.dataset, f.agency order by f.dataset, f.agency""")
    names = [d[0] for d in rows.description]
    return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]


def list_files(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every partner file loaded, for the sources appendix: dataset, agency, file (the path it was
    loaded from: reports name it by its file name only), its sha256, period, rows, quarantined,
    suppressed, unplaced, loaded at."""
    if not has_partner_tables(con):
        return []
    rows = con.execute("""select f.dataset, f.title, f.agency, s.path as file, s.sha256, f.sheet,
            f.period_first, f.period_last, s.rows_loaded as rows, s.rows_quarantined as quarantined,
            f.rows_suppressed as suppressed,
            (select count(*) from partner_records r where r.file_id = f.file_id and r.lad_code is null) as unplaced,
            (select count(*) from partner_records r where r.file_id = f.file_id
                and r.placed_by = 'local authority') as authority_only, strftime(s.loaded_at, '%Y-%m-%d %H:%M') as loaded_at
        from partner_files f join source_files s using (file_id) order by f.dataset, s.loaded_at, f.file_id""")
    names = [d[0] for d in rows.description]
    return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]


def _month_end(month: date) -> date:
    return date(month.year, month.month, monthrange(month.year, month.month)[1])


def placed_rows_sql(area: Area, ward_vintage: str | None) -> str:
    """SQL of a dataset's rows ($dataset) in the area, with ward_code_, ward_name_ and lad_."""
    lads = tuple(area.lad_codes)
    mapping = (lsoa_ward_map_sql(ward_vintage, lads) if ward_vintage else
               "select null::varchar as data_lsoa, null::varchar as lookup_lsoa, null::varchar as ward_code, "
               "null::varchar as ward_name, null::varchar as lad_code where false")
    lad_list = ", ".join("'" + c.replace("'", "''") + "'" for c in lads)
    return f"""
        select p.*, coalesce(m.ward_code, p.ward_code) as ward_code_,
            coalesce(m.ward_name, w.ward_name) as ward_name_, coalesce(m.lad_code, p.lad_code) as lad_
        from partner_records p
        left join ({mapping}) m on p.lsoa_code = m.data_lsoa
        left join (select ward_code, arg_max(ward_name, ward_vintage) as ward_name from lsoa_ward_lookup
                   group by 1) w on w.ward_code = coalesce(m.ward_code, p.ward_code)
        where p.dataset = $dataset and coalesce(m.lad_code, p.lad_code) in ({lad_list})"""


def _refuse_snapshot_sums(con: duckdb.DuckDBPyConnection, dataset: str, info: dict, dims: list[str],
                          category: str | Sequence[str] | None, filters: list[str], params: dict) -> None:
    """A ValueError when a count not by month takes in snapshot counts of more than one month:
    their sum would count the same people once a month."""
    if "month" in dims or not snapshot_categories_counted(info, category):
        return
    snapshot = ("true" if info.get("measure") == "snapshot" else
                "list_contains($snapshots, lower(r.category))")
    months = con.execute(f"""select count(distinct r.period) from partner_records r
        where r.dataset = $dataset and {snapshot} and {' and '.join(filters)}""",
                         {**params, **({} if snapshot == "true" else
                                       {"snapshots": list(info["snapshot_categories"])})}).fetchall()[0][0]
    if months > 1:
        raise ValueError(f"{dataset} holds snapshot counts (a count on a day, e.g. people in treatment or "
                         f"sleeping rough) in {months} months: adding months up counts the same people again; "
                         "add month to --by (e.g. --by month,category) or ask for one month")


def count_partner(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    area: Area,
    start_month: date | None,
    end_month: date | None,
    dims: list[str],
    ward_vintage: str | None = None,
    category: str | Sequence[str] | None = None,
    where: dict[str, str] | None = None,
    flag: str | None = None,
) -> list[dict]:
    """Counts of ``dataset`` in ``area`` by the dimensions (built-in ones, or the dataset's own
    attributes such as ``severity``'s neighbours ``mode`` or ``age_band``), ordered by them.

    Only rows whose whole period lies within ``start_month``..``end_month`` are counted (a
    financial year's row needs the whole year). ``where`` keeps rows whose attribute has the
    value; ``flag`` rows with the flag set; ``category`` one category or several (killed or
    seriously injured: ``["Fatal", "Serious"]``). Snapshot counts (the dataset's, or its snapshot
    categories') of several months are counted by month only: a sum over months would count the
    same people again (ValueError otherwise).
    """
    info = dataset_info(con, dataset)
    attributes = info.get("attributes", [])
    unknown = [d for d in dims if d not in DIMENSIONS and d not in attributes]
    if unknown or not dims:
        raise ValueError(f"--by takes a comma list of {', '.join([*DIMENSIONS, *attributes])}; got {dims}")
    for name in (where or {}):
        if name not in attributes:
            raise ValueError(f"--where names an attribute of {dataset}: {', '.join(attributes) or 'none'}; got {name!r}")
    if flag is not None and flag not in info.get("flags", []):
        raise ValueError(f"--flag names a flag of {dataset}: {', '.join(info.get('flags', [])) or 'none'}; got {flag!r}")
    vintages = ward_vintages(con)
    vintage = None
    if vintages:
        from csphub.analytics.counts import choose_ward_vintage

        vintage = choose_ward_vintage(con, ward_vintage)
    columns: list[tuple[str, str]] = []
    for d in dims:
        columns += (DIMENSIONS[d] if d in DIMENSIONS
                    else ((d, f"json_extract_string(r.attributes, '$.{d}')"),))
    filters = ["($start is null or r.period_start >= $start)", "($end is null or r.period_end <= $end)"]
    params: dict = {"dataset": dataset, "start": start_month,
                    "end": _month_end(end_month) if end_month else None}
    if category:
        filters.append("list_contains($categories, r.category)")
        params["categories"] = [category] if isinstance(category, str) else list(category)
    for i, (name, value) in enumerate((where or {}).items()):
        filters.append(f"json_extract_string(r.attributes, '$.{name}') = $w{i}")
        params[f"w{i}"] = value
    if flag is not None:
        filters.append("list_contains(r.flags, $flag)")
        params["flag"] = flag
    _refuse_snapshot_sums(con, dataset, info, dims, category, filters, params)
    select = ", ".join(f"{sql} as {name}" for name, sql in columns)
    keys = ", ".join(name for name, _ in columns)
    result = con.execute(f"""select {select}, sum(r.count)::bigint as count,
            count(*) filter (where r.suppressed) as suppressed
        from ({placed_rows_sql(area, vintage)}) r where {' and '.join(filters)}
        group by all order by {keys} nulls last""", params)
    names = [d[0] for d in result.description]
    rows = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    if not any(r["suppressed"] for r in rows):
        for r in rows:
            del r["suppressed"]
    return rows


def unplaced(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, int]:
    """Why rows of the dataset are in no area: reason -> rows."""
    if not has_partner_tables(con):
        return {}
    return dict(con.execute("""select unplaced_reason, count(*) from partner_records
        where dataset = ? and lad_code is null group by 1 order by 2 desc""", [dataset]).fetchall())


def unplaced_rows(con: duckdb.DuckDBPyConnection, dataset: str, limit: int = 200) -> list[dict]:
    """The rows of a dataset in no area, to fix at source: file, line, period, what place the
    row gave, and why it could not be placed."""
    if not has_partner_tables(con):
        return []
    result = con.execute("""select s.path as file, r.line, r.period, r.lsoa_code, r.ward_given, r.postcode,
            r.lad_given, r.longitude, r.latitude, r.unplaced_reason as reason
        from partner_records r join source_files s using (file_id)
        where r.dataset = ? and r.lad_code is null order by s.path, r.line limit ?""", [dataset, limit])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


__all__ = ["AUTHORITY_ONLY", "DIMENSIONS", "count_partner", "snapshot_categories_counted", "dataset_info", "list_datasets",
           "list_files", "placed_rows_sql", "unplaced", "unplaced_rows"]
