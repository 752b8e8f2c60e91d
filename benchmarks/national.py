"""A national-scale police.uk archive, generated: 43 forces x 12 months, about 6.2 million rows.

Written once into ``benchmarks/work/national-<rows>-<forces>f-<months>m/`` and reused while its
manifest matches. Sizes follow the forces' populations (the Metropolitan Police about 15% of
all rows, the City of London a few hundred a month). A synthetic national LSOA -> ward -> LAD
lookup (about 35,000 LSOAs, 7,000 wards, 330 authorities, in the ``E01900001`` range that ONS
never issued) covers every LSOA used.

Examples:
    >>> plan = force_plan(rows=1_200, forces=3, months=2)
    >>> [force for force, _ in plan], sum(sum(m) for _, m in plan)
    (['avon-and-somerset', 'bedfordshire', 'cambridgeshire'], 1200)
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from csphub.analytics.synthetic.crime import StreetMap, crime_shares, month_rows
from csphub.analytics.synthetic.police_uk_format import (
    CRIME_TYPES,
    STREET_FIRST,
    STREET_SECOND,
    street_file_path,
    write_street_csv,
)

# The 43 territorial forces of England and Wales with resident population in millions.
FORCES: tuple[tuple[str, str, float], ...] = (
    ("avon-and-somerset", "Avon and Somerset Constabulary", 1.75),
    ("bedfordshire", "Bedfordshire Police", 0.70),
    ("cambridgeshire", "Cambridgeshire Constabulary", 0.90),
    ("cheshire", "Cheshire Constabulary", 1.10),
    ("city-of-london", "City of London Police", 0.05),
    ("cleveland", "Cleveland Police", 0.57),
    ("cumbria", "Cumbria Constabulary", 0.50),
    ("derbyshire", "Derbyshire Constabulary", 1.05),
    ("devon-and-cornwall", "Devon & Cornwall Police", 1.80),
    ("dorset", "Dorset Police", 0.78),
    ("durham", "Durham Constabulary", 0.65),
    ("dyfed-powys", "Dyfed-Powys Police", 0.52),
    ("essex", "Essex Police", 1.85),
    ("gloucestershire", "Gloucestershire Constabulary", 0.65),
    ("greater-manchester", "Greater Manchester Police", 2.85),
    ("gwent", "Gwent Police", 0.60),
    ("hampshire", "Hampshire Constabulary", 2.00),
    ("hertfordshire", "Hertfordshire Constabulary", 1.20),
    ("humberside", "Humberside Police", 0.93),
    ("kent", "Kent Police", 1.88),
    ("lancashire", "Lancashire Constabulary", 1.50),
    ("leicestershire", "Leicestershire Police", 1.10),
    ("lincolnshire", "Lincolnshire Police", 0.77),
    ("merseyside", "Merseyside Police", 1.43),
    ("metropolitan", "Metropolitan Police Service", 8.90),
    ("norfolk", "Norfolk Constabulary", 0.92),
    ("north-wales", "North Wales Police", 0.69),
    ("north-yorkshire", "North Yorkshire Police", 0.83),
    ("northamptonshire", "Northamptonshire Police", 0.79),
    ("northumbria", "Northumbria Police", 1.48),
    ("nottinghamshire", "Nottinghamshire Police", 1.17),
    ("south-wales", "South Wales Police", 1.33),
    ("south-yorkshire", "South Yorkshire Police", 1.40),
    ("staffordshire", "Staffordshire Police", 1.14),
    ("suffolk", "Suffolk Constabulary", 0.76),
    ("surrey", "Surrey Police", 1.20),
    ("sussex", "Sussex Police", 1.70),
    ("thames-valley", "Thames Valley Police", 2.40),
    ("warwickshire", "Warwickshire Police", 0.60),
    ("west-mercia", "West Mercia Police", 1.30),
    ("west-midlands", "West Midlands Police", 2.90),
    ("west-yorkshire", "West Yorkshire Police", 2.35),
    ("wiltshire", "Wiltshire Police", 0.73),
)
NATIONAL_LSOAS = 35_000
LSOAS_PER_WARD = 5
WARDS_PER_LAD = 21
POINTS_PER_LSOA = 8
FIRST_MONTH = (2024, 4)


@dataclass
class NationalArchive:
    """Where the generated archive lives and what it holds."""

    directory: Path
    lookup: Path
    street_files: list[Path]
    rows: int
    forces: int
    months: list[str]


def month_labels(months: int) -> list[str]:
    year, month = FIRST_MONTH
    labels = []
    for i in range(months):
        index = year * 12 + month - 1 + i
        labels.append(f"{index // 12}-{index % 12 + 1:02d}")
    return labels


def force_plan(rows: int, forces: int, months: int) -> list[tuple[str, list[int]]]:
    """Rows per force and month, shared by population, summing exactly to ``rows``."""
    chosen = FORCES[:forces]
    weights = np.array([population for _, _, population in chosen])
    per_file = rows * np.repeat(weights / weights.sum(), months) / months
    counts = np.floor(per_file).astype(int)
    counts[np.argsort(per_file - counts)[::-1][: rows - counts.sum()]] += 1
    return [(slug, counts[i * months:(i + 1) * months].tolist()) for i, (slug, _, _) in
            enumerate(chosen)]


def _lsoa_allocation(forces: int) -> np.ndarray:
    """How many LSOAs each force covers (at least one ward's worth), about 35,000 in all."""
    weights = np.array([population for _, _, population in FORCES[:forces]])
    share = NATIONAL_LSOAS * weights / FORCES_TOTAL_POPULATION
    return np.maximum(LSOAS_PER_WARD, np.round(share / LSOAS_PER_WARD) * LSOAS_PER_WARD).astype(int)


FORCES_TOTAL_POPULATION = sum(population for _, _, population in FORCES)


def _street_map(rng: np.random.Generator, first_lsoa: int, lsoas: int) -> StreetMap:
    """LSOAs scattered round a force centre somewhere in England and Wales."""
    centre_lon, centre_lat = rng.uniform(-4.5, 1.0), rng.uniform(50.6, 54.8)
    lon = centre_lon + rng.normal(0, 0.25, lsoas)[:, None] + rng.normal(0, 0.004, (lsoas, 8))
    lat = centre_lat + rng.normal(0, 0.15, lsoas)[:, None] + rng.normal(0, 0.003, (lsoas, 8))
    streets = [f"On or near {a} {b}" for a in STREET_FIRST for b in STREET_SECOND]
    labels = rng.integers(0, len(streets), lsoas * POINTS_PER_LSOA)
    codes = [f"E01{900000 + first_lsoa + i:06d}" for i in range(lsoas)]
    return StreetMap(
        lsoa_codes=pa.array(codes),
        lsoa_names=pa.array([f"Synthetic {(first_lsoa + i) // 4 + 1:03d}{'ABCD'[i % 4]}"
                             for i in range(lsoas)]),
        points_per_lsoa=POINTS_PER_LSOA,
        longitude=np.clip(lon, -5.7, 1.7).ravel(),
        latitude=np.clip(lat, 49.95, 55.8).ravel(),
        location=[streets[i] for i in labels],
    )


def _write_lookup(path: Path, lsoas: int) -> None:
    """LSOA21 -> WD23 -> LAD23, five LSOAs to a ward, 21 wards to an authority."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"])
        for i in range(lsoas):
            ward, lad = i // LSOAS_PER_WARD, i // (LSOAS_PER_WARD * WARDS_PER_LAD)
            writer.writerow([f"E01{900000 + i:06d}", f"Synthetic {i // 4 + 1:03d}{'ABCD'[i % 4]}",
                             f"E05{900000 + ward:06d}", f"Synthetic ward {ward + 1}",
                             f"E06{900000 + lad:06d}", f"Synthetic authority {lad + 1}"])


def _month_counts(rng: np.random.Generator, total: int, lsoa_weights: np.ndarray) -> tuple:
    """Split a file's rows between LSOAs x crime types, and 1% with no location."""
    shares = crime_shares()
    shares[0] = 0.25  # ASB as a share of crime
    shares /= shares.sum()
    no_location = rng.multinomial(int(round(total * 0.01)), shares)
    p = (lsoa_weights[:, None] * shares[None, :]).ravel()
    counts = rng.multinomial(total - int(no_location.sum()), p / p.sum())
    return counts.reshape(len(lsoa_weights), len(CRIME_TYPES)), no_location


def generate(
    work: Path,
    rows: int,
    forces: int = 43,
    months: int = 12,
    seed: int = 43,
    progress: Callable[[int, int], None] | None = None,
) -> NationalArchive:
    """Write (or reuse) the archive and its lookup under ``work``."""
    directory = work / f"national-{rows}-{forces}f-{months}m"
    manifest_path = directory / "manifest.json"
    wanted = {"rows": rows, "forces": forces, "months": months, "seed": seed, "version": 1}
    labels = month_labels(months)
    if manifest_path.exists() and json.loads(manifest_path.read_text()).get("params") == wanted:
        manifest = json.loads(manifest_path.read_text())
        return NationalArchive(directory, directory / "lookup.csv",
                               [directory / p for p in manifest["files"]], rows, forces, labels)
    # Write into a staging folder and rename it at the end, so a run reading the archive
    # never sees half of it.
    staging = work / f"{directory.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    allocation = _lsoa_allocation(forces)
    _write_lookup(staging / "lookup.csv", int(allocation.sum()))
    files: list[Path] = []
    first_lsoa, done, total_files = 0, 0, forces * months
    for f, (slug, per_month) in enumerate(force_plan(rows, forces, months)):
        rng = np.random.default_rng([seed, f])
        street_map = _street_map(rng, first_lsoa, int(allocation[f]))
        lsoa_weights = rng.lognormal(0, 0.6, int(allocation[f]))
        first_lsoa += int(allocation[f])
        for m, label in enumerate(labels):
            counts, no_location = _month_counts(rng, per_month[m], lsoa_weights)
            columns = month_rows(rng, street_map, counts, no_location, label, FORCES[f][1],
                                 months_before_extract=months - 1 - m)
            path = street_file_path(staging / "archive", label, slug)
            write_street_csv(path, columns)
            files.append(path)
            done += 1
            if progress:
                progress(done, total_files)
    relative = [str(p.relative_to(staging)) for p in files]
    (staging / "manifest.json").write_text(json.dumps({"params": wanted, "files": relative}))
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    return NationalArchive(directory, directory / "lookup.csv", [directory / p for p in relative],
                           rows, forces, labels)
