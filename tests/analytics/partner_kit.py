"""A tiny geography for partner-data tests: two authorities, three wards, four LSOAs, boundaries.

Testford (E06000901) has wards North (E05000901: LSOAs E01000901, E01000902) and South
(E05000902: E01000903); Otherton (E06000902) has ward Middle (E05000903: E01000904). Each LSOA is
a 0.1-degree square: E01000901 lon -1.0..-0.9, E01000902 -0.9..-0.8, E01000903 -0.8..-0.7,
E01000904 -0.7..-0.6, all lat 52.0..52.1. A point at lat 53 lies in no boundary.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from csphub.analytics.geography import load_boundaries, load_lookup

TESTFORD, OTHERTON = "E06000901", "E06000902"
LSOAS = {  # code: (ward code, ward name, lad code, lad name, west longitude)
    "E01000901": ("E05000901", "North", TESTFORD, "Testford", -1.0),
    "E01000902": ("E05000901", "North", TESTFORD, "Testford", -0.9),
    "E01000903": ("E05000902", "South", TESTFORD, "Testford", -0.8),
    "E01000904": ("E05000903", "Middle", OTHERTON, "Otherton", -0.7),
}


def point_in(lsoa: str) -> tuple[float, float]:
    """The centre of an LSOA's square (longitude, latitude)."""
    return round(LSOAS[lsoa][4] + 0.05, 3), 52.05


def write_csv_file(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load_geography(con, folder: Path, boundaries: bool = True) -> None:
    lookup = write_csv_file(folder / "LSOA21_WD23_LAD23_EW_LU.csv",
                            ["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"],
                            [[code, f"{v[3]} {code[-3:]}", v[0], v[1], v[2], v[3]] for code, v in LSOAS.items()])
    load_lookup(con, lookup)
    if not boundaries:
        return
    features = []
    for code, (_, _, lad, _, west) in LSOAS.items():
        ring = [[west, 52.0], [west + 0.1, 52.0], [west + 0.1, 52.1], [west, 52.1], [west, 52.0]]
        features.append({"type": "Feature", "properties": {"LSOA21CD": code, "LSOA21NM": code, "LAD22CD": lad},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = folder / "lsoa.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    load_boundaries(con, path)
