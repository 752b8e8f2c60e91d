"""Police.uk outcomes and stop and search, for the Strategic Assessment (issue 18, item 3).

**Outcomes.** For the crimes recorded in the area in the year (street files), the latest outcome
the outcomes files give each crime (by Crime ID; else the street file's "Last outcome
category"), grouped as the Home Office groups them: charged or summonsed, out-of-court
(caution, penalty notice, community resolution), no suspect identified, unable to prosecute,
not in the public interest, another organisation, still under investigation, no outcome yet.
Shares are by crime type. Outcomes lag the crime: a crime of the last months of the year is
often still under investigation when the data is published, so the share still under
investigation is given by quarter and the caveat says so.

**Stop and search.** Searches are located by their point; a search is in the area when its point
lies in one of the area's LSOA boundaries loaded (searches with no location, or with no
boundaries loaded, cannot be placed and are reported, not counted). By object of search,
outcome, officer-defined ethnicity (self-defined where that is all there is) and age range,
with the rate per 1,000 residents, the share ending in no further action, and the share whose
outcome was linked to the object of the search (the find rate). No population by ethnicity is
loaded, so rates by ethnicity are not given: disproportionality needs Census ethnicity counts.

Examples:
    >>> outcome_group("Investigation complete; no suspect identified")
    'No suspect identified'
    >>> outcome_group("Offender given a caution"), outcome_group("Awaiting court outcome")
    ('Out-of-court disposal', 'Charged or summonsed')
"""

from __future__ import annotations

import duckdb
import numpy as np

from csphub.analytics.areas import Area
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.counts import lsoa_ward_map_sql
from csphub.analytics.query import measure, measure_value, table_exists

CHARGED = "Charged or summonsed"
OUT_OF_COURT = "Out-of-court disposal"
NO_SUSPECT = "No suspect identified"
UNABLE = "Unable to prosecute (evidential difficulties)"
PUBLIC_INTEREST = "Not in the public interest"
OTHER_ORG = "Action by another organisation"
INVESTIGATING = "Still under investigation"
NO_OUTCOME = "No outcome recorded yet"
GROUPS = (CHARGED, OUT_OF_COURT, NO_SUSPECT, UNABLE, PUBLIC_INTEREST, OTHER_ORG, INVESTIGATING, NO_OUTCOME)

#: Words of a police.uk outcome -> its group, first match wins (lower case).
_GROUP_WORDS: tuple[tuple[str, str], ...] = (
    ("no suspect identified", NO_SUSPECT),
    ("unable to prosecute", UNABLE),
    ("not in the public interest", PUBLIC_INTEREST),
    ("another organisation", OTHER_ORG),
    ("under investigation", INVESTIGATING),
    ("status update unavailable", INVESTIGATING),
    ("caution", OUT_OF_COURT), ("penalty notice", OUT_OF_COURT), ("local resolution", OUT_OF_COURT),
    ("community resolution", OUT_OF_COURT), ("cannabis", OUT_OF_COURT), ("khat", OUT_OF_COURT),
    ("drugs possession warning", OUT_OF_COURT), ("offence taken into consideration", OUT_OF_COURT),
    ("charged", CHARGED), ("court", CHARGED), ("offender", CHARGED), ("defendant", CHARGED),
    ("sent to prison", CHARGED), ("summons", CHARGED),
)
LAG_CAVEAT = ("Outcomes lag the crime: investigations and court cases take months, so crimes of the last "
              "months of the year are more often 'still under investigation' when the data is published, "
              "and the charged share for the year will rise in later releases. Compare years only at the "
              "same time after their end.")
STOP_SEARCH_CAVEAT = ("Searches are placed by their published point (an anonymised map point); searches "
                      "without a location cannot be placed. Rates by ethnicity need the population of each "
                      "ethnic group (Census 2021), which is not loaded, so only counts and shares are given.")
NO_FURTHER_ACTION = "A no further action disposal"


def outcome_group(outcome: str | None) -> str:
    """The group of a police.uk outcome category or outcome type."""
    if not outcome or not outcome.strip():
        return NO_OUTCOME
    text = outcome.casefold()
    for words, group in _GROUP_WORDS:
        if words in text:
            return group
    return NO_OUTCOME


def outcomes_section(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear, ward_vintage: str) -> dict:
    """Outcome shares by crime type for the crimes of the year in the area, with the lag caveat."""
    mapping = lsoa_ward_map_sql(ward_vintage, area.lad_codes)
    rows = measure(con, "police outcomes by crime type", f"""
        with crimes as (
            select s.crime_id, s.crime_type, s.month, s.last_outcome from street_crime s
            join ({mapping}) m on s.lsoa_code = m.data_lsoa
            where s.month between $start and $end and s.crime_type <> 'Anti-social behaviour'),
        latest as (
            select crime_id, arg_max(outcome_type, month) as outcome, max(month) as outcome_month
            from outcomes where crime_id in (select crime_id from crimes where crime_id is not null)
            group by 1)
        select c.crime_type, c.month, coalesce(l.outcome, c.last_outcome) as outcome,
            l.outcome is not null as from_outcomes_file, count(*) as n
        from crimes c left join latest l using (crime_id) group by all""",
                   {"start": year.start, "end": year.end})
    result: dict = {"available": bool(rows), "caveats": [LAG_CAVEAT], "groups": list(GROUPS),
                    "source": "data.police.uk street and outcomes files"}
    if not rows:
        result["note"] = f"No police.uk crimes loaded for {area.name} in {year.name}."
        return result
    by_type: dict[str, dict[str, int]] = {}
    by_quarter: dict[int, list[int]] = {}
    from_file = 0
    for crime_type, month, outcome, in_file, n in rows:
        group = outcome_group(outcome)
        by_type.setdefault(crime_type, dict.fromkeys(GROUPS, 0))[group] += n
        quarter = ((month.month - 4) % 12) // 3 + 1
        pending = by_quarter.setdefault(quarter, [0, 0])
        pending[0] += n
        pending[1] += n if group in (INVESTIGATING, NO_OUTCOME) else 0
        from_file += n if in_file else 0
    total = dict.fromkeys(GROUPS, 0)
    table = []
    for crime_type in sorted(by_type, key=lambda t: -sum(by_type[t].values())):
        counts = by_type[crime_type]
        crimes = sum(counts.values())
        for g in GROUPS:
            total[g] += counts[g]
        table.append({"crime_type": crime_type, "crimes": crimes, "counts": counts,
                      "shares": {g: round(counts[g] / crimes, 4) for g in GROUPS}})
    crimes = sum(total.values())
    result.update({
        "crimes": crimes,
        "by_crime_type": table,
        "all_crimes": {"counts": total, "shares": {g: round(total[g] / crimes, 4) for g in GROUPS}},
        "pending_by_quarter": [{"quarter": f"Q{q}", "crimes": c[0], "pending_share": round(c[1] / c[0], 4)}
                               for q, c in sorted(by_quarter.items())],
        "from_outcomes_files": from_file,
        "note": (f"{from_file:,} of {crimes:,} crimes have an outcome from the outcomes files; the rest show "
                 "the street file's last outcome category.") if from_file < crimes else None,
    })
    return result


def _searches_in_area(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear) -> tuple[list, int, int]:
    """The year's searches whose point lies in the area's LSOA boundaries; and how many of the
    force's searches could not be placed (no location) or lie outside."""
    import shapely

    rows = measure(con, "stop and search in the year", """select longitude, latitude, object_of_search, outcome, outcome_linked_to_object,
            coalesce(nullif(officer_defined_ethnicity, ''), nullif(self_defined_ethnicity, ''), 'Not stated'),
            coalesce(nullif(age_range, ''), 'Not stated'), coalesce(nullif(gender, ''), 'Not stated'), month
        from stop_search where month between ? and ?""", [year.start, year.end])
    boundaries = measure(con, "LSOA boundaries of the area", """select b.geometry_wkb from boundaries b
        where b.kind = 'lsoa' and (list_contains(?, b.lad_code)
            or b.code in (select lsoa_code from lsoa_ward_lookup where list_contains(?, lad_code)))
        qualify row_number() over (partition by b.code order by b.vintage desc) = 1""",
                         [list(area.lad_codes), list(area.lad_codes)])
    located = [r for r in rows if r[0] is not None and r[1] is not None]
    no_location = len(rows) - len(located)
    if not boundaries or not located:
        return [], no_location, len(located)
    tree = shapely.STRtree(shapely.from_wkb([b[0] for b in boundaries]))
    points = shapely.points(np.array([r[0] for r in located]), np.array([r[1] for r in located]))
    hit, _ = tree.query(points, predicate="intersects")
    inside = sorted(set(hit.tolist()))
    return [located[i] for i in inside], no_location, len(located) - len(inside)


def _breakdown(searches: list, index: int) -> list[dict]:
    groups: dict[str, list] = {}
    for s in searches:
        groups.setdefault(s[index] or "Not stated", []).append(s)
    total = len(searches)
    out = []
    for key, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        nfa = sum(1 for s in items if (s[3] or "").strip() == NO_FURTHER_ACTION)
        linked = sum(1 for s in items if str(s[4]).strip().casefold() == "true")
        out.append({"group": key, "searches": len(items), "share": round(len(items) / total, 4),
                    "no_further_action_share": round(nfa / len(items), 4),
                    "find_rate": round(linked / len(items), 4)})
    return out


def stop_search_section(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear,
                        population: float | None) -> dict:
    """Stop and search in the area in the year: by object, outcome, ethnicity and age, with rates."""
    result: dict = {"available": False, "caveats": [STOP_SEARCH_CAVEAT],
                    "source": "data.police.uk stop-and-search files"}
    if not table_exists(con, "stop_search") or not measure_value(
            con, "stop and search loaded for the year",
            "select count(*) from stop_search where month between ? and ?", [year.start, year.end]):
        result["note"] = f"No police.uk stop and search loaded for {year.name}."
        return result
    searches, no_location, outside = _searches_in_area(con, area, year)
    result.update({"no_location": no_location, "outside_or_unplaced": outside})
    if not searches:
        result["note"] = (f"No stop and search could be placed in {area.name} in {year.name}: load the area's "
                          f"LSOA boundaries (csphub boundaries load); {no_location:,} of the force's searches "
                          "have no location.")
        return result
    n = len(searches)
    nfa = sum(1 for s in searches if (s[3] or "").strip() == NO_FURTHER_ACTION)
    linked = sum(1 for s in searches if str(s[4]).strip().casefold() == "true")
    result.update({
        "available": True,
        "searches": n,
        "rate_per_1000": round(n / population * 1000, 3) if population else None,
        "no_further_action_share": round(nfa / n, 4),
        "find_rate": round(linked / n, 4),
        "by_object": _breakdown(searches, 2),
        "by_outcome": _breakdown(searches, 3),
        "by_ethnicity": _breakdown(searches, 5),
        "by_age": _breakdown(searches, 6),
        "by_gender": _breakdown(searches, 7),
        "note": (f"{no_location:,} of the force's searches in {year.name} have no location and cannot be placed "
                 "in any area.") if no_location else None,
    })
    return result


def police_outcomes_sections(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear,
                             ward_vintage: str, population: float | None) -> dict:
    """Both sections, for the report's context: ``{"outcomes": ..., "stop_search": ...}``."""
    return {"outcomes": outcomes_section(con, area, year, ward_vintage),
            "stop_search": stop_search_section(con, area, year, population)}


__all__ = ["GROUPS", "outcome_group", "outcomes_section", "police_outcomes_sections", "stop_search_section"]
