"""The hotspot section: Gi* for crime and ASB over the period, named clusters, and each LSOA's
pattern over the months (see ``hotspots.py`` for the method)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from csphub.analytics.assessment import hotspots as gi
from csphub.analytics.assessment.availability import police_uk_note
from csphub.analytics.assessment.data import AreaData, lsoa_boundaries, lsoa_names
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import describe_months, month_key

SERIES = (("crime", False, "crimes"), ("asb", True, "ASB incidents"))


def hotspot_section(con: duckdb.DuckDBPyConnection, data: AreaData, period, months: list[date],
                    permutations: int = gi.PERMUTATIONS, places: dict[str, str] | None = None) -> dict:
    """LSOA Gi* for crime (no ASB) and ASB over ``period``, where LSOA boundaries are loaded.

    ``months``: the months of the period present and complete, over which each LSOA's pattern
    (persistent, emerging, ...) is classed.
    """
    counts = data.counts
    this_period = counts[(counts["month"] >= period.start) & (counts["month"] <= period.end)]
    lsoas = set(counts["lsoa21_code"]) | set(data.lsoa_population)
    codes, geometries = lsoa_boundaries(con, lsoas)
    result: dict = {"method": gi.method_text(permutations), "test": "two-sided",
                    "fdr_q": gi.FDR_Q, "fdr_method": "Benjamini-Hochberg", "permutations": permutations,
                    "seed": gi.SEED, "lsoas_with_boundaries": len(codes)}
    if len(codes) < 3:
        result["note"] = "LSOA boundaries are not loaded for this area: no hotspot analysis."
        return result
    if this_period.empty:
        result["note"] = police_uk_note(data.area, period, data.loaded_months()) + " No hotspot analysis."
        return result
    names = lsoa_names(con, set(codes), data.ward_vintage)
    weights = gi.build_weights(codes, geometries, {c: n["ward_name"] for c, n in names.items()})
    result["neighbours"] = weights.as_dict()
    result["neighbours_note"] = weights.explanation()
    pattern_months = sorted(m for m in months if period.start <= m <= period.end)
    result["pattern_months"] = [month_key(m) for m in pattern_months]
    result["pattern_note"] = _pattern_note(pattern_months)
    for key, asb, unit in SERIES:
        part = this_period[(this_period["crime_type"] == ASB) == asb]
        rows = gi.gi_star(weights, part.groupby("lsoa21_code")["count"].sum().to_dict(), permutations)
        patterns = _patterns(weights, part, pattern_months, permutations)
        for row in rows:
            row.update(_named(row["lsoa_code"], names))
            row["pattern"] = patterns.get(row["lsoa_code"], "no pattern") if patterns else None
        hot = gi.clusters(rows, weights, "hot", names, unit, places)
        cold = gi.clusters(rows, weights, "cold", names, unit, places)
        for kind, found in (("hot", hot), ("cold", cold)):
            for cluster in found:
                cluster["patterns"] = _pattern_counts([r for r in rows if r["lsoa_code"] in cluster["lsoas"]])
                for row in rows:
                    if row["lsoa_code"] in cluster["lsoas"]:
                        row["cluster"] = f"{'H' if kind == 'hot' else 'C'}{cluster['number']}"
        result[key] = rows
        result[f"{key}_hot"] = [r["lsoa_code"] for r in rows if r["classification"] == "hot"]
        result[f"{key}_cold"] = [r["lsoa_code"] for r in rows if r["classification"] == "cold"]
        result[f"{key}_clusters"] = hot
        result[f"{key}_cold_clusters"] = cold
        result[f"{key}_patterns"] = _pattern_counts(rows) if patterns else {}
    return result


def _named(code: str, names: dict[str, dict]) -> dict:
    found = names.get(code, {})
    return {"lsoa_name": found.get("lsoa_name", code), "ward_code": found.get("ward_code"),
            "ward_name": found.get("ward_name"), "cluster": None}


def _pattern_note(months: list[date]) -> str:
    if len(months) < gi.MIN_PERIODS:
        return (f"No pattern over time: {len(months)} complete month{'s' if len(months) != 1 else ''} "
                f"of the period loaded ({describe_months(months)}); at least {gi.MIN_PERIODS} are needed.")
    recent = gi.recent_periods(len(months))
    return (f"Each LSOA's pattern is classed over the {len(months)} complete months of the period "
            f"({describe_months(months)}), Gi* month by month (same test, same correction): persistent "
            f"when significant in at least {gi.PERSISTENT_SHARE:.0%} of the months; emerging when "
            f"significant in the last {recent} month{'s' if recent != 1 else ''} but not before; "
            "former when significant before but not in those months; intermittent otherwise when "
            f"significant in at least {gi.HOTSPOT_SHARE:.0%} of the months (after sfhotspot's "
            "hotspot_classify).")


def _patterns(weights: gi.SpatialWeights, part: pd.DataFrame, months: list[date],
              permutations: int) -> dict[str, str]:
    """LSOA -> its pattern over ``months`` (empty when there are too few months)."""
    if len(months) < gi.MIN_PERIODS:
        return {}
    flags: dict[str, list[str]] = {c: [] for c in weights.codes}
    for month in months:
        counts = part[part["month"] == month].groupby("lsoa21_code")["count"].sum().to_dict()
        kinds = {r["lsoa_code"]: r["classification"] for r in gi.gi_star(weights, counts, permutations)}
        for code in weights.codes:
            kind = kinds.get(code, gi.NOT_SIGNIFICANT)
            flags[code].append("" if kind == gi.NOT_SIGNIFICANT else kind)
    return {code: gi.classify_pattern(f) for code, f in flags.items()}


def _pattern_counts(rows: list[dict]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        if row.get("pattern") and row["pattern"] != "no pattern":
            found[row["pattern"]] = found.get(row["pattern"], 0) + 1
    return dict(sorted(found.items()))
