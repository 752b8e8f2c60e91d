"""What the assessment reads from the warehouse: small aggregates, never raw rows.

Everything is aggregated in DuckDB (through :mod:`csphub.analytics.query`) to month x crime type
x ward x LSOA before it reaches pandas, so a national warehouse costs no more memory than one
area's tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from csphub.analytics.areas import Area
from csphub.analytics.counts import area_records, choose_ward_vintage, counted
from csphub.analytics.query import any_of, measure, measure_frame


@dataclass
class AreaData:
    """One area's aggregates and denominators."""

    area: Area
    counts: pd.DataFrame  # month (date), crime_type, ward_code, ward_name, lsoa21_code, count
    ward_vintage: str
    population: float | None
    population_year: int | None
    population_source: str | None
    lsoa_population: dict[str, float]
    ward_population: dict[str, float]
    #: every month with police.uk rows in the area, whatever the period (to say what is loaded
    #: when the period has none); set by the assessment from coverage, else the months of counts
    months_loaded: list[date] = field(default_factory=list)

    def loaded_months(self) -> list[date]:
        return self.months_loaded or sorted(set(self.counts["month"]))


def area_counts(con: duckdb.DuckDBPyConnection, area: Area, start: date, end: date,
                ward_vintage: str | None) -> pd.DataFrame:
    query = counted(area_records(con, area, start, end, ward_vintage),
                    ["month", "crime_type", "ward_code", "ward_name", "lsoa21_code"])
    frame = measure_frame(con, "assessment counts by month, crime type, ward and LSOA", query.sql, query.params)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype(int)
    return frame


def area_population(con: duckdb.DuckDBPyConnection, area: Area, ward_vintage: str,
                    year: int) -> tuple[float | None, int | None, str | None, dict, dict]:
    """Population of the area's LSOAs for the loaded year nearest ``year`` (earlier preferred)."""
    lads = list(area.lad_codes)
    years = [r[0] for r in measure(con, "population years loaded", "select distinct year from population order by 1")]
    if not years:
        return None, None, None, {}, {}
    chosen = min(years, key=lambda y: (abs(y - year), y > year))
    rows = measure(
        con, "population of the area's LSOAs",
        f"""select l.lsoa_code, l.ward_code, p.population, p.source
        from lsoa_ward_lookup l join population p on p.lsoa_code = l.lsoa_code and p.year = $year
        where l.ward_vintage = $wv and {any_of("l.lad_code", "$lads")}""",
        {"year": chosen, "wv": ward_vintage, "lads": lads})
    if not rows:
        return None, None, None, {}, {}
    lsoa = {code: pop for code, _, pop, _ in rows}
    wards: dict[str, float] = {}
    for _, ward, pop, _ in rows:
        wards[ward] = wards.get(ward, 0) + pop
    return sum(lsoa.values()), chosen, source_name(rows[0][3]), lsoa, wards


def source_name(source: str | None) -> str | None:
    """A source as a reader sees it: a file's name, never the local path it was loaded from
    (a population loaded without --source before the loader stored the name).

    >>> source_name('/home/me/data/lsoa21_population.csv'), source_name('ONS mid-2022')
    ('lsoa21_population.csv', 'ONS mid-2022')
    """
    if source and ('/' in source or '\\' in source):
        return re.split(r'[/\\]', source.rstrip('/\\'))[-1]
    return source


def load_area_data(con: duckdb.DuckDBPyConnection, area: Area, start: date, end: date,
                   ward_vintage: str | None, population_year: int) -> AreaData:
    vintage = choose_ward_vintage(con, ward_vintage)
    counts = area_counts(con, area, start, end, vintage)
    total, year, source, lsoa, wards = area_population(con, area, vintage, population_year)
    return AreaData(area, counts, vintage, total, year, source, lsoa, wards)


#: the newest boundaries loaded of a kind ('lsoa' or 'ward') for a list of codes
BOUNDARIES_SQL = f"""select code, geometry_wkb from boundaries where kind = '{{kind}}' and {any_of("code", "$codes")}
    qualify row_number() over (partition by code order by vintage desc) = 1 order by code"""


def lsoa_boundaries(con: duckdb.DuckDBPyConnection, codes: set[str]) -> tuple[list[str], list[bytes]]:
    """The newest LSOA boundaries loaded for these codes."""
    rows = measure(con, "LSOA boundaries", BOUNDARIES_SQL.format(kind="lsoa"), {"codes": sorted(codes)})
    return [r[0] for r in rows], [r[1] for r in rows]


def ward_boundaries(con: duckdb.DuckDBPyConnection, codes: set[str]) -> tuple[list[str], list[bytes]]:
    rows = measure(con, "ward boundaries", BOUNDARIES_SQL.format(kind="ward"), {"codes": sorted(codes)})
    return [r[0] for r in rows], [r[1] for r in rows]


def lsoa_names(con: duckdb.DuckDBPyConnection, codes: set[str], ward_vintage: str) -> dict[str, dict]:
    """LSOA code -> ``lsoa_name`` (the ONS name, e.g. 'Medway 012A'), ``ward_code`` and
    ``ward_name`` from the lookup loaded for ``ward_vintage``."""
    rows = measure(
        con, "LSOA names",
        f"""select lsoa_code, lsoa_name, ward_code, ward_name from lsoa_ward_lookup
        where ward_vintage = $wv and {any_of("lsoa_code", "$codes")}""",
        {"wv": ward_vintage, "codes": sorted(codes)})
    return {code: {"lsoa_name": name or code, "ward_code": ward, "ward_name": ward_name or ward}
            for code, name, ward, ward_name in rows}
