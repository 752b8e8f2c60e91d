"""Load data.police.uk extracts: street crime and ASB, outcomes, and stop and search.

Takes files, folders (searched recursively) and data.police.uk archive zips
(``YYYY-MM/YYYY-MM-<force>-street.csv`` inside). Every row is validated in DuckDB, set-wise:
rows that fail go to the ``quarantine`` table with file, line, field, value and reason, and the
rest load; a crime listed twice in a file (every field the same) is quarantined as a duplicate.
The same content (sha256) is never loaded twice; a re-issued file for the same kind,
force and month replaces the earlier one. A file whose path, size and modification time match
a file loaded before is skipped without being read (one that only changed its time is hashed,
skipped if its content is the same, and its new time recorded).

Files load in batches of whole files (about ``BATCH_BYTES`` each, one kind per batch), each
batch in its own transaction, with the replacing of the months it re-issues: a failure or a
kill keeps every file of the batches already committed, wholly, and nothing of the batch it
was in, so each file is loaded wholly or not at all, and running the same load again finishes
the rest. Everything is checked (names, headers, UTF-8) before the first batch is written.

Examples:
    >>> parse_file_name("2024-01-kent-street.csv")
    ('street', 'kent', datetime.date(2024, 1, 1))
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

import duckdb
import numpy as np

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

NEWLINE = ord("\n")
FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv$")

# Longitude/latitude bounds of the United Kingdom and Channel Islands, generously.
LONGITUDE_RANGE = (-8.7, 1.9)
LATITUDE_RANGE = (49.8, 60.9)
#: DuckDB's own memory during a load (it spills to disk beyond it). It caps DuckDB's buffers,
#: among them the table blocks it keeps cached as the warehouse grows, not the process: a
#: batch's parse and Python come on top, about 400 MB more (docs/performance.md).
INGEST_MEMORY_LIMIT = "800MB"

MEGABYTE = 1_000_000
#: The longest line DuckDB is asked to read (its own default): a longer one is an error naming
#: its line and field.
MAX_LINE_BYTES = 2_000_000
#: A member of an archive that deflate shrank more than this many times is taken for a zip bomb
#: (police.uk CSVs shrink about 4 times; deflate can shrink one letter repeated about 1,000
#: times). Members under RATIO_CHECKED_FROM bytes are not checked: they cannot do harm.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = MEGABYTE


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
    #: The raw column of police.uk's Crime ID, for kinds that have one: a row whose Crime ID is
    #: given and which repeats an earlier row of its file exactly is a duplicate.
    crime_id_column: str | None = None


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
    crime_id_column="c0",
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
    crime_id_column="c0",
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
    #: Of the rows quarantined, those that repeat an earlier row of their file exactly.
    rows_duplicated: int = 0
    #: Files with a header and no rows: nothing is loaded or registered for them.
    files_empty: list[str] = field(default_factory=list)
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
    #: Its size in bytes and modification time in nanoseconds (a zip member: its own size and
    #: the archive's time): a file whose path and stamp match a loaded one is not read again.
    size: int = 0
    mtime_ns: int = 0
    #: True when the path and stamp match a loaded file: skipped unread (a zip member: not
    #: extracted, so ``path`` does not exist).
    unchanged: bool = False

    @property
    def key(self) -> tuple[str, str, date]:
        """Kind, force and month: a later file with the same key replaces this one."""
        return self.kind.name, self.force, self.month


def parse_file_name(name: str) -> tuple[str, str, date]:
    """(kind, force, month) from a data.police.uk file name; ValueError if it is not one."""
    m = FILE_NAME.match(Path(name).name)
    if not m:
        raise ValueError(name)
    year, month, force, kind = m.groups()
    return kind, force, date(int(year), int(month), 1)


def _source(path: Path, label: str, stamp: tuple[int, int] | None = None,
            known: frozenset[tuple[str, int, int]] = frozenset()) -> SourceFile:
    """The file at ``path`` (a zip member already extracted there, or not when ``stamp``,
    the member's size and the archive's time, is known)."""
    if stamp is None:
        info = path.stat()
        stamp = (info.st_size, info.st_mtime_ns)
    try:
        kind, force, month = parse_file_name(path.name)
    except ValueError as e:
        raise InputFileError(InputProblem(
            label, None, "file name", path.name,
            "a data.police.uk file name: YYYY-MM-<force>-street.csv, -outcomes.csv or "
            "-stop-and-search.csv",
        )) from e
    return SourceFile(path, label, KINDS[kind], force, month, *stamp,
                      unchanged=(label, *stamp) in known)


@dataclass(frozen=True)
class ArchiveLimits:
    """How much one load may extract from archives (``CSPHUB_ARCHIVE_MAX_MB`` and
    ``CSPHUB_ARCHIVE_MAX_FILES``), counting only the police.uk files in them (nothing else is
    extracted). Checked against each archive's directory before anything of it is extracted,
    then against the bytes actually written, so an archive that lies about its sizes stops too.

    Examples:
        >>> ArchiveLimits.from_megabytes(20_000, 20_000).max_bytes
        20000000000
    """

    max_bytes: int = 20_000 * MEGABYTE
    max_files: int = 20_000

    @classmethod
    def from_megabytes(cls, megabytes: int, files: int) -> ArchiveLimits:
        return cls(megabytes * MEGABYTE, files)


@dataclass
class _Extracted:
    """What this load has extracted so far, against its limits, and the (label, size,
    mtime_ns) stamps of the files already loaded (files matching one are not read)."""

    limits: ArchiveLimits
    files: int = 0
    bytes: int = 0
    known: frozenset[tuple[str, int, int]] = frozenset()


def discover(paths: Iterable[Path], scratch: Path,
             limits: ArchiveLimits | _Extracted | None = None,
             known: Iterable[tuple[str, int, int]] = ()) -> list[SourceFile]:
    """Every police.uk CSV in the given files, folders and zips (zips extracted into scratch).

    A file whose (label, size, mtime_ns) is in ``known`` comes back marked ``unchanged``, and
    a zip member so marked is not extracted.
    """
    extracted = limits if isinstance(limits, _Extracted) else _Extracted(
        limits or ArchiveLimits(), known=frozenset(known))
    found: list[SourceFile] = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputFileError(InputProblem(str(path), None, None, None, "an existing file or folder"))
        if path.is_dir():
            inner = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".csv", ".zip"})
            found += discover([p for p in inner if FILE_NAME.match(p.name) or p.suffix == ".zip"],
                              scratch, extracted)
        elif path.suffix.lower() == ".zip":
            found += _extract_zip(path, scratch, extracted)
        else:
            found.append(_source(path, str(path), known=extracted.known))
    return sorted(found, key=lambda s: (s.month, s.force, s.kind.name))


def _extract_zip(path: Path, scratch: Path, extracted: _Extracted) -> list[SourceFile]:
    """Extract the archive's police.uk files into a folder of their own under ``scratch``.

    Every member is checked before any is written: its path must stay inside that folder (no
    ``../`` or absolute names: "zip slip"), it must not be a zip bomb, and the load's limits
    must hold. Members that are not police.uk files are never extracted.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputFileError(InputProblem(str(path), None, None, None, "a readable zip archive")) from e
    with archive:
        members = [info for info in archive.infolist()
                   if not info.is_dir() and FILE_NAME.match(PurePosixPath(info.filename).name)]
        folder = Path(tempfile.mkdtemp(prefix="archive-", dir=scratch)).resolve()
        targets = [_member_target(path, folder, info) for info in members]
        archive_time = path.stat().st_mtime_ns
        found = [_source(target, f"{path}!{info.filename}", (info.file_size, archive_time),
                         extracted.known) for info, target in zip(members, targets, strict=True)]
        _check_limits(path, [info for info, source in zip(members, found, strict=True)
                             if not source.unchanged], extracted)
        for info, source in zip(members, found, strict=True):
            if not source.unchanged:
                _extract_member(archive, info, source.path, source.label, extracted)
    return found


def _member_target(path: Path, folder: Path, info: zipfile.ZipInfo) -> Path:
    """Where a member is extracted; refused when its name leads out of ``folder``."""
    target = (folder / info.filename).resolve()
    if not target.is_relative_to(folder):
        raise InputFileError(InputProblem(
            f"{path}!{info.filename}", None, "member name", info.filename,
            f"a member inside the archive's own folders: it would be written to {target}, "
            f"outside the scratch folder {folder}; nothing was extracted"))
    return target


def _check_limits(path: Path, members: list[zipfile.ZipInfo], extracted: _Extracted) -> None:
    """Refuse a zip bomb, or an archive that would take the load past its limits, from the
    archive's directory alone: before anything of it is written."""
    limits = extracted.limits
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise InputFileError(InputProblem(
                f"{path}!{info.filename}", None, None,
                f"{info.file_size:,} bytes compressed to {info.compress_size:,}",
                f"a file that compressed at most {MAX_COMPRESSION_RATIO} times (police.uk files "
                f"compress about 4 times; this one {ratio:,.0f} times, as a zip bomb does); "
                "nothing was extracted from this archive"))
    files = extracted.files + len(members)
    if files > limits.max_files:
        raise InputFileError(InputProblem(
            str(path), None, None, f"{files:,} police.uk files to extract in this load",
            f"at most {limits.max_files:,} police.uk files extracted from archives in one load "
            "(CSPHUB_ARCHIVE_MAX_FILES); nothing was extracted from this archive"))
    size = extracted.bytes + sum(info.file_size for info in members)
    if size > limits.max_bytes:
        raise InputFileError(InputProblem(
            str(path), None, None, f"{size:,} bytes once extracted",
            _size_expected(limits) + "; nothing was extracted from this archive"))


def _size_expected(limits: ArchiveLimits) -> str:
    return (f"at most {limits.max_bytes:,} bytes extracted from archives in one load "
            "(CSPHUB_ARCHIVE_MAX_MB)")


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, label: str,
                    extracted: _Extracted) -> None:
    """Copy one member out, counting its bytes against its stated size and the load's limit."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > info.file_size or extracted.bytes + written > extracted.limits.max_bytes:
                    raise InputFileError(InputProblem(
                        label, None, None, f"more than the {info.file_size:,} bytes it declares",
                        f"a member no larger than the archive says, and {_size_expected(extracted.limits)}"))
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise InputFileError(InputProblem(
            label, None, None, None, f"a readable zip archive member ({e})")) from e
    extracted.files += 1
    extracted.bytes += written


@dataclass(frozen=True)
class FileScan:
    """What one read of a file's bytes tells, before DuckDB reads it."""

    digest: str  # sha256
    data_lines: int  # newlines after the header: the rows, unless a quoted value spans lines
    not_utf8_at: int | None  # offset of the first byte that is not UTF-8; None when all are


def scan_file(path: Path) -> FileScan:
    """The file's sha256, its data lines and its first byte that is not UTF-8, in one read.

    DuckDB is not left to find bytes that are not UTF-8: it names no field, and in some
    statements fails with an internal error that invalidates the whole connection.
    """
    digest, newlines, last = hashlib.sha256(), 0, b"\n"
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, bad = 0, None
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            data = np.frombuffer(chunk, dtype=np.uint8)
            # numpy counts twice as fast as bytes.count and, unlike it, lets other threads run
            newlines += int(np.count_nonzero(data == NEWLINE))
            # Most police.uk files are ASCII: decode only the chunks that are not (or that end a
            # character the chunk before began).
            if bad is None and (decoder.getstate()[0] or int(data.max()) >= 0x80):
                bad = _first_bad_byte(decoder, chunk, offset)
            offset += len(chunk)
            last = chunk[-1:]
    if bad is None:
        bad = _first_bad_byte(decoder, b"", offset, final=True)
    lines = newlines + (0 if last == b"\n" else 1)  # a last line without a newline counts
    return FileScan(digest.hexdigest(), max(lines - 1, 0), bad)


def _first_bad_byte(decoder: codecs.IncrementalDecoder, chunk: bytes, offset: int,
                    final: bool = False) -> int | None:
    pending = len(decoder.getstate()[0])  # bytes of a character begun in the chunk before
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError as e:
        return offset - pending + e.start
    return None


def _line_at(path: Path, offset: int) -> tuple[int, bytes]:
    """The number (from 1) and the bytes of the physical line holding the byte at ``offset``."""
    number, start, position = 1, 0, 0
    with open(path, "rb") as handle:
        while position < offset:
            chunk = handle.read(min(1 << 20, offset - position))
            if newlines := chunk.count(b"\n"):
                number += newlines
                start = position + chunk.rindex(b"\n") + 1
            position += len(chunk)
        handle.seek(start)
        return number, handle.readline()


def _not_utf8(source: SourceFile, offset: int) -> InputFileError:
    """The error for a byte that is not UTF-8, naming its line, field and the byte."""
    number, line = _line_at(source.path, offset)
    with open(source.path, "rb") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
    text = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
    fields = next(csv.reader([text]), [])
    index = next((i for i, value in enumerate(fields) if re.search("[\udc80-\udcff]", value)), None)
    name = "header" if number == 1 else (
        source.kind.header[index] if index is not None and index < len(source.kind.header) else None)
    shown = fields[index] if index is not None else text
    return InputFileError(InputProblem(
        source.label, number, name, shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
        f"UTF-8 text (byte 0x{byte:02x} is not UTF-8: the file may have been saved as "
        "Windows-1252 or Latin-1; save it as UTF-8)"))


def _check_header(source: SourceFile) -> None:
    with open(source.path, "rb") as handle:  # UTF-8 already checked by scan_file
        first = handle.readline(1 << 16).decode("utf-8-sig", "replace").rstrip("\r\n")
    header = tuple(col.strip().strip('"') for col in first.split(","))
    if header != source.kind.header:
        raise InputFileError(InputProblem(
            source.label, 1, "header", first,
            f"the police.uk {source.kind.name} header: {','.join(source.kind.header)}",
        ))


def _problem_sql(kind: FileKind, file_month: str) -> str:
    """SQL giving a row's first problem (1-based index into ``kind.checks``), NULL when good."""
    return "case " + " ".join(
        f"when {check.bad_when.replace('$file_month', file_month)} then {i}"
        for i, check in enumerate(kind.checks, start=1)
    ) + " end"


def _read_csv_sql(kind: FileKind, paths: str, *, filename: bool = False) -> str:
    """A strict read of police.uk files (skipping each header) as text columns c0..cN."""
    names = [f"c{i}" for i in range(len(kind.header))]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    return f"""read_csv({paths}, header=false, skip=1, columns={columns},
                auto_detect=false, delim=',', quote='"', escape='"', strict_mode=true,
                null_padding=false, parallel=true, max_line_size={MAX_LINE_BYTES},
                filename={str(filename).lower()})"""


def _file_error(sources: list[SourceFile], error: duckdb.Error) -> InputFileError:
    """The error for a file DuckDB could not read, naming the file (DuckDB says which) and line."""
    text = str(error)
    line = re.search(r"[Ll]ine:? (\d+)", text)
    named = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
    by_path = {str(s.path): s for s in sources}
    source = by_path.get(named.group(1).strip()) if named else None
    if source is None and len(sources) == 1:
        source = sources[0]
    for candidate in [source] if source else sources:
        if problem := _diagnose(candidate):
            return InputFileError(problem)
    label = source.label if source else f"one of {len(sources)} files ({sources[0].label}, ...)"
    kind = sources[0].kind
    return InputFileError(InputProblem(
        label, int(line.group(1)) if line else None, None, None,
        f"a complete UTF-8 police.uk CSV with {len(kind.header)} columns on every line "
        f"(DuckDB said: {text.splitlines()[0]})",
    ))


def _diagnose(source: SourceFile) -> InputProblem | None:
    """The first line of a file DuckDB could not read, and what is wrong with it; None when
    Python's csv module finds nothing wrong (DuckDB's own message is then all there is)."""
    limit = csv.field_size_limit(2**31 - 1)  # to measure an oversized field, not stop at it
    try:
        with open(source.path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            end = 0
            try:
                for record in reader:
                    start, end = end + 1, reader.line_num
                    if start > 1 and (problem := _record_problem(source, start, record)):
                        return problem
            except csv.Error as e:
                return InputProblem(
                    source.label, end + 1, None, None,
                    f"a complete CSV line ({e}: a quote opened and not closed, or a file cut short?)")
    finally:
        csv.field_size_limit(limit)
    return None


def _record_problem(source: SourceFile, line: int, record: list[str]) -> InputProblem | None:
    header = source.kind.header
    sizes = [len(value.encode("utf-8", "surrogateescape")) for value in record]
    if sum(sizes) + len(record) > MAX_LINE_BYTES:
        index = max(range(len(record)), key=sizes.__getitem__)
        name = header[index] if index < len(header) else f"field {index + 1}"
        return InputProblem(
            source.label, line, name, record[index][:40] + "...",
            f"a value of at most {MAX_LINE_BYTES:,} bytes, the longest line DuckDB reads "
            f"(this one is {sizes[index]:,} bytes)")
    if record and len(record) != len(header):
        return InputProblem(
            source.label, line, None, f"{len(record)} fields",
            f"{len(header)} columns on every line, as the police.uk {source.kind.name} header "
            "has (a file cut short, or a stray comma or quote?)")
    return None


@dataclass
class _Load:
    """One file this call will load, and what became of its rows."""

    source: SourceFile
    digest: str
    data_lines: int  # newlines after the header: the rows, unless a quoted value spans lines
    file_id: int = 0
    loaded: int = 0
    quarantined: int = 0
    crime_ids_repeat: bool = False  # some Crime ID is given on more than one row
    duplicated: int = 0  # rows quarantined as exact repeats of an earlier row


#: Files are loaded in batches of about this many bytes, one statement and one transaction per
#: batch and kind: DuckDB reads a batch's files in parallel; the progress bar follows DuckDB
#: through each. At 6 million rows, 512 MB batches peaked at 806 MB, 256 MB at 709 MB.
BATCH_BYTES = 256 << 20


def _batches(loads: list[_Load]) -> list[list[_Load]]:
    batches: list[list[_Load]] = []
    for kind in KINDS.values():
        size, batch = 0, []
        for load in (x for x in loads if x.source.kind is kind):
            batch.append(load)
            size += load.source.size
            if size >= BATCH_BYTES:
                batches.append(batch)
                size, batch = 0, []
        if batch:
            batches.append(batch)
    return batches


def _load_batch(con: duckdb.DuckDBPyConnection, batch: list[_Load]) -> None:
    """Insert the good rows of every file in the batch in one statement; count them per file.

    Each row learns its file's id, month and force by joining the file name DuckDB reads with
    ``_ingest_files``, so many files load in one parallel scan instead of one statement each.
    """
    kind = batch[0].source.kind
    select = ", ".join(kind.select_expressions)
    try:
        inserted = con.execute(
            f"""insert into {kind.table} (file_id, month, force, {', '.join(kind.insert_columns)})
            select f.file_id, f.month, f.force, {select}
            from {_read_csv_sql(kind, '$paths', filename=True)} r
            join _ingest_files f on r.filename = f.path
            where ({_problem_sql(kind, 'f.file_month')}) is null""",
            {"paths": [str(load.source.path) for load in batch]},
        ).fetchall()[0][0]
    except duckdb.Error as e:
        raise _file_error([load.source for load in batch], e) from e
    by_id = {load.file_id: load for load in batch}
    # The batch's file ids are one run of the sequence, above every earlier file's: a range
    # lets DuckDB skip the row groups of earlier batches (an IN list would read the whole
    # table again after every batch, and a load would slow down as the warehouse grows).
    ids = {"ids": list(by_id), "first": min(by_id), "last": max(by_id)}
    in_batch = "file_id between $first and $last and file_id in (select unnest($ids))"
    if inserted == sum(load.data_lines for load in batch):
        # No file has more rows than data lines, so when the batch has as many rows as lines
        # every file loaded all of its lines: nothing to count.
        for load in batch:
            load.loaded = load.data_lines
    else:
        for file_id, loaded in con.execute(
            f"select file_id, count(*) from {kind.table} where {in_batch} group by file_id", ids,
        ).fetchall():
            by_id[file_id].loaded = loaded
    if kind.crime_id_column:
        # A Crime ID given twice in a file (police.uk's are unique in one) sends the file to
        # _quarantine to look for exact duplicates: about 0.26 s of 3.6 s for 2 million rows.
        for (file_id,) in con.execute(
            f"select distinct file_id from (select file_id, crime_id from {kind.table} "
            f"where {in_batch} and crime_id is not null group by all having count(*) > 1)", ids,
        ).fetchall():
            by_id[file_id].crime_ids_repeat = True


def _quarantine(con: duckdb.DuckDBPyConnection, load: _Load) -> None:
    """Read one file again, numbering its rows, and put every bad row in quarantine.

    When its rows repeat a Crime ID, exact repeats of an earlier row (every field the same)
    are quarantined too, as "duplicate of line N", and the file's rows are loaded again
    without them.
    """
    kind, source = load.source.kind, load.source
    fields = "[" + ", ".join(f"'{c.field}'" for c in kind.checks) + "]"
    reasons = "[" + ", ".join("'" + c.reason.replace("'", "''") + "'" for c in kind.checks) + "]"
    value = "case _problem " + " ".join(
        f"when {i} then {c.column}" for i, c in enumerate(kind.checks, start=1)) + " end"
    raw = "to_json(struct_pack(" + ", ".join(
        f'"{h}" := c{i}' for i, h in enumerate(kind.header)) + "))::varchar"
    params = {"path": str(source.path), "file_month": source.month.strftime("%Y-%m"),
              "file_id": load.file_id, "label": source.label}
    numbered = f"""select *, ordinality + 1 as _line, {_problem_sql(kind, '$file_month')} as _problem
                   from {_read_csv_sql(kind, '$path')} with ordinality"""
    dedupe = bool(kind.crime_id_column and load.crime_ids_repeat)
    try:
        if not dedupe:
            load.quarantined = con.execute(
                f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
                select $file_id, $label, _line, {fields}[_problem], {value}, {reasons}[_problem], {raw}
                from ({numbered}) where _problem is not null""", params).fetchall()[0][0]
            return
        _quarantine_with_duplicates(con, load, numbered, params,
                                    (fields, value, reasons, raw))
    except duckdb.Error as e:
        raise _file_error([source], e) from e


def _quarantine_with_duplicates(con: duckdb.DuckDBPyConnection, load: _Load, numbered: str,
                                params: dict, quarantined: tuple[str, str, str, str]) -> None:
    kind = load.source.kind
    fields, value, reasons, raw = quarantined
    columns = ", ".join(f"c{i}" for i in range(len(kind.header)))
    # Identical rows pass or fail the same checks, so the first of a set of good twins is good.
    con.execute(
        f"""create or replace temp table _numbered as
        select *, case when _problem is null and {kind.crime_id_column} is not null
                       then min(_line) over (partition by {columns}) end as _first
        from ({numbered})""", {"path": params["path"], "file_month": params["file_month"]})
    load.quarantined = con.execute(
        f"""insert into quarantine (file_id, file, line, field, value, reason, raw_row)
        select $file_id, $label, _line, {fields}[_problem], {value}, {reasons}[_problem], {raw}
        from _numbered where _problem is not null
        union all
        select $file_id, $label, _line, 'Crime ID', {kind.crime_id_column},
               'duplicate of line ' || _first, {raw}
        from _numbered where _first < _line""",
        {"file_id": load.file_id, "label": load.source.label}).fetchall()[0][0]
    load.duplicated = con.execute("select count(*) from _numbered where _first < _line").fetchall()[0][0]
    if load.duplicated:
        con.execute(f"delete from {kind.table} where file_id = $file_id", {"file_id": load.file_id})
        load.loaded = con.execute(
            f"""insert into {kind.table} (file_id, month, force, {', '.join(kind.insert_columns)})
            select $file_id, $month, $force, {', '.join(kind.select_expressions)}
            from _numbered where _problem is null and (_first is null or _first = _line)""",
            {"file_id": load.file_id, "month": load.source.month, "force": load.source.force},
        ).fetchall()[0][0]
    con.execute("drop table _numbered")


def ingest_police_uk(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    progress: Callable[[float, int], None] | None = None,
    *,
    scratch: Path | None = None,
    limits: ArchiveLimits | None = None,
) -> IngestSummary:
    """Load police.uk files, folders and zips, one transaction per batch of whole files;
    return what was done.

    A file whose path, size and modification time match a file already loaded is skipped
    without being read. ``progress(done, total)`` counts files: those skipped at once, then
    the files of each batch as DuckDB works through it (``done`` may then be fractional), the
    last report of a batch coming before it commits. Archives are extracted into a folder of
    this load's own under ``scratch`` (default: :func:`default_scratch`), removed at the end
    whatever happens, within ``limits``.
    """
    summary = IngestSummary()
    root = scratch if scratch is not None else default_scratch(con)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="police-uk-", dir=root) as folder:
        sources = discover(paths, Path(folder), limits, known=_loaded_stamps(con))
        unchanged = [s for s in sources if s.unchanged]
        summary.files_skipped += len(unchanged)
        examined = _examine([s for s in sources if not s.unchanged])
        summary.files_empty = [x.source.label for x in examined if x.data_lines == 0]
        empty = {id(x.source) for x in examined if x.data_lines == 0}
        loads, restamped = _plan(con, [x for x in examined if x.data_lines > 0],
                                 [s for s in sources if id(s) not in empty], summary)
        _restamp(con, restamped)
        if progress:
            progress(len(sources) - len(loads), len(sources))
        with _ingest_settings(con):
            summary.files_replaced += _load_all(con, loads, len(sources), progress)
    for load in loads:
        summary.files_loaded += 1
        summary.rows_loaded += load.loaded
        summary.rows_quarantined += load.quarantined
        summary.rows_duplicated += load.duplicated
    kept = unchanged + [x.source for x in examined if x.data_lines > 0]
    summary.months = sorted({s.month.strftime("%Y-%m") for s in kept})
    summary.forces = sorted({s.force for s in kept})
    return summary


#: DuckDB's threads during a load: its memory grows with its threads (each buffers a CSV
#: chunk and its share of the insert), and a 2-core machine gains nothing from more.
INGEST_THREADS = 2


@contextmanager
def _ingest_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's settings for a load, and back to the caller's afterwards.

    DuckDB keeps its buffers under ``memory_limit`` (spilling to disk beyond it), but not the
    whole process: the batches' commits, the threads and Python's own memory come on top. Rows
    are written in any order (nothing depends on the order of rows in a table), and DuckDB
    tracks its progress through a statement only with its progress bar on (not printed).
    """
    settings = {"memory_limit": INGEST_MEMORY_LIMIT, "preserve_insertion_order": "false",
                "threads": str(min(INGEST_THREADS, os.cpu_count() or 1)),
                "enable_progress_bar": "true", "enable_progress_bar_print": "false"}
    previous = {name: con.execute(f"select current_setting('{name}')").fetchall()[0][0]
                for name in settings}
    for name, value in settings.items():
        con.execute(f"set {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in previous.items():
            con.execute(f"set {name} = '{value}'")


def _loaded_stamps(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every police.uk file loaded (schema 4 records them)."""
    return set(con.execute(
        "select path, size_bytes, mtime_ns from source_files where kind in (select unnest($k)) "
        "and size_bytes is not null and mtime_ns is not null", {"k": list(KINDS)}).fetchall())


def default_scratch(con: duckdb.DuckDBPyConnection) -> Path:
    """``scratch`` beside the warehouse file (the system temporary folder for one in memory).

    The command line passes ``$CSPHUB_DATA_DIR/scratch`` instead, and sweeps it at the start of
    each load (see :mod:`csphub.analytics.loads`).
    """
    row = con.execute("select path from duckdb_databases() "
                      "where database_name = current_database()").fetchone()
    if row and row[0]:
        return Path(row[0]).resolve().parent / "scratch"
    return Path(tempfile.gettempdir())


def _examine(sources: list[SourceFile]) -> list[_Load]:
    """Hash and count every file and check its text is UTF-8 (in parallel threads), and check
    its header, before any write."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        scans = list(pool.map(lambda s: scan_file(s.path), sources))
    for source, scan in zip(sources, scans, strict=True):
        if scan.not_utf8_at is not None:
            raise _not_utf8(source, scan.not_utf8_at)
        _check_header(source)
    return [_Load(source, scan.digest, scan.data_lines)
            for source, scan in zip(sources, scans, strict=True)]


def _plan(con: duckdb.DuckDBPyConnection, examined: list[_Load], named: list[SourceFile],
          summary: IngestSummary) -> tuple[list[_Load], list[_Load]]:
    """The files to load: not already loaded (by content), and the last one named for its
    month; and the files skipped for their content, whose new size and time to record.

    When one call names two different files for the same kind, force and month, the last one
    named wins and the earlier counts as replaced; if that last one is already in the
    warehouse (by content, or by path, size and time: ``named`` holds every file with rows in
    the order named, those skipped unread too), nothing changes for that month (so running the
    same load again does nothing).
    """
    known = {row[0] for row in con.execute(
        "select sha256 from source_files where sha256 in (select unnest($d))",
        {"d": [x.digest for x in examined]}).fetchall()}
    last = {source.key: source for source in named}
    loads: list[_Load] = []
    seen: set[str] = set()
    restamped: list[_Load] = []
    for load in examined:
        if load.digest in known or load.digest in seen:
            summary.files_skipped += 1
            restamped.append(load)
        elif last[load.source.key] is not load.source:
            summary.files_replaced += 1  # superseded by a later file for the same month
        else:
            loads.append(load)
        seen.add(load.digest)
    return loads, restamped


def _restamp(con: duckdb.DuckDBPyConnection, skipped: list[_Load]) -> None:
    """Record the size and time of files skipped for their content (touched, or copied back
    unchanged), so the next run skips them unread."""
    if not skipped:
        return
    with transaction(con):
        con.execute(
            "update source_files s set size_bytes = f.size, mtime_ns = f.mtime from (select "
            "unnest($path) as path, unnest($sha) as sha256, unnest($size) as size, "
            "unnest($mtime) as mtime) f where s.path = f.path and s.sha256 = f.sha256",
            {"path": [x.source.label for x in skipped], "sha": [x.digest for x in skipped],
             "size": [x.source.size for x in skipped],
             "mtime": [x.source.mtime_ns for x in skipped]})


def _load_all(con: duckdb.DuckDBPyConnection, loads: list[_Load], total: int,
              progress: Callable[[float, int], None] | None) -> int:
    """Load the files batch by batch, each batch of whole files in its own transaction;
    return how many files replaced an earlier one.

    A batch commits only once all its files are in, so a load that dies keeps each file
    wholly or not at all, and the next run (which skips what is loaded) finishes the rest.
    """
    done, replaced = total - len(loads), 0
    for batch in _batches(loads):
        with transaction(con):
            replaced += _load_files(con, batch, done, total, progress)
            done += len(batch)
            if progress:
                progress(done, total)  # before the commit: the batch is written, not kept
        # DuckDB writes a large insert's rows straight to the file and checkpoints only when
        # its log passes 16 MB, which these commits (logging little more than where the rows
        # are) never reach: left alone, one checkpoint at the end takes memory in proportion
        # to the whole load. One per batch keeps the peak to a batch's.
        con.execute("CHECKPOINT")
    return replaced


def _load_files(con: duckdb.DuckDBPyConnection, batch: list[_Load], done: int, total: int,
                progress: Callable[[float, int], None] | None) -> int:
    """Within the caller's transaction: replace the months the batch re-issues, register its
    files and load them; return how many replaced an earlier file."""
    _register(con, batch)
    replaced = _replace_previous(con)
    con.execute(
        "insert into source_files (file_id, kind, force, month, path, sha256, rows_loaded, "
        "rows_quarantined, size_bytes, mtime_ns) select file_id, kind, force, month, label, "
        "sha256, 0, 0, size_bytes, mtime_ns from _ingest_files order by seq")
    with _following(con, progress, done, len(batch), total):
        _load_batch(con, batch)
    for load in batch:
        # Some rows failed, or a Crime ID repeats: find the rows and say why.
        if load.loaded < load.data_lines or load.crime_ids_repeat:
            _quarantine(con, load)
    con.execute(
        "update source_files s set rows_loaded = c.loaded, rows_quarantined = c.bad from "
        "(select unnest($ids) as file_id, unnest($loaded) as loaded, unnest($bad) as bad) c "
        "where s.file_id = c.file_id",
        {"ids": [x.file_id for x in batch], "loaded": [x.loaded for x in batch],
         "bad": [x.quarantined for x in batch]})
    con.execute("drop table _ingest_files")
    return replaced


@contextmanager
def _following(con: duckdb.DuckDBPyConnection, progress: Callable[[float, int], None] | None,
               done: int, batch: int, total: int, every: float = 0.2) -> Iterator[None]:
    """While the block's statement loads ``batch`` files, report ``done`` plus the share of
    them DuckDB has got through, from a second thread every ``every`` seconds. A report that
    fails stops the reports, not the load."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(every):
            try:
                percent = con.query_progress()
                if percent >= 0:
                    progress(done + batch * min(percent, 100.0) / 100, total)
            except Exception:  # noqa: BLE001 (a progress bar must never break a load)
                return

    thread = threading.Thread(target=poll, name="csphub-ingest-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _register(con: duckdb.DuckDBPyConnection, loads: list[_Load]) -> None:
    """The files of this load, each given its file id, in a temporary table the loading
    statements join to."""
    con.execute("create or replace temp table _ingest_files (seq INTEGER, path VARCHAR, "
                "label VARCHAR, sha256 VARCHAR, kind VARCHAR, month DATE, force VARCHAR, "
                "file_month VARCHAR, size_bytes BIGINT, mtime_ns BIGINT, file_id INTEGER)")
    columns = {
        "seq": list(range(len(loads))),
        "path": [str(x.source.path) for x in loads],
        "label": [x.source.label for x in loads],
        "sha256": [x.digest for x in loads],
        "kind": [x.source.kind.name for x in loads],
        "month": [x.source.month for x in loads],
        "force": [x.source.force for x in loads],
        "file_month": [x.source.month.strftime("%Y-%m") for x in loads],
        "size_bytes": [x.source.size for x in loads],
        "mtime_ns": [x.source.mtime_ns for x in loads],
    }
    con.execute(
        f"insert into _ingest_files select {', '.join(f'unnest(${c})' for c in columns)}, "
        "nextval('source_file_ids')", columns)
    ids = dict(con.execute("select seq, file_id from _ingest_files").fetchall())
    for seq, load in enumerate(loads):
        load.file_id = ids[seq]


def _replace_previous(con: duckdb.DuckDBPyConnection) -> int:
    """Delete what earlier loads kept for the kinds, forces and months in ``_ingest_files``.

    Returns how many of this load's files replace an earlier one.
    """
    previous = con.execute(
        "select s.file_id, s.kind, f.path from source_files s join _ingest_files f "
        "on s.kind = f.kind and s.force = f.force and s.month = f.month").fetchall()
    ids = [file_id for file_id, _, _ in previous]
    if not ids:
        return 0
    for kind in KINDS.values():
        of_kind = [file_id for file_id, name, _ in previous if name == kind.name]
        if of_kind:
            con.execute(f"delete from {kind.table} where file_id between $first and $last "
                        "and file_id in (select unnest($ids))",
                        {"ids": of_kind, "first": min(of_kind), "last": max(of_kind)})
    con.execute("delete from quarantine where file_id in (select unnest($ids))", {"ids": ids})
    con.execute("delete from source_files where file_id in (select unnest($ids))", {"ids": ids})
    return len({path for _, _, path in previous})
