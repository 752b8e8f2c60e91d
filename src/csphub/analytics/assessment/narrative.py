"""Sentences generated from the figures, in the register of a committee report.

A change is called a rise or a fall only when the test says it is beyond chance.

Examples:
    >>> describe_change("Recorded crime", {"direction": "rise", "percent": 9.7, "current": 32541,
    ...     "previous": 29652, "basis": "the full financial year", "p_value": 0.0})
    'Recorded crime rose by 9.7% to 32,541 (from 29,652; the full financial year).'
"""

from __future__ import annotations

from datetime import date

from csphub.analytics.assessment.periods import add_months, describe_months


def describe_change(subject: str, change: dict | None) -> str | None:
    if not change:
        return None
    basis = change["basis"]
    if change["direction"] == "rise":
        return (f"{subject} rose by {change['percent']}% to {change['current']:,} "
                f"(from {change['previous']:,}; {basis}).")
    if change["direction"] == "fall":
        return (f"{subject} fell by {abs(change['percent'])}% to {change['current']:,} "
                f"(from {change['previous']:,}; {basis}).")
    return (f"{subject} showed no significant change: {change['current']:,} against "
            f"{change['previous']:,} ({basis}; p = {change['p_value']}).")


def sentences(figures: dict) -> list[str]:
    """The headline sentences of the report."""
    out: list[str] = []
    area, year = figures["area"]["name"], figures["year"]
    cover = figures["coverage"]
    if cover["partial"] and cover["months_present"]:  # with none, the level sentence says so
        present = len(cover["months_present"])
        of = figures["period"].get("months", 12)
        out.append(f"The data for {year} is partial: {present} of {of} months {'is' if present == 1 else 'are'} "
                   "present" + (f" and {_months_words(cover['months_incomplete'])} "
                                f"{'looks' if len(cover['months_incomplete']) == 1 else 'look'} incomplete"
                                if cover["months_incomplete"] else "")
                   + "; figures for the year are labelled partial.")
    crime, asb = figures["crime"], figures["asb"]
    out.append(_level_sentence(area, year, crime))
    for subject, section in (("Recorded crime", crime), ("Anti-social behaviour", asb)):
        if sentence := describe_change(subject, section["change"]):
            out.append(sentence)
    notes = dict.fromkeys(s["change_note"] for s in (crime, asb) if s.get("change_note"))
    out += list(notes)
    if asb.get("top_wards"):
        names = ", ".join(w["ward_name"] for w in asb["top_wards"])
        out.append(f"The top {len(asb['top_wards'])} wards for ASB ({names}) account for "
                   f"{asb['top_wards_share'] * 100:.0f}% of all ASB in {area}.")
    out += _asb_type_sentences(asb)
    if crime.get("by_group") and crime["by_group"][0]["share"] is not None:
        top = crime["by_group"][0]
        source = (" (Home Office offence-code counts)"
                  if crime.get("by_group_source") == "Home Office offence-code counts" else "")
        out.append(f"{top['group']} is the largest crime group, {top['share'] * 100:.0f}% of recorded "
                   f"crime{source}.")
    out += hotspot_sentences(figures["hotspots"])
    sv = figures["serious_violence"]
    if sentence := describe_change("Serious violence (local definition)", sv.get("change")):
        out.append(sentence)
    if sentence := casework_sentence(figures.get("own_work") or {}):
        out.append(sentence)
    return out


def casework_sentence(own_work: dict) -> str | None:
    """The partnership's own casework in one sentence, as the seed reports it.

    Examples:
        >>> rows = [{"key": "service_requests", "count": 247, "change": {"words": "up 40.3% (from 176 to 247)"}},
        ...         {"key": "cpw", "count": 12, "change": None}, {"key": "cpn", "count": 3, "change": None}]
        >>> casework_sentence({"groups": {"casework": {"recorded": True, "rows": rows, "comparison": False,
        ...                    "comparison_note": "no comparison: records start 1 June 2023"}}})
        "The partnership's casework: 247 service requests, up 40.3% (from 176 to 247); 12 CPWs; 3 CPNs (no comparison: records start 1 June 2023)."
    """
    casework = (own_work.get("groups") or {}).get("casework")
    if not casework or not casework["recorded"]:
        return None
    rows = {r["key"]: r for r in casework["rows"]}
    parts = [f"{rows[key]['count']:,} {one if rows[key]['count'] == 1 else many}"
             + (f", {rows[key]['change']['words']}" if rows[key]["change"] else "")
             for key, one, many in (("service_requests", "service request", "service requests"),
                                    ("cpw", "CPW", "CPWs"), ("cpn", "CPN", "CPNs")) if key in rows]
    note = "" if casework["comparison"] else f" ({casework['comparison_note']})"
    return "The partnership's casework: " + "; ".join(parts) + note + "."


def hotspot_sentences(hot: dict) -> list[str]:
    """One sentence per measure: its hotspot clusters by place, or that there is none."""
    out = []
    for key, name in (("crime", "crime"), ("asb", "ASB")):
        if key not in hot:
            continue
        test = f"Gi*, false discovery rate q = {hot['fdr_q']}"
        clusters = hot.get(f"{key}_clusters") or []
        if not clusters:
            out.append(f"No LSOA is a statistically significant {name} hotspot ({test}).")
            continue
        lsoas = sum(len(c["lsoas"]) for c in clusters)
        places = "; ".join(c["summary"] for c in clusters[:3])
        more = f"; and {len(clusters) - 3} more" if len(clusters) > 3 else ""
        out.append(f"{lsoas} LSOA{'s are' if lsoas != 1 else ' is a'} statistically significant {name} "
                   f"hotspot{'s' if lsoas != 1 else ''} ({test}), in {len(clusters)} "
                   f"cluster{'s' if len(clusters) != 1 else ''}: {places}{more}.")
    return out


def _months_words(keys: list[str]) -> str:
    return describe_months([date(int(k[:4]), int(k[5:7]), 1) for k in keys])


def _level_sentence(area: str, year: str, crime: dict) -> str:
    """The year's recorded crime, its rate and over which months; or that none is loaded."""
    if crime["total"] is None:
        return crime["note"]
    if not crime.get("partial"):
        rate = f" ({crime['rate_per_1000']:.1f} per 1,000 residents)" if crime["rate_per_1000"] else ""
        return f"{area} recorded {crime['total']:,} crimes in {year}{rate}, excluding ASB."
    only = crime["rate_basis"].replace(" (not annualised)", "")
    rate = (f"; {crime['rate_per_1000']:.1f} per 1,000 residents over those months, a partial-year "
            "rate (not annualised)" if crime["rate_per_1000"] else "")
    return f"{area} recorded {crime['total']:,} crimes in {year} ({only}){rate}, excluding ASB."


def _asb_type_sentences(asb: dict) -> list[str]:
    """The most common ASB incident type in each partner's records, and significant changes."""
    out = []
    for partner in asb.get("partner_sources") or []:
        rows = [r for r in asb.get("by_incident_type") or [] if r["source"] == partner["source"]]
        if not rows or not rows[0]["count"]:
            continue
        top = rows[0]
        out.append(f"In the ASB records of {partner['source']}, the most common incident type was "
                   f"{top['incident_type']} ({top['share'] * 100:.0f}% of {partner['total']:,} incidents).")
        moved = [r for r in rows if r["change"] and r["change"]["direction"] != "no significant change"
                 and r["change"]["percent"] is not None]
        if moved:
            out.append("Significant changes by incident type on the previous year: " + ", ".join(
                f"{r['incident_type']} {r['change']['percent']:+.0f}%" for r in moved[:5]) + ".")
    return out


# ---- Prompts for the partnership's own words (where no narrative file gives them) -----------

def change_phrase(subject: str, change: dict | None) -> str | None:
    """A change as a prompt states it, saying whether it is significant.

    Examples:
        >>> change_phrase("ASB", {"direction": "fall", "percent": -41.0, "p_value": 0.001})
        'ASB fell 41.0%, significant'
        >>> change_phrase("Recorded crime", {"direction": "no significant change", "percent": 3.2, "p_value": 0.4})
        'Recorded crime rose 3.2%, not significant (p = 0.4)'
    """
    if not change or change.get("percent") is None:
        return None
    pct = change["percent"]
    verb = "rose" if pct > 0 else "fell" if pct < 0 else "did not change"
    size = f" {abs(pct):.1f}%" if pct else ""
    if change["direction"] in ("rise", "fall"):
        return f"{subject} {verb}{size}, significant"
    return f"{subject} {verb}{size}, not significant (p = {change.get('p_value')})"


def _headline_phrases(figures: dict) -> list[str]:
    out = []
    for subject, key in (("Recorded crime", "crime"), ("ASB", "asb")):
        if phrase := change_phrase(subject, figures[key].get("change")):
            out.append(phrase)
    if phrase := change_phrase("Serious violence", (figures.get("serious_violence") or {}).get("change")):
        out.append(phrase)
    return out


def _own_work_phrases(figures: dict) -> list[str]:
    from csphub.analytics.assessment.own_work import changes

    return [f"{label}: {change['words']}" for label, change in changes(figures.get("own_work") or {})]


def _hotspot_prompts(figures: dict) -> list[str]:
    out = []
    for key, name in (("crime", "crime"), ("asb", "ASB")):
        clusters = (figures.get("hotspots") or {}).get(f"{key}_clusters") or []
        if clusters:
            top = clusters[0]
            place = top.get("place") or ", ".join(top.get("wards") or [])
            out.append(f"{len(clusters)} {name} hotspot cluster{'s' if len(clusters) != 1 else ''} "
                       f"(the largest: {place}, {len(top['lsoas'])} LSOA{'s' if len(top['lsoas']) != 1 else ''}): what will the partnership do there?")
    return out


#: police.uk publishes a month's street-level data about two months after it ends: a month is
#: expected by the first day of the third month after it (April 2024 by 1 July 2024)
PUBLICATION_LAG_MONTHS = 3


def publication_due(month: date) -> date:
    """The day by which police.uk is expected to have published ``month``.

    Examples:
        >>> publication_due(date(2024, 4, 1)), publication_due(date(2024, 11, 1))
        (datetime.date(2024, 7, 1), datetime.date(2025, 2, 1))
    """
    return add_months(month, PUBLICATION_LAG_MONTHS)


def coverage_prompt(figures: dict, today: date) -> str | None:
    """The horizon-scan prompt for a partial period: months police.uk has yet to publish will
    arrive; months it should already have published (a year that ended long ago) will not arrive
    by waiting, and their files must be loaded.

    Examples:
        >>> f = {"year": "2017/18", "coverage": {"partial": True, "months_missing": ["2018-02", "2018-03"],
        ...                                      "months_incomplete": []}}
        >>> coverage_prompt(f, date(2025, 1, 1))
        "The data for 2017/18 is partial: police.uk has already published the missing months, so waiting will not bring them: load the missing months' files: Feb 2018 to Mar 2018 (csphub ingest police-uk FOLDER) and assess again."
        >>> coverage_prompt(f, date(2018, 4, 15))
        'The data for 2017/18 is partial: what should the partnership expect when the missing months arrive (Feb 2018 to Mar 2018, expected from police.uk by Jun 2018)?'
    """
    cover, year = figures["coverage"], figures["year"]
    if not cover.get("partial"):
        return None
    missing = [date(int(k[:4]), int(k[5:7]), 1) for k in cover.get("months_missing") or []]
    published = [m for m in missing if publication_due(m) <= today]
    pending = [m for m in missing if publication_due(m) > today]
    parts = []
    if published:
        which = "the missing months" if not pending else describe_months(published)
        parts.append(f"police.uk has already published {which}, so waiting will not bring "
                     f"{'it' if len(published) == 1 and pending else 'them'}: load the missing months' files: "
                     f"{describe_months(published)} (csphub ingest police-uk FOLDER) and assess again")
    if pending:
        parts.append("what should the partnership expect when the missing months arrive "
                     f"({describe_months(pending)}, expected from police.uk by "
                     f"{publication_due(pending[-1]).strftime('%b %Y')})?")
    if not parts and cover.get("months_incomplete"):
        months = _months_words(cover["months_incomplete"])
        parts.append(f"{months} {'looks' if len(cover['months_incomplete']) == 1 else 'look'} incomplete: "
                     "check police.uk for a re-issued file and load it, or read the year's figures as partial")
    if not parts:
        return None
    text = f"The data for {year} is partial: " + "; and ".join(parts)
    return text if text.endswith("?") else text + "."


def prompts(figures: dict, today: date | None = None) -> dict[str, list[str]]:
    """For each section of the narrative (foreword, priorities, horizon scan, conclusions,
    recommendations), questions drawn from the figures for the partnership to answer.
    ``today`` (default: today) says which missing months police.uk should already have published."""
    year = figures["year"]
    headline = _headline_phrases(figures)
    significant = [p for p in headline if p.endswith("significant") and "not significant" not in p]
    own = _own_work_phrases(figures)
    harm = ((figures.get("own_work") or {}).get("iom_harm") or {})
    out: dict[str, list[str]] = {
        "foreword": [f"{'; '.join(headline)}: what should the Chair tell residents about {year}?" if headline
                     else f"What should the Chair tell residents about {year}?",
                     "What was the partnership's biggest achievement of the year, and what was hardest?"],
        "priorities": [f"{p}: which priority did this work serve, and what did it achieve?" for p in own[:6]],
        "horizon_scan": ["What is coming that will change community safety next year (new duties, "
                         "legislation, funding, the cost of living), and what will it ask of partners?"],
        "conclusions": [f"{p}: what drove it?" for p in (significant or headline)] + _hotspot_prompts(figures),
        "recommendations": ["Given these figures, which priorities should the partnership keep, add or drop, "
                            "and what should each partner do next year?"],
    }
    for cohort in harm.get("cohorts") or []:
        if cohort.get("percent_change") is not None:
            out["priorities"].append(f"IOM harm in {cohort['cohort']} {'fell' if cohort['percent_change'] < 0 else 'rose'} "
                                     f"{abs(cohort['percent_change']):.1f}% during membership: what does it show for "
                                     "reducing reoffending?")
    out["priorities"].append("For each priority of the Community Safety Plan: its progress this year, and its "
                             "aims and items to note for the partnership.")
    if coverage := coverage_prompt(figures, today or date.today()):
        out["horizon_scan"].insert(0, coverage)
    return out
