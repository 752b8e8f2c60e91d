"""Reading the files a CCTV lead is given: a camera register and the control room's monthly
activity report. Plain Python (no database): each reader returns the good rows and the bad
ones, each bad row with its file, line, field, value and what was expected.

Columns are recognised by name, whatever their case, spacing or punctuation
(``camera_id``, ``Camera ID``, ``camera no`` are all the camera's id).

Examples:
    >>> normalise("Camera ID")
    'camera_id'
    >>> recognise(["camera_id", "location", "area_name", "area_code", "lon", "lat"], REGISTER_COLUMNS)
    {'camera_id': 0, 'location': 1, 'ward_name': 2, 'ward_code': 3, 'longitude': 4, 'latitude': 5}
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from csphub.errors import InputFileError, InputProblem

REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "camera_id": ("camera_id", "id", "camera", "camera_no", "camera_number", "camera_ref", "asset_id", "cam_id"),
    "location": ("location", "address", "site", "location_description", "camera_location"),
    "name": ("name", "camera_name", "title"),
    "ward_name": ("ward_name", "ward", "area_name", "wardname", "wd23nm", "wd22nm", "wd24nm", "wd25nm"),
    "ward_code": ("ward_code", "area_code", "wardcode", "wd23cd", "wd22cd", "wd24cd", "wd25cd", "gss_code"),
    "longitude": ("lon", "long", "longitude", "lng"),
    "latitude": ("lat", "latitude"),
    "easting": ("easting", "x", "eastings"),
    "northing": ("northing", "y", "northings"),
    "kind": ("type", "camera_type", "kind"),
    "status": ("status", "state"),
    "transmission": ("analogue_digital", "transmission", "technology", "signal"),
    "permanence": ("permanence", "permanent_temporary", "permanent"),
    "owner": ("owner", "owned_by"),
    "funder": ("funder", "funded_by", "funding"),
    "installed_on": ("installed", "installed_on", "install_date", "date_installed"),
    "end_of_life_on": ("end_of_life", "end_of_life_on", "eol"),
    "purposes": ("purposes", "purpose"),
}

ACTIVITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "camera_id": REGISTER_COLUMNS["camera_id"],
    "month": ("month", "period", "report_month"),
    "incidents": ("incidents", "incidents_captured", "incidents_recorded"),
    "police_requests": ("footage_requests_police", "police_requests", "police_footage_requests", "requests_police"),
    "other_requests": ("footage_requests_other", "other_requests", "other_footage_requests", "requests_other"),
    "evidential": ("evidential_uses", "evidential", "evidential_use"),
    "arrests": ("arrests_assisted", "arrests", "arrests_assisted_by_cctv"),
    "hours_monitored": ("hours_monitored", "monitoring_hours", "monitored_hours"),
    "downtime_hours": ("downtime_hours", "downtime", "monitoring_downtime_hours"),
}

WARD_CODE = re.compile(r"^[EWSN]05\d{6}$")
#: Great Britain and Northern Ireland, loosely: a point outside is a typing or projection error.
LON_RANGE, LAT_RANGE = (-8.7, 1.9), (49.8, 60.95)
EASTING_RANGE, NORTHING_RANGE = (0.0, 700000.0), (0.0, 1300000.0)


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")


def recognise(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Our field -> the column index holding it, from the header's names."""
    names = [normalise(h) for h in header]
    found: dict[str, int] = {}
    for key, aliases in columns.items():
        for alias in aliases:
            if alias in names and names.index(alias) not in found.values():
                found[key] = names.index(alias)
                break
    return found


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int
    field: str
    value: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(InputProblem(self.file, self.line, self.field, self.value, self.reason))


def _read(path: Path, label: str | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    name = label or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError:
            raise InputFileError(InputProblem(name, None, None, None, f"a UTF-8 CSV file ({e})")) from e
    reader = csv.reader(io.StringIO(text))
    rows = [(reader.line_num, r) for r in reader]
    if not rows:
        raise InputFileError(InputProblem(name, None, None, None, "a CSV file with a header row"))
    header = rows[0][1]
    return header, [(line, r) for line, r in rows[1:] if any(c.strip() for c in r)]


def _cell(row: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return row[index].strip() if index is not None and index < len(row) else ""


# ---- The register ------------------------------------------------------------------------------

@dataclass
class CameraRow:
    line: int
    camera_id: str
    location: str
    values: dict[str, Any]


@dataclass
class RegisterFile:
    path: str
    columns: dict[str, int]
    rows: list[CameraRow]
    bad: list[BadRow]
    ignored_columns: list[str]


KINDS = {"fixed": "fixed", "static": "fixed", "ptz": "ptz", "pan_tilt_zoom": "ptz", "rapid": "rapid",
         "rapid_deployment": "rapid", "redeployable": "rapid", "anpr": "anpr"}
STATUSES = {"working": "working", "ok": "working", "operational": "working", "live": "working",
            "faulty": "faulty", "fault": "faulty", "not_working": "faulty", "decommissioned": "decommissioned",
            "removed": "removed"}
TRANSMISSIONS = {"analogue": "analogue", "analog": "analogue", "digital": "digital", "ip": "digital"}
PERMANENCE = {"permanent": "permanent", "yes": "permanent", "temporary": "temporary", "no": "temporary"}


def parse_day(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _number(text: str, low: float, high: float) -> float:
    value = float(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def read_register(path: Path | str, label: str | None = None) -> RegisterFile:
    """The cameras of a register CSV; a row that cannot be a camera goes to ``bad``.

    Needed: a camera id, and a location (a description, or coordinates). Recognised too: ward
    name and code, lon/lat or easting/northing (British National Grid, converted to WGS84),
    type, status, analogue/digital, permanent/temporary, owner, funder, installed, end of life
    and purposes (separated by ``;``). A camera id given twice: the second is bad. ``label``
    names the file in messages and quarantine (an upload's own name) instead of its path."""
    header, rows = _read(Path(path), label)
    path = Path(label) if label else Path(path)
    columns = recognise(header, REGISTER_COLUMNS)
    if "camera_id" not in columns:
        raise InputFileError(InputProblem(str(path), 1, None, ",".join(header),
                                          "a column naming each camera's id (e.g. camera_id, id, camera no)"))
    if not ({"location", "name"} & set(columns) or {"longitude", "latitude"} <= set(columns)
            or {"easting", "northing"} <= set(columns)):
        raise InputFileError(InputProblem(str(path), 1, None, ",".join(header),
                                          "a location column, or lon/lat, or easting/northing"))
    used = set(columns.values())
    ignored = [h for i, h in enumerate(header) if i not in used]
    good: list[CameraRow] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        raw = {header[i] if i < len(header) else f"column {i + 1}": v for i, v in enumerate(row)}
        problem, parsed = _camera_row(str(path), line, row, columns, raw)
        if problem is None and parsed is not None and parsed.camera_id in seen:
            problem = BadRow(str(path), line, header[columns["camera_id"]], parsed.camera_id,
                             f"a camera id not already given (line {seen[parsed.camera_id]} has it)", raw)
        if problem is not None:
            bad.append(problem)
        elif parsed is not None:
            seen[parsed.camera_id] = line
            good.append(parsed)
    return RegisterFile(str(path), columns, good, bad, ignored)


class _Bad(Exception):
    """One field of a row is wrong: which, its value and what was expected."""

    def __init__(self, key: str, value: str, reason: str):
        super().__init__(reason)
        self.key, self.value, self.reason = key, value, reason


def _camera_row(file: str, line: int, row: list[str], columns: dict[str, int], raw: dict[str, str]
                ) -> tuple[BadRow | None, CameraRow | None]:
    header = list(raw)
    try:
        camera_id = _cell(row, columns, "camera_id")
        if not camera_id:
            raise _Bad("camera_id", "", "a camera id")
        if len(camera_id) > 40:
            raise _Bad("camera_id", camera_id, "a camera id of at most 40 characters")
        values = _coordinates_of(row, columns)
        location = _cell(row, columns, "location") or _cell(row, columns, "name")
        if not location and not values:
            raise _Bad("location", "", "a location: a description, or coordinates")
        values |= _ward_of(row, columns) | _choices_of(row, columns) | _details_of(row, columns)
    except _Bad as e:
        index = columns.get(e.key)
        name = header[index] if index is not None and index < len(header) else e.key
        return BadRow(file, line, name, e.value, e.reason, raw), None
    return None, CameraRow(line, camera_id, location[:300], values)


def _coordinates_of(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    lon, lat = _cell(row, columns, "longitude"), _cell(row, columns, "latitude")
    east, north = _cell(row, columns, "easting"), _cell(row, columns, "northing")
    checks = ((("longitude", lon, LON_RANGE, "a longitude between {} and {} (WGS84 degrees)"),
               ("latitude", lat, LAT_RANGE, "a latitude between {} and {} (WGS84 degrees)")) if lon or lat else
              (("easting", east, EASTING_RANGE, "an easting in metres (British National Grid, {:g} to {:g})"),
               ("northing", north, NORTHING_RANGE, "a northing in metres (British National Grid, {:g} to {:g})"))
              if east or north else ())
    values: dict[str, Any] = {}
    for key, text, (low, high), expected in checks:
        try:
            values[key] = _number(text, low, high)
        except ValueError:
            raise _Bad(key, text, expected.format(low, high)) from None
    return values


def _ward_of(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    ward_code = _cell(row, columns, "ward_code").upper()
    if ward_code and not WARD_CODE.match(ward_code):
        raise _Bad("ward_code", ward_code, "an ONS ward code such as E05015247")
    if ward_code:
        values["ward_code"] = ward_code
    if name := _cell(row, columns, "ward_name"):
        values["ward_name"] = name[:100]
    return values


def _choices_of(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, table in (("kind", KINDS), ("status", STATUSES), ("transmission", TRANSMISSIONS),
                       ("permanence", PERMANENCE)):
        text = _cell(row, columns, key)
        if text:
            if normalise(text) not in table:
                raise _Bad(key, text, "one of " + ", ".join(sorted(set(table.values()))))
            values[key] = table[normalise(text)]
    return values


def _details_of(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("installed_on", "end_of_life_on"):
        text = _cell(row, columns, key)
        if text:
            try:
                values[key] = parse_day(text)
            except ValueError:
                raise _Bad(key, text, "a date (YYYY-MM-DD or DD/MM/YYYY)") from None
    for key in ("owner", "funder"):
        if text := _cell(row, columns, key):
            values[key] = text[:200]
    if text := _cell(row, columns, "purposes"):
        values["purposes"] = [p.strip() for p in re.split(r"[;|]", text) if p.strip()]
    if name := _cell(row, columns, "name"):
        values["name"] = name[:200]
    return values


# ---- The control room's monthly activity report -------------------------------------------------

@dataclass
class ActivityRow:
    line: int
    camera_id: str
    month: date
    counts: dict[str, int]


@dataclass
class MonitoringRow:
    line: int
    month: date
    hours_monitored: float
    downtime_hours: float


@dataclass
class ActivityFile:
    path: str
    activity: list[ActivityRow]
    monitoring: list[MonitoringRow]
    bad: list[BadRow]


COUNT_FIELDS = ("incidents", "police_requests", "other_requests", "evidential", "arrests")


def parse_month(text: str) -> date:
    """'2025-07', '07/2025', 'Jul 2025', 'July 2025' or a date in the month -> its first day."""
    for pattern in ("%Y-%m", "%m/%Y", "%b %Y", "%B %Y", "%b-%y", "%Y%m"):
        try:
            return datetime.strptime(text.strip(), pattern).date().replace(day=1)
        except ValueError:
            continue
    return parse_day(text.strip()).replace(day=1)


def read_activity(path: Path | str, label: str | None = None) -> ActivityFile:
    """The control room's monthly report: per camera per month, incidents captured, footage
    requests by police and by others, evidential uses and arrests assisted (a blank count is
    0); and per month the hours monitored and the downtime (rows with no camera, or a file with
    only month, hours monitored and downtime). The same camera and month twice: the second is
    bad. ``label`` names the file in messages and quarantine instead of its path."""
    header, rows = _read(Path(path), label)
    path = Path(label) if label else Path(path)
    columns = recognise(header, ACTIVITY_COLUMNS)
    if "month" not in columns:
        raise InputFileError(InputProblem(str(path), 1, None, ",".join(header), "a month column (e.g. 2025-07)"))
    if "camera_id" not in columns and "hours_monitored" not in columns:
        raise InputFileError(InputProblem(str(path), 1, None, ",".join(header),
                                          "a camera column (activity per camera) or hours_monitored (monitoring)"))
    out = ActivityFile(str(path), [], [], [])
    seen: dict[tuple[str, date], int] = {}
    months_seen: dict[date, int] = {}
    for line, row in rows:
        raw = {header[i] if i < len(header) else f"column {i + 1}": v for i, v in enumerate(row)}

        def bad(key: str, value: str, reason: str, raw: dict[str, str] = raw, line: int = line) -> None:
            out.bad.append(BadRow(str(path), line, header[columns[key]] if key in columns else key, value, reason, raw))

        month_text = _cell(row, columns, "month")
        try:
            month = parse_month(month_text)
        except ValueError:
            bad("month", month_text, "a month such as 2025-07 or Jul 2025")
            continue
        camera_id = _cell(row, columns, "camera_id")
        if camera_id:
            counts, problem = _counts(row, columns)
            if problem:
                bad(problem[0], problem[1], "a whole number of 0 or more")
                continue
            if (camera_id, month) in seen:
                bad("camera_id", camera_id, f"one row per camera per month (line {seen[(camera_id, month)]} has "
                    f"{camera_id} for {month:%B %Y})")
                continue
            seen[(camera_id, month)] = line
            out.activity.append(ActivityRow(line, camera_id, month, counts))
            continue
        if month in months_seen:
            bad("month", month_text, f"one monitoring row per month (line {months_seen[month]} has {month:%B %Y})")
            continue
        try:
            out.monitoring.append(_monitoring_row(line, month, row, columns))
        except _Bad as e:
            bad(e.key, e.value, e.reason)
            continue
        months_seen[month] = line
    return out


def _monitoring_row(line: int, month: date, row: list[str], columns: dict[str, int]) -> MonitoringRow:
    hours_text, down_text = _cell(row, columns, "hours_monitored"), _cell(row, columns, "downtime_hours")
    if not hours_text:
        raise _Bad("camera_id", "", "a camera id (or, on the month's monitoring row, the hours monitored)")
    try:
        hours = _number(hours_text, 0, 744)
    except ValueError:
        raise _Bad("hours_monitored", hours_text, "hours in the month, 0 to 744") from None
    try:
        down = _number(down_text or "0", 0, hours)
    except ValueError:
        raise _Bad("downtime_hours", down_text, f"downtime hours, 0 to the hours monitored ({hours:g})") from None
    return MonitoringRow(line, month, hours, down)


def _counts(row: list[str], columns: dict[str, int]) -> tuple[dict[str, int], tuple[str, str] | None]:
    counts: dict[str, int] = {}
    for key in COUNT_FIELDS:
        text = _cell(row, columns, key)
        if not text:
            counts[key] = 0
            continue
        if not text.isdigit():
            return counts, (key, text)
        counts[key] = int(text)
    return counts, None
