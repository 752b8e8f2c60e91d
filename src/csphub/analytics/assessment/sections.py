"""The report's sections, each a small function from the area's aggregates to JSON-ready data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from csphub.analytics.assessment import severity_section
from csphub.analytics.assessment.availability import police_uk_note
from csphub.analytics.assessment.comparison import MonthMatch, basis_text
from csphub.analytics.assessment.data import AreaData
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import (
    Period,
    month_key,
    months_basis,
    periods_from,
)
from csphub.analytics.assessment.periods import year_ago as _year_ago
from csphub.analytics.assessment.stats import compare_monthly, rate_per_1000


def _slice(data: AreaData, asb: bool | None) -> pd.DataFrame:
    counts = data.counts
    if asb is None:
        return counts
    return counts[(counts["crime_type"] == ASB) == asb]


def _in_year(frame: pd.DataFrame, year: Period) -> pd.DataFrame:
    return frame[(frame["month"] >= year.start) & (frame["month"] <= year.end)]


def _rate(count: int, population: float | None) -> dict | None:
    return None if not population else rate_per_1000(count, population).as_dict()


def compare_matched(frame: pd.DataFrame, matched: list[date], period_months: int = 12) -> dict:
    """Change on the months present in both years (all 12 when both years are complete), tested
    on the monthly counts so that month-to-month variation is allowed for (``compare_monthly``)."""
    by_month = frame.groupby("month")["count"].sum()
    change = compare_monthly([int(by_month.get(m, 0)) for m in matched],
                             [int(by_month.get(_year_ago(m), 0)) for m in matched]).as_dict()
    change["months_compared"] = [month_key(m) for m in matched]
    change["basis"] = basis_text(matched, period_months)
    return change


def rate_basis(months: list[date], year: Period) -> str:
    """The months behind a rate; a partial period's rate says so (it is not annualised)."""
    if len(months) == len(year.months):
        return f"{year.label} ({len(months)} months)"
    return months_basis(months, len(year.months)) + " (not annualised)"


def volume_section(data: AreaData, year: Period, first: Period,
                   match: MonthMatch, asb: bool) -> dict:
    """Level, rate, change, trend, seasonality and breakdown for crime (no ASB) or ASB.

    With no police.uk month of the series in the year, every figure of the year is None and
    ``note`` says that no data is loaded (never zeros) and which months are.
    """
    frame = _slice(data, asb)
    this_year = _in_year(frame, year)
    total = int(this_year["count"].sum())
    months_present = sorted(set(this_year["month"]))
    section: dict = {
        "total": total if months_present else None,
        "months_with_data": len(months_present),
        "partial": len(months_present) < len(year.months),
        "rate_per_1000": None,
        "rate_ci": None,
        "rate_basis": rate_basis(months_present, year) if months_present else None,
        "change": (compare_matched(frame, match.matched, match.period_months)
                   if match.matched and months_present else None),
        "change_note": match.note() if months_present else None,
        "trend": _trend(frame, year, first, data.population),
        "by_month": _by_month(frame, year),
        "by_type": _shares(this_year, "crime_type", total),
        "note": None if months_present else police_uk_note(data.area, year, data.loaded_months(),
                                                           "ASB" if asb else ""),
    }
    rate = _rate(total, data.population) if months_present else None
    if rate:
        section["rate_per_1000"] = rate["rate"]
        section["rate_ci"] = {"lower": rate["lower"], "upper": rate["upper"]}
    # The crime-group breakdown (crime_groups.py) and ASB by incident type
    # (partner_asb_section.py) read more than police.uk: figures.py adds them.
    return section


def _shares(frame: pd.DataFrame, column: str, total: int) -> list[dict]:
    sums = frame.groupby(column)["count"].sum().sort_values(ascending=False)
    return [{column if column != "crime_type" else "crime_type": key, "count": int(n),
             "share": round(n / total, 4) if total else None} for key, n in sums.items()]


def _trend(frame: pd.DataFrame, year: Period, first: Period,
           population: float | None) -> list[dict]:
    rows = []
    for fy in periods_from(first, year):
        part = _in_year(frame, fy)
        months = part["month"].nunique()
        if months == 0:
            continue
        total = int(part["count"].sum())
        rows.append({"year": fy.name, "first_month": month_key(fy.start), "last_month": month_key(fy.end),
                     "total": total, "months_with_data": int(months),
                     "partial": months < len(fy.months),
                     "rate_per_1000": round(total * 1000 / population, 2) if population else None})
    return rows


def _by_month(frame: pd.DataFrame, year: Period) -> list[dict]:
    by_month = frame.groupby("month")["count"].sum()
    return [{"month": month_key(m),
             "count": int(by_month[m]) if m in by_month.index else None,
             "previous_year_count": int(by_month[_year_ago(m)]) if _year_ago(m) in by_month.index else None}
            for m in year.months]


def top_wards(data: AreaData, year: Period, n: int = 5) -> dict:
    """The n wards with most ASB this year and their share of all the area's ASB."""
    asb = _in_year(_slice(data, True), year)
    total = int(asb["count"].sum())
    wards = (asb.groupby(["ward_code", "ward_name"])["count"].sum()
             .sort_values(ascending=False, kind="stable").head(n))
    top = [{"ward_code": code, "ward_name": name, "count": int(c),
            "share": round(c / total, 4) if total else None} for (code, name), c in wards.items()]
    return {"top_wards": top,
            "top_wards_share": round(sum(w["count"] for w in top) / total, 4) if total else None}


def ward_table(data: AreaData, year: Period, matched: list[date]) -> list[dict]:
    """Crime and ASB per ward this year, with rates and like-for-like change in crime (none
    when no police.uk data is loaded for the year: no ward reads as zero)."""
    this_year = _in_year(data.counts, year)
    if this_year.empty:
        return []
    rows = []
    names = data.counts.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    for code in sorted(set(data.counts["ward_code"])):
        ward = this_year[this_year["ward_code"] == code]
        crime = int(ward.loc[ward["crime_type"] != ASB, "count"].sum())
        asb = int(ward.loc[ward["crime_type"] == ASB, "count"].sum())
        pop = data.ward_population.get(code)
        all_ward = data.counts[(data.counts["ward_code"] == code) & (data.counts["crime_type"] != ASB)]
        change = compare_matched(all_ward, matched, len(year.months)) if matched else None
        rows.append({
            "ward_code": code, "ward_name": names[code], "population": None if pop is None else round(pop),
            "crime": crime, "crime_rate_per_1000": round(crime * 1000 / pop, 2) if pop else None,
            "asb": asb, "asb_rate_per_1000": round(asb * 1000 / pop, 2) if pop else None,
            "crime_change": change["direction"] if change else None,
            "crime_change_percent": change["percent"] if change else None,
        })
    return sorted(rows, key=lambda r: -r["crime"])


def crime_severity(con: duckdb.DuckDBPyConnection, data: AreaData, year: Period,
                   match: MonthMatch) -> dict:
    return severity_section.css_section(con, data, year, match)


def activity(path: Path | None) -> list[dict]:
    """'What we have been doing': Markdown headings are priorities, the text under them the work."""
    if path is None:
        return []
    items: list[dict] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#+\s+(.*)", line)
        if heading:
            items.append({"priority": heading.group(1).strip(), "paragraphs": []})
        elif line.strip() and items:
            items[-1]["paragraphs"].append(line.strip().lstrip("-* ").strip())
    return items
