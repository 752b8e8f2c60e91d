"""Hotspots: LSOA-level Getis-Ord Gi* (PySAL esda) on the area's LSOA boundaries.

An LSOA is called a hotspot only when its Gi* z-score is positive and the permutation test
(999 conditional permutations, fixed seed so reports are reproducible) gives p < 0.05; a
coldspot likewise with a negative z. Weights: Queen contiguity with each LSOA in its own
neighbourhood (the "star" in Gi*), row-standardised.

Examples:
    >>> HOTSPOT_P
    0.05
"""

from __future__ import annotations

import numpy as np
import shapely

HOTSPOT_P = 0.05
PERMUTATIONS = 999
SEED = 20221


def getis_ord_star(codes: list[str], wkb_geometries: list[bytes], counts: dict[str, int],
                   seed: int = SEED) -> list[dict]:
    """Gi* for each LSOA: code, count, z, p (permutation) and 'hot'/'cold'/'not significant'."""
    import geopandas as gpd
    from esda.getisord import G_Local
    from libpysal.weights import Queen, fill_diagonal

    frame = gpd.GeoDataFrame({"code": codes}, geometry=[shapely.from_wkb(g) for g in wkb_geometries],
                             crs="EPSG:4326")
    values = np.array([float(counts.get(c, 0)) for c in codes])
    weights = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    if weights.n < 3 or values.sum() == 0:
        return []
    weights = fill_diagonal(weights, 1.0)
    gi = G_Local(values, weights, star=None, transform="R", permutations=PERMUTATIONS, seed=seed)
    result = []
    for code, value, z, p in zip(codes, values, gi.Zs, gi.p_sim, strict=True):
        significant = p < HOTSPOT_P
        kind = ("hot" if z > 0 else "cold") if significant else "not significant"
        result.append({"lsoa_code": code, "count": int(value), "z": round(float(z), 3),
                       "p": round(float(p), 4), "classification": kind})
    return result
