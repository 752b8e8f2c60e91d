"""Load data.police.uk extracts: street crime and ASB, outcomes, and stop and search.

Takes files, folders (searched recursively) and data.police.uk archive zips
(``YYYY-MM/YYYY-MM-<force>-street.csv`` inside). Every row is validated in DuckDB, set-wise:
rows that fail go to the ``quarantine`` table with file, line, field, value and reason, and the
rest load. The same content (sha256) is never loaded twice; a re-issued file for the same kind,
force and month replaces the earlier one. The whole call is one transaction: a failure anywhere
leaves the warehouse exactly as it was.

Examples:
    >>> parse_file_name("2024-01-kent-street.csv")
    ('street', 'kent', datetime.date(2024, 1, 1))
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

#: data.police.uk's fourteen current categories (thirteen crime types plus ASB).
CURRENT_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
#: Every category a street file may carry: the current ones and those used before 2013.
CRIME_TYPES: tuple[str, ...] = (*CURRENT_CRIME_TYPES, "Violent crime", "Public disorder and weapons")
ASB = "Anti-social behaviour"

FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv$")

# Longitude/latitude bounds of the United Kingdom and Channel Islands, generously.
LONGITUDE_RANGE = (-8.7, 1.9)
INGEST_MEMORY_LIMIT = "1200MB"
LATITUDE_RANGE = (49.8, 60.9)


@dataclass(frozen=True)
class Check:
    """One validation: the field it is about, SQL true when the row is bad, and why."""

    field: str
    column: str
    bad_when: str
    reason: str


@dataclass(frozen=True)
class FileKind:
    """The layout of one kind of police.uk file and how its rows load."""

    name: str
    table: str
    header: tuple[str, ...]
    month_column: str
    insert_columns: tuple[str, ...]
    select_expressions: tuple[str, ...]
    checks: tuple[Check, ...]


def _coordinate_checks(lon: str, lat: str) -> tuple[Check, ...]:
    lo, hi = LONGITUDE_RANGE
    la, ha = LATITUDE_RANGE
    return (
        Check("Longitude", lon, f"({lon} is null) <> ({lat} is null)",
              "longitude and latitude must both be given, or both empty when there is no location"),
        Check("Longitude", lon, f"{lon} is not null and coalesce(try_cast({lon} as double) not between {lo} and {hi}, true)",
              f"longitude must be a number between {lo} and {hi} (the United Kingdom)"),
        Check("Latitude", lat, f"{lat} is not null and coalesce(try_cast({lat} as double) not between {la} and {ha}, true)",
              f"latitude must be a number between {la} and {ha} (the United Kingdom)"),
    )


def _month_checks(column: str) -> tuple[Check, ...]:
    return (
        Check("Month", column, f"not coalesce(regexp_full_match({column}, '[0-9]{{4}}-[0-9]{{2}}'), false)",
              "month must be YYYY-MM"),
        Check("Month", column, f"{column} <> $file_month",
              "month differs from the month in the file name"),
    )


LSOA_CHECK = Check(
    "LSOA code", "c7",
    "c7 is not null and not regexp_full_match(c7, '[EW]01[0-9]{6}')",
    "LSOA code must be E01 or W01 followed by 6 digits, or empty when there is no location",
)
CRIME_TYPE_LIST = ", ".join("'" + t.replace("'", "''") + "'" for t in CRIME_TYPES)

STREET = FileKind(
    name="street",
    table="street_crime",
    header=("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
            "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"),
    month_column="c1",
    insert_columns=("crime_id", "reported_by", "falls_within", "longitude", "latitude", "location",
                    "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context"),
    select_expressions=("c0", "c2", "c3", "try_cast(c4 as double)", "try_cast(c5 as double)", "c6",
                        "c7", "c8", "c9", "c10", "c11"),
    checks=(
        *_month_checks("c1"),
        Check("Crime type", "c9", f"c9 is null or c9 not in ({CRIME_TYPE_LIST})",
              "crime type must be one of police.uk's categories"),
        *_coordinate_checks("c4", "c5"),
        LSOA_CHECK,
    ),
)

OUTCOMES = FileKind(
    name="outcomes",
    table="outcomes",
    header=("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
            "Location", "LSOA code", "LSOA name", "Outcome type"),
    month_column="c1",
    insert_columns=("crime_id", "reported_by", "falls_within", "longitude", "latitude", "location",
                    "lsoa_code", "lsoa_name", "outcome_type"),
    select_expressions=("c0", "c2", "c3", "try_cast(c4 as double)", "try_cast(c5 as double)", "c6",
                        "c7", "c8", "c9"),
    checks=(
        *_month_checks("c1"),
        Check("Outcome type", "c9", "c9 is null", "outcome type must not be empty"),
        *_coordinate_checks("c4", "c5"),
        LSOA_CHECK,
    ),
)

STOP_AND_SEARCH = FileKind(
    name="stop-and-search",
    table="stop_search",
    header=("Type", "Date", "Part of a policing operation", "Policing operation", "Latitude",
            "Longitude", "Gender", "Age range", "Self-defined ethnicity",
            "Officer-defined ethnicity", "Legislation", "Object of search", "Outcome",
            "Outcome linked to object of search", "Removal of more than just outer clothing"),
    month_column="substr(c1, 1, 7)",
    insert_columns=("search_type", "searched_at", "part_of_policing_operation", "policing_operation",
                    "latitude", "longitude", "gender", "age_range", "self_defined_ethnicity",
                    "officer_defined_ethnicity", "legislation", "object_of_search", "outcome",
                    "outcome_linked_to_object", "removal_of_more_than_outer_clothing"),
    select_expressions=("c0", "try_cast(c1 as timestamptz)::timestamp", "c2", "c3",
                        "try_cast(c4 as double)", "try_cast(c5 as double)", "c6", "c7", "c8", "c9",
                        "c10", "c11", "c12", "c13", "c14"),
    checks=(
        Check("Date", "c1", "try_cast(c1 as timestamptz) is null",
              "date must be an ISO date and time, e.g. 2024-01-31T14:05:00+00:00"),
        Check("Date", "c1", "substr(c1, 1, 7) <> $file_month",
              "date falls outside the month in the file name"),
        *_coordinate_checks("c5", "c4"),
    ),
)

KINDS = {k.name: k for k in (STREET, OUTCOMES, STOP_AND_SEARCH)}


@dataclass
class IngestSummary:
    """What one ingest did."""

    files_loaded: int = 0
    files_skipped: int = 0
    files_replaced: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    months: list[str] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SourceFile:
    """A police.uk file found on disk (or extracted from a zip)."""

    path: Path
    label: str  # what the user knows it as, e.g. 'archive.zip!2024-01/2024-01-kent-street.csv'
    kind: FileKind
    force: str
    month: date


def parse_file_name(name: str) -> tuple[str, str, date]:
    """(kind, force, month) from a data.police.uk file name; ValueError if it is not one."""
    m = FILE_NAME.match(Path(name).name)
    if not m:
        raise ValueError(name)
    year, month, force, kind = m.groups()
    return kind, force, date(int(year), int(month), 1)


def _source(path: Path, label: str) -> SourceFile:
    try:
        kind, force, month = parse_file_name(path.name)
    except ValueError as e:
        raise InputFileError(InputProblem(
            label, None, "file name", path.name,
            "a data.police.uk file name: YYYY-MM-<force>-street.csv, -outcomes.csv or "
            "-stop-and-search.csv",
        )) from e
    return SourceFile(path, label, KINDS[kind], force, month)


def discover(paths: Iterable[Path], scratch: Path) -> list[SourceFile]:
    """Every police.uk CSV in the given files, folders and zips (zips extracted into scratch)."""
    found: list[SourceFile] = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputFileError(InputProblem(str(path), None, None, None, "an existing file or folder"))
        if path.is_dir():
            inner = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".csv", ".zip"})
            found += discover([p for p in inner if FILE_NAME.match(p.name) or p.suffix == ".zip"],
                              scratch)
        elif path.suffix.lower() == ".zip":
            found += _extract_zip(path, scratch)
        else:
            found.append(_source(path, str(path)))
    return sorted(found, key=lambda s: (s.month, s.force, s.kind.name))


def _extract_zip(path: Path, scratch: Path) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise InputFileError(InputProblem(str(path), None, None, None, "a readable zip archive")) from e
    found = []
    with archive:
        for member in archive.namelist():
            if FILE_NAME.match(Path(member).name):
                target = scratch / path.stem / member
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                found.append(_source(target, f"{path}!{member}"))
    return found


def file_digest_and_lines(path: Path) -> tuple[str, int]:
    """The file's sha256 and its number of data lines (newlines after the header), in one read."""
    digest, newlines, last = hashlib.sha256(), 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    lines = newlines + (0 if last == b"\n" else 1)  # a last line without a newline counts
    return digest.hexdigest(), max(lines - 1, 0)


def _check_header(source: SourceFile) -> None:
    try:
        with open(source.path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline().rstrip("\r\n")
    except UnicodeDecodeError as e:
        raise InputFileError(InputProblem(source.label, 1, None, None, "UTF-8 text")) from e
    header = tuple(col.strip().strip('"') for col in first.split(","))
    if header != source.kind.header:
        raise InputFileError(InputProblem(
            source.label, 1, "header", first,
            f"the police.uk {source.kind.name} header: {','.join(source.kind.header)}",
        ))


def _read_csv_sql(kind: FileKind) -> str:
    """A read of one police.uk file as text columns c0..cN, each row with its first problem."""
    names = [f"c{i}" for i in range(len(kind.header))]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    problem = "case " + " ".join(
        f"when {check.bad_when} then {i}" for i, check in enumerate(kind.checks, start=1)
    ) + " end"
    return f"""(select *, {problem} as _problem from (
            select * from read_csv($path, header=false, skip=1, columns={columns},
                auto_detect=false, delim=',', quote='"', escape='"', strict_mode=true,
                null_padding=false, parallel=true) with ordinality))"""


def _file_error(source: SourceFile, error: duckdb.Error) -> InputFileError:
    line = re.search(r"[Ll]ine:? (\d+)", str(error))
    return InputFileError(InputProblem(
        source.label, int(line.group(1)) if line else None, None, None,
        f"a complete UTF-8 police.uk CSV with {len(source.kind.header)} columns on every line "
        f"(DuckDB said: {str(error).splitlines()[0]})",
    ))


def _load_rows(con: duckdb.DuckDBPyConnection, source: SourceFile, file_id: int,
               data_lines: int) -> tuple[int, int]:
    """Insert the file's good rows in one pass; read it again for quarantine only if some failed.

    ``data_lines`` (newlines after the header, counted while hashing) tells whether every row
    loaded without a second read of the file.
    """
    kind = source.kind
    params = {"path": str(source.path), "file_month": source.month.strftime("%Y-%m")}
    try:
        loaded = con.execute(
            f"""insert into {kind.table} (file_id, line, month, force, {', '.join(kind.insert_columns)})
            select $file_id, ordinality + 1, $month, $force, {', '.join(kind.select_expressions)}
            from {_read_csv_sql(kind)} where _problem is null""",
            {**params, "file_id": file_id, "month": source.month, "force": source.force},
        ).fetchall()[0][0]
    except duckdb.Error as e:
        raise _file_error(source, e) from e
    if loaded >= data_lines:
        return loaded, 0
    fields = "[" + ", ".join(f"'{c.field}'" for c in kind.checks) + "]"
    reasons = "[" + ", ".join("'" + c.reason.replace("'", "''") + "'" for c in kind.checks) + "]"
    value = "case _problem " + " ".join(
        f"when {i} then {c.column}" for i, c in enumerate(kind.checks, start=1)) + " end"
    raw = "to_json(struct_pack(" + ", ".join(
        f'"{h}" := c{i}' for i, h in enumerate(kind.header)) + "))::varchar"
    bad = con.execute(
        f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
        select $file_id, $label, ordinality + 1, {fields}[_problem], {value},
               {reasons}[_problem], {raw}
        from {_read_csv_sql(kind)} where _problem is not null""",
        {**params, "file_id": file_id, "label": source.label},
    ).fetchall()[0][0]
    return loaded, bad


def _replace_previous(con: duckdb.DuckDBPyConnection, source: SourceFile) -> bool:
    previous = [r[0] for r in con.execute(
        "select file_id from source_files where kind = ? and force = ? and month = ?",
        [source.kind.name, source.force, source.month]).fetchall()]
    for file_id in previous:
        con.execute(f"delete from {source.kind.table} where file_id = ?", [file_id])
        con.execute("delete from quarantine where file_id = ?", [file_id])
        con.execute("delete from source_files where file_id = ?", [file_id])
    return bool(previous)


def ingest_police_uk(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Load police.uk files, folders and zips in one transaction; return what was done."""
    summary = IngestSummary()
    months: set[str] = set()
    forces: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="csphub-ingest-") as scratch:
        sources = discover(paths, Path(scratch))
        # Keep a national-scale load under ~2 GB: DuckDB spills to disk beyond its limit.
        previous_limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        con.execute(f"set memory_limit = '{INGEST_MEMORY_LIMIT}'")
        try:
            _ingest_all(con, sources, summary, months, forces, progress)
        finally:
            con.execute(f"set memory_limit = '{previous_limit}'")
    summary.months, summary.forces = sorted(months), sorted(forces)
    return summary


def _ingest_all(
    con: duckdb.DuckDBPyConnection, sources: list[SourceFile], summary: IngestSummary,
    months: set[str], forces: set[str], progress: Callable[[int, int], None] | None,
) -> None:
    with transaction(con):
        for done, source in enumerate(sources, start=1):
            _ingest_one(con, source, summary)
            months.add(source.month.strftime("%Y-%m"))
            forces.add(source.force)
            if progress:
                progress(done, len(sources))


def _ingest_one(con: duckdb.DuckDBPyConnection, source: SourceFile, summary: IngestSummary) -> None:
    digest, data_lines = file_digest_and_lines(source.path)
    if con.execute("select 1 from source_files where sha256 = ?", [digest]).fetchone():
        summary.files_skipped += 1
        return
    _check_header(source)
    if _replace_previous(con, source):
        summary.files_replaced += 1
    file_id = con.execute(
        "insert into source_files (kind, force, month, path, sha256, rows_loaded, rows_quarantined)"
        " values (?, ?, ?, ?, ?, 0, 0) returning file_id",
        [source.kind.name, source.force, source.month, source.label, digest],
    ).fetchall()[0][0]
    loaded, bad = _load_rows(con, source, file_id, data_lines)
    con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                [loaded, bad, file_id])
    summary.files_loaded += 1
    summary.rows_loaded += loaded
    summary.rows_quarantined += bad
