"""Benchmarking against published figures (issue 13, item 8): the ONS Crime Severity Score of the
area, each peer of its Most Similar Group and England and Wales, and the violence against the
person rate of the area and its peers from Home Office offence-code counts.

Peers are the area's Most Similar Group when one is loaded (``csphub ingest msg``), else the
other areas defined in the warehouse; the area itself is never its own peer and is listed once.

**Published CSS** (``csphub ingest css-table``) is for a year ending March: the assessment's
financial year, or, for another period, the latest year ending March within it (said so). Each
row carries the months behind it. The subject is ranked (1 = highest) among its group only when
the subject and every peer have a published value for that year from the same release of the
table (one method): a missing value (``[x]``) or a mix of releases gives no rank and the reason.
England and Wales is shown beside them, never ranked. The CSS computed here (exact from offence
codes, or estimated from police.uk) is shown separately and never ranked against published
values: ONS's population denominators and revisions differ from ours.

**Violence against the person** (VAP): offences whose Home Office code is in the VAP group, the
codes read in their one spelling (:func:`csphub.analytics.offence_codes.normalise_code`, via
:func:`csphub.analytics.assessment.groups.group_for_code`), per 1,000 residents (the warehouse's
population of the area's LSOAs). A rank only among areas with all four quarters (or a whole-year
count) of the same financial year and a population.
"""

from __future__ import annotations

from datetime import date

import duckdb

from csphub.analytics.areas import Area, list_areas
from csphub.analytics.assessment.data import area_population
from csphub.analytics.assessment.groups import VIOLENCE, group_for_code
from csphub.analytics.assessment.periods import FinancialYear, Period, month_key
from csphub.analytics.counts import choose_ward_vintage
from csphub.analytics.offence_counts import area_offence_counts
from csphub.analytics.published import (
    ENGLAND_AND_WALES,
    most_similar_group,
    published_css,
    same_name,
    year_ending,
)
from csphub.change import percent_change

PUBLISHED_METHOD = "ONS published CSS"
#: what a figure covers: ONS's published whole year, or the months computed here (the same
#: words as the offence-rate benchmark's ``*_covers``)
COVERS_PUBLISHED = "published figure for the full financial year"
COVERS_COMPUTED = "computed here on the months listed"


def published_year(period: Period) -> tuple[FinancialYear, bool]:
    """The year ending March to benchmark on, and whether it is the assessment's own period."""
    if isinstance(period, FinancialYear):
        return period, True
    end: date = period.end
    return FinancialYear(end.year - 1 if end.month >= 3 else end.year - 2), False


def is_same(name: str, codes: tuple[str, ...] | list[str], other_name: str | None, other_code: str | None) -> bool:
    return bool((other_code and other_code in codes) or (other_name and same_name(name, other_name)))


def peer_list(con: duckdb.DuckDBPyConnection, area: Area) -> dict:
    """The area's peers: {"source", "msg" (bool), "peers": [{"area_name", "area_code", "position",
    "area" (the warehouse Area or None)}]}, never the area itself."""
    defined = [a for a in list_areas(con) if not is_same(area.name, area.lad_codes, a.name, None)
               and set(a.lad_codes) != set(area.lad_codes)]
    msg = most_similar_group(con, area.name, area.lad_codes)
    if msg is None:
        return {"msg": False, "source": "the other areas defined in the warehouse",
                "peers": [{"area_name": a.name, "area_code": ",".join(a.lad_codes), "position": None, "area": a}
                          for a in defined]}
    peers = []
    for p in msg["peers"]:
        if is_same(area.name, area.lad_codes, p["area_name"], p["area_code"]):
            continue
        found = next((a for a in defined if is_same(p["area_name"], a.lad_codes, a.name, p["area_code"])), None)
        peers.append({**p, "area": found})
    return {"msg": True, "source": f"Most Similar Group ({msg['source']})", "peers": peers}


def _published_row(found: dict | None, name: str, code: str | None, role: str, year: FinancialYear,
                   position: int | None = None) -> dict:
    value = found["value"] if found else None
    return {"area_name": (found or {}).get("area_name") or name, "area_code": (found or {}).get("area_code") or code,
            "role": role, "msg_position": position, "value": value,
            "missing": None if value is not None else (
                f"not available ({found['marker']})" if found else "not in the published table loaded"),
            "period": f"{year_ending(year.name)}, full year (published)" if value is not None else None,
            "months": [month_key(m) for m in year.months] if value is not None else [],
            "covers": COVERS_PUBLISHED if value is not None else None,
            "method": PUBLISHED_METHOD if found else None, "release": (found or {}).get("release"),
            "_file": (found or {}).get("file_id"), "rank": None, "rank_of": None}


def _lookup(rows: list[dict], name: str, codes) -> dict | None:
    by_code = next((r for r in rows if r["area_code"] in codes), None)
    return by_code or next((r for r in rows if r["area_name"] and same_name(r["area_name"], name)), None)


def published_css_table(con: duckdb.DuckDBPyConnection, area: Area, period: Period, peers: dict,
                        computed: dict | None) -> dict:
    year, own_period = published_year(period)
    table = published_css(con, year.name)
    base = {"year": year.name, "year_ending": year_ending(year.name), "peers_source": peers["source"],
            "same_period_as_assessment": own_period}
    if not table:
        return {**base, "available": False, "rows": [], "rank": None, "rank_of": None,
                "rank_note": None, "subject_computed": None,
                "note": f"No published Crime Severity Score loaded for the {year_ending(year.name)} "
                        "(csphub ingest css-table FILE, the ONS data tool table)."}
    subject = _published_row(_lookup(table, area.name, area.lad_codes), area.name, ",".join(area.lad_codes),
                             "subject", year)
    rows = [subject]
    for p in peers["peers"]:
        codes = [p["area_code"]] if p["area_code"] else list(p["area"].lad_codes if p["area"] else ())
        rows.append(_published_row(_lookup(table, p["area_name"], codes), p["area_name"], p["area_code"],
                                   "peer", year, p["position"]))
    ew = next((r for r in table if r["area_code"] == ENGLAND_AND_WALES), None)
    if ew is None:
        ew = next((r for r in table if r["area_type"] == "country" and same_name(r["area_name"] or "",
                                                                                 "England and Wales")), None)
    reference = _published_row(ew, "England and Wales", ENGLAND_AND_WALES, "england_and_wales", year)
    members = rows
    rank_note = None
    lacking = [r["area_name"] for r in members if r["value"] is None]
    releases = {r["release"] for r in members if r["value"] is not None}
    if len(members) < 2:
        rank_note = "not ranked: no peers"
    elif lacking:
        rank_note = (f"not ranked: no published CSS for the {year_ending(year.name)} for "
                     f"{', '.join(lacking)}, so the group is not all on the same year")
    elif len(releases) > 1:
        rank_note = ("not ranked: the values come from different releases of the table "
                     f"({', '.join(sorted(releases))}), which may differ in method")
    else:
        for position, row in enumerate(sorted(members, key=lambda r: -r["value"]), start=1):
            row["rank"], row["rank_of"] = position, len(members)
    for row in (*rows, reference):
        row.pop("_file", None)
    result = {**base, "available": True, "rows": rows, "england_and_wales": reference,
              "rank": subject["rank"], "rank_of": subject["rank_of"], "rank_note": rank_note,
              "subject_computed": _computed(computed, area, year, own_period)}
    result["note"] = (
        f"Published ONS Crime Severity Score, {year_ending(year.name)}, for {area.name}, its peers "
        f"({peers['source']}) and England and Wales"
        + ("" if own_period else " (the latest year ending March in the assessment's period, not the period itself)")
        + ". Rank 1 is the highest, given only when the area and every peer are published for the same year "
          "by the same release; England and Wales is a reference, not ranked. The CSS computed in this "
          "report is shown separately and not ranked against published values.")
    return result


def _computed(css: dict | None, area: Area, year: FinancialYear, own_period: bool) -> dict | None:
    if not css or css.get("value") is None:
        return None
    method = {"exact": "exact CSS (offence-code counts)", "estimate": "CSS estimated from police.uk"}.get(
        css.get("method") or "", css.get("method"))
    return {"area_name": area.name, "value": css["value"], "method": method,
            "period": f"{css['value_basis']} (computed here)" if css.get("value_basis") else None,
            "months": css.get("months") or [], "covers": COVERS_COMPUTED,
            "rank": None, "rank_of": None,
            "rank_note": (f"not ranked against published values: {method}"
                          + ("" if own_period else f", over the assessment's period, not the {year_ending(year.name)}")
                          + ", not ONS's published figure")}


def _vap(con: duckdb.DuckDBPyConnection, name: str, codes: list[str], year: FinancialYear) -> dict | None:
    frame = area_offence_counts(con, name, codes, [year.name])
    if frame.empty:
        return None
    groups = [group_for_code(c, g, s)[0] for c, g, s in
              zip(frame["offence_code"], frame["offence_group"], frame["offence_subgroup"], strict=True)]
    vap = frame[[g == VIOLENCE for g in groups]]
    quarters = {q for q in frame["quarter"]}
    whole = None in quarters or {1, 2, 3, 4} <= {int(q) for q in quarters if q is not None}
    return {"count": int(vap["count"].sum()), "whole_year": bool(whole),
            "quarters": sorted(int(q) for q in quarters if q is not None)}


def violence_table(con: duckdb.DuckDBPyConnection, area: Area, period: Period, peers: dict,
                   ward_vintage: str | None) -> dict:
    """Violence against the person per 1,000 for the area and its peers, from offence-code counts."""
    if not isinstance(period, FinancialYear):
        return {"available": False, "rows": [], "note": "Violence against the person is benchmarked from "
                "Home Office offence-code counts, which are by financial year: not for this period."}
    year = period
    own = _vap(con, area.name, list(area.lad_codes), year)
    if own is None:
        return {"available": False, "rows": [], "year": year.name,
                "note": f"No Home Office offence-code counts loaded for {area.name} in {year.name} "
                        "(csphub ingest offence-counts): violence against the person is not benchmarked."}
    vintage = choose_ward_vintage(con, ward_vintage)
    members = [(area.name, area, "subject", None)] + [
        (p["area_name"], p["area"], "peer", p["position"]) for p in peers["peers"]]
    rows = []
    for name, found, role, position in members:
        codes = list(found.lad_codes) if found else ([p] if (p := _code_of(peers, name)) else [])
        vap = own if role == "subject" else _vap(con, found.name if found else name, codes, year)
        population = area_population(con, found, vintage, year.start_year)[0] if found else None
        row = {"area_name": name, "role": role, "msg_position": position, "year": year.name,
               "offences": vap["count"] if vap else None, "population": population,
               "months": [month_key(m) for m in year.months] if vap and vap["whole_year"] else [],
               "period": (year.name if vap["whole_year"] else
                          f"{year.name}, quarters {', '.join(map(str, vap['quarters']))} only") if vap else None,
               "rate_per_1000": (round(vap["count"] * 1000 / population, 1)
                                 if vap and population else None),
               "rank": None, "rank_of": None, "rank_note": None,
               **_vap_change(vap, _vap(con, found.name if found else name, codes, year.previous()),
                             population, year)}
        if vap is None:
            row["rank_note"] = f"no offence-code counts loaded for {year.name}"
        elif not population:
            row["rank_note"] = "no population loaded (not an area defined in the warehouse): no rate"
        elif not vap["whole_year"]:
            row["rank_note"] = "not ranked: not the whole year"
        rows.append(row)
    ranked = [r for r in rows if r["rate_per_1000"] is not None and r["rank_note"] is None]
    if len(ranked) >= 2 and ranked[0]["role"] == "subject":
        for position, row in enumerate(sorted(ranked, key=lambda r: -r["rate_per_1000"]), start=1):
            row["rank"], row["rank_of"] = position, len(ranked)
    elif rows[0]["rank_note"] is None:
        rows[0]["rank_note"] = "not ranked: no peer with a whole-year rate"
    return {"available": True, "year": year.name, "rows": rows, "peers_source": peers["source"],
            "note": f"Violence against the person per 1,000 residents, {year.name}: Home Office offence-code "
                    "counts (the VAP group's codes, in their one spelling) over the population of each area's "
                    "LSOAs loaded. Rank 1 is the highest, among areas with the whole year and a population only. "
                    f"The change on {year.previous().name} is on the offence counts, given only when both "
                    "years are whole (all four quarters); otherwise the reason is given."}


def _coverage_words(vap: dict) -> str:
    return "the whole year" if vap["whole_year"] else f"quarters {', '.join(map(str, vap['quarters']))} only"


def _vap_change(vap: dict | None, before: dict | None, population: float | None, year: FinancialYear) -> dict:
    """The year before's VAP and the change on it, like for like only: both years whole (all
    four quarters, or a whole-year count); otherwise no change and ``change_note`` says why.

    Examples:
        >>> year = FinancialYear(2023)
        >>> _vap_change({"count": 90, "whole_year": True, "quarters": []},
        ...             {"count": 75, "whole_year": True, "quarters": []}, 9000, year)["change"]
        20.0
        >>> _vap_change({"count": 90, "whole_year": True, "quarters": []},
        ...             {"count": 30, "whole_year": False, "quarters": [1, 2]}, 9000, year)["change_note"]
        'not compared: 2023/24 has the whole year, 2022/23 quarters 1, 2 only'
    """
    previous = year.previous().name
    result = {"previous_year": previous, "previous_offences": before["count"] if before else None,
              "previous_period": (f"{previous}, {_coverage_words(before)}" if before else None),
              "previous_rate_per_1000": (round(before["count"] * 1000 / population, 1)
                                         if before and population else None),
              "change": None, "change_basis": None, "change_note": None}
    if vap is None:
        return result
    if before is None:
        result["change_note"] = f"not compared: no offence-code counts loaded for {previous}"
    elif not (vap["whole_year"] and before["whole_year"]):
        result["change_note"] = (f"not compared: {year.name} has {_coverage_words(vap)}, "
                                 f"{previous} {_coverage_words(before)}")
    elif before["count"] == 0:
        result["change_note"] = f"not compared: no VAP offence in {previous}"
    else:
        result["change"] = percent_change(vap["count"], before["count"])
        result["change_basis"] = f"the whole of {year.name} against the whole of {previous} (offence counts)"
    return result


def _code_of(peers: dict, name: str) -> str | None:
    return next((p["area_code"] for p in peers["peers"] if p["area_name"] == name), None)
