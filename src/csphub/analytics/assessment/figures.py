"""Every figure of the Strategic Assessment, as plain JSON-ready data.

``build_figures`` returns the dict written to ``figures.json``; the renderers only format it.
Each key is documented in ``docs/assessment-method.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.assessment import benchmark, crime_groups, partner_asb_section, sections
from csphub.analytics.assessment.availability import check_period, latest_complete_months
from csphub.analytics.assessment.comparison import MonthMatch, match_months
from csphub.analytics.assessment.completeness import SERIES_TEST, Completeness, completeness
from csphub.analytics.assessment.data import load_area_data
from csphub.analytics.assessment.hotspot_section import hotspot_section
from csphub.analytics.assessment.hotspots import PERMUTATIONS
from csphub.analytics.assessment.narrative import prompts, sentences
from csphub.analytics.assessment.narrative_file import commentary
from csphub.analytics.assessment.own_work import own_work_section
from csphub.analytics.assessment.partner_sections import partner_sections
from csphub.analytics.assessment.periods import FinancialYear, MonthSpan, Period, month_key
from csphub.analytics.assessment.police_outcomes_section import police_outcomes_sections
from csphub.analytics.assessment.serious_violence import (
    DEFAULT_DEFINITION,
    serious_violence_section,
)

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass
class AssessmentOptions:
    """What the user asked for on the command line. ``year`` is the period: a financial year or
    any run of up to 12 months (:class:`MonthSpan`)."""

    year: Period
    previous_years: int = 4
    ward_vintage: str | None = None
    peers_file: Path | None = None
    activity_file: Path | None = None
    serious_violence: dict = field(default_factory=lambda: dict(DEFAULT_DEFINITION))
    #: Gi* permutations (9,999; fewer only to make tests quick)
    permutations: int = PERMUTATIONS
    #: the partnership's place names for the hotspot clusters (see hotspots.load_places)
    places: dict[str, str] = field(default_factory=dict)
    #: the partnership's own records as plain counts, gathered by the CLI from the casework
    #: database (see own_work.py); None: not read
    own_work: dict | None = None
    #: the narrative file's sections (narrative_file.load_narrative); None: prompts instead
    narrative: dict | None = None
    #: the day the assessment is made (None: today), which says whether missing months are yet
    #: expected from police.uk
    today: date | None = None


def build_figures(con: duckdb.DuckDBPyConnection, area: Area, options: AssessmentOptions) -> dict:
    """Compute the whole assessment for ``area`` and the period in ``options``.

    Raises :class:`~csphub.analytics.assessment.availability.NoDataForPeriod` when no source
    holds any data for the area in the year.
    """
    year = options.year
    first = year.previous(max(options.previous_years, 1))  # the year before is always compared
    data = load_area_data(con, area, first.start, year.end, options.ward_vintage, year.start_year)
    whole = completeness(con, area, data.ward_vintage)
    rows = whole.rows
    data.months_loaded = sorted({r.month for r in rows if r.rows > 0})
    check_period(con, area, year, data.months_loaded,
                 partner_asb_section.partner_incidents(con, data, year.start, year.end))
    incomplete = whole.months()
    present = set(data.counts["month"])
    match = match_months(year, present, whole.months("crime"))  # crime and ASB judged apart
    match_asb = match_months(year, present, whole.months("ASB"))
    trend_from = year.previous(options.previous_years)
    figures: dict = {
        "area": {"name": area.name, "lad_codes": list(area.lad_codes)},
        "year": year.name,
        "period": {"start": month_key(year.start), "end": month_key(year.end), "label": year.label,
                   "months": len(year.months),
                   "kind": "financial year" if isinstance(year, FinancialYear) else "months"},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "coverage": _coverage(whole, year, match, match_asb, trend_from),
        "population": {
            "total": None if data.population is None else round(data.population), "year": data.population_year, "source": data.population_source,
            "note": "Population estimates as loaded; rates use this figure as the denominator.",
        },
        "ward_vintage": data.ward_vintage,
    }
    figures["crime"] = sections.volume_section(data, year, trend_from, match, asb=False)
    figures["crime"].update(crime_groups.crime_groups(con, data, year, match.matched))
    figures["asb"] = sections.volume_section(data, year, trend_from, match_asb, asb=True)
    figures["asb"].update(partner_asb_section.asb_by_incident_type(con, data, year))
    figures["asb"].update(sections.top_wards(data, year))
    figures["wards"] = sections.ward_table(data, year, match.matched)
    figures["hotspots"] = hotspot_section(con, data, year, sorted(set(data.counts["month"]) - incomplete),
                                          options.permutations, options.places)
    figures["serious_violence"] = serious_violence_section(con, data, year, trend_from, match,
                                                           options.serious_violence)
    figures["css"] = sections.crime_severity(con, data, year, match)
    figures["benchmark"] = benchmark.benchmark_table(con, area, figures, options)
    figures["activity"] = sections.activity(options.activity_file)
    figures.update(_partner_figures(con, area, year, data))
    figures["own_work"] = own_work_section(options.own_work, year.start, year.end, year.previous().start)
    figures["police_uk"] = police_uk_presence(figures)
    figures["data_not_available"] = figures["police_uk"]["left_out"] + figures["partner"]["data_not_available"]
    figures["data_notes"] = _data_notes(con, figures)
    figures["narrative"] = sentences(figures)
    figures["commentary"] = commentary(options.narrative, prompts(figures, options.today or date.today()),
                                       figures["activity"])
    return figures


LOAD_POLICE_UK = "csphub ingest police-uk FOLDER loads the police.uk monthly street-level files"


def police_uk_presence(figures: dict) -> dict:
    """Whether the period has police.uk street-level data; when not, the one sentence every
    police.uk section prints instead of empty tables and charts (``note``), and a line in "data
    not available" for each section that has nothing else to show (``left_out``).

    Examples:
        >>> p = police_uk_presence({"year": "2017/18", "coverage": {"months_present": []},
        ...                         "asb": {"by_incident_type": []}})
        >>> p["note"]
        'No police.uk street-level data is loaded for 2017/18 (csphub ingest police-uk FOLDER loads the police.uk monthly street-level files).'
        >>> [line.split(":")[0] for line in p["left_out"]]
        ['Anti-social behaviour', 'Wards and hotspots']
    """
    year = figures["year"]
    if figures["coverage"]["months_present"]:
        return {"loaded": True, "note": None, "left_out": []}
    none = f"no police.uk street-level data is loaded for {year}"
    left_out = []
    if not figures["asb"].get("by_incident_type"):
        left_out.append(f"Anti-social behaviour: {none} and no partner ASB records "
                        f"({LOAD_POLICE_UK}; csphub ingest partner-asb FILE loads partners' ASB records).")
    left_out.append(f"Wards and hotspots: {none}, and they are drawn from it alone ({LOAD_POLICE_UK}).")
    return {"loaded": False, "note": f"No police.uk street-level data is loaded for {year} ({LOAD_POLICE_UK}).",
            "left_out": left_out}


def _partner_figures(con: duckdb.DuckDBPyConnection, area: Area, year: Period, data) -> dict:
    """Partner data, the survey, police.uk outcomes and stop and search (issue 18): given for a
    financial year, as partners publish them; for other periods the report says so."""
    if not isinstance(year, FinancialYear):
        return {"partner": {"sections": {}, "sources": [], "data_not_available": [
            f"Partner data, outcomes and stop and search are given for financial years (run with --year); "
            f"not for {year.name}."]}}
    return {"partner": partner_sections(con, area, year, data.ward_vintage, data.population),
            **police_outcomes_sections(con, area, year, data.ward_vintage, data.population)}


def rolling_period(con: duckdb.DuckDBPyConnection, area: Area, months: int,
                   ward_vintage: str | None = None) -> FinancialYear | MonthSpan:
    """The latest ``months`` complete months loaded for ``area`` (``--rolling``)."""
    return latest_complete_months(completeness(con, area, ward_vintage).rows, area, months)


def _coverage(whole: Completeness, year: Period, match: MonthMatch, match_asb: MonthMatch,
              trend_from: Period) -> dict:
    rows = whole.rows

    def keys(within: FinancialYear | MonthSpan, wanted) -> list[str]:
        return sorted({month_key(r.month) for r in rows if within.start <= r.month <= within.end and wanted(r)})

    present = keys(year, lambda r: r.rows > 0)
    return {
        "months_present": present,
        "months_missing": [month_key(m) for m in year.months if month_key(m) not in present],
        "months_incomplete": keys(year, lambda r: r.incomplete and r.rows > 0),
        "months_incomplete_previous": keys(year.previous(), lambda r: r.incomplete and r.rows > 0),
        "months_incomplete_crime": sorted(month_key(m) for m in whole.months("crime")
                                          if year.start <= m <= year.end),
        "months_incomplete_asb": sorted(month_key(m) for m in whole.months("ASB") if year.start <= m <= year.end),
        "flags": [f.as_dict() for f in whole.flags_between(min(trend_from.start, year.previous().start),
                                                           year.end)],
        "flag_test": SERIES_TEST,
        "months_compared": [month_key(m) for m in match.matched],
        "months_compared_asb": [month_key(m) for m in match_asb.matched],
        "comparison_note": match.note(),
        "comparison_note_asb": match_asb.note(),
        "partial": len(present) < len(year.months) or any(r.incomplete for r in rows if year.start <= r.month <= year.end),
        "forces": sorted({r.force for r in rows if year.start <= r.month <= year.end}),
    }


def _data_notes(con: duckdb.DuckDBPyConnection, figures: dict) -> dict:
    files = con.execute(
        "select kind, min(month), max(month), count(*) from source_files group by 1 order by 1"
    ).fetchall()
    sources = [{"kind": k, "first_month": a.strftime("%Y-%m") if a else None,
                "last_month": b.strftime("%Y-%m") if b else None, "files": n} for k, a, b, n in files]
    for entry in sources:
        if entry["kind"] == "partner-asb":  # a partner file covers many months: read them off its rows
            first, last, partners = con.execute(
                "select min(month), max(month), list(distinct source order by source) from partner_asb"
            ).fetchall()[0]
            entry["first_month"] = first.strftime("%Y-%m") if first else None
            entry["last_month"] = last.strftime("%Y-%m") if last else None
            entry["partners"] = partners or []
    cover = figures["coverage"]
    return {
        "sources": sources,
        "coverage_gaps": cover["months_missing"],
        "incomplete_months": cover["months_incomplete"],
        "population": figures["population"],
        "licence": OGL,
        "no_location_note": "police.uk rows with no location cannot be placed in an area and are not counted.",
        "glossary": GLOSSARY,
        "change_test": CHANGE_TEST,
    }


CHANGE_TEST = (
    "A change is called a rise or a fall only when it is significant at 5%, tested on the monthly "
    "counts of the months compared: a quasi-Poisson model (statsmodels GLM, a term per calendar "
    "month and one for the year) whose dispersion is estimated from how much the months vary, so "
    "that a series that swings from month to month needs a larger change to be called one; where "
    "the months vary no more than Poisson counts, the exact test of two Poisson counts. Otherwise "
    "'no significant change'.")

GLOSSARY = {
    "ASB": ("Anti-social behaviour: incidents recorded by the police (police.uk category 'Anti-social "
            "behaviour'); partners' own ASB records (council, police command and control) carry the "
            "incident type."),
    "CSP": "Community Safety Partnership (Crime and Disorder Act 1998).",
    "CSS": "Crime Severity Score: offences weighted by ONS severity weights, per head of population.",
    "Gi*": "Getis-Ord Gi* statistic: a local measure of clustering of high (hot) or low (cold) values.",
    "FDR": ("False discovery rate: testing every LSOA at once, the Benjamini-Hochberg correction keeps "
            "the expected share of false hotspots among those reported at q (5%)."),
    "q-value": "A p-value adjusted for testing every LSOA at once (Benjamini-Hochberg).",
    "LSOA": "Lower layer Super Output Area: a small census area of about 1,500 residents.",
    "MSG": "Most Similar Group: areas the Home Office judges most similar, used for benchmarking.",
    "Rate per 1,000": "Count divided by the resident population, times 1,000.",
    "95% CI": "95% confidence interval of a rate (exact Poisson).",
    "Dispersion": ("How much more counts vary from month to month than a Poisson count would "
                   "(1 = no more); a change is judged against it (quasi-Poisson)."),
}
