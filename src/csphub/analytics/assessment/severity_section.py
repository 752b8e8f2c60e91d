"""The Crime Severity Score section: exact from offence codes where loaded, else an estimate."""

from __future__ import annotations

import duckdb
import pandas as pd

from csphub.analytics import severity
from csphub.analytics.assessment.comparison import MonthMatch, basis_text
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import FinancialYear, month_key, months_basis, year_ago
from csphub.change import percent_change


def css_section(con: duckdb.DuckDBPyConnection, data: AreaData, year: FinancialYear,
                match: MonthMatch) -> dict:
    """The CSS of the year and the year before, and its change on like-for-like months only."""
    weights = severity.weights(con)
    if not weights:
        return {"method": None, "value": None,
                "note": "No severity weights loaded (csphub ingest severity-weights FILE): no CSS."}
    if not data.population:
        return {"method": None, "value": None, "note": "No population loaded: no CSS."}
    exact = exact_css(con, data.area.name, list(data.area.lad_codes), year, weights, data.population)
    if exact is not None:
        return exact
    return estimated_css(con, data, year, match)


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
            "months": [month_key(m) for m in year.months],
            "codes_without_weight": unweighted,
            "note": "Exact: Home Office offence-code counts x ONS severity weights / population."}


def _score(part: pd.DataFrame, category_weights: dict[str, float], population: float) -> float:
    by_type = part.groupby("crime_type")["count"].sum()
    return sum(n * category_weights.get(t.casefold(), 0.0) for t, n in by_type.items()) / population


def estimated_css(con: duckdb.DuckDBPyConnection, data: AreaData, year: FinancialYear,
                  match: MonthMatch) -> dict:
    """The estimate from police.uk categories for the year and the year before (each over the
    months it has), and the change on the months present and complete in both years only."""
    category_weights, how = severity.category_weights(con)
    population = float(data.population or 0)
    crimes = data.counts[data.counts["crime_type"] != ASB]
    result: dict = {"method": "estimate", "note": (
        "Estimate from police.uk categories: each category's weight is the " + how + ". "
        "Not comparable with ONS's published CSS.")}
    for key, fy in (("value", year), ("previous", year.previous())):
        part = crimes[(crimes["month"] >= fy.start) & (crimes["month"] <= fy.end)]
        months = sorted(set(part["month"]))
        result[key] = round(_score(part, category_weights, population), 3) if months else None
        result[f"{key}_months"] = len(months)
        if key == "value":
            result["months"] = [month_key(m) for m in months]
        result[f"{key}_basis"] = months_basis(months, len(fy.months)) if months else None
    result["change"], result["change_note"] = None, match.note()
    if match.matched and result["value"] is not None:
        current = _score(crimes[crimes["month"].isin(match.matched)], category_weights, population)
        ago = {year_ago(m) for m in match.matched}
        previous = _score(crimes[crimes["month"].isin(ago)], category_weights, population)
        result["change"] = {"current": round(current, 3), "previous": round(previous, 3),
                            "percent": percent_change(current, previous),
                            "months_compared": [month_key(m) for m in match.matched],
                            "basis": basis_text(match.matched)}
    return result
