"""The partnership's own work in the assessment: casework, ASB Case Reviews, panels, IOM harm.

The seed Strategic Assessment reports the council's own casework beside the police figures
("247 service requests ... up 40% from 176; CPWs up to 12 from 7; CPNs remained the same at 3;
15 incursions compared to 7"). The records live in the casework database (Django); analytics
never imports Django, so the CLI gathers plain counts (``csphub.casework.assessment_figures``
and its siblings in casereview, panels and encampments) and passes them in as ``own_work``:

    {"as_of": "2026-12-02",                      # the day the records were read
     "groups": {"casework": {"title": ..., "records_start": "2024-05-01" or None,
                             "measures": [{"key": "cpw", "label": ..., "count": 3,
                                           "previous_count": 1}, ...]}, ...},
     "iom_harm": {"recorded": bool, "note": ..., "cohorts": [...]}}

Comparison rule: a change on the same period a year earlier is given only when both periods are
complete: the records start on or before the earlier period's first day, and the period has
ended by the day the records were read. Otherwise the row has no earlier figure and the group
says why ("no comparison: records start 1 May 2024"). A group with no record at all says
"not recorded", never zero.

Examples:
    >>> from datetime import date
    >>> g = {"title": "Casework", "records_start": "2022-01-05",
    ...      "measures": [{"key": "cpw", "label": "CPWs", "count": 3, "previous_count": 1}]}
    >>> s = group_section(g, date(2024, 4, 1), date(2025, 3, 31), date(2023, 4, 1), date(2026, 1, 1))
    >>> s["comparison"], s["rows"][0]["change"]["percent"], s["rows"][0]["change"]["words"]
    (True, 200.0, 'up 200.0% (from 1 to 3)')
    >>> s = group_section(dict(g, records_start="2023-06-01"), date(2024, 4, 1), date(2025, 3, 31),
    ...                   date(2023, 4, 1), date(2026, 1, 1))
    >>> s["comparison"], s["comparison_note"], s["rows"][0]["previous_count"]
    (False, 'no comparison: records start 1 June 2023', None)
    >>> s = group_section(dict(g, records_start="2026-09-24"), date(2025, 4, 1), date(2026, 3, 31),
    ...                   date(2024, 4, 1), date(2026, 12, 1))
    >>> s["recorded"], s["comparison_note"], s["rows"][0]["count"]
    (False, 'not recorded in the period: records start 24 September 2026, after it ends', None)
"""

from __future__ import annotations

from datetime import date

from csphub.change import percent_change

NOT_RECORDED = "not recorded"
#: The groups in the order the report shows them (the seed: casework under "Tackling ASB",
#: then the case reviews, the panels and IOM under "Reducing Reoffending").
GROUPS = ("casework", "encampments", "case_reviews", "panels")
#: Each group's title when the database holds none of its records.
GROUP_TITLES = {"casework": "Casework: anti-social behaviour cases and tools and powers",
                "encampments": "Unauthorised encampments",
                "case_reviews": "ASB Case Reviews (the community trigger)",
                "panels": "Referrals to multi-agency panels"}


def day_words(day: date) -> str:
    """'1 June 2023' (no leading zero), as a committee report writes a date.

    Examples:
        >>> day_words(date(2023, 6, 1))
        '1 June 2023'
    """
    return f"{day.day} {day:%B %Y}"


def change(now: int, before: int) -> dict:
    """The change from ``before`` to ``now`` in figures and in words.

    Examples:
        >>> change(3, 1)["words"], change(3, 3)["words"], change(2, 0)["words"]
        ('up 200.0% (from 1 to 3)', 'no change (3 both years)', 'up from none to 2 (no percentage)')
    """
    pct = percent_change(now, before)
    if now == before:
        words = f"no change ({now:,} both years)"
    elif before == 0:
        words = f"up from none to {now:,} (no percentage)"
    else:
        words = f"{'up' if now > before else 'down'} {abs(pct or 0):.1f}% (from {before:,} to {now:,})"
    return {"difference": now - before, "percent": pct, "words": words}


def comparison_note(records_start: date | None, start: date, end: date, previous_start: date,
                    as_of: date) -> str | None:
    """Why the period cannot be compared with the same period a year earlier, or None."""
    if records_start is None:
        return f"{NOT_RECORDED}: no records"
    if records_start > previous_start:
        return f"no comparison: records start {day_words(records_start)}"
    if end > as_of:
        return (f"no comparison: the period runs to {day_words(end)} and the records were read on "
                f"{day_words(as_of)}, so it is not complete")
    return None


def group_section(group: dict, start: date, end: date, previous_start: date, as_of: date) -> dict:
    """One group of measures (casework, case reviews, panels...) for the report."""
    first = date.fromisoformat(group["records_start"]) if group.get("records_start") else None
    note = comparison_note(first, start, end, previous_start, as_of)
    recorded = first is not None and first <= end  # records begun after the period hold nothing of it
    if first is not None and not recorded:
        note = f"{NOT_RECORDED} in the period: records start {day_words(first)}, after it ends"
    rows = []
    for m in group["measures"]:
        count = m["count"] if recorded else None
        previous = m.get("previous_count") if recorded and note is None else None
        rows.append({"key": m["key"], "label": m["label"], "count": count, "previous_count": previous,
                     "change": change(count, previous) if count is not None and previous is not None else None})
    partial_note = None
    if recorded and first is not None and (first > start or end > as_of):
        partial_note = (f"the count covers part of the period only (records from "
                        f"{day_words(max(first, start))} to {day_words(min(end, as_of))})")
    return {"title": group["title"], "recorded": recorded,
            "records_start": first.isoformat() if first else None,
            "comparison": note is None, "comparison_note": note, "partial": partial_note is not None,
            "partial_note": partial_note, "rows": rows, "note": group.get("note")}


def harm_section(harm: dict | None) -> dict:
    """IOM crime harm before and during cohort membership, or 'not recorded' and why."""
    if not harm or not harm.get("cohorts"):
        return {"recorded": False, "cohorts": [],
                "note": (harm or {}).get("note") or f"IOM harm before and during: {NOT_RECORDED} "
                                                   "(no IOM cohort with offences and harm weights)."}
    cohorts = []
    for c in harm["cohorts"]:
        pct = percent_change(c["harm_during"], c["harm_before"])
        cohorts.append({**c, "percent_change": pct})
    return {"recorded": True, "cohorts": cohorts, "note": harm.get("note")}


def own_work_section(own_work: dict | None, period_start: date, period_end: date,
                     previous_start: date) -> dict:
    """``figures["own_work"]``: each group's rows with the like-for-like change, or why not.

    ``own_work`` None: the casework database was not read (``--no-casework``, or none exists)."""
    if own_work is None:
        return {"included": False, "groups": {}, "iom_harm": harm_section(None),
                "note": "The partnership's own casework is not included: the casework database was not "
                        "read (--no-casework, or no database with records was found; run with --casework "
                        "to include it)."}
    as_of = date.fromisoformat(own_work["as_of"])
    given = own_work["groups"]
    groups = {key: group_section(given.get(key) or {"title": GROUP_TITLES[key], "records_start": None,
                                                    "measures": []},
                                 period_start, period_end, previous_start, as_of) for key in GROUPS}
    return {"included": True, "as_of": as_of.isoformat(), "groups": groups,
            "iom_harm": harm_section(own_work.get("iom_harm")),
            "period": {"from": period_start.isoformat(), "to": period_end.isoformat()},
            "note": ("Counts from the partnership's own records (no personal data), against the same "
                     "period a year earlier only when both periods are complete.")}


def changes(section: dict) -> list[tuple[str, dict]]:
    """(label, change) of every row with a change, for the narrative prompts."""
    return [(row["label"], row["change"]) for group in section.get("groups", {}).values()
            for row in group["rows"] if row["change"] and row["change"]["difference"]]
