"""A small hand-made partnership with answers that can be worked out on paper.

A 6 x 6 grid of LSOA squares (250 residents each, 9,000 in all) in four wards of 3 x 3:
A (north-west), B (north-east), C (south-west), D (south-east). Two financial years:
2022/23 (previous) and 2023/24 (current).

Per year, and spread evenly over the 12 months:
- Burglary in LSOA (5, 5): 1,000 in 2022/23 and 1,200 in 2023/24 (a significant rise).
- Robbery in LSOA (2, 2): 50 then 55 (no significant change).
- Shoplifting in LSOA (3, 3): 96 in both years.
- ASB: 96 a year in each of the cluster (0,0), (0,1), (1,0), (1,1) (a real hotspot) and in the
  lone cell (4, 4) (high, but alone: not a Gi* hotspot), 12 a year everywhere else; the same in
  both years.
"""

from __future__ import annotations

import csv
import itertools
import json
from datetime import date
from pathlib import Path

LAD = "E06000077"
ASB = "Anti-social behaviour"
SIDE = 6
POPULATION = 250
CLUSTER = {(0, 0), (0, 1), (1, 0), (1, 1)}
LONE = (4, 4)


def lsoa(row: int, col: int) -> str:
    return f"E0177{row}{col:02d}0"[:9]


def ward(row: int, col: int) -> tuple[str, str]:
    index = (row // 3) * 2 + col // 3
    return f"E0577000{index}", "ABCD"[index]


def centre(row: int, col: int) -> tuple[float, float]:
    return 0.5 + col * 0.01 + 0.005, 51.5 - row * 0.01 - 0.005


def months(start_year: int) -> list[date]:
    return [date(start_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]


def yearly(start_year: int) -> dict[tuple[str, tuple[int, int]], int]:
    """(crime type, cell) -> count in the financial year starting April start_year."""
    current = start_year == 2023
    counts = {("Burglary", (5, 5)): 1200 if current else 1000,
              ("Robbery", (2, 2)): 55 if current else 50,
              ("Shoplifting", (3, 3)): 96}
    for r in range(SIDE):
        for c in range(SIDE):
            counts[(ASB, (r, c))] = 96 if (r, c) in CLUSTER or (r, c) == LONE else 12
    return counts


def spread(total: int) -> list[int]:
    """A yearly total over 12 months: as even as possible, the remainder in the first months."""
    return [total // 12 + (1 if i < total % 12 else 0) for i in range(12)]


def write_partnership(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    lookup = folder / "lookup.csv"
    population = folder / "population.csv"
    boundaries = folder / "lsoa.geojson"
    with open(lookup, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"])
        for r in range(SIDE):
            for c in range(SIDE):
                w.writerow([lsoa(r, c), f"Grid {r}{c}", *ward(r, c), LAD, "Gridshire"])
    population.write_text("lsoacd,population\n" + "".join(
        f"{lsoa(r, c)},{POPULATION}\n" for r in range(SIDE) for c in range(SIDE)))
    features = []
    for r in range(SIDE):
        for c in range(SIDE):
            x0, y0 = 0.5 + c * 0.01, 51.5 - r * 0.01
            ring = [[x0, y0], [x0 + 0.01, y0], [x0 + 0.01, y0 - 0.01], [x0, y0 - 0.01], [x0, y0]]
            features.append({"type": "Feature", "properties": {"LSOA21CD": lsoa(r, c)},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    boundaries.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    police = folder / "police"
    crime_ids = itertools.count(1)
    for start in (2022, 2023):
        per_month = {key: spread(n) for key, n in yearly(start).items()}
        for i, month in enumerate(months(start)):
            name = month.strftime("%Y-%m")
            path = police / name / f"{name}-gridshire-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
                            "Location", "LSOA code", "LSOA name", "Crime type",
                            "Last outcome category", "Context"])
                for (crime_type, (r, c)), monthly in per_month.items():
                    lon, lat = centre(r, c)
                    for _ in range(monthly[i]):
                        crime_id = f"{next(crime_ids):064x}"  # police.uk's are unique per crime
                        w.writerow(["" if crime_type == ASB else crime_id, name, "Gridshire Police",
                                    "Gridshire Police", lon, lat, "On or near Grid Road", lsoa(r, c),
                                    f"Grid {r}{c}", crime_type, "", ""])
    return {"lookup": lookup, "population": population, "boundaries": boundaries, "police": police}
