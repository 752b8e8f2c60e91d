"""The data.police.uk street-level file format, for writing synthetic files.

Everything a generated file must share with a real download lives here: the exact header, the
fourteen crime categories, the outcome categories, the "On or near ..." place names, the
64-hex Crime IDs (blank for ASB) and the archive layout ``YYYY-MM/YYYY-MM-<force>-street.csv``.

Examples:
    >>> street_file_path(Path("archive"), "2024-01", "aldshire").as_posix()
    'archive/2024-01/2024-01-aldshire-street.csv'
"""

from __future__ import annotations

import binascii
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from csphub.analytics.police_uk import CURRENT_CRIME_TYPES

STREET_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

ASB = "Anti-social behaviour"

#: police.uk's fourteen categories (thirteen crime types plus ASB), as the loader checks them.
CRIME_TYPES = CURRENT_CRIME_TYPES

#: Outcomes a crime still open at the time of the extract shows.
OPEN_OUTCOMES: dict[str, float] = {
    "Under investigation": 0.55,
    "Awaiting court outcome": 0.08,
    "Investigation complete; no suspect identified": 0.20,
    "Unable to prosecute suspect": 0.15,
    "Status update unavailable": 0.02,
}

#: Final outcomes of older crimes, in roughly the proportions police.uk shows.
FINAL_OUTCOMES: dict[str, float] = {
    "Unable to prosecute suspect": 0.38,
    "Investigation complete; no suspect identified": 0.31,
    "Action to be taken by another organisation": 0.04,
    "Local resolution": 0.04,
    "Offender given a caution": 0.02,
    "Further investigation is not in the public interest": 0.01,
    "Formal action is not in the public interest": 0.005,
    "Further action is not in the public interest": 0.005,
    "Court result unavailable": 0.07,
    "Offender sent to prison": 0.03,
    "Offender given community sentence": 0.02,
    "Offender fined": 0.02,
    "Offender given suspended prison sentence": 0.015,
    "Offender given conditional discharge": 0.01,
    "Defendant found not guilty": 0.01,
    "Suspect charged as part of another case": 0.01,
    "Status update unavailable": 0.02,
    "Under investigation": 0.01,
    "Awaiting court outcome": 0.01,
}

#: The anonymised map points police.uk snaps locations to, besides street names.
PLACE_POINTS: tuple[str, ...] = (
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Hospital",
    "Police Station",
    "Nightclub",
    "Park/Open Space",
    "Theatre/Concert Hall",
    "Bus/Coach Station",
    "Further/Higher Educational Building",
)

STREET_FIRST = (
    "Mill", "Church", "Station", "Victoria", "Albert", "Queen", "King", "Oak", "Willow",
    "Chapel", "Park", "Castle", "Bridge", "Meadow", "School", "Orchard", "Windmill", "Elm",
    "Ash", "Beech", "Hawthorn", "Heron", "Kestrel", "Marsh", "Ferry", "Wharf", "Tanner",
    "Cooper", "Fletcher", "Abbey", "Priory", "Manor", "Grange", "Barley", "Clover", "Fox",
)
STREET_SECOND = (
    "Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Crescent", "Gardens",
    "Place", "Walk", "Row", "Grove", "Rise", "Court", "Hill",
)


def street_file_path(archive: Path, month: str, force: str) -> Path:
    """Where data.police.uk's archive puts one force's street file for a month."""
    return archive / month / f"{month}-{force}-street.csv"


def outcome_table(open_cases: bool) -> tuple[list[str], np.ndarray]:
    """The outcome names and their probabilities (summing to 1) for open or older crimes."""
    table = OPEN_OUTCOMES if open_cases else FINAL_OUTCOMES
    weights = np.array(list(table.values()))
    return list(table), weights / weights.sum()


def crime_ids(rng: np.random.Generator, n: int) -> pa.StringArray:
    """``n`` random 64-character hexadecimal Crime IDs, as police.uk publishes them."""
    data = binascii.hexlify(rng.bytes(32 * n))
    offsets = np.arange(0, 64 * n + 1, 64, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def blank_where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``values`` with nulls (written as empty fields) where ``mask`` is true."""
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def write_street_csv(path: Path, columns: dict[str, pa.Array]) -> None:
    """Write one street file with police.uk's exact header, unquoted (no value may hold a comma), blanks as empty fields."""
    missing = [name for name in STREET_HEADER if name not in columns]
    if missing:
        raise ValueError(f"street file columns missing: {missing}")
    table = pa.table([columns[name] for name in STREET_HEADER], names=list(STREET_HEADER))
    path.parent.mkdir(parents=True, exist_ok=True)
    # pyarrow quotes a header it writes itself; police.uk's header is bare.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as out:
        out.write((",".join(STREET_HEADER) + "\n").encode())
        pa_csv.write_csv(table, out, write_options=options)
