"""Crime and ASB patterns, and the rows of one month's police.uk street file.

A month's count for an LSOA and crime type is Poisson around
``authority's monthly level x share of the type x LSOA weight x season x trend``:

- the mix follows police.uk's categories (violence and sexual offences about 39% of crime);
- seasons: ASB, violence and public order peak in July, bicycle theft in August, burglary in
  the dark evenings, shoplifting jumps in December;
- trends differ by type (shoplifting rising 15% a year, burglary falling 8%, ASB falling 5%);
- hotspots: crime weights carry a town-centre bump (a cluster of neighbouring hot LSOAs that
  Getis-Ord Gi* finds) and an out-of-town retail park that is hot for shoplifting alone.

Examples:
    >>> pattern = PATTERNS["Shoplifting"]
    >>> float(round(seasonal_profile(pattern)[11] / seasonal_profile(pattern)[0], 2))  # Dec / Jan
    1.22
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .police_uk_format import ASB, CRIME_TYPES, blank_where, crime_ids, outcome_table


@dataclass(frozen=True)
class CrimePattern:
    """How one crime type behaves: share of crime, season, yearly trend, town-centre pull."""

    share: float  # of all crime (ASB: of all ASB, i.e. 1.0)
    season_amplitude: float = 0.0
    peak_month: int = 7
    december_bump: float = 0.0
    trend_per_year: float = 0.0
    town_centre_pull: float = 1.0
    no_location_share: float = 0.01


PATTERNS: dict[str, CrimePattern] = {
    ASB: CrimePattern(1.0, 0.12, 7, 0, -0.05, 10.0, 0.003),
    "Bicycle theft": CrimePattern(0.013, 0.35, 8, 0, -0.02, 2.0),
    "Burglary": CrimePattern(0.05, 0.10, 12, 0, -0.08, 0.3),
    "Criminal damage and arson": CrimePattern(0.095, 0.07, 10, 0, -0.03, 1.5),
    "Drugs": CrimePattern(0.035, 0.03, 7, 0, 0.06, 3.0),
    "Other crime": CrimePattern(0.03, 0.0, 7, 0, 0.0, 1.0, 0.08),
    "Other theft": CrimePattern(0.075, 0.03, 7, 0, 0.0, 2.0),
    "Possession of weapons": CrimePattern(0.012, 0.03, 7, 0, 0.05, 3.0),
    "Public order": CrimePattern(0.09, 0.08, 7, 0, -0.01, 5.0),
    "Robbery": CrimePattern(0.01, 0.05, 12, 0, 0.03, 3.0),
    "Shoplifting": CrimePattern(0.09, 0.0, 7, 0.22, 0.15, 8.0, 0.002),
    "Theft from the person": CrimePattern(0.012, 0.05, 12, 0, 0.10, 6.0),
    "Vehicle crime": CrimePattern(0.065, 0.05, 11, 0, -0.04, 0.5),
    "Violence and sexual offences": CrimePattern(0.37, 0.08, 7, 0, 0.02, 5.0, 0.015),
}

SHOPLIFTING = CRIME_TYPES.index("Shoplifting")


def seasonal_profile(pattern: CrimePattern) -> np.ndarray:
    """Twelve multipliers (January first) averaging 1."""
    month = np.arange(1, 13)
    profile = 1 + pattern.season_amplitude * np.cos(2 * np.pi * (month - pattern.peak_month) / 12)
    profile[11] *= 1 + pattern.december_bump
    return profile / profile.mean()


def crime_shares() -> np.ndarray:
    """Share of each police.uk category within crime (ASB's entry is 1: it is its own total)."""
    shares = np.array([PATTERNS[t].share for t in CRIME_TYPES])
    crime = np.array([t != ASB for t in CRIME_TYPES])
    shares[crime] /= shares[crime].sum()
    return shares


def month_multipliers(months: list[date]) -> np.ndarray:
    """Season x trend for each month and crime type (``len(months)`` x 14), trend centred."""
    middle = (len(months) - 1) / 2
    result = np.empty((len(months), len(CRIME_TYPES)))
    for t, crime_type in enumerate(CRIME_TYPES):
        pattern = PATTERNS[crime_type]
        profile = seasonal_profile(pattern)
        for m, month in enumerate(months):
            trend = (1 + pattern.trend_per_year) ** ((m - middle) / 12)
            result[m, t] = profile[month.month - 1] * trend
    return result


@dataclass
class StreetMap:
    """The map points crimes are snapped to: ``points_per_lsoa`` per LSOA, LSOA by LSOA."""

    lsoa_codes: pa.Array
    lsoa_names: pa.Array
    points_per_lsoa: int
    longitude: np.ndarray  # len(lsoa_codes) * points_per_lsoa
    latitude: np.ndarray
    location: list[str]  # "On or near ..." per point

    @property
    def lsoa_count(self) -> int:
        return len(self.lsoa_codes)


def _place_rows(rng: np.random.Generator, street_map: StreetMap, counts: np.ndarray):
    """LSOA, point and type index per row, the LSOA's rows together in LSOA order."""
    types = counts.shape[1]
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    lsoa, crime_type = np.divmod(cell, types)
    k = rng.integers(0, street_map.points_per_lsoa, len(cell))
    # Shoplifting happens at the supermarket and the shopping area (points 0 and 1).
    shop = (crime_type == SHOPLIFTING) & (rng.random(len(cell)) < 0.8)
    k[shop] = rng.integers(0, 2, int(shop.sum()))
    order = np.lexsort((rng.random(len(cell)), lsoa))
    return lsoa[order], (lsoa * street_map.points_per_lsoa + k)[order], crime_type[order]


def _outcomes(rng: np.random.Generator, n: int, months_before_extract: int) -> pa.Array:
    """Last outcome per crime: recent crimes are mostly still open."""
    open_names, open_p = outcome_table(open_cases=True)
    final_names, final_p = outcome_table(open_cases=False)
    names = pa.array(open_names + final_names)
    still_open = rng.random(n) < np.exp(-months_before_extract / 2)
    index = np.where(
        still_open,
        rng.choice(len(open_names), n, p=open_p),
        len(open_names) + rng.choice(len(final_names), n, p=final_p),
    )
    return pc.take(names, pa.array(index))


def month_rows(
    rng: np.random.Generator,
    street_map: StreetMap,
    counts: np.ndarray,
    no_location: np.ndarray,
    month: str,
    force_name: str,
    months_before_extract: int = 12,
) -> dict[str, pa.Array]:
    """The columns of one street file: ``counts`` is LSOA x crime type, ``no_location`` per type.

    Rows come LSOA by LSOA with the "No Location" rows at the end, as police.uk orders them.
    """
    lsoa, point, crime_type = _place_rows(rng, street_map, counts)
    unplaced = np.repeat(np.arange(len(CRIME_TYPES)), no_location)
    n, n_placed = len(lsoa) + len(unplaced), len(lsoa)
    crime_type = np.concatenate([crime_type, unplaced])
    located = np.arange(n) < n_placed
    lsoa_index = pa.array(np.concatenate([lsoa, np.zeros(len(unplaced), int)]), mask=~located)
    point = np.concatenate([point, np.zeros(len(unplaced), int)])
    is_asb = crime_type == CRIME_TYPES.index(ASB)
    locations = pa.array([*street_map.location, "No Location"])
    point_or_none = np.where(located, point, len(street_map.location))
    longitude = np.where(located, street_map.longitude[point], np.nan)
    latitude = np.where(located, street_map.latitude[point], np.nan)
    return {
        "Crime ID": blank_where(is_asb, crime_ids(rng, n)),
        "Month": pa.repeat(pa.scalar(month), n),
        "Reported by": pa.repeat(pa.scalar(force_name), n),
        "Falls within": pa.repeat(pa.scalar(force_name), n),
        "Longitude": pa.array(np.round(longitude, 6), from_pandas=True),
        "Latitude": pa.array(np.round(latitude, 6), from_pandas=True),
        "Location": pc.take(locations, pa.array(point_or_none)),
        "LSOA code": pc.take(street_map.lsoa_codes, lsoa_index),
        "LSOA name": pc.take(street_map.lsoa_names, lsoa_index),
        "Crime type": pc.take(pa.array(CRIME_TYPES), pa.array(crime_type)),
        "Last outcome category": blank_where(is_asb, _outcomes(rng, n, months_before_extract)),
        "Context": pa.nulls(n, pa.string()),
    }
