"""Casework statistics for reports: this period against the same period a year earlier.

The seed strategic assessment reports e.g. "247 service requests, up 40% from 176; warnings up
to 12 from 7". Service requests are incidents reported to any agency on a case; cases opened and
closed are by their dates; tools and powers by issue date. Counts only: no personal data.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from csphub.change import percent_change

from . import rules
from .models import AsbCase, Incident, Intervention


def year_earlier(day: date) -> date:
    """The same day a year earlier (29 February becomes 28 February)."""
    return rules.add_months(day, -12)


def _row(measure: str, category: str, now: int, before: int) -> dict[str, Any]:
    return {"measure": measure, "category": category, "count": now, "previous_count": before,
            "change": now - before, "percent_change": percent_change(now, before)}


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


def casework_statistics(cases: QuerySet[AsbCase], start: date, end: date) -> dict[str, Any]:
    """Counts for ``start``..``end`` (inclusive) and the same dates a year earlier."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    previous = (year_earlier(start), year_earlier(end))
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
    }
