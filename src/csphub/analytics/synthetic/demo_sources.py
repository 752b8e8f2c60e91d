"""The demo partnership's source files, written exactly as users download the real ones.

``write_demo_sources`` writes, under one folder:

- ``ons/LSOA21_WD23_LAD23_EW_LU.csv``: the best-fit LSOA -> ward -> authority lookup;
- ``ons/lsoa21_population.csv``: residents per LSOA (``lsoacd,population``);
- ``ons/boundaries/aldshire_lsoa21.geojson`` and ``aldshire_wards.geojson``;
- ``police-uk/YYYY-MM/YYYY-MM-<force>-street.csv``: five financial years of street-level
  crime and ASB for the whole force (Riverford and its two neighbours, which serve as peers).

Examples:
    >>> financial_year_months(date(2026, 3, 1), years=1)[0]
    datetime.date(2025, 4, 1)
    >>> last_complete_financial_year_end(date(2026, 11, 22))
    datetime.date(2026, 3, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from .crime import PATTERNS, StreetMap, crime_shares, month_multipliers, month_rows
from .places import (
    County,
    build_county,
    write_lookup_csv,
    write_lsoa_boundaries,
    write_population_csv,
    write_ward_boundaries,
)
from .police_uk_format import (
    CRIME_TYPES,
    PLACE_POINTS,
    STREET_FIRST,
    STREET_SECOND,
    street_file_path,
    write_street_csv,
)

DEMO_AREA = "Riverford"
DEMO_LAD = "E06999001"
DEFAULT_FORCE_NAME = "Aldshire Police"

#: Crimes and ASB incidents a month at the middle of the period, per authority.
MONTHLY_LEVELS: dict[str, tuple[int, int]] = {
    "E06999001": (2250, 650),  # Riverford: a busy town
    "E07999002": (620, 170),  # Wendle Vale: rural
    "E07999003": (760, 210),  # Kingsmere: a market town
}

#: Town centres (grid column, grid row, spread in cells, strength) that pull crime in.
TOWN_CENTRES: tuple[tuple[float, float, float, float], ...] = (
    (11.0, 6.0, 1.3, 1.0),  # Riverford: Town Centre and Riverside wards
    (19.0, 6.0, 1.0, 0.4),  # Kingsmere
)
#: Riverford's out-of-town retail park (grid column, row): hot for shoplifting only.
RETAIL_PARK = (14, 1)
POINTS_PER_LSOA = 16


@dataclass
class DemoSources:
    """What ``write_demo_sources`` wrote, and the facts a summary or a test needs."""

    directory: Path
    county: County
    force: str
    force_name: str
    months: list[date]
    lookup: Path
    population: Path
    population_year: int
    lsoa_boundaries: Path
    ward_boundaries: Path
    street_files: list[Path] = field(default_factory=list)
    rows_written: int = 0


def last_complete_financial_year_end(today: date | None = None) -> date:
    """The March (first day) that ended the last financial year complete before ``today``."""
    today = today or date.today()
    return date(today.year if today.month >= 4 else today.year - 1, 3, 1)


def financial_year_months(end: date, years: int) -> list[date]:
    """``12 * years`` month starts ending with ``end`` (a March), oldest first."""
    months = []
    for back in range(12 * years - 1, -1, -1):
        index = end.year * 12 + end.month - 1 - back
        months.append(date(index // 12, index % 12 + 1, 1))
    return months


def force_slug(force_name: str) -> str:
    """data.police.uk's file-name form of a force: 'Aldshire Police' -> 'aldshire'."""
    name = re.sub(r"\b(police|constabulary)\b", "", force_name.lower())
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "force"


def lsoa_weights(county: County) -> np.ndarray:
    """LSOA x crime type weights, summing to 1 within each authority and type."""
    rng = np.random.default_rng([len(county.lsoas), 7])
    deprivation = rng.lognormal(0.0, 0.3, len(county.lsoas))
    col = np.array([x.col + 0.5 for x in county.lsoas])
    row = np.array([x.row + 0.5 for x in county.lsoas])
    centre = np.zeros(len(county.lsoas))
    for x, y, spread, strength in TOWN_CENTRES:
        centre += strength * np.exp(-((col - x) ** 2 + (row - y) ** 2) / (2 * spread**2))
    pull = np.array([PATTERNS[t].town_centre_pull for t in CRIME_TYPES])
    population = np.array([x.population for x in county.lsoas], dtype=float)
    weights = (population * deprivation)[:, None] * (1 + centre[:, None] * pull[None, :])
    retail = np.array([(x.col, x.row) == RETAIL_PARK for x in county.lsoas])
    weights[retail, CRIME_TYPES.index("Shoplifting")] *= 10
    weights[retail, CRIME_TYPES.index("Anti-social behaviour")] *= 1.5
    lad = np.array([x.lad_code for x in county.lsoas])
    for code in set(lad):
        weights[lad == code] /= weights[lad == code].sum(axis=0)
    return weights


def _street_map(county: County, rng: np.random.Generator) -> StreetMap:
    """Sixteen snap points per LSOA, inside its cell: a supermarket, shops, a place, streets."""
    k = POINTS_PER_LSOA
    u = rng.uniform(0.1, 0.9, (len(county.lsoas), k, 1))
    v = rng.uniform(0.1, 0.9, (len(county.lsoas), k, 1))
    corners = np.stack([x.corners for x in county.lsoas])[:, None, :, :]  # L x 1 x 4 x 2
    sw, se, ne, nw = (corners[:, :, i, :] for i in range(4))
    points = (1 - u) * (1 - v) * sw + u * (1 - v) * se + u * v * ne + (1 - u) * v * nw
    labels = []
    for _ in county.lsoas:
        labels += ["Supermarket", str(rng.choice(["Shopping Area", "Parking Area"]))]
        labels.append(str(rng.choice(PLACE_POINTS)))
        labels += [f"{rng.choice(STREET_FIRST)} {rng.choice(STREET_SECOND)}" for _ in range(k - 3)]
    return StreetMap(
        lsoa_codes=pa.array([x.code for x in county.lsoas]),
        lsoa_names=pa.array([x.name for x in county.lsoas]),
        points_per_lsoa=k,
        longitude=points[..., 0].ravel(),
        latitude=points[..., 1].ravel(),
        location=[f"On or near {label}" for label in labels],
    )


def expected_counts(county: County, months: list[date], seed: int) -> np.ndarray:
    """Mean count per month x LSOA x crime type, with a little month-to-month wobble."""
    rng = np.random.default_rng([seed, 1])
    weights = lsoa_weights(county)
    shares = crime_shares()
    levels = np.array([
        [MONTHLY_LEVELS[x.lad_code][0 if t != 0 else 1] for t in range(len(CRIME_TYPES))]
        for x in county.lsoas
    ], dtype=float)
    base = levels * shares[None, :] * weights  # L x T
    wobble = rng.gamma(900, 1 / 900, (len(months), 1, len(CRIME_TYPES)))
    return base[None, :, :] * month_multipliers(months)[:, None, :] * wobble


def write_demo_sources(
    directory: Path,
    seed: int = 2024,
    years: int = 5,
    end_month: date | None = None,
    force_name: str = DEFAULT_FORCE_NAME,
) -> DemoSources:
    """Write the fictional county's lookup, population, boundaries and street files."""
    directory = Path(directory)
    county = build_county(seed)
    end = end_month or last_complete_financial_year_end()
    months = financial_year_months(end, years)
    ons = directory / "ons"
    sources = DemoSources(
        directory=directory,
        county=county,
        force=force_slug(force_name),
        force_name=force_name,
        months=months,
        lookup=write_lookup_csv(county, ons / "LSOA21_WD23_LAD23_EW_LU.csv"),
        population=write_population_csv(county, ons / "lsoa21_population.csv"),
        population_year=end.year - 1,
        lsoa_boundaries=write_lsoa_boundaries(county, ons / "boundaries" / "aldshire_lsoa21.geojson"),
        ward_boundaries=write_ward_boundaries(county, ons / "boundaries" / "aldshire_wards.geojson"),
    )
    street_map = _street_map(county, np.random.default_rng([seed, 2]))
    means = expected_counts(county, months, seed)
    no_location_share = np.array([PATTERNS[t].no_location_share for t in CRIME_TYPES])
    for m, month in enumerate(months):
        rng = np.random.default_rng([seed, 3, m])
        counts = rng.poisson(means[m])
        no_location = rng.poisson(means[m].sum(axis=0) * no_location_share)
        label = f"{month:%Y-%m}"
        columns = month_rows(rng, street_map, counts, no_location, label, force_name,
                             months_before_extract=len(months) - 1 - m)
        path = street_file_path(directory / "police-uk", label, sources.force)
        write_street_csv(path, columns)
        sources.street_files.append(path)
        sources.rows_written += len(columns["Month"])
    return sources
