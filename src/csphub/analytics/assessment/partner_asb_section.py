"""ASB by incident type, from partner ASB data (``csphub ingest partner-asb``).

police.uk's ASB carries no type. When a partner's incident records are loaded for the area and
the year, the ASB section breaks them down by incident type (and by national category where
recorded): count, share of that partner's incidents, and the like-for-like change on the
previous year (months present in both years of that partner's data), tested as every other
change in the report. Partners are kept apart: a council's records and the police's command and
control log describe overlapping incidents, so they are never added together, nor to police.uk's
ASB count.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.periods import Period, month_key
from csphub.analytics.assessment.sections import _in_year, compare_matched
from csphub.analytics.counts import lsoa_ward_map_sql
from csphub.analytics.partner_asb import NOT_RECORDED
from csphub.analytics.query import measure_frame, measure_value, table_exists

NO_DATA_NOTE = (
    "No typed partner ASB data was loaded for {area} in {year}: police.uk ASB carries no incident "
    "type. Load a partner's ASB incident extract (csphub ingest partner-asb FILE --source NAME) to "
    "break ASB down by incident type.")


def partner_counts(con: duckdb.DuckDBPyConnection, data: AreaData, start: date, end: date) -> pd.DataFrame:
    """Partner ASB incidents placed in the area: source, month, incident_type, national_category, count."""
    mapping = lsoa_ward_map_sql(data.ward_vintage, data.area.lad_codes)
    frame = measure_frame(
        con, "partner ASB incidents in the area",
        f"""select p.source, p.month, p.incident_type, p.national_category, count(*) as count
        from partner_asb p join ({mapping}) m on p.lsoa_code = m.data_lsoa
        where p.month between $start and $end
        group by all""", {"start": start, "end": end})
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype(int)
    return frame


def unplaced_rows(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Partner incidents in the period with no LSOA (their point lies in no boundary loaded)."""
    return measure_value(con, "partner ASB incidents with no LSOA",
                         "select count(*) from partner_asb where lsoa_code is null and month between ? and ?",
                         [start, end])


def partner_incidents(con: duckdb.DuckDBPyConnection, data: AreaData, start: date, end: date) -> int:
    """Partner ASB incidents placed in the area in the period (0 when none is loaded)."""
    if not _has_partner_table(con):
        return 0
    return int(partner_counts(con, data, start, end)["count"].sum())


def _has_partner_table(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "partner_asb")


def _one_spelling(frame: pd.DataFrame) -> pd.DataFrame:
    """Types that differ only in case ('noise', 'Noise') as one, in their most common spelling."""
    keyed = frame.assign(key=frame["incident_type"].str.casefold())
    totals = keyed.groupby(["key", "incident_type"], as_index=False)["count"].sum()
    best = totals.sort_values(["count", "incident_type"], ascending=[False, True]).drop_duplicates("key")
    spelling = dict(zip(best["key"], best["incident_type"], strict=True))
    return frame.assign(incident_type=keyed["key"].map(spelling))


def asb_by_incident_type(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period) -> dict:
    """The ASB section's breakdown by incident type, or a note saying why there is none."""
    result: dict = {"by_incident_type": None, "by_incident_type_source": None,
                    "by_national_category": None, "partner_sources": [], "partner_unplaced": 0,
                    "by_incident_type_note": NO_DATA_NOTE.format(area=data.area.name, year=year.name)}
    if not _has_partner_table(con):
        return result
    previous = year.previous()
    frame = partner_counts(con, data, previous.start, year.end)
    result["partner_unplaced"] = unplaced_rows(con, year.start, year.end)
    this_year = _in_year(frame, year)
    if this_year.empty:
        return result
    frame = _one_spelling(frame)
    sources = this_year.groupby("source")["count"].sum().sort_values(ascending=False, kind="stable")
    types: list[dict] = []
    categories: list[dict] = []
    for source in sources.index:
        part = frame[frame["source"] == source]
        summary, matched = _source_summary(part, source, year)
        result["partner_sources"].append(summary)
        types += _breakdown(part, "incident_type", source, year, matched, summary["total"])
        if _in_year(part, year)["national_category"].notna().any():
            filled = part.assign(national_category=part["national_category"].fillna(NOT_RECORDED))
            categories += _breakdown(filled, "national_category", source, year, matched, summary["total"])
    result["by_incident_type"] = types
    result["by_national_category"] = categories or None
    result["by_incident_type_source"] = "partner ASB data: " + ", ".join(sources.index)
    result["by_incident_type_note"] = _note(result, year)
    return result


def _source_summary(part: pd.DataFrame, source: str, year: Period) -> tuple[dict, list[date]]:
    this_year = _in_year(part, year)
    months = set(this_year["month"])
    earlier = set(_in_year(part, year.previous())["month"])
    matched = [m for m in year.months if m in months and date(m.year - 1, m.month, 1) in earlier]
    change = compare_matched(part, matched, len(year.months)) if matched else None
    return {
        "source": source,
        "total": int(this_year["count"].sum()),
        "months_with_data": len(months),
        "months_missing": [month_key(m) for m in year.months if m not in months],
        "partial": len(months) < len(year.months),
        "change": change,
    }, matched


def _breakdown(part: pd.DataFrame, column: str, source: str, year: Period,
               matched: list[date], total: int) -> list[dict]:
    this_year = _in_year(part, year)
    counts = this_year.groupby(column)["count"].sum()
    keys = set(counts.index)
    if matched:  # a type recorded last year and not this year is a fall to zero: show it
        ago = {date(m.year - 1, m.month, 1) for m in matched}
        keys |= set(part.loc[part["month"].isin(ago), column])
    rows = []
    for key in keys:
        change = compare_matched(part[part[column] == key], matched, len(year.months)) if matched else None
        count = int(counts.get(key, 0))
        rows.append({"source": source, column: key, "count": count,
                     "share": round(count / total, 4) if total else None,
                     "previous_count": change["previous"] if change else None, "change": change})
    return sorted(rows, key=lambda r: (-r["count"], r[column] == NOT_RECORDED, r[column]))


def _note(result: dict, year: Period) -> str:
    parts = []
    for s in result["partner_sources"]:
        of = len(year.months)
        months = f"{of} months" if not s["partial"] else f"{s['months_with_data']} of {of} months, partial"
        compared = (f"change on {year.previous().name} compared on {s['change']['basis']}" if s["change"]
                    else f"no {year.previous().name} data from this partner to compare with")
        parts.append(f"{s['source']}: {s['total']:,} incidents in {year.name} ({months}; {compared})")
    note = ("ASB by incident type from partners' own records. " + "; ".join(parts) + ". Partners' "
            "records are a different recording system from police.uk's ASB: their totals differ, and "
            "they are neither added to police.uk's count nor to each other.")
    if result["partner_unplaced"]:
        note += (f" {result['partner_unplaced']:,} partner incidents in {year.name} have coordinates in no "
                 "LSOA boundary loaded and are counted in no area.")
    return note
