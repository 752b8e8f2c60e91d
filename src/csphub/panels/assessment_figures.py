"""Panel referrals and IOM crime harm for the Strategic Assessment (``csphub assess``), as plain
data: referrals to each panel in the period and the same period a year earlier, and for each
Integrated Offender Management cohort the crime harm of its members in the 12 months before
they joined and while in it (``harm.cohort_harm``). Totals only: no person, no offence."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Min

from . import harm
from .models import Cohort, CohortMembership, HarmWeight, Offence, Panel, PanelReferral

INDEX = "Cambridge Crime Harm Index"


def panels_group(period: tuple[date, date], previous: tuple[date, date]) -> dict[str, Any] | None:
    referrals = PanelReferral.objects.filter(archived_on__isnull=True, duplicate_of__isnull=True)
    first = referrals.aggregate(d=Min("referred_on"))["d"]
    if first is None:
        return None

    def count(panel: Panel, start: date, end: date) -> int:
        return referrals.filter(panel=panel, referred_on__gte=start, referred_on__lte=end).count()

    panels = Panel.objects.filter(archived_on__isnull=True).order_by("name")
    return {"title": "Referrals to multi-agency panels", "records_start": first.isoformat(),
            "measures": [{"key": f"panel_{p.pk}", "label": f"Referrals to {p.name}",
                          "count": count(p, *period), "previous_count": count(p, *previous)} for p in panels]}


def iom_harm(period: tuple[date, date], today: date, index: str = INDEX) -> dict[str, Any]:
    """Harm before and during for each IOM cohort's members in the period; ``recorded`` false,
    with the reason, when there is no IOM cohort, no weight or no offence to weigh."""
    cohorts = list(Cohort.objects.filter(archived_on__isnull=True, panel__kind=Panel.Kind.IOM).order_by("name"))
    if not cohorts:
        return {"cohorts": [], "note": "IOM harm before and during: not recorded (no IOM cohort in the panels app)."}
    weights = dict(HarmWeight.objects.filter(index=index).values_list("offence", "weight"))
    if not weights:
        return {"cohorts": [], "note": f"IOM harm before and during: not recorded (no {index} weights loaded: "
                                       "csphub harm load FILE)."}
    start, end = period
    as_of = min(end, today)
    out = []
    for cohort in cohorts:
        memberships = CohortMembership.objects.filter(cohort=cohort, archived_on__isnull=True, entered_on__lte=end
                                                      ).exclude(exited_on__lt=start)
        members = [harm.Member(str(m.person_id), m.entered_on, m.exited_on) for m in memberships]
        offences = [harm.OffenceEvent(str(o.person_id), o.offence, o.committed_on) for o in
                    Offence.objects.filter(person_id__in=[m.person_id for m in memberships], archived_on__isnull=True)]
        if not members or not offences:
            continue
        report = harm.cohort_harm(members, offences, weights, as_of=as_of)
        summary = report.as_dict()
        out.append({"cohort": cohort.name, "members": len(members), "before_months": report.before_months,
                    "as_of": as_of.isoformat(), "index": index,
                    "offences_before": summary["offences_before"], "offences_during": summary["offences_during"],
                    "harm_before": report.harm_before, "harm_during": report.harm_during,
                    "offences_without_weight": sum(report.unweighted.values())})
    if not out:
        return {"cohorts": [], "note": "IOM harm before and during: not recorded (no offences recorded for the "
                                       "IOM cohorts' members in the period)."}
    return {"cohorts": out, "note": (f"Harm weighted by the {index}: the 12 months before each person joined the "
                                     f"cohort against their time in it, to {as_of.isoformat()}.")}
