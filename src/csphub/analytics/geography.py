"""ONS geography: LSOA -> ward -> local authority lookups, populations and boundaries.

Columns are recognised by ONS naming of any year (``LSOA11CD``, ``LSOA21CD``, ``WD19CD``..``WD25CD``,
``LAD22CD``, ``LTLA22CD``...), a UTF-8 byte-order mark is tolerated, and several vintages live
side by side: loading the same vintage again replaces it.

Examples:
    >>> detect_columns(["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"]).kind
    'ward_lookup'
    >>> detect_columns(["LSOA11CD", "LSOA21CD", "CHGIND", "LAD22CD"]).kind
    'lsoa_bridge'
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import shapely
from shapely.geometry import shape

from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

LSOA_COLUMN = re.compile(r"^LSOA(\d\d)CD$", re.IGNORECASE)
WARD_COLUMN = re.compile(r"^WD(\d\d)CD$", re.IGNORECASE)
LAD_COLUMN = re.compile(r"^(?:LAD|LTLA)(\d\d)CD$", re.IGNORECASE)


@dataclass
class LoadSummary:
    """What one geography load did."""

    file: str
    kind: str
    rows: int
    detail: str = ""
    quarantined: int = 0

    def __str__(self) -> str:
        extra = f", {self.quarantined} quarantined" if self.quarantined else ""
        return f"{Path(self.file).name}: {self.rows:,} {self.kind} rows ({self.detail}){extra}"


@dataclass
class LookupColumns:
    """Which columns of an ONS lookup file hold what."""

    kind: str  # 'ward_lookup' or 'lsoa_bridge'
    lsoa: list[tuple[str, str]] = field(default_factory=list)  # (column, vintage '2011'/'2021')
    ward: tuple[str, str] | None = None  # (column, vintage '2023')
    lad: tuple[str, str] | None = None


def _vintage(two_digits: str) -> str:
    return f"20{two_digits}"


def detect_columns(header: list[str]) -> LookupColumns:
    """Recognise an ONS lookup's columns; raise ValueError saying what was expected."""
    lsoa = [(c, _vintage(m.group(1))) for c in header if (m := LSOA_COLUMN.match(c))]
    ward = [(c, _vintage(m.group(1))) for c in header if (m := WARD_COLUMN.match(c))]
    lad = [(c, _vintage(m.group(1))) for c in header if (m := LAD_COLUMN.match(c))]
    if len(lsoa) == 2 and not ward:
        return LookupColumns("lsoa_bridge", sorted(lsoa, key=lambda x: x[1]), None,
                             lad[0] if lad else None)
    if len(lsoa) == 1 and ward and lad:
        return LookupColumns("ward_lookup", lsoa, ward[0], lad[0])
    raise ValueError(
        "an ONS lookup with LSOA11CD or LSOA21CD, a ward code column (WDyyCD) and a local "
        "authority code column (LADyyCD or LTLAyyCD); or the LSOA11CD + LSOA21CD bridge"
    )


def _name_column(code_column: str, header: list[str]) -> str | None:
    wanted = code_column[:-2] + "NM"
    return next((c for c in header if c.upper() == wanted.upper()), None)


def _read_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle))
    except UnicodeDecodeError as e:
        raise InputFileError(InputProblem(str(path), 1, None, None, "a UTF-8 CSV file")) from e
    except StopIteration as e:
        raise InputFileError(InputProblem(str(path), 1, None, None, "a header row")) from e


def _read_varchar_csv(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Read a CSV into a temp table of text columns; return the table name."""
    try:
        con.execute(
            "create or replace temp table _geo_raw as select * from read_csv(?, header=true, "
            "all_varchar=true, auto_detect=true)",
            [str(path)],
        )
    except duckdb.Error as e:
        raise InputFileError(InputProblem(str(path), None, None, None, f"a readable CSV ({e})")) from e
    return "_geo_raw"


def load_lookup(con: duckdb.DuckDBPyConnection, path: Path | str) -> LoadSummary:
    """Load an ONS best-fit LSOA -> ward -> LAD lookup, or the LSOA 2011 -> 2021 lookup."""
    path = Path(path)
    header = _read_header(path)
    try:
        columns = detect_columns(header)
    except ValueError as e:
        raise InputFileError(
            InputProblem(str(path), 1, "header", ",".join(header), str(e))
        ) from e
    with transaction(con):
        table = _read_varchar_csv(con, path)
        if columns.kind == "lsoa_bridge":
            summary = _load_bridge(con, path, header, columns, table)
        else:
            summary = _load_ward_lookup(con, path, header, columns, table)
        con.execute(f"drop table {table}")
    return summary


def _q(column: str | None) -> str:
    return "NULL" if column is None else '"' + column.replace('"', '""') + '"'


def _load_ward_lookup(con, path: Path, header: list[str], columns: LookupColumns, table: str):
    (lsoa_col, lsoa_vintage), = columns.lsoa
    ward_col, ward_vintage = columns.ward  # type: ignore[misc]
    lad_col, lad_vintage = columns.lad  # type: ignore[misc]
    # Replace only the LSOAs this file covers: a partnership's own extract must not wipe
    # other areas loaded from another file of the same vintage.
    con.execute(
        f"""delete from lsoa_ward_lookup where lsoa_vintage = ? and ward_vintage = ?
        and lsoa_code in (select trim({_q(lsoa_col)}) from {table})""",
        [lsoa_vintage, ward_vintage],
    )
    con.execute(
        f"""insert into lsoa_ward_lookup
        select distinct on (trim({_q(lsoa_col)}))
            trim({_q(lsoa_col)}), {_q(_name_column(lsoa_col, header))}, ?,
            trim({_q(ward_col)}), {_q(_name_column(ward_col, header))}, ?,
            trim({_q(lad_col)}), {_q(_name_column(lad_col, header))}, ?, ?
        from {table}
        where {_q(lsoa_col)} is not null and {_q(ward_col)} is not null and {_q(lad_col)} is not null""",
        [lsoa_vintage, ward_vintage, lad_vintage, str(path)],
    )
    rows = con.execute(
        "select count(*) from lsoa_ward_lookup where lsoa_vintage = ? and ward_vintage = ?",
        [lsoa_vintage, ward_vintage],
    ).fetchall()[0][0]
    return LoadSummary(str(path), "LSOA->ward", rows,
                       f"LSOA {lsoa_vintage} to wards of {ward_vintage}")


def _load_bridge(con, path: Path, header: list[str], columns: LookupColumns, table: str):
    (old_col, _), (new_col, _) = columns.lsoa
    change = next((c for c in header if c.upper() == "CHGIND"), None)
    lad_col = columns.lad[0] if columns.lad else None
    con.execute("delete from lsoa11_lsoa21")
    con.execute(
        f"""insert into lsoa11_lsoa21
        select distinct on (trim({_q(old_col)}), trim({_q(new_col)}))
            trim({_q(old_col)}), {_q(_name_column(old_col, header))},
            trim({_q(new_col)}), {_q(_name_column(new_col, header))},
            {_q(change)}, {_q(lad_col)}, {_q(_name_column(lad_col, header) if lad_col else None)}
        from {table} where {_q(old_col)} is not null and {_q(new_col)} is not null"""
    )
    if change is None:  # derive U/S/M/X from the pairs themselves
        con.execute(
            """update lsoa11_lsoa21 b set change_code = case
                when o.n_new = 1 and n.n_old = 1 then 'U'
                when o.n_new > 1 and n.n_old = 1 then 'S'
                when o.n_new = 1 and n.n_old > 1 then 'M' else 'X' end
            from (select lsoa11_code, count(*) n_new from lsoa11_lsoa21 group by 1) o,
                 (select lsoa21_code, count(*) n_old from lsoa11_lsoa21 group by 1) n
            where b.lsoa11_code = o.lsoa11_code and b.lsoa21_code = n.lsoa21_code"""
        )
    rows = con.execute("select count(*) from lsoa11_lsoa21").fetchall()[0][0]
    return LoadSummary(str(path), "LSOA 2011->2021", rows, "bridge between LSOA vintages")


POPULATION_CODE = re.compile(r"lsoa.*(cd|code)|^code$|^geography code$", re.IGNORECASE)
POPULATION_VALUE = re.compile(r"pop|^all ages$|^total$|^count$|^value$", re.IGNORECASE)


def load_population(
    con: duckdb.DuckDBPyConnection, path: Path | str, year: int, source: str | None = None
) -> LoadSummary:
    """Load population per LSOA for a year (a code column and a population column).

    Rows whose code is not an LSOA code or whose population is not a non-negative number go to
    quarantine; loading the same LSOAs and year again replaces them.
    """
    path = Path(path)
    header = _read_header(path)
    code_col = next((c for c in header if POPULATION_CODE.search(c)), None)
    value_col = next((c for c in header if POPULATION_VALUE.search(c) and c != code_col), None)
    if code_col is None or value_col is None:
        raise InputFileError(InputProblem(
            str(path), 1, "header", ",".join(header),
            "an LSOA code column (e.g. lsoacd, LSOA21CD) and a population column (e.g. population)",
        ))
    with transaction(con):
        table = _read_varchar_csv(con, path)
        valid = (f"regexp_full_match(trim({_q(code_col)}), '[EW]01[0-9]{{6}}') and "
                 f"try_cast(replace(trim({_q(value_col)}), ',', '') as double) >= 0")
        con.execute(
            f"""insert into quarantine (file, line, field, value, reason, raw_row)
            select ?, (row_number() over ()) + 1,
                case when not coalesce(regexp_full_match(trim({_q(code_col)}), '[EW]01[0-9]{{6}}'), false)
                     then ? else ? end,
                case when not coalesce(regexp_full_match(trim({_q(code_col)}), '[EW]01[0-9]{{6}}'), false)
                     then {_q(code_col)} else {_q(value_col)} end,
                'population row needs an LSOA code (E01/W01 + 6 digits) and a number >= 0',
                to_json({table})::varchar
            from {table} where not coalesce({valid}, false)""",
            [str(path), code_col, value_col],
        )
        bad = con.execute(f"select count(*) from {table} where not coalesce({valid}, false)").fetchall()[0][0]
        con.execute(f"delete from population where year = ? and lsoa_code in "
                    f"(select trim({_q(code_col)}) from {table})", [year])
        con.execute(
            f"""insert into population
            select trim({_q(code_col)}), ?, sum(try_cast(replace(trim({_q(value_col)}), ',', '') as double)), ?
            from {table} where {valid} group by 1""",
            [year, source or path.name],
        )
        rows = con.execute("select count(*) from population where year = ?", [year]).fetchall()[0][0]
        con.execute(f"drop table {table}")
    return LoadSummary(str(path), "population", rows, f"year {year}", quarantined=bad)


def _boundary_kind(properties: dict) -> tuple[str, str, str, str | None, str | None]:
    """(kind, vintage, code key, name key, LAD key) from a feature's property names."""
    keys = list(properties)
    for pattern, kind in ((LSOA_COLUMN, "lsoa"), (WARD_COLUMN, "ward")):
        for key in keys:
            if m := pattern.match(key):
                name_key = _name_column(key, keys)
                lad_key = next((k for k in keys if LAD_COLUMN.match(k)), None) or (
                    "LADCD_ACTIVE" if "LADCD_ACTIVE" in keys else None
                )
                return kind, _vintage(m.group(1)), key, name_key, lad_key
    raise ValueError("features with an LSOAyyCD or WDyyCD property")


def load_boundaries(con: duckdb.DuckDBPyConnection, path: Path | str) -> LoadSummary:
    """Load LSOA or ward boundaries from GeoJSON (WGS84); the kind and vintage come from the
    property names (``LSOA21CD`` -> LSOA 2021, ``WD25CD`` -> wards of 2025)."""
    path = Path(path)
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
        features = collection["features"]
        kind, vintage, code_key, name_key, lad_key = _boundary_kind(features[0]["properties"])
    except (json.JSONDecodeError, KeyError, IndexError, UnicodeDecodeError, ValueError) as e:
        raise InputFileError(InputProblem(
            str(path), None, None, None, f"a GeoJSON FeatureCollection of LSOA or ward polygons ({e})"
        )) from e
    rows = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as e:
            raise InputFileError(InputProblem(
                str(path), None, f"features[{number - 1}].geometry", None, f"a valid polygon ({e})"
            )) from e
        rows.append([kind, str(props[code_key]).strip(), props.get(name_key) if name_key else None,
                     vintage, props.get(lad_key) if lad_key else None, shapely.to_wkb(geometry),
                     str(path)])
    with transaction(con):
        con.executemany("delete from boundaries where kind = ? and code = ? and vintage = ?",
                        [[r[0], r[1], r[3]] for r in rows])
        con.executemany("insert into boundaries values (?, ?, ?, ?, ?, ?, ?)", rows)
    return LoadSummary(str(path), f"{kind} boundary", len(rows), f"vintage {vintage}")


def ward_for_point(
    con: duckdb.DuckDBPyConnection, longitude: float, latitude: float, vintage: str | None = None
) -> tuple[str, str] | None:
    """The ward (code, name) whose boundary contains a point, from the newest (or given) vintage."""
    vintage = vintage or (con.execute(
        "select max(vintage) from boundaries where kind = 'ward'").fetchone() or [None])[0]
    if vintage is None:
        return None
    point = shapely.Point(longitude, latitude)
    for code, name, wkb in con.execute(
        "select code, name, geometry_wkb from boundaries where kind = 'ward' and vintage = ?",
        [vintage],
    ).fetchall():
        if shapely.from_wkb(wkb).covers(point):
            return code, name
    return None
