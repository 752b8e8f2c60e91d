"""Load a partner dataset file (CSV or Excel) described by a dataset profile.

The guarantees are the police.uk loader's, with its pieces reused (the CSV reader, the date
parser, the point placer and the checks of :mod:`csphub.analytics.partner_asb`):

- every row is checked set-wise in DuckDB; a failing row goes to ``quarantine`` with file,
  line, field, value and reason, while the rest load;
- a file with the same content (sha256) is never loaded twice;
- a re-issued file for the same dataset replaces the earlier rows of the periods and areas
  (local authorities) it covers, never another area's (the newest file is authoritative); rows
  there from another agency are replaced only when asked (``replace_other_agency``), otherwise
  the load is refused naming that agency;
- the whole call is one transaction: a failure anywhere leaves the warehouse as it was.

Places. A row is placed, most precise first, by its LSOA code (2011 or 2021), ward code, ward
name, point (latitude and longitude, or easting and northing, in the LSOA or ward boundaries
loaded) or local authority (a column, or ``authority=`` for a file that covers one authority).
A point no boundary covers is placed in the authority the file names (STATS19 names it); a row
that cannot be placed at all is kept, counted in no area, and reported with the reason. A new
load places rows that earlier loads could not (boundaries or lookups may be loaded since).

Counts. One row is one incident, unless the profile names a count column (aggregated data). A
count a partner suppressed ("<5", "*", "[c]"...) is kept as suppressed: no number, never zero.

Examples:
    >>> lad_key("Trafford Metropolitan Borough Council"), lad_key("Medway")
    ('trafford', 'medway')
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from csphub.analytics.partner.profiles import Profile
from csphub.analytics.partner_asb import (
    EARLIEST,
    EASTING_RANGE,
    NORTHING_RANGE,
    LsoaPlacer,
    RawFile,
    _number,
    _parse_date,
    _sql_text,
    _update,
    british_grid_to_wgs84,
    normalise_header,
    read_partner_file,
)
from csphub.analytics.police_uk import LATITUDE_RANGE, LONGITUDE_RANGE, Check
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

KIND = "partner"
NOT_RECORDED = "Not recorded"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TRUE_FLAGS = ("y", "yes", "true", "1", "x", "flagged", "t")
FALSE_FLAGS = ("n", "no", "false", "0", "not flagged", "f", "-")
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%m/%Y", "%m-%Y", "%b-%y", "%b %y", "%b-%Y", "%b %Y", "%B %Y",
                 "%B-%Y", "%B %y", "%Y%m")
LAD_SUFFIXES = ("metropolitan borough council", "royal borough council", "borough council",
                "city council", "district council", "county council", "council", "mbc", "bc", "cc",
                "dc", "unitary authority", "ua")

# The tables this loader adds (loaders may add tables; see warehouse.py). Created on first use.
PARTNER_TABLES = (
    """CREATE TABLE IF NOT EXISTS partner_records (
        file_id INTEGER NOT NULL,
        line INTEGER NOT NULL,           -- physical line (CSV) or row (Excel) of the file
        dataset VARCHAR NOT NULL,        -- the profile's name, e.g. 'stats19'
        agency VARCHAR NOT NULL,         -- the partner that supplied the file
        period VARCHAR NOT NULL,         -- 'YYYY-MM', or 'YYYY/YY' for a financial year
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        month DATE,                      -- first day of the month; NULL for a financial year
        incident_date DATE,              -- for data by date
        incident_at TIMESTAMP,
        category VARCHAR NOT NULL,       -- as recorded; 'Not recorded' when empty
        count BIGINT,                    -- NULL when suppressed
        suppressed BOOLEAN NOT NULL,
        suppressed_as VARCHAR,           -- what the file wrote: '<5', '*'...
        reference VARCHAR,
        lsoa_code VARCHAR,               -- as given, or the LSOA whose boundary holds the point
        ward_code VARCHAR,               -- as given, found from the name, or from a ward boundary
        lad_code VARCHAR,                -- the local authority the row is placed in
        lad_given VARCHAR,               -- the authority as the file names it
        ward_given VARCHAR,
        postcode VARCHAR,
        longitude DOUBLE,
        latitude DOUBLE,
        placed_by VARCHAR,               -- 'lsoa', 'ward code', 'ward name', 'point in LSOA',
                                         -- 'point in ward', 'local authority' or NULL
        unplaced_reason VARCHAR,         -- why a row is in no area (NULL when placed)
        flags VARCHAR[],                 -- the profile's flags set on the row
        attributes VARCHAR               -- JSON object of the profile's further columns
    )""",
    """CREATE TABLE IF NOT EXISTS partner_files (
        file_id INTEGER PRIMARY KEY,
        dataset VARCHAR NOT NULL,
        agency VARCHAR NOT NULL,
        title VARCHAR,
        profile VARCHAR,                 -- 'built-in:stats19' or the profile file
        profile_json VARCHAR,            -- the profile as loaded (caveats, unit, section)
        sheet VARCHAR,
        period_first VARCHAR,
        period_last VARCHAR,
        rows_unplaced BIGINT NOT NULL DEFAULT 0,
        rows_authority_only BIGINT NOT NULL DEFAULT 0,
        rows_suppressed BIGINT NOT NULL DEFAULT 0
    )""",
)


def ensure_partner_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in PARTNER_TABLES:
        con.execute(statement)


def has_partner_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_name = 'partner_records'").fetchall()[0][0])


def lad_key(name: str) -> str:
    """An authority's name without 'Council', 'Borough Council'... and punctuation."""
    key = normalise_header(name)
    for suffix in LAD_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1].strip()
    return key


@dataclass
class PartnerSummary:
    """What one partner load did."""

    dataset: str
    agency: str
    files_loaded: int = 0
    files_skipped: int = 0
    files_replaced: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    replaced_from: dict[str, int] = field(default_factory=dict)  # another agency -> its rows replaced
    rows_suppressed: int = 0
    rows_authority_only: int = 0  # placed in the named authority only (no boundary covers them)
    rows_unplaced: int = 0
    unplaced_reasons: dict[str, int] = field(default_factory=dict)
    rows_placed_earlier: int = 0
    placed_by: dict[str, int] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> role -> header
    missing_optional: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# ---- reading ------------------------------------------------------------------------------

def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if (value.hour or value.minute or value.second) \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_excel_file(path: Path, sheet: str | None = None, label: str | None = None,
                    header_names: Sequence[str] = ()) -> RawFile:
    """One sheet of a workbook as a :class:`RawFile`, each row keeping its Excel row number as
    its line. The header is the first non-empty row, or, given ``header_names``, the first of
    the first 30 rows naming one of them: title and note rows above a table are skipped."""
    from openpyxl import load_workbook

    label = label or str(path)
    data = path.read_bytes()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise InputFileError(InputProblem(label, None, None, None, f"an Excel workbook (.xlsx) ({e})")) from e
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputFileError(InputProblem(label, None, "sheet", sheet,
                                              f"one of the workbook's sheets: {', '.join(book.sheetnames)}"))
        worksheet = book[sheet] if sheet else book.worksheets[0]
        found: list[tuple[int, list[str | None]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if any(t and t.strip() for t in texts):
                found.append((number, texts))
    finally:
        book.close()
    wanted = {normalise_header(n) for n in header_names}
    start = next((i for i, (_, texts) in enumerate(found[:30])
                  if wanted & {normalise_header(t or "") for t in texts}), 0)
    header: list[str] | None = None
    if found:
        header = [(t or "").strip() for t in found[start][1]]
        while header and not header[-1]:
            header.pop()
    lines = [number for number, _ in found[start + 1:]]
    rows = [texts for _, texts in found[start + 1:]]
    if header is None:
        raise InputFileError(InputProblem(label, 1, "header", None, "a header row naming the columns"))
    columns = {"_line": pa.array(lines, pa.int32()),
               "_fields": pa.array([len(header)] * len(rows), pa.int32())}
    for i in range(len(header)):
        columns[f"c{i}"] = pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
    return RawFile(label, header, "Excel", pa.table(columns), hashlib.sha256(data).hexdigest())


def read_any(path: Path, sheet: str | None = None, header_names: Sequence[str] = ()) -> RawFile:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_file(path, sheet, header_names=header_names)
    if path.suffix.lower() == ".xls":
        raise InputFileError(InputProblem(str(path), None, None, None,
                                          "a .xlsx workbook or a CSV file (save the old .xls as .xlsx)"))
    return read_partner_file(path)


# ---- columns ------------------------------------------------------------------------------

def _find(names: list[str], wanted: Sequence[str]) -> int | None:
    for candidate in wanted:
        key = normalise_header(candidate)
        if key in names:
            return names.index(key)
    return None


@dataclass
class Columns:
    """Role -> column index of the file (attributes and flags by their profile name)."""

    roles: dict[str, int]
    attributes: dict[str, int]
    flags: dict[str, int]
    missing_optional: list[str]


def _named_columns(names: list[str], wanted: dict[str, tuple[str, ...]], table: str,
                   missing: list[str]) -> dict[str, int]:
    found = {}
    for name, options in wanted.items():
        index = _find(names, options)
        if index is None:
            missing.append(f"{table}.{name}")
        else:
            found[name] = index
    return found


def _pair_or_neither(roles: dict[str, int]) -> None:
    for a, b in (("longitude", "latitude"), ("easting", "northing")):
        if (a in roles) != (b in roles):
            roles.pop(a, None)
            roles.pop(b, None)


def match_columns(raw: RawFile, profile: Profile, authority: str | None = None) -> Columns:
    """Find the profile's columns in the file's header; a required one missing stops the load
    with the header and the names looked for."""
    names = [normalise_header(h) for h in raw.header]

    def missing(what: str, wanted: Sequence[str]) -> InputFileError:
        return InputFileError(InputProblem(
            raw.label, 1, "header", ",".join(raw.header),
            f"a column for {what} (profile {profile.name!r} looks for: {', '.join(wanted)}; "
            "copy the profile to partner-profiles/ in the data directory and name your column)"))

    roles: dict[str, int] = {}
    optional_missing: list[str] = []
    found = _find(names, profile.period_columns)
    if found is None:
        raise missing(f"the {profile.period_kind.replace('_', ' ')}", profile.period_columns)
    roles["period"] = found
    for role, wanted, required in (("time", profile.time_columns, False),
                                   ("category", profile.category_columns, True),
                                   ("count", profile.count_columns, True),
                                   ("reference", profile.reference_columns, False)):
        if not wanted:
            continue
        index = _find(names, wanted)
        if index is not None:
            roles[role] = index
        elif required:
            raise missing(f"the {role}", wanted)
        else:
            optional_missing.append(role)
    places = {key: _find(names, wanted) for key, wanted in profile.place.items()}
    for key, index in places.items():
        if index is not None:
            roles[key] = index
    _pair_or_neither(roles)
    if authority is None and not any(k in roles for k in ("lsoa", "ward_code", "ward_name", "postcode",
                                                          "longitude", "easting", "local_authority")):
        raise missing("the place (" + ", ".join(profile.place) + "; or give the authority the "
                      "whole file covers with --authority)",
                      [n for names_ in profile.place.values() for n in names_])
    optional_missing += [f"place.{k}" for k, i in places.items() if i is None]
    attributes = _named_columns(names, profile.attributes, "attributes", optional_missing)
    flags = _named_columns(names, profile.flags, "flags", optional_missing)
    return Columns(roles, attributes, flags, optional_missing)


# ---- parsing and checks -------------------------------------------------------------------

def _text(cols: Columns, role: str) -> str:
    return f"nullif(trim(c{cols.roles[role]}), '')" if role in cols.roles else "cast(null as varchar)"


def month_sql(expr: str) -> str:
    """SQL reading a month: 2024-01, Jan-24, January 2024, 01/2024, or any date in the month."""
    formats = "[" + ", ".join(_sql_text(f) for f in MONTH_FORMATS) + "]"
    return (f"coalesce(try_strptime({expr}, {formats})::date, "
            f"date_trunc('month', {_parse_date(expr)})::date)")


def financial_year_sql(expr: str) -> str:
    """SQL giving the start year of a financial year written 2023/24, 2023-24, FY 2023/2024."""
    pattern = "'^(?:fy)? ?([0-9]{4}) ?[/-] ?([0-9]{2}|[0-9]{4})$'"
    first = f"try_cast(regexp_extract(lower({expr}), {pattern}, 1) as integer)"
    second = f"try_cast(regexp_extract(lower({expr}), {pattern}, 2) as integer)"
    return (f"case when {second} = {first} + 1 or {second} = ({first} + 1) % 100 "
            f"then {first} end")


def _parsed_sql(raw: RawFile, cols: Columns, profile: Profile) -> str:
    period_text = _text(cols, "period")
    if profile.period_kind == "date":
        if "time" in cols.roles:
            combined = (f"case when {_text(cols, 'time')} is null then {period_text} "
                        f"else {period_text} || ' ' || {_text(cols, 'time')} end")
            when = f"coalesce({_parse_date(combined)}, {_parse_date(period_text)})"
            has_time = f"{_parse_date(combined)} is not null and {_text(cols, 'time')} is not null"
        else:
            when = _parse_date(period_text)
            has_time = f"coalesce(regexp_matches({period_text}, '[0-9]:[0-9]{{2}}'), false)"
        start = f"({when})::date"
        period = f"""{when} as p_ts, {has_time} as p_has_time, {start} as p_start, {start} as p_end,
            date_trunc('month', {start})::date as p_month"""
    elif profile.period_kind == "month":
        month = month_sql(period_text)
        period = f"""cast(null as timestamp) as p_ts, false as p_has_time, {month} as p_start,
            last_day({month}) as p_end, {month} as p_month"""
    else:
        year = financial_year_sql(period_text)
        period = f"""cast(null as timestamp) as p_ts, false as p_has_time,
            make_date({year}, 4, 1) as p_start, make_date({year} + 1, 3, 31) as p_end,
            cast(null as date) as p_month"""
    suppressed = "[" + ", ".join(_sql_text(s) for s in profile.suppressed) + "]"
    count_text = _text(cols, "count")
    attributes = ("json_object(" + ", ".join(f"{_sql_text(n)}, nullif(trim(c{i}), '')"
                                               for n, i in cols.attributes.items()) + ")::varchar"
                  if cols.attributes else "cast(null as varchar)")
    flag_items = [f"case when lower(trim(c{i})) in {_in(TRUE_FLAGS)} then {_sql_text(n)} end"
                  for n, i in cols.flags.items()]
    flags = (f"list_filter([{', '.join(flag_items)}], x -> x is not null)" if flag_items
             else "cast([] as varchar[])")
    bad_flag = " or ".join(
        f"(nullif(trim(c{i}), '') is not null and lower(trim(c{i})) not in {_in(TRUE_FLAGS + FALSE_FLAGS)})"
        for i in cols.flags.values()) or "false"
    first_bad_flag = "case " + " ".join(
        f"when nullif(trim(c{i}), '') is not null and lower(trim(c{i})) not in "
        f"{_in(TRUE_FLAGS + FALSE_FLAGS)} then c{i}" for i in cols.flags.values()) + " end" \
        if cols.flags else "cast(null as varchar)"
    parsed = f"""select *, {period},
        coalesce({_text(cols, 'category')}, '{NOT_RECORDED}') as p_category,
        coalesce(list_contains({suppressed}, lower({count_text})), false) as p_suppressed,
        {_number(count_text)} as p_count,
        upper(replace({_text(cols, 'lsoa')}, ' ', '')) as p_lsoa,
        upper(replace({_text(cols, 'ward_code')}, ' ', '')) as p_ward_code,
        {_text(cols, 'ward_name')} as p_ward_name,
        upper({_text(cols, 'postcode')}) as p_postcode,
        {_text(cols, 'local_authority')} as p_la,
        {_text(cols, 'longitude')} as p_lon_text, {_text(cols, 'latitude')} as p_lat_text,
        {_text(cols, 'easting')} as p_e_text, {_text(cols, 'northing')} as p_n_text,
        {_text(cols, 'reference')} as p_ref,
        {attributes} as p_attributes, {flags} as p_flags,
        {bad_flag} as p_bad_flag, {first_bad_flag} as p_bad_flag_value
        from (select *, {period_text} as p_period_text, {count_text} as p_count_text from _pd_raw)"""
    checks = _checks(raw, cols, profile)
    problem = "case " + " ".join(f"when {c.bad_when} then {i}" for i, c in enumerate(checks, 1)) + " end"
    return f"select *, {problem} as _problem from ({parsed})"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(_sql_text(v) for v in values) + ")"


def _checks(raw: RawFile, cols: Columns, profile: Profile) -> list[Check]:
    header = raw.header
    period_name = header[cols.roles["period"]]
    lo, hi = LONGITUDE_RANGE
    la, ha = LATITUDE_RANGE
    (e0, e1), (n0, n1) = EASTING_RANGE, NORTHING_RANGE
    expected = {"date": "a date such as 2024-01-31 or 31/01/2024 (day first)",
                "month": "a month such as 2024-01, Jan-24 or January 2024",
                "financial_year": "a financial year such as 2023/24"}[profile.period_kind]
    checks = [
        Check("row", "_fields::varchar", f"_fields <> {len(header)}",
              f"the row has a different number of fields from the header ({len(header)})"),
        Check(period_name, "p_period_text", "p_period_text is null", f"the {profile.period_kind.replace('_', ' ')} is empty"),
        Check(period_name, "p_period_text", "p_start is null", f"the {profile.period_kind.replace('_', ' ')} must be {expected}"),
        Check(period_name, "p_period_text", f"p_start < DATE '{EARLIEST}'", f"the period is before {EARLIEST.year}"),
        Check(period_name, "p_period_text", "p_start > $today", "the period is in the future"),
    ]
    if "count" in cols.roles:
        name = header[cols.roles["count"]]
        markers = ", ".join(repr(s) for s in profile.suppressed[:6])
        checks += [
            Check(name, "p_count_text", "p_count_text is null",
                  "the count is empty (write 0 for none, or the partner's suppression mark, e.g. <5)"),
            Check(name, "p_count_text",
                  "not p_suppressed and coalesce(p_count < 0 or p_count <> floor(p_count), true)",
                  f"the count must be a whole number of 0 or more, or a suppression mark ({markers}...)"),
        ]
    if "lsoa" in cols.roles:
        checks.append(Check(header[cols.roles["lsoa"]], f"c{cols.roles['lsoa']}",
                            "p_lsoa is not null and not regexp_full_match(p_lsoa, '[EW]01[0-9]{6}')",
                            "LSOA code must be E01 or W01 followed by 6 digits (2011 or 2021), or empty"))
    if "ward_code" in cols.roles:
        checks.append(Check(header[cols.roles["ward_code"]], f"c{cols.roles['ward_code']}",
                            "p_ward_code is not null and not regexp_full_match(p_ward_code, '[EW]05[0-9]{6}')",
                            "ward code must be E05 or W05 followed by 6 digits, or empty"))
    if "easting" in cols.roles:
        e, n = _number("p_e_text"), _number("p_n_text")
        checks += [
            Check(header[cols.roles["easting"]], "p_e_text", "(p_e_text is null) <> (p_n_text is null)",
                  "easting and northing must both be given, or both be empty"),
            Check(header[cols.roles["easting"]], "p_e_text",
                  f"p_e_text is not null and coalesce({e} not between {e0} and {e1}, true)",
                  f"easting must be a number of metres from {e0:,} to {e1:,} (British National Grid)"),
            Check(header[cols.roles["northing"]], "p_n_text",
                  f"p_n_text is not null and coalesce({n} not between {n0} and {n1}, true)",
                  f"northing must be a number of metres from {n0:,} to {n1:,} (British National Grid)"),
        ]
    if "longitude" in cols.roles:
        lon, lat = _number("p_lon_text"), _number("p_lat_text")
        checks += [
            Check(header[cols.roles["longitude"]], "p_lon_text", "(p_lon_text is null) <> (p_lat_text is null)",
                  "longitude and latitude must both be given, or both be empty"),
            Check(header[cols.roles["longitude"]], "p_lon_text",
                  f"p_lon_text is not null and coalesce({lon} not between {lo} and {hi}, true)",
                  f"longitude must be a number between {lo} and {hi} (the United Kingdom)"),
            Check(header[cols.roles["latitude"]], "p_lat_text",
                  f"p_lat_text is not null and coalesce({lat} not between {la} and {ha}, true)",
                  f"latitude must be a number between {la} and {ha} (the United Kingdom)"),
        ]
    if profile.icd10 and "category" in cols.roles:
        code = "regexp_extract(upper(p_category), '^([A-Z][0-9]{2})', 1)"
        inside = " or ".join(f"{code} between '{lo}' and '{hi}'" for lo, hi in profile.icd10)
        ranges = ", ".join(lo if lo == hi else f"{lo}-{hi}" for lo, hi in profile.icd10)
        checks.append(Check(header[cols.roles["category"]], "p_category", f"{code} <> '' and not ({inside})",
                            f"the ICD-10 code must be within {ranges} (the profile's codes, e.g. assault), "
                            "or the category must not start with a code"))
    if cols.flags:
        checks.append(Check("flags", "p_bad_flag_value", "p_bad_flag",
                            "a flag must be yes or no (Y/N, true/false, 1/0, or empty for no)"))
    checks.append(Check("place", "cast(null as varchar)",
                        "p_lsoa is null and p_ward_code is null and p_ward_name is null and "
                        "p_postcode is null and p_lon_text is null and p_e_text is null and "
                        "p_la is null and $authority is null",
                        "no place: the row needs one of " + ", ".join(
                            header[i] for k, i in cols.roles.items()
                            if k in ("lsoa", "ward_code", "ward_name", "postcode", "longitude",
                                     "latitude", "easting", "northing", "local_authority"))))
    return checks


# ---- placing ------------------------------------------------------------------------------

class WardPlacer(LsoaPlacer):
    """Finds the ward containing points, from the ward boundaries loaded (newest first)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        import shapely

        rows = con.execute("""select code, geometry_wkb, lad_code from boundaries where kind = 'ward'
                              order by vintage desc, code""").fetchall()
        self.codes = [r[0] for r in rows]
        self.lads = {r[0]: r[2] for r in rows}
        self.tree = shapely.STRtree(shapely.from_wkb([r[1] for r in rows])) if rows else None


def _authorities(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], set[str]]:
    """lad_key(name) -> code, and the codes known, from the lookups and areas loaded."""
    rows = con.execute("""select lad_name, lad_code from lsoa_ward_lookup where lad_name is not null
                          union select lad_name, lad_code from lsoa11_lsoa21 where lad_name is not null""").fetchall()
    names: dict[str, str] = {}
    for name, code in sorted(rows):
        names.setdefault(lad_key(name), code)
    for name, code in con.execute("""select area_name, min(lad_code) from areas group by 1
                                     having count(*) = 1""").fetchall():
        names.setdefault(lad_key(name), code)
    codes = {r[1] for r in rows} | {r[0] for r in con.execute("select lad_code from areas").fetchall()}
    return names, codes


def resolve_authority(text: str | None, names: dict[str, str], codes: set[str]) -> str | None:
    """An authority named by code (E08000009) or name (Trafford, Trafford Council), or None."""
    if not text or not text.strip():
        return None
    cleaned = text.strip().upper()
    if re.fullmatch(r"[EW]0[6-9][0-9]{6}", cleaned):
        return cleaned
    return names.get(lad_key(text))


LSOA_LAD_SQL = """
    select lsoa_code, arg_max(lad_code, ward_vintage) as lad_code from lsoa_ward_lookup group by 1
    union all
    select lsoa11_code, min(lad_code) from lsoa11_lsoa21 where lad_code is not null
        and lsoa11_code not in (select lsoa_code from lsoa_ward_lookup) group by 1
    union all
    select lsoa21_code, min(lad_code) from lsoa11_lsoa21 where lad_code is not null
        and lsoa21_code not in (select lsoa_code from lsoa_ward_lookup)
        and lsoa21_code not in (select lsoa11_code from lsoa11_lsoa21) group by 1
"""
WARD_LAD_SQL = """
    select ward_code, arg_max(lad_code, ward_vintage) as lad_code, arg_max(ward_name, ward_vintage) as ward_name
    from lsoa_ward_lookup group by 1
    union all
    select code, arg_max(lad_code, vintage), arg_max(name, vintage) from boundaries
    where kind = 'ward' and lad_code is not null
        and code not in (select ward_code from lsoa_ward_lookup) group by 1
"""


def _ward_names(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """(normalised ward name, lad code) -> ward codes of the newest vintage with that name."""
    rows = con.execute("""select ward_name, ward_code, lad_code from lsoa_ward_lookup
        where ward_name is not null
        qualify ward_vintage = max(ward_vintage) over (partition by lad_code)""").fetchall()
    found: dict[tuple[str, str], set[str]] = {}
    for name, code, lad in rows:
        found.setdefault((normalise_header(name), lad), set()).add(code)
    return found


def place_rows(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...],
               lsoa_placer: LsoaPlacer, ward_placer: WardPlacer) -> None:
    """Fill lad_code, lsoa_code, ward_code, placed_by and unplaced_reason of ``table``'s rows
    whose lad_code is NULL (the rows of a new file, or rows earlier loads could not place)."""
    names, codes = _authorities(con)
    key_list = ", ".join(keys)
    # the authority the row names (column or --authority); used when nothing finer places it
    given = con.execute(f"select {key_list}, lad_given from {table} where lad_code is null "
                        "and lad_given is not null").fetchall()
    if given:
        resolved = [resolve_authority(r[-1], names, codes) for r in given]
        _update(con, table, {k: [r[i] for r in given] for i, k in enumerate(keys)},
                {"named_lad": resolved})
    # LSOA (either vintage) and ward codes through the lookups
    con.execute(f"""update {table} t set lad_code = m.lad_code, placed_by = 'lsoa'
        from ({LSOA_LAD_SQL}) m where t.lad_code is null and t.lsoa_code = m.lsoa_code
        and t.placed_by is distinct from 'point in LSOA'""")
    con.execute(f"""update {table} t set lad_code = m.lad_code, placed_by = coalesce(t.placed_by, 'ward code')
        from ({WARD_LAD_SQL}) m where t.lad_code is null and t.ward_code = m.ward_code""")
    # ward names, within the authority the row names when it names one
    wards = con.execute(f"select {key_list}, ward_given, named_lad from {table} where lad_code is null "
                        "and ward_code is null and ward_given is not null").fetchall()
    if wards:
        index = _ward_names(con)
        found = []
        for row in wards:
            key, lad = normalise_header(row[-2]), row[-1]
            matches = index.get((key, lad), set()) if lad else set().union(
                *(v for (k, _), v in index.items() if k == key))
            found.append(next(iter(matches)) if len(matches) == 1 else None)
        hits = [i for i, code in enumerate(found) if code]
        if hits:
            _update(con, table, {k: [wards[i][j] for i in hits] for j, k in enumerate(keys)},
                    {"ward_code": [found[i] for i in hits]})
            con.execute(f"""update {table} t set lad_code = m.lad_code, placed_by = 'ward name'
                from ({WARD_LAD_SQL}) m where t.lad_code is null and t.ward_code = m.ward_code""")
    # postcodes, through the postcode lookup when one is loaded (csphub partner postcodes)
    from csphub.analytics.partner.postcodes import has_postcodes

    if has_postcodes(con):
        con.execute(f"""update {table} t set lsoa_code = p.lsoa_code, placed_by = 'postcode'
            from postcode_lookup p where t.lad_code is null and t.lsoa_code is null
            and t.ward_code is null and t.postcode is not null
            and p.postcode = upper(replace(t.postcode, ' ', ''))""")
        con.execute(f"""update {table} t set lad_code = m.lad_code
            from ({LSOA_LAD_SQL}) m where t.lad_code is null and t.placed_by = 'postcode'
            and t.lsoa_code = m.lsoa_code""")
    # points: in an LSOA boundary, else in a ward boundary
    points = con.execute(f"select {key_list}, longitude, latitude from {table} where lad_code is null "
                         "and lsoa_code is null and ward_code is null and longitude is not null").fetchall()
    if points:
        lsoas = lsoa_placer.place(np.array([p[-2] for p in points]), np.array([p[-1] for p in points]))
        hits = [i for i, c in enumerate(lsoas) if c]
        if hits:
            _update(con, table, {k: [points[i][j] for i in hits] for j, k in enumerate(keys)},
                    {"lsoa_code": [lsoas[i] for i in hits], "placed_by": ["point in LSOA"] * len(hits)})
            con.execute(f"""update {table} t set lad_code = m.lad_code
                from ({LSOA_LAD_SQL}) m where t.lad_code is null and t.lsoa_code = m.lsoa_code""")
        rest = [i for i, c in enumerate(lsoas) if not c]
        if rest:
            in_ward = ward_placer.place(np.array([points[i][-2] for i in rest]),
                                        np.array([points[i][-1] for i in rest]))
            wards_hit = [(i, c) for i, c in zip(rest, in_ward, strict=True) if c]
            if wards_hit:
                _update(con, table, {k: [points[i][j] for i, _ in wards_hit] for j, k in enumerate(keys)},
                        {"ward_code": [c for _, c in wards_hit],
                         "placed_by": ["point in ward"] * len(wards_hit),
                         "lad_code": [ward_placer.lads.get(c) for _, c in wards_hit]})
                con.execute(f"""update {table} t set lad_code = m.lad_code
                    from ({WARD_LAD_SQL}) m where t.lad_code is null and t.ward_code = m.ward_code""")
    # the named authority, when nothing finer placed the row
    con.execute(f"""update {table} set lad_code = named_lad, placed_by = 'local authority',
        unplaced_reason = null where lad_code is null and named_lad is not null""")
    con.execute(f"""update {table} set placed_by = null, unplaced_reason = case
        when lsoa_code is not null and placed_by = 'point in LSOA' then 'the LSOA holding the point is in no lookup loaded'
        when lsoa_code is not null and placed_by = 'postcode' then 'the LSOA of the postcode is in no lookup loaded'
        when lsoa_code is not null then 'the LSOA code is in no lookup loaded (csphub geography load)'
        when ward_code is not null and placed_by = 'point in ward' then 'the ward holding the point is in no lookup loaded'
        when ward_code is not null then 'the ward code is in no lookup loaded'
        when ward_given is not null then 'the ward name matches no ward (or several) in the lookups loaded'
        when longitude is not null and lad_given is not null then 'the point lies in no LSOA or ward boundary loaded and the local authority named is not in the lookups loaded'
        when longitude is not null then 'the point lies in no LSOA or ward boundary loaded and the file names no authority'
        when lad_given is not null then 'the local authority named is not in the lookups loaded'
        when postcode is not null then 'the postcode is in no postcode lookup loaded (csphub partner postcodes FILE)'
        else 'no place given' end
        where lad_code is null""")
    con.execute(f"update {table} set unplaced_reason = null where lad_code is not null")


# ---- the load -----------------------------------------------------------------------------

def _stage(con: duckdb.DuckDBPyConnection, raw: RawFile, cols: Columns, profile: Profile,
           today: date, authority: str | None) -> None:
    con.register("_pd_raw", raw.table)
    try:
        con.execute(f"create or replace temp table _pd_parsed as {_parsed_sql(raw, cols, profile)}",
                    {"today": today, "authority": authority})
    finally:
        con.unregister("_pd_raw")
    lon, lat = _number("p_lon_text"), _number("p_lat_text")
    period = ("strftime(p_start, '%Y-%m')" if profile.period_kind != "financial_year"
              else "year(p_start)::varchar || '/' || lpad(((year(p_start) + 1) % 100)::varchar, 2, '0')")
    con.execute(f"""create or replace temp table _pd_good as select
        _line as line, {period} as period, p_start as period_start, p_end as period_end,
        p_month as month, p_ts::date as incident_date,
        case when p_has_time then p_ts end as incident_at,
        p_category as category,
        case when p_suppressed then null when p_count_text is null then 1 else p_count::bigint end as count,
        p_suppressed as suppressed, case when p_suppressed then p_count_text end as suppressed_as,
        p_ref as reference, p_lsoa as lsoa_code, p_ward_code as ward_code,
        cast(null as varchar) as lad_code, coalesce(p_la, $authority) as lad_given,
        p_ward_name as ward_given, p_postcode as postcode,
        {lon} as longitude, {lat} as latitude,
        {_number('p_e_text')} as easting, {_number('p_n_text')} as northing,
        case when p_lsoa is not null then 'lsoa' end as placed_by,
        cast(null as varchar) as unplaced_reason, cast(null as varchar) as named_lad,
        p_flags as flags, p_attributes as attributes
        from _pd_parsed where _problem is null""", {"authority": authority})
    grid = con.execute("select line, easting, northing from _pd_good "
                       "where easting is not null and longitude is null").fetchnumpy()
    if len(grid["line"]):
        lon_values, lat_values = british_grid_to_wgs84(grid["easting"], grid["northing"])
        _update(con, "_pd_good", {"line": grid["line"]}, {"longitude": lon_values, "latitude": lat_values})


RECORD_COLUMNS = ("line", "period", "period_start", "period_end", "month", "incident_date",
                  "incident_at", "category", "count", "suppressed", "suppressed_as", "reference",
                  "lsoa_code", "ward_code", "lad_code", "lad_given", "ward_given", "postcode",
                  "longitude", "latitude", "placed_by", "unplaced_reason", "flags", "attributes")


def _quarantine(con: duckdb.DuckDBPyConnection, raw: RawFile, cols: Columns, profile: Profile,
                file_id: int) -> int:
    checks = _checks(raw, cols, profile)
    fields = "[" + ", ".join(_sql_text(c.field) for c in checks) + "]"
    reasons = "[" + ", ".join(_sql_text(c.reason) for c in checks) + "]"
    value = "case _problem " + " ".join(
        f"when {i} then {c.column}" for i, c in enumerate(checks, start=1)) + " end"
    raw_row = "json_object(" + ", ".join(
        f"{_sql_text(h or f'column {i + 1}')}, c{i}" for i, h in enumerate(raw.header)) + ")::varchar"
    return con.execute(f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
        select $file_id, $label, _line, {fields}[_problem], {value}, {reasons}[_problem], {raw_row}
        from _pd_parsed where _problem is not null order by _line""",
                       {"file_id": file_id, "label": raw.label}).fetchall()[0][0]


#: The area a row belongs to, for replacing a re-issue: its local authority, or for a row in no
#: area the place it gave (so a re-issue replaces the unplaced rows it gives again, no others).
AREA_KEY_SQL = ("coalesce(lad_code, 'not placed: ' || concat_ws('|', lsoa_code, ward_code, ward_given, "
                "lad_given, postcode))")


def _replace_earlier(con: duckdb.DuckDBPyConnection, profile: Profile, agency: str, file_id: int,
                     label: str, summary: PartnerSummary, replace_other_agency: bool = False) -> None:
    """The new file is authoritative for the periods (its first to its last) and the areas (the
    local authorities its rows are placed in) it covers: drop the dataset's earlier rows in both,
    and earlier files left with no rows (with their quarantined rows). Rows of other areas, or
    outside the periods, stay.

    The dataset, period and area are one source: rows there from another agency are replaced only
    with ``replace_other_agency``; otherwise the load is refused naming that agency."""
    first, last = con.execute("select min(period_start), max(period_end) from partner_records "
                              "where file_id = ?", [file_id]).fetchall()[0]
    if first is None:
        return
    overlap = f"""from partner_records where dataset = $dataset and file_id <> $file_id
        and period_start >= $first and period_end <= $last
        and {AREA_KEY_SQL} in (select distinct {AREA_KEY_SQL} from partner_records where file_id = $file_id)"""
    params = {"dataset": profile.name, "file_id": file_id, "first": first, "last": last}
    others = con.execute(f"""select agency, count(*), min(period), max(period),
            list(distinct coalesce(lad_code, 'not placed') order by coalesce(lad_code, 'not placed'))
        {overlap} and agency <> $agency group by 1 order by 1""", {**params, "agency": agency}).fetchall()
    if others and not replace_other_agency:
        other, rows, period_first, period_last, areas = others[0]
        raise InputFileError(InputProblem(
            label, None, "agency", agency,
            f"the agency that supplied the earlier data: {profile.name} {period_first} to {period_last} in "
            f"{', '.join(areas)} ({rows:,} rows) was loaded from {other!r}. A dataset's period and area "
            f"have one source: for a re-issue from the same partner load it with --agency {other!r}; "
            f"to replace {other!r}'s rows with this file's, add --replace-other-agency"))
    for old_agency, removed in con.execute(f"select agency, count(*) {overlap} group by 1",
                                           {**params}).fetchall():
        if old_agency != agency:
            summary.replaced_from[old_agency] = summary.replaced_from.get(old_agency, 0) + removed
    earlier = [r[0] for r in con.execute(f"select distinct file_id {overlap} order by 1", params).fetchall()]
    for old in earlier:
        removed = con.execute(f"delete from partner_records where file_id = $old and rowid in (select rowid {overlap})",
                              {**params, "old": old}).fetchall()[0][0]
        summary.files_replaced += 1
        summary.rows_replaced += removed
        left = con.execute("select count(*) from partner_records where file_id = ?", [old]).fetchall()[0][0]
        if left:
            con.execute("update source_files set rows_loaded = ? where file_id = ?", [left, old])
        else:
            for table in ("quarantine", "partner_files", "source_files"):
                con.execute(f"delete from {table} where file_id = ?", [old])


def profile_json(profile: Profile) -> str:
    return json.dumps({"name": profile.name, "title": profile.title, "agency": profile.agency,
                       "unit": profile.unit, "section": profile.section, "caveats": list(profile.caveats),
                       "source": profile.source, "rate": profile.rate, "aggregated": profile.aggregated,
                       "period_kind": profile.period_kind, "attributes": list(profile.attributes),
                       "flags": list(profile.flags), "measure": profile.measure,
                       "snapshot_categories": list(profile.snapshot_categories),
                       "snapshot_unit": profile.snapshot_unit or profile.unit})


def _ingest_one(con: duckdb.DuckDBPyConnection, path: Path, profile: Profile, agency: str,
                sheet: str | None, authority: str | None, today: date, placers: tuple,
                summary: PartnerSummary, step: Callable[[], None], replace_other_agency: bool = False) -> None:
    raw = read_any(path, sheet or profile.sheet, header_names=profile.period_columns)
    step()
    if con.execute("select 1 from source_files where sha256 = ?", [raw.sha256]).fetchone():
        summary.files_skipped += 1
        return
    cols = match_columns(raw, profile, authority)
    summary.columns[raw.label] = {r: raw.header[i] for r, i in sorted(cols.roles.items(), key=lambda x: x[1])}
    summary.columns[raw.label].update({f"attributes.{n}": raw.header[i] for n, i in cols.attributes.items()})
    summary.columns[raw.label].update({f"flags.{n}": raw.header[i] for n, i in cols.flags.items()})
    if cols.missing_optional:
        summary.missing_optional[raw.label] = cols.missing_optional
    _stage(con, raw, cols, profile, today, authority)
    step()
    place_rows(con, "_pd_good", ("line",), *placers)
    step()
    file_id = con.execute(
        "insert into source_files (kind, path, sha256, rows_loaded, rows_quarantined, source) "
        "values (?, ?, ?, 0, 0, ?) returning file_id", [KIND, raw.label, raw.sha256, agency],
    ).fetchall()[0][0]
    columns = ", ".join(RECORD_COLUMNS)
    loaded = con.execute(f"""insert into partner_records (file_id, dataset, agency, {columns})
        select $file_id, $dataset, $agency, {columns} from _pd_good order by line""",
                         {"file_id": file_id, "dataset": profile.name, "agency": agency}).fetchall()[0][0]
    bad = _quarantine(con, raw, cols, profile, file_id)
    stats = con.execute("""select min(period), max(period), count(*) filter (where lad_code is null),
        count(*) filter (where placed_by = 'local authority'), count(*) filter (where suppressed)
        from partner_records where file_id = ?""", [file_id]).fetchall()[0]
    con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                [loaded, bad, file_id])
    con.execute("insert into partner_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [file_id, profile.name, agency, profile.title, profile.origin, profile_json(profile),
                 sheet or profile.sheet, stats[0], stats[1], stats[2], stats[3], stats[4]])
    _replace_earlier(con, profile, agency, file_id, raw.label, summary, replace_other_agency)
    step()
    summary.files_loaded += 1
    summary.rows_loaded += loaded
    summary.rows_quarantined += bad
    summary.rows_suppressed += stats[4]
    for placed, n in con.execute("select coalesce(placed_by, 'not placed'), count(*) from partner_records "
                                 "where file_id = ? group by 1", [file_id]).fetchall():
        summary.placed_by[placed] = summary.placed_by.get(placed, 0) + n
    summary.periods = sorted({*summary.periods, *(r[0] for r in con.execute(
        "select distinct period from partner_records where file_id = ?", [file_id]).fetchall())})
    for category, n in con.execute("select category, count(*) from partner_records where file_id = ? "
                                   "group by 1", [file_id]).fetchall():
        summary.categories[category] = summary.categories.get(category, 0) + n
    summary.categories = dict(sorted(summary.categories.items(), key=lambda kv: (-kv[1], kv[0])))


def _place_earlier(con: duckdb.DuckDBPyConnection, placers: tuple, summary: PartnerSummary) -> None:
    """Place rows of earlier loads that were in no area, with what is loaded now."""
    before = con.execute("select count(*) from partner_records where lad_code is null").fetchall()[0][0]
    if not before:
        return
    con.execute("create or replace temp table _pd_earlier as select file_id, line, lsoa_code, ward_code, "
                "lad_code, lad_given, ward_given, postcode, longitude, latitude, placed_by, unplaced_reason, "
                "cast(null as varchar) as named_lad from partner_records where lad_code is null")
    con.execute("update _pd_earlier set lsoa_code = null where placed_by = 'point in LSOA'")
    con.execute("update _pd_earlier set ward_code = null where placed_by = 'point in ward'")
    con.execute("update _pd_earlier set lsoa_code = null where placed_by = 'postcode'")
    place_rows(con, "_pd_earlier", ("file_id", "line"), *placers)
    con.execute("""update partner_records r set lsoa_code = e.lsoa_code, ward_code = e.ward_code,
        lad_code = e.lad_code, placed_by = e.placed_by, unplaced_reason = e.unplaced_reason
        from _pd_earlier e where r.file_id = e.file_id and r.line = e.line""")
    after = con.execute("select count(*) from partner_records where lad_code is null").fetchall()[0][0]
    summary.rows_placed_earlier = before - after
    con.execute("drop table _pd_earlier")


def ingest_partner(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    profile: Profile,
    agency: str | None = None,
    sheet: str | None = None,
    authority: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    replace_other_agency: bool = False,
) -> PartnerSummary:
    """Load partner files of one dataset, in the order given, in one transaction.

    ``agency`` names the partner that supplied them (default: the profile's); a later file of
    the same dataset replaces the earlier rows of the periods and areas it covers. When those
    rows came from another agency the load is refused naming it, unless ``replace_other_agency``
    (then ``summary.replaced_from`` says whose rows went).
    ``authority`` (a code or a name) places rows the file does not place itself, for a file that
    covers one local authority.
    """
    agency = " ".join((agency or profile.agency).split())
    if not agency:
        raise ValueError("an agency (the partner the data comes from) is required")
    summary = PartnerSummary(dataset=profile.name, agency=agency)
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputFileError(InputProblem(str(path), None, None, None, "an existing CSV or Excel file"))
    limit = (today or date.today()) + timedelta(days=1)
    steps = 4 * len(files) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, steps)

    with transaction(con):
        ensure_partner_tables(con)
        placers = (LsoaPlacer(con), WardPlacer(con))
        # place earlier rows first, so that a re-issue replaces them by the area they are in now
        _place_earlier(con, placers, summary)
        step()
        for path in files:
            before = done
            _ingest_one(con, path, profile, agency, sheet, authority, limit, placers, summary, step,
                        replace_other_agency)
            if done < before + 4:  # a file already loaded takes one step: say it is done
                done = before + 3
                step()
        for reason, n in con.execute("""select unplaced_reason, count(*) from partner_records
                where dataset = ? and lad_code is null group by 1 order by 2 desc""",
                                     [profile.name]).fetchall():
            summary.unplaced_reasons[reason] = n
        summary.rows_unplaced = sum(summary.unplaced_reasons.values())
        summary.rows_authority_only = summary.placed_by.get("local authority", 0)
        for name in ("_pd_parsed", "_pd_good"):
            con.execute(f"drop table if exists {name}")
    return summary


__all__ = ["KIND", "PartnerSummary", "ensure_partner_tables", "has_partner_tables", "ingest_partner",
           "lad_key", "match_columns", "read_any", "read_excel_file", "resolve_authority"]
