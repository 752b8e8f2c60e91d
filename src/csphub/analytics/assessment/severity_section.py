"""The Crime Severity Score section: exact from offence codes where loaded, else an estimate."""

from __future__ import annotations

import duckdb
import pandas as pd

from csphub.analytics import severity
from csphub.analytics.assessment.comparison import MonthMatch, basis_text
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import (
    Period,
    month_key,
    months_basis,
    year_ago,
)
from csphub.analytics.assessment.quarters import ALL_QUARTERS, match_quarters, quarter_list
from csphub.analytics.offence_counts import area_offence_counts
from csphub.change import percent_change


def css_section(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period,
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


def exact_css(con: duckdb.DuckDBPyConnection, area_name: str, codes: list[str], year: Period,
              weights: dict[str, float], population: float) -> dict | None:
    """CSS from offence-code counts for this area and year, or None if there are none.

    Codes are matched in their one spelling (homicide included, however written). Any loaded
    code without an ONS weight is listed with its offences: what the score leaves out. The
    previous year's score is given when its counts are loaded, and the change on the quarters
    present in both years only.
    """
    frame = area_offence_counts(con, area_name, codes, [year.name, year.previous().name])
    this = frame[frame["financial_year"] == year.name]
    if this.empty:
        return None
    before = frame[frame["financial_year"] == year.previous().name]
    match = match_quarters(frame, year.name, year.previous().name)

    def score(part: pd.DataFrame) -> float:
        return severity.css_from_counts(part.groupby("offence_code")["count"].sum().to_dict(), weights, population)

    counts = this.groupby("offence_code")["count"].sum().to_dict()
    names = this.groupby("offence_code")["offence_description"].first().to_dict()
    missing = [{"offence_code": code, "offence_description": names.get(code), "offences": n}
               for code, n in severity.codes_without_weight(counts, weights).items()]
    result: dict = {
        "method": "exact", "value": round(score(this), 3),
        "value_basis": f"{year.name}, {match.covered()}",
        "previous": round(score(before), 3) if not before.empty else None,
        "previous_basis": (f"{year.previous().name}, " + ("the whole year" if match.previous_quarters == ALL_QUARTERS
                           else f"quarters {quarter_list(match.previous_quarters)} only")) if not before.empty else None,
        "offences": int(sum(counts.values())), "population": population,
        "months": [month_key(m) for m in match.months(year.start_year)],
        "codes_without_weight": missing,
        "offences_without_weight": int(sum(m["offences"] for m in missing)),
        "change": None, "change_note": match.note(year.name, year.previous().name),
    }
    if match.matched:
        current, previous = score(match.current(this)), score(match.previous(before))
        result["change"] = {"current": round(current, 3), "previous": round(previous, 3),
                            "percent": percent_change(current, previous), "basis": match.basis()}
    result["note"] = ("Exact: Home Office offence-code counts x ONS severity weights / population."
                      + _left_out(missing, result["offences"]))
    return result


def _left_out(missing: list[dict], offences: int) -> str:
    """What an exact score leaves out: the loaded codes with no ONS weight, and their offences."""
    if not missing:
        return " Every offence code loaded has an ONS weight."
    listed = "; ".join(f"{m['offence_code']}" + (f" ({m['offence_description']})" if m["offence_description"] else "")
                       + f": {m['offences']:,} offences" for m in missing)
    left = sum(m["offences"] for m in missing)
    share = f", {left / offences:.1%} of the {offences:,} offences loaded" if offences > 0 else ""
    return f" Not scored, having no ONS weight: {listed} ({left:,} offences left out{share})."


def _score(part: pd.DataFrame, category_weights: dict[str, float], population: float) -> float:
    by_type = part.groupby("crime_type")["count"].sum()
    return sum(n * category_weights.get(t.casefold(), 0.0) for t, n in by_type.items()) / population


def estimated_css(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period,
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
                            "basis": basis_text(match.matched, match.period_months)}
    return result
