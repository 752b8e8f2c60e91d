"""Hand-made police.uk files for tests: write rows under the real header."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from csphub.analytics.police_uk import STREET

ASB = "Anti-social behaviour"
CRIME_ID = "a" * 64
# police.uk gives every crime its own 64-hex Crime ID; two rows with one ID and every other field
# the same are one crime listed twice (quarantined as a duplicate), so each row gets its own.
_crime_ids = (f"{n:064x}" for n in itertools.count(1))


def street_row(month: str = "2024-01", crime_type: str = "Burglary", lsoa: str = "E01000001",
               lon: str = "0.5", lat: str = "51.4", crime_id: str | None = None) -> list[str]:
    cid = crime_id if crime_id is not None else ("" if crime_type == ASB else next(_crime_ids))
    return [cid, month, "Kent Police", "Kent Police", lon, lat, "On or near High Street", lsoa,
            "Somewhere 001A", crime_type, "" if crime_type == ASB else "Under investigation", ""]


def write_street(folder: Path, month: str, rows: list[list[str]], force: str = "kent") -> Path:
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(STREET.header)
        writer.writerows(rows)
    return path
