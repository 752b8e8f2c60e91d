"""The Crime Severity Score section: exact from offence codes where loaded, else an estimate."""

from __future__ import annotations

import duckdb

from csphub.analytics import severity
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import FinancialYear


def css_section(con: duckdb.DuckDBPyConnection, data: AreaData, year: FinancialYear) -> dict:
    weights = severity.weights(con)
    if not weights:
        return {"method": None, "value": None,
                "note": "No severity weights loaded (csphub ingest severity-weights FILE): no CSS."}
    if not data.population:
        return {"method": None, "value": None, "note": "No population loaded: no CSS."}
    exact = exact_css(con, data.area.name, list(data.area.lad_codes), year, weights, data.population)
    if exact is not None:
        return exact
    return estimated_css(con, data, year)


def exact_css(con: duckdb.DuckDBPyConnection, area_name: str, codes: list[str], year: FinancialYear,
              weights: dict[str, float], population: float) -> dict | None:
    """CSS from offence-code counts for this area and year, or None if there are none."""
    rows = con.execute(
        """select offence_code, sum(count) from offence_counts
        where financial_year = $fy and (lower(area_name) = lower($name) or list_contains($codes, area_code))
        group by 1""", {"fy": year.name, "name": area_name, "codes": codes}).fetchall()
    if not rows:
        return None
    counts = {code: int(n) for code, n in rows}
    unweighted = sorted(c for c in counts if c not in weights)
    return {"method": "exact", "value": round(severity.css_from_counts(counts, weights, population), 3),
            "offences": sum(counts.values()), "population": population,
            "codes_without_weight": unweighted,
            "note": "Exact: Home Office offence-code counts x ONS severity weights / population."}


def estimated_css(con: duckdb.DuckDBPyConnection, data: AreaData, year: FinancialYear) -> dict:
    category_weights, how = severity.category_weights(con)
    result: dict = {"method": "estimate", "note": (
        "Estimate from police.uk categories: each category's weight is the " + how + ". "
        "Not comparable with ONS's published CSS.")}
    for key, fy in (("value", year), ("previous", year.previous())):
        part = data.counts[(data.counts["month"] >= fy.start) & (data.counts["month"] <= fy.end)
                           & (data.counts["crime_type"] != ASB)]
        by_type = part.groupby("crime_type")["count"].sum()
        score = sum(n * category_weights.get(t.casefold(), 0.0) for t, n in by_type.items())
        result[key] = round(score / data.population, 3) if len(part) else None
        result[f"{key}_months"] = int(part["month"].nunique())
    return result
