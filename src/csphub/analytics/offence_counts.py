"""Load Home Office offence-code-level counts (e.g. police recorded crime by police force area).

Recognises the Home Office open data layout (``Financial Year, Financial Quarter, Force Name,
Offence Description, Offence Group, Offence Subgroup, Offence Code, Number of Offences``) and a
plain ``area_code, area_name, financial_year, offence_code, count`` layout. Counts may carry
padding spaces and thousands separators. Negative counts (Home Office reclassification
adjustments) are kept. Rows whose count is not a whole number go to quarantine. Idempotent by
content (sha256); atomic. Codes are stored as written; :func:`area_offence_counts` reads them
back in one spelling (:func:`csphub.analytics.offence_codes.normalise_code`).

Examples:
    >>> _column({"Number of Offences": 1}, ("number of offences", "count"))
    'Number of Offences'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from csphub.analytics.offence_codes import normalise_code
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

LAYOUT = {
    "area_name": ("force name", "area_name", "area name", "csp name", "community safety partnership"),
    "area_code": ("area_code", "area code", "force code", "lad code", "csp code"),
    "financial_year": ("financial year", "financial_year", "period"),
    "quarter": ("financial quarter", "quarter"),
    "offence_code": ("offence code", "offence_code"),
    "offence_description": ("offence description", "offence_description"),
    "offence_group": ("offence group", "offence_group"),
    "offence_subgroup": ("offence subgroup", "offence_subgroup"),
    "count": ("number of offences", "count", "offences"),
}
REQUIRED = ("area_name", "financial_year", "offence_code", "count")


def _column(columns, names: tuple[str, ...]) -> str | None:
    return next((c for c in columns if c.strip().lower() in names), None)


def load_offence_counts(con: duckdb.DuckDBPyConnection, path: Path | str,
                        area_type: str = "pfa") -> tuple[int, int, bool]:
    """Load one file; returns (rows loaded, rows quarantined, skipped because already loaded)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if con.execute("select 1 from source_files where sha256 = ?", [digest]).fetchone():
        return 0, 0, True
    try:
        header = list(con.execute("select * from read_csv(?, all_varchar=true, header=true) limit 0",
                                  [str(path)]).fetchdf().columns)
    except duckdb.Error as e:
        raise InputFileError(InputProblem(str(path), None, None, None, f"a readable CSV ({e})")) from e
    cols = {key: _column(header, names) for key, names in LAYOUT.items()}
    missing = [k for k in REQUIRED if cols[k] is None]
    if missing:
        raise InputFileError(InputProblem(
            str(path), 1, "header", ",".join(header),
            "columns for " + ", ".join(missing) + " (e.g. Force Name, Financial Year, Offence Code, "
            "Number of Offences)"))

    def q(key: str) -> str:
        return "null" if cols[key] is None else f'trim("{cols[key]}")'

    count_expr = f"try_cast(replace({q('count')}, ',', '') as bigint)"
    with transaction(con):
        con.execute("create or replace temp table _oc as select * from read_csv(?, all_varchar=true, "
                    "header=true) with ordinality", [str(path)])
        file_id = con.execute(
            "insert into source_files (kind, path, sha256, rows_loaded, rows_quarantined) "
            "values ('offence-counts', ?, ?, 0, 0) returning file_id", [str(path), digest]).fetchall()[0][0]
        con.execute(f"""insert into offence_counts
            select ?, ordinality + 1, {q('area_code')}, {q('area_name')}, ?, {q('financial_year')},
                   try_cast({q('quarter')} as integer), {q('offence_code')}, {q('offence_description')},
                   {q('offence_group')}, {q('offence_subgroup')}, {count_expr}
            from _oc where {count_expr} is not null and {q('offence_code')} is not null""",
                    [file_id, area_type])
        con.execute(f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
            select ?, ?, ordinality + 1, ?, {q('count')},
                   'count must be a whole number of offences (negative adjustments allowed), with an offence code',
                   to_json(_oc)::varchar
            from _oc where not coalesce({count_expr} is not null and {q('offence_code')} is not null, false)""",
                    [file_id, str(path), cols["count"]])
        loaded = con.execute("select count(*) from offence_counts where file_id = ?", [file_id]).fetchall()[0][0]
        bad = con.execute("select count(*) from quarantine where file_id = ?", [file_id]).fetchall()[0][0]
        con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                    [loaded, bad, file_id])
        con.execute("drop table _oc")
    return loaded, bad, False


def area_offence_counts(con: duckdb.DuckDBPyConnection, area_name: str, lad_codes: list[str],
                        financial_years: list[str]) -> pd.DataFrame:
    """An area's offence-code counts (matched by area name, case-insensitive, or by LAD code) for
    the financial years given, one row per financial year, quarter (None for a whole year) and
    offence code in its one spelling: financial_year, quarter, offence_code, offence_description,
    offence_group, offence_subgroup, count."""
    frame = con.execute(
        """select financial_year, quarter, offence_code, offence_description, offence_group,
                  offence_subgroup, count
        from offence_counts
        where list_contains($years, financial_year)
          and (lower(area_name) = lower($name) or list_contains($codes, area_code))""",
        {"years": financial_years, "name": area_name, "codes": lad_codes}).fetchdf()
    frame["offence_code"] = [normalise_code(c) for c in frame["offence_code"]]
    keys = ["financial_year", "quarter", "offence_code"]
    grouped = (frame.groupby(keys, dropna=False, sort=True)
               .agg(offence_description=("offence_description", "max"),
                    offence_group=("offence_group", "max"),
                    offence_subgroup=("offence_subgroup", "max"), count=("count", "sum"))
               .reset_index())
    grouped["count"] = grouped["count"].astype(int)
    for column in ("quarter", "offence_description", "offence_group", "offence_subgroup"):
        grouped[column] = grouped[column].astype(object).where(grouped[column].notna(), None)
    return grouped
