"""Crime harm before and during cohort membership: pure functions, no database.

Each offence is weighted by a crime harm index (e.g. the Cambridge Crime Harm Index, where the
weight is the days of custody the offence would attract for a first offender). "Before" is the
same number of months before entry (default 12); "during" runs from entry to exit, or to the
report date for people still in the cohort.

Examples:
    >>> from datetime import date
    >>> members = [Member("p1", date(2025, 1, 1), None)]
    >>> offences = [OffenceEvent("p1", "Burglary - residential", date(2024, 6, 1)),
    ...             OffenceEvent("p1", "Shoplifting", date(2025, 3, 1))]
    >>> report = cohort_harm(members, offences, {"Burglary - residential": 730, "Shoplifting": 2},
    ...                      as_of=date(2025, 12, 31))
    >>> report.harm_before, report.harm_during
    (730.0, 2.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from csphub.change import percent_change
from csphub.dates import add_months


@dataclass(frozen=True)
class Member:
    person: str
    entered_on: date
    exited_on: date | None


@dataclass(frozen=True)
class OffenceEvent:
    person: str
    offence: str
    committed_on: date


@dataclass
class MemberHarm:
    person: str
    entered_on: date
    exited_on: date | None
    offences_before: int = 0
    offences_during: int = 0
    harm_before: float = 0.0
    harm_during: float = 0.0


@dataclass
class CohortHarm:
    before_months: int
    as_of: date
    members: list[MemberHarm]
    unweighted: dict[str, int] = field(default_factory=dict)  # offence -> count with no weight

    @property
    def harm_before(self) -> float:
        return round(sum(m.harm_before for m in self.members), 2)

    @property
    def harm_during(self) -> float:
        return round(sum(m.harm_during for m in self.members), 2)

    @property
    def percent_change(self) -> float | None:
        return percent_change(self.harm_during, self.harm_before)

    def as_dict(self) -> dict:
        return {
            "before_months": self.before_months, "as_of": self.as_of.isoformat(),
            "harm_before": self.harm_before, "harm_during": self.harm_during,
            "percent_change": self.percent_change,
            "offences_before": sum(m.offences_before for m in self.members),
            "offences_during": sum(m.offences_during for m in self.members),
            "unweighted_offences": self.unweighted,
            "members": [
                {"person": m.person, "entered_on": m.entered_on.isoformat(),
                 "exited_on": m.exited_on.isoformat() if m.exited_on else None,
                 "offences_before": m.offences_before, "offences_during": m.offences_during,
                 "harm_before": round(m.harm_before, 2), "harm_during": round(m.harm_during, 2)}
                for m in self.members
            ],
        }


def cohort_harm(
    members: Iterable[Member],
    offences: Iterable[OffenceEvent],
    weights: Mapping[str, float],
    *,
    as_of: date,
    before_months: int = 12,
) -> CohortHarm:
    """Harm per member and in total, before entry (``before_months``) and during membership.

    An offence with no weight counts as an offence but adds no harm; it is listed in
    ``unweighted`` so the analyst can load the missing weight. Offence names match
    case-insensitively."""
    lookup = {k.strip().casefold(): float(v) for k, v in weights.items()}
    by_person: dict[str, list[OffenceEvent]] = {}
    for offence in offences:
        by_person.setdefault(offence.person, []).append(offence)
    report = CohortHarm(before_months=before_months, as_of=as_of, members=[])
    for member in members:
        row = MemberHarm(member.person, member.entered_on, member.exited_on)
        start_before = add_months(member.entered_on, -before_months)
        end_during = min(member.exited_on or as_of, as_of)
        for offence in by_person.get(member.person, []):
            weight = lookup.get(offence.offence.strip().casefold())
            if weight is None:
                report.unweighted[offence.offence] = report.unweighted.get(offence.offence, 0) + 1
            if start_before <= offence.committed_on < member.entered_on:
                row.offences_before += 1
                row.harm_before += weight or 0.0
            elif member.entered_on <= offence.committed_on <= end_during:
                row.offences_during += 1
                row.harm_during += weight or 0.0
        report.members.append(row)
    return report
