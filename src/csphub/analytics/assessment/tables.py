"""The report's tables, defined once and rendered to HTML, Word and Excel alike."""

from __future__ import annotations

from dataclasses import dataclass

from csphub.analytics.assessment.footnotes import MARK, flagged_months, incomplete_note, mark


@dataclass
class ReportTable:
    """A titled table: column headings and rows of display values, and a footnote (the months
    that look incomplete, marked * in the rows)."""

    key: str  # sheet name in Excel (<= 31 characters)
    title: str
    columns: list[str]
    rows: list[list]
    footnote: str | None = None


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


NO_DATA = "no data loaded"


def _change(change: dict | None) -> str:
    if not change:
        return "not comparable"
    pct = "" if change["percent"] is None else f"{change['percent']:+.1f}%"
    return f"{pct} ({change['direction']})"


def _total(section: dict) -> str:
    return NO_DATA if section["total"] is None else _num(section["total"])


def _rate_label(crime: dict, asb: dict) -> str:
    """'Rate per 1,000', saying when the rates are over part of the year only."""
    partial = [s["rate_basis"] for s in (crime, asb) if s.get("rate_basis") and s["partial"]]
    if not partial:
        return "Rate per 1,000"
    only = partial[0].split(":")[0]
    return f"Rate per 1,000 (partial: {only})"


def _ci(section: dict) -> str:
    ci = section["rate_ci"]
    return f"{ci['lower']:.1f} to {ci['upper']:.1f}" if ci else ""


def _months_with_data(section: dict, figures: dict, series: str) -> str:
    months = str(section["months_with_data"])
    flagged = [m for m in flagged_months(figures, series)
               if figures["period"]["start"] <= m <= figures["period"]["end"]]
    return f"{months} ({len(flagged)} incomplete {MARK})" if flagged else months


def _trend_months(row: dict, figures: dict) -> str:
    text = f"{row['months_with_data']}{' (partial)' if row['partial'] else ''}"
    first, last = row.get("first_month"), row.get("last_month")
    flagged = [m for m in flagged_months(figures) if first and last and first <= m <= last]
    return f"{text} ({len(flagged)} incomplete {MARK})" if flagged else text


def _summary(crime: dict, asb: dict, figures: dict) -> ReportTable:
    return ReportTable("Summary", "Crime and ASB: level, rate and change", ["Measure", "Crime (excluding ASB)", "ASB"], [
        ["Total", _total(crime), _total(asb)],
        [_rate_label(crime, asb), _num(crime["rate_per_1000"]), _num(asb["rate_per_1000"])],
        ["95% CI of the rate", _ci(crime), _ci(asb)],
        ["Change on previous year", *[NO_DATA if s["total"] is None else _change(s["change"])
                                      for s in (crime, asb)]],
        ["Months with data", _months_with_data(crime, figures, "crime"), _months_with_data(asb, figures, "ASB")],
    ])


def _rank(row: dict, measure: str) -> str:
    if row.get(f"{measure}_rank") is None:
        return "not ranked" if row.get(measure) is not None else ""
    return f"{row[f'{measure}_rank']} of {row[f'{measure}_rank_of']}"


def _benchmark_table(bench: dict, measure: str, key: str, title: str) -> ReportTable:
    """One measure for every area: each figure beside the period it covers (a published full
    year, or the months computed here); % change and rank only where like for like (see
    benchmark.py), and why not where not."""
    return ReportTable(key, title, [
        "Area", f"{bench['year']}", "Period covered", f"{bench['previous_year']}", "Period covered",
        "% change (like for like)", "Rank", "Method", "Why no change or rank"],
        [[r["area_name"], _num(r.get(measure)), r.get(f"{measure}_period") or "",
          _num(r.get(f"{measure}_previous")), r.get(f"{measure}_period_previous") or "",
          _signed_pct(r.get(f"{measure}_change")) if r.get(f"{measure}_change") is not None else
          ("not comparable" if r.get(measure) is not None else ""),
          _rank(r, measure), r.get(f"{measure}_method") or "", _why_not(r, measure)] for r in bench["rows"]])


def _signed_pct(value: float) -> str:
    return f"{value:+.1f}%"


def _why_not(row: dict, measure: str) -> str:
    """Why a figure has no like-for-like change or no rank (empty when it has both); with no
    figure at all, why not (e.g. no police.uk data loaded for the year)."""
    if row.get(measure) is None:
        return row.get(f"{measure}_change_note") or ""
    notes = [row.get(f"{measure}_change_note") if row.get(f"{measure}_change") is None else None,
             row.get(f"{measure}_rank_note") if row.get(f"{measure}_rank") is None else None]
    return "; ".join(dict.fromkeys(n for n in notes if n))


ROLES = {"subject": "this area", "peer": "peer", "england_and_wales": "reference (not ranked)"}


def published_css_table(bench: dict) -> ReportTable | None:
    """The published ONS CSS of the area, its peers and England and Wales (see
    published_benchmark.py); the CSS computed here on a line of its own, not ranked."""
    pub = bench.get("published_css") or {}
    if not pub.get("available"):
        return None
    rows = [[r["area_name"], ROLES[r["role"]] + (f" {r['msg_position']}" if r.get("msg_position") else ""),
             _num(r["value"]) if r["value"] is not None else r["missing"], r["period"] or "",
             f"{r['rank']} of {r['rank_of']}" if r["rank"] else ("" if r["role"] == "england_and_wales"
                                                                 else "not ranked"),
             r["method"] or ""] for r in (*pub["rows"], pub["england_and_wales"])]
    own = pub.get("subject_computed")
    if own:
        rows.append([f"{own['area_name']} (computed in this report)", "this area, not ranked", _num(own["value"]),
                     own["period"] or "", "not ranked", own["method"] or ""])
    return ReportTable("Benchmarking published CSS", f"Benchmarking: published Crime Severity Score, {pub['year_ending']}",
                       ["Area", "Role", "CSS", "Period", "Rank", "Method"], rows,
                       " ".join(n for n in (pub.get("rank_note"), own and own["rank_note"]) if n) or None)


def violence_table(bench: dict) -> ReportTable | None:
    """VAP per 1,000 for the area and its peers, and the change on the year before where both
    years are whole (see published_benchmark.py), else why not."""
    vap = bench.get("violence") or {}
    if not vap.get("available"):
        return None
    previous = vap["rows"][0].get("previous_year", "previous year")
    return ReportTable("Benchmarking violence", f"Benchmarking: violence against the person, {vap['year']}",
                       ["Area", "Role", "Offences", "Population", "Per 1,000", "Period", "Rank",
                        f"Offences {previous}", f"Period {previous}", "% change (like for like)", "Why no change"],
                       [[r["area_name"], ROLES[r["role"]], _num(r["offences"]),
                         _num(int(r["population"])) if r["population"] else "", _num(r["rate_per_1000"]),
                         r["period"] or "", f"{r['rank']} of {r['rank_of']}" if r["rank"] else (r["rank_note"] or ""),
                         _num(r.get("previous_offences")), r.get("previous_period") or "",
                         _signed_pct(r["change"]) if r.get("change") is not None else
                         ("not comparable" if r["offences"] is not None else ""), r.get("change_note") or ""]
                        for r in vap["rows"]])


def _group_rows(groups: list[dict]) -> list[list]:
    """Each crime group, then its subgroups indented beneath it, as in the seed's Appendix 1."""
    rows = []
    for g in groups:
        rows.append([g["group"], _num(g["count"]), _pct(g["share"]), _num(g.get("previous_count")),
                     _change(g.get("change")) if g.get("previous_count") is not None else ""])
        subgroups = g.get("subgroups", [])
        if len(subgroups) > 1 or (subgroups and subgroups[0]["subgroup"] != g["group"]):
            rows += [[f"\u2003\u2013 {s['subgroup']}", _num(s["count"]), _pct(s["share"]), "", ""]
                     for s in subgroups]
    return rows


def _asb_type_tables(asb: dict) -> list[ReportTable]:
    """ASB by incident type (and national category) from partner data, when loaded. With one
    partner its name is in the title; with several, each row names its partner."""
    tables = []
    for key, column, heading, sheet in (
            ("by_incident_type", "incident_type", "Incident type", "ASB types"),
            ("by_national_category", "national_category", "National category", "ASB categories")):
        rows = asb.get(key) or []
        if not rows:
            continue
        partners = list(dict.fromkeys(r["source"] for r in rows))
        several = len(partners) > 1
        title = f"ASB by {heading.lower()} (partner data: {', '.join(partners)})"
        tables.append(ReportTable(
            sheet, title,
            [heading, *(["Partner"] if several else []), "Incidents", "Share of the partner's",
             "Previous year (like for like)", "Change"],
            [[r[column], *([r["source"]] if several else []), _num(r["count"]), _pct(r["share"]),
              _num(r["previous_count"]), _change(r["change"]) if r["change"] else ""] for r in rows]))
    return tables


MEASURES = (("crime", "Crime"), ("asb", "ASB"))


def _patterns_text(patterns: dict[str, int]) -> str:
    return "; ".join(f"{n} {name}" for name, n in patterns.items())


def hotspot_tables(hot: dict) -> list[ReportTable]:
    """The clusters a committee can act on, then every significant LSOA with its name, ward and
    count (coldspots only when significant after the correction, as every row here)."""
    if "crime" not in hot:
        return []
    q = hot["fdr_q"]
    clusters = [[label, f"{'H' if kind == 'hot' else 'C'}{c['number']}",
                 "hotspot" if kind == "hot" else "coldspot", c["place"], len(c["lsoas"]),
                 ", ".join(c["wards"]), ", ".join(c["lsoa_names"]), _num(c["count"]), _pct(c["share"]),
                 _patterns_text(c.get("patterns") or {})]
                for key, label in MEASURES for kind, suffix in (("hot", "_clusters"), ("cold", "_cold_clusters"))
                for c in hot.get(f"{key}{suffix}", [])]
    rows = [[label, r["lsoa_name"], r["lsoa_code"], r["ward_name"] or "", _num(r["count"]), f"{r['z']:.2f}",
             f"{r['p']:.4f}", f"{r['q_value']:.4f}", r["classification"], r.get("pattern") or "",
             r.get("cluster") or ""]
            for key, label in MEASURES for r in sorted(hot[key], key=lambda r: (r.get("cluster") or "", -r["count"]))
            if r["classification"] != "not significant"]
    return [
        ReportTable("Hotspot clusters", f"Hotspot and coldspot clusters (Gi*, false discovery rate q = {q})",
                    ["Measure", "Cluster", "Kind", "Place", "LSOAs", "Wards", "LSOA names", "Count",
                     "Share of the area's", "Pattern over the months"], clusters),
        ReportTable("Hotspots", f"Significant LSOAs (Gi*, two-sided, Benjamini-Hochberg q = {q})",
                    ["Measure", "LSOA", "LSOA code", "Ward", "Count", "z", "p", "q-value",
                     "Classification", "Pattern over the months", "Cluster"], rows),
    ]


def report_tables(figures: dict) -> list[ReportTable]:
    crime, asb = figures["crime"], figures["asb"]
    tables = [
        _summary(crime, asb, figures),
        ReportTable("Trend", "Trend by financial year",
                    ["Year", "Crime", "Crime per 1,000", "ASB", "Months with data"],
                    [[c["year"], _num(c["total"]), _num(c["rate_per_1000"]),
                      _num(next((a["total"] for a in asb["trend"] if a["year"] == c["year"]), None)),
                      _trend_months(c, figures)]
                     for c in crime["trend"]]),
        ReportTable("Seasonality", "Month by month, against the previous year",
                    ["Month", "Crime", "Crime a year earlier", "ASB", "ASB a year earlier"],
                    [[mark(c["month"], figures), _num(c["count"]), _num(c["previous_year_count"]), _num(a["count"]),
                      _num(a["previous_year_count"])]
                     for c, a in zip(crime["by_month"], asb["by_month"], strict=True)]),
        ReportTable("Crime groups",
                    f"Recorded crime by crime group (source: {crime.get('by_group_source') or 'police.uk categories'})",
                    ["Crime group", "Crimes", "Share", "Previous year (like for like)", "Change"],
                    _group_rows(crime.get("by_group", []))),
        ReportTable("Crime types", "Recorded crime by police.uk category", ["Crime type", "Crimes", "Share"],
                    [[g["crime_type"], _num(g["count"]), _pct(g["share"])] for g in crime["by_type"]]),
        *_asb_type_tables(asb),
        ReportTable("ASB top wards", "Top five wards for ASB", ["Ward", "Code", "ASB incidents", "Share of all ASB"],
                    [[w["ward_name"], w["ward_code"], _num(w["count"]), _pct(w["share"])]
                     for w in asb.get("top_wards", [])]),
        ReportTable("Wards", "Crime and ASB by ward",
                    ["Ward", "Population", "Crime", "Crime per 1,000", "Change", "ASB", "ASB per 1,000"],
                    [[w["ward_name"], "" if w["population"] is None else _num(round(w["population"])), _num(w["crime"]),
                      _num(w["crime_rate_per_1000"]),
                      "" if w["crime_change"] is None else
                      f"{'' if w['crime_change_percent'] is None else format(w['crime_change_percent'], '+.1f') + '% '}"
                      f"({w['crime_change']})",
                      _num(w["asb"]), _num(w["asb_rate_per_1000"])] for w in figures["wards"]]),
    ]
    tables += hotspot_tables(figures["hotspots"])
    if not (figures.get("police_uk") or {"loaded": True})["loaded"]:  # no empty police.uk tables
        tables = [t for t in tables if t.key not in POLICE_UK_TABLES]
    bench = figures["benchmark"]
    tables.append(_benchmark_table(bench, "offence_rate", "Benchmarking",
                                   "Benchmarking: offence rate per 1,000"))
    tables.append(_benchmark_table(bench, "css", "Benchmarking CSS",
                                   "Benchmarking: Crime Severity Score"))
    tables += [t for t in (published_css_table(bench), violence_table(bench)) if t is not None]
    sv = figures["serious_violence"]
    tables.append(ReportTable("Serious violence", sv["definition"]["name"], ["Year", "Offences", "Months"],
                              [[t["year"], _num(t["total"]), str(t["months_with_data"])] for t in sv["trend"]]))
    note = incomplete_note(figures)
    for table in tables:
        table.footnote = table.footnote or note
    for table in (more := partner_tables(figures)):  # their own caveats, then the months marked
        table.footnote = " ".join(part for part in (table.footnote, note) if part) or None
    return tables + more + own_work_tables(figures)


#: tables drawn from police.uk street-level data alone: left out for a period with none (the
#: report says so instead)
POLICE_UK_TABLES = {"Trend", "Seasonality", "Crime types", "ASB top wards", "Wards", "Hotspot clusters", "Hotspots"}

NOT_RECORDED = "not recorded"


def _sentence(text: str) -> str:
    """A note as a sentence: first letter capital (the rest untouched: '4 December'), a full stop.

    Examples:
        >>> _sentence("no comparison: records start 4 December 2024")
        'No comparison: records start 4 December 2024.'
    """
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] + "."


def own_work_tables(figures: dict) -> list[ReportTable]:
    """The partnership's own work (casework, encampments, case reviews, panels, IOM harm): each
    measure this period and, where both periods are complete, a year earlier with the change."""
    own = figures.get("own_work") or {}
    if not own.get("included"):
        return []
    tables = []
    for key, group in own["groups"].items():
        rows = [[r["label"], NOT_RECORDED if r["count"] is None else _num(r["count"]),
                 "no comparison" if r["previous_count"] is None else _num(r["previous_count"]),
                 r["change"]["words"] if r["change"] else ""] for r in group["rows"]]
        notes = [n for n in (group["comparison_note"], group["partial_note"], group.get("note")) if n]
        tables.append(ReportTable(f"Own work {key.replace('_', ' ')}"[:31], group["title"],
                                  ["Measure", "This period", "Same period a year earlier", "Change"], rows,
                                  _sentence("; ".join(notes)) if notes else None))
    harm = own["iom_harm"]
    columns = ["Cohort", "People", "Offences before", "Offences during", "Harm before", "Harm during", "Change"]
    if harm["recorded"]:
        rows = [[c["cohort"], _num(c["members"]), _num(c["offences_before"]), _num(c["offences_during"]),
                 _num(float(c["harm_before"])), _num(float(c["harm_during"])),
                 "" if c["percent_change"] is None else f"{c['percent_change']:+.1f}%"] for c in harm["cohorts"]]
    else:
        rows = [["IOM", *[NOT_RECORDED] * (len(columns) - 1)]]
    tables.append(ReportTable("Own work IOM harm", "Integrated Offender Management: crime harm before and during",
                              columns, rows, harm.get("note")))
    return tables


def partner_tables(figures: dict) -> list[ReportTable]:
    """The police.uk outcomes, stop and search and partner sections (issue 18) as tables for the
    Word report and the workbook; only those with data (the report lists what was not loaded)."""
    tables: list[ReportTable] = []
    outcomes = figures.get("outcomes") or {}
    if outcomes.get("available"):
        groups = outcomes["groups"]
        rows = [[r["crime_type"], _num(r["crimes"]), *(_pct(r["shares"][g]) for g in groups)]
                for r in outcomes["by_crime_type"]]
        rows.append(["All crimes", _num(outcomes["crimes"]), *(_pct(outcomes["all_crimes"]["shares"][g]) for g in groups)])
        tables.append(ReportTable("Outcomes", "Outcomes of recorded crime by crime type (latest outcome published)",
                                  ["Crime type", "Crimes", *groups], rows, " ".join(outcomes.get("caveats", []))))
    search = figures.get("stop_search") or {}
    if search.get("available"):
        for key, title in (("by_object", "Object of search"), ("by_outcome", "Outcome"),
                           ("by_ethnicity", "Ethnicity (officer-defined, else self-defined)"), ("by_age", "Age range")):
            if search.get(key):
                tables.append(ReportTable(f"Stop and search {title.split()[0].lower()}", f"Stop and search: {title}",
                                          [title, "Searches", "Share", "No further action", "Find rate"],
                                          [[r["group"], _num(r["searches"]), _pct(r["share"]),
                                            _pct(r["no_further_action_share"]), _pct(r["find_rate"])]
                                           for r in search[key]], search.get("note")))
    partner = figures.get("partner") or {}
    rows = [[section["title"], d.get("title", ""), (d.get("level") or {}).get("text", ""),
             _num((d.get("rate") or {}).get("rate")), (d.get("change") or {}).get("direction", d.get("change_note", "")),
             f"{d.get('source', '')} ({d.get('agency', '')})"]
            for key, section in partner.get("sections", {}).items() if key != "survey" for d in section["datasets"]]
    if rows:
        tables.append(ReportTable("Partner data", "Partner data: each dataset's level, rate and change",
                                  ["Section", "Dataset", "Level", "Per 1,000", "Change on the year", "Source"], rows,
                                  "; ".join(partner.get("data_not_available", [])) or None))
    for survey in (partner.get("sections", {}).get("survey") or {}).get("surveys", []):
        tables.append(ReportTable(f"Survey {survey['wave']}"[:31], f"{survey['title']} ({survey['wave']})",
                                  ["Measure", "Respondents", "Positive", "95% interval", "Change"],
                                  [[r["title"], _num(r["n"]), f"{r['percent']}%", f"{r['lower']}% to {r['upper']}%",
                                    (r.get("change") or {}).get("text", "")] for r in survey["rows"]],
                                  " ".join(survey.get("warnings", [])) or None))
    return tables
