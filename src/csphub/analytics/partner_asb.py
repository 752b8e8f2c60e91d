"""Load partner ASB incident extracts: a council ASB team's or police command and control records.

police.uk's ASB rows carry no type; a partner's own records do ("Noise", "Vehicle nuisance",
"Rowdy or inconsiderate behaviour"...). This loader reads such extracts as CSV, recognising
columns flexibly (see :data:`HEADER_NAMES`; ``columns`` overrides any of them):

- the **date** (or date and time) of the incident, day first (``31/01/2024``) or ISO
  (``2024-01-31``), with an optional time, or a separate **time** column;
- the **incident type**, kept as recorded (known types in one standard spelling); an empty
  type is kept as ``Not recorded``; the national **category** (Personal, Nuisance,
  Environmental) when it is a column of its own;
- the **location**: an LSOA code, or an easting and northing (British National Grid, converted
  to WGS84 with pyproj), or a latitude and longitude. A point is placed in the LSOA whose
  boundary (``csphub boundaries load``) contains it.

The guarantees are the police.uk loader's: every row is checked, set-wise in DuckDB, and a
failing row goes to ``quarantine`` with file, line, field, value and reason while the rest
load; the same content (sha256) is never loaded twice; a re-issued file for the same source
replaces the earlier one (the newest file is authoritative for the months it covers); the
whole call is one transaction, so a failure anywhere leaves the warehouse as it was.

Examples:
    >>> normalise_header(" Date Reported ")
    'date reported'
    >>> canonical_type("ROWDY / inconsiderate behaviour")
    'Rowdy or inconsiderate behaviour'
    >>> canonical_type("Drug dealing")
    'Drug dealing'
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from csphub.analytics.police_uk import LATITUDE_RANGE, LONGITUDE_RANGE, Check
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

KIND = "partner-asb"
NOT_RECORDED = "Not recorded"
NATIONAL_CATEGORIES = ("Personal", "Nuisance", "Environmental")

#: The fields a partner file may carry, and the column names recognised for each, most
#: specific first (compared after :func:`normalise_header`: lower case, punctuation as spaces).
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "date": ("incident date time", "incident datetime", "incident date", "date of incident",
             "occurred date", "date occurred", "occurrence date", "event date", "incident start date",
             "start date", "date time", "datetime", "date", "reported date", "date reported",
             "report date", "received date", "date received", "call date", "logged date",
             "date logged", "created date", "date created", "created", "opened date", "date opened"),
    "time": ("incident time", "time of incident", "occurred time", "time occurred", "event time",
             "time", "reported time", "time reported", "call time", "logged time", "time logged"),
    "type": ("incident type", "asb type", "type of asb", "type of incident", "asb incident type",
             "incident sub type", "incident subtype", "asb sub type", "asb subtype", "sub type",
             "subtype", "type", "incident category", "asb category", "category",
             "asb sub category", "sub category", "subcategory", "nature of incident", "nature",
             "problem type", "problem", "call type", "incident classification", "classification"),
    "category": ("national category", "national asb category", "asb national category",
                 "nsir category", "asb category", "category", "asb class", "asb classification",
                 "classification", "class"),
    "lsoa": ("lsoa21cd", "lsoa 2021 code", "lsoa code 2021", "lsoa11cd", "lsoa 2011 code",
             "lsoa code 2011", "lsoa code", "lsoa cd", "lsoa21", "lsoa11", "lsoa",
             "lower layer super output area", "lower super output area"),
    "easting": ("easting", "eastings", "grid easting", "os easting", "x coordinate", "x coord", "map x",
                "x"),
    "northing": ("northing", "northings", "grid northing", "os northing", "y coordinate", "y coord",
                 "map y", "y"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "long", "lon", "lng"),
    "reference": ("incident reference", "incident ref", "incident number", "incident no",
                  "incident id", "reference", "ref", "urn", "cad number", "cad ref", "log number",
                  "case reference", "case ref", "case number", "occurrence number", "id"),
}
FIELDS = tuple(HEADER_NAMES)

#: Types recorded under many spellings, in one standard spelling (the pre-2012 national
#: incident categories and the types partnerships commonly record). Others are kept as given.
KNOWN_TYPES: dict[str, tuple[str, ...]] = {
    "Rowdy or inconsiderate behaviour": ("rowdy inconsiderate behaviour", "rowdy nuisance behaviour",
                                         "rowdy or nuisance behaviour", "rowdy behaviour"),
    "Vehicle nuisance": ("vehicle nuisance inappropriate vehicle use",
                         "vehicle nuisance or inappropriate vehicle use", "nuisance vehicles"),
    "Neighbour nuisance": ("neighbour nuisance", "nuisance neighbours"),
    "Noise": ("noise", "noise nuisance"),
    "Street drinking": ("street drinking",),
    "Youth related": ("youth related", "youths", "youth nuisance", "youth"),
    "Littering/drugs paraphernalia": ("littering drugs paraphernalia", "littering drug paraphernalia",
                                      "littering drugs", "drugs paraphernalia"),
    "Begging": ("begging", "begging vagrancy", "vagrancy"),
    "Fireworks": ("fireworks", "firework"),
    "Animal problems": ("animal problems", "animal problem", "animals"),
    "Abandoned vehicles": ("abandoned vehicles", "abandoned vehicle"),
    "Trespass": ("trespass",),
    "Nuisance calls": ("nuisance calls",),
    "Hoax calls": ("hoax calls",),
    "Malicious communications": ("malicious communications",),
    "Prostitution related activity": ("prostitution related activity", "prostitution"),
    "Graffiti": ("graffiti",),
    "Fly-tipping": ("fly tipping", "flytipping"),
    "Drug related": ("drug related", "drugs related"),
}


def _type_key(text: str) -> str:
    """A type's spelling-free key: lower case, words only, without 'and' and 'or'."""
    words = re.sub(r"[^a-z0-9]+", " ", text.casefold().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in ("and", "or"))


_TYPE_KEYS = {_type_key(alias): name for name, aliases in KNOWN_TYPES.items()
              for alias in (name, *aliases)}

#: Date (and time) layouts tried, in order, after ISO (2024-01-31) and day-first dates with a
#: four-digit year (31/01/2024, 31-01-2024, 31.01.2024), which are read by DuckDB's own parser:
#: two-digit years (31/01/24 is 2024, never the year 24) and month names (31 Jan 2024).
DATE_FORMATS: tuple[str, ...] = tuple(
    f"{d}{t}" for d in ("%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d %b %y", "%d-%b-%y", "%d %b %Y",
                        "%d-%b-%Y", "%d %B %Y")
    for t in (" %H:%M:%S", " %H:%M", "")
)
EARLIEST = date(1990, 1, 1)
EASTING_RANGE = (0, 700_000)
NORTHING_RANGE = (0, 1_300_000)
DELIMITERS = (",", ";", "\t", "|")


def normalise_header(name: str) -> str:
    """Lower case, punctuation and runs of spaces as one space: ' Date_Reported ' -> 'date reported'."""
    return re.sub(r"[^a-z0-9]+", " ", name.replace("\ufeff", "").casefold()).strip()


def canonical_type(text: str | None) -> str:
    """The standard spelling of a known type; others as given (trimmed); empty -> 'Not recorded'."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return NOT_RECORDED
    return _TYPE_KEYS.get(_type_key(cleaned), cleaned)


@dataclass
class PartnerAsbSummary:
    """What one partner ASB load did."""

    source: str
    files_loaded: int = 0
    files_skipped: int = 0
    files_replaced: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    rows_unplaced: int = 0  # loaded with coordinates in no LSOA boundary loaded
    rows_placed_earlier: int = 0  # earlier unplaced rows placed by this load
    months: list[str] = field(default_factory=list)
    types: dict[str, int] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> field -> header
    encodings: dict[str, str] = field(default_factory=dict)  # file -> encoding read

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class RawFile:
    """A partner CSV parsed to text: its header, and one column per header column."""

    label: str
    header: list[str]
    encoding: str
    table: pa.Table  # _line, _fields, c0..cN (text, None when absent)
    sha256: str


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:  # Excel's "CSV" on Windows
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def read_partner_file(path: Path, label: str | None = None) -> RawFile:
    """Parse the CSV (comma, semicolon, tab or bar separated) keeping each row's physical line.

    Rows that are wholly empty (blank lines, a spreadsheet's trailing ``,,,``) are skipped. An
    unterminated quote (a truncated file) stops the load with the line it starts on.
    """
    label = label or str(path)
    data = path.read_bytes()
    text, encoding = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    lines: list[int] = []
    counts: list[int] = []
    rows: list[list[str]] = []
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(value.strip() for value in row):
                continue
            if header is None:
                header = [h.strip() for h in row]
                continue
            lines.append(start)
            counts.append(len(row))
            rows.append(row)
    except csv.Error as e:
        raise InputFileError(InputProblem(
            label, end + 1, None, None,
            f"a complete CSV file (the CSV reader said: {e}; is a quote left open or the file cut short?)",
        )) from e
    if header is None:
        raise InputFileError(InputProblem(label, 1, "header", None, "a header row naming the columns"))
    columns = {"_line": pa.array(lines, pa.int32()), "_fields": pa.array(counts, pa.int32())}
    for i in range(len(header)):
        columns[f"c{i}"] = pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
    return RawFile(label, header, encoding, pa.table(columns), hashlib.sha256(data).hexdigest())


def _looks_national(values: Sequence[str | None]) -> bool:
    given = [v.strip().casefold() for v in values if v and v.strip()]
    national = [v for v in given if v.startswith(tuple(c.casefold() for c in NATIONAL_CATEGORIES))]
    return bool(given) and len(national) >= 0.8 * len(given)


def _numbers(values: Sequence[str | None]) -> list[float]:
    out = []
    for v in values:
        try:
            out.append(abs(float((v or "").replace(",", ""))))
        except ValueError:
            continue
    return out


def _overridden(raw: RawFile, names: list[str], overrides: dict[str, str]) -> dict[str, int]:
    chosen: dict[str, int] = {}
    for fld, header in overrides.items():
        if fld not in HEADER_NAMES:
            raise InputFileError(InputProblem(raw.label, None, "column override", fld,
                                              f"one of {', '.join(FIELDS)}"))
        if normalise_header(header) not in names:
            raise InputFileError(InputProblem(
                raw.label, 1, "header", header,
                f"a column named {header!r} (the file's columns: {', '.join(raw.header)})"))
        chosen[fld] = names.index(normalise_header(header))
    return chosen


def recognise_columns(raw: RawFile, overrides: dict[str, str] | None = None) -> dict[str, int]:
    """Field -> column index, from the header names (and, where names are ambiguous, values)."""
    names = [normalise_header(h) for h in raw.header]
    chosen = _overridden(raw, names, overrides or {})

    def values(index: int) -> list[str | None]:
        return raw.table.column(f"c{index}").slice(0, 2000).to_pylist()

    def first(fld: str, accept: Callable[[int], bool] = lambda i: True) -> int | None:
        taken = set(chosen.values())
        for candidate in HEADER_NAMES[fld]:
            if candidate in names and names.index(candidate) not in taken and accept(names.index(candidate)):
                return names.index(candidate)
        return None

    if "category" not in chosen:
        # a type-named column holding only national categories is the category column too
        found = first("category", lambda i: _looks_national(values(i)))
        found = found if found is not None else first("type", lambda i: _looks_national(values(i)))
        if found is not None:
            chosen["category"] = found
    for fld in ("date", "time", "type", "lsoa", "latitude", "longitude", "easting", "northing",
                "reference"):
        if fld not in chosen and (found := first(fld)) is not None:
            chosen[fld] = found
    if {"easting", "northing"} <= set(chosen) and not {"longitude", "latitude"} & set(chosen) \
            and names[chosen["easting"]] in ("x", "map x") \
            and _within_degrees(values(chosen["easting"]), values(chosen["northing"])):
        # columns called x and y holding degrees are longitude and latitude
        chosen["longitude"], chosen["latitude"] = chosen.pop("easting"), chosen.pop("northing")
    _require(raw, chosen)
    return chosen


def _within_degrees(xs: Sequence[str | None], ys: Sequence[str | None]) -> bool:
    x, y = _numbers(xs), _numbers(ys)
    return bool(x and y) and max(x) <= 180 and max(y) <= 90


def _require(raw: RawFile, chosen: dict[str, int]) -> None:
    def missing(what: str, fields: Iterable[str]) -> InputFileError:
        known = "; ".join(f"{f}: {', '.join(HEADER_NAMES[f][:4])}..." for f in fields)
        return InputFileError(InputProblem(
            raw.label, 1, "header", ",".join(raw.header),
            f"a column for {what} (recognised names, {known}; or name it with --column)"))

    if "date" not in chosen:
        raise missing("the date of the incident", ["date"])
    if "type" not in chosen and "category" not in chosen:
        raise missing("the incident type", ["type", "category"])
    has_location = ("lsoa" in chosen or {"easting", "northing"} <= set(chosen)
                    or {"latitude", "longitude"} <= set(chosen))
    if not has_location:
        raise missing("the location: an LSOA code, easting and northing, or latitude and longitude",
                      ["lsoa", "easting", "northing", "latitude", "longitude"])
    for a, b in (("easting", "northing"), ("latitude", "longitude")):
        if (a in chosen) != (b in chosen):
            raise missing(f"the {b if a in chosen else a} to go with the {a if a in chosen else b}", [a, b])


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _text(chosen: dict[str, int], fld: str) -> str:
    """Trimmed text of a field, NULL when empty or when the file has no such column."""
    return f"nullif(trim(c{chosen[fld]}), '')" if fld in chosen else "cast(null as varchar)"


def _number(expr: str) -> str:
    return f"try_cast(replace({expr}, ',', '') as double)"


def _parse_date(expr: str) -> str:
    """SQL reading a date and optional time: ISO and day-first with DuckDB's parser, the rest
    with ``DATE_FORMATS``; a 'T' between date and time and a trailing time zone are ignored."""
    cleaned = (f"regexp_replace(regexp_replace({expr}, '([0-9])T([0-9])', '\\1 \\2'), "
               f"'([0-9]:[0-9]{{2}}(:[0-9]{{2}}(\\.[0-9]+)?)?) ?(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$', '\\1')")
    day_first = (f"regexp_replace({cleaned}, '^([0-9]{{1,2}})[/.-]([0-9]{{1,2}})[/.-]([0-9]{{4}})', "
                 f"'\\3-\\2-\\1')")
    formats = "[" + ", ".join(_sql_text(f) for f in DATE_FORMATS) + "]"
    iso = f"case when regexp_matches({day_first}, '^[0-9]{{4}}[-/]') then try_cast({day_first} as timestamp) end"
    return f"coalesce({iso}, try_strptime({cleaned}, {formats}))"


def _parsed_sql(raw: RawFile, chosen: dict[str, int]) -> str:
    """Every row with its parsed values (prefixed p_) and its first problem (_problem)."""
    date_text = _text(chosen, "date")
    if "time" in chosen:  # a date and a separate time; a date column holding a time wins
        time_text = _text(chosen, "time")
        combined = f"case when {time_text} is null then {date_text} else {date_text} || ' ' || {time_text} end"
        when_text = f"case when {_parse_date(combined)} is not null then {combined} else {date_text} end"
    else:
        when_text = date_text
    parsed = f"""select *, {_parse_date('p_when_text')} as p_ts,
            coalesce(regexp_matches(p_when_text, '[0-9]:[0-9]{{2}}'), false) as p_has_time
        from (select *,
            {date_text} as p_date_text,
            {when_text} as p_when_text,
            {_text(chosen, "type")} as p_type,
            lower({_text(chosen, "category")}) as p_category,
            upper({_text(chosen, "lsoa")}) as p_lsoa,
            {_text(chosen, "easting")} as p_e_text, {_text(chosen, "northing")} as p_n_text,
            {_text(chosen, "longitude")} as p_lon_text, {_text(chosen, "latitude")} as p_lat_text,
            {_text(chosen, "reference")} as p_ref
            from _partner_raw)"""
    checks = _checks(raw, chosen)
    problem = "case " + " ".join(f"when {c.bad_when} then {i}" for i, c in enumerate(checks, 1)) + " end"
    return f"select *, {problem} as _problem from ({parsed})"


def _checks(raw: RawFile, chosen: dict[str, int]) -> list[Check]:
    header = raw.header
    n_columns = len(header)
    date_name = header[chosen["date"]]
    lo, hi = LONGITUDE_RANGE
    la, ha = LATITUDE_RANGE
    (e0, e1), (n0, n1) = EASTING_RANGE, NORTHING_RANGE
    checks = [
        Check("row", "_fields::varchar", f"_fields <> {n_columns}",
              f"the row has a different number of fields from the header ({n_columns})"),
        Check(date_name, "p_date_text", "p_date_text is null", "the date is empty"),
        Check(date_name, "p_date_text", "p_ts is null",
              "the date must be a date such as 2024-01-31 or 31/01/2024 (day first), "
              "with or without a time"),
        Check(date_name, "p_date_text", f"p_ts::date < DATE '{EARLIEST}'",
              f"the date is before {EARLIEST.year}"),
        Check(date_name, "p_date_text", "p_ts::date > $today", "the date is in the future"),
    ]
    if "category" in chosen:
        allowed = " or ".join(f"starts_with(p_category, '{c.lower()}')" for c in NATIONAL_CATEGORIES)
        checks.append(Check(header[chosen["category"]], f"c{chosen['category']}",
                            f"p_category is not null and not ({allowed})",
                            "the national ASB category must be Personal, Nuisance or Environmental "
                            "(or empty)"))
    if "lsoa" in chosen:
        checks.append(Check(header[chosen["lsoa"]], f"c{chosen['lsoa']}",
                            "p_lsoa is not null and not regexp_full_match(p_lsoa, '[EW]01[0-9]{6}')",
                            "LSOA code must be E01 or W01 followed by 6 digits (or empty)"))
    if "easting" in chosen:
        e, n = _number("p_e_text"), _number("p_n_text")
        checks += [
            Check(header[chosen["easting"]], "p_e_text", "(p_e_text is null) <> (p_n_text is null)",
                  "easting and northing must both be given, or both be empty"),
            Check(header[chosen["easting"]], "p_e_text",
                  f"p_e_text is not null and coalesce({e} not between {e0} and {e1}, true)",
                  f"easting must be a number of metres from {e0:,} to {e1:,} (British National Grid)"),
            Check(header[chosen["northing"]], "p_n_text",
                  f"p_n_text is not null and coalesce({n} not between {n0} and {n1}, true)",
                  f"northing must be a number of metres from {n0:,} to {n1:,} (British National Grid)"),
        ]
    if "latitude" in chosen:
        lon, lat = _number("p_lon_text"), _number("p_lat_text")
        checks += [
            Check(header[chosen["longitude"]], "p_lon_text", "(p_lon_text is null) <> (p_lat_text is null)",
                  "longitude and latitude must both be given, or both be empty"),
            Check(header[chosen["longitude"]], "p_lon_text",
                  f"p_lon_text is not null and coalesce({lon} not between {lo} and {hi}, true)",
                  f"longitude must be a number between {lo} and {hi} (the United Kingdom)"),
            Check(header[chosen["latitude"]], "p_lat_text",
                  f"p_lat_text is not null and coalesce({lat} not between {la} and {ha}, true)",
                  f"latitude must be a number between {la} and {ha} (the United Kingdom)"),
        ]
    checks.append(Check("location", "cast(null as varchar)",
                        "p_lsoa is null and p_e_text is null and p_lon_text is null",
                        "no location: an LSOA code, an easting and northing, or a latitude and "
                        "longitude is needed to place the incident"))
    return checks


class LsoaPlacer:
    """Finds the LSOA containing points, from the LSOA boundaries loaded (newest vintage first)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        import shapely

        rows = con.execute("""select code, geometry_wkb from boundaries where kind = 'lsoa'
                              order by vintage desc, code""").fetchall()
        self.codes = [r[0] for r in rows]
        self.tree = shapely.STRtree(shapely.from_wkb([r[1] for r in rows])) if rows else None

    def place(self, longitude: np.ndarray, latitude: np.ndarray) -> list[str | None]:
        import shapely

        result: list[str | None] = [None] * len(longitude)
        if self.tree is None or not len(longitude):
            return result
        points, tree_index = self.tree.query(shapely.points(longitude, latitude), predicate="intersects")
        for point, index in sorted(zip(points.tolist(), tree_index.tolist(), strict=True)):
            if result[point] is None:  # the first is the newest vintage (the tree keeps row order)
                result[point] = self.codes[index]
        return result


def british_grid_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OSGB36 British National Grid (EPSG:27700) -> WGS84 longitude, latitude (pyproj).

    Without the OSTN15 grid file pyproj uses a Helmert transformation, good to a few metres:
    enough to place an incident in an LSOA, except right on a boundary.
    """
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(easting, northing)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _stage_good_rows(con: duckdb.DuckDBPyConnection, raw: RawFile, chosen: dict[str, int],
                     today: date) -> None:
    con.register("_partner_raw", raw.table)
    try:
        con.execute(f"create or replace temp table _partner_parsed as {_parsed_sql(raw, chosen)}",
                    {"today": today})
    finally:
        con.unregister("_partner_raw")
    con.execute(f"""create or replace temp table _partner_good as select
        _line as line, p_ref as incident_ref, p_ts::date as incident_date,
        case when p_has_time then p_ts end as incident_at,
        date_trunc('month', p_ts)::date as month, p_type, p_category,
        p_lsoa as lsoa_code,
        {_number('p_lon_text')} as longitude, {_number('p_lat_text')} as latitude,
        {_number('p_e_text')} as easting, {_number('p_n_text')} as northing,
        case when p_lsoa is not null then 'lsoa'
             when p_e_text is not null then 'easting/northing'
             else 'latitude/longitude' end as location_source
        from _partner_parsed where _problem is null""")


def _convert_and_place(con: duckdb.DuckDBPyConnection, placer: LsoaPlacer) -> int:
    """Fill WGS84 coordinates from easting/northing; the LSOA from coordinates. Returns unplaced."""
    grid = con.execute("""select line, easting, northing from _partner_good
                          where easting is not null and longitude is null""").fetchnumpy()
    if len(grid["line"]):
        lon, lat = british_grid_to_wgs84(grid["easting"], grid["northing"])
        _update(con, "_partner_good", {"line": grid["line"]}, {"longitude": lon, "latitude": lat})
    points = con.execute("""select line, longitude, latitude from _partner_good
                            where lsoa_code is null and longitude is not null""").fetchnumpy()
    if not len(points["line"]):
        return 0
    codes = placer.place(points["longitude"], points["latitude"])
    _update(con, "_partner_good", {"line": points["line"]}, {"lsoa_code": codes})
    return sum(code is None for code in codes)


def _update(con: duckdb.DuckDBPyConnection, table: str, keys: dict, values: dict) -> None:
    """Set columns of the rows of ``table`` identified by the key columns, from parallel lists."""
    updates = pa.table({**{f"_k_{k}": pa.array(np.asarray(v).tolist()) for k, v in keys.items()},
                        **{k: pa.array(np.asarray(v, dtype=object).tolist()) for k, v in values.items()}})
    con.register("_partner_updates", updates)
    try:
        assignments = ", ".join(f"{k} = u.{k}" for k in values)
        match = " and ".join(f"{table}.{k} = u._k_{k}" for k in keys)
        con.execute(f"update {table} set {assignments} from _partner_updates u where {match}")
    finally:
        con.unregister("_partner_updates")


def _insert_rows(con: duckdb.DuckDBPyConnection, file_id: int, source: str) -> int:
    recorded = [r[0] for r in con.execute("select distinct p_type from _partner_good").fetchall()]
    types = pa.table({"p_type": pa.array(recorded, pa.string()),
                      "canonical": pa.array([canonical_type(t) for t in recorded], pa.string())})
    con.register("_partner_types", types)
    try:
        return _insert_typed_rows(con, file_id, source)
    finally:
        con.unregister("_partner_types")


def _insert_typed_rows(con: duckdb.DuckDBPyConnection, file_id: int, source: str) -> int:
    return con.execute("""insert into partner_asb (file_id, line, source, incident_ref, incident_date,
            incident_at, month, incident_type, national_category, lsoa_code, longitude, latitude,
            easting, northing, location_source)
        select $file_id, g.line, $source, g.incident_ref, g.incident_date, g.incident_at, g.month,
            k.canonical,
            case when starts_with(g.p_category, 'personal') then 'Personal'
                 when starts_with(g.p_category, 'nuisance') then 'Nuisance'
                 when starts_with(g.p_category, 'environmental') then 'Environmental' end,
            g.lsoa_code, g.longitude, g.latitude, g.easting, g.northing, g.location_source
        from _partner_good g join _partner_types k on k.p_type is not distinct from g.p_type
        order by g.line""", {"file_id": file_id, "source": source}).fetchall()[0][0]


def _quarantine(con: duckdb.DuckDBPyConnection, raw: RawFile, chosen: dict[str, int],
                file_id: int) -> int:
    checks = _checks(raw, chosen)
    fields = "[" + ", ".join(_sql_text(c.field) for c in checks) + "]"
    reasons = "[" + ", ".join(_sql_text(c.reason) for c in checks) + "]"
    value = "case _problem " + " ".join(
        f"when {i} then {c.column}" for i, c in enumerate(checks, start=1)) + " end"
    raw_row = "json_object(" + ", ".join(
        f"{_sql_text(h or f'column {i + 1}')}, c{i}" for i, h in enumerate(raw.header)) + ")::varchar"
    return con.execute(f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
        select $file_id, $label, _line, {fields}[_problem], {value}, {reasons}[_problem], {raw_row}
        from _partner_parsed where _problem is not null order by _line""",
                       {"file_id": file_id, "label": raw.label}).fetchall()[0][0]


def _replace_earlier(con: duckdb.DuckDBPyConnection, source: str, file_id: int,
                     summary: PartnerAsbSummary) -> None:
    """The new file is authoritative for the months it covers: drop the source's earlier rows
    in those months, and earlier files (with their quarantined rows) left with no rows."""
    first, last = con.execute("select min(month), max(month) from partner_asb where file_id = ?",
                              [file_id]).fetchall()[0]
    if first is None:
        return
    earlier = [r[0] for r in con.execute(
        "select file_id from source_files where kind = ? and source = ? and file_id <> ?",
        [KIND, source, file_id]).fetchall()]
    for old in earlier:
        removed = con.execute("delete from partner_asb where file_id = ? and month between ? and ?",
                              [old, first, last]).fetchall()[0][0]
        if not removed:
            continue
        summary.files_replaced += 1
        summary.rows_replaced += removed
        left = con.execute("select count(*) from partner_asb where file_id = ?", [old]).fetchall()[0][0]
        if left:
            con.execute("update source_files set rows_loaded = ? where file_id = ?", [left, old])
        else:
            con.execute("delete from quarantine where file_id = ?", [old])
            con.execute("delete from source_files where file_id = ?", [old])


def _place_earlier_rows(con: duckdb.DuckDBPyConnection, placer: LsoaPlacer) -> int:
    """Place rows loaded before their LSOA boundaries were (boundaries may be loaded since)."""
    rows = con.execute("""select file_id, line, longitude, latitude from partner_asb
                          where lsoa_code is null and longitude is not null""").fetchnumpy()
    if not len(rows["line"]):
        return 0
    codes = placer.place(rows["longitude"], rows["latitude"])
    found = [i for i, code in enumerate(codes) if code is not None]
    if found:
        _update(con, "partner_asb", {"file_id": rows["file_id"][found], "line": rows["line"][found]},
                {"lsoa_code": [codes[i] for i in found]})
    return len(found)


def ingest_partner_asb(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    source: str,
    columns: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> PartnerAsbSummary:
    """Load partner ASB CSV files, in the order given, in one transaction; return what was done.

    ``source`` names the partner (e.g. 'Medway Council ASB team'): a later file of the same
    source replaces the earlier rows in the months it covers. ``columns`` maps a field of
    :data:`FIELDS` to a column name the file uses, where the names are not recognised.
    """
    source = " ".join(source.split())
    if not source:
        raise ValueError("a source (the partner the data comes from) is required")
    summary = PartnerAsbSummary(source=source)
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputFileError(InputProblem(str(path), None, None, None, "an existing CSV file"))
    limit = (today or date.today()) + timedelta(days=1)  # a day's grace for time zones
    with transaction(con):
        placer = LsoaPlacer(con)
        for done, path in enumerate(files, start=1):
            _ingest_one(con, path, source, columns, placer, limit, summary)
            if progress:
                progress(done, len(files))
        summary.rows_placed_earlier = _place_earlier_rows(con, placer)
        for name in ("_partner_parsed", "_partner_good"):
            con.execute(f"drop table if exists {name}")
    return summary


def _ingest_one(con: duckdb.DuckDBPyConnection, path: Path, source: str, columns: dict[str, str] | None,
                placer: LsoaPlacer, today: date, summary: PartnerAsbSummary) -> None:
    raw = read_partner_file(path)
    if con.execute("select 1 from source_files where sha256 = ?", [raw.sha256]).fetchone():
        summary.files_skipped += 1
        return
    chosen = recognise_columns(raw, columns)
    summary.columns[raw.label] = {f: raw.header[i] for f, i in sorted(chosen.items(), key=lambda x: x[1])}
    summary.encodings[raw.label] = raw.encoding
    _stage_good_rows(con, raw, chosen, today)
    unplaced = _convert_and_place(con, placer)
    file_id = con.execute(
        "insert into source_files (kind, path, sha256, rows_loaded, rows_quarantined, source) "
        "values (?, ?, ?, 0, 0, ?) returning file_id", [KIND, raw.label, raw.sha256, source],
    ).fetchall()[0][0]
    loaded = _insert_rows(con, file_id, source)
    bad = _quarantine(con, raw, chosen, file_id)
    con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                [loaded, bad, file_id])
    _replace_earlier(con, source, file_id, summary)
    summary.files_loaded += 1
    summary.rows_loaded += loaded
    summary.rows_quarantined += bad
    summary.rows_unplaced += unplaced
    months = con.execute("select distinct strftime(month, '%Y-%m') from partner_asb where file_id = ?",
                         [file_id]).fetchall()
    summary.months = sorted({*summary.months, *(m[0] for m in months)})
    for incident_type, n in con.execute(
            "select incident_type, count(*) from partner_asb where file_id = ? group by 1", [file_id]).fetchall():
        summary.types[incident_type] = summary.types.get(incident_type, 0) + n
    summary.types = dict(sorted(summary.types.items(), key=lambda kv: (-kv[1], kv[0])))


__all__ = ["FIELDS", "HEADER_NAMES", "KNOWN_TYPES", "NOT_RECORDED", "PartnerAsbSummary",
           "british_grid_to_wgs84", "canonical_type", "ingest_partner_asb",
           "normalise_header", "read_partner_file", "recognise_columns"]
