"""Postcodes: the ONS Postcode Directory (ONSPD) or the National Statistics Postcode Lookup (NSPL).

One row per postcode: its centre (latitude/longitude), LSOA 2011 and/or 2021, electoral ward and
local authority, as the directory gives them. Both spellings of the columns are read: the older
lower-case ONSPD/NSPL names (``pcds``, ``lsoa11``, ``lsoa21``, ``osward``, ``oslaua``, ``lat``,
``long``) and the newer ONS ones (``PCDS``, ``LSOA21CD``, ``WD25CD``, ``LAD25CD``, ``LAT``,
``LONG``). A row whose postcode, coordinates or codes are malformed goes to ``quarantine`` with
its file, line, field and value; a second row for the same postcode is quarantined as a
duplicate of the first. Loading a file again replaces what it loaded before (its postcodes and its
quarantine rows), and a postcode loaded from another file, all in one transaction. Ward names are not in the directory: they come from
the ward lookup or boundaries loaded (``csphub geography load``, ``csphub boundaries load``).

Examples:
    >>> normalise_postcode(" me71aa ")
    'ME7 1AA'
    >>> normalise_postcode("not a postcode") is None
    True
    >>> detect_columns(["pcd", "pcds", "lsoa11", "lsoa21", "osward", "oslaua", "lat", "long"]).ward
    'osward'
    >>> detect_columns(["PCD7", "PCDS", "LSOA21CD", "WD25CD", "LAD25CD", "LAT", "LONG"]).ward_vintage
    '2025'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from csphub.analytics.geography import LoadSummary, _q, _read_header
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

#: A UK postcode once its spaces are taken out: outward code (area, district) and inward code.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
POSTCODE_SQL = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
#: A GSS code (E01..., W05..., S01...); the directory's pseudo codes (E99999999) mean "none".
CODE_SQL = "[A-Z][0-9]{8}"

POSTCODES_TABLE = """CREATE TABLE IF NOT EXISTS postcodes (
        postcode VARCHAR PRIMARY KEY,    -- normalised: upper case, one space, e.g. 'ME7 1AA'
        latitude DOUBLE,                 -- WGS84 centre; NULL when the directory has no grid reference
        longitude DOUBLE,
        lsoa11_code VARCHAR,
        lsoa21_code VARCHAR,
        ward_code VARCHAR,
        ward_vintage VARCHAR,            -- '2025' from a WD25CD column; NULL from ONSPD's osward
        lad_code VARCHAR,
        terminated VARCHAR,              -- the directory's doterm (YYYYMM) for a postcode no longer used
        source_file VARCHAR NOT NULL,
        line INTEGER NOT NULL            -- the line of the file it came from (the header is line 1)
    )"""


def normalise_postcode(value: str | None) -> str | None:
    """Upper case with one space before the inward code; None if it is not a UK postcode."""
    if value is None:
        return None
    match = POSTCODE.match(re.sub(r"\s+", "", value).upper())
    return f"{match.group(1)} {match.group(2)}" if match else None


@dataclass(frozen=True)
class DirectoryColumns:
    """Which columns of a postcode directory hold what (None: the file has no such column)."""

    postcode: str
    lsoa11: str | None
    lsoa21: str | None
    ward: str | None
    ward_vintage: str | None
    lad: str | None
    latitude: str | None
    longitude: str | None
    terminated: str | None


def _first(header: list[str], *patterns: str) -> tuple[str, re.Match[str]] | None:
    for pattern in patterns:
        for column in header:
            if match := re.fullmatch(pattern, column.strip(), re.IGNORECASE):
                return column, match
    return None


def detect_columns(header: list[str]) -> DirectoryColumns:
    """Recognise an ONSPD or NSPL header; raise ValueError saying what was expected."""
    postcode = _first(header, "pcds", "pcd", "pcd2", "pcd7", "pcd8")
    lsoa11 = _first(header, "lsoa11", "lsoa11cd")
    lsoa21 = _first(header, "lsoa21", "lsoa21cd")
    ward = _first(header, "osward", "ward", r"wd(\d\d)cd")
    lad = _first(header, "oslaua", "laua", r"lad(\d\d)cd")
    latitude, longitude = _first(header, "lat"), _first(header, "long")
    if postcode is None or not (lsoa11 or lsoa21 or ward or latitude):
        raise ValueError("an ONS Postcode Directory or NSPL header: a postcode column (pcds or pcd) and "
                         "lsoa11/lsoa11cd, lsoa21/lsoa21cd, osward/wdNNcd or lat/long")
    if (latitude is None) != (longitude is None):
        raise ValueError("both lat and long, or neither")
    ward_vintage = f"20{ward[1].group(1)}" if ward and ward[1].groups() else None
    terminated = _first(header, "doterm")
    return DirectoryColumns(postcode[0], lsoa11 and lsoa11[0], lsoa21 and lsoa21[0], ward and ward[0],
                            ward_vintage, lad and lad[0], latitude and latitude[0], longitude and longitude[0],
                            terminated and terminated[0])


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(POSTCODES_TABLE)


def _code(column: str | None) -> str:
    """A code column, trimmed, with blanks and ONS pseudo codes (x99999999) as NULL."""
    if column is None:
        return "NULL"
    value = f"nullif(trim({_q(column)}), '')"
    return f"case when regexp_full_match({value}, '[A-Z]9{{8}}') then NULL else {value} end"


def _problem_sql(columns: DirectoryColumns) -> tuple[str, list[str], list[str]]:
    """(SQL numbering the first check a row fails, or NULL; the fields; the reasons)."""
    checks: list[tuple[str, str, str]] = [(
        f"not coalesce(regexp_full_match(upper(regexp_replace({_q(columns.postcode)}, '\\s', '', 'g')), "
        f"'{POSTCODE_SQL}'), false)",
        columns.postcode, "a UK postcode, e.g. ME7 1AA")]
    if columns.latitude and columns.longitude:
        lat, lon = _q(columns.latitude), _q(columns.longitude)
        checks += [
            (f"nullif(trim({lat}), '') is not null and not coalesce(try_cast(trim({lat}) as double) "
             f"between 49 and 61 or try_cast(trim({lat}) as double) = 99.999999, false)",
             columns.latitude, "a latitude between 49 and 61 (or 99.999999: no grid reference)"),
            (f"nullif(trim({lon}), '') is not null and not coalesce(try_cast(trim({lon}) as double) "
             f"between -9 and 3, false)",
             columns.longitude, "a longitude between -9 and 3"),
        ]
    for column in (columns.lsoa11, columns.lsoa21, columns.ward, columns.lad):
        if column:
            checks.append((f"{_code(column)} is not null and not regexp_full_match({_code(column)}, '{CODE_SQL}')",
                           column, "an ONS code: a letter and 8 digits, e.g. E01016016"))
    case = "case " + " ".join(f"when {sql} then {i}" for i, (sql, _, _) in enumerate(checks, 1)) + " end"
    return case, [c[1] for c in checks], [c[2] for c in checks]


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def load_postcodes(con: duckdb.DuckDBPyConnection, path: Path | str) -> LoadSummary:
    """Load an ONSPD or NSPL CSV (the whole UK, one region or a partnership's extract).

    What this file loaded before, and the same postcodes from other files, are replaced; other
    postcodes stay.
    """
    path = Path(path)
    header = _read_header(path)
    try:
        columns = detect_columns(header)
    except ValueError as e:
        raise InputFileError(InputProblem(str(path), 1, "header", ",".join(header), str(e))) from e
    problem, fields, reasons = _problem_sql(columns)
    postcode = f"upper(regexp_replace({_q(columns.postcode)}, '\\s', '', 'g'))"
    normalised = f"substr({postcode}, 1, length({postcode}) - 3) || ' ' || right({postcode}, 3)"
    lat, lon = _q(columns.latitude), _q(columns.longitude)
    has_point = f"try_cast(trim({lat}) as double) <= 61" if columns.latitude else "false"
    with transaction(con):
        ensure_table(con)
        try:
            con.execute(
                """create or replace temp table _postcodes_raw as
                select *, ordinality + 1 as _line from read_csv(?, header=true, all_varchar=true,
                    auto_detect=true) with ordinality""", [str(path)])
        except duckdb.Error as e:
            raise InputFileError(InputProblem(str(path), None, None, None, f"a readable CSV ({e})")) from e
        con.execute(
            f"""create or replace temp table _postcodes_checked as
            select *, {problem} as _problem,
                case when {problem} is null then {normalised} end as _postcode
            from _postcodes_raw""")
        con.execute("""create or replace temp table _postcodes_checked as
            select *, case when _postcode is not null then min(_line) over (partition by _postcode) end as _first
            from _postcodes_checked""")
        con.execute("delete from quarantine where file = ?", [str(path)])
        value = "case _problem " + " ".join(
            f"when {i} then {_q(f)}" for i, f in enumerate(fields, 1)) + " end"
        raw = "to_json(struct_pack(" + ", ".join(f"{_q(h)} := {_q(h)}" for h in header) + "))::varchar"
        quarantined = con.execute(
            f"""insert into quarantine (file, line, field, value, reason, raw_row)
            select $file, _line, {_list(fields)}[_problem], {value}, {_list(reasons)}[_problem], {raw}
            from _postcodes_checked where _problem is not null
            union all
            select $file, _line, $postcode_column, {_q(columns.postcode)}, 'duplicate of line ' || _first, {raw}
            from _postcodes_checked where _first < _line""",
            {"file": str(path), "postcode_column": columns.postcode}).fetchall()[0][0]
        con.execute("delete from postcodes where source_file = ? or postcode in (select _postcode "
                    "from _postcodes_checked where _postcode is not null)", [str(path)])
        loaded = con.execute(
            f"""insert into postcodes
            select _postcode,
                case when {has_point} then try_cast(trim({lat}) as double) end,
                case when {has_point} then try_cast(trim({lon}) as double) end,
                {_code(columns.lsoa11)}, {_code(columns.lsoa21)}, {_code(columns.ward)},
                {"NULL" if columns.ward_vintage is None else f"'{columns.ward_vintage}'"},
                {_code(columns.lad)}, {"NULL" if columns.terminated is None else
                                       f"nullif(trim({_q(columns.terminated)}), '')"},
                $file, _line
            from _postcodes_checked where _problem is null and _first = _line""",
            {"file": str(path)}).fetchall()[0][0]
        con.execute("drop table _postcodes_checked")
        con.execute("drop table _postcodes_raw")
    what = ", ".join(name for name, column in (("LSOA 2011", columns.lsoa11), ("LSOA 2021", columns.lsoa21),
                                               ("ward", columns.ward), ("lat/long", columns.latitude)) if column)
    return LoadSummary(str(path), "postcode", loaded, what, quarantined=quarantined)


@dataclass(frozen=True)
class PostcodePlace:
    """Where a postcode is, as the loaded directory says."""

    postcode: str
    latitude: float | None
    longitude: float | None
    lsoa11_code: str
    lsoa21_code: str
    ward_code: str
    ward_name: str
    terminated: str


def has_directory(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a postcode directory has been loaded into this warehouse."""
    found = con.execute("select count(*) from information_schema.tables where table_name = 'postcodes'").fetchone()
    if not found or not found[0]:
        return False
    rows = con.execute("select count(*) from (select 1 from postcodes limit 1)").fetchone()
    return bool(rows and rows[0])


def _ward_name(con: duckdb.DuckDBPyConnection, ward_code: str) -> str:
    row = con.execute(
        """select name from (
            select ward_name as name, ward_vintage as vintage from lsoa_ward_lookup where ward_code = $code
            union all
            select name, vintage from boundaries where kind = 'ward' and code = $code)
        where name is not null order by vintage desc limit 1""", {"code": ward_code}).fetchone()
    return str(row[0]) if row else ""


def _ward_of_lsoa(con: duckdb.DuckDBPyConnection, lsoa21: str, lsoa11: str) -> str:
    """The ward of the newest loaded lookup for the LSOA, when the directory gave no ward."""
    row = con.execute(
        """select ward_code from lsoa_ward_lookup
        where (lsoa_vintage = '2021' and lsoa_code = $lsoa21) or (lsoa_vintage = '2011' and lsoa_code = $lsoa11)
        order by ward_vintage desc, lsoa_vintage desc limit 1""", {"lsoa21": lsoa21, "lsoa11": lsoa11}).fetchone()
    return str(row[0]) if row else ""


def lookup_postcode(con: duckdb.DuckDBPyConnection, postcode: str) -> PostcodePlace | None:
    """The postcode's place (any spacing or case), or None if the loaded directory lacks it.

    The ward is the directory's; when it gives none, the ward lookup's for the LSOA. Its name
    comes from the ward lookup or boundaries loaded (blank when neither has it)."""
    normalised = normalise_postcode(postcode)
    if normalised is None or not has_directory(con):
        return None
    row = con.execute(
        """select postcode, latitude, longitude, coalesce(lsoa11_code, ''), coalesce(lsoa21_code, ''),
                  coalesce(ward_code, ''), coalesce(terminated, '')
        from postcodes where postcode = ?""", [normalised]).fetchone()
    if row is None:
        return None
    ward_code = row[5] or _ward_of_lsoa(con, row[4], row[3])
    return PostcodePlace(row[0], row[1], row[2], row[3], row[4], ward_code,
                         _ward_name(con, ward_code) if ward_code else "", row[6])
