"""Casework counts for the Strategic Assessment (``csphub assess``), as plain data.

Analytics never imports Django, so the CLI calls this and passes the result into the assessment
(``csphub.analytics.assessment.own_work``). The measures are the seed's: service requests,
cases opened and closed, Community Protection Warnings and Notices, closures, encampment cases;
each for the period and for the same period a year earlier (the assessment decides whether the
two can be compared). Counts only, no personal data. None when the casework database holds no
case at all ("not recorded", never zero).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Min

from . import rules
from .models import AsbCase, Incident, Intervention
from .stats import casework_statistics

#: measure key -> (label, how it is read off casework_statistics' rows)
MEASURES: dict[str, str] = {
    "service_requests": "Service requests (incidents reported)",
    "cases_opened": "Cases opened",
    "cases_closed": "Cases closed",
    "cpw": "Community Protection Warnings (CPWs)",
    "cpn": "Community Protection Notices (CPNs)",
    "closures": "Closure notices and orders",
    "encampment_cases": "Encampment cases opened",
}


def _measures(rows: list[dict[str, Any]]) -> dict[str, int]:
    def total(measure: str, categories: tuple[str, ...] | None = None, contains: str | None = None) -> int:
        return sum(r["count"] for r in rows if r["measure"] == measure and (
            (categories is None and contains is None and r["category"] == "all")
            or (categories is not None and r["category"] in categories)
            or (contains is not None and r["category"] != "all" and contains in r["category"].lower())))

    kinds = rules.INTERVENTION_KINDS
    return {
        "service_requests": total("service_requests"),
        "cases_opened": total("cases_opened"),
        "cases_closed": total("cases_closed"),
        "cpw": total("interventions", (kinds[rules.CPW],)),
        "cpn": total("interventions", (kinds[rules.CPN],)),
        "closures": total("interventions", (kinds[rules.CLOSURE_NOTICE], kinds[rules.CLOSURE_ORDER])),
        "encampment_cases": total("cases_opened", contains="encampment"),
    }


def records_start() -> date | None:
    """The first day anything was recorded: the earliest case opened, incident reported or tool
    issued (so an earlier period is known to predate the records)."""
    cases = AsbCase.objects.filter(archived_on__isnull=True)
    days = [cases.aggregate(d=Min("opened_on"))["d"],
            Incident.objects.filter(case__in=cases, archived_on__isnull=True).aggregate(d=Min("reported_on"))["d"],
            Intervention.objects.filter(case__in=cases, archived_on__isnull=True).aggregate(d=Min("issued_on"))["d"]]
    known = [d for d in days if d]
    return min(known) if known else None


def casework_group(period: tuple[date, date], previous: tuple[date, date]) -> dict[str, Any] | None:
    """The casework measures for ``period`` and ``previous`` (first and last days, inclusive)."""
    first = records_start()
    if first is None:
        return None
    cases = AsbCase.objects.filter(archived_on__isnull=True)
    now = _measures(casework_statistics(cases, *period)["rows"])
    before = _measures(casework_statistics(cases, *previous)["rows"])
    return {"title": "Casework: anti-social behaviour cases and tools and powers", "records_start": first.isoformat(),
            "measures": [{"key": k, "label": label, "count": now[k], "previous_count": before[k]}
                         for k, label in MEASURES.items()]}
