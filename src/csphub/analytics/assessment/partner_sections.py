"""The Strategic Assessment's partner sections: one per kind of partner data, where the seed puts them.

For each section (road safety, violence seen by health, substance misuse, homelessness,
deliberate fires, Prevent, domestic abuse, hate crime, reoffending, and the community survey) whose
data is loaded for the area, every dataset feeding it gives: the **level** in the year (a lower
bound, saying so, when cells are suppressed), the **rate** per 1,000 residents (where the
profile says a rate makes sense), the **change** on the previous year like for like (only the
months the partner's files cover in both years; exact Poisson test as everywhere in the report),
the **trend** by year and month, the **hotspots** (wards with the most, with their rate; rows
placed in the authority only are counted apart), the breakdown by category, the partner's own
**caveats** and the **sources** (every file with its period, rows, quarantined rows and agency).
A section whose data is not loaded is absent, and ``data_not_available`` says so in a line.

A snapshot (a count on a day: adults in treatment, rough sleepers counted on a night) is never
added up over months: its level is the latest month's value with the monthly average beside it,
its change the latest month on the same month a year earlier; a dataset with snapshot categories
among events (homelessness) gives two entries, never one total.

Dataset rules beyond counting: deliberate fires keep only rows whose motive is deliberate
(when the file has a motive); road safety adds killed or seriously injured (KSI); reoffending
gives the proven reoffending rate (reoffenders / offenders in the cohort) rather than a count.

Examples:
    >>> [s for s, _ in SECTIONS][:3]
    ['road_safety', 'violence_health', 'substance_misuse']
    >>> CHAPTERS["deliberate_fires"], CHAPTERS["survey"]
    ('Reducing Vulnerability', 'Listening to our Communities and Partners')
"""

from __future__ import annotations

import json
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.assessment.comparison import basis_text
from csphub.analytics.assessment.periods import FinancialYear, month_key, month_label, year_ago
from csphub.analytics.assessment.stats import compare_counts, rate_per_1000
from csphub.analytics.partner.counts import AUTHORITY_ONLY, count_partner, list_files
from csphub.analytics.partner.loader import has_partner_tables
from csphub.analytics.query import measure

#: Section key -> title, in the order of the seed Strategic Assessment: its chapter "Safeguarding
#: Adults and Children (Tackling Serious Violence and County Lines)" (road safety in the Task
#: Force's Safety in Action, health data in the Serious Youth Crime Project), then "Reducing
#: Vulnerability" (substance misuse, homelessness, deliberate fires under contextual
#: safeguarding, Prevent under radicalisation, domestic abuse; hate crime, which the seed lacks,
#: beside it), "Reducing Reoffending" and "Listening to our Communities and Partners" (the
#: survey); data of no kind above last. ``CHAPTERS`` names each section's chapter.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("road_safety", "Road safety"),
    ("violence_health", "Violence seen by health services"),
    ("substance_misuse", "Substance misuse"),
    ("homelessness", "Homelessness and rough sleeping"),
    ("deliberate_fires", "Deliberate fires"),
    ("prevent", "Prevent"),
    ("domestic_abuse", "Domestic abuse"),
    ("hate_crime", "Hate crime"),
    ("reoffending", "Reoffending"),
    ("survey", "Community safety survey"),
    ("other", "Other partner data"),
)
#: The seed's chapter each section sits in (None: no place in the seed, after the chapters).
CHAPTERS: dict[str, str | None] = {
    "road_safety": "Safeguarding Adults and Children (Tackling Serious Violence and County Lines)",
    "violence_health": "Safeguarding Adults and Children (Tackling Serious Violence and County Lines)",
    "substance_misuse": "Reducing Vulnerability", "homelessness": "Reducing Vulnerability",
    "deliberate_fires": "Reducing Vulnerability", "prevent": "Reducing Vulnerability",
    "domestic_abuse": "Reducing Vulnerability", "hate_crime": "Reducing Vulnerability",
    "reoffending": "Reducing Reoffending", "survey": "Listening to our Communities and Partners",
    "other": None,
}
#: What a missing section's line says is needed.
NEEDED = {
    "road_safety": "road casualties (csphub ingest partner FILE --dataset stats19)",
    "deliberate_fires": "fire and rescue incidents (--dataset fire)",
    "violence_health": "hospital assault admissions or ambulance call-outs (--dataset hospital-assaults, ambulance-assaults)",
    "domestic_abuse": "a police domestic-abuse-flagged crime extract (--dataset domestic-abuse)",
    "hate_crime": "a police hate crime extract (--dataset hate-crime)",
    "substance_misuse": "drug and alcohol treatment counts (--dataset drug-alcohol-treatment)",
    "homelessness": "homelessness and rough sleeping counts (--dataset homelessness)",
    "prevent": "Prevent referral counts (--dataset prevent)",
    "reoffending": "proven reoffending figures (--dataset reoffending)",
    "survey": "community survey answers (csphub ingest survey FILE --mapping MAP --wave W)",
}
KSI = ("Fatal", "Serious")
HOTSPOTS = 5


def _datasets(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Each dataset loaded -> its newest profile (as stored with its files)."""
    rows = measure(con, "partner datasets loaded", """select dataset, arg_max(profile_json, file_id)
                   from partner_files group by 1 order by 1""")
    return {name: json.loads(profile) for name, profile in rows}


def _covered_months(con: duckdb.DuckDBPyConnection, dataset: str) -> set[date]:
    """Months the dataset's files cover (whatever the area): a month without rows in a covered
    month is a zero, a month outside them is unknown."""
    spans = measure(con, f"months partner dataset {dataset} covers", """select min(period_start), max(period_end)
                    from partner_records where dataset = ? group by file_id""", [dataset])
    months: set[date] = set()
    for first, last in spans:
        month = date(first.year, first.month, 1)
        while month <= last:
            months.add(month)
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _filters(info: dict) -> dict[str, str]:
    if info["section"] == "deliberate_fires" and "motive" in info.get("attributes", []):
        return {"motive": "Deliberate"}
    return {}


def _total(rows: list[dict]) -> tuple[int, int]:
    return sum(r["count"] or 0 for r in rows), sum(r.get("suppressed", 0) for r in rows)


def _level(count: int, suppressed: int, unit: str) -> dict:
    text = f"{count:,} {unit}"
    if suppressed and not count:
        text = f"no {unit} count published: all {suppressed:,} cells were small counts the partner suppressed"
    elif suppressed:
        text = f"at least {count:,} {unit} ({suppressed:,} small counts suppressed by the partner)"
    return {"count": count, "suppressed_cells": suppressed, "lower_bound": bool(suppressed), "text": text}


def _monthly_dataset(con: duckdb.DuckDBPyConnection, name: str, info: dict, area: Area, year: FinancialYear,
                     ward_vintage: str | None, population: float | None, ward_population: dict[str, float],
                     category: list[str] | None = None) -> dict:
    """Events (admissions, fires, duties owed): the year's months added up. ``category`` keeps
    those categories only (the events of a dataset that also holds snapshots)."""
    where = _filters(info)
    covered = _covered_months(con, name)
    months = [m for m in year.months if m in covered]
    matched = [m for m in months if year_ago(m) in covered]

    def count(start: date | None, end: date | None, dims: list[str], **extra) -> list[dict]:
        return count_partner(con, name, area, start, end, dims, ward_vintage=ward_vintage, where=where,
                             category=category, **extra)

    by_month = {r["month"]: r for r in count(year.previous(4).start, year.end, ["month"])}
    this = [by_month.get(month_key(m), {"count": 0}) for m in months]
    level = _level(*_total(this), info["unit"])
    result: dict = {"dataset": name, "title": info["title"], "unit": info["unit"], "agency": None,
                    "measure": "events", "months_covered": [month_key(m) for m in months],
                    "partial": len(months) < 12, "level": level, "filters": where}
    result["rate"] = (rate_per_1000(level["count"], population).as_dict()
                      if population and info.get("rate", True) and months and level["count"] else None)
    result["rate_lower_bound"] = bool(result["rate"]) and level["lower_bound"]
    if matched:
        current = sum(by_month.get(month_key(m), {}).get("count") or 0 for m in matched)
        previous = sum(by_month.get(month_key(year_ago(m)), {}).get("count") or 0 for m in matched)
        change = compare_counts(current, previous).as_dict()
        change["basis"] = basis_text(matched)
        suppressed = sum(by_month.get(month_key(m), {}).get("suppressed", 0)
                         + by_month.get(month_key(year_ago(m)), {}).get("suppressed", 0) for m in matched)
        if suppressed:
            change["note"] = (f"{suppressed:,} suppressed cells are left out of both years: the change compares "
                              "known counts only")
        result["change"] = change
    else:
        result["change"] = None
        result["change_note"] = f"No {year.previous().name} data from this partner covers the same months."
    result["trend"] = _trend(by_month, covered, year)
    result["by_month"] = [{"month": month_key(m), "count": by_month.get(month_key(m), {}).get("count") or 0,
                           "suppressed": by_month.get(month_key(m), {}).get("suppressed", 0)} for m in months]
    result["by_category"] = _categories(count(year.start, year.end, ["category"]), level["count"])
    result["hotspots"], result["authority_only"] = _hotspots(count(year.start, year.end, ["ward"]), ward_population)
    if info["section"] == "road_safety":
        severity = {r["category"]: r["count"] or 0 for r in result["by_category"]}
        ksi = sum(severity.get(s, 0) for s in KSI)
        result["ksi"] = {"count": ksi, "rate": rate_per_1000(ksi, population).as_dict() if population else None,
                         "text": f"{ksi:,} killed or seriously injured"}
        if "mode" in info.get("attributes", []):
            result["by_mode"] = _categories(count(year.start, year.end, ["mode"]), level["count"], key="mode")
    if info["section"] == "deliberate_fires" and "fire_type" in info.get("attributes", []):
        result["by_fire_type"] = _categories(count(year.start, year.end, ["fire_type"]), level["count"], key="fire_type")
    for flag in info.get("flags", []):
        flagged = _total(count(year.start, year.end, ["month"], flag=flag))[0]
        result.setdefault("flags", {})[flag] = {"count": flagged,
                                                "share": round(flagged / level["count"], 4) if level["count"] else None}
    return result


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _snapshot_dataset(con: duckdb.DuckDBPyConnection, name: str, info: dict, area: Area, year: FinancialYear,
                      ward_vintage: str | None, population: float | None, ward_population: dict[str, float],
                      category: list[str] | None = None) -> dict:
    """A snapshot (a count on a day: adults in treatment, rough sleepers on the count night) is
    never added up over months, which would count the same people about twelve times. The level
    is the latest month's value, with the monthly average over the year's months beside it; the
    rate, categories and wards are the latest month's; the change compares the latest month with
    the same month a year earlier (and the monthly averages of the months both years cover)."""
    unit = (info.get("snapshot_unit") or info["unit"]) if category else info["unit"]
    covered = _covered_months(con, name)
    months = [m for m in year.months if m in covered]
    result: dict = {"dataset": name, "title": info["title"] + (": " + ", ".join(category) if category else ""),
                    "unit": unit, "agency": None, "measure": "snapshot",
                    "months_covered": [month_key(m) for m in months], "partial": len(months) < 12, "filters": {}}
    if not months:
        return {**result, "level": _level(0, 0, unit)}

    def count(start: date, end: date, dims: list[str], **extra) -> list[dict]:
        return count_partner(con, name, area, start, end, dims, ward_vintage=ward_vintage, category=category, **extra)

    by_month = {r["month"]: r for r in count(year.previous(4).start, year.end, ["month"])}

    def value(month: date) -> int:
        return by_month.get(month_key(month), {}).get("count") or 0

    def suppressed(month: date) -> int:
        return by_month.get(month_key(month), {}).get("suppressed", 0)

    latest = months[-1]
    average = _mean([value(m) for m in months])
    at_least = "at least " if any(suppressed(m) for m in months) else ""
    level = _level(value(latest), suppressed(latest), unit)
    level["text"] += (f" in {month_label(latest)}, the latest month (a snapshot, not added up over the months: "
                      f"the monthly average in {year.name} was {at_least}{average:,.1f})")
    level.update(latest_month=month_key(latest), monthly_average=average)
    result.update(level=level, latest_month_label=month_label(latest))
    result["rate"] = (rate_per_1000(level["count"], population).as_dict()
                      if population and info.get("rate", True) and level["count"] else None)
    result["rate_lower_bound"] = bool(result["rate"]) and level["lower_bound"]
    before = year_ago(latest)
    if before in covered:
        change = compare_counts(value(latest), value(before)).as_dict()
        change["basis"] = f"{month_label(latest)} on {month_label(before)}"
        matched = [m for m in months if year_ago(m) in covered]
        change["monthly_average"] = {"current": _mean([value(m) for m in matched]),
                                     "previous": _mean([value(year_ago(m)) for m in matched])}
        if suppressed(latest) or suppressed(before):
            change["note"] = "suppressed cells are left out of both months: the change compares known counts only"
        result["change"] = change
    else:
        result["change"] = None
        result["change_note"] = f"No {month_label(before)} figure from this partner to compare {month_label(latest)} with."
    trend = []
    for back in range(4, -1, -1):
        fy = year.previous(back) if back else year
        fy_months = [m for m in fy.months if m in covered]
        if fy_months:
            trend.append({"year": fy.name, "latest_month": month_key(fy_months[-1]), "count": value(fy_months[-1]),
                          "monthly_average": _mean([value(m) for m in fy_months]), "months": len(fy_months),
                          "partial": len(fy_months) < 12})
    result["trend"] = trend
    result["by_month"] = [{"month": month_key(m), "count": value(m), "suppressed": suppressed(m)} for m in months]
    result["by_category"] = _categories(count(latest, latest, ["month", "category"]), level["count"])
    result["hotspots"], result["authority_only"] = _hotspots(count(latest, latest, ["month", "ward"]), ward_population)
    for flag in info.get("flags", []):
        flagged = _total(count(latest, latest, ["month"], flag=flag))[0]
        result.setdefault("flags", {})[flag] = {"count": flagged,
                                                "share": round(flagged / level["count"], 4) if level["count"] else None}
    return result


def _dataset_parts(con: duckdb.DuckDBPyConnection, name: str, info: dict, area: Area, year: FinancialYear,
                   ward_vintage: str | None, population: float | None,
                   ward_population: dict[str, float]) -> list[dict]:
    """A dataset's figures: one entry, or two for events with snapshot categories beside them
    (homelessness duties owed, and rough sleepers counted on a night), never added together."""
    if info["period_kind"] == "financial_year":
        return [_yearly_dataset(con, name, info, area, year)]
    args = (con, name, info, area, year, ward_vintage, population, ward_population)
    if info.get("measure") == "snapshot":
        return [_snapshot_dataset(*args)]
    snapshots = set(info.get("snapshot_categories") or [])
    if not snapshots:
        return [_monthly_dataset(*args)]
    categories = [r[0] for r in measure(con, f"categories of partner dataset {name}",
                                        "select distinct category from partner_records where dataset = ? order by 1",
                                        [name])]
    events = [c for c in categories if c.casefold() not in snapshots]
    counted = [c for c in categories if c.casefold() in snapshots]
    return ([_monthly_dataset(*args, category=events)] if events else []) + \
        ([_snapshot_dataset(*args, category=counted)] if counted else [])


def _trend(by_month: dict[str, dict], covered: set[date], year: FinancialYear) -> list[dict]:
    out = []
    for back in range(4, -1, -1):
        fy = year.previous(back) if back else year
        months = [m for m in fy.months if m in covered]
        if not months:
            continue
        total = sum(by_month.get(month_key(m), {}).get("count") or 0 for m in months)
        out.append({"year": fy.name, "count": total, "months": len(months), "partial": len(months) < 12})
    return out


def _categories(rows: list[dict], total: int, key: str = "category") -> list[dict]:
    ordered = sorted(rows, key=lambda r: (-(r["count"] or 0), str(r[key])))
    return [{key: r[key], "count": r["count"], "suppressed": r.get("suppressed", 0),
             "share": round(r["count"] / total, 4) if total and r["count"] is not None else None}
            for r in ordered]


def _hotspots(rows: list[dict], ward_population: dict[str, float]) -> tuple[list[dict], int]:
    placed = [r for r in rows if r["ward_code"] is not None]
    authority_only = sum(r["count"] or 0 for r in rows if r["ward_code"] is None)
    top = sorted(placed, key=lambda r: (-(r["count"] or 0), r["ward_name"] or ""))[:HOTSPOTS]
    out = []
    for r in top:
        population = ward_population.get(r["ward_code"])
        out.append({"ward_code": r["ward_code"], "ward_name": r["ward_name"], "count": r["count"],
                    "suppressed": r.get("suppressed", 0),
                    # only suppressed cells: no count, so no rate (never 0 per 1,000)
                    "rate_per_1000": round(r["count"] / population * 1000, 2)
                    if population and r["count"] is not None else None})
    return out, authority_only


def _yearly_dataset(con: duckdb.DuckDBPyConnection, name: str, info: dict, area: Area, year: FinancialYear) -> dict:
    """Data by financial year (Prevent, reoffending): the year's figure and the years before."""
    rows = count_partner(con, name, area, year.previous(4).start, year.end, ["financial_year", "category"])
    years = sorted({r["financial_year"] for r in rows})
    this = [r for r in rows if r["financial_year"] == year.name]
    result: dict = {"dataset": name, "title": info["title"], "unit": info["unit"], "years": years,
                    "level": _level(*_total(this), info["unit"]) if this else None,
                    "by_category": _categories(this, _total(this)[0]) if this else [],
                    "trend": [{"year": y, "count": _total([r for r in rows if r["financial_year"] == y])[0],
                               "suppressed": _total([r for r in rows if r["financial_year"] == y])[1]} for y in years],
                    "rate": None, "change": None, "hotspots": [], "authority_only": None}
    if info["section"] == "reoffending":  # a cohort and its reoffenders are not added up
        result["reoffending_rate"] = _reoffending_rates(rows)
        result["trend"] = [{"year": r["year"], "rate": r["rate"]} for r in result["reoffending_rate"]]
        result["level"] = None if not this else {**result["level"], "text": next(
            (f"{r['rate'] * 100:.1f}% of {r['cohort']:,} offenders reoffended" for r in result["reoffending_rate"]
             if r["year"] == year.name), result["level"]["text"])}
    if not this:
        latest = years[-1] if years else None
        result["note"] = (f"No {year.name} figure: the latest is {latest}" if latest else "No figure loaded") + \
            " (reoffending is measured about two years in arrears)." * (info["section"] == "reoffending")
    previous = [r for r in rows if r["financial_year"] == year.previous().name]
    if this and previous and not _total(this)[1] and not _total(previous)[1] and info["section"] != "reoffending":
        change = compare_counts(_total(this)[0], _total(previous)[0]).as_dict()
        change["basis"] = f"{year.name} on {year.previous().name}"
        result["change"] = change
    return result


def _reoffending_rates(rows: list[dict]) -> list[dict]:
    out = []
    for y in sorted({r["financial_year"] for r in rows}):
        values = {str(r["category"]).casefold(): r["count"] for r in rows if r["financial_year"] == y}
        cohort = next((v for k, v in values.items() if "cohort" in k or k.startswith("offenders")), None)
        reoffenders = next((v for k, v in values.items() if k.startswith("reoffender")), None)
        if cohort and reoffenders is not None:
            out.append({"year": y, "cohort": cohort, "reoffenders": reoffenders,
                        "rate": round(reoffenders / cohort, 4)})
    return out


def _ward_population(con: duckdb.DuckDBPyConnection, area: Area, ward_vintage: str | None, year: int) -> dict[str, float]:
    if ward_vintage is None:
        return {}
    from csphub.analytics.assessment.data import area_population

    return area_population(con, area, ward_vintage, year)[4]


def _public_file(entry: dict) -> dict:
    """A partner file as the report and figures.json carry it: by its file name (and sha256),
    never the local path it was loaded from (a path can name a user's home directory)."""
    from csphub.analytics.assessment.data import source_name

    return {**entry, "file": source_name(entry["file"])}


def _sources(con: duckdb.DuckDBPyConnection, dataset: str) -> list[dict]:
    keys = ("file", "sha256", "agency", "period_first", "period_last", "rows", "quarantined", "suppressed",
            "unplaced", "loaded_at")
    return [{k: f[k] for k in keys} for f in map(_public_file, list_files(con)) if f["dataset"] == dataset]


def _survey_section(con: duckdb.DuckDBPyConnection, year: FinancialYear) -> dict | None:
    """The latest wave of each survey loaded up to the year (a wave named 2024 or 2024/25 counts
    for 2024/25): its measures with n, percentages, margins and significant changes, and the
    free-text answers an officer marked publishable (no other free text)."""
    from csphub.analytics.partner.survey import free_text, has_survey_tables, survey_results, waves

    if not has_survey_tables(con):
        return None
    surveys = [r[0] for r in measure(con, "surveys loaded", "select distinct survey from survey_waves order by 1")]
    out = []
    for survey in surveys:
        usable = [w for w in waves(con, survey) if w[:4].isdigit() and int(w[:4]) <= year.start_year + 1]
        if not usable:
            continue
        result = survey_results(con, survey, usable[-1])
        # only the answers an officer marked publishable (csphub survey publish), never the rest
        result["published_comments"] = [{"question": c["question"], "answer": c["answer"]}
                                        for c in free_text(con, survey, usable[-1])]
        out.append(result)
    return {"surveys": out} if out else None


def _add_dataset(con: duckdb.DuckDBPyConnection, sections: dict, name: str, info: dict, figures: dict) -> None:
    """Put a dataset's figures in its section, with caveats and sources, when it has data."""
    if info["period_kind"] == "financial_year":
        has_data = bool(figures["years"])
    else:
        has_data = bool(figures["months_covered"]) and bool(
            figures["level"]["count"] or figures["level"]["suppressed_cells"])
    if not has_data:
        return
    figures["caveats"] = info.get("caveats", [])
    figures["source"] = info.get("source", "")
    figures["sources"] = _sources(con, name)
    figures["agency"] = ", ".join(sorted({s["agency"] for s in figures["sources"]}))
    section = info["section"]
    sections.setdefault(section, {"title": dict(SECTIONS)[section], "chapter": CHAPTERS[section],
                                  "datasets": []})["datasets"].append(figures)


def partner_sections(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear,
                     ward_vintage: str | None = None, population: float | None = None) -> dict:
    """The partner sections of the assessment of ``area`` in ``year``.

    Returns ``{"sections": {key: {"title", "chapter", "datasets": [...]}} (only sections with data, in the
    seed's order), "data_not_available": [line, ...], "sources": [every partner file]}``, plus
    ``sections["survey"]`` when a survey is loaded.
    """
    sections: dict[str, dict] = {}
    if has_partner_tables(con):
        ward_population = _ward_population(con, area, ward_vintage, year.start_year)
        for name, info in _datasets(con).items():
            for figures in _dataset_parts(con, name, info, area, year, ward_vintage, population, ward_population):
                _add_dataset(con, sections, name, info, figures)
    survey = _survey_section(con, year)
    if survey:
        sections["survey"] = {"title": dict(SECTIONS)["survey"], "chapter": CHAPTERS["survey"], **survey}
    order = [key for key, _ in SECTIONS]
    sections = dict(sorted(sections.items(), key=lambda kv: order.index(kv[0])))
    missing = [f"{title}: no data loaded for {area.name} in {year.name}; load {NEEDED[key]}."
               for key, title in SECTIONS if key in NEEDED and key not in sections]
    return {"sections": sections, "data_not_available": missing,
            "sources": [_public_file(f) for f in list_files(con)] if has_partner_tables(con) else [],
            "authority_only_label": AUTHORITY_ONLY}


__all__ = ["CHAPTERS", "SECTIONS", "partner_sections"]
