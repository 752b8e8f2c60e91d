"""The demo council's ASB incident extract: typed ASB for Riverford, as a council ASB team exports it.

Written from the demo's own police.uk ASB rows in Riverford (about two in three of them reach
the council too), so the incidents sit where the police's do, with a type drawn from seasonal
shares (fireworks around November, youth-related and rowdy behaviour in summer). Most rows give
the LSOA; a tenth give only an easting and northing, as a council's GIS export does, so the
loader's coordinate path is exercised. Dates are day first (31/01/2025 14:05), as Excel writes.

Examples:
    >>> round(sum(TYPE_SHARES.values()), 6)
    1.0
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np

from .demo_sources import DEMO_LAD, DemoSources
from .police_uk_format import ASB

PARTNER_SOURCE = "Riverford Council ASB team (demo)"
HEADER = ("Incident Ref", "Date Reported", "ASB Type", "ASB Category", "LSOA Code", "Easting",
          "Northing")

#: Share of each incident type over a year, and its national category.
TYPE_SHARES: dict[str, float] = {
    "Rowdy or inconsiderate behaviour": 0.27,
    "Neighbour nuisance": 0.16,
    "Vehicle nuisance": 0.12,
    "Noise": 0.11,
    "Youth related": 0.10,
    "Littering/drugs paraphernalia": 0.07,
    "Street drinking": 0.05,
    "Begging": 0.04,
    "Animal problems": 0.03,
    "Fireworks": 0.03,
    "": 0.02,  # no type recorded: the loader keeps it as 'Not recorded'
}
CATEGORIES: dict[str, str] = {
    "Neighbour nuisance": "Personal", "Littering/drugs paraphernalia": "Environmental",
    "Animal problems": "Environmental",
}
#: Month (1-12) -> multiplier of a type's share in that month.
SEASONS: dict[str, dict[int, float]] = {
    "Fireworks": {10: 4.0, 11: 6.0, 12: 1.5, 1: 1.2},
    "Youth related": {6: 1.5, 7: 1.8, 8: 1.8},
    "Rowdy or inconsiderate behaviour": {6: 1.2, 7: 1.3, 8: 1.3, 12: 1.2},
    "Street drinking": {5: 1.3, 6: 1.5, 7: 1.5, 8: 1.4},
}
SHARE_SEEN_BY_COUNCIL = 0.65
GRID_ONLY_SHARE = 0.1


def _type_probabilities(month: int) -> np.ndarray:
    weights = np.array([share * SEASONS.get(t, {}).get(month, 1.0) for t, share in TYPE_SHARES.items()])
    return weights / weights.sum()


def write_partner_asb_csv(sources: DemoSources, path: Path, seed: int = 2024) -> Path:
    """Write Riverford's council ASB extract for every month of the demo; returns the path."""
    from pyproj import Transformer

    lsoas = [x.code for x in sources.county.lsoas_of(DEMO_LAD)]
    with duckdb.connect() as con:
        rows = con.execute(
            """select "Month" as month, "LSOA code" as lsoa, "Longitude" as lon, "Latitude" as lat
            from read_csv($files, all_varchar=true, header=true)
            where "Crime type" = $asb and list_contains($lsoas, "LSOA code")
            order by month, lsoa, lon, lat""",
            {"files": [str(p) for p in sources.street_files], "asb": ASB, "lsoas": lsoas}).fetchall()
    rng = np.random.default_rng([seed, 11])
    seen = [r for r, keep in zip(rows, rng.random(len(rows)) < SHARE_SEEN_BY_COUNCIL, strict=True) if keep]
    n = len(seen)
    months = np.array([int(r[0][5:7]) for r in seen], dtype=int)
    kinds = np.empty(n, dtype=int)
    for month in set(months.tolist()):
        where = months == month
        kinds[where] = rng.choice(len(TYPE_SHARES), size=int(where.sum()), p=_type_probabilities(month))
    days = rng.integers(1, 29, n)
    hours = rng.choice(24, size=n, p=_HOURS)
    minutes = rng.integers(0, 60, n)
    grid_only = (rng.random(n) < GRID_ONLY_SHARE) & np.array([bool(r[2]) for r in seen], dtype=bool)
    points = [(float(r[2]), float(r[3])) for r, g in zip(seen, grid_only, strict=True) if g]
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    eastings, northings = to_grid.transform([x for x, _ in points], [y for _, y in points])
    grid = iter(zip(np.atleast_1d(eastings).tolist(), np.atleast_1d(northings).tolist(), strict=True))
    types = list(TYPE_SHARES)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i, (month_text, lsoa, _, _) in enumerate(seen):
            kind = types[kinds[i]]
            reference = f"ASB-{month_text[:4]}-{i + 1:06d}"
            when = f"{days[i]:02d}/{month_text[5:7]}/{month_text[:4]} {hours[i]:02d}:{minutes[i]:02d}"
            category = CATEGORIES.get(kind, "Nuisance") if kind else ""
            if grid_only[i]:  # the police.uk snap point, well inside its LSOA, on the National Grid
                easting, northing = next(grid)
                writer.writerow([reference, when, kind, category, "", f"{easting:.0f}", f"{northing:.0f}"])
            else:
                writer.writerow([reference, when, kind, category, lsoa, "", ""])
    return path


#: Hour of day: most ASB is reported in the afternoon and evening.
_HOURS = np.array([2, 1.5, 1, 0.7, 0.5, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 5.5,
                   5.5, 5, 4.5, 3.5, 2.5])
_HOURS = _HOURS / _HOURS.sum()
