"""Casework statistics for reports: this period against the same period a year earlier.

The seed strategic assessment reports e.g. "247 service requests, up 40% from 176; warnings up
to 12 from 7". Service requests are incidents reported to any agency on a case; cases opened and
closed are by their dates; tools and powers by issue date. Counts only: no personal data.

Like for like: the earlier period starts on the same date a year before and has exactly as many
days as this one (:func:`comparison_period`), so a period holding 29 February is not compared with
one a day shorter. Every code has a label in plain words (:data:`MEASURE_LABELS`); a change from
nothing has no percentage (:func:`change_words` says "no comparison").
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from csphub.change import percent_change
from csphub.dates import FinancialYear, year_earlier_period

from . import rules
from .models import AsbCase, Incident, Intervention


def year_earlier(day: date) -> date:
    """The same day a year earlier (29 February becomes 28 February)."""
    return rules.add_months(day, -12)


def comparison_period(start: date, end: date) -> tuple[date, date]:
    """The period a year before ``start``..``end``: it starts on the same date a year earlier and
    has the same number of days (like for like).

    Examples:
        >>> comparison_period(date(2025, 4, 1), date(2026, 3, 31))
        (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
        >>> comparison_period(date(2024, 2, 1), date(2024, 3, 31))  # 60 days, with 29 February
        (datetime.date(2023, 2, 1), datetime.date(2023, 4, 1))
        >>> comparison_period(date(2024, 2, 29), date(2024, 2, 29))
        (datetime.date(2023, 2, 28), datetime.date(2023, 2, 28))
    """
    return year_earlier_period(start, end)


#: Each measure in plain words, for pages, exports and papers.
MEASURE_LABELS: dict[str, str] = {
    "service_requests": "Service requests (incidents reported)",
    "cases_opened": "Cases opened",
    "cases_closed": "Cases closed",
    "warnings": "Warnings (Community Protection Warnings and section 59 warnings)",
    "notices": "Notices (Community Protection Notices and closure notices)",
    "contracts": "Acceptable Behaviour Contracts",
    "penalties": "Fixed penalty notices",
    "orders": "Orders (civil injunctions, closure orders, Criminal Behaviour Orders)",
    "interventions": "Tools and powers issued",
}
ALL = "All"
WARD_NOT_KNOWN = "Ward not known"


def change_words(now: int, before: int) -> str:
    """The change as a page or export states it.

    Examples:
        >>> change_words(247, 176), change_words(5, 10), change_words(3, 3), change_words(4, 0)
        ('up 40.3%', 'down 50.0%', 'no change', 'no comparison')
    """
    if before == 0:
        return "no comparison"
    pct = percent_change(now, before)
    if now == before:
        return "no change"
    return f"{'up' if now > before else 'down'} {abs(pct or 0):.1f}%"


def _row(measure: str, category: str, now: int, before: int) -> dict[str, Any]:
    return {"measure": measure, "category": category, "count": now, "previous_count": before,
            "change": now - before, "percent_change": percent_change(now, before)}


def labelled(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :func:`casework_statistics` with its measure and category in plain words and
    its change as a page states it.

    Examples:
        >>> r = labelled(_row("cases_opened", "all", 3, 0))
        >>> r["label"], r["category_label"], r["change_words"]
        ('Cases opened', 'All', 'no comparison')
    """
    return {**row, "label": MEASURE_LABELS[row["measure"]],
            "category_label": ALL if row["category"] == "all" else row["category"],
            "change_words": change_words(row["count"], row["previous_count"])}


def _counts(cases: QuerySet[AsbCase], start: date, end: date) -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    incidents = (Incident.objects.filter(case__in=cases, archived_on__isnull=True,
                                         reported_on__gte=start, reported_on__lte=end)
                 .values("case__case_type__name").annotate(n=Count("id")))
    for row in incidents:
        counts["service_requests", row["case__case_type__name"]] += row["n"]
        counts["service_requests", "all"] += row["n"]
    for row in cases.filter(opened_on__gte=start, opened_on__lte=end).values("case_type__name").annotate(n=Count("id")):
        counts["cases_opened", row["case_type__name"]] += row["n"]
        counts["cases_opened", "all"] += row["n"]
    counts["cases_closed", "all"] = cases.filter(closed_on__gte=start, closed_on__lte=end).count()
    interventions = (Intervention.objects.filter(case__in=cases, archived_on__isnull=True,
                                                 issued_on__gte=start, issued_on__lte=end)
                     .values("kind").annotate(n=Count("id")))
    for row in interventions:
        counts["interventions", rules.INTERVENTION_KINDS[row["kind"]]] += row["n"]
        for group, kinds in rules.STATISTIC_GROUPS.items():
            if row["kind"] in kinds:
                counts[group, "all"] += row["n"]
    return counts


def casework_statistics(cases: QuerySet[AsbCase], start: date, end: date, *, with_breakdowns: bool = False
                        ) -> dict[str, Any]:
    """Counts for ``start``..``end`` (inclusive) and the same number of days from the same date a
    year earlier; ``with_breakdowns`` adds the breakdowns by ward, type of case and tool, and
    whether the earlier period holds anything at all."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    previous = comparison_period(start, end)
    now, before = _counts(cases, start, end), _counts(cases, *previous)
    order = ["service_requests", "cases_opened", "cases_closed", *rules.STATISTIC_GROUPS, "interventions"]
    keys = sorted(set(now) | set(before) | {(m, "all") for m in order if m != "interventions"}, key=lambda k: (order.index(k[0]), k[1] != "all", k[1]))
    headline = {m: _row(m, "all", now.get((m, "all"), 0), before.get((m, "all"), 0))
                for m in order if m != "interventions"}
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "previous_period": {"from": previous[0].isoformat(), "to": previous[1].isoformat()},
        "headline": list(headline.values()),
        "rows": [_row(m, c, now.get((m, c), 0), before.get((m, c), 0)) for m, c in keys],
        **({"breakdowns": breakdowns(cases, (start, end), previous), "earlier_has_data": any(before.values())}
           if with_breakdowns else {}),
    }


# ---- Breakdowns: by ward, by type of case, by tool or power ----------------------------------

#: What each breakdown counts, in plain words (the heading of its chart and table).
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "ward": ("Service requests by ward", "Service requests"),
    "case_type": ("Cases opened by type of case", "Cases opened"),
    "tool": ("Tools and powers issued, by kind", "Tools and powers issued"),
}


def _by_ward(cases: QuerySet[AsbCase], start: date, end: date) -> Counter[str]:
    """Incidents by the ward of where they happened, else of the case's location."""
    rows = (Incident.objects.filter(case__in=cases, archived_on__isnull=True, reported_on__gte=start,
                                    reported_on__lte=end)
            .annotate(ward=Coalesce(NullIf("location__ward_name", Value("")), NullIf("case__location__ward_name", Value("")),
                                    Value(WARD_NOT_KNOWN)))
            .values("ward").annotate(n=Count("id")))
    return Counter({r["ward"]: r["n"] for r in rows})


def _by_case_type(cases: QuerySet[AsbCase], start: date, end: date) -> Counter[str]:
    rows = cases.filter(opened_on__gte=start, opened_on__lte=end).values("case_type__name").annotate(n=Count("id"))
    return Counter({r["case_type__name"]: r["n"] for r in rows})


def _by_tool(cases: QuerySet[AsbCase], start: date, end: date) -> Counter[str]:
    rows = (Intervention.objects.filter(case__in=cases, archived_on__isnull=True, issued_on__gte=start,
                                        issued_on__lte=end).values("kind").annotate(n=Count("id")))
    return Counter({rules.INTERVENTION_KINDS[r["kind"]]: r["n"] for r in rows})


COUNTERS = {"ward": _by_ward, "case_type": _by_case_type, "tool": _by_tool}


def breakdowns(cases: QuerySet[AsbCase], period: tuple[date, date], previous: tuple[date, date]
               ) -> list[dict[str, Any]]:
    """Each breakdown's rows (label, this period, a year earlier, change), largest first."""
    out = []
    for key, (title, measure) in BREAKDOWNS.items():
        now, before = COUNTERS[key](cases, *period), COUNTERS[key](cases, *previous)
        labels = sorted(set(now) | set(before), key=lambda k: (-now[k], -before[k], k))
        out.append({"key": key, "title": title, "measure": measure, "rows": [
            {"label": k, "count": now[k], "previous_count": before[k], "change": now[k] - before[k],
             "percent_change": percent_change(now[k], before[k]), "change_words": change_words(now[k], before[k])}
            for k in labels]})
    return out


# ---- Choosing the period: a financial year, one of its quarters, or dates ------------------------

#: The quarters of a financial year: number -> (first month, its name in plain words).
QUARTERS: dict[int, tuple[int, str]] = {1: (4, "April to June"), 2: (7, "July to September"),
                                        3: (10, "October to December"), 4: (1, "January to March")}


def financial_period(year: FinancialYear, quarter: int | None, today: date) -> tuple[date, date]:
    """The first and last day of a financial year or one of its quarters (1 is April to June),
    ending ``today`` if it has not ended yet (so a year to date is compared with the same days
    a year earlier). ValueError if it has not started.

    Examples:
        >>> financial_period(FinancialYear(2025), None, date(2026, 12, 2))
        (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
        >>> financial_period(FinancialYear(2025), 4, date(2026, 12, 2))
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
        >>> financial_period(FinancialYear(2026), 3, date(2026, 12, 2))  # to date
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 2))
        >>> financial_period(FinancialYear(2026), 4, date(2026, 12, 2))
        Traceback (most recent call last):
        ...
        ValueError: January to March 2026/27 has not started yet
    """
    if quarter is None:
        start, end, name = year.start, year.end, year.label
    else:
        month, words = QUARTERS[quarter]
        start = date(year.start_year + (1 if month < 4 else 0), month, 1)
        end = rules.add_months(start, 3) - timedelta(days=1)
        name = f"{words} {year.label}"
    if start > today:
        raise ValueError(f"{name} has not started yet")
    return start, min(end, today)
