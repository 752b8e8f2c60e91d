"""The partnership's local definition of serious violence, as configuration, and its section.

Medway's briefing note (2.6.2) defines serious violence as homicide, knife crime, robbery, gun
crime, and violence within domestic abuse, sexual offences, gangs and drug supply. police.uk
categories can express only part of that; Home Office offence codes more. The definition is a
JSON file the partnership edits (``--serious-violence FILE``); the default is below.

Where Home Office offence-code counts are loaded for the area and the year, the section counts
the definition's ``offence_codes`` in them (codes compared in their one spelling, so ``1`` is
the Home Office's ``1/4.1/4.10/4.2``); otherwise its ``police_uk_categories`` in police.uk data.

Examples:
    >>> DEFAULT_DEFINITION["police_uk_categories"]
    ['Robbery', 'Possession of weapons']
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from csphub.analytics.assessment.availability import police_uk_note
from csphub.analytics.assessment.comparison import MonthMatch
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.periods import FinancialYear, Period
from csphub.analytics.assessment.quarters import ALL_QUARTERS, compare_quarters, match_quarters
from csphub.analytics.assessment.sections import _in_year, _shares, _trend, compare_matched
from csphub.analytics.offence_codes import normalise_code
from csphub.analytics.offence_counts import area_offence_counts

SOURCE_OFFENCE_CODES = "Home Office offence-code counts"

DEFAULT_DEFINITION: dict = {
    "name": "Serious violence (local definition)",
    "description": (
        "Homicide, knife crime, robbery, gun crime, and violence within domestic abuse, sexual "
        "offences, gangs and drug supply, as far as the data allows. From police.uk data: robbery "
        "and possession of weapons (police.uk does not separate homicide, knife or gun crime "
        "within 'Violence and sexual offences'). From Home Office offence codes: homicide (1, "
        "i.e. 1/4.1/4.10/4.2), attempted murder (2), assault with intent to cause serious harm "
        "(5A, 5D), robbery (34A, 34B), firearms and weapons (10A, 10C, 10D, 81), rape (19C-19H)."
    ),
    "police_uk_categories": ["Robbery", "Possession of weapons"],
    "offence_codes": ["1", "2", "5A", "5D", "34A", "34B", "10A", "10C", "10D", "81",
                      "19C", "19D", "19E", "19F", "19G", "19H"],
}


def load_definition(path: Path | None) -> dict:
    """The definition from a JSON file (keys as DEFAULT_DEFINITION), or the default."""
    if path is None:
        return dict(DEFAULT_DEFINITION)
    definition = {**DEFAULT_DEFINITION, **json.loads(Path(path).read_text())}
    if not isinstance(definition.get("police_uk_categories"), list):
        raise ValueError(f"{path}: police_uk_categories must be a list of police.uk crime types")
    return definition


def serious_violence_section(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period,
                             first: Period, match: MonthMatch, definition: dict) -> dict:
    """Counts, trend and like-for-like change under the local definition: from the offence-code
    counts where they are loaded for the area and year, else from police.uk categories."""
    years = [FinancialYear(y) for y in range(min(first.start_year, year.start_year - 1), year.start_year + 1)]
    frame = area_offence_counts(con, data.area.name, list(data.area.lad_codes), [fy.name for fy in years])
    if (frame["financial_year"] == year.name).any():
        return from_offence_codes(frame, data, year, first, definition)
    return from_police_uk(data, year, first, match, definition)


def from_offence_codes(frame: pd.DataFrame, data: AreaData, year: Period, first: Period,
                       definition: dict) -> dict:
    codes = sorted({normalise_code(c) for c in definition.get("offence_codes") or []})
    chosen = frame[frame["offence_code"].isin(codes)]
    this = chosen[chosen["financial_year"] == year.name]
    total = int(this["count"].sum())
    by_code = this.groupby("offence_code").agg(offence=("offence_description", "first"), count=("count", "sum"))
    match = match_quarters(frame, year.name, year.previous().name)  # quarters of all the counts loaded
    change = None
    if match.matched:
        before = chosen[chosen["financial_year"] == year.previous().name]
        change = compare_quarters(match, match.current(this), match.previous(before)).as_dict()
        change["basis"] = match.basis()
    absent = [c for c in codes if c not in set(frame["offence_code"])]
    return {
        "definition": definition,
        "source": f"{SOURCE_OFFENCE_CODES}, offence codes " + ", ".join(codes),
        "total": total,
        "by_type": [{"offence_code": code, "offence": row["offence"], "count": int(row["count"]),
                     "share": round(row["count"] / total, 4) if total else None}
                    for code, row in by_code.sort_values("count", ascending=False, kind="stable").iterrows()],
        "trend": _code_trend(frame, chosen, year, first, data.population),
        "change": change,
        "change_note": match.note(year.name, year.previous().name),
        "note": ("Counted from the Home Office offence-code counts of "
                 f"{data.area.name} ({match.covered()} of {year.name}); a different publication from "
                 "police.uk's street-level data." + (
                     f" Offence codes of the definition with no count loaded: {', '.join(absent)}." if absent else "")),
    }


def _code_trend(frame: pd.DataFrame, chosen: pd.DataFrame, year: Period, first: Period,
                population: float | None) -> list[dict]:
    rows = []
    for start in range(first.start_year, year.start_year + 1):
        fy = FinancialYear(start)
        loaded = frame[frame["financial_year"] == fy.name]
        if loaded.empty:
            continue
        quarters = match_quarters(frame, fy.name, fy.previous().name).quarters
        total = int(chosen.loc[chosen["financial_year"] == fy.name, "count"].sum())
        months = 3 * len(quarters)
        rows.append({"year": fy.name, "total": total, "months_with_data": months,
                     "partial": quarters != ALL_QUARTERS,
                     "rate_per_1000": round(total * 1000 / population, 2) if population else None})
    return rows


def from_police_uk(data: AreaData, year: Period, first: Period, match: MonthMatch,
                   definition: dict) -> dict:
    """Counts and trend under the local definition, from police.uk categories."""
    categories = definition["police_uk_categories"]
    frame = data.counts[data.counts["crime_type"].isin(categories)]
    this_year = _in_year(frame, year)
    loaded = not _in_year(data.counts, year).empty
    total = int(this_year["count"].sum())
    return {
        "definition": definition,
        "source": "police.uk categories " + ", ".join(categories),
        "total": total if loaded else None,
        "by_type": _shares(this_year, "crime_type", total),
        "trend": _trend(frame, year, first, data.population),
        "change": compare_matched(frame, match.matched, match.period_months) if match.matched and loaded else None,
        "change_note": match.note() if loaded else None,
        "note": ("police.uk data cannot separate homicide, knife crime or gun crime; the offence-code "
                 "part of the definition is used where Home Office offence-code counts are loaded for "
                 "the area and year." if loaded else police_uk_note(data.area, year, data.loaded_months())),
    }
