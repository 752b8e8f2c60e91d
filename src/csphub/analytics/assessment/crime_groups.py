"""The breakdown of recorded crime by crime group (the seed's Appendix 1).

When Home Office offence-code counts are loaded for the area and the financial year
(``csphub ingest offence-counts``; matched by area name or LAD code, as for the exact Crime
Severity Score), the groups come from them: offence codes separate violence against the person
from sexual offences and give Appendix 1's subgroups (homicide, rape, residential burglary...).
Otherwise they come from police.uk categories. ``by_group_source`` says which.

Each group carries its count, its share of all crime in the breakdown, its subgroups, and the
like-for-like change on the previous year (months, or quarters for offence-code counts, present
in both years), tested as every other change in the report.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from csphub.analytics.areas import Area
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.groups import (
    ASB,
    GROUP_ORDER,
    OTHER,
    group_for_category,
    group_for_code,
)
from csphub.analytics.assessment.periods import Period
from csphub.analytics.assessment.quarters import ALL_QUARTERS, compare_quarters, match_quarters
from csphub.analytics.assessment.sections import _in_year, compare_matched
from csphub.analytics.offence_counts import area_offence_counts

SOURCE_OFFENCE_CODES = "Home Office offence-code counts"
SOURCE_POLICE_UK = "police.uk categories"


def crime_groups(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period,
                 matched: list[date]) -> dict:
    """``by_group`` and how it was made: from offence codes when the area has them, else police.uk."""
    codes = offence_code_counts(con, data.area, year)
    if codes is not None:
        return from_offence_codes(codes, data.area, year)
    return from_police_uk(data, year, matched)


def offence_code_counts(con: duckdb.DuckDBPyConnection, area: Area, year: Period) -> pd.DataFrame | None:
    """The area's offence-code counts for the year and the year before, or None if it has none
    for the year: financial_year, quarter (None for a whole year), offence_code (in its one
    spelling), offence_description, offence_group, offence_subgroup, count."""
    frame = area_offence_counts(con, area.name, list(area.lad_codes), [year.name, year.previous().name])
    if not (frame["financial_year"] == year.name).any():
        return None
    return frame


def from_offence_codes(frame: pd.DataFrame, area: Area, year: Period) -> dict:
    groups = [group_for_code(c, g, s) for c, g, s in
              zip(frame["offence_code"], frame["offence_group"], frame["offence_subgroup"], strict=True)]
    frame = frame.assign(group=[g for g, _ in groups], subgroup=[s for _, s in groups])
    this = frame[frame["financial_year"] == year.name]
    before = frame[frame["financial_year"] == year.previous().name]
    match = match_quarters(frame, year.name, year.previous().name)
    quarters, matched = match.quarters, match.matched
    current_part, previous_part = match.current(this), match.previous(before)
    total = int(this["count"].sum())
    rows = []
    for group in _ordered(set(this["group"]) | (set(previous_part["group"]) if matched else set()), this):
        part = this[this["group"] == group]
        count = int(part["count"].sum())
        row: dict = {"group": group, "count": count, "share": _share(count, total),
                     "previous_count": None, "change": None,
                     "subgroups": _subgroups(part, "subgroup", total)}
        if matched:
            mine, theirs = (current_part[current_part["group"] == group],
                            previous_part[previous_part["group"] == group])
            row["previous_count"] = int(theirs["count"].sum())
            change = compare_quarters(match, mine, theirs).as_dict()
            change["basis"] = match.basis()
            row["change"] = change
        rows.append(row)
    unmapped = sorted({c for c, (g, _) in zip(frame["offence_code"], groups, strict=True) if g == OTHER})
    covered = match.covered()
    return {
        "by_group": rows,
        "by_group_source": SOURCE_OFFENCE_CODES,
        "by_group_total": total,
        "by_group_partial": quarters != ALL_QUARTERS,
        "by_group_unmapped_codes": unmapped,
        "by_group_note": (
            f"Source: {SOURCE_OFFENCE_CODES} for {area.name}, {year.name} ({covered}; "
            f"{total:,} offences). Offence codes separate violence against the person from sexual "
            "offences. These counts are a different publication from police.uk's street-level "
            "data, so their total differs from the recorded crime figure above."
            + (f" Offence codes with no crime group: {', '.join(unmapped)}." if unmapped else "")),
    }


def from_police_uk(data: AreaData, year: Period, matched: list[date]) -> dict:
    frame = data.counts[data.counts["crime_type"] != ASB]
    frame = frame.assign(group=frame["crime_type"].map(group_for_category))
    this = _in_year(frame, year)
    total = int(this["count"].sum())
    previous_groups = set()
    if matched:
        ago = {date(m.year - 1, m.month, 1) for m in matched}
        previous_groups = set(frame.loc[frame["month"].isin(ago) & (frame["count"] > 0), "group"])
    rows = []
    for group in _ordered(set(this["group"]) | previous_groups, this):
        part = this[this["group"] == group]
        count = int(part["count"].sum())
        change = compare_matched(frame[frame["group"] == group], matched, len(year.months)) if matched else None
        rows.append({"group": group, "count": count, "share": _share(count, total),
                     "previous_count": change["previous"] if change else None, "change": change,
                     "subgroups": _subgroups(part, "crime_type", total)})
    return {
        "by_group": rows,
        "by_group_source": SOURCE_POLICE_UK,
        "by_group_total": total,
        "by_group_partial": len(set(this["month"])) < len(year.months),
        "by_group_unmapped_codes": [],
        "by_group_note": (
            f"Source: {SOURCE_POLICE_UK}. police.uk merges violence against the person and sexual "
            "offences into one category, so they appear as one group here; Home Office "
            "offence-code counts for the area and year (csphub ingest offence-counts) separate them."),
    }


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def _ordered(groups: set[str], this: pd.DataFrame) -> list[str]:
    """Largest first this year; ties (and groups with none this year) in Appendix 1's order."""
    counts = this.groupby("group")["count"].sum()
    rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    return sorted(groups, key=lambda g: (-int(counts.get(g, 0)), rank.get(g, len(rank)), g))


def _subgroups(part: pd.DataFrame, column: str, total: int) -> list[dict]:
    sums = part.groupby(column)["count"].sum()
    ordered = sorted(sums.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    return [{"subgroup": name, "count": int(n), "share": _share(int(n), total)} for name, n in ordered]
