"""Sentences generated from the figures, in the register of a committee report.

A change is called a rise or a fall only when the test says it is beyond chance.

Examples:
    >>> describe_change("Recorded crime", {"direction": "rise", "percent": 9.7, "current": 32541,
    ...     "previous": 29652, "basis": "the full financial year", "p_value": 0.0})
    'Recorded crime rose by 9.7% to 32,541 (from 29,652; the full financial year).'
"""

from __future__ import annotations

from datetime import date

from csphub.analytics.assessment.periods import describe_months


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
    return out


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
        out.append(f"{lsoas} LSOA{'s are' if lsoas != 1 else ' is'} statistically significant {name} "
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
