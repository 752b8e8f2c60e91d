"""A fictional county: local authorities, wards and LSOAs on a jittered grid.

The county of Aldshire is a grid of LSOA cells (about 1 km square) whose corners are jittered,
so neighbouring cells share their edges exactly and look like real boundaries. Columns of the
grid belong to local authorities; blocks of 2 x 3 cells form wards, so LSOAs nest in wards and
wards in authorities. Codes use the ``999`` range (``E06999001``, ``E05999001``,
``E01999001``) that ONS has never issued, so they cannot collide with real ones.

Examples:
    >>> county = build_county(seed=1)
    >>> county.authorities[1].name, county.authorities[1].code
    ('Riverford', 'E06999001')
    >>> len(county.lsoas_of("E06999001")), len(county.wards_of("E06999001"))
    (120, 20)
"""

from __future__ import annotations

import codecs
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Cell size in degrees (about 1 km at latitude 52.3) and the county's south-west corner.
CELL_LON = 0.0147
CELL_LAT = 0.009
ORIGIN_LON = -1.62
ORIGIN_LAT = 52.26
GRID_ROWS = 12
WARD_COLS, WARD_ROWS = 2, 3


@dataclass(frozen=True)
class Authority:
    """One local authority district of the fictional county."""

    code: str
    name: str
    first_col: int
    cols: int
    ward_names: tuple[str, ...]


AUTHORITIES: tuple[Authority, ...] = (
    Authority("E07999002", "Wendle Vale", 0, 6, (
        "Wendle North", "Wendle South", "Ashby Moor", "Coldharbour", "Fenwick", "Harrowden",
        "Little Marsh", "Oakhanger", "Pennington", "Stowe Green", "Thornbury", "Upper Wendle",
    )),
    Authority("E06999001", "Riverford", 6, 10, (
        "Northgate", "Brookside", "Hollins", "Kingsmead", "Abbeyfields", "St Anne's",
        "Ferrybank", "Orchard Park", "Castle", "Town Centre", "Riverside", "Millbrook",
        "Eastbridge", "Market Quarter", "Quayside", "Larkhill", "Southfields", "Westcote",
        "Greenhill", "Hatherley",
    )),
    Authority("E07999003", "Kingsmere", 16, 6, (
        "Kingsmere Central", "Ashcombe", "Bramley", "Chilton", "Dunmore", "Elmstead",
        "Fordham", "Gorsey Bank", "Hythe Cross", "Lowfield", "Marlow End", "Netherby",
    )),
)


@dataclass
class Lsoa:
    """One LSOA cell: its codes and names, corners (lon, lat) and residents."""

    code: str
    name: str
    ward_code: str
    ward_name: str
    lad_code: str
    lad_name: str
    col: int
    row: int
    corners: np.ndarray  # 4 x 2, counter-clockwise from the south-west corner
    population: int


@dataclass
class County:
    """The whole fictional county, cell by cell."""

    lsoas: list[Lsoa]
    authorities: tuple[Authority, ...] = AUTHORITIES
    nodes: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0, 2)))

    def lsoas_of(self, lad_code: str) -> list[Lsoa]:
        return [lsoa for lsoa in self.lsoas if lsoa.lad_code == lad_code]

    def wards_of(self, lad_code: str) -> list[tuple[str, str]]:
        return sorted({(lsoa.ward_code, lsoa.ward_name) for lsoa in self.lsoas_of(lad_code)})

    def population_of(self, lad_code: str) -> int:
        return sum(lsoa.population for lsoa in self.lsoas_of(lad_code))


def _jittered_nodes(rng: np.random.Generator, cols: int, rows: int) -> np.ndarray:
    """Grid corners in degrees, each moved by up to 20% of a cell so edges look drawn."""
    i, j = np.meshgrid(np.arange(cols + 1), np.arange(rows + 1), indexing="ij")
    jitter = rng.uniform(-0.2, 0.2, size=(cols + 1, rows + 1, 2))
    lon = ORIGIN_LON + (i + jitter[..., 0]) * CELL_LON
    lat = ORIGIN_LAT + (j + jitter[..., 1]) * CELL_LAT
    return np.round(np.stack([lon, lat], axis=-1), 6)


def build_county(seed: int = 2024) -> County:
    """Build Aldshire: three authorities, 44 wards, 264 LSOAs, about 330,000 residents."""
    rng = np.random.default_rng(seed)
    total_cols = sum(a.cols for a in AUTHORITIES)
    nodes = _jittered_nodes(rng, total_cols, GRID_ROWS)
    lsoas: list[Lsoa] = []
    ward_serial = lsoa_serial = 0
    for authority in AUTHORITIES:
        ward_codes: dict[int, str] = {}
        for local_col in range(authority.cols):
            for row in range(GRID_ROWS):
                ward_index = (local_col // WARD_COLS) * (GRID_ROWS // WARD_ROWS) + row // WARD_ROWS
                if ward_index not in ward_codes:
                    ward_serial += 1
                    ward_codes[ward_index] = f"E05999{ward_serial:03d}"
                lsoa_serial += 1
                col = authority.first_col + local_col
                corners = np.array(
                    [nodes[col, row], nodes[col + 1, row], nodes[col + 1, row + 1], nodes[col, row + 1]]
                )
                msoa, letter = divmod(len([x for x in lsoas if x.lad_code == authority.code]), 4)
                lsoas.append(Lsoa(
                    code=f"E01999{lsoa_serial:03d}",
                    name=f"{authority.name} {msoa + 1:03d}{'ABCD'[letter]}",
                    ward_code=ward_codes[ward_index],
                    ward_name=authority.ward_names[ward_index],
                    lad_code=authority.code,
                    lad_name=authority.name,
                    col=col,
                    row=row,
                    corners=corners,
                    population=int(rng.integers(1_000, 1_500)),
                ))
    return County(lsoas=lsoas, nodes=nodes)


def write_lookup_csv(county: County, path: Path) -> Path:
    """ONS best-fit LSOA21 -> WD23 -> LAD23 lookup, BOM and all, as ONS publishes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write(codecs.BOM_UTF8.decode())
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["LSOA21CD", "LSOA21NM", "LSOA21NMW", "WD23CD", "WD23NM", "WD23NMW",
                         "LAD23CD", "LAD23NM", "LAD23NMW", "ObjectId"])
        for number, lsoa in enumerate(county.lsoas, start=1):
            writer.writerow([lsoa.code, lsoa.name, "", lsoa.ward_code, lsoa.ward_name, "",
                             lsoa.lad_code, lsoa.lad_name, "", number])
    return path


def write_population_csv(county: County, path: Path) -> Path:
    """Residents per LSOA in the ``lsoacd,population`` layout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["lsoacd", "population"])
        for lsoa in county.lsoas:
            writer.writerow([lsoa.code, lsoa.population])
    return path


def _ring(corners: np.ndarray) -> list[list[float]]:
    points = [[round(float(lon), 6), round(float(lat), 6)] for lon, lat in corners]
    return [*points, points[0]]


def _feature_collection(name: str, features: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }


def write_lsoa_boundaries(county: County, path: Path) -> Path:
    """LSOA 2021 boundaries (CRS84 GeoJSON, ``LSOA21CD``/``LSOA21NM`` as ONS names them)."""
    features = [
        {
            "type": "Feature",
            "properties": {"LSOA21CD": x.code, "LSOA21NM": x.name, "LADCD_ACTIVE": x.lad_code},
            "geometry": {"type": "Polygon", "coordinates": [_ring(x.corners)]},
        }
        for x in county.lsoas
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_feature_collection("aldshire_lsoa21", features)))
    return path


def write_ward_boundaries(county: County, path: Path) -> Path:
    """Ward (2023) boundaries: each ward is the union of its LSOA cells."""
    from shapely.geometry import Polygon, mapping
    from shapely.geometry.polygon import orient
    from shapely.ops import unary_union

    wards: dict[str, list[Lsoa]] = {}
    for lsoa in county.lsoas:
        wards.setdefault(lsoa.ward_code, []).append(lsoa)
    features = []
    for code, cells in wards.items():
        shape = unary_union([Polygon(cell.corners) for cell in cells])
        features.append({
            "type": "Feature",
            "properties": {"WD23CD": code, "WD23NM": cells[0].ward_name,
                           "LAD23CD": cells[0].lad_code, "LAD23NM": cells[0].lad_name},
            "geometry": mapping(orient(shape.simplify(0), sign=1.0)),
        })
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_feature_collection("aldshire_wards", features)))
    return path
