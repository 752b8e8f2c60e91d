"""The DuckDB warehouse: one file, one schema, one way to write.

All writes go through :func:`transaction`, which commits or rolls back and re-raises, so a
load that fails part-way leaves the warehouse exactly as it was. Measures read it through
:mod:`csphub.analytics.query`, whose errors name the measure and the SQL. The SQL is DuckDB's;
docs/adr/0003-scale-out.md says when and how a partnership would move to another engine.

Examples:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "w.duckdb"
    >>> with open_warehouse(path) as con:
    ...     con.execute("select count(*) from street_crime").fetchone()
    (0,)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from csphub.errors import ConfigurationError

SCHEMA_VERSION = 5

# The tables every part of CSP Hub relies on. Loaders may add tables; they change these
# columns only by bumping SCHEMA_VERSION with a migration in MIGRATIONS below. SCHEMA is always
# the newest schema (a new warehouse gets it whole); MIGRATIONS bring an older file up to it.
# ASB incidents from a partner's own records (council ASB team, police command and control),
# which, unlike police.uk's ASB, carry the incident type. One row per incident.
PARTNER_ASB_TABLE = """CREATE TABLE IF NOT EXISTS partner_asb (
        file_id INTEGER NOT NULL,
        line INTEGER NOT NULL,           -- physical line of the file (the header is line 1)
        source VARCHAR NOT NULL,         -- the partner, e.g. 'Medway Council ASB team'
        incident_ref VARCHAR,
        incident_date DATE NOT NULL,
        incident_at TIMESTAMP,           -- date and time, when a time was given
        month DATE NOT NULL,             -- first day of the incident's month
        incident_type VARCHAR NOT NULL,  -- as recorded (known types in a standard spelling);
                                         -- 'Not recorded' when empty
        national_category VARCHAR,       -- 'Personal', 'Nuisance', 'Environmental' or NULL
        lsoa_code VARCHAR,               -- as given, or found from the coordinates; NULL when
                                         -- the point lies in no LSOA boundary loaded
        longitude DOUBLE,                -- WGS84, as given or converted from easting/northing
        latitude DOUBLE,
        easting DOUBLE,                  -- British National Grid (OSGB36), as given
        northing DOUBLE,
        location_source VARCHAR NOT NULL -- 'lsoa', 'easting/northing' or 'latitude/longitude'
    )"""

# Published benchmarks (schema 5; csphub ingest css-table, csphub ingest msg).
# The ONS Crime Severity Score data tool: one row per area and financial year.
CSS_PUBLISHED_TABLE = """CREATE TABLE IF NOT EXISTS css_published (
        file_id INTEGER NOT NULL,
        line INTEGER,                    -- line (CSV) or row (Excel) of the file
        sheet VARCHAR,                   -- Excel sheet, NULL for CSV
        area_code VARCHAR NOT NULL,
        area_name VARCHAR,
        area_type VARCHAR NOT NULL,      -- 'csp', 'pfa', 'country' (England and Wales) or 'other'
        financial_year VARCHAR NOT NULL, -- '2022/23' for the year ending March 2023
        value DOUBLE,                    -- NULL when ONS marks it not available
        marker VARCHAR,                  -- the ONS marker of a missing value, e.g. '[x]'
        PRIMARY KEY (area_code, financial_year)
    )"""
# Most Similar Groups: an area and its most similar areas, in order (1 = most similar).
MSG_TABLE = """CREATE TABLE IF NOT EXISTS most_similar_groups (
        file_id INTEGER NOT NULL,
        line INTEGER,
        subject_code VARCHAR,
        subject_name VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        peer_code VARCHAR,
        peer_name VARCHAR NOT NULL
    )"""

SCHEMA: list[str] = [
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    # --- geography -------------------------------------------------------------------
    # One row per LSOA per lookup vintage: LSOA (2011 or 2021) -> ward (of a given year)
    # -> local authority. Several vintages live side by side.
    """CREATE TABLE IF NOT EXISTS lsoa_ward_lookup (
        lsoa_code VARCHAR NOT NULL,
        lsoa_name VARCHAR,
        lsoa_vintage VARCHAR NOT NULL,   -- '2011' or '2021'
        ward_code VARCHAR NOT NULL,
        ward_name VARCHAR,
        ward_vintage VARCHAR NOT NULL,   -- year of the ward boundaries, e.g. '2022', '2023'
        lad_code VARCHAR NOT NULL,
        lad_name VARCHAR,
        lad_vintage VARCHAR,
        source_file VARCHAR,
        PRIMARY KEY (lsoa_code, lsoa_vintage, ward_vintage)
    )""",
    # ONS LSOA 2011 -> LSOA 2021 best-fit lookup (splits and merges: change_code S/M/X/U).
    """CREATE TABLE IF NOT EXISTS lsoa11_lsoa21 (
        lsoa11_code VARCHAR NOT NULL,
        lsoa11_name VARCHAR,
        lsoa21_code VARCHAR NOT NULL,
        lsoa21_name VARCHAR,
        change_code VARCHAR,
        lad_code VARCHAR,
        lad_name VARCHAR,
        PRIMARY KEY (lsoa11_code, lsoa21_code)
    )""",
    """CREATE TABLE IF NOT EXISTS population (
        lsoa_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        population DOUBLE NOT NULL,
        source VARCHAR,
        PRIMARY KEY (lsoa_code, year)
    )""",
    # Boundaries in WGS84 as WKB (shapely reads them; no DuckDB spatial extension needed).
    """CREATE TABLE IF NOT EXISTS boundaries (
        kind VARCHAR NOT NULL,           -- 'lsoa' or 'ward'
        code VARCHAR NOT NULL,
        name VARCHAR,
        vintage VARCHAR NOT NULL,
        lad_code VARCHAR,
        geometry_wkb BLOB NOT NULL,
        source_file VARCHAR,
        PRIMARY KEY (kind, code, vintage)
    )""",
    # A partnership's area: a name and the local authority districts it covers.
    """CREATE TABLE IF NOT EXISTS areas (
        area_name VARCHAR NOT NULL,
        lad_code VARCHAR NOT NULL,
        PRIMARY KEY (area_name, lad_code)
    )""",
    # --- loads -----------------------------------------------------------------------
    "CREATE SEQUENCE IF NOT EXISTS source_file_ids START 1",
    # One row per file loaded. A file with the same content (sha256) is never loaded twice;
    # a re-issued file for the same kind, force and month replaces the earlier one.
    """CREATE TABLE IF NOT EXISTS source_files (
        file_id INTEGER PRIMARY KEY DEFAULT nextval('source_file_ids'),
        kind VARCHAR NOT NULL,           -- 'street', 'outcomes', 'stop-and-search', 'offence-counts',
                                         -- 'partner-asb', 'css-table', 'msg'
        force VARCHAR,                   -- data.police.uk force slug, e.g. 'kent'
        month DATE,                      -- first day of the month the file covers
        path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        rows_loaded BIGINT NOT NULL,
        rows_quarantined BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        source VARCHAR,                  -- the partner a partner file came from (schema 2)
        size_bytes BIGINT,               -- police.uk files: size and modification time (ns)
        mtime_ns BIGINT                  -- when loaded; a re-run skips a file whose path,
                                         -- size and time match, unread (schema 4)
    )""",
    # Rejected input rows: nothing is lost, everything says why.
    """CREATE TABLE IF NOT EXISTS quarantine (
        file_id INTEGER,
        file VARCHAR NOT NULL,
        line INTEGER,
        field VARCHAR,
        value VARCHAR,
        reason VARCHAR NOT NULL,
        raw_row VARCHAR,                 -- the whole row as JSON
        quarantined_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
    # --- police.uk -------------------------------------------------------------------
    # Street-level crime and ASB (ASB is crime_type 'Anti-social behaviour'). A row is traced to its
    # source by file_id (source_files); rows are not numbered (schema 3), quarantined rows are.
    # Crime IDs (64 random hex digits) are stored uncompressed: DuckDB's FSST halves them but
    # costs about 12% of a load's time (docs/performance.md); nothing but a join reads them.
    # A warehouse made before keeps its compressed column: the columns are the same.
    """CREATE TABLE IF NOT EXISTS street_crime (
        file_id INTEGER NOT NULL,
        crime_id VARCHAR USING COMPRESSION uncompressed,
        month DATE NOT NULL,
        force VARCHAR NOT NULL,
        reported_by VARCHAR,
        falls_within VARCHAR,
        longitude DOUBLE,
        latitude DOUBLE,
        location VARCHAR,
        lsoa_code VARCHAR,
        lsoa_name VARCHAR,
        crime_type VARCHAR NOT NULL,
        last_outcome VARCHAR,
        context VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS outcomes (
        file_id INTEGER NOT NULL,
        crime_id VARCHAR USING COMPRESSION uncompressed,
        month DATE NOT NULL,
        force VARCHAR NOT NULL,
        reported_by VARCHAR,
        falls_within VARCHAR,
        longitude DOUBLE,
        latitude DOUBLE,
        location VARCHAR,
        lsoa_code VARCHAR,
        lsoa_name VARCHAR,
        outcome_type VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS stop_search (
        file_id INTEGER NOT NULL,
        month DATE NOT NULL,
        force VARCHAR NOT NULL,
        search_type VARCHAR,
        searched_at TIMESTAMP,
        part_of_policing_operation VARCHAR,
        policing_operation VARCHAR,
        latitude DOUBLE,
        longitude DOUBLE,
        gender VARCHAR,
        age_range VARCHAR,
        self_defined_ethnicity VARCHAR,
        officer_defined_ethnicity VARCHAR,
        legislation VARCHAR,
        object_of_search VARCHAR,
        outcome VARCHAR,
        outcome_linked_to_object VARCHAR,
        removal_of_more_than_outer_clothing VARCHAR
    )""",
    # Home Office offence-code-level counts (e.g. the PRC tables), for the exact CSS.
    """CREATE TABLE IF NOT EXISTS offence_counts (
        file_id INTEGER NOT NULL,
        line INTEGER,
        area_code VARCHAR,               -- LAD or police force area code where known
        area_name VARCHAR NOT NULL,      -- e.g. 'Kent' (police force area) or 'Medway'
        area_type VARCHAR NOT NULL,      -- 'pfa', 'lad' or 'csp'
        financial_year VARCHAR NOT NULL, -- e.g. '2017/18'
        quarter INTEGER,                 -- 1..4 within the financial year, NULL for a whole year
        offence_code VARCHAR NOT NULL,
        offence_description VARCHAR,
        offence_group VARCHAR,
        offence_subgroup VARCHAR,
        count BIGINT NOT NULL
    )""",
    # --- partner data ----------------------------------------------------------------
    PARTNER_ASB_TABLE,
    # --- published benchmarks --------------------------------------------------------
    CSS_PUBLISHED_TABLE,
    MSG_TABLE,
]

#: version -> statements that bring a warehouse of the version before up to it, in order.
#: Each must be safe on a file whose tables SCHEMA has just created (IF NOT EXISTS).
MIGRATIONS: dict[int, list[str]] = {
    # 2: partner ASB incidents with their type (csphub ingest partner-asb); source_files.source.
    2: [
        "ALTER TABLE source_files ADD COLUMN IF NOT EXISTS source VARCHAR",
        PARTNER_ASB_TABLE,
    ],
    # 3: police.uk rows no longer carry their line number. Numbering rows as DuckDB reads them
    # (WITH ORDINALITY) doubled the time of a national load; quarantined rows keep their line.
    3: [f"ALTER TABLE {table} DROP COLUMN IF EXISTS line"
        for table in ("street_crime", "outcomes", "stop_search")],
    # 4: police.uk files' size and modification time, so a re-run decides from (path, size,
    # mtime) before hashing. Files loaded before have none and are hashed once more, then
    # recorded.
    4: [f"ALTER TABLE source_files ADD COLUMN IF NOT EXISTS {column} BIGINT"
        for column in ("size_bytes", "mtime_ns")],
    # 5: published benchmarks: the ONS Crime Severity Score table and Most Similar Groups.
    5: [CSS_PUBLISHED_TABLE, MSG_TABLE],
}


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating it and its schema if needed."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: load some data first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
    except BaseException:
        con.close()
        raise
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create any missing table; record the schema version once; migrate an older file.

    A warehouse written by a newer CSP Hub (a higher version) is refused rather than guessed at.
    """
    with transaction(con):
        for statement in SCHEMA:
            con.execute(statement)
        row = con.execute("select max(version) from schema_version").fetchone()
        version = row[0] if row else None
        if version is None:
            con.execute("insert into schema_version values (?)", [SCHEMA_VERSION])
            return
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"the warehouse has schema version {version}, newer than this CSP Hub's "
                f"({SCHEMA_VERSION}): upgrade CSP Hub to use it")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                con.execute(statement)
        if version < SCHEMA_VERSION:
            con.execute("update schema_version set version = ?", [SCHEMA_VERSION])


@contextmanager
def open_warehouse(path: Path | str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for the length of a ``with`` block, then close it."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block as one transaction: commit on success, roll back and re-raise on error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")

