"""Hotspots a committee can act on: LSOA Getis-Ord Gi* (PySAL esda), corrected for testing
every LSOA at once, grouped into named clusters, and classed over the months.

- **Test**: Gi* (esda ``G_Local``) with each LSOA in its own neighbourhood (the star),
  row-standardised weights, against ``permutations`` random relabellings of all the counts
  (9,999 by default; :func:`permuted_gi_star`) drawn with a **fixed seed**, so the same data
  always gives the same hotspots. The permutation test is **two-sided** (twice the smaller
  tail, :func:`two_sided_p`): high and low clusters are tested alike, at the level stated (esda's
  folded pseudo-p tested at 0.05 is in effect a 10% two-sided test).
- **Multiple testing**: the p-values of all the area's LSOAs are corrected together with the
  Benjamini-Hochberg procedure (``scipy.stats.false_discovery_control``); an LSOA is a hotspot
  (coldspot) only when its adjusted p-value (q-value) is at most ``FDR_Q`` (0.05) and its
  simulated z-score is positive (negative). With ~170 LSOAs this keeps the expected share of
  false hotspots among those reported at 5%.
- **z** is the permutation z-score (observed Gi* against the mean and spread of its
  permutations), the same reference the p-value uses; esda's analytical ``Zs`` assumes
  normality and can disagree with a permutation p-value on counts.
- **Neighbours**: LSOAs that share a boundary or a corner (Queen contiguity). Where the
  contiguity graph falls into separate parts (a river or estuary divides the area) or an LSOA
  touches none (an island), each LSOA of a smaller part is also linked to those of its
  ``KNN_LINKS`` nearest LSOAs (by centroid, libpysal ``KNN``) that lie in another part, so no
  LSOA is tested without neighbours; :attr:`SpatialWeights.explanation` says so in words.
- **Clusters**: hot (or cold) LSOAs that touch form one cluster, summarised by its wards.
- **Pattern over the months** (after sfhotspot's ``hotspot_classify``): see
  :func:`classify_pattern`.

Examples:
    >>> classify_pattern(["hot"] * 12)
    'persistent hotspot'
    >>> classify_pattern([""] * 9 + ["", "hot", "hot"])
    'emerging hotspot'
    >>> classify_pattern(["hot", ""] + [""] * 10)
    'former hotspot'
    >>> classify_pattern([""] * 12)
    'no pattern'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

FDR_Q = 0.05
PERMUTATIONS = 9_999
SEED = 20221
KNN_LINKS = 4
#: sfhotspot's defaults: hot in >= 80% of periods is persistent; the last 20% of periods are
#: "recent"; hot in >= 10% of a span counts as hot in it.
PERSISTENT_SHARE = 0.8
RECENT_SHARE = 0.2
HOTSPOT_SHARE = 0.1
#: fewer periods than this give no pattern (one or two months say nothing about persistence)
MIN_PERIODS = 4

NOT_SIGNIFICANT = "not significant"


def method_text(permutations: int, q: float = FDR_Q) -> str:
    return (f"Getis-Ord Gi* (esda.G_Local, star), Queen contiguity (nearest-neighbour links across "
            f"gaps), row-standardised; two-sided permutation test (all counts relabelled), {permutations:,} "
            f"permutations, fixed seed {SEED}; Benjamini-Hochberg false discovery rate q = {q} over "
            "all the area's LSOAs: a hotspot (coldspot) has q-value <= q and z > 0 (z < 0)")


def _words(items: Sequence[str]) -> str:
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]


@dataclass
class SpatialWeights:
    """Who neighbours whom among the area's LSOAs, and how the gaps were bridged."""

    codes: list[str]
    contiguity: dict[str, list[str]]  # LSOAs that touch (Queen)
    neighbours: dict[str, list[str]]  # contiguity plus the links across gaps
    parts: list[list[str]]  # connected parts of the contiguity graph, largest first
    links_added: list[tuple[str, str]] = field(default_factory=list)
    ward_names: dict[str, str] = field(default_factory=dict)  # LSOA code -> ward name

    @property
    def islands(self) -> list[str]:
        return [c for c in self.codes if not self.contiguity[c]]

    def w(self):
        """A fresh libpysal W with each LSOA its own neighbour (Gi*). Fresh each time: esda's
        permutation test zeroes the diagonal of the W it is given."""
        from libpysal.weights import W

        neighbours = {c: [c, *self.neighbours[c]] for c in self.codes}
        return W(neighbours, id_order=self.codes, silence_warnings=True)

    def explanation(self) -> str:
        """The neighbour structure in words, for the report (never a raw warning)."""
        if len(self.parts) <= 1:
            return ("Neighbours are the LSOAs that share a boundary or a corner (Queen contiguity); "
                    "every LSOA touches at least one other.")
        smaller = []
        for part in self.parts[1:]:
            wards = sorted({self.ward_names.get(c, "") for c in part} - {""})
            where = f" in {_words(wards)}" if wards else ""
            smaller.append(f"{len(part)} LSOA{'s' if len(part) != 1 else ''}{where}"
                           + (" (touching no other LSOA)" if len(part) == 1 else ""))
        return (f"Neighbours are the LSOAs that share a boundary or a corner (Queen contiguity). The "
                f"area's LSOAs fall into {len(self.parts)} groups that do not touch, as where a river "
                f"or estuary divides an area: the largest of {len(self.parts[0])} LSOAs, and "
                f"{_words(smaller)}. So that no LSOA is tested without neighbours across the gap, each "
                f"LSOA of a smaller group is also linked to those of its {KNN_LINKS} nearest LSOAs (by "
                f"centroid) that lie in another group (k-nearest neighbours): "
                f"{len(self.links_added)} link{'s' if len(self.links_added) != 1 else ''} added.")

    def as_dict(self) -> dict:
        return {"parts": [len(p) for p in self.parts], "islands": self.islands,
                "links_added": [list(link) for link in self.links_added],
                "knn_links": KNN_LINKS, "explanation": self.explanation()}


def _parts(codes: list[str], graph: dict[str, list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    parts = []
    for start in codes:
        if start in seen:
            continue
        part, stack = [], [start]
        seen.add(start)
        while stack:
            code = stack.pop()
            part.append(code)
            for other in graph[code]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


def build_weights(codes: list[str], wkb_geometries: list[bytes],
                  ward_names: dict[str, str] | None = None) -> SpatialWeights:
    """Queen contiguity among the LSOAs, the gaps bridged by nearest-neighbour links."""
    import geopandas as gpd
    from libpysal.weights import KNN, Queen

    frame = gpd.GeoDataFrame({"code": codes}, geometry=[shapely.from_wkb(g) for g in wkb_geometries],
                             crs="EPSG:4326")
    with warnings.catch_warnings():  # islands and parts are explained, not warned about
        warnings.simplefilter("ignore")
        queen = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    contiguity = {codes[i]: sorted(codes[j] for j in queen.neighbors[i]) for i in range(len(codes))}
    neighbours = {c: list(v) for c, v in contiguity.items()}
    parts = _parts(codes, contiguity)
    links: list[tuple[str, str]] = []
    if len(parts) > 1:
        points = frame.to_crs("EPSG:27700").geometry.centroid
        coords = np.column_stack([points.x, points.y])
        k = min(KNN_LINKS, len(codes) - 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            knn = KNN.from_array(coords, k=k, silence_warnings=True)
        part_of = {c: n for n, part in enumerate(parts) for c in part}

        def link(a: str, b: str) -> None:
            if b not in neighbours[a]:
                neighbours[a].append(b)
                neighbours[b].append(a)
                links.append((min(a, b), max(a, b)))

        for part in parts[1:]:
            for code in part:
                for j in knn.neighbors[codes.index(code)]:
                    if part_of[codes[j]] != part_of[code]:
                        link(code, codes[j])
        # a part whose LSOAs have no other part among their nearest: its single nearest pair
        while len(joined := _parts(codes, neighbours)) > 1:
            apart = set(joined[-1])
            inside = [i for i, c in enumerate(codes) if c in apart]
            outside = [i for i, c in enumerate(codes) if c not in apart]
            gaps = np.linalg.norm(coords[inside][:, None, :] - coords[outside][None, :, :], axis=2)
            a, b = np.unravel_index(np.argmin(gaps), gaps.shape)
            link(codes[inside[a]], codes[outside[b]])
    return SpatialWeights(codes, contiguity, {c: sorted(v) for c, v in neighbours.items()}, parts,
                          sorted(set(links)), dict(ward_names or {}))


def gi_star(weights: SpatialWeights, counts: dict[str, int], permutations: int = PERMUTATIONS,
            seed: int = SEED, q: float = FDR_Q) -> list[dict]:
    """Gi* for each LSOA: code, count, z, p (two-sided permutation), q_value (Benjamini-Hochberg)
    and classification ('hot', 'cold' or 'not significant'). Empty when every count is 0."""
    from scipy.stats import false_discovery_control

    codes = weights.codes
    values = np.array([float(counts.get(c, 0)) for c in codes])
    if len(codes) < 3 or values.sum() == 0:
        return []
    matrix = row_standardised(weights.w().sparse)
    # Rounded alike, so that a permutation equal to the observed value counts as a tie.
    observed = np.round(matrix @ values / values.sum(), 12)
    simulated = permuted_gi_star(values, matrix, permutations, seed)
    spread = simulated.std(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(spread > 0, (observed - simulated.mean(axis=1)) / spread, 0.0)
    p = two_sided_p(observed, simulated)
    adjusted = false_discovery_control(p, method="bh")
    rows = []
    for code, value, zi, pi, qi in zip(codes, values, z, p, adjusted, strict=True):
        significant = qi <= q and zi != 0
        kind = ("hot" if zi > 0 else "cold") if significant else NOT_SIGNIFICANT
        rows.append({"lsoa_code": code, "count": int(value), "z": round(float(zi), 3),
                     "p": round(float(pi), 5), "q_value": round(float(qi), 5), "classification": kind})
    return rows


def row_standardised(sparse):
    """The weights matrix (self included) with each row summing to 1, as CSR."""
    matrix = sparse.tocsr().astype(float)
    rows = np.asarray(matrix.sum(axis=1)).ravel()
    return matrix.multiply(1 / np.where(rows > 0, rows, 1)[:, None]).tocsr()


def permuted_gi_star(values: np.ndarray, matrix, permutations: int, seed: int = SEED,
                     chunk: int = 1_000) -> np.ndarray:
    """Gi* of every LSOA under ``permutations`` random relabellings of all the counts (LSOAs x
    permutations), from a generator seeded with ``seed``: the same input gives the same output.
    ``matrix``: :func:`row_standardised` weights. Gi* is sum_j w_ij y_j / sum_j y_j, as esda's
    ``G_Local(..., star=None, transform='R').Gs``.

    Every count is permuted, the LSOA's own included. esda's conditional permutation holds the
    LSOA's own count fixed, which suits Gi (without the star) but makes Gi* test the neighbours
    alone: one high LSOA among quiet neighbours then comes out a significant *coldspot* with a
    small z, as the 2022 report's coldspots did.
    """
    rng = np.random.default_rng(seed)
    total = values.sum()
    out = np.empty((len(values), permutations))
    for start in range(0, permutations, chunk):
        size = min(chunk, permutations - start)
        shuffled = rng.permuted(np.tile(values, (size, 1)), axis=1).T
        out[:, start:start + size] = np.round(matrix @ shuffled / total, 12)
    return out


def two_sided_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Two-sided permutation p-values: twice the smaller tail, ties counted in both tails.

    ``simulated`` is LSOAs x permutations. (esda's own 'two-sided' option locates the tails by
    percentiles, which misreads the many ties of permuted counts: an LSOA far above all its
    permutations could get p = 0.7.)

    Examples:
        >>> two_sided_p(np.array([10.0]), np.array([[1.0, 2.0, 3.0, 4.0]]))
        array([0.4])
    """
    upper = (simulated >= observed[:, None]).sum(axis=1)
    lower = (simulated <= observed[:, None]).sum(axis=1)
    tail = (np.minimum(upper, lower) + 1) / (simulated.shape[1] + 1)
    return np.minimum(1.0, 2 * tail)


def load_places(path) -> dict[str, str]:
    """The partnership's place names from a CSV with ``code`` and ``place`` columns (``code``: an
    LSOA code or name, an MSOA name such as 'Medway 015', a ward code or name); {} for None.
    A row without both is an error naming the file and line."""
    import csv
    from pathlib import Path

    from csphub.errors import InputFileError, InputProblem

    if path is None:
        return {}
    places: dict[str, str] = {}
    with open(Path(path), encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"code", "place"} <= set(reader.fieldnames or []):
            raise InputFileError(InputProblem(str(path), 1, "header", ",".join(reader.fieldnames or []),
                                              "columns code and place"))
        for line, row in enumerate(reader, start=2):
            code, place = (row.get("code") or "").strip(), (row.get("place") or "").strip()
            if not code or not place:
                raise InputFileError(InputProblem(str(path), line, "code" if not code else "place", "",
                                                  "a code and a place name"))
            places[code] = place
    return places


def place_of(code: str, name: dict, places: dict[str, str]) -> str | None:
    """The partnership's place name for an LSOA: by its code, its name ('Medway 012A'), its
    MSOA (the name without the letter: 'Medway 012'), its ward code or its ward name."""
    lsoa_name = name.get("lsoa_name") or ""
    for key in (code, lsoa_name, lsoa_name[:-1].strip() if lsoa_name else "", name.get("ward_code"),
                name.get("ward_name")):
        if key and key.casefold() in places:
            return places[key.casefold()]
    return None


def clusters(rows: list[dict], weights: SpatialWeights, kind: str, names: dict[str, dict],
             unit: str, places: dict[str, str] | None = None) -> list[dict]:
    """Touching LSOAs of one ``kind`` ('hot' or 'cold') as clusters, largest count first.

    ``names``: LSOA code -> ``lsoa_name``, ``ward_code``, ``ward_name``; ``places``: casefolded
    keys (see :func:`place_of`) -> a place name the partnership uses. Without one, the place is
    the ward holding most of the cluster, or the wards' names when none holds most.
    Each cluster: ``number``, ``place``, ``wards``, ``lsoas`` (codes), ``lsoa_names``, ``count``,
    ``share`` (of the area's count) and ``summary``, e.g. 'Chatham Central and River: 6 LSOAs
    (Medway 012A, ...), 1,234 crimes, 8.1% of the area's'.
    """
    chosen = {r["lsoa_code"] for r in rows if r["classification"] == kind}
    count = {r["lsoa_code"]: r["count"] for r in rows}
    total = sum(count.values())
    touching = {c: [n for n in weights.contiguity[c] if n in chosen] for c in chosen}
    groups = _parts(sorted(chosen), touching)
    groups.sort(key=lambda g: (-sum(count[c] for c in g), g[0]))
    places = {k.casefold(): v for k, v in (places or {}).items()}
    result = []
    for number, group in enumerate(groups, start=1):
        wards: dict[str, int] = {}
        for code in group:
            ward = names.get(code, {}).get("ward_name") or "ward not known"
            wards[ward] = wards.get(ward, 0) + 1
        ward_list = sorted(wards, key=lambda w: (-wards[w], w))
        named = [found for c in group if (found := place_of(c, names.get(c, {}), places))]
        if named:  # the partnership's own name for the place, the most common in the cluster
            place = sorted(set(named), key=lambda p: (-named.count(p), p))[0]
        elif wards[ward_list[0]] * 2 > len(group):  # most of it in one ward
            place = ward_list[0]
        else:
            place = _words(ward_list)
        lsoa_names = [names.get(c, {}).get("lsoa_name") or c for c in group]
        n = sum(count[c] for c in group)
        where = "" if place == _words(ward_list) else f" in {_words(ward_list)}"
        share = round(n / total, 4) if total else None
        summary = (f"{place}: {len(group)} LSOA{'s' if len(group) != 1 else ''}{where} "
                   f"({', '.join(lsoa_names)}), {n:,} {unit}"
                   + (f", {share * 100:.1f}% of the area's" if share is not None else ""))
        result.append({"number": number, "place": place, "wards": ward_list, "lsoas": group,
                       "lsoa_names": lsoa_names, "count": n, "share": share, "summary": summary})
    return result


def recent_periods(n: int) -> int:
    """How many of ``n`` periods are recent: the last 20%, at least one (3 of 12 months)."""
    return max(1, math.ceil(n * RECENT_SHARE))


def classify_pattern(flags: Sequence[str], kind: str = "hot") -> str:
    """A hot (or cold) spot's pattern over consecutive periods, oldest first, after sfhotspot's
    ``hotspot_classify``: ``flags`` holds 'hot', 'cold' or '' per period.

    - *persistent*: significant in at least 80% of the periods;
    - *emerging*: significant in at least 10% of the recent periods (the last 20%, at least one)
      but not in 10% of the earlier ones;
    - *former*: the reverse (significant earlier, not recently);
    - *intermittent*: significant in at least 10% of all periods otherwise;
    - else 'no pattern'. Hot is tested before cold.
    """
    n = len(flags)
    if n == 0:
        return "no pattern"
    for wanted in (kind, "cold" if kind == "hot" else "hot"):
        hits = [f == wanted for f in flags]
        recent = recent_periods(n)
        early, late = hits[:n - recent], hits[n - recent:]
        hot_late = sum(late) >= HOTSPOT_SHARE * len(late) and any(late)
        hot_early = bool(early) and sum(early) >= HOTSPOT_SHARE * len(early) and any(early)
        name = "hotspot" if wanted == "hot" else "coldspot"
        if sum(hits) >= PERSISTENT_SHARE * n:
            return f"persistent {name}"
        if hot_late and not hot_early:
            return f"emerging {name}"
        if hot_early and not hot_late:
            return f"former {name}"
        if any(hits) and sum(hits) >= HOTSPOT_SHARE * n:
            return f"intermittent {name}"
    return "no pattern"
